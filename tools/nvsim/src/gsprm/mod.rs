//! A model of GSP-RM (r570.144) on the GSP RISC-V core: what the driver
//! sees of it through the libos arguments, the shared-memory queues and a
//! few registers.
//!
//! nvsim does not execute GSP-RM. `booter_load` ([`crate::booter`]),
//! once it has verified the GSP-RM image and bootloader in guest memory,
//! starts this model ([`GspRm::start`]): the RISC-V core becomes active,
//! GSP-RM finds its arguments through the address in the GSP mailboxes
//! ([`libos`]), maps the shared memory and initialises its status queue
//! ([`queue`]). From then on the GSP falcon model forwards the doorbell
//! (a write to NV_PGSP_QUEUE_HEAD(0), 0x110c00, nova-core `gsp/regs.rs`)
//! to [`GspRm::doorbell`], which reads the command queue and answers
//! ([`rpc`]).
//!
//! The boot conversation, as real GSP-RM 570.144 has it on Turing to Ada
//! (nova-core `gsp/boot.rs`, `gsp/sequencer.rs`; open-gpu-kernel-modules
//! `src/nvidia/src/kernel/vgpu/rpc.c`; real boot logs, issue #18):
//!
//! 1. the driver sends GSP_SET_SYSTEM_INFO and SET_REGISTRY. Both are
//!    asynchronous: GSP-RM never answers them (`rpcGspSetSystemInfo_v17_00`
//!    and `rpcSetRegistry_v17_00` are issued with `_issueRpcAsync` and
//!    documented as "an asynchronous RPC"; no reply appears in any real
//!    log; John Hubbard's nova-core "fix GSP RPC send sequence numbers"
//!    patch, February 2026, notes that GSP sends none). GSP-RM checks and
//!    logs them; one it cannot accept stops its initialisation: a log
//!    line, no CPU sequencer, no GSP_INIT_DONE (the driver times out);
//! 2. GSP-RM posts a NOCAT journal record (GSP_POST_NOCAT_RECORD) and sends
//!    the GSP_RUN_CPU_SEQUENCER event with a script of the real size
//!    ([`script`]). The driver runs it: CORE_RESET resets the GSP falcon
//!    (GSP-RM waits, [`State::AwaitResume`]), a small ucode runs on it
//!    ([`SeqStub`]), and CORE_RESUME resets it again, writes the libos
//!    address into its mailboxes and starts SEC2, whose SEC2-RTOS
//!    ([`Sec2Rtos`]) resumes GSP-RM once it checked that the script ran:
//!    RISC-V active again, NV_PGC6_BSI_SECURE_SCRATCH_14 bit 26 (boot
//!    stage 3 handoff) set, SEC2 MAILBOX0 0;
//! 3. GSP-RM sends the PMU's print buffer (UCODE_LIBOS_PRINT), another
//!    NOCAT record, then GSP_INIT_DONE. Real GSP-RM sends these events on
//!    its own before GSP_INIT_DONE (issue #18); their payloads have the
//!    real structures' sizes (`rpc.rs`); where in the boot each comes is
//!    nvsim's estimate;
//! 4. GET_GSP_STATIC_INFO is answered with the chip's board name and the
//!    framebuffer regions of the usable framebuffer;
//! 5. UNLOADING_GUEST_DRIVER is acknowledged, then GSP-RM suspends: bit 31
//!    of the GSP MAILBOX0 (LIBOS_INTERRUPT_PROCESSOR_SUSPENDED) is set and
//!    the RISC-V core stops. A GSP falcon reset (FWSEC-SB) or
//!    `booter_unload` returns the model to [`State::Off`].
//!
//! On Hopper and Blackwell (FSP chips) the FSP and the FMC start GSP-RM
//! instead ([`crate::fsp`]): after a COT the FSP accepts, the FMC resets
//! the GSP falcon, engages the RISC-V branch privilege lockdown (GSP
//! HWCFG2 bit 13, [`GspRm::lockdown`]; also engaged from power-on), checks
//! and lays WPR2 out, and starts this model with the libos address of the
//! boot parameters ([`GspRm::fmc_start`]; no GSP mailbox handoff), which
//! releases the lockdown. The conversation has no CPU sequencer there
//! (docs/fsp-facts.md sections 1.6, 4.1; nova-core `gsp/hal/gh100.rs`):
//! once GSP_SET_SYSTEM_INFO and SET_REGISTRY are in (before the FMC
//! started GSP-RM, as OpenRM queues them, or after, as nova-core sends
//! them; commands already in the queue are read when GSP-RM starts),
//! GSP-RM does its state load (BAR1) and sends the boot events and
//! GSP_INIT_DONE as it does after the SEC2-RTOS resume on the other chips.
//! The unload is the same; a later COT boots GSP-RM afresh.
//!
//! GSP_RM_ALLOC, GSP_RM_CONTROL and FREE act on GSP-RM's objects
//! (clients, devices, subdevices, VA spaces and their page directories),
//! kept per boot ([`rm`]).
//!
//! Other RPCs are answered with `rpc_result` NV_ERR_NOT_SUPPORTED (0x56)
//! and their payload echoed, and logged. Every message GSP-RM sends sets
//! SWGEN0 (bit 6) in the GSP falcon's IRQSTAT; if the driver unmasked it
//! (IRQMASK) and routed it to the host (IRQDEST bit 6), the GSP's level
//! source in the CPU interrupt tree is asserted ([`crate::intr`]), which
//! interrupts the CPU if the driver enabled the GSP's vector there.
//!
//! Timing (`timing.rs`): with the `fast` profile every message is in the
//! status queue before the register write that caused it returns. With
//! other durations, a message is written when its time has come by a
//! background thread ([`spawn_ticker`]), which also raises the interrupt.
//!
//! Channels run on the engine thread ([`crate::fifo::engine`]): the
//! doorbell ([`GspRm::doorbell_accepted`]) only checks that GSP-RM runs,
//! and the thread runs the channel through [`GspRm::run_channel`], under
//! this model's lock, one step at a time.

pub mod bar1;
pub mod libos;
pub mod log;
pub mod queue;
pub mod rm;
pub mod rpc;
pub mod script;

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant};

use crate::bar0::Bus;
use crate::chip::Chip;
use crate::dma::DmaSpace;
use crate::falcon::hs::{Outcome, Program};
use crate::falcon::{Cpu, Engine};
use crate::fault::{FaultKind, Faults, Step};
use crate::intr::{self, IntrTree};
use crate::timing::{Step as TimingStep, Timing};
use crate::trace::Trace;
use queue::{Queue, Shm, PAGE};

/// NV_PGC6_BSI_SECURE_SCRATCH_14 (nova-core `regs.rs`).
pub const BSI_SECURE_SCRATCH_14: u32 = 0x0011_80f8;
/// Its boot stage 3 handoff bit.
pub const BOOT_STAGE_3_HANDOFF: u32 = 1 << 26;
/// GSP MAILBOX0 bit GSP-RM sets once suspended.
pub const PROCESSOR_SUSPENDED: u32 = 1 << 31;
/// The scratch register the boot sequencer plays with
/// (NV_PBUS_SW_SCRATCH(0x30)).
pub const SEQ_SCRATCH: u32 = script::SCRATCH;
/// SEC2 MAILBOX0 when CORE_RESUME came before the script's other commands
/// ran (nvsim's value).
pub const SEQUENCER_INCOMPLETE: u32 = 0xb0_07e4;

