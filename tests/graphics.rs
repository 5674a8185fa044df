//! Previews in sixel and kitty graphics, read back by someone else's decoder: the
//! bytes the app writes are captured (tmux `pipe-pane`), the sixel sequence is
//! decoded by ImageMagick, the kitty transmission by its declared format and size,
//! and the picture is compared with the source image. Then the same wrapped for
//! tmux's `allow-passthrough on`, unwrapped as tmux unwraps it. And when the
//! selection moves, no image is left behind.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use image::RgbaImage;
use ratatui::layout::Rect;
use veriff_tui::server::{self, ServerOptions};
use veriff_tui::tui::layout;

#[path = "support/tmux.rs"]
mod tmux;
#[path = "support/tools.rs"]
mod tools;
use tmux::Tmux;

const SESSION: &str = "c0ffee00-1d3a-4b5c-9d7e-0a1b2c3d4e5f";
const BIN: &str = env!("CARGO_BIN_EXE_veriff-tui");
const WAIT: Duration = Duration::from_secs(15);
const SIZE: (u16, u16) = (120, 36);
/// Kitty's placeholder character: a cell that shows part of an image.
const PLACEHOLDER: char = '\u{10EEEE}';

/// The app in tmux with `--image-protocol`, its output captured from before it
/// starts. With `passthrough` the app knows it runs in tmux and wraps every
/// graphics sequence for tmux to pass on (`ESC Ptmux;` ... `ESC \`, inner ESCs
/// doubled); the capture is unwrapped the way tmux unwraps it.
struct Graphics {
    app: Tmux,
    passthrough: bool,
    capture: PathBuf,
    _home: tempfile::TempDir,
}

impl Graphics {
    fn launch(url: &str, protocol: &str, passthrough: bool) -> Graphics {
        let home = tempfile::tempdir().unwrap();
        let capture = home.path().join("capture.bin");
        let env = tmux::app_env(home.path(), url);
        let app_line = format!("{BIN} --image-protocol {protocol} {SESSION}");
        let line = if passthrough {
            // TMUX and TERM_PROGRAM, which tmux sets, tell the app where it is.
            format!("read _; TERM=tmux-256color exec {app_line}")
        } else {
            // A plain terminal as far as the app can tell: nothing says tmux.
            format!("read _; exec env -u TMUX -u TERM_PROGRAM TERM=xterm-256color {app_line}")
        };
        let app = Tmux::start(SIZE.0, SIZE.1, &env, &line);
        app.run(&["pipe-pane", "-o", "-t", "0", &format!("cat >> {}", capture.display())]);
        app.send(&["Enter"]);
        Graphics {
            app,
            passthrough,
            capture,
            _home: home,
        }
    }

    fn captured(&self) -> Vec<u8> {
        let bytes = std::fs::read(&self.capture).unwrap_or_default();
        if self.passthrough {
            unwrap_passthrough(&bytes)
        } else {
            bytes
        }
    }

