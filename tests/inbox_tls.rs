//! A team's inbox over TLS: a PostgreSQL cluster made for the test (`initdb`,
//! `ssl = on`, a certificate from a CA made for the test, TCP only through
//! `hostssl`), reached with `sslmode` and `sslrootcert` in the URL; and URLs that
//! would carry the team's data in clear, refused before any connection and never
//! echoed with their password.

#[path = "support/certificates.rs"]
mod certificates;
#[path = "support/tools.rs"]
mod tools;

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use sqlx::Connection;
use sqlx::postgres::PgConnection;

const SESSION: &str = "5ec1e2a0-7b8c-4d9e-8f0a-1b2c3d4e5f6a";
/// The test cluster's superuser (initdb's `-U`), trusted over TLS only.
const USER: &str = "inbox";

/// `ca.pem`, and `server.pem` / `server.key` it signed for localhost and 127.0.0.1;
/// `other.pem`, a CA that signed nothing here.
fn certificates(dir: &Path) {
    certificates::make_ca(dir, "ca", "/CN=veriff-tui test CA");
    certificates::make_ca(dir, "other", "/CN=another CA");
    certificates::make_server(dir, "ca", "server");
}

/// PostgreSQL's server programs: the newest Debian cluster version's, else `PATH`'s.
fn postgres_bin() -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|version| version.path().join("bin"))
        .filter(|bin| bin.join("initdb").is_file())
        .collect();
    found.sort_by_key(|bin| {
        let version = bin
            .parent()
            .and_then(|v| v.file_name())
            .map(|v| v.to_string_lossy().into_owned());
        version.and_then(|v| v.parse::<u32>().ok()).unwrap_or(0)
    });
    if let Some(newest) = found.pop() {
        return Some(newest);
    }
    let on_path = Command::new("initdb").arg("--version").output().ok()?;
    String::from_utf8_lossy(&on_path.stdout)
        .contains("PostgreSQL")
        .then(PathBuf::new)
}

/// A PostgreSQL cluster of the test's own on a free loopback port, stopped on drop
/// (a panicking test too).
struct Cluster {
    bin: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
}

/// initdb and the server refuse to run as root: as root, they run as `postgres`.
fn as_owner(bin: &Path, program: &str) -> Command {
    let program = bin.join(program);
    let root = std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0);
    if root {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(program);
        command
    } else {
        Command::new(program)
    }
}

