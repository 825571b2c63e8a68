//! An FSP boot driven as nova-core (Linux 7.3) drives it on Hopper and
//! Blackwell (`docs/fsp-facts.md`: nova-core `fsp.rs`, `falcon/fsp.rs`,
//! `gsp/hal/gh100.rs`, `gsp/boot.rs`), with the real FMC and bootloader
//! files of the build root and a synthetic GSP-RM image: the boot-complete
//! scratch, the COT through the FSP's EMEM queue, the lockdown wait, the
//! RISC-V core, the RPCs, the unload. Written from the facts, independently
//! of nvsim's model (its own ELF32 reader, its own message layouts).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::boot::*;
use super::gsp::{cleanup, get, put, put64};
use super::rig::{Rig, GSP};
use nvsim::booter::gsp::make_elf_with;
use nvsim::chip::{Arch, Chip};
use nvsim::fault::{Fault, Faults};
use nvsim::timing::Timing;

pub const FSP: u32 = 0x008f_2000;
pub const EMEMC: u32 = FSP + 0xac0;
pub const EMEMD: u32 = FSP + 0xac4;
pub const FSP_QUEUE_HEAD: u32 = FSP + 0xc00;
pub const FSP_QUEUE_TAIL: u32 = FSP + 0xc04;
pub const MSGQ_HEAD: u32 = FSP + 0xc80;
pub const MSGQ_TAIL: u32 = FSP + 0xc84;
pub const HWCFG2: u32 = GSP + 0xf4;
pub const LOCKDOWN: u32 = 1 << 13;
pub const RISCV_CPUCTL: u32 = GSP + 0x1388;

/// A second window of guest memory for the FMC image, the bootloader,
/// GSP-RM's signature, the WPR metadata and the boot parameters.
pub const RAM2: u64 = 0x8000_0000;
pub const RAM2_SIZE: u64 = 0x40_0000;
pub const FMC_IMG: u64 = RAM2;
pub const BL2: u64 = RAM2 + 0x4_0000;
pub const SIG: u64 = RAM2 + 0x8_0000;
pub const META2: u64 = RAM2 + 0x8_1000;
pub const PARAMS: u64 = RAM2 + 0x8_2000;
pub const GSP_SIG_LEN: usize = 0x1000;

/// The firmware directory of the build root holding `chip`'s FMC file:
/// NOVA_FW_DIR (the `nvidia` directory, as `make test` sets it, or its
/// parent), /usr/lib/firmware, or the build root under $NOVA_CACHE
/// (default ~/.cache/nova) as `scripts/common.sh` names it.
pub fn real_fw(chip: &str) -> Option<PathBuf> {
    let env = PathBuf::from(std::env::var("NOVA_FW_DIR").unwrap_or_default());
    let cache = std::env::var("NOVA_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".cache/nova")
        });
    [
        env.parent().map(PathBuf::from).unwrap_or_default(),
        env,
        PathBuf::from("/usr/lib/firmware"),
        cache.join("rootfs/usr/lib/firmware"),
    ]
    .into_iter()
    .find(|d| {
        d.join(format!("nvidia/{chip}/gsp/fmc-570.144.bin"))
            .exists()
            && d.join(format!("nvidia/{chip}/gsp/bootloader-570.144.bin"))
                .exists()
    })
}

/// File offset and size of section `name` of the ELF32 file `f` (System V
/// gABI: e_shoff 0x20, e_shentsize 0x2e, e_shnum 0x30, e_shstrndx 0x32;
/// sh_name 0, sh_offset 0x10, sh_size 0x14).
fn elf32(f: &[u8], name: &str) -> (usize, usize) {
    let u16at = |o: usize| usize::from(u16::from_le_bytes([f[o], f[o + 1]]));
    let u32at = |o: usize| get(f, o) as usize;
    let (shoff, entsize, num, strndx) = (u32at(0x20), u16at(0x2e), u16at(0x30), u16at(0x32));
    let strtab = u32at(shoff + strndx * entsize + 0x10);
    for i in 0..num {
        let h = shoff + i * entsize;
        let n = strtab + u32at(h);
        let end = n + f[n..].iter().position(|b| *b == 0).expect("NUL");
        if &f[n..end] == name.as_bytes() {
            return (u32at(h + 0x10), u32at(h + 0x14));
        }
    }
    panic!("no section {name}");
}

