//! The falcon microcontrollers: a register-level model of the GSP and SEC2
//! falcons ([`Falcon`]) and an identification stub for the others
//! ([`FalconStub`], behind the FSP model of [`crate::fsp`]).
//!
//! Register offsets relative to the falcon base (PFALCON; PFALCON2 is
//! base + 0x1000), from nova-core `regs.rs`/`falcon.rs`/`falcon/hal/*.rs` and
//! nouveau `nvkm/falcon/{base,v1,ga102}.c`:
//!
//! | offset | register | model |
//! | --- | --- | --- |
//! | 0x000/0x004/0x008 | IRQSSET/IRQSCLR/IRQSTAT | set/clear/read; bit 4 HALT is set when the CPU halts |
//! | 0x00c/0x010/0x014/0x018/0x01c | IRQMODE/IRQMSET/IRQMCLR/IRQMASK/IRQDEST | stored; on the GSP, IRQSTAT & IRQMASK & the lines IRQDEST routes to the host drive the GSP's vector of the interrupt tree |
//! | 0x040/0x044 | MAILBOX0/1 | read/write, reset 0 |
//! | 0x080/0x084 | OS/RM | read/write, reset 0 |
//! | 0x0f4 | HWCFG2 | 31 reset ready (GA102+), 13 RISC-V branch privilege lockdown (GSP of FSP chips, GSP-RM's [`crate::gsprm::GspRm::lockdown`]), 12 memory scrubbing, 10 RISC-V present |
//! | 0x100 | CPUCTL | 1 STARTCPU (write), 4 HALTED, 6 ALIAS_EN (0); reset: halted |
//! | 0x104 | BOOTVEC | read/write |
//! | 0x108/0x12c | HWCFG/HWCFG1 | IMEM/DMEM size in 256-byte blocks; core rev, security, ports |
//! | 0x10c | DMACTL | 0 REQUIRE_CTX (reset 1), 2:1 scrubbing (read-only), 6:3 DMAQ |
//! | 0x110..0x128 | DMATRF* | `dma.rs` |
//! | 0x130 | CPUCTL_ALIAS | 1 STARTCPU |
//! | 0x180..0x200 | IMEM/DMEM ports | `ports.rs` |
//! | 0x3c0 | ENGINE | bit 0 reset: while set the falcon is held in reset; releasing it scrubs IMEM/DMEM |
//! | 0x600..0x624 | FBIF | `fbif.rs` |
//! | 0x1180..0x1210 | BROM parameters (GA102+) | `brom.rs` |
//! | 0xc00 | QUEUE_HEAD(0) (GSP only, 0x110c00) | write: the doorbell of GSP-RM's command queue |
//! | 0x1240 | RISCV_CORE_SWITCH_RISCV_STATUS (Turing) | bit 0 active: GSP-RM runs |
//! | 0x1388 | RISCV_CPUCTL (GA102+) | bit 7 active (GSP-RM runs), else bit 4 halted |
//! | 0x1668 | RISCV_BCR_CTRL (GA102+) | bit 4 core select (0 falcon), bit 0 valid (set on write) |
//!
//! On the GSP falcon the GSP-RM model ([`crate::gsprm`]) is attached
//! ([`Falcon::with_gsp_rm`]): it sees the mailbox values, engine resets and
//! the doorbell; its RISC-V state is what the RISC-V registers read; the
//! bits it sets in MAILBOX0 and its SWGEN0 interrupt (IRQSTAT bit 6) are
//! applied on the next access. On FSP chips (Hopper, Blackwell) the FMC
//! resets the GSP falcon when the FSP accepts a COT ([`crate::fsp`]): the
//! falcon returns to its reset state (MAILBOX0 0, so a bit 31 left by the
//! previous GSP-RM's suspension is gone; IRQMASK and IRQDEST 0) at its next
//! access, before anything else, and HWCFG2 bit 13
//! (`RISCV_BR_PRIV_LOCKDOWN`) reads 1 from power-on and from an accepted
//! COT until the FMC has started GSP-RM (nova-core
//! `wait_for_gsp_lockdown_release`, docs/fsp-facts.md section 1.6).
//!
//! The GSP falcon's host interrupt. Each of the 16 interrupt lines of a
//! falcon is routed by two bits of IRQDEST (envytools
//! `docs/hw/falcon/intr.rst`, "Interrupt routing": bit n and bit n + 16
//! together, 1 being the host's (PMC) line); the host line is active while
//! a line routed to it is pending in IRQSTAT and enabled in IRQMASK
//! (nouveau reads the same as `IRQSTAT & dest & ~(dest >> 16)`,
//! `nva3_copy_intr`). On the GSP that line is a level source of the VFN
//! CPU interrupt tree at the GSP's stall vector ([`crate::intr`]):
//! asserted while SWGEN0 (or any other routed line) is pending and
//! unmasked, dropped once the driver cleared it with IRQSCLR. GSP-RM
//! asserts it itself when it writes a message while SWGEN0 is unmasked and
//! routed ([`crate::gsprm`]), so that a message its background thread
//! writes interrupts without a falcon access. SEC2's interrupt is GSP-RM's
//! and reaches no CPU vector in nvsim.
//!
//! A program that halts (`hs.rs`) may take time on the hardware
//! (`timing.rs`): the falcon then reads as running (CPUCTL.HALTED clear)
//! until that time has passed since STARTCPU, and only then halts and
//! raises IRQSTAT.HALT.
//!
//! Scrubbing after a reset takes one status read: the first read of
//! HWCFG2 (GA102+) or DMACTL (Turing) after the release reports it in
//! progress, so a driver that does not wait reads a busy bit. Reset values
//! not named by the sources (DMACTL.REQUIRE_CTX set, FBIF cleared) are
//! nvsim's choice: they make a driver that skips a setup step fail.

