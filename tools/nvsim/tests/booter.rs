//! The booters on SEC2 without a VM: recognition of (synthetic) booter
//! files, the signature and BROM checks, the WPR metadata checks of
//! `booter_load` and WPR2 removal by `booter_unload`.

mod common;

use std::path::Path;

use common::boot::*;
use common::rig::{fwsec_frts, Rig, FRTS_24G};
use nvsim::booter::BAD_WPR_META;
use nvsim::fwsec::BROM_ERROR;

fn cleanup(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn booter_load_checks_the_wpr_metadata_and_unload_removes_wpr2() {
    let dir = fw_dir("ga102");
    let mut r = Rig::with_firmware("ga102", &dir);
    assert_eq!(fwsec_frts(&mut r, 0x172, FRTS_24G), (true, 0));
    let mbox = (META as u32, (META >> 32) as u32);
    let sig_at = SIG_LOC - OS_DATA.0;

    write_meta(&mut r, 0x1234);
    assert_eq!(
        run_booter(&mut r, 0x10, 1, sig_at, mbox),
        (true, BAD_WPR_META)
    );
    assert_eq!(r.logged("magic 0x1234, expected 0xdc3aae21371a60b3"), 1);

    // An FRTS region that is not the one WPR2 covers: a driver that took
    // `hi << 12` for the (exclusive) end would give 0xe0000 bytes.
    write_meta(&mut r, 0xdc3a_ae21_371a_60b3);
    r.gpu
        .dma
        .write(META + 0xa0, &0xe_0000u64.to_le_bytes())
        .expect("frtsSize");
    assert_eq!(
        run_booter(&mut r, 0x10, 1, sig_at, mbox),
        (true, BAD_WPR_META)
    );
    assert_eq!(
        r.logged("is not the WPR2 region 0x5ff600000..0x5ff700000 FWSEC set up"),
        1,
        "{:?}",
        r.trace.lines()
    );
    // fbSize beyond the usable framebuffer (the physical 24 GiB).
    write_meta(&mut r, 0xdc3a_ae21_371a_60b3);
    r.gpu
        .dma
        .write(META + 0xb0, &0x6_0000_0000u64.to_le_bytes())
        .expect("fbSize");
    assert_eq!(
        run_booter(&mut r, 0x10, 1, sig_at, mbox),
        (true, BAD_WPR_META)
    );
    assert_eq!(r.logged("is beyond the usable framebuffer"), 1);

    write_meta(&mut r, 0xdc3a_ae21_371a_60b3);
    write_gsp(&mut r);
    assert_eq!(run_booter(&mut r, 0x10, 1, sig_at, mbox), (true, 0));
    assert_eq!(
        r.logged("booter_load: WPR meta at 0x40008000 ok"),
        1,
        "{:?}",
        r.trace.lines()
    );
    // WPR2 0x5ff600000..0x5ff700000: the upper register names the last
    // 128 KiB block.
    assert_eq!(r.rd(0x1f_a828), 0x05ff_6e00, "WPR2 still set");

    // booter_unload with the unloader's signature (SEC2 fuses blank: the
    // last signature).
    assert_eq!(run_booter(&mut r, 0x20, 1, sig_at, (0xff, 0xff)), (true, 0));
    assert_eq!((r.rd(0x1f_a824), r.rd(0x1f_a828)), (0, 0), "WPR2 removed");
    cleanup(&dir);
}

#[test]
fn the_boot_rom_refuses_a_wrong_signature_or_offset() {
    let dir = fw_dir("ad102");
    let mut r = Rig::with_firmware("ad102", &dir);
    let sig_at = SIG_LOC - OS_DATA.0;
    assert_eq!(
        run_booter(&mut r, 0x10, 0, sig_at, (0, 0)),
        (true, BROM_ERROR)
    );
    assert_eq!(
        r.logged("holds signature 0; fuse version 0 needs another"),
        1
    );
    assert_eq!(
        run_booter(&mut r, 0x10, 1, 0x80, (0, 0)),
        (true, BROM_ERROR)
    );
    assert_eq!(
        r.logged("BROM_PARAADDR 0x80 is not the signature's DMEM offset 0x40"),
        1
    );
    // Nothing mapped at the metadata address: a clean error, no panic.
    assert_eq!(
        run_booter(&mut r, 0x10, 1, sig_at, (0x1000, 0)),
        (true, BAD_WPR_META)
    );
    assert_eq!(
        r.logged("booter_load: WPR metadata at 0x1000: no DMA region maps"),
        1
    );
    cleanup(&dir);
}

#[test]
fn missing_booter_files_are_reported_once_and_the_falcon_keeps_running() {
    let mut r = Rig::new("ga102");
    assert!(!run_booter(&mut r, 0x10, 1, 0x40, (0, 0)).0);
    assert!(!run_booter(&mut r, 0x10, 1, 0x40, (0, 0)).0);
    assert_eq!(r.logged("booter_load: cannot recognise it"), 1);
}

/// Turing: nova-core loads the booter by PIO (OS code non-secure at its
/// offset, the application secure), with no BROM registers, and boots at
/// the OS code.
#[test]
fn turing_booter_by_pio() {
    let dir = fw_dir("tu102");
    let mut r = Rig::with_firmware("tu102", &dir);
    assert_eq!(
        run_booter_pio(&mut r, 0x20, (0xff, 0xff)),
        (true, 0),
        "{:?}",
        r.trace.lines()
    );
    assert_eq!(r.logged("booter_unload: WPR2 removed"), 1);
    cleanup(&dir);
}

/// GA100 has no FRTS data: its driver gives an empty FRTS region and runs
/// no FWSEC-FRTS, and `booter_load` (loaded by PIO, as on Turing) sets WPR2
/// up over the WPR itself; a WPR2 left set up is refused.
#[test]
fn ga100_booter_load_sets_wpr2_up_for_an_empty_frts_region() {
    let dir = fw_dir("ga100");
    let mut r = Rig::with_firmware("ga100", &dir);
    let mbox = (META as u32, (META >> 32) as u32);
    let wpr_end = FRTS_24G + 0x10_0000;
    let empty_frts = |r: &mut Rig| {
        write_meta(r, 0xdc3a_ae21_371a_60b3);
        r.gpu
            .dma
            .write(META + 0x98, &wpr_end.to_le_bytes())
            .expect("frtsOffset");
        r.gpu
            .dma
            .write(META + 0xa0, &0u64.to_le_bytes())
            .expect("frtsSize");
    };
    empty_frts(&mut r);
    write_gsp(&mut r);
    assert_eq!((r.rd(0x1f_a824), r.rd(0x1f_a828)), (0, 0), "no WPR2 yet");
    assert_eq!(
        run_booter_pio(&mut r, 0x10, mbox),
        (true, 0),
        "{:?}",
        r.trace.lines()
    );
    assert_eq!(r.logged("WPR2 set up by booter_load"), 1);
    // WPR 0x5f3700000..wpr_end: LO names its first page, HI the first
    // page of its last 128 KiB block.
    assert_eq!(
        (r.rd(0x1f_a824), r.rd(0x1f_a828)),
        (0x05f3_7000, (((wpr_end - 0x2_0000) >> 12) << 4) as u32)
    );
    // A second booter_load finds WPR2 set up already.
    empty_frts(&mut r);
    assert_eq!(run_booter_pio(&mut r, 0x10, mbox), (true, BAD_WPR_META));
    assert_eq!(r.logged("empty FRTS region, but WPR2 is already set up"), 1);
    assert_eq!(run_booter_pio(&mut r, 0x20, (0xff, 0xff)), (true, 0));
    assert_eq!((r.rd(0x1f_a824), r.rd(0x1f_a828)), (0, 0), "WPR2 removed");
    cleanup(&dir);
}
