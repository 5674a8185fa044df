//! At 80x24, as a new user over a slow link sees it (#30): nothing that matters
//! is cut, the hints match the screen, and a `review` says why a human is asked.

use crossterm::event::KeyCode;
use serde_json::{Value, json};

use super::{COLOR, render, text};
use crate::api::ApiError;
use crate::ids::SessionId;
use crate::inbox::{Marks, SessionRow, View};
use crate::tui::app::inbox::Inbox;
use crate::tui::app::testkit::{answer, key, press, press_code};
use crate::tui::app::{Failure, InboxPage, InboxRow, Logged, Model, Msg, Overlay, Pane, Payload, Req, Status, update};

const SESSION: &str = "5e550001-aaaa-4bbb-8ccc-000000000001";
const OTHER: &str = "5e550002-aaaa-4bbb-8ccc-000000000002";

fn drawn(model: &Model) -> String {
    text(render(model, COLOR, 80, 24).backend().buffer())
}

fn decision(verification: Value) -> Payload {
    let answer = json!({"status": "success", "verification": verification});
    Payload::Decision(
        serde_json::from_value::<crate::api::DecisionResponse>(answer)
            .unwrap()
            .into_decision(),
    )
}

fn watchlist(data: Value) -> Payload {
    let answer = json!({"status": "success", "data": data});
    Payload::Watchlist(
        serde_json::from_value::<crate::api::WatchlistResponse>(answer)
            .unwrap()
            .data,
    )
}

/// The browser at 80x24 on `sessions`, every load answered by `server`, the
/// sessions pane focused.
fn opened(sessions: &[&str], server: impl FnMut(&Req) -> Option<Result<Payload, Failure>>) -> Model {
    let ids = sessions.iter().map(|s| SessionId::from(*s)).collect();
    let (mut model, cmds) = Model::new("stationapi.veriff.com".into(), None).start(ids, vec![]);
    let _ = update(&mut model, Msg::Resize { width: 80, height: 24 });
    answer(&mut model, cmds, server);
    model.focus = Pane::Sessions;
    model
}

/// The card's text at 80x24 from its first line to its last, scrolled with J:
/// its rows as drawn, the label column and border left off.
fn whole_card(model: &mut Model) -> Vec<String> {
    let rows = |model: &Model| -> Vec<String> {
        let screen = drawn(model);
        let lines: Vec<&str> = screen.lines().collect();
        // The details area: under the panes, over the status and hint lines.
        let top = lines
            .iter()
            .position(|l| l.starts_with("┌ details"))
            .expect("a details area");
        lines[top + 1..lines.len() - 3]
            .iter()
            .map(|l| l.trim_start_matches('│').trim_end_matches('│').to_owned())
            .collect()
    };
    let mut seen = Vec::new();
    for _ in 0..model.details_overflow() {
        seen.push(rows(model).remove(0));
        let _ = update(
            model,
            Msg::Key(crossterm::event::KeyEvent::new(
                KeyCode::Char('J'),
                crossterm::event::KeyModifiers::SHIFT,
            )),
        );
    }
    seen.extend(rows(model));
    seen
}

