//! The browser's state, the read-only questions the view and `update` ask of
//! it, and the two moves every feature makes: the cursor moved
//! ([`Model::move_cursor`]) and the selected session taken for an action
//! ([`Model::session_for`]). The screen's parts (panes, overlay, status) are
//! `screen.rs`'s, re-exported here.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::msg::{Cmd, Load, PreviewKey, ReqId};
use super::sessions::SessionList;
use super::store::Store;
use crate::api::{Attempt, Media, MediaKind};
use crate::ids::{MediaId, SessionId};
use crate::redact::Redact;
use crate::tui::keymap::{Action, Keymap, Mode};

use super::screen::{Logged, MediaView, Overlay, Pane, PaneState, Status, Transfer};

#[derive(Debug, Clone)]
pub struct Model {
    /// Most recently added first; the history file keeps this order.
    pub sessions: SessionList,
    /// The rows the sessions filter leaves, worked out once per change of the
    /// list, the filter or the decisions (not at every look: thousands of
    /// sessions from `--from` are asked about many times a key).
    session_rows: RowCache,
    pub focus: Pane,
    pub panes: HashMap<Pane, PaneState>,
    pub list_rows: usize,
    /// The terminal's size, for finding what a click hit.
    pub size: (u16, u16),
    /// The year times are shown without (`12-30 10:42`); others show theirs.
    pub this_year: i32,
    /// Every status and failure of the run, newest first (see `messages.rs`).
    pub messages: Vec<Logged>,
    /// Cells the preview may fill; (0, 0) when previews are off.
    pub preview_size: (u16, u16),
    pub previews_on: bool,
    /// Pictures shown despite redaction, until the selection changes.
    pub revealed: HashSet<MediaId>,
    /// Everything fetched: one entry per session, and the previews.
    pub store: Store,
    pub overlay: Overlay,
    pub status: Option<Status>,
    pub transfer: Option<Transfer>,
    pub spinner: usize,
    pub quit: bool,
    /// Shown in the title bar.
    pub host: String,
    pub profile: Option<String>,
    /// The config file's profiles, for `p`.
    pub profiles: Vec<String>,
    /// The profile being switched to, until the effects confirm.
    pub switching: Option<String>,
    /// What the settings give up in safety (unsigned replies, plain HTTP): marked in
    /// the title, said in full in the status line at start.
    pub security_warnings: Vec<String>,
    /// The keys, after the user's overrides: dispatch, hints and help read it.
    pub keymap: Arc<Keymap>,
    /// Personal values masked in everything drawn.
    pub redact: Redact,
    /// Writes to Veriff refused (`read_only`): their keys say so instead.
    pub read_only: bool,
    /// Lines of the details area scrolled past; back to 0 when what it shows
    /// changes.
    pub details_scroll: u16,
    /// The session polled until it has a final decision.
    pub watch: Option<Watch>,
    pub watch_every: std::time::Duration,
    pub export: Option<super::export::ExportJob>,
    /// The inbox's views and the marks' author, when the run has an inbox.
    pub inbox: Option<super::inbox::Inbox>,
    /// Where the Customer Portal shows a session: its id is appended (the
    /// profile's `portal_url`, else Veriff's).
    pub portal_url: String,
    /// The inbox searches kept with Enter, newest last, for ↑ ↓ in the search
    /// line (the profile's, kept beside its remembered sessions).
    pub searches: Vec<String>,
    /// The places left by jumps (a session opened, another view), for back
    /// and forward.
    pub jumps: super::jumps::Jumps,
    pub(super) next_req: ReqId,
}

/// The sessions pane's rows and what they were worked out for (the list's and
/// the store's generations, the filter): worked out again only when that changes.
#[derive(Debug, Clone, Default)]
struct RowCache(RefCell<Option<(RowsFor, Arc<Vec<usize>>)>>);

/// The list's generation, the store's generation, the filter.
type RowsFor = (u64, u64, String);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Watch {
    pub session: SessionId,
    /// When it was last polled (UTC, `HH:MM:SS`).
    pub updated: Option<String>,
}

