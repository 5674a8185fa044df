//! Inline previews of the selected media: fetched, decoded and encoded for the
//! terminal's image protocol off the UI task, one size at a time.

use std::collections::VecDeque;
use std::fmt;
use std::io::Write;
use std::sync::{Arc, Mutex};

use ratatui::layout::Size;
use ratatui_image::Resize;
use ratatui_image::picker::{Picker, ProtocolType};
use ratatui_image::protocol::Protocol;
use ratatui_image::protocol::halfblocks::Halfblocks;

pub use crate::config::ImageProtocol;

/// How previews are drawn.
pub enum Renderer {
    /// Unicode half blocks, drawn in cells: nothing to ask the terminal, nothing
    /// to change in tmux.
    Halfblocks,
    /// Kitty, sixel or iTerm2 graphics, through ratatui-image's picker (which, in
    /// tmux, turns the pane's allow-passthrough on: graphics need it).
    Graphics(Picker),
}

/// The renderer for a `--image-protocol` choice; `None` turns previews off.
///
/// Asking the terminal costs a round trip, and a terminal that does not answer
/// (many do not) stalls the query for seconds and leaves a reader behind that
/// eats the next keystroke. So `auto` asks only a terminal that says, in its
/// environment, that it draws images; every other gets halfblocks at once; and a
/// protocol asked for by name is used without asking anything. It must run while
/// nothing else reads the terminal.
pub fn renderer(choice: ImageProtocol) -> Option<Renderer> {
    let forced = match choice {
        ImageProtocol::None => return None,
        ImageProtocol::Halfblocks => return Some(Renderer::Halfblocks),
        ImageProtocol::Auto if !draws_images(&|name| std::env::var(name).ok()) => return Some(Renderer::Halfblocks),
        ImageProtocol::Auto => None,
        ImageProtocol::Kitty => Some(ProtocolType::Kitty),
        ImageProtocol::Sixel => Some(ProtocolType::Sixel),
        ImageProtocol::Iterm2 => Some(ProtocolType::Iterm2),
    };
    let picker = match forced {
        Some(protocol) => {
            #[allow(
                deprecated,
                reason = "the one constructor that takes a cell size without asking the terminal"
            )]
            let mut picker = Picker::from_fontsize(cell_size());
            picker.set_protocol_type(protocol);
            picker
        }
        None => match Picker::from_query_stdio() {
            Ok(picker) => picker,
            Err(_) => return Some(Renderer::Halfblocks),
        },
    };
    match picker.protocol_type() {
        ProtocolType::Halfblocks => Some(Renderer::Halfblocks),
        _ => Some(Renderer::Graphics(picker)),
    }
}

/// The terminal's cell size in pixels from the kernel's window size (what
/// terminals and sshd report with the size in cells, no query needed), else a
/// typical 10x20.
fn cell_size() -> ratatui_image::FontSize {
    let measured = crossterm::terminal::window_size()
        .ok()
        .filter(|w| w.columns > 0 && w.rows > 0 && w.width >= w.columns && w.height >= w.rows)
        .map(|w| ratatui_image::FontSize::new(w.width / w.columns, w.height / w.rows));
    measured.unwrap_or(ratatui_image::FontSize::new(10, 20))
}

/// Whether the environment names a terminal known to draw images (kitty, sixel or
/// iTerm2 protocols).
fn draws_images(env: &dyn Fn(&str) -> Option<String>) -> bool {
    const TERMS: [&str; 6] = ["kitty", "ghostty", "wezterm", "foot", "mlterm", "contour"];
    const PROGRAMS: [&str; 4] = ["iTerm.app", "WezTerm", "ghostty", "rio"];
    let term = env("TERM").unwrap_or_default().to_ascii_lowercase();
    env("KITTY_WINDOW_ID").is_some()
        || TERMS.iter().any(|t| term.contains(t))
        || env("TERM_PROGRAM").is_some_and(|p| PROGRAMS.contains(&p.as_str()))
}

/// An image encoded for the terminal, ready to draw.
#[derive(Clone)]
pub struct PreviewImage(pub Arc<Protocol>);

