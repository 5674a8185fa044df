//! `Cmd::Load`: every kind of data the browser fetches, through one loader.
//!
//! Each load is keyed by what it asks for ([`Req`]): asked again, the one on its
//! way is aborted (superseded); [`Cmd::Cancel`] aborts those no longer wanted; a
//! profile switch aborts them all as the new client takes the old one's place.
//! Every load answers exactly once with [`Msg::Loaded`], aborted ones as
//! cancelled: the answer is made before the work starts, by the effects'
//! `Answer`, and [`fetch`] is one exhaustive `match` returning a [`Payload`], so
//! a new kind of load cannot forget its reply or give the wrong one.
//!
//! [`Cmd::Load`]: crate::tui::app::Cmd::Load
//! [`Cmd::Cancel`]: crate::tui::app::Cmd::Cancel

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::AbortHandle;

use super::Target;
use crate::api::Client;
use crate::api::pacing::{Gate, Pacing};
use crate::tui::app::{Failure, Msg, Payload, PreviewKey, Req, ReqId};
use crate::tui::preview::{ByteCache, PreviewBuffer, PreviewImage, Renderer, encode, too_large, video_frame};

/// How long the cursor must rest on a media before its preview is fetched.
const PREVIEW_DEBOUNCE: Duration = Duration::from_millis(40);

/// Background loads wait at this priority, behind everything an export asks for.
const BACKGROUND: u8 = 0;

/// What a fetch needs besides its request.
pub(super) struct Context {
    pub client: Client,
    pub renderer: Option<Arc<Renderer>>,
    /// Verified bytes of recent previews: a resize re-encodes without a download.
    pub previewed: Arc<ByteCache>,
    pub sessions: Option<Arc<dyn super::SessionSource>>,
    pub inbox: Option<Arc<crate::inbox::Store>>,
    /// Where fetched decisions are kept, so a session looked at is found later.
    pub indexer: Option<crate::inbox::Indexer>,
}

/// The loads on their way, and the pacer they (and the browser's exports) go
/// through.
#[derive(Clone)]
pub(super) struct Loads {
    /// Also the lock under which the client is read for a load and replaced by a
    /// profile switch: no load can start with a client that is being replaced.
    in_flight: Arc<Mutex<HashMap<Req, (ReqId, AbortHandle)>>>,
    /// The one pacer of the browser's traffic: background loads and exports wait
    /// their turn here; what the person is looking at goes first.
    pub gate: Arc<Gate>,
}

impl Default for Loads {
    fn default() -> Loads {
        Loads {
            in_flight: Arc::default(),
            gate: Gate::new(Pacing::new(crate::export::DEFAULT_JOBS, None)),
        }
    }
}

type InFlight = HashMap<Req, (ReqId, AbortHandle)>;

impl Loads {
    fn lock(&self) -> std::sync::MutexGuard<'_, InFlight> {
        // Never held across an await; a panic while held leaves a usable map.
        self.in_flight.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Starts load `id` of `req` with the current client, superseding any load of
    /// the same `req`. `spawn` runs the work and makes its one answer.
    pub fn start(
        &self,
        id: ReqId,
        req: Req,
        background: bool,
        target: &RwLock<Target>,
        context: impl FnOnce(Client, Arc<super::ProfileInUse>) -> Context,
        tx: &mpsc::UnboundedSender<Msg>,
    ) {
        let mut in_flight = self.lock();
        let (client, _, profile) = target.read().expect("effects target lock").clone();
        let context = context(client, profile);
        let gate = self.gate.clone();
        let asked = req.clone();
        let work = async move {
            if matches!(asked, Req::Preview { .. }) {
                // While the cursor moves, each preview supersedes the last before
                // it costs a download.
                tokio::time::sleep(PREVIEW_DEBOUNCE).await;
            }
            let _turn = if background {
                gate.acquire(BACKGROUND).await
            } else {
                gate.acquire_now()
            };
            fetch(context, asked).await
        };
        let map = self.in_flight.clone();
        let answered = req.clone();
        let reply = move |result| {
            let mut map = map.lock().unwrap_or_else(|e| e.into_inner());
            if map.get(&answered).is_some_and(|(wanted, _)| *wanted == id) {
                map.remove(&answered);
            }
            Msg::Loaded {
                id,
                req: answered,
                result,
            }
        };
        let task = super::spawn_answered(tx, work, reply);
        let superseded = in_flight.insert(req, (id, task.abort_handle()));
        drop(in_flight);
        if let Some((_, task)) = superseded {
            task.abort();
        }
    }

    /// Aborts the loads of `reqs` still on their way.
    pub fn cancel(&self, reqs: &[Req]) {
        let aborted: Vec<AbortHandle> = {
            let mut in_flight = self.lock();
            reqs.iter()
                .filter_map(|r| in_flight.remove(r))
                .map(|(_, t)| t)
                .collect()
        };
        for task in aborted {
            task.abort();
        }
    }

    pub fn abort_all(&self) {
        let aborted: Vec<(ReqId, AbortHandle)> = self.lock().drain().map(|(_, t)| t).collect();
        for (_, task) in aborted {
            task.abort();
        }
    }

