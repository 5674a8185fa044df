//! Help and the add-session prompt, drawn over the panes.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};

use super::Theme;
use crate::text::clean;
use crate::tui::app::{LineEdit, Model};
use crate::tui::keymap::{Action, Mode};

/// An overlay: a double-bordered box centred on the screen, cleared underneath.
fn boxed(frame: &mut Frame, width: u16, height: u16, title: &str, body: Paragraph) {
    let area = centered(frame.area(), width, height);
    frame.render_widget(Clear, area);
    let block = Block::bordered().border_type(BorderType::Double).title(title);
    frame.render_widget(body.block(block), area);
}

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [area] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(area);
    let [area] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    area
}

/// Every mode's keys, from the live keymap, scrolled by `scroll` lines when the
/// screen is shorter than the list.
pub fn help(model: &Model, theme: &Theme, frame: &mut Frame, scroll: usize) {
    let mut lines: Vec<Line> = Vec::new();
    for mode in Mode::ALL {
        if !lines.is_empty() {
            lines.push(Line::default());
        }
        lines.push(Line::from(Span::styled(mode.name(), theme.title())));
        for row in model.keymap.rows(mode) {
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

/// A line being edited, its cursor shown as a block.
pub fn edited_line<'a>(theme: &Theme, input: &LineEdit) -> Vec<Span<'a>> {
    let value = clean(input.value());
    let cursor = input.0.cursor().min(value.chars().count());
    let before: String = value.chars().take(cursor).collect();
    let at: String = value.chars().skip(cursor).take(1).collect();
    let after: String = value.chars().skip(cursor + 1).collect();
    let at = if at.is_empty() { " ".to_owned() } else { at };
    vec![
        Span::raw(before),
        Span::styled(at, theme.selected(true)),
        Span::raw(after),
    ]
}

pub fn prompt(model: &Model, theme: &Theme, frame: &mut Frame, input: &LineEdit, error: Option<&str>) {
    let mut edited = vec![Span::styled("> ", theme.key())];
    edited.extend(edited_line(theme, input));
    let mut lines = vec![
        Line::from("Paste a session id or a link containing one:"),
        Line::from(edited),
    ];
    match error {
        Some(error) => lines.push(Line::from(Span::styled(clean(error), theme.error()))),
        None => lines.push(Line::from(Span::styled(
            format!(
                "{} opens it · {} closes",
                model.key_for(Action::Submit),
                model.key_for(Action::Cancel)
            ),
            theme.dim(),
        ))),
    }
    boxed(
        frame,
        72,
        7,
        " add session ",
        Paragraph::new(lines).wrap(Wrap { trim: false }),
    );
}

pub fn profiles(model: &Model, theme: &Theme, frame: &mut Frame, cursor: usize) {
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
            let text = format!("{} {}{current}", if i == cursor { "▶" } else { " " }, clean(name));
            if i == cursor {
                Line::from(Span::styled(text, theme.selected(true)))
            } else {
                Line::from(text)
            }
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
