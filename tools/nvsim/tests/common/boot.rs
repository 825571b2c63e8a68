//! A GSP boot driven as nova-core drives it (`gsp/boot.rs`,
//! `gsp/hal/tu102.rs`, `gsp/cmdq.rs`, `gsp/sequencer.rs`), with synthetic
//! booter, GSP-RM and bootloader files: the firmware directory, the WPR
//! metadata, the radix3 tables, the libos arguments, the shared-memory
//! queues and the RPCs. Written from the protocol facts, independently of
//! nvsim's model.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::rig::{fwsec_frts, fwsec_frts_turing, Rig, FB_END_24G, FRTS_24G, GSP, RAM, SEC2};
use nvsim::booter::gsp::make_elf;
use nvsim::booter::image::make_file;
use nvsim::chip::Arch;

pub const OS_CODE: (u32, u32) = (0, 0x100);
pub const APP0: (u32, u32) = (0x100, 0x200);
pub const OS_DATA: (u32, u32) = (0x300, 0x200);
pub const SIG_LOC: u32 = 0x340;
pub const SIG_LEN: usize = 0x20;
pub const UCODE_ID: u32 = 3;
/// Where the booter image and the WPR metadata go.
pub const IMAGE: u64 = RAM + 0x4000;
pub const META: u64 = RAM + 0x8000;
/// The synthetic GSP-RM image: 3 pages and a bit.
pub const GSP_SIZE: usize = 0x3123;
pub const GSP_DATA: u64 = RAM + 0x2_0000;
pub const L2: u64 = RAM + 0x2_8000;
pub const L1: u64 = RAM + 0x2_9000;
pub const L0: u64 = RAM + 0x2_a000;
pub const BL: u64 = RAM + 0x2_b000;
pub const BL_SIZE: usize = 0x300;
pub const LIBOS: u64 = RAM + 0x4_0000;
pub const RMARGS: u64 = RAM + 0x4_2000;
/// The libos log buffers (LOGINIT, LOGINTR, LOGRM) and their sizes.
pub const LOGINIT: u64 = RAM + 0x4_1000;
pub const LOGINIT_SIZE: u64 = 0x1000;
pub const LOGINTR: u64 = RAM + 0x4_3000;
pub const LOGINTR_SIZE: u64 = 0x1000;
pub const LOGRM: u64 = RAM + 0x4_4000;
pub const LOGRM_SIZE: u64 = 0x2000;
pub const SHM: u64 = RAM + 0x5_0000;
/// Shared memory: PTE page, command queue (header page + 0x3f entries),
/// status queue (the same).
pub const NUM_PTES: u32 = 0x81;
pub const CMDQ: u64 = 0x1000;
pub const STATQ: u64 = 0x4_1000;
pub const COUNT: u32 = 0x3f;
pub const QUEUE_HEAD: u32 = 0x0011_0c00;

pub fn image(tag: u8) -> Vec<u8> {
    (0..0x500u32).map(|i| (i as u8) ^ tag).collect()
}

pub fn sigs(tag: u8) -> Vec<Vec<u8>> {
    (0..2u8).map(|i| vec![tag + i; SIG_LEN]).collect()
}

