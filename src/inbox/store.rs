//! The store: raw events and the session index, in SQLite or PostgreSQL.

use std::path::Path;
use std::time::Duration;

use sha2::{Digest, Sha256};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row};

use super::event::Facts;
use super::query::{Order, Param, Query, Reading, TextMatch, rowids};
use crate::time::now_ms;

/// One webhook to store, checked and parsed by the receiver or the importer.
#[derive(Debug, Clone)]
pub struct Incoming {
    pub kind: super::Kind,
    pub facts: Facts,
    pub body: Vec<u8>,
    /// The request's headers as a JSON object (`{}` for an import).
    pub headers: String,
    /// Which profile's key signed it, or `import`.
    pub source: String,
    pub received_ms: i64,
}

impl Incoming {
    /// A body read from an archive (`inbox import`): no headers, its source `import`.
    pub fn imported(value: &serde_json::Value, raw: Vec<u8>) -> Incoming {
        let kind = super::Kind::from_shape(value);
        Incoming {
            kind,
            facts: super::facts(kind, value),
            body: raw,
            headers: "{}".to_owned(),
            source: "import".to_owned(),
            received_ms: crate::time::now_ms(),
        }
    }

    /// An answer the tool fetched from the API (a session's decision), kept as
    /// sent, so what was looked at is found again; its source `fetched`.
    pub fn fetched(value: &serde_json::Value, raw: Vec<u8>) -> Incoming {
        Incoming {
            source: "fetched".to_owned(),
            ..Incoming::imported(value, raw)
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Stored,
    /// The same body was stored before: Veriff retried, or an archive overlapped.
    Duplicate,
    /// Its session was erased here: dropped, and answered as taken so that Veriff
    /// stops sending it.
    Erased,
}

/// A session's index fields.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionRow {
    #[serde(skip)]
    pub n: i64,
    pub id: String,
    pub status: Option<String>,
    pub code: Option<i64>,
    pub reason_code: Option<i64>,
    pub reason: Option<String>,
    pub decision_ms: Option<i64>,
    pub updated_ms: i64,
    pub vendor_data: Option<String>,
    pub end_user_id: Option<String>,
    pub person_name: Option<String>,
    pub document_number: Option<String>,
    pub document_country: Option<String>,
    pub risk_labels: Vec<String>,
    pub watchlist_status: Option<String>,
    /// Known only from `inbox import`: no webhook of it carried a signature the
    /// receiver checked, nor did the API answer for it.
    #[serde(skip)]
    pub imported: bool,
}

impl SessionRow {
    /// Its index fields, masked by the allow-list under `--redact` like every
    /// other answer: `inbox list`'s table and `--json`, and the browser's rows,
    /// are made from this.
    pub fn masked_json(&self, redact: crate::redact::Redact) -> serde_json::Value {
        redact.json(serde_json::json!({
            "id": self.id,
            "status": self.status,
            "code": self.code,
            "reasonCode": self.reason_code,
            "reason": self.reason,
            "decisionTime": self.decision_ms.map(crate::time::format_time_ms),
            "updatedAt": crate::time::format_time_ms(self.updated_ms),
            "vendorData": self.vendor_data,
            "endUserId": self.end_user_id,
            "personName": self.person_name,
            "documentNumber": self.document_number,
            "documentCountry": self.document_country,
            "riskLabels": self.risk_labels,
            "watchlistStatus": self.watchlist_status,
        }))
    }

    /// The same row with the masked values in place of its text fields.
    pub fn masked(mut self, redact: crate::redact::Redact) -> SessionRow {
        if !redact.on {
            return self;
        }
        let masked = self.masked_json(redact);
        let text = |key: &str| masked[key].as_str().map(str::to_owned);
        self.reason = text("reason");
        self.vendor_data = text("vendorData");
        self.end_user_id = text("endUserId");
        self.person_name = text("personName");
        self.document_number = text("documentNumber");
        self.document_country = text("documentCountry");
        self.watchlist_status = text("watchlistStatus");
        self.status = text("status");
        self.id = text("id").unwrap_or_default();
        self.risk_labels = masked["riskLabels"]
            .as_array()
            .map(|labels| labels.iter().filter_map(|l| l.as_str().map(str::to_owned)).collect())
            .unwrap_or_default();
        self
    }
}

/// Where a listing continues: after this row (keyset paging, newest first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub after: Option<(i64, i64)>,
    pub limit: u32,
}

#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    pub(super) postgres: bool,
    /// For a PostgreSQL listener of its own (LISTEN needs a dedicated connection).
    pub(super) url: String,
    /// What erased session ids are hashed with (the store's own, made by migration 4).
    pub(super) erasure_key: super::erasure_key::ErasureKey,
    /// PostgreSQL: the database login this store was opened as, who every claim,
    /// tag, note and erasure is recorded as.
    login: Option<String>,
}

