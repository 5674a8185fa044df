//! The receiver run as a service (#31): health and readiness, metrics that count
//! what was sent, a line per webhook, a stop that loses no answered webhook, a
//! store outage answered 503 at once and recovered from alone, TLS with a
//! certificate reloaded on SIGHUP, and only the senders allowed.

#[path = "support/certificates.rs"]
mod certificates;
#[path = "support/postgres.rs"]
mod postgres;
#[path = "support/receiver.rs"]
mod receiver;
#[path = "support/tools.rs"]
mod tools;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use receiver::{post_signed, post_signed_with, start_with_args};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use veriff_tui::inbox::Store;

fn sqlite_url(dir: &Path) -> String {
    format!("sqlite://{}", dir.join("inbox.db").display())
}

/// A decision webhook for session `id`, naming a person (who must never reach the log).
fn decision(id: &str) -> Vec<u8> {
    json!({"status": "success", "verification": {
        "id": id, "status": "approved", "code": 9001, "decisionTime": "2026-12-01T10:00:00.000Z",
        "person": {"firstName": "KAISA", "lastName": "SPECIMEN"},
    }})
    .to_string()
    .into_bytes()
}

fn session(i: usize) -> String {
    format!("{i:08x}-5e55-4000-8000-000000000031")
}

/// `kill -SIGNAL pid`: the signal a service manager sends.
fn signal(child: &tokio::process::Child, name: &str) {
    let pid = child.id().expect("the receiver is running").to_string();
    let status = std::process::Command::new("kill")
        .args([&format!("-{name}"), &pid])
        .status()
        .unwrap();
    assert!(status.success(), "kill -{name} {pid}");
}

/// A GET on the receiver: the status and text.
async fn get(url: &str) -> (u16, String) {
    let answer = reqwest::Client::new().get(url).send().await.unwrap();
    (answer.status().as_u16(), answer.text().await.unwrap_or_default())
}

/// The log's lines once `wanted` of them match `what`, within 5 s (the log is
/// written by a thread of its own).
async fn log_lines(path: &Path, what: &str, wanted: usize) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let lines: Vec<String> = text.lines().filter(|l| l.contains(what)).map(str::to_owned).collect();
        if lines.len() >= wanted || Instant::now() > deadline {
            return lines;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A Prometheus scrape as `name{labels}` → value (the labels as written).
fn parse_metrics(text: &str) -> HashMap<String, f64> {
    assert!(
        text.trim_end().ends_with("# EOF"),
        "OpenMetrics text ends with # EOF: {text}"
    );
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|line| {
            let (name, value) = line.rsplit_once(' ').expect("name value");
            (name.to_owned(), value.parse().expect("a number"))
        })
        .collect()
}

fn metric(metrics: &HashMap<String, f64>, name: &str) -> f64 {
    *metrics
        .get(name)
        .unwrap_or_else(|| panic!("{name} is not exported: {:?}", metrics.keys().collect::<Vec<_>>()))
}

/// `/healthz` answers without touching the store; `/readyz` says the store
/// takes a write; both on the webhook address.
#[tokio::test]
async fn alive_and_ready_on_the_listen_address() {
    let home = tempfile::tempdir().unwrap();
    let running = start_with_args(home.path(), &sqlite_url(home.path()), &[]).await;
    assert_eq!(
        get(&format!("{}/healthz", running.url)).await,
        (200, "alive\n".to_owned())
    );
    assert_eq!(
        get(&format!("{}/readyz", running.url)).await,
        (200, "ready\n".to_owned())
    );
}

