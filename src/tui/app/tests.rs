//! `update` as a plain function: what a person would see change, key by key and
//! reply by reply, without a terminal or a network.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use std::path::PathBuf;
use std::time::Duration;

use super::testkit::{attempt, key, loads, media_list, press, req_of, said, switched_to_live};
use super::*;
use crate::api::Progress;
use crate::api::{Attempt, MediaList};
use crate::history::Change;
use crate::tui::app::Done;

const S1: &str = "c0ffee00-1d3a-4b5c-9d7e-0a1b2c3d4e5f";
const S2: &str = "b0a7f00d-2e4f-4a6b-8c9d-1e2f3a4b5c6d";

/// A model opened on S1 (and S2 listed), with S1's three attempts loaded and
/// the attempts pane focused (`l`); returns the commands the attempt list triggered.
fn opened() -> (Model, Vec<Cmd>) {
    let (mut model, cmds) = Model::new("host".into(), None).start(vec![S1.into()], vec![S2.into()]);
    let req = req_of(&cmds, &Req::Attempts(S1.into()));
    let attempts = vec![
        attempt("a3", "approved"),
        attempt("a2", "declined"),
        attempt("a1", "abandoned"),
    ];
    let cmds = attempts_loaded(&mut model, S1, req, attempts);
    assert!(press(&mut model, "l").is_empty());
    (model, cmds)
}

fn attempts_loaded(model: &mut Model, session: &str, req: ReqId, attempts: Vec<Attempt>) -> Vec<Cmd> {
    update(
        model,
        Msg::Loaded {
            id: req,
            req: Req::Attempts(session.into()),
            result: Ok(Payload::Attempts(attempts)),
        },
    )
}

fn media_loaded(model: &mut Model, cmds: &[Cmd], attempt: &str, list: MediaList) {
    let req = req_of(cmds, &Req::Media(S1.into(), attempt.into()));
    let _ = update(
        model,
        Msg::Loaded {
            id: req,
            req: Req::Media(S1.into(), attempt.into()),
            result: Ok(Payload::Media(list)),
        },
    );
}

#[test]
fn a_session_on_the_command_line_opens_at_once_on_its_newest_attempt() {
    let (model, cmds) = Model::new("host".into(), None).start(vec![S1.into()], vec![S2.into(), S1.into()]);
    assert_eq!(
        model.sessions,
        vec![S1, S2],
        "given first, remembered after, no duplicates"
    );
    // The sessions pane, whose details are the card: the verdict comes first.
    assert_eq!(model.focus, Pane::Sessions);
    assert_eq!(model.pane(Pane::Attempts).cursor, 0, "the newest attempt selected");
    assert_eq!(model.overlay, Overlay::None);
    // Attempts, the newest attempt's media and the decision go out together.
    req_of(&cmds, &Req::Attempts(S1.into()));
    req_of(&cmds, &Req::SessionMedia(S1.into()));
    req_of(&cmds, &Req::Decision(S1.into()));
    assert!(
        cmds.iter()
            .any(|c| matches!(c, Cmd::Load { req: Req::Decision(s), background: true, .. } if s == S2))
    );
    assert!(
        cmds.contains(&Cmd::Remember(Change::Added(vec![S1.into()]))),
        "the given one remembered"
    );
    req_of(&cmds, &Req::Remembered);
}

#[test]
fn without_sessions_the_prompt_is_offered() {
    let (mut model, cmds) = Model::new("host".into(), None).start(vec![], vec![]);
    assert_eq!(model.focus, Pane::Sessions);
    assert!(matches!(model.overlay, Overlay::AddSession { .. }));
    assert_eq!(
        loads(&cmds).into_iter().map(|(_, req, _)| req).collect::<Vec<_>>(),
        [&Req::Remembered],
        "only the remembered sessions are asked for"
    );
    // They arrive from the profile's session source: listed, the first one
    // loaded, every row's verdict asked for; the prompt stays for a new one.
    let more = super::testkit::reply(
        &mut model,
        &cmds,
        Req::Remembered,
        Ok(Payload::Sessions(vec![S1.into(), S2.into()])),
    );
    assert_eq!(model.sessions, vec![S1, S2]);
    req_of(&more, &Req::Attempts(S1.into()));
    req_of(&more, &Req::Decision(S2.into()));
    assert!(matches!(model.overlay, Overlay::AddSession { .. }));
}

#[test]
fn the_sessions_media_stand_in_for_the_newest_attempt_until_its_own_list_arrives() {
    let (mut model, cmds) = Model::new("host".into(), None).start(vec![S1.into()], vec![]);
    assert_eq!(model.media_view(), MediaView::Loading);
    let req = req_of(&cmds, &Req::SessionMedia(S1.into()));
    let _ = update(
        &mut model,
        Msg::Loaded {
            id: req,
            req: Req::SessionMedia(S1.into()),
            result: Ok(Payload::Media(media_list(&["face"]))),
        },
    );
    // Shown before the attempt list is even in: one round trip to a useful screen.
    assert!(matches!(model.media_view(), MediaView::Ready { provisional: true, .. }));
    assert_eq!(model.selected_media().unwrap().1.context.as_deref(), Some("face"));

    let req = req_of(&cmds, &Req::Attempts(S1.into()));
    let attempts = vec![attempt("a3", "approved"), attempt("a2", "declined")];
    let cmds = attempts_loaded(&mut model, S1, req, attempts);
    assert!(matches!(model.media_view(), MediaView::Ready { provisional: true, .. }));
    media_loaded(&mut model, &cmds, "a3", media_list(&["document-front", "face"]));
    assert!(matches!(
        model.media_view(),
        MediaView::Ready { provisional: false, .. }
    ));
    assert_eq!(model.visible_media().len(), 2, "reconciled with the attempt's own list");
}

#[test]
fn an_attempt_list_prefetches_every_attempts_media_the_selected_first() {
    let (_, cmds) = opened();
    let loads: Vec<(&str, bool)> = loads(&cmds)
        .into_iter()
        .filter_map(|(_, req, background)| match req {
            Req::Media(_, attempt) => Some((attempt.as_str(), background)),
            _ => None,
        })
        .collect();
    assert_eq!(loads, vec![("a3", false), ("a2", true), ("a1", true)]);
}

