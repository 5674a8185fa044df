//! `H`: a watchlist hit reviewed, as compliance decided it: choose the hit (each
//! listed with its status), then its match status, then whether it is
//! whitelisted; confirmed, it is recorded at Veriff and the card shows it.

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
    pub hits: Vec<Hit>,
    pub cursor: usize,
    /// The match status highlighted, once a hit is chosen.
    pub status: Option<usize>,
    /// The whitelisting highlighted, once a status is chosen: 0 leaves it as
    /// it is, 1 changes it.
    pub whitelist: Option<usize>,
}

/// A hit as the chooser lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub id: String,
    /// Its name, its status and what the card says of it.
    pub label: String,
    /// Whitelisted at Veriff (or by a review here not yet shown there).
    pub whitelisted: bool,
}

/// Opens the list of the selected session's watchlist hits.
pub(in crate::tui::app) fn open(model: &mut Model) -> Vec<Cmd> {
    if let Some(refused) = crate::tui::app::actions::refused_read_only(model, "review_watchlist_hit") {
        return refused;
    }
    let Some(session) = model.selected_session().cloned() else {
        return Vec::new();
    };
    let reviews = model.store.reviews(&session);
    let hits: Vec<Hit> = match model.store.watchlist(&session) {
        Some(Load::Ready(Some(watchlist))) => watchlist
            .hits
            .iter()
            .filter_map(|hit| {
                let id = hit.id.clone()?;
                let name = hit.matched_name.clone().unwrap_or_else(|| "(no name)".into());
                // Its status now: a review here that Veriff does not show yet, else Veriff's.
                let (status, whitelisted) = match reviews.iter().find(|r| r.hit == id) {
                    Some(mine) => {
                        let at = mine.at.as_ref().map(|at| format!(" at {at}")).unwrap_or_default();
                        let whitelisted = mine.review.whitelisted.unwrap_or(hit.is_whitelisted == Some(true));
                        let listed = if whitelisted { " · whitelisted" } else { "" };
                        let words = mine.review.match_status.replace('_', " ");
                        (format!("{words}{listed} (reviewed by you{at})"), whitelisted)
                    }
                    None if hit.match_status.is_some() => (hit.review(), hit.is_whitelisted == Some(true)),
                    None => ("not reviewed".to_owned(), hit.is_whitelisted == Some(true)),
                };
                Some(Hit {
                    id,
                    label: format!("{name} · {status} · {}", hit.summary()),
                    whitelisted,
                })
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
        whitelist: None,
    });
    Vec::new()
}

/// The whitelisting rows for a hit that is (or is not) whitelisted now: the
/// first leaves it, the second changes it, as `isWhitelisted` says.
fn whitelist_rows(whitelisted: bool) -> [(&'static str, Option<bool>); 2] {
    if whitelisted {
        [
            ("stays whitelisted", None),
            ("off the whitelist: monitoring alerts for it again", Some(false)),
        ]
    } else {
        [
            ("not whitelisted", None),
            ("whitelisted: monitoring alerts no more for it", Some(true)),
        ]
    }
}

pub(in crate::tui::app) fn on_key(model: &mut Model, action: Option<Action>) -> Vec<Cmd> {
    let Overlay::HitReview(review) = &mut model.overlay else {
        return Vec::new();
    };
    let (rows, cursor) = match (review.status, review.whitelist) {
        (None, _) => (review.hits.len(), &mut review.cursor),
        (Some(_), None) => (HIT_STATUSES.len(), review.status.as_mut().expect("a status")),
        (Some(_), Some(_)) => (2, review.whitelist.as_mut().expect("a whitelisting")),
    };
    match action {
        Some(Action::Down) => *cursor = (*cursor + 1).min(rows.saturating_sub(1)),
        Some(Action::Up) => *cursor = cursor.saturating_sub(1),
        Some(Action::Cancel) if review.whitelist.is_some() => review.whitelist = None,
        Some(Action::Cancel) if review.status.is_some() => review.status = None,
        Some(Action::Cancel) => model.overlay = Overlay::None,
        Some(Action::Submit) if review.status.is_none() => review.status = Some(0),
        Some(Action::Submit) if review.whitelist.is_none() => review.whitelist = Some(0),
        Some(Action::Submit) => {
            let hit = review.hits[review.cursor].clone();
            let status = HIT_STATUSES[review.status.unwrap_or_default()];
            let (listing, whitelisted) = whitelist_rows(hit.whitelisted)[review.whitelist.unwrap_or_default()];
            let session = review.session.clone();
            let write = Write::ReviewHit(
                session.clone(),
                Review {
                    hit: hit.id.clone(),
                    match_status: status.to_owned(),
                    risk_level: None,
                    whitelisted,
                },
            );
            let mut lines = vec![
                format!(
                    "Records at Veriff that hit {} of session {} is a {status}:",
                    hit.id,
                    session.short()
                ),
                format!("  {}", hit.label),
            ];
            if whitelisted.is_some() {
                lines.push(format!("and that it is {listing}."));
            }
            lines.push("Veriff's request has no field for a reason: write it in your case notes.".into());
            let id = model.req();
            model.overlay = Overlay::Confirm(Confirm::new(
                "review a watchlist hit",
                lines,
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
    let hit = &review.hits[review.cursor];
    // The id's first part, as sessions show theirs: the card names hits by name.
    let short = |id: &str| clean(id).chars().take(8).collect::<String>();
    let (title, lines): (String, Vec<Line>) = match (review.status, review.whitelist) {
        (None, _) => (
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
                .map(|(i, hit)| {
                    choice(
                        theme,
                        i == review.cursor,
                        format!("{}  {}", short(&hit.id), clean(&hit.label)),
                    )
                })
                .collect(),
        ),
        (Some(chosen), None) => (
            format!(
                " hit {} is · {} chooses · {} back ",
                short(&hit.id),
                model.key_for(Action::Submit),
                model.key_for(Action::Cancel)
            ),
            HIT_STATUSES
                .iter()
                .enumerate()
                .map(|(i, status)| choice(theme, i == chosen, (*status).to_owned()))
                .collect(),
        ),
        (Some(status), Some(chosen)) => (
            format!(
                " hit {}, a {}, is · {} records · {} back ",
                short(&hit.id),
                HIT_STATUSES[status].replace('_', " "),
                model.key_for(Action::Submit),
                model.key_for(Action::Cancel)
            ),
            whitelist_rows(hit.whitelisted)
                .iter()
                .enumerate()
                .map(|(i, (row, _))| choice(theme, i == chosen, (*row).to_owned()))
                .collect(),
        ),
    };
    boxed(frame, width, lines.len() as u16 + 2, &title, Paragraph::new(lines));
}
