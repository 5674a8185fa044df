//! A team's store you can run and answer for (#28): migrated only as a step of its
//! own, refused with one line by a client that does not match its schema, purged
//! only as far as asked, and described by `inbox status`.

#[path = "support/postgres.rs"]
mod postgres;
#[path = "support/receiver.rs"]
mod receiver;

use serde_json::json;
use veriff_tui::inbox::{Incoming, Kind, MarkChange, Store, facts, known_schema};
use veriff_tui::time::now_ms;

struct Run {
    success: bool,
    stdout: String,
    stderr: String,
}

/// The binary with a clean environment and a private HOME, on the inbox at `url`.
async fn inbox(home: &std::path::Path, url: &str, args: &[&str]) -> Run {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_veriff-tui"))
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("USER", "analyst")
        .args(["inbox", "--inbox-url", url])
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .unwrap();
    Run {
        success: output.status.success(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

async fn schema_of(url: &str) -> Option<i64> {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    let version = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations")
        .fetch_one(&pool)
        .await
        .ok()
        .flatten();
    pool.close().await;
    version
}

async fn execute(url: &str, statements: &[&str]) {
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    for statement in statements {
        sqlx::query(statement).execute(&pool).await.unwrap();
    }
    pool.close().await;
}

/// No command but `inbox migrate` changes a PostgreSQL store's schema; each says
/// in one line what to do instead.
#[tokio::test]
async fn only_inbox_migrate_migrates_a_postgres_store() {
    let Some(db) = postgres::empty_database("inbox_team::only_inbox_migrate_migrates").await else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    for args in [&["views"][..], &["list", "specimen"], &["status"]] {
        let run = inbox(home.path(), &db.url, args).await;
        assert!(!run.success, "{args:?}");
        assert!(
            run.stderr.contains("has no tables yet") && run.stderr.contains("run `veriff-tui inbox migrate`"),
            "{args:?}: {}",
            run.stderr
        );
        assert_eq!(run.stderr.trim().lines().count(), 1, "one line: {}", run.stderr);
    }
    assert_eq!(schema_of(&db.url).await, None, "nothing was migrated");

    let migrated = inbox(home.path(), &db.url, &["migrate"]).await;
    assert!(migrated.success, "{}", migrated.stderr);
    assert!(
        migrated
            .stdout
            .contains(&format!("tables made, schema {}", known_schema())),
        "{}",
        migrated.stdout
    );
    assert!(inbox(home.path(), &db.url, &["views"]).await.success);
    let again = inbox(home.path(), &db.url, &["migrate"]).await;
    assert!(again.stdout.contains("nothing to do"), "{}", again.stdout);

    // A store one migration behind this client (as after an upgrade of the
    // tool but not yet of the store): said, not done.
    let ours = known_schema();
    execute(
        &db.url,
        &[&format!("DELETE FROM _sqlx_migrations WHERE version = {ours}")],
    )
    .await;
    let behind = inbox(home.path(), &db.url, &["list"]).await;
    assert!(!behind.success);
    assert!(
        behind.stderr.contains(&format!(
            "is at schema {}; this veriff-tui needs schema {ours}",
            ours - 1
        )),
        "{}",
        behind.stderr
    );
    assert_eq!(schema_of(&db.url).await, Some(ours - 1), "a read never migrates");
}

/// A client older than the store: works while the store says it is compatible,
/// refused with one line naming both versions once it is not.
async fn an_older_client_is_refused_only_where_the_store_says_so(url: &str) {
    let home = tempfile::tempdir().unwrap();
    let ours = known_schema();
    let future = ours + 5;
    // A newer veriff-tui has been here: a migration this one does not know.
    let record = format!(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES ({future}, 'from a newer veriff-tui', true, {}, 0)",
        if url.starts_with("postgres") {
            "'\\x00'::bytea"
        } else {
            "X'00'"
        }
    );
    execute(url, &[&record]).await;
    let compatible = inbox(home.path(), url, &["list"]).await;
    assert!(compatible.success, "still compatible: {}", compatible.stderr);

    execute(
        url,
        &[&format!(
            "UPDATE inbox_meta SET value = '{future}' WHERE name = 'compatible_from'"
        )],
    )
    .await;
    let refused = inbox(home.path(), url, &["list"]).await;
    assert!(!refused.success);
    assert_eq!(refused.stderr.trim().lines().count(), 1, "{}", refused.stderr);
    assert!(
        refused.stderr.contains(&format!(
            "is at schema {future}, which needs a veriff-tui that knows schema {future} or later; this one knows {ours}: upgrade veriff-tui"
        )),
        "{}",
        refused.stderr
    );
}

#[tokio::test]
async fn an_older_client_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("inbox.db").display());
    Store::open(&url).await.unwrap().close().await;
    an_older_client_is_refused_only_where_the_store_says_so(&url).await;
}

#[tokio::test]
async fn an_older_client_on_postgres() {
    let Some(db) = postgres::database("inbox_team::an_older_client_on_postgres").await else {
        return;
    };
    an_older_client_is_refused_only_where_the_store_says_so(&db.url).await;
}

fn decision(id: &str, time: &str) -> Incoming {
    let body = json!({"status": "success", "verification": {
        "id": id, "status": "declined", "code": 9102, "decisionTime": time,
        "person": {"firstName": "ANNA", "lastName": "SPECIMEN"}}});
    let kind = Kind::from_shape(&body);
    Incoming {
        kind,
        facts: facts(kind, &body),
        body: serde_json::to_vec(&body).unwrap(),
        headers: "{}".to_owned(),
        source: "live".to_owned(),
        received_ms: now_ms(),
    }
}

/// `--dry-run` says what would go and removes nothing; a purge that would remove
/// every session needs `--all`; a note counts as activity; `inbox status` counts.
async fn a_purge_says_what_it_does(url: &str) {
    let home = tempfile::tempdir().unwrap();
    let store = Store::open(url).await.unwrap();
    let (old, noted) = (
        "01d00000-0000-4000-8000-00000000000a",
        "0de00000-0000-4000-8000-00000000000b",
    );
    let batch = [
        decision(old, "2020-01-01T00:00:00Z"),
        decision(noted, "2020-01-02T00:00:00Z"),
    ];
    store.ingest(&batch).await.unwrap();
    store.close().await;

    let dry = inbox(home.path(), url, &["purge", "--older-than", "30", "--dry-run"]).await;
    assert!(dry.success, "{}", dry.stderr);
    assert!(
        dry.stdout.contains("would purge 2 of 2 sessions") && dry.stdout.contains("2 webhooks"),
        "{}",
        dry.stdout
    );
    let all = inbox(home.path(), url, &["purge", "--older-than", "30"]).await;
    assert!(!all.success);
    assert!(
        all.stderr.contains("remove every session") && all.stderr.contains("--all"),
        "{}",
        all.stderr
    );
    let status = inbox(home.path(), url, &["status"]).await;
    assert!(status.success, "{}", status.stderr);
    assert!(
        status.stdout.contains("sessions     2"),
        "nothing went: {}",
        status.stdout
    );

    // A note today is activity: the noted session is kept, so no --all is needed.
    let store = Store::open(url).await.unwrap();
    store
        .mark(noted, &MarkChange::Note(Some("called back".into())), "ann@desk1")
        .await
        .unwrap();
    let today = veriff_tui::time::format_time_ms(now_ms());
    let recent = decision("4ece0000-0000-4000-8000-00000000000c", &today);
    store.ingest(&[recent]).await.unwrap();
    store.close().await;
    let purged = inbox(home.path(), url, &["purge", "--older-than", "30"]).await;
    assert!(purged.success, "{}", purged.stderr);
    assert!(purged.stdout.contains("purged 1 sessions"), "{}", purged.stdout);
    let status = inbox(home.path(), url, &["status", "--json"]).await;
    let status: serde_json::Value = serde_json::from_str(&status.stdout).unwrap();
    assert_eq!(status["sessions"], 2, "the noted and the recent one");
    assert_eq!(status["schema"], known_schema());
    // Webhooks older than the purge's age go, the noted session's too: raw
    // bodies are kept only that long.
    assert_eq!(status["webhooks"], 1);
    assert_eq!(status["sources"], json!([["live", 1]]));
}

#[tokio::test]
async fn a_purge_says_what_it_does_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("inbox.db").display());
    a_purge_says_what_it_does(&url).await;
}

