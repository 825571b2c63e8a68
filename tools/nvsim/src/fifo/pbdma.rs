//! The host's work on a channel: GPFIFO entries, push-buffer methods and
//! the host methods.
//!
//! Facts (open-gpu-kernel-modules `class/clc56f.h`, the same for every
//! channel class from Turing's `clc46f.h` on; `dev_pbdma.ref` and
//! `dev_ram.ref` are where the header says the formats are documented):
//!
//! * USERD (`Nvc56fControl`): GPGet at 0x88 (the host writes it), GPPut at
//!   0x8c (the driver writes it); the ring has `1 << LIMIT2` entries from
//!   `GP_BASE` (RAMFC, [`crate::gsprm::rm::channel::read_gp_base`]).
//!   nvsim refuses a GP_PUT at or beyond the entry count (host error);
//! * a GPFIFO entry (`NVC56F_GP_ENTRY*`, 8 bytes): ENTRY0 FETCH 0:0, GET
//!   31:2 (the push buffer's VA bits 31:2); ENTRY1 GET_HI 7:0 (VA bits
//!   39:32), LEVEL 9:9 (MAIN, SUBROUTINE), LENGTH 30:10 (dwords), SYNC
//!   31:31; an entry of LENGTH 0 is a control entry with OPCODE 7:0 (NOP 0,
//!   ILLEGAL 1, GP_CRC 2, PB_CRC 3): NOP and the CRCs are passed over,
//!   ILLEGAL is a host error. SUBROUTINE and SYNC change nothing in a host
//!   that runs one entry after the other;
//! * a method header (`NVC56F_DMA_*`): ADDRESS 11:0 (dwords), SUBCHANNEL
//!   15:13, COUNT 28:16, SEC_OP 31:29: 1 INC_METHOD, 3 NON_INC_METHOD, 5
//!   ONE_INC, 4 IMMD_DATA_METHOD (data in 28:16), 7 END_PB_SEGMENT; 0
//!   GRP0_USE_TERT with TERT_OP 17:16 (0 with the whole word 0: the NOP
//!   `NVC56F_DMA_NOP`; 0 otherwise the legacy incrementing format, ADDRESS
//!   12:2 and COUNT 28:18; 1..3 the subdevice-mask operations, one GPU so
//!   nothing to do), 2 GRP2_USE_TERT with TERT_OP 0 the legacy
//!   non-incrementing format; 6 is reserved (host error). A header's data
//!   may continue into the next entry's segment;
//! * methods below 0x100 are the host's (any subchannel): SET_OBJECT 0x00
//!   (NVCLASS 15:0: binds the subchannel to the channel's engine object),
//!   ILLEGAL 0x04 (host error), NOP 0x08, SEMAPHOREA..D 0x10..0x1c,
//!   NON_STALL_INTERRUPT 0x20 (the channel's engine's non-stall
//!   interrupt: its vector becomes pending in the CPU interrupt tree,
//!   [`crate::intr`]), FB_FLUSH 0x24, MEM_OP_A..D 0x28..0x34
//!   (MEM_OP_D OPERATION 31:27: MMU_TLB_INVALIDATE 9 drops the TLB
//!   entries of the channel's page directory, or all with
//!   MEM_OP_C PDB 0:0 ALL; MEMBAR 5 and the L2 operations have nothing to
//!   do), SET_REFERENCE 0x50, SEM_ADDR_LO 0x5c (OFFSET 31:2), SEM_ADDR_HI
//!   0x60 (7:0), SEM_PAYLOAD_LO/HI 0x64/0x68, SEM_EXECUTE 0x6c (OPERATION
//!   2:0: ACQUIRE 0 (equal), RELEASE 1, ACQ_STRICT_GEQ 2, ACQ_CIRC_GEQ 3,
//!   ACQ_AND 4, ACQ_NOR 5, REDUCTION 6; RELEASE_WFI 20; PAYLOAD_SIZE 24
//!   (32BIT, 64BIT); RELEASE_TIMESTAMP 25: the release writes the payload
//!   then, at +8, the 64-bit timestamp), WFI 0x78, YIELD 0x80,
//!   CLEAR_FAULTED 0x84. Any other host method is a host error
//!   (`NV_PPBDMA_INTR_0_METHOD`); a method at 0x100 and above goes to the
//!   object bound to its subchannel, and with none bound it is a host
//!   error. The legacy SEMAPHORED works the same way (OPERATION 4:0:
//!   ACQUIRE 1, RELEASE 2, ACQ_GEQ 4; RELEASE_SIZE 24: the 16BYTE value 0
//!   writes payload, 0, timestamp, the 4BYTE value 1 the payload only).
//!   Semaphore REDUCTION is not modelled (logged once; the method does
//!   nothing);
//! * the host reads the ring and the push buffers through the channel's
//!   VA space (the instance block's PAGE_DIR_BASE), with the channel's
//!   privilege; a fault stops the channel ([`super::rc`]).
//!
//! [`run`] takes a limit on the GPFIFO entries it starts, so that the
//! engine thread ([`super::engine`]) can give each entry its duration.

