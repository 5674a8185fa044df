//! Finding sessions as people describe them (issue 29): every query term and
//! default view, words as prefixes, parts of ids, the orders, the error for a
//! field that does not exist, SQLite's query plans, and the browser's search,
//! against SQLite always and a real PostgreSQL where one runs.

#[path = "support/postgres.rs"]
mod postgres;
#[path = "support/tmux.rs"]
mod tmux;
#[path = "support/tools.rs"]
mod tools;
#[path = "support/webhooks.rs"]
mod webhooks;

use std::time::Duration;

use serde_json::{Value, json};
use veriff_tui::inbox::{Incoming, MarkChange, Page, Query, Store, TERMS};
use veriff_tui::time::{format_time_ms, now_ms};
use webhooks::incoming;

/// Runs a check against a fresh SQLite store and a fresh PostgreSQL database.
macro_rules! on_both {
    ($check:ident) => {
        mod $check {
            #[tokio::test]
            async fn sqlite() {
                let dir = tempfile::tempdir().unwrap();
                let url = format!("sqlite://{}", dir.path().join("inbox.db").display());
                let store = super::Store::open(&url).await.unwrap();
                super::$check(&store).await;
            }

            #[tokio::test]
            async fn postgres() {
                let Some(db) = super::postgres::database(concat!("inbox_search::", stringify!($check))).await else {
                    return;
                };
                let store = super::Store::open(&db.url).await.unwrap();
                super::$check(&store).await;
                store.close().await;
            }
        }
    };
}

const MARTA: &str = "b7e3c1d2-0001-4000-8000-000000000001";
const JAAN: &str = "a0000002-0002-4000-8000-000000000002";
const LIIS: &str = "a0000003-0003-4000-8000-000000000003";
const KARL: &str = "a0000004-0004-4000-8000-000000000004";
const ANNA: &str = "a0000005-0005-4000-8000-000000000005";

/// Who the marks below are made by (on PostgreSQL the store records its login).
const ANN: &str = "ann@desk1";
const BOB: &str = "bob@desk2";

/// A decision webhook; `extra` is merged into its `verification`.
fn decision(id: &str, status: &str, code: i64, time: &str, extra: Value) -> Value {
    let mut verification = json!({"id": id, "status": status, "code": code, "decisionTime": time});
    for (key, value) in extra.as_object().unwrap() {
        verification[key] = value.clone();
    }
    json!({"status": "success", "verification": verification})
}

fn person(first: &str, last: &str) -> Value {
    json!({"firstName": first, "lastName": last})
}

/// Five invented people, newest activity first: LIIS (30 minutes ago), ANNA,
/// KARL (his watchlist match the latest of the old ones), JAAN, MARTA; and
/// the team's marks on them.
async fn people(store: &Store) {
    let recent = format_time_ms(now_ms() - 30 * 60_000);
    let bodies = [
        decision(
            MARTA,
            "approved",
            9001,
            "2026-01-01T00:00:01Z",
            json!({"person": person("MARTA", "TAMM"), "vendorData": "ORDER-58213", "endUserId": "crm-0000101",
                   "document": {"number": "AB1234567", "country": "EE"}}),
        ),
        decision(
            JAAN,
            "review",
            9102,
            "2026-01-01T00:00:02Z",
            json!({"person": person("JAAN", "KASK"), "vendorData": "ORDER-60001", "endUserId": "crm-0000202",
                   "document": {"number": "XY7654321"}, "riskLabels": [{"label": "document_integrity"}]}),
        ),
        decision(
            LIIS,
            "resubmission_requested",
            9103,
            &recent,
            json!({"person": person("LIIS", "SPECIMEN"), "vendorData": "VIP-7", "reasonCode": 201}),
        ),
        decision(
            KARL,
            "declined",
            9102,
            "2026-01-01T00:00:03Z",
            json!({"person": person("KARL", "SAMPLE"), "vendorData": "ORDER-58999", "reasonCode": 102}),
        ),
        json!({"checkType": "initial_result", "matchStatus": "possible_match", "sessionId": KARL,
               "createdAt": "2026-01-01T00:00:04Z"}),
        decision(
            ANNA,
            "review",
            9102,
            "2026-01-01T00:00:05Z",
            json!({"person": person("ANNA", "SPECIMEN"), "vendorData": "VIP-8"}),
        ),
    ];
    let batch: Vec<Incoming> = bodies.iter().map(incoming).collect();
    store.ingest(&batch).await.unwrap();
    let mark = |session: &'static str, change: MarkChange, who: &'static str| async move {
        store.mark(session, &change, who).await.unwrap();
    };
    mark(JAAN, MarkChange::Claim { from: None }, ANN).await;
    mark(JAAN, MarkChange::Note(Some("Call back Monday".into())), ANN).await;
    mark(ANNA, MarkChange::Claim { from: None }, BOB).await;
    mark(ANNA, MarkChange::Tag(Some("done".into())), BOB).await;
    mark(LIIS, MarkChange::Tag(Some("escalated".into())), ANN).await;
    mark(KARL, MarkChange::Tag(Some("waiting on customer".into())), ANN).await;
}

