//! The three list panes. Only the rows in view are built, so a pane of thousands
//! costs what a pane of twenty does.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph, Row, Table, TableState, Wrap};

use super::{Theme, spinner};
use crate::api::model::Decision;
use crate::ids::short;
use crate::text::{clean, human_duration, human_size};
use crate::tui::app::{Load, MediaView, Model, Pane};

fn block<'a>(model: &Model, theme: &Theme, pane: Pane, title: String) -> Block<'a> {
    let focused = model.focus == pane;
    Block::bordered()
        .border_type(if focused { BorderType::Thick } else { BorderType::Plain })
        .border_style(theme.border(focused))
        .title(Span::styled(title, theme.title()))
}

/// `name N/M`, 1-based, as every pane titles itself.
fn counted(name: &str, cursor: usize, len: usize) -> String {
    if len == 0 {
        format!(" {name} 0/0 ")
    } else {
        format!(" {name} {}/{len} ", cursor + 1)
    }
}

/// A message in place of a list: loading, empty, or an error with how to retry.
fn placeholder(frame: &mut Frame, area: Rect, block: Block, lines: Vec<Line>) {
    let paragraph = Paragraph::new(lines)
        .block(block)
        .wrap(Wrap { trim: true })
        .alignment(Alignment::Center);
    frame.render_widget(paragraph, area);
}

fn failed<'a>(theme: &Theme, error: &str) -> Vec<Line<'a>> {
    vec![
        Line::default(),
        Line::from(Span::styled(clean(error), theme.error())),
        Line::default(),
        Line::from(Span::styled("r retries", theme.dim())),
    ]
}

fn loading<'a>(model: &Model) -> Vec<Line<'a>> {
    vec![Line::default(), Line::from(format!("{} loading…", spinner(model)))]
}

/// Draws rows `offset..offset + visible` of `len`, built on demand by `row`.
#[allow(
    clippy::too_many_arguments,
    reason = "one call site per pane; a struct would only rename the arguments"
)]
fn window<'a>(
    model: &Model,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
    pane: Pane,
    block: Block<'a>,
    widths: Vec<Constraint>,
    len: usize,
    row: impl Fn(usize) -> Row<'a>,
) {
    let i = pane as usize;
    let visible = area.height.saturating_sub(2) as usize;
    let cursor = model.cursors[i];
    // The model keeps the cursor in view; this also holds on a frame drawn before
    // the model heard of a resize.
    let mut offset = model.offsets[i].min(cursor);
    if visible > 0 && cursor >= offset + visible {
        offset = cursor + 1 - visible;
    }
    let end = (offset + visible).min(len);
    let rows: Vec<Row> = (offset..end).map(row).collect();
    let focused = model.focus == pane;
    let table = Table::new(rows, widths)
        .block(block)
        .column_spacing(1)
        .row_highlight_style(theme.selected(focused))
        .highlight_symbol("▶");
    let mut state = TableState::default().with_selected((len > 0).then(|| cursor - offset));
    frame.render_stateful_widget(table, area, &mut state);
}

pub fn sessions(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let len = model.sessions.len();
    let cursor = model.cursors[Pane::Sessions as usize];
    let mut title = counted("sessions", cursor, len);
    if !model.marked.is_empty() {
        title.push_str(&format!("● {} ", model.marked.len()));
    }
    let block = block(model, theme, Pane::Sessions, title);
    if len == 0 {
        let hint = Line::from(Span::styled("a adds a session", theme.dim()));
        return placeholder(
            frame,
            area,
            block,
            vec![Line::default(), Line::from("no sessions"), hint],
        );
    }
    let row = |i: usize| {
        let id = &model.sessions[i];
        let decision = match model.decisions.get(id) {
            Some(Load::Loading(_)) => Span::raw(spinner(model)),
            Some(Load::Ready(Some(Decision {
                status: Some(status), ..
            }))) => Span::styled(clean(status), theme.outcome(status)),
            Some(Load::Ready(_)) => Span::styled("pending", theme.dim()),
            Some(Load::Failed(_)) => Span::styled("error", theme.error()),
            None => Span::raw(""),
        };
        let mut cells = vec![decision];
        if model.marked.contains(id) {
            cells.insert(0, Span::styled("● ", theme.key()));
        }
        Row::new(vec![Line::from(short(id).to_owned()), Line::from(cells)])
    };
    window(
        model,
        theme,
        frame,
        area,
        Pane::Sessions,
        block,
        vec![Constraint::Length(8), Constraint::Fill(1)],
        len,
        row,
    );
}

