//! The embedded Veriff-compatible server: the same endpoints, signing and error
//! codes as the Station API, serving synthetic demo data. It powers `--demo`,
//! `serve-demo`, the tests and the benchmarks, and can misbehave on purpose (see
//! [`faults`]).

mod arrivals;
mod data;
pub mod faults;
pub use arrivals::Webhooks;
mod writes;

use std::collections::{HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use serde_json::{Value, json};
use tokio::sync::oneshot;

pub use data::{BULK_SESSIONS, LARGE_SESSION, bulk_session};
use data::{DemoData, DemoMedia};
use faults::Fault;

use crate::api::{AUTH_CLIENT_HEADER, ClientConfig, SIGNATURE_HEADER, Secret, normalize_api_url};

/// Credentials of the demo integration. Public on purpose: they open nothing but
/// this server.
pub const DEMO_API_KEY: &str = "de770000-0000-4000-8000-00000000de70";
pub const DEMO_SHARED_SECRET: &str = "demo-shared-secret-not-for-production";

/// Media id of the large file served when [`ServerOptions::big_media_size`] is set.
pub const BIG_MEDIA: &str = "b1600000-0000-4000-8000-000000000000";
/// With [`ServerOptions::big_media_size`] set: a session whose one attempt lists
/// [`BIG_MEDIA`], so the browser can download it.
pub const BIG_SESSION: &str = "b1600000-5e55-4000-8000-000000000000";
pub const BIG_ATTEMPT: &str = "b1600000-a77e-4000-8000-000000000000";

#[derive(Debug, Clone)]
pub struct ServerOptions {
    pub addr: SocketAddr,
    pub api_key: String,
    pub secret: Secret,
    /// Added before every answer, to play a distant server.
    pub latency: Duration,
    /// Serve [`BIG_MEDIA`] with this many bytes, prebuilt in memory (benchmarks).
    pub big_media_size: Option<u64>,
    /// Play a proxy that strips `x-hmac-signature` from every answer.
    pub strip_signatures: bool,
    /// Misbehave at random (see [`faults::Chaos`]), for the chaos test.
    pub chaos: Option<faults::Chaos>,
    /// Also serve the [`BULK_SESSIONS`] bulk sessions ([`bulk_session`]), 144 MB
    /// held in memory (export benchmark).
    pub bulk: bool,
    /// Accept at most this many requests in any one second; answer 429 with
    /// `Retry-After` beyond.
    pub rate_limit: Option<u32>,
    /// Send each media file's bytes at this many bytes per second, a slow link:
    /// downloads then stay in flight long enough to be interrupted (tests). The
    /// same as [`RunningServer::set_media_rate`] from the start.
    pub media_bandwidth: Option<u64>,
    /// Post signed webhooks there (`--demo`'s live queue): every demo session's
    /// decision, then a new synthetic session's at each interval.
    pub webhooks: Option<Webhooks>,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            api_key: DEMO_API_KEY.to_owned(),
            secret: Secret::new(DEMO_SHARED_SECRET),
            latency: Duration::ZERO,
            big_media_size: None,
            strip_signatures: false,
            chaos: None,
            bulk: false,
            rate_limit: None,
            media_bandwidth: None,
            webhooks: None,
        }
    }
}

/// A server running on its own task; dropping it shuts the server down.
pub struct RunningServer {
    pub addr: SocketAddr,
    featured: Vec<String>,
    state: Arc<AppState>,
    _shutdown: oneshot::Sender<()>,
    /// The webhooks' task, stopped with the server.
    _posting: Option<AbortOnDrop>,
}

