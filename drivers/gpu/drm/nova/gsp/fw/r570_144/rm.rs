// SPDX-License-Identifier: GPL-2.0

//! The RPCs on RM objects: `GSP_RM_ALLOC` allocates one, `GSP_RM_CONTROL`
//! runs a control call on one, `FREE` frees one.
//!
//! `GSP_RM_ALLOC` and `GSP_RM_CONTROL` carry a variable-size parameter block
//! of the object class or control command after their fixed part
//! (`paramsSize` bytes; a flexible `params[]` array in C); GSP-RM answers
//! with the same layout, `status` and the parameters filled in.
//!
//! Source: `rpc_gsp_rm_alloc_v03_00`, `rpc_gsp_rm_control_v03_00` and
//! `rpc_free_v03_00` in `src/nvidia/generated/g_rpc-structures.h`,
//! `NVOS00_PARAMETERS_v03_00` in `src/nvidia/generated/g_sdk-structures.h`
//! (open-gpu-kernel-modules 570.144; unchanged since 535, see nouveau's
//! `rm/r535/nvrm/alloc.h` and `ctrl.h`, which r570 uses).

use core::mem::{
    offset_of,
    size_of, //
};

use kernel::prelude::*;

/// `NvHandle`: the handle of an RM object, chosen by its client.
pub(crate) type Handle = u32;

fw_struct! {
    /// `rpc_gsp_rm_alloc_v03_00` without its flexible `params[]` array: the
    /// parameters of `GSP_RM_ALLOC`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct RpcGspRmAlloc {
        /// `hClient`: the client the object belongs to.
        pub(crate) h_client: Handle,
        /// `hParent`: the parent object.
        pub(crate) h_parent: Handle,
        /// `hObject`: the new object's handle.
        pub(crate) h_object: Handle,
        /// `hClass`: the class of the new object.
        pub(crate) h_class: u32,
        /// `status`: the result, in the reply.
        pub(crate) status: u32,
        /// `paramsSize`: the size of the class's allocation parameters that
        /// follow.
        pub(crate) params_size: u32,
        /// `flags`.
        pub(crate) flags: u32,
        /// `reserved`.
        pub(crate) reserved: [u8; 4],
    }
}

const _: () = assert!(size_of::<RpcGspRmAlloc>() == 0x20);
const _: () = assert!(offset_of!(RpcGspRmAlloc, h_class) == 0x0c);
const _: () = assert!(offset_of!(RpcGspRmAlloc, status) == 0x10);
const _: () = assert!(offset_of!(RpcGspRmAlloc, params_size) == 0x14);
const _: () = assert!(offset_of!(RpcGspRmAlloc, flags) == 0x18);

fw_struct! {
    /// `rpc_gsp_rm_control_v03_00` without its flexible `params[]` array:
    /// the parameters of `GSP_RM_CONTROL`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct RpcGspRmControl {
        /// `hClient`: the client the object belongs to.
        pub(crate) h_client: Handle,
        /// `hObject`: the object the call is made on.
        pub(crate) h_object: Handle,
        /// `cmd`: the control command (`NV2080_CTRL_CMD_*`, ...).
        pub(crate) cmd: u32,
        /// `status`: the result, in the reply.
        pub(crate) status: u32,
        /// `paramsSize`: the size of the command's parameters that follow.
        pub(crate) params_size: u32,
        /// `flags`.
        pub(crate) flags: u32,
    }
}

const _: () = assert!(size_of::<RpcGspRmControl>() == 0x18);
const _: () = assert!(offset_of!(RpcGspRmControl, cmd) == 0x08);
const _: () = assert!(offset_of!(RpcGspRmControl, status) == 0x0c);
const _: () = assert!(offset_of!(RpcGspRmControl, params_size) == 0x10);

fw_struct! {
    /// `NVOS00_PARAMETERS_v03_00`: which object to free.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct Nvos00Parameters {
        /// `hRoot`: the client the object belongs to.
        pub(crate) h_root: Handle,
        /// `hObjectParent`: the object's parent.
        pub(crate) h_object_parent: Handle,
        /// `hObjectOld`: the object to free.
        pub(crate) h_object_old: Handle,
        /// `status`: the result, in the reply.
        pub(crate) status: u32,
    }
}

const _: () = assert!(size_of::<Nvos00Parameters>() == 0x10);
const _: () = assert!(offset_of!(Nvos00Parameters, h_object_old) == 0x08);
const _: () = assert!(offset_of!(Nvos00Parameters, status) == 0x0c);

