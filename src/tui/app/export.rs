//! Marking sessions and exporting them (`m`/Space, `E`, Esc): the part of
//! `update` that drives [`crate::export`] through [`Cmd::Export`].

use std::path::PathBuf;

use super::model::Model;
use super::msg::{Cmd, Failure, ReqId};
use super::overlays::confirm::Confirm;
use super::screen::{LineEdit, Overlay, Pane, Status};
use crate::ids::SessionId;
use crate::tui::keymap::Action;

/// An export of sessions running in the background (`E`).
#[derive(Debug, Clone, PartialEq)]
pub struct ExportJob {
    pub id: ReqId,
    pub sessions: usize,
    pub progress: Option<crate::export::Snapshot>,
    /// Cancel was pressed: the export is saving its manifest and stopping.
    pub cancelling: bool,
}

/// What checking an export folder found: files that hold (of them, those
/// checked against Veriff's signature) and each problem, described.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifySummary {
    pub verified: usize,
    pub signed: usize,
    pub problems: Vec<String>,
}

/// How an export ended.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportSummary {
    pub dir: PathBuf,
    pub done: usize,
    pub failed: usize,
    pub interrupted: bool,
    pub first_error: Option<String>,
}

/// Marks or unmarks the selected session, in any tab; in the sessions pane the
/// cursor then moves on, so a run of Space marks a run of sessions.
pub(super) fn toggle_mark(model: &mut Model) -> Vec<Cmd> {
    let Some(session) = model.selected_session().cloned() else {
        return Vec::new();
    };
    let claim = model.inbox_row(&session).and_then(|row| row.marks.claimed_by.clone());
    model.store.toggle_mark(&session, claim);
    let also = match model.inbox {
        Some(_) => format!(
            ", {} claims and {} tags them",
            model.browse_key(Action::Claim),
            model.browse_key(Action::Tag)
        ),
        None => String::new(),
    };
    model.status = Some(Status::info(format!(
        "{} marked · {} exports them{also}",
        model.store.marked_count(),
        model.browse_key(Action::Export)
    )));
    if model.focus == Pane::Sessions {
        model.move_cursor(1)
    } else {
        Vec::new()
    }
}

/// Exports the marked sessions (those shown in the order shown, then the others
/// in the order marked, from every tab), or else the selected one.
pub(super) fn start(model: &mut Model) -> Vec<Cmd> {
    if let Some(job) = &model.export {
        model.status = Some(Status::info(format!(
            "an export of {} sessions is still running; {} cancels it",
            job.sessions,
            model.browse_key(Action::Cancel)
        )));
        return Vec::new();
    }
    if model.redact.on {
        model.status = Some(Status::error(format!(
            "{}; `veriff-tui export --unredacted ID…` exports off the shared screen",
            crate::export::REDACTED_REFUSAL
        )));
        return Vec::new();
    }
    let sessions: Vec<SessionId> = if model.store.marked_count() == 0 {
        model.selected_session().cloned().into_iter().collect()
    } else {
        marked_in_order(model)
    };
    if sessions.is_empty() {
        model.status = Some(Status::info(format!(
            "no session to export: {} adds one",
            model.browse_key(Action::AddSession)
        )));
        return Vec::new();
    }
    // A folder per case: exports never pile up in the download folder's root.
    let stamp: String = crate::time::now_utc().chars().filter(char::is_ascii_digit).collect();
    let name = format!("case-{}-{}", &stamp[..8], &stamp[8..]);
    model.overlay = Overlay::CaseFolder {
        input: LineEdit(tui_input::Input::new(name)),
        sessions,
    };
    Vec::new()
}

/// The marked sessions: those the pane shows, in its order, then the others
/// (marked in another tab) in the order they were marked.
pub(super) fn marked_in_order(model: &Model) -> Vec<SessionId> {
    let mut sessions: Vec<SessionId> = model
        .visible_sessions()
        .into_iter()
        .filter(|s| model.store.is_marked(s))
        .cloned()
        .collect();
    for session in model.store.marked_sessions() {
        if !sessions.contains(&session) {
            sessions.push(session);
        }
    }
    sessions
}