    /// Waits until the capture past `from` holds what `found` looks for.
    fn wait_for<T>(&self, what: &str, from: usize, found: impl Fn(&[u8]) -> Option<T>) -> T {
        let deadline = Instant::now() + WAIT;
        loop {
            let bytes = self.captured();
            if let Some(t) = found(&bytes[from.min(bytes.len())..]) {
                return t;
            }
            assert!(
                Instant::now() < deadline,
                "never saw {what} in {} bytes captured ({} after {from}); the app's screen:\n{}",
                bytes.len(),
                bytes.len().saturating_sub(from),
                self.app.screen()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The cell size in pixels the app's tmux reports to it (16x32 when no
    /// client has said better), and so the one the app sizes pictures by.
    fn cell(&self) -> (u32, u32) {
        let size = |name: &str| self.app.format(&format!("#{{{name}}}")).parse::<u32>().unwrap();
        (size("window_cell_width"), size("window_cell_height"))
    }

    /// In tmux, graphics pass only with `allow-passthrough on`: the app turns it on.
    fn assert_passthrough_on(&self) {
        if self.passthrough {
            let option = self.app.run(&["show", "-p", "-t", "0", "allow-passthrough"]);
            assert!(option.contains("on"), "allow-passthrough is {option:?}");
        }
    }

    /// Lets the app draw whatever a key set off (debounce, fetch, encode, frame).
    fn settle(&self) {
        std::thread::sleep(Duration::from_millis(600));
    }
}

fn preview_rect() -> Rect {
    layout::preview_rect(layout::areas(Rect::new(0, 0, SIZE.0, SIZE.1)).details)
}

/// What tmux passes on from `bytes`: each `ESC Ptmux; ... ESC \` replaced by
/// its content with doubled ESCs made single; everything else as it is.
fn unwrap_passthrough(bytes: &[u8]) -> Vec<u8> {
    const START: &[u8] = b"\x1bPtmux;";
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(START) {
            i += START.len();
            while i < bytes.len() {
                match (bytes[i], bytes.get(i + 1)) {
                    (0x1b, Some(0x1b)) => {
                        out.push(0x1b);
                        i += 2;
                    }
                    (0x1b, Some(b'\\')) => {
                        i += 2;
                        break;
                    }
                    (byte, _) => {
                        out.push(byte);
                        i += 1;
                    }
                }
            }
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// The last complete sixel image (`ESC P params q ... ESC \`), and where it starts.
fn last_sixel(bytes: &[u8]) -> Option<(usize, Vec<u8>)> {
    let mut at = bytes.len();
    while let Some(start) = rfind(&bytes[..at], b"\x1bP") {
        let params = bytes[start + 2..]
            .iter()
            .position(|b| !(b.is_ascii_digit() || *b == b';'))
            .map(|n| start + 2 + n);
        if let Some(q) = params.filter(|&q| bytes[q] == b'q')
            && let Some(end) = find(&bytes[q..], b"\x1b\\")
        {
            return Some((start, bytes[start..q + end + 2].to_vec()));
        }
        at = start;
    }
    None
}

/// The cursor position (column, row from 0) last set before `at`.
fn cursor_before(bytes: &[u8], at: usize) -> Option<(u16, u16)> {
    let text = String::from_utf8_lossy(&bytes[..at]);
    let re = regex::Regex::new(r"\x1b\[(\d+);(\d+)H").unwrap();
    let last = re.captures_iter(&text).last()?;
    Some((last[2].parse::<u16>().ok()? - 1, last[1].parse::<u16>().ok()? - 1))
}

/// ImageMagick's reading of a sixel sequence.
fn decode_sixel(sixel: &[u8]) -> RgbaImage {
    let mut convert = Command::new("convert")
        .args(["sixel:-", "png:-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = convert.stdin.take().unwrap();
    let input = sixel.to_vec();
    let writer = std::thread::spawn(move || std::io::Write::write_all(&mut stdin, &input));
    let out = convert.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(
        out.status.success() && !out.stdout.is_empty(),
        "ImageMagick could not read the sixel: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    image::load_from_memory(&out.stdout).unwrap().to_rgba8()
}

/// One kitty graphics command: its keys and its payload.
struct KittyCommand {
    keys: Vec<(String, String)>,
    payload: String,
}

impl KittyCommand {
    fn key(&self, name: &str) -> Option<&str> {
        self.keys.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// Every kitty graphics command (`ESC _G keys ; payload ESC \`) in `bytes`.
fn kitty_commands(bytes: &[u8]) -> Vec<KittyCommand> {
    let text = String::from_utf8_lossy(bytes);
    let mut commands = Vec::new();
    for part in text.split("\x1b_G").skip(1) {
        let Some(end) = part.find("\x1b\\") else { continue };
        let body = &part[..end];
        let (keys, payload) = body.split_once(';').unwrap_or((body, ""));
        let keys = keys
            .split(',')
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        commands.push(KittyCommand {
            keys,
            payload: payload.to_owned(),
        });
    }
    commands
}

/// The last complete kitty transmission: its image id and the picture, decoded
/// by its declared format (f=100 PNG, f=24 RGB or f=32 RGBA of s x v pixels).
fn last_kitty_image(bytes: &[u8]) -> Option<(String, RgbaImage)> {
    let commands = kitty_commands(bytes);
    let start = commands.iter().rposition(|c| matches!(c.key("a"), Some("T" | "t")))?;
    let first = &commands[start];
    let mut payload = String::new();
    for command in &commands[start..] {
        payload.push_str(&command.payload);
        if command.key("m") != Some("1") {
            let data = base64(&payload);
            assert_eq!(
                first.key("o"),
                None,
                "compressed without the terminal saying it inflates"
            );
            let image = match first.key("f").unwrap_or("32") {
                "100" => image::load_from_memory(&data).unwrap().to_rgba8(),
                format => {
                    let width: u32 = first.key("s")?.parse().ok()?;
                    let height: u32 = first.key("v")?.parse().ok()?;
                    let rgba: Vec<u8> = match format {
                        "32" => data,
                        "24" => data.chunks(3).flat_map(|p| [p[0], p[1], p[2], 255]).collect(),
                        other => panic!("unknown kitty format f={other}"),
                    };
                    assert_eq!(
                        rgba.len(),
                        (width * height * 4) as usize,
                        "payload of the declared size"
                    );
                    RgbaImage::from_raw(width, height, rgba)?
                }
            };
            return Some((first.key("i")?.to_owned(), image));
        }
    }
    None
}

fn base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c}"),
    };
    let digits: Vec<u8> = text.bytes().filter(|&c| c != b'=').map(value).collect();
    digits
        .chunks(4)
        .flat_map(|d| {
            let n = d
                .iter()
                .enumerate()
                .fold(0u32, |n, (i, &v)| n | (v as u32) << (18 - 6 * i));
            let bytes = n.to_be_bytes();
            bytes[1..d.len()].to_vec()
        })
        .collect()
}

/// Mean red, green and blue of the pixels that are not transparent.
fn mean_colour(image: &RgbaImage) -> [f64; 3] {
    let mut sum = [0.0; 3];
    let mut count = 0.0f64;
    for pixel in image.pixels().filter(|p| p[3] > 0) {
        for (s, v) in sum.iter_mut().zip(pixel.0) {
            *s += v as f64;
        }
        count += 1.0;
    }
    sum.map(|s| s / count.max(1.0))
}

/// The decoded picture is the source image: same shape, same colours, and no
/// larger than the preview box.
fn assert_same_picture(what: &str, decoded: &RgbaImage, source: &str, cell: (u32, u32)) {
    let source = image::open(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo").join(source))
        .unwrap()
        .to_rgba8();
    let aspect = |i: &RgbaImage| i.width() as f64 / i.height() as f64;
    let ratio = aspect(decoded) / aspect(&source);
    let (dm, sm) = (mean_colour(decoded), mean_colour(&source));
    println!(
        "{what}: decoded {}x{} (source {}x{}), aspect ratio {ratio:.3} of the source's, mean colour {dm:.1?} (source {sm:.1?})",
        decoded.width(),
        decoded.height(),
        source.width(),
        source.height()
    );
    assert!((0.95..=1.05).contains(&ratio), "{what}: aspect off by more than 5 %");
    for (d, s) in dm.iter().zip(sm) {
        assert!(
            (d - s).abs() <= 8.0,
            "{what}: mean colour {dm:?} against the source's {sm:?}"
        );
    }
    let rect = preview_rect();
    assert!(
        decoded.width() <= rect.width as u32 * cell.0 && decoded.height() <= rect.height as u32 * cell.1 + 5,
        "{what}: {}x{} pixels do not fit the {}x{} cell preview box",
        decoded.width(),
        decoded.height(),
        rect.width,
        rect.height
    );
    assert!(
        decoded.height() * 2 >= rect.height as u32 * cell.1 || decoded.width() * 2 >= rect.width as u32 * cell.0,
        "{what}: the picture fills less than half its box"
    );
}

/// Where kitty placeholders sit on tmux's screen: (column, row) of each.
fn placeholders(screen: &str) -> Vec<(u16, u16)> {
    let mut cells = Vec::new();
    for (row, line) in screen.lines().enumerate() {
        let mut column = 0u16;
        for c in line.chars() {
            let width = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0) as u16;
            if c == PLACEHOLDER {
                cells.push((column, row as u16));
            }
            column += if c == PLACEHOLDER { 1 } else { width };
        }
    }
    cells
}

fn assert_inside_preview(what: &str, cells: &[(u16, u16)]) {
    let rect = preview_rect();
    assert!(!cells.is_empty(), "{what}: no placeholder cell on screen");
    for &(x, y) in cells {
        assert!(
            rect.contains(ratatui::layout::Position::new(x, y)),
            "{what}: image cell ({x}, {y}) outside the preview box {rect:?}"
        );
    }
}

fn sixel_check(url: &str, passthrough: bool) {
    let what = if passthrough {
        "sixel through tmux passthrough"
    } else {
        "sixel"
    };
    let app = Graphics::launch(url, "sixel", passthrough);
    app.app.wait_for("document-front", WAIT);
    // Into the media pane: the document's front is selected and previewed.
    let mark = app.captured().len();
    app.app.send(&["l", "l"]);
    let (start, sixel) = app.wait_for("a sixel image", mark, last_sixel);
    assert_same_picture(what, &decode_sixel(&sixel), "document-front.jpg", app.cell());
    // Drawn at the preview box's top-left cell.
    let bytes = app.captured();
    let at = cursor_before(&bytes, mark + start).expect("a cursor position before the image");
    let rect = preview_rect();
    assert_eq!(at, (rect.x, rect.y), "{what}: drawn at {at:?}, the box is {rect:?}");
    app.assert_passthrough_on();

    // The next media: the old picture is wiped (the screen cleared) before the
    // new one is drawn.
    app.settle();
    let mark = app.captured().len();
    app.app.send(&["j"]);
    let (start, sixel) = app.wait_for("the next sixel image", mark, last_sixel);
    let bytes = app.captured();
    assert!(
        find(&bytes[mark..mark + start], b"\x1b[2J").is_some(),
        "{what}: the old picture was not cleared before the new one"
    );
    assert_same_picture(
        &format!("{what}, next"),
        &decode_sixel(&sixel),
        "document-back.jpg",
        app.cell(),
    );

    // Out of the media pane: cleared, and no picture drawn again.
    app.settle();
    let mark = app.captured().len();
    app.app.send(&["h"]);
    app.app.wait_for("created", WAIT);
    app.settle();
    let after = &app.captured()[mark..];
    assert!(find(after, b"\x1b[2J").is_some(), "{what}: the picture was not cleared");
    assert!(
        last_sixel(after).is_none(),
        "{what}: a picture was drawn with no media selected"
    );
}

fn kitty_check(url: &str, passthrough: bool) {
    let what = if passthrough {
        "kitty through tmux passthrough"
    } else {
        "kitty"
    };
    let app = Graphics::launch(url, "kitty", passthrough);
    app.app.wait_for("document-front", WAIT);
    let mark = app.captured().len();
    app.app.send(&["l", "l"]);
    let (id, picture) = app.wait_for("a kitty transmission", mark, last_kitty_image);
    assert_same_picture(what, &picture, "document-front.jpg", app.cell());
    app.assert_passthrough_on();
    // Placed by placeholder cells, every one of them inside the preview box.
    let deadline = Instant::now() + WAIT;
    while placeholders(&app.app.screen()).is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_inside_preview(what, &placeholders(&app.app.screen()));

    // The next media: a new image, and only its cells in the box.
    app.settle();
    let mark = app.captured().len();
    app.app.send(&["j"]);
    let (next, picture) = app.wait_for("the next kitty transmission", mark, last_kitty_image);
    assert_ne!(next, id, "{what}: the next picture reuses the old id");
    assert_same_picture(&format!("{what}, next"), &picture, "document-back.jpg", app.cell());
    app.settle();
    assert_inside_preview(&format!("{what}, next"), &placeholders(&app.app.screen()));

    // Out of the media pane: no placeholder cell is left, so no picture shows.
    app.app.send(&["h"]);
    app.app.wait_for("created", WAIT);
    app.settle();
    let screen = app.app.screen();
    assert!(
        placeholders(&screen).is_empty(),
        "{what}: image cells left behind:\n{screen}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixel_previews_decode_to_the_source_image_and_leave_nothing_behind() {
    if !tools::available("the sixel decoder test", &[tools::TMUX, tools::IMAGEMAGICK]) {
        return;
    }
    let server = server::start(ServerOptions::default()).await.unwrap();
    let url = server.url();
    tokio::task::spawn_blocking(move || {
        sixel_check(&url, false);
        sixel_check(&url, true);
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kitty_previews_decode_to_the_source_image_and_leave_nothing_behind() {
    if !tools::available("the kitty decoder test", &[tools::TMUX]) {
        return;
    }
    let server = server::start(ServerOptions::default()).await.unwrap();
    let url = server.url();
    tokio::task::spawn_blocking(move || {
        kitty_check(&url, false);
        kitty_check(&url, true);
    })
    .await
    .unwrap();
}
