//! The inbox store and receiver, against SQLite always and a real PostgreSQL (a
//! database of each test's own) where one runs.

#[path = "support/postgres.rs"]
mod postgres;
#[path = "support/tmux.rs"]
mod tmux;
#[path = "support/tools.rs"]
mod tools;
#[path = "support/webhooks.rs"]
mod webhooks;

use serde_json::{Value, json};
use veriff_tui::inbox::{Incoming, Outcome, Page, Query, SessionRow, Store};
use veriff_tui::time::parse_time_ms;
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

async fn the_change_marker_moves_with_new_events_only(store: &Store) {
    let empty = store.revision().await.unwrap();
    let body = incoming(&decision("s-mark", "approved", 9001, "2026-01-02T03:04:05.000Z"));
    store.ingest(std::slice::from_ref(&body)).await.unwrap();
    let after_one = store.revision().await.unwrap();
    assert_ne!(after_one, empty);
    store.ingest(&[body]).await.unwrap();
    assert_eq!(store.revision().await.unwrap(), after_one, "a duplicate is no change");
}
on_both!(the_change_marker_moves_with_new_events_only);

/// Two analysts, Ann and Bob, each marking through `their` store handle and
/// recorded as their identity (`ann`, `bob`: `user@host` on SQLite, the
/// database login on PostgreSQL).
struct Analyst<'a> {
    store: &'a Store,
    who: String,
}

async fn claims_tags_and_notes_say_who_and_never_take_over_silently(ann: Analyst<'_>, bob: Analyst<'_>) {
    let store = ann.store;
    let (a, b) = (ann.who.as_str(), bob.who.as_str());
    use veriff_tui::inbox::MarkChange;
    store
        .ingest(&[incoming(&decision(
            "s-claim",
            "review",
            9104,
            "2026-01-02T03:04:05.000Z",
        ))])
        .await
        .unwrap();
    let id = || vec!["s-claim".to_owned()];
    let before = store.revision().await.unwrap();
    let claim = MarkChange::Claim { from: None };
    ann.store.mark("s-claim", &claim, a).await.unwrap();
    assert!(
        store.revision().await.unwrap() != before,
        "open browsers see a claim as a change"
    );
    // A second analyst, whose screen still showed it free, is refused with the holder's name.
    let refused = bob.store.mark("s-claim", &claim, b).await.unwrap_err();
    assert!(refused.contains(a), "{refused}");
    let refused = bob.store.mark("s-claim", &MarkChange::Unclaim, b).await.unwrap_err();
    assert!(refused.contains(&format!("{a} holds")), "{refused}");
    // Taking over names the one it is taken from.
    let take = MarkChange::Claim {
        from: Some(a.to_owned()),
    };
    bob.store.mark("s-claim", &take, b).await.unwrap();
    ann.store
        .mark("s-claim", &MarkChange::Tag(Some("escalated".into())), a)
        .await
        .unwrap();
    bob.store
        .mark("s-claim", &MarkChange::Note(Some("called the customer".into())), b)
        .await
        .unwrap();
    let marks = store.marks(&id()).await.unwrap().remove("s-claim").unwrap();
    assert_eq!(marks.claimed_by.as_deref(), Some(b));
    assert_eq!(
        (marks.tag.as_deref(), marks.tag_by.as_deref()),
        (Some("escalated"), Some(a))
    );
    assert_eq!(marks.note.as_deref(), Some("called the customer"));
    assert!(marks.claimed_ms.is_some() && marks.tag_ms.is_some() && marks.note_ms.is_some());
    bob.store.mark("s-claim", &MarkChange::Unclaim, b).await.unwrap();
    assert_eq!(store.marks(&id()).await.unwrap()["s-claim"].claimed_by, None);
    // A session deleted at Veriff leaves its marks behind too.
    bob.store.erase("s-claim", b).await.unwrap();
    assert!(store.marks(&id()).await.unwrap().is_empty());
}
mod claims_tags_and_notes_say_who_and_never_take_over_silently {
    use super::{Analyst, Store, claims_tags_and_notes_say_who_and_never_take_over_silently as check};

