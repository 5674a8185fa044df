//! Asking for what the screen needs, and taking the replies: sessions, their
//! attempts and decisions, media lists (the newest attempts' ahead of time) and
//! previews. Only the reply to the request still wanted is ever stored.

use super::model::Model;
use super::msg::{Cmd, Failure, Load, Payload, Req, ReqId};
use super::screen::{Overlay, Pane, Status};
use crate::api::MediaKind;
use crate::history::Change;
use crate::ids::{AttemptId, MediaId, SessionId};
use crate::tui::keymap::Action;

/// Attempts (newest first) whose media are fetched ahead of being selected; older
/// ones load when selected. A session with thousands of attempts must not cost
/// thousands of requests.
pub const PREFETCH_ATTEMPTS: usize = 20;

/// Sessions whose decision (each row shows its verdict) is fetched ahead of being
/// on screen: the newest this many. Thousands from `--from` must not cost
/// thousands of requests at start; the rest load as they scroll into view.
pub const PREFETCH_DECISIONS: usize = 50;

impl Model {
    /// The opening state: sessions from the command line first (the first one
    /// open, its newest attempt selected), then `listed` ones, then those the
    /// profile remembers (asked for from its session source, listed as they
    /// arrive); with none given, the prompt offered. Focus stays on the sessions
    /// pane either way: its details are the triage card, whose verdict and reason
    /// are what an opened session is opened for.
    pub fn start(mut self, given: Vec<SessionId>, listed: Vec<SessionId>) -> (Model, Vec<Cmd>) {
        let opened = !given.is_empty();
        let remember = Cmd::Remember(Change::Added(given.clone()));
        self.sessions.extend(given.into_iter().chain(listed));
        let mut cmds = self.open_all();
        cmds.extend(self.want(Req::Remembered, false, true));
        cmds.extend(self.want_inbox());
        if !self.security_warnings.is_empty() {
            self.status = Some(Status::error(self.security_warnings.join("; ")));
        }
        if opened {
            cmds.push(remember);
        } else if self.inbox_view().is_none() {
            self.overlay = Overlay::AddSession {
                input: Default::default(),
                error: None,
            };
        }
        (self, cmds)
    }

    /// Asks for the selected session, then for the decisions of the newest
    /// sessions and of those on screen (each row shows its verdict).
    pub(super) fn open_all(&mut self) -> Vec<Cmd> {
        let mut cmds = self.select_session(self.pane(Pane::Sessions).cursor);
        let newest: Vec<SessionId> = self.sessions.iter().take(PREFETCH_DECISIONS).cloned().collect();
        cmds.extend(self.load_decisions(newest));
        cmds.extend(self.want_decisions_on_screen());
        cmds
    }

    /// The decisions of the sessions rows on screen, where not known or on their way.
    pub(super) fn want_decisions_on_screen(&mut self) -> Vec<Cmd> {
        // An inbox view's rows show the status the inbox holds: no request each.
        if self.inbox_view().is_some() {
            return Vec::new();
        }
        let state = self.pane(Pane::Sessions);
        let on_screen: Vec<SessionId> = (state.offset..state.offset + self.list_rows.max(1))
            .map_while(|row| self.visible_session(row).cloned())
            .collect();
        self.load_decisions(on_screen)
    }

    pub(super) fn load_decisions(&mut self, sessions: Vec<SessionId>) -> Vec<Cmd> {
        sessions
            .into_iter()
            .filter_map(|session| self.want(Req::Decision(session), false, true))
            .collect()
    }

    /// Asks for `req` unless it is known or on its way (`again`: asks anyway,
    /// superseding a load on its way). The one place a load is asked for: the
    /// store's slot says `Loading` with the id its reply must carry.
    pub(super) fn want(&mut self, req: Req, again: bool, background: bool) -> Option<Cmd> {
        if !again && self.store.has(&req) {
            return None;
        }
        let id = self.req();
        self.store.begin(&req, id);
        Some(Cmd::Load { id, req, background })
    }

    pub(super) fn req(&mut self) -> ReqId {
        self.next_req += 1;
        self.next_req
    }

    /// The remembered sessions arrived: listed below those already there, their
    /// verdicts asked for like the rest.
    pub(super) fn remembered_arrived(&mut self) -> Vec<Cmd> {
        let Some(ids) = self.store.remembered().map(<[SessionId]>::to_vec) else {
            return Vec::new();
        };
        let was_empty = self.sessions.is_empty();
        self.sessions.extend(ids);
        if was_empty {
            return self.open_all();
        }
        let newest: Vec<SessionId> = self.sessions.iter().take(PREFETCH_DECISIONS).cloned().collect();
        let mut cmds = self.load_decisions(newest);
        cmds.extend(self.want_decisions_on_screen());
        cmds
    }

