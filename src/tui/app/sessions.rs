//! The sessions listed in the sessions pane, most recently added first.
//!
//! Every change goes through a method that bumps [`SessionList::generation`], so
//! what is worked out from the list (the rows a filter leaves) is worked out
//! again only when the list changed, not at every look.

use std::collections::HashSet;
use std::ops::Deref;

use crate::ids::SessionId;

#[derive(Debug, Clone, Default)]
pub struct SessionList {
    ids: Vec<SessionId>,
    generation: u64,
}

impl Deref for SessionList {
    type Target = [SessionId];

    fn deref(&self) -> &[SessionId] {
        &self.ids
    }
}

impl<T> PartialEq<Vec<T>> for SessionList
where
    SessionId: PartialEq<T>,
{
    fn eq(&self, other: &Vec<T>) -> bool {
        self.ids.len() == other.len() && self.ids.iter().zip(other).all(|(a, b)| a == b)
    }
}

impl SessionList {
    /// Bumped at every change.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Appends those not listed yet, in order (thousands from `--from` in one go).
    pub fn extend(&mut self, ids: impl IntoIterator<Item = SessionId>) {
        let mut listed: HashSet<SessionId> = self.ids.iter().cloned().collect();
        for id in ids {
            if listed.insert(id.clone()) {
                self.ids.push(id);
            }
        }
        self.generation += 1;
    }

    /// Puts `ids` on top, in order, moving those already listed.
    pub fn put_first(&mut self, ids: &[SessionId]) {
        self.ids.retain(|s| !ids.contains(s));
        for (at, id) in ids.iter().enumerate() {
            self.ids.insert(at, id.clone());
        }
        self.generation += 1;
    }

    pub fn remove(&mut self, id: &SessionId) {
        self.ids.retain(|s| s != id);
        self.generation += 1;
    }
}
