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
