//! `L`: the sessions the selected one's decision links to (risk labels, a face
//! seen elsewhere), each with its verdict and why in full; Enter opens one, `v`
//! puts its face beside this session's.

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::api::{Decision, ErrorKind};
use crate::ids::SessionId;
use crate::text::{clean, wrap_words};
use crate::tui::app::{Cmd, Load, Model, Overlay, Status};
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
    // Each one's verdict, asked for in the background like the sessions pane's.
    let linked = model
        .linked_sessions()
        .iter()
        .map(|(id, _)| SessionId::from(id.as_str()));
    model.load_decisions(linked.collect())
}

/// Keys on the linked sessions: move, open one (its card shown), faces side by
/// side, close.
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
            let Some((id, why)) = model.linked_sessions().get(cursor).cloned() else {
                return Vec::new();
            };
            let id = SessionId::from(id);
            if let Some(refusal) = elsewhere(model, &id) {
                model.status = Some(Status::info(refusal));
                return Vec::new();
            }
            model.overlay = Overlay::None;
            return follow(model, id, &why);
        }
        Some(Action::Compare) => {
            let cursor = *cursor;
            return faces(model, cursor);
        }
        Some(Action::Cancel) => model.overlay = Overlay::None,
        _ => {}
    }
    Vec::new()
}

/// Where a linked session belongs to another integration: Veriff's risk labels
/// link sessions across integrations, and this key cannot read theirs, which
/// its API answers as not found. `None` for one this key reads (or not known yet).
fn elsewhere(model: &Model, id: &SessionId) -> Option<String> {
    matches!(model.store.decision(id), Some(Load::Failed(f)) if f.kind == ErrorKind::NotFound).then(|| {
        format!(
            "{} belongs to another integration: this API key cannot read it, so it cannot be opened here",
            id.short()
        )
    })
}

/// Shows the linked session where the person is (its row, else the sessions
/// opened here), its card shown; back returns to the session followed from.
fn follow(model: &mut Model, id: SessionId, why: &str) -> Vec<Cmd> {
    model.status = Some(Status::info(format!(
        "opened linked session {} ({why}) · {} goes back",
        id.short(),
        model.browse_key(Action::Back)
    )));
    crate::tui::app::jumps::open_here(model, &id)
}

/// The selected session's face beside the highlighted linked session's: the
/// fraud-ring question. Both sessions' media listings are asked for (the
/// session-level listing: one request each); the pictures follow.
fn faces(model: &mut Model, cursor: usize) -> Vec<Cmd> {
    let Some(linked) = model
        .linked_sessions()
        .get(cursor)
        .map(|(id, _)| SessionId::from(id.as_str()))
    else {
        return Vec::new();
    };
    if let Some(refusal) = elsewhere(model, &linked) {
        model.status = Some(Status::info(refusal));
        return Vec::new();
    }
    let Some(own) = model.selected_session().cloned() else {
        return Vec::new();
    };
    model.overlay = Overlay::Faces {
        linked: linked.clone(),
        cursor,
    };
    [own, linked]
        .into_iter()
        .filter_map(|session| model.want(crate::tui::app::Req::SessionMedia(session), false, false))
        .collect()
}

/// A linked session's verdict as the list says it, and its look.
fn verdict(model: &Model, theme: &Theme, id: &SessionId) -> Span<'static> {
    match model.store.decision(id) {
        None | Some(Load::Loading(_)) => Span::raw(crate::tui::ui::spinner(model)),
        Some(Load::Ready(Some(Decision {
            status: Some(status), ..
        }))) => Span::styled(clean(status), theme.outcome(status)),
        Some(Load::Ready(_)) => Span::styled("no decision yet", theme.dim()),
        Some(Load::Failed(f)) if f.kind == ErrorKind::NotFound => {
            Span::styled("another integration's session: this key cannot read it", theme.dim())
        }
        Some(Load::Failed(f)) => Span::styled(format!("verdict not read: {}", clean(&f.message)), theme.error()),
    }
}

/// The list as drawn inside `inner_width` columns: each session its short id
/// and verdict, then why it is linked, wrapped between words (never cut); and
/// the line each session starts on.
fn linked_lines(model: &Model, theme: &Theme, cursor: usize, inner_width: usize) -> (Vec<Line<'static>>, Vec<usize>) {
    let mut lines = Vec::new();
    let mut starts = Vec::new();
    for (i, (id, why)) in model.linked_sessions().iter().enumerate() {
        starts.push(lines.len());
        let id = SessionId::from(id.as_str());
        let listed = if model.sessions.iter().any(|s| *s == id.as_str()) {
            " (listed)"
        } else {
            ""
        };
        let mut head = choice(theme, i == cursor, format!("{}{listed}  ", id.short()));
        head.spans.push(verdict(model, theme, &id));
        lines.push(head);
        for line in wrap_words(&clean(why), inner_width.saturating_sub(4)) {
            lines.push(Line::from(Span::styled(format!("    {line}"), theme.dim())));
        }
    }
    (lines, starts)
}

/// The sessions linked to the selected one, scrolled to keep the highlighted one
/// in view.
pub fn draw(model: &Model, theme: &Theme, frame: &mut Frame, cursor: usize) {
    let area = frame.area();
    let width = area.width.saturating_sub(4).min(120);
    let (lines, starts) = linked_lines(model, theme, cursor, width.saturating_sub(2) as usize);
    let room = area.height.saturating_sub(4).max(1) as usize;
    let end = starts.get(cursor + 1).copied().unwrap_or(lines.len());
    let scroll = end.saturating_sub(room).min(starts.get(cursor).copied().unwrap_or(0));
    boxed(
        frame,
        width,
        (lines.len().min(room) + 2) as u16,
        &format!(
            " linked sessions · {} opens · {} faces side by side · {} closes ",
            model.key_for(Action::Submit),
            model.key_for(Action::Compare),
            model.key_for(Action::Cancel)
        ),
        Paragraph::new(lines).scroll((scroll as u16, 0)),
    );
}
