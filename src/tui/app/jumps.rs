//! Moving around: a session opened (a linked one, `a`, `N`) is shown where
//! the person is, and a jump list walks back (`Ctrl-O`, as in vim and helix)
//! and forward through the sessions and views left behind.

use super::model::Model;
use super::msg::Cmd;
use super::screen::{Pane, Status};
use crate::ids::SessionId;
use crate::tui::keymap::Action;

/// Places the jump list keeps, as vim's does.
pub const JUMPS_KEPT: usize = 100;

/// A place to come back to: a tab (0: the sessions opened here; `n`: the
/// inbox's view `n - 1`) and the row on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub tab: usize,
    pub session: Option<SessionId>,
    /// The row's position, where its session is no longer there.
    pub cursor: usize,
}

/// The places left by jumps, oldest first, and where back and forward are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Jumps {
    places: Vec<Place>,
    /// The place shown, as an index of `places`; `places.len()` after a jump.
    at: usize,
}

impl Jumps {
    /// A jump leaves `here`: it becomes the newest place, and those ahead of
    /// it (after going back) are forgotten, as vim does.
    pub fn leave(&mut self, here: Place) {
        self.places.truncate(self.at);
        if self.places.last() != Some(&here) {
            self.places.push(here);
        }
        if self.places.len() > JUMPS_KEPT {
            self.places.remove(0);
        }
        self.at = self.places.len();
    }

    /// The place before `here`, which is kept to come forward to.
    pub fn back(&mut self, here: Place) -> Option<Place> {
        if self.at == 0 {
            return None;
        }
        match self.places.get_mut(self.at) {
            Some(place) => *place = here,
            None => self.places.push(here),
        }
        self.at -= 1;
        self.places.get(self.at).cloned()
    }

    /// The place after `here`, once back was taken.
    pub fn forward(&mut self, here: Place) -> Option<Place> {
        if self.at + 1 >= self.places.len() {
            return None;
        }
        self.places[self.at] = here;
        self.at += 1;
        self.places.get(self.at).cloned()
    }

    /// An erased session is named by no place: each keeps its tab and row.
    pub fn forget(&mut self, session: &SessionId) {
        for place in &mut self.places {
            if place.session.as_ref() == Some(session) {
                place.session = None;
            }
        }
    }
}

impl Model {
    /// Where the person is: the tab and the row.
    pub fn here(&self) -> Place {
        Place {
            tab: self.inbox.as_ref().map_or(0, |inbox| inbox.tab),
            session: self.selected_session().cloned(),
            cursor: self.pane(Pane::Sessions).cursor,
        }
    }
}

/// Shows `session` where the person is: on its row when the view shown has
/// it, else on the tab of sessions opened here (put on top of it, and
/// remembered, if it was not there). The place left is a jump back.
pub(super) fn open_here(model: &mut Model, session: &SessionId) -> Vec<Cmd> {
    let here = model.here();
    model.jumps.leave(here);
    model.focus = Pane::Sessions;
    if let Some(index) = model.visible_sessions().iter().position(|s| *s == session) {
        return model.select_session(index);
    }
    let mut cmds = Vec::new();
    if !model.sessions.contains(session) {
        model.sessions.put_first(std::slice::from_ref(session));
        cmds.push(Cmd::Remember(crate::history::Change::Added(vec![session.clone()])));
    }
    // A filter that hides it gives way.
    if model.inbox_view().is_none() {
        model.pane_mut(Pane::Sessions).filter.clear();
    }
    let cursor = model.sessions.iter().position(|s| s == session).unwrap_or(0);
    cmds.extend(super::inbox::show_tab(model, 0, cursor, Some(session.clone())));
    cmds
}

/// Back (`Ctrl-O`) or forward along the jump list.
pub(super) fn jump(model: &mut Model, back: bool) -> Vec<Cmd> {
    let here = model.here();
    let place = if back {
        model.jumps.back(here)
    } else {
        model.jumps.forward(here)
    };
    let Some(place) = place else {
        let (way, other) = if back {
            ("back", Action::Forward)
        } else {
            ("forward", Action::Back)
        };
        model.status = Some(Status::info(format!(
            "nothing further {way}: opening a session or another view adds a place, {} goes the other way",
            model.browse_key(other)
        )));
        return Vec::new();
    };
    go_to(model, place)
}

/// Shows `place`: its tab, on its session's row (else on the row at its position).
fn go_to(model: &mut Model, place: Place) -> Vec<Cmd> {
    model.focus = Pane::Sessions;
    let same_tab = model
        .inbox
        .as_ref()
        .is_none_or(|inbox| inbox.tab == place.tab && inbox.search.is_none());
    if !same_tab {
        return super::inbox::show_tab(model, place.tab, place.cursor, place.session);
    }
    let index = place
        .session
        .as_ref()
        .and_then(|session| model.visible_sessions().iter().position(|s| *s == session));
    let last = model.visible_session_count().saturating_sub(1);
    model.select_session(index.unwrap_or(place.cursor.min(last)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(tab: usize, id: &str) -> Place {
        Place {
            tab,
            session: Some(SessionId::from(id)),
            cursor: 0,
        }
    }

    #[test]
    fn back_and_forward_walk_the_places_left_and_a_new_jump_forgets_those_ahead() {
        let mut jumps = Jumps::default();
        assert_eq!(jumps.back(place(0, "a")), None, "nothing to go back to");
        jumps.leave(place(1, "a"));
        jumps.leave(place(2, "b"));
        // At c: back to b, back to a, no further; forward to b, then c.
        assert_eq!(jumps.back(place(0, "c")), Some(place(2, "b")));
        assert_eq!(jumps.back(place(2, "b")), Some(place(1, "a")));
        assert_eq!(jumps.back(place(1, "a")), None);
        assert_eq!(jumps.forward(place(1, "a")), Some(place(2, "b")));
        assert_eq!(jumps.forward(place(2, "b")), Some(place(0, "c")));
        assert_eq!(jumps.forward(place(0, "c")), None);
        // Back to b, then a jump from there: c is forgotten.
        assert_eq!(jumps.back(place(0, "c")), Some(place(2, "b")));
        jumps.leave(place(2, "b"));
        assert_eq!(jumps.forward(place(0, "d")), None);
        assert_eq!(jumps.back(place(0, "d")), Some(place(2, "b")));
    }

    #[test]
    fn an_erased_session_is_named_by_no_place_and_its_row_stays_a_place() {
        let mut jumps = Jumps::default();
        jumps.leave(place(1, "a"));
        jumps.leave(place(2, "b"));
        jumps.forget(&SessionId::from("a"));
        assert_eq!(jumps.back(place(0, "c")), Some(place(2, "b")));
        let erased = jumps.back(place(2, "b")).unwrap();
        assert_eq!((erased.tab, erased.session, erased.cursor), (1, None, 0));
    }

    #[test]
    fn the_list_keeps_the_newest_places_only() {
        let mut jumps = Jumps::default();
        for i in 0..JUMPS_KEPT + 10 {
            jumps.leave(place(0, &format!("{i:08}-0000-4000-8000-000000000000")));
        }
        let mut walked = 0;
        let mut here = place(0, "ffffffff-0000-4000-8000-000000000000");
        while let Some(place) = jumps.back(here.clone()) {
            here = place;
            walked += 1;
        }
        assert_eq!(walked, JUMPS_KEPT);
        assert_eq!(here, place(0, "00000010-0000-4000-8000-000000000000"));
    }
}