    /// Makes the visible session at `index` the selected one and asks for what it
    /// lacks.
    pub(super) fn select_session(&mut self, index: usize) -> Vec<Cmd> {
        self.pane_mut(Pane::Sessions).cursor = index;
        for pane in [Pane::Attempts, Pane::Media] {
            let state = self.pane_mut(pane);
            state.cursor = 0;
            state.offset = 0;
        }
        let Some(session) = self.selected_session().cloned() else {
            return Vec::new();
        };
        let mut cmds = self.load_session(&session, false);
        // Its attempts may have arrived while another session was selected, when
        // their media were not asked for; what is known or on its way is skipped.
        cmds.extend(self.prefetch_media(&session));
        cmds
    }

    pub(super) fn load_session(&mut self, session: &SessionId, again: bool) -> Vec<Cmd> {
        // The newest attempt's media come with the session's own listing, in the
        // same round trip as the attempt list: the first useful screen needs no
        // second one. The card's other parts too, its marks' history with them.
        let mut reqs = vec![
            Req::Attempts(session.clone()),
            Req::SessionMedia(session.clone()),
            Req::Decision(session.clone()),
            Req::Person(session.clone()),
            Req::Watchlist(session.clone()),
        ];
        if self.inbox.is_some() {
            reqs.push(Req::MarkLog(session.clone()));
        }
        reqs.into_iter()
            .filter_map(|req| self.want(req, again, false))
            .collect()
    }

    /// Loads for the newest attempts of `session` whose media are not known yet;
    /// the selected one first and in the foreground.
    pub(super) fn prefetch_media(&mut self, session: &SessionId) -> Vec<Cmd> {
        let Some(Load::Ready(list)) = self.store.attempts(session) else {
            return Vec::new();
        };
        let mut wanted: Vec<AttemptId> = list
            .iter()
            .take(PREFETCH_ATTEMPTS)
            .map(|a| a.id.as_str().into())
            .collect();
        let selected: Option<AttemptId> = self.selected_attempt().map(|a| a.id.as_str().into());
        if let Some(first) = &selected {
            wanted.retain(|id| id != first);
            wanted.insert(0, first.clone());
        }
        let mut cmds = Vec::new();
        for attempt in wanted {
            let background = Some(&attempt) != selected.as_ref();
            cmds.extend(self.want(Req::Media(session.clone(), attempt), false, background));
        }
        cmds
    }

    /// After the attempt cursor moved: the media cursor starts over, and the
    /// attempt's media are asked for unless known or on their way.
    pub(super) fn attempt_selected(&mut self) -> Vec<Cmd> {
        let media = self.pane_mut(Pane::Media);
        media.cursor = 0;
        media.offset = 0;
        let (Some(session), Some(attempt)) = (
            self.selected_session().cloned(),
            self.selected_attempt().map(|a| AttemptId::from(a.id.as_str())),
        ) else {
            return Vec::new();
        };
        self.want(Req::Media(session, attempt), false, false)
            .into_iter()
            .collect()
    }

    /// Asks for the previews on screen unless known or on their way, and gives
    /// up those on their way for a selection left behind.
    pub(super) fn want_preview(&mut self) -> Vec<Cmd> {
        let wanted: Vec<(crate::tui::app::PreviewKey, Option<String>, Option<u64>)> =
            if self.overlay.is_looking_closer() {
                self.pictures_looked_at()
                    .into_iter()
                    .filter(|c| !c.hidden)
                    .filter_map(|c| Some((c.key?, c.video.clone(), c.media.and_then(|m| m.size))))
                    .collect()
            } else {
                let selected = self.selected_media();
                let video = selected
                    .filter(|(kind, _)| *kind == MediaKind::Video)
                    .map(|(_, m)| m.mimetype.clone().unwrap_or_default());
                let size = selected.and_then(|(_, m)| m.size);
                self.preview_key()
                    .filter(|key| !self.hidden(&key.media))
                    .map(|key| (key, video, size))
                    .into_iter()
                    .collect()
            };
        let keys: Vec<_> = wanted.iter().map(|(key, _, _)| key.clone()).collect();
        let left_behind = self.store.abandon_previews_except(&keys);
        let mut cmds = Vec::new();
        if !left_behind.is_empty() {
            cmds.push(Cmd::Cancel(left_behind));
        }
        for (key, video, size) in wanted {
            if self.store.preview(&key).is_some() {
                self.store.touch_preview(&key);
                continue;
            }
            if size.is_some_and(|s| s > crate::tui::preview::MAX_PREVIEW_BYTES) {
                self.store
                    .set_preview(key, Load::Failed(crate::tui::preview::too_large().into()));
                continue;
            }
            cmds.extend(self.want(Req::Preview { key, video }, false, false));
        }
        cmds
    }

    /// Whether a part of the card, an NFC document or a picture looked at
    /// closer is on its way (the rest of `animating`).
    pub(super) fn details_animating(&self) -> bool {
        let session_loading = self.selected_session().is_some_and(|s| {
            self.focus == Pane::Sessions
                && (matches!(self.store.person(s), Some(Load::Loading(_)))
                    || matches!(self.store.watchlist(s), Some(Load::Loading(_))))
        });
        let nfc_loading = self.focus == Pane::Media
            && self
                .selected_session()
                .zip(self.selected_media())
                .is_some_and(|(s, (_, m))| matches!(self.store.nfc(s, &m.id), Some(Load::Loading(_))));
        let closer_loading = self
            .pictures_looked_at()
            .iter()
            .filter_map(|c| c.key.as_ref())
            .any(|k| matches!(self.store.preview(k), Some(Load::Loading(_))));
        session_loading || nfc_loading || closer_loading
    }

