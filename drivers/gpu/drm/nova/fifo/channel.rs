// SPDX-License-Identifier: GPL-2.0

//! A channel as a file sees it: the GPFIFO channel and its copy-engine
//! object in GSP-RM, its memory, and the queue of jobs waiting to run.
//!
//! Memory: the instance block (RAMFC first), USERD and the fault method
//! buffer in one VRAM block, which GSP-RM fills in; the ring, nova's fence
//! pushes and the semaphore in system memory ([`Ring`]), mapped at a slot
//! of the file's kernel-managed VA range.
//!
//! Submission: EXEC pushes the job's push buffers to the channel's
//! [`JobQueue`] and returns; the queue's worker waits for the job's
//! dependencies and hands it to the channel's [`Submitter`], which waits
//! for room in the ring, writes the GPFIFO entries of the job's push
//! buffers and of a fence push (semaphore release of the job's seqno with
//! WFI, then a nonstall interrupt), moves USERD `GP_PUT` and rings the
//! doorbell, inside the device's enter/exit guard. The interrupt handler
//! signals the fence ([`Ring::retire`]).
//!
//! Destruction ([`Channel::destroy`]): the queue is cancelled, the
//! submitter lock taken (so no submission is half done), the channel taken
//! off its runlist and freed in GSP-RM, the jobs in flight failed with
//! `-ECANCELED`, the watchdog stopped and the VA slot unmapped.

use core::sync::atomic::{
    AtomicBool,
    Ordering, //
};

use kernel::{
    dma_fence::{
        DriverFence,
        Fence,
        FenceNames, //
    },
    drm::{
        device::IoctlRef,
        job_queue::{
            Dependency,
            JobQueue,
            JobRunner, //
        },
    },
    io::Io,
    new_mutex,
    prelude::*,
    ptr::Alignment,
    sizes::SZ_4K,
    sync::{
        Arc,
        Mutex, //
    },
    time::{
        delay::fsleep,
        hrtimer::{
            ArcHrTimerHandle,
            HrTimerPointer, //
        },
        Delta,
    },
};

use super::{
    job::PushBuf,
    push,
    regs::NV_USERMODE_NOTIFY_CHANNEL_PENDING,
    ring::{
        self,
        Ring,
        RING_ENTRIES,
        SYS_SIZE, //
    },
};
use crate::{
    drm::device::{
        NovaDrmDriver,
        NovaRegistrationData, //
    },
    gsp::rm::channel::{
        ChannelMem,
        ChannelObj, //
    },
    mm::vram::{
        Vram,
        VramAlloc, //
    },
    mmu::{format::Aperture, pt::Chunk, vaspace::Vm},
};

/// USERD `GP_PUT` (`NVC56F` `Nvc56fControl.GPPut`, open-gpu-kernel-modules
/// `class/clc56f.h`).
const USERD_GP_PUT: u64 = 0x8c;
/// Offset of USERD in the channel's VRAM block (the instance block is at
/// 0, 4 KiB).
const USERD_OFFSET: u64 = 0x1000;
/// Offset of the fault method buffer in it.
const MTHDBUF_OFFSET: u64 = 0x2000;

static FENCE_NAMES: FenceNames = FenceNames {
    driver: c"nova",
    timeline: c"copy",
};

/// The submitter's state, under its lock.
struct Submit {
    /// The ring position after the last entry written.
    put: u32,
    /// Jobs submitted so far.
    submitted: u64,
    /// The channel in GSP-RM, until it is freed.
    rm: Option<ChannelObj>,
}

/// What writes a channel's jobs to the GPU: the queue's [`JobRunner`].
#[pin_data]
pub(crate) struct Submitter {
    handle: u32,
    dev: IoctlRef<NovaDrmDriver>,
    ring: Arc<Ring>,
    /// The slot of the file's kernel-managed range the ring is mapped at.
    kva: u64,
    vram: VramAlloc,
    token: u32,
    closed: AtomicBool,
    #[pin]
    submit: Mutex<Submit>,
}

/// A channel of a file.
#[pin_data]
pub(crate) struct Channel {
    handle: u32,
    /// The class userspace binds to a subchannel.
    class: u32,
    ring: Arc<Ring>,
    queue: Arc<JobQueue<Submitter>>,
    #[pin]
    watchdog: Mutex<Option<ArcHrTimerHandle<Ring>>>,
}

/// What creating a channel needs of its file: the VA space and the
/// channel number.
pub(crate) struct NewChannel<'a> {
    /// The file's VA space.
    pub(crate) vm: &'a mut Vm,
    /// The user handle of the channel.
    pub(crate) handle: u32,
    /// A number for its RM handle, unique on the GPU among live channels.
    pub(crate) number: u16,
}

