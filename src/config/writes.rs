//! What every write to Veriff goes through, from the command line and the
//! browser alike: the read-only refusal, the audit log opened before anything is
//! sent, and the entry that records Veriff's answer. The tool's own refusals
//! and its runs that change things here (exports, inbox imports and purges) are
//! recorded through here too; every line is appended by [`crate::audit::append`].

use std::path::{Path, PathBuf};

use super::{Env, Settings};
use crate::api::{ApiError, HitReview, Written};
use crate::audit::Entry;

/// Refuses a write where the profile or the flag says read-only.
pub fn writes_allowed(profile: Option<&str>, read_only: bool) -> Result<(), String> {
    if read_only {
        let profile = profile.unwrap_or("default");
        return Err(format!(
            "refused: the profile {profile} is read-only (read_only = true, or --read-only); writes to Veriff are off"
        ));
    }
    Ok(())
}

impl Settings {
    pub fn writes_allowed(&self) -> Result<(), String> {
        writes_allowed(self.profile.as_deref(), self.read_only)
    }
}

/// Where the audit log is.
pub fn audit_log_path(env: Env) -> Option<PathBuf> {
    super::data_dir(env).map(|d| d.join("audit.log"))
}

/// The audit log's path, once it is known to open for appending: checked before
/// a write is sent, so a write that could not be recorded is not made.
pub fn audit_log_ready(path: Option<PathBuf>) -> Result<PathBuf, String> {
    let path = path.ok_or(
        "refused: no data dir for the audit log (set HOME or XDG_DATA_HOME); every write is recorded there first",
    )?;
    let opened = path
        .parent()
        .map_or(Ok(()), crate::files::create_private_dir_all)
        .and_then(|()| {
            crate::files::private_file_options()
                .create(true)
                .append(true)
                .open(&path)
        });
    opened.map_err(|e| {
        format!(
            "refused: cannot open the audit log {}: {e}; every write is recorded there first",
            path.display()
        )
    })?;
    Ok(path)
}

/// A new audit entry for the write `action` through `profile`'s API, with the
/// id its request is sent with.
pub fn entry(action: &'static str, profile: Option<String>, api_url: &reqwest::Url, session: Option<String>) -> Entry {
    Entry::new(action, profile, Some(api_url.to_string()), session).with_request_id()
}

/// The entry of a hit's review: which hit, the status chosen, whether it was
/// whitelisted.
pub fn reviewing(mut entry: Entry, review: &HitReview) -> Entry {
    entry.hit = Some(crate::text::clean_short(&review.hit, 100));
    entry.match_status = Some(crate::text::clean_short(&review.match_status, 40));
    entry.risk_level = review.risk_level.as_deref().map(|l| crate::text::clean_short(l, 20));
    entry.whitelisted = review.whitelisted;
    entry
}

/// Appends `entry` to the log, and to the team's audit where this run shares
/// one ([`share_with_team`]); what to say of where it went, or why it did not.
pub fn append(log: &Path, entry: &mut Entry) -> Result<String, String> {
    let appended = crate::audit::append(log, entry);
    if let Some(team) = TEAM.lock().expect("team audit lock").as_ref()
        && let Ok(line) = serde_json::to_value(&*entry)
    {
        let _ = team.send(line);
    }
    match appended {
        Ok(()) => Ok(format!("recorded in {}", log.display())),
        Err(e) => Err(format!("could not append to {}: {e}", log.display())),
    }
}

/// Where this run's audit lines are shared with the team, if anywhere.
static TEAM: std::sync::Mutex<Option<tokio::sync::mpsc::UnboundedSender<serde_json::Value>>> =
    std::sync::Mutex::new(None);

/// This run's audit lines, copied into the team's audit of a shared store in the
/// background (never delaying a write, never failing it: a copy that cannot be
/// made is logged).
pub struct TeamShare(tokio::task::JoinHandle<()>);

/// From now on every audit line this process appends is also appended to
/// `store`'s team audit (PostgreSQL; a SQLite store keeps none).
pub fn share_with_team(store: crate::inbox::Store) -> TeamShare {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<serde_json::Value>();
    *TEAM.lock().expect("team audit lock") = Some(tx);
    TeamShare(tokio::spawn(async move {
        while let Some(line) = rx.recv().await {
            if let Err(e) = store.record_audit(&line).await {
                tracing::warn!("{e}");
            }
        }
    }))
}

