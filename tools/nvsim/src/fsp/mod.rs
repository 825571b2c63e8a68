//! The FSP (Hopper and Blackwell: GH100, GB10x, GB20x) and the FMC it
//! starts: how a driver gets GSP-RM running on these chips, as upstream
//! nova-core (Linux 7.3) drives it. Every fact with its source is in
//! `docs/fsp-facts.md`; the files here cite its sections.
//!
//! 1. At power-on the FSP has finished its secure boot: the boot-complete
//!    scratch reads 0xff (`regs.rs`; the `fsp-no-boot` fault, [`status`]).
//! 2. The driver writes a message into the FSP's EMEM through EMEMC/EMEMD
//!    (0x8f2ac0/0x8f2ac4, [`emem`]), then QUEUE_TAIL(0) (0x8f2c04) = the
//!    offset of its last dword and QUEUE_HEAD(0) (0x8f2c00) = the offset of
//!    its first (0). The write of QUEUE_HEAD is the FSP's doorbell: it
//!    takes `TAIL - HEAD + 4` bytes from EMEM offset HEAD and sets
//!    QUEUE_HEAD = QUEUE_TAIL ("FSP will set QUEUE_HEAD = TAIL after each
//!    packet is received", OpenRM `kfspCanSendPacket_GH100`). A write of
//!    HEAD equal to TAIL takes nothing.
//! 3. The FSP answers at EMEM offset 0 with MSGQ_HEAD(0) (0x8f2c80) = 0 and
//!    MSGQ_TAIL(0) (0x8f2c84) = the reply's length - 4; the driver polls
//!    for HEAD != TAIL, reads the reply and writes TAIL = 0, HEAD = 0.
//!    With `--timing real` the reply appears `fsp-cot` after the doorbell
//!    (`timing.rs`), else at once.
//! 4. Messages ([`mctp`]): single MCTP packets of NVIDIA NVDM type 0x14
//!    (COT, [`cot`]) or 0x13 (PRC, [`prc`]); anything else is refused with
//!    a non-zero errorCode. A COT counts a GSP boot (`fault.rs`); once
//!    accepted the FMC ([`fmc`]) lays WPR2 out and starts GSP-RM
//!    (`gsprm/mod.rs`), releasing the GSP's lockdown.
//!
//! The FSP keeps its identification registers (HWCFG, CPUCTL, ...) from
//! the falcon stub (`falcon/stub.rs`). nvsim's FSP serves the driver's
//! channel 0 only (EMEMC(0)/EMEMD(0), QUEUE/MSGQ(0); the other channels'
//! registers, stride 8, are unmodelled); the reply to a message replaces
//! an earlier one the driver has not read (logged). No FSP message comes
//! at unload: a driver unloads GSP-RM through its queues only, and the
//! next COT resets the GSP and boots GSP-RM again (docs/fsp-facts.md
//! section 4.2).
//!
//! Error codes in a reply's errorCode (`NVDM_PAYLOAD_COMMAND_RESPONSE`):
//! the FSP's own codes where one fits (`kern_fsp_retval.h`, as OpenRM's
//! `kfspErrorCode2NvStatusMap_GH100` maps them), nvsim's values (0xf5a0xx)
//! for the refusals the FSP's code list does not name.

pub mod cot;
pub mod emem;
pub mod fmc;
pub mod fmcfile;
pub mod mctp;
pub mod prc;
pub mod sha384;
pub mod status;

use std::ops::Range;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::bar0::{Bar0Model, Bus};
use crate::booter::gsp::GspFiles;
use crate::chip::{Arch, Chip};
use crate::falcon::{FalconStub, FSP_BASE};
use crate::fault::FaultKind;
use crate::gsprm::{self, Shared};
use crate::regs::fsp_boot_scratch;
use crate::timing::{Step as TimingStep, Timing};
use cot::{Cot, Refusal};
use emem::{Emem, CHANNEL_SIZE, EMEM_SIZE};
use fmcfile::FmcFile;
use mctp::{Headers, NVDM_COT, NVDM_PRC};

