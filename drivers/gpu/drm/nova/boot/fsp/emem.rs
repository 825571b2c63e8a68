// SPDX-License-Identifier: GPL-2.0

//! The host's channel to the FSP: one packet at a time through EMEM.
//!
//! A command is written word by word at EMEM offset 0 through EMEMD with
//! EMEMC auto-incrementing, then the command queue's tail is set to the
//! offset of its last word and its head to 0; writing the head tells the
//! FSP, which sets the head to the tail once it took the packet. The FSP
//! puts its reply at EMEM offset 0 and sets the message queue's head to 0
//! and its tail to the reply's last word; the host reads it the same way
//! and empties the queue by writing the tail and then the head back to 0
//! (`_kfspWriteToEmem_GH100`, `kfspCanSendPacket_GH100`,
//! `_kfspUpdateQueueHeadTail_GH100` and `kfspReadMessage_GH100` in
//! open-gpu-kernel-modules; nova-core `falcon/fsp.rs`).

use kernel::{
    io::{
        poll::read_poll_timeout,
        Io, //
    },
    prelude::*,
    time::Delta, //
};

use super::regs::{
    NV_PFSP_EMEMC,
    NV_PFSP_EMEMD,
    NV_PFSP_MSGQ_HEAD,
    NV_PFSP_MSGQ_TAIL,
    NV_PFSP_QUEUE_HEAD,
    NV_PFSP_QUEUE_TAIL, //
};
use crate::{
    chip::MMIO_DEAD,
    gpu::Bar0, //
};

/// Size of the host's EMEM channel: the largest packet either way.
pub(crate) const CHANNEL_SIZE: usize = 1024;

/// How long the FSP may take to take a packet out of the command queue.
const QUEUE_EMPTY_TIMEOUT: Delta = Delta::from_millis(500);
/// How long the FSP may take to reply.
const REPLY_TIMEOUT: Delta = Delta::from_secs(2);

/// Waits until the FSP took the previous command, then sends `msg` (a
/// whole number of words, at most [`CHANNEL_SIZE`] bytes).
pub(crate) fn send(bar: &Bar0<'_>, msg: &[u8]) -> Result {
    if msg.is_empty() || msg.len() % 4 != 0 || msg.len() > CHANNEL_SIZE {
        return Err(EINVAL);
    }
    read_poll_timeout(
        || {
            let head = bar.read(NV_PFSP_QUEUE_HEAD).offset().get();
            let tail = bar.read(NV_PFSP_QUEUE_TAIL).offset().get();
            Ok((head, tail))
        },
        |&(head, tail)| head == tail,
        Delta::from_millis(1),
        QUEUE_EMPTY_TIMEOUT,
    )
    .map_err(|_| EBUSY)?;
    bar.write_reg(NV_PFSP_EMEMC::zeroed().with_aincw(true));
    for word in msg.chunks_exact(4) {
        let w = u32::from_le_bytes([word[0], word[1], word[2], word[3]]);
        bar.write_reg(NV_PFSP_EMEMD::zeroed().with_data(w));
    }
    let last = u32::try_from(msg.len() - 4).map_err(|_| EINVAL)?;
    bar.write_reg(NV_PFSP_QUEUE_TAIL::zeroed().with_offset(last));
    bar.write_reg(NV_PFSP_QUEUE_HEAD::zeroed().with_offset(0u32));
    Ok(())
}

/// Waits for the FSP's reply and copies it into `buf`; returns its length.
/// `ETIMEDOUT` if none comes, `ENODEV` if the device stopped answering,
/// `EPROTO` if the queue pointers make no sense.
pub(crate) fn recv(bar: &Bar0<'_>, buf: &mut [u8; CHANNEL_SIZE]) -> Result<usize> {
    let (head, tail) = read_poll_timeout(
        || {
            let head = bar.read(NV_PFSP_MSGQ_HEAD).offset().get();
            let tail = bar.read(NV_PFSP_MSGQ_TAIL).offset().get();
            Ok((head, tail))
        },
        |&(head, tail)| head != tail || head == MMIO_DEAD,
        Delta::from_millis(1),
        REPLY_TIMEOUT,
    )?;
    if head == MMIO_DEAD || tail == MMIO_DEAD {
        return Err(ENODEV);
    }
    // The reply starts at EMEM offset 0: the head must say so.
    let len = match (head, tail.checked_add(4)) {
        (0, Some(len)) => usize::try_from(len).map_err(|_| EPROTO)?,
        _ => return Err(EPROTO),
    };
    if len % 4 != 0 || len > CHANNEL_SIZE {
        return Err(EPROTO);
    }
    bar.write_reg(NV_PFSP_EMEMC::zeroed().with_aincr(true));
    for word in buf[..len].chunks_exact_mut(4) {
        word.copy_from_slice(&bar.read(NV_PFSP_EMEMD).data().get().to_le_bytes());
    }
    bar.write_reg(NV_PFSP_MSGQ_TAIL::zeroed().with_offset(0u32));
    bar.write_reg(NV_PFSP_MSGQ_HEAD::zeroed().with_offset(0u32));
    Ok(len)
}
