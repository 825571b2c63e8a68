//! The GPU MMU (GMMU): page-table walks in each generation's format, a
//! TLB that keeps translations until the driver invalidates them,
//! instance blocks, the BAR1/BAR2 apertures, and the memory-access API
//! the engines use.
//!
//! * [`format`]: the ver2 (Turing, Ampere, Ada) and ver3 (Hopper,
//!   Blackwell) levels and entry bits, with their sources;
//! * [`walk`]: the walker, faults and their `NV_PFAULT_FAULT_TYPE_*`;
//! * [`inst`]: `NV_RAMIN_PAGE_DIR_BASE_*` in a 4 KiB instance block;
//! * [`invalidate`]: the VFN `MMU_INVALIDATE` registers (BAR0 0xb830a0,
//!   0xb830a4, 0xb830b0) that drop TLB entries;
//! * [`bar`]: BAR1 and BAR2 (PCI BAR1 and BAR3) in physical or virtual
//!   mode;
//! * [`audit`]: the walk of a whole VA space's tables after each
//!   invalidation, checking every entry, one summary line per VA space.
//!
//! [`Gmmu`] is the handle the rest of nvsim uses: translate a virtual
//! address of a page directory (through the TLB), read and write memory
//! by virtual address (faults come back as [`AccessError::Fault`]) or by
//! physical address in an aperture ([`Memory`]). With `--trace`, each walk
//! (a TLB miss) is one log line: the entries read, and the page, sparse
//! region or fault it ended in.
//!
//! The TLB: one hub TLB for every client (nvsim's clients are BAR1, BAR2
//! and, to come, the copy engines, all hub clients). An entry is a whole
//! page (4 KiB, 64 KiB, 2 MiB, 512 MiB) of one page directory; faults and
//! sparse results are not cached. It holds up to [`TLB_CAPACITY`] entries
//! and forgets all of them when full (real TLBs are smaller still; a
//! driver must not count on an entry staying). Directory entries are not
//! cached: a walk always reads the current PDEs, so an invalidation that
//! leaves PDE caches alone (`CACHE_LEVEL` `PTE_ONLY`) is not told apart
//! from a full one.

pub mod audit;
pub mod bar;
pub mod format;
pub mod inst;
pub mod invalidate;
pub mod walk;

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::chip::Arch;
use crate::dma::{DmaError, DmaSpace};
use crate::trace::Trace;
use crate::vram::Vram;

pub use format::{Aperture, Format, Level, PhysAddr};
pub use inst::InstanceBlock;
pub use walk::{Access, Fault, FaultType, Outcome, Page, PageDir, Walk};

/// Entries the TLB holds before it forgets them all.
pub const TLB_CAPACITY: usize = 1 << 16;

/// Why a physical access failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MemError {
    /// The range is not inside VRAM.
    VramRange {
        /// Start of the access.
        addr: u64,
        /// Its length.
        len: usize,
        /// The VRAM size.
        size: u64,
    },
    /// Guest memory could not be reached.
    Dma(DmaError),
    /// Peer memory: nvsim has no peers.
    Peer(u64),
}

impl fmt::Display for MemError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MemError::VramRange { addr, len, size } => write!(
                f,
                "VRAM range {addr:#x}+{len:#x} is outside the {size:#x}-byte framebuffer"
            ),
            MemError::Dma(e) => write!(f, "{e}"),
            MemError::Peer(a) => write!(f, "peer memory {a:#x}: nvsim has no peers"),
        }
    }
}

impl std::error::Error for MemError {}

/// Physical memory as the GPU reaches it: VRAM, and system memory through
/// DMA. Cheap to clone.
#[derive(Clone)]
pub struct Memory {
    /// Video memory.
    pub vram: Vram,
    /// Guest memory.
    pub dma: DmaSpace,
}

impl Memory {
    fn vram_check(&self, addr: u64, len: usize) -> Result<(), MemError> {
        if self.vram.contains(addr, len) {
            Ok(())
        } else {
            Err(MemError::VramRange {
                addr,
                len,
                size: self.vram.size(),
            })
        }
    }

