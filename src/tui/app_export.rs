//! Marking sessions and exporting them (`m`/Space, `E`, Esc): the part of
//! `update` that drives [`crate::export`] through [`Cmd::Export`].

use super::{Cmd, ExportJob, ExportSummary, Model, Pane, ReqId, Status, move_cursor};

/// Marks or unmarks the selected session; in the sessions pane the cursor then
/// moves on, so a run of Space marks a run of sessions.
pub(super) fn toggle_mark(model: &mut Model) -> Vec<Cmd> {
    let Some(session) = model.selected_session().map(str::to_owned) else {
        return Vec::new();
    };
    if !model.marked.remove(&session) {
        model.marked.insert(session);
    }
    model.status = Some(Status::info(format!("{} marked · E exports them", model.marked.len())));
    if model.focus == Pane::Sessions {
        move_cursor(model, 1)
    } else {
        Vec::new()
    }
}

/// Exports the marked sessions, in list order, or else the selected one.
pub(super) fn start(model: &mut Model) -> Vec<Cmd> {
    if let Some(job) = &model.export {
        model.status = Some(Status::info(format!(
            "an export of {} sessions is still running; Esc cancels it",
            job.sessions
        )));
        return Vec::new();
    }
    let sessions: Vec<String> = if model.marked.is_empty() {
        model.selected_session().map(str::to_owned).into_iter().collect()
    } else {
        model
            .sessions
            .iter()
            .filter(|s| model.marked.contains(*s))
            .cloned()
            .collect()
    };
    if sessions.is_empty() {
        model.status = Some(Status::info("no session to export: a adds one"));
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
    vec![Cmd::Export { id, sessions }]
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

pub(super) fn done(model: &mut Model, id: ReqId, result: Result<ExportSummary, String>) {
    if model.export.as_ref().is_none_or(|job| job.id != id) {
        return;
    }
    model.export = None;
    model.status = Some(match result {
        Err(e) => Status::error(format!("export failed: {e}")),
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
            model.marked.clear();
            Status::success(format!(
                "exported {} sessions into {} (manifest.json)",
                summary.done,
                summary.dir.display()
            ))
        }
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
mod tests {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    use super::super::{Msg, update};
    use super::*;

    const S1: &str = "c0ffee00-1d3a-4b5c-9d7e-0a1b2c3d4e5f";
    const S2: &str = "b0a7f00d-2e4f-4a6b-8c9d-1e2f3a4b5c6d";
    const S3: &str = "fa000000-0000-4000-8000-000000000000";

    fn press(model: &mut Model, code: KeyCode) -> Vec<Cmd> {
        let modifiers = match code {
            KeyCode::Char(c) if c.is_ascii_uppercase() => KeyModifiers::SHIFT,
            _ => KeyModifiers::NONE,
        };
        update(model, Msg::Key(KeyEvent::new(code, modifiers)))
    }

    /// The export `id` ends with `done` sessions exported and none failed.
    fn finished(model: &mut Model, id: ReqId, done: usize, interrupted: bool) {
        let summary = ExportSummary {
            dir: "/dl".into(),
            done,
            failed: 0,
            interrupted,
            first_error: None,
        };
        update(
            model,
            Msg::ExportDone {
                id,
                result: Ok(summary),
            },
        );
    }

    fn three_sessions() -> Model {
        let (mut model, _) = Model::new("host".into(), None).start(vec![S1.into(), S2.into(), S3.into()], vec![]);
        model.focus = Pane::Sessions;
        model
    }

    #[test]
    fn space_marks_and_moves_on_and_e_exports_the_marked_in_list_order() {
        let mut model = three_sessions();
        press(&mut model, KeyCode::Char(' '));
        assert_eq!(model.selected_session(), Some(S2), "the cursor moves on");
        press(&mut model, KeyCode::Char('j'));
        press(&mut model, KeyCode::Char('m'));
        assert_eq!(model.marked.len(), 2, "S1 and S3");
        // Marking again unmarks.
        press(&mut model, KeyCode::Char('g'));
        press(&mut model, KeyCode::Char(' '));
        assert!(!model.marked.contains(S1));
        press(&mut model, KeyCode::Char(' '));
        assert_eq!(model.marked.len(), 2, "S2 and S3");
        let cmds = press(&mut model, KeyCode::Char('E'));
        let [Cmd::Export { id, sessions }] = cmds.as_slice() else {
            panic!("{cmds:?}")
        };
        assert_eq!(sessions, &[S2.to_owned(), S3.to_owned()], "in list order");
        assert!(model.animating(), "the status line shows progress");
        assert!(press(&mut model, KeyCode::Char('E')).is_empty(), "one export at a time");

        let snapshot = crate::export::Snapshot {
            sessions_total: 2,
            sessions_done: 1,
            files_total: 10,
            files_done: 4,
            ..Default::default()
        };
        update(&mut model, Msg::ExportProgress { id: *id, snapshot });
        let line = model.export.as_ref().unwrap().describe();
        assert!(line.contains("sessions 1/2") && line.contains("files 4/10"), "{line}");

        finished(&mut model, *id, 2, false);
        assert!(model.export.is_none());
        assert_eq!(
            model.status.as_ref().unwrap().text,
            "exported 2 sessions into /dl (manifest.json)"
        );
        assert!(model.marked.is_empty(), "marks start over after a good export");
    }

    #[test]
    fn without_marks_e_exports_the_selected_session_and_esc_cancels_it() {
        let mut model = three_sessions();
        let cmds = press(&mut model, KeyCode::Char('E'));
        let [Cmd::Export { id, sessions }] = cmds.as_slice() else {
            panic!("{cmds:?}")
        };
        assert_eq!(sessions, &[S1.to_owned()]);
        assert_eq!(press(&mut model, KeyCode::Esc), vec![Cmd::CancelExport { id: *id }]);
        assert!(model.export.as_ref().unwrap().describe().starts_with("cancelling"));
        assert!(press(&mut model, KeyCode::Esc).is_empty(), "asked once");
        // A reply to another export is not this one's.
        update(
            &mut model,
            Msg::ExportDone {
                id: *id + 1000,
                result: Err("other".into()),
            },
        );
        assert!(model.export.is_some());
        finished(&mut model, *id, 0, true);
        let status = &model.status.as_ref().unwrap().text;
        assert!(
            status.starts_with("export cancelled: 0 sessions complete, no partial file"),
            "{status}"
        );
    }
}
