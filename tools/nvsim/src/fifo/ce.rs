//! The copy engine: its methods and LAUNCH_DMA.
//!
//! Facts (open-gpu-doc `classes/dma-copy/clc5b5.h`, TURING_DMA_COPY_A;
//! the later classes keep these methods and fields): NOP 0x100,
//! PM_TRIGGER 0x140, SET_SEMAPHORE_A 0x240 (UPPER 16:0), SET_SEMAPHORE_B
//! 0x244 (LOWER), SET_SEMAPHORE_PAYLOAD 0x248, SET_RENDER_ENABLE_A..C
//! 0x254..0x25c, SET_SRC_PHYS_MODE 0x260 / SET_DST_PHYS_MODE 0x264
//! (TARGET 1:0: LOCAL_FB 0, COHERENT_SYSMEM 1, NONCOHERENT_SYSMEM 2),
//! LAUNCH_DMA 0x300, OFFSET_IN_UPPER/LOWER 0x400/0x404, OFFSET_OUT_UPPER/
//! LOWER 0x408/0x40c, PITCH_IN 0x410, PITCH_OUT 0x414, LINE_LENGTH_IN
//! 0x418, LINE_COUNT 0x41c, SET_REMAP_CONST_A/B 0x700/0x704,
//! SET_REMAP_COMPONENTS 0x708 (DST_X 2:0, DST_Y 6:4, DST_Z 10:8, DST_W
//! 14:12, each SRC_X 0 .. SRC_W 3, CONST_A 4, CONST_B 5, NO_WRITE 6;
//! COMPONENT_SIZE 17:16, NUM_SRC_COMPONENTS 21:20, NUM_DST_COMPONENTS
//! 25:24, each value + 1), the block-linear surface methods 0x70c..0x750,
//! PM_TRIGGER_END 0x1114. LAUNCH_DMA: DATA_TRANSFER_TYPE 1:0 (NONE 0,
//! PIPELINED 1, NON_PIPELINED 2), FLUSH_ENABLE 2, SEMAPHORE_TYPE 4:3 (NONE,
//! RELEASE_ONE_WORD 1, RELEASE_FOUR_WORD 2, RELEASE_CONDITIONAL_INTR 3),
//! INTERRUPT_TYPE 6:5 (NONE, BLOCKING 1, NON_BLOCKING 2),
//! SRC_/DST_MEMORY_LAYOUT 7/8 (BLOCKLINEAR 0, PITCH 1), MULTI_LINE_ENABLE
//! 9, REMAP_ENABLE 10, SRC_TYPE 12 / DST_TYPE 13 (VIRTUAL 0, PHYSICAL 1),
//! SEMAPHORE_REDUCTION_ENABLE 19. From Ampere's class on (open-gpu-doc
//! `clc8b5.h`, HOPPER_DMA_COPY_A; AMPERE_DMA_COPY_B has them as well):
//! SET_SEMAPHORE_PAYLOAD_UPPER 0x24c and LAUNCH_DMA SEMAPHORE_PAYLOAD_SIZE
//! 27 (ONE_WORD 0, TWO_WORD 1: a 64-bit payload), OFFSET_*_UPPER 24:0.
//!
//! What nvsim does: a PITCH copy of LINE_LENGTH_IN bytes (with remap:
//! pixels of NUM_SRC_COMPONENTS x COMPONENT_SIZE bytes in,
//! NUM_DST_COMPONENTS x COMPONENT_SIZE out, each destination component
//! a source component, constant A or B, or left alone), LINE_COUNT lines
//! PITCH_IN/PITCH_OUT apart with MULTI_LINE_ENABLE (else one line);
//! virtual addresses through the channel's VA space with its privilege,
//! physical ones in the aperture of SET_*_PHYS_MODE (refused for a channel
//! allocated with CHANNEL_DENY_PHYSICAL_MODE_CE); the source is read
//! only if a destination component takes from it. Then the semaphore: ONE_WORD
//! writes the 32-bit payload (TWO_WORD: the 64-bit one), FOUR_WORD the
//! payload as 64 bits (upper word 0 unless TWO_WORD) and the 64-bit
//! timestamp (16 bytes), at the semaphore VA. Then the interrupt:
//! counted in the channel's state (BLOCKING as a stall interrupt,
//! NON_BLOCKING as a non-stall one); a NON_BLOCKING one also makes the
//! copy engine's non-stall vector pending in the CPU interrupt tree
//! ([`crate::intr`]). A BLOCKING (stall) interrupt stays a counter: on a
//! GSP system an engine's stall interrupts are GSP-RM's to service, and
//! nvsim does not model what GSP-RM does with one. A fault stops the
//! channel (MMU fault); a method the class does
//! not have, a block-linear layout, a physical target 3, a conditional
//! semaphore or a semaphore reduction are copy-engine errors (the last
//! three: not modelled by nvsim, logged as such).

