//! What the tool fetches, kept in the inbox too: a session looked at once (in the
//! browser, by a script, in an export) is found by name, status or date later.

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::{Incoming, Store};

/// Decisions stored in the background, as many to a transaction as have queued
/// up, each as the API sent it (the same answer fetched twice is stored once,
/// whoever fetched it). Looking a session up never waits for the inbox, nor fails
/// with it: the parsing and storing happen on the indexer's task, and a failure
/// to store is logged.
#[derive(Debug, Clone)]
pub struct Indexer {
    tx: mpsc::UnboundedSender<Vec<u8>>,
    /// Where it stores: an erasure reaches this inbox too.
    store: Store,
}

/// The most decisions one transaction takes, so an export's burst is stored in
/// steps a receiver on the same database can wait for.
const MOST_AT_ONCE: usize = 500;

/// A decision answer worth indexing: JSON, with something decided
/// (`verification: null` holds nothing to find the session by).
fn decided(body: Vec<u8>) -> Option<Incoming> {
    let answer: serde_json::Value = serde_json::from_slice(&body).ok()?;
    answer
        .get("verification")
        .is_some_and(|v| !v.is_null())
        .then(|| Incoming::fetched(&answer, body))
}

impl Indexer {
    /// Starts the task that stores; it ends, having stored everything sent, once
    /// every clone of the indexer is dropped.
    pub fn start(store: Store) -> (Indexer, JoinHandle<()>) {
        let (tx, mut rx) = mpsc::unbounded_channel::<Vec<u8>>();
        let indexed = store.clone();
        let task = tokio::spawn(async move {
            while let Some(first) = rx.recv().await {
                let mut batch: Vec<Incoming> = decided(first).into_iter().collect();
                while batch.len() < MOST_AT_ONCE
                    && let Ok(next) = rx.try_recv()
                {
                    batch.extend(decided(next));
                }
                if batch.is_empty() {
                    continue;
                }
                if let Err(e) = store.ingest(&batch).await {
                    tracing::warn!(decisions = batch.len(), "inbox: fetched decisions not indexed: {e}");
                }
            }
        });
        (Indexer { tx, store: indexed }, task)
    }

    /// The inbox it stores into.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// A session's decision, the bytes as the API sent them.
    pub fn decision(&self, body: Vec<u8>) {
        let _ = self.tx.send(body);
    }
}
