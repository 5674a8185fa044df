//! Working the queue, as functions (issue 29, items 4 and 5): marks in every
//! view, one question before a claim or a tag of many, a session opened where
//! you are, the jump list, the Customer Portal link, the search history.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::inbox::{answer_page, inbox_load, marks_of, on_the_inbox, row, screen};
use crate::ids::SessionId;
use crate::inbox::{MarkChange, Marks};
use crate::tui::app::testkit::{press, press_code, said, switched_to_live};
use crate::tui::app::{Cmd, Failure, Model, Msg, Overlay, Req, update};

const S1: &str = "a0000001-0001-4000-8000-000000000001";
const S2: &str = "a0000002-0002-4000-8000-000000000002";
const S3: &str = "a0000003-0003-4000-8000-000000000003";
const S4: &str = "a0000004-0004-4000-8000-000000000004";
/// In no view: opened from elsewhere (a link, a ticket).
const ELSEWHERE: &str = "e1000000-0000-4000-8000-000000000009";

fn ctrl(model: &mut Model, c: char) -> Vec<Cmd> {
    update(model, Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)))
}

fn claimed_by(who: &str) -> Marks {
    Marks {
        claimed_by: Some(who.into()),
        ..Default::default()
    }
}

/// On the inbox's first view (as `me@desk`), showing four sessions: nobody's,
/// Ann's, mine, Bob's.
fn on_four_rows() -> Model {
    let (mut model, cmds) = on_the_inbox();
    answer_page(
        &mut model,
        &cmds,
        vec![
            row(S1, "FREE", Marks::default()),
            row(S2, "ANNS", claimed_by("ann@desk2")),
            row(S3, "MINE", claimed_by("me@desk")),
            row(S4, "BOBS", claimed_by("bob@desk3")),
        ],
        1,
    );
    model
}

fn selected(model: &Model) -> Option<&str> {
    model.selected_session().map(SessionId::as_str)
}

fn tab(model: &Model) -> usize {
    model.inbox.as_ref().map_or(0, |inbox| inbox.tab)
}

#[test]
fn marks_show_on_the_rows_of_a_view_and_e_exports_them_from_any_tab() {
    let mut model = on_four_rows();
    press(&mut model, "m");
    assert_eq!(selected(&model), Some(S2), "the cursor moves on");
    press(&mut model, "jm");
    assert!(
        said(&model).starts_with("2 marked · E exports them"),
        "{}",
        said(&model)
    );
    let screen = screen(&model);
    assert!(screen.contains("● FREE") && screen.contains("● MINE"), "{screen}");
    assert!(!screen.contains("● ANNS"), "only the marked: {screen}");
    assert!(
        screen.contains("needs review 4/4 · newest ● 2"),
        "the title counts them: {screen}"
    );
    // Another view: the marks stay, and E exports them (it said "no session
    // to export" in a view before).
    press(&mut model, "]");
    press(&mut model, "E");
    let Overlay::CaseFolder { sessions, .. } = &model.overlay else {
        panic!("the case folder is asked for: {:?} ({})", model.overlay, said(&model))
    };
    assert_eq!(
        sessions,
        &[SessionId::from(S1), SessionId::from(S3)],
        "in the order marked"
    );
}