#[test]
fn a_session_with_twenty_thousand_attempts_prefetches_only_the_newest_twenty() {
    let (mut model, cmds) = Model::new("host".into(), None).start(vec![S1.into()], vec![]);
    let req = req_of(&cmds, &Req::Attempts(S1.into()));
    let attempts: Vec<Attempt> = (0..20_000).map(|i| attempt(&format!("a{i}"), "declined")).collect();
    let cmds = attempts_loaded(&mut model, S1, req, attempts);
    let loads: Vec<&str> = loads(&cmds)
        .into_iter()
        .filter_map(|(_, req, _)| match req {
            Req::Media(_, attempt) => Some(attempt.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(loads.len(), PREFETCH_ATTEMPTS);
    assert_eq!(loads.first(), Some(&"a0"));
    assert_eq!(loads.last(), Some(&"a19"));
    // An older attempt loads when it is selected, and only it.
    model.focus = Pane::Attempts;
    let cmds = update(&mut model, key(KeyCode::End));
    req_of(&cmds, &Req::Media(S1.into(), "a19999".into()));
    assert_eq!(super::testkit::loads(&cmds).len(), 1, "{cmds:?}");
}

#[test]
fn moving_between_prefetched_attempts_asks_nothing_and_shows_media_at_once() {
    let (mut model, cmds) = opened();
    media_loaded(&mut model, &cmds, "a3", media_list(&["face"]));
    media_loaded(
        &mut model,
        &cmds,
        "a2",
        media_list(&["document-front", "document-back"]),
    );
    assert!(press(&mut model, "j").is_empty(), "no request for a cached attempt");
    assert_eq!(model.selected_attempt().unwrap().id, "a2");
    assert_eq!(model.visible_media().len(), 2);
    // a1's media are still on their way: still no second request for them.
    assert!(press(&mut model, "j").is_empty());
    assert_eq!(model.media_view(), MediaView::Loading);
}

#[test]
fn a_reply_to_a_superseded_request_is_dropped() {
    let (mut model, cmds) = opened();
    let old = req_of(&cmds, &Req::Media(S1.into(), "a3".into()));
    let reload = press(&mut model, "r");
    // The reload asks again; the late answer to the first request is not shown.
    let fresh = req_of(&reload, &Req::Attempts(S1.into()));
    attempts_loaded(&mut model, S1, old, vec![]);
    assert!(matches!(model.session_attempts(), Some(Load::Loading(r)) if *r == fresh));
    let refetch = attempts_loaded(&mut model, S1, fresh, vec![attempt("a3", "approved")]);
    let new_media = req_of(&refetch, &Req::Media(S1.into(), "a3".into()));
    let _ = update(
        &mut model,
        Msg::Loaded {
            id: old,
            req: Req::Media(S1.into(), "a3".into()),
            result: Ok(Payload::Media(media_list(&["stale"]))),
        },
    );
    assert_eq!(model.media_view(), MediaView::Loading, "stale media reply dropped");
    let _ = update(
        &mut model,
        Msg::Loaded {
            id: new_media,
            req: Req::Media(S1.into(), "a3".into()),
            result: Ok(Payload::Media(media_list(&["fresh"]))),
        },
    );
    assert_eq!(model.selected_media().unwrap().1.context.as_deref(), Some("fresh"));
}

#[test]
fn a_reply_for_a_removed_session_is_dropped() {
    let (mut model, cmds) = Model::new("host".into(), None).start(vec![S1.into()], vec![S2.into()]);
    let req = req_of(&cmds, &Req::Attempts(S1.into()));
    model.focus = Pane::Sessions;
    press(&mut model, "x");
    assert_eq!(model.sessions, vec![S2]);
    attempts_loaded(&mut model, S1, req, vec![attempt("a", "x")]);
    assert!(model.store.attempts(&S1.into()).is_none(), "nothing of it is kept");
}

#[test]
fn cursor_keys_stay_in_bounds_and_page() {
    let (mut model, cmds) = opened();
    let many: Vec<String> = (0..50).map(|i| format!("ctx{i}")).collect();
    media_loaded(
        &mut model,
        &cmds,
        "a3",
        media_list(&many.iter().map(String::as_str).collect::<Vec<_>>()),
    );
    model.list_rows = 10;
    model.focus = Pane::Media;
    press(&mut model, "k");
    assert_eq!(model.pane(Pane::Media).cursor, 0);
    press(&mut model, "G");
    assert_eq!(model.pane(Pane::Media).cursor, 49);
    assert_eq!(model.pane(Pane::Media).offset, 40, "the last page is in view");
    let _ = update(&mut model, key(KeyCode::PageUp));
    assert_eq!(model.pane(Pane::Media).cursor, 39);
    press(&mut model, "g");
    assert_eq!((model.pane(Pane::Media).cursor, model.pane(Pane::Media).offset), (0, 0));
    let _ = update(&mut model, key(KeyCode::PageDown));
    assert_eq!(model.pane(Pane::Media).cursor, 10);
    press(&mut model, "jjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjj");
    assert_eq!(model.pane(Pane::Media).cursor, 49);
}

#[test]
fn panes_change_with_tab_h_l_and_enter() {
    let (mut model, _) = opened();
    press(&mut model, "h");
    assert_eq!(model.focus, Pane::Sessions);
    press(&mut model, "h");
    assert_eq!(model.focus, Pane::Sessions);
    let _ = update(&mut model, key(KeyCode::Enter));
    assert_eq!(model.focus, Pane::Attempts);
    let _ = update(&mut model, key(KeyCode::Tab));
    assert_eq!(model.focus, Pane::Media);
    let _ = update(
        &mut model,
        Msg::Key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)),
    );
    assert_eq!(model.focus, Pane::Attempts);
}

#[test]
fn selecting_another_session_loads_it_and_starts_its_attempts_at_the_top() {
    let (mut model, _) = opened();
    press(&mut model, "j");
    model.focus = Pane::Sessions;
    let cmds = press(&mut model, "j");
    assert_eq!(model.selected_session().map(|s| s.as_str()), Some(S2));
    let cursors: Vec<usize> = Pane::ALL.iter().map(|p| model.pane(*p).cursor).collect();
    assert_eq!(cursors, [1, 0, 0]);
    req_of(&cmds, &Req::Attempts(S2.into()));
    // S2's decision was already asked for at start.
    assert!(!cmds.iter().any(|c| matches!(
        c,
        Cmd::Load {
            req: Req::Decision(_),
            ..
        }
    )));
    // Back to S1: everything is cached, nothing is asked.
    assert!(press(&mut model, "k").is_empty());
}

#[test]
fn the_prompt_rejects_text_without_an_id_and_opens_a_pasted_link() {
    let (mut model, _) = opened();
    press(&mut model, "a");
    press(&mut model, "hello");
    let _ = update(&mut model, key(KeyCode::Enter));
    match &model.overlay {
        Overlay::AddSession { error: Some(error), .. } => assert!(error.contains("no Veriff id"), "{error}"),
        other => panic!("prompt should stay open with a reason: {other:?}"),
    }
    let _ = update(
        &mut model,
        Msg::Key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)),
    );
    let _ = update(
        &mut model,
        Msg::Paste(format!(
            "https://station.veriff.com/verifications/{}\n",
            S2.to_uppercase()
        )),
    );
    let cmds = update(&mut model, key(KeyCode::Enter));
    assert_eq!(model.overlay, Overlay::None);
    assert_eq!(model.sessions, vec![S2, S1], "moved to the front, not duplicated");
    assert_eq!(model.focus, Pane::Sessions, "its card first");
    req_of(&cmds, &Req::Attempts(S2.into()));
    assert!(cmds.contains(&Cmd::Remember(Change::Added(vec![S2.into()]))));
}