/// The GSP's RISC-V branch privilege lockdown on FSP chips (HWCFG2 bit
/// 13, `RISCV_BR_PRIV_LOCKDOWN`, 1 = locked; nova-core `regs.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lockdown {
    /// Released (always so on the other chips).
    Released,
    /// Engaged: from power-on, and from an accepted COT until the FMC has
    /// started GSP-RM.
    Engaged,
    /// Engaged until then (the FMC's run takes time, `timing.rs`).
    Until(Instant),
}

/// A GSP-RM model shared by the falcons that reach it.
pub type Shared = Arc<Mutex<GspRm>>;

/// Locks `s`, ignoring poisoning (a panicked test thread).
pub fn lock(s: &Shared) -> MutexGuard<'_, GspRm> {
    s.lock().unwrap_or_else(|e| e.into_inner())
}

/// Where GSP-RM is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Not started (or unloaded, or killed by a GSP reset).
    Off,
    /// Running and answering.
    Running,
    /// Sent the CPU sequencer; waits for CORE_RESUME through SEC2.
    AwaitResume,
    /// Suspended after UNLOADING_GUEST_DRIVER.
    Suspended,
    /// Stopped on an error (logged) or removed.
    Failed,
}

struct Session {
    libos: u64,
    shm: Shm,
    cmdq: Queue,
    statq: Queue,
    /// GSP-RM's read pointer in the command queue.
    read: u32,
    /// GSP-RM's write pointer in the status queue.
    write: u32,
    /// seqNum of the next message GSP-RM sends.
    tx_seq: u32,
    /// seqNum expected of the driver's next command.
    rx_seq: u32,
    /// Messages not yet in the status queue, with when they may go.
    pending: VecDeque<(Instant, Vec<u8>)>,
    system_info: bool,
    registry: bool,
    /// An init command was refused: GSP-RM does not go on.
    init_failed: bool,
    /// The sequencer's ucode ran on the GSP falcon.
    stub_ran: bool,
    /// GSP-RM finished its initialisation ([`GspRm::finish_init`]).
    init_done_sent: bool,
    sent: u32,
    /// The RM objects the driver allocated ([`rm`]).
    rm: rm::Objects,
    /// The log buffers ([`log`]).
    logs: log::Logs,
    /// BAR1's root and instance block, once set up at resume ([`bar1`]).
    bar1: Option<bar1::Bar1>,
}

/// The GSP-RM model.
pub struct GspRm {
    chip: &'static Chip,
    /// End of the usable framebuffer.
    fb_end: u64,
    mirror_base: u32,
    faults: Faults,
    timing: Timing,
    state: State,
    riscv_active: bool,
    /// The RISC-V core reads as active only from then on.
    active_from: Option<Instant>,
    /// UNLOADING_GUEST_DRIVER was answered; GSP-RM suspends then.
    suspend_at: Option<Instant>,
    gsp_mailbox: [u32; 2],
    mailbox0_bits: u32,
    /// A message went into the status queue since the GSP falcon last
    /// looked (it sets SWGEN0 in IRQSTAT then).
    irq: bool,
    /// The GSP falcon routes SWGEN0 to the host.
    swgen0_routed: bool,
    /// The CPU interrupt tree, whose GSP level source a message asserts.
    intr: IntrTree,
    /// Wakes the background thread ([`spawn_ticker`]) when a message is
    /// queued for later.
    wake: Option<Arc<Condvar>>,
    /// Start of the firmware-reserved framebuffer (gspFwRsvdStart).
    rsvd_start: u64,
    /// The client maps BAR1 straight onto VRAM (`--bar1-mmap`): BAR1 stays
    /// physical ([`GspRm::set_bar1_mmap`]).
    bar1_mmap: bool,
    /// The GSP's branch privilege lockdown (FSP chips).
    lockdown: Lockdown,
    /// The FMC reset the GSP falcon; the falcon applies it at its next
    /// access ([`GspRm::take_falcon_reset`]).
    falcon_reset: bool,
    session: Option<Session>,
}

impl GspRm {
    /// GSP-RM of `chip` whose usable framebuffer ends at `fb_end`, PCI
    /// config mirror at `mirror_base`, with `faults`, taking the time
    /// `timing` gives each step, interrupting through `intr`.
    pub fn new(
        chip: &'static Chip,
        fb_end: u64,
        mirror_base: u32,
        faults: Faults,
        timing: Timing,
        intr: IntrTree,
    ) -> Self {
        Self {
            chip,
            fb_end,
            mirror_base,
            faults,
            timing,
            state: State::Off,
            riscv_active: false,
            active_from: None,
            suspend_at: None,
            gsp_mailbox: [0; 2],
            mailbox0_bits: 0,
            irq: false,
            swgen0_routed: false,
            intr,
            wake: None,
            rsvd_start: fb_end,
            bar1_mmap: false,
            lockdown: Self::power_on_lockdown(chip),
            falcon_reset: false,
            session: None,
        }
    }

    fn power_on_lockdown(chip: &Chip) -> Lockdown {
        if chip.arch.has_fsp() {
            Lockdown::Engaged
        } else {
            Lockdown::Released
        }
    }

    /// Whether the GSP's RISC-V branch privilege lockdown is engaged (GSP
    /// HWCFG2 bit 13; FSP chips only: from power-on and from an accepted
    /// COT until the FMC started GSP-RM).
    pub fn lockdown(&self) -> bool {
        match self.lockdown {
            Lockdown::Released => false,
            Lockdown::Engaged => true,
            Lockdown::Until(t) => Instant::now() < t,
        }
    }

    /// Whether the FMC reset the GSP falcon since the last call (the
    /// falcon then returns to its reset state: MAILBOX0 0, bit 31 of a
    /// previous suspension included).
    pub fn take_falcon_reset(&mut self) -> bool {
        std::mem::take(&mut self.falcon_reset)
    }

    /// Counts a GSP boot (the FSP received a COT); returns its number.
    pub fn count_boot(&mut self) -> u32 {
        self.faults.boot_started();
        self.faults.boot()
    }

    /// The same, shareable.
    pub fn shared(
        chip: &'static Chip,
        fb_end: u64,
        mirror_base: u32,
        faults: Faults,
        timing: Timing,
        intr: IntrTree,
    ) -> Shared {
        Arc::new(Mutex::new(Self::new(
            chip,
            fb_end,
            mirror_base,
            faults,
            timing,
            intr,
        )))
    }

    /// Where GSP-RM is.
    pub fn state(&self) -> State {
        self.state
    }

    /// The client maps BAR1 straight onto the VRAM file (`--bar1-mmap`):
    /// its accesses never reach nvsim, so a virtual BAR1 could not apply
    /// to them. GSP-RM then still allocates BAR1's root and instance block
    /// and reports `bar1PdeBase`, but leaves the BAR1 block register in
    /// physical mode, and says so in one log line at resume.
    pub fn set_bar1_mmap(&mut self, on: bool) {
        self.bar1_mmap = on;
    }

