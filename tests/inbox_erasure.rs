//! An erasure erases (#26): after a session is deleted, no row of any inbox table
//! names it and the SQLite files hold none of its person's values; it stays erased
//! whatever brings its webhook back. A purge forgets the same way, but a purged
//! session may return. Through the store on SQLite and PostgreSQL, through
//! `delete-session` against the embedded server, and through `D` in the browser.

#[path = "support/postgres.rs"]
mod postgres;
#[path = "support/tmux.rs"]
mod tmux;
#[path = "support/tools.rs"]
mod tools;
#[path = "support/webhooks.rs"]
mod webhooks;

use std::path::Path;
use std::time::Duration;

use serde_json::{Value, json};
use sqlx::Row;
use veriff_tui::inbox::{Incoming, MarkChange, Outcome, Page, Query, Store};
use veriff_tui::time::now_ms;
use webhooks::incoming;

const ERASED: &str = "e4a5ed00-0000-4000-8000-000000000001";
const KEPT: &str = "4ee90000-0000-4000-8000-000000000002";
/// Values that name the erased session's person, each unlike anything else stored.
const FIRST: &str = "MARTAQUILLA";
const LAST: &str = "TAMMSPECIMEN";
const DOCUMENT: &str = "XK4412987";
const VENDOR: &str = "crm-user-martaquilla";
const NOTE: &str = "zebraquill called back";

/// Runs a check against a fresh SQLite store and a fresh PostgreSQL database.
macro_rules! on_both {
    ($check:ident) => {
        mod $check {
            #[tokio::test]
            async fn sqlite() {
                let dir = tempfile::tempdir().unwrap();
                let url = format!("sqlite://{}", dir.path().join("inbox.db").display());
                let store = super::Store::open(&url).await.unwrap();
                super::$check(&store, &url).await;
                store.close().await;
            }

            #[tokio::test]
            async fn postgres() {
                let Some(db) = super::postgres::database(concat!("inbox_erasure::", stringify!($check))).await else {
                    return;
                };
                let store = super::Store::open(&db.url).await.unwrap();
                super::$check(&store, &db.url).await;
                store.close().await;
            }
        }
    };
}

fn decision(id: &str, status: &str, time: &str, first: &str, last: &str, document: &str) -> Value {
    json!({"status": "success", "verification": {
        "id": id, "status": status, "code": 9102, "decisionTime": time,
        "reason": "Physical document not used", "reasonCode": 102,
        "vendorData": format!("crm-user-{}", first.to_lowercase()),
        "person": {"firstName": first, "lastName": last},
        "document": {"number": document, "country": "EE"},
    }, "technicalData": {"ip": null}})
}

fn submitted(id: &str) -> Value {
    json!({"id": id, "attemptId": "a77e0000-0000-4000-8000-000000000009", "feature": "selfid",
           "code": 7002, "action": "submitted", "vendorData": VENDOR})
}

/// The erased person's values, lower-cased: what no byte may hold any more.
fn needles(session: &str) -> Vec<String> {
    [session, FIRST, LAST, DOCUMENT, VENDOR, "zebraquill"]
        .iter()
        .map(|n| n.to_lowercase())
        .collect()
}

/// The person the embedded server has for [`DECLINED`] (a fetched decision
/// brings them into the inbox too).
const DECLINED_PERSON: [&str; 2] = ["karl specimen", "dl0000042"];

