//! The FSP and FMC boot of Hopper and Blackwell without a VM, driven as
//! nova-core (Linux 7.3) drives it (`common/fsp.rs`): a full boot on GH100,
//! GB100 and GB202 with a second boot after the unload, each class of COT
//! refusal, the three FSP faults, PRC, init commands sent before the COT,
//! step durations, and the real GSP-RM image. The FMC and bootloader files
//! are the build root's (found as `common::fsp::real_fw` says); without
//! them each test prints `SKIP: <test>: <why>`.

mod common;

use std::time::{Duration, Instant};

use common::boot::*;
use common::fsp::*;
use common::gsp::{get, put, put64};
use common::rig::{Rig, GSP};
use nvsim::fsp::status::BootStatus;
use nvsim::fsp::{
    ERR_AUTH, ERR_BOOT_PARAMS, ERR_FMC_IMAGE, ERR_GSP_IMAGE, ERR_INVALID_DATA, ERR_INVALID_KNOB,
    ERR_NOT_SUPPORTED, ERR_WPR_META,
};
use nvsim::gsprm::{self, State};
use nvsim::timing::{Step, Timing};

/// `chip`'s files, or `None` after reporting the test skipped.
fn files(test: &str, chip: &str) -> Option<Files> {
    let f = Files::new(chip);
    if f.is_none() {
        common::skip(
            &format!("nvsim::fsp::{test}"),
            &format!(
                "no nvidia/{chip}/gsp/fmc-570.144.bin under NOVA_FW_DIR, /usr/lib/firmware or \
                 the build root"
            ),
        );
    }
    f
}

fn vram_u64(r: &Rig, addr: u64) -> u64 {
    let mut b = [0u8; 8];
    r.gpu.vram.read(addr, &mut b);
    u64::from_le_bytes(b)
}

fn static_info(r: &mut Rig, d: &mut Driver) -> Vec<u8> {
    d.send(r, 65, &[0u8; 0x678]);
    d.wait_for(r, 65, Duration::from_secs(1))
        .expect("static info")
        .3
}

fn rm_state(r: &Rig) -> State {
    gsprm::lock(&r.gpu.gsp_rm).state()
}

/// A COT reply with `code`, the log line `log` once, and no GSP-RM.
fn refused(r: &mut Rig, code: u32, log: &str) {
    assert_cot_reply(r, code);
    assert_eq!(r.logged(log), 1, "{log}: {:#?}", r.trace.lines());
    assert!(r.logged("GSP-RM is not started") >= 1);
    assert_ne!(r.rd(HWCFG2) & LOCKDOWN, 0, "{log}: the lockdown stays");
    assert_eq!(r.rd(RISCV_CPUCTL) & 0x80, 0, "{log}: RISC-V inactive");
    assert_eq!(rm_state(r), State::Off, "{log}");
}

/// Sends the COT `c` with everything else as nova-core has it, except what
/// `tweak` changes in guest memory after it was written.
fn send_cot(r: &mut Rig, f: &Files, c: &[u8], tweak: impl FnOnce(&mut Rig)) {
    write_boot_data(r, f);
    tweak(r);
    send(r, c);
}

