//! The triage card's content: the selected session's verdict, person, document,
//! risks, watchlist and references as lines of labelled parts, masked when
//! redaction is on. The view draws these lines; building them here keeps the
//! drawing pure and lets `update` know how far the details can scroll.

use super::card_words::{Parts, additional_verified, hit_review, joined, when};
use super::model::Model;
use super::msg::Load;
use crate::api::{Decision, MediaKind};
use crate::tui::keymap::Action;

/// How a part of a card line is drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tone {
    Plain,
    /// Coloured as the attempts pane colours this status.
    Outcome(String),
    /// Worth a second look: an expired document, a possible watchlist match.
    Warn,
    Good,
    Dim,
    Error,
}

/// One line of the triage card: a label and its text in parts. `section` groups
/// lines that stay together when the card is laid out in two columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardLine {
    pub section: u8,
    pub label: &'static str,
    pub parts: Vec<(String, Tone)>,
}

impl Model {
    /// Why Veriff wants a human to look at the selected session: what its
    /// decision and screening carry (each shown in full further down the card),
    /// or that it gave no reason.
    fn why_review(&self, d: &Decision, has_reason: bool) -> Parts {
        let mut carries = Vec::new();
        if has_reason {
            carries.push("its reason".to_owned());
        }
        if !d.risk_labels.is_empty() {
            carries.push(crate::text::counted(d.risk_labels.len(), "risk label"));
        }
        if let Some(Load::Ready(Some(w))) = self.selected_session().and_then(|s| self.store.watchlist(s))
            && w.match_status.as_deref().is_some_and(|m| m != "no_match")
        {
            let status = w.match_status.as_deref().unwrap_or_default().replace('_', " ");
            carries.push(format!("a watchlist {status}"));
        }
        if d.additional_verified_data
            .as_ref()
            .is_some_and(|v| !additional_verified(v).is_empty())
        {
            carries.push("verified data".to_owned());
        }
        if d.biometric_authentication
            .as_ref()
            .is_some_and(|b| b.matched_session_id.is_some())
        {
            carries.push("a face seen before".to_owned());
        }
        if carries.is_empty() {
            return vec![(
                "Veriff asked for a human review and gave no reason".to_owned(),
                Tone::Warn,
            )];
        }
        vec![(format!("Veriff points at {}, below", carries.join(", ")), Tone::Warn)]
    }

    /// The decision of the selected session, once known.
    pub fn selected_decision(&self) -> Option<&Decision> {
        match self.store.decision(self.selected_session()?) {
            Some(Load::Ready(Some(decision))) => Some(decision),
            _ => None,
        }
    }

    /// Sessions the selected one's decision links to, with why.
    pub fn linked_sessions(&self) -> &[(String, String)] {
        self.selected_decision().map_or(&[], Decision::linked_sessions)
    }

    /// The triage card of the selected session, in the order: verdict,
    /// person, document, risks and face match, watchlist, references. Under
    /// redaction the answers were masked as they arrived (`update`), so only what
    /// the allow-list shows is here; nothing here is cleaned yet (the view does
    /// that, like everything it draws).
    pub fn card(&self) -> Vec<CardLine> {
        let Some(session) = self.selected_session() else {
            return Vec::new();
        };
        let r = self.redact;
        let mut lines = Vec::new();
        let mut push = |section: u8, label: &'static str, parts: Vec<(String, Tone)>| {
            lines.push(CardLine { section, label, parts })
        };
        let text = |s: String| vec![(s, Tone::Plain)];
        let dim = |s: &str| vec![(s.to_owned(), Tone::Dim)];
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();

        // What the inbox's row says came from an archive, not a webhook Veriff signed.
        if self.inbox_row(session).is_some_and(|row| row.index.imported) {
            let why = format!(
                "{}: from an archive, no Veriff signature checked",
                crate::inbox::IMPORTED
            );
            push(0, "inbox", vec![(why, Tone::Warn)]);
        }