/// Without the URL's password: a store may be printed in a log line or a panic.
impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("url", &super::address::shown_url(&self.url))
            .finish_non_exhaustive()
    }
}

/// Below this many sessions matching a text query, SQLite reads them from the
/// text index and sorts them (at most this many lookups); from this many, the
/// newest sessions are read until a page matches (a page is at most
/// 200 x 1,000,000 / this many rows away).
const FEW_TEXT_MATCHES: i64 = 10_000;

/// PostgreSQL: a page's words are first looked for in this many sessions per
/// row asked for (2,000 for 50 rows, about 5 ms for a word none of them
/// holds); a word in fewer than 1 session in 40 is read from its index.
const WINDOW_PER_ROW: i64 = 40;

/// Rows a multi-row statement carries: 17 columns x 200 stays far below both
/// databases' limits on parameters.
const ROWS_PER_STATEMENT: usize = 200;

const INSERT_SESSIONS: &str = "
INSERT INTO sessions (id, status, code, reason_code, reason, decision_ms, event_ms, watchlist_ms,
    updated_ms, vendor_data, end_user_id, person_name, name_key, document_number,
    document_country, risk_labels, watchlist_status)";

/// What a webhook changes of a session already known: a decision only replaces an
/// older one; references fill in what was missing.
const ON_SESSION_CONFLICT: &str = "
ON CONFLICT (id) DO UPDATE SET
    status = CASE
        WHEN excluded.decision_ms IS NOT NULL
             AND (sessions.decision_ms IS NULL OR excluded.decision_ms >= sessions.decision_ms)
            THEN excluded.status
        WHEN excluded.decision_ms IS NULL AND excluded.status IS NOT NULL
             AND sessions.decision_ms IS NULL
             AND (sessions.event_ms IS NULL OR excluded.event_ms >= sessions.event_ms)
            THEN excluded.status
        ELSE sessions.status END,
    code = CASE WHEN excluded.decision_ms IS NOT NULL
             AND (sessions.decision_ms IS NULL OR excluded.decision_ms >= sessions.decision_ms)
            THEN excluded.code ELSE sessions.code END,
    reason_code = CASE WHEN excluded.decision_ms IS NOT NULL
             AND (sessions.decision_ms IS NULL OR excluded.decision_ms >= sessions.decision_ms)
            THEN excluded.reason_code ELSE sessions.reason_code END,
    reason = CASE WHEN excluded.decision_ms IS NOT NULL
             AND (sessions.decision_ms IS NULL OR excluded.decision_ms >= sessions.decision_ms)
            THEN excluded.reason ELSE sessions.reason END,
    decision_ms = CASE WHEN excluded.decision_ms IS NOT NULL
             AND (sessions.decision_ms IS NULL OR excluded.decision_ms >= sessions.decision_ms)
            THEN excluded.decision_ms ELSE sessions.decision_ms END,
    event_ms = CASE WHEN sessions.event_ms IS NULL OR excluded.event_ms > sessions.event_ms
            THEN excluded.event_ms ELSE sessions.event_ms END,
    watchlist_status = CASE WHEN excluded.watchlist_status IS NOT NULL
             AND (sessions.watchlist_ms IS NULL OR excluded.watchlist_ms >= sessions.watchlist_ms)
            THEN excluded.watchlist_status ELSE sessions.watchlist_status END,
    watchlist_ms = CASE WHEN excluded.watchlist_status IS NOT NULL
             AND (sessions.watchlist_ms IS NULL OR excluded.watchlist_ms >= sessions.watchlist_ms)
            THEN excluded.watchlist_ms ELSE sessions.watchlist_ms END,
    updated_ms = CASE WHEN excluded.updated_ms > sessions.updated_ms
            THEN excluded.updated_ms ELSE sessions.updated_ms END,
    vendor_data = COALESCE(excluded.vendor_data, sessions.vendor_data),
    end_user_id = COALESCE(excluded.end_user_id, sessions.end_user_id),
    person_name = COALESCE(excluded.person_name, sessions.person_name),
    name_key = COALESCE(excluded.name_key, sessions.name_key),
    document_number = COALESCE(excluded.document_number, sessions.document_number),
    document_country = COALESCE(excluded.document_country, sessions.document_country),
    risk_labels = COALESCE(excluded.risk_labels, sessions.risk_labels)";

