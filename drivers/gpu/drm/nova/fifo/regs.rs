// SPDX-License-Identifier: GPL-2.0

//! The CPU interrupt tree of the virtual-function window (BAR0 0xb80000),
//! which the driver owns on GSP-RM systems (GSP-RM owns the rest of the
//! GPU's interrupts and reports what it finds as events).
//!
//! A vector `v` is bit `v % 32` of leaf `v / 32`; each TOP bit `j` says
//! that leaf `2j` or `2j + 1` has a pending, enabled vector. Leaves are
//! write-1-to-clear; the enable registers take set and clear masks. The
//! PCI interrupt is raised while an enabled TOP bit is set.
//!
//! Offsets: the published `turing/tu102/dev_vm.h`
//! (`NV_VIRTUAL_FUNCTION_PRIV_CPU_INTR_*`); nouveau drives the same
//! registers in `nvkm/subdev/vfn/tu102.c` (`tu102_vfn_intr`: leaf 0x1000,
//! enable set 0x1200, clear 0x1400, TOP 0x1600, TOP enable set 0x1608 and
//! clear 0x1610, relative to 0xb80000), for Turing to Blackwell.

use kernel::io::register;

/// Leaves of the tree.
pub(crate) const LEAVES: usize = 8;

register! {
    /// Pending vectors of one leaf; write 1s to clear them.
    pub(crate) NV_VIRTUAL_FUNCTION_PRIV_CPU_INTR_LEAF(u32)[8] @ 0x00b81000 {
        31:0 pending;
    }

    /// Enables the vectors written as 1s.
    pub(crate) NV_VIRTUAL_FUNCTION_PRIV_CPU_INTR_LEAF_EN_SET(u32)[8] @ 0x00b81200 {
        31:0 set;
    }

    /// Disables the vectors written as 1s.
    pub(crate) NV_VIRTUAL_FUNCTION_PRIV_CPU_INTR_LEAF_EN_CLEAR(u32)[8] @ 0x00b81400 {
        31:0 clear;
    }

    /// Which pairs of leaves have something pending and enabled.
    pub(crate) NV_VIRTUAL_FUNCTION_PRIV_CPU_INTR_TOP(u32) @ 0x00b81600 {
        3:0 subtrees;
    }

    /// Lets the TOP bits written as 1s raise the interrupt.
    pub(crate) NV_VIRTUAL_FUNCTION_PRIV_CPU_INTR_TOP_EN_SET(u32) @ 0x00b81608 {
        3:0 set;
    }

    /// Stops the TOP bits written as 1s raising the interrupt.
    pub(crate) NV_VIRTUAL_FUNCTION_PRIV_CPU_INTR_TOP_EN_CLEAR(u32) @ 0x00b81610 {
        3:0 clear;
    }
}

register! {
    /// The doorbell of the usermode window (VFN 0xb80000 + 0x30000): the
    /// work-submit token of a channel whose USERD `GP_PUT` moved
    /// (`NVC361_NOTIFY_CHANNEL_PENDING`, open-gpu-kernel-modules
    /// `class/clc361.h`; nouveau `tu102_chan_start`).
    pub(crate) NV_USERMODE_NOTIFY_CHANNEL_PENDING(u32) @ 0x00bb0090 {
        31:0 token;
    }
}
