//! What flows through `update`: messages in ([`Msg`]), commands out ([`Cmd`]), and
//! the small types both carry.

use std::path::PathBuf;
use std::time::Duration;

use crossterm::event::{KeyEvent, MouseEvent};

use crate::api::{ApiError, Attempt, Decision, ErrorKind, MediaList, Person, Progress, Watchlist};
use crate::ids::{AttemptId, MediaId, SessionId};
use crate::tui::preview::PreviewImage;

/// Tags a request so that a reply can be matched to the request still wanted.
pub type ReqId = u64;

/// Why something the model waited for did not come: the kind decides what the
/// screen offers (retry, a look at the credentials), the message says what happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub kind: ErrorKind,
    pub message: String,
}

impl Failure {
    /// The work was stopped before it answered: superseded, cancelled, or its task
    /// died (the log says more).
    pub fn cancelled(why: &str) -> Failure {
        Failure {
            kind: ErrorKind::Other,
            message: why.to_owned(),
        }
    }
}

impl From<&ApiError> for Failure {
    fn from(e: &ApiError) -> Failure {
        Failure {
            kind: e.kind(),
            message: crate::config::describe_error(e),
        }
    }
}

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Failure {
        Failure::from(&e)
    }
}

/// A failure of no particular kind, from a message (local errors: a file that
/// cannot be written, a profile that does not resolve).
impl From<String> for Failure {
    fn from(message: String) -> Failure {
        Failure {
            kind: ErrorKind::Other,
            message,
        }
    }
}

impl From<&str> for Failure {
    fn from(message: &str) -> Failure {
        Failure::from(message.to_owned())
    }
}

/// What is known about something fetched from the API.
#[derive(Debug, Clone, PartialEq)]
pub enum Load<T> {
    /// Requested; only the reply to this request will be taken.
    Loading(ReqId),
    Ready(T),
    Failed(Failure),
}

/// A preview of one media at one size in cells.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PreviewKey {
    pub media: MediaId,
    pub width: u16,
    pub height: u16,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferKind {
    /// Fetch into the cache and open with the system viewer (or save, without one).
    Open,
    Save,
    /// Every file of the attempt, into its own folder.
    SaveAll,
}

/// One file of a transfer: the media to fetch and the parts its file name is built
/// from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferItem {
    pub media_id: MediaId,
    pub name_parts: Vec<String>,
    /// As the listing says: names the file when it is written from a preview's
    /// bytes (a download is named by its response's type).
    pub mimetype: Option<String>,
}

/// How a transfer ended well.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransferOutcome {
    Opened(PathBuf),
    /// Saved because there was no display to open it on (or the viewer failed).
    SavedInstead {
        path: PathBuf,
        why: String,
    },
    Saved(PathBuf),
    AlreadySaved(PathBuf),
    SavedAll {
        dir: PathBuf,
        saved: usize,
        skipped: usize,
    },
}

#[derive(Debug, Clone)]
#[allow(
    clippy::large_enum_variant,
    reason = "a decision crosses the channel once per request; boxing it would cost more code than bytes"
)]
pub enum Msg {
    Key(KeyEvent),
    Paste(String),
    /// Only with `--mouse`.
    Mouse(MouseEvent),
    /// The terminal's size, at start and whenever it changes.
    Resize {
        width: u16,
        height: u16,
    },
    /// Animation step, sent only while something is loading or transferring.
    Tick,
    AttemptsLoaded {
        session: SessionId,
        req: ReqId,
        result: Result<Vec<Attempt>, Failure>,
    },
    DecisionLoaded {
        session: SessionId,
        req: ReqId,
        result: Result<Option<Decision>, Failure>,
    },
    SessionMediaLoaded {
        session: SessionId,
        req: ReqId,
        result: Result<MediaList, Failure>,
    },
    MediaLoaded {
        attempt: AttemptId,
        req: ReqId,
        result: Result<MediaList, Failure>,
    },
    TransferProgress {
        id: ReqId,
        progress: Progress,
        elapsed: Duration,
        file: usize,
        files: usize,
    },
    TransferDone {
        id: ReqId,
        result: Result<TransferOutcome, Failure>,
    },
    PreviewReady {
        key: PreviewKey,
        req: ReqId,
        result: Result<PreviewImage, Failure>,
    },
    /// The effects now speak to `profile`'s API (`Ok` holds its host).
    ProfileSwitched {
        profile: String,
        result: Result<String, Failure>,
    },
    /// SIGTERM, SIGHUP: leave now, restoring the terminal.
    Terminate,
    PersonLoaded {
        session: SessionId,
        req: ReqId,
        result: Result<Option<Person>, Failure>,
    },
    WatchlistLoaded {
        session: SessionId,
        req: ReqId,
        result: Result<Option<Watchlist>, Failure>,
    },
    /// Time to poll the watched session again; `at` is the wall-clock time (UTC).
    WatchTick {
        session: SessionId,
        at: String,
    },
    /// An NFC document's JSON, fetched to be read in the details area.
    NfcLoaded {
        media: MediaId,
        req: ReqId,
        result: Result<serde_json::Value, Failure>,
    },
    /// Whether the profile switched to masks personal values (`--redact` makes
    /// every profile do so).
    Redaction(crate::redact::Redact),
    ExportProgress {
        id: ReqId,
        snapshot: crate::export::Snapshot,
    },
    ExportDone {
        id: ReqId,
        result: Result<super::export::ExportSummary, Failure>,
    },
}

