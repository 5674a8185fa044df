//! `a` (or a paste anywhere): adding sessions by id or by any link or text
//! containing ids; the first opens, its card shown.

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::text::{Line, Span};

use crate::ids::find_id;
use crate::text::clean;
use crate::tui::app::{Cmd, LineEdit, Model, Overlay, Status};
use crate::tui::keymap::Action;
use crate::tui::ui::Theme;
use crate::tui::ui::overlays::asking;

/// Keys while adding a session: Enter opens what was typed or pasted, Esc
/// closes, anything else edits the line.
pub(in crate::tui::app) fn on_key(model: &mut Model, key: KeyEvent, action: Option<Action>) -> Vec<Cmd> {
    match action {
        Some(Action::Cancel) => model.overlay = Overlay::None,
        Some(Action::Submit) => return submit(model),
        _ => {
            if let Overlay::AddSession { input, error } = &mut model.overlay
                && input.edit(key)
            {
                *error = None;
            }
        }
    }
    Vec::new()
}

fn submit(model: &mut Model) -> Vec<Cmd> {
    let Overlay::AddSession { input, error } = &mut model.overlay else {
        return Vec::new();
    };
    // A paste of several links or ticket lines adds every id in it; the first opens.
    let ids: Vec<crate::ids::SessionId> = crate::ids::find_ids(input.value())
        .into_iter()
        .map(crate::ids::SessionId::from)
        .collect();
    match find_id(input.value()) {
        Ok(_) => {
            model.overlay = Overlay::None;
            model.sessions.put_first(&ids);
            let more = match ids.len() {
                1 => String::new(),
                n => format!(", {} more added below it", n - 1),
            };
            model.status = Some(Status::info(format!("opened session {}{more}", ids[0].short())));
            // The card first, where the person is: the verdict is what a
            // session is opened for.
            let mut cmds = crate::tui::app::jumps::open_here(model, &ids[0]);
            let added: Vec<_> = ids[1..].to_vec();
            cmds.extend(model.load_decisions(added));
            cmds.push(Cmd::Remember(crate::history::Change::Added(ids)));
            cmds
        }
        Err(e) => {
            *error = Some(e.to_string());
            Vec::new()
        }
    }
}

pub fn draw(model: &Model, theme: &Theme, frame: &mut Frame, input: &LineEdit, error: Option<&str>) {
    let below = match error {
        Some(error) => Line::from(Span::styled(clean(error), theme.error())),
        None => Line::from(Span::styled(
            format!(
                "{} opens it · {} closes",
                model.key_for(Action::Submit),
                model.key_for(Action::Cancel)
            ),
            theme.dim(),
        )),
    };
    let question = "Paste a session id or a link containing one:".to_owned();
    asking(frame, theme, " add session ", question, input, below);
}
