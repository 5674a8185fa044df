//! `N`: a new verification link for a customer, say one on the phone whose link
//! expired. A small form, prefilled from the selected session (vendorData,
//! endUserId, the name read), edited in place; once confirmed and created, the
//! link is shown with a QR code to scan off the screen and is copied with OSC 52.

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::confirm::Confirm;
use crate::api::NewSession;
use crate::ids::SessionId;
use crate::text::clean;
use crate::tui::app::{Cmd, Done, LineEdit, Model, Overlay, Status, Write};
use crate::tui::keymap::Action;
use crate::tui::ui::Theme;
use crate::tui::ui::overlays::{boxed, edited_line};

/// The form's fields, in order.
const FIELDS: [&str; 4] = ["vendorData", "endUserId", "first name", "last name"];

#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewLink {
    pub fields: [LineEdit; 4],
    /// The field being edited.
    pub focus: usize,
    /// Why the last Enter was refused.
    pub error: Option<String>,
}

impl NewLink {
    /// What Veriff is asked to create: empty fields are left out.
    fn new_session(&self) -> NewSession {
        let value = |i: usize| Some(self.fields[i].value().trim().to_owned()).filter(|v| !v.is_empty());
        NewSession {
            vendor_data: value(0),
            end_user_id: value(1),
            first_name: value(2),
            last_name: value(3),
            callback: None,
        }
    }
}

/// Opens the form, prefilled from the selected session's decision where it is
/// known and shown in clear (a masked value is no value to send).
pub(in crate::tui::app) fn open(model: &mut Model) -> Vec<Cmd> {
    if let Some(refused) = crate::tui::app::actions::refused_read_only(model, "create_session") {
        return refused;
    }
    let mut form = NewLink::default();
    if let Some(decision) = model.selected_decision().filter(|_| !model.redact.on) {
        let person = decision.person.as_ref();
        let known = [
            decision.vendor_data.clone(),
            decision.end_user_id.clone(),
            person.and_then(|p| p.first_name.clone()),
            person.and_then(|p| p.last_name.clone()),
        ];
        for (field, value) in form.fields.iter_mut().zip(known) {
            *field = LineEdit(tui_input::Input::new(value.unwrap_or_default()));
        }
    }
    model.overlay = Overlay::NewLink(form);
    Vec::new()
}

/// Keys in the form: a field is edited in place, moved between, and Enter asks
/// to confirm what it will create (refused first where Veriff would refuse it).
pub(in crate::tui::app) fn on_key(model: &mut Model, key: KeyEvent, action: Option<Action>) -> Vec<Cmd> {
    let Overlay::NewLink(form) = &mut model.overlay else {
        return Vec::new();
    };
    match action {
        Some(Action::Cancel) => model.overlay = Overlay::None,
        Some(Action::Down) => form.focus = (form.focus + 1) % FIELDS.len(),
        Some(Action::Up) => form.focus = (form.focus + FIELDS.len() - 1) % FIELDS.len(),
        Some(Action::Submit) => {
            let new = form.new_session();
            if let Err(why) = new.body() {
                form.error = Some(why);
                return Vec::new();
            }
            let mut lines = vec![format!(
                "Creates a new session at Veriff ({}), its link for the end user:",
                model.host
            )];
            for (name, value) in FIELDS.iter().zip(&form.fields) {
                if !value.value().trim().is_empty() {
                    lines.push(format!("  {name}: {}", value.value().trim()));
                }
            }
            lines.push("vendorData cannot be changed later; the link expires after 7 days unused.".into());
            let id = model.req();
            model.overlay = Overlay::Confirm(Confirm::new(
                "new verification link",
                lines,
                None,
                vec![Cmd::Write {
                    id,
                    write: Write::NewSession(new),
                }],
            ));
        }
        _ => {
            let focus = form.focus;
            if form.fields[focus].edit(key) {
                form.error = None;
            }
        }
    }
    Vec::new()
}

/// The session is created: on top of the list, its link shown (a QR code too)
/// and copied to the clipboard.
pub(in crate::tui::app) fn made(model: &mut Model, done: Done) -> Vec<Cmd> {
    model.status = Some(Status::success(done.said));
    let Some((session, link)) = done.created else {
        return Vec::new();
    };
    model.sessions.put_first(std::slice::from_ref(&session));
    let mut cmds = crate::tui::app::jumps::open_here(model, &session);
    cmds.push(Cmd::Remember(crate::history::Change::Added(vec![session.clone()])));
    if let Some(url) = &link {
        cmds.push(Cmd::Copy(url.clone()));
    }
    model.overlay = Overlay::LinkMade { session, link };
    cmds
}

pub fn draw_form(form: &NewLink, model: &Model, theme: &Theme, frame: &mut Frame) {
    let mut lines = Vec::new();
    for (i, (name, value)) in FIELDS.iter().zip(&form.fields).enumerate() {
        let mut line = vec![Span::styled(format!("{name:>11} "), theme.key())];
        if i == form.focus {
            line.extend(edited_line(theme, value));
        } else {
            line.push(Span::raw(clean(value.value())));
        }
        lines.push(Line::from(line));
    }
    lines.push(Line::default());
    lines.push(match &form.error {
        Some(error) => Line::from(Span::styled(clean(error), theme.error())),
        None => Line::from(Span::styled(
            format!(
                "{} next field · {} creates · {} closes",
                model.key_for(Action::Down),
                model.key_for(Action::Submit),
                model.key_for(Action::Cancel)
            ),
            theme.dim(),
        )),
    });
    let height = lines.len() as u16 + 2;
    boxed(
        frame,
        72,
        height,
        " new verification link ",
        Paragraph::new(lines).wrap(Wrap { trim: false }),
    );
}

/// The link made, with its QR code where the screen has room; under redaction
/// neither is drawn (it is on the clipboard).
pub fn draw_made(session: &SessionId, link: Option<&str>, model: &Model, theme: &Theme, frame: &mut Frame) {
    let area = frame.area();
    let mut lines = vec![Line::from(format!("session {session}"))];
    match link {
        None => lines.push(Line::from("Veriff's answer has no link")),
        Some(_) if model.redact.on => lines.push(Line::from(Span::styled(
            "the link is on your clipboard (not shown: redacted)",
            theme.dim(),
        ))),
        Some(url) => {
            lines.push(Line::from(clean(url)));
            match qr(url) {
                Some(code)
                    if code.len() as u16 + 6 <= area.height && code[0].chars().count() as u16 + 2 <= area.width =>
                {
                    lines.extend(code.into_iter().map(Line::from));
                }
                _ => lines.push(Line::from(Span::styled(
                    "(a taller window shows a QR code to scan)",
                    theme.dim(),
                ))),
            }
            lines.push(Line::from(Span::styled(
                "copied to your clipboard (OSC 52)",
                theme.dim(),
            )));
        }
    }
    let width = lines
        .iter()
        .map(Line::width)
        .max()
        .unwrap_or_default()
        .max(40)
        .min(area.width as usize) as u16;
    let height = lines.len() as u16 + 2;
    boxed(
        frame,
        width + 2,
        height,
        &format!(" new link · {} closes ", model.key_for(Action::Cancel)),
        Paragraph::new(lines),
    );
}

/// The link's QR code as half blocks, a line each.
pub fn qr(url: &str) -> Option<Vec<String>> {
    crate::qr::half_block_lines(url).ok()
}
