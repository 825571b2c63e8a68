//! The MMU audit: after every TLB invalidation, the page tables of each VA
//! space whose root was invalidated are read from the root down, every
//! entry as the MMU would read it, and what they map is summed up in one
//! log line, with one more line per entry the MMU would not accept or that
//! cannot mean what the driver meant.
//!
//! Which VA spaces: those a driver registered with
//! `NV0080_CTRL_CMD_DMA_SET_PAGE_DIRECTORY` ([`Target`]; the GSP-RM model
//! keeps them, `gsprm::rm::vaspace`), and BAR1's tree under GSP-RM's root
//! (`bar1PdeBase`, `gsprm::bar1`) once GSP-RM set it up, whose root is the
//! invalidated PDB (`MMU_INVALIDATE_PDB` aperture and address), or all of
//! them for `ALL_PDB`. The walk visits present entries only (an all-zero entry is
//! skipped without decoding), reads each table once, stops after
//! [`MAX_TABLES`] tables and logs at most [`MAX_ERROR_LINES`] error lines
//! per VA space (the summary counts them all).
//!
//! What is checked, per level (the bit layouts and their sources are in
//! [`super::format`]: open-gpu-kernel-modules' published
//! `pascal/gp100/dev_mmu.h` for ver2, nouveau's
//! `include/nvhw/ref/gh100/dev_mmu.h` for ver3):
//!
//! * directory entries (PD4..PD1): IS_PTE set where the format has no
//!   pages there (ver2 PD3..PD1, ver3 PD4..PD2: the MMU faults with
//!   FAULT_PDE); a table pointer whose table lies outside VRAM or the
//!   guest memory QEMU mapped for DMA; bits the format does not define
//!   set in a valid entry (ver2: 4, 7:6 and above the address field, 63:54
//!   for system memory, 63:36 for video memory; ver3: 11:6, 63:52); ver3
//!   PCF values 4..7, which the PDE PCF field does not define (valid or
//!   not);
//! * PD0's 16-byte dual entries: each half as above (ver2 small half: bits
//!   64, 71:68 and above its address field; ver3: bits 7:6 and 63:52 of
//!   the big half, 64, 75:70 and 127:116 of the small one), and the two
//!   tables read as the MMU reads them (`walk.rs`): for each big page, the
//!   big PTE first; a valid, sparse, "no valid 4K page" or (ver3)
//!   MAPPING_NOWHERE big PTE hides the small PTEs under it, and valid
//!   small PTEs hidden that way are an error (they map nothing); an
//!   invalid big PTE (or no big table) sends the MMU to the small table; a
//!   sparse small half, or a sparse big half with no small table, makes
//!   the range sparse; an IS_PTE entry is a 2 MiB PTE;
//! * PTEs (4 KiB, the VA space's big page size, 2 MiB in PD0, ver3's 512
//!   MiB in PD1): aperture PEER (nvsim has no peers; FAULT_UNSUPPORTED_APERTURE),
//!   a kind that is `INVALID` or undefined (FAULT_UNSUPPORTED_KIND), an
//!   address not aligned to the page size (the MMU drops the low bits and
//!   maps another page than written), a page not inside VRAM or the DMA
//!   space, ver3 bits 60:52 (and 51:40 for video memory) set, a ver3
//!   invalid PTE whose PCF is none of INVALID, SPARSE, MAPPING_NOWHERE,
//!   NO_VALID_4KB_PAGE (0..3).
//!
//! Counted: mapped pages by size (valid PTEs the MMU would translate:
//! not PEER, a valid kind), and sparse ranges (runs of consecutive sparse
//! VA, however many entries make them). Invalid entries are not errors: a
//! driver leaves unmapped what it does not use.

use std::fmt;

use super::format::{self, bits, dual_pde, pde, pte, Aperture, Format, Level, Pde, PhysAddr, Pte};
use super::walk::PageDir;
use super::Memory;

/// Error lines logged per audited VA space at most.
pub const MAX_ERROR_LINES: usize = 16;
/// Tables one audit reads at most (16384 tables: 64 MiB of 4 KiB tables).
pub const MAX_TABLES: u64 = 1 << 14;

