//! The demo data: sessions from `assets/demo/sessions.json`, synthetic media files
//! from `assets/demo/`, all built into the binary so `--demo` works from anywhere,
//! plus a generated large session for performance work.

use std::collections::HashMap;

use axum::body::Bytes;
use serde::Deserialize;
use serde_json::{Value, json};

const SESSIONS_JSON: &str = include_str!("../../assets/demo/sessions.json");

/// Every synthetic file, by the name `sessions.json` uses for it.
const FILES: &[(&str, &str, &[u8])] = &[
    (
        "document-front.jpg",
        "image/jpeg",
        include_bytes!("../../assets/demo/document-front.jpg"),
    ),
    (
        "document-back.jpg",
        "image/jpeg",
        include_bytes!("../../assets/demo/document-back.jpg"),
    ),
    ("face.jpg", "image/jpeg", include_bytes!("../../assets/demo/face.jpg")),
    (
        "face-pre.png",
        "image/png",
        include_bytes!("../../assets/demo/face-pre.png"),
    ),
    (
        "oversized-10000x10000.png",
        "image/png",
        include_bytes!("../../assets/demo/oversized-10000x10000.png"),
    ),
    (
        "selfid_video.webm",
        "video/webm",
        include_bytes!("../../assets/demo/selfid_video.webm"),
    ),
    (
        "document-front-pre-video.mp4",
        "video/mp4",
        include_bytes!("../../assets/demo/document-front-pre-video.mp4"),
    ),
];

/// A session with many attempts, the newest holding thousands of media, so the
/// browser's scale can be tried and measured.
pub const LARGE_SESSION: &str = "5ca1e000-0000-4000-8000-000000000060";
const LARGE_ATTEMPTS: usize = 60;
const LARGE_NEWEST_MEDIA: usize = 2000;

#[derive(Debug, Deserialize)]
struct SessionsFile {
    sessions: Vec<SessionEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SessionEntry {
    id: String,
    decision: Option<Value>,
    attempts: Vec<AttemptEntry>,
    /// The decision response's `technicalData`.
    #[serde(default)]
    technical_data: Option<Value>,
    /// `GET /sessions/{id}/person`'s `person`.
    #[serde(default)]
    person: Option<Value>,
    /// `GET /sessions/{id}/watchlist-screening`'s `data`.
    #[serde(default)]
    watchlist: Option<Value>,
    /// Data read from the document's chip: listed with the session's media,
    /// downloaded as JSON.
    #[serde(default)]
    nfc_documents: Vec<NfcEntry>,
}

#[derive(Debug, Deserialize)]
struct NfcEntry {
    id: String,
    context: String,
    data: Value,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AttemptEntry {
    id: String,
    status: String,
    created_time: String,
    media: Vec<MediaEntry>,
    /// Fields Veriff adds to an attempt (`userDefinedData`, ...), served as they are.
    #[serde(flatten)]
    extra: serde_json::Map<String, Value>,
}

#[derive(Debug, Deserialize)]
struct MediaEntry {
    id: String,
    context: String,
    file: String,
    #[serde(default)]
    duration: Option<f64>,
}

/// A file the server can send.
#[derive(Debug, Clone)]
pub struct Blob {
    pub mimetype: &'static str,
    pub bytes: Bytes,
}

#[derive(Debug, Clone)]
pub struct DemoMedia {
    pub id: String,
    pub context: String,
    pub session_id: String,
    pub duration: Option<f64>,
    pub blob: Blob,
}

impl DemoMedia {
    pub fn is_video(&self) -> bool {
        self.blob.mimetype.starts_with("video/")
    }

