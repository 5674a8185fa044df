use std::path::Path;
use std::time::Duration;

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Response, StatusCode, Url};
use serde::de::DeserializeOwned;

use super::error::{ApiError, MAX_REDIRECTS};
use super::model::{AttemptList, DecisionResponse, MediaList};
use super::sign::Secret;
use super::triage::{PersonResponse, WatchlistResponse};
use super::{AUTH_CLIENT_HEADER, SIGNATURE_HEADER};
use crate::ids::{AttemptId, SessionId};
use crate::text::clean_short;

/// The detail of a connection that timed out: nothing answered at all.
pub const NO_ANSWER: &str = "no answer";

/// Listings are small (2,000 media are under 1 MiB); anything far larger is refused
/// rather than held in memory.
const MAX_LISTING_BYTES: usize = 32 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Tries in all, the first included.
    pub tries: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// A `Retry-After` longer than this is cut to it, so a confused server cannot
    /// park the tool for an hour.
    pub max_retry_after: Duration,
    /// Whether a 429 is retried here; when not, it comes back as
    /// [`ApiError::RateLimited`] for a caller that paces many requests itself.
    pub retry_rate_limited: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            tries: 3,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(4),
            max_retry_after: Duration::from_secs(30),
            retry_rate_limited: true,
        }
    }
}

impl RetryPolicy {
    /// Capped exponential backoff with full jitter, for the wait after try `n` (1-based).
    fn backoff(&self, n: u32) -> Duration {
        let ceiling = self.base_delay.saturating_mul(1 << n.min(16)).min(self.max_delay);
        ceiling.mul_f64(fastrand::f64())
    }
}