use super::rc::ChannelError;
use super::{ce, timestamp, Header, HeaderKind, Segment};
use crate::chip::Arch;
use crate::gsprm::rm::channel::{self, engine_name, Channel, ENGINE_COPY0};
use crate::intr::{self, IntrTree};
use crate::mmu::{AccessError, Gmmu, PageDir, PhysAddr};
use crate::trace::Trace;

/// USERD GPGet.
pub const USERD_GP_GET: u64 = 0x88;
/// USERD GPPut.
pub const USERD_GP_PUT: u64 = 0x8c;

/// What a channel's engine object is, for SET_OBJECT and the methods.
pub struct Ctx<'a> {
    /// The MMU the host and the engines go through.
    pub mmu: &'a Gmmu,
    /// Diagnostics.
    pub trace: &'a Trace,
    /// The GPU generation.
    pub arch: Arch,
    /// The chip's copy-engine class.
    pub ce_class: u32,
    /// Fault injection (`mmu-fault`, `ce-hang`).
    pub faults: &'a crate::fault::Faults,
    /// The CPU interrupt tree the non-stall interrupts go to.
    pub intr: &'a IntrTree,
}

/// How far a run took the channel.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Progress {
    /// GPFIFO entries completed.
    pub entries: u32,
    /// Methods executed.
    pub methods: u64,
    /// The channel waits (a semaphore acquire), why.
    pub waiting: Option<String>,
    /// Entries are left that the limit kept from starting.
    pub more: bool,
}

impl Progress {
    /// Where the run left the channel.
    pub fn ran(&self) -> Ran {
        if self.waiting.is_some() {
            Ran::Waiting
        } else if self.more {
            Ran::More
        } else {
            Ran::Idle
        }
    }
}

/// Where a run left a channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ran {
    /// GP_GET reached GP_PUT.
    Idle,
    /// Entries are left to start.
    More,
    /// It waits in an entry (a semaphore acquire).
    Waiting,
    /// It does not run: stopped by an error, or no such channel.
    Stopped,
}

/// A method's outcome: go on, or wait here.
pub enum Step {
    /// Executed.
    Next,
    /// Not yet (a semaphore acquire); retried when memory may have changed.
    Wait(String),
}

/// The channel's page directory and privilege, as the host loads them.
#[derive(Clone, Copy)]
pub struct Space {
    /// The instance block's page directory.
    pub pd: PageDir,
    /// The channel is privileged.
    pub privileged: bool,
}

fn mem_error(what: &str, e: AccessError) -> ChannelError {
    match e {
        AccessError::Fault(f) => ChannelError::mmu(f, what.to_string()),
        e => ChannelError::pbdma(format!("{what}: {e}")),
    }
}

fn read_u32(mmu: &Gmmu, pa: PhysAddr) -> Result<u32, String> {
    let mut b = [0u8; 4];
    mmu.read_phys(pa, &mut b)
        .map(|()| u32::from_le_bytes(b))
        .map_err(|e| format!("{pa}: {e}"))
}

