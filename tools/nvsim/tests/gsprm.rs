//! GSP-RM without a VM: booter_load's image checks, the boot conversation
//! over the queues, the RPCs, unload and reboot, and each fault.

mod common;

use std::path::{Path, PathBuf};

use common::boot::*;
use common::rig::{fwsec_frts, Rig, FB_END_24G, FRTS_24G, GSP, RAM, SEC2};
use nvsim::booter::gsp::{elf_section, walk_radix3, GspFiles};
use nvsim::booter::BAD_GSP_IMAGE;
use nvsim::fault::{Fault, Faults};

const NOT_SUPPORTED: u32 = 0x56;

fn cleanup(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
}

fn rig(chip: &str, faults: &[&str], boots: u32) -> (Rig, PathBuf) {
    let dir = fw_dir(chip);
    let f = faults
        .iter()
        .map(|s| Fault::parse(s).expect("fault"))
        .collect();
    (Rig::with_faults(chip, &dir, Faults::new(f, boots)), dir)
}

fn static_info(d: &mut Driver, r: &mut Rig) -> Option<Msg> {
    d.send(r, 65, &[0u8; 0x678]);
    d.wait(r, 65)
}

fn name_of(p: &[u8]) -> String {
    let s = &p[0x4ec..0x4ec + 64];
    let end = s.iter().position(|b| *b == 0).expect("NUL");
    String::from_utf8(s[..end].to_vec()).expect("utf8")
}

/// UNLOADING_GUEST_DRIVER, then FWSEC-SB's GSP reset and booter_unload.
fn unload(d: &mut Driver, r: &mut Rig) {
    let mut p = [0u8; 8];
    p[4] = 0;
    d.send(r, 47, &p);
    assert!(d.wait(r, 47).is_some(), "UNLOADING_GUEST_DRIVER reply");
    assert_ne!(r.rd(GSP + 0x40) & (1 << 31), 0, "processor suspended");
    r.reset_falcon(GSP, false);
    assert_eq!(
        run_booter(r, 0x20, 1, sig_at(), (0xff, 0xff)),
        (true, 0),
        "booter_unload"
    );
    assert_eq!(r.rd(0x1f_a828), 0, "WPR2 removed");
}

