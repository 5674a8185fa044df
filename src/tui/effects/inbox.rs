//! The inbox for the browser: a view's page with every view's count, the
//! team's marks, and a task that says when the inbox changed.

use std::sync::Arc;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::ids::SessionId;
use crate::inbox::{MarkChange, MarkEntry, Page, Query, Store};
use crate::tui::app::{COUNTED_AT_MOST, Failure, HISTORY_ON_CARD, InboxAsk, InboxPage, InboxRow, Msg};

/// The inbox the browser opened with, and who marks in it (`user@host`).
#[derive(Debug, Clone)]
pub struct InboxInUse {
    pub store: Arc<Store>,
    pub who: String,
    /// Whether the decisions the browser fetches are copied into it (the
    /// profile's `index_fetched`).
    pub index_fetched: bool,
}

/// The rows `ask` wants (one more, to tell whether more match), their marks,
/// and every view's count, read after the revision so a change meanwhile is
/// looked at again rather than missed.
pub(super) async fn page(store: &Store, ask: InboxAsk) -> Result<InboxPage, Failure> {
    let revision = store.revision().await?;
    let mut counts = Vec::with_capacity(ask.counts.len());
    for query in &ask.counts {
        // A view whose query no longer parses counts nothing; its tab says so.
        counts.push(match Query::parse(query) {
            Ok(mut query) => {
                query.me = Some(ask.me.clone());
                Some(store.count(&query, Some(COUNTED_AT_MOST)).await?)
            }
            Err(_) => None,
        });
    }
    let (mut rows, mut more) = (Vec::new(), false);
    if let Some(text) = &ask.query {
        let mut query = Query::parse(text).map_err(|e| Failure::from(format!("query: {e}")))?;
        query.me = Some(ask.me.clone());
        let page = Page {
            after: None,
            limit: ask.limit.saturating_add(1),
        };
        let mut found = store.list(&query, page).await?;
        more = found.len() > ask.limit as usize;
        found.truncate(ask.limit as usize);
        let ids: Vec<String> = found.iter().map(|row| row.id.clone()).collect();
        let mut marks = store.marks(&ids).await?;
        rows = found
            .into_iter()
            .map(|index| InboxRow {
                id: SessionId::from(index.id.as_str()),
                marks: marks.remove(&index.id).unwrap_or_default(),
                index,
            })
            .collect();
    }
    Ok(InboxPage {
        rows,
        more,
        counts,
        revision,
    })
}

/// The card's history of `session`'s marks: one change more than the card
/// shows, so it can say that there are older ones.
pub(super) async fn history(store: &Store, session: &SessionId) -> Result<Vec<MarkEntry>, Failure> {
    Ok(store.mark_log(session.as_str(), HISTORY_ON_CARD as u32 + 1).await?)
}

pub(super) async fn mark(inbox: InboxInUse, session: SessionId, change: MarkChange) -> Result<(), Failure> {
    Ok(inbox.store.mark(session.as_str(), &change, &inbox.who).await?)
}

/// Says [`Msg::InboxChanged`] whenever the inbox moves, until the browser leaves.
pub(super) fn watch(store: Arc<Store>, tx: mpsc::UnboundedSender<Msg>) -> JoinHandle<()> {
    tokio::spawn(async move {
        store
            .watch(|revision| tx.send(Msg::InboxChanged(revision)).is_ok())
            .await;
    })
}
