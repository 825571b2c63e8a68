// SPDX-License-Identifier: GPL-2.0

//! A job queue for GPUs whose firmware schedules the hardware.
//!
//! A [`JobQueue`] takes jobs in order, each with the fences and timeline
//! points it depends on ([`Dependency`]), and gives back at once the
//! fence that signals when the job is done. A worker runs the jobs in
//! order: it waits until a job's dependencies have signalled, then hands
//! the job and its [`DriverFence`] to the driver's [`JobRunner`], which
//! writes it to the hardware and signals the fence when the hardware is
//! done (typically from its interrupt handler). A dependency that
//! signalled with an error fails the job with that error without running
//! it. [`JobQueue::close`] cancels what is queued (`-ECANCELED`).
//!
//! # Why not a wrapper of `drm_sched`
//!
//! On GPUs whose firmware owns the run lists (NVIDIA's GSP-RM, Arm's CSF,
//! Apple's), every queue of a client is a hardware context of its own:
//! the kernel has nothing to schedule, only dependencies to resolve, which
//! is `drm_sched` with one entity per scheduler and most of it unused. Its
//! lifetime rules (a scheduler that must outlive its jobs and their
//! fences, `free_job` callbacks, teardown with jobs in flight) are also the
//! hardest part to express safely in Rust. Upstream's direction for Rust
//! drivers is a small job queue of this shape (the posted "drm/jobqueue"
//! proposals and the discussions around Tyr and Nova); this one is the
//! subset a firmware-scheduled driver needs: ordered, dependency-waiting,
//! cancellable. Timeouts stay with the driver, which alone can tell
//! progress on its hardware (a ring's semaphore) from a hang.
//!
//! # Execution context
//!
//! The worker is a work item on `system_dfl_long_wq` (unbound, for work
//! that may run long: it sleeps while dependencies are pending). Waiting for
//! a dependency sleeps in slices of at most 10 ms, checking the queue's
//! closed flag and [`JobRunner::stopped`] between slices, so that a closed
//! queue or a removed device is noticed promptly; a timeline point nobody
//! has submitted yet is polled every millisecond (Vulkan's
//! wait-before-signal).

use crate::{
    dma_fence::{
        DriverFence,
        Fence,
        FenceContext,
        FenceNames, //
    },
    drm::syncobj::{
        Point,
        SyncObj, //
    },
    impl_has_work,
    prelude::*,
    sync::{
        Arc,
        Mutex, //
    },
    time::{
        delay::fsleep,
        msecs_to_jiffies,
        Delta, //
    },
    workqueue::{
        self,
        Work,
        WorkItem, //
    },
};
use core::sync::atomic::{
    AtomicBool,
    Ordering, //
};

/// What a job waits for.
pub enum Dependency {
    /// A fence, e.g. the one a binary syncobj held when the job was
    /// submitted (later submissions replace a binary syncobj's fence, so it
    /// must be taken at once).
    Fence(Fence),
    /// A point of a timeline syncobj, which may not have been submitted
    /// yet; a point never changes once added.
    Point {
        /// The syncobj.
        obj: SyncObj,
        /// The point.
        point: u64,
    },
}

/// How long one slice of waiting for a fence lasts.
const SLICE_MS: u32 = 10;

/// Waits for every dependency of `deps`, checking `stop` between slices.
///
/// `Ok(())` when all signalled without error; the error of a dependency
/// that signalled with one; `ECANCELED` when `stop` said so. May sleep.
pub fn wait_all(deps: &[Dependency], stop: impl Fn() -> bool) -> Result {
    for d in deps.iter() {
        loop {
            if stop() {
                return Err(ECANCELED);
            }
            let now = match d {
                Dependency::Fence(f) => Point::Fence(f.clone()),
                Dependency::Point { obj, point } => obj.point_fence(*point)?,
            };
            match now {
                Point::NotSubmitted => fsleep(Delta::from_millis(1)),
                Point::Signaled => break,
                Point::Fence(f) => {
                    if f.wait_timeout(false, msecs_to_jiffies(SLICE_MS))? {
                        f.status()?;
                        break;
                    }
                }
            }
        }
    }
    Ok(())
}

/// The name and lock class of every queue's job list.
///
/// Both come from non-generic functions of this crate: a static in
/// generic code is the kernel crate's, but a string literal there is
/// copied into each module that instantiates the queue, and lockdep
/// refuses one key with two name pointers.
#[inline(never)]
fn jobs_class() -> (&'static CStr, Pin<&'static crate::sync::LockClassKey>) {
    (c"drm_job_queue_jobs", crate::static_lock_class!())
}

