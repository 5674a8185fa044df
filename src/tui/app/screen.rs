//! What the screen is in besides the data: the panes and their cursors, the
//! overlay open, a line being typed, the status line, a transfer under way, and
//! what the media pane shows. The model holds these; `model.rs` re-exports them.

use super::msg::{Failure, ReqId};
use crate::api::MediaList;
use crate::ids::SessionId;
use crate::tui::keymap::Mode;

crate::tui::listed::listed! {
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
    pub enum Pane {
        Sessions,
        Attempts,
        Media,
    }
}

impl Pane {
    pub fn name(self) -> &'static str {
        match self {
            Pane::Sessions => "sessions",
            Pane::Attempts => "attempts",
            Pane::Media => "media",
        }
    }
}

/// Where a pane's cursor is, which row is at its top, and what it is filtered by.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaneState {
    pub cursor: usize,
    /// First visible row, kept so the cursor stays in view.
    pub offset: usize,
    /// Rows shown are those containing this text (case-insensitive).
    pub filter: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub enum Overlay {
    #[default]
    None,
    /// The help, scrolled this many lines.
    Help { scroll: usize },
    /// Adding a session: the line being edited, and why the last try was refused.
    AddSession { input: LineEdit, error: Option<String> },
    /// The case folder an export goes into (`E`), relative to the download
    /// folder unless absolute; the sessions it will export.
    CaseFolder {
        input: LineEdit,
        sessions: Vec<crate::ids::SessionId>,
    },
    /// Typing the focused pane's filter (the filter itself lives in its
    /// [`PaneState`], so the pane follows as it is typed). In an inbox search,
    /// ↑ ↓ recall the searches kept: which one, and the line typed before.
    Filter {
        input: LineEdit,
        recalled: Option<(usize, String)>,
    },
    /// Choosing a config profile: the highlighted one.
    Profiles { cursor: usize },
    /// The sessions the selected one's decision links to: the highlighted one.
    Linked { cursor: usize },
    /// Every error and notice of the run, in full: the lines scrolled past.
    Messages { scroll: usize },
    /// The selected media on the whole screen.
    Zoom,
    /// The attempt's document front beside its best face image.
    Compare,
    /// The selected session's face beside a linked session's, from the linked
    /// list (the highlighted row, to go back to).
    Faces { linked: SessionId, cursor: usize },
    /// A question before something that cannot be undone.
    Confirm(crate::tui::app::overlays::confirm::Confirm),
    /// The form of a new verification link.
    NewLink(crate::tui::app::overlays::new_link::NewLink),
    /// Reviewing a watchlist hit: the hit, then its match status.
    HitReview(crate::tui::app::overlays::hit_review::HitReview),
    /// A new session made: its link (and QR code) shown.
    LinkMade { session: SessionId, link: Option<String> },
    /// The one-line note on a session in the inbox, being typed.
    Note(crate::tui::app::overlays::note::NoteEdit),
    /// A session's tag in the inbox, being chosen.
    Tag(crate::tui::app::overlays::tag::TagMenu),
    /// A session's Customer Portal link no browser opened, shown to copy.
    PortalLink { link: String },
}

impl Overlay {
    /// The keymap mode the overlay puts keys in.
    pub fn mode(&self) -> Mode {
        match self {
            Overlay::None => Mode::Browse,
            Overlay::Help { .. } => Mode::Help,
            Overlay::AddSession { .. } | Overlay::CaseFolder { .. } => Mode::Prompt,
            Overlay::Filter { .. } => Mode::Filter,
            Overlay::Profiles { .. } => Mode::Profiles,
            Overlay::Linked { .. } => Mode::Linked,
            Overlay::Messages { .. } => Mode::Messages,
            Overlay::Zoom | Overlay::Compare | Overlay::Faces { .. } => Mode::LookCloser,
            Overlay::Confirm(_) => Mode::Confirm,
            Overlay::NewLink(_) | Overlay::Note(_) => Mode::Prompt,
            Overlay::LinkMade { .. } | Overlay::PortalLink { .. } => Mode::Link,
            Overlay::HitReview(_) | Overlay::Tag(_) => Mode::Review,
        }
    }

    pub fn is_none(&self) -> bool {
        matches!(self, Overlay::None)
    }

    /// Pictures on the whole screen: one, or two side by side.
    pub fn is_looking_closer(&self) -> bool {
        matches!(self, Overlay::Zoom | Overlay::Compare | Overlay::Faces { .. })
    }
}

/// A line of text being typed, edited by a maintained line editor (cursor
/// movement, word deletion, paste).
#[derive(Debug, Clone, Default)]
pub struct LineEdit(pub tui_input::Input);

impl LineEdit {
    pub fn value(&self) -> &str {
        self.0.value()
    }

    /// Applies an editing key (characters, cursor moves, word deletion); says
    /// whether the text changed.
    pub fn edit(&mut self, key: crossterm::event::KeyEvent) -> bool {
        tui_input::backend::crossterm::to_input_request(&crossterm::event::Event::Key(key))
            .and_then(|request| self.0.handle(request))
            .is_some_and(|changed| changed.value)
    }
}

impl PartialEq for LineEdit {
    fn eq(&self, other: &Self) -> bool {
        self.0.value() == other.0.value() && self.0.cursor() == other.0.cursor()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Info,
    Success,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    pub tone: Tone,
}

impl Status {
    pub fn info(text: impl Into<String>) -> Status {
        Status {
            text: text.into(),
            tone: Tone::Info,
        }
    }
    pub fn success(text: impl Into<String>) -> Status {
        Status {
            text: text.into(),
            tone: Tone::Success,
        }
    }
    pub fn error(text: impl Into<String>) -> Status {
        Status {
            text: text.into(),
            tone: Tone::Error,
        }
    }
}

/// A message of the log and when it was said (ms since the epoch).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logged {
    pub status: Status,
    pub at_ms: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    pub id: ReqId,
    pub kind: super::msg::TransferKind,
    pub label: String,
    /// e.g. `1.2 MiB / 3.4 MiB (35%) at 2.0 MiB/s`, once bytes flow.
    pub progress: Option<String>,
    /// Cancel was asked for; what happened is said when the effects answer (a
    /// file finished the instant before is saved, and said so).
    pub cancelling: bool,
}

/// What the media pane shows for the current selection.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MediaView<'a> {
    /// Nothing to show (no session, or no attempts).
    Empty(&'static str),
    Loading,
    Failed(&'a Failure),
    /// `provisional`: the session's media standing in for its newest attempt's
    /// until that attempt's own list arrives.
    Ready {
        list: &'a MediaList,
        provisional: bool,
    },
}
