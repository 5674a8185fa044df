//! What to do about a failure, in terms of the settings this layer defines (flags,
//! variables, config keys): added where messages are shown, so the API client's
//! own messages name none of them.

use crate::api::ApiError;

/// What `client` gives up in safety, said on every run that uses it (stderr, and
/// the browser's title and status line).
pub fn security_warnings(client: &crate::api::ClientConfig) -> Vec<String> {
    let mut warnings = Vec::new();
    if client.allow_unsigned {
        warnings.push(
            "warning: allow_unsigned is on: replies without Veriff's signature are accepted and cannot be told from forged ones".to_owned(),
        );
    }
    if client.insecure_http && !crate::api::is_loopback(&client.api_url) {
        warnings.push(format!(
            "warning: insecure_http is on: the API key, request signatures and documents travel in clear to {}",
            client.host()
        ));
    }
    warnings
}

/// The failure's message, with what to check or change when there is something.
pub fn describe_error(e: &ApiError) -> String {
    match hint(e) {
        Some(hint) => format!("{e} — {hint}"),
        None => e.to_string(),
    }
}

/// The request signature rejected: the integration's shared secret is not the one given.
const SECRET_REJECTED: &str = "the request signature was rejected: check VERIFF_SHARED_SECRET or the profile's shared secret (the integration's shared secret, not its API key)";

/// Veriff's credential codes: what to check, in full and in one short line
/// (where room is short: a pane, the card, the status line).
const CREDENTIAL_FIXES: &[(&str, &str, &str)] = &[
    (
        "1801",
        "the API key is missing: set VERIFF_API_KEY, pass --api-key-file, or set api_key in the profile",
        "no API key: set VERIFF_API_KEY",
    ),
    (
        "1802",
        "the API key is not a UUID: check VERIFF_API_KEY or the profile's api_key",
        "API key not a UUID: check VERIFF_API_KEY",
    ),
    (
        "1803",
        "this API key is unknown here: check VERIFF_API_KEY and that VERIFF_API_URL is the API URL of its integration",
        "unknown API key: check VERIFF_API_KEY, VERIFF_API_URL",
    ),
    (
        "1804",
        "the integration is not active: check it in Veriff's Customer Portal",
        "integration not active: check the Customer Portal",
    ),
    (
        "1812",
        SECRET_REJECTED,
        "wrong shared secret: check VERIFF_SHARED_SECRET",
    ),
    (
        "1818",
        SECRET_REJECTED,
        "wrong shared secret: check VERIFF_SHARED_SECRET",
    ),
];

/// The short line for a message [`describe_error`] made of a credential
/// failure (`wrong shared secret: check VERIFF_SHARED_SECRET`), if it is one.
pub fn headline(message: &str) -> Option<&'static str> {
    CREDENTIAL_FIXES
        .iter()
        .find(|(_, fix, _)| message.ends_with(fix))
        .map(|(_, _, short)| *short)
}

/// What to check or change about `e`, if anything.
fn hint(e: &ApiError) -> Option<&'static str> {
    Some(match e {
        ApiError::Veriff { code, .. } => {
            return CREDENTIAL_FIXES
                .iter()
                .find(|(c, _, _)| c == code)
                .map(|(_, fix, _)| *fix);
        }
        ApiError::Timeout(_) => "raise --timeout if the link is slow",
        ApiError::Connect { detail, .. } if detail == crate::api::NO_ANSWER => {
            "raise --connect-timeout if the link is slow"
        }
        ApiError::BadSignature => "check VERIFF_SHARED_SECRET or the profile's shared secret",
        ApiError::Unverified { reason, .. } => return hint(reason),
        ApiError::Unsigned => "if a proxy strips the header, set allow_unsigned = true or pass --allow-unsigned",
        ApiError::Cleartext { .. } => "or pass --insecure-http (insecure_http = true) if you must",
        _ => return None,
    })
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
        let text = describe_error(&err);
        assert!(
            text.starts_with("Veriff error 1818 (HTTP 401): Signature does not match — "),
            "{text}"
        );
        assert!(
            text.contains("signature was rejected: check VERIFF_SHARED_SECRET"),
            "{text}"
        );
        let other = ApiError::Veriff {
            status: 404,
            code: "1404".into(),
            message: "Not found".into(),
        };
        assert_eq!(describe_error(&other), "Veriff error 1404 (HTTP 404): Not found");
        assert!(describe_error(&ApiError::Unsigned).contains("--allow-unsigned"));
        // Where room is short, one line that fits 80 columns with room to spare.
        assert_eq!(headline(&text), Some("wrong shared secret: check VERIFF_SHARED_SECRET"));
        assert_eq!(headline(&describe_error(&other)), None);
        assert!(CREDENTIAL_FIXES.iter().all(|(_, _, short)| short.len() <= 56));
    }
}
