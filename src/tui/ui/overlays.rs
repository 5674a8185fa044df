//! The boxes overlays are drawn in, and their shared pieces (a chosen row, a
//! line being edited); each overlay draws itself in `app/overlays/`.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};

use super::Theme;
use crate::text::clean;
use crate::tui::app::LineEdit;

/// An overlay: a double-bordered box centred on the screen, cleared underneath.
pub fn boxed(frame: &mut Frame, width: u16, height: u16, title: &str, body: Paragraph) {
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

/// A row of a list to choose from, marked and reversed when it is the chosen one.
pub fn choice<'a>(theme: &Theme, chosen: bool, text: String) -> Line<'a> {
    if chosen {
        Line::from(Span::styled(format!("▶ {text}"), theme.selected(true)))
    } else {
        Line::from(format!("  {text}"))
    }
}

/// A box asking for one line of text: the question, the line being edited,
/// and a line below it (the keys, or why the last answer was refused).
pub fn asking(frame: &mut Frame, theme: &Theme, title: &str, question: String, input: &LineEdit, below: Line) {
    let mut edited = vec![Span::styled("> ", theme.key())];
    edited.extend(edited_line(theme, input));
    let lines = vec![Line::from(question), Line::from(edited), below];
    boxed(frame, 72, 7, title, Paragraph::new(lines).wrap(Wrap { trim: false }));
}
