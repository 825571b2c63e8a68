// SPDX-License-Identifier: GPL-2.0

//! GPU page-table formats: how the MMU splits a virtual address over the
//! levels, and how nova encodes page-directory and page-table entries.
//!
//! Facts (nouveau `nvkm/subdev/mmu/vmmgp100.c` and `vmmgh100.c`, the
//! published `dev_mmu.h` of gh100 in `nouveau/include/nvhw/ref/`):
//!
//! * "ver2" (Turing, Ampere, Ada): 49-bit VA; PD3 (VA 48:47), PD2 (46:38),
//!   PD1 (37:29) with 8-byte entries, PD0 (28:21) with 16-byte dual entries
//!   (low half: the big-page table, high half: the small-page table; a
//!   valid PTE in the low half maps a 2 MiB page), the small-page table
//!   (20:12, 8-byte PTEs) and the 64 KiB big-page table (20:16). A PDE:
//!   aperture 2:1 (1 video memory, 2 coherent and 3 non-coherent system
//!   memory), VOL 3 (nouveau sets it for coherent system memory), the
//!   address in 4 KiB units from bit 8. A PTE: VALID 0, aperture 2:1 (0
//!   video memory, 2 and 3 system memory), VOL 3, PRIV 5, READ_ONLY 6, the
//!   address in 4 KiB units from bit 8, KIND 63:56 (0: pitch).
//! * "ver3" (Hopper, Blackwell): 57-bit VA, one more level (PD4, VA bit
//!   56); PDE aperture 2:1, PCF 5:3 (2: valid, cached; 1: valid,
//!   uncached), address 51:12 in place; PTE VALID 0, aperture 2:1, PCF
//!   7:3 (0x10 read-write cached, 0x11 uncached, 0x12 privileged, 0x14
//!   read-only), KIND 11:8, address 51:12 in place.
//! * Sparse: an entry with aperture invalid (or VALID clear) and bit 3 set
//!   (VOL in ver2, PCF 1 "sparse" in ver3): reads return zero, writes are
//!   dropped. An all-zero big PTE sends the MMU on to the small-page table.

use kernel::prelude::*;

/// Where a page or table lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Aperture {
    /// Video memory.
    Vram,
    /// System memory, snooped.
    SysCoherent,
}

/// Access rights of a mapping.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct PteAttrs {
    /// GPU writes fault.
    pub(crate) read_only: bool,
    /// Only privileged (kernel) contexts may access it.
    pub(crate) privileged: bool,
}

/// One page-directory level, root first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct DirLevel {
    /// Lowest VA bit of this level's index.
    pub(crate) shift: u32,
    /// Width of the index in bits.
    pub(crate) bits: u32,
}

impl DirLevel {
    /// Number of entries.
    pub(crate) const fn entries(&self) -> usize {
        1 << self.bits
    }

    /// Bytes of VA one entry covers.
    pub(crate) const fn span(&self) -> u64 {
        1 << self.shift
    }

    /// The index of `va` in a table of this level.
    pub(crate) const fn index(&self, va: u64) -> usize {
        ((va >> self.shift) & ((1 << self.bits) - 1)) as usize
    }
}

/// VA bit of the small-page (4 KiB) table index.
pub(crate) const SMALL_SHIFT: u32 = 12;
/// VA bit of the big-page (64 KiB) table index.
pub(crate) const BIG_SHIFT: u32 = 16;
/// VA bit of the PD0 index: a PD0 entry covers 2 MiB.
pub(crate) const PD0_SHIFT: u32 = 21;
/// Entries of a small-page table.
pub(crate) const SMALL_ENTRIES: usize = 1 << (PD0_SHIFT - SMALL_SHIFT);
/// Entries of a big-page table.
pub(crate) const BIG_ENTRIES: usize = 1 << (PD0_SHIFT - BIG_SHIFT);
/// Bytes of a PD0 entry.
pub(crate) const PD0_ENTRY: usize = 16;

/// The value of a sparse entry, at every level and in both formats.
pub(crate) const SPARSE: u64 = 1 << 3;

/// A page-table format, one per MMU generation (the MMU's HAL).
pub(crate) trait Format: Send + Sync {
    /// Width of a virtual address.
    fn va_bits(&self) -> u32;
    /// The directory levels from the root down to PD0 (the last).
    fn dirs(&self) -> &'static [DirLevel];
    /// A PDE pointing at a table at `addr` (4 KiB-aligned, 256-byte for a
    /// big-page table in ver3) in `ap`.
    fn pde(&self, ap: Aperture, addr: u64) -> u64;
    /// A valid PTE mapping the page at `addr` in `ap`.
    fn pte(&self, ap: Aperture, addr: u64, attrs: PteAttrs) -> u64;
}

/// Address bits a PDE or PTE can hold (ver2: 53:12 from bit 8, ver3:
/// 51:12).
const fn field(addr: u64, top: u32) -> u64 {
    addr & ((1u64 << (top + 1)) - 1) & !0xfff
}

/// The "ver2" format (Turing, Ampere, Ada).
pub(crate) struct Ver2;

const VER2_DIRS: [DirLevel; 4] = [
    DirLevel { shift: 47, bits: 2 },
    DirLevel { shift: 38, bits: 9 },
    DirLevel { shift: 29, bits: 9 },
    DirLevel {
        shift: PD0_SHIFT,
        bits: 8,
    },
];

impl Format for Ver2 {
    fn va_bits(&self) -> u32 {
        49
    }