#[tokio::test]
async fn a_purge_says_what_it_does_on_postgres() {
    let Some(db) = postgres::database("inbox_team::a_purge_says_what_it_does").await else {
        return;
    };
    a_purge_says_what_it_does(&db.url).await;
}

/// `inbox backup` while a receiver takes a burst: the copy opens, holds every
/// session answered before it began, and is private.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_under_a_running_receiver_holds_every_session_and_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let home = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", home.path().join("inbox.db").display());
    let receiver = receiver::start_with_demo_key(home.path(), &url).await;
    let address = format!("{}/decision", receiver.url);
    let post = move |n: usize| {
        let address = address.clone();
        async move {
            let id = format!("bac0{n:04}-0000-4000-8000-000000000000");
            let body = serde_json::to_vec(&json!({"status": "success", "verification": {
                "id": id, "status": "approved", "code": 9001, "decisionTime": "2026-12-01T10:00:00Z"}}))
            .unwrap();
            assert_eq!(receiver::post_signed(&address, &body).await.0, 200);
            id
        }
    };
    let mut answered = Vec::new();
    for n in 0..100 {
        answered.push(post(n).await);
    }
    // A burst goes on while the backup is taken.
    let burst = tokio::spawn({
        let post = post.clone();
        async move {
            for n in 100..400 {
                post(n).await;
            }
        }
    });
    let file = home.path().join("backups/inbox-copy.db");
    let backed_up = inbox(home.path(), &url, &["backup", file.to_str().unwrap()]).await;
    assert!(backed_up.success, "{}", backed_up.stderr);
    burst.await.unwrap();
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "{mode:o}");
    let copy = Store::open(&format!("sqlite://{}", file.display())).await.unwrap();
    let page = veriff_tui::inbox::Page {
        after: None,
        limit: 1000,
    };
    let held: std::collections::HashSet<String> = copy
        .list(&veriff_tui::inbox::Query::parse("").unwrap(), page)
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.id)
        .collect();
    copy.close().await;
    let missing: Vec<&String> = answered.iter().filter(|id| !held.contains(*id)).collect();
    assert!(missing.is_empty(), "answered before the backup, not in it: {missing:?}");
    assert!(held.len() <= 400);
    let again = inbox(home.path(), &url, &["backup", file.to_str().unwrap()]).await;
    assert!(
        !again.success && again.stderr.contains("never overwrites"),
        "{}",
        again.stderr
    );
}