/// The signature section of GSP-RM's ELF for `chip`.
pub fn sig_section(arch: Arch) -> &'static str {
    match arch {
        Arch::Hopper => ".fwsignature_gh100",
        Arch::BlackwellGb10x => ".fwsignature_gb10x",
        _ => ".fwsignature_gb20x",
    }
}

/// GSP-RM's synthetic signature.
pub fn gsp_sig() -> Vec<u8> {
    (0..GSP_SIG_LEN as u32)
        .map(|i| (i * 13 + 5) as u8)
        .collect()
}

/// What a driver loads: the FMC file's sections, the bootloader's payload
/// and offsets, in a firmware directory of their own.
pub struct Files {
    pub chip: &'static Chip,
    pub dir: PathBuf,
    pub hash: Vec<u8>,
    pub key: Vec<u8>,
    pub sig: Vec<u8>,
    pub image: Vec<u8>,
    pub bl: Vec<u8>,
    /// monitorCodeOffset, monitorDataOffset, manifestOffset.
    pub bl_offsets: [u64; 3],
}

impl Files {
    /// `chip`'s real FMC and bootloader files copied into a temporary
    /// firmware directory with a synthetic GSP-RM image (`.fwimage` and
    /// the chip's `.fwsignature_*`); `None` if the build root's firmware
    /// is not at hand.
    pub fn new(chip: &str) -> Option<Files> {
        let real = real_fw(chip)?;
        let c = Chip::by_name(chip).expect("chip");
        let dir = fw_dir(chip);
        let gsp = dir.join("nvidia").join(chip).join("gsp");
        for f in ["fmc-570.144.bin", "bootloader-570.144.bin"] {
            std::fs::copy(
                real.join("nvidia").join(chip).join("gsp").join(f),
                gsp.join(f),
            )
            .expect("copy");
        }
        let elf = make_elf_with(&[
            (".fwimage", &gsp_image()),
            (sig_section(c.arch), &gsp_sig()),
        ]);
        std::fs::write(gsp.join("gsp-570.144.bin"), elf).expect("gsp");
        Some(Self::read(c, dir))
    }

    /// The files of `chip` in `dir`.
    pub fn read(chip: &'static Chip, dir: PathBuf) -> Files {
        let gsp = dir.join("nvidia").join(chip.name).join("gsp");
        let f = std::fs::read(gsp.join("fmc-570.144.bin")).expect("fmc");
        let part = |n: &str| {
            let (o, s) = elf32(&f, n);
            f[o..o + s].to_vec()
        };
        // nvfw_bin_hdr: header (descriptor) offset at 0x0c, data offset
        // and size at 0x10/0x14; RM_RISCV_UCODE_DESC: manifestOffset
        // 0x20, monitorDataOffset 0x28, monitorCodeOffset 0x30.
        let b = std::fs::read(gsp.join("bootloader-570.144.bin")).expect("bootloader");
        let (desc, off, len) = (get(&b, 0xc) as usize, get(&b, 0x10) as usize, get(&b, 0x14));
        let d = |o: usize| u64::from(get(&b, desc + o));
        Files {
            chip,
            hash: part("hash"),
            key: part("publickey"),
            sig: part("signature"),
            image: part("image"),
            bl: b[off..off + len as usize].to_vec(),
            bl_offsets: [d(0x30), d(0x28), d(0x20)],
            dir,
        }
    }

    pub fn arch(&self) -> Arch {
        self.chip.arch
    }

    /// The boot-complete scratch, NV_THERM_I2CS_SCRATCH.
    pub fn status_reg(&self) -> u32 {
        if self.arch() == Arch::BlackwellGb20x {
            0x00ad_00bc
        } else {
            0x0002_00bc
        }
    }

