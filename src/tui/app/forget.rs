//! A session forgotten: `x` takes it off the sessions opened here, a deletion at
//! Veriff erases it everywhere; both through one [`Model::forget_session`].

use super::model::Model;
use super::msg::{Cmd, Load};
use super::screen::{Pane, Status};
use crate::history::FoundBy;
use crate::ids::SessionId;
use crate::tui::keymap::Action;

/// Why a session is forgotten.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Forgetting {
    /// `x`: off the sessions opened here; the inbox keeps it.
    FromTheList,
    /// Deleted at Veriff: out of every tab at once, no place of the jump list
    /// and no line of the history names it, no search kept that found it by
    /// what the inbox found it by (given) or what is loaded of it here (the
    /// effects erase the inbox's and the cache's copies).
    Erased(FoundBy),
}

impl Model {
    /// `x`: the selected session off the sessions opened here (not off a view).
    pub(super) fn remove_session(&mut self) -> Vec<Cmd> {
        // A view is the team's queue, as the inbox holds it: a row hidden in one
        // browser would make its counts disagree with everyone else's. What takes
        // a session off a queue is a mark the team sees.
        if self.inbox_view().is_some() {
            self.status = Some(Status::info(format!(
                "{} removes sessions from the opened tab only: in a view, {} tags it done (it leaves needs review), {} \
                 claims it",
                self.browse_key(Action::RemoveSession),
                self.browse_key(Action::Tag),
                self.browse_key(Action::Claim)
            )));
            return Vec::new();
        }
        let Some(removed) = self.session_for(Action::RemoveSession, "removes") else {
            return Vec::new();
        };
        self.status = Some(Status::info(format!("removed session {}", removed.short())));
        self.forget_session(&removed, Forgetting::FromTheList)
    }

    /// Takes `removed` off the list with everything loaded for it (its loads still
    /// on their way aborted, its previews and export mark gone), selects the row
    /// that takes its place, and saves the list.
    pub(super) fn forget_session(&mut self, removed: &SessionId, how: Forgetting) -> Vec<Cmd> {
        let index = self.pane(Pane::Sessions).cursor;
        let how = match how {
            // Read before it is dropped from memory below.
            Forgetting::Erased(mut found_by) => {
                found_by.add(self.found_by(removed).iter().map(String::as_str));
                Forgetting::Erased(found_by)
            }
            how => how,
        };
        self.sessions.remove(removed);
        let loading = self.store.remove(removed);
        let mut cmds = Vec::new();
        if let Forgetting::Erased(found_by) = &how {
            self.store.inbox.drop_row(removed);
            self.jumps.forget(removed);
            // The searches that could name it go too (the effects rewrite their file).
            self.searches
                .retain(|search| !crate::history::search_names(search, removed, found_by));
            // The tabs' counts and the view's rows, as the inbox now has them.
            cmds.extend(self.want_inbox());
        }
        let last = self.visible_session_count().saturating_sub(1);
        cmds.extend(self.select_session(index.min(last)));
        if !loading.is_empty() {
            cmds.push(Cmd::Cancel(loading));
        }
        cmds.push(Cmd::Remember(match how {
            Forgetting::FromTheList => crate::history::Change::Removed(removed.clone()),
            Forgetting::Erased(found_by) => crate::history::Change::Erased(removed.clone(), found_by),
        }));
        cmds
    }

    /// What a search may have found `session` by, as loaded here: its inbox
    /// row's name, vendorData, end user and document number, and its decision's.
    fn found_by(&self, session: &SessionId) -> Vec<String> {
        let mut texts = Vec::new();
        if let Some(row) = self.inbox_row(session) {
            let row = &row.index;
            texts.extend(
                [
                    &row.person_name,
                    &row.vendor_data,
                    &row.end_user_id,
                    &row.document_number,
                ]
                .into_iter()
                .flatten()
                .cloned(),
            );
        }
        let decision = self.store.entry(session).and_then(|entry| match &entry.decision {
            Some(Load::Ready(Some(decision))) => Some(decision),
            _ => None,
        });
        if let Some(decision) = decision {
            let person = decision.person.as_ref();
            texts.extend(
                [
                    person.and_then(|p| p.first_name.clone()),
                    person.and_then(|p| p.last_name.clone()),
                    decision.vendor_data.clone(),
                    decision.end_user_id.clone(),
                    decision.document.as_ref().and_then(|d| d.number.clone()),
                ]
                .into_iter()
                .flatten(),
            );
        }
        texts
    }
}