/// Every row of every table of the store, as text (PostgreSQL: each row cast
/// whole; SQLite: the ordinary tables' columns, the text indexes being checked
/// through the file's bytes).
async fn every_row(url: &str) -> Vec<String> {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    let postgres = url.starts_with("postgres");
    let tables: Vec<String> = if postgres {
        sqlx::query_scalar("SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'")
            .fetch_all(&pool)
            .await
            .unwrap()
    } else {
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' AND name NOT LIKE '%fts%' AND name NOT LIKE 'sqlite_%' AND name != '_sqlx_migrations'")
            .fetch_all(&pool)
            .await
            .unwrap()
    };
    assert!(tables.len() >= 6, "{tables:?}");
    let mut rows = Vec::new();
    for table in tables {
        if postgres {
            let found: Vec<String> = sqlx::query_scalar(&format!("SELECT CAST(t AS TEXT) FROM \"{table}\" t"))
                .fetch_all(&pool)
                .await
                .unwrap();
            rows.extend(found);
            // A whole row shows a bytea as hex: the raw bodies, read as text too.
            if table == "events" {
                let bodies: Vec<String> = sqlx::query_scalar("SELECT convert_from(body, 'UTF8') FROM events")
                    .fetch_all(&pool)
                    .await
                    .unwrap();
                rows.extend(bodies.into_iter().map(|b| format!("events.body: {b}")));
            }
        } else {
            let columns: Vec<String> = sqlx::query_scalar(&format!("SELECT name FROM pragma_table_info('{table}')"))
                .fetch_all(&pool)
                .await
                .unwrap();
            let concat = columns
                .iter()
                .map(|c| format!("COALESCE(CAST(\"{c}\" AS TEXT), '')"))
                .collect::<Vec<_>>()
                .join(" || '|' || ");
            let found: Vec<String> = sqlx::query_scalar(&format!("SELECT {concat} FROM \"{table}\""))
                .fetch_all(&pool)
                .await
                .unwrap();
            rows.extend(found.into_iter().map(|row| format!("{table}: {row}")));
        }
    }
    pool.close().await;
    rows
}

/// The bytes of a SQLite store's files (the database, its WAL and shared memory),
/// lower-cased; empty for PostgreSQL.
fn file_bytes(url: &str) -> Vec<u8> {
    let Some(path) = url.strip_prefix("sqlite://") else {
        return Vec::new();
    };
    let mut bytes = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        if let Ok(found) = std::fs::read(format!("{path}{suffix}")) {
            bytes.extend(found);
        }
    }
    bytes.to_ascii_lowercase()
}

