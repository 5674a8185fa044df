//! `Y` and `O`: the selected session's page in Veriff's Customer Portal
//! (`https://station.veriff.com/verifications/<id>`, or the profile's
//! `portal_url`), copied with OSC 52, or opened in a browser; where no browser
//! opens it (over SSH), shown in a box to copy, and copied.

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::ids::SessionId;
use crate::text::clean;
use crate::tui::app::{Cmd, Failure, Model, Overlay, Status};
use crate::tui::keymap::Action;
use crate::tui::ui::Theme;
use crate::tui::ui::overlays::boxed;

/// The selected session's link, or why there is none (said in the status line).
fn selected_link(model: &mut Model) -> Option<(SessionId, String)> {
    let Some(session) = model.selected_session().cloned() else {
        model.status = Some(Status::info("no session selected: no Customer Portal link to give"));
        return None;
    };
    let link = crate::config::portal_link(&model.portal_url, session.as_str());
    Some((session, link))
}

/// `Y`: copies the link.
pub(in crate::tui::app) fn copy(model: &mut Model) -> Vec<Cmd> {
    let Some((session, link)) = selected_link(model) else {
        return Vec::new();
    };
    model.status = Some(Status::success(format!(
        "copied the Customer Portal link of session {}: {link}",
        session.short()
    )));
    vec![Cmd::Copy(link)]
}

/// `O`: opens the link in a browser; the answer says whether one did.
pub(in crate::tui::app) fn open(model: &mut Model) -> Vec<Cmd> {
    let Some((session, link)) = selected_link(model) else {
        return Vec::new();
    };
    model.status = Some(Status::info(format!(
        "opening the Customer Portal link of session {}…",
        session.short()
    )));
    vec![Cmd::OpenLink(link)]
}

/// A browser opened the link, or none did: then it is shown to copy, and copied.
pub(in crate::tui::app) fn opened(model: &mut Model, url: String, result: Result<(), Failure>) -> Vec<Cmd> {
    match result {
        Ok(()) => {
            model.status = Some(Status::success(format!("opened {url} in the browser")));
            Vec::new()
        }
        Err(e) => {
            model.status = Some(Status::info(format!("{}: the link is shown to copy", e.message)));
            // Not over a question or a form: its answer would be lost.
            if model.overlay.is_none() {
                model.overlay = Overlay::PortalLink { link: url.clone() };
            }
            vec![Cmd::Copy(url)]
        }
    }
}

pub fn draw(link: &str, model: &Model, theme: &Theme, frame: &mut Frame) {
    let lines = vec![
        Line::from("The session in Veriff's Customer Portal:"),
        Line::from(clean(link)),
        Line::default(),
        Line::from(Span::styled(
            "copied to your clipboard (OSC 52); select it with the mouse too",
            theme.dim(),
        )),
    ];
    // As wide as the link, so it is selected in one line where the screen allows.
    let width = (lines.iter().map(Line::width).max().unwrap_or_default() + 2).min(frame.area().width as usize);
    let inner = width.saturating_sub(2).max(1);
    let rows: usize = lines.iter().map(|line| line.width().max(1).div_ceil(inner)).sum();
    boxed(
        frame,
        width as u16,
        rows as u16 + 2,
        &format!(" Customer Portal link · {} closes ", model.key_for(Action::Cancel)),
        Paragraph::new(lines).wrap(Wrap { trim: false }),
    );
}
