//! `/`: the focused pane's filter, typed in place; the pane follows as it is
//! typed (the filter itself lives in the pane's state). In an inbox search,
//! Enter keeps the search in the profile's history, ↑ ↓ recall them.

use crossterm::event::KeyEvent;

use crate::tui::app::{Cmd, LineEdit, Model, Overlay, Pane};
use crate::tui::keymap::Action;

/// `/`: the focused pane's filter to type, starting from the one it has.
pub(in crate::tui::app) fn open(model: &mut Model) -> Vec<Cmd> {
    // On an inbox view, `/` searches every session (a tab of its own).
    if model.focus == Pane::Sessions && model.start_search() {
        model.search_typed();
    }
    let current = model.pane(model.focus).filter.clone();
    model.overlay = Overlay::Filter {
        input: LineEdit(tui_input::Input::new(current)),
        recalled: None,
    };
    Vec::new()
}

pub(in crate::tui::app) fn on_key(model: &mut Model, key: KeyEvent, action: Option<Action>) -> Vec<Cmd> {
    let pane = model.focus;
    match action {
        Some(Action::Cancel) => {
            model.overlay = Overlay::None;
            // A search given up: back to the view and the row it started from.
            if pane == Pane::Sessions
                && let Some(cmds) = model.end_search()
            {
                return cmds;
            }
            model.pane_mut(pane).filter.clear();
        }
        Some(Action::Submit) => {
            model.overlay = Overlay::None;
            return keep_search(model);
        }
        Some(action @ (Action::Up | Action::Down)) => return recall(model, action == Action::Up),
        _ => {
            if let Overlay::Filter { input, recalled } = &mut model.overlay
                && input.edit(key)
            {
                *recalled = None;
                let text = input.value().to_owned();
                set_filter(model, pane, text);
                model.search_typed();
            }
        }
    }
    // The selection may have changed under the filter: what it shows is loaded.
    filtered(model, pane)
}

/// Whether `/` is searching every session (not filtering a pane).
fn searching(model: &Model) -> bool {
    model.focus == Pane::Sessions && model.inbox.as_ref().is_some_and(|inbox| inbox.search.is_some())
}

/// Enter on a search: kept as the newest of the profile's searches.
fn keep_search(model: &mut Model) -> Vec<Cmd> {
    let text = model.pane(Pane::Sessions).filter.trim().to_owned();
    if !searching(model) || text.is_empty() {
        return Vec::new();
    }
    model.searches = crate::history::with_search(std::mem::take(&mut model.searches), &text);
    vec![Cmd::Remember(crate::history::Change::Searched(text))]
}

/// ↑ (`earlier`) or ↓ in a search: the searches kept, newest first; past the
/// newest, the line typed before.
fn recall(model: &mut Model, earlier: bool) -> Vec<Cmd> {
    if !searching(model) || model.searches.is_empty() {
        return Vec::new();
    }
    let newest = model.searches.len() - 1;
    let Overlay::Filter { input, recalled } = &mut model.overlay else {
        return Vec::new();
    };
    let (at, typed) = match recalled.take() {
        None if !earlier => return Vec::new(),
        None => (Some(newest), input.value().to_owned()),
        Some((at, typed)) if earlier => (Some(at.saturating_sub(1)), typed),
        Some((at, typed)) if at < newest => (Some(at + 1), typed),
        Some((_, typed)) => (None, typed),
    };
    let text = match at {
        Some(at) => model.searches[at].clone(),
        None => typed.clone(),
    };
    *recalled = at.map(|at| (at, typed));
    *input = LineEdit(tui_input::Input::new(text.clone()));
    set_filter(model, Pane::Sessions, text);
    model.search_typed();
    filtered(model, Pane::Sessions)
}

/// The pane's filter becomes `text`; its cursor starts over at the first match.
pub(in crate::tui::app) fn set_filter(model: &mut Model, pane: Pane, text: String) {
    let state = model.pane_mut(pane);
    state.filter = text;
    state.cursor = 0;
    state.offset = 0;
}

/// After a pane's rows changed by filtering: what is now selected is asked for.
pub(in crate::tui::app) fn filtered(model: &mut Model, pane: Pane) -> Vec<Cmd> {
    match pane {
        // An inbox view's filter is a query the inbox runs.
        Pane::Sessions if model.inbox_view().is_some() => model.want_inbox(),
        Pane::Sessions => {
            let cursor = model.pane(Pane::Sessions).cursor;
            model.select_session(cursor)
        }
        Pane::Attempts => model.attempt_selected(),
        Pane::Media => Vec::new(),
    }
}
