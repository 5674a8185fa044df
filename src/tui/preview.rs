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

/// `--image-protocol`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ImageProtocol {
    /// Ask the terminal (kitty, sixel, iTerm2), else halfblocks.
    #[default]
    Auto,
    Kitty,
    Sixel,
    Iterm2,
    /// Unicode half blocks: every terminal shows them, over any SSH link.
    Halfblocks,
    /// No previews.
    None,
}

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

/// Decodes an image and encodes it to fit in `size` cells, keeping its shape.
pub fn encode(renderer: &Renderer, bytes: &[u8], size: Size) -> Result<PreviewImage, String> {
    let image = image::load_from_memory(bytes).map_err(|e| format!("no preview: {e}"))?;
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

/// The cells an image of `width` x `height` pixels fills within `limit`: a cell
/// holds two half blocks, one above the other, each about square.
fn halfblock_fit(width: u32, height: u32, limit: Size) -> Size {
    let (width, height) = (width.max(1) as f64, height.max(1) as f64);
    let scale = (limit.width as f64 / width).min(2.0 * limit.height as f64 / height);
    let columns = (width * scale).round().clamp(1.0, limit.width.max(1) as f64);
    let rows = (height * scale / 2.0).round().clamp(1.0, limit.height.max(1) as f64);
    Size::new(columns as u16, rows as u16)
}

/// A PNG of the video's first frame, by ffmpeg.
pub fn video_frame(video: &[u8]) -> Result<Vec<u8>, String> {
    let mut file = tempfile::NamedTempFile::new().map_err(|e| e.to_string())?;
    file.write_all(video).map_err(|e| e.to_string())?;
    let output = std::process::Command::new("ffmpeg")
        .args(["-v", "error", "-nostdin", "-i"])
        .arg(file.path())
        .args(["-frames:v", "1", "-f", "image2pipe", "-vcodec", "png", "-"])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .map_err(|_| "video: install ffmpeg to see a frame here".to_owned())?;
    if !output.status.success() || output.stdout.is_empty() {
        return Err("video: ffmpeg could not read a frame".into());
    }
    Ok(output.stdout)
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

/// Recently fetched media bytes, so a resize re-encodes without a download.
#[derive(Default)]
pub struct ByteCache(Mutex<VecDeque<(String, Arc<Vec<u8>>)>>);

impl ByteCache {
    const KEEP: usize = 16;

    pub fn get(&self, id: &str) -> Option<Arc<Vec<u8>>> {
        let cache = self.0.lock().expect("preview cache lock");
        cache.iter().find(|(k, _)| k == id).map(|(_, v)| v.clone())
    }

    pub fn put(&self, id: String, bytes: Arc<Vec<u8>>) {
        let mut cache = self.0.lock().expect("preview cache lock");
        cache.retain(|(k, _)| *k != id);
        cache.push_front((id, bytes));
        cache.truncate(Self::KEEP);
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
}