impl Channel {
    /// Creates a copy-engine channel in the file's VA space.
    pub(crate) fn create(
        dev: IoctlRef<NovaDrmDriver>,
        reg: &NovaRegistrationData<'_>,
        new: NewChannel<'_>,
    ) -> Result<Arc<Self>> {
        let gpu = reg.gpu.as_ref().ok_or(ENODEV)?;
        let fifo = &gpu.fifo;
        let NewChannel { vm, handle, number } = new;
        if vm.rm_object().is_none() {
            return Err(ENODEV);
        }

        // One VRAM block for the instance block, USERD and method buffer.
        let vram_size = (MTHDBUF_OFFSET + u64::from(fifo.mthdbuf_size()))
            .next_multiple_of(SZ_4K as u64)
            .next_power_of_two();
        let align = Alignment::new_checked(usize::try_from(vram_size)?).ok_or(EINVAL)?;
        let vram = Vram::alloc(&gpu.vram, vram_size, align)
            .inspect_err(|e| dev_err!(gpu.dev, "channel {}: allocate VRAM: {:?}\n", handle, e))?;
        let base = vram.addr();
        // GSP-RM writes RAMFC and the instance block; USERD starts at GP_PUT
        // = GP_GET = 0.
        reg.pramin
            .zero(&gpu.bar, base, (MTHDBUF_OFFSET / 8) as usize)?;

        let ring = Arc::pin_init(Ring::new(gpu.dev, handle)?, GFP_KERNEL)?;
        let kva = vm.kslot_alloc()?;
        let chunk = Chunk {
            addr: ring.dma_address(),
            size: SYS_SIZE as u64,
            ap: Aperture::SysCoherent,
        };
        if let Err(e) = vm.map_kernel(reg, kva, &[chunk]) {
            vm.kslot_free(kva);
            return Err(e);
        }
        let unmap = |vm: &mut Vm| {
            let _ = vm.unmap_kernel(reg, kva..kva + SYS_SIZE as u64);
            vm.kslot_free(kva);
        };
        let classes = gpu.chip.classes();
        let mem = ChannelMem {
            inst: base,
            userd: base + USERD_OFFSET,
            mthdbuf: base + MTHDBUF_OFFSET,
            mthdbuf_size: u64::from(fifo.mthdbuf_size()),
            ring_va: kva,
            ring_entries: RING_ENTRIES,
        };
        let Some(vas) = vm.rm_object() else {
            unmap(vm);
            return Err(ENODEV);
        };
        let obj = match gpu
            .rm
            .channel(number, classes.gpfifo, classes.copy, vas, &mem)
        {
            Ok(o) => o,
            Err(e) => {
                unmap(vm);
                return Err(e);
            }
        };
        ring.set_channel(obj.engine_type, obj.token & 0xffff);
        if let Err(e) = fifo.engines.add(ring.clone()) {
            let _ = gpu.rm.free_channel(obj);
            unmap(vm);
            return Err(e);
        }
        let (ring_sub, ring_ch) = (ring.clone(), ring.clone());
        let submitter = try_pin_init!(Submitter {
            handle,
            dev,
            ring: ring_sub,
            kva,
            vram,
            token: obj.token,
            closed: AtomicBool::new(false),
            submit <- new_mutex!(Submit {
                put: 0,
                submitted: 0,
                rm: Some(obj),
            }),
        });
        let ch = JobQueue::new(submitter, &FENCE_NAMES).and_then(|queue| {
            Arc::pin_init(
                try_pin_init!(Self {
                    handle,
                    class: classes.copy,
                    ring: ring_ch,
                    queue,
                    watchdog <- new_mutex!(None),
                }),
                GFP_KERNEL,
            )
        });
        let ch = match ch {
            Ok(ch) => ch,
            Err(e) => {
                // The RM object went with the failed initialiser: GSP-RM
                // frees it with nova's client.
                fifo.engines.remove(&ring);
                unmap(vm);
                return Err(e);
            }
        };
        *ch.watchdog.lock() = Some(ring.start(ring::watch_period()));
        Ok(ch)
    }

    /// The user handle.
    pub(crate) fn handle(&self) -> u32 {
        self.handle
    }

    /// Nanoseconds the copy engine spent on the channel's jobs.
    pub(crate) fn busy_ns(&self) -> u64 {
        self.ring.busy_ns()
    }

    /// The class of the engine object.
    pub(crate) fn class(&self) -> u32 {
        self.class
    }

    /// Why the channel cannot take jobs, if it cannot.
    pub(crate) fn unusable(&self) -> Option<Error> {
        if self.queue.is_closed() {
            return Some(ENOENT);
        }
        self.ring.dead().map(|_| ENODEV)
    }