/// Runs `ch` from GP_GET towards the driver's GP_PUT: the entry in
/// progress, then at most `limit` more (`u32::MAX`: all of them).
pub fn run(ch: &mut Channel, cx: &Ctx<'_>, limit: u32) -> Result<Progress, ChannelError> {
    let mut progress = Progress::default();
    let mmu = cx.mmu;
    let gp_put = read_u32(mmu, ch.userd.offset(USERD_GP_PUT))
        .map_err(|e| ChannelError::pbdma(format!("USERD GP_PUT unreadable: {e}")))?;
    let ib = mmu
        .instance_block(ch.inst)
        .map_err(|f| ChannelError::mmu(f, "the host loads the channel's instance block"))?;
    let (gp_base, entries) = channel::read_gp_base(mmu.memory(), cx.arch, ch.inst)
        .map_err(|e| ChannelError::pbdma(format!("RAMFC unreadable: {e}")))?;
    if gp_put >= entries {
        return Err(ChannelError::pbdma(format!(
            "GP_PUT {gp_put} is beyond the ring's {entries} entries (GPPTR)"
        )));
    }
    let space = Space {
        pd: ib.page_dir,
        privileged: ch.privileged(),
    };
    let mut started = 0u32;
    loop {
        if ch.exec.segment.is_none() {
            if ch.exec.gp_get == gp_put {
                break;
            }
            if started >= limit {
                progress.more = true;
                break;
            }
            started += 1;
            let at = gp_base + u64::from(ch.exec.gp_get) * 8;
            let mut e = [0u8; 8];
            mmu.read_virt(&space.pd, at, &mut e, space.privileged)
                .map_err(|err| {
                    mem_error(
                        &format!("GPFIFO entry {} at VA {at:#x}", ch.exec.gp_get),
                        err,
                    )
                })?;
            let e0 = u32::from_le_bytes([e[0], e[1], e[2], e[3]]);
            let e1 = u32::from_le_bytes([e[4], e[5], e[6], e[7]]);
            let va = u64::from(e0 & !3) | (u64::from(e1 & 0xff) << 32);
            let len = (e1 >> 10) & 0x1f_ffff;
            cx.trace.trace(|| {
                format!(
                    "fifo: chid {} GPFIFO entry {}: push buffer VA {va:#x}, {len} dwords{}{}",
                    ch.chid,
                    ch.exec.gp_get,
                    if e1 & (1 << 9) != 0 {
                        ", SUBROUTINE"
                    } else {
                        ""
                    },
                    if e1 >> 31 != 0 { ", SYNC_WAIT" } else { "" }
                )
            });
            if len == 0 {
                if e1 & 0xff == 1 {
                    return Err(ChannelError::pbdma(format!(
                        "GPFIFO entry {} is a control entry with OPCODE ILLEGAL",
                        ch.exec.gp_get
                    )));
                }
            } else {
                ch.exec.segment = Some(Segment { va, len, pos: 0 });
            }
        }
        if let Some(seg) = ch.exec.segment {
            if let Some(why) = run_segment(ch, cx, &space, seg, &mut progress)? {
                ch.exec.waiting = Some(why.clone());
                progress.waiting = Some(why);
                return Ok(progress);
            }
        }
        ch.exec.segment = None;
        ch.exec.waiting = None;
        ch.exec.gp_get = (ch.exec.gp_get + 1) % entries;
        progress.entries += 1;
        mmu.write_phys(ch.userd.offset(USERD_GP_GET), &ch.exec.gp_get.to_le_bytes())
            .map_err(|e| ChannelError::pbdma(format!("USERD GP_GET unwritable: {e}")))?;
    }
    ch.exec.waiting = None;
    Ok(progress)
}