fn holds(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// Which of `needles` the rows and (on SQLite) the files still hold.
async fn still_held(url: &str, needles: &[String]) -> Vec<String> {
    let rows = every_row(url).await.join("\n").to_lowercase();
    let bytes = file_bytes(url);
    needles
        .iter()
        .filter(|n| rows.contains(n.as_str()) || holds(&bytes, n))
        .map(|n| {
            let row = rows.lines().find(|l| l.contains(n.as_str())).unwrap_or("(file bytes)");
            format!("{n} in {row}")
        })
        .collect()
}

async fn ids(store: &Store, query: &str) -> Vec<String> {
    let page = Page {
        after: None,
        limit: 100,
    };
    let rows = store.list(&Query::parse(query).unwrap(), page).await.unwrap();
    rows.into_iter().map(|r| r.id).collect()
}

async fn an_erased_session_leaves_no_row_and_no_byte(store: &Store, url: &str) {
    let erased = decision(ERASED, "declined", "2026-12-01T10:00:00.000Z", FIRST, LAST, DOCUMENT);
    let kept = decision(
        KEPT,
        "approved",
        "2026-12-01T11:00:00.000Z",
        "ANNA",
        "SPECIMEN",
        "AB0000001",
    );
    let batch = [incoming(&submitted(ERASED)), incoming(&erased), incoming(&kept)];
    assert_eq!(store.ingest(&batch).await.unwrap(), [Outcome::Stored; 3]);
    let who = "ann@workstation";
    store
        .mark(ERASED, &MarkChange::Claim { from: None }, who)
        .await
        .unwrap();
    store
        .mark(ERASED, &MarkChange::Tag(Some("escalated".into())), who)
        .await
        .unwrap();
    store
        .mark(ERASED, &MarkChange::Note(Some(NOTE.into())), who)
        .await
        .unwrap();
    assert_eq!(ids(store, &FIRST.to_lowercase()).await, [ERASED]);
    // The check can fail: before the erasure every value is there to be found.
    let before = still_held(url, &needles(ERASED)).await;
    assert_eq!(before.len(), needles(ERASED).len(), "{before:?}");

    let revision = store.revision().await.unwrap();
    let removed = store.erase(ERASED, who).await.unwrap();
    assert_ne!(
        store.revision().await.unwrap(),
        revision,
        "open browsers see the erasure"
    );
    assert_eq!(
        (
            removed.sessions,
            removed.webhooks,
            removed.claims,
            removed.tags,
            removed.notes
        ),
        (1, 2, 1, 1, 1)
    );
    assert_eq!(
        removed.to_string(),
        "2 webhooks, 1 claim, 1 tag, 1 note, 3 mark-log lines anonymised"
    );
    let left = still_held(url, &needles(ERASED)).await;
    assert!(left.is_empty(), "still held after the erasure: {left:?}");

    // The mark log keeps that marks changed, never what they said.
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    let log: Vec<(String, Option<String>)> =
        sqlx::query("SELECT what, value FROM mark_log WHERE what IN ('claim', 'tag', 'note') ORDER BY n")
            .fetch_all(&pool)
            .await
            .unwrap()
            .iter()
            .map(|row| (row.get::<String, _>(0), row.get::<Option<String>, _>(1)))
            .collect();
    pool.close().await;
    assert_eq!(
        log,
        [("claim".into(), None), ("tag".into(), None), ("note".into(), None)]
    );

    // Veriff redelivering, an old archive, a fetch: dropped, answered as taken.
    let again = [
        incoming(&erased),
        incoming(&decision(
            ERASED,
            "approved",
            "2026-12-02T10:00:00.000Z",
            FIRST,
            LAST,
            DOCUMENT,
        )),
        Incoming::imported(&erased, serde_json::to_vec(&erased).unwrap()),
        Incoming::fetched(&erased, serde_json::to_vec(&erased).unwrap()),
    ];
    assert_eq!(store.ingest(&again).await.unwrap(), [Outcome::Erased; 4]);
    // Its id in capitals is the same session; a mark would name it again.
    let shouted = decision(
        &ERASED.to_uppercase(),
        "declined",
        "2026-12-03T10:00:00.000Z",
        FIRST,
        LAST,
        DOCUMENT,
    );
    assert_eq!(store.ingest(&[incoming(&shouted)]).await.unwrap(), [Outcome::Erased]);
    let refused = store
        .mark(ERASED, &MarkChange::Note(Some(NOTE.into())), who)
        .await
        .unwrap_err();
    assert!(refused.contains("was erased here"), "{refused}");
    assert!(store.is_erased(ERASED).await.unwrap());
    assert!(ids(store, "").await == [KEPT], "only the other session is listed");
    let left = still_held(url, &needles(ERASED)).await;
    assert!(left.is_empty(), "stored again: {left:?}");
    assert!(!store.is_erased(KEPT).await.unwrap());
}
on_both!(an_erased_session_leaves_no_row_and_no_byte);

async fn a_purge_forgets_as_an_erasure_does_but_a_purged_session_may_return(store: &Store, url: &str) {
    const OLD: &str = "01d00000-0000-4000-8000-000000000003";
    const NOTED: &str = "0de00000-0000-4000-8000-000000000004";
    let old = decision(OLD, "declined", "2020-01-01T00:00:00.000Z", FIRST, LAST, DOCUMENT);
    let noted = decision(
        NOTED,
        "declined",
        "2020-01-01T00:00:00.000Z",
        "ANNA",
        "SPECIMEN",
        "AB0000001",
    );
    let recent = decision(
        KEPT,
        "approved",
        "2026-12-01T11:00:00.000Z",
        "ANNA",
        "SPECIMEN",
        "AB0000002",
    );
    for body in [&old, &noted, &recent] {
        store.ingest(&[incoming(body)]).await.unwrap();
    }
    // A note made long ago on the old one (backdated here), one made today on the other.
    store
        .mark(OLD, &MarkChange::Note(Some(NOTE.into())), "ann@workstation")
        .await
        .unwrap();
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    for statement in [
        "UPDATE marks SET note_ms = 1577836800000 WHERE session_id = $1",
        "UPDATE mark_log SET at_ms = 1577836800000 WHERE session_id = $1",
    ] {
        sqlx::query(statement).bind(OLD).execute(&pool).await.unwrap();
    }
    pool.close().await;
    store
        .mark(NOTED, &MarkChange::Note(Some("still on it".into())), "bob@workstation")
        .await
        .unwrap();

    let removed = store.purge(now_ms() - 30 * 86_400_000).await.unwrap();
    assert_eq!((removed.sessions, removed.notes), (1, 1), "{removed:?}");
    let mut listed = ids(store, "").await;
    listed.sort();
    assert_eq!(listed, [NOTED, KEPT], "a note is activity: the noted session stays");
    let left = still_held(url, &needles(OLD)).await;
    assert!(left.is_empty(), "still held after the purge: {left:?}");

    // Purged, not erased: its next webhook brings it back.
    assert!(!store.is_erased(OLD).await.unwrap());
    let next = decision(OLD, "approved", "2026-12-03T00:00:00.000Z", FIRST, LAST, DOCUMENT);
    assert_eq!(store.ingest(&[incoming(&next)]).await.unwrap(), [Outcome::Stored]);
    assert!(ids(store, "").await.contains(&OLD.to_owned()));
}
on_both!(a_purge_forgets_as_an_erasure_does_but_a_purged_session_may_return);

const BIN: &str = env!("CARGO_BIN_EXE_veriff-tui");
/// Deletable on the embedded server.
const DECLINED: &str = "dec11ned-7b8c-4d9e-8f0a-1b2c3d4e5f6a";

/// The binary with only PATH, a temporary HOME (XDG dirs inside) and the demo
/// server's credentials.
fn command(api_url: &str, home: &Path) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(BIN);
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("USER", "analyst")
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("VERIFF_API_URL", api_url)
        .env("VERIFF_API_KEY", veriff_tui::server::DEMO_API_KEY)
        .env("VERIFF_SHARED_SECRET", veriff_tui::server::DEMO_SHARED_SECRET)
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true);
    command
}

