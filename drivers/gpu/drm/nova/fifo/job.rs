// SPDX-License-Identifier: GPL-2.0

//! A job of a channel: the push buffers of one EXEC. Its dependencies and
//! fence are the job queue's ([`kernel::drm::job_queue`]).

/// One push buffer: GPU VA and length in dwords.
#[derive(Clone, Copy)]
pub(crate) struct PushBuf {
    /// Its GPU VA (4-byte aligned, below 1 TiB).
    pub(crate) va: u64,
    /// Its length in dwords.
    pub(crate) dwords: u32,
}
