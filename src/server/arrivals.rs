//! `--demo`'s live queue: the demo server posts signed webhooks, as Veriff does,
//! to an inbox's receiver: the decision of every demo session at once, then a
//! new synthetic session every few seconds. Each new session is served in full
//! (attempts, media, person) under its own id, cloned from a demo session with a
//! made-up name, so opening it from the queue shows what the webhook said.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};

use super::data::{DemoData, DemoSession, DemoTriage};

/// Where the webhooks go and how often a new session arrives.
#[derive(Debug, Clone)]
pub struct Webhooks {
    /// The receiver's base URL (`http://127.0.0.1:PORT`); decisions go to `/decision`.
    pub url: String,
    pub every: Duration,
}

/// Made at start: enough for a long look at the demo (one every few seconds).
const ARRIVALS: usize = 720;

const FIRST_NAMES: [&str; 12] = [
    "ANNA", "JONAS", "LIISA", "MARTIN", "KAISA", "TOOMAS", "EVA", "OSKAR", "MAIA", "RASMUS", "HELI", "PEETER",
];

/// The synthetic sessions, the `i`th decided at `start_ms + i * every`: a mix of
/// approved, review, declined and resubmission requested, each a copy of a demo
/// session with new ids and a made-up SPECIMEN name.
pub(super) fn make(data: &DemoData, start_ms: i64, every: Duration) -> Vec<(DemoSession, DemoTriage)> {
    // (template, status, code): a review is an approved session held for a look.
    let kinds = [
        ("c0ffee00-1d3a-4b5c-9d7e-0a1b2c3d4e5f", "approved", 9001),
        ("c0ffee00-1d3a-4b5c-9d7e-0a1b2c3d4e5f", "review", 9121),
        ("dec11ned-7b8c-4d9e-8f0a-1b2c3d4e5f6a", "declined", 9102),
        ("re5ubmit-3c4d-4e5f-8a9b-0c1d2e3f4a5b", "resubmission_requested", 9103),
        ("c0ffee00-1d3a-4b5c-9d7e-0a1b2c3d4e5f", "approved", 9001),
    ];
    let mut made = Vec::new();
    for i in 0..ARRIVALS {
        let (template, status, code) = kinds[i % kinds.len()];
        let (Some(source), Some(triage)) = (data.sessions.get(template), data.triage.get(template)) else {
            continue;
        };
        let id = format!("5e55{i:04x}-a221-4000-8000-{i:012x}");
        let name = FIRST_NAMES[i % FIRST_NAMES.len()];
        let at = start_ms + i as i64 * every.as_millis() as i64;
        let mut session = source.clone();
        session.id = id.clone();
        for (a, attempt) in session.attempts.iter_mut().enumerate() {
            attempt.id = format!("a77e{i:04x}-a221-4000-8000-{a:012x}");
            for (m, media) in attempt.media.iter_mut().enumerate() {
                media.id = format!("3ed1{i:04x}-a221-4{a:03x}-8000-{m:012x}");
                media.session_id = id.clone();
            }
        }
        if let Some(decision) = session.decision.as_mut() {
            decision["status"] = json!(status);
            decision["code"] = json!(code);
            decision["decisionTime"] = json!(crate::inbox::format_time_ms(at));
            decision["vendorData"] = json!(format!("ticket-{}", 5000 + i));
            if status == "review" || status == "approved" {
                decision["reason"] = Value::Null;
                decision["reasonCode"] = Value::Null;
            }
            if decision["person"].is_object() {
                decision["person"]["firstName"] = json!(name);
            }
            // Its links point at the demo sessions it was copied from.
        }
        let mut triage = triage.clone();
        if let Some(person) = triage.person.as_mut().filter(|p| p.is_object()) {
            person["firstName"] = json!(name);
        }
        // Chip data is the template's own; a copy would carry another name.
        triage.nfc_documents.clear();
        made.push((session, triage));
    }
    made
}

/// Posts the demo sessions' decisions, then one synthetic session's at each of
/// its times, until the server stops. A refused or failed post is logged and
/// not retried: the demo goes on.
pub(super) async fn post(state: Arc<super::AppState>, webhooks: Webhooks, arrivals: Vec<String>, start_ms: i64) {
    let client = reqwest::Client::new();
    let target = format!("{}/decision", webhooks.url.trim_end_matches('/'));
    let send = |id: String| {
        let (client, target, state) = (client.clone(), target.clone(), state.clone());
        async move {
            let Some(body) = super::decision_answer(&state, &id) else {
                return;
            };
            let body = body.to_string();
            let signature = state.options.secret.sign(body.as_bytes());
            let sent = client
                .post(&target)
                .header("content-type", "application/json")
                .header("x-auth-client", &state.options.api_key)
                .header("x-hmac-signature", signature)
                .body(body)
                .send()
                .await;
            match sent {
                Ok(answer) if answer.status().is_success() => {}
                Ok(answer) => tracing::warn!("demo webhook for {id}: the receiver answered {}", answer.status()),
                Err(e) => tracing::warn!("demo webhook for {id}: {e}"),
            }
        }
    };
    let mut featured: Vec<String> = state.data.featured.clone();
    featured.retain(|id| state.data.sessions.get(id).is_some_and(|s| s.decision.is_some()));
    for id in featured {
        send(id).await;
    }
    for (i, id) in arrivals.into_iter().enumerate() {
        let due = start_ms + i as i64 * webhooks.every.as_millis() as i64;
        let wait = due - crate::inbox::now_ms();
        if wait > 0 {
            tokio::time::sleep(Duration::from_millis(wait as u64)).await;
        }
        send(id).await;
    }
}