struct AbortOnDrop(tokio::task::AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl RunningServer {
    /// `http://127.0.0.1:PORT`, what to give as the API URL.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// A client configuration pointing here with this server's credentials.
    pub fn client_config(&self) -> ClientConfig {
        let url = normalize_api_url(&self.url()).expect("the server's own URL is valid");
        ClientConfig::new(url, &self.state.options.api_key, self.state.options.secret.clone())
    }

    /// Requests answered so far, for checking that something asked nothing.
    pub fn requests(&self) -> u64 {
        self.state.requests.load(Ordering::Relaxed)
    }

    /// From now on, media files trickle at `bytes_per_second` (a slow link, a
    /// download still in progress when something happens); `None`: full speed.
    pub fn set_media_rate(&self, bytes_per_second: Option<u64>) {
        self.state
            .media_rate
            .store(bytes_per_second.unwrap_or(0), Ordering::Relaxed);
    }

    /// Requests for media files (`/v1/media/{id}`) so far.
    pub fn media_requests(&self) -> u64 {
        self.state.media_requests.load(Ordering::Relaxed)
    }

    /// The paths asked for so far, in order of arrival (the first 100,000); a
    /// write as `METHOD path`.
    pub fn paths(&self) -> Vec<String> {
        self.state.log.lock().expect("request log lock").clone()
    }

    /// Each write that arrived, as `METHOD path`, with the `X-Request-Id` it
    /// carried, in order of arrival.
    pub fn request_ids(&self) -> Vec<(String, Option<String>)> {
        self.state.writes.lock().expect("writes lock").received.clone()
    }

    /// Requests refused with 429 under [`ServerOptions::rate_limit`].
    pub fn refused(&self) -> usize {
        self.state.rate.lock().expect("rate window lock").refused.len()
    }

    /// Requests refused with 429 that arrived more than `grace` after the first
    /// refusal was answered: sent by a client that had been told to slow down.
    /// (One sent in the instant before the client read that answer arrives
    /// within a moment of it; `grace` leaves those out.)
    pub fn refused_after_first(&self, grace: Duration) -> usize {
        let rate = self.state.rate.lock().expect("rate window lock");
        let Some(first) = rate.first_answered else { return 0 };
        rate.refused.iter().filter(|t| **t > first + grace).count()
    }

    /// The demo sessions worth opening first.
    pub fn featured_sessions(&self) -> &[String] {
        &self.featured
    }
}

struct AppState {
    data: DemoData,
    options: ServerOptions,
    base_url: String,
    requests: AtomicU64,
    /// Ids whose "once" fault has already fired.
    fired: Mutex<HashSet<String>>,
    big: Option<(Bytes, String)>,
    /// The chaos's random numbers: one seeded stream for the whole server.
    chaos_rng: Mutex<fastrand::Rng>,
    /// Bytes per second for media bodies; 0: full speed.
    media_rate: AtomicU64,
    media_requests: AtomicU64,
    rate: Mutex<RateWindow>,
    /// Paths asked for, in order of arrival, up to [`MAX_LOGGED`].
    log: Mutex<Vec<String>>,
    /// Sessions created and deleted through the API.
    writes: Mutex<writes::Writes>,
}

/// Enough for any test or benchmark; a long-running `serve-demo` stops there.
const MAX_LOGGED: usize = 100_000;

/// What [`ServerOptions::rate_limit`] needs to remember.
#[derive(Default)]
struct RateWindow {
    /// Arrival of each request accepted in the last second.
    accepted: VecDeque<Instant>,
    /// Arrival of each request refused.
    refused: Vec<Instant>,
    /// When the first refusal was sent back.
    first_answered: Option<Instant>,
}

impl RateWindow {
    /// `None` to accept the request arriving at `now`, or how long until a
    /// place in the window frees.
    fn admit(&mut self, now: Instant, limit: u32) -> Option<Duration> {
        let second = Duration::from_secs(1);
        while self.accepted.front().is_some_and(|t| now.duration_since(*t) >= second) {
            self.accepted.pop_front();
        }
        if self.accepted.len() < limit as usize {
            self.accepted.push_back(now);
            return None;
        }
        self.refused.push(now);
        let oldest = self.accepted.front().copied().unwrap_or(now);
        Some(second.saturating_sub(now.duration_since(oldest)))
    }
}

/// Binds `options.addr` (port 0 picks a free one) and serves until dropped.
pub async fn start(options: ServerOptions) -> std::io::Result<RunningServer> {
    let listener = tokio::net::TcpListener::bind(options.addr).await?;
    let addr = listener.local_addr()?;
    let mut data = DemoData::load();
    data.insert(faults::session());
    data.insert(faults::oversized_session());
    data.insert(faults::colliding_session());
    if options.bulk {
        for session in data::bulk_sessions() {
            data.insert(session);
        }
    }
    let featured = data.featured.clone();
    let big = options.big_media_size.map(|size| {
        // Not all zeros, so nothing on the way can compress it away.
        let bytes: Bytes = (0..size)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect::<Vec<u8>>()
            .into();
        let signature = options.secret.sign(&bytes);
        (bytes, signature)
    });
    let chaos_seed = options.chaos.map_or(0, |c| c.seed);
    let media_bandwidth = options.media_bandwidth;
    if let Some((bytes, _)) = &big {
        data.insert(data::big_session(BIG_SESSION, BIG_ATTEMPT, BIG_MEDIA, bytes.clone()));
    }
    // The first new session arrives one interval after the demo's own.
    let arrivals_start = crate::time::now_ms() + options.webhooks.as_ref().map_or(0, |w| w.every.as_millis() as i64);
    let (mut morning, mut arrivals) = (Vec::new(), Vec::new());
    if let Some(webhooks) = &options.webhooks {
        let queued = arrivals::morning(&data, crate::time::now_ms());
        let coming = arrivals::make(&data, arrivals_start, webhooks.every);
        for (ids, made) in [(&mut morning, queued), (&mut arrivals, coming)] {
            for (session, triage) in made {
                ids.push(session.id.clone());
                data.triage.insert(session.id.clone(), triage);
                data.insert(session);
            }
        }
    }
    let state = Arc::new(AppState {
        data,
        options,
        base_url: format!("http://{addr}"),
        requests: AtomicU64::new(0),
        fired: Mutex::new(HashSet::new()),
        big,
        chaos_rng: Mutex::new(fastrand::Rng::with_seed(chaos_seed)),
        media_rate: AtomicU64::new(media_bandwidth.unwrap_or(0)),
        media_requests: AtomicU64::new(0),
        rate: Mutex::new(RateWindow::default()),
        log: Mutex::new(Vec::new()),
        writes: Mutex::new(writes::Writes::default()),
    });
    let app = Router::new()
        .route("/v1/sessions", post(writes::create_session))
        .route("/v1/sessions/{id}", delete(writes::delete_session))
        .route("/v1/sessions/{id}/attempts", get(session_attempts))
        .route("/v1/sessions/{id}/media", get(session_media))
        .route("/v1/sessions/{id}/decision", get(session_decision))
        .route("/v1/sessions/{id}/person", get(session_person))
        .route(
            "/v1/sessions/{id}/watchlist-screening",
            get(session_watchlist).patch(writes::review_hit),
        )
        .route("/v1/attempts/{id}/media", get(attempt_media))
        .route("/v1/media/{id}", get(media_file))
        .fallback(|| async { fail(StatusCode::NOT_FOUND, "1404", "Route not found") })
        .layer(axum::middleware::from_fn_with_state(state.clone(), rate_limit))
        .with_state(state.clone());
    let (shutdown, stopped) = oneshot::channel::<()>();
    tokio::spawn(async move {
        let serve = axum::serve(listener, app).with_graceful_shutdown(async {
            let _ = stopped.await;
        });
        if let Err(e) = serve.await {
            tracing::error!("demo server stopped: {e}");
        }
    });
    let posting = match state.options.webhooks.clone() {
        Some(webhooks) => {
            // A receiver that does not answer delays the start by this much at most.
            let queued = arrivals::post_queue(&state, &webhooks, &morning);
            if tokio::time::timeout(Duration::from_secs(5), queued).await.is_err() {
                tracing::warn!("demo webhooks: the receiver took over 5 s for the queue");
            }
            let task = tokio::spawn(arrivals::post(state.clone(), webhooks, arrivals, arrivals_start));
            Some(AbortOnDrop(task.abort_handle()))
        }
        None => None,
    };
    Ok(RunningServer {
        addr,
        featured,
        state,
        _shutdown: shutdown,
        _posting: posting,
    })
}

/// [`ServerOptions::rate_limit`] and the request log, in front of every route
/// (an unknown route counts too, as it would at a real gateway).
async fn rate_limit(
    State(state): State<Arc<AppState>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    {
        let mut log = state.log.lock().expect("request log lock");
        if log.len() < MAX_LOGGED {
            // Reads by path alone; a write says its method too (`DELETE /v1/...`).
            let path = request.uri().path();
            log.push(match request.method() {
                &axum::http::Method::GET => path.to_owned(),
                method => format!("{method} {path}"),
            });
        }
    }
    writes::received(&state, &request);
    let refused = state.options.rate_limit.and_then(|limit| {
        let mut rate = state.rate.lock().expect("rate window lock");
        rate.admit(Instant::now(), limit)
    });
    let Some(wait) = refused else {
        return next.run(request).await;
    };
    state.requests.fetch_add(1, Ordering::Relaxed);
    if !state.options.latency.is_zero() {
        tokio::time::sleep(state.options.latency).await;
    }
    state
        .rate
        .lock()
        .expect("rate window lock")
        .first_answered
        .get_or_insert_with(Instant::now);
    // Whole seconds, rounded up, as Retry-After is written.
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    (
        StatusCode::TOO_MANY_REQUESTS,
        [
            (header::RETRY_AFTER, seconds.max(1).to_string()),
            (header::CONTENT_TYPE, "application/json".to_owned()),
        ],
        json!({"status": "fail", "code": "429", "message": "Too many requests"}).to_string(),
    )
        .into_response()
}

/// Veriff's failure body.
fn fail(status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({"status": "fail", "code": code, "message": message});
    (status, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

impl AppState {
    /// Checks the request's credentials exactly as Veriff does, with its codes.
    #[allow(
        clippy::result_large_err,
        reason = "the error is the answer to send, built once per request"
    )]
    fn authorize(&self, headers: &HeaderMap, signed_id: &str) -> Result<(), Response> {
        let unauthorized = |code, message: &str| Err(fail(StatusCode::UNAUTHORIZED, code, message));
        let key = headers
            .get(AUTH_CLIENT_HEADER)
            .and_then(|v| v.to_str().ok())
            .filter(|k| !k.is_empty());
        let Some(key) = key else {
            return unauthorized(
                "1801",
                "Mandatory X-AUTH-CLIENT header containing the API key is missing from the request.",
            );
        };
        if crate::ids::find_id(key).ok().as_deref() != Some(key.to_ascii_lowercase().as_str()) {
            return unauthorized("1802", "API key is not a valid UUID.");
        }
        if key != self.options.api_key {
            return unauthorized("1803", "Integration with the API key was not found.");
        }
        let signature = headers
            .get(SIGNATURE_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if signature.len() != 64 || !signature.bytes().all(|b| b.is_ascii_hexdigit()) {
            return unauthorized("1812", "Signature is not a valid SHA256 hash.");
        }
        if !self.options.secret.verifies(signed_id.as_bytes(), signature) {
            return unauthorized(
                "1818",
                "Signature does not match the HMAC-SHA256 of query ID and integration API secret.",
            );
        }
        Ok(())
    }

    /// Latency, credentials, then any fault this id carries. `Err` is the answer to
    /// send instead of the normal one.
    #[allow(
        clippy::result_large_err,
        reason = "the error is the answer to send, built once per request"
    )]
    /// Every request counts, and waits out the latency played.
    async fn count_request(&self) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        if !self.options.latency.is_zero() {
            tokio::time::sleep(self.options.latency).await;
        }
    }

    /// Whether `id` (a session, or an attempt or media of one) was deleted.
    fn is_deleted(&self, id: &str) -> bool {
        let writes = self.writes.lock().expect("writes lock");
        !writes.deleted.is_empty()
            && (writes.deleted.contains(id)
                || self
                    .data
                    .attempts
                    .get(id)
                    .is_some_and(|(s, _)| writes.deleted.contains(s))
                || self
                    .data
                    .media
                    .get(id)
                    .is_some_and(|m| writes.deleted.contains(&m.session_id)))
    }

    /// A session created through the API, not yet started: no attempts, no decision.
    fn is_created(&self, id: &str) -> bool {
        self.writes.lock().expect("writes lock").created.contains_key(id)
    }

    async fn admit(&self, headers: &HeaderMap, id: &str) -> Result<Option<Fault>, Response> {
        self.count_request().await;
        self.authorize(headers, id)?;
        // Gone from the API at once, as Veriff says of a deleted session.
        if self.is_deleted(id) {
            return Err(session_not_found());
        }
        let fault = match self.options.chaos {
            Some(chaos) => {
                let (delay, fault) = chaos.draw(&mut self.chaos_rng.lock().expect("chaos lock"));
                tokio::time::sleep(delay).await;
                fault.or(faults::fault_for(id))
            }
            None => faults::fault_for(id),
        };
        let once = matches!(fault, Some(Fault::ServerErrorOnce | Fault::TooManyRequestsOnce));
        if once && !self.fired.lock().expect("fault registry lock").insert(id.to_owned()) {
            return Ok(None);
        }
        match fault {
            Some(Fault::ServerErrorOnce) => Err(fail(StatusCode::INTERNAL_SERVER_ERROR, "500", "Internal server error")),
            Some(Fault::TooManyRequestsOnce) => Err((
                StatusCode::TOO_MANY_REQUESTS,
                [(header::RETRY_AFTER, "1"), (header::CONTENT_TYPE, "application/json")],
                json!({"status": "fail", "code": "429", "message": "Too many requests"}).to_string(),
            )
                .into_response()),
            Some(Fault::ServerError) => Err(fail(StatusCode::INTERNAL_SERVER_ERROR, "500", "Internal server error")),
            Some(Fault::Reset) => Err(reset()),
            Some(Fault::HtmlBadGateway) => Err((
                StatusCode::BAD_GATEWAY,
                [(header::CONTENT_TYPE, "text/html")],
                "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n",
            )
                .into_response()),
            other => Ok(other),
        }
    }

    /// A signed JSON answer, as Veriff signs its responses.
    fn signed_json(&self, value: &Value, fault: Option<Fault>) -> Response {
        let body = match fault {
            Some(Fault::BrokenJson) => "{\"status\":\"success\",\"images\":[{\"id\":".to_owned(),
            _ => value.to_string(),
        };
        let signature = match fault {
            Some(Fault::BadSignature) => self.options.secret.sign(b"some other body"),
            _ => self.options.secret.sign(body.as_bytes()),
        };
        let response = Response::builder()
            .header(header::CONTENT_TYPE, "application/json")
            .header(AUTH_CLIENT_HEADER, &self.options.api_key)
            .header(SIGNATURE_HEADER, signature)
            .body(Body::from(body))
            .expect("static headers are valid");
        self.as_sent(response)
    }

    /// The answer as it reaches the client: through the signature-stripping proxy
    /// when the options play one.
    fn as_sent(&self, mut response: Response) -> Response {
        if self.options.strip_signatures {
            response.headers_mut().remove(SIGNATURE_HEADER);
        }
        response
    }

    fn media_listing(&self, media: &[DemoMedia]) -> Value {
        let (videos, images): (Vec<&DemoMedia>, Vec<&DemoMedia>) = media.iter().partition(|m| m.is_video());
        let list = |items: Vec<&DemoMedia>| items.iter().map(|m| m.to_json(&self.base_url)).collect::<Vec<_>>();
        json!({"status": "success", "images": list(images), "videos": list(videos)})
    }
}