fn boot_and_rebind(chip: &str, test: &str) {
    let Some(f) = files(test, chip) else {
        return;
    };
    let mut r = rig(&f, &[], 1);
    // Power-on: lockdown engaged, mailbox 0, both queues empty.
    assert_ne!(r.rd(HWCFG2) & LOCKDOWN, 0, "lockdown engaged at power-on");
    assert_eq!(r.rd(GSP + 0x40), 0);
    for reg in [FSP_QUEUE_HEAD, FSP_QUEUE_TAIL, MSGQ_HEAD, MSGQ_TAIL] {
        assert_eq!(r.rd(reg), 0);
    }
    for boot in 1..=2 {
        let mut d = full_boot(&mut r, &f);
        assert_eq!(
            (r.rd(FSP_QUEUE_HEAD), r.rd(FSP_QUEUE_TAIL)),
            (0x360, 0x360),
            "the FSP set FSP_QUEUE_HEAD = FSP_QUEUE_TAIL"
        );
        assert_eq!((r.rd(MSGQ_HEAD), r.rd(MSGQ_TAIL)), (0, 0));
        // No sequencer: the PMU's print buffer, a NOCAT record and
        // GSP_INIT_DONE, with their real lengths.
        assert_eq!(
            d.seen,
            [(0x100c, 0x1058), (0x1020, 0x508), (0x1001, 0x50)],
            "boot {boot}"
        );
        assert_eq!(
            r.logged(&format!("GSP-RM: boot {boot}: RISC-V core active")),
            1
        );
        // WPR2 as the FMC laid it out, the metadata at its start.
        let (lo, hi) = (r.rd(0x1f_a824), r.rd(0x1f_a828));
        let wpr_start = u64::from(lo >> 4) << 12;
        let wpr_end = (u64::from(hi >> 4) << 12) + 0x2_0000;
        let fb_end = r.gpu.fb_end();
        assert_eq!(wpr_end, fb_end - f.frts_offset(), "WPR2 ends at FRTS's top");
        assert_eq!(vram_u64(&r, wpr_start), 0xdc3a_ae21_371a_60b3, "metadata");
        assert_eq!(vram_u64(&r, wpr_start + 0x70), wpr_start);
        assert_eq!(vram_u64(&r, wpr_start + 0x98), wpr_end - 0x10_0000, "FRTS");
        assert_eq!(vram_u64(&r, wpr_start + 0xb0), fb_end, "fbSize");
        let rsvd = vram_u64(&r, wpr_start + 0x58);
        assert_eq!(rsvd, wpr_start - f.non_wpr_heap(), "gspFwRsvdStart");
        // GSP-RM's BAR1 root at the start of the non-WPR heap, and the
        // reserved region from there in the static info.
        let p = static_info(&mut r, &mut d);
        assert_eq!(p.len(), 0x678);
        let u64at = |o: usize| u64::from(get(&p, o)) | (u64::from(get(&p, o + 4)) << 32);
        assert_eq!(u64at(0x600), rsvd.next_multiple_of(0x1000), "bar1PdeBase");
        assert_eq!((u64at(0x160), u64at(0x168)), (0, rsvd - 1));
        assert_eq!(u64at(0x4c8), fb_end, "fb_length");
        unload(&mut r, &mut d);
        assert_ne!(
            r.rd(GSP + 0x40) & (1 << 31),
            0,
            "MAILBOX0 bit 31 until the next COT"
        );
    }
    assert_eq!(r.logged("FSP: COT accepted"), 2);
    assert_eq!(
        r.logged("GSP-RM: stopped by the FMC's GSP reset (was Suspended)"),
        1
    );
    assert_eq!(
        r.logged("GSP-RM: initialised (no CPU sequencer on this chip)"),
        2
    );
    assert_eq!(r.logged("FSP: GSP-RM signature verified"), 2);
    f.done();
}

#[test]
fn gh100_boots_through_the_fsp_and_again_after_the_unload() {
    boot_and_rebind(
        "gh100",
        "gh100_boots_through_the_fsp_and_again_after_the_unload",
    );
}

#[test]
fn gb100_boots_through_the_fsp_and_again_after_the_unload() {
    boot_and_rebind(
        "gb100",
        "gb100_boots_through_the_fsp_and_again_after_the_unload",
    );
}

#[test]
fn gb202_boots_through_the_fsp_and_again_after_the_unload() {
    boot_and_rebind(
        "gb202",
        "gb202_boots_through_the_fsp_and_again_after_the_unload",
    );
}