/// Runs a segment from its position; `Some(why)` if a method waits.
fn run_segment(
    ch: &mut Channel,
    cx: &Ctx<'_>,
    space: &Space,
    seg: Segment,
    progress: &mut Progress,
) -> Result<Option<String>, ChannelError> {
    let mut buf = vec![0u8; seg.len as usize * 4];
    cx.mmu
        .read_virt(&space.pd, seg.va, &mut buf, space.privileged)
        .map_err(|e| mem_error(&format!("push buffer at VA {:#x}", seg.va), e))?;
    let word = |i: u32| {
        let i = i as usize * 4;
        u32::from_le_bytes([buf[i], buf[i + 1], buf[i + 2], buf[i + 3]])
    };
    let mut pos = seg.pos;
    while pos < seg.len {
        let w = word(pos);
        if let Some(h) = ch.exec.header {
            match method(ch, cx, space, h.subch, h.addr * 4, w)? {
                Step::Wait(why) => {
                    ch.exec.segment = Some(Segment { pos, ..seg });
                    return Ok(Some(why));
                }
                Step::Next => ch.exec.waiting = None,
            }
            progress.methods += 1;
            let next = Header {
                count: h.count - 1,
                addr: match h.kind {
                    HeaderKind::Inc => h.addr + 1,
                    HeaderKind::NonInc => h.addr,
                    HeaderKind::OneInc => h.addr + 1,
                },
                kind: match h.kind {
                    HeaderKind::OneInc => HeaderKind::NonInc,
                    k => k,
                },
                ..h
            };
            ch.exec.header = (next.count > 0).then_some(next);
            pos += 1;
            continue;
        }
        let subch = (w >> 13) & 7;
        let addr = w & 0xfff;
        let count = (w >> 16) & 0x1fff;
        let sec_op = w >> 29;
        let tert_op = (w >> 16) & 3;
        let set = |kind, addr, count| {
            (count > 0).then_some(Header {
                kind,
                subch,
                addr,
                count,
            })
        };
        match sec_op {
            1 => ch.exec.header = set(HeaderKind::Inc, addr, count),
            3 => ch.exec.header = set(HeaderKind::NonInc, addr, count),
            5 => ch.exec.header = set(HeaderKind::OneInc, addr, count),
            4 => {
                if let Step::Wait(why) = method(ch, cx, space, subch, addr * 4, count)? {
                    ch.exec.segment = Some(Segment { pos, ..seg });
                    return Ok(Some(why));
                }
                ch.exec.waiting = None;
                progress.methods += 1;
            }
            7 => {
                cx.trace
                    .trace(|| format!("fifo: chid {} END_PB_SEGMENT", ch.chid));
                break;
            }
            0 if w == 0 => {}
            0 if tert_op == 0 => {
                ch.exec.header = set(HeaderKind::Inc, (w >> 2) & 0x7ff, (w >> 18) & 0x7ff)
            }
            0 => {}
            2 if tert_op == 0 => {
                ch.exec.header = set(HeaderKind::NonInc, (w >> 2) & 0x7ff, (w >> 18) & 0x7ff)
            }
            _ => {
                return Err(ChannelError::pbdma(format!(
                    "push buffer at VA {:#x} dword {pos}: method header {w:#010x} has a \
                     reserved SEC_OP/TERT_OP",
                    seg.va
                )))
            }
        }
        pos += 1;
    }
    Ok(None)
}

