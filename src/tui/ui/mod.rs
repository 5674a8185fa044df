//! Drawing: pure functions of the model. Nothing here changes state or does I/O.

mod card;
mod details;
pub mod overlays;
mod panes;
pub mod theme;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};

use super::layout::{MIN_SIZE, areas_for, too_small};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::app::overlays as app_overlays;
use super::app::{COUNTED_AT_MOST, Model, Overlay, Pane};
use super::keymap::Action;
use crate::text::{clean, fitted};
pub use theme::Theme;

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

pub fn view(model: &Model, theme: &Theme, frame: &mut Frame) {
    let area = frame.area();
    if too_small(area.width, area.height) {
        return too_small_line(model, theme, frame, area);
    }
    if model.overlay.is_looking_closer() {
        // The whole screen: nothing beneath, so no preview is drawn under it.
        return app_overlays::look_closer::draw(model, theme, frame);
    }
    let areas = areas_for(area, model.inbox_view().is_some());
    title_bar(model, theme, frame, areas.title);
    panes::sessions(model, theme, frame, areas.panes[0]);
    panes::attempts(model, theme, frame, areas.panes[1]);
    panes::media(model, theme, frame, areas.panes[2]);
    details::details(model, theme, frame, areas.details);
    status_line(model, theme, frame, areas.status);
    hint_bar(model, theme, frame, areas.hints);
    match &model.overlay {
        Overlay::Help { scroll } => app_overlays::help::draw(model, theme, frame, *scroll),
        Overlay::AddSession { input, error } => {
            app_overlays::add_session::draw(model, theme, frame, input, error.as_deref())
        }
        Overlay::Profiles { cursor } => app_overlays::profiles::draw(model, theme, frame, *cursor),
        Overlay::Linked { cursor } => app_overlays::linked::draw(model, theme, frame, *cursor),
        Overlay::Messages { scroll } => app_overlays::messages::draw(model, theme, frame, *scroll),
        Overlay::CaseFolder { input, sessions } => {
            app_overlays::case_folder::draw(model, theme, frame, input, sessions.len())
        }
        Overlay::Confirm(confirm) => confirm.draw(&model.keymap, theme, frame),
        Overlay::NewLink(form) => app_overlays::new_link::draw_form(form, model, theme, frame),
        Overlay::HitReview(review) => app_overlays::hit_review::draw(review, model, theme, frame),
        Overlay::LinkMade { session, link } => {
            app_overlays::new_link::draw_made(session, link.as_deref(), model, theme, frame)
        }
        Overlay::Note(note) => app_overlays::note::draw(model, theme, frame, note),
        Overlay::Tag(menu) => app_overlays::tag::draw(menu, model, theme, frame),
        Overlay::PortalLink { link } => app_overlays::portal_link::draw(link, model, theme, frame),
        Overlay::Filter { .. } | Overlay::None | Overlay::Zoom | Overlay::Compare | Overlay::Faces { .. } => {}
    }
}

/// In place of the browser when it cannot fit: what it needs, on the first row.
/// Keys still work (quit among them); growing the window brings everything back
/// as it was.
fn too_small_line(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let text = format!(
        "terminal too small: {}x{}, needs {}x{} ({} quits)",
        area.width,
        area.height,
        MIN_SIZE.0,
        MIN_SIZE.1,
        model.key_for(Action::Quit)
    );
    let line = Rect { height: 1, ..area };
    frame.render_widget(Paragraph::new(Span::styled(text, theme.error())), line);
}

pub fn spinner(model: &Model) -> &'static str {
    SPINNER[model.spinner % SPINNER.len()]
}

