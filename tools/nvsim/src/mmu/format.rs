//! The GMMU page-table formats: which virtual-address bits each level
//! indexes, and what the bits of a directory or page-table entry mean.
//!
//! Sources (facts only; the code is nvsim's own):
//!
//! * levels: open-gpu-kernel-modules `kern_gmmu_fmt_gp10x.c`
//!   (`kgmmuFmtInitLevels_GP10X`: PD3 48:47, PD2 46:38, PD1 37:29,
//!   PD0 28:21 with 16-byte entries and 2 MiB pages, big PT 20:16 or
//!   20:17, small PT 20:12) and `kern_gmmu_fmt_gh10x.c`
//!   (`kgmmuFmtInitLevels_GH10X`: 57 VA bits, PD4 56, PD3 55:47, PD2
//!   46:38, PD1 37:29 also holding 512 MiB pages, PD0 28:21, PTs as
//!   ver2); nouveau `vmmgp100.c` `gp100_vmm_desc_12/16` and `vmmgh100.c`
//!   `gh100_vmm_desc_12/16` (bits per level, entry sizes) and the page
//!   lists of `vmmtu102.c`/`vmmgh100.c` (which levels may map pages);
//! * ver2 entries: open-gpu-doc `manuals/turing/tu104/dev_mmu.ref.txt`
//!   (`NV_MMU_VER2_PDE_*`, `NV_MMU_VER2_DUAL_PDE_*`, `NV_MMU_VER2_PTE_*`)
//!   and `NV_MMU_VER2_PTE_ENCRYPTED` 4:4 from open-gpu-kernel-modules'
//!   published `dev_mmu.h`;
//! * ver3 entries: nouveau `include/nvhw/ref/gh100/dev_mmu.h`
//!   (`NV_MMU_VER3_PDE_*`, `NV_MMU_VER3_DUAL_PDE_*`, `NV_MMU_VER3_PTE_*`,
//!   the PCF values);
//! * invalid-entry encodings: nouveau `vmmgp100.c` ("VALID_FALSE + VOL
//!   tells the MMU to treat the PTE as sparse", "VALID_FALSE + PRIV tells
//!   the MMU to ignore corresponding SPTEs", "VALID_FALSE + VOL_BIG tells
//!   the MMU to treat the PDE as sparse"), open-gpu-kernel-modules
//!   `kern_gmmu_gv100.c` (the "NV4K" big PTE: valid 0, vol 1, priv 1) and
//!   `vmmgh100.c` (PCF SPARSE / NO_VALID_4KB_PAGE);
//! * kinds: `NV_MMU_PTE_KIND_INVALID` = 0x07, 16 kinds (tu104
//!   `dev_mmu.ref.txt`, gh100 `dev_mmu.h`).
//!
//! Ver2 entry bits (64-bit little-endian words; bit n of the second word
//! of a dual entry is bit 64+n):
//!
//! | entry | field | bits |
//! | --- | --- | --- |
//! | PDE | IS_PTE (= VALID) | 0 |
//! | PDE | APERTURE: 0 invalid, 1 video, 2 coherent sysmem, 3 non-coherent | 2:1 |
//! | PDE | VOL | 3 |
//! | PDE | NO_ATS | 5 |
//! | PDE | ADDRESS_SYS / ADDRESS_VID (address >> 12) | 53:8 / 32:8 |
//! | dual PDE | IS_PTE | 0 |
//! | dual PDE | APERTURE_BIG, VOL_BIG | 2:1, 3 |
//! | dual PDE | ADDRESS_BIG_SYS / _VID (address >> 8) | 53:4 / 32:4 |
//! | dual PDE | APERTURE_SMALL, VOL_SMALL | 66:65, 67 |
//! | dual PDE | ADDRESS_SMALL_SYS / _VID (address >> 12) | 117:72 / 96:72 |
//! | PTE | VALID | 0 |
//! | PTE | APERTURE: 0 video, 1 peer, 2 coherent sysmem, 3 non-coherent | 2:1 |
//! | PTE | VOL, ENCRYPTED, PRIVILEGE, READ_ONLY, ATOMIC_DISABLE | 3, 4, 5, 6, 7 |
//! | PTE | ADDRESS_SYS / ADDRESS_VID (address >> 12), VID peer | 53:8 / 32:8, 35:33 |
//! | PTE | COMPTAGLINE (video memory only: overlaps ADDRESS_SYS) | 55:36 |
//! | PTE | KIND | 63:56 |
//!
//! Ver3:
//!
//! | entry | field | bits |
//! | --- | --- | --- |
//! | PDE | IS_PTE (= VALID), APERTURE (as ver2), PCF | 0, 2:1, 5:3 |
//! | PDE | ADDRESS (in place) | 51:12 |
//! | dual PDE | IS_PTE, APERTURE_BIG, PCF_BIG, ADDRESS_BIG (in place) | 0, 2:1, 5:3, 51:8 |
//! | dual PDE | APERTURE_SMALL, PCF_SMALL, ADDRESS_SMALL (in place) | 66:65, 69:67, 115:76 |
//! | PTE | VALID, APERTURE (as ver2), PCF, KIND | 0, 2:1, 7:3, 11:8 |
//! | PTE | ADDRESS (in place; video memory 39:12), PEER_ID | 51:12, 63:61 |
//!
//! PDE PCF with an INVALID aperture: bit 0 set = sparse (values 1 and 3,
//! `SPARSE_ATS_ALLOWED`/`_NOT_ALLOWED`). PTE PCF of a valid PTE: bit 0
//! uncached, bit 1 privileged, bit 2 read-only, bit 3 no atomics, bit 4
//! access counting disabled (`REGULAR_RW_ATOMIC_CACHED_ACE` = 0 ...
//! `PRIVILEGE_RO_NO_ATOMIC_UNCACHED_ACD` = 0x1f); of an invalid PTE: 0
//! INVALID, 1 SPARSE, 2 MAPPING_NOWHERE, 3 NO_VALID_4KB_PAGE.