#[test]
fn a_paste_outside_the_prompt_opens_it_with_the_text() {
    let (mut model, _) = opened();
    let _ = update(&mut model, Msg::Paste("link".into()));
    assert_eq!(
        model.overlay,
        Overlay::AddSession {
            input: LineEdit(tui_input::Input::new("link".into())),
            error: None
        }
    );
    let _ = update(&mut model, key(KeyCode::Esc));
    assert_eq!(model.overlay, Overlay::None);
}

#[test]
fn sessions_are_removed_only_from_the_sessions_pane() {
    let (mut model, _) = opened();
    assert!(press(&mut model, "x").is_empty());
    assert_eq!(model.sessions.len(), 2);
    assert!(said(&model).contains("sessions pane"));
    press(&mut model, "h");
    let cmds = press(&mut model, "x");
    assert_eq!(model.sessions, vec![S2]);
    assert!(cmds.contains(&Cmd::Remember(Change::Removed(S1.into()))));
}

#[test]
fn errors_show_in_place_with_the_way_to_retry() {
    let (mut model, cmds) = opened();
    let req = req_of(&cmds, &Req::Media(S1.into(), "a3".into()));
    let _ = update(
        &mut model,
        Msg::Loaded {
            id: req,
            req: Req::Media(S1.into(), "a3".into()),
            result: Err("HTTP 502 Bad Gateway".into()).map(Payload::Media),
        },
    );
    assert_eq!(model.media_view(), MediaView::Failed(&"HTTP 502 Bad Gateway".into()));
    let status = model.status.clone().unwrap();
    assert_eq!(status.tone, Tone::Error);
    assert!(
        status.text.contains("502") && status.text.contains("r retries"),
        "{}",
        status.text
    );
    let retry = press(&mut model, "r");
    req_of(&retry, &Req::Attempts(S1.into()));
}

#[test]
fn save_and_save_all_ask_for_the_right_files_and_esc_cancels() {
    let (mut model, cmds) = opened();
    media_loaded(&mut model, &cmds, "a3", media_list(&["document-front", "face"]));
    model.focus = Pane::Media;
    press(&mut model, "j");
    let save = press(&mut model, "s");
    let [
        Cmd::Transfer {
            id,
            kind: TransferKind::Save,
            folder: None,
            items,
        },
    ] = save.as_slice()
    else {
        panic!("{save:?}")
    };
    assert_eq!(
        items,
        &vec![TransferItem {
            media_id: "m-face-1".into(),
            name_parts: vec!["c0ffee00".into(), "face".into(), "m-face-1".into()],
            mimetype: Some("image/jpeg".into()),
        }]
    );
    assert!(press(&mut model, "S").is_empty(), "one transfer at a time");
    assert_eq!(
        update(&mut model, key(KeyCode::Esc)),
        vec![Cmd::CancelTransfer { id: *id }]
    );
    assert!(update(&mut model, key(KeyCode::Esc)).is_empty(), "asked once");
    // Said when the effects answer: cancelled, nothing partial.
    let _ = update(
        &mut model,
        Msg::TransferDone {
            id: *id,
            result: Err(Failure::cancelled("cancelled")),
        },
    );
    assert!(model.transfer.is_none());
    let status = model.status.clone().unwrap().text;
    assert!(status.starts_with("cancelled saving face; nothing partial"), "{status}");

    let all = press(&mut model, "S");
    let [
        Cmd::Transfer {
            kind: TransferKind::SaveAll,
            folder: Some(folder),
            items,
            ..
        },
    ] = all.as_slice()
    else {
        panic!("{all:?}")
    };
    assert_eq!(items.len(), 2);
    assert_eq!(folder, &format!("{S1}_a3"));
}