#[test]
fn a_full_boot_static_info_unload_and_reboot() {
    let (mut r, dir) = rig("ga102", &[], 1);
    for boot in 1..=3 {
        assert!(!riscv_active(&mut r), "boot {boot}: inactive before");
        assert_eq!(boot_to_booter_load(&mut r), (true, 0), "boot {boot}");
        assert!(riscv_active(&mut r), "boot {boot}: {:?}", r.trace.lines());
        let mut d = Driver::new();
        assert!(d.boot_rpcs(&mut r), "boot {boot}: GSP_INIT_DONE");
        // No reply to the two init commands; GSP-RM's own messages with
        // their real lengths: a NOCAT record, the sequencer (0x18e8 on
        // GA10x, two queue pages), the PMU's print buffer, another NOCAT
        // record, GSP_INIT_DONE (0x50, as on real GPUs).
        assert_eq!(
            d.seen,
            [
                (0x1020, 0x508),
                (0x1002, 0x18e8),
                (0x100c, 0x1058),
                (0x1020, 0x508),
                (0x1001, 0x50)
            ],
            "boot {boot}"
        );
        let (_, result, _, p) = static_info(&mut d, &mut r).expect("static info");
        assert_eq!(result, 0);
        assert_eq!(p.len(), 0x678);
        assert_eq!(name_of(&p), "NVIDIA GeForce RTX 3090");
        // One usable region below the reserved area, one reserved up to
        // the end of the usable framebuffer (8 MiB under the 24 GiB).
        let u32at = |o: usize| u32::from_le_bytes([p[o], p[o + 1], p[o + 2], p[o + 3]]);
        let u64at = |o: usize| u64::from(u32at(o)) | (u64::from(u32at(o + 4)) << 32);
        assert_eq!(u32at(0x158), 2);
        assert_eq!((u64at(0x160), u64at(0x168)), (0, RSVD_START - 1));
        assert_eq!(
            (p[0x160 + 0x1c], p[0x160 + 0x1d], p[0x160 + 0x1e]),
            (1, 1, 0)
        );
        assert_eq!(
            (u64at(0x160 + 0x30), u64at(0x168 + 0x30)),
            (RSVD_START, FB_END_24G - 1)
        );
        assert_eq!(u64at(0x170), 0, "usable: nothing reserved");
        assert_eq!(
            u64at(0x170 + 0x30),
            FB_END_24G - RSVD_START,
            "reserved: the region's size"
        );
        assert_eq!(u64at(0x4c8), FB_END_24G, "fb_length: 24568 MiB");
        // An RPC GSP-RM does not model (ALLOC_MEMORY, which nvsim does not model).
        d.send(&mut r, 4, &[7u8; 16]);
        let (_, result, _, echo) = d.wait(&mut r, 4).expect("reply");
        assert_eq!((result, echo), (NOT_SUPPORTED, vec![7u8; 16]));
        unload(&mut d, &mut r);
        assert!(!riscv_active(&mut r));
    }
    assert_eq!(r.logged("GSP-RM: received GSP_SET_SYSTEM_INFO"), 3);
    assert_eq!(r.logged("GSP-RM: registry: RMSecBusResetEnable=1"), 3);
    assert_eq!(
        r.logged("is not modelled; replying NV_ERR_NOT_SUPPORTED"),
        3
    );
    assert_eq!(
        r.logged("booter_load: GSP-RM image verified through radix3"),
        3
    );
    cleanup(&dir);
}

#[test]
fn the_init_commands_get_no_reply_and_a_refused_one_stops_the_boot() {
    let (mut r, dir) = rig("ga102", &[], 1);
    assert_eq!(boot_to_booter_load(&mut r), (true, 0));
    let mut d = Driver::new();
    // GSP_SET_SYSTEM_INFO with a wrong device ID.
    let mut si = vec![0u8; 0x3a0];
    si[0x08] = 1;
    si[0x00] = 1;
    si[0x58..0x5c].copy_from_slice(&0x1234_10deu32.to_le_bytes());
    d.send(&mut r, 72, &si);
    assert!(d.recv(&mut r).is_none(), "no reply to GSP_SET_SYSTEM_INFO");
    let name = b"RMSecBusResetEnable\0";
    let mut t = vec![0u8; 8 + 0x10];
    t[8..12].copy_from_slice(&0x18u32.to_le_bytes());
    t[12] = 1;
    t.extend_from_slice(name);
    let size = t.len() as u32;
    t[0..4].copy_from_slice(&size.to_le_bytes());
    t[4..8].copy_from_slice(&1u32.to_le_bytes());
    d.send(&mut r, 73, &t);
    assert!(d.recv(&mut r).is_none(), "no reply, no sequencer");
    assert_eq!(
        r.logged(
            "GSP_SET_SYSTEM_INFO refused: PCIDeviceID 0x123410de, the device is 0x220410de; \
             GSP-RM stops initialising (no CPU sequencer, no GSP_INIT_DONE)"
        ),
        1,
        "{:?}",
        r.trace.lines()
    );
    // GSP-RM still reads the queue: the driver can unload it.
    unload(&mut d, &mut r);
    // A healthy boot afterwards.
    assert_eq!(boot_to_booter_load(&mut r), (true, 0));
    let mut d = Driver::new();
    assert!(d.boot_rpcs(&mut r));
    assert!(d.seen.iter().all(|(f, _)| *f != 72 && *f != 73));
    cleanup(&dir);
}