    /// The media object exactly as Veriff lists it, `url` pointing at this server.
    pub fn to_json(&self, base_url: &str) -> Value {
        let mut value = json!({
            "id": self.id,
            "name": self.context,
            "context": self.context,
            "timestamp": null,
            "size": self.blob.bytes.len(),
            "mimetype": self.blob.mimetype,
            "url": format!("{base_url}/v1/media/{}", self.id),
            "sessionId": self.session_id,
        });
        if let Some(duration) = self.duration {
            value["duration"] = json!(duration);
        }
        value
    }
}

#[derive(Debug, Clone)]
pub struct DemoAttempt {
    pub id: String,
    pub status: String,
    pub created_time: String,
    pub media: Vec<DemoMedia>,
    /// Fields beyond id, status and createdTime, listed with the attempt.
    pub extra: serde_json::Map<String, Value>,
}

#[derive(Debug, Clone)]
pub struct DemoSession {
    pub id: String,
    pub decision: Option<Value>,
    /// Newest first, as Veriff lists them.
    pub attempts: Vec<DemoAttempt>,
}

/// What a session has beyond attempts and decision: the answers of the triage
/// routes and its chip data.
#[derive(Debug, Clone, Default)]
pub struct DemoTriage {
    pub technical_data: Option<Value>,
    pub person: Option<Value>,
    pub watchlist: Option<Value>,
    pub nfc_documents: Vec<DemoMedia>,
}

#[derive(Debug, Default)]
pub struct DemoData {
    pub sessions: HashMap<String, DemoSession>,
    /// attempt id -> (session id, index in its session)
    pub attempts: HashMap<String, (String, usize)>,
    pub media: HashMap<String, DemoMedia>,
    /// The sessions `--demo` opens, in order (not the stress session).
    pub featured: Vec<String>,
    /// By session id; sessions without any have none.
    pub triage: HashMap<String, DemoTriage>,
}

impl DemoData {
    pub fn load() -> DemoData {
        let file: SessionsFile = serde_json::from_str(SESSIONS_JSON).expect("assets/demo/sessions.json is valid");
        let mut data = DemoData::default();
        for entry in file.sessions {
            let attempts = entry
                .attempts
                .into_iter()
                .map(|a| DemoAttempt {
                    id: a.id,
                    status: a.status,
                    created_time: a.created_time,
                    extra: a.extra,
                    media: a
                        .media
                        .into_iter()
                        .map(|m| DemoMedia {
                            id: m.id,
                            context: m.context,
                            session_id: entry.id.clone(),
                            duration: m.duration,
                            blob: blob(&m.file),
                        })
                        .collect(),
                })
                .collect();
            let nfc_documents: Vec<DemoMedia> = entry
                .nfc_documents
                .into_iter()
                .map(|n| DemoMedia {
                    id: n.id,
                    context: n.context,
                    session_id: entry.id.clone(),
                    duration: None,
                    blob: Blob {
                        mimetype: "application/json",
                        bytes: Bytes::from(serde_json::to_vec_pretty(&n.data).expect("JSON serialises")),
                    },
                })
                .collect();
            for nfc in &nfc_documents {
                data.media.insert(nfc.id.clone(), nfc.clone());
            }
            data.triage.insert(
                entry.id.clone(),
                DemoTriage {
                    technical_data: entry.technical_data,
                    person: entry.person,
                    watchlist: entry.watchlist,
                    nfc_documents,
                },
            );
            data.featured.push(entry.id.clone());
            data.insert(DemoSession {
                id: entry.id,
                decision: entry.decision,
                attempts,
            });
        }
        // Not featured: it is for benchmarks, opened by its id, not for a first look.
        data.insert(large_session());
        data
    }

    pub fn insert(&mut self, session: DemoSession) {
        for (index, attempt) in session.attempts.iter().enumerate() {
            self.attempts.insert(attempt.id.clone(), (session.id.clone(), index));
            for media in &attempt.media {
                self.media.insert(media.id.clone(), media.clone());
            }
        }
        self.sessions.insert(session.id.clone(), session);
    }

