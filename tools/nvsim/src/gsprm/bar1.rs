//! GSP-RM's BAR1: the root page directory and instance block GSP-RM
//! allocates and binds, which a driver builds its BAR1 page tables under.
//!
//! Facts:
//!
//! * On GSP-RM (`RMCFG_FEATURE_PLATFORM_GSP`) the BAR1 VA space's root page
//!   directory is allocated and pinned when the VA space is built, and the
//!   VA space is *not* sparsified there: sparsifying is the client side's
//!   job (open-gpu-kernel-modules `gpu_vaspace.c`,
//!   `_gvaspaceBar1VaSpaceConstructFW` pins the root,
//!   `_gvaspaceBar1VaSpaceConstructClient` sparsifies only when not on GSP).
//!   So the root GSP-RM hands out is empty: every entry invalid.
//! * GSP-RM reports the root's address in its static info,
//!   `GspStaticConfigInfo.bar1PdeBase` (r570.144 offset 0x600, next to
//!   `bar2PdeBase` at 0x608); the driver takes it as the root of its own
//!   BAR1 walker: OpenRM's CPU side in `kbusPatchBar1Pdb_GSPCLIENT`
//!   (`kern_bus.c`: `memdescDescribe(..., ADDR_FBMEM, pGSCI->bar1PdeBase,
//!   rootSize)` then `mmuWalkModifyLevelInstance`, then a TLB
//!   invalidation), nouveau in `r535_bar_bar1_init` (`rm/r535/bar.c`:
//!   `nvkm_ram_wrap(device, gsp->bar.rm_bar1_pdb, 0x1000, &pd3)` becomes
//!   its BAR1 VMM's `pd->pt[0]`; `rm/r570/gsp.c` reads `bar1PdeBase`).
//!   There is no RPC for BAR1 (BAR2 has `UPDATE_BAR_PDE`): the driver
//!   writes the root's entries itself, then invalidates with the root as
//!   the PDB (nouveau `tu102_vmm_flush`: `0xb830a0 = pdb >> 8`, command
//!   `0x80000000 | PAGE_ALL | HUB_ONLY | ALL_PDB` while BAR mappings exist).
//! * The root is the format's top level, 4 KiB: ver2 PD3 (Turing, Ampere,
//!   Ada), ver3 PD4 (Hopper, Blackwell) (`mmu/format.rs`). BAR1 VA spaces
//!   have the default big page size, 64 KiB (`kbusInitBar1_GM107`:
//!   `_BIG_PAGE_SIZE_DEFAULT` unless a debug registry key says otherwise).
//! * The instance block: `NV_RAMIN_PAGE_DIR_BASE_*` as RM writes it
//!   (`kgmmuInstBlkPageDirBaseGet_GP100`, [`crate::mmu::inst::encode`]),
//!   4 KiB aligned. The bind: `kbusBar1InstBlkBind_TU102` writes the BAR1
//!   block register with TARGET (the instance block's aperture), MODE
//!   VIRTUAL and PTR = address >> 12, then polls BIND_STATUS until BAR1 is
//!   neither pending nor outstanding (nvsim binds at once); Hopper on the
//!   VFN `BAR1_BLOCK_LOW/HIGH_ADDR` pair (`kbusBar1InstBlkBind_GH100`). RM
//!   binds BAR1 at state load (`kbusStatePostLoad_GM107` ->
//!   `kbusInitBar1_HAL`), before GSP_INIT_DONE; nvsim does it when GSP-RM
//!   resumes and queues GSP_INIT_DONE.
//! * Unload: `kbusStatePreUnload_GM107` destroys BAR1 unless the unload
//!   preserves state (a PM transition), and the mailbox teardown returns
//!   BAR1 "to physical and vidmem" (`kbusTeardownMailbox_GM107` on
//!   `NV_PBUS_BAR1_BLOCK`, `kbusTeardownMailbox_GH100` on the VFN
//!   register; `kern_bus_gh100.c`): MODE PHYSICAL, TARGET VID_MEM. nvsim
//!   does that at UNLOADING_GUEST_DRIVER without a PM transition and leaves
//!   BAR1 alone with one. A GSP reset or `booter_unload` does not touch the
//!   register (GSP-RM is gone, the hardware keeps its state); a device
//!   reset returns it to its reset value (physical).
//!
//! Where: GSP-RM keeps it in memory of its own that the CPU can reach,
//! outside the clients' usable framebuffer and outside WPR2 (a driver
//! writes the root through BAR2 or PRAMIN): nvsim puts the root at the
//! start of GSP-RM's non-WPR heap, `gspFwRsvdStart` (nouveau's
//! `gsp->fb.heap`, `nonWprHeapOffset` = `gspFwRsvdStart` in the WPR
//! metadata; nouveau saves that heap across suspend as "gsp-non-wpr",
//! `rm/r535/fbsr.c`), and the instance block in the next 4 KiB. The exact
//! address real GSP-RM picks is not published; that it lies in the reserved
//! region the static info reports is what a driver can rely on.

use crate::chip::Arch;
use crate::mmu::audit::Target;
use crate::mmu::bar::{self as barmap, Bar, Mode};
use crate::mmu::format::{Format, PhysAddr};
use crate::mmu::inst::{self, PAGE_DIR_BASE};
use crate::mmu::walk::PageDir;
use crate::regs::RegFile;
use crate::vram::Vram;

