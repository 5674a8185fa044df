//! Help and the add-session prompt, drawn over the panes.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};

use super::Theme;
use crate::text::clean;
use crate::tui::keys::BINDINGS;

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

pub fn help(theme: &Theme, frame: &mut Frame) {
    let lines: Vec<Line> = BINDINGS
        .iter()
        .map(|b| {
            Line::from(vec![
                Span::styled(format!("{:>10}  ", b.label), theme.key()),
                Span::raw(b.help),
            ])
        })
        .collect();
    boxed(
        frame,
        62,
        lines.len() as u16 + 2,
        " keys · Esc closes ",
        Paragraph::new(lines),
    );
}

pub fn prompt(theme: &Theme, frame: &mut Frame, input: &str, error: Option<&str>) {
    let mut lines = vec![
        Line::from("Paste a session id or a link containing one:"),
        Line::from(vec![
            Span::styled("> ", theme.key()),
            Span::raw(clean(input)),
            Span::styled("█", theme.dim()),
        ]),
    ];
    match error {
        Some(error) => lines.push(Line::from(Span::styled(clean(error), theme.error()))),
        None => lines.push(Line::from(Span::styled(
            "Enter opens it · Esc closes · Ctrl-U clears",
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

pub fn profiles(model: &crate::tui::app::Model, theme: &Theme, frame: &mut Frame, cursor: usize) {
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
        " profile · Enter switches ",
        Paragraph::new(lines),
    );
}
