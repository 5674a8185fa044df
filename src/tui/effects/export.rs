//! `Cmd::Export`: many sessions into the download dir through the export engine,
//! its figures reported to the status line as it goes.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};

use crate::api::Client;
use crate::config::writes;
use crate::ids::SessionId;
use crate::tui::app::{ExportSummary, Failure, Msg, ReqId};

/// A task that ends when this is dropped.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// How often a running export reports its figures.
const EXPORT_PROGRESS: Duration = Duration::from_millis(250);

/// Exports `sessions` into `options.out`, reporting figures as it goes, until done or until
/// `stop` fires (or its sender is dropped, when the browser quits): what
/// completed stays, with its manifest, and nothing partial.
pub(super) async fn export(
    client: Client,
    tx: mpsc::UnboundedSender<Msg>,
    id: ReqId,
    sessions: Vec<SessionId>,
    options: crate::export::Options,
    stop: oneshot::Receiver<()>,
    policy: std::sync::Arc<super::ProfileInUse>,
) -> Result<ExportSummary, Failure> {
    let counters = Arc::new(crate::export::Counters::default());
    let started = std::time::Instant::now();
    // Aborted however this ends, a panic or an abort included: figures every
    // 250 ms from an export that is gone would keep the screen busy for nothing.
    let reporter = AbortOnDrop({
        let counters = counters.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(EXPORT_PROGRESS);
            loop {
                every.tick().await;
                let snapshot = counters.snapshot(started.elapsed());
                if tx.send(Msg::ExportProgress { id, snapshot }).is_err() {
                    return;
                }
            }
        })
    });
    let sessions = sessions.iter().map(ToString::to_string).collect();
    let outcome = crate::export::run(client.config(), sessions, &options, counters.clone(), None, async {
        let _ = stop.await;
    })
    .await;
    drop(reporter);
    let outcome = outcome?;
    let snapshot = counters.snapshot(started.elapsed());
    let log = policy.audit_log.as_deref();
    let recorded = writes::record_export(
        log,
        policy.profile.clone(),
        &client.config().api_url,
        &snapshot,
        outcome.interrupted,
    );
    if let Err(e) = recorded {
        tracing::warn!("{e}; this export is not in the audit log");
    }
    let done = outcome
        .sessions
        .iter()
        .filter(|s| s.status == crate::export::SessionStatus::Done)
        .count();
    Ok(ExportSummary {
        dir: options.out,
        done,
        failed: outcome.failed(),
        interrupted: outcome.interrupted,
        first_error: outcome
            .sessions
            .iter()
            .find_map(|s| s.error.as_ref().map(|e| format!("{}: {e}", crate::ids::short(&s.id)))),
    })
}