use std::fmt;

use crate::chip::Arch;

/// A page-table format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Turing, Ampere, Ada: 49-bit VA, PD3..PD0 and PT.
    Ver2,
    /// Hopper, Blackwell: 57-bit VA, PD4..PD0 and PT, PCF fields.
    Ver3,
}

/// A level of the page-table tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Level {
    /// Ver3 root (VA bit 56).
    Pd4,
    /// Ver2 root (48:47), ver3 55:47.
    Pd3,
    /// 46:38.
    Pd2,
    /// 37:29.
    Pd1,
    /// 28:21, dual entries.
    Pd0,
    /// Big-page table (20:16 for 64 KiB pages).
    BigPt,
    /// Small-page table (20:12).
    SmallPt,
}

impl Level {
    /// The level's name as the manuals write it.
    pub fn name(self) -> &'static str {
        match self {
            Level::Pd4 => "PD4",
            Level::Pd3 => "PD3",
            Level::Pd2 => "PD2",
            Level::Pd1 => "PD1",
            Level::Pd0 => "PD0",
            Level::BigPt => "PT_BIG",
            Level::SmallPt => "PT_SMALL",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A directory level above PD0: which VA bits index it and whether its
/// entries may map pages.
#[derive(Debug, Clone, Copy)]
pub struct Dir {
    /// The level.
    pub level: Level,
    /// Highest VA bit of the index.
    pub hi: u8,
    /// Lowest VA bit of the index (also the page shift of a page mapped
    /// here).
    pub lo: u8,
    /// Entries may be PTEs (IS_PTE set).
    pub pages: bool,
}

const VER2_DIRS: &[Dir] = &[
    Dir {
        level: Level::Pd3,
        hi: 48,
        lo: 47,
        pages: false,
    },
    Dir {
        level: Level::Pd2,
        hi: 46,
        lo: 38,
        pages: false,
    },
    Dir {
        level: Level::Pd1,
        hi: 37,
        lo: 29,
        pages: false,
    },
];

const VER3_DIRS: &[Dir] = &[
    Dir {
        level: Level::Pd4,
        hi: 56,
        lo: 56,
        pages: false,
    },
    Dir {
        level: Level::Pd3,
        hi: 55,
        lo: 47,
        pages: false,
    },
    Dir {
        level: Level::Pd2,
        hi: 46,
        lo: 38,
        pages: false,
    },
    Dir {
        level: Level::Pd1,
        hi: 37,
        lo: 29,
        pages: true,
    },
];

/// PD0 indexes VA bits 28:21; a PTE there maps 2 MiB.
pub const PD0_SHIFT: u8 = 21;
/// Small pages: 4 KiB.
pub const SMALL_SHIFT: u8 = 12;

impl Format {
    /// The format of an architecture's GMMU.
    pub fn for_arch(arch: Arch) -> Format {
        match arch {
            Arch::Turing | Arch::Ampere | Arch::Ada => Format::Ver2,
            Arch::Hopper | Arch::BlackwellGb10x | Arch::BlackwellGb20x => Format::Ver3,
        }
    }

    /// "ver2" or "ver3".
    pub fn name(self) -> &'static str {
        match self {
            Format::Ver2 => "ver2",
            Format::Ver3 => "ver3",
        }
    }

    /// Width of a virtual address.
    pub fn va_bits(self) -> u8 {
        match self {
            Format::Ver2 => 49,
            Format::Ver3 => 57,
        }
    }

    /// The levels above PD0, root first.
    pub fn dirs(self) -> &'static [Dir] {
        match self {
            Format::Ver2 => VER2_DIRS,
            Format::Ver3 => VER3_DIRS,
        }
    }
}

