//! BAR1 as r570 GSP-RM sets it up, driven as nouveau's r535/r570 code
//! drives it: the root page directory from the static info's `bar1PdeBase`
//! (0x600 of r570.144's `GspStaticConfigInfo`), page tables built under it
//! through PRAMIN (nouveau `r535_bar_bar1_init` wraps the root as its BAR1
//! VMM's PD3), a TLB invalidation of that PDB with HUB_ONLY | ALL_PDB
//! (`tu102_vmm_flush`), then CPU accesses through BAR1.
//!
//! Entry layouts written here from the published ver2 format
//! (open-gpu-kernel-modules `pascal/gp100/dev_mmu.h`): a PDE is aperture
//! 2:1 (1 video memory) and address >> 12 at bit 8; PD0 entries are 16
//! bytes, the big-page table pointer in the low 8, the small one in the
//! high 8; a PTE is VALID 0, aperture 2:1 (0 video memory), address >> 12
//! at bit 8, KIND 63:56 (0 pitch).

mod common;

use common::boot::RSVD_START;
use common::gsp::*;
use nvsim::gsprm;

const BAR1: u32 = 1;
/// NV_PBUS_BAR1_BLOCK (Turing..Ada).
const BAR1_BLOCK: u32 = 0x1704;

/// Writes a u64 into VRAM through PRAMIN (NV_PBUS_BAR0_WINDOW at 0x1700,
/// 64 KiB units; the window at BAR0 0x700000), low dword first.
fn vram_wr64(g: &mut Gsp, addr: u64, v: u64) {
    g.r.wr(0x1700, (addr >> 16) as u32);
    let off = 0x70_0000 + (addr & 0xffff) as u32;
    g.r.wr(off, v as u32);
    g.r.wr(off + 4, (v >> 32) as u32);
}

fn pde(table: u64) -> u64 {
    (1 << 1) | (table >> 4)
}

fn pte(page: u64) -> u64 {
    1 | (page >> 4)
}

/// nouveau's BAR flush: PDB >> 8, UPPER 0, TRIGGER | PAGE_ALL | HUB_ONLY |
/// ALL_PDB.
fn invalidate(g: &mut Gsp, pdb: u64) {
    g.r.wr(0xb8_30a0, (pdb >> 8) as u32);
    g.r.wr(0xb8_30a4, 0);
    g.r.wr(0xb8_30b0, 0x8000_0007);
    assert_eq!(g.r.rd(0xb8_30b0) & 0x8000_0000, 0, "invalidation done");
}

fn bar1_pde_base(g: &mut Gsp) -> u64 {
    let (result, p) = g.rpc(GET_GSP_STATIC_INFO, &[0u8; 0x678]);
    assert_eq!(result, OK);
    u64::from_le_bytes(p[0x600..0x608].try_into().expect("8 bytes"))
}

fn bar1_read(g: &mut Gsp, off: u64, n: usize) -> Vec<u8> {
    let mut b = vec![0u8; n];
    g.r.gpu.region_read(BAR1, off, &mut b).expect("BAR1 read");
    b
}

