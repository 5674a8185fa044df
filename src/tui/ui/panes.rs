//! The three list panes. Only the rows in view are built, so a pane of thousands
//! costs what a pane of twenty does.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph, Row, Table, TableState, Wrap};

use super::{Theme, spinner};
use crate::api::ErrorKind;
use crate::api::model::Decision;
use crate::text::{clean, human_duration, human_size};
use crate::tui::app::dates::short_time;
use crate::tui::app::{Failure, InboxRow, Load, MediaView, Model, Pane};
use crate::tui::keymap::Action;

fn block<'a>(model: &Model, theme: &Theme, pane: Pane, title: String) -> Block<'a> {
    let focused = model.focus == pane;
    Block::bordered()
        .border_type(if focused { BorderType::Thick } else { BorderType::Plain })
        .border_style(theme.border(focused))
        .title(Span::styled(title, theme.title()))
}

/// `name N/M`, 1-based, as every pane titles itself, and `/filter` while one is set.
fn counted(model: &Model, pane: Pane, len: usize) -> String {
    let state = model.pane(pane);
    let mut title = if len == 0 {
        format!(" {} 0/0 ", pane.name())
    } else {
        format!(" {} {}/{len} ", pane.name(), state.cursor + 1)
    };
    if !state.filter.is_empty() {
        title.push_str(&format!("/{} ", clean(&state.filter)));
    }
    title
}

/// A message in place of a list: loading, empty, or an error with how to retry.
fn placeholder(frame: &mut Frame, area: Rect, block: Block, lines: Vec<Line>) {
    let paragraph = Paragraph::new(lines)
        .block(block)
        .wrap(Wrap { trim: true })
        .alignment(Alignment::Center);
    frame.render_widget(paragraph, area);
}

