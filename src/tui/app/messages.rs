//! The message log: every error and notice of the run, in full, newest first,
//! for the overlay `M` opens. The status line shows one at a time and cuts it at
//! the terminal's width; the log keeps the whole text, the fix first. When every
//! session failed for the same credential reason, one banner says so instead of
//! one `error` per row.

use super::model::Model;
use super::msg::{Load, Msg};
use super::screen::{Logged, Status};
use crate::api::ErrorKind;

/// Messages kept; the oldest go first.
const KEPT: usize = 500;

/// A message split into what to do about it (where the text says) and what
/// happened: `… — check VERIFF_SHARED_SECRET` reads as the fix, then the error.
pub fn fix_first(text: &str) -> (Option<&str>, &str) {
    match text.rsplit_once(" — ") {
        Some((what, fix)) => (Some(fix), what),
        None => (None, text),
    }
}

impl Model {
    /// Adds `status` to the log, unless it is the newest entry already.
    pub(super) fn log(&mut self, status: Status) {
        if self.messages.first().is_some_and(|m| m.status == status) {
            return;
        }
        let at_ms = crate::time::now_ms();
        self.messages.insert(0, Logged { status, at_ms });
        self.messages.truncate(KEPT);
    }

    /// After a message: the status it set and the failure it carried go to the
    /// log; the credential banner replaces the status when every session failed.
    pub(super) fn log_after(&mut self, before: Option<Status>, failure: Option<String>) {
        if let Some(failure) = failure {
            self.log(Status::error(failure));
        }
        if let Some(banner) = self.credential_banner()
            && self.status.as_ref().is_none_or(|s| s.text != banner)
        {
            self.status = Some(Status::error(banner));
        }
        if self.status != before
            && let Some(status) = self.status.clone()
        {
            self.log(status);
        }
    }

    /// `every session failed: …` when there are sessions, every one's decision
    /// failed on the credentials, all for the same reason.
    fn credential_banner(&self) -> Option<String> {
        let mut reasons = self.sessions.iter().map(|s| match self.store.decision(s) {
            Some(Load::Failed(f)) if f.kind == ErrorKind::Credentials => Some(f.message.as_str()),
            _ => None,
        });
        let first = reasons.next()??;
        if !reasons.all(|r| r == Some(first)) {
            return None;
        }
        let sessions = crate::text::counted(self.sessions.len(), "session");
        let said = self
            .brief(first)
            .unwrap_or_else(|| fix_first(first).0.unwrap_or(first).to_owned());
        Some(format!("{sessions}: {said}"))
    }

    /// A credential failure's message where room is short (a pane, the card,
    /// the status line): one line that fits 80 columns and says where the rest
    /// is (`wrong shared secret: check VERIFF_SHARED_SECRET (M: details)`).
    pub fn brief(&self, message: &str) -> Option<String> {
        let key = self.browse_key(crate::tui::keymap::Action::Messages);
        crate::config::headline(message).map(|short| format!("{short} ({key}: details)"))
    }
}

/// What failed, in full, for a reply that carries a failure.
pub(super) fn failure_of(msg: &Msg) -> Option<String> {
    match msg {
        // A cancelled load was not wanted any more: nothing failed.
        Msg::Loaded {
            req,
            result: Err(failure),
            ..
        } if !failure.cancelled => Some(format!("{}: {}", req.describe(), failure.message)),
        _ => None,
    }
}