/// The ids `text` finds, as Ann, in its order.
async fn found(store: &Store, text: &str) -> Vec<&'static str> {
    let mut query = Query::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    query.me = Some(store.who(ANN));
    let page = Page {
        after: None,
        limit: 100,
    };
    let rows = store.list(&query, page).await.unwrap_or_else(|e| panic!("{text}: {e}"));
    rows.iter().map(|row| name_of(&row.id)).collect()
}

fn name_of(id: &str) -> &'static str {
    match id {
        MARTA => "marta",
        JAAN => "jaan",
        LIIS => "liis",
        KARL => "karl",
        ANNA => "anna",
        _ => panic!("unknown session {id}"),
    }
}

async fn every_term_finds_its_sessions(store: &Store) {
    people(store).await;
    // On PostgreSQL every claim is the login's: Ann's and Bob's are one user.
    let mine: &[&str] = if store.is_postgres() {
        &["anna", "jaan"]
    } else {
        &["jaan"]
    };
    let bob = format!("claimed:{}", store.who(BOB));
    let cases: Vec<(&str, &[&str])> = vec![
        ("status:review", &["anna", "jaan"]),
        ("status:approved,declined", &["karl", "marta"]),
        ("code:9102", &["anna", "karl", "jaan"]),
        ("reason:102", &["karl"]),
        ("since:24h", &["liis"]),
        ("before:1h", &["anna", "karl", "jaan", "marta"]),
        ("vendor:ORDER-58213", &["marta"]),
        ("vendor:ORDER-58*", &["karl", "marta"]),
        ("vendor:ORDER", &[]),
        ("user:crm-0000101", &["marta"]),
        ("user:crm-0000*", &["jaan", "marta"]),
        ("name:tamm", &["marta"]),
        ("name:speci", &["liis", "anna"]),
        ("doc:AB1234567", &["marta"]),
        ("doc:XY76*", &["jaan"]),
        ("label:document_integrity", &["jaan"]),
        ("watchlist:possible_match", &["karl"]),
        ("claimed:me", mine),
        ("claimed:none", &["liis", "karl", "marta"]),
        ("tag:done", &["anna"]),
        ("tag:escalated", &["liis"]),
        ("tag:waiting", &["karl"]),
        ("tag:open", &["liis", "karl", "jaan", "marta"]),
        ("tag:none", &["jaan", "marta"]),
        ("note:monday", &["jaan"]),
        ("note:tuesday", &[]),
        ("in:view", &["liis", "anna", "karl", "jaan", "marta"]),
        ("status:review claimed:none", &[]),
        ("status:declined vendor:ORDER-58999", &["karl"]),
    ];
    for (text, expected) in cases {
        assert_eq!(found(store, text).await, expected, "{text}");
    }
    let by_bob = found(store, &bob).await;
    assert_eq!(
        by_bob,
        if store.is_postgres() {
            vec!["anna", "jaan"]
        } else {
            vec!["anna"]
        }
    );
}
on_both!(every_term_finds_its_sessions);

