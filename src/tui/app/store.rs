//! Everything fetched for the browser, one entry per session, and the previews.
//!
//! A session's data (attempts, decision, person, watchlist, media of each attempt,
//! NFC documents, its export mark) lives in its [`Entry`], so removing a session or
//! switching profile is one call that forgets all of it and names the loads still
//! on their way, for the effects to abort. What a load asks for is a [`Req`]; the
//! store knows which slot each one fills, so asking, taking the reply and
//! forgetting are written once for every kind of data.
//!
//! `entry.rs`: one session's [`Entry`]; `marks.rs`: the sessions marked (`m`);
//! `previews.rs`: the previews, the least recently asked for evicted first.

use std::collections::HashMap;

use super::msg::{Failure, Load, Payload, PreviewKey, Req, ReqId};
use crate::api::{Attempt, Decision, MediaList, Person, Watchlist};
use crate::ids::{AttemptId, SessionId};
use crate::inbox::MarkEntry;
use crate::redact::Redact;
use crate::tui::preview::PreviewImage;

mod entry;
mod marks;
mod previews;

pub use entry::{Entry, InboxSlot, Reviewed};

fn is_loading<T>(load: Option<&Load<T>>) -> bool {
    matches!(load, Some(Load::Loading(_)))
}

/// A slot's state as the generic code sees it, whatever it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlotState {
    Empty,
    Loading(ReqId),
    Done,
}

fn state<T>(load: Option<&Load<T>>) -> SlotState {
    match load {
        None => SlotState::Empty,
        Some(Load::Loading(id)) => SlotState::Loading(*id),
        Some(_) => SlotState::Done,
    }
}

#[derive(Debug, Clone, Default)]
pub struct Store {
    entries: HashMap<SessionId, Entry>,
    /// Each with when it was last asked for, and the video mimetype it was asked
    /// with (part of its [`Req`]).
    previews: HashMap<PreviewKey, (Load<PreviewImage>, u64, Option<String>)>,
    /// Bumped each time a preview is asked for: the smallest is evicted first.
    preview_clock: u64,
    /// The profile's remembered sessions, once asked for.
    remembered: Option<Load<Vec<SessionId>>>,
    pub inbox: InboxSlot,
    /// Bumped at every change of a session's entry: what is worked out from the
    /// entries (the rows a filter leaves) is worked out again only then.
    generation: u64,
    /// Marks made this run, numbering each one.
    marks_made: u64,
}

impl Store {
    pub fn entry(&self, session: &SessionId) -> Option<&Entry> {
        self.entries.get(session)
    }

    fn entry_mut(&mut self, session: &SessionId) -> &mut Entry {
        self.generation += 1;
        self.entries.entry(session.clone()).or_default()
    }

    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// A session's entry to set up a test's state directly.
    #[cfg(test)]
    pub fn entry_for_test(&mut self, session: &str) -> &mut Entry {
        self.entry_mut(&session.into())
    }

    pub fn attempts(&self, session: &SessionId) -> Option<&Load<Vec<Attempt>>> {
        self.entry(session)?.attempts.as_ref()
    }

    pub fn decision(&self, session: &SessionId) -> Option<&Load<Option<Decision>>> {
        self.entry(session)?.decision.as_ref()
    }

    pub fn session_media(&self, session: &SessionId) -> Option<&Load<MediaList>> {
        self.entry(session)?.session_media.as_ref()
    }

    pub fn person(&self, session: &SessionId) -> Option<&Load<Option<Person>>> {
        self.entry(session)?.person.as_ref()
    }

    pub fn watchlist(&self, session: &SessionId) -> Option<&Load<Option<Watchlist>>> {
        self.entry(session)?.watchlist.as_ref()
    }

    pub fn mark_log(&self, session: &SessionId) -> Option<&Load<Vec<MarkEntry>>> {
        self.entry(session)?.mark_log.as_ref()
    }

    /// The hits of `session` reviewed here that Veriff's answer does not show yet.
    pub fn reviews(&self, session: &SessionId) -> &[Reviewed] {
        self.entry(session).map_or(&[], |e| e.reviews.as_slice())
    }

    /// A hit of `session` reviewed here: shown until a watchlist answer shows it.
    pub fn reviewed(&mut self, session: &SessionId, reviewed: Reviewed) {
        let reviews = &mut self.entry_mut(session).reviews;
        reviews.retain(|r| r.hit != reviewed.hit);
        reviews.push(reviewed);
    }

