//! `inbox sync`: asks the API for the decision of sessions the inbox knows without
//! one (only events arrived) or still in review, and stores each answer as a
//! decision webhook would be: the signed body, deduplicated, under the
//! out-of-order rule. Bounded, and paced like an export (429 back-off, a rate cap).

use std::sync::Arc;

use futures_util::StreamExt;

use super::event::{Kind, facts};
use super::store::{Incoming, Outcome, Store};
use crate::api::pacing::{Gate, Pacing};
use crate::api::{ApiError, Client};
use crate::time::now_ms;

/// Tries of one session's request while the API answers 429.
const RATE_LIMITED_TRIES: u32 = 5;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncCounts {
    /// Sessions asked about.
    pub asked: u64,
    /// Answers that changed what the inbox holds.
    pub stored: u64,
    /// Answers identical to one stored before, or without a decision yet.
    pub unchanged: u64,
    pub failed: u64,
}

/// Fetches decisions for at most `limit` sessions, `jobs` at a time, at most
/// `max_rps` started per second.
pub async fn sync(
    store: &Store,
    client: &Client,
    limit: u32,
    jobs: usize,
    max_rps: Option<f64>,
) -> Result<SyncCounts, String> {
    let sessions = store.sessions_to_sync(limit).await?;
    let gate = Gate::new(Pacing::new(jobs, max_rps));
    let mut counts = SyncCounts::default();
    let mut answers = futures_util::stream::iter(sessions)
        .map(|id| {
            let gate = gate.clone();
            async move { (fetch(&gate, client, &id).await, id) }
        })
        .buffer_unordered(jobs.max(1));
    while let Some((answer, id)) = answers.next().await {
        counts.asked += 1;
        let body = match answer {
            Ok(body) => body,
            Err(e) => {
                tracing::warn!(session = id, error = %e, "inbox sync: no decision");
                counts.failed += 1;
                continue;
            }
        };
        let Ok(value) = serde_json::from_slice::<serde_json::Value>(&body) else {
            counts.failed += 1;
            continue;
        };
        if !value["verification"].is_object() {
            counts.unchanged += 1; // no decision yet
            continue;
        }
        let incoming = Incoming {
            kind: Kind::Decision,
            facts: facts(Kind::Decision, &value),
            body,
            headers: "{}".to_owned(),
            source: "sync".to_owned(),
            received_ms: now_ms(),
        };
        match store.ingest(&[incoming]).await?.first() {
            Some(Outcome::Stored) => counts.stored += 1,
            _ => counts.unchanged += 1,
        }
    }
    Ok(counts)
}

async fn fetch(gate: &Arc<Gate>, client: &Client, id: &str) -> Result<Vec<u8>, ApiError> {
    let mut tries = 0;
    loop {
        let permit = gate.acquire(0).await;
        match client.get_verified(&["sessions", id, "decision"], id).await {
            Err(ApiError::RateLimited { retry_after }) if tries + 1 < RATE_LIMITED_TRIES => {
                permit.rate_limited(retry_after);
                tries += 1;
            }
            other => {
                if other.is_ok() {
                    permit.accepted();
                }
                return other;
            }
        }
    }
}
