// SPDX-License-Identifier: GPL-2.0

//! The CPU sequencer: GSP-RM on Turing to Ada sends `RUN_CPU_SEQUENCER` with
//! a list of register and falcon operations the CPU has to carry out for it
//! during boot (chiefly to reset GSP and have it reloaded from WPR2).

use core::mem::size_of;

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
    transmute::FromBytes,
};

use super::{
    fw::{
        opcode,
        RunCpuSequencer,
        SeqDelayUs,
        SeqRegModify,
        SeqRegPoll,
        SeqRegStore,
        SeqRegWrite,
        SEQ_BUF_REG_SAVE_SIZE, //
    },
    SequencerOps, //
};
use crate::gpu::Bar0;

/// Default `REG_POLL` timeout when GSP-RM gives none.
const POLL_TIMEOUT_DEFAULT_US: u32 = 4_000_000;
/// Slots of `regSaveArea`.
const SAVE_SLOTS: usize = SEQ_BUF_REG_SAVE_SIZE;

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

/// The payload of the command at dword `at` of the command buffer, whose
/// remainder after the opcode is `args`: its value and the dwords it takes.
fn payload<T: FromBytes>(args: &[u8], at: u32) -> Result<(T, u32), SeqError> {
    let (v, _) = T::from_bytes_copy_prefix(args).ok_or(SeqError::Payload { at })?;
    Ok((v, (size_of::<T>() / size_of::<u32>()) as u32))
}

/// Parses a `RUN_CPU_SEQUENCER` payload ([`RunCpuSequencer`], then
/// `cmdIndex` dwords of commands) into its operations, in order.
pub(crate) fn parse(payload_bytes: &[u8]) -> Result<KVec<SeqOp>, SeqError> {
    let (header, commands) =
        RunCpuSequencer::from_bytes_copy_prefix(payload_bytes).ok_or(SeqError::Truncated)?;
    let cmd_index = header.cmd_index;
    let buffer_len = (cmd_index as usize)
        .checked_mul(size_of::<u32>())
        .ok_or(SeqError::Truncated)?;
    let mut rest = commands.get(..buffer_len).ok_or(SeqError::Truncated)?;
    let mut ops = KVec::new();
    let mut at: u32 = 0;
    while let Some((op, args)) = u32::from_bytes_copy_prefix(rest) {
        let (op, words) = match op {
            opcode::REG_WRITE => {
                let (p, n) = payload::<SeqRegWrite>(args, at)?;
                (
                    SeqOp::RegWrite {
                        addr: p.addr,
                        val: p.val,
                    },
                    n,
                )
            }
            opcode::REG_MODIFY => {
                let (p, n) = payload::<SeqRegModify>(args, at)?;
                (
                    SeqOp::RegModify {
                        addr: p.addr,
                        mask: p.mask,
                        val: p.val,
                    },
                    n,
                )
            }
            opcode::REG_POLL => {
                let (p, n) = payload::<SeqRegPoll>(args, at)?;
                (
                    SeqOp::RegPoll {
                        addr: p.addr,
                        mask: p.mask,
                        val: p.val,
                        timeout_us: p.timeout,
                    },
                    n,
                )
            }
            opcode::DELAY_US => {
                let (p, n) = payload::<SeqDelayUs>(args, at)?;
                (SeqOp::DelayUs { us: p.val }, n)
            }
            opcode::REG_STORE => {
                let (p, n) = payload::<SeqRegStore>(args, at)?;
                (
                    SeqOp::RegStore {
                        addr: p.addr,
                        index: p.index,
                    },
                    n,
                )
            }
            opcode::CORE_RESET => (SeqOp::CoreReset, 0),
            opcode::CORE_START => (SeqOp::CoreStart, 0),
            opcode::CORE_WAIT_FOR_HALT => (SeqOp::CoreWaitForHalt, 0),
            opcode::CORE_RESUME => (SeqOp::CoreResume, 0),
            opcode => return Err(SeqError::Opcode { at, opcode }),
        };
        ops.push(op, GFP_KERNEL).map_err(|_| SeqError::Truncated)?;
        // The payload was read from `args`, so it is there.
        rest = args.get(words as usize * size_of::<u32>()..).unwrap_or(&[]);
        at += 1 + words;
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
    use kernel::transmute::AsBytes;

    /// A `RUN_CPU_SEQUENCER` payload whose command buffer is `words`, with
    /// `cmd_index` set to `cmd_index`.
    fn message(words: &[u32], cmd_index: u32) -> Result<KVec<u8>> {
        let header = RunCpuSequencer {
            buffer_size_dword: words.len() as u32,
            cmd_index,
            ..Zeroable::zeroed()
        };
        let mut p = KVec::new();
        p.extend_from_slice(header.as_bytes(), GFP_KERNEL)?;
        for w in words {
            p.extend_from_slice(&w.to_le_bytes(), GFP_KERNEL)?;
        }
        Ok(p)
    }

    fn payload(words: &[u32]) -> Result<KVec<u8>> {
        message(words, words.len() as u32)
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
        let p = message(&[5], 100)?;
        assert_eq!(parse(&p).err(), Some(SeqError::Truncated));
        Ok(())
    }
}
