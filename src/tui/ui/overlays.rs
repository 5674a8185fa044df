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
    // On a short terminal the keys go in two columns rather than off the screen.
    if lines.len() as u16 + 2 <= frame.area().height {
        return boxed(
            frame,
            62,
            lines.len() as u16 + 2,
            " keys · Esc closes ",
            Paragraph::new(lines),
        );
    }
    let rows = lines.len().div_ceil(2);
    let area = centered(frame.area(), 124, rows as u16 + 2);
    frame.render_widget(Clear, area);
    let block = Block::bordered()
        .border_type(BorderType::Double)
        .title(" keys · Esc closes ");
    let [left, right] = Layout::horizontal([Constraint::Fill(1); 2])
        .spacing(1)
        .areas(block.inner(area));
    frame.render_widget(block, area);
    let mut lines = lines;
    let second = lines.split_off(rows);
    frame.render_widget(Paragraph::new(lines), left);
    frame.render_widget(Paragraph::new(second), right);
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

/// A row of a list to choose from, marked and reversed when it is the chosen one.
fn choice<'a>(theme: &Theme, chosen: bool, text: String) -> Line<'a> {
    if chosen {
        Line::from(Span::styled(format!("▶ {text}"), theme.selected(true)))
    } else {
        Line::from(format!("  {text}"))
    }
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
            choice(theme, i == cursor, format!("{}{current}", clean(name)))
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

/// The sessions linked to the selected one; Enter opens the highlighted one.
pub fn linked(model: &crate::tui::app::Model, theme: &Theme, frame: &mut Frame, cursor: usize) {
    let linked = model.linked_sessions();
    let width = frame.area().width.saturating_sub(4).min(140);
    let lines: Vec<Line> = linked
        .iter()
        .enumerate()
        .map(|(i, (id, why))| {
            let known = if model.sessions.contains(id) { " (listed)" } else { "" };
            choice(theme, i == cursor, format!("{}{known}  {}", clean(id), clean(why)))
        })
        .collect();
    boxed(
        frame,
        width,
        lines.len() as u16 + 2,
        " linked sessions · Enter opens · Esc closes ",
        Paragraph::new(lines),
    );
}

/// Look closer: the selected picture on the whole screen, or the document front
/// beside the best face, each as large as the screen allows.
pub fn closer(model: &crate::tui::app::Model, theme: &Theme, frame: &mut Frame) {
    let area = frame.area();
    frame.render_widget(Clear, area);
    let pictures = model.closer();
    let rects: Vec<Rect> = if pictures.len() == 2 {
        crate::tui::layout::compare_rects(area).to_vec()
    } else {
        vec![area]
    };
    for (picture, rect) in pictures.iter().zip(rects) {
        let block = Block::bordered()
            .border_type(BorderType::Double)
            .title(format!(" {} · Esc returns ", clean(&picture.title)));
        let inner = block.inner(rect);
        frame.render_widget(block, rect);
        let note = |text: String| {
            Paragraph::new(Line::from(Span::styled(text, theme.dim())))
                .alignment(ratatui::layout::Alignment::Center)
                .wrap(Wrap { trim: true })
        };
        match &picture.key {
            None if picture.media.is_some() => {
                frame.render_widget(note("previews are off (--image-protocol none)".into()), inner)
            }
            None => {}
            Some(key) => match model.previews.get(key) {
                Some(crate::tui::app::Load::Ready(image)) => {
                    frame.render_widget(ratatui_image::Image::new(&image.0), inner)
                }
                Some(crate::tui::app::Load::Failed(why)) => frame.render_widget(note(clean(why)), inner),
                _ => frame.render_widget(note(format!("{} loading", super::spinner(model))), inner),
            },
        }
    }
}
