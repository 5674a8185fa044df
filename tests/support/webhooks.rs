//! A webhook as the store takes it, from its JSON, for the store's own tests.
#![allow(dead_code, reason = "each test uses what it needs")]

use veriff_tui::inbox::Incoming;

/// `body` as a receiver would hand it over (its kind and facts read as the
/// receiver reads them), from a source named `test`.
pub fn incoming(body: &serde_json::Value) -> Incoming {
    Incoming {
        source: "test".to_owned(),
        headers: "{}".to_owned(),
        ..Incoming::imported(body, serde_json::to_vec(body).unwrap())
    }
}