/// Executes method `mthd` (a byte offset) with `data` on subchannel
/// `subch`.
fn method(
    ch: &mut Channel,
    cx: &Ctx<'_>,
    space: &Space,
    subch: u32,
    mthd: u32,
    data: u32,
) -> Result<Step, ChannelError> {
    ch.exec.methods += 1;
    // A retry of the method the channel waits at is not traced again.
    if ch.exec.waiting.is_none() {
        cx.trace.trace(|| {
            format!(
                "fifo: chid {} subch {subch} method {mthd:#06x} data {data:#010x}",
                ch.chid
            )
        });
    }
    if mthd >= 0x100 {
        let class = ch.exec.subch[subch as usize];
        if class == 0 {
            return Err(ChannelError::pbdma(format!(
                "method {mthd:#x} on subchannel {subch}, which has no object (no SET_OBJECT)"
            )));
        }
        let n = ch.engine_type - ENGINE_COPY0;
        return ce::method(ch, cx, space, n, mthd, data);
    }
    let host = &mut ch.exec.host;
    match mthd {
        0x00 => {
            let class = data & 0xffff;
            let n = ch.engine_type.wrapping_sub(ENGINE_COPY0);
            if class != cx.ce_class {
                return Err(ChannelError::ce(
                    n,
                    format!(
                        "SET_OBJECT of class {class:#x} on subchannel {subch}: {} is a {:#x}",
                        engine_name(ch.engine_type),
                        cx.ce_class
                    ),
                ));
            }
            if ch.ce_object.is_none() {
                return Err(ChannelError::ce(
                    n,
                    format!(
                        "SET_OBJECT of class {class:#x}: the channel has no such object \
                         (GSP_RM_ALLOC of it under the channel)"
                    ),
                ));
            }
            ch.exec.subch[subch as usize] = class;
        }
        0x04 => {
            return Err(ChannelError::pbdma(format!(
                "ILLEGAL method (handle {data:#x})"
            )))
        }
        0x08 | 0x24 | 0x78 | 0x80 | 0x84 => {}
        0x10 => {
            host.semaphore_addr =
                (host.semaphore_addr & 0xffff_ffff) | (u64::from(data & 0xff) << 32)
        }
        0x14 => host.semaphore_addr = (host.semaphore_addr & !0xffff_ffff) | u64::from(data & !3),
        0x18 => host.semaphore_payload = data,
        0x1c => return semaphored(ch, cx, space, data),
        0x20 => {
            ch.exec.nonstall += 1;
            cx.trace.trace(|| {
                format!(
                    "fifo: chid {} NON_STALL_INTERRUPT (handle {data:#x}): non-stall interrupt {}",
                    ch.chid, ch.exec.nonstall
                )
            });
            nonstall_interrupt(ch, cx);
        }
        0x28 | 0x2c | 0x30 => host.mem_op[((mthd - 0x28) / 4) as usize] = data,
        0x34 => {
            let op = data >> 27;
            if op == 9 {
                let all = host.mem_op[2] & 1 != 0;
                let scope = if all {
                    crate::mmu::Scope::All
                } else {
                    crate::mmu::Scope::Pdb(crate::mmu::PdbKey::of(&space.pd))
                };
                let n = cx.mmu.invalidate(scope);
                cx.trace.trace(|| {
                    format!(
                        "fifo: chid {} MEM_OP_D MMU_TLB_INVALIDATE ({}): {n} TLB entries dropped",
                        ch.chid,
                        if all { "all PDBs" } else { "the channel's PDB" }
                    )
                });
            }
        }
        0x50 => host.reference = data,
        0x5c => host.sem_addr = (host.sem_addr & !0xffff_ffff) | u64::from(data & !3),
        0x60 => host.sem_addr = (host.sem_addr & 0xffff_ffff) | (u64::from(data & 0xff) << 32),
        0x64 => host.sem_payload = (host.sem_payload & !0xffff_ffff) | u64::from(data),
        0x68 => host.sem_payload = (host.sem_payload & 0xffff_ffff) | (u64::from(data) << 32),
        0x6c => return sem_execute(ch, cx, space, data),
        _ => {
            return Err(ChannelError::pbdma(format!(
                "host method {mthd:#x} does not exist"
            )))
        }
    }
    Ok(Step::Next)
}

/// The channel's engine raises its non-stall interrupt: its vector becomes
/// pending in the CPU interrupt tree.
pub fn nonstall_interrupt(ch: &Channel, cx: &Ctx<'_>) {
    match intr::nonstall_vector(ch.engine_type) {
        Some(v) => cx.intr.pulse(v),
        None => cx.trace.log(format!(
            "fifo: chid {}: {} has no non-stall vector; the interrupt is lost",
            ch.chid,
            engine_name(ch.engine_type)
        )),
    }
}

fn read_sem(cx: &Ctx<'_>, space: &Space, va: u64, wide: bool) -> Result<u64, ChannelError> {
    let mut b = [0u8; 8];
    let n = if wide { 8 } else { 4 };
    cx.mmu
        .read_virt(&space.pd, va, &mut b[..n], space.privileged)
        .map_err(|e| mem_error(&format!("semaphore acquire at VA {va:#x}"), e))?;
    Ok(u64::from_le_bytes(b))
}

