//! What flows through `update`: messages in ([`Msg`]), commands out ([`Cmd`]), and
//! the small types both carry.

use std::path::PathBuf;
use std::time::Duration;

use crossterm::event::{KeyEvent, MouseEvent};

pub use super::actions::Write;
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
    /// Aborted before it answered (superseded, no longer wanted, or its profile
    /// left): not a failure to show, the data is asked for again when wanted.
    pub cancelled: bool,
}

impl Failure {
    /// The work was stopped before it answered: superseded, cancelled, or its task
    /// died (the log says more).
    pub fn cancelled(why: &str) -> Failure {
        Failure {
            kind: ErrorKind::Other,
            message: why.to_owned(),
            cancelled: true,
        }
    }
}

impl From<&ApiError> for Failure {
    fn from(e: &ApiError) -> Failure {
        Failure {
            kind: e.kind(),
            message: crate::config::describe_error(e),
            cancelled: false,
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
            cancelled: false,
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

/// What a load asks for: it names the slot of the store the reply fills, and keys
/// the load in the effects (a second load of the same `Req` supersedes the first).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Req {
    Attempts(SessionId),
    Decision(SessionId),
    /// The session's own media listing (its newest attempt's files).
    SessionMedia(SessionId),
    Person(SessionId),
    Watchlist(SessionId),
    Media(SessionId, AttemptId),
    /// An NFC document's JSON, to be read in the details area.
    Nfc(SessionId, MediaId),
    /// A media encoded for the terminal at a size; `video` holds a video's
    /// mimetype (ffmpeg's demuxer is chosen from it). Waits a moment before it
    /// costs a download: a cursor moving on supersedes it first.
    Preview {
        key: PreviewKey,
        video: Option<String>,
    },
    /// The sessions the profile in use remembers (its session source).
    Remembered,
    /// The inbox: a view's rows and every view's count.
    Inbox(InboxAsk),
    /// The changes of a session's marks in the inbox, newest first (the card's
    /// history).
    MarkLog(SessionId),
}

/// What the browser asks of the inbox: the rows of a query (the view's and
/// what `/` added; none on the tab of sessions opened here), and every view's
/// count for the tabs.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct InboxAsk {
    pub query: Option<String>,
    /// The newest this many rows: more are asked for as the cursor nears the end.
    pub limit: u32,
    pub counts: Vec<String>,
    /// Who `claimed:me` is.
    pub me: String,
}

/// One session of an inbox view: its index fields and the team's marks.
#[derive(Debug, Clone, PartialEq)]
pub struct InboxRow {
    pub id: SessionId,
    pub index: crate::inbox::SessionRow,
    pub marks: crate::inbox::Marks,
}

/// What the inbox answered: the rows (newest activity first), whether more
/// match, each view's count, and the inbox's revision they reflect.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InboxPage {
    pub rows: Vec<InboxRow>,
    pub more: bool,
    pub counts: Vec<Option<i64>>,
    pub revision: i64,
}

impl Req {
    /// The session whose entry the reply fills (none for a preview).
    pub fn session(&self) -> Option<&SessionId> {
        match self {
            Req::Attempts(s)
            | Req::Decision(s)
            | Req::SessionMedia(s)
            | Req::Person(s)
            | Req::Watchlist(s)
            | Req::Media(s, _)
            | Req::Nfc(s, _)
            | Req::MarkLog(s) => Some(s),
            Req::Preview { .. } | Req::Remembered | Req::Inbox(_) => None,
        }
    }