/// A burst of webhooks, repeats of some, forged and unknown ones: the scraped
/// counters equal what was sent, the histograms count every commit, and the
/// log (as JSON) has one line per webhook with no body, name or key in it.
#[tokio::test]
async fn metrics_and_log_lines_count_what_was_sent() {
    const STORED: usize = 120;
    const REPEATED: usize = 15;
    const FORGED: usize = 7;
    const UNKNOWN: usize = 4;
    let home = tempfile::tempdir().unwrap();
    let log = home.path().join("receiver.log");
    let args = [
        "--metrics",
        "127.0.0.1:0",
        "--log-format",
        "json",
        "--log-file",
        log.to_str().unwrap(),
    ];
    let running = start_with_args(home.path(), &sqlite_url(home.path()), &args).await;
    let url = format!("{}/decision", running.url);
    let mut senders = tokio::task::JoinSet::new();
    for i in 0..STORED + REPEATED {
        let (url, body) = (url.clone(), decision(&session(i % STORED)));
        senders.spawn(async move { post_signed(&url, &body).await.0 });
    }
    let mut answered = Vec::new();
    while let Some(status) = senders.join_next().await {
        answered.push(status.unwrap());
    }
    assert!(answered.iter().all(|s| *s == 200), "{answered:?}");
    let client = reqwest::Client::new();
    for i in 0..FORGED {
        let status = client
            .post(&url)
            .header("x-auth-client", veriff_tui::server::DEMO_API_KEY)
            .header("x-hmac-signature", "00".repeat(32))
            .body(decision(&session(1000 + i)))
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, 401);
    }
    for _ in 0..UNKNOWN {
        let status = client
            .post(&url)
            .header("x-auth-client", "not-a-key")
            .body("{}")
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, 401);
    }

    let scrape = client.get(running.metrics.as_deref().unwrap()).send().await.unwrap();
    let content_type = scrape.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(
        content_type.starts_with("application/openmetrics-text"),
        "{content_type}"
    );
    let metrics = parse_metrics(&scrape.text().await.unwrap());
    let webhooks = |outcome: &str| {
        metric(
            &metrics,
            &format!("veriff_inbox_webhooks_total{{kind=\"decision\",outcome=\"{outcome}\"}}"),
        )
    };
    assert_eq!(webhooks("stored"), STORED as f64);
    assert_eq!(webhooks("duplicate"), REPEATED as f64);
    assert_eq!(webhooks("not_stored"), 0.0);
    let refused = |reason: &str| {
        metric(
            &metrics,
            &format!("veriff_inbox_webhooks_refused_total{{reason=\"{reason}\"}}"),
        )
    };
    assert_eq!(refused("bad_signature"), FORGED as f64);
    assert_eq!(refused("unknown_key"), UNKNOWN as f64);
    assert_eq!(refused("sender_not_allowed"), 0.0);
    // Every signed webhook went through a commit; batches sum to them all.
    let batches = metric(&metrics, "veriff_inbox_batch_size_count");
    assert!(batches >= 1.0 && batches <= (STORED + REPEATED) as f64, "{batches}");
    assert_eq!(
        metric(&metrics, "veriff_inbox_batch_size_sum"),
        (STORED + REPEATED) as f64
    );
    assert_eq!(metric(&metrics, "veriff_inbox_commit_seconds_count"), batches);
    assert!(metric(&metrics, "veriff_inbox_commit_seconds_sum") > 0.0);
    assert_eq!(
        metric(&metrics, "veriff_inbox_store_errors_total{error=\"unreachable\"}"),
        0.0
    );
    assert_eq!(metric(&metrics, "veriff_inbox_store_reachable"), 1.0);
    // The senders' connections are closed or idle; at least none is counted twice.
    assert!(metric(&metrics, "veriff_inbox_open_connections") <= (STORED + REPEATED) as f64);

    let lines = log_lines(&log, "inbox: webhook", STORED + REPEATED).await;
    assert_eq!(lines.len(), STORED + REPEATED, "one line per signed webhook");
    for line in &lines {
        let entry: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        let fields = &entry["fields"];
        assert_eq!(fields["kind"], "decision", "{line}");
        let session = fields["session"].as_str().unwrap();
        assert_eq!(session.len(), 8, "{line}");
        assert!(session.chars().all(|c| c.is_ascii_hexdigit()), "{line}");
        assert!(
            matches!(fields["outcome"].as_str(), Some("stored" | "duplicate")),
            "{line}"
        );
        assert!(fields["ms"].is_u64(), "{line}");
    }
    let all = std::fs::read_to_string(&log).unwrap();
    for secret in ["KAISA", "SPECIMEN", veriff_tui::server::DEMO_API_KEY, "5e55-4000"] {
        assert!(!all.contains(secret), "the log holds {secret:?}");
    }
    let refusals = log_lines(&log, "refused a webhook", FORGED + UNKNOWN).await;
    assert_eq!(refusals.len(), FORGED + UNKNOWN);
}