    #[tokio::test]
    async fn sqlite() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&format!("sqlite://{}", dir.path().join("inbox.db").display()))
            .await
            .unwrap();
        let analyst = |who: &str| Analyst {
            store: &store,
            who: who.to_owned(),
        };
        check(analyst("ann@desk1"), analyst("bob@desk2")).await;
    }

    /// Each analyst their own login: what they say they are (`$USER`) counts for nothing.
    #[tokio::test]
    async fn postgres() {
        let Some(db) = super::postgres::database("inbox::claims_tags_and_notes_say_who").await else {
            return;
        };
        let ((ann, ann_url), (bob, bob_url)) = (db.login("ann", None).await, db.login("bob", None).await);
        let (as_ann, as_bob) = (
            Store::open(&ann_url).await.unwrap(),
            Store::open(&bob_url).await.unwrap(),
        );
        assert_eq!(as_ann.who("mallory@vm"), ann);
        check(
            Analyst {
                store: &as_ann,
                who: ann,
            },
            Analyst {
                store: &as_bob,
                who: bob,
            },
        )
        .await;
        as_ann.close().await;
        as_bob.close().await;
    }
}

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

/// The same, with everything arriving in one batch (the receiver's group commit,
/// an import), among other sessions' webhooks and a duplicate.
async fn out_of_order_within_one_batch_holds_as_well(store: &Store) {
    let newer = incoming(&decision("s-batch", "approved", 9001, "2026-01-02T10:00:00.000Z"));
    let older = incoming(&decision("s-batch", "review", 9121, "2026-01-02T09:00:00.000Z"));
    let started =
        incoming(&json!({"id": "s-batch", "action": "started", "code": 7001, "time": "2026-01-02T11:00:00Z"}));
    let other = incoming(&decision("s-other", "declined", 9102, "2026-01-02T08:00:00.000Z"));
    let outcomes = store
        .ingest(&[newer.clone(), other, older, started, newer])
        .await
        .unwrap();
    assert_eq!(
        outcomes,
        [
            Outcome::Stored,
            Outcome::Stored,
            Outcome::Stored,
            Outcome::Stored,
            Outcome::Duplicate
        ]
    );
    let rows = list(store, "status:approved").await;
    assert_eq!(rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), ["s-batch"]);
    assert_eq!(store.event_count("s-batch").await.unwrap(), 3);
    assert_eq!(ids(store, "status:declined").await, ["s-other"]);
}
on_both!(out_of_order_within_one_batch_holds_as_well);

async fn a_query_finds_each_field(store: &Store) {
    let now = veriff_tui::time::format_time_ms(veriff_tui::time::now_ms());
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
    let declined_or_review = Query::parse("status:declined,review").unwrap();
    assert_eq!(store.count(&declined_or_review, None).await.unwrap(), 2);
    // A browser's tab counts up to its limit, then says only that there are more.
    assert_eq!(store.count(&declined_or_review, Some(0)).await.unwrap(), 1);
    assert_eq!(store.count(&declined_or_review, Some(5)).await.unwrap(), 2);
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
    let now = veriff_tui::time::format_time_ms(veriff_tui::time::now_ms());
    let new = incoming(&decision("s-new", "approved", 9001, &now));
    store.ingest(&[old, new]).await.unwrap();
    let cutoff = veriff_tui::time::now_ms() - 30 * 86_400_000;
    let removed = store.purge(cutoff).await.unwrap();
    assert_eq!((removed.sessions, removed.webhooks), (1, 1));
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

// ---- The receiver: the real binary, over HTTP ----

const KEY_A: &str = "aaaa0000-0000-4000-8000-00000000000a";
const SECRET_A: &str = "specimen-secret-a";
const KEY_B: &str = "bbbb0000-0000-4000-8000-00000000000b";
const SECRET_B: &str = "specimen-secret-b";

/// A config with two profiles whose webhooks are accepted, in a private file.
fn config_file(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("config.toml");
    let text = format!(
        "default_profile = \"a\"\n\
         [profiles.a]\napi_url = \"http://127.0.0.1:9\"\napi_key = \"{KEY_A}\"\nshared_secret = \"{SECRET_A}\"\n\
         [profiles.b]\napi_url = \"http://127.0.0.1:9\"\napi_key = \"{KEY_B}\"\nshared_secret = \"{SECRET_B}\"\n"
    );
    veriff_tui::files::write_private(&path, text.as_bytes()).unwrap();
    path
}

/// The binary with a clean environment: no VERIFF_* of the developer's leaks in.
fn veriff_tui(home: &std::path::Path) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_veriff-tui"));
    for (name, _) in std::env::vars() {
        if name.starts_with("VERIFF_") || name.starts_with("XDG_") {
            command.env_remove(name);
        }
    }
    command.env("HOME", home).kill_on_drop(true);
    command
}

