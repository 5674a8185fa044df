//! Triage data: what the decision says about the person, the document and the
//! risks, `GET /v1/sessions/{id}/person` and `GET /v1/sessions/{id}/watchlist-screening`.
//!
//! Veriff's "Decision data" page allows any field to be null, empty or missing, and
//! new fields to appear without notice; clients disagree on whether codes, counts and
//! flags are numbers, strings or booleans. So every field is optional, text accepts
//! any scalar, counts accept numeric strings, and unknown fields are kept in `extra`
//! so `--json` echoes them.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use super::tolerant::{flexible_text, flexible_texts, flexible_u64, null_as_empty, numeric};

/// `verification.person`: data read from the document.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DecisionPerson {
    #[serde(default, deserialize_with = "flexible_text")]
    pub first_name: Option<String>,
    #[serde(default, deserialize_with = "flexible_text")]
    pub last_name: Option<String>,
    #[serde(default, deserialize_with = "flexible_text")]
    pub date_of_birth: Option<String>,
    #[serde(default, deserialize_with = "flexible_text")]
    pub year_of_birth: Option<String>,
    #[serde(default, deserialize_with = "flexible_text")]
    pub gender: Option<String>,
    /// National or personal code.
    #[serde(default, deserialize_with = "flexible_text")]
    pub id_number: Option<String>,
    #[serde(default, deserialize_with = "flexible_text")]
    pub nationality: Option<String>,
    #[serde(default, deserialize_with = "flexible_text")]
    pub citizenship: Option<String>,
    #[serde(default, deserialize_with = "flexible_text")]
    pub place_of_birth: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `verification.document`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Document {
    /// `PASSPORT`, `ID_CARD`, `DRIVERS_LICENSE`, ... (open text).
    #[serde(default, rename = "type", deserialize_with = "flexible_text")]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "flexible_text")]
    pub number: Option<String>,
    #[serde(default, deserialize_with = "flexible_text")]
    pub country: Option<String>,
    #[serde(default, deserialize_with = "flexible_text")]
    pub state: Option<String>,
    #[serde(default, deserialize_with = "flexible_text")]
    pub valid_from: Option<String>,
    #[serde(default, deserialize_with = "flexible_text")]
    pub valid_until: Option<String>,
    /// A boolean in one client, a string in another.
    #[serde(default, deserialize_with = "flexible_text")]
    pub nfc_validated: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Document {
    /// Whether the document's validity had ended by `decision_time` (both ISO 8601;
    /// dates compare as text). Unknown when either is missing or not a date. A
    /// validity masked to its year (`2024-**-**`, under `--redact`) still tells
    /// when the years differ.
    pub fn expired_at(&self, decision_time: Option<&str>) -> Option<bool> {
        let until = self.valid_until.as_deref()?;
        let decided = decision_time.filter(|d| crate::text::is_iso_date(d))?;
        if crate::text::is_iso_date(until) {
            return Some(until[..10] < decided[..10]);
        }
        let year = until
            .strip_suffix("-**-**")
            .filter(|y| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()))?;
        match year.cmp(&decided[..4]) {
            std::cmp::Ordering::Less => Some(true),
            std::cmp::Ordering::Greater => Some(false),
            std::cmp::Ordering::Equal => None,
        }
    }
}

/// One entry of `verification.riskLabels`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RiskLabel {
    #[serde(default, deserialize_with = "flexible_text")]
    pub label: Option<String>,
    #[serde(default, deserialize_with = "flexible_text")]
    pub category: Option<String>,
    /// Other sessions the risk links this one to.
    #[serde(default, deserialize_with = "flexible_texts")]
    pub session_ids: Vec<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl RiskLabel {
    /// `document_integration_level_crosslinked_with_fraud` as words.
    pub fn humanised(&self) -> String {
        self.label.as_deref().unwrap_or("unnamed risk").replace('_', " ")
    }
}