#[test]
fn static_info_reports_the_bar1_root_and_bar1_is_virtual_after_boot() {
    for chip in ["ga102", "ad102"] {
        let mut g = Gsp::boot(chip);
        let root = bar1_pde_base(&mut g);
        // The start of GSP-RM's non-WPR heap (gspFwRsvdStart in the rig's
        // WPR metadata), in the reserved region, not the usable one.
        assert_eq!(root, RSVD_START, "{chip}");
        assert_eq!(
            gsprm::lock(&g.r.gpu.gsp_rm)
                .bar1()
                .map(|b| (b.root, b.inst)),
            Some((root, root + 0x1000))
        );
        // NV_PBUS_BAR1_BLOCK: MODE 31 VIRTUAL, TARGET 29:28 VID_MEM, PTR
        // 27:0 = instance block >> 12; BIND_STATUS idle.
        let v = g.r.rd(BAR1_BLOCK);
        assert_eq!(v, (1 << 31) | ((root + 0x1000) >> 12) as u32, "{chip}");
        assert_eq!(g.r.rd(0x1710), 0);
        // The instance block's PAGE_DIR_BASE: the root, VID_MEM,
        // USE_VER2_PT_FORMAT, 64 KiB big pages.
        assert_eq!(
            g.r.gpu.vram.read_u32(root + 0x1000 + 0x200),
            (root as u32 & 0xffff_f000) | (1 << 10) | (1 << 11)
        );
        assert_eq!(
            g.r.gpu.vram.read_u32(root + 0x1000 + 0x204),
            (root >> 32) as u32
        );
        // The root is empty: an access before the driver maps anything
        // reads all ones.
        assert_eq!(bar1_read(&mut g, 0x10, 4), [0xff; 4]);
        assert_eq!(g.logged("GSP-RM: BAR1 in virtual mode"), 1);
        g.done();
    }
}

#[test]
fn a_mapping_built_under_the_root_reaches_vram_through_bar1() {
    let mut g = Gsp::boot("ga102");
    let root = bar1_pde_base(&mut g);
    let (pd2, pd1, pd0, spt, bpt) = (0x100_0000, 0x100_1000, 0x100_2000, 0x100_3000, 0x100_4000);
    let (page4k, page64k) = (0x200_1000u64, 0x300_0000u64);
    // Data behind the pages, written as a driver would before mapping them.
    g.r.gpu.vram.write(page4k + 0x10, b"4K page via BAR1");
    g.r.gpu.vram.write(page64k + 0x8000, b"64K page via BAR1");
    for t in [pd2, pd1, pd0, spt, bpt] {
        g.r.gpu.vram.write(t, &[0u8; 0x1000]);
    }
    // Before any mapping: unmapped, all ones, writes dropped, logged once.
    assert_eq!(bar1_read(&mut g, 0x1010, 4), [0xff; 4]);
    assert_eq!(bar1_read(&mut g, 0x1014, 4), [0xff; 4]);
    g.r.gpu.region_write(BAR1, 0x1010, b"lost").expect("w");
    assert_eq!(g.logged("BAR1: read at offset 0x1010 failed"), 1);
    assert_eq!(g.logged("BAR1: read at offset 0x1014"), 0, "once per page");
    assert_eq!(g.logged("BAR1: write at offset 0x1010 failed"), 1);
    // PD3[0] -> PD2[0] -> PD1[0] -> PD0[0] {big: bpt, small: spt}.
    vram_wr64(&mut g, root, pde(pd2));
    vram_wr64(&mut g, pd2, pde(pd1));
    vram_wr64(&mut g, pd1, pde(pd0));
    vram_wr64(&mut g, pd0, pde(bpt));
    vram_wr64(&mut g, pd0 + 8, pde(spt));
    // VA 0x1000: a 4 KiB page (small PT index 1, its big PTE 0 invalid);
    // VA 0x10_0000: a 64 KiB page (big PT index 16).
    vram_wr64(&mut g, spt + 8, pte(page4k));
    vram_wr64(&mut g, bpt + 16 * 8, pte(page64k));
    // The flush nouveau does after writing BAR1 PTEs: the audit walks the
    // BAR1 tree and sums it up.
    invalidate(&mut g, root);
    let line = format!(
        "mmu audit: bar1 pdb vram {root:#x} ver2: 2 pages mapped (4K 1, 64K 1, 2M 0, 512M 0), \
         0 sparse ranges, 0 errors"
    );
    assert_eq!(g.logged(&line), 1, "{line}");
    assert_eq!(bar1_read(&mut g, 0x1010, 16), b"4K page via BAR1");
    assert_eq!(bar1_read(&mut g, 0x10_8000, 17), b"64K page via BAR1");
    g.r.gpu
        .region_write(BAR1, 0x1020, b"written by CPU")
        .expect("w");
    g.r.gpu
        .region_write(BAR1, 0x10_fff0, b"end of 64K page")
        .expect("w");
    let mut b = [0u8; 14];
    g.r.gpu.vram.read(page4k + 0x20, &mut b);
    assert_eq!(&b, b"written by CPU");
    let mut b = [0u8; 15];
    g.r.gpu.vram.read(page64k + 0xfff0, &mut b);
    assert_eq!(&b, b"end of 64K page");
    // The dropped write before the mapping never reached the page.
    assert_eq!(bar1_read(&mut g, 0x1010, 4), b"4K p");
    // Still unmapped next to them: all ones.
    assert_eq!(bar1_read(&mut g, 0x2000, 4), [0xff; 4]);
    // The TLB: a PTE re-pointed without an invalidation still shows the
    // old page through BAR1; after one, the new page.
    let moved = 0x200_5000u64;
    g.r.gpu.vram.write(moved + 0x10, b"moved page");
    vram_wr64(&mut g, spt + 8, pte(moved));
    assert_eq!(bar1_read(&mut g, 0x1010, 10), b"4K page vi", "stale");
    invalidate(&mut g, root);
    assert_eq!(bar1_read(&mut g, 0x1010, 10), b"moved page");
    // A broken root entry: the audit names it under bar1.
    vram_wr64(&mut g, root + 8, 0x1);
    invalidate(&mut g, root);
    let errors = g.logged(
        "mmu audit error: bar1: PD3[0x1] va 0x800000000000: IS_PTE (bit 0) is set, but PD3 \
         entries cannot map pages in ver2",
    );
    assert_eq!(errors, 1);
    assert_eq!(
        g.logged(&format!(
            "mmu audit: bar1 pdb vram {root:#x} ver2: 2 pages mapped (4K 1, 64K 1, 2M 0, 512M 0), \
             0 sparse ranges, 1 errors"
        )),
        1
    );
    g.done();
}

