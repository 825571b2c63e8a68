//! The GMMU driven by hand-built page tables, as a driver (or GSP-RM) would
//! write them: both formats, 4 KiB / 64 KiB / 2 MiB (and ver3's 512 MiB)
//! pages in video and system memory, tables in either, faults with their
//! precise causes, read-only and privileged pages, sparse mappings, the
//! TLB kept stale until the VFN `MMU_INVALIDATE` registers are written,
//! instance blocks, BAR1 in virtual mode, and the walk trace.
//!
//! The entries are encoded here from the manuals' bit positions (see
//! `src/mmu/format.rs` for the sources), independently of nvsim's decoder.

use std::collections::HashMap;
use std::fs::File;
use std::os::fd::{FromRawFd, OwnedFd};

use nvsim::chip::Chip;
use nvsim::device::Gpu;
use nvsim::mmu::{
    Access, AccessError, Aperture, FaultType, Format, Level, Outcome, PageDir, PhysAddr,
    Translation,
};
use nvsim::trace::Trace;

const BAR0: u32 = 0;
const BAR1: u32 = 1;
const RAM: u64 = 0x4000_0000;
const RAM_SIZE: u64 = 0x40_0000;

fn new_gpu(chip: &str, tracing: bool) -> (Gpu, Trace) {
    let chip = Chip::by_name(chip).expect("chip");
    let trace = Trace::memory(tracing);
    let gpu = Gpu::new(chip, chip.vram, trace.clone());
    // SAFETY: creates a new anonymous memory file; checked below.
    let fd = unsafe { libc::memfd_create(c"guest-ram".as_ptr(), 0) };
    assert!(fd >= 0);
    // SAFETY: `fd` is a fresh descriptor owned by nobody else.
    let ram = File::from(unsafe { OwnedFd::from_raw_fd(fd) });
    ram.set_len(RAM_SIZE).expect("size");
    gpu.dma.map(true, 0, RAM, RAM_SIZE, Some(ram)).expect("map");
    (gpu, trace)
}

fn wr32(gpu: &mut Gpu, off: u64, v: u32) {
    gpu.region_write(BAR0, off, &v.to_le_bytes())
        .expect("write");
}

fn rd32(gpu: &mut Gpu, off: u64) -> u32 {
    let mut b = [0; 4];
    gpu.region_read(BAR0, off, &mut b).expect("read");
    u32::from_le_bytes(b)
}

/// PTE attributes a test asks for.
#[derive(Clone, Copy, Default)]
struct Flags {
    ro: bool,
    privileged: bool,
    vol: bool,
    no_atomic: bool,
    kind: u8,
}

const RW: Flags = Flags {
    ro: false,
    privileged: false,
    vol: false,
    no_atomic: false,
    kind: 0,
};

/// A page-table builder writing entries straight into simulated memory.
struct Tables {
    gpu_mem: nvsim::mmu::Memory,
    fmt: Format,
    /// Where new tables go.
    table_aperture: Aperture,
    next_vram: u64,
    next_sys: u64,
    root: PhysAddr,
    /// (entry address, which half) -> child table.
    children: HashMap<(PhysAddr, u8), PhysAddr>,
}

/// PDE aperture codes: 1 video, 2 coherent, 3 non-coherent.
fn pde_ap(a: Aperture) -> u64 {
    match a {
        Aperture::Vram => 1,
        Aperture::SysCoherent => 2,
        Aperture::SysNonCoherent => 3,
        Aperture::Peer => unreachable!(),
    }
}

/// PTE aperture codes: 0 video, 1 peer, 2 coherent, 3 non-coherent.
fn pte_ap(a: Aperture) -> u64 {
    match a {
        Aperture::Vram => 0,
        Aperture::Peer => 1,
        Aperture::SysCoherent => 2,
        Aperture::SysNonCoherent => 3,
    }
}

impl Tables {
    fn new(gpu: &Gpu, table_aperture: Aperture, vram_base: u64, sys_base: u64) -> Self {
        let mut t = Tables {
            gpu_mem: gpu.mmu.memory().clone(),
            fmt: gpu.mmu.format(),
            table_aperture,
            next_vram: vram_base,
            next_sys: sys_base,
            root: PhysAddr::vram(0),
            children: HashMap::new(),
        };
        t.root = t.alloc(0x1000);
        t
    }

    fn alloc(&mut self, size: u64) -> PhysAddr {
        let next = if self.table_aperture == Aperture::Vram {
            &mut self.next_vram
        } else {
            &mut self.next_sys
        };
        let at = next.next_multiple_of(size.max(0x100));
        *next = at + size;
        let pa = PhysAddr {
            aperture: self.table_aperture,
            addr: at,
        };
        self.gpu_mem
            .write(pa, &vec![0; size as usize])
            .expect("zero");
        pa
    }

