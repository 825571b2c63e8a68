// SPDX-License-Identifier: GPL-2.0

//! Asynchronous VM_BIND (`NOVA_VM_BIND_RUN_ASYNC`): a file's queue of
//! bind jobs, applied in order by a worker once their dependencies have
//! signalled, each signalling a fence when its page tables are written
//! and the TLB invalidated.
//!
//! The operations are checked when they are queued (arguments, handles,
//! and the sparse-region rules against the VA space as it is then); an
//! operation that fails when it is applied (out of memory, or a sparse
//! rule broken by a bind queued before it) signals the fence with that
//! error, with the operations before it applied, as a synchronous
//! VM_BIND would leave them.

use core::sync::atomic::{
    AtomicBool,
    Ordering, //
};

use kernel::{
    dma_fence::{
        DriverFence,
        Fence,
        FenceContext,
        FenceNames, //
    },
    drm::device::IoctlRef,
    impl_has_work, new_mutex, new_work,
    prelude::*,
    sync::{
        Arc,
        Mutex, //
    },
    workqueue::{
        self,
        Work,
        WorkItem, //
    },
};

use crate::{
    drm::device::NovaDrmDriver,
    fifo::job::{
        wait_all,
        Wait, //
    },
    mmu::vaspace::{
        BindOp,
        Vm, //
    },
};

static FENCE_NAMES: FenceNames = FenceNames {
    driver: c"nova",
    timeline: c"vm_bind",
};

/// A file's VA space, shared with its bind queue's worker.
pub(crate) type SharedVm = Arc<Mutex<Option<Vm>>>;

/// One asynchronous VM_BIND.
struct BindJob {
    ops: KVec<BindOp>,
    waits: KVec<Wait>,
    fence: DriverFence,
}

/// A file's queue of asynchronous binds.
#[pin_data]
pub(crate) struct BindQueue {
    dev: IoctlRef<NovaDrmDriver>,
    vm: SharedVm,
    fctx: FenceContext,
    closed: AtomicBool,
    #[pin]
    jobs: Mutex<KVec<BindJob>>,
    #[pin]
    work: Work<BindQueue>,
}

impl_has_work! {
    impl HasWork<Self> for BindQueue { self.work }
}

impl WorkItem for BindQueue {
    type Pointer = Arc<BindQueue>;

    fn run(this: Arc<BindQueue>) {
        this.pump();
    }
}

impl BindQueue {
    /// An empty queue for the VA space `vm` of a file of `dev`.
    pub(crate) fn new(dev: IoctlRef<NovaDrmDriver>, vm: SharedVm) -> Result<Arc<Self>> {
        Arc::pin_init(
            try_pin_init!(Self {
                dev,
                vm,
                fctx: FenceContext::new(&FENCE_NAMES),
                closed: AtomicBool::new(false),
                jobs <- new_mutex!(KVec::new()),
                work <- new_work!("nova_bind_queue"),
            }),
            GFP_KERNEL,
        )
    }

    /// Queues `ops` to run after `waits`; returns the fence that signals
    /// when they are applied.
    pub(crate) fn queue(self: &Arc<Self>, ops: KVec<BindOp>, waits: KVec<Wait>) -> Result<Fence> {
        let fence = {
            let mut q = self.jobs.lock();
            if self.closed.load(Ordering::Acquire) {
                return Err(ENOENT);
            }
            q.reserve(1, GFP_KERNEL)?;
            let job = BindJob {
                ops,
                waits,
                fence: self.fctx.new_fence()?,
            };
            let fence = job.fence.fence();
            q.push_within_capacity(job).map_err(|_| ENOMEM)?;
            fence
        };
        let _ = workqueue::system_unbound().enqueue(self.clone());
        Ok(fence)
    }

    /// Cancels what is queued (the fences signal `-ECANCELED`); later
    /// binds are refused.
    pub(crate) fn close(&self) {
        self.closed.store(true, Ordering::Release);
        let jobs = core::mem::take(&mut *self.jobs.lock());
        drop(jobs);
    }

    fn pump(&self) {
        loop {
            let job = {
                let mut q = self.jobs.lock();
                if q.is_empty() {
                    return;
                }
                match q.remove(0) {
                    Ok(j) => j,
                    Err(_) => return,
                }
            };
            let stop = || self.closed.load(Ordering::Acquire);
            if let Err(e) = wait_all(&job.waits, stop) {
                job.fence.signal(Err(e));
                continue;
            }
            let res = match self.dev.registration_guard() {
                None => Err(ECANCELED),
                Some(guard) => guard.registration_data_with(|reg| {
                    let mut vm = self.vm.lock();
                    match &mut *vm {
                        Some(vm) => vm.bind(reg, &job.ops).1,
                        None => Err(ECANCELED),
                    }
                }),
            };
            job.fence.signal(res);
        }
    }
}
