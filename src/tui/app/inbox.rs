//! The inbox in the browser: its saved views as tabs over the sessions pane
//! (the first tab is the sessions opened here), each view's sessions newest
//! first, a page at a time from the store, kept live as webhooks arrive, and a
//! search of the whole inbox. The team's marks on it are `team_marks.rs`'s.

use super::model::Model;
use super::msg::{Cmd, Failure, InboxAsk, InboxRow, Req, ReqId};
use super::screen::{Pane, Status};
use crate::ids::SessionId;
use crate::inbox::{Order, Query, View};

/// Rows asked for at first, and added each time the cursor nears the last one:
/// a view of a million sessions costs what the screen shows, not a million rows.
pub const PAGE: u32 = 200;

/// A view's count on its tab stops here (shown as `9999+`): counting a million
/// rows would cost the first screen a second on PostgreSQL.
pub const COUNTED_AT_MOST: i64 = 9_999;

/// The changes of a session's marks its card shows, newest first; `veriff-tui
/// inbox log` prints them all.
pub const HISTORY_ON_CARD: usize = 5;

#[derive(Debug, Clone, PartialEq)]
pub struct Inbox {
    pub views: Vec<View>,
    /// 0: the sessions opened here; `n`: view `n - 1`.
    pub tab: usize,
    /// How many of the view's newest rows are asked for.
    pub limit: u32,
    /// Who marks, as `user@host`.
    pub who: String,
    /// How every view's rows are ordered (the sort key walks the orders).
    pub order: Order,
    /// `/` on a view: a search of every session, shown as a tab of its own
    /// until `Esc` returns to the view.
    pub search: Option<Search>,
    /// The row a page arriving puts the cursor on, once: where a search left.
    pub return_to: Option<SessionId>,
    /// A claim or a tag of the marked sessions on its way: its answers are
    /// said together, once all are in.
    pub bulk: Option<Bulk>,
}

/// The marks of many sessions on their way (`c`, `t` with sessions marked).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Bulk {
    /// The marks not answered yet.
    pub waiting: Vec<ReqId>,
    /// What was done to each, for the status line: `claimed`, `tagged done`.
    pub said: String,
    pub done: usize,
    /// Each refusal, with its session.
    pub refused: Vec<String>,
}

/// A search of the whole inbox, and where `Esc` returns to: the view's tab and
/// the row the cursor was on. The search's text is the sessions pane's filter.
#[derive(Debug, Clone, PartialEq)]
pub struct Search {
    /// Shown as the tab's name and the pane's title (`search: tamm`).
    pub view: View,
    pub back_cursor: usize,
    pub back_offset: usize,
    pub back_session: Option<SessionId>,
}

impl Inbox {
    pub fn new(views: Vec<View>, who: String, on_a_view: bool) -> Inbox {
        Inbox {
            tab: usize::from(on_a_view && !views.is_empty()),
            views,
            limit: PAGE,
            who,
            order: Order::default(),
            search: None,
            return_to: None,
            bulk: None,
        }
    }

    /// Every tab's name: the sessions opened here, then the views.
    pub fn tab_names(&self) -> impl Iterator<Item = &str> {
        std::iter::once("opened").chain(self.views.iter().map(|v| v.name.as_str()))
    }
}

impl Model {
    /// The view the sessions pane shows, when a view's tab is selected, or
    /// the search started from it.
    pub fn inbox_view(&self) -> Option<&View> {
        let inbox = self.inbox.as_ref()?;
        if let Some(search) = &inbox.search {
            return Some(&search.view);
        }
        self.inbox_tab_view()
    }

    /// The view whose tab is selected (under a search too).
    fn inbox_tab_view(&self) -> Option<&View> {
        let inbox = self.inbox.as_ref()?;
        inbox.tab.checked_sub(1).and_then(|i| inbox.views.get(i))
    }

    /// The rows of the view shown (`None`: the sessions opened here are shown).
    pub fn inbox_rows(&self) -> Option<&[InboxRow]> {
        self.inbox_view()?;
        Some(self.store.inbox.shown.as_ref().map_or(&[], |page| &page.rows))
    }

    /// What the inbox knows of `session`, if its row is loaded.
    pub fn inbox_row(&self, session: &SessionId) -> Option<&InboxRow> {
        let page = self.store.inbox.shown.as_ref()?;
        page.rows.iter().find(|row| &row.id == session)
    }

    /// A view's count, once known.
    pub fn inbox_count(&self, view: usize) -> Option<i64> {
        self.store.inbox.shown.as_ref()?.counts.get(view).copied().flatten()
    }