#[test]
fn a_bulk_claim_asks_once_naming_whose_claims_are_taken_over_and_says_the_outcome_once() {
    let mut model = on_four_rows();
    press(&mut model, "mmmm");
    assert!(
        press(&mut model, "c").is_empty(),
        "nothing is claimed before the answer"
    );
    let Overlay::Confirm(question) = &model.overlay else {
        panic!("one question: {:?}", model.overlay)
    };
    assert_eq!(question.title, "claim 4 sessions");
    let text = question.lines.join("\n");
    assert!(text.contains("Claim the 4 marked sessions"), "{text}");
    assert!(text.contains("1 of them are yours already"), "{text}");
    assert!(text.contains("Takes over 1 from ann@desk2, 1 from bob@desk3"), "{text}");
    let cmds = press_code(&mut model, KeyCode::Enter);
    assert!(model.overlay.is_none(), "asked once: {:?}", model.overlay);
    let mut claims: Vec<(String, MarkChange)> = cmds
        .iter()
        .filter_map(|c| match c {
            Cmd::Mark { session, change, .. } => Some((session.to_string(), change.clone())),
            _ => None,
        })
        .collect();
    claims.sort_by(|a, b| a.0.cmp(&b.0));
    let claim = |from: Option<&str>| MarkChange::Claim {
        from: from.map(str::to_owned),
    };
    assert_eq!(
        claims,
        vec![
            (S1.to_owned(), claim(None)),
            (S2.to_owned(), claim(Some("ann@desk2"))),
            (S4.to_owned(), claim(Some("bob@desk3"))),
        ],
        "mine is left as it is"
    );
    // The answers are said together, once the last is in.
    let before = said(&model).to_owned();
    let mut last = Vec::new();
    for (i, cmd) in cmds.iter().enumerate() {
        let Cmd::Mark { id, session, change } = cmd else {
            continue;
        };
        let result = if session.as_str() == S4 {
            Err(Failure::from("claimed by carl@desk4 meanwhile"))
        } else {
            Ok(())
        };
        last = update(
            &mut model,
            Msg::Marked {
                id: *id,
                session: session.clone(),
                change: change.clone(),
                result,
            },
        );
        if i + 1 < cmds.len() {
            assert_eq!(said(&model), before, "not said one by one");
            assert!(last.iter().all(|c| !matches!(c, Cmd::Load { req: Req::Inbox(_), .. })));
        }
    }
    let status = said(&model);
    assert!(
        status.starts_with("claimed 2 sessions; 1 refused: session a0000004: claimed by carl"),
        "{status}"
    );
    inbox_load(&last);
}

#[test]
fn a_claim_of_sessions_marked_in_another_view_names_their_holders_as_marked() {
    let mut model = on_four_rows();
    press(&mut model, "jm");
    // Another view, its rows not there yet: Ann's claim is known from the mark.
    press(&mut model, "]");
    press(&mut model, "c");
    let Overlay::Confirm(question) = &model.overlay else {
        panic!("{:?}", model.overlay)
    };
    assert!(
        question.lines.join(" ").contains("1 from ann@desk2"),
        "{:?}",
        question.lines
    );
    let cmds = press_code(&mut model, KeyCode::Enter);
    assert_eq!(
        marks_of(&cmds),
        vec![&MarkChange::Claim {
            from: Some("ann@desk2".into())
        }]
    );
}

#[test]
fn a_bulk_tag_asks_once_then_tags_every_marked_session() {
    let mut model = on_four_rows();
    press(&mut model, "mm");
    assert!(press(&mut model, "t").is_empty());
    let Overlay::Confirm(question) = &model.overlay else {
        panic!("{:?}", model.overlay)
    };
    assert_eq!(question.title, "tag 2 sessions");
    assert!(
        question.lines.join(" ").contains("1 from ann@desk2"),
        "{:?}",
        question.lines
    );
    press_code(&mut model, KeyCode::Enter);
    assert!(matches!(&model.overlay, Overlay::Tag(menu) if menu.sessions.len() == 2));
    assert!(screen(&model).contains("tag 2 marked sessions"), "{}", screen(&model));
    let cmds = press_code(&mut model, KeyCode::Enter);
    let done = MarkChange::Tag(Some("done".into()));
    assert_eq!(marks_of(&cmds), vec![&done, &done]);
}

#[test]
fn without_marks_c_and_t_act_on_the_selected_session_as_before() {
    let mut model = on_four_rows();
    assert_eq!(
        marks_of(&press(&mut model, "c")),
        vec![&MarkChange::Claim { from: None }]
    );
    press(&mut model, "t");
    assert!(matches!(&model.overlay, Overlay::Tag(menu) if menu.sessions == [SessionId::from(S1)]));
}