pub mod brom;
pub mod dma;
pub mod fbif;
pub mod hs;
pub mod ports;
mod stub;

use std::ops::Range;
use std::time::{Duration, Instant};

pub use stub::FalconStub;

use crate::bar0::{Bar0Model, Bus};
use crate::chip::{Arch, FalconGen, FalconHw};
use crate::fault::Step;
use crate::gsprm::{self, Shared, State};
use crate::intr;
use brom::Brom;
use dma::{DmaRegs, Transfer};
use fbif::Fbif;
use hs::{Outcome, Program};
use ports::{Memories, Ports};

/// Base of the GSP falcon.
pub const GSP_BASE: u32 = 0x0011_0000;
/// Base of the SEC2 falcon.
pub const SEC2_BASE: u32 = 0x0084_0000;
/// Base of the FSP falcon (Hopper, Blackwell).
pub const FSP_BASE: u32 = 0x008f_2000;

const IRQSSET: u32 = 0x000;
const IRQSCLR: u32 = 0x004;
const IRQSTAT: u32 = 0x008;
const IRQMODE: u32 = 0x00c;
const IRQMSET: u32 = 0x010;
const IRQMCLR: u32 = 0x014;
const IRQMASK: u32 = 0x018;
const IRQDEST: u32 = 0x01c;
const MAILBOX0: u32 = 0x040;
const MAILBOX1: u32 = 0x044;
const OS: u32 = 0x080;
const RM: u32 = 0x084;
const HWCFG2: u32 = 0x0f4;
const CPUCTL: u32 = 0x100;
const BOOTVEC: u32 = 0x104;
const HWCFG: u32 = 0x108;
const DMACTL: u32 = 0x10c;
const HWCFG1: u32 = 0x12c;
const CPUCTL_ALIAS: u32 = 0x130;
const ENGINE: u32 = 0x3c0;
const QUEUE_HEAD: u32 = 0xc00;
const RISCV_STATUS: u32 = 0x1240;
const RISCV_CPUCTL: u32 = 0x1388;
const BCR_CTRL: u32 = 0x1668;

const STARTCPU: u32 = 1 << 1;
const HALTED: u32 = 1 << 4;
const IRQ_HALT: u32 = 1 << 4;
const IRQ_SWGEN0: u32 = 1 << 6;
const RISCV_ACTIVE: u32 = 1 << 7;

/// The falcons with a full model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// GSP falcon at 0x110000.
    Gsp,
    /// SEC2 falcon at 0x840000.
    Sec2,
}