    /// Reads `buf.len()` bytes at `pa` (system memory accesses traced as
    /// DMA).
    pub fn read(&self, pa: PhysAddr, buf: &mut [u8]) -> Result<(), MemError> {
        match pa.aperture {
            Aperture::Vram => {
                self.vram_check(pa.addr, buf.len())?;
                self.vram.read(pa.addr, buf);
                Ok(())
            }
            Aperture::SysCoherent | Aperture::SysNonCoherent => {
                self.dma.read(pa.addr, buf).map_err(MemError::Dma)
            }
            Aperture::Peer => Err(MemError::Peer(pa.addr)),
        }
    }

    /// Writes `data` at `pa` (system memory accesses traced as DMA).
    pub fn write(&self, pa: PhysAddr, data: &[u8]) -> Result<(), MemError> {
        match pa.aperture {
            Aperture::Vram => {
                self.vram_check(pa.addr, data.len())?;
                self.vram.write(pa.addr, data);
                Ok(())
            }
            Aperture::SysCoherent | Aperture::SysNonCoherent => {
                self.dma.write(pa.addr, data).map_err(MemError::Dma)
            }
            Aperture::Peer => Err(MemError::Peer(pa.addr)),
        }
    }

    /// [`Memory::read`] without DMA trace lines (page-table reads, traced
    /// as part of their walk).
    pub fn read_quiet(&self, pa: PhysAddr, buf: &mut [u8]) -> Result<(), MemError> {
        match pa.aperture {
            Aperture::SysCoherent | Aperture::SysNonCoherent => {
                self.dma.read_untraced(pa.addr, buf).map_err(MemError::Dma)
            }
            _ => self.read(pa, buf),
        }
    }

    /// Reads a little-endian `u64`.
    pub fn read_u64(&self, pa: PhysAddr) -> Result<u64, MemError> {
        let mut b = [0; 8];
        self.read(pa, &mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    /// Writes a little-endian `u64`.
    pub fn write_u64(&self, pa: PhysAddr, v: u64) -> Result<(), MemError> {
        self.write(pa, &v.to_le_bytes())
    }
}

/// Why a virtual access failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccessError {
    /// The MMU faulted.
    Fault(Fault),
    /// The translation was fine, the memory behind it was not.
    Memory {
        /// The virtual address.
        va: u64,
        /// Where it translated to.
        pa: PhysAddr,
        /// What went wrong.
        error: MemError,
    },
}

impl fmt::Display for AccessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AccessError::Fault(fault) => write!(f, "MMU fault: {fault}"),
            AccessError::Memory { va, pa, error } => {
                write!(f, "VA {va:#x} -> {pa}: {error}")
            }
        }
    }
}

impl std::error::Error for AccessError {}

/// The page directory a TLB entry or an invalidation names: the hardware
/// tells video from system memory only (`MMU_INVALIDATE_PDB_APERTURE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PdbKey {
    /// System memory (else video memory).
    pub sysmem: bool,
    /// The root table's address.
    pub addr: u64,
}

impl PdbKey {
    /// The key of `pd`.
    pub fn of(pd: &PageDir) -> Self {
        Self {
            sysmem: pd.base.aperture.is_sysmem(),
            addr: pd.base.addr,
        }
    }
}

impl fmt::Display for PdbKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{:#x}",
            if self.sysmem { "sys" } else { "vid" },
            self.addr
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct TlbKey {
    pdb: PdbKey,
    shift: u8,
    vpn: u64,
}

/// What a translation found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Translation {
    /// The page and the physical address of the VA in it.
    Mapped {
        /// The page.
        page: Page,
        /// The VA's physical address.
        pa: PhysAddr,
    },
    /// A sparse region: reads return zero, writes are dropped.
    Sparse,
}

/// Which TLB entries an invalidation drops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every entry.
    All,
    /// The entries of one page directory.
    Pdb(PdbKey),
}

/// TLB counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TlbStats {
    /// Translations answered from the TLB.
    pub hits: u64,
    /// Walks (TLB misses).
    pub walks: u64,
    /// Invalidations performed.
    pub invalidations: u64,
    /// Entries now.
    pub entries: usize,
}

struct Shared {
    tlb: Mutex<HashMap<TlbKey, Page>>,
    hits: AtomicU64,
    walks: AtomicU64,
    invalidations: AtomicU64,
    reported: Mutex<HashSet<String>>,
}

/// The GMMU: a cheap, shareable handle.
#[derive(Clone)]
pub struct Gmmu {
    format: Format,
    mem: Memory,
    trace: Trace,
    shared: Arc<Shared>,
}

