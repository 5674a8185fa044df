//! The sessions remembered between runs. The file is a list, one id a line,
//! most recent first, followed by what changed since: `+ ID` (added, now the most
//! recent) and `- ID` (forgotten). A change is one appended line, never a
//! rewrite of the file; the file is rewritten as a plain list (atomically) only
//! once the changes outgrow it.
//!
//! Beside it (`history-PROFILE.searches`) are the inbox searches kept with
//! Enter, one a line, newest last, recalled with ↑ ↓ in the search line. An
//! erasure reaches both: a search may name a session by a part of its id, or
//! by its person's name, vendorData or document number ([`FoundBy`]).

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::ids::{SessionId, find_id};

/// At most this many are kept.
const KEEP: usize = 200;

/// At most this many searches are kept.
pub const KEEP_SEARCHES: usize = 100;

/// Where `profile`'s sessions are remembered: `history-NAME` in `data_dir`, so a
/// test session never shows as "not found" under `live`; `history` when no
/// profile is in use. The one file every profile shared before is taken over by
/// the default profile (renamed once, while that profile has no file of its own).
pub fn path_for(data_dir: &Path, profile: Option<&str>, default_profile: Option<&str>) -> PathBuf {
    let shared = data_dir.join("history");
    // A profile name from the config file: only what is safe in a file name.
    let safe = |name: &str| -> String {
        name.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .take(64)
            .collect()
    };
    let of = |name: &str| data_dir.join(format!("history-{}", safe(name)));
    if let Some(default) = default_profile {
        let theirs = of(default);
        if shared.is_file()
            && !theirs.exists()
            && let Err(e) = std::fs::rename(&shared, &theirs)
        {
            tracing::warn!("cannot move the shared history to {}: {e}", theirs.display());
        }
    }
    profile.map_or(shared, of)
}

/// A change to the remembered sessions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Put on top, in this order (the first is the most recent).
    Added(Vec<SessionId>),
    Removed(SessionId),
    /// Gone for good (deleted at Veriff): no line names it any more, the
    /// searches' included.
    Erased(SessionId, FoundBy),
    /// An inbox search kept (Enter): the newest of the searches.
    Searched(String),
}

/// The remembered sessions; a missing or unreadable file is an empty history.
pub fn load(path: &Path) -> Vec<SessionId> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    replay(&text).0
}

/// The list the file's lines make, and how many change lines it took.
fn replay(text: &str) -> (Vec<SessionId>, usize) {
    let mut sessions: Vec<SessionId> = Vec::new();
    let mut changes = 0;
    for line in text.lines() {
        let (change, rest) = match line.split_at_checked(2) {
            Some(("+ ", rest)) => (Some(true), rest),
            Some(("- ", rest)) => (Some(false), rest),
            _ => (None, line),
        };
        let Ok(id) = find_id(rest).map(SessionId::from) else {
            continue;
        };
        match change {
            None if !sessions.contains(&id) => sessions.push(id),
            None => {}
            Some(added) => {
                changes += 1;
                sessions.retain(|s| *s != id);
                if added {
                    sessions.insert(0, id);
                }
            }
        }
    }
    sessions.truncate(KEEP);
    (sessions, changes)
}

/// Records `change` as appended lines; once the changes outnumber what is kept,
/// the file is rewritten as a plain list.
pub fn append(path: &Path, change: &Change) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    crate::files::create_private_dir_all(dir)?;
    let mut lines = String::new();
    match change {
        // The most recent last: replayed in order, it ends up on top.
        Change::Added(ids) => ids
            .iter()
            .take(KEEP)
            .rev()
            .for_each(|id| lines.push_str(&format!("+ {id}\n"))),
        Change::Removed(id) => lines.push_str(&format!("- {id}\n")),
        Change::Erased(id, found_by) => return erase(path, id, found_by).map(drop),
        Change::Searched(text) => return add_search(path, text),
    }
    let mut file = crate::files::private_file_options()
        .create(true)
        .append(true)
        .open(path)?;
    // One write: a line is never half there for a reader.
    file.write_all(lines.as_bytes())?;
    drop(file);
    let (sessions, changes) = replay(&std::fs::read_to_string(path)?);
    if changes > KEEP {
        save(path, &sessions)?;
    }
    Ok(())
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

