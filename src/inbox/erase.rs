//! Forgetting sessions: an erasure (the session deleted at Veriff, or a person's
//! request) and a purge (no activity for a while) remove every row that names a
//! session, through one function. An erased session is remembered only as a
//! keyed hash of its id, so nothing brings it back; a purged one may return with
//! its next webhook.

use std::collections::HashSet;
use std::fmt;

use sqlx::Row;

use super::store::{Incoming, Store};
use crate::time::now_ms;

/// What an erasure or a purge removed from the inbox.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Removed {
    pub sessions: u64,
    pub webhooks: u64,
    pub claims: u64,
    pub tags: u64,
    pub notes: u64,
    /// Mark-log lines kept as "a mark changed", their session's id and value gone.
    pub log_lines: u64,
    /// SQLite: the WAL could not be checkpointed (a reader held it), so the
    /// deleted bytes stay in it until SQLite's next checkpoint.
    #[serde(skip)]
    pub wal_busy: bool,
}

impl fmt::Display for Removed {
    /// `3 webhooks, 1 note`; `nothing` when nothing was there.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let counted = |n: u64, one: &str, many: &str| match n {
            0 => None,
            1 => Some(format!("1 {one}")),
            n => Some(format!("{n} {many}")),
        };
        let parts: Vec<String> = [
            counted(self.webhooks, "webhook", "webhooks"),
            counted(self.claims, "claim", "claims"),
            counted(self.tags, "tag", "tags"),
            counted(self.notes, "note", "notes"),
            counted(self.log_lines, "mark-log line anonymised", "mark-log lines anonymised"),
        ]
        .into_iter()
        .flatten()
        .collect();
        if parts.is_empty() {
            f.write_str(if self.sessions > 0 { "its index row" } else { "nothing" })
        } else {
            f.write_str(&parts.join(", "))
        }
    }
}

/// The sessions with no activity since `$1` (= `$2` = `$3` = `$4`): neither a
/// webhook nor a claim, tag or note.
const INACTIVE: &str = "FROM sessions WHERE updated_ms < $1
    AND NOT EXISTS (SELECT 1 FROM marks WHERE marks.session_id = sessions.id
        AND (marks.claimed_ms >= $2 OR marks.tag_ms >= $3 OR marks.note_ms >= $4))";

/// Sessions a purge takes in one transaction: a receiver waits for one batch at
/// most, never the whole purge.
const PURGE_BATCH: i64 = 500;

impl Store {
    /// Erases `session` from the inbox for good: its index row (and so its words
    /// in the text and name indexes), every webhook stored for it, its marks, and
    /// the values of its mark log (the lines stay, to say a mark changed, under
    /// a hash instead of the id). Its id's keyed hash is remembered, so it is
    /// never stored again. On SQLite the freed bytes are zeroed and the WAL
    /// checkpointed, so the file no longer holds them.
    pub async fn erase(&self, session: &str, who: &str) -> Result<Removed, String> {
        // Stored ids are lower case (as `facts` reads them).
        let session = &session.to_lowercase();
        let fail = |e: sqlx::Error| format!("cannot erase the session from the inbox: {e}");
        let token = self.erasure_key.token(session);
        let mut tx = self.begin_writing().await.map_err(fail)?;
        // A webhook of it being stored meanwhile commits first, or waits and is dropped.
        self.lock_sessions(&mut tx, &[session]).await.map_err(fail)?;
        let removed = self.forget_rows(&mut tx, &[session.to_owned()]).await.map_err(fail)?;
        sqlx::query("INSERT INTO erased (id_hash, erased_ms) VALUES ($1, $2) ON CONFLICT (id_hash) DO NOTHING")
            .bind(token.clone())
            .bind(now_ms())
            .execute(&mut *tx)
            .await
            .map_err(fail)?;
        // Open browsers drop it from their views.
        self.log_change(&mut tx, &token, "erased", None, who, now_ms())
            .await
            .map_err(fail)?;
        tx.commit().await.map_err(fail)?;
        let mut removed = removed;
        removed.wal_busy = !self.scrub().await;
        Ok(removed)
    }