/// `a` in a view: a session the view shows is selected on its row; one it
/// does not show opens on the tab of sessions opened here (it stayed hidden
/// there before); `Ctrl-O` goes back to the view and the row, `Ctrl-P` forward.
#[test]
fn a_session_opened_shows_where_you_are_and_ctrl_o_walks_back_along_the_jumps() {
    let mut model = on_four_rows();
    press(&mut model, "j");
    press(&mut model, "a");
    press(&mut model, S4);
    press_code(&mut model, KeyCode::Enter);
    assert_eq!((tab(&model), selected(&model)), (1, Some(S4)), "its row in the view");
    press(&mut model, "a");
    press(&mut model, ELSEWHERE);
    press_code(&mut model, KeyCode::Enter);
    assert_eq!(
        (tab(&model), selected(&model)),
        (0, Some(ELSEWHERE)),
        "shown, on the opened tab"
    );
    // Back: the view, on the row left (once its rows are in).
    let cmds = ctrl(&mut model, 'o');
    assert_eq!(tab(&model), 1);
    answer_page(
        &mut model,
        &cmds,
        vec![
            row(S1, "FREE", Marks::default()),
            row(S2, "ANNS", Marks::default()),
            row(S3, "MINE", Marks::default()),
            row(S4, "BOBS", Marks::default()),
        ],
        2,
    );
    assert_eq!(selected(&model), Some(S4));
    // Back again: the row before the first jump; no further.
    ctrl(&mut model, 'o');
    assert_eq!((tab(&model), selected(&model)), (1, Some(S2)));
    assert!(ctrl(&mut model, 'o').is_empty());
    assert!(said(&model).starts_with("nothing further back"), "{}", said(&model));
    // Forward: S4, then the session opened.
    ctrl(&mut model, 'p');
    assert_eq!(selected(&model), Some(S4));
    ctrl(&mut model, 'p');
    assert_eq!((tab(&model), selected(&model)), (0, Some(ELSEWHERE)));
}

#[test]
fn another_view_is_a_jump_too() {
    let mut model = on_four_rows();
    press(&mut model, "jj");
    press(&mut model, "]");
    assert_eq!(tab(&model), 2);
    let cmds = ctrl(&mut model, 'o');
    assert_eq!(tab(&model), 1);
    assert_eq!(
        model
            .inbox
            .as_ref()
            .and_then(|i| i.return_to.as_ref())
            .map(SessionId::as_str),
        Some(S3)
    );
    inbox_load(&cmds);
}

#[test]
fn x_in_a_view_is_not_offered_and_says_what_takes_a_session_off_the_queue() {
    let mut model = on_four_rows();
    assert!(press(&mut model, "x").is_empty());
    assert!(said(&model).contains("t tags it done"), "{}", said(&model));
    assert_eq!(model.visible_session_count(), 4, "the row stays, as said");
    assert_eq!(selected(&model), Some(S1));
}

