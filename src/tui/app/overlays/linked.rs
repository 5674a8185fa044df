//! `L`: the sessions the selected one's decision links to (risk labels, a face
//! seen elsewhere), with why; Enter opens one, on top of the list.

use ratatui::Frame;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::ids::SessionId;
use crate::text::clean;
use crate::tui::app::{Cmd, Model, Overlay, Pane, Status};
use crate::tui::keymap::Action;
use crate::tui::ui::Theme;
use crate::tui::ui::overlays::{boxed, choice};

pub(in crate::tui::app) fn open(model: &mut Model) -> Vec<Cmd> {
    if model.linked_sessions().is_empty() {
        model.status = Some(Status::info(match model.selected_decision() {
            Some(_) => "this session's decision links to no other session",
            None => "no decision yet: nothing links this session to others",
        }));
        return Vec::new();
    }
    model.overlay = Overlay::Linked { cursor: 0 };
    Vec::new()
}

/// Keys on the linked sessions: move, open one (its card shown), close.
pub(in crate::tui::app) fn on_key(model: &mut Model, action: Option<Action>) -> Vec<Cmd> {
    let linked = model.linked_sessions().len();
    let Overlay::Linked { cursor } = &mut model.overlay else {
        return Vec::new();
    };
    match action {
        Some(Action::Down) => *cursor = (*cursor + 1).min(linked.saturating_sub(1)),
        Some(Action::Up) => *cursor = cursor.saturating_sub(1),
        Some(Action::Submit) => {
            let cursor = *cursor;
            let chosen = model.linked_sessions().get(cursor).cloned();
            model.overlay = Overlay::None;
            if let Some((id, why)) = chosen {
                return follow(model, id, &why);
            }
        }
        Some(Action::Cancel) => model.overlay = Overlay::None,
        _ => {}
    }
    Vec::new()
}

/// Adds a linked session to the sessions pane, selects it and shows its card.
/// Selects a linked session where it is listed, else adds it on top, and shows
/// its card.
fn follow(model: &mut Model, id: String, why: &str) -> Vec<Cmd> {
    let id = SessionId::from(id);
    model.focus = Pane::Sessions;
    model.status = Some(Status::info(format!("opened linked session {} ({why})", id.short())));
    // Where the sessions pane shows it: a filter that hides it gives way.
    if !model.visible_sessions().contains(&&id) {
        model.pane_mut(Pane::Sessions).filter.clear();
    }
    if let Some(index) = model.visible_sessions().iter().position(|s| **s == id) {
        return model.select_session(index);
    }
    model.sessions.put_first(std::slice::from_ref(&id));
    let mut cmds = model.select_session(0);
    cmds.push(Cmd::Remember(crate::history::Change::Added(vec![id])));
    cmds
}

/// The sessions linked to the selected one; Enter opens the highlighted one.
pub fn draw(model: &Model, theme: &Theme, frame: &mut Frame, cursor: usize) {
    let linked = model.linked_sessions();
    let width = frame.area().width.saturating_sub(4).min(140);
    let lines: Vec<Line> = linked
        .iter()
        .enumerate()
        .map(|(i, (id, why))| {
            let known = if model.sessions.iter().any(|s| *s == id.as_str()) {
                " (listed)"
            } else {
                ""
            };
            choice(theme, i == cursor, format!("{}{known}  {}", clean(id), clean(why)))
        })
        .collect();
    boxed(
        frame,
        width,
        lines.len() as u16 + 2,
        &format!(
            " linked sessions · {} opens · {} closes ",
            model.key_for(Action::Submit),
            model.key_for(Action::Cancel)
        ),
        Paragraph::new(lines),
    );
}
