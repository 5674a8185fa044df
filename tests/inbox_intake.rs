//! What the inbox takes in, and from whom: a receiver accepts only its own
//! profile's integration, a sender's date cannot pin a status, the receiver holds
//! under idle connections and unknown keys, and an import keeps every good line.

#[path = "support/postgres.rs"]
mod postgres;

use std::path::Path;
use std::time::Duration;

use serde_json::{Value, json};
use veriff_tui::inbox::{Incoming, Kind, Page, Query, SessionRow, Store, facts};
use veriff_tui::time::{format_time_ms, now_ms};

const LIVE_KEY: &str = "11ee0000-0000-4000-8000-0000000011ee";
const LIVE_SECRET: &str = "specimen-secret-live";
const TEST_KEY: &str = "7e570000-0000-4000-8000-000000007e57";
const TEST_SECRET: &str = "specimen-secret-test";

/// Profiles `live` and `test`, neither the default, in a private file.
fn config_file(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("config.toml");
    let text = format!(
        "[profiles.live]\napi_url = \"http://127.0.0.1:9\"\napi_key = \"{LIVE_KEY}\"\nshared_secret = \"{LIVE_SECRET}\"\n\
         [profiles.test]\napi_url = \"http://127.0.0.1:9\"\napi_key = \"{TEST_KEY}\"\nshared_secret = \"{TEST_SECRET}\"\n"
    );
    veriff_tui::files::write_private(&path, text.as_bytes()).unwrap();
    path
}

/// The binary with a clean environment: no VERIFF_* of the developer's leaks in.
fn veriff_tui(home: &Path) -> tokio::process::Command {
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
    /// What it said on stderr, as it says it.
    said: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Receiver {
    fn said(&self) -> String {
        self.said.lock().unwrap().clone()
    }

    fn pid(&self) -> u32 {
        self.child.id().expect("the receiver is running")
    }

    /// The most memory it has held so far (VmHWM), in kB.
    fn peak_rss_kb(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        let line = status.lines().find(|l| l.starts_with("VmHWM:")).expect("VmHWM");
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    }

    /// How many sockets it has open: its connections, its listener, its log's
    /// and its database's are files.
    fn open_sockets(&self) -> usize {
        let fds = std::fs::read_dir(format!("/proc/{}/fd", self.pid())).unwrap();
        fds.flatten()
            .filter(|fd| std::fs::read_link(fd.path()).is_ok_and(|to| to.to_string_lossy().starts_with("socket:")))
            .count()
    }

    /// Its address, for raw TCP.
    fn addr(&self) -> String {
        self.url.strip_prefix("http://").unwrap().to_owned()
    }
}

/// `veriff-tui --profile PROFILE inbox receive` on a free loopback port, with
/// `env` set on top of a clean environment.
async fn start_receiver(home: &Path, profile: &str, inbox_url: &str, env: &[(&str, &str)]) -> Receiver {
    start_receiver_with(home, profile, inbox_url, env, |_| {}).await
}

async fn start_receiver_with(
    home: &Path,
    profile: &str,
    inbox_url: &str,
    env: &[(&str, &str)],
    adjust: impl FnOnce(&mut tokio::process::Command),
) -> Receiver {
    use tokio::io::AsyncBufReadExt;
    let config = config_file(home);
    let mut command = veriff_tui(home);
    command
        .args(["--config", config.to_str().unwrap(), "--profile", profile])
        .args(["inbox", "--inbox-url", inbox_url, "receive", "--listen", "127.0.0.1:0"])
        .envs(env.iter().copied())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    adjust(&mut command);
    let mut child = command.spawn().unwrap();
    let said = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let mut stderr = tokio::io::BufReader::new(child.stderr.take().unwrap()).lines();
    tokio::spawn({
        let said = said.clone();
        async move {
            while let Ok(Some(line)) = stderr.next_line().await {
                let mut said = said.lock().unwrap();
                said.push_str(&line);
                said.push('\n');
            }
        }
    });
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
        .await
        .expect("the receiver says where it listens")
        .unwrap();
    let Some(line) = line else {
        let status = child.wait().await.unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;
        panic!("the receiver ended ({status}): {}", said.lock().unwrap());
    };
    let url = line.strip_prefix("listening on ").expect("listening on URL").to_owned();
    Receiver { child, url, said }
}

fn sign(secret: &str, body: &[u8]) -> String {
    veriff_tui::api::Secret::new(secret).sign(body)
}

/// POSTs `body` signed with `key` and `secret`; the status, 0 if none came.
async fn post(url: &str, key: &str, secret: &str, body: &Value) -> u16 {
    let bytes = serde_json::to_vec(body).unwrap();
    reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .header("x-auth-client", key)
        .header("x-hmac-signature", sign(secret, &bytes))
        .body(bytes)
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0)
}

