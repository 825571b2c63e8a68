// SPDX-License-Identifier: GPL-2.0

//! Channels, the interrupt tree, job submission and fences.
//!
//! * [`regs`]: the VFN CPU interrupt tree and the usermode doorbell;
//! * [`intr`]: the tree as the interrupt handler drives it, and the
//!   [`intr::Engines`] whose fences the nonstall vectors signal;
//! * [`ring`]: a channel's ring, semaphore, fences in flight and watchdog,
//!   everything the interrupt path reaches;
//! * [`channel`]: a channel of a file, its RM objects, memory and worker;
//! * [`job`]: a job and its dependencies;
//! * [`push`]: the GPFIFO entries and methods nova writes itself.
//!
//! [`Fifo`] is the device's part: the engines, what GSP-RM said about
//! method buffers and vectors, and the handler of channel-error events.

pub(crate) mod channel;
pub(crate) mod intr;
pub(crate) mod job;
pub(crate) mod push;
pub(crate) mod regs;
pub(crate) mod ring;

use core::sync::atomic::{
    AtomicU32,
    Ordering, //
};

use kernel::{
    device,
    prelude::*,
    sync::Arc,
    transmute::AsBytes, //
};

use crate::{
    gpu::Bar0,
    gsp::{
        events::EventHandler,
        fw::{
            function as event,
            RpcRcTriggered,
            MC_ENGINE_IDX_CE0,
            MC_ENGINE_IDX_GSP,
            ROBUST_CHANNEL_FIFO_ERROR_MMU_ERR_FLT, //
        },
        rm::{
            channel::vectors,
            RmRoot, //
        },
        GspQueues,
    },
};

use intr::{
    Engines,
    Tree,
    Vectors, //
};

/// Copy engines whose nonstall vectors nova allows (COPY0 is the one it
/// submits to; the rest cost nothing).
const COPY_ENGINES: u16 = 10;

/// The device's channel machinery.
pub(crate) struct Fifo {
    /// The rings the interrupt handler serves.
    pub(crate) engines: Arc<Engines>,
    mthdbuf_size: u32,
    numbers: AtomicU32,
}

impl Fifo {
    /// Asks GSP-RM for the method buffer size and the interrupt vectors,
    /// narrows the interrupt tree to the vectors nova serves, and takes
    /// the channel-error events.
    pub(crate) fn new(
        dev: &device::Device,
        bar: &Bar0<'_>,
        rm: &RmRoot<'_>,
        internal: (u32, u32),
        queues: &GspQueues,
        engines: Arc<Engines>,
    ) -> Result<Self> {
        let mthdbuf_size = rm
            .fault_method_buffer_size()
            .inspect_err(|e| dev_err!(dev, "FIFO: fault method buffer size: {:?}\n", e))?;
        match rm.intr_table(internal) {
            Ok(table) => {
                let mut allowed = Vectors::default();
                if let Some((Some(v), _)) = vectors(&table, MC_ENGINE_IDX_GSP) {
                    allowed.add(v);
                }
                for ce in 0..COPY_ENGINES {
                    if let Some((_, Some(v))) = vectors(&table, MC_ENGINE_IDX_CE0 + ce) {
                        allowed.add(v);
                    }
                }
                if vectors(&table, MC_ENGINE_IDX_GSP).is_some() {
                    Tree(bar).allow_only(&allowed);
                } else {
                    dev_warn!(
                        dev,
                        "FIFO: GSP-RM's interrupt table has no GSP vector; every vector stays allowed\n"
                    );
                }
            }
            Err(e) => dev_warn!(
                dev,
                "FIFO: no interrupt table ({:?}); every vector stays allowed\n",
                e
            ),
        }
        let handler: Arc<dyn EventHandler> = Arc::new(
            ChannelEvents {
                engines: engines.clone(),
            },
            GFP_KERNEL,
        )?;
        for f in [event::RC_TRIGGERED, event::MMU_FAULT_QUEUED] {
            queues.on_event(f, handler.clone())?;
        }
        Ok(Self {
            engines,
            mthdbuf_size,
            numbers: AtomicU32::new(0),
        })
    }

    /// Bytes of a channel's fault method buffer.
    pub(crate) fn mthdbuf_size(&self) -> u32 {
        self.mthdbuf_size
    }

    /// A number for a new channel's RM handle.
    pub(crate) fn next_number(&self) -> u16 {
        self.numbers.fetch_add(1, Ordering::Relaxed) as u16
    }
}

/// Fails the channels GSP-RM reports errors on.
struct ChannelEvents {
    engines: Arc<Engines>,
}

impl EventHandler for ChannelEvents {
    fn handle(&self, dev: &device::Device, function: u32, payload: &[u8]) {
        if function == event::MMU_FAULT_QUEUED {
            // GSP-RM follows it with RC_TRIGGERED naming the channel.
            dev_dbg!(dev, "GSP-RM: MMU fault queued\n");
            return;
        }
        let mut rc = RpcRcTriggered::zeroed();
        let n = core::mem::size_of::<RpcRcTriggered>();
        let Some(src) = payload.get(..n) else {
            dev_err!(
                dev,
                "GSP-RM: RC_TRIGGERED event of {} bytes, below {}\n",
                payload.len(),
                n
            );
            return;
        };
        rc.as_bytes_mut().copy_from_slice(src);
        let addr = (u64::from(rc.mmu_fault_addr_hi) << 32) | u64::from(rc.mmu_fault_addr_lo);
        let found = self.engines.with_ring(rc.engine_type, rc.chid, |ring| {
            let n = ring.fail(EIO);
            if rc.except_type == ROBUST_CHANNEL_FIFO_ERROR_MMU_ERR_FLT {
                dev_err!(
                    dev,
                    "channel {} (chid {}): MMU fault at {:#x} (fault type {}); {} job(s) failed, channel dead\n",
                    ring.handle(),
                    rc.chid,
                    addr,
                    rc.mmu_fault_type,
                    n
                );
            } else {
                dev_err!(
                    dev,
                    "channel {} (chid {}): channel error {} (robust channel error type); {} job(s) failed, channel dead\n",
                    ring.handle(),
                    rc.chid,
                    rc.except_type,
                    n
                );
            }
        });
        if !found {
            dev_err!(
                dev,
                "GSP-RM: channel error {} on chid {} (engine {}), not a channel of nova's\n",
                rc.except_type,
                rc.chid,
                rc.engine_type
            );
        }
    }
}
