//! Ids on which the embedded server misbehaves, the way real servers and the
//! proxies in front of them do. They live in one demo session, so they can be tried
//! in the browser (`a`, then paste [`SESSION`]) as well as in the tests.

use serde_json::{Value, json};

use super::data::{DemoAttempt, DemoMedia, DemoSession};

pub const SESSION: &str = "fa000000-0000-4000-8000-000000000000";
/// Attempt media: HTTP 500 on the first request, then the real list.
pub const ATTEMPT_500_ONCE: &str = "fa000500-0000-4000-8000-000000000000";
/// Attempt media: 429 with `Retry-After: 1` on the first request, then the list.
pub const ATTEMPT_429_ONCE: &str = "fa000429-0000-4000-8000-000000000000";
/// Attempt media: a proxy's HTML 502 page, every time.
pub const ATTEMPT_HTML_502: &str = "fa000502-0000-4000-8000-000000000000";
/// Attempt media: a body that is not JSON.
pub const ATTEMPT_BROKEN_JSON: &str = "fa000b0d-0000-4000-8000-000000000000";
/// Attempt media: a valid list whose `x-hmac-signature` is wrong.
pub const ATTEMPT_BAD_SIGNATURE: &str = "fa0005a9-0000-4000-8000-000000000000";
/// Attempt media: escape sequences and `../` in name, context and mimetype; size
/// and duration as strings. Lists the three media below.
pub const ATTEMPT_HOSTILE: &str = "fa000666-0000-4000-8000-000000000000";
/// Download: hostile Content-Type, correct bytes and signature.
pub const MEDIA_HOSTILE: &str = "fa00d666-0000-4000-8000-000000000000";
/// Download: half the bytes of its Content-Length, then the connection drops.
pub const MEDIA_TRUNCATED: &str = "fa00d0c7-0000-4000-8000-000000000000";
/// Download: all the bytes, signed wrongly.
pub const MEDIA_BAD_SIGNATURE: &str = "fa00d5a9-0000-4000-8000-000000000000";
/// Download: HTTP 500 on the first request, then the file.
pub const MEDIA_500_ONCE: &str = "fa00d500-0000-4000-8000-000000000000";

/// A second session of faults, kept apart so the first one's attempts stay as
/// they are: its one attempt holds a 10000 x 10000 PNG of about 120 KB (a
/// decompression bomb in miniature).
pub const OVERSIZED_SESSION: &str = "fa00b16b-0000-4000-8000-000000000000";
const ATTEMPT_OVERSIZED: &str = "fa00b16a-0000-4000-8000-000000000000";
const MEDIA_OVERSIZED: &str = "fa00b16d-0000-4000-8000-000000000000";

/// A third: attempts whose ids make the same folder name once sanitised or cut
/// (`a~b` and `a_b`, two ids alike in their first 80 characters) or clash with
/// the session's own file (`decision.json`), each with a face of other bytes.
pub const COLLIDING_SESSION: &str = "fa00c011-0000-4000-8000-000000000000";

/// What to do instead of answering normally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    ServerErrorOnce,
    TooManyRequestsOnce,
    HtmlBadGateway,
    BrokenJson,
    BadSignature,
    Truncated,
    /// HTTP 500, every time it is drawn.
    ServerError,
    /// The connection drops after the headers.
    Reset,
}

/// Faults at random, from a seed, on any request: for a chaos run that must end
/// with no panic, a restored terminal and no partial file.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Chaos {
    pub seed: u64,
    /// The share of requests that misbehave, 0.0 to 1.0.
    pub rate: f64,
}

impl Chaos {
    /// How long to wait, and what to do instead of answering normally.
    pub fn draw(&self, rng: &mut fastrand::Rng) -> (std::time::Duration, Option<Fault>) {
        let delay = std::time::Duration::from_millis(if rng.f64() < self.rate { rng.u64(0..800) } else { 0 });
        if rng.f64() >= self.rate {
            return (delay, None);
        }
        let fault = [
            Fault::ServerError,
            Fault::Reset,
            Fault::Truncated,
            Fault::BrokenJson,
            Fault::BadSignature,
            Fault::HtmlBadGateway,
            Fault::TooManyRequestsOnce,
        ][rng.usize(0..7)];
        (delay, Some(fault))
    }
}

pub fn fault_for(id: &str) -> Option<Fault> {
    Some(match id {
        ATTEMPT_500_ONCE | MEDIA_500_ONCE => Fault::ServerErrorOnce,
        ATTEMPT_429_ONCE => Fault::TooManyRequestsOnce,
        ATTEMPT_HTML_502 => Fault::HtmlBadGateway,
        ATTEMPT_BROKEN_JSON => Fault::BrokenJson,
        ATTEMPT_BAD_SIGNATURE | MEDIA_BAD_SIGNATURE => Fault::BadSignature,
        MEDIA_TRUNCATED => Fault::Truncated,
        _ => return None,
    })
}

/// A name, context and mimetype that try to escape the folder and drive the terminal.
pub const HOSTILE_NAME: &str = "../../../tmp/evil\x1b]0;pwned\x07\x1b[2J";
pub const HOSTILE_CONTEXT: &str = "\x1b[31mdocument-front\x1b[0m/../..";
pub const HOSTILE_MIMETYPE: &str = "image/../../\x1b[5mjpeg";

