//! Many sessions at once: every session's attempts, decision, person and watchlist
//! data as the exact signed bytes Veriff sent, every attempt's media list and every
//! media file, verified, renamed into place and recorded with its sha256 in
//! `DIR/manifest.json`. A second run skips what is already there and checks out.
//!
//! Used by `veriff-tui export` and by the browser's export key; it stands on
//! [`crate::api`] alone and knows nothing of terminals.

pub mod folder;
pub mod manifest;
pub mod seal;

/// Why an export is refused under `--redact`, in the CLI and the browser alike.
pub const REDACTED_REFUSAL: &str = "refusing to export under --redact: an export is evidence, every answer \
     and file as Veriff sent them, unmasked";
pub mod verify;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use manifest::{Failure, Unavailable};
pub use manifest::{FileRecord, Manifest, SessionRecord, SessionStatus};

use crate::api::pacing::{Gate, Pacing};
use crate::api::{ApiError, AttemptList, Client, ClientConfig, Media, MediaKind, MediaList, names, parse_json};
use crate::files::Folder;
use crate::ids::MediaId;
use crate::text::clean_short;

/// Takes each decision fetched, its bytes as the API sent them. The export does
/// not know where they go: the caller above it (the CLI, the browser) decides.
#[derive(Clone)]
pub struct Sink(pub Arc<dyn Fn(Vec<u8>) + Send + Sync>);

impl std::fmt::Debug for Sink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sink(..)")
    }
}

pub const DEFAULT_JOBS: usize = 8;

/// Refusals (429) one request puts up with before it is counted as failed.
const MAX_REFUSALS: u32 = 20;
/// The manifest is rewritten at most this often while sessions complete, so a
/// crash loses little; it is always written at the end and on a stop.
const MANIFEST_EVERY: Duration = Duration::from_secs(1);

/// Which requests go first when more are ready than may be in flight: the deepest,
/// so each session's files flow as soon as its lists are in.
const SESSION_LEVEL: u8 = 0;
const ATTEMPT_LEVEL: u8 = 1;
const FILE_LEVEL: u8 = 2;

#[derive(Debug, Clone)]
pub struct Options {
    pub out: PathBuf,
    pub jobs: usize,
    pub max_rps: Option<f64>,
    /// Fetch everything again, even files the manifest says are there.
    pub force: bool,
    /// The pacer to share (the browser's, whose own loads go through it too);
    /// `None`: one of its own, from `jobs` and `max_rps`.
    pub pacer: Option<Arc<Gate>>,
    /// Where the decisions fetched go too (the profile's inbox, handed in by
    /// the caller), if anywhere.
    pub decisions: Option<Sink>,
    /// The team's key, which signs the manifest for those without the shared
    /// secret (`manifest.json.minisig`); `None`: the manifest carries its HMAC only.
    pub team_key: Option<Arc<seal::TeamKey>>,
}

/// Live figures, updated as the export goes; read them any time.
#[derive(Debug, Default)]
pub struct Counters {
    pub sessions_total: AtomicU64,
    pub sessions_done: AtomicU64,
    pub sessions_failed: AtomicU64,
    /// Files known so far (more appear as lists arrive).
    pub files_total: AtomicU64,
    pub files_done: AtomicU64,
    /// Of `files_done`, those already there from an earlier run.
    pub files_skipped: AtomicU64,
    pub files_failed: AtomicU64,
    /// Bytes of the media known so far, as their lists say.
    pub bytes_total: AtomicU64,
    /// Bytes received.
    pub bytes_received: AtomicU64,
    /// Bytes already there from an earlier run.
    pub bytes_skipped: AtomicU64,
}

/// A copy of the [`Counters`] at one moment, with what they imply.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Snapshot {
    pub sessions_total: u64,
    pub sessions_done: u64,
    pub sessions_failed: u64,
    pub files_total: u64,
    pub files_done: u64,
    pub files_skipped: u64,
    pub files_failed: u64,
    pub bytes_total: u64,
    pub bytes_received: u64,
    pub bytes_skipped: u64,
    pub elapsed: Duration,
}