fw_struct! {
    /// `rpc_free_v03_00`: the parameters of `FREE`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct RpcFree {
        /// `params`.
        pub(crate) params: Nvos00Parameters,
    }
}

const _: () = assert!(size_of::<RpcFree>() == 0x10);

/// `NV01_ROOT`: an RM client.
pub(crate) const NV01_ROOT: u32 = 0x0000;
/// `NV01_DEVICE_0`: a device under a client.
pub(crate) const NV01_DEVICE_0: u32 = 0x0080;
/// `NV20_SUBDEVICE_0`: a subdevice (one GPU) under a device.
pub(crate) const NV20_SUBDEVICE_0: u32 = 0x2080;
/// `FERMI_VASPACE_A`: a GPU virtual address space under a device.
pub(crate) const FERMI_VASPACE_A: u32 = 0x90f1;

/// `NV0080_CTRL_CMD_DMA_SET_PAGE_DIRECTORY`: tells RM where the root page
/// directory of an externally owned VA space is (`ctrl0080dma.h`).
pub(crate) const NV0080_CTRL_CMD_DMA_SET_PAGE_DIRECTORY: u32 = 0x0080_1813;
/// `NV0080_CTRL_CMD_DMA_UNSET_PAGE_DIRECTORY`: makes RM forget it.
pub(crate) const NV0080_CTRL_CMD_DMA_UNSET_PAGE_DIRECTORY: u32 = 0x0080_1814;

/// `NV_VASPACE_ALLOCATION_FLAGS_IS_EXTERNALLY_OWNED` (`nvos.h`): the client
/// owns the page tables of the VA space.
pub(crate) const NV_VASPACE_ALLOCATION_FLAGS_IS_EXTERNALLY_OWNED: u32 = 1 << 3;

/// Length of `processName` in `NV0000_ALLOC_PARAMETERS`.
pub(crate) const NV_PROC_NAME_MAX_LENGTH: usize = 100;

fw_struct! {
    /// `NV0000_ALLOC_PARAMETERS` of r570 (`class/cl0000.h`; nouveau
    /// `rm/r570/nvrm/client.h`): the parameters of an `NV01_ROOT` client.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct Nv0000AllocParameters {
        /// `hClient`: the client's own handle.
        pub(crate) h_client: Handle,
        /// `processID`.
        pub(crate) process_id: u32,
        /// `processName`.
        pub(crate) process_name: [u8; NV_PROC_NAME_MAX_LENGTH],
        /// Padding before the next `u64`.
        pub(crate) pad0: [u8; 4],
        /// `pOsPidInfo`.
        pub(crate) p_os_pid_info: u64,
    }
}

const _: () = assert!(size_of::<Nv0000AllocParameters>() == 120);
const _: () = assert!(offset_of!(Nv0000AllocParameters, p_os_pid_info) == 112);

fw_struct! {
    /// `NV0080_ALLOC_PARAMETERS` (`class/cl0080.h`): the parameters of an
    /// `NV01_DEVICE_0`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct Nv0080AllocParameters {
        /// `deviceId`.
        pub(crate) device_id: u32,
        /// `hClientShare`.
        pub(crate) h_client_share: Handle,
        /// `hTargetClient`.
        pub(crate) h_target_client: Handle,
        /// `hTargetDevice`.
        pub(crate) h_target_device: Handle,
        /// `flags`.
        pub(crate) flags: u32,
        /// Padding before the next `u64`.
        pub(crate) pad0: u32,
        /// `vaSpaceSize`.
        pub(crate) va_space_size: u64,
        /// `vaStartInternal`.
        pub(crate) va_start_internal: u64,
        /// `vaLimitInternal`.
        pub(crate) va_limit_internal: u64,
        /// `vaMode`.
        pub(crate) va_mode: u32,
        /// Padding to the size of the structure.
        pub(crate) pad1: u32,
    }
}

const _: () = assert!(size_of::<Nv0080AllocParameters>() == 56);
const _: () = assert!(offset_of!(Nv0080AllocParameters, va_space_size) == 24);
const _: () = assert!(offset_of!(Nv0080AllocParameters, va_mode) == 48);

fw_struct! {
    /// `NV2080_ALLOC_PARAMETERS` (`class/cl2080.h`): the parameters of an
    /// `NV20_SUBDEVICE_0`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct Nv2080AllocParameters {
        /// `subDeviceId`.
        pub(crate) sub_device_id: u32,
    }
}

