//! The engine thread: where channels run.
//!
//! The doorbell (a token written to the usermode `NOTIFY_CHANNEL_PENDING`,
//! [`super::usermode`]) only marks the channel pending and wakes this
//! thread ([`Doorbell::ring`]), as on hardware, where the write posts and
//! the host and the engines run the work on their own. The thread runs
//! each pending channel's GPFIFO (the host, [`super::pbdma`], and the copy
//! engine, [`super::ce`]) through the GSP-RM model
//! ([`crate::gsprm::GspRm::run_channel`]), which owns the channels; the
//! non-stall interrupts, channel errors and the RC events GSP-RM sends for
//! them all happen here.
//!
//! Duration (`--delay engine=TIME`, `timing.rs`): each GPFIFO entry is a
//! job. When the host takes an entry up, it completes that long later: its
//! methods (copies, semaphore releases, interrupts, GP_GET) take effect
//! together at that time, then the host takes up the next entry, so the
//! entries of one channel complete one duration apart; channels run side
//! by side. With no duration the thread runs a channel's entries as soon
//! as it is woken, one after the other.
//!
//! A semaphore acquire not yet satisfied leaves the channel waiting at
//! that method. It is retried when memory may have changed: on every
//! doorbell (of any channel) and every [`POLL`] while the channel waits.
//!
//! Locking. The thread holds its queue lock only to take what was rung,
//! never while it takes the GSP-RM lock; it takes the GSP-RM lock for one
//! step of one channel and never sleeps holding it. The server thread
//! (BAR0 accesses) takes each alone: the doorbell releases GSP-RM's lock
//! before it rings. So no two locks are ever taken in opposite orders.
//! Under the GSP-RM lock both threads reach the MMU, VRAM, guest memory
//! and the interrupt tree, whose locks are leaves (the tree's takes only
//! the PCI interrupt's under it).
//!
//! The thread ends when the [`Engine`] is dropped (with the device); a
//! device reset ([`Engine::reset`]) drops everything rung and every
//! channel's schedule (GSP-RM's channels go with its reset).

use std::collections::BTreeMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::pbdma::Ran;
use crate::dma::DmaSpace;
use crate::gsprm::{self, Shared};
use crate::mmu::Gmmu;
use crate::trace::Trace;

/// How often a channel waiting at a semaphore acquire is retried.
pub const POLL: Duration = Duration::from_millis(1);
/// How long the thread sleeps when it has nothing scheduled.
const IDLE: Duration = Duration::from_millis(100);

#[derive(Default)]
struct Queue {
    /// Tokens rung since the thread last looked, in order, once each.
    rung: Vec<u32>,
    /// Bumped by a device reset: the thread forgets its schedules.
    epoch: u64,
    /// The engine is going away (or never started).
    stop: bool,
    /// The thread has nothing rung to take and no entry in progress
    /// (channels waiting at an acquire do not count).
    quiescent: bool,
}

struct Inner {
    q: Mutex<Queue>,
    /// Wakes the thread.
    wake: Condvar,
    /// Signalled when the thread becomes quiescent.
    idle: Condvar,
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.q.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// What the usermode doorbell holds: rings the engine thread.
#[derive(Clone)]
pub struct Doorbell {
    inner: Arc<Inner>,
    trace: Trace,
}

impl Doorbell {
    /// Marks the channel of `token` pending and wakes the engine thread.
    pub fn ring(&self, token: u32) {
        let mut q = self.inner.lock();
        if q.stop {
            drop(q);
            self.trace.log(format!(
                "fifo: doorbell token {token:#x}: no engine thread runs; the work does not run"
            ));
            return;
        }
        if !q.rung.contains(&token) {
            q.rung.push(token);
        }
        q.quiescent = false;
        self.inner.wake.notify_one();
    }
}

/// The engine thread, owned by the device: dropping it stops the thread.
pub struct Engine {
    inner: Arc<Inner>,
    thread: Option<JoinHandle<()>>,
    trace: Trace,
}

/// What the thread runs channels with.
struct Worker {
    inner: Arc<Inner>,
    rm: Shared,
    mmu: Gmmu,
    dma: DmaSpace,
    trace: Trace,
    /// Each GPFIFO entry's duration.
    delay: Duration,
}

/// The engine thread's schedule of one channel.
#[derive(Default)]
struct Sched {
    /// The entry the host took up completes then.
    due: Option<Instant>,
    /// It waits at an acquire; retried then.
    poll: Option<Instant>,
    /// Rung, or memory may have changed: look at it now.
    kick: bool,
}

impl Sched {
    fn ready(&self, now: Instant) -> bool {
        self.kick || self.due.is_some_and(|t| t <= now) || self.poll.is_some_and(|t| t <= now)
    }

