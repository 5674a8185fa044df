//! Failures of the API client, worded for the person who has to act on them.
//! Every string that came from the server is cleaned of control characters and cut
//! short before it is stored here, so an error can be printed anywhere.

use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Veriff's own `{"status":"fail","code","message"}`.
    #[error("{}", veriff_failure(*status, code, message))]
    Veriff { status: u16, code: String, message: String },
    /// An error status without Veriff's JSON (a proxy's HTML page, an empty body).
    #[error("the API answered HTTP {status} {reason}")]
    Http { status: u16, reason: String },
    /// HTTP 429, when the client was told to leave the pacing to its caller.
    #[error("the API asked to slow down (HTTP 429)")]
    RateLimited { retry_after: Option<Duration> },
    #[error("could not connect to {host}: {detail}")]
    Connect { host: String, detail: String },
    #[error("no complete reply within {0:?} (raise --timeout if the link is slow)")]
    Timeout(Duration),
    #[error("the connection failed: {0}")]
    Transport(String),
    #[error(
        "the API redirected to {location}, another host; not followed, so the credentials stay with the configured API URL"
    )]
    Redirect { location: String },
    #[error(
        "the response signature does not match its body: the reply was altered on the way, or VERIFF_SHARED_SECRET is not this integration's secret"
    )]
    BadSignature,
    #[error("could not read the API's reply: {0}")]
    Parse(String),
    #[error("the reply was larger than {0} bytes, more than any Veriff listing; refused")]
    TooLarge(usize),
    #[error("download incomplete: received {received} of {expected} bytes; nothing was saved")]
    Truncated { received: u64, expected: u64 },
    #[error("{} already exists; not overwritten", .0.display())]
    Exists(PathBuf),
    #[error("could not write {}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
}

impl ApiError {
    /// Whether this failure says the credentials are wrong (no retry will help).
    pub fn is_credentials(&self) -> bool {
        matches!(self, ApiError::Veriff { code, .. } if credential_hint(code).is_some())
    }
}

/// What to check for the credential codes Veriff documents.
pub fn credential_hint(code: &str) -> Option<&'static str> {
    Some(match code {
        "1801" => "the API key is missing: set VERIFF_API_KEY or pass --api-key",
        "1802" => "the API key is not a UUID: check VERIFF_API_KEY",
        "1803" => {
            "this API key is unknown here: check VERIFF_API_KEY and that VERIFF_API_URL is the API URL of its integration"
        }
        "1804" => "the integration is not active: check it in Veriff's Customer Portal",
        "1812" | "1818" => {
            "the request signature was rejected: check VERIFF_SHARED_SECRET (the integration's shared secret, not its API key)"
        }
        _ => return None,
    })
}

fn veriff_failure(status: u16, code: &str, message: &str) -> String {
    let mut text = format!("Veriff error {code} (HTTP {status})");
    if !message.is_empty() {
        text.push_str(": ");
        text.push_str(message);
    }
    if let Some(hint) = credential_hint(code) {
        text.push_str(" — ");
        text.push_str(hint);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_codes_say_what_to_check() {
        let err = ApiError::Veriff {
            status: 401,
            code: "1818".into(),
            message: "Signature does not match".into(),
        };
        let text = err.to_string();
        assert!(text.contains("1818") && text.contains("HTTP 401"), "{text}");
        assert!(text.contains("signature was rejected"), "{text}");
        assert!(text.contains("check VERIFF_SHARED_SECRET"), "{text}");
        assert!(err.is_credentials());

        let other = ApiError::Veriff {
            status: 404,
            code: "1404".into(),
            message: "Not found".into(),
        };
        assert_eq!(other.to_string(), "Veriff error 1404 (HTTP 404): Not found");
        assert!(!other.is_credentials());
    }
}