/// `verification.biometricAuthentication`: the other session whose face matched.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Biometric {
    #[serde(default, deserialize_with = "flexible_text")]
    pub matched_session_id: Option<String>,
    #[serde(default, deserialize_with = "flexible_text")]
    pub matched_session_vendor_data: Option<String>,
    #[serde(default, deserialize_with = "flexible_text")]
    pub matched_session_end_user_id: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `technicalData`, a sibling of `verification` in the decision response.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct TechnicalData {
    #[serde(default, deserialize_with = "flexible_text")]
    pub ip: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `GET /v1/sessions/{id}/person`
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct PersonResponse {
    #[serde(default)]
    pub status: Option<String>,
    /// Null, `{}` or missing: nothing to show.
    #[serde(default)]
    pub person: Option<Person>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Person {
    #[serde(default, deserialize_with = "flexible_text")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "flexible_text")]
    pub first_name: Option<String>,
    #[serde(default, deserialize_with = "flexible_text")]
    pub last_name: Option<String>,
    /// The decision calls it `idNumber`.
    #[serde(default, deserialize_with = "flexible_text")]
    pub id_code: Option<String>,
    #[serde(default, deserialize_with = "flexible_text")]
    pub date_of_birth: Option<String>,
    #[serde(default, deserialize_with = "flexible_text")]
    pub gender: Option<String>,
    #[serde(default, deserialize_with = "flexible_text")]
    pub nationality: Option<String>,
    #[serde(default, deserialize_with = "flexible_text")]
    pub place_of_birth: Option<String>,
    #[serde(default, deserialize_with = "flexible_texts")]
    pub citizenships: Vec<String>,
    /// One entry per screening provider; empty when nothing matched.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub pep_sanction_matches: Vec<PepSanctionMatch>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Person {
    /// `{}` answers "nothing to show" just as `null` does.
    pub fn is_empty(&self) -> bool {
        self == &Person::default()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PepSanctionMatch {
    #[serde(default, deserialize_with = "flexible_text")]
    pub provider: Option<String>,
    #[serde(default, deserialize_with = "flexible_u64")]
    pub number_of_matches: Option<u64>,
    #[serde(default, deserialize_with = "flexible_text")]
    pub date: Option<String>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub hits: Vec<PepHit>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PepHit {
    /// The listed record: `{id, name, entityType, types[], aka[], ...}`, kept whole.
    #[serde(default)]
    pub doc: Option<Value>,
    #[serde(default, deserialize_with = "flexible_texts")]
    pub match_types: Vec<String>,
    #[serde(default, deserialize_with = "flexible_text")]
    pub match_status: Option<String>,
    /// The provider's first indication, not a verdict.
    #[serde(default, deserialize_with = "numeric", skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl PepHit {
    pub fn name(&self) -> Option<String> {
        match self.doc.as_ref()?.get("name")? {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            other => Some(other.to_string()),
        }
    }
}

/// `GET /v1/sessions/{id}/watchlist-screening`
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct WatchlistResponse {
    #[serde(default)]
    pub status: Option<String>,
    /// Null, `{}` or missing: no screening to show.
    #[serde(default)]
    pub data: Option<Watchlist>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Watchlist {
    #[serde(default, deserialize_with = "flexible_text")]
    pub attempt_id: Option<String>,
    #[serde(default, deserialize_with = "flexible_text")]
    pub session_id: Option<String>,
    #[serde(default, deserialize_with = "flexible_text")]
    pub vendor_data: Option<String>,
    #[serde(default, deserialize_with = "flexible_text")]
    pub end_user_id: Option<String>,
    /// `initial_result` or `updated_result`.
    #[serde(default, deserialize_with = "flexible_text")]
    pub check_type: Option<String>,
    /// `possible_match` or `no_match`.
    #[serde(default, deserialize_with = "flexible_text")]
    pub match_status: Option<String>,
    #[serde(default, deserialize_with = "flexible_text", skip_serializing_if = "Option::is_none")]
    pub review_status: Option<String>,
    #[serde(default, deserialize_with = "flexible_text", skip_serializing_if = "Option::is_none")]
    pub monitor_status: Option<String>,
    #[serde(default)]
    pub search_term: Option<Value>,
    #[serde(default, deserialize_with = "flexible_u64")]
    pub total_hits: Option<u64>,
    #[serde(default, deserialize_with = "flexible_text")]
    pub created_at: Option<String>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub hits: Vec<WatchlistHit>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Watchlist {
    pub fn is_empty(&self) -> bool {
        self == &Watchlist::default()
    }

    /// Hits as counted by the server, else as listed.
    pub fn hit_count(&self) -> u64 {
        self.total_hits.unwrap_or(self.hits.len() as u64)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WatchlistHit {
    /// What `watchlist review` names the hit by.
    #[serde(default, deserialize_with = "flexible_text", skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "flexible_text")]
    pub matched_name: Option<String>,
    #[serde(default, deserialize_with = "flexible_texts")]
    pub countries: Vec<String>,
    #[serde(default, deserialize_with = "flexible_text")]
    pub date_of_birth: Option<String>,
    #[serde(default, deserialize_with = "flexible_text")]
    pub date_of_death: Option<String>,
    #[serde(default, deserialize_with = "flexible_texts")]
    pub match_types: Vec<String>,
    /// `{warnings, sanctions, fitnessProbity, pep, adverseMedia}`, each a list of
    /// `{sourceName, sourceUrl, date}` (or snake_case in some payloads).
    #[serde(default)]
    pub listings_related_to_match: Option<Value>,
    /// As reviewed (`false_positive`, `potential_match`, `true_match`,
    /// `inconclusive`); newer answers only.
    #[serde(default, deserialize_with = "flexible_text", skip_serializing_if = "Option::is_none")]
    pub match_status: Option<String>,
    /// `low` or `high`, given with a `true_match`.
    #[serde(default, deserialize_with = "flexible_text", skip_serializing_if = "Option::is_none")]
    pub risk_level: Option<String>,
    /// Whitelisted: ongoing monitoring alerts no more for it.
    #[serde(default, deserialize_with = "flexible_bool", skip_serializing_if = "Option::is_none")]
    pub is_whitelisted: Option<bool>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A flag sent as a boolean or as the text `true`/`false`; anything else is
/// not known.
fn flexible_bool<'de, D: Deserializer<'de>>(de: D) -> Result<Option<bool>, D::Error> {
    Ok(match Option::<Value>::deserialize(de)? {
        Some(Value::Bool(b)) => Some(b),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    })
}

impl WatchlistHit {
    /// Its review as Veriff has it, in words: `false positive · whitelisted`,
    /// `true match · high risk`; empty when the answer says none.
    pub fn review(&self) -> String {
        let status = self.match_status.as_deref().unwrap_or_default().replace('_', " ");
        let risk = self
            .risk_level
            .as_deref()
            .map(|level| format!("{level} risk"))
            .unwrap_or_default();
        let whitelisted = match self.is_whitelisted {
            Some(true) => "whitelisted",
            _ => "",
        };
        [status, risk, whitelisted.to_owned()]
            .into_iter()
            .filter(|p| !p.trim().is_empty())
            .collect::<Vec<_>>()
            .join(" · ")
    }

    /// The kinds of list the hit is on (`PEP`, `sanctions`, ...), in the API's order.
    pub fn list_types(&self) -> Vec<String> {
        let Some(Value::Object(lists)) = &self.listings_related_to_match else {
            return Vec::new();
        };
        lists
            .iter()
            .filter(|(_, entries)| entries.as_array().is_some_and(|a| !a.is_empty()))
            .map(|(name, _)| list_type(name))
            .collect()
    }

    /// The lists the hit comes from, with their kind: `Demo PEP register (PEP)`,
    /// each once, in the API's order.
    pub fn sources(&self) -> Vec<String> {
        let Some(Value::Object(lists)) = &self.listings_related_to_match else {
            return Vec::new();
        };
        let mut sources: Vec<String> = Vec::new();
        for (kind, entries) in lists {
            for entry in entries.as_array().into_iter().flatten() {
                let name = entry.get("sourceName").or_else(|| entry.get("source_name"));
                if let Some(name) = name.and_then(Value::as_str).filter(|n| !n.trim().is_empty()) {
                    let source = format!("{name} ({})", list_type(kind));
                    if !sources.contains(&source) {
                        sources.push(source);
                    }
                }
            }
        }
        sources
    }

    /// How many entries a list field (`aka`, `associates`) holds.
    fn count(&self, field: &str) -> usize {
        self.extra.get(field).and_then(Value::as_array).map_or(0, Vec::len)
    }

    /// What a person triaging the hit reads first, after the name: where it comes
    /// from, how it matched, and how many other names and associates it has.
    /// `Demo PEP register (PEP) · name fuzzy, year of birth · 1 aka · 0 associates`.
    pub fn summary(&self) -> String {
        let sources = match self.sources() {
            sources if sources.is_empty() => self.list_types().join(", "),
            sources => sources.join(", "),
        };
        let matched: Vec<String> = self.match_types.iter().map(|m| m.replace('_', " ")).collect();
        let counts = format!("{} aka · {} associates", self.count("aka"), self.count("associates"));
        [sources, matched.join(", "), counts]
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

fn list_type(name: &str) -> String {
    match name {
        "pep" => "PEP".into(),
        "adverseMedia" | "adverse_media" => "adverse media".into(),
        "fitnessProbity" | "fitness_probity" => "fitness/probity".into(),
        other => other.replace('_', " "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The doc's examples, verbatim (its decision is read in `model.rs`'s tests).
    const DOC_PERSON: &str = include_str!("../../tests/fixtures/doc_person.json");
    const DOC_WATCHLIST: &str = include_str!("../../tests/fixtures/doc_watchlist.json");

    #[test]
    fn the_docs_person_parses_and_empty_answers_are_nothing() {
        let response: PersonResponse = serde_json::from_str(DOC_PERSON).unwrap();
        let person = response.person.unwrap();
        assert_eq!(person.id_code.as_deref(), Some("48511020000"));
        assert!(person.pep_sanction_matches.is_empty() && person.citizenships.is_empty());
        assert!(!person.is_empty());
        for empty in [r#"{"person":null}"#, r#"{"person":{}}"#, r#"{}"#] {
            let response: PersonResponse = serde_json::from_str(empty).unwrap();
            assert!(response.person.is_none_or(|p| p.is_empty()), "{empty}");
        }
        let with_hits: PersonResponse = serde_json::from_str(
            r#"{"person":{"pepSanctionMatches":[{"provider":"p","numberOfMatches":"2","hits":[
                {"doc":{"name":"X"},"matchTypes":["name_exact"],"score":"1.7","matchStatus":"potential_match"}]}]}}"#,
        )
        .unwrap();
        let provider = &with_hits.person.unwrap().pep_sanction_matches[0];
        assert_eq!(provider.number_of_matches, Some(2));
        assert_eq!(provider.hits[0].name().as_deref(), Some("X"));
        assert_eq!(provider.hits[0].score, Some(1.7));
    }

    #[test]
    fn the_docs_watchlist_parses_with_its_list_types() {
        let response: WatchlistResponse = serde_json::from_str(DOC_WATCHLIST).unwrap();
        let data = response.data.unwrap();
        assert_eq!(data.match_status.as_deref(), Some("possible_match"));
        assert_eq!(data.hit_count(), 1);
        assert_eq!(data.hits[0].matched_name.as_deref(), Some("Johanna Spezimen"));
        assert_eq!(data.hits[0].list_types(), ["PEP"]);
        assert_eq!(data.hits[0].date_of_birth.as_deref(), Some("1985"));
        for empty in [r#"{"data":null}"#, r#"{"data":{}}"#, r#"{"status":"success"}"#] {
            let response: WatchlistResponse = serde_json::from_str(empty).unwrap();
            assert!(response.data.is_none_or(|d| d.is_empty()), "{empty}");
        }
        let counted: WatchlistResponse =
            serde_json::from_str(r#"{"data":{"matchStatus":"no_match","totalHits":"0","hits":null}}"#).unwrap();
        assert_eq!(counted.data.unwrap().hit_count(), 0);
    }

    #[test]
    fn a_reviewed_hit_says_its_status_and_whitelisting_in_words() {
        let response: WatchlistResponse = serde_json::from_str(
            r#"{"data":{"hits":[{"id":"h1","matchStatus":"false_positive","isWhitelisted":"true"},
                {"id":"h2","matchStatus":"true_match","riskLevel":"high","isWhitelisted":false},{"id":"h3"}]}}"#,
        )
        .unwrap();
        let hits = response.data.unwrap().hits;
        let said: Vec<String> = hits.iter().map(WatchlistHit::review).collect();
        assert_eq!(said, ["false positive · whitelisted", "true match · high risk", ""]);
        // Echoed as they came, for --json.
        let echoed = serde_json::to_value(&hits[1]).unwrap();
        assert_eq!(
            (&echoed["matchStatus"], &echoed["riskLevel"], &echoed["isWhitelisted"]),
            (&json!("true_match"), &json!("high"), &json!(false))
        );
        assert!(serde_json::to_value(&hits[2]).unwrap().get("matchStatus").is_none());
    }
}
