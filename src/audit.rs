//! The audit log: one JSON line for everything the tool does that changes
//! something or that it refuses to do (a write to Veriff, a refusal of one, an
//! export, an inbox import or purge), appended to
//! `$XDG_DATA_HOME/veriff-tui/audit.log`, private to the user. It names who,
//! where, what and the outcome, and never a personal value: no name, no
//! vendorData, no URL handed to an end user, no path chosen for an export.
//!
//! Each line carries `prev`, the SHA-256 of the line before it (of its bytes
//! without the newline; [`GENESIS`] for the first line), so a line edited or
//! removed inside the log is found by [`verify`]. Lines are appended under an
//! exclusive `flock`, which two processes appending at once both take, so the
//! chain is never forked or interleaved.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

use serde::Serialize;
use sha2::{Digest, Sha256};

/// The `prev` of the log's first line.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One thing done (or refused), as the log keeps it.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// RFC 3339, UTC.
    pub time: String,
    /// `user@host`.
    pub user: String,
    pub profile: Option<String>,
    /// The API written to; none for what touches only the inbox.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_url: Option<String>,
    /// `create_session`, `delete_session`, `review_watchlist_hit`, `export`,
    /// `inbox_import`, `inbox_purge`, `inbox_restore`.
    pub action: &'static str,
    pub session: Option<String>,
    /// Ours, sent with the request as `X-Request-Id`, to find it again on both
    /// sides; none when nothing was sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Veriff's HTTP status; none when no answer came.
    pub status: Option<u16>,
    /// `done`; `refused` (by Veriff), `rate_limited`, `failed`; `unverified` (a
    /// 2xx whose signature did not check out: the write may have happened);
    /// `refused_here` (by this tool, nothing sent); `interrupted`.
    pub outcome: &'static str,
    /// Why the tool refused, as a short code (`read_only`, `not_deletable`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'static str>,
    /// The request an erasure answers (a data subject request's number), as given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// A watchlist review's hit id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hit: Option<String>,
    /// The match status a review chose.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub match_status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk_level: Option<String>,
    /// Whether the review whitelisted the hit (absent: left as it was).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub whitelisted: Option<bool>,
    /// What a run did, counted (`sessions`, `failed`, `files`, `stored`, ...).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub counts: BTreeMap<&'static str, u64>,
    /// The SHA-256 of the line before, set by [`append`].
    pub prev: String,
}

impl Entry {
    /// A line for `action`, its outcome `failed` until told otherwise.
    pub fn new(
        action: &'static str,
        profile: Option<String>,
        api_url: Option<String>,
        session: Option<String>,
    ) -> Entry {
        Entry {
            time: crate::time::now_utc(),
            user: user_at_host(),
            profile,
            api_url,
            action,
            session,
            request_id: None,
            status: None,
            outcome: "failed",
            reason: None,
            reference: None,
            hit: None,
            match_status: None,
            risk_level: None,
            whitelisted: None,
            counts: BTreeMap::new(),
            prev: String::new(),
        }
    }

    /// A fresh id for the request this line records, sent as `X-Request-Id`.
    pub fn with_request_id(mut self) -> Entry {
        self.request_id = Some(format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..)));
        self
    }
}

/// The hex SHA-256 of a line's bytes (without its newline), as the next line's `prev`.
pub fn line_hash(line: &[u8]) -> String {
    hex::encode(Sha256::digest(line))
}

/// Holds `flock` on a file until dropped (closing the file would release it too).
struct Locked<'a>(&'a File);

impl<'a> Locked<'a> {
    fn new(file: &'a File, exclusive: bool) -> std::io::Result<Locked<'a>> {
        use rustix::fs::FlockOperation;
        let operation = if exclusive {
            FlockOperation::LockExclusive
        } else {
            FlockOperation::LockShared
        };
        loop {
            match rustix::fs::flock(file, operation) {
                Ok(()) => return Ok(Locked(file)),
                Err(rustix::io::Errno::INTR) => continue,
                Err(e) => return Err(e.into()),
            }
        }
    }
}

impl Drop for Locked<'_> {
    fn drop(&mut self) {
        let _ = rustix::fs::flock(self.0, rustix::fs::FlockOperation::Unlock);
    }
}

