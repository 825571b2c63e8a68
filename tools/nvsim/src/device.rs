//! The simulated GPU: its PCI regions and the state behind them.
//!
//! Regions (vfio region indices): BAR0 registers, BAR1 and BAR3 apertures
//! onto VRAM, BAR5 I/O ports where the board has them, and configuration
//! space. BAR1 and BAR3 map VRAM physically (offset = VRAM address) until
//! a model of the BAR MMU takes over.

use std::collections::HashSet;
use std::io;
use std::path::Path;

use vfio_bindings::bindings::vfio::{
    VFIO_PCI_BAR0_REGION_INDEX, VFIO_PCI_BAR1_REGION_INDEX, VFIO_PCI_BAR3_REGION_INDEX,
    VFIO_PCI_BAR5_REGION_INDEX, VFIO_PCI_CONFIG_REGION_INDEX,
};

use crate::bar0::{Bar0, Bar0Model, Env, UNMODELLED};
use crate::booter::{Booter, Kind};
use crate::chip::{Chip, BAR0_SIZE, IO_BAR_SIZE};
use crate::dma::DmaSpace;
use crate::falcon::hs::Program;
use crate::falcon::{Engine, Falcon, FalconStub, FSP_BASE};
use crate::fault::Faults;
use crate::fwsec::Fwsec;
use crate::gsprm::{self, GspRm, Sec2Rtos};
use crate::irq::IrqLine;
use crate::pci::{ConfigMirror, ConfigSpace, CMD_INTX_DISABLE, CONFIG_SIZE};
use crate::pramin::Pramin;
use crate::prom::Prom;
use crate::regs::{RegFile, VGA_WORKSPACE_SIZE};
use crate::trace::Trace;
use crate::vram::Vram;

/// Where the firmware files the falcon models recognise are read from by
/// default (the build root's `firmware-nvidia-graphics`).
pub const DEFAULT_FIRMWARE_DIR: &str = "/usr/lib/firmware";

/// The simulated GPU.
pub struct Gpu {
    chip: &'static Chip,
    rom: Vec<u8>,
    /// PCI configuration space.
    pub config: ConfigSpace,
    /// BAR0 registers and models.
    pub bar0: Bar0,
    /// Video memory.
    pub vram: Vram,
    /// The device interrupt.
    pub irq: IrqLine,
    /// Guest memory.
    pub dma: DmaSpace,
    /// Diagnostics.
    pub trace: Trace,
    io_logged: HashSet<(bool, u64)>,
    /// The GSP-RM model.
    pub gsp_rm: gsprm::Shared,
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
        let rom = nvsim_vbios::build(&chip.rom_spec()).bytes;
        let mut bar0 = Bar0::new(RegFile::new(chip, vram));
        let mirror = if chip.arch.has_fsp() {
            0x0009_2000
        } else {
            0x0008_8000
        };
        bar0.add_model(Box::new(ConfigMirror::new(mirror)));
        let rm = GspRm::shared(chip, vram, mirror, faults);
        bar0.add_model(Box::new(Prom::new(rom.clone())));
        bar0.add_model(Box::new(Pramin));
        let fwsec: Box<dyn Program> = Box::new(Fwsec::new(chip, vram, &rom, fw_dir));
        bar0.add_model(Box::new(
            Falcon::new(Engine::Gsp, chip.arch, chip.gsp, vec![fwsec]).with_gsp_rm(rm.clone()),
        ));
        // SEC2-RTOS first: when GSP-RM waits for CORE_RESUME, starting SEC2
        // resumes it, whatever SEC2 still holds from booter_load.
        let mut booters: Vec<Box<dyn Program>> = vec![Box::new(Sec2Rtos::new(rm.clone()))];
        booters.extend([Kind::Load, Kind::Unload].into_iter().map(|k| {
            Box::new(Booter::new(k, fw_dir, chip.name, vram, rm.clone())) as Box<dyn Program>
        }));
        bar0.add_model(Box::new(Falcon::new(
            Engine::Sec2,
            chip.arch,
            chip.sec2,
            booters,
        )));
        if let Some(fsp) = chip.fsp {
            bar0.add_model(Box::new(FalconStub::new("FSP", FSP_BASE, fsp, chip.arch)));
        }
        let gpu = Self {
            chip,
            config: ConfigSpace::new(chip),
            bar0,
            vram: Vram::new(vram),
            irq: IrqLine::new(trace.clone()),
            dma: DmaSpace::new(trace.clone()),
            trace,
            rom,
            io_logged: HashSet::new(),
            gsp_rm: rm,
        };
        gpu.place_rom_copy();
        gpu
    }

    /// Devinit leaves a copy of the VBIOS at the start of the VGA
    /// workspace; nouveau's PRAMIN shadow method reads it from there.
    fn place_rom_copy(&self) {
        if self.chip.display {
            let base = self.vram.size().saturating_sub(VGA_WORKSPACE_SIZE);
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
                self.vram.read(offset, buf);
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
            }
            VFIO_PCI_BAR1_REGION_INDEX | VFIO_PCI_BAR3_REGION_INDEX => {
                self.trace_mem("W", index, offset, data);
                self.vram.write(offset, data);
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

    /// Device reset: registers, models, configuration space and interrupts
    /// return to their power-on state. DMA mappings and VRAM survive.
    pub fn reset(&mut self) {
        self.trace.log("device reset");
        self.bar0.reset(RegFile::new(self.chip, self.vram.size()));
        self.config = ConfigSpace::new(self.chip);
        self.irq.reset();
        gsprm::lock(&self.gsp_rm).power_on();
        self.io_logged.clear();
        self.place_rom_copy();
    }
}
