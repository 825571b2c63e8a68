// SPDX-License-Identifier: GPL-2.0

//! The MMU registers nova writes: the TLB invalidation registers of the
//! virtual-function window (BAR0 0xb80000), which a driver uses on GSP-RM
//! systems. Offsets and fields: the published `turing/tu102/dev_vm.h`
//! (`NV_VIRTUAL_FUNCTION_PRIV_MMU_INVALIDATE*`), the same on Hopper and
//! Blackwell; nouveau `nvkm/subdev/mmu/vmmtu102.c` (`tu102_vmm_flush`).

use kernel::io::register;

register! {
    /// The page directory whose translations to drop: its address in 4 KiB
    /// units (bits 39:12) and aperture (0 video memory, 1 system memory).
    pub(crate) NV_VIRTUAL_FUNCTION_PRIV_MMU_INVALIDATE_PDB(u32) @ 0x00b830a0 {
        31:4 addr;
        1:1 aperture_sysmem => bool;
    }

    /// Bits 59:40 of the page directory's address.
    pub(crate) NV_VIRTUAL_FUNCTION_PRIV_MMU_INVALIDATE_UPPER_PDB(u32) @ 0x00b830a4 {
        19:0 addr;
    }

    /// Starts an invalidation when TRIGGER is written; TRIGGER reads 1 until
    /// it is done.
    pub(crate) NV_VIRTUAL_FUNCTION_PRIV_MMU_INVALIDATE(u32) @ 0x00b830b0 {
        31:31 trigger => bool;
        2:2 hubtlb_only => bool;
        1:1 all_pdb => bool;
        0:0 all_va => bool;
    }
}