pub fn gsp_image() -> Vec<u8> {
    (0..GSP_SIZE as u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect()
}

pub fn bootloader_blob() -> Vec<u8> {
    (0..BL_SIZE as u32).map(|i| (i * 3 + 1) as u8).collect()
}

/// A firmware directory with synthetic booter_load/unload, GSP-RM and
/// bootloader files for `chip`.
pub fn fw_dir(chip: &str) -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "nvsim-boot-{}-{chip}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let gsp = dir.join("nvidia").join(chip).join("gsp");
    std::fs::create_dir_all(&gsp).expect("dir");
    for (name, tag) in [("booter_load", 0x10u8), ("booter_unload", 0x20)] {
        let f = make_file(
            &image(tag),
            &sigs(tag),
            SIG_LOC,
            [2, 1, UCODE_ID],
            OS_CODE,
            OS_DATA,
            APP0,
        );
        std::fs::write(gsp.join(format!("{name}-570.144.bin")), f).expect("write");
    }
    std::fs::write(gsp.join("gsp-570.144.bin"), make_elf(&gsp_image())).expect("gsp");
    let blob = bootloader_blob();
    let mut bl = Vec::new();
    for v in [
        0x10de_u32,
        1,
        0x18 + BL_SIZE as u32,
        0,
        0x18,
        BL_SIZE as u32,
    ] {
        bl.extend_from_slice(&v.to_le_bytes());
    }
    bl.extend_from_slice(&blob);
    std::fs::write(gsp.join("bootloader-570.144.bin"), bl).expect("bl");
    if nvsim::chip::Chip::by_name(chip).is_some_and(|c| c.arch == Arch::Turing) {
        // Turing's FWSEC comes with the generic bootloader (nova-core
        // `FwsecFirmwareWithBl`): a synthetic one.
        std::fs::write(
            gsp.join("gen_bootloader-570.144.bin"),
            nvsim::gbl::make_file(&gbl_code(), GBL_TAG),
        )
        .expect("gen_bootloader");
    }
    dir
}

/// The synthetic generic bootloader's code (0x200 bytes).
pub fn gbl_code() -> Vec<u8> {
    (0..0x200u32).map(|i| (i * 13 + 5) as u8).collect()
}

/// Its start tag: loaded as non-secure IMEM ending at 64 KiB, 0x200 bytes
/// start at tag 0xfd.
pub const GBL_TAG: u32 = 0xfd;

/// Loads the booter with tag `tag` as nova-core does on GA102+ (DMA,
/// signature `sig`, BROM at `paraaddr`) and boots it with `mbox`.
pub fn run_booter(
    r: &mut Rig,
    tag: u8,
    sig: usize,
    paraaddr: u32,
    mbox: (u32, u32),
) -> (bool, u32) {
    let mut img = image(tag);
    let at = SIG_LOC as usize;
    img[at..at + SIG_LEN].copy_from_slice(&sigs(tag)[sig]);
    r.gpu.dma.write(IMAGE, &img).expect("image");
    r.reset_falcon(SEC2, false);
    r.update(SEC2 + 0x624, |v| v | 0x80);
    r.wr(SEC2 + 0x10c, 0);
    r.update(SEC2 + 0x600, |v| v | 0x5);
    r.wr(SEC2 + 0x110, (IMAGE >> 8) as u32);
    for pos in (0..APP0.1).step_by(256) {
        r.wr(SEC2 + 0x114, pos);
        r.wr(SEC2 + 0x11c, APP0.0 + pos);
        r.wr(SEC2 + 0x118, (6 << 8) | (1 << 4) | (1 << 2));
    }
    r.wr(SEC2 + 0x110, ((IMAGE + u64::from(OS_DATA.0)) >> 8) as u32);
    for pos in (0..OS_DATA.1).step_by(256) {
        r.wr(SEC2 + 0x114, pos);
        r.wr(SEC2 + 0x11c, pos);
        r.wr(SEC2 + 0x118, 6 << 8);
    }
    r.program_brom(SEC2, paraaddr, 0x1, UCODE_ID);
    r.wr(SEC2 + 0x104, APP0.0);
    let halted = r.boot(SEC2, mbox.0, mbox.1);
    (halted, r.rd(SEC2 + 0x40))
}