/// The file's last line (without its newline), and whether the file ends in one.
fn last_line(mut file: &File) -> std::io::Result<Option<(Vec<u8>, bool)>> {
    let len = file.metadata()?.len();
    if len == 0 {
        return Ok(None);
    }
    let mut tail = Vec::new();
    let mut start = len;
    loop {
        let from = start.saturating_sub(4096);
        let mut chunk = vec![0; (start - from) as usize];
        file.seek(SeekFrom::Start(from))?;
        file.read_exact(&mut chunk)?;
        chunk.extend_from_slice(&tail);
        tail = chunk;
        start = from;
        let newline_ended = tail.last() == Some(&b'\n');
        let content = &tail[..tail.len() - usize::from(newline_ended)];
        if let Some(i) = content.iter().rposition(|b| *b == b'\n') {
            return Ok(Some((content[i + 1..].to_vec(), newline_ended)));
        }
        if start == 0 {
            return Ok(Some((content.to_vec(), newline_ended)));
        }
    }
}

/// Appends `entry` as one line chained to the one before it (its `prev` set
/// here); the file and its folder are created private. The last line is read
/// and the new one written under an exclusive lock, so appends from two
/// processes follow one another.
pub fn append(path: &Path, entry: &mut Entry) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::files::create_private_dir_all(dir)?;
    }
    let file = crate::files::private_file_options()
        .create(true)
        .read(true)
        .append(true)
        .open(path)?;
    let _locked = Locked::new(&file, true)?;
    let last = last_line(&file)?;
    entry.prev = last
        .as_ref()
        .map_or_else(|| GENESIS.to_owned(), |(line, _)| line_hash(line));
    let mut line = Vec::new();
    // A line cut short by a full disk is closed first, so this one stays whole.
    if last.as_ref().is_some_and(|(_, newline_ended)| !newline_ended) {
        line.push(b'\n');
    }
    serde_json::to_writer(&mut line, entry).map_err(std::io::Error::other)?;
    line.push(b'\n');
    (&file).write_all(&line)
}

/// The log's lines, numbered from 1, each parsed as JSON where it is JSON.
pub fn read(path: &Path) -> std::io::Result<Vec<(usize, Option<serde_json::Value>)>> {
    let bytes = read_locked(path)?;
    Ok(lines(&bytes)
        .into_iter()
        .enumerate()
        .map(|(i, line)| (i + 1, serde_json::from_slice(line).ok()))
        .collect())
}

/// The whole file, read under a shared lock so no append is half seen.
fn read_locked(path: &Path) -> std::io::Result<Vec<u8>> {
    let file = File::open(path)?;
    let _locked = Locked::new(&file, false)?;
    let mut bytes = Vec::new();
    (&file).read_to_end(&mut bytes)?;
    Ok(bytes)
}

fn lines(bytes: &[u8]) -> Vec<&[u8]> {
    if bytes.is_empty() {
        return Vec::new();
    }
    bytes
        .strip_suffix(b"\n")
        .unwrap_or(bytes)
        .split(|b| *b == b'\n')
        .collect()
}

/// What [`verify`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chain {
    pub lines: usize,
    /// Lines before the first with a `prev` (written before the chain existed):
    /// counted, not proven.
    pub unchained: usize,
    /// The first line that breaks the chain, and why.
    pub broken: Option<(usize, String)>,
    /// The SHA-256 of the last line: written down elsewhere, it proves later
    /// that nothing up to here was rewritten.
    pub head: Option<String>,
}

/// Checks that each line's `prev` is the hash of the line before it, from the
/// first line that has one; names the first line where that fails.
pub fn verify(path: &Path) -> std::io::Result<Chain> {
    let bytes = read_locked(path)?;
    let mut chain = Chain {
        lines: 0,
        unchained: 0,
        broken: None,
        head: None,
    };
    let mut previous = GENESIS.to_owned();
    let mut chained = false;
    for (i, line) in lines(&bytes).into_iter().enumerate() {
        let number = i + 1;
        chain.lines = number;
        let broken = match serde_json::from_slice::<serde_json::Value>(line) {
            Ok(serde_json::Value::Object(fields)) => match fields.get("prev") {
                Some(serde_json::Value::String(prev)) if *prev == previous => {
                    chained = true;
                    None
                }
                Some(_) if number == 1 => {
                    Some("its prev is not the genesis value: lines before it were removed".into())
                }
                Some(_) => Some(format!(
                    "its prev is not the SHA-256 of line {}: line {} was changed, or lines between them removed or \
                     added",
                    number - 1,
                    number - 1
                )),
                None if chained => Some("it has no prev, though lines before it are chained: changed or added".into()),
                None => {
                    chain.unchained += 1;
                    None
                }
            },
            _ => Some("it is not a JSON object: changed, or cut short".into()),
        };
        if let Some(why) = broken.filter(|_| chain.broken.is_none()) {
            chain.broken = Some((number, why));
        }
        previous = line_hash(line);
    }
    chain.head = (chain.lines > 0).then_some(previous);
    Ok(chain)
}