    /// BAR1's root page directory and instance block, once GSP-RM set
    /// them up ([`bar1`]).
    pub fn bar1(&self) -> Option<bar1::Bar1> {
        self.session.as_ref().and_then(|s| s.bar1)
    }

    /// The RM objects of the running GSP-RM (clients, devices, VA spaces
    /// with their page directories), if it runs.
    pub fn rm_objects(&self) -> Option<&rm::Objects> {
        self.session.as_ref().map(|s| &s.rm)
    }

    /// The VA spaces with a registered root page directory, for the MMU
    /// audit (none while GSP-RM does not run).
    pub fn audit_targets(&self) -> Vec<crate::mmu::audit::Target> {
        let mut t = self
            .rm_objects()
            .map(|o| o.audit_targets())
            .unwrap_or_default();
        t.extend(self.bar1().map(|b| b.audit_target()));
        t
    }

    /// Whether the GSP RISC-V core runs.
    pub fn riscv_active(&self) -> bool {
        self.riscv_active && self.active_from.is_none_or(|t| Instant::now() >= t)
    }

    /// The GSP falcon routes SWGEN0 to the host (IRQMASK and IRQDEST).
    pub fn set_swgen0_routed(&mut self, routed: bool) {
        self.swgen0_routed = routed;
    }

    /// The configured faults.
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// The GSP falcon tells the model its mailbox values.
    pub fn set_gsp_mailbox(&mut self, mailbox: [u32; 2]) {
        self.gsp_mailbox = mailbox;
    }

    /// MAILBOX0 bits GSP-RM set since the last call (applying a
    /// suspension whose time has come).
    pub fn take_mailbox0_bits(&mut self, trace: &Trace) -> u32 {
        self.apply_due(trace);
        std::mem::take(&mut self.mailbox0_bits)
    }

    /// Whether GSP-RM raised SWGEN0 since the last call.
    pub fn take_irq(&mut self) -> bool {
        std::mem::take(&mut self.irq)
    }

    /// Suspends GSP-RM if UNLOADING_GUEST_DRIVER's time has come.
    fn apply_due(&mut self, trace: &Trace) {
        if self.suspend_at.is_some_and(|t| Instant::now() >= t) {
            self.suspend_at = None;
            self.suspend(trace);
        }
    }

    fn suspend(&mut self, trace: &Trace) {
        self.log(trace, log::Buf::Init, log::SUSPENDED, &[]);
        self.state = State::Suspended;
        self.riscv_active = false;
        self.mailbox0_bits |= PROCESSOR_SUSPENDED;
        trace.log("GSP-RM: suspended (GSP MAILBOX0 bit 31 set), RISC-V core stopped");
    }