impl fmt::Debug for PreviewImage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PreviewImage({:?})", self.0.size())
    }
}

/// Two previews are the same when they are the same encoding.
impl PartialEq for PreviewImage {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// Images wider or taller than this are not previewed: the person who made the
/// file chooses its dimensions, and 100 MB of pixels can hide in 100 KB of PNG.
pub const MAX_PREVIEW_SIDE: u32 = 8192;

/// What a decoder may allocate for one preview (a 12-megapixel photo fits).
const MAX_DECODE_ALLOC: u64 = 64 * 1024 * 1024;

/// One decode at a time: each may hold up to [`MAX_DECODE_ALLOC`].
static DECODING: Mutex<()> = Mutex::new(());

/// Decodes an image and encodes it to fit in `size` cells, keeping its shape.
/// `still_wanted` is asked once this preview's turn to decode comes: a preview the
/// cursor has left behind is abandoned before it costs memory.
pub fn encode(
    renderer: &Renderer,
    bytes: &[u8],
    size: Size,
    still_wanted: impl Fn() -> bool,
) -> Result<PreviewImage, String> {
    let _turn = DECODING.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if !still_wanted() {
        return Err("superseded".into());
    }
    let image = decode_bounded(bytes)?;
    let protocol = match renderer {
        Renderer::Halfblocks => {
            let fitted = halfblock_fit(image.width(), image.height(), size);
            Protocol::Halfblocks(Halfblocks::new(image, fitted).map_err(|e| format!("no preview: {e}"))?)
        }
        Renderer::Graphics(picker) => picker
            .new_protocol(image, size, Resize::Fit(None))
            .map_err(|e| format!("no preview: {e}"))?,
    };
    Ok(PreviewImage(Arc::new(protocol)))
}

/// The image, once its header has shown it small enough, decoded under an
/// allocation cap.
fn decode_bounded(bytes: &[u8]) -> Result<image::DynamicImage, String> {
    let reader = || {
        image::ImageReader::new(std::io::Cursor::new(bytes))
            .with_guessed_format()
            .map_err(|e| format!("no preview: {e}"))
    };
    let (width, height) = reader()?.into_dimensions().map_err(|e| format!("no preview: {e}"))?;
    let too_large = || format!("too large to preview: {width} x {height}");
    if width > MAX_PREVIEW_SIDE || height > MAX_PREVIEW_SIDE {
        return Err(too_large());
    }
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_PREVIEW_SIDE);
    limits.max_image_height = Some(MAX_PREVIEW_SIDE);
    limits.max_alloc = Some(MAX_DECODE_ALLOC);
    let mut reader = reader()?;
    reader.limits(limits);
    reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => too_large(),
        e => format!("no preview: {e}"),
    })
}

/// The cells an image of `width` x `height` pixels fills within `limit`: a cell
/// holds two half blocks, one above the other, each about square.
fn halfblock_fit(width: u32, height: u32, limit: Size) -> Size {
    let (width, height) = (width.max(1) as f64, height.max(1) as f64);
    let scale = (limit.width as f64 / width).min(2.0 * limit.height as f64 / height);
    let columns = (width * scale).round().clamp(1.0, limit.width.max(1) as f64);
    let rows = (height * scale / 2.0).round().clamp(1.0, limit.height.max(1) as f64);
    Size::new(columns as u16, rows as u16)
}

/// How long ffmpeg may take for one frame.
const FFMPEG_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// ffmpeg's demuxer for a video mimetype: named, never guessed from the bytes, so
/// a file cannot pick one of ffmpeg's many parsers (or its playlist formats).
fn demuxer_for(mimetype: &str) -> Option<&'static str> {
    let essence = mimetype
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    Some(match essence.as_str() {
        "video/webm" | "video/x-matroska" => "matroska",
        "video/mp4" | "video/quicktime" => "mov",
        _ => return None,
    })
}