    /// Runs `replace` (which swaps the client) with no load able to start
    /// meanwhile, then aborts every load of the client replaced.
    pub fn replace_target(&self, replace: impl FnOnce()) {
        let aborted: Vec<(ReqId, AbortHandle)> = {
            let mut in_flight = self.lock();
            replace();
            in_flight.drain().map(|(_, t)| t).collect()
        };
        for (_, task) in aborted {
            task.abort();
        }
    }

    /// Loads on their way (for tests).
    #[cfg(test)]
    pub fn in_flight(&self) -> usize {
        self.lock().len()
    }
}

/// Fetches what `req` asks for. One arm per kind of request, each returning its
/// kind of [`Payload`].
async fn fetch(context: Context, req: Req) -> Result<Payload, Failure> {
    let client = &context.client;
    Ok(match req {
        Req::Attempts(session) => Payload::Attempts(client.session_attempts(&session).await?.verifications),
        Req::Decision(session) => {
            let (answer, body) = client
                .answer::<crate::api::DecisionResponse>(crate::api::Read::Decision(&session))
                .await?;
            if let Some(indexer) = &context.indexer {
                indexer.decision(body);
            }
            Payload::Decision(answer.into_decision())
        }
        Req::SessionMedia(session) => Payload::Media(client.session_media(&session).await?),
        Req::Media(_, attempt) => Payload::Media(client.attempt_media(&attempt).await?),
        // An empty answer is no data, like a missing one.
        Req::Person(session) => {
            Payload::Person(client.session_person(&session).await?.person.filter(|p| !p.is_empty()))
        }
        Req::Watchlist(session) => {
            let (answer, body) = client
                .answer::<crate::api::WatchlistResponse>(crate::api::Read::Watchlist(&session))
                .await?;
            // Kept in the inbox as a decision is: `watchlist:` finds the session.
            if let Some(indexer) = &context.indexer {
                indexer.watchlist(body);
            }
            Payload::Watchlist(answer.data.filter(|w| !w.is_empty()))
        }
        Req::Nfc(_, media) => {
            let mut buffer = PreviewBuffer::default();
            let fetched = client.download_to_writer(&media, &mut buffer, |_| {}).await;
            if buffer.overflowed {
                return Err(Failure::from(too_large()));
            }
            fetched?;
            Payload::Nfc(crate::api::parse_json(&buffer.bytes).map_err(|e| Failure::from(e.to_string()))?)
        }
        Req::Remembered => match context.sessions {
            Some(source) => Payload::Sessions(
                tokio::task::spawn_blocking(move || source.load())
                    .await
                    .map_err(|e| Failure::from(e.to_string()))??,
            ),
            None => Payload::Sessions(Vec::new()),
        },
        Req::Inbox(ask) => {
            let store = context.inbox.ok_or_else(|| Failure::from("this run has no inbox"))?;
            Payload::Inbox(super::inbox::page(&store, ask).await?)
        }
        Req::MarkLog(session) => {
            let store = context.inbox.ok_or_else(|| Failure::from("this run has no inbox"))?;
            Payload::MarkLog(super::inbox::history(&store, &session).await?)
        }
        Req::Preview { key, video } => {
            let renderer = context.renderer.ok_or_else(|| Failure::from("previews are off"))?;
            Payload::Preview(preview(client, &context.previewed, renderer, &key, video).await?)
        }
    })
}

/// Set while its load runs; cleared when the load is dropped (aborted), so an
/// encoding already under way on a blocking thread gives up.
struct Alive(Arc<AtomicBool>);

impl Drop for Alive {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Relaxed);
    }
}

/// Fetches (or reuses) the media's bytes, verified like any download, and encodes
/// them for the terminal off the UI task.
async fn preview(
    client: &Client,
    cache: &ByteCache,
    renderer: Arc<Renderer>,
    key: &PreviewKey,
    video: Option<String>,
) -> Result<PreviewImage, Failure> {
    let bytes = match cache.get(&key.media) {
        Some(bytes) => bytes,
        None => {
            let mut buffer = PreviewBuffer::default();
            let fetched = client.download_to_writer(&key.media, &mut buffer, |_| {}).await;
            if buffer.overflowed {
                return Err(too_large().into());
            }
            // The fetch's own kind (credentials, not found...) reaches the screen.
            fetched?;
            let bytes = Arc::new(buffer.bytes);
            cache.put(key.media.to_string(), bytes.clone());
            bytes
        }
    };
    let size = ratatui::layout::Size::new(key.width, key.height);
    let alive = Alive(Arc::new(AtomicBool::new(true)));
    let flag = alive.0.clone();
    let still_wanted = move || flag.load(Ordering::Relaxed);
    let encoded = tokio::task::spawn_blocking(move || match video {
        Some(mimetype) => encode(
            &renderer,
            &video_frame("ffmpeg", &bytes, &mimetype)?,
            size,
            still_wanted,
        ),
        None => encode(&renderer, &bytes, size, still_wanted),
    });
    let encoded = encoded.await;
    drop(alive);
    encoded
        .map_err(|e| Failure::from(e.to_string()))?
        .map_err(Failure::from)
}