#[test]
fn the_fsp_refuses_wrong_cot_fields() {
    let Some(f) = files("the_fsp_refuses_wrong_cot_fields", "gh100") else {
        return;
    };
    let mut r = rig(&f, &[], 1);
    let mut c = cot(&f);
    c[8] = 2;
    send_cot(&mut r, &f, &c, |_| {});
    refused(
        &mut r,
        ERR_INVALID_DATA,
        "FSP: COT refused: COT version 2, the gh100 FSP takes version 1; errorCode 0xa1",
    );
    let mut c = cot(&f);
    c[10] = 0x5d;
    send_cot(&mut r, &f, &c, |_| {});
    refused(&mut r, ERR_INVALID_DATA, "COT size 861, expected 860");
    let mut c = cot(&f);
    put64(&mut c, 32, 0x1c0_0000);
    send_cot(&mut r, &f, &c, |_| {});
    refused(
        &mut r,
        ERR_INVALID_DATA,
        "frtsVidmemOffset 0x1c00000, the gh100 FSP expects 0x200000",
    );
    let mut c = cot(&f);
    put(&mut c, 28, 0x1000);
    send_cot(&mut r, &f, &c, |_| {});
    refused(&mut r, ERR_INVALID_DATA, "frtsSysmemSize 0x1000");
    // A packet of another length: the PRC's 12 bytes with the COT's type.
    let mut c = cot(&f);
    c.truncate(864);
    send_cot(&mut r, &f, &c, |_| {});
    refused(
        &mut r,
        ERR_INVALID_DATA,
        "COT packet length 864 (0x360), expected 868",
    );
    // Not a single packet.
    let mut c = cot(&f);
    put(&mut c, 0, 0x8000_0000);
    send_cot(&mut r, &f, &c, |_| {});
    refused(
        &mut r,
        ERR_INVALID_DATA,
        "is not a single packet (SOM 1, EOM 0)",
    );
    // Each refused COT counted a boot (not the packet that was no COT); a
    // good one boots.
    let mut d = full_boot(&mut r, &f);
    assert_eq!(r.logged("GSP-RM: boot 6: RISC-V core active"), 1);
    unload(&mut r, &mut d);
    f.done();
}

#[test]
fn the_fsp_refuses_a_wrong_key_hash_or_signature() {
    let Some(f) = files("the_fsp_refuses_a_wrong_key_hash_or_signature", "gb202") else {
        return;
    };
    let mut r = rig(&f, &[], 1);
    for (at, log) in [
        (92 + 5, "(the FSP's fused key; first difference at byte 5)"),
        // Past the 97-byte key: the padding must be zero too.
        (
            92 + 200,
            "(the FSP's fused key; first difference at byte 200)",
        ),
        (44 + 47, "): the signature does not verify"),
        (476 + 10, "signature differs from the signature of"),
    ] {
        let mut c = cot(&f);
        c[at] ^= 0x40;
        send_cot(&mut r, &f, &c, |_| {});
        refused(&mut r, ERR_AUTH, log);
    }
    f.done();
}

#[test]
fn the_fsp_refuses_an_fmc_image_that_differs_from_the_file() {
    let Some(f) = files(
        "the_fsp_refuses_an_fmc_image_that_differs_from_the_file",
        "gb100",
    ) else {
        return;
    };
    let mut r = rig(&f, &[], 1);
    let at = 0x1234u64;
    send_cot(&mut r, &f, &cot(&f), |r| {
        r.gpu
            .dma
            .write(FMC_IMG + at, &[f.image[at as usize] ^ 1])
            .expect("poke");
    });
    refused(&mut r, ERR_FMC_IMAGE, "at offset 0x1234");
    // Unreadable: not mapped.
    let mut c = cot(&f);
    put64(&mut c, 12, 0x7000_0000);
    send_cot(&mut r, &f, &c, |_| {});
    refused(&mut r, ERR_FMC_IMAGE, "gspFmcSysmemOffset 0x70000000: the");
    f.done();
}

#[test]
fn the_fmc_refuses_bad_boot_parameters() {
    let Some(f) = files("the_fmc_refuses_bad_boot_parameters", "gh100") else {
        return;
    };
    let mut r = rig(&f, &[], 1);
    let cases: [(usize, u64, &str); 5] = [
        (8, 0, "bootGspRmParams.target 0"),
        (12, 128, "bootGspRmParams.gspRmDescSize 128, expected 256"),
        (36, 0, "bootGspRmParams.bIsGspRmBoot 0, expected 1"),
        (40, 3, "gspRmParams.target 3"),
        (48, 0, "gspRmParams.bootArgsOffset is 0"),
    ];
    for (at, v, log) in cases {
        send_cot(&mut r, &f, &cot(&f), |r| {
            let mut p = params();
            if at == 36 {
                p[at] = v as u8;
            } else if at == 48 {
                put64(&mut p, at, v);
            } else {
                put(&mut p, at, v as u32);
            }
            r.gpu.dma.write(PARAMS, &p).expect("params");
        });
        refused(&mut r, ERR_BOOT_PARAMS, log);
    }
    // Fields nvsim ignores are only logged.
    write_boot_data(&mut r, &f);
    let mut p = params();
    put(&mut p, 32, 0x1000);
    r.gpu.dma.write(PARAMS, &p).expect("params");
    send(&mut r, &cot(&f));
    assert_eq!(reply(&mut r, 1)[4], 0);
    assert_eq!(
        r.logged("boot parameters ignored: bootGspRmParams.wprCarveoutSize 0x1000"),
        1
    );
    f.done();
}

