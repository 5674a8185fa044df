//! `inbox receive`: Veriff's webhooks over HTTP or HTTPS, checked before
//! anything is parsed, committed before they are answered. One writer task
//! batches what arrives meanwhile into one transaction (group commit): one disk
//! flush answers many. Served on an accept loop of its own, so that a sender who
//! says nothing, or thousands of them, cannot keep a real webhook out: every
//! connection has a deadline for its request's headers (and its TLS handshake),
//! and connections are capped below the process's open-file limit.
//!
//! Run as a service: `/healthz` (alive) and `/readyz` (the store takes a write
//! within a second) on the same address; metrics on one of their own; a stop
//! that answers what is in flight once committed; a store that cannot be
//! reached answered 503 at once (Veriff sends again) until it is back; and only
//! the senders `--allow-from` names.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tokio::sync::{Semaphore, mpsc, oneshot, watch};

use super::event::{Kind, facts};
use super::metrics::Metrics;
use super::senders::Senders;
use super::store::{Incoming, Outcome, Store, StoreError};
use super::tls::Certificates;
use crate::api::Secret;
use crate::time::now_ms;

/// The largest body accepted (413 beyond).
pub const MAX_BODY: usize = 1 << 20;
/// How long a sender has to send the whole body (408 after).
pub const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// The most webhooks one transaction commits.
const MAX_BATCH: usize = 512;
/// How long a connection may take to send a request's headers, counted from
/// when it opens or from the previous answer: also how long a kept-alive
/// connection may sit idle before it is closed, and how long a TLS handshake may take.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// The most connections open at once, where the open-file limit allows;
/// beyond them a new connection is closed at once rather than queued.
pub const MAX_CONNECTIONS: usize = 10_000;
/// Files kept free of connections under the open-file limit: the database's,
/// the log's, the listener's.
const FILES_KEPT_FREE: u64 = 256;
/// A connection's read buffer at most (its headers must fit): 10,000 of them
/// hold 160 MiB at worst, where hyper's default (~400 KiB) would allow 4 GiB.
const READ_BUFFER: usize = 16 * 1024;
/// After a stop is asked for, how long webhooks in flight have to be committed
/// and answered: the process exits within 10 s (the unit's TimeoutStopSec is 15).
pub const DRAIN_DEADLINE: Duration = Duration::from_secs(8);
/// How long `/readyz` gives the store to take a write.
pub const READY_WITHIN: Duration = Duration::from_secs(1);
/// How often an unreachable store is tried again.
const RETRY_STORE_EVERY: Duration = Duration::from_millis(250);
/// Connections the metrics listener keeps open at most (a scraper or two).
const METRICS_CONNECTIONS: usize = 64;

/// An integration whose webhooks are accepted: its API key and shared secret.
#[derive(Debug, Clone)]
pub struct Integration {
    /// The config profile it comes from (stored with each webhook it signed).
    pub name: String,
    pub api_key: String,
    pub secret: Secret,
}

/// How a receiver runs beyond its store and integrations.
#[derive(Clone, Default)]
pub struct Options {
    /// Who may send (`--allow-from`, `--trusted-proxy`); by default anyone.
    pub senders: Senders,
    /// `--tls-cert` and `--tls-key`: served over HTTPS.
    pub tls: Option<Arc<Certificates>>,
    /// Counted here whether or not `--metrics` serves them.
    pub metrics: Arc<Metrics>,
}

type Job = (Incoming, oneshot::Sender<Result<Outcome, StoreError>>);

/// What `/readyz` reports besides a fresh write.
#[derive(Default)]
struct Health {
    /// Why the store is unreachable, while it is (webhooks answered 503).
    unreachable: Mutex<Option<String>>,
    /// Whether a task is trying the store again.
    retrying: AtomicBool,
    /// A stop was asked for.
    draining: AtomicBool,
}