impl Model {
    pub fn new(host: String, profile: Option<String>) -> Model {
        Model {
            sessions: SessionList::default(),
            session_rows: RowCache::default(),
            focus: Pane::Sessions,
            panes: Pane::ALL.into_iter().map(|p| (p, PaneState::default())).collect(),
            list_rows: 10,
            size: (80, 24),
            this_year: super::dates::this_year(),
            messages: Vec::new(),
            preview_size: (0, 0),
            previews_on: false,
            revealed: HashSet::new(),
            store: Store::default(),
            overlay: Overlay::None,
            status: None,
            transfer: None,
            spinner: 0,
            quit: false,
            host,
            profile,
            profiles: Vec::new(),
            switching: None,
            security_warnings: Vec::new(),
            keymap: Arc::new(Keymap::defaults()),
            redact: Redact::default(),
            read_only: false,
            details_scroll: 0,
            watch: None,
            watch_every: super::watch::DEFAULT_WATCH,
            export: None,
            inbox: None,
            portal_url: crate::config::PORTAL_URL.to_owned(),
            searches: Vec::new(),
            jumps: super::jumps::Jumps::default(),
            next_req: 1,
        }
    }

    pub fn pane(&self, pane: Pane) -> &PaneState {
        &self.panes[&pane]
    }

    pub fn pane_mut(&mut self, pane: Pane) -> &mut PaneState {
        self.panes.get_mut(&pane).expect("every pane has a state")
    }

    /// The first key of `action` where keys go now, for status texts (`r retries`).
    pub fn key_for(&self, action: Action) -> String {
        self.keymap.label(self.overlay.mode(), action)
    }

    /// The same, as browsing binds it (for texts shown while browsing resumes).
    pub fn browse_key(&self, action: Action) -> String {
        self.keymap.label(Mode::Browse, action)
    }

    /// Lines of the help: every mode's heading and rows, a blank line between modes.
    pub fn help_lines(&self) -> usize {
        let notes = match self.keymap.notes().len() {
            0 => 0,
            n => n + 2,
        };
        notes + Mode::ALL.iter().map(|m| self.rows(*m).count() + 1).sum::<usize>() + Mode::ALL.len() - 1
    }

    /// The keymap's rows of `mode` this profile may use: a read-only profile's
    /// help and hint bar do not offer writes.
    pub fn rows(&self, mode: Mode) -> impl Iterator<Item = &crate::tui::keymap::Row> {
        self.keymap
            .rows(mode)
            .iter()
            .filter(move |row| !(self.read_only && row.action.writes()))
    }

    /// Lines of help a screen of this height shows at once.
    pub fn help_room(&self) -> usize {
        self.size.1.saturating_sub(4).max(1) as usize
    }

    /// The rows of the sessions pane: indices into `sessions` of those matching
    /// the filter (by id or the decision word a row shows); `None`: all of them.
    fn session_rows(&self) -> Option<Arc<Vec<usize>>> {
        if self.inbox_view().is_some() {
            return None;
        }
        let filter = &self.pane(Pane::Sessions).filter;
        if filter.is_empty() {
            return None;
        }
        let key = (self.sessions.generation(), self.store.generation(), filter.clone());
        if let Some((cached, rows)) = &*self.session_rows.0.borrow()
            && *cached == key
        {
            return Some(rows.clone());
        }
        let needle = filter.to_lowercase();
        let rows: Vec<usize> = self
            .sessions
            .iter()
            .enumerate()
            .filter(|(_, id)| {
                // The word the row shows, as well as the status sent.
                let decision = match self.store.decision(id) {
                    Some(Load::Ready(Some(d))) => d.status.as_deref().unwrap_or("pending"),
                    Some(Load::Ready(None)) => "pending",
                    Some(Load::Failed(_)) => "error",
                    _ => "",
                };
                matches(&needle, &[id.as_str(), decision])
            })
            .map(|(i, _)| i)
            .collect();
        let rows = Arc::new(rows);
        *self.session_rows.0.borrow_mut() = Some((key, rows.clone()));
        Some(rows)
    }

