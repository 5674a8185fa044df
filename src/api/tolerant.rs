//! The tolerant parts every model is read with: numbers that may arrive as
//! numeric strings, text that may arrive as another scalar, lists that may be
//! null. One odd value makes its field unknown, never the answer unreadable.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// A list that may be `null` or missing: empty.
pub(crate) fn null_as_empty<'de, D, T>(de: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(de)?.unwrap_or_default())
}

/// A number that may arrive as a JSON number or as a numeric string. Anything else
/// (text, a negative or fractional size, an object) makes this one field unknown:
/// one odd value must not cost the person the whole listing.
pub(crate) fn numeric<'de, D: Deserializer<'de>>(de: D) -> Result<Option<f64>, D::Error> {
    let number = match Option::<Value>::deserialize(de)? {
        Some(Value::Number(n)) => n.as_f64(),
        Some(Value::String(s)) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    Ok(number.filter(|n| n.is_finite() && *n >= 0.0))
}

pub(crate) fn flexible_f64<'de, D: Deserializer<'de>>(de: D) -> Result<Option<f64>, D::Error> {
    numeric(de)
}

pub(crate) fn flexible_u64<'de, D: Deserializer<'de>>(de: D) -> Result<Option<u64>, D::Error> {
    Ok(numeric(de)?
        .filter(|n| n.fract() == 0.0 && *n <= u64::MAX as f64)
        .map(|n| n as u64))
}

/// Text that may arrive as a string or as another scalar (a number, a boolean):
/// shown as it came. The string `"null"` stays the text `null`.
pub(crate) fn flexible_text<'de, D: Deserializer<'de>>(de: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(de)? {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s),
        Some(other) => Some(other.to_string()),
    })
}

/// A list of texts; null or missing is empty, a lone scalar is a list of one.
pub(crate) fn flexible_texts<'de, D: Deserializer<'de>>(de: D) -> Result<Vec<String>, D::Error> {
    let text = |v: Value| match v {
        Value::String(s) => s,
        other => other.to_string(),
    };
    Ok(match Option::<Value>::deserialize(de)? {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items.into_iter().filter(|v| !v.is_null()).map(text).collect(),
        Some(other) => vec![text(other)],
    })
}