#[test]
fn transfer_progress_and_outcome_reach_the_status_line() {
    let (mut model, cmds) = opened();
    media_loaded(&mut model, &cmds, "a3", media_list(&["face"]));
    model.focus = Pane::Media;
    let save = press(&mut model, "s");
    let [Cmd::Transfer { id, .. }] = save.as_slice() else {
        panic!("{save:?}")
    };
    let progress = Progress {
        received: 50,
        total: Some(100),
    };
    let _ = update(
        &mut model,
        Msg::TransferProgress {
            id: *id,
            progress,
            elapsed: Duration::from_secs(1),
            file: 1,
            files: 1,
        },
    );
    assert!(
        model
            .transfer
            .as_ref()
            .unwrap()
            .progress
            .as_deref()
            .unwrap()
            .contains("(50%)")
    );
    assert!(model.animating());
    let path = PathBuf::from("/dl/x.jpg");
    let _ = update(
        &mut model,
        Msg::TransferDone {
            id: *id,
            result: Ok(TransferOutcome::Saved(path)),
        },
    );
    assert!(model.transfer.is_none());
    assert_eq!(model.status.as_ref().unwrap().text, "saved /dl/x.jpg");
}

#[test]
fn the_filter_narrows_media_by_context_and_esc_clears_it() {
    let (mut model, cmds) = opened();
    media_loaded(
        &mut model,
        &cmds,
        "a3",
        media_list(&["document-front", "face", "face-pre"]),
    );
    model.focus = Pane::Media;
    press(&mut model, "/");
    press(&mut model, "FACE");
    assert_eq!(model.visible_media().len(), 2);
    let _ = update(&mut model, key(KeyCode::Enter));
    assert_eq!(model.overlay, Overlay::None);
    assert_eq!(model.pane(Pane::Media).filter, "FACE");
    press(&mut model, "/");
    let _ = update(&mut model, key(KeyCode::Esc));
    assert_eq!(model.visible_media().len(), 3);
}

/// The pane shows `12-30 10:42`; `2025-12-30T10` was the only way to find it.
#[test]
fn the_attempts_filter_matches_the_time_as_shown_and_as_sent() {
    let (mut model, _) = opened();
    model.this_year = 2026;
    let mut old = attempt("a0", "declined");
    old.created_time = Some("2025-12-30T10:42:05.000Z".into());
    let mut new = attempt("a4", "approved");
    new.created_time = Some("2026-12-30T10:42:05.000Z".into());
    if let Some(Load::Ready(list)) = model.store.entry_for_test(S1).attempts.as_mut() {
        list.push(old);
        list.insert(0, new);
    }
    for (typed, wanted) in [
        ("12-30 10:42", vec!["a4", "a0"]),
        ("2025-12-30 10", vec!["a0"]),
        ("2025-12-30T10", vec!["a0"]),
        ("11-20 10", vec!["a3", "a2", "a1"]),
    ] {
        model.pane_mut(Pane::Attempts).filter = typed.into();
        let ids: Vec<&str> = model.visible_attempts().iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, wanted, "{typed}");
    }
}

#[test]
fn the_sessions_filter_matches_the_word_a_row_shows() {
    let (mut model, cmds) = Model::new("host".into(), None).start(vec![S1.into()], vec![S2.into()]);
    let req = |session: &str| {
        cmds.iter()
            .find_map(|c| match c {
                Cmd::Load {
                    id,
                    req: Req::Decision(s),
                    ..
                } if s == session => Some(*id),
                _ => None,
            })
            .unwrap()
    };
    let (r1, r2) = (req(S1), req(S2));
    let _ = update(
        &mut model,
        Msg::Loaded {
            id: r1,
            req: Req::Decision(S1.into()),
            result: Ok(Payload::Decision(None)),
        },
    );
    let _ = update(
        &mut model,
        Msg::Loaded {
            id: r2,
            req: Req::Decision(S2.into()),
            result: Err("HTTP 500".into()).map(Payload::Decision),
        },
    );
    model.pane_mut(Pane::Sessions).filter = "pending".into();
    assert_eq!(model.visible_sessions(), vec![&crate::ids::SessionId::from(S1)]);
    model.pane_mut(Pane::Sessions).filter = "error".into();
    assert_eq!(model.visible_sessions(), vec![&crate::ids::SessionId::from(S2)]);
    model.pane_mut(Pane::Sessions).filter = "nothing like it".into();
    assert!(model.selected_session().is_none());
    assert_eq!(model.media_view(), MediaView::Empty("no session matches the filter"));
}

/// Pasting two ids opened the first and dropped the second.
#[test]
fn a_paste_of_several_ids_adds_them_all_and_opens_the_first() {
    let (mut model, _) = opened();
    const S3: &str = "dec11ned-7b8c-4d9e-8f0a-1b2c3d4e5f6a";
    press(&mut model, "a");
    let _ = update(
        &mut model,
        Msg::Paste(format!(
            "https://station.veriff.com/verifications/{S3}\n{S2}\nticket 88123 {S3}\n"
        )),
    );
    let cmds = update(&mut model, key(KeyCode::Enter));
    assert_eq!(
        model.sessions,
        vec![S3, S2, S1],
        "both added, in the order pasted, none twice"
    );
    assert_eq!(model.selected_session().map(|s| s.as_str()), Some(S3));
    req_of(&cmds, &Req::Attempts(S3.into()));
    assert!(cmds.contains(&Cmd::Remember(Change::Added(vec![S3.into(), S2.into()]))));
    let status = model.status.as_ref().unwrap().text.clone();
    assert_eq!(status, "opened session dec11ned, 1 more added below it");
}

#[test]
fn y_copies_the_id_of_what_is_selected() {
    let (mut model, _) = opened();
    assert_eq!(press(&mut model, "y"), vec![Cmd::Copy("a3".into())]);
    press(&mut model, "h");
    assert_eq!(press(&mut model, "y"), vec![Cmd::Copy(S1.into())]);
}

#[test]
fn the_help_scrolls_to_its_end_and_back_without_overshooting() {
    let (mut model, _) = opened();
    let _ = update(&mut model, Msg::Resize { width: 100, height: 24 });
    press(&mut model, "?");
    let bottom = model.help_lines() - model.help_room();
    press(&mut model, "G");
    assert_eq!(model.overlay, Overlay::Help { scroll: bottom });
    press(&mut model, "jjj");
    assert_eq!(
        model.overlay,
        Overlay::Help { scroll: bottom },
        "no further than the end"
    );
    press(&mut model, "k");
    assert_eq!(
        model.overlay,
        Overlay::Help { scroll: bottom - 1 },
        "one up from the end is visible at once"
    );
    press(&mut model, "g");
    assert_eq!(model.overlay, Overlay::Help { scroll: 0 });
}

