//! What a webhook body says about its session: its type told by path or shape, and
//! the index fields it carries. Tolerant like `api::model`: every field optional.

use serde_json::Value;

use crate::time::parse_time_ms;

/// The webhook types Veriff sends (shared/docs/veriff-api.md, "Webhooks").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Decision,
    Event,
    Watchlist,
    Status,
    /// Stored raw, indexed not at all: a type Veriff added since.
    Unknown,
}

impl Kind {
    /// Every kind, in the order metrics list them.
    pub const ALL: [Kind; 5] = [
        Kind::Decision,
        Kind::Event,
        Kind::Watchlist,
        Kind::Status,
        Kind::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Decision => "decision",
            Kind::Event => "event",
            Kind::Watchlist => "watchlist",
            Kind::Status => "status",
            Kind::Unknown => "unknown",
        }
    }

    /// The type a receiver path names (`/decision`...); `/` names none.
    pub fn from_path(path: &str) -> Option<Kind> {
        match path.trim_matches('/') {
            "decision" => Some(Kind::Decision),
            "event" => Some(Kind::Event),
            "watchlist" => Some(Kind::Watchlist),
            "status" => Some(Kind::Status),
            _ => None,
        }
    }

    /// The type a body has by its shape, for `POST /` and imports.
    pub fn from_shape(body: &Value) -> Kind {
        if body.get("verification").is_some_and(Value::is_object) {
            Kind::Decision
        } else if is_watchlist(body) || body.get("data").is_some_and(is_watchlist) {
            // The webhook, or the API's answer holding it as `data`.
            Kind::Watchlist
        } else if body.get("eventType").is_some() && body.pointer("/data/verification").is_some() {
            Kind::Status
        } else if body.get("action").is_some() && body.get("id").is_some() {
            Kind::Event
        } else {
            Kind::Unknown
        }
    }
}

fn is_watchlist(body: &Value) -> bool {
    body.get("checkType").is_some() || body.get("matchStatus").is_some()
}

/// The index fields one webhook gives its session; `None` leaves the stored value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    pub session_id: Option<String>,
    /// When it happened by the sender's clock (decision time, event time...).
    pub time_ms: Option<i64>,
    /// Set by a decision: status, code, reason, reason code.
    pub decision: Option<Decision>,
    /// Set by an event (`started`, `submitted`): a status until a decision exists.
    pub progress: Option<String>,
    pub watchlist_status: Option<String>,
    pub vendor_data: Option<String>,
    pub end_user_id: Option<String>,
    pub person_name: Option<String>,
    pub document_number: Option<String>,
    pub document_country: Option<String>,
    pub risk_labels: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Decision {
    pub status: Option<String>,
    pub code: Option<i64>,
    pub reason: Option<String>,
    pub reason_code: Option<i64>,
}

