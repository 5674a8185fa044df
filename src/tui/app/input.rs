//! Keys, pastes and the mouse: each key is looked up in the keymap of the mode the
//! screen is in; in the prompt and the filter, keys no row claims edit the line.

use crossterm::event::{KeyEvent, MouseButton, MouseEvent, MouseEventKind};

use super::model::{LineEdit, Model, Overlay, Pane, Status};
use super::msg::{Cmd, TransferKind};
use super::overlays;
use crate::ids::SessionId;
use crate::tui::keymap::{Action, Mode};
use crate::tui::layout;

pub(super) fn on_key(model: &mut Model, key: KeyEvent) -> Vec<Cmd> {
    let mode = model.overlay.mode();
    let action = model.keymap.action(mode, key);
    match (mode, action) {
        (_, Some(Action::Quit)) => {
            model.quit = true;
            Vec::new()
        }
        (Mode::Browse, Some(action)) => act(model, action),
        (Mode::Browse, None) => Vec::new(),
        (Mode::Prompt, action) if matches!(model.overlay, Overlay::CaseFolder { .. }) => {
            overlays::case_folder::on_key(model, key, action)
        }
        (Mode::Prompt, action) if matches!(model.overlay, Overlay::NewLink(_)) => {
            overlays::new_link::on_key(model, key, action)
        }
        (Mode::Prompt, action) if matches!(model.overlay, Overlay::Note(_)) => {
            overlays::note::on_key(model, key, action)
        }
        (Mode::Prompt, action) => overlays::add_session::on_key(model, key, action),
        (Mode::Link, Some(Action::Cancel)) => {
            model.overlay = Overlay::None;
            Vec::new()
        }
        (Mode::Link, _) => Vec::new(),
        (Mode::Review, action) if matches!(model.overlay, Overlay::Tag(_)) => overlays::tag::on_key(model, action),
        (Mode::Review, action) => overlays::hit_review::on_key(model, action),
        (Mode::Filter, action) => overlays::filter::on_key(model, key, action),
        (Mode::Help, action) => {
            overlays::help::on_key(model, action);
            Vec::new()
        }
        (Mode::Profiles, action) => overlays::profiles::on_key(model, action),
        (Mode::Messages, action) => {
            overlays::messages::on_key(model, action);
            Vec::new()
        }
        (Mode::Linked, action) => overlays::linked::on_key(model, action),
        (Mode::LookCloser, action) => overlays::look_closer::on_key(model, action),
        (Mode::Confirm, action) => {
            use crate::tui::app::overlays::confirm::Answer;
            let Overlay::Confirm(confirm) = &mut model.overlay else {
                return Vec::new();
            };
            match confirm.on_key(action, key) {
                Answer::Open => Vec::new(),
                Answer::Yes(then) => {
                    model.overlay = match std::mem::take(&mut model.overlay) {
                        Overlay::Confirm(confirm) => confirm.next.map_or(Overlay::None, |next| *next),
                        _ => Overlay::None,
                    };
                    then
                }
                Answer::No => {
                    model.overlay = Overlay::None;
                    model.status = Some(Status::info("cancelled: nothing was done"));
                    Vec::new()
                }
            }
        }
    }
}

