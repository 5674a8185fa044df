//! The writes the browser asks of Veriff, each behind a typed confirmation:
//! deleting a session. Refused under `read_only` before anything is asked.

use super::forget::Forgetting;
use super::model::Model;
use super::msg::{Cmd, Done, Failure, Load, Req, ReqId};
use super::screen::{Overlay, Status};
use crate::api::DELETABLE_STATUSES;
use crate::tui::app::overlays::confirm::Confirm;
use crate::tui::keymap::Action;

/// A write to Veriff, asked for once the person confirmed it. A new write is a
/// variant here, its key's handler below, and its arm in `effects/write.rs`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    DeleteSession {
        session: crate::ids::SessionId,
        /// The request it answers (`DSR-2291`), for the audit log.
        reference: Option<String>,
    },
    /// A new session: a verification link for the end user.
    NewSession(crate::api::NewSession),
    /// A watchlist hit's match status, as reviewed.
    ReviewHit(crate::ids::SessionId, crate::api::HitReview),
}

/// Under a read-only profile the write `action` (of the selected session, but
/// for a new one) is refused before anything is asked: the status line says
/// why, and the refusal goes to the audit log.
pub(super) fn refused_read_only(model: &mut Model, action: &'static str) -> Option<Vec<Cmd>> {
    // Said as the command line and the effects say it.
    let why = crate::config::writes::writes_allowed(model.profile.as_deref(), model.read_only).err()?;
    model.status = Some(Status::error(why));
    let session = model.selected_session().cloned().filter(|_| action != "create_session");
    Some(vec![Cmd::Refused {
        action,
        session,
        reason: "read_only",
    }])
}

/// `D`: asks for the selected session's first 8 characters, then deletes it.
pub(super) fn delete_session(model: &mut Model) -> Vec<Cmd> {
    if let Some(refused) = refused_read_only(model, "delete_session") {
        return refused;
    }
    let Some(session) = model.session_for(Action::DeleteSession, "deletes") else {
        return Vec::new();
    };
    // Veriff's own rule, checked before asking: a refusal after a typed
    // confirmation would waste the person's care.
    let status = match model.store.decision(&session) {
        Some(Load::Ready(Some(decision))) => decision.status.clone().unwrap_or_else(|| "created".into()),
        Some(Load::Ready(None)) => "created".into(),
        _ => {
            model.status = Some(Status::info(
                "the session's decision is still loading: try again in a moment",
            ));
            return Vec::new();
        }
    };
    if !DELETABLE_STATUSES.contains(&status.as_str()) {
        model.status = Some(Status::error(format!(
            "session {} is {}: Veriff deletes only sessions that are {}",
            session.short(),
            crate::text::clean(&status),
            DELETABLE_STATUSES.join(", ")
        )));
        return vec![Cmd::Refused {
            action: "delete_session",
            session: Some(session),
            reason: "not_deletable",
        }];
    }
    let mut lines = vec![format!("This deletes session {session} at Veriff for good:")];
    // The name as read (not under redaction, where it is masked anyway).
    let name = model
        .selected_decision()
        .and_then(|d| d.person.as_ref())
        .map(|p| {
            [&p.first_name, &p.last_name]
                .iter()
                .filter_map(|n| n.as_deref())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|n| !n.trim().is_empty() && !model.redact.on);
    lines.push(format!(
        "  {status}{}",
        name.map(|n| format!(", {n}")).unwrap_or_default()
    ));
    if let Some(Load::Ready(list)) = model.store.attempts(&session) {
        // The files of the attempts whose listing is in (the newest, prefetched).
        let known: Vec<usize> = list
            .iter()
            .filter_map(|a| match model.store.media(&session, &a.id) {
                Some(Load::Ready(media)) => Some(media.items().count()),
                _ => None,
            })
            .collect();
        let files = known.iter().sum::<usize>();
        let files = crate::text::counted(files, "media file");
        let files = if known.len() == list.len() {
            files
        } else {
            format!("at least {files}")
        };
        lines.push(format!("  {}, {files}", crate::text::counted(list.len(), "attempt")));
    }
    lines.push("Its data is erased within 12 hours. Veriff allows 5 deletions an hour, 10 a day.".into());
    lines.push("Here it leaves the inbox, the remembered sessions and the opened files.".into());
    let id = model.req();
    model.overlay = Overlay::Confirm(
        Confirm::new(
            "delete session",
            lines,
            Some(session.short().to_owned()),
            vec![Cmd::Write {
                id,
                write: Write::DeleteSession {
                    session,
                    reference: None,
                },
            }],
        )
        .taking_more("a request reference (DSR-2291) for the audit log"),
    );
    Vec::new()
}

impl Cmd {
    /// The words typed after a confirmation's answer, given to the write it
    /// carries: a deletion's request reference.
    pub(super) fn given(self, words: &str) -> Cmd {
        match self {
            Cmd::Write {
                id,
                write: Write::DeleteSession { session, .. },
            } => Cmd::Write {
                id,
                write: Write::DeleteSession {
                    session,
                    reference: crate::config::writes::reference(words),
                },
            },
            other => other,
        }
    }
}

/// Veriff answered a write (or it was refused before it was sent).
pub(super) fn written(model: &mut Model, _id: ReqId, write: Write, result: Result<Done, Failure>) -> Vec<Cmd> {
    match (write, result) {
        (Write::NewSession(_), Ok(done)) => super::overlays::new_link::made(model, done),
        (Write::ReviewHit(session, review), Ok(done)) => {
            model.status = Some(Status::success(done.said));
            // Shown as reviewed by you until the watchlist, read again, shows it.
            let name = match model.store.watchlist(&session) {
                Some(Load::Ready(Some(watchlist))) => watchlist
                    .hits
                    .iter()
                    .find(|hit| hit.id.as_deref() == Some(review.hit.as_str()))
                    .and_then(|hit| hit.matched_name.clone()),
                _ => None,
            };
            let reviewed = crate::tui::app::store::Reviewed {
                hit: review.hit.clone(),
                name: name.unwrap_or_else(|| format!("hit {}", review.hit)),
                review,
                at: done.at,
            };
            model.store.reviewed(&session, reviewed);
            model.want(Req::Watchlist(session), true, false).into_iter().collect()
        }
        (Write::ReviewHit(_, review), Err(failure)) => {
            model.status = Some(Status::error(format!(
                "reviewing hit {} failed: {}",
                crate::text::clean(&review.hit),
                failure.message
            )));
            Vec::new()
        }
        (Write::NewSession(_), Err(failure)) => {
            model.status = Some(Status::error(format!("creating a session failed: {}", failure.message)));
            Vec::new()
        }
        (Write::DeleteSession { session, .. }, Ok(done)) => {
            model.status = Some(Status::success(done.said));
            // Gone at Veriff: gone from every list, tab and copy here too.
            model.forget_session(&session, Forgetting::Erased(done.found_by))
        }
        (Write::DeleteSession { session, .. }, Err(failure)) => {
            model.status = Some(Status::error(format!(
                "deleting session {} failed: {}",
                session.short(),
                failure.message
            )));
            Vec::new()
        }
    }
}
