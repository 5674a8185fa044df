//! The demo server's writes, as Veriff answers them: `POST /v1/sessions` (signed
//! over the body) creates a session with a link on this host; `DELETE
//! /v1/sessions/{id}` (signed over the id) deletes one in a status that allows it,
//! at most 5 an hour and 10 a day.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

use super::{AppState, fail, session_not_found};
use crate::api::{DELETABLE_STATUSES, DELETIONS_PER_DAY, DELETIONS_PER_HOUR};

/// What the writes change, beside the demo data that never does.
#[derive(Default)]
pub(super) struct Writes {
    /// Sessions made by `POST /v1/sessions`: id -> the verification as sent.
    pub created: std::collections::HashMap<String, Value>,
    pub deleted: std::collections::HashSet<String>,
    /// When each deletion was accepted.
    pub deletions: Vec<Instant>,
    /// Reviewed watchlist hits: (session, hit id) -> the fields the review set.
    pub reviews: std::collections::HashMap<(String, String), serde_json::Map<String, Value>>,
    /// Every write that arrived (`METHOD path`) and the `X-Request-Id` it
    /// carried, for tests to hold against the audit log.
    pub received: Vec<(String, Option<String>)>,
}

/// Notes a write's `X-Request-Id` as it arrives, whatever its answer; reads are
/// not noted.
pub(super) fn received(state: &AppState, request: &axum::extract::Request) {
    if request.method() == axum::http::Method::GET {
        return;
    }
    let id = request
        .headers()
        .get(crate::api::REQUEST_ID_HEADER)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let write = format!("{} {}", request.method(), request.uri().path());
    let mut writes = state.writes.lock().expect("writes lock");
    if writes.received.len() < 10_000 {
        writes.received.push((write, id));
    }
}

impl Writes {
    /// The watchlist answer `data` of `session` with its reviewed hits updated.
    pub fn apply_reviews(&self, session: &str, data: &mut Value) {
        let Some(hits) = data.get_mut("hits").and_then(Value::as_array_mut) else {
            return;
        };
        for hit in hits {
            let id = hit["id"].as_str().unwrap_or_default().to_owned();
            if let Some(review) = self.reviews.get(&(session.to_owned(), id))
                && let Some(hit) = hit.as_object_mut()
            {
                hit.extend(review.clone());
            }
        }
    }
}

/// `PATCH /v1/sessions/{id}/watchlist-screening` with `{"hit": {"id", "matchStatus",
/// "riskLevel", "isWhitelisted"}}`, signed over the body, validated as Veriff's
/// reference describes it.
pub(super) async fn review_hit(
    State(state): State<Arc<AppState>>,
    Path(session): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    state.count_request().await;
    let Ok(text) = std::str::from_utf8(&body) else {
        return fail(StatusCode::BAD_REQUEST, "1102", "Request body is not UTF-8");
    };
    if let Err(answer) = state.authorize(&headers, text) {
        return answer;
    }
    let bad = |message: &str| fail(StatusCode::BAD_REQUEST, "1102", message);
    let Ok(request) = serde_json::from_str::<Value>(text) else {
        return bad("Request body is not JSON.");
    };
    let Some(hit) = request
        .get("hit")
        .and_then(Value::as_object)
        .filter(|_| request.as_object().is_some_and(|o| o.len() == 1))
    else {
        return bad("Exactly one of hit, monitorStatus is expected.");
    };
    let Some(hit_id) = hit.get("id").and_then(Value::as_str) else {
        return bad("hit.id is required.");
    };
    let status = hit.get("matchStatus").and_then(Value::as_str);
    if status.is_some_and(|s| !crate::api::HIT_STATUSES.contains(&s)) {
        return bad("hit.matchStatus is not one of false_positive, potential_match, true_match, inconclusive.");
    }
    if hit.contains_key("riskLevel") && status != Some("true_match") {
        return bad("hit.riskLevel is only accepted with matchStatus true_match.");
    }
    let known = state
        .data
        .triage
        .get(&session)
        .and_then(|t| t.watchlist.as_ref())
        .and_then(|w| w["hits"].as_array())
        .is_some_and(|hits| hits.iter().any(|h| h["id"] == hit_id));
    if !known || state.is_deleted(&session) {
        return fail(StatusCode::NOT_FOUND, "1102", "Hit not found");
    }
    let mut review = hit.clone();
    review.remove("id");
    state
        .writes
        .lock()
        .expect("writes lock")
        .reviews
        .insert((session.clone(), hit_id.to_owned()), review);
    state.signed_json(
        &json!({"status": "success", "data": {"sessionId": session, "hit": hit}}),
        None,
    )
}

