// SPDX-License-Identifier: GPL-2.0

//! The headers in front of every RPC in the GSP-RM message queues, and the
//! RPC function and event numbers.
//!
//! Sources (open-gpu-kernel-modules 570.144): `rpc_message_header_v03_00` in
//! `src/nvidia/generated/g_rpc-structures.h`, `GSP_MSG_QUEUE_ELEMENT` in
//! `src/nvidia/inc/kernel/gpu/gsp/message_queue_priv.h`, the
//! `NV_VGPU_MSG_FUNCTION_*` and `NV_VGPU_MSG_EVENT_*` numbers in
//! `src/nvidia/inc/kernel/vgpu/rpc_global_enums.h`; the same facts in
//! nova-core's r570.144 bindings.

use core::mem::{
    offset_of,
    size_of, //
};

use kernel::prelude::*;

/// `NV_VGPU_MSG_SIGNATURE_VALID`: "VRPC" as a little-endian word.
pub(crate) const RPC_SIGNATURE: u32 = 0x4350_5256;
/// Version 3.0 of the RPC header, as `header_version` carries it.
pub(crate) const RPC_HEADER_VERSION: u32 = 0x0300_0000;

fw_struct! {
    /// `rpc_message_header_v03_00`: the header of every RPC, before its
    /// function-specific parameters.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct RpcHeader {
        /// `header_version`: [`RPC_HEADER_VERSION`].
        pub(crate) header_version: u32,
        /// `signature`: [`RPC_SIGNATURE`].
        pub(crate) signature: u32,
        /// `length`: this header and the parameters after it, in bytes.
        pub(crate) length: u32,
        /// `function`: a [`function`] number.
        pub(crate) function: u32,
        /// `rpc_result`: `NV_OK` (zero) or an error status, in replies.
        pub(crate) rpc_result: u32,
        /// `rpc_result_private`: a status private to GSP-RM.
        pub(crate) rpc_result_private: u32,
        /// `sequence`: matches a reply to its command.
        pub(crate) sequence: u32,
        /// `u.spare` (also `u.cpuRmGfid`): zero for a physical function.
        pub(crate) spare: u32,
    }
}

const _: () = assert!(size_of::<RpcHeader>() == 0x20);
const _: () = assert!(offset_of!(RpcHeader, signature) == 0x04);
const _: () = assert!(offset_of!(RpcHeader, length) == 0x08);
const _: () = assert!(offset_of!(RpcHeader, function) == 0x0c);
const _: () = assert!(offset_of!(RpcHeader, rpc_result) == 0x10);
const _: () = assert!(offset_of!(RpcHeader, sequence) == 0x18);

fw_struct! {
    /// `GSP_MSG_QUEUE_ELEMENT`: the header of an element in a message queue,
    /// up to and including the RPC header. The RPC's parameters follow it.
    #[repr(align(8))]
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct MsgQueueElement {
        /// `authTagBuffer`: unused without confidential computing.
        pub(crate) auth_tag_buffer: [u8; 16],
        /// `aadBuffer`: unused without confidential computing.
        pub(crate) aad_buffer: [u8; 16],
        /// `checkSum`: makes the XOR of the element's 64-bit words zero.
        pub(crate) check_sum: u32,
        /// `seqNum`: the element's sequence number in its queue.
        pub(crate) seq_num: u32,
        /// `elemCount`: the number of queue entries the element takes.
        pub(crate) elem_count: u32,
        /// Padding before the 8-byte aligned RPC header.
        pub(crate) pad0: u32,
        /// `rpc`: the RPC header.
        pub(crate) rpc: RpcHeader,
    }
}

const _: () = assert!(size_of::<MsgQueueElement>() == 0x50);
const _: () = assert!(offset_of!(MsgQueueElement, check_sum) == 0x20);
const _: () = assert!(offset_of!(MsgQueueElement, seq_num) == 0x24);
const _: () = assert!(offset_of!(MsgQueueElement, elem_count) == 0x28);
const _: () = assert!(offset_of!(MsgQueueElement, rpc) == 0x30);

