//! A GPU driven directly (no vfio-user socket), with a piece of guest
//! memory mapped for DMA, and the steps a driver takes to load and boot a
//! falcon ucode, written from the nova-core/nouveau sequences.

use std::fs::File;
use std::os::fd::{FromRawFd, OwnedFd};
use std::path::Path;

use nvsim::chip::Chip;
use nvsim::device::{Gpu, Setup};
use nvsim::fault::Faults;
use nvsim::timing::Timing;
use nvsim::trace::Trace;

/// Bus address of the guest memory window.
pub const RAM: u64 = 0x4000_0000;
/// Its size.
pub const RAM_SIZE: u64 = 0x10_0000;

pub const GSP: u32 = 0x0011_0000;
pub const SEC2: u32 = 0x0084_0000;
/// The sysmem flush page: the last page of the guest memory window, which
/// no test uses for anything else.
pub const FLUSH_PAGE: u64 = RAM + RAM_SIZE - 0x1000;

pub struct Rig {
    pub gpu: Gpu,
    pub trace: Trace,
}

impl Rig {
    pub fn new(chip: &str) -> Rig {
        Self::with_firmware(chip, Path::new("/nonexistent"))
    }

    pub fn with_firmware(chip: &str, fw: &Path) -> Rig {
        Self::with_faults(chip, fw, Faults::none())
    }

    /// A GPU with the sysmem flush page registered, as a driver's probe
    /// does before it touches a falcon (nova-core `SysmemFlush::register`).
    pub fn with_faults(chip: &str, fw: &Path, faults: Faults) -> Rig {
        let mut r = Self::unregistered(chip, fw, faults);
        r.register_flush_page(FLUSH_PAGE);
        r
    }

    /// A GPU with the flush page registered whose steps take the time
    /// `timing` gives them.
    pub fn with_timing(chip: &str, fw: &Path, timing: Timing) -> Rig {
        let c = Chip::by_name(chip).expect("chip");
        let mut setup = Setup::new(c);
        setup.firmware = fw.to_path_buf();
        setup.timing = timing;
        let mut r = Self::from_setup(c, setup);
        r.register_flush_page(FLUSH_PAGE);
        r
    }

    /// A GPU as it comes out of reset: no sysmem flush page registered.
    pub fn unregistered(chip: &str, fw: &Path, faults: Faults) -> Rig {
        let c = Chip::by_name(chip).expect("chip");
        let mut setup = Setup::new(c);
        setup.firmware = fw.to_path_buf();
        setup.faults = faults;
        Self::from_setup(c, setup)
    }

    pub fn from_setup(chip: &'static Chip, setup: Setup) -> Rig {
        let trace = Trace::memory(true);
        let gpu = Gpu::with_setup(chip, setup, trace.clone());
        // SAFETY: creates a new anonymous memory file; checked below.
        let fd = unsafe { libc::memfd_create(c"guest-ram".as_ptr(), 0) };
        assert!(fd >= 0);
        // SAFETY: `fd` is a fresh descriptor owned by nobody else.
        let ram = File::from(unsafe { OwnedFd::from_raw_fd(fd) });
        ram.set_len(RAM_SIZE).expect("size");
        gpu.dma.map(true, 0, RAM, RAM_SIZE, Some(ram)).expect("map");
        Rig { gpu, trace }
    }

    /// Writes the sysmem flush page registers of the chip's generation
    /// (0 unregisters it): Turing `NV_PFB_NISO_FLUSH_SYSMEM_ADDR` (0x100c10)
    /// = address >> 8; Ampere/Ada also `_HI` (0x100c40) = address >> 40,
    /// written first; Hopper `NV_PFB_FBHUB_PCIE_FLUSH_SYSMEM_ADDR_HI/LO`
    /// (0x100a38/0x100a34) and GB20x `NV_PFB_FBHUB0_..._HI/LO`
    /// (0x8a1d5c/0x8a1d58) = address bits 51:32 and 31:0, HI first
    /// (nova-core `fb/hal/*.rs`, open-gpu-kernel-modules `kern_mem_sys_*.c`).
    pub fn register_flush_page(&mut self, addr: u64) {
        use nvsim::chip::Arch;
        match self.gpu.chip().arch {
            Arch::Turing => self.wr(0x0010_0c10, (addr >> 8) as u32),
            Arch::Hopper => {
                self.wr(0x0010_0a38, (addr >> 32) as u32);
                self.wr(0x0010_0a34, addr as u32);
            }
            // GB10x: HSHUB0's pair, then the egress pair (nova-core
            // `fb/hal/gb100.rs`: primary HI, LO, EG HI, EG LO).
            Arch::BlackwellGb10x => {
                self.wr(0x0087_0e54, (addr >> 32) as u32);
                self.wr(0x0087_0e50, addr as u32);
                self.wr(0x0087_06c4, (addr >> 32) as u32);
                self.wr(0x0087_06c0, addr as u32);
            }
            Arch::BlackwellGb20x => {
                self.wr(0x008a_1d5c, (addr >> 32) as u32);
                self.wr(0x008a_1d58, addr as u32);
            }
            Arch::Ampere | Arch::Ada => {
                self.wr(0x0010_0c40, (addr >> 40) as u32);
                self.wr(0x0010_0c10, (addr >> 8) as u32);
            }
        }
    }