/// The card's lines, the words of a line that went on over several joined back.
fn card_text(rows: &[String]) -> String {
    rows.iter()
        .map(|r| r.chars().skip(crate::tui::app::CARD_LABEL_WIDTH).collect::<String>())
        .map(|r| r.trim().to_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn a_wrong_secret_is_said_whole_in_the_pane_on_the_card_and_on_the_status_line() {
    let rejected = Failure::from(&ApiError::Veriff {
        status: 401,
        code: "1818".into(),
        message: "Signature does not match the HMAC-SHA256 of query ID and integration API secret.".into(),
    });
    let mut model = opened(&[SESSION, OTHER], |_| Some(Err(rejected.clone())));
    let screen = drawn(&model);
    let lines: Vec<&str> = screen.lines().collect();
    let fix = "wrong shared secret: check VERIFF_SHARED_SECRET (M: details)";
    // The status line, in full, on the first screen.
    assert_eq!(lines[22].trim_end(), format!("2 sessions: {fix}"), "{screen}");
    // The card says it on one line, as its verdict and why the watchlist is not there.
    assert!(screen.contains(&format!("│   verdict {fix}")), "{screen}");
    assert!(screen.contains(&format!("│ watchlist {fix}")), "{screen}");
    // The attempts pane, a column 26 wide: the same words, wrapped between them.
    let pane: Vec<String> = lines[2..11]
        .iter()
        .map(|l| l.chars().skip(20).take(26).collect::<String>())
        .map(|l| l.trim_matches(|c| c == '│' || c == '┃' || c == ' ').to_owned())
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(pane.join(" "), fix, "{screen}");
    // M has it all.
    let _ = press(&mut model, "M");
    let log = super::text(render(&model, COLOR, 80, 24).backend().buffer());
    assert!(
        log.contains("fix: the request signature was rejected: check VERIFF_SHARED_SECRET or the"),
        "{log}"
    );
}

#[test]
fn a_long_reason_note_and_risk_label_wrap_whole_on_the_card() {
    let reason = "Name on document (LIISA M SPECIMEN) does not match the selfie; the document photo shows signs of \
                  having been replaced after issue";
    let label = "device_used_in_multiple_sessions_with_different_personal_data_and_documents";
    let note = "Reviewed the selfie against the document twice; the chin and ears differ, asked the customer for \
                a video call tomorrow morning";
    let hit = "Liisa Spesimen-Mustermann-Beispielova";
    let mut model = inbox_on(
        vec![row(
            SESSION,
            "LIISA SPECIMEN",
            "declined",
            Marks {
                note: Some(note.into()),
                note_by: Some("ann@desk".into()),
                ..Marks::default()
            },
        )],
        |req| match req {
            Req::Decision(_) => Some(Ok(decision(json!({
                "id": SESSION, "status": "declined", "code": 9102, "reasonCode": 102, "reason": reason,
                "riskLabels": [{"label": label, "category": "device", "sessionIds": []}],
            })))),
            Req::Watchlist(_) => Some(Ok(watchlist(json!({
                "sessionId": SESSION, "matchStatus": "possible_match", "totalHits": 1,
                "hits": [{"id": "h1", "matchedName": hit, "countries": ["Estonia", "Latvia", "Lithuania", "Finland"],
                          "matchTypes": ["name_fuzzy", "year_of_birth"],
                          "listingsRelatedToMatch": {"pep": [{"sourceName": "Demo politically exposed persons register of the Baltic states"}]}}],
            })))),
            _ => None,
        },
    );
    let rows = whole_card(&mut model);
    assert!(rows.iter().all(|r| r.chars().count() <= 78), "{rows:#?}");
    let card = card_text(&rows);
    assert!(card.contains(&format!("102 {reason}")), "{card}\n{rows:#?}");
    assert!(card.contains(&format!("“{note}” (ann@desk")), "{card}\n{rows:#?}");
    let humanised = label.replace('_', " ");
    let words = humanised.strip_prefix("device ").unwrap();
    assert!(card.contains(&format!("device: {words}")), "{card}\n{rows:#?}");
    assert!(
        card.contains("Demo politically exposed persons register of the Baltic states"),
        "{card}\n{rows:#?}"
    );
    // Broken between words: no word of them is split over two rows.
    for word in reason.split(' ').chain(note.split(' ')).chain(words.split(' ')) {
        assert!(
            rows.iter().any(|r| r
                .split(' ')
                .any(|w| w.trim_matches(|c| "“”(),;".contains(c)) == word.trim_matches(|c| "“”(),;".contains(c)))),
            "{word:?} is cut:\n{rows:#?}"
        );
    }
}

#[test]
fn a_status_that_does_not_fit_says_where_the_rest_is() {
    let mut model = opened(&[SESSION], |_| None);
    model.status = Some(Status::error(format!(
        "attempts of 5e550001 failed: Veriff error 500 (HTTP 500): {} — r retries",
        "the server is not well ".repeat(4)
    )));
    let screen = drawn(&model);
    let status = screen.lines().nth(22).unwrap().trim_end().to_owned();
    assert!(status.ends_with(" … M shows all"), "{status}");
    assert!(
        status.starts_with("attempts of 5e550001 failed: Veriff error 500"),
        "{status}"
    );
}

fn views() -> Vec<View> {
    [
        ("needs review", "status:review"),
        ("mine", "claimed:me"),
        ("unclaimed", "claimed:none"),
        ("declined 24h", "status:declined since:24h"),
        ("watchlist possible match", "watchlist:possible_match"),
        ("all", ""),
    ]
    .map(|(name, query)| View {
        name: name.into(),
        query: query.into(),
    })
    .to_vec()
}

fn row(id: &str, name: &str, status: &str, marks: Marks) -> InboxRow {
    InboxRow {
        id: SessionId::from(id),
        index: SessionRow {
            id: id.into(),
            status: Some(status.into()),
            person_name: Some(name.into()),
            updated_ms: crate::time::now_ms() - 600_000,
            ..Default::default()
        },
        marks,
    }
}

/// The browser opened as `veriff-tui inbox` at 80x24, its first view holding
/// `rows`, the other loads answered by `server`.
fn inbox_on(rows: Vec<InboxRow>, mut server: impl FnMut(&Req) -> Option<Result<Payload, Failure>>) -> Model {
    inbox_as(None, false, rows, &mut server)
}

fn inbox_as(
    profile: Option<&str>,
    redact: bool,
    rows: Vec<InboxRow>,
    server: &mut dyn FnMut(&Req) -> Option<Result<Payload, Failure>>,
) -> Model {
    let mut model = Model::new("stationapi.veriff.com".into(), profile.map(str::to_owned));
    model.redact = crate::redact::Redact::new(redact);
    model.inbox = Some(Inbox::new(views(), "me@desk".into(), true));
    let (mut model, cmds) = model.start(vec![], vec![]);
    let _ = update(&mut model, Msg::Resize { width: 80, height: 24 });
    let counts = vec![Some(rows.len() as i64); views().len()];
    answer(&mut model, cmds, |req| match req {
        Req::Inbox(_) => Some(Ok(Payload::Inbox(InboxPage {
            more: false,
            counts: counts.clone(),
            rows: rows.clone(),
            revision: 1,
        }))),
        other => server(other),
    });
    model.focus = Pane::Sessions;
    model
}

#[test]
fn the_title_bar_keeps_redaction_and_the_profile_before_any_tab() {
    let rows = vec![row(SESSION, "LIISA SPECIMEN", "review", Marks::default())];
    let model = inbox_as(Some("live"), true, rows, &mut |_| None);
    let screen = drawn(&model);
    let title = screen.lines().next().unwrap();
    assert!(title.contains("needs review 1"), "{title}");
    assert!(title.contains("· profile live"), "{title}");
    assert!(title.trim_end().ends_with("· redacted"), "{title}");
    assert!(title.contains('›'), "the other tabs gave way, and say so: {title}");
}

#[test]
fn an_inbox_view_hints_search_and_the_team_keys() {
    let rows = vec![row(SESSION, "LIISA SPECIMEN", "review", Marks::default())];
    let model = inbox_on(rows, |_| None);
    let screen = drawn(&model);
    let hints = screen.lines().last().unwrap();
    for hint in ["/ search", "c claim", "t tag", "n note", "? help", "q quit"] {
        assert!(hints.contains(hint), "{hint:?} missing: {hints}");
    }
    assert!(!hints.contains("filter"), "{hints}");
}

#[test]
fn each_form_shows_its_own_keys() {
    let rows = vec![row(SESSION, "LIISA SPECIMEN", "review", Marks::default())];
    let mut model = inbox_on(rows, |_| None);
    let _ = press(&mut model, "n");
    assert!(matches!(model.overlay, Overlay::Note(_)), "{:?}", model.overlay);
    let screen = drawn(&model);
    let hints = screen.lines().last().unwrap();
    assert!(
        hints.contains("Enter save note") && hints.contains("Esc cancel"),
        "{hints}"
    );
    assert!(!hints.contains("open") && !hints.contains("close"), "{hints}");

    let _ = press_code(&mut model, KeyCode::Esc);
    let _ = press(&mut model, "N");
    assert!(matches!(model.overlay, Overlay::NewLink(_)), "{:?}", model.overlay);
    let screen = drawn(&model);
    let hints = screen.lines().last().unwrap();
    assert!(
        hints.contains("Enter make link") && hints.contains("next field"),
        "{hints}"
    );
    assert!(!hints.contains("open"), "{hints}");
}

#[test]
fn an_empty_view_says_it_is_empty_and_names_no_filter() {
    let model = inbox_on(Vec::new(), |_| None);
    let screen = drawn(&model);
    assert!(!screen.contains("filter"), "{screen}");
    assert!(screen.contains("no session in this view"), "{screen}");
}

#[test]
fn one_of_a_thing_is_counted_in_the_singular() {
    let mut model = opened(&[SESSION], |req| match req {
        Req::Attempts(_) => Some(Ok(Payload::Attempts(vec![crate::tui::app::testkit::attempt(
            "a1000000-0000-4000-8000-000000000000",
            "approved",
        )]))),
        Req::Media(..) | Req::SessionMedia(_) => {
            Some(Ok(Payload::Media(crate::tui::app::testkit::media_list(&["face"]))))
        }
        // Not decided yet: deletable.
        Req::Decision(_) => Some(Ok(Payload::Decision(None))),
        Req::Watchlist(_) => Some(Ok(watchlist(json!({
            "sessionId": SESSION, "matchStatus": "possible_match", "totalHits": 1,
            "hits": [{"id": "h1", "matchedName": "Mart Specimen"}],
        })))),
        _ => None,
    });
    let card = card_text(&whole_card(&mut model));
    assert!(card.contains("possible match · 1 hit "), "{card}");
    let _ = press(&mut model, "D");
    let screen = drawn(&model);
    assert!(screen.contains("1 attempt, 1 media file"), "{screen}");
}

#[test]
fn the_message_log_shows_when_each_message_was_said() {
    let mut model = opened(&[SESSION], |_| None);
    model.this_year = 2026;
    // 2026-12-07 09:41:00 UTC and 2025-12-30 10:42:00 UTC.
    for (text, at_ms) in [
        ("saved face.jpg", 1_796_636_460_000),
        ("cannot open it", 1_767_091_320_000),
    ] {
        model.messages.push(Logged {
            status: Status::info(text),
            at_ms,
        });
    }
    let _ = press(&mut model, "M");
    let screen = drawn(&model);
    let lines: Vec<&str> = screen
        .lines()
        .map(|l| l.trim_matches(|c| c == '║' || c == ' '))
        .collect();
    let at = |text: &str| lines[lines.iter().position(|l| *l == text).unwrap() - 1];
    assert_eq!(at("saved face.jpg"), "12-07 09:41", "{screen}");
    assert_eq!(at("cannot open it"), "2025-12-30 10:42", "{screen}");
    // And a message logged now is stamped now.
    let before = crate::time::now_ms();
    let _ = update(&mut model, key(KeyCode::Esc));
    model.status = None;
    let _ = press(&mut model, "x");
    let logged = &model.messages[0];
    assert!(logged.status.text.starts_with("removed session"), "{logged:?}");
    assert!((before..=crate::time::now_ms()).contains(&logged.at_ms), "{logged:?}");
}

#[test]
fn reloading_is_cleared_once_the_session_is_in() {
    let mut server = |req: &Req| match req {
        Req::Attempts(_) => Some(Ok(Payload::Attempts(Vec::new()))),
        Req::Decision(_) => Some(Ok(decision(json!({"id": SESSION, "status": "approved", "code": 9001})))),
        Req::Person(_) => Some(Ok(Payload::Person(None))),
        Req::Watchlist(_) => Some(Ok(Payload::Watchlist(None))),
        _ => None,
    };
    let mut model = opened(&[SESSION], &mut server);
    let cmds = press(&mut model, "r");
    assert!(drawn(&model).contains("reloading session 5e550001"));
    answer(&mut model, cmds, &mut server);
    let screen = drawn(&model);
    assert!(!screen.contains("reloading"), "{screen}");
    assert!(
        model
            .messages
            .iter()
            .any(|m| m.status.text == "reloading session 5e550001")
    );
}

/// The card of a `review` at 80x24, the decision `verification` and the
/// watchlist screening `data` as given.
fn review_card(verification: Value, screening: Value) -> String {
    let mut model = opened(&[SESSION], |req| match req {
        Req::Decision(_) => Some(Ok(decision(verification.clone()))),
        Req::Watchlist(_) => Some(Ok(watchlist(screening.clone()))),
        _ => None,
    });
    card_text(&whole_card(&mut model))
}

#[test]
fn a_review_card_says_what_review_means_and_why_a_human_is_asked() {
    let bare = review_card(
        json!({"id": SESSION, "status": "review", "code": 9121}),
        json!({"sessionId": SESSION, "matchStatus": "no_match", "totalHits": 0, "hits": []}),
    );
    // The status word, and no claim of what 9121 means.
    assert!(
        bare.contains("review · 9121 · Veriff asks a human to look before it decides"),
        "{bare}"
    );
    assert!(!bare.contains("abandoned"), "{bare}");
    assert!(bare.contains("Veriff asks a human to look before it decides"), "{bare}");
    assert!(
        bare.contains("Veriff asked for a human review and gave no reason"),
        "{bare}"
    );

    let flagged = review_card(
        json!({"id": SESSION, "status": "review", "code": 9121,
               "riskLabels": [{"label": "document_integration_level_crosslinked_with_fraud", "category": "document", "sessionIds": []},
                              {"label": "person_crosslinked_with_fraud", "category": "person", "sessionIds": []}],
               "additionalVerifiedData": {"estimatedAge": 17}}),
        json!({"sessionId": SESSION, "matchStatus": "possible_match", "totalHits": 1,
               "hits": [{"id": "h1", "matchedName": "Anna Spezimen"}]}),
    );
    assert!(
        flagged.contains("Veriff points at 2 risk labels, a watchlist possible match, verified data, below"),
        "{flagged}"
    );
    assert!(!flagged.contains("gave no reason"), "{flagged}");
    // What it points at is on the card, each in full.
    for part in [
        "document: integration level crosslinked with fraud",
        "person: crosslinked with fraud",
        "estimated age 17",
        "possible match · 1 hit",
        "Anna Spezimen",
    ] {
        assert!(flagged.contains(part), "{part:?} missing: {flagged}");
    }

    // Every status says what it means.
    let declined = review_card(
        json!({"id": SESSION, "status": "declined", "code": 9102, "reasonCode": 105}),
        json!({"sessionId": SESSION, "matchStatus": "no_match", "totalHits": 0, "hits": []}),
    );
    assert!(
        declined.contains("declined · 9102 not verified · Veriff refused the person"),
        "{declined}"
    );
    assert!(declined.contains("105 suspicious behaviour"), "{declined}");
}
