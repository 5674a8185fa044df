//! `--redact`: personal values masked wherever the tool prints them (browser, tables,
//! `--json`), for screen sharing and ticket screenshots. Names keep their initials
//! (`S**** M*****`), dates their year (`1967-**-**`); ID and document numbers,
//! addresses and IP addresses keep only their shape.
//!
//! One [`Redact`] is handed to everything that prints; when it is off every method
//! gives its input back unchanged.

use serde_json::{Map, Value};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Redact {
    pub on: bool,
}

/// Keys whose values are personal wherever they appear, and how each is masked.
/// Matching is on the key alone, so a field Veriff adds under a known name is
/// masked too; unknown names pass (see [`Redact::json`] for the exceptions).
fn kind_of(key: &str) -> Option<Kind> {
    Some(match key {
        "firstName" | "lastName" | "fullName" | "middleName" | "maidenName" | "givenNames" | "surname"
        | "matchedName" | "name" | "extraNames" | "aka" | "associates" => Kind::Name,
        "dateOfBirth" | "dateOfDeath" | "birthDate" => Kind::Date,
        "idNumber"
        | "idCode"
        | "number"
        | "documentNumber"
        | "personalNumber"
        | "driversLicenseNumber"
        | "cpfNumber"
        | "processNumber"
        | "mrz" => Kind::Number,
        "addresses" | "address" | "fullAddress" | "parsedAddress" | "street" | "houseNumber" | "postcode" | "city"
        | "unit" | "placeOfBirth" => Kind::Address,
        "ip" | "ipAddress" => Kind::Number,
        _ => return None,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Name,
    Date,
    Number,
    Address,
}

impl Redact {
    pub fn new(on: bool) -> Redact {
        Redact { on }
    }

    /// Each word's first letter kept: `Marta Specimen` -> `M**** S*******`.
    pub fn name(&self, text: &str) -> String {
        if !self.on {
            return text.to_owned();
        }
        let mut out = String::with_capacity(text.len());
        let mut word_start = true;
        for c in text.chars() {
            if c.is_alphanumeric() {
                out.push(if word_start { c } else { '*' });
                word_start = false;
            } else {
                out.push(c);
                word_start = true;
            }
        }
        out
    }

    /// The year kept when the text starts with one: `1967-03-14` -> `1967-**-**`.
    pub fn date(&self, text: &str) -> String {
        if !self.on {
            return text.to_owned();
        }
        let year_first = text.len() >= 4 && text.as_bytes()[..4].iter().all(u8::is_ascii_digit);
        text.chars()
            .enumerate()
            .map(|(i, c)| {
                if c.is_alphanumeric() && !(year_first && i < 4) {
                    '*'
                } else {
                    c
                }
            })
            .collect()
    }

    /// Every letter and digit masked, separators kept: `192.0.2.44` -> `***.*.*.**`.
    pub fn number(&self, text: &str) -> String {
        if !self.on {
            return text.to_owned();
        }
        text.chars()
            .map(|c| if c.is_alphanumeric() { '*' } else { c })
            .collect()
    }

    pub fn address(&self, text: &str) -> String {
        self.number(text)
    }

    fn mask(&self, kind: Kind, text: &str) -> String {
        match kind {
            Kind::Name => self.name(text),
            Kind::Date => self.date(text),
            Kind::Number => self.number(text),
            Kind::Address => self.address(text),
        }
    }

    /// A JSON answer with every personal value masked: the keys above, anywhere in
    /// the tree, and everything beneath them. A media object's `name` is its
    /// context, not a person's, and stays; so does a provider field's `name` (the
    /// field's label), while its `value` is masked.
    pub fn json(&self, value: Value) -> Value {
        if !self.on {
            return value;
        }
        self.walk(value, None)
    }

    fn walk(&self, value: Value, kind: Option<Kind>) -> Value {
        match value {
            Value::String(s) => match kind {
                Some(kind) => Value::String(self.mask(kind, &s)),
                None => Value::String(s),
            },
            Value::Number(n) => match kind {
                // A date or number given as a JSON number is still personal.
                Some(kind) => Value::String(self.mask(kind, &n.to_string())),
                None => Value::Number(n),
            },
            Value::Array(items) => Value::Array(items.into_iter().map(|v| self.walk(v, kind)).collect()),
            Value::Object(map) => {
                let is_media = map.contains_key("mimetype");
                let is_field = map.contains_key("value") && map.contains_key("source");
                let walked: Map<String, Value> = map
                    .into_iter()
                    .map(|(key, v)| {
                        let own = match key.as_str() {
                            "name" if is_media || is_field => None,
                            "value" if is_field => Some(Kind::Number),
                            _ => kind_of(&key),
                        };
                        let v = self.walk(v, kind.or(own));
                        (key, v)
                    })
                    .collect();
                Value::Object(walked)
            }
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_keep_their_shape_and_lose_their_content() {
        let r = Redact::new(true);
        assert_eq!(r.name("Sarah Miller"), "S**** M*****");
        assert_eq!(r.name("JOHANNA SPECIMEN-MUSTER"), "J****** S*******-M*****");
        assert_eq!(r.date("1967-03-14"), "1967-**-**");
        assert_eq!(r.date("14.03.1967"), "**.**.****");
        assert_eq!(r.number("AS0000000"), "*********");
        assert_eq!(r.number("192.0.2.44"), "***.*.*.**");
        let off = Redact::default();
        assert_eq!(off.name("Sarah Miller"), "Sarah Miller");
        assert_eq!(off.json(json!({"firstName": "X"})), json!({"firstName": "X"}));
    }

    #[test]
    fn json_is_masked_by_key_anywhere_and_beneath() {
        let r = Redact::new(true);
        let masked = r.json(json!({
            "verification": {"status": "approved", "code": 9001,
                "person": {"firstName": "MARTA", "dateOfBirth": "1967-03-14", "yearOfBirth": "1967", "idNumber": 46703140000u64,
                           "nationality": "EE", "addresses": [{"fullAddress": "1 Specimen Street", "parsedAddress": {"houseNumber": "null"}}]},
                "document": {"type": "ID_CARD", "number": "AS0000001", "country": "EE"}},
            "technicalData": {"ip": "192.0.2.10"},
            "images": [{"name": "document-front", "mimetype": "image/jpeg", "context": "document-front"}],
            "hits": [{"doc": {"name": "Karl Spezimen", "aka": [{"name": "K. Spezimen"}],
                      "fields": [{"name": "Date of Birth", "source": "s", "value": "1990-07-21"}]}}]
        }));
        let v = &masked["verification"];
        assert_eq!(v["status"], "approved");
        assert_eq!(v["code"], 9001);
        assert_eq!(v["person"]["firstName"], "M****");
        assert_eq!(v["person"]["dateOfBirth"], "1967-**-**");
        assert_eq!(v["person"]["yearOfBirth"], "1967");
        assert_eq!(v["person"]["idNumber"], "***********");
        assert_eq!(v["person"]["nationality"], "EE");
        assert_eq!(v["person"]["addresses"][0]["fullAddress"], "* ******** ******");
        assert_eq!(v["person"]["addresses"][0]["parsedAddress"]["houseNumber"], "****");
        assert_eq!(v["document"]["number"], "*********");
        assert_eq!(v["document"]["type"], "ID_CARD");
        assert_eq!(masked["technicalData"]["ip"], "***.*.*.**");
        assert_eq!(
            masked["images"][0]["name"], "document-front",
            "a media name is its context"
        );
        let doc = &masked["hits"][0]["doc"];
        assert_eq!(doc["name"], "K*** S*******");
        assert_eq!(doc["aka"][0]["name"], "K. S*******");
        assert_eq!(doc["fields"][0]["name"], "Date of Birth");
        assert_eq!(doc["fields"][0]["value"], "****-**-**");
    }
}