fn decision(id: &str, status: &str, code: i64, time: &str) -> Value {
    json!({"status": "success", "verification": {
        "id": id, "status": status, "code": code, "decisionTime": time,
        "reason": if status == "approved" { Value::Null } else { json!("Physical document not used") },
        "reasonCode": if status == "approved" { Value::Null } else { json!(102) },
        "person": {"firstName": "MARTA", "lastName": "TAMM"},
    }, "technicalData": {"ip": null}})
}

async fn rows(store: &Store) -> Vec<SessionRow> {
    let page = Page {
        after: None,
        limit: 1000,
    };
    store.list(&Query::parse("").unwrap(), page).await.unwrap()
}

/// A SQLite URL in `dir`, and a PostgreSQL database of the test's own (`None`,
/// said loudly, where no server runs outside CI).
fn sqlite_url(dir: &Path) -> String {
    format!("sqlite://{}", dir.join("live-inbox.db").display())
}

// ---- One integration per store ----

const SESSION: &str = "5e551011-0000-4000-8000-000000000001";

/// A receiver for `live`, with `test` configured too: a webhook signed with
/// test's key and secret is refused and leaves live's inbox as it was, even one
/// claiming a decision dated 2099 for a session live declined.
async fn another_profiles_webhook_never_lands(inbox_url: &str) {
    let home = tempfile::tempdir().unwrap();
    let mut receiver = start_receiver(home.path(), "live", inbox_url, &[]).await;
    let url = format!("{}/decision", receiver.url);
    let declined = decision(SESSION, "declined", 9102, "2026-03-01T10:00:00Z");
    assert_eq!(post(&url, LIVE_KEY, LIVE_SECRET, &declined).await, 200);
    let forged = decision(SESSION, "approved", 9001, "2099-01-01T00:00:00Z");
    assert_eq!(post(&url, TEST_KEY, TEST_SECRET, &forged).await, 401);
    let elsewhere = decision(
        "5e551011-0000-4000-8000-000000000002",
        "approved",
        9001,
        "2026-03-01T10:00:00Z",
    );
    assert_eq!(post(&url, TEST_KEY, TEST_SECRET, &elsewhere).await, 401);

    let store = Store::open(inbox_url).await.unwrap();
    let rows = rows(&store).await;
    assert_eq!(rows.len(), 1, "only live's session: {rows:?}");
    assert_eq!(rows[0].id, SESSION);
    assert_eq!(rows[0].status.as_deref(), Some("declined"));
    assert_eq!(store.event_count(SESSION).await.unwrap(), 1);
    let stored = store.event_bodies().await.unwrap();
    assert_eq!(stored, [serde_json::to_vec(&declined).unwrap()]);
    // It says whose webhooks it takes: the profile and its key's first 8 characters.
    let said = receiver.said();
    assert!(
        said.contains("accepts only webhooks of profile live, API key 11ee0000..."),
        "{said}"
    );
    assert!(!said.contains(LIVE_SECRET) && !said.contains(LIVE_KEY), "{said}");
    assert!(receiver.child.try_wait().unwrap().is_none(), "still receiving");
    store.close().await;
}

#[tokio::test]
async fn another_profiles_webhook_never_lands_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    another_profiles_webhook_never_lands(&sqlite_url(dir.path())).await;
}

#[tokio::test]
async fn another_profiles_webhook_never_lands_postgres() {
    let Some(db) = postgres::database("inbox_intake::another_profiles_webhook_never_lands").await else {
        return;
    };
    another_profiles_webhook_never_lands(&db.url).await;
}

