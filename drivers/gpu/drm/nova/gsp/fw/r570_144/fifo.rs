// SPDX-License-Identifier: GPL-2.0

//! Channels, copy-engine objects and the interrupt vectors: the RM classes
//! and controls a driver uses to run work on a copy engine.
//!
//! Sources: `NV_CHANNEL_ALLOC_PARAMS` and `NV_MEMORY_DESC_PARAMS`
//! (`alloc/alloc_channel.h`, r570.144: `tpcConfigID` is new in this
//! release), `NVA06F_CTRL_BIND_PARAMS` and `NVA06F_CTRL_GPFIFO_SCHEDULE_PARAMS`
//! (`ctrl/ctrla06f/ctrla06fgpfifo.h`), `NVC36F_CTRL_CMD_GPFIFO_GET_WORK_SUBMIT_TOKEN_PARAMS`
//! (`ctrl/ctrlc36f.h`), `NVC0B5_ALLOCATION_PARAMETERS` (`class/clc0b5sw.h`),
//! `NV2080_CTRL_CE_GET_FAULT_METHOD_BUFFER_SIZE_PARAMS` (`ctrl2080ce.h`),
//! `NV2080_CTRL_INTERNAL_INTR_GET_KERNEL_TABLE_PARAMS`
//! (`ctrl2080internal.h`); nouveau's `rm/r570/nvrm/fifo.h` and
//! `rm/r535/nvrm/ce.h`, `intr.h` carry the same layouts for this release.

use core::mem::{
    offset_of,
    size_of, //
};

use kernel::prelude::*;

use super::Handle;

/// `NV2080_ENGINE_TYPE_COPY0` (= `RM_ENGINE_TYPE_COPY0`; COPYn is 9 + n).
pub(crate) const NV2080_ENGINE_TYPE_COPY0: u32 = 9;
/// `MC_ENGINE_IDX_CE0` (CEn is 15 + n): an engine of the interrupt table.
pub(crate) const MC_ENGINE_IDX_CE0: u16 = 15;
/// `MC_ENGINE_IDX_GSP`.
pub(crate) const MC_ENGINE_IDX_GSP: u16 = 50;

/// `NV_ADDRESS_SPACE` `ADDR_SYSMEM`.
pub(crate) const ADDR_SYSMEM: u32 = 1;
/// `NV_ADDRESS_SPACE` `ADDR_FBMEM`: video memory.
pub(crate) const ADDR_FBMEM: u32 = 2;

/// `NVA06F_CTRL_CMD_GPFIFO_SCHEDULE`.
pub(crate) const NVA06F_CTRL_CMD_GPFIFO_SCHEDULE: u32 = 0xa06f_0103;
/// `NVA06F_CTRL_CMD_BIND`.
pub(crate) const NVA06F_CTRL_CMD_BIND: u32 = 0xa06f_0104;
/// `NVC36F_CTRL_CMD_GPFIFO_GET_WORK_SUBMIT_TOKEN`.
pub(crate) const NVC36F_CTRL_CMD_GPFIFO_GET_WORK_SUBMIT_TOKEN: u32 = 0xc36f_0108;
/// `NV2080_CTRL_CMD_CE_GET_FAULT_METHOD_BUFFER_SIZE`.
pub(crate) const NV2080_CTRL_CMD_CE_GET_FAULT_METHOD_BUFFER_SIZE: u32 = 0x2080_2a08;
/// `NV2080_CTRL_CMD_INTERNAL_INTR_GET_KERNEL_TABLE`, on GSP-RM's internal
/// subdevice.
pub(crate) const NV2080_CTRL_CMD_INTERNAL_INTR_GET_KERNEL_TABLE: u32 = 0x2080_0a5c;
/// `NV2080_CTRL_INTERNAL_INTR_MAX_TABLE_SIZE`.
pub(crate) const INTR_MAX_TABLE_SIZE: usize = 128;
/// A vector field that names no vector (`NV_INTR_VECTOR_INVALID`).
pub(crate) const INTR_VECTOR_INVALID: u32 = u32::MAX;

fw_struct! {
    /// `NV_MEMORY_DESC_PARAMS`: a piece of memory RM is told about.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct NvMemoryDescParams {
        /// `base`: its address.
        pub(crate) base: u64,
        /// `size`.
        pub(crate) size: u64,
        /// `addressSpace` ([`ADDR_SYSMEM`], [`ADDR_FBMEM`]).
        pub(crate) address_space: u32,
        /// `cacheAttrib` (0 uncached).
        pub(crate) cache_attrib: u32,
    }
}

const _: () = assert!(size_of::<NvMemoryDescParams>() == 24);

