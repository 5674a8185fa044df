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
    fn an_inbox_list_json_line_cannot_drive_a_terminal_and_keeps_its_values(
        texts in prop::collection::vec("\\PC{0,20}|[\\x00-\\x1f\\x7f-\\u{9f}\\u{202a}-\\u{202e}\\u{2066}-\\u{2069}a]{0,20}", 4),
    ) {
        let row = veriff_tui::inbox::SessionRow {
            id: texts[0].clone(),
            status: Some(texts[1].clone()),
            vendor_data: Some(texts[2].clone()),
            person_name: Some(texts[3].clone()),
            ..Default::default()
        };
        let line = veriff_tui::cli::inbox::list_line(&row, veriff_tui::redact::Redact::default(), true).unwrap();
        prop_assert!(!line.chars().any(|c| c.is_control() || is_bidi_control(c)), "{:?}", line);
        let back: Value = serde_json::from_str(&line).unwrap();
        prop_assert_eq!(&back["id"], &Value::from(texts[0].clone()));
        prop_assert_eq!(&back["status"], &Value::from(texts[1].clone()));
        prop_assert_eq!(&back["vendorData"], &Value::from(texts[2].clone()));
        prop_assert_eq!(&back["personName"], &Value::from(texts[3].clone()));
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

mod redaction {
    //! Under `--redact`, personal-looking values under keys nobody listed, anywhere
    //! in any endpoint's answer, never print: not in `--json`, not in the browser,
    //! not in `inbox list`. Nor do personal values under listed keys where they do
    //! not have the key's shape: references that are not opaque, counts and codes
    //! that are strings or 11 digits, a person's name beside a source and a value.

    use super::*;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use veriff_tui::api::{PersonResponse, WatchlistResponse};
    use veriff_tui::cli::inbox::list_line;
    use veriff_tui::inbox::SessionRow;
    use veriff_tui::redact::{Redact, References};
    use veriff_tui::tui::app::{Cmd, Model, Msg, Pane, Payload, Req, update};
    use veriff_tui::tui::ui::{Theme, view};

    const SESSION: &str = "c0ffee00-1d3a-4b5c-9d7e-0a1b2c3d4e5f";
    const ATTEMPT: &str = "a1000003-5f2e-4c1a-9b3d-7e8f9a0b1c2d";

    /// A name, an email, a phone number, an ID code or a street: each distinctive
    /// enough that finding it in the output means it leaked.
    fn personal() -> impl Strategy<Value = String> {
        prop_oneof![
            "Q[a-z]{4,8} Z[a-z]{4,8}",
            "q[a-z]{3,6}\\.z[a-z]{3,6}@example\\.(com|org)",
            "\\+3[0-9]{2} [0-9]{4} [0-9]{4}",
            "[4-6][0-9]{10}",
            "[1-9] Q[a-z]{4,8} (Street|Lane)",
        ]
    }

    /// What the profile under test declares its references look like.
    const REFERENCES: &str = "^ORDER-[0-9]+$";

    fn redact() -> Redact {
        Redact::new(true).with_references(Some(References::compile(REFERENCES).unwrap()))
    }

    /// A vendorData or endUserId with a person in it: not a UUID, not the whole of
    /// `REFERENCES`.
    fn reference() -> impl Strategy<Value = String> {
        prop_oneof![
            personal(),
            "crm-user-q[a-z]{3,6}\\.z[a-z]{3,6}",
            "ORDER-[0-9]{1,4} Q[a-z]{4,8}",
            "ORDER-Q[a-z]{4,8}",
        ]
    }

    /// A count, size or code that is an ID code or other text: a string, or a
    /// number of 11 digits.
    fn count() -> impl Strategy<Value = Value> {
        prop_oneof![
            personal().prop_map(Value::String),
            "[4-6][0-9]{10}".prop_map(Value::String),
            (40_000_000_000u64..70_000_000_000).prop_map(Value::from),
        ]
    }

    /// Personal values under keys the allow-list names, in shapes it must refuse.
    #[derive(Debug, Clone)]
    struct Misshapen {
        reference: String,
        count: Value,
        /// A person's name beside a source and a value, outside a hit's fields.
        contact: String,
    }

    fn misshapen() -> impl Strategy<Value = Misshapen> {
        (reference(), count(), personal()).prop_map(|(reference, count, contact)| Misshapen {
            reference,
            count,
            contact,
        })
    }

    impl Misshapen {
        fn secrets(&self) -> Vec<String> {
            let count = match &self.count {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            vec![self.reference.clone(), count, self.contact.clone()]
        }
    }

    /// Puts the misshapen values under their listed keys in every object of `answer`.
    fn plant_misshapen(answer: &mut Value, planted: &Misshapen) {
        match answer {
            Value::Object(map) => {
                map.values_mut().for_each(|v| plant_misshapen(v, planted));
                for key in ["vendorData", "endUserId", "matchedSessionVendorData"] {
                    map.insert(key.to_owned(), Value::from(planted.reference.clone()));
                }
                for key in [
                    "code",
                    "reasonCode",
                    "statusCode",
                    "size",
                    "duration",
                    "score",
                    "totalHits",
                    "numberOfMatches",
                ] {
                    map.insert(key.to_owned(), planted.count.clone());
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| plant_misshapen(v, planted)),
            _ => {}
        }
        if let Value::Object(map) = answer {
            map.insert(
                "contacts".to_owned(),
                serde_json::json!([{"name": planted.contact, "source": "crm", "value": "x"}]),
            );
        }
    }

    /// JSON whose keys are no field Veriff documents (all start with `zz`) and
    /// whose leaves are personal, nested in objects and arrays.
    fn planted() -> impl Strategy<Value = Value> {
        let leaf = personal().prop_map(Value::String);
        leaf.prop_recursive(3, 12, 3, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 1..3).prop_map(Value::Array),
                prop::collection::btree_map("zz[a-zA-Z_]{1,8}", inner, 1..3)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    fn leaves(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::String(s) => out.push(s.clone()),
            Value::Array(items) => items.iter().for_each(|v| leaves(v, out)),
            Value::Object(map) => map.values().for_each(|v| leaves(v, out)),
            _ => {}
        }
    }

    /// Puts `extra` under `key` in every object of `answer`.
    fn plant(answer: &mut Value, key: &str, extra: &Value) {
        match answer {
            Value::Object(map) => {
                map.values_mut().for_each(|v| plant(v, key, extra));
                map.insert(key.to_owned(), extra.clone());
            }
            Value::Array(items) => items.iter_mut().for_each(|v| plant(v, key, extra)),
            _ => {}
        }
    }

    fn answers() -> [(&'static str, Value); 5] {
        [
            (
                "decision",
                serde_json::json!({"status": "success", "verification": {
                "id": SESSION, "attemptId": ATTEMPT, "status": "declined", "code": 9102, "reasonCode": 102,
                "decisionTime": "2026-11-28T14:21:37.204Z", "vendorData": "ticket-1",
                "person": {"firstName": "X", "addresses": [{"parsedAddress": {"city": "X"}}]},
                "document": {"type": "PASSPORT", "country": "EE"},
                "riskLabels": [{"label": "x", "category": "person", "sessionIds": [SESSION]}],
                "biometricAuthentication": {"matchedSessionId": SESSION},
                "comments": [{"type": "note"}], "additionalVerifiedData": {}},
                "technicalData": {}}),
            ),
            (
                "person",
                serde_json::json!({"status": "success", "person": {"id": "p1",
                "pepSanctionMatches": [{"provider": "P", "hits": [{"doc": {"fields": [{"name": "n"}]}}]}]}}),
            ),
            (
                "watchlist",
                serde_json::json!({"status": "success", "data": {"matchStatus": "possible_match",
                "searchTerm": {}, "hits": [{"matchTypes": ["name_fuzzy"], "listingsRelatedToMatch": {"pep": [{}]}}]}}),
            ),
            (
                "attempts",
                serde_json::json!({"status": "success", "verifications": [
                {"id": ATTEMPT, "status": "approved", "createdTime": "2026-11-20T10:42:05.000Z"}]}),
            ),
            (
                "media",
                serde_json::json!({"status": "success",
                "images": [{"id": "m1", "context": "document-front", "mimetype": "image/jpeg", "size": 10}],
                "nfcDocuments": [{"id": "n1", "context": "document-nfc", "mimetype": "application/json", "size": 10}]}),
            ),
        ]
    }

    /// The browser with redaction on, fed these answers as the effects would,
    /// drawn with every pane focused in turn.
    fn frames(answers: &[(&str, Value)], nfc: &Value, redact: Redact) -> String {
        let get = |name: &str| answers.iter().find(|(n, _)| *n == name).unwrap().1.clone();
        let (mut model, mut cmds) = Model::new("h".into(), None).start(vec![SESSION.into()], vec![]);
        let _ = update(&mut model, Msg::Redaction(redact));
        let _ = update(&mut model, Msg::Resize { width: 160, height: 45 });
        let mut out = String::new();
        let mut draw = |model: &Model| {
            let mut terminal = Terminal::new(TestBackend::new(160, 45)).unwrap();
            terminal.draw(|f| view(model, &Theme { color: false }, f)).unwrap();
            let buffer = terminal.backend().buffer().clone();
            out.extend(buffer.content().iter().map(|c| c.symbol().to_owned()));
        };
        for _ in 0..6 {
            let mut next = Vec::new();
            for cmd in cmds {
                let Cmd::Load { id, req, .. } = cmd else { continue };
                let payload = match &req {
                    Req::Attempts(_) => Payload::Attempts(
                        serde_json::from_value::<AttemptList>(get("attempts"))
                            .unwrap()
                            .verifications,
                    ),
                    Req::Decision(_) => Payload::Decision(
                        serde_json::from_value::<DecisionResponse>(get("decision"))
                            .unwrap()
                            .into_decision(),
                    ),
                    Req::Person(_) => {
                        Payload::Person(serde_json::from_value::<PersonResponse>(get("person")).unwrap().person)
                    }
                    Req::Watchlist(_) => Payload::Watchlist(
                        serde_json::from_value::<WatchlistResponse>(get("watchlist"))
                            .unwrap()
                            .data,
                    ),
                    Req::Media(..) | Req::SessionMedia(_) => {
                        Payload::Media(serde_json::from_value::<MediaList>(get("media")).unwrap())
                    }
                    Req::Nfc(..) => Payload::Nfc(nfc.clone()),
                    Req::Preview { .. } | Req::Remembered | Req::Inbox(_) | Req::MarkLog(_) => continue,
                };
                let reply = Msg::Loaded {
                    id,
                    req,
                    result: Ok(payload),
                };
                next.extend(update(&mut model, reply));
            }
            cmds = next;
            for pane in [Pane::Sessions, Pane::Attempts, Pane::Media] {
                model.focus = pane;
                draw(&model);
            }
            // The NFC row: the chip data is read when selected.
            model.focus = Pane::Media;
            cmds.extend(update(
                &mut model,
                Msg::Key(crossterm::event::KeyEvent::from(crossterm::event::KeyCode::Char('j'))),
            ));
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        #[test]
        fn personal_values_under_unknown_keys_never_print_under_redact(
            extra in planted(),
            key in "zz[a-zA-Z_]{1,8}",
            misshapen in misshapen(),
        ) {
            let mut secrets = Vec::new();
            leaves(&extra, &mut secrets);
            secrets.extend(misshapen.secrets());
            let redact = redact();
            let mut planted_answers = answers();
            for (_, answer) in planted_answers.iter_mut() {
                plant_misshapen(answer, &misshapen);
                plant(answer, &key, &extra);
                let printed = serde_json::to_string(&redact.json(answer.clone())).unwrap();
                for secret in &secrets {
                    prop_assert!(!printed.contains(secret.as_str()), "{secret} in {printed}");
                }
            }
            let mut nfc = serde_json::json!({"documentType": "P"});
            plant_misshapen(&mut nfc, &misshapen);
            plant(&mut nfc, &key, &extra);
            let drawn = frames(&planted_answers, &nfc, redact);
            for secret in &secrets {
                let words = secret.split(|c: char| !c.is_alphanumeric()).filter(|w| w.len() >= 5);
                for part in std::iter::once(secret.as_str()).chain(words) {
                    prop_assert!(!drawn.contains(part), "{part} drawn:\n{}", lines_with(&drawn, part));
                }
            }
            // `inbox list`, its table and its --json, of a row made of them.
            let misshapen_code = misshapen.count.as_i64();
            let row = SessionRow {
                id: SESSION.to_owned(),
                status: Some(secrets[0].clone()),
                code: misshapen_code,
                reason_code: misshapen_code,
                reason: Some(secrets[0].clone()),
                vendor_data: Some(misshapen.reference.clone()),
                end_user_id: Some(misshapen.reference.clone()),
                person_name: Some(misshapen.contact.clone()),
                document_number: Some(secrets[0].clone()),
                watchlist_status: Some(misshapen.contact.clone()),
                ..SessionRow::default()
            };
            for json in [false, true] {
                let line = list_line(&row, redact, json).unwrap();
                for secret in secrets.iter().filter(|s| row_holds(&row, s)) {
                    prop_assert!(!line.contains(secret.as_str()), "{secret} in inbox list: {line}");
                }
                prop_assert!(line.contains(SESSION), "the session's id is shown: {line}");
            }
            // Without redaction the same answers and row do show them: the checks can fail.
            let shown = serde_json::to_string(&planted_answers[0].1).unwrap();
            prop_assert!(secrets.iter().all(|s| shown.contains(s.as_str())));
            let plain = list_line(&row, Redact::default(), true).unwrap();
            prop_assert!(plain.contains(secrets[0].as_str()), "{plain}");
        }
    }

    /// The frames' lines (160 cells each) that hold `part`, to say where it leaked.
    fn lines_with(drawn: &str, part: &str) -> String {
        let cells: Vec<char> = drawn.chars().collect();
        let lines = cells.chunks(160).map(|line| line.iter().collect::<String>());
        lines.filter(|line| line.contains(part)).collect::<Vec<_>>().join("\n")
    }

    /// Whether `secret` is one of `row`'s values (the planted count is one only
    /// when it is a number).
    fn row_holds(row: &SessionRow, secret: &str) -> bool {
        let texts = [&row.status, &row.reason, &row.vendor_data, &row.person_name];
        texts.iter().any(|t| t.as_deref() == Some(secret)) || row.code.is_some_and(|c| c.to_string() == secret)
    }

    #[test]
    fn a_reference_of_the_declared_shape_and_a_hits_field_label_still_show() {
        let redact = redact();
        let answer = serde_json::json!({"vendorData": "ORDER-2291", "endUserId": SESSION, "code": 9102, "size": 1024,
            "doc": {"fields": [{"name": "Date of Birth", "source": "register", "value": "1990-07-21"}]}});
        let masked = redact.json(answer.clone());
        let expected = serde_json::json!({"vendorData": "ORDER-2291", "endUserId": SESSION, "code": 9102, "size": 1024,
            "doc": {"fields": [{"name": "Date of Birth", "source": "register", "value": "1990-**-**"}]}});
        assert_eq!(masked, expected);
        let row = SessionRow {
            id: SESSION.to_owned(),
            status: Some("declined".to_owned()),
            code: Some(9102),
            vendor_data: Some("ORDER-2291".to_owned()),
            ..SessionRow::default()
        };
        let line = list_line(&row, redact, false).unwrap();
        for shown in ["declined", "9102", "ORDER-2291", SESSION] {
            assert!(line.contains(shown), "{shown}: {line}");
        }
    }
}
