// SPDX-License-Identifier: GPL-2.0

//! A job: the push buffers of one EXEC, the syncobj points it waits for,
//! and its fence.
//!
//! Jobs of a channel run in submission order on a worker
//! ([`super::channel::Channel`]). Before a job runs, the worker resolves
//! each wait: a point nobody has submitted a fence for yet is waited for
//! (Vulkan's wait-before-signal), a fence is waited for until it signals,
//! and a fence that signalled with an error fails the job with that error
//! without running it. Waiting sleeps in short slices, so that a channel
//! that is destroyed, or a device that is removed, is noticed.

use kernel::{
    dma_fence::{
        DriverFence,
        Fence, //
    },
    drm::syncobj::{
        Point,
        SyncObj, //
    },
    prelude::*,
    time::{
        delay::fsleep,
        msecs_to_jiffies,
        Delta, //
    },
};

/// One push buffer: GPU VA and length in dwords.
#[derive(Clone, Copy)]
pub(crate) struct PushBuf {
    /// Its GPU VA (4-byte aligned, below 1 TiB).
    pub(crate) va: u64,
    /// Its length in dwords.
    pub(crate) dwords: u32,
}

/// What a job waits for.
pub(crate) enum Wait {
    /// A fence, taken from a binary syncobj when the job was submitted (a
    /// binary syncobj's fence is replaced by later submissions, so it is
    /// resolved at once).
    Fence(Fence),
    /// A point of a timeline syncobj, which may not have been submitted
    /// yet; points never change once added.
    Point {
        /// The syncobj.
        obj: SyncObj,
        /// The point.
        point: u64,
    },
}

/// A job.
pub(crate) struct Job {
    /// Its push buffers, run in order.
    pub(crate) pushes: KVec<PushBuf>,
    /// What it waits for.
    pub(crate) waits: KVec<Wait>,
    /// Its fence, signalled when the GPU is done with it.
    pub(crate) fence: DriverFence,
}

/// How long one slice of waiting lasts.
const SLICE_MS: u32 = 10;

impl Job {
    /// Waits for every dependency ([`wait_all`]).
    pub(crate) fn wait_deps(&self, stop: impl Fn() -> bool) -> Result {
        wait_all(&self.waits, stop)
    }
}

/// Waits for every point of `waits`, checking `stop` between slices.
///
/// `Ok(())` when all signalled without error; the error of a dependency
/// that signalled with one; `ECANCELED` when `stop` said so.
pub(crate) fn wait_all(waits: &[Wait], stop: impl Fn() -> bool) -> Result {
    for w in waits.iter() {
        loop {
            if stop() {
                return Err(ECANCELED);
            }
            let now = match w {
                Wait::Fence(f) => Point::Fence(f.clone()),
                Wait::Point { obj, point } => obj.point_fence(*point)?,
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
