//! The generic falcon bootloader (Turing): recognising it in IMEM and
//! doing what it does, loading a ucode by DMA as its DMEM descriptor says.
//!
//! Facts:
//! * the file `nvidia/<chip>/gsp/gen_bootloader-<version>.bin` starts with
//!   a `nvfw_bin_hdr` (u32 magic 0x10de, version, size, header offset,
//!   data offset, data size) whose header is a `nvfw_bl_desc` (u32 start
//!   tag, DMEM load offset, code offset, code size, data offset, data
//!   size); code and data offsets count from the data offset (nouveau
//!   `include/nvfw/fw.h`, `nvkm/subdev/gsp/fwsec.c`);
//! * the driver loads the code as non-secure IMEM ending at 64 KiB, tagged
//!   from the start tag, and boots at `start_tag << 8` (nova-core
//!   `firmware/fwsec/bootloader.rs`);
//! * the DMEM descriptor (`BootloaderDmemDescV2`, packed, little endian):
//!   0x00 4 reserved u32s, 0x10 4 signature u32s, 0x20 DMA context index, 0x24
//!   code DMA base (u64), 0x2c non-secure code offset, 0x30 its size, 0x34
//!   secure code offset, 0x38 its size, 0x3c code entry point, 0x40 data
//!   DMA base (u64), 0x48 data size, 0x4c argc, 0x50 argv. Code offsets
//!   are both source offsets from the code base and IMEM destinations; the
//!   data goes to DMEM 0.

use std::path::Path;

use crate::bar0::Bus;
use crate::falcon::dma::{FalconMem, Transfer};
use crate::falcon::ports::BLOCK;
use crate::falcon::Cpu;
use crate::le::{le32, le64};

/// Firmware version of the files nvsim reads.
pub const FW_VERSION: &str = "570.144";

/// Size of the DMEM descriptor.
pub const DESC_LEN: usize = 0x54;

/// The generic bootloader of one chip.
#[derive(Debug, Clone)]
pub struct Gbl {
    /// Its code.
    pub code: Vec<u8>,
    /// IMEM tag of its first block.
    pub start_tag: u32,
    /// Where it reads its descriptor in DMEM.
    pub dmem_load_off: u32,
}

impl Gbl {
    /// Parses a `gen_bootloader` file.
    pub fn parse(data: &[u8]) -> Result<Self, String> {
        let short = || "file too short".to_string();
        let magic = le32(data, 0).ok_or_else(short)?;
        if magic != 0x10de {
            return Err(format!("bad bin_hdr magic {magic:#x}"));
        }
        let hdr = le32(data, 12).ok_or_else(short)? as usize;
        let data_off = le32(data, 16).ok_or_else(short)? as usize;
        let data_size = le32(data, 20).ok_or_else(short)? as usize;
        let payload = data
            .get(data_off..data_off.saturating_add(data_size))
            .ok_or("payload outside the file")?;
        let f = |i: usize| le32(data, hdr + 4 * i).ok_or_else(short);
        let (start_tag, dmem_load_off, code_off, code_size) = (f(0)?, f(1)?, f(2)?, f(3)?);
        let code = payload
            .get(code_off as usize..(code_off as usize).saturating_add(code_size as usize))
            .ok_or("code outside the payload")?
            .to_vec();
        Ok(Self {
            code,
            start_tag,
            dmem_load_off,
        })
    }