#[test]
fn the_sequencer_runs_every_opcode_and_is_checked() {
    let (mut r, dir) = rig("ad102", &[], 1);
    assert_eq!(boot_to_booter_load(&mut r), (true, 0));
    let mut d = Driver::new();
    d.init_commands(&mut r);
    let seq = d.wait(&mut r, 0x1002).expect("sequencer");
    let ran = d.run_sequencer(&mut r, &seq.3);
    for op in 0..=8 {
        assert!(ran.contains(&op), "opcode {op} not in the script");
    }
    assert_eq!(ran.last(), Some(&8), "CORE_RESUME last");
    assert!(riscv_active(&mut r));
    assert!(d.wait(&mut r, 0x1001).is_some());
    unload(&mut d, &mut r);

    // A driver that skips the core operations: SEC2-RTOS does not resume
    // GSP-RM.
    assert_eq!(boot_to_booter_load(&mut r), (true, 0));
    let mut d = Driver::new();
    d.init_commands(&mut r);
    assert!(d.wait(&mut r, 0x1002).is_some());
    r.wr(0x1400 + 4 * 0x30, 0x05e9_0201);
    r.reset_falcon(GSP, false);
    r.wr(GSP + 0x40, LIBOS as u32);
    r.wr(GSP + 0x44, 0);
    r.wr(SEC2 + 0x100, 0x2);
    assert_eq!(r.rd(SEC2 + 0x40), nvsim::gsprm::SEQUENCER_INCOMPLETE);
    assert!(!riscv_active(&mut r));
    assert_eq!(
        r.logged("the script's ucode never ran on the GSP falcon"),
        1
    );
    cleanup(&dir);
}

#[test]
fn each_step_takes_the_time_the_timing_gives_it() {
    use std::time::{Duration, Instant};
    let dir = fw_dir("ga102");
    let mut t = nvsim::timing::Timing::fast();
    for d in [
        "booter-load=40ms",
        "gsp-init=30ms",
        "gsp-resume=30ms",
        "rpc=5ms",
        "gsp-unload=20ms",
    ] {
        t.apply(d).expect("delay");
    }
    let mut r = Rig::with_timing("ga102", &dir, t);
    assert_eq!(fwsec_frts(&mut r, 0x172, FRTS_24G), (true, 0), "no delay");
    write_meta(&mut r, 0xdc3a_ae21_371a_60b3);
    write_gsp(&mut r);
    write_libos(&mut r);
    r.reset_falcon(GSP, false);
    r.wr(GSP + 0x40, LIBOS as u32);
    r.wr(GSP + 0x44, 0);
    r.wr(GSP + 0x014, 0xffff_ffff);
    let start = Instant::now();
    let (halted, _) = run_booter(&mut r, 0x10, 1, sig_at(), (META as u32, 0));
    if start.elapsed() < Duration::from_millis(30) {
        assert!(!halted, "booter_load still running");
        assert!(!riscv_active(&mut r), "GSP-RM not started yet");
    }
    while r.rd(SEC2 + 0x100) & 0x10 == 0 {
        assert!(start.elapsed() < Duration::from_secs(2));
    }
    assert!(start.elapsed() >= Duration::from_millis(40));
    assert_eq!(r.rd(SEC2 + 0x40), 0);
    assert!(riscv_active(&mut r));
    // SWGEN0 routed to the host, so the timing thread raises the
    // interrupt for the delayed messages.
    r.wr(GSP + 0x010, 1 << 6);
    r.wr(GSP + 0x01c, 1 << 6);
    let mut d = Driver::new();
    let sent = Instant::now();
    d.init_commands(&mut r);
    let early = d.recv(&mut r).is_none();
    if sent.elapsed() < Duration::from_millis(25) {
        assert!(early, "GSP-RM's first messages take gsp-init");
    }
    let seq = d
        .wait_for(&mut r, 0x1002, Duration::from_secs(2))
        .expect("sequencer");
    assert!(sent.elapsed() >= Duration::from_millis(30));
    assert_ne!(r.rd(GSP + 0x008) & (1 << 6), 0, "SWGEN0");
    d.run_sequencer(&mut r, &seq.3);
    let resumed = Instant::now();
    assert!(d.wait_for(&mut r, 0x1001, Duration::from_secs(2)).is_some());
    assert!(resumed.elapsed() >= Duration::from_millis(30));
    let asked = Instant::now();
    d.send(&mut r, 0, &[]);
    assert!(d.wait_for(&mut r, 0, Duration::from_secs(2)).is_some());
    assert!(asked.elapsed() >= Duration::from_millis(5));
    let mut p = [0u8; 8];
    p[4] = 0;
    let asked = Instant::now();
    d.send(&mut r, 47, &p);
    assert!(d.wait_for(&mut r, 47, Duration::from_secs(2)).is_some());
    while r.rd(GSP + 0x40) & (1 << 31) == 0 {
        assert!(asked.elapsed() < Duration::from_secs(2));
    }
    assert!(asked.elapsed() >= Duration::from_millis(20));
    assert!(!riscv_active(&mut r));
    cleanup(&dir);
}

