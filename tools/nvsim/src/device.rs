//! The simulated GPU: its PCI regions and the state behind them.
//!
//! Regions (vfio region indices): BAR0 registers, BAR1 and BAR3 apertures
//! onto GPU memory, BAR5 I/O ports where the board has them, and
//! configuration space. BAR1 and BAR3 (NVIDIA's BAR1 and BAR2) map VRAM
//! physically (offset = VRAM address) until their block registers select
//! virtual mode; then the GMMU translates them (`mmu/bar.rs`). GSP-RM
//! switches BAR1 to virtual mode when it resumes (`gsprm/bar1.rs`). With
//! [`Gpu::set_bar1_mmap`] the client maps BAR1 straight onto the VRAM
//! memory file instead (physical mode only: GSP-RM then leaves BAR1
//! physical and logs it).
//!
//! Hopper and Blackwell boot GSP-RM through the FSP and its FMC
//! ([`crate::fsp`]) instead of FWSEC and the booters; the other models are
//! the same on every chip.

use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};

use vfio_bindings::bindings::vfio::{
    VFIO_PCI_BAR0_REGION_INDEX, VFIO_PCI_BAR1_REGION_INDEX, VFIO_PCI_BAR3_REGION_INDEX,
    VFIO_PCI_BAR5_REGION_INDEX, VFIO_PCI_CONFIG_REGION_INDEX,
};

use crate::bar0::{Bar0, Bar0Model, Env, UNMODELLED};
use crate::booter::{Booter, Kind};
use crate::chip::{BootFlow, Chip, BAR0_SIZE, IO_BAR_SIZE};
use crate::dma::DmaSpace;
use crate::falcon::hs::Program;
use crate::falcon::{Engine, Falcon};
use crate::fault::Faults;
use crate::fifo::engine::Engine as HostEngine;
use crate::fsp::status::BootStatus;
use crate::fsp::Fsp;
use crate::fwsec::Fwsec;
use crate::gsprm::{self, GspRm, Sec2Rtos, SeqStub};
use crate::intr::{IntrRegs, IntrTree};
use crate::irq::IrqLine;
use crate::mmu::bar::{self as barmap, Bar};
use crate::mmu::invalidate::InvalidateRegs;
use crate::mmu::Gmmu;
use crate::pci::{ConfigMirror, ConfigSpace, CMD_INTX_DISABLE, CONFIG_SIZE};
use crate::pramin::Pramin;
use crate::prom::Prom;
use crate::regs::{RegFile, VGA_WORKSPACE_SIZE};
use crate::timing::{Step as TimingStep, Timing};
use crate::trace::Trace;
use crate::vram::Vram;

/// Where the firmware files the falcon models recognise are read from by
/// default (the build root's `firmware-nvidia-graphics`).
pub const DEFAULT_FIRMWARE_DIR: &str = "/usr/lib/firmware";

/// How a GPU is set up besides its chip.
#[derive(Clone)]
pub struct Setup {
    /// VRAM size in bytes.
    pub vram: u64,
    /// VRAM at the top that is not part of the usable framebuffer.
    pub fb_reserved: u64,
    /// Where the firmware files the falcon models recognise are.
    pub firmware: PathBuf,
    /// Fault injection.
    pub faults: Faults,
    /// How long each step takes.
    pub timing: Timing,
    /// Audit the registered VA spaces' page tables at each TLB
    /// invalidation (`--mmu-audit`, [`crate::mmu::audit`]).
    pub mmu_audit: bool,
}

impl Setup {
    /// `chip` as its board comes: its VRAM and reserved top, firmware from
    /// [`DEFAULT_FIRMWARE_DIR`], no faults, fast timing, the MMU audit on.
    pub fn new(chip: &Chip) -> Self {
        Self {
            vram: chip.vram,
            fb_reserved: chip.fb_reserved,
            firmware: PathBuf::from(DEFAULT_FIRMWARE_DIR),
            faults: Faults::none(),
            timing: Timing::fast(),
            mmu_audit: true,
        }
    }