impl Engine {
    /// Lower-case name for the log.
    pub fn name(self) -> &'static str {
        match self {
            Engine::Gsp => "gsp",
            Engine::Sec2 => "sec2",
        }
    }

    /// Register base.
    pub fn base(self) -> u32 {
        match self {
            Engine::Gsp => GSP_BASE,
            Engine::Sec2 => SEC2_BASE,
        }
    }

    /// The engine's bit in BROM_ENGIDMASK (nova-core `falcon/hal/ga102.rs`).
    pub fn brom_bit(self) -> u32 {
        match self {
            Engine::Gsp => 0x400,
            Engine::Sec2 => 0x1,
        }
    }

    /// First `..._UCODE<n>_VERSION` fuse of the engine (see `regs.rs`).
    pub fn fuse_base(self) -> u32 {
        match self {
            Engine::Gsp => 0x0082_41c0,
            Engine::Sec2 => 0x0082_4140,
        }
    }
}

/// The state a program sees and changes when its falcon starts.
pub struct Cpu {
    /// Which falcon.
    pub engine: Engine,
    /// The chip's architecture.
    pub arch: Arch,
    /// The falcon generation (GA100's is Turing's).
    pub gen: FalconGen,
    /// IMEM and DMEM.
    pub mem: Memories,
    /// MAILBOX0 and MAILBOX1.
    pub mailbox: [u32; 2],
    /// BOOTVEC.
    pub bootvec: u32,
    /// BROM parameters.
    pub brom: Brom,
    /// The framebuffer interface.
    pub fbif: Fbif,
    /// DMACTL (without the scrubbing bits).
    pub dmactl: u32,
    /// When the CPU was last started (STARTCPU).
    pub started: Instant,
}

impl Cpu {
    fn new(engine: Engine, arch: Arch, hw: FalconHw) -> Self {
        Self {
            engine,
            arch,
            gen: FalconGen::of_arch(arch),
            mem: Memories::new(hw.imem, hw.dmem),
            mailbox: [0; 2],
            bootvec: 0,
            brom: Brom::default(),
            fbif: Fbif::default(),
            dmactl: 1,
            started: Instant::now(),
        }
    }

    /// Performs a DMA transfer with this falcon's engine.
    pub fn dma(&mut self, bus: &mut Bus<'_>, t: Transfer) -> Result<(), String> {
        dma::transfer(
            self.engine.name(),
            &mut self.mem,
            &self.fbif,
            self.dmactl & 1 != 0,
            bus,
            t,
        )
    }
}

/// A GSP or SEC2 falcon.
pub struct Falcon {
    hw: FalconHw,
    cpu: Cpu,
    ports: Ports,
    dma: DmaRegs,
    halted: bool,
    /// When a program that is still "running" halts.
    halt_at: Option<Instant>,
    in_reset: bool,
    scrub_reads: u8,
    irqstat: u32,
    irqmask: u32,
    irqmode: u32,
    irqdest: u32,
    os: u32,
    rm: u32,
    bcr_ctrl: u32,
    programs: Vec<Box<dyn Program>>,
    gsp_rm: Option<Shared>,
}

impl Falcon {
    /// The falcon `engine` of a chip of `arch` with hardware `hw`, knowing
    /// `programs`.
    pub fn new(engine: Engine, arch: Arch, hw: FalconHw, programs: Vec<Box<dyn Program>>) -> Self {
        Self {
            hw,
            cpu: Cpu::new(engine, arch, hw),
            ports: Ports::new(),
            dma: DmaRegs::default(),
            halted: true,
            halt_at: None,
            in_reset: false,
            scrub_reads: 0,
            irqstat: 0,
            irqmask: 0,
            irqmode: 0,
            irqdest: 0,
            os: 0,
            rm: 0,
            bcr_ctrl: 1,
            programs,
            gsp_rm: None,
        }
    }

    /// Attaches the GSP-RM model (GSP falcon only).
    pub fn with_gsp_rm(mut self, rm: Shared) -> Self {
        self.gsp_rm = Some(rm);
        self
    }