    /// Forgets the mark histories known of sessions other than `kept` (the
    /// inbox moved: they are read again when their card shows); returns those
    /// on their way, to be aborted.
    pub fn forget_mark_logs(&mut self, kept: Option<&SessionId>) -> Vec<Req> {
        let mut loading = Vec::new();
        for (session, entry) in &mut self.entries {
            if Some(session) != kept && entry.mark_log.is_some() {
                if is_loading(entry.mark_log.as_ref()) {
                    loading.push(Req::MarkLog(session.clone()));
                }
                entry.mark_log = None;
                self.generation += 1;
            }
        }
        loading
    }

    pub fn media(&self, session: &SessionId, attempt: &str) -> Option<&Load<MediaList>> {
        self.entry(session)?.media.get(attempt)
    }

    pub fn nfc(&self, session: &SessionId, media: &str) -> Option<&Load<serde_json::Value>> {
        self.entry(session)?.nfc.get(media)
    }

    /// Where the slot `req` fills stands.
    pub fn state(&self, req: &Req) -> SlotState {
        if let Req::Preview { key, .. } = req {
            return state(self.preview(key));
        }
        if let Req::Remembered = req {
            return state(self.remembered.as_ref());
        }
        if let Req::Inbox(_) = req {
            return match (&self.inbox.pending, &self.inbox.shown) {
                (Some((id, _)), _) => SlotState::Loading(*id),
                (None, Some(_)) => SlotState::Done,
                (None, None) => SlotState::Empty,
            };
        }
        let Some(entry) = req.session().and_then(|s| self.entry(s)) else {
            return SlotState::Empty;
        };
        match req {
            Req::Attempts(_) => state(entry.attempts.as_ref()),
            Req::Decision(_) => state(entry.decision.as_ref()),
            Req::SessionMedia(_) => state(entry.session_media.as_ref()),
            Req::Person(_) => state(entry.person.as_ref()),
            Req::Watchlist(_) => state(entry.watchlist.as_ref()),
            Req::MarkLog(_) => state(entry.mark_log.as_ref()),
            Req::Media(_, attempt) => state(entry.media.get(attempt)),
            Req::Nfc(_, media) => state(entry.nfc.get(media)),
            Req::Preview { .. } | Req::Remembered | Req::Inbox(_) => unreachable!("answered above"),
        }
    }

    /// Whether `req`'s data is known or on its way (not to be asked again).
    pub fn has(&self, req: &Req) -> bool {
        self.state(req) != SlotState::Empty
    }

    /// The slot of `req` now waits for the reply to request `id` (any earlier
    /// request for it is superseded).
    pub fn begin(&mut self, req: &Req, id: ReqId) {
        if let Req::Preview { key, video } = req {
            self.preview_clock += 1;
            self.previews
                .insert(key.clone(), (Load::Loading(id), self.preview_clock, video.clone()));
            self.evict_previews();
            return;
        }
        if let Req::Remembered = req {
            self.remembered = Some(Load::Loading(id));
            return;
        }
        if let Req::Inbox(ask) = req {
            self.inbox.pending = Some((id, ask.clone()));
            return;
        }
        let Some(session) = req.session() else { return };
        let entry = self.entry_mut(session);
        match req {
            Req::Attempts(_) => entry.attempts = Some(Load::Loading(id)),
            Req::Decision(_) => entry.decision = Some(Load::Loading(id)),
            Req::SessionMedia(_) => entry.session_media = Some(Load::Loading(id)),
            Req::Person(_) => entry.person = Some(Load::Loading(id)),
            Req::Watchlist(_) => entry.watchlist = Some(Load::Loading(id)),
            Req::MarkLog(_) => entry.mark_log = Some(Load::Loading(id)),
            Req::Media(_, attempt) => {
                entry.media.insert(attempt.clone(), Load::Loading(id));
            }
            Req::Nfc(_, media) => {
                entry.nfc.insert(media.clone(), Load::Loading(id));
            }
            Req::Preview { .. } | Req::Remembered | Req::Inbox(_) => unreachable!("handled above"),
        }
    }

