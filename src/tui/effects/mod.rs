//! Carries out what `update` asks for. Every request runs on its own tokio task and
//! reports back as a [`Msg`]; nothing here blocks the UI task.
//!
//! The contract: every command the model waits on (see [`Cmd`]) gets exactly one
//! reply — its result, its error, or "cancelled" when the work is aborted (a
//! superseded preview, an Esc'd transfer) or its task panics. [`Answer`] holds
//! that promise: whatever way the work's future ends, the reply goes out once.

mod export;
mod inbox;
mod load;
mod sources;
mod transfer;
mod write;

pub use inbox::InboxInUse;
pub use sources::{History, SessionSource};
pub use write::ProfileInUse;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::app::{Cmd, Failure, Msg, Switched, VerifySummary};
use super::preview::{ByteCache, Renderer};
use crate::api::Client;
use crate::config::{Profiles, process_env};
use crate::inbox::{Indexer, Store};
use load::Loads;

/// Where files go.
#[derive(Debug, Clone)]
pub struct Dirs {
    pub download: PathBuf,
    /// Files fetched only to be opened.
    pub cache: PathBuf,
}

/// What opens a file for the person to see: the system viewer (a stand-in in tests).
pub(crate) type Opener = fn(&std::path::Path) -> std::io::Result<()>;

/// The API in use, where its files go and who writes: replaced as a whole by a
/// profile switch.
type Target = (Client, Arc<Dirs>, Arc<ProfileInUse>);

/// The one reply owed for a piece of work. Sent by [`Answer::send`]; if the work
/// is dropped first (aborted, or unwinding from a panic) it is sent as a failure,
/// so the model never waits forever.
struct Answer<T, F: FnOnce(Result<T, Failure>) -> Msg> {
    tx: mpsc::UnboundedSender<Msg>,
    reply: Option<F>,
    _result: std::marker::PhantomData<fn(T)>,
}

impl<T, F: FnOnce(Result<T, Failure>) -> Msg> Answer<T, F> {
    fn new(tx: mpsc::UnboundedSender<Msg>, reply: F) -> Self {
        Answer {
            tx,
            reply: Some(reply),
            _result: std::marker::PhantomData,
        }
    }

    fn send(mut self, result: Result<T, Failure>) {
        if let Some(reply) = self.reply.take() {
            let _ = self.tx.send(reply(result));
        }
    }
}

impl<T, F: FnOnce(Result<T, Failure>) -> Msg> Drop for Answer<T, F> {
    fn drop(&mut self) {
        if let Some(reply) = self.reply.take() {
            let why = if std::thread::panicking() {
                "failed unexpectedly (a bug: the log has the details)"
            } else {
                "cancelled"
            };
            let _ = self.tx.send(reply(Err(Failure::cancelled(why))));
        }
    }
}

pub struct Effects {
    /// Only ever locked to clone out or replace, never across an await.
    target: Arc<RwLock<Target>>,
    profiles: Option<Arc<Profiles>>,
    tx: mpsc::UnboundedSender<Msg>,
    /// The loads on their way, by what they ask for.
    loads: Loads,
    /// Kept to be awaited as well as aborted: see [`Effects::shutdown`].
    transfers: HashMap<u64, JoinHandle<()>>,
    display: bool,
    opener: Opener,
    /// `None` with `--image-protocol none`.
    renderer: Option<Arc<Renderer>>,
    /// Verified bytes of recent previews: a resize re-encodes and `o` opens them
    /// without a second download.
    preview_bytes: Arc<ByteCache>,
    /// The task polling a watched session.
    watch_task: Option<JoinHandle<()>>,
    /// Running exports: stopped (manifest saved) by sending on their channel.
    exports: HashMap<u64, (Option<tokio::sync::oneshot::Sender<()>>, JoinHandle<()>)>,
    /// Writes the list's changes to its source, in order.
    recorder: sources::Recorder,
    /// Where each profile's remembered sessions are (`None` in the demo), and
    /// the default profile (which took over the history every profile once shared).
    history_dir: Option<(PathBuf, Option<String>)>,
    /// The inbox the browser opened with (its views and marks), and the task
    /// that says when it changes.
    inbox: Option<(InboxInUse, JoinHandle<()>)>,
    /// Held by each mark while it writes: a claim of many sessions goes one
    /// mark at a time (two SQLite transactions that read, then write, would
    /// have one of them refused as busy).
    marking: Arc<tokio::sync::Mutex<()>>,
    /// Keeps what the browser fetches (decisions, exports) in the profile's
    /// inbox; replaced by a profile switch with the client, under the loads' lock.
    indexer: Arc<RwLock<Option<Indexer>>>,
    /// Where the profile in use keeps the team's key, which signs exports;
    /// replaced when the profile is.
    team_key: Arc<std::sync::Mutex<Option<crate::config::TeamKeySource>>>,
}