    fn next(&self) -> Option<Instant> {
        match (self.due, self.poll) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

impl Engine {
    /// Starts the engine thread, running `rm`'s channels through `mmu`,
    /// each GPFIFO entry taking `delay`.
    pub fn start(rm: Shared, mmu: Gmmu, dma: DmaSpace, trace: Trace, delay: Duration) -> Self {
        let inner = Arc::new(Inner {
            q: Mutex::new(Queue {
                quiescent: true,
                ..Queue::default()
            }),
            wake: Condvar::new(),
            idle: Condvar::new(),
        });
        let worker = Worker {
            inner: inner.clone(),
            rm,
            mmu,
            dma,
            trace: trace.clone(),
            delay,
        };
        let thread = match std::thread::Builder::new()
            .name("nvsim-engine".into())
            .spawn(move || worker.run())
        {
            Ok(t) => Some(t),
            Err(e) => {
                trace.log(format!(
                    "fifo: cannot start the engine thread: {e}; channels will not run"
                ));
                inner.lock().stop = true;
                None
            }
        };
        Self {
            inner,
            thread,
            trace,
        }
    }

    /// The doorbell that rings this engine.
    pub fn doorbell(&self) -> Doorbell {
        Doorbell {
            inner: self.inner.clone(),
            trace: self.trace.clone(),
        }
    }

    /// Device reset: what was rung and every schedule are dropped.
    pub fn reset(&self) {
        let mut q = self.inner.lock();
        q.rung.clear();
        q.epoch += 1;
        self.inner.wake.notify_one();
    }

    /// Waits (at most `timeout`) until the thread has taken everything
    /// rung and has no entry in progress; channels waiting at an acquire
    /// do not count. Returns whether it got there.
    pub fn settle(&self, timeout: Duration) -> bool {
        let end = Instant::now() + timeout;
        let mut q = self.inner.lock();
        let settled = |q: &Queue| q.stop || (q.rung.is_empty() && q.quiescent);
        while !settled(&q) {
            let left = end.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            q = match self.inner.idle.wait_timeout(q, left) {
                Ok((q, _)) => q,
                Err(e) => e.into_inner().0,
            };
        }
        true
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        self.inner.lock().stop = true;
        self.inner.wake.notify_all();
        self.inner.idle.notify_all();
        if let Some(t) = self.thread.take() {
            if t.join().is_err() {
                self.trace.log("fifo: the engine thread panicked");
            }
        }
    }
}

impl Worker {
    fn run(self) {
        let mut chans: BTreeMap<u32, Sched> = BTreeMap::new();
        let mut epoch = 0;
        loop {
            let now = Instant::now();
            {
                let mut q = self.inner.lock();
                if q.stop {
                    return;
                }
                if q.epoch != epoch {
                    epoch = q.epoch;
                    chans.clear();
                }
                let rung = std::mem::take(&mut q.rung);
                if !rung.is_empty() {
                    // Memory may have changed: retry the waiting channels.
                    for s in chans.values_mut().filter(|s| s.poll.is_some()) {
                        s.kick = true;
                    }
                    for token in rung {
                        chans.entry(token).or_default().kick = true;
                    }
                }
                if !chans.values().any(|s| s.ready(now)) {
                    q.quiescent = chans.values().all(|s| s.due.is_none());
                    if q.quiescent {
                        self.inner.idle.notify_all();
                    }
                    let wait = chans
                        .values()
                        .filter_map(Sched::next)
                        .min()
                        .map_or(IDLE, |t| t.saturating_duration_since(now).min(IDLE));
                    drop(self.inner.wake.wait_timeout(q, wait));
                    continue;
                }
                q.quiescent = false;
            }
            chans.retain(|&token, s| !s.ready(now) || self.step(token, s, now));
        }
    }

    /// Runs one step of the channel of `token`; returns whether it stays
    /// scheduled.
    fn step(&self, token: u32, s: &mut Sched, now: Instant) -> bool {
        s.kick = false;
        let limit = match s.due {
            // Still busy with the entry it took up: a doorbell does not
            // hurry it.
            Some(t) if t > now => return true,
            Some(_) => {
                s.due = None;
                1
            }
            None if self.delay.is_zero() => u32::MAX,
            // Finish an entry in progress; a new one takes `delay`.
            None => 0,
        };
        s.poll = None;
        let ran =
            gsprm::lock(&self.rm).run_channel(token, limit, &self.mmu, &self.dma, &self.trace);
        match ran {
            Ran::Waiting => {
                s.poll = Some(Instant::now() + POLL);
                true
            }
            Ran::More => {
                s.due = Some(Instant::now() + self.delay);
                self.trace.trace(|| {
                    format!(
                        "fifo: token {token:#x}: the host takes up the next GPFIFO entry; it \
                         completes in {:?}",
                        self.delay
                    )
                });
                true
            }
            Ran::Idle | Ran::Stopped => false,
        }
    }
}