    fn pd(&self) -> PageDir {
        PageDir::new(self.root)
    }

    fn wr(&self, pa: PhysAddr, v: u64) {
        self.gpu_mem.write_u64(pa, v).expect("table write");
    }

    /// An 8-byte PDE (or one half of a dual one) pointing at `t`. Ver2:
    /// address >> 4 (bits 53:8 / 32:8 hold address >> 12; the big half's
    /// 53:4 hold address >> 8), aperture 2:1, VOL 3 for coherent sysmem as
    /// nouveau does. Ver3: the address in place, aperture 2:1, PCF 5:3
    /// (nouveau: VALID_CACHED_ATS_NOT_ALLOWED for VRAM, ...UNCACHED_ATS_ALLOWED
    /// for coherent, ...CACHED_ATS_ALLOWED for non-coherent).
    fn pde(&self, t: PhysAddr) -> u64 {
        match self.fmt {
            Format::Ver2 => {
                (t.addr >> 4)
                    | pde_ap(t.aperture) << 1
                    | u64::from(t.aperture == Aperture::SysCoherent) << 3
            }
            Format::Ver3 => {
                let pcf = match t.aperture {
                    Aperture::Vram => 2,
                    Aperture::SysCoherent => 1,
                    _ => 0,
                };
                t.addr | pde_ap(t.aperture) << 1 | pcf << 3
            }
        }
    }

    /// A valid PTE for `pa`. Ver2: VALID 0, aperture 2:1, VOL 3, PRIVILEGE
    /// 5, READ_ONLY 6, ATOMIC_DISABLE 7, address >> 4, KIND 63:56. Ver3:
    /// VALID 0, aperture 2:1, PCF 7:3 (uncached 1, privileged 2,
    /// read-only 4, no atomics 8, ACD 0x10 as nouveau), KIND 11:8, address
    /// in place.
    fn pte(&self, pa: PhysAddr, f: Flags) -> u64 {
        match self.fmt {
            Format::Ver2 => {
                1 | pte_ap(pa.aperture) << 1
                    | u64::from(f.vol) << 3
                    | u64::from(f.privileged) << 5
                    | u64::from(f.ro) << 6
                    | u64::from(f.no_atomic) << 7
                    | (pa.addr >> 4)
                    | u64::from(f.kind) << 56
            }
            Format::Ver3 => {
                let pcf = u64::from(f.vol)
                    | u64::from(f.privileged) << 1
                    | u64::from(f.ro) << 2
                    | u64::from(f.no_atomic) << 3
                    | 0x10;
                1 | pte_ap(pa.aperture) << 1 | pcf << 3 | u64::from(f.kind) << 8 | pa.addr
            }
        }
    }

    fn dirs(&self) -> &'static [(u8, u8)] {
        match self.fmt {
            Format::Ver2 => &[(48, 47), (46, 38), (37, 29)],
            Format::Ver3 => &[(56, 56), (55, 47), (46, 38), (37, 29)],
        }
    }

    fn child(&mut self, entry: PhysAddr, half: u8, size: u64) -> (PhysAddr, bool) {
        if let Some(c) = self.children.get(&(entry, half)) {
            return (*c, false);
        }
        let c = self.alloc(size);
        self.children.insert((entry, half), c);
        (c, true)
    }

    /// The address of the entry mapping `va` with pages of `1 << shift`,
    /// creating the tables on the way.
    fn slot(&mut self, va: u64, shift: u8) -> PhysAddr {
        let mut table = self.root;
        for &(hi, lo) in self.dirs() {
            let idx = (va >> lo) & ((1 << (hi - lo + 1)) - 1);
            let entry = table.offset(idx * 8);
            if shift == lo {
                return entry;
            }
            let (c, new) = self.child(entry, 0, 0x1000);
            if new {
                self.wr(entry, self.pde(c));
            }
            table = c;
        }
        let entry = table.offset(((va >> 21) & 0xff) * 16);
        match shift {
            21 => entry,
            16 => {
                let (c, new) = self.child(entry, 0, 32 * 8);
                if new {
                    self.wr(entry, self.pde(c));
                }
                c.offset(((va >> 16) & 0x1f) * 8)
            }
            _ => {
                let (c, new) = self.child(entry, 1, 0x1000);
                if new {
                    self.wr(entry.offset(8), self.pde(c));
                }
                c.offset(((va >> 12) & 0x1ff) * 8)
            }
        }
    }

    fn map(&mut self, va: u64, shift: u8, pa: PhysAddr, f: Flags) -> PhysAddr {
        let slot = self.slot(va, shift);
        self.wr(slot, self.pte(pa, f));
        slot
    }
}

