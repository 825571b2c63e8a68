// SPDX-License-Identifier: GPL-2.0

//! The part of a channel the interrupt path reaches: the ring and nova's
//! push buffers in system memory, the semaphore the GPU releases at the
//! end of each job, and the fences of the jobs in flight.
//!
//! Everything here is safe in hard interrupt context: [`Ring::retire`]
//! reads the semaphore and signals the fences of finished jobs, under a
//! spinlock, without allocating (the slots of the jobs in flight are
//! allocated with the ring). The watchdog is an `hrtimer` on the ring that
//! fails the jobs with `-ETIMEDOUT` when the oldest one made no progress
//! for [`JOB_TIMEOUT`].
//!
//! The ring and the push buffers live in coherent system memory, which the
//! CPU writes directly and the host reads through the channel's VA space:
//! nova writes every GPFIFO entry and fence push itself, and a write
//! through the PRAMIN window or BAR1 would cost an MMIO access a word
//! (NVIDIA's UVM driver places GPFIFOs in system memory by default for the
//! same reason). The channel's instance block, USERD and fault method
//! buffer are in VRAM ([`super::channel`]).

use kernel::{
    device,
    dma::{
        Coherent,
        DmaAddress, //
    },
    dma_fence::DriverFence,
    impl_has_hr_timer,
    prelude::*,
    sync::{
        aref::ARef,
        atomic::{
            Atomic,
            Relaxed, //
        },
        ArcBorrow, SpinLockIrq,
    },
    time::{
        hrtimer::{
            HrTimer,
            HrTimerCallback,
            HrTimerCallbackContext,
            HrTimerRestart,
            RelativeMode, //
        },
        Delta, Instant, Monotonic,
    },
};

use super::push;

/// GPFIFO entries of a ring.
pub(crate) const RING_ENTRIES: u32 = 1024;
/// Most jobs in flight on one channel.
pub(crate) const MAX_INFLIGHT: usize = 128;
/// Most push buffers of one job (`NOVA_GETPARAM_EXEC_PUSH_MAX`); a job
/// takes one ring entry more, for nova's fence push.
pub(crate) const PUSH_MAX: u32 = 64;
/// How long the oldest job in flight may go without finishing.
pub(crate) const JOB_TIMEOUT: Delta = Delta::from_millis(2000);
/// How often the watchdog looks.
const WATCH_PERIOD: Delta = Delta::from_millis(100);

/// Byte offset of the fence push of in-flight slot 0.
const FENCE_PUSH_OFFSET: usize = RING_ENTRIES as usize * 8;
/// Bytes of one fence push slot.
const FENCE_PUSH_SLOT: usize = push::FENCE_DWORDS * 4;
/// Byte offset of the semaphore (a 64-bit payload).
const SEM_OFFSET: usize = FENCE_PUSH_OFFSET + MAX_INFLIGHT * FENCE_PUSH_SLOT;
/// Bytes of the system memory of a ring: the semaphore ends it, rounded
/// up to pages.
pub(crate) const SYS_SIZE: usize = (SEM_OFFSET + 8).next_multiple_of(4096);

/// A job on the GPU.
struct Pending {
    fence: DriverFence,
    /// The ring position after its last entry.
    ring_end: u32,
    /// When it was handed to the GPU.
    submitted: Instant<Monotonic>,
}

/// The jobs in flight, oldest first, in slots allocated up front.
struct InFlight {
    slots: KVec<Option<Pending>>,
    head: usize,
    len: usize,
    /// The ring position after the last retired job: entries from here to
    /// the current GP_PUT are the GPU's.
    retired_put: u32,
    /// Since when the oldest job has been the oldest.
    oldest_since: Option<Instant<Monotonic>>,
    /// Why the channel is dead, once it is.
    dead: Option<Error>,
    /// When the last job finished.
    last_done: Option<Instant<Monotonic>>,
}

impl InFlight {
    fn pop(&mut self) -> Option<Pending> {
        if self.len == 0 {
            return None;
        }
        let p = self.slots.get_mut(self.head)?.take();
        self.head = (self.head + 1) % MAX_INFLIGHT;
        self.len -= 1;
        p
    }

    fn front_seqno(&self) -> Option<u64> {
        if self.len == 0 {
            return None;
        }
        self.slots
            .get(self.head)
            .and_then(|s| s.as_ref())
            .map(|p| p.fence.seqno())
    }
}