/// `NV_VGPU_MSG_FUNCTION_*` (commands, and the replies to them) and
/// `NV_VGPU_MSG_EVENT_*` (messages GSP-RM sends unprompted) numbers, as the
/// `function` field of [`RpcHeader`] carries them.
pub(crate) mod function {
    /// `NV_VGPU_MSG_FUNCTION_NOP`.
    pub(crate) const NOP: u32 = 0;
    /// `NV_VGPU_MSG_FUNCTION_SET_GUEST_SYSTEM_INFO`.
    pub(crate) const SET_GUEST_SYSTEM_INFO: u32 = 1;
    /// `NV_VGPU_MSG_FUNCTION_ALLOC_ROOT`.
    pub(crate) const ALLOC_ROOT: u32 = 2;
    /// `NV_VGPU_MSG_FUNCTION_ALLOC_DEVICE`.
    pub(crate) const ALLOC_DEVICE: u32 = 3;
    /// `NV_VGPU_MSG_FUNCTION_ALLOC_MEMORY`.
    pub(crate) const ALLOC_MEMORY: u32 = 4;
    /// `NV_VGPU_MSG_FUNCTION_ALLOC_CTX_DMA`.
    pub(crate) const ALLOC_CTX_DMA: u32 = 5;
    /// `NV_VGPU_MSG_FUNCTION_ALLOC_CHANNEL_DMA`.
    pub(crate) const ALLOC_CHANNEL_DMA: u32 = 6;
    /// `NV_VGPU_MSG_FUNCTION_MAP_MEMORY`.
    pub(crate) const MAP_MEMORY: u32 = 7;
    /// `NV_VGPU_MSG_FUNCTION_BIND_CTX_DMA`.
    pub(crate) const BIND_CTX_DMA: u32 = 8;
    /// `NV_VGPU_MSG_FUNCTION_ALLOC_OBJECT`.
    pub(crate) const ALLOC_OBJECT: u32 = 9;
    /// `NV_VGPU_MSG_FUNCTION_FREE`: frees an RM object ([`RpcFree`](crate::gsp::fw::RpcFree)).
    pub(crate) const FREE: u32 = 10;
    /// `NV_VGPU_MSG_FUNCTION_LOG`.
    pub(crate) const LOG: u32 = 11;
    /// `NV_VGPU_MSG_FUNCTION_DUP_OBJECT`.
    pub(crate) const DUP_OBJECT: u32 = 21;
    /// `NV_VGPU_MSG_FUNCTION_UNLOADING_GUEST_DRIVER`.
    pub(crate) const UNLOADING_GUEST_DRIVER: u32 = 47;
    /// `NV_VGPU_MSG_FUNCTION_GET_STATIC_INFO`.
    pub(crate) const GET_STATIC_INFO: u32 = 51;
    /// `NV_VGPU_MSG_FUNCTION_SET_PAGE_DIRECTORY`.
    pub(crate) const SET_PAGE_DIRECTORY: u32 = 54;
    /// `NV_VGPU_MSG_FUNCTION_GET_GSP_STATIC_INFO`.
    pub(crate) const GET_GSP_STATIC_INFO: u32 = 65;
    /// `NV_VGPU_MSG_FUNCTION_UPDATE_BAR_PDE`.
    pub(crate) const UPDATE_BAR_PDE: u32 = 70;
    /// `NV_VGPU_MSG_FUNCTION_CONTINUATION_RECORD`: the next part of an RPC
    /// too large for one queue element.
    pub(crate) const CONTINUATION_RECORD: u32 = 71;
    /// `NV_VGPU_MSG_FUNCTION_GSP_SET_SYSTEM_INFO`.
    pub(crate) const GSP_SET_SYSTEM_INFO: u32 = 72;
    /// `NV_VGPU_MSG_FUNCTION_SET_REGISTRY`.
    pub(crate) const SET_REGISTRY: u32 = 73;
    /// `NV_VGPU_MSG_FUNCTION_GSP_INIT_POST_OBJGPU`.
    pub(crate) const GSP_INIT_POST_OBJGPU: u32 = 74;
    /// `NV_VGPU_MSG_FUNCTION_SUBDEV_EVENT_SET_NOTIFICATION`.
    pub(crate) const SUBDEV_EVENT_SET_NOTIFICATION: u32 = 75;
    /// `NV_VGPU_MSG_FUNCTION_GSP_RM_CONTROL`: an RM control call
    /// ([`RpcGspRmControl`](crate::gsp::fw::RpcGspRmControl)).
    pub(crate) const GSP_RM_CONTROL: u32 = 76;
    /// `NV_VGPU_MSG_FUNCTION_GET_STATIC_INFO2`.
    pub(crate) const GET_STATIC_INFO2: u32 = 77;
    /// `NV_VGPU_MSG_FUNCTION_UNSET_PAGE_DIRECTORY`.
    pub(crate) const UNSET_PAGE_DIRECTORY: u32 = 79;
    /// `NV_VGPU_MSG_FUNCTION_GET_CONSOLIDATED_STATIC_INFO`.
    pub(crate) const GET_CONSOLIDATED_STATIC_INFO: u32 = 80;
    /// `NV_VGPU_MSG_FUNCTION_GSP_RM_ALLOC`: allocates an RM object
    /// ([`RpcGspRmAlloc`](crate::gsp::fw::RpcGspRmAlloc)).
    pub(crate) const GSP_RM_ALLOC: u32 = 103;