        let decision = match self.store.decision(session) {
            Some(Load::Ready(Some(d))) => {
                let status = d.status.clone().unwrap_or_else(|| "?".into());
                let mut verdict = vec![(status.clone(), Tone::Outcome(status))];
                if let Some(code) = d.code {
                    verdict.push((
                        format!(" · {}", crate::api::codes::describe_decision(code)),
                        Tone::Plain,
                    ));
                }
                // What the status asks of the reader, in words: the status word is
                // the authority, not the code.
                if let Some(meaning) = d.status.as_deref().and_then(crate::api::codes::status_meaning) {
                    verdict.push((format!(" · {meaning}"), Tone::Dim));
                }
                push(0, "verdict", verdict);
                // Under redaction the reason's free text is gone: the code table says it.
                let said = if r.on { None } else { d.reason_text() };
                let reason = crate::api::codes::describe_reason(d.reason_code.as_ref(), said);
                if !reason.is_empty() {
                    push(0, "reason", text(reason.clone()));
                }
                if d.status.as_deref() == Some("review") {
                    push(0, "why", self.why_review(d, !reason.is_empty()));
                }
                if let Some(time) = &d.decision_time {
                    push(0, "decided", text(when(time)));
                }
                Some(d)
            }
            Some(Load::Ready(None)) => {
                push(0, "verdict", dim("no decision yet"));
                None
            }
            Some(Load::Failed(e)) => {
                push(
                    0,
                    "verdict",
                    vec![(
                        match self.brief(&e.message) {
                            // What to fix, in one line: that it is the verdict the label says.
                            Some(brief) => brief,
                            None => format!("decision failed: {}", e.message),
                        },
                        Tone::Error,
                    )],
                );
                None
            }
            _ => {
                push(0, "verdict", dim("loading…"));
                None
            }
        };

        // The team's marks in the inbox, beside the verdict they are about.
        let at = |ms: Option<i64>| {
            ms.map(|ms| super::dates::short_time(&crate::time::format_time_ms(ms), self.this_year, 16))
                .unwrap_or_default()
        };
        if let Some(marks) = self.inbox_row(session).map(|row| &row.marks).filter(|m| !m.is_empty()) {
            let mut parts = Vec::new();
            if let Some(by) = &marks.claimed_by {
                parts.push((format!("claimed by {by} {}", at(marks.claimed_ms)), Tone::Warn));
            }
            if let Some(tag) = &marks.tag {
                let by = marks.tag_by.as_deref().unwrap_or("?");
                parts.push((format!("{tag} ({by})"), Tone::Plain));
            }
            if let Some(note) = &marks.note {
                let by = marks.note_by.as_deref().unwrap_or("?");
                parts.push((format!("“{note}” ({by} {})", at(marks.note_ms)), Tone::Plain));
            }
            let mut joined_parts = Vec::new();
            for (i, part) in parts.into_iter().enumerate() {
                if i > 0 {
                    joined_parts.push((" · ".to_owned(), Tone::Dim));
                }
                joined_parts.push(part);
            }
            push(0, "team", joined_parts);
        }
        // Who changed them, and when: masked as it arrived under redaction.
        match self.store.mark_log(session) {
            Some(Load::Ready(log)) => {
                for (i, change) in log.iter().take(super::inbox::HISTORY_ON_CARD).enumerate() {
                    push(
                        0,
                        if i == 0 { "history" } else { "" },
                        vec![
                            (format!("{} {} ", at(Some(change.at_ms)), change.who), Tone::Dim),
                            (change.said(), Tone::Plain),
                        ],
                    );
                }
                if log.len() > super::inbox::HISTORY_ON_CARD {
                    push(0, "", dim("older changes: veriff-tui inbox log SESSION"));
                }
            }
            Some(Load::Failed(e)) => push(0, "history", dim(&format!("unavailable: {}", e.message))),
            _ => {}
        }