fn must(what: &str, out: Output) {
    assert!(
        out.status.success(),
        "{what}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

impl Cluster {
    fn start(bin: PathBuf) -> Cluster {
        let dir = tempfile::Builder::new().prefix("veriff-tls").tempdir().unwrap();
        let root = dir.path().to_path_buf();
        let root = root.as_path();
        certificates(root);
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        // The server reads its key only when no one else can.
        std::fs::set_permissions(
            root.join("server.key"),
            std::os::unix::fs::PermissionsExt::from_mode(0o600),
        )
        .unwrap();
        if std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0) {
            let out = Command::new("chown")
                .args(["-R", "postgres:"])
                .arg(root)
                .output()
                .unwrap();
            must("chown the cluster's folder to postgres", out);
        }
        let data = root.join("data");
        let out = as_owner(&bin, "initdb")
            .arg("-D")
            .arg(&data)
            .args(["-U", USER, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"])
            .output()
            .unwrap();
        must("initdb", out);
        let conf = format!(
            "listen_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = '{root}'\n\
             ssl = on\nssl_cert_file = '{root}/server.pem'\nssl_key_file = '{root}/server.key'\n\
             fsync = off\n",
            root = root.display()
        );
        append(&data.join("postgresql.conf"), &conf);
        // TCP only over TLS; the socket is pg_ctl's, to see the server is up.
        std::fs::write(
            data.join("pg_hba.conf"),
            "local all all trust\nhostssl all all 127.0.0.1/32 trust\n",
        )
        .unwrap();
        let cluster = Cluster { bin, dir, port };
        let out = as_owner(&cluster.bin, "pg_ctl")
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(root.join("log"))
            .args(["-w", "-t", "60", "start"])
            .output()
            .unwrap();
        if !out.status.success() {
            let log = std::fs::read_to_string(root.join("log")).unwrap_or_default();
            panic!(
                "the test's PostgreSQL did not start: {}\n{log}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        cluster
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }

    /// A URL to the cluster's `postgres` database at `host`, then `params`.
    fn url(&self, host: &str, params: &str) -> String {
        format!("postgres://{USER}:hunter2@{host}:{}/postgres?{params}", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = as_owner(&self.bin, "pg_ctl")
            .arg("-D")
            .arg(self.dir.path().join("data"))
            .args(["-m", "immediate", "-w", "stop"])
            .output();
    }
}

fn append(path: &Path, text: &str) {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new().append(true).open(path).unwrap();
    file.write_all(text.as_bytes()).unwrap();
}

/// The tools the cluster needs, or `None` (a loud skip; under CI=true a failure).
fn tools_for(test: &str) -> Option<PathBuf> {
    if !tools::available(test, &[tools::OPENSSL]) {
        return None;
    }
    let bin = postgres_bin();
    if bin.is_none() {
        let message = format!("{test} needs initdb (apt-get install postgresql; .ci/run installs it)");
        assert!(std::env::var("CI").as_deref() != Ok("true"), "{message}");
        eprintln!("\n!!!!!!!! SKIPPED {message} !!!!!!!!\n");
    }
    bin
}

/// `veriff-tui inbox --inbox-url URL ARGS` with nothing from this machine's
/// configuration or environment (no `PGSSLMODE`, no `PGHOST`).
fn inbox(home: &Path, url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_veriff-tui"))
        .args(["inbox", "--inbox-url", url])
        .args(args)
        .env_clear()
        .env("HOME", home)
        .env("VERIFF_TUI_CONFIG", "/dev/null")
        .output()
        .unwrap()
}

fn said(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[tokio::test]
async fn verify_full_reaches_the_store_over_tls_and_refuses_another_ca() {
    let Some(bin) = tools_for("inbox_tls") else {
        return;
    };
    let cluster = Cluster::start(bin);
    let home = tempfile::tempdir().unwrap();
    let ca = cluster.path("ca.pem");

    // The server takes no TCP connection in clear: what connects below is TLS.
    let plain = cluster.url("localhost", "sslmode=disable");
    let refused = PgConnection::connect(&plain)
        .await
        .expect_err("a connection in clear is refused");
    assert!(refused.to_string().contains("no encryption"), "{refused}");

    // verify-full with the test's CA: a webhook stored, then found by the CLI.
    let url = cluster.url("localhost", &format!("sslmode=verify-full&sslrootcert={ca}"));
    let archive = home.path().join("archive.ndjson");
    let body = serde_json::json!({"status": "success", "verification": {
        "id": SESSION, "status": "declined", "code": 9102, "decisionTime": "2026-12-01T10:00:00.000Z",
        "reason": "Physical document not used", "reasonCode": 102,
    }, "technicalData": {"ip": null}});
    std::fs::write(&archive, format!("{body}\n")).unwrap();
    let out = inbox(home.path(), &url, &["migrate"]);
    assert!(out.status.success(), "{}", said(&out));
    let out = inbox(home.path(), &url, &["import", archive.to_str().unwrap()]);
    assert!(out.status.success(), "{}", said(&out));
    let out = inbox(home.path(), &url, &["list", "--json", "status:declined"]);
    assert!(out.status.success(), "{}", said(&out));
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(listed.contains(SESSION), "{listed}");
    assert!(!said(&out).contains("hunter2"), "{}", said(&out));

    // The server sees TLS on the same URL.
    let mut conn = PgConnection::connect(&url).await.unwrap();
    let ssl: bool = sqlx::query_scalar("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert!(ssl, "the server sees a TLS connection");
    let _ = conn.close().await;

    // require: encrypted, the certificate not checked; verify-ca: no name check.
    for params in [
        "sslmode=require".to_owned(),
        format!("sslmode=verify-ca&sslrootcert={ca}"),
    ] {
        let out = inbox(home.path(), &cluster.url("127.0.0.1", &params), &["list", "--json"]);
        assert!(out.status.success(), "{params}: {}", said(&out));
        assert!(
            String::from_utf8_lossy(&out.stdout).contains(SESSION),
            "{params}: {}",
            said(&out)
        );
    }

    // Another CA's certificate as the root: the server's certificate is refused,
    // and the URL named without its password.
    let other = cluster.url(
        "localhost",
        &format!("sslmode=verify-full&sslrootcert={}", cluster.path("other.pem")),
    );
    let out = inbox(home.path(), &other, &["list"]);
    assert!(!out.status.success(), "{}", said(&out));
    let text = said(&out);
    assert!(text.to_lowercase().contains("certificate"), "{text}");
    assert!(text.contains("point sslrootcert=PATH in the URL at the CA"), "{text}");
    assert!(text.contains(&format!("{USER}:***@localhost")), "{text}");
    assert!(!text.contains("hunter2"), "{text}");
}

/// A plain URL to another host is refused at once, before any connection (no
/// time spent on one), naming the fix and never the password.
#[test]
fn a_plain_url_to_another_host_is_refused_before_connecting() {
    let home = tempfile::tempdir().unwrap();
    for url in [
        "postgres://u:hunter2@10.1.2.3/db",
        "postgres://u:hunter2@10.1.2.3/db?sslmode=prefer",
        "postgresql://u@10.1.2.3/db?password=hunter2&sslmode=disable",
    ] {
        let started = Instant::now();
        let out = inbox(home.path(), url, &["list"]);
        let took = started.elapsed();
        let text = said(&out);
        assert!(!out.status.success(), "{url}: {text}");
        assert!(took < Duration::from_secs(1), "{url}: {took:?}");
        assert_eq!(text.trim().lines().count(), 1, "one line: {text}");
        assert!(text.contains("10.1.2.3") && text.contains("without TLS"), "{text}");
        assert!(
            text.contains("sslmode=verify-full") && text.contains("--insecure-inbox"),
            "{text}"
        );
        assert!(!text.contains("hunter2"), "{text}");
    }
}

/// The library refuses it too (the browser and scripts open stores through it),
/// and in no time.
#[tokio::test]
async fn the_store_refuses_a_plain_url_to_another_host_itself() {
    let opened = tokio::time::timeout(
        Duration::from_secs(1),
        veriff_tui::inbox::Store::open("postgres://u:hunter2@10.1.2.3/db"),
    )
    .await
    .expect("refused before any connection");
    let e = opened.expect_err("refused");
    assert!(e.contains("without TLS") && !e.contains("hunter2"), "{e}");
}

#[test]
fn an_unknown_scheme_is_refused_without_its_password() {
    let home = tempfile::tempdir().unwrap();
    let out = inbox(home.path(), "mysql://u:hunter2@h/db", &["list"]);
    let text = said(&out);
    assert!(!out.status.success(), "{text}");
    assert!(
        text.contains("mysql://u:***@h/db") && text.contains("sqlite://PATH"),
        "{text}"
    );
    assert!(!text.contains("hunter2"), "{text}");
}

/// `--insecure-inbox` and a profile's `insecure_inbox = true` let such a URL past
/// the refusal, with a warning. The host is 0.0.0.0: not loopback for the check,
/// but this machine for Linux's connect, so nothing leaves the machine. The
/// test's cluster takes no connection in clear: it answers that, at once.
#[test]
fn insecure_inbox_lets_a_plain_url_through_with_a_warning() {
    let Some(bin) = tools_for("inbox_tls") else {
        return;
    };
    let cluster = Cluster::start(bin);
    let home = tempfile::tempdir().unwrap();
    let url = format!(
        "postgres://{USER}:hunter2@0.0.0.0:{}/postgres?sslmode=disable",
        cluster.port
    );
    let out = inbox(home.path(), &url, &["list"]);
    assert!(said(&out).contains("without TLS"), "{}", said(&out));

    let config = home.path().join("config.toml");
    std::fs::write(
        &config,
        "default_profile = \"team\"\n[profiles.team]\ninsecure_inbox = true\n",
    )
    .unwrap();
    let run = |args: &[&str], config: &Path| {
        Command::new(env!("CARGO_BIN_EXE_veriff-tui"))
            .args(args)
            .args(["inbox", "--inbox-url", &url, "list"])
            .env_clear()
            .env("HOME", home.path())
            .env("VERIFF_TUI_CONFIG", config)
            .output()
            .unwrap()
    };
    for out in [run(&["--insecure-inbox"], Path::new("/dev/null")), run(&[], &config)] {
        let text = said(&out);
        assert!(!out.status.success(), "the server takes TLS only: {text}");
        assert!(!text.contains("without TLS"), "{text}");
        assert!(
            text.contains("warning: insecure_inbox is on") && text.contains("in clear to 0.0.0.0"),
            "{text}"
        );
        assert!(text.contains("no encryption"), "the server was reached: {text}");
        assert!(
            text.contains(&format!("{USER}:***@0.0.0.0")) && !text.contains("hunter2"),
            "{text}"
        );
    }
}

/// `--help` shows where `--inbox-url` may come from, never the URL itself.
#[test]
fn help_does_not_show_the_inbox_url_of_the_environment() {
    let out = Command::new(env!("CARGO_BIN_EXE_veriff-tui"))
        .args(["inbox", "--help"])
        .env_clear()
        .env("VERIFF_INBOX_URL", "postgres://u:hunter2@db.internal/veriff")
        .output()
        .unwrap();
    let text = said(&out);
    assert!(out.status.success() && text.contains("VERIFF_INBOX_URL"), "{text}");
    assert!(!text.contains("hunter2") && !text.contains("db.internal"), "{text}");
}