    /// The selected NFC document's JSON, fetched once to be read in the details.
    pub(super) fn want_nfc(&mut self) -> Vec<Cmd> {
        if self.focus != Pane::Media {
            return Vec::new();
        }
        let Some((MediaKind::Nfc, media)) = self.selected_media() else {
            return Vec::new();
        };
        let media = MediaId::from(media.id.as_str());
        let Some(session) = self.selected_session().cloned() else {
            return Vec::new();
        };
        self.want(Req::Nfc(session, media), false, false).into_iter().collect()
    }

    /// Keeps every cursor inside its list and in view.
    pub(super) fn settle(&mut self) {
        let rows = self.list_rows.max(1);
        for pane in Pane::ALL {
            let len = self.pane_len(pane);
            let state = self.pane_mut(pane);
            state.cursor = state.cursor.min(len.saturating_sub(1));
            if state.cursor < state.offset {
                state.offset = state.cursor;
            } else if state.cursor >= state.offset + rows {
                state.offset = state.cursor + 1 - rows;
            }
            state.offset = state.offset.min(len.saturating_sub(rows));
        }
    }

    /// Everything of the selected session fetched again (`r`).
    pub(super) fn reload(&mut self) -> Vec<Cmd> {
        let Some(session) = self.selected_session().cloned() else {
            return Vec::new();
        };
        self.status = Some(Status::info(reloading(&session)));
        // Media of its attempts too, once the fresh attempt list arrives.
        if let Some(Load::Ready(list)) = self.store.attempts(&session) {
            let attempts: Vec<AttemptId> = list.iter().map(|a| a.id.as_str().into()).collect();
            self.store.forget_media(&session, attempts);
        }
        self.load_session(&session, true)
    }

    /// `reloading session …` is over once the session's attempts, decision,
    /// person and watchlist are all in (or failed, which says so itself).
    fn reload_over(&mut self, session: &SessionId) {
        let said = self.status.as_ref().is_some_and(|s| s.text == reloading(session));
        let store = &self.store;
        let pending = matches!(store.attempts(session), Some(Load::Loading(_)))
            || matches!(store.decision(session), Some(Load::Loading(_)))
            || matches!(store.person(session), Some(Load::Loading(_)))
            || matches!(store.watchlist(session), Some(Load::Loading(_)));
        if said && !pending {
            self.status = None;
        }
    }

    /// What to say of a failure, with the way out its kind offers.
    pub fn failure_text(&self, what: &str, failure: &Failure) -> String {
        use crate::api::ErrorKind;
        let retry = format!("{} retries", self.browse_key(Action::Reload));
        let way_out = match failure.kind {
            ErrorKind::Credentials if self.profiles.len() > 1 => {
                format!(
                    "check the credentials, or {} to switch profile",
                    self.browse_key(Action::Profiles)
                )
            }
            ErrorKind::Credentials => "check the credentials in the config file or environment".to_owned(),
            ErrorKind::NotFound => "check the id".to_owned(),
            ErrorKind::Retryable | ErrorKind::Integrity | ErrorKind::Other => retry,
        };
        format!("{what} failed: {} — {way_out}", failure.message)
    }
}

/// Takes the reply to load `id` if it is the one still wanted (see
/// [`super::store::Store::accept`]), then does what its arrival calls for.
pub(super) fn loaded(model: &mut Model, id: ReqId, req: Req, result: Result<Payload, Failure>) -> Vec<Cmd> {
    let failed = result.as_ref().err().filter(|f| !f.cancelled).cloned();
    // A new page keeps the cursor on the session it was on.
    let before = model.selected_session().cloned();
    if !model.store.accept(id, &req, result, model.redact) {
        return Vec::new();
    }
    if let Some(session) = req.session().cloned() {
        model.reload_over(&session);
    }
    match (req, failed) {
        (Req::Attempts(session), None) if model.selected_session() == Some(&session) => model.prefetch_media(&session),
        (Req::Attempts(session), Some(e)) => {
            let what = format!("attempts of {}", session.short());
            model.status = Some(Status::error(model.failure_text(&what, &e)));
            Vec::new()
        }
        (Req::Decision(session), _) => super::watch::decision_arrived(model, &session),
        (Req::Remembered, None) => model.remembered_arrived(),
        (Req::Inbox(_), failed) => super::inbox::arrived(model, before, failed),
        (Req::Media(_, attempt), Some(e)) if model.selected_attempt().is_some_and(|a| a.id == attempt.as_str()) => {
            let what = format!("media of attempt {}", attempt.short());
            model.status = Some(Status::error(model.failure_text(&what, &e)));
            Vec::new()
        }
        // The session's own listing only stands in for the newest attempt's: a
        // failure there is not worth a message, that list will say it.
        _ => Vec::new(),
    }
}

/// The status while `r` fetches a session again.
fn reloading(session: &SessionId) -> String {
    format!("reloading session {}", session.short())
}
