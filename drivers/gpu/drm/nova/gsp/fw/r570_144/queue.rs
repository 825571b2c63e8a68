// SPDX-License-Identifier: GPL-2.0

//! The message queue headers, and the RM arguments (`GSP_ARGUMENTS_CACHED`,
//! the libos "RMARGS" region) that tell GSP-RM where the queues are.
//!
//! Sources (open-gpu-kernel-modules 570.144): `msgqTxHeader` and
//! `msgqRxHeader` in libos's `msgq_priv.h`,
//! `MESSAGE_QUEUE_INIT_ARGUMENTS`, `GSP_SR_INIT_ARGUMENTS` and
//! `GSP_ARGUMENTS_CACHED` in `src/nvidia/inc/kernel/gpu/gsp/gsp_init_args.h`;
//! the same facts in nova-core's r570.144 bindings.

use core::mem::{
    offset_of,
    size_of, //
};

use kernel::prelude::*;

fw_struct! {
    /// `msgqTxHeader`: the header at the start of a queue, written by the
    /// queue's sender.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct MsgqTxHeader {
        /// `version`: zero.
        pub(crate) version: u32,
        /// `size`: the size of the queue, headers included, in bytes.
        pub(crate) size: u32,
        /// `msgSize`: the size of one entry, in bytes.
        pub(crate) msg_size: u32,
        /// `msgCount`: the number of entries.
        pub(crate) msg_count: u32,
        /// `writePtr`: the index of the next entry the sender writes.
        pub(crate) write_ptr: u32,
        /// `flags`: bit 0 set means the queue may be written.
        pub(crate) flags: u32,
        /// `rxHdrOff`: the offset of the receive header ([`MsgqRxHeader`]) in
        /// the queue.
        pub(crate) rx_hdr_off: u32,
        /// `entryOff`: the offset of the first entry in the queue.
        pub(crate) entry_off: u32,
    }
}

const _: () = assert!(size_of::<MsgqTxHeader>() == 0x20);
const _: () = assert!(offset_of!(MsgqTxHeader, write_ptr) == 0x10);
const _: () = assert!(offset_of!(MsgqTxHeader, rx_hdr_off) == 0x18);
const _: () = assert!(offset_of!(MsgqTxHeader, entry_off) == 0x1c);

fw_struct! {
    /// `msgqRxHeader`: written by the receiver of the *other* queue, it says
    /// how far that receiver has read.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct MsgqRxHeader {
        /// `readPtr`: the index of the next entry the receiver reads.
        pub(crate) read_ptr: u32,
    }
}

const _: () = assert!(size_of::<MsgqRxHeader>() == 4);
const _: () = assert!(offset_of!(MsgqRxHeader, read_ptr) == 0);

fw_struct! {
    /// `MESSAGE_QUEUE_INIT_ARGUMENTS`: where the shared queue memory is.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct MessageQueueInitArguments {
        /// `sharedMemPhysAddr`: the bus address of the shared memory, whose
        /// first page holds the page table entries that map it.
        pub(crate) shared_mem_phys_addr: u64,
        /// `pageTableEntryCount`: the number of those entries.
        pub(crate) page_table_entry_count: u32,
        /// Padding before the next `u64`.
        pub(crate) pad0: u32,
        /// `cmdQueueOffset`: the offset of the command queue in the shared
        /// memory.
        pub(crate) cmd_queue_offset: u64,
        /// `statQueueOffset`: the offset of the status queue in the shared
        /// memory.
        pub(crate) stat_queue_offset: u64,
    }
}

const _: () = assert!(size_of::<MessageQueueInitArguments>() == 0x20);
const _: () = assert!(offset_of!(MessageQueueInitArguments, page_table_entry_count) == 0x08);
const _: () = assert!(offset_of!(MessageQueueInitArguments, cmd_queue_offset) == 0x10);
const _: () = assert!(offset_of!(MessageQueueInitArguments, stat_queue_offset) == 0x18);

fw_struct! {
    /// `GSP_SR_INIT_ARGUMENTS`: suspend/resume state at boot.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct GspSrInitArguments {
        /// `oldLevel`: the power level resumed from; zero on a cold boot.
        pub(crate) old_level: u32,
        /// `flags`.
        pub(crate) flags: u32,
        /// `bInPMTransition`: whether this boot is a resume.
        pub(crate) b_in_pm_transition: u8,
        /// Padding to the structure's alignment.
        pub(crate) pad0: [u8; 3],
    }
}

const _: () = assert!(size_of::<GspSrInitArguments>() == 0x0c);
const _: () = assert!(offset_of!(GspSrInitArguments, b_in_pm_transition) == 0x08);

fw_struct! {
    /// `profilerArgs` of `GSP_ARGUMENTS_CACHED`: an optional profiler buffer.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct GspProfilerArgs {
        /// `pa`: its bus address, zero for none.
        pub(crate) pa: u64,
        /// `size`: its size.
        pub(crate) size: u64,
    }
}

const _: () = assert!(size_of::<GspProfilerArgs>() == 0x10);

fw_struct! {
    /// `GSP_ARGUMENTS_CACHED`: the RM arguments, in the libos "RMARGS" region.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct GspArgumentsCached {
        /// `messageQueueInitArguments`.
        pub(crate) message_queue_init_arguments: MessageQueueInitArguments,
        /// `srInitArguments`.
        pub(crate) sr_init_arguments: GspSrInitArguments,
        /// `gpuInstance`.
        pub(crate) gpu_instance: u32,
        /// `bDmemStack`: whether GSP-RM keeps its stack in DMEM.
        pub(crate) b_dmem_stack: u8,
        /// Padding before the next `u64`.
        pub(crate) pad0: [u8; 7],
        /// `profilerArgs`.
        pub(crate) profiler_args: GspProfilerArgs,
    }
}

const _: () = assert!(size_of::<GspArgumentsCached>() == 0x48);
const _: () = assert!(offset_of!(GspArgumentsCached, sr_init_arguments) == 0x20);
const _: () = assert!(offset_of!(GspArgumentsCached, gpu_instance) == 0x2c);
const _: () = assert!(offset_of!(GspArgumentsCached, b_dmem_stack) == 0x30);
const _: () = assert!(offset_of!(GspArgumentsCached, profiler_args) == 0x38);