struct Receiver {
    child: tokio::process::Child,
    url: String,
}

async fn start_receiver(home: &std::path::Path, inbox_url: &str) -> Receiver {
    use tokio::io::AsyncBufReadExt;
    let config = config_file(home);
    let mut child = veriff_tui(home)
        .args(["--config", config.to_str().unwrap(), "inbox", "--inbox-url", inbox_url])
        .args(["receive", "--listen", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let line = tokio::time::timeout(std::time::Duration::from_secs(30), lines.next_line())
        .await
        .expect("the receiver says where it listens")
        .unwrap()
        .expect("a line");
    let url = line.strip_prefix("listening on ").expect("listening on URL").to_owned();
    Receiver { child, url }
}

fn sign(secret: &str, body: &[u8]) -> String {
    veriff_tui::api::Secret::new(secret).sign(body)
}

async fn post(client: &reqwest::Client, url: &str, key: &str, signature: &str, body: Vec<u8>) -> u16 {
    client
        .post(url)
        .header("content-type", "application/json")
        .header("x-auth-client", key)
        .header("x-hmac-signature", signature)
        .body(body)
        .send()
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0)
}

async fn post_signed(client: &reqwest::Client, url: &str, body: &Value) -> u16 {
    let bytes = serde_json::to_vec(body).unwrap();
    post(client, url, KEY_A, &sign(SECRET_A, &bytes), bytes).await
}

#[tokio::test]
async fn the_receiver_refuses_what_is_not_signed_and_stores_what_is() {
    let home = tempfile::tempdir().unwrap();
    let inbox_url = format!("sqlite://{}", home.path().join("inbox.db").display());
    let receiver = start_receiver(home.path(), &inbox_url).await;
    let client = reqwest::Client::new();
    let body = serde_json::to_vec(&decision("s-signed", "approved", 9001, "2026-01-01T00:00:00Z")).unwrap();
    let url = format!("{}/decision", receiver.url);

    // Refusals: wrong secret, unknown key, no signature, signed with the other profile's secret.
    assert_eq!(
        post(&client, &url, KEY_A, &sign("wrong", &body), body.clone()).await,
        401
    );
    let unknown = "cccc0000-0000-4000-8000-00000000000c";
    assert_eq!(
        post(&client, &url, unknown, &sign(SECRET_A, &body), body.clone()).await,
        401
    );
    assert_eq!(post(&client, &url, KEY_A, "", body.clone()).await, 401);
    assert_eq!(
        post(&client, &url, KEY_A, &sign(SECRET_B, &body), body.clone()).await,
        401
    );
    // Signed but not JSON, and too large.
    assert_eq!(
        post(&client, &url, KEY_A, &sign(SECRET_A, b"not json"), b"not json".to_vec()).await,
        400
    );
    let huge = vec![b' '; (1 << 20) + 1];
    assert_eq!(post(&client, &url, KEY_A, &sign(SECRET_A, &huge), huge).await, 413);
    let store = Store::open(&inbox_url).await.unwrap();
    assert!(
        store.event_bodies().await.unwrap().is_empty(),
        "nothing refused is stored"
    );

    // The other profile's webhook, signed with its own secret: a receiver is one profile's.
    assert_eq!(
        post(&client, &url, KEY_B, &sign(SECRET_B, &body), body.clone()).await,
        401
    );
    // Accepted: on its path or on / told by shape; unknown types raw.
    assert_eq!(
        post(&client, &url, KEY_A, &sign(SECRET_A, &body), body.clone()).await,
        200
    );
    let event = json!({"id": "s-signed", "action": "submitted", "code": 7002, "time": "2026-01-01T00:00:01Z"});
    assert_eq!(post_signed(&client, &format!("{}/", receiver.url), &event).await, 200);
    let odd = json!({"somethingNew": true});
    assert_eq!(post_signed(&client, &format!("{}/", receiver.url), &odd).await, 200);
    assert_eq!(store.event_bodies().await.unwrap().len(), 3);
    assert_eq!(store.event_count("s-signed").await.unwrap(), 2);
    assert_eq!(ids(&store, "status:approved").await, ["s-signed"]);
    drop(receiver);
}

/// Senders keep posting while the receiver is killed with SIGKILL: every webhook it
/// answered 2xx is in the store afterwards.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_during_a_burst_loses_nothing_answered() {
    let home = tempfile::tempdir().unwrap();
    let inbox_url = format!("sqlite://{}", home.path().join("inbox.db").display());
    let mut receiver = start_receiver(home.path(), &inbox_url).await;
    let client = reqwest::Client::new();
    let url = format!("{}/decision", receiver.url);
    let answered = std::sync::Arc::new(std::sync::Mutex::new(Vec::<Vec<u8>>::new()));
    let mut senders = Vec::new();
    for sender in 0..16 {
        let (client, url, answered) = (client.clone(), url.clone(), answered.clone());
        senders.push(tokio::spawn(async move {
            for i in 0.. {
                let body = serde_json::to_vec(&decision(
                    &format!("s-{sender}-{i}"),
                    "approved",
                    9001,
                    "2026-01-01T00:00:00Z",
                ))
                .unwrap();
                match post(&client, &url, KEY_A, &sign(SECRET_A, &body), body.clone()).await {
                    200 => answered.lock().unwrap().push(body),
                    _ => break, // the receiver is gone
                }
            }
        }));
    }
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let pid = receiver.child.id().unwrap() as i32;
    rustix::process::kill_process(
        rustix::process::Pid::from_raw(pid).unwrap(),
        rustix::process::Signal::KILL,
    )
    .unwrap();
    let _ = receiver.child.wait().await;
    for sender in senders {
        sender.await.unwrap();
    }
    let answered = answered.lock().unwrap().clone();
    assert!(answered.len() > 50, "the burst got going: {} answered", answered.len());
    let store = Store::open(&inbox_url).await.unwrap();
    let stored: std::collections::HashSet<Vec<u8>> = store.event_bodies().await.unwrap().into_iter().collect();
    let lost = answered.iter().filter(|b| !stored.contains(*b)).count();
    assert_eq!(lost, 0, "{lost} of {} answered webhooks lost", answered.len());
}