impl Effects {
    pub fn new(client: Client, tx: mpsc::UnboundedSender<Msg>, dirs: Dirs, profiles: Option<Profiles>) -> Effects {
        Effects {
            target: Arc::new(RwLock::new((client, Arc::new(dirs), Arc::default()))),
            team_key: Arc::default(),
            profiles: profiles.map(Arc::new),
            tx,
            loads: Loads::default(),
            transfers: HashMap::new(),
            display: has_display(),
            opener: crate::process::open_with_system_viewer,
            renderer: None,
            preview_bytes: Arc::new(ByteCache::default()),
            watch_task: None,
            exports: HashMap::new(),
            recorder: sources::recorder(),
            history_dir: None,
            inbox: None,
            marking: Arc::default(),
            indexer: Arc::default(),
        }
        .purging_the_cache()
    }

    /// Files fetched only to be opened are identity documents: gone after a day.
    fn purging_the_cache(self) -> Effects {
        let (_, dirs, _) = self.target();
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

    /// Where each profile's remembered sessions are kept (`None`: nowhere, the
    /// demo), for the profiles switched to.
    pub fn set_history_dir(&mut self, dir: Option<PathBuf>, default_profile: Option<String>) {
        self.history_dir = dir.map(|dir| (dir, default_profile));
    }

    /// The inbox of this run: loads read it, marks go to it, and it is watched
    /// for changes from now on.
    pub fn set_inbox(&mut self, inbox: InboxInUse) {
        let watcher = inbox::watch(inbox.store.clone(), self.tx.clone());
        // Its task ends with the last clone, having stored what was sent.
        *self.indexer.write().expect("indexer lock") = inbox
            .index_fetched
            .then(|| Indexer::start(Store::clone(&inbox.store)).0);
        if let Some((_, old)) = self.inbox.replace((inbox, watcher)) {
            old.abort();
        }
    }

    /// What the profile in use allows, and where its things are.
    pub fn set_profile_in_use(&mut self, policy: ProfileInUse) {
        self.target.write().expect("effects target lock").2 = Arc::new(policy);
    }

    /// Where the team's signing key is, for the exports from now on.
    pub fn set_team_key(&mut self, source: Option<crate::config::TeamKeySource>) {
        *self.team_key.lock().unwrap_or_else(|e| e.into_inner()) = source;
    }

    /// Whether opening shows the file (a display exists) or saves it instead.
    pub fn set_display(&mut self, display: bool) {
        self.display = display;
    }

    #[cfg(test)]
    pub(crate) fn set_opener(&mut self, opener: Opener) {
        self.opener = opener;
    }

    fn target(&self) -> Target {
        self.target.read().expect("effects target lock").clone()
    }

    /// Cancels every transfer and waits (at most `limit`) until each has dropped
    /// its download, whose temporary file goes with it. Called before the app
    /// leaves, however it leaves (q, SIGTERM, a dropped SSH link): the runtime's
    /// own shutdown would drop them too, but only if nothing ends the process
    /// first, and a process whose terminal has gone can be ended by the first
    /// thing that writes to it.
    pub async fn shutdown(&mut self, limit: Duration) {
        self.loads.abort_all();
        if let Some((_, watcher)) = &self.inbox {
            watcher.abort();
        }
        let transfers: Vec<JoinHandle<()>> = self.transfers.drain().map(|(_, task)| task).collect();
        for task in &transfers {
            task.abort();
        }
        // Exports stop on their own terms: the files in flight are removed and
        // the manifest of what completed is written.
        let exports: Vec<JoinHandle<()>> = self
            .exports
            .drain()
            .map(|(_, (stop, task))| {
                if let Some(stop) = stop {
                    let _ = stop.send(());
                }
                task
            })
            .collect();
        let finished = futures_util::future::join_all(transfers.into_iter().chain(exports));
        if tokio::time::timeout(limit, finished).await.is_err() {
            tracing::warn!("a transfer or an export did not stop within {limit:?}");
        }
    }

    pub fn run(&mut self, cmd: Cmd) {
        let (client, dirs, profile) = self.target();
        match cmd {
            Cmd::Load { id, req, background } => {
                let renderer = self.renderer.clone();
                let previewed = self.preview_bytes.clone();
                let inbox = self.inbox.as_ref().map(|(inbox, _)| inbox.store.clone());
                let indexer = self.indexer.clone();
                // Made under the lock a profile switch takes: the client and the
                // inbox it fetches for are the same profile's.
                let context = move |client, profile: Arc<ProfileInUse>| load::Context {
                    client,
                    renderer,
                    previewed,
                    sessions: profile.sessions.clone(),
                    inbox,
                    indexer: indexer.read().expect("indexer lock").clone(),
                };
                self.loads.start(id, req, background, &self.target, context, &self.tx);
            }
            Cmd::Cancel(reqs) => self.loads.cancel(&reqs),
            Cmd::Transfer {
                id,
                kind,
                folder,
                items,
            } => {
                let job = transfer::Job {
                    client,
                    dirs,
                    tx: self.tx.clone(),
                    id,
                    display: self.display,
                    previewed: self.preview_bytes.clone(),
                    opener: self.opener,
                };
                let work = async move { job.run(kind, folder, items).await };
                let task = spawn_answered(&self.tx, work, move |result| Msg::TransferDone { id, result });
                self.transfers.retain(|_, handle| !handle.is_finished());
                self.transfers.insert(id, task);
            }
            Cmd::CancelTransfer { id } => {
                // Aborting drops the download future, which deletes its temporary
                // file; the transfer then answers as cancelled.
                if let Some(handle) = self.transfers.remove(&id) {
                    handle.abort();
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
            Cmd::Remember(change) => {
                if let Some(source) = profile.sessions.clone() {
                    let _ = self.recorder.send((source, change));
                }
            }
            Cmd::SwitchProfile(name) => self.switch_profile(name, dirs, profile),
            Cmd::Watch { session, every } => self.watch(session, every),
            Cmd::Export { id, sessions, folder } => {
                let (stop, stopped) = tokio::sync::oneshot::channel();
                let tx = self.tx.clone();
                // Said as an absolute path: where to find the case afterwards.
                let dir = dirs.download.join(folder);
                let dir = std::path::absolute(&dir).unwrap_or(dir);
                let options = crate::export::Options {
                    pacer: Some(self.loads.gate.clone()),
                    out: dir,
                    jobs: crate::export::DEFAULT_JOBS,
                    max_rps: None,
                    force: false,
                    decisions: self
                        .indexer
                        .read()
                        .expect("indexer lock")
                        .as_ref()
                        .map(|indexer| crate::export::Sink(indexer.decision_sink())),
                    team_key: None,
                };
                let source = self.team_key.lock().unwrap_or_else(|e| e.into_inner()).clone();
                let work = async move {
                    let mut options = options;
                    // Read off the UI task (a signing_key_command may take its time),
                    // before anything is fetched.
                    if let Some(source) = source {
                        let key = tokio::task::spawn_blocking(move || source.load(&process_env))
                            .await
                            .map_err(|e| Failure::from(e.to_string()))?
                            .map_err(Failure::from)?;
                        options.team_key = Some(Arc::new(key));
                    }
                    export::export(client, tx, id, sessions, options, stopped, profile).await
                };
                let task = spawn_answered(&self.tx, work, move |result| Msg::ExportDone { id, result });
                self.exports.retain(|_, (_, task)| !task.is_finished());
                self.exports.insert(id, (Some(stop), task));
            }
            Cmd::Verify { dir } => {
                // With the profile's secret: what Veriff signed is checked too.
                let secret = client.config().secret.clone();
                let checked = dir.clone();
                let work = async move {
                    tokio::task::spawn_blocking(move || crate::export::verify::verify(&checked, Some(&secret), None))
                        .await
                        .map_err(|e| Failure::from(e.to_string()))?
                        .map_err(Failure::from)
                        .map(|report| VerifySummary {
                            verified: report.verified,
                            signed: report.signed,
                            problems: report.problems.iter().map(|(path, p)| p.describe(path)).collect(),
                        })
                };
                spawn_answered(&self.tx, work, move |result| Msg::Verified { dir, result });
            }
            Cmd::Refused {
                action,
                session,
                reason,
            } => write::refused(&client, &profile, action, session, reason),
            Cmd::Write { id, write } => {
                let answered = write.clone();
                let copies = write::Copies {
                    inbox: self.inbox.as_ref().map(|(inbox, _)| inbox.clone()),
                    indexed: self
                        .indexer
                        .read()
                        .expect("indexer lock")
                        .as_ref()
                        .map(|indexer| indexer.store().clone()),
                    cache: dirs.cache.clone(),
                    previewed: self.preview_bytes.clone(),
                };
                let writing = write::write(client, (*profile).clone(), write, copies);
                let work = async move {
                    let mut done = writing.await?;
                    // When Veriff took it, for the card's "reviewed by you at".
                    let clock = utc_time_of_day(std::time::SystemTime::now());
                    done.at = Some(format!("{} UTC", &clock[..5]));
                    Ok::<_, Failure>(done)
                };
                spawn_answered(&self.tx, work, move |result| Msg::Written {
                    id,
                    write: answered,
                    result,
                });
            }
            Cmd::OpenLink(url) => {
                let (display, opener, asked) = (self.display, self.opener, url.clone());
                let work = async move {
                    if !display {
                        return Err(Failure::from("no display here to open a browser on"));
                    }
                    tokio::task::spawn_blocking(move || opener(std::path::Path::new(&asked)))
                        .await
                        .map_err(|e| Failure::from(format!("the browser's opener stopped: {e}")))?
                        .map_err(|e| Failure::from(format!("no browser opened it: {e}")))
                };
                spawn_answered(&self.tx, work, move |result| Msg::LinkOpened { url, result });
            }
            Cmd::Mark { id, session, change } => {
                let inbox = self.inbox.as_ref().map(|(inbox, _)| inbox.clone());
                let (answered, asked) = (session.clone(), change.clone());
                let marking = self.marking.clone();
                let work = async move {
                    let inbox = inbox.ok_or_else(|| Failure::from("this run has no inbox"))?;
                    let _one_at_a_time = marking.lock().await;
                    inbox::mark(inbox, session, change).await
                };
                spawn_answered(&self.tx, work, move |result| Msg::Marked {
                    id,
                    session: answered,
                    change: asked,
                    result,
                });
            }
            Cmd::CancelExport { id } => {
                // The task is kept, to be awaited on leaving.
                if let Some(stop) = self.exports.get_mut(&id).and_then(|(stop, _)| stop.take()) {
                    let _ = stop.send(());
                }
            }
        }
    }

    /// Polls `session` every `every` (asleep between polls: no CPU, no redraws),
    /// replacing any session polled before; `None` stops polling.
    fn watch(&mut self, session: Option<crate::ids::SessionId>, every: Duration) {
        if let Some(task) = self.watch_task.take() {
            task.abort();
        }
        let Some(session) = session else { return };
        let tx = self.tx.clone();
        self.watch_task = Some(tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                let at = utc_time_of_day(std::time::SystemTime::now());
                if tx
                    .send(Msg::WatchTick {
                        session: session.clone(),
                        at,
                    })
                    .is_err()
                {
                    return;
                }
            }
        }));
    }

