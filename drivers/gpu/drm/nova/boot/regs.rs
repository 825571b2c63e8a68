// SPDX-License-Identifier: GPL-2.0

//! The registers the GSP boot reads and writes outside the falcons: the
//! GFW boot status, the framebuffer size and layout registers, WPR2, the
//! firmware status scratch registers, the display fuse, the VGA workspace
//! and the PROM window. Offsets and fields: NVIDIA's open-gpu-doc manuals
//! (`dev_boot.ref`, `dev_fb.ref`, `dev_gc6_island.ref`, `dev_fuse.ref`),
//! nova-core `regs.rs`, nouveau `nvkm/subdev/{fb,gsp}`.

use kernel::io::register;

register! {
    /// Scratch registers boot firmware reports its status in.
    pub(crate) NV_PBUS_SW_SCRATCH(u32)[64] @ 0x00001400 {}

    /// FWSEC-FRTS's status.
    pub(crate) NV_PBUS_SW_SCRATCH_FRTS_STATUS(u32) => NV_PBUS_SW_SCRATCH[0xe] {
        /// Zero on success.
        31:16 status;
    }

    /// FWSEC-SB's status.
    pub(crate) NV_PBUS_SW_SCRATCH_SB_STATUS(u32) => NV_PBUS_SW_SCRATCH[0x15] {
        /// Zero on success.
        15:0 status;
    }

    /// Local memory range (Turing, GA100): the size of VRAM.
    pub(crate) NV_PFB_PRI_MMU_LOCAL_MEMORY_RANGE(u32) @ 0x00100ce0 {
        /// ECC is on: one sixteenth of the memory holds it.
        30:30 ecc_mode => bool;
        /// Size in MiB is `lower_mag << lower_scale`.
        9:4 lower_mag;
        3:0 lower_scale;
    }

    /// Lower bound of WPR2.
    pub(crate) NV_PFB_PRI_MMU_WPR2_ADDR_LO(u32) @ 0x001fa824 {
        /// Address bits 43:12.
        31:4 lo_val;
    }

    /// Upper bound of WPR2, inclusive: the address of its last 128 KiB
    /// block; zero while WPR2 is not set up.
    pub(crate) NV_PFB_PRI_MMU_WPR2_ADDR_HI(u32) @ 0x001fa828 {
        /// Address bits 43:12.
        31:4 hi_val;
    }

    /// Set once boot stage 3 (the GSP-RM reload at a sequencer resume)
    /// handed off.
    pub(crate) NV_PGC6_BSI_SECURE_SCRATCH_14(u32) @ 0x001180f8 {
        26:26 boot_stage_3_handoff => bool;
    }

    /// Privilege level mask of scratch group 05.
    pub(crate) NV_PGC6_AON_SECURE_SCRATCH_GROUP_05_PRIV_LEVEL_MASK(u32) @ 0x00118128 {
        /// Set once the boot firmware lowered it, so the CPU may read the
        /// group.
        0:0 read_protection_level0 => bool;
    }

    /// Scratch group 05, register 0: the GFW boot progress.
    pub(crate) NV_PGC6_AON_SECURE_SCRATCH_GROUP_05_0(u32) @ 0x00118234 {
        /// 0xff once GFW boot is complete.
        7:0 gfw_boot_progress;
    }

    /// Scratch group 42: the usable framebuffer size (GA102 and later).
    pub(crate) NV_PGC6_AON_SECURE_SCRATCH_GROUP_42(u32) @ 0x001183a4 {
        /// Size in MiB.
        31:0 usable_fb_size_mib;
    }

    /// Display fuse (Turing).
    pub(crate) NV_FUSE_STATUS_OPT_DISPLAY_TU102(u32) @ 0x00021c04 {
        /// Set if the chip has no display.
        0:0 disabled => bool;
    }

    /// Display fuse (GA100 and later).
    pub(crate) NV_FUSE_STATUS_OPT_DISPLAY_GA100(u32) @ 0x00820c04 {
        /// Set if the chip has no display.
        0:0 disabled => bool;
    }

    /// Where the VGA workspace is.
    pub(crate) NV_PDISP_VGA_WORKSPACE_BASE(u32) @ 0x00625f04 {
        /// Address bits 39:16.
        31:8 addr;
        /// The address is valid.
        3:3 status_valid => bool;
    }

    /// The PROM window: the VBIOS, read 32 bits at a time.
    pub(crate) NV_PROM_DATA(u32)[0x40000] @ 0x00300000 {}

    /// The mirror of the PCI configuration space (Turing to Ada), which
    /// GSP-RM is told about.
    pub(crate) NV_EP_PCFGM(u32)[0x400] @ 0x00088000 {}

    /// The mirror of the PCI configuration space (Hopper and later).
    pub(crate) NV_PF0_PCFG_MIRROR(u32)[0x400] @ 0x00092000 {}
}
