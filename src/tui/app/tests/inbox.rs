//! The inbox in `update`, as functions: views as tabs, pages that keep the
//! selection, queries, live changes, and the team's marks.

use crossterm::event::KeyCode;

use crate::ids::SessionId;
use crate::inbox::{MarkChange, Marks, SessionRow, View};
use crate::tui::app::inbox::{COUNTED_AT_MOST, Inbox, PAGE};
use crate::tui::app::testkit::{press, press_code, said};
use crate::tui::app::{Cmd, InboxAsk, InboxPage, InboxRow, Model, Msg, Overlay, Payload, Req, update};

pub(super) fn views() -> Vec<View> {
    [("needs review", "status:review"), ("all", "")]
        .map(|(name, query)| View {
            name: name.into(),
            query: query.into(),
        })
        .to_vec()
}

/// A browser opened as `veriff-tui inbox`, on its first view, as `me@desk`.
pub(super) fn on_the_inbox() -> (Model, Vec<Cmd>) {
    let mut model = Model::new("h".into(), None);
    model.inbox = Some(Inbox::new(views(), "me@desk".into(), true));
    let (mut model, cmds) = model.start(vec![], vec![]);
    let _ = update(&mut model, Msg::Resize { width: 120, height: 30 });
    (model, cmds)
}