/// One of the API's reads the tool makes: each names its path and the id its
/// request is signed with, in one place.
#[derive(Debug, Clone, Copy)]
pub enum Read<'a> {
    Attempts(&'a SessionId),
    AttemptMedia(&'a AttemptId),
    SessionMedia(&'a SessionId),
    Decision(&'a SessionId),
    Person(&'a SessionId),
    Watchlist(&'a SessionId),
}

impl Read<'_> {
    fn route(&self) -> ([&str; 3], &str) {
        match *self {
            Read::Attempts(session) => (["sessions", session, "attempts"], session),
            Read::AttemptMedia(attempt) => (["attempts", attempt, "media"], attempt),
            Read::SessionMedia(session) => (["sessions", session, "media"], session),
            Read::Decision(session) => (["sessions", session, "decision"], session),
            Read::Person(session) => (["sessions", session, "person"], session),
            Read::Watchlist(session) => (["sessions", session, "watchlist-screening"], session),
        }
    }
}

#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Normalised base, ending in `/v1/` (see [`normalize_api_url`]).
    pub api_url: Url,
    pub api_key: String,
    pub secret: Secret,
    pub connect_timeout: Duration,
    /// Whole-request limit for listings; downloads instead fail when no byte arrives
    /// for this long, so a large file on a slow link is not cut off.
    pub timeout: Duration,
    pub retry: RetryPolicy,
    /// Accept responses without `x-hmac-signature` (a proxy that strips headers).
    /// Off by default: an unsigned reply cannot be told from a forged one.
    pub allow_unsigned: bool,
    /// Allow `http://` to a host that is not loopback. Off by default: the API key,
    /// the (replayable) request signatures and the documents would travel in clear.
    pub insecure_http: bool,
}

impl ClientConfig {
    pub fn new(api_url: Url, api_key: impl Into<String>, secret: Secret) -> Self {
        ClientConfig {
            api_url,
            api_key: api_key.into(),
            secret,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            allow_unsigned: false,
            insecure_http: false,
        }
    }
}

impl ClientConfig {
    /// The host requests go to, for titles and messages.
    pub fn host(&self) -> String {
        host_of(&self.api_url)
    }
}

/// Whether `url` names this machine (127.0.0.0/8, ::1 or localhost): the one place
/// plain HTTP does not put credentials on a network.
pub fn is_loopback(url: &Url) -> bool {
    is_loopback_host(url.host_str().unwrap_or_default())
}

/// Whether a host name or address (`[::1]` bracketed or not) is this machine.
pub fn is_loopback_host(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    }
}

/// Where Linux distributions keep their one PEM bundle of trusted CAs.
const CA_BUNDLES: [&str; 4] = [
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/ca-bundle.pem",
    "/etc/ssl/cert.pem",
];

/// The CA certificates an `https://` API is checked against: `SSL_CERT_FILE`, else
/// the distribution's bundle. `None` (the platform's verifier) where there is no
/// such file, as on macOS and Windows, whose verifiers ask the system once.
fn ca_bundle() -> Result<Option<Vec<reqwest::Certificate>>, ApiError> {
    let given = std::env::var_os("SSL_CERT_FILE").filter(|v| !v.is_empty());
    let path = match given {
        Some(path) => std::path::PathBuf::from(path),
        None if cfg!(target_os = "linux") => match CA_BUNDLES.iter().map(Path::new).find(|p| p.is_file()) {
            Some(found) => found.to_path_buf(),
            None => return Ok(None),
        },
        None => return Ok(None),
    };
    let refuse = |why: String| {
        ApiError::Transport(format!(
            "cannot use the CA bundle {}: {why}; point SSL_CERT_FILE at a PEM file of trusted CAs",
            path.display()
        ))
    };
    let pem = std::fs::read(&path).map_err(|e| refuse(e.to_string()))?;
    let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| refuse(e.to_string()))?;
    if certs.is_empty() {
        return Err(refuse("it holds no certificate".to_owned()));
    }
    Ok(Some(certs))
}

/// Accepts an API URL as people paste it, with or without a trailing `/` or `/v1`,
/// and returns the base every path is joined to: `https://host/v1/`.
pub fn normalize_api_url(raw: &str) -> Result<Url, String> {
    let mut url = Url::parse(raw.trim()).map_err(|e| format!("invalid API URL {raw:?}: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(format!("invalid API URL {raw:?}: expected https://host"));
    }
    url.set_query(None);
    url.set_fragment(None);
    let path = url.path().trim_end_matches('/');
    let path = path.strip_suffix("/v1").unwrap_or(path).to_owned();
    url.set_path(&format!("{path}/v1/"));
    Ok(url)
}

/// A signed Station API client. Cheap to clone; clones share one connection pool.
#[derive(Debug, Clone)]
pub struct Client {
    pub(super) http: reqwest::Client,
    /// For writes: never follows a redirect, since a 307 would send the signed
    /// write again to another path and a 303 would turn it into a GET.
    pub(super) writes: reqwest::Client,
    pub(super) config: ClientConfig,
}

impl Client {
    pub fn new(config: ClientConfig) -> Result<Self, ApiError> {
        // Refused here, before any connection: over plain HTTP the key and the
        // signatures (replayable for as long as the id lives) could be read on the way.
        if config.api_url.scheme() == "http" && !config.insecure_http && !is_loopback(&config.api_url) {
            return Err(ApiError::Cleartext { host: config.host() });
        }
        let home = config.api_url.clone();
        // Credentials travel in headers on every hop, so a redirect is followed only
        // within the configured origin; elsewhere the 3xx comes back as an error.
        let redirects = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= MAX_REDIRECTS || attempt.url().origin() != home.origin() {
                attempt.stop()
            } else {
                attempt.follow()
            }
        });
        // Every request goes to the configured origin (redirects elsewhere stop),
        // so over `http://` no TLS is ever spoken: loading CA certificates would be
        // work for nothing. Over `https://`, one bundle file, not the platform
        // verifier's scan of a directory of about 140 files on every run.
        let roots = if config.api_url.scheme() == "http" {
            Some(Vec::new())
        } else {
            ca_bundle()?
        };
        let builder = || {
            let builder = reqwest::Client::builder()
                .connect_timeout(config.connect_timeout)
                .read_timeout(config.timeout)
                .user_agent(concat!("veriff-tui/", env!("CARGO_PKG_VERSION")));
            match &roots {
                Some(roots) => builder.tls_certs_only(roots.iter().cloned()),
                None => builder,
            }
        };
        let http = builder()
            .redirect(redirects)
            .build()
            .map_err(|e| ApiError::Transport(error_chain(&e)))?;
        let writes = builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| ApiError::Transport(error_chain(&e)))?;
        Ok(Client { http, writes, config })
    }

    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// The host requests go to, for titles and messages.
    pub fn host(&self) -> String {
        self.config.host()
    }

    pub async fn session_attempts(&self, session: &SessionId) -> Result<AttemptList, ApiError> {
        self.read(Read::Attempts(session)).await
    }

    /// The media of one attempt. The id's type keeps a session's id (or a
    /// media's) from being asked for as an attempt's; it only compiles with an
    /// [`AttemptId`]:
    ///
    /// ```no_run
    /// # use veriff_tui::{api::Client, ids::AttemptId};
    /// # async fn list(client: &Client, attempt: &AttemptId) {
    /// let media = client.attempt_media(attempt).await;
    /// # }
    /// ```
    ///
    /// ```compile_fail,E0308
    /// # use veriff_tui::{api::Client, ids::SessionId};
    /// # async fn list(client: &Client, session: &SessionId) {
    /// let media = client.attempt_media(session).await;
    /// # }
    /// ```
    pub async fn attempt_media(&self, attempt: &AttemptId) -> Result<MediaList, ApiError> {
        self.read(Read::AttemptMedia(attempt)).await
    }

    /// The media of the session's most recent attempt.
    pub async fn session_media(&self, session: &SessionId) -> Result<MediaList, ApiError> {
        self.read(Read::SessionMedia(session)).await
    }

    pub async fn session_decision(&self, session: &SessionId) -> Result<DecisionResponse, ApiError> {
        self.read(Read::Decision(session)).await
    }

    pub async fn session_person(&self, session: &SessionId) -> Result<PersonResponse, ApiError> {
        self.read(Read::Person(session)).await
    }

    /// PEP and sanctions screening; only for integrations that use the service.
    pub async fn session_watchlist(&self, session: &SessionId) -> Result<WatchlistResponse, ApiError> {
        self.read(Read::Watchlist(session)).await
    }

    async fn read<T: DeserializeOwned>(&self, read: Read<'_>) -> Result<T, ApiError> {
        self.answer(read).await.map(|(value, _)| value)
    }

    /// The answer to `read` parsed as `T`, and the bytes it was parsed from
    /// exactly as the server sent them once their signature checks out: what
    /// `--json` prints, every key, `null` and key order as sent.
    pub async fn answer<T: DeserializeOwned>(&self, read: Read<'_>) -> Result<(T, Vec<u8>), ApiError> {
        let (segments, signed_id) = read.route();
        let body = self.get_verified(&segments, signed_id).await?;
        Ok((super::error::parse_json(&body)?, body))
    }

    /// `API_URL/v1/<segments>`, each segment percent-encoded so an id can never
    /// change the path.
    pub(super) fn endpoint(&self, segments: &[&str]) -> Url {
        let mut url = self.config.api_url.clone();
        url.path_segments_mut()
            .expect("an http(s) URL has path segments")
            .pop_if_empty()
            .extend(segments);
        url
    }

    /// The body of `API_URL/v1/<segments>` exactly as the server sent it, once its
    /// signature checks out: what an export saves as evidence.
    pub async fn get_verified(&self, segments: &[&str], signed_id: &str) -> Result<Vec<u8>, ApiError> {
        self.get_signed(segments, signed_id).await.map(|(body, _)| body)
    }

    /// Like [`Client::get_verified`], with the `X-HMAC-SIGNATURE` the body came with
    /// (`None` only when unsigned replies are allowed): what proves it later.
    pub async fn get_signed(&self, segments: &[&str], signed_id: &str) -> Result<(Vec<u8>, Option<String>), ApiError> {
        let url = self.endpoint(segments);
        let response = self.get(&url, signed_id, Some(self.config.timeout)).await?;
        let signature = self.required_signature(&response)?;
        let body = read_limited(response, MAX_LISTING_BYTES, self.config.timeout).await?;
        if let Some(signature) = &signature
            && !self.config.secret.verifies(&body, signature)
        {
            return Err(ApiError::BadSignature);
        }
        Ok((body, signature))
    }

    /// The response's signature; a response without one is an error unless the
    /// configuration allows unsigned replies (then `None`, and a log line).
    pub(super) fn required_signature(&self, response: &Response) -> Result<Option<String>, ApiError> {
        match response_signature(response.headers()) {
            Some(signature) => Ok(Some(signature)),
            None if self.config.allow_unsigned => {
                tracing::warn!(url = %response.url(), "accepted an unsigned response (allow_unsigned)");
                Ok(None)
            }
            None => Err(ApiError::Unsigned),
        }
    }

    /// A signed GET, retried on connection failures, 429 and 5xx. Returns only
    /// successful responses; every other outcome becomes an [`ApiError`].
    pub(super) async fn get(
        &self,
        url: &Url,
        signed_id: &str,
        timeout: Option<Duration>,
    ) -> Result<Response, ApiError> {
        let signature = self.config.secret.sign(signed_id.as_bytes());
        let policy = &self.config.retry;
        let mut tries = 1;
        loop {
            let mut request = self
                .http
                .get(url.clone())
                .header(AUTH_CLIENT_HEADER, &self.config.api_key)
                .header(SIGNATURE_HEADER, &signature);
            if let Some(timeout) = timeout {
                request = request.timeout(timeout);
            }
            let outcome = request.send().await;
            let wait = match &outcome {
                Err(e) if e.is_connect() || (e.is_request() && !e.is_timeout()) => Some(None),
                Ok(r) if r.status() == StatusCode::TOO_MANY_REQUESTS && !policy.retry_rate_limited => {
                    return Err(ApiError::RateLimited {
                        retry_after: retry_after(r.headers()).map(|d| d.min(policy.max_retry_after)),
                    });
                }
                Ok(r) if r.status() == StatusCode::TOO_MANY_REQUESTS => Some(retry_after(r.headers())),
                Ok(r) if r.status().is_server_error() => Some(None),
                _ => None,
            };
            if let Some(wait) = wait
                && tries < policy.tries
            {
                let delay = wait.map_or_else(|| policy.backoff(tries), |d| d.min(policy.max_retry_after));
                tracing::warn!(%url, tries, ?delay, "retrying: {}", describe(&outcome));
                tokio::time::sleep(delay).await;
                tries += 1;
                continue;
            }
            return match outcome {
                Err(e) => Err(transport_error(&e, url, timeout.unwrap_or(self.config.timeout))),
                Ok(r) if r.status().is_success() => Ok(r),
                Ok(r) if r.status().is_redirection() => Err(self.redirect_error(&r)),
                Ok(r) => Err(failure(r, self.config.timeout).await),
            };
        }
    }
}