struct Shared {
    by_key: HashMap<String, Integration>,
    writer: mpsc::Sender<Job>,
    store: Store,
    senders: Senders,
    metrics: Arc<Metrics>,
    health: Health,
}

impl Shared {
    fn unreachable(&self) -> Option<String> {
        self.health
            .unreachable
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Marks the store unreachable (`why`), and tries it again every
    /// [`RETRY_STORE_EVERY`] until it takes a write: then intake resumes.
    fn store_unreachable(self: &Arc<Shared>, why: String) {
        let first = self
            .health
            .unreachable
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .replace(why.clone())
            .is_none();
        if first {
            tracing::error!(error = %why, "inbox: the store is unreachable: webhooks are answered 503 until it is back");
        }
        self.metrics.store_reachable(false);
        if self.health.retrying.swap(true, Ordering::SeqCst) {
            return;
        }
        let shared = Arc::downgrade(self);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(RETRY_STORE_EVERY).await;
                let Some(shared) = shared.upgrade() else { return };
                let why = match tokio::time::timeout(READY_WITHIN, shared.store.takes_a_write()).await {
                    Ok(Ok(())) => {
                        *shared.health.unreachable.lock().unwrap_or_else(|e| e.into_inner()) = None;
                        shared.health.retrying.store(false, Ordering::SeqCst);
                        shared.metrics.store_reachable(true);
                        tracing::info!("inbox: the store takes writes again: webhooks are stored");
                        return;
                    }
                    Ok(Err(e)) => e.message,
                    Err(_) => "the store did not take a write within 1 s".to_owned(),
                };
                *shared.health.unreachable.lock().unwrap_or_else(|e| e.into_inner()) = Some(why);
            }
        });
    }
}

/// The receiver's routes over `store` with default [`Options`]; the writer
/// task runs while the router lives.
pub fn router(store: Store, integrations: Vec<Integration>) -> Router {
    intake(store, integrations, &Options::default()).0
}

fn intake(store: Store, integrations: Vec<Integration>, options: &Options) -> (Router, Arc<Shared>) {
    let (writer, jobs) = mpsc::channel(4 * MAX_BATCH);
    let shared = Arc::new(Shared {
        by_key: integrations.into_iter().map(|i| (i.api_key.clone(), i)).collect(),
        writer,
        store,
        senders: options.senders.clone(),
        metrics: options.metrics.clone(),
        health: Health::default(),
    });
    tokio::spawn(write_batches(Arc::downgrade(&shared), shared.store.clone(), jobs));
    let router = Router::new()
        .route("/", post(receive))
        .route("/decision", post(receive))
        .route("/event", post(receive))
        .route("/watchlist", post(receive))
        .route("/status", post(receive))
        .route("/healthz", get(alive))
        .route("/livez", get(alive))
        .route("/readyz", get(ready))
        .with_state(shared.clone());
    (router, shared)
}

/// Serves the receiver on `listener` until the process ends (or the task is
/// aborted): each connection on its own task, with [`HEADER_TIMEOUT`], at most
/// [`connection_cap`] of them.
pub async fn serve(
    listener: tokio::net::TcpListener,
    store: Store,
    integrations: Vec<Integration>,
) -> std::io::Result<()> {
    let (_never, stop) = watch::channel(false);
    serve_with(listener, store, integrations, Options::default(), stop)
        .await
        .map(drop)
}

/// [`serve`] with `options`, until `stop` turns true: then no connection is
/// accepted, `/readyz` fails, and what is in flight is committed and answered
/// (kept-alive connections are closed after their answer) within
/// [`DRAIN_DEADLINE`]. Whether every connection ended within it.
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    store: Store,
    integrations: Vec<Integration>,
    options: Options,
    stop: watch::Receiver<bool>,
) -> std::io::Result<bool> {
    let cap = connection_cap(raise_open_files_limit());
    let (router, shared) = intake(store, integrations, &options);
    let draining = {
        let (shared, mut stop) = (shared.clone(), stop.clone());
        async move {
            stopped(&mut stop).await;
            shared.health.draining.store(true, Ordering::SeqCst);
        }
    };
    let tls = match &options.tls {
        Some(certificates) => Some(certificates.acceptor().map_err(std::io::Error::other)?),
        None => None,
    };
    let listening = Listening {
        router,
        tls,
        cap,
        metrics: Some(options.metrics.clone()),
    };
    let (drained, ()) = tokio::join!(listening.serve(listener, stop), draining);
    drained
}