#[test]
fn unload_returns_bar1_to_physical_mode() {
    for (pm, virt) in [(false, false), (true, true)] {
        let mut g = Gsp::boot("ga102");
        assert_ne!(g.r.rd(BAR1_BLOCK) & (1 << 31), 0);
        let mut p = [0u8; 8];
        p[0] = u8::from(pm);
        p[4] = if pm { 3 } else { 0 };
        let (result, _) = g.rpc(47, &p);
        assert_eq!(result, OK);
        assert_eq!(
            g.r.rd(BAR1_BLOCK) & (1 << 31) != 0,
            virt,
            "PM transition {pm}"
        );
        assert_eq!((g.r.rd(BAR1_BLOCK) >> 28) & 3, 0, "video memory");
        assert_eq!(gsprm::lock(&g.r.gpu.gsp_rm).bar1().is_some(), virt);
        g.done();
    }
}

#[test]
fn bar1_mmap_keeps_bar1_physical_and_says_so() {
    let dir = common::boot::fw_dir("ga102");
    let mut r = common::rig::Rig::with_firmware("ga102", &dir);
    if !r.gpu.set_bar1_mmap(true) {
        common::skip("bar1_mmap_keeps_bar1_physical_and_says_so", "no VRAM file");
        cleanup(&dir);
        return;
    }
    assert_eq!(common::boot::boot_to_booter_load(&mut r), (true, 0));
    let mut d = common::boot::Driver::new();
    assert!(d.boot_rpcs(&mut r));
    let mut g = Gsp { r, d, dir };
    assert_eq!(g.r.rd(BAR1_BLOCK), 0, "physical");
    assert_eq!(bar1_pde_base(&mut g), RSVD_START, "still reported");
    assert_eq!(
        g.logged("GSP-RM: BAR1 left in physical mode because of --bar1-mmap"),
        1
    );
    g.done();
}