/// Headers, then the connection drops: what a reset looks like from the client.
fn reset() -> Response {
    let drop_connection = futures_util::stream::once(async {
        tokio::time::sleep(Duration::from_millis(5)).await;
        Err::<Bytes, _>(std::io::Error::other("connection reset on purpose"))
    });
    Response::builder()
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from_stream(drop_connection))
        .expect("static headers are valid")
}

fn session_not_found() -> Response {
    fail(StatusCode::NOT_FOUND, "1102", "Session not found")
}

async fn session_attempts(State(state): State<Arc<AppState>>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    let fault = match state.admit(&headers, &id).await {
        Ok(fault) => fault,
        Err(answer) => return answer,
    };
    if state.is_created(&id) {
        return state.signed_json(&json!({"status": "success", "verifications": []}), fault);
    }
    let Some(session) = state.data.sessions.get(&id) else {
        return session_not_found();
    };
    let verifications: Vec<Value> = session
        .attempts
        .iter()
        .map(|a| {
            let mut attempt = json!({"id": a.id, "status": a.status, "createdTime": a.created_time});
            attempt.as_object_mut().expect("an object").extend(a.extra.clone());
            attempt
        })
        .collect();
    state.signed_json(&json!({"status": "success", "verifications": verifications}), fault)
}

