//! `--redact`: personal values hidden wherever the tool prints them (browser, tables,
//! `--json`), for screen sharing and ticket screenshots.
//!
//! It fails closed. A value is shown only when its field is on [`shown_as`]'s
//! allow-list of what is not personal (ids, statuses, codes, the decision process's
//! timestamps, document type and country, risk labels, match types and statuses,
//! counts, sizes, mimetypes, contexts, provider names) and the value has that
//! field's shape (a count is a JSON number, a reference a UUID or the profile's
//! `redact_references` pattern); everything else is masked, whatever its key, casing or depth:
//! unknown fields, strings inside arrays, free text, comments, NFC data. A mask is
//! always [`MASK`], so it says nothing of the length; a date keeps its year at most;
//! `redact = "initials"` keeps the initials of names.
//!
//! Data from the API is masked once, as it arrives ([`Redact::model`]), so the
//! card, the tables and `--json` print only what survived. When redaction is off
//! every method gives its input back unchanged.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use regex::Regex;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::ids::is_uuid;
use crate::text::is_iso_date;

/// What every hidden value becomes: the same width whatever it hid.
pub const MASK: &str = "*****";

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Redact {
    pub on: bool,
    /// Names keep their initials (`M. S.`) instead of the plain mask.
    pub initials: bool,
    /// The profile's `redact_references`: the integrator's references shown
    /// besides UUIDs. A `&'static` so `Redact` stays `Copy`, passed by value to
    /// every place that prints; [`References::compile`] makes one per pattern per run.
    pub references: Option<&'static References>,
}

/// A profile's `redact_references`: what its vendorData and endUserId look like
/// when they are opaque references (`^ORDER-[0-9]+$`), matched against the whole value.
#[derive(Debug)]
pub struct References {
    pattern: String,
    whole: Regex,
}

impl PartialEq for References {
    fn eq(&self, other: &References) -> bool {
        self.pattern == other.pattern
    }
}

impl Eq for References {}

impl References {
    /// The pattern compiled, once per distinct pattern per process (a profile is
    /// resolved again on every switch to it; each leaks a few hundred bytes at most once).
    pub fn compile(pattern: &str) -> Result<&'static References, String> {
        static COMPILED: OnceLock<Mutex<HashMap<String, &'static References>>> = OnceLock::new();
        let mut compiled = COMPILED
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(found) = compiled.get(pattern) {
            return Ok(found);
        }
        // Anchored here as well: an unanchored pattern must not let a name ride
        // along with a reference (`ORDER-7 sarah.morgan`).
        let whole = Regex::new(&format!("^(?:{pattern})$"))
            .map_err(|e| format!("redact_references {pattern:?} is not a regular expression: {e}"))?;
        let made: &'static References = Box::leak(Box::new(References {
            pattern: pattern.to_owned(),
            whole,
        }));
        compiled.insert(pattern.to_owned(), made);
        Ok(made)
    }

    pub fn pattern(&self) -> &str {
        &self.pattern
    }
}

/// What a field's value may be shown as, when it has the shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shown {
    /// An opaque id: letters, digits, `-` and `_`.
    Id,
    /// A machine word: a status, code, context, mimetype, label or category.
    Word,
    /// A timestamp of the decision process (a full ISO 8601 date and time).
    Time,
    /// An ISO country code.
    Country,
    /// A count, size, duration or score: a JSON number below 10^10, never a
    /// string (a string of digits may be anyone's ID code, and so may a number
    /// of 11 digits: no media file is 10 GB).
    Count,
    /// A decision, reason or status code: a JSON whole number of at most six digits
    /// (an 11-digit number is an ID code, not a Veriff code).
    Code,
    /// The name of a provider, list or source: words, no long numbers, no address.
    Provider,
    /// vendorData and endUserId: the integrator's own references, shown only when
    /// opaque: a UUID, or the profile's `redact_references` pattern. Integrators
    /// put names in them (`crm-user-sarah.morgan`).
    Reference,
}