/// Loads the booter with tag `tag` as nova-core does on Turing (PIO: the
/// OS code non-secure at its offset, the application secure, the OS data
/// with the last signature at DMEM 0; no BROM registers), boots it at the
/// OS code with `mbox`.
pub fn run_booter_pio(r: &mut Rig, tag: u8, mbox: (u32, u32)) -> (bool, u32) {
    let mut img = image(tag);
    let at = SIG_LOC as usize;
    img[at..at + SIG_LEN].copy_from_slice(&sigs(tag)[1]);
    r.reset_falcon(SEC2, true);
    r.update(SEC2 + 0x624, |v| v | 0x80);
    r.wr(SEC2 + 0x10c, 0);
    for ((off, size), secure) in [(OS_CODE, false), (APP0, true)] {
        r.wr(SEC2 + 0x180, (u32::from(secure) << 28) | (1 << 24) | off);
        let part = &img[off as usize..(off + size) as usize];
        for (n, block) in part.chunks(256).enumerate() {
            r.wr(SEC2 + 0x188, (off >> 8) + n as u32);
            for w in block.chunks(4) {
                r.wr(SEC2 + 0x184, u32::from_le_bytes([w[0], w[1], w[2], w[3]]));
            }
        }
    }
    r.wr(SEC2 + 0x1c0, 1 << 24);
    let data = &img[OS_DATA.0 as usize..(OS_DATA.0 + OS_DATA.1) as usize];
    for w in data.chunks(4) {
        r.wr(SEC2 + 0x1c4, u32::from_le_bytes([w[0], w[1], w[2], w[3]]));
    }
    r.wr(SEC2 + 0x104, OS_CODE.0);
    let halted = r.boot(SEC2, mbox.0, mbox.1);
    (halted, r.rd(SEC2 + 0x40))
}

/// The signature offset the booter tests use.
pub fn sig_at() -> u32 {
    SIG_LOC - OS_DATA.0
}

/// gspFwRsvdStart of [`write_meta`]'s layout.
pub const RSVD_START: u64 = 0x5_f360_0000;

/// A `GspFwWprMeta` laid out as nova-core does for a 24 GiB board (usable
/// framebuffer [`FB_END_24G`]), with
/// the radix3 image and the bootloader written by [`write_gsp`].
pub fn write_meta(r: &mut Rig, magic: u64) {
    write_meta_below(r, magic, FB_END_24G);
}

/// The same layout moved to end at the usable framebuffer end `fb_end`
/// (every framebuffer offset as far below it as on the 24 GiB board).
pub fn write_meta_below(r: &mut Rig, magic: u64, fb_end: u64) {
    let down = FB_END_24G - fb_end;
    let mut m = vec![0u8; 0x100];
    let mut q = |o: usize, v: u64| {
        let v = if (0x58..=0xb0).contains(&o) && ![0x68, 0x80, 0xa0].contains(&o) {
            v - down
        } else {
            v
        };
        m[o..o + 8].copy_from_slice(&v.to_le_bytes());
    };
    q(0x00, magic);
    q(0x08, 1);
    q(0x10, L0);
    q(0x18, GSP_SIZE as u64);
    q(0x20, BL);
    q(0x28, BL_SIZE as u64);
    q(0x30, 0);
    q(0x38, 0x100);
    q(0x40, 0x200);
    q(0x58, RSVD_START);
    q(0x60, RSVD_START);
    q(0x68, 0x10_0000);
    q(0x70, 0x5_f370_0000);
    q(0x78, 0x5_f380_0000);
    q(0x80, 0x810_0000);
    q(0x88, 0x5_fb96_0000);
    q(0x90, 0x5_ff5f_a000);
    q(0x98, FRTS_24G);
    q(0xa0, 0x10_0000);
    q(0xa8, FRTS_24G + 0x10_0000);
    q(0xb0, FB_END_24G);
    r.gpu.dma.write(META, &m).expect("meta");
}

fn put64(r: &mut Rig, at: u64, v: u64) {
    r.gpu.dma.write(at, &v.to_le_bytes()).expect("dma");
}

/// The GSP-RM image through radix3 tables (data pages in reverse order,
/// so that a walk that assumes contiguity fails) and the bootloader.
pub fn write_gsp(r: &mut Rig) {
    let img = gsp_image();
    let pages = GSP_SIZE.div_ceil(0x1000);
    for (i, chunk) in img.chunks(0x1000).enumerate() {
        let at = GSP_DATA + ((pages - 1 - i) as u64) * 0x1000;
        r.gpu.dma.write(at, chunk).expect("page");
        put64(r, L2 + 8 * i as u64, at);
    }
    put64(r, L1, L2);
    put64(r, L0, L1);
    r.gpu.dma.write(BL, &bootloader_blob()).expect("bl");
}