fw_struct! {
    /// `NV_CHANNEL_ALLOC_PARAMS`: the parameters of a GPFIFO channel class.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct NvChannelAllocParams {
        /// `hObjectError`: the error notifier (none).
        pub(crate) h_object_error: Handle,
        /// `hObjectBuffer`.
        pub(crate) h_object_buffer: Handle,
        /// `gpFifoOffset`: the ring's GPU virtual address.
        pub(crate) gp_fifo_offset: u64,
        /// `gpFifoEntries`: a power of two.
        pub(crate) gp_fifo_entries: u32,
        /// `flags` (`NVOS04_FLAGS_*`).
        pub(crate) flags: u32,
        /// `hContextShare`.
        pub(crate) h_context_share: Handle,
        /// `hVASpace`: the VA space the channel runs in.
        pub(crate) h_va_space: Handle,
        /// `hUserdMemory[NV_MAX_SUBDEVICES]`.
        pub(crate) h_userd_memory: [Handle; 8],
        /// `userdOffset[NV_MAX_SUBDEVICES]`.
        pub(crate) userd_offset: [u64; 8],
        /// `engineType` (`NV2080_ENGINE_TYPE_*`).
        pub(crate) engine_type: u32,
        /// `cid`.
        pub(crate) cid: u32,
        /// `subDeviceId`.
        pub(crate) sub_device_id: u32,
        /// `hObjectEccError`.
        pub(crate) h_object_ecc_error: Handle,
        /// `instanceMem`: the instance block (RAMFC at its start).
        pub(crate) instance_mem: NvMemoryDescParams,
        /// `userdMem`.
        pub(crate) userd_mem: NvMemoryDescParams,
        /// `ramfcMem`.
        pub(crate) ramfc_mem: NvMemoryDescParams,
        /// `mthdbufMem`: the fault method buffer.
        pub(crate) mthdbuf_mem: NvMemoryDescParams,
        /// `hPhysChannelGroup`.
        pub(crate) h_phys_channel_group: Handle,
        /// `internalFlags`.
        pub(crate) internal_flags: u32,
        /// `errorNotifierMem`.
        pub(crate) error_notifier_mem: NvMemoryDescParams,
        /// `eccErrorNotifierMem`.
        pub(crate) ecc_error_notifier_mem: NvMemoryDescParams,
        /// `ProcessID`.
        pub(crate) process_id: u32,
        /// `SubProcessID`.
        pub(crate) sub_process_id: u32,
        /// `encryptIv[CC_CHAN_ALLOC_IV_SIZE_DWORD]`.
        pub(crate) encrypt_iv: [u32; 3],
        /// `decryptIv[CC_CHAN_ALLOC_IV_SIZE_DWORD]`.
        pub(crate) decrypt_iv: [u32; 3],
        /// `hmacNonce[CC_CHAN_ALLOC_NONCE_SIZE_DWORD]`.
        pub(crate) hmac_nonce: [u32; 8],
        /// `tpcConfigID`.
        pub(crate) tpc_config_id: u32,
        /// Padding to the structure's 8-byte alignment.
        pub(crate) pad0: u32,
    }
}

const _: () = assert!(size_of::<NvChannelAllocParams>() == 0x170);
const _: () = assert!(offset_of!(NvChannelAllocParams, engine_type) == 0x80);
const _: () = assert!(offset_of!(NvChannelAllocParams, instance_mem) == 0x90);
const _: () = assert!(offset_of!(NvChannelAllocParams, mthdbuf_mem) == 0xd8);
const _: () = assert!(offset_of!(NvChannelAllocParams, error_notifier_mem) == 0xf8);
const _: () = assert!(offset_of!(NvChannelAllocParams, process_id) == 0x128);
const _: () = assert!(offset_of!(NvChannelAllocParams, tpc_config_id) == 0x168);

fw_struct! {
    /// `NVA06F_CTRL_BIND_PARAMS`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct NvA06fCtrlBindParams {
        /// `engineType`: the channel's engine.
        pub(crate) engine_type: u32,
    }
}

fw_struct! {
    /// `NVA06F_CTRL_GPFIFO_SCHEDULE_PARAMS`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct NvA06fCtrlGpfifoScheduleParams {
        /// `bEnable`.
        pub(crate) enable: u8,
        /// `bSkipSubmit`.
        pub(crate) skip_submit: u8,
    }
}

const _: () = assert!(size_of::<NvA06fCtrlGpfifoScheduleParams>() == 2);

