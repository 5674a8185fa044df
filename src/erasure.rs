//! Forgetting a session deleted at Veriff, everywhere this tool keeps it: the
//! inbox (rows, webhooks, marks, indexes; see [`Store::erase`]), the profile's
//! remembered sessions and the files fetched only to be opened. `delete-session`
//! and the browser's `D` both come here; the browser first drops what it holds in
//! memory (its lists, previews, marks for export). What the tool cannot reach
//! (exports, backups, other machines' histories) docs/inbox.md lists.

use std::fmt;
use std::path::Path;

use crate::history::FoundBy;
use crate::ids::SessionId;
use crate::inbox::{Removed, Store};

/// Where the copies are; `None`: not kept there (or, for the history, written by
/// the browser's own ordered writer with [`crate::history::Change::Erased`]).
#[derive(Debug, Default, Clone, Copy)]
pub struct Places<'a> {
    pub history: Option<&'a Path>,
    /// Every inbox it may be in: the profile's, and (in the browser, after a
    /// profile switch) the one what is fetched now goes to.
    pub inboxes: &'a [&'a Store],
    /// Files fetched only to be opened, named after the session's first 8 characters.
    pub cache: Option<&'a Path>,
}

/// What was removed, and what could not be.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Forgotten {
    /// What left the inbox (`None`: no inbox here).
    pub inbox: Option<Removed>,
    /// Whether the remembered sessions named it.
    pub history: bool,
    pub cached_files: usize,
    /// A copy that could not be removed, said in full.
    pub problems: Vec<String>,
    /// What the inboxes found it by, for the searches kept that name it (the
    /// browser's own, in memory and in its history's file).
    pub found_by: FoundBy,
}

impl fmt::Display for Forgotten {
    /// `removed from the inbox: 3 webhooks, 1 note; from the history; 2 opened files`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(removed) = &self.inbox {
            parts.push(format!("from the inbox: {removed}"));
        }
        if self.history {
            parts.push("from the remembered sessions".to_owned());
        }
        match self.cached_files {
            0 => {}
            1 => parts.push("1 opened file".to_owned()),
            n => parts.push(format!("{n} opened files")),
        }
        if parts.is_empty() {
            f.write_str("nothing of it was kept here")?;
        } else {
            write!(f, "removed {}", parts.join("; "))?;
        }
        for problem in &self.problems {
            write!(f, "; {problem}")?;
        }
        Ok(())
    }
}

/// Removes every copy of `session` from `places`, as `who`. A place that fails
/// does not stop the others; it is named in [`Forgotten::problems`].
pub async fn forget(places: Places<'_>, session: &SessionId, who: &str) -> Forgotten {
    let mut forgotten = Forgotten::default();
    for store in places.inboxes {
        match store.found_by(session.as_str()).await {
            Ok(texts) => forgotten.found_by.add(texts.iter().map(String::as_str)),
            Err(e) => forgotten.problems.push(e),
        }
        match store.erase(session.as_str(), who).await {
            Ok(removed) => {
                if removed.wal_busy {
                    forgotten.problems.push(
                        "the inbox's WAL was busy: the erased bytes leave it at SQLite's next checkpoint".to_owned(),
                    );
                }
                forgotten.inbox.get_or_insert_with(Removed::default).add(removed);
            }
            Err(e) => forgotten.problems.push(e),
        }
    }
    if let Some(path) = places.history {
        match crate::history::erase(path, session, &forgotten.found_by) {
            Ok(named) => forgotten.history = named,
            Err(e) => forgotten
                .problems
                .push(format!("cannot rewrite {}: {e}", path.display())),
        }
    }
    if let Some(dir) = places.cache {
        let (removed, problems) = forget_cached(dir, session);
        forgotten.cached_files = removed;
        forgotten.problems.extend(problems);
    }
    forgotten
}

/// Removes the files fetched into `dir` to be opened whose name starts with the
/// session's first 8 characters (as the browser names them).
fn forget_cached(dir: &Path, session: &SessionId) -> (usize, Vec<String>) {
    let prefix = format!("{}_", crate::api::names::safe_component(session.short()));
    let Ok(entries) = std::fs::read_dir(dir) else {
        return (0, Vec::new());
    };
    let (mut removed, mut problems) = (0, Vec::new());
    for entry in entries.flatten() {
        let named = entry.file_name().to_str().is_some_and(|n| n.starts_with(&prefix));
        if named && entry.file_type().is_ok_and(|t| t.is_file()) {
            match std::fs::remove_file(entry.path()) {
                Ok(()) => removed += 1,
                Err(e) => problems.push(format!("cannot remove {}: {e}", entry.path().display())),
            }
        }
    }
    (removed, problems)
}
