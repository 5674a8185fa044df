//! Backing up a SQLite inbox while a receiver writes to it, and restoring a
//! backup without bringing back a session erased since it was taken. A
//! PostgreSQL inbox is backed up with `pg_dump`; docs/inbox.md says how.

use std::collections::HashSet;
use std::path::Path;

use super::store::Store;

impl Store {
    /// A consistent copy of this SQLite store at `path` (`VACUUM INTO`: one read
    /// transaction, so a receiver goes on writing meanwhile), private from its
    /// first byte: made in a private folder beside `path`, then renamed. Never
    /// overwrites. Its size in bytes.
    pub async fn backup(&self, path: &Path) -> Result<u64, String> {
        if self.is_postgres() {
            return Err(
                "a PostgreSQL inbox is backed up with pg_dump (see docs/inbox.md, \"Backup and restore\")".to_owned(),
            );
        }
        if path.exists() {
            return Err(format!("{} exists: a backup never overwrites a file", path.display()));
        }
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        crate::files::create_private_dir_all(dir).map_err(|e| format!("cannot make {}: {e}", dir.display()))?;
        // tempfile makes its folder 0700: the copy is never readable by others.
        let private = tempfile::Builder::new()
            .prefix(".veriff-tui-backup")
            .tempdir_in(dir)
            .map_err(|e| format!("cannot write in {}: {e}", dir.display()))?;
        let inside = private.path().join("inbox.db");
        let target = inside.to_str().ok_or("the backup's path is not UTF-8")?.to_owned();
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(self.pool())
            .await
            .map_err(|e| format!("cannot back up the inbox: {e}"))?;
        set_private(&inside).map_err(|e| format!("cannot make the backup private: {e}"))?;
        // A link, not a rename: it fails rather than replace a file made meanwhile.
        std::fs::hard_link(&inside, path).map_err(|e| format!("cannot put the backup at {}: {e}", path.display()))?;
        std::fs::metadata(path).map(|m| m.len()).map_err(|e| e.to_string())
    }

    /// The keyed hashes of the sessions erased here, to carry into a restored copy.
    pub async fn erased_hashes(&self) -> Result<Vec<String>, String> {
        sqlx::query_scalar("SELECT id_hash FROM erased")
            .fetch_all(self.pool())
            .await
            .map_err(|e| format!("cannot read the inbox: {e}"))
    }

    /// Erases again, in a store restored from a backup, what was erased since:
    /// `hashes` from the erased list of the store it replaces, and `deleted`, the
    /// sessions the audit log says were deleted at Veriff. Every session whose id
    /// hashes to one of them goes as an erasure removes it, and the list is kept.
    /// How many sessions were erased again.
    pub async fn erase_again(&self, hashes: &[String], deleted: &[String], who: &str) -> Result<u64, String> {
        let mut erased: HashSet<String> = hashes.iter().cloned().collect();
        erased.extend(deleted.iter().map(|id| self.erasure_token(id)));
        for hash in &erased {
            sqlx::query("INSERT INTO erased (id_hash, erased_ms) VALUES ($1, $2) ON CONFLICT (id_hash) DO NOTHING")
                .bind(hash.clone())
                .bind(crate::time::now_ms())
                .execute(self.pool())
                .await
                .map_err(|e| format!("cannot restore the erased list: {e}"))?;
        }
        // Every id a row names, not only the indexed: a mark or a webhook may
        // be kept without an index row.
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM sessions
             UNION SELECT session_id FROM events WHERE session_id IS NOT NULL
             UNION SELECT session_id FROM marks
             UNION SELECT session_id FROM mark_log",
        )
        .fetch_all(self.pool())
        .await
        .map_err(|e| format!("cannot read the inbox: {e}"))?;
        let mut again = 0;
        for id in ids.iter().filter(|id| erased.contains(&self.erasure_token(id))) {
            self.erase(id, who).await?;
            again += 1;
        }
        Ok(again)
    }
}

/// Restores the SQLite backup at `backup` as the inbox at `url`, carrying over
/// the erased list of the inbox it replaces (when it can still be read) and the
/// sessions `deleted` at Veriff since: nothing erased comes back. Stop the
/// receivers first. How many sessions the restored inbox holds, and how many were
/// erased again.
pub async fn restore(backup: &Path, url: &str, deleted: &[String], who: &str) -> Result<(i64, u64), String> {
    let target = url
        .strip_prefix("sqlite://")
        .map(|p| Path::new(p.split('?').next().unwrap_or(p)).to_path_buf())
        .ok_or("a PostgreSQL inbox is restored with pg_restore (see docs/inbox.md, \"Backup and restore\")")?;
    let hashes = if target.exists() {
        let current = Store::open(url).await?;
        let hashes = current.erased_hashes().await?;
        current.close().await;
        hashes
    } else {
        Vec::new()
    };
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    crate::files::create_private_dir_all(dir).map_err(|e| format!("cannot make {}: {e}", dir.display()))?;
    let private = tempfile::Builder::new()
        .prefix(".veriff-tui-restore")
        .tempdir_in(dir)
        .map_err(|e| format!("cannot write in {}: {e}", dir.display()))?;
    let staged = private.path().join("inbox.db");
    std::fs::copy(backup, &staged).map_err(|e| format!("cannot read {}: {e}", backup.display()))?;
    set_private(&staged).map_err(|e| e.to_string())?;
    let staged_url = format!("sqlite://{}", staged.display());
    let store = Store::open(&staged_url).await?;
    let again = store.erase_again(&hashes, deleted, who).await?;
    let sessions = store.status().await?.sessions;
    store.close().await;
    for stale in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{stale}", target.display()));
    }
    std::fs::rename(&staged, &target).map_err(|e| format!("cannot put the backup in place: {e}"))?;
    Ok((sessions, again))
}

fn set_private(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}