    /// End of the usable framebuffer.
    pub fn fb_end(&self) -> u64 {
        self.vram.saturating_sub(self.fb_reserved)
    }
}

/// The simulated GPU.
pub struct Gpu {
    chip: &'static Chip,
    rom: Vec<u8>,
    /// End of the usable framebuffer.
    fb_end: u64,
    /// PCI configuration space.
    pub config: ConfigSpace,
    /// BAR0 registers and models.
    pub bar0: Bar0,
    /// Video memory.
    pub vram: Vram,
    /// The device interrupt.
    pub irq: IrqLine,
    /// The VFN CPU interrupt tree in front of it.
    pub intr: IntrTree,
    /// Guest memory.
    pub dma: DmaSpace,
    /// Diagnostics.
    pub trace: Trace,
    io_logged: HashSet<(bool, u64)>,
    /// The GSP-RM model.
    pub gsp_rm: gsprm::Shared,
    /// The GPU MMU, for the BARs and the engines.
    pub mmu: Gmmu,
    /// BAR1 is offered to the client as an mmap of the VRAM memory file.
    bar1_mmap: bool,
    bar1_mmap_conflict_logged: bool,
    /// The engine thread that runs the channels (stops when dropped).
    engine: HostEngine,
}

impl Gpu {
    /// A powered-on `chip` with `vram` bytes of VRAM, reading firmware
    /// files from [`DEFAULT_FIRMWARE_DIR`].
    pub fn new(chip: &'static Chip, vram: u64, trace: Trace) -> Self {
        Self::with_firmware(chip, vram, trace, Path::new(DEFAULT_FIRMWARE_DIR))
    }

    /// A powered-on `chip` with `vram` bytes of VRAM; the falcon models
    /// read the firmware files they recognise from `fw_dir`.
    pub fn with_firmware(chip: &'static Chip, vram: u64, trace: Trace, fw_dir: &Path) -> Self {
        Self::with_faults(chip, vram, trace, fw_dir, Faults::none())
    }

    /// The same, with the fault injection `faults`.
    pub fn with_faults(
        chip: &'static Chip,
        vram: u64,
        trace: Trace,
        fw_dir: &Path,
        faults: Faults,
    ) -> Self {
        let mut setup = Setup::new(chip);
        setup.fb_reserved = chip.default_fb_reserved(vram);
        setup.vram = vram;
        setup.firmware = fw_dir.to_path_buf();
        setup.faults = faults;
        Self::with_setup(chip, setup, trace)
    }