/// A click focuses the pane under it and selects the row; the wheel moves the
/// selection of the pane under the pointer.
pub(super) fn on_mouse(model: &mut Model, mouse: MouseEvent) -> Vec<Cmd> {
    if !model.overlay.is_none() {
        return Vec::new();
    }
    let (width, height) = model.size;
    let panes = layout::areas_for(
        ratatui::layout::Rect::new(0, 0, width, height),
        model.inbox_view().is_some(),
    )
    .panes;
    let at = ratatui::layout::Position::new(mouse.column, mouse.row);
    let Some(index) = panes.iter().position(|area| area.contains(at)) else {
        return Vec::new();
    };
    let pane = Pane::ALL[index];
    match mouse.kind {
        MouseEventKind::ScrollDown => {
            model.focus = pane;
            move_cursor(model, 1)
        }
        MouseEventKind::ScrollUp => {
            model.focus = pane;
            move_cursor(model, -1)
        }
        MouseEventKind::Down(MouseButton::Left) => {
            model.focus = pane;
            // Rows lie between the top and bottom borders.
            let row = (mouse.row - panes[index].y) as usize;
            if row == 0 || row + 1 >= panes[index].height as usize {
                return Vec::new();
            }
            let state = model.pane(pane);
            let target = state.offset + row - 1;
            if target >= model.pane_len(pane) {
                return Vec::new();
            }
            let delta = target as isize - state.cursor as isize;
            move_cursor(model, delta)
        }
        _ => Vec::new(),
    }
}

pub(super) fn on_paste(model: &mut Model, text: &str) -> Vec<Cmd> {
    let text = text.replace(['\r', '\n'], " ");
    let insert = |input: &mut LineEdit| {
        for c in text.chars() {
            input.0.handle(tui_input::InputRequest::InsertChar(c));
        }
    };
    match &mut model.overlay {
        Overlay::AddSession { input, error } => {
            insert(input);
            *error = None;
        }
        Overlay::CaseFolder { input, .. } => insert(input),
        Overlay::Note(note) => insert(&mut note.input),
        Overlay::Confirm(confirm) => {
            if confirm.typed.is_some() {
                insert(&mut confirm.input);
            }
        }
        Overlay::NewLink(form) => {
            let focus = form.focus;
            insert(&mut form.fields[focus]);
        }
        Overlay::LinkMade { .. } | Overlay::PortalLink { .. } | Overlay::HitReview(_) | Overlay::Tag(_) => {}
        Overlay::Filter { input, .. } => {
            insert(input);
            let (pane, value) = (model.focus, input.value().to_owned());
            overlays::filter::set_filter(model, pane, value);
            return overlays::filter::filtered(model, pane);
        }
        // A link pasted anywhere else is most likely a session to open.
        Overlay::None
        | Overlay::Help { .. }
        | Overlay::Messages { .. }
        | Overlay::Profiles { .. }
        | Overlay::Linked { .. }
        | Overlay::Zoom
        | Overlay::Compare
        | Overlay::Faces { .. } => {
            let mut input = LineEdit::default();
            insert(&mut input);
            model.overlay = Overlay::AddSession { input, error: None };
        }
    }
    Vec::new()
}