fw_struct! {
    /// `NVC36F_CTRL_CMD_GPFIFO_GET_WORK_SUBMIT_TOKEN_PARAMS`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct NvC36fCtrlGetWorkSubmitTokenParams {
        /// `workSubmitToken`: out, what the doorbell takes.
        pub(crate) work_submit_token: u32,
    }
}

fw_struct! {
    /// `NVC0B5_ALLOCATION_PARAMETERS`: the parameters of a copy-engine
    /// class.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct NvC0b5AllocationParameters {
        /// `version` (1).
        pub(crate) version: u32,
        /// `engineType`: the copy engine.
        pub(crate) engine_type: u32,
    }
}

const _: () = assert!(size_of::<NvC0b5AllocationParameters>() == 8);

fw_struct! {
    /// `NV2080_CTRL_CE_GET_FAULT_METHOD_BUFFER_SIZE_PARAMS`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct Nv2080CtrlCeGetFaultMethodBufferSizeParams {
        /// `size`: out, bytes a channel's fault method buffer needs.
        pub(crate) size: u32,
    }
}

fw_struct! {
    /// `NV2080_CTRL_INTERNAL_INTR_GET_KERNEL_TABLE_ENTRY`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct IntrTableEntry {
        /// `engineIdx` (`MC_ENGINE_IDX_*`).
        pub(crate) engine_idx: u16,
        /// Padding before the next `u32`.
        pub(crate) pad0: u16,
        /// `pmcIntrMask`.
        pub(crate) pmc_intr_mask: u32,
        /// `vectorStall`.
        pub(crate) vector_stall: u32,
        /// `vectorNonStall`.
        pub(crate) vector_non_stall: u32,
    }
}

const _: () = assert!(size_of::<IntrTableEntry>() == 16);

fw_struct! {
    /// `NV2080_INTR_CATEGORY_SUBTREE_MAP`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct IntrSubtreeMap {
        /// `subtreeStart`.
        pub(crate) start: u8,
        /// `subtreeEnd`.
        pub(crate) end: u8,
    }
}

fw_struct! {
    /// `NV2080_CTRL_INTERNAL_INTR_GET_KERNEL_TABLE_PARAMS`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct Nv2080CtrlInternalIntrGetKernelTableParams {
        /// `tableLen`: out, entries used.
        pub(crate) table_len: u32,
        /// `table`.
        pub(crate) table: [IntrTableEntry; INTR_MAX_TABLE_SIZE],
        /// `subtreeMap[NV2080_INTR_CATEGORY_ENUM_COUNT]`.
        pub(crate) subtree_map: [IntrSubtreeMap; 7],
        /// Padding to the structure's 4-byte alignment.
        pub(crate) pad0: u16,
    }
}

const _: () = assert!(size_of::<Nv2080CtrlInternalIntrGetKernelTableParams>() == 0x814);

fw_struct! {
    /// `rpc_rc_triggered_v17_02` without its flexible `rcJournalBuffer[]`:
    /// the payload of the `RC_TRIGGERED` event.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct RpcRcTriggered {
        /// `nv2080EngineType`.
        pub(crate) engine_type: u32,
        /// `chid`: the channel.
        pub(crate) chid: u32,
        /// `gfid`.
        pub(crate) gfid: u32,
        /// `exceptLevel`.
        pub(crate) except_level: u32,
        /// `exceptType` (`ROBUST_CHANNEL_*`).
        pub(crate) except_type: u32,
        /// `scope`.
        pub(crate) scope: u32,
        /// `partitionAttributionId`.
        pub(crate) partition_attribution_id: u16,
        /// Padding before the next `u32`.
        pub(crate) pad0: u16,
        /// `mmuFaultAddrLo`.
        pub(crate) mmu_fault_addr_lo: u32,
        /// `mmuFaultAddrHi`.
        pub(crate) mmu_fault_addr_hi: u32,
        /// `mmuFaultType`.
        pub(crate) mmu_fault_type: u32,
        /// `bCallbackNeeded`.
        pub(crate) callback_needed: u8,
        /// Padding before the next `u32`.
        pub(crate) pad1: [u8; 3],
        /// `rcJournalBufferSize`.
        pub(crate) rc_journal_buffer_size: u32,
    }
}

const _: () = assert!(size_of::<RpcRcTriggered>() == 0x30);
const _: () = assert!(offset_of!(RpcRcTriggered, mmu_fault_addr_lo) == 0x1c);
const _: () = assert!(offset_of!(RpcRcTriggered, callback_needed) == 0x28);

/// `ROBUST_CHANNEL_FIFO_ERROR_MMU_ERR_FLT` (`nverror.h`).
pub(crate) const ROBUST_CHANNEL_FIFO_ERROR_MMU_ERR_FLT: u32 = 31;
