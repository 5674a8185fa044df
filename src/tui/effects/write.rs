//! `Cmd::Write`: a write to Veriff, as the command line makes it (`config::writes`):
//! refused under `read_only`, the audit log opened before anything is sent, the
//! entry appended with Veriff's answer, never retried.

use std::path::PathBuf;

use crate::api::{ApiError, Client};
use crate::config::writes;
use crate::tui::app::{Done, Failure, Write};

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

pub(super) async fn write(client: Client, policy: ProfileInUse, write: Write) -> Result<Done, Failure> {
    writes::writes_allowed(policy.profile.as_deref(), policy.read_only)?;
    let log = writes::audit_log_ready(policy.audit_log.clone())?;
    match write {
        Write::DeleteSession(session) => {
            let mut entry = writes::entry(
                "delete_session",
                policy.profile.clone(),
                &client.config().api_url,
                Some(session.to_string()),
            );
            let result = client.delete_session(&session).await;
            writes::record(&mut entry, &result);
            let recorded = append(&log, &entry);
            match result {
                Ok(_) => Ok(Done::said(format!("deleted session {session} at Veriff ({recorded})"))),
                Err(ApiError::RateLimited { retry_after }) => Err(writes::deletion_rate_limited(retry_after).into()),
                Err(e) => Err(e.into()),
            }
        }
        Write::ReviewHit(session, review) => {
            let mut entry = writes::entry(
                "review_watchlist_hit",
                policy.profile.clone(),
                &client.config().api_url,
                Some(session.to_string()),
            );
            let result = client.review_hit(&session, &review).await;
            writes::record(&mut entry, &result);
            let recorded = append(&log, &entry);
            result?;
            Ok(Done::said(format!(
                "hit {} of session {} recorded as {} ({recorded})",
                crate::text::clean(&review.hit),
                session.short(),
                review.match_status
            )))
        }
        Write::NewSession(new) => {
            let mut entry = writes::entry("create_session", policy.profile.clone(), &client.config().api_url, None);
            let result = client.create_session(&new).await;
            writes::record(&mut entry, &result);
            let created = result
                .as_ref()
                .ok()
                .and_then(|written| written.answer.verification.clone());
            entry.session = created.as_ref().map(|v| v.id.clone());
            let recorded = append(&log, &entry);
            result?;
            let created = created.ok_or_else(|| Failure::from("Veriff's answer has no verification"))?;
            Ok(Done {
                said: format!("created session {} ({recorded})", crate::text::clean(&created.id)),
                created: Some((created.id.as_str().into(), created.url)),
            })
        }
    }
}

/// Appends the entry; what to say of where it went.
fn append(log: &std::path::Path, entry: &crate::audit::Entry) -> String {
    match crate::audit::append(log, entry) {
        Ok(()) => format!("recorded in {}", log.display()),
        Err(e) => format!("could not append to {}: {e}", log.display()),
    }
}