fn act(model: &mut Model, action: Action) -> Vec<Cmd> {
    let page = model.list_rows.max(1) as isize;
    match action {
        Action::Down => move_cursor(model, 1),
        Action::Up => move_cursor(model, -1),
        Action::HalfPageDown => move_cursor(model, (page / 2).max(1)),
        Action::HalfPageUp => move_cursor(model, -(page / 2).max(1)),
        Action::PageDown => move_cursor(model, page),
        Action::PageUp => move_cursor(model, -page),
        Action::First => move_cursor(model, isize::MIN / 2),
        Action::Last => move_cursor(model, isize::MAX / 2),
        Action::NextPane => {
            model.focus = match model.focus {
                Pane::Sessions => Pane::Attempts,
                _ => Pane::Media,
            };
            Vec::new()
        }
        Action::PrevPane => {
            model.focus = match model.focus {
                Pane::Media => Pane::Attempts,
                _ => Pane::Sessions,
            };
            Vec::new()
        }
        Action::Enter => match model.focus {
            Pane::Sessions => {
                model.focus = Pane::Attempts;
                Vec::new()
            }
            Pane::Attempts => {
                model.focus = Pane::Media;
                Vec::new()
            }
            Pane::Media => super::transfer::start_transfer(model, TransferKind::Open),
        },
        Action::Open => super::transfer::start_transfer(model, TransferKind::Open),
        Action::Save => super::transfer::start_transfer(model, TransferKind::Save),
        Action::SaveAll => super::transfer::start_transfer(model, TransferKind::SaveAll),
        Action::Messages => {
            model.overlay = Overlay::Messages { scroll: 0 };
            Vec::new()
        }
        Action::AddSession => {
            model.overlay = Overlay::AddSession {
                input: LineEdit::default(),
                error: None,
            };
            Vec::new()
        }
        Action::RemoveSession => remove_session(model),
        Action::DeleteSession => super::actions::delete_session(model),
        Action::NewSession => overlays::new_link::open(model),
        Action::ReviewHit => overlays::hit_review::open(model),
        Action::Reload => model.reload(),
        Action::Filter => {
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
        Action::Copy => copy_selected(model),
        Action::Profiles => {
            if let Some(name) = &model.switching {
                // One at a time: switches finishing out of order would leave the
                // title naming one integration while requests go to another.
                model.status = Some(Status::info(format!("still switching to profile {name}…")));
            } else if model.profiles.is_empty() {
                model.status = Some(Status::info(
                    "no profiles: add [profiles.NAME] tables to the config file",
                ));
            } else {
                let current = model
                    .profile
                    .as_ref()
                    .and_then(|p| model.profiles.iter().position(|n| n == p));
                model.overlay = Overlay::Profiles {
                    cursor: current.unwrap_or(0),
                };
            }
            Vec::new()
        }
        Action::Help => {
            model.overlay = Overlay::Help { scroll: 0 };
            Vec::new()
        }
        Action::Quit => {
            model.quit = true;
            Vec::new()
        }
        Action::Cancel => cancel(model),
        Action::ScrollDetailsDown => {
            model.scroll_details(1);
            Vec::new()
        }
        Action::ScrollDetailsUp => {
            model.scroll_details(-1);
            Vec::new()
        }
        Action::Linked => overlays::linked::open(model),
        Action::Watch => super::watch::toggle_watch(model),
        Action::Zoom => overlays::look_closer::zoom(model),
        Action::Compare => overlays::look_closer::compare(model),
        Action::Reveal => overlays::look_closer::reveal(model),
        Action::Mark => super::export::toggle_mark(model),
        Action::NextView => super::inbox::switch_view(model, 1),
        Action::Sort => super::inbox::next_order(model),
        Action::PrevView => super::inbox::switch_view(model, -1),
        Action::Claim => super::inbox::claim(model),
        Action::Tag => super::inbox::tag(model),
        Action::Note => super::inbox::note(model),
        Action::Export => super::export::start(model),
        Action::Back => super::jumps::jump(model, true),
        Action::Forward => super::jumps::jump(model, false),
        Action::CopyPortalLink => overlays::portal_link::copy(model),
        Action::OpenPortalLink => overlays::portal_link::open(model),
        // Prompt and overlay actions mean nothing while browsing.
        Action::Submit => Vec::new(),
    }
}

/// Esc while browsing: a running transfer stops first, then a running export,
/// then the focused pane's filter clears.
fn cancel(model: &mut Model) -> Vec<Cmd> {
    if let Some(transfer) = model.transfer.as_mut() {
        if transfer.cancelling {
            return Vec::new();
        }
        transfer.cancelling = true;
        return vec![Cmd::CancelTransfer { id: transfer.id }];
    }
    if let Some(cmds) = super::export::cancel(model) {
        return cmds;
    }
    let pane = model.focus;
    if pane == Pane::Sessions
        && let Some(cmds) = model.end_search()
    {
        return cmds;
    }
    if model.pane(pane).filter.is_empty() {
        return Vec::new();
    }
    overlays::filter::set_filter(model, pane, String::new());
    overlays::filter::filtered(model, pane)
}

pub(super) fn move_cursor(model: &mut Model, delta: isize) -> Vec<Cmd> {
    let pane = model.focus;
    let len = model.pane_len(pane);
    if len == 0 {
        return Vec::new();
    }
    let before = model.pane(pane).cursor;
    let after = (before as isize).saturating_add(delta).clamp(0, len as isize - 1) as usize;
    if after == before {
        return Vec::new();
    }
    model.pane_mut(pane).cursor = after;
    match pane {
        Pane::Sessions => {
            let mut cmds = model.select_session(after);
            cmds.extend(model.inbox_more());
            cmds
        }
        Pane::Attempts => model.attempt_selected(),
        Pane::Media => Vec::new(),
    }
}

/// The selected session, for `action` (`what` it does) taken only from the
/// sessions pane; elsewhere the status line says where to go.
pub(super) fn session_for(model: &mut Model, action: Action, what: &str) -> Option<SessionId> {
    if model.focus != Pane::Sessions {
        model.status = Some(Status::info(format!(
            "{} {what} a session: go to the sessions pane first ({})",
            model.browse_key(action),
            model.browse_key(Action::PrevPane)
        )));
        return None;
    }
    model.selected_session().cloned()
}

fn remove_session(model: &mut Model) -> Vec<Cmd> {
    // A view is the team's queue, as the inbox holds it: a row hidden in one
    // browser would make its counts disagree with everyone else's. What takes
    // a session off a queue is a mark the team sees.
    if model.inbox_view().is_some() {
        model.status = Some(Status::info(format!(
            "{} removes sessions from the opened tab only: in a view, {} tags it done (it leaves needs review), {} \
             claims it",
            model.browse_key(Action::RemoveSession),
            model.browse_key(Action::Tag),
            model.browse_key(Action::Claim)
        )));
        return Vec::new();
    }
    let Some(removed) = session_for(model, Action::RemoveSession, "removes") else {
        return Vec::new();
    };
    model.status = Some(Status::info(format!("removed session {}", removed.short())));
    forget_session(model, &removed, Forgetting::FromTheList)
}

/// Why a session is forgotten.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Forgetting {
    /// `x`: off the sessions opened here; the inbox keeps it.
    FromTheList,
    /// Deleted at Veriff: out of every tab at once, and no line of the history
    /// names it (the effects erase the inbox's and the cache's copies).
    Erased,
}

