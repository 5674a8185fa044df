//! What the tool fetches, kept in the inbox too: a session looked at once (in the
//! browser, by a script, in an export) is found by name, status or date later.

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::{Incoming, Store};

/// Decisions stored in the background, as many to a transaction as have queued
/// up. Looking a session up never waits for the inbox, nor fails with it: a
/// failure to store is logged.
#[derive(Debug, Clone)]
pub struct Indexer {
    tx: mpsc::UnboundedSender<serde_json::Value>,
}

/// The most decisions one transaction takes, so an export's burst is stored in
/// steps a receiver on the same database can wait for.
const MOST_AT_ONCE: usize = 500;

impl Indexer {
    /// Starts the task that stores; it ends, having stored everything sent, once
    /// every clone of the indexer is dropped.
    pub fn start(store: Store) -> (Indexer, JoinHandle<()>) {
        let (tx, mut rx) = mpsc::unbounded_channel::<serde_json::Value>();
        let task = tokio::spawn(async move {
            while let Some(first) = rx.recv().await {
                let mut batch = vec![Incoming::fetched(&first)];
                while batch.len() < MOST_AT_ONCE
                    && let Ok(next) = rx.try_recv()
                {
                    batch.push(Incoming::fetched(&next));
                }
                if let Err(e) = store.ingest(&batch).await {
                    tracing::warn!(decisions = batch.len(), "inbox: fetched decisions not indexed: {e}");
                }
            }
        });
        (Indexer { tx }, task)
    }

    /// A session's decision as the API answered it. One with nothing decided
    /// yet (`verification: null`) holds nothing to find the session by.
    pub fn decision(&self, answer: serde_json::Value) {
        if answer.get("verification").is_some_and(|v| !v.is_null()) {
            let _ = self.tx.send(answer);
        }
    }

    /// The decision's bytes as they came (an export's `decision.json`).
    pub fn decision_bytes(&self, bytes: &[u8]) {
        if let Ok(answer) = serde_json::from_slice(bytes) {
            self.decision(answer);
        }
    }
}
