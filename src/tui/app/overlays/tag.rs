//! `t`: a session's tag in the inbox, chosen from a menu (done, escalated,
//! waiting on customer, none); one write for the one chosen, none when it is
//! the tag the session already has. With sessions marked, the tag goes to
//! every one of them.

use ratatui::Frame;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::ids::SessionId;
use crate::inbox::{MarkChange, TAGS};
use crate::tui::app::{Cmd, Model, Overlay, Status};
use crate::tui::keymap::Action;
use crate::tui::ui::Theme;
use crate::tui::ui::overlays::{boxed, choice};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagMenu {
    /// The session tagged, or the marked sessions.
    pub sessions: Vec<SessionId>,
    /// The tag it has now (one session only).
    pub current: Option<String>,
    /// The highlighted row: a tag of [`TAGS`], or past them, none.
    pub cursor: usize,
}

impl TagMenu {
    /// On the tag it has; an untagged session starts on the first tag.
    pub fn new(session: SessionId, current: Option<String>) -> TagMenu {
        let cursor = current
            .as_deref()
            .and_then(|tag| TAGS.iter().position(|t| *t == tag))
            .unwrap_or(0);
        TagMenu {
            sessions: vec![session],
            current,
            cursor,
        }
    }

    /// For every marked session: each is written, whatever tag it has.
    pub fn many(sessions: Vec<SessionId>) -> TagMenu {
        TagMenu {
            sessions,
            current: None,
            cursor: 0,
        }
    }

    /// `session 1a2b3c4d`, or `3 marked sessions`.
    fn what(&self) -> String {
        match self.sessions.as_slice() {
            [one] => format!("session {}", one.short()),
            many => format!("{} marked sessions", many.len()),
        }
    }

    /// The tag a row sets (`None`: the last row, which clears it).
    fn tag_at(row: usize) -> Option<&'static str> {
        TAGS.get(row).copied()
    }
}

pub(in crate::tui::app) fn on_key(model: &mut Model, action: Option<Action>) -> Vec<Cmd> {
    let Overlay::Tag(menu) = &mut model.overlay else {
        return Vec::new();
    };
    match action {
        Some(Action::Down) => menu.cursor = (menu.cursor + 1).min(TAGS.len()),
        Some(Action::Up) => menu.cursor = menu.cursor.saturating_sub(1),
        Some(Action::Cancel) => model.overlay = Overlay::None,
        Some(Action::Submit) => {
            let Overlay::Tag(menu) = std::mem::take(&mut model.overlay) else {
                return Vec::new();
            };
            let chosen = TagMenu::tag_at(menu.cursor);
            let change = MarkChange::Tag(chosen.map(str::to_owned));
            if let [session] = menu.sessions.as_slice() {
                if chosen == menu.current.as_deref() {
                    let short = session.short();
                    model.status = Some(Status::info(match chosen {
                        Some(tag) => format!("session {short} is tagged {tag} already: nothing written"),
                        None => format!("session {short} has no tag: nothing written"),
                    }));
                    return Vec::new();
                }
                let id = model.req();
                return vec![Cmd::Mark {
                    id,
                    session: session.clone(),
                    change,
                }];
            }
            let said = match chosen {
                Some(tag) => format!("tagged {tag}"),
                None => "untagged".to_owned(),
            };
            let marks = menu.sessions.into_iter().map(|s| (s, change.clone())).collect();
            return crate::tui::app::team_marks::mark_many(model, marks, said);
        }
        _ => {}
    }
    Vec::new()
}

pub fn draw(menu: &TagMenu, model: &Model, theme: &Theme, frame: &mut Frame) {
    let title = format!(
        " tag {} · {} chooses · {} closes ",
        menu.what(),
        model.key_for(Action::Submit),
        model.key_for(Action::Cancel)
    );
    let lines: Vec<Line> = (0..=TAGS.len())
        .map(|row| {
            let tag = TagMenu::tag_at(row);
            let label = match (tag, tag == menu.current.as_deref()) {
                (Some(tag), true) => format!("{tag}  (now)"),
                (Some(tag), false) => tag.to_owned(),
                (None, true) => "none  (now)".to_owned(),
                (None, false) => "none (clears the tag)".to_owned(),
            };
            choice(theme, row == menu.cursor, label)
        })
        .collect();
    let width = (title.chars().count() as u16 + 2).max(40);
    boxed(frame, width, lines.len() as u16 + 2, &title, Paragraph::new(lines));
}
