//! The writes to Veriff (a new session, a deletion), through the real binary and
//! the client against the embedded server: signed as Veriff checks them, refused
//! before sending where Veriff would refuse, never without the typed id, never
//! under read_only, and each in the audit log without a personal value.

use std::path::Path;
use std::process::Stdio;

use veriff_tui::api::{Client, NewSession, Secret};
use veriff_tui::ids::SessionId;
use veriff_tui::server::{self, DEMO_API_KEY, DEMO_SHARED_SECRET, RunningServer, ServerOptions};

const BIN: &str = env!("CARGO_BIN_EXE_veriff-tui");
const DECLINED: &str = "dec11ned-7b8c-4d9e-8f0a-1b2c3d4e5f6a";
/// Its newest attempt is `submitted`: not a status Veriff deletes in.
const SUBMITTED: &str = "b0a7f00d-2e4f-4a6b-8c9d-1e2f3a4b5c6d";

struct Run {
    success: bool,
    stdout: String,
    stderr: String,
}

/// The binary with only PATH, a temporary HOME (XDG dirs inside) and the demo
/// server's credentials.
async fn run(server: &RunningServer, home: &Path, args: &[&str]) -> Run {
    let output = tokio::process::Command::new(BIN)
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("USER", "analyst")
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("VERIFF_API_URL", server.url())
        .env("VERIFF_API_KEY", DEMO_API_KEY)
        .env("VERIFF_SHARED_SECRET", DEMO_SHARED_SECRET)
        .stdin(Stdio::null())
        .output()
        .await
        .unwrap();
    Run {
        success: output.status.success(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn audit_lines(home: &Path) -> Vec<serde_json::Value> {
    let path = home.join("data/veriff-tui/audit.log");
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object a line"))
        .collect()
}

fn writes(server: &RunningServer) -> Vec<String> {
    server.paths().into_iter().filter(|p| !p.starts_with('/')).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn each_write_is_signed_as_veriff_checks_it_and_refused_otherwise() {
    let server = server::start(ServerOptions::default()).await.unwrap();
    let client = Client::new(server.client_config()).unwrap();
    let created = client
        .create_session(
            &NewSession {
                vendor_data: Some("order-7".into()),
                ..Default::default()
            },
            "r1",
        )
        .await
        .expect("signed over the body, the server takes it");
    let id = SessionId::from(created.answer.verification.unwrap().id);
    client
        .delete_session(&id, "r2")
        .await
        .expect("signed over the id, the server takes it");

    // The same requests signed over anything else are refused with Veriff's code.
    let http = reqwest::Client::new();
    let sign = |message: &[u8]| Secret::new(DEMO_SHARED_SECRET).sign(message);
    let body = br#"{"verification":{}}"#;
    for wrong in [sign(b"sessions"), sign(b"{}"), "0".repeat(64)] {
        let answer = http
            .post(format!("{}/v1/sessions", server.url()))
            .header("x-auth-client", DEMO_API_KEY)
            .header("x-hmac-signature", wrong)
            .body(body.to_vec())
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 401);
        assert!(answer.text().await.unwrap().contains("1818"));
    }
    for wrong in [sign(b""), sign(format!("/v1/sessions/{DECLINED}").as_bytes())] {
        let answer = http
            .delete(format!("{}/v1/sessions/{DECLINED}", server.url()))
            .header("x-auth-client", DEMO_API_KEY)
            .header("x-hmac-signature", wrong)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 401);
    }
    assert!(
        client.session_decision(&SessionId::from(DECLINED)).await.is_ok(),
        "still there"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_deletion_needs_the_typed_id_and_then_the_session_is_gone_everywhere() {
    let server = server::start(ServerOptions::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    std::fs::create_dir_all(home.join("data/veriff-tui")).unwrap();
    std::fs::write(
        home.join("data/veriff-tui/history"),
        format!("{DECLINED}\n{SUBMITTED}\n"),
    )
    .unwrap();

    // Both sessions are in the profile's inbox, each with a decision webhook.
    let inbox = format!("sqlite://{}", home.join("data/veriff-tui/default/inbox.db").display());
    let store = veriff_tui::inbox::Store::open(&inbox).await.unwrap();
    for (id, status) in [(DECLINED, "declined"), (SUBMITTED, "submitted")] {
        let body = serde_json::json!({"status": "success", "verification": {"id": id, "status": status}});
        let raw = serde_json::to_vec(&body).unwrap();
        store
            .ingest(&[veriff_tui::inbox::Incoming::imported(&body, raw)])
            .await
            .unwrap();
    }
    store.close().await;

    let unconfirmed = run(&server, home, &["delete-session", DECLINED]).await;
    assert!(!unconfirmed.success);
    assert!(
        unconfirmed.stderr.contains("--confirm dec11ned"),
        "{}",
        unconfirmed.stderr
    );
    assert!(
        unconfirmed.stderr.contains("declined") && unconfirmed.stderr.contains("2 attempts"),
        "{}",
        unconfirmed.stderr
    );
    let mistyped = run(&server, home, &["delete-session", DECLINED, "--confirm", "dec11nee"]).await;
    assert!(!mistyped.success);
    assert!(mistyped.stderr.contains("nothing deleted"), "{}", mistyped.stderr);
    assert!(writes(&server).is_empty(), "no DELETE was sent: {:?}", writes(&server));

    let deleted = run(
        &server,
        home,
        &["delete-session", DECLINED, "--confirm", "dec11ned", "--json"],
    )
    .await;
    assert!(deleted.success, "{}", deleted.stderr);
    let answer: serde_json::Value = serde_json::from_str(&deleted.stdout).unwrap();
    assert_eq!(answer["deleted"], DECLINED);
    assert_eq!(writes(&server), [format!("DELETE /v1/sessions/{DECLINED}")]);
    let gone = run(&server, home, &["decision", DECLINED]).await;
    assert!(
        !gone.success && gone.stderr.contains("Session not found"),
        "{}",
        gone.stderr
    );
    let history = veriff_tui::history::load(&home.join("data/veriff-tui/history"));
    assert_eq!(history, [SUBMITTED], "removed from the history, the rest kept");
    let store = veriff_tui::inbox::Store::open(&inbox).await.unwrap();
    assert_eq!(
        store.event_count(DECLINED).await.unwrap(),
        0,
        "its webhooks gone from the inbox"
    );
    assert_eq!(store.event_count(SUBMITTED).await.unwrap(), 1, "the others kept");
    store.close().await;

    // A status Veriff does not delete in is refused before any request, with the rule.
    let refused = run(&server, home, &["delete-session", SUBMITTED, "--confirm", "b0a7f00d"]).await;
    assert!(!refused.success);
    assert!(
        refused.stderr.contains("not in a completed status"),
        "{}",
        refused.stderr
    );
    assert_eq!(writes(&server).len(), 1, "no second DELETE");
}

#[tokio::test(flavor = "multi_thread")]
async fn read_only_refuses_every_write_before_any_request() {
    let server = server::start(ServerOptions::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    std::fs::create_dir_all(home.join("config/veriff-tui")).unwrap();
    let config = home.join("config/veriff-tui/config.toml");
    std::fs::write(
        &config,
        "default_profile = \"staff\"\n[profiles.staff]\nread_only = true\n",
    )
    .unwrap();
    std::fs::set_permissions(&config, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    for args in [
        vec!["new-session", "--vendor-data", "order-7"],
        vec!["delete-session", DECLINED, "--confirm", "dec11ned"],
    ] {
        let refused = run(&server, home, &args).await;
        assert!(!refused.success, "{args:?}");
        assert!(refused.stderr.contains("read-only"), "{args:?}: {}", refused.stderr);
        let mut flagged = vec!["--read-only", "--profile", "staff"];
        flagged.extend(&args);
        assert!(!run(&server, home, &flagged).await.success);
    }
    std::fs::write(&config, "[profiles.staff]\n").unwrap();
    let flag = run(&server, home, &["--read-only", "new-session"]).await;
    assert!(!flag.success && flag.stderr.contains("read-only"), "{}", flag.stderr);
    assert_eq!(server.requests(), 0, "refused before anything was asked");
    // Each refusal is a line of its own, with no request id: nothing was sent.
    let lines = audit_lines(home);
    assert_eq!(lines.len(), 5, "{lines:?}");
    for line in &lines {
        assert_eq!(line["outcome"], "refused_here", "{line}");
        assert_eq!(line["reason"], "read_only", "{line}");
        assert!(line.get("request_id").is_none(), "{line}");
    }
    assert_eq!(lines[2]["action"], "delete_session");
    assert_eq!(lines[2]["session"], DECLINED);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_link_is_printed_refused_when_too_long_and_audited_without_personal_values() {
    let server = server::start(ServerOptions::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let long = "x".repeat(1001);
    let refused = run(&server, home, &["new-session", "--vendor-data", &long]).await;
    assert!(
        !refused.success && refused.stderr.contains("at most 1000"),
        "{}",
        refused.stderr
    );
    assert_eq!(server.requests(), 0, "refused before sending");
    let refusal = audit_lines(home);
    assert_eq!(refusal.len(), 1, "the refusal is recorded");
    assert_eq!(refusal[0]["outcome"], "refused_here");
    assert_eq!(refusal[0]["reason"], "invalid_request");
    assert!(!serde_json::to_string(&refusal[0]).unwrap().contains("xxxx"));

    let created = run(
        &server,
        home,
        &[
            "new-session",
            "--vendor-data",
            "liisa.specimen@example.com",
            "--first-name",
            "Liisa",
            "--last-name",
            "Specimen",
        ],
    )
    .await;
    assert!(created.success, "{}", created.stderr);
    let url = created.stdout.trim();
    assert!(url.starts_with(&format!("{}/v/", server.url())), "{url}");

    let lines = audit_lines(home);
    assert_eq!(lines.len(), 2, "one line for the refusal, one for the write");
    let line = &lines[1];
    assert_eq!(line["action"], "create_session");
    assert_eq!(line["status"], 200);
    assert_eq!(line["outcome"], "done");
    assert!(line["user"].as_str().unwrap().starts_with("analyst@"));
    assert!(line["api_url"].as_str().unwrap().starts_with(&server.url()));
    let text = serde_json::to_string(line).unwrap();
    for personal in ["liisa", "Liisa", "Specimen", url] {
        assert!(!text.contains(personal), "{personal} in the audit log: {text}");
    }
    let mode = std::fs::metadata(home.join("data/veriff-tui/audit.log"))
        .unwrap()
        .permissions();
    assert_eq!(std::os::unix::fs::PermissionsExt::mode(&mode) & 0o777, 0o600);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_sixth_deletion_in_an_hour_is_refused_with_the_limits_named() {
    let server = server::start(ServerOptions::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let mut sessions = Vec::new();
    for _ in 0..6 {
        let created = run(&server, home, &["new-session", "--json"]).await;
        assert!(created.success, "{}", created.stderr);
        let answer: serde_json::Value = serde_json::from_str(&created.stdout).unwrap();
        sessions.push(answer["id"].as_str().unwrap().to_owned());
    }
    for (n, session) in sessions.iter().enumerate() {
        let deleted = run(&server, home, &["delete-session", session, "--confirm", &session[..8]]).await;
        if n < 5 {
            assert!(deleted.success, "deletion {}: {}", n + 1, deleted.stderr);
        } else {
            assert!(!deleted.success);
            assert!(
                deleted.stderr.contains("5 sessions an hour and 10 a day"),
                "{}",
                deleted.stderr
            );
        }
    }
    let lines = audit_lines(home);
    assert_eq!(lines.len(), 12, "six creations and six deletions, each a line");
    assert_eq!(lines[11]["outcome"], "rate_limited");
    assert_eq!(lines[11]["status"], 429);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_watchlist_hit_is_reviewed_signed_over_the_body_and_shows_as_reviewed() {
    let server = server::start(ServerOptions::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let hit = "h0000001-0000-4000-8000-000000000001";
    let table = run(&server, home, &["watchlist", DECLINED]).await;
    assert!(
        table.stdout.contains(hit),
        "the table names the hit to review:\n{}",
        table.stdout
    );

    let refused = run(
        &server,
        home,
        &["watchlist", "review", DECLINED, hit, "--status", "maybe"],
    )
    .await;
    assert!(
        !refused.success && refused.stderr.contains("false_positive"),
        "{}",
        refused.stderr
    );
    let misplaced = run(
        &server,
        home,
        &[
            "watchlist",
            "review",
            DECLINED,
            hit,
            "--status",
            "false_positive",
            "--risk-level",
            "high",
        ],
    )
    .await;
    assert!(
        !misplaced.success && misplaced.stderr.contains("true_match"),
        "{}",
        misplaced.stderr
    );
    assert!(writes(&server).is_empty(), "refused before sending");

    let reviewed = run(
        &server,
        home,
        &["watchlist", "review", DECLINED, hit, "--status", "false_positive"],
    )
    .await;
    assert!(reviewed.success, "{}", reviewed.stderr);
    assert_eq!(
        writes(&server),
        [format!("PATCH /v1/sessions/{DECLINED}/watchlist-screening")]
    );
    let after = run(&server, home, &["watchlist", DECLINED]).await;
    assert!(after.stdout.contains("false positive)"), "{}", after.stdout);

    // Signed over anything but the body, the server refuses it.
    let answer = reqwest::Client::new()
        .patch(format!("{}/v1/sessions/{DECLINED}/watchlist-screening", server.url()))
        .header("x-auth-client", DEMO_API_KEY)
        .header(
            "x-hmac-signature",
            Secret::new(DEMO_SHARED_SECRET).sign(DECLINED.as_bytes()),
        )
        .body(format!(r#"{{"hit":{{"id":"{hit}","matchStatus":"true_match"}}}}"#))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 401);

    let read_only = run(
        &server,
        home,
        &[
            "--read-only",
            "watchlist",
            "review",
            DECLINED,
            hit,
            "--status",
            "true_match",
        ],
    )
    .await;
    assert!(
        !read_only.success && read_only.stderr.contains("read-only"),
        "{}",
        read_only.stderr
    );
    let lines = audit_lines(home);
    let sent: Vec<_> = lines.iter().filter(|l| l["outcome"] != "refused_here").collect();
    assert_eq!(sent.len(), 1, "one line for the one write sent: {lines:?}");
    assert_eq!(sent[0]["action"], "review_watchlist_hit");
    assert_eq!(sent[0]["session"], DECLINED);
    let refused: Vec<_> = lines.iter().filter(|l| l["outcome"] == "refused_here").collect();
    let reasons: Vec<_> = refused.iter().map(|l| l["reason"].as_str().unwrap()).collect();
    assert_eq!(reasons, ["invalid_request", "invalid_request", "read_only"]);
    assert_eq!(refused[2]["match_status"], "true_match");
}

/// A server that answers every write with a same-origin redirect, counting what
/// arrives where it points.
#[tokio::test]
async fn a_redirected_write_is_not_followed() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use axum::http::{StatusCode, header};
    use axum::routing::any;

    let followed = Arc::new(AtomicUsize::new(0));
    let counter = followed.clone();
    let app = axum::Router::new()
        .route(
            "/v1/sessions",
            any(|| async { (StatusCode::TEMPORARY_REDIRECT, [(header::LOCATION, "/v1/elsewhere")]) }),
        )
        .route(
            "/v1/elsewhere",
            any(move || {
                counter.fetch_add(1, Ordering::Relaxed);
                async { StatusCode::OK }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let url = veriff_tui::api::normalize_api_url(&format!("http://{addr}")).unwrap();
    let config = veriff_tui::api::ClientConfig::new(url, DEMO_API_KEY, Secret::new(DEMO_SHARED_SECRET));
    let client = Client::new(config).unwrap();
    let refused = client.create_session(&NewSession::default(), "r1").await.unwrap_err();
    assert!(refused.to_string().contains("307"), "{refused}");
    assert_eq!(
        followed.load(Ordering::Relaxed),
        0,
        "the signed write was not sent again"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_write_that_could_not_be_audited_is_not_sent() {
    let server = server::start(ServerOptions::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    // Where the log should be, a folder: it cannot be opened for appending.
    std::fs::create_dir_all(home.join("data/veriff-tui/audit.log")).unwrap();
    for args in [
        vec!["new-session"],
        vec!["delete-session", DECLINED, "--confirm", "dec11ned"],
    ] {
        let refused = run(&server, home, &args).await;
        assert!(!refused.success, "{args:?}");
        assert!(
            refused.stderr.contains("cannot open the audit log"),
            "{args:?}: {}",
            refused.stderr
        );
    }
    assert!(writes(&server).is_empty(), "sent: {:?}", writes(&server));
}