#[test]
fn the_swgen0_interrupt_is_raised_for_each_message() {
    let (mut r, dir) = rig("ga102", &[], 1);
    assert_eq!(boot_to_booter_load(&mut r), (true, 0));
    r.wr(GSP + 0x004, 1 << 6);
    let mut d = Driver::new();
    d.init_commands(&mut r);
    assert_ne!(r.rd(GSP + 0x008) & (1 << 6), 0, "IRQSTAT SWGEN0");
    cleanup(&dir);
}

#[test]
fn a_corrupt_image_or_bootloader_is_refused() {
    let (mut r, dir) = rig("ga102", &[], 1);
    assert_eq!(fwsec_frts(&mut r, 0x172, FRTS_24G), (true, 0));
    write_meta(&mut r, 0xdc3a_ae21_371a_60b3);
    write_gsp(&mut r);
    write_libos(&mut r);
    // Image page 2 is the second data page from the start of GSP_DATA
    // (pages are stored in reverse).
    r.gpu
        .dma
        .write(GSP_DATA + 0x1000 + 0x10, &[0xee])
        .expect("poke");
    let mbox = (META as u32, (META >> 32) as u32);
    assert_eq!(
        run_booter(&mut r, 0x10, 1, sig_at(), mbox),
        (true, BAD_GSP_IMAGE)
    );
    assert!(!riscv_active(&mut r));
    assert_eq!(
        r.logged("GSP-RM image differs from the .fwimage of"),
        1,
        "{:?}",
        r.trace.lines()
    );
    assert_eq!(r.logged("at offset 0x2010 (image page 2"), 1);
    write_gsp(&mut r);
    r.gpu.dma.write(BL + 0x33, &[0]).expect("poke");
    assert_eq!(
        run_booter(&mut r, 0x10, 1, sig_at(), mbox),
        (true, BAD_GSP_IMAGE)
    );
    assert_eq!(r.logged("bootloader differs from"), 1);
    cleanup(&dir);
}

#[test]
fn queues_wrap_around_and_bad_commands_are_dropped() {
    let (mut r, dir) = rig("ad102", &[], 1);
    assert_eq!(boot_to_booter_load(&mut r), (true, 0));
    let mut d = Driver::new();
    assert!(d.boot_rpcs(&mut r));
    // 100 NOPs, each answered, then multi-entry messages across the end.
    for i in 0..100u32 {
        d.send(&mut r, 0, &i.to_le_bytes());
        let (f, res, _, _) = d.wait(&mut r, 0).expect("NOP reply");
        assert_eq!((f, res), (0, 0));
    }
    for _ in 0..20 {
        d.send(&mut r, 4, &[0x5a; 0x2100]);
        let (_, res, _, p) = d.wait(&mut r, 4).expect("reply");
        assert_eq!((res, p.len()), (NOT_SUPPORTED, 0x2100));
    }
    d.send_raw(&mut r, 0, &[1, 2, 3], true);
    assert!(d.recv(&mut r).is_none(), "the bad command got no reply");
    assert_eq!(r.logged("bad checksum"), 1);
    d.send(&mut r, 0, &[]);
    assert!(d.wait(&mut r, 0).is_some(), "the queue still works");
    cleanup(&dir);
}