/// The libos arguments, RMARGS and the shared memory, as nova-core's
/// `Gsp::new` and `Cmdq::new` lay them out.
pub fn write_libos(r: &mut Rig) {
    fn id8(name: &str) -> u64 {
        let mut b = [0u8; 8];
        for (d, c) in b.iter_mut().zip(name.bytes().rev()) {
            *d = c;
        }
        u64::from_le_bytes(b)
    }
    r.gpu.dma.write(LIBOS, &[0u8; 0x1000]).expect("libos");
    for (i, (name, pa, size)) in [
        ("LOGINIT", LOGINIT, LOGINIT_SIZE),
        ("LOGINTR", LOGINTR, LOGINTR_SIZE),
        ("LOGRM", LOGRM, LOGRM_SIZE),
        ("RMARGS", RMARGS, 0x1000),
    ]
    .into_iter()
    .enumerate()
    {
        let e = LIBOS + 0x20 * i as u64;
        put64(r, e, id8(name));
        put64(r, e + 8, pa);
        put64(r, e + 16, size);
        r.gpu.dma.write(e + 24, &[1, 1]).expect("kind");
        if name != "RMARGS" {
            // A log buffer: zeroed, the put pointer, then the bus address
            // of each page (nouveau `create_pte_array`, nova-core
            // `LogBuffer::new`).
            r.gpu.dma.write(pa, &vec![0u8; size as usize]).expect("log");
            for p in 0..size / 0x1000 {
                put64(r, pa + 8 + 8 * p, pa + 0x1000 * p);
            }
        }
    }
    r.gpu.dma.write(RMARGS, &[0u8; 0x1000]).expect("args");
    put64(r, RMARGS, SHM);
    r.gpu
        .dma
        .write(RMARGS + 8, &NUM_PTES.to_le_bytes())
        .expect("ptes");
    put64(r, RMARGS + 0x10, CMDQ);
    put64(r, RMARGS + 0x18, STATQ);
    r.gpu.dma.write(RMARGS + 0x30, &[1]).expect("dmem stack");
    r.gpu
        .dma
        .write(SHM, &vec![0u8; NUM_PTES as usize * 0x1000])
        .expect("shm");
    for i in 0..u64::from(NUM_PTES) {
        put64(r, SHM + 8 * i, SHM + i * 0x1000);
    }
    let tx = [0u32, 0x4_0000, 0x1000, COUNT, 0, 1, 0x20, 0x1000];
    for (i, v) in tx.into_iter().enumerate() {
        r.gpu
            .dma
            .write(SHM + CMDQ + 4 * i as u64, &v.to_le_bytes())
            .expect("tx");
    }
}

/// Everything up to and including booter_load on a GA102-class chip:
/// FWSEC-FRTS, the GSP reset with the libos address in its mailboxes,
/// booter_load (on Turing [`turing_boot_to_booter_load`]). Returns SEC2's
/// (halted, MAILBOX0).
pub fn boot_to_booter_load(r: &mut Rig) -> (bool, u32) {
    if r.gpu.chip().arch == Arch::Turing {
        return turing_boot_to_booter_load(r);
    }
    let stamp = match r.gpu.chip().name {
        "ad102" => 0x192,
        _ => 0x172,
    };
    assert_eq!(fwsec_frts(r, stamp, FRTS_24G), (true, 0), "FWSEC-FRTS");
    write_meta(r, 0xdc3a_ae21_371a_60b3);
    write_gsp(r);
    write_libos(r);
    r.reset_falcon(GSP, false);
    r.wr(GSP + 0x40, LIBOS as u32);
    r.wr(GSP + 0x44, (LIBOS >> 32) as u32);
    run_booter(r, 0x10, 1, sig_at(), (META as u32, (META >> 32) as u32))
}

