//! FWSEC on the GSP falcon without a VM: the driver's loading steps (as
//! nova-core does them) with a correct and with broken images/commands.

mod common;

use common::rig::{Rig, GSP, RAM};
use nvsim::fwsec::{BROM_ERROR, ERR_BAD_REGION, ERR_UNKNOWN_COMMAND, ERR_WPR2_SET};
use nvsim::gbl;
use nvsim_vbios::fwsec as img;

const SCRATCH_E: u32 = 0x1400 + 4 * 0xe;
const SCRATCH_15: u32 = 0x1400 + 4 * 0x15;
const WPR2_LO: u32 = 0x1fa824;
const WPR2_HI: u32 = 0x1fa828;
/// FRTS region nova-core computes for a 24 GiB GA102 board (usable
/// framebuffer 8 MiB smaller).
const FRTS: u64 = 0x5_ff60_0000;
/// ... and for the 11 GiB TU102 board.
const FRTS_TU102: u64 = 0x2_bfe0_0000;

fn put32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

/// The FWSEC DMEM patched as a driver does: command, FRTS region,
/// signature of `sig_version` (None: no signature, v2 images).
fn patched_dmem(stamp: u32, cmd: u32, frts_type: u32, sig_version: Option<u32>) -> Vec<u8> {
    patched_dmem_at(FRTS, stamp, cmd, frts_type, sig_version)
}

fn patched_dmem_at(
    frts: u64,
    stamp: u32,
    cmd: u32,
    frts_type: u32,
    sig_version: Option<u32>,
) -> Vec<u8> {
    let mut d = img::dmem(stamp);
    put32(&mut d, img::DMAP_OFFSET as usize + 0x2c, cmd);
    let c = img::CMD_IN_OFFSET as usize;
    for (i, v) in [
        1,
        24,
        0,
        0,
        0,
        2,
        1,
        20,
        (frts >> 12) as u32,
        0x100,
        frts_type,
    ]
    .into_iter()
    .enumerate()
    {
        put32(&mut d, c + 4 * i, v);
    }
    if let Some(v) = sig_version {
        let p = img::PKC_DATA_OFFSET as usize;
        d[p..p + img::SIGNATURE_SIZE].copy_from_slice(&img::signature(v));
    }
    d
}

/// Loads IMEM and `dmem` by DMA, programs the BROM with `ucode_id` and
/// boots; returns (halted, mailbox0).
fn run_ga102(r: &mut Rig, dmem: &[u8], ucode_id: u32) -> (bool, u32) {
    r.reset_falcon(GSP, false);
    r.wr(GSP + 0x84, 0x1720_00a1);
    r.gpu.dma.write(RAM, &img::imem()).expect("imem");
    r.gpu.dma.write(RAM + 0x1000, dmem).expect("dmem");
    r.dma_load(GSP, RAM, img::IMEM_SIZE, true);
    r.dma_load(GSP, RAM + 0x1000, img::DMEM_SIZE, false);
    r.program_brom(GSP, img::PKC_DATA_OFFSET, 0x400, ucode_id);
    r.wr(GSP + 0x104, 0);
    let halted = r.boot(GSP, 0, 0);
    (halted, r.rd(GSP + 0x40))
}

const GA102_STAMP: u32 = 0x172;

#[test]
fn frts_sets_wpr2_and_sb_reports_success() {
    let mut r = Rig::new("ga102");
    let dmem = patched_dmem(GA102_STAMP, 0x15, 2, Some(2));
    assert_eq!(run_ga102(&mut r, &dmem, 1), (true, 0));
    assert_eq!(r.rd(SCRATCH_E) >> 16, 0);
    assert_eq!(r.rd(WPR2_LO), ((FRTS >> 12) as u32) << 4);
    // The upper register names the last 128 KiB block: FRTS end - 128 KiB.
    assert_eq!(
        r.rd(WPR2_HI),
        (((FRTS + 0x10_0000 - 0x2_0000) >> 12) as u32) << 4
    );
    assert_eq!(
        r.logged("fwsec: FRTS command ok"),
        1,
        "{:?}",
        r.trace.lines()
    );
    assert_eq!(
        r.logged("falcon gsp: DMA 0x100 bytes sysmem 0x40000000 -> IMEM 0x0"),
        1
    );

    // Running FRTS again fails: WPR2 exists.
    assert_eq!(run_ga102(&mut r, &dmem, 1), (true, 0));
    assert_eq!(r.rd(SCRATCH_E) >> 16, ERR_WPR2_SET);

    let sb = patched_dmem(GA102_STAMP, 0x19, 2, Some(2));
    r.wr(SCRATCH_15, 0xffff);
    assert_eq!(run_ga102(&mut r, &sb, 1), (true, 0));
    assert_eq!(r.rd(SCRATCH_15) & 0xffff, 0);
    assert_eq!(r.logged("fwsec: SB command ok"), 1);
}