use super::pbdma::{nonstall_interrupt, Ctx, Space, Step};
use super::rc::ChannelError;
use super::timestamp;
use crate::fault::FaultKind;
use crate::gsprm::rm::channel::Channel;
use crate::mmu::{Access, AccessError, Aperture, Fault, FaultType, PhysAddr};

/// TURING_DMA_COPY_A, the one class without 64-bit semaphores.
const TURING_DMA_COPY_A: u32 = 0xc5b5;

/// Bytes moved per step of a long line.
const CHUNK: u64 = 1 << 20;

/// Executes copy-engine method `mthd` on the channel's copy engine `n`.
pub fn method(
    ch: &mut Channel,
    cx: &Ctx<'_>,
    space: &Space,
    n: u32,
    mthd: u32,
    data: u32,
) -> Result<Step, ChannelError> {
    let r = &mut ch.exec.ce;
    let upper = |d: u32| u64::from(d & 0x01ff_ffff) << 32;
    match mthd {
        0x100 | 0x140 | 0x254 | 0x258 | 0x25c | 0x1114 => {}
        0x70c..=0x750 if mthd.is_multiple_of(4) && mthd != 0x724 && mthd != 0x740 => {}
        0x240 => r.sem_addr = (r.sem_addr & 0xffff_ffff) | upper(data),
        0x244 => r.sem_addr = (r.sem_addr & !0xffff_ffff) | u64::from(data),
        0x248 => r.sem_payload = data,
        0x24c if cx.ce_class != TURING_DMA_COPY_A => r.sem_payload_upper = data,
        0x260 => r.src_phys = data,
        0x264 => r.dst_phys = data,
        0x300 => {
            if cx.faults.active(FaultKind::CeHang) {
                cx.mmu.log_once("fault ce-hang".into(), || {
                    "fault ce-hang: the copy engine never completes LAUNCH_DMA; the channel \
                     waits"
                        .into()
                });
                return Ok(Step::Wait(
                    "fault ce-hang: LAUNCH_DMA never completes".into(),
                ));
            }
            return launch(ch, cx, space, n, data).map(|()| Step::Next);
        }
        0x400 => r.offset_in = (r.offset_in & 0xffff_ffff) | upper(data),
        0x404 => r.offset_in = (r.offset_in & !0xffff_ffff) | u64::from(data),
        0x408 => r.offset_out = (r.offset_out & 0xffff_ffff) | upper(data),
        0x40c => r.offset_out = (r.offset_out & !0xffff_ffff) | u64::from(data),
        0x410 => r.pitch_in = data,
        0x414 => r.pitch_out = data,
        0x418 => r.line_length_in = data,
        0x41c => r.line_count = data,
        0x700 => r.remap_const[0] = data,
        0x704 => r.remap_const[1] = data,
        0x708 => r.remap_components = data,
        _ => {
            return Err(ChannelError::ce(
                n,
                format!(
                    "method {mthd:#x} is not a method of class {:#x}",
                    cx.ce_class
                ),
            ))
        }
    }
    Ok(Step::Next)
}

/// Where one side of a copy is.
#[derive(Clone, Copy)]
enum Addr {
    Virt(u64),
    Phys(PhysAddr),
}

impl Addr {
    fn offset(self, off: u64) -> Self {
        match self {
            Addr::Virt(va) => Addr::Virt(va.wrapping_add(off)),
            Addr::Phys(pa) => Addr::Phys(pa.offset(off)),
        }
    }
}

fn ce_mem_error(n: u32, what: &str, e: AccessError) -> ChannelError {
    match e {
        AccessError::Fault(f) => ChannelError::mmu(f, format!("COPY{n} {what}")),
        e => ChannelError::ce(n, format!("{what}: {e}")),
    }
}

fn side(
    ch: &Channel,
    n: u32,
    physical: bool,
    mode: u32,
    at: u64,
    what: &str,
) -> Result<Addr, ChannelError> {
    if !physical {
        return Ok(Addr::Virt(at));
    }
    if ch.deny_physical_ce() {
        return Err(ChannelError::ce(
            n,
            format!(
                "{what} is PHYSICAL and the channel was allocated with \
                 CHANNEL_DENY_PHYSICAL_MODE_CE"
            ),
        ));
    }
    let aperture = match mode & 3 {
        0 => Aperture::Vram,
        1 => Aperture::SysCoherent,
        2 => Aperture::SysNonCoherent,
        t => {
            return Err(ChannelError::ce(
                n,
                format!("{what} physical TARGET {t} (peer memory) is not modelled"),
            ))
        }
    };
    Ok(Addr::Phys(PhysAddr { aperture, addr: at }))
}

