//! The triage card, rendered: the doc's documented sample at 160x45 (all of it,
//! no scrolling) and 80x24 (scrolling with J/K), redaction, a sparse decision.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::api::{DecisionResponse, PersonResponse, WatchlistResponse};
use crate::tui::app::testkit::answer;
use crate::tui::app::{Model, Msg, Pane, Payload, Req, update};
use crate::tui::ui::{Theme, view};

const SESSION: &str = "5e551011-aaaa-4bbb-8ccc-000000000001";
const DECISION: &str = include_str!("../../../tests/fixtures/doc_decision.json");
const PERSON: &str = include_str!("../../../tests/fixtures/doc_person.json");
const WATCHLIST: &str = include_str!("../../../tests/fixtures/doc_watchlist.json");

/// The browser on one session whose decision, person and watchlist answers are
/// `decision`, `person` and `watchlist`, the sessions pane focused.
fn model_with(decision: &str, person: &str, watchlist: &str, width: u16, height: u16, redact: bool) -> Model {
    let mut model = Model::new("stationapi.veriff.com".into(), None);
    model.redact = crate::redact::Redact::new(redact);
    let (mut model, cmds) = model.start(vec![SESSION.into()], vec![]);
    let _ = update(&mut model, Msg::Resize { width, height });
    answer(&mut model, cmds, |req| {
        Some(Ok(match req {
            Req::Attempts(_) => Payload::Attempts(Vec::new()),
            Req::Decision(_) => Payload::Decision(
                serde_json::from_str::<DecisionResponse>(decision)
                    .unwrap()
                    .into_decision(),
            ),
            Req::Person(_) => Payload::Person(serde_json::from_str::<PersonResponse>(person).unwrap().person),
            Req::Watchlist(_) => Payload::Watchlist(serde_json::from_str::<WatchlistResponse>(watchlist).unwrap().data),
            _ => return None,
        }))
    });
    model.focus = Pane::Sessions;
    model
}

fn screen(model: &Model, width: u16, height: u16) -> (Terminal<TestBackend>, String) {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|frame| view(model, &Theme { color: true }, frame))
        .unwrap();
    let buffer = terminal.backend().buffer().clone();
    let text = (0..height)
        .map(|y| (0..width).map(|x| buffer[(x, y)].symbol()).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n");
    (terminal, text)
}

fn press(model: &mut Model, c: char) {
    let _ = update(model, Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::SHIFT)));
}

/// Everything the card shows for the doc's sample, in the issue's order.
const SAMPLE_PARTS: &[&str] = &[
    "declined · 9102 not verified",
    "102 Suspected document tampering",
    "2025-05-14 08:02:11 UTC",
    "JOHANNA SPECIMEN · born 1985-11-02 · EE · ID 48511020000",
    "ID_CARD · EE · AS0000000 · valid until 2026-06-01",
    "document: integration level crosslinked with tampering · 1 linked",
    "face seen in no other session",
    "possible match · 1 hit",
    // Each hit: its name, countries, the list it comes from, how it matched,
    // how many other names and associates.
    "Johanna Spezimen · Estonia · Example PEP register (PEP) · name fuzzy, year of birth · 0 aka · 0 associates",
    "vendor ticket-88123 · IP 192.0.2.44",
    SESSION,
];

#[test]
fn the_documented_sample_fits_whole_at_160x45() {
    let model = model_with(DECISION, PERSON, WATCHLIST, 160, 45, false);
    let (terminal, text) = screen(&model, 160, 45);
    for part in SAMPLE_PARTS {
        assert!(text.contains(part), "{part:?} is not on screen:\n{text}");
    }
    assert!(!text.contains("scroll"), "nothing to scroll:\n{text}");
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn at_80x24_the_card_scrolls_with_its_keys_shown() {
    let mut model = model_with(DECISION, PERSON, WATCHLIST, 80, 24, false);
    let (terminal, text) = screen(&model, 80, 24);
    assert!(text.contains("declined · 9102 not verified"), "{text}");
    assert!(
        text.contains("J/K scroll"),
        "the title says how to see the rest:\n{text}"
    );
    assert!(!text.contains(SESSION), "the last line is below the fold:\n{text}");
    insta::assert_snapshot!(terminal.backend());
    for _ in 0..40 {
        press(&mut model, 'J');
    }
    let (_, text) = screen(&model, 80, 24);
    assert!(text.contains(SESSION), "J reaches the last line:\n{text}");
    assert!(!text.contains("not verified"), "the first line scrolled away:\n{text}");
    // Scrolling stops at the last line: one K shows one line more at the top.
    let bottom = model.details_scroll;
    press(&mut model, 'K');
    assert_eq!(model.details_scroll, bottom - 1);
    // Another session, or another pane, starts from the top.
    let _ = update(&mut model, Msg::Key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE)));
    assert_eq!(model.details_scroll, 0);
}

#[test]
fn redaction_masks_the_card_and_says_so_in_the_title() {
    let model = model_with(DECISION, PERSON, WATCHLIST, 160, 45, true);
    let (_, text) = screen(&model, 160, 45);
    for personal in [
        "JOHANNA",
        "SPECIMEN",
        "1985-11-02",
        "48511020000",
        "AS0000000",
        "192.0.2.44",
        "Spezimen",
    ] {
        assert!(!text.contains(personal), "{personal} shows:\n{text}");
    }
    assert!(text.contains("***** ***** · born 1985-**-**"), "{text}");
    assert!(text.lines().next().unwrap().contains("redacted"), "{text}");
}

#[test]
fn a_sparse_decision_shows_what_it_has_and_the_tables_meaning() {
    let sparse = r#"{"status":"success","verification":{"id":"x","code":"9103","status":"resubmission_requested",
        "reason":null,"reasonCode":"204","decisionTime":"2024-09-06T21:11:48.476108Z","additionalVerifiedData":{},
        "person":{"firstName":null,"lastName":null},"document":{"type":"PASSPORT","validUntil":"2024-01-31"},
        "vendorData":null,"endUserId":null}}"#;
    let model = model_with(sparse, r#"{"person":{}}"#, r#"{"data":null}"#, 160, 45, false);
    let (_, text) = screen(&model, 160, 45);
    for part in [
        "resubmission_requested · 9103 something was missing or unreadable",
        "204 poor image quality",
        "2024-09-06 21:11:48 UTC",
        "no person data",
        "PASSPORT · valid until 2024-01-31 · EXPIRED at decision",
        "no risk labels",
        "not screened",
    ] {
        assert!(text.contains(part), "{part:?} missing:\n{text}");
    }
}
