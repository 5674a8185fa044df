//! Colours and emphasis. Every distinction also shows without colour (NO_COLOR):
//! the selection is reversed and marked, the focused pane has a thick border.

use ratatui::style::{Color, Modifier, Style};

use crate::tui::app::Tone;

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    /// Colour unless NO_COLOR is set to anything non-empty (no-color.org) or TERM
    /// names a monochrome terminal. Colours are the eight of ANSI, which every
    /// 16-colour terminal has; nothing depends on them alone.
    pub fn from_env() -> Theme {
        Theme::for_terminal(
            std::env::var("NO_COLOR").ok().as_deref(),
            std::env::var("TERM").ok().as_deref(),
        )
    }

    fn for_terminal(no_color: Option<&str>, term: Option<&str>) -> Theme {
        let monochrome = term.is_some_and(|term| {
            // terminfo's convention for monochrome entries (xterm-mono, vt100-bw,
            // linux-m), and the DEC terminals that had no colour.
            ["-m", "-mono", "-bw"].iter().any(|suffix| term.ends_with(suffix))
                || ["vt52", "vt100", "vt102", "vt220"].contains(&term)
        });
        Theme {
            color: no_color.is_none_or(str::is_empty) && !monochrome,
        }
    }

    fn fg(&self, color: Color) -> Style {
        if self.color {
            Style::new().fg(color)
        } else {
            Style::new()
        }
    }

    pub fn selected(&self, focused: bool) -> Style {
        if focused {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }

    pub fn border(&self, focused: bool) -> Style {
        if focused {
            self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
        } else {
            self.dim()
        }
    }

    pub fn title(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    /// Secondary text. The DIM attribute, not a grey: bright black is the
    /// background colour in Solarized dark and kin, where grey text vanishes.
    pub fn dim(&self) -> Style {
        Style::new().add_modifier(Modifier::DIM)
    }

    pub fn key(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn error(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    /// Worth a second look (bold, so it shows without colour too).
    pub fn warn(&self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    pub fn good(&self) -> Style {
        self.fg(Color::Green)
    }

    pub fn tone(&self, tone: Tone) -> Style {
        match tone {
            Tone::Info => Style::new(),
            Tone::Success => self.fg(Color::Green),
            Tone::Error => self.error(),
        }
    }

    /// Attempt and decision statuses, by outcome.
    pub fn outcome(&self, status: &str) -> Style {
        match status {
            "approved" => self.fg(Color::Green),
            "declined" => self.fg(Color::Red),
            "resubmission_requested" | "review" => self.fg(Color::Yellow),
            "submitted" | "started" | "created" => self.fg(Color::Blue),
            _ => self.dim(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn monochrome_terminals_and_no_color_get_no_colour() {
        let colour = |no_color, term| Theme::for_terminal(no_color, term).color;
        assert!(colour(None, Some("xterm-256color")));
        assert!(colour(Some(""), Some("xterm-16color")));
        assert!(colour(None, None));
        assert!(!colour(Some("1"), Some("xterm-256color")));
        for term in ["xterm-mono", "vt100", "vt220", "linux-m", "vt100-bw"] {
            assert!(!colour(None, Some(term)), "{term}");
        }
    }
}
