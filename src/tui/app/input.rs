//! Keys, pastes and the mouse: each key is looked up in the keymap of the mode the
//! screen is in; in the prompt and the filter, keys no row claims edit the line.

use crossterm::event::{KeyEvent, MouseButton, MouseEvent, MouseEventKind};

use super::model::Model;
use super::msg::{Cmd, TransferKind};
use super::screen::{LineEdit, Overlay, Pane, Status};
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
            super::overlays::case_folder::on_key(model, key, action)
        }
        (Mode::Prompt, action) if matches!(model.overlay, Overlay::NewLink(_)) => {
            super::overlays::new_link::on_key(model, key, action)
        }
        (Mode::Prompt, action) if matches!(model.overlay, Overlay::Note(_)) => {
            super::overlays::note::on_key(model, key, action)
        }
        (Mode::Prompt, action) => super::overlays::add_session::on_key(model, key, action),
        (Mode::Link, Some(Action::Cancel)) => {
            model.overlay = Overlay::None;
            Vec::new()
        }
        (Mode::Link, _) => Vec::new(),
        (Mode::Review, action) if matches!(model.overlay, Overlay::Tag(_)) => {
            super::overlays::tag::on_key(model, action)
        }
        (Mode::Review, action) => super::overlays::hit_review::on_key(model, action),
        (Mode::Filter, action) => super::overlays::filter::on_key(model, key, action),
        (Mode::Help, action) => {
            super::overlays::help::on_key(model, action);
            Vec::new()
        }
        (Mode::Profiles, action) => super::overlays::profiles::on_key(model, action),
        (Mode::Messages, action) => {
            super::overlays::messages::on_key(model, action);
            Vec::new()
        }
        (Mode::Linked, action) => super::overlays::linked::on_key(model, action),
        (Mode::LookCloser, action) => super::overlays::look_closer::on_key(model, action),
        (Mode::Confirm, action) => super::overlays::confirm::on_key(model, key, action),
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
            model.move_cursor(1)
        }
        MouseEventKind::ScrollUp => {
            model.focus = pane;
            model.move_cursor(-1)
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
            model.move_cursor(delta)
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
            super::overlays::filter::set_filter(model, pane, value);
            return super::overlays::filter::filtered(model, pane);
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
        Action::Down => model.move_cursor(1),
        Action::Up => model.move_cursor(-1),
        Action::HalfPageDown => model.move_cursor((page / 2).max(1)),
        Action::HalfPageUp => model.move_cursor(-(page / 2).max(1)),
        Action::PageDown => model.move_cursor(page),
        Action::PageUp => model.move_cursor(-page),
        Action::First => model.move_cursor(isize::MIN / 2),
        Action::Last => model.move_cursor(isize::MAX / 2),
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
        Action::RemoveSession => model.remove_session(),
        Action::DeleteSession => super::actions::delete_session(model),
        Action::NewSession => super::overlays::new_link::open(model),
        Action::ReviewHit => super::overlays::hit_review::open(model),
        Action::Reload => model.reload(),
        Action::Filter => super::overlays::filter::open(model),
        Action::Copy => copy_selected(model),
        Action::Profiles => super::overlays::profiles::open(model),
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
        Action::Linked => super::overlays::linked::open(model),
        Action::Watch => super::watch::toggle_watch(model),
        Action::Zoom => super::overlays::look_closer::zoom(model),
        Action::Compare => super::overlays::look_closer::compare(model),
        Action::Reveal => super::overlays::look_closer::reveal(model),
        Action::Mark => super::export::toggle_mark(model),
        Action::NextView => super::inbox::switch_view(model, 1),
        Action::Sort => super::inbox::next_order(model),
        Action::PrevView => super::inbox::switch_view(model, -1),
        Action::Claim => super::team_marks::claim(model),
        Action::Tag => super::team_marks::tag(model),
        Action::Note => super::team_marks::note(model),
        Action::Export => super::export::start(model),
        Action::Back => super::jumps::jump(model, true),
        Action::Forward => super::jumps::jump(model, false),
        Action::CopyPortalLink => super::overlays::portal_link::copy(model),
        Action::OpenPortalLink => super::overlays::portal_link::open(model),
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
    super::overlays::filter::set_filter(model, pane, String::new());
    super::overlays::filter::filtered(model, pane)
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
