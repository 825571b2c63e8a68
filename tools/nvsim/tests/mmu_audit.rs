//! The MMU audit: page tables built by hand in VRAM (written through the
//! PRAMIN window with 8-byte BAR0 writes, as a driver's `writeq` reaches
//! nvsim through QEMU) in both formats, with 4 KiB, 64 KiB, 2 MiB (and
//! ver3's 512 MiB) pages, sparse ranges and broken entries; the VA spaces
//! registered directly or through GSP-RM's SET_PAGE_DIRECTORY; the audit
//! started by the VFN `MMU_INVALIDATE` registers; its summary and error
//! lines checked word for word.
//!
//! The entries are encoded here from the manuals' bit positions
//! (open-gpu-kernel-modules' published `pascal/gp100/dev_mmu.h`, nouveau's
//! `nvhw/ref/gh100/dev_mmu.h`), independently of nvsim's decoder. The GPUs
//! log to memory with tracing off: the audit lines are log lines, printed
//! without `--trace`.

mod common;

use std::fs::File;
use std::os::fd::{FromRawFd, OwnedFd};

use common::boot::{boot_to_booter_load, fw_dir, Driver};
use common::rig::Rig;
use nvsim::chip::Chip;
use nvsim::device::{Gpu, Setup};
use nvsim::mmu::audit::Target;
use nvsim::mmu::invalidate::InvalidateRegs;
use nvsim::mmu::{Access, Outcome, PageDir, PhysAddr};
use nvsim::trace::Trace;

const BAR0: u32 = 0;
/// Guest memory mapped for DMA in the directly driven GPUs.
const RAM: u64 = 0x8000_0000;
const RAM_SIZE: u64 = 0x10_0000;

const MMU_INVALIDATE_PDB: u64 = 0xb8_30a0;
const MMU_INVALIDATE_UPPER_PDB: u64 = 0xb8_30a4;
const MMU_INVALIDATE: u64 = 0xb8_30b0;
const TRIGGER: u32 = 1 << 31;
const ALL_VA: u32 = 1 << 0;
const ALL_PDB: u32 = 1 << 1;

const CLIENT: u32 = 0xc1d0_0001;
const VASPACE: u32 = 0x90f1_0000;

