//! The triage parts of `update`: the card's data (person, watchlist), linked
//! sessions, watching a session until it is decided, NFC documents and the
//! look-closer overlays. Pure like the rest of `update`.

use std::time::Duration;

use crossterm::event::KeyEvent;

use super::{Cmd, Load, MediaView, Model, Overlay, Pane, PreviewKey, Status, Watch, move_cursor};
use crate::api::{Decision, Media, MediaKind};
use crate::ids::short;
use crate::tui::keys::{Action, action_for, label_of};
use crate::tui::layout;

/// How often a watched session is polled unless `--watch` says otherwise.
pub(super) const DEFAULT_WATCH: Duration = Duration::from_secs(30);

/// Statuses after which a session no longer changes (a resubmission does: the same
/// session is used again).
fn is_final(status: &str) -> bool {
    matches!(status, "approved" | "declined" | "expired" | "abandoned")
}

/// One picture of a look-closer overlay: what it shows, and its preview.
pub struct Closer<'a> {
    pub title: String,
    pub media: Option<&'a Media>,
    pub key: Option<PreviewKey>,
    pub video: bool,
}

impl Model {
    /// The decision of the selected session, once known.
    pub fn selected_decision(&self) -> Option<&Decision> {
        match self.decisions.get(self.selected_session()?) {
            Some(Load::Ready(Some(decision))) => Some(decision),
            _ => None,
        }
    }

    /// Sessions the selected one's decision links to, with why.
    pub fn linked_sessions(&self) -> Vec<(String, String)> {
        self.selected_decision()
            .map(Decision::linked_sessions)
            .unwrap_or_default()
    }

    pub(super) fn load_triage(&mut self, session: &str, again: bool) -> Vec<Cmd> {
        let mut cmds = Vec::new();
        if again || !matches!(self.persons.get(session), Some(Load::Ready(_) | Load::Loading(_))) {
            let req = self.req();
            self.persons.insert(session.to_owned(), Load::Loading(req));
            cmds.push(Cmd::LoadPerson {
                session: session.to_owned(),
                req,
            });
        }
        if again || !matches!(self.watchlists.get(session), Some(Load::Ready(_) | Load::Loading(_))) {
            let req = self.req();
            self.watchlists.insert(session.to_owned(), Load::Loading(req));
            cmds.push(Cmd::LoadWatchlist {
                session: session.to_owned(),
                req,
            });
        }
        cmds
    }

    pub(super) fn triage_animating(&self) -> bool {
        let session_loading = self.selected_session().is_some_and(|s| {
            self.focus == Pane::Sessions
                && (matches!(self.persons.get(s), Some(Load::Loading(_)))
                    || matches!(self.watchlists.get(s), Some(Load::Loading(_))))
        });
        let nfc_loading = self.focus == Pane::Media
            && self
                .selected_media()
                .is_some_and(|(_, m)| matches!(self.nfc.get(&m.id), Some(Load::Loading(_))));
        let closer_loading = self
            .closer()
            .iter()
            .filter_map(|c| c.key.as_ref())
            .any(|k| matches!(self.previews.get(k), Some(Load::Loading(_))));
        session_loading || nfc_loading || closer_loading
    }