/// Where a physical address points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Aperture {
    /// Video memory (VRAM).
    Vram,
    /// Coherent system memory (guest memory through DMA).
    SysCoherent,
    /// Non-coherent system memory (guest memory through DMA).
    SysNonCoherent,
    /// Another GPU's memory.
    Peer,
}

impl Aperture {
    /// Short name for logs.
    pub fn name(self) -> &'static str {
        match self {
            Aperture::Vram => "vid",
            Aperture::SysCoherent => "sys",
            Aperture::SysNonCoherent => "sys-ncoh",
            Aperture::Peer => "peer",
        }
    }

    /// System memory, coherent or not.
    pub fn is_sysmem(self) -> bool {
        matches!(self, Aperture::SysCoherent | Aperture::SysNonCoherent)
    }
}

/// A physical address in an aperture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PhysAddr {
    /// The aperture.
    pub aperture: Aperture,
    /// The address in it.
    pub addr: u64,
}

impl PhysAddr {
    /// An address in VRAM.
    pub fn vram(addr: u64) -> Self {
        Self {
            aperture: Aperture::Vram,
            addr,
        }
    }

    /// An address in coherent system memory.
    pub fn sys(addr: u64) -> Self {
        Self {
            aperture: Aperture::SysCoherent,
            addr,
        }
    }

    /// The address `off` bytes further.
    pub fn offset(self, off: u64) -> Self {
        Self {
            aperture: self.aperture,
            addr: self.addr.wrapping_add(off),
        }
    }
}

impl fmt::Display for PhysAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{:#x}", self.aperture.name(), self.addr)
    }
}

/// The bits `hi..=lo` of `v`, shifted down (0 if `hi < lo`).
pub fn bits(v: u64, hi: u8, lo: u8) -> u64 {
    if hi < lo || lo >= 64 {
        return 0;
    }
    let width = u32::from(hi - lo + 1);
    let mask = if width >= 64 {
        u64::MAX
    } else {
        (1u64 << width) - 1
    };
    (v >> lo) & mask
}

fn bit(v: u64, n: u8) -> bool {
    v >> n & 1 != 0
}

/// A directory entry (or one half of a dual PD0 entry) decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pde {
    /// Points at the next-level table.
    Table {
        /// Where the table is.
        at: PhysAddr,
        /// Volatile (ver2 VOL; ver3 PCF "uncached").
        volatile: bool,
    },
    /// Aperture INVALID: nothing mapped below.
    Invalid,
    /// Aperture INVALID with the sparse encoding: reads return zero,
    /// writes are dropped, no fault.
    Sparse,
}