fn mapped(t: Result<Translation, nvsim::mmu::Fault>) -> (PhysAddr, u8) {
    match t {
        Ok(Translation::Mapped { pa, page }) => (pa, page.shift),
        other => panic!("not mapped: {other:?}"),
    }
}

/// Maps and reads back each page size in each aperture, with the tables
/// in `tables_in`.
fn pages_of_each_size(chip: &str, tables_in: Aperture) {
    let (gpu, _) = new_gpu(chip, false);
    let mmu = gpu.mmu.clone();
    let mut t = Tables::new(&gpu, tables_in, 0x100_0000, RAM);
    let cases: &[(u64, u8, PhysAddr)] = &[
        (0x1_0000_3000, 12, PhysAddr::vram(0x2000_5000)),
        (0x1_0000_4000, 12, PhysAddr::sys(RAM + 0x30_0000)),
        (
            0x1_0000_5000,
            12,
            PhysAddr {
                aperture: Aperture::SysNonCoherent,
                addr: RAM + 0x30_1000,
            },
        ),
        (0x2_0001_0000, 16, PhysAddr::vram(0x3000_0000)),
        (0x2_0002_0000, 16, PhysAddr::sys(RAM + 0x32_0000)),
        (0x3_0020_0000, 21, PhysAddr::vram(0x4020_0000)),
        // Top of the VA space: the last entry of every level.
        (
            (1u64 << gpu.mmu.format().va_bits()) - 0x1000,
            12,
            PhysAddr::vram(0x5000_0000),
        ),
    ];
    for (i, &(va, shift, pa)) in cases.iter().enumerate() {
        t.map(va, shift, pa, RW);
        let marker = 0xa5a5_0000_0000_0000u64 | i as u64;
        let off = (1u64 << shift) - 8;
        mmu.write_phys(pa.offset(off), &marker.to_le_bytes())
            .expect("phys write");
        let (got, s) = mapped(mmu.translate(&t.pd(), va + off, Access::Read, false));
        assert_eq!((got, s), (pa.offset(off), shift), "{chip} case {i}");
        let mut b = [0u8; 8];
        mmu.read_virt(&t.pd(), va + off, &mut b, false)
            .expect("virtual read");
        assert_eq!(u64::from_le_bytes(b), marker, "{chip} case {i}");
        // And a virtual write lands physically.
        mmu.write_virt(&t.pd(), va + 8, &(!marker).to_le_bytes(), false)
            .expect("virtual write");
        let mut b = [0u8; 8];
        mmu.read_phys(pa.offset(8), &mut b).expect("phys read");
        assert_eq!(u64::from_le_bytes(b), !marker, "{chip} case {i}");
    }
    // A read across a 4K/64K boundary spans two pages.
    t.map(0x7_0000_0000, 12, PhysAddr::vram(0x6000_0000), RW);
    t.map(0x7_0000_1000, 12, PhysAddr::vram(0x6100_0000), RW);
    mmu.write_phys(PhysAddr::vram(0x6000_0ffc), &[1, 2, 3, 4])
        .expect("w");
    mmu.write_phys(PhysAddr::vram(0x6100_0000), &[5, 6, 7, 8])
        .expect("w");
    let mut b = [0u8; 8];
    mmu.read_virt(&t.pd(), 0x7_0000_0ffc, &mut b, false)
        .expect("straddle");
    assert_eq!(b, [1, 2, 3, 4, 5, 6, 7, 8]);
}

#[test]
fn ver2_pages_of_each_size_tables_in_vram() {
    for chip in ["tu102", "ga102", "ad102"] {
        pages_of_each_size(chip, Aperture::Vram);
    }
}

#[test]
fn ver2_pages_of_each_size_tables_in_sysmem() {
    pages_of_each_size("ga102", Aperture::SysCoherent);
    pages_of_each_size("tu102", Aperture::SysNonCoherent);
}

#[test]
fn ver3_pages_of_each_size() {
    for chip in ["gh100", "gb202"] {
        pages_of_each_size(chip, Aperture::Vram);
    }
    pages_of_each_size("gh100", Aperture::SysCoherent);
}

