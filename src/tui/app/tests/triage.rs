//! The triage parts of `update`, as functions: links, watching, look closer, NFC.

use crossterm::event::{KeyCode, KeyModifiers};

use super::*;
use crate::api::{Attempt, MediaList};
use crate::api::{Decision, MediaKind};
use crate::ids::SessionId;
use crate::tui::app::card_words::additional_verified;
use crate::tui::app::testkit::{answer, reply, req_of, said, switched_to_live};
use crate::tui::app::watch::DEFAULT_WATCH;
use crate::tui::app::{Failure, Msg, Overlay, Payload, PreviewKey, Req, update};
use crossterm::event::KeyEvent;

const S1: &str = "dec11ned-7b8c-4d9e-8f0a-1b2c3d4e5f6a";
const S2: &str = "c0ffee00-1d3a-4b5c-9d7e-0a1b2c3d4e5f";
const S3: &str = "b0a7f00d-2e4f-4a6b-8c9d-1e2f3a4b5c6d";

fn key(model: &mut Model, code: KeyCode) -> Vec<Cmd> {
    update(model, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn decision(status: &str, linked: &[&str]) -> Option<Decision> {
    serde_json::from_value(serde_json::json!({
        "id": S1, "status": status,
        "riskLabels": [{"label": "session_crosslinked_with_velocity_abuse", "category": "crosslinks", "sessionIds": linked}],
        "biometricAuthentication": {"matchedSessionId": S2}
    }))
    .ok()
}

/// The browser on S1 (S2 listed too), everything of S1 answered; the sessions
/// pane focused.
fn opened(status: &str, linked: &[&str]) -> Model {
    let (mut model, cmds) = Model::new("host".into(), None).start(vec![S1.into()], vec![S2.into()]);
    let _ = update(&mut model, Msg::Resize { width: 120, height: 40 });
    answer(&mut model, cmds, |req| {
        Some(Ok(match req {
            Req::Decision(session) if session == S1 => Payload::Decision(decision(status, linked)),
            Req::Attempts(_) => Payload::Attempts(vec![
                serde_json::from_value::<Attempt>(serde_json::json!({"id": "a2", "status": status})).unwrap(),
            ]),
            Req::SessionMedia(_) => Payload::Media(
                serde_json::from_value(serde_json::json!({
                    "images": [{"id": "m-face", "context": "face"}, {"id": "m-front", "context": "document-front"}],
                    "nfcDocuments": [{"id": "m-nfc", "context": "document-nfc", "mimetype": "application/json"}]
                }))
                .unwrap(),
            ),
            _ => return None,
        }))
    });
    model.focus = Pane::Sessions;
    model
}

#[test]
fn a_profile_that_redacts_masks_the_card_from_the_switch_on() {
    let mut model = opened("declined", &[]);
    model.store.entry_for_test(S1).decision = Some(Load::Ready(
        serde_json::from_value(serde_json::json!({"status": "declined", "person": {"firstName": "KARL"}})).ok(),
    ));
    let shows = |model: &Model| {
        model
            .card()
            .iter()
            .flat_map(|l| l.parts.clone())
            .any(|(t, _)| t.contains("KARL"))
    };
    assert!(shows(&model));
    let _ = update(&mut model, Msg::Redaction(crate::redact::Redact::new(true)));
    assert!(!shows(&model), "what was loaded in clear is masked at once");
    let _ = update(&mut model, Msg::Redaction(crate::redact::Redact::new(false)));
    assert!(
        !shows(&model),
        "a mask is never lifted in place; the data is loaded again"
    );
}

#[test]
fn in_two_columns_the_card_scrolls_no_further_than_its_longer_column() {
    let mut model = opened("declined", &[]);
    let labels: Vec<_> = (0..12)
        .map(|i| serde_json::json!({"label": format!("risk_{i}"), "category": "session"}))
        .collect();
    model.store.entry_for_test(S1).decision = Some(Load::Ready(
        serde_json::from_value(serde_json::json!({"status": "declined", "riskLabels": labels})).ok(),
    ));
    let _ = update(&mut model, Msg::Resize { width: 160, height: 30 });
    let one_column = model.card().len() - 8;
    let overflow = model.details_overflow();
    assert!(overflow > 0 && overflow < one_column, "{overflow} of {one_column}");
    for _ in 0..40 {
        key(&mut model, KeyCode::Char('J'));
    }
    assert_eq!(model.details_scroll as usize, overflow);
    key(&mut model, KeyCode::Char('K'));
    assert_eq!(model.details_scroll as usize, overflow - 1, "K moves at once");
}

#[test]
fn additional_verified_data_reads_as_licence_categories_and_age() {
    let data = serde_json::json!({"driversLicenseCategory": {"B": true, "C": false, "AM": true},
                                  "estimatedAge": 34, "estimatedGender": 0.9});
    assert_eq!(additional_verified(&data), "licence categories AM B · estimated age 34");
    assert_eq!(additional_verified(&serde_json::json!({})), "");
}

#[test]
fn the_cards_parts_go_out_with_the_attempt_list_in_one_round_trip() {
    let (_, cmds) = Model::new("host".into(), None).start(vec![S1.into()], vec![]);
    let session = SessionId::from(S1);
    for wanted in [
        Req::Attempts(session.clone()),
        Req::SessionMedia(session.clone()),
        Req::Decision(session.clone()),
        Req::Person(session.clone()),
        Req::Watchlist(session.clone()),
    ] {
        req_of(&cmds, &wanted);
    }
}

#[test]
fn linked_sessions_open_from_the_card_with_a_few_keys() {
    let mut model = opened("declined", &[S3, S2]);
    assert_eq!(
        model.linked_sessions(),
        vec![
            (S3.to_owned(), "session crosslinked with velocity abuse".to_owned()),
            (
                S2.to_owned(),
                "session crosslinked with velocity abuse, biometric match".to_owned()
            ),
        ]
    );
    key(&mut model, KeyCode::Char('L'));
    assert_eq!(model.overlay, Overlay::Linked { cursor: 0 });
    // A session not listed yet is added on top, selected, and its card asked for.
    let cmds = key(&mut model, KeyCode::Enter);
    assert_eq!(model.overlay, Overlay::None);
    assert_eq!(model.selected_session().map(|s| s.as_str()), Some(S3));
    assert_eq!(model.sessions, vec![S3, S1, S2]);
    assert_eq!(model.focus, Pane::Sessions, "the linked session's card shows");
    assert!(
        cmds.iter()
            .any(|c| matches!(c, Cmd::Load { req: Req::Person(s), .. } if s == S3))
    );
    assert!(cmds.contains(&Cmd::Remember(crate::history::Change::Added(vec![S3.into()]))));
    // Back to the first and on to one already listed: selected where it is.
    key(&mut model, KeyCode::Char('j'));
    assert_eq!(model.selected_session().map(|s| s.as_str()), Some(S1));
    key(&mut model, KeyCode::Char('L'));
    key(&mut model, KeyCode::Char('j'));
    key(&mut model, KeyCode::Enter);
    assert_eq!(model.selected_session().map(|s| s.as_str()), Some(S2));
    assert_eq!(model.sessions, vec![S3, S1, S2], "not reordered");
    // Nothing linked: said, no empty overlay.
    key(&mut model, KeyCode::Char('L'));
    assert_eq!(model.overlay, Overlay::None);
    assert!(said(&model).contains("no decision yet"));
}

/// The screen as text, at `width` x `height`.
fn screen(model: &mut Model, width: u16, height: u16) -> String {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    let _ = update(model, Msg::Resize { width, height });
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|f| crate::tui::ui::view(model, &crate::tui::ui::Theme { color: false }, f))
        .unwrap();
    let buffer = terminal.backend().buffer().clone();
    (0..height)
        .map(|y| (0..width).map(|x| buffer[(x, y)].symbol()).collect::<String>() + "\n")
        .collect()
}

#[test]
fn linked_sessions_show_their_verdicts_and_why_in_full_and_another_integrations_says_so() {
    let mut model = opened("declined", &[S3, S2]);
    let cmds = key(&mut model, KeyCode::Char('L'));
    // Both verdicts asked for (S2's is the listed one's, asked at start).
    let s3 = Req::Decision(S3.into());
    let declined = decision("declined", &[]);
    reply(&mut model, &cmds, s3.clone(), Ok(Payload::Decision(declined)));
    let elsewhere = Failure::from(crate::api::ApiError::Veriff {
        status: 404,
        code: "1102".into(),
        message: "Session not found".into(),
    });
    model.store.entry_for_test(S2).decision = Some(Load::Failed(elsewhere));
    let shown = screen(&mut model, 80, 24);
    assert!(shown.contains("b0a7f00d  declined"), "{shown}");
    assert!(shown.contains("another integration's session"), "{shown}");
    assert!(!shown.contains("check the id"), "{shown}");
    // Why, in full: every word of the reason is on screen whole.
    for word in "session crosslinked with velocity abuse, biometric match".split(' ') {
        assert!(shown.contains(word), "{word} missing:\n{shown}");
    }
    // Another integration's session is not opened: there is nothing to read.
    key(&mut model, KeyCode::Char('j'));
    let cmds = key(&mut model, KeyCode::Enter);
    assert!(cmds.is_empty(), "{cmds:?}");
    assert_eq!(model.overlay, Overlay::Linked { cursor: 1 });
    assert!(
        said(&model).contains("belongs to another integration"),
        "{}",
        said(&model)
    );
    assert!(!model.sessions.iter().any(|s| *s == S3), "nothing added");
}

#[test]
fn a_linked_sessions_face_is_looked_at_beside_this_ones_titled_with_both() {
    let mut model = opened("declined", &[S3]);
    key(&mut model, KeyCode::Char('L'));
    let cmds = key(&mut model, KeyCode::Char('v'));
    assert_eq!(
        model.overlay,
        Overlay::Faces {
            linked: S3.into(),
            cursor: 0
        }
    );
    let theirs: MediaList = serde_json::from_value(serde_json::json!({
        "images": [{"id": "m-front-3", "context": "document-front"}, {"id": "m-face-3", "context": "face"}]
    }))
    .unwrap();
    reply(
        &mut model,
        &cmds,
        Req::SessionMedia(S3.into()),
        Ok(Payload::Media(theirs)),
    );
    let pictures = model.pictures_looked_at();
    let shown: Vec<(String, Option<&str>)> = pictures
        .iter()
        .map(|p| (p.title.clone(), p.media.map(|m| m.id.as_str())))
        .collect();
    assert_eq!(
        shown,
        [
            ("face · session dec11ned".to_owned(), Some("m-face")),
            ("face · session b0a7f00d".to_owned(), Some("m-face-3")),
        ]
    );
    let top = screen(&mut model, 80, 24).lines().next().unwrap().to_owned();
    assert!(
        top.contains("session dec11ned") && top.contains("session b0a7f00d"),
        "{top}"
    );
    // Back to the list, on the same row.
    key(&mut model, KeyCode::Esc);
    assert_eq!(model.overlay, Overlay::Linked { cursor: 0 });
}

/// The card's text by label, for the lines of one label.
fn card_says(model: &Model, label: &str) -> Vec<String> {
    model
        .card()
        .iter()
        .filter(|l| l.label == label)
        .map(|l| l.parts.iter().map(|(t, _)| t.as_str()).collect())
        .collect()
}

#[test]
fn the_face_lines_say_selfie_against_document_apart_from_a_face_seen_elsewhere() {
    let mut model = opened("declined", &[]);
    model.store.entry_for_test(S1).decision = Some(Load::Ready(
        serde_json::from_value(serde_json::json!({
            "status": "declined", "code": 9102, "reasonCode": 103,
            "biometricAuthentication": {"matchedSessionId": S2}
        }))
        .ok(),
    ));
    assert_eq!(
        card_says(&model, "selfie"),
        ["the selfie does not match the document photo"]
    );
    assert_eq!(card_says(&model, "face"), [format!("same face as session {S2}")]);
    // Approved, its face seen nowhere else: nothing reads like a failed match.
    model.store.entry_for_test(S1).decision = Some(Load::Ready(
        serde_json::from_value(serde_json::json!({
            "status": "approved", "code": 9001, "reasonCode": null,
            "biometricAuthentication": {"matchedSessionId": null}
        }))
        .ok(),
    ));
    assert!(card_says(&model, "selfie").is_empty());
    assert_eq!(card_says(&model, "face"), ["seen in no other session"]);
    let card: String = model
        .card()
        .iter()
        .flat_map(|l| l.parts.iter().map(|(t, _)| t.clone()))
        .collect();
    assert!(!card.contains("not match"), "{card}");
}

#[test]
fn watching_polls_until_the_decision_is_final() {
    let mut model = opened("resubmission_requested", &[]);
    let cmds = key(&mut model, KeyCode::Char('w'));
    assert_eq!(
        cmds,
        vec![Cmd::Watch {
            session: Some(S1.into()),
            every: DEFAULT_WATCH
        }]
    );
    let cmds = update(
        &mut model,
        Msg::WatchTick {
            session: S1.into(),
            at: "10:42:05".into(),
        },
    );
    assert_eq!(model.watch.as_ref().unwrap().updated.as_deref(), Some("10:42:05"));
    let req = req_of(&cmds, &Req::Decision(S1.into()));
    req_of(&cmds, &Req::Attempts(S1.into()));
    // A tick for a session no longer watched does nothing.
    assert!(
        update(
            &mut model,
            Msg::WatchTick {
                session: S2.into(),
                at: "x".into()
            }
        )
        .is_empty()
    );
    let cmds = update(
        &mut model,
        Msg::Loaded {
            id: req,
            req: Req::Decision(S1.into()),
            result: Ok(Payload::Decision(decision("approved", &[]))),
        },
    );
    assert_eq!(model.watch, None);
    assert!(cmds.contains(&Cmd::Watch {
        session: None,
        every: DEFAULT_WATCH
    }));
    assert!(said(&model).contains("approved: stopped watching"));
    // A decided session is not watched; w on a watched one stops it; one
    // removed from the list is watched no more.
    assert!(key(&mut model, KeyCode::Char('w')).is_empty());
    let mut model = opened("review", &[]);
    key(&mut model, KeyCode::Char('w'));
    let cmds = key(&mut model, KeyCode::Char('w'));
    assert_eq!(
        cmds[0],
        Cmd::Watch {
            session: None,
            every: DEFAULT_WATCH
        }
    );
    assert_eq!(model.watch, None);
    key(&mut model, KeyCode::Char('w'));
    let switched = update(&mut model, switched_to_live());
    assert!(switched.contains(&Cmd::Watch {
        session: None,
        every: DEFAULT_WATCH
    }));
    assert_eq!(model.watch, None, "another integration's session is not polled");
    key(&mut model, KeyCode::Char('w'));
    key(&mut model, KeyCode::Char('x'));
    let tick = Msg::WatchTick {
        session: S1.into(),
        at: "x".into(),
    };
    assert_eq!(
        update(&mut model, tick),
        vec![Cmd::Watch {
            session: None,
            every: DEFAULT_WATCH
        }]
    );
    assert_eq!(model.watch, None);
}

#[test]
fn look_closer_asks_for_screen_sized_pictures_and_esc_returns() {
    let mut model = opened("approved", &[]);
    model.previews_on = true;
    key(&mut model, KeyCode::Char('l'));
    key(&mut model, KeyCode::Char('l'));
    assert_eq!(model.focus, Pane::Media);
    let cmds = key(&mut model, KeyCode::Char('z'));
    assert_eq!(model.overlay, Overlay::Zoom);
    let wanted = |cmds: &[Cmd]| -> Vec<PreviewKey> {
        cmds.iter()
            .flat_map(|c| match c {
                Cmd::Load {
                    req: Req::Preview { key, .. },
                    ..
                } => vec![key.clone()],
                _ => Vec::new(),
            })
            .collect()
    };
    assert_eq!(
        wanted(&cmds),
        vec![PreviewKey {
            media: "m-face".into(),
            width: 118,
            height: 38
        }]
    );
    // j moves on to the next picture, still on the whole screen.
    let cmds = key(&mut model, KeyCode::Char('j'));
    assert_eq!(wanted(&cmds)[0].media, "m-front");
    key(&mut model, KeyCode::Esc);
    assert_eq!(model.overlay, Overlay::None);
    // The document front beside the best face, each half the screen.
    let cmds = key(&mut model, KeyCode::Char('v'));
    assert_eq!(model.overlay, Overlay::Compare);
    let keys = wanted(&cmds);
    assert_eq!(
        keys.iter().map(|k| k.media.as_str()).collect::<Vec<_>>(),
        ["m-front", "m-face"]
    );
    assert!(keys.iter().all(|k| (k.width, k.height) == (58, 38)), "{keys:?}");
    key(&mut model, KeyCode::Esc);
    assert_eq!(model.overlay, Overlay::None);
}

#[test]
fn nfc_documents_list_under_the_newest_attempt_and_read_as_json() {
    let mut model = opened("approved", &[]);
    model.redact = crate::redact::Redact::new(true);
    key(&mut model, KeyCode::Char('l'));
    key(&mut model, KeyCode::Char('l'));
    // The attempt's own list arrives: the chip data stays listed under it.
    let req = match model.store.media(&S1.into(), "a2") {
        Some(Load::Loading(req)) => *req,
        other => panic!("{other:?}"),
    };
    let own: MediaList =
        serde_json::from_value(serde_json::json!({"images": [{"id": "m-face", "context": "face"}]})).unwrap();
    let _ = update(
        &mut model,
        Msg::Loaded {
            id: req,
            req: Req::Media(S1.into(), "a2".into()),
            result: Ok(Payload::Media(own)),
        },
    );
    let kinds: Vec<MediaKind> = model.visible_media().iter().map(|(k, _)| *k).collect();
    assert_eq!(kinds, [MediaKind::Image, MediaKind::Nfc]);
    let cmds = key(&mut model, KeyCode::Char('j'));
    let req = req_of(&cmds, &Req::Nfc(S1.into(), "m-nfc".into()));
    let _ = update(
        &mut model,
        Msg::Loaded {
            id: req,
            req: Req::Nfc(S1.into(), "m-nfc".into()),
            result: Ok(serde_json::json!({"surname": "SPECIMEN", "documentType": "ID"})).map(Payload::Nfc),
        },
    );
    model.previews_on = true;
    model.preview_size = (40, 10);
    assert_eq!(model.preview_key(), None, "JSON is not previewed as a picture");
    let lines = model.nfc_lines().unwrap().unwrap();
    assert!(lines.iter().any(|l| l.contains("\"surname\": \"*****\"")), "{lines:?}");
    assert!(
        lines.iter().any(|l| l.contains("\"documentType\": \"ID\"")),
        "{lines:?}"
    );
}

/// 50 risk labels of 10,000 sessions each: the linked list is worked out once per
/// decision and capped, so the card and the list keys never walk half a million ids.
#[test]
fn a_decision_linking_half_a_million_sessions_is_worked_out_once_and_capped() {
    let mut model = opened("declined", &[]);
    let labels: Vec<_> = (0..50)
        .map(|l| {
            let ids: Vec<String> = (0..10_000)
                .map(|i| format!("{l:08x}-0000-4000-8000-{i:012x}"))
                .collect();
            serde_json::json!({"label": format!("label_{l}"), "category": "crosslinks", "sessionIds": ids})
        })
        .collect();
    let big: Decision = serde_json::from_value(serde_json::json!({
        "id": S1, "status": "declined", "riskLabels": labels,
        "biometricAuthentication": {"matchedSessionId": S2}
    }))
    .unwrap();
    model.store.entry_for_test(S1).decision = Some(Load::Ready(Some(big)));
    let first = model.linked_sessions().as_ptr();
    let linked = model.linked_sessions();
    assert_eq!(linked.len(), 101, "the cap, and the face match beyond it");
    assert_eq!(linked.last().map(|(id, _)| id.as_str()), Some(S2));
    let started = std::time::Instant::now();
    let presses = [
        KeyCode::Char('J'),
        KeyCode::Char('K'),
        KeyCode::Char('L'),
        KeyCode::Char('j'),
        KeyCode::Char('k'),
        KeyCode::Esc,
    ];
    for code in presses.iter().cycle().take(60) {
        let _ = key(&mut model, *code);
        let _ = model.card();
    }
    assert_eq!(
        model.linked_sessions().as_ptr(),
        first,
        "the same list, not worked out again"
    );
    // Printed, not asserted: timing belongs to the benchmarks, not to a test.
    eprintln!("60 keys with the card: {:?} in all", started.elapsed());
}

const HIT_1: &str = "h0000001-0000-4000-8000-000000000001";
const HIT_2: &str = "h0000002-0000-4000-8000-000000000002";

/// The declined demo session's watchlist: two hits, the first reviewed as
/// `first` says (its status, whitelisted) where given.
fn two_hits(first: Option<(&str, bool)>) -> Option<crate::api::Watchlist> {
    let mut hit = serde_json::json!({"id": HIT_1, "matchedName": "Karl Spezimen", "countries": ["Latvia"],
        "matchTypes": ["name_fuzzy"]});
    if let Some((status, whitelisted)) = first {
        hit["matchStatus"] = status.into();
        hit["isWhitelisted"] = whitelisted.into();
    }
    let other = serde_json::json!({"id": HIT_2, "matchedName": "Karl Specimen-Muster", "countries": ["Estonia"]});
    serde_json::from_value(serde_json::json!({"matchStatus": "possible_match", "totalHits": 2, "hits": [hit, other]}))
        .ok()
}

/// The card's lines under its watchlist header.
fn hit_lines(model: &Model) -> Vec<String> {
    model
        .card()
        .iter()
        .filter(|l| l.section == 4 && l.label.is_empty())
        .map(|l| l.parts.iter().map(|(t, _)| t.as_str()).collect())
        .collect()
}

/// `H`, the first hit, the `status`-th status, the `listing`-th whitelisting, and
/// the confirmation: the write asked for.
fn review_first_hit(model: &mut Model, status: usize, listing: usize) -> (ReqId, Write) {
    press(model, "H");
    let _ = key(model, KeyCode::Enter);
    for _ in 0..status {
        press(model, "j");
    }
    let _ = key(model, KeyCode::Enter);
    for _ in 0..listing {
        press(model, "j");
    }
    let _ = key(model, KeyCode::Enter);
    assert!(matches!(model.overlay, Overlay::Confirm(_)), "{:?}", model.overlay);
    let cmds = key(model, KeyCode::Enter);
    let [Cmd::Write { id, write }] = &cmds[..] else {
        panic!("{cmds:?}")
    };
    (*id, write.clone())
}

/// The chooser lists each hit with its status now; whitelisting is offered after
/// the status and goes into the write.
#[test]
fn the_hit_chooser_shows_each_hits_status_and_whitelisting_goes_into_the_write() {
    let mut model = opened("declined", &[]);
    model.store.entry_for_test(S1).watchlist = Some(Load::Ready(two_hits(Some(("potential_match", false)))));
    press(&mut model, "H");
    let text = screen(&mut model, 80, 24);
    assert!(text.contains("h0000001  Karl Spezimen · potential match"), "{text}");
    assert!(text.contains("h0000002  Karl Specimen-Muster · not reviewed"), "{text}");
    let _ = key(&mut model, KeyCode::Enter);
    let _ = key(&mut model, KeyCode::Enter);
    let text = screen(&mut model, 80, 24);
    assert!(text.contains("hit h0000001, a false positive, is"), "{text}");
    assert!(text.contains("whitelisted: monitoring alerts no more for it"), "{text}");
    // Esc goes back a step at a time.
    let _ = key(&mut model, KeyCode::Esc);
    let _ = key(&mut model, KeyCode::Esc);
    let _ = key(&mut model, KeyCode::Esc);
    assert_eq!(model.overlay, Overlay::None);

    let (_, write) = review_first_hit(&mut model, 0, 1);
    let Write::ReviewHit(session, review) = write else {
        panic!("{write:?}")
    };
    assert_eq!(
        (session.as_str(), review.hit.as_str(), review.match_status.as_str()),
        (S1, HIT_1, "false_positive")
    );
    assert_eq!(review.whitelisted, Some(true), "whitelisted, as chosen");
    assert_eq!(
        review.body().unwrap()["hit"]["isWhitelisted"],
        true,
        "and so in what is sent"
    );
}

/// After `H` the card shows the hit's new status, as reviewed by you, while the
/// watchlist is read again and while Veriff's answer does not show it; once it
/// does, Veriff's status is what shows, after `r` too.
#[test]
fn after_h_the_card_shows_the_status_and_reviewed_by_you_until_veriff_shows_it() {
    let mut model = opened("declined", &[]);
    model.store.entry_for_test(S1).watchlist = Some(Load::Ready(two_hits(None)));
    let text = screen(&mut model, 80, 24);
    assert!(text.contains("possible match · 2 hits"), "{text}");
    assert!(!text.contains("false positive"), "{text}");

    let (id, write) = review_first_hit(&mut model, 0, 1);
    let done = Done {
        at: Some("14:02 UTC".into()),
        ..Done::said(format!("hit {HIT_1} of session dec11ned recorded as false_positive"))
    };
    let cmds = update(
        &mut model,
        Msg::Written {
            id,
            write,
            result: Ok(done),
        },
    );
    let yours = "Karl Spezimen · false positive · whitelisted";
    let when = "reviewed by you at 14:02 UTC";
    // While the watchlist is read again.
    assert_eq!(card_says(&model, "watchlist"), ["reading it again…"]);
    assert_eq!(hit_lines(&model), [yours, when], "{:?}", model.card());
    // At 80x24 the card's end is a scroll away.
    press(&mut model, "JJJJ");
    let text = screen(&mut model, 80, 24);
    assert!(text.contains(yours) && text.contains(when), "{text}");

    // Veriff's answer does not show it yet: still yours, the other hit as it was.
    let _ = reply(
        &mut model,
        &cmds,
        Req::Watchlist(S1.into()),
        Ok(Payload::Watchlist(two_hits(None))),
    );
    let hits = hit_lines(&model);
    assert!(hits[0].starts_with(&format!("{yours} · Latvia")), "{hits:?}");
    assert_eq!(hits[1], when);
    assert!(hits[2].starts_with("Karl Specimen-Muster · Estonia"), "{hits:?}");
    let text = screen(&mut model, 80, 24);
    assert!(text.contains(yours) && text.contains(when), "{text}");

    // `r` reads it again; now Veriff shows the review, and that is what shows.
    let cmds = press(&mut model, "r");
    let _ = reply(
        &mut model,
        &cmds,
        Req::Watchlist(S1.into()),
        Ok(Payload::Watchlist(two_hits(Some(("false_positive", true))))),
    );
    assert_eq!(card_says(&model, "watchlist"), ["possible match · 2 hits · 1 reviewed"]);
    let hits = hit_lines(&model);
    assert!(
        hits.iter()
            .any(|l| l.starts_with("Karl Spezimen · false positive · whitelisted · Latvia")),
        "{hits:?}"
    );
    assert!(!hits.iter().any(|l| l.contains("reviewed by you")), "{hits:?}");
    let text = screen(&mut model, 80, 24);
    assert!(text.contains("Karl Spezimen · false positive · whitelisted"), "{text}");
    assert!(!text.contains("reviewed by you"), "{text}");
    // The chooser says so too.
    press(&mut model, "H");
    let text = screen(&mut model, 80, 24);
    assert!(
        text.contains("h0000001  Karl Spezimen · false positive · whitelisted"),
        "{text}"
    );
}