#[test]
fn bad_commands_are_reported_by_fwsec() {
    let mut r = Rig::new("ad102");
    let stamp = 0x192;
    let dmem = patched_dmem(stamp, 0x15, 1, Some(2));
    assert_eq!(run_ga102(&mut r, &dmem, 1), (true, 0));
    assert_eq!(r.rd(SCRATCH_E) >> 16, ERR_BAD_REGION);
    assert_eq!(r.logged("only the framebuffer (2) is supported"), 1);
    assert_eq!(r.rd(WPR2_HI), 0, "no WPR2 on error");

    let mut beyond = patched_dmem(stamp, 0x15, 2, Some(2));
    put32(&mut beyond, img::CMD_IN_OFFSET as usize + 32, 0x700_0000);
    run_ga102(&mut r, &beyond, 1);
    assert_eq!(r.rd(SCRATCH_E) >> 16, ERR_BAD_REGION);
    assert_eq!(
        r.logged("outside the usable framebuffer (0..0x5ff800000)"),
        1,
        "{:?}",
        r.trace.lines()
    );

    // The top 8 MiB are VRAM but not usable framebuffer.
    let mut top = patched_dmem(stamp, 0x15, 2, Some(2));
    put32(
        &mut top,
        img::CMD_IN_OFFSET as usize + 32,
        ((0x6_0000_0000u64 - 0x10_0000) >> 12) as u32,
    );
    run_ga102(&mut r, &top, 1);
    assert_eq!(r.rd(SCRATCH_E) >> 16, ERR_BAD_REGION);
    assert_eq!(r.logged("outside the usable framebuffer"), 2);

    // WPR2 has a 128 KiB granularity: a region off it cannot be covered.
    let mut odd = patched_dmem(stamp, 0x15, 2, Some(2));
    put32(
        &mut odd,
        img::CMD_IN_OFFSET as usize + 32,
        ((FRTS + 0x1000) >> 12) as u32,
    );
    run_ga102(&mut r, &odd, 1);
    assert_eq!(r.rd(SCRATCH_E) >> 16, ERR_BAD_REGION);
    assert_eq!(r.logged("is not 128 KiB aligned"), 1);
    assert_eq!(r.rd(WPR2_HI), 0, "no WPR2 on error");

    let mut hdr = patched_dmem(stamp, 0x15, 2, Some(2));
    put32(&mut hdr, img::CMD_IN_OFFSET as usize + 4, 16);
    run_ga102(&mut r, &hdr, 1);
    assert_eq!(r.logged("READ_VBIOS version 1 header size 16"), 1);

    let unknown = patched_dmem(stamp, 0x42, 2, Some(2));
    assert_eq!(run_ga102(&mut r, &unknown, 1), (true, ERR_UNKNOWN_COMMAND));
    assert_eq!(r.logged("init_cmd 0x42 is not a FWSEC command"), 1);
}

#[test]
fn the_boot_rom_checks_signature_and_parameters() {
    let mut r = Rig::new("ga102");
    // Signature for version 1, but the fuses require version 2.
    let v1 = patched_dmem(GA102_STAMP, 0x15, 2, Some(1));
    assert_eq!(run_ga102(&mut r, &v1, 1), (true, BROM_ERROR));
    assert_eq!(
        r.logged("holds the signature for version 1; the fuses require version 2"),
        1
    );
    let none = patched_dmem(GA102_STAMP, 0x15, 2, None);
    assert_eq!(run_ga102(&mut r, &none, 1), (true, BROM_ERROR));
    assert_eq!(r.logged("no signature at DMEM 0x400"), 1);
    // Ucode id 0 is not valid.
    let good = patched_dmem(GA102_STAMP, 0x15, 2, Some(2));
    assert_eq!(run_ga102(&mut r, &good, 0), (true, BROM_ERROR));
    assert_eq!(r.logged("BROM_CURR_UCODE_ID = 0"), 1);
    // A byte of DMEM outside the patchable areas changed.
    let mut tampered = good.clone();
    tampered[0x300] ^= 1;
    assert_eq!(run_ga102(&mut r, &tampered, 1), (true, BROM_ERROR));
    assert_eq!(r.logged("DMEM differs from the VBIOS image at 0x300"), 1);
    assert_eq!(r.rd(WPR2_HI), 0, "nothing ran");
    // Loaded as non-secure code: refused.
    r.reset_falcon(GSP, false);
    r.gpu.dma.write(RAM, &img::imem()).expect("imem");
    r.gpu.dma.write(RAM + 0x1000, &good).expect("dmem");
    r.dma_load(GSP, RAM + 0x1000, img::DMEM_SIZE, false);
    r.update(GSP + 0x600, |v| v | 0x5);
    r.wr(GSP + 0x110, (RAM >> 8) as u32);
    for pos in (0..img::IMEM_SIZE).step_by(256) {
        r.wr(GSP + 0x114, pos);
        r.wr(GSP + 0x11c, pos);
        r.wr(GSP + 0x118, (6 << 8) | (1 << 4));
    }
    r.program_brom(GSP, img::PKC_DATA_OFFSET, 0x400, 1);
    assert!(r.boot(GSP, 0, 0));
    assert_eq!(r.rd(GSP + 0x40), BROM_ERROR);
    assert_eq!(r.logged("is loaded non-secure, FWSEC needs it secure"), 1);
}

