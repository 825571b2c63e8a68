// SPDX-License-Identifier: GPL-2.0

//! Asynchronous VM_BIND (`NOVA_VM_BIND_RUN_ASYNC`): a file's queue of
//! bind jobs ([`kernel::drm::job_queue`]), applied in order once their
//! dependencies have signalled, each signalling its fence when its page
//! tables are written and the TLB invalidated.
//!
//! The operations are checked when they are queued (arguments, handles,
//! and the sparse-region rules against the VA space as it is then); an
//! operation that fails when it is applied (out of memory, or a sparse
//! rule broken by a bind queued before it) signals the fence with that
//! error, with the operations before it applied, as a synchronous
//! VM_BIND would leave them.

use kernel::{
    dma_fence::{
        DriverFence,
        FenceNames, //
    },
    drm::{
        device::IoctlRef,
        job_queue::{
            JobQueue,
            JobRunner, //
        },
    },
    prelude::*,
    sync::{
        Arc,
        Mutex, //
    },
};

use crate::{
    drm::device::NovaDrmDriver,
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

/// A file's queue of asynchronous binds.
pub(crate) type BindQueue = JobQueue<Binder>;

/// Applies the binds of a [`BindQueue`] to the file's VA space.
pub(crate) struct Binder {
    dev: IoctlRef<NovaDrmDriver>,
    vm: SharedVm,
}

impl JobRunner for Binder {
    type Job = KVec<BindOp>;

    fn run(
        &self,
        ops: KVec<BindOp>,
        fence: DriverFence,
    ) -> core::result::Result<(), (DriverFence, Error)> {
        let res = match self.dev.registration_guard() {
            None => Err(ECANCELED),
            Some(guard) => guard.registration_data_with(|reg| {
                let mut vm = self.vm.lock();
                match &mut *vm {
                    Some(vm) => vm.bind(reg, &ops).1,
                    // The file was closed.
                    None => Err(ECANCELED),
                }
            }),
        };
        fence.signal(res);
        Ok(())
    }
}

/// A new bind queue for the VA space `vm` of a file of `dev`.
pub(crate) fn new_queue(dev: IoctlRef<NovaDrmDriver>, vm: SharedVm) -> Result<Arc<BindQueue>> {
    JobQueue::new(Ok::<_, Error>(Binder { dev, vm }), &FENCE_NAMES)
}
