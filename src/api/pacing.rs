//! How fast the API is asked: at most `jobs` requests in flight, fewer after the
//! server answers 429 (halved, then grown back by one per window of successes:
//! AIMD), a pause for `Retry-After`, and a cap on requests started per second.
//! It is the API's, not one caller's: an export, the browser's background loads
//! and the inbox's sync all wait at a [`Gate`].
//!
//! [`Pacing`] is the arithmetic alone, with time passed in, so it is tested without
//! a clock; [`Gate`] puts it behind a lock and makes requests wait their turn, the
//! deepest work (media files) before listings, so one session's files flow while
//! other sessions' lists still load.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

/// What the server accepted in this window is what it is taken to allow.
const WINDOW: Duration = Duration::from_secs(1);
/// The share of the observed allowance used after a 429, so that the jitter of
/// arrivals cannot push a second over the server's limit.
const MARGIN: f64 = 0.8;
/// Never slower than this, whatever was observed.
const MIN_RPS: f64 = 0.5;
/// The pause after a 429 that did not say how long to wait.
const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(1);

/// The slowest `--max-rps` taken: one request a minute.
pub const SLOWEST_RPS: f64 = 1.0 / 60.0;

#[derive(Debug, Clone)]
pub struct Pacing {
    max_jobs: usize,
    /// Requests allowed in flight; fractional so it grows by one per window.
    limit: f64,
    /// `--max-rps`.
    user_rps: Option<f64>,
    /// Learned from 429s; only ever lowered within one export: a server that
    /// asked to slow down is not probed again.
    learned_rps: Option<f64>,
    /// Bumped at each decrease: a 429 to a request started before the last
    /// decrease is part of the burst already answered for.
    epoch: u64,
    /// Start times of requests the server accepted, within [`WINDOW`] of the newest.
    accepted: VecDeque<Instant>,
    paused_until: Option<Instant>,
    /// Bumped at each pause, so a start reserved before a pause is reserved again.
    pauses: u64,
    next_start: Option<Instant>,
    rate_limited: u64,
}

impl Pacing {
    pub fn new(jobs: usize, max_rps: Option<f64>) -> Pacing {
        let jobs = jobs.max(1);
        Pacing {
            max_jobs: jobs,
            limit: jobs as f64,
            // Slower than that would mean waiting longer than time can be counted.
            user_rps: max_rps.filter(|r| *r > 0.0).map(|r| r.max(SLOWEST_RPS)),
            learned_rps: None,
            epoch: 0,
            accepted: VecDeque::new(),
            paused_until: None,
            pauses: 0,
            next_start: None,
            rate_limited: 0,
        }
    }

    /// Requests that may be in flight now.
    pub fn jobs(&self) -> usize {
        (self.limit.floor() as usize).clamp(1, self.max_jobs)
    }

    /// The cap on requests started per second, if any.
    pub fn rps(&self) -> Option<f64> {
        match (self.user_rps, self.learned_rps) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    pub fn pauses(&self) -> u64 {
        self.pauses
    }

    /// 429 answers so far.
    pub fn rate_limited(&self) -> u64 {
        self.rate_limited
    }

    /// When a request asking at `now` may start; the slot is taken.
    pub fn reserve(&mut self, now: Instant) -> Instant {
        let mut slot = now;
        if let Some(paused) = self.paused_until {
            slot = slot.max(paused);
        }
        if let Some(rps) = self.rps() {
            if let Some(next) = self.next_start {
                slot = slot.max(next);
            }
            self.next_start = Some(slot + Duration::from_secs_f64(1.0 / rps));
        }
        slot
    }

    /// A request started at `started` was accepted: one more slot per window of
    /// successes, up to `jobs`.
    pub fn on_success(&mut self, started: Instant) {
        self.accepted.push_back(started);
        let newest = self.accepted.iter().copied().max().unwrap_or(started);
        while self
            .accepted
            .front()
            .is_some_and(|t| newest.duration_since(*t) > WINDOW)
        {
            self.accepted.pop_front();
        }
        self.limit = (self.limit + 1.0 / self.limit).min(self.max_jobs as f64);
    }

    /// A request started at `started`, in `epoch`, was answered 429 at `now`.
    /// Everything pauses for `retry_after`; the first 429 of a burst also halves
    /// the concurrency and caps the rate below what the server accepted in the
    /// window before it. Returns whether this 429 lowered anything.
    pub fn on_rate_limited(
        &mut self,
        started: Instant,
        epoch: u64,
        retry_after: Option<Duration>,
        now: Instant,
    ) -> bool {
        self.rate_limited += 1;
        let until = now + retry_after.unwrap_or(DEFAULT_RETRY_AFTER);
        if self.paused_until.is_none_or(|p| p < until) {
            // Starts reserved before the pause are void (see [`Gate::acquire`]).
            self.paused_until = Some(until);
            self.pauses += 1;
        }
        if epoch != self.epoch {
            return false;
        }
        self.epoch += 1;
        self.limit = (self.limit / 2.0).max(1.0);
        let accepted = self
            .accepted
            .iter()
            .filter(|t| **t <= started && started.duration_since(**t) < WINDOW)
            .count();
        let observed = (accepted as f64 * MARGIN).max(MIN_RPS);
        self.learned_rps = Some(match self.learned_rps {
            // Already paced and still refused: the allowance is lower than seen.
            Some(rps) => (rps / 2.0).max(MIN_RPS).min(observed),
            None => observed,
        });
        true
    }
}

/// Requests wait here for their turn.
#[derive(Debug)]
pub struct Gate {
    state: Mutex<GateState>,
}

#[derive(Debug)]
struct GateState {
    pacing: Pacing,
    in_flight: usize,
    waiting: BinaryHeap<Waiter>,
    seq: u64,
}

#[derive(Debug)]
struct Waiter {
    priority: u8,
    seq: Reverse<u64>,
    wake: oneshot::Sender<()>,
}

impl PartialEq for Waiter {
    fn eq(&self, other: &Self) -> bool {
        (self.priority, self.seq) == (other.priority, other.seq)
    }
}
impl Eq for Waiter {}
impl PartialOrd for Waiter {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Waiter {
    /// Higher priority first, then first come.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.priority, self.seq).cmp(&(other.priority, other.seq))
    }
}

/// The right to have one request in flight; dropping it frees the slot.
#[derive(Debug)]
pub struct Permit {
    gate: Arc<Gate>,
    started: Instant,
    epoch: u64,
}

impl Permit {
    /// The server accepted the request.
    pub fn accepted(&self) {
        let mut state = self.gate.lock();
        state.pacing.on_success(self.started);
        state.wake();
    }