/// Serves the metrics (`GET /metrics`) on `listener` until `stop` turns true.
pub async fn serve_metrics(
    listener: tokio::net::TcpListener,
    metrics: Arc<Metrics>,
    stop: watch::Receiver<bool>,
) -> std::io::Result<()> {
    let router = Router::new().route(
        "/metrics",
        get(|State(metrics): State<Arc<Metrics>>| async move {
            ([(header::CONTENT_TYPE, super::metrics::CONTENT_TYPE)], metrics.text())
        }),
    );
    let listening = Listening {
        router: router.with_state(metrics),
        tls: None,
        cap: METRICS_CONNECTIONS,
        metrics: None,
    };
    listening.serve(listener, stop).await.map(drop)
}

/// Resolves once `stop` is true; never if its sender is gone without it.
async fn stopped(stop: &mut watch::Receiver<bool>) {
    if stop.wait_for(|stopped| *stopped).await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// One accept loop: its routes, TLS or not, its cap on connections, and the
/// metrics that count its connections.
struct Listening {
    router: Router,
    tls: Option<tokio_rustls::TlsAcceptor>,
    cap: usize,
    metrics: Option<Arc<Metrics>>,
}

impl Listening {
    /// Accepts until `stop`, then drains: whether every connection ended within
    /// [`DRAIN_DEADLINE`].
    async fn serve(self, listener: tokio::net::TcpListener, mut stop: watch::Receiver<bool>) -> std::io::Result<bool> {
        use hyper_util::rt::TokioTimer;
        let cap = self.cap;
        let open = Arc::new(Semaphore::new(cap));
        let mut http = hyper::server::conn::http1::Builder::new();
        http.timer(TokioTimer::new())
            .header_read_timeout(HEADER_TIMEOUT)
            .max_buf_size(READ_BUFFER);
        let mut refused_since_said = 0u64;
        loop {
            let (stream, peer) = tokio::select! {
                biased;
                () = stopped(&mut stop) => break,
                accepted = listener.accept() => match accepted {
                    Ok(accepted) => accepted,
                    Err(e) => {
                        // Out of files or memory for a moment: the connection waits in
                        // the backlog rather than the loop spinning.
                        tracing::warn!(error = %e, "inbox: cannot accept a connection");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                },
            };
            let Ok(permit) = open.clone().try_acquire_owned() else {
                // Closed at once: a sender retries, where a queue would stall everyone.
                refused_since_said += 1;
                if refused_since_said == 1 || refused_since_said.is_multiple_of(1000) {
                    tracing::warn!(
                        cap,
                        refused = refused_since_said,
                        "inbox: connections over the cap closed"
                    );
                }
                drop(stream);
                continue;
            };
            refused_since_said = 0;
            let (router, tls, http, metrics, mut stop) = (
                self.router.clone(),
                self.tls.clone(),
                http.clone(),
                self.metrics.clone(),
                stop.clone(),
            );
            tokio::spawn(async move {
                if let Some(metrics) = &metrics {
                    metrics.connection_opened();
                }
                match tls {
                    None => serve_connection(&http, stream, router, peer, stop).await,
                    Some(acceptor) => {
                        let handshake = tokio::select! {
                            done = tokio::time::timeout(HEADER_TIMEOUT, acceptor.accept(stream)) => done.ok(),
                            () = stopped(&mut stop) => None,
                        };
                        // A failed handshake is a sender's (a scanner, a wrong CA): nothing to answer.
                        if let Some(Ok(stream)) = handshake {
                            serve_connection(&http, stream, router, peer, stop).await;
                        }
                    }
                }
                if let Some(metrics) = &metrics {
                    metrics.connection_closed();
                }
                drop(permit);
            });
        }
        drop(listener);
        let all = u32::try_from(cap).unwrap_or(u32::MAX);
        Ok(tokio::time::timeout(DRAIN_DEADLINE, open.acquire_many(all))
            .await
            .is_ok())
    }
}

/// Serves one connection; once `stop` turns true, the request in progress is
/// answered and the connection closed.
async fn serve_connection<I>(
    http: &hyper::server::conn::http1::Builder,
    io: I,
    router: Router,
    peer: SocketAddr,
    mut stop: watch::Receiver<bool>,
) where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    use hyper::service::Service as _;
    let routes = hyper_util::service::TowerToHyperService::new(router);
    // The peer, for `--allow-from` (and the proxy check), as axum's ConnectInfo.
    let service = hyper::service::service_fn(move |mut request: hyper::Request<hyper::body::Incoming>| {
        request.extensions_mut().insert(ConnectInfo(peer));
        routes.call(request)
    });
    let connection = http.serve_connection(hyper_util::rt::TokioIo::new(io), service);
    tokio::pin!(connection);
    // Errors here are a sender's (a timeout, a reset): nothing to answer.
    tokio::select! {
        _ = connection.as_mut() => return,
        () = stopped(&mut stop) => {}
    }
    connection.as_mut().graceful_shutdown();
    let _ = connection.await;
}

/// How many connections may be open at once under an open-file limit of `files`.
fn connection_cap(files: u64) -> usize {
    let room = files.saturating_sub(FILES_KEPT_FREE).max(1);
    usize::try_from(room).unwrap_or(usize::MAX).min(MAX_CONNECTIONS)
}

/// Raises the soft open-file limit to the hard one (often 1,024 against
/// 524,288: each connection is a file) and says the limit now in force.
fn raise_open_files_limit() -> u64 {
    // Linux refuses more than its fs.nr_open (1,048,576 by default), as an
    // unlimited hard limit would ask.
    // (`None` is unlimited.)
    const AT_MOST: u64 = 1 << 20;
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    let wanted = limit.maximum.unwrap_or(AT_MOST).min(AT_MOST);
    let soft = limit.current.unwrap_or(u64::MAX);
    if soft >= wanted {
        return soft;
    }
    let raised = Rlimit {
        current: Some(wanted),
        maximum: limit.maximum,
    };
    match setrlimit(Resource::Nofile, raised) {
        Ok(()) => wanted,
        Err(_) => soft,
    }
}

/// Whether an address may listen without `--public`.
pub fn is_loopback(addr: &SocketAddr) -> bool {
    addr.ip().is_loopback()
}

async fn write_batches(shared: std::sync::Weak<Shared>, store: Store, mut jobs: mpsc::Receiver<Job>) {
    while let Some(first) = jobs.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let (items, replies): (Vec<Incoming>, Vec<_>) = batch.into_iter().unzip();
        let started = Instant::now();
        let stored = store.try_ingest(&items).await;
        let shared = shared.upgrade();
        match stored {
            Ok(outcomes) => {
                if let Some(shared) = &shared {
                    shared.metrics.committed(items.len(), started.elapsed());
                }
                for (reply, outcome) in replies.into_iter().zip(outcomes) {
                    let _ = reply.send(Ok(outcome));
                }
            }
            Err(e) => {
                if let Some(shared) = &shared {
                    shared.metrics.store_error(e.unreachable);
                    if e.unreachable {
                        shared.store_unreachable(e.message.clone());
                    }
                }
                if !e.unreachable {
                    tracing::error!(error = %e, webhooks = items.len(), "inbox: a batch was not stored");
                }
                for reply in replies {
                    let _ = reply.send(Err(e.clone()));
                }
            }
        }
    }
}