pub(super) fn row(id: &str, name: &str, marks: Marks) -> InboxRow {
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
pub(super) fn answer_page(model: &mut Model, cmds: &[Cmd], rows: Vec<InboxRow>, revision: i64) -> Vec<Cmd> {
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
pub(super) fn screen(model: &Model) -> String {
    screen_of(model, 160, 45)
}

/// The screen at `width` x `height`, a line each.
pub(super) fn screen_of(model: &Model, width: u16, height: u16) -> String {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|f| crate::tui::ui::view(model, &crate::tui::ui::Theme { color: false }, f))
        .unwrap();
    terminal
        .backend()
        .buffer()
        .content()
        .chunks(width as usize)
        .map(|line| line.iter().map(|c| c.symbol()).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The last inbox load among `cmds` (typing asks at each key).
pub(super) fn inbox_load(cmds: &[Cmd]) -> (u64, Req) {
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

pub(super) fn asked(cmds: &[Cmd]) -> InboxAsk {
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
    // `/` on a view: what is typed searches the whole inbox.
    press(&mut model, "/");
    let cmds = press(&mut model, "name:spec");
    assert_eq!(asked(&cmds).query.as_deref(), Some("name:spec"));
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
    // A note is typed and kept.
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

/// A browser on the inbox at 80x24 as `me@desk`, its first view showing `rows`
/// (the first selected), redacted or not.
pub(super) fn at_80x24(rows: Vec<InboxRow>, redacted: bool) -> Model {
    let (mut model, cmds) = on_the_inbox();
    let _ = update(&mut model, Msg::Resize { width: 80, height: 24 });
    let _ = update(&mut model, Msg::Redaction(crate::redact::Redact::new(redacted)));
    answer_page(&mut model, &cmds, rows, 1);
    model
}

pub(super) fn marks_of(cmds: &[Cmd]) -> Vec<&MarkChange> {
    cmds.iter()
        .filter_map(|c| match c {
            Cmd::Mark { change, .. } => Some(change),
            _ => None,
        })
        .collect()
}

#[test]
fn under_redaction_the_note_editor_never_shows_a_mask_and_enter_keeps_the_hidden_note() {
    let noted = Marks {
        note: Some("MARTA TAMM called from 5550100".into()),
        note_by: Some("ann@desk2".into()),
        ..Default::default()
    };
    let mut model = at_80x24(vec![row("s-1", "A", noted)], true);
    press(&mut model, "n");
    let Overlay::Note(editor) = &model.overlay else {
        panic!("the editor: {:?}", model.overlay)
    };
    assert_eq!(editor.input.value(), "", "opened empty, never prefilled with the mask");
    let text = screen_of(&model, 80, 24);
    assert!(text.contains("replace a hidden note"), "{text}");
    assert!(text.contains("has a note, hidden by --redact"), "{text}");
    assert!(text.contains("Enter with nothing typed keeps it"), "{text}");
    assert!(!text.contains("> *****"), "the mask is not the note's text:\n{text}");
    // Enter with nothing typed writes nothing, and says the note is kept.
    let cmds = press_code(&mut model, KeyCode::Enter);
    assert!(marks_of(&cmds).is_empty(), "{cmds:?}");
    assert!(model.overlay.is_none());
    assert!(
        said(&model).contains("hidden note on session s-1 is kept"),
        "{}",
        said(&model)
    );
    // Spaces are nothing typed too.
    press(&mut model, "n");
    press(&mut model, "   ");
    assert!(marks_of(&press_code(&mut model, KeyCode::Enter)).is_empty());
    // What is typed replaces it, once.
    press(&mut model, "n");
    press(&mut model, "second look done");
    let cmds = press_code(&mut model, KeyCode::Enter);
    assert_eq!(marks_of(&cmds), [&MarkChange::Note(Some("second look done".into()))]);
}

#[test]
fn without_redaction_the_note_is_prefilled_and_only_a_change_is_written() {
    let noted = Marks {
        note: Some("called back".into()),
        ..Default::default()
    };
    let mut model = at_80x24(vec![row("s-1", "A", noted), row("s-2", "B", Marks::default())], false);
    press(&mut model, "n");
    let text = screen_of(&model, 80, 24);
    assert!(text.contains("> called back"), "{text}");
    assert!(text.contains("emptied, it is cleared"), "{text}");
    // Kept as it was: nothing written.
    assert!(marks_of(&press_code(&mut model, KeyCode::Enter)).is_empty());
    assert!(said(&model).contains("unchanged"), "{}", said(&model));
    // Emptied on purpose: cleared.
    press(&mut model, "n");
    let _ = update(
        &mut model,
        Msg::Key(crossterm::event::KeyEvent::new(
            KeyCode::Char('u'),
            crossterm::event::KeyModifiers::CONTROL,
        )),
    );
    assert_eq!(
        marks_of(&press_code(&mut model, KeyCode::Enter)),
        [&MarkChange::Note(None)]
    );
    // A session with no note: Enter on nothing writes nothing.
    press(&mut model, "j");
    press(&mut model, "n");
    assert!(marks_of(&press_code(&mut model, KeyCode::Enter)).is_empty());
    assert!(said(&model).contains("no note written"), "{}", said(&model));
}

#[test]
fn a_tag_or_a_note_on_someone_elses_claim_asks_first_naming_them() {
    let theirs = Marks {
        claimed_by: Some("ann@desk2".into()),
        note: Some("waiting for the bank".into()),
        ..Default::default()
    };
    let mut model = at_80x24(vec![row("s-theirs", "A", theirs)], false);
    // `t`: the question first, naming them; Esc leaves everything as it was.
    assert!(press(&mut model, "t").is_empty());
    let text = screen_of(&model, 80, 24);
    assert!(text.contains("ann@desk2 has claimed session s-theirs"), "{text}");
    assert!(text.contains("Tag it anyway?"), "{text}");
    assert!(press_code(&mut model, KeyCode::Esc).is_empty());
    assert!(model.overlay.is_none());
    assert!(said(&model).contains("nothing was done"), "{}", said(&model));
    // Confirmed, the menu opens; the choice is the one write.
    assert!(press(&mut model, "t").is_empty());
    assert!(press_code(&mut model, KeyCode::Enter).is_empty(), "nothing written yet");
    assert!(matches!(model.overlay, Overlay::Tag(_)), "{:?}", model.overlay);
    press(&mut model, "j");
    let cmds = press_code(&mut model, KeyCode::Enter);
    assert_eq!(marks_of(&cmds), [&MarkChange::Tag(Some("escalated".into()))]);
    // `n` alike: the question, then the editor with their note.
    assert!(press(&mut model, "n").is_empty());
    let text = screen_of(&model, 80, 24);
    assert!(text.contains("ann@desk2 has claimed session s-theirs"), "{text}");
    assert!(text.contains("Write a note on it anyway?"), "{text}");
    assert!(press_code(&mut model, KeyCode::Enter).is_empty());
    let Overlay::Note(editor) = &model.overlay else {
        panic!("the editor: {:?}", model.overlay)
    };
    assert_eq!(editor.input.value(), "waiting for the bank");
}

#[test]
fn ones_own_claim_or_a_free_session_is_tagged_without_a_question() {
    let mine = Marks {
        claimed_by: Some("me@desk".into()),
        ..Default::default()
    };
    let mut model = at_80x24(
        vec![row("s-mine", "A", mine), row("s-free", "B", Marks::default())],
        false,
    );
    press(&mut model, "t");
    assert!(matches!(model.overlay, Overlay::Tag(_)), "{:?}", model.overlay);
    press_code(&mut model, KeyCode::Esc);
    press(&mut model, "j");
    press(&mut model, "t");
    assert!(matches!(model.overlay, Overlay::Tag(_)), "{:?}", model.overlay);
}

#[test]
fn a_tag_is_chosen_from_a_menu_and_written_once() {
    let tagged = Marks {
        tag: Some("escalated".into()),
        ..Default::default()
    };
    let mut model = at_80x24(vec![row("s-1", "A", Marks::default()), row("s-2", "B", tagged)], false);
    assert!(press(&mut model, "t").is_empty());
    let text = screen_of(&model, 80, 24);
    for choice in ["▶ done", "escalated", "waiting on customer", "none  (now)"] {
        assert!(text.contains(choice), "{choice}:\n{text}");
    }
    // Moving through the menu writes nothing; the choice writes once.
    assert!(press(&mut model, "jjjk").is_empty());
    let cmds = press_code(&mut model, KeyCode::Enter);
    assert_eq!(marks_of(&cmds), [&MarkChange::Tag(Some("waiting on customer".into()))]);
    assert!(model.overlay.is_none());
    // A tagged session's menu starts on its tag; choosing it again writes nothing.
    press(&mut model, "j");
    press(&mut model, "t");
    let text = screen_of(&model, 80, 24);
    assert!(text.contains("▶ escalated  (now)"), "{text}");
    assert!(text.contains("none (clears the tag)"), "{text}");
    assert!(marks_of(&press_code(&mut model, KeyCode::Enter)).is_empty());
    assert!(said(&model).contains("tagged escalated already"), "{}", said(&model));
    // The last row clears it.
    press(&mut model, "t");
    press(&mut model, "jjjj");
    assert_eq!(
        marks_of(&press_code(&mut model, KeyCode::Enter)),
        [&MarkChange::Tag(None)]
    );
}

#[test]
fn tags_and_notes_are_set_where_the_teams_marks_show() {
    let (mut model, cmds) = on_the_inbox();
    answer_page(&mut model, &cmds, vec![row("s-1", "A", Marks::default())], 1);
    // The tab of sessions opened here shows no marks: nothing to ask about.
    press(&mut model, "]");
    press(&mut model, "]");
    assert!(model.inbox_view().is_none(), "on the tab of sessions opened here");
    press(&mut model, "a");
    press(&mut model, "5e55a221-0000-4000-8000-000000000001");
    press_code(&mut model, KeyCode::Enter);
    assert!(model.selected_session().is_some());
    for key in ["t", "n"] {
        assert!(press(&mut model, key).is_empty());
        assert!(model.overlay.is_none(), "{key}: {:?}", model.overlay);
        assert!(said(&model).contains("inbox view"), "{key}: {}", said(&model));
    }
}

/// The mark history load among `cmds`.
fn history_load(cmds: &[Cmd], session: &str) -> u64 {
    crate::tui::app::testkit::req_of(cmds, &Req::MarkLog(SessionId::from(session)))
}

fn change(what: &str, value: Option<&str>, who: &str, at_ms: i64) -> crate::inbox::MarkEntry {
    crate::inbox::MarkEntry {
        what: what.into(),
        value: value.map(str::to_owned),
        who: who.into(),
        at_ms,
    }
}

/// The history of `s-1` as the inbox keeps it: newest first.
fn history() -> Vec<crate::inbox::MarkEntry> {
    let at = crate::time::parse_time_ms("2026-12-03T14:20:00Z").unwrap();
    vec![
        change("note", Some("MARTA TAMM asked to call back"), "bob@desk3", at + 3),
        change("note", None, "ann@desk2", at + 2),
        change("tag", Some("escalated"), "ann@desk2", at + 1),
        change("claim", None, "ann@desk2", at),
    ]
}

fn card_with_history(redacted: bool) -> String {
    let (mut model, cmds) = on_the_inbox();
    let _ = update(&mut model, Msg::Resize { width: 80, height: 24 });
    let _ = update(&mut model, Msg::Redaction(crate::redact::Redact::new(redacted)));
    let opened = answer_page(&mut model, &cmds, vec![row("s-1", "A", Marks::default())], 1);
    // The card of an inbox session asks for its history with the rest.
    let id = history_load(&opened, "s-1");
    let _ = update(
        &mut model,
        Msg::Loaded {
            id,
            req: Req::MarkLog("s-1".into()),
            result: Ok(Payload::MarkLog(history())),
        },
    );
    screen_of(&model, 80, 24)
}

#[test]
fn the_card_shows_who_changed_the_marks_and_when_newest_first() {
    let text = card_with_history(false);
    let lines: Vec<&str> = text.lines().collect();
    let find = |what: &str| {
        lines
            .iter()
            .position(|l| l.contains(what))
            .unwrap_or_else(|| panic!("{what} is not on the card:\n{text}"))
    };
    let (newest, removed, tagged, claimed) = (
        find("bob@desk3 noted “MARTA TAMM asked to call back”"),
        find("ann@desk2 note (value removed)"),
        find("ann@desk2 tagged escalated"),
        find("ann@desk2 claimed"),
    );
    assert!(newest < removed && removed < tagged && tagged < claimed, "{text}");
    assert!(
        lines[newest].contains("history") && lines[newest].contains("14:20"),
        "{text}"
    );
}

#[test]
fn under_redaction_the_cards_history_masks_the_notes() {
    let text = card_with_history(true);
    assert!(!text.contains("MARTA") && !text.contains("call back"), "{text}");
    assert!(text.contains("bob@desk3 noted “*****”"), "{text}");
    assert!(
        text.contains("ann@desk2 tagged escalated"),
        "a tag is not personal:\n{text}"
    );
}

#[test]
fn the_history_is_read_again_when_the_inbox_moves_or_a_mark_is_set() {
    let (mut model, cmds) = on_the_inbox();
    let opened = answer_page(
        &mut model,
        &cmds,
        vec![row("s-1", "A", Marks::default()), row("s-2", "B", Marks::default())],
        1,
    );
    let id = history_load(&opened, "s-1");
    let _ = update(
        &mut model,
        Msg::Loaded {
            id,
            req: Req::MarkLog("s-1".into()),
            result: Ok(Payload::MarkLog(history())),
        },
    );
    // Another browser's mark: the card's history is asked for again.
    history_load(&update(&mut model, Msg::InboxChanged(2)), "s-1");
    // One's own, answered.
    let cmds = update(
        &mut model,
        Msg::Marked {
            id: 99,
            session: "s-1".into(),
            change: MarkChange::Tag(Some("done".into())),
            result: Ok(()),
        },
    );
    history_load(&cmds, "s-1");
}

#[test]
fn a_session_known_only_from_an_import_says_it_is_unsigned_on_its_row_and_card() {
    let (mut model, cmds) = on_the_inbox();
    let mut imported = row("s-imp", "ONE", Marks::default());
    imported.index.imported = true;
    answer_page(
        &mut model,
        &cmds,
        vec![imported, row("s-hook", "TWO", Marks::default())],
        1,
    );
    let unsigned = |model: &Model| {
        model
            .card()
            .iter()
            .any(|line| line.parts.iter().any(|(text, _)| text.contains("imported, unsigned")))
    };
    assert_eq!(model.selected_session().map(|s| s.as_str()), Some("s-imp"));
    assert!(unsigned(&model), "{:?}", model.card());
    let shown = screen(&model);
    assert!(shown.contains("ONE · imported, unsigned"), "{shown}");
    assert_eq!(
        shown.matches("imported, unsigned").count(),
        2,
        "the row and the card: {shown}"
    );
    press(&mut model, "j");
    assert_eq!(model.selected_session().map(|s| s.as_str()), Some("s-hook"));
    assert!(!unsigned(&model), "a webhook's session is not: {:?}", model.card());
    assert!(!screen(&model).contains("TWO · imported"));
}
