//! Failures of the API client, worded for the person who has to act on them.
//! Every string that came from the server is cleaned of control characters and cut
//! short before it is stored here, so an error can be printed anywhere.

use std::path::PathBuf;

use crate::text::clean_short;
use std::time::Duration;

/// Redirects followed within the API's own origin before giving up.
pub const MAX_REDIRECTS: usize = 5;

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
    #[error("no complete reply within {0:?}")]
    Timeout(Duration),
    #[error("the connection failed: {0}")]
    Transport(String),
    #[error(
        "the API redirected to {location}, another host; not followed, so the credentials stay with the configured API URL"
    )]
    Redirect { location: String },
    #[error("the API redirected more than {MAX_REDIRECTS} times within its own host; giving up")]
    TooManyRedirects,
    #[error(
        "the response is not signed (no x-hmac-signature): it cannot be told from a forged one, so it was refused and nothing was saved"
    )]
    Unsigned,
    #[error(
        "refusing plain http:// to {host}: the API key, the replayable request signatures and the documents would travel in clear; use https://"
    )]
    Cleartext { host: String },
    #[error(
        "the response signature does not match its body: the reply was altered on the way, or the shared secret is not this integration's"
    )]
    BadSignature,
    #[error("could not read the API's reply: {0}")]
    Parse(String),
    /// A write answered 2xx whose answer could not be proven Veriff's (`reason`:
    /// unsigned, its signature wrong, or not readable): the write may well have
    /// happened.
    #[error(
        "the API answered HTTP {status}, so the write may have happened, but {reason}; look before sending it again"
    )]
    Unverified { status: u16, reason: Box<ApiError> },
    /// A write refused before sending, because Veriff would refuse it.
    #[error("{0}")]
    Refused(String),
    #[error("the reply was larger than {0} bytes, more than any Veriff listing; refused")]
    TooLarge(usize),
    #[error("download incomplete: received {received} of {expected} bytes; nothing was saved")]
    Truncated { received: u64, expected: u64 },
    #[error("{} already exists; not overwritten", .0.display())]
    Exists(PathBuf),
    #[error("could not write {}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
}

/// What a failure means for the person looking at it, whatever its wording: the
/// browser offers a retry, or points at the credentials, by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The API key or shared secret is wrong: no retry will help.
    Credentials,
    /// No such session, attempt or media.
    NotFound,
    /// The network or the server failed; the same request may well succeed.
    Retryable,
    /// The reply was not Veriff's as sent (signature missing or wrong).
    Integrity,
    Other,
}

/// Veriff's credential codes ("Errors" in the API doc).
const CREDENTIAL_CODES: [&str; 6] = ["1801", "1802", "1803", "1804", "1812", "1818"];

impl ApiError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            ApiError::Veriff { code, .. } if CREDENTIAL_CODES.contains(&code.as_str()) => ErrorKind::Credentials,
            ApiError::Veriff { status, .. } | ApiError::Http { status, .. } => match status {
                401 | 403 => ErrorKind::Credentials,
                404 => ErrorKind::NotFound,
                408 | 429 | 500..=599 => ErrorKind::Retryable,
                _ => ErrorKind::Other,
            },
            ApiError::Connect { .. } | ApiError::Timeout(_) | ApiError::Transport(_) | ApiError::Truncated { .. } => {
                ErrorKind::Retryable
            }
            ApiError::BadSignature | ApiError::Unsigned => ErrorKind::Integrity,
            ApiError::Unverified { reason, .. } => reason.kind(),
            _ => ErrorKind::Other,
        }
    }
}

/// The API's reply parsed as `T`, or an error that names where it failed (the JSON
/// path) and what was expected there, never the value found: a value of the wrong
/// type is as personal as a right one (`invalid type: string "SARAH MORGAN …"`).
pub fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let path = e.path().to_string();
        let at = if path == "." {
            String::new()
        } else {
            format!(" at `{}`", clean_short(&path, 80))
        };
        ApiError::Parse(format!("{}{at}", without_values(&e.inner().to_string())))
    })?;
    deserializer
        .end()
        .map_err(|e| ApiError::Parse(without_values(&e.to_string())))?;
    Ok(value)
}