/// A failure in place of a list, with the way out its kind offers.
fn failed<'a>(model: &Model, theme: &Theme, failure: &Failure) -> Vec<Line<'a>> {
    // A wrong credential in a line the pane holds whole; the log has the rest.
    if let Some(brief) = model.brief(&failure.message) {
        return vec![Line::default(), Line::from(Span::styled(clean(&brief), theme.error()))];
    }
    let way_out = match failure.kind {
        ErrorKind::Credentials => "check the API key and shared secret of this profile".to_owned(),
        ErrorKind::NotFound => "check the id".to_owned(),
        _ => format!("{} retries", model.browse_key(Action::Reload)),
    };
    vec![
        Line::default(),
        Line::from(Span::styled(clean(&failure.message), theme.error())),
        Line::default(),
        Line::from(Span::styled(way_out, theme.dim())),
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
    let visible = area.height.saturating_sub(2) as usize;
    let state = model.pane(pane);
    let cursor = state.cursor;
    // The model keeps the cursor in view; this also holds on a frame drawn before
    // the model heard of a resize.
    let mut offset = state.offset.min(cursor);
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
    if let Some(rows) = model.inbox_rows() {
        return inbox_view(model, theme, frame, area, rows);
    }
    let len = model.visible_session_count();
    let mut title = counted(model, Pane::Sessions, len);
    let marked = model.store.marked_count();
    if marked > 0 {
        title.push_str(&format!("● {marked} "));
    }
    let block = block(model, theme, Pane::Sessions, title);
    if model.sessions.is_empty() {
        let hint = Line::from(Span::styled(
            format!("{} adds a session", model.browse_key(Action::AddSession)),
            theme.dim(),
        ));
        return placeholder(
            frame,
            area,
            block,
            vec![Line::default(), Line::from("no sessions"), hint],
        );
    }
    if len == 0 {
        return placeholder(
            frame,
            area,
            block,
            vec![Line::default(), Line::from("no session matches the filter")],
        );
    }
    // Borders, the selection mark, the short id and the gap after it.
    let status_width = area.width.saturating_sub(12) as usize;
    let row = |i: usize| {
        let Some(id) = model.visible_session(i) else {
            return Row::default();
        };
        let marked = model.store.is_marked(id);
        let room = status_width.saturating_sub(if marked { 2 } else { 0 });
        let decision = match model.store.decision(id) {
            Some(Load::Loading(_)) => Span::raw(spinner(model)),
            Some(Load::Ready(Some(Decision {
                status: Some(status), ..
            }))) => {
                let shown = if status.chars().count() <= room {
                    status.as_str()
                } else {
                    short_status(status)
                };
                Span::styled(clean(shown), theme.outcome(status))
            }
            Some(Load::Ready(_)) => Span::styled("pending", theme.dim()),
            Some(Load::Failed(_)) => Span::styled("error", theme.error()),
            None => Span::raw(""),
        };
        let mut cells = vec![decision];
        if marked {
            cells.insert(0, Span::styled("● ", theme.key()));
        }
        Row::new(vec![Line::from(id.short().to_owned()), Line::from(cells)])
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

/// An inbox view in the sessions pane: newest activity first, each row its
/// time, status, name (or vendorData) and the team's marks; the title the view,
/// the cursor and the count, with `+` while more are to be read.
fn inbox_view(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect, rows: &[InboxRow]) {
    let state = model.pane(Pane::Sessions);
    let view = model.inbox_view().map_or("inbox", |v| v.name.as_str());
    let more = model.store.inbox.shown.as_ref().is_some_and(|page| page.more);
    let loading = model.store.inbox.pending.is_some();
    let mut title = match rows.len() {
        0 => format!(" {} 0 ", clean(view)),
        n => format!(
            " {} {}/{n}{} ",
            clean(view),
            state.cursor + 1,
            if more { "+" } else { "" }
        ),
    };
    let searching = model.inbox.as_ref().is_some_and(|inbox| inbox.search.is_some());
    if !state.filter.is_empty() && !searching {
        title.push_str(&format!("/{} ", clean(&state.filter)));
    }
    if let Some(inbox) = &model.inbox {
        title.push_str(&format!("· {} ", inbox.order.name()));
    }
    if loading {
        title.push_str(&format!("{} ", spinner(model)));
    }
    // Marks reach across tabs: the title counts them all, as the opened tab's does.
    let marked = model.store.marked_count();
    if marked > 0 {
        title.push_str(&format!("● {marked} "));
    }
    let block = block(model, theme, Pane::Sessions, title);
    if rows.is_empty() {
        let said = match &model.store.inbox.failed {
            Some(failure) => return placeholder(frame, area, block, failed(model, theme, failure)),
            None if loading || model.store.inbox.shown.is_none() => format!("{} loading…", spinner(model)),
            None if !state.filter.is_empty() => "no session matches the query".to_owned(),
            None => "no session in this view yet".to_owned(),
        };
        return placeholder(frame, area, block, vec![Line::default(), Line::from(said)]);
    }
    let who = model.inbox.as_ref().map(|inbox| inbox.who.as_str());
    // The time goes first where the pane has room for it; else the row's age
    // (`3h`) and a short status (`resub`), so the name still shows.
    let timed = area.width >= 44;
    let status_width: u16 = if timed { 9 } else { 8 };
    let now = crate::time::now_ms();
    let row = |i: usize| {
        let Some(row) = rows.get(i) else {
            return Row::default();
        };
        let index = &row.index;
        let status = index.status.as_deref().unwrap_or("no decision");
        let mark = match (&row.marks.claimed_by, row.marks.tag.as_deref()) {
            (_, Some("done")) => Span::styled("✓", theme.dim()),
            (Some(by), _) if Some(by.as_str()) == who => Span::styled("◆", theme.key()),
            (Some(_), _) => Span::styled("◇", theme.dim()),
            (None, Some(_)) => Span::styled("•", theme.warn()),
            (None, None) => Span::raw(" "),
        };
        let name = index
            .person_name
            .as_deref()
            .or(index.vendor_data.as_deref())
            .unwrap_or(row.id.short());
        let mut cells = vec![Line::from(mark)];
        if timed {
            let time = crate::time::format_time_ms(index.updated_ms);
            cells.push(Line::from(short_time(&time, model.this_year, 11)));
        } else {
            cells.push(Line::from(Span::styled(age(now - index.updated_ms), theme.dim())));
        }
        // Whole where the column holds it (`abandoned`), else a short form no
        // narrower column cuts (`resub`, not `resubmiss`).
        let shown = if status.chars().count() <= status_width as usize {
            status
        } else {
            short_status(status)
        };
        cells.push(Line::from(Span::styled(clean(shown), theme.outcome(status))));
        let mut said = vec![Span::raw(clean(name))];
        if model.store.is_marked(&row.id) {
            said.insert(0, Span::styled("● ", theme.key()));
        }
        if index.imported {
            said.push(Span::styled(format!(" · {}", crate::inbox::IMPORTED), theme.warn()));
        }
        cells.push(Line::from(said));
        Row::new(cells)
    };
    let mut widths = vec![Constraint::Length(1)];
    widths.push(Constraint::Length(if timed { 11 } else { 3 }));
    widths.extend([Constraint::Length(status_width), Constraint::Fill(1)]);
    window(
        model,
        theme,
        frame,
        area,
        Pane::Sessions,
        block,
        widths,
        rows.len(),
        row,
    );
}

/// How long ago, in 3 characters at most: `now`, `42m`, `3h`, `6d`, `9w`, `2y`.
fn age(ms: i64) -> String {
    let minutes = ms.max(0) / 60_000;
    match minutes {
        0 => "now".to_owned(),
        1..60 => format!("{minutes}m"),
        60..1_440 => format!("{}h", minutes / 60),
        1_440..10_080 => format!("{}d", minutes / 1_440),
        10_080..525_600 => format!("{}w", minutes / 10_080),
        _ => format!("{}y", minutes / 525_600),
    }
}

/// A status in the few characters a narrow pane gives it.
fn short_status(status: &str) -> &str {
    match status {
        "resubmission_requested" => "resub",
        "no decision" => "none",
        "watchlist possible_match" => "watchlst",
        other => other.get(..8).unwrap_or(other),
    }
}

pub fn attempts(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let list = model.visible_attempts();
    let mut title = counted(model, Pane::Attempts, list.len());
    match model.session_attempts() {
        None if model.sessions.is_empty() => {
            return placeholder(frame, area, block(model, theme, Pane::Attempts, title), vec![]);
        }
        // A sessions filter that matches none: nothing is on its way.
        None if model.selected_session().is_none() => {
            let lines = vec![Line::default(), Line::from(model.why_no_session())];
            return placeholder(frame, area, block(model, theme, Pane::Attempts, title), lines);
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
                failed(model, theme, e),
            );
        }
        Some(Load::Ready(all)) if list.is_empty() => {
            let why = if all.is_empty() {
                "no attempts"
            } else {
                "no attempt matches the filter"
            };
            let lines = vec![Line::default(), Line::from(why)];
            return placeholder(frame, area, block(model, theme, Pane::Attempts, title), lines);
        }
        Some(Load::Ready(_)) => {}
    }
    // The time shrinks to the minute on a small terminal, so the status still shows.
    let time_width = match area.width {
        0..24 => 5,
        24..44 => 11,
        _ => 16,
    };
    // Borders, the selection mark and the gap after the time.
    let status_width = area.width.saturating_sub(time_width + 4) as usize;
    let row = |i: usize| {
        let attempt = list[i];
        let status = attempt.status.as_deref().unwrap_or("?");
        let shown = if status.chars().count() <= status_width {
            status
        } else {
            short_status(status)
        };
        Row::new(vec![
            Line::from(
                attempt
                    .created_time
                    .as_deref()
                    .map(|t| short_time(t, model.this_year, time_width as usize))
                    .unwrap_or_default(),
            ),
            Line::from(Span::styled(clean(shown), theme.outcome(status))),
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
    let rows = model.visible_media();
    let mut title = counted(model, Pane::Media, rows.len());
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
            return placeholder(
                frame,
                area,
                block(model, theme, Pane::Media, title),
                failed(model, theme, e),
            );
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
    // On a small terminal the context names the row; the size gives way.
    let sized = area.width >= 32;
    let row = |i: usize| {
        let (kind, media) = rows[i];
        let kind = match kind {
            crate::api::MediaKind::Image => "img",
            crate::api::MediaKind::Video => "vid",
            crate::api::MediaKind::Nfc => "nfc",
        };
        let mut cells = vec![
            Line::from(Span::styled(kind, theme.dim())),
            Line::from(clean(media.context.as_deref().unwrap_or("?"))),
        ];
        if sized {
            cells.push(Line::from(media.size.map(human_size).unwrap_or_default()).alignment(Alignment::Right));
        }
        if wide {
            cells.push(Line::from(clean(media.mimetype.as_deref().unwrap_or_default())));
            cells.push(Line::from(media.duration.map(human_duration).unwrap_or_default()).alignment(Alignment::Right));
        }
        Row::new(cells)
    };
    let mut widths = vec![Constraint::Length(3), Constraint::Fill(1)];
    if sized {
        widths.push(Constraint::Length(10));
    }
    if wide {
        widths.extend([Constraint::Length(11), Constraint::Length(6)]);
    }
    let block = block(model, theme, Pane::Media, title);
    window(model, theme, frame, area, Pane::Media, block, widths, rows.len(), row);
}