fn gpu(chip: &str) -> (Gpu, Trace) {
    let chip = Chip::by_name(chip).expect("chip");
    let trace = Trace::memory(false);
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

/// Registers `targets` directly: an invalidate register model auditing
/// them, in front of the GPU's own (which audits GSP-RM's records).
fn register(gpu: &mut Gpu, targets: Vec<Target>) {
    let regs = InvalidateRegs::new(gpu.mmu.clone()).with_audit(Box::new(move || targets.clone()));
    gpu.add_model(Box::new(regs));
}

fn target(client: u32, vaspace: u32, root: PhysAddr) -> Target {
    Target::vaspace(client, vaspace, PageDir::new(root))
}

fn wr32(gpu: &mut Gpu, off: u64, v: u32) {
    gpu.region_write(BAR0, off, &v.to_le_bytes())
        .expect("write");
}

/// Writes `v` at VRAM `addr` through PRAMIN with one 8-byte BAR0 write,
/// moving the window (`NV_PBUS_BAR0_WINDOW`, on Hopper and Blackwell
/// `NV_XAL_EP_BAR0_WINDOW`) onto its 64 KiB block first.
fn vram64(gpu: &mut Gpu, addr: u64, v: u64) {
    let window = if gpu.chip().arch.has_fsp() {
        0x10_fd40
    } else {
        0x1700
    };
    wr32(gpu, window, (addr >> 16) as u32);
    gpu.region_write(BAR0, 0x70_0000 + (addr & 0xffff), &v.to_le_bytes())
        .expect("PRAMIN write");
}

/// An MMU_INVALIDATE of the VRAM page directory at `pdb` (ADDR 31:4 =
/// PDB >> 12, APERTURE 1 = 0 video memory) with `cmd`.
fn invalidate(gpu: &mut Gpu, pdb: u64, cmd: u32) {
    wr32(gpu, MMU_INVALIDATE_PDB, ((pdb >> 12) << 4) as u32);
    wr32(gpu, MMU_INVALIDATE_UPPER_PDB, (pdb >> 40) as u32);
    wr32(gpu, MMU_INVALIDATE, TRIGGER | cmd);
}

/// The audit lines logged since the last call.
struct Lines {
    trace: Trace,
    seen: usize,
}

impl Lines {
    fn new(trace: &Trace) -> Self {
        Self {
            trace: trace.clone(),
            seen: 0,
        }
    }

    fn take(&mut self) -> Vec<String> {
        let all = self.trace.lines();
        let new: Vec<String> = all[self.seen..]
            .iter()
            .filter(|l| l.starts_with("mmu audit"))
            .cloned()
            .collect();
        self.seen = all.len();
        new
    }
}

// Ver2 encodings (`NV_MMU_VER2_*`).

/// PDE pointing at a VRAM table: APERTURE 2:1 = 1, ADDRESS_VID 32:8 =
/// address >> 12.
fn v2_pde(table: u64) -> u64 {
    ((table >> 12) << 8) | (1 << 1)
}

/// Dual PDE: big half APERTURE_BIG 2:1, ADDRESS_BIG_VID 32:4 = address >>
/// 8; small half APERTURE_SMALL 66:65, ADDRESS_SMALL_VID 96:72 = address
/// >> 12. Returns (bits 63:0, bits 127:64).
fn v2_dual(big: Option<u64>, small: Option<u64>) -> (u64, u64) {
    (
        big.map_or(0, |a| ((a >> 8) << 4) | (1 << 1)),
        small.map_or(0, |a| ((a >> 12) << 8) | (1 << 1)),
    )
}

/// PTE: VALID 0, APERTURE 2:1 (0 video, 1 peer, 2 coherent system
/// memory), ADDRESS 53:8 = address >> 12, KIND 63:56 = 0.
fn v2_pte(page: u64, aperture: u64) -> u64 {
    1 | (aperture << 1) | ((page >> 12) << 8)
}

/// VALID_FALSE + VOL: a sparse PTE; in the big half of a dual PDE
/// (VOL_BIG) a sparse PDE.
const V2_SPARSE: u64 = 1 << 3;

// Ver3 encodings (`NV_MMU_VER3_*`).

/// PDE: APERTURE 2:1 = 1, PCF 5:3 = 0 (VALID_CACHED_ATS_ALLOWED),
/// ADDRESS 51:12 in place.
fn v3_pde(table: u64) -> u64 {
    table | (1 << 1)
}

/// PTE: VALID 0, APERTURE 2:1, PCF 7:3 = 0 (REGULAR_RW_ATOMIC_CACHED_ACE),
/// KIND 11:8 = 0, ADDRESS in place.
fn v3_pte(page: u64, aperture: u64) -> u64 {
    1 | (aperture << 1) | page
}

/// PCF 1 with VALID clear / APERTURE INVALID: SPARSE (PTE) and
/// SPARSE_ATS_ALLOWED (PDE).
const V3_SPARSE: u64 = 1 << 3;

const GIB: u64 = 1 << 30;

/// The ver2 tables of the first example, in VRAM at 0x10_0000..0x10_7000:
/// 8 4 KiB pages, 3 64 KiB pages under one PD0 entry, a 2 MiB PTE in PD0
/// and two sparse ranges (16 sparse 4 KiB PTEs, a sparse big half).
mod v2 {
    pub const ROOT: u64 = 0x10_0000;
    pub const PD2: u64 = 0x10_1000;
    pub const PD1: u64 = 0x10_2000;
    pub const PD0: u64 = 0x10_3000;
    pub const SPT: u64 = 0x10_4000;
    pub const BPT: u64 = 0x10_5000;
    /// An empty table.
    pub const EMPTY: u64 = 0x10_6000;
}

fn build_v2(gpu: &mut Gpu) {
    use v2::*;
    vram64(gpu, ROOT, v2_pde(PD2));
    vram64(gpu, PD2, v2_pde(PD1));
    vram64(gpu, PD1, v2_pde(PD0));
    // PD0[0]: a big and a small page table.
    let (lo, hi) = v2_dual(Some(BPT), Some(SPT));
    vram64(gpu, PD0, lo);
    vram64(gpu, PD0 + 8, hi);
    // VA 0..0x8000: 4 KiB pages (the big PTE of 0..0x10000 is invalid).
    for i in 0..8 {
        vram64(gpu, SPT + 8 * i, v2_pte(0x20_0000 + 0x1000 * i, 0));
    }
    // VA 0x1_0000..0x2_0000: 16 sparse 4 KiB PTEs, one sparse range.
    for i in 16..32 {
        vram64(gpu, SPT + 8 * i, V2_SPARSE);
    }
    // VA 0x2_0000..0x5_0000: three 64 KiB pages.
    for i in 2..5 {
        vram64(gpu, BPT + 8 * i, v2_pte(0x30_0000 + 0x1_0000 * (i - 2), 0));
    }
    // PD0[1]: a 2 MiB page at VA 0x20_0000.
    vram64(gpu, PD0 + 16, v2_pte(0x40_0000, 0));
    // PD0[2]: sparse big half, no small table: VA 0x40_0000..0x60_0000.
    vram64(gpu, PD0 + 32, V2_SPARSE);
}

#[test]
fn ver2_tables_are_audited_at_each_invalidation_of_their_pdb() {
    let (mut g, trace) = gpu("ga102");
    let mut lines = Lines::new(&trace);
    build_v2(&mut g);
    // A second VA space, its root in system memory: a sparse PD3 entry.
    g.dma
        .write(RAM + 8, &V2_SPARSE.to_le_bytes())
        .expect("sysmem root");
    register(
        &mut g,
        vec![
            target(CLIENT, VASPACE, PhysAddr::vram(v2::ROOT)),
            target(CLIENT, VASPACE + 1, PhysAddr::sys(RAM)),
        ],
    );
    invalidate(&mut g, v2::ROOT, ALL_VA);
    assert_eq!(
        lines.take(),
        [
            "mmu audit: client 0xc1d00001 vaspace 0x90f10000 pdb vram 0x100000 ver2: 12 pages \
             mapped (4K 8, 64K 3, 2M 1, 512M 0), 2 sparse ranges, 0 errors"
        ]
    );
    // What the audit counted is what the walker finds.
    let pd = PageDir::new(PhysAddr::vram(v2::ROOT));
    for (va, shift) in [
        (0x7000, 12),
        (0x2_0000, 16),
        (0x4_ffff, 16),
        (0x3f_0000, 21),
    ] {
        match g.mmu.walk(&pd, va, Access::Read).result {
            Ok(Outcome::Page(p)) => assert_eq!(p.shift, shift, "VA {va:#x}"),
            other => panic!("VA {va:#x}: {other:?}"),
        }
    }
    for va in [0x1_0000, 0x1_f000, 0x40_0000, 0x5f_f000] {
        let w = g.mmu.walk(&pd, va, Access::Read);
        assert!(
            matches!(w.result, Ok(Outcome::Sparse(_))),
            "VA {va:#x}: {w:?}"
        );
    }
    // Another PDB: nothing audited, said once.
    invalidate(&mut g, 0x50_0000, ALL_VA);
    invalidate(&mut g, 0x50_0000, ALL_VA);
    assert_eq!(
        lines.take(),
        [
            "mmu audit: invalidation of pdb vid:0x500000, which no VA space registered \
             (SET_PAGE_DIRECTORY): nothing audited (logged once per pdb)"
        ]
    );
    // ALL_PDB: every registered VA space, each its line.
    invalidate(&mut g, 0, ALL_VA | ALL_PDB);
    assert_eq!(
        lines.take(),
        [
            "mmu audit: client 0xc1d00001 vaspace 0x90f10000 pdb vram 0x100000 ver2: 12 pages \
             mapped (4K 8, 64K 3, 2M 1, 512M 0), 2 sparse ranges, 0 errors",
            "mmu audit: client 0xc1d00001 vaspace 0x90f10001 pdb sys 0x80000000 ver2: 0 pages \
             mapped (4K 0, 64K 0, 2M 0, 512M 0), 1 sparse ranges, 0 errors"
        ]
    );
}

#[test]
fn ver2_broken_entries_are_named_with_level_index_and_va() {
    let (mut g, trace) = gpu("ga102");
    let mut lines = Lines::new(&trace);
    build_v2(&mut g);
    use v2::*;
    let vram = g.vram.size();
    // PD0[3]: a 2 MiB PTE whose address is not 2 MiB-aligned.
    vram64(&mut g, PD0 + 48, v2_pte(0x40_1000, 0));
    // PD0[4]: a small page table beyond VRAM.
    let (lo, hi) = v2_dual(None, Some(vram + 0x1000));
    vram64(&mut g, PD0 + 64, lo);
    vram64(&mut g, PD0 + 72, hi);
    // PT_SMALL[8]: kind INVALID (7).
    vram64(&mut g, SPT + 8 * 8, v2_pte(0x20_8000, 0) | (7 << 56));
    // PT_SMALL[9]: a page beyond VRAM.
    vram64(&mut g, SPT + 8 * 9, v2_pte(vram, 0));
    // PT_SMALL[10]: peer memory.
    vram64(&mut g, SPT + 8 * 10, v2_pte(0x20_a000, 1));
    // PT_SMALL[11]: system memory no DMA region maps; [12]: one it does.
    vram64(&mut g, SPT + 8 * 11, v2_pte(0x9000_0000, 2));
    vram64(&mut g, SPT + 8 * 12, v2_pte(RAM, 2));
    // PT_SMALL[32]: under the valid 64 KiB PTE PT_BIG[2].
    vram64(&mut g, SPT + 8 * 32, v2_pte(0x21_0000, 0));
    // PD1[1]: IS_PTE where ver2 has no pages.
    vram64(&mut g, PD1 + 8, v2_pte(0x4000_0000, 0));
    // PD2[1]: bit 4, which the ver2 PDE does not define.
    vram64(&mut g, PD2 + 8, v2_pde(EMPTY) | (1 << 4));
    register(&mut g, vec![target(CLIENT, VASPACE, PhysAddr::vram(ROOT))]);
    invalidate(&mut g, ROOT, ALL_VA);
    let got = lines.take();
    let e = "mmu audit error: client 0xc1d00001 vaspace 0x90f10000: ";
    let want = [
        "mmu audit: client 0xc1d00001 vaspace 0x90f10000 pdb vram 0x100000 ver2: 16 pages \
         mapped (4K 11, 64K 3, 2M 2, 512M 0), 2 sparse ranges, 9 errors"
            .to_string(),
        format!(
            "{e}PT_SMALL[0x8] va 0x8000: kind 0x7 is INVALID or undefined (the MMU faults: \
             FAULT_UNSUPPORTED_KIND) (entry {:#018x})",
            v2_pte(0x20_8000, 0) | (7 << 56)
        ),
        format!(
            "{e}PT_SMALL[0x9] va 0x9000: the 4K page: 0x1000 bytes at vid:0x600000000 are not \
             inside the 0x600000000-byte VRAM (entry {:#018x})",
            v2_pte(vram, 0)
        ),
        format!(
            "{e}PT_SMALL[0xa] va 0xa000: aperture PEER (peer 0): nvsim has no peer GPUs (the \
             MMU faults: FAULT_UNSUPPORTED_APERTURE) (entry {:#018x})",
            v2_pte(0x20_a000, 1)
        ),
        format!(
            "{e}PT_SMALL[0xb] va 0xb000: the 4K page: 0x1000 bytes at sys:0x90000000 are not \
             inside the guest memory mapped for DMA (entry {:#018x})",
            v2_pte(0x9000_0000, 2)
        ),
        format!(
            "{e}PT_SMALL[0x20] va 0x20000: 1 valid 4K PTE(s) under PT_BIG[0x2], which is valid: \
             the MMU takes the big PTE and never reads them, they map nothing (entry {:#018x})",
            v2_pte(0x21_0000, 0)
        ),
        format!(
            "{e}PD0[0x3] va 0x600000: the 2M page's address vid:0x401000 is not 2M-aligned: \
             the MMU ignores the low bits and maps vid:0x400000 (entry {:#018x})",
            v2_pte(0x40_1000, 0)
        ),
        format!(
            "{e}PD0[0x4].small va 0x800000: points at a small page table at vid:0x600001000: \
             0x1000 bytes at vid:0x600001000 are not inside the 0x600000000-byte VRAM (entry \
             {hi:#018x})"
        ),
        format!(
            "{e}PD1[0x1] va 0x20000000: IS_PTE (bit 0) is set, but PD1 entries cannot map \
             pages in ver2 (the MMU faults: FAULT_PDE) (entry {:#018x})",
            v2_pte(0x4000_0000, 0)
        ),
        format!(
            "{e}PD2[0x1] va 0x4000000000: bits 0x10 are set, which the ver2 PDE does not \
             define (entry {:#018x})",
            v2_pde(EMPTY) | (1 << 4)
        ),
    ];
    assert_eq!(got, want);
    assert_eq!(vram, 24 * GIB);
}

#[test]
fn error_lines_are_capped_and_the_summary_counts_them_all() {
    let (mut g, trace) = gpu("ad102");
    let mut lines = Lines::new(&trace);
    use v2::*;
    vram64(&mut g, ROOT, v2_pde(PD2));
    vram64(&mut g, PD2, v2_pde(PD1));
    vram64(&mut g, PD1, v2_pde(PD0));
    let (lo, hi) = v2_dual(None, Some(SPT));
    vram64(&mut g, PD0, lo);
    vram64(&mut g, PD0 + 8, hi);
    for i in 0..40 {
        vram64(
            &mut g,
            SPT + 8 * i,
            v2_pte(0x20_0000 + 0x1000 * i, 0) | (7 << 56),
        );
    }
    register(&mut g, vec![target(CLIENT, VASPACE, PhysAddr::vram(ROOT))]);
    invalidate(&mut g, ROOT, ALL_VA);
    let got = lines.take();
    assert_eq!(
        got[0],
        "mmu audit: client 0xc1d00001 vaspace 0x90f10000 pdb vram 0x100000 ver2: 0 pages \
         mapped (4K 0, 64K 0, 2M 0, 512M 0), 0 sparse ranges, 40 errors (16 shown)"
    );
    assert_eq!(got.len(), 17, "{got:?}");
    assert!(
        got[16].contains("PT_SMALL[0xf] va 0xf000: kind 0x7"),
        "{got:?}"
    );
}

#[test]
fn ver3_tables_with_512m_pages_pcf_and_reserved_bits() {
    let (mut g, trace) = gpu("gh100");
    let mut lines = Lines::new(&trace);
    const ROOT: u64 = 0x10_0000;
    const PD3: u64 = 0x10_1000;
    const PD2: u64 = 0x10_2000;
    const PD1: u64 = 0x10_3000;
    const PD0: u64 = 0x10_4000;
    const SPT: u64 = 0x10_5000;
    const BPT: u64 = 0x10_6000;
    const EMPTY: u64 = 0x10_7000;
    vram64(&mut g, ROOT, v3_pde(PD3));
    vram64(&mut g, PD3, v3_pde(PD2));
    vram64(&mut g, PD2, v3_pde(PD1));
    vram64(&mut g, PD1, v3_pde(PD0));
    // PD1[1]: a 512 MiB page; PD1[2]: sparse.
    vram64(&mut g, PD1 + 8, v3_pte(0x2000_0000, 0));
    vram64(&mut g, PD1 + 16, V3_SPARSE);
    // PD0[0]: big (ADDRESS_BIG 51:8 in place) and small tables.
    vram64(&mut g, PD0, BPT | (1 << 1));
    vram64(&mut g, PD0 + 8, SPT | (1 << 1));
    vram64(&mut g, BPT + 8, v3_pte(0x30_0000, 0));
    for i in 0..4 {
        vram64(&mut g, SPT + 8 * i, v3_pte(0x20_0000 + 0x1000 * i, 0));
    }
    vram64(&mut g, SPT + 8 * 4, V3_SPARSE);
    // PD0[1]: a 2 MiB page.
    vram64(&mut g, PD0 + 16, v3_pte(0x40_0000, 0));
    register(&mut g, vec![target(CLIENT, VASPACE, PhysAddr::vram(ROOT))]);
    invalidate(&mut g, ROOT, ALL_VA);
    assert_eq!(
        lines.take(),
        [
            "mmu audit: client 0xc1d00001 vaspace 0x90f10000 pdb vram 0x100000 ver3: 7 pages \
             mapped (4K 4, 64K 1, 2M 1, 512M 1), 2 sparse ranges, 0 errors"
        ]
    );
    let pd = PageDir::new(PhysAddr::vram(ROOT));
    match g.mmu.walk(&pd, 0x2000_1234, Access::Read).result {
        Ok(Outcome::Page(p)) => assert_eq!(p.shift, 29),
        other => panic!("{other:?}"),
    }

    // Broken: PCF 4 in a PDE, IS_PTE at PD3, an invalid PTE with PCF 7,
    // PTE bits 55 (undefined) and 45 (beyond ADDRESS_VID 39:12).
    vram64(&mut g, PD2 + 8, v3_pde(EMPTY) | (4 << 3));
    vram64(&mut g, PD3 + 8, v3_pte(0x4000_0000, 0));
    vram64(&mut g, SPT + 8 * 5, 7 << 3);
    vram64(&mut g, SPT + 8 * 6, v3_pte(0x20_6000, 0) | (1 << 55));
    vram64(&mut g, SPT + 8 * 7, v3_pte(0x20_7000, 0) | (1 << 45));
    invalidate(&mut g, ROOT, ALL_VA);
    let e = "mmu audit error: client 0xc1d00001 vaspace 0x90f10000: ";
    assert_eq!(
        lines.take(),
        [
            "mmu audit: client 0xc1d00001 vaspace 0x90f10000 pdb vram 0x100000 ver3: 9 pages \
             mapped (4K 6, 64K 1, 2M 1, 512M 1), 2 sparse ranges, 5 errors"
                .to_string(),
            format!(
                "{e}PT_SMALL[0x5] va 0x5000: VALID is clear and PCF is 0x7, which is no \
                 invalid-PTE encoding (INVALID 0, SPARSE 1, MAPPING_NOWHERE 2, \
                 NO_VALID_4KB_PAGE 3) (entry 0x0000000000000038)"
            ),
            format!(
                "{e}PT_SMALL[0x6] va 0x6000: bits 0x80000000000000 are set, which the ver3 PTE \
                 does not define (a video-memory address is bits 39:12) (entry {:#018x})",
                v3_pte(0x20_6000, 0) | (1 << 55)
            ),
            format!(
                "{e}PT_SMALL[0x7] va 0x7000: bits 0x200000000000 are set, which the ver3 PTE \
                 does not define (a video-memory address is bits 39:12) (entry {:#018x})",
                v3_pte(0x20_7000, 0) | (1 << 45)
            ),
            format!(
                "{e}PD2[0x1] va 0x4000000000: PCF 0x4 is not defined for a ver3 PDE (0..3) \
                 (entry {:#018x})",
                v3_pde(EMPTY) | (4 << 3)
            ),
            format!(
                "{e}PD3[0x1] va 0x800000000000: IS_PTE (bit 0) is set, but PD3 entries cannot \
                 map pages in ver3 (the MMU faults: FAULT_PDE) (entry {:#018x})",
                v3_pte(0x4000_0000, 0)
            ),
        ]
    );
}

/// GSP-RM booted through the queues, as in `rm.rs`.
struct Gsp {
    r: Rig,
    d: Driver,
}

fn put(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

impl Gsp {
    fn boot(setup_audit: bool) -> Gsp {
        let dir = fw_dir("ga102");
        let chip = Chip::by_name("ga102").expect("chip");
        let mut setup = Setup::new(chip);
        setup.firmware = dir.clone();
        setup.mmu_audit = setup_audit;
        let mut r = Rig::from_setup(chip, setup);
        r.register_flush_page(common::rig::FLUSH_PAGE);
        assert_eq!(boot_to_booter_load(&mut r), (true, 0), "booter_load");
        let mut d = Driver::new();
        assert!(d.boot_rpcs(&mut r), "GSP_INIT_DONE");
        let _ = std::fs::remove_dir_all(&dir);
        Gsp { r, d }
    }

    /// An RPC with `header` (the RPC structure up to its params) and
    /// `params`; returns the status at `status_at`.
    fn rpc(&mut self, function: u32, mut header: Vec<u8>, params: &[u8], status_at: usize) -> u32 {
        header.extend_from_slice(params);
        self.d.send(&mut self.r, function, &header);
        let (f, result, _, p) = self.d.wait(&mut self.r, function).expect("reply");
        assert_eq!((f, result), (function, 0));
        u32::from_le_bytes([
            p[status_at],
            p[status_at + 1],
            p[status_at + 2],
            p[status_at + 3],
        ])
    }

    /// GSP_RM_ALLOC (`rpc_gsp_rm_alloc_v03_00`).
    fn alloc(&mut self, h: [u32; 3], class: u32, params: &[u8]) -> u32 {
        let mut m = vec![0u8; 0x20];
        put(&mut m, 0, h[0]);
        put(&mut m, 4, h[1]);
        put(&mut m, 8, h[2]);
        put(&mut m, 0xc, class);
        put(&mut m, 0x14, params.len() as u32);
        self.rpc(103, m, params, 0x10)
    }

    /// GSP_RM_CONTROL (`rpc_gsp_rm_control_v03_00`).
    fn control(&mut self, client: u32, object: u32, cmd: u32, params: &[u8]) -> u32 {
        let mut m = vec![0u8; 0x18];
        put(&mut m, 0, client);
        put(&mut m, 4, object);
        put(&mut m, 8, cmd);
        put(&mut m, 0x10, params.len() as u32);
        self.rpc(76, m, params, 0xc)
    }

    /// A client, device and externally owned VA space whose root page
    /// directory is the VRAM table at `root` (4 ver2 entries), as nouveau
    /// sets one up (`r535_mmu_vaspace_new`, `r535_vmm_join`).
    fn vaspace(&mut self, root: u64) {
        const DEVICE: u32 = 0xde1d_0000;
        let mut p = vec![0u8; 0x78];
        put(&mut p, 0, CLIENT);
        assert_eq!(self.alloc([CLIENT, CLIENT, CLIENT], 0, &p), 0);
        let mut p = vec![0u8; 0x38];
        put(&mut p, 4, CLIENT);
        assert_eq!(self.alloc([CLIENT, CLIENT, DEVICE], 0x80, &p), 0);
        let mut p = vec![0u8; 0x30];
        put(&mut p, 4, 1 << 3);
        assert_eq!(self.alloc([CLIENT, DEVICE, VASPACE], 0x90f1, &p), 0);
        // NV0080_CTRL_CMD_DMA_SET_PAGE_DIRECTORY: physAddress, numEntries
        // 4, flags 0 (APERTURE VIDMEM), hVASpace.
        let mut p = vec![0u8; 0x20];
        p[0..8].copy_from_slice(&root.to_le_bytes());
        put(&mut p, 8, 4);
        put(&mut p, 0x10, VASPACE);
        assert_eq!(self.control(CLIENT, DEVICE, 0x0080_1813, &p), 0);
    }

    fn unset(&mut self) {
        let mut p = vec![0u8; 8];
        put(&mut p, 0, VASPACE);
        assert_eq!(self.control(CLIENT, 0xde1d_0000, 0x0080_1814, &p), 0);
    }
}

#[test]
fn set_page_directory_registers_the_vaspace_and_mmu_audit_off_silences_it() {
    let mut g = Gsp::boot(true);
    g.vaspace(v2::ROOT);
    build_v2(&mut g.r.gpu);
    let mut lines = Lines::new(&g.r.trace);
    // nouveau's tu102_vmm_flush form: PDB = addr >> 8, ALL_VA.
    wr32(&mut g.r.gpu, MMU_INVALIDATE_PDB, (v2::ROOT >> 8) as u32);
    wr32(&mut g.r.gpu, MMU_INVALIDATE_UPPER_PDB, 0);
    wr32(&mut g.r.gpu, MMU_INVALIDATE, TRIGGER | ALL_VA);
    assert_eq!(
        lines.take(),
        [
            "mmu audit: client 0xc1d00001 vaspace 0x90f10000 pdb vram 0x100000 ver2: 12 pages \
             mapped (4K 8, 64K 3, 2M 1, 512M 0), 2 sparse ranges, 0 errors"
        ]
    );
    // UNSET: the VA space is no longer audited.
    g.unset();
    invalidate(&mut g.r.gpu, v2::ROOT, ALL_VA);
    let after = lines.take();
    assert_eq!(after.len(), 1, "{after:?}");
    assert!(
        after[0].contains("which no VA space registered"),
        "{after:?}"
    );

    // --mmu-audit off: the same VA space, no audit line at all.
    let mut g = Gsp::boot(false);
    g.vaspace(v2::ROOT);
    build_v2(&mut g.r.gpu);
    let mut lines = Lines::new(&g.r.trace);
    invalidate(&mut g.r.gpu, v2::ROOT, ALL_VA);
    invalidate(&mut g.r.gpu, 0, ALL_VA | ALL_PDB);
    assert_eq!(lines.take(), Vec::<String>::new());
}
