//! The falcon's memories (IMEM with its block tags, DMEM) and the PIO
//! ports through which the host reads and writes them.
//!
//! Facts (nova-core `regs.rs` `NV_PFALCON_FALCON_IMEMC/IMEMD/IMEMT/DMEMC/
//! DMEMD` and `falcon.rs` `pio_wr_imem_slice`; nouveau `nvkm/falcon/v1.c`):
//!
//! * IMEM has 4 ports of 16 bytes at +0x180: IMEMC (control), IMEMD
//!   (data), IMEMT (tag). DMEM has 8 ports of 8 bytes at +0x1c0: DMEMC,
//!   DMEMD.
//! * IMEMC/DMEMC: byte offset in bits 15:0 (block 15:8, word 7:2), bit 24
//!   auto-increment after a data write, bit 25 after a data read; IMEMC
//!   bit 28 marks the written IMEM blocks secure.
//! * IMEM is organised in 256-byte blocks; each block carries a tag (its
//!   virtual address >> 8) and a secure flag. The falcon fetches code by
//!   tag, so the boot vector names a tag, not a physical block.

use crate::trace::Trace;

/// Size of an IMEM/DMEM block.
pub const BLOCK: usize = 256;

const AINCW: u32 = 1 << 24;
const AINCR: u32 = 1 << 25;
const SECURE: u32 = 1 << 28;
const OFFS_MASK: u32 = 0xfffc;

/// Tag and secure flag of a loaded IMEM block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockInfo {
    /// Virtual address >> 8.
    pub tag: u16,
    /// Loaded as secure code.
    pub secure: bool,
}

/// IMEM and DMEM contents.
pub struct Memories {
    /// IMEM bytes.
    pub imem: Vec<u8>,
    /// Per IMEM block: `None` while invalid (scrubbed, never loaded).
    pub blocks: Vec<Option<BlockInfo>>,
    /// DMEM bytes.
    pub dmem: Vec<u8>,
}

impl Memories {
    /// Scrubbed memories of the given sizes (bytes).
    pub fn new(imem: u32, dmem: u32) -> Self {
        let imem = imem as usize;
        Self {
            imem: vec![0; imem],
            blocks: vec![None; imem.div_ceil(BLOCK)],
            dmem: vec![0; dmem as usize],
        }
    }

    /// Zeroes both memories and invalidates every IMEM block.
    pub fn scrub(&mut self) {
        self.imem.fill(0);
        self.dmem.fill(0);
        self.blocks.fill(None);
    }

    /// Writes `data` into IMEM at `offset`, tagging the blocks it touches.
    /// `false` (nothing written) if it does not fit.
    pub fn write_imem(&mut self, offset: usize, data: &[u8], info: BlockInfo) -> bool {
        let Some(dst) = offset
            .checked_add(data.len())
            .and_then(|end| self.imem.get_mut(offset..end))
        else {
            return false;
        };
        dst.copy_from_slice(data);
        let first = offset / BLOCK;
        let last = (offset + data.len().max(1) - 1) / BLOCK;
        for b in first..=last {
            if let Some(slot) = self.blocks.get_mut(b) {
                *slot = Some(info);
            }
        }
        true
    }

    /// Writes `data` into DMEM at `offset`; `false` if it does not fit.
    pub fn write_dmem(&mut self, offset: usize, data: &[u8]) -> bool {
        match offset
            .checked_add(data.len())
            .and_then(|end| self.dmem.get_mut(offset..end))
        {
            Some(dst) => {
                dst.copy_from_slice(data);
                true
            }
            None => false,
        }
    }

    /// The physical IMEM block holding tag `tag`, if one is valid.
    pub fn block_of_tag(&self, tag: u16) -> Option<usize> {
        self.blocks
            .iter()
            .position(|b| b.is_some_and(|b| b.tag == tag))
    }