    /// `NV_VGPU_MSG_EVENT_FIRST_EVENT`: the first event number; every
    /// number from here on is an event, not a reply.
    pub(crate) const FIRST_EVENT: u32 = 0x1000;
    /// `NV_VGPU_MSG_EVENT_GSP_INIT_DONE`.
    pub(crate) const GSP_INIT_DONE: u32 = 0x1001;
    /// `NV_VGPU_MSG_EVENT_GSP_RUN_CPU_SEQUENCER`.
    pub(crate) const GSP_RUN_CPU_SEQUENCER: u32 = 0x1002;
    /// `NV_VGPU_MSG_EVENT_POST_EVENT`.
    pub(crate) const POST_EVENT: u32 = 0x1003;
    /// `NV_VGPU_MSG_EVENT_RC_TRIGGERED`: a channel error (robust channel
    /// recovery).
    pub(crate) const RC_TRIGGERED: u32 = 0x1004;
    /// `NV_VGPU_MSG_EVENT_MMU_FAULT_QUEUED`.
    pub(crate) const MMU_FAULT_QUEUED: u32 = 0x1005;
    /// `NV_VGPU_MSG_EVENT_OS_ERROR_LOG`.
    pub(crate) const OS_ERROR_LOG: u32 = 0x1006;
    /// `NV_VGPU_MSG_EVENT_RG_LINE_INTR`.
    pub(crate) const RG_LINE_INTR: u32 = 0x1007;
    /// `NV_VGPU_MSG_EVENT_GPUACCT_PERFMON_UTIL_SAMPLES`.
    pub(crate) const GPUACCT_PERFMON_UTIL_SAMPLES: u32 = 0x1008;
    /// `NV_VGPU_MSG_EVENT_SIM_READ`.
    pub(crate) const SIM_READ: u32 = 0x1009;
    /// `NV_VGPU_MSG_EVENT_SIM_WRITE`.
    pub(crate) const SIM_WRITE: u32 = 0x100a;
    /// `NV_VGPU_MSG_EVENT_SEMAPHORE_SCHEDULE_CALLBACK`.
    pub(crate) const SEMAPHORE_SCHEDULE_CALLBACK: u32 = 0x100b;
    /// `NV_VGPU_MSG_EVENT_UCODE_LIBOS_PRINT`.
    pub(crate) const UCODE_LIBOS_PRINT: u32 = 0x100c;
    /// `NV_VGPU_MSG_EVENT_VGPU_GSP_PLUGIN_TRIGGERED`.
    pub(crate) const VGPU_GSP_PLUGIN_TRIGGERED: u32 = 0x100d;
    /// `NV_VGPU_MSG_EVENT_PERF_GPU_BOOST_SYNC_LIMITS_CALLBACK`.
    pub(crate) const PERF_GPU_BOOST_SYNC_LIMITS_CALLBACK: u32 = 0x100e;
    /// `NV_VGPU_MSG_EVENT_PERF_BRIDGELESS_INFO_UPDATE`.
    pub(crate) const PERF_BRIDGELESS_INFO_UPDATE: u32 = 0x100f;
    /// `NV_VGPU_MSG_EVENT_VGPU_CONFIG`.
    pub(crate) const VGPU_CONFIG: u32 = 0x1010;
    /// `NV_VGPU_MSG_EVENT_DISPLAY_MODESET`.
    pub(crate) const DISPLAY_MODESET: u32 = 0x1011;
    /// `NV_VGPU_MSG_EVENT_EXTDEV_INTR_SERVICE`.
    pub(crate) const EXTDEV_INTR_SERVICE: u32 = 0x1012;
    /// `NV_VGPU_MSG_EVENT_NVLINK_INBAND_RECEIVED_DATA_256`.
    pub(crate) const NVLINK_INBAND_RECEIVED_DATA_256: u32 = 0x1013;
    /// `NV_VGPU_MSG_EVENT_NVLINK_INBAND_RECEIVED_DATA_512`.
    pub(crate) const NVLINK_INBAND_RECEIVED_DATA_512: u32 = 0x1014;
    /// `NV_VGPU_MSG_EVENT_NVLINK_INBAND_RECEIVED_DATA_1024`.
    pub(crate) const NVLINK_INBAND_RECEIVED_DATA_1024: u32 = 0x1015;
    /// `NV_VGPU_MSG_EVENT_NVLINK_INBAND_RECEIVED_DATA_2048`.
    pub(crate) const NVLINK_INBAND_RECEIVED_DATA_2048: u32 = 0x1016;
    /// `NV_VGPU_MSG_EVENT_NVLINK_INBAND_RECEIVED_DATA_4096`.
    pub(crate) const NVLINK_INBAND_RECEIVED_DATA_4096: u32 = 0x1017;
    /// `NV_VGPU_MSG_EVENT_TIMED_SEMAPHORE_RELEASE`.
    pub(crate) const TIMED_SEMAPHORE_RELEASE: u32 = 0x1018;
    /// `NV_VGPU_MSG_EVENT_NVLINK_IS_GPU_DEGRADED`.
    pub(crate) const NVLINK_IS_GPU_DEGRADED: u32 = 0x1019;
    /// `NV_VGPU_MSG_EVENT_PFM_REQ_HNDLR_STATE_SYNC_CALLBACK`.
    pub(crate) const PFM_REQ_HNDLR_STATE_SYNC_CALLBACK: u32 = 0x101a;
    /// `NV_VGPU_MSG_EVENT_NVLINK_FAULT_UP`.
    pub(crate) const NVLINK_FAULT_UP: u32 = 0x101b;
    /// `NV_VGPU_MSG_EVENT_GSP_LOCKDOWN_NOTICE`.
    pub(crate) const GSP_LOCKDOWN_NOTICE: u32 = 0x101c;
    /// `NV_VGPU_MSG_EVENT_MIG_CI_CONFIG_UPDATE`.
    pub(crate) const MIG_CI_CONFIG_UPDATE: u32 = 0x101d;
    /// `NV_VGPU_MSG_EVENT_UPDATE_GSP_TRACE`.
    pub(crate) const UPDATE_GSP_TRACE: u32 = 0x101e;
    /// `NV_VGPU_MSG_EVENT_NVLINK_FATAL_ERROR_RECOVERY`.
    pub(crate) const NVLINK_FATAL_ERROR_RECOVERY: u32 = 0x101f;
    /// `NV_VGPU_MSG_EVENT_GSP_POST_NOCAT_RECORD`.
    pub(crate) const GSP_POST_NOCAT_RECORD: u32 = 0x1020;
    /// `NV_VGPU_MSG_EVENT_FECS_ERROR`.
    pub(crate) const FECS_ERROR: u32 = 0x1021;
    /// `NV_VGPU_MSG_EVENT_RECOVERY_ACTION`.
    pub(crate) const RECOVERY_ACTION: u32 = 0x1022;
    /// `NV_VGPU_MSG_EVENT_NUM_EVENTS`: one past the last event number.
    pub(crate) const NUM_EVENTS: u32 = 0x1023;

    /// Whether `function` is an event number rather than that of a reply.
    pub(crate) const fn is_event(function: u32) -> bool {
        function >= FIRST_EVENT
    }
}
