//! `n`: the one-line note on a session in the inbox, prefilled with the one it
//! has. Under `--redact` the note held is masked, so the editor opens empty and
//! says that what is typed replaces a hidden note: a mask is never shown as the
//! note, nor written back over it.

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::text::{Line, Span};

use crate::ids::SessionId;
use crate::tui::app::{Cmd, LineEdit, Model, Overlay};
use crate::tui::keymap::Action;
use crate::tui::ui::Theme;
use crate::tui::ui::overlays::asking;

#[derive(Debug, Clone, PartialEq)]
pub struct NoteEdit {
    pub session: SessionId,
    pub input: LineEdit,
    /// The note the editor was prefilled with, as shown: emptying it clears it.
    /// `None`: it opened empty, and Enter with nothing typed writes nothing.
    pub was: Option<String>,
    /// The session has a note that redaction hides.
    pub hidden: bool,
}

impl NoteEdit {
    /// An editor on `note`, the session's note as the browser holds it
    /// (masked when `redacted`).
    pub fn new(session: SessionId, note: Option<String>, redacted: bool) -> NoteEdit {
        let hidden = redacted && note.is_some();
        let was = note.filter(|_| !hidden);
        NoteEdit {
            session,
            input: LineEdit(tui_input::Input::new(was.clone().unwrap_or_default())),
            was,
            hidden,
        }
    }
}

/// Enter keeps the note, Esc closes, anything else edits.
pub(in crate::tui::app) fn on_key(model: &mut Model, key: KeyEvent, action: Option<Action>) -> Vec<Cmd> {
    match action {
        Some(Action::Cancel) => model.overlay = Overlay::None,
        Some(Action::Submit) => return crate::tui::app::team_marks::submit_note(model),
        _ => {
            if let Overlay::Note(note) = &mut model.overlay {
                note.input.edit(key);
            }
        }
    }
    Vec::new()
}

pub fn draw(model: &Model, theme: &Theme, frame: &mut Frame, note: &NoteEdit) {
    let short = note.session.short();
    let question = if note.hidden {
        format!(
            "Session {short} has a note, hidden by --redact. What you type replaces it; \
             Enter with nothing typed keeps it (in the inbox only, never sent to Veriff):"
        )
    } else if note.was.is_some() {
        format!(
            "Note on session {short} (kept in the inbox for the team, never sent to Veriff; emptied, it is cleared):"
        )
    } else {
        format!("Note on session {short} (kept in the inbox for the team, never sent to Veriff):")
    };
    let below = Line::from(Span::styled(
        format!(
            "{} keeps · {} closes",
            model.key_for(Action::Submit),
            model.key_for(Action::Cancel)
        ),
        theme.dim(),
    ));
    let title = if note.hidden {
        " replace a hidden note "
    } else {
        " note "
    };
    asking(frame, theme, title, question, &note.input, below);
}