    /// Reads `len` bytes of code at virtual address `vaddr` through the
    /// block tags, with the secure flag of each block. `None` if a block on
    /// the way is missing.
    pub fn read_virtual(&self, vaddr: u32, len: usize) -> Option<(Vec<u8>, Vec<bool>)> {
        let mut out = Vec::with_capacity(len);
        let mut secure = Vec::new();
        let mut addr = vaddr as usize;
        while out.len() < len {
            let tag = u16::try_from(addr / BLOCK).ok()?;
            let phys = self.block_of_tag(tag)?;
            let info = self.blocks[phys]?;
            let within = addr % BLOCK;
            let n = (BLOCK - within).min(len - out.len());
            let start = phys * BLOCK + within;
            out.extend_from_slice(self.imem.get(start..start + n)?);
            secure.push(info.secure);
            addr += n;
        }
        Some((out, secure))
    }

    /// Whether any IMEM block was loaded since the last scrub.
    pub fn imem_loaded(&self) -> bool {
        self.blocks.iter().any(Option::is_some)
    }
}

/// One IMEM port.
#[derive(Default, Clone, Copy)]
struct ImemPort {
    ctl: u32,
    tag: u32,
}

/// The IMEM and DMEM PIO ports.
pub struct Ports {
    imem: [ImemPort; 4],
    dmem: [u32; 8],
    /// An out-of-range access was already logged since the last reset.
    reported: bool,
}

/// First IMEM port register (IMEMC(0)).
pub const IMEM_PORTS: u32 = 0x180;
/// First DMEM port register (DMEMC(0)).
pub const DMEM_PORTS: u32 = 0x1c0;
/// End of the port registers.
pub const PORTS_END: u32 = 0x200;

fn advance(ctl: u32) -> u32 {
    (ctl & !OFFS_MASK) | ((ctl & OFFS_MASK).wrapping_add(4) & OFFS_MASK)
}

impl Ports {
    /// Ports at their reset state.
    pub fn new() -> Self {
        Self {
            imem: [ImemPort::default(); 4],
            dmem: [0; 8],
            reported: false,
        }
    }

    /// Name of the port register at `rel`, if `rel` is one.
    pub fn reg_name(rel: u32) -> Option<String> {
        match rel {
            IMEM_PORTS..DMEM_PORTS => {
                let (port, reg) = ((rel - IMEM_PORTS) / 16, (rel - IMEM_PORTS) % 16);
                let name = ["IMEMC", "IMEMD", "IMEMT", ""][reg as usize / 4];
                (!name.is_empty()).then(|| format!("{name}({port})"))
            }
            DMEM_PORTS..PORTS_END => {
                let (port, reg) = ((rel - DMEM_PORTS) / 8, (rel - DMEM_PORTS) % 8);
                let name = if reg == 0 { "DMEMC" } else { "DMEMD" };
                Some(format!("{name}({port})"))
            }
            _ => None,
        }
    }

    fn out_of_range(&mut self, trace: &Trace, what: &str, addr: u32, size: usize) {
        if !self.reported {
            self.reported = true;
            trace.log(format!(
                "falcon: PIO {what} at {addr:#x} outside the {size:#x}-byte memory; ignored"
            ));
        }
    }

    /// Handles a read of port register `rel`; `None` if it is not one.
    pub fn read(&mut self, mem: &Memories, trace: &Trace, rel: u32) -> Option<u32> {
        match rel {
            IMEM_PORTS..DMEM_PORTS => {
                let p = &mut self.imem[((rel - IMEM_PORTS) / 16) as usize];
                match (rel - IMEM_PORTS) % 16 {
                    0 => Some(p.ctl),
                    4 => {
                        let addr = p.ctl & OFFS_MASK;
                        if p.ctl & AINCR != 0 {
                            p.ctl = advance(p.ctl);
                        }
                        let v = word(&mem.imem, addr);
                        if v.is_none() {
                            self.out_of_range(trace, "IMEM read", addr, mem.imem.len());
                        }
                        Some(v.unwrap_or(0))
                    }
                    8 => Some(p.tag),
                    _ => None,
                }
            }
            DMEM_PORTS..PORTS_END => {
                let i = ((rel - DMEM_PORTS) / 8) as usize;
                if (rel - DMEM_PORTS).is_multiple_of(8) {
                    return Some(self.dmem[i]);
                }
                let addr = self.dmem[i] & OFFS_MASK;
                if self.dmem[i] & AINCR != 0 {
                    self.dmem[i] = advance(self.dmem[i]);
                }
                let v = word(&mem.dmem, addr);
                if v.is_none() {
                    self.out_of_range(trace, "DMEM read", addr, mem.dmem.len());
                }
                Some(v.unwrap_or(0))
            }
            _ => None,
        }
    }