/// The request headers kept with a webhook: what proves it (the signature over
/// the body, its content type) and traces it (Veriff's integration id); the
/// profile that accepted it is the event's `source`, its arrival `received_ms`.
/// Never the API key (`X-AUTH-CLIENT`), nor what a proxy adds (`Authorization`,
/// `Cookie`, forwarding headers). Migration 6 removes the rest from older rows.
pub const KEPT_HEADERS: [&str; 4] = [
    "x-hmac-signature",
    "vrf-hmac-signature",
    "content-type",
    "vrf-integration-id",
];

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// `GET /healthz` (and `/livez`): the process answers. Touches nothing else,
/// so a store outage never has a monitor restart the receiver.
async fn alive() -> &'static str {
    "alive\n"
}

/// `GET /readyz`: 200 when the store takes a write within [`READY_WITHIN`] and
/// no stop was asked for; else 503 and why.
async fn ready(State(shared): State<Arc<Shared>>) -> (StatusCode, String) {
    let not_ready = |why: &str| (StatusCode::SERVICE_UNAVAILABLE, format!("not ready: {why}\n"));
    if shared.health.draining.load(Ordering::SeqCst) {
        return not_ready("stopping");
    }
    if let Some(why) = shared.unreachable() {
        return not_ready(&format!("the store is unreachable: {why}"));
    }
    match tokio::time::timeout(READY_WITHIN, shared.store.takes_a_write()).await {
        Ok(Ok(())) => (StatusCode::OK, "ready\n".to_owned()),
        Ok(Err(e)) => {
            if e.unreachable {
                shared.store_unreachable(e.message.clone());
                return not_ready(&format!("the store is unreachable: {e}"));
            }
            not_ready(&format!("the store refuses a write: {e}"))
        }
        Err(_) => not_ready("the store did not take a write within 1 s"),
    }
}

