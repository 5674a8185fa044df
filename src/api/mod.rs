//! The Veriff Station API client: signing, endpoints, tolerant models, errors and
//! streamed, verified downloads. It knows nothing of terminals; the scripting
//! subcommands and the TUI both stand on it.

mod client;
pub mod codes;
mod download;
mod error;
pub mod model;
pub mod names;
pub mod pacing;
mod sign;
mod tolerant;
pub mod triage;
mod write;

pub use client::{
    Client, ClientConfig, NO_ANSWER, Read, RetryPolicy, is_loopback, is_loopback_host, normalize_api_url,
};
pub use download::{Evidence, Progress, ProgressThrottle, SaveAs};
pub use error::{ApiError, ErrorKind, parse_json};
pub use model::{Attempt, AttemptList, Decision, DecisionResponse, Media, MediaKind, MediaList};
pub use sign::{Secret, Signer};
pub use triage::{Person, PersonResponse, Watchlist, WatchlistResponse};
pub use write::{
    Created, CreatedSession, DELETABLE_STATUSES, DELETIONS_PER_DAY, DELETIONS_PER_HOUR, HIT_STATUSES, HitReview,
    MAX_VENDOR_DATA, NewSession, Written,
};

/// Header carrying a write's id, the audit log's `request_id` for it.
pub const REQUEST_ID_HEADER: &str = "x-request-id";
/// Header carrying the integration's API key.
pub const AUTH_CLIENT_HEADER: &str = "x-auth-client";
/// Header carrying the HMAC-SHA256 signature, on requests and on responses.
pub const SIGNATURE_HEADER: &str = "x-hmac-signature";
