//! The audit log says exactly what each write did (the hit and status of a
//! review, an erasure's reference, the `X-Request-Id` the server received), what
//! the tool refused itself, and each export, import and purge; `audit` reads it
//! and `audit --verify` finds a line edited or removed. Through the real binary
//! against the embedded server on loopback.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use serde_json::Value;
use veriff_tui::server::{self, DEMO_API_KEY, DEMO_SHARED_SECRET, RunningServer, ServerOptions};

const BIN: &str = env!("CARGO_BIN_EXE_veriff-tui");
const DECLINED: &str = "dec11ned-7b8c-4d9e-8f0a-1b2c3d4e5f6a";
/// Its newest attempt is `submitted`: not a status Veriff deletes in.
const SUBMITTED: &str = "b0a7f00d-2e4f-4a6b-8c9d-1e2f3a4b5c6d";
const HIT: &str = "h0000001-0000-4000-8000-000000000001";

struct Run {
    success: bool,
    stdout: String,
    stderr: String,
}

/// The binary with only PATH, a temporary HOME (XDG dirs inside) and the
/// credentials for `api_url`.
async fn run_at(api_url: &str, home: &Path, args: &[&str]) -> Run {
    let output = tokio::process::Command::new(BIN)
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("USER", "analyst")
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("VERIFF_API_URL", api_url)
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

async fn run(server: &RunningServer, home: &Path, args: &[&str]) -> Run {
    run_at(&server.url(), home, args).await
}

fn log_path(home: &Path) -> PathBuf {
    home.join("data/veriff-tui/audit.log")
}

fn audit_lines(home: &Path) -> Vec<Value> {
    std::fs::read_to_string(log_path(home))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object a line"))
        .collect()
}

/// The `X-Request-Id` the server received with the write `write` (`METHOD path`).
fn received(server: &RunningServer, write: &str) -> Vec<String> {
    server
        .request_ids()
        .into_iter()
        .filter(|(w, _)| w == write)
        .map(|(_, id)| id.expect("every write carries X-Request-Id"))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hit_review_line_names_the_hit_its_status_whitelisting_and_the_request_id_received() {
    let server = server::start(ServerOptions::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let reviewed = run(
        &server,
        home,
        &[
            "watchlist",
            "review",
            DECLINED,
            HIT,
            "--status",
            "true_match",
            "--risk-level",
            "high",
            "--whitelist",
        ],
    )
    .await;
    assert!(reviewed.success, "{}", reviewed.stderr);
    let lines = audit_lines(home);
    assert_eq!(lines.len(), 1, "{lines:?}");
    let line = &lines[0];
    assert_eq!(line["action"], "review_watchlist_hit");
    assert_eq!(line["session"], DECLINED);
    assert_eq!(line["hit"], HIT);
    assert_eq!(line["match_status"], "true_match");
    assert_eq!(line["risk_level"], "high");
    assert_eq!(line["whitelisted"], true);
    assert_eq!(
        (line["outcome"].as_str(), line["status"].as_u64()),
        (Some("done"), Some(200))
    );
    let sent = received(&server, &format!("PATCH /v1/sessions/{DECLINED}/watchlist-screening"));
    assert_eq!(sent.len(), 1);
    assert_eq!(
        line["request_id"],
        sent[0].as_str(),
        "the id logged is the id Veriff got"
    );

    // The table says it in words.
    let table = run(&server, home, &["audit"]).await;
    assert!(table.success, "{}", table.stderr);
    assert!(
        table
            .stdout
            .contains(&format!("hit {HIT} → true_match (high risk), whitelisted")),
        "{}",
        table.stdout
    );
    assert!(table.stdout.contains(&sent[0]), "{}", table.stdout);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_erasure_line_keeps_its_reference_and_request_id_and_refusals_are_lines_too() {
    let server = server::start(ServerOptions::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let read_only = run(
        &server,
        home,
        &["--read-only", "delete-session", DECLINED, "--confirm", "dec11ned"],
    )
    .await;
    assert!(
        !read_only.success && read_only.stderr.contains("read-only"),
        "{}",
        read_only.stderr
    );
    let mistyped = run(&server, home, &["delete-session", DECLINED, "--confirm", "dec11nee"]).await;
    assert!(!mistyped.success, "{}", mistyped.stderr);
    let not_deletable = run(&server, home, &["delete-session", SUBMITTED, "--confirm", "b0a7f00d"]).await;
    assert!(!not_deletable.success, "{}", not_deletable.stderr);
    assert!(server.request_ids().is_empty(), "no write was sent");

    let deleted = run(
        &server,
        home,
        &[
            "delete-session",
            DECLINED,
            "--confirm",
            "dec11ned",
            "--reference",
            "DSR-2291",
        ],
    )
    .await;
    assert!(deleted.success, "{}", deleted.stderr);
    let lines = audit_lines(home);
    let refusals: Vec<(&str, &str)> = lines[..3]
        .iter()
        .map(|l| (l["outcome"].as_str().unwrap(), l["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(
        refusals,
        [
            ("refused_here", "read_only"),
            ("refused_here", "confirmation_mismatch"),
            ("refused_here", "not_deletable")
        ]
    );
    assert_eq!(lines[2]["session"], SUBMITTED);
    for refusal in &lines[..3] {
        assert!(refusal.get("request_id").is_none(), "nothing sent: {refusal}");
        assert!(refusal["status"].is_null(), "{refusal}");
    }
    let deletion = &lines[3];
    assert_eq!(deletion["action"], "delete_session");
    assert_eq!(deletion["reference"], "DSR-2291");
    assert_eq!(deletion["outcome"], "done");
    let sent = received(&server, &format!("DELETE /v1/sessions/{DECLINED}"));
    assert_eq!(sent.len(), 1);
    assert_eq!(deletion["request_id"], sent[0].as_str());

    let only = run(&server, home, &["audit", "--action", "delete", "--json"]).await;
    assert!(only.success, "{}", only.stderr);
    let only: Vec<Value> = serde_json::from_str(&only.stdout).unwrap();
    assert_eq!(only.len(), 4);
    let table = run(&server, home, &["audit", "--action", "delete_session"]).await;
    assert!(table.stdout.contains("reference DSR-2291"), "{}", table.stdout);
    assert!(table.stdout.contains("why not_deletable"), "{}", table.stdout);
    assert_eq!(
        table.stdout.lines().count(),
        5,
        "a header and four lines:\n{}",
        table.stdout
    );
    let last = table.stdout.lines().last().unwrap();
    assert!(
        last.contains("done 200") && last.contains(&sent[0]),
        "newest last: {last}"
    );

    // A link that could not be shown is not made, and that refusal is a line too.
    let redacted = run(&server, home, &["--redact", "new-session"]).await;
    assert!(!redacted.success, "{}", redacted.stderr);
    let last = audit_lines(home).pop().unwrap();
    assert_eq!(
        (
            last["action"].as_str(),
            last["outcome"].as_str(),
            last["reason"].as_str()
        ),
        (Some("create_session"), Some("refused_here"), Some("redacted"))
    );
    assert_eq!(server.request_ids().len(), 1, "only the deletion was sent");
}

/// A server that takes every write and answers 200: first under a signature
/// that is not its body's, then signed but not JSON. Either way the write may
/// have happened.
#[tokio::test(flavor = "multi_thread")]
async fn a_2xx_whose_signature_does_not_check_out_is_unverified_not_failed() {
    use axum::http::HeaderMap;
    use axum::routing::post;
    use std::sync::{Arc, Mutex};

    let ids = Arc::new(Mutex::new(Vec::<String>::new()));
    let seen = ids.clone();
    let app = axum::Router::new().route(
        "/v1/sessions",
        post(move |headers: HeaderMap| {
            let id = headers.get("x-request-id").map(|v| v.to_str().unwrap().to_owned());
            let mut seen = seen.lock().unwrap();
            seen.extend(id);
            let first = seen.len() == 1;
            async move {
                let secret = veriff_tui::api::Secret::new(DEMO_SHARED_SECRET);
                let (body, signature) = if first {
                    let body = r#"{"status":"success","verification":{"id":"0b6d1bd4-7c42-4b6f-9c2e-123456789012"}}"#;
                    (body, secret.sign(b"another body"))
                } else {
                    ("<html>created</html>", secret.sign(b"<html>created</html>"))
                };
                (
                    [
                        ("x-hmac-signature", signature),
                        ("content-type", "application/json".into()),
                    ],
                    body,
                )
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let created = run_at(&format!("http://{addr}"), home, &["new-session"]).await;
    assert!(!created.success);
    assert!(created.stderr.contains("may have happened"), "{}", created.stderr);
    let unreadable = run_at(&format!("http://{addr}"), home, &["new-session"]).await;
    assert!(!unreadable.success);
    assert!(unreadable.stderr.contains("may have happened"), "{}", unreadable.stderr);
    let lines = audit_lines(home);
    assert_eq!(lines.len(), 2);
    let ids = ids.lock().unwrap();
    for (line, id) in lines.iter().zip(ids.iter()) {
        assert_eq!(line["outcome"], "unverified", "{line}");
        assert_eq!(line["status"], 200);
        assert_eq!(line["request_id"], id.as_str());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn audit_verify_holds_then_names_the_line_after_one_edited_or_one_removed() {
    let server = server::start(ServerOptions::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    for _ in 0..3 {
        assert!(run(&server, home, &["new-session"]).await.success);
    }
    let review = run(
        &server,
        home,
        &["watchlist", "review", DECLINED, HIT, "--status", "false_positive"],
    )
    .await;
    assert!(review.success, "{}", review.stderr);
    let holds = run(&server, home, &["audit", "--verify"]).await;
    assert!(holds.success, "{}", holds.stderr);
    assert!(
        holds.stdout.contains("holds: 4 lines, chained from line 1"),
        "{}",
        holds.stdout
    );
    let log = log_path(home);
    let untouched = std::fs::read(&log).unwrap();

    // One byte of line 2 changed (its user, still valid JSON): line 3 says so.
    let text = String::from_utf8(untouched.clone()).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    lines[1] = lines[1].replacen("\"analyst@", "\"analysu@", 1);
    assert_ne!(lines[1], text.lines().nth(1).unwrap());
    std::fs::write(&log, lines.join("\n") + "\n").unwrap();
    let edited = run(&server, home, &["audit", "--verify"]).await;
    assert!(!edited.success, "{}", edited.stdout);
    assert!(
        edited.stderr.contains("broken at line 3") && edited.stderr.contains("line 2 was changed"),
        "{}",
        edited.stderr
    );

    // Line 2 removed: the line now second names it.
    let mut lines: Vec<&str> = text.lines().collect();
    lines.remove(1);
    std::fs::write(&log, lines.join("\n") + "\n").unwrap();
    let removed = run(&server, home, &["audit", "--verify"]).await;
    assert!(!removed.success);
    assert!(removed.stderr.contains("broken at line 2"), "{}", removed.stderr);

    std::fs::write(&log, &untouched).unwrap();
    assert!(run(&server, home, &["audit", "--verify"]).await.success);
}

#[tokio::test(flavor = "multi_thread")]
async fn audit_filters_by_time_and_action_and_old_unchained_lines_are_counted() {
    let server = server::start(ServerOptions::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    // A line from before the chain existed, with an escape in its user.
    std::fs::create_dir_all(home.join("data/veriff-tui")).unwrap();
    let old = r#"{"time":"2020-01-01T00:00:00Z","user":"\u001b[31mold@host","profile":null,"api_url":"https://x/v1/","action":"create_session","session":null,"request_id":"00","status":200,"outcome":"done"}"#;
    std::fs::write(log_path(home), format!("{old}\n")).unwrap();
    assert!(run(&server, home, &["new-session"]).await.success);
    let export_dir = home.join("case");
    let exported = run(
        &server,
        home,
        &["export", DECLINED, "--out", export_dir.to_str().unwrap()],
    )
    .await;
    assert!(exported.success, "{}", exported.stderr);

    let all = run(&server, home, &["audit", "--json"]).await;
    let all: Vec<Value> = serde_json::from_str(&all.stdout).unwrap();
    assert_eq!(all.len(), 3);
    let export = &all[2];
    assert_eq!(export["action"], "export");
    assert_eq!(export["outcome"], "done");
    assert_eq!(export["counts"]["sessions"], 1);
    assert_eq!(export["counts"]["sessions_failed"], 0);
    assert!(export["counts"]["files"].as_u64().unwrap() > 0, "{export}");
    assert!(
        !serde_json::to_string(export).unwrap().contains("case"),
        "the folder is not named: {export}"
    );

    let recent = run(&server, home, &["audit", "--since", "24h", "--json"]).await;
    let recent: Vec<Value> = serde_json::from_str(&recent.stdout).unwrap();
    assert_eq!(recent.len(), 2, "the 2020 line left out: {recent:?}");
    let exports = run(
        &server,
        home,
        &["audit", "--since", "1h", "--action", "export", "--json"],
    )
    .await;
    let exports: Vec<Value> = serde_json::from_str(&exports.stdout).unwrap();
    assert_eq!(exports.len(), 1);
    let bad = run(&server, home, &["audit", "--since", "yesterday"]).await;
    assert!(!bad.success && bad.stderr.contains("--since"), "{}", bad.stderr);

    let table = run(&server, home, &["audit"]).await;
    assert!(!table.stdout.contains('\u{1b}'), "terminal-safe: {:?}", table.stdout);
    assert!(table.stdout.contains("\u{FFFD}[31mold@host"), "{}", table.stdout);
    assert!(table.stdout.contains("sessions 1"), "{}", table.stdout);

    let verify = run(&server, home, &["audit", "--verify"]).await;
    assert!(verify.success, "{}", verify.stderr);
    assert!(
        verify
            .stdout
            .contains("chained from line 2; the 1 line before it was written before the chain existed"),
        "{}",
        verify.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_inbox_import_purge_and_restore_are_lines() {
    let server = server::start(ServerOptions::default()).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let file = home.join("webhooks.ndjson");
    std::fs::write(
        &file,
        format!(
            "{}\n",
            serde_json::json!({"status": "success", "verification": {"id": DECLINED, "status": "declined"}})
        ),
    )
    .unwrap();
    let imported = run(&server, home, &["inbox", "import", file.to_str().unwrap()]).await;
    assert!(imported.success, "{}", imported.stderr);
    let backup = home.join("inbox.backup");
    let backed_up = run(&server, home, &["inbox", "backup", backup.to_str().unwrap()]).await;
    assert!(backed_up.success, "{}", backed_up.stderr);
    let dry = run(&server, home, &["inbox", "purge", "--older-than", "0", "--dry-run"]).await;
    assert!(dry.success, "{}", dry.stderr);
    let purged = run(&server, home, &["inbox", "purge", "--older-than", "0", "--all"]).await;
    assert!(purged.success, "{}", purged.stderr);
    let restored = run(&server, home, &["inbox", "restore", backup.to_str().unwrap()]).await;
    assert!(restored.success, "{}", restored.stderr);
    let lines = audit_lines(home);
    let actions: Vec<_> = lines
        .iter()
        .map(|l| (l["action"].as_str(), l["outcome"].as_str()))
        .collect();
    assert_eq!(
        actions,
        [
            (Some("inbox_import"), Some("done")),
            (Some("inbox_purge"), Some("done")),
            (Some("inbox_restore"), Some("done"))
        ],
        "a dry run changes nothing and is no line"
    );
    assert_eq!(lines[0]["counts"]["stored"], 1, "{}", lines[0]);
    assert_eq!(lines[0]["counts"]["lines_skipped"], 0, "{}", lines[0]);
    assert_eq!(lines[1]["counts"]["sessions"], 1, "{}", lines[1]);
    assert_eq!(lines[2]["counts"]["sessions"], 1, "{}", lines[2]);
    let text = std::fs::read_to_string(log_path(home)).unwrap();
    assert!(!text.contains(DECLINED), "no session id in a purge's line: {text}");
    assert!(run(&server, home, &["audit", "--verify"]).await.success);
}
