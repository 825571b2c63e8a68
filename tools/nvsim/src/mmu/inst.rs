//! Instance blocks: the memory-management words of a 4 KiB `NV_RAMIN`
//! block, where an engine (a channel, BAR1, BAR2) finds its page
//! directory.
//!
//! Facts (open-gpu-doc `manuals/turing/tu104/dev_ram.ref.txt`, "GPU
//! INSTANCE RAM"; the same words on GA100 `dev_ram.ref.txt`):
//!
//! * `NV_RAMIN_BASE_SHIFT` 12, `NV_RAMIN_ALLOC_SIZE` 4096: 4 KiB aligned.
//! * word 128 (byte 0x200): `PAGE_DIR_BASE_TARGET` 1:0 (0 VID_MEM, 1
//!   INVALID "unbinds the selected engine", 2 SYS_MEM_COHERENT, 3
//!   SYS_MEM_NONCOHERENT), `PAGE_DIR_BASE_VOL` 2, `FAULT_REPLAY_TEX` 4,
//!   `FAULT_REPLAY_GCC` 5, `USE_VER2_PT_FORMAT` 10, `BIG_PAGE_SIZE` 11
//!   (1 = 64 KiB, 0 = 128 KiB), `PAGE_DIR_BASE_LO` 31:12 (address bits
//!   31:12 in place);
//! * word 129 (0x204): `PAGE_DIR_BASE_HI` 31:0 (address bits 63:32);
//! * "Volta only supports the new format. Selecting the old format results
//!   in an UNBOUND_INSTANCE fault", "Volta only supports 64KB for big
//!   pages. Selecting 128KB for big pages results in an UNBOUND_INSTANCE
//!   fault"; `ADR_LIMIT` "was deprecated when sub-contexts was added to
//!   GV100" (nvsim does not check it).
//!
//! Who writes them: RM (`kgmmuInstBlkPageDirBaseGet_GP100`,
//! open-gpu-kernel-modules `kern_gmmu_gp100.c`) sets `USE_VER2_PT_FORMAT`
//! only for a ver2 VA space, so on Hopper and Blackwell (ver3) it leaves
//! bit 10 clear; nouveau (`gp100_vmm_join`, also used by `vmmgh100.c`)
//! always sets bits 10 and 11. Ver3 chips therefore ignore bit 10 in
//! nvsim; ver2 chips require it.

use super::format::{Aperture, Format, PhysAddr};
use super::walk::{Access, Fault, FaultType, PageDir};
use super::Memory;

/// Byte offset of `NV_RAMIN_PAGE_DIR_BASE_*` (word 128).
pub const PAGE_DIR_BASE: u64 = 128 * 4;
/// `NV_RAMIN_USE_VER2_PT_FORMAT`.
pub const USE_VER2_PT_FORMAT: u32 = 1 << 10;
/// `NV_RAMIN_BIG_PAGE_SIZE_64KB`.
pub const BIG_PAGE_SIZE_64KB: u32 = 1 << 11;
/// `NV_RAMIN_PAGE_DIR_BASE_VOL`.
pub const PAGE_DIR_BASE_VOL: u32 = 1 << 2;

/// The memory-management state of an instance block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InstanceBlock {
    /// Where the block is.
    pub at: PhysAddr,
    /// The page directory it binds.
    pub page_dir: PageDir,
    /// `PAGE_DIR_BASE_VOL`.
    pub volatile: bool,
    /// `FAULT_REPLAY_TEX`.
    pub fault_replay_tex: bool,
    /// `FAULT_REPLAY_GCC`.
    pub fault_replay_gcc: bool,
    /// Word 128 as written.
    pub word128: u32,
    /// Word 129 as written.
    pub word129: u32,
}

