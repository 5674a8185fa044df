//! The writes: a new verification session, and a session's deletion. POST signs
//! the request body, DELETE the session id ("Actions" in the API doc); answers are
//! signed and checked like every read. A write is never retried here: a repeated
//! POST is a second session, and a 429 must reach the person who asked.

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::client::{Client, failure, read_limited, transport_error};
use super::error::{ApiError, parse_json};
use super::{AUTH_CLIENT_HEADER, REQUEST_ID_HEADER, SIGNATURE_HEADER};
use crate::ids::SessionId;

/// Statuses Veriff deletes a session in ("Actions" in the API doc); any other is
/// refused with "Session is not in a completed status.".
pub const DELETABLE_STATUSES: &[&str] = &[
    "created",
    "started",
    "approved",
    "declined",
    "resubmission_requested",
    "expired",
    "abandoned",
    "review",
];

/// Veriff's limits on deletions, per integration.
pub const DELETIONS_PER_HOUR: usize = 5;
pub const DELETIONS_PER_DAY: usize = 10;

/// A watchlist hit's review outcomes, as Veriff's reference names them.
pub const HIT_STATUSES: &[&str] = &["false_positive", "potential_match", "true_match", "inconclusive"];

/// A watchlist hit's review: `PATCH /v1/sessions/{id}/watchlist-screening` with
/// `{"hit": {...}}`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HitReview {
    pub hit: String,
    pub match_status: String,
    /// `low` or `high`, with `true_match` only.
    pub risk_level: Option<String>,
    pub whitelisted: Option<bool>,
}

impl HitReview {
    pub fn body(&self) -> Result<Value, String> {
        if !HIT_STATUSES.contains(&self.match_status.as_str()) {
            return Err(format!(
                "--status is one of {}, not {}",
                HIT_STATUSES.join(", "),
                crate::text::clean_short(&self.match_status, 40)
            ));
        }
        let mut hit = Map::new();
        hit.insert("id".into(), self.hit.clone().into());
        hit.insert("matchStatus".into(), self.match_status.clone().into());
        if let Some(level) = &self.risk_level {
            if self.match_status != "true_match" || !["low", "high"].contains(&level.as_str()) {
                return Err("--risk-level (low or high) goes only with --status true_match".into());
            }
            hit.insert("riskLevel".into(), level.clone().into());
        }
        if let Some(whitelisted) = self.whitelisted {
            hit.insert("isWhitelisted".into(), whitelisted.into());
        }
        Ok(serde_json::json!({ "hit": hit }))
    }
}

/// vendorData longer than this is refused by Veriff; it is refused here first.
pub const MAX_VENDOR_DATA: usize = 1000;

/// What a new session is created with; every field optional, as in the API.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewSession {
    pub vendor_data: Option<String>,
    pub end_user_id: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub callback: Option<String>,
}

impl NewSession {
    /// `{"verification": {...}}`, or why it cannot be sent.
    pub fn body(&self) -> Result<Value, String> {
        let mut verification = Map::new();
        if let Some(vendor) = &self.vendor_data {
            let length = vendor.chars().count();
            if length > MAX_VENDOR_DATA {
                return Err(format!(
                    "vendorData is {length} characters; Veriff takes at most {MAX_VENDOR_DATA}, and it cannot be changed later"
                ));
            }
            verification.insert("vendorData".into(), vendor.clone().into());
        }
        if let Some(id) = &self.end_user_id {
            if !crate::ids::is_uuid(id) {
                return Err(format!(
                    "endUserId must be a UUID, not {}",
                    crate::text::clean_short(id, 60)
                ));
            }
            verification.insert("endUserId".into(), id.to_ascii_lowercase().into());
        }
        if let Some(callback) = &self.callback {
            let url = reqwest::Url::parse(callback).map_err(|e| format!("callback is not a URL: {e}"))?;
            if url.scheme() != "https" && url.scheme() != "http" {
                return Err("callback must be an http(s) URL".into());
            }
            verification.insert("callback".into(), callback.clone().into());
        }
        let mut person = Map::new();
        for (key, value) in [("firstName", &self.first_name), ("lastName", &self.last_name)] {
            if let Some(value) = value.as_ref().filter(|v| !v.trim().is_empty()) {
                person.insert(key.into(), value.trim().into());
            }
        }
        if !person.is_empty() {
            verification.insert("person".into(), Value::Object(person));
        }
        Ok(serde_json::json!({ "verification": verification }))
    }
}

