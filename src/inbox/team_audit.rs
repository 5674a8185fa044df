//! The team's audit on a shared PostgreSQL store: each member's audit lines
//! (writes to Veriff, purges, imports, exports), under their database login, so
//! a team sees who deleted or reviewed what. A line names its session by the
//! keyed hash an erasure keeps, never by its id.

use sqlx::Row;

use super::store::Store;

/// One line of the team's audit, as `inbox audit` shows it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TeamLine {
    pub at_ms: i64,
    /// The database login that recorded it.
    pub login: String,
    pub action: String,
    pub outcome: String,
    /// The session's keyed hash (see [`Store::session_hash`]).
    pub session_hash: Option<String>,
    /// The audit line, without its session's id.
    pub line: serde_json::Value,
}

impl Store {
    /// What stands for `session` in the team's audit and the erased list.
    pub fn session_hash(&self, session: &str) -> String {
        self.erasure_token(session)
    }

    /// Appends an audit line to the team's audit: its session's id replaced by
    /// its keyed hash, recorded as this store's login. PostgreSQL only: one
    /// person's SQLite file has its audit log beside it, and nothing is written.
    pub async fn record_audit(&self, line: &serde_json::Value) -> Result<(), String> {
        if !self.is_postgres() {
            return Ok(());
        }
        let mut line = line.clone();
        let session = line
            .as_object_mut()
            .and_then(|l| l.remove("session"))
            .and_then(|s| s.as_str().map(str::to_owned));
        let text = |key: &str| line[key].as_str().unwrap_or_default().to_owned();
        sqlx::query("INSERT INTO team_audit (at_ms, action, outcome, session_hash, line) VALUES ($1, $2, $3, $4, $5)")
            .bind(crate::time::now_ms())
            .bind(text("action"))
            .bind(text("outcome"))
            .bind(session.map(|s| self.session_hash(&s)))
            .bind(line.to_string())
            .execute(self.pool())
            .await
            .map_err(|e| format!("cannot add to the team's audit: {e}"))?;
        Ok(())
    }

    /// The team's audit lines since `since_ms`, oldest first.
    pub async fn team_audit(&self, since_ms: i64) -> Result<Vec<TeamLine>, String> {
        let fail = |e: sqlx::Error| format!("cannot read the team's audit: {e}");
        let rows = sqlx::query(
            "SELECT at_ms, login, action, outcome, session_hash, line FROM team_audit
             WHERE at_ms >= $1 ORDER BY n",
        )
        .bind(since_ms)
        .fetch_all(self.pool())
        .await
        .map_err(fail)?;
        rows.iter()
            .map(|row| {
                let line: String = row.try_get("line")?;
                Ok(TeamLine {
                    at_ms: row.try_get("at_ms")?,
                    login: row.try_get("login")?,
                    action: row.try_get("action")?,
                    outcome: row.try_get("outcome")?,
                    session_hash: row.try_get("session_hash")?,
                    line: serde_json::from_str(&line).unwrap_or_default(),
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(fail)
    }
}
