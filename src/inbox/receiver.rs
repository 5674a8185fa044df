//! `inbox receive`: Veriff's webhooks over HTTP, checked before anything is parsed,
//! committed before they are answered. One writer task batches what arrives
//! meanwhile into one transaction (group commit): one disk flush answers many.
//! Served on an accept loop of its own, so that a sender who says nothing, or
//! thousands of them, cannot keep a real webhook out: every connection has a
//! deadline for its request's headers, and connections are capped below the
//! process's open-file limit.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use tokio::sync::{Semaphore, mpsc, oneshot};

use super::event::{Kind, facts};
use super::store::{Incoming, Outcome, Store};
use super::time::now_ms;
use crate::api::Secret;

/// The largest body accepted (413 beyond).
pub const MAX_BODY: usize = 1 << 20;
/// How long a sender has to send the whole body (408 after).
pub const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// The most webhooks one transaction commits.
const MAX_BATCH: usize = 512;
/// How long a connection may take to send a request's headers, counted from
/// when it opens or from the previous answer: also how long a kept-alive
/// connection may sit idle before it is closed.
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

/// An integration whose webhooks are accepted: its API key and shared secret.
#[derive(Debug, Clone)]
pub struct Integration {
    /// The config profile it comes from (stored with each webhook it signed).
    pub name: String,
    pub api_key: String,
    pub secret: Secret,
}

type Job = (Incoming, oneshot::Sender<Result<Outcome, String>>);

struct Shared {
    by_key: HashMap<String, Integration>,
    writer: mpsc::Sender<Job>,
}

/// The receiver's routes over `store`; the writer task runs while the router lives.
pub fn router(store: Store, integrations: Vec<Integration>) -> Router {
    let (writer, jobs) = mpsc::channel(4 * MAX_BATCH);
    tokio::spawn(write_batches(store, jobs));
    let shared = Arc::new(Shared {
        by_key: integrations.into_iter().map(|i| (i.api_key.clone(), i)).collect(),
        writer,
    });
    Router::new()
        .route("/", post(receive))
        .route("/decision", post(receive))
        .route("/event", post(receive))
        .route("/watchlist", post(receive))
        .route("/status", post(receive))
        .with_state(shared)
}

/// Serves the receiver on `listener` until the process ends (or the task is
/// aborted): each connection on its own task, with [`HEADER_TIMEOUT`], at most
/// [`connection_cap`] of them.
pub async fn serve(
    listener: tokio::net::TcpListener,
    store: Store,
    integrations: Vec<Integration>,
) -> std::io::Result<()> {
    let cap = connection_cap(raise_open_files_limit());
    serve_capped(listener, router(store, integrations), cap).await
}

/// [`serve`] with at most `cap` connections open.
async fn serve_capped(listener: tokio::net::TcpListener, router: Router, cap: usize) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let open = Arc::new(Semaphore::new(cap));
    let service = hyper_util::service::TowerToHyperService::new(router);
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .max_buf_size(READ_BUFFER);
    let mut refused_since_said = 0u64;
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(e) => {
                // Out of files or memory for a moment: the connection waits in
                // the backlog rather than the loop spinning.
                tracing::warn!(error = %e, "inbox: cannot accept a connection");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
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
        let connection = http.serve_connection(TokioIo::new(stream), service.clone());
        tokio::spawn(async move {
            // Errors here are a sender's (a timeout, a reset): nothing to answer.
            let _ = connection.await;
            drop(permit);
        });
    }
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