#[test]
fn the_fmc_refuses_bad_wpr_metadata() {
    let Some(f) = files("the_fmc_refuses_bad_wpr_metadata", "gb202") else {
        return;
    };
    let mut r = rig(&f, &[], 1);
    let cases: [(usize, u64, &str); 6] = [
        (
            0x00,
            1,
            "WPR metadata at gspRmDescOffset 0x80081000: magic 0x1",
        ),
        (0x08, 2, "revision 2, expected 1"),
        (
            0xf4,
            0,
            "pmuReservedSize 0x0, the gb202 FMC expects 0x1820000",
        ),
        (0xa0, 0x20_0000, "frtsSize 0x200000, expected 0x100000"),
        (
            0x80,
            0x10_0000,
            "gspFwHeapSize 0x100000, below GSP-RM's minimum",
        ),
        (
            0x30,
            0xb100,
            "bootloader code/data/manifest offsets 0xb100/0xa00/0x0",
        ),
    ];
    for (at, v, log) in cases {
        send_cot(&mut r, &f, &cot(&f), |r| {
            let mut m = meta(r, &f);
            if at == 0xf4 {
                put(&mut m, at, v as u32);
            } else {
                put64(&mut m, at, v);
            }
            r.gpu.dma.write(META2, &m).expect("meta");
        });
        refused(&mut r, ERR_WPR_META, log);
    }
    // Framebuffer offsets are the FMC's: ignored, logged.
    write_boot_data(&mut r, &f);
    let mut m = meta(&r, &f);
    put64(&mut m, 0x58, 0x1234_0000);
    r.gpu.dma.write(META2, &m).expect("meta");
    send(&mut r, &cot(&f));
    assert_eq!(reply(&mut r, 1)[4], 0);
    assert_eq!(
        r.logged("WPR metadata offsets ignored (the FMC lays WPR2 out itself): gspFwRsvdStart 0x12340000"),
        1
    );
    f.done();
}

#[test]
fn the_fmc_refuses_a_gsp_rm_image_bootloader_or_signature_that_differs() {
    let Some(f) = files(
        "the_fmc_refuses_a_gsp_rm_image_bootloader_or_signature_that_differs",
        "gh100",
    ) else {
        return;
    };
    let mut r = rig(&f, &[], 1);
    // The image's first page is the last data page (`write_gsp`).
    let pages = GSP_SIZE.div_ceil(0x1000) as u64;
    let cases: [(u64, &str); 3] = [
        (
            GSP_DATA + (pages - 1) * 0x1000 + 0x10,
            "GSP-RM image differs from the .fwimage of",
        ),
        (BL2 + 0x20, "bootloader differs from"),
        (
            SIG + 0x30,
            "GSP-RM signature at 0x80080000 differs from the .fwsignature_gh100",
        ),
    ];
    for (addr, log) in cases {
        send_cot(&mut r, &f, &cot(&f), |r| {
            let mut b = [0u8; 1];
            r.gpu.dma.read(addr, &mut b).expect("read");
            r.gpu.dma.write(addr, &[b[0] ^ 0x80]).expect("poke");
        });
        refused(&mut r, ERR_GSP_IMAGE, log);
    }
    f.done();
}

