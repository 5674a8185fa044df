//! The message log overlay: every error and notice of the run, newest first, the
//! fix first, wrapped at word boundaries to the screen so nothing is cut, at
//! 80x24 as anywhere.

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph};

use super::Theme;
use crate::text::clean;
use crate::tui::app::{Model, Tone, fix_first};
use crate::tui::keymap::Action;

/// `text` in lines of at most `width` columns, broken between words; a word
/// longer than a line is broken where it must.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let fits = crate::text::display_width(&line) + 1 + crate::text::display_width(word) <= width;
        if !line.is_empty() && !fits {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
        while crate::text::display_width(&line) > width {
            let head: String = line.chars().take(width).collect();
            line = line.chars().skip(width).collect();
            lines.push(head);
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

pub fn messages(model: &Model, theme: &Theme, frame: &mut Frame, scroll: usize) {
    let area = frame.area();
    let inner_width = area.width.saturating_sub(2) as usize;
    let mut lines: Vec<Line> = Vec::new();
    if model.messages.is_empty() {
        lines.push(Line::from("no errors or notices yet"));
    }
    for (i, message) in model.messages.iter().enumerate() {
        if i > 0 {
            lines.push(Line::default());
        }
        let text = clean(&message.text);
        let (fix, what) = fix_first(&text);
        let style = match message.tone {
            Tone::Error => theme.error(),
            Tone::Success | Tone::Info => theme.dim(),
        };
        if let Some(fix) = fix {
            // `fix: ` once, the rest indented under it.
            for (n, line) in wrap(fix, inner_width.saturating_sub(5)).into_iter().enumerate() {
                let lead = if n == 0 { "fix: " } else { "     " };
                lines.push(Line::from(Span::styled(format!("{lead}{line}"), theme.key())));
            }
        }
        for line in wrap(what, inner_width) {
            lines.push(Line::from(Span::styled(line, style)));
        }
    }
    let room = area.height.saturating_sub(2) as usize;
    let scroll = scroll.min(lines.len().saturating_sub(room));
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

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wrapping_breaks_between_words_and_keeps_every_character() {
        let text = "the request signature was rejected: check VERIFF_SHARED_SECRET or the profile's shared secret";
        let lines = wrap(text, 30);
        assert!(lines.iter().all(|l| l.chars().count() <= 30), "{lines:?}");
        assert_eq!(lines.join(" "), text);
        assert_eq!(lines[1], "rejected: check");
    }
}