#[test]
fn help_opens_and_closes_and_quit_quits() {
    let (mut model, _) = opened();
    press(&mut model, "?");
    assert_eq!(model.overlay, Overlay::Help { scroll: 0 });
    press(&mut model, "j");
    assert_eq!(
        model.pane(Pane::Attempts).cursor,
        0,
        "keys do not leak through the help"
    );
    let _ = update(&mut model, key(KeyCode::Esc));
    assert_eq!(model.overlay, Overlay::None);
    press(&mut model, "q");
    assert!(model.quit);
}

#[test]
fn nothing_animates_when_everything_is_loaded() {
    let (mut model, cmds) = opened();
    media_loaded(&mut model, &cmds, "a3", media_list(&["face"]));
    let (_, start) = Model::new("h".into(), None).start(vec![S1.into()], vec![]);
    let decision = req_of(&start, &Req::Decision(S1.into()));
    model.store.entry_for_test(S1).decision = Some(Load::Loading(decision));
    let _ = update(
        &mut model,
        Msg::Loaded {
            id: decision,
            req: Req::Decision(S1.into()),
            result: Ok(Payload::Decision(None)),
        },
    );
    assert!(!model.animating(), "an idle screen needs no ticks");
}

#[test]
fn p_switches_profile_and_everything_is_fetched_again() {
    let (mut model, cmds) = opened();
    media_loaded(&mut model, &cmds, "a3", media_list(&["face"]));
    press(&mut model, "p");
    assert!(said(&model).contains("no profiles"), "without profiles, it says so");
    assert_eq!(model.overlay, Overlay::None);

    model.profiles = vec!["live".into(), "test".into()];
    model.profile = Some("test".into());
    press(&mut model, "p");
    assert_eq!(
        model.overlay,
        Overlay::Profiles { cursor: 1 },
        "starts on the profile in use"
    );
    press(&mut model, "k");
    assert_eq!(
        update(&mut model, key(KeyCode::Enter)),
        vec![Cmd::SwitchProfile("live".into())]
    );
    assert_eq!(model.overlay, Overlay::None);
    press(&mut model, "p");
    assert_eq!(model.overlay, Overlay::None, "no second switch while one is on its way");
    assert!(said(&model).contains("still switching to profile live"));

    let old = req_of(&cmds, &Req::Media(S1.into(), "a2".into()));
    let reload = update(&mut model, switched_to_live());
    assert_eq!(
        (model.profile.as_deref(), model.host.as_str()),
        (Some("live"), "live.example")
    );
    assert!(
        !matches!(model.store.media(&S1.into(), "a3"), Some(Load::Ready(_))),
        "old data gone"
    );
    req_of(&reload, &Req::Attempts(S1.into()));
    // The new profile's remembered sessions join the list.
    req_of(&reload, &Req::Remembered);
    assert!(
        reload
            .iter()
            .any(|c| matches!(c, Cmd::Load { req: Req::Decision(s), .. } if s == S2))
    );
    let _ = update(
        &mut model,
        Msg::Loaded {
            id: old,
            req: Req::Media(S1.into(), "a2".into()),
            result: Ok(Payload::Media(media_list(&["old"]))),
        },
    );
    assert!(
        model.store.media(&S1.into(), "a2").is_none(),
        "a reply from the old profile is dropped"
    );

    let failed = update(
        &mut model,
        Msg::ProfileSwitched {
            profile: "x".into(),
            result: Err("no API key".into()),
        },
    );
    assert!(failed.is_empty());
    assert_eq!(
        model.profile.as_deref(),
        Some("live"),
        "a failed switch keeps the profile in use"
    );
    assert_eq!(model.status.as_ref().unwrap().tone, Tone::Error);
}

fn preview_cmds(cmds: &[Cmd]) -> Vec<(&str, (u16, u16), ReqId)> {
    cmds.iter()
        .filter_map(|c| match c {
            Cmd::Load {
                id,
                req: Req::Preview { key, .. },
                ..
            } => Some((key.media.as_str(), (key.width, key.height), *id)),
            _ => None,
        })
        .collect()
}

#[test]
fn previews_follow_the_media_cursor_at_the_current_size() {
    let (mut model, cmds) = opened();
    model.previews_on = true;
    let _ = update(&mut model, Msg::Resize { width: 120, height: 36 });
    media_loaded(&mut model, &cmds, "a3", media_list(&["document-front", "face"]));
    assert!(
        model.preview_key().is_none(),
        "no preview while the attempts pane has focus"
    );

    let asked = press(&mut model, "l");
    let size = model.preview_size;
    assert!(size.0 >= 20 && size.1 >= 5, "{size:?}");
    let [(media, at, first)] = preview_cmds(&asked)[..] else {
        panic!("{asked:?}")
    };
    assert_eq!((media, at), ("m-document-front-0", size));

    // Moving on: the next one is asked for and the first, still loading, forgotten
    // (the effects abort it), so its late reply is dropped.
    let asked = press(&mut model, "j");
    let [(media, _, second)] = preview_cmds(&asked)[..] else {
        panic!("{asked:?}")
    };
    assert_eq!(media, "m-face-1");
    let old = PreviewKey {
        media: "m-document-front-0".into(),
        width: size.0,
        height: size.1,
    };
    let _ = update(
        &mut model,
        Msg::Loaded {
            id: first,
            req: Req::Preview {
                key: old.clone(),
                video: None,
            },
            result: Err("late".into()).map(Payload::Preview),
        },
    );
    assert!(model.store.preview(&old).is_none());

    let key = model.preview_key().unwrap();
    let _ = update(
        &mut model,
        Msg::Loaded {
            id: second,
            req: Req::Preview {
                key: key.clone(),
                video: None,
            },
            result: Err("no preview: test".into()).map(Payload::Preview),
        },
    );
    assert_eq!(
        model.store.preview(&key),
        Some(&Load::Failed("no preview: test".into()))
    );
    assert!(
        preview_cmds(&press(&mut model, "kj")).len() == 1,
        "only the one never asked for is asked"
    );

    // A resize asks for the size now on screen; the old size is never shown.
    let asked = update(&mut model, Msg::Resize { width: 160, height: 50 });
    let [(_, at, _)] = preview_cmds(&asked)[..] else {
        panic!("{asked:?}")
    };
    assert_eq!(at, model.preview_size);
    assert_ne!(at, size);
}