/// The directory aperture field: 0 invalid, 1 video, 2/3 system memory.
fn pde_aperture(v: u64) -> Option<Aperture> {
    match v & 3 {
        1 => Some(Aperture::Vram),
        2 => Some(Aperture::SysCoherent),
        3 => Some(Aperture::SysNonCoherent),
        _ => None,
    }
}

/// The PTE aperture field: 0 video, 1 peer, 2/3 system memory.
fn pte_aperture(v: u64) -> Aperture {
    match v & 3 {
        0 => Aperture::Vram,
        1 => Aperture::Peer,
        2 => Aperture::SysCoherent,
        _ => Aperture::SysNonCoherent,
    }
}

/// Ver2 address field: `vid_hi` for video memory, `sys_hi` otherwise,
/// starting at bit `lo`, in units of `1 << shift`.
fn ver2_addr(e: u64, ap: Aperture, lo: u8, vid_hi: u8, sys_hi: u8, shift: u8) -> u64 {
    let hi = if ap == Aperture::Vram { vid_hi } else { sys_hi };
    bits(e, hi, lo) << shift
}

/// Decodes a PDE of a level above PD0. The caller has checked IS_PTE
/// (bit 0) is clear.
pub fn pde(fmt: Format, e: u64) -> Pde {
    let Some(ap) = pde_aperture(bits(e, 2, 1)) else {
        let sparse = match fmt {
            // nouveau gp100_vmm_pgt_sparse: VALID_FALSE + VOL.
            Format::Ver2 => bit(e, 3),
            // PCF SPARSE_ATS_ALLOWED (1) / SPARSE_ATS_NOT_ALLOWED (3).
            Format::Ver3 => bit(e, 3),
        };
        return if sparse { Pde::Sparse } else { Pde::Invalid };
    };
    match fmt {
        Format::Ver2 => Pde::Table {
            at: PhysAddr {
                aperture: ap,
                addr: ver2_addr(e, ap, 8, 32, 53, 12),
            },
            volatile: bit(e, 3),
        },
        Format::Ver3 => Pde::Table {
            at: PhysAddr {
                aperture: ap,
                addr: bits(e, 51, 12) << 12,
            },
            // PCF 1 and 3: VALID_UNCACHED_*.
            volatile: bit(e, 3),
        },
    }
}

/// A dual PD0 entry decoded (IS_PTE clear).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DualPde {
    /// The big-page table half.
    pub big: Pde,
    /// The small-page table half.
    pub small: Pde,
}

/// Decodes a dual PD0 entry (`lo` = bits 63:0, `hi` = bits 127:64). The
/// caller has checked IS_PTE (bit 0) is clear.
pub fn dual_pde(fmt: Format, lo: u64, hi: u64) -> DualPde {
    let big = match pde_aperture(bits(lo, 2, 1)) {
        // Ver2 VOL_BIG (bit 3); ver3 PCF_BIG bit 0 (bit 3).
        None if bit(lo, 3) => Pde::Sparse,
        None => Pde::Invalid,
        Some(ap) => Pde::Table {
            at: PhysAddr {
                aperture: ap,
                addr: match fmt {
                    Format::Ver2 => ver2_addr(lo, ap, 4, 32, 53, 8),
                    Format::Ver3 => bits(lo, 51, 8) << 8,
                },
            },
            volatile: bit(lo, 3),
        },
    };
    let small = match pde_aperture(bits(hi, 2, 1)) {
        None if bit(hi, 3) => Pde::Sparse,
        None => Pde::Invalid,
        Some(ap) => Pde::Table {
            at: PhysAddr {
                aperture: ap,
                addr: match fmt {
                    Format::Ver2 => ver2_addr(hi, ap, 8, 32, 53, 12),
                    Format::Ver3 => bits(hi, 51, 12) << 12,
                },
            },
            volatile: bit(hi, 3),
        },
    };
    DualPde { big, small }
}