    /// A powered-on `chip` set up as `setup` says.
    pub fn with_setup(chip: &'static Chip, setup: Setup, trace: Trace) -> Self {
        let (vram, fb_end, fw_dir) = (setup.vram, setup.fb_end(), setup.firmware.as_path());
        let timing = setup.timing;
        let rom = nvsim_vbios::build(&chip.rom_spec()).bytes;
        let mut bar0 = Bar0::new(RegFile::new(chip, vram, fb_end));
        let mirror = if chip.arch.has_fsp() {
            0x0009_2000
        } else {
            0x0008_8000
        };
        bar0.add_model(Box::new(ConfigMirror::new(mirror)));
        let irq = IrqLine::new(trace.clone());
        let intr = IntrTree::new(irq.clone(), trace.clone());
        // The CPU interrupt tree: VFN + 0x1000, BAR0 0xb81000..0xb82000.
        bar0.add_model(Box::new(IntrRegs::new(intr.clone())));
        let rm = GspRm::shared(
            chip,
            fb_end,
            mirror,
            setup.faults.clone(),
            timing,
            intr.clone(),
        );
        bar0.add_model(Box::new(Prom::new(rom.clone())));
        bar0.add_model(Box::new(Pramin::new(chip.arch)));
        let gsp_programs: Vec<Box<dyn Program>> = vec![
            Box::new(SeqStub::new(rm.clone())),
            Box::new(Fwsec::new(chip, fb_end, &rom, fw_dir, timing)),
        ];
        bar0.add_model(Box::new(
            Falcon::new(Engine::Gsp, chip.arch, chip.gsp, gsp_programs)
                .with_gen(chip.falcon_gen())
                .with_gsp_rm(rm.clone()),
        ));
        // SEC2-RTOS first: when GSP-RM waits for CORE_RESUME, starting SEC2
        // resumes it, whatever SEC2 still holds from booter_load.
        let mut booters: Vec<Box<dyn Program>> = vec![Box::new(Sec2Rtos::new(rm.clone()))];
        booters.extend([Kind::Load, Kind::Unload].into_iter().map(|k| {
            Box::new(
                Booter::new(k, fw_dir, chip.name, fb_end, rm.clone(), &timing)
                    .setting_up_wpr2(chip.flow == BootFlow::Ga100),
            ) as Box<dyn Program>
        }));
        bar0.add_model(Box::new(
            Falcon::new(Engine::Sec2, chip.arch, chip.sec2, booters).with_gen(chip.falcon_gen()),
        ));
        // The FSP and the FMC it starts (`fsp/`), on the chips with an FSP.
        if let Some(fsp) = Fsp::new(chip, fb_end, fw_dir, rm.clone(), &timing) {
            let status = fsp.status_register();
            bar0.add_model(Box::new(fsp));
            bar0.add_model(Box::new(BootStatus::new(status, rm.clone())));
        }
        let vram = Vram::new(vram);
        let dma = DmaSpace::new(trace.clone());
        let mmu = Gmmu::new(chip.arch, vram.clone(), dma.clone(), trace.clone());
        let mut invalidate = InvalidateRegs::new(mmu.clone());
        if setup.mmu_audit {
            let rm = rm.clone();
            invalidate = invalidate.with_audit(Box::new(move || gsprm::lock(&rm).audit_targets()));
        }
        bar0.add_model(Box::new(invalidate));
        let engine = HostEngine::start(
            rm.clone(),
            mmu.clone(),
            dma.clone(),
            trace.clone(),
            timing.get(TimingStep::Engine),
        );
        // The usermode window (0xbb0000..0xbc0000): the channel doorbell.
        bar0.add_model(Box::new(crate::fifo::usermode::Usermode::new(
            rm.clone(),
            engine.doorbell(),
        )));
        let gpu = Self {
            chip,
            config: ConfigSpace::new(chip),
            bar0,
            vram,
            irq,
            intr,
            dma,
            trace,
            rom,
            fb_end,
            io_logged: HashSet::new(),
            gsp_rm: rm,
            mmu,
            bar1_mmap: false,
            bar1_mmap_conflict_logged: false,
            engine,
        };
        if !timing.is_fast() {
            gsprm::spawn_ticker(&gpu.gsp_rm, gpu.dma.clone(), gpu.trace.clone());
        }
        gpu.place_rom_copy();
        gpu
    }

    /// End of the usable framebuffer (NV_USABLE_FB_SIZE_IN_MB).
    pub fn fb_end(&self) -> u64 {
        self.fb_end
    }

    /// Devinit leaves a copy of the VBIOS at the start of the VGA
    /// workspace (the last MiB of the usable framebuffer); nouveau's
    /// PRAMIN shadow method reads it from there.
    fn place_rom_copy(&self) {
        if self.chip.display {
            let base = self.fb_end.saturating_sub(VGA_WORKSPACE_SIZE);
            self.vram.write(base, &self.rom);
        }
    }