pub fn session() -> DemoSession {
    let plain = |id: &str, status: &str, minute: u32, media: Vec<DemoMedia>| DemoAttempt {
        extra: Default::default(),
        id: id.to_owned(),
        status: status.to_owned(),
        created_time: format!("2026-11-25T09:{minute:02}:00.000Z"),
        media,
    };
    let file = |id: &str, context: &str, name: &str| DemoMedia {
        id: id.to_owned(),
        context: context.to_owned(),
        session_id: SESSION.to_owned(),
        duration: None,
        blob: super::data::blob(name),
    };
    DemoSession {
        id: SESSION.to_owned(),
        // A person of the wrong type: the error must say where, never the value.
        decision: Some(
            json!({"status": "declined", "code": 9102, "reason": "Demo of faults", "reasonCode": 102,
                              "person": "LIISA SPECIMEN 1985-06-21"}),
        ),
        attempts: vec![
            plain(
                ATTEMPT_HOSTILE,
                "declined\x1b[2J",
                59,
                vec![
                    file(MEDIA_HOSTILE, HOSTILE_CONTEXT, "face.jpg"),
                    file(MEDIA_TRUNCATED, "document-front", "document-front.jpg"),
                    file(MEDIA_BAD_SIGNATURE, "document-back", "document-back.jpg"),
                    file(MEDIA_500_ONCE, "face-pre", "face-pre.png"),
                ],
            ),
            plain(
                ATTEMPT_500_ONCE,
                "submitted",
                50,
                vec![file("fa00e001-0000-4000-8000-000000000000", "face", "face.jpg")],
            ),
            plain(
                ATTEMPT_429_ONCE,
                "submitted",
                40,
                vec![file("fa00e002-0000-4000-8000-000000000000", "face", "face.jpg")],
            ),
            plain(ATTEMPT_HTML_502, "submitted", 30, vec![]),
            plain(ATTEMPT_BROKEN_JSON, "submitted", 20, vec![]),
            plain(
                ATTEMPT_BAD_SIGNATURE,
                "submitted",
                10,
                vec![file("fa00e003-0000-4000-8000-000000000000", "face", "face.jpg")],
            ),
        ],
    }
}

pub fn oversized_session() -> DemoSession {
    DemoSession {
        id: OVERSIZED_SESSION.to_owned(),
        decision: None,
        attempts: vec![DemoAttempt {
            extra: Default::default(),
            id: ATTEMPT_OVERSIZED.to_owned(),
            status: "submitted".to_owned(),
            created_time: "2026-11-25T10:00:00.000Z".to_owned(),
            media: vec![DemoMedia {
                id: MEDIA_OVERSIZED.to_owned(),
                context: "document-front".to_owned(),
                session_id: OVERSIZED_SESSION.to_owned(),
                duration: None,
                blob: super::data::blob("oversized-10000x10000.png"),
            }],
        }],
    }
}

pub fn colliding_session() -> DemoSession {
    let long = "x".repeat(90);
    let attempts = [
        ("a~b", "face.jpg"),
        ("a_b", "face-pre.png"),
        (&format!("{long}1") as &str, "document-front.jpg"),
        (&format!("{long}2"), "document-back.jpg"),
        ("decision.json", "face.jpg"),
    ];
    DemoSession {
        id: COLLIDING_SESSION.to_owned(),
        decision: None,
        attempts: attempts
            .iter()
            .enumerate()
            .map(|(i, (id, file))| DemoAttempt {
                extra: Default::default(),
                id: (*id).to_owned(),
                status: "submitted".to_owned(),
                created_time: format!("2026-11-25T11:0{i}:00.000Z"),
                media: vec![DemoMedia {
                    id: format!("fa00c0{i:02}-0000-4000-8000-000000000000"),
                    context: "face".to_owned(),
                    session_id: COLLIDING_SESSION.to_owned(),
                    duration: None,
                    blob: super::data::blob(file),
                }],
            })
            .collect(),
    }
}

/// The hostile attempt's listing: every string field hostile, numbers as strings.
pub fn hostile_listing(media: &[DemoMedia], base_url: &str) -> Value {
    let items: Vec<Value> = media
        .iter()
        .map(|m| {
            let mut value = m.to_json(base_url);
            if m.id == MEDIA_HOSTILE {
                value["name"] = json!(HOSTILE_NAME);
                value["mimetype"] = json!(HOSTILE_MIMETYPE);
            }
            value["size"] = json!(m.blob.bytes.len().to_string());
            value
        })
        .collect();
    let video = json!({
        "id": "fa00e004-0000-4000-8000-000000000000", "name": HOSTILE_NAME, "context": "selfid_video\x07",
        "size": "12345", "duration": "2.5", "mimetype": "video/webm\x1b[0m", "sessionId": SESSION, "timestamp": null
    });
    json!({"status": "success", "images": items, "videos": [video]})
}

/// The `Content-Type` of the hostile download: header values cannot carry escape
/// sequences, but they can try to climb out of the folder.
pub const HOSTILE_CONTENT_TYPE: &str = "image/../../../etc/evil";
