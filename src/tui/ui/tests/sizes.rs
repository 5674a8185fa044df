//! Every terminal size, from the minimum up: nothing panics, the selected row of
//! the focused pane is on screen, and below the minimum one line says so.
//! Resizing never loses a transfer, an overlay or a prompt's text.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;

use super::{COLOR, render, text};
use crate::api::{Attempt, MediaList, Progress};
use crate::tui::app::{Cmd, Model, Msg, Overlay, Pane, Payload, Req, update};
use crate::tui::layout::{self, MIN_SIZE};
use crate::tui::ui::Theme;

const SESSIONS: usize = 30;
const ATTEMPTS: usize = 40;
const MEDIA: usize = 300;

fn session_id(i: usize) -> String {
    format!("{i:08x}-0000-4000-8000-000000000000")
}

fn attempt_id(i: usize) -> String {
    format!("a{i:07x}-0000-4000-8000-000000000000")
}

/// Minute of attempt `i` (newest first): unique, so a row names its attempt.
fn minute(i: usize) -> usize {
    59 - i
}

/// Answers every request as the server would, until nothing more is asked.
fn answer(model: &mut Model, cmds: Vec<Cmd>) {
    crate::tui::app::testkit::answer(model, cmds, |req| {
        Some(Ok(match req {
            Req::Attempts(_) => {
                let list = (0..ATTEMPTS)
                    .map(|i| {
                        serde_json::json!({"id": attempt_id(i), "status": "submitted",
                            "createdTime": format!("2026-11-20T10:{:02}:00.000Z", minute(i))})
                    })
                    .collect::<Vec<_>>();
                Payload::Attempts(serde_json::from_value::<Vec<Attempt>>(serde_json::json!(list)).unwrap())
            }
            Req::Decision(_) => Payload::Decision(None),
            Req::Media(_, attempt) => {
                let count = if attempt.as_str() == attempt_id(0) { MEDIA } else { 0 };
                let images: Vec<_> = (0..count)
                    .map(
                        |i| serde_json::json!({"id": format!("m{i}"), "context": format!("ctx-{i}"), "size": 1000 + i}),
                    )
                    .collect();
                Payload::Media(serde_json::from_value::<MediaList>(serde_json::json!({ "images": images })).unwrap())
            }
            _ => return None,
        }))
    });
}

/// Thirty sessions, the first open with forty attempts, the newest of three
/// hundred media.
fn full_model() -> Model {
    let sessions = (0..SESSIONS).map(|i| session_id(i).into()).collect();
    let (mut model, cmds) = Model::new("stationapi.veriff.com".into(), None).start(sessions, vec![]);
    model.this_year = 2026;
    answer(&mut model, cmds);
    assert_eq!(model.attempt_list().len(), ATTEMPTS);
    model
}

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// The text each pane's row `i` must show, whatever its width.
fn label(pane: Pane, i: usize) -> String {
    match pane {
        Pane::Sessions => session_id(i)[..8].to_owned(),
        Pane::Attempts => format!("10:{:02}", minute(i)),
        Pane::Media => format!("ctx-{i}"),
    }
}

/// The rows of `pane`'s area that carry the selection mark, as text.
fn marked_rows(screen: &str, area: Rect) -> Vec<String> {
    screen
        .lines()
        .skip(area.y as usize)
        .take(area.height as usize)
        .map(|line| {
            line.chars()
                .skip(area.x as usize)
                .take(area.width as usize)
                .collect::<String>()
        })
        .filter(|row| row.contains('▶'))
        .collect()
}

/// The minimum and the sizes just above it, where the panes change shape, then
/// the common sizes and some large ones.
fn sizes() -> impl Iterator<Item = (u16, u16)> {
    let widths = [40, 41, 42, 43, 44, 47, 53, 54, 60, 71, 80, 99, 120, 160, 250];
    let heights = [10, 11, 12, 13, 14, 16, 19, 24, 30, 37, 50, 80];
    widths.into_iter().flat_map(move |w| heights.map(|h| (w, h)))
}