/// Rewrites the file without a line that names `session`, its change lines
/// included (an erasure: appending `- ID` would keep the id in the file), and
/// the searches beside it without one that could name it (by its id, or by
/// what else it is `found_by`). Says whether either named it; a missing file
/// stays missing.
pub fn erase(path: &Path, session: &SessionId, found_by: &FoundBy) -> std::io::Result<bool> {
    let searched = erase_searches(path, session, found_by)?;
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(searched),
        Err(e) => return Err(e),
    };
    if !text.contains(session.as_str()) {
        return Ok(searched);
    }
    let (mut sessions, _) = replay(&text);
    sessions.retain(|s| s != session);
    save(path, &sessions)?;
    Ok(true)
}

/// Where the searches of the profile whose sessions are remembered at
/// `history` are kept: beside them.
pub fn searches_path(history: &Path) -> PathBuf {
    let mut name = history.file_name().unwrap_or_default().to_os_string();
    name.push(".searches");
    history.with_file_name(name)
}

/// The searches kept beside `history`, newest last; none when there is no file.
pub fn load_searches(history: &Path) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(searches_path(history)) else {
        return Vec::new();
    };
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(str::to_owned)
        .collect()
}

/// `searches` with `text` the newest (once), no more than are kept.
pub fn with_search(mut searches: Vec<String>, text: &str) -> Vec<String> {
    searches.retain(|s| s != text);
    searches.push(text.to_owned());
    let over = searches.len().saturating_sub(KEEP_SEARCHES);
    searches.drain(..over);
    searches
}

fn add_search(history: &Path, text: &str) -> std::io::Result<()> {
    // One line each: a search typed is one line already.
    let text = text.replace(['\r', '\n'], " ");
    save_searches(history, &with_search(load_searches(history), text.trim()))
}

/// Replaces the searches file as a whole (private, like the list).
fn save_searches(history: &Path, searches: &[String]) -> std::io::Result<()> {
    let path = searches_path(history);
    let dir = path.parent().unwrap_or(Path::new("."));
    crate::files::create_private_dir_all(dir)?;
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    for search in searches {
        writeln!(file, "{search}")?;
    }
    file.persist(&path).map_err(|e| e.error)?;
    Ok(())
}

/// What an inbox search finds a session by besides its id: its person's name,
/// vendorData, end user id and document number, folded as the search folds
/// them (lower case, no diacritics). Only compared, never shown: `Debug` says
/// how many texts, not which.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct FoundBy(Vec<String>);

impl FoundBy {
    pub fn new<'a>(texts: impl IntoIterator<Item = &'a str>) -> FoundBy {
        let mut found_by = FoundBy::default();
        found_by.add(texts);
        found_by
    }

    /// `texts` besides those known already.
    pub fn add<'a>(&mut self, texts: impl IntoIterator<Item = &'a str>) {
        for text in texts {
            let text = crate::text::folded(text.trim());
            if !text.is_empty() && !self.0.contains(&text) {
                self.0.push(text);
            }
        }
    }

    /// Whether `value` (folded) finds one of the texts: as it finds a word,
    /// each of its pieces (the stores split a word at punctuation as they split
    /// the text: `"tamm,` is `tamm`) starting a word of a text; or anywhere
    /// inside one, at any length for `name:`, from 3 characters for the rest
    /// (a long word finds a part of a vendorData).
    fn finds(&self, value: &str, anywhere_from: usize) -> bool {
        let pieces: Vec<&str> = words(value).collect();
        let inside = value.chars().count() >= anywhere_from;
        self.0.iter().any(|text| {
            (inside && text.contains(value))
                || (!pieces.is_empty() && pieces.iter().all(|piece| words(text).any(|w| w.starts_with(piece))))
        })
    }
}