/// `FSP_ERR_IFR_FILE_NOT_FOUND` (0x9f, kern_fsp_retval.h): nvsim cannot
/// read the FMC file it checks a COT against.
pub const ERR_FILE_NOT_FOUND: u32 = 0x9f;
/// `FSP_ERR_IFS_ERR_NOT_SUPPORTED` (0xa0): an NVDM type the FSP does not
/// serve.
pub const ERR_NOT_SUPPORTED: u32 = 0xa0;
/// `FSP_ERR_IFS_ERR_INVALID_DATA` (0xa1): a malformed packet, or COT
/// fields with values the chip's FSP does not take (version, size, FRTS).
pub const ERR_INVALID_DATA: u32 = 0xa1;
/// `FSP_ERR_PRC_ERROR_INVALID_KNOB_ID` (0x1e3): a PRC knob nvsim does not
/// have.
pub const ERR_INVALID_KNOB: u32 = 0x1e3;
/// nvsim's: the COT does not authenticate (publicKey, hash384 or
/// signature not the FMC file's: the signature check fails); also the
/// `cot-reject` fault's code.
pub const ERR_AUTH: u32 = 0xf5_a001;
/// nvsim's: the FMC image in guest memory is unreadable or differs from
/// the file.
pub const ERR_FMC_IMAGE: u32 = 0xf5_a002;
/// nvsim's: `GSP_FMC_BOOT_PARAMS` refused.
pub const ERR_BOOT_PARAMS: u32 = 0xf5_a003;
/// nvsim's: the WPR metadata refused, or WPR2 does not fit.
pub const ERR_WPR_META: u32 = 0xf5_a004;
/// nvsim's: the GSP-RM image, bootloader or signature does not verify.
pub const ERR_GSP_IMAGE: u32 = 0xf5_a005;

/// What differs between the FSP chips (docs/fsp-facts.md section 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FspChip {
    /// The chip's name, for the log.
    pub name: &'static str,
    /// COT payload version.
    pub cot_version: u16,
    /// frtsVidmemOffset.
    pub frts_offset: u64,
    /// pmuReservedSize of the WPR metadata.
    pub pmu_reserved: u64,
    /// The GSP-RM ELF section holding this chip's signature.
    pub sig_section: &'static str,
    /// NV_THERM_I2CS_SCRATCH, the boot-complete scratch ([`fsp_boot_scratch`]).
    pub status: u32,
}

impl FspChip {
    /// The values of `chip`, `None` if it has no FSP.
    pub fn of(chip: &Chip) -> Option<Self> {
        let (cot_version, frts_offset, pmu_reserved, sig_section) = match chip.arch {
            Arch::Hopper => (1, 0x20_0000, 0, ".fwsignature_gh100"),
            Arch::BlackwellGb10x => (2, 0x1c0_0000, 0x182_0000, ".fwsignature_gb10x"),
            Arch::BlackwellGb20x => (2, 0x1c0_0000, 0x182_0000, ".fwsignature_gb20x"),
            Arch::Turing | Arch::Ampere | Arch::Ada => return None,
        };
        Some(Self {
            name: chip.name,
            cot_version,
            frts_offset,
            pmu_reserved,
            sig_section,
            status: fsp_boot_scratch(chip.arch)?,
        })
    }
}

const EMEMC: u32 = 0xac0;
const EMEMD: u32 = 0xac4;
const QUEUE_HEAD: u32 = 0xc00;
const QUEUE_TAIL: u32 = 0xc04;
const MSGQ_HEAD: u32 = 0xc80;
const MSGQ_TAIL: u32 = 0xc84;

/// The FSP falcon.
pub struct Fsp {
    chip: FspChip,
    stub: FalconStub,
    emem: Emem,
    /// QUEUE_HEAD(0), QUEUE_TAIL(0).
    queue: [u32; 2],
    /// MSGQ_HEAD(0), MSGQ_TAIL(0).
    msgq: [u32; 2],
    /// A reply not yet in the message queue, and when it goes there.
    pending: Option<(Instant, Vec<u8>)>,
    dir: PathBuf,
    fmc: Option<Result<FmcFile, String>>,
    files: GspFiles,
    rm: Shared,
    fb_end: u64,
    cot_time: Duration,
    fmc_time: Duration,
    /// taskId of the next reply.
    task: u32,
}

impl Fsp {
    /// The FSP of `chip` on a GPU whose usable framebuffer ends at
    /// `fb_end`, reading the FMC and GSP-RM files under `dir` (the GSP-RM
    /// image's hash computed in the background from now on), starting
    /// `rm`, taking the time `timing` gives it; `None` if the chip has no
    /// FSP (`chip.fsp` is set exactly on the architectures [`FspChip::of`]
    /// knows: `chip.rs`'s table test).
    pub fn new(
        chip: &'static Chip,
        fb_end: u64,
        dir: &std::path::Path,
        rm: Shared,
        timing: &Timing,
    ) -> Option<Self> {
        let (hw, fc) = (chip.fsp?, FspChip::of(chip)?);
        let files = GspFiles::new(dir, chip.name);
        files.prefetch();
        Some(Self {
            chip: fc,
            stub: FalconStub::new("FSP", FSP_BASE, hw, chip.arch),
            emem: Emem::new(),
            queue: [0; 2],
            msgq: [0; 2],
            pending: None,
            dir: dir.to_path_buf(),
            fmc: None,
            files,
            rm,
            fb_end,
            cot_time: timing.get(TimingStep::FspCot),
            fmc_time: timing.get(TimingStep::FmcBoot),
            task: 0,
        })
    }

