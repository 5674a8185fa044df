//! The previews: encoded pictures kept least recently asked for first out.

use super::Store;
use crate::tui::app::msg::{Load, PreviewKey, Req};
use crate::tui::preview::PreviewImage;

/// Encoded previews kept: the least recently asked for go first.
pub const MAX_PREVIEWS: usize = 48;

impl Store {
    pub fn preview(&self, key: &PreviewKey) -> Option<&Load<PreviewImage>> {
        self.previews.get(key).map(|(load, _, _)| load)
    }

    /// A preview known without asking (too large to fetch, say).
    pub fn set_preview(&mut self, key: PreviewKey, load: Load<PreviewImage>) {
        self.preview_clock += 1;
        self.previews.insert(key, (load, self.preview_clock, None));
        self.evict_previews();
    }

    /// Marks a known preview as just asked for again, so it is evicted last.
    pub fn touch_preview(&mut self, key: &PreviewKey) {
        self.preview_clock += 1;
        if let Some((_, used, _)) = self.previews.get_mut(key) {
            *used = self.preview_clock;
        }
    }

    pub(super) fn evict_previews(&mut self) {
        while self.previews.len() > MAX_PREVIEWS {
            let oldest = self
                .previews
                .iter()
                .min_by_key(|(_, (_, used, _))| *used)
                .map(|(key, _)| key.clone());
            match oldest {
                Some(key) => self.previews.remove(&key),
                None => return,
            };
        }
    }

    /// Forgets the previews on their way other than `keep` (a selection left
    /// behind), so they are asked for again when wanted; returns their loads,
    /// to be aborted.
    pub fn abandon_previews_except(&mut self, keep: &[PreviewKey]) -> Vec<Req> {
        let mut abandoned = Vec::new();
        self.previews.retain(|key, (load, _, video)| {
            let left = matches!(load, Load::Loading(_)) && !keep.contains(key);
            if left {
                abandoned.push(Req::Preview {
                    key: key.clone(),
                    video: video.clone(),
                });
            }
            !left
        });
        abandoned
    }
}