/// A restored backup never brings back a session erased since it was taken.
#[tokio::test]
async fn a_restore_erases_again_what_was_erased_since_the_backup() {
    let home = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", home.path().join("inbox.db").display());
    let (gone, kept) = (
        "e4a5ed00-0000-4000-8000-0000000000aa",
        "4ee90000-0000-4000-8000-0000000000bb",
    );
    let store = Store::open(&url).await.unwrap();
    let today = veriff_tui::time::format_time_ms(now_ms());
    store
        .ingest(&[decision(gone, &today), decision(kept, &today)])
        .await
        .unwrap();
    store.close().await;
    let file = home.path().join("before.db");
    assert!(
        inbox(home.path(), &url, &["backup", file.to_str().unwrap()])
            .await
            .success
    );

    let store = Store::open(&url).await.unwrap();
    store.erase(gone, "dpo@desk").await.unwrap();
    store.close().await;
    let restored = inbox(home.path(), &url, &["restore", file.to_str().unwrap()]).await;
    assert!(restored.success, "{}", restored.stderr);
    assert!(
        restored
            .stdout
            .contains("holds 1 sessions; 1 erased since the backup erased again"),
        "{}",
        restored.stdout
    );
    let store = Store::open(&url).await.unwrap();
    assert!(store.is_erased(gone).await.unwrap());
    assert_eq!(store.event_count(gone).await.unwrap(), 0);
    assert_eq!(store.event_count(kept).await.unwrap(), 1);
    store.close().await;
}

