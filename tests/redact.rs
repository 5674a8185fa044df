//! `--redact` over every demo session: no personal value the server sent may
//! appear unmasked in a browser frame, a table or `--json`.
//!
//! The personal values are gathered here from the server's own answers by a list
//! of field names written for this test, so a field the masking misses shows up.

use std::process::Stdio;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::Value;
use veriff_tui::api::Client;
use veriff_tui::redact::Redact;
use veriff_tui::server::{self, LARGE_SESSION, RunningServer, ServerOptions};
use veriff_tui::tui::app::{Cmd, Model, Msg, Overlay, Pane, update};
use veriff_tui::tui::effects::{Dirs, Effects};
use veriff_tui::tui::preview::PreviewBuffer;
use veriff_tui::tui::ui::{Theme, view};

const BIN: &str = env!("CARGO_BIN_EXE_veriff-tui");

/// Field names whose every word is personal (a masked name keeps only initials),
/// lower-cased.
const NAMES: &[&str] = &[
    "firstname",
    "lastname",
    "fullname",
    "surname",
    "givennames",
    "matchedname",
    "aka",
    "name",
];

/// Other field names that hold a person's data in Veriff's answers and the demo's
/// chip data, lower-cased.
#[rustfmt::skip]
const PERSONAL: &[&str] = &[
    "dateofbirth", "idnumber", "idcode", "documentnumber", "personalnumber", "number", "fulladdress", "street",
    "postcode", "city", "placeofbirth", "ip",
];

