//! `n`: the one-line note on a session in the inbox, prefilled with the one it has.

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::text::{Line, Span};

use crate::ids::SessionId;
use crate::tui::app::{Cmd, LineEdit, Model, Overlay};
use crate::tui::keymap::Action;
use crate::tui::ui::Theme;
use crate::tui::ui::overlays::asking;

/// Enter keeps the note (an empty one clears it), Esc closes, anything else edits.
pub(in crate::tui::app) fn on_key(model: &mut Model, key: KeyEvent, action: Option<Action>) -> Vec<Cmd> {
    match action {
        Some(Action::Cancel) => model.overlay = Overlay::None,
        Some(Action::Submit) => return crate::tui::app::inbox::submit_note(model),
        _ => {
            if let Overlay::Note { input, .. } = &mut model.overlay {
                input.edit(key);
            }
        }
    }
    Vec::new()
}

pub fn draw(model: &Model, theme: &Theme, frame: &mut Frame, session: &SessionId, input: &LineEdit) {
    let question = format!(
        "Note on session {} (kept in the inbox for the team, never sent to Veriff; empty clears it):",
        session.short()
    );
    let below = Line::from(Span::styled(
        format!(
            "{} keeps · {} closes",
            model.key_for(Action::Submit),
            model.key_for(Action::Cancel)
        ),
        theme.dim(),
    ));
    asking(frame, theme, " note ", question, input, below);
}