/// A PNG of the video's first frame, by `ffmpeg` (the program's name, a parameter
/// for the tests). The bytes go through a private temporary file, removed whatever
/// happens; ffmpeg may read only that file and its output pipe, and is killed with
/// its children after [`FFMPEG_TIMEOUT`].
pub fn video_frame(ffmpeg: &str, video: &[u8], mimetype: &str) -> Result<Vec<u8>, String> {
    let demuxer = demuxer_for(mimetype).ok_or_else(|| "video: no preview for this video type".to_owned())?;
    let mut file = tempfile::Builder::new()
        .prefix(".veriff-tui-frame-")
        .tempfile()
        .map_err(|e| e.to_string())?;
    file.write_all(video).map_err(|e| e.to_string())?;
    let mut command = crate::process::command(ffmpeg);
    command
        .args([
            "-v",
            "error",
            "-nostdin",
            "-protocol_whitelist",
            "file,pipe",
            "-f",
            demuxer,
            "-i",
        ])
        .arg(file.path())
        .args(["-frames:v", "1", "-f", "image2pipe", "-vcodec", "png", "pipe:1"]);
    use crate::process::RunError;
    let (status, frame) = crate::process::output_within(&mut command, FFMPEG_TIMEOUT).map_err(|e| match e {
        RunError::Spawn(_) => "video: install ffmpeg to see a frame here".to_owned(),
        RunError::TimedOut => "video: ffmpeg took too long and was stopped".to_owned(),
        RunError::Io(e) => format!("video: {e}"),
    })?;
    if !status.success() || frame.is_empty() {
        return Err("video: ffmpeg could not read a frame".into());
    }
    Ok(frame)
}

/// Media larger than this are not previewed: their bytes are held in memory to be
/// decoded.
pub const MAX_PREVIEW_BYTES: u64 = 32 * 1024 * 1024;

/// The bytes of a preview, refusing to grow past [`MAX_PREVIEW_BYTES`] whatever
/// size the server announced.
#[derive(Default)]
pub struct PreviewBuffer {
    pub bytes: Vec<u8>,
    pub overflowed: bool,
}

impl tokio::io::AsyncWrite for PreviewBuffer {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        if (self.bytes.len() + buf.len()) as u64 > MAX_PREVIEW_BYTES {
            self.overflowed = true;
            return std::task::Poll::Ready(Err(std::io::Error::other("too large to preview")));
        }
        self.bytes.extend_from_slice(buf);
        std::task::Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }
}

/// The message for media too large to preview.
pub fn too_large() -> String {
    format!("no preview: larger than {} MiB", MAX_PREVIEW_BYTES / (1024 * 1024))
}

/// Recently fetched (and verified) media bytes, so a resize re-encodes and `o`
/// opens without a download. Bounded by count and by bytes, newest first.
#[derive(Default)]
pub struct ByteCache(Mutex<VecDeque<(String, Arc<Vec<u8>>)>>);

impl ByteCache {
    const KEEP: usize = 16;
    /// What the cache may hold in all: a few photos, not [`Self::KEEP`] times
    /// [`MAX_PREVIEW_BYTES`].
    const MAX_BYTES: usize = 64 * 1024 * 1024;

    pub fn get(&self, id: &str) -> Option<Arc<Vec<u8>>> {
        let cache = self.0.lock().expect("preview cache lock");
        cache.iter().find(|(k, _)| k == id).map(|(_, v)| v.clone())
    }

    pub fn put(&self, id: String, bytes: Arc<Vec<u8>>) {
        let mut cache = self.0.lock().expect("preview cache lock");
        cache.retain(|(k, _)| *k != id);
        cache.push_front((id, bytes));
        cache.truncate(Self::KEEP);
        let mut held = 0;
        cache.retain(|(_, bytes)| {
            held += bytes.len();
            held <= Self::MAX_BYTES
        });
    }

