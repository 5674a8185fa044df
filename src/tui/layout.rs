//! Where everything goes on screen: one function of the terminal size, so the
//! view and `update` (page size, preview size) always agree.

use ratatui::layout::{Constraint, Layout, Rect};

/// The smallest terminal the browser draws in (columns, rows): three panes of two
/// rows each still fit. Below it the screen says so on one line.
pub const MIN_SIZE: (u16, u16) = (40, 10);

pub fn too_small(width: u16, height: u16) -> bool {
    width < MIN_SIZE.0 || height < MIN_SIZE.1
}

pub struct Areas {
    pub title: Rect,
    pub panes: [Rect; 3],
    pub details: Rect,
    pub status: Rect,
    pub hints: Rect,
}

pub fn areas(area: Rect) -> Areas {
    areas_for(area, false)
}

/// The same, with the sessions pane `wide` for an inbox view's columns (time,
/// status, name, vendorData).
pub fn areas_for(area: Rect, wide: bool) -> Areas {
    // The details area gives way first on short terminals, and grows on tall ones
    // (the preview lives there).
    let details_height = area.height.saturating_sub(12).clamp(3, (area.height / 3).max(10));
    let [title, main, details, status, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(details_height),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    // Sessions and attempts need only so much; every further column goes to media.
    // At least a short session id (8), the selection mark, a column gap and borders.
    let (sessions_width, attempts_width) = if wide {
        ((main.width * 2 / 5).clamp(12, 64), (main.width / 4).min(38))
    } else {
        ((main.width / 4).clamp(12, 26), (main.width / 3).min(38))
    };
    let [sessions, attempts, media] = Layout::horizontal([
        Constraint::Length(sessions_width),
        Constraint::Length(attempts_width),
        Constraint::Fill(1),
    ])
    .areas(main);
    Areas {
        title,
        panes: [sessions, attempts, media],
        details,
        status,
        hints,
    }
}

/// How many list rows a pane shows in a terminal of this size (its page size).
pub fn list_rows(width: u16, height: u16) -> usize {
    areas(Rect::new(0, 0, width, height)).panes[0].height.saturating_sub(2) as usize
}

/// The part of the details area (inside its border) where the preview goes.
pub fn preview_rect(details: Rect) -> Rect {
    let inner = details.inner(ratatui::layout::Margin::new(1, 1));
    let [_, preview] = Layout::horizontal([Constraint::Fill(1), Constraint::Percentage(45)])
        .spacing(1)
        .areas(inner);
    preview
}

/// The preview's size in cells for a terminal of this size; none in a terminal
/// too small to draw the browser.
pub fn preview_size(width: u16, height: u16) -> (u16, u16) {
    if too_small(width, height) {
        return (0, 0);
    }
    let rect = preview_rect(areas(Rect::new(0, 0, width, height)).details);
    (rect.width, rect.height)
}

/// A look-closer picture on the whole screen, inside its border.
pub fn zoom_size(width: u16, height: u16) -> (u16, u16) {
    (width.saturating_sub(2), height.saturating_sub(2))
}

/// Each of two look-closer pictures side by side, inside their borders.
pub fn compare_size(width: u16, height: u16) -> (u16, u16) {
    ((width / 2).saturating_sub(2), height.saturating_sub(2))
}

/// The two halves of the screen the side-by-side pictures take.
pub fn compare_rects(area: Rect) -> [Rect; 2] {
    Layout::horizontal([Constraint::Length(area.width / 2), Constraint::Fill(1)]).areas(area)
}
