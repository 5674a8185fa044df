//! Rendered frames, checked cell by cell with ratatui's `TestBackend`: the seed's
//! examples, an empty attempt, an error, hostile text, no colour, a small terminal.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

mod narrow;
mod sizes;
mod widths;

use super::{Theme, view};
use crate::api::{Attempt, MediaList};
use crate::tui::app::{Cmd, Load, Model, Msg, Pane, Payload, Req, update};

const SESSION: &str = "f04bdb47-d3be-4b28-b028-a652feb060b5";
const SEED_STANDARD: &str = include_str!("../../../tests/fixtures/seed_standard.json");
const SEED_VIDEO_ONLY: &str = include_str!("../../../tests/fixtures/seed_video_only.json");
const SEED_EMPTY: &str = include_str!("../../../tests/fixtures/seed_empty.json");

fn attempts() -> Vec<Attempt> {
    serde_json::from_value(serde_json::json!([
        {"id": "a3000000-0000-4000-8000-000000000000", "status": "approved", "createdTime": "2026-11-20T10:42:05.000Z"},
        {"id": "a2000000-0000-4000-8000-000000000000", "status": "resubmission_requested", "createdTime": "2026-11-20T10:31:40.000Z"},
        {"id": "a1000000-0000-4000-8000-000000000000", "status": "abandoned", "createdTime": "2026-11-20T10:25:13.000Z"}
    ]))
    .unwrap()
}

/// A model opened on one session of three attempts, the newest with `media`.
fn model_with(media: Result<MediaList, String>, width: u16, height: u16) -> Model {
    let (mut model, cmds) = Model::new("stationapi.veriff.com".into(), None).start(vec![SESSION.into()], vec![]);
    // The attempts are of 2026: shown without their year whenever the test runs.
    model.this_year = 2026;
    let _ = update(&mut model, Msg::Resize { width, height });
    crate::tui::app::testkit::answer(&mut model, cmds, |req| match req {
        Req::Attempts(_) => Some(Ok(Payload::Attempts(attempts()))),
        Req::Decision(_) => Some(Ok(Payload::Decision(
            serde_json::from_str(r#"{"status":"approved","code":9001}"#).ok(),
        ))),
        Req::Media(_, attempt) if attempt.starts_with("a3") => Some(
            media
                .clone()
                .map(Payload::Media)
                .map_err(crate::tui::app::Failure::from),
        ),
        _ => None,
    });
    model
}

fn seed(json: &str) -> MediaList {
    serde_json::from_str(json).unwrap()
}

fn render(model: &Model, theme: Theme, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|frame| view(model, &theme, frame)).unwrap();
    terminal
}

