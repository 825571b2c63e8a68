// SPDX-License-Identifier: GPL-2.0

//! `RUN_CPU_SEQUENCER`: the event in which GSP-RM hands the CPU a list of
//! register and falcon operations to carry out for it.
//!
//! The event's parameters are [`RunCpuSequencer`], then `cmdIndex` dwords of
//! commands. Each command is a `GSP_SEQ_BUF_OPCODE_*` dword followed by the
//! payload of that opcode only (not by the whole `payload` union of
//! `GSP_SEQUENCER_BUFFER_CMD`): none for the `CORE_*` opcodes.
//!
//! Source: `rpc_run_cpu_sequencer_v17_00` in
//! `src/nvidia/generated/g_rpc-structures.h`, `GSP_SEQ_BUF_OPCODE`,
//! `GSP_SEQ_BUF_PAYLOAD_*` and `GSP_SEQUENCER_BUFFER_CMD` in `rmgspseq.h`
//! (open-gpu-kernel-modules 570.144); the same facts in nova-core's r570.144
//! bindings.

use core::mem::{
    offset_of,
    size_of, //
};

use kernel::prelude::*;

/// `GSP_SEQ_BUF_REG_SAVE_SIZE`: the slots of `regSaveArea`.
pub(crate) const SEQ_BUF_REG_SAVE_SIZE: usize = 8;

fw_struct! {
    /// `rpc_run_cpu_sequencer_v17_00` without its flexible `commandBuffer[]`
    /// array.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct RunCpuSequencer {
        /// `bufferSizeDWord`: the capacity of the command buffer, in dwords.
        pub(crate) buffer_size_dword: u32,
        /// `cmdIndex`: the dwords of the command buffer in use.
        pub(crate) cmd_index: u32,
        /// `regSaveArea`: where `REG_STORE` saves register values.
        pub(crate) reg_save_area: [u32; SEQ_BUF_REG_SAVE_SIZE],
    }
}

const _: () = assert!(size_of::<RunCpuSequencer>() == 0x28);
const _: () = assert!(offset_of!(RunCpuSequencer, cmd_index) == 4);
const _: () = assert!(offset_of!(RunCpuSequencer, reg_save_area) == 8);

/// `GSP_SEQ_BUF_OPCODE_*`, the first dword of a sequencer command.
pub(crate) mod opcode {
    /// `GSP_SEQ_BUF_OPCODE_REG_WRITE`, payload [`super::SeqRegWrite`].
    pub(crate) const REG_WRITE: u32 = 0;
    /// `GSP_SEQ_BUF_OPCODE_REG_MODIFY`, payload [`super::SeqRegModify`].
    pub(crate) const REG_MODIFY: u32 = 1;
    /// `GSP_SEQ_BUF_OPCODE_REG_POLL`, payload [`super::SeqRegPoll`].
    pub(crate) const REG_POLL: u32 = 2;
    /// `GSP_SEQ_BUF_OPCODE_DELAY_US`, payload [`super::SeqDelayUs`].
    pub(crate) const DELAY_US: u32 = 3;
    /// `GSP_SEQ_BUF_OPCODE_REG_STORE`, payload [`super::SeqRegStore`].
    pub(crate) const REG_STORE: u32 = 4;
    /// `GSP_SEQ_BUF_OPCODE_CORE_RESET`, no payload.
    pub(crate) const CORE_RESET: u32 = 5;
    /// `GSP_SEQ_BUF_OPCODE_CORE_START`, no payload.
    pub(crate) const CORE_START: u32 = 6;
    /// `GSP_SEQ_BUF_OPCODE_CORE_WAIT_FOR_HALT`, no payload.
    pub(crate) const CORE_WAIT_FOR_HALT: u32 = 7;
    /// `GSP_SEQ_BUF_OPCODE_CORE_RESUME`, no payload.
    pub(crate) const CORE_RESUME: u32 = 8;
}

fw_struct! {
    /// `GSP_SEQ_BUF_PAYLOAD_REG_WRITE`: write `val` to register `addr`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct SeqRegWrite {
        /// `addr`: BAR0 offset of the register.
        pub(crate) addr: u32,
        /// `val`.
        pub(crate) val: u32,
    }
}

const _: () = assert!(size_of::<SeqRegWrite>() == 8);

fw_struct! {
    /// `GSP_SEQ_BUF_PAYLOAD_REG_MODIFY`: replace the bits of `mask` in
    /// register `addr` with `val`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct SeqRegModify {
        /// `addr`: BAR0 offset of the register.
        pub(crate) addr: u32,
        /// `mask`.
        pub(crate) mask: u32,
        /// `val`.
        pub(crate) val: u32,
    }
}

const _: () = assert!(size_of::<SeqRegModify>() == 12);

fw_struct! {
    /// `GSP_SEQ_BUF_PAYLOAD_REG_POLL`: wait up to `timeout` microseconds for
    /// `(register & mask) == val`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct SeqRegPoll {
        /// `addr`: BAR0 offset of the register.
        pub(crate) addr: u32,
        /// `mask`.
        pub(crate) mask: u32,
        /// `val`.
        pub(crate) val: u32,
        /// `timeout`: in microseconds; zero for the default.
        pub(crate) timeout: u32,
        /// `error`: an error code for GSP-RM's log.
        pub(crate) error: u32,
    }
}

const _: () = assert!(size_of::<SeqRegPoll>() == 20);

fw_struct! {
    /// `GSP_SEQ_BUF_PAYLOAD_DELAY_US`: sleep.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct SeqDelayUs {
        /// `val`: in microseconds.
        pub(crate) val: u32,
    }
}

const _: () = assert!(size_of::<SeqDelayUs>() == 4);

fw_struct! {
    /// `GSP_SEQ_BUF_PAYLOAD_REG_STORE`: save register `addr` in
    /// `regSaveArea[index]`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct SeqRegStore {
        /// `addr`: BAR0 offset of the register.
        pub(crate) addr: u32,
        /// `index`: the save slot.
        pub(crate) index: u32,
    }
}

const _: () = assert!(size_of::<SeqRegStore>() == 8);

/// The size of `GSP_SEQUENCER_BUFFER_CMD`: the opcode and the largest
/// payload; the upper bound of one command in the buffer.
pub(crate) const SEQ_BUF_CMD_MAX: usize = size_of::<u32>() + size_of::<SeqRegPoll>();

const _: () = assert!(SEQ_BUF_CMD_MAX == 24);