/// serde's message with every quoted or back-quoted value left out: `invalid type:
/// string "X", expected struct Y at line 1 column 5` -> `invalid type: string,
/// expected struct Y`. What follows "expected" comes from our types, not the reply.
fn without_values(message: &str) -> String {
    let message = match message.rfind(" at line ") {
        Some(i) => &message[..i],
        None => message,
    };
    let (found, expected) = match message.split_once(", expected ") {
        Some((found, expected)) => (found, Some(expected)),
        None => (message, None),
    };
    let quoted = |word: &&str| word.contains(['"', '`', '\'']);
    let kept: Vec<&str> = found.split_whitespace().take_while(|w| !quoted(w)).collect();
    let mut text = kept.join(" ");
    if let Some(expected) = expected {
        text.push_str(", expected ");
        text.push_str(expected);
    }
    clean_short(&text, 200)
}

fn veriff_failure(status: u16, code: &str, message: &str) -> String {
    let mut text = format!("Veriff error {code} (HTTP {status})");
    if !message.is_empty() {
        text.push_str(": ");
        text.push_str(message);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_are_told_apart_by_kind() {
        let veriff = |status, code: &str| ApiError::Veriff {
            status,
            code: code.into(),
            message: "m".into(),
        };
        assert_eq!(veriff(401, "1818").kind(), ErrorKind::Credentials);
        assert_eq!(veriff(400, "1802").kind(), ErrorKind::Credentials);
        assert_eq!(veriff(404, "1102").kind(), ErrorKind::NotFound);
        assert_eq!(veriff(500, "500").kind(), ErrorKind::Retryable);
        let http = |status| ApiError::Http {
            status,
            reason: String::new(),
        };
        assert_eq!(http(502).kind(), ErrorKind::Retryable);
        assert_eq!(http(403).kind(), ErrorKind::Credentials);
        assert_eq!(ApiError::BadSignature.kind(), ErrorKind::Integrity);
        assert_eq!(ApiError::Unsigned.kind(), ErrorKind::Integrity);
        assert_eq!(ApiError::Timeout(Duration::from_secs(1)).kind(), ErrorKind::Retryable);
        assert_eq!(ApiError::Parse("x".into()).kind(), ErrorKind::Other);
        assert_eq!(veriff(401, "1818").to_string(), "Veriff error 1818 (HTTP 401): m");
    }

    #[test]
    fn a_reply_of_the_wrong_shape_is_named_by_its_path_never_its_value() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Person {
            name: Option<u32>,
        }
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Reply {
            verification: Option<Person>,
        }
        for (body, path) in [
            (r#"{"verification": "SARAH MORGAN 1967-03-30"}"#, "verification"),
            (
                r#"{"verification": {"name": "SARAH MORGAN 1967-03-30"}}"#,
                "verification.name",
            ),
            (r#"{"verification": {"name": -1967}}"#, "verification.name"),
        ] {
            let text = parse_json::<Reply>(body.as_bytes()).unwrap_err().to_string();
            assert!(!text.contains("SARAH") && !text.contains("1967"), "{text}");
            assert!(text.contains(&format!("at `{path}`")), "{text}");
            assert!(text.contains("expected"), "{text}");
        }
        let broken = parse_json::<Reply>(b"{\"verification\": nul").unwrap_err().to_string();
        assert!(broken.starts_with("could not read the API's reply: "), "{broken}");
        let trailing = parse_json::<Reply>(b"{} SARAH").unwrap_err().to_string();
        assert!(!trailing.contains("SARAH"), "{trailing}");
    }

    #[test]
    fn no_message_names_a_flag_or_a_variable() {
        // Hints that do are added where messages are shown (config::describe_error).
        for e in [
            ApiError::Timeout(Duration::from_secs(1)),
            ApiError::Unsigned,
            ApiError::BadSignature,
            ApiError::Cleartext { host: "h".into() },
        ] {
            let text = e.to_string();
            assert!(!text.contains("--") && !text.contains("VERIFF_"), "{text}");
        }
    }
}