    /// What the look-closer overlay shows: the selected media on the whole screen,
    /// or the document front beside the best face (each list is best first).
    pub fn closer(&self) -> Vec<Closer<'_>> {
        let (width, height) = self.size;
        let keyed = |title, media, size| closer(self.previews_on, title, media, size);
        match self.overlay {
            Overlay::Zoom => {
                let media = self.selected_media().filter(|(kind, _)| *kind != MediaKind::Nfc);
                let title = media
                    .and_then(|(_, m)| m.context.clone())
                    .unwrap_or_else(|| "no picture selected".into());
                vec![keyed(title, media, layout::zoom_size(width, height))]
            }
            Overlay::Compare => {
                let images: Vec<(MediaKind, &Media)> = match self.media_view() {
                    MediaView::Ready { list, .. } => list.images.iter().map(|m| (MediaKind::Image, m)).collect(),
                    _ => Vec::new(),
                };
                let best = |exact: &str| {
                    let context = |m: &Media| m.context.clone().unwrap_or_default();
                    images
                        .iter()
                        .find(|(_, m)| context(m) == exact)
                        .or_else(|| images.iter().find(|(_, m)| context(m).starts_with(exact)))
                        .copied()
                };
                let size = layout::compare_size(width, height);
                [("document-front", best("document-front")), ("face", best("face"))]
                    .into_iter()
                    .map(|(wanted, found)| {
                        let title = match found {
                            Some((_, m)) => m.context.clone().unwrap_or_else(|| wanted.into()),
                            None => format!("no {wanted} image in this attempt"),
                        };
                        keyed(title, found, size)
                    })
                    .collect()
            }
            _ => Vec::new(),
        }
    }

    /// Asks for the look-closer pictures not known or on their way.
    pub(super) fn want_closer_previews(&mut self) -> Vec<Cmd> {
        let wanted: Vec<(PreviewKey, bool, Option<u64>)> = self
            .closer()
            .into_iter()
            .filter_map(|c| Some((c.key?, c.video, c.media.and_then(|m| m.size))))
            .filter(|(key, _, _)| !self.previews.contains_key(key))
            .collect();
        if wanted.is_empty() {
            return Vec::new();
        }
        self.previews.retain(|_, load| !matches!(load, Load::Loading(_)));
        let mut batch = Vec::new();
        for (key, video, size) in wanted {
            if size.is_some_and(|s| s > super::super::preview::MAX_PREVIEW_BYTES) {
                self.previews
                    .insert(key, Load::Failed(super::super::preview::too_large()));
                continue;
            }
            let req = self.req();
            self.previews.insert(key.clone(), Load::Loading(req));
            batch.push((key, req, video));
        }
        if batch.is_empty() {
            Vec::new()
        } else {
            vec![Cmd::Previews(batch)]
        }
    }

    /// The selected NFC document's JSON, fetched once to be read in the details.
    pub(super) fn want_nfc(&mut self) -> Vec<Cmd> {
        if self.focus != Pane::Media {
            return Vec::new();
        }
        let Some((MediaKind::Nfc, media)) = self.selected_media() else {
            return Vec::new();
        };
        let media = media.id.clone();
        if matches!(self.nfc.get(&media), Some(Load::Ready(_) | Load::Loading(_))) {
            return Vec::new();
        }
        let req = self.req();
        self.nfc.insert(media.clone(), Load::Loading(req));
        vec![Cmd::LoadNfc { media, req }]
    }

    /// With `--watch`: polling the first session from the start.
    pub fn watching_first(&mut self) -> Vec<Cmd> {
        let Some(session) = self.sessions.first().cloned() else {
            return Vec::new();
        };
        self.watch = Some(Watch {
            session: session.clone(),
            updated: None,
        });
        vec![Cmd::Watch {
            session: Some(session),
            every: self.watch_every,
        }]
    }
}

fn closer(previews_on: bool, title: String, media: Option<(MediaKind, &Media)>, size: (u16, u16)) -> Closer<'_> {
    let usable = previews_on && size.0 >= 4 && size.1 >= 2;
    Closer {
        title,
        media: media.map(|(_, m)| m),
        key: media.filter(|_| usable).map(|(_, m)| PreviewKey {
            media: m.id.clone(),
            width: size.0,
            height: size.1,
        }),
        video: media.is_some_and(|(kind, _)| kind == MediaKind::Video),
    }
}

