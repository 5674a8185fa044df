//! What Veriff's decision and reason codes mean, from its public tables
//! ("Verification session decision codes", "Granular reason codes"). A response's own
//! `reason` text always wins over this table: granular codes are switched on per
//! integration and some texts differ between sources. Codes marked unconfirmed in the
//! project's API notes are left out, so they show as their number.

use serde_json::Value;

/// `verification.code`. The status string is the authority (the docs contradict
/// themselves on 9121), so these say what the code adds to it.
pub const DECISION_CODES: &[(u64, &str)] = &[
    (9001, "verified"),
    (9102, "not verified"),
    (9103, "something was missing or unreadable"),
    (9104, "7 days passed"),
    // 9121 is left to its status word: Veriff's own pages say `review` in one
    // place and abandoned in another.
    (7001, "started"),
    (7002, "submitted"),
];

/// `verification.reasonCode`: declined 1xx and granular 5xx, resubmission 2xx.
pub const REASON_CODES: &[(u64, &str)] = &[
    (101, "physical document not used"),
    (102, "suspected document tampering"),
    (
        103,
        "person showing the document does not appear to match document photo",
    ),
    (104, "name entered does not match name on document"),
    (105, "suspicious behaviour"),
    (106, "known fraud"),
    (107, "velocity/abuse"),
    (108, "velocity/abuse duplicated end-user"),
    (109, "velocity/abuse duplicated device"),
    (110, "velocity/abuse duplicated ID"),
    (111, "session fraudulently accessed"),
    (112, "restricted IP location"),
    (113, "suspicious behaviour - identity farming"),
    (120, "person on the portrait does not appear to match reference photo"),
    (121, "user ID missing"),
    (122, "no reference found"),
    (123, "unable to pass registry checks"),
    (124, "face already exists in the face collection"),
    (126, "potential PEP match"),
    (127, "face match with blocklist"),
    (128, "end user ID mismatch"),
    (129, "invalid workflow"),
    (201, "video and/or photos missing"),
    (202, "face not clearly visible"),
    (203, "full document not visible"),
    (204, "poor image quality"),
    (205, "document damaged"),
    (206, "document type not supported"),
    (207, "document expired"),
    (208, "selfie missing"),
    (209, "document photo missing"),
    (501, "high probability of fraudulent attempt"),
    (502, "multiple parties present in session"),
    (503, "attempted deceit"),
    (504, "attempted deceit, device screen used"),
    (505, "attempted deceit, printout used"),
    (506, "presented document tampered"),
    (507, "presented document tampered, data cross reference"),
    (508, "presented document tampered, document similarity to specimen"),
    (509, "person showing the document does not match document photo"),
    (510, "presented document type not supported"),
    (511, "presented document expired"),
    (515, "attempted deceit, device screen used for face image"),
    (526, "attempted deceit, photos streamed"),
    (527, "unable to collect proof of address data"),
    (528, "proof of address issue date too old"),
    (530, "person is under 13 years old"),
    (531, "person is under 14 years old"),
    (532, "person is under 16 years old"),
    (533, "person is under 18 years old"),
    (534, "person is under 20 years old"),
    (535, "person is under 21 years old"),
    (536, "person is under 25 years old"),
    (537, "unable to perform document media portrait cropping"),
    (539, "resubmission limit exceeded"),
];

pub fn decision_meaning(code: u64) -> Option<&'static str> {
    DECISION_CODES.iter().find(|(c, _)| *c == code).map(|(_, m)| *m)
}

pub fn reason_meaning(code: u64) -> Option<&'static str> {
    REASON_CODES.iter().find(|(c, _)| *c == code).map(|(_, m)| *m)
}

/// What a decision's status asks of the person reading it, or nothing for a
/// status Veriff has not documented.
pub fn status_meaning(status: &str) -> Option<&'static str> {
    Some(match status {
        "approved" => "Veriff verified the person",
        "declined" => "Veriff refused the person",
        "resubmission_requested" => "the person is asked to try again",
        "review" => "Veriff asks a human to look before it decides",
        "expired" => "the person did not finish in time",
        "abandoned" => "the person started and left",
        "started" | "submitted" => "waiting for Veriff to decide",
        _ => return None,
    })
}

/// `9102 not verified`, or the bare number for a code the table does not know.
pub fn describe_decision(code: u64) -> String {
    match decision_meaning(code) {
        Some(meaning) => format!("{code} {meaning}"),
        None => code.to_string(),
    }
}

/// `102 suspected document tampering`: the response's reason when it has one, the
/// table's otherwise, the bare code when neither says anything. Empty without either.
pub fn describe_reason(code: Option<&Value>, reason: Option<&str>) -> String {
    let number = reason_number(code);
    let code_text = match code {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.trim().to_owned(),
        Some(other) => other.to_string(),
    };
    let meaning = reason
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .or_else(|| number.and_then(reason_meaning));
    match (code_text.is_empty(), meaning) {
        (false, Some(meaning)) => format!("{code_text} {meaning}"),
        (false, None) => code_text,
        (true, Some(meaning)) => meaning.to_owned(),
        (true, None) => String::new(),
    }
}

/// A reason code as sent: a number, or a number in a string.
fn reason_number(code: Option<&Value>) -> Option<u64> {
    match code {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    }
}