#[test]
fn every_size_down_to_the_minimum_keeps_the_selected_row_in_view() {
    let mut model = full_model();
    let mut checked = 0;
    for pane in [Pane::Sessions, Pane::Attempts, Pane::Media] {
        let len = match pane {
            Pane::Sessions => SESSIONS,
            Pane::Attempts => ATTEMPTS,
            Pane::Media => MEDIA,
        };
        for cursor in [len - 1, len / 2, 0] {
            model.focus = pane;
            model.pane_mut(pane).cursor = cursor;
            for (width, height) in sizes() {
                let _ = update(&mut model, Msg::Resize { width, height });
                let terminal = render(&model, COLOR, width, height);
                let screen = text(terminal.backend().buffer());
                let area = layout::areas(Rect::new(0, 0, width, height)).panes[pane as usize];
                let marked = marked_rows(&screen, area);
                assert_eq!(marked.len(), 1, "{width}x{height}, {pane:?} at {cursor}:\n{screen}");
                assert!(
                    marked[0].contains(&label(pane, cursor)),
                    "{width}x{height}: {pane:?} row {cursor} shows {:?}:\n{screen}",
                    marked[0]
                );
                let last = screen.lines().last().unwrap();
                assert!(
                    last.contains("q quit") || last.contains("q/C-c quit"),
                    "{width}x{height}: hints lost:\n{screen}"
                );
                assert!(screen.starts_with(" veriff-tui"), "{width}x{height}:\n{screen}");
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 9 * 15 * 12, "{checked} frames");
}

#[test]
fn below_the_minimum_one_line_says_the_terminal_is_too_small() {
    let model = full_model();
    let below = (1..MIN_SIZE.0)
        .flat_map(|w| [1, 9, 10, 60].map(|h| (w, h)))
        .chain((1..MIN_SIZE.1).flat_map(|h| [40, 300].map(|w| (w, h))));
    for (width, height) in below {
        let mut model = model.clone();
        let _ = update(&mut model, Msg::Resize { width, height });
        let screen = text(render(&model, COLOR, width, height).backend().buffer());
        let mut lines = screen.lines();
        let first = lines.next().unwrap().trim_end();
        let message = format!("terminal too small: {width}x{height}, needs 40x10 (q quits)");
        assert!(
            !first.is_empty() && message.starts_with(first),
            "{width}x{height}: {first:?}"
        );
        assert!(
            lines.all(|l| l.trim().is_empty()),
            "{width}x{height}: more than one line:\n{screen}"
        );
        // Nothing is asked for a preview that cannot be shown.
        assert_eq!(model.preview_size, (0, 0), "{width}x{height}");
    }
    let screen = text(render(&model, COLOR, 80, 9).backend().buffer());
    assert!(screen.starts_with("terminal too small: 80x9, needs 40x10"), "{screen}");
}

/// Shrinks the terminal below the minimum and back, frame by frame, as a person
/// dragging a window corner does.
fn drag(model: &mut Model) {
    for (width, height) in [(100, 30), (60, 16), (39, 9), (12, 3), (40, 10), (73, 21), (100, 30)] {
        let _ = update(model, Msg::Resize { width, height });
        render(model, COLOR, width, height);
    }
}

#[test]
fn resizing_loses_no_transfer_overlay_or_prompt() {
    let mut model = full_model();
    let _ = update(&mut model, Msg::Resize { width: 100, height: 30 });

    // A prompt with text typed.
    let mut prompt = model.clone();
    let _ = update(&mut prompt, key(KeyCode::Char('a')));
    for c in "c0ffee".chars() {
        let _ = update(&mut prompt, key(KeyCode::Char(c)));
    }
    let before = prompt.overlay.clone();
    drag(&mut prompt);
    assert_eq!(prompt.overlay, before);
    let screen = text(render(&prompt, COLOR, 100, 30).backend().buffer());
    assert!(screen.contains("> c0ffee"), "{screen}");

    // The help overlay.
    let mut help = model.clone();
    let _ = update(&mut help, key(KeyCode::Char('?')));
    assert_eq!(help.overlay, Overlay::Help { scroll: 0 });
    drag(&mut help);
    assert_eq!(help.overlay, Overlay::Help { scroll: 0 });

    // A download in progress, with a prompt opened over it.
    let mut saving = model.clone();
    saving.focus = Pane::Media;
    saving.pane_mut(Pane::Media).cursor = 7;
    let cmds = update(&mut saving, key(KeyCode::Char('s')));
    assert!(cmds.iter().any(|c| matches!(c, Cmd::Transfer { .. })), "{cmds:?}");
    let id = saving.transfer.as_ref().unwrap().id;
    let _ = update(
        &mut saving,
        Msg::TransferProgress {
            id,
            progress: Progress {
                received: 512 * 1024,
                total: Some(1024 * 1024),
            },
            elapsed: Duration::from_secs(1),
            file: 1,
            files: 1,
        },
    );
    let _ = update(&mut saving, key(KeyCode::Char('a')));
    let _ = update(&mut saving, key(KeyCode::Char('x')));
    let (transfer, overlay, cursors) = (saving.transfer.clone(), saving.overlay.clone(), cursors_of(&saving));
    drag(&mut saving);
    assert_eq!(saving.transfer, transfer);
    assert_eq!(saving.overlay, overlay);
    assert_eq!(cursors_of(&saving), cursors);
    let _ = update(&mut saving, key(KeyCode::Esc));
    let screen = text(render(&saving, COLOR, 100, 30).backend().buffer());
    assert!(screen.contains("512.0 KiB / 1.0 MiB (50%)"), "{screen}");
    assert!(screen.contains("Esc cancels"), "{screen}");
}

#[test]
fn without_colour_every_size_renders_too() {
    let mut model = full_model();
    let theme = Theme { color: false };
    for (width, height) in sizes().step_by(5) {
        let _ = update(&mut model, Msg::Resize { width, height });
        let terminal = render(&model, theme, width, height);
        assert!(text(terminal.backend().buffer()).contains('▶'));
    }
}

#[test]
fn only_the_sixteen_colours_every_terminal_has() {
    use ratatui::style::Color;
    let mut model = full_model();
    let _ = update(&mut model, Msg::Resize { width: 120, height: 36 });
    let mut states = vec![model.clone()];
    for keys in [&['?'][..], &['a', 'x'], &['l', 's'], &['/', 'c']] {
        let mut state = model.clone();
        for &c in keys {
            let _ = update(&mut state, key(KeyCode::Char(c)));
        }
        states.push(state);
    }
    // An error in a pane and on the status line.
    states.push(super::model_with(Err("HTTP 502 Bad Gateway".into()), 120, 36));
    for state in &states {
        let terminal = render(state, COLOR, 120, 36);
        for cell in &terminal.backend().buffer().content {
            for color in [cell.fg, cell.bg] {
                assert!(
                    !matches!(color, Color::Rgb(..) | Color::Indexed(_)),
                    "{color:?} needs more than 16 colours: {:?}",
                    state.overlay
                );
            }
        }
    }
}

/// Where each pane's cursor is and what it is filtered by (its scroll offset
/// follows the size).
fn cursors_of(model: &Model) -> Vec<(usize, String)> {
    Pane::ALL
        .iter()
        .map(|p| (model.pane(*p).cursor, model.pane(*p).filter.clone()))
        .collect()
}