/// The demo's published key and secret in the environment do not take live's
/// place: live's own key is accepted, the demo's refused, and the receiver says
/// it ignored them.
#[tokio::test]
async fn credentials_in_the_environment_never_replace_the_profiles() {
    use veriff_tui::server::{DEMO_API_KEY, DEMO_SHARED_SECRET};
    let home = tempfile::tempdir().unwrap();
    let inbox_url = sqlite_url(home.path());
    let env = [
        ("VERIFF_API_KEY", DEMO_API_KEY),
        ("VERIFF_SHARED_SECRET", DEMO_SHARED_SECRET),
    ];
    let receiver = start_receiver(home.path(), "live", &inbox_url, &env).await;
    let url = format!("{}/decision", receiver.url);
    let body = decision(SESSION, "declined", 9102, "2026-03-01T10:00:00Z");
    assert_eq!(post(&url, DEMO_API_KEY, DEMO_SHARED_SECRET, &body).await, 401);
    assert_eq!(post(&url, LIVE_KEY, LIVE_SECRET, &body).await, 200);
    let said = receiver.said();
    assert!(said.contains("VERIFF_API_KEY (or --api-key) ignored"), "{said}");
    assert!(said.contains("VERIFF_SHARED_SECRET ignored"), "{said}");
    assert!(said.contains("profile live, API key 11ee0000..."), "{said}");
    assert!(!said.contains(DEMO_SHARED_SECRET), "{said}");
    let store = Store::open(&inbox_url).await.unwrap();
    assert_eq!(store.event_count(SESSION).await.unwrap(), 1);
}

/// Without a profile, the environment's credentials are the receiver's, named so.
#[tokio::test]
async fn without_profiles_the_environments_credentials_are_named() {
    use tokio::io::AsyncBufReadExt;
    let home = tempfile::tempdir().unwrap();
    let empty = home.path().join("empty.toml");
    veriff_tui::files::write_private(&empty, b"").unwrap();
    let mut child = veriff_tui(home.path())
        .args(["--config", empty.to_str().unwrap(), "inbox", "--inbox-url"])
        .arg(sqlite_url(home.path()))
        .args(["receive", "--listen", "127.0.0.1:0"])
        .envs([("VERIFF_API_KEY", LIVE_KEY), ("VERIFF_SHARED_SECRET", LIVE_SECRET)])
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let mut said = String::new();
    while let Ok(Ok(Some(line))) = tokio::time::timeout(Duration::from_secs(30), lines.next_line()).await {
        said.push_str(&line);
        if line.contains("accepts only") {
            break;
        }
    }
    assert!(
        said.contains(
            "accepts only webhooks of the environment's credentials (no profile is configured), API key 11ee0000..."
        ),
        "{said}"
    );
}

/// With several profiles and none chosen, the receiver asks for one rather than
/// taking them all.
#[tokio::test]
async fn several_profiles_and_none_chosen_is_refused() {
    let home = tempfile::tempdir().unwrap();
    let config = config_file(home.path());
    let out = veriff_tui(home.path())
        .args(["--config", config.to_str().unwrap(), "inbox", "--inbox-url"])
        .arg(sqlite_url(home.path()))
        .args(["receive", "--listen", "127.0.0.1:0"])
        .output()
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("one receiver per profile") && stderr.contains("live, test"),
        "{stderr}"
    );
}

fn arriving(body: &Value, received_ms: i64) -> Incoming {
    let kind = Kind::from_shape(body);
    Incoming {
        kind,
        facts: facts(kind, body),
        body: serde_json::to_vec(body).unwrap(),
        headers: "{}".to_owned(),
        source: "live".to_owned(),
        received_ms,
    }
}

/// A decision dated 2099 counts as dated a minute after it arrived: the real
/// decision arriving later takes its place, and the 2099 one does not stay on
/// top of the list either.
async fn a_decision_from_the_future_pins_nothing(store: &Store) {
    let start = now_ms() - 3_600_000;
    let future = decision(SESSION, "approved", 9001, "2099-01-01T00:00:00Z");
    store.ingest(&[arriving(&future, start)]).await.unwrap();
    let real_at = start + 10 * 60_000;
    let real = decision(SESSION, "declined", 9102, &format_time_ms(real_at - 5_000));
    store.ingest(&[arriving(&real, real_at)]).await.unwrap();
    // Another session that arrived in between sorts above the 2099 one no more.
    let other = decision(
        "5e551011-0000-4000-8000-000000000003",
        "approved",
        9001,
        &format_time_ms(start + 60_000),
    );
    store.ingest(&[arriving(&other, start + 90_000)]).await.unwrap();
    let rows = rows(store).await;
    assert_eq!(rows[0].id, SESSION, "{rows:?}");
    assert_eq!(rows[0].status.as_deref(), Some("declined"));
    assert_eq!(
        rows[0].decision_ms,
        Some(real_at - 5_000),
        "its own date, within the skew"
    );
    assert!(rows[0].updated_ms < start + 20 * 60_000, "{}", rows[0].updated_ms);
    // Within a minute of its arrival a sender's date counts as it says.
    let early = decision(
        "5e551011-0000-4000-8000-000000000004",
        "approved",
        9001,
        &format_time_ms(real_at + 30_000),
    );
    store.ingest(&[arriving(&early, real_at)]).await.unwrap();
    let rows = self::rows(store).await;
    let early_row = rows.iter().find(|r| r.id.ends_with("0004")).unwrap();
    assert_eq!(early_row.decision_ms, Some(real_at + 30_000));
}