    pub fn rd(&mut self, off: u32) -> u32 {
        let mut b = [0; 4];
        self.gpu
            .region_read(0, u64::from(off), &mut b)
            .expect("read");
        u32::from_le_bytes(b)
    }

    pub fn wr(&mut self, off: u32, v: u32) {
        self.gpu
            .region_write(0, u64::from(off), &v.to_le_bytes())
            .expect("write");
    }

    pub fn update(&mut self, off: u32, f: impl Fn(u32) -> u32) {
        let v = self.rd(off);
        self.wr(off, f(v));
    }

    /// Log lines containing `needle`.
    pub fn logged(&self, needle: &str) -> usize {
        self.trace
            .lines()
            .iter()
            .filter(|l| l.contains(needle))
            .count()
    }

    /// Engine reset and wait for scrubbing, as nova-core's GA102 HAL does
    /// (Turing polls DMACTL instead of HWCFG2).
    pub fn reset_falcon(&mut self, base: u32, turing: bool) {
        self.update(base + 0x3c0, |v| v | 1);
        self.update(base + 0x3c0, |v| v & !1);
        for _ in 0..10 {
            let busy = if turing {
                self.rd(base + 0x10c) & 0x6 != 0
            } else {
                self.rd(base + 0xf4) & (1 << 12) != 0
            };
            if !busy {
                return;
            }
        }
        panic!("scrubbing never completed");
    }

    /// DMA setup and a 256-byte-chunk load of `len` bytes from guest
    /// address `src` into IMEM (secure) or DMEM at 0.
    pub fn dma_load(&mut self, base: u32, src: u64, len: u32, imem: bool) {
        self.update(base + 0x624, |v| v | 0x80);
        self.wr(base + 0x10c, 0);
        self.update(base + 0x600, |v| (v & !0x7) | 0x4 | 0x1);
        self.wr(base + 0x110, (src >> 8) as u32);
        self.wr(base + 0x128, (src >> 40) as u32);
        let cmd = (6 << 8) | if imem { (1 << 4) | (1 << 2) } else { 0 };
        for pos in (0..len).step_by(256) {
            self.wr(base + 0x114, pos);
            self.wr(base + 0x11c, pos);
            self.wr(base + 0x118, cmd);
            assert_ne!(self.rd(base + 0x118) & 0x2, 0, "DMA idle");
        }
    }

    /// Programs the BROM as nova-core does for an HS ucode.
    pub fn program_brom(&mut self, base: u32, pkc: u32, engines: u32, ucode_id: u32) {
        self.wr(base + 0x1210, pkc);
        self.wr(base + 0x119c, engines);
        self.wr(base + 0x1198, ucode_id);
        self.wr(base + 0x1180, 1);
    }

    /// Writes the mailboxes, starts the CPU, returns whether it halted.
    pub fn boot(&mut self, base: u32, mbox0: u32, mbox1: u32) -> bool {
        self.wr(base + 0x40, mbox0);
        self.wr(base + 0x44, mbox1);
        self.wr(base + 0x100, 0x2);
        self.rd(base + 0x100) & 0x10 != 0
    }
}

/// The FRTS region nova-core computes for a 24 GiB GA102/AD102 board:
/// its usable framebuffer ends 8 MiB below 24 GiB (0x5_ff80_0000), the
/// VGA workspace is its last MiB, FRTS the MiB below that.
pub const FRTS_24G: u64 = 0x5_ff60_0000;
/// End of that board's usable framebuffer (NV_USABLE_FB_SIZE_IN_MB).
pub const FB_END_24G: u64 = 0x5_ff80_0000;

