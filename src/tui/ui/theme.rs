//! Colours and emphasis. Every distinction also shows without colour (NO_COLOR):
//! the selection is reversed and marked, the focused pane has a thick border.

use ratatui::style::{Color, Modifier, Style};

use crate::tui::app::Tone;

#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    /// Colour unless NO_COLOR is set to anything non-empty (no-color.org).
    pub fn from_env() -> Theme {
        Theme {
            color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
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
