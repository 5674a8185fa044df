//! `H`: a watchlist hit reviewed, as compliance decided it: choose the hit, then
//! its match status; confirmed, it is recorded at Veriff and the card shows it.

use ratatui::Frame;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::confirm::Confirm;
use crate::api::{HIT_STATUSES, HitReview as Review};
use crate::ids::SessionId;
use crate::text::clean;
use crate::tui::app::{Cmd, Load, Model, Overlay, Status, Write};
use crate::tui::keymap::Action;
use crate::tui::ui::Theme;
use crate::tui::ui::overlays::{boxed, choice};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HitReview {
    pub session: SessionId,
    /// Each hit's id and what the card says of it.
    pub hits: Vec<(String, String)>,
    pub cursor: usize,
    /// The match status highlighted, once a hit is chosen.
    pub status: Option<usize>,
}

/// Opens the list of the selected session's watchlist hits.
pub(in crate::tui::app) fn open(model: &mut Model) -> Vec<Cmd> {
    if let Some(refused) = crate::tui::app::actions::refused_read_only(model, "review_watchlist_hit") {
        return refused;
    }
    let Some(session) = model.selected_session().cloned() else {
        return Vec::new();
    };
    let hits: Vec<(String, String)> = match model.store.watchlist(&session) {
        Some(Load::Ready(Some(watchlist))) => watchlist
            .hits
            .iter()
            .filter_map(|hit| {
                let name = hit.matched_name.clone().unwrap_or_else(|| "(no name)".into());
                Some((hit.id.clone()?, format!("{name} · {}", hit.summary())))
            })
            .collect(),
        Some(Load::Loading(_)) => {
            model.status = Some(Status::info("the watchlist is still loading: try again in a moment"));
            return Vec::new();
        }
        _ => Vec::new(),
    };
    if hits.is_empty() {
        model.status = Some(Status::info(format!(
            "session {} has no watchlist hit to review",
            session.short()
        )));
        return Vec::new();
    }
    model.overlay = Overlay::HitReview(HitReview {
        session,
        hits,
        cursor: 0,
        status: None,
    });
    Vec::new()
}

pub(in crate::tui::app) fn on_key(model: &mut Model, action: Option<Action>) -> Vec<Cmd> {
    let Overlay::HitReview(review) = &mut model.overlay else {
        return Vec::new();
    };
    let rows = match review.status {
        None => review.hits.len(),
        Some(_) => HIT_STATUSES.len(),
    };
    let cursor = review.status.as_mut().unwrap_or(&mut review.cursor);
    match action {
        Some(Action::Down) => *cursor = (*cursor + 1).min(rows.saturating_sub(1)),
        Some(Action::Up) => *cursor = cursor.saturating_sub(1),
        Some(Action::Cancel) if review.status.is_some() => review.status = None,
        Some(Action::Cancel) => model.overlay = Overlay::None,
        Some(Action::Submit) if review.status.is_none() => review.status = Some(0),
        Some(Action::Submit) => {
            let (hit, label) = review.hits[review.cursor].clone();
            let status = HIT_STATUSES[review.status.unwrap_or_default()];
            let session = review.session.clone();
            let write = Write::ReviewHit(
                session.clone(),
                Review {
                    hit: hit.clone(),
                    match_status: status.to_owned(),
                    risk_level: None,
                    whitelisted: None,
                },
            );
            let id = model.req();
            model.overlay = Overlay::Confirm(Confirm::new(
                "review a watchlist hit",
                vec![
                    format!(
                        "Records at Veriff that hit {hit} of session {} is a {status}:",
                        session.short()
                    ),
                    format!("  {label}"),
                    "Veriff's request has no field for a reason: write it in your case notes.".into(),
                ],
                None,
                vec![Cmd::Write { id, write }],
            ));
        }
        _ => {}
    }
    Vec::new()
}

pub fn draw(review: &HitReview, model: &Model, theme: &Theme, frame: &mut Frame) {
    let width = frame.area().width.saturating_sub(4).min(120);
    let (title, lines): (String, Vec<Line>) = match review.status {
        None => (
            format!(
                " watchlist hits of {} · {} chooses · {} closes ",
                review.session.short(),
                model.key_for(Action::Submit),
                model.key_for(Action::Cancel)
            ),
            review
                .hits
                .iter()
                .enumerate()
                .map(|(i, (id, label))| choice(theme, i == review.cursor, format!("{}  {}", clean(id), clean(label))))
                .collect(),
        ),
        Some(chosen) => (
            format!(
                " hit {} is · {} records · {} back ",
                clean(&review.hits[review.cursor].0),
                model.key_for(Action::Submit),
                model.key_for(Action::Cancel)
            ),
            HIT_STATUSES
                .iter()
                .enumerate()
                .map(|(i, status)| choice(theme, i == chosen, (*status).to_owned()))
                .collect(),
        ),
    };
    boxed(frame, width, lines.len() as u16 + 2, &title, Paragraph::new(lines));
}
