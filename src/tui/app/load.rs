//! Asking for what the screen needs, and taking the replies: sessions, their
//! attempts and decisions, media lists (the newest attempts' ahead of time) and
//! previews. Only the reply to the request still wanted is ever stored.

use super::model::{Model, Overlay, Pane, Status};
use super::msg::{Cmd, Failure, Load, ReqId};
use crate::api::MediaKind;
use crate::ids::{AttemptId, SessionId};
use crate::tui::keymap::Action;

/// Attempts (newest first) whose media are fetched ahead of being selected; older
/// ones load when selected. A session with thousands of attempts must not cost
/// thousands of requests.
pub const PREFETCH_ATTEMPTS: usize = 20;

/// Sessions whose decision (each row shows its verdict) is fetched ahead of being
/// on screen: the newest this many. Thousands from `--from` must not cost
/// thousands of requests at start; the rest load as they scroll into view.
pub const PREFETCH_DECISIONS: usize = 50;

/// Encoded previews kept before the cache starts over.
const MAX_PREVIEWS: usize = 48;

impl Model {
    /// The opening state: sessions from the command line first (the first one
    /// open, focus on its newest attempt), then those remembered; with none given,
    /// focus on the sessions pane with the prompt offered.
    pub fn start(mut self, given: Vec<SessionId>, remembered: Vec<SessionId>) -> (Model, Vec<Cmd>) {
        let opened = !given.is_empty();
        for id in given.into_iter().chain(remembered) {
            if !self.sessions.contains(&id) {
                self.sessions.push(id);
            }
        }
        let mut cmds = self.open_all();
        if !self.security_warnings.is_empty() {
            self.status = Some(Status::error(self.security_warnings.join("; ")));
        }
        if opened {
            self.focus = Pane::Attempts;
            cmds.push(self.history_cmd());
        } else {
            self.overlay = Overlay::Prompt {
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
        let state = self.pane(Pane::Sessions);
        let on_screen: Vec<SessionId> = self
            .visible_sessions()
            .into_iter()
            .skip(state.offset)
            .take(self.list_rows.max(1))
            .cloned()
            .collect();
        self.load_decisions(on_screen)
    }

    fn load_decisions(&mut self, sessions: Vec<SessionId>) -> Vec<Cmd> {
        let mut cmds = Vec::new();
        for session in sessions {
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

    pub(super) fn req(&mut self) -> ReqId {
        self.next_req += 1;
        self.next_req
    }

    pub(super) fn history_cmd(&self) -> Cmd {
        Cmd::SaveHistory(self.sessions.clone())
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
        let mut cmds = Vec::new();
        if again || !matches!(self.attempts.get(session), Some(Load::Ready(_) | Load::Loading(_))) {
            let req = self.req();
            self.attempts.insert(session.clone(), Load::Loading(req));
            cmds.push(Cmd::LoadAttempts {
                session: session.clone(),
                req,
            });
            // The newest attempt's media in the same round trip as the attempt
            // list: the first useful screen needs no second one.
            let req = self.req();
            self.session_media.insert(session.clone(), Load::Loading(req));
            cmds.push(Cmd::LoadSessionMedia {
                session: session.clone(),
                req,
            });
        }
        if again || !matches!(self.decisions.get(session), Some(Load::Ready(_) | Load::Loading(_))) {
            let req = self.req();
            self.decisions.insert(session.clone(), Load::Loading(req));
            cmds.push(Cmd::LoadDecision {
                session: session.clone(),
                req,
                background: false,
            });
        }
        // The card's other parts, in the same round trip.
        cmds.extend(self.load_triage(session, again));
        cmds
    }

    /// Loads for the newest attempts of `session` whose media are not known yet;
    /// the selected one first and in the foreground.
    pub(super) fn prefetch_media(&mut self, session: &SessionId) -> Vec<Cmd> {
        let Some(Load::Ready(list)) = self.attempts.get(session) else {
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
            cmds.extend(self.load_media(attempt, background));
        }
        cmds
    }

    /// Asks for an attempt's media unless they are known or on their way.
    fn load_media(&mut self, attempt: AttemptId, background: bool) -> Option<Cmd> {
        if matches!(self.media.get(&attempt), Some(Load::Ready(_) | Load::Loading(_))) {
            return None;
        }
        let req = self.req();
        self.media.insert(attempt.clone(), Load::Loading(req));
        Some(Cmd::LoadMedia {
            attempt,
            req,
            background,
        })
    }

    /// After the attempt cursor moved: the media cursor starts over, and the
    /// attempt's media are asked for unless known or on their way.
    pub(super) fn attempt_selected(&mut self) -> Vec<Cmd> {
        let media = self.pane_mut(Pane::Media);
        media.cursor = 0;
        media.offset = 0;
        let Some(attempt) = self.selected_attempt().map(|a| AttemptId::from(a.id.as_str())) else {
            return Vec::new();
        };
        self.load_media(attempt, false).into_iter().collect()
    }

    /// Asks for the preview on screen unless it is known or on its way.
    pub(super) fn want_preview(&mut self) -> Vec<Cmd> {
        if matches!(self.overlay, Overlay::Zoom | Overlay::Compare) {
            return self.want_closer_previews();
        }
        let Some(key) = self.preview_key() else {
            return Vec::new();
        };
        if self.previews.contains_key(&key) || self.hidden(&key.media) {
            return Vec::new();
        }
        let selected = self.selected_media();
        let video = selected
            .filter(|(kind, _)| *kind == MediaKind::Video)
            .map(|(_, m)| m.mimetype.clone().unwrap_or_default());
        if selected
            .and_then(|(_, m)| m.size)
            .is_some_and(|s| s > crate::tui::preview::MAX_PREVIEW_BYTES)
        {
            self.previews
                .insert(key, Load::Failed(crate::tui::preview::too_large().into()));
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
        self.status = Some(Status::info(format!("reloading session {}", session.short())));
        // Media of its attempts too, once the fresh attempt list arrives.
        if let Some(Load::Ready(list)) = self.attempts.get(&session) {
            for attempt in list.clone() {
                self.media.remove(attempt.id.as_str());
            }
        }
        self.load_session(&session, true)
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

/// Stores a reply if it answers the request still wanted; a reply to a request
/// that was superseded (reloaded) or forgotten (session removed) is dropped.
pub(super) fn accept<T>(slot: Option<&mut Load<T>>, req: ReqId, result: Result<T, Failure>) -> bool {
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