fn write_sem(cx: &Ctx<'_>, space: &Space, va: u64, data: &[u8]) -> Result<(), ChannelError> {
    cx.mmu
        .write_virt(&space.pd, va, data, space.privileged)
        .map_err(|e| mem_error(&format!("semaphore release at VA {va:#x}"), e))
}

fn sem_execute(
    ch: &mut Channel,
    cx: &Ctx<'_>,
    space: &Space,
    data: u32,
) -> Result<Step, ChannelError> {
    let h = ch.exec.host;
    let wide = data & (1 << 24) != 0;
    let mask = if wide { u64::MAX } else { 0xffff_ffff };
    let payload = h.sem_payload & mask;
    match data & 7 {
        1 => {
            let mut out = payload.to_le_bytes()[..if wide { 8 } else { 4 }].to_vec();
            if data & (1 << 25) != 0 {
                out.resize(8, 0);
                out.extend_from_slice(&timestamp().to_le_bytes());
            }
            write_sem(cx, space, h.sem_addr, &out)?;
            cx.trace.trace(|| {
                format!(
                    "fifo: chid {} semaphore release VA {:#x} payload {payload:#x} ({}-bit{})",
                    ch.chid,
                    h.sem_addr,
                    if wide { 64 } else { 32 },
                    if data & (1 << 25) != 0 {
                        ", timestamp"
                    } else {
                        ""
                    }
                )
            });
            Ok(Step::Next)
        }
        op @ (0 | 2 | 3 | 4 | 5) => {
            let v = read_sem(cx, space, h.sem_addr, wide)? & mask;
            let ok = match op {
                0 => v == payload,
                2 => v >= payload,
                // Circular: v - payload, as a signed value of the width, >= 0.
                3 => {
                    if wide {
                        (v.wrapping_sub(payload) as i64) >= 0
                    } else {
                        (v.wrapping_sub(payload) as u32 as i32) >= 0
                    }
                }
                4 => v & payload != 0,
                _ => !(v | payload) & mask != 0,
            };
            if ok {
                Ok(Step::Next)
            } else {
                Ok(Step::Wait(format!(
                    "semaphore acquire at VA {:#x}: {v:#x} against payload {payload:#x} \
                     (operation {op})",
                    h.sem_addr
                )))
            }
        }
        _ => {
            cx.mmu.log_once("fifo: reduction".into(), || {
                "fifo: semaphore REDUCTION is not modelled; the method does nothing".into()
            });
            Ok(Step::Next)
        }
    }
}

fn semaphored(
    ch: &mut Channel,
    cx: &Ctx<'_>,
    space: &Space,
    data: u32,
) -> Result<Step, ChannelError> {
    let h = ch.exec.host;
    let payload = h.semaphore_payload;
    match data & 0x1f {
        2 => {
            let mut out = payload.to_le_bytes().to_vec();
            if data & (1 << 24) == 0 {
                out.extend_from_slice(&0u32.to_le_bytes());
                out.extend_from_slice(&timestamp().to_le_bytes());
            }
            write_sem(cx, space, h.semaphore_addr, &out)?;
            Ok(Step::Next)
        }
        op @ (1 | 4) => {
            let v = read_sem(cx, space, h.semaphore_addr, false)? as u32;
            if (op == 1 && v == payload) || (op == 4 && v >= payload) {
                Ok(Step::Next)
            } else {
                Ok(Step::Wait(format!(
                    "SEMAPHORED acquire at VA {:#x}: {v:#x} against {payload:#x}",
                    h.semaphore_addr
                )))
            }
        }
        _ => {
            cx.mmu.log_once("fifo: semaphored op".into(), || {
                format!(
                    "fifo: SEMAPHORED operation {:#x} is not modelled; the method does nothing",
                    data & 0x1f
                )
            });
            Ok(Step::Next)
        }
    }
}
