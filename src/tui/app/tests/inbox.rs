//! The inbox in `update`, as functions: views as tabs, pages that keep the
//! selection, queries, live changes, and the team's marks.

use crossterm::event::KeyCode;

use crate::ids::SessionId;
use crate::inbox::{MarkChange, Marks, SessionRow, View};
use crate::tui::app::inbox::{COUNTED_AT_MOST, Inbox, PAGE};
use crate::tui::app::testkit::{press, press_code, said};
use crate::tui::app::{Cmd, InboxAsk, InboxPage, InboxRow, Model, Msg, Overlay, Payload, Req, update};

fn views() -> Vec<View> {
    [("needs review", "status:review"), ("all", "")]
        .map(|(name, query)| View {
            name: name.into(),
            query: query.into(),
        })
        .to_vec()
}

/// A browser opened as `veriff-tui inbox`, on its first view, as `me@desk`.
fn on_the_inbox() -> (Model, Vec<Cmd>) {
    let mut model = Model::new("h".into(), None);
    model.inbox = Some(Inbox::new(views(), "me@desk".into(), true));
    let (mut model, cmds) = model.start(vec![], vec![]);
    let _ = update(&mut model, Msg::Resize { width: 120, height: 30 });
    (model, cmds)
}

fn row(id: &str, name: &str, marks: Marks) -> InboxRow {
    InboxRow {
        id: SessionId::from(id),
        index: SessionRow {
            id: id.into(),
            status: Some("review".into()),
            person_name: Some(name.into()),
            ..Default::default()
        },
        marks,
    }
}

/// The inbox load among `cmds`, answered with `rows`.
fn answer_page(model: &mut Model, cmds: &[Cmd], rows: Vec<InboxRow>, revision: i64) -> Vec<Cmd> {
    let (id, req) = inbox_load(cmds);
    let page = InboxPage {
        more: false,
        counts: vec![Some(rows.len() as i64), Some(rows.len() as i64)],
        rows,
        revision,
    };
    update(
        model,
        Msg::Loaded {
            id,
            req,
            result: Ok(Payload::Inbox(page)),
        },
    )
}

/// The screen at 160x45, as one string.
fn screen(model: &Model) -> String {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    let mut terminal = Terminal::new(TestBackend::new(160, 45)).unwrap();
    terminal
        .draw(|f| crate::tui::ui::view(model, &crate::tui::ui::Theme { color: false }, f))
        .unwrap();
    terminal
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol())
        .collect()
}

