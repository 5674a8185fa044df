//! The inbox store and receiver, against SQLite always and a real PostgreSQL (a
//! database of each test's own) where one runs.

#[path = "support/postgres.rs"]
mod postgres;

use serde_json::{Value, json};
use veriff_tui::inbox::{Incoming, Kind, Outcome, Page, Query, SessionRow, Store, facts, parse_time_ms};

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
                let Some(db) = super::postgres::database(concat!("inbox::", stringify!($check))).await else {
                    return;
                };
                let store = super::Store::open(&db.url).await.unwrap();
                super::$check(&store).await;
                store.close().await;
            }
        }
    };
}

fn incoming(body: &Value) -> Incoming {
    let kind = Kind::from_shape(body);
    Incoming {
        kind,
        facts: facts(kind, body),
        body: serde_json::to_vec(body).unwrap(),
        headers: "{}".to_owned(),
        source: "test".to_owned(),
        received_ms: veriff_tui::inbox::now_ms(),
    }
}

fn decision(id: &str, status: &str, code: i64, time: &str) -> Value {
    json!({"status": "success", "verification": {
        "id": id, "status": status, "code": code, "decisionTime": time,
        "reason": if status == "approved" { Value::Null } else { json!("Physical document not used") },
        "reasonCode": if status == "approved" { Value::Null } else { json!(102) },
    }, "technicalData": {"ip": null}})
}

async fn list(store: &Store, query: &str) -> Vec<SessionRow> {
    let query = Query::parse(query).unwrap();
    store
        .list(
            &query,
            Page {
                after: None,
                limit: 1000,
            },
        )
        .await
        .unwrap()
}

async fn ids(store: &Store, query: &str) -> Vec<String> {
    list(store, query).await.into_iter().map(|r| r.id).collect()
}

async fn duplicates_are_stored_once(store: &Store) {
    let body = incoming(&decision("s-dup", "approved", 9001, "2026-01-02T03:04:05.000Z"));
    let first = store.ingest(&[body.clone(), body.clone()]).await.unwrap();
    let again = store.ingest(std::slice::from_ref(&body)).await.unwrap();
    assert_eq!(first, [Outcome::Stored, Outcome::Duplicate]);
    assert_eq!(again, [Outcome::Duplicate]);
    assert_eq!(store.event_count("s-dup").await.unwrap(), 1);
    assert_eq!(store.event_bodies().await.unwrap(), [body.body]);
}
on_both!(duplicates_are_stored_once);

async fn an_older_decision_never_overwrites_a_newer_one(store: &Store) {
    let newer = incoming(&decision("s-ooo", "approved", 9001, "2026-01-02T10:00:00.000Z"));
    let older = incoming(&decision("s-ooo", "review", 9121, "2026-01-02T09:00:00.000000Z"));
    let started = incoming(&json!({"id": "s-ooo", "action": "started", "code": 7001, "time": "2026-01-02T11:00:00Z"}));
    store.ingest(&[newer]).await.unwrap();
    store.ingest(&[older]).await.unwrap();
    store.ingest(&[started]).await.unwrap();
    let rows = list(store, "").await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].status.as_deref(), Some("approved"));
    assert_eq!(rows[0].code, Some(9001));
    assert_eq!(rows[0].reason_code, None);
    assert_eq!(rows[0].decision_ms, parse_time_ms("2026-01-02T10:00:00Z"));
    // Every event is kept in its history all the same.
    assert_eq!(store.event_count("s-ooo").await.unwrap(), 3);
    // And a later decision does take over.
    let later = incoming(&decision("s-ooo", "declined", 9102, "2026-01-03T00:00:00Z"));
    store.ingest(&[later]).await.unwrap();
    assert_eq!(list(store, "").await[0].status.as_deref(), Some("declined"));
}
on_both!(an_older_decision_never_overwrites_a_newer_one);