/// The same on Turing, as nova-core does it there: FWSEC-FRTS through the
/// generic bootloader (`fwsec_frts_turing`) for the FRTS region 2 MiB
/// below the usable framebuffer's end, the WPR metadata laid out below
/// that end, the GSP reset (Turing's scrub wait) with the libos address in
/// its mailboxes, booter_load by PIO.
pub fn turing_boot_to_booter_load(r: &mut Rig) -> (bool, u32) {
    let fb_end = r.gpu.fb_end();
    let frts = fb_end - 0x20_0000;
    // TU102's FWSEC build stamp, as its VBIOS has it.
    assert_eq!(
        fwsec_frts_turing(r, 0x162, frts, &gbl_code(), GBL_TAG),
        (true, 0),
        "FWSEC-FRTS: {:?}",
        r.trace.lines()
    );
    write_meta_below(r, 0xdc3a_ae21_371a_60b3, fb_end);
    write_gsp(r);
    write_libos(r);
    r.reset_falcon(GSP, true);
    r.wr(GSP + 0x40, LIBOS as u32);
    r.wr(GSP + 0x44, (LIBOS >> 32) as u32);
    run_booter_pio(r, 0x10, (META as u32, (META >> 32) as u32))
}

/// RISC-V active: RISCV_CPUCTL bit 7 on GA102+, on Turing
/// RISCV_CORE_SWITCH_RISCV_STATUS (0x1240) bit 0 (nova-core
/// `falcon/hal/tu102.rs` `is_riscv_active`).
pub fn riscv_active(r: &mut Rig) -> bool {
    if r.gpu.chip().arch == Arch::Turing {
        r.rd(GSP + 0x1240) & 1 != 0
    } else {
        r.rd(GSP + 0x1388) & 0x80 != 0
    }
}

/// The driver's side of the queues.
pub struct Driver {
    /// seqNum of the next command.
    pub seq: u32,
    /// Every message received: (function, message length with the
    /// element and RPC headers).
    pub seen: Vec<(u32, usize)>,
}

fn rd32(r: &Rig, off: u64) -> u32 {
    let mut b = [0u8; 4];
    r.gpu.dma.read(SHM + off, &mut b).expect("shm read");
    u32::from_le_bytes(b)
}

fn wr32(r: &Rig, off: u64, v: u32) {
    r.gpu
        .dma
        .write(SHM + off, &v.to_le_bytes())
        .expect("shm write");
}

/// nova-core's checksum: bytes rotated into a u64 by position, XORed,
/// folded.
pub fn checksum(b: &[u8]) -> u32 {
    let mut s = 0u64;
    for (i, x) in b.iter().enumerate() {
        s ^= u64::from(*x).rotate_left(((i % 8) * 8) as u32);
    }
    ((s >> 32) as u32) ^ (s as u32)
}

/// A received message: (function, rpc_result, seqNum, payload).
pub type Msg = (u32, u32, u32, Vec<u8>);

impl Driver {
    pub fn new() -> Self {
        Self {
            seq: 0,
            seen: Vec::new(),
        }
    }

    fn entry(base: u64, i: u32) -> u64 {
        base + 0x1000 + u64::from(i % COUNT) * 0x1000
    }

    /// Writes a command (optionally with a broken checksum) and rings the
    /// doorbell.
    pub fn send_raw(&mut self, r: &mut Rig, function: u32, payload: &[u8], corrupt: bool) {
        let len = 0x50 + payload.len();
        let mut m = vec![0u8; len];
        let elems = len.div_ceil(0x1000) as u32;
        m[0x24..0x28].copy_from_slice(&self.seq.to_le_bytes());
        m[0x28..0x2c].copy_from_slice(&elems.to_le_bytes());
        for (i, v) in [
            0x0300_0000u32,
            0x4350_5256,
            (0x20 + payload.len()) as u32,
            function,
            0xffff_ffff,
            0xffff_ffff,
            0,
            0,
        ]
        .into_iter()
        .enumerate()
        {
            m[0x30 + 4 * i..0x34 + 4 * i].copy_from_slice(&v.to_le_bytes());
        }
        m[0x50..].copy_from_slice(payload);
        let sum = checksum(&m) ^ u32::from(corrupt);
        m[0x20..0x24].copy_from_slice(&sum.to_le_bytes());
        let w = rd32(r, CMDQ + 0x10);
        for (i, chunk) in m.chunks(0x1000).enumerate() {
            let at = Self::entry(CMDQ, w + i as u32);
            r.gpu.dma.write(SHM + at, chunk).expect("entry");
        }
        wr32(r, CMDQ + 0x10, (w + elems) % COUNT);
        self.seq += 1;
        r.wr(QUEUE_HEAD, 0);
    }