fn read(cx: &Ctx<'_>, space: &Space, n: u32, a: Addr, buf: &mut [u8]) -> Result<(), ChannelError> {
    match a {
        Addr::Virt(va) => cx
            .mmu
            .read_virt(&space.pd, va, buf, space.privileged)
            .map_err(|e| ce_mem_error(n, &format!("read at VA {va:#x}"), e)),
        Addr::Phys(pa) => cx
            .mmu
            .read_phys(pa, buf)
            .map_err(|e| ChannelError::ce(n, format!("read at {pa}: {e}"))),
    }
}

fn write(cx: &Ctx<'_>, space: &Space, n: u32, a: Addr, data: &[u8]) -> Result<(), ChannelError> {
    match a {
        Addr::Virt(va) => cx
            .mmu
            .write_virt(&space.pd, va, data, space.privileged)
            .map_err(|e| ce_mem_error(n, &format!("write at VA {va:#x}"), e)),
        Addr::Phys(pa) => cx
            .mmu
            .write_phys(pa, data)
            .map_err(|e| ChannelError::ce(n, format!("write at {pa}: {e}"))),
    }
}

/// The remap of SET_REMAP_COMPONENTS.
struct Remap {
    size: usize,
    src: usize,
    dst: usize,
    /// Per destination component: 0..3 a source component, 4/5 a
    /// constant, 6 no write.
    sel: [u32; 4],
    consts: [u32; 2],
}

impl Remap {
    fn new(components: u32, consts: [u32; 2]) -> Self {
        Self {
            size: ((components >> 16) & 3) as usize + 1,
            src: ((components >> 20) & 3) as usize + 1,
            dst: ((components >> 24) & 3) as usize + 1,
            sel: [
                components & 7,
                (components >> 4) & 7,
                (components >> 8) & 7,
                (components >> 12) & 7,
            ],
            consts,
        }
    }

    fn reads_source(&self) -> bool {
        self.sel[..self.dst].iter().any(|s| *s < 4)
    }
}

fn launch(
    ch: &mut Channel,
    cx: &Ctx<'_>,
    space: &Space,
    n: u32,
    d: u32,
) -> Result<(), ChannelError> {
    let r = ch.exec.ce;
    let transfer = d & 3;
    let sem_type = (d >> 3) & 3;
    let intr = (d >> 5) & 3;
    cx.trace.trace(|| {
        format!(
            "fifo: chid {} COPY{n} LAUNCH_DMA {d:#x}: in {:#x} out {:#x} length {} lines {} \
             pitch {}/{}",
            ch.chid,
            r.offset_in,
            r.offset_out,
            r.line_length_in,
            r.line_count,
            r.pitch_in,
            r.pitch_out
        )
    });
    if transfer != 0 {
        if transfer == 3 {
            return Err(ChannelError::ce(
                n,
                "LAUNCH_DMA DATA_TRANSFER_TYPE 3 is reserved",
            ));
        }
        if (d >> 7) & 1 == 0 || (d >> 8) & 1 == 0 {
            return Err(ChannelError::ce(
                n,
                format!(
                    "LAUNCH_DMA {d:#x}: a BLOCKLINEAR layout (SRC/DST_MEMORY_LAYOUT 0) is not \
                     modelled by nvsim"
                ),
            ));
        }
        if cx.faults.active(FaultKind::MmuFault) {
            cx.trace.log(format!(
                "fault mmu-fault: COPY{n}'s write at VA {:#x} faults",
                r.offset_out
            ));
            return Err(ChannelError::mmu(
                Fault {
                    kind: FaultType::Pte,
                    access: Access::Write,
                    va: r.offset_out,
                    at: None,
                    reason: "fault mmu-fault: injected".into(),
                },
                format!("COPY{n} write at VA {:#x}", r.offset_out),
            ));
        }
        let src = side(
            ch,
            n,
            (d >> 12) & 1 != 0,
            r.src_phys,
            r.offset_in,
            "the source",
        )?;
        let dst = side(
            ch,
            n,
            (d >> 13) & 1 != 0,
            r.dst_phys,
            r.offset_out,
            "the destination",
        )?;
        let lines = if (d >> 9) & 1 != 0 { r.line_count } else { 1 };
        let remap = ((d >> 10) & 1 != 0).then(|| Remap::new(r.remap_components, r.remap_const));
        for line in 0..u64::from(lines) {
            let s = src.offset(line * u64::from(r.pitch_in));
            let o = dst.offset(line * u64::from(r.pitch_out));
            let written = match &remap {
                None => copy_line(cx, space, n, s, o, u64::from(r.line_length_in))?,
                Some(m) => remap_line(cx, space, n, m, s, o, u64::from(r.line_length_in))?,
            };
            ch.exec.bytes += written;
        }
        ch.exec.copies += 1;
    }
    if (d >> 19) & 1 != 0 && sem_type != 0 {
        return Err(ChannelError::ce(
            n,
            "LAUNCH_DMA with SEMAPHORE_REDUCTION_ENABLE: semaphore reductions are not modelled \
             by nvsim",
        ));
    }
    match sem_type {
        0 => {}
        1 | 2 => {
            // SEMAPHORE_PAYLOAD_SIZE TWO_WORD (27:27, Ampere's class on):
            // the 64-bit payload of SET_SEMAPHORE_PAYLOAD/_UPPER.
            let two_word = cx.ce_class != TURING_DMA_COPY_A && (d >> 27) & 1 != 0;
            let upper = if two_word { r.sem_payload_upper } else { 0 };
            let mut out = r.sem_payload.to_le_bytes().to_vec();
            if two_word || sem_type == 2 {
                out.extend_from_slice(&upper.to_le_bytes());
            }
            if sem_type == 2 {
                out.extend_from_slice(&timestamp().to_le_bytes());
            }
            write(cx, space, n, Addr::Virt(r.sem_addr), &out)?;
            cx.trace.trace(|| {
                format!(
                    "fifo: chid {} COPY{n} semaphore release VA {:#x} payload {:#x}",
                    ch.chid, r.sem_addr, r.sem_payload
                )
            });
        }
        _ => {
            return Err(ChannelError::ce(
                n,
                "LAUNCH_DMA SEMAPHORE_TYPE RELEASE_CONDITIONAL_INTR_SEMAPHORE is not modelled by \
                 nvsim",
            ))
        }
    }
    match intr {
        1 => ch.exec.stall += 1,
        2 => {
            ch.exec.nonstall += 1;
            cx.trace.trace(|| {
                format!(
                    "fifo: chid {} COPY{n} non-blocking interrupt {}",
                    ch.chid, ch.exec.nonstall
                )
            });
            nonstall_interrupt(ch, cx);
        }
        _ => {}
    }
    Ok(())
}