    /// How many rows the sessions pane has.
    pub fn visible_session_count(&self) -> usize {
        if let Some(rows) = self.inbox_rows() {
            return rows.len();
        }
        self.session_rows().map_or(self.sessions.len(), |rows| rows.len())
    }

    /// The session on row `row` of the sessions pane.
    pub fn visible_session(&self, row: usize) -> Option<&SessionId> {
        if let Some(rows) = self.inbox_rows() {
            return rows.get(row).map(|r| &r.id);
        }
        match self.session_rows() {
            None => self.sessions.get(row),
            Some(rows) => self.sessions.get(*rows.get(row)?),
        }
    }

    /// Every session shown, in order.
    pub fn visible_sessions(&self) -> Vec<&SessionId> {
        if let Some(rows) = self.inbox_rows() {
            return rows.iter().map(|r| &r.id).collect();
        }
        match self.session_rows() {
            None => self.sessions.iter().collect(),
            Some(rows) => rows.iter().filter_map(|i| self.sessions.get(*i)).collect(),
        }
    }

    pub fn selected_session(&self) -> Option<&SessionId> {
        self.visible_session(self.pane(Pane::Sessions).cursor)
    }

    pub fn session_attempts(&self) -> Option<&Load<Vec<Attempt>>> {
        self.store.attempts(self.selected_session()?)
    }

    /// Every attempt of the selected session, newest first.
    pub fn attempt_list(&self) -> &[Attempt] {
        match self.session_attempts() {
            Some(Load::Ready(list)) => list,
            _ => &[],
        }
    }

    /// The attempts shown: all, or those matching the attempts pane's filter (by
    /// status, id or date, as sent or as the pane shows it).
    pub fn visible_attempts(&self) -> Vec<&Attempt> {
        let needle = self.pane(Pane::Attempts).filter.to_lowercase();
        if needle.is_empty() {
            return self.attempt_list().iter().collect();
        }
        self.attempt_list()
            .iter()
            .filter(|a| {
                let created = a.created_time.as_deref().unwrap_or_default();
                let shown = super::dates::short_time(created, self.this_year, 16);
                matches(
                    &needle,
                    &[&a.id, a.status.as_deref().unwrap_or_default(), created, &shown],
                )
            })
            .collect()
    }

    pub fn selected_attempt(&self) -> Option<&Attempt> {
        self.visible_attempts().get(self.pane(Pane::Attempts).cursor).copied()
    }