    /// Handles a write of port register `rel`; `false` if it is not one.
    pub fn write(&mut self, mem: &mut Memories, trace: &Trace, rel: u32, value: u32) -> bool {
        match rel {
            IMEM_PORTS..DMEM_PORTS => {
                let p = &mut self.imem[((rel - IMEM_PORTS) / 16) as usize];
                match (rel - IMEM_PORTS) % 16 {
                    0 => p.ctl = value & (OFFS_MASK | AINCW | AINCR | SECURE),
                    4 => {
                        let addr = p.ctl & OFFS_MASK;
                        let info = BlockInfo {
                            tag: (p.tag & 0xffff) as u16,
                            secure: p.ctl & SECURE != 0,
                        };
                        if p.ctl & AINCW != 0 {
                            p.ctl = advance(p.ctl);
                        }
                        if !mem.write_imem(addr as usize, &value.to_le_bytes(), info) {
                            self.out_of_range(trace, "IMEM write", addr, mem.imem.len());
                        }
                    }
                    8 => p.tag = value & 0xffff,
                    _ => return false,
                }
                true
            }
            DMEM_PORTS..PORTS_END => {
                let i = ((rel - DMEM_PORTS) / 8) as usize;
                if (rel - DMEM_PORTS).is_multiple_of(8) {
                    self.dmem[i] = value & (OFFS_MASK | AINCW | AINCR);
                    return true;
                }
                let addr = self.dmem[i] & OFFS_MASK;
                if self.dmem[i] & AINCW != 0 {
                    self.dmem[i] = advance(self.dmem[i]);
                }
                if !mem.write_dmem(addr as usize, &value.to_le_bytes()) {
                    self.out_of_range(trace, "DMEM write", addr, mem.dmem.len());
                }
                true
            }
            _ => false,
        }
    }
}

impl Default for Ports {
    fn default() -> Self {
        Self::new()
    }
}

fn word(mem: &[u8], addr: u32) -> Option<u32> {
    let a = addr as usize;
    let b = mem.get(a..a + 4)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imem_autoincrement_tags_and_virtual_reads() {
        let trace = Trace::memory(false);
        let mut mem = Memories::new(0x1000, 0x800);
        let mut ports = Ports::new();
        // Port 1, secure, auto-increment, at block 2; tag 7.
        assert!(ports.write(&mut mem, &trace, 0x190, SECURE | AINCW | 0x200));
        assert!(ports.write(&mut mem, &trace, 0x198, 7));
        for i in 0..64u32 {
            ports.write(&mut mem, &trace, 0x194, 0x1000 + i);
        }
        assert_eq!(
            ports.read(&mem, &trace, 0x190),
            Some(SECURE | AINCW | 0x300)
        );
        assert_eq!(mem.block_of_tag(7), Some(2));
        let (code, secure) = mem.read_virtual(0x700, 8).expect("tag 7");
        assert_eq!(code, [0, 0x10, 0, 0, 1, 0x10, 0, 0]);
        assert_eq!(secure, [true]);
        assert!(mem.read_virtual(0x800, 4).is_none(), "tag 8 not loaded");
    }

    #[test]
    fn dmem_reads_back_and_out_of_range_is_logged_once() {
        let trace = Trace::memory(false);
        let mut mem = Memories::new(0x100, 0x100);
        let mut ports = Ports::new();
        ports.write(&mut mem, &trace, 0x1c8, AINCW | AINCR | 0xf8);
        ports.write(&mut mem, &trace, 0x1cc, 0xaabb_ccdd);
        ports.write(&mut mem, &trace, 0x1cc, 0x1122_3344);
        ports.write(&mut mem, &trace, 0x1cc, 0x5566_7788); // 0x100: outside
        ports.write(&mut mem, &trace, 0x1c8, AINCR | 0xf8);
        assert_eq!(ports.read(&mem, &trace, 0x1cc), Some(0xaabb_ccdd));
        assert_eq!(ports.read(&mem, &trace, 0x1cc), Some(0x1122_3344));
        assert_eq!(ports.read(&mem, &trace, 0x1cc), Some(0));
        assert_eq!(trace.lines().len(), 1, "{:?}", trace.lines());
    }
}