/// What became of one request to a webhook path: its answer, and its log line.
enum Verdict {
    /// Refused before anything was stored: `reason` is the metric's label, `why` the log's.
    Refused {
        reason: &'static str,
        status: StatusCode,
        answer: &'static str,
        why: String,
    },
    /// Signed by a known integration, and handed to the store (or not, if it was unreachable).
    Signed {
        kind: Kind,
        session: Option<String>,
        profile: String,
        outcome: &'static str,
        status: StatusCode,
        answer: &'static str,
    },
}

fn refused(reason: &'static str, status: StatusCode, answer: &'static str, why: impl Into<String>) -> Verdict {
    Verdict::Refused {
        reason,
        status,
        answer,
        why: why.into(),
    }
}

/// Every request to a webhook path: one log line (kind, the session's first 8
/// characters, outcome, milliseconds; never a body, a name or a key) and its count.
async fn receive(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let started = Instant::now();
    let verdict = verdict(&shared, peer, &uri, &headers, body).await;
    let ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let path = uri.path();
    match verdict {
        Verdict::Refused {
            reason,
            status,
            answer,
            why,
        } => {
            shared.metrics.refused(reason);
            tracing::warn!(
                path,
                reason,
                status = status.as_u16(),
                ms,
                "inbox: refused a webhook: {why}"
            );
            // An unknown key or sender is answered on its headers alone, and
            // the connection closed on it.
            let close = matches!(reason, "unknown_key" | "sender_not_allowed");
            let mut response = (status, answer).into_response();
            if close {
                response
                    .headers_mut()
                    .insert(header::CONNECTION, header::HeaderValue::from_static("close"));
            }
            response
        }
        Verdict::Signed {
            kind,
            session,
            profile,
            outcome,
            status,
            answer,
        } => {
            shared.metrics.webhook(kind, outcome);
            let kind = kind.as_str();
            let session = session.as_deref().unwrap_or("-");
            if status.is_success() {
                tracing::info!(kind, session, outcome, ms, profile, "inbox: webhook");
            } else {
                tracing::warn!(
                    kind,
                    session,
                    outcome,
                    ms,
                    profile,
                    status = status.as_u16(),
                    "inbox: webhook not stored"
                );
            }
            (status, answer).into_response()
        }
    }
}