/// 16 senders post while SIGTERM arrives: the receiver exits 0 within 10 s,
/// and every webhook it answered 2xx is in the store.
#[tokio::test]
async fn a_stop_mid_burst_keeps_every_answered_webhook() {
    let home = tempfile::tempdir().unwrap();
    let url = sqlite_url(home.path());
    let mut running = start_with_args(home.path(), &url, &[]).await;
    let target = format!("{}/decision", running.url);
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut senders = tokio::task::JoinSet::new();
    for _ in 0..16 {
        let (target, next) = (target.clone(), next.clone());
        senders.spawn(async move {
            let client = reqwest::Client::new();
            let mut answered = Vec::new();
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let id = session(i);
                let sent = receiver::signed(&client, &target, &decision(&id)).send();
                match tokio::time::timeout(Duration::from_secs(15), sent).await {
                    Ok(Ok(answer)) if answer.status().is_success() => answered.push(id),
                    Ok(Ok(_)) => {}
                    // Refused or reset: the receiver has stopped.
                    _ => return answered,
                }
            }
        });
    }
    // Some in, then the stop, while they keep sending.
    while next.load(std::sync::atomic::Ordering::SeqCst) < 300 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let stopped_at = Instant::now();
    signal(&running.child, "TERM");
    let status = tokio::time::timeout(Duration::from_secs(10), running.child.wait())
        .await
        .expect("exits within 10 s of SIGTERM")
        .unwrap();
    assert!(status.success(), "exit status 0 after SIGTERM: {status}");
    assert!(stopped_at.elapsed() < Duration::from_secs(10));
    let mut answered = Vec::new();
    while let Some(ids) = senders.join_next().await {
        answered.extend(ids.unwrap());
    }
    assert!(answered.len() >= 300, "{} answered", answered.len());
    let store = Store::open(&url).await.unwrap();
    let mut missing = Vec::new();
    for id in &answered {
        if store.event_count(id).await.unwrap() != 1 {
            missing.push(id.clone());
        }
    }
    assert!(missing.is_empty(), "answered 2xx but not stored: {missing:?}");
}

