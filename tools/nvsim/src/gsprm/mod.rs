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
//! The boot conversation, as real GSP-RM has it on Turing to Ada
//! (nova-core `gsp/boot.rs`, `gsp/sequencer.rs`):
//!
//! 1. the driver sends GSP_SET_SYSTEM_INFO and SET_REGISTRY; GSP-RM checks
//!    and logs them and acknowledges each (`rpc_result` NV_OK);
//! 2. GSP-RM sends the GSP_RUN_CPU_SEQUENCER event: a scratch register
//!    write, modify, poll and store, a delay, then CORE_RESUME. The driver
//!    resets the GSP falcon (GSP-RM waits, [`State::AwaitResume`]), writes
//!    the libos address into the mailboxes again and starts SEC2, whose
//!    SEC2-RTOS ([`Sec2Rtos`]) resumes GSP-RM: RISC-V active again,
//!    NV_PGC6_BSI_SECURE_SCRATCH_14 bit 26 (boot stage 3 handoff) set,
//!    SEC2 MAILBOX0 0;
//! 3. GSP-RM sends GSP_INIT_DONE;
//! 4. GET_GSP_STATIC_INFO is answered with the chip's board name and
//!    framebuffer regions matching `--vram`;
//! 5. UNLOADING_GUEST_DRIVER is acknowledged, then GSP-RM suspends: bit 31
//!    of the GSP MAILBOX0 (LIBOS_INTERRUPT_PROCESSOR_SUSPENDED) is set and
//!    the RISC-V core stops. A GSP falcon reset (FWSEC-SB) or
//!    `booter_unload` returns the model to [`State::Off`].
//!
//! Other RPCs are answered with `rpc_result` NV_ERR_NOT_SUPPORTED (0x56)
//! and their payload echoed, and logged. Every message GSP-RM sends sets
//! SWGEN0 (bit 6) in the GSP falcon's IRQSTAT; if the driver unmasked it
//! (IRQMASK) and routed it to the host (IRQDEST bit 6), the PCI interrupt
//! (MSI or INTx) is raised.

pub mod libos;
pub mod queue;
pub mod rpc;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};

use crate::bar0::Bus;
use crate::chip::Chip;
use crate::falcon::hs::{Outcome, Program};
use crate::falcon::{Cpu, Engine};
use crate::fault::{FaultKind, Faults, Step};
use queue::{Queue, Shm, PAGE};

/// NV_PGC6_BSI_SECURE_SCRATCH_14 (nova-core `regs.rs`).
pub const BSI_SECURE_SCRATCH_14: u32 = 0x0011_80f8;
/// Its boot stage 3 handoff bit.
pub const BOOT_STAGE_3_HANDOFF: u32 = 1 << 26;
/// GSP MAILBOX0 bit GSP-RM sets once suspended.
pub const PROCESSOR_SUSPENDED: u32 = 1 << 31;
/// The scratch register the boot sequencer plays with
/// (NV_PBUS_SW_SCRATCH(0x30)).
pub const SEQ_SCRATCH: u32 = 0x0000_1400 + 4 * 0x30;

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
    pending: VecDeque<Vec<u8>>,
    system_info: bool,
    registry: bool,
    sent: u32,
}

/// The GSP-RM model.
pub struct GspRm {
    chip: &'static Chip,
    vram: u64,
    mirror_base: u32,
    faults: Faults,
    state: State,
    riscv_active: bool,
    gsp_mailbox: [u32; 2],
    mailbox0_bits: u32,
    irq: bool,
    /// Start of the firmware-reserved framebuffer (gspFwRsvdStart).
    rsvd_start: u64,
    session: Option<Session>,
}

impl GspRm {
    /// GSP-RM of `chip` with `vram` bytes, PCI config mirror at
    /// `mirror_base`, with `faults`.
    pub fn new(chip: &'static Chip, vram: u64, mirror_base: u32, faults: Faults) -> Self {
        Self {
            chip,
            vram,
            mirror_base,
            faults,
            state: State::Off,
            riscv_active: false,
            gsp_mailbox: [0; 2],
            mailbox0_bits: 0,
            irq: false,
            rsvd_start: vram,
            session: None,
        }
    }

