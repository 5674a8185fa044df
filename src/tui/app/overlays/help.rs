//! `?`: every key of every mode, from the live keymap, scrolled when taller than
//! the screen.

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::text::clean;
use crate::tui::app::{Model, Overlay};
use crate::tui::keymap::Action;
use crate::tui::keymap::Mode;
use crate::tui::ui::Theme;
use crate::tui::ui::overlays::boxed;

pub(in crate::tui::app) fn on_key(model: &mut Model, action: Option<Action>) {
    let page = model.help_room();
    let bottom = model.help_lines().saturating_sub(page);
    let Overlay::Help { scroll } = &mut model.overlay else {
        return;
    };
    match action {
        Some(Action::Down) => *scroll += 1,
        Some(Action::Up) => *scroll = scroll.saturating_sub(1),
        Some(Action::PageDown | Action::HalfPageDown) => *scroll += page,
        Some(Action::PageUp | Action::HalfPageUp) => *scroll = scroll.saturating_sub(page),
        Some(Action::First) => *scroll = 0,
        Some(Action::Last) => *scroll = bottom,
        Some(Action::Cancel | Action::Help) => model.overlay = Overlay::None,
        _ => {}
    }
    if let Overlay::Help { scroll } = &mut model.overlay {
        *scroll = (*scroll).min(bottom);
    }
}

/// Every mode's keys, from the live keymap, scrolled by `scroll` lines when the
/// screen is shorter than the list.
pub fn draw(model: &Model, theme: &Theme, frame: &mut Frame, scroll: usize) {
    let mut lines: Vec<Line> = Vec::new();
    // What the user's [keys] did not do as written comes first: it is a surprise.
    if !model.keymap.notes().is_empty() {
        lines.push(Line::from(Span::styled("your [keys]", theme.title())));
        for note in model.keymap.notes() {
            lines.push(Line::from(format!("  {}", clean(note))));
        }
    }
    for mode in Mode::ALL {
        if !lines.is_empty() {
            lines.push(Line::default());
        }
        lines.push(Line::from(Span::styled(mode.name(), theme.title())));
        for row in model.rows(mode) {
            lines.push(Line::from(vec![
                Span::styled(format!("{:>16}  ", row.label()), theme.key()),
                Span::raw(row.desc),
            ]));
        }
    }
    // As `update` counts it, so scrolling stops where the view does.
    debug_assert_eq!(lines.len(), model.help_lines());
    let room = frame.area().height.saturating_sub(4).max(1) as usize;
    let scroll = scroll.min(lines.len().saturating_sub(room));
    let more = lines.len() > room;
    let title = if more {
        format!(
            " keys {}/{} · {} {} scroll · {} closes ",
            scroll + 1,
            lines.len() - room + 1,
            model.key_for(Action::Down),
            model.key_for(Action::Up),
            model.key_for(Action::Cancel)
        )
    } else {
        format!(" keys · {} closes ", model.key_for(Action::Cancel))
    };
    let height = lines.len().min(room) as u16 + 2;
    boxed(
        frame,
        72,
        height,
        &title,
        Paragraph::new(lines).scroll((scroll as u16, 0)),
    );
}