#[test]
fn ver3_512m_pages_at_pd1() {
    let (gpu, _) = new_gpu("gh100", false);
    assert_eq!(gpu.mmu.format(), Format::Ver3);
    let mut t = Tables::new(&gpu, Aperture::Vram, 0x100_0000, RAM);
    t.map(0x20_0000_0000, 29, PhysAddr::vram(0x4000_0000), RW);
    let (pa, shift) = mapped(
        gpu.mmu
            .translate(&t.pd(), 0x20_1234_5678, Access::Write, false),
    );
    assert_eq!((pa, shift), (PhysAddr::vram(0x4000_0000 + 0x1234_5678), 29));
    // Ver2 has no pages at PD1: the same entry is a PDE fault there.
    let (gpu, _) = new_gpu("ga102", false);
    let mut t = Tables::new(&gpu, Aperture::Vram, 0x100_0000, RAM);
    let slot = t.slot(0x20_0000_0000, 29);
    t.wr(slot, t.pte(PhysAddr::vram(0x4000_0000), RW));
    let f = gpu
        .mmu
        .translate(&t.pd(), 0x20_0000_0000, Access::Read, false)
        .expect_err("no 512M pages in ver2");
    assert_eq!(f.kind, FaultType::Pde);
    assert_eq!(f.at.map(|s| s.level), Some(Level::Pd1));
    assert!(f.reason.contains("IS_PTE"), "{f}");
}

#[test]
fn unmapped_addresses_fault_naming_level_entry_and_reason() {
    for chip in ["ga102", "gh100"] {
        let (gpu, _) = new_gpu(chip, false);
        let mmu = &gpu.mmu;
        let mut t = Tables::new(&gpu, Aperture::Vram, 0x100_0000, RAM);
        t.map(0x1_0000_0000, 12, PhysAddr::vram(0x2000_0000), RW);
        let pd = t.pd();
        // Another PD2 entry: never written.
        let va = 0x80_0000_0000u64;
        let f = mmu.translate(&pd, va, Access::Read, false).expect_err("pd");
        assert_eq!(
            (f.kind, f.kind.code(), f.va),
            (FaultType::Pde, 0, va),
            "{f}"
        );
        let at = f.at.expect("entry");
        assert_eq!((at.level, at.index, at.entry), (Level::Pd2, 2, 0), "{chip}");
        assert!(f.reason.contains("INVALID"), "{f}");
        assert!(
            f.to_string()
                .contains("FAULT_PDE (0x0) on read of VA 0x8000000000: PD2[0x2]"),
            "{f}"
        );
        // Same PT, next page: a PTE fault at PT_SMALL[1].
        let f = mmu
            .translate(&pd, 0x1_0000_1000, Access::Write, false)
            .expect_err("pte");
        assert_eq!((f.kind, f.access), (FaultType::Pte, Access::Write));
        let at = f.at.expect("entry");
        assert_eq!((at.level, at.index), (Level::SmallPt, 1));
        assert!(f.reason.contains("VALID is clear"), "{f}");
        // Same PD0 entry's 2 MiB neighbour: PD0 has neither table.
        let f = mmu
            .translate(&pd, 0x1_0020_0000, Access::Read, false)
            .expect_err("pd0");
        assert_eq!(f.kind, FaultType::Pde);
        assert_eq!(f.at.map(|s| (s.level, s.index)), Some((Level::Pd0, 1)));
        // Beyond the VA width.
        let va = 1u64 << mmu.format().va_bits();
        let f = mmu.translate(&pd, va, Access::Read, false).expect_err("va");
        assert_eq!((f.kind, f.kind.code()), (FaultType::VaLimitViolation, 3));
        // The access API reports the fault.
        let mut b = [0u8; 4];
        let e = mmu
            .read_virt(&pd, 0x1_0000_1000, &mut b, false)
            .expect_err("fault");
        assert!(
            matches!(e, AccessError::Fault(ref f) if f.kind == FaultType::Pte),
            "{e}"
        );
        // A page table in guest memory nobody mapped: a PTE fault naming
        // the read that failed.
        let slot = t.slot(0x1_0000_0000, 21);
        let sys_pt = PhysAddr::sys(0x9_0000_0000);
        t.wr(slot.offset(8), t.pde(sys_pt));
        let f = mmu
            .translate(&pd, 0x1_0000_2000, Access::Read, false)
            .expect_err("unreadable table");
        assert_eq!(f.kind, FaultType::Pte);
        assert!(
            f.reason
                .contains("no DMA region maps bus address 0x900000010"),
            "{f}"
        );
    }
}