    /// Loads the bootloader of `chip` from the firmware directory `dir`.
    pub fn load(dir: &Path, chip: &str) -> Result<Self, String> {
        let path = dir
            .join("nvidia")
            .join(chip)
            .join("gsp")
            .join(format!("gen_bootloader-{FW_VERSION}.bin"));
        let data = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        Self::parse(&data).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Whether the falcon boots this bootloader: non-secure code at the
    /// boot vector equal to its code.
    pub fn is_loaded(&self, cpu: &Cpu) -> bool {
        match cpu.mem.read_virtual(cpu.bootvec, self.code.len()) {
            Some((code, secure)) => code == self.code && !secure.contains(&true),
            None => false,
        }
    }

    /// Does what the bootloader does: reads its descriptor and loads the
    /// ucode. Returns the entry point of the loaded ucode.
    pub fn run(&self, cpu: &mut Cpu, bus: &mut Bus<'_>) -> Result<u32, String> {
        let at = self.dmem_load_off as usize;
        let d = cpu
            .mem
            .dmem
            .get(at..at + DESC_LEN)
            .ok_or("descriptor outside DMEM")?
            .to_vec();
        let r = |o| le32(&d, o).unwrap_or(0);
        let ctx = r(0x20);
        let code_base = le64(&d, 0x24).unwrap_or(0);
        let (ns_off, ns_size, sec_off, sec_size) = (r(0x2c), r(0x30), r(0x34), r(0x38));
        let entry = r(0x3c);
        let data_base = le64(&d, 0x40).unwrap_or(0);
        let data_size = r(0x48);
        bus.trace.trace(|| {
            format!(
                "gbl: ctx {ctx}, code {code_base:#x} (non-secure {ns_off:#x}+{ns_size:#x}, \
                 secure {sec_off:#x}+{sec_size:#x}), data {data_base:#x}+{data_size:#x}, \
                 entry {entry:#x}"
            )
        });
        for (off, size, secure) in [(ns_off, ns_size, false), (sec_off, sec_size, true)] {
            for pos in (0..size).step_by(BLOCK) {
                let o = off.checked_add(pos).ok_or("code offset overflows")?;
                cpu.dma(
                    bus,
                    Transfer {
                        ctx,
                        ext: code_base.wrapping_add(u64::from(o)),
                        mem: FalconMem::Imem {
                            tag: ((o >> 8) & 0xffff) as u16,
                            secure,
                        },
                        offset: o,
                        len: BLOCK as u32,
                        to_external: false,
                    },
                )?;
            }
        }
        for pos in (0..data_size).step_by(BLOCK) {
            cpu.dma(
                bus,
                Transfer {
                    ctx,
                    ext: data_base.wrapping_add(u64::from(pos)),
                    mem: FalconMem::Dmem,
                    offset: pos,
                    len: BLOCK as u32,
                    to_external: false,
                },
            )?;
        }
        Ok(entry)
    }
}

/// Builds a `gen_bootloader` file around `code` (for tests).
pub fn make_file(code: &[u8], start_tag: u32) -> Vec<u8> {
    let mut f = Vec::new();
    let data_off = 0x30u32;
    for v in [0x10de, 1, 0, 0x18, data_off, code.len() as u32] {
        f.extend_from_slice(&u32::to_le_bytes(v));
    }
    for v in [start_tag, 0, 0, code.len() as u32, code.len() as u32, 0] {
        f.extend_from_slice(&u32::to_le_bytes(v));
    }
    f.extend_from_slice(code);
    let total = f.len() as u32;
    f[8..12].copy_from_slice(&total.to_le_bytes());
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_it_builds_and_refuses_garbage() {
        let g = Gbl::parse(&make_file(&[1, 2, 3, 4], 0xfd)).expect("parse");
        assert_eq!(
            (g.code.as_slice(), g.start_tag),
            (&[1u8, 2, 3, 4][..], 0xfd)
        );
        assert!(Gbl::parse(&[0; 8]).is_err());
        let mut bad = make_file(&[1, 2, 3, 4], 0xfd);
        bad[0] = 0;
        assert!(Gbl::parse(&bad).is_err());
        let mut bad = make_file(&[1, 2, 3, 4], 0xfd);
        bad[0x24..0x28].copy_from_slice(&0xffff_fff0u32.to_le_bytes());
        assert!(Gbl::parse(&bad).is_err(), "code offset out of range");
    }
}