fn text(buffer: &Buffer) -> String {
    let area = buffer.area;
    (0..area.height)
        .map(|y| (0..area.width).map(|x| buffer[(x, y)].symbol()).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

const COLOR: Theme = Theme { color: true };

#[test]
fn the_seeds_standard_example_at_80x24() {
    let mut model = model_with(Ok(seed(SEED_STANDARD)), 80, 24);
    model.focus = Pane::Media;
    let terminal = render(&model, COLOR, 80, 24);
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn the_seeds_video_example_on_a_wide_terminal_shows_duration_and_mimetype() {
    let mut model = model_with(Ok(seed(SEED_VIDEO_ONLY)), 120, 30);
    model.focus = Pane::Media;
    let terminal = render(&model, COLOR, 120, 30);
    let screen = text(terminal.backend().buffer());
    assert!(screen.contains("media 1/1"), "{screen}");
    let row = screen.lines().find(|l| l.contains("selfid_video")).unwrap();
    assert!(
        row.contains("vid") && row.contains("1.4 MiB") && row.contains("video/mp4") && row.contains("8s"),
        "{row}"
    );
    assert!(
        screen.contains("b3de56f4-7767-7g69-ch9d-g45id8469h02"),
        "details show the full id"
    );
    assert!(screen.contains("1456789 bytes"), "details show the exact size");
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn an_empty_attempt_says_no_media() {
    let model = model_with(Ok(seed(SEED_EMPTY)), 80, 24);
    let screen = text(render(&model, COLOR, 80, 24).backend().buffer());
    assert!(screen.contains("media 0/0"), "{screen}");
    assert!(screen.contains("no media"), "{screen}");
}

#[test]
fn an_error_shows_in_its_pane_with_the_way_to_retry() {
    let model = model_with(Err("the API answered HTTP 502 Bad Gateway".into()), 80, 24);
    let terminal = render(&model, COLOR, 80, 24);
    let screen = text(terminal.backend().buffer());
    assert!(screen.contains("HTTP 502 Bad"), "{screen}");
    assert!(screen.contains("r retries"), "{screen}");
    assert!(
        screen.contains("media of attempt a3000000 failed"),
        "status line: {screen}"
    );
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn hostile_text_from_the_server_reaches_no_cell_as_a_control_character() {
    let hostile: MediaList = serde_json::from_value(serde_json::json!({
        "images": [{"id": "x\u{1b}]0;pwned\u{7}", "name": "../../\u{1b}[2J", "context": "\u{1b}[31mred\u{9b}0m",
                    "size": "12", "mimetype": "image/\u{1b}[5mjpeg", "url": "\u{1b}]8;;http://evil\u{7}"}]
    }))
    .unwrap();
    let mut model = model_with(Ok(hostile), 120, 30);
    model.focus = Pane::Media;
    let terminal = render(&model, COLOR, 120, 30);
    let buffer = terminal.backend().buffer();
    for cell in &buffer.content {
        assert!(
            !cell.symbol().chars().any(char::is_control),
            "control character in {:?}",
            cell.symbol()
        );
    }
    // Replaced by U+FFFD on our side, so it is seen that something was there
    // (ratatui alone would silently drop the escape character).
    assert!(
        text(buffer).contains("\u{fffd}[31mred"),
        "the text is still there, inert"
    );
}

#[test]
fn names_of_unknown_fields_are_cleaned_like_their_values() {
    let mut model = model_with(Ok(seed(SEED_STANDARD)), 120, 30);
    let session = model.sessions[0].clone();
    if let Some(Load::Ready(list)) = model.store.entry_for_test(&session).attempts.as_mut() {
        list[0]
            .extra
            .insert("\u{1b}[31mnote\u{202e}txt".into(), serde_json::json!("v\u{202e}al"));
    }
    model.focus = Pane::Attempts;
    let terminal = render(&model, COLOR, 120, 30);
    let shown = text(terminal.backend().buffer());
    assert!(
        shown.contains("\u{fffd}[31mnote\u{fffd}txt"),
        "the key is shown inert:\n{shown}"
    );
    assert!(shown.contains("v\u{fffd}al"), "{shown}");
    assert!(!shown.contains('\u{202e}'), "a bidi override reached the screen");
}

#[test]
fn without_colour_the_selection_and_focus_still_show() {
    let mut model = model_with(Ok(seed(SEED_STANDARD)), 80, 24);
    model.focus = Pane::Media;
    let terminal = render(&model, Theme { color: false }, 80, 24);
    let buffer = terminal.backend().buffer();
    assert!(
        buffer
            .content
            .iter()
            .all(|c| c.fg == Color::Reset && c.bg == Color::Reset),
        "no colour at all"
    );
    let screen = text(buffer);
    let (y, line) = screen
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("document-front"))
        .unwrap();
    assert!(line.contains('▶'), "{line}");
    let x = line.chars().position(|c| c == 'd').unwrap() as u16;
    assert!(buffer[(x, y as u16)].modifier.contains(Modifier::REVERSED));
    assert!(screen.contains('┏'), "the focused pane has a thick border");
}

#[test]
fn a_long_list_renders_only_what_fits_and_titles_the_position() {
    let items: Vec<_> = (0..2000)
        .map(|i| serde_json::json!({"id": format!("m{i}"), "context": format!("ctx-{i}"), "size": i}))
        .collect();
    let list: MediaList = serde_json::from_value(serde_json::json!({"images": items})).unwrap();
    let mut model = model_with(Ok(list), 80, 24);
    model.focus = Pane::Media;
    let _ = update(
        &mut model,
        Msg::Key(KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT)),
    );
    let screen = text(render(&model, COLOR, 80, 24).backend().buffer());
    assert!(screen.contains("media 2000/2000"), "{screen}");
    assert!(screen.contains("▶img ctx-1999"), "{screen}");
    assert!(!screen.contains("ctx-0 "), "{screen}");
}

/// A read-only profile's help and hint bar offer no write; the others do.
#[test]
fn a_read_only_profile_is_offered_no_write_key() {
    let help = |read_only: bool| {
        let mut model = model_with(Ok(seed(SEED_STANDARD)), 100, 30);
        model.read_only = read_only;
        let mut seen = String::new();
        for scroll in 0..80 {
            model.overlay = crate::tui::app::Overlay::Help { scroll };
            seen.push_str(&text(render(&model, COLOR, 100, 30).backend().buffer()));
        }
        seen
    };
    assert!(help(false).contains("delete at Veriff"));
    assert!(!help(true).contains("delete at Veriff"));
}

#[test]
fn the_help_lists_every_row_of_the_live_keymap_scrolling_when_taller_than_the_screen() {
    let mut model = model_with(Ok(seed(SEED_STANDARD)), 100, 30);
    let mut seen = String::new();
    for scroll in 0..model.help_lines() {
        model.overlay = crate::tui::app::Overlay::Help { scroll };
        seen.push_str(&text(render(&model, COLOR, 100, 30).backend().buffer()));
    }
    for mode in crate::tui::keymap::Mode::ALL {
        for row in model.keymap.rows(mode) {
            assert!(seen.contains(row.desc), "help is missing {:?}", row.desc);
            assert!(seen.contains(&row.label()), "help is missing {:?}", row.label());
        }
    }
    // Taller than the screen: the first frame says it scrolls, and does not show the end.
    model.overlay = crate::tui::app::Overlay::Help { scroll: 0 };
    let first = text(render(&model, COLOR, 100, 30).backend().buffer());
    assert!(first.contains("j k scroll"), "{first}");
    assert!(!first.contains("switch to it"), "{first}");
}

#[test]
fn look_closer_takes_the_whole_screen_and_names_what_it_shows() {
    let mut model = model_with(Ok(seed(SEED_STANDARD)), 80, 24);
    model.focus = Pane::Media;
    model.overlay = crate::tui::app::Overlay::Zoom;
    let screen = text(render(&model, COLOR, 80, 24).backend().buffer());
    let session = model.selected_session().unwrap().short().to_owned();
    assert!(
        screen.starts_with(&format!("╔ document-front · session {session} · Esc back")),
        "{screen}"
    );
    assert!(!screen.contains("sessions"), "nothing beneath shows:\n{screen}");
    assert!(screen.contains("previews are off"), "{screen}");
    model.overlay = crate::tui::app::Overlay::Compare;
    let screen = text(render(&model, COLOR, 80, 24).backend().buffer());
    let top = screen.lines().next().unwrap();
    assert!(
        top.contains(&format!("document-front · session {session} ═"))
            && top.contains(&format!("face · session {session} · Esc back")),
        "{screen}"
    );
}

#[test]
fn loading_panes_show_a_spinner() {
    let (model, _) = Model::new("h".into(), None).start(vec![SESSION.into()], vec![]);
    let screen = text(render(&model, COLOR, 80, 24).backend().buffer());
    assert!(screen.contains("loading…"), "{screen}");
    assert!(matches!(model.session_attempts(), Some(Load::Loading(_))));
}

#[test]
fn a_tiny_terminal_does_not_panic() {
    let model = model_with(Ok(seed(SEED_STANDARD)), 20, 6);
    for (w, h) in [(20, 6), (1, 1), (80, 3)] {
        render(&model, COLOR, w, h);
    }
}

#[test]
fn a_halfblocks_preview_of_the_selected_image_fills_its_box() {
    let mut model = model_with(Ok(seed(SEED_STANDARD)), 120, 36);
    model.previews_on = true;
    model.focus = Pane::Media;
    let _ = update(&mut model, Msg::Resize { width: 120, height: 36 });
    let key = model.preview_key().expect("the media pane has focus and a selection");
    let face = include_bytes!("../../../assets/demo/face.jpg");
    let size = ratatui::layout::Size::new(key.width, key.height);
    let image = crate::tui::preview::encode(&crate::tui::preview::Renderer::Halfblocks, face, size, || true).unwrap();
    let drawn = image.0.size();
    assert_eq!(drawn.height, key.height, "a portrait fills the box's height");
    let req = loading_req(&model, &key);
    let _ = update(
        &mut model,
        Msg::Loaded {
            id: req,
            req: Req::Preview {
                key: key.clone(),
                video: None,
            },
            result: Ok(Payload::Preview(image)),
        },
    );

    let terminal = render(&model, COLOR, 120, 36);
    let buffer = terminal.backend().buffer();
    let area = crate::tui::layout::preview_rect(crate::tui::layout::areas(buffer.area).details);
    let painted = (area.top()..area.bottom())
        .flat_map(|y| (area.left()..area.right()).map(move |x| (x, y)))
        .filter(|&(x, y)| {
            let cell = &buffer[(x, y)];
            // Each cell is two pixels: foreground over background, in true colour.
            matches!(cell.fg, Color::Rgb(..)) || matches!(cell.bg, Color::Rgb(..))
        })
        .count();
    let cells = (drawn.width * drawn.height) as usize;
    assert!(
        painted * 10 >= cells * 9,
        "{painted} cells in colour for a {drawn:?} image in {area:?}"
    );
    let screen = text(buffer);
    assert!(
        screen.contains("d69a07cf-4434-4d36-be6c-d22af7dc01fb"),
        "the fields stay beside it:\n{screen}"
    );
}

#[test]
fn a_preview_that_cannot_be_made_says_why_in_its_box() {
    let mut model = model_with(Ok(seed(SEED_VIDEO_ONLY)), 120, 36);
    model.previews_on = true;
    model.focus = Pane::Media;
    let _ = update(&mut model, Msg::Resize { width: 120, height: 36 });
    let key = model.preview_key().unwrap();
    let req = loading_req(&model, &key);
    let _ = update(
        &mut model,
        Msg::Loaded {
            id: req,
            req: Req::Preview { key, video: None },
            result: Err("video: install ffmpeg to see a frame here".into()).map(Payload::Preview),
        },
    );
    let screen = text(render(&model, COLOR, 120, 36).backend().buffer());
    assert!(screen.contains("install ffmpeg"), "{screen}");
}

fn loading_req(model: &Model, key: &crate::tui::app::PreviewKey) -> crate::tui::app::ReqId {
    match model.store.preview(key) {
        Some(Load::Loading(req)) => *req,
        other => panic!("the preview should have been asked for: {other:?}"),
    }
}

/// Under redaction the document and the selfie are not drawn until `X`, and only
/// until the selection moves on; `z` and `v` show the same placeholder.
#[test]
fn under_redaction_pictures_are_hidden_until_revealed_and_only_while_selected() {
    let mut model = model_with(Ok(seed(SEED_STANDARD)), 120, 36);
    let _ = update(&mut model, Msg::Redaction(crate::redact::Redact::new(true)));
    model.previews_on = true;
    let press =
        |model: &mut Model, c: char| update(model, Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)));
    let asks_preview = |cmds: &[Cmd]| {
        cmds.iter().any(|c| {
            matches!(
                c,
                Cmd::Load {
                    req: Req::Preview { .. },
                    ..
                }
            )
        })
    };
    model.focus = Pane::Media;
    let cmds = update(&mut model, Msg::Resize { width: 120, height: 36 });
    let key = model.preview_key().expect("the media pane has focus and a selection");
    assert!(!asks_preview(&cmds), "a hidden picture is not even fetched: {cmds:?}");
    assert!(model.store.preview(&key).is_none());
    let screen = text(render(&model, COLOR, 120, 36).backend().buffer());
    assert!(screen.contains("hidden: redacted, X reveals"), "{screen}");

    for closer in ['z', 'v'] {
        let cmds = press(&mut model, closer);
        assert!(!asks_preview(&cmds), "{closer}: {cmds:?}");
        let screen = text(render(&model, COLOR, 120, 36).backend().buffer());
        assert!(screen.contains("hidden: redacted, X reveals"), "{closer}:\n{screen}");
        let _ = update(&mut model, Msg::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)));
    }

    let cmds = press(&mut model, 'X');
    assert!(asks_preview(&cmds), "revealed, the picture is fetched: {cmds:?}");
    let screen = text(render(&model, COLOR, 120, 36).backend().buffer());
    assert!(!screen.contains("hidden: redacted"), "{screen}");
    assert!(screen.contains("picture revealed"), "the title says so:\n{screen}");
    assert!(screen.contains("hides again when the selection changes"), "{screen}");

    let _ = press(&mut model, 'j');
    let _ = press(&mut model, 'k');
    let screen = text(render(&model, COLOR, 120, 36).backend().buffer());
    assert!(
        screen.contains("hidden: redacted, X reveals"),
        "back on the same picture, it is hidden again:\n{screen}"
    );
    assert!(!screen.contains("picture revealed"), "{screen}");
}

/// The new link's QR code is drawn cell for cell as `qr::half_block_lines` makes
/// it (`tests/qr.rs` reads those back with a QR decoder), with the link beside;
/// under redaction neither is drawn.
#[test]
fn a_new_link_shows_its_qr_code_whole_and_redaction_hides_it() {
    let url = "https://alchemy.veriff.com/v/sample-token";
    let mut model = model_with(Ok(seed(SEED_STANDARD)), 120, 50);
    model.overlay = crate::tui::app::Overlay::LinkMade {
        session: "5e551011-aaaa-4bbb-8ccc-000000000042".into(),
        link: Some(url.into()),
    };
    let screen = text(render(&model, COLOR, 120, 50).backend().buffer());
    assert!(screen.contains(url), "{screen}");
    for line in crate::qr::half_block_lines(url).unwrap() {
        assert!(screen.contains(&line), "QR line {line:?} missing:\n{screen}");
    }
    model.redact = crate::redact::Redact::new(true);
    let screen = text(render(&model, COLOR, 120, 50).backend().buffer());
    assert!(!screen.contains(url) && !screen.contains("▀▀▀"), "{screen}");
    assert!(screen.contains("not shown: redacted"), "{screen}");
}