/// The words of `text`, split at anything but a letter or a digit.
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty())
}

impl std::fmt::Debug for FoundBy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FoundBy({} texts)", self.0.len())
    }
}

/// The terms whose value is matched against a session's texts: what a person
/// is found by. Others (`status:`, `claimed:`, `sort:`...) name no one.
const TEXT_TERMS: [&str; 5] = ["vendor", "user", "name", "doc", "note"];

/// Whether `search` could name `session`: one of its words, or the value of a
/// text term, is a part of 4 or more of the session's id (an id's characters
/// only, as the inbox finds ids by their parts), or finds one of the texts it
/// is `found_by`.
pub fn search_names(search: &str, session: &SessionId, found_by: &FoundBy) -> bool {
    let id = session.as_str().to_ascii_lowercase();
    search.split_whitespace().any(|word| {
        let (value, anywhere_from) = match word.split_once(':') {
            Some(("name", value)) => (value, 1),
            Some((field, value)) if TEXT_TERMS.contains(&field) => (value, 3),
            // Another term (letters before the colon, as the query reads them);
            // `12:30` is a word.
            Some((field, _)) if !field.is_empty() && field.chars().all(|c| c.is_ascii_alphabetic()) => return false,
            _ => (word, 3),
        };
        let value = crate::text::folded(value.trim_matches('*'));
        if value.is_empty() {
            return false;
        }
        let id_part =
            value.len() >= 4 && value.chars().all(|c| c.is_ascii_hexdigit() || c == '-') && id.contains(&value);
        id_part || found_by.finds(&value, anywhere_from)
    })
}

/// Rewrites the searches without those that could name `session`; says
/// whether one did.
fn erase_searches(history: &Path, session: &SessionId, found_by: &FoundBy) -> std::io::Result<bool> {
    let searches = load_searches(history);
    let kept: Vec<String> = searches
        .iter()
        .filter(|search| !search_names(search, session, found_by))
        .cloned()
        .collect();
    if kept.len() == searches.len() {
        return Ok(false);
    }
    save_searches(history, &kept)?;
    Ok(true)
}