const _: () = assert!(size_of::<Nv2080AllocParameters>() == 4);

fw_struct! {
    /// `NV_VASPACE_ALLOCATION_PARAMETERS` (`nvos.h`): the parameters of a
    /// `FERMI_VASPACE_A`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct NvVaspaceAllocationParameters {
        /// `index` (0: a new VA space).
        pub(crate) index: u32,
        /// `flags` (`NV_VASPACE_ALLOCATION_FLAGS_*`).
        pub(crate) flags: u32,
        /// `vaSize` (0: RM's default).
        pub(crate) va_size: u64,
        /// `vaStartInternal`.
        pub(crate) va_start_internal: u64,
        /// `vaLimitInternal`.
        pub(crate) va_limit_internal: u64,
        /// `bigPageSize` (0: RM's default, 64 KiB).
        pub(crate) big_page_size: u32,
        /// Padding before the next `u64`.
        pub(crate) pad0: u32,
        /// `vaBase`.
        pub(crate) va_base: u64,
    }
}

const _: () = assert!(size_of::<NvVaspaceAllocationParameters>() == 48);
const _: () = assert!(offset_of!(NvVaspaceAllocationParameters, big_page_size) == 32);
const _: () = assert!(offset_of!(NvVaspaceAllocationParameters, va_base) == 40);

fw_struct! {
    /// `NV0080_CTRL_DMA_SET_PAGE_DIRECTORY_PARAMS` (`ctrl0080dma.h`).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct Nv0080CtrlDmaSetPageDirectoryParams {
        /// `physAddress`: the root page directory.
        pub(crate) phys_address: u64,
        /// `numEntries`: entries of the root directory.
        pub(crate) num_entries: u32,
        /// `flags`: APERTURE 1:0 (0 video memory), ALL_CHANNELS 3, ...
        pub(crate) flags: u32,
        /// `hVASpace`: the VA space.
        pub(crate) h_va_space: Handle,
        /// `chId`.
        pub(crate) ch_id: u32,
        /// `subDeviceId` (ID + 1, 0 for all).
        pub(crate) sub_device_id: u32,
        /// `pasid`.
        pub(crate) pasid: u32,
    }
}

const _: () = assert!(size_of::<Nv0080CtrlDmaSetPageDirectoryParams>() == 32);
const _: () = assert!(offset_of!(Nv0080CtrlDmaSetPageDirectoryParams, h_va_space) == 16);

fw_struct! {
    /// `NV0080_CTRL_DMA_UNSET_PAGE_DIRECTORY_PARAMS` (`ctrl0080dma.h`).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct Nv0080CtrlDmaUnsetPageDirectoryParams {
        /// `hVASpace`: the VA space.
        pub(crate) h_va_space: Handle,
        /// `subDeviceId`.
        pub(crate) sub_device_id: u32,
    }
}

const _: () = assert!(size_of::<Nv0080CtrlDmaUnsetPageDirectoryParams>() == 8);

/// `NV2080_CTRL_CMD_GPU_GET_FERMI_GPC_INFO` (`ctrl2080gpu.h`): the mask of
/// enabled GPCs, asked of GSP-RM's internal subdevice (nouveau
/// `rm/r570/gr.c`).
pub(crate) const NV2080_CTRL_CMD_GPU_GET_FERMI_GPC_INFO: u32 = 0x2080_0137;
/// `NV2080_CTRL_CMD_GPU_GET_FERMI_TPC_INFO`: the mask of enabled TPCs of
/// one GPC.
pub(crate) const NV2080_CTRL_CMD_GPU_GET_FERMI_TPC_INFO: u32 = 0x2080_0138;

fw_struct! {
    /// `NV2080_CTRL_GPU_GET_FERMI_GPC_INFO_PARAMS`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct Nv2080CtrlGpuGetFermiGpcInfoParams {
        /// `gpcMask`: out, the enabled GPCs.
        pub(crate) gpc_mask: u32,
    }
}

fw_struct! {
    /// `NV2080_CTRL_GPU_GET_FERMI_TPC_INFO_PARAMS`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct Nv2080CtrlGpuGetFermiTpcInfoParams {
        /// `gpcId`: in, the GPC.
        pub(crate) gpc_id: u32,
        /// `tpcMask`: out, its enabled TPCs.
        pub(crate) tpc_mask: u32,
    }
}

const _: () = assert!(size_of::<Nv2080CtrlGpuGetFermiTpcInfoParams>() == 8);