/// Whose page tables an audit walks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// A VA space a driver registered with SET_PAGE_DIRECTORY.
    VaSpace {
        /// The RM client that owns it.
        client: u32,
        /// The FERMI_VASPACE_A handle.
        vaspace: u32,
    },
    /// BAR1's tree under GSP-RM's root (`bar1PdeBase`,
    /// [`crate::gsprm::bar1`]).
    Bar1,
}

impl fmt::Display for Owner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Owner::VaSpace { client, vaspace } => {
                write!(f, "client {client:#010x} vaspace {vaspace:#010x}")
            }
            Owner::Bar1 => f.write_str("bar1"),
        }
    }
}

/// A VA space whose page tables are audited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    /// Whose tables they are.
    pub owner: Owner,
    /// Its root page directory and big page size.
    pub pd: PageDir,
}

impl Target {
    /// The VA space `vaspace` of `client` rooted at `pd`.
    pub fn vaspace(client: u32, vaspace: u32, pd: PageDir) -> Self {
        Self {
            owner: Owner::VaSpace { client, vaspace },
            pd,
        }
    }

    /// BAR1's tree rooted at `pd`.
    pub fn bar1(pd: PageDir) -> Self {
        Self {
            owner: Owner::Bar1,
            pd,
        }
    }
}

/// Which half of a dual PD0 entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Half {
    /// The big-page table half (bits 63:0).
    Big,
    /// The small-page table half (bits 127:64).
    Small,
}

/// One entry the MMU would not accept, or that maps nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The entry's level.
    pub level: Level,
    /// Its index in its table.
    pub index: u64,
    /// The half of a dual PD0 entry.
    pub half: Option<Half>,
    /// The first VA the entry covers.
    pub va: u64,
    /// The entry (the 64-bit half concerned).
    pub entry: u64,
    /// What is wrong.
    pub what: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{:#x}]", self.level, self.index)?;
        match self.half {
            Some(Half::Big) => f.write_str(".big")?,
            Some(Half::Small) => f.write_str(".small")?,
            None => {}
        }
        write!(
            f,
            " va {:#x}: {} (entry {:#018x})",
            self.va, self.what, self.entry
        )
    }
}

/// What an audit found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Mapped 4 KiB pages.
    pub pages_4k: u64,
    /// Mapped big pages.
    pub pages_big: u64,
    /// Mapped 2 MiB pages.
    pub pages_2m: u64,
    /// Mapped 512 MiB pages (ver3).
    pub pages_512m: u64,
    /// The big page size as a shift (16 or 17).
    pub big_page_shift: u8,
    /// Runs of consecutive sparse VA.
    pub sparse_ranges: u64,
    /// The first [`MAX_ERROR_LINES`] findings.
    pub errors: Vec<Finding>,
    /// All findings.
    pub error_count: u64,
    /// Tables read.
    pub tables: u64,
    /// The walk stopped at [`MAX_TABLES`].
    pub truncated: bool,
}

impl Report {
    /// Mapped pages of every size.
    pub fn pages(&self) -> u64 {
        self.pages_4k + self.pages_big + self.pages_2m + self.pages_512m
    }

    /// The summary line for `t` (without nvsim's `nvsim: ` prefix):
    /// `mmu audit: client 0x.. vaspace 0x.. pdb vram 0x.. ver2: N pages
    /// mapped (4K a, 64K b, 2M c, 512M d), S sparse ranges, E errors`; for
    /// BAR1's tree `mmu audit: bar1 pdb vram 0x.. ver2: ...`.
    pub fn summary(&self, t: &Target, fmt: Format) -> String {
        let ap = match t.pd.base.aperture {
            Aperture::Vram => "vram",
            Aperture::SysCoherent => "sys",
            Aperture::SysNonCoherent => "sys-ncoh",
            Aperture::Peer => "peer",
        };
        let mut s = format!(
            "mmu audit: {} pdb {ap} {:#x} {}: {} pages mapped \
             (4K {}, {}K {}, 2M {}, 512M {}), {} sparse ranges, {} errors",
            t.owner,
            t.pd.base.addr,
            fmt.name(),
            self.pages(),
            self.pages_4k,
            1u32 << (self.big_page_shift - 10),
            self.pages_big,
            self.pages_2m,
            self.pages_512m,
            self.sparse_ranges,
            self.error_count
        );
        if self.error_count > self.errors.len() as u64 {
            s.push_str(&format!(" ({} shown)", self.errors.len()));
        }
        if self.truncated {
            s.push_str(&format!(" (walk stopped after {MAX_TABLES} tables)"));
        }
        s
    }