#[test]
fn fault_cot_reject_then_a_good_boot() {
    let Some(f) = files("fault_cot_reject_then_a_good_boot", "gh100") else {
        return;
    };
    let mut r = rig(&f, &["cot-reject"], 1);
    send_cot(&mut r, &f, &cot(&f), |_| {});
    refused(
        &mut r,
        ERR_AUTH,
        "fault cot-reject: boot 1: the FSP refuses the COT (errorCode 0xf5a001, signature check \
         failed); GSP-RM is not started",
    );
    let mut d = full_boot(&mut r, &f);
    assert_eq!(r.logged("GSP-RM: boot 2: RISC-V core active"), 1);
    unload(&mut r, &mut d);
    // :always refuses every boot.
    let mut r = rig(&f, &["cot-reject:always"], 1);
    for _ in 0..2 {
        send_cot(&mut r, &f, &cot(&f), |_| {});
        assert_eq!(reply(&mut r, 1)[4], ERR_AUTH);
    }
    f.done();
}

#[test]
fn fault_fmc_hang_keeps_the_lockdown_then_a_good_boot() {
    let Some(f) = files(
        "fault_fmc_hang_keeps_the_lockdown_then_a_good_boot",
        "gb202",
    ) else {
        return;
    };
    let mut r = rig(&f, &["fmc-hang"], 1);
    assert_eq!(boot_fmc(&mut r, &f)[4], 0, "the FSP accepts the COT");
    assert_eq!(
        wait_lockdown(&mut r, Duration::from_millis(100)),
        Err("timeout".to_string())
    );
    assert_eq!(r.rd(RISCV_CPUCTL) & 0x80, 0, "RISC-V never active");
    assert_eq!(
        r.logged(
            "fault fmc-hang: boot 1: the FMC never starts GSP-RM: the GSP lockdown stays \
             engaged, the RISC-V core inactive"
        ),
        1
    );
    // nova-core's failure path: wait for RISC-V halted.
    assert_ne!(r.rd(RISCV_CPUCTL) & 0x10, 0, "RISC-V halted");
    let mut d = full_boot(&mut r, &f);
    unload(&mut r, &mut d);
    f.done();
}

#[test]
fn fault_fsp_no_boot() {
    let Some(f) = files("fault_fsp_no_boot", "gb100") else {
        return;
    };
    // The GPU's own: 10 s from the first read.
    let mut r = rig(&f, &["fsp-no-boot"], 1);
    let reg = f.status_reg();
    for _ in 0..3 {
        assert_eq!(r.rd(reg), 0);
    }
    assert_eq!(
        r.logged(
            "fault fsp-no-boot: the FSP never completes its secure boot: NV_THERM_I2CS_SCRATCH \
             (0x200bc) reads 0, not 0xff (for 10s from this first read)"
        ),
        1,
        "{:#?}",
        r.trace.lines()
    );
    // The same with a 50 ms window: then the boot is complete and boots.
    let mut r = rig(&f, &["fsp-no-boot"], 1);
    let rm = r.gpu.gsp_rm.clone();
    r.gpu.add_model(Box::new(
        BootStatus::new(reg, rm).with_window(Duration::from_millis(50)),
    ));
    assert!(!secure_boot_done(&mut r, &f));
    std::thread::sleep(Duration::from_millis(60));
    assert!(secure_boot_done(&mut r, &f));
    assert_eq!(
        r.logged("fault fsp-no-boot: over (50ms since the first read)"),
        1
    );
    let mut d = full_boot(&mut r, &f);
    unload(&mut r, &mut d);
    // :always: for ever.
    let mut r = rig(&f, &["fsp-no-boot:always"], 1);
    let rm = r.gpu.gsp_rm.clone();
    r.gpu.add_model(Box::new(
        BootStatus::new(reg, rm).with_window(Duration::from_millis(1)),
    ));
    assert!(!secure_boot_done(&mut r, &f));
    std::thread::sleep(Duration::from_millis(5));
    assert!(!secure_boot_done(&mut r, &f));
    assert_eq!(r.logged("(for ever)"), 1);
    f.done();
}