    /// What the background thread does: suspends GSP-RM and writes the
    /// messages whose time has come. Returns whether it wrote any and when
    /// it has something to do next.
    pub fn tick(&mut self, dma: &DmaSpace, trace: &Trace) -> (bool, Option<Instant>) {
        self.apply_due(trace);
        let wrote = self.flush(dma, trace);
        let next_msg = self
            .session
            .as_ref()
            .and_then(|s| s.pending.front().map(|(t, _)| *t));
        let next = match (next_msg, self.suspend_at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        (wrote, next)
    }

    /// Removes the device if `remove-at=step` applies: DMA stops and BAR
    /// reads return all ones from now on. Returns whether it did.
    pub fn remove_at(&mut self, bus: &Bus<'_>, step: Step) -> bool {
        if !self.faults.active(FaultKind::RemoveAt(step)) || bus.dma.stopped() {
            return false;
        }
        bus.trace.log(format!(
            "fault remove-at={}: the device disappears (BAR reads all ones, DMA stopped)",
            step.name()
        ));
        bus.dma.stop();
        self.fail();
        true
    }

    /// Writes a record of `m` into GSP-RM's log `b` ([`log`]).
    fn log(&mut self, trace: &Trace, b: log::Buf, m: log::Msg, args: &[u64]) {
        if let Some(s) = self.session.as_mut() {
            s.logs.write(b, m, args, trace);
        }
    }

    /// GSP-RM's log buffers of this boot, if it started.
    pub fn logs(&self) -> Option<&log::Logs> {
        self.session.as_ref().map(|s| &s.logs)
    }

    fn fail(&mut self) {
        self.state = State::Failed;
        self.riscv_active = false;
        self.suspend_at = None;
        self.session = None;
    }

    /// The GSP falcon was reset (engine reset asserted).
    pub fn gsp_reset(&mut self, bus: &Bus<'_>) {
        self.riscv_active = false;
        self.mailbox0_bits = 0;
        self.suspend_at = None;
        match self.state {
            State::AwaitResume => bus.trace.trace(|| {
                "GSP-RM: GSP falcon reset by the CPU sequencer; GSP-RM waits for SEC2 to resume it"
                    .to_string()
            }),
            State::Off => {}
            s => {
                bus.trace
                    .log(format!("GSP-RM: stopped by a GSP falcon reset (was {s:?})"));
                self.state = State::Off;
                self.session = None;
            }
        }
    }

    /// Device reset: back to the power-on state (the faults and their boot
    /// count stay).
    pub fn power_on(&mut self) {
        self.state = State::Off;
        self.session = None;
        self.riscv_active = false;
        self.active_from = None;
        self.suspend_at = None;
        self.gsp_mailbox = [0; 2];
        self.mailbox0_bits = 0;
        self.irq = false;
        self.swgen0_routed = false;
        self.lockdown = Self::power_on_lockdown(self.chip);
        self.falcon_reset = false;
    }

    /// `booter_unload` ran: GSP-RM is gone, the next boot starts afresh.
    pub fn unloaded(&mut self, bus: &mut Bus<'_>) {
        if self.state != State::Off {
            bus.trace.log(format!(
                "GSP-RM: reset by booter_unload (was {:?})",
                self.state
            ));
        }
        self.state = State::Off;
        self.session = None;
        self.riscv_active = false;
        self.suspend_at = None;
        self.mailbox0_bits = 0;
        let v = bus.regs.read(BSI_SECURE_SCRATCH_14).unwrap_or(0);
        bus.regs
            .set_hw(BSI_SECURE_SCRATCH_14, v & !BOOT_STAGE_3_HANDOFF);
    }

    /// `booter_load` verified GSP-RM and starts it; `rsvd_start` is the
    /// start of the firmware-reserved framebuffer from the WPR metadata.
    /// The RISC-V core reads as active from `active_from` on (when
    /// `booter_load` halts), at once if `None`.
    pub fn start(&mut self, bus: &mut Bus<'_>, rsvd_start: u64, active_from: Option<Instant>) {
        self.faults.boot_started();
        let libos = u64::from(self.gsp_mailbox[0]) | (u64::from(self.gsp_mailbox[1]) << 32);
        self.boot(bus, libos, rsvd_start, active_from);
    }

    /// The FMC takes the GSP over after an accepted COT (FSP chips): it
    /// resets the GSP falcon (a GSP-RM still there, suspended after an
    /// unload or running, is gone) and engages the branch privilege
    /// lockdown until it starts GSP-RM ([`GspRm::fmc_start`]).
    pub fn fmc_reset_gsp(&mut self, bus: &Bus<'_>) {
        if self.state != State::Off {
            bus.trace.log(format!(
                "GSP-RM: stopped by the FMC's GSP reset (was {:?})",
                self.state
            ));
        }
        self.state = State::Off;
        self.session = None;
        self.riscv_active = false;
        self.active_from = None;
        self.suspend_at = None;
        self.mailbox0_bits = 0;
        self.gsp_mailbox = [0; 2];
        self.swgen0_routed = false;
        self.falcon_reset = true;
        self.lockdown = Lockdown::Engaged;
    }

    /// The FMC starts GSP-RM (FSP chips; the boot was counted at the COT):
    /// libos arguments at `libos` (the boot parameters' bootArgsOffset),
    /// the firmware-reserved framebuffer from `rsvd_start` (the FMC's
    /// layout). The lockdown is released and the RISC-V core active from
    /// `active_from` (at once if `None`). Commands the driver queued
    /// before are read now.
    pub fn fmc_start(
        &mut self,
        bus: &mut Bus<'_>,
        libos: u64,
        rsvd_start: u64,
        active_from: Option<Instant>,
    ) {
        self.lockdown = active_from.map_or(Lockdown::Released, Lockdown::Until);
        self.boot(bus, libos, rsvd_start, active_from);
        if self.state == State::Running {
            self.process_queue(bus);
        }
    }

    fn boot(
        &mut self,
        bus: &mut Bus<'_>,
        libos: u64,
        rsvd_start: u64,
        active_from: Option<Instant>,
    ) {
        let boot = self.faults.boot();
        self.session = None;
        self.mailbox0_bits = 0;
        self.suspend_at = None;
        self.active_from = active_from;
        self.rsvd_start = rsvd_start.min(self.fb_end);
        let v = bus.regs.read(BSI_SECURE_SCRATCH_14).unwrap_or(0);
        bus.regs
            .set_hw(BSI_SECURE_SCRATCH_14, v & !BOOT_STAGE_3_HANDOFF);
        if self.faults.active(FaultKind::GspInactive) {
            bus.trace.log(format!(
                "fault gsp-inactive: boot {boot}: GSP-RM does not start, the RISC-V core stays \
                 inactive"
            ));
            self.state = State::Failed;
            self.riscv_active = false;
            return;
        }
        self.riscv_active = true;
        bus.trace
            .log(format!("GSP-RM: boot {boot}: RISC-V core active"));
        match Self::open(bus, libos, self.chip, boot, (self.fb_end, self.rsvd_start)) {
            Ok(s) => {
                bus.trace.log(format!(
                    "GSP-RM: libos arguments at {libos:#x}; shared memory {:#x} bytes, command \
                     queue at {:#x} ({} entries), status queue at {:#x}",
                    s.shm.size(),
                    s.cmdq.base,
                    s.cmdq.count,
                    s.statq.base
                ));
                self.session = Some(s);
                self.state = State::Running;
            }
            Err(e) => {
                bus.trace
                    .log(format!("GSP-RM: cannot start: {e}; GSP-RM halts"));
                self.state = State::Failed;
            }
        }
    }

    fn open(
        bus: &Bus<'_>,
        libos: u64,
        chip: &'static Chip,
        boot: u32,
        (fb_end, rsvd_start): (u64, u64),
    ) -> Result<Session, String> {
        let regions = libos::regions(bus.dma, libos)?;
        let args = libos::rm_args(bus.dma, &regions)?;
        let shm = Shm::map(bus.dma, args.shm, args.ptes)?;
        let cmdq = Queue::read(&shm, bus.dma, args.cmdq)?;
        let statq = Queue::status(&shm, args.statq, &cmdq)?;
        statq.init_tx(&shm, bus.dma)?;
        let mut logs = log::Logs::open(bus.dma, &regions, bus.trace);
        let t = bus.trace;
        let gpu = log::string_va(&chip.name.to_uppercase()).unwrap_or(0);
        logs.write(log::Buf::Init, log::BOOT, &[u64::from(boot), libos], t);
        logs.write(
            log::Buf::Init,
            log::GPU,
            &[gpu, fb_end >> 20, rsvd_start],
            t,
        );
        logs.write(
            log::Buf::Init,
            log::QUEUES,
            &[args.shm, u64::from(args.ptes), cmdq.base, statq.base],
            t,
        );
        Ok(Session {
            logs,
            libos,
            shm,
            cmdq,
            statq,
            read: 0,
            write: 0,
            tx_seq: 0,
            rx_seq: 0,
            pending: VecDeque::new(),
            system_info: false,
            registry: false,
            init_failed: false,
            stub_ran: false,
            init_done_sent: false,
            sent: 0,
            rm: rm::Objects::new(chip).with_memory(crate::mmu::Memory {
                vram: bus.vram.clone(),
                dma: bus.dma.clone(),
            }),
            bar1: None,
        })
    }

    /// The driver rang the doorbell.
    pub fn doorbell(&mut self, bus: &mut Bus<'_>) {
        match self.state {
            State::Running | State::AwaitResume => {}
            State::Off if self.chip.arch.has_fsp() => {
                bus.trace.log(
                    "GSP-RM: doorbell rung before the FMC started GSP-RM; the commands wait in \
                     the queue until it starts",
                );
                return;
            }
            s => {
                bus.trace.log(format!(
                    "GSP-RM: doorbell rung while GSP-RM is {s:?}; nobody reads the queue"
                ));
                return;
            }
        }
        if let Some(s) = self.session.as_mut() {
            if let Ok(w) = s.shm.read_u32(bus.dma, s.cmdq.write_ptr_at()) {
                s.logs
                    .write(log::Buf::Intr, log::DOORBELL, &[u64::from(w)], bus.trace);
            }
        }
        self.process_queue(bus);
    }

    /// Reads and handles every command in the queue.
    fn process_queue(&mut self, bus: &mut Bus<'_>) {
        loop {
            match self.receive(bus) {
                Ok(Some(msg)) => self.handle(bus, msg),
                Ok(None) => break,
                Err(e) => {
                    bus.trace
                        .log(format!("GSP-RM: command queue: {e}; GSP-RM halts"));
                    self.fail();
                    return;
                }
            }
            if !matches!(self.state, State::Running | State::AwaitResume) {
                return;
            }
        }
        self.flush(bus.dma, bus.trace);
    }

    /// Reads the next command, if any. A message with a bad checksum is
    /// logged and skipped (`Ok(Some)` of the next one, or `Ok(None)`).
    fn receive(&mut self, bus: &Bus<'_>) -> Result<Option<queue::Message>, String> {
        let Some(s) = self.session.as_mut() else {
            return Ok(None);
        };
        loop {
            let write = s.shm.read_u32(bus.dma, s.cmdq.write_ptr_at())?;
            if write >= s.cmdq.count {
                return Err(format!(
                    "driver write pointer {write} beyond the {} entries",
                    s.cmdq.count
                ));
            }
            if write == s.read {
                return Ok(None);
            }
            let first =
                s.cmdq
                    .read_msg(&s.shm, bus.dma, s.read, queue::ELEM_HDR + queue::RPC_HDR)?;
            let (elems, len) =
                queue::header_len(&first).map_err(|e| format!("entry {}: {e}", s.read))?;
            let used = s.cmdq.used(write, s.read);
            if elems > used {
                return Err(format!(
                    "entry {}: message of {elems} entries, only {used} written",
                    s.read
                ));
            }
            let bytes = s.cmdq.read_msg(&s.shm, bus.dma, s.read, len)?;
            let at = s.read;
            s.read = (s.read + elems) % s.cmdq.count;
            s.shm.write_u32(bus.dma, s.statq.read_ptr_at(), s.read)?;
            bus.trace.trace(|| {
                format!(
                    "GSP-RM: command queue entries {at}..+{elems}, read pointer now {}",
                    s.read
                )
            });
            match queue::decode(&bytes) {
                Ok(m) => {
                    if m.seq != s.rx_seq {
                        bus.trace.log(format!(
                            "GSP-RM: command seqNum {}, expected {}",
                            m.seq, s.rx_seq
                        ));
                    }
                    s.rx_seq = m.seq.wrapping_add(1);
                    return Ok(Some(m));
                }
                Err(e) => bus
                    .trace
                    .log(format!("GSP-RM: entry {at}: {e}; the message is dropped")),
            }
        }
    }

    fn handle(&mut self, bus: &mut Bus<'_>, m: queue::Message) {
        let name = rpc::name(m.function);
        bus.trace.log(format!(
            "GSP-RM: received {name} (seq {}, {:#x}-byte payload)",
            m.seq,
            m.payload.len()
        ));
        self.log(
            bus.trace,
            log::Buf::Rm,
            log::RPC_IN,
            &[
                u64::from(m.function),
                u64::from(m.seq),
                m.payload.len() as u64,
            ],
        );
        let reply_after = self.timing.get(TimingStep::Rpc);
        match m.function {
            rpc::GSP_SET_SYSTEM_INFO => {
                let ok = match rpc::system_info(&m.payload, self.chip, self.mirror_base) {
                    Ok(i) => {
                        bus.trace.log(format!(
                            "GSP-RM: system info: BAR0 {:#x}, BAR1 {:#x}, BAR3 {:#x}, PCI \
                             {:#010x}/{:#010x}, config mirror {:#x}+{:#x}",
                            i.bar0, i.bar1, i.bar3, i.pci_id, i.pci_sub_id, i.mirror.0, i.mirror.1
                        ));
                        self.log(
                            bus.trace,
                            log::Buf::Rm,
                            log::SYSTEM_INFO,
                            &[i.bar0, u64::from(i.pci_id), u64::from(i.pci_sub_id)],
                        );
                        true
                    }
                    Err(e) => {
                        let f = u64::from(m.function);
                        self.log(bus.trace, log::Buf::Init, log::INIT_STOPPED, &[f]);
                        self.init_refused(bus, &format!("GSP_SET_SYSTEM_INFO refused: {e}"));
                        false
                    }
                };
                if let Some(s) = self.session.as_mut() {
                    s.system_info = ok;
                }
                self.maybe_sequencer(bus);
            }
            rpc::SET_REGISTRY => {
                let ok = match rpc::registry(&m.payload) {
                    Ok(entries) => {
                        bus.trace
                            .log(format!("GSP-RM: registry: {}", entries.join(", ")));
                        let n = entries.len() as u64;
                        self.log(bus.trace, log::Buf::Rm, log::REGISTRY, &[n]);
                        true
                    }
                    Err(e) => {
                        let f = u64::from(m.function);
                        self.log(bus.trace, log::Buf::Init, log::INIT_STOPPED, &[f]);
                        self.init_refused(bus, &format!("SET_REGISTRY refused: {e}"));
                        false
                    }
                };
                if let Some(s) = self.session.as_mut() {
                    s.registry = ok;
                }
                self.maybe_sequencer(bus);
            }
            rpc::GET_GSP_STATIC_INFO => {
                if self.remove_at(bus, Step::StaticInfo) {
                    return;
                }
                let regions = self.fb_regions();
                let internal = self
                    .session
                    .as_ref()
                    .map_or([0; 3], |s| s.rm.internal_handles());
                let bar1_root = self.bar1().map_or(0, |b| b.root);
                let mut p = rpc::static_info(self.chip, self.fb_end, &regions, internal, bar1_root);
                if self.faults.active(FaultKind::BadReply) {
                    bus.trace
                        .log("fault bad-reply: GET_GSP_STATIC_INFO reply truncated to 0x100 bytes");
                    p.truncate(0x100);
                }
                bus.trace.log(format!(
                    "GSP-RM: static info: {:?}, {} FB regions, fb_length {:#x}, internal \
                     client/device/subdevice {:#010x}/{:#010x}/{:#010x}, bar1PdeBase {:#x}",
                    format!("NVIDIA {}", self.chip.board),
                    regions.len(),
                    self.fb_end,
                    internal[0],
                    internal[1],
                    internal[2],
                    bar1_root
                ));
                self.send(
                    bus.trace,
                    m.function,
                    rpc::NV_OK,
                    m.rpc_seq,
                    &p,
                    reply_after,
                );
            }
            rpc::UNLOADING_GUEST_DRIVER => {
                match rpc::unloading(&m.payload) {
                    Ok((pm, level)) => {
                        bus.trace.log(format!(
                            "GSP-RM: unloading guest driver: level {level}, PM transition {pm}"
                        ));
                        let a = [u64::from(level), u64::from(pm)];
                        self.log(bus.trace, log::Buf::Rm, log::UNLOADING, &a);
                        self.bar1_unload(bus, pm);
                    }
                    Err(e) => bus
                        .trace
                        .log(format!("GSP-RM: UNLOADING_GUEST_DRIVER: {e}")),
                }
                self.send(
                    bus.trace,
                    m.function,
                    rpc::NV_OK,
                    m.rpc_seq,
                    &[],
                    reply_after,
                );
                self.flush(bus.dma, bus.trace);
                let after = reply_after.max(self.timing.get(TimingStep::GspUnload));
                if after.is_zero() {
                    self.suspend(bus.trace);
                } else {
                    self.suspend_at = Some(Instant::now() + after);
                    self.notify();
                }
            }
            f if rm::Objects::serves(f) => {
                let Some(s) = self.session.as_mut() else {
                    return;
                };
                let (result, reply) = s.rm.handle(f, &m.payload, bus.trace);
                self.send(bus.trace, f, result, m.rpc_seq, &reply, reply_after);
            }
            rpc::CONTINUATION_RECORD => {}
            rpc::NOP => self.send(
                bus.trace,
                m.function,
                rpc::NV_OK,
                m.rpc_seq,
                &[],
                reply_after,
            ),
            _ => {
                bus.trace.log(format!(
                    "GSP-RM: {name} is not modelled; replying NV_ERR_NOT_SUPPORTED"
                ));
                self.send(
                    bus.trace,
                    m.function,
                    rpc::NV_ERR_NOT_SUPPORTED,
                    m.rpc_seq,
                    &m.payload,
                    reply_after,
                );
            }
        }
    }

    /// An init command GSP-RM cannot accept: it stops initialising (as
    /// real GSP-RM gives no reply to either, the driver sees no sequencer
    /// and no GSP_INIT_DONE); it still reads the queue, so an unload
    /// works.
    fn init_refused(&mut self, bus: &Bus<'_>, why: &str) {
        bus.trace.log(format!(
            "GSP-RM: {why}; GSP-RM stops initialising (no CPU sequencer, no GSP_INIT_DONE)"
        ));
        if let Some(s) = self.session.as_mut() {
            s.init_failed = true;
        }
    }

    /// State load: BAR1's root page directory and instance block in the
    /// non-WPR heap, bound in virtual mode ([`bar1`]).
    fn bar1_init(&mut self, bus: &mut Bus<'_>) {
        let Some(b) = bar1::Bar1::place(self.rsvd_start, self.fb_end) else {
            bus.trace.log(format!(
                "GSP-RM: no room for BAR1's root page directory and instance block at \
                 {:#x} (usable framebuffer ends at {:#x}); BAR1 stays physical, bar1PdeBase 0",
                self.rsvd_start, self.fb_end
            ));
            return;
        };
        let bind = !self.bar1_mmap;
        b.set_up(self.chip.arch, bus.vram, bus.regs, bind);
        if bind {
            bus.trace.log(format!(
                "GSP-RM: BAR1 in virtual mode: instance block vram {:#x}, root page directory \
                 (bar1PdeBase) vram {:#x}, 64K big pages",
                b.inst, b.root
            ));
        } else {
            bus.trace.log(format!(
                "GSP-RM: BAR1 left in physical mode because of --bar1-mmap (the client maps \
                 BAR1 straight onto VRAM); r570 GSP-RM would bind instance block vram {:#x} \
                 with the root vram {:#x} (bar1PdeBase, still reported): BAR1 page tables a \
                 driver builds under it do not apply to BAR1 accesses",
                b.inst, b.root
            ));
        }
        if let Some(s) = self.session.as_mut() {
            s.bar1 = Some(b);
        }
    }

    /// UNLOADING_GUEST_DRIVER: without a PM transition RM destroys BAR1
    /// and returns it to physical mode over video memory; with one BAR1
    /// stays as it is ([`bar1`]).
    fn bar1_unload(&mut self, bus: &mut Bus<'_>, pm: bool) {
        if pm || self.bar1().is_none() {
            return;
        }
        bar1::teardown(self.chip.arch, bus.regs);
        if let Some(s) = self.session.as_mut() {
            s.bar1 = None;
        }
        bus.trace
            .log("GSP-RM: BAR1 torn down: block register back to physical mode, video memory");
    }

    fn fb_regions(&self) -> Vec<rpc::FbRegion> {
        let mut r = Vec::new();
        if self.rsvd_start > 0 {
            r.push(rpc::FbRegion {
                base: 0,
                limit: self.rsvd_start - 1,
                reserved: false,
                protected: false,
            });
        }
        if self.rsvd_start < self.fb_end {
            r.push(rpc::FbRegion {
                base: self.rsvd_start,
                limit: self.fb_end - 1,
                reserved: true,
                protected: true,
            });
        }
        r
    }

    /// After both init commands: a NOCAT record, then the CPU sequencer;
    /// on FSP chips, which have no sequencer, GSP-RM's state load and
    /// GSP_INIT_DONE ([`GspRm::finish_init`]).
    fn maybe_sequencer(&mut self, bus: &mut Bus<'_>) {
        let ready = self
            .session
            .as_ref()
            .is_some_and(|s| s.system_info && s.registry && !s.init_failed);
        if !ready || self.state != State::Running {
            return;
        }
        let after = self.timing.get(TimingStep::GspInit);
        if self.chip.arch.has_fsp() {
            if self.session.as_ref().is_some_and(|s| s.init_done_sent) {
                return;
            }
            if self.remove_at(bus, Step::InitDone) {
                return;
            }
            // Not before the RISC-V core runs (commands queued before the
            // COT are read when the FMC starts GSP-RM).
            let running_in = self.active_from.map_or(Duration::ZERO, |t| {
                t.saturating_duration_since(Instant::now())
            });
            let after = (after + self.timing.get(TimingStep::GspResume)).max(running_in);
            bus.trace
                .log("GSP-RM: initialised (no CPU sequencer on this chip)");
            self.finish_init(bus, after);
            return;
        }
        let nocat = rpc::nocat_record(rpc::NOCAT_REC_TYPE_ASSERT, "GSP-RM", 0);
        self.send(
            bus.trace,
            rpc::EVENT_GSP_POST_NOCAT_RECORD,
            rpc::NV_OK,
            0,
            &nocat,
            after,
        );
        let cmds = script::script(self.chip.arch);
        let refs: Vec<(u32, &[u32])> = cmds.iter().map(|(o, a)| (*o, a.as_slice())).collect();
        let p = rpc::sequencer(&refs);
        bus.trace.log(format!(
            "GSP-RM: sending GSP_RUN_CPU_SEQUENCER: {} commands, {} dwords (every opcode, \
             CORE_RESUME last)",
            cmds.len(),
            (p.len() - 0x28) / 4
        ));
        let n = cmds.len() as u64;
        self.log(bus.trace, log::Buf::Init, log::SEQUENCER, &[n]);
        self.send(
            bus.trace,
            rpc::EVENT_GSP_RUN_CPU_SEQUENCER,
            rpc::NV_OK,
            0,
            &p,
            after,
        );
        self.state = State::AwaitResume;
    }

    /// The sequencer's ucode ran on the GSP falcon ([`SeqStub`]).
    fn stub_ran(&mut self) {
        if let Some(s) = self.session.as_mut() {
            s.stub_ran = true;
        }
    }

    /// What of the script the driver has not run, if anything.
    fn script_missing(&self, bus: &Bus<'_>) -> Option<String> {
        let scratch = bus.regs.read(SEQ_SCRATCH).unwrap_or(0);
        if scratch != script::SCRATCH_DONE {
            return Some(format!(
                "NV_PBUS_SW_SCRATCH(0x30) is {scratch:#x}, the script's REG_WRITE/REG_MODIFY \
                 leave {:#x}",
                script::SCRATCH_DONE
            ));
        }
        if !self.session.as_ref().is_some_and(|s| s.stub_ran) {
            return Some(
                "the script's ucode never ran on the GSP falcon (CORE_RESET, IMEM load, \
                 CORE_START, CORE_WAIT_FOR_HALT)"
                    .to_string(),
            );
        }
        None
    }

    /// SEC2 started while GSP-RM waits for CORE_RESUME: resume. Returns
    /// SEC2's MAILBOX0, or `None` if GSP-RM is not waiting.
    pub fn sec2_started(&mut self, bus: &mut Bus<'_>) -> Option<u32> {
        if self.state != State::AwaitResume {
            return None;
        }
        if self.remove_at(bus, Step::InitDone) {
            return Some(0);
        }
        let libos = self.session.as_ref().map_or(0, |s| s.libos);
        let got = u64::from(self.gsp_mailbox[0]) | (u64::from(self.gsp_mailbox[1]) << 32);
        if got != libos {
            bus.trace.log(format!(
                "SEC2-RTOS: CORE_RESUME: the GSP mailboxes hold {got:#x}, not the libos \
                 arguments {libos:#x}; GSP-RM does not resume"
            ));
            self.fail();
            return Some(crate::booter::BAD_WPR_META);
        }
        if let Some(why) = self.script_missing(bus) {
            bus.trace.log(format!(
                "SEC2-RTOS: CORE_RESUME before the CPU sequencer's other commands ran: {why}; \
                 GSP-RM does not resume"
            ));
            self.fail();
            return Some(SEQUENCER_INCOMPLETE);
        }
        self.state = State::Running;
        self.riscv_active = true;
        self.active_from = None;
        let v = bus.regs.read(BSI_SECURE_SCRATCH_14).unwrap_or(0);
        bus.regs
            .set_hw(BSI_SECURE_SCRATCH_14, v | BOOT_STAGE_3_HANDOFF);
        bus.trace.log(
            "SEC2-RTOS: GSP-RM resumed (RISC-V core active, BSI_SECURE_SCRATCH_14 boot stage 3 \
             handoff)",
        );
        self.finish_init(bus, self.timing.get(TimingStep::GspResume));
        Some(0)
    }

    /// GSP-RM's state load and the end of its initialisation: BAR1 set up,
    /// the PMU's print buffer, a NOCAT record and GSP_INIT_DONE, each
    /// `after` from now (after the SEC2-RTOS resume; on FSP chips after the
    /// init commands).
    fn finish_init(&mut self, bus: &mut Bus<'_>, after: Duration) {
        if let Some(s) = self.session.as_mut() {
            s.init_done_sent = true;
        }
        self.bar1_init(bus);
        let print = rpc::libos_print_pmu("nvsim: PMU started\n");
        self.send(
            bus.trace,
            rpc::EVENT_UCODE_LIBOS_PRINT,
            rpc::NV_OK,
            0,
            &print,
            after,
        );
        let nocat = rpc::nocat_record(rpc::NOCAT_REC_TYPE_ASSERT, "GSP-RM", 1);
        self.send(
            bus.trace,
            rpc::EVENT_GSP_POST_NOCAT_RECORD,
            rpc::NV_OK,
            0,
            &nocat,
            after,
        );
        if self.faults.active(FaultKind::NoInitDone) {
            bus.trace
                .log("fault no-init-done: GSP-RM does not send GSP_INIT_DONE");
        } else {
            self.log(bus.trace, log::Buf::Init, log::INIT_DONE, &[]);
            self.send(
                bus.trace,
                rpc::EVENT_GSP_INIT_DONE,
                rpc::NV_OK,
                0,
                &[],
                after,
            );
        }
        self.flush(bus.dma, bus.trace);
    }

    /// The driver rang a channel's doorbell with `token`
    /// ([`crate::fifo::usermode`]). Returns whether the host takes it
    /// (GSP-RM runs and the device is still there, `remove-at=doorbell`);
    /// the engine thread then runs the channel ([`crate::fifo::engine`]).
    pub fn doorbell_accepted(&mut self, token: u32, bus: &Bus<'_>) -> bool {
        if self.state != State::Running {
            bus.trace.log(format!(
                "fifo: doorbell token {token:#x} while GSP-RM is {:?}: no channel runs",
                self.state
            ));
            return false;
        }
        !self.remove_at(bus, Step::Doorbell)
    }

    /// The host runs the channel whose work-submit token is `token`
    /// through `mmu`, starting at most `limit` GPFIFO entries besides the
    /// one in progress (the engine thread, [`crate::fifo::engine`]). A
    /// channel error stops the channel and GSP-RM sends the driver
    /// MMU_FAULT_QUEUED (for an MMU fault) and RC_TRIGGERED
    /// ([`crate::fifo::rc`]), raising SWGEN0 as for any message.
    pub fn run_channel(
        &mut self,
        token: u32,
        limit: u32,
        mmu: &crate::mmu::Gmmu,
        dma: &DmaSpace,
        trace: &Trace,
    ) -> crate::fifo::pbdma::Ran {
        use crate::fifo::pbdma::{self, Ran};
        use crate::fifo::rc;
        if self.state != State::Running {
            trace.log(format!(
                "fifo: token {token:#x}: GSP-RM is {:?}, the host does not run the channel",
                self.state
            ));
            return Ran::Stopped;
        }
        let arch = self.chip.arch;
        let Some(s) = self.session.as_mut() else {
            return Ran::Stopped;
        };
        let Some((client, handle, ch)) = s.rm.channel_by_token(token) else {
            trace.log(format!(
                "fifo: doorbell token {token:#x} names no channel; nothing runs"
            ));
            return Ran::Stopped;
        };
        if let Some(e) = &ch.exec.stopped {
            trace.log(format!(
                "fifo: doorbell on chid {} (client {client:#010x} channel {handle:#010x}), \
                 stopped by {}: nothing runs",
                ch.chid,
                e.type_name()
            ));
            return Ran::Stopped;
        }
        if !ch.scheduled {
            trace.log(format!(
                "fifo: doorbell on chid {} (client {client:#010x} channel {handle:#010x}), which \
                 is not scheduled (NVA06F_CTRL_CMD_GPFIFO_SCHEDULE): the host does not run it",
                ch.chid
            ));
            return Ran::Stopped;
        }
        let cx = pbdma::Ctx {
            mmu,
            trace,
            arch,
            ce_class: rm::abi::class::for_arch(arch).ce,
            faults: &self.faults,
            intr: &self.intr,
        };
        let retry = ch.exec.waiting.is_some();
        let err = match pbdma::run(ch, &cx, limit) {
            Ok(p) => {
                if !retry || p.methods > 1 || p.waiting.is_none() {
                    trace.trace(|| {
                        format!(
                            "fifo: chid {}: {} GPFIFO entries, {} methods, GP_GET {}{}{}",
                            ch.chid,
                            p.entries,
                            p.methods,
                            ch.exec.gp_get,
                            if p.more { "; more to run" } else { "" },
                            p.waiting
                                .as_ref()
                                .map(|w| format!("; waits: {w}"))
                                .unwrap_or_default()
                        )
                    });
                }
                return p.ran();
            }
            Err(e) => e,
        };
        trace.log(format!(
            "fifo: chid {} (client {client:#010x} channel {handle:#010x}, {}) stopped: {}: {}{}",
            ch.chid,
            rm::channel::engine_name(ch.engine_type),
            err.type_name(),
            err.what,
            err.fault
                .as_ref()
                .map(|f| format!(": {f}"))
                .unwrap_or_default()
        ));
        let payload = rc::rc_triggered(ch.engine_type, ch.chid, &err);
        let mmu_fault = err.fault.is_some();
        ch.exec.stopped = Some(err);
        if mmu_fault {
            self.send(
                trace,
                rc::EVENT_MMU_FAULT_QUEUED,
                rpc::NV_OK,
                0,
                &[],
                Duration::ZERO,
            );
        }
        self.send(
            trace,
            rc::EVENT_RC_TRIGGERED,
            rpc::NV_OK,
            0,
            &payload,
            Duration::ZERO,
        );
        self.flush(dma, trace);
        Ran::Stopped
    }

    /// Queues a message for the status queue, to go once `after` has
    /// passed (and after the messages queued before it).
    fn send(
        &mut self,
        trace: &Trace,
        function: u32,
        result: u32,
        rpc_seq: u32,
        payload: &[u8],
        after: Duration,
    ) {
        let bad = self.faults.active(FaultKind::BadChecksum);
        let Some(s) = self.session.as_mut() else {
            return;
        };
        let corrupt = bad && s.sent == 0;
        if corrupt {
            trace.log(format!(
                "fault bad-checksum: {} goes out with a wrong checksum",
                rpc::name(function)
            ));
        }
        let m = queue::encode(s.tx_seq, function, result, rpc_seq, payload, None, corrupt);
        trace.log(format!(
            "GSP-RM: sending {} (seq {}, result {result:#x}, {:#x}-byte payload, message \
             length {:#x}{})",
            rpc::name(function),
            s.tx_seq,
            payload.len(),
            m.len(),
            if after.is_zero() {
                String::new()
            } else {
                format!(", after {after:?}")
            }
        ));
        s.logs.write(
            log::Buf::Rm,
            log::RPC_OUT,
            &[u64::from(function), u64::from(result), payload.len() as u64],
            trace,
        );
        s.tx_seq = s.tx_seq.wrapping_add(1);
        s.sent += 1;
        let mut due = Instant::now() + after;
        if let Some((last, _)) = s.pending.back() {
            due = due.max(*last);
        }
        s.pending.push_back((due, m));
        if !after.is_zero() {
            self.notify();
        }
    }

    fn notify(&self) {
        if let Some(w) = &self.wake {
            w.notify_one();
        }
    }

    /// Writes the pending messages whose time has come into the status
    /// queue, as space allows. Returns whether it wrote any.
    fn flush(&mut self, dma: &DmaSpace, trace: &Trace) -> bool {
        let Some(s) = self.session.as_mut() else {
            return false;
        };
        let now = Instant::now();
        let mut sent = false;
        while let Some((due, m)) = s.pending.front() {
            if *due > now {
                break;
            }
            let elems = (m.len() as u64).div_ceil(PAGE) as u32;
            let read = match s.shm.read_u32(dma, s.cmdq.read_ptr_at()) {
                Ok(r) if r < s.statq.count => r,
                Ok(r) => {
                    trace.log(format!(
                        "GSP-RM: driver read pointer {r} beyond the status queue; {} pending \
                         message(s) dropped",
                        s.pending.len()
                    ));
                    s.pending.clear();
                    break;
                }
                Err(e) => {
                    trace.log(format!(
                        "GSP-RM: status queue: {e}; {} pending message(s) dropped",
                        s.pending.len()
                    ));
                    s.pending.clear();
                    break;
                }
            };
            if s.statq.free(s.write, read) < elems {
                trace.trace(|| "GSP-RM: status queue full; message held back".to_string());
                break;
            }
            let done = s.statq.write_msg(&s.shm, dma, s.write, m).and_then(|()| {
                let w = (s.write + elems) % s.statq.count;
                s.shm.write_u32(dma, s.statq.write_ptr_at(), w).map(|()| w)
            });
            match done {
                Ok(w) => {
                    s.write = w;
                    s.pending.pop_front();
                    sent = true;
                }
                Err(e) => {
                    trace.log(format!(
                        "GSP-RM: status queue write: {e}; {} pending message(s) dropped",
                        s.pending.len()
                    ));
                    s.pending.clear();
                    break;
                }
            }
        }
        if sent {
            self.irq = true;
            if self.swgen0_routed {
                self.intr.set_level(intr::GSP_STALL, true);
            }
        }
        sent
    }
}

/// Starts the thread that writes GSP-RM's delayed messages when their time
/// comes (asserting the GSP's interrupt for them) and applies a delayed
/// suspension (only needed when `timing.rs` gives a step a duration). It
/// ends once `rm` is dropped.
pub fn spawn_ticker(rm: &Shared, dma: DmaSpace, trace: Trace) {
    let wake = Arc::new(Condvar::new());
    lock(rm).wake = Some(wake.clone());
    let weak: Weak<Mutex<GspRm>> = Arc::downgrade(rm);
    let log = trace.clone();
    let spawned = std::thread::Builder::new()
        .name("nvsim-gsp-rm".into())
        .spawn(move || loop {
            let Some(rm) = weak.upgrade() else {
                return;
            };
            let mut g = lock(&rm);
            let (_, next) = g.tick(&dma, &trace);
            let idle = Duration::from_millis(100);
            let wait = next.map_or(idle, |t| {
                t.saturating_duration_since(Instant::now()).min(idle)
            });
            if !wait.is_zero() {
                // Woken early when a message is queued.
                drop(wake.wait_timeout(g, wait));
            }
        });
    if let Err(e) = spawned {
        log.log(format!(
            "GSP-RM: cannot start the timing thread: {e}; delayed messages wait for the next \
             doorbell"
        ));
    }
}

/// The ucode of the CPU sequencer script ([`script`]) on the GSP falcon:
/// while GSP-RM waits for CORE_RESUME, a start of the GSP falcon at the
/// ucode halts it at once with MAILBOX0 cleared (the answer the script
/// polls for).
pub struct SeqStub {
    rm: Shared,
}

impl SeqStub {
    /// The sequencer ucode of `rm`.
    pub fn new(rm: Shared) -> Self {
        Self { rm }
    }
}

impl Program for SeqStub {
    fn name(&self) -> &str {
        "gsp-rm sequencer ucode"
    }