impl Counters {
    pub fn snapshot(&self, elapsed: Duration) -> Snapshot {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        Snapshot {
            sessions_total: get(&self.sessions_total),
            sessions_done: get(&self.sessions_done),
            sessions_failed: get(&self.sessions_failed),
            files_total: get(&self.files_total),
            files_done: get(&self.files_done),
            files_skipped: get(&self.files_skipped),
            files_failed: get(&self.files_failed),
            bytes_total: get(&self.bytes_total),
            bytes_received: get(&self.bytes_received),
            bytes_skipped: get(&self.bytes_skipped),
            elapsed,
        }
    }
}

fn add(counter: &AtomicU64, n: u64) {
    counter.fetch_add(n, Ordering::Relaxed);
}

impl Snapshot {
    /// Bytes per second received so far.
    pub fn rate(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 {
            self.bytes_received as f64 / secs
        } else {
            0.0
        }
    }

    /// Time left, once a session is done: the longer of what the sessions done so
    /// far and the bytes received so far imply (the bytes alone would promise too
    /// little while most lists are still unread).
    pub fn eta(&self) -> Option<Duration> {
        let finished = self.sessions_done + self.sessions_failed;
        if finished == 0 || finished >= self.sessions_total {
            return None;
        }
        let per_session = self.elapsed.as_secs_f64() / finished as f64;
        let by_sessions = per_session * (self.sessions_total - finished) as f64;
        let left = self
            .bytes_total
            .saturating_sub(self.bytes_received + self.bytes_skipped);
        let rate = self.rate();
        let by_bytes = if rate > 0.0 { left as f64 / rate } else { 0.0 };
        Duration::try_from_secs_f64(by_sessions.max(by_bytes)).ok()
    }

    /// `sessions 3/40 · files 57/720 · 11.2 MiB / 140.6 MiB · 23.4 MiB/s · ETA 5s`
    pub fn describe(&self) -> String {
        use crate::text::human_size;
        let mut text = format!(
            "sessions {}/{} · files {}/{} · {} / {} · {}/s",
            self.sessions_done,
            self.sessions_total,
            self.files_done,
            self.files_total,
            human_size(self.bytes_received + self.bytes_skipped),
            human_size(self.bytes_total),
            human_size(self.rate() as u64),
        );
        if self.sessions_failed > 0 {
            text += &format!(" · {} failed", self.sessions_failed);
        }
        if let Some(eta) = self.eta() {
            text += &format!(" · ETA {}s", eta.as_secs());
        }
        text
    }
}

/// The sessions listed in a file, one per line (ids or text containing them), or
/// on standard input for `-`; with the numbers of the lines that hold none.
pub fn read_session_list(path: &Path) -> Result<(Vec<String>, Vec<usize>), String> {
    let text = if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        text
    } else {
        std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?
    };
    Ok(crate::ids::ids_in_lines(&text))
}

/// How an export ended.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub manifest: Manifest,
    /// The records of this run's sessions, in the order given.
    pub sessions: Vec<SessionRecord>,
    /// Stopped before the end (the manifest holds what completed).
    pub interrupted: bool,
    pub manifest_path: PathBuf,
}

impl Outcome {
    pub fn failed(&self) -> usize {
        self.sessions
            .iter()
            .filter(|s| s.status == SessionStatus::Failed)
            .count()
    }
}

/// What every session task shares.
struct Context {
    client: Client,
    gate: Arc<Gate>,
    /// The export folder, opened once: everything beneath it is created, opened
    /// and renamed through this handle and those opened from it.
    out: Folder,
    force: bool,
    decisions: Option<Sink>,
    /// Files of the earlier run, by endpoint.
    previous: HashMap<String, FileRecord>,
    /// Which endpoint each path holds.
    names: folder::Names,
    counters: Arc<Counters>,
    /// The records of this run's sessions as they fill, so a stop can save what
    /// completed.
    records: Mutex<HashMap<String, SessionRecord>>,
}