/// `($1, $2), ($3, $4)` for `rows` rows of `columns` parameters each; SQLite's
/// `(?, ?), (?, ?)`, bound in order: its driver looks each `$N` up by name in a list,
/// which costs a multi-row statement the square of its parameters.
fn placeholders(postgres: bool, rows: usize, columns: usize) -> String {
    (0..rows)
        .map(|row| {
            let params: Vec<String> = (1..=columns)
                .map(|c| {
                    if postgres {
                        format!("${}", row * columns + c)
                    } else {
                        "?".to_owned()
                    }
                })
                .collect();
            format!("({})", params.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

const COLUMNS: &str = "n, id, status, code, reason_code, reason, decision_ms, updated_ms, vendor_data, \
    end_user_id, person_name, document_number, document_country, risk_labels, watchlist_status, \
    (SELECT CAST(MIN(CASE WHEN e.source = 'import' THEN 1 ELSE 0 END) AS BIGINT) \
        FROM events e WHERE e.session_id = sessions.id) AS imported";

impl Store {
    /// Opens (creating it if needed) the store at `url` and runs its migrations.
    /// `sqlite://PATH` files and their folder are made private (0600, 0700). A
    /// PostgreSQL on another host is refused unless the URL asks for TLS.
    pub async fn open(url: &str) -> Result<Store, String> {
        Store::open_with(url, false).await
    }

    /// As [`Store::open`]; `insecure` (`insecure_inbox`) lets a PostgreSQL on
    /// another host be reached without TLS. Errors name the URL without its password.
    /// A SQLite file (one person's) is migrated on first use; a shared PostgreSQL
    /// only by [`Store::migrate`] (`inbox migrate`): one whose schema this client
    /// does not match is refused, saying what to do.
    pub async fn open_with(url: &str, insecure: bool) -> Result<Store, String> {
        Store::open_for(url, insecure, Purpose::Work).await
    }

    /// As [`Store::open_with`], its connections as `purpose` needs them.
    pub async fn open_for(url: &str, insecure: bool, purpose: Purpose) -> Result<Store, String> {
        let (pool, postgres) = connect(url, insecure, purpose).await?;
        let shown = super::address::shown_url(url);
        super::schema::ready(&pool, postgres, &shown, !postgres)
            .await
            .map_err(|e| super::address::without_password(&e, url))?;
        let erasure_key = super::erasure_key::ErasureKey::read(&pool).await?;
        let login = match postgres {
            true => Some(
                sqlx::query_scalar::<_, String>("SELECT CAST(session_user AS TEXT)")
                    .fetch_one(&pool)
                    .await
                    .map_err(|e| format!("cannot read the inbox's login: {e}"))?,
            ),
            false => None,
        };
        Ok(Store {
            pool,
            postgres,
            url: url.to_owned(),
            erasure_key,
            login,
        })
    }

    /// Brings the store at `url` to this client's schema (`inbox migrate`): the
    /// schema versions before and after.
    pub async fn migrate(url: &str, insecure: bool) -> Result<(Option<i64>, i64), String> {
        let (pool, _) = connect(url, insecure, Purpose::Work).await?;
        let migrated = super::schema::migrate(&pool, super::address::is_postgres(url))
            .await
            .map_err(|e| {
                format!(
                    "cannot migrate the inbox at {}: {}",
                    super::address::shown_url(url),
                    super::address::without_password(&e, url)
                )
            });
        pool.close().await;
        migrated
    }

    pub fn is_postgres(&self) -> bool {
        self.postgres
    }

    /// Whether `other` is a handle on the same store (the same URL).
    pub fn same_store(&self, other: &Store) -> bool {
        self.url == other.url
    }

    /// Who a change is recorded as: on a shared PostgreSQL store the database
    /// login (a team's members are its logins, and `$USER` is whatever anyone
    /// sets); on one person's SQLite file, `local` (`user@host`).
    pub fn who(&self, local: &str) -> String {
        self.login.clone().unwrap_or_else(|| local.to_owned())
    }

    pub(super) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// A transaction that writes. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), waiting for another writer as long as the busy
    /// timeout allows: one begun as a read cannot wait for the lock once
    /// another writer has committed, and fails "database is locked" at once
    /// (a browser's mark while the receiver stores webhooks).
    pub(super) async fn begin_writing(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.postgres {
            true => self.pool.begin().await,
            false => self.pool.begin_with("BEGIN IMMEDIATE").await,
        }
    }

    /// SQLite: writes the WAL into the database; `truncate`, also empties the
    /// file (`wal_checkpoint(TRUNCATE)`, waiting for a writer in progress), else
    /// without waiting for anyone (`PASSIVE`: the next write starts the WAL over,
    /// cut back to `journal_size_limit`). Nothing on PostgreSQL.
    pub async fn checkpoint(&self, truncate: bool) -> Result<(), String> {
        if self.postgres {
            return Ok(());
        }
        let mode = if truncate { "TRUNCATE" } else { "PASSIVE" };
        sqlx::query(&format!("PRAGMA wal_checkpoint({mode})"))
            .execute(&self.pool)
            .await
            .map(drop)
            .map_err(|e| format!("cannot checkpoint the inbox: {e}"))
    }

    /// After a bulk write (an import's end): SQLite empties its WAL; PostgreSQL
    /// reads the new rows' statistics. Right after an import of a million,
    /// autovacuum had not yet, and the planner, guessing, walked the newest-first
    /// index for a prefix word (220 ms) or a status with a vendorData (240 ms);
    /// analyzed, each takes under 40 ms. A login that does not own the tables
    /// gets a warning from PostgreSQL, not an error: autovacuum does it later.
    pub async fn settle(&self) -> Result<(), String> {
        if !self.postgres {
            return self.checkpoint(true).await;
        }
        sqlx::query("ANALYZE sessions, events")
            .execute(&self.pool)
            .await
            .map(drop)
            .map_err(|e| format!("cannot analyze the inbox: {e}"))
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Stores a batch in one transaction: every webhook is durable when this
    /// returns, each with whether it was new. Postgres deadlocks between receivers
    /// are retried.
    pub async fn ingest(&self, batch: &[Incoming]) -> Result<Vec<Outcome>, String> {
        self.try_ingest(batch).await.map_err(|e| e.message)
    }

    /// [`Store::ingest`], saying whether a failure is an unreachable store
    /// (then it is not retried: the caller answers "later" at once).
    pub async fn try_ingest(&self, batch: &[Incoming]) -> Result<Vec<Outcome>, StoreError> {
        let mut attempt = 0;
        loop {
            match self.ingest_once(batch).await {
                Ok(outcomes) => return Ok(outcomes),
                Err(e) if attempt < 3 && !unreachable(&e) => {
                    attempt += 1;
                    tracing::warn!(error = %e, attempt, "inbox batch failed, retrying");
                    tokio::time::sleep(Duration::from_millis(20 * attempt)).await;
                }
                Err(e) => {
                    return Err(StoreError {
                        unreachable: unreachable(&e),
                        message: format!(
                            "cannot store webhooks: {}",
                            super::address::without_password(&e.to_string(), &self.url)
                        ),
                    });
                }
            }
        }
    }

    /// Whether the store takes a write now: a transaction that would insert
    /// (nothing) into the events, rolled back. On SQLite it takes the write
    /// lock; on PostgreSQL it needs the receiver's INSERT right and a server
    /// that is not read-only.
    pub async fn takes_a_write(&self) -> Result<(), StoreError> {
        let failed = |e: sqlx::Error| StoreError {
            unreachable: unreachable(&e),
            message: super::address::without_password(&e.to_string(), &self.url),
        };
        let mut tx = self.begin_writing().await.map_err(failed)?;
        sqlx::query("INSERT INTO events (body_hash) SELECT 'probe' WHERE 1 = 0")
            .execute(&mut *tx)
            .await
            .map_err(failed)?;
        tx.rollback().await.map_err(failed)
    }

    async fn ingest_once(&self, batch: &[Incoming]) -> Result<Vec<Outcome>, sqlx::Error> {
        // One order for every writer: two receivers lock sessions alike, no deadlock.
        // Stable: a session's webhooks keep their order of arrival.
        let mut order: Vec<usize> = (0..batch.len()).collect();
        order.sort_by(|&a, &b| batch[a].facts.session_id.cmp(&batch[b].facts.session_id));
        let hashes: Vec<String> = batch
            .iter()
            .map(|item| hex::encode(Sha256::digest(&item.body)))
            .collect();
        let mut tx = self.begin_writing().await?;
        // An erased session stays erased, however its webhook comes back: on
        // PostgreSQL the batch's sessions are locked first, so an erasure
        // running meanwhile either comes before (and is seen) or waits.
        let sessions: Vec<&str> = order
            .iter()
            .filter_map(|&i| batch[i].facts.session_id.as_deref())
            .collect();
        self.lock_sessions(&mut tx, &sessions).await?;
        let erased = self.erased_among(&mut tx, batch).await?;
        order.retain(|i| !erased.contains(i));
        // Many rows a statement: a statement's round trip costs more than its rows.
        let mut new_hashes = std::collections::HashSet::new();
        for chunk in order.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "INSERT INTO events (body_hash, kind, session_id, source, received_ms, event_ms, headers, body)
                 VALUES {} ON CONFLICT (body_hash) DO NOTHING RETURNING body_hash",
                placeholders(self.postgres, chunk.len(), 8)
            );
            let mut q = sqlx::query(&sql);
            for &i in chunk {
                let item = &batch[i];
                q = q
                    .bind(hashes[i].clone())
                    .bind(item.kind.as_str())
                    .bind(item.facts.session_id.clone())
                    .bind(item.source.clone())
                    .bind(item.received_ms)
                    .bind(item.facts.time_ms)
                    .bind(item.headers.clone())
                    .bind(item.body.clone());
            }
            for row in q.fetch_all(&mut *tx).await? {
                new_hashes.insert(row.try_get::<String, _>(0)?);
            }
        }
        // The first of equal bodies is the one stored; the rest are duplicates.
        let mut outcomes = vec![Outcome::Duplicate; batch.len()];
        for &i in &erased {
            outcomes[i] = Outcome::Erased;
        }
        let mut stored = Vec::new();
        for &i in &order {
            if new_hashes.remove(&hashes[i]) {
                outcomes[i] = Outcome::Stored;
                if batch[i].facts.session_id.is_some() {
                    stored.push(i);
                }
            }
        }
        // A session's index, in passes where each session appears once (a statement
        // may change a row only once): its first webhook of the batch, then its
        // second, each pass in session order.
        let mut passes: Vec<Vec<usize>> = Vec::new();
        let mut previous: Option<&String> = None;
        let mut occurrence = 0;
        for &i in &stored {
            let session = batch[i].facts.session_id.as_ref();
            occurrence = if session == previous { occurrence + 1 } else { 0 };
            previous = session;
            if passes.len() <= occurrence {
                passes.push(Vec::new());
            }
            passes[occurrence].push(i);
        }
        for pass in &passes {
            for chunk in pass.chunks(ROWS_PER_STATEMENT) {
                let sql = format!(
                    "{INSERT_SESSIONS} VALUES {} {ON_SESSION_CONFLICT}",
                    placeholders(self.postgres, chunk.len(), 17)
                );
                let mut q = sqlx::query(&sql);
                for &i in chunk {
                    let item = &batch[i];
                    let facts = &item.facts;
                    let decision = facts.decision.clone().unwrap_or_default();
                    let status = if facts.decision.is_some() {
                        decision.status.clone()
                    } else {
                        facts.progress.clone()
                    };
                    // A sender's date counts up to its arrival and a minute of clock
                    // skew: one dated 2099 must not outrank every later decision.
                    const CLOCK_SKEW_MS: i64 = 60_000;
                    let at = facts.time_ms.map_or(item.received_ms, |t| {
                        t.min(item.received_ms.saturating_add(CLOCK_SKEW_MS))
                    });
                    let labels = (!facts.risk_labels.is_empty()).then(|| format!(",{},", facts.risk_labels.join(",")));
                    q = q
                        .bind(facts.session_id.clone())
                        .bind(status)
                        .bind(decision.code)
                        .bind(decision.reason_code)
                        .bind(decision.reason.clone())
                        .bind(facts.decision.is_some().then_some(at))
                        .bind(at)
                        .bind(facts.watchlist_status.is_some().then_some(at))
                        .bind(at)
                        .bind(facts.vendor_data.clone())
                        .bind(facts.end_user_id.clone())
                        .bind(facts.person_name.clone())
                        .bind(facts.person_name.as_ref().map(|n| n.to_uppercase()))
                        .bind(facts.document_number.clone())
                        .bind(facts.document_country.clone())
                        .bind(labels)
                        .bind(facts.watchlist_status.as_ref().map(|s| s.to_lowercase()));
                }
                q.execute(&mut *tx).await?;
            }
        }
        if self.postgres && outcomes.contains(&Outcome::Stored) {
            // Sent on commit: open browsers (LISTEN veriff_inbox) refresh at once.
            sqlx::query("SELECT pg_notify('veriff_inbox', '')")
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(outcomes)
    }

    /// One page of the sessions matching `query`, in its order (newest activity
    /// first unless `sort:` says otherwise). `page.after` is the last row's
    /// `(updated_ms, n)`; by status or name, that row's status or name is read
    /// again by its `n`.
    pub async fn list(&self, query: &Query, page: Page) -> Result<Vec<SessionRow>, String> {
        let reading = match self.postgres {
            false => self.text_lead(query).await?,
            true if query.conditions(true, 0).matches.is_empty() => Reading::Sessions,
            true => {
                // PostgreSQL can neither count a common word's sessions cheaply
                // (its GIN index gathers all 125,000 `toom` finds first, 60 ms)
                // nor tell a rare word from a common one (it guesses 2% for
                // any): the first sessions in the page's order are tried, and
                // only when they hold no full page are the words' own sessions
                // read first (a vendorData part in 310 of a million: 20 ms
                // either way, instead of 400 ms walking all of them).
                let window = i64::from(page.limit).saturating_mul(WINDOW_PER_ROW);
                let found = self.list_reading(query, page, Reading::Window(window)).await?;
                if found.len() >= page.limit as usize {
                    return Ok(found);
                }
                Reading::WordsFirst(0)
            }
        };
        self.list_reading(query, page, reading).await
    }

    /// SQLite: the text match of `query` with the fewest sessions, to be read
    /// first, if it has fewer than [`FEW_TEXT_MATCHES`].
    async fn text_lead(&self, query: &Query) -> Result<Reading, String> {
        let mut lead = Reading::Sessions;
        let mut fewest = FEW_TEXT_MATCHES;
        for (i, m) in query.conditions(self.postgres, 0).matches.iter().enumerate() {
            let TextMatch::Indexed(alternatives) = m else {
                continue;
            };
            let found = self.text_matches(alternatives).await?;
            if found < fewest {
                (lead, fewest) = (Reading::WordsFirst(i), found);
            }
        }
        Ok(lead)
    }

    /// [`Store::list`], read as `reading` says.
    async fn list_reading(&self, query: &Query, page: Page, reading: Reading) -> Result<Vec<SessionRow>, String> {
        let (sql, params) = list_sql(query, page, reading, self.postgres);
        let rows = with_params(&sql, params)
            .fetch_all(&self.pool)
            .await
            .map_err(|e| format!("cannot read the inbox: {e}"))?;
        rows.iter()
            .map(session_row)
            .collect::<Result<_, _>>()
            .map_err(|e| format!("cannot read the inbox: {e}"))
    }

    /// How many sessions SQLite's text match (any of `alternatives`) finds,
    /// counted no further than [`FEW_TEXT_MATCHES`]: as quick for a word in
    /// every session as for a ticket number.
    async fn text_matches(&self, alternatives: &[(&'static str, String, String)]) -> Result<i64, String> {
        let params: Vec<String> = (1..=alternatives.len()).map(|i| format!("${i}")).collect();
        let limit = alternatives.len() + 1;
        let sql = format!(
            "SELECT COUNT(*) FROM ({} LIMIT ${limit}) AS found",
            rowids(alternatives, &params)
        );
        let mut q = sqlx::query_scalar(&sql);
        for (_, _, text) in alternatives {
            q = q.bind(text.clone());
        }
        q.bind(FEW_TEXT_MATCHES)
            .fetch_one(&self.pool)
            .await
            .map_err(|e| format!("cannot read the inbox: {e}"))
    }

    /// Every way [`Store::list`] may read a page of `query`, named, with the
    /// rows each finds: for the test that they agree (a window's rows are the
    /// first of the others', all of them once it holds a page).
    #[doc(hidden)]
    pub async fn list_every_way(&self, query: &Query, page: Page) -> Result<Vec<(String, Vec<SessionRow>)>, String> {
        let words = query.conditions(self.postgres, 0).matches.len();
        let mut readings = vec![Reading::Sessions];
        readings.extend((0..words).map(Reading::WordsFirst));
        readings.extend([1, 3, i64::from(page.limit).saturating_mul(WINDOW_PER_ROW)].map(Reading::Window));
        let mut found = Vec::new();
        for reading in readings {
            found.push((format!("{reading:?}"), self.list_reading(query, page, reading).await?));
        }
        Ok(found)
    }

    /// SQLite's plan for the first page of `query`, read as [`Store::list`]
    /// would: one line a step (`SCAN sessions USING INDEX ...`). The query-plan
    /// test fails on a step that reads every session.
    #[doc(hidden)]
    pub async fn query_plan(&self, query: &Query) -> Result<Vec<String>, String> {
        let reading = self.text_lead(query).await?;
        let (sql, params) = list_sql(
            query,
            Page {
                after: None,
                limit: 200,
            },
            reading,
            self.postgres,
        );
        let explain = format!("EXPLAIN QUERY PLAN {sql}");
        let rows = with_params(&explain, params)
            .fetch_all(&self.pool)
            .await
            .map_err(|e| format!("cannot read the plan: {e}"))?;
        rows.iter()
            .map(|row| row.try_get::<String, _>("detail"))
            .collect::<Result<_, _>>()
            .map_err(|e| format!("cannot read the plan: {e}"))
    }

    /// How many sessions match `query` (a view's count); past `at_most`, only
    /// that there are more (`at_most + 1`): PostgreSQL counts by reading every
    /// matching row, a second for a million, and a queue that long reads the same.
    pub async fn count(&self, query: &Query, at_most: Option<i64>) -> Result<i64, String> {
        let mut w = query.conditions(self.postgres, now_ms());
        let sql = match at_most {
            Some(most) => {
                let limit = w.bind(Param::Int(most.saturating_add(1)));
                format!(
                    "SELECT COUNT(*) FROM (SELECT 1 {} LIMIT {limit}) AS counted",
                    w.reading_sessions()
                )
            }
            None => format!("SELECT COUNT(*) {}", w.reading_sessions()),
        };
        let mut q = sqlx::query_scalar::<_, i64>(&sql);
        for param in w.params {
            q = match param {
                Param::Text(t) => q.bind(t),
                Param::Int(i) => q.bind(i),
            };
        }
        q.fetch_one(&self.pool)
            .await
            .map_err(|e| format!("cannot read the inbox: {e}"))
    }

    /// Sessions known without a decision (only events arrived) or still in review,
    /// most recently active first: what `inbox sync` asks the API about.
    pub async fn sessions_to_sync(&self, limit: u32) -> Result<Vec<String>, String> {
        sqlx::query_scalar::<_, String>(
            "SELECT id FROM sessions WHERE decision_ms IS NULL OR status = 'review'
             ORDER BY updated_ms DESC, n DESC LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(|e| format!("cannot read the inbox: {e}"))
    }

    /// How many raw events are stored for a session (its history).
    pub async fn event_count(&self, session: &str) -> Result<i64, String> {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM events WHERE session_id = $1")
            .bind(session.to_owned())
            .fetch_one(&self.pool)
            .await
            .map_err(|e| format!("cannot read the inbox: {e}"))
    }

    /// The raw bodies of every stored event, oldest first (for checks and exports).
    pub async fn event_bodies(&self) -> Result<Vec<Vec<u8>>, String> {
        sqlx::query_scalar::<_, Vec<u8>>("SELECT body FROM events ORDER BY n")
            .fetch_all(&self.pool)
            .await
            .map_err(|e| format!("cannot read the inbox: {e}"))
    }
}

/// The statement [`Store::list`] runs, and its parameters.
/// `sql` with `params` bound in order.
fn with_params(sql: &str, params: Vec<Param>) -> sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments<'_>> {
    params.into_iter().fold(sqlx::query(sql), |q, param| match param {
        Param::Text(t) => q.bind(t),
        Param::Int(i) => q.bind(i),
    })
}

fn list_sql(query: &Query, page: Page, reading: Reading, postgres: bool) -> (String, Vec<Param>) {
    let mut w = query.conditions(postgres, now_ms());
    // The column rows are ordered by before the time, a status or a name (read
    // in the order of its index; missing ones first on both databases).
    let key = match query.order {
        Order::Status => Some("status"),
        Order::Name => Some("name_key"),
        Order::Newest | Order::Oldest => None,
    };
    let same = if postgres { "IS NOT DISTINCT FROM" } else { "IS" };
    if let Some((updated, n)) = page.after {
        let (a, b, c) = (
            w.bind(Param::Int(updated)),
            w.bind(Param::Int(updated)),
            w.bind(Param::Int(n)),
        );
        let later = if query.order == Order::Oldest { ">" } else { "<" };
        let in_time = format!("(updated_ms {later} {a} OR (updated_ms = {b} AND n {later} {c}))");
        let after = match key {
            None => in_time,
            Some(key) => {
                let mut was = || {
                    let p = w.bind(Param::Int(n));
                    format!("(SELECT {key} FROM sessions WHERE n = {p})")
                };
                let (w1, w2, w3) = (was(), was(), was());
                format!("(({key} IS NOT NULL AND {w1} IS NULL) OR {key} > {w2} OR ({key} {same} {w3} AND {in_time}))")
            }
        };
        w.clauses.push(after);
    }
    let limit = w.bind(Param::Int(i64::from(page.limit)));
    let order = match (query.order, key) {
        (Order::Oldest, _) => "updated_ms ASC, n ASC".to_owned(),
        (_, Some(key)) => format!("{key} ASC NULLS FIRST, updated_ms DESC, n DESC"),
        _ => "updated_ms DESC, n DESC".to_owned(),
    };
    let window = match reading {
        Reading::Window(rows) => w.bind(Param::Int(rows)),
        _ => String::new(),
    };
    let from = w.reading(reading, &order, &window);
    let sql = format!("SELECT {COLUMNS} {from} ORDER BY {order} LIMIT {limit}");
    (sql, w.params)
}

/// Why a batch was not stored.
#[derive(Debug, Clone)]
pub struct StoreError {
    /// No connection to the store (down, unreachable, restarting), as opposed
    /// to a store that answered and refused.
    pub unreachable: bool,
    /// Without the URL's password.
    pub message: String,
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Whether `e` means no store to talk to, rather than a statement it refused:
/// no connection had in time, a broken one, or a server shutting down or
/// starting up (SQLSTATE class 08, 57P01-57P03).
fn unreachable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => db
            .code()
            .is_some_and(|code| code.starts_with("08") || matches!(&*code, "57P01" | "57P02" | "57P03")),
        _ => false,
    }
}

/// What a store is opened for, which sets how many connections its pool
/// holds and how long a query waits for one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The browser, or a command that writes: up to 8 connections on
    /// PostgreSQL (4 on SQLite), waited for 30 s (sqlx's default).
    Work,
    /// A command that reads, one query after another (`inbox list`, `views`,
    /// `log`, `status`, `audit`): one connection. sqlx pings a connection as it goes
    /// back to the pool, in a task of its own, so the next query finds none
    /// idle and opens a second one: 7 ms of a 20 ms `inbox list` over TLS.
    Reading,
    /// `inbox receive`: a connection not had within [`INTAKE_ACQUIRE_TIMEOUT`]
    /// is an unreachable store, so that a webhook is answered 503 (Veriff sends
    /// it again) within a second, not after 30 s of connection attempts.
    Intake,
}

impl Purpose {
    fn connections(self, postgres: bool) -> u32 {
        match (self, postgres) {
            (Purpose::Reading, _) => 1,
            (_, true) => 8,
            (_, false) => 4,
        }
    }

    fn acquire_timeout(self) -> Duration {
        match self {
            Purpose::Intake => INTAKE_ACQUIRE_TIMEOUT,
            Purpose::Work | Purpose::Reading => Duration::from_secs(30),
        }
    }
}

/// How long the receiver waits for a connection: a webhook is answered within
/// a second even while the store is down (Veriff retries), and a PostgreSQL
/// across a region still connects (TLS and login, 3 to 4 round trips) within it.
pub const INTAKE_ACQUIRE_TIMEOUT: Duration = Duration::from_millis(600);

/// A pool on the store at `url`, not yet checked for its schema. A PostgreSQL on
/// another host without TLS is refused (unless `insecure`); a SQLite file and its
/// folder are made private first.
async fn connect(url: &str, insecure: bool, purpose: Purpose) -> Result<(AnyPool, bool), String> {
    sqlx::any::install_default_drivers();
    let postgres = super::address::is_postgres(url);
    let shown = super::address::shown_url(url);
    let quiet = |e: sqlx::Error| super::address::without_password(&e.to_string(), url);
    if postgres {
        super::address::refuse_cleartext(url, insecure)?;
    } else {
        let path = url
            .strip_prefix("sqlite://")
            .ok_or_else(|| format!("inbox URL {shown:?}: use sqlite://PATH or postgres://..."))?;
        let path = path.split('?').next().unwrap_or(path);
        prepare_sqlite_file(Path::new(path)).map_err(|e| format!("cannot create the inbox at {path}: {e}"))?;
    }
    let pool = AnyPoolOptions::new()
        .max_connections(purpose.connections(postgres))
        .acquire_timeout(purpose.acquire_timeout())
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if !postgres {
                    // WAL: readers never wait for the writer. FULL: a commit is on
                    // disk before the receiver answers 2xx (group commit pays for it).
                    // secure_delete: what is deleted or overwritten (an erased
                    // person, a note replaced) is zeroed in its page, not left
                    // in the file's free space.
                    for pragma in [
                        "PRAGMA journal_mode = WAL",
                        "PRAGMA synchronous = FULL",
                        "PRAGMA busy_timeout = 10000",
                        "PRAGMA secure_delete = ON",
                        // After a checkpoint resets the WAL (SQLite's own every
                        // 1,000 pages, or an import's), it is cut back to 64 MB:
                        // a receiver under load leaves no larger file behind.
                        "PRAGMA journal_size_limit = 67108864",
                    ] {
                        sqlx::query(pragma).execute(&mut *conn).await?;
                    }
                }
                Ok(())
            })
        })
        .connect(url)
        .await
        .map_err(|e| format!("cannot open the inbox at {shown}: {}", quiet(e)))?;
    Ok((pool, postgres))
}