    /// Applies what GSP-RM (or the FMC) did since the last access: a
    /// falcon reset, MAILBOX0 bits and SWGEN0. Returns whether the RISC-V
    /// core is active and whether the branch privilege lockdown is
    /// engaged.
    fn sync_rm(&mut self, bus: &Bus<'_>) -> (bool, bool) {
        let Some(rm) = self.gsp_rm.clone() else {
            return (false, false);
        };
        let mut g = gsprm::lock(&rm);
        if g.take_falcon_reset() {
            self.reset_state();
            bus.trace
                .trace(|| "falcon gsp: reset by the FMC (MAILBOX0 0)".to_string());
        }
        let bits = g.take_mailbox0_bits(bus.trace);
        let irq = g.take_irq();
        let active = g.riscv_active();
        let lockdown = g.lockdown();
        self.cpu.mailbox[0] |= bits;
        if irq {
            self.irqstat |= IRQ_SWGEN0;
        }
        // Still under GSP-RM's lock: a message its thread writes now
        // asserts the level after this, not before.
        bus.intr
            .set_level(intr::GSP_STALL, self.irqstat & self.host_lines() != 0);
        drop(g);
        (active, lockdown)
    }

    /// The interrupt lines enabled (IRQMASK) and routed to the host
    /// (IRQDEST bit n set, bit n + 16 clear).
    fn host_lines(&self) -> u32 {
        let dest = self.irqdest & !(self.irqdest >> 16) & 0xffff;
        self.irqmask & dest
    }

    /// Tells GSP-RM whether SWGEN0 reaches the host, so that a message it
    /// sends later asserts the interrupt.
    fn push_irq_routing(&self) {
        if let Some(rm) = &self.gsp_rm {
            gsprm::lock(rm).set_swgen0_routed(self.host_lines() & IRQ_SWGEN0 != 0);
        }
    }

    /// A program that was still running finishes once its time is up.
    fn tick(&mut self, bus: &Bus<'_>) {
        if let Some(at) = self.halt_at {
            if Instant::now() >= at {
                self.halt_at = None;
                self.halt(bus);
            }
        }
    }

    fn halt(&mut self, bus: &Bus<'_>) {
        let name = self.cpu.engine.name();
        self.halted = true;
        self.irqstat |= IRQ_HALT;
        bus.trace.trace(|| {
            format!(
                "falcon {name}: halted, mailbox0 {:#x}, mailbox1 {:#x}",
                self.cpu.mailbox[0], self.cpu.mailbox[1]
            )
        });
    }

    fn push_mailbox(&self) {
        if let Some(rm) = &self.gsp_rm {
            gsprm::lock(rm).set_gsp_mailbox(self.cpu.mailbox);
        }
    }

    /// Turing's falcon (Turing, GA100).
    fn turing(&self) -> bool {
        self.cpu.gen == FalconGen::Tu102
    }

    /// The same falcon, of generation `gen` rather than its
    /// architecture's (GA100).
    pub fn with_gen(mut self, gen: FalconGen) -> Self {
        self.cpu.gen = gen;
        self
    }

    /// Returns every register and memory to its reset state.
    fn reset_state(&mut self) {
        let (engine, arch, gen) = (self.cpu.engine, self.cpu.arch, self.cpu.gen);
        let programs = std::mem::take(&mut self.programs);
        let gsp_rm = self.gsp_rm.take();
        *self = Self::new(engine, arch, self.hw, programs).with_gen(gen);
        self.gsp_rm = gsp_rm;
    }

    /// Reports scrubbing in progress on the first status read after a reset.
    fn scrubbing(&mut self) -> bool {
        if self.scrub_reads > 0 {
            self.scrub_reads -= 1;
            true
        } else {
            false
        }
    }

    fn hwcfg2(&mut self, lockdown: bool) -> u32 {
        let ready = if self.turing() { 0 } else { 1 << 31 };
        let lockdown = if lockdown { 1 << 13 } else { 0 };
        let scrub = if !self.turing() && (self.in_reset || self.scrubbing()) {
            1 << 12
        } else {
            0
        };
        ready | lockdown | scrub | if self.hw.riscv { 1 << 10 } else { 0 }
    }

    fn dmactl(&mut self) -> u32 {
        let scrub = if self.turing() && (self.in_reset || self.scrubbing()) {
            0x6
        } else {
            0
        };
        self.cpu.dmactl | scrub
    }

    fn engine_write(&mut self, bus: &mut Bus<'_>, value: u32) {
        let name = self.cpu.engine.name();
        if value & 1 != 0 {
            if !self.in_reset {
                bus.trace
                    .trace(|| format!("falcon {name}: engine reset asserted"));
                if let Some(rm) = &self.gsp_rm {
                    gsprm::lock(rm).gsp_reset(bus);
                }
            }
            self.reset_state();
            self.in_reset = true;
        } else if self.in_reset {
            self.in_reset = false;
            self.scrub_reads = 1;
            bus.trace
                .trace(|| format!("falcon {name}: reset released, IMEM/DMEM scrubbed"));
        }
    }