#[test]
fn y_copies_and_o_opens_the_customer_portal_link_else_shows_it_to_copy() {
    let mut model = on_four_rows();
    let link = format!("https://station.veriff.com/verifications/{S1}");
    assert_eq!(press(&mut model, "Y"), vec![Cmd::Copy(link.clone())]);
    assert!(said(&model).contains(&link), "{}", said(&model));
    assert_eq!(press(&mut model, "O"), vec![Cmd::OpenLink(link.clone())]);
    // No browser here (over SSH): shown, and copied.
    let cmds = update(
        &mut model,
        Msg::LinkOpened {
            url: link.clone(),
            result: Err(Failure::from("no display here to open a browser on")),
        },
    );
    assert_eq!(cmds, vec![Cmd::Copy(link.clone())]);
    assert!(matches!(&model.overlay, Overlay::PortalLink { link: shown } if *shown == link));
    assert!(screen(&model).contains(&link), "{}", screen(&model));
    press_code(&mut model, KeyCode::Esc);
    assert!(model.overlay.is_none());
    // Opened: said so, nothing shown.
    let cmds = update(
        &mut model,
        Msg::LinkOpened {
            url: link.clone(),
            result: Ok(()),
        },
    );
    assert!(cmds.is_empty() && model.overlay.is_none());
    // Another profile's portal_url.
    let _ = update(&mut model, switched_to_live());
    let cmds = press(&mut model, "Y");
    assert!(
        cmds.contains(&Cmd::Copy(format!("https://portal.live.example/sessions/{S1}"))),
        "{cmds:?}"
    );
}

#[test]
fn the_search_line_keeps_searches_and_recalls_them_with_up_and_down() {
    let mut model = on_four_rows();
    for text in ["tamm", "kask"] {
        press(&mut model, "/");
        press(&mut model, text);
        let cmds = press_code(&mut model, KeyCode::Enter);
        assert!(
            cmds.contains(&Cmd::Remember(crate::history::Change::Searched(text.into()))),
            "{cmds:?}"
        );
        press_code(&mut model, KeyCode::Esc);
    }
    assert_eq!(model.searches, vec!["tamm", "kask"]);
    press(&mut model, "/");
    press(&mut model, "ma");
    let filter = |model: &Model| model.pane(crate::tui::app::Pane::Sessions).filter.clone();
    let cmds = press_code(&mut model, KeyCode::Up);
    assert_eq!(filter(&model), "kask");
    assert!(
        matches!(inbox_load(&cmds).1, Req::Inbox(ask) if ask.query.as_deref() == Some("kask")),
        "the search runs"
    );
    press_code(&mut model, KeyCode::Up);
    assert_eq!(filter(&model), "tamm");
    press_code(&mut model, KeyCode::Up);
    assert_eq!(filter(&model), "tamm", "the oldest stays");
    press_code(&mut model, KeyCode::Down);
    assert_eq!(filter(&model), "kask");
    press_code(&mut model, KeyCode::Down);
    assert_eq!(filter(&model), "ma", "past the newest: the line typed");
    assert!(screen(&model).contains("search: ma"), "{}", screen(&model));
    // Another profile: its own searches.
    press_code(&mut model, KeyCode::Esc);
    let _ = update(&mut model, switched_to_live());
    assert_eq!(model.searches, vec!["status:declined"]);
}

/// A session erased here leaves no search that could name it in memory: by
/// its id, by what the inbox found it by (said by the erasure), or by what is
/// loaded of it here (its row's name). The history's file is rewritten by the
/// same rule, given both (`history::erase`).
#[test]
fn an_erased_session_takes_the_searches_naming_it_along() {
    use crate::history::{Change, FoundBy, search_names};
    let mut model = on_four_rows();
    model.searches = ["a0000002", "tamm", "0002-4000", "anns", "vendor:order-5*", "kask"]
        .map(String::from)
        .into();
    let erased = crate::tui::app::forget::Forgetting::Erased(FoundBy::new(["ORDER-58213"]));
    let cmds = model.forget_session(&SessionId::from(S2), erased);
    assert_eq!(model.searches, vec!["tamm", "kask"]);
    let remembered = cmds.iter().find_map(|cmd| match cmd {
        Cmd::Remember(Change::Erased(id, found_by)) => Some((id, found_by)),
        _ => None,
    });
    let (id, found_by) = remembered.expect("the history's erasure");
    assert_eq!(id.as_str(), S2);
    assert!(search_names("Anns", id, found_by), "the row's name");
    assert!(
        search_names("58213", id, found_by),
        "the vendorData the inbox found it by"
    );
    assert!(!search_names("kask", id, found_by));
}