/// Forgets `session` from the list (`x`); a missing file stays missing.
pub fn remove(path: &Path, session: &SessionId) -> std::io::Result<()> {
    if !path.exists() {
        return Ok(());
    }
    append(path, &Change::Removed(session.clone()))
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

    #[test]
    fn a_change_is_one_appended_line_and_the_file_is_compacted_only_when_outgrown() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history");
        let id = |i: usize| SessionId::from(format!("{i:08x}-0000-4000-8000-000000000000"));
        save(&path, &[id(1), id(2)]).unwrap();
        append(&path, &Change::Added(vec![id(3), id(2)])).unwrap();
        append(&path, &Change::Removed(id(1))).unwrap();
        assert_eq!(load(&path), vec![id(3), id(2)]);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 5, "two kept, three changes appended:\n{text}");
        // Many changes later the file is a plain list again, no longer than kept.
        for i in 10..10 + KEEP + 5 {
            append(&path, &Change::Added(vec![id(i)])).unwrap();
        }
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.lines().count() <= 2 * KEEP, "{}", text.lines().count());
        let loaded = load(&path);
        assert_eq!(loaded.len(), KEEP);
        assert_eq!(loaded[0], id(10 + KEEP + 4), "the most recent first");
    }

    #[test]
    fn searches_are_kept_beside_the_list_newest_last_once_each_and_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history-live");
        assert!(load_searches(&path).is_empty());
        for text in ["tamm", "status:declined", "tamm"] {
            append(&path, &Change::Searched(text.into())).unwrap();
        }
        assert_eq!(load_searches(&path), vec!["status:declined", "tamm"]);
        assert_eq!(searches_path(&path), dir.path().join("history-live.searches"));
        assert!(load(&path).is_empty(), "the list of sessions is another file");
        for i in 0..KEEP_SEARCHES + 5 {
            append(&path, &Change::Searched(format!("word{i}"))).unwrap();
        }
        let kept = load_searches(&path);
        assert_eq!(kept.len(), KEEP_SEARCHES);
        assert_eq!(kept.last().map(String::as_str), Some("word104"));
    }

    /// An erasure reaches every search that could name the session: its id,
    /// its first 8 characters, a part of 4 or more; other searches stay.
    #[test]
    fn an_erasure_forgets_the_searches_that_could_name_the_session() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history-live");
        let gone = SessionId::from("b7e3c1d2-0001-4000-8000-000000000001");
        let searches = [
            "b7e3c1d2-0001-4000-8000-000000000001",
            "b7e3c1d2",
            "status:declined c1d2",
            "tamm",
            "ORDER-58213",
            "ab12",
        ];
        for text in searches {
            append(&path, &Change::Searched(text.into())).unwrap();
        }
        assert!(
            erase(&path, &gone, &FoundBy::default()).unwrap(),
            "the searches named it"
        );
        assert_eq!(load_searches(&path), vec!["tamm", "ORDER-58213", "ab12"]);
        let text = std::fs::read_to_string(searches_path(&path)).unwrap();
        assert!(!text.contains("c1d2"), "{text}");
        assert!(
            !erase(&path, &gone, &FoundBy::default()).unwrap(),
            "nothing left to forget"
        );
    }

    /// Where the inbox knew the person, the searches that found her by her
    /// name, a part of it, her vendorData or document number go too, however
    /// they were written; searches that name no one stay.
    #[test]
    fn an_erasure_forgets_the_searches_that_found_the_person() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history-live");
        let gone = SessionId::from("b7e3c1d2-0001-4000-8000-000000000001");
        let found_by = FoundBy::new(["MARTA TÕNISSON-TAMM", "ORDER-58213", "EE1234567"]);
        let searches = [
            "tamm",
            "mar",
            "name:ONISS",
            "tonisson",
            "Tõnisson status:approved",
            "vendor:order-58*",
            "5821",
            "doc:EE1234567",
            "kask",
            "status:approved",
            "claimed:me",
            "sort:name",
            "ee12",
            "\"tamm,",
            "(marta)",
            "name:rt",
            "order-5",
        ];
        for text in searches {
            append(&path, &Change::Searched(text.into())).unwrap();
        }
        assert!(erase(&path, &gone, &found_by).unwrap(), "the searches named her");
        assert_eq!(
            load_searches(&path),
            vec!["kask", "status:approved", "claimed:me", "sort:name"]
        );
        assert_eq!(format!("{found_by:?}"), "FoundBy(3 texts)", "never what");
    }

    #[test]
    fn each_profile_has_its_own_history_and_the_shared_one_goes_to_the_default() {
        let dir = tempfile::tempdir().unwrap();
        let a = SessionId::from("c0ffee00-1d3a-4b5c-9d7e-0a1b2c3d4e5f");
        let b = SessionId::from("b0a7f00d-2e4f-4a6b-8c9d-1e2f3a4b5c6d");
        save(&dir.path().join("history"), std::slice::from_ref(&a)).unwrap();

        // Live is not the default: it starts empty, and the shared file moves to test.
        let live = path_for(dir.path(), Some("live"), Some("test"));
        assert!(load(&live).is_empty());
        let test = path_for(dir.path(), Some("test"), Some("test"));
        assert_eq!(load(&test), vec![a.clone()]);
        assert!(!dir.path().join("history").exists(), "migrated once, not copied");

        save(&live, std::slice::from_ref(&b)).unwrap();
        assert_eq!(load(&path_for(dir.path(), Some("live"), Some("test"))), vec![b]);
        assert_eq!(load(&path_for(dir.path(), Some("test"), Some("test"))), vec![a]);
        // A profile name never leaves the folder.
        let odd = path_for(dir.path(), Some("../x"), None);
        assert_eq!(odd.parent(), Some(dir.path()));
        assert_eq!(path_for(dir.path(), None, None), dir.path().join("history"));
    }
}