    fn start(&mut self, bus: &mut Bus<'_>) {
        let name = self.cpu.engine.name();
        if self.in_reset {
            bus.trace.log(format!(
                "falcon {name}: STARTCPU while held in reset; ignored"
            ));
            return;
        }
        if !self.halted {
            bus.trace
                .log(format!("falcon {name}: STARTCPU while running; ignored"));
            return;
        }
        if let Some(rm) = &self.gsp_rm {
            let mut g = gsprm::lock(rm);
            if self.cpu.mem.imem_loaded()
                && g.state() == State::Off
                && g.remove_at(bus, Step::Fwsec)
            {
                return;
            }
        }
        self.halted = false;
        let started = Instant::now();
        self.cpu.started = started;
        let (outcome, busy) = hs::start(&mut self.cpu, bus, &mut self.programs);
        if outcome == Outcome::Halted {
            let at = started + busy;
            if busy == Duration::ZERO || Instant::now() >= at {
                self.halt(bus);
            } else {
                bus.trace.trace(|| {
                    format!("falcon {name}: the program runs for {busy:?} before it halts")
                });
                self.halt_at = Some(at);
            }
        }
    }

    fn dma_cmd(&mut self, bus: &mut Bus<'_>, t: Result<Transfer, String>) {
        let name = self.cpu.engine.name();
        if self.in_reset {
            bus.trace
                .log(format!("falcon {name}: DMA while held in reset; ignored"));
            return;
        }
        if let Err(e) = t.and_then(|t| self.cpu.dma(bus, t)) {
            bus.trace
                .log(format!("falcon {name}: DMA transfer refused: {e}"));
        }
    }

    fn write_reg(&mut self, bus: &mut Bus<'_>, offset: u32, value: u32) -> bool {
        let rel = offset - self.cpu.engine.base();
        let turing = self.turing();
        match rel {
            QUEUE_HEAD if self.gsp_rm.is_some() => {
                if let Some(rm) = &self.gsp_rm {
                    bus.trace.trace(|| format!("GSP-RM: doorbell ({value:#x})"));
                    gsprm::lock(rm).doorbell(bus);
                }
            }
            IRQSSET => self.irqstat |= value,
            IRQSCLR => self.irqstat &= !value,
            IRQMODE => self.irqmode = value,
            IRQMSET => self.irqmask |= value,
            IRQMCLR => self.irqmask &= !value,
            IRQDEST => self.irqdest = value,
            MAILBOX0 => self.cpu.mailbox[0] = value,
            MAILBOX1 => self.cpu.mailbox[1] = value,
            OS => self.os = value,
            RM => self.rm = value,
            CPUCTL | CPUCTL_ALIAS => {
                if value & STARTCPU != 0 {
                    self.start(bus);
                }
            }
            BOOTVEC => self.cpu.bootvec = value,
            DMACTL => self.cpu.dmactl = value & 0x79,
            ENGINE => self.engine_write(bus, value),
            // The core switch completes at once: valid reads back set.
            BCR_CTRL if !turing => self.bcr_ctrl = (value & 0x111) | 1,
            r if self.brom_reg(r) => {
                self.cpu.brom.write(r, value);
            }
            _ => {
                if let Some(started) = self.dma.write(rel, value) {
                    if let Some(t) = started {
                        self.dma_cmd(bus, t);
                    }
                    return true;
                }
                return self.cpu.fbif.write(rel, value)
                    || self.ports.write(&mut self.cpu.mem, bus.trace, rel, value);
            }
        }
        true
    }

    fn brom_reg(&self, rel: u32) -> bool {
        !self.turing() && Brom::reg_name(rel).is_some()
    }
}

impl Bar0Model for Falcon {
    fn name(&self) -> &str {
        match self.cpu.engine {
            Engine::Gsp => "GSP",
            Engine::Sec2 => "SEC2",
        }
    }

    fn range(&self) -> Range<u32> {
        let base = self.cpu.engine.base();
        base..base + 0x2000
    }

