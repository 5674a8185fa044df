//! `veriff-tui verify DIR`: an export checked offline, file by file, against its
//! manifest (size, sha256) and, with the shared secret, against the signature
//! Veriff sent with each file, which no one without the secret can forge. The
//! manifest itself is checked by its HMAC (with the secret) and by the team's
//! signature (with the team's public key), and every file against its place: the
//! session and attempt its answer names, the signed media listing above it.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path};

use serde_json::Value;

use super::folder;
use super::manifest::{self, Manifest, SessionStatus};
use super::seal::{self, PublicKey};
use crate::api::{Media, MediaKind, MediaList, Secret};
use crate::text::counted;

/// Bigger than any JSON answer the export keeps; a larger one is not parsed.
const MAX_JSON: u64 = 64 * 1024 * 1024;

/// What is wrong with one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Listed, not there.
    Missing,
    /// Named by a signed media listing (the path given), neither there nor recorded
    /// as not exported.
    Unlisted(String),
    /// Listed, but not a regular file, or not the size and sha256 recorded.
    Altered(String),
    /// Size and sha256 as recorded, but not what Veriff signed (or no signature
    /// to check it by).
    Unprovable(String),
    /// Where it does not belong: it names another session or attempt, or no signed
    /// listing above it names it.
    Misplaced(String),
    /// There, not listed.
    Extra,
}

