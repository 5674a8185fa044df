//! Marking and exporting, as functions of the model.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::tui::app::{Msg, update};

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
    let _ = update(
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
    assert_eq!(
        model.selected_session().map(|s| s.as_str()),
        Some(S2),
        "the cursor moves on"
    );
    press(&mut model, KeyCode::Char('j'));
    press(&mut model, KeyCode::Char('m'));
    assert_eq!(model.store.marked_count(), 2, "S1 and S3");
    // Marking again unmarks.
    press(&mut model, KeyCode::Char('g'));
    press(&mut model, KeyCode::Char(' '));
    assert!(!model.store.is_marked(&S1.into()));
    press(&mut model, KeyCode::Char(' '));
    assert_eq!(model.store.marked_count(), 2, "S2 and S3");
    // E asks for the case folder, prefilled `case-<date>-<time>`, editable.
    assert!(press(&mut model, KeyCode::Char('E')).is_empty());
    let Overlay::CaseFolder { input, .. } = &model.overlay else {
        panic!("{:?}", model.overlay)
    };
    let prefilled = input.value().to_owned();
    assert!(
        prefilled.starts_with("case-") && prefilled.len() == "case-20261202-191731".len(),
        "{prefilled}"
    );
    for _ in 0.."191731".len() {
        press(&mut model, KeyCode::Backspace);
    }
    for c in "4711".chars() {
        press(&mut model, KeyCode::Char(c));
    }
    let cmds = press(&mut model, KeyCode::Enter);
    let [Cmd::Export { id, sessions, folder }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    assert_eq!(folder.to_str().unwrap(), format!("{}4711", &prefilled[..14]));
    assert!(model.overlay.is_none());
    assert_eq!(sessions, &[SessionId::from(S2), SessionId::from(S3)], "in list order");
    assert!(model.animating(), "the status line shows progress");
    assert!(press(&mut model, KeyCode::Char('E')).is_empty(), "one export at a time");

    let snapshot = crate::export::Snapshot {
        sessions_total: 2,
        sessions_done: 1,
        files_total: 10,
        files_done: 4,
        ..Default::default()
    };
    let _ = update(&mut model, Msg::ExportProgress { id: *id, snapshot });
    let line = model.export.as_ref().unwrap().describe();
    assert!(line.contains("sessions 1/2") && line.contains("files 4/10"), "{line}");

    finished(&mut model, *id, 2, false);
    assert!(model.export.is_none());
    assert_eq!(
        model.status.as_ref().unwrap().text,
        "exported 2 sessions into /dl (manifest.json) · check it any time: veriff-tui verify /dl"
    );
    assert!(
        (model.store.marked_count() == 0),
        "marks start over after a good export"
    );
    // The case is offered a check at once: Enter verifies it.
    let Overlay::Confirm(offer) = &model.overlay else {
        panic!("{:?}", model.overlay)
    };
    assert_eq!(offer.title, "verify the export?");
    let cmds = press(&mut model, KeyCode::Enter);
    assert_eq!(cmds, vec![Cmd::Verify { dir: "/dl".into() }]);
    assert!(model.overlay.is_none());
    let found = VerifySummary {
        verified: 3,
        signed: 1,
        problems: vec!["altered s/face.jpg: 2500 bytes, the manifest says 197602".into()],
    };
    let _ = update(
        &mut model,
        Msg::Verified {
            dir: "/dl".into(),
            result: Ok(found),
        },
    );
    let status = &model.status.as_ref().unwrap().text;
    assert!(
        status.starts_with("/dl does not hold: 1 problem: altered s/face.jpg"),
        "{status}"
    );
    let all_hold = VerifySummary {
        verified: 4,
        signed: 4,
        problems: Vec::new(),
    };
    let _ = update(
        &mut model,
        Msg::Verified {
            dir: "/dl".into(),
            result: Ok(all_hold),
        },
    );
    assert_eq!(
        model.status.as_ref().unwrap().text,
        "/dl holds: 4 files match the manifest, 4 of them Veriff's signature"
    );
}

/// The offer waits for no one: a form being typed in when the export ends is
/// left alone (the status line says how to check).
#[test]
fn an_export_ending_under_an_open_form_does_not_take_it_over() {
    let mut model = three_sessions();
    press(&mut model, KeyCode::Char('E'));
    let cmds = press(&mut model, KeyCode::Enter);
    let [Cmd::Export { id, .. }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    press(&mut model, KeyCode::Char('a'));
    assert!(
        matches!(model.overlay, Overlay::AddSession { .. }),
        "{:?}",
        model.overlay
    );
    finished(&mut model, *id, 1, false);
    assert!(
        matches!(model.overlay, Overlay::AddSession { .. }),
        "{:?}",
        model.overlay
    );
}

#[test]
fn without_marks_e_exports_the_selected_session_and_esc_cancels_it() {
    let mut model = three_sessions();
    press(&mut model, KeyCode::Char('E'));
    let cmds = press(&mut model, KeyCode::Enter);
    let [Cmd::Export { id, sessions, .. }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    assert_eq!(sessions, &[SessionId::from(S1)]);
    assert_eq!(press(&mut model, KeyCode::Esc), vec![Cmd::CancelExport { id: *id }]);
    assert!(model.export.as_ref().unwrap().describe().starts_with("cancelling"));
    assert!(press(&mut model, KeyCode::Esc).is_empty(), "asked once");
    // A reply to another export is not this one's.
    let _ = update(
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

/// Under redaction an export would write everything unmasked under a title that
/// says "redacted": it is refused, and the status says why and what to do.
#[test]
fn under_redaction_e_refuses_and_says_why() {
    let mut model = three_sessions();
    let _ = update(&mut model, Msg::Redaction(crate::redact::Redact::new(true)));
    let cmds = press(&mut model, KeyCode::Char('E'));
    assert!(!cmds.iter().any(|c| matches!(c, Cmd::Export { .. })), "{cmds:?}");
    assert!(model.export.is_none());
    let status = model.status.as_ref().map(|s| s.text.clone()).unwrap_or_default();
    assert!(status.contains("refusing to export under --redact"), "{status}");
    assert!(status.contains("--unredacted"), "{status}");
}
