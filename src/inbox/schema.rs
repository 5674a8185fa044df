//! The store's schema: numbered migrations, one SQL file per database in
//! `migrations/sqlite/` and `migrations/postgres/` (a new one is registered by
//! adding its pair of files), and whether this client may use a store whose
//! schema is older or newer than the one it knows.

use sqlx::AnyPool;
use sqlx::migrate::Migrator;

/// Every migration of one database, embedded at build time from its folder.
/// Migrations a newer client applied are no error for an older one: whether it
/// may still use the store is `compatible_from`'s to say.
fn migrator(postgres: bool) -> Migrator {
    let mut migrator = if postgres {
        sqlx::migrate!("src/inbox/migrations/postgres")
    } else {
        sqlx::migrate!("src/inbox/migrations/sqlite")
    };
    migrator.set_ignore_missing(true);
    migrator
}

/// The schema this client knows: its newest migration.
pub fn known() -> i64 {
    let newest = |postgres| migrator(postgres).iter().map(|m| m.version).max().unwrap_or(0);
    newest(false).max(newest(true))
}

/// The store's schema: its newest migration applied, `None` for a store with no
/// tables yet.
pub(super) async fn applied(pool: &AnyPool) -> Result<Option<i64>, String> {
    // The table sqlx keeps; absent until the first migration.
    let version: Result<Option<i64>, sqlx::Error> =
        sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success = true")
            .fetch_one(pool)
            .await;
    match version {
        Ok(version) => Ok(version),
        Err(e) if e.to_string().contains("_sqlx_migrations") => Ok(None),
        Err(e) => Err(format!("cannot read the inbox's schema version: {e}")),
    }
}

/// The oldest schema a client may know and still use the store safely.
async fn compatible_from(pool: &AnyPool) -> Result<i64, String> {
    let value: Option<String> = sqlx::query_scalar("SELECT value FROM inbox_meta WHERE name = 'compatible_from'")
        .fetch_optional(pool)
        .await
        .map_err(|e| format!("cannot read the inbox's schema version: {e}"))?;
    Ok(value.and_then(|v| v.parse().ok()).unwrap_or(0))
}

/// Checks that this client may use the store (`shown` names it), migrating it
/// first where `migrate` (one person's SQLite file). One line says what to do
/// otherwise: migrate an older store, upgrade this client for a newer one.
pub(super) async fn ready(pool: &AnyPool, postgres: bool, shown: &str, migrate: bool) -> Result<(), String> {
    let ours = known();
    let theirs = applied(pool).await?;
    if theirs.is_none_or(|v| v < ours) {
        if migrate {
            migrator(postgres)
                .run(pool)
                .await
                .map_err(|e| format!("cannot prepare the inbox database at {shown}: {e}"))?;
            return Ok(());
        }
        let now = theirs.map_or("has no tables yet".to_owned(), |v| format!("is at schema {v}"));
        return Err(format!(
            "the inbox at {shown} {now}; this veriff-tui needs schema {ours}: \
             run `veriff-tui inbox migrate` (as the store's administrator)"
        ));
    }
    if let Some(theirs) = theirs.filter(|v| *v > ours) {
        let needed = compatible_from(pool).await?;
        if needed > ours {
            return Err(format!(
                "the inbox at {shown} is at schema {theirs}, which needs a veriff-tui that knows schema {needed} \
                 or later; this one knows {ours}: upgrade veriff-tui"
            ));
        }
    }
    Ok(())
}

/// Applies the migrations the store lacks: the schema before and after.
pub(super) async fn migrate(pool: &AnyPool, postgres: bool) -> Result<(Option<i64>, i64), String> {
    let before = applied(pool).await?;
    migrator(postgres).run(pool).await.map_err(|e| e.to_string())?;
    let after = applied(pool).await?.unwrap_or(0);
    Ok((before, after))
}

/// What `inbox status` says of a store.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    /// The store's schema, and the one this client knows.
    pub schema: Option<i64>,
    pub known: i64,
    pub sessions: i64,
    pub webhooks: i64,
    /// Sessions erased here (their ids kept only as keyed hashes).
    pub erased: i64,
    /// When the newest webhook a receiver took arrived (imports and fetches aside).
    pub newest_received_ms: Option<i64>,
    /// Where the stored webhooks came from, with how many: a profile's name for
    /// a receiver's, `import`, `fetched`, `sync`.
    pub sources: Vec<(String, i64)>,
}

impl super::Store {
    pub async fn status(&self) -> Result<Status, String> {
        let fail = |e: sqlx::Error| format!("cannot read the inbox: {e}");
        let pool = self.pool();
        let count =
            |sql: &'static str| async move { sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await.map_err(fail) };
        let sources = sqlx::query_as::<_, (String, i64)>(
            "SELECT source, COUNT(*) AS stored FROM events GROUP BY source ORDER BY stored DESC, source",
        )
        .fetch_all(pool)
        .await
        .map_err(fail)?;
        Ok(Status {
            schema: applied(pool).await?,
            known: known(),
            sessions: count("SELECT COUNT(*) FROM sessions").await?,
            webhooks: count("SELECT COUNT(*) FROM events").await?,
            erased: count("SELECT COUNT(*) FROM erased").await?,
            newest_received_ms: sqlx::query_scalar(
                "SELECT MAX(received_ms) FROM events WHERE source NOT IN ('import', 'fetched', 'sync')",
            )
            .fetch_one(pool)
            .await
            .map_err(fail)?,
            sources,
        })
    }
}