    pub fn send(&mut self, r: &mut Rig, function: u32, payload: &[u8]) {
        self.send_raw(r, function, payload, false);
    }

    /// Reads the next message of the status queue, if any; checks its
    /// checksum (`Err` with the message if it is wrong).
    pub fn recv(&mut self, r: &mut Rig) -> Option<Result<Msg, Msg>> {
        let w = rd32(r, STATQ + 0x10);
        let rp = rd32(r, CMDQ + 0x20);
        if w == rp {
            return None;
        }
        let mut first = vec![0u8; 0x50];
        r.gpu
            .dma
            .read(SHM + Self::entry(STATQ, rp), &mut first)
            .expect("read");
        let g = |b: &[u8], o: usize| u32::from_le_bytes([b[o], b[o + 1], b[o + 2], b[o + 3]]);
        let len = 0x30 + g(&first, 0x38) as usize;
        let elems = len.div_ceil(0x1000) as u32;
        assert_eq!(g(&first, 0x28), elems, "elemCount");
        assert_eq!(g(&first, 0x34), 0x4350_5256, "signature");
        let mut m = vec![0u8; len];
        for (i, chunk) in m.chunks_mut(0x1000).enumerate() {
            r.gpu
                .dma
                .read(SHM + Self::entry(STATQ, rp + i as u32), chunk)
                .expect("read");
        }
        wr32(r, CMDQ + 0x20, (rp + elems) % COUNT);
        self.seen.push((g(&m, 0x3c), len));
        let msg = (g(&m, 0x3c), g(&m, 0x40), g(&m, 0x24), m[0x50..].to_vec());
        Some(if checksum(&m) == 0 { Ok(msg) } else { Err(msg) })
    }

    /// Receives until a message of `function` arrives; returns it.
    pub fn wait(&mut self, r: &mut Rig, function: u32) -> Option<Msg> {
        while let Some(m) = self.recv(r) {
            let m = m.expect("checksum");
            if m.0 == function {
                return Some(m);
            }
        }
        None
    }

    /// The same, polling the status queue for up to `timeout` (as a
    /// driver does when GSP-RM takes time).
    pub fn wait_for(&mut self, r: &mut Rig, function: u32, timeout: Duration) -> Option<Msg> {
        let end = Instant::now() + timeout;
        loop {
            if let Some(m) = self.wait(r, function) {
                return Some(m);
            }
            if Instant::now() >= end {
                return None;
            }
            std::thread::sleep(Duration::from_micros(200));
        }
    }

    /// GSP_SET_SYSTEM_INFO and SET_REGISTRY as nova-core sends them.
    pub fn init_commands(&mut self, r: &mut Rig) {
        let mut si = vec![0u8; 0x3a0];
        let mut q = |o: usize, v: u64| si[o..o + 8].copy_from_slice(&v.to_le_bytes());
        q(0x00, 0xfd00_0000);
        q(0x08, 0xe000_0000);
        q(0x10, 0xf000_0000);
        q(0x48, (1 << 47) - 4096);
        let mut d = |o: usize, v: u32| si[o..o + 4].copy_from_slice(&v.to_le_bytes());
        // The PCI config mirror: 0x88000, 0x92000 on Hopper and Blackwell
        // (nova-core `gpu/hal/gh100.rs`).
        let chip = r.gpu.chip();
        d(
            0x50,
            if chip.arch.has_fsp() {
                0x92000
            } else {
                0x88000
            },
        );
        d(0x54, 0x1000);
        d(0x58, (u32::from(chip.device_id) << 16) | 0x10de);
        d(
            0x5c,
            (u32::from(chip.subsystem_id) << 16) | u32::from(chip.subsystem_vendor_id),
        );
        d(0x60, 0xa1);
        self.send(r, 72, &si);
        let name = b"RMSecBusResetEnable\0";
        let mut t = vec![0u8; 8 + 0x10];
        t[8..12].copy_from_slice(&0x18u32.to_le_bytes());
        t[12] = 1;
        t[16..20].copy_from_slice(&1u32.to_le_bytes());
        t.extend_from_slice(name);
        let size = t.len() as u32;
        t[0..4].copy_from_slice(&size.to_le_bytes());
        t[4..8].copy_from_slice(&1u32.to_le_bytes());
        self.send(r, 73, &t);
    }