/// Enter in the case folder prompt: the export starts into it.
pub(super) fn submit_case_folder(model: &mut Model) -> Vec<Cmd> {
    let Overlay::CaseFolder { input, sessions } = std::mem::take(&mut model.overlay) else {
        return Vec::new();
    };
    let folder = input.value().trim().to_owned();
    if folder.is_empty() {
        model.overlay = Overlay::CaseFolder { input, sessions };
        return Vec::new();
    }
    let id = model.req();
    model.export = Some(ExportJob {
        id,
        sessions: sessions.len(),
        progress: None,
        cancelling: false,
    });
    model.status = None;
    vec![Cmd::Export {
        id,
        sessions,
        folder: PathBuf::from(folder),
    }]
}

/// Esc while an export runs: asks it to stop. `None` when there is none.
pub(super) fn cancel(model: &mut Model) -> Option<Vec<Cmd>> {
    let job = model.export.as_mut().filter(|job| !job.cancelling)?;
    job.cancelling = true;
    Some(vec![Cmd::CancelExport { id: job.id }])
}

pub(super) fn progress(model: &mut Model, id: ReqId, snapshot: crate::export::Snapshot) {
    if let Some(job) = model.export.as_mut().filter(|job| job.id == id) {
        job.progress = Some(snapshot);
    }
}

pub(super) fn done(model: &mut Model, id: ReqId, result: Result<ExportSummary, Failure>) {
    if model.export.as_ref().is_none_or(|job| job.id != id) {
        return;
    }
    model.export = None;
    model.status = Some(match result {
        Err(e) => Status::error(format!("export failed: {}", e.message)),
        Ok(summary) if summary.interrupted => Status::info(format!(
            "export cancelled: {} sessions complete, no partial file; manifest.json in {} lists them",
            summary.done,
            summary.dir.display()
        )),
        Ok(summary) if summary.failed > 0 => Status::error(format!(
            "exported {} sessions into {}; {} failed: {}",
            summary.done,
            summary.dir.display(),
            summary.failed,
            summary.first_error.as_deref().unwrap_or("see manifest.json")
        )),
        Ok(summary) => {
            // What was exported is done with: marks start over.
            model.store.clear_marks();
            offer_to_verify(model, &summary);
            Status::success(format!(
                "exported {} sessions into {} (manifest.json) · check it any time: veriff-tui verify {}",
                summary.done,
                summary.dir.display(),
                summary.dir.display()
            ))
        }
    });
}

/// A finished case is offered a check before it goes to anyone: Enter verifies
/// it now, as `veriff-tui verify` would. Not over a question or a form already
/// open: its answer would be lost (the status line still says how to check).
fn offer_to_verify(model: &mut Model, summary: &ExportSummary) {
    if !model.overlay.is_none() {
        return;
    }
    let dir = summary.dir.display();
    model.overlay = Overlay::Confirm(Confirm::new(
        "verify the export?",
        vec![
            format!("exported {} sessions into {dir}", summary.done),
            "check every file against the manifest and Veriff's signatures now?".to_owned(),
        ],
        None,
        vec![Cmd::Verify {
            dir: summary.dir.clone(),
        }],
    ));
}

/// What checking the folder found, said in full: every problem is in the
/// message log, the first on the status line.
pub(super) fn verified(model: &mut Model, dir: &std::path::Path, result: Result<VerifySummary, Failure>) {
    let dir = dir.display();
    model.status = Some(match result {
        Err(e) => Status::error(format!("cannot verify {dir}: {}", e.message)),
        Ok(found) if found.problems.is_empty() => Status::success(format!(
            "{dir} holds: {} match the manifest, {} of them Veriff's signature",
            crate::text::counted(found.verified, "file"),
            found.signed
        )),
        Ok(found) => Status::error(format!(
            "{dir} does not hold: {}: {} · veriff-tui verify {dir} lists them all",
            crate::text::counted(found.problems.len(), "problem"),
            found.problems.join("; ")
        )),
    });
}

impl ExportJob {
    /// The status line while the export runs.
    pub fn describe(&self) -> String {
        let what = match &self.progress {
            Some(snapshot) => snapshot.describe(),
            None => format!("sessions 0/{}", self.sessions),
        };
        if self.cancelling {
            format!("cancelling the export… {what}")
        } else {
            format!("exporting {what}")
        }
    }
}

#[cfg(test)]
mod tests;