/// The last inbox load among `cmds` (typing asks at each key).
fn inbox_load(cmds: &[Cmd]) -> (u64, Req) {
    cmds.iter()
        .rev()
        .find_map(|c| match c {
            Cmd::Load {
                id,
                req: req @ Req::Inbox(_),
                ..
            } => Some((*id, req.clone())),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no inbox load in {cmds:?}"))
}

fn asked(cmds: &[Cmd]) -> InboxAsk {
    match inbox_load(cmds).1 {
        Req::Inbox(ask) => ask,
        _ => unreachable!(),
    }
}

fn mark_of(cmds: &[Cmd]) -> &MarkChange {
    cmds.iter()
        .find_map(|c| match c {
            Cmd::Mark { change, .. } => Some(change),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no mark in {cmds:?}"))
}

#[test]
fn the_inbox_opens_on_its_first_view_and_the_selection_stays_as_rows_arrive_above_it() {
    let (mut model, cmds) = on_the_inbox();
    assert!(model.overlay.is_none(), "the inbox needs no session id to start");
    let ask = asked(&cmds);
    assert_eq!(ask.query.as_deref().map(str::trim), Some("status:review"));
    assert_eq!(ask.limit, PAGE);
    assert_eq!(ask.counts, ["status:review", ""]);
    let opened = answer_page(
        &mut model,
        &cmds,
        vec![row("s-1", "ONE", Marks::default()), row("s-2", "TWO", Marks::default())],
        1,
    );
    // The first row is selected and opened like any session.
    assert_eq!(model.selected_session().map(|s| s.as_str()), Some("s-1"));
    assert!(
        opened
            .iter()
            .any(|c| matches!(c, Cmd::Load { req: Req::Decision(s), .. } if s.as_str() == "s-1"))
    );
    let cmds = press(&mut model, "j");
    assert_eq!(model.selected_session().map(|s| s.as_str()), Some("s-2"));
    // A webhook elsewhere: the view is asked for again; a new row lands on top and
    // the cursor stays on the session it was on.
    let cmds = [cmds, update(&mut model, Msg::InboxChanged(2))].concat();
    answer_page(
        &mut model,
        &cmds,
        vec![
            row("s-0", "NEW", Marks::default()),
            row("s-1", "ONE", Marks::default()),
            row("s-2", "TWO", Marks::default()),
        ],
        2,
    );
    assert_eq!(model.selected_session().map(|s| s.as_str()), Some("s-2"));
    assert_eq!(model.pane(crate::tui::app::Pane::Sessions).cursor, 2);
    // The same revision again costs nothing.
    assert!(update(&mut model, Msg::InboxChanged(2)).is_empty());
}

#[test]
fn tabs_switch_views_and_slash_runs_a_query_with_the_views_own() {
    let (mut model, cmds) = on_the_inbox();
    answer_page(&mut model, &cmds, vec![row("s-1", "ONE", Marks::default())], 1);
    let cmds = press(&mut model, "]");
    assert_eq!(
        asked(&cmds).query.as_deref().map(str::trim),
        Some(""),
        "the second view: all"
    );
    assert_eq!(model.inbox_view().map(|v| v.name.as_str()), Some("all"));
    // `]` past the last view is the tab of the sessions opened here.
    let cmds = press(&mut model, "]");
    assert_eq!(asked(&cmds).query, None);
    assert!(model.inbox_view().is_none());
    press(&mut model, "[");
    // `/` on a view: what is typed runs in the inbox, after the view's query.
    press(&mut model, "/");
    let cmds = press(&mut model, "name:spec");
    assert_eq!(asked(&cmds).query.as_deref(), Some(" name:spec"));
    // A query that does not parse says so at once and asks nothing.
    press(&mut model, " since:eve");
    let cmds = press(&mut model, "r");
    assert!(cmds.iter().all(|c| !matches!(c, Cmd::Load { req: Req::Inbox(_), .. })));
    assert!(said(&model).contains("since:24h"), "{}", said(&model));
}

#[test]
fn more_rows_are_asked_for_only_as_the_cursor_nears_the_end() {
    let (mut model, cmds) = on_the_inbox();
    let rows: Vec<InboxRow> = (0..PAGE)
        .map(|i| row(&format!("s-{i}"), "N", Marks::default()))
        .collect();
    let (id, req) = inbox_load(&cmds);
    let page = InboxPage {
        rows,
        more: true,
        // What the store says of a view past the count's limit.
        counts: vec![Some(COUNTED_AT_MOST + 1), Some(COUNTED_AT_MOST + 1)],
        revision: 1,
    };
    let _ = update(
        &mut model,
        Msg::Loaded {
            id,
            req,
            result: Ok(Payload::Inbox(page)),
        },
    );
    assert!(screen(&model).contains("needs review 9999+"), "{}", screen(&model));
    assert!(
        press(&mut model, "j")
            .iter()
            .all(|c| !matches!(c, Cmd::Load { req: Req::Inbox(_), .. }))
    );
    let cmds = press_code(&mut model, KeyCode::End);
    assert_eq!(asked(&cmds).limit, 2 * PAGE, "the next page, not the whole view");
}

#[test]
fn a_claim_is_taken_given_up_or_taken_over_only_after_a_question() {
    let (mut model, cmds) = on_the_inbox();
    let theirs = Marks {
        claimed_by: Some("ann@desk2".into()),
        ..Default::default()
    };
    let mine = Marks {
        claimed_by: Some("me@desk".into()),
        tag: Some("done".into()),
        ..Default::default()
    };
    answer_page(
        &mut model,
        &cmds,
        vec![
            row("s-free", "A", Marks::default()),
            row("s-theirs", "B", theirs),
            row("s-mine", "C", mine),
        ],
        1,
    );
    assert_eq!(mark_of(&press(&mut model, "c")), &MarkChange::Claim { from: None });
    press(&mut model, "j");
    assert!(press(&mut model, "c").is_empty(), "nothing is taken over unasked");
    let Overlay::Confirm(question) = &model.overlay else {
        panic!("a question: {:?}", model.overlay)
    };
    assert!(question.lines[0].contains("ann@desk2"), "{:?}", question.lines);
    let cmds = press_code(&mut model, KeyCode::Enter);
    assert_eq!(
        mark_of(&cmds),
        &MarkChange::Claim {
            from: Some("ann@desk2".into())
        }
    );
    press(&mut model, "j");
    assert_eq!(mark_of(&press(&mut model, "c")), &MarkChange::Unclaim);
    // Tags go round: done is followed by escalated; a note is typed and kept.
    assert_eq!(
        mark_of(&press(&mut model, "t")),
        &MarkChange::Tag(Some("escalated".into()))
    );
    press(&mut model, "n");
    press(&mut model, "called back");
    let cmds = press_code(&mut model, KeyCode::Enter);
    assert_eq!(mark_of(&cmds), &MarkChange::Note(Some("called back".into())));
    // Its answer is said, marked local, and the view asked for again.
    let session = SessionId::from("s-mine");
    let change = MarkChange::Note(Some("called back".into()));
    let cmds = update(
        &mut model,
        Msg::Marked {
            id: 99,
            session,
            change,
            result: Ok(()),
        },
    );
    assert!(said(&model).contains("not at Veriff"), "{}", said(&model));
    inbox_load(&cmds);
}

#[test]
fn without_an_inbox_the_inbox_keys_say_how_to_get_one() {
    let (mut model, _) = Model::new("h".into(), None).start(vec!["s-1".into()], vec![]);
    for keys in ["c", "t", "n", "]"] {
        assert!(press(&mut model, keys).is_empty());
        assert!(said(&model).contains("veriff-tui inbox"), "{keys}: {}", said(&model));
    }
}

#[test]
fn under_redaction_every_inbox_column_is_masked_and_the_tabs_still_count() {
    let (mut model, cmds) = on_the_inbox();
    let _ = update(&mut model, Msg::Redaction(crate::redact::Redact::new(true)));
    let mut secret = row("s-1", "HIDDEN SURNAME", Marks::default());
    secret.index.vendor_data = Some("jane.roe@example.com".into());
    secret.index.document_number = Some("X1234567".into());
    secret.marks.note = Some("customer phoned from 5550100".into());
    answer_page(&mut model, &cmds, vec![secret], 1);
    let screen = screen(&model);
    for personal in ["HIDDEN", "SURNAME", "jane.roe", "X1234567", "5550100"] {
        assert!(!screen.contains(personal), "{personal} shows under --redact");
    }
    assert!(screen.contains("needs review 1/1"), "the row itself is listed");
    assert!(screen.contains("review"), "a status is not personal");
}
