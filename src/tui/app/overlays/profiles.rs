//! `p`: the config file's profiles, the one in use marked; Enter switches.

use ratatui::Frame;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::text::clean;
use crate::tui::app::{Cmd, Model, Overlay, Status};
use crate::tui::keymap::Action;
use crate::tui::ui::Theme;
use crate::tui::ui::overlays::{boxed, choice};

/// `p`: the profiles, the one in use highlighted; not while a switch is on its way.
pub(in crate::tui::app) fn open(model: &mut Model) -> Vec<Cmd> {
    if let Some(name) = &model.switching {
        // One at a time: switches finishing out of order would leave the
        // title naming one integration while requests go to another.
        model.status = Some(Status::info(format!("still switching to profile {name}…")));
    } else if model.profiles.is_empty() {
        model.status = Some(Status::info(
            "no profiles: add [profiles.NAME] tables to the config file",
        ));
    } else {
        let current = model
            .profile
            .as_ref()
            .and_then(|p| model.profiles.iter().position(|n| n == p));
        model.overlay = Overlay::Profiles {
            cursor: current.unwrap_or(0),
        };
    }
    Vec::new()
}

pub(in crate::tui::app) fn on_key(model: &mut Model, action: Option<Action>) -> Vec<Cmd> {
    let Overlay::Profiles { cursor } = &mut model.overlay else {
        return Vec::new();
    };
    match action {
        Some(Action::Down) => *cursor = (*cursor + 1).min(model.profiles.len().saturating_sub(1)),
        Some(Action::Up) => *cursor = cursor.saturating_sub(1),
        Some(Action::Submit) => {
            let chosen = model.profiles.get(*cursor).cloned();
            model.overlay = Overlay::None;
            if let Some(name) = chosen {
                model.status = Some(Status::info(format!("switching to profile {name}…")));
                model.switching = Some(name.clone());
                return vec![Cmd::SwitchProfile(name)];
            }
        }
        Some(Action::Cancel) => model.overlay = Overlay::None,
        _ => {}
    }
    Vec::new()
}

pub fn draw(model: &Model, theme: &Theme, frame: &mut Frame, cursor: usize) {
    let lines: Vec<Line> = model
        .profiles
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let current = if model.profile.as_deref() == Some(name) {
                " (in use)"
            } else {
                ""
            };
            choice(theme, i == cursor, format!("{}{current}", clean(name)))
        })
        .collect();
    boxed(
        frame,
        44,
        lines.len() as u16 + 2,
        &format!(" profile · {} switches ", model.key_for(Action::Submit)),
        Paragraph::new(lines),
    );
}
