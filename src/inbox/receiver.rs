//! `inbox receive`: Veriff's webhooks over HTTP, checked before anything is parsed,
//! committed before they are answered. One writer task batches what arrives
//! meanwhile into one transaction (group commit): one disk flush answers many.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::routing::post;
use tokio::sync::{mpsc, oneshot};

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

/// Serves the receiver on `listener` until the process ends.
pub async fn serve(
    listener: tokio::net::TcpListener,
    store: Store,
    integrations: Vec<Integration>,
) -> std::io::Result<()> {
    axum::serve(listener, router(store, integrations)).await
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

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

async fn receive(
    State(shared): State<Arc<Shared>>,
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
    let integration = header(&headers, "x-auth-client").and_then(|key| shared.by_key.get(key));
    let signature = header(&headers, "x-hmac-signature").or_else(|| header(&headers, "vrf-hmac-signature"));
    let Some(integration) = integration else {
        tracing::warn!(
            path,
            "inbox: refused a webhook: X-AUTH-CLIENT is no configured profile's API key"
        );
        return (StatusCode::UNAUTHORIZED, "unknown X-AUTH-CLIENT\n");
    };
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