    /// Takes the reply to request `id` if it is the one `req`'s slot waits for,
    /// masking it first; a reply to a superseded or forgotten request is dropped
    /// (`false`). A cancelled one empties the slot, to be asked again when wanted.
    pub fn accept(&mut self, id: ReqId, req: &Req, result: Result<Payload, Failure>, redact: Redact) -> bool {
        if self.state(req) != SlotState::Loading(id) {
            return false;
        }
        let result = match result {
            Err(failure) if failure.cancelled => {
                self.forget(req);
                return false;
            }
            Err(failure) => Err(failure),
            Ok(payload) => Ok(payload.masked(redact)),
        };
        fn put<T>(slot: &mut Option<Load<T>>, result: Result<T, Failure>) {
            *slot = Some(result.map_or_else(Load::Failed, Load::Ready));
        }
        fn put_in<K: std::hash::Hash + Eq + Clone, T>(
            map: &mut HashMap<K, Load<T>>,
            key: &K,
            result: Result<T, Failure>,
        ) {
            map.insert(key.clone(), result.map_or_else(Load::Failed, Load::Ready));
        }
        let mismatch = || Failure::from("a reply of another kind than asked for (a bug)");
        if let Req::Preview { key, .. } = req {
            let load = match result {
                Ok(Payload::Preview(image)) => Load::Ready(image),
                Ok(_) => Load::Failed(mismatch()),
                Err(e) => Load::Failed(e),
            };
            if let Some((slot, _, _)) = self.previews.get_mut(key) {
                *slot = load;
            }
            return true;
        }
        if let Req::Inbox(_) = req {
            self.inbox.pending = None;
            match result {
                Ok(Payload::Inbox(page)) => {
                    self.inbox.shown = Some(page);
                    self.inbox.failed = None;
                }
                Ok(_) => self.inbox.failed = Some(mismatch()),
                Err(e) => self.inbox.failed = Some(e),
            }
            return true;
        }
        if let Req::Remembered = req {
            self.remembered = Some(match result {
                Ok(Payload::Sessions(ids)) => Load::Ready(ids),
                Ok(_) => Load::Failed(mismatch()),
                Err(e) => Load::Failed(e),
            });
            return true;
        }
        let Some(session) = req.session() else { return false };
        let entry = self.entry_mut(session);
        match (req, result) {
            (Req::Attempts(_), Ok(Payload::Attempts(v))) => put(&mut entry.attempts, Ok(v)),
            (Req::Attempts(_), Err(e)) => put(&mut entry.attempts, Err(e)),
            (Req::Decision(_), Ok(Payload::Decision(v))) => put(&mut entry.decision, Ok(v)),
            (Req::Decision(_), Err(e)) => put(&mut entry.decision, Err(e)),
            (Req::SessionMedia(_), Ok(Payload::Media(v))) => put(&mut entry.session_media, Ok(v)),
            (Req::SessionMedia(_), Err(e)) => put(&mut entry.session_media, Err(e)),
            (Req::Person(_), Ok(Payload::Person(v))) => put(&mut entry.person, Ok(v)),
            (Req::Person(_), Err(e)) => put(&mut entry.person, Err(e)),
            (Req::Watchlist(_), Ok(Payload::Watchlist(v))) => {
                if let Some(watchlist) = &v {
                    entry.reviews.retain(|r| !r.shown_by(watchlist));
                }
                put(&mut entry.watchlist, Ok(v))
            }
            (Req::Watchlist(_), Err(e)) => put(&mut entry.watchlist, Err(e)),
            (Req::MarkLog(_), Ok(Payload::MarkLog(v))) => put(&mut entry.mark_log, Ok(v)),
            (Req::MarkLog(_), Err(e)) => put(&mut entry.mark_log, Err(e)),
            (Req::Media(_, attempt), Ok(Payload::Media(v))) => put_in(&mut entry.media, attempt, Ok(v)),
            (Req::Media(_, attempt), Err(e)) => put_in(&mut entry.media, attempt, Err(e)),
            (Req::Nfc(_, media), Ok(Payload::Nfc(v))) => put_in(&mut entry.nfc, media, Ok(v)),
            (Req::Nfc(_, media), Err(e)) => put_in(&mut entry.nfc, media, Err(e)),
            (other, Ok(_)) => {
                tracing::error!(?other, "a reply of another kind than asked for");
                self.forget(other);
                return false;
            }
            (Req::Preview { .. } | Req::Remembered | Req::Inbox(_), Err(_)) => unreachable!("handled above"),
        }
        true
    }

