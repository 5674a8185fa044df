//! Help and the add-session prompt, drawn over the panes.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};

use super::Theme;
use crate::text::clean;
use crate::tui::keys::BINDINGS;

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
    let area = centered(frame.area(), 62, lines.len() as u16 + 2);
    let block = Block::bordered()
        .border_type(BorderType::Double)
        .title(" keys · Esc closes ");
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

pub fn prompt(theme: &Theme, frame: &mut Frame, input: &str, error: Option<&str>) {
    let area = centered(frame.area(), 72, 7);
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
    let block = Block::bordered().border_type(BorderType::Double).title(" add session ");
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }), area);
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
    let area = centered(frame.area(), 44, lines.len() as u16 + 2);
    let block = Block::bordered()
        .border_type(BorderType::Double)
        .title(" profile · Enter switches ");
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
