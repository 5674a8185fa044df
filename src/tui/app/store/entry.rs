//! One session's data, as the store keeps it, and the inbox's page on screen.

use std::collections::HashMap;

use super::is_loading;
use crate::api::{Attempt, Decision, MediaList, Person, Watchlist};
use crate::ids::{AttemptId, MediaId, SessionId};
use crate::inbox::MarkEntry;
use crate::tui::app::msg::{Failure, InboxAsk, InboxPage, Load, Req, ReqId};

/// One session's data.
#[derive(Debug, Clone, Default)]
pub struct Entry {
    pub attempts: Option<Load<Vec<Attempt>>>,
    pub decision: Option<Load<Option<Decision>>>,
    /// The session's own media listing: a stand-in for its newest attempt's.
    pub session_media: Option<Load<MediaList>>,
    pub person: Option<Load<Option<Person>>>,
    pub watchlist: Option<Load<Option<Watchlist>>>,
    pub media: HashMap<AttemptId, Load<MediaList>>,
    /// NFC documents' JSON, by media id.
    pub nfc: HashMap<MediaId, Load<serde_json::Value>>,
    /// Marked (`m`) for export and the inbox's bulk claims and tags: when, as
    /// the store's count of marks made, so the marked go in the order marked.
    pub marked: Option<u64>,
    /// Who held its claim when it was marked in an inbox view: a bulk claim's
    /// question names them where the row is no longer shown.
    pub claim_when_marked: Option<String>,
    /// The newest changes of its marks in the inbox.
    pub mark_log: Option<Load<Vec<MarkEntry>>>,
    /// Watchlist hits reviewed here whose review Veriff's answer does not show yet.
    pub reviews: Vec<Reviewed>,
}

/// A watchlist hit reviewed in this browser, shown on the card as "reviewed by
/// you" until a watchlist answer shows the review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reviewed {
    pub hit: String,
    /// The hit's matched name, as the card showed it.
    pub name: String,
    pub review: crate::api::HitReview,
    /// When Veriff took it (`14:02 UTC`), where known.
    pub at: Option<String>,
}

impl Reviewed {
    /// Whether `watchlist` shows the review: the hit with its status (and its
    /// whitelisting, where that was set).
    pub fn shown_by(&self, watchlist: &Watchlist) -> bool {
        watchlist.hits.iter().any(|hit| {
            hit.id.as_deref() == Some(self.hit.as_str())
                && hit.match_status.as_deref() == Some(self.review.match_status.as_str())
                && self
                    .review
                    .whitelisted
                    .is_none_or(|w| hit.is_whitelisted.unwrap_or(false) == w)
        })
    }
}

impl Entry {
    /// Requests of this entry still on their way.
    pub(super) fn loading(&self, session: &SessionId) -> Vec<Req> {
        let mut reqs = Vec::new();
        let mut add = |loading: bool, req: Req| {
            if loading {
                reqs.push(req);
            }
        };
        add(is_loading(self.attempts.as_ref()), Req::Attempts(session.clone()));
        add(is_loading(self.decision.as_ref()), Req::Decision(session.clone()));
        add(
            is_loading(self.session_media.as_ref()),
            Req::SessionMedia(session.clone()),
        );
        add(is_loading(self.person.as_ref()), Req::Person(session.clone()));
        add(is_loading(self.watchlist.as_ref()), Req::Watchlist(session.clone()));
        add(is_loading(self.mark_log.as_ref()), Req::MarkLog(session.clone()));
        for (attempt, load) in &self.media {
            add(is_loading(Some(load)), Req::Media(session.clone(), attempt.clone()));
        }
        for (media, load) in &self.nfc {
            add(is_loading(Some(load)), Req::Nfc(session.clone(), media.clone()));
        }
        reqs
    }
}

/// The inbox's last page, kept on screen while the next one (a live update, a
/// new query) is on its way.
#[derive(Debug, Clone, Default)]
pub struct InboxSlot {
    pub shown: Option<InboxPage>,
    /// The load whose reply is wanted, and what it asked.
    pub pending: Option<(ReqId, InboxAsk)>,
    pub failed: Option<Failure>,
}

impl InboxSlot {
    /// Takes an erased session's row out of the view shown, before the view is
    /// read again.
    pub fn drop_row(&mut self, session: &SessionId) {
        if let Some(page) = &mut self.shown {
            page.rows.retain(|row| &row.id != session);
        }
    }
}