pub(super) fn on_overlay_key(model: &mut Model, key: KeyEvent) -> Vec<Cmd> {
    let action = action_for(key);
    let linked = model.linked_sessions();
    match (&mut model.overlay, action) {
        (Overlay::Linked { cursor }, Some(Action::Down)) => {
            *cursor = (*cursor + 1).min(linked.len().saturating_sub(1));
            Vec::new()
        }
        (Overlay::Linked { cursor }, Some(Action::Up)) => {
            *cursor = cursor.saturating_sub(1);
            Vec::new()
        }
        (Overlay::Linked { cursor }, Some(Action::Enter)) => {
            let chosen = linked.get(*cursor).cloned();
            model.overlay = Overlay::None;
            match chosen {
                Some((id, why)) => follow(model, id, &why),
                None => Vec::new(),
            }
        }
        // Through the media while zoomed, like an image viewer.
        (Overlay::Zoom, Some(Action::Down)) => move_cursor(model, 1),
        (Overlay::Zoom, Some(Action::Up)) => move_cursor(model, -1),
        (_, Some(Action::Cancel | Action::Quit | Action::Linked | Action::Zoom | Action::Compare)) => {
            model.overlay = Overlay::None;
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// Adds a linked session to the sessions pane, selects it and shows its card.
/// Selects a linked session where it is listed, else adds it on top, and shows
/// its card.
fn follow(model: &mut Model, id: String, why: &str) -> Vec<Cmd> {
    model.focus = Pane::Sessions;
    model.status = Some(Status::info(format!("opened linked session {} ({why})", short(&id))));
    if let Some(index) = model.sessions.iter().position(|s| *s == id) {
        return model.select_session(index);
    }
    model.sessions.insert(0, id);
    let mut cmds = model.select_session(0);
    cmds.push(model.history_cmd());
    cmds
}

pub(super) fn open_linked(model: &mut Model) -> Vec<Cmd> {
    if model.linked_sessions().is_empty() {
        model.status = Some(Status::info(match model.selected_decision() {
            Some(_) => "this session's decision links to no other session",
            None => "no decision yet: nothing links this session to others",
        }));
        return Vec::new();
    }
    model.overlay = Overlay::Linked { cursor: 0 };
    Vec::new()
}

pub(super) fn toggle_watch(model: &mut Model) -> Vec<Cmd> {
    let Some(session) = model.selected_session().map(str::to_owned) else {
        return Vec::new();
    };
    if model.watch.as_ref().is_some_and(|w| w.session == session) {
        model.watch = None;
        model.status = Some(Status::info(format!("stopped watching {}", short(&session))));
        return vec![Cmd::Watch {
            session: None,
            every: model.watch_every,
        }];
    }
    if let Some(status) = model
        .selected_decision()
        .and_then(|d| d.status.clone())
        .filter(|s| is_final(s))
    {
        model.status = Some(Status::info(format!(
            "{} is already {}: nothing more to watch for",
            short(&session),
            crate::text::clean(&status)
        )));
        return Vec::new();
    }
    model.watch = Some(Watch {
        session: session.clone(),
        updated: None,
    });
    model.status = Some(Status::info(format!(
        "watching {} every {}s until it is decided; {} stops",
        short(&session),
        model.watch_every.as_secs(),
        label_of(Action::Watch)
    )));
    vec![Cmd::Watch {
        session: Some(session),
        every: model.watch_every,
    }]
}

pub(super) fn watch_tick(model: &mut Model, session: &str, at: String) -> Vec<Cmd> {
    match &mut model.watch {
        Some(watch) if watch.session == session => watch.updated = Some(at),
        _ => return Vec::new(),
    }
    if !model.sessions.iter().any(|s| s == session) {
        // Removed from the list meanwhile: nobody is looking any more.
        model.watch = None;
        return vec![Cmd::Watch {
            session: None,
            every: model.watch_every,
        }];
    }
    model.load_session(session, true)
}

/// A decision came in: a watched session that is now decided is watched no more.
pub(super) fn decision_arrived(model: &mut Model, session: &str) -> Vec<Cmd> {
    let status = match model.decisions.get(session) {
        Some(Load::Ready(Some(d))) => d.status.clone().unwrap_or_default(),
        _ => return Vec::new(),
    };
    if !is_final(&status) || model.watch.as_ref().is_none_or(|w| w.session != session) {
        return Vec::new();
    }
    model.watch = None;
    model.status = Some(Status::success(format!(
        "{} is {}: stopped watching",
        short(session),
        crate::text::clean(&status)
    )));
    vec![Cmd::Watch {
        session: None,
        every: model.watch_every,
    }]
}

pub(super) fn zoom(model: &mut Model) -> Vec<Cmd> {
    if model.focus != Pane::Media || model.selected_media().is_none_or(|(kind, _)| kind == MediaKind::Nfc) {
        model.status = Some(Status::info(format!(
            "{} shows a picture on the whole screen: select one in the media pane first",
            label_of(Action::Zoom)
        )));
        return Vec::new();
    }
    model.overlay = Overlay::Zoom;
    Vec::new()
}

pub(super) fn compare(model: &mut Model) -> Vec<Cmd> {
    if !matches!(model.media_view(), MediaView::Ready { .. }) {
        model.status = Some(Status::info("the attempt's media are still loading"));
        return Vec::new();
    }
    model.overlay = Overlay::Compare;
    Vec::new()
}

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

/// `2026-11-28T14:21:37.204Z` as `2026-11-28 14:21:37 UTC` (3 or 6 fractional
/// digits alike); other text as it came.
fn when(time: &str) -> String {
    let b = time.as_bytes();
    if b.len() >= 19 && b[10] == b'T' {
        let utc = if time.ends_with('Z') { " UTC" } else { "" };
        format!("{} {}{utc}", &time[..10], &time[11..19])
    } else {
        time.to_owned()
    }
}

/// What `additionalVerifiedData` adds that a person reads at a glance: the
/// licence categories held and the estimated age. Other keys stay in `--json`.
fn additional_verified(data: &serde_json::Value) -> String {
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

/// Non-empty texts joined with ` · `.
fn joined(parts: &[String]) -> String {
    parts
        .iter()
        .filter(|p| !p.trim().is_empty())
        .cloned()
        .collect::<Vec<_>>()
        .join(" · ")
}

impl Model {
    /// The triage card of the selected session, in the order: verdict,
    /// person, document, risks and face match, watchlist, references. Personal
    /// values are masked when redaction is on; nothing here is cleaned yet (the view
    /// does that, like everything it draws).
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

        let decision = match self.decisions.get(session) {
            Some(Load::Ready(Some(d))) => {
                let status = d.status.clone().unwrap_or_else(|| "?".into());
                let mut verdict = vec![(status.clone(), Tone::Outcome(status))];
                if let Some(code) = d.code {
                    verdict.push((
                        format!(" · {}", crate::api::codes::describe_decision(code)),
                        Tone::Plain,
                    ));
                }
                push(0, "verdict", verdict);
                let reason = crate::api::codes::describe_reason(d.reason_code.as_ref(), d.reason_text());
                if !reason.is_empty() {
                    push(0, "reason", text(reason));
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
                push(0, "verdict", vec![(format!("decision failed: {e}"), Tone::Error)]);
                None
            }
            _ => {
                push(0, "verdict", dim("loading…"));
                None
            }
        };

        // The decision's person, filled in from the person route where it is silent.
        let from_route = match self.persons.get(session) {
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
            r.name(&name),
            born.map(|b| format!("born {}", r.date(&b))).unwrap_or_default(),
            opt(&nationality),
            id_number.map(|n| format!("ID {}", r.number(&n))).unwrap_or_default(),
        ]);
        match (person.is_empty(), self.persons.get(session)) {
            (false, _) => push(1, "person", text(person)),
            (true, Some(Load::Loading(_))) => push(1, "person", dim("loading…")),
            (true, _) => push(1, "person", dim("no person data")),
        }
        for provider in from_route
            .map(|p| p.pep_sanction_matches.as_slice())
            .unwrap_or_default()
        {
            let count = provider.number_of_matches.unwrap_or(provider.hits.len() as u64);
            let names: Vec<String> = provider
                .hits
                .iter()
                .filter_map(|h| h.name())
                .map(|n| r.name(&n))
                .collect();
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
                    r.number(&opt(&doc.number)),
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
            match d.biometric_authentication.as_ref() {
                Some(b) if b.matched_session_id.is_some() => {
                    let id = opt(&b.matched_session_id);
                    let vendor = b
                        .matched_session_vendor_data
                        .as_ref()
                        .map(|v| format!(" ({v})"))
                        .unwrap_or_default();
                    push(3, "face match", vec![(format!("session {id}{vendor}"), Tone::Warn)]);
                }
                Some(_) => push(3, "face match", dim("no other session")),
                None => {}
            }
            let linked = d.linked_sessions().len();
            if linked > 0 {
                let key = label_of(Action::Linked);
                let hint = match linked {
                    1 => format!("{key} opens the linked session"),
                    n => format!("{key} lists the {n} linked sessions"),
                };
                push(3, "", dim(&hint));
            }
        }

        match self.watchlists.get(session) {
            Some(Load::Ready(Some(w))) => {
                let status = opt(&w.match_status);
                let tone = match status.as_str() {
                    "no_match" => Tone::Good,
                    _ => Tone::Warn,
                };
                let hits = w.hit_count();
                let s = if hits == 1 { "" } else { "s" };
                push(
                    4,
                    "watchlist",
                    vec![
                        (status.replace('_', " "), tone),
                        (format!(" · {hits} hit{s}"), Tone::Plain),
                    ],
                );
                for hit in w.hits.iter().take(3) {
                    let lists = hit.list_types().join(", ");
                    push(
                        4,
                        "",
                        text(joined(&[
                            r.name(&opt(&hit.matched_name)),
                            lists,
                            hit.countries.join(", "),
                        ])),
                    );
                }
                if w.hits.len() > 3 {
                    push(4, "", dim(&format!("and {} more", w.hits.len() - 3)));
                }
            }
            Some(Load::Ready(None)) => push(4, "watchlist", dim("not screened")),
            Some(Load::Failed(e)) => push(4, "watchlist", dim(&format!("unavailable: {e}"))),
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
                d.ip.as_ref().map(|v| format!("IP {}", r.number(v))).unwrap_or_default(),
            ]);
            if !refs.is_empty() {
                push(5, "refs", text(refs));
            }
        }
        let attempt = decision
            .and_then(|d| d.attempt_id.as_ref())
            .map(|a| format!("attempt {a}"))
            .unwrap_or_default();
        push(5, "session", text(joined(&[session.to_owned(), attempt])));
        lines
    }

    /// The selected NFC document's JSON, pretty and masked, by line.
    pub fn nfc_lines(&self) -> Option<Result<Vec<String>, String>> {
        let (MediaKind::Nfc, media) = self.selected_media()? else {
            return None;
        };
        Some(match self.nfc.get(&media.id)? {
            Load::Ready(value) => {
                let value = self.redact.json(value.clone());
                let pretty = serde_json::to_string_pretty(&value).unwrap_or_default();
                Ok(pretty.lines().map(str::to_owned).collect())
            }
            Load::Failed(e) => Err(e.clone()),
            Load::Loading(_) => return None,
        })
    }

    /// Lines of the details area below its fold: how far it can scroll. The view
    /// draws with the same figure, so J and K never run past what is shown.
    pub fn details_overflow(&self) -> usize {
        let (width, height) = self.size;
        let inner = layout::areas(ratatui::layout::Rect::new(0, 0, width, height))
            .details
            .inner(ratatui::layout::Margin::new(1, 1));
        match self.focus {
            Pane::Sessions => card_columns(&self.card(), inner.width, inner.height)
                .iter()
                .map(|c| c.len())
                .max()
                .unwrap_or(0)
                .saturating_sub(inner.height as usize),
            Pane::Media => self
                .nfc_lines()
                .and_then(Result::ok)
                .map_or(0, |l| l.len().saturating_sub(inner.height as usize)),
            Pane::Attempts => 0,
        }
    }

    /// Scrolls the details by `delta` lines, no further than its last line.
    pub(super) fn scroll_details(&mut self, delta: i32) {
        let max = self.details_overflow() as i32;
        self.details_scroll = (self.details_scroll as i32 + delta).clamp(0, max) as u16;
    }
}

/// Below this many columns a second column would cut the card's lines short.
const TWO_COLUMNS_FROM: u16 = 120;

/// How the card is laid out in an area of `width` x `height` cells: one column,
/// or (where it is wide enough and one would not fit) two, split at the section
/// boundary nearest the middle.
pub fn card_columns(card: &[CardLine], width: u16, height: u16) -> Vec<&[CardLine]> {
    if width < TWO_COLUMNS_FROM || card.len() <= height as usize {
        return vec![card];
    }
    let half = card.len().div_ceil(2);
    let split = (1..card.len())
        .filter(|&i| card[i].section != card[i - 1].section)
        .min_by_key(|&i| i.abs_diff(half))
        .unwrap_or(half);
    vec![&card[..split], &card[split..]]
}

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyCode, KeyModifiers};

    use super::*;
    use crate::api::{Attempt, MediaList};
    use crate::tui::app::{Msg, update};

    const S1: &str = "dec11ned-7b8c-4d9e-8f0a-1b2c3d4e5f6a";
    const S2: &str = "c0ffee00-1d3a-4b5c-9d7e-0a1b2c3d4e5f";
    const S3: &str = "b0a7f00d-2e4f-4a6b-8c9d-1e2f3a4b5c6d";

    fn key(model: &mut Model, code: KeyCode) -> Vec<Cmd> {
        update(model, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
    }

    fn decision(status: &str, linked: &[&str]) -> Option<Decision> {
        serde_json::from_value(serde_json::json!({
            "id": S1, "status": status,
            "riskLabels": [{"label": "session_crosslinked_with_velocity_abuse", "category": "crosslinks", "sessionIds": linked}],
            "biometricAuthentication": {"matchedSessionId": S2}
        }))
        .ok()
    }

    /// The browser on S1 (S2 listed too), everything of S1 answered; the sessions
    /// pane focused.
    fn opened(status: &str, linked: &[&str]) -> Model {
        let (mut model, cmds) = Model::new("host".into(), None).start(vec![S1.into()], vec![S2.into()]);
        update(&mut model, Msg::Resize { width: 120, height: 40 });
        for cmd in cmds {
            let reply = match cmd {
                Cmd::LoadDecision { session, req, .. } if session == S1 => Msg::DecisionLoaded {
                    session,
                    req,
                    result: Ok(decision(status, linked)),
                },
                Cmd::LoadAttempts { session, req } => Msg::AttemptsLoaded {
                    session,
                    req,
                    result: Ok(vec![
                        serde_json::from_value::<Attempt>(serde_json::json!({"id": "a2", "status": status})).unwrap(),
                    ]),
                },
                Cmd::LoadSessionMedia { session, req } => Msg::SessionMediaLoaded {
                    session,
                    req,
                    result: Ok(serde_json::from_value(serde_json::json!({
                        "images": [{"id": "m-face", "context": "face"}, {"id": "m-front", "context": "document-front"}],
                        "nfcDocuments": [{"id": "m-nfc", "context": "document-nfc", "mimetype": "application/json"}]
                    }))
                    .unwrap()),
                },
                _ => continue,
            };
            update(&mut model, reply);
        }
        model.focus = Pane::Sessions;
        model
    }

    #[test]
    fn a_profile_that_redacts_masks_the_card_from_the_switch_on() {
        let mut model = opened("declined", &[]);
        model.decisions.insert(
            S1.into(),
            Load::Ready(
                serde_json::from_value(serde_json::json!({"status": "declined", "person": {"firstName": "KARL"}})).ok(),
            ),
        );
        let shows = |model: &Model| {
            model
                .card()
                .iter()
                .flat_map(|l| l.parts.clone())
                .any(|(t, _)| t.contains("KARL"))
        };
        assert!(shows(&model));
        update(&mut model, Msg::Redaction(true));
        assert!(!shows(&model));
        update(&mut model, Msg::Redaction(false));
        assert!(shows(&model));
    }

    #[test]
    fn in_two_columns_the_card_scrolls_no_further_than_its_longer_column() {
        let mut model = opened("declined", &[]);
        let labels: Vec<_> = (0..12)
            .map(|i| serde_json::json!({"label": format!("risk_{i}"), "category": "session"}))
            .collect();
        model.decisions.insert(
            S1.into(),
            Load::Ready(serde_json::from_value(serde_json::json!({"status": "declined", "riskLabels": labels})).ok()),
        );
        update(&mut model, Msg::Resize { width: 160, height: 30 });
        let one_column = model.card().len() - 8;
        let overflow = model.details_overflow();
        assert!(overflow > 0 && overflow < one_column, "{overflow} of {one_column}");
        for _ in 0..40 {
            key(&mut model, KeyCode::Char('J'));
        }
        assert_eq!(model.details_scroll as usize, overflow);
        key(&mut model, KeyCode::Char('K'));
        assert_eq!(model.details_scroll as usize, overflow - 1, "K moves at once");
    }

    #[test]
    fn additional_verified_data_reads_as_licence_categories_and_age() {
        let data = serde_json::json!({"driversLicenseCategory": {"B": true, "C": false, "AM": true},
                                      "estimatedAge": 34, "estimatedGender": 0.9});
        assert_eq!(additional_verified(&data), "licence categories AM B · estimated age 34");
        assert_eq!(additional_verified(&serde_json::json!({})), "");
    }

    #[test]
    fn the_cards_parts_go_out_with_the_attempt_list_in_one_round_trip() {
        let (_, cmds) = Model::new("host".into(), None).start(vec![S1.into()], vec![]);
        for wanted in [
            "LoadAttempts",
            "LoadSessionMedia",
            "LoadDecision",
            "LoadPerson",
            "LoadWatchlist",
        ] {
            assert!(
                cmds.iter()
                    .any(|c| format!("{c:?}").starts_with(wanted) && format!("{c:?}").contains(S1)),
                "{wanted} missing from {cmds:?}"
            );
        }
    }

    #[test]
    fn linked_sessions_open_from_the_card_with_a_few_keys() {
        let mut model = opened("declined", &[S3, S2]);
        assert_eq!(
            model.linked_sessions(),
            vec![
                (S3.to_owned(), "session crosslinked with velocity abuse".to_owned()),
                (
                    S2.to_owned(),
                    "session crosslinked with velocity abuse, biometric match".to_owned()
                ),
            ]
        );
        key(&mut model, KeyCode::Char('L'));
        assert_eq!(model.overlay, Overlay::Linked { cursor: 0 });
        // A session not listed yet is added on top, selected, and its card asked for.
        let cmds = key(&mut model, KeyCode::Enter);
        assert_eq!(model.overlay, Overlay::None);
        assert_eq!(model.selected_session(), Some(S3));
        assert_eq!(model.sessions, vec![S3, S1, S2]);
        assert_eq!(model.focus, Pane::Sessions, "the linked session's card shows");
        assert!(
            cmds.iter()
                .any(|c| matches!(c, Cmd::LoadPerson { session, .. } if session == S3))
        );
        assert!(cmds.iter().any(|c| matches!(c, Cmd::SaveHistory(_))));
        // Back to the first and on to one already listed: selected where it is.
        key(&mut model, KeyCode::Char('j'));
        assert_eq!(model.selected_session(), Some(S1));
        key(&mut model, KeyCode::Char('L'));
        key(&mut model, KeyCode::Char('j'));
        key(&mut model, KeyCode::Enter);
        assert_eq!(model.selected_session(), Some(S2));
        assert_eq!(model.sessions, vec![S3, S1, S2], "not reordered");
        // Nothing linked: said, no empty overlay.
        key(&mut model, KeyCode::Char('L'));
        assert_eq!(model.overlay, Overlay::None);
        assert!(model.status.as_ref().unwrap().text.contains("no decision yet"));
    }

    #[test]
    fn watching_polls_until_the_decision_is_final() {
        let mut model = opened("resubmission_requested", &[]);
        let cmds = key(&mut model, KeyCode::Char('w'));
        assert_eq!(
            cmds,
            vec![Cmd::Watch {
                session: Some(S1.into()),
                every: DEFAULT_WATCH
            }]
        );
        let cmds = update(
            &mut model,
            Msg::WatchTick {
                session: S1.into(),
                at: "10:42:05".into(),
            },
        );
        assert_eq!(model.watch.as_ref().unwrap().updated.as_deref(), Some("10:42:05"));
        let req = cmds
            .iter()
            .find_map(|c| match c {
                Cmd::LoadDecision { req, .. } => Some(*req),
                _ => None,
            })
            .expect("the decision is asked for again");
        assert!(cmds.iter().any(|c| matches!(c, Cmd::LoadAttempts { .. })));
        // A tick for a session no longer watched does nothing.
        assert!(
            update(
                &mut model,
                Msg::WatchTick {
                    session: S2.into(),
                    at: "x".into()
                }
            )
            .is_empty()
        );
        let cmds = update(
            &mut model,
            Msg::DecisionLoaded {
                session: S1.into(),
                req,
                result: Ok(decision("approved", &[])),
            },
        );
        assert_eq!(model.watch, None);
        assert!(cmds.contains(&Cmd::Watch {
            session: None,
            every: DEFAULT_WATCH
        }));
        assert!(
            model
                .status
                .as_ref()
                .unwrap()
                .text
                .contains("approved: stopped watching")
        );
        // A decided session is not watched; w on a watched one stops it; one
        // removed from the list is watched no more.
        assert!(key(&mut model, KeyCode::Char('w')).is_empty());
        let mut model = opened("review", &[]);
        key(&mut model, KeyCode::Char('w'));
        let cmds = key(&mut model, KeyCode::Char('w'));
        assert_eq!(
            cmds[0],
            Cmd::Watch {
                session: None,
                every: DEFAULT_WATCH
            }
        );
        assert_eq!(model.watch, None);
        key(&mut model, KeyCode::Char('w'));
        let switched = update(
            &mut model,
            Msg::ProfileSwitched {
                profile: "live".into(),
                result: Ok("live.example".into()),
            },
        );
        assert!(switched.contains(&Cmd::Watch {
            session: None,
            every: DEFAULT_WATCH
        }));
        assert_eq!(model.watch, None, "another integration's session is not polled");
        key(&mut model, KeyCode::Char('w'));
        key(&mut model, KeyCode::Char('x'));
        let tick = Msg::WatchTick {
            session: S1.into(),
            at: "x".into(),
        };
        assert_eq!(
            update(&mut model, tick),
            vec![Cmd::Watch {
                session: None,
                every: DEFAULT_WATCH
            }]
        );
        assert_eq!(model.watch, None);
    }

    #[test]
    fn look_closer_asks_for_screen_sized_pictures_and_esc_returns() {
        let mut model = opened("approved", &[]);
        model.previews_on = true;
        key(&mut model, KeyCode::Char('l'));
        key(&mut model, KeyCode::Char('l'));
        assert_eq!(model.focus, Pane::Media);
        let cmds = key(&mut model, KeyCode::Char('z'));
        assert_eq!(model.overlay, Overlay::Zoom);
        let wanted = |cmds: &[Cmd]| -> Vec<PreviewKey> {
            cmds.iter()
                .flat_map(|c| match c {
                    Cmd::Previews(batch) => batch.iter().map(|(k, _, _)| k.clone()).collect(),
                    _ => Vec::new(),
                })
                .collect()
        };
        assert_eq!(
            wanted(&cmds),
            vec![PreviewKey {
                media: "m-face".into(),
                width: 118,
                height: 38
            }]
        );
        // j moves on to the next picture, still on the whole screen.
        let cmds = key(&mut model, KeyCode::Char('j'));
        assert_eq!(wanted(&cmds)[0].media, "m-front");
        key(&mut model, KeyCode::Esc);
        assert_eq!(model.overlay, Overlay::None);
        // The document front beside the best face, each half the screen.
        let cmds = key(&mut model, KeyCode::Char('v'));
        assert_eq!(model.overlay, Overlay::Compare);
        let keys = wanted(&cmds);
        assert_eq!(
            keys.iter().map(|k| k.media.as_str()).collect::<Vec<_>>(),
            ["m-front", "m-face"]
        );
        assert!(keys.iter().all(|k| (k.width, k.height) == (58, 38)), "{keys:?}");
        key(&mut model, KeyCode::Esc);
        assert_eq!(model.overlay, Overlay::None);
    }

    #[test]
    fn nfc_documents_list_under_the_newest_attempt_and_read_as_json() {
        let mut model = opened("approved", &[]);
        model.redact = crate::redact::Redact::new(true);
        key(&mut model, KeyCode::Char('l'));
        key(&mut model, KeyCode::Char('l'));
        // The attempt's own list arrives: the chip data stays listed under it.
        let req = match model.media.get("a2") {
            Some(Load::Loading(req)) => *req,
            other => panic!("{other:?}"),
        };
        let own: MediaList =
            serde_json::from_value(serde_json::json!({"images": [{"id": "m-face", "context": "face"}]})).unwrap();
        update(
            &mut model,
            Msg::MediaLoaded {
                attempt: "a2".into(),
                req,
                result: Ok(own),
            },
        );
        let kinds: Vec<MediaKind> = model.visible_media().iter().map(|(k, _)| *k).collect();
        assert_eq!(kinds, [MediaKind::Image, MediaKind::Nfc]);
        let cmds = key(&mut model, KeyCode::Char('j'));
        let req = cmds
            .iter()
            .find_map(|c| match c {
                Cmd::LoadNfc { media, req } if media == "m-nfc" => Some(*req),
                _ => None,
            })
            .expect("the chip data is fetched when selected");
        update(
            &mut model,
            Msg::NfcLoaded {
                media: "m-nfc".into(),
                req,
                result: Ok(serde_json::json!({"surname": "SPECIMEN", "documentType": "ID"})),
            },
        );
        model.previews_on = true;
        model.preview_size = (40, 10);
        assert_eq!(model.preview_key(), None, "JSON is not previewed as a picture");
        let lines = model.nfc_lines().unwrap().unwrap();
        assert!(
            lines.iter().any(|l| l.contains("\"surname\": \"S*******\"")),
            "{lines:?}"
        );
        assert!(
            lines.iter().any(|l| l.contains("\"documentType\": \"ID\"")),
            "{lines:?}"
        );
    }
}