    /// Runs the CPU sequencer payload as nova-core's `GspSequencer` does;
    /// returns the opcodes it ran, in order.
    pub fn run_sequencer(&mut self, r: &mut Rig, p: &[u8]) -> Vec<u32> {
        let g = |o: usize| u32::from_le_bytes([p[o], p[o + 1], p[o + 2], p[o + 3]]);
        let dwords = g(4) as usize;
        let turing = r.gpu.chip().name == "tu102";
        let mut ran = Vec::new();
        let mut saved = [0u32; 8];
        let mut i = 0;
        while i < dwords {
            let at = |k: usize| g(0x28 + 4 * (i + k));
            ran.push(at(0));
            match at(0) {
                0 => {
                    r.wr(at(1), at(2));
                    i += 3;
                }
                1 => {
                    let v = r.rd(at(1));
                    r.wr(at(1), (v & !at(2)) | at(3));
                    i += 4;
                }
                2 => {
                    let (addr, mask, val) = (at(1), at(2), at(3));
                    let us = if at(4) == 0 { 4_000_000 } else { at(4) };
                    let end = Instant::now() + Duration::from_micros(u64::from(us));
                    while r.rd(addr) & mask != val {
                        assert!(Instant::now() < end, "REG_POLL {addr:#x} timed out");
                    }
                    i += 6;
                }
                3 => {
                    std::thread::sleep(Duration::from_micros(u64::from(at(1))));
                    i += 2;
                }
                4 => {
                    saved[at(2) as usize] = r.rd(at(1));
                    i += 3;
                }
                5 => {
                    // CORE_RESET: falcon reset, then the DMA setup.
                    r.reset_falcon(GSP, turing);
                    r.update(GSP + 0x624, |v| v | 0x80);
                    r.wr(GSP + 0x10c, 0);
                    i += 1;
                }
                6 => {
                    r.wr(GSP + 0x100, 0x2);
                    i += 1;
                }
                7 => {
                    let end = Instant::now() + Duration::from_secs(2);
                    while r.rd(GSP + 0x100) & 0x10 == 0 {
                        assert!(Instant::now() < end, "CORE_WAIT_FOR_HALT timed out");
                    }
                    i += 1;
                }
                8 => {
                    r.reset_falcon(GSP, turing);
                    r.wr(GSP + 0x40, LIBOS as u32);
                    r.wr(GSP + 0x44, (LIBOS >> 32) as u32);
                    r.wr(SEC2 + 0x100, 0x2);
                    assert_ne!(r.rd(0x11_80f8) & (1 << 26), 0, "reload completed");
                    assert_eq!(r.rd(SEC2 + 0x40), 0, "SEC2 MAILBOX0");
                    i += 1;
                }
                op => panic!("unexpected sequencer opcode {op}"),
            }
        }
        let _ = saved;
        ran
    }

    /// The boot conversation up to GSP_INIT_DONE; returns whether it came.
    pub fn boot_rpcs(&mut self, r: &mut Rig) -> bool {
        self.init_commands(r);
        let Some(seq) = self.wait(r, 0x1002) else {
            panic!("no RUN_CPU_SEQUENCER: {:?}", r.trace.lines());
        };
        self.run_sequencer(r, &seq.3);
        assert!(riscv_active(r), "RISC-V active after CORE_RESUME");
        self.wait(r, 0x1001).is_some()
    }
}