/// A channel's ring, semaphore and fences in flight.
#[pin_data]
pub(crate) struct Ring {
    dev: ARef<device::Device>,
    mem: Coherent<[u32]>,
    /// `NV2080_ENGINE_TYPE_*` of the channel.
    engine_type: Atomic<u32>,
    /// The channel ID GSP-RM gave it.
    chid: Atomic<u32>,
    /// The user's handle, for messages.
    handle: u32,
    /// Nanoseconds the engine spent on the channel's finished jobs.
    busy_ns: Atomic<u64>,
    #[pin]
    state: SpinLockIrq<InFlight>,
    #[pin]
    timer: HrTimer<Ring>,
}

impl_has_hr_timer! {
    impl HasHrTimer<Self> for Ring {
        mode: RelativeMode<Monotonic>, field: self.timer
    }
}

impl Ring {
    /// A ring of channel `handle` with [`SYS_SIZE`] bytes of zeroed
    /// coherent memory.
    pub(crate) fn new(
        dev: &device::Device<device::Bound>,
        handle: u32,
    ) -> Result<impl PinInit<Self, Error> + use<>> {
        let mem = Coherent::<u32>::zeroed_slice(dev, SYS_SIZE / 4, GFP_KERNEL)?;
        let dev: ARef<device::Device> = dev.into();
        let mut slots = KVec::with_capacity(MAX_INFLIGHT, GFP_KERNEL)?;
        for _ in 0..MAX_INFLIGHT {
            slots.push(None, GFP_KERNEL)?;
        }
        let state = InFlight {
            slots,
            head: 0,
            len: 0,
            retired_put: 0,
            oldest_since: None,
            dead: None,
            last_done: None,
        };
        Ok(try_pin_init!(Self {
            dev,
            mem,
            engine_type: Atomic::new(0),
            chid: Atomic::new(u32::MAX),
            handle,
            busy_ns: Atomic::new(0),
            state <- kernel::new_spinlock_irq!(state, "nova_ring"),
            timer <- HrTimer::new(),
        }))
    }

    /// The DMA address of the memory (ring at 0).
    pub(crate) fn dma_address(&self) -> DmaAddress {
        self.mem.dma_address()
    }

    /// Records which channel of GSP-RM's this is.
    pub(crate) fn set_channel(&self, engine_type: u32, chid: u32) {
        self.engine_type.store(engine_type, Relaxed);
        self.chid.store(chid, Relaxed);
    }

    /// Whether this is channel `chid` of `engine_type`.
    pub(crate) fn is(&self, engine_type: u32, chid: u32) -> bool {
        self.engine_type.load(Relaxed) == engine_type && self.chid.load(Relaxed) == chid
    }

    /// Nanoseconds the engine spent on the channel's finished jobs.
    pub(crate) fn busy_ns(&self) -> u64 {
        self.busy_ns.load(Relaxed)
    }

    /// The user's handle of the channel.
    pub(crate) fn handle(&self) -> u32 {
        self.handle
    }

    /// Byte offset of the fence push of the `n`th job submitted on the
    /// channel. At most [`MAX_INFLIGHT`] jobs are in flight and they are
    /// the last ones submitted, so their slots differ. (Seqnos would not
    /// do: jobs that fail before they run take seqnos but no slot.)
    pub(crate) fn fence_push_offset(n: u64) -> usize {
        FENCE_PUSH_OFFSET + (n % MAX_INFLIGHT as u64) as usize * FENCE_PUSH_SLOT
    }

    /// Byte offset of the semaphore.
    pub(crate) fn sem_offset() -> usize {
        SEM_OFFSET
    }

    /// Writes `words` at byte offset `at` (4-byte aligned) of the memory.
    ///
    /// Only the submitting side calls this, for entries and push slots the
    /// GPU does not own (see [`Ring::room`]).
    pub(crate) fn write(&self, at: usize, words: &[u32]) -> Result {
        let first = at / 4;
        let end = first.checked_add(words.len()).ok_or(EINVAL)?;
        if at % 4 != 0 || end > SYS_SIZE / 4 {
            return Err(EINVAL);
        }
        let base = self.mem.as_mut_ptr().cast::<u32>();
        for (i, w) in words.iter().enumerate() {
            // SAFETY: `first + i < SYS_SIZE / 4`, the length of the
            // allocation, checked above. The memory is shared with the
            // device, so it is written volatile; the words written are not
            // the device's (the caller's contract).
            unsafe { base.add(first + i).write_volatile(*w) };
        }
        Ok(())
    }

    /// The semaphore's payload: the seqno of the last job the GPU finished.
    fn sem_value(&self) -> u64 {
        let base = self.mem.as_ptr().cast::<u32>();
        // SAFETY: `SEM_OFFSET + 8 <= SYS_SIZE` and the offset is 8-byte
        // aligned (the allocation is page-aligned). The GPU writes the
        // value: it is read volatile.
        unsafe { base.add(SEM_OFFSET / 4).cast::<u64>().read_volatile() }
    }

