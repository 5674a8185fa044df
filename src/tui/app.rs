//! The browser's state and the one function that changes it. `update` does no I/O
//! and never awaits: keys, resizes and network replies come in as [`Msg`], effects
//! go out as [`Cmd`] for the runtime to carry out. Everything here is tested
//! without a terminal.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};

use super::keys::{Action, action_for, label_of};
use super::layout;
use super::preview::PreviewImage;
use crate::api::{Attempt, Decision, Media, MediaKind, MediaList, Progress};
use crate::ids::{find_id, short};

/// Encoded previews kept before the cache starts over.
const MAX_PREVIEWS: usize = 48;

/// A preview of one media at one size in cells.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PreviewKey {
    pub media: String,
    pub width: u16,
    pub height: u16,
}

/// Tags a request so that a reply can be matched to the request still wanted.
pub type ReqId = u64;

/// What is known about something fetched from the API.
#[derive(Debug, Clone, PartialEq)]
pub enum Load<T> {
    /// Requested; only the reply to this request will be taken.
    Loading(ReqId),
    Ready(T),
    Failed(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Pane {
    Sessions = 0,
    Attempts = 1,
    Media = 2,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Overlay {
    #[default]
    None,
    Help,
    /// Adding a session: the text typed or pasted so far, and why the last try
    /// was refused.
    Prompt {
        input: String,
        error: Option<String>,
    },
    /// Typing the media filter (the filter itself lives in [`Model::filter`]).
    Filter,
    /// Choosing a config profile: the highlighted one.
    Profiles {
        cursor: usize,
    },
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
    fn info(text: impl Into<String>) -> Status {
        Status {
            text: text.into(),
            tone: Tone::Info,
        }
    }
    fn success(text: impl Into<String>) -> Status {
        Status {
            text: text.into(),
            tone: Tone::Success,
        }
    }
    fn error(text: impl Into<String>) -> Status {
        Status {
            text: text.into(),
            tone: Tone::Error,
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
    pub media_id: String,
    pub name_parts: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    pub id: ReqId,
    pub kind: TransferKind,
    pub label: String,
    /// e.g. `1.2 MiB / 3.4 MiB (35%) at 2.0 MiB/s`, once bytes flow.
    pub progress: Option<String>,
}

/// An export of sessions running in the background (`E`).
#[derive(Debug, Clone, PartialEq)]
pub struct ExportJob {
    pub id: ReqId,
    pub sessions: usize,
    pub progress: Option<crate::export::Snapshot>,
    /// Esc was pressed: the export is saving its manifest and stopping.
    pub cancelling: bool,
}

/// How an export ended.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportSummary {
    pub dir: PathBuf,
    pub done: usize,
    pub failed: usize,
    pub interrupted: bool,
    pub first_error: Option<String>,
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
        session: String,
        req: ReqId,
        result: Result<Vec<Attempt>, String>,
    },
    DecisionLoaded {
        session: String,
        req: ReqId,
        result: Result<Option<Decision>, String>,
    },
    SessionMediaLoaded {
        session: String,
        req: ReqId,
        result: Result<MediaList, String>,
    },
    MediaLoaded {
        attempt: String,
        req: ReqId,
        result: Result<MediaList, String>,
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
        result: Result<TransferOutcome, String>,
    },
    PreviewReady {
        key: PreviewKey,
        req: ReqId,
        result: Result<PreviewImage, String>,
    },
    ExportProgress {
        id: ReqId,
        snapshot: crate::export::Snapshot,
    },
    ExportDone {
        id: ReqId,
        result: Result<ExportSummary, String>,
    },
    /// The effects now speak to `profile`'s API (`Ok` holds its host).
    ProfileSwitched {
        profile: String,
        result: Result<String, String>,
    },
    /// SIGTERM, SIGHUP: leave now, restoring the terminal.
    Terminate,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cmd {
    LoadAttempts {
        session: String,
        req: ReqId,
    },
    LoadDecision {
        session: String,
        req: ReqId,
        background: bool,
    },
    LoadSessionMedia {
        session: String,
        req: ReqId,
    },
    /// `background` loads wait their turn behind a small concurrency limit;
    /// the selected attempt's never does.
    LoadMedia {
        attempt: String,
        req: ReqId,
        background: bool,
    },
    Transfer {
        id: ReqId,
        kind: TransferKind,
        folder: Option<String>,
        items: Vec<TransferItem>,
    },
    CancelTransfer {
        id: ReqId,
    },
    /// Export these sessions into the download dir.
    Export {
        id: ReqId,
        sessions: Vec<String>,
    },
    /// Stop it, keeping what completed (and its manifest).
    CancelExport {
        id: ReqId,
    },
    Copy(String),
    SaveHistory(Vec<String>),
    SwitchProfile(String),
    /// Fetch and encode a preview; a newer one replaces one not yet started.
    Preview {
        key: PreviewKey,
        req: ReqId,
        video: bool,
    },
}

/// What the media pane shows for the current selection.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MediaView<'a> {
    /// Nothing to show (no session, or no attempts).
    Empty(&'static str),
    Loading,
    Failed(&'a str),
    /// `provisional`: the session's media standing in for its newest attempt's
    /// until that attempt's own list arrives.
    Ready {
        list: &'a MediaList,
        provisional: bool,
    },
}

#[derive(Debug, Clone)]
pub struct Model {
    /// Most recently added first; the history file keeps this order.
    pub sessions: Vec<String>,
    pub focus: Pane,
    pub cursors: [usize; 3],
    /// First visible row of each pane, kept so the cursor stays in view.
    pub offsets: [usize; 3],
    pub list_rows: usize,
    /// The terminal's size, for finding what a click hit.
    pub size: (u16, u16),
    /// Cells the preview may fill; (0, 0) when previews are off.
    pub preview_size: (u16, u16),
    pub previews_on: bool,
    /// Encoded previews, by media and size.
    pub previews: HashMap<PreviewKey, Load<PreviewImage>>,
    pub attempts: HashMap<String, Load<Vec<Attempt>>>,
    pub decisions: HashMap<String, Load<Option<Decision>>>,
    pub session_media: HashMap<String, Load<MediaList>>,
    pub media: HashMap<String, Load<MediaList>>,
    pub overlay: Overlay,
    /// Media shown are those whose context contains this text.
    pub filter: String,
    pub status: Option<Status>,
    pub transfer: Option<Transfer>,
    /// Sessions marked for export.
    pub marked: HashSet<String>,
    pub export: Option<ExportJob>,
    pub spinner: usize,
    pub quit: bool,
    /// Shown in the title bar.
    pub host: String,
    pub profile: Option<String>,
    /// The config file's profiles, for `p`.
    pub profiles: Vec<String>,
    /// The profile being switched to, until the effects confirm.
    pub switching: Option<String>,
    next_req: ReqId,
}

impl Model {
    pub fn new(host: String, profile: Option<String>) -> Model {
        Model {
            sessions: Vec::new(),
            focus: Pane::Sessions,
            cursors: [0; 3],
            offsets: [0; 3],
            list_rows: 10,
            size: (80, 24),
            preview_size: (0, 0),
            previews_on: false,
            previews: HashMap::new(),
            attempts: HashMap::new(),
            decisions: HashMap::new(),
            session_media: HashMap::new(),
            media: HashMap::new(),
            overlay: Overlay::None,
            filter: String::new(),
            status: None,
            transfer: None,
            marked: HashSet::new(),
            export: None,
            spinner: 0,
            quit: false,
            host,
            profile,
            profiles: Vec::new(),
            switching: None,
            next_req: 1,
        }
    }

    /// The opening state: sessions from the command line first (the first one
    /// open, focus on its newest attempt), then those remembered; with none given,
    /// focus on the sessions pane with the prompt offered.
    pub fn start(mut self, given: Vec<String>, remembered: Vec<String>) -> (Model, Vec<Cmd>) {
        let opened = !given.is_empty();
        for id in given.into_iter().chain(remembered) {
            if !self.sessions.contains(&id) {
                self.sessions.push(id);
            }
        }
        let mut cmds = self.open_all();
        if opened {
            self.focus = Pane::Attempts;
            cmds.push(self.history_cmd());
        } else {
            self.overlay = Overlay::Prompt {
                input: String::new(),
                error: None,
            };
        }
        (self, cmds)
    }

    /// Asks for the selected session, then for the decision of every other one
    /// (each row shows it) behind it.
    fn open_all(&mut self) -> Vec<Cmd> {
        let mut cmds = self.select_session(self.cursors[Pane::Sessions as usize]);
        for session in self.sessions.clone() {
            if !self.decisions.contains_key(&session) {
                let req = self.req();
                self.decisions.insert(session.clone(), Load::Loading(req));
                cmds.push(Cmd::LoadDecision {
                    session,
                    req,
                    background: true,
                });
            }
        }
        cmds
    }

    fn req(&mut self) -> ReqId {
        self.next_req += 1;
        self.next_req
    }

    pub fn selected_session(&self) -> Option<&str> {
        self.sessions
            .get(self.cursors[Pane::Sessions as usize])
            .map(String::as_str)
    }

    pub fn session_attempts(&self) -> Option<&Load<Vec<Attempt>>> {
        self.attempts.get(self.selected_session()?)
    }

    pub fn attempt_list(&self) -> &[Attempt] {
        match self.session_attempts() {
            Some(Load::Ready(list)) => list,
            _ => &[],
        }
    }

    pub fn selected_attempt(&self) -> Option<&Attempt> {
        self.attempt_list().get(self.cursors[Pane::Attempts as usize])
    }

    pub fn media_view(&self) -> MediaView<'_> {
        let Some(session) = self.selected_session() else {
            return MediaView::Empty("no session");
        };
        let stand_in = match self.session_media.get(session) {
            Some(Load::Ready(list)) if self.cursors[Pane::Attempts as usize] == 0 => Some(MediaView::Ready {
                list,
                provisional: true,
            }),
            _ => None,
        };
        match self.attempts.get(session) {
            Some(Load::Ready(list)) if list.is_empty() => MediaView::Empty("no attempts"),
            Some(Load::Ready(_)) => {
                let attempt = self.selected_attempt().map(|a| a.id.as_str()).unwrap_or_default();
                match self.media.get(attempt) {
                    Some(Load::Ready(list)) => MediaView::Ready {
                        list,
                        provisional: false,
                    },
                    Some(Load::Failed(e)) => MediaView::Failed(e),
                    _ => stand_in.unwrap_or(MediaView::Loading),
                }
            }
            Some(Load::Failed(_)) => MediaView::Empty("no attempts loaded"),
            _ => stand_in.unwrap_or(MediaView::Loading),
        }
    }

    /// The media rows shown: images then videos in the API's order, filtered.
    pub fn visible_media(&self) -> Vec<(MediaKind, &Media)> {
        match self.media_view() {
            MediaView::Ready { list, .. } => {
                let needle = self.filter.to_lowercase();
                list.items()
                    .filter(|(_, m)| {
                        needle.is_empty()
                            || m.context
                                .as_deref()
                                .unwrap_or_default()
                                .to_lowercase()
                                .contains(&needle)
                    })
                    .collect()
            }
            _ => Vec::new(),
        }
    }

    pub fn selected_media(&self) -> Option<(MediaKind, &Media)> {
        self.visible_media().get(self.cursors[Pane::Media as usize]).copied()
    }

    fn pane_len(&self, pane: Pane) -> usize {
        match pane {
            Pane::Sessions => self.sessions.len(),
            Pane::Attempts => self.attempt_list().len(),
            Pane::Media => self.visible_media().len(),
        }
    }

    /// Whether anything on screen animates (so the runtime sends ticks).
    pub fn animating(&self) -> bool {
        let loading = |l: Option<&Load<_>>| matches!(l, Some(Load::Loading(_)));
        let session = self.selected_session();
        self.transfer.is_some()
            || self.export.is_some()
            || matches!(self.media_view(), MediaView::Loading)
            || self
                .preview_key()
                .is_some_and(|k| matches!(self.previews.get(&k), Some(Load::Loading(_))))
            || session.is_some_and(|s| {
                matches!(self.attempts.get(s), Some(Load::Loading(_))) || loading(self.decisions.get(s))
            })
    }

    /// The preview the screen shows now: the selected media at the current size,
    /// while the media pane has focus.
    pub fn preview_key(&self) -> Option<PreviewKey> {
        let (width, height) = self.preview_size;
        if !self.previews_on || self.focus != Pane::Media || width < 4 || height < 2 {
            return None;
        }
        let (_, media) = self.selected_media()?;
        Some(PreviewKey {
            media: media.id.clone(),
            width,
            height,
        })
    }

    /// Asks for the preview on screen unless it is known or on its way.
    fn want_preview(&mut self) -> Vec<Cmd> {
        let Some(key) = self.preview_key() else {
            return Vec::new();
        };
        if self.previews.contains_key(&key) {
            return Vec::new();
        }
        let video = self.selected_media().is_some_and(|(kind, _)| kind == MediaKind::Video);
        let size = self.selected_media().and_then(|(_, m)| m.size);
        if size.is_some_and(|s| s > super::preview::MAX_PREVIEW_BYTES) {
            self.previews.insert(key, Load::Failed(super::preview::too_large()));
            return Vec::new();
        }
        // A preview still on its way is for a selection left behind: the effects
        // drop it, so it is forgotten here too.
        self.previews.retain(|_, load| !matches!(load, Load::Loading(_)));
        if self.previews.len() >= MAX_PREVIEWS {
            self.previews.clear();
        }
        let req = self.req();
        self.previews.insert(key.clone(), Load::Loading(req));
        vec![Cmd::Preview { key, req, video }]
    }

    fn history_cmd(&self) -> Cmd {
        Cmd::SaveHistory(self.sessions.clone())
    }

    /// Makes session `index` the selected one and asks for what it lacks.
    fn select_session(&mut self, index: usize) -> Vec<Cmd> {
        self.cursors = [index, 0, 0];
        self.offsets[1] = 0;
        self.offsets[2] = 0;
        let Some(session) = self.selected_session().map(str::to_owned) else {
            return Vec::new();
        };
        let mut cmds = self.load_session(&session, false);
        // Its attempts may have arrived while another session was selected, when
        // their media were not asked for; what is known or on its way is skipped.
        cmds.extend(self.prefetch_media(&session));
        cmds
    }

    fn load_session(&mut self, session: &str, again: bool) -> Vec<Cmd> {
        let mut cmds = Vec::new();
        if again || !matches!(self.attempts.get(session), Some(Load::Ready(_) | Load::Loading(_))) {
            let req = self.req();
            self.attempts.insert(session.to_owned(), Load::Loading(req));
            cmds.push(Cmd::LoadAttempts {
                session: session.to_owned(),
                req,
            });
            // The newest attempt's media in the same round trip as the attempt
            // list: the first useful screen needs no second one.
            let req = self.req();
            self.session_media.insert(session.to_owned(), Load::Loading(req));
            cmds.push(Cmd::LoadSessionMedia {
                session: session.to_owned(),
                req,
            });
        }
        if again || !matches!(self.decisions.get(session), Some(Load::Ready(_) | Load::Loading(_))) {
            let req = self.req();
            self.decisions.insert(session.to_owned(), Load::Loading(req));
            cmds.push(Cmd::LoadDecision {
                session: session.to_owned(),
                req,
                background: false,
            });
        }
        cmds
    }

    /// Loads for every attempt of `session` whose media are not known yet; the
    /// selected one first and in the foreground.
    fn prefetch_media(&mut self, session: &str) -> Vec<Cmd> {
        let Some(Load::Ready(list)) = self.attempts.get(session) else {
            return Vec::new();
        };
        let selected = self.selected_attempt().map(|a| a.id.clone());
        let mut wanted: Vec<String> = list.iter().map(|a| a.id.clone()).collect();
        if let Some(first) = &selected {
            wanted.retain(|id| id != first);
            wanted.insert(0, first.clone());
        }
        let mut cmds = Vec::new();
        for attempt in wanted {
            if matches!(self.media.get(&attempt), Some(Load::Ready(_) | Load::Loading(_))) {
                continue;
            }
            let req = self.req();
            self.media.insert(attempt.clone(), Load::Loading(req));
            let background = Some(&attempt) != selected.as_ref();
            cmds.push(Cmd::LoadMedia {
                attempt,
                req,
                background,
            });
        }
        cmds
    }

    /// After the attempt cursor moved: the media cursor starts over, and the
    /// attempt's media are asked for unless known or on their way.
    fn attempt_selected(&mut self) -> Vec<Cmd> {
        self.cursors[Pane::Media as usize] = 0;
        self.offsets[Pane::Media as usize] = 0;
        let Some(attempt) = self.selected_attempt().map(|a| a.id.clone()) else {
            return Vec::new();
        };
        match self.media.get(&attempt) {
            Some(Load::Ready(_) | Load::Loading(_)) => Vec::new(),
            _ => {
                let req = self.req();
                self.media.insert(attempt.clone(), Load::Loading(req));
                vec![Cmd::LoadMedia {
                    attempt,
                    req,
                    background: false,
                }]
            }
        }
    }

    /// Keeps every cursor inside its list and in view.
    fn settle(&mut self) {
        for pane in [Pane::Sessions, Pane::Attempts, Pane::Media] {
            let i = pane as usize;
            let len = self.pane_len(pane);
            self.cursors[i] = self.cursors[i].min(len.saturating_sub(1));
            let rows = self.list_rows.max(1);
            if self.cursors[i] < self.offsets[i] {
                self.offsets[i] = self.cursors[i];
            } else if self.cursors[i] >= self.offsets[i] + rows {
                self.offsets[i] = self.cursors[i] + 1 - rows;
            }
            self.offsets[i] = self.offsets[i].min(len.saturating_sub(rows));
        }
    }
}

/// Applies `msg` to `model` and returns the effects it calls for.
pub fn update(model: &mut Model, msg: Msg) -> Vec<Cmd> {
    let cmds = match msg {
        Msg::Key(key) => on_key(model, key),
        Msg::Paste(text) => on_paste(model, &text),
        Msg::Mouse(mouse) => on_mouse(model, mouse),
        Msg::Resize { width, height } => {
            model.size = (width, height);
            model.list_rows = layout::list_rows(width, height);
            model.preview_size = layout::preview_size(width, height);
            Vec::new()
        }
        Msg::PreviewReady { key, req, result } => {
            accept(model.previews.get_mut(&key), req, result);
            Vec::new()
        }
        Msg::Tick => {
            model.spinner = model.spinner.wrapping_add(1);
            Vec::new()
        }
        Msg::AttemptsLoaded { session, req, result } => {
            if !accept(model.attempts.get_mut(&session), req, result.clone()) {
                return Vec::new();
            }
            match result {
                Ok(_) if model.selected_session() == Some(session.as_str()) => model.prefetch_media(&session),
                Ok(_) => Vec::new(),
                Err(e) => {
                    model.status = Some(Status::error(format!(
                        "attempts of {} failed: {e} — r retries",
                        short(&session)
                    )));
                    Vec::new()
                }
            }
        }
        Msg::DecisionLoaded { session, req, result } => {
            accept(model.decisions.get_mut(&session), req, result);
            Vec::new()
        }
        Msg::SessionMediaLoaded { session, req, result } => {
            // Only a stand-in for the newest attempt's own list: a failure here is
            // not worth a message, that list will say it.
            accept(model.session_media.get_mut(&session), req, result);
            Vec::new()
        }
        Msg::MediaLoaded { attempt, req, result } => {
            let failed = result.as_ref().err().cloned();
            if accept(model.media.get_mut(&attempt), req, result)
                && let Some(e) = failed
                && model.selected_attempt().is_some_and(|a| a.id == attempt)
            {
                model.status = Some(Status::error(format!(
                    "media of attempt {} failed: {e} — r retries",
                    short(&attempt)
                )));
            }
            Vec::new()
        }
        Msg::TransferProgress {
            id,
            progress,
            elapsed,
            file,
            files,
        } => {
            if let Some(transfer) = model.transfer.as_mut().filter(|t| t.id == id) {
                let text = progress.describe(elapsed);
                transfer.progress = Some(if files > 1 {
                    format!("file {file}/{files}: {text}")
                } else {
                    text
                });
            }
            Vec::new()
        }
        Msg::TransferDone { id, result } => {
            if model.transfer.as_ref().is_some_and(|t| t.id == id) {
                model.transfer = None;
                model.status = Some(match result {
                    Ok(outcome) => describe_outcome(&outcome),
                    Err(e) => Status::error(e),
                });
            }
            Vec::new()
        }
        Msg::ProfileSwitched { profile, result } => {
            model.switching = None;
            match result {
                Ok(host) => {
                    // Everything cached came from the other integration.
                    model.attempts.clear();
                    model.decisions.clear();
                    model.session_media.clear();
                    model.media.clear();
                    model.status = Some(Status::success(format!("switched to profile {profile} ({host})")));
                    model.profile = Some(profile);
                    model.host = host;
                    model.open_all()
                }
                Err(e) => {
                    model.status = Some(Status::error(format!("profile {profile}: {e}")));
                    Vec::new()
                }
            }
        }
        Msg::ExportProgress { id, snapshot } => {
            export::progress(model, id, snapshot);
            Vec::new()
        }
        Msg::ExportDone { id, result } => {
            export::done(model, id, result);
            Vec::new()
        }
        Msg::Terminate => {
            model.quit = true;
            Vec::new()
        }
    };
    model.settle();
    let mut cmds = cmds;
    cmds.extend(model.want_preview());
    cmds
}

/// Stores a reply if it answers the request still wanted; a reply to a request
/// that was superseded (reloaded) or forgotten (session removed) is dropped.
fn accept<T>(slot: Option<&mut Load<T>>, req: ReqId, result: Result<T, String>) -> bool {
    match slot {
        Some(slot) if matches!(*slot, Load::Loading(wanted) if wanted == req) => {
            *slot = match result {
                Ok(value) => Load::Ready(value),
                Err(e) => Load::Failed(e),
            };
            true
        }
        _ => false,
    }
}

fn describe_outcome(outcome: &TransferOutcome) -> Status {
    match outcome {
        TransferOutcome::Opened(path) => Status::success(format!("opened {}", path.display())),
        TransferOutcome::SavedInstead { path, why } => Status::success(format!("{why}: saved to {}", path.display())),
        TransferOutcome::Saved(path) => Status::success(format!("saved {}", path.display())),
        TransferOutcome::AlreadySaved(path) => Status::info(format!("already saved: {}", path.display())),
        TransferOutcome::SavedAll { dir, saved, skipped } => {
            let skipped = if *skipped > 0 {
                format!(" ({skipped} already there)")
            } else {
                String::new()
            };
            Status::success(format!("saved {saved} files{skipped} in {}", dir.display()))
        }
    }
}

/// A click focuses the pane under it and selects the row; the wheel moves the
/// selection of the pane under the pointer.
fn on_mouse(model: &mut Model, mouse: MouseEvent) -> Vec<Cmd> {
    if model.overlay != Overlay::None {
        return Vec::new();
    }
    let (width, height) = model.size;
    let panes = layout::areas(ratatui::layout::Rect::new(0, 0, width, height)).panes;
    let at = ratatui::layout::Position::new(mouse.column, mouse.row);
    let Some(index) = panes.iter().position(|area| area.contains(at)) else {
        return Vec::new();
    };
    let pane = [Pane::Sessions, Pane::Attempts, Pane::Media][index];
    match mouse.kind {
        MouseEventKind::ScrollDown => {
            model.focus = pane;
            move_cursor(model, 1)
        }
        MouseEventKind::ScrollUp => {
            model.focus = pane;
            move_cursor(model, -1)
        }
        MouseEventKind::Down(MouseButton::Left) => {
            model.focus = pane;
            // Rows start below the pane's top border.
            // Rows lie between the top and bottom borders.
            let row = (mouse.row - panes[index].y) as usize;
            if row == 0 || row + 1 >= panes[index].height as usize {
                return Vec::new();
            }
            let target = model.offsets[index] + row - 1;
            if target >= model.pane_len(pane) {
                return Vec::new();
            }
            move_cursor(model, target as isize - model.cursors[index] as isize)
        }
        _ => Vec::new(),
    }
}

fn on_paste(model: &mut Model, text: &str) -> Vec<Cmd> {
    let text = text.replace(['\r', '\n'], " ");
    match &mut model.overlay {
        Overlay::Prompt { input, error } => {
            input.push_str(&text);
            *error = None;
        }
        Overlay::Filter => model.filter.push_str(&text),
        // A link pasted anywhere else is most likely a session to open.
        Overlay::None | Overlay::Help | Overlay::Profiles { .. } => {
            model.overlay = Overlay::Prompt {
                input: text,
                error: None,
            }
        }
    }
    Vec::new()
}

fn on_key(model: &mut Model, key: KeyEvent) -> Vec<Cmd> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && key.code == KeyCode::Char('c') {
        model.quit = true;
        return Vec::new();
    }
    match &mut model.overlay {
        Overlay::Prompt { input, error } => {
            match key.code {
                KeyCode::Esc => model.overlay = Overlay::None,
                KeyCode::Enter => return submit_prompt(model),
                KeyCode::Backspace => {
                    input.pop();
                    *error = None;
                }
                KeyCode::Char('u') if ctrl => input.clear(),
                KeyCode::Char(c) if !ctrl => {
                    input.push(c);
                    *error = None;
                }
                _ => {}
            }
            return Vec::new();
        }
        Overlay::Filter => {
            match key.code {
                KeyCode::Esc => {
                    model.filter.clear();
                    model.overlay = Overlay::None;
                }
                KeyCode::Enter => model.overlay = Overlay::None,
                KeyCode::Backspace => {
                    model.filter.pop();
                }
                KeyCode::Char('u') if ctrl => model.filter.clear(),
                KeyCode::Char(c) if !ctrl => model.filter.push(c),
                _ => {}
            }
            model.cursors[Pane::Media as usize] = 0;
            return Vec::new();
        }
        Overlay::Profiles { cursor } => {
            match action_for(key) {
                Some(Action::Down) => *cursor = (*cursor + 1).min(model.profiles.len().saturating_sub(1)),
                Some(Action::Up) => *cursor = cursor.saturating_sub(1),
                Some(Action::Enter) => {
                    let chosen = model.profiles.get(*cursor).cloned();
                    model.overlay = Overlay::None;
                    if let Some(name) = chosen {
                        model.status = Some(Status::info(format!("switching to profile {name}…")));
                        model.switching = Some(name.clone());
                        return vec![Cmd::SwitchProfile(name)];
                    }
                }
                Some(Action::Cancel | Action::Profiles | Action::Quit) => model.overlay = Overlay::None,
                _ => {}
            }
            return Vec::new();
        }
        Overlay::Help => {
            if matches!(action_for(key), Some(Action::Cancel | Action::Help | Action::Quit)) {
                model.overlay = Overlay::None;
            }
            return Vec::new();
        }
        Overlay::None => {}
    }
    match action_for(key) {
        Some(action) => act(model, action),
        None => Vec::new(),
    }
}

fn submit_prompt(model: &mut Model) -> Vec<Cmd> {
    let Overlay::Prompt { input, error } = &mut model.overlay else {
        return Vec::new();
    };
    match find_id(input) {
        Ok(id) => {
            model.overlay = Overlay::None;
            model.sessions.retain(|s| *s != id);
            model.sessions.insert(0, id.clone());
            model.focus = Pane::Attempts;
            model.status = Some(Status::info(format!("opened session {}", short(&id))));
            let mut cmds = model.select_session(0);
            cmds.push(model.history_cmd());
            cmds
        }
        Err(e) => {
            *error = Some(e.to_string());
            Vec::new()
        }
    }
}

fn act(model: &mut Model, action: Action) -> Vec<Cmd> {
    let page = model.list_rows.max(1) as isize;
    match action {
        Action::Down => move_cursor(model, 1),
        Action::Up => move_cursor(model, -1),
        Action::PageDown => move_cursor(model, page),
        Action::PageUp => move_cursor(model, -page),
        Action::First => move_cursor(model, isize::MIN / 2),
        Action::Last => move_cursor(model, isize::MAX / 2),
        Action::NextPane => {
            model.focus = match model.focus {
                Pane::Sessions => Pane::Attempts,
                _ => Pane::Media,
            };
            Vec::new()
        }
        Action::PrevPane => {
            model.focus = match model.focus {
                Pane::Media => Pane::Attempts,
                _ => Pane::Sessions,
            };
            Vec::new()
        }
        Action::Enter => match model.focus {
            Pane::Sessions => {
                model.focus = Pane::Attempts;
                Vec::new()
            }
            Pane::Attempts => {
                model.focus = Pane::Media;
                Vec::new()
            }
            Pane::Media => start_transfer(model, TransferKind::Open),
        },
        Action::Open => start_transfer(model, TransferKind::Open),
        Action::Save => start_transfer(model, TransferKind::Save),
        Action::SaveAll => start_transfer(model, TransferKind::SaveAll),
        Action::AddSession => {
            model.overlay = Overlay::Prompt {
                input: String::new(),
                error: None,
            };
            Vec::new()
        }
        Action::RemoveSession => remove_session(model),
        Action::Reload => reload(model),
        Action::Filter => {
            model.overlay = Overlay::Filter;
            Vec::new()
        }
        Action::Copy => copy_selected(model),
        Action::Mark => export::toggle_mark(model),
        Action::Export => export::start(model),
        Action::Profiles => {
            if let Some(name) = &model.switching {
                // One at a time: switches finishing out of order would leave the
                // title naming one integration while requests go to another.
                model.status = Some(Status::info(format!("still switching to profile {name}…")));
            } else if model.profiles.is_empty() {
                model.status = Some(Status::info(
                    "no profiles: add [profiles.NAME] tables to the config file",
                ));
            } else {
                let current = model
                    .profile
                    .as_ref()
                    .and_then(|p| model.profiles.iter().position(|n| n == p));
                model.overlay = Overlay::Profiles {
                    cursor: current.unwrap_or(0),
                };
            }
            Vec::new()
        }
        Action::Help => {
            model.overlay = Overlay::Help;
            Vec::new()
        }
        Action::Quit => {
            model.quit = true;
            Vec::new()
        }
        Action::Cancel => {
            if let Some(transfer) = model.transfer.take() {
                model.status = Some(Status::info(format!(
                    "cancelled {}; nothing partial left behind",
                    transfer.label
                )));
                vec![Cmd::CancelTransfer { id: transfer.id }]
            } else if let Some(cmds) = export::cancel(model) {
                cmds
            } else {
                if !model.filter.is_empty() {
                    model.filter.clear();
                }
                Vec::new()
            }
        }
    }
}

fn move_cursor(model: &mut Model, delta: isize) -> Vec<Cmd> {
    let pane = model.focus;
    let len = model.pane_len(pane);
    if len == 0 {
        return Vec::new();
    }
    let i = pane as usize;
    let before = model.cursors[i];
    let after = (before as isize).saturating_add(delta).clamp(0, len as isize - 1) as usize;
    if after == before {
        return Vec::new();
    }
    model.cursors[i] = after;
    match pane {
        Pane::Sessions => model.select_session(after),
        Pane::Attempts => model.attempt_selected(),
        Pane::Media => Vec::new(),
    }
}

fn reload(model: &mut Model) -> Vec<Cmd> {
    let Some(session) = model.selected_session().map(str::to_owned) else {
        return Vec::new();
    };
    model.status = Some(Status::info(format!("reloading session {}", short(&session))));
    // Everything of this session is fetched again; media of its attempts too,
    // once the fresh attempt list arrives.
    if let Some(Load::Ready(list)) = model.attempts.get(&session) {
        for attempt in list.clone() {
            model.media.remove(&attempt.id);
        }
    }
    model.load_session(&session, true)
}

fn remove_session(model: &mut Model) -> Vec<Cmd> {
    if model.focus != Pane::Sessions {
        model.status = Some(Status::info(format!(
            "x removes a session: go to the sessions pane first ({})",
            label_of(Action::PrevPane)
        )));
        return Vec::new();
    }
    let index = model.cursors[Pane::Sessions as usize];
    if index >= model.sessions.len() {
        return Vec::new();
    }
    let removed = model.sessions.remove(index);
    model.marked.remove(&removed);
    model.attempts.remove(&removed);
    model.decisions.remove(&removed);
    model.session_media.remove(&removed);
    model.status = Some(Status::info(format!("removed session {}", short(&removed))));
    let mut cmds = model.select_session(index.min(model.sessions.len().saturating_sub(1)));
    cmds.push(model.history_cmd());
    cmds
}

fn copy_selected(model: &mut Model) -> Vec<Cmd> {
    let id = match model.focus {
        Pane::Sessions => model.selected_session().map(str::to_owned),
        Pane::Attempts => model.selected_attempt().map(|a| a.id.clone()),
        Pane::Media => model.selected_media().map(|(_, m)| m.id.clone()),
    };
    match id {
        Some(id) => {
            model.status = Some(Status::success(format!("copied {id}")));
            vec![Cmd::Copy(id)]
        }
        None => Vec::new(),
    }
}

fn start_transfer(model: &mut Model, kind: TransferKind) -> Vec<Cmd> {
    if let Some(transfer) = &model.transfer {
        model.status = Some(Status::info(format!(
            "{} is still running; Esc cancels it",
            transfer.label
        )));
        return Vec::new();
    }
    let session = model.selected_session().unwrap_or_default().to_owned();
    let item = |m: &Media| TransferItem {
        media_id: m.id.clone(),
        name_parts: vec![
            short(&session).to_owned(),
            m.context.clone().unwrap_or_default(),
            m.id.clone(),
        ],
    };
    let (items, label, folder) = match kind {
        TransferKind::SaveAll => {
            let Some(attempt) = model.selected_attempt().map(|a| a.id.clone()) else {
                model.status = Some(Status::info("no attempt selected"));
                return Vec::new();
            };
            let items: Vec<TransferItem> = match model.media.get(&attempt) {
                Some(Load::Ready(list)) => list.items().map(|(_, m)| item(m)).collect(),
                _ => {
                    model.status = Some(Status::info("the attempt's media are still loading"));
                    return Vec::new();
                }
            };
            if items.is_empty() {
                model.status = Some(Status::info("this attempt has no media to save"));
                return Vec::new();
            }
            let label = format!("saving {} files of attempt {}", items.len(), short(&attempt));
            (items, label, Some(format!("{session}_{attempt}")))
        }
        TransferKind::Open | TransferKind::Save => {
            let Some((_, media)) = model.selected_media() else {
                model.status = Some(Status::info("no media selected"));
                return Vec::new();
            };
            let verb = if kind == TransferKind::Open {
                "opening"
            } else {
                "saving"
            };
            let label = format!(
                "{verb} {}",
                media.context.as_deref().map(crate::text::clean).unwrap_or_default()
            );
            (vec![item(media)], label, None)
        }
    };
    let id = model.req();
    model.transfer = Some(Transfer {
        id,
        kind,
        label,
        progress: None,
    });
    model.status = None;
    vec![Cmd::Transfer {
        id,
        kind,
        folder,
        items,
    }]
}

#[path = "app_export.rs"]
mod export;

#[cfg(test)]
#[path = "app_tests.rs"]
mod tests;