    fn read32(&mut self, bus: &mut Bus<'_>, offset: u32) -> Option<u32> {
        let rel = offset - self.cpu.engine.base();
        let turing = self.turing();
        self.tick(bus);
        let (active, lockdown) = self.sync_rm(bus);
        Some(match rel {
            IRQSSET | IRQSCLR | IRQMSET | IRQMCLR => 0,
            IRQSTAT => self.irqstat,
            IRQMODE => self.irqmode,
            IRQMASK => self.irqmask,
            IRQDEST => self.irqdest,
            MAILBOX0 => self.cpu.mailbox[0],
            MAILBOX1 => self.cpu.mailbox[1],
            OS => self.os,
            RM => self.rm,
            HWCFG2 => self.hwcfg2(lockdown),
            CPUCTL => {
                if self.halted {
                    HALTED
                } else {
                    0
                }
            }
            CPUCTL_ALIAS => 0,
            BOOTVEC => self.cpu.bootvec,
            HWCFG => self.hw.hwcfg(),
            HWCFG1 => self.hw.hwcfg1(),
            DMACTL => self.dmactl(),
            ENGINE => u32::from(self.in_reset),
            RISCV_STATUS if turing => u32::from(active),
            RISCV_CPUCTL if !turing => {
                if active {
                    RISCV_ACTIVE
                } else {
                    HALTED
                }
            }
            QUEUE_HEAD if self.gsp_rm.is_some() => 0,
            BCR_CTRL if !turing => self.bcr_ctrl,
            r if self.brom_reg(r) => self.cpu.brom.read(r)?,
            _ => {
                return self
                    .dma
                    .read(rel)
                    .or_else(|| self.cpu.fbif.read(rel))
                    .or_else(|| self.ports.read(&self.cpu.mem, bus.trace, rel))
            }
        })
    }

    fn write32(&mut self, bus: &mut Bus<'_>, offset: u32, value: u32) -> bool {
        self.tick(bus);
        // What GSP-RM raised before this write is in IRQSTAT before it
        // applies (an IRQSCLR clears a SWGEN0 the driver has not read).
        self.sync_rm(bus);
        let handled = self.write_reg(bus, offset, value);
        if self.gsp_rm.is_some() {
            self.push_mailbox();
            let rel = offset - self.cpu.engine.base();
            if matches!(rel, IRQMSET | IRQMCLR | IRQDEST | ENGINE) {
                self.push_irq_routing();
            }
            self.sync_rm(bus);
        }
        handled
    }

    fn reg_name(&self, offset: u32) -> Option<String> {
        let rel = offset.checked_sub(self.cpu.engine.base())?;
        let fixed = match rel {
            IRQSSET => "IRQSSET",
            IRQSCLR => "IRQSCLR",
            IRQSTAT => "IRQSTAT",
            IRQMODE => "IRQMODE",
            IRQMSET => "IRQMSET",
            IRQMCLR => "IRQMCLR",
            IRQMASK => "IRQMASK",
            IRQDEST => "IRQDEST",
            MAILBOX0 => "MAILBOX0",
            MAILBOX1 => "MAILBOX1",
            OS => "OS",
            RM => "RM",
            HWCFG2 => "HWCFG2",
            CPUCTL => "CPUCTL",
            CPUCTL_ALIAS => "CPUCTL_ALIAS",
            BOOTVEC => "BOOTVEC",
            HWCFG => "HWCFG",
            HWCFG1 => "HWCFG1",
            DMACTL => "DMACTL",
            ENGINE => "ENGINE",
            RISCV_STATUS => "RISCV_CORE_SWITCH_RISCV_STATUS",
            RISCV_CPUCTL => "RISCV_CPUCTL",
            BCR_CTRL => "RISCV_BCR_CTRL",
            QUEUE_HEAD if self.gsp_rm.is_some() => "QUEUE_HEAD(0)",
            _ => "",
        };
        let reg = if fixed.is_empty() {
            DmaRegs::reg_name(rel)
                .map(str::to_string)
                .or_else(|| Brom::reg_name(rel).map(str::to_string))
                .or_else(|| Fbif::reg_name(rel))
                .or_else(|| Ports::reg_name(rel))?
        } else {
            fixed.to_string()
        };
        Some(format!("{}_FALCON_{reg}", self.name()))
    }

    fn reset(&mut self) {
        self.reset_state();
    }
}
