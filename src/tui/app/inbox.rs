//! The inbox in the browser: its saved views as tabs over the sessions pane
//! (the first tab is the sessions opened here), each view's sessions newest
//! first, a page at a time from the store, kept live as webhooks arrive; and the
//! team's marks: a claim, a tag, a one-line note, never sent to Veriff.

use super::input::session_for;
use super::model::{Model, Overlay, Pane, Status};
use super::msg::{Cmd, Failure, InboxAsk, InboxRow, Req, ReqId};
use super::overlays::confirm::Confirm;
use super::overlays::note::NoteEdit;
use super::overlays::tag::TagMenu;
use crate::ids::SessionId;
use crate::inbox::{MarkChange, NOTE_MAX, Order, Query, View};
use crate::tui::keymap::Action;

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

/// `c`: claim the selected session, or give up one's own claim. Someone else's
/// claim is taken over only once that is confirmed, naming them.
pub(super) fn claim(model: &mut Model) -> Vec<Cmd> {
    if let Some(who) = marking_many(model) {
        return claim_marked(model, &who);
    }
    let Some((session, who)) = marking(model, Action::Claim, "claims") else {
        return Vec::new();
    };
    let holder = model.inbox_row(&session).and_then(|row| row.marks.claimed_by.clone());
    match holder {
        Some(holder) if holder == who => mark(model, session, MarkChange::Unclaim),
        Some(holder) => {
            let id = model.req();
            let change = MarkChange::Claim {
                from: Some(holder.clone()),
            };
            let question = Confirm::new(
                "take over a claim",
                holder_lines(
                    &holder,
                    &session,
                    "Take it over? They see it is yours at their next look.",
                ),
                None,
                vec![Cmd::Mark { id, session, change }],
            );
            model.overlay = Overlay::Confirm(question);
            Vec::new()
        }
        None => mark(model, session, MarkChange::Claim { from: None }),
    }
}

/// `t`: the selected session's tag, chosen from a menu; on someone else's
/// claim, after a question naming them.
pub(super) fn tag(model: &mut Model) -> Vec<Cmd> {
    if let Some(who) = marking_many(model) {
        return tag_marked(model, &who);
    }
    let Some((session, row)) = marking_row(model, Action::Tag, "tags") else {
        return Vec::new();
    };
    let menu = Overlay::Tag(TagMenu::new(session.clone(), row.marks.tag.clone()));
    model.overlay = match others_claim(model, &row) {
        Some(holder) => Overlay::Confirm(
            Confirm::new(
                "tag another's claim",
                holder_lines(
                    &holder,
                    &session,
                    "Tag it anyway? They see your tag at their next look.",
                ),
                None,
                Vec::new(),
            )
            .then_open(menu),
        ),
        None => menu,
    };
    Vec::new()
}

/// `n`: a one-line note on the selected session, prefilled with its note (not
/// under `--redact`, where it is hidden); on someone else's claim, after a
/// question naming them.
pub(super) fn note(model: &mut Model) -> Vec<Cmd> {
    let Some((session, row)) = marking_row(model, Action::Note, "notes") else {
        return Vec::new();
    };
    let editor = Overlay::Note(NoteEdit::new(session.clone(), row.marks.note.clone(), model.redact.on));
    model.overlay = match others_claim(model, &row) {
        Some(holder) => Overlay::Confirm(
            Confirm::new(
                "note on another's claim",
                holder_lines(
                    &holder,
                    &session,
                    "Write a note on it anyway? They see it at their next look.",
                ),
                None,
                Vec::new(),
            )
            .then_open(editor),
        ),
        None => editor,
    };
    Vec::new()
}

/// The note typed: kept (cut to [`NOTE_MAX`] characters), or cleared when the
/// note shown was emptied. Nothing is written when nothing changed: an editor
/// that opened empty (a note hidden by `--redact` among them) and is left
/// empty, or a note kept as it was.
pub(super) fn submit_note(model: &mut Model) -> Vec<Cmd> {
    let Overlay::Note(edit) = std::mem::take(&mut model.overlay) else {
        return Vec::new();
    };
    let text: String = edit.input.value().trim().chars().take(NOTE_MAX).collect();
    let short = edit.session.short();
    if text.is_empty() && edit.was.is_none() {
        model.status = Some(Status::info(if edit.hidden {
            format!("nothing typed: the hidden note on session {short} is kept as it was")
        } else {
            format!("nothing typed: no note written on session {short}")
        }));
        return Vec::new();
    }
    if edit.was.as_deref() == Some(text.as_str()) {
        model.status = Some(Status::info(format!("the note on session {short} is unchanged")));
        return Vec::new();
    }
    mark(
        model,
        edit.session,
        MarkChange::Note((!text.is_empty()).then_some(text)),
    )
}