async fn a_query_finds_each_field(store: &Store) {
    let now = veriff_tui::inbox::format_time_ms(veriff_tui::inbox::now_ms());
    let full = json!({"status": "success", "verification": {
        "id": "s-full", "status": "declined", "code": 9102, "reason": "Physical document not used",
        "reasonCode": "105", "decisionTime": now, "vendorData": "order-42", "endUserId": "user-7",
        "person": {"firstName": "SPECIMEN", "lastName": "O'SAMPLE"},
        "document": {"number": "X9876543", "country": "EE"},
        "riskLabels": [{"label": "document_integration_level_crosslinked_with_fraud"}]
    }});
    let old = decision("s-old", "review", 9121, "2020-01-01T00:00:00Z");
    let started = json!({"id": "s-started", "action": "started", "code": 7001, "time": "2020-01-01T00:00:00Z"});
    let watch = json!({"checkType": "initial_result", "sessionId": "s-old", "matchStatus": "possible_match",
        "createdAt": "2020-01-01T00:00:01Z"});
    let items: Vec<Incoming> = [full, old, started, watch].iter().map(incoming).collect();
    store.ingest(&items).await.unwrap();

    assert_eq!(ids(store, "").await, ["s-full", "s-old", "s-started"]);
    assert_eq!(ids(store, "status:declined").await, ["s-full"]);
    assert_eq!(ids(store, "status:review,resubmission_requested").await, ["s-old"]);
    assert_eq!(ids(store, "code:9121").await, ["s-old"]);
    assert_eq!(ids(store, "reason:105").await, ["s-full"]);
    assert_eq!(ids(store, "since:24h").await, ["s-full"]);
    assert_eq!(ids(store, "status:started before:1h").await, ["s-started"]);
    assert_eq!(ids(store, "vendor:order-42").await, ["s-full"]);
    assert_eq!(ids(store, "user:user-7").await, ["s-full"]);
    assert_eq!(ids(store, "name:o'sam").await, ["s-full"]);
    assert_eq!(ids(store, "doc:X9876543").await, ["s-full"]);
    assert_eq!(
        ids(store, "label:document_integration_level_crosslinked_with_fraud").await,
        ["s-full"]
    );
    assert_eq!(ids(store, "watchlist:possible_match").await, ["s-old"]);
    assert_eq!(ids(store, "specimen").await, ["s-full"]);
    assert_eq!(ids(store, "SPECIMEN order-42 status:declined").await, ["s-full"]);
    assert!(ids(store, "nobody").await.is_empty());
    // FTS syntax in the user's text is just text.
    assert!(ids(store, "\"unbalanced OR NEAR(").await.is_empty());
    assert_eq!(
        store
            .count(&Query::parse("status:declined,review").unwrap())
            .await
            .unwrap(),
        2
    );
    let row = &list(store, "s-full").await[0];
    assert_eq!(row.person_name.as_deref(), Some("SPECIMEN O'SAMPLE"));
    assert_eq!(row.document_country.as_deref(), Some("EE"));
}
on_both!(a_query_finds_each_field);

async fn pages_follow_each_other_without_gaps_or_repeats(store: &Store) {
    let items: Vec<Incoming> = (0..25)
        .map(|i| {
            incoming(&decision(
                &format!("s-{i:02}"),
                "approved",
                9001,
                &format!("2026-01-01T00:00:{:02}Z", i % 10),
            ))
        })
        .collect();
    store.ingest(&items).await.unwrap();
    let query = Query::default();
    let mut seen = Vec::new();
    let mut page = Page { after: None, limit: 7 };
    loop {
        let rows = store.list(&query, page).await.unwrap();
        let Some(last) = rows.last() else { break };
        page.after = Some((last.updated_ms, last.n));
        seen.extend(rows.into_iter().map(|r| (r.updated_ms, r.id)));
    }
    assert_eq!(seen.len(), 25);
    assert!(seen.windows(2).all(|w| w[0].0 >= w[1].0), "newest first");
    let mut unique: Vec<_> = seen.iter().map(|s| s.1.clone()).collect();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 25);
}
on_both!(pages_follow_each_other_without_gaps_or_repeats);

async fn purge_removes_only_what_is_older(store: &Store) {
    let old = incoming(&decision("s-old", "approved", 9001, "2020-01-01T00:00:00Z"));
    let now = veriff_tui::inbox::format_time_ms(veriff_tui::inbox::now_ms());
    let new = incoming(&decision("s-new", "approved", 9001, &now));
    store.ingest(&[old, new]).await.unwrap();
    let cutoff = veriff_tui::inbox::now_ms() - 30 * 86_400_000;
    assert_eq!(store.purge(cutoff).await.unwrap(), (1, 1));
    assert_eq!(ids(store, "").await, ["s-new"]);
    assert!(ids(store, "s-old").await.is_empty(), "gone from the text search too");
}
on_both!(purge_removes_only_what_is_older);

#[cfg(unix)]
#[tokio::test]
async fn the_sqlite_inbox_is_private_and_in_wal_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("profile").join("inbox.db");
    let store = Store::open(&format!("sqlite://{}", path.display())).await.unwrap();
    store
        .ingest(&[incoming(&decision("s", "approved", 9001, "2026-01-01T00:00:00Z"))])
        .await
        .unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(path.parent().unwrap()), 0o700);
    assert!(path.with_extension("db-wal").exists(), "WAL journal");
}