    /// Empties `req`'s slot.
    pub fn forget(&mut self, req: &Req) {
        if let Req::Preview { key, .. } = req {
            self.previews.remove(key);
            return;
        }
        if let Req::Remembered = req {
            self.remembered = None;
            return;
        }
        if let Req::Inbox(_) = req {
            self.inbox.pending = None;
            return;
        }
        self.generation += 1;
        let Some(entry) = req.session().and_then(|s| self.entries.get_mut(s)) else {
            return;
        };
        match req {
            Req::Attempts(_) => entry.attempts = None,
            Req::Decision(_) => entry.decision = None,
            Req::SessionMedia(_) => entry.session_media = None,
            Req::Person(_) => entry.person = None,
            Req::Watchlist(_) => entry.watchlist = None,
            Req::MarkLog(_) => entry.mark_log = None,
            Req::Media(_, attempt) => {
                entry.media.remove(attempt);
            }
            Req::Nfc(_, media) => {
                entry.nfc.remove(media);
            }
            Req::Preview { .. } | Req::Remembered | Req::Inbox(_) => unreachable!("handled above"),
        }
    }

    /// The profile's remembered sessions, once they arrived.
    pub fn remembered(&self) -> Option<&[SessionId]> {
        match &self.remembered {
            Some(Load::Ready(ids)) => Some(ids),
            _ => None,
        }
    }

    /// Forgets the media lists of these attempts (to be fetched again).
    pub fn forget_media(&mut self, session: &SessionId, attempts: impl IntoIterator<Item = AttemptId>) {
        if let Some(entry) = self.entries.get_mut(session) {
            for attempt in attempts {
                entry.media.remove(&attempt);
            }
        }
    }

    /// Forgets everything of `session`; returns its loads still on their way, to
    /// be aborted.
    pub fn remove(&mut self, session: &SessionId) -> Vec<Req> {
        self.generation += 1;
        let Some(entry) = self.entries.remove(session) else {
            return Vec::new();
        };
        // Its pictures too: a session deleted at Veriff leaves nothing drawn.
        let pictures: std::collections::HashSet<&str> = entry
            .media
            .values()
            .chain(entry.session_media.as_ref())
            .filter_map(|load| match load {
                Load::Ready(list) => Some(list.items().map(|(_, m)| m.id.as_str())),
                _ => None,
            })
            .flatten()
            .collect();
        self.previews.retain(|key, _| !pictures.contains(key.media.as_str()));
        entry.loading(session)
    }

    /// Forgets everything (another integration's data); returns the loads still
    /// on their way.
    pub fn clear(&mut self) -> Vec<Req> {
        let mut loading: Vec<Req> = self.entries.iter().flat_map(|(id, e)| e.loading(id)).collect();
        loading.extend(self.abandon_previews_except(&[]));
        if let Some(Load::Loading(_)) = self.remembered {
            loading.push(Req::Remembered);
        }
        // The inbox is the one the browser opened with: kept across a switch.
        self.generation += 1;
        self.entries.clear();
        self.previews.clear();
        self.remembered = None;
        loading
    }

    /// Masks what is already loaded (redaction turned on). Turning it off leaves
    /// the masks until the data is loaded again.
    pub fn mask(&mut self, redact: Redact) {
        fn mask<T: Default>(load: Option<&mut Load<T>>, f: impl Fn(T) -> T) {
            if let Some(Load::Ready(value)) = load {
                *value = f(std::mem::take(value));
            }
        }
        self.generation += 1;
        if let Some(page) = self.inbox.shown.take()
            && let Payload::Inbox(page) = Payload::Inbox(page).masked(redact)
        {
            self.inbox.shown = Some(page);
        }
        for entry in self.entries.values_mut() {
            mask(entry.attempts.as_mut(), |list| {
                list.into_iter().map(|a| redact.model(a)).collect()
            });
            mask(entry.decision.as_mut(), |d| d.map(|d| redact.model(d)));
            mask(entry.person.as_mut(), |p| p.map(|p| redact.model(p)));
            mask(entry.watchlist.as_mut(), |w| w.map(|w| redact.model(w)));
            for reviewed in &mut entry.reviews {
                reviewed.name = redact.name(&reviewed.name);
            }
            mask(entry.mark_log.as_mut(), |log| {
                log.into_iter().map(|e| e.masked(redact)).collect()
            });
            mask(entry.session_media.as_mut(), |list| redact.model(list));
            for list in entry.media.values_mut() {
                mask(Some(list), |list| redact.model(list));
            }
            for nfc in entry.nfc.values_mut() {
                mask(Some(nfc), |nfc| redact.json(nfc));
            }
        }
    }
}
