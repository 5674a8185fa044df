//! Opening and saving: three jobs, each verified like any download and leaving
//! nothing partial behind. Opening reuses the bytes a preview already fetched and
//! verified, instead of downloading them again.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::sync::mpsc;

use super::Dirs;
use crate::api::{ApiError, Client, Progress, ProgressThrottle, SaveAs, names};
use crate::tui::app::{Failure, Msg, ReqId, TransferItem, TransferKind, TransferOutcome};
use crate::tui::preview::ByteCache;

/// One `Cmd::Transfer`, with what it needs.
pub(super) struct Job {
    pub client: Client,
    pub dirs: Arc<Dirs>,
    pub tx: mpsc::UnboundedSender<Msg>,
    pub id: ReqId,
    pub display: bool,
    pub previewed: Arc<ByteCache>,
    pub opener: super::Opener,
}

impl Job {
    pub async fn run(
        &self,
        kind: TransferKind,
        folder: Option<String>,
        items: Vec<TransferItem>,
    ) -> Result<TransferOutcome, Failure> {
        match (kind, items.first()) {
            (TransferKind::Open, Some(item)) => self.open(item).await,
            (TransferKind::Save, Some(item)) => self.save(item).await,
            (TransferKind::SaveAll, _) => self.save_all(folder.as_deref(), &items).await,
            (_, None) => Err(Failure::from("nothing to transfer")),
        }
    }

    /// Into the cache and onto the system viewer; without a display (or a type
    /// the viewer may open, or a viewer that works) saved instead, and said why.
    async fn open(&self, item: &TransferItem) -> Result<TransferOutcome, Failure> {
        if !self.display {
            return self.save_instead(item, "no display to open it on").await;
        }
        let path = match self.reuse_preview(item) {
            Some(path) => path,
            None => self.fetch(item, &self.dirs.cache, true, 1, 1).await?,
        };
        if !may_open(&path) {
            let _ = std::fs::remove_file(&path);
            return self.save_instead(item, "not opened: not a known media type").await;
        }
        let opened = {
            let path = path.clone();
            let opener = self.opener;
            tokio::task::spawn_blocking(move || opener(&path)).await
        };
        if let Ok(Ok(())) = opened {
            return Ok(TransferOutcome::Opened(path));
        }
        tracing::warn!("the system viewer failed for {}: {opened:?}", path.display());
        self.save_instead(item, "the viewer failed").await
    }

    async fn save(&self, item: &TransferItem) -> Result<TransferOutcome, Failure> {
        match self.fetch(item, &self.dirs.download, false, 1, 1).await {
            Ok(path) => Ok(TransferOutcome::Saved(path)),
            Err(ApiError::Exists(path)) => Ok(TransferOutcome::AlreadySaved(path)),
            Err(e) => Err(e.into()),
        }
    }

    /// Every item into `folder` of the download dir; files already there are kept.
    async fn save_all(&self, folder: Option<&str>, items: &[TransferItem]) -> Result<TransferOutcome, Failure> {
        let dir = match folder {
            Some(folder) => self.dirs.download.join(names::safe_component(folder)),
            None => self.dirs.download.clone(),
        };
        let (mut saved, mut skipped) = (0, 0);
        for (index, item) in items.iter().enumerate() {
            match self.fetch(item, &dir, false, index + 1, items.len()).await {
                Ok(_) => saved += 1,
                Err(ApiError::Exists(_)) => skipped += 1,
                Err(e) => {
                    let mut failure = Failure::from(&e);
                    failure.message = format!(
                        "file {} of {}: {} ({saved} saved before it)",
                        index + 1,
                        items.len(),
                        failure.message
                    );
                    return Err(failure);
                }
            }
        }
        Ok(TransferOutcome::SavedAll { dir, saved, skipped })
    }

    async fn save_instead(&self, item: &TransferItem, why: &str) -> Result<TransferOutcome, Failure> {
        match self.fetch(item, &self.dirs.download, false, 1, 1).await {
            Ok(path) | Err(ApiError::Exists(path)) => Ok(TransferOutcome::SavedInstead {
                path,
                why: why.to_owned(),
            }),
            Err(e) => Err(e.into()),
        }
    }

    /// The preview's verified bytes written into the cache as the file to open,
    /// when the preview has them.
    fn reuse_preview(&self, item: &TransferItem) -> Option<PathBuf> {
        let bytes = self.previewed.get(&item.media_id)?;
        let parts: Vec<&str> = item.name_parts.iter().map(String::as_str).collect();
        let path = self.dirs.cache.join(names::file_name(&parts, item.mimetype.as_deref()));
        match crate::files::write_private(&path, &bytes) {
            Ok(()) => Some(path),
            Err(e) => {
                tracing::warn!("cannot write {}: {e}; downloading instead", path.display());
                None
            }
        }
    }

    /// Downloads one item into `dir`, reporting progress as file `file` of `files`.
    async fn fetch(
        &self,
        item: &TransferItem,
        dir: &Path,
        overwrite: bool,
        file: usize,
        files: usize,
    ) -> Result<PathBuf, ApiError> {
        let save_as = SaveAs::InDir {
            dir: dir.to_path_buf(),
            parts: item.name_parts.clone(),
        };
        let mut throttle = ProgressThrottle::default();
        let (tx, id) = (self.tx.clone(), self.id);
        let progress = move |progress: Progress| {
            if let Some(elapsed) = throttle.pass(&progress) {
                let _ = tx.send(Msg::TransferProgress {
                    id,
                    progress,
                    elapsed,
                    file,
                    files,
                });
            }
        };
        self.client
            .download(&item.media_id, &save_as, overwrite, progress)
            .await
    }
}

/// Whether the system viewer may be asked to open `path`: only files whose
/// extension came from a known media type (a server-chosen `.html` or `.desktop`
/// could be run or rendered by the opener).
fn may_open(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(names::is_known_extension)
}