/// A TCP proxy to the test's PostgreSQL that can be stopped (its connections
/// cut) and started again on the same port: the store going away under a
/// running receiver, and coming back.
struct Proxy {
    port: u16,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Proxy {
    async fn start(port: u16) -> Proxy {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let task = tokio::spawn(async move {
            let mut connections = tokio::task::JoinSet::new();
            loop {
                let Ok((mut client, _)) = listener.accept().await else {
                    return;
                };
                connections.spawn(async move {
                    if let Ok(mut server) = tokio::net::TcpStream::connect("127.0.0.1:5432").await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
            }
        });
        Proxy { port, task: Some(task) }
    }

    /// Closes the port and every connection through it.
    async fn stop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
            let _ = task.await;
        }
    }
}

/// The store stopped under a running receiver: a webhook is answered 503
/// within a second, `/readyz` fails and says why, `/healthz` still answers;
/// once the store is back, the receiver is ready again and stores by itself.
#[tokio::test]
async fn a_store_outage_is_answered_503_at_once_and_recovered_from() {
    let Some(db) = postgres::database("a_store_outage_is_answered_503_at_once_and_recovered_from").await else {
        return;
    };
    let mut proxy = Proxy::start(0).await;
    let (base, name) = db.url.rsplit_once('/').unwrap();
    let host = base.rsplit_once('@').unwrap().0;
    let through = format!("{host}@127.0.0.1:{}/{name}", proxy.port);
    let home = tempfile::tempdir().unwrap();
    let running = start_with_args(home.path(), &through, &[]).await;
    let target = format!("{}/decision", running.url);
    assert_eq!(post_signed(&target, &decision(&session(1))).await.0, 200);
    assert_eq!(get(&format!("{}/readyz", running.url)).await.0, 200);

    proxy.stop().await;
    for i in 2..5 {
        let started = Instant::now();
        let (status, text) = post_signed(&target, &decision(&session(i))).await;
        let took = started.elapsed();
        assert_eq!(status, 503, "{text}");
        assert!(took < Duration::from_secs(1), "answered in {took:?}");
    }
    let started = Instant::now();
    let (status, why) = get(&format!("{}/readyz", running.url)).await;
    assert_eq!(status, 503, "{why}");
    assert!(why.contains("store is unreachable"), "{why}");
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    assert!(!why.contains("postgres://"), "no URL in the answer: {why}");
    assert_eq!(get(&format!("{}/healthz", running.url)).await.0, 200);

    let _proxy = Proxy::start(proxy.port).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while get(&format!("{}/readyz", running.url)).await.0 != 200 {
        assert!(Instant::now() < deadline, "not ready 10 s after the store came back");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(post_signed(&target, &decision(&session(5))).await.0, 200);
    let store = Store::open(&db.url).await.unwrap();
    for (i, expected) in [(1, 1), (2, 0), (3, 0), (4, 0), (5, 1)] {
        assert_eq!(store.event_count(&session(i)).await.unwrap(), expected, "session {i}");
    }
    store.close().await;
}

/// A TLS connection to `addr` trusting only `ca`: the certificate the receiver
/// served, and the stream.
async fn handshake(addr: &str, ca: &Path) -> (Vec<u8>, tokio_rustls::client::TlsStream<tokio::net::TcpStream>) {
    use tokio_rustls::rustls;
    use tokio_rustls::rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(rustls::pki_types::CertificateDer::from_pem_file(ca).unwrap())
        .unwrap();
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
    let stream = connector.connect(name, tcp).await.expect("a handshake trusting the CA");
    let served = stream.get_ref().1.peer_certificates().unwrap()[0].to_vec();
    (served, stream)
}

/// One `GET /healthz` on a kept-alive connection: the status line.
async fn health_on(stream: &mut tokio_rustls::client::TlsStream<tokio::net::TcpStream>) -> String {
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nhost: localhost\r\n\r\n")
        .await
        .unwrap();
    let mut buf = vec![0u8; 1024];
    let n = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf))
        .await
        .expect("an answer")
        .unwrap();
    String::from_utf8_lossy(&buf[..n])
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

fn pem_der(path: &Path) -> Vec<u8> {
    use tokio_rustls::rustls::pki_types::pem::PemObject;
    tokio_rustls::rustls::pki_types::CertificateDer::from_pem_file(path)
        .unwrap()
        .to_vec()
}

/// HTTPS with a certificate from a CA made for the test; after the files are
/// replaced and SIGHUP sent, new connections get the new certificate while a
/// connection opened before goes on; an unusable pair keeps the one in use.
#[tokio::test]
async fn tls_serves_and_reloads_the_certificate_on_sighup() {
    if !tools::available("tls_serves_and_reloads_the_certificate_on_sighup", &[tools::OPENSSL]) {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let dir = home.path();
    certificates::make_ca(dir, "ca", "/CN=veriff-tui test CA");
    certificates::make_ca(dir, "renewed-ca", "/CN=veriff-tui renewed CA");
    certificates::make_server(dir, "ca", "first");
    certificates::make_server(dir, "renewed-ca", "renewed");
    std::fs::copy(dir.join("first.pem"), dir.join("cert.pem")).unwrap();
    std::fs::copy(dir.join("first.key"), dir.join("key.pem")).unwrap();
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let args = ["--tls-cert", cert.to_str().unwrap(), "--tls-key", key.to_str().unwrap()];
    let running = start_with_args(dir, &sqlite_url(dir), &args).await;
    let addr = running.url.strip_prefix("https://").expect("an https URL").to_owned();

    let (served, mut before) = handshake(&addr, &dir.join("ca.pem")).await;
    assert_eq!(served, pem_der(&dir.join("first.pem")));
    assert_eq!(health_on(&mut before).await, "HTTP/1.1 200 OK");
    // A webhook over it, through a client trusting the test CA only.
    let ca = reqwest::Certificate::from_pem(&std::fs::read(dir.join("ca.pem")).unwrap()).unwrap();
    let client = reqwest::Client::builder().tls_certs_only([ca]).build().unwrap();
    let webhook = format!("https://localhost:{}/decision", addr.rsplit_once(':').unwrap().1);
    assert_eq!(post_signed_with(&client, &webhook, &decision(&session(1))).await.0, 200);

    std::fs::copy(dir.join("renewed.pem"), &cert).unwrap();
    std::fs::copy(dir.join("renewed.key"), &key).unwrap();
    signal(&running.child, "HUP");
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let tcp = tokio::net::TcpStream::connect(&addr).await.unwrap();
        drop(tcp);
        if tokio::time::timeout(Duration::from_secs(2), async {
            // Trusting only the renewed CA: succeeds once the new pair is served.
            let renewed = tokio::spawn({
                let (addr, ca) = (addr.clone(), dir.join("renewed-ca.pem"));
                async move { handshake(&addr, &ca).await.0 }
            });
            renewed.await
        })
        .await
        .is_ok_and(|served| served.is_ok_and(|s| s == pem_der(&dir.join("renewed.pem"))))
        {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the renewed certificate is not served 5 s after SIGHUP"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The connection opened before the reload is still served.
    assert_eq!(health_on(&mut before).await, "HTTP/1.1 200 OK");

    // A key that is not the certificate's: refused, the renewed pair stays.
    std::fs::copy(dir.join("first.key"), &key).unwrap();
    signal(&running.child, "HUP");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (served, _) = handshake(&addr, &dir.join("renewed-ca.pem")).await;
    assert_eq!(served, pem_der(&dir.join("renewed.pem")));
}

/// A client whose connections come from `from` (a loopback address standing in
/// for one of Veriff's).
fn client_from(from: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(from.parse::<std::net::IpAddr>().unwrap())
        .build()
        .unwrap()
}

/// `--allow-from` takes 127.0.0.2 (standing in for Veriff) and refuses
/// 127.0.0.1 with 403 and a log line; behind `--trusted-proxy` 127.0.0.3 the
/// sender is the X-Forwarded-For hop the proxy names, and no one else's header
/// is believed.
#[tokio::test]
async fn only_allowed_senders_and_trusted_proxies() {
    let home = tempfile::tempdir().unwrap();
    let log = home.path().join("receiver.log");
    let args = [
        "--allow-from",
        "127.0.0.2",
        "--allow-from",
        "10.20.0.0/16",
        "--trusted-proxy",
        "127.0.0.3",
        "--log-file",
        log.to_str().unwrap(),
    ];
    let running = start_with_args(home.path(), &sqlite_url(home.path()), &args).await;
    let target = format!("{}/decision", running.url);
    let body = |i| decision(&session(i));

    assert_eq!(
        post_signed_with(&client_from("127.0.0.2"), &target, &body(1)).await.0,
        200
    );
    let (status, text) = post_signed_with(&client_from("127.0.0.1"), &target, &body(2)).await;
    assert_eq!((status, text.as_str()), (403, "sender not allowed\n"));

    let forwarded = |from: &'static str, chain: &'static str, i: usize| {
        let target = target.clone();
        async move {
            let request = receiver::signed(&client_from(from), &target, &body(i));
            let answer = request.header("x-forwarded-for", chain).send().await.unwrap();
            answer.status().as_u16()
        }
    };
    // Through the proxy, for an allowed sender (the leftmost hop is the sender's own word).
    assert_eq!(forwarded("127.0.0.3", "192.0.2.66, 10.20.3.4", 3).await, 200);
    // Through the proxy, for a sender not allowed, who wrote an allowed one first.
    assert_eq!(forwarded("127.0.0.3", "127.0.0.2, 192.0.2.66", 4).await, 403);
    // Not from the proxy: its header is not believed.
    assert_eq!(forwarded("127.0.0.1", "127.0.0.2", 5).await, 403);

    let store = Store::open(&sqlite_url(home.path())).await.unwrap();
    for (i, expected) in [(1, 1), (2, 0), (3, 1), (4, 0), (5, 0)] {
        assert_eq!(store.event_count(&session(i)).await.unwrap(), expected, "session {i}");
    }
    let refusals = log_lines(&log, "refused a webhook", 3).await;
    assert_eq!(refusals.len(), 3, "{refusals:?}");
    assert!(
        refusals[0].contains("127.0.0.1 is not in --allow-from"),
        "{}",
        refusals[0]
    );
    assert!(
        refusals[1].contains("192.0.2.66 (through proxy 127.0.0.3) is not in --allow-from"),
        "{}",
        refusals[1]
    );
    // Veriff's own addresses do not include loopback: a local sender is refused.
    let home = tempfile::tempdir().unwrap();
    let veriff_only = start_with_args(home.path(), &sqlite_url(home.path()), &["--allow-from", "veriff"]).await;
    let target = format!("{}/decision", veriff_only.url);
    assert_eq!(post_signed(&target, &body(6)).await.0, 403);
    // Health is for the load balancer and monitor, wherever they are.
    assert_eq!(get(&format!("{}/healthz", veriff_only.url)).await.0, 200);
}

/// SIGHUP reopens the log: after logrotate renames the file, new lines go to a
/// new file at the same path, and none is lost.
#[tokio::test]
async fn sighup_reopens_the_log_after_a_rotation() {
    let home = tempfile::tempdir().unwrap();
    let log = home.path().join("receiver.log");
    let running = start_with_args(
        home.path(),
        &sqlite_url(home.path()),
        &["--log-file", log.to_str().unwrap()],
    )
    .await;
    let target = format!("{}/decision", running.url);
    assert_eq!(post_signed(&target, &decision(&session(1))).await.0, 200);
    assert_eq!(log_lines(&log, "inbox: webhook", 1).await.len(), 1);
    let rotated = home.path().join("receiver.log.1");
    std::fs::rename(&log, &rotated).unwrap();
    signal(&running.child, "HUP");
    let deadline = Instant::now() + Duration::from_secs(5);
    while !log.exists() {
        assert!(Instant::now() < deadline, "no new log file 5 s after SIGHUP");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(post_signed(&target, &decision(&session(2))).await.0, 200);
    let new = log_lines(&log, "inbox: webhook", 1).await;
    assert_eq!(new.len(), 1, "{new:?}");
    assert!(new[0].contains("session=\"00000002\""), "{}", new[0]);
    let old = std::fs::read_to_string(&rotated).unwrap();
    assert_eq!(old.matches("inbox: webhook").count(), 1, "{old}");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&log).unwrap().permissions().mode() & 0o777, 0o600);
}

/// Metrics on an address other hosts can reach need --public, as the listener does.
#[tokio::test]
async fn metrics_beyond_loopback_need_public() {
    let home = tempfile::tempdir().unwrap();
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_veriff-tui"))
        .env_clear()
        .env("HOME", home.path())
        .env("VERIFF_API_KEY", veriff_tui::server::DEMO_API_KEY)
        .env("VERIFF_SHARED_SECRET", veriff_tui::server::DEMO_SHARED_SECRET)
        .args(["inbox", "--inbox-url", &sqlite_url(home.path()), "receive"])
        .args(["--listen", "127.0.0.1:0", "--metrics", "0.0.0.0:0"])
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("0.0.0.0:0 (--metrics) is not a loopback address"),
        "{said}"
    );
}

/// As systemd starts it (`LoadCredential=`): the profile's shared secret and
/// the inbox's URL are files in `$CREDENTIALS_DIRECTORY`, the config file holds
/// only the API key; a webhook signed with that secret lands in that inbox.
#[tokio::test]
async fn the_secret_and_store_come_from_systemd_credentials() {
    const KEY: &str = "c4ed0000-0000-4000-8000-00000000c4ed";
    const SECRET: &str = "specimen-secret-from-a-credential";
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config.toml");
    let text = format!("[profiles.live]\napi_url = \"http://127.0.0.1:9\"\napi_key = \"{KEY}\"\n");
    veriff_tui::files::write_private(&config, text.as_bytes()).unwrap();
    let credentials = home.path().join("credentials");
    std::fs::create_dir(&credentials).unwrap();
    let inbox = sqlite_url(&home.path().join("state"));
    std::fs::write(credentials.join("shared-secret"), format!("{SECRET}\n")).unwrap();
    std::fs::write(credentials.join("inbox-url"), format!("{inbox}\n")).unwrap();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_veriff-tui"))
        .env_clear()
        .env("HOME", home.path())
        .env("CREDENTIALS_DIRECTORY", &credentials)
        .args(["--config", config.to_str().unwrap(), "--profile", "live"])
        .args(["inbox", "receive", "--listen", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    use tokio::io::AsyncBufReadExt;
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let url = receiver::said(&mut lines, "listening on ").await;
    let body = decision(&session(1));
    let signature = veriff_tui::api::Secret::new(SECRET).sign(&body);
    let status = reqwest::Client::new()
        .post(format!("{url}/decision"))
        .header("x-auth-client", KEY)
        .header("x-hmac-signature", signature)
        .body(body)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 200);
    let store = Store::open(&inbox).await.unwrap();
    assert_eq!(store.event_count(&session(1)).await.unwrap(), 1);
}