/// Takes `removed` off the list with everything loaded for it (its loads still
/// on their way aborted, its previews and export mark gone), selects the row
/// that takes its place, and saves the list.
pub(super) fn forget_session(model: &mut Model, removed: &crate::ids::SessionId, how: Forgetting) -> Vec<Cmd> {
    let index = model.pane(Pane::Sessions).cursor;
    model.sessions.remove(removed);
    let loading = model.store.remove(removed);
    let mut cmds = Vec::new();
    if how == Forgetting::Erased {
        model.store.inbox.drop_row(removed);
        // The searches that could name it go too (the effects rewrite their file).
        model
            .searches
            .retain(|search| !crate::history::search_names(search, removed));
        // The tabs' counts and the view's rows, as the inbox now has them.
        cmds.extend(model.want_inbox());
    }
    let last = model.visible_session_count().saturating_sub(1);
    cmds.extend(model.select_session(index.min(last)));
    if !loading.is_empty() {
        cmds.push(Cmd::Cancel(loading));
    }
    cmds.push(Cmd::Remember(match how {
        Forgetting::FromTheList => crate::history::Change::Removed(removed.clone()),
        Forgetting::Erased => crate::history::Change::Erased(removed.clone()),
    }));
    cmds
}

fn copy_selected(model: &mut Model) -> Vec<Cmd> {
    let id = match model.focus {
        Pane::Sessions => model.selected_session().map(|s| s.to_string()),
        Pane::Attempts => model.selected_attempt().map(|a| a.id.clone()),
        Pane::Media => model.selected_media().map(|(_, m)| m.id.clone()),
    };
    match id {
        Some(id) => {
            model.status = Some(Status::success(format!("copied {id}")));
            vec![Cmd::Copy(id)]
        }
        None => Vec::new(),
    }
}
