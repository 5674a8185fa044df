//! A team's marks on a session: a claim, a tag, a one-line note, each kept with
//! who set it and when. They live in the inbox only: never sent to Veriff.

use std::collections::HashMap;
use std::time::Duration;

use sqlx::Row;

use super::store::Store;
use crate::redact::Redact;
use crate::time::now_ms;

/// The tags a session can carry (`None` clears it).
pub const TAGS: [&str; 3] = ["done", "escalated", "waiting on customer"];

/// The longest note kept; a note is one line.
pub const NOTE_MAX: usize = 200;

/// What the team has said about one session.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Marks {
    pub claimed_by: Option<String>,
    pub claimed_ms: Option<i64>,
    pub tag: Option<String>,
    pub tag_by: Option<String>,
    pub tag_ms: Option<i64>,
    pub note: Option<String>,
    pub note_by: Option<String>,
    pub note_ms: Option<i64>,
}

impl Marks {
    pub fn is_empty(&self) -> bool {
        self.claimed_by.is_none() && self.tag.is_none() && self.note.is_none()
    }
}

/// A change to a session's marks.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum MarkChange {
    /// Claim it. Refused when someone else holds it, unless `from` names them:
    /// taking over is said, never done by a stale screen.
    Claim {
        from: Option<String>,
    },
    /// Give up one's own claim.
    Unclaim,
    Tag(Option<String>),
    Note(Option<String>),
}

impl MarkChange {
    /// How the mark log records it. A cleared tag or note has a word of its
    /// own, so a NULL value always means one erased afterwards.
    fn what(&self) -> (&'static str, Option<&str>) {
        match self {
            MarkChange::Claim { from } => ("claim", from.as_deref()),
            MarkChange::Unclaim => ("unclaim", None),
            MarkChange::Tag(Some(tag)) => ("tag", Some(tag)),
            MarkChange::Tag(None) => ("untag", None),
            MarkChange::Note(Some(note)) => ("note", Some(note)),
            MarkChange::Note(None) => ("unnote", None),
        }
    }
}

/// One change of a session's marks, as the mark log keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkEntry {
    /// `claim` (its value: whose claim was taken over, if any), `unclaim`,
    /// `tag`, `untag`, `note`, `unnote`.
    pub what: String,
    /// The tag or the note set; `None` where the change has none, or where an
    /// erasure removed it.
    pub value: Option<String>,
    pub who: String,
    pub at_ms: i64,
}

impl MarkEntry {
    /// A tag or a note whose value is gone (an erasure or a purge keeps that a
    /// mark changed, never what it said).
    pub fn value_removed(&self) -> bool {
        self.value.is_none() && matches!(self.what.as_str(), "tag" | "note")
    }

    /// With its value masked as `redact` says: a note is free text, hidden; a
    /// tag of the fixed list and the name of a claim's holder are not the
    /// person's data, and show as the marks themselves do.
    pub fn masked(mut self, redact: Redact) -> MarkEntry {
        if redact.on {
            self.value = self.value.map(|value| match self.what.as_str() {
                "claim" => value,
                "tag" if TAGS.contains(&value.as_str()) => value,
                _ => redact.text(&value),
            });
        }
        self
    }

    /// What the change did, in words: `tagged escalated`, `took it over from
    /// ann@desk1`, `noted "called back"`.
    pub fn said(&self) -> String {
        if self.value_removed() {
            return format!("{} (value removed)", self.what);
        }
        match (self.what.as_str(), self.value.as_deref()) {
            ("claim", None) => "claimed".to_owned(),
            ("claim", Some(from)) => format!("took it over from {from}"),
            ("unclaim", _) => "gave up the claim".to_owned(),
            ("tag", Some(tag)) => format!("tagged {tag}"),
            ("untag", _) => "cleared the tag".to_owned(),
            ("note", Some(note)) => format!("noted \u{201c}{note}\u{201d}"),
            ("unnote", _) => "cleared the note".to_owned(),
            (what, Some(value)) => format!("{what} {value}"),
            (what, None) => what.to_owned(),
        }
    }
}