    /// A pending reply whose time has come goes into the message queue.
    fn apply_due(&mut self, bus: &Bus<'_>) {
        if self
            .pending
            .as_ref()
            .is_some_and(|(t, _)| Instant::now() >= *t)
        {
            if let Some((_, r)) = self.pending.take() {
                self.post(bus, r);
            }
        }
    }

    /// Writes the reply `r` at EMEM offset 0: MSGQ_HEAD 0, MSGQ_TAIL its
    /// last dword.
    fn post(&mut self, bus: &Bus<'_>, r: Vec<u8>) {
        if self.msgq[0] != self.msgq[1] {
            bus.trace.log(format!(
                "FSP: the previous reply (MSGQ_HEAD {:#x}, MSGQ_TAIL {:#x}) was not read; the new \
                 one replaces it",
                self.msgq[0], self.msgq[1]
            ));
        }
        self.emem.put(0, &r);
        self.msgq = [0, r.len() as u32 - 4];
        bus.trace.trace(|| {
            format!(
                "FSP: reply of {:#x} bytes at EMEM 0 (MSGQ_HEAD 0, MSGQ_TAIL {:#x})",
                r.len(),
                self.msgq[1]
            )
        });
    }

    /// The doorbell: QUEUE_HEAD(0) was written.
    fn doorbell(&mut self, bus: &mut Bus<'_>) {
        let [head, tail] = self.queue;
        if head == tail {
            bus.trace.trace(|| {
                format!("FSP: QUEUE_HEAD written equal to QUEUE_TAIL ({tail:#x}): nothing to take")
            });
            return;
        }
        // The FSP takes the packet, whatever it holds.
        self.queue[0] = tail;
        if tail < head || !(tail - head).is_multiple_of(4) {
            bus.trace.log(format!(
                "FSP: QUEUE_HEAD {head:#x}, QUEUE_TAIL {tail:#x}: not a packet (TAIL is the \
                 offset of the last dword, at or after HEAD); nothing taken, no reply"
            ));
            return;
        }
        let len = (tail - head) as usize + 4;
        let start = head as usize;
        let bytes = match self.emem.bytes(start, len) {
            Some(b) if start + len <= CHANNEL_SIZE => b.to_vec(),
            _ => {
                bus.trace.log(format!(
                    "FSP: packet of {len:#x} bytes at EMEM {head:#x} exceeds channel 0 \
                     ({CHANNEL_SIZE:#x} of the {EMEM_SIZE:#x}-byte EMEM); dropped, no reply"
                ));
                return;
            }
        };
        self.task = self.task.wrapping_add(1);
        let reply = self.dispatch(bus, &bytes);
        let due = Instant::now() + self.cot_time;
        if self.cot_time.is_zero() {
            self.post(bus, reply);
        } else {
            self.pending = Some((due, reply));
        }
    }

    /// Handles one packet; returns the reply.
    fn dispatch(&mut self, bus: &mut Bus<'_>, p: &[u8]) -> Vec<u8> {
        let task = self.task;
        let Some(h) = Headers::of(p) else {
            bus.trace.log(format!(
                "FSP: packet of {} bytes has no NVDM header; errorCode {ERR_INVALID_DATA:#x}",
                p.len()
            ));
            return mctp::response(task, 0, ERR_INVALID_DATA, &[]);
        };
        let t = h.nvdm_type();
        if let Some(why) = h.problem() {
            bus.trace.log(format!(
                "FSP: packet refused: {why}; errorCode {ERR_INVALID_DATA:#x}"
            ));
            return mctp::response(task, t, ERR_INVALID_DATA, &[]);
        }
        match t {
            NVDM_COT => {
                let code = self.cot(bus, p);
                mctp::response(task, t, code, &[])
            }
            NVDM_PRC => match prc::answer(p) {
                Ok((data, what)) => {
                    bus.trace.log(format!("FSP: {what}"));
                    mctp::response(task, t, 0, &data)
                }
                Err(r) => {
                    bus.trace.log(format!(
                        "FSP: PRC refused: {}; errorCode {:#x}",
                        r.why, r.code
                    ));
                    mctp::response(task, t, r.code, &[])
                }
            },
            _ => {
                bus.trace.log(format!(
                    "FSP: NVDM type {t:#x} is not modelled (COT 0x14 and PRC 0x13 are); errorCode \
                     {ERR_NOT_SUPPORTED:#x}"
                ));
                mctp::response(task, t, ERR_NOT_SUPPORTED, &[])
            }
        }
    }