        // The decision's person, filled in from the person route where it is silent.
        let from_route = match self.store.person(session) {
            Some(Load::Ready(Some(p))) => Some(p),
            _ => None,
        };
        let from_decision = decision.and_then(|d| d.person.as_ref());
        let pick = |a: Option<&Option<String>>, b: Option<&Option<String>>| {
            a.and_then(Clone::clone).or_else(|| b.and_then(Clone::clone))
        };
        let first = pick(from_decision.map(|p| &p.first_name), from_route.map(|p| &p.first_name));
        let last = pick(from_decision.map(|p| &p.last_name), from_route.map(|p| &p.last_name));
        let name = joined(&[opt(&first), opt(&last)]).replace(" · ", " ");
        let born = pick(
            from_decision.map(|p| &p.date_of_birth),
            from_route.map(|p| &p.date_of_birth),
        )
        .or_else(|| from_decision.and_then(|p| p.year_of_birth.clone()));
        let nationality = pick(
            from_decision.map(|p| &p.nationality),
            from_route.map(|p| &p.nationality),
        );
        let id_number = pick(from_decision.map(|p| &p.id_number), from_route.map(|p| &p.id_code));
        let person = joined(&[
            name,
            born.map(|b| format!("born {b}")).unwrap_or_default(),
            opt(&nationality),
            id_number.map(|n| format!("ID {n}")).unwrap_or_default(),
        ]);
        match (person.is_empty(), self.store.person(session)) {
            (false, _) => push(1, "person", text(person)),
            (true, Some(Load::Loading(_))) => push(1, "person", dim("loading…")),
            (true, _) => push(1, "person", dim("no person data")),
        }
        for provider in from_route
            .map(|p| p.pep_sanction_matches.as_slice())
            .unwrap_or_default()
        {
            let count = provider.number_of_matches.unwrap_or(provider.hits.len() as u64);
            let names: Vec<String> = provider.hits.iter().filter_map(|h| h.name()).collect();
            push(
                1,
                "",
                vec![(
                    joined(&[
                        format!("PEP/sanctions: {count} by {}", opt(&provider.provider)),
                        names.join(", "),
                    ]),
                    Tone::Warn,
                )],
            );
        }

        if let Some(doc) = decision.and_then(|d| d.document.as_ref()) {
            let mut parts = vec![(
                joined(&[
                    opt(&doc.kind),
                    opt(&doc.country),
                    opt(&doc.number),
                    doc.valid_until
                        .as_ref()
                        .map(|v| format!("valid until {v}"))
                        .unwrap_or_default(),
                ]),
                Tone::Plain,
            )];
            if doc.expired_at(decision.and_then(|d| d.decision_time.as_deref())) == Some(true) {
                parts.push((" · EXPIRED at decision".into(), Tone::Warn));
            }
            match doc.nfc_validated.as_deref() {
                Some("true") => parts.push((" · NFC validated".into(), Tone::Good)),
                Some("false") => parts.push((" · NFC not validated".into(), Tone::Dim)),
                _ => {}
            }
            push(2, "document", parts);
        } else if decision.is_some() {
            push(2, "document", dim("no document data"));
        }
        if let Some(verified) = decision.and_then(|d| d.additional_verified_data.as_ref()) {
            let verified = additional_verified(verified);
            if !verified.is_empty() {
                push(2, "verified", text(verified));
            }
        }

        if let Some(d) = decision {
            for (i, label) in d.risk_labels.iter().enumerate() {
                let links = match label.session_ids.len() {
                    0 => String::new(),
                    n => format!(" · {n} linked"),
                };
                // `document: integration level crosslinked with fraud`: the category
                // first, and not said twice when the label starts with it.
                let humanised = label.humanised();
                let (category, rest) = match label.category.as_deref() {
                    Some(category) => {
                        let rest = humanised.strip_prefix(category).map(str::trim_start);
                        (format!("{category}: "), rest.unwrap_or(&humanised).to_owned())
                    }
                    None => (String::new(), humanised.clone()),
                };
                push(
                    3,
                    if i == 0 { "risks" } else { "" },
                    vec![(category, Tone::Plain), (rest, Tone::Warn), (links, Tone::Plain)],
                );
            }
            if d.risk_labels.is_empty() {
                push(3, "risks", dim("no risk labels"));
            }
            // The selfie against the document, where the decision's reason says it.
            if let Some(outcome) = crate::api::codes::face_outcome(d.reason_code.as_ref()) {
                push(3, "selfie", vec![(outcome.to_owned(), Tone::Error)]);
            }
            match d.biometric_authentication.as_ref() {
                Some(b) if b.matched_session_id.is_some() => {
                    let id = opt(&b.matched_session_id);
                    let vendor = b
                        .matched_session_vendor_data
                        .as_ref()
                        .map(|v| format!(" ({v})"))
                        .unwrap_or_default();
                    // A biometric link: this face was seen in another session. It
                    // says nothing of the selfie against the document.
                    push(
                        3,
                        "face",
                        vec![(format!("same face as session {id}{vendor}"), Tone::Warn)],
                    );
                }
                Some(_) => push(3, "face", dim("seen in no other session")),
                None => {}
            }
            let linked = d.linked_sessions().len();
            if linked > 0 {
                let key = self.browse_key(Action::Linked);
                let hint = match linked {
                    1 => format!("{key} opens the linked session"),
                    n => format!("{key} lists the {n} linked sessions"),
                };
                push(3, "", dim(&hint));
            }
        }