async fn words_match_as_prefixes_and_long_ones_as_parts(store: &Store) {
    people(store).await;
    let cases: Vec<(&str, &[&str])> = vec![
        ("m", &["marta"]),
        ("ma", &["marta"]),
        ("mar", &["marta"]),
        ("MARTA", &["marta"]),
        ("jaa", &["jaan"]),
        ("tamm mar", &["marta"]),
        ("spec", &["liis", "anna"]),
        // The start of a word of the vendorData, and a part of it.
        ("5821", &["marta"]),
        ("8213", &["marta"]),
        ("ORDER-58213", &["marta"]),
        // Only a word's last piece is a prefix: the pieces before a separator
        // were typed whole, on both stores.
        ("order-582", &["marta"]),
        ("ord-58213", &[]),
        // A part of an id and of a document number, 4 characters or more...
        ("3c1d", &["marta"]),
        ("1234", &["marta"]),
        ("7654321", &["jaan"]),
        // ...but 3 are too few to be a part.
        ("213", &[]),
        ("nobody", &[]),
        // The user's text is never query syntax, on either store.
        ("'", &[]),
        ("o'tamm", &[]),
        ("a\\b", &[]),
        (":*", &[]),
        ("&|!", &[]),
        ("\"", &[]),
        ("tamm*", &["marta"]),
    ];
    for (text, expected) in cases {
        assert_eq!(found(store, text).await, expected, "{text}");
    }
}
on_both!(words_match_as_prefixes_and_long_ones_as_parts);

async fn the_default_views_find_their_queues(store: &Store) {
    people(store).await;
    let expected: &[(&str, &[&str])] = &[
        // Anna's session is tagged done: not in review any more.
        ("needs review", &["liis", "jaan"]),
        ("mine", &["jaan"]),
        ("unclaimed", &["liis"]),
        ("declined 24h", &[]),
        ("watchlist possible match", &["karl"]),
        ("started not submitted over 1h", &[]),
        ("all", &["liis", "anna", "karl", "jaan", "marta"]),
    ];
    let views = veriff_tui::inbox::default_views();
    let names: Vec<&str> = views.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, expected.iter().map(|(name, _)| *name).collect::<Vec<_>>());
    for (view, (name, sessions)) in views.iter().zip(expected) {
        assert_eq!(found(store, &view.query).await, *sessions, "{name}: {}", view.query);
    }
}
on_both!(the_default_views_find_their_queues);

async fn each_order_reads_alike_page_by_page(store: &Store) {
    people(store).await;
    let orders: &[(&str, &[&str])] = &[
        ("sort:newest", &["liis", "anna", "karl", "jaan", "marta"]),
        ("sort:oldest", &["marta", "jaan", "karl", "anna", "liis"]),
        ("sort:status", &["marta", "karl", "liis", "anna", "jaan"]),
        ("sort:name", &["anna", "jaan", "karl", "liis", "marta"]),
        ("sort:name specimen", &["anna", "liis"]),
    ];
    for (text, expected) in orders {
        assert_eq!(found(store, text).await, *expected, "{text}");
        // Two at a time, each page after the last row of the one before.
        let query = Query::parse(text).unwrap();
        let mut page = Page { after: None, limit: 2 };
        let mut paged = Vec::new();
        loop {
            let rows = store.list(&query, page).await.unwrap();
            let Some(last) = rows.last() else { break };
            page.after = Some((last.updated_ms, last.n));
            paged.extend(rows.iter().map(|row| name_of(&row.id)));
            assert!(paged.len() <= 5, "{text}: {paged:?}");
        }
        assert_eq!(paged, *expected, "{text}, page by page");
    }
}
on_both!(each_order_reads_alike_page_by_page);

#[test]
fn an_unknown_field_or_a_bad_term_names_the_fields() {
    let e = Query::parse("SPECIMEN colour:red").unwrap_err().to_string();
    assert!(e.contains("colour: is not a field"), "{e}");
    assert!(
        e.contains("status:") && e.contains("claimed:") && e.contains("tag:"),
        "{e}"
    );
    let e = Query::parse("tag:urgent").unwrap_err().to_string();
    assert!(e.contains("done, escalated, waiting"), "{e}");
}

/// `inbox list` refuses a field that does not exist with exit status 2, naming
/// the fields, and its help lists every term from the one table.
#[tokio::test]
async fn inbox_list_exits_2_on_an_unknown_field_and_its_help_lists_the_terms() {
    let home = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", home.path().join("inbox.db").display());
    let run = |args: &[&str]| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_veriff-tui"));
        for (name, _) in std::env::vars() {
            if name.starts_with("VERIFF_") || name.starts_with("XDG_") {
                command.env_remove(name);
            }
        }
        command
            .env("HOME", home.path())
            .args(["inbox", "--inbox-url", &url, "list"])
            .args(args);
        command.output().unwrap()
    };
    let out = run(&["colour:red"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("colour: is not a field") && stderr.contains("vendor:"),
        "{stderr}"
    );
    let ok = run(&["mar"]);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let help = run(&["--help"]);
    let help = String::from_utf8_lossy(&help.stdout);
    for term in TERMS {
        assert!(help.contains(term.example), "{} missing from:\n{help}", term.example);
    }
}

