//! The team's marks on the inbox: a claim, a tag, a one-line note, never sent to
//! Veriff; for the selected session, or (`c`, `t`) every session marked at once,
//! after a question naming whose claims are taken over.

use super::inbox::Bulk;
use super::model::Model;
use super::msg::{Cmd, Failure, InboxRow, ReqId};
use super::overlays::confirm::Confirm;
use super::overlays::note::NoteEdit;
use super::overlays::tag::TagMenu;
use super::screen::{Overlay, Status};
use crate::ids::SessionId;
use crate::inbox::{MarkChange, NOTE_MAX};
use crate::tui::keymap::Action;

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
    model.overlay = asking_the_holder_first(
        model,
        &row,
        "tag another's claim",
        "Tag it anyway? They see your tag at their next look.",
        menu,
    );
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
    model.overlay = asking_the_holder_first(
        model,
        &row,
        "note on another's claim",
        "Write a note on it anyway? They see it at their next look.",
        editor,
    );
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

/// `then` (a tag's menu, a note's editor) for `row`'s session; on someone
/// else's claim, first a question naming them, `then` opened on yes.
fn asking_the_holder_first(model: &Model, row: &InboxRow, title: &str, question: &str, then: Overlay) -> Overlay {
    match others_claim(model, row) {
        Some(holder) => Overlay::Confirm(
            Confirm::new(title, holder_lines(&holder, &row.id, question), None, Vec::new()).then_open(then),
        ),
        None => then,
    }
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
    Some((model.session_for(action, what)?, who))
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