/// Words 128 and 129 binding the page directory at `pd` with 64 KiB big
/// pages, as RM writes them for a `fmt` VA space
/// (`kgmmuInstBlkPageDirBaseGet_GP100`): `USE_VER2_PT_FORMAT` for ver2
/// only.
pub fn encode(fmt: Format, pd: PhysAddr, volatile: bool) -> (u32, u32) {
    let target = match pd.aperture {
        Aperture::Vram | Aperture::Peer => 0,
        Aperture::SysCoherent => 2,
        Aperture::SysNonCoherent => 3,
    };
    let lo = (pd.addr as u32 & 0xffff_f000)
        | target
        | if volatile { PAGE_DIR_BASE_VOL } else { 0 }
        | if fmt == Format::Ver2 {
            USE_VER2_PT_FORMAT
        } else {
            0
        }
        | BIG_PAGE_SIZE_64KB;
    (lo, (pd.addr >> 32) as u32)
}

fn unbound(inst: PhysAddr, reason: String) -> Fault {
    Fault {
        kind: FaultType::UnboundInstBlock,
        access: Access::Read,
        va: 0,
        at: None,
        reason: format!("instance block at {inst}: {reason}"),
    }
}

/// Reads and checks the instance block at `inst` for a `fmt` GMMU.
pub fn parse(mem: &Memory, fmt: Format, inst: PhysAddr) -> Result<InstanceBlock, Fault> {
    if inst.addr & 0xfff != 0 {
        return Err(unbound(
            inst,
            "not 4 KiB aligned (NV_RAMIN_BASE_SHIFT 12)".into(),
        ));
    }
    if inst.aperture == Aperture::Peer {
        return Err(unbound(inst, "in peer memory".into()));
    }
    let mut b = [0; 8];
    mem.read_quiet(inst.offset(PAGE_DIR_BASE), &mut b)
        .map_err(|e| unbound(inst, format!("unreadable: {e}")))?;
    let w128 = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
    let w129 = u32::from_le_bytes([b[4], b[5], b[6], b[7]]);
    let aperture = match w128 & 3 {
        0 => Aperture::Vram,
        2 => Aperture::SysCoherent,
        3 => Aperture::SysNonCoherent,
        _ => {
            return Err(unbound(
                inst,
                format!("PAGE_DIR_BASE_TARGET is INVALID (word 128 = {w128:#010x})"),
            ));
        }
    };
    if fmt == Format::Ver2 && w128 & USE_VER2_PT_FORMAT == 0 {
        return Err(unbound(
            inst,
            format!(
                "USE_VER2_PT_FORMAT (bit 10) is clear (word 128 = {w128:#010x}): \
                 the old format is not supported since Volta"
            ),
        ));
    }
    if w128 & BIG_PAGE_SIZE_64KB == 0 {
        return Err(unbound(
            inst,
            format!(
                "BIG_PAGE_SIZE (bit 11) selects 128 KiB (word 128 = {w128:#010x}): \
                 only 64 KiB is supported since Volta"
            ),
        ));
    }
    let base = u64::from(w128 & 0xffff_f000) | (u64::from(w129) << 32);
    Ok(InstanceBlock {
        at: inst,
        page_dir: PageDir {
            base: PhysAddr {
                aperture,
                addr: base,
            },
            big_page_shift: 16,
        },
        volatile: w128 & PAGE_DIR_BASE_VOL != 0,
        fault_replay_tex: w128 & (1 << 4) != 0,
        fault_replay_gcc: w128 & (1 << 5) != 0,
        word128: w128,
        word129: w129,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rm_encoding_parses_back() {
        for fmt in [Format::Ver2, Format::Ver3] {
            let pd = PhysAddr::sys(0x12_3456_7000);
            let (lo, hi) = encode(fmt, pd, true);
            assert_eq!(lo & 3, 2);
            assert_eq!(lo & USE_VER2_PT_FORMAT != 0, fmt == Format::Ver2);
            assert_eq!(hi, 0x12);
            let vram = crate::vram::Vram::new_in_process(1 << 20);
            let dma = crate::dma::DmaSpace::new(crate::trace::Trace::memory(false));
            let mem = Memory { vram, dma };
            mem.vram.write_u32(0x1000 + PAGE_DIR_BASE, lo);
            mem.vram.write_u32(0x1004 + PAGE_DIR_BASE, hi);
            let ib = parse(&mem, fmt, PhysAddr::vram(0x1000)).expect("parse");
            assert_eq!(ib.page_dir.base, pd);
            assert!(ib.volatile);
        }
    }
}
