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
        let name = FIRST_NAMES[i % FIRST_NAMES.len()];
        let at = start_ms + i as i64 * every.as_millis() as i64;
        let Some((mut session, mut triage)) = copy(data, template, i) else {
            continue;
        };
        if let Some(decision) = session.decision.as_mut() {
            decision["status"] = json!(status);
            decision["code"] = json!(code);
            decision["decisionTime"] = json!(crate::time::format_time_ms(at));
            decision["vendorData"] = json!(format!("ticket-{}", 5000 + i));
            if status == "review" || status == "approved" {
                decision["reason"] = Value::Null;
                decision["reasonCode"] = Value::Null;
            }
            // Its links point at the demo sessions it was copied from.
        }
        rename(&mut session, &mut triage, name, None);
        made.push((session, triage));
    }
    made
}

/// One session of the queue waiting at start: how long ago it was decided,
/// whom it is of, and what the decision says.
struct Queued {
    minutes_ago: i64,
    template: &'static str,
    first: &'static str,
    last: &'static str,
    status: &'static str,
    code: u64,
    /// `(reasonCode, reason)`; `None` for none.
    reason: Option<(u64, &'static str)>,
    /// Labels as Veriff sends them; `None` keeps the template's.
    risk_labels: Option<Value>,
    /// Keeps the template's watchlist screening (a possible match) or says none matched.
    watchlist_match: bool,
    /// Carries nothing beyond its verdict: no verified data, no face seen before.
    bare: bool,
}

const APPROVED: &str = "c0ffee00-1d3a-4b5c-9d7e-0a1b2c3d4e5f";
const DECLINED: &str = "dec11ned-7b8c-4d9e-8f0a-1b2c3d4e5f6a";
const DECLINED_LONG: &str = "1eaced00-5e55-4a1d-8c0d-0a1b2c3d4e5f";
const RESUBMIT: &str = "re5ubmit-3c4d-4e5f-8a9b-0c1d2e3f4a5b";

/// The queue `--demo inbox` opens on, as a morning's would be: reviews with and
/// without a reason Veriff gives, risk labels, a watchlist possible match, a
/// resubmission, and the last hours' declines. Every person is a made-up
/// SPECIMEN, as on a sample document, named apart from the arrivals' names.
fn queue() -> Vec<Queued> {
    let labels = |labels: &[(&str, &str)]| {
        Some(Value::Array(
            labels
                .iter()
                .map(|(category, label)| json!({"label": label, "category": category, "sessionIds": []}))
                .collect(),
        ))
    };
    vec![
        Queued {
            minutes_ago: 12,
            template: DECLINED,
            first: "ELLEN",
            last: "SPECIMEN",
            status: "review",
            code: 9121,
            reason: None,
            risk_labels: None,
            watchlist_match: true,
            bare: false,
        },
        Queued {
            minutes_ago: 27,
            template: APPROVED,
            first: "HENDRIK",
            last: "MUSTERMANN-SPECIMEN",
            status: "review",
            code: 9121,
            reason: None,
            risk_labels: Some(Value::Array(Vec::new())),
            watchlist_match: false,
            bare: true,
        },
        Queued {
            minutes_ago: 41,
            template: DECLINED_LONG,
            first: "KATRIN",
            last: "SPECIMEN",
            status: "review",
            code: 9121,
            reason: None,
            risk_labels: labels(&[
                (
                    "device",
                    "device_used_in_multiple_sessions_with_different_personal_data",
                ),
                ("person", "person_appears_on_document_of_another_session"),
            ]),
            watchlist_match: false,
            bare: false,
        },
        Queued {
            minutes_ago: 58,
            template: RESUBMIT,
            first: "PRIIT",
            last: "SPECIMEN",
            status: "resubmission_requested",
            code: 9103,
            reason: Some((204, "Poor image quality: the document's lower half is out of focus")),
            risk_labels: None,
            watchlist_match: false,
            bare: false,
        },
        Queued {
            minutes_ago: 96,
            template: APPROVED,
            first: "TIINA",
            last: "SPECIMEN",
            status: "approved",
            code: 9001,
            reason: None,
            risk_labels: None,
            watchlist_match: false,
            bare: false,
        },
        Queued {
            minutes_ago: 134,
            template: DECLINED_LONG,
            first: "MARGUS",
            last: "SPECIMEN",
            status: "declined",
            code: 9102,
            reason: Some((
                102,
                "Name on document (MARGUS K SPECIMEN) does not match the selfie; the document photo shows signs of \
                 having been replaced",
            )),
            risk_labels: None,
            watchlist_match: true,
            bare: false,
        },
        Queued {
            minutes_ago: 205,
            template: DECLINED,
            first: "AARE",
            last: "SPECIMEN",
            status: "declined",
            code: 9102,
            reason: Some((105, "Suspicious behaviour")),
            risk_labels: labels(&[("crosslinks", "session_crosslinked_with_velocity_abuse")]),
            watchlist_match: false,
            bare: false,
        },
    ]
}

/// The sessions of [`queue`], decided that long before `now_ms`, with ids of
/// their own (after the arrivals').
pub(super) fn morning(data: &DemoData, now_ms: i64) -> Vec<(DemoSession, DemoTriage)> {
    let mut made = Vec::new();
    for (n, queued) in queue().into_iter().enumerate() {
        let Some((mut session, mut triage)) = copy(data, queued.template, ARRIVALS + n) else {
            continue;
        };
        let at = now_ms - queued.minutes_ago * 60_000;
        if let Some(decision) = session.decision.as_mut() {
            decision["status"] = json!(queued.status);
            decision["code"] = json!(queued.code);
            decision["decisionTime"] = json!(crate::time::format_time_ms(at));
            decision["acceptanceTime"] = json!(crate::time::format_time_ms(at - 9 * 60_000));
            decision["vendorData"] = json!(format!("ticket-{}", 4200 + n));
            let (code, reason) = match queued.reason {
                Some((code, reason)) => (json!(code), json!(reason)),
                None => (Value::Null, Value::Null),
            };
            decision["reasonCode"] = code;
            decision["reason"] = reason;
            if let Some(labels) = queued.risk_labels {
                decision["riskLabels"] = labels;
            }
            if queued.bare {
                decision["additionalVerifiedData"] = json!({});
                decision["biometricAuthentication"] = Value::Null;
            }
        }
        if let Some(watchlist) = triage.watchlist.as_mut() {
            watchlist["createdAt"] = json!(crate::time::format_time_ms(at + 3_000));
            if !queued.watchlist_match {
                watchlist["matchStatus"] = json!("no_match");
                watchlist["totalHits"] = json!(0);
                watchlist["hits"] = json!([]);
            }
        }
        if !queued.watchlist_match
            && let Some(person) = triage.person.as_mut().filter(|p| p.is_object())
        {
            person["pepSanctionMatches"] = json!([]);
        }
        rename(&mut session, &mut triage, queued.first, Some(queued.last));
        made.push((session, triage));
    }
    made
}

/// A copy of demo session `template` under ids of its own, numbered `i`.
fn copy(data: &DemoData, template: &str, i: usize) -> Option<(DemoSession, DemoTriage)> {
    let (source, triage) = (data.sessions.get(template)?, data.triage.get(template)?);
    let id = format!("5e55{i:04x}-a221-4000-8000-{i:012x}");
    let mut session = source.clone();
    session.id = id.clone();
    for (a, attempt) in session.attempts.iter_mut().enumerate() {
        attempt.id = format!("a77e{i:04x}-a221-4000-8000-{a:012x}");
        for (m, media) in attempt.media.iter_mut().enumerate() {
            media.id = format!("3ed1{i:04x}-a221-4{a:03x}-8000-{m:012x}");
            media.session_id = id.clone();
        }
    }
    let mut triage = triage.clone();
    if let Some(watchlist) = triage.watchlist.as_mut() {
        watchlist["sessionId"] = json!(id);
    }
    // Chip data is the template's own; a copy would carry another name.
    triage.nfc_documents.clear();
    Some((session, triage))
}

/// Puts `first` (and `last`, where given) in every place the copy names its
/// person: the decision, the person route, the watchlist's search and hits.
fn rename(session: &mut DemoSession, triage: &mut DemoTriage, first: &str, last: Option<&str>) {
    let named = |person: &mut Value| {
        if person.is_object() {
            person["firstName"] = json!(first);
            if let Some(last) = last {
                person["lastName"] = json!(last);
            }
        }
    };
    if let Some(decision) = session.decision.as_mut() {
        // A template without a person (a resubmission) gets one: a queue shows names.
        if last.is_some() && !decision["person"].is_object() {
            decision["person"] = json!({});
        }
        named(&mut decision["person"]);
    }
    if let Some(person) = triage.person.as_mut() {
        named(person);
    }
    let Some(last) = last else { return };
    let near_miss = format!("{} {}", title_case(first), title_case(last).replace('c', "z"));
    if let Some(providers) = triage
        .person
        .as_mut()
        .and_then(|p| p["pepSanctionMatches"].as_array_mut())
    {
        for provider in providers {
            provider["matches"] = json!([format!("{first} {last}"), near_miss.to_uppercase()]);
            for hit in provider["hits"].as_array_mut().into_iter().flatten() {
                hit["doc"]["name"] = json!(near_miss);
                hit["doc"]["aka"] = json!([]);
            }
        }
    }
    if let Some(watchlist) = triage.watchlist.as_mut() {
        let searched = format!("{} {}", title_case(first), title_case(last));
        watchlist["searchTerm"]["name"] = json!(searched);
        if let Some(hits) = watchlist["hits"].as_array_mut() {
            for hit in hits {
                // A near miss of the name, as a screening list would hold it.
                hit["matchedName"] = json!(near_miss);
                hit["aka"] = json!([]);
            }
        }
    }
}

/// `SPECIMEN` as `Specimen`.
fn title_case(word: &str) -> String {
    let lower = word.to_lowercase();
    let mut chars = lower.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Posts the morning's queue and the demo sessions' decisions, then the
/// queue's possible watchlist matches. Awaited before the browser starts (the
/// receiver answers once it has stored), so the first view is the whole queue
/// and its cursor on the newest, not on whichever row came in first.
pub(super) async fn post_queue(state: &super::AppState, webhooks: &Webhooks, morning: &[String]) {
    let client = reqwest::Client::new();
    let base = webhooks.url.trim_end_matches('/');
    let mut decided: Vec<&String> = morning.iter().chain(&state.data.featured).collect();
    decided.retain(|id| state.data.sessions.get(*id).is_some_and(|s| s.decision.is_some()));
    for id in decided {
        if let Some(body) = super::decision_answer(state, id) {
            post_signed(&client, state, &format!("{base}/decision"), id, body).await;
        }
    }
    // A possible match is said by a webhook of its own, as Veriff sends it.
    for id in morning {
        let Some(watchlist) = state.data.triage.get(id).and_then(|t| t.watchlist.clone()) else {
            continue;
        };
        if watchlist["matchStatus"] == "possible_match" {
            post_signed(&client, state, &format!("{base}/watchlist"), id, watchlist).await;
        }
    }
}

/// Posts one synthetic session's decision at each of its times, until the
/// server stops. A refused or failed post is logged and not retried: the demo
/// goes on.
pub(super) async fn post(state: Arc<super::AppState>, webhooks: Webhooks, arrivals: Vec<String>, start_ms: i64) {
    let client = reqwest::Client::new();
    let target = format!("{}/decision", webhooks.url.trim_end_matches('/'));
    for (i, id) in arrivals.into_iter().enumerate() {
        let due = start_ms + i as i64 * webhooks.every.as_millis() as i64;
        let wait = due - crate::time::now_ms();
        if wait > 0 {
            tokio::time::sleep(Duration::from_millis(wait as u64)).await;
        }
        if let Some(body) = super::decision_answer(&state, &id) {
            post_signed(&client, &state, &target, &id, body).await;
        }
    }
}

/// One webhook of session `id`, signed with the demo's secret as Veriff signs.
async fn post_signed(client: &reqwest::Client, state: &super::AppState, target: &str, id: &str, body: Value) {
    let body = body.to_string();
    let signature = state.options.secret.sign(body.as_bytes());
    let sent = client
        .post(target)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_morning_queue_reads_like_a_morning() {
        let data = DemoData::load();
        let now = 1_796_636_460_000;
        let queue = morning(&data, now);
        let decision = |s: &DemoSession| s.decision.clone().unwrap_or_default();
        let reviews: Vec<&(DemoSession, DemoTriage)> = queue
            .iter()
            .filter(|(s, _)| decision(s)["status"] == "review")
            .collect();
        assert!(reviews.len() >= 3, "{}", reviews.len());
        // One Veriff gave no reason for, one with risk labels, one a possible match.
        let labels = |s: &DemoSession| decision(s)["riskLabels"].as_array().map_or(0, Vec::len);
        assert!(
            reviews
                .iter()
                .any(|(s, _)| labels(s) == 0 && decision(s)["reasonCode"].is_null())
        );
        assert!(reviews.iter().any(|(s, _)| labels(s) > 0));
        assert!(reviews.iter().any(|(_, t)| {
            t.watchlist
                .as_ref()
                .is_some_and(|w| w["matchStatus"] == "possible_match")
        }));
        // Declines of the last 24 hours.
        let declined_today = queue.iter().filter(|(s, _)| {
            let d = decision(s);
            let at = d["decisionTime"].as_str().and_then(crate::time::parse_time_ms);
            d["status"] == "declined" && at.is_some_and(|at| now - at < 86_400_000)
        });
        assert!(declined_today.count() >= 1);
        // Every person a made-up SPECIMEN, every id its own.
        for (session, _) in &queue {
            let person = &decision(session)["person"];
            assert!(
                person["lastName"].as_str().is_some_and(|n| n.contains("SPECIMEN")),
                "{person}"
            );
            assert!(!data.sessions.contains_key(&session.id));
        }
    }
}
