//! `DIR/manifest.json`: what an export holds, file by file, with the sha256 that
//! proves each file is what the API sent. Written atomically (temporary file, then
//! rename), so a reader never sees half of one, whenever the export stops.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub const FILE_NAME: &str = "manifest.json";
const VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub version: u32,
    /// The API the files came from (`host:port`).
    pub api: String,
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
            api,
            sessions: Vec::new(),
        }
    }

    /// The manifest in `dir`, if there is a readable one.
    pub fn load(dir: &Path) -> Option<Manifest> {
        let bytes = std::fs::read(dir.join(FILE_NAME)).ok()?;
        match serde_json::from_slice::<Manifest>(&bytes) {
            Ok(manifest) => Some(manifest),
            Err(e) => {
                tracing::warn!("ignoring an unreadable {FILE_NAME} in {}: {e}", dir.display());
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

    /// Writes `DIR/manifest.json` atomically.
    pub fn save(&self, dir: &Path) -> std::io::Result<()> {
        crate::files::write_private(&dir.join(FILE_NAME), self.to_json().as_bytes())
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The size and sha256 of a file, read in pieces.
pub fn hash_file(path: &Path) -> std::io::Result<(u64, String)> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; 256 * 1024];
    let mut size = 0;
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        size += n as u64;
    }
    Ok((size, hex::encode(hasher.finalize())))
}