/// The attributes of a valid PTE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PteAttrs {
    /// Where the page is (page-aligned as the entry holds it).
    pub base: PhysAddr,
    /// Volatile / uncached.
    pub volatile: bool,
    /// Only privileged clients may access it.
    pub privileged: bool,
    /// Writes and atomics fault.
    pub read_only: bool,
    /// Atomics fault.
    pub atomic_disable: bool,
    /// Ver2 ENCRYPTED.
    pub encrypted: bool,
    /// Memory kind (0 = pitch / generic).
    pub kind: u8,
    /// Ver2 peer index / ver3 PEER_ID.
    pub peer: u8,
    /// Ver3 PCF as written.
    pub pcf: Option<u8>,
}

impl PteAttrs {
    /// "rw"/"ro" with the privileged and volatile flags, for logs.
    pub fn flags(&self) -> String {
        let mut s = String::from(if self.read_only { "ro" } else { "rw" });
        if self.privileged {
            s.push_str(",priv");
        }
        if self.volatile {
            s.push_str(",vol");
        }
        if self.atomic_disable {
            s.push_str(",noatomic");
        }
        s
    }
}

/// A PTE decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pte {
    /// Maps a page.
    Valid(PteAttrs),
    /// Not mapped.
    Invalid,
    /// Sparse: reads return zero, writes are dropped, no fault.
    Sparse,
    /// A big PTE saying the small page table has no valid page here
    /// either (ver2 VALID_FALSE + PRIV, ver3 PCF NO_VALID_4KB_PAGE).
    NoValid4k,
    /// Ver3 PCF MAPPING_NOWHERE.
    Nowhere,
}

/// Decodes a PTE (of a page table, or a PDE with IS_PTE set).
pub fn pte(fmt: Format, e: u64) -> Pte {
    match fmt {
        Format::Ver2 => {
            if !bit(e, 0) {
                return match (bit(e, 3), bit(e, 5)) {
                    (_, true) => Pte::NoValid4k,
                    (true, false) => Pte::Sparse,
                    (false, false) => Pte::Invalid,
                };
            }
            let ap = pte_aperture(bits(e, 2, 1));
            let peer = if ap == Aperture::Vram || ap == Aperture::Peer {
                bits(e, 35, 33) as u8
            } else {
                0
            };
            Pte::Valid(PteAttrs {
                base: PhysAddr {
                    aperture: ap,
                    addr: ver2_addr(e, ap, 8, 32, 53, 12),
                },
                volatile: bit(e, 3),
                encrypted: bit(e, 4),
                privileged: bit(e, 5),
                read_only: bit(e, 6),
                atomic_disable: bit(e, 7),
                kind: bits(e, 63, 56) as u8,
                peer,
                pcf: None,
            })
        }
        Format::Ver3 => {
            let pcf = bits(e, 7, 3) as u8;
            if !bit(e, 0) {
                return match pcf {
                    1 => Pte::Sparse,
                    2 => Pte::Nowhere,
                    3 => Pte::NoValid4k,
                    _ => Pte::Invalid,
                };
            }
            let ap = pte_aperture(bits(e, 2, 1));
            let hi = if ap == Aperture::Vram { 39 } else { 51 };
            Pte::Valid(PteAttrs {
                base: PhysAddr {
                    aperture: ap,
                    addr: bits(e, hi, 12) << 12,
                },
                volatile: pcf & 1 != 0,
                privileged: pcf & 2 != 0,
                read_only: pcf & 4 != 0,
                atomic_disable: pcf & 8 != 0,
                encrypted: false,
                kind: bits(e, 11, 8) as u8,
                peer: bits(e, 63, 61) as u8,
                pcf: Some(pcf),
            })
        }
    }
}