    /// The error lines for `t` (without the `nvsim: ` prefix):
    /// `mmu audit error: client 0x.. vaspace 0x..: LEVEL[index] va 0x..:
    /// what (entry 0x..)`, `mmu audit error: bar1: ...` for BAR1's tree.
    pub fn error_lines(&self, t: &Target) -> Vec<String> {
        self.errors
            .iter()
            .map(|f| format!("mmu audit error: {}: {f}", t.owner))
            .collect()
    }
}

/// Audits the page tables under `pd` in format `fmt`.
pub fn audit(mem: &Memory, fmt: Format, pd: &PageDir) -> Report {
    let big = if (16..=17).contains(&pd.big_page_shift) {
        pd.big_page_shift
    } else {
        16
    };
    let mut a = Auditor {
        mem,
        fmt,
        big,
        r: Report {
            big_page_shift: big,
            ..Report::default()
        },
        sparse_end: None,
    };
    let root = fmt.dirs()[0];
    match a.load(pd.base, dir_entries(root.hi, root.lo)) {
        Err(why) => a.error(
            root.level,
            0,
            None,
            0,
            0,
            format!(
                "the root table (SET_PAGE_DIRECTORY's physAddress, or bar1PdeBase) at {}: {why}",
                pd.base
            ),
        ),
        Ok(None) => {}
        Ok(Some(t)) => a.dir(0, &t, 0),
    }
    a.r
}

fn dir_entries(hi: u8, lo: u8) -> usize {
    1 << (hi - lo + 1)
}

/// PD0: 256 dual entries of two words.
const PD0_WORDS: usize = 512;
/// A small page table: 512 entries.
const SMALL_PT_ENTRIES: usize = 512;

struct Auditor<'a> {
    mem: &'a Memory,
    fmt: Format,
    big: u8,
    r: Report,
    /// Where the last sparse range ended.
    sparse_end: Option<u64>,
}