/// Two receivers write into one PostgreSQL: everything arrives once, duplicates
/// sent to both are stored once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_receivers_share_one_postgres() {
    let Some(db) = postgres::database("inbox::two_receivers_share_one_postgres").await else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let first = start_receiver(home.path(), &db.url).await;
    let second = start_receiver(home.path(), &db.url).await;
    let client = reqwest::Client::new();
    let mut sends = Vec::new();
    for i in 0..200 {
        let body = decision(
            &format!("s-{}", i % 50),
            "approved",
            9001,
            &format!("2026-01-01T00:{:02}:00Z", i / 50),
        );
        for receiver in [&first, &second] {
            let (client, url, body) = (client.clone(), format!("{}/", receiver.url), body.clone());
            sends.push(tokio::spawn(async move { post_signed(&client, &url, &body).await }));
        }
    }
    for send in sends {
        assert_eq!(send.await.unwrap(), 200);
    }
    let store = Store::open(&db.url).await.unwrap();
    assert_eq!(store.event_bodies().await.unwrap().len(), 200);
    assert_eq!(store.count(&Query::default(), None).await.unwrap(), 50);
    assert_eq!(store.event_count("s-7").await.unwrap(), 4);
    drop((first, second));
    store.close().await;
}

#[tokio::test]
async fn listening_beyond_loopback_needs_public_and_says_why() {
    let home = tempfile::tempdir().unwrap();
    let config = config_file(home.path());
    let out = veriff_tui(home.path())
        .args([
            "--config",
            config.to_str().unwrap(),
            "inbox",
            "receive",
            "--listen",
            "0.0.0.0:0",
        ])
        .output()
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("--public") && stderr.contains("TLS"), "{stderr}");
}

