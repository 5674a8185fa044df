//! The team's marks as analysts meet them: the history of a session's marks (the
//! store, `inbox log`), and two browsers on one inbox where a colleague's claim
//! is asked about before it is tagged, and a note survives a look under
//! `--redact`. SQLite always, and a real PostgreSQL where one runs.

#[path = "support/postgres.rs"]
mod postgres;
#[path = "support/tmux.rs"]
mod tmux;
#[path = "support/tools.rs"]
mod tools;

use std::time::Duration;

use serde_json::{Value, json};
use veriff_tui::inbox::{Incoming, Kind, MarkChange, Store, facts};

const SESSION: &str = "5e55a221-0000-4000-8000-000000000001";
const OTHER: &str = "5e55a221-0000-4000-8000-000000000002";

/// Runs a check against a fresh SQLite store and a fresh PostgreSQL database.
macro_rules! on_both {
    ($check:ident) => {
        mod $check {
            #[tokio::test]
            async fn sqlite() {
                let dir = tempfile::tempdir().unwrap();
                let url = format!("sqlite://{}", dir.path().join("inbox.db").display());
                super::$check(&url).await;
            }

            #[tokio::test]
            async fn postgres() {
                let Some(db) = super::postgres::database(concat!("inbox_marks::", stringify!($check))).await else {
                    return;
                };
                // The store records each analyst by their login.
                db.login_named("ann@desk1").await;
                db.login_named("bob@desk2").await;
                db.login_named("cat@desk3").await;
                super::$check(&db.url).await;
            }
        }
    };
}

/// A decision webhook for `id` in review, by MARTA TAMM (an invented person).
fn in_review(id: &str) -> Incoming {
    let body = json!({"status": "success", "verification": {
        "id": id, "status": "review", "code": 9121, "decisionTime": "2026-12-01T10:00:00.000Z",
        "person": {"firstName": "MARTA", "lastName": "TAMM"},
    }, "technicalData": {"ip": null}});
    let kind = Kind::from_shape(&body);
    Incoming {
        kind,
        facts: facts(kind, &body),
        body: serde_json::to_vec(&body).unwrap(),
        headers: "{}".to_owned(),
        source: "test".to_owned(),
        received_ms: veriff_tui::time::now_ms(),
    }
}

/// Marks as `who`: on PostgreSQL through their own login, as a team works.
async fn mark(url: &str, session: &str, change: MarkChange, who: &str) {
    let store = Store::open(&postgres::as_who(url, who)).await.unwrap();
    store.mark(session, &change, who).await.unwrap();
    store.close().await;
}

/// A session ann claimed, tagged and noted, that bob took over and noted, and
/// whose first note was cleared; another session with a mark of its own.
async fn a_worked_session(store: &Store, url: &str) {
    store.ingest(&[in_review(SESSION), in_review(OTHER)]).await.unwrap();
    mark(url, SESSION, MarkChange::Claim { from: None }, "ann@desk1").await;
    mark(url, SESSION, MarkChange::Tag(Some("escalated".into())), "ann@desk1").await;
    mark(
        url,
        SESSION,
        MarkChange::Note(Some("MARTA TAMM asked for a call".into())),
        "ann@desk1",
    )
    .await;
    mark(url, SESSION, MarkChange::Note(None), "ann@desk1").await;
    mark(
        url,
        SESSION,
        MarkChange::Claim {
            from: Some("ann@desk1".into()),
        },
        "bob@desk2",
    )
    .await;
    mark(url, SESSION, MarkChange::Tag(None), "bob@desk2").await;
    mark(url, SESSION, MarkChange::Note(Some("called back".into())), "bob@desk2").await;
    mark(url, OTHER, MarkChange::Claim { from: None }, "cat@desk3").await;
}