/// Exports `sessions` (ids) into `options.out`. Stops early, saving the manifest
/// of what completed and leaving no partial file, when `stop` resolves. Each
/// finished session's record is sent to `finished`. `Err` only when the folder or
/// the manifest cannot be written.
pub async fn run(
    config: &ClientConfig,
    sessions: Vec<String>,
    options: &Options,
    counters: Arc<Counters>,
    finished: Option<mpsc::UnboundedSender<SessionRecord>>,
    stop: impl Future<Output = ()>,
) -> Result<Outcome, String> {
    let mut config = config.clone();
    // 429s come back here, to slow every request down, not just the one refused.
    config.retry.retry_rate_limited = false;
    let client = Client::new(config).map_err(|e| e.to_string())?;
    let out = options.out.clone();
    let root = Folder::open(&out).map_err(|e| format!("cannot open {}: {e}", out.display()))?;
    let identity = api_identity(client.config());
    let loaded = {
        let out = out.clone();
        tokio::task::spawn_blocking(move || Manifest::load(&out))
            .await
            .ok()
            .flatten()
    };
    let mut manifest = loaded.unwrap_or_else(|| Manifest::new(identity.clone()));
    // Files recorded from another API prove nothing about this one's.
    let previous = if manifest.api == identity {
        manifest.files_by_endpoint()
    } else {
        HashMap::new()
    };
    let fresh = Manifest::new(identity);
    manifest.version = fresh.version;
    manifest.tool = fresh.tool;
    manifest.api = fresh.api;
    manifest.api_url = client.config().api_url.to_string();
    manifest.started = crate::time::now_utc();
    manifest.finished = String::new();
    let mut ids: Vec<String> = Vec::new();
    for id in sessions {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    add(&counters.sessions_total, ids.len() as u64);
    // Listed in the order given from the start; a session's record is replaced
    // when it finishes (one that never does stays "interrupted").
    for id in &ids {
        if !manifest.sessions.iter().any(|s| s.id == *id) {
            manifest.put(SessionRecord::new(id));
        }
    }
    let context = Arc::new(Context {
        client,
        gate: options
            .pacer
            .clone()
            .unwrap_or_else(|| Gate::new(Pacing::new(options.jobs, options.max_rps))),
        out: root.clone(),
        force: options.force,
        decisions: options.decisions.clone(),
        previous,
        names: folder::Names::default(),
        counters,
        records: Mutex::new(HashMap::new()),
    });
    let mut tasks = JoinSet::new();
    let mut task_session = HashMap::new();
    for id in &ids {
        let task = tasks.spawn(export_session(context.clone(), id.clone()));
        task_session.insert(task.id(), id.clone());
    }
    let mut stop = std::pin::pin!(stop);
    let mut finished_ids = std::collections::HashSet::new();
    let mut last_save = Instant::now();
    let mut interrupted = false;
    loop {
        tokio::select! {
            joined = tasks.join_next_with_id() => {
                let Some(joined) = joined else { break };
                let record = match joined {
                    Ok((_, record)) => record,
                    Err(e) => {
                        let id = task_session.get(&e.id()).cloned().unwrap_or_default();
                        let mut record = context.take_record(&id);
                        record.status = SessionStatus::Failed;
                        record.error = Some(format!("the export of this session stopped: {e}"));
                        record
                    }
                };
                let counter = match record.status {
                    SessionStatus::Failed => &context.counters.sessions_failed,
                    _ => &context.counters.sessions_done,
                };
                add(counter, 1);
                finished_ids.insert(record.id.clone());
                manifest.put(record.clone());
                if let Some(finished) = &finished {
                    let _ = finished.send(record);
                }
                if last_save.elapsed() >= MANIFEST_EVERY {
                    save(&mut manifest, &root, &context.client, options.team_key.as_deref())?;
                    last_save = Instant::now();
                }
            }
            () = &mut stop => {
                interrupted = true;
                // Dropping the tasks drops their downloads, which delete their
                // temporary files; waiting for them makes sure they have.
                tasks.abort_all();
                while tasks.join_next().await.is_some() {}
                break;
            }
        }
    }
    if interrupted {
        for id in &ids {
            if finished_ids.contains(id) {
                continue;
            }
            let mut record = context.take_record(id);
            record.status = SessionStatus::Interrupted;
            // Files of an earlier run not reached this time are still there.
            // (The manifest still holds the earlier run's record of an unfinished session.)
            if let Some(earlier) = manifest.sessions.iter().find(|s| s.id == *id) {
                for file in &earlier.files {
                    if !record.files.iter().any(|f| f.endpoint == file.endpoint) {
                        record.files.push(file.clone());
                    }
                }
            }
            manifest.put(record);
        }
    }
    manifest.finished = crate::time::now_utc();
    save(&mut manifest, &root, &context.client, options.team_key.as_deref())?;
    let sessions = ids
        .iter()
        .filter_map(|id| manifest.sessions.iter().find(|s| s.id == *id).cloned())
        .collect();
    Ok(Outcome {
        manifest,
        sessions,
        interrupted,
        manifest_path: out.join(folder::MANIFEST_FILE),
    })
}

/// What an export's files are compared by when resuming: the API's `host:port`,
/// except on this machine (the embedded demo server gets a new port every start
/// but serves the same signed bytes), where it is `loopback/` and a short hash of
/// the API key. Files kept on resume are checked against Veriff's signature
/// anyway, so this only decides which earlier records are worth checking.
fn api_identity(config: &ClientConfig) -> String {
    if crate::api::is_loopback(&config.api_url) {
        let key = manifest::sha256_hex(config.api_key.as_bytes());
        format!("loopback/{}", &key[..8])
    } else {
        config.host()
    }
}

/// The manifest sealed (its HMAC under the integration's secret, the team's key
/// id) and written, signed with the team's key when there is one.
fn save(
    manifest: &mut Manifest,
    out: &Folder,
    client: &Client,
    team_key: Option<&seal::TeamKey>,
) -> Result<(), String> {
    manifest.seal(&client.config().secret, team_key);
    manifest.save(out, team_key)
}

impl Context {
    fn with_record(&self, session: &str, change: impl FnOnce(&mut SessionRecord)) {
        let mut records = self.records.lock().unwrap_or_else(|e| e.into_inner());
        let record = records
            .entry(session.to_owned())
            .or_insert_with(|| SessionRecord::new(session));
        change(record);
    }

    fn take_record(&self, session: &str) -> SessionRecord {
        let mut records = self.records.lock().unwrap_or_else(|e| e.into_inner());
        records.remove(session).unwrap_or_else(|| SessionRecord::new(session))
    }

    fn file_done(&self, session: &str, file: FileRecord) {
        add(&self.counters.files_done, 1);
        self.with_record(session, |r| r.files.push(file));
    }

    fn failed(&self, session: &str, endpoint: &str, error: &ApiError) {
        let failure = Failure {
            endpoint: endpoint.to_owned(),
            error: error.to_string(),
        };
        self.with_record(session, |r| r.failures.push(failure));
    }

    /// A request through the gate: waits its turn, slows everything down on a 429
    /// and tries again after the pause.
    async fn request<T, F: Future<Output = Result<T, ApiError>>>(
        &self,
        priority: u8,
        send: impl Fn() -> F,
    ) -> Result<T, ApiError> {
        let mut refusals = 0;
        loop {
            let permit = self.gate.acquire(priority).await;
            match send().await {
                Err(ApiError::RateLimited { retry_after }) if refusals < MAX_REFUSALS => {
                    permit.rate_limited(retry_after);
                    refusals += 1;
                }
                outcome => {
                    if matches!(outcome, Ok(_) | Err(ApiError::Veriff { .. } | ApiError::Http { .. })) {
                        permit.accepted();
                    }
                    return outcome;
                }
            }
        }
    }

    /// Fetches a JSON document and saves its exact bytes as `relative` (or, when
    /// another endpoint holds that name, a name of its own). Returns the bytes.
    async fn fetch_json(
        &self,
        session: &str,
        priority: u8,
        segments: &[&str],
        signed_id: &str,
        relative: &str,
    ) -> Result<Vec<u8>, ApiError> {
        let endpoint = endpoint(segments);
        let (bytes, signature) = self
            .request(priority, || self.client.get_signed(segments, signed_id))
            .await?;
        let relative = self.names.claim(relative, &endpoint);
        let fetched = crate::time::now_utc();
        let written = {
            let (out, relative, bytes) = (self.out.clone(), relative.clone(), bytes.clone());
            tokio::task::spawn_blocking(move || save_json(&out, &relative, &bytes)).await
        };
        written
            .map_err(std::io::Error::other)
            .and_then(|r| r)
            .map_err(|source| ApiError::Io {
                path: self.out.path().join(&relative),
                source,
            })?;
        self.file_done(
            session,
            FileRecord {
                path: relative,
                size: bytes.len() as u64,
                sha256: manifest::sha256_hex(&bytes),
                mimetype: Some("application/json".into()),
                media_id: None,
                endpoint,
                signature,
                fetched,
            },
        );
        Ok(bytes)
    }

    /// One media file (or NFC document) into `dir`: skipped when the earlier run's
    /// copy is there and still proves itself (the size the signed listing gives,
    /// the sha256 recorded, Veriff's signature), otherwise downloaded, hashed as it
    /// streams.
    async fn fetch_media(&self, session: &str, dir: &str, kind: MediaKind, media: &Media) -> Result<(), ApiError> {
        let endpoint = endpoint(&["media", &media.id]);
        let relative = self
            .names
            .claim(&format!("{dir}/{}", media_file_name(kind, media)), &endpoint);
        if !self.force
            && let Some(earlier) = self.previous.get(&endpoint)
            && earlier.path == relative
            && inside(&earlier.path, dir)
            && media.size.is_none_or(|size| size == earlier.size)
        {
            let (out, path, size, secret, signature) = (
                self.out.clone(),
                earlier.path.clone(),
                earlier.size,
                self.client.config().secret.clone(),
                earlier.signature.clone(),
            );
            let check = tokio::task::spawn_blocking(move || {
                let (dir, name) = folder::prepare_parent(&out, &path)?;
                folder::hash_regular_in(&dir, &name, Some(size), Some(&secret), signature.as_deref())
            })
            .await;
            let unsigned_allowed = self.client.config().allow_unsigned;
            if let Ok(Ok(Some(hashed))) = check
                && hashed.sha256 == earlier.sha256
                && hashed.signed.unwrap_or(unsigned_allowed && earlier.signature.is_none())
            {
                add(&self.counters.files_skipped, 1);
                add(&self.counters.bytes_skipped, hashed.size);
                self.file_done(session, earlier.clone());
                return Ok(());
            }
        }
        let path = self.out.path().join(&relative);
        let io_error = |source| ApiError::Io {
            path: path.clone(),
            source,
        };
        let prepared = {
            let (out, relative) = (self.out.clone(), relative.clone());
            tokio::task::spawn_blocking(move || folder::prepare_parent(&out, &relative)).await
        };
        let (into, name) = prepared
            .map_err(std::io::Error::other)
            .and_then(|r| r)
            .map_err(io_error)?;
        let fetched = crate::time::now_utc();
        let media_id = MediaId::from(media.id.as_str());
        let evidence = self
            .request(FILE_LEVEL, || {
                let mut counted = 0;
                let counters = self.counters.clone();
                let progress = move |p: crate::api::Progress| {
                    add(&counters.bytes_received, p.received.saturating_sub(counted));
                    counted = p.received;
                };
                // A temporary file of its own for each try, removed if it fails.
                let part = into.part(&name).map_err(io_error);
                let media_id = &media_id;
                async move { self.client.download_evidence(media_id, part?, progress).await }
            })
            .await?;
        self.file_done(
            session,
            FileRecord {
                path: relative,
                size: evidence.size,
                sha256: evidence.sha256,
                mimetype: media.mimetype.as_deref().map(|m| clean_short(m, 100)),
                media_id: Some(media.id.clone()),
                endpoint,
                signature: evidence.signature,
                fetched,
            },
        );
        Ok(())
    }

    /// Every file of a media list at once, into `dir`.
    async fn fetch_all_media<'a>(&self, session: &str, dir: &str, items: impl Iterator<Item = (MediaKind, &'a Media)>) {
        let items: Vec<_> = items.collect();
        add(&self.counters.files_total, items.len() as u64);
        let bytes: u64 = items.iter().filter_map(|(_, m)| m.size).sum();
        add(&self.counters.bytes_total, bytes);
        let files = items.into_iter().map(|(kind, media)| async move {
            if let Err(e) = self.fetch_media(session, dir, kind, media).await {
                add(&self.counters.files_failed, 1);
                self.failed(session, &endpoint(&["media", &media.id]), &e);
            }
        });
        join_all(files).await;
    }

    /// An attempt's media list, saved, then every file of it at once.
    async fn export_attempt(&self, session: &str, session_dir: &str, attempt: &str) {
        let dir = format!("{session_dir}/{}", folder::name_for(attempt));
        let segments = ["attempts", attempt, "media"];
        add(&self.counters.files_total, 1);
        let listed = self
            .fetch_json(session, ATTEMPT_LEVEL, &segments, attempt, &format!("{dir}/media.json"))
            .await;
        let list = match listed.map(|b| parse_json::<MediaList>(&b)) {
            Ok(Ok(list)) => list,
            Ok(Err(error)) => {
                return self.failed(session, &endpoint(&segments), &error);
            }
            Err(e) => {
                add(&self.counters.files_failed, 1);
                return self.failed(session, &endpoint(&segments), &e);
            }
        };
        self.fetch_all_media(session, &dir, list.items()).await;
    }

    /// The session's media listing, saved, and the NFC documents only it lists
    /// (its images and videos are the newest attempt's, exported with it).
    async fn export_session_media(&self, session: &str, session_dir: &str) {
        let segments = ["sessions", session, "media"];
        let relative = format!("{session_dir}/session-media.json");
        let Some(bytes) = self.fetch_required(session, &segments, &relative).await else {
            return;
        };
        match serde_json::from_slice::<MediaList>(&bytes) {
            Ok(list) => {
                let nfc = list.nfc_documents.iter().map(|m| (MediaKind::Nfc, m));
                self.fetch_all_media(session, &format!("{session_dir}/nfc"), nfc).await;
            }
            Err(e) => {
                let error = ApiError::Parse(clean_short(&e.to_string(), 200));
                self.failed(session, &endpoint(&segments), &error);
            }
        }
    }

    /// Person and watchlist data exist only for some integrations and routes:
    /// a refusal of that kind is recorded as not available, not as a failure.
    async fn fetch_optional(&self, session: &str, session_dir: &str, route: &str, file: &str) {
        let segments = ["sessions", session, route];
        let relative = format!("{session_dir}/{file}");
        match self
            .fetch_json(session, SESSION_LEVEL, &segments, session, &relative)
            .await
        {
            // Counted only once it exists: most integrations have neither.
            Ok(_) => add(&self.counters.files_total, 1),
            Err(e @ (ApiError::Veriff { status, .. } | ApiError::Http { status, .. }))
                if (400..500).contains(&status) && status != 401 && status != 429 =>
            {
                let unavailable = Unavailable {
                    file: file.to_owned(),
                    endpoint: endpoint(&segments),
                    reason: e.to_string(),
                };
                self.with_record(session, |r| r.not_available.push(unavailable));
            }
            Err(e) => {
                add(&self.counters.files_total, 1);
                add(&self.counters.files_failed, 1);
                self.failed(session, &endpoint(&segments), &e);
            }
        }
    }

    async fn fetch_required(&self, session: &str, segments: &[&str], relative: &str) -> Option<Vec<u8>> {
        add(&self.counters.files_total, 1);
        match self
            .fetch_json(session, SESSION_LEVEL, segments, session, relative)
            .await
        {
            Ok(bytes) => Some(bytes),
            Err(e) => {
                add(&self.counters.files_failed, 1);
                self.failed(session, &endpoint(segments), &e);
                None
            }
        }
    }
}