async fn write_batches(store: Store, mut jobs: mpsc::Receiver<Job>) {
    while let Some(first) = jobs.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let (items, replies): (Vec<Incoming>, Vec<_>) = batch.into_iter().unzip();
        match store.ingest(&items).await {
            Ok(outcomes) => {
                for (reply, outcome) in replies.into_iter().zip(outcomes) {
                    let _ = reply.send(Ok(outcome));
                }
            }
            Err(e) => {
                tracing::error!(error = %e, webhooks = items.len(), "inbox: a batch was not stored");
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

async fn receive(State(shared): State<Arc<Shared>>, uri: Uri, headers: HeaderMap, body: Body) -> Response {
    // Whose it is, before a byte of the body is read: an unknown key costs the
    // receiver its headers only, and the connection is closed on it.
    let Some(integration) = header(&headers, "x-auth-client").and_then(|key| shared.by_key.get(key)) else {
        tracing::warn!(
            path = uri.path(),
            "inbox: refused a webhook: X-AUTH-CLIENT is not this receiver's profile's API key"
        );
        return (
            StatusCode::UNAUTHORIZED,
            [(header::CONNECTION, "close")],
            "unknown X-AUTH-CLIENT\n",
        )
            .into_response();
    };
    received(&shared, integration, uri, headers, body).await.into_response()
}

/// A webhook whose key is known: its body read, its signature checked, stored.
async fn received(
    shared: &Shared,
    integration: &Integration,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> (StatusCode, &'static str) {
    let path = uri.path().to_owned();
    let declared = header(&headers, "content-length").and_then(|l| l.parse::<usize>().ok());
    if declared.is_some_and(|l| l > MAX_BODY) {
        tracing::warn!(path, "inbox: refused a webhook over 1 MiB");
        return (StatusCode::PAYLOAD_TOO_LARGE, "body over 1 MiB\n");
    }
    let raw: Bytes = match tokio::time::timeout(SEND_TIMEOUT, axum::body::to_bytes(body, MAX_BODY)).await {
        Err(_) => {
            tracing::warn!(path, "inbox: a sender took over 10 s to send its webhook");
            return (StatusCode::REQUEST_TIMEOUT, "body not sent within 10 s\n");
        }
        Ok(Err(e)) => {
            let too_large = std::error::Error::source(&e).is_some_and(|s| s.is::<http_body_util::LengthLimitError>());
            if too_large {
                tracing::warn!(path, "inbox: refused a webhook over 1 MiB");
                return (StatusCode::PAYLOAD_TOO_LARGE, "body over 1 MiB\n");
            }
            tracing::warn!(path, error = %e, "inbox: a webhook's body could not be read");
            return (StatusCode::BAD_REQUEST, "body unreadable\n");
        }
        Ok(Ok(raw)) => raw,
    };
    // Signature first: nothing unsigned is parsed, let alone stored.
    let signature = header(&headers, "x-hmac-signature").or_else(|| header(&headers, "vrf-hmac-signature"));
    if !signature.is_some_and(|s| integration.secret.verifies(&raw, s)) {
        tracing::warn!(
            path,
            profile = integration.name,
            "inbox: refused a webhook: its signature does not match the body"
        );
        return (StatusCode::UNAUTHORIZED, "signature does not match\n");
    }
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(&raw) else {
        tracing::warn!(
            path,
            profile = integration.name,
            "inbox: refused a signed webhook that is not JSON"
        );
        return (StatusCode::BAD_REQUEST, "body is not JSON\n");
    };
    let kind = Kind::from_path(&path).unwrap_or_else(|| Kind::from_shape(&value));
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
        facts: facts(kind, &value),
        body: raw.to_vec(),
        headers: serde_json::Value::Object(headers_json).to_string(),
        source: integration.name.clone(),
        received_ms: now_ms(),
    };
    let (reply, answer) = oneshot::channel();
    if shared.writer.send((incoming, reply)).await.is_err() {
        return (StatusCode::SERVICE_UNAVAILABLE, "inbox closing\n");
    }
    match answer.await {
        Ok(Ok(Outcome::Stored)) => (StatusCode::OK, "stored\n"),
        Ok(Ok(Outcome::Duplicate)) => (StatusCode::OK, "already stored\n"),
        // 2xx, or Veriff would send an erased person's data again for a week.
        Ok(Ok(Outcome::Erased)) => (StatusCode::OK, "session erased here: dropped\n"),
        // Not 2xx: Veriff sends it again later.
        _ => (StatusCode::INTERNAL_SERVER_ERROR, "not stored, send again\n"),
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
        let served = tokio::spawn(serve_capped(listener, router(store, Vec::new()), 2));
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