/// The allow-list. Keys are compared without case, `_` or `-`, so `session_id`,
/// `sessionId` and `SESSION-ID` are one key. A key not here is masked.
fn shown_as(key: &str) -> Option<Shown> {
    Some(match key {
        "id" | "sessionid" | "attemptid" | "mediaid" | "verificationid" | "matchedsessionid" | "sessionids"
        | "attemptids" => Shown::Id,
        "status" | "action" | "feature" | "checktype" | "matchstatus" | "eventtype" | "category" | "label"
        | "context" | "mimetype" | "type" | "types" | "matchtype" | "matchtypes" | "risklevel" | "result"
        | "listtype" | "listtypes" | "decision" | "documenttype" | "risklabels" | "watchliststatus" => Shown::Word,
        "decisiontime" | "acceptancetime" | "createdtime" | "createdat" | "updatedat" | "submissiontime" | "time"
        | "timestamp" | "starttime" | "endtime" | "eventtime" => Shown::Time,
        "country" | "documentcountry" | "issuingcountry" => Shown::Country,
        "code" | "reasoncode" | "statuscode" => Shown::Code,
        "size" | "duration" | "score" | "totalhits" | "numberofmatches" | "hitcount" => Shown::Count,
        "provider" | "sourcename" | "listname" | "source" => Shown::Provider,
        "vendordata" | "enduserid" | "matchedsessionvendordata" => Shown::Reference,
        _ => return None,
    })
}

