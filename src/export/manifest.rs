//! `DIR/manifest.json`: what an export holds, file by file, with the sha256 that
//! proves each file is what the API sent. Written atomically (temporary file, then
//! rename), so a reader never sees half of one, whenever the export stops.

use std::collections::HashMap;
use std::path::Path;

use crate::files::Folder;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::folder::{self, MANIFEST_FILE};
use super::seal::{self, TeamKey};
use crate::api::Secret;

/// 3: sealed, with `hmac` and `team_key`.
const VERSION: u32 = 3;
/// Bigger than any manifest an export writes; a larger file is not read.
const MAX_MANIFEST: u64 = 512 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub version: u32,
    /// Which tool wrote it, e.g. `veriff-tui 0.1.0`.
    #[serde(default)]
    pub tool: String,
    /// What the files came from, as resuming compares it: `host:port`, or on
    /// this machine (the demo server) `loopback/` and a hash of the API key,
    /// whatever the port.
    pub api: String,
    /// The API URL of the last run.
    #[serde(default)]
    pub api_url: String,
    /// When the last run started and ended (UTC, RFC 3339).
    #[serde(default)]
    pub started: String,
    #[serde(default)]
    pub finished: String,
    /// The id of the team's key that signed this file (`manifest.json.minisig`),
    /// as `minisign` prints it; absent when no team key was configured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_key: Option<String>,
    /// HMAC-SHA256 under the shared secret of the canonical bytes of everything
    /// else here ([`super::seal::manifest_hmac`]): no entry can be moved, dropped or
    /// re-pointed without the secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hmac: Option<String>,
    /// In the order they were first asked for.
    pub sessions: Vec<SessionRecord>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionStatus {
    /// Every file there and verified.
    Done,
    /// Something could not be fetched: see `error` and `failures`.
    Failed,
    /// Stopped (Ctrl-C) before it finished: `files` holds what completed.
    Interrupted,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionRecord {
    pub id: String,
    pub status: SessionStatus,
    /// The first failure, for a one-line summary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<Failure>,
    /// Optional data the API does not offer for this session or integration.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_available: Vec<Unavailable>,
    #[serde(default)]
    pub files: Vec<FileRecord>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Failure {
    pub endpoint: String,
    pub error: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unavailable {
    /// The file it would have been, e.g. `person.json`.
    pub file: String,
    pub endpoint: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileRecord {
    /// Relative to the export folder, `/`-separated.
    pub path: String,
    pub size: u64,
    pub sha256: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mimetype: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_id: Option<String>,
    /// The API path it was fetched from, e.g. `/v1/media/{id}`.
    pub endpoint: String,
    /// The `X-HMAC-SIGNATURE` Veriff sent with it: the HMAC-SHA256 of its bytes
    /// under the integration's shared secret, which only Veriff and the
    /// integration hold. Absent only when unsigned replies were allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    /// When it was fetched (UTC, RFC 3339).
    #[serde(default)]
    pub fetched: String,
}

impl SessionRecord {
    /// A session not (yet) finished: nothing recorded.
    pub fn new(id: &str) -> SessionRecord {
        SessionRecord {
            id: id.to_owned(),
            status: SessionStatus::Interrupted,
            error: None,
            failures: Vec::new(),
            not_available: Vec::new(),
            files: Vec::new(),
        }
    }
}

impl Manifest {
    pub fn new(api: String) -> Manifest {
        Manifest {
            version: VERSION,
            tool: concat!("veriff-tui ", env!("CARGO_PKG_VERSION")).to_owned(),
            api,
            api_url: String::new(),
            started: String::new(),
            finished: String::new(),
            team_key: None,
            hmac: None,
            sessions: Vec::new(),
        }
    }

    /// The manifest in `dir`, if there is a readable one.
    pub fn load(dir: &Path) -> Option<Manifest> {
        // Never through a link, never blocking on a FIFO planted in its place.
        let bytes = folder::read_regular(&dir.join(MANIFEST_FILE), None, MAX_MANIFEST).ok()??;
        match serde_json::from_slice::<Manifest>(&bytes) {
            Ok(manifest) => Some(manifest),
            Err(e) => {
                tracing::warn!("ignoring an unreadable {MANIFEST_FILE} in {}: {e}", dir.display());
                None
            }
        }
    }

    /// Every file recorded, by the endpoint it came from.
    pub fn files_by_endpoint(&self) -> HashMap<String, FileRecord> {
        self.sessions
            .iter()
            .flat_map(|s| &s.files)
            .map(|f| (f.endpoint.clone(), f.clone()))
            .collect()
    }

    /// Replaces the record of `record.id`, or adds it at the end.
    pub fn put(&mut self, record: SessionRecord) {
        match self.sessions.iter_mut().find(|s| s.id == record.id) {
            Some(slot) => *slot = record,
            None => self.sessions.push(record),
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a manifest always serialises") + "\n"
    }

    /// Sets `team_key` to the id of the key that will sign it and `hmac` to the
    /// HMAC of the rest under `secret` (none with an empty secret).
    pub fn seal(&mut self, secret: &Secret, team_key: Option<&TeamKey>) {
        self.team_key = team_key.map(TeamKey::id);
        self.hmac = None;
        if !secret.is_empty() {
            let value = serde_json::to_value(&*self).expect("a manifest always serialises");
            self.hmac = Some(seal::manifest_hmac(&value, secret));
        }
    }

    /// Writes `DIR/manifest.json` atomically, and with the team's key its
    /// signature beside it, over the exact bytes written; without a key, the
    /// signature of an earlier run is removed: it no longer signs this manifest.
    pub fn save(&self, dir: &Folder, team_key: Option<&TeamKey>) -> Result<(), String> {
        let bytes = self.to_json();
        dir.write(MANIFEST_FILE, bytes.as_bytes())
            .map_err(|e| format!("cannot write {}: {e}", dir.join(MANIFEST_FILE).display()))?;
        let signature_path = dir.join(seal::SIGNATURE_FILE);
        match team_key {
            Some(key) => {
                let comment = format!(
                    "veriff-tui export manifest, {} sessions, key {}, signed {}",
                    self.sessions.len(),
                    key.id(),
                    crate::time::now_utc()
                );
                let signature = key.sign(bytes.as_bytes(), &comment)?;
                dir.write(seal::SIGNATURE_FILE, signature.as_bytes())
                    .map_err(|e| format!("cannot write {}: {e}", signature_path.display()))
            }
            None => dir
                .remove(seal::SIGNATURE_FILE)
                .map_err(|e| format!("cannot remove {}: {e}", signature_path.display())),
        }
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}