async fn the_mark_log_is_one_sessions_changes_newest_first(url: &str) {
    let store = Store::open(url).await.unwrap();
    a_worked_session(&store, url).await;
    let log = store.mark_log(SESSION, 100).await.unwrap();
    let said: Vec<(String, String)> = log.iter().map(|c| (c.who.clone(), c.said())).collect();
    let expected = [
        ("bob@desk2", "noted “called back”"),
        ("bob@desk2", "cleared the tag"),
        ("bob@desk2", "took it over from ann@desk1"),
        ("ann@desk1", "cleared the note"),
        ("ann@desk1", "noted “MARTA TAMM asked for a call”"),
        ("ann@desk1", "tagged escalated"),
        ("ann@desk1", "claimed"),
    ]
    .map(|(who, said)| (who.to_owned(), said.to_owned()));
    assert_eq!(said, expected);
    assert!(log.windows(2).all(|w| w[0].at_ms >= w[1].at_ms), "newest first");
    assert!(
        log.iter().all(|c| !c.value_removed()),
        "a cleared note is not a removed one"
    );
    // Bounded, the newest kept.
    let newest = store.mark_log(SESSION, 2).await.unwrap();
    assert_eq!(newest, log[..2]);
    // Another session's changes are its own; a session never marked has none.
    let other = store.mark_log(OTHER, 100).await.unwrap();
    assert_eq!(other.len(), 1);
    assert_eq!(other[0].who, "cat@desk3");
    assert!(
        store
            .mark_log("5e55a221-0000-4000-8000-00000000ffff", 100)
            .await
            .unwrap()
            .is_empty()
    );
    store.close().await;
}
on_both!(the_mark_log_is_one_sessions_changes_newest_first);

/// The binary with a clean environment: no VERIFF_* or XDG_* of the developer's.
fn veriff_tui(home: &std::path::Path) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_veriff-tui"));
    for (name, _) in std::env::vars() {
        if name.starts_with("VERIFF_") || name.starts_with("XDG_") {
            command.env_remove(name);
        }
    }
    command.env("HOME", home);
    command
}