#[test]
fn prc_reads_the_vgpu_mode_and_other_messages_are_refused() {
    let Some(f) = files(
        "prc_reads_the_vgpu_mode_and_other_messages_are_refused",
        "gb202",
    ) else {
        return;
    };
    let mut r = rig(&f, &[], 1);
    let prc = |knob: u8| {
        let mut p = vec![0u8; 12];
        put(&mut p, 0, 0xc000_0000);
        put(&mut p, 4, 0x1310_de7e);
        p[8..12].copy_from_slice(&[0x0c, 0x02, knob, 0]);
        p
    };
    send(&mut r, &prc(0x29));
    assert_eq!(r.rd(FSP_QUEUE_TAIL), 8);
    let bytes = recv(&mut r, Duration::from_secs(1)).expect("PRC reply");
    assert_eq!(bytes.len(), 24);
    let w = words(&bytes);
    assert_eq!(
        w,
        [0xc000_0000, 0x1510_de7e, w[2], 0x13, 0, 0],
        "vGPU disabled"
    );
    send(&mut r, &prc(0x30));
    let w = reply(&mut r, 1);
    assert_eq!((w[3], w[4]), (0x13, ERR_INVALID_KNOB));
    // An NVDM type the FSP does not serve, another vendor.
    let mut p = prc(0x29);
    put(&mut p, 4, 0x1610_de7e);
    send(&mut r, &p);
    let w = reply(&mut r, 1);
    assert_eq!((w[3], w[4]), (0x16, ERR_NOT_SUPPORTED));
    put(&mut p, 4, 0x1410_227e);
    send(&mut r, &p);
    let w = reply(&mut r, 1);
    assert_eq!((w[3], w[4]), (0x14, ERR_INVALID_DATA));
    assert_eq!(r.logged("vendor id 0x1022, expected 0x10de"), 1);
    // The FSP still boots GSP-RM.
    let mut d = full_boot(&mut r, &f);
    unload(&mut r, &mut d);
    f.done();
}

/// OpenRM's order: SET_SYSTEM_INFO and SET_REGISTRY queued before the COT.
#[test]
fn init_commands_queued_before_the_cot() {
    let Some(f) = files("init_commands_queued_before_the_cot", "gh100") else {
        return;
    };
    let mut r = rig(&f, &[], 1);
    write_boot_data(&mut r, &f);
    let mut d = Driver::new();
    d.init_commands(&mut r);
    assert_eq!(
        r.logged("doorbell rung before the FMC started GSP-RM; the commands wait in the queue"),
        2
    );
    send(&mut r, &cot(&f));
    assert_eq!(reply(&mut r, 1)[4], 0);
    wait_lockdown(&mut r, Duration::from_secs(1)).expect("released");
    assert!(riscv_active_within(&mut r, Duration::from_secs(1)));
    assert!(d.wait(&mut r, 0x1001).is_some(), "GSP_INIT_DONE");
    assert_eq!(r.logged("GSP-RM: received GSP_SET_SYSTEM_INFO"), 1);
    unload(&mut r, &mut d);
    f.done();
}

#[test]
fn the_reply_and_the_lockdown_release_take_their_time() {
    let Some(f) = files(
        "the_reply_and_the_lockdown_release_take_their_time",
        "gb202",
    ) else {
        return;
    };
    let mut t = Timing::fast();
    t.set(Step::FspCot, Duration::from_millis(30));
    t.set(Step::FmcBoot, Duration::from_millis(400));
    let mut r = rig_timing(&f, t);
    write_boot_data(&mut r, &f);
    let start = Instant::now();
    send(&mut r, &cot(&f));
    assert_eq!(r.rd(MSGQ_HEAD), r.rd(MSGQ_TAIL), "no reply yet");
    assert_eq!(reply(&mut r, 2)[4], 0);
    assert!(start.elapsed() >= Duration::from_millis(30));
    assert_ne!(r.rd(HWCFG2) & LOCKDOWN, 0, "locked while the FMC runs");
    assert_eq!(r.rd(RISCV_CPUCTL) & 0x80, 0);
    wait_lockdown(&mut r, Duration::from_secs(3)).expect("released");
    assert!(start.elapsed() >= Duration::from_millis(430));
    let mut d = Driver::new();
    assert!(start_rm(&mut r, &mut d));
    unload(&mut r, &mut d);
    // The next COT engages the lockdown again and the FMC's GSP reset
    // clears the suspension's MAILBOX0 bit 31 before the release.
    assert_ne!(r.rd(GSP + 0x40) & (1 << 31), 0);
    assert_eq!(r.rd(HWCFG2) & LOCKDOWN, 0);
    write_boot_data(&mut r, &f);
    send(&mut r, &cot(&f));
    assert_eq!(reply(&mut r, 2)[4], 0);
    assert_ne!(r.rd(HWCFG2) & LOCKDOWN, 0, "locked again");
    assert_eq!(r.rd(GSP + 0x40), 0, "MAILBOX0 cleared by the GSP reset");
    assert_eq!(r.rd(RISCV_CPUCTL) & 0x80, 0);
    wait_lockdown(&mut r, Duration::from_secs(3)).expect("released");
    let mut d = Driver::new();
    assert!(start_rm(&mut r, &mut d));
    unload(&mut r, &mut d);
    f.done();
}