/// Every term's example, on a SQLite store big enough for its planner to
/// choose as it would at a million sessions, is read through an index: no
/// step reads every session (`SCAN sessions` without an index).
#[tokio::test]
async fn no_term_reads_every_session_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite://{}", dir.path().join("inbox.db").display()))
        .await
        .unwrap();
    people(&store).await;
    let batch: Vec<Incoming> = (0..2_000)
        .map(|i| {
            incoming(&decision(
                &format!("f{i:07}-0000-4000-8000-000000000000"),
                if i % 2 == 0 { "approved" } else { "declined" },
                9001,
                "2026-01-02T00:00:00Z",
                json!({"person": person("SPECIMEN", &format!("SAMPLE{i}")), "vendorData": format!("crm-{i:07}")}),
            ))
        })
        .collect();
    store.ingest(&batch).await.unwrap();
    let mut queries: Vec<String> = TERMS.iter().map(|t| t.example.to_owned()).collect();
    queries.extend(["status:declined vendor:crm-0000101", "mar", "5821", ""].map(str::to_owned));
    for text in queries {
        let mut query = Query::parse(&text).unwrap();
        query.me = Some(ANN.to_owned());
        let plan = store.query_plan(&query).await.unwrap();
        for step in &plan {
            let whole = step == "SCAN sessions" || (step.starts_with("SCAN sessions ") && !step.contains(" USING "));
            assert!(!whole, "{text:?} reads every session: {plan:#?}");
        }
    }
    // With a vendorData, its index leads, not the status's.
    let query = Query::parse("status:declined vendor:crm-0000101").unwrap();
    let plan = store.query_plan(&query).await.unwrap();
    assert!(plan.iter().any(|step| step.contains("sessions_vendor")), "{plan:#?}");
}

/// From the inbox's first view, `/` and a surname find an approved session
/// (not in that view), `Esc` returns to the view on the row it was on, and
/// the sort key changes the order, the title saying which.
#[tokio::test]
async fn the_browser_searches_every_session_and_returns_to_the_row() {
    const TEST: &str = "the_browser_searches_every_session_and_returns_to_the_row";
    if !tools::available(TEST, &[tools::TMUX]) {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", home.path().join("inbox.db").display());
    let store = Store::open(&url).await.unwrap();
    people(&store).await;
    store.close().await;
    let home_path = home.path().to_owned();
    tokio::task::spawn_blocking(move || {
        let tmux = tmux::inbox_browser((80, 24), &home_path, "http://127.0.0.1:9", &url, None, "");
        let wait = |text: &str| tmux.wait_for(text, Duration::from_secs(15));
        wait("needs review 2");
        // The second row of the view: Jaan (Liis is newer).
        wait("LIIS SPECIMEN");
        // No API behind it: the first row's failure is said once it settled.
        wait("attempts of a0000003 failed");
        tmux.send(&["j"]);
        wait("needs review 2/2");
        tmux.send(&["/"]);
        tmux.send(&["-l", "tamm"]);
        // `tam` finds her too: the screen is read once the whole word is searched.
        wait("search: tamm 1");
        let screen = wait("MARTA TAMM");
        // One found, the tab's last word (the host gives way where it does not fit whole).
        let title = screen.lines().next().unwrap_or_default().trim_end();
        assert!(
            title.ends_with("search: tamm 1") || title.contains("search: tamm 1 "),
            "the search's tab: {screen}"
        );
        // At 80 columns the row shows its age, a short status and the name.
        assert!(screen.contains("approved"), "{screen}");
        tmux.send(&["Enter"]);
        tmux.send(&["Escape"]);
        let screen = wait("needs review 2/2");
        assert!(!screen.contains("search: tamm"), "{screen}");
        // `=`: oldest waiting first; Jaan is now the first row.
        tmux.send(&["="]);
        wait("oldest waiting first");
        let jaan_first = |screen: &str| match (screen.find("JAAN KASK"), screen.find("LIIS SPECIMEN")) {
            (Some(jaan), Some(liis)) => jaan < liis,
            _ => false,
        };
        let deadline = std::time::Instant::now() + Duration::from_secs(15);
        let mut screen = tmux.screen();
        while !jaan_first(&screen) && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(100));
            screen = tmux.screen();
        }
        assert!(jaan_first(&screen), "Jaan, waiting longest, comes first: {screen}");
        assert!(screen.contains("· oldest"), "the title says the order: {screen}");
        tmux.send(&["q"]);
    })
    .await
    .unwrap();
}