    fn dirs(&self) -> &'static [DirLevel] {
        &VER2_DIRS
    }

    fn pde(&self, ap: Aperture, addr: u64) -> u64 {
        let ap = match ap {
            Aperture::Vram => 1 << 1,
            // VOL for snooped system memory, as nouveau does.
            Aperture::SysCoherent => (2 << 1) | (1 << 3),
        };
        (field(addr, 53) >> 4) | ap
    }

    fn pte(&self, ap: Aperture, addr: u64, attrs: PteAttrs) -> u64 {
        let mut v = (field(addr, 53) >> 4) | 1;
        if ap == Aperture::SysCoherent {
            v |= (2 << 1) | (1 << 3);
        }
        if attrs.privileged {
            v |= 1 << 5;
        }
        if attrs.read_only {
            v |= 1 << 6;
        }
        v
    }
}

/// The "ver3" format (Hopper, Blackwell).
pub(crate) struct Ver3;

const VER3_DIRS: [DirLevel; 5] = [
    DirLevel { shift: 56, bits: 1 },
    DirLevel { shift: 47, bits: 9 },
    DirLevel { shift: 38, bits: 9 },
    DirLevel { shift: 29, bits: 9 },
    DirLevel {
        shift: PD0_SHIFT,
        bits: 8,
    },
];

/// ver3 PTE PCF values.
const PCF_RW_CACHED: u64 = 0x10;
const PCF_RW_UNCACHED: u64 = 0x11;
const PCF_PRIVILEGED: u64 = 0x02;
const PCF_READ_ONLY: u64 = 0x04;

impl Format for Ver3 {
    fn va_bits(&self) -> u32 {
        57
    }

    fn dirs(&self) -> &'static [DirLevel] {
        &VER3_DIRS
    }

    fn pde(&self, ap: Aperture, addr: u64) -> u64 {
        let bits = match ap {
            // Aperture video memory, PCF VALID_CACHED_ATS_NOT_ALLOWED.
            Aperture::Vram => (1 << 1) | (2 << 3),
            // Coherent system memory, PCF VALID_UNCACHED_ATS_ALLOWED.
            Aperture::SysCoherent => (2 << 1) | (1 << 3),
        };
        (addr & ((1u64 << 52) - 1) & !0xff) | bits
    }

    fn pte(&self, ap: Aperture, addr: u64, attrs: PteAttrs) -> u64 {
        let (aperture, mut pcf) = match ap {
            Aperture::Vram => (0, PCF_RW_CACHED),
            Aperture::SysCoherent => (2, PCF_RW_UNCACHED),
        };
        if attrs.privileged {
            pcf |= PCF_PRIVILEGED;
        }
        if attrs.read_only {
            pcf |= PCF_READ_ONLY;
        }
        field(addr, 51) | (pcf << 3) | (aperture << 1) | 1
    }
}

/// The ver2 format.
pub(crate) static VER2: Ver2 = Ver2;
/// The ver3 format.
pub(crate) static VER3: Ver3 = Ver3;

#[kunit_tests(nova_mmu_format)]
mod tests {
    use super::*;

    #[test]
    fn ver2_levels_cover_49_bits() {
        let d = VER2.dirs();
        assert_eq!(d[0].shift + d[0].bits, VER2.va_bits());
        for w in d.windows(2) {
            assert_eq!(w[1].shift + w[1].bits, w[0].shift);
        }
        assert_eq!(d[3].shift, 21);
        assert_eq!(d[3].entries() * PD0_ENTRY, 4096);
        assert_eq!(d[0].entries(), 4);
    }

    #[test]
    fn ver3_levels_cover_57_bits() {
        let d = VER3.dirs();
        assert_eq!(d[0].shift + d[0].bits, VER3.va_bits());
        for w in d.windows(2) {
            assert_eq!(w[1].shift + w[1].bits, w[0].shift);
        }
        assert_eq!(d[0].entries(), 2);
    }

    #[test]
    fn ver2_entries() {
        // A table at VRAM 0x12345000: address >> 12 at bit 8, aperture 1.
        assert_eq!(VER2.pde(Aperture::Vram, 0x1234_5000), 0x0123_4502);
        assert_eq!(VER2.pde(Aperture::SysCoherent, 0x1_0000_0000), 0x100_0000c);
        let plain = PteAttrs::default();
        assert_eq!(VER2.pte(Aperture::Vram, 0x20_0000, plain), 0x2_0001);
        assert_eq!(
            VER2.pte(Aperture::SysCoherent, 0x8_0000_1000, plain),
            0x8000_010d
        );
        let ro = PteAttrs {
            read_only: true,
            privileged: true,
        };
        assert_eq!(VER2.pte(Aperture::Vram, 0x1000, ro), 0x161);
        // Offsets within a page are not part of the entry.
        assert_eq!(
            VER2.pte(Aperture::Vram, 0x1fff, plain),
            VER2.pte(Aperture::Vram, 0x1000, plain)
        );
    }

    #[test]
    fn ver3_entries() {
        assert_eq!(VER3.pde(Aperture::Vram, 0x1234_5000), 0x1234_5012);
        assert_eq!(VER3.pde(Aperture::Vram, 0x1234_5100), 0x1234_5112);
        assert_eq!(VER3.pde(Aperture::SysCoherent, 0x4000), 0x400c);
        let plain = PteAttrs::default();
        assert_eq!(VER3.pte(Aperture::Vram, 0x20_0000, plain), 0x20_0081);
        assert_eq!(VER3.pte(Aperture::SysCoherent, 0x3000, plain), 0x308d);
        let ro = PteAttrs {
            read_only: true,
            privileged: false,
        };
        assert_eq!(VER3.pte(Aperture::Vram, 0x1000, ro), 0x10a1);
    }

    #[test]
    fn indices() {
        let pd0 = VER2.dirs()[3];
        assert_eq!(pd0.index(0x20_0000), 1);
        assert_eq!(pd0.index(0x1fff_ffff), 255);
        assert_eq!(VER2.dirs()[0].index(1 << 48), 2);
    }
}