    /// Free ring entries when the submitter's GP_PUT is `put`, and whether
    /// a job slot is free.
    pub(crate) fn room(&self, put: u32) -> (u32, bool) {
        let s = self.state.lock();
        let used = put.wrapping_sub(s.retired_put) % RING_ENTRIES;
        (RING_ENTRIES - 1 - used, s.len < MAX_INFLIGHT)
    }

    /// Why the channel is dead, if it is.
    pub(crate) fn dead(&self) -> Option<Error> {
        self.state.lock().dead
    }

    /// Adds the job of `fence`, whose entries end at `ring_end`, as the
    /// newest in flight. Fails (handing the fence back) when the channel is
    /// dead or every slot is taken.
    pub(crate) fn push(
        &self,
        fence: DriverFence,
        ring_end: u32,
    ) -> core::result::Result<(), (DriverFence, Error)> {
        let mut s = self.state.lock();
        if let Some(e) = s.dead {
            return Err((fence, e));
        }
        if s.len == MAX_INFLIGHT {
            return Err((fence, EBUSY));
        }
        let at = (s.head + s.len) % MAX_INFLIGHT;
        match s.slots.get_mut(at) {
            Some(slot) => {
                *slot = Some(Pending {
                    fence,
                    ring_end,
                    submitted: Instant::now(),
                })
            }
            None => return Err((fence, EINVAL)),
        }
        s.len += 1;
        if s.len == 1 {
            s.oldest_since = Some(Instant::now());
        }
        Ok(())
    }

    /// Signals the fences of the jobs the GPU has finished. Never allocates
    /// or sleeps.
    pub(crate) fn retire(&self) {
        let done = self.sem_value();
        let mut s = self.state.lock();
        let mut retired = false;
        let now = Instant::now();
        while s.front_seqno().is_some_and(|seq| seq <= done) {
            if let Some(p) = s.pop() {
                s.retired_put = p.ring_end;
                // The engine took the job up when it was submitted or when
                // the one before it finished, whichever came later.
                let start = match s.last_done {
                    Some(d) if (d - p.submitted).as_nanos() > 0 => d,
                    _ => p.submitted,
                };
                let ns = (now - start).as_nanos().max(0).unsigned_abs();
                self.busy_ns.fetch_add(ns, Relaxed);
                s.last_done = Some(now);
                p.fence.signal(Ok(()));
                retired = true;
            }
        }
        if retired {
            s.oldest_since = (s.len > 0).then_some(now);
        }
    }

    /// Marks the channel dead with `err` (unless it already is) and
    /// signals every job in flight with `err`; returns how many. Never
    /// allocates or sleeps.
    pub(crate) fn fail(&self, err: Error) -> usize {
        let mut s = self.state.lock();
        if s.dead.is_none() {
            s.dead = Some(err);
        }
        let mut n = 0;
        while let Some(p) = s.pop() {
            p.fence.signal(Err(err));
            n += 1;
        }
        s.oldest_since = None;
        n
    }

    /// The watchdog: kills the channel when its oldest job has made no
    /// progress for [`JOB_TIMEOUT`].
    fn watch(&self) -> bool {
        self.retire();
        let stuck = {
            let s = self.state.lock();
            if s.dead.is_some() {
                return false;
            }
            s.oldest_since
                .is_some_and(|t| t.elapsed().as_millis() >= JOB_TIMEOUT.as_millis())
        };
        if stuck {
            let n = self.fail(ETIMEDOUT);
            dev_err!(
                self.dev,
                "channel {} (chid {}): job timed out after {} ms; {} job(s) failed, channel dead\n",
                self.handle,
                self.chid.load(Relaxed),
                JOB_TIMEOUT.as_millis(),
                n
            );
            return false;
        }
        true
    }
}

impl HrTimerCallback for Ring {
    type Pointer<'a> = kernel::sync::Arc<Ring>;

    fn run(this: ArcBorrow<'_, Self>, mut ctx: HrTimerCallbackContext<'_, Self>) -> HrTimerRestart {
        if this.watch() {
            ctx.forward_now(WATCH_PERIOD);
            HrTimerRestart::Restart
        } else {
            HrTimerRestart::NoRestart
        }
    }
}

/// How often the watchdog looks, for [`super::channel`] to start it.
pub(crate) const fn watch_period() -> Delta {
    WATCH_PERIOD
}