/// Work for the effects. Every command marked "answered" gets exactly one reply
/// message, whatever happens to the work (the effects' contract).
#[derive(Debug, Clone, PartialEq)]
pub enum Cmd {
    /// Answered by [`Msg::AttemptsLoaded`].
    LoadAttempts {
        session: SessionId,
        req: ReqId,
    },
    /// Answered by [`Msg::DecisionLoaded`].
    LoadDecision {
        session: SessionId,
        req: ReqId,
        background: bool,
    },
    /// Answered by [`Msg::SessionMediaLoaded`].
    LoadSessionMedia {
        session: SessionId,
        req: ReqId,
    },
    /// Answered by [`Msg::MediaLoaded`]. `background` loads wait their turn behind
    /// a small concurrency limit; the selected attempt's never does.
    LoadMedia {
        attempt: AttemptId,
        req: ReqId,
        background: bool,
    },
    /// Answered by [`Msg::TransferDone`] (progress on the way).
    Transfer {
        id: ReqId,
        kind: TransferKind,
        folder: Option<String>,
        items: Vec<TransferItem>,
    },
    /// Its transfer then answers as cancelled, and leaves nothing partial.
    CancelTransfer {
        id: ReqId,
    },
    Copy(String),
    SaveHistory(Vec<SessionId>),
    /// Answered by [`Msg::ProfileSwitched`].
    SwitchProfile(String),
    /// Answered by [`Msg::PreviewReady`]; a newer one replaces one not yet
    /// started (which then answers as cancelled).
    Preview {
        key: PreviewKey,
        req: ReqId,
        /// For a video, its mimetype (ffmpeg's demuxer is chosen from it).
        video: Option<String>,
    },
    /// Several previews wanted together (side by side), replacing any before;
    /// each answered by its own [`Msg::PreviewReady`].
    Previews(Vec<(PreviewKey, ReqId, Option<String>)>),
    /// Answered by [`Msg::PersonLoaded`].
    LoadPerson {
        session: SessionId,
        req: ReqId,
    },
    /// Answered by [`Msg::WatchlistLoaded`].
    LoadWatchlist {
        session: SessionId,
        req: ReqId,
    },
    /// Poll `session` every `every` with [`Msg::WatchTick`] (`None`: stop polling).
    Watch {
        session: Option<SessionId>,
        every: Duration,
    },
    /// Answered by [`Msg::NfcLoaded`].
    LoadNfc {
        media: MediaId,
        req: ReqId,
    },
    /// Export these sessions into `folder` (in the download dir unless
    /// absolute); answered by [`Msg::ExportDone`] (figures on the way).
    Export {
        id: ReqId,
        sessions: Vec<SessionId>,
        folder: std::path::PathBuf,
    },
    /// Stop it, keeping what completed (and its manifest); it then answers.
    CancelExport {
        id: ReqId,
    },
}

impl Cmd {
    /// How many reply messages the effects owe for this command (its progress
    /// reports aside): the model waits on exactly these.
    pub fn replies(&self) -> usize {
        match self {
            Cmd::LoadAttempts { .. }
            | Cmd::LoadDecision { .. }
            | Cmd::LoadSessionMedia { .. }
            | Cmd::LoadMedia { .. }
            | Cmd::LoadPerson { .. }
            | Cmd::LoadWatchlist { .. }
            | Cmd::LoadNfc { .. }
            | Cmd::Transfer { .. }
            | Cmd::SwitchProfile(_)
            | Cmd::Export { .. }
            | Cmd::Preview { .. } => 1,
            Cmd::Previews(batch) => batch.len(),
            Cmd::CancelTransfer { .. }
            | Cmd::CancelExport { .. }
            | Cmd::Copy(_)
            | Cmd::SaveHistory(_)
            | Cmd::Watch { .. } => 0,
        }
    }
}
