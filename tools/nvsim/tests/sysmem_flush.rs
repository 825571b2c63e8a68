//! The sysmem flush page: FWSEC (FRTS, SB) and the booters refuse to run
//! while none is registered, with a log line naming the registers and the
//! failing status a driver reads; the same runs succeed once the page is
//! registered, as a driver's probe registers it (nova-core `fb.rs`
//! `SysmemFlush`).

mod common;

use std::path::Path;

use common::boot::*;
use common::rig::{fwsec_frts, Rig, FLUSH_PAGE, FRTS_24G, GSP};
use nvsim::booter::NO_SYSMEM_FLUSH;
use nvsim::fault::Faults;
use nvsim::fwsec::ERR_NO_SYSMEM_FLUSH;

const SCRATCH_E: u32 = 0x1400 + 4 * 0xe;
const SCRATCH_15: u32 = 0x1400 + 4 * 0x15;
const WPR2_HI: u32 = 0x1f_a828;
const GA102_STAMP: u32 = 0x172;

/// Runs FWSEC-SB on a GA102 GSP as nova-core does; returns (halted,
/// mailbox0).
fn fwsec_sb(r: &mut Rig) -> (bool, u32) {
    use common::rig::RAM;
    use nvsim_vbios::fwsec as img;
    let mut d = img::dmem(GA102_STAMP);
    let at = img::DMAP_OFFSET as usize + 0x2c;
    d[at..at + 4].copy_from_slice(&img::DMAP_CMD_SB.to_le_bytes());
    let p = img::PKC_DATA_OFFSET as usize;
    d[p..p + img::SIGNATURE_SIZE].copy_from_slice(&img::signature(2));
    r.reset_falcon(GSP, false);
    r.gpu.dma.write(RAM, &img::imem()).expect("imem");
    r.gpu.dma.write(RAM + 0x1000, &d).expect("dmem");
    r.dma_load(GSP, RAM, img::IMEM_SIZE, true);
    r.dma_load(GSP, RAM + 0x1000, img::DMEM_SIZE, false);
    r.program_brom(GSP, img::PKC_DATA_OFFSET, 0x400, 1);
    r.wr(GSP + 0x104, 0);
    let halted = r.boot(GSP, 0, 0);
    (halted, r.rd(GSP + 0x40))
}

const WHY: &str = "no sysmem flush page registered (NV_PFB_NISO_FLUSH_SYSMEM_ADDR and \
                   NV_PFB_NISO_FLUSH_SYSMEM_ADDR_HI are 0)";

#[test]
fn fwsec_frts_and_sb_need_the_flush_page() {
    let mut r = Rig::unregistered("ga102", Path::new("/nonexistent"), Faults::none());
    assert_eq!(
        fwsec_frts(&mut r, GA102_STAMP, FRTS_24G),
        (true, ERR_NO_SYSMEM_FLUSH),
        "{:?}",
        r.trace.lines()
    );
    assert_eq!(r.rd(SCRATCH_E) >> 16, ERR_NO_SYSMEM_FLUSH, "FRTS status");
    assert_eq!(r.rd(WPR2_HI), 0, "no WPR2");
    assert_eq!(r.logged(&format!("fwsec: FWSEC-FRTS refused: {WHY}")), 1);

    // The same run once the page is registered.
    r.register_flush_page(FLUSH_PAGE);
    assert_eq!(r.rd(0x0010_0c10), (FLUSH_PAGE >> 8) as u32, "read back");
    assert_eq!(fwsec_frts(&mut r, GA102_STAMP, FRTS_24G), (true, 0));
    assert_eq!(r.rd(SCRATCH_E) >> 16, 0);
    assert_ne!(r.rd(WPR2_HI), 0, "WPR2 set");

    // FWSEC-SB after the page was unregistered (as nova-core's
    // `SysmemFlush` drop does), then registered again.
    r.register_flush_page(0);
    assert_eq!(fwsec_sb(&mut r), (true, ERR_NO_SYSMEM_FLUSH));
    assert_eq!(r.rd(SCRATCH_15) & 0xffff, ERR_NO_SYSMEM_FLUSH, "SB status");
    assert_eq!(r.logged(&format!("fwsec: FWSEC-SB refused: {WHY}")), 1);
    r.register_flush_page(FLUSH_PAGE);
    assert_eq!(fwsec_sb(&mut r), (true, 0));
    assert_eq!(r.rd(SCRATCH_15) & 0xffff, 0);
}

#[test]
fn booter_load_and_unload_need_the_flush_page() {
    let dir = fw_dir("ga102");
    let mut r = Rig::with_firmware("ga102", &dir);
    assert_eq!(fwsec_frts(&mut r, GA102_STAMP, FRTS_24G), (true, 0));
    write_meta(&mut r, 0xdc3a_ae21_371a_60b3);
    write_gsp(&mut r);
    write_libos(&mut r);
    let meta = (META as u32, (META >> 32) as u32);

    r.register_flush_page(0);
    assert_eq!(
        run_booter(&mut r, 0x10, 1, sig_at(), meta),
        (true, NO_SYSMEM_FLUSH)
    );
    assert!(!riscv_active(&mut r), "GSP-RM not started");
    assert_eq!(
        r.logged(&format!(
            "booter_load refused: {WHY}; GSP-RM is not started, the RISC-V core stays inactive"
        )),
        1,
        "{:?}",
        r.trace.lines()
    );
    r.register_flush_page(FLUSH_PAGE);
    r.reset_falcon(GSP, false);
    r.wr(GSP + 0x40, LIBOS as u32);
    r.wr(GSP + 0x44, (LIBOS >> 32) as u32);
    assert_eq!(run_booter(&mut r, 0x10, 1, sig_at(), meta), (true, 0));
    assert!(riscv_active(&mut r), "GSP-RM started");

    r.register_flush_page(0);
    assert_eq!(
        run_booter(&mut r, 0x20, 1, sig_at(), (0xff, 0xff)),
        (true, NO_SYSMEM_FLUSH)
    );
    assert_ne!(r.rd(WPR2_HI), 0, "WPR2 stays");
    assert_eq!(
        r.logged(&format!(
            "booter_unload refused: {WHY}; WPR2 and GSP-RM stay as they are"
        )),
        1
    );
    r.register_flush_page(FLUSH_PAGE);
    assert_eq!(
        run_booter(&mut r, 0x20, 1, sig_at(), (0xff, 0xff)),
        (true, 0)
    );
    assert_eq!(r.rd(WPR2_HI), 0, "WPR2 removed");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Turing has the one register, written with the address >> 8; its
/// booter (loaded by PIO) is refused the same way.
#[test]
fn turing_booter_needs_the_flush_page() {
    let dir = fw_dir("tu102");
    let mut r = Rig::unregistered("tu102", &dir, Faults::none());
    assert_eq!(
        run_booter_pio(&mut r, 0x20, (0xff, 0xff)),
        (true, NO_SYSMEM_FLUSH)
    );
    assert_eq!(
        r.logged(
            "booter_unload refused: no sysmem flush page registered \
             (NV_PFB_NISO_FLUSH_SYSMEM_ADDR is 0)"
        ),
        1,
        "{:?}",
        r.trace.lines()
    );
    r.register_flush_page(FLUSH_PAGE);
    assert_eq!(r.rd(0x0010_0c10), (FLUSH_PAGE >> 8) as u32, "read back");
    assert_eq!(run_booter_pio(&mut r, 0x20, (0xff, 0xff)), (true, 0));
    assert_eq!(r.logged("booter_unload: WPR2 removed"), 1);
    let _ = std::fs::remove_dir_all(&dir);
}