/// The build root's own files, the 60 MB GSP-RM image included, mapped
/// through radix3 as nova-core maps it.
#[test]
fn gh100_boots_the_real_gsp_rm_image() {
    let test = "nvsim::fsp::gh100_boots_the_real_gsp_rm_image";
    let Some(dir) =
        real_fw("gh100").filter(|d| d.join("nvidia/gh100/gsp/gsp-570.144.bin").exists())
    else {
        common::skip(
            test,
            "no nvidia/gh100/gsp/gsp-570.144.bin in the build root's firmware",
        );
        return;
    };
    let f = Files::read(
        nvsim::chip::Chip::by_name("gh100").expect("chip"),
        dir.clone(),
    );
    let elf = std::fs::read(dir.join("nvidia/gh100/gsp/gsp-570.144.bin")).expect("gsp");
    let section = |name: &str| {
        let (o, s) = nvsim::booter::gsp::elf_section(&elf, name).expect(name);
        elf[o..o + s].to_vec()
    };
    let (img, sig) = (section(".fwimage"), section(".fwsignature_gh100"));
    let mut r = rig(&f, &[], 1);
    // A third window for the image, its radix3 tables and the signature.
    let base = 0x1_0000_0000u64;
    let pages = img.len().div_ceil(0x1000) as u64;
    let l2_pages = pages.div_ceil(512);
    let len = (pages + l2_pages + 3) * 0x1000;
    {
        use std::os::fd::{FromRawFd, OwnedFd};
        // SAFETY: creates a new anonymous memory file; checked below.
        let fd = unsafe { libc::memfd_create(c"guest-ram3".as_ptr(), 0) };
        assert!(fd >= 0);
        // SAFETY: `fd` is a fresh descriptor owned by nobody else.
        let ram = std::fs::File::from(unsafe { OwnedFd::from_raw_fd(fd) });
        ram.set_len(len).expect("size");
        r.gpu.dma.map(true, 0, base, len, Some(ram)).expect("map");
    }
    let dma = r.gpu.dma.clone();
    let l2 = base + pages * 0x1000;
    let l1 = l2 + l2_pages * 0x1000;
    let (l0, sig_at) = (l1 + 0x1000, l1 + 0x2000);
    dma.write(base, &img).expect("image");
    for i in 0..pages {
        dma.write(l2 + 8 * i, &(base + i * 0x1000).to_le_bytes())
            .expect("l2");
    }
    for i in 0..l2_pages {
        dma.write(l1 + 8 * i, &(l2 + i * 0x1000).to_le_bytes())
            .expect("l1");
    }
    dma.write(l0, &l1.to_le_bytes()).expect("l0");
    dma.write(sig_at, &sig).expect("sig");
    assert!(secure_boot_done(&mut r, &f));
    write_boot_data(&mut r, &f);
    let mut m = meta(&r, &f);
    put64(&mut m, 0x10, l0);
    put64(&mut m, 0x18, img.len() as u64);
    put64(&mut m, 0x48, sig_at);
    dma.write(META2, &m).expect("meta");
    send(&mut r, &cot(&f));
    let w = reply(&mut r, 30);
    assert_eq!(
        w,
        [0xc000_0000, 0x1510_de7e, w[2], 0x14, 0],
        "{:#?}",
        r.trace.lines()
    );
    assert_eq!(r.logged("FSP: GSP-RM image verified through radix3"), 1);
    wait_lockdown(&mut r, Duration::from_secs(1)).expect("released");
    let mut d = Driver::new();
    assert!(start_rm(&mut r, &mut d));
    unload(&mut r, &mut d);
}