impl TeamShare {
    /// Stops sharing, once what was appended is in the team's audit (at most 2 s:
    /// a store that stopped answering must not hold up the end of a command).
    pub async fn flush(self) {
        TEAM.lock().expect("team audit lock").take();
        if tokio::time::timeout(std::time::Duration::from_secs(2), self.0)
            .await
            .is_err()
        {
            eprintln!("warning: the team's audit did not take this run's lines within 2 s");
        }
    }
}

/// A write the tool refuses itself (nothing is sent), recorded where the log
/// can be written, with `reason` as a short code; `why` comes back to be said.
pub fn refuse(log: Option<PathBuf>, entry: Entry, reason: &'static str, why: String) -> String {
    match record_refusal(log, entry, reason) {
        Err(e) => format!("{why} ({e})"),
        Ok(()) => why,
    }
}

/// The line of a write the tool refused itself: no request id, no status.
pub fn record_refusal(log: Option<PathBuf>, mut entry: Entry, reason: &'static str) -> Result<(), String> {
    entry.outcome = "refused_here";
    entry.reason = Some(reason);
    entry.request_id = None;
    let log = log.ok_or("no data dir for the audit log (set HOME or XDG_DATA_HOME)")?;
    append(&log, &mut entry).map(drop)
}

/// Records a run that changed things here (an export, an inbox import or
/// purge) with its counts, never a value; why it could not be, if so.
pub fn record_run(
    log: Option<&Path>,
    action: &'static str,
    profile: Option<String>,
    api_url: Option<&reqwest::Url>,
    outcome: &'static str,
    counts: &[(&'static str, u64)],
) -> Result<(), String> {
    let log = log.ok_or("no data dir for the audit log (set HOME or XDG_DATA_HOME)")?;
    let mut entry = Entry::new(action, profile, api_url.map(ToString::to_string), None);
    entry.outcome = outcome;
    entry.counts = counts.iter().copied().collect();
    append(log, &mut entry).map(drop)
}

/// A request reference as the audit log keeps it: terminal-safe text (a control
/// character becomes U+FFFD), at most 100 characters; `None` when blank.
pub fn reference(given: &str) -> Option<String> {
    let kept: String = crate::text::clean(given).chars().take(100).collect();
    let kept = kept.trim();
    (!kept.is_empty()).then(|| kept.to_owned())
}

/// Records an export run: how many sessions and files, how many failed; never
/// an id or the folder (a case's name may be in it).
pub fn record_export(
    log: Option<&Path>,
    profile: Option<String>,
    api_url: &reqwest::Url,
    snapshot: &crate::export::Snapshot,
    interrupted: bool,
) -> Result<(), String> {
    let outcome = match (interrupted, snapshot.sessions_failed) {
        (true, _) => "interrupted",
        (false, 0) => "done",
        (false, _) => "failed",
    };
    let counts = [
        ("sessions", snapshot.sessions_total),
        ("sessions_failed", snapshot.sessions_failed),
        ("files", snapshot.files_done),
        ("files_already_there", snapshot.files_skipped),
        ("files_failed", snapshot.files_failed),
    ];
    record_run(log, "export", profile, Some(api_url), outcome, &counts)
}

/// Writes Veriff's answer (or the failure) into the audit entry. A 2xx whose
/// answer could not be verified is `unverified`: the write may have happened.
pub fn record<T>(entry: &mut Entry, result: &Result<Written<T>, ApiError>) {
    (entry.status, entry.outcome) = match result {
        Ok(written) => (Some(written.status), "done"),
        Err(ApiError::Unverified { status, .. }) => (Some(*status), "unverified"),
        Err(ApiError::Refused(_)) => {
            entry.request_id = None;
            (None, "refused_here")
        }
        Err(e @ ApiError::RateLimited { .. }) => (status_of(e), "rate_limited"),
        Err(e @ (ApiError::Veriff { .. } | ApiError::Http { .. })) => (status_of(e), "refused"),
        Err(e) => (status_of(e), "failed"),
    };
}

fn status_of(error: &ApiError) -> Option<u16> {
    match error {
        ApiError::Veriff { status, .. } | ApiError::Http { status, .. } => Some(*status),
        ApiError::RateLimited { .. } => Some(429),
        _ => None,
    }
}

/// Why Veriff refused a deletion for its rate, said the same everywhere.
pub fn deletion_rate_limited(retry_after: Option<std::time::Duration>) -> String {
    let wait = retry_after
        .map(|d| format!("; Veriff says try again in {} s", d.as_secs()))
        .unwrap_or_default();
    format!(
        "Veriff refused the deletion: an integration may delete {} sessions an hour and {} a day{wait}; nothing was \
         deleted",
        crate::api::DELETIONS_PER_HOUR,
        crate::api::DELETIONS_PER_DAY
    )
}
