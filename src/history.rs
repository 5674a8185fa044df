//! The sessions remembered between runs: one id a line, most recent first.

use std::io::Write;
use std::path::Path;

use crate::ids::{SessionId, find_id};

/// At most this many are kept.
const KEEP: usize = 200;

/// The remembered sessions; a missing or unreadable file is an empty history.
pub fn load(path: &Path) -> Vec<SessionId> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    let mut sessions: Vec<SessionId> = Vec::new();
    for id in text.lines().filter_map(|line| find_id(line).ok().map(SessionId::from)) {
        if !sessions.contains(&id) && sessions.len() < KEEP {
            sessions.push(id);
        }
    }
    sessions
}

/// Replaces the file as a whole, so a crash never leaves half a history.
pub fn save(path: &Path, sessions: &[SessionId]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    crate::files::create_private_dir_all(dir)?;
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    for id in sessions.iter().take(KEEP) {
        writeln!(file, "{id}")?;
    }
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Forgets `session` (it was deleted at Veriff); a missing file stays missing.
pub fn remove(path: &Path, session: &SessionId) -> std::io::Result<()> {
    if !path.exists() {
        return Ok(());
    }
    let kept: Vec<SessionId> = load(path).into_iter().filter(|s| s != session).collect();
    save(path, &kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_in_order_without_duplicates() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/history");
        let a = SessionId::from("c0ffee00-1d3a-4b5c-9d7e-0a1b2c3d4e5f");
        let b = SessionId::from("b0a7f00d-2e4f-4a6b-8c9d-1e2f3a4b5c6d");
        save(&path, &[b.clone(), a.clone()]).unwrap();
        assert_eq!(load(&path), vec![b.clone(), a.clone()]);
        std::fs::write(&path, format!("{a}\ngarbage\n{a}\n{b}\n")).unwrap();
        assert_eq!(load(&path), vec![a, b]);
        assert!(load(&dir.path().join("missing")).is_empty());
    }
}