/// `session_id`, `sessionId` and `Session-Id` alike: `sessionid`.
fn normalised(key: &str) -> String {
    key.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether a string under a field shown as `shown` may be shown. `references`
/// is the profile's pattern for vendorData and endUserId.
fn has_shape(shown: Shown, text: &str, references: Option<&References>) -> bool {
    let all = |ok: fn(char) -> bool| !text.is_empty() && text.chars().all(ok);
    match shown {
        Shown::Id => text.len() <= 80 && all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
        Shown::Word => {
            text.len() <= 80 && all(|c| c.is_ascii_alphanumeric() || "-_./+:".contains(c)) && !has_digit_run(text, 5)
        }
        Shown::Time => is_timestamp(text),
        Shown::Country => (2..=3).contains(&text.len()) && all(|c| c.is_ascii_uppercase()),
        // Only a JSON number is a count or a code (see `walk`).
        Shown::Count | Shown::Code => false,
        Shown::Provider => {
            text.chars().count() <= 80
                && all(|c| c.is_alphanumeric() || " &.,()'_-".contains(c))
                && !has_digit_run(text, 4)
        }
        Shown::Reference => is_uuid(text) || references.is_some_and(|r| r.whole.is_match(text)),
    }
}

/// `2026-11-28T14:21:37.204Z`, `2026-11-28T14:21:37+02:00`: a moment, not a birthday.
fn is_timestamp(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() >= 16
        && b.len() <= 40
        && is_iso_date(text)
        && (b[10] == b'T' || b[10] == b' ')
        && b[11..].iter().all(|c| c.is_ascii_digit() || b":.+-Z".contains(c))
}

/// A run of at least `n` digits, separators between them ignored: a phone
/// number, an ID code or an account number written any way.
fn has_digit_run(text: &str, n: usize) -> bool {
    let mut run = 0;
    for c in text.chars() {
        if c.is_ascii_digit() {
            run += 1;
            if run >= n {
                return true;
            }
        } else if !" -.()/".contains(c) {
            run = 0;
        }
    }
    false
}

impl Redact {
    pub fn new(on: bool) -> Redact {
        Redact {
            on,
            ..Redact::default()
        }
    }

    /// `redact = "initials"`: names keep their first letters.
    pub fn with_initials(on: bool) -> Redact {
        Redact {
            on,
            initials: on,
            references: None,
        }
    }

    /// The same, with vendorData and endUserId matching `references` shown too.
    pub fn with_references(self, references: Option<&'static References>) -> Redact {
        Redact { references, ..self }
    }

    /// A person's name: the mask, or `M. S.` when initials were asked for.
    pub fn name(&self, text: &str) -> String {
        if !self.on || text.trim().is_empty() {
            return text.to_owned();
        }
        if !self.initials {
            return MASK.to_owned();
        }
        let initials: Vec<String> = text
            .split(|c: char| !c.is_alphabetic())
            .filter_map(|word| word.chars().next())
            .map(|c| format!("{c}."))
            .collect();
        if initials.is_empty() {
            MASK.to_owned()
        } else {
            initials.join(" ")
        }
    }

    /// A date keeps its year at most: `1967-03-14` -> `1967-**-**`; `670330`
    /// (ICAO's YYMMDD) or `14.03.1967` -> the mask.
    pub fn date(&self, text: &str) -> String {
        if !self.on || text.trim().is_empty() {
            return text.to_owned();
        }
        match year_of(text) {
            Some(year) if text.len() == 4 => year.to_owned(),
            Some(year) => format!("{year}-**-**"),
            None => MASK.to_owned(),
        }
    }

    /// Anything else personal (a number, an address, free text): the mask.
    pub fn text(&self, text: &str) -> String {
        if !self.on || text.trim().is_empty() {
            return text.to_owned();
        }
        MASK.to_owned()
    }

    /// vendorData or endUserId: shown when it is a UUID or matches the
    /// profile's `redact_references`; else the mask.
    pub fn reference(&self, text: &str) -> String {
        if !self.on || text.trim().is_empty() || has_shape(Shown::Reference, text, self.references) {
            text.to_owned()
        } else {
            MASK.to_owned()
        }
    }

    /// A typed answer with every value off the allow-list masked: it goes through
    /// [`Redact::json`] and back, so a field the type does not name is masked
    /// too. Should the masked answer no longer fit its type, an empty one is
    /// given: never the unmasked.
    pub fn model<T: Serialize + DeserializeOwned + Default>(&self, value: T) -> T {
        if !self.on {
            return value;
        }
        serde_json::to_value(&value)
            .ok()
            .and_then(|json| serde_json::from_value(self.json(json)).ok())
            .unwrap_or_default()
    }

    /// A JSON answer with its shape kept (the same keys, in the same places) and
    /// every value off the allow-list masked.
    pub fn json(&self, value: Value) -> Value {
        if !self.on {
            return value;
        }
        self.walk(value, "", &Map::new(), "")
    }

    /// `key` is the normalised key the value sits under (an array's items sit
    /// under the array's key); `parent` is the object holding it, and `within`
    /// the key that object sits under.
    fn walk(&self, value: Value, key: &str, parent: &Map<String, Value>, within: &str) -> Value {
        match value {
            Value::Object(map) => {
                let walked = map
                    .iter()
                    .map(|(k, v)| (k.clone(), self.walk(v.clone(), &normalised(k), &map, key)))
                    .collect();
                Value::Object(walked)
            }
            Value::Array(items) => Value::Array(items.into_iter().map(|v| self.walk(v, key, parent, within)).collect()),
            Value::String(s) => Value::String(self.leaf(key, parent, within, &s)),
            Value::Number(n) => match shown_as(key) {
                Some(Shown::Count) if n.as_f64().is_some_and(|count| count.abs() < 1e10) => Value::Number(n),
                Some(Shown::Code) if n.as_u64().is_some_and(|code| code < 1_000_000) => Value::Number(n),
                _ => Value::String(self.leaf(key, parent, within, &n.to_string())),
            },
            // true/false and null say nothing of a person.
            other => other,
        }
    }

    fn leaf(&self, key: &str, parent: &Map<String, Value>, within: &str, text: &str) -> String {
        if text.is_empty() {
            return String::new();
        }
        let shown = match key {
            // A media object's name is its context; a screening hit's field
            // (`doc.fields[]`: name, source, value) is named by its provider's
            // label ("Date of Birth"), while its value is masked. Elsewhere a
            // name beside a source and a value is a person's.
            "name" if parent.contains_key("mimetype") => Some(Shown::Word),
            "name" if within == "fields" && parent.contains_key("source") && parent.contains_key("value") => {
                Some(Shown::Provider)
            }
            _ => shown_as(key),
        };
        if shown.is_some_and(|s| has_shape(s, text, self.references)) {
            return text.to_owned();
        }
        if key.contains("name") {
            return self.name(text);
        }
        let date_like = ["date", "birth", "dob", "year", "valid", "expir", "issued"]
            .iter()
            .any(|d| key.contains(d));
        if date_like || is_iso_date(text) {
            return self.date(text);
        }
        MASK.to_owned()
    }
}

/// The year a date starts with, when it is a plausible one: `1967-03-14`, `1967`.
fn year_of(text: &str) -> Option<&str> {
    let year = text.get(..4)?;
    let plausible = year.parse::<u16>().is_ok_and(|y| (1800..=2199).contains(&y));
    let rest = &text[4..];
    let date_after = rest.is_empty() || (rest.starts_with('-') && is_iso_date(text));
    (plausible && date_after).then_some(year)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn masks_are_one_width_and_dates_keep_the_year_at_most() {
        let r = Redact::new(true);
        assert_eq!(r.name("Sarah Miller"), MASK);
        assert_eq!(r.name("Jo"), MASK, "no length shows through");
        assert_eq!(r.text("46703140000"), MASK);
        assert_eq!(r.date("1967-03-14"), "1967-**-**");
        assert_eq!(r.date("1967"), "1967");
        assert_eq!(r.date("670330"), MASK, "an ICAO date keeps not even its month");
        assert_eq!(r.date("14.03.1967"), MASK);
        assert_eq!(r.name(""), "", "nothing to hide stays nothing");
        let initials = Redact::with_initials(true);
        assert_eq!(initials.name("Sarah J Miller"), "S. J. M.");
        let off = Redact::default();
        assert_eq!(off.name("Sarah Miller"), "Sarah Miller");
        assert_eq!(off.json(json!({"firstName": "X"})), json!({"firstName": "X"}));
    }

    #[test]
    fn references_are_shown_only_when_opaque() {
        let r = Redact::new(true);
        let uuid = "0b6d1bd4-7c42-4b6f-9c2e-123456789012";
        assert_eq!(r.reference(uuid), uuid);
        for personal in [
            "crm-user-sarah.morgan",
            "order-2291",
            "sarah.morgan@example.com",
            "+372 5555 1234",
            "customer 38001085718",
        ] {
            assert_eq!(r.reference(personal), MASK, "{personal}");
        }
        let declared = r.with_references(Some(References::compile("^order-[0-9]+$").unwrap()));
        assert_eq!(declared.reference("order-2291"), "order-2291");
        assert_eq!(declared.reference(uuid), uuid, "a UUID stays a reference");
        assert_eq!(declared.reference("crm-user-sarah.morgan"), MASK);
        let unanchored = r.with_references(Some(References::compile("order-[0-9]+").unwrap()));
        assert_eq!(
            unanchored.reference("order-7 sarah.morgan"),
            MASK,
            "the pattern must match the whole value"
        );
        assert_eq!(unanchored.reference("order-7"), "order-7");
        assert_eq!(
            Redact::default().reference("crm-user-sarah.morgan"),
            "crm-user-sarah.morgan"
        );
    }

    #[test]
    fn a_pattern_that_is_not_a_regex_is_said_so_and_one_pattern_is_compiled_once() {
        let e = References::compile("^ORDER-[0-9+$").unwrap_err();
        assert!(e.contains("redact_references") && e.contains("^ORDER-[0-9+$"), "{e}");
        let first = References::compile("^T-[0-9]+$").unwrap();
        assert!(std::ptr::eq(first, References::compile("^T-[0-9]+$").unwrap()));
    }

    #[test]
    fn counts_and_codes_show_only_as_json_numbers() {
        let r = Redact::new(true);
        let masked = r.json(
            json!({"code": "46703140000", "reasonCode": "102", "size": "38001085718",
                                   "score": "1.7", "statusCode": 46703140000u64, "totalHits": 3,
                                   "duration": 2.5, "numberOfMatches": "12", "hitCount": 38001085718u64}),
        );
        for key in ["code", "reasonCode", "size", "score", "statusCode", "numberOfMatches"] {
            assert_eq!(masked[key], json!(MASK), "{key}: {masked:#}");
        }
        assert_eq!(masked["totalHits"], json!(3));
        assert_eq!(masked["duration"], json!(2.5));
        assert_eq!(
            masked["hitCount"],
            json!(MASK),
            "11 digits are an ID code, whatever the key"
        );
        assert_eq!(r.json(json!({"size": 734_003_200})), json!({"size": 734_003_200}));
    }

    #[test]
    fn a_name_beside_a_source_and_a_value_shows_only_in_a_hits_fields() {
        let r = Redact::new(true);
        let masked = r.json(json!({
            "doc": {"fields": [{"name": "Date of Birth", "source": "register", "value": "1990"}]},
            "contacts": [{"name": "Sarah Morgan", "source": "crm", "value": "x"}],
            "owner": {"name": "Sarah Morgan", "source": "crm", "value": "x"}
        }));
        assert_eq!(masked["doc"]["fields"][0]["name"], json!("Date of Birth"));
        assert_eq!(masked["contacts"][0]["name"], json!(MASK));
        assert_eq!(masked["owner"]["name"], json!(MASK));
    }

    #[test]
    fn json_shows_only_the_allow_list_whatever_the_key_casing_or_depth() {
        let r = Redact::new(true).with_references(Some(References::compile("^order-[0-9]+$").unwrap()));
        let masked = r.json(json!({
            "status": "success",
            "verification": {"status": "declined", "code": 9102, "reasonCode": 102,
                "reason": "Name on document (SARAH J MORGAN) does not match",
                "decisionTime": "2026-11-28T14:21:37.204Z",
                "person": {"firstName": "SARAH", "dateOfBirth": "1967-03-30", "yearOfBirth": "1967",
                           "idNumber": 46703140000u64, "nationality": "EE", "occupation": "Teacher"},
                "document": {"type": "PASSPORT", "number": "AS0000001", "country": "EE", "remarks": "x"},
                "first_name": "SARAH", "date_of_birth": "1967-03-30", "ID_NUMBER": "38001085718",
                "comments": [{"type": "note", "comment": "call +372 5555 1234"}],
                "riskLabels": [{"label": "document_integration_level_crosslinked_with_fraud",
                                "category": "document", "sessionIds": ["c0ffee00-1d3a-4b5c-9d7e-0a1b2c3d4e5f"]}],
                "vendorData": "order-2291", "endUserId": "sarah.morgan@example.com"},
            "technicalData": {"ip": "192.0.2.10", "ipv6": "2001:db8::1"},
            "images": [{"id": "m1", "name": "document-front", "mimetype": "image/jpeg", "size": 1234,
                        "url": "https://x.example/v1/media/m1"}],
            "someNewField": {"deep": ["Sarah Morgan", 1967, true, null]},
            "hits": [{"doc": {"fields": [{"name": "Date of Birth", "source": "s", "value": "1990-07-21"},
                                         {"name": "Passport", "value": "AS0000001"}]}}]
        }));
        let v = &masked["verification"];
        for (shown, at) in [
            (json!("success"), &masked["status"]),
            (json!("declined"), &v["status"]),
            (json!(9102), &v["code"]),
            (json!(102), &v["reasonCode"]),
            (json!("2026-11-28T14:21:37.204Z"), &v["decisionTime"]),
            (json!("PASSPORT"), &v["document"]["type"]),
            (json!("EE"), &v["document"]["country"]),
            (json!("document"), &v["riskLabels"][0]["category"]),
            (
                json!("c0ffee00-1d3a-4b5c-9d7e-0a1b2c3d4e5f"),
                &v["riskLabels"][0]["sessionIds"][0],
            ),
            (json!("order-2291"), &v["vendorData"]),
            (json!("document-front"), &masked["images"][0]["name"]),
            (json!(1234), &masked["images"][0]["size"]),
            (json!("Date of Birth"), &masked["hits"][0]["doc"]["fields"][0]["name"]),
            (json!(true), &masked["someNewField"]["deep"][2]),
            (json!(null), &masked["someNewField"]["deep"][3]),
            (json!("1967-**-**"), &v["person"]["dateOfBirth"]),
            (json!("1967-**-**"), &v["date_of_birth"]),
            (json!("1967"), &v["person"]["yearOfBirth"]),
            (json!("1990-**-**"), &masked["hits"][0]["doc"]["fields"][0]["value"]),
        ] {
            assert_eq!(at, &shown, "{masked:#}");
        }
        for at in [
            &v["reason"],
            &v["person"]["firstName"],
            &v["person"]["idNumber"],
            &v["person"]["nationality"],
            &v["person"]["occupation"],
            &v["document"]["number"],
            &v["document"]["remarks"],
            &v["first_name"],
            &v["ID_NUMBER"],
            &v["comments"][0]["comment"],
            &v["endUserId"],
            &masked["technicalData"]["ip"],
            &masked["technicalData"]["ipv6"],
            &masked["images"][0]["url"],
            &masked["someNewField"]["deep"][0],
            &masked["someNewField"]["deep"][1],
            &masked["hits"][0]["doc"]["fields"][1]["name"],
            &masked["hits"][0]["doc"]["fields"][1]["value"],
        ] {
            assert_eq!(at, &json!(MASK), "{masked:#}");
        }
    }

    #[test]
    fn an_allowed_key_with_a_value_of_the_wrong_shape_is_masked() {
        let r = Redact::new(true);
        let masked = r.json(json!({"id": "Sarah Morgan", "status": "call me on 5551234567",
                                   "country": "Estonia", "decisionTime": "1967-03-30",
                                   "provider": "https://pep.example.org/sarah-morgan", "size": "12 Main St"}));
        for key in ["id", "status", "country", "provider", "size"] {
            assert_eq!(masked[key], json!(MASK), "{key}: {masked:#}");
        }
        assert_eq!(
            masked["decisionTime"],
            json!("1967-**-**"),
            "a bare date is not a timestamp of the process"
        );
    }

    #[test]
    fn a_typed_answer_is_masked_through_its_json() {
        let r = Redact::new(true);
        #[derive(Default, serde::Deserialize, Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Person {
            first_name: Option<String>,
            status: Option<String>,
            #[serde(flatten)]
            extra: Map<String, Value>,
        }
        let person: Person =
            serde_json::from_value(json!({"firstName": "SARAH", "status": "approved", "someFutureField": "Sarah"}))
                .unwrap();
        let masked = r.model(person);
        assert_eq!(masked.first_name.as_deref(), Some(MASK));
        assert_eq!(masked.status.as_deref(), Some("approved"));
        assert_eq!(masked.extra["someFutureField"], json!(MASK));
    }
}
