//! `Cmd::Write`: a write to Veriff, as the command line makes it (`config::writes`):
//! refused under `read_only`, the audit log opened before anything is sent, the
//! entry appended with Veriff's answer, never retried.

use std::path::PathBuf;
use std::sync::Arc;

use crate::api::{ApiError, Client};
use crate::config::writes;
use crate::tui::app::{Done, Failure, Write};
use crate::tui::effects::inbox::InboxInUse;
use crate::tui::preview::ByteCache;

/// What the profile in use allows and where its things are: replaced with the
/// client by a profile switch.
#[derive(Debug, Clone, Default)]
pub struct ProfileInUse {
    pub profile: Option<String>,
    pub read_only: bool,
    /// `None`: no data dir, so no write (every write is recorded first).
    pub audit_log: Option<PathBuf>,
    /// Where the sessions pane's list comes from; `None` (the demo): nowhere.
    pub sessions: Option<std::sync::Arc<dyn super::sources::SessionSource>>,
}

/// The copies of a session this run keeps outside the model, erased once Veriff
/// has deleted it (the history goes through the browser's ordered writer).
#[derive(Clone)]
pub struct Copies {
    pub inbox: Option<InboxInUse>,
    /// Where what is fetched goes now: after a profile switch, another inbox
    /// than the one the browser opened with.
    pub indexed: Option<crate::inbox::Store>,
    /// Where files fetched to be opened go.
    pub cache: PathBuf,
    pub previewed: Arc<ByteCache>,
}

pub(super) async fn write(client: Client, policy: ProfileInUse, write: Write, copies: Copies) -> Result<Done, Failure> {
    let api_url = &client.config().api_url;
    let profile = policy.profile.clone();
    let mut entry = match &write {
        Write::DeleteSession { session, reference } => {
            let mut entry = writes::entry("delete_session", profile, api_url, Some(session.to_string()));
            entry.reference = reference.clone();
            entry
        }
        Write::ReviewHit(session, review) => writes::reviewing(
            writes::entry("review_watchlist_hit", profile, api_url, Some(session.to_string())),
            review,
        ),
        Write::NewSession(_) => writes::entry("create_session", profile, api_url, None),
    };
    if let Err(why) = writes::writes_allowed(policy.profile.as_deref(), policy.read_only) {
        return Err(writes::refuse(policy.audit_log.clone(), entry, "read_only", why).into());
    }
    let log = writes::audit_log_ready(policy.audit_log.clone())?;
    let request_id = entry.request_id.clone().unwrap_or_default();
    match write {
        Write::DeleteSession { session, .. } => {
            let result = client.delete_session(&session, &request_id).await;
            writes::record(&mut entry, &result);
            let recorded = append(&log, &mut entry);
            match result {
                Ok(_) => {
                    let mut inboxes: Vec<&crate::inbox::Store> =
                        copies.inbox.iter().map(|inbox| &*inbox.store).collect();
                    if let Some(indexed) = &copies.indexed
                        && !inboxes.iter().any(|known| known.same_store(indexed))
                    {
                        inboxes.push(indexed);
                    }
                    let places = crate::erasure::Places {
                        history: None,
                        inboxes: &inboxes,
                        cache: Some(&copies.cache),
                    };
                    let who = copies
                        .inbox
                        .as_ref()
                        .map_or_else(crate::audit::user_at_host, |i| i.who.clone());
                    let forgotten = crate::erasure::forget(places, &session, &who).await;
                    // Its pictures' bytes among them; the rest are fetched again.
                    copies.previewed.clear();
                    Ok(Done {
                        found_by: forgotten.found_by.clone(),
                        ..Done::said(format!(
                            "deleted session {} at Veriff ({recorded}); here, {forgotten}",
                            session.short()
                        ))
                    })
                }
                Err(ApiError::RateLimited { retry_after }) => Err(writes::deletion_rate_limited(retry_after).into()),
                Err(e) => Err(e.into()),
            }
        }
        Write::ReviewHit(session, review) => {
            let result = client.review_hit(&session, &review, &request_id).await;
            writes::record(&mut entry, &result);
            let recorded = append(&log, &mut entry);
            result?;
            // Short ids, as the panes show them: what was recorded fits the status line.
            Ok(Done::said(format!(
                "hit {} of session {} recorded as {} ({recorded})",
                crate::text::clean(crate::ids::short(&review.hit)),
                session.short(),
                review.match_status
            )))
        }
        Write::NewSession(new) => {
            let result = client.create_session(&new, &request_id).await;
            writes::record(&mut entry, &result);
            let created = result
                .as_ref()
                .ok()
                .and_then(|written| written.answer.verification.clone());
            entry.session = created.as_ref().map(|v| v.id.clone());
            let recorded = append(&log, &mut entry);
            result?;
            let created = created.ok_or_else(|| Failure::from("Veriff's answer has no verification"))?;
            Ok(Done {
                created: Some((created.id.as_str().into(), created.url)),
                ..Done::said(format!(
                    "created session {} ({recorded})",
                    crate::text::clean(&created.id)
                ))
            })
        }
    }
}

/// Records a write the browser refused itself; nothing was sent.
pub(super) fn refused(
    client: &Client,
    policy: &ProfileInUse,
    action: &'static str,
    session: Option<crate::ids::SessionId>,
    reason: &'static str,
) {
    let session = session.map(|s| s.to_string());
    let entry = writes::entry(action, policy.profile.clone(), &client.config().api_url, session);
    let log = policy.audit_log.clone();
    // A lock another process holds a moment is waited for off the event loop.
    tokio::task::spawn_blocking(move || {
        if let Err(e) = writes::record_refusal(log, entry, reason) {
            tracing::warn!("{e}; a refused {action} is not in the audit log");
        }
    });
}

/// Appends the entry; what to say of where it went.
fn append(log: &std::path::Path, entry: &mut crate::audit::Entry) -> String {
    writes::append(log, entry).unwrap_or_else(|e| e)
}