/// Who marks, when sessions are marked and the inbox is there to mark them in:
/// then `c` and `t` act on every marked session.
fn marking_many(model: &Model) -> Option<String> {
    let who = model.inbox.as_ref()?.who.clone();
    (model.store.marked_count() > 0).then_some(who)
}

/// Who holds `session`'s claim: its row where the view shows it, else as its
/// row showed it when it was marked. A claim taken since is not overridden:
/// the store refuses a take-over from anyone but the holder named.
fn holder_of(model: &Model, session: &SessionId) -> Option<String> {
    match model.inbox_row(session) {
        Some(row) => row.marks.claimed_by.clone(),
        None => model.store.claim_when_marked(session).map(str::to_owned),
    }
}

/// The marked sessions' claims held by others, counted per holder:
/// `2 from ann@desk1, 1 from bob@desk2`.
fn others_claims(model: &Model, sessions: &[SessionId], who: &str) -> Vec<(String, usize)> {
    let mut held: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for session in sessions {
        if let Some(holder) = holder_of(model, session).filter(|h| h != who) {
            *held.entry(holder).or_default() += 1;
        }
    }
    held.into_iter().collect()
}

fn counted(held: &[(String, usize)]) -> String {
    held.iter()
        .map(|(holder, n)| format!("{n} from {holder}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `c` with sessions marked: one question, saying how many and whose claims
/// are taken over, then a claim of each (one's own left as they are).
fn claim_marked(model: &mut Model, who: &str) -> Vec<Cmd> {
    let sessions = super::export::marked_in_order(model);
    let count = sessions.len();
    let held = others_claims(model, &sessions, who);
    let marks: Vec<(SessionId, MarkChange)> = sessions
        .iter()
        .filter_map(|session| {
            let from = holder_of(model, session);
            (from.as_deref() != Some(who)).then(|| (session.clone(), MarkChange::Claim { from }))
        })
        .collect();
    let mine = count - marks.len();
    if marks.is_empty() {
        model.status = Some(Status::info(format!(
            "the {count} marked sessions are yours already: nothing to claim"
        )));
        return Vec::new();
    }
    let mut lines = vec![format!("Claim the {count} marked sessions in the inbox?")];
    if mine > 0 {
        lines.push(format!("{mine} of them are yours already: they stay so."));
    }
    if held.is_empty() {
        lines.push("Nobody else has claimed any of them.".to_owned());
    } else {
        lines.push(format!(
            "Takes over {}: they see it is yours at their next look.",
            counted(&held)
        ));
    }
    let then = mark_many(model, marks, "claimed".to_owned());
    model.overlay = Overlay::Confirm(Confirm::new(format!("claim {count} sessions"), lines, None, then));
    Vec::new()
}

/// `t` with sessions marked: one question, saying how many and whose claims
/// they are under, then the tag menu for all of them.
fn tag_marked(model: &mut Model, who: &str) -> Vec<Cmd> {
    let sessions = super::export::marked_in_order(model);
    let count = sessions.len();
    let held = others_claims(model, &sessions, who);
    let mut lines = vec![format!("Tag the {count} marked sessions in the inbox?")];
    if held.is_empty() {
        lines.push("None of them is claimed by anyone else.".to_owned());
    } else {
        lines.push(format!(
            "Claimed by others ({}): they see your tag at their next look; no claim is taken over.",
            counted(&held)
        ));
    }
    model.overlay = Overlay::Confirm(
        Confirm::new(format!("tag {count} sessions"), lines, None, Vec::new())
            .then_open(Overlay::Tag(TagMenu::many(sessions))),
    );
    Vec::new()
}

/// A mark for each session, their answers said together once all are in.
pub(super) fn mark_many(model: &mut Model, marks: Vec<(SessionId, MarkChange)>, said: String) -> Vec<Cmd> {
    let cmds: Vec<Cmd> = marks
        .into_iter()
        .map(|(session, change)| Cmd::Mark {
            id: model.req(),
            session,
            change,
        })
        .collect();
    let waiting = cmds
        .iter()
        .filter_map(|c| match c {
            Cmd::Mark { id, .. } => Some(*id),
            _ => None,
        })
        .collect();
    if let Some(inbox) = model.inbox.as_mut() {
        inbox.bulk = Some(Bulk {
            waiting,
            said,
            ..Bulk::default()
        });
    }
    cmds
}

/// A mark of many answered: counted; once the last is in, said for all, and
/// the view asked for again. `None`: the mark was not one of many.
fn marked_one_of_many(
    model: &mut Model,
    id: ReqId,
    session: &SessionId,
    result: &Result<(), Failure>,
) -> Option<Vec<Cmd>> {
    let bulk = model.inbox.as_mut()?.bulk.as_mut()?;
    let at = bulk.waiting.iter().position(|w| *w == id)?;
    bulk.waiting.swap_remove(at);
    match result {
        Ok(()) => bulk.done += 1,
        Err(e) => bulk.refused.push(format!("session {}: {}", session.short(), e.message)),
    }
    if !bulk.waiting.is_empty() {
        return Some(Vec::new());
    }
    let bulk = model.inbox.as_mut()?.bulk.take()?;
    let Bulk {
        said, done, refused, ..
    } = bulk;
    model.status = Some(if refused.is_empty() {
        Status::success(format!("{said} {done} sessions (in the inbox only, not at Veriff)"))
    } else {
        Status::error(format!(
            "{said} {done} sessions; {} refused: {}",
            refused.len(),
            refused.join("; ")
        ))
    });
    let mut cmds = model.want_inbox();
    cmds.extend(model.want_history(true));
    Some(cmds)
}

/// The question's lines before changing a session someone else claimed.
fn holder_lines(holder: &str, session: &SessionId, question: &str) -> Vec<String> {
    vec![
        format!("{holder} has claimed session {}.", session.short()),
        question.to_owned(),
    ]
}

/// Who holds the claim on `row`'s session, when it is not the one marking.
fn others_claim(model: &Model, row: &InboxRow) -> Option<String> {
    let who = model.inbox.as_ref().map(|inbox| inbox.who.as_str());
    row.marks
        .claimed_by
        .clone()
        .filter(|holder| Some(holder.as_str()) != who)
}

/// The session a tag or a note is for, with its row: the team's marks must be
/// shown before they are changed (the tab of sessions opened here shows none).
fn marking_row(model: &mut Model, action: Action, what: &str) -> Option<(SessionId, InboxRow)> {
    let (session, _) = marking(model, action, what)?;
    let Some(row) = model.inbox_row(&session).cloned() else {
        model.status = Some(Status::info(format!(
            "{} {what} sessions of an inbox view, where the team's marks show: {} goes to one",
            model.browse_key(action),
            model.browse_key(Action::NextView)
        )));
        return None;
    };
    Some((session, row))
}

/// The session a mark is for and who sets it; the status line says why not.
fn marking(model: &mut Model, action: Action, what: &str) -> Option<(SessionId, String)> {
    let Some(who) = model.inbox.as_ref().map(|inbox| inbox.who.clone()) else {
        model.status = Some(Status::info(format!(
            "{} {what} sessions in the inbox: `veriff-tui inbox` opens the browser on one",
            model.browse_key(action)
        )));
        return None;
    };
    Some((session_for(model, action, what)?, who))
}

fn mark(model: &mut Model, session: SessionId, change: MarkChange) -> Vec<Cmd> {
    let id = model.req();
    vec![Cmd::Mark { id, session, change }]
}

/// A mark was set (or refused): said, and the view asked for again at once.
pub(super) fn marked(
    model: &mut Model,
    id: ReqId,
    session: &SessionId,
    change: &MarkChange,
    result: Result<(), Failure>,
) -> Vec<Cmd> {
    if let Some(cmds) = marked_one_of_many(model, id, session, &result) {
        return cmds;
    }
    let short = session.short();
    match result {
        Ok(()) => {
            let said = match change {
                MarkChange::Claim { from: None } => format!("claimed session {short}"),
                MarkChange::Claim { from: Some(from) } => format!("took session {short} over from {from}"),
                MarkChange::Unclaim => format!("gave up the claim on session {short}"),
                MarkChange::Tag(Some(tag)) => format!("tagged session {short} {tag}"),
                MarkChange::Tag(None) => format!("session {short} untagged"),
                MarkChange::Note(Some(_)) => format!("note kept on session {short}"),
                MarkChange::Note(None) => format!("note on session {short} cleared"),
            };
            model.status = Some(Status::success(format!("{said} (in the inbox only, not at Veriff)")));
            let mut cmds = model.want_inbox();
            if model.selected_session() == Some(session) {
                cmds.extend(model.want_history(true));
            }
            cmds
        }
        Err(e) => {
            model.status = Some(Status::error(format!("session {short}: {}", e.message)));
            // What changed meanwhile is shown.
            model.want_inbox()
        }
    }
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