impl Store {
    /// The marks of these sessions (those with none are left out).
    pub async fn marks(&self, sessions: &[String]) -> Result<HashMap<String, Marks>, String> {
        let mut found = HashMap::new();
        // A page at a time: a statement's parameters are limited.
        for chunk in sessions.chunks(500) {
            let params: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT session_id, claimed_by, claimed_ms, tag, tag_by, tag_ms, note, note_by, note_ms
                 FROM marks WHERE session_id IN ({})",
                params.join(", ")
            );
            let mut q = sqlx::query(&sql);
            for id in chunk {
                q = q.bind(id.clone());
            }
            let rows = q.fetch_all(self.pool()).await.map_err(read_failed)?;
            for row in rows {
                let marks = Marks {
                    claimed_by: row.try_get("claimed_by").map_err(read_failed)?,
                    claimed_ms: row.try_get("claimed_ms").map_err(read_failed)?,
                    tag: row.try_get("tag").map_err(read_failed)?,
                    tag_by: row.try_get("tag_by").map_err(read_failed)?,
                    tag_ms: row.try_get("tag_ms").map_err(read_failed)?,
                    note: row.try_get("note").map_err(read_failed)?,
                    note_by: row.try_get("note_by").map_err(read_failed)?,
                    note_ms: row.try_get("note_ms").map_err(read_failed)?,
                };
                if !marks.is_empty() {
                    found.insert(row.try_get("session_id").map_err(read_failed)?, marks);
                }
            }
        }
        Ok(found)
    }

    /// Changes `session`'s marks as `who`, logged with the time; open browsers see
    /// it at their next look (PostgreSQL tells them at once). A claim someone else
    /// holds is refused with their name.
    pub async fn mark(&self, session: &str, change: &MarkChange, who: &str) -> Result<(), String> {
        let who = &self.who(who);
        let fail = |e: sqlx::Error| format!("cannot mark session {session} in the inbox: {e}");
        let at = now_ms();
        let mut tx = self.begin_writing().await.map_err(fail)?;
        // An erased session takes no mark: it would name the session again.
        self.lock_sessions(&mut tx, &[session]).await.map_err(fail)?;
        if self.erased_in(&mut tx, session).await.map_err(fail)? {
            return Err(format!(
                "session {} was erased here: it takes no mark",
                crate::ids::short(session)
            ));
        }
        let column = if matches!(change, MarkChange::Tag(_)) {
            "tag"
        } else {
            "note"
        };
        let set_value = format!(
            "INSERT INTO marks (session_id, {column}, {column}_by, {column}_ms) VALUES ($1, $2, $3, $4)
             ON CONFLICT (session_id) DO UPDATE SET {column} = excluded.{column},
                 {column}_by = excluded.{column}_by, {column}_ms = excluded.{column}_ms"
        );
        let changed = match change {
            MarkChange::Claim { from } => sqlx::query(
                "INSERT INTO marks (session_id, claimed_by, claimed_ms) VALUES ($1, $2, $3)
                 ON CONFLICT (session_id) DO UPDATE SET claimed_by = excluded.claimed_by,
                     claimed_ms = excluded.claimed_ms
                 WHERE marks.claimed_by IS NULL OR marks.claimed_by = $4 OR marks.claimed_by = $5",
            )
            .bind(session)
            .bind(who)
            .bind(at)
            .bind(who)
            .bind(from.clone().unwrap_or_default()),
            MarkChange::Unclaim => sqlx::query(
                "UPDATE marks SET claimed_by = NULL, claimed_ms = NULL WHERE session_id = $1 AND claimed_by = $2",
            )
            .bind(session)
            .bind(who),
            // A tag and a note are each a value with who set it and when.
            MarkChange::Tag(value) | MarkChange::Note(value) => sqlx::query(&set_value)
                .bind(session)
                .bind(value.clone())
                .bind(who)
                .bind(at),
        }
        .execute(&mut *tx)
        .await
        .map_err(fail)?
        .rows_affected();
        if changed == 0 {
            drop(tx);
            let holder = self
                .marks(&[session.to_owned()])
                .await?
                .remove(session)
                .and_then(|m| m.claimed_by);
            return Err(match (change, holder) {
                (MarkChange::Unclaim, Some(holder)) => format!("{holder} holds the claim, not you"),
                (MarkChange::Unclaim, None) => "nobody holds a claim on it".to_owned(),
                (_, Some(holder)) => format!("{holder} has claimed it meanwhile"),
                (_, None) => "its claim changed meanwhile; try again".to_owned(),
            });
        }
        let (what, value) = change.what();
        self.log_change(&mut tx, session, what, value, who, at)
            .await
            .map_err(fail)?;
        tx.commit().await.map_err(fail)
    }

    /// The changes of `session`'s marks, newest first, at most `limit`.
    pub async fn mark_log(&self, session: &str, limit: u32) -> Result<Vec<MarkEntry>, String> {
        let rows =
            sqlx::query("SELECT what, value, who, at_ms FROM mark_log WHERE session_id = $1 ORDER BY n DESC LIMIT $2")
                .bind(session)
                .bind(i64::from(limit))
                .fetch_all(self.pool())
                .await
                .map_err(read_failed)?;
        rows.iter()
            .map(|row| {
                Ok(MarkEntry {
                    what: row.try_get("what")?,
                    value: row.try_get("value")?,
                    who: row.try_get("who")?,
                    at_ms: row.try_get("at_ms")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(read_failed)
    }

    /// Logs a change in `tx` (which open browsers poll for), and on PostgreSQL
    /// tells them at commit.
    pub(super) async fn log_change(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        session: &str,
        what: &str,
        value: Option<&str>,
        who: &str,
        at: i64,
    ) -> Result<(), sqlx::Error> {
        let who = self.who(who);
        sqlx::query("INSERT INTO mark_log (session_id, what, value, who, at_ms) VALUES ($1, $2, $3, $4, $5)")
            .bind(session)
            .bind(what)
            .bind(value.map(str::to_owned))
            .bind(who)
            .bind(at)
            .execute(&mut **tx)
            .await?;
        if self.is_postgres() {
            sqlx::query("SELECT pg_notify('veriff_inbox', '')")
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }

    /// A number that changes with every stored webhook and every change of marks:
    /// a view compares it with the one it shows, and reloads when it moved.
    pub async fn revision(&self) -> Result<i64, String> {
        let (events, marks): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT COALESCE(MAX(n), 0) FROM events), (SELECT COALESCE(MAX(n), 0) FROM mark_log)",
        )
        .fetch_one(self.pool())
        .await
        .map_err(read_failed)?;
        // Mixed, not added: an erasure removes the newest webhook and adds a
        // mark-log line, and the sum of the two would not move.
        Ok(events.wrapping_mul(0x9E37_79B9_7F4A_7C15_u64 as i64) ^ marks)
    }
}

/// How often a SQLite inbox is looked at for changes (a query of two indexed
/// maxima); PostgreSQL says so at once, and is looked at this often only in case
/// its listener's connection dropped.
const POLL_SQLITE: Duration = Duration::from_millis(400);
const POLL_POSTGRES: Duration = Duration::from_secs(2);
/// The least time between two looks: a burst of a thousand webhooks a second
/// costs a view five reloads a second, not a thousand.
const MIN_GAP: Duration = Duration::from_millis(200);

impl Store {
    /// Calls `changed` with the inbox's revision at first and whenever it moves
    /// (another receiver's webhook, another analyst's claim), until `changed`
    /// says stop. Read errors are logged and looked at again later.
    pub async fn watch(&self, mut changed: impl FnMut(i64) -> bool) {
        let mut listener = if self.postgres {
            match sqlx::postgres::PgListener::connect(&self.url).await {
                Ok(mut listener) => match listener.listen("veriff_inbox").await {
                    Ok(()) => Some(listener),
                    Err(e) => {
                        tracing::warn!("inbox: cannot listen for changes, looking every 2 s: {e}");
                        None
                    }
                },
                Err(e) => {
                    tracing::warn!("inbox: cannot listen for changes, looking every 2 s: {e}");
                    None
                }
            }
        } else {
            None
        };
        let mut last = None;
        loop {
            match self.revision().await {
                Ok(revision) if last != Some(revision) => {
                    last = Some(revision);
                    if !changed(revision) {
                        return;
                    }
                }
                Ok(_) => {}
                Err(e) => tracing::warn!("{e}"),
            }
            tokio::time::sleep(MIN_GAP).await;
            match listener.as_mut() {
                Some(listener) => {
                    let _ = tokio::time::timeout(POLL_POSTGRES, listener.recv()).await;
                }
                None if self.postgres => tokio::time::sleep(POLL_POSTGRES).await,
                None => tokio::time::sleep(POLL_SQLITE.saturating_sub(MIN_GAP)).await,
            }
        }
    }
}

fn read_failed(e: sqlx::Error) -> String {
    format!("cannot read the inbox: {e}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(what: &str, value: Option<&str>) -> MarkEntry {
        MarkEntry {
            what: what.to_owned(),
            value: value.map(str::to_owned),
            who: "ann@desk1".to_owned(),
            at_ms: 0,
        }
    }

    #[test]
    fn a_value_an_erasure_removed_is_said_so_and_a_cleared_one_is_not() {
        assert_eq!(change("note", None).said(), "note (value removed)");
        assert_eq!(change("tag", None).said(), "tag (value removed)");
        assert_eq!(change("unnote", None).said(), "cleared the note");
        assert_eq!(change("untag", None).said(), "cleared the tag");
        assert_eq!(change("claim", None).said(), "claimed");
        assert!(!change("claim", None).value_removed());
    }

    #[test]
    fn redaction_masks_a_notes_text_and_a_tag_not_on_the_list() {
        let on = Redact::new(true);
        let masked = |what: &str, value: &str| change(what, Some(value)).masked(on).value.unwrap();
        assert_eq!(masked("note", "MARTA TAMM phoned"), crate::redact::MASK);
        assert_eq!(masked("tag", "MARTA TAMM"), crate::redact::MASK);
        assert_eq!(masked("tag", "escalated"), "escalated");
        assert_eq!(masked("claim", "bob@desk2"), "bob@desk2");
        let off = change("note", Some("MARTA TAMM phoned")).masked(Redact::new(false));
        assert_eq!(off.value.as_deref(), Some("MARTA TAMM phoned"));
    }
}