    /// Forgets everything: the bytes were verified with another integration's secret.
    pub fn clear(&self) {
        self.0.lock().expect("preview cache lock").clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_terminals_that_draw_images_are_asked() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
        };
        assert!(draws_images(&env(&[("TERM", "xterm-kitty")])));
        assert!(draws_images(&env(&[
            ("TERM", "tmux-256color"),
            ("KITTY_WINDOW_ID", "3")
        ])));
        assert!(draws_images(&env(&[
            ("TERM", "xterm-256color"),
            ("TERM_PROGRAM", "iTerm.app")
        ])));
        assert!(draws_images(&env(&[("TERM", "foot")])));
        assert!(!draws_images(&env(&[("TERM", "xterm-256color")])));
        assert!(!draws_images(&env(&[
            ("TERM", "tmux-256color"),
            ("TERM_PROGRAM", "tmux")
        ])));
        assert!(!draws_images(&env(&[])));
    }

    #[test]
    fn halfblocks_and_none_never_ask_the_terminal() {
        // Would block reading stdin under the test runner if they asked.
        assert!(matches!(
            renderer(ImageProtocol::Halfblocks),
            Some(Renderer::Halfblocks)
        ));
        assert!(renderer(ImageProtocol::None).is_none());
    }

    #[test]
    fn halfblock_previews_keep_the_pictures_shape() {
        // A 480x640 portrait in 53x10 cells: 20 half-block rows tall, 15 wide.
        assert_eq!(halfblock_fit(480, 640, Size::new(53, 10)), Size::new(15, 10));
        // A 640x400 card in 30x20 cells: as wide as allowed, 19 pixels tall.
        assert_eq!(halfblock_fit(640, 400, Size::new(30, 20)), Size::new(30, 9));
        assert_eq!(halfblock_fit(1, 1, Size::new(0, 0)), Size::new(1, 1));
    }

    const OVERSIZED: &[u8] = include_bytes!("../../assets/demo/oversized-10000x10000.png");
    const FACE: &[u8] = include_bytes!("../../assets/demo/face.jpg");

    #[test]
    fn an_image_too_large_is_refused_by_its_header_before_decoding() {
        let started = std::time::Instant::now();
        let err = encode(&Renderer::Halfblocks, OVERSIZED, Size::new(40, 20), || true).unwrap_err();
        assert_eq!(err, "too large to preview: 10000 x 10000");
        // Decoding 100 megapixels takes seconds; reading a header, microseconds.
        assert!(
            started.elapsed() < std::time::Duration::from_secs(1),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn a_preview_no_longer_wanted_is_abandoned_before_it_decodes() {
        assert_eq!(
            encode(&Renderer::Halfblocks, FACE, Size::new(40, 20), || false).unwrap_err(),
            "superseded"
        );
        assert!(encode(&Renderer::Halfblocks, FACE, Size::new(40, 20), || true).is_ok());
    }

    #[test]
    fn ffmpeg_is_given_a_named_demuxer_only_local_protocols_and_no_temp_file_outlives_it() {
        let dir = tempfile::tempdir().unwrap();
        let args = dir.path().join("args");
        let fake = dir.path().join("ffmpeg");
        std::fs::write(
            &fake,
            format!("#!/bin/sh\nprintf '%s\\n' \"$@\" > {}\nexit 1\n", args.display()),
        )
        .unwrap();
        std::fs::set_permissions(&fake, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
        let err = video_frame(fake.to_str().unwrap(), b"not really a video", "video/webm").unwrap_err();
        assert_eq!(err, "video: ffmpeg could not read a frame");
        let args: Vec<String> = std::fs::read_to_string(&args)
            .unwrap()
            .lines()
            .map(str::to_owned)
            .collect();
        let after = |flag: &str| args.iter().position(|a| a == flag).map(|i| args[i + 1].clone());
        assert_eq!(after("-protocol_whitelist").as_deref(), Some("file,pipe"), "{args:?}");
        assert_eq!(after("-f").as_deref(), Some("matroska"), "{args:?}");
        let input = after("-i").unwrap();
        assert!(!std::path::Path::new(&input).exists(), "{input} was left behind");

        assert_eq!(
            video_frame(fake.to_str().unwrap(), b"x", "video/x-unknown").unwrap_err(),
            "video: no preview for this video type"
        );
        assert_eq!(demuxer_for("video/mp4; codecs=avc1"), Some("mov"));
    }
}
