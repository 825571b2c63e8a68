// SPDX-License-Identifier: GPL-2.0

//! The CPU sequencer: GSP-RM on Turing to Ada sends `RUN_CPU_SEQUENCER` with
//! a list of register and falcon operations the CPU has to carry out for it
//! during boot (chiefly to reset GSP and have it reloaded from WPR2).

use kernel::{
    device,
    io::{
        poll::read_poll_timeout,
        Io, //
    },
    prelude::*,
    time::{
        delay::fsleep,
        Delta, //
    },
};

use super::{
    queue::get_u32,
    SequencerOps, //
};
use crate::gpu::Bar0;

/// Offset of `commandBuffer` in `rpc_run_cpu_sequencer_v17_00`.
const CMD_BUFFER: usize = 0x28;
/// Default `REG_POLL` timeout when GSP-RM gives none.
const POLL_TIMEOUT_DEFAULT_US: u32 = 4_000_000;
/// Slots of `regSaveArea`.
const SAVE_SLOTS: usize = 8;

/// One sequencer operation (`GSP_SEQ_BUF_OPCODE_*` and its payload).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum SeqOp {
    /// Write `val` to register `addr`.
    RegWrite { addr: u32, val: u32 },
    /// Replace the bits of `mask` in `addr` with `val`.
    RegModify { addr: u32, mask: u32, val: u32 },
    /// Wait up to `timeout_us` for `(addr & mask) == val`.
    RegPoll {
        addr: u32,
        mask: u32,
        val: u32,
        timeout_us: u32,
    },
    /// Sleep for `us` microseconds.
    DelayUs { us: u32 },
    /// Save register `addr` in save slot `index`.
    RegStore { addr: u32, index: u32 },
    /// Reset the GSP falcon.
    CoreReset,
    /// Start the GSP falcon.
    CoreStart,
    /// Wait for the GSP falcon to halt.
    CoreWaitForHalt,
    /// Resume GSP-RM from WPR2.
    CoreResume,
}

/// Why a sequencer buffer was rejected.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum SeqError {
    /// The message is shorter than its header or its `cmdIndex` says.
    Truncated,
    /// Unknown opcode at a dword index.
    Opcode { at: u32, opcode: u32 },
    /// An operation's payload runs past `cmdIndex`.
    Payload { at: u32 },
}

/// Parses a `RUN_CPU_SEQUENCER` payload (`bufferSizeDWord`, `cmdIndex`,
/// `regSaveArea`, then `cmdIndex` dwords of operations) into its
/// operations, in order.
pub(crate) fn parse(payload: &[u8]) -> Result<KVec<SeqOp>, SeqError> {
    let cmd_index = get_u32(payload, 4).ok_or(SeqError::Truncated)?;
    let words = cmd_index as usize;
    let buffer_len = words.checked_mul(4).ok_or(SeqError::Truncated)?;
    if payload.len() < CMD_BUFFER + buffer_len {
        return Err(SeqError::Truncated);
    }
    let w = |i: u32| get_u32(payload, CMD_BUFFER + i as usize * 4).unwrap_or(0);
    let mut ops = KVec::new();
    let mut at: u32 = 0;
    while at < cmd_index {
        let opcode = w(at);
        let args = match opcode {
            0 | 4 => 2,
            1 => 3,
            2 => 5,
            3 => 1,
            5..=8 => 0,
            _ => return Err(SeqError::Opcode { at, opcode }),
        };
        if u64::from(at) + 1 + args > u64::from(cmd_index) {
            return Err(SeqError::Payload { at });
        }
        let a = |n: u32| w(at + 1 + n);
        let op = match opcode {
            0 => SeqOp::RegWrite {
                addr: a(0),
                val: a(1),
            },
            1 => SeqOp::RegModify {
                addr: a(0),
                mask: a(1),
                val: a(2),
            },
            2 => SeqOp::RegPoll {
                addr: a(0),
                mask: a(1),
                val: a(2),
                timeout_us: a(3),
            },
            3 => SeqOp::DelayUs { us: a(0) },
            4 => SeqOp::RegStore {
                addr: a(0),
                index: a(1),
            },
            5 => SeqOp::CoreReset,
            6 => SeqOp::CoreStart,
            7 => SeqOp::CoreWaitForHalt,
            _ => SeqOp::CoreResume,
        };
        ops.push(op, GFP_KERNEL).map_err(|_| SeqError::Truncated)?;
        at += 1 + args as u32;
    }
    Ok(ops)
}