    /// What it is, for the message log.
    pub fn describe(&self) -> String {
        match self {
            Req::Attempts(s) => format!("attempts of session {}", s.short()),
            Req::Decision(s) => format!("decision of session {}", s.short()),
            Req::SessionMedia(s) => format!("media of session {}", s.short()),
            Req::Person(s) => format!("person of session {}", s.short()),
            Req::Watchlist(s) => format!("watchlist of session {}", s.short()),
            Req::Media(_, a) => format!("media of attempt {}", a.short()),
            Req::Nfc(_, m) => format!("NFC data {}", m.short()),
            Req::Preview { .. } => "preview".to_owned(),
            Req::Remembered => "remembered sessions".to_owned(),
            Req::Inbox(_) => "the inbox".to_owned(),
            Req::MarkLog(s) => format!("mark history of session {}", s.short()),
        }
    }
}

/// What a load brings back, one variant per kind of [`Req`].
#[derive(Debug, Clone)]
#[allow(
    clippy::large_enum_variant,
    reason = "a decision crosses the channel once per request; boxing it would cost more code than bytes"
)]
pub enum Payload {
    Attempts(Vec<Attempt>),
    Decision(Option<Decision>),
    /// A session's or an attempt's media listing.
    Media(MediaList),
    Person(Option<Person>),
    Watchlist(Option<Watchlist>),
    Nfc(serde_json::Value),
    Preview(PreviewImage),
    Sessions(Vec<SessionId>),
    Inbox(InboxPage),
    MarkLog(Vec<crate::inbox::MarkEntry>),
}

