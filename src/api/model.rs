//! What the Station API returns, parsed as tolerantly as Veriff's compatibility rules
//! require: unknown fields are kept (and echoed by `--json`), missing arrays are empty,
//! numbers may arrive as numeric strings, and ids are opaque text.

use std::collections::HashMap;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use super::tolerant::{flexible_f64, flexible_text, flexible_u64, null_as_empty};
use super::triage::{Biometric, DecisionPerson, Document, RiskLabel, TechnicalData};

/// `GET /v1/sessions/{id}/attempts`
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct AttemptList {
    #[serde(default)]
    pub status: Option<String>,
    /// Newest first, as the API returns them.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub verifications: Vec<Attempt>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Attempt {
    pub id: String,
    /// Open text: `approved`, `declined`, `resubmission_requested`, ... and new ones.
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub created_time: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `GET /v1/attempts/{id}/media` and `GET /v1/sessions/{id}/media`
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MediaList {
    #[serde(default)]
    pub status: Option<String>,
    /// Best first (accuracy and quality): the order is meaningful and kept.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub images: Vec<Media>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub videos: Vec<Media>,
    /// Data read from the document's chip (session media only), fetched as JSON.
    /// An entry without an id cannot be fetched and is left out.
    #[serde(default, deserialize_with = "fetchable", skip_serializing_if = "Vec::is_empty")]
    pub nfc_documents: Vec<Media>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl MediaList {
    /// Images, videos, then NFC documents, each in the API's order, tagged with
    /// their kind.
    pub fn items(&self) -> impl Iterator<Item = (MediaKind, &Media)> {
        let images = self.images.iter().map(|m| (MediaKind::Image, m));
        images
            .chain(self.videos.iter().map(|m| (MediaKind::Video, m)))
            .chain(self.nfc_documents.iter().map(|m| (MediaKind::Nfc, m)))
    }

    pub fn len(&self) -> usize {
        self.images.len() + self.videos.len() + self.nfc_documents.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaKind {
    Image,
    Video,
    /// An NFC document: JSON read from the document's chip.
    Nfc,
}

impl MediaKind {
    pub fn label(self) -> &'static str {
        match self {
            MediaKind::Image => "image",
            MediaKind::Video => "video",
            MediaKind::Nfc => "nfc",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Media {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub context: Option<String>,
    #[serde(default, deserialize_with = "flexible_u64")]
    pub size: Option<u64>,
    #[serde(default)]
    pub mimetype: Option<String>,
    /// Informational only: downloads always go to the configured API URL.
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub session_id: Option<String>,
    /// Seconds; videos only, possibly fractional.
    #[serde(default, deserialize_with = "flexible_f64", skip_serializing_if = "Option::is_none")]
    pub duration: Option<f64>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `GET /v1/sessions/{id}/decision`
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DecisionResponse {
    #[serde(default)]
    pub status: Option<String>,
    /// `null` until Veriff has decided.
    #[serde(default)]
    pub verification: Option<Decision>,
    /// A sibling of `verification` in Veriff's sample, not inside it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub technical_data: Option<TechnicalData>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl DecisionResponse {
    /// The decision, carrying the response's `technicalData.ip` with it.
    pub fn into_decision(self) -> Option<Decision> {
        let ip = self.technical_data.and_then(|t| t.ip);
        self.verification.map(|mut d| {
            d.ip = ip.or_else(|| {
                // Some payloads may nest it inside the decision instead.
                d.extra.get("technicalData")?.get("ip")?.as_str().map(str::to_owned)
            });
            d
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Decision {
    /// [`Decision::linked_sessions`], worked out on first use.
    #[serde(skip)]
    linked: std::sync::OnceLock<Vec<(String, String)>>,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub attempt_id: Option<String>,
    #[serde(default, deserialize_with = "flexible_u64")]
    pub code: Option<u64>,
    #[serde(default)]
    pub status: Option<String>,
    /// Text or null; other shapes are kept as they came.
    #[serde(default)]
    pub reason: Option<Value>,
    #[serde(default)]
    pub reason_code: Option<Value>,
    #[serde(default)]
    pub decision_time: Option<String>,
    #[serde(default)]
    pub acceptance_time: Option<String>,
    /// The integrator's own reference, given at session creation.
    #[serde(default, deserialize_with = "flexible_text", skip_serializing_if = "Option::is_none")]
    pub vendor_data: Option<String>,
    #[serde(default, deserialize_with = "flexible_text", skip_serializing_if = "Option::is_none")]
    pub end_user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<DecisionPerson>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<Document>,
    /// `{}` when the feature is on and found nothing; kept as it came.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_verified_data: Option<Value>,
    #[serde(default, deserialize_with = "null_as_empty", skip_serializing_if = "Vec::is_empty")]
    pub risk_labels: Vec<RiskLabel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub biometric_authentication: Option<Biometric>,
    /// Undocumented; `[]` in every sample.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comments: Option<Value>,
    /// The response's `technicalData.ip` (see [`DecisionResponse::into_decision`]).
    #[serde(skip)]
    pub ip: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Decision {
    /// `reasonCode` as a number, whether it came as one or as text.
    pub fn reason_code_number(&self) -> Option<u64> {
        match self.reason_code.as_ref()? {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// `reason` as text, when it is text.
    pub fn reason_text(&self) -> Option<&str> {
        self.reason.as_ref()?.as_str().filter(|s| !s.trim().is_empty())
    }

    /// Other sessions this one is linked to, each once, with why: the risk labels'
    /// sessions in order (at most [`MAX_LINKED`]), then the biometric match.
    /// Worked out once per decision: the card and the linked list ask on every
    /// key, and a decision may link tens of thousands of sessions.
    pub fn linked_sessions(&self) -> &[(String, String)] {
        self.linked.get_or_init(|| {
            let mut linked = Linked::default();
            for label in &self.risk_labels {
                let why = label.humanised();
                // Past the cap only sessions already listed can gain a reason, so a
                // label's ids beyond that many are not looked at.
                for id in label.session_ids.iter().take(MAX_LINKED) {
                    linked.add(self.id.as_deref(), id, &why, MAX_LINKED);
                }
            }
            if let Some(id) = self
                .biometric_authentication
                .as_ref()
                .and_then(|b| b.matched_session_id.as_deref())
            {
                // The face match is never crowded out by the labels.
                linked.add(self.id.as_deref(), id, "biometric match", MAX_LINKED + 1);
            }
            linked.list
        })
    }
}

/// Linked sessions kept from one decision: more are not a person's to follow.
const MAX_LINKED: usize = 100;

/// The linked sessions being gathered, with an index so each id is found at once.
#[derive(Default)]
struct Linked {
    list: Vec<(String, String)>,
    index: HashMap<String, usize>,
}

impl Linked {
    fn add(&mut self, own: Option<&str>, id: &str, why: &str, cap: usize) {
        // Only what is an id and nothing else: these become sessions to open,
        // export and remember, one a line.
        let Ok(id) = crate::ids::find_id(id) else { return };
        if own == Some(id.as_str()) {
            return;
        }
        match self.index.get(id.as_str()) {
            Some(&at) => {
                let reasons = &mut self.list[at].1;
                reasons.push_str(", ");
                reasons.push_str(why);
            }
            None if self.list.len() < cap => {
                self.index.insert(id.as_str().to_owned(), self.list.len());
                self.list.push((id.as_str().to_owned(), why.to_owned()));
            }
            None => {}
        }
    }
}

/// A JSON value shown as a person would write it: strings without quotes, null as
/// nothing.
pub fn plain_value(value: &Option<Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// Media entries that can be fetched (they have an id); others are skipped rather
/// than failing the whole list.
fn fetchable<'de, D: Deserializer<'de>>(de: D) -> Result<Vec<Media>, D::Error> {
    let items: Vec<Value> = null_as_empty(de)?;
    Ok(items
        .into_iter()
        .filter_map(|item| serde_json::from_value(item).ok())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The doc's decision, verbatim.
    const DOC_DECISION: &str = include_str!("../../tests/fixtures/doc_decision.json");

    #[test]
    fn the_docs_decision_parses_with_every_part_typed() {
        let response: DecisionResponse = serde_json::from_str(DOC_DECISION).unwrap();
        let decision = response.clone().into_decision().unwrap();
        assert_eq!(decision.code, Some(9102));
        assert_eq!(decision.reason_code_number(), Some(102));
        let person = decision.person.as_ref().unwrap();
        assert_eq!(person.first_name.as_deref(), Some("JOHANNA"));
        assert_eq!(person.year_of_birth.as_deref(), Some("1985"));
        assert_eq!(person.id_number.as_deref(), Some("48511020000"));
        let document = decision.document.as_ref().unwrap();
        assert_eq!(document.kind.as_deref(), Some("ID_CARD"));
        assert_eq!(document.expired_at(decision.decision_time.as_deref()), Some(false));
        assert_eq!(decision.risk_labels.len(), 1);
        assert_eq!(
            decision.risk_labels[0].humanised(),
            "document integration level crosslinked with tampering"
        );
        assert_eq!(
            decision.risk_labels[0].session_ids,
            ["5e551011-aaaa-4bbb-8ccc-000000000000"]
        );
        assert_eq!(
            decision.biometric_authentication.as_ref().unwrap().matched_session_id,
            None
        );
        assert_eq!(decision.vendor_data.as_deref(), Some("ticket-88123"));
        assert_eq!(decision.ip.as_deref(), Some("192.0.2.44"));
        assert_eq!(decision.linked_sessions().len(), 1);
        // Echoed with the API's names, technicalData where it was.
        let echoed = serde_json::to_value(&response).unwrap();
        assert_eq!(echoed["technicalData"]["ip"], "192.0.2.44");
        assert_eq!(echoed["verification"]["riskLabels"][0]["category"], "document");
        assert_eq!(echoed["verification"]["document"]["type"], "ID_CARD");
        assert_eq!(echoed["verification"]["additionalVerifiedData"], serde_json::json!({}));
    }

    #[test]
    fn a_sparse_decision_parses() {
        let sparse = r#"{"status":"success","verification":{"id":"s","attemptId":null,"code":"9103",
            "status":"resubmission_requested","reason":null,"reasonCode":"204","vendorData":null,"endUserId":null,
            "decisionTime":"2024-09-06T21:11:48.476108Z","acceptanceTime":"2024-09-06T21:01:02.000001Z",
            "comments":[],"additionalVerifiedData":{},
            "person":{"firstName":null,"lastName":null,"dateOfBirth":null,"yearOfBirth":null,"idNumber":null,
                      "addresses":[{"fullAddress":null,"parsedAddress":{"houseNumber":"null"}}]},
            "document":{"type":null,"number":null,"country":null,"validUntil":null,"nfcValidated":"false"},
            "riskLabels":null,"biometricAuthentication":null,"brandNewField":{"x":1}},"technicalData":null}"#;
        let response: DecisionResponse = serde_json::from_str(sparse).unwrap();
        let decision = response.clone().into_decision().unwrap();
        assert_eq!(decision.code, Some(9103));
        assert_eq!(decision.reason_code_number(), Some(204));
        assert_eq!(decision.decision_time.as_deref(), Some("2024-09-06T21:11:48.476108Z"));
        assert!(decision.risk_labels.is_empty());
        assert_eq!(decision.document.unwrap().nfc_validated.as_deref(), Some("false"));
        assert_eq!(decision.ip, None);
        let echoed = serde_json::to_value(&response).unwrap();
        assert_eq!(
            echoed["verification"]["brandNewField"]["x"], 1,
            "unknown fields are echoed"
        );
        assert_eq!(
            echoed["verification"]["person"]["addresses"][0]["parsedAddress"]["houseNumber"], "null",
            "the text null stays text"
        );
        // A decision with nothing at all.
        let bare: DecisionResponse = serde_json::from_str(r#"{"verification":{}}"#).unwrap();
        assert!(bare.into_decision().is_some());
        let none: DecisionResponse = serde_json::from_str(r#"{"status":"success","verification":null}"#).unwrap();
        assert!(none.into_decision().is_none());
    }

    #[test]
    fn sizes_and_durations_may_be_strings_or_fractions() {
        let media: Media =
            serde_json::from_str(r#"{"id":"x","size":"1024","duration":"2.5","mimetype":"video/webm","newField":1}"#)
                .unwrap();
        assert_eq!(media.size, Some(1024));
        assert_eq!(media.duration, Some(2.5));
        assert_eq!(media.extra["newField"], 1);
        let media: Media = serde_json::from_str(r#"{"id":"x","size":12.0,"duration":3}"#).unwrap();
        assert_eq!((media.size, media.duration), (Some(12), Some(3.0)));
    }

    #[test]
    fn one_odd_number_makes_its_field_unknown_not_the_listing_unreadable() {
        let list: MediaList = serde_json::from_str(
            r#"{"images":[
                {"id":"negative","size":-5},
                {"id":"fraction","size":12.5},
                {"id":"text","size":"lots","duration":"long"},
                {"id":"object","size":{"bytes":1},"duration":-1},
                {"id":"fine","size":"7","duration":1.5}
            ]}"#,
        )
        .unwrap();
        let sizes: Vec<_> = list
            .images
            .iter()
            .map(|m| (m.id.as_str(), m.size, m.duration))
            .collect();
        assert_eq!(
            sizes,
            [
                ("negative", None, None),
                ("fraction", None, None),
                ("text", None, None),
                ("object", None, None),
                ("fine", Some(7), Some(1.5)),
            ]
        );
    }

    #[test]
    fn missing_or_null_arrays_are_empty() {
        let list: MediaList = serde_json::from_str(r#"{"status":"success","images":null}"#).unwrap();
        assert!(list.is_empty());
    }

    #[test]
    fn json_output_uses_the_api_field_names() {
        let media: Media = serde_json::from_str(r#"{"id":"x","sessionId":"s","size":"5"}"#).unwrap();
        let out = serde_json::to_value(&media).unwrap();
        assert_eq!(out["sessionId"], "s");
        assert_eq!(out["size"], 5);
    }
}