async fn session_media(State(state): State<Arc<AppState>>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    let fault = match state.admit(&headers, &id).await {
        Ok(fault) => fault,
        Err(answer) => return answer,
    };
    let Some(session) = state.data.sessions.get(&id) else {
        return session_not_found();
    };
    let newest = session.attempts.first().map(|a| a.media.as_slice()).unwrap_or_default();
    let mut listing = state.media_listing(newest);
    let nfc = state
        .data
        .triage
        .get(&id)
        .map(|t| t.nfc_documents.as_slice())
        .unwrap_or_default();
    listing["nfcDocuments"] = nfc.iter().map(|m| m.to_json(&state.base_url)).collect();
    state.signed_json(&listing, fault)
}

async fn session_decision(State(state): State<Arc<AppState>>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    let fault = match state.admit(&headers, &id).await {
        Ok(fault) => fault,
        Err(answer) => return answer,
    };
    if state.is_created(&id) {
        return state.signed_json(&json!({"status": "success", "verification": null}), fault);
    }
    match decision_answer(&state, &id) {
        Some(answer) => state.signed_json(&answer, fault),
        None => session_not_found(),
    }
}

/// What `GET /v1/sessions/{id}/decision` answers, and a decision webhook carries.
fn decision_answer(state: &AppState, id: &str) -> Option<Value> {
    let session = state.data.sessions.get(id)?;
    let verification = session.decision.as_ref().map(|decision| {
        let mut decision = decision.clone();
        decision["id"] = json!(session.id);
        decision["attemptId"] = json!(session.attempts.first().map(|a| a.id.as_str()));
        decision
    });
    let mut answer = json!({"status": "success", "verification": verification});
    if let Some(technical) = state.data.triage.get(id).and_then(|t| t.technical_data.clone()) {
        answer["technicalData"] = technical;
    }
    Some(answer)
}

