//! The falcon's DMA engine: copies between external memory (VRAM or guest
//! memory, through the FBIF) and IMEM/DMEM.
//!
//! Facts (nova-core `regs.rs` `NV_PFALCON_FALCON_DMATRF*` and
//! `falcon.rs` `dma_wr`; nouveau `nvkm/falcon/v1.c` `nvkm_falcon_v1_dma_*`):
//!
//! * +0x110 DMATRFBASE: external base address >> 8 (bits 39:8);
//!   +0x128 DMATRFBASE1: bits 8:0 hold address bits 48:40.
//! * +0x114 DMATRFMOFFS: IMEM/DMEM byte offset (bits 23:0).
//! * +0x11c DMATRFFBOFFS: offset added to the base; for IMEM it is also the
//!   virtual address whose tag (>> 8) the loaded block gets.
//! * +0x118 DMATRFCMD: bit 0 queue full, bit 1 idle, bit 4 IMEM (else
//!   DMEM), bit 5 write (falcon memory to external), bits 3:2 secure,
//!   bits 10:8 size (4 << size bytes, 6 = 256), bits 14:12 context index
//!   (FBIF TRANSCFG), bit 16 set DM tag. Writing it starts the transfer.
//!
//! Transfers complete at once: the command reads back idle.

use super::fbif::{Fbif, Target};
use super::ports::{BlockInfo, Memories};
use crate::bar0::Bus;

/// DMATRFBASE.
pub const BASE: u32 = 0x110;
/// DMATRFMOFFS.
pub const MOFFS: u32 = 0x114;
/// DMATRFCMD.
pub const CMD: u32 = 0x118;
/// DMATRFFBOFFS.
pub const FBOFFS: u32 = 0x11c;
/// DMATRFBASE1.
pub const BASE1: u32 = 0x128;

const CMD_IDLE: u32 = 1 << 1;

/// Which falcon memory a transfer reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FalconMem {
    /// IMEM; blocks get `tag` and `secure`.
    Imem {
        /// Tag of the (first) block.
        tag: u16,
        /// Secure code.
        secure: bool,
    },
    /// DMEM.
    Dmem,
}

/// One transfer, as the DMA registers or a bootloader describe it.
#[derive(Debug, Clone, Copy)]
pub struct Transfer {
    /// FBIF context index.
    pub ctx: u32,
    /// External address.
    pub ext: u64,
    /// Falcon memory and offset.
    pub mem: FalconMem,
    /// Offset in the falcon memory.
    pub offset: u32,
    /// Length in bytes.
    pub len: u32,
    /// Falcon memory to external memory.
    pub to_external: bool,
}

/// Performs `t`, checking the FBIF setup as the hardware does. Returns a
/// description of what is wrong if the transfer did not happen.
pub fn transfer(
    engine: &str,
    mem: &mut Memories,
    fbif: &Fbif,
    require_ctx: bool,
    bus: &mut Bus<'_>,
    t: Transfer,
) -> Result<(), String> {
    let target = fbif.resolve(t.ctx, require_ctx)?;
    let len = t.len as usize;
    let off = t.offset as usize;
    let (mem_name, size) = match t.mem {
        FalconMem::Imem { .. } => ("IMEM", mem.imem.len()),
        FalconMem::Dmem => ("DMEM", mem.dmem.len()),
    };
    if off.checked_add(len).is_none_or(|end| end > size) {
        return Err(format!(
            "{mem_name} range {off:#x}+{len:#x} outside the {size:#x}-byte memory"
        ));
    }
    let ext_end = t.ext.checked_add(t.len as u64);
    if t.to_external {
        let src = match t.mem {
            FalconMem::Imem { .. } => &mem.imem[off..off + len],
            FalconMem::Dmem => &mem.dmem[off..off + len],
        };
        match target {
            Target::LocalFb => {
                if ext_end.is_none_or(|e| e > bus.vram.size()) {
                    return Err(format!("VRAM address {:#x} out of range", t.ext));
                }
                bus.vram.write(t.ext, src);
            }
            Target::Sysmem { .. } => bus.dma.write(t.ext, src).map_err(|e| e.to_string())?,
        }
    } else {
        let mut buf = vec![0; len];
        match target {
            Target::LocalFb => {
                if ext_end.is_none_or(|e| e > bus.vram.size()) {
                    return Err(format!("VRAM address {:#x} out of range", t.ext));
                }
                bus.vram.read(t.ext, &mut buf);
            }
            Target::Sysmem { .. } => bus.dma.read(t.ext, &mut buf).map_err(|e| e.to_string())?,
        }
        match t.mem {
            FalconMem::Imem { tag, secure } => {
                // Each 256-byte block gets the tag of its own virtual address.
                for (i, chunk) in buf.chunks(super::ports::BLOCK).enumerate() {
                    let info = BlockInfo {
                        tag: tag.wrapping_add(i as u16),
                        secure,
                    };
                    mem.write_imem(off + i * super::ports::BLOCK, chunk, info);
                }
            }
            FalconMem::Dmem => {
                mem.write_dmem(off, &buf);
            }
        }
    }
    bus.trace.trace(|| {
        let dst = match t.mem {
            FalconMem::Imem { tag, secure } => format!(
                "IMEM {off:#x} (tag {tag:#x}{})",
                if secure { ", secure" } else { "" }
            ),
            FalconMem::Dmem => format!("DMEM {off:#x}"),
        };
        let ext = format!("{} {:#x}", target.name(), t.ext);
        if t.to_external {
            format!("falcon {engine}: DMA {len:#x} bytes {dst} -> {ext}")
        } else {
            format!("falcon {engine}: DMA {len:#x} bytes {ext} -> {dst}")
        }
    });
    Ok(())
}