#[test]
fn fault_gsp_inactive_first_boot_only() {
    let (mut r, dir) = rig("ga102", &["gsp-inactive"], 1);
    assert_eq!(boot_to_booter_load(&mut r), (true, 0));
    assert!(!riscv_active(&mut r));
    assert_eq!(r.logged("fault gsp-inactive"), 1);
    r.reset_falcon(GSP, false);
    assert_eq!(
        run_booter(&mut r, 0x20, 1, sig_at(), (0xff, 0xff)),
        (true, 0)
    );
    assert_eq!(boot_to_booter_load(&mut r), (true, 0));
    assert!(riscv_active(&mut r), "second boot");
    cleanup(&dir);
}

#[test]
fn fault_no_init_done_always() {
    let (mut r, dir) = rig("ga102", &["no-init-done:always"], 1);
    for _ in 0..2 {
        assert_eq!(boot_to_booter_load(&mut r), (true, 0));
        let mut d = Driver::new();
        assert!(!d.boot_rpcs(&mut r), "no GSP_INIT_DONE");
        r.reset_falcon(GSP, false);
        assert_eq!(
            run_booter(&mut r, 0x20, 1, sig_at(), (0xff, 0xff)),
            (true, 0)
        );
    }
    assert_eq!(r.logged("fault no-init-done"), 2);
    cleanup(&dir);
}

#[test]
fn fault_bad_reply_and_bad_checksum() {
    let (mut r, dir) = rig("ga102", &["bad-reply", "bad-checksum"], 1);
    assert_eq!(boot_to_booter_load(&mut r), (true, 0));
    let mut d = Driver::new();
    d.init_commands(&mut r);
    assert!(
        matches!(d.recv(&mut r), Some(Err(_))),
        "first message corrupt"
    );
    let seq = d.wait(&mut r, 0x1002).expect("sequencer");
    d.run_sequencer(&mut r, &seq.3);
    assert!(d.wait(&mut r, 0x1001).is_some());
    let (_, _, _, p) = static_info(&mut d, &mut r).expect("reply");
    assert_eq!(p.len(), 0x100, "truncated");
    unload(&mut d, &mut r);
    // Second boot: healthy.
    assert_eq!(boot_to_booter_load(&mut r), (true, 0));
    let mut d = Driver::new();
    assert!(d.boot_rpcs(&mut r));
    assert_eq!(static_info(&mut d, &mut r).expect("reply").3.len(), 0x678);
    cleanup(&dir);
}

#[test]
fn fault_remove_at_each_step() {
    for step in ["fwsec", "booter-load", "init-done", "static-info"] {
        let (mut r, dir) = rig("ga102", &[&format!("remove-at={step}")], 1);
        let gone = |r: &mut Rig| r.rd(0) == 0xffff_ffff && r.gpu.dma.stopped();
        match step {
            "fwsec" => {
                fwsec_frts(&mut r, 0x172, FRTS_24G);
                assert!(gone(&mut r));
            }
            "booter-load" => {
                boot_to_booter_load(&mut r);
                assert!(gone(&mut r));
            }
            _ => {
                assert_eq!(boot_to_booter_load(&mut r), (true, 0));
                let mut d = Driver::new();
                d.init_commands(&mut r);
                let seq = d.wait(&mut r, 0x1002).expect("sequencer");
                if step == "init-done" {
                    r.reset_falcon(GSP, false);
                    r.wr(GSP + 0x40, LIBOS as u32);
                    r.wr(SEC2 + 0x100, 0x2);
                    assert!(gone(&mut r), "{:?}", r.trace.lines());
                } else {
                    d.run_sequencer(&mut r, &seq.3);
                    assert!(d.wait(&mut r, 0x1001).is_some());
                    d.send(&mut r, 65, &[0u8; 0x678]);
                    assert!(gone(&mut r));
                }
            }
        }
        assert_eq!(r.rd(0x0011_0040), 0xffff_ffff);
        assert_eq!(r.logged(&format!("fault remove-at={step}")), 1);
        cleanup(&dir);
    }
}