    /// The simulated chip.
    pub fn chip(&self) -> &'static Chip {
        self.chip
    }

    /// The ROM served through the PROM window.
    pub fn rom(&self) -> &[u8] {
        &self.rom
    }

    /// Adds a BAR0 model; it takes precedence over the existing ones in its
    /// range.
    pub fn add_model(&mut self, model: Box<dyn Bar0Model>) {
        self.bar0.add_model(model);
    }

    /// Size of region `index` (0 if the region does not exist).
    pub fn region_size(&self, index: u32) -> u64 {
        match index {
            VFIO_PCI_BAR0_REGION_INDEX => BAR0_SIZE,
            VFIO_PCI_BAR1_REGION_INDEX => self.chip.bar1_size,
            VFIO_PCI_BAR3_REGION_INDEX => self.chip.bar3_size,
            VFIO_PCI_BAR5_REGION_INDEX if self.chip.io_bar => IO_BAR_SIZE,
            VFIO_PCI_CONFIG_REGION_INDEX => CONFIG_SIZE as u64,
            _ => 0,
        }
    }

    fn check(&self, index: u32, offset: u64, len: usize) -> io::Result<()> {
        let size = self.region_size(index);
        if offset
            .checked_add(len as u64)
            .is_some_and(|end| end <= size)
        {
            Ok(())
        } else {
            self.trace.log(format!(
                "region {index}: access {offset:#x}+{len:#x} outside its {size:#x} bytes"
            ));
            Err(io::Error::from_raw_os_error(libc::EINVAL))
        }
    }

    fn split(&mut self) -> (&mut Bar0, Env<'_>) {
        (
            &mut self.bar0,
            Env {
                config: &mut self.config,
                vram: &self.vram,
                irq: &self.irq,
                intr: &self.intr,
                dma: &self.dma,
                trace: &self.trace,
            },
        )
    }

    /// Reads `buf.len()` bytes of region `index` at `offset`.
    pub fn region_read(&mut self, index: u32, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        self.check(index, offset, buf.len())?;
        if self.dma.stopped() {
            // Removed (fault injection): the bus answers all ones.
            buf.fill(0xff);
            return Ok(());
        }
        match index {
            VFIO_PCI_BAR0_REGION_INDEX => {
                let (bar0, mut env) = self.split();
                bar0.read(&mut env, offset, buf);
            }
            VFIO_PCI_BAR1_REGION_INDEX | VFIO_PCI_BAR3_REGION_INDEX => {
                let bar = Self::bar(index);
                let mode = barmap::mode(&self.bar0.regs, self.chip.arch, bar);
                barmap::read(&self.mmu, bar, mode, offset, buf);
                self.trace_mem("R", index, offset, buf);
            }
            VFIO_PCI_BAR5_REGION_INDEX => {
                let pattern = UNMODELLED.to_le_bytes();
                for (i, b) in buf.iter_mut().enumerate() {
                    *b = pattern[(offset as usize + i) % 4];
                }
                self.log_io(false, offset);
            }
            _ => {
                self.config.read(offset as usize, buf);
                self.trace_mem("R", index, offset, buf);
            }
        }
        Ok(())
    }

    /// Writes `data` to region `index` at `offset`.
    pub fn region_write(&mut self, index: u32, offset: u64, data: &[u8]) -> io::Result<()> {
        self.check(index, offset, data.len())?;
        if self.dma.stopped() {
            return Ok(());
        }
        match index {
            VFIO_PCI_BAR0_REGION_INDEX => {
                let (bar0, mut env) = self.split();
                bar0.write(&mut env, offset, data);
                self.check_bar1_mmap();
            }
            VFIO_PCI_BAR1_REGION_INDEX | VFIO_PCI_BAR3_REGION_INDEX => {
                self.trace_mem("W", index, offset, data);
                let bar = Self::bar(index);
                let mode = barmap::mode(&self.bar0.regs, self.chip.arch, bar);
                barmap::write(&self.mmu, bar, mode, offset, data);
            }
            VFIO_PCI_BAR5_REGION_INDEX => self.log_io(true, offset),
            _ => {
                self.trace_mem("W", index, offset, data);
                let fx = self.config.write(offset as usize, data);
                if let Some(cmd) = fx.command {
                    self.irq.set_intx_disabled(cmd & CMD_INTX_DISABLE != 0);
                }
            }
        }
        Ok(())
    }

    fn bar(index: u32) -> Bar {
        if index == VFIO_PCI_BAR1_REGION_INDEX {
            Bar::Bar1
        } else {
            Bar::Bar2
        }
    }

    /// Offers BAR1 to the client as an mmap of the VRAM memory file
    /// (`--bar1-mmap`): guest CPU accesses then run at memory speed and
    /// never reach nvsim (no trace, no translation). Returns whether VRAM
    /// has a memory file to offer.
    pub fn set_bar1_mmap(&mut self, on: bool) -> bool {
        self.bar1_mmap = on && self.vram.fd().is_some();
        if self.bar1_mmap {
            self.vram.share_prefix(self.chip.bar1_size);
        }
        // GSP-RM then leaves BAR1 physical (`gsprm::bar1`): a virtual BAR1
        // could not apply to the client's mapping.
        gsprm::lock(&self.gsp_rm).set_bar1_mmap(self.bar1_mmap);
        self.bar1_mmap == on
    }

    /// The descriptor to offer for BAR1, if BAR1 is mmap-able.
    pub fn bar1_mmap_fd(&self) -> Option<std::os::fd::RawFd> {
        use std::os::fd::AsRawFd;
        if self.bar1_mmap {
            self.vram.fd().map(|fd| fd.as_raw_fd())
        } else {
            None
        }
    }

    /// With BAR1 mapped directly, a switch to virtual mode cannot take
    /// effect for the client's mapping: say so once.
    fn check_bar1_mmap(&mut self) {
        if !self.bar1_mmap || self.bar1_mmap_conflict_logged {
            return;
        }
        let mode = barmap::mode(&self.bar0.regs, self.chip.arch, Bar::Bar1);
        if mode != barmap::Mode::Physical(crate::mmu::Aperture::Vram) {
            self.bar1_mmap_conflict_logged = true;
            self.trace.log(format!(
                "BAR1 switched to {mode}, but --bar1-mmap maps BAR1 physically onto VRAM: \
                 the client's accesses through its mapping bypass the switch"
            ));
        }
    }

    fn trace_mem(&self, dir: &str, index: u32, offset: u64, bytes: &[u8]) {
        self.trace.trace(|| {
            let what = match index {
                VFIO_PCI_BAR1_REGION_INDEX => "bar1",
                VFIO_PCI_BAR3_REGION_INDEX => "bar3",
                _ => "cfg",
            };
            let mut v = [0u8; 8];
            let n = bytes.len().min(8);
            v[..n].copy_from_slice(&bytes[..n]);
            format!(
                "{what} {dir} {offset:#08x} w{} {:#0w$x}",
                bytes.len(),
                u64::from_le_bytes(v),
                w = 2 + 2 * n
            )
        });
    }

    fn log_io(&mut self, write: bool, offset: u64) {
        if self.io_logged.insert((write, offset)) {
            self.trace.log(format!(
                "bar5: unmodelled I/O {} at {offset:#x}",
                if write { "write" } else { "read" }
            ));
        }
    }

    /// Waits (at most `timeout`) until the engine thread has run what the
    /// doorbells asked for: nothing rung left, no GPFIFO entry in progress
    /// (channels waiting at a semaphore acquire do not count). Returns
    /// whether it got there. For tests and tools that need the work done.
    pub fn settle(&self, timeout: std::time::Duration) -> bool {
        self.engine.settle(timeout)
    }

    /// Device reset: registers, models, configuration space and interrupts
    /// return to their power-on state, the engine drops its work. DMA
    /// mappings and VRAM survive.
    pub fn reset(&mut self) {
        self.trace.log("device reset");
        // The engine's work and GSP-RM's channels first, so that nothing
        // the engine thread still did reaches the registers reset below.
        self.engine.reset();
        gsprm::lock(&self.gsp_rm).power_on();
        self.bar0
            .reset(RegFile::new(self.chip, self.vram.size(), self.fb_end));
        self.config = ConfigSpace::new(self.chip);
        self.irq.reset();
        self.io_logged.clear();
        self.bar1_mmap_conflict_logged = false;
        self.place_rom_copy();
    }
}