fn title_bar(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let mut spans = vec![
        Span::styled(" veriff-tui ", theme.title()),
        Span::styled("· ", theme.dim()),
    ];
    if model.inbox.is_some() {
        // What must show at any width (the profile, that redaction is on, for
        // someone sharing their screen) is measured first; the tabs get what is
        // left, and the host shows where they leave room.
        let mut kept = Vec::new();
        if let Some(profile) = &model.profile {
            kept.push(Span::raw(format!(" · profile {}", clean(profile))));
        }
        let host = Span::raw(format!(" · {}", clean(&model.host)));
        let mut last = Vec::new();
        if model.redact.on {
            last.push(Span::styled(" · redacted", theme.warn()));
        }
        let kept_width = Line::from(kept.clone()).width() + Line::from(last.clone()).width();
        let used = Line::from(spans.clone()).width() + kept_width;
        let tabs = inbox_tabs(model, theme, (area.width as usize).saturating_sub(used));
        let used = used + Line::from(tabs.clone()).width();
        spans.extend(tabs);
        spans.extend(kept);
        if used + host.width() <= area.width as usize {
            spans.push(host);
        }
        spans.extend(last);
        frame.render_widget(Paragraph::new(Line::from(spans)), area);
        return;
    }
    if let Some(profile) = &model.profile {
        spans.push(Span::raw(format!("profile {} ", clean(profile))));
        spans.push(Span::styled("· ", theme.dim()));
    }
    spans.push(Span::raw(clean(&model.host)));
    if !model.security_warnings.is_empty() {
        spans.push(Span::styled(" · ", theme.dim()));
        spans.push(Span::styled(
            "⚠ unsafe settings",
            theme.tone(crate::tui::app::Tone::Error),
        ));
    }
    if model.redact.on {
        spans.push(Span::styled(" · ", theme.dim()));
        spans.push(Span::styled("redacted", theme.warn()));
        if !model.revealed.is_empty() {
            spans.push(Span::styled(
                " · picture revealed",
                theme.tone(crate::tui::app::Tone::Error),
            ));
        }
    }
    if let Some(watch) = &model.watch {
        spans.push(Span::styled(" · ", theme.dim()));
        let updated = match &watch.updated {
            Some(at) => format!("updated {at} UTC"),
            None => format!("every {}s", model.watch_every.as_secs()),
        };
        spans.push(Span::raw(format!("watching {} · {updated}", watch.session.short())));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The inbox's tabs, `name count` each, the selected one marked, as many as
/// `room` holds around the selected one (`‹` and `›` say more are left and right).
fn inbox_tabs<'a>(model: &Model, theme: &Theme, room: usize) -> Vec<Span<'a>> {
    let Some(inbox) = &model.inbox else {
        return Vec::new();
    };
    let mut labels: Vec<String> = inbox
        .tab_names()
        .enumerate()
        .map(
            |(i, name)| match i.checked_sub(1).and_then(|view| model.inbox_count(view)) {
                Some(count) if count > COUNTED_AT_MOST => format!(" {} {COUNTED_AT_MOST}+ ", clean(name)),
                Some(count) => format!(" {} {count} ", clean(name)),
                None => format!(" {} ", clean(name)),
            },
        )
        .collect();
    // A search is a tab of its own after the views, selected while it lasts.
    let mut selected = inbox.tab;
    if let Some(search) = &inbox.search {
        let page = model.store.inbox.shown.as_ref();
        let found = page.map_or(0, |page| page.rows.len());
        let more = if page.is_some_and(|page| page.more) { "+" } else { "" };
        labels.push(format!(" {} {found}{more} ", clean(&search.view.name)));
        selected = labels.len() - 1;
    }
    let width = |range: std::ops::Range<usize>| -> usize {
        labels[range.clone()]
            .iter()
            .map(|l| Line::from(l.as_str()).width())
            .sum::<usize>()
            + range.len()
            + 2
    };
    let (mut first, mut end) = (selected, selected + 1);
    loop {
        let grown = if end < labels.len() && width(first..end + 1) <= room {
            end += 1;
            true
        } else {
            false
        };
        if first > 0 && width(first - 1..end) <= room {
            first -= 1;
        } else if !grown {
            break;
        }
    }
    let mut spans = vec![Span::styled(if first > 0 { "‹" } else { " " }, theme.dim())];
    for (i, label) in labels.iter().enumerate().take(end).skip(first) {
        let style = if i == selected {
            theme.selected(true)
        } else {
            theme.dim()
        };
        spans.push(Span::styled(label.clone(), style));
        spans.push(Span::raw(" "));
    }
    spans.push(Span::styled(if end < labels.len() { "›" } else { " " }, theme.dim()));
    spans
}

fn status_line(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let line = if let Overlay::Filter { input, .. } = &model.overlay {
        let searching = model.inbox.as_ref().is_some_and(|inbox| inbox.search.is_some());
        let what = if searching && model.focus == Pane::Sessions {
            "search every session".to_owned()
        } else {
            format!("filter {}", model.focus.name())
        };
        let mut spans = vec![Span::styled(format!("{what}: /"), theme.key())];
        spans.extend(overlays::edited_line(theme, input));
        Line::from(spans)
    } else if let Some(transfer) = &model.transfer {
        let doing = if transfer.cancelling { "cancelling " } else { "" };
        Line::from(vec![
            Span::raw(format!("{} {doing}{} ", spinner(model), transfer.label)),
            Span::raw(transfer.progress.clone().unwrap_or_default()),
            Span::styled(format!("  {} cancels", model.browse_key(Action::Cancel)), theme.dim()),
        ])
    } else if let Some(job) = &model.export {
        Line::from(vec![
            Span::raw(format!("{} {}", spinner(model), job.describe())),
            Span::styled(format!("  {} cancels", model.browse_key(Action::Cancel)), theme.dim()),
        ])
    } else if let Some(status) = &model.status {
        // One row that cannot grow: where it is cut, it says where the rest is.
        let more = format!(" … {} shows all", model.browse_key(Action::Messages));
        let text = fitted(&clean(&status.text), area.width as usize, &more);
        Line::from(Span::styled(text, theme.tone(status.tone)))
    } else if !model.pane(model.focus).filter.is_empty() {
        Line::from(Span::styled(
            format!(
                "filter: {}  ({} clears)",
                clean(&model.pane(model.focus).filter),
                model.browse_key(Action::Cancel)
            ),
            theme.dim(),
        ))
    } else {
        Line::default()
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// The hint bar of the mode keys are in, from its keymap: `keys word` items,
/// help and quit pinned right. Every key of an action shows (`q/C-c quit`) where
/// there is room; where there is not, first the others' and then help and quit's
/// give way to their first key; then whole items give way from the right. A word
/// is never cut.
fn hint_bar(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    // Each row with the word it shows: this screen's own where it has them, the
    // keymap's otherwise. Keys always come from the keymap, as remapped.
    let rows: Vec<(&crate::tui::keymap::Row, &str)> = match screen_hints(model) {
        Some(words) => words
            .iter()
            .filter_map(|(action, word)| {
                let row = model.rows(model.overlay.mode()).find(|r| r.action == *action)?;
                Some((row, *word))
            })
            .collect(),
        None => model
            .rows(model.overlay.mode())
            .filter_map(|row| Some((row, row.hint?)))
            .collect(),
    };
    let item = |every: bool| {
        move |(row, word): &(&crate::tui::keymap::Row, &'static str)| {
            let keys: Vec<String> = row.keys.iter().map(ToString::to_string).collect();
            let key = if every {
                keys.join("/")
            } else {
                keys.first().cloned().unwrap_or_default()
            };
            (key, *word)
        }
    };
    let pinned = |(row, _): &&(&crate::tui::keymap::Row, &str)| matches!(row.action, Action::Help | Action::Quit);
    let hinted = || rows.iter();
    let width = |items: &[(String, &str)]| -> usize {
        items
            .iter()
            .map(|(k, h)| 2 + Line::from(k.as_str()).width() + 1 + Line::from(*h).width())
            .sum()
    };
    let fits = |left: &[(String, &str)], right: &[(String, &str)]| width(left) + width(right) <= area.width as usize;
    let mut right: Vec<_> = hinted().filter(pinned).map(item(true)).collect();
    let mut left: Vec<_> = hinted().filter(|r| !pinned(r)).map(item(true)).collect();
    if !fits(&left, &right) {
        left = hinted().filter(|r| !pinned(r)).map(item(false)).collect();
    }
    if !fits(&left, &right) {
        right = hinted().filter(pinned).map(item(false)).collect();
    }
    let room = (area.width as usize).saturating_sub(width(&right));
    while width(&left) > room {
        left.pop();
    }
    let spans = |items: &[(String, &str)]| {
        let mut spans = Vec::new();
        for (key, hint) in items {
            spans.push(Span::raw("  "));
            spans.push(Span::styled(key.clone(), theme.key()));
            spans.push(Span::raw(format!(" {hint}")));
        }
        Line::from(spans)
    };
    let right = spans(&right);
    let [left_area, right_area] =
        Layout::horizontal([Constraint::Fill(1), Constraint::Length(right.width() as u16)]).areas(area);
    frame.render_widget(Paragraph::new(spans(&left)), left_area);
    frame.render_widget(Paragraph::new(right), right_area);
}

/// The hint words of a screen whose keys are not the keymap's hints for its
/// mode: an inbox view's search and team keys, each form's own keys.
fn screen_hints(model: &Model) -> Option<&'static [(Action, &'static str)]> {
    Some(match &model.overlay {
        Overlay::None if model.inbox_view().is_some() => &[
            (Action::Filter, "search"),
            (Action::Claim, "claim"),
            (Action::Tag, "tag"),
            (Action::Note, "note"),
            (Action::NextView, "view"),
            (Action::Messages, "messages"),
            (Action::NextPane, "pane"),
            (Action::Help, "help"),
            (Action::Quit, "quit"),
        ],
        Overlay::Note(_) => &[
            (Action::Submit, "save note"),
            (Action::Cancel, "cancel"),
            (Action::Quit, "quit"),
        ],
        Overlay::NewLink(_) => &[
            (Action::Down, "next field"),
            (Action::Submit, "make link"),
            (Action::Cancel, "cancel"),
            (Action::Quit, "quit"),
        ],
        Overlay::CaseFolder { .. } => &[
            (Action::Submit, "export"),
            (Action::Cancel, "cancel"),
            (Action::Quit, "quit"),
        ],
        _ => return None,
    })
}

#[cfg(test)]
mod tests;