/// An archive imported from standard input is listed by query, names masked under
/// --redact; the default SQLite inbox lands in the profile's data folder.
#[tokio::test]
async fn import_then_list_by_query_with_redaction() {
    use tokio::io::AsyncWriteExt;
    let home = tempfile::tempdir().unwrap();
    let config = config_file(home.path());
    let mut archive = String::new();
    for i in 0..30 {
        let mut body = decision(
            &format!("s-{i}"),
            if i % 3 == 0 { "declined" } else { "approved" },
            9001,
            "2026-01-01T00:00:00Z",
        );
        body["verification"]["person"] = json!({"firstName": "SPECIMEN", "lastName": format!("SAMPLE{i}")});
        archive.push_str(&format!("{body}\n"));
    }
    archive.push_str("not json\n");
    archive.push_str(&format!(
        "{}\n",
        decision("s-0", "declined", 9001, "2026-01-01T00:00:00Z")
    ));
    let mut import = veriff_tui(home.path())
        .args(["--config", config.to_str().unwrap(), "inbox", "import", "-"])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    import
        .stdin
        .take()
        .unwrap()
        .write_all(archive.as_bytes())
        .await
        .unwrap();
    let out = import.wait_with_output().await.unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    // The line that is not JSON is skipped, the rest stored, and the run fails naming it.
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains("imported 31, 0 already stored, 1 skipped"), "{stderr}");
    assert!(stderr.contains("1 line skipped (first: 31): not JSON"), "{stderr}");
    assert!(home.path().join(".local/share/veriff-tui/a/inbox.db").exists());

    let list = |args: &'static [&'static str]| {
        let mut command = veriff_tui(home.path());
        command
            .args(["--config", config.to_str().unwrap(), "inbox", "list"])
            .args(args);
        async move { String::from_utf8(command.output().await.unwrap().stdout).unwrap() }
    };
    let json_out = list(&["--json", "status:declined", "name:sample12"]).await;
    let rows: Vec<Value> = json_out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows.len(), 1, "{json_out}");
    assert_eq!(rows[0]["id"], "s-12");
    assert_eq!(rows[0]["personName"], "SPECIMEN SAMPLE12");
    let redacted = list(&["--json", "--redact", "s-12"]).await;
    assert!(
        !redacted.contains("SPECIMEN") && redacted.contains("\"s-12\""),
        "{redacted}"
    );
    let table = list(&["--view", "needs review"]).await;
    assert_eq!(table.lines().count(), 1, "only the header: {table}");
    let declined = list(&["status:declined", "--limit", "0"]).await;
    assert_eq!(declined.lines().count(), 1 + 10, "{declined}");
}