/// `{"status":"success","person":...}`: null for a session without person data.
async fn session_person(State(state): State<Arc<AppState>>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    triage_answer(state, id, headers, "person", |t| t.person.clone()).await
}

/// `{"status":"success","data":...}`: null for a session that was not screened.
async fn session_watchlist(State(state): State<Arc<AppState>>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    triage_answer(state, id, headers, "data", |t| t.watchlist.clone()).await
}

async fn triage_answer(
    state: Arc<AppState>,
    id: String,
    headers: HeaderMap,
    key: &str,
    part: impl Fn(&data::DemoTriage) -> Option<Value>,
) -> Response {
    let fault = match state.admit(&headers, &id).await {
        Ok(fault) => fault,
        Err(answer) => return answer,
    };
    if !state.data.sessions.contains_key(&id) {
        return session_not_found();
    }
    let mut value = state.data.triage.get(&id).and_then(part).unwrap_or(Value::Null);
    // Hits reviewed through the API show their new status.
    if key == "data" {
        state.writes.lock().expect("writes lock").apply_reviews(&id, &mut value);
    }
    let mut answer = json!({"status": "success"});
    answer[key] = value;
    state.signed_json(&answer, fault)
}

async fn attempt_media(State(state): State<Arc<AppState>>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    let fault = match state.admit(&headers, &id).await {
        Ok(fault) => fault,
        Err(answer) => return answer,
    };
    let Some(attempt) = state.data.attempt(&id) else {
        return fail(StatusCode::NOT_FOUND, "1104", "Attempt not found");
    };
    let listing = if id == faults::ATTEMPT_HOSTILE {
        faults::hostile_listing(&attempt.media, &state.base_url)
    } else {
        state.media_listing(&attempt.media)
    };
    state.signed_json(&listing, fault)
}

