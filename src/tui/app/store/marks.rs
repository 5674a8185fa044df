//! The sessions marked (`m`) for an export or a bulk claim or tag, in the order
//! they were marked, and whose claim each was under then.

use super::Store;
use crate::ids::SessionId;

impl Store {
    pub fn is_marked(&self, session: &SessionId) -> bool {
        self.entry(session).is_some_and(|e| e.marked.is_some())
    }

    /// Marks or unmarks `session`; says whether it is marked now. `claim`: who
    /// holds its claim, as its inbox row shows it.
    pub fn toggle_mark(&mut self, session: &SessionId, claim: Option<String>) -> bool {
        self.marks_made += 1;
        let made = self.marks_made;
        let entry = self.entry_mut(session);
        entry.marked = match entry.marked {
            Some(_) => None,
            None => Some(made),
        };
        entry.claim_when_marked = claim.filter(|_| entry.marked.is_some());
        entry.marked.is_some()
    }

    pub fn marked_count(&self) -> usize {
        self.entries.values().filter(|e| e.marked.is_some()).count()
    }

    /// Every marked session, in the order they were marked.
    pub fn marked_sessions(&self) -> Vec<SessionId> {
        let mut marked: Vec<(u64, &SessionId)> = self
            .entries
            .iter()
            .filter_map(|(id, e)| Some((e.marked?, id)))
            .collect();
        marked.sort_unstable();
        marked.into_iter().map(|(_, id)| id.clone()).collect()
    }

    /// Who held `session`'s claim when it was marked, as its row showed it.
    pub fn claim_when_marked(&self, session: &SessionId) -> Option<&str> {
        self.entry(session)?.claim_when_marked.as_deref()
    }

    pub fn clear_marks(&mut self) {
        self.generation += 1;
        for entry in self.entries.values_mut() {
            entry.marked = None;
            entry.claim_when_marked = None;
        }
    }
}