impl Problem {
    pub fn describe(&self, path: &str) -> String {
        match self {
            Problem::Missing => format!("missing {path}"),
            Problem::Unlisted(listing) => format!("missing {path}: listed in {listing}"),
            Problem::Altered(why) => format!("altered {path}: {why}"),
            Problem::Unprovable(why) => format!("unprovable {path}: {why}"),
            Problem::Misplaced(why) => format!("misplaced {path}: {why}"),
            Problem::Extra => format!("extra {path}: not in the manifest"),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Files that hold, of those listed.
    pub verified: usize,
    /// Of `verified`, those whose signature was checked.
    pub signed: usize,
    /// The manifest's HMAC held under the shared secret.
    pub sealed: bool,
    /// The id of the team's key whose signature of the manifest held.
    pub team_key: Option<String>,
    pub problems: Vec<(String, Problem)>,
}

impl Report {
    pub fn holds(&self) -> bool {
        self.problems.is_empty()
    }

    /// Whether anything beyond sums was proven: sums alone anyone can recompute.
    pub fn proves(&self) -> bool {
        self.sealed || self.team_key.is_some() || self.signed > 0
    }

    /// The last line: what was proven, by what, for how many files.
    pub fn summary(&self) -> String {
        let n = self.verified;
        let (files, problems) = (counted(n, "file"), counted(self.problems.len(), "problem"));
        if !self.proves() {
            return format!(
                "{files} match the manifest's sums only: nothing proven, anyone who edits a file can recompute them; {problems}"
            );
        }
        let signed = match self.signed {
            0 => String::new(),
            signed if signed == n => ", each against Veriff's signature".to_owned(),
            signed => format!(", {signed} against Veriff's signature"),
        };
        let mut by = Vec::new();
        if self.sealed {
            by.push("its HMAC under the shared secret".to_owned());
        }
        if let Some(id) = &self.team_key {
            by.push(format!("the team's key {id}"));
        }
        let manifest = match by.is_empty() {
            true => "the manifest itself unproven".to_owned(),
            false => format!("the manifest, sums and places, proven by {}", by.join(" and ")),
        };
        format!("{files} match the manifest{signed}; {manifest}; {problems}")
    }
}

/// Checks every file of the export in `dir`: signatures and the manifest's HMAC
/// too with `secret`, the team's signature of the manifest with `team`.
pub fn verify(dir: &Path, secret: Option<&Secret>, team: Option<&PublicKey>) -> Result<Report, String> {
    let manifest_path = dir.join(folder::MANIFEST_FILE);
    let bytes = folder::read_regular(&manifest_path, None, u64::MAX)
        .map_err(|e| format!("cannot read {}: {e}", manifest_path.display()))?
        .ok_or_else(|| format!("{} is not there or not a regular file", manifest_path.display()))?;
    let manifest: Manifest =
        serde_json::from_slice(&bytes).map_err(|e| format!("{} is not a manifest: {e}", dir.display()))?;
    let value: Value = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
    let mut report = Report::default();
    check_manifest(
        dir,
        &bytes,
        &value,
        &manifest,
        secret.filter(|s| !s.is_empty()),
        team,
        &mut report,
    );
    let mut listed = HashSet::new();
    listed.insert(folder::MANIFEST_FILE.to_owned());
    listed.insert(seal::SIGNATURE_FILE.to_owned());
    let mut held = HashSet::new();
    for file in manifest.sessions.iter().flat_map(|s| &s.files) {
        listed.insert(file.path.clone());
        let problem = match check(dir, file, secret) {
            Ok(signed) => {
                report.verified += 1;
                report.signed += usize::from(signed);
                held.insert(file.path.clone());
                continue;
            }
            Err(problem) => problem,
        };
        report.problems.push((file.path.clone(), problem));
    }
    placement(dir, &manifest, &held, &mut report);
    for path in walk(dir) {
        if !listed.contains(&path) {
            report.problems.push((path, Problem::Extra));
        }
    }
    Ok(report)
}

/// The manifest's HMAC under `secret` and the team's signature of its bytes.
fn check_manifest(
    dir: &Path,
    bytes: &[u8],
    value: &Value,
    manifest: &Manifest,
    secret: Option<&Secret>,
    team: Option<&PublicKey>,
    report: &mut Report,
) {
    let name = folder::MANIFEST_FILE.to_owned();
    if let Some(secret) = secret {
        if manifest.hmac.is_none() {
            report.problems.push((
                name.clone(),
                Problem::Unprovable("it carries no HMAC: nothing binds its entries together".into()),
            ));
        } else if seal::hmac_holds(value, secret) {
            report.sealed = true;
        } else {
            report.problems.push((
                name.clone(),
                Problem::Altered(
                    "its HMAC is not the shared secret's: entries were moved, dropped, added or edited".into(),
                ),
            ));
        }
    }
    let Some(team) = team else { return };
    let signature_path = dir.join(seal::SIGNATURE_FILE);
    let signature = match folder::read_regular(&signature_path, None, 64 * 1024) {
        Ok(Some(bytes)) => String::from_utf8_lossy(&bytes).into_owned(),
        _ => {
            report.problems.push((
                name,
                Problem::Unprovable(format!(
                    "no {} beside it: the team's key proves nothing",
                    seal::SIGNATURE_FILE
                )),
            ));
            return;
        }
    };
    match team.verify(bytes, &signature) {
        Ok(()) if manifest.team_key.as_deref() == Some(team.id().as_str()) => report.team_key = Some(team.id()),
        Ok(()) => report.problems.push((
            name,
            Problem::Altered(format!(
                "signed by the team's key {}, but it names key {}",
                team.id(),
                manifest.team_key.as_deref().unwrap_or("none")
            )),
        )),
        Err(e) => report.problems.push((
            name,
            Problem::Altered(format!(
                "the team's signature ({}) does not hold for key {}: {e}",
                seal::SIGNATURE_FILE,
                team.id()
            )),
        )),
    }
}

/// A media listing as the export found it: where it is and what it names.
struct Listing {
    path: String,
    items: Vec<(MediaKind, Media)>,
}

/// Every file against its place: each JSON answer names the session (and attempt)
/// of the folder it is in, each media file is one the signed listing beside it
/// names, with that size and type, and each media id a listing names is there or
/// recorded as not exported.
fn placement(dir: &Path, manifest: &Manifest, held: &HashSet<String>, report: &mut Report) {
    let folders: HashMap<String, &str> = manifest
        .sessions
        .iter()
        .map(|s| (folder::name_for(&s.id), s.id.as_str()))
        .collect();
    let files: Vec<_> = manifest
        .sessions
        .iter()
        .flat_map(|s| s.files.iter().map(move |f| (s, f)))
        .collect();
    let read = |path: &str, size: u64| -> Option<Value> {
        if !held.contains(path) {
            return None;
        }
        let bytes = folder::read_regular(&dir.join(path), Some(size), MAX_JSON).ok()??;
        serde_json::from_slice(&bytes).ok()
    };
    let mut problems = Vec::new();
    let mut attempts: HashMap<&str, Vec<String>> = HashMap::new();
    let mut listings: HashMap<String, Listing> = HashMap::new();
    let mut attempt_lists = Vec::new();
    let mut decisions = Vec::new();
    for (record, file) in &files {
        let parts: Vec<&str> = file.path.split('/').collect();
        let Some(&session) = folders.get(parts[0]) else {
            problems.push((
                file.path.clone(),
                Problem::Misplaced("not in the folder of any session the manifest lists".into()),
            ));
            continue;
        };
        if record.id != session {
            problems.push((
                file.path.clone(),
                Problem::Misplaced(format!(
                    "listed for session {}, in session {session}'s folder",
                    record.id
                )),
            ));
        }
        let misplaced = |what: &str, found: &str| {
            (found != session).then(|| {
                (
                    file.path.clone(),
                    Problem::Misplaced(format!("holds session {found}'s {what}")),
                )
            })
        };
        match parts[1..] {
            ["attempts.json"] => {
                if let Some(list) =
                    read(&file.path, file.size).and_then(|v| serde_json::from_value::<crate::api::AttemptList>(v).ok())
                {
                    attempts.insert(session, list.verifications.into_iter().map(|a| a.id).collect());
                }
            }
            ["decision.json"] => {
                let Some(value) = read(&file.path, file.size) else {
                    continue;
                };
                let verification = &value["verification"];
                let id = verification["id"].as_str();
                if let Some(id) = id {
                    problems.extend(misplaced("decision", id));
                }
                // Another session's decision names another session's attempt too:
                // said once.
                if let Some(attempt) = verification["attemptId"].as_str()
                    && id.is_none_or(|id| id == session)
                {
                    decisions.push((session, file.path.clone(), attempt.to_owned()));
                }
            }
            ["watchlist.json"] => {
                let Some(value) = read(&file.path, file.size) else {
                    continue;
                };
                if let Some(id) = value["data"]["sessionId"].as_str() {
                    problems.extend(misplaced("watchlist screening", id));
                }
            }
            ["session-media.json"] | [_, "media.json"] => {
                let Some(list) = read(&file.path, file.size).and_then(|v| serde_json::from_value::<MediaList>(v).ok())
                else {
                    continue;
                };
                if let Some(found) = list
                    .items()
                    .filter_map(|(_, m)| m.session_id.as_deref())
                    .find(|s| *s != session)
                {
                    problems.extend(misplaced("media list", found));
                }
                let (folder, items): (String, Vec<_>) = match parts[1..] {
                    [attempt, _] => {
                        attempt_lists.push((session, file.path.clone(), attempt.to_owned()));
                        (
                            format!("{}/{attempt}", parts[0]),
                            list.items().map(|(k, m)| (k, m.clone())).collect(),
                        )
                    }
                    // The session's own listing: only its NFC documents are exported
                    // from it (its images and videos are the newest attempt's).
                    _ => (
                        format!("{}/nfc", parts[0]),
                        list.nfc_documents.iter().map(|m| (MediaKind::Nfc, m.clone())).collect(),
                    ),
                };
                listings.insert(
                    folder,
                    Listing {
                        path: file.path.clone(),
                        items,
                    },
                );
            }
            _ => {}
        }
    }
    // Attempts: a folder of attempt media, and a decision's attempt, are one of
    // the session's attempts as its signed attempts.json lists them.
    let of_session = |session: &str, attempt: &str, by_name: bool| {
        attempts.get(session).is_none_or(|ids| {
            ids.iter().any(|id| {
                if by_name {
                    folder::name_for(id) == attempt
                } else {
                    id == attempt
                }
            })
        })
    };
    for (session, path, attempt) in attempt_lists {
        if !of_session(session, &attempt, true) {
            let why = format!("{attempt} is not one of session {session}'s attempts (its attempts.json)");
            problems.push((path, Problem::Misplaced(why)));
        }
    }
    for (session, path, attempt) in decisions {
        if !of_session(session, &attempt, false) {
            let why = format!("holds attempt {attempt}'s decision, not one of session {session}'s attempts");
            problems.push((path, Problem::Misplaced(why)));
        }
    }
    // Media files: each one the listing beside it names, as it names it.
    for (_, file) in &files {
        let Some(id) = &file.media_id else { continue };
        let parent = file.path.rsplit_once('/').map_or("", |(parent, _)| parent);
        let Some(listing) = listings.get(parent) else {
            // A listing the manifest has and that does not hold is reported already.
            let listing_path = match parent.strip_suffix("/nfc") {
                Some(session) => format!("{session}/session-media.json"),
                None => format!("{parent}/media.json"),
            };
            if !files.iter().any(|(_, f)| f.path == listing_path) {
                let why = format!("holds media {id}, and no signed listing names what belongs in {parent}");
                problems.push((file.path.clone(), Problem::Misplaced(why)));
            }
            continue;
        };
        let Some((_, media)) = listing.items.iter().find(|(_, m)| m.id == *id) else {
            let why = format!("holds media {id}, which {} does not list", listing.path);
            problems.push((file.path.clone(), Problem::Misplaced(why)));
            continue;
        };
        let mimetype = media.mimetype.as_deref().map(|m| crate::text::clean_short(m, 100));
        if media.size.is_some_and(|size| size != file.size) || (mimetype.is_some() && mimetype != file.mimetype) {
            let why = format!(
                "{} lists media {id} as {} bytes of {}, the manifest {} bytes of {}",
                listing.path,
                media.size.map_or("?".into(), |s| s.to_string()),
                mimetype.as_deref().unwrap_or("?"),
                file.size,
                file.mimetype.as_deref().unwrap_or("?"),
            );
            problems.push((file.path.clone(), Problem::Altered(why)));
        }
    }
    // Every media id a listing names: there, or recorded as not exported and why.
    let failed: HashSet<&str> = manifest
        .sessions
        .iter()
        .flat_map(|s| &s.failures)
        .map(|f| f.endpoint.as_str())
        .collect();
    let interrupted: HashSet<String> = manifest
        .sessions
        .iter()
        .filter(|s| s.status == SessionStatus::Interrupted)
        .map(|s| folder::name_for(&s.id))
        .collect();
    let mut folders: Vec<&String> = listings.keys().collect();
    folders.sort();
    for folder in folders {
        let listing = &listings[folder];
        if folder.split('/').next().is_some_and(|top| interrupted.contains(top)) {
            // Stopped before it finished: the manifest says so.
            continue;
        }
        for (kind, media) in &listing.items {
            let present = files.iter().any(|(_, f)| {
                f.media_id.as_deref() == Some(media.id.as_str())
                    && f.path.rsplit_once('/').is_some_and(|(p, _)| p == folder)
            });
            if present || failed.contains(super::endpoint(&["media", &media.id]).as_str()) {
                continue;
            }
            let path = format!("{folder}/{}", super::media_file_name(*kind, media));
            problems.push((path, Problem::Unlisted(listing.path.clone())));
        }
    }
    report.problems.extend(problems);
}

/// `Ok(true)` when the file holds and its signature was checked.
fn check(dir: &Path, file: &manifest::FileRecord, secret: Option<&Secret>) -> Result<bool, Problem> {
    let relative = Path::new(&file.path);
    if !relative.components().all(|c| matches!(c, Component::Normal(_))) {
        return Err(Problem::Altered("the manifest points outside the export".into()));
    }
    // Every folder on the way a plain folder, not a link to somewhere else.
    let mut at = dir.to_path_buf();
    for part in relative.parent().into_iter().flat_map(Path::components) {
        at.push(part);
        match std::fs::symlink_metadata(&at) {
            Ok(meta) if meta.file_type().is_dir() => {}
            Ok(_) => return Err(Problem::Altered(format!("{} is not a plain folder", at.display()))),
            Err(_) => return Err(Problem::Missing),
        }
    }
    let path = dir.join(relative);
    let meta = match std::fs::symlink_metadata(&path) {
        Ok(meta) => meta,
        Err(_) => return Err(Problem::Missing),
    };
    if !meta.file_type().is_file() {
        return Err(Problem::Altered("not a regular file".into()));
    }
    if meta.len() != file.size {
        return Err(Problem::Altered(format!(
            "{} bytes, the manifest says {}",
            meta.len(),
            file.size
        )));
    }
    let hashed = folder::hash_regular(&path, Some(file.size), secret, file.signature.as_deref())
        .map_err(|e| Problem::Altered(format!("cannot read it: {e}")))?
        .ok_or_else(|| Problem::Altered("changed while it was read".into()))?;
    if hashed.sha256 != file.sha256 {
        return Err(Problem::Altered("its sha256 is not the manifest's".into()));
    }
    match (secret.filter(|s| !s.is_empty()), hashed.signed) {
        (None, _) => Ok(false),
        (Some(_), Some(true)) => Ok(true),
        (Some(_), Some(false)) => Err(Problem::Unprovable(
            "does not match Veriff's signature (x-hmac-signature)".into(),
        )),
        (Some(_), None) => Err(Problem::Unprovable("no signature of Veriff's recorded".into())),
    }
}

/// Every entry beneath `dir` that is not a folder, `/`-separated and relative;
/// links are listed, never followed.
fn walk(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![String::new()];
    while let Some(relative) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(dir.join(&relative)) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = if relative.is_empty() {
                name
            } else {
                format!("{relative}/{name}")
            };
            match entry.file_type() {
                Ok(kind) if kind.is_dir() => stack.push(path),
                _ => found.push(path),
            }
        }
    }
    found.sort();
    found
}