    /// What a search finds `session` by besides its id: its person's name,
    /// vendorData, end user id and document number. Read before it is erased,
    /// so that the searches kept that found it go with it.
    pub async fn found_by(&self, session: &str) -> Result<Vec<String>, String> {
        const TEXTS: [&str; 4] = ["person_name", "vendor_data", "end_user_id", "document_number"];
        let fail = |e: sqlx::Error| format!("cannot read the inbox: {e}");
        let sql = format!("SELECT {} FROM sessions WHERE id = $1", TEXTS.join(", "));
        let Some(row) = sqlx::query(&sql)
            .bind(session.to_lowercase())
            .fetch_optional(self.pool())
            .await
            .map_err(fail)?
        else {
            return Ok(Vec::new());
        };
        let mut texts = Vec::new();
        for column in TEXTS {
            texts.extend(row.try_get::<Option<String>, _>(column).map_err(fail)?);
        }
        Ok(texts)
    }

    /// What stands for `session` in the erased list.
    pub(super) fn erasure_token(&self, session: &str) -> String {
        self.erasure_key.token(session)
    }

    /// Whether `session` was erased here.
    pub async fn is_erased(&self, session: &str) -> Result<bool, String> {
        let found: Option<i64> = sqlx::query_scalar("SELECT erased_ms FROM erased WHERE id_hash = $1")
            .bind(self.erasure_key.token(session))
            .fetch_optional(self.pool())
            .await
            .map_err(|e| format!("cannot read the inbox: {e}"))?;
        Ok(found.is_some())
    }