#[test]
fn with_previews_off_nothing_is_fetched() {
    let (mut model, cmds) = opened();
    let _ = update(&mut model, Msg::Resize { width: 120, height: 36 });
    media_loaded(&mut model, &cmds, "a3", media_list(&["face"]));
    assert!(preview_cmds(&press(&mut model, "lj")).is_empty());
    assert!(model.preview_key().is_none());
}

#[test]
fn a_click_focuses_and_selects_and_the_wheel_scrolls_the_pane_under_it() {
    use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    let mouse = |kind, column, row| {
        Msg::Mouse(MouseEvent {
            kind,
            column,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    let (mut model, cmds) = opened();
    let _ = update(&mut model, Msg::Resize { width: 100, height: 30 });
    media_loaded(&mut model, &cmds, "a2", media_list(&["x"]));
    let panes = crate::tui::layout::areas(ratatui::layout::Rect::new(0, 0, 100, 30)).panes;

    // The second attempt row: one below the top border, plus one.
    let _ = update(
        &mut model,
        mouse(MouseEventKind::Down(MouseButton::Left), panes[1].x + 3, panes[1].y + 2),
    );
    assert_eq!(model.focus, Pane::Attempts);
    assert_eq!(model.selected_attempt().unwrap().id, "a2");
    // Below the last row: nothing changes.
    let _ = update(
        &mut model,
        mouse(MouseEventKind::Down(MouseButton::Left), panes[1].x + 3, panes[1].y + 9),
    );
    assert_eq!(model.selected_attempt().unwrap().id, "a2");

    let _ = update(
        &mut model,
        mouse(MouseEventKind::ScrollUp, panes[0].x + 2, panes[0].y + 5),
    );
    assert_eq!(model.focus, Pane::Sessions);
    let _ = update(
        &mut model,
        mouse(MouseEventKind::ScrollDown, panes[0].x + 2, panes[0].y + 5),
    );
    assert_eq!(model.selected_session().map(|s| s.as_str()), Some(S2));

    // With an overlay open the mouse does nothing underneath it.
    press(&mut model, "?");
    let _ = update(
        &mut model,
        mouse(MouseEventKind::ScrollUp, panes[0].x + 2, panes[0].y + 5),
    );
    assert_eq!(model.selected_session().map(|s| s.as_str()), Some(S2));
}

#[test]
fn a_session_whose_attempts_arrived_while_unselected_prefetches_when_selected() {
    let (mut model, _) = opened();
    model.focus = Pane::Sessions;
    let to_s2 = press(&mut model, "j");
    let req = req_of(&to_s2, &Req::Attempts(S2.into()));
    press(&mut model, "k");
    // S2's attempts arrive while S1 is selected: nothing to prefetch yet.
    let cmds = attempts_loaded(&mut model, S2, req, vec![attempt("b2", "x"), attempt("b1", "y")]);
    assert!(cmds.is_empty(), "{cmds:?}");
    let back = press(&mut model, "j");
    req_of(&back, &Req::Media(S2.into(), "b2".into()));
    req_of(&back, &Req::Media(S2.into(), "b1".into()));
}

#[test]
fn a_click_on_a_panes_bottom_border_selects_nothing() {
    use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    let (mut model, cmds) = opened();
    let _ = update(&mut model, Msg::Resize { width: 100, height: 30 });
    let many: Vec<String> = (0..50).map(|i| format!("c{i}")).collect();
    media_loaded(
        &mut model,
        &cmds,
        "a3",
        media_list(&many.iter().map(String::as_str).collect::<Vec<_>>()),
    );
    let media = crate::tui::layout::areas(ratatui::layout::Rect::new(0, 0, 100, 30)).panes[2];
    let click = |row| {
        Msg::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: media.x + 4,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    let _ = update(&mut model, click(media.y + media.height - 1));
    assert_eq!(model.pane(Pane::Media).cursor, 0, "the border is not a row");
    let _ = update(&mut model, click(media.y + media.height - 2));
    assert_eq!(
        model.pane(Pane::Media).cursor,
        media.height as usize - 3,
        "the last visible row"
    );
    assert_eq!(model.pane(Pane::Media).offset, 0, "nothing scrolled");
}

/// `--from` with 10,000 ids: decisions for the newest and for the rows on screen,
/// more as rows scroll into view; never 10,000 requests at start.
#[test]
fn ten_thousand_sessions_load_the_decisions_on_screen_and_the_newest_only() {
    let ids: Vec<crate::ids::SessionId> = (0..10_000)
        .map(|i| format!("{i:08x}-0000-4000-8000-000000000000").into())
        .collect();
    let (mut model, cmds) = Model::new("host".into(), None).start(ids.clone(), vec![]);
    let decisions = |cmds: &[Cmd]| -> Vec<String> {
        cmds.iter()
            .filter_map(|c| match c {
                Cmd::Load {
                    req: Req::Decision(session),
                    ..
                } => Some(session.to_string()),
                _ => None,
            })
            .collect()
    };
    let asked = decisions(&cmds);
    assert!(
        asked.len() <= load::PREFETCH_DECISIONS + model.list_rows,
        "{} decisions at start",
        asked.len()
    );
    assert!(asked.contains(&ids[0].to_string()) && asked.contains(&ids[49].to_string()));
    let _ = update(&mut model, Msg::Resize { width: 120, height: 40 });
    model.focus = Pane::Sessions;
    let started = std::time::Instant::now();
    let cmds = press(&mut model, "G");
    eprintln!("G on 10,000 sessions: {:?}", started.elapsed());
    let asked = decisions(&cmds);
    assert!(
        asked.contains(&ids[9_999].to_string()),
        "the last row, now on screen: {asked:?}"
    );
    assert!(
        asked.len() <= model.list_rows + 1,
        "{} decisions for one screen",
        asked.len()
    );
    let started = std::time::Instant::now();
    for _ in 0..20 {
        let _ = press(&mut model, "k");
    }
    eprintln!("20 x k on 10,000 sessions: {:?}", started.elapsed());
}

/// The rows a sessions filter leaves are worked out once per change, and a
/// change they depend on (a decision arriving, a session added or removed)
/// shows at once.
#[test]
fn a_sessions_filter_follows_decisions_and_sessions_as_they_change() {
    let (mut model, cmds) = Model::new("host".into(), None).start(vec![S1.into()], vec![S2.into()]);
    model.focus = Pane::Sessions;
    press(&mut model, "/");
    for c in "declined".chars() {
        let _ = update(&mut model, key(KeyCode::Char(c)));
    }
    let _ = update(&mut model, key(KeyCode::Enter));
    assert_eq!(model.visible_session_count(), 0, "no decision known yet");
    let declined = serde_json::from_value(serde_json::json!({"status": "declined"})).ok();
    let _ = super::testkit::reply(
        &mut model,
        &cmds,
        Req::Decision(S2.into()),
        Ok(Payload::Decision(declined)),
    );
    assert_eq!(model.visible_sessions(), vec![&crate::ids::SessionId::from(S2)]);
    assert_eq!(model.selected_session().map(|s| s.as_str()), Some(S2));
    // Removed: gone from the rows, the selection with it.
    let _ = press(&mut model, "x");
    assert_eq!(model.visible_session_count(), 0);
    assert!(model.selected_session().is_none());
}

/// `D` asks for the session's first 8 characters before a deletion goes out;
/// what Veriff would refuse is refused before asking, and a read-only profile
/// refuses outright.
#[test]
fn d_deletes_a_session_only_once_its_first_eight_characters_are_typed() {
    use crate::tui::app::msg::Write;
    let decided = |status: &str| -> Result<Payload, Failure> {
        Ok(Payload::Decision(
            serde_json::from_value(serde_json::json!({ "status": status })).ok(),
        ))
    };
    let (mut model, cmds) = Model::new("host".into(), None).start(vec![S1.into()], vec![S2.into()]);
    // One of its pictures previewed: a deletion leaves none of it drawn.
    let face = PreviewKey {
        media: "m-face-0".into(),
        width: 20,
        height: 10,
    };
    let _ = super::testkit::reply(
        &mut model,
        &cmds,
        Req::SessionMedia(S1.into()),
        Ok(Payload::Media(media_list(&["face"]))),
    );
    model
        .store
        .set_preview(face.clone(), Load::Failed("a stand-in picture".into()));
    press(&mut model, "D");
    assert!(model.overlay.is_none(), "not before the decision is known");
    let _ = super::testkit::reply(&mut model, &cmds, Req::Decision(S1.into()), decided("submitted"));
    let refused = press(&mut model, "D");
    assert!(model.overlay.is_none());
    assert!(
        said(&model).contains("is submitted: Veriff deletes only"),
        "{}",
        said(&model)
    );
    assert_eq!(
        refused,
        [Cmd::Refused {
            action: "delete_session",
            session: Some(S1.into()),
            reason: "not_deletable"
        }],
        "the refusal goes to the audit log"
    );

    let again = press(&mut model, "r");
    let _ = super::testkit::reply(&mut model, &again, Req::Decision(S1.into()), decided("approved"));
    let _ = super::testkit::reply(
        &mut model,
        &again,
        Req::SessionMedia(S1.into()),
        Ok(Payload::Media(media_list(&["face"]))),
    );
    press(&mut model, "D");
    assert_eq!(model.overlay.mode(), crate::tui::keymap::Mode::Confirm);
    // Letters are the answer being typed, not commands: `q` does not quit.
    assert!(press(&mut model, "q").is_empty());
    assert!(!model.quit);
    let _ = update(&mut model, key(KeyCode::Backspace));
    assert!(
        update(&mut model, key(KeyCode::Enter)).is_empty(),
        "nothing typed: refused"
    );
    let Overlay::Confirm(confirm) = &model.overlay else {
        panic!("{:?}", model.overlay)
    };
    assert!(
        confirm.more.as_deref().is_some_and(|m| m.contains("request reference")),
        "a request reference is offered"
    );
    press(&mut model, &format!("{} DSR-2291", &S1[..8]));
    let cmds = update(&mut model, key(KeyCode::Enter));
    let [Cmd::Write { id, write }] = &cmds[..] else {
        panic!("{cmds:?}")
    };
    assert_eq!(
        *write,
        Write::DeleteSession {
            session: S1.into(),
            reference: Some("DSR-2291".into()),
        },
        "the words after the answer are the request's reference"
    );
    assert!(model.overlay.is_none());
    let after = update(
        &mut model,
        Msg::Written {
            id: *id,
            write: write.clone(),
            result: Ok(Done::said(format!("deleted session {S1} at Veriff"))),
        },
    );
    assert_eq!(model.sessions, vec![S2], "gone from the list");
    assert!(model.store.decision(&S1.into()).is_none(), "and from the store");
    assert!(model.store.preview(&face).is_none(), "its pictures with it");
    assert!(
        after
            .iter()
            .any(|cmd| matches!(cmd, Cmd::Remember(Change::Erased(id, _)) if id.as_str() == S1)),
        "no line of the history names it"
    );
    assert_eq!(model.status.as_ref().unwrap().tone, Tone::Success);

    model.read_only = true;
    model.profile = Some("live".into());
    let refused = press(&mut model, "D");
    assert!(model.overlay.is_none());
    assert!(said(&model).contains("profile live is read-only"), "{}", said(&model));
    assert!(
        matches!(
            &refused[..],
            [Cmd::Refused {
                action: "delete_session",
                reason: "read_only",
                ..
            }]
        ),
        "{refused:?}"
    );
}

mod inbox;
mod moves;
mod triage;

/// `N`: a form prefilled from the selected session, edited in place, refused
/// where Veriff would refuse it, confirmed, then the link shown and copied, and
/// the new session on top of the list.
#[test]
fn n_makes_a_new_link_from_a_prefilled_form_after_a_confirmation() {
    use crate::tui::app::msg::Write;
    use crate::tui::app::overlays::new_link::NewLink;
    let (mut model, cmds) = Model::new("host".into(), None).start(vec![S1.into()], vec![]);
    let decision = serde_json::from_value(serde_json::json!({
        "status": "resubmission_requested", "vendorData": "ticket-88123",
        "person": {"firstName": "MARTA", "lastName": "SPECIMEN"}
    }))
    .ok();
    let _ = super::testkit::reply(
        &mut model,
        &cmds,
        Req::Decision(S1.into()),
        Ok(Payload::Decision(decision)),
    );
    press(&mut model, "N");
    let Overlay::NewLink(NewLink { fields, focus: 0, .. }) = &model.overlay else {
        panic!("{:?}", model.overlay)
    };
    let values: Vec<&str> = fields.iter().map(|f| f.value()).collect();
    assert_eq!(values, ["ticket-88123", "", "MARTA", "SPECIMEN"]);
    // Tab to endUserId, which must be a UUID: refused before anything is asked.
    let _ = update(&mut model, key(KeyCode::Tab));
    press(&mut model, "not-a-uuid");
    assert!(update(&mut model, key(KeyCode::Enter)).is_empty());
    let Overlay::NewLink(NewLink { error: Some(error), .. }) = &model.overlay else {
        panic!("{:?}", model.overlay)
    };
    assert!(error.contains("endUserId must be a UUID"), "{error}");
    for _ in 0.."not-a-uuid".len() {
        let _ = update(&mut model, key(KeyCode::Backspace));
    }
    assert!(
        update(&mut model, key(KeyCode::Enter)).is_empty(),
        "a confirmation first"
    );
    assert_eq!(model.overlay.mode(), crate::tui::keymap::Mode::Confirm);
    let cmds = update(&mut model, key(KeyCode::Enter));
    let [
        Cmd::Write {
            id,
            write: Write::NewSession(new),
        },
    ] = &cmds[..]
    else {
        panic!("{cmds:?}")
    };
    assert_eq!(new.vendor_data.as_deref(), Some("ticket-88123"));
    assert_eq!(
        (new.first_name.as_deref(), new.end_user_id.as_deref()),
        (Some("MARTA"), None)
    );

    const NEW: &str = "5e551011-aaaa-4bbb-8ccc-000000000042";
    let url = "https://alchemy.veriff.com/v/sample-token";
    let after = update(
        &mut model,
        Msg::Written {
            id: *id,
            write: Write::NewSession(new.clone()),
            result: Ok(Done {
                created: Some((NEW.into(), Some(url.into()))),
                ..Done::said(format!("created session {NEW}"))
            }),
        },
    );
    assert!(after.contains(&Cmd::Copy(url.into())), "copied with OSC 52: {after:?}");
    assert!(after.contains(&Cmd::Remember(Change::Added(vec![NEW.into()]))));
    assert_eq!(model.sessions, vec![NEW, S1], "the new session on top");
    assert!(matches!(&model.overlay, Overlay::LinkMade { link: Some(l), .. } if l == url));
    let _ = update(&mut model, key(KeyCode::Esc));
    assert!(model.overlay.is_none());

    // Read-only: no form at all.
    model.read_only = true;
    press(&mut model, "N");
    assert!(model.overlay.is_none());
    assert!(said(&model).contains("read-only"));
}

/// `H`: the session's watchlist hits, then a match status, then a confirmation;
/// recorded, the watchlist is read again for the card.
#[test]
fn h_reviews_a_watchlist_hit_after_choosing_it_and_its_status() {
    use crate::tui::app::msg::Write;
    let (mut model, cmds) = Model::new("host".into(), None).start(vec![S1.into()], vec![]);
    let watchlist = serde_json::from_value(serde_json::json!({
        "matchStatus": "possible_match",
        "hits": [{"id": "h-1", "matchedName": "KARL SPECIMEN"}, {"id": "h-2", "matchedName": "KARL SPEZIMEN"}]
    }))
    .ok();
    let _ = super::testkit::reply(
        &mut model,
        &cmds,
        Req::Watchlist(S1.into()),
        Ok(Payload::Watchlist(watchlist)),
    );
    press(&mut model, "H");
    assert_eq!(model.overlay.mode(), crate::tui::keymap::Mode::Review);
    press(&mut model, "j");
    let _ = update(&mut model, key(KeyCode::Enter));
    // The statuses, false_positive first: Esc goes back to the hits, not out.
    let _ = update(&mut model, key(KeyCode::Esc));
    assert_eq!(model.overlay.mode(), crate::tui::keymap::Mode::Review);
    let _ = update(&mut model, key(KeyCode::Enter));
    // Then the whitelisting, left as it is.
    let _ = update(&mut model, key(KeyCode::Enter));
    assert!(
        update(&mut model, key(KeyCode::Enter)).is_empty(),
        "a confirmation first"
    );
    let cmds = update(&mut model, key(KeyCode::Enter));
    let [
        Cmd::Write {
            id,
            write: Write::ReviewHit(session, review),
        },
    ] = &cmds[..]
    else {
        panic!("{cmds:?}")
    };
    assert_eq!(
        (session.as_str(), review.hit.as_str(), review.match_status.as_str()),
        (S1, "h-2", "false_positive")
    );
    assert_eq!(review.whitelisted, None, "whitelisting left as it is");
    let after = update(
        &mut model,
        Msg::Written {
            id: *id,
            write: Write::ReviewHit(session.clone(), review.clone()),
            result: Ok(Done::said("hit h-2 recorded as false_positive")),
        },
    );
    req_of(&after, &Req::Watchlist(S1.into()));
    assert!(said(&model).contains("recorded as false_positive"));
}