/// `NV_MMU_PTE_KIND_INVALID`.
pub const KIND_INVALID: u8 = 0x07;
/// Kinds the manuals define (0x00..=0x0f).
pub const KINDS: u8 = 16;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ver2_entries_as_nouveau_writes_them() {
        // gp100_vmm_pde: VRAM table at 0x123000 -> addr >> 4 | 1 << 1.
        let e = (0x0012_3000u64 >> 4) | (1 << 1);
        assert_eq!(
            pde(Format::Ver2, e),
            Pde::Table {
                at: PhysAddr::vram(0x12_3000),
                volatile: false
            }
        );
        // Host memory, VOL.
        let e = (0x7_8900_0000u64 >> 4) | (2 << 1) | (1 << 3);
        assert_eq!(
            pde(Format::Ver2, e),
            Pde::Table {
                at: PhysAddr::sys(0x7_8900_0000),
                volatile: true
            }
        );
        assert_eq!(pde(Format::Ver2, 0), Pde::Invalid);
        assert_eq!(pde(Format::Ver2, 1 << 3), Pde::Sparse);
        // Dual: big table (256-byte aligned) and small table.
        let d = dual_pde(
            Format::Ver2,
            (0x4_5600u64 >> 4) | (1 << 1),
            (0x9_a000u64 >> 4) | (3 << 1),
        );
        assert_eq!(
            d.big,
            Pde::Table {
                at: PhysAddr::vram(0x4_5600),
                volatile: false
            }
        );
        assert_eq!(
            d.small,
            Pde::Table {
                at: PhysAddr {
                    aperture: Aperture::SysNonCoherent,
                    addr: 0x9_a000
                },
                volatile: false
            }
        );
        // gp100_vmm_valid: RO, priv, kind 6, VRAM page 0x20_0000.
        let e = (0x20_0000u64 >> 4) | 1 | (1 << 5) | (1 << 6) | (6 << 56);
        let Pte::Valid(a) = pte(Format::Ver2, e) else {
            panic!("valid");
        };
        assert_eq!(a.base, PhysAddr::vram(0x20_0000));
        assert!(a.read_only && a.privileged && !a.volatile);
        assert_eq!(a.kind, 6);
        assert_eq!(pte(Format::Ver2, 1 << 3), Pte::Sparse);
        assert_eq!(pte(Format::Ver2, 1 << 5), Pte::NoValid4k);
        assert_eq!(pte(Format::Ver2, (1 << 3) | (1 << 5)), Pte::NoValid4k);
    }

    #[test]
    fn ver3_entries_as_nouveau_writes_them() {
        // gh100_vmm_pde: VRAM, PCF VALID_CACHED_ATS_NOT_ALLOWED (2).
        let e = 0x0012_3000u64 | (1 << 1) | (2 << 3);
        assert_eq!(
            pde(Format::Ver3, e),
            Pde::Table {
                at: PhysAddr::vram(0x12_3000),
                volatile: false
            }
        );
        assert_eq!(pde(Format::Ver3, 1 << 3), Pde::Sparse);
        assert_eq!(pde(Format::Ver3, 2 << 3), Pde::Invalid);
        // gh100_vmm_valid: REGULAR_RO_ATOMIC_UNCACHED_ACD (0x15).
        let e = 0x40_0000u64 | 1 | (2 << 1) | (0x15 << 3) | (5 << 8);
        let Pte::Valid(a) = pte(Format::Ver3, e) else {
            panic!("valid");
        };
        assert_eq!(a.base, PhysAddr::sys(0x40_0000));
        assert!(a.read_only && a.volatile && !a.privileged && !a.atomic_disable);
        assert_eq!(a.kind, 5);
        assert_eq!(pte(Format::Ver3, 1 << 3), Pte::Sparse);
        assert_eq!(pte(Format::Ver3, 3 << 3), Pte::NoValid4k);
        assert_eq!(pte(Format::Ver3, 2 << 3), Pte::Nowhere);
        let d = dual_pde(Format::Ver3, 0x4_5600 | (1 << 1), 0x9_a000 | (2 << 1));
        assert_eq!(
            d.big,
            Pde::Table {
                at: PhysAddr::vram(0x4_5600),
                volatile: false
            }
        );
        assert_eq!(
            d.small,
            Pde::Table {
                at: PhysAddr::sys(0x9_a000),
                volatile: false
            }
        );
    }
}