async fn verdict(shared: &Arc<Shared>, peer: SocketAddr, uri: &Uri, headers: &HeaderMap, body: Body) -> Verdict {
    // Who sent it, before anything else is looked at.
    if !shared.senders.anyone() {
        let sender = match shared.senders.sender(peer.ip(), headers) {
            Ok(sender) => sender,
            Err(why) => {
                return refused(
                    "sender_not_allowed",
                    StatusCode::FORBIDDEN,
                    "sender not allowed\n",
                    format!("from {}: {why}", peer.ip()),
                );
            }
        };
        if !shared.senders.allows(sender) {
            let through = if sender == peer.ip().to_canonical() {
                String::new()
            } else {
                format!(" (through proxy {})", peer.ip())
            };
            return refused(
                "sender_not_allowed",
                StatusCode::FORBIDDEN,
                "sender not allowed\n",
                format!("{sender}{through} is not in --allow-from"),
            );
        }
    }
    // Whose it is, before a byte of the body is read: an unknown key costs the
    // receiver its headers only.
    let Some(integration) = header(headers, "x-auth-client").and_then(|key| shared.by_key.get(key)) else {
        return refused(
            "unknown_key",
            StatusCode::UNAUTHORIZED,
            "unknown X-AUTH-CLIENT\n",
            "X-AUTH-CLIENT is not this receiver's profile's API key",
        );
    };
    signed(shared, integration, uri, headers, body).await
}