    fn switch_profile(&mut self, profile: String, dirs: Arc<Dirs>, policy: Arc<ProfileInUse>) {
        let history_dir = self.history_dir.clone();
        let profiles = self.profiles.clone();
        let target = self.target.clone();
        let loads = self.loads.clone();
        let previewed = self.preview_bytes.clone();
        let indexer = self.indexer.clone();
        let tx = self.tx.clone();
        let name = profile.clone();
        let team_key = self.team_key.clone();
        let work = async move {
            let profiles = profiles.ok_or_else(|| Failure::from("no config file to switch profiles in"))?;
            let inbox_url = profiles.inbox_in_use(&name, &process_env);
            // Off the UI task: a shared_secret_command may take its time.
            let settings = tokio::task::spawn_blocking(move || profiles.settings(&name, &process_env))
                .await
                .map_err(|e| Failure::from(e.to_string()))??;
            // What is fetched from now on goes to the new profile's inbox, or to
            // none where it has none: never to another integration's.
            let new_indexer = match inbox_url {
                Some((url, insecure)) => match Store::open_with(&url, insecure).await {
                    Ok(store) => Some(Indexer::start(store).0),
                    Err(e) => {
                        tracing::warn!("the profile's inbox cannot be opened, what it fetches is not kept: {e}");
                        None
                    }
                },
                None => None,
            };
            let client = Client::new(settings.client.clone())?;
            // Before anything of the new integration is shown.
            let _ = tx.send(Msg::Redaction(settings.redact));
            let host = client.host();
            let dirs = Dirs {
                download: settings.download_dir.clone(),
                ..(*dirs).clone()
            };
            // The list's changes go to the new profile's history from now on.
            let history = history_dir
                .map(|(dir, default)| crate::history::path_for(&dir, settings.profile.as_deref(), default.as_deref()));
            let searches = history
                .as_deref()
                .map(crate::history::load_searches)
                .unwrap_or_default();
            let sessions = history.map(|path| Arc::new(History(path)) as Arc<dyn SessionSource>);
            let policy = ProfileInUse {
                profile: settings.profile.clone(),
                read_only: settings.read_only,
                sessions,
                ..(*policy).clone()
            };
            let read_only = policy.read_only;
            let portal_url = settings.portal_url.clone();
            // Nothing more goes out with the old client: its loads are aborted
            // (they answer as cancelled) as the new one takes its place.
            *team_key.lock().unwrap_or_else(|e| e.into_inner()) = settings.team_key.clone();
            loads.replace_target(|| {
                *target.write().expect("effects target lock") = (client, Arc::new(dirs), Arc::new(policy));
                *indexer.write().expect("indexer lock") = new_indexer;
            });
            // Verified with the other integration's secret: not to be opened as this one's.
            previewed.clear();
            Ok(Switched {
                host,
                read_only,
                portal_url,
                searches,
            })
        };
        spawn_answered(&self.tx, work, move |result| Msg::ProfileSwitched { profile, result });
    }
}

/// `HH:MM:SS` in UTC, for "updated at" in the title.
fn utc_time_of_day(now: std::time::SystemTime) -> String {
    // `2026-12-02T18:51:53Z`'s clock.
    crate::time::format_utc(now)[11..19].to_owned()
}

/// Runs `work` on its own task and answers with `reply` exactly once, however the
/// task ends: the one place an [`Answer`] is made.
fn spawn_answered<T: Send + 'static>(
    tx: &mpsc::UnboundedSender<Msg>,
    work: impl Future<Output = Result<T, Failure>> + Send + 'static,
    reply: impl FnOnce(Result<T, Failure>) -> Msg + Send + 'static,
) -> JoinHandle<()> {
    let answer = Answer::new(tx.clone(), reply);
    tokio::spawn(async move {
        answer.send(work.await);
    })
}

/// A display to open files on: a local macOS session, or X11/Wayland.
fn has_display() -> bool {
    let set = |name| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    if cfg!(target_os = "macos") {
        return !set("SSH_CONNECTION");
    }
    set("DISPLAY") || set("WAYLAND_DISPLAY")
}

#[cfg(test)]
mod tests;
