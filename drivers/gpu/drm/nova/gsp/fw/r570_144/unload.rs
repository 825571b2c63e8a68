// SPDX-License-Identifier: GPL-2.0

//! `UNLOADING_GUEST_DRIVER`: the parameters that tell GSP-RM to shut down or
//! to suspend.
//!
//! Source: `rpc_unloading_guest_driver_v1F_07` in
//! `src/nvidia/generated/g_rpc-structures.h` (open-gpu-kernel-modules
//! 570.144); the same facts in nova-core's r570.144 bindings.

use core::mem::{
    offset_of,
    size_of, //
};

use kernel::prelude::*;

fw_struct! {
    /// `rpc_unloading_guest_driver_v1F_07`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct UnloadingGuestDriver {
        /// `bInPMTransition`: a power-management transition (suspend), not
        /// an unload.
        pub(crate) b_in_pm_transition: u8,
        /// `bGc6Entering`: the GPU enters GC6.
        pub(crate) b_gc6_entering: u8,
        /// Padding before the next `u32`.
        pub(crate) pad0: [u8; 2],
        /// `newLevel`: the power level entered (`NV2080_CTRL_GPU_SET_POWER_STATE_GPU_LEVEL_*`);
        /// zero for an unload.
        pub(crate) new_level: u32,
    }
}

const _: () = assert!(size_of::<UnloadingGuestDriver>() == 8);
const _: () = assert!(offset_of!(UnloadingGuestDriver, new_level) == 4);