    pub fn attempt(&self, id: &str) -> Option<&DemoAttempt> {
        let (session, index) = self.attempts.get(id)?;
        self.sessions.get(session)?.attempts.get(*index)
    }
}

/// One attempt listing one large generated file (`--big-media-size`), so the
/// browser can be seen downloading something that takes a while.
pub fn big_session(session: &str, attempt: &str, media: &str, bytes: Bytes) -> DemoSession {
    DemoSession {
        id: session.to_owned(),
        decision: None,
        attempts: vec![DemoAttempt {
            extra: Default::default(),
            id: attempt.to_owned(),
            status: "submitted".to_owned(),
            created_time: "2026-11-28T12:00:00.000Z".to_owned(),
            media: vec![DemoMedia {
                id: media.to_owned(),
                context: "document-front".to_owned(),
                session_id: session.to_owned(),
                duration: None,
                blob: Blob {
                    mimetype: "application/octet-stream",
                    bytes,
                },
            }],
        }],
    }
}

pub fn blob(file: &str) -> Blob {
    let (_, mimetype, bytes) = FILES
        .iter()
        .find(|(name, _, _)| *name == file)
        .unwrap_or_else(|| panic!("assets/demo/sessions.json names {file}, which is not built in"));
    Blob {
        mimetype,
        bytes: Bytes::from_static(bytes),
    }
}

const IMAGE_CONTEXTS: &[(&str, &str)] = &[
    ("document-front", "document-front.jpg"),
    ("document-back", "document-back.jpg"),
    ("face", "face.jpg"),
    ("face-pre", "face-pre.png"),
    ("document-and-face", "face.jpg"),
    ("document-front-pre", "document-front.jpg"),
];

fn large_session() -> DemoSession {
    const STATUSES: &[&str] = &[
        "resubmission_requested",
        "declined",
        "abandoned",
        "expired",
        "submitted",
    ];
    let attempts = (0..LARGE_ATTEMPTS)
        .map(|n| {
            let media_count = if n == 0 { LARGE_NEWEST_MEDIA } else { 1 + n % 4 };
            let media = (0..media_count)
                .map(|m| {
                    let (context, file) = IMAGE_CONTEXTS[m % IMAGE_CONTEXTS.len()];
                    DemoMedia {
                        id: format!("5ca1e{n:03x}-0000-4000-8000-{m:012x}"),
                        context: context.to_owned(),
                        session_id: LARGE_SESSION.to_owned(),
                        duration: None,
                        blob: blob(file),
                    }
                })
                .collect();
            let minutes = (LARGE_ATTEMPTS - n) * 7;
            DemoAttempt {
                extra: Default::default(),
                id: format!("5ca1ea00-0000-4000-8000-{n:012x}"),
                status: if n == 0 { "review" } else { STATUSES[n % STATUSES.len()] }.to_owned(),
                created_time: format!(
                    "2026-11-{:02}T{:02}:{:02}:00.000Z",
                    27 - minutes / 1440,
                    (minutes / 60) % 24,
                    minutes % 60
                ),
                media,
            }
        })
        .collect();
    DemoSession {
        id: LARGE_SESSION.to_owned(),
        decision: Some(json!({"status": "review", "code": 9121, "reason": null, "reasonCode": null})),
        attempts,
    }
}

/// Sessions of the bulk data set ([`crate::server::ServerOptions::bulk`]): like
/// an audit request's list, for the export benchmark.
pub const BULK_SESSIONS: usize = 40;
const BULK_ATTEMPTS: usize = 3;
const BULK_MEDIA_BYTES: usize = 200 * 1024;

/// The id of bulk session `n` (0-based).
pub fn bulk_session(n: usize) -> String {
    format!("b01c{n:04x}-0000-4000-8000-{n:012x}")
}

/// 40 sessions x 3 attempts x 6 images of 200 KiB: each a demo image padded
/// after its end (viewers ignore what follows a JPEG's or PNG's last chunk),
/// so each context has distinct bytes and every file still opens.
pub fn bulk_sessions() -> Vec<DemoSession> {
    let blobs: Vec<(&str, Blob)> = IMAGE_CONTEXTS
        .iter()
        .enumerate()
        .map(|(i, (context, file))| {
            let base = blob(file);
            let mut bytes = base.bytes.to_vec();
            let mut x = 0x9e37_79b9_u32.wrapping_mul(i as u32 + 1);
            while bytes.len() < BULK_MEDIA_BYTES {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                bytes.push(x as u8);
            }
            let blob = Blob {
                mimetype: base.mimetype,
                bytes: bytes.into(),
            };
            (*context, blob)
        })
        .collect();
    (0..BULK_SESSIONS)
        .map(|n| {
            let id = bulk_session(n);
            let attempts = (0..BULK_ATTEMPTS)
                .map(|a| DemoAttempt {
                    extra: Default::default(),
                    id: format!("b01ca000-0000-4000-8000-{n:08x}{a:04x}"),
                    status: if a == 0 { "approved" } else { "resubmission_requested" }.to_owned(),
                    created_time: format!("2026-11-20T1{a}:00:00.000Z"),
                    media: blobs
                        .iter()
                        .enumerate()
                        .map(|(m, (context, blob))| DemoMedia {
                            id: format!("b01cd000-0000-4000-8{a:03x}-{n:08x}{m:04x}"),
                            context: (*context).to_owned(),
                            session_id: id.clone(),
                            duration: None,
                            blob: blob.clone(),
                        })
                        .collect(),
                })
                .collect();
            DemoSession {
                id,
                decision: Some(json!({"status": "approved", "code": 9001, "reason": null, "reasonCode": null})),
                attempts,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_data_has_what_the_browser_needs_to_show() {
        let data = DemoData::load();
        assert!(data.featured.len() >= 2);
        let attempts = data.sessions.values().flat_map(|s| &s.attempts);
        assert!(attempts.clone().any(|a| a.media.is_empty()), "an empty attempt");
        assert!(
            attempts
                .clone()
                .any(|a| !a.media.is_empty() && a.media.iter().all(DemoMedia::is_video)),
            "a video-only attempt"
        );
        // The stress session is served, for benchmarks, but opened by no default.
        assert!(!data.featured.iter().any(|s| s == LARGE_SESSION));
        let large = &data.sessions[LARGE_SESSION];
        assert_eq!(large.attempts.len(), 60);
        assert_eq!(large.attempts[0].media.len(), 2000);
        // An id used twice would be overwritten in the map and serve the wrong file.
        let listed: usize = data
            .sessions
            .values()
            .flat_map(|s| &s.attempts)
            .map(|a| a.media.len())
            .sum::<usize>()
            + data.triage.values().map(|t| t.nfc_documents.len()).sum::<usize>();
        assert_eq!(listed, data.media.len(), "every media id is unique");
        // What the card shows: every part in some session.
        let decisions: Vec<&Value> = data.sessions.values().filter_map(|s| s.decision.as_ref()).collect();
        let status = |s: &str| decisions.iter().any(|d| d["status"] == s);
        assert!(status("approved") && status("declined") && status("resubmission_requested"));
        assert!(
            decisions
                .iter()
                .any(|d| d["reasonCode"] == 102 && d["riskLabels"][0]["sessionIds"].is_array())
        );
        let watch = |m: &str| {
            data.triage
                .values()
                .any(|t| t.watchlist.as_ref().is_some_and(|w| w["matchStatus"] == m))
        };
        assert!(watch("possible_match") && watch("no_match"));
        assert!(data.triage.values().any(|t| !t.nfc_documents.is_empty()));
        let mut bulk = DemoData::default();
        for session in bulk_sessions() {
            bulk.insert(session);
        }
        assert_eq!(bulk.sessions.len(), 40);
        assert_eq!(bulk.attempts.len(), 120);
        assert_eq!(bulk.media.len(), 720, "every bulk media id is unique");
        assert!(bulk.media.values().all(|m| m.blob.bytes.len() == BULK_MEDIA_BYTES));
        for id in data.media.keys().chain(data.sessions.keys()) {
            assert_eq!(
                crate::ids::find_id(id).as_deref(),
                Ok(id.as_str()),
                "ids look like Veriff's"
            );
        }
    }
}
