//! `E`: the case folder an export goes into, prefilled and editable.

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::text::{Line, Span};

use crate::tui::app::{Cmd, LineEdit, Model, Overlay};
use crate::tui::keymap::Action;
use crate::tui::ui::Theme;
use crate::tui::ui::overlays::asking;

/// Keys while naming the case folder: Enter exports into it, Esc closes,
/// anything else edits the line.
pub(in crate::tui::app) fn on_key(model: &mut Model, key: KeyEvent, action: Option<Action>) -> Vec<Cmd> {
    match action {
        Some(Action::Cancel) => model.overlay = Overlay::None,
        Some(Action::Submit) => return crate::tui::app::export::submit_case_folder(model),
        _ => {
            if let Overlay::CaseFolder { input, .. } = &mut model.overlay {
                input.edit(key);
            }
        }
    }
    Vec::new()
}

/// The case folder an export goes into, editable, prefilled.
pub fn draw(model: &Model, theme: &Theme, frame: &mut Frame, input: &LineEdit, sessions: usize) {
    let question =
        format!("Export {sessions} sessions into this case folder (in the download folder unless absolute):");
    let below = Line::from(Span::styled(
        format!(
            "{} exports · {} closes",
            model.key_for(Action::Submit),
            model.key_for(Action::Cancel)
        ),
        theme.dim(),
    ));
    asking(frame, theme, " export ", question, input, below);
}