/// Who acts, as `user@host`: written beside every write and every inbox claim.
pub fn user_at_host() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".into());
    // gethostname(3) is uname(2)'s nodename.
    let host = rustix::system::uname().nodename().to_string_lossy().into_owned();
    crate::text::clean_short(&format!("{user}@{host}"), 120)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn deletion() -> Entry {
        let mut entry = Entry::new(
            "delete_session",
            Some("live".into()),
            Some("https://x/v1/".into()),
            Some("s".into()),
        )
        .with_request_id();
        entry.status = Some(200);
        entry.outcome = "done";
        entry
    }

    #[test]
    fn each_write_is_one_private_json_line_chained_to_the_one_before() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data/audit.log");
        append(&path, &mut deletion()).unwrap();
        append(&path, &mut deletion()).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let raw: Vec<&str> = text.lines().collect();
        let lines: Vec<serde_json::Value> = raw.iter().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["action"], "delete_session");
        assert_eq!(lines[0]["status"], 200);
        assert_eq!(lines[0]["request_id"].as_str().unwrap().len(), 32);
        assert!(lines[0]["user"].as_str().unwrap().contains('@'));
        assert!(lines[0]["time"].as_str().unwrap().ends_with('Z'));
        assert_eq!(lines[0]["prev"], GENESIS);
        assert_eq!(lines[1]["prev"], line_hash(raw[0].as_bytes()));
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        let chain = verify(&path).unwrap();
        assert_eq!(chain.broken, None);
        assert_eq!(chain.head, Some(line_hash(raw[1].as_bytes())));
    }

    #[test]
    fn appends_from_many_writers_at_once_keep_one_chain() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.log");
        let writers: Vec<_> = (0..6)
            .map(|_| {
                let path = path.clone();
                // Each opens the file itself, as another process would.
                std::thread::spawn(move || {
                    for _ in 0..40 {
                        append(&path, &mut deletion()).unwrap();
                    }
                })
            })
            .collect();
        for writer in writers {
            writer.join().unwrap();
        }
        let chain = verify(&path).unwrap();
        assert_eq!(chain.lines, 240);
        assert_eq!(chain.broken, None, "no two appends read the same last line");
    }

    #[test]
    fn lines_from_before_the_chain_are_counted_and_the_chain_starts_after_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.log");
        let old = r#"{"time":"2026-01-01T00:00:00Z","action":"delete_session","outcome":"done"}"#;
        std::fs::write(&path, format!("{old}\n{old}\n")).unwrap();
        append(&path, &mut deletion()).unwrap();
        append(&path, &mut deletion()).unwrap();
        let chain = verify(&path).unwrap();
        assert_eq!((chain.lines, chain.unchained, chain.broken), (4, 2, None));

        // An old line inserted after the chain began breaks it.
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str(old);
        text.push('\n');
        std::fs::write(&path, text).unwrap();
        let chain = verify(&path).unwrap();
        assert_eq!(chain.broken.map(|(line, _)| line), Some(5));
    }

    #[test]
    fn a_line_cut_short_is_closed_before_the_next_and_found() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.log");
        append(&path, &mut deletion()).unwrap();
        let mut file = std::fs::OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(br#"{"time":"2026"#).unwrap();
        append(&path, &mut deletion()).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 3);
        assert!(serde_json::from_str::<serde_json::Value>(text.lines().nth(2).unwrap()).is_ok());
        let chain = verify(&path).unwrap();
        assert_eq!(chain.broken.map(|(line, _)| line), Some(2));
    }
}
