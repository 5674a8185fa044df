//! What the Station API returns, parsed as tolerantly as Veriff's compatibility rules
//! require: unknown fields are kept (and echoed by `--json`), missing arrays are empty,
//! numbers may arrive as numeric strings, and ids are opaque text.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

/// `GET /v1/sessions/{id}/attempts`
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct AttemptList {
    #[serde(default)]
    pub status: Option<String>,
    /// Newest first, as the API returns them.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub verifications: Vec<Attempt>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
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
pub struct MediaList {
    #[serde(default)]
    pub status: Option<String>,
    /// Best first (accuracy and quality): the order is meaningful and kept.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub images: Vec<Media>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub videos: Vec<Media>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl MediaList {
    /// Images then videos, each in the API's order, tagged with their kind.
    pub fn items(&self) -> impl Iterator<Item = (MediaKind, &Media)> {
        let images = self.images.iter().map(|m| (MediaKind::Image, m));
        images.chain(self.videos.iter().map(|m| (MediaKind::Video, m)))
    }

    pub fn len(&self) -> usize {
        self.images.len() + self.videos.len()
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
}

impl MediaKind {
    pub fn label(self) -> &'static str {
        match self {
            MediaKind::Image => "image",
            MediaKind::Video => "video",
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
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct DecisionResponse {
    #[serde(default)]
    pub status: Option<String>,
    /// `null` until Veriff has decided.
    #[serde(default)]
    pub verification: Option<Decision>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Decision {
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
    #[serde(flatten)]
    pub extra: Map<String, Value>,
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

fn null_as_empty<'de, D, T>(de: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(de)?.unwrap_or_default())
}

/// A number that may arrive as a JSON number or as a numeric string. Anything else
/// (text, a negative or fractional size, an object) makes this one field unknown:
/// one odd value must not cost the person the whole listing.
fn numeric<'de, D: Deserializer<'de>>(de: D) -> Result<Option<f64>, D::Error> {
    let number = match Option::<Value>::deserialize(de)? {
        Some(Value::Number(n)) => n.as_f64(),
        Some(Value::String(s)) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    Ok(number.filter(|n| n.is_finite() && *n >= 0.0))
}

fn flexible_f64<'de, D: Deserializer<'de>>(de: D) -> Result<Option<f64>, D::Error> {
    numeric(de)
}

fn flexible_u64<'de, D: Deserializer<'de>>(de: D) -> Result<Option<u64>, D::Error> {
    Ok(numeric(de)?
        .filter(|n| n.fract() == 0.0 && *n <= u64::MAX as f64)
        .map(|n| n as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

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