/// A session the inbox knows only from an event gets its decision from the API
/// (the embedded server), once: a second sync changes nothing.
#[tokio::test]
async fn sync_fetches_decisions_for_sessions_without_one() {
    use veriff_tui::server::{self, LARGE_SESSION, ServerOptions};
    let server = server::start(ServerOptions::default()).await.unwrap();
    let client = veriff_tui::api::Client::new(server.client_config()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite://{}", dir.path().join("inbox.db").display()))
        .await
        .unwrap();
    let started = json!({"id": LARGE_SESSION, "action": "started", "code": 7001, "time": "2026-01-01T00:00:00Z"});
    let decided = decision("s-decided", "approved", 9001, "2026-01-01T00:00:00Z");
    store.ingest(&[incoming(&started), incoming(&decided)]).await.unwrap();

    let counts = veriff_tui::inbox::sync::sync(&store, &client, 100, 4, None)
        .await
        .unwrap();
    assert_eq!((counts.asked, counts.stored, counts.failed), (1, 1, 0), "{counts:?}");
    let row = &list(&store, LARGE_SESSION).await[0];
    assert_eq!((row.status.as_deref(), row.code), (Some("review"), Some(9121)));
    // Still in review, so asked again; the same signed answer is stored once.
    let again = veriff_tui::inbox::sync::sync(&store, &client, 100, 4, None)
        .await
        .unwrap();
    assert_eq!((again.asked, again.stored, again.unchanged), (1, 0, 1), "{again:?}");
    assert_eq!(store.event_count(LARGE_SESSION).await.unwrap(), 2);
}

/// A browser on PostgreSQL hears of a new webhook at once, without polling.
#[tokio::test]
async fn postgres_notifies_listeners_when_a_webhook_is_stored() {
    let Some(db) = postgres::database("inbox::postgres_notifies_listeners").await else {
        return;
    };
    let store = Store::open(&db.url).await.unwrap();
    let mut listener = sqlx::postgres::PgListener::connect(&db.url).await.unwrap();
    listener.listen("veriff_inbox").await.unwrap();
    store
        .ingest(&[incoming(&decision("s-live", "review", 9121, "2026-01-01T00:00:00Z"))])
        .await
        .unwrap();
    let heard = tokio::time::timeout(std::time::Duration::from_secs(5), listener.recv()).await;
    assert!(heard.is_ok_and(|n| n.is_ok()), "no notification within 5 s");
    drop(listener);
    store.close().await;
}

/// A profile's inbox_url and the config file's views are used; the views list
/// shows the defaults first, each with its count.
#[tokio::test]
async fn views_and_inbox_url_come_from_the_config_file() {
    let home = tempfile::tempdir().unwrap();
    let db = home.path().join("team.db");
    let config = home.path().join("config.toml");
    let text = format!(
        "default_profile = \"a\"\n[profiles.a]\napi_key = \"{KEY_A}\"\nshared_secret = \"{SECRET_A}\"\n\
         inbox_url = \"sqlite://{}\"\n[[inbox.views]]\nname = \"big orders\"\nquery = \"vendor:VIP status:review\"\n",
        db.display()
    );
    veriff_tui::files::write_private(&config, text.as_bytes()).unwrap();
    let store = Store::open(&format!("sqlite://{}", db.display())).await.unwrap();
    let mut vip = decision("s-vip", "review", 9121, "2026-01-01T00:00:00Z");
    vip["verification"]["vendorData"] = json!("VIP");
    store.ingest(&[incoming(&vip)]).await.unwrap();
    let out = veriff_tui(home.path())
        .args(["--config", config.to_str().unwrap(), "inbox", "views"])
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let names: Vec<(&str, &str)> = stdout
        .lines()
        .map(|l| {
            let (count, rest) = l.trim_start().split_once(' ').unwrap();
            (count, rest.trim_start().split("  ").next().unwrap())
        })
        .collect();
    assert_eq!(
        names,
        [
            ("1", "needs review"),
            ("0", "mine"),
            ("1", "unclaimed"),
            ("0", "declined 24h"),
            ("0", "watchlist possible match"),
            ("0", "started not submitted over 1h"),
            ("1", "all"),
            ("1", "big orders")
        ],
        "{stdout}"
    );
    assert!(
        !home.path().join(".local/share/veriff-tui/a/inbox.db").exists(),
        "the profile's URL, not the default"
    );
}

/// A sender that stalls mid-body is answered 408 after 10 s, and nothing is stored.
#[tokio::test]
async fn a_body_not_sent_within_10_s_is_refused() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let home = tempfile::tempdir().unwrap();
    let inbox_url = format!("sqlite://{}", home.path().join("inbox.db").display());
    let receiver = start_receiver(home.path(), &inbox_url).await;
    let addr = receiver.url.strip_prefix("http://").unwrap().to_owned();
    let mut socket = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /decision HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nX-AUTH-CLIENT: {KEY_A}\r\n\
         X-HMAC-SIGNATURE: 00\r\nContent-Length: 100\r\n\r\n{{\"status\":"
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    let started = std::time::Instant::now();
    let mut answer = vec![0; 64];
    let read = tokio::time::timeout(std::time::Duration::from_secs(20), socket.read(&mut answer))
        .await
        .expect("an answer within 20 s")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer[..read]).into_owned();
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(
        started.elapsed() >= std::time::Duration::from_secs(9),
        "not before the 10 s"
    );
    let store = Store::open(&inbox_url).await.unwrap();
    assert!(store.event_bodies().await.unwrap().is_empty());
}

/// A browser on the inbox at `inbox_url` in tmux, marking as `user`.
fn browser(home: &std::path::Path, inbox_url: &str, user: &str) -> tmux::Tmux {
    tmux::inbox_browser((120, 30), home, "http://127.0.0.1:9", inbox_url, Some(user), "")
}

/// The browser on an inbox, as two analysts use it: a webhook that arrives while
/// it is open shows without a key, and a claim, a take-over and a tag made in one
/// browser show in the other.
/// Ann and Bob each open `(url, who)`: the inbox as their login, and how the
/// store names them (`ann@` for `user@host` on SQLite, a PostgreSQL login).
async fn browsers_follow_the_inbox_live(test: &str, inbox_url: &str, ann: (String, String), bob: (String, String)) {
    if !tools::available(test, &[tools::TMUX]) {
        return;
    }
    let ((ann_url, ann_is), (bob_url, bob_is)) = (ann, bob);
    let home = tempfile::tempdir().unwrap();
    let receiver = start_receiver(home.path(), inbox_url).await;
    let client = reqwest::Client::new();
    let decision_url = format!("{}/decision", receiver.url);
    let mut arrived = decision(
        "5e55a221-0000-4000-8000-000000000001",
        "review",
        9121,
        "2026-12-01T10:00:00.000Z",
    );
    arrived["verification"]["person"] = json!({"firstName": "ARRIVED", "lastName": "SPECIMEN"});
    let (home_path, url) = (home.path().to_owned(), ann_url.clone());
    let ann = tokio::task::spawn_blocking(move || {
        let ann = browser(&home_path, &url, "ann");
        // Opened on the first view, its count in the tab.
        ann.wait_for("needs review 0", std::time::Duration::from_secs(15));
        ann
    })
    .await
    .unwrap();
    let sent = std::time::Instant::now();
    assert_eq!(post_signed(&client, &decision_url, &arrived).await, 200);
    let ann = tokio::task::spawn_blocking(move || {
        // No key pressed: the view follows the inbox.
        ann.wait_for("ARRIVED SPECIMEN", std::time::Duration::from_secs(5));
        ann.wait_for("needs review 1", std::time::Duration::from_secs(5));
        ann
    })
    .await
    .unwrap();
    eprintln!(
        "{test}: the webhook showed {} ms after it was posted",
        sent.elapsed().as_millis()
    );

    let (home_path, url) = (home.path().to_owned(), bob_url.clone());
    tokio::task::spawn_blocking(move || {
        let wait = |tmux: &tmux::Tmux, text: &str| tmux.wait_for(text, std::time::Duration::from_secs(10));
        let bob = browser(&home_path, &url, "bob");
        wait(&bob, "ARRIVED SPECIMEN");
        // Ann claims; Bob's card says so without a key.
        ann.send(&["c"]);
        wait(&ann, "claimed session 5e55a221");
        wait(&bob, &format!("claimed by {ann_is}"));
        // Bob taking it over is asked first, naming Ann; then Ann sees it is Bob's.
        bob.send(&["c"]);
        wait(&bob, "has claimed session 5e55a221");
        bob.send(&["Enter"]);
        wait(&bob, &format!("took session 5e55a221 over from {ann_is}"));
        wait(&ann, &format!("claimed by {bob_is}"));
        // A tag and a note travel too (on Bob's claim now: each asked first).
        ann.send(&["t"]);
        wait(&ann, "has claimed session 5e55a221");
        ann.send(&["Enter"]);
        wait(&ann, "tag session 5e55a221");
        // Escalated, not done: `needs review` leaves out what is done.
        ann.send(&["j", "Enter"]);
        wait(&bob, &format!("escalated ({ann_is}"));
        ann.send(&["n"]);
        wait(&ann, "has claimed session 5e55a221");
        ann.send(&["Enter"]);
        wait(&ann, "Note on session 5e55a221");
        ann.send(&["-l", "called the customer"]);
        ann.send(&["Enter"]);
        wait(&bob, "called the customer");
    })
    .await
    .unwrap();
    drop(receiver);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browsers_follow_a_sqlite_inbox_live() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("inbox.db").display());
    let (ann, bob) = ((url.clone(), "ann@".to_owned()), (url.clone(), "bob@".to_owned()));
    browsers_follow_the_inbox_live("browsers_follow_a_sqlite_inbox_live", &url, ann, bob).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browsers_follow_a_postgres_inbox_live() {
    let Some(db) = postgres::database("inbox::browsers_follow_a_postgres_inbox_live").await else {
        return;
    };
    // Each analyst their own login: the store records them by it.
    let ((ann, ann_url), (bob, bob_url)) = (db.login("ann", None).await, db.login("bob", None).await);
    let (ann, bob) = ((ann_url, ann), (bob_url, bob));
    browsers_follow_the_inbox_live("browsers_follow_a_postgres_inbox_live", &db.url, ann, bob).await;
}

/// `--demo inbox`: a newcomer sees a live queue with nothing set up, the demo
/// server posting a new session every few seconds, and opens one like any other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_is_a_live_queue_with_nothing_set_up() {
    if !tools::available("the_demo_is_a_live_queue_with_nothing_set_up", &[tools::TMUX]) {
        return;
    }
    tokio::task::spawn_blocking(|| {
        let home = tempfile::tempdir().unwrap();
        let env = tmux::app_env(home.path(), "http://127.0.0.1:9");
        let binary = env!("CARGO_BIN_EXE_veriff-tui");
        let app = tmux::Tmux::start(120, 30, &env, &format!("{binary} --demo inbox; sleep 600"));
        let wait = |text: &str| app.wait_for(text, std::time::Duration::from_secs(20));
        wait("needs review");
        // To the `all` view: the demo sessions' own decisions arrived as webhooks.
        app.send(&["]", "]", "]", "]", "]", "]"]);
        wait("KARL SPECIMEN");
        // Then the first new session, with no key pressed.
        wait("ANNA SPECIMEN");
        // Opened, its card is the server's, under the name the webhook carried.
        app.send(&["g"]);
        wait("ANNA SPECIMEN · born");
        // The demo's inbox is its own: nothing was written in the person's data dir.
        assert!(!home.path().join("data/veriff-tui/demo").exists());
    })
    .await
    .unwrap();
}