    fn start(&mut self, cpu: &mut Cpu, bus: &mut Bus<'_>) -> Option<Outcome> {
        if cpu.engine != Engine::Gsp {
            return None;
        }
        let mut g = lock(&self.rm);
        if g.state() != State::AwaitResume {
            return None;
        }
        let want = script::stub_bytes();
        match cpu.mem.read_virtual(cpu.bootvec, want.len()) {
            Some((code, _)) if code == want => {}
            _ => return None,
        }
        if cpu.mailbox[0] != script::STUB_TOKEN {
            bus.trace.log(format!(
                "GSP-RM: the sequencer ucode started with MAILBOX0 {:#x}, not {:#x}; it halts \
                 without answering",
                cpu.mailbox[0],
                script::STUB_TOKEN
            ));
            return Some(Outcome::Halted);
        }
        cpu.mailbox[0] = 0;
        g.stub_ran();
        bus.trace
            .trace(|| "GSP-RM: the sequencer ucode ran on the GSP falcon".to_string());
        Some(Outcome::Halted)
    }
}

/// SEC2-RTOS: what SEC2 runs when the CPU sequencer's CORE_RESUME starts
/// it while GSP-RM waits to resume.
pub struct Sec2Rtos {
    rm: Shared,
}

impl Sec2Rtos {
    /// The SEC2-RTOS that resumes `rm`.
    pub fn new(rm: Shared) -> Self {
        Self { rm }
    }
}

impl Program for Sec2Rtos {
    fn name(&self) -> &str {
        "sec2-rtos"
    }

    fn start(&mut self, cpu: &mut Cpu, bus: &mut Bus<'_>) -> Option<Outcome> {
        if cpu.engine != Engine::Sec2 {
            return None;
        }
        let mbox = lock(&self.rm).sec2_started(bus)?;
        cpu.mailbox[0] = mbox;
        Some(Outcome::Running)
    }
}