    pub fn cot_version(&self) -> u16 {
        if self.arch() == Arch::Hopper {
            1
        } else {
            2
        }
    }

    pub fn frts_offset(&self) -> u64 {
        if self.arch() == Arch::Hopper {
            0x20_0000
        } else {
            0x1c0_0000
        }
    }

    pub fn pmu_reserved(&self) -> u32 {
        if self.arch() == Arch::Hopper {
            0
        } else {
            0x182_0000
        }
    }

    pub fn non_wpr_heap(&self) -> u64 {
        if self.arch() == Arch::BlackwellGb20x {
            0x22_0000
        } else {
            0x20_0000
        }
    }

    pub fn done(self) {
        cleanup(&self.dir);
    }
}

/// Maps [`RAM2`] (a fresh anonymous memory file) for DMA.
pub fn map_ram2(r: &mut Rig) {
    use std::os::fd::{FromRawFd, OwnedFd};
    // SAFETY: creates a new anonymous memory file; checked below.
    let fd = unsafe { libc::memfd_create(c"guest-ram2".as_ptr(), 0) };
    assert!(fd >= 0);
    // SAFETY: `fd` is a fresh descriptor owned by nobody else.
    let ram = std::fs::File::from(unsafe { OwnedFd::from_raw_fd(fd) });
    ram.set_len(RAM2_SIZE).expect("size");
    r.gpu
        .dma
        .map(true, 0, RAM2, RAM2_SIZE, Some(ram))
        .expect("map");
}

/// A GPU for `f` with `faults` (each for `boots` boots).
pub fn rig(f: &Files, faults: &[&str], boots: u32) -> Rig {
    let faults = faults
        .iter()
        .map(|s| Fault::parse(s).expect("fault"))
        .collect();
    let mut r = Rig::with_faults(f.chip.name, &f.dir, Faults::new(faults, boots));
    map_ram2(&mut r);
    r
}

/// A GPU for `f` whose steps take the time `timing` gives them.
pub fn rig_timing(f: &Files, timing: Timing) -> Rig {
    let mut r = Rig::with_timing(f.chip.name, &f.dir, timing);
    map_ram2(&mut r);
    r
}

/// nova-core's WPR heap size (LIBOS3: OS 22 MiB, GH100's base RM 14 MiB,
/// client allocations 96 MiB and 96 KiB per GiB of framebuffer rounded up
/// to 1 MiB; nova-core `gsp/fw.rs`).
pub fn heap_size(fb: u64) -> u64 {
    let per_gb = (96 << 10) * fb.div_ceil(1 << 30);
    ((22 + 14 + 96) << 20) + per_gb.next_multiple_of(1 << 20)
}

/// The WPR metadata as nova-core's `from_sizes` fills it.
pub fn meta(r: &Rig, f: &Files) -> Vec<u8> {
    let mut m = vec![0u8; 0x100];
    let mut q = |o: usize, v: u64| put64(&mut m, o, v);
    q(0x00, 0xdc3a_ae21_371a_60b3);
    q(0x08, 1);
    q(0x10, L0);
    q(0x18, GSP_SIZE as u64);
    q(0x20, BL2);
    q(0x28, f.bl.len() as u64);
    q(0x30, f.bl_offsets[0]);
    q(0x38, f.bl_offsets[1]);
    q(0x40, f.bl_offsets[2]);
    q(0x48, SIG);
    q(0x50, GSP_SIG_LEN as u64);
    q(0x68, f.non_wpr_heap());
    q(0x80, heap_size(r.gpu.fb_end()));
    q(0xa0, 0x10_0000);
    q(0xc0, 0x2_0000);
    put(&mut m, 0xf4, f.pmu_reserved());
    m
}

/// `GSP_FMC_BOOT_PARAMS` as nova-core fills it.
pub fn params() -> Vec<u8> {
    let mut p = vec![0u8; 80];
    put(&mut p, 8, 1);
    put(&mut p, 12, 256);
    put64(&mut p, 16, META2);
    p[36] = 1;
    put(&mut p, 40, 2);
    put64(&mut p, 48, LIBOS);
    p
}

