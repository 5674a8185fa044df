//! What every write to Veriff goes through, from the command line and the
//! browser alike: the read-only refusal, the audit log opened before anything is
//! sent, and the entry that records Veriff's answer.

use std::path::PathBuf;

use super::{Env, Settings};
use crate::api::{ApiError, Written};
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

/// A new audit entry for `action` through `profile`'s API.
pub fn entry(action: &'static str, profile: Option<String>, api_url: &reqwest::Url, session: Option<String>) -> Entry {
    Entry::new(action, profile, api_url.to_string(), session)
}

/// A request reference as the audit log keeps it: terminal-safe text (a control
/// character becomes U+FFFD), at most 100 characters; `None` when blank.
pub fn reference(given: &str) -> Option<String> {
    let kept: String = crate::text::clean(given).chars().take(100).collect();
    let kept = kept.trim();
    (!kept.is_empty()).then(|| kept.to_owned())
}

/// Writes Veriff's answer (or the failure) into the audit entry.
pub fn record<T>(entry: &mut Entry, result: &Result<Written<T>, ApiError>) {
    (entry.status, entry.outcome) = match result {
        Ok(written) => (Some(written.status), "done"),
        Err(e @ ApiError::RateLimited { .. }) => (status_of(e), "rate_limited"),
        Err(e @ (ApiError::Veriff { .. } | ApiError::Http { .. } | ApiError::Refused(_))) => (status_of(e), "refused"),
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