/// `delete-session` erases the session from the inbox, the remembered sessions
/// and the opened files, says what went, records the request's reference; then
/// neither Veriff sending its webhook again nor an import brings it back.
#[tokio::test(flavor = "multi_thread")]
async fn delete_session_erases_every_copy_and_nothing_brings_it_back() {
    let server = veriff_tui::server::start(veriff_tui::server::ServerOptions::default())
        .await
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let data = home.join("data/veriff-tui");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(data.join("history"), format!("{DECLINED}\n+ {DECLINED}\n+ {KEPT}\n")).unwrap();
    // Searches kept in the browser: two found her (her surname's start, a part
    // of her document number), one names no one.
    let found_her = format!("tamms\nstatus:declined\ndoc:{}*\n", &DOCUMENT[..5].to_lowercase());
    std::fs::write(data.join("history.searches"), found_her).unwrap();
    // Where the browser puts a file fetched to be opened, named as it names them.
    let cache = home.join("cache/veriff-tui");
    std::fs::create_dir_all(&cache).unwrap();
    let cached = cache.join(format!("{}_document-front_m1.jpg", &DECLINED[..8]));
    std::fs::write(&cached, b"specimen bytes").unwrap();
    let url = format!("sqlite://{}", data.join("default/inbox.db").display());
    let webhook = decision(DECLINED, "declined", "2026-12-01T10:00:00.000Z", FIRST, LAST, DOCUMENT);
    let store = Store::open(&url).await.unwrap();
    store.ingest(&[incoming(&webhook)]).await.unwrap();
    store
        .mark(DECLINED, &MarkChange::Note(Some(NOTE.into())), "ann@workstation")
        .await
        .unwrap();
    store.close().await;

    let deleted = command(&server.url(), home)
        .args([
            "delete-session",
            DECLINED,
            "--confirm",
            &DECLINED[..8],
            "--reference",
            "DSR-2291",
        ])
        .output()
        .await
        .unwrap();
    let said = String::from_utf8_lossy(&deleted.stderr);
    assert!(deleted.status.success(), "{said}");
    assert!(
        said.contains("removed from the inbox: 1 webhook, 1 note, 1 mark-log line anonymised; from the remembered sessions; 1 opened file"),
        "{said}"
    );
    let audit = std::fs::read_to_string(data.join("audit.log")).unwrap();
    let line: Value = serde_json::from_str(audit.lines().last().unwrap()).unwrap();
    assert_eq!(
        (line["action"].as_str(), line["reference"].as_str()),
        (Some("delete_session"), Some("DSR-2291"))
    );
    let history = std::fs::read_to_string(data.join("history")).unwrap();
    assert!(!history.contains(DECLINED) && history.contains(KEPT), "{history}");
    let searches = std::fs::read_to_string(data.join("history.searches")).unwrap();
    assert_eq!(searches, "status:declined\n", "the searches that found her are gone");
    assert!(!cached.exists(), "the opened file is gone");
    let left = still_held(&url, &needles(DECLINED)).await;
    assert!(left.is_empty(), "{left:?}");

    // Veriff delivers its webhook again: answered 2xx (so it stops), not stored.
    let mut receiver = command(&server.url(), home)
        .args(["inbox", "receive", "--listen", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let listening = {
        use tokio::io::AsyncBufReadExt;
        let mut lines = tokio::io::BufReader::new(receiver.stdout.take().unwrap()).lines();
        let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
            .await
            .expect("the receiver says where it listens")
            .unwrap()
            .unwrap();
        line.strip_prefix("listening on ").unwrap().to_owned()
    };
    let body = serde_json::to_vec(&webhook).unwrap();
    let answer = reqwest::Client::new()
        .post(format!("{listening}/decision"))
        .header("content-type", "application/json")
        .header("x-auth-client", veriff_tui::server::DEMO_API_KEY)
        .header(
            "x-hmac-signature",
            veriff_tui::api::Secret::new(veriff_tui::server::DEMO_SHARED_SECRET).sign(&body),
        )
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 200);
    assert_eq!(answer.text().await.unwrap(), "session erased here: dropped\n");
    receiver.kill().await.unwrap();

    // An old archive holding it: dropped and counted.
    let archive = home.join("archive.ndjson");
    std::fs::write(&archive, [body.as_slice(), b"\n"].concat()).unwrap();
    let imported = command(&server.url(), home)
        .args(["inbox", "import", archive.to_str().unwrap()])
        .output()
        .await
        .unwrap();
    let said = String::from_utf8_lossy(&imported.stderr);
    assert!(
        said.contains("imported 0") && said.contains("1 of erased sessions dropped"),
        "{said}"
    );
    let left = still_held(&url, &needles(DECLINED)).await;
    assert!(left.is_empty(), "{left:?}");
}

/// `D` in an inbox view: the row leaves the view and the tab's count at once,
/// and another browser on the same inbox sees it go without a key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn d_in_an_inbox_view_takes_the_row_out_of_every_browser() {
    if !tools::available("d_in_an_inbox_view_takes_the_row_out_of_every_browser", &[tools::TMUX]) {
        return;
    }
    let server = veriff_tui::server::start(veriff_tui::server::ServerOptions::default())
        .await
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", home.path().join("inbox.db").display());
    let store = Store::open(&url).await.unwrap();
    let now = humantime::format_rfc3339_millis(std::time::SystemTime::now()).to_string();
    let webhook = decision(DECLINED, "declined", &now, FIRST, LAST, DOCUMENT);
    store.ingest(&[incoming(&webhook)]).await.unwrap();
    store.close().await;

    let (home_path, api, inbox) = (home.path().to_owned(), server.url(), url.clone());
    tokio::task::spawn_blocking(move || {
        let browser = |user: &str| tmux::inbox_browser((200, 30), &home_path, &api, &inbox, Some(user), "");
        let wait = |tmux: &tmux::Tmux, text: &str| tmux.wait_for(text, Duration::from_secs(15));
        let (ann, bob) = (browser("ann"), browser("bob"));
        for tmux in [&ann, &bob] {
            wait(tmux, "needs review 0");
            // Past `mine` and `unclaimed` to `declined 24h`.
            tmux.send(&["]", "]", "]"]);
            wait(tmux, "declined 24h 1");
            wait(tmux, "KARL SPECIMEN");
        }
        // D asks once the card's decision is in (Veriff's status rule is checked first).
        let asked = (0..40).any(|_| {
            ann.send(&["D"]);
            std::thread::sleep(Duration::from_millis(250));
            ann.screen().contains("then, if any, a request reference")
        });
        assert!(asked, "{}", ann.screen());
        ann.send(&["-l", &format!("{} DSR-2291", &DECLINED[..8])]);
        ann.send(&["Enter"]);
        // Three webhooks: the one received, and the decision and the watchlist the card fetched.
        let screen = wait(&ann, "removed from the inbox: 3 webhooks");
        assert!(screen.contains("declined 24h 0"), "{screen}");
        wait(&ann, "declined 24h 0");
        wait(&bob, "declined 24h 0");
        // The row, and with it the card, leave both screens (polled: a frame is
        // drawn a moment after the view's count changes).
        for tmux in [&ann, &bob] {
            let gone = (0..40).any(|_| {
                std::thread::sleep(Duration::from_millis(250));
                !tmux.screen().contains("KARL SPECIMEN")
            });
            assert!(gone, "{}", tmux.screen());
        }
    })
    .await
    .unwrap();
    let mut gone = needles(DECLINED);
    gone.extend(DECLINED_PERSON.map(str::to_owned));
    let left = still_held(&url, &gone).await;
    assert!(left.is_empty(), "{left:?}");
}