/// The name and lockdep class of every queue's work item (see
/// [`jobs_class`]).
#[inline(never)]
fn work_class() -> (&'static CStr, Pin<&'static crate::sync::LockClassKey>) {
    (c"drm_job_queue", crate::static_lock_class!())
}

/// What a driver does with the jobs of a [`JobQueue`].
pub trait JobRunner: Send + Sync + 'static {
    /// A job.
    type Job: Send;

    /// Why no job can run any more, if so (the context died, the device
    /// went away); queued jobs then fail with this error.
    fn stopped(&self) -> Option<Error> {
        None
    }

    /// Runs `job`, whose dependencies have signalled. `fence` must signal
    /// when the job is done: the runner keeps it (for its completion path)
    /// or hands it back with an error, which the queue signals.
    fn run(
        &self,
        job: Self::Job,
        fence: DriverFence,
    ) -> core::result::Result<(), (DriverFence, Error)>;
}

/// A queued job.
struct Queued<J> {
    job: J,
    deps: KVec<Dependency>,
    fence: DriverFence,
}

/// An ordered queue of jobs with dependencies; see the module docs.
///
/// # Examples
///
/// ```
/// use kernel::dma_fence::{DriverFence, FenceNames};
/// use kernel::drm::job_queue::{JobQueue, JobRunner};
///
/// /// A "hardware" that completes every job at once.
/// struct Instant;
///
/// impl JobRunner for Instant {
///     type Job = u32;
///     fn run(&self, _job: u32, fence: DriverFence) -> Result<(), (DriverFence, Error)> {
///         fence.signal(Ok(()));
///         Ok(())
///     }
/// }
///
/// static NAMES: FenceNames = FenceNames { driver: c"doctest", timeline: c"instant" };
/// let q = JobQueue::new(Ok::<_, Error>(Instant), &NAMES)?;
/// let f = q.push(7, KVec::new())?;
/// assert_eq!(f.wait_timeout(false, 1000), Ok(true));
/// assert_eq!(f.status(), Ok(true));
/// # Ok::<(), Error>(())
/// ```
#[pin_data]
pub struct JobQueue<R: JobRunner> {
    #[pin]
    runner: R,
    fctx: FenceContext,
    closed: AtomicBool,
    #[pin]
    jobs: Mutex<KVec<Queued<R::Job>>>,
    #[pin]
    work: Work<JobQueue<R>>,
}

impl_has_work! {
    impl{R: JobRunner} HasWork<Self> for JobQueue<R> { self.work }
}

impl<R: JobRunner> WorkItem for JobQueue<R> {
    type Pointer = Arc<JobQueue<R>>;

    fn run(this: Arc<JobQueue<R>>) {
        this.pump();
    }
}

impl<R: JobRunner> JobQueue<R> {
    /// An empty queue whose jobs `runner` runs and whose fences report
    /// `names`.
    pub fn new(runner: impl PinInit<R, Error>, names: &'static FenceNames) -> Result<Arc<Self>> {
        Arc::pin_init(
            try_pin_init!(Self {
                runner <- runner,
                fctx: FenceContext::new(names),
                closed: AtomicBool::new(false),
                jobs <- Mutex::new(KVec::new(), jobs_class().0, jobs_class().1),
                work <- Work::new(work_class().0, work_class().1),
            }),
            GFP_KERNEL,
        )
    }

    /// The runner.
    pub fn runner(&self) -> &R {
        &self.runner
    }

    /// Whether [`JobQueue::close`] ran.
    pub fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    /// Queues `job` to run after `deps`, and returns its fence. Never waits
    /// for the job; `ESHUTDOWN` once the queue is closed.
    pub fn push(self: &Arc<Self>, job: R::Job, deps: KVec<Dependency>) -> Result<Fence> {
        let fence = {
            let mut q = self.jobs.lock();
            if self.is_closed() {
                return Err(ESHUTDOWN);
            }
            q.reserve(1, GFP_KERNEL)?;
            // Sequence numbers in queue order: taken under the lock.
            let fence = self.fctx.new_fence()?;
            let out = fence.fence();
            q.push_within_capacity(Queued { job, deps, fence })
                .map_err(|_| ENOMEM)?;
            out
        };
        // SAFETY: `system_dfl_long_wq` is a C global workqueue that always
        // exists.
        let wq = unsafe { workqueue::Queue::from_raw(crate::bindings::system_dfl_long_wq) };
        // Already queued is fine: the worker will find the job.
        let _ = wq.enqueue(self.clone());
        Ok(fence)
    }