/// `2026-11-20T10:42:05.000Z` as `2026-11-20 10:42`, or `11-20 10:42` when narrow.
fn when(created: Option<&str>, narrow: bool) -> String {
    let Some(created) = created else { return String::new() };
    let text = clean(created).replace('T', " ");
    let minutes: String = text.chars().take(16).collect();
    if narrow {
        minutes.chars().skip(5).collect()
    } else {
        minutes
    }
}

pub fn attempts(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let cursor = model.cursors[Pane::Attempts as usize];
    let list = model.attempt_list();
    let mut title = counted("attempts", cursor, list.len());
    match model.session_attempts() {
        None if model.sessions.is_empty() => {
            return placeholder(frame, area, block(model, theme, Pane::Attempts, title), vec![]);
        }
        None | Some(Load::Loading(_)) => {
            title = format!(" attempts {} ", spinner(model));
            return placeholder(frame, area, block(model, theme, Pane::Attempts, title), loading(model));
        }
        Some(Load::Failed(e)) => {
            return placeholder(
                frame,
                area,
                block(model, theme, Pane::Attempts, title),
                failed(theme, e),
            );
        }
        Some(Load::Ready(list)) if list.is_empty() => {
            let lines = vec![Line::default(), Line::from("no attempts")];
            return placeholder(frame, area, block(model, theme, Pane::Attempts, title), lines);
        }
        Some(Load::Ready(_)) => {}
    }
    let narrow = area.width < 44;
    let time_width = if narrow { 11 } else { 16 };
    let row = |i: usize| {
        let attempt = &list[i];
        let status = attempt.status.as_deref().unwrap_or("?");
        Row::new(vec![
            Line::from(when(attempt.created_time.as_deref(), narrow)),
            Line::from(Span::styled(clean(status), theme.outcome(status))),
        ])
    };
    let widths = vec![Constraint::Length(time_width), Constraint::Fill(1)];
    let block = block(model, theme, Pane::Attempts, title);
    window(
        model,
        theme,
        frame,
        area,
        Pane::Attempts,
        block,
        widths,
        list.len(),
        row,
    );
}

pub fn media(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let cursor = model.cursors[Pane::Media as usize];
    let rows = model.visible_media();
    let mut title = counted("media", cursor, rows.len());
    if !model.filter.is_empty() {
        title.push_str(&format!("/{} ", clean(&model.filter)));
    }
    let (provisional, total) = match model.media_view() {
        MediaView::Empty(why) => {
            return placeholder(
                frame,
                area,
                block(model, theme, Pane::Media, title),
                vec![Line::default(), Line::from(why)],
            );
        }
        MediaView::Loading => {
            title = format!(" media {} ", spinner(model));
            return placeholder(frame, area, block(model, theme, Pane::Media, title), loading(model));
        }
        MediaView::Failed(e) => {
            return placeholder(frame, area, block(model, theme, Pane::Media, title), failed(theme, e));
        }
        MediaView::Ready { list, provisional } => (provisional, list.len()),
    };
    if provisional {
        // The session's newest media, shown before the attempt's own list is in.
        title.push_str(&format!("{} ", spinner(model)));
    }
    if rows.is_empty() {
        let why = if total == 0 {
            "no media"
        } else {
            "no media match the filter"
        };
        return placeholder(
            frame,
            area,
            block(model, theme, Pane::Media, title),
            vec![Line::default(), Line::from(why)],
        );
    }
    let wide = area.width >= 54;
    let row = |i: usize| {
        let (kind, media) = rows[i];
        let kind = match kind {
            crate::api::MediaKind::Image => "img",
            crate::api::MediaKind::Video => "vid",
        };
        let mut cells = vec![
            Line::from(Span::styled(kind, theme.dim())),
            Line::from(clean(media.context.as_deref().unwrap_or("?"))),
            Line::from(media.size.map(human_size).unwrap_or_default()).alignment(Alignment::Right),
        ];
        if wide {
            cells.push(Line::from(clean(media.mimetype.as_deref().unwrap_or_default())));
            cells.push(Line::from(media.duration.map(human_duration).unwrap_or_default()).alignment(Alignment::Right));
        }
        Row::new(cells)
    };
    let mut widths = vec![Constraint::Length(3), Constraint::Fill(1), Constraint::Length(10)];
    if wide {
        widths.extend([Constraint::Length(11), Constraint::Length(6)]);
    }
    let block = block(model, theme, Pane::Media, title);
    window(model, theme, frame, area, Pane::Media, block, widths, rows.len(), row);
}