#[test]
fn protection_bits_are_enforced_and_recorded() {
    for chip in ["ad102", "gb202"] {
        let (gpu, _) = new_gpu(chip, false);
        let mmu = &gpu.mmu;
        let mut t = Tables::new(&gpu, Aperture::Vram, 0x100_0000, RAM);
        let ro = Flags { ro: true, ..RW };
        let privileged = Flags {
            privileged: true,
            ..RW
        };
        let no_atomic = Flags {
            no_atomic: true,
            ..RW
        };
        t.map(0x10_0000, 12, PhysAddr::vram(0x1000_0000), ro);
        t.map(0x20_0000, 16, PhysAddr::vram(0x2000_0000), privileged);
        t.map(0x40_0000, 21, PhysAddr::vram(0x4000_0000), no_atomic);
        let pd = t.pd();
        // Read-only: reads work, a write is an RO_VIOLATION of type 6.
        mmu.translate(&pd, 0x10_0000, Access::Read, false)
            .expect("read");
        let f = mmu
            .translate(&pd, 0x10_0010, Access::Write, false)
            .expect_err("ro");
        assert_eq!(
            (f.kind, f.kind.code(), f.access, f.access.code(), f.va),
            (FaultType::RoViolation, 6, Access::Write, 1, 0x10_0010),
            "{chip}"
        );
        assert!(
            f.to_string()
                .contains("FAULT_RO_VIOLATION (0x6) on write of VA 0x100010"),
            "{f}"
        );
        let e = mmu
            .write_virt(&pd, 0x10_0000, &[1, 2, 3, 4], false)
            .expect_err("ro write");
        assert!(matches!(e, AccessError::Fault(ref f) if f.kind == FaultType::RoViolation));
        let mut b = [9u8; 4];
        mmu.read_phys(PhysAddr::vram(0x1000_0000), &mut b)
            .expect("r");
        assert_eq!(b, [0; 4], "{chip}: the faulting write wrote nothing");
        // Privileged: only privileged clients.
        let f = mmu
            .translate(&pd, 0x20_0000, Access::Read, false)
            .expect_err("priv");
        assert_eq!((f.kind, f.kind.code()), (FaultType::PrivViolation, 5));
        mmu.translate(&pd, 0x20_0000, Access::Write, true)
            .expect("privileged client");
        // Atomic-disabled: reads and writes fine, atomics fault.
        mmu.translate(&pd, 0x40_0000, Access::Write, false)
            .expect("write");
        let f = mmu
            .translate(&pd, 0x40_0000, Access::Atomic, false)
            .expect_err("atomic");
        assert_eq!((f.kind, f.kind.code()), (FaultType::AtomicViolation, 0xf));
        // Checked again on a TLB hit (the pages are cached by now).
        let hits = mmu.stats().hits;
        let f = mmu
            .translate(&pd, 0x10_0020, Access::Write, false)
            .expect_err("ro, cached");
        assert_eq!(f.kind, FaultType::RoViolation);
        assert!(mmu.stats().hits > hits);
        // Invalid kind (0x07) and peer memory.
        t.map(
            0x60_0000,
            12,
            PhysAddr::vram(0x5000_0000),
            Flags { kind: 7, ..RW },
        );
        let f = mmu
            .translate(&pd, 0x60_0000, Access::Read, false)
            .expect_err("kind");
        assert_eq!((f.kind, f.kind.code()), (FaultType::UnsupportedKind, 0xc));
        t.map(
            0x60_1000,
            12,
            PhysAddr {
                aperture: Aperture::Peer,
                addr: 0,
            },
            RW,
        );
        let f = mmu
            .translate(&pd, 0x60_1000, Access::Read, false)
            .expect_err("peer");
        assert_eq!(
            (f.kind, f.kind.code()),
            (FaultType::UnsupportedAperture, 0xa)
        );
    }
}

#[test]
fn big_and_small_pages_under_one_pd0_entry() {
    for chip in ["ga102", "gh100"] {
        let (gpu, _) = new_gpu(chip, false);
        let mmu = &gpu.mmu;
        let fmt = mmu.format();
        let mut t = Tables::new(&gpu, Aperture::Vram, 0x100_0000, RAM);
        // 64 KiB page at 0x1_0000, 4 KiB pages in the next 64 KiB.
        let big = t.map(0x1_0000, 16, PhysAddr::vram(0x2000_0000), RW);
        t.map(0x2_0000, 12, PhysAddr::vram(0x3000_0000), RW);
        let pd = t.pd();
        assert_eq!(
            mapped(mmu.translate(&pd, 0x1_8000, Access::Read, false)).0,
            PhysAddr::vram(0x2000_8000)
        );
        // Big PTE 0 (invalid): the small table answers.
        assert_eq!(
            mapped(mmu.translate(&pd, 0x2_0010, Access::Read, false)),
            (PhysAddr::vram(0x3000_0010), 12)
        );
        // Big PTE "no valid 4K page": the small table is not consulted.
        let big2 = big.offset(8);
        let nv4k = match fmt {
            Format::Ver2 => (1 << 3) | (1 << 5), // VOL + PRIV, VALID clear
            Format::Ver3 => 3 << 3,              // PCF NO_VALID_4KB_PAGE
        };
        t.wr(big2, nv4k);
        let w = mmu.walk(&pd, 0x2_0010, Access::Read);
        let f = w.result.expect_err("nv4k");
        assert_eq!(f.kind, FaultType::Pte);
        assert_eq!(f.at.map(|s| s.level), Some(Level::BigPt));
        // Sparse big PTE: reads zero, writes dropped, no fault.
        let sparse = match fmt {
            Format::Ver2 => 1 << 3, // VOL, VALID clear
            Format::Ver3 => 1 << 3, // PCF SPARSE
        };
        t.wr(big.offset(16), sparse);
        assert_eq!(
            mmu.walk(&pd, 0x3_0000, Access::Read).result,
            Ok(Outcome::Sparse(Level::BigPt))
        );
        let mut b = [7u8; 16];
        mmu.read_virt(&pd, 0x3_0000, &mut b, false)
            .expect("sparse read");
        assert_eq!(b, [0; 16]);
        mmu.write_virt(&pd, 0x3_0000, &b, false)
            .expect("sparse write");
        // A sparse PDE (PD2 entry 1): the whole 256 GiB range is sparse.
        let pd2 = t.slot(0x40_0000_0000, 38);
        t.wr(pd2, 1 << 3);
        assert_eq!(
            mmu.walk(&pd, 0x40_1234_0000, Access::Write).result,
            Ok(Outcome::Sparse(Level::Pd2)),
            "{chip}"
        );
    }
}

