//! Carries out what `update` asks for. Every request runs on its own tokio task and
//! reports back as a [`Msg`]; nothing here blocks the UI task.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use std::sync::RwLock;

use tokio::sync::{Semaphore, mpsc};
use tokio::task::AbortHandle;

use super::app::{Cmd, ExportSummary, Msg, PreviewKey, ReqId, TransferItem, TransferKind, TransferOutcome};
use super::preview::{ByteCache, PreviewBuffer, PreviewImage, Renderer, encode, too_large, video_frame};
use crate::api::{ApiError, Client, Progress, ProgressThrottle, SaveAs, names};
use crate::config::{Profiles, process_env};

/// Background media loads in flight at once: enough to fill a session's attempts
/// in a round trip or two without hammering the API.
const BACKGROUND_LOADS: usize = 4;

/// Where files go.
#[derive(Debug, Clone)]
pub struct Dirs {
    pub download: PathBuf,
    /// Files fetched only to be opened.
    pub cache: PathBuf,
    /// `None` in demo mode: demo sessions are not remembered.
    pub history: Option<PathBuf>,
}

/// The API in use and where its files go: replaced as a whole by a profile switch.
type Target = (Client, Arc<Dirs>);

pub struct Effects {
    /// Only ever locked to clone out or replace, never across an await.
    target: Arc<RwLock<Target>>,
    profiles: Option<Arc<Profiles>>,
    tx: mpsc::UnboundedSender<Msg>,
    background: Arc<Semaphore>,
    transfers: HashMap<ReqId, AbortHandle>,
    /// Running exports, stopped (manifest saved) by sending on their channel.
    exports: HashMap<ReqId, tokio::sync::oneshot::Sender<()>>,
    display: bool,
    /// `None` with `--image-protocol none`.
    renderer: Option<Arc<Renderer>>,
    preview_bytes: Arc<ByteCache>,
    /// The preview being fetched or waiting out its debounce.
    preview_task: Option<AbortHandle>,
    /// History saves asked for, and the newest one written.
    history_saves: u64,
    history_written: Arc<std::sync::Mutex<u64>>,
}

impl Effects {
    pub fn new(client: Client, tx: mpsc::UnboundedSender<Msg>, dirs: Dirs, profiles: Option<Profiles>) -> Effects {
        Effects {
            target: Arc::new(RwLock::new((client, Arc::new(dirs)))),
            profiles: profiles.map(Arc::new),
            tx,
            background: Arc::new(Semaphore::new(BACKGROUND_LOADS)),
            transfers: HashMap::new(),
            exports: HashMap::new(),
            display: has_display(),
            renderer: None,
            preview_bytes: Arc::new(ByteCache::default()),
            preview_task: None,
            history_saves: 0,
            history_written: Arc::default(),
        }
        .purging_the_cache()
    }

