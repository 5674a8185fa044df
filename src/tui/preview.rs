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

/// The picker for a `--image-protocol` choice; `None` turns previews off.
///
/// Asking the terminal costs a round trip, and a terminal that does not answer
/// (many do not, tmux among them) stalls the query for seconds and leaves a reader
/// that eats the next keystroke. So `auto` asks only a terminal that says, in its
/// environment, that it draws images; every other gets halfblocks at once. It must
/// run while nothing else reads the terminal.
pub fn picker(choice: ImageProtocol) -> Option<Picker> {
    let ask = match choice {
        ImageProtocol::None => return None,
        ImageProtocol::Halfblocks => false,
        ImageProtocol::Auto => draws_images(&|name| std::env::var(name).ok()),
        _ => true,
    };
    let mut picker = if ask {
        Picker::from_query_stdio().unwrap_or_else(|_| Picker::halfblocks())
    } else {
        Picker::halfblocks()
    };
    let forced = match choice {
        ImageProtocol::Kitty => Some(ProtocolType::Kitty),
        ImageProtocol::Sixel => Some(ProtocolType::Sixel),
        ImageProtocol::Iterm2 => Some(ProtocolType::Iterm2),
        _ => None,
    };
    if let Some(protocol) = forced {
        picker.set_protocol_type(protocol);
    }
    Some(picker)
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

/// Decodes an image and encodes it to fit in `size` cells.
pub fn encode(picker: &Picker, bytes: &[u8], size: Size) -> Result<PreviewImage, String> {
    let image = image::load_from_memory(bytes).map_err(|e| format!("no preview: {e}"))?;
    let protocol = picker
        .new_protocol(image, size, Resize::Fit(None))
        .map_err(|e| format!("no preview: {e}"))?;
    Ok(PreviewImage(Arc::new(protocol)))
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
        assert_eq!(
            picker(ImageProtocol::Halfblocks).map(|p| p.protocol_type()),
            Some(ProtocolType::Halfblocks)
        );
        assert!(picker(ImageProtocol::None).is_none());
    }
}