/// The COT message as nova-core builds it.
pub fn cot(f: &Files) -> Vec<u8> {
    let mut c = vec![0u8; 868];
    put(&mut c, 0, 0xc000_0000);
    put(&mut c, 4, 0x1410_de7e);
    c[8..10].copy_from_slice(&f.cot_version().to_le_bytes());
    c[10..12].copy_from_slice(&860u16.to_le_bytes());
    put64(&mut c, 12, FMC_IMG);
    put64(&mut c, 32, f.frts_offset());
    put(&mut c, 40, 0x10_0000);
    c[44..92].copy_from_slice(&f.hash);
    c[92..92 + f.key.len()].copy_from_slice(&f.key);
    c[476..476 + f.sig.len()].copy_from_slice(&f.sig);
    put64(&mut c, 860, PARAMS);
    c
}

/// Everything the COT points to, in guest memory: the FMC image, the WPR
/// metadata, the boot parameters, GSP-RM (radix3), its bootloader and
/// signature, the libos arguments and queues.
pub fn write_boot_data(r: &mut Rig, f: &Files) {
    write_gsp(r);
    write_libos(r);
    let m = meta(r, f);
    let dma = &r.gpu.dma;
    dma.write(FMC_IMG, &f.image).expect("fmc");
    dma.write(BL2, &f.bl).expect("bl");
    dma.write(SIG, &gsp_sig()).expect("sig");
    dma.write(META2, &m).expect("meta");
    dma.write(PARAMS, &params()).expect("params");
}

/// `send_msg`: EMEMC = AINCW at offset 0, the words through EMEMD, then
/// FSP_QUEUE_TAIL = len - 4 and FSP_QUEUE_HEAD = 0.
pub fn send(r: &mut Rig, msg: &[u8]) {
    assert!(!msg.is_empty() && msg.len().is_multiple_of(4));
    r.wr(EMEMC, 1 << 24);
    for w in msg.chunks(4) {
        r.wr(EMEMD, get(w, 0));
    }
    r.wr(FSP_QUEUE_TAIL, msg.len() as u32 - 4);
    r.wr(FSP_QUEUE_HEAD, 0);
}

/// `recv_msg`: polls MSGQ_HEAD/MSGQ_TAIL until they differ (at most
/// `timeout`), reads `tail - head + 4` bytes from EMEM offset 0 (EMEMC =
/// AINCR), then MSGQ_TAIL = 0, MSGQ_HEAD = 0.
pub fn recv(r: &mut Rig, timeout: Duration) -> Option<Vec<u8>> {
    let end = Instant::now() + timeout;
    let (head, tail) = loop {
        let (h, t) = (r.rd(MSGQ_HEAD), r.rd(MSGQ_TAIL));
        if h != t {
            break (h, t);
        }
        if Instant::now() >= end {
            return None;
        }
        std::thread::sleep(Duration::from_millis(1));
    };
    assert!(tail > head, "MSGQ_TAIL below MSGQ_HEAD");
    let len = (tail - head + 4) as usize;
    assert!(len <= 1024, "reply larger than the channel");
    r.wr(EMEMC, 1 << 25);
    let mut b = Vec::with_capacity(len);
    for _ in 0..len / 4 {
        b.extend_from_slice(&r.rd(EMEMD).to_le_bytes());
    }
    r.wr(MSGQ_TAIL, 0);
    r.wr(MSGQ_HEAD, 0);
    Some(b)
}

pub fn words(b: &[u8]) -> Vec<u32> {
    b.chunks(4).map(|c| get(c, 0)).collect()
}

/// The words of the reply that comes within `secs` seconds.
pub fn reply(r: &mut Rig, secs: u64) -> Vec<u32> {
    words(&recv(r, Duration::from_secs(secs)).expect("reply"))
}

/// The COT reply (within 2 s) with errorCode `code`; returns its words.
pub fn assert_cot_reply(r: &mut Rig, code: u32) -> Vec<u32> {
    let w = reply(r, 2);
    assert_eq!(
        w,
        [0xc000_0000, 0x1510_de7e, w[2], 0x14, code],
        "COT reply with errorCode {code:#x}: {:#?}",
        r.trace.lines()
    );
    w
}

