//! The page-table walker: from a page directory and a virtual address to
//! a page, a sparse region or a fault naming the entry that caused it.
//!
//! What the walk does at each level follows the formats in
//! [`super::format`]:
//!
//! 1. A VA wider than the format ([`Format::va_bits`]) faults with
//!    `VA_LIMIT_VIOLATION`.
//! 2. PD4 (ver3), PD3, PD2, PD1: an 8-byte PDE. IS_PTE (bit 0) set maps a
//!    page where the format allows one (ver3 PD1: 512 MiB) and is a PDE
//!    fault elsewhere; aperture INVALID is a PDE fault, or a sparse region
//!    with the sparse encoding.
//! 3. PD0: a 16-byte dual entry. IS_PTE set: the low word is a PTE for a
//!    2 MiB page. Otherwise the big-page table is looked up first (its
//!    index is VA bits 20:16 for 64 KiB pages): a valid big PTE maps the
//!    page; a sparse one makes the address sparse; an "NV4K" one (no valid
//!    4 KiB page) faults; a plain invalid one sends the walk to the
//!    small-page table (VA bits 20:12), as nouveau relies on when it
//!    mixes big and small pages under one PD0 entry (`vmmgp100.c`,
//!    `gp100_vmm_lpt_invalid`).
//! 4. The PTE found is checked against the access: PEER aperture
//!    (`UNSUPPORTED_APERTURE`: nvsim has no peers), an undefined or
//!    INVALID kind (`UNSUPPORTED_KIND`), then privilege, read-only and
//!    atomic-disable (`PRIV_VIOLATION`, `RO_VIOLATION`,
//!    `ATOMIC_VIOLATION`). The last three are checked on every access,
//!    also on a TLB hit ([`check_access`]).
//!
//! Fault types: `NV_PFAULT_FAULT_TYPE_*` (open-gpu-kernel-modules published
//! `dev_fault.h`: PDE 0, PDE_SIZE 1, PTE 2, VA_LIMIT_VIOLATION 3,
//! UNBOUND_INST_BLOCK 4, PRIV_VIOLATION 5, RO_VIOLATION 6,
//! UNSUPPORTED_APERTURE 0xa, UNSUPPORTED_KIND 0xc, ATOMIC_VIOLATION 0xf);
//! access types `NV_PFAULT_ACCESS_TYPE_*` (READ 0, WRITE 1, ATOMIC 2).

use std::fmt;

use super::format::{self, pde, pte, Aperture, Format, Level, Pde, PhysAddr, Pte, PteAttrs};
use super::{MemError, Memory};

/// What an access does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Access {
    /// `NV_PFAULT_ACCESS_TYPE_READ`.
    Read,
    /// `NV_PFAULT_ACCESS_TYPE_WRITE`.
    Write,
    /// `NV_PFAULT_ACCESS_TYPE_ATOMIC`.
    Atomic,
}

impl Access {
    /// The `NV_PFAULT_ACCESS_TYPE_*` value.
    pub fn code(self) -> u32 {
        match self {
            Access::Read => 0,
            Access::Write => 1,
            Access::Atomic => 2,
        }
    }

    /// "read", "write", "atomic".
    pub fn name(self) -> &'static str {
        match self {
            Access::Read => "read",
            Access::Write => "write",
            Access::Atomic => "atomic",
        }
    }
}

/// `NV_PFAULT_FAULT_TYPE_*`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultType {
    /// A directory entry is invalid or unreadable.
    Pde,
    /// A page-table entry is invalid or unreadable.
    Pte,
    /// The VA is beyond the format's width.
    VaLimitViolation,
    /// The instance block does not bind a usable page directory.
    UnboundInstBlock,
    /// A non-privileged access to a privileged page.
    PrivViolation,
    /// A write or atomic to a read-only page.
    RoViolation,
    /// The PTE names an aperture nvsim cannot reach (peer memory).
    UnsupportedAperture,
    /// The PTE has an invalid or undefined kind.
    UnsupportedKind,
    /// An atomic to an atomic-disabled page.
    AtomicViolation,
}