/// Runs the operations of a `RUN_CPU_SEQUENCER` message.
pub(crate) fn run(
    dev: &device::Device,
    bar: &Bar0<'_>,
    payload: &[u8],
    seq: &dyn SequencerOps,
) -> Result {
    let ops = parse(payload).map_err(|e| {
        dev_err!(dev, "GSP sequencer: malformed command buffer: {:?}\n", e);
        EPROTO
    })?;
    dev_dbg!(dev, "GSP sequencer: {} operations\n", ops.len());
    let mut saved = [0u32; SAVE_SLOTS];
    for (i, op) in ops.iter().enumerate() {
        run_op(bar, op, seq, &mut saved).inspect_err(|e| {
            dev_err!(
                dev,
                "GSP sequencer: operation {} ({:?}) failed: {:?}\n",
                i,
                op,
                e
            )
        })?;
    }
    Ok(())
}

fn run_op(bar: &Bar0<'_>, op: &SeqOp, seq: &dyn SequencerOps, saved: &mut [u32]) -> Result {
    match *op {
        SeqOp::RegWrite { addr, val } => bar.try_write32(val, addr as usize),
        SeqOp::RegModify { addr, mask, val } => {
            let v = bar.try_read32(addr as usize)?;
            bar.try_write32((v & !mask) | val, addr as usize)
        }
        SeqOp::RegPoll {
            addr,
            mask,
            val,
            timeout_us,
        } => {
            let timeout = if timeout_us == 0 {
                POLL_TIMEOUT_DEFAULT_US
            } else {
                timeout_us
            };
            read_poll_timeout(
                || bar.try_read32(addr as usize),
                |v| *v & mask == val,
                Delta::from_micros(10),
                Delta::from_micros(timeout.into()),
            )
            .map(|_| ())
        }
        SeqOp::DelayUs { us } => {
            fsleep(Delta::from_micros(us.into()));
            Ok(())
        }
        SeqOp::RegStore { addr, index } => {
            let v = bar.try_read32(addr as usize)?;
            *saved.get_mut(index as usize).ok_or(EINVAL)? = v;
            Ok(())
        }
        SeqOp::CoreReset => seq.core_reset(),
        SeqOp::CoreStart => seq.core_start(),
        SeqOp::CoreWaitForHalt => seq.core_wait_for_halt(),
        SeqOp::CoreResume => seq.core_resume(),
    }
}

#[kunit_tests(nova_gsp_sequencer)]
mod tests {
    use super::*;
    use crate::gsp::queue::put_u32;

    fn payload(words: &[u32]) -> Result<KVec<u8>> {
        let mut p = KVec::from_elem(0u8, CMD_BUFFER + words.len() * 4, GFP_KERNEL)?;
        put_u32(&mut p, 0, words.len() as u32)?;
        put_u32(&mut p, 4, words.len() as u32)?;
        for (i, w) in words.iter().enumerate() {
            put_u32(&mut p, CMD_BUFFER + i * 4, *w)?;
        }
        Ok(p)
    }

    #[test]
    fn parse_ops() -> Result {
        let p = payload(&[0, 0x100, 7, 1, 0x104, 0xf0, 0x10, 3, 50, 5, 8, 4, 0x108, 2])?;
        let ops = parse(&p);
        assert!(ops.is_ok());
        let Ok(ops) = ops else { return Ok(()) };
        assert_eq!(
            &ops[..],
            &[
                SeqOp::RegWrite {
                    addr: 0x100,
                    val: 7
                },
                SeqOp::RegModify {
                    addr: 0x104,
                    mask: 0xf0,
                    val: 0x10
                },
                SeqOp::DelayUs { us: 50 },
                SeqOp::CoreReset,
                SeqOp::CoreResume,
                SeqOp::RegStore {
                    addr: 0x108,
                    index: 2
                },
            ]
        );
        Ok(())
    }

    #[test]
    fn parse_errors() -> Result {
        assert_eq!(parse(&[0u8; 4]).err(), Some(SeqError::Truncated));
        let p = payload(&[9])?;
        assert_eq!(parse(&p).err(), Some(SeqError::Opcode { at: 0, opcode: 9 }));
        let p = payload(&[5, 2, 0x100, 1])?;
        assert_eq!(parse(&p).err(), Some(SeqError::Payload { at: 1 }));
        let mut p = payload(&[5])?;
        put_u32(&mut p, 4, 100)?;
        assert_eq!(parse(&p).err(), Some(SeqError::Truncated));
        Ok(())
    }
}
