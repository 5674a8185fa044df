//! Properties that must hold for any input a server or a person can produce:
//! ids found in pasted text, file names that stay in their folder, text that cannot
//! drive a terminal, parsing that never panics, and signatures that verify exactly.

use std::path::{Component, Path};

use proptest::prelude::*;
use serde_json::Value;
use veriff_tui::api::{AttemptList, DecisionResponse, MediaList, Secret, names};
use veriff_tui::ids::find_id;
use veriff_tui::text::{clean, clean_short, is_bidi_control};

/// Any JSON value, nested a few levels, with text from all of Unicode.
fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        ".{0,12}".prop_map(Value::String),
        "-?[0-9]{1,6}(\\.[0-9]{1,3})?".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("id".to_owned()),
                    Just("size".to_owned()),
                    Just("duration".to_owned()),
                    Just("images".to_owned()),
                    Just("videos".to_owned()),
                    Just("verifications".to_owned()),
                    Just("verification".to_owned()),
                    Just("code".to_owned()),
                    Just("reasonCode".to_owned()),
                    ".{0,8}",
                ],
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn veriff_id() -> impl Strategy<Value = String> {
    "[0-9a-zA-Z]{8}-[0-9a-zA-Z]{4}-[0-9a-zA-Z]{4}-[0-9a-zA-Z]{4}-[0-9a-zA-Z]{12}"
}

proptest! {
    #[test]
    fn an_id_is_found_in_any_text_around_it(
        id in veriff_id(),
        before in "[ /:?=#,.\\t\\n]{0,20}",
        after in "[ /:?=#,.\\t\\n]{0,20}",
    ) {
        let pasted = format!("{before}{id}{after}");
        prop_assert_eq!(find_id(&pasted).unwrap(), id.to_ascii_lowercase());
        let link = format!("https://station.veriff.com/verifications/{id}?tab=media{after}");
        prop_assert_eq!(find_id(&link).unwrap(), id.to_ascii_lowercase());
    }

    #[test]
    fn whatever_find_id_returns_is_id_shaped_and_was_in_the_text(text in "\\PC{0,80}") {
        if let Ok(id) = find_id(&text) {
            prop_assert_eq!(id.len(), 36);
            prop_assert!(text.to_ascii_lowercase().contains(&id));
        }
    }

    #[test]
    fn file_names_never_leave_their_folder(
        parts in prop::collection::vec("\\PC{0,40}|\\.\\.|/|\\x1b\\[2J|[./\\\\]{1,6}", 0..5),
        mimetype in prop::option::of("\\PC{0,30}|image/\\.\\./\\.\\."),
    ) {
        let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
        let name = names::file_name(&parts, mimetype.as_deref());
        prop_assert!(!name.is_empty());
        prop_assert!(!name.starts_with('.'), "{}", name);
        prop_assert!(!name.chars().any(|c| c.is_control() || c == '/' || c == '\\'), "{:?}", name);
        let dir = Path::new("/downloads/case");
        let joined = dir.join(&name);
        prop_assert_eq!(joined.parent(), Some(dir));
        prop_assert!(joined.components().all(|c| !matches!(c, Component::ParentDir)));
        let component = names::safe_component(parts.first().copied().unwrap_or_default());
        prop_assert!(!component.is_empty() && !component.starts_with('.') && !component.contains('/'));
    }

    #[test]
    fn cleaned_text_cannot_drive_a_terminal(text in "\\PC{0,60}|[\\x00-\\x1f\\x7f-\\u{9f}\\u{202a}-\\u{202e}\\u{2066}-\\u{2069}a]{0,40}", max in 1usize..50) {
        let shown = clean(&text);
        prop_assert!(!shown.chars().any(|c| c.is_control() || is_bidi_control(c)), "{:?}", shown);
        prop_assert_eq!(clean(&shown), shown.clone(), "cleaning twice changes nothing");
        let short = clean_short(&text, max);
        prop_assert!(short.chars().count() <= max);
        prop_assert!(!short.chars().any(|c| c.is_control() || is_bidi_control(c)));
    }

    #[test]
    fn parsing_any_json_never_panics(value in json()) {
        let text = value.to_string();
        let _ = serde_json::from_str::<MediaList>(&text);
        let _ = serde_json::from_str::<AttemptList>(&text);
        let _ = serde_json::from_str::<DecisionResponse>(&text);
        let _ = serde_json::from_value::<MediaList>(value.clone());
        // And what parses serialises again (what --json prints).
        if let Ok(list) = serde_json::from_value::<MediaList>(value) {
            prop_assert!(serde_json::to_string(&list).is_ok());
        }
    }

    #[test]
    fn any_media_object_with_an_id_parses_whatever_its_numbers(
        size in json(),
        duration in json(),
        extra in json(),
    ) {
        let media = serde_json::json!({"id": "m", "size": size, "duration": duration, "extra": extra});
        let list = serde_json::json!({"images": [media.clone()], "videos": [media]});
        let parsed: MediaList = serde_json::from_value(list).unwrap();
        prop_assert_eq!(parsed.len(), 2);
    }

    #[test]
    fn a_signature_verifies_its_message_and_nothing_else(
        secret in "\\PC{1,40}",
        message in prop::collection::vec(any::<u8>(), 0..200),
        flip in any::<prop::sample::Index>(),
        bit in 0u8..8,
        other in "[0-9a-f]{64}",
    ) {
        let secret = Secret::new(secret);
        let signature = secret.sign(&message);
        prop_assert!(secret.verifies(&message, &signature));
        prop_assert!(secret.verifies(&message, &signature.to_ascii_uppercase()), "hex in either case");
        if !message.is_empty() {
            let mut altered = message.clone();
            let i = flip.index(altered.len());
            altered[i] ^= 1 << bit;
            prop_assert!(!secret.verifies(&altered, &signature));
        }
        let mut forged = signature.clone().into_bytes();
        let i = flip.index(forged.len());
        forged[i] = if forged[i] == b'0' { b'1' } else { b'0' };
        prop_assert!(!secret.verifies(&message, std::str::from_utf8(&forged).unwrap()));
        prop_assert!(other == signature || !secret.verifies(&message, &other));
        prop_assert!(!secret.verifies(&message, "not hex"));
        prop_assert!(!Secret::new("another secret").verifies(&message, &signature));
    }
}