/// Turing: the generic bootloader by PIO, FWSEC in guest memory, as
/// nova-core's `FwsecFirmwareWithBl` does it.
#[test]
fn turing_generic_bootloader_loads_and_runs_fwsec() {
    let dir = std::env::temp_dir().join(format!("nvsim-fw-{}", std::process::id()));
    let gsp_dir = dir.join("nvidia/tu102/gsp");
    std::fs::create_dir_all(&gsp_dir).expect("dir");
    let code: Vec<u8> = (0..0x200u32).map(|i| (i * 13 + 5) as u8).collect();
    std::fs::write(
        gsp_dir.join("gen_bootloader-570.144.bin"),
        gbl::make_file(&code, 0xfd),
    )
    .expect("write");
    let mut r = Rig::with_firmware("tu102", &dir);

    // FWSEC as one image in guest memory: IMEM then DMEM (v2 has no
    // signatures).
    let dmem = patched_dmem_at(FRTS_TU102, 0x162, 0x15, 2, None);
    r.gpu.dma.write(RAM, &img::imem()).expect("imem");
    r.gpu.dma.write(RAM + 0x1000, &dmem).expect("dmem");

    r.reset_falcon(GSP, true);
    r.update(GSP + 0x624, |v| v | 0x80);
    r.wr(GSP + 0x10c, 0);
    r.wr(GSP + 0x180, (1 << 24) | 0xfe00);
    for (n, block) in code.chunks(256).enumerate() {
        r.wr(GSP + 0x188, 0xfd + n as u32);
        for w in block.chunks(4) {
            r.wr(GSP + 0x184, u32::from_le_bytes([w[0], w[1], w[2], w[3]]));
        }
    }
    let mut desc = vec![0u8; gbl::DESC_LEN];
    put32(&mut desc, 0x20, 4);
    put32(&mut desc, 0x24, RAM as u32);
    put32(&mut desc, 0x30, 0x800);
    put32(&mut desc, 0x34, 0x800);
    put32(&mut desc, 0x38, 0x800);
    put32(&mut desc, 0x40, (RAM + 0x1000) as u32);
    put32(&mut desc, 0x48, 0x800);
    r.wr(GSP + 0x1c0, 1 << 24);
    for w in desc.chunks(4) {
        r.wr(GSP + 0x1c4, u32::from_le_bytes([w[0], w[1], w[2], w[3]]));
    }
    r.wr(GSP + 0x104, 0xfd << 8);
    r.update(GSP + 0x600 + 4 * 4, |v| v | 0x5);
    assert!(r.boot(GSP, 0, 0), "{:?}", r.trace.lines());
    assert_eq!(r.rd(GSP + 0x40), 0);
    assert_eq!(r.rd(SCRATCH_E) >> 16, 0);
    assert_eq!(r.rd(WPR2_LO), ((FRTS_TU102 >> 12) as u32) << 4);
    // As a real TU117 reports it: read as `hi << 12`, the upper bound is
    // the FRTS end less 128 KiB (0xffe00000-0xffee0000 for FRTS
    // 0xffe00000..0xfff00000 on a 4 GiB board).
    assert_eq!(
        u64::from(r.rd(WPR2_HI) >> 4) << 12,
        FRTS_TU102 + 0x10_0000 - 0x2_0000
    );
    assert_eq!(r.logged("generic bootloader recognised"), 1);
    assert_eq!(r.logged("-> IMEM 0x800 (tag 0x8, secure)"), 1);

    // The bootloader's DMA context not set up: the load is refused and the
    // bootloader hangs.
    r.reset_falcon(GSP, true);
    r.update(GSP + 0x624, |v| v | 0x80);
    r.wr(GSP + 0x10c, 0);
    r.wr(GSP + 0x180, (1 << 24) | 0xfe00);
    for (n, block) in code.chunks(256).enumerate() {
        r.wr(GSP + 0x188, 0xfd + n as u32);
        for w in block.chunks(4) {
            r.wr(GSP + 0x184, u32::from_le_bytes([w[0], w[1], w[2], w[3]]));
        }
    }
    r.wr(GSP + 0x1c0, 1 << 24);
    for w in desc.chunks(4) {
        r.wr(GSP + 0x1c4, u32::from_le_bytes([w[0], w[1], w[2], w[3]]));
    }
    r.wr(GSP + 0x104, 0xfd << 8);
    assert!(!r.boot(GSP, 0, 0), "hangs");
    assert_eq!(
        r.logged("gbl: loading the ucode failed: FBIF_TRANSCFG(4)"),
        1
    );
    let _ = std::fs::remove_dir_all(&dir);
}