/// Whether a path read from a manifest (which anyone could have edited) names a
/// file in `dir` of the export, not somewhere else on disk.
fn inside(path: &str, dir: &str) -> bool {
    let path = Path::new(path);
    path.starts_with(dir) && path.components().all(|c| matches!(c, std::path::Component::Normal(_)))
}

/// Writes a JSON answer as `relative` beneath `out`, through the handles of
/// folders that are plain folders of this user's; left alone when the same bytes
/// are already there as a regular file (a FIFO, device or link there is
/// replaced, never read).
fn save_json(out: &Folder, relative: &str, bytes: &[u8]) -> std::io::Result<()> {
    let (dir, name) = folder::prepare_parent(out, relative)?;
    if folder::read_regular_in(&dir, &name, Some(bytes.len() as u64), u64::MAX)?.is_some_and(|old| old == bytes) {
        return Ok(());
    }
    dir.write(&name, bytes)
}

/// `context_id.ext`, the id as [`folder::name_for`] names it and the extension of
/// the type the signed listing gives; NFC documents are JSON.
fn media_file_name(kind: MediaKind, media: &Media) -> String {
    let context = media.context.clone().unwrap_or_default();
    let id = folder::name_for(&media.id);
    match kind {
        MediaKind::Nfc => {
            let stem = names::file_name(&[&context, &id], None);
            format!("{}.json", stem.trim_end_matches(".bin"))
        }
        _ => names::file_name(&[&context, &id], media.mimetype.as_deref()),
    }
}