impl Gmmu {
    /// The GMMU of an `arch` GPU over `vram` and `dma`.
    pub fn new(arch: Arch, vram: Vram, dma: DmaSpace, trace: Trace) -> Self {
        Self::with_format(Format::for_arch(arch), vram, dma, trace)
    }

    /// The same with an explicit format.
    pub fn with_format(format: Format, vram: Vram, dma: DmaSpace, trace: Trace) -> Self {
        Self {
            format,
            mem: Memory { vram, dma },
            trace,
            shared: Arc::new(Shared {
                tlb: Mutex::new(HashMap::new()),
                hits: AtomicU64::new(0),
                walks: AtomicU64::new(0),
                invalidations: AtomicU64::new(0),
                reported: Mutex::new(HashSet::new()),
            }),
        }
    }

    /// The page-table format.
    pub fn format(&self) -> Format {
        self.format
    }

    /// Physical memory.
    pub fn memory(&self) -> &Memory {
        &self.mem
    }

    /// Diagnostics.
    pub fn trace(&self) -> &Trace {
        &self.trace
    }

    /// Reads the instance block at `inst` (see [`inst`]).
    pub fn instance_block(&self, inst: PhysAddr) -> Result<InstanceBlock, Fault> {
        inst::parse(&self.mem, self.format, inst)
    }

    /// Walks without the TLB and without tracing (diagnostics, tests).
    pub fn walk(&self, pd: &PageDir, va: u64, access: Access) -> Walk {
        walk::walk(&self.mem, self.format, pd, va, access)
    }

    fn trace_walk(&self, pd: &PageDir, va: u64, access: Access, w: &Walk) {
        self.trace.trace(|| {
            let steps: Vec<String> = w.steps.iter().map(|s| s.to_string()).collect();
            let end = match &w.result {
                Ok(Outcome::Page(p)) => format!(
                    "{} ({} page, {}, kind {:#x})",
                    p.phys(va),
                    p.size_name(),
                    p.attrs.flags(),
                    p.attrs.kind
                ),
                Ok(Outcome::Sparse(l)) => format!("sparse (from {l})"),
                Err(f) => format!(
                    "fault {} ({:#x}): {}",
                    f.kind.name(),
                    f.kind.code(),
                    f.reason
                ),
            };
            format!(
                "mmu: walk {} pdb {} va {va:#x} {}: {} -> {end}",
                self.format.name(),
                pd.base,
                access.name(),
                steps.join(" ")
            )
        });
    }

    fn lookup(&self, pdb: PdbKey, va: u64) -> Option<Page> {
        let tlb = self.shared.tlb.lock().unwrap_or_else(|e| e.into_inner());
        if tlb.is_empty() {
            return None;
        }
        // Largest first: a 2 MiB entry covers every 4 KiB VPN in it.
        for shift in [29u8, 21, 17, 16, 12] {
            let key = TlbKey {
                pdb,
                shift,
                vpn: va >> shift,
            };
            if let Some(p) = tlb.get(&key) {
                return Some(*p);
            }
        }
        None
    }

    fn insert(&self, pdb: PdbKey, va: u64, page: Page) {
        let mut tlb = self.shared.tlb.lock().unwrap_or_else(|e| e.into_inner());
        if tlb.len() >= TLB_CAPACITY {
            tlb.clear();
        }
        tlb.insert(
            TlbKey {
                pdb,
                shift: page.shift,
                vpn: va >> page.shift,
            },
            page,
        );
    }

    /// Translates `va` of `pd` for `access` by a client that is
    /// `privileged` or not: from the TLB if it holds the page (however
    /// stale), else by a walk whose page is then cached.
    pub fn translate(
        &self,
        pd: &PageDir,
        va: u64,
        access: Access,
        privileged: bool,
    ) -> Result<Translation, Fault> {
        let pdb = PdbKey::of(pd);
        let page = match self.lookup(pdb, va) {
            Some(p) => {
                self.shared.hits.fetch_add(1, Ordering::Relaxed);
                p
            }
            None => {
                self.shared.walks.fetch_add(1, Ordering::Relaxed);
                let w = self.walk(pd, va, access);
                self.trace_walk(pd, va, access, &w);
                match w.result? {
                    Outcome::Sparse(_) => return Ok(Translation::Sparse),
                    Outcome::Page(p) => {
                        // The PTE is valid: cached even if this access
                        // then faults on its protection bits.
                        self.insert(pdb, va, p);
                        walk::check_access(&p, va, access, privileged).map_err(|mut f| {
                            f.at = w.steps.last().copied();
                            f
                        })?;
                        return Ok(Translation::Mapped {
                            page: p,
                            pa: p.phys(va),
                        });
                    }
                }
            }
        };
        walk::check_access(&page, va, access, privileged)?;
        Ok(Translation::Mapped {
            page,
            pa: page.phys(va),
        })
    }

