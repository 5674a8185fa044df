//! Drawing: pure functions of the model. Nothing here changes state or does I/O.

mod details;
mod overlays;
mod panes;
pub mod theme;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};

use super::layout::areas;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::app::{Model, Overlay};
use super::keys::{Action, BINDINGS};
use crate::text::clean;
pub use theme::Theme;

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

pub fn view(model: &Model, theme: &Theme, frame: &mut Frame) {
    let areas = areas(frame.area());
    title_bar(model, theme, frame, areas.title);
    panes::sessions(model, theme, frame, areas.panes[0]);
    panes::attempts(model, theme, frame, areas.panes[1]);
    panes::media(model, theme, frame, areas.panes[2]);
    details::details(model, theme, frame, areas.details);
    status_line(model, theme, frame, areas.status);
    hint_bar(theme, frame, areas.hints);
    match &model.overlay {
        Overlay::Help => overlays::help(theme, frame),
        Overlay::Prompt { input, error } => overlays::prompt(theme, frame, input, error.as_deref()),
        Overlay::Profiles { cursor } => overlays::profiles(model, theme, frame, *cursor),
        Overlay::Filter | Overlay::None => {}
    }
}

fn spinner(model: &Model) -> &'static str {
    SPINNER[model.spinner % SPINNER.len()]
}

fn title_bar(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let mut spans = vec![
        Span::styled(" veriff-tui ", theme.title()),
        Span::styled("· ", theme.dim()),
    ];
    if let Some(profile) = &model.profile {
        spans.push(Span::raw(format!("profile {} ", clean(profile))));
        spans.push(Span::styled("· ", theme.dim()));
    }
    spans.push(Span::raw(clean(&model.host)));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn status_line(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let line = if model.overlay == Overlay::Filter {
        Line::from(vec![
            Span::styled("filter media by context: /", theme.key()),
            Span::raw(clean(&model.filter)),
            Span::styled("█", theme.dim()),
            Span::styled("  Enter keeps · Esc clears", theme.dim()),
        ])
    } else if let Some(transfer) = &model.transfer {
        Line::from(vec![
            Span::raw(format!("{} {} ", spinner(model), transfer.label)),
            Span::raw(transfer.progress.clone().unwrap_or_default()),
            Span::styled("  Esc cancels", theme.dim()),
        ])
    } else if let Some(job) = &model.export {
        Line::from(vec![
            Span::raw(format!("{} {}", spinner(model), job.describe())),
            Span::styled("  Esc cancels", theme.dim()),
        ])
    } else if let Some(status) = &model.status {
        Line::from(Span::styled(clean(&status.text), theme.tone(status.tone)))
    } else if !model.filter.is_empty() {
        Line::from(Span::styled(
            format!("filter: {}  (Esc clears)", clean(&model.filter)),
            theme.dim(),
        ))
    } else {
        Line::default()
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// Key hints from the key table; help and quit are pinned to the right edge so
/// a narrow terminal cuts the others, never those.
fn hint_bar(theme: &Theme, frame: &mut Frame, area: Rect) {
    let pinned = |b: &&crate::tui::keys::Binding| matches!(b.action, Action::Help | Action::Quit);
    let spans = |bindings: Vec<&crate::tui::keys::Binding>| {
        let mut spans = Vec::new();
        for binding in bindings {
            if let Some(hint) = binding.hint {
                let key = binding.label.split(' ').next().unwrap_or(binding.label);
                spans.push(Span::raw("  "));
                spans.push(Span::styled(key.to_owned(), theme.key()));
                spans.push(Span::raw(format!(" {hint}")));
            }
        }
        Line::from(spans)
    };
    let right = spans(BINDINGS.iter().filter(pinned).collect());
    let [left_area, right_area] =
        Layout::horizontal([Constraint::Fill(1), Constraint::Length(right.width() as u16)]).areas(area);
    frame.render_widget(
        Paragraph::new(spans(BINDINGS.iter().filter(|b| !pinned(b)).collect())),
        left_area,
    );
    frame.render_widget(Paragraph::new(right), right_area);
}

#[cfg(test)]
mod tests;