/// Writes the VFN invalidate registers as nouveau's `tu102_vmm_flush`
/// does: PDB = address >> 8 (aperture 0, VRAM), UPPER_PDB, then
/// TRIGGER | `cmd`; polls TRIGGER until clear.
fn invalidate(gpu: &mut Gpu, pdb: PhysAddr, cmd: u32) {
    let ap = u32::from(pdb.aperture != Aperture::Vram) << 1;
    wr32(gpu, 0xb8_30a0, ((pdb.addr >> 12) as u32) << 4 | ap);
    wr32(gpu, 0xb8_30a4, (pdb.addr >> 40) as u32);
    wr32(gpu, 0xb8_30b0, 0x8000_0000 | cmd);
    let mut polls = 0;
    while rd32(gpu, 0xb8_30b0) & 0x8000_0000 != 0 {
        polls += 1;
        assert!(polls < 10, "invalidate never completes");
    }
}

#[test]
fn a_stale_tlb_entry_is_used_until_the_driver_invalidates() {
    for chip in ["tu102", "ga102", "ad102", "gh100", "gb202"] {
        let (mut gpu, _) = new_gpu(chip, false);
        let mmu = gpu.mmu.clone();
        let mut t = Tables::new(&gpu, Aperture::Vram, 0x100_0000, RAM);
        let (a, b) = (PhysAddr::vram(0x2000_0000), PhysAddr::vram(0x2100_0000));
        mmu.write_phys(a, b"AAAA").expect("a");
        mmu.write_phys(b, b"BBBB").expect("b");
        let va = 0x5_0000_0000u64;
        let slot = t.map(va, 12, a, RW);
        let pd = t.pd();
        let read = |mmu: &nvsim::mmu::Gmmu| {
            let mut buf = [0u8; 4];
            mmu.read_virt(&pd, va, &mut buf, false).map(|_| buf)
        };
        assert_eq!(read(&mmu).expect("a"), *b"AAAA", "{chip}");
        // The PTE now says B; nobody invalidated: still A.
        t.wr(slot, t.pte(b, RW));
        assert_eq!(read(&mmu).expect("stale"), *b"AAAA", "{chip}: stale");
        // Invalidating another PDB changes nothing.
        invalidate(&mut gpu, PhysAddr::vram(0x7000_0000), 1);
        assert_eq!(read(&mmu).expect("stale"), *b"AAAA", "{chip}: other PDB");
        // Invalidating this one: B.
        invalidate(&mut gpu, t.root, 1);
        assert_eq!(read(&mmu).expect("b"), *b"BBBB", "{chip}: after invalidate");
        // Unmapped without an invalidation: B stays reachable ...
        t.wr(slot, 0);
        assert_eq!(read(&mmu).expect("stale"), *b"BBBB", "{chip}: stale unmap");
        // ... until ALL_PDB (with HUBTLB_ONLY, nouveau's BAR form).
        invalidate(&mut gpu, PhysAddr::vram(0), 0x7);
        let e = read(&mmu).expect_err("unmapped");
        assert!(
            matches!(e, AccessError::Fault(ref f) if f.kind == FaultType::Pte),
            "{e}"
        );
        // The registers read back as written, TRIGGER clear.
        assert_eq!(rd32(&mut gpu, 0xb8_30b0), 0x7, "{chip}");
        assert_eq!(rd32(&mut gpu, 0xb8_30a0), 0, "{chip}");
        let s = mmu.stats();
        assert!(s.invalidations >= 3 && s.hits >= 3, "{s:?}");
    }
}