async fn media_file(State(state): State<Arc<AppState>>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    state.media_requests.fetch_add(1, Ordering::Relaxed);
    let fault = match state.admit(&headers, &id).await {
        Ok(fault) => fault,
        Err(answer) => return answer,
    };
    let (mimetype, bytes, signature) = match (&state.big, state.data.media.get(&id)) {
        (Some((bytes, signature)), _) if id == BIG_MEDIA => {
            ("application/octet-stream", bytes.clone(), signature.clone())
        }
        (_, Some(media)) => {
            let mimetype = if id == faults::MEDIA_HOSTILE {
                faults::HOSTILE_CONTENT_TYPE
            } else {
                media.blob.mimetype
            };
            let signature = state.options.secret.sign(&media.blob.bytes);
            (mimetype, media.blob.bytes.clone(), signature)
        }
        _ => return fail(StatusCode::NOT_FOUND, "1105", "Media not found"),
    };
    let signature = match fault {
        Some(Fault::BadSignature) => state.options.secret.sign(b"other bytes"),
        _ => signature,
    };
    let length = bytes.len();
    let body = match fault {
        Some(Fault::Truncated) => {
            use futures_util::StreamExt;
            let half = bytes.slice(..length / 2);
            // Hyper sends what it has buffered only when the body pauses: an error
            // right after the first chunk would drop the connection before even the
            // headers went out. So pause, then drop.
            let drop_connection = async {
                tokio::time::sleep(Duration::from_millis(10)).await;
                Err(std::io::Error::other("connection dropped on purpose"))
            };
            let chunks = futures_util::stream::once(async { Ok::<_, std::io::Error>(half) })
                .chain(futures_util::stream::once(drop_connection));
            Body::from_stream(chunks)
        }
        _ => match state.media_rate.load(Ordering::Relaxed) {
            0 => Body::from(bytes),
            rate => paced(bytes, rate),
        },
    };
    let response = Response::builder()
        .header(header::CONTENT_TYPE, HeaderValue::from_static(mimetype))
        .header(header::CONTENT_LENGTH, length)
        .header(AUTH_CLIENT_HEADER, &state.options.api_key)
        .header(SIGNATURE_HEADER, signature)
        .body(body)
        .expect("headers built from valid values");
    state.as_sent(response)
}

/// `bytes` sent a tenth of a second's worth at a time, at `rate` bytes a second.
fn paced(bytes: Bytes, rate: u64) -> Body {
    let chunk = (rate / 10).clamp(1, 64 * 1024) as usize;
    let pause = Duration::from_secs_f64(chunk as f64 / rate as f64);
    let chunks = futures_util::stream::unfold(0, move |sent| {
        let bytes = bytes.clone();
        async move {
            if sent >= bytes.len() {
                return None;
            }
            if sent > 0 {
                tokio::time::sleep(pause).await;
            }
            let end = (sent + chunk).min(bytes.len());
            Some((Ok::<_, std::io::Error>(bytes.slice(sent..end)), end))
        }
    });
    Body::from_stream(chunks)
}
