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
use crate::tui::app::{CardLine, CardTone as Tone, Model};

/// Below this many columns a second column would cut the lines short.
const TWO_COLUMNS_FROM: u16 = 120;

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

/// Where the card's lines go: one column, or two split at a section boundary
/// near the middle. Returns each column's lines.
fn columns(card: &[CardLine], area: Rect) -> Vec<&[CardLine]> {
    if area.width < TWO_COLUMNS_FROM || card.len() <= area.height as usize {
        return vec![card];
    }
    let half = card.len().div_ceil(2);
    // The section boundary nearest the middle.
    let split = (1..card.len())
        .filter(|&i| card[i].section != card[i - 1].section)
        .min_by_key(|&i| i.abs_diff(half))
        .unwrap_or(half);
    vec![&card[..split], &card[split..]]
}

/// Lines below the area's height: how far the card can scroll.
pub fn overflow(card: &[CardLine], area: Rect) -> usize {
    columns(card, area)
        .iter()
        .map(|c| c.len())
        .max()
        .unwrap_or(0)
        .saturating_sub(area.height as usize)
}

/// Draws the card into `area` (inside the details border), scrolled.
pub fn card(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let card = model.card();
    let scroll = (model.details_scroll as usize).min(overflow(&card, area)) as u16;
    let columns = columns(&card, area);
    let rects = Layout::horizontal(vec![Constraint::Fill(1); columns.len()])
        .spacing(2)
        .split(area);
    for (lines, rect) in columns.into_iter().zip(rects.iter()) {
        let lines: Vec<Line> = lines.iter().map(|l| line(theme, l)).collect();
        frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)), *rect);
    }
}

#[cfg(test)]
#[path = "card_tests.rs"]
mod tests;
