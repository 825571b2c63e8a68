// SPDX-License-Identifier: GPL-2.0

//! Registers nova reads before the GPU is booted, and their fields.
//!
//! Offsets and bit positions are those of NVIDIA's open-gpu-doc manuals
//! (`dev_boot.ref`): `NV_PMC_BOOT_0` and `NV_PMC_BOOT_42` identify the chip.

/// Offset of `NV_PMC_BOOT_0` in BAR0: the legacy identification register.
pub(crate) const NV_PMC_BOOT_0: usize = 0x0000_0000;

/// Offset of `NV_PMC_BOOT_42` in BAR0: the extended identification register,
/// valid from Fermi on and the one nova identifies GSP-era chips by.
pub(crate) const NV_PMC_BOOT_42: usize = 0x0000_0a00;

/// Extracts bits `hi:lo` of `value`.
const fn field(value: u32, hi: u32, lo: u32) -> u32 {
    (value >> lo) & (u32::MAX >> (31 - (hi - lo)))
}

/// A value read from `NV_PMC_BOOT_42`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Boot42(pub(crate) u32);

impl Boot42 {
    /// Architecture, bits 29:24 (0x16 Turing, 0x17 Ampere, ...).
    pub(crate) const fn architecture(self) -> u32 {
        field(self.0, 29, 24)
    }

    /// Chipset: architecture and implementation together, bits 29:20
    /// (0x172 for GA102).
    pub(crate) const fn chipset(self) -> u32 {
        field(self.0, 29, 20)
    }

    /// Major revision, bits 19:16.
    pub(crate) const fn major_revision(self) -> u32 {
        field(self.0, 19, 16)
    }

    /// Minor revision, bits 15:12.
    pub(crate) const fn minor_revision(self) -> u32 {
        field(self.0, 15, 12)
    }
}

/// A value read from `NV_PMC_BOOT_0`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Boot0(pub(crate) u32);

impl Boot0 {
    /// Architecture as `BOOT_0` encodes it: bit 8 above bits 28:24.
    pub(crate) const fn architecture(self) -> u32 {
        (field(self.0, 8, 8) << 5) | field(self.0, 28, 24)
    }
}

/// What a read returns when the device does not answer (surprise removal,
/// a dead link or a PCI master abort).
pub(crate) const MMIO_DEAD: u32 = u32::MAX;

/// `NV_PGC6_AON_SECURE_SCRATCH_GROUP_05_PRIV_LEVEL_MASK`: bit 0 is set once
/// the boot firmware lowered the privilege level of scratch group 05, so
/// the CPU may read it.
pub(crate) const NV_PGC6_AON_SECURE_SCRATCH_GROUP_05_PRIV_LEVEL_MASK: usize = 0x0011_8128;

/// `NV_PGC6_AON_SECURE_SCRATCH_GROUP_05(0)`: bits 7:0 are the GFW boot
/// progress, 0xff once complete.
pub(crate) const NV_PGC6_AON_SECURE_SCRATCH_GROUP_05_0: usize = 0x0011_8234;

/// GFW boot progress value meaning "complete".
pub(crate) const GFW_BOOT_COMPLETE: u32 = 0xff;

/// `NV_PGC6_AON_SECURE_SCRATCH_GROUP_42`: usable framebuffer size in MiB
/// (GA102 and later).
pub(crate) const NV_USABLE_FB_SIZE_IN_MB: usize = 0x0011_83a4;

/// `NV_PFB_PRI_MMU_LOCAL_MEMORY_RANGE`: bits 9:4 magnitude, 3:0 scale
/// (MiB), bit 30 ECC enabled (Turing, GA100).
pub(crate) const NV_PFB_PRI_MMU_LOCAL_MEMORY_RANGE: usize = 0x0010_0ce0;

/// `NV_PFB_PRI_MMU_WPR2_ADDR_LO`: bits 31:4 hold the lower bound of WPR2
/// >> 12.
pub(crate) const NV_PFB_PRI_MMU_WPR2_ADDR_LO: usize = 0x001f_a824;

/// `NV_PFB_PRI_MMU_WPR2_ADDR_HI`: bits 31:4 hold the (exclusive) upper
/// bound of WPR2 >> 12; zero while WPR2 is not set up.
pub(crate) const NV_PFB_PRI_MMU_WPR2_ADDR_HI: usize = 0x001f_a828;

/// `NV_PDISP_VGA_WORKSPACE_BASE`: bits 31:8 VGA workspace address >> 16,
/// bit 3 set if valid.
pub(crate) const NV_PDISP_VGA_WORKSPACE_BASE: usize = 0x0062_5f04;

/// `NV_PBUS_SW_SCRATCH(0xe)`: FWSEC-FRTS reports its status in bits 31:16.
pub(crate) const NV_PBUS_SW_SCRATCH_FRTS_STATUS: usize = 0x0000_1400 + 4 * 0xe;

/// BAR0 offset of the PROM window, through which the VBIOS is read.
pub(crate) const NV_PROM_BASE: usize = 0x0030_0000;

/// Size of the PROM window.
pub(crate) const NV_PROM_SIZE: usize = 0x0010_0000;

/// Reads WPR2 from its two registers' raw values: `None` if it is not set
/// up, else its (start, end) byte addresses, end exclusive.
pub(crate) const fn wpr2_range(lo: u32, hi: u32) -> Option<(u64, u64)> {
    let end = ((hi >> 4) as u64) << 12;
    if end == 0 {
        return None;
    }
    Some((((lo >> 4) as u64) << 12, end))
}