/// Writes the boot data and sends the COT.
pub fn send_boot_cot(r: &mut Rig, f: &Files) {
    write_boot_data(r, f);
    send(r, &cot(f));
}

/// Writes the boot data, sends the COT, returns the reply's words.
pub fn boot_fmc(r: &mut Rig, f: &Files) -> Vec<u32> {
    send_boot_cot(r, f);
    reply(r, 2)
}

/// Whether the FSP finished its secure boot (the scratch reads 0xff).
pub fn secure_boot_done(r: &mut Rig, f: &Files) -> bool {
    r.rd(f.status_reg()) == 0xff
}

/// `wait_for_gsp_lockdown_release`: `Ok` once released, `Err` with the
/// mailbox on an FMC error, `Err("timeout")` after `timeout`.
pub fn wait_lockdown(r: &mut Rig, timeout: Duration) -> Result<(), String> {
    let end = Instant::now() + timeout;
    loop {
        let hwcfg2 = r.rd(HWCFG2);
        let released = hwcfg2 != 0 && hwcfg2 & 0xffff_ff00 != 0xbadf_4100;
        if released {
            let (m0, m1) = (r.rd(GSP + 0x40), r.rd(GSP + 0x44));
            let still_booting = u64::from(m0) | (u64::from(m1) << 32) == PARAMS;
            if m0 != 0 && !still_booting {
                return Err(format!("GSP-FMC boot failed (mbox: {m0:#x} {m1:#x})"));
            }
            if m0 == 0 && hwcfg2 & LOCKDOWN == 0 {
                return Ok(());
            }
        }
        if Instant::now() >= end {
            return Err("timeout".into());
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// RISC-V active (PRISCV CPUCTL bit 7) within `timeout`.
pub fn riscv_active_within(r: &mut Rig, timeout: Duration) -> bool {
    let end = Instant::now() + timeout;
    loop {
        if r.rd(RISCV_CPUCTL) & 0x80 != 0 {
            return true;
        }
        if Instant::now() >= end {
            return false;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// After the lockdown release: OS = APPV (0), RISC-V active, the init
/// commands, GSP_INIT_DONE. Returns whether GSP_INIT_DONE came.
pub fn start_rm(r: &mut Rig, d: &mut Driver) -> bool {
    r.wr(GSP + 0x80, 0);
    assert!(
        riscv_active_within(r, Duration::from_secs(1)),
        "RISC-V active"
    );
    d.init_commands(r);
    d.wait_for(r, 0x1001, Duration::from_secs(2)).is_some()
}

/// The whole boot as nova-core does it; returns the driver.
pub fn full_boot(r: &mut Rig, f: &Files) -> Driver {
    assert!(secure_boot_done(r, f), "FSP secure boot complete");
    send_boot_cot(r, f);
    assert_cot_reply(r, 0);
    wait_lockdown(r, Duration::from_secs(1)).expect("lockdown released");
    let mut d = Driver::new();
    assert!(start_rm(r, &mut d), "GSP_INIT_DONE: {:?}", r.trace.lines());
    d
}

/// The unload: UNLOADING_GUEST_DRIVER, MAILBOX0 bit 31, RISC-V halted.
pub fn unload(r: &mut Rig, d: &mut Driver) {
    let p = [0u8; 8];
    d.send(r, 47, &p);
    assert!(
        d.wait_for(r, 47, Duration::from_secs(1)).is_some(),
        "UNLOADING_GUEST_DRIVER reply"
    );
    let end = Instant::now() + Duration::from_secs(1);
    while r.rd(GSP + 0x40) & (1 << 31) == 0 {
        assert!(Instant::now() < end, "processor suspended");
    }
    let hwcfg2 = r.rd(HWCFG2);
    assert!(hwcfg2 != 0 && hwcfg2 & 0xffff_ff00 != 0xbadf_4100);
    assert_ne!(r.rd(RISCV_CPUCTL) & 0x10, 0, "RISC-V halted");
}