    /// The server answered 429.
    pub fn rate_limited(&self, retry_after: Option<Duration>) {
        let mut state = self.gate.lock();
        let decreased = state
            .pacing
            .on_rate_limited(self.started, self.epoch, retry_after, Instant::now());
        if decreased {
            tracing::info!(
                jobs = state.pacing.jobs(),
                rps = ?state.pacing.rps(),
                ?retry_after,
                "the API asked to slow down"
            );
        }
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        let mut state = self.gate.lock();
        state.in_flight -= 1;
        state.wake();
    }
}

/// A turn asked for but not yet taken: if the request is dropped after the turn
/// was granted, the slot goes back.
struct Pending {
    gate: Arc<Gate>,
    rx: oneshot::Receiver<()>,
    taken: bool,
}

impl Drop for Pending {
    fn drop(&mut self) {
        if self.taken {
            return;
        }
        self.rx.close();
        if self.rx.try_recv().is_ok() {
            let mut state = self.gate.lock();
            state.in_flight -= 1;
            state.wake();
        }
    }
}

impl GateState {
    /// Hands free slots to the waiters, highest priority first.
    fn wake(&mut self) {
        while self.in_flight < self.pacing.jobs() {
            let Some(waiter) = self.waiting.pop() else { return };
            self.in_flight += 1;
            if waiter.wake.send(()).is_err() {
                // Gave up waiting (cancelled).
                self.in_flight -= 1;
            }
        }
    }
}

impl Gate {
    pub fn new(pacing: Pacing) -> Arc<Gate> {
        Arc::new(Gate {
            state: Mutex::new(GateState {
                pacing,
                in_flight: 0,
                waiting: BinaryHeap::new(),
                seq: 0,
            }),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, GateState> {
        // Never held across an await; a panic while held leaves consistent numbers.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A copy of the arithmetic, for progress displays and tests.
    pub fn pacing(&self) -> Pacing {
        self.lock().pacing.clone()
    }

    /// A slot now, over the limit if need be, for what the person is looking at:
    /// it never waits behind queued work, but what is queued waits for it.
    pub fn acquire_now(self: &Arc<Self>) -> Permit {
        let mut state = self.lock();
        state.in_flight += 1;
        Permit {
            gate: self.clone(),
            started: Instant::now(),
            epoch: state.pacing.epoch(),
        }
    }

    /// Waits for a slot (higher `priority` first) and then for the request's start
    /// time under the rate cap and any pause.
    pub async fn acquire(self: &Arc<Self>, priority: u8) -> Permit {
        let pending = {
            let mut state = self.lock();
            if state.waiting.is_empty() && state.in_flight < state.pacing.jobs() {
                state.in_flight += 1;
                None
            } else {
                let (wake, rx) = oneshot::channel();
                state.seq += 1;
                let seq = Reverse(state.seq);
                state.waiting.push(Waiter { priority, seq, wake });
                Some(Pending {
                    gate: self.clone(),
                    rx,
                    taken: false,
                })
            }
        };
        if let Some(mut pending) = pending {
            // The sender lives in the gate, which outlives this wait.
            let _ = (&mut pending.rx).await;
            // Granted: from here the slot is the permit's to give back.
            pending.taken = true;
        }
        let mut permit = Permit {
            gate: self.clone(),
            started: Instant::now(),
            epoch: 0,
        };
        loop {
            let (slot, pauses) = {
                let mut state = self.lock();
                (state.pacing.reserve(Instant::now()), state.pacing.pauses())
            };
            tokio::time::sleep_until(slot.into()).await;
            let state = self.lock();
            if state.pacing.pauses() == pauses {
                permit.started = Instant::now();
                permit.epoch = state.pacing.epoch();
                return permit;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_429_halves_the_jobs_once_per_burst_and_they_recover_slowly() {
        let t0 = Instant::now();
        let mut pacing = Pacing::new(8, None);
        assert_eq!((pacing.jobs(), pacing.rps()), (8, None));
        for i in 0..10 {
            pacing.on_success(t0 + Duration::from_millis(i * 10));
        }
        let epoch = pacing.epoch();
        let at = t0 + Duration::from_millis(100);
        assert!(pacing.on_rate_limited(at, epoch, Some(Duration::from_secs(2)), at));
        assert_eq!(pacing.jobs(), 4, "halved");
        // Seven more refusals from the same burst (same epoch): no further halving.
        for _ in 0..7 {
            assert!(!pacing.on_rate_limited(at, epoch, Some(Duration::from_secs(2)), at));
        }
        assert_eq!(pacing.jobs(), 4);
        assert_eq!(pacing.rate_limited(), 8);
        // Recovery: about one slot per window of `jobs` successes, never past 8.
        let mut successes = 0;
        while pacing.jobs() < 5 {
            pacing.on_success(at);
            successes += 1;
        }
        assert!((4..=5).contains(&successes), "{successes}");
        for _ in 0..1000 {
            pacing.on_success(at);
        }
        assert_eq!(pacing.jobs(), 8);
    }

    #[test]
    fn after_a_429_the_rate_stays_below_what_the_server_accepted() {
        let t0 = Instant::now();
        let mut pacing = Pacing::new(8, None);
        // The server accepted 10 requests in the second before refusing.
        for i in 0..10 {
            pacing.on_success(t0 + Duration::from_millis(i * 50));
        }
        let refused = t0 + Duration::from_millis(600);
        let answered = refused + Duration::from_millis(50);
        pacing.on_rate_limited(refused, pacing.epoch(), Some(Duration::from_secs(1)), answered);
        assert_eq!(pacing.rps(), Some(8.0));
        // Nothing starts before Retry-After; then starts are 1/8 s apart.
        let first = pacing.reserve(answered);
        assert_eq!(first, answered + Duration::from_secs(1));
        let starts: Vec<Instant> = (0..18).map(|_| pacing.reserve(answered)).collect();
        let in_any_second = starts
            .iter()
            .map(|s| {
                starts
                    .iter()
                    .filter(|t| **t >= *s && t.duration_since(*s) < WINDOW)
                    .count()
            })
            .max()
            .unwrap();
        assert!(in_any_second <= 8, "{in_any_second} starts in one second");
        // Success does not raise the learned rate again within this export.
        for _ in 0..100 {
            pacing.on_success(answered);
        }
        assert_eq!(pacing.rps(), Some(8.0));
        // Refused again while paced: the allowance is lower than it looked.
        pacing.on_rate_limited(answered, pacing.epoch(), None, answered);
        assert!(pacing.rps().unwrap() <= 4.0, "{:?}", pacing.rps());
    }

    #[test]
    fn max_rps_spaces_the_starts_and_combines_with_what_was_learned() {
        let t0 = Instant::now();
        let mut pacing = Pacing::new(8, Some(4.0));
        let starts: Vec<Instant> = (0..5).map(|_| pacing.reserve(t0)).collect();
        assert_eq!(starts[0], t0);
        assert_eq!(starts[4], t0 + Duration::from_secs(1));
        // A learned rate above the user's cap does not raise it.
        for i in 0..20 {
            pacing.on_success(t0 + Duration::from_millis(i * 40));
        }
        pacing.on_rate_limited(t0 + Duration::from_millis(800), pacing.epoch(), None, t0);
        assert_eq!(pacing.rps(), Some(4.0));
    }

    #[tokio::test]
    async fn the_gate_holds_jobs_in_flight_and_serves_deeper_work_first() {
        let gate = Gate::new(Pacing::new(2, None));
        let a = gate.acquire(0).await;
        let _b = gate.acquire(0).await;
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for (name, priority) in [("list", 0u8), ("file", 2), ("media list", 1)] {
            let gate = gate.clone();
            let order = order.clone();
            tasks.push(tokio::spawn(async move {
                let permit = gate.acquire(priority).await;
                order.lock().unwrap().push(name);
                drop(permit);
            }));
            tokio::task::yield_now().await;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
        assert!(order.lock().unwrap().is_empty(), "two in flight: the rest wait");
        drop(a);
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(*order.lock().unwrap(), ["file", "media list", "list"]);
    }

    #[tokio::test]
    async fn a_cancelled_wait_gives_its_slot_back() {
        let gate = Gate::new(Pacing::new(1, None));
        let held = gate.acquire(0).await;
        let waiting = tokio::spawn({
            let gate = gate.clone();
            async move { gate.acquire(0).await }
        });
        tokio::task::yield_now().await;
        waiting.abort();
        let _ = waiting.await;
        drop(held);
        let again = tokio::time::timeout(Duration::from_secs(1), gate.acquire(0)).await;
        assert!(again.is_ok(), "the slot came back");
    }
}