    /// The same, shareable.
    pub fn shared(chip: &'static Chip, vram: u64, mirror_base: u32, faults: Faults) -> Shared {
        Arc::new(Mutex::new(Self::new(chip, vram, mirror_base, faults)))
    }

    /// Where GSP-RM is.
    pub fn state(&self) -> State {
        self.state
    }

    /// Whether the GSP RISC-V core runs.
    pub fn riscv_active(&self) -> bool {
        self.riscv_active
    }

    /// The configured faults.
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// The GSP falcon tells the model its mailbox values.
    pub fn set_gsp_mailbox(&mut self, mailbox: [u32; 2]) {
        self.gsp_mailbox = mailbox;
    }

    /// MAILBOX0 bits GSP-RM set since the last call.
    pub fn take_mailbox0_bits(&mut self) -> u32 {
        std::mem::take(&mut self.mailbox0_bits)
    }

    /// Whether GSP-RM raised SWGEN0 since the last call.
    pub fn take_irq(&mut self) -> bool {
        std::mem::take(&mut self.irq)
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

    fn fail(&mut self) {
        self.state = State::Failed;
        self.riscv_active = false;
        self.session = None;
    }

    /// The GSP falcon was reset (engine reset asserted).
    pub fn gsp_reset(&mut self, bus: &Bus<'_>) {
        self.riscv_active = false;
        self.mailbox0_bits = 0;
        match self.state {
            State::AwaitResume => bus
                .trace
                .log("GSP-RM: GSP core reset by the CPU sequencer (CORE_RESUME); waiting for SEC2"),
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
        self.gsp_mailbox = [0; 2];
        self.mailbox0_bits = 0;
        self.irq = false;
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
        self.mailbox0_bits = 0;
        let v = bus.regs.read(BSI_SECURE_SCRATCH_14).unwrap_or(0);
        bus.regs
            .set_hw(BSI_SECURE_SCRATCH_14, v & !BOOT_STAGE_3_HANDOFF);
    }

    /// `booter_load` verified GSP-RM and starts it; `rsvd_start` is the
    /// start of the firmware-reserved framebuffer from the WPR metadata.
    pub fn start(&mut self, bus: &mut Bus<'_>, rsvd_start: u64) {
        self.faults.boot_started();
        let boot = self.faults.boot();
        self.session = None;
        self.mailbox0_bits = 0;
        self.rsvd_start = rsvd_start.min(self.vram);
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
        let libos = u64::from(self.gsp_mailbox[0]) | (u64::from(self.gsp_mailbox[1]) << 32);
        match Self::open(bus, libos) {
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

    fn open(bus: &Bus<'_>, libos: u64) -> Result<Session, String> {
        let regions = libos::regions(bus.dma, libos)?;
        let args = libos::rm_args(bus.dma, &regions)?;
        let shm = Shm::map(bus.dma, args.shm, args.ptes)?;
        let cmdq = Queue::read(&shm, bus.dma, args.cmdq)?;
        let statq = Queue::status(&shm, args.statq, &cmdq)?;
        statq.init_tx(&shm, bus.dma)?;
        Ok(Session {
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
            sent: 0,
        })
    }

    /// The driver rang the doorbell.
    pub fn doorbell(&mut self, bus: &mut Bus<'_>) {
        match self.state {
            State::Running | State::AwaitResume => {}
            s => {
                bus.trace.log(format!(
                    "GSP-RM: doorbell rung while GSP-RM is {s:?}; nobody reads the queue"
                ));
                return;
            }
        }
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
        self.flush(bus);
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
        match m.function {
            rpc::GSP_SET_SYSTEM_INFO => {
                let result = match rpc::system_info(&m.payload, self.chip, self.mirror_base) {
                    Ok(i) => {
                        bus.trace.log(format!(
                            "GSP-RM: system info: BAR0 {:#x}, BAR1 {:#x}, BAR3 {:#x}, PCI \
                             {:#010x}/{:#010x}, config mirror {:#x}+{:#x}",
                            i.bar0, i.bar1, i.bar3, i.pci_id, i.pci_sub_id, i.mirror.0, i.mirror.1
                        ));
                        rpc::NV_OK
                    }
                    Err(e) => {
                        bus.trace
                            .log(format!("GSP-RM: GSP_SET_SYSTEM_INFO refused: {e}"));
                        rpc::NV_ERR_INVALID_ARGUMENT
                    }
                };
                if let Some(s) = self.session.as_mut() {
                    s.system_info = result == rpc::NV_OK;
                }
                self.send(bus, m.function, result, m.rpc_seq, &[]);
                self.maybe_sequencer(bus);
            }
            rpc::SET_REGISTRY => {
                let result = match rpc::registry(&m.payload) {
                    Ok(entries) => {
                        bus.trace
                            .log(format!("GSP-RM: registry: {}", entries.join(", ")));
                        rpc::NV_OK
                    }
                    Err(e) => {
                        bus.trace.log(format!("GSP-RM: SET_REGISTRY refused: {e}"));
                        rpc::NV_ERR_INVALID_ARGUMENT
                    }
                };
                if let Some(s) = self.session.as_mut() {
                    s.registry = result == rpc::NV_OK;
                }
                self.send(bus, m.function, result, m.rpc_seq, &[]);
                self.maybe_sequencer(bus);
            }
            rpc::GET_GSP_STATIC_INFO => {
                if self.remove_at(bus, Step::StaticInfo) {
                    return;
                }
                let regions = self.fb_regions();
                let mut p = rpc::static_info(self.chip, self.vram, &regions);
                if self.faults.active(FaultKind::BadReply) {
                    bus.trace
                        .log("fault bad-reply: GET_GSP_STATIC_INFO reply truncated to 0x100 bytes");
                    p.truncate(0x100);
                }
                bus.trace.log(format!(
                    "GSP-RM: static info: {:?}, {} FB regions, fb_length {:#x}",
                    rpc::static_info_name(&rpc::static_info(self.chip, self.vram, &[]))
                        .unwrap_or_default(),
                    regions.len(),
                    self.vram
                ));
                self.send(bus, m.function, rpc::NV_OK, m.rpc_seq, &p);
            }
            rpc::UNLOADING_GUEST_DRIVER => {
                match rpc::unloading(&m.payload) {
                    Ok((pm, level)) => bus.trace.log(format!(
                        "GSP-RM: unloading guest driver: level {level}, PM transition {pm}"
                    )),
                    Err(e) => bus
                        .trace
                        .log(format!("GSP-RM: UNLOADING_GUEST_DRIVER: {e}")),
                }
                self.send(bus, m.function, rpc::NV_OK, m.rpc_seq, &[]);
                self.flush(bus);
                self.state = State::Suspended;
                self.riscv_active = false;
                self.mailbox0_bits |= PROCESSOR_SUSPENDED;
                bus.trace
                    .log("GSP-RM: suspended (GSP MAILBOX0 bit 31 set), RISC-V core stopped");
            }
            rpc::CONTINUATION_RECORD => {}
            rpc::NOP => self.send(bus, m.function, rpc::NV_OK, m.rpc_seq, &[]),
            _ => {
                bus.trace.log(format!(
                    "GSP-RM: {name} is not modelled; replying NV_ERR_NOT_SUPPORTED"
                ));
                self.send(
                    bus,
                    m.function,
                    rpc::NV_ERR_NOT_SUPPORTED,
                    m.rpc_seq,
                    &m.payload,
                );
            }
        }
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
        if self.rsvd_start < self.vram {
            r.push(rpc::FbRegion {
                base: self.rsvd_start,
                limit: self.vram - 1,
                reserved: true,
                protected: true,
            });
        }
        r
    }

    /// After both init commands: send the CPU sequencer.
    fn maybe_sequencer(&mut self, bus: &mut Bus<'_>) {
        let ready = self
            .session
            .as_ref()
            .is_some_and(|s| s.system_info && s.registry);
        if !ready || self.state != State::Running {
            return;
        }
        use rpc::seq::*;
        let v = 0x05e9_0001u32;
        let modified = (v & !0xff00) | 0x0200;
        let p = rpc::sequencer(&[
            (REG_WRITE, &[SEQ_SCRATCH, v]),
            (REG_MODIFY, &[SEQ_SCRATCH, 0xff00, 0x0200]),
            (REG_POLL, &[SEQ_SCRATCH, 0xffff_ffff, modified, 1000, 0]),
            (DELAY_US, &[10]),
            (REG_STORE, &[SEQ_SCRATCH, 0]),
            (CORE_RESUME, &[]),
        ]);
        bus.trace.log(
            "GSP-RM: sending GSP_RUN_CPU_SEQUENCER (scratch write/modify/poll/store, delay, \
             CORE_RESUME)",
        );
        self.send(bus, rpc::EVENT_GSP_RUN_CPU_SEQUENCER, rpc::NV_OK, 0, &p);
        self.state = State::AwaitResume;
    }

    /// SEC2 started while GSP-RM waits for CORE_RESUME: resume. Returns
    /// SEC2's MAILBOX0, or `None` if GSP-RM is not waiting.
    pub fn sec2_started(&mut self, bus: &mut Bus<'_>) -> Option<u32> {
        if self.state != State::AwaitResume {
            return None;
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
        self.state = State::Running;
        self.riscv_active = true;
        let v = bus.regs.read(BSI_SECURE_SCRATCH_14).unwrap_or(0);
        bus.regs
            .set_hw(BSI_SECURE_SCRATCH_14, v | BOOT_STAGE_3_HANDOFF);
        bus.trace.log(
            "SEC2-RTOS: GSP-RM resumed (RISC-V core active, BSI_SECURE_SCRATCH_14 boot stage 3 \
             handoff)",
        );
        if self.remove_at(bus, Step::InitDone) {
            return Some(0);
        }
        if self.faults.active(FaultKind::NoInitDone) {
            bus.trace
                .log("fault no-init-done: GSP-RM does not send GSP_INIT_DONE");
        } else {
            self.send(bus, rpc::EVENT_GSP_INIT_DONE, rpc::NV_OK, 0, &[]);
            self.flush(bus);
        }
        Some(0)
    }

    fn send(&mut self, bus: &Bus<'_>, function: u32, result: u32, rpc_seq: u32, payload: &[u8]) {
        let bad = self.faults.active(FaultKind::BadChecksum);
        let Some(s) = self.session.as_mut() else {
            return;
        };
        let corrupt = bad && s.sent == 0;
        if corrupt {
            bus.trace.log(format!(
                "fault bad-checksum: {} goes out with a wrong checksum",
                rpc::name(function)
            ));
        }
        let m = queue::encode(s.tx_seq, function, result, rpc_seq, payload, None, corrupt);
        bus.trace.log(format!(
            "GSP-RM: sending {} (seq {}, result {result:#x}, {:#x}-byte payload)",
            rpc::name(function),
            s.tx_seq,
            payload.len()
        ));
        s.tx_seq = s.tx_seq.wrapping_add(1);
        s.sent += 1;
        s.pending.push_back(m);
    }

    /// Writes pending messages into the status queue as space allows.
    fn flush(&mut self, bus: &Bus<'_>) {
        let Some(s) = self.session.as_mut() else {
            return;
        };
        let mut sent = false;
        while let Some(m) = s.pending.front() {
            let elems = (m.len() as u64).div_ceil(PAGE) as u32;
            let read = match s.shm.read_u32(bus.dma, s.cmdq.read_ptr_at()) {
                Ok(r) if r < s.statq.count => r,
                Ok(r) => {
                    bus.trace.log(format!(
                        "GSP-RM: driver read pointer {r} beyond the status queue"
                    ));
                    break;
                }
                Err(e) => {
                    bus.trace.log(format!("GSP-RM: status queue: {e}"));
                    break;
                }
            };
            if s.statq.free(s.write, read) < elems {
                bus.trace
                    .trace(|| "GSP-RM: status queue full; message held back".to_string());
                break;
            }
            let done = s
                .statq
                .write_msg(&s.shm, bus.dma, s.write, m)
                .and_then(|()| {
                    let w = (s.write + elems) % s.statq.count;
                    s.shm
                        .write_u32(bus.dma, s.statq.write_ptr_at(), w)
                        .map(|()| w)
                });
            match done {
                Ok(w) => {
                    s.write = w;
                    s.pending.pop_front();
                    sent = true;
                }
                Err(e) => {
                    bus.trace.log(format!("GSP-RM: status queue write: {e}"));
                    break;
                }
            }
        }
        if sent {
            self.irq = true;
        }
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