/// Size of the root page directory nvsim allocates (one 4 KiB page).
pub const ROOT_SIZE: u64 = 0x1000;
/// Size of an instance block (`NV_RAMIN_ALLOC_SIZE`).
pub const INST_SIZE: u64 = 0x1000;
/// BAR1's big page size as a shift (64 KiB).
pub const BIG_PAGE_SHIFT: u8 = 16;

/// Where GSP-RM's BAR1 structures are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bar1 {
    /// The root page directory (video memory), `bar1PdeBase`.
    pub root: u64,
    /// The instance block (video memory).
    pub inst: u64,
}

impl Bar1 {
    /// The root and instance block at the start of the non-WPR heap
    /// `rsvd_start` (4 KiB aligned up), if both fit below `fb_end`.
    pub fn place(rsvd_start: u64, fb_end: u64) -> Option<Self> {
        let root = rsvd_start.checked_add(0xfff)? & !0xfff;
        let inst = root.checked_add(ROOT_SIZE)?;
        (inst.checked_add(INST_SIZE)? <= fb_end).then_some(Self { root, inst })
    }

    /// The root as a page directory with BAR1's big page size.
    pub fn page_dir(&self) -> PageDir {
        PageDir {
            base: PhysAddr::vram(self.root),
            big_page_shift: BIG_PAGE_SHIFT,
        }
    }

    /// The MMU audit's target for the BAR1 tree.
    pub fn audit_target(&self) -> Target {
        Target::bar1(self.page_dir())
    }

    /// Allocates the structures in `vram` as GSP-RM does: an empty (zeroed)
    /// root, a zeroed instance block whose `PAGE_DIR_BASE` binds the root
    /// for an `arch` GMMU (64 KiB big pages). With `bind`, the BAR1 block
    /// register then selects virtual mode through the instance block.
    pub fn set_up(&self, arch: Arch, vram: &Vram, regs: &mut RegFile, bind: bool) {
        let zero = [0u8; 0x1000];
        vram.write(self.root, &zero);
        vram.write(self.inst, &zero);
        let (lo, hi) = inst::encode(Format::for_arch(arch), PhysAddr::vram(self.root), false);
        vram.write_u32(self.inst + PAGE_DIR_BASE, lo);
        vram.write_u32(self.inst + PAGE_DIR_BASE + 4, hi);
        if bind {
            write_mode(
                arch,
                regs,
                Mode::Virtual {
                    inst: PhysAddr::vram(self.inst),
                },
            );
        }
    }
}

/// Writes the BAR1 block register(s) of `arch` to select `mode` (the bind
/// completes at once: BIND_STATUS stays 0).
pub fn write_mode(arch: Arch, regs: &mut RegFile, mode: Mode) {
    let (lo_reg, hi_reg) = barmap::block_regs(arch, Bar::Bar1);
    let (lo, hi) = barmap::encode(arch, mode);
    if let Some(h) = hi_reg {
        regs.write(h, hi);
    }
    regs.write(lo_reg, lo);
}

/// RM's mailbox teardown at a non-preserving unload: BAR1 back to physical
/// mode over video memory (MODE and TARGET cleared, the rest kept, as the
/// read-modify-write of `kbusTeardownMailbox_GM107`/`_GH100` leaves it).
pub fn teardown(arch: Arch, regs: &mut RegFile) {
    let (lo_reg, _) = barmap::block_regs(arch, Bar::Bar1);
    let v = regs.read(lo_reg).unwrap_or(0);
    // MODE 31, TARGET 29:28 (NV_PBUS_BAR1_BLOCK); MODE 9, TARGET 11:10 (VFN).
    let clear = match barmap::block_regs(arch, Bar::Bar1).1 {
        Some(_) => (1 << 9) | (3 << 10),
        None => (1 << 31) | (3 << 28),
    };
    regs.write(lo_reg, v & !clear);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chip;

    #[test]
    fn placed_in_the_non_wpr_heap_and_bound() {
        for (name, fmt) in [("ga102", Format::Ver2), ("gh100", Format::Ver3)] {
            let chip = chip::Chip::by_name(name).expect("chip");
            let vram = Vram::new_in_process(64 << 20);
            let mut regs = RegFile::new(chip, 64 << 20, 64 << 20);
            assert_eq!(Bar1::place(0x3ff_f000, 0x400_0000), None, "no room");
            let b = Bar1::place(0x200_0800, 0x400_0000).expect("room");
            assert_eq!((b.root, b.inst), (0x200_1000, 0x200_2000));
            vram.write(b.root, &[0xaa; 16]);
            b.set_up(chip.arch, &vram, &mut regs, true);
            let mut root = [0xffu8; 16];
            vram.read(b.root, &mut root);
            assert_eq!(root, [0; 16], "the root is empty");
            let mode = barmap::mode(&regs, chip.arch, Bar::Bar1);
            assert_eq!(
                mode,
                Mode::Virtual {
                    inst: PhysAddr::vram(b.inst)
                },
                "{name}"
            );
            let mem = crate::mmu::Memory {
                vram: vram.clone(),
                dma: crate::dma::DmaSpace::new(crate::trace::Trace::memory(false)),
            };
            let ib = inst::parse(&mem, fmt, PhysAddr::vram(b.inst)).expect("inst");
            assert_eq!(ib.page_dir, b.page_dir());
            teardown(chip.arch, &mut regs);
            assert_eq!(
                barmap::mode(&regs, chip.arch, Bar::Bar1),
                Mode::Physical(crate::mmu::Aperture::Vram)
            );
        }
    }
}
