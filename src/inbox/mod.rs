//! The inbox: every webhook Veriff sends, kept raw and indexed by session, so sessions
//! are found by name, status or date without knowing their id. One code path for
//! SQLite (one person, no set-up) and PostgreSQL (a team: several receivers and
//! analysts on one database) through sqlx's `Any` driver; only the text search and
//! the migrations differ. Knows nothing of the terminal, flags or config files.

mod address;
mod backup;
mod erase;
mod erasure_key;
mod event;
mod index;
mod marks;
pub mod metrics;
mod query;
pub mod receiver;
mod schema;
pub mod senders;
mod store;
pub mod sync;
mod team_audit;
pub mod tls;

pub use address::{cleartext_host, refuse_cleartext, shown_url};
pub use backup::restore;
pub use erase::Removed;
pub use event::{Facts, Kind, facts};
pub use index::Indexer;
pub use marks::{MarkChange, MarkEntry, Marks, NOTE_MAX, TAGS};
pub use query::{Order, Query, QueryError, TERMS, Term, field_names, terms_help};
pub use schema::{Status, known as known_schema};
pub use store::{INTAKE_ACQUIRE_TIMEOUT, Incoming, Outcome, Page, Purpose, SessionRow, Store, StoreError};
pub use team_audit::TeamLine;
/// What a session known only from `inbox import` is shown with, wherever a
/// signed webhook would otherwise be assumed (`SessionRow::imported`).
pub const IMPORTED: &str = "imported, unsigned";

/// A saved view: a name and a query (`[[inbox.views]]` in the config file).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct View {
    pub name: String,
    pub query: String,
}

/// The views every inbox starts with, before the config file's own. `needs
/// review` leaves out sessions the team tagged done (`tag:open`); `mine` is
/// what I claimed and is not done; `unclaimed`, what needs review and is nobody's.
pub fn default_views() -> Vec<View> {
    [
        ("needs review", "status:review,resubmission_requested tag:open"),
        ("mine", "claimed:me tag:open"),
        (
            "unclaimed",
            "status:review,resubmission_requested claimed:none tag:open",
        ),
        ("declined 24h", "status:declined since:24h"),
        ("watchlist possible match", "watchlist:possible_match"),
        ("started not submitted over 1h", "status:started before:1h"),
        ("all", ""),
    ]
    .into_iter()
    .map(|(name, query)| View {
        name: name.to_owned(),
        query: query.to_owned(),
    })
    .collect()
}