/// What a reason code says of the selfie against the document (or the face
/// collection), in plain words: the card's face line is otherwise only about
/// other sessions (a biometric link). `None` for a code that says nothing of it.
pub fn face_outcome(code: Option<&Value>) -> Option<&'static str> {
    Some(match reason_number(code)? {
        103 | 509 => "the selfie does not match the document photo",
        120 => "the selfie does not match the reference photo",
        124 => "this face is already in the face collection",
        127 => "this face matches one on the blocklist",
        202 | 606 => "face not clearly visible: not compared with the document",
        208 | 605 => "no selfie: nothing to compare with the document",
        515 => "a device screen was held up as the face",
        641 => "several faces in the picture",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The code tables of the project's API notes (docs/veriff-api.md), verbatim.
    const DOC: &str = include_str!("../../tests/fixtures/veriff-api-codes.md");

    /// `(code, meaning)` from the markdown tables of `section` (two pairs a row in the
    /// reason tables, one code with status and meaning in the decision table).
    fn doc_pairs(section: &str) -> Vec<(u64, String)> {
        let mut pairs = Vec::new();
        for line in section.lines().filter(|l| l.starts_with('|')) {
            let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
            for pair in cells.chunks(2) {
                if let [code, meaning] = pair
                    && let Ok(code) = code.parse::<u64>()
                {
                    pairs.push((code, meaning.to_string()));
                }
            }
        }
        pairs
    }

    fn section(start: &str, end: &str) -> &'static str {
        let from = DOC.find(start).unwrap_or_else(|| panic!("{start} in the doc"));
        let to = DOC[from..].find(end).map_or(DOC.len(), |i| from + i);
        &DOC[from..to]
    }

    #[test]
    fn every_reason_in_the_docs_tables_means_what_the_doc_says() {
        let tables = section("### Reason codes", "539 resubmission limit");
        let pairs = doc_pairs(tables);
        assert!(
            pairs.len() >= 29,
            "the doc's declined and resubmission tables: {pairs:?}"
        );
        for (code, meaning) in pairs {
            assert_eq!(reason_meaning(code), Some(meaning.as_str()), "reason code {code}");
        }
        assert_eq!(reason_meaning(539), Some("resubmission limit exceeded"));
    }

    #[test]
    fn every_granular_code_the_doc_confirms_is_known() {
        let prose = section("Granular, declined", "Granular, resubmission");
        let prose = prose.split_once(':').unwrap().1.replace('\n', " ");
        let mut checked = 0;
        for item in prose.split(';') {
            let item = item.trim().trim_end_matches('.');
            let Some((code, meaning)) = item.split_once(' ') else {
                continue;
            };
            if meaning.contains("unconfirmed") {
                continue;
            }
            if let Some((from, to)) = code.split_once('-') {
                // "530-536 person is under 13 / 14 / ... / 25 years old"
                let ages: Vec<&str> = meaning
                    .trim_start_matches("person is under ")
                    .trim_end_matches(" years old")
                    .split(" / ")
                    .collect();
                let (from, to): (u64, u64) = (from.parse().unwrap(), to.parse().unwrap());
                assert_eq!(ages.len() as u64, to - from + 1);
                for (code, age) in (from..=to).zip(ages) {
                    let expected = format!("person is under {age} years old");
                    assert_eq!(reason_meaning(code), Some(expected.as_str()));
                    checked += 1;
                }
            } else {
                let code: u64 = code.parse().unwrap_or_else(|_| panic!("{item}"));
                assert_eq!(reason_meaning(code), Some(meaning), "granular code {code}");
                checked += 1;
            }
        }
        assert!(checked >= 26, "{checked}");
        // Unconfirmed in the doc: shown as their number.
        assert_eq!(reason_meaning(540), None);
        assert_eq!(reason_meaning(210), None);
    }

    #[test]
    fn every_decision_code_in_the_doc_is_described_by_its_status_or_meaning() {
        let table = section("### Decision codes", "The docs contradict");
        let mut seen = 0;
        for line in table.lines().filter(|l| l.starts_with('|')) {
            let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
            for code in cells[0].split(" / ").filter_map(|c| c.parse::<u64>().ok()) {
                if code == 9121 {
                    // The doc's pages disagree: the status word says it, not us.
                    assert_eq!(describe_decision(code), "9121");
                    continue;
                }
                let ours = decision_meaning(code).unwrap_or_else(|| panic!("code {code} missing"));
                let (status, meaning) = (cells[1].replace('`', ""), cells[2]);
                assert!(
                    meaning.starts_with(ours) || status.contains(ours),
                    "{code}: {ours:?} against {status:?} / {meaning:?}"
                );
                seen += 1;
            }
        }
        assert_eq!(seen, DECISION_CODES.len());
    }

    #[test]
    fn the_responses_reason_wins_and_unknown_codes_show_as_numbers() {
        assert_eq!(
            describe_reason(Some(&json!(102)), None),
            "102 suspected document tampering"
        );
        assert_eq!(
            describe_reason(Some(&json!("102")), Some("Tampered, says the server")),
            "102 Tampered, says the server"
        );
        assert_eq!(describe_reason(Some(&json!(777)), None), "777");
        assert_eq!(describe_reason(None, Some("text only")), "text only");
        assert_eq!(describe_reason(Some(&Value::Null), None), "");
        assert_eq!(describe_decision(9102), "9102 not verified");
        assert_eq!(describe_decision(1234), "1234");
    }
}