/// A webhook whose key is known: its body read, its signature checked, stored.
async fn signed(
    shared: &Arc<Shared>,
    integration: &Integration,
    uri: &Uri,
    headers: &HeaderMap,
    body: Body,
) -> Verdict {
    let too_large = || {
        refused(
            "too_large",
            StatusCode::PAYLOAD_TOO_LARGE,
            "body over 1 MiB\n",
            "its body is over 1 MiB",
        )
    };
    let declared = header(headers, "content-length").and_then(|l| l.parse::<usize>().ok());
    if declared.is_some_and(|l| l > MAX_BODY) {
        return too_large();
    }
    let raw: Bytes = match tokio::time::timeout(SEND_TIMEOUT, axum::body::to_bytes(body, MAX_BODY)).await {
        Err(_) => {
            return refused(
                "send_timeout",
                StatusCode::REQUEST_TIMEOUT,
                "body not sent within 10 s\n",
                "the sender took over 10 s to send it",
            );
        }
        Ok(Err(e)) => {
            if std::error::Error::source(&e).is_some_and(|s| s.is::<http_body_util::LengthLimitError>()) {
                return too_large();
            }
            return refused(
                "unreadable",
                StatusCode::BAD_REQUEST,
                "body unreadable\n",
                format!("its body could not be read: {e}"),
            );
        }
        Ok(Ok(raw)) => raw,
    };
    // Signature first: nothing unsigned is parsed, let alone stored.
    let signature = header(headers, "x-hmac-signature").or_else(|| header(headers, "vrf-hmac-signature"));
    if !signature.is_some_and(|s| integration.secret.verifies(&raw, s)) {
        return refused(
            "bad_signature",
            StatusCode::UNAUTHORIZED,
            "signature does not match\n",
            format!("its signature does not match the body (profile {})", integration.name),
        );
    }
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(&raw) else {
        return refused(
            "not_json",
            StatusCode::BAD_REQUEST,
            "body is not JSON\n",
            format!("signed, but not JSON (profile {})", integration.name),
        );
    };
    let kind = Kind::from_path(uri.path()).unwrap_or_else(|| Kind::from_shape(&value));
    let facts = facts(kind, &value);
    let taken = |outcome, status, answer| Verdict::Signed {
        kind,
        session: facts.session_id.as_ref().map(|id| id.chars().take(8).collect()),
        profile: integration.name.clone(),
        outcome,
        status,
        answer,
    };
    // Veriff sends it again later: no 2xx for what is not committed.
    let later = || {
        taken(
            "store_unreachable",
            StatusCode::SERVICE_UNAVAILABLE,
            "the inbox's store is unreachable: send again later\n",
        )
    };
    if shared.unreachable().is_some() {
        return later();
    }
    let headers_json: serde_json::Map<String, serde_json::Value> = headers
        .iter()
        .filter(|(name, _)| KEPT_HEADERS.contains(&name.as_str()))
        .map(|(name, value)| {
            (
                name.to_string(),
                String::from_utf8_lossy(value.as_bytes()).into_owned().into(),
            )
        })
        .collect();
    let incoming = Incoming {
        kind,
        facts: facts.clone(),
        body: raw.to_vec(),
        headers: serde_json::Value::Object(headers_json).to_string(),
        source: integration.name.clone(),
        received_ms: now_ms(),
    };
    let (reply, answer) = oneshot::channel();
    if shared.writer.send((incoming, reply)).await.is_err() {
        return taken("not_stored", StatusCode::SERVICE_UNAVAILABLE, "inbox closing\n");
    }
    match answer.await {
        Ok(Ok(Outcome::Stored)) => taken("stored", StatusCode::OK, "stored\n"),
        Ok(Ok(Outcome::Duplicate)) => taken("duplicate", StatusCode::OK, "already stored\n"),
        // 2xx, or Veriff would send an erased person's data again for a week.
        Ok(Ok(Outcome::Erased)) => taken("erased", StatusCode::OK, "session erased here: dropped\n"),
        Ok(Err(e)) if e.unreachable => later(),
        // Not 2xx: Veriff sends it again later.
        _ => taken(
            "not_stored",
            StatusCode::INTERNAL_SERVER_ERROR,
            "not stored, send again\n",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[test]
    fn the_cap_stays_under_the_open_file_limit() {
        assert_eq!(connection_cap(1024), 768);
        assert_eq!(connection_cap(20_000), MAX_CONNECTIONS);
        assert_eq!(connection_cap(100), 1);
    }

    /// Over the cap a connection is closed at once, not left waiting; once one
    /// of the open ones goes, the next is served.
    #[tokio::test]
    async fn over_the_cap_a_connection_is_closed_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&format!("sqlite://{}", dir.path().join("inbox.db").display()))
            .await
            .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let listening = Listening {
            router: router(store, Vec::new()),
            tls: None,
            cap: 2,
            metrics: None,
        };
        let (_keep, stop) = watch::channel(false);
        let served = tokio::spawn(listening.serve(listener, stop));
        let connect = || tokio::net::TcpStream::connect(addr);
        let idle = [connect().await.unwrap(), connect().await.unwrap()];
        let mut over = connect().await.unwrap();
        let mut buf = [0u8; 64];
        let read = tokio::time::timeout(Duration::from_secs(1), over.read(&mut buf)).await;
        assert!(matches!(read, Ok(Ok(0)) | Ok(Err(_))), "{read:?}");
        drop(idle);
        // The receiver sees them go; then a request is answered (401: no integration).
        let request = b"POST /decision HTTP/1.1\r\nhost: x\r\nx-auth-client: nobody\r\ncontent-length: 2\r\n\r\n";
        let mut answer = String::new();
        for _ in 0..20 {
            tokio::time::sleep(Duration::from_millis(50)).await;
            let mut next = connect().await.unwrap();
            let _ = next.write_all(request).await;
            answer.clear();
            let _ = tokio::time::timeout(Duration::from_secs(1), next.read_to_string(&mut answer)).await;
            if !answer.is_empty() {
                break;
            }
        }
        assert!(answer.starts_with("HTTP/1.1 401"), "{answer:?}");
        assert!(answer.to_ascii_lowercase().contains("connection: close"), "{answer}");
        served.abort();
    }
}
