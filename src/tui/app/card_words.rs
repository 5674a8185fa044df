//! The card's small texts: a time as read, verified data at a glance, a
//! watchlist hit's review, parts joined with ` · `.

use super::card::Tone;

/// `2026-11-28T14:21:37.204Z` as `2026-11-28 14:21:37 UTC` (3 or 6 fractional
/// digits alike); other text as it came.
pub(super) fn when(time: &str) -> String {
    // Only ASCII up to the seconds can be cut there: the text is the server's.
    match (time.get(..10), time.get(10..11), time.get(11..19)) {
        (Some(date), Some("T"), Some(clock)) if time[..19].is_ascii() => {
            let utc = if time.ends_with('Z') { " UTC" } else { "" };
            format!("{date} {clock}{utc}")
        }
        _ => time.to_owned(),
    }
}

/// What `additionalVerifiedData` adds that a person reads at a glance: the
/// licence categories held and the estimated age. Other keys stay in `--json`.
pub(super) fn additional_verified(data: &serde_json::Value) -> String {
    let mut categories: Vec<String> = data
        .get("driversLicenseCategory")
        .and_then(|c| c.as_object())
        .map(|c| {
            c.iter()
                .filter(|(_, held)| held.as_bool() == Some(true))
                .map(|(name, _)| name.clone())
                .collect()
        })
        .unwrap_or_default();
    categories.sort();
    let age = match data.get("estimatedAge") {
        Some(serde_json::Value::Number(n)) => format!("estimated age {n}"),
        Some(serde_json::Value::String(s)) if !s.is_empty() => format!("estimated age {s}"),
        _ => String::new(),
    };
    let licence = if categories.is_empty() {
        String::new()
    } else {
        format!("licence categories {}", categories.join(" "))
    };
    joined(&[licence, age])
}

/// A card line's text, in parts.
pub(super) type Parts = Vec<(String, Tone)>;

/// A watchlist hit's review, as parts after its name: Veriff's (`status`, in
/// words `said`), or this browser's `mine` while Veriff's answer does not show it
/// yet; then, for `mine`, a line of its own (a narrow card cuts a long line):
/// `reviewed by you at 14:02 UTC`, with what Veriff still says.
pub(super) fn hit_review(
    status: Option<&str>,
    said: &str,
    mine: Option<&super::store::Reviewed>,
) -> (Parts, Option<Parts>) {
    let tone = |status: &str| match status {
        "false_positive" => Tone::Good,
        _ => Tone::Warn,
    };
    let Some(mine) = mine else {
        return match status {
            Some(status) => (vec![(format!(" · {said}"), tone(status))], None),
            None => (Vec::new(), None),
        };
    };
    let words = mine.review.match_status.replace('_', " ");
    let whitelisting = match mine.review.whitelisted {
        Some(true) => " · whitelisted",
        Some(false) => " · off the whitelist",
        None => "",
    };
    let at = mine.at.as_ref().map(|at| format!(" at {at}")).unwrap_or_default();
    let mut note = vec![(format!("reviewed by you{at}"), Tone::Dim)];
    if !said.is_empty() {
        note.push((format!(" · Veriff still says {said}"), Tone::Dim));
    }
    (
        vec![(format!(" · {words}{whitelisting}"), tone(&mine.review.match_status))],
        Some(note),
    )
}

/// Non-empty texts joined with ` · `.
pub(super) fn joined(parts: &[String]) -> String {
    parts
        .iter()
        .filter(|p| !p.trim().is_empty())
        .cloned()
        .collect::<Vec<_>>()
        .join(" · ")
}