/// The real GSP-RM image, if the firmware is at hand (NOVA_FW_DIR or
/// /usr/lib/firmware): mapped through radix3 in guest memory
/// and verified.
#[test]
fn the_real_image_verifies_through_radix3() {
    // NOVA_FW_DIR names the `nvidia` directory (as `make test` sets it) or
    // its parent.
    let env = PathBuf::from(std::env::var("NOVA_FW_DIR").unwrap_or_default());
    let dirs = [
        env.parent().map(Path::to_path_buf).unwrap_or_default(),
        env,
        PathBuf::from("/usr/lib/firmware"),
    ];
    let Some(dir) = dirs
        .into_iter()
        .find(|d| d.join("nvidia/ga102/gsp/gsp-570.144.bin").exists())
    else {
        common::skip(
            "nvsim::gsprm::the_real_image_verifies_through_radix3",
            "no nvidia/ga102/gsp/gsp-570.144.bin under NOVA_FW_DIR or /usr/lib/firmware",
        );
        return;
    };
    let f = std::fs::read(dir.join("nvidia/ga102/gsp/gsp-570.144.bin")).expect("read");
    let (off, size) = elf_section(&f, ".fwimage").expect(".fwimage");
    let img = &f[off..off + size];
    let pages = size.div_ceil(0x1000);
    let l2_pages = pages.div_ceil(512);
    let base = 0x1_0000_0000u64;
    let len = ((pages + l2_pages + 2) * 0x1000) as u64;
    let trace = nvsim::trace::Trace::memory(false);
    let dma = nvsim::dma::DmaSpace::new(trace);
    // SAFETY: creates a new anonymous memory file; checked below.
    let fd = unsafe { libc::memfd_create(c"guest-ram".as_ptr(), 0) };
    assert!(fd >= 0);
    // SAFETY: `fd` is a fresh descriptor owned by nobody else.
    let ram = std::fs::File::from(unsafe {
        <std::os::fd::OwnedFd as std::os::fd::FromRawFd>::from_raw_fd(fd)
    });
    ram.set_len(len).expect("size");
    dma.map(true, 0, base, len, Some(ram)).expect("map");
    let data = base;
    let l2 = base + (pages as u64) * 0x1000;
    let l1 = l2 + (l2_pages as u64) * 0x1000;
    let l0 = l1 + 0x1000;
    dma.write(data, img).expect("image");
    for i in 0..pages as u64 {
        dma.write(l2 + 8 * i, &(data + i * 0x1000).to_le_bytes())
            .expect("l2");
    }
    for i in 0..l2_pages as u64 {
        dma.write(l1 + 8 * i, &(l2 + i * 0x1000).to_le_bytes())
            .expect("l1");
    }
    dma.write(l0, &l1.to_le_bytes()).expect("l0");
    let mut files = GspFiles::new(&dir, "ga102");
    let ok = files.verify_image(&dma, l0, size as u64).expect("verifies");
    assert!(ok.contains("GSP-RM image verified"), "{ok}");
    let mut n = 0;
    walk_radix3(&dma, l0, size as u64, |_, _, _| {
        n += 1;
        Ok(())
    })
    .expect("walk");
    assert_eq!(n, pages);
    dma.write(data + 0x1234, &[img[0x1234] ^ 1]).expect("poke");
    let e = files
        .verify_image(&dma, l0, size as u64)
        .expect_err("differs");
    assert!(e.contains("at offset 0x1234"), "{e}");
    let _ = RAM;
}