/// `/v1/a/b/c`, as the manifest names where a file came from.
fn endpoint(segments: &[&str]) -> String {
    let mut path = String::from("/v1");
    for segment in segments {
        path.push('/');
        path.push_str(&clean_short(segment, 200));
    }
    path
}

async fn export_session(context: Arc<Context>, session: String) -> SessionRecord {
    let dir = folder::name_for(&session);
    let attempts = async {
        let segments = ["sessions", session.as_str(), "attempts"];
        let bytes = context
            .fetch_required(&session, &segments, &format!("{dir}/attempts.json"))
            .await?;
        match parse_json::<AttemptList>(&bytes) {
            Ok(list) => Some(list),
            Err(error) => {
                context.failed(&session, &endpoint(&segments), &error);
                None
            }
        }
    };
    let media = async {
        if let Some(list) = attempts.await {
            let each = list
                .verifications
                .iter()
                .map(|attempt| context.export_attempt(&session, &dir, &attempt.id));
            join_all(each).await;
        }
    };
    let decision_file = format!("{dir}/decision.json");
    let decision_route = ["sessions", session.as_str(), "decision"];
    let decision = async {
        let bytes = context.fetch_required(&session, &decision_route, &decision_file).await;
        if let (Some(bytes), Some(decisions)) = (bytes, &context.decisions) {
            (decisions.0)(bytes);
        }
    };
    let person = context.fetch_optional(&session, &dir, "person", "person.json");
    let watchlist = context.fetch_optional(&session, &dir, "watchlist-screening", "watchlist.json");
    let session_media = context.export_session_media(&session, &dir);
    tokio::join!(media, decision, person, watchlist, session_media);
    let mut record = context.take_record(&session);
    record.files.sort_by(|a, b| a.path.cmp(&b.path));
    record.status = if record.failures.is_empty() {
        SessionStatus::Done
    } else {
        SessionStatus::Failed
    };
    record.error = record.failures.first().map(|f| {
        let more = record.failures.len() - 1;
        if more > 0 {
            format!("{}: {} (and {more} more)", f.endpoint, f.error)
        } else {
            format!("{}: {}", f.endpoint, f.error)
        }
    });
    record
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_cannot_point_outside_the_export() {
        assert!(inside("s1/a1/face_m1.jpg", "s1/a1"));
        assert!(!inside("s1/a1/../../../etc/passwd", "s1/a1"));
        assert!(!inside("/etc/passwd", "s1/a1"));
        assert!(!inside("s2/a1/face_m1.jpg", "s1/a1"));
    }

    #[test]
    fn the_colliding_names_of_the_review_map_to_distinct_paths() {
        let media = |context: &str, id: &str| Media {
            id: id.into(),
            name: None,
            context: Some(context.into()),
            size: None,
            mimetype: Some("image/jpeg".into()),
            url: None,
            session_id: None,
            duration: None,
            extra: Default::default(),
        };
        let names = folder::Names::default();
        let mut paths = std::collections::HashSet::new();
        let long = "x".repeat(90);
        // Attempts `a~b` and `a_b`, ids cut at 80 characters, an attempt named like
        // the session's own file, and context/id pairs that join alike.
        for (attempt, context, id) in [
            ("a~b", "face", "m1"),
            ("a_b", "face", "m1"),
            (&format!("{long}1") as &str, "face", "m1"),
            (&format!("{long}2"), "face", "m1"),
            ("decision.json", "face", "m1"),
            ("s1", "a_b", "c"),
            ("s1", "a", "b_c"),
        ] {
            let dir = format!("session/{}", folder::name_for(attempt));
            let file = media_file_name(MediaKind::Image, &media(context, id));
            let endpoint = format!("/v1/attempts/{attempt}/media/{context}/{id}");
            assert!(
                paths.insert(names.claim(&format!("{dir}/{file}"), &endpoint)),
                "{attempt} {context} {id}"
            );
        }
        assert!(!paths.contains("session/decision.json/face_m1.jpg"));
        let nfc = media_file_name(MediaKind::Nfc, &media("document-nfc", "n1"));
        assert_eq!(nfc, "document-nfc_n1.json");
    }

    #[test]
    fn progress_reads_sessions_files_bytes_rate_and_eta() {
        let snapshot = Snapshot {
            sessions_total: 40,
            sessions_done: 3,
            files_total: 720,
            files_done: 57,
            bytes_total: 100 * 1024 * 1024,
            bytes_received: 10 * 1024 * 1024,
            bytes_skipped: 0,
            elapsed: Duration::from_secs(2),
            ..Default::default()
        };
        // By the bytes known, 18 s; by the sessions, 37 x 2/3 s: the longer.
        assert_eq!(
            snapshot.describe(),
            "sessions 3/40 · files 57/720 · 10.0 MiB / 100.0 MiB · 5.0 MiB/s · ETA 24s"
        );
        let starting = Snapshot {
            sessions_done: 0,
            ..snapshot
        };
        assert!(
            !starting.describe().contains("ETA"),
            "no guess before a session is done"
        );
    }
}