    /// The query the view's rows come from, in the order chosen: the view's
    /// own, then what `/` added; a search's text alone (with `in:view`, after
    /// the view's). A `sort:` typed wins over the sort key's.
    fn inbox_ask(&self) -> Option<InboxAsk> {
        let inbox = self.inbox.as_ref()?;
        let filter = &self.pane(Pane::Sessions).filter;
        let sort = match inbox.order {
            Order::Newest => String::new(),
            order => format!("sort:{} ", order.name()),
        };
        let query = match (&inbox.search, self.inbox_tab_view()) {
            (Some(_), Some(view)) if filter.split_whitespace().any(|w| w == "in:view") => {
                Some(format!("{sort}{} {filter}", view.query))
            }
            (Some(_), _) => Some(format!("{sort}{filter}")),
            (None, view) => view.map(|view| format!("{sort}{} {filter}", view.query)),
        };
        Some(InboxAsk {
            query,
            limit: inbox.limit,
            counts: inbox.views.iter().map(|v| v.query.clone()).collect(),
            me: inbox.who.clone(),
        })
    }

    /// `/` on an inbox view: a search of every session starts, its text typed
    /// in the status line. `false`: no view is shown (the filter is the pane's).
    pub(super) fn start_search(&mut self) -> bool {
        if self.inbox_view().is_none() {
            return false;
        }
        let state = self.pane(Pane::Sessions).clone();
        let back_session = self.selected_session().cloned();
        let Some(inbox) = self.inbox.as_mut() else {
            return false;
        };
        if inbox.search.is_none() {
            inbox.search = Some(Search {
                view: View {
                    name: "search:".to_owned(),
                    query: String::new(),
                },
                back_cursor: state.cursor,
                back_offset: state.offset,
                back_session,
            });
            inbox.limit = PAGE;
            let state = self.pane_mut(Pane::Sessions);
            state.filter.clear();
            state.cursor = 0;
            state.offset = 0;
            // The view's rows are not the search's: loading until they come.
            if let Some(page) = self.store.inbox.shown.as_mut() {
                page.rows.clear();
                page.more = false;
            }
        }
        true
    }

    /// The search's tab is named after its text.
    pub(super) fn search_typed(&mut self) {
        let text = self.pane(Pane::Sessions).filter.trim().to_owned();
        if let Some(search) = self.inbox.as_mut().and_then(|inbox| inbox.search.as_mut()) {
            search.view.name = format!("search: {text}");
        }
    }

    /// `Esc` on a search: back to the view it started from, on the row it was on.
    pub(super) fn end_search(&mut self) -> Option<Vec<Cmd>> {
        let search = self.inbox.as_mut()?.search.take()?;
        if let Some(inbox) = self.inbox.as_mut() {
            inbox.limit = PAGE.max(u32::try_from(search.back_cursor + 1).unwrap_or(u32::MAX));
            inbox.return_to = search.back_session;
        }
        let state = self.pane_mut(Pane::Sessions);
        state.filter.clear();
        state.cursor = search.back_cursor;
        state.offset = search.back_offset;
        if let Some(page) = self.store.inbox.shown.as_mut() {
            page.rows.clear();
            page.more = false;
        }
        Some(self.want_inbox())
    }

    /// Asks the inbox for the view's rows and the counts again (what is shown
    /// stays until they arrive). A query that does not parse is said at once.
    pub(super) fn want_inbox(&mut self) -> Vec<Cmd> {
        let Some(ask) = self.inbox_ask() else {
            return Vec::new();
        };
        if let Some(Err(e)) = ask.query.as_deref().map(Query::parse) {
            self.status = Some(Status::error(format!("query: {e}")));
            return Vec::new();
        }
        let mut cmds = Vec::new();
        if let Some((_, asked)) = &self.store.inbox.pending
            && *asked != ask
        {
            cmds.push(Cmd::Cancel(vec![Req::Inbox(asked.clone())]));
        }
        cmds.extend(self.want(Req::Inbox(ask), true, false));
        cmds
    }

    /// The selected session's mark history, for its card (`again`: read anew,
    /// the inbox moved). Only a run with an inbox has one.
    pub(super) fn want_history(&mut self, again: bool) -> Vec<Cmd> {
        let Some(session) = self.selected_session().cloned().filter(|_| self.inbox.is_some()) else {
            return Vec::new();
        };
        self.want(Req::MarkLog(session), again, false).into_iter().collect()
    }

    /// A view's rows near the cursor's end, when more match: the next page.
    pub(super) fn inbox_more(&mut self) -> Vec<Cmd> {
        let Some(page) = self.inbox_view().and(self.store.inbox.shown.as_ref()) else {
            return Vec::new();
        };
        let near_end = self.pane(Pane::Sessions).cursor + 2 * self.list_rows.max(1) >= page.rows.len();
        if !page.more || !near_end || self.store.inbox.pending.is_some() {
            return Vec::new();
        }
        if let Some(inbox) = self.inbox.as_mut() {
            inbox.limit = inbox.limit.saturating_add(PAGE);
        }
        self.want_inbox()
    }
}

