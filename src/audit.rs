//! The audit log: one JSON line for every write to Veriff (a new session, a
//! deletion), appended to `$XDG_DATA_HOME/veriff-tui/audit.log`, private to the user.
//! It names who, where, what and Veriff's answer, and never a personal value: no
//! name, no vendorData, no URL handed to an end user.

use std::io::Write;
use std::path::Path;

use serde::Serialize;

/// One write, as the log keeps it.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// RFC 3339, UTC.
    pub time: String,
    /// `user@host`.
    pub user: String,
    pub profile: Option<String>,
    pub api_url: String,
    /// `create_session`, `delete_session`, `review_watchlist_hit`.
    pub action: &'static str,
    pub session: Option<String>,
    /// Ours, sent with the request as `X-Request-Id`, to find it again on both sides.
    pub request_id: String,
    /// Veriff's HTTP status; none when no answer came.
    pub status: Option<u16>,
    /// `done`, or the kind of failure (`refused`, `rate_limited`, `failed`).
    pub outcome: &'static str,
    /// The request an erasure answers (a data subject request's number), as given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

impl Entry {
    pub fn new(action: &'static str, profile: Option<String>, api_url: String, session: Option<String>) -> Entry {
        Entry {
            time: humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
            user: user_at_host(),
            profile,
            api_url,
            action,
            session,
            request_id: format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..)),
            status: None,
            outcome: "failed",
            reference: None,
        }
    }
}

/// Appends `entry` as one line; the file and its folder are created private.
pub fn append(path: &Path, entry: &Entry) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::files::create_private_dir_all(dir)?;
    }
    let mut line = serde_json::to_vec(entry).map_err(std::io::Error::other)?;
    line.push(b'\n');
    let mut file = crate::files::private_file_options()
        .create(true)
        .append(true)
        .open(path)?;
    // One write of the whole line: lines from two processes never interleave.
    file.write_all(&line)
}

/// Who acts, as `user@host`: written beside every write and every inbox claim.
pub fn user_at_host() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".into());
    let mut name = [0u8; 256];
    // SAFETY: the buffer is valid for its length; gethostname writes at most that.
    let host = if unsafe { libc::gethostname(name.as_mut_ptr().cast(), name.len()) } == 0 {
        let end = name.iter().position(|b| *b == 0).unwrap_or(name.len());
        String::from_utf8_lossy(&name[..end]).into_owned()
    } else {
        "unknown".into()
    };
    crate::text::clean_short(&format!("{user}@{host}"), 120)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn each_write_is_one_private_json_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data/audit.log");
        let mut entry = Entry::new(
            "delete_session",
            Some("live".into()),
            "https://x/v1/".into(),
            Some("s".into()),
        );
        entry.status = Some(200);
        entry.outcome = "done";
        append(&path, &entry).unwrap();
        append(&path, &entry).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["action"], "delete_session");
        assert_eq!(lines[0]["status"], 200);
        assert!(lines[0]["user"].as_str().unwrap().contains('@'));
        assert!(lines[0]["time"].as_str().unwrap().ends_with('Z'));
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    }
}