    /// A COT: counts the boot, checks it, starts the FMC. Returns the
    /// reply's errorCode.
    fn cot(&mut self, bus: &mut Bus<'_>, p: &[u8]) -> u32 {
        let (boot, reject, hang) = {
            let mut g = gsprm::lock(&self.rm);
            let boot = g.count_boot();
            let f = g.faults();
            (
                boot,
                f.active(FaultKind::CotReject),
                f.active(FaultKind::FmcHang),
            )
        };
        bus.trace.log(format!(
            "FSP: COT received ({} bytes), boot {boot}",
            p.len()
        ));
        let plan = match self.check(bus, p) {
            Ok(plan) => plan,
            Err(r) => {
                bus.trace.log(format!(
                    "FSP: COT refused: {}; errorCode {:#x}; GSP-RM is not started",
                    r.why, r.code
                ));
                return r.code;
            }
        };
        if reject {
            bus.trace.log(format!(
                "fault cot-reject: boot {boot}: the FSP refuses the COT (errorCode {ERR_AUTH:#x}, \
                 signature check failed); GSP-RM is not started"
            ));
            return ERR_AUTH;
        }
        for line in &plan.summary {
            bus.trace.log(format!("FSP: {line}"));
        }
        bus.trace.log(format!(
            "FSP: COT accepted (version {}, FRTS {:#x} below the end of the framebuffer); \
             starting the FMC",
            self.chip.cot_version, self.chip.frts_offset
        ));
        let after = self.cot_time + self.fmc_time;
        let active_from = (!after.is_zero()).then(|| Instant::now() + after);
        fmc::run(&plan, bus, &self.rm, boot, hang, active_from);
        0
    }

    /// The FSP's and the FMC's checks of the COT `p`.
    fn check(&mut self, bus: &Bus<'_>, p: &[u8]) -> Result<fmc::Plan, Refusal> {
        let cot = Cot::parse(p)?;
        cot.check_fields(&self.chip)?;
        let (dir, name) = (&self.dir, self.chip.name);
        let fmc = self
            .fmc
            .get_or_insert_with(|| FmcFile::load(dir, name))
            .as_ref()
            .map_err(|e| {
                Refusal::new(
                    ERR_FILE_NOT_FOUND,
                    format!("nvsim cannot check the COT without its FMC file: {e}"),
                )
            })?;
        cot.check_auth(fmc)?;
        let image = cot.check_image(bus.dma, fmc)?;
        let params = cot::boot_params(bus.dma, cot.boot_params)?;
        let mut plan = fmc::prepare(bus, &cot, &params, &self.chip, &mut self.files, self.fb_end)?;
        plan.summary.insert(0, image);
        Ok(plan)
    }

    /// The boot-complete scratch of this chip (for [`status::BootStatus`]).
    pub fn status_register(&self) -> u32 {
        self.chip.status
    }

    fn rel(offset: u32) -> u32 {
        offset - FSP_BASE
    }
}

impl Bar0Model for Fsp {
    fn name(&self) -> &str {
        "FSP"
    }

    fn range(&self) -> Range<u32> {
        self.stub.range()
    }

    fn read32(&mut self, bus: &mut Bus<'_>, offset: u32) -> Option<u32> {
        self.apply_due(bus);
        Some(match Self::rel(offset) {
            EMEMC => self.emem.ctl(),
            EMEMD => self.emem.read_data(bus.trace),
            QUEUE_HEAD => self.queue[0],
            QUEUE_TAIL => self.queue[1],
            MSGQ_HEAD => self.msgq[0],
            MSGQ_TAIL => self.msgq[1],
            _ => return self.stub.read32(bus, offset),
        })
    }

    fn write32(&mut self, bus: &mut Bus<'_>, offset: u32, value: u32) -> bool {
        self.apply_due(bus);
        match Self::rel(offset) {
            EMEMC => self.emem.set_ctl(value),
            EMEMD => self.emem.write_data(value, bus.trace),
            QUEUE_HEAD => {
                self.queue[0] = value;
                self.doorbell(bus);
            }
            QUEUE_TAIL => self.queue[1] = value,
            MSGQ_HEAD => self.msgq[0] = value,
            MSGQ_TAIL => self.msgq[1] = value,
            _ => return self.stub.write32(bus, offset, value),
        }
        true
    }

    fn reg_name(&self, offset: u32) -> Option<String> {
        let reg = match offset.checked_sub(FSP_BASE)? {
            EMEMC => "EMEMC(0)",
            EMEMD => "EMEMD(0)",
            QUEUE_HEAD => "QUEUE_HEAD(0)",
            QUEUE_TAIL => "QUEUE_TAIL(0)",
            MSGQ_HEAD => "MSGQ_HEAD(0)",
            MSGQ_TAIL => "MSGQ_TAIL(0)",
            _ => return self.stub.reg_name(offset),
        };
        Some(format!("NV_PFSP_{reg}"))
    }

    fn reset(&mut self) {
        self.stub.reset();
        self.emem = Emem::new();
        self.queue = [0; 2];
        self.msgq = [0; 2];
        self.pending = None;
    }
}