/// Every way a page may be read (through an index on sessions, a word's
/// sessions first, a window of the first sessions in the page's order) finds
/// the same sessions in the same order, page after page, with the other
/// conditions and each order applied alike; a window finds the first of them.
async fn every_way_of_reading_finds_the_same_pages(store: &Store) {
    let bodies: Vec<Value> = (0..30)
        .map(|i| {
            decision(
                &format!("c0000000-{i:04}-4000-8000-000000000000"),
                if i % 3 == 0 { "declined" } else { "approved" },
                9001,
                &format!("2026-01-01T00:00:{i:02}Z"),
                json!({
                    "vendorData": format!("ticket-{}", i % 2),
                    "person": person(if i % 5 == 0 { "KAISA" } else { "ANNA" }, "SPECIMEN"),
                }),
            )
        })
        .collect();
    let mut batch: Vec<Incoming> = bodies
        .iter()
        .map(|body| Incoming::fetched(body, body.to_string().into_bytes()))
        .collect();
    // Three sessions known only from a watchlist webhook: no status, no name,
    // which an order by either puts first.
    for i in 30..33 {
        batch.push(incoming(&json!({
            "checkType": "updated_result",
            "sessionId": format!("c0000000-{i:04}-4000-8000-000000000000"),
            "matchStatus": "possible_match",
            "createdAt": format!("2026-01-01T00:01:{i:02}Z"),
            "vendorData": format!("ticket-{}", i % 2),
        })));
    }
    store.ingest(&batch).await.unwrap();
    let queries: &[(&str, usize)] = &[
        ("specimen", 30),
        ("kaisa", 6),
        ("ticket-1 status:declined", 5),
        ("kaisa since:1d", 0),
        ("nobody", 0),
        ("name:ais", 6),
        ("name:aisa ticket-0", 3),
        ("name:an", 24),
        ("0012", 1),
        ("sort:oldest kaisa", 6),
        ("sort:status ticket-1", 16),
        ("sort:name anna ticket", 24),
        ("sort:name ticket", 33),
        ("sort:status", 33),
    ];
    for (text, expected) in queries {
        let query = Query::parse(text).unwrap();
        let mut page = Page { after: None, limit: 4 };
        let mut seen = Vec::new();
        loop {
            let ways = store.list_every_way(&query, page).await.unwrap();
            let ids = |rows: &[veriff_tui::inbox::SessionRow]| rows.iter().map(|r| r.id.clone()).collect::<Vec<_>>();
            let all = ids(&ways[0].1);
            for (way, rows) in &ways {
                let rows = ids(rows);
                if way.starts_with("Window") {
                    assert_eq!(rows, all[..rows.len()], "{text}, {way}");
                } else {
                    assert_eq!(rows, all, "{text}, {way}");
                }
            }
            // The last way is the window `list` tries first: 160 sessions, every one here.
            let (way, widest) = ways.last().unwrap();
            assert_eq!(ids(widest), all, "{text}, {way}");
            assert_eq!(ids(&store.list(&query, page).await.unwrap()), all, "{text}");
            let Some(last) = ways[0].1.last() else { break };
            page.after = Some((last.updated_ms, last.n));
            seen.extend(all);
            assert!(seen.len() <= 33, "{text}: {seen:?}");
        }
        assert_eq!(seen.len(), *expected, "{text}: {seen:?}");
    }
    let kaisa = Query::parse("kaisa").unwrap();
    let first = Page { after: None, limit: 10 };
    let ids: Vec<String> = store
        .list(&kaisa, first)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    let newest_first: Vec<String> = [25, 20, 15, 10, 5, 0]
        .map(|i| format!("c0000000-{i:04}-4000-8000-000000000000"))
        .into();
    assert_eq!(ids, newest_first);
}
on_both!(every_way_of_reading_finds_the_same_pages);
