//! What the tool fetches, kept in the inbox too: a session looked at once (in the
//! browser, by a script, in an export) is found by name, status, date or
//! watchlist match later.

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::{Incoming, Kind, Store};

/// Answers stored in the background, as many to a transaction as have queued
/// up, each as the API sent it (the same answer fetched twice is stored once,
/// whoever fetched it). Looking a session up never waits for the inbox, nor fails
/// with it: the parsing and storing happen on the indexer's task, and a failure
/// to store is logged.
#[derive(Debug, Clone)]
pub struct Indexer {
    tx: mpsc::UnboundedSender<Fetched>,
    /// Where it stores: an erasure reaches this inbox too.
    store: Store,
}

/// An answer's bytes, by the route they came from.
#[derive(Debug)]
enum Fetched {
    Decision(Vec<u8>),
    Watchlist(Vec<u8>),
}

/// The most answers one transaction takes, so an export's burst is stored in
/// steps a receiver on the same database can wait for.
const MOST_AT_ONCE: usize = 500;

/// An answer worth indexing: JSON, holding something to find its session by (a
/// decision's `verification: null`, a watchlist's `data: null` hold nothing).
fn worth_indexing(fetched: Fetched) -> Option<Incoming> {
    let (body, kind) = match fetched {
        Fetched::Decision(body) => (body, Kind::Decision),
        Fetched::Watchlist(body) => (body, Kind::Watchlist),
    };
    let answer: serde_json::Value = serde_json::from_slice(&body).ok()?;
    let incoming = Incoming::fetched(&answer, body);
    (incoming.kind == kind && incoming.facts.session_id.is_some()).then_some(incoming)
}

impl Indexer {
    /// Starts the task that stores; it ends, having stored everything sent, once
    /// every clone of the indexer is dropped.
    pub fn start(store: Store) -> (Indexer, JoinHandle<()>) {
        let (tx, mut rx) = mpsc::unbounded_channel::<Fetched>();
        let indexed = store.clone();
        let task = tokio::spawn(async move {
            while let Some(first) = rx.recv().await {
                let mut batch: Vec<Incoming> = worth_indexing(first).into_iter().collect();
                while batch.len() < MOST_AT_ONCE
                    && let Ok(next) = rx.try_recv()
                {
                    batch.extend(worth_indexing(next));
                }
                if batch.is_empty() {
                    continue;
                }
                if let Err(e) = store.ingest(&batch).await {
                    tracing::warn!(answers = batch.len(), "inbox: fetched answers not indexed: {e}");
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
        let _ = self.tx.send(Fetched::Decision(body));
    }

    /// [`Indexer::decision`] as a function that names no inbox: for work below
    /// the inbox's layer (an export) that is handed where its decisions go.
    pub fn decision_sink(&self) -> std::sync::Arc<dyn Fn(Vec<u8>) + Send + Sync> {
        let indexer = self.clone();
        std::sync::Arc::new(move |body| indexer.decision(body))
    }

    /// A session's watchlist screening (`{status, data}`), the bytes as the API
    /// sent them: found by `watchlist:` as its webhook would be.
    pub fn watchlist(&self, body: Vec<u8>) {
        let _ = self.tx.send(Fetched::Watchlist(body));
    }
}