#[test]
fn a_sysmem_pdb_is_invalidated_with_the_sysmem_aperture() {
    let (mut gpu, _) = new_gpu("ga102", false);
    let mmu = gpu.mmu.clone();
    let mut t = Tables::new(&gpu, Aperture::SysCoherent, 0x100_0000, RAM);
    let va = 0x4000u64;
    let slot = t.map(va, 12, PhysAddr::vram(0x1000_0000), RW);
    mapped(mmu.translate(&t.pd(), va, Access::Read, false));
    t.wr(slot, t.pte(PhysAddr::vram(0x1100_0000), RW));
    // Same address, VRAM aperture: a different PDB.
    invalidate(&mut gpu, PhysAddr::vram(t.root.addr), 1);
    assert_eq!(
        mapped(mmu.translate(&t.pd(), va, Access::Read, false)).0,
        PhysAddr::vram(0x1000_0000)
    );
    invalidate(&mut gpu, t.root, 1);
    assert_eq!(
        mapped(mmu.translate(&t.pd(), va, Access::Read, false)).0,
        PhysAddr::vram(0x1100_0000)
    );
}

/// Words 128/129 of an instance block: target 1:0, VOL 2,
/// USE_VER2_PT_FORMAT 10, BIG_PAGE_SIZE 11 (64 KiB), base 31:12 / 63:32.
fn write_inst(gpu: &Gpu, inst: PhysAddr, pdb: PhysAddr, extra: u32, clear: u32) {
    let target = match pdb.aperture {
        Aperture::Vram => 0,
        Aperture::SysCoherent => 2,
        _ => 3,
    };
    let w128 = ((pdb.addr as u32 & 0xffff_f000) | target | (1 << 10) | (1 << 11) | extra) & !clear;
    let w129 = (pdb.addr >> 32) as u32;
    let mem = gpu.mmu.memory();
    mem.write(inst.offset(0x200), &w128.to_le_bytes())
        .expect("w128");
    mem.write(inst.offset(0x204), &w129.to_le_bytes())
        .expect("w129");
}

#[test]
fn instance_blocks_bind_page_directories_as_rm_and_nouveau_write_them() {
    let (gpu, _) = new_gpu("ga102", false);
    let inst = PhysAddr::vram(0x20_0000);
    // nouveau's gp100_vmm_join form: VER2 | 64K, VRAM PDB above 4 GiB.
    let pdb = PhysAddr::vram(0x1_2345_6000);
    write_inst(&gpu, inst, pdb, 0, 0);
    let ib = gpu.mmu.instance_block(inst).expect("bound");
    assert_eq!(ib.page_dir, PageDir::new(pdb));
    // Coherent sysmem PDB with VOL and replay bits.
    let pdb = PhysAddr::sys(RAM + 0x1000);
    write_inst(&gpu, inst, pdb, (1 << 2) | (1 << 4) | (1 << 5), 0);
    let ib = gpu.mmu.instance_block(inst).expect("bound");
    assert_eq!(ib.page_dir.base, pdb);
    assert!(ib.volatile && ib.fault_replay_tex && ib.fault_replay_gcc);
    // Refusals: old format, 128 KiB big pages, target INVALID, misaligned.
    let unbound = |extra: u32, clear: u32| {
        write_inst(&gpu, inst, PhysAddr::vram(0x1000), extra, clear);
        let f = gpu.mmu.instance_block(inst).expect_err("unbound");
        assert_eq!((f.kind, f.kind.code()), (FaultType::UnboundInstBlock, 4));
        f.reason
    };
    assert!(unbound(0, 1 << 10).contains("USE_VER2_PT_FORMAT"));
    assert!(unbound(0, 1 << 11).contains("128 KiB"));
    assert!(unbound(1, 0).contains("INVALID"));
    let f = gpu
        .mmu
        .instance_block(PhysAddr::vram(0x20_0800))
        .expect_err("misaligned");
    assert!(f.reason.contains("4 KiB aligned"));

    // Ver3: RM writes USE_VER2_PT_FORMAT clear for a ver3 VA space
    // (kgmmuInstBlkPageDirBaseGet_GP100); accepted.
    let (gpu, _) = new_gpu("gh100", false);
    write_inst(&gpu, inst, PhysAddr::vram(0x5000), 0, 1 << 10);
    let ib = gpu.mmu.instance_block(inst).expect("ver3 bound");
    assert_eq!(ib.page_dir.base, PhysAddr::vram(0x5000));
}