        let reviews = self.store.reviews(session);
        match self.store.watchlist(session) {
            Some(Load::Ready(Some(w))) => {
                let status = opt(&w.match_status);
                let tone = match status.as_str() {
                    "no_match" => Tone::Good,
                    _ => Tone::Warn,
                };
                let hits = w.hit_count();
                let mut header = vec![
                    (status.replace('_', " "), tone),
                    (
                        format!(" · {}", crate::text::counted(hits as usize, "hit")),
                        Tone::Plain,
                    ),
                ];
                let reviewed = w.hits.iter().filter(|h| h.match_status.is_some()).count();
                if reviewed > 0 {
                    header.push((format!(" · {reviewed} reviewed"), Tone::Plain));
                }
                push(4, "watchlist", header);
                for hit in w.hits.iter().take(3) {
                    // The review first: a narrow card cuts the line's end.
                    let mine = reviews.iter().find(|r| hit.id.as_deref() == Some(r.hit.as_str()));
                    let name = hit.matched_name.clone().filter(|n| !n.trim().is_empty());
                    let mut parts = vec![(name.unwrap_or_else(|| "(no name)".into()), Tone::Plain)];
                    let (review, note) = hit_review(hit.match_status.as_deref(), &hit.review(), mine);
                    parts.extend(review);
                    let rest = joined(&[hit.countries.join(", "), hit.summary()]);
                    if !rest.is_empty() {
                        parts.push((format!(" · {rest}"), Tone::Plain));
                    }
                    push(4, "", parts);
                    if let Some(note) = note {
                        push(4, "", note);
                    }
                }
                if w.hits.len() > 3 {
                    push(4, "", dim(&format!("and {} more", w.hits.len() - 3)));
                }
            }
            // Read again after a review: the review shows meanwhile.
            Some(Load::Loading(_)) if !reviews.is_empty() => {
                push(4, "watchlist", dim("reading it again…"));
                for mine in reviews {
                    let (review, note) = hit_review(None, "", Some(mine));
                    let mut parts = vec![(mine.name.clone(), Tone::Plain)];
                    parts.extend(review);
                    push(4, "", parts);
                    push(4, "", note.unwrap_or_default());
                }
            }
            Some(Load::Ready(None)) => push(4, "watchlist", dim("not screened")),
            Some(Load::Failed(e)) => {
                let why = self
                    .brief(&e.message)
                    .unwrap_or_else(|| format!("unavailable: {}", e.message));
                push(4, "watchlist", dim(&why))
            }
            _ => push(4, "watchlist", dim("loading…")),
        }

        if let Some(d) = decision {
            let refs = joined(&[
                d.vendor_data
                    .as_ref()
                    .map(|v| format!("vendor {v}"))
                    .unwrap_or_default(),
                d.end_user_id
                    .as_ref()
                    .map(|v| format!("end user {v}"))
                    .unwrap_or_default(),
                d.ip.as_ref().map(|v| format!("IP {v}")).unwrap_or_default(),
            ]);
            if !refs.is_empty() {
                push(5, "refs", text(refs));
            }
        }
        let attempt = decision
            .and_then(|d| d.attempt_id.as_ref())
            .map(|a| format!("attempt {a}"))
            .unwrap_or_default();
        push(5, "session", text(joined(&[session.to_string(), attempt])));
        lines
    }

    /// The selected NFC document's JSON, pretty (masked as it arrived), by line.
    pub fn nfc_lines(&self) -> Option<Result<Vec<String>, String>> {
        let (MediaKind::Nfc, media) = self.selected_media()? else {
            return None;
        };
        Some(match self.store.nfc(self.selected_session()?, &media.id)? {
            Load::Ready(value) => {
                let pretty = serde_json::to_string_pretty(value).unwrap_or_default();
                Ok(pretty.lines().map(str::to_owned).collect())
            }
            Load::Failed(e) => Err(e.message.clone()),
            Load::Loading(_) => return None,
        })
    }
}