/// Fills a folder's tree into `found`: every path beneath `dir`.
fn every_path(dir: &std::path::Path, found: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        found.push(entry.path());
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            every_path(&entry.path(), found);
        }
    }
}

/// A decision a script or an export fetched is found in the inbox afterwards,
/// by its status; without an inbox, a script makes none.
#[tokio::test]
async fn decisions_fetched_by_scripts_and_exports_are_found_in_the_inbox() {
    use veriff_tui::server::{self, DEMO_API_KEY, DEMO_SHARED_SECRET, ServerOptions};
    const APPROVED: &str = "c0ffee00-1d3a-4b5c-9d7e-0a1b2c3d4e5f";
    const DECLINED: &str = "dec11ned-7b8c-4d9e-8f0a-1b2c3d4e5f6a";
    let server = server::start(ServerOptions::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let run = |args: &[&str], inbox_url: Option<&str>| {
        let mut command = veriff_tui(home.path());
        command
            .env("VERIFF_API_URL", server.url())
            .env("VERIFF_API_KEY", DEMO_API_KEY)
            .env("VERIFF_SHARED_SECRET", DEMO_SHARED_SECRET)
            .env("VERIFF_TUI_CONFIG", "/dev/null")
            .args(args);
        if let Some(url) = inbox_url {
            command.env("VERIFF_INBOX_URL", url);
        }
        command
    };
    let out = run(&["decision", APPROVED], None).output().await.unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut made = Vec::new();
    every_path(home.path(), &mut made);
    assert!(
        !made.iter().any(|p| p.to_string_lossy().contains("inbox")),
        "no inbox asked for, none made: {made:?}"
    );

    let url = format!("sqlite://{}", home.path().join("inbox.db").display());
    let store = Store::open(&url).await.unwrap();
    let out = run(&["decision", APPROVED], Some(&url)).output().await.unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(ids(&store, "status:approved").await, [APPROVED]);

    let case = home.path().join("case");
    let out = run(&["export", DECLINED, "--out", case.to_str().unwrap()], Some(&url))
        .output()
        .await
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(ids(&store, "status:declined").await, [DECLINED]);
    assert_eq!(ids(&store, "").await.len(), 2, "each session once");
}
