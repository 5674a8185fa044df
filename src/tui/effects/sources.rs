//! Where the sessions pane's list comes from and where its changes go: a
//! [`SessionSource`]. Today the remembered sessions of the profile in use
//! ([`History`]); an inbox view is the next. Read through `Req::Remembered`, written
//! through `Cmd::Remember`, one change at a time, in order, off the UI task.

use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::mpsc;

use crate::history::Change;
use crate::ids::SessionId;

pub trait SessionSource: Send + Sync + std::fmt::Debug {
    fn load(&self) -> Result<Vec<SessionId>, String>;
    fn record(&self, change: &Change) -> Result<(), String>;
}

/// The sessions a profile remembers between runs (`history-PROFILE`).
#[derive(Debug)]
pub struct History(pub PathBuf);

impl SessionSource for History {
    fn load(&self) -> Result<Vec<SessionId>, String> {
        Ok(crate::history::load(&self.0))
    }

    fn record(&self, change: &Change) -> Result<(), String> {
        crate::history::append(&self.0, change).map_err(|e| format!("cannot save to {}: {e}", self.0.display()))
    }
}

/// Changes waiting to be written, written one after the other: an addition and
/// a removal of the same session must land in the order they were made.
pub(super) type Recorder = mpsc::UnboundedSender<(Arc<dyn SessionSource>, Change)>;

pub(super) fn recorder() -> Recorder {
    let (tx, mut rx) = mpsc::unbounded_channel::<(Arc<dyn SessionSource>, Change)>();
    tokio::spawn(async move {
        while let Some((source, change)) = rx.recv().await {
            let written = tokio::task::spawn_blocking(move || source.record(&change)).await;
            match written {
                Ok(Ok(())) => {}
                Ok(Err(e)) => tracing::warn!("{e}"),
                Err(e) => tracing::warn!("recording a session change failed: {e}"),
            }
        }
    });
    tx
}