/// The roles the README gives a team: each does its job, is refused outside it,
/// and is recorded as its login, whatever `$USER` says.
#[tokio::test]
async fn each_role_does_its_job_and_is_refused_outside_it() {
    let Some(db) = postgres::database("inbox_team::each_role_does_its_job").await else {
        return;
    };
    sqlx::any::install_default_drivers();
    let grants = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/postgres-roles.sql")).unwrap();
    let pool = sqlx::AnyPool::connect(&db.url).await.unwrap();
    sqlx::raw_sql(&grants).execute(&pool).await.unwrap();
    pool.close().await;
    let receiver = db.login("intake", Some("veriff_receiver")).await;
    let analyst = db.login("ann", Some("veriff_analyst")).await;
    let session = "5e55a221-0000-4000-8000-0000000000cc";

    // The receiver stores a webhook, and cannot touch a mark.
    let as_receiver = Store::open(&receiver.1).await.unwrap();
    let today = veriff_tui::time::format_time_ms(now_ms());
    let stored = as_receiver.ingest(&[decision(session, &today)]).await.unwrap();
    assert_eq!(stored, [veriff_tui::inbox::Outcome::Stored]);

    // The analyst marks it: recorded as the login, not as whatever it says.
    let as_analyst = Store::open(&analyst.1).await.unwrap();
    as_analyst
        .mark(session, &MarkChange::Claim { from: None }, "mallory@vm")
        .await
        .unwrap();
    let marks = as_analyst.marks(&[session.to_owned()]).await.unwrap();
    assert_eq!(marks[session].claimed_by.as_deref(), Some(analyst.0.as_str()));
    assert_eq!(as_analyst.who("mallory@vm"), analyst.0);

    let refused = as_receiver
        .mark(session, &MarkChange::Tag(Some("done".into())), "intake")
        .await
        .expect_err("a receiver changes no mark");
    assert!(refused.contains("permission denied"), "{refused}");
    let pool = sqlx::AnyPool::connect(&receiver.1).await.unwrap();
    let deleting = sqlx::query("DELETE FROM marks").execute(&pool).await;
    assert!(deleting.is_err_and(|e| e.to_string().contains("permission denied")));
    pool.close().await;

    // The analyst reads the index but no raw body or header.
    let bodies = as_analyst
        .event_bodies()
        .await
        .expect_err("no raw bodies for an analyst");
    assert!(bodies.contains("permission denied"), "{bodies}");
    let pool = sqlx::AnyPool::connect(&analyst.1).await.unwrap();
    let headers = sqlx::query("SELECT headers FROM events").fetch_all(&pool).await;
    assert!(headers.is_err_and(|e| e.to_string().contains("permission denied")));
    pool.close().await;
    let page = veriff_tui::inbox::Page { after: None, limit: 10 };
    let found = as_analyst
        .list(&veriff_tui::inbox::Query::parse("specimen").unwrap(), page)
        .await
        .unwrap();
    assert_eq!(found.len(), 1);

    // An erasure is an analyst's job too; the receiver then drops the session.
    let removed = as_analyst.erase(session, "mallory@vm").await.unwrap();
    assert_eq!(removed.webhooks, 1);
    let again = as_receiver.ingest(&[decision(session, &today)]).await.unwrap();
    assert_eq!(again, [veriff_tui::inbox::Outcome::Erased]);
    as_receiver.close().await;
    as_analyst.close().await;
}

/// After `pg_restore`, `restore --erased-from OLD` erases again what the old
/// database's erased list and the audit log's deletions name.
#[tokio::test]
async fn a_postgres_restore_erases_again_what_was_erased_since() {
    let Some(old) = postgres::database("inbox_team::restore_old").await else {
        return;
    };
    let Some(new) = postgres::database("inbox_team::restore_new").await else {
        return;
    };
    let (erased, deleted, kept) = (
        "e4a5ed00-0000-4000-8000-0000000000d1",
        "de1e7ed0-0000-4000-8000-0000000000d2",
        "4ee90000-0000-4000-8000-0000000000d3",
    );
    let today = veriff_tui::time::format_time_ms(now_ms());
    let batch = || {
        [
            decision(erased, &today),
            decision(deleted, &today),
            decision(kept, &today),
        ]
    };
    // The old database as it was dumped, then restored as the new one...
    let store = Store::open(&old.url).await.unwrap();
    store.ingest(&batch()).await.unwrap();
    let key: String = {
        let pool = sqlx::AnyPool::connect(&old.url).await.unwrap();
        let key = sqlx::query_scalar("SELECT value FROM inbox_meta WHERE name = 'erasure'")
            .fetch_one(&pool)
            .await
            .unwrap();
        pool.close().await;
        key
    };
    execute(
        &new.url,
        &[&format!("UPDATE inbox_meta SET value = '{key}' WHERE name = 'erasure'")],
    )
    .await;
    let restored = Store::open(&new.url).await.unwrap();
    restored.ingest(&batch()).await.unwrap();
    restored.close().await;
    // ...and what happened to the old one since the dump.
    store.erase(erased, "dpo@desk").await.unwrap();
    store.close().await;
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join(".local/share/veriff-tui");
    std::fs::create_dir_all(&data).unwrap();
    let line = json!({"action": "delete_session", "outcome": "done", "session": deleted});
    std::fs::write(data.join("audit.log"), format!("{line}\n")).unwrap();

    let run = inbox(home.path(), &new.url, &["restore", "--erased-from", &old.url]).await;
    assert!(run.success, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("holds 1 sessions; 2 erased since the backup erased again"),
        "{}",
        run.stdout
    );
    let store = Store::open(&new.url).await.unwrap();
    assert!(store.is_erased(erased).await.unwrap() && store.is_erased(deleted).await.unwrap());
    assert_eq!(store.event_count(kept).await.unwrap(), 1);
    store.close().await;
}

