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