impl Client {
    /// A redirect the policy did not follow: either to another origin (kept from
    /// the credentials) or one hop too many within this one.
    fn redirect_error(&self, response: &Response) -> ApiError {
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok());
        let target = location.and_then(|l| response.url().join(l).ok());
        match target {
            Some(target) if target.origin() == self.config.api_url.origin() => ApiError::TooManyRedirects,
            _ => ApiError::Redirect {
                location: location
                    .map(|l| clean_short(l, 120))
                    .unwrap_or_else(|| "an unnamed location".into()),
            },
        }
    }
}

fn host_of(url: &Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_owned(),
        _ => url.to_string(),
    }
}

fn describe(outcome: &Result<Response, reqwest::Error>) -> String {
    match outcome {
        Ok(r) => format!("HTTP {}", r.status()),
        Err(e) => error_chain(e),
    }
}

fn response_signature(headers: &HeaderMap) -> Option<String> {
    headers
        .get(SIGNATURE_HEADER)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
}

/// `Retry-After` in seconds; the HTTP-date form falls back to the usual backoff.
pub(super) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// The whole body, refusing more than `limit` bytes.
pub(super) async fn read_limited(mut response: Response, limit: usize, timeout: Duration) -> Result<Vec<u8>, ApiError> {
    let url = response.url().clone();
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return Err(ApiError::TooLarge(limit));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| transport_error(&e, &url, timeout))? {
        if body.len() + chunk.len() > limit {
            return Err(ApiError::TooLarge(limit));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// An error status turned into Veriff's code and message when the body is Veriff's
/// JSON, otherwise into the bare status: a proxy's HTML is never shown.
pub(super) async fn failure(response: Response, timeout: Duration) -> ApiError {
    #[derive(serde::Deserialize)]
    struct Fail {
        code: serde_json::Value,
        #[serde(default)]
        message: Option<String>,
    }
    let status = response.status();
    let body = read_limited(response, 64 * 1024, timeout).await.unwrap_or_default();
    match serde_json::from_slice::<Fail>(&body) {
        Ok(fail) => ApiError::Veriff {
            status: status.as_u16(),
            code: clean_short(&crate::api::model::plain_value(&Some(fail.code)), 20),
            message: clean_short(fail.message.as_deref().unwrap_or_default(), 300),
        },
        Err(_) => ApiError::Http {
            status: status.as_u16(),
            reason: status.canonical_reason().unwrap_or("").to_owned(),
        },
    }
}

pub(super) fn transport_error(e: &reqwest::Error, url: &Url, timeout: Duration) -> ApiError {
    // A connect timeout is both: it is the connection that failed, and the
    // connect timeout, not the request timeout, that would need raising.
    if e.is_connect() {
        let detail = if e.is_timeout() {
            NO_ANSWER.to_owned()
        } else {
            innermost(e)
        };
        ApiError::Connect {
            host: host_of(url),
            detail,
        }
    } else if e.is_timeout() {
        ApiError::Timeout(timeout)
    } else {
        ApiError::Transport(error_chain(e))
    }
}

/// The root cause alone ("Connection refused (os error 111)"), the part a person can
/// act on.
fn innermost(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    clean_short(&cause.to_string(), 200)
}

/// Every level of an error, joined: reqwest's top level alone rarely says why.
pub(super) fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut cause = e.source();
    while let Some(next) = cause {
        let text = next.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cause = next.source();
    }
    clean_short(&parts.join(": "), 300)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_urls_are_accepted_as_pasted() {
        for raw in [
            "https://stationapi.veriff.com",
            "https://stationapi.veriff.com/",
            "https://stationapi.veriff.com/v1",
            "https://stationapi.veriff.com/v1/",
            " https://stationapi.veriff.com/v1/?x=1 ",
        ] {
            assert_eq!(
                normalize_api_url(raw).unwrap().as_str(),
                "https://stationapi.veriff.com/v1/",
                "{raw}"
            );
        }
        assert_eq!(
            normalize_api_url("http://127.0.0.1:8080/prefix/v1").unwrap().as_str(),
            "http://127.0.0.1:8080/prefix/v1/"
        );
        assert!(normalize_api_url("stationapi.veriff.com").is_err());
        assert!(normalize_api_url("ftp://host").is_err());
    }

    #[test]
    fn ids_cannot_change_the_path() {
        let config = ClientConfig::new(
            normalize_api_url("https://h.example/v1").unwrap(),
            "k",
            Secret::new("s"),
        );
        let client = Client::new(config).unwrap();
        let url = client.endpoint(&["attempts", "../../admin?x=1#y", "media"]);
        assert_eq!(
            url.as_str(),
            "https://h.example/v1/attempts/..%2F..%2Fadmin%3Fx=1%23y/media"
        );
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let policy = RetryPolicy::default();
        for n in 1..10 {
            assert!(policy.backoff(n) <= policy.max_delay);
        }
    }
}