#[tokio::test]
async fn a_decision_from_the_future_pins_nothing_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&sqlite_url(dir.path())).await.unwrap();
    a_decision_from_the_future_pins_nothing(&store).await;
}

#[tokio::test]
async fn a_decision_from_the_future_pins_nothing_postgres() {
    let Some(db) = postgres::database("inbox_intake::a_decision_from_the_future_pins_nothing").await else {
        return;
    };
    let store = Store::open(&db.url).await.unwrap();
    a_decision_from_the_future_pins_nothing(&store).await;
    store.close().await;
}

// ---- A receiver that holds under abuse ----

/// This process's soft open-file limit set to `soft` (at most the hard one).
fn set_open_files_limit(soft: u64) -> std::io::Result<()> {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let mut limit = getrlimit(Resource::Nofile);
    limit.current = Some(limit.maximum.map_or(soft, |hard| soft.min(hard)));
    Ok(setrlimit(Resource::Nofile, limit)?)
}

const IDLE: usize = 2_000;

/// 2,000 connections that never send a byte, with the receiver started under
/// the common soft open-file limit of 1,024: a valid webhook is answered within
/// a second all the same, and the idle ones are closed after the header timeout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_thousand_idle_connections_and_a_webhook_answered_within_a_second() {
    use tokio::io::AsyncReadExt;
    // This test's own connections need the files too.
    set_open_files_limit(u64::MAX).unwrap();
    let home = tempfile::tempdir().unwrap();
    let inbox_url = sqlite_url(home.path());
    let receiver = start_receiver_with(home.path(), "live", &inbox_url, &[], |command| {
        // SAFETY: only getrlimit and setrlimit (system calls, no allocation) run
        // between fork and exec; pre_exec itself is what needs unsafe.
        unsafe {
            command.pre_exec(|| {
                use rustix::process::{Resource, getrlimit, setrlimit};
                let mut limit = getrlimit(Resource::Nofile);
                limit.current = Some(1024);
                let _ = setrlimit(Resource::Nofile, limit);
                Ok(())
            });
        }
    })
    .await;
    let opened = std::time::Instant::now();
    let mut idle = Vec::with_capacity(IDLE);
    for _ in 0..IDLE {
        idle.push(tokio::net::TcpStream::connect(receiver.addr()).await.unwrap());
    }
    // All taken in by the receiver, not left waiting in the kernel's backlog.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while receiver.open_sockets() <= IDLE && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        receiver.open_sockets() > IDLE,
        "{} sockets open",
        receiver.open_sockets()
    );

    let body = decision(SESSION, "declined", 9102, "2026-03-01T10:00:00Z");
    let asked = std::time::Instant::now();
    let status = post(&format!("{}/decision", receiver.url), LIVE_KEY, LIVE_SECRET, &body).await;
    let took = asked.elapsed();
    assert_eq!(status, 200);
    assert!(took < Duration::from_secs(1), "answered after {took:?}");
    assert!(
        opened.elapsed() < Duration::from_secs(9),
        "the idle ones were still open"
    );

    // Idle past the header timeout (10 s): closed by the receiver.
    let mut buf = [0u8; 16];
    for stream in idle.iter_mut().step_by(97) {
        let read = tokio::time::timeout(Duration::from_secs(15), stream.read(&mut buf)).await;
        assert!(matches!(read, Ok(Ok(0)) | Ok(Err(_))), "still open: {read:?}");
    }
    assert!(
        opened.elapsed() >= Duration::from_secs(10),
        "closed before the header timeout"
    );
}