/// The inbox changed (a webhook, a mark, here or in another browser): what is
/// shown is asked for again unless it already shows this revision.
pub(super) fn changed(model: &mut Model, revision: i64) -> Vec<Cmd> {
    let shown = model.store.inbox.shown.as_ref().map(|page| page.revision);
    if model.inbox.is_none() || shown == Some(revision) {
        return Vec::new();
    }
    // Other sessions' histories are read again when their cards show.
    let selected = model.selected_session().cloned();
    let stale = model.store.forget_mark_logs(selected.as_ref());
    let mut cmds = model.want_inbox();
    cmds.extend(model.want_history(true));
    if !stale.is_empty() {
        cmds.push(Cmd::Cancel(stale));
    }
    cmds
}

/// A page arrived: the cursor stays on the session it was on (new webhooks put
/// rows above it), and a new selection is loaded like any other.
pub(super) fn arrived(model: &mut Model, before: Option<SessionId>, failed: Option<Failure>) -> Vec<Cmd> {
    if let Some(e) = failed {
        model.status = Some(Status::error(model.failure_text("the inbox", &e)));
        return Vec::new();
    }
    let Some(rows) = model.inbox_rows() else {
        return Vec::new();
    };
    let len = rows.len();
    // Back from a search: the row it started from, wherever it is now.
    let back = model.inbox.as_ref().and_then(|inbox| inbox.return_to.clone());
    let kept = back
        .as_ref()
        .or(before.as_ref())
        .and_then(|id| rows.iter().position(|row| &row.id == id));
    if let Some(inbox) = model.inbox.as_mut() {
        inbox.return_to = None;
    }
    let state = model.pane(Pane::Sessions);
    let cursor = kept.unwrap_or(state.cursor).min(len.saturating_sub(1));
    let rows_shown = model.list_rows.max(1);
    let state = model.pane_mut(Pane::Sessions);
    state.cursor = cursor;
    if cursor < state.offset {
        state.offset = cursor;
    } else if cursor >= state.offset + rows_shown {
        state.offset = cursor + 1 - rows_shown;
    }
    if model.selected_session() == before.as_ref() {
        return Vec::new();
    }
    model.select_session(cursor)
}

/// `]` and `[`: the next or previous tab, from its first row and without a
/// query; the place left is a jump back.
pub(super) fn switch_view(model: &mut Model, step: isize) -> Vec<Cmd> {
    let Some(inbox) = model.inbox.as_ref() else {
        model.status = Some(Status::info(
            "no inbox in this run: `veriff-tui inbox` opens the browser on one",
        ));
        return Vec::new();
    };
    let tabs = inbox.views.len() as isize + 1;
    let tab = (inbox.tab as isize + step).rem_euclid(tabs) as usize;
    let here = model.here();
    model.jumps.leave(here);
    show_tab(model, tab, 0, None)
}

/// Shows tab `tab` (0: the sessions opened here) without a query, on
/// `session`'s row, else on row `cursor`.
pub(super) fn show_tab(model: &mut Model, tab: usize, cursor: usize, session: Option<SessionId>) -> Vec<Cmd> {
    let mut cmds = Vec::new();
    if let Some(inbox) = model.inbox.as_mut() {
        inbox.search = None;
        inbox.tab = tab.min(inbox.views.len());
        inbox.limit = PAGE.max(u32::try_from(cursor + 1).unwrap_or(u32::MAX));
        inbox.return_to = session.clone().filter(|_| tab > 0);
        let state = model.pane_mut(Pane::Sessions);
        state.filter.clear();
        state.cursor = cursor;
        state.offset = 0;
        // The last view's rows are not this one's: the pane says loading until they come.
        if let Some(page) = model.store.inbox.shown.as_mut() {
            page.rows.clear();
            page.more = false;
        }
        cmds = model.want_inbox();
    }
    model.focus = Pane::Sessions;
    if model.inbox_view().is_none() {
        let found = session.and_then(|s| model.visible_sessions().iter().position(|v| **v == s));
        let last = model.visible_session_count().saturating_sub(1);
        cmds.extend(model.select_session(found.unwrap_or(cursor).min(last)));
    }
    cmds
}

/// The sort key: the next order for every view, from the first row.
pub(super) fn next_order(model: &mut Model) -> Vec<Cmd> {
    let Some(inbox) = model.inbox.as_mut() else {
        model.status = Some(Status::info(
            "no inbox in this run: `veriff-tui inbox` opens the browser on one",
        ));
        return Vec::new();
    };
    inbox.order = inbox.order.next();
    inbox.limit = PAGE;
    let said = inbox.order.said();
    model.status = Some(Status::info(format!("inbox rows {said}")));
    let state = model.pane_mut(Pane::Sessions);
    state.cursor = 0;
    state.offset = 0;
    model.want_inbox()
}