    /// Reads `buf.len()` bytes at `va` of `pd`.
    pub fn read_virt(
        &self,
        pd: &PageDir,
        va: u64,
        buf: &mut [u8],
        privileged: bool,
    ) -> Result<(), AccessError> {
        let mut done = 0;
        while done < buf.len() {
            let at = va.wrapping_add(done as u64);
            let t = self
                .translate(pd, at, Access::Read, privileged)
                .map_err(AccessError::Fault)?;
            let (n, pa) = chunk(&t, at, buf.len() - done);
            let dst = &mut buf[done..done + n];
            match pa {
                Some(pa) => self
                    .mem
                    .read(pa, dst)
                    .map_err(|error| AccessError::Memory { va: at, pa, error })?,
                None => dst.fill(0),
            }
            done += n;
        }
        Ok(())
    }

    /// Writes `data` at `va` of `pd`. Stops at the first fault; the bytes
    /// before it are written.
    pub fn write_virt(
        &self,
        pd: &PageDir,
        va: u64,
        data: &[u8],
        privileged: bool,
    ) -> Result<(), AccessError> {
        let mut done = 0;
        while done < data.len() {
            let at = va.wrapping_add(done as u64);
            let t = self
                .translate(pd, at, Access::Write, privileged)
                .map_err(AccessError::Fault)?;
            let (n, pa) = chunk(&t, at, data.len() - done);
            if let Some(pa) = pa {
                self.mem
                    .write(pa, &data[done..done + n])
                    .map_err(|error| AccessError::Memory { va: at, pa, error })?;
            }
            done += n;
        }
        Ok(())
    }

    /// Reads physical memory (an engine in physical mode).
    pub fn read_phys(&self, pa: PhysAddr, buf: &mut [u8]) -> Result<(), MemError> {
        self.mem.read(pa, buf)
    }

    /// Writes physical memory.
    pub fn write_phys(&self, pa: PhysAddr, data: &[u8]) -> Result<(), MemError> {
        self.mem.write(pa, data)
    }

    /// Drops the TLB entries in `scope`; returns how many.
    pub fn invalidate(&self, scope: Scope) -> usize {
        self.shared.invalidations.fetch_add(1, Ordering::Relaxed);
        let mut tlb = self.shared.tlb.lock().unwrap_or_else(|e| e.into_inner());
        let before = tlb.len();
        match scope {
            Scope::All => tlb.clear(),
            Scope::Pdb(pdb) => tlb.retain(|k, _| k.pdb != pdb),
        }
        before - tlb.len()
    }

    /// The TLB counters.
    pub fn stats(&self) -> TlbStats {
        TlbStats {
            hits: self.shared.hits.load(Ordering::Relaxed),
            walks: self.shared.walks.load(Ordering::Relaxed),
            invalidations: self.shared.invalidations.load(Ordering::Relaxed),
            entries: self
                .shared
                .tlb
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .len(),
        }
    }

    /// Logs `line` unless a line with the same `key` was logged before.
    pub fn log_once(&self, key: String, line: impl FnOnce() -> String) {
        let first = self
            .shared
            .reported
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key);
        if first {
            self.trace.log(line());
        }
    }

    /// Forgets the TLB and the log-once keys (device reset).
    pub fn reset(&self) {
        self.shared
            .tlb
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        self.shared
            .reported
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

/// How many of `want` bytes at `va` the translation `t` covers, and where
/// they are (`None`: sparse, up to the next 4 KiB boundary).
fn chunk(t: &Translation, va: u64, want: usize) -> (usize, Option<PhysAddr>) {
    let (shift, pa) = match t {
        Translation::Mapped { page, pa } => (page.shift, Some(*pa)),
        Translation::Sparse => (12, None),
    };
    let size = 1u64 << shift;
    let left = size - (va & (size - 1));
    ((want as u64).min(left) as usize, pa)
}