/// The DMA transfer registers.
pub struct DmaRegs {
    base: u32,
    base1: u32,
    moffs: u32,
    fboffs: u32,
    cmd: u32,
}

impl Default for DmaRegs {
    fn default() -> Self {
        Self {
            base: 0,
            base1: 0,
            moffs: 0,
            fboffs: 0,
            cmd: CMD_IDLE,
        }
    }
}

impl DmaRegs {
    /// Reads register `rel`; `None` if it is not a DMA register.
    pub fn read(&self, rel: u32) -> Option<u32> {
        Some(match rel {
            BASE => self.base,
            BASE1 => self.base1,
            MOFFS => self.moffs,
            FBOFFS => self.fboffs,
            CMD => self.cmd,
            _ => return None,
        })
    }

    /// Writes register `rel`. Returns `None` if it is not a DMA register,
    /// `Some(None)` for a plain store, `Some(Some(t))` if the write starts
    /// transfer `t` (or `Some(Some(Err))` for a malformed command).
    pub fn write(&mut self, rel: u32, value: u32) -> Option<Option<Result<Transfer, String>>> {
        match rel {
            BASE => self.base = value,
            BASE1 => self.base1 = value & 0x1ff,
            MOFFS => self.moffs = value & 0x00ff_ffff,
            FBOFFS => self.fboffs = value,
            CMD => {
                // Keep the programmed fields; the engine is idle again at once.
                self.cmd = (value & !0x3) | CMD_IDLE;
                return Some(Some(self.decode(value)));
            }
            _ => return None,
        }
        Some(None)
    }

    fn decode(&self, cmd: u32) -> Result<Transfer, String> {
        let size = (cmd >> 8) & 0x7;
        if size > 6 {
            return Err(format!("DMATRFCMD {cmd:#x}: size code {size} is reserved"));
        }
        let base = (u64::from(self.base) << 8) | (u64::from(self.base1) << 40);
        let ext = base.wrapping_add(u64::from(self.fboffs));
        let mem = if cmd & (1 << 4) != 0 {
            FalconMem::Imem {
                tag: ((self.fboffs >> 8) & 0xffff) as u16,
                secure: (cmd >> 2) & 0x3 != 0,
            }
        } else {
            FalconMem::Dmem
        };
        Ok(Transfer {
            ctx: (cmd >> 12) & 0x7,
            ext,
            mem,
            offset: self.moffs,
            len: 4 << size,
            to_external: cmd & (1 << 5) != 0,
        })
    }

    /// Name of register `rel`.
    pub fn reg_name(rel: u32) -> Option<&'static str> {
        Some(match rel {
            BASE => "DMATRFBASE",
            BASE1 => "DMATRFBASE1",
            MOFFS => "DMATRFMOFFS",
            FBOFFS => "DMATRFFBOFFS",
            CMD => "DMATRFCMD",
            _ => return None,
        })
    }
}
