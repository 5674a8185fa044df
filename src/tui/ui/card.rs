//! The triage card: the selected session's verdict, person, document, risks,
//! watchlist and references, in the details area while the sessions pane has
//! focus. Two columns where the area is wide enough and one would not fit; the
//! details area scrolls (J/K) where even that does not.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use crate::text::clean;
use crate::tui::app::{CardLine, CardTone as Tone, Model, card_columns};

fn style(theme: &Theme, tone: &Tone) -> Style {
    match tone {
        Tone::Plain => Style::new(),
        Tone::Outcome(status) => theme.outcome(status),
        Tone::Warn => theme.warn(),
        Tone::Good => theme.good(),
        Tone::Dim => theme.dim(),
        Tone::Error => theme.error(),
    }
}

fn line<'a>(theme: &Theme, card: &CardLine) -> Line<'a> {
    let mut spans = vec![Span::styled(format!("{:>10} ", card.label), theme.dim())];
    spans.extend(
        card.parts
            .iter()
            .map(|(text, tone)| Span::styled(clean(text), style(theme, tone))),
    );
    Line::from(spans)
}

/// Draws the card into `area` (inside the details border), scrolled.
pub fn card(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let card = model.card();
    let scroll = (model.details_scroll as usize).min(model.details_overflow()) as u16;
    let columns = card_columns(&card, area.width, area.height);
    let rects = Layout::horizontal(vec![Constraint::Fill(1); columns.len()])
        .spacing(2)
        .split(area);
    for (lines, rect) in columns.iter().zip(rects.iter()) {
        let lines: Vec<Line> = lines.iter().map(|l| line(theme, l)).collect();
        frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)), *rect);
    }
}

#[cfg(test)]
#[path = "card_tests.rs"]
mod tests;