    /// Why no session is selected, as the panes beside the sessions say it: a
    /// filter is named only where one is set.
    pub fn why_no_session(&self) -> &'static str {
        if self.inbox_view().is_some() {
            "no session in this view"
        } else if self.sessions.is_empty() {
            "no session"
        } else {
            "no session matches the filter"
        }
    }

    pub fn media_view(&self) -> MediaView<'_> {
        let Some(session) = self.selected_session() else {
            return MediaView::Empty(self.why_no_session());
        };
        let newest = self.attempt_list().first().map(|a| &a.id);
        let on_newest = newest.is_none() || newest == self.selected_attempt().map(|a| &a.id);
        let stand_in = match self.store.session_media(session) {
            Some(Load::Ready(list)) if on_newest => Some(MediaView::Ready {
                list,
                provisional: true,
            }),
            _ => None,
        };
        match self.store.attempts(session) {
            Some(Load::Ready(list)) if list.is_empty() => MediaView::Empty("no attempts"),
            Some(Load::Ready(_)) => {
                let Some(attempt) = self.selected_attempt() else {
                    return MediaView::Empty("no attempt matches the filter");
                };
                match self.store.media(session, &attempt.id) {
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

    /// The media rows shown: images then videos in the API's order, then the
    /// newest attempt's NFC documents, filtered by context.
    pub fn visible_media(&self) -> Vec<(MediaKind, &Media)> {
        match self.media_view() {
            MediaView::Ready { list, provisional } => {
                let needle = self.pane(Pane::Media).filter.to_lowercase();
                // NFC documents come only with the session's media, which are the
                // newest attempt's: listed under it once its own list is in too.
                let newest = self.attempt_list().first().map(|a| &a.id);
                let on_newest = newest.is_some() && newest == self.selected_attempt().map(|a| &a.id);
                let chip: &[Media] = match self.selected_session().and_then(|s| self.store.session_media(s)) {
                    Some(Load::Ready(session)) if !provisional && on_newest => &session.nfc_documents,
                    _ => &[],
                };
                list.items()
                    .chain(chip.iter().map(|m| (MediaKind::Nfc, m)))
                    .filter(|(_, m)| matches(&needle, &[m.context.as_deref().unwrap_or_default()]))
                    .collect()
            }
            _ => Vec::new(),
        }
    }

    pub fn selected_media(&self) -> Option<(MediaKind, &Media)> {
        self.visible_media().get(self.pane(Pane::Media).cursor).copied()
    }

    pub fn pane_len(&self, pane: Pane) -> usize {
        match pane {
            Pane::Sessions => self.visible_session_count(),
            Pane::Attempts => self.visible_attempts().len(),
            Pane::Media => self.visible_media().len(),
        }
    }

    /// Whether anything on screen animates (so the runtime sends ticks).
    pub(super) fn move_cursor(&mut self, delta: isize) -> Vec<Cmd> {
        let pane = self.focus;
        let len = self.pane_len(pane);
        if len == 0 {
            return Vec::new();
        }
        let before = self.pane(pane).cursor;
        let after = (before as isize).saturating_add(delta).clamp(0, len as isize - 1) as usize;
        if after == before {
            return Vec::new();
        }
        self.pane_mut(pane).cursor = after;
        match pane {
            Pane::Sessions => {
                let mut cmds = self.select_session(after);
                cmds.extend(self.inbox_more());
                cmds
            }
            Pane::Attempts => self.attempt_selected(),
            Pane::Media => Vec::new(),
        }
    }

    /// The selected session, for `action` (`what` it does) taken only from the
    /// sessions pane; elsewhere the status line says where to go.
    pub(super) fn session_for(&mut self, action: Action, what: &str) -> Option<SessionId> {
        if self.focus != Pane::Sessions {
            self.status = Some(Status::info(format!(
                "{} {what} a session: go to the sessions pane first ({})",
                self.browse_key(action),
                self.browse_key(Action::PrevPane)
            )));
            return None;
        }
        self.selected_session().cloned()
    }

    pub fn animating(&self) -> bool {
        let session = self.selected_session();
        self.transfer.is_some()
            || self.export.is_some()
            || matches!(self.media_view(), MediaView::Loading)
            || self
                .preview_key()
                .is_some_and(|k| matches!(self.store.preview(&k), Some(Load::Loading(_))))
            || session.is_some_and(|s| {
                matches!(self.store.attempts(s), Some(Load::Loading(_)))
                    || matches!(self.store.decision(s), Some(Load::Loading(_)))
            })
            || self.details_animating()
    }

    /// Whether a picture is hidden: redaction is on and it was not revealed.
    /// Hidden pictures are neither fetched for a preview nor drawn.
    pub fn hidden(&self, media: &MediaId) -> bool {
        self.redact.on && !self.revealed.contains(media)
    }

    /// What stands where a hidden picture would be.
    pub fn hidden_note(&self) -> String {
        format!("hidden: redacted, {} reveals", self.key_for(Action::Reveal))
    }

    /// The preview the screen shows now: the selected media at the current size,
    /// while the media pane has focus.
    pub fn preview_key(&self) -> Option<PreviewKey> {
        let (width, height) = self.preview_size;
        if !self.previews_on || self.focus != Pane::Media || width < 4 || height < 2 {
            return None;
        }
        // NFC data is JSON, read as text in the details instead.
        let (_, media) = self.selected_media().filter(|(kind, _)| *kind != MediaKind::Nfc)?;
        Some(PreviewKey {
            media: media.id.as_str().into(),
            width,
            height,
        })
    }
}

/// Whether any of `fields` contains `needle` (already lower-case); an empty needle
/// matches everything.
fn matches(needle: &str, fields: &[&str]) -> bool {
    needle.is_empty() || fields.iter().any(|f| f.to_lowercase().contains(needle))
}
