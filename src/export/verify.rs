//! `veriff-tui verify DIR`: an export checked offline, file by file, against its
//! manifest (size, sha256) and, with the shared secret, against the signature
//! Veriff sent with each file, which no one without the secret can forge.

use std::collections::HashSet;
use std::path::{Component, Path};

use super::folder;
use super::manifest::{self, Manifest};
use crate::api::Secret;

/// What is wrong with one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Listed, not there.
    Missing,
    /// Listed, but not a regular file, or not the size and sha256 recorded.
    Altered(String),
    /// Size and sha256 as recorded, but not what Veriff signed (or no signature
    /// to check it by).
    Unprovable(String),
    /// There, not listed.
    Extra,
}

impl Problem {
    pub fn describe(&self, path: &str) -> String {
        match self {
            Problem::Missing => format!("missing {path}"),
            Problem::Altered(why) => format!("altered {path}: {why}"),
            Problem::Unprovable(why) => format!("unprovable {path}: {why}"),
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
    pub problems: Vec<(String, Problem)>,
}

impl Report {
    pub fn holds(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Checks every file of the export in `dir`; signatures too with `secret`.
pub fn verify(dir: &Path, secret: Option<&Secret>) -> Result<Report, String> {
    if folder::read_regular(&dir.join(manifest::FILE_NAME), None, u64::MAX)
        .map_err(|e| format!("cannot read {}: {e}", dir.join(manifest::FILE_NAME).display()))?
        .is_none()
    {
        return Err(format!(
            "{} is not there or not a regular file",
            dir.join(manifest::FILE_NAME).display()
        ));
    }
    let manifest = Manifest::load(dir).ok_or_else(|| format!("{} is not a manifest", dir.display()))?;
    let mut report = Report::default();
    let mut listed = HashSet::new();
    listed.insert(manifest::FILE_NAME.to_owned());
    for file in manifest.sessions.iter().flat_map(|s| &s.files) {
        listed.insert(file.path.clone());
        let problem = match check(dir, file, secret) {
            Ok(signed) => {
                report.verified += 1;
                report.signed += usize::from(signed);
                continue;
            }
            Err(problem) => problem,
        };
        report.problems.push((file.path.clone(), problem));
    }
    for path in walk(dir) {
        if !listed.contains(&path) {
            report.problems.push((path, Problem::Extra));
        }
    }
    Ok(report)
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