/// Text of a string, or of a number (types drift between clients and docs).
fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A code as a number or a numeric string.
fn number(value: Option<&Value>) -> Option<i64> {
    match value? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn time(value: Option<&Value>) -> Option<i64> {
    value.and_then(Value::as_str).and_then(parse_time_ms)
}

pub fn facts(kind: Kind, body: &Value) -> Facts {
    let mut facts = facts_as_sent(kind, body);
    // Ids are compared as `find_id` reads them: an upper-case copy of an erased
    // session's id is the same session.
    facts.session_id = facts.session_id.map(|id| id.to_lowercase());
    facts
}

fn facts_as_sent(kind: Kind, body: &Value) -> Facts {
    match kind {
        Kind::Decision => decision_facts(body),
        Kind::Event => Facts {
            session_id: text(body.get("id")).or_else(|| text(body.get("sessionId"))),
            time_ms: time(body.get("time")).or_else(|| time(body.get("createdAt"))),
            progress: text(body.get("action")),
            vendor_data: text(body.get("vendorData")),
            end_user_id: text(body.get("endUserId")),
            ..Facts::default()
        },
        // The API's answer (`{status, data}`) says what the webhook says, in `data`.
        Kind::Watchlist if !is_watchlist(body) && body.get("data").is_some_and(is_watchlist) => {
            facts(kind, &body["data"])
        }
        Kind::Watchlist => Facts {
            session_id: text(body.get("sessionId")),
            time_ms: time(body.get("createdAt")),
            watchlist_status: text(body.get("matchStatus")),
            vendor_data: text(body.get("vendorData")),
            end_user_id: text(body.get("endUserId")),
            ..Facts::default()
        },
        Kind::Status => Facts {
            session_id: text(body.pointer("/data/verification/id")),
            time_ms: time(body.get("time")),
            ..Facts::default()
        },
        Kind::Unknown => Facts::default(),
    }
}

fn decision_facts(body: &Value) -> Facts {
    let v = &body["verification"];
    let person = &v["person"];
    let name = [person.get("firstName"), person.get("lastName")]
        .into_iter()
        .filter_map(text)
        .collect::<Vec<_>>()
        .join(" ");
    let document = &v["document"];
    let risk_labels = v["riskLabels"]
        .as_array()
        .map(|labels| {
            labels
                .iter()
                .filter_map(|l| text(l.get("label")).or_else(|| text(Some(l))))
                .collect()
        })
        .unwrap_or_default();
    Facts {
        session_id: text(v.get("id")),
        time_ms: time(v.get("decisionTime")).or_else(|| time(v.get("acceptanceTime"))),
        decision: Some(Decision {
            status: text(v.get("status")),
            code: number(v.get("code")),
            reason: text(v.get("reason")),
            reason_code: number(v.get("reasonCode")),
        }),
        progress: None,
        watchlist_status: None,
        vendor_data: text(v.get("vendorData")),
        end_user_id: text(v.get("endUserId")),
        person_name: Some(name).filter(|n| !n.is_empty()),
        document_number: text(document.get("number")),
        document_country: text(document.get("country")),
        risk_labels,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn each_type_is_told_by_its_shape() {
        let decision = json!({"status": "success", "verification": {"id": "s1", "status": "approved"}});
        let event = json!({"id": "s1", "attemptId": "a1", "feature": "selfid", "code": 7001, "action": "started"});
        let watchlist = json!({"checkType": "initial_result", "sessionId": "s1", "matchStatus": "possible_match"});
        let status =
            json!({"eventType": "x", "time": "2026-01-02T03:04:05.000Z", "data": {"verification": {"id": "s1"}}});
        assert_eq!(Kind::from_shape(&decision), Kind::Decision);
        assert_eq!(Kind::from_shape(&event), Kind::Event);
        assert_eq!(Kind::from_shape(&watchlist), Kind::Watchlist);
        assert_eq!(Kind::from_shape(&status), Kind::Status);
        assert_eq!(Kind::from_shape(&json!({"hello": 1})), Kind::Unknown);
    }

    #[test]
    fn a_fetched_watchlist_answer_gives_what_its_webhook_would() {
        let webhook = json!({"checkType": "initial_result", "sessionId": "s1", "matchStatus": "possible_match",
            "vendorData": "ticket-4711", "createdAt": "2026-11-28T14:21:40.870Z", "hits": []});
        let answer = json!({"status": "success", "data": webhook.clone()});
        assert_eq!(Kind::from_shape(&answer), Kind::Watchlist);
        let fetched = facts(Kind::Watchlist, &answer);
        assert_eq!(fetched, facts(Kind::Watchlist, &webhook));
        assert_eq!(
            (fetched.session_id.as_deref(), fetched.watchlist_status.as_deref()),
            (Some("s1"), Some("possible_match"))
        );
        // Not screened: nothing to index.
        assert_eq!(
            Kind::from_shape(&json!({"status": "success", "data": null})),
            Kind::Unknown
        );
    }

    #[test]
    fn a_decision_gives_every_index_field_with_codes_as_numbers_or_strings() {
        let body = json!({"status": "success", "verification": {
            "id": "s1", "code": "9102", "status": "declined", "reason": "Physical document not used",
            "reasonCode": 102, "decisionTime": "2026-01-02T03:04:05.123456Z",
            "vendorData": "order-7", "endUserId": "u-1",
            "person": {"firstName": "SPECIMEN", "lastName": "SAMPLE"},
            "document": {"number": "X1234567", "country": "EE"},
            "riskLabels": [{"label": "document_integration_level_crosslinked_with_fraud", "category": "document"}]
        }});
        let facts = facts(Kind::Decision, &body);
        assert_eq!(facts.session_id.as_deref(), Some("s1"));
        let decision = facts.decision.unwrap();
        assert_eq!((decision.code, decision.reason_code), (Some(9102), Some(102)));
        assert_eq!(facts.person_name.as_deref(), Some("SPECIMEN SAMPLE"));
        assert_eq!(facts.document_number.as_deref(), Some("X1234567"));
        assert_eq!(facts.risk_labels, ["document_integration_level_crosslinked_with_fraud"]);
        assert_eq!(facts.time_ms, parse_time_ms("2026-01-02T03:04:05.123Z"));
    }
}