/// `POST /v1/sessions`'s answer.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct Created {
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub verification: Option<CreatedSession>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatedSession {
    pub id: String,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// What a write came back with: the answer's HTTP status, for the audit log.
#[derive(Debug)]
pub struct Written<T> {
    pub status: u16,
    pub answer: T,
}

impl Client {
    /// Creates a verification session: the link for the end user. `request_id`
    /// is sent as `X-Request-Id`, as with every write.
    pub async fn create_session(&self, new: &NewSession, request_id: &str) -> Result<Written<Created>, ApiError> {
        let body = serde_json::to_vec(&new.body().map_err(ApiError::Refused)?).expect("JSON serialises");
        let (status, answer) = self
            .write(Method::POST, &["sessions"], &body, Some(body.clone()), request_id)
            .await?;
        let created: Created = parse_json(&answer).map_err(|e| unverified(status, e))?;
        if created.verification.as_ref().is_none_or(|v| v.id.is_empty()) {
            return Err(unverified(
                status,
                ApiError::Parse("the answer names no new session".into()),
            ));
        }
        Ok(Written {
            status,
            answer: created,
        })
    }

    /// Deletes a session, for an erasure request. Veriff limits it to 5 an hour
    /// and 10 a day, and allows it only for some statuses.
    pub async fn delete_session(&self, session: &SessionId, request_id: &str) -> Result<Written<Value>, ApiError> {
        let (status, answer) = self
            .write(
                Method::DELETE,
                &["sessions", session],
                session.as_bytes(),
                None,
                request_id,
            )
            .await?;
        let value = if answer.is_empty() {
            Value::Null
        } else {
            parse_json(&answer).map_err(|e| unverified(status, e))?
        };
        Ok(Written { status, answer: value })
    }

    /// Records a watchlist hit's review at Veriff.
    pub async fn review_hit(
        &self,
        session: &SessionId,
        review: &HitReview,
        request_id: &str,
    ) -> Result<Written<Value>, ApiError> {
        let body = serde_json::to_vec(&review.body().map_err(ApiError::Refused)?).expect("JSON serialises");
        let segments = ["sessions", session, "watchlist-screening"];
        let (status, answer) = self
            .write(Method::PATCH, &segments, &body, Some(body.clone()), request_id)
            .await?;
        let value = if answer.is_empty() {
            Value::Null
        } else {
            parse_json(&answer).map_err(|e| unverified(status, e))?
        };
        Ok(Written { status, answer: value })
    }

    /// One signed write, not retried, `request_id` sent as `X-Request-Id`; the
    /// answer's status and verified body. A 2xx whose answer cannot be verified
    /// is [`ApiError::Unverified`]: it may have been done.
    async fn write(
        &self,
        method: Method,
        segments: &[&str],
        signed: &[u8],
        body: Option<Vec<u8>>,
        request_id: &str,
    ) -> Result<(u16, Vec<u8>), ApiError> {
        let url = self.endpoint(segments);
        let config = &self.config;
        let mut request = self
            .writes
            .request(method, url.clone())
            .header(AUTH_CLIENT_HEADER, &config.api_key)
            .header(SIGNATURE_HEADER, config.secret.sign(signed))
            .header(REQUEST_ID_HEADER, request_id)
            .timeout(config.timeout);
        if let Some(body) = body {
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body);
        }
        let response = request
            .send()
            .await
            .map_err(|e| transport_error(&e, &url, config.timeout))?;
        let status = response.status();
        if status == reqwest::StatusCode::TOO_MANY_REQUESTS {
            return Err(ApiError::RateLimited {
                retry_after: super::client::retry_after(response.headers()),
            });
        }
        if !status.is_success() {
            return Err(failure(response, config.timeout).await);
        }
        let unproven = |reason| unverified(status.as_u16(), reason);
        let signature = self.required_signature(&response).map_err(unproven)?;
        let answer = read_limited(response, 64 * 1024, config.timeout)
            .await
            .map_err(unproven)?;
        if let Some(signature) = signature
            && !config.secret.verifies(&answer, &signature)
        {
            return Err(unproven(ApiError::BadSignature));
        }
        Ok((status.as_u16(), answer))
    }
}

/// A 2xx answer that cannot be proven Veriff's, or not read: the write may have
/// been done.
fn unverified(status: u16, reason: ApiError) -> ApiError {
    ApiError::Unverified {
        status,
        reason: Box::new(reason),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_session_is_refused_before_sending_when_veriff_would_refuse_it() {
        let long = NewSession {
            vendor_data: Some("x".repeat(1001)),
            ..Default::default()
        };
        assert!(long.body().unwrap_err().contains("at most 1000"));
        let not_uuid = NewSession {
            end_user_id: Some("customer-7".into()),
            ..Default::default()
        };
        assert!(not_uuid.body().unwrap_err().contains("UUID"));
        let ok = NewSession {
            vendor_data: Some("x".repeat(1000)),
            first_name: Some("Marta".into()),
            ..Default::default()
        };
        let body = ok.body().unwrap();
        assert_eq!(body["verification"]["person"]["firstName"], "Marta");
        assert_eq!(body["verification"]["vendorData"].as_str().unwrap().len(), 1000);
        assert_eq!(
            NewSession::default().body().unwrap(),
            serde_json::json!({"verification": {}})
        );
    }
}