/// A receiver keeps only the headers that prove and trace a webhook: never the
/// API key, nor what a proxy adds; and migration 6 cleans what older versions kept.
async fn only_the_headers_that_prove_a_webhook_are_kept(url: &str) {
    let home = tempfile::tempdir().unwrap();
    let mut running = receiver::start_with_demo_key(home.path(), url).await;
    let address = format!("{}/decision", running.url);
    let body = serde_json::to_vec(&json!({"status": "success", "verification": {
        "id": "4eade450-0000-4000-8000-000000000001", "status": "approved", "code": 9001}}))
    .unwrap();
    let signature = veriff_tui::api::Secret::new(veriff_tui::server::DEMO_SHARED_SECRET).sign(&body);
    let answer = reqwest::Client::new()
        .post(address)
        .header("content-type", "application/json")
        .header("x-auth-client", veriff_tui::server::DEMO_API_KEY)
        .header("x-hmac-signature", &signature)
        .header("vrf-integration-id", "specimen-integration")
        .header("authorization", "Bearer specimen-proxy-token")
        .header("cookie", "session=specimen-cookie")
        .header("x-forwarded-for", "192.0.2.7")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 200);
    running.child.kill().await.unwrap();

    // A row as an older version stored it.
    execute(
        url,
        &[&format!(
            "INSERT INTO events (body_hash, kind, session_id, source, received_ms, event_ms, headers, body) \
             VALUES ('old', 'decision', 'old-session', 'live', 1, 1, \
             '{{\"x-auth-client\": \"{}\", \"authorization\": \"Bearer old-token\", \"content-type\": \"application/json\"}}', {})",
            veriff_tui::server::DEMO_API_KEY,
            if url.starts_with("postgres") { "'\\x7b7d'::bytea" } else { "X'7b7d'" }
        )],
    )
    .await;
    execute(url, &["DELETE FROM _sqlx_migrations WHERE version = 6"]).await;
    Store::migrate(url, false).await.unwrap();

    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    let stored: Vec<String> = sqlx::query_scalar("SELECT headers FROM events ORDER BY n")
        .fetch_all(&pool)
        .await
        .unwrap();
    pool.close().await;
    let all = stored.join("\n");
    for never in [
        veriff_tui::server::DEMO_API_KEY,
        "specimen-proxy-token",
        "specimen-cookie",
        "old-token",
        "192.0.2.7",
    ] {
        assert!(!all.contains(never), "{never} kept: {all}");
    }
    let received: serde_json::Value = serde_json::from_str(&stored[0]).unwrap();
    assert_eq!(received["x-hmac-signature"], signature.as_str());
    assert_eq!(received["vrf-integration-id"], "specimen-integration");
    assert_eq!(received["content-type"], "application/json");
    let old: serde_json::Value = serde_json::from_str(&stored[1]).unwrap();
    assert_eq!(old, json!({"content-type": "application/json"}));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_headers_that_prove_a_webhook_are_kept_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("inbox.db").display());
    Store::open(&url).await.unwrap().close().await;
    only_the_headers_that_prove_a_webhook_are_kept(&url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_headers_that_prove_a_webhook_are_kept_on_postgres() {
    let Some(db) = postgres::database("inbox_team::only_the_headers").await else {
        return;
    };
    only_the_headers_that_prove_a_webhook_are_kept(&db.url).await;
}

/// `index_fetched = false`: what a profile fetches stays out of its inbox.
#[tokio::test(flavor = "multi_thread")]
async fn index_fetched_says_whether_a_fetched_decision_is_copied_into_the_inbox() {
    let server = veriff_tui::server::start(veriff_tui::server::ServerOptions::default())
        .await
        .unwrap();
    const APPROVED: &str = "c0ffee00-1d3a-4b5c-9d7e-0a1b2c3d4e5f";
    for (index_fetched, kept) in [(false, 0), (true, 1)] {
        let home = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", home.path().join("inbox.db").display());
        Store::open(&url).await.unwrap().close().await;
        let config = home.path().join("config.toml");
        let text = format!(
            "default_profile = \"live\"\n[profiles.live]\napi_url = \"{}\"\napi_key = \"{}\"\n\
             shared_secret = \"{}\"\ninbox_url = \"{url}\"\nindex_fetched = {index_fetched}\n",
            server.url(),
            veriff_tui::server::DEMO_API_KEY,
            veriff_tui::server::DEMO_SHARED_SECRET
        );
        veriff_tui::files::write_private(&config, text.as_bytes()).unwrap();
        let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_veriff-tui"))
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", home.path())
            .args(["--config", config.to_str().unwrap(), "decision", APPROVED])
            .output()
            .await
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let store = Store::open(&url).await.unwrap();
        assert_eq!(
            store.event_count(APPROVED).await.unwrap(),
            kept,
            "index_fetched = {index_fetched}"
        );
        store.close().await;
    }
}

/// The team's audit on PostgreSQL: Ann's deletion, made from her login, is in
/// the audit Bob reads, under her login, its session named only by its hash.
#[tokio::test(flavor = "multi_thread")]
async fn the_team_audit_lists_a_deletion_made_from_another_login() {
    let Some(db) = postgres::database("inbox_team::the_team_audit").await else {
        return;
    };
    const DECLINED: &str = "dec11ned-7b8c-4d9e-8f0a-1b2c3d4e5f6a";
    let server = veriff_tui::server::start(veriff_tui::server::ServerOptions::default())
        .await
        .unwrap();
    let ((ann, ann_url), (_, bob_url)) = (db.login("ann", None).await, db.login("bob", None).await);
    let run = |url: &str, home: &std::path::Path, args: &[&str]| {
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_veriff-tui"));
        command
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", home)
            .env("USER", "mallory")
            .env("VERIFF_API_URL", server.url())
            .env("VERIFF_API_KEY", veriff_tui::server::DEMO_API_KEY)
            .env("VERIFF_SHARED_SECRET", veriff_tui::server::DEMO_SHARED_SECRET)
            .env("VERIFF_INBOX_URL", url)
            .args(args)
            .stdin(std::process::Stdio::null());
        command
    };
    let (ann_home, bob_home) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let deleted = run(
        &ann_url,
        ann_home.path(),
        &["delete-session", DECLINED, "--confirm", &DECLINED[..8]],
    )
    .output()
    .await
    .unwrap();
    assert!(deleted.status.success(), "{}", String::from_utf8_lossy(&deleted.stderr));

    let listed = run(&bob_url, bob_home.path(), &["inbox", "audit", "--json"])
        .output()
        .await
        .unwrap();
    assert!(listed.status.success(), "{}", String::from_utf8_lossy(&listed.stderr));
    let text = String::from_utf8_lossy(&listed.stdout);
    assert!(
        !text.contains(DECLINED),
        "the session is named by its hash only: {text}"
    );
    let lines: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let deletion = lines
        .iter()
        .find(|l| l["action"] == "delete_session")
        .unwrap_or_else(|| panic!("{text}"));
    assert_eq!(deletion["login"], ann.as_str(), "recorded as Ann's login, not $USER");
    assert_eq!(deletion["outcome"], "done");
    let store = Store::open(&bob_url).await.unwrap();
    assert_eq!(deletion["session_hash"], store.session_hash(DECLINED).as_str());
    store.close().await;
    let one = run(&bob_url, bob_home.path(), &["inbox", "audit", "--session", DECLINED])
        .output()
        .await
        .unwrap();
    let table = String::from_utf8_lossy(&one.stdout);
    assert!(table.contains(&ann) && table.contains("delete_session"), "{table}");
}

/// `--inbox-url` is taken where people type it: after the inbox's action too.
#[tokio::test]
async fn the_inbox_url_is_taken_after_the_action_too() {
    let home = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", home.path().join("inbox.db").display());
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_veriff-tui"))
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .args(["inbox", "status", "--inbox-url", &url])
        .output()
        .await
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(
        said.contains(&url["sqlite://".len()..]),
        "the inbox named after `status`: {said}"
    );
}
