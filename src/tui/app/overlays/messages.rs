//! The message log overlay: every error and notice of the run, newest first, the
//! fix first, wrapped at word boundaries to the screen so nothing is cut, at
//! 80x24 as anywhere.

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph};

use crate::text::{clean, wrap_words};
use crate::tui::app::dates::short_time;
use crate::tui::app::{Logged, Model, Overlay, Tone, fix_first};
use crate::tui::keymap::Action;
use crate::tui::ui::Theme;

/// The log as drawn inside a box of `inner_width` columns.
fn log_lines(model: &Model, theme: &Theme, inner_width: usize) -> Vec<Line<'static>> {
    let mut lines: Vec<Line> = Vec::new();
    if model.messages.is_empty() {
        lines.push(Line::from("no errors or notices yet"));
    }
    for (i, Logged { status: message, at_ms }) in model.messages.iter().enumerate() {
        if i > 0 {
            lines.push(Line::default());
        }
        // When, as the panes show times: the year only where it is not this one.
        let at = short_time(&crate::time::format_time_ms(*at_ms), model.this_year, 16);
        lines.push(Line::from(Span::styled(at, theme.dim())));
        let text = clean(&message.text);
        let (fix, what) = fix_first(&text);
        let style = match message.tone {
            Tone::Error => theme.error(),
            Tone::Success | Tone::Info => theme.dim(),
        };
        if let Some(fix) = fix {
            // `fix: ` once, the rest indented under it.
            for (n, line) in wrap_words(fix, inner_width.saturating_sub(5)).into_iter().enumerate() {
                let lead = if n == 0 { "fix: " } else { "     " };
                lines.push(Line::from(Span::styled(format!("{lead}{line}"), theme.key())));
            }
        }
        for line in wrap_words(what, inner_width) {
            lines.push(Line::from(Span::styled(line, style)));
        }
    }
    lines
}

/// The farthest the log scrolls on a screen of `size`: its last line at the bottom.
fn bottom(model: &Model, size: (u16, u16)) -> usize {
    let lines = log_lines(model, &Theme { color: false }, size.0.saturating_sub(2) as usize);
    lines.len().saturating_sub(size.1.saturating_sub(2) as usize)
}

pub fn draw(model: &Model, theme: &Theme, frame: &mut Frame, scroll: usize) {
    let area = frame.area();
    let lines = log_lines(model, theme, area.width.saturating_sub(2) as usize);
    let scroll = scroll.min(bottom(model, (area.width, area.height)));
    let title = format!(
        " messages {} · {} {} scroll · {} closes ",
        model.messages.len(),
        model.key_for(Action::Down),
        model.key_for(Action::Up),
        model.key_for(Action::Cancel)
    );
    frame.render_widget(Clear, area);
    let block = Block::bordered().border_type(BorderType::Double).title(title);
    frame.render_widget(Paragraph::new(lines).scroll((scroll as u16, 0)).block(block), area);
}

/// The log scrolls by lines as drawn; the view stops at the last one.
pub(in crate::tui::app) fn on_key(model: &mut Model, action: Option<Action>) {
    let page = model.help_room();
    let bottom = bottom(model, model.size);
    let Overlay::Messages { scroll } = &mut model.overlay else {
        return;
    };
    match action {
        Some(Action::Down) => *scroll += 1,
        Some(Action::Up) => *scroll = scroll.saturating_sub(1),
        Some(Action::PageDown) => *scroll += page,
        Some(Action::PageUp) => *scroll = scroll.saturating_sub(page),
        Some(Action::First) => *scroll = 0,
        Some(Action::Last) => *scroll = bottom,
        Some(Action::Cancel) => model.overlay = Overlay::None,
        _ => {}
    }
    if let Overlay::Messages { scroll } = &mut model.overlay {
        *scroll = (*scroll).min(bottom);
    }
}

#[cfg(test)]
mod tests {
    use crate::tui::app::testkit::{key, press};
    use crate::tui::app::{Logged, Model, Msg, Overlay, Status, update};

    /// A key past the end does not scroll into nothing: one key back up moves
    /// the view at once.
    #[test]
    fn the_log_scrolls_no_further_than_its_last_line() {
        let (mut model, _) = Model::new("h".into(), None).start(vec![], vec![]);
        let _ = update(&mut model, Msg::Resize { width: 80, height: 24 });
        for i in 0..30 {
            model.messages.push(Logged {
                status: Status::error(format!("failure number {i}")),
                at_ms: 0,
            });
        }
        let _ = update(&mut model, key(crossterm::event::KeyCode::Esc));
        press(&mut model, "M");
        press(&mut model, &"j".repeat(500));
        let Overlay::Messages { scroll: at_end } = model.overlay else {
            panic!("{:?}", model.overlay)
        };
        // 30 messages, each under its time, and the blank lines between them,
        // 22 rows on screen.
        assert_eq!(at_end, 89 - 22);
        press(&mut model, "k");
        assert_eq!(model.overlay, Overlay::Messages { scroll: at_end - 1 });
    }
}