impl Payload {
    /// With personal values masked as `redact` says (a no-op when it is off).
    pub fn masked(self, redact: crate::redact::Redact) -> Payload {
        match self {
            Payload::Attempts(list) => Payload::Attempts(list.into_iter().map(|a| redact.model(a)).collect()),
            Payload::Decision(d) => Payload::Decision(d.map(|d| redact.model(d))),
            Payload::Person(p) => Payload::Person(p.map(|p| redact.model(p))),
            Payload::Watchlist(w) => Payload::Watchlist(w.map(|w| redact.model(w))),
            Payload::Nfc(nfc) => Payload::Nfc(redact.json(nfc)),
            // Listings hold ids, contexts and sizes, through the allow-list all the
            // same (a size that is a string is not one); pictures are hidden where drawn.
            Payload::Media(list) => Payload::Media(redact.model(list)),
            Payload::Preview(image) => Payload::Preview(image),
            Payload::Sessions(ids) => Payload::Sessions(ids),
            // Every column through the allow-list; a note is the team's free text.
            Payload::Inbox(mut page) => {
                if redact.on {
                    for row in &mut page.rows {
                        row.index = std::mem::take(&mut row.index).masked(redact);
                        row.marks.note = row.marks.note.as_deref().map(|n| redact.text(n));
                    }
                }
                Payload::Inbox(page)
            }
            Payload::MarkLog(log) => Payload::MarkLog(log.into_iter().map(|e| e.masked(redact)).collect()),
        }
    }
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
    /// The one reply to [`Cmd::Load`] `id`, which asked for `req`.
    Loaded {
        id: ReqId,
        req: Req,
        result: Result<Payload, Failure>,
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
    /// The effects now speak to `profile`'s API.
    ProfileSwitched {
        profile: String,
        result: Result<Switched, Failure>,
    },
    /// The one reply to [`Cmd::Write`] `id`: what came of it, or why it failed.
    Written {
        id: ReqId,
        write: Write,
        result: Result<Done, Failure>,
    },
    /// SIGTERM, SIGHUP: leave now, restoring the terminal.
    Terminate,
    /// Time to poll the watched session again; `at` is the wall-clock time (UTC).
    WatchTick {
        session: SessionId,
        at: String,
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
    /// The one reply to [`Cmd::Verify`]: what checking the folder found.
    Verified {
        dir: std::path::PathBuf,
        result: Result<super::export::VerifySummary, Failure>,
    },
    /// The inbox changed (a webhook stored, a mark set): its revision now.
    InboxChanged(i64),
    /// The one reply to [`Cmd::OpenLink`]: the browser opened it, or why not.
    LinkOpened {
        url: String,
        result: Result<(), Failure>,
    },
    /// The one reply to [`Cmd::Mark`] `id`.
    Marked {
        id: ReqId,
        session: SessionId,
        change: crate::inbox::MarkChange,
        result: Result<(), Failure>,
    },
}

/// Work for the effects. Every command marked "answered" gets exactly one reply
/// message, whatever happens to the work (the effects' contract).
#[derive(Debug, Clone, PartialEq)]
pub enum Cmd {
    /// Answered by [`Msg::Loaded`] with the same `id`. `background` loads wait
    /// their turn at the pacer behind everything the person is looking at.
    Load {
        id: ReqId,
        req: Req,
        background: bool,
    },
    /// Loads no longer wanted (a session removed, a selection left behind): they
    /// are aborted and answer as cancelled.
    Cancel(Vec<Req>),
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
    /// A change of the sessions list, for its source to keep.
    Remember(crate::history::Change),
    /// Answered by [`Msg::ProfileSwitched`]. Every load of the profile left is
    /// aborted once the new one is in place.
    SwitchProfile(String),
    /// Poll `session` every `every` with [`Msg::WatchTick`] (`None`: stop polling).
    Watch {
        session: Option<SessionId>,
        every: Duration,
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
    /// Check an export folder as `veriff-tui verify DIR` does (sizes, sha256 and,
    /// with the profile's secret, Veriff's signatures); answered by [`Msg::Verified`].
    Verify {
        dir: std::path::PathBuf,
    },
    /// Answered by [`Msg::Written`]; refused under `read_only`, recorded in the
    /// audit log, never retried.
    Write {
        id: ReqId,
        write: Write,
    },
    /// A write the browser refused itself, nothing sent (`reason`: `read_only`,
    /// `not_deletable`): a line in the audit log, no reply.
    Refused {
        action: &'static str,
        session: Option<crate::ids::SessionId>,
        reason: &'static str,
    },
    /// Open `url` in a browser, where there is a display to open one on;
    /// answered by [`Msg::LinkOpened`].
    OpenLink(String),
    /// A change of a session's marks in the inbox (local, never sent to Veriff);
    /// answered by [`Msg::Marked`].
    Mark {
        id: ReqId,
        session: SessionId,
        change: crate::inbox::MarkChange,
    },
}

/// What a write did, as Veriff answered it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Done {
    /// For the status line.
    pub said: String,
    /// A new session's id and its link for the end user.
    pub created: Option<(SessionId, Option<String>)>,
    /// When Veriff answered (`14:02 UTC`), stamped by the effects.
    pub at: Option<String>,
    /// A deleted session: what the inbox found it by, so that the searches
    /// kept that found it are forgotten too.
    pub found_by: crate::history::FoundBy,
}

impl Done {
    pub fn said(text: impl Into<String>) -> Done {
        Done {
            said: text.into(),
            created: None,
            at: None,
            found_by: crate::history::FoundBy::default(),
        }
    }
}

/// What a profile switch leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Switched {
    pub host: String,
    /// Writes to Veriff are refused.
    pub read_only: bool,
    /// Where the Customer Portal shows its sessions.
    pub portal_url: String,
    /// The inbox searches it keeps, newest last.
    pub searches: Vec<String>,
}

impl Cmd {
    /// How many reply messages the effects owe for this command (its progress
    /// reports aside): the model waits on exactly these.
    pub fn replies(&self) -> usize {
        match self {
            Cmd::Load { .. }
            | Cmd::Transfer { .. }
            | Cmd::SwitchProfile(_)
            | Cmd::Export { .. }
            | Cmd::Write { .. }
            | Cmd::Mark { .. }
            | Cmd::OpenLink(_)
            | Cmd::Verify { .. } => 1,
            Cmd::Cancel(_)
            | Cmd::CancelTransfer { .. }
            | Cmd::CancelExport { .. }
            | Cmd::Copy(_)
            | Cmd::Remember(_)
            | Cmd::Refused { .. }
            | Cmd::Watch { .. } => 0,
        }
    }
}