    /// Closes the queue: jobs not yet run signal `-ECANCELED` (a job that
    /// is waiting for its dependencies notices within a slice), later
    /// pushes fail.
    pub fn close(&self) {
        self.closed.store(true, Ordering::Release);
        let queued = core::mem::take(&mut *self.jobs.lock());
        // Their fences are dropped unsignalled: -ECANCELED.
        drop(queued);
    }

    /// Why queued jobs cannot run.
    fn stop_reason(&self) -> Option<Error> {
        if self.is_closed() {
            return Some(ECANCELED);
        }
        self.runner.stopped()
    }

    fn pump(&self) {
        loop {
            let next = {
                let mut q = self.jobs.lock();
                if q.is_empty() {
                    return;
                }
                match q.remove(0) {
                    Ok(j) => j,
                    Err(_) => return,
                }
            };
            let Queued { job, deps, fence } = next;
            if let Err(e) = wait_all(&deps, || self.stop_reason().is_some()) {
                fence.signal(Err(self.stop_reason().unwrap_or(e)));
                continue;
            }
            drop(deps);
            if let Some(e) = self.stop_reason() {
                fence.signal(Err(e));
                continue;
            }
            if let Err((fence, e)) = self.runner.run(job, fence) {
                fence.signal(Err(e));
            }
        }
    }
}

#[cfg(CONFIG_KUNIT)]
#[macros::kunit_tests(rust_kernel_drm_job_queue)]
mod tests {
    use super::*;
    use crate::dma_fence::FenceContext;

    static NAMES: FenceNames = FenceNames {
        driver: c"kunit",
        timeline: c"job_queue",
    };

    /// Completes jobs at once, recording their order.
    struct Recorder {
        order: Arc<Mutex<KVec<u32>>>,
    }

    impl JobRunner for Recorder {
        type Job = u32;

        fn run(
            &self,
            job: u32,
            fence: DriverFence,
        ) -> core::result::Result<(), (DriverFence, Error)> {
            if job == 99 {
                return Err((fence, EIO));
            }
            let pushed = self.order.lock().push(job, GFP_KERNEL);
            fence.signal(pushed.map_err(|_| ENOMEM));
            Ok(())
        }
    }

    fn recorder() -> Result<Arc<JobQueue<Recorder>>> {
        let order = Arc::pin_init(crate::new_mutex!(KVec::new()), GFP_KERNEL)?;
        JobQueue::new(Ok::<_, Error>(Recorder { order }), &NAMES)
    }

    #[test]
    fn runs_in_order_after_dependencies() -> Result {
        let q = recorder()?;
        let gate = FenceContext::new(&NAMES).new_fence()?;
        let mut deps = KVec::new();
        deps.push(Dependency::Fence(gate.fence()), GFP_KERNEL)?;
        let a = q.push(1, deps)?;
        let b = q.push(2, KVec::new())?;
        assert_eq!(b.wait_timeout(false, 5), Ok(false));
        gate.signal(Ok(()));
        assert_eq!(b.wait_timeout(false, 1000), Ok(true));
        assert_eq!(a.status(), Ok(true));
        assert_eq!(&q.runner().order.lock()[..], &[1, 2]);
        Ok(())
    }

    #[test]
    fn errors_and_cancellation() -> Result {
        let q = recorder()?;
        // The runner refuses: the fence carries its error.
        let refused = q.push(99, KVec::new())?;
        assert_eq!(refused.wait_timeout(false, 1000), Ok(true));
        assert_eq!(refused.status(), Err(EIO));
        // A failed dependency fails the job without running it.
        let bad = FenceContext::new(&NAMES).new_fence()?;
        let mut deps = KVec::new();
        deps.push(Dependency::Fence(bad.fence()), GFP_KERNEL)?;
        let dep_failed = q.push(3, deps)?;
        bad.signal(Err(EIO));
        assert_eq!(dep_failed.wait_timeout(false, 1000), Ok(true));
        assert_eq!(dep_failed.status(), Err(EIO));
        // Close with a job waiting on a fence that never signals.
        let never = FenceContext::new(&NAMES).new_fence()?;
        let mut deps = KVec::new();
        deps.push(Dependency::Fence(never.fence()), GFP_KERNEL)?;
        let waiting = q.push(4, deps)?;
        let behind = q.push(5, KVec::new())?;
        q.close();
        assert_eq!(waiting.wait_timeout(false, 1000), Ok(true));
        assert_eq!(waiting.status(), Err(ECANCELED));
        assert_eq!(behind.status(), Err(ECANCELED));
        assert!(matches!(q.push(6, KVec::new()), Err(e) if e == ESHUTDOWN));
        assert!(!q.runner().order.lock().iter().any(|j| *j >= 3));
        drop(never);
        Ok(())
    }
}
