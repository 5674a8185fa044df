//! The card laid out: wrapped to its column, in one column or two, and how far
//! the details area scrolls (the view draws with the same figures, so `J` and
//! `K` never run past what is shown).

use super::card::{CardLine, Tone};
use super::model::Model;
use super::screen::Pane;
use crate::tui::layout;

impl Model {
    /// Lines of the details area below its fold: how far it can scroll. The view
    /// draws with the same figure, so J and K never run past what is shown.
    pub fn details_overflow(&self) -> usize {
        let (width, height) = self.size;
        let inner = layout::areas(ratatui::layout::Rect::new(0, 0, width, height))
            .details
            .inner(ratatui::layout::Margin::new(1, 1));
        match self.focus {
            Pane::Sessions => card_columns(&self.card(), inner.width, inner.height)
                .iter()
                .map(|c| c.len())
                .max()
                .unwrap_or(0)
                .saturating_sub(inner.height as usize),
            Pane::Media => self
                .nfc_lines()
                .and_then(Result::ok)
                .map_or(0, |l| l.len().saturating_sub(inner.height as usize)),
            Pane::Attempts => 0,
        }
    }

    /// Scrolls the details by `delta` lines, no further than its last line.
    pub(super) fn scroll_details(&mut self, delta: i32) {
        let max = self.details_overflow() as i32;
        self.details_scroll = (self.details_scroll as i32 + delta).clamp(0, max) as u16;
    }
}

/// Below this many columns a second column would cut the card's lines short.
const TWO_COLUMNS_FROM: u16 = 120;

/// Columns the label takes before a card line's text (`{:>10} `).
pub const LABEL_WIDTH: usize = 11;

/// `card` as drawn in a column `width` cells wide: a line longer than the
/// column goes on over as many lines as it needs, broken between words, under
/// its label (nothing said is cut at the edge). The parts are cleaned first, so
/// what is measured is what is drawn.
fn wrapped(card: &[CardLine], width: u16) -> Vec<CardLine> {
    let room = (width as usize).saturating_sub(LABEL_WIDTH).max(8);
    let mut lines = Vec::new();
    for line in card {
        let parts: Vec<(String, Tone)> = line
            .parts
            .iter()
            .map(|(text, tone)| (crate::text::clean(text), tone.clone()))
            .collect();
        let mut rows = crate::text::wrap_parts(&parts, room).into_iter();
        let first = rows.next().unwrap_or_default();
        lines.push(CardLine {
            section: line.section,
            label: line.label,
            parts: first,
        });
        lines.extend(rows.map(|parts| CardLine {
            section: line.section,
            label: "",
            parts,
        }));
    }
    lines
}

/// How the card is laid out in an area of `width` x `height` cells, wrapped to
/// its columns: one column, or (where it is wide enough and one would not fit)
/// two, split at the section boundary nearest the middle.
pub fn card_columns(card: &[CardLine], width: u16, height: u16) -> Vec<Vec<CardLine>> {
    let one = wrapped(card, width);
    if width < TWO_COLUMNS_FROM || one.len() <= height as usize {
        return vec![one];
    }
    // As the view splits it: two halves with 2 cells between them.
    let half_width = width.saturating_sub(2) / 2;
    let card = wrapped(card, half_width);
    let half = card.len().div_ceil(2);
    let split = (1..card.len())
        .filter(|&i| card[i].section != card[i - 1].section)
        .min_by_key(|&i| i.abs_diff(half))
        .unwrap_or(half);
    let (left, right) = card.split_at(split);
    vec![left.to_vec(), right.to_vec()]
}