    /// Files fetched only to be opened are identity documents: gone after a day.
    fn purging_the_cache(self) -> Effects {
        let (_, dirs) = self.target.read().expect("effects target lock").clone();
        tokio::task::spawn_blocking(move || {
            let Ok(entries) = std::fs::read_dir(&dirs.cache) else {
                return;
            };
            let day = Duration::from_secs(24 * 60 * 60);
            for entry in entries.flatten() {
                let old = entry
                    .metadata()
                    .and_then(|m| m.modified())
                    .is_ok_and(|t| t.elapsed().is_ok_and(|age| age > day));
                if old && entry.file_type().is_ok_and(|t| t.is_file()) {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
        });
        self
    }

    /// Previews start once the terminal's image protocol is known (`None`: off).
    pub fn set_renderer(&mut self, renderer: Option<Renderer>) {
        self.renderer = renderer.map(Arc::new);
    }

    /// Runs `work` on its own task and sends its message back; a `background` one
    /// first waits for a turn behind the concurrency limit.
    fn reply(&self, background: bool, work: impl Future<Output = Msg> + Send + 'static) {
        let limit = background.then(|| self.background.clone());
        let tx = self.tx.clone();
        tokio::spawn(async move {
            let _permit = match limit {
                Some(limit) => limit.acquire_owned().await.ok(),
                None => None,
            };
            let _ = tx.send(work.await);
        });
    }

    pub fn run(&mut self, cmd: Cmd) {
        let (client, dirs) = self.target.read().expect("effects target lock").clone();
        let tx = self.tx.clone();
        let text = |e: ApiError| e.to_string();
        match cmd {
            Cmd::LoadAttempts { session, req } => self.reply(false, async move {
                let result = client
                    .session_attempts(&session)
                    .await
                    .map(|l| l.verifications)
                    .map_err(text);
                Msg::AttemptsLoaded { session, req, result }
            }),
            Cmd::LoadDecision {
                session,
                req,
                background,
            } => self.reply(background, async move {
                let result = client
                    .session_decision(&session)
                    .await
                    .map(|d| d.verification)
                    .map_err(text);
                Msg::DecisionLoaded { session, req, result }
            }),
            Cmd::LoadSessionMedia { session, req } => self.reply(false, async move {
                let result = client.session_media(&session).await.map_err(text);
                Msg::SessionMediaLoaded { session, req, result }
            }),
            Cmd::LoadMedia {
                attempt,
                req,
                background,
            } => self.reply(background, async move {
                let result = client.attempt_media(&attempt).await.map_err(text);
                Msg::MediaLoaded { attempt, req, result }
            }),
            Cmd::Transfer {
                id,
                kind,
                folder,
                items,
            } => {
                let display = self.display;
                let task = tokio::spawn(async move {
                    let result = transfer(&client, &tx, id, kind, folder, items, &dirs, display).await;
                    let _ = tx.send(Msg::TransferDone { id, result });
                });
                self.transfers.retain(|_, handle| !handle.is_finished());
                self.transfers.insert(id, task.abort_handle());
            }
            Cmd::CancelTransfer { id } => {
                // Aborting drops the download future, which deletes its temporary file.
                if let Some(handle) = self.transfers.remove(&id) {
                    handle.abort();
                }
            }
            Cmd::Export { id, sessions } => {
                let (stop, stopped) = tokio::sync::oneshot::channel();
                self.exports.retain(|_, stop| !stop.is_closed());
                self.exports.insert(id, stop);
                tokio::spawn(async move {
                    let result = export(&client, &tx, id, sessions, &dirs.download, stopped).await;
                    let _ = tx.send(Msg::ExportDone { id, result });
                });
            }
            Cmd::CancelExport { id } => {
                if let Some(stop) = self.exports.remove(&id) {
                    let _ = stop.send(());
                }
            }
            Cmd::Copy(text) => {
                // OSC 52: the terminal (and tmux, with set-clipboard on) puts it on
                // the clipboard of the machine the person sits at, over SSH too.
                let copy = crossterm::clipboard::CopyToClipboard::to_clipboard_from(text);
                if let Err(e) = crossterm::execute!(std::io::stdout(), copy) {
                    tracing::warn!("copy to clipboard failed: {e}");
                }
            }
            Cmd::SaveHistory(sessions) => {
                if let Some(path) = dirs.history.clone() {
                    // Saves run on blocking threads in any order; the newest list wins.
                    self.history_saves += 1;
                    let this = self.history_saves;
                    let written = self.history_written.clone();
                    tokio::task::spawn_blocking(move || {
                        let mut written = written.lock().expect("history lock");
                        if *written > this {
                            return;
                        }
                        if let Err(e) = super::history::save(&path, &sessions) {
                            tracing::warn!("cannot save session history to {}: {e}", path.display());
                        }
                        *written = this;
                    });
                }
            }
            Cmd::Preview { key, req, video } => {
                let Some(renderer) = self.renderer.clone() else { return };
                // Debounce: while the cursor moves, each new preview replaces the
                // last before it costs a download.
                if let Some(task) = self.preview_task.take() {
                    task.abort();
                }
                let cache = self.preview_bytes.clone();
                let task = tokio::spawn(async move {
                    tokio::time::sleep(PREVIEW_DEBOUNCE).await;
                    let result = preview(&client, &cache, renderer, &key, video).await;
                    let _ = tx.send(Msg::PreviewReady { key, req, result });
                });
                self.preview_task = Some(task.abort_handle());
            }
            Cmd::SwitchProfile(profile) => {
                let Some(profiles) = self.profiles.clone() else { return };
                let target = self.target.clone();
                tokio::spawn(async move {
                    // Off the UI task: a shared_secret_command may take its time.
                    let name = profile.clone();
                    let resolved = tokio::task::spawn_blocking(move || profiles.settings(&name, &process_env)).await;
                    let result = match resolved {
                        Ok(Ok(settings)) => {
                            Client::new(settings.client.clone())
                                .map_err(|e| e.to_string())
                                .map(|client| {
                                    let host = client.host();
                                    let dirs = Dirs {
                                        download: settings.download_dir.clone(),
                                        ..(*dirs).clone()
                                    };
                                    *target.write().expect("effects target lock") = (client, Arc::new(dirs));
                                    host
                                })
                        }
                        Ok(Err(e)) => Err(e),
                        Err(e) => Err(e.to_string()),
                    };
                    let _ = tx.send(Msg::ProfileSwitched { profile, result });
                });
            }
        }
    }
}

/// How often a running export reports its figures.
const EXPORT_PROGRESS: Duration = Duration::from_millis(250);

/// Exports `sessions` into the download dir, reporting figures as it goes, until
/// done or until `stop` fires (or its sender is dropped, when the browser quits).
async fn export(
    client: &Client,
    tx: &mpsc::UnboundedSender<Msg>,
    id: ReqId,
    sessions: Vec<String>,
    dir: &Path,
    stop: tokio::sync::oneshot::Receiver<()>,
) -> Result<ExportSummary, String> {
    let counters = Arc::new(crate::export::Counters::default());
    let started = std::time::Instant::now();
    let reporter = {
        let (counters, tx) = (counters.clone(), tx.clone());
        tokio::spawn(async move {
            let mut every = tokio::time::interval(EXPORT_PROGRESS);
            loop {
                every.tick().await;
                let snapshot = counters.snapshot(started.elapsed());
                if tx.send(Msg::ExportProgress { id, snapshot }).is_err() {
                    return;
                }
            }
        })
    };
    let options = crate::export::Options {
        out: dir.to_path_buf(),
        jobs: crate::export::DEFAULT_JOBS,
        max_rps: None,
        force: false,
    };
    let outcome = crate::export::run(client.config(), sessions, &options, counters, None, async {
        let _ = stop.await;
    })
    .await;
    reporter.abort();
    let outcome = outcome?;
    let done = outcome
        .sessions
        .iter()
        .filter(|s| s.status == crate::export::SessionStatus::Done)
        .count();
    Ok(ExportSummary {
        dir: dir.to_path_buf(),
        done,
        failed: outcome.failed(),
        interrupted: outcome.interrupted,
        first_error: outcome
            .sessions
            .iter()
            .find_map(|s| s.error.as_ref().map(|e| format!("{}: {e}", crate::ids::short(&s.id)))),
    })
}

/// How long the cursor must rest on a media before its preview is fetched.
const PREVIEW_DEBOUNCE: Duration = Duration::from_millis(40);

/// Fetches (or reuses) the media's bytes, verified like any download, and encodes
/// them for the terminal off the UI task.
async fn preview(
    client: &Client,
    cache: &ByteCache,
    renderer: Arc<Renderer>,
    key: &PreviewKey,
    video: bool,
) -> Result<PreviewImage, String> {
    let bytes = match cache.get(&key.media) {
        Some(bytes) => bytes,
        None => {
            let mut buffer = PreviewBuffer::default();
            let fetched = client.download_to_writer(&key.media, &mut buffer, |_| {}).await;
            if buffer.overflowed {
                return Err(too_large());
            }
            fetched.map_err(|e| e.to_string())?;
            let bytes = Arc::new(buffer.bytes);
            cache.put(key.media.clone(), bytes.clone());
            bytes
        }
    };
    let size = ratatui::layout::Size::new(key.width, key.height);
    let encoded = tokio::task::spawn_blocking(move || {
        if video {
            encode(&renderer, &video_frame(&bytes)?, size)
        } else {
            encode(&renderer, &bytes, size)
        }
    });
    encoded.await.map_err(|e| e.to_string())?
}

/// A display to open files on: a local macOS session, or X11/Wayland.
fn has_display() -> bool {
    let set = |name| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    if cfg!(target_os = "macos") {
        return !set("SSH_CONNECTION");
    }
    set("DISPLAY") || set("WAYLAND_DISPLAY")
}

#[allow(clippy::too_many_arguments, reason = "the parts of one Cmd::Transfer, unpacked")]
async fn transfer(
    client: &Client,
    tx: &mpsc::UnboundedSender<Msg>,
    id: ReqId,
    kind: TransferKind,
    folder: Option<String>,
    items: Vec<TransferItem>,
    dirs: &Dirs,
    display: bool,
) -> Result<TransferOutcome, String> {
    let files = items.len();
    let mut saved = 0;
    let mut skipped = 0;
    let target_dir = match &folder {
        Some(folder) => dirs.download.join(names::safe_component(folder)),
        None => dirs.download.clone(),
    };
    for (index, item) in items.iter().enumerate() {
        let file = index + 1;
        let fetch = |dir: &Path, overwrite: bool| {
            let save_as = SaveAs::InDir {
                dir: dir.to_path_buf(),
                parts: item.name_parts.clone(),
            };
            let mut throttle = ProgressThrottle::default();
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
            let client = client.clone();
            let media = item.media_id.clone();
            async move { client.download(&media, &save_as, overwrite, progress).await }
        };
        match kind {
            TransferKind::Open if display => {
                let path = fetch(&dirs.cache, true).await.map_err(|e| e.to_string())?;
                if !names::is_viewable(&path) {
                    let _ = std::fs::remove_file(&path);
                    return save_one(fetch(&target_dir, false).await, "not opened: not a known media type");
                }
                let opened = {
                    let path = path.clone();
                    tokio::task::spawn_blocking(move || open::that(&path)).await
                };
                if let Ok(Ok(())) = opened {
                    return Ok(TransferOutcome::Opened(path));
                }
                tracing::warn!("the system viewer failed for {}: {opened:?}", path.display());
                return save_one(fetch(&target_dir, false).await, "the viewer failed");
            }

            TransferKind::Open => {
                return save_one(fetch(&target_dir, false).await, "no display to open it on");
            }
            TransferKind::Save => {
                return match fetch(&target_dir, false).await {
                    Ok(path) => Ok(TransferOutcome::Saved(path)),
                    Err(ApiError::Exists(path)) => Ok(TransferOutcome::AlreadySaved(path)),
                    Err(e) => Err(e.to_string()),
                };
            }
            TransferKind::SaveAll => match fetch(&target_dir, false).await {
                Ok(_) => saved += 1,
                Err(ApiError::Exists(_)) => skipped += 1,
                Err(e) => return Err(format!("file {file} of {files}: {e} ({saved} saved before it)")),
            },
        }
    }
    Ok(TransferOutcome::SavedAll {
        dir: target_dir,
        saved,
        skipped,
    })
}

fn save_one(result: Result<PathBuf, ApiError>, why: &str) -> Result<TransferOutcome, String> {
    match result {
        Ok(path) | Err(ApiError::Exists(path)) => Ok(TransferOutcome::SavedInstead {
            path,
            why: why.to_owned(),
        }),
        Err(e) => Err(e.to_string()),
    }
}