impl FaultType {
    /// The `NV_PFAULT_FAULT_TYPE_*` value.
    pub fn code(self) -> u32 {
        match self {
            FaultType::Pde => 0x0,
            FaultType::Pte => 0x2,
            FaultType::VaLimitViolation => 0x3,
            FaultType::UnboundInstBlock => 0x4,
            FaultType::PrivViolation => 0x5,
            FaultType::RoViolation => 0x6,
            FaultType::UnsupportedAperture => 0xa,
            FaultType::UnsupportedKind => 0xc,
            FaultType::AtomicViolation => 0xf,
        }
    }

    /// The name RM's `kgmmuGetFaultTypeString` gives it.
    pub fn name(self) -> &'static str {
        match self {
            FaultType::Pde => "FAULT_PDE",
            FaultType::Pte => "FAULT_PTE",
            FaultType::VaLimitViolation => "FAULT_VA_LIMIT_VIOLATION",
            FaultType::UnboundInstBlock => "FAULT_UNBOUND_INST_BLOCK",
            FaultType::PrivViolation => "FAULT_PRIV_VIOLATION",
            FaultType::RoViolation => "FAULT_RO_VIOLATION",
            FaultType::UnsupportedAperture => "FAULT_UNSUPPORTED_APERTURE",
            FaultType::UnsupportedKind => "FAULT_INFO_TYPE_UNSUPPORTED_KIND",
            FaultType::AtomicViolation => "FAULT_INFO_TYPE_ATOMIC_VIOLATION",
        }
    }
}

/// One entry the walk read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// The table's level.
    pub level: Level,
    /// The entry's index in it.
    pub index: u64,
    /// Where the table starts.
    pub table: PhysAddr,
    /// The entry (the low word of a dual entry).
    pub entry: u64,
    /// The high word of a dual PD0 entry.
    pub entry_hi: Option<u64>,
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{:#x}]", self.level, self.index)?;
        match self.entry_hi {
            Some(hi) => write!(f, "={hi:#018x}_{:016x}", self.entry),
            None => write!(f, "={:#018x}", self.entry),
        }
    }
}

/// A translation failure, as precise as the walk knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// The fault type the MMU records.
    pub kind: FaultType,
    /// The access that faulted.
    pub access: Access,
    /// The faulting virtual address.
    pub va: u64,
    /// The entry that caused it, if the walk got that far.
    pub at: Option<Step>,
    /// Why, in words.
    pub reason: String,
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({:#x}) on {} of VA {:#x}",
            self.kind.name(),
            self.kind.code(),
            self.access.name(),
            self.va
        )?;
        if let Some(s) = &self.at {
            write!(f, ": {} in the table at {}", s, s.table)?;
        }
        write!(f, ": {}", self.reason)
    }
}

impl std::error::Error for Fault {}

/// A page the walk found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    /// Page size as a shift (12, 16/17, 21, 29).
    pub shift: u8,
    /// The PTE's attributes; `attrs.base` is the page's start.
    pub attrs: PteAttrs,
}

impl Page {
    /// The physical address of `va` in this page.
    pub fn phys(&self, va: u64) -> PhysAddr {
        let size = 1u64 << self.shift;
        PhysAddr {
            aperture: self.attrs.base.aperture,
            addr: (self.attrs.base.addr & !(size - 1)) | (va & (size - 1)),
        }
    }

    /// "4K", "64K", "2M", "512M".
    pub fn size_name(&self) -> String {
        match self.shift {
            s if s >= 20 => format!("{}M", 1u64 << (s - 20)),
            s => format!("{}K", 1u64 << (s - 10)),
        }
    }
}

/// Where a walk ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A mapped page.
    Page(Page),
    /// A sparse region (from the entry at this level down).
    Sparse(Level),
}

/// A page directory: the root table of a VA space, as an instance block
/// or a SET_PAGE_DIRECTORY names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageDir {
    /// The root table.
    pub base: PhysAddr,
    /// The big page size as a shift (16: 64 KiB).
    pub big_page_shift: u8,
}

impl PageDir {
    /// A root at `base` with 64 KiB big pages.
    pub fn new(base: PhysAddr) -> Self {
        Self {
            base,
            big_page_shift: 16,
        }
    }
}

/// A walk: every entry read, and the result.
#[derive(Debug, Clone)]
pub struct Walk {
    /// The entries in walk order.
    pub steps: Vec<Step>,
    /// The page, sparse region or fault.
    pub result: Result<Outcome, Fault>,
}