    /// Queues a job of `pushes` waiting for `deps` and returns its fence.
    /// The worker runs it later; this never waits for the GPU.
    pub(crate) fn queue_job(&self, pushes: KVec<PushBuf>, deps: KVec<Dependency>) -> Result<Fence> {
        self.queue
            .push(pushes, deps)
            .map_err(|e| if e == ESHUTDOWN { ENOENT } else { e })
    }

    /// Destroys the channel: cancels its queue, frees it in GSP-RM (when
    /// the device is still there, `reg`), fails its jobs in flight and
    /// unmaps its ring from `vm` (when the file's VA space still exists).
    pub(crate) fn destroy(&self, reg: Option<&NovaRegistrationData<'_>>, vm: Option<&mut Vm>) {
        self.queue.close();
        let sub = self.queue.runner();
        sub.closed.store(true, Ordering::Release);
        {
            let mut s = sub.submit.lock();
            if let Some(obj) = s.rm.take() {
                if let Some(gpu) = reg.and_then(|r| r.gpu.as_ref()) {
                    let _ = gpu.rm.schedule(&obj, false);
                    let _ = gpu.rm.free_channel(obj);
                    gpu.fifo.engines.remove(&self.ring);
                }
            }
        }
        self.ring.fail(ECANCELED);
        // Stops the watchdog, waiting for a running one.
        drop(self.watchdog.lock().take());
        if let (Some(reg), Some(vm)) = (reg, vm) {
            let _ = vm.unmap_kernel(reg, sub.kva..sub.kva + SYS_SIZE as u64);
            vm.kslot_free(sub.kva);
        }
    }
}

impl JobRunner for Submitter {
    type Job = KVec<PushBuf>;

    /// `ECANCELED` when the channel is destroyed or the device removed,
    /// `ENODEV` when the channel died of an error.
    fn stopped(&self) -> Option<Error> {
        if self.closed.load(Ordering::Acquire) {
            return Some(ECANCELED);
        }
        self.ring
            .dead()
            .map(|e| if e == ECANCELED { ECANCELED } else { ENODEV })
    }

    /// Writes the job to the ring and rings the doorbell, once there is
    /// room.
    fn run(
        &self,
        pushes: KVec<PushBuf>,
        fence: DriverFence,
    ) -> core::result::Result<(), (DriverFence, Error)> {
        let need = pushes.len() as u32 + 1;
        loop {
            if let Some(e) = self.stopped() {
                return Err((fence, e));
            }
            let put = self.submit.lock().put;
            self.ring.retire();
            let (free, slot) = self.ring.room(put);
            if free >= need && slot {
                break;
            }
            fsleep(Delta::from_micros(200));
        }
        let Some(guard) = self.dev.registration_guard() else {
            return Err((fence, ECANCELED));
        };
        guard.registration_data_with(|reg| self.submit(reg, &pushes, fence))
    }
}

impl Submitter {
    fn submit(
        &self,
        reg: &NovaRegistrationData<'_>,
        pushes: &[PushBuf],
        fence: DriverFence,
    ) -> core::result::Result<(), (DriverFence, Error)> {
        let Some(gpu) = reg.gpu.as_ref() else {
            return Err((fence, ENODEV));
        };
        let mut s = self.submit.lock();
        if s.rm.is_none() {
            return Err((fence, ECANCELED));
        }
        let seq = fence.seqno();
        let sem_va = self.kva + Ring::sem_offset() as u64;
        let push_off = Ring::fence_push_offset(s.submitted);
        let mut put = s.put;
        let mut write = || -> Result {
            self.ring.write(push_off, &push::fence_push(sem_va, seq))?;
            for p in pushes.iter() {
                self.ring
                    .write(put as usize * 8, &push::gp_entry(p.va, p.dwords))?;
                put = (put + 1) % RING_ENTRIES;
            }
            let entry = push::gp_entry(self.kva + push_off as u64, push::FENCE_DWORDS as u32);
            self.ring.write(put as usize * 8, &entry)?;
            put = (put + 1) % RING_ENTRIES;
            Ok(())
        };
        if let Err(e) = write() {
            return Err((fence, e));
        }
        self.ring.push(fence, put)?;
        let userd = self.vram.addr() + USERD_OFFSET;
        if let Err(e) = reg.pramin.write_u32(&gpu.bar, userd + USERD_GP_PUT, put) {
            dev_err!(
                gpu.dev,
                "channel {}: write GP_PUT: {:?}; channel dead\n",
                self.handle,
                e
            );
            self.ring.fail(EIO);
            return Ok(());
        }
        s.put = put;
        s.submitted += 1;
        gpu.bar
            .write_reg(NV_USERMODE_NOTIFY_CHANNEL_PENDING::zeroed().with_token(self.token));
        Ok(())
    }
}