/// Runs FWSEC-FRTS on a GA102/AD102 GSP as nova-core does, for a 1 MiB
/// region at `frts`; returns (halted, mailbox0).
pub fn fwsec_frts(r: &mut Rig, stamp: u32, frts: u64) -> (bool, u32) {
    use nvsim_vbios::fwsec as img;
    let mut d = img::dmem(stamp);
    let mut put = |at: usize, v: u32| d[at..at + 4].copy_from_slice(&v.to_le_bytes());
    put(img::DMAP_OFFSET as usize + 0x2c, img::DMAP_CMD_FRTS);
    let c = img::CMD_IN_OFFSET as usize;
    for (i, v) in [1, 24, 0, 0, 0, 2, 1, 20, (frts >> 12) as u32, 0x100, 2]
        .into_iter()
        .enumerate()
    {
        put(c + 4 * i, v);
    }
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

/// Runs FWSEC-FRTS on a Turing GSP as nova-core does (`FwsecFirmwareWithBl`),
/// for a 1 MiB region at `frts`: FWSEC (IMEM then DMEM, descriptor v2, no
/// signature) in guest memory, the generic bootloader `code` by PIO as
/// non-secure IMEM ending at 64 KiB tagged from `tag`, its DMEM descriptor
/// (`BootloaderDmemDescV2`: DMA context 0x20, code base 0x24, non-secure
/// size 0x30, secure offset and size 0x34/0x38, data base 0x40 and size
/// 0x48) at DMEM 0, the boot vector `tag << 8`, FBIF_TRANSCFG of the
/// context physical system memory; returns (halted, mailbox0).
pub fn fwsec_frts_turing(r: &mut Rig, stamp: u32, frts: u64, code: &[u8], tag: u32) -> (bool, u32) {
    use nvsim_vbios::fwsec as img;
    let mut d = img::dmem(stamp);
    let put = |b: &mut [u8], at: usize, v: u32| b[at..at + 4].copy_from_slice(&v.to_le_bytes());
    put(&mut d, img::DMAP_OFFSET as usize + 0x2c, img::DMAP_CMD_FRTS);
    let c = img::CMD_IN_OFFSET as usize;
    for (i, v) in [1, 24, 0, 0, 0, 2, 1, 20, (frts >> 12) as u32, 0x100, 2]
        .into_iter()
        .enumerate()
    {
        put(&mut d, c + 4 * i, v);
    }
    r.gpu.dma.write(RAM, &img::imem()).expect("imem");
    r.gpu.dma.write(RAM + 0x1000, &d).expect("dmem");
    r.reset_falcon(GSP, true);
    r.update(GSP + 0x624, |v| v | 0x80);
    r.wr(GSP + 0x10c, 0);
    let start = 0x1_0000 - code.len() as u32;
    r.wr(GSP + 0x180, (1 << 24) | start);
    for (n, block) in code.chunks(256).enumerate() {
        r.wr(GSP + 0x188, tag + n as u32);
        for w in block.chunks(4) {
            r.wr(GSP + 0x184, u32::from_le_bytes([w[0], w[1], w[2], w[3]]));
        }
    }
    let mut desc = vec![0u8; nvsim::gbl::DESC_LEN];
    put(&mut desc, 0x20, 4);
    put(&mut desc, 0x24, RAM as u32);
    put(&mut desc, 0x28, (RAM >> 32) as u32);
    put(&mut desc, 0x30, img::IMEM_NS_SIZE);
    put(&mut desc, 0x34, img::IMEM_NS_SIZE);
    put(&mut desc, 0x38, img::IMEM_SIZE - img::IMEM_NS_SIZE);
    put(&mut desc, 0x40, (RAM + 0x1000) as u32);
    put(&mut desc, 0x44, ((RAM + 0x1000) >> 32) as u32);
    put(&mut desc, 0x48, img::DMEM_SIZE);
    r.wr(GSP + 0x1c0, 1 << 24);
    for w in desc.chunks(4) {
        r.wr(GSP + 0x1c4, u32::from_le_bytes([w[0], w[1], w[2], w[3]]));
    }
    r.wr(GSP + 0x104, tag << 8);
    r.update(GSP + 0x600 + 4 * 4, |v| v | 0x5);
    let halted = r.boot(GSP, 0, 0);
    (halted, r.rd(GSP + 0x40))
}