/// Every personal text in `value`, and each word of a name: at least four
/// characters, not a bare year.
fn personal_values(value: &Value, personal: Option<bool>, out: &mut Vec<String>) {
    match value {
        Value::String(s) if personal.is_some() => {
            let bare_year = s.len() == 4 && s.chars().all(|c| c.is_ascii_digit());
            if s.chars().count() >= 4 && !bare_year && s != "null" {
                out.push(s.clone());
                if personal == Some(true) {
                    let words = s.split(|c: char| !c.is_alphanumeric());
                    out.extend(words.filter(|w| w.chars().count() >= 4).map(str::to_owned));
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| personal_values(v, personal, out)),
        Value::Object(map) => {
            // A media object's name is its context; a provider field's name its label.
            let not_a_person = map.contains_key("mimetype") || map.contains_key("source");
            for (key, v) in map {
                let key = key.to_lowercase();
                let here = if key == "name" && not_a_person {
                    None
                } else if NAMES.contains(&key.as_str()) {
                    Some(true)
                } else if PERSONAL.contains(&key.as_str()) || (key == "value" && not_a_person) {
                    Some(false)
                } else {
                    None
                };
                personal_values(v, personal.or(here), out);
            }
        }
        _ => {}
    }
}

fn assert_clean(what: &str, text: &str, personal: &[String]) {
    for value in personal {
        assert!(!text.contains(value.as_str()), "{what} shows {value:?}:\n{text}");
    }
}

async fn run(server: &RunningServer, args: &[&str]) -> String {
    let output = tokio::process::Command::new(BIN)
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", std::env::temp_dir())
        .env("VERIFF_API_URL", server.url())
        .env("VERIFF_API_KEY", server::DEMO_API_KEY)
        .env("VERIFF_SHARED_SECRET", server::DEMO_SHARED_SECRET)
        .stdin(Stdio::null())
        .output()
        .await
        .unwrap();
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// The browser's own effects, against the embedded server.
struct Effected {
    effects: Effects,
    rx: tokio::sync::mpsc::UnboundedReceiver<Msg>,
}

impl Effected {
    fn new(client: Client) -> Effected {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        let dir = std::env::temp_dir();
        let dirs = Dirs {
            download: dir.clone(),
            cache: dir,
            history: None,
        };
        Effected {
            effects: Effects::new(client, tx, dirs, None),
            rx,
        }
    }
}

/// Hands `cmds` to the effects and takes every reply they owe, and those of the
/// commands the replies bring, until none is owed.
async fn settle(model: &mut Model, fx: &mut Effected, cmds: Vec<Cmd>) {
    let mut owed = 0;
    for cmd in cmds {
        owed += cmd.replies();
        fx.effects.run(cmd);
    }
    while owed > 0 {
        let msg = tokio::time::timeout(std::time::Duration::from_secs(10), fx.rx.recv())
            .await
            .expect("the effects answer")
            .expect("the effects are running");
        if matches!(msg, Msg::TransferProgress { .. }) {
            continue;
        }
        owed -= 1;
        for cmd in update(model, msg) {
            owed += cmd.replies();
            fx.effects.run(cmd);
        }
    }
}

fn frame(model: &Model, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| view(model, &Theme { color: false }, f)).unwrap();
    let buffer = terminal.backend().buffer();
    (0..height)
        .map(|y| (0..width).map(|x| buffer[(x, y)].symbol()).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

async fn key(model: &mut Model, fx: &mut Effected, code: KeyCode) {
    let cmds = update(model, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    settle(model, fx, cmds).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn redact_hides_every_personal_value_of_every_demo_session() {
    let server = server::start(ServerOptions::default()).await.unwrap();
    let client = Client::new(server.client_config()).unwrap();
    let sessions: Vec<String> = server
        .featured_sessions()
        .iter()
        .filter(|s| *s != LARGE_SESSION)
        .cloned()
        .collect();

    // What the server says about people, from every route that carries any.
    let mut personal = Vec::new();
    for session in &sessions {
        let decision = client.session_decision(session).await.unwrap();
        let person = client.session_person(session).await.unwrap();
        let watchlist = client.session_watchlist(session).await.unwrap();
        let media = client.session_media(session).await.unwrap();
        for value in [
            serde_json::to_value(&decision).unwrap(),
            serde_json::to_value(&person).unwrap(),
            serde_json::to_value(&watchlist).unwrap(),
        ] {
            personal_values(&value, None, &mut personal);
        }
        for nfc in &media.nfc_documents {
            let mut buffer = PreviewBuffer::default();
            client.download_to_writer(&nfc.id, &mut buffer, |_| {}).await.unwrap();
            personal_values(&serde_json::from_slice(&buffer.bytes).unwrap(), None, &mut personal);
        }
    }
    personal.sort();
    personal.dedup();
    for expected in [
        "SPECIMEN",
        "1967-03-14",
        "46703140000",
        "198.51.100.77",
        "Spezimen",
        "Specimen Street",
    ] {
        assert!(
            personal.iter().any(|p| p == expected),
            "the demo data holds {expected}: {personal:?}"
        );
    }

    // Tables and JSON.
    for session in &sessions {
        for command in ["decision", "person", "watchlist", "session-media"] {
            let table = run(&server, &["--redact", command, session]).await;
            assert_clean(&format!("{command} {session}"), &table, &personal);
            let json = run(&server, &["--redact", command, session, "--json"]).await;
            assert_clean(&format!("{command} {session} --json"), &json, &personal);
            serde_json::from_str::<Value>(&json).expect("still JSON");
        }
    }
    // Without --redact the same values do show: the check above can fail.
    let plain = run(&server, &["decision", &sessions[1]]).await;
    assert!(personal.iter().any(|p| plain.contains(p.as_str())), "{plain}");

    // Frames: every session's card (wide and narrow, scrolled to the end), its
    // linked sessions, and every media row's details, NFC data included.
    let mut model = Model::new("demo".into(), None);
    model.redact = Redact::new(true);
    let ids = sessions.iter().map(|s| s.as_str().into()).collect();
    let (mut model, cmds) = model.start(ids, vec![]);
    let _ = update(&mut model, Msg::Resize { width: 160, height: 45 });
    let mut fx = Effected::new(client.clone());
    settle(&mut model, &mut fx, cmds).await;
    key(&mut model, &mut fx, KeyCode::Char('h')).await;
    assert_eq!(model.focus, Pane::Sessions);
    for session in &sessions {
        assert_eq!(model.selected_session().map(|s| s.as_str()), Some(session.as_str()));
        let what = format!("the card of {session}");
        assert_clean(&what, &frame(&model, 160, 45), &personal);
        for size in [(80, 24), (100, 30)] {
            let _ = update(
                &mut model,
                Msg::Resize {
                    width: size.0,
                    height: size.1,
                },
            );
            for _ in 0..30 {
                assert_clean(&what, &frame(&model, size.0, size.1), &personal);
                key(&mut model, &mut fx, KeyCode::Char('J')).await;
            }
        }
        let _ = update(&mut model, Msg::Resize { width: 160, height: 45 });
        key(&mut model, &mut fx, KeyCode::Char('L')).await;
        if matches!(model.overlay, Overlay::Linked { .. }) {
            assert_clean("the linked sessions", &frame(&model, 160, 45), &personal);
            key(&mut model, &mut fx, KeyCode::Esc).await;
        }
        key(&mut model, &mut fx, KeyCode::Char('l')).await;
        key(&mut model, &mut fx, KeyCode::Char('l')).await;
        assert_eq!(model.focus, Pane::Media);
        for _ in 0..model.visible_media().len() {
            for _ in 0..30 {
                assert_clean("the media details", &frame(&model, 160, 45), &personal);
                key(&mut model, &mut fx, KeyCode::Char('J')).await;
            }
            key(&mut model, &mut fx, KeyCode::Char('j')).await;
        }
        key(&mut model, &mut fx, KeyCode::Char('h')).await;
        key(&mut model, &mut fx, KeyCode::Char('h')).await;
        key(&mut model, &mut fx, KeyCode::Char('j')).await;
    }
    assert!(frame(&model, 160, 45).lines().next().unwrap().contains("redacted"));
}