#[test]
fn bar1_in_virtual_mode_translates_through_its_instance_block() {
    // (chip, block register writes for an instance block in VRAM)
    for chip in ["ga102", "gh100"] {
        let (mut gpu, trace) = new_gpu(chip, false);
        let mut t = Tables::new(&gpu, Aperture::Vram, 0x100_0000, RAM);
        let data = PhysAddr::vram(0x3000_0000);
        gpu.mmu
            .write_phys(data.offset(0x10), b"bar1 virtual")
            .expect("data");
        t.map(0x1_0000, 16, data, RW);
        // Physical mode first: offset 0x3000_0010 is beyond BAR1 here; 0x10
        // is VRAM 0x10.
        gpu.vram.write(0x10, b"physical");
        let mut b = [0u8; 8];
        gpu.region_read(BAR1, 0x10, &mut b).expect("r");
        assert_eq!(&b, b"physical", "{chip}");

        let inst = PhysAddr::vram(0xe0_0000);
        write_inst(&gpu, inst, t.root, 0, 0);
        if chip == "gh100" {
            // NV_VIRTUAL_FUNCTION_PRIV_FUNC_BAR1_BLOCK_LOW/HIGH_ADDR:
            // PTR 31:12 in place, TARGET 11:10, MODE 9.
            wr32(&mut gpu, 0xb8_0f64, 0);
            wr32(&mut gpu, 0xb8_0f60, (inst.addr as u32) | (1 << 9));
            assert_eq!(rd32(&mut gpu, 0xb8_0f60) & 3, 0, "nothing pending");
        } else {
            // NV_PBUS_BAR1_BLOCK: PTR 27:0 = inst >> 12, TARGET 29:28, MODE 31.
            wr32(&mut gpu, 0x1704, (inst.addr >> 12) as u32 | (1 << 31));
            assert_eq!(rd32(&mut gpu, 0x1710), 0, "nothing pending");
        }
        let mut b = [0u8; 12];
        gpu.region_read(BAR1, 0x1_0010, &mut b).expect("r");
        assert_eq!(&b, b"bar1 virtual", "{chip}");
        gpu.region_write(BAR1, 0x1_0020, b"via BAR1").expect("w");
        let mut back = [0u8; 8];
        gpu.mmu.read_phys(data.offset(0x20), &mut back).expect("r");
        assert_eq!(&back, b"via BAR1", "{chip}");
        // Unmapped BAR1 offsets: all ones, one log line per page.
        let mut z = [0u8; 4];
        gpu.region_read(BAR1, 0x40_0000, &mut z).expect("r");
        gpu.region_read(BAR1, 0x40_0004, &mut z).expect("r");
        assert_eq!(z, [0xff; 4]);
        let lines: Vec<String> = trace
            .lines()
            .into_iter()
            .filter(|l| l.starts_with("BAR1: read at offset 0x400000"))
            .collect();
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(lines[0].contains("FAULT_PDE"), "{}", lines[0]);
        // Back to physical mode (what a client does after GSP-RM boots
        // when it wants a physical BAR1).
        if chip == "gh100" {
            wr32(&mut gpu, 0xb8_0f60, 0);
        } else {
            wr32(&mut gpu, 0x1704, 0);
        }
        let mut b = [0u8; 8];
        gpu.region_read(BAR1, 0x10, &mut b).expect("r");
        assert_eq!(&b, b"physical", "{chip}");
    }
}

#[test]
fn trace_logs_one_line_per_walk() {
    let (gpu, trace) = new_gpu("ga102", true);
    let mut t = Tables::new(&gpu, Aperture::Vram, 0x100_0000, RAM);
    t.map(
        0x1000,
        12,
        PhysAddr::sys(RAM + 0x20_0000),
        Flags { ro: true, ..RW },
    );
    let pd = t.pd();
    let mut b = [0u8; 64];
    gpu.mmu.read_virt(&pd, 0x1000, &mut b, false).expect("r");
    gpu.mmu.read_virt(&pd, 0x1040, &mut b, false).expect("r");
    let _ = gpu.mmu.translate(&pd, 0x9000, Access::Read, false);
    let walks: Vec<String> = trace
        .lines()
        .into_iter()
        .filter(|l| l.starts_with("mmu: walk"))
        .collect();
    assert_eq!(walks.len(), 2, "{walks:?}");
    assert!(
        walks[0].starts_with("mmu: walk ver2 pdb vid:0x1000000 va 0x1000 read: PD3[0x0]="),
        "{}",
        walks[0]
    );
    assert!(
        walks[0].ends_with("-> sys:0x40200000 (4K page, ro, kind 0x0)"),
        "{}",
        walks[0]
    );
    assert!(
        walks[1].contains("-> fault FAULT_PTE (0x2): VALID is clear"),
        "{}",
        walks[1]
    );
    // Page-table reads are part of the walk line, not DMA lines; the data
    // read is.
    let dma_reads = trace
        .lines()
        .iter()
        .filter(|l| l.starts_with("dma R"))
        .count();
    assert_eq!(dma_reads, 2);
}