impl Auditor<'_> {
    fn error(
        &mut self,
        level: Level,
        index: u64,
        half: Option<Half>,
        va: u64,
        entry: u64,
        what: String,
    ) {
        self.r.error_count += 1;
        if self.r.errors.len() < MAX_ERROR_LINES {
            self.r.errors.push(Finding {
                level,
                index,
                half,
                va,
                entry,
                what,
            });
        }
    }

    fn sparse(&mut self, va: u64, size: u64) {
        if self.sparse_end != Some(va) {
            self.r.sparse_ranges += 1;
        }
        self.sparse_end = Some(va.wrapping_add(size));
    }

    /// Whether `len` bytes at `pa` are memory the GPU reaches.
    fn reachable(&self, pa: PhysAddr, len: u64) -> Result<(), String> {
        match pa.aperture {
            Aperture::Vram => {
                let size = self.mem.vram.size();
                if pa.addr.checked_add(len).is_some_and(|end| end <= size) {
                    Ok(())
                } else {
                    Err(format!(
                        "{len:#x} bytes at {pa} are not inside the {size:#x}-byte VRAM"
                    ))
                }
            }
            Aperture::SysCoherent | Aperture::SysNonCoherent => {
                if self.mem.dma.covers(pa.addr, len) {
                    Ok(())
                } else {
                    Err(format!(
                        "{len:#x} bytes at {pa} are not inside the guest memory mapped for DMA"
                    ))
                }
            }
            Aperture::Peer => Err(format!("{pa} is peer memory: nvsim has no peers")),
        }
    }

    /// Reads the `n` entries of the table at `at`; `None` once
    /// [`MAX_TABLES`] tables were read.
    fn load(&mut self, at: PhysAddr, n: usize) -> Result<Option<Vec<u64>>, String> {
        if self.r.tables >= MAX_TABLES {
            self.r.truncated = true;
            return Ok(None);
        }
        self.reachable(at, 8 * n as u64)?;
        self.r.tables += 1;
        let mut b = vec![0u8; 8 * n];
        self.mem
            .read_quiet(at, &mut b)
            .map_err(|e| format!("reading it failed: {e}"))?;
        Ok(Some(
            b.chunks_exact(8)
                .map(|c| u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
                .collect(),
        ))
    }

    /// Reserved bits and (ver3) PCF of a directory entry or dual half
    /// (`word` as the half has it, its own bits 63:0).
    fn pde_bits(&mut self, level: Level, index: u64, half: Option<Half>, va: u64, word: u64) {
        let valid = bits(word, 2, 1) != 0;
        let vid = bits(word, 2, 1) == 1;
        let (mask, what) = match (self.fmt, half) {
            (Format::Ver2, None) => (
                if vid {
                    0xffff_fff0_0000_00d0
                } else {
                    0xffc0_0000_0000_00d0
                },
                "ver2 PDE",
            ),
            (Format::Ver2, Some(Half::Big)) => (
                if vid {
                    0xffff_fff0_0000_0000
                } else {
                    0xffc0_0000_0000_0000
                },
                "ver2 dual PDE big half",
            ),
            (Format::Ver2, Some(Half::Small)) => (
                if vid {
                    0xffff_fff0_0000_00f1
                } else {
                    0xffc0_0000_0000_00f1
                },
                "ver2 dual PDE small half",
            ),
            (Format::Ver3, None) => (0xfff0_0000_0000_0fc0, "ver3 PDE"),
            (Format::Ver3, Some(Half::Big)) => (0xfff0_0000_0000_00c0, "ver3 dual PDE big half"),
            (Format::Ver3, Some(Half::Small)) => {
                (0xfff0_0000_0000_0fc1, "ver3 dual PDE small half")
            }
        };
        if self.fmt == Format::Ver3 && word & (1 << 5) != 0 {
            let pcf = bits(word, 5, 3);
            self.error(
                level,
                index,
                half,
                va,
                word,
                format!("PCF {pcf:#x} is not defined for a {what} (0..3)"),
            );
        }
        if valid && word & mask != 0 {
            self.error(
                level,
                index,
                half,
                va,
                word,
                format!(
                    "bits {:#x} are set, which the {what} does not define",
                    word & mask
                ),
            );
        }
    }

    /// A directory level's entries.
    fn dir(&mut self, depth: usize, entries: &[u64], va_base: u64) {
        let dirs = self.fmt.dirs();
        let d = dirs[depth];
        for (i, &e) in entries.iter().enumerate() {
            if e == 0 {
                continue;
            }
            let i = i as u64;
            let va = va_base | (i << d.lo);
            if e & 1 != 0 {
                if d.pages {
                    self.pte(d.level, i, va, e, d.lo);
                } else {
                    self.error(
                        d.level,
                        i,
                        None,
                        va,
                        e,
                        format!(
                            "IS_PTE (bit 0) is set, but {} entries cannot map pages in {} \
                             (the MMU faults: FAULT_PDE)",
                            d.level,
                            self.fmt.name()
                        ),
                    );
                }
                continue;
            }
            self.pde_bits(d.level, i, None, va, e);
            match pde(self.fmt, e) {
                Pde::Invalid => {}
                Pde::Sparse => self.sparse(va, 1 << d.lo),
                Pde::Table { at, .. } => {
                    let (next, n) = match dirs.get(depth + 1) {
                        Some(n) => (n.level, dir_entries(n.hi, n.lo)),
                        None => (Level::Pd0, PD0_WORDS),
                    };
                    match self.load(at, n) {
                        Err(why) => self.error(
                            d.level,
                            i,
                            None,
                            va,
                            e,
                            format!("points at a {next} table at {at}: {why}"),
                        ),
                        Ok(None) => return,
                        Ok(Some(t)) if next == Level::Pd0 => self.pd0(&t, va),
                        Ok(Some(t)) => self.dir(depth + 1, &t, va),
                    }
                }
            }
        }
    }

    /// Loads the table a dual half points at; errors name the half.
    fn half_table(
        &mut self,
        half: Half,
        p: Pde,
        n: usize,
        index: u64,
        va: u64,
        word: u64,
    ) -> Result<Option<Vec<u64>>, ()> {
        let Pde::Table { at, .. } = p else {
            return Ok(None);
        };
        let what = match half {
            Half::Big => "big",
            Half::Small => "small",
        };
        match self.load(at, n) {
            Err(why) => {
                self.error(
                    Level::Pd0,
                    index,
                    Some(half),
                    va,
                    word,
                    format!("points at a {what} page table at {at}: {why}"),
                );
                Ok(None)
            }
            // The table limit: stop.
            Ok(None) => Err(()),
            Ok(Some(t)) => Ok(Some(t)),
        }
    }

    /// PD0's dual entries and the page tables under them.
    fn pd0(&mut self, words: &[u64], va_base: u64) {
        let big = self.big;
        let per_big = 1usize << (big - format::SMALL_SHIFT);
        let bigs = 1usize << (format::PD0_SHIFT - big);
        for (i, pair) in words.chunks_exact(2).enumerate() {
            let (lo, hi) = (pair[0], pair[1]);
            if lo == 0 && hi == 0 {
                continue;
            }
            let i = i as u64;
            let va = va_base | (i << format::PD0_SHIFT);
            if lo & 1 != 0 {
                self.pte(Level::Pd0, i, va, lo, format::PD0_SHIFT);
                continue;
            }
            if lo != 0 {
                self.pde_bits(Level::Pd0, i, Some(Half::Big), va, lo);
            }
            if hi != 0 {
                self.pde_bits(Level::Pd0, i, Some(Half::Small), va, hi);
            }
            let d = dual_pde(self.fmt, lo, hi);
            let Ok(big_pt) = self.half_table(Half::Big, d.big, bigs, i, va, lo) else {
                return;
            };
            let Ok(small_pt) = self.half_table(Half::Small, d.small, SMALL_PT_ENTRIES, i, va, hi)
            else {
                return;
            };
            for j in 0..bigs {
                let bva = va + ((j as u64) << big);
                let smalls = small_pt
                    .as_deref()
                    .map(|t| &t[j * per_big..(j + 1) * per_big]);
                let be = big_pt.as_ref().map_or(0, |t| t[j]);
                if be != 0 {
                    self.pte(Level::BigPt, j as u64, bva, be, big);
                }
                let hidden = match pte(self.fmt, be) {
                    Pte::Invalid => None,
                    Pte::Valid(_) => Some("is valid"),
                    Pte::Sparse => Some("is sparse"),
                    Pte::NoValid4k => Some("says no 4K page is valid"),
                    Pte::Nowhere => Some("is MAPPING_NOWHERE"),
                };
                if let Some(how) = hidden {
                    if let Some(s) = smalls {
                        let valid: Vec<usize> = (0..per_big)
                            .filter(|k| matches!(pte(self.fmt, s[*k]), Pte::Valid(_)))
                            .collect();
                        if let Some(&k) = valid.first() {
                            let idx = (j * per_big + k) as u64;
                            self.error(
                                Level::SmallPt,
                                idx,
                                None,
                                bva + ((k as u64) << format::SMALL_SHIFT),
                                s[k],
                                format!(
                                    "{} valid 4K PTE(s) under {}[{j:#x}], which {how}: the MMU \
                                     takes the big PTE and never reads them, they map nothing",
                                    valid.len(),
                                    Level::BigPt
                                ),
                            );
                        }
                    }
                    continue;
                }
                match (smalls, d.small) {
                    (Some(s), _) => {
                        for (k, &e) in s.iter().enumerate() {
                            if e != 0 {
                                let idx = (j * per_big + k) as u64;
                                let sva = bva + ((k as u64) << format::SMALL_SHIFT);
                                self.pte(Level::SmallPt, idx, sva, e, format::SMALL_SHIFT);
                            }
                        }
                    }
                    (None, Pde::Sparse) => self.sparse(bva, 1 << big),
                    (None, _) if d.big == Pde::Sparse => self.sparse(bva, 1 << big),
                    (None, _) => {}
                }
            }
        }
    }

    /// A PTE at `level` mapping `1 << shift` bytes at `va`.
    fn pte(&mut self, level: Level, index: u64, va: u64, e: u64, shift: u8) {
        let size = 1u64 << shift;
        let attrs = match pte(self.fmt, e) {
            Pte::Sparse => return self.sparse(va, size),
            Pte::NoValid4k | Pte::Nowhere => return,
            Pte::Invalid => {
                let pcf = bits(e, 7, 3);
                if self.fmt == Format::Ver3 && pcf > 3 {
                    self.error(
                        level,
                        index,
                        None,
                        va,
                        e,
                        format!(
                            "VALID is clear and PCF is {pcf:#x}, which is no invalid-PTE \
                             encoding (INVALID 0, SPARSE 1, MAPPING_NOWHERE 2, \
                             NO_VALID_4KB_PAGE 3)"
                        ),
                    );
                }
                return;
            }
            Pte::Valid(a) => a,
        };
        let name = page_name(shift);
        if self.fmt == Format::Ver3 {
            let mask = if attrs.base.aperture == Aperture::Vram {
                0x1fff_ff00_0000_0000
            } else {
                0x1ff0_0000_0000_0000
            };
            if e & mask != 0 {
                self.error(
                    level,
                    index,
                    None,
                    va,
                    e,
                    format!(
                        "bits {:#x} are set, which the ver3 PTE does not define{}",
                        e & mask,
                        if attrs.base.aperture == Aperture::Vram {
                            " (a video-memory address is bits 39:12)"
                        } else {
                            ""
                        }
                    ),
                );
            }
        }
        if attrs.base.aperture == Aperture::Peer {
            return self.error(
                level,
                index,
                None,
                va,
                e,
                format!(
                    "aperture PEER (peer {}): nvsim has no peer GPUs (the MMU faults: \
                     FAULT_UNSUPPORTED_APERTURE)",
                    attrs.peer
                ),
            );
        }
        if attrs.kind == format::KIND_INVALID || attrs.kind >= format::KINDS {
            return self.error(
                level,
                index,
                None,
                va,
                e,
                format!(
                    "kind {:#x} is INVALID or undefined (the MMU faults: \
                     FAULT_UNSUPPORTED_KIND)",
                    attrs.kind
                ),
            );
        }
        match shift {
            12 => self.r.pages_4k += 1,
            21 => self.r.pages_2m += 1,
            29 => self.r.pages_512m += 1,
            _ => self.r.pages_big += 1,
        }
        let base = attrs.base.addr & !(size - 1);
        if attrs.base.addr != base {
            self.error(
                level,
                index,
                None,
                va,
                e,
                format!(
                    "the {name} page's address {} is not {name}-aligned: the MMU ignores the \
                     low bits and maps {}",
                    attrs.base,
                    PhysAddr {
                        aperture: attrs.base.aperture,
                        addr: base
                    }
                ),
            );
        }
        let page = PhysAddr {
            aperture: attrs.base.aperture,
            addr: base,
        };
        if let Err(why) = self.reachable(page, size) {
            self.error(level, index, None, va, e, format!("the {name} page: {why}"));
        }
    }
}

/// "4K", "64K", "2M", "512M".
fn page_name(shift: u8) -> String {
    if shift >= 20 {
        format!("{}M", 1u64 << (shift - 20))
    } else {
        format!("{}K", 1u64 << (shift - 10))
    }
}
