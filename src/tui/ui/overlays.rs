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

/// Every mode's keys, from the live keymap, scrolled by `scroll` lines when the
/// screen is shorter than the list.
pub fn help(model: &Model, theme: &Theme, frame: &mut Frame, scroll: usize) {
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

/// The case folder an export goes into, editable, prefilled.
pub fn case_folder(model: &Model, theme: &Theme, frame: &mut Frame, input: &LineEdit, sessions: usize) {
    let mut edited = vec![Span::styled("> ", theme.key())];
    edited.extend(edited_line(theme, input));
    let lines = vec![
        Line::from(format!(
            "Export {sessions} sessions into this case folder (in the download folder unless absolute):"
        )),
        Line::from(edited),
        Line::from(Span::styled(
            format!(
                "{} exports · {} closes",
                model.key_for(Action::Submit),
                model.key_for(Action::Cancel)
            ),
            theme.dim(),
        )),
    ];
    boxed(
        frame,
        72,
        7,
        " export ",
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

/// The sessions linked to the selected one; Enter opens the highlighted one.
pub fn linked(model: &crate::tui::app::Model, theme: &Theme, frame: &mut Frame, cursor: usize) {
    let linked = model.linked_sessions();
    let width = frame.area().width.saturating_sub(4).min(140);
    let lines: Vec<Line> = linked
        .iter()
        .enumerate()
        .map(|(i, (id, why))| {
            let known = if model.sessions.iter().any(|s| *s == id.as_str()) {
                " (listed)"
            } else {
                ""
            };
            choice(theme, i == cursor, format!("{}{known}  {}", clean(id), clean(why)))
        })
        .collect();
    boxed(
        frame,
        width,
        lines.len() as u16 + 2,
        &format!(
            " linked sessions · {} opens · {} closes ",
            model.key_for(Action::Submit),
            model.key_for(Action::Cancel)
        ),
        Paragraph::new(lines),
    );
}

/// Look closer: the selected picture on the whole screen, or the document front
/// beside the best face, each as large as the screen allows.
pub fn closer(model: &Model, theme: &Theme, frame: &mut Frame) {
    let area = frame.area();
    frame.render_widget(Clear, area);
    let pictures = model.closer();
    let rects: Vec<Rect> = if pictures.len() == 2 {
        crate::tui::layout::compare_rects(area).to_vec()
    } else {
        vec![area]
    };
    for (picture, rect) in pictures.iter().zip(rects) {
        let block = Block::bordered().border_type(BorderType::Double).title(format!(
            " {} · {} returns ",
            clean(&picture.title),
            model.key_for(Action::Cancel)
        ));
        let inner = block.inner(rect);
        frame.render_widget(block, rect);
        let note = |text: String| {
            Paragraph::new(Line::from(Span::styled(text, theme.dim())))
                .alignment(ratatui::layout::Alignment::Center)
                .wrap(Wrap { trim: true })
        };
        match &picture.key {
            _ if picture.hidden => frame.render_widget(note(model.hidden_note()), inner),
            None if picture.media.is_some() => {
                frame.render_widget(note("previews are off (--image-protocol none)".into()), inner)
            }
            None => {}
            Some(key) => match model.store.preview(key) {
                Some(crate::tui::app::Load::Ready(image)) => {
                    frame.render_widget(ratatui_image::Image::new(&image.0), inner)
                }
                Some(crate::tui::app::Load::Failed(why)) => frame.render_widget(note(clean(&why.message)), inner),
                _ => frame.render_widget(note(format!("{} loading", super::spinner(model))), inner),
            },
        }
    }
}