fn session_row(row: &AnyRow) -> Result<SessionRow, sqlx::Error> {
    let labels: Option<String> = row.try_get("risk_labels")?;
    Ok(SessionRow {
        n: row.try_get("n")?,
        id: row.try_get("id")?,
        status: row.try_get("status")?,
        code: row.try_get("code")?,
        reason_code: row.try_get("reason_code")?,
        reason: row.try_get("reason")?,
        decision_ms: row.try_get("decision_ms")?,
        updated_ms: row.try_get("updated_ms")?,
        vendor_data: row.try_get("vendor_data")?,
        end_user_id: row.try_get("end_user_id")?,
        person_name: row.try_get("person_name")?,
        document_number: row.try_get("document_number")?,
        document_country: row.try_get("document_country")?,
        risk_labels: labels
            .map(|l| l.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect())
            .unwrap_or_default(),
        watchlist_status: row.try_get("watchlist_status")?,
        imported: row.try_get::<Option<i64>, _>("imported").ok().flatten() == Some(1),
    })
}

/// The database file and its folder exist and are private before SQLite opens them
/// (its -wal and -shm files take the database file's mode).
fn prepare_sqlite_file(path: &Path) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::files::create_private_dir_all(dir)?;
    }
    crate::files::private_file_options()
        .create(true)
        .append(true)
        .open(path)
        .map(drop)
}
