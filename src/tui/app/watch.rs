//! Watching a session (`w`, `--watch`): polled until its decision is final.

use std::time::Duration;

use super::model::{Model, Watch};
use super::msg::{Cmd, Load};
use super::screen::Status;
use crate::ids::SessionId;
use crate::tui::keymap::Action;

/// How often a watched session is polled unless `--watch` says otherwise.
pub(super) const DEFAULT_WATCH: Duration = Duration::from_secs(30);

/// Statuses after which a session no longer changes (a resubmission does: the same
/// session is used again).
fn is_final(status: &str) -> bool {
    matches!(status, "approved" | "declined" | "expired" | "abandoned")
}

impl Model {
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

pub(super) fn toggle_watch(model: &mut Model) -> Vec<Cmd> {
    let Some(session) = model.selected_session().cloned() else {
        return Vec::new();
    };
    if model.watch.as_ref().is_some_and(|w| w.session == session) {
        model.watch = None;
        model.status = Some(Status::info(format!("stopped watching {}", session.short())));
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
            session.short(),
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
        session.short(),
        model.watch_every.as_secs(),
        model.browse_key(Action::Watch)
    )));
    vec![Cmd::Watch {
        session: Some(session),
        every: model.watch_every,
    }]
}

pub(super) fn watch_tick(model: &mut Model, session: &SessionId, at: String) -> Vec<Cmd> {
    match &mut model.watch {
        Some(watch) if watch.session == *session => watch.updated = Some(at),
        _ => return Vec::new(),
    }
    if !model.sessions.contains(session) {
        // Removed from the list meanwhile: nobody is looking any more.
        model.watch = None;
        return vec![Cmd::Watch {
            session: None,
            every: model.watch_every,
        }];
    }
    // The last poll is still on its way (a slow API): this one waits its turn
    // rather than piling requests up.
    if matches!(model.store.attempts(session), Some(Load::Loading(_)))
        || matches!(model.store.decision(session), Some(Load::Loading(_)))
    {
        return Vec::new();
    }
    model.load_session(session, true)
}

/// A decision came in: a watched session that is now decided is watched no more.
pub(super) fn decision_arrived(model: &mut Model, session: &SessionId) -> Vec<Cmd> {
    let status = match model.store.decision(session) {
        Some(Load::Ready(Some(d))) => d.status.clone().unwrap_or_default(),
        _ => return Vec::new(),
    };
    if !is_final(&status) || model.watch.as_ref().is_none_or(|w| w.session != *session) {
        return Vec::new();
    }
    model.watch = None;
    model.status = Some(Status::success(format!(
        "{} is {}: stopped watching",
        session.short(),
        crate::text::clean(&status)
    )));
    vec![Cmd::Watch {
        session: None,
        every: model.watch_every,
    }]
}