const MIB: usize = 1 << 20;

/// 200 senders with an unknown key, each declaring a body of 1 MiB: each is
/// answered 401 before it sends a byte of its body, and the receiver's memory
/// stays bounded (under 80 MB at its peak; reading the bodies took it from 29
/// to 235 MB).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_keys_are_refused_before_their_bodies_are_read() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let home = tempfile::tempdir().unwrap();
    let receiver = start_receiver(home.path(), "live", &sqlite_url(home.path()), &[]).await;
    let body: std::sync::Arc<[u8]> = vec![b' '; MIB].into();
    let unknown = "cccc0000-0000-4000-8000-00000000000c";
    let head = format!(
        "POST /decision HTTP/1.1\r\nhost: {}\r\ncontent-type: application/json\r\nx-auth-client: {unknown}\r\n\
         x-hmac-signature: {}\r\ncontent-length: {MIB}\r\n\r\n",
        receiver.addr(),
        sign(TEST_SECRET, &body)
    );
    let mut answers = Vec::new();
    for round in 0..4 {
        let mut senders = tokio::task::JoinSet::new();
        for _ in 0..50 {
            let (addr, head, body) = (receiver.addr(), head.clone(), body.clone());
            senders.spawn(async move {
                let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
                stream.write_all(head.as_bytes()).await.unwrap();
                // The answer comes before any of the body is sent, then the end.
                let mut answer = Vec::new();
                let read = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer)).await;
                let answer = String::from_utf8_lossy(&answer).into_owned();
                // A sender that goes on regardless finds the connection closed.
                let _ = stream.write_all(&body).await;
                (read.is_ok(), answer)
            });
        }
        while let Some(sent) = senders.join_next().await {
            answers.push((round, sent.unwrap()));
        }
    }
    assert_eq!(answers.len(), 200);
    for (round, (closed, answer)) in &answers {
        assert!(*closed, "round {round}: the connection was not closed after the answer");
        assert!(answer.starts_with("HTTP/1.1 401"), "round {round}: {answer}");
    }
    let peak_mb = receiver.peak_rss_kb() / 1024;
    assert!(peak_mb < 80, "peak RSS {peak_mb} MB");
    // And it still takes its own profile's webhooks.
    let good = decision(SESSION, "declined", 9102, "2026-03-01T10:00:00Z");
    assert_eq!(
        post(&format!("{}/decision", receiver.url), LIVE_KEY, LIVE_SECRET, &good).await,
        200
    );
}

/// `veriff-tui --profile live inbox import FILE` into `inbox_url`: its exit
/// status and stderr.
async fn import(home: &Path, inbox_url: &str, file: &Path) -> (bool, String) {
    let config = config_file(home);
    let out = veriff_tui(home)
        .args(["--config", config.to_str().unwrap(), "--profile", "live"])
        .args(["inbox", "--inbox-url", inbox_url, "import"])
        .arg(file)
        .output()
        .await
        .unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn imported_id(i: usize) -> String {
    format!("1a907000-0000-4000-8000-{i:012}")
}

/// An archive with a line of invalid UTF-8, one that is not JSON and one over
/// 1 MiB among good ones: every good line is stored, the run fails naming the
/// bad lines, and the list says the imported sessions are unsigned, except one a
/// signed webhook also spoke for.
async fn an_import_with_bad_lines_keeps_the_good_ones(inbox_url: &str) {
    let home = tempfile::tempdir().unwrap();
    let mut archive: Vec<u8> = Vec::new();
    let mut good = 0;
    for i in 1..=20 {
        match i {
            5 => archive.extend_from_slice(b"{\"status\": \"success\", \"note\": \"\xff\xfe\"}"),
            9 => archive.extend_from_slice(b"<html>not json</html>"),
            13 => {
                let pad = "x".repeat(MIB + 10);
                archive.extend_from_slice(format!("{{\"pad\": \"{pad}\"}}").as_bytes());
            }
            _ => {
                let status = if i % 2 == 0 { "declined" } else { "approved" };
                let body = decision(&imported_id(i), status, 9001, "2026-03-01T10:00:00Z");
                archive.extend_from_slice(&serde_json::to_vec(&body).unwrap());
                good += 1;
            }
        }
        archive.push(b'\n');
    }
    let file = home.path().join("archive.ndjson");
    std::fs::write(&file, &archive).unwrap();
    let (ok, stderr) = import(home.path(), inbox_url, &file).await;
    assert!(!ok, "bad lines fail the run: {stderr}");
    assert!(
        stderr.contains("3 lines skipped (first: 5, 9, 13): not UTF-8 / not JSON / over 1 MiB"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("imported {good}, 0 already stored, 3 skipped")),
        "{stderr}"
    );
    let store = Store::open(inbox_url).await.unwrap();
    assert_eq!(store.event_bodies().await.unwrap().len(), good);
    // A signed webhook for one of them: that one is no longer only an archive's.
    let signed = decision(&imported_id(2), "declined", 9102, "2026-03-01T11:00:00Z");
    store.ingest(&[arriving(&signed, now_ms())]).await.unwrap();
    let config = config_file(home.path());
    let out = veriff_tui(home.path())
        .args(["--config", config.to_str().unwrap(), "--profile", "live"])
        .args(["inbox", "--inbox-url", inbox_url, "list", "--limit", "0"])
        .output()
        .await
        .unwrap();
    let listed = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = listed.lines().skip(1).collect();
    assert_eq!(lines.len(), good, "{listed}");
    for line in &lines {
        let unsigned = line.ends_with("imported, unsigned");
        assert_eq!(unsigned, !line.contains(&imported_id(2)), "{line}");
    }
    store.close().await;
}

#[tokio::test]
async fn an_import_with_bad_lines_keeps_the_good_ones_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    an_import_with_bad_lines_keeps_the_good_ones(&sqlite_url(dir.path())).await;
}