    /// Removes the sessions with no activity since `cutoff_ms` (neither a webhook
    /// nor a claim, tag or note), as an erasure does but without remembering them,
    /// then every webhook, mark-log line and erased id older than that. In
    /// batches of their own transactions.
    pub async fn purge(&self, cutoff_ms: i64) -> Result<Removed, String> {
        let fail = |e: sqlx::Error| format!("cannot purge the inbox: {e}");
        let mut removed = Removed::default();
        loop {
            // Taken inside the transaction that forgets them: a webhook or a mark
            // arriving meanwhile either comes first (and the session is active,
            // so kept) or after (and brings it back, as a purged session may).
            let mut tx = self.begin_writing().await.map_err(fail)?;
            let sql = format!("DELETE FROM sessions WHERE id IN (SELECT id {INACTIVE} LIMIT $5) RETURNING id");
            let ids: Vec<String> = sqlx::query_scalar(&sql)
                .bind(cutoff_ms)
                .bind(cutoff_ms)
                .bind(cutoff_ms)
                .bind(cutoff_ms)
                .bind(PURGE_BATCH)
                .fetch_all(&mut *tx)
                .await
                .map_err(fail)?;
            if ids.is_empty() {
                break;
            }
            let mut batch = self.forget_rows(&mut tx, &ids).await.map_err(fail)?;
            batch.sessions = ids.len() as u64;
            // Open browsers look again; the line names no session.
            self.log_change(&mut tx, "", "purged", None, "purge", now_ms())
                .await
                .map_err(fail)?;
            tx.commit().await.map_err(fail)?;
            removed.add(batch);
        }
        // The mark log and the erased list keep no longer than the sessions do.
        for statement in [
            "DELETE FROM mark_log WHERE at_ms < $1",
            "DELETE FROM erased WHERE erased_ms < $1",
        ] {
            sqlx::query(statement)
                .bind(cutoff_ms)
                .execute(self.pool())
                .await
                .map_err(fail)?;
        }
        // What is left that old: webhooks of no session, and old webhooks of
        // sessions still active.
        loop {
            let deleted = sqlx::query(
                "DELETE FROM events WHERE n IN (SELECT n FROM events
                     WHERE COALESCE(event_ms, received_ms) < $1 LIMIT 5000)",
            )
            .bind(cutoff_ms)
            .execute(self.pool())
            .await
            .map_err(fail)?
            .rows_affected();
            removed.webhooks += deleted;
            if deleted == 0 {
                break;
            }
        }
        removed.wal_busy = !self.scrub().await;
        Ok(removed)
    }

    /// What [`Store::purge`] would remove now, without removing it (`--dry-run`),
    /// and how many sessions the inbox holds in all.
    pub async fn purge_plan(&self, cutoff_ms: i64) -> Result<(Removed, u64), String> {
        let fail = |e: sqlx::Error| format!("cannot read the inbox: {e}");
        let count = |n: i64| u64::try_from(n).unwrap_or(0);
        let sql = format!(
            "SELECT COUNT(*) AS sessions,
                 (SELECT COUNT(*) FROM events WHERE events.session_id IN (SELECT id {INACTIVE})
                     OR COALESCE(events.event_ms, events.received_ms) < $1) AS webhooks,
                 (SELECT COUNT(claimed_by) FROM marks WHERE session_id IN (SELECT id {INACTIVE})) AS claims,
                 (SELECT COUNT(tag) FROM marks WHERE session_id IN (SELECT id {INACTIVE})) AS tags,
                 (SELECT COUNT(note) FROM marks WHERE session_id IN (SELECT id {INACTIVE})) AS notes,
                 (SELECT COUNT(*) FROM mark_log WHERE session_id IN (SELECT id {INACTIVE})) AS log_lines,
                 (SELECT COUNT(*) FROM sessions) AS total
             {INACTIVE}"
        );
        let row = sqlx::query(&sql)
            .bind(cutoff_ms)
            .bind(cutoff_ms)
            .bind(cutoff_ms)
            .bind(cutoff_ms)
            .fetch_one(self.pool())
            .await
            .map_err(fail)?;
        let get = |name: &str| row.try_get::<i64, _>(name).map(count).map_err(fail);
        let plan = Removed {
            sessions: get("sessions")?,
            webhooks: get("webhooks")?,
            claims: get("claims")?,
            tags: get("tags")?,
            notes: get("notes")?,
            log_lines: get("log_lines")?,
            wal_busy: false,
        };
        Ok((plan, get("total")?))
    }

    /// Removes every row naming `ids` in `tx`: the one place a session leaves
    /// the inbox, for an erasure and a purge alike.
    async fn forget_rows(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        ids: &[String],
    ) -> Result<Removed, sqlx::Error> {
        let list = (1..=ids.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
        let sql = [
            format!(
                "SELECT COUNT(claimed_by) AS claims, COUNT(tag) AS tags, COUNT(note) AS notes
                 FROM marks WHERE session_id IN ({list})"
            ),
            format!("DELETE FROM events WHERE session_id IN ({list})"),
            format!("DELETE FROM sessions WHERE id IN ({list})"),
            format!("DELETE FROM marks WHERE session_id IN ({list})"),
            format!("SELECT DISTINCT session_id FROM mark_log WHERE session_id IN ({list})"),
        ];
        let bound = |sql| bound_to(sql, ids);
        let mut removed = Removed::default();
        let marks = bound(&sql[0]).fetch_one(&mut **tx).await?;
        removed.claims = u64::try_from(marks.try_get::<i64, _>("claims")?).unwrap_or(0);
        removed.tags = u64::try_from(marks.try_get::<i64, _>("tags")?).unwrap_or(0);
        removed.notes = u64::try_from(marks.try_get::<i64, _>("notes")?).unwrap_or(0);
        removed.webhooks = bound(&sql[1]).execute(&mut **tx).await?.rows_affected();
        removed.sessions = bound(&sql[2]).execute(&mut **tx).await?.rows_affected();
        bound(&sql[3]).execute(&mut **tx).await?;
        // The log keeps that a mark changed, never what it said nor of whom.
        let logged: Vec<String> = bound(&sql[4])
            .fetch_all(&mut **tx)
            .await?
            .iter()
            .map(|row| row.try_get::<String, _>(0))
            .collect::<Result<_, _>>()?;
        for session in logged {
            removed.log_lines += sqlx::query("UPDATE mark_log SET session_id = $1, value = NULL WHERE session_id = $2")
                .bind(self.erasure_key.token(&session))
                .bind(session)
                .execute(&mut **tx)
                .await?
                .rows_affected();
        }
        Ok(removed)
    }

    /// PostgreSQL: holds `sessions` (sorted, so two writers never deadlock) until
    /// the transaction ends, against an erasure, a mark or a webhook of the same
    /// session. SQLite has one writer at a time already.
    pub(super) async fn lock_sessions(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        sessions: &[&str],
    ) -> Result<(), sqlx::Error> {
        if !self.postgres || sessions.is_empty() {
            return Ok(());
        }
        let mut sorted: Vec<&str> = sessions.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        for chunk in sorted.chunks(500) {
            let values = (1..=chunk.len())
                .map(|i| format!("(${i})"))
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!(
                "SELECT COUNT(pg_advisory_xact_lock(hashtext(v))) FROM (SELECT v FROM (VALUES {values}) AS s(v) ORDER BY v) AS o"
            );
            let mut q = sqlx::query_scalar::<_, i64>(&sql);
            for session in chunk {
                q = q.bind((*session).to_owned());
            }
            q.fetch_one(&mut **tx).await?;
        }
        Ok(())
    }

    /// Whether `session` was erased here, read in `tx` (after [`Store::lock_sessions`]).
    pub(super) async fn erased_in(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        session: &str,
    ) -> Result<bool, sqlx::Error> {
        let found: Option<i64> = sqlx::query_scalar("SELECT erased_ms FROM erased WHERE id_hash = $1")
            .bind(self.erasure_key.token(session))
            .fetch_optional(&mut **tx)
            .await?;
        Ok(found.is_some())
    }

    /// The indexes of `batch`'s webhooks whose session was erased here.
    pub(super) async fn erased_among(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        batch: &[Incoming],
    ) -> Result<HashSet<usize>, sqlx::Error> {
        let tokens: Vec<Option<String>> = batch
            .iter()
            .map(|item| item.facts.session_id.as_deref().map(|id| self.erasure_key.token(id)))
            .collect();
        let distinct: Vec<&String> = tokens.iter().flatten().collect::<HashSet<_>>().into_iter().collect();
        let mut erased = HashSet::new();
        for chunk in distinct.chunks(500) {
            let list = (1..=chunk.len())
                .map(|i| format!("${i}"))
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!("SELECT id_hash FROM erased WHERE id_hash IN ({list})");
            let mut q = sqlx::query_scalar::<_, String>(&sql);
            for token in chunk {
                q = q.bind((*token).clone());
            }
            erased.extend(q.fetch_all(&mut **tx).await?);
        }
        Ok(tokens
            .iter()
            .enumerate()
            .filter(|(_, token)| token.as_ref().is_some_and(|t| erased.contains(t)))
            .map(|(i, _)| i)
            .collect())
    }

    /// On SQLite, moves what the WAL holds into the database (whose freed pages
    /// `secure_delete` zeroed) and truncates it: deleted bytes leave both files.
    /// A reader holding the WAL can delay it; tried for a few seconds, then left
    /// to SQLite's next checkpoint (and logged).
    /// Whether it was done (PostgreSQL: nothing to do).
    async fn scrub(&self) -> bool {
        if self.postgres {
            return true;
        }
        for _ in 0..50 {
            match sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .fetch_one(self.pool())
                .await
            {
                Ok(row) if row.try_get::<i64, _>(0).unwrap_or(1) == 0 => return true,
                Ok(_) => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
                Err(e) => {
                    tracing::warn!("inbox: cannot checkpoint the WAL after a deletion: {e}");
                    return false;
                }
            }
        }
        tracing::warn!("inbox: the WAL stayed busy; deleted bytes leave it at SQLite's next checkpoint");
        false
    }
}

impl Removed {
    /// Counts `other` in too (a purge's batches, an erasure in several inboxes).
    pub fn add(&mut self, other: Removed) {
        self.wal_busy |= other.wal_busy;
        self.sessions += other.sessions;
        self.webhooks += other.webhooks;
        self.claims += other.claims;
        self.tags += other.tags;
        self.notes += other.notes;
        self.log_lines += other.log_lines;
    }
}

/// `sql` with `ids` bound to its parameters in order.
fn bound_to<'q>(sql: &'q str, ids: &[String]) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    let mut q = sqlx::query(sql);
    for id in ids {
        q = q.bind(id.clone());
    }
    q
}
