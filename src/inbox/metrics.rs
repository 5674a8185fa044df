//! The receiver's Prometheus metrics (`inbox receive --metrics ADDR`), named as
//! Prometheus asks: one prefix, `_total` on counters, base units (seconds).
//! Every label value is from a fixed list, and each is exported from the start
//! (0 until it happens), so a rate over it is never missing.

use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::metrics::info::Info;
use prometheus_client::registry::{Registry, Unit};

use super::event::Kind;

/// What became of a signed webhook.
pub const OUTCOMES: [&str; 5] = ["stored", "duplicate", "erased", "not_stored", "store_unreachable"];
/// Why a webhook was refused before it was stored.
pub const REFUSALS: [&str; 7] = [
    "sender_not_allowed",
    "unknown_key",
    "too_large",
    "send_timeout",
    "unreadable",
    "bad_signature",
    "not_json",
];
/// Why a batch was not stored: the store could not be reached, or it refused.
pub const STORE_ERRORS: [&str; 2] = ["unreachable", "failed"];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Webhook {
    kind: &'static str,
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Refusal {
    reason: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StoreError {
    error: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Reload {
    outcome: &'static str,
}

pub struct Metrics {
    registry: Registry,
    webhooks: Family<Webhook, Counter>,
    refused: Family<Refusal, Counter>,
    commit: Histogram,
    batch: Histogram,
    connections: Gauge,
    store_errors: Family<StoreError, Counter>,
    store_reachable: Gauge,
    tls_reloads: Family<Reload, Counter>,
}

impl Default for Metrics {
    fn default() -> Metrics {
        Metrics::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("veriff_inbox");
        let webhooks = Family::<Webhook, Counter>::default();
        for kind in Kind::ALL {
            for outcome in OUTCOMES {
                webhooks.get_or_create_owned(&Webhook {
                    kind: kind.as_str(),
                    outcome,
                });
            }
        }
        registry.register(
            "webhooks",
            "Signed webhooks by kind and what became of them",
            webhooks.clone(),
        );
        let refused = Family::<Refusal, Counter>::default();
        for reason in REFUSALS {
            refused.get_or_create_owned(&Refusal { reason });
        }
        registry.register(
            "webhooks_refused",
            "Requests to a webhook path refused before anything was stored, by reason",
            refused.clone(),
        );
        // 0.5 ms to about 16 s: a group commit on a fast disk, to a store that hangs.
        let commit = Histogram::new(exponential_buckets(0.0005, 2.0, 16));
        registry.register_with_unit(
            "commit",
            "Time to store one batch of webhooks (one transaction)",
            Unit::Seconds,
            commit.clone(),
        );
        let batch = Histogram::new(exponential_buckets(1.0, 2.0, 10));
        registry.register("batch_size", "Webhooks committed in one transaction", batch.clone());
        let connections = Gauge::default();
        registry.register(
            "open_connections",
            "Connections open to the webhook listener",
            connections.clone(),
        );
        let store_errors = Family::<StoreError, Counter>::default();
        for error in STORE_ERRORS {
            store_errors.get_or_create_owned(&StoreError { error });
        }
        registry.register(
            "store_errors",
            "Batches the store did not take, by why",
            store_errors.clone(),
        );
        let store_reachable = Gauge::default();
        store_reachable.set(1);
        registry.register(
            "store_reachable",
            "1 while the store takes writes, 0 while webhooks are answered 503",
            store_reachable.clone(),
        );
        let tls_reloads = Family::<Reload, Counter>::default();
        for outcome in ["loaded", "failed"] {
            tls_reloads.get_or_create_owned(&Reload { outcome });
        }
        registry.register(
            "tls_reloads",
            "Certificate reloads on SIGHUP; a failed one keeps the previous certificate",
            tls_reloads.clone(),
        );
        registry.register(
            "build",
            "The running version",
            Info::new(vec![("version", env!("CARGO_PKG_VERSION"))]),
        );
        Metrics {
            registry,
            webhooks,
            refused,
            commit,
            batch,
            connections,
            store_errors,
            store_reachable,
            tls_reloads,
        }
    }

    pub fn webhook(&self, kind: Kind, outcome: &'static str) {
        self.webhooks
            .get_or_create_owned(&Webhook {
                kind: kind.as_str(),
                outcome,
            })
            .inc();
    }

    pub fn refused(&self, reason: &'static str) {
        self.refused.get_or_create_owned(&Refusal { reason }).inc();
    }

    pub fn committed(&self, webhooks: usize, took: Duration) {
        self.batch.observe(webhooks as f64);
        self.commit.observe(took.as_secs_f64());
    }

    pub fn store_error(&self, unreachable: bool) {
        let error = if unreachable { "unreachable" } else { "failed" };
        self.store_errors.get_or_create_owned(&StoreError { error }).inc();
    }

    pub fn store_reachable(&self, reachable: bool) {
        self.store_reachable.set(i64::from(reachable));
    }

    pub fn connection_opened(&self) {
        self.connections.inc();
    }

    pub fn connection_closed(&self) {
        self.connections.dec();
    }

    pub fn tls_reload(&self, loaded: bool) {
        let outcome = if loaded { "loaded" } else { "failed" };
        self.tls_reloads.get_or_create_owned(&Reload { outcome }).inc();
    }

    /// The OpenMetrics text a scrape answers.
    pub fn text(&self) -> String {
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry).expect("a String takes any text");
        text
    }
}

/// The content type of [`Metrics::text`].
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";