struct Walker<'a> {
    mem: &'a Memory,
    fmt: Format,
    va: u64,
    access: Access,
    steps: Vec<Step>,
}

impl Walker<'_> {
    fn fault(&self, kind: FaultType, reason: impl Into<String>) -> Fault {
        Fault {
            kind,
            access: self.access,
            va: self.va,
            at: self.steps.last().copied(),
            reason: reason.into(),
        }
    }

    fn read_u64(&self, at: PhysAddr) -> Result<u64, MemError> {
        let mut b = [0; 8];
        self.mem.read_quiet(at, &mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    /// Reads entry `index` (of `size` bytes) of the table at `table`.
    fn entry(
        &mut self,
        level: Level,
        table: PhysAddr,
        index: u64,
        dual: bool,
        kind: FaultType,
    ) -> Result<(u64, Option<u64>), Fault> {
        let size = if dual { 16 } else { 8 };
        let at = table.offset(index * size);
        let read = self.read_u64(at).and_then(|lo| {
            Ok((
                lo,
                if dual {
                    Some(self.read_u64(at.offset(8))?)
                } else {
                    None
                },
            ))
        });
        match read {
            Ok((lo, hi)) => {
                self.steps.push(Step {
                    level,
                    index,
                    table,
                    entry: lo,
                    entry_hi: hi,
                });
                Ok((lo, hi))
            }
            Err(e) => Err(Fault {
                kind,
                access: self.access,
                va: self.va,
                at: None,
                reason: format!("reading {level}[{index:#x}] at {at} failed: {e}"),
            }),
        }
    }

    /// A PTE found at `level`, mapping pages of `1 << shift`.
    fn page(&self, level: Level, e: u64, shift: u8) -> Result<Outcome, Fault> {
        match pte(self.fmt, e) {
            Pte::Valid(attrs) => self.check_pte(level, attrs, shift),
            Pte::Sparse => Ok(Outcome::Sparse(level)),
            Pte::Invalid => Err(self.fault(FaultType::Pte, "VALID is clear")),
            Pte::NoValid4k => Err(self.fault(
                FaultType::Pte,
                "VALID is clear (the \"no valid 4K page\" encoding)",
            )),
            Pte::Nowhere => Err(self.fault(
                FaultType::Pte,
                "VALID is clear (PCF MAPPING_NOWHERE: not modelled, nvsim faults)",
            )),
        }
    }

    fn check_pte(&self, level: Level, attrs: PteAttrs, shift: u8) -> Result<Outcome, Fault> {
        if attrs.base.aperture == Aperture::Peer {
            return Err(self.fault(
                FaultType::UnsupportedAperture,
                format!(
                    "{level} entry targets PEER memory (peer {}): nvsim has no peers",
                    attrs.peer
                ),
            ));
        }
        if attrs.kind == format::KIND_INVALID || attrs.kind >= format::KINDS {
            return Err(self.fault(
                FaultType::UnsupportedKind,
                format!("kind {:#x} is invalid or undefined", attrs.kind),
            ));
        }
        Ok(Outcome::Page(Page { shift, attrs }))
    }

    fn run(&mut self, pd: &PageDir) -> Result<Outcome, Fault> {
        let va = self.va;
        if va >> self.fmt.va_bits() != 0 {
            return Err(self.fault(
                FaultType::VaLimitViolation,
                format!(
                    "VA wider than the {} format's {} bits",
                    self.fmt.name(),
                    self.fmt.va_bits()
                ),
            ));
        }
        let mut table = pd.base;
        for d in self.fmt.dirs() {
            let index = format::bits(va, d.hi, d.lo);
            let (e, _) = self.entry(d.level, table, index, false, FaultType::Pde)?;
            if e & 1 != 0 {
                if d.pages {
                    return self.page(d.level, e, d.lo);
                }
                return Err(self.fault(
                    FaultType::Pde,
                    format!(
                        "IS_PTE (bit 0) is set, but {} entries cannot map pages in {}",
                        d.level,
                        self.fmt.name()
                    ),
                ));
            }
            match pde(self.fmt, e) {
                Pde::Table { at, .. } => table = at,
                Pde::Sparse => return Ok(Outcome::Sparse(d.level)),
                Pde::Invalid => {
                    return Err(self.fault(FaultType::Pde, "aperture is INVALID (nothing mapped)"));
                }
            }
        }

        // PD0: dual entries.
        let index = format::bits(va, 28, format::PD0_SHIFT);
        let (lo, hi) = self.entry(Level::Pd0, table, index, true, FaultType::Pde)?;
        let hi = hi.unwrap_or(0);
        if lo & 1 != 0 {
            return self.page(Level::Pd0, lo, format::PD0_SHIFT);
        }
        let dual = format::dual_pde(self.fmt, lo, hi);
        let pd0_step = self.steps.last().copied();
        if let Pde::Table { at, .. } = dual.big {
            let b = pd.big_page_shift;
            if !(16..=17).contains(&b) {
                return Err(self.fault(
                    FaultType::Pde,
                    format!("big page size 1 << {b} is neither 64 KiB nor 128 KiB"),
                ));
            }
            let bidx = format::bits(va, format::PD0_SHIFT - 1, b);
            let (e, _) = self.entry(Level::BigPt, at, bidx, false, FaultType::Pte)?;
            match pte(self.fmt, e) {
                Pte::Valid(attrs) => return self.check_pte(Level::BigPt, attrs, b),
                Pte::Sparse => return Ok(Outcome::Sparse(Level::BigPt)),
                Pte::NoValid4k => {
                    return Err(self.fault(
                        FaultType::Pte,
                        "big PTE is invalid and says no 4K page is valid here \
                         (small page table not consulted)",
                    ));
                }
                Pte::Nowhere => return self.page(Level::BigPt, e, b),
                // Look at the small page table.
                Pte::Invalid => {}
            }
        }
        match dual.small {
            Pde::Table { at, .. } => {
                let sidx = format::bits(va, format::PD0_SHIFT - 1, format::SMALL_SHIFT);
                let (e, _) = self.entry(Level::SmallPt, at, sidx, false, FaultType::Pte)?;
                self.page(Level::SmallPt, e, format::SMALL_SHIFT)
            }
            Pde::Sparse => Ok(Outcome::Sparse(Level::Pd0)),
            Pde::Invalid => {
                if dual.big == Pde::Sparse {
                    return Ok(Outcome::Sparse(Level::Pd0));
                }
                let big_valid = matches!(dual.big, Pde::Table { .. });
                let mut f = self.fault(
                    if big_valid {
                        FaultType::Pte
                    } else {
                        FaultType::Pde
                    },
                    if big_valid {
                        "big PTE is invalid and PD0 has no small page table (APERTURE_SMALL INVALID)"
                    } else {
                        "neither a big nor a small page table (APERTURE_BIG and APERTURE_SMALL INVALID)"
                    },
                );
                if !big_valid {
                    f.at = pd0_step;
                }
                Err(f)
            }
        }
    }
}

/// Walks `pd` for `va` without a TLB. Accesses to the tables are not
/// traced one by one (the caller traces the walk).
pub fn walk(mem: &Memory, fmt: Format, pd: &PageDir, va: u64, access: Access) -> Walk {
    let mut w = Walker {
        mem,
        fmt,
        va,
        access,
        steps: Vec::with_capacity(7),
    };
    let result = w.run(pd);
    Walk {
        steps: w.steps,
        result,
    }
}

/// Checks `access` by a client (`privileged` or not) against a page's
/// protection bits: privilege first, then read-only, then atomics.
pub fn check_access(page: &Page, va: u64, access: Access, privileged: bool) -> Result<(), Fault> {
    let a = &page.attrs;
    let fault = |kind, reason: &str| Fault {
        kind,
        access,
        va,
        at: None,
        reason: format!(
            "{} page at {} ({}): {reason}",
            page.size_name(),
            a.base,
            a.flags()
        ),
    };
    if a.privileged && !privileged {
        return Err(fault(
            FaultType::PrivViolation,
            "PRIVILEGE is set and the access is not privileged",
        ));
    }
    if a.read_only && access != Access::Read {
        return Err(fault(FaultType::RoViolation, "READ_ONLY is set"));
    }
    if a.atomic_disable && access == Access::Atomic {
        return Err(fault(FaultType::AtomicViolation, "ATOMIC_DISABLE is set"));
    }
    Ok(())
}