pub(super) async fn create_session(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Response {
    state.count_request().await;
    let Ok(text) = std::str::from_utf8(&body) else {
        return fail(StatusCode::BAD_REQUEST, "1102", "Request body is not UTF-8");
    };
    if let Err(answer) = state.authorize(&headers, text) {
        return answer;
    }
    let Some(mut verification) = serde_json::from_str::<Value>(text)
        .ok()
        .and_then(|v| v.get("verification").filter(|v| v.is_object()).cloned())
    else {
        return fail(
            StatusCode::BAD_REQUEST,
            "1102",
            "Mandatory parameters are missing from the request.",
        );
    };
    if verification["vendorData"]
        .as_str()
        .is_some_and(|v| v.chars().count() > crate::api::MAX_VENDOR_DATA)
    {
        return fail(
            StatusCode::BAD_REQUEST,
            "1102",
            "vendorData is longer than 1000 characters.",
        );
    }
    let id = random_uuid();
    let token = random_uuid().replace('-', "");
    let url = format!("{}/v/{token}", state.base_url);
    state
        .writes
        .lock()
        .expect("writes lock")
        .created
        .insert(id.clone(), verification.clone());
    verification["id"] = json!(id);
    verification["url"] = json!(url);
    verification["host"] = json!(state.base_url);
    verification["status"] = json!("created");
    verification["sessionToken"] = json!(token);
    verification.as_object_mut().expect("an object").remove("person");
    state.signed_json(&json!({"status": "success", "verification": verification}), None)
}

pub(super) async fn delete_session(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    state.count_request().await;
    if let Err(answer) = state.authorize(&headers, &id) {
        return answer;
    }
    let status = match state.data.sessions.get(&id) {
        Some(session) => session
            .decision
            .as_ref()
            .and_then(|d| d["status"].as_str())
            .or_else(|| session.attempts.first().map(|a| a.status.as_str()))
            .unwrap_or("created")
            .to_owned(),
        None if state.writes.lock().expect("writes lock").created.contains_key(&id) => "created".to_owned(),
        None => return session_not_found(),
    };
    let mut writes = state.writes.lock().expect("writes lock");
    if writes.deleted.contains(&id) {
        return session_not_found();
    }
    if !DELETABLE_STATUSES.contains(&status.as_str()) {
        return fail(StatusCode::BAD_REQUEST, "1102", "Session is not in a completed status.");
    }
    let now = Instant::now();
    let within = |span: Duration| {
        writes
            .deletions
            .iter()
            .filter(|t| now.duration_since(**t) < span)
            .count()
    };
    if within(Duration::from_secs(3600)) >= DELETIONS_PER_HOUR
        || within(Duration::from_secs(86_400)) >= DELETIONS_PER_DAY
    {
        return fail(StatusCode::TOO_MANY_REQUESTS, "429", "Too many requests");
    }
    writes.deletions.push(now);
    writes.deleted.insert(id.clone());
    drop(writes);
    state.signed_json(&json!({"status": "success", "verification": {"id": id}}), None)
}

fn random_uuid() -> String {
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        fastrand::u32(..),
        fastrand::u16(..),
        fastrand::u16(..0x1000),
        fastrand::u16(..0x1000),
        fastrand::u64(..1 << 48)
    )
}