/// `veriff-tui [--redact] inbox --inbox-url URL log ARGS…`: its standard output.
fn inbox_log(home: &std::path::Path, url: &str, redact: bool, args: &[&str]) -> String {
    let mut command = veriff_tui(home);
    if redact {
        command.arg("--redact");
    }
    let out = command
        .args(["inbox", "--inbox-url", url, "log"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "inbox log {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

async fn inbox_log_prints_who_changed_what_and_when(url: &str) {
    let store = Store::open(url).await.unwrap();
    a_worked_session(&store, url).await;
    store.close().await;
    let home = tempfile::tempdir().unwrap();
    let (home, url) = (home.path().to_owned(), url.to_owned());
    tokio::task::spawn_blocking(move || {
        // A line each, newest first, from a link as well as from the bare id.
        let link = format!("https://station.veriff.com/verifications/{SESSION}");
        let table = inbox_log(&home, &url, false, &[&link]);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 8, "a heading and seven changes:\n{table}");
        assert!(lines[0].starts_with("TIME") && lines[0].contains("WHO"), "{table}");
        assert!(
            lines[1].contains("bob@desk2") && lines[1].ends_with("noted “called back”"),
            "{table}"
        );
        assert!(lines[3].ends_with("took it over from ann@desk1"), "{table}");
        assert!(
            lines[7].contains("ann@desk1") && lines[7].ends_with("claimed"),
            "{table}"
        );
        let when = lines[7].split_whitespace().next().unwrap();
        assert!(veriff_tui::time::parse_time_ms(when).is_some(), "{when}");
        // --json: the same changes, with their values.
        let json: Value = serde_json::from_str(&inbox_log(&home, &url, false, &[SESSION, "--json"])).unwrap();
        let changes = json.as_array().unwrap();
        assert_eq!(changes.len(), 7);
        assert_eq!(changes[0]["what"], "note");
        assert_eq!(changes[0]["value"], "called back");
        assert_eq!(changes[0]["who"], "bob@desk2");
        assert_eq!(changes[0]["valueRemoved"], false);
        assert!(veriff_tui::time::parse_time_ms(changes[0]["at"].as_str().unwrap()).is_some());
        assert_eq!(changes[2]["value"], "ann@desk1", "whose claim was taken over");
        // --limit.
        let two: Value =
            serde_json::from_str(&inbox_log(&home, &url, false, &[SESSION, "--json", "--limit", "2"])).unwrap();
        assert_eq!(two.as_array().unwrap()[..], changes[..2]);
        // --redact: notes masked in both forms; tags and colleagues show.
        let table = inbox_log(&home, &url, true, &[SESSION]);
        let json = inbox_log(&home, &url, true, &[SESSION, "--json"]);
        for text in [&table, &json] {
            for personal in ["MARTA", "TAMM", "called back"] {
                assert!(!text.contains(personal), "{personal} under --redact:\n{text}");
            }
            assert!(text.contains("*****") && text.contains("ann@desk1"), "{text}");
        }
        assert!(
            table.contains("noted “*****”") && table.contains("tagged escalated"),
            "{table}"
        );
        // A session with no change: nothing printed, an empty array for a script.
        let never = "5e55a221-0000-4000-8000-00000000ffff";
        assert_eq!(inbox_log(&home, &url, false, &[never]), "");
        assert_eq!(
            serde_json::from_str::<Value>(&inbox_log(&home, &url, false, &[never, "--json"])).unwrap(),
            json!([])
        );
    })
    .await
    .unwrap();
}
on_both!(inbox_log_prints_who_changed_what_and_when);

/// Writers on one inbox at once (a browser marking while the receiver stores
/// webhooks, a colleague marking beside it): every mark and every webhook is
/// taken. On SQLite a write that began as a read could not take the write
/// lock once another writer had committed ("database is locked", at once,
/// whatever the busy timeout).
async fn marks_and_webhooks_at_once_all_land(url: &str) {
    let store = Store::open(url).await.unwrap();
    store.ingest(&[in_review(SESSION), in_review(OTHER)]).await.unwrap();
    let marking = |session: &'static str, who: &'static str| async move {
        let analyst = Store::open(&postgres::as_who(url, who)).await.unwrap();
        for i in 0..40 {
            let note = MarkChange::Note(Some(format!("call {i}")));
            if let Err(e) = analyst.mark(session, &note, who).await {
                panic!("{who}'s mark {i}: {e}");
            }
        }
        analyst.close().await;
    };
    let receiving = async {
        for i in 0..40 {
            let id = format!("5e55a221-0000-4000-8000-{:012}", 100 + i);
            if let Err(e) = store.ingest(&[in_review(&id)]).await {
                panic!("webhook {i}: {e}");
            }
        }
    };
    tokio::join!(marking(SESSION, "ann@desk1"), marking(OTHER, "bob@desk2"), receiving);
    for session in [SESSION, OTHER] {
        assert_eq!(store.mark_log(session, 100).await.unwrap().len(), 40, "{session}");
    }
    let all = veriff_tui::inbox::Query::default();
    assert_eq!(store.count(&all, None).await.unwrap(), 42);
    store.close().await;
}
on_both!(marks_and_webhooks_at_once_all_land);

/// A browser on the inbox at `url` in tmux, marking as `user` (`--redact` when
/// `redact`), with no API behind it: the inbox is what is looked at.
fn browser(home: &std::path::Path, url: &str, user: &str, redact: bool) -> tmux::Tmux {
    let flags = if redact { " --redact" } else { "" };
    tmux::inbox_browser((120, 30), home, "http://127.0.0.1:9", url, Some(user), flags)
}

/// Ann claims a session and notes it; Bob, sharing his screen (`--redact`),
/// presses `t` on it and is asked first, naming Ann, and nothing changes until
/// he says yes; then he opens the note (asked first again), sees no mask to
/// write back, presses Enter, and Ann's note is still hers.
async fn a_colleagues_claim_and_note_survive_a_look(test: &str, url: &str) {
    if !tools::available(test, &[tools::TMUX]) {
        return;
    }
    let store = Store::open(url).await.unwrap();
    store.ingest(&[in_review(SESSION)]).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let (home_path, inbox_url) = (home.path().to_owned(), url.to_owned());
    let (ann, bob) = tokio::task::spawn_blocking(move || {
        let wait = |tmux: &tmux::Tmux, text: &str| tmux.wait_for(text, Duration::from_secs(15));
        let ann = browser(&home_path, &postgres::as_who(&inbox_url, "ann@desk1"), "ann", false);
        wait(&ann, "needs review 1");
        // No API behind it: its failure is said once, then the status line is
        // the marks' own.
        wait(&ann, "attempts of 5e55a221 failed");
        ann.send(&["c"]);
        wait(&ann, "claimed by ann@");
        ann.send(&["n"]);
        wait(&ann, "Note on session 5e55a221");
        ann.send(&["-l", "MARTA TAMM asked for a call"]);
        ann.send(&["Enter"]);
        wait(&ann, "note kept on session 5e55a221");
        let bob = browser(&home_path, &postgres::as_who(&inbox_url, "bob@desk2"), "bob", true);
        wait(&bob, "claimed by ann@");
        wait(&bob, "attempts of 5e55a221 failed");
        (ann, bob)
    })
    .await
    .unwrap();
    let marks = || async {
        let store = Store::open(url).await.unwrap();
        let marks = store
            .marks(&[SESSION.to_owned()])
            .await
            .unwrap()
            .remove(SESSION)
            .unwrap();
        store.close().await;
        marks
    };
    let before = marks().await;
    assert!(before.claimed_by.as_deref().unwrap().starts_with("ann@"), "{before:?}");
    assert_eq!(before.note.as_deref(), Some("MARTA TAMM asked for a call"));

    let bob = tokio::task::spawn_blocking(move || {
        let wait = |text: &str| bob.wait_for(text, Duration::from_secs(10));
        // The history on Bob's card: Ann's changes, her note masked.
        let card = wait("history");
        assert!(card.contains("noted “*****”") && !card.contains("MARTA"), "{card}");
        // `t` on Ann's claim: asked first, naming her; Esc leaves it as it was.
        bob.send(&["t"]);
        let asked = wait("has claimed session 5e55a221");
        assert!(asked.contains("ann@") && asked.contains("Tag it anyway?"), "{asked}");
        bob.send(&["Escape"]);
        wait("cancelled: nothing was done");
        // `n`: asked first too; yes opens an editor that holds no mask, and says
        // what Enter on nothing does.
        bob.send(&["n"]);
        wait("Write a note on it anyway?");
        bob.send(&["Enter"]);
        let editor = wait("has a note, hidden by --redact");
        assert!(!editor.contains("> *****"), "{editor}");
        bob.send(&["Enter"]);
        wait("hidden note on session 5e55a221 is kept");
        bob
    })
    .await
    .unwrap();
    let after = marks().await;
    assert_eq!(
        after, before,
        "neither the look at the tag nor the one at the note changed a mark"
    );
    assert!(
        store
            .mark_log(SESSION, 100)
            .await
            .unwrap()
            .iter()
            .all(|c| c.who.starts_with("ann@")),
        "Bob wrote nothing"
    );

    // Bob says yes to the tag: one write, his, and Ann sees it.
    store.close().await;
    tokio::task::spawn_blocking(move || {
        bob.send(&["t"]);
        bob.wait_for("Tag it anyway?", Duration::from_secs(10));
        bob.send(&["Enter"]);
        bob.wait_for("tag session 5e55a221", Duration::from_secs(10));
        bob.send(&["Down", "Enter"]);
        bob.wait_for("tagged session 5e55a221 escalated", Duration::from_secs(10));
        ann.wait_for("escalated (bob@", Duration::from_secs(10));
    })
    .await
    .unwrap();
    let store = Store::open(url).await.unwrap();
    let log = store.mark_log(SESSION, 100).await.unwrap();
    let bobs: Vec<String> = log
        .iter()
        .filter(|c| c.who.starts_with("bob@"))
        .map(|c| c.said())
        .collect();
    assert_eq!(bobs, ["tagged escalated"], "one write for the tag chosen");
    let marks = store
        .marks(&[SESSION.to_owned()])
        .await
        .unwrap()
        .remove(SESSION)
        .unwrap();
    assert_eq!(marks.note.as_deref(), Some("MARTA TAMM asked for a call"));
    assert!(marks.claimed_by.as_deref().unwrap().starts_with("ann@"));
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_colleagues_claim_and_note_survive_a_look_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("inbox.db").display());
    a_colleagues_claim_and_note_survive_a_look("a_colleagues_claim_and_note_survive_a_look_on_sqlite", &url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_colleagues_claim_and_note_survive_a_look_on_postgres() {
    let Some(db) = postgres::database("inbox_marks::a_colleagues_claim_and_note_survive_a_look_on_postgres").await
    else {
        return;
    };
    db.login_named("ann@desk1").await;
    db.login_named("bob@desk2").await;
    a_colleagues_claim_and_note_survive_a_look("a_colleagues_claim_and_note_survive_a_look_on_postgres", &db.url).await;
}