fn copy_line(
    cx: &Ctx<'_>,
    space: &Space,
    n: u32,
    src: Addr,
    dst: Addr,
    len: u64,
) -> Result<u64, ChannelError> {
    let mut done = 0;
    let mut buf = vec![0u8; len.min(CHUNK) as usize];
    while done < len {
        let k = (len - done).min(CHUNK) as usize;
        read(cx, space, n, src.offset(done), &mut buf[..k])?;
        write(cx, space, n, dst.offset(done), &buf[..k])?;
        done += k as u64;
    }
    Ok(len)
}

fn remap_line(
    cx: &Ctx<'_>,
    space: &Space,
    n: u32,
    m: &Remap,
    src: Addr,
    dst: Addr,
    pixels: u64,
) -> Result<u64, ChannelError> {
    let (sp, dp) = ((m.size * m.src) as u64, (m.size * m.dst) as u64);
    let per = (CHUNK / dp.max(sp)).max(1);
    let mut done = 0u64;
    let mut written = 0;
    while done < pixels {
        let k = (pixels - done).min(per);
        let mut sbuf = vec![0u8; (k * sp) as usize];
        if m.reads_source() {
            read(cx, space, n, src.offset(done * sp), &mut sbuf)?;
        }
        let keep = m.sel[..m.dst].contains(&6);
        let mut dbuf = vec![0u8; (k * dp) as usize];
        if keep {
            // NO_WRITE components keep what is there.
            read(cx, space, n, dst.offset(done * dp), &mut dbuf)?;
        }
        for px in 0..k as usize {
            for c in 0..m.dst {
                let at = px * dp as usize + c * m.size;
                let bytes: [u8; 4] = match m.sel[c] {
                    s @ 0..=3 if (s as usize) < m.src => {
                        let from = px * sp as usize + s as usize * m.size;
                        let mut b = [0u8; 4];
                        b[..m.size].copy_from_slice(&sbuf[from..from + m.size]);
                        b
                    }
                    0..=3 => [0; 4],
                    4 => m.consts[0].to_le_bytes(),
                    5 => m.consts[1].to_le_bytes(),
                    _ => continue,
                };
                dbuf[at..at + m.size].copy_from_slice(&bytes[..m.size]);
            }
        }
        write(cx, space, n, dst.offset(done * dp), &dbuf)?;
        written += k * dp;
        done += k;
    }
    Ok(written)
}