#[tokio::test]
async fn an_import_with_bad_lines_keeps_the_good_ones_postgres() {
    let Some(db) = postgres::database("inbox_intake::an_import_with_bad_lines_keeps_the_good_ones").await else {
        return;
    };
    an_import_with_bad_lines_keeps_the_good_ones(&db.url).await;
    // The import's end gives the planner the new rows' statistics: without
    // them, right after a million, a prefix word took 220 ms instead of 40.
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
    let analyzed: Option<i64> = sqlx::query_scalar(
        "SELECT CAST(EXTRACT(EPOCH FROM last_analyze) AS BIGINT) FROM pg_stat_user_tables WHERE relname = 'sessions'",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert!(analyzed.is_some(), "sessions were not analyzed after the import");
}

/// A single line of 100 MiB is skipped without being held: the import's peak
/// memory stays under 80 MB.
#[tokio::test]
async fn a_huge_line_is_read_past_not_held() {
    use std::io::Write;
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("huge.ndjson");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&file).unwrap());
    let good = decision(&imported_id(1), "approved", 9001, "2026-03-01T10:00:00Z");
    writeln!(out, "{good}").unwrap();
    out.write_all(b"{\"pad\": \"").unwrap();
    let chunk = vec![b'x'; MIB];
    for _ in 0..100 {
        out.write_all(&chunk).unwrap();
    }
    out.write_all(b"\"}\n").unwrap();
    writeln!(
        out,
        "{}",
        decision(&imported_id(3), "approved", 9001, "2026-03-01T10:00:00Z")
    )
    .unwrap();
    drop(out);
    let config = config_file(home.path());
    let inbox_url = sqlite_url(home.path());
    // Waited for by wait4 below, which says the child's own peak memory.
    #[allow(clippy::zombie_processes, reason = "waited for by wait4")]
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_veriff-tui"))
        .env_clear()
        .env("HOME", home.path())
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .args(["--config", config.to_str().unwrap(), "--profile", "live"])
        .args(["inbox", "--inbox-url", &inbox_url, "import"])
        .arg(&file)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    let (status, usage) = tokio::task::spawn_blocking(move || {
        let mut status = 0;
        // SAFETY: wait4 writes only the status and the usage given.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        assert_eq!(waited, pid);
        (status, usage)
    })
    .await
    .unwrap();
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.unwrap(), &mut stderr).unwrap();
    assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) != 0, "{stderr}");
    assert!(stderr.contains("1 line skipped (first: 2): over 1 MiB"), "{stderr}");
    let peak_mb = usage.ru_maxrss / 1024;
    assert!(peak_mb < 80, "peak RSS {peak_mb} MB");
    let store = Store::open(&inbox_url).await.unwrap();
    assert_eq!(store.event_bodies().await.unwrap().len(), 2);
}
