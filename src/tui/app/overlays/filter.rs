//! `/`: the focused pane's filter, typed in place; the pane follows as it is
//! typed (the filter itself lives in the pane's state).

use crossterm::event::KeyEvent;

use crate::tui::app::{Cmd, Model, Overlay, Pane};
use crate::tui::keymap::Action;

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
        Some(Action::Submit) => model.overlay = Overlay::None,
        _ => {
            if let Overlay::Filter { input } = &mut model.overlay
                && input.edit(key)
            {
                let text = input.value().to_owned();
                set_filter(model, pane, text);
                model.search_typed();
            }
        }
    }
    // The selection may have changed under the filter: what it shows is loaded.
    filtered(model, pane)
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
