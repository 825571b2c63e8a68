//! The plain BAR0 registers: identification, scratch, framebuffer, fuses
//! and the boot-status registers a driver reads before it touches the
//! falcons.
//!
//! Each register records its name (for the trace), its value and who may
//! change it. Offsets and fields, with their sources:
//!
//! | offset | register | value | source |
//! | --- | --- | --- | --- |
//! | 0x000000 | NV_PMC_BOOT_0 | chip id, see `chip.rs` | nova-core `regs.rs` |
//! | 0x000a00 | NV_PMC_BOOT_42 | chip id, see `chip.rs` | nova-core `regs.rs` |
//! | 0x001400+4i | NV_PBUS_SW_SCRATCH(0..63) | 0, read/write | nova-core `regs.rs`; nouveau `gsp/fwsec.c` reads FWSEC status from 0x1438/0x1454 |
//! | 0x001700 | NV_PBUS_BAR0_WINDOW | PRAMIN base (64 KiB units) 23:0, TARGET 25:24 | nouveau `bios/shadowramin.c`; published `gm107/dev_bus.h` |
//! | 0x1180f8 | NV_PGC6_BSI_SECURE_SCRATCH_14 | 0 (no resume) | nova-core `regs.rs` |
//! | 0x118128 | ..._AON_SECURE_SCRATCH_GROUP_05_PRIV_LEVEL_MASK | bit 0 set: FWSEC lowered the level | nova-core `regs.rs`, `gpu/hal/tu102.rs` |
//! | 0x118234 | NV_PGC6_AON_SECURE_SCRATCH_GROUP_05(0) | 0xff: GFW boot ("devinit") done | same |
//! | 0x1183a4 | NV_PGC6_AON_SECURE_SCRATCH_GROUP_42 | usable FB in MiB (GA102+): VRAM less the chip's reserved top (`chip.rs` `fb_reserved`) | nova-core `NV_USABLE_FB_SIZE_IN_MB`, `fb/hal/ga102.rs`; open-gpu `kmemsysReadUsableFbSize_GA102` (`kern_mem_sys_ga102.c`) |
//! | 0x100ce0 | NV_PFB_PRI_MMU_LOCAL_MEMORY_RANGE | physical VRAM as mag 9:4 << scale 3:0 MiB | nova-core `fb/regs.rs`, `fb/hal/tu102.rs` |
//! | 0x100c10/0x100c40 | NV_PFB_NISO_FLUSH_SYSMEM_ADDR(_HI) | sysmem flush page: low = address bits 39:8 (address >> 8), _HI 23:0 = bits 63:40 (TU102: low only); read/write, 0 at power-on | nova-core `fb/regs.rs`, `fb/hal/{tu102,ga100}.rs`; nouveau `fb/gf100.c`; open-gpu `kern_mem_sys_{gm107,ga100}.c`, `ga100/dev_fb.h` |
//! | 0x100a34/0x100a38 | NV_PFB_FBHUB_PCIE_FLUSH_SYSMEM_ADDR_LO/HI | raw address: LO bits 31:0 (7:0 ignored), HI 19:0 = bits 51:32 (GH100) | nova-core `fb/hal/gh100.rs`; open-gpu `kern_mem_sys_gh100.c`, `gh100/dev_fb.h` |
//! | 0x8a1d58/0x8a1d5c | NV_PFB_FBHUB0_PCIE_FLUSH_SYSMEM_ADDR_LO/HI | raw address, as GH100 (GB20x) | nova-core `fb/hal/gb202.rs`; nouveau `fb/gb202.c`; open-gpu `kern_mem_sys_gb10b.c`, `gb10b/dev_fbhub.h` |
//! | 0x1fa824/0x1fa828 | NV_PFB_PRI_MMU_WPR2_ADDR_LO/HI | 0 until FWSEC-FRTS runs; see [`wpr2_regs`] | open-gpu `published/turing/tu102/dev_fb.h`, nouveau `acr/ga100.c`, real TU117/GA10x logs |
//! | 0x021c04 / 0x820c04 | NV_FUSE_STATUS_OPT_DISPLAY | bit 0: display disabled (TU102 / GA100+) | nova-core `regs.rs` gm107/ga100, nouveau `bios/shadowramin.c` |
//! | 0x824100/0x824140/0x8241c0 +4i | NV_FUSE_OPT_FPF_{NVDEC,SEC2,GSP}_UCODE{i+1}_VERSION | GSP UCODE1 = 0b11 (FWSEC signature version 2) | nova-core `regs.rs`, `falcon/hal/ga102.rs` |
//! | 0x625f04 | NV_PDISP_VGA_WORKSPACE_BASE | usable FB end - 1 MiB, valid, in VRAM | nova-core `fb/regs.rs`, nouveau `bios/shadowramin.c` |
//! | 0x0200bc / 0xad00bc | NV_THERM_I2CS_SCRATCH | 0xff: FSP boot complete (GH100 and GB10x / GB20x); `fsp/status.rs` makes it read 0 under the `fsp-no-boot` fault | nova-core `regs.rs` gh100/gb202, `fsp/hal/gb100.rs` |
//! | 0x001704 / 0x001714 | NV_PBUS_BAR1_BLOCK / NV_PBUS_BAR2_BLOCK | 0 (BAR2: DEBUG_CYA 1): physical mode (TU102..AD102); GSP-RM binds BAR1 virtual at resume | published `gm107/dev_bus.h`, see `mmu/bar.rs`, `gsprm/bar1.rs` |
//! | 0x001710 | NV_PBUS_BIND_STATUS | 0: no bind pending (TU102..AD102) | same |
//! | 0x10fd40 | NV_XAL_EP_BAR0_WINDOW | PRAMIN base (64 KiB units), BASE 21:0 (GH100; GB20x taken as GB100's 22:0) | published `gh100/pri_nv_xal_ep.h` |
//! | 0xb80f60/64, 0xb80f70/74 | NV_VIRTUAL_FUNCTION_PRIV_FUNC_BAR1/BAR2_BLOCK_LOW/HIGH_ADDR | 0: physical mode (GH100, GB20x); GSP-RM binds BAR1 virtual at resume | published `gh100/dev_vm.h`, see `mmu/bar.rs`, `gsprm/bar1.rs` |
//!
//! WPR2's bounds (`NV_PFB_PRI_MMU_WPR2_ADDR_LO/HI`): both registers hold an
//! address >> 12 in bits 31:4 (`_VAL` 31:4, `_ALIGNMENT` 0xc in
//! open-gpu-kernel-modules `src/common/inc/swref/published/turing/tu102/
//! dev_fb.h`), but the MMU protects write-protected regions with a 128 KiB
//! granularity and the upper register names the *start of the last 128
//! KiB block* of the region, an inclusive bound: the region is
//! `[LO << 12, (HI << 12) + 128 KiB)`. Sources: nouveau
//! `nvkm/subdev/acr/ga100.c` `ga100_acr_wpr_check` and `acr/gm200.c` read
//! the same pair of MMU WPR registers for WPR1 and add 0x20000 to the
//! limit; real GPUs after FWSEC-FRTS on a 1 MiB FRTS region at 0xffe00000
//! (GTX 1650, TU117) report WPR2 `0xffe00000-0xffee0000` when read as
//! `lo << 12`, `hi << 12` (nova-core logs, dri-devel, March 2026), and
//! `0xffc00000-0xffce0000` on an Ampere board (Alexandre Courbot's
//! "nova-core: run FWSEC-FRTS" v6 cover letter, June 2025): `hi << 12` is
//! the FRTS end less 128 KiB. GSP-RM's CPU driver only tests `HI != 0`
//! ("WPR2 up", `kgspIsWpr2Up_TU102`, `kernel_gsp_tu102.c`) and compares
//! `LO` with the FRTS offset (`kgspExecuteFwsecFrts_TU102`,
//! `kernel_gsp_frts_tu102.c`).
//!
//! The sysmem flush page is the page of system memory the GPU writes to
//! when a falcon or the host asks for a `sysmembar`; a falcon's reset
//! handshake depends on it, so drivers register it at probe before they
//! reset any falcon (nova-core `fb.rs` `SysmemFlush`, registered in
//! `gpu.rs` right after the GFW-boot wait; nouveau `nvkm_fb_preinit`).
//! nvsim's FWSEC and booter models refuse to run while the address it
//! decodes to is 0 ([`RegFile::sysmem_flush_missing`]). GB10x's are
//! HSHUB0's pair (0x870e50/0x870e54) and the egress pair
//! (0x8706c0/0x8706c4), plain registers; the primary pair is the address.
//! The FSP chips' boot (`fsp/`) does not check the flush page.

use std::collections::BTreeMap;

use crate::chip::{Arch, Chip, FWSEC_FUSE_VALUE, FWSEC_UCODE_ID};
use crate::mmu::bar::{
    NV_PBUS_BAR1_BLOCK, NV_PBUS_BAR2_BLOCK, NV_PBUS_BIND_STATUS, VF_BAR1_BLOCK_HIGH,
    VF_BAR1_BLOCK_LOW, VF_BAR2_BLOCK_HIGH, VF_BAR2_BLOCK_LOW,
};

/// Who may change a register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    /// Set by the hardware; bus writes are ignored.
    ReadOnly,
    /// Bus writes change the bits in the mask.
    ReadWrite(u32),
}

#[derive(Debug, Clone)]
struct Reg {
    name: String,
    value: u32,
    access: Access,
}

/// The plain registers of BAR0.
#[derive(Debug, Clone)]
pub struct RegFile {
    regs: BTreeMap<u32, Reg>,
}

/// NV_PMC_BOOT_0.
pub const NV_PMC_BOOT_0: u32 = 0x0000_0000;
/// NV_PMC_BOOT_42.
pub const NV_PMC_BOOT_42: u32 = 0x0000_0a00;
/// NV_PBUS_SW_SCRATCH(0).
pub const NV_PBUS_SW_SCRATCH: u32 = 0x0000_1400;
/// NV_PBUS_BAR0_WINDOW: PRAMIN window base, 64 KiB units in bits 23:0,
/// target in 25:24 (0 VID_MEM, 2 SYS_MEM_COHERENT, 3 SYS_MEM_NONCOHERENT).
pub const NV_PBUS_BAR0_WINDOW: u32 = 0x0000_1700;
/// NV_XAL_EP_BAR0_WINDOW (Hopper on): PRAMIN window base, 64 KiB units.
pub const NV_XAL_EP_BAR0_WINDOW: u32 = 0x0010_fd40;
/// NV_PFB_PRI_MMU_WPR2_ADDR_LO.
pub const NV_PFB_PRI_MMU_WPR2_ADDR_LO: u32 = 0x001f_a824;
/// NV_PFB_PRI_MMU_WPR2_ADDR_HI.
pub const NV_PFB_PRI_MMU_WPR2_ADDR_HI: u32 = 0x001f_a828;
/// NV_PDISP_VGA_WORKSPACE_BASE.
pub const NV_PDISP_VGA_WORKSPACE_BASE: u32 = 0x0062_5f04;

/// NV_THERM_I2CS_SCRATCH, the FSP's boot-complete scratch (0xff once its
/// secure boot is done), on `arch`; `None` without an FSP. GB10x shares
/// Hopper's (nova-core `regs.rs` gh100/gb202, `fsp/hal/gb100.rs`).
pub const fn fsp_boot_scratch(arch: Arch) -> Option<u32> {
    match arch {
        Arch::Hopper | Arch::BlackwellGb10x => Some(0x0002_00bc),
        Arch::BlackwellGb20x => Some(0x00ad_00bc),
        Arch::Turing | Arch::Ampere | Arch::Ada => None,
    }
}

/// Size of the VGA workspace at the end of the usable framebuffer.
pub const VGA_WORKSPACE_SIZE: u64 = 1 << 20;

/// Granularity of the MMU's write-protected regions (WPR1/WPR2).
pub const WPR_GRANULE: u64 = 0x2_0000;

/// The `NV_PFB_PRI_MMU_WPR2_ADDR_LO/HI` values for the region
/// `start..end` (see the module documentation): LO names the first 4 KiB
/// page, HI the first page of the last 128 KiB block. `None` if the region
/// is empty, not 128 KiB aligned, or beyond what the registers hold.
pub fn wpr2_regs(start: u64, end: u64) -> Option<(u32, u32)> {
    let aligned = start.is_multiple_of(WPR_GRANULE) && end.is_multiple_of(WPR_GRANULE);
    if end <= start || !aligned {
        return None;
    }
    let lo = u32::try_from(start >> 12).ok().filter(|v| *v < 1 << 28)?;
    let hi = u32::try_from((end - WPR_GRANULE) >> 12)
        .ok()
        .filter(|v| *v < 1 << 28)?;
    Some((lo << 4, hi << 4))
}

/// The region `start..end` the WPR2 registers describe, `None` while WPR2
/// is not set up (HI's value is 0, as GSP-RM's driver tests it).
pub fn wpr2_region(lo: u32, hi: u32) -> Option<(u64, u64)> {
    if hi >> 4 == 0 {
        return None;
    }
    Some((
        u64::from(lo >> 4) << 12,
        (u64::from(hi >> 4) << 12) + WPR_GRANULE,
    ))
}

/// The sysmem flush page registers of an architecture: (low register,
/// optional high register, high mask, encoding shifted by 8).
fn sysmem_flush_regs(arch: Arch) -> (u32, Option<u32>, u32, bool) {
    match arch {
        Arch::Turing => (0x0010_0c10, None, 0, true),
        Arch::Ampere | Arch::Ada => (0x0010_0c10, Some(0x0010_0c40), 0x00ff_ffff, true),
        Arch::Hopper => (0x0010_0a34, Some(0x0010_0a38), 0x000f_ffff, false),
        // HSHUB0 (base 0x870000) + 0xe50/0xe54 (nova-core `fb/hal/gb100.rs`).
        Arch::BlackwellGb10x => (0x0087_0e50, Some(0x0087_0e54), 0x000f_ffff, false),
        Arch::BlackwellGb20x => (0x008a_1d58, Some(0x008a_1d5c), 0x000f_ffff, false),
    }
}

/// Encodes `mib` as NV_PFB_PRI_MMU_LOCAL_MEMORY_RANGE (mag 9:4, scale 3:0,
/// size = mag << scale MiB), or `None` if it is not representable.
pub fn local_memory_range(mib: u64) -> Option<u32> {
    (0..16u32).rev().find_map(|scale| {
        let unit = 1u64 << scale;
        (mib.is_multiple_of(unit) && mib / unit <= 63 && mib > 0)
            .then(|| (((mib / unit) as u32) << 4) | scale)
    })
}

impl RegFile {
    fn empty() -> Self {
        Self {
            regs: BTreeMap::new(),
        }
    }

    fn define(&mut self, offset: u32, name: impl Into<String>, value: u32, access: Access) {
        self.regs.insert(
            offset,
            Reg {
                name: name.into(),
                value,
                access,
            },
        );
    }

    fn ro(&mut self, offset: u32, name: &str, value: u32) {
        self.define(offset, name, value, Access::ReadOnly);
    }

    fn rw(&mut self, offset: u32, name: &str, value: u32, mask: u32) {
        self.define(offset, name, value, Access::ReadWrite(mask));
    }

    /// The power-on registers of `chip` with `vram` bytes of VRAM of which
    /// the first `usable` bytes are the usable framebuffer.
    pub fn new(chip: &Chip, vram: u64, usable: u64) -> Self {
        let mut r = Self::empty();
        let mib = vram >> 20;
        let usable = usable.min(vram);
        r.ro(NV_PMC_BOOT_0, "NV_PMC_BOOT_0", chip.boot0());
        r.ro(NV_PMC_BOOT_42, "NV_PMC_BOOT_42", chip.boot42());
        for i in 0..64 {
            r.rw(
                NV_PBUS_SW_SCRATCH + 4 * i,
                &format!("NV_PBUS_SW_SCRATCH({i})"),
                0,
                !0,
            );
        }
        r.rw(NV_PBUS_BAR0_WINDOW, "NV_PBUS_BAR0_WINDOW", 0, 0x03ff_ffff);

        // GPU firmware boot state: GFW (devinit) done, FWSEC lowered the
        // privilege level of the status register; no GSP resume pending.
        r.rw(0x0011_80f8, "NV_PGC6_BSI_SECURE_SCRATCH_14", 0, !0);
        r.ro(
            0x0011_8128,
            "NV_PGC6_AON_SECURE_SCRATCH_GROUP_05_PRIV_LEVEL_MASK",
            0x1,
        );
        r.rw(
            0x0011_8234,
            "NV_PGC6_AON_SECURE_SCRATCH_GROUP_05(0)",
            0xff,
            !0,
        );
        if chip.arch != Arch::Turing {
            r.ro(
                0x0011_83a4,
                "NV_PGC6_AON_SECURE_SCRATCH_GROUP_42",
                (usable >> 20) as u32,
            );
        }

        // Framebuffer size and layout.
        r.ro(
            0x0010_0ce0,
            "NV_PFB_PRI_MMU_LOCAL_MEMORY_RANGE",
            local_memory_range(mib).unwrap_or(0),
        );
        let (lo, hi, hi_mask, shifted) = sysmem_flush_regs(chip.arch);
        let names = if shifted {
            (
                "NV_PFB_NISO_FLUSH_SYSMEM_ADDR",
                "NV_PFB_NISO_FLUSH_SYSMEM_ADDR_HI",
            )
        } else if chip.arch == Arch::Hopper {
            (
                "NV_PFB_FBHUB_PCIE_FLUSH_SYSMEM_ADDR_LO",
                "NV_PFB_FBHUB_PCIE_FLUSH_SYSMEM_ADDR_HI",
            )
        } else if chip.arch == Arch::BlackwellGb10x {
            // GB10x also has the egress pair, which the driver must set to
            // the same address (nova-core `fb/hal/gb100.rs`).
            r.rw(
                0x0087_06c0,
                "NV_PFB_HSHUB_EG_PCIE_FLUSH_SYSMEM_ADDR_LO",
                0,
                !0,
            );
            r.rw(
                0x0087_06c4,
                "NV_PFB_HSHUB_EG_PCIE_FLUSH_SYSMEM_ADDR_HI",
                0,
                hi_mask,
            );
            (
                "NV_PFB_HSHUB_PCIE_FLUSH_SYSMEM_ADDR_LO",
                "NV_PFB_HSHUB_PCIE_FLUSH_SYSMEM_ADDR_HI",
            )
        } else {
            (
                "NV_PFB_FBHUB0_PCIE_FLUSH_SYSMEM_ADDR_LO",
                "NV_PFB_FBHUB0_PCIE_FLUSH_SYSMEM_ADDR_HI",
            )
        };
        r.rw(lo, names.0, 0, !0);
        if let Some(hi) = hi {
            r.rw(hi, names.1, 0, hi_mask);
        }
        r.ro(
            NV_PFB_PRI_MMU_WPR2_ADDR_LO,
            "NV_PFB_PRI_MMU_WPR2_ADDR_LO",
            0,
        );
        r.ro(
            NV_PFB_PRI_MMU_WPR2_ADDR_HI,
            "NV_PFB_PRI_MMU_WPR2_ADDR_HI",
            0,
        );

        // Fuses.
        let display_fuse = if chip.arch == Arch::Turing {
            0x0002_1c04
        } else {
            0x0082_0c04
        };
        r.ro(
            display_fuse,
            "NV_FUSE_STATUS_OPT_DISPLAY",
            u32::from(!chip.display),
        );
        for (base, engine) in [
            (0x0082_4100, "NVDEC"),
            (0x0082_4140, "SEC2"),
            (0x0082_41c0, "GSP"),
        ] {
            for i in 0..16u32 {
                let v = if engine == "GSP" && i + 1 == u32::from(FWSEC_UCODE_ID) {
                    FWSEC_FUSE_VALUE
                } else {
                    0
                };
                r.ro(
                    base + 4 * i,
                    &format!("NV_FUSE_OPT_FPF_{engine}_UCODE{}_VERSION", i + 1),
                    v,
                );
            }
        }

        if chip.display {
            // VGA workspace: the last MiB of the usable framebuffer, valid
            // (bit 3), in VRAM (bits 1:0 = 1); address bits 31:8 hold the
            // address >> 16.
            let base = usable.saturating_sub(VGA_WORKSPACE_SIZE);
            let value = (((base >> 16) as u32) << 8) | (1 << 3) | 1;
            r.ro(
                NV_PDISP_VGA_WORKSPACE_BASE,
                "NV_PDISP_VGA_WORKSPACE_BASE",
                value,
            );
        }
        // BAR0 window and BAR1/BAR2 blocks (see `mmu/bar.rs`, `pramin.rs`).
        match chip.arch {
            Arch::Turing | Arch::Ampere | Arch::Ada => {
                r.rw(NV_PBUS_BAR1_BLOCK, "NV_PBUS_BAR1_BLOCK", 0, 0xbfff_ffff);
                r.ro(NV_PBUS_BIND_STATUS, "NV_PBUS_BIND_STATUS", 0);
                r.rw(
                    NV_PBUS_BAR2_BLOCK,
                    "NV_PBUS_BAR2_BLOCK",
                    0x4000_0000,
                    0xffff_ffff,
                );
            }
            Arch::Hopper | Arch::BlackwellGb10x | Arch::BlackwellGb20x => {
                // GB10x: taken as Hopper's (not verified).
                let base_mask = if chip.arch != Arch::BlackwellGb20x {
                    0x003f_ffff
                } else {
                    0x007f_ffff
                };
                r.rw(NV_XAL_EP_BAR0_WINDOW, "NV_XAL_EP_BAR0_WINDOW", 0, base_mask);
                for (off, name) in [
                    (VF_BAR1_BLOCK_LOW, "BAR1_BLOCK_LOW_ADDR"),
                    (VF_BAR2_BLOCK_LOW, "BAR2_BLOCK_LOW_ADDR"),
                ] {
                    let name = format!("NV_VIRTUAL_FUNCTION_PRIV_FUNC_{name}");
                    // MODE 9, TARGET 11:10, PTR 31:12; bits 1:0 read-only.
                    r.define(off, name, 0, Access::ReadWrite(0xffff_fe00));
                }
                r.rw(
                    VF_BAR1_BLOCK_HIGH,
                    "NV_VIRTUAL_FUNCTION_PRIV_FUNC_BAR1_BLOCK_HIGH_ADDR",
                    0,
                    !0,
                );
                r.rw(
                    VF_BAR2_BLOCK_HIGH,
                    "NV_VIRTUAL_FUNCTION_PRIV_FUNC_BAR2_BLOCK_HIGH_ADDR",
                    0,
                    0x000f_ffff,
                );
            }
        }
        if let Some(scratch) = fsp_boot_scratch(chip.arch) {
            r.rw(scratch, "NV_THERM_I2CS_SCRATCH", 0xff, !0);
        }
        r
    }

    /// Bus read; `None` if there is no register at `offset`.
    pub fn read(&self, offset: u32) -> Option<u32> {
        self.regs.get(&offset).map(|r| r.value)
    }

    /// Bus write; `false` if there is no writable register at `offset`.
    pub fn write(&mut self, offset: u32, value: u32) -> bool {
        match self.regs.get_mut(&offset) {
            Some(Reg {
                value: v,
                access: Access::ReadWrite(mask),
                ..
            }) => {
                *v = (*v & !*mask) | (value & *mask);
                true
            }
            _ => false,
        }
    }

    /// Hardware-side update of an existing register, ignoring its access
    /// rules (e.g. a FWSEC model setting WPR2). Returns `false` if there is
    /// no register at `offset`.
    pub fn set_hw(&mut self, offset: u32, value: u32) -> bool {
        match self.regs.get_mut(&offset) {
            Some(r) => {
                r.value = value;
                true
            }
            None => false,
        }
    }

    /// Name of the register at `offset`.
    pub fn name(&self, offset: u32) -> Option<&str> {
        self.regs.get(&offset).map(|r| r.name.as_str())
    }

    /// The sysmem flush page address the driver registered, decoded per
    /// architecture.
    pub fn sysmem_flush_page(&self, arch: Arch) -> u64 {
        let (lo, hi, _, shifted) = sysmem_flush_regs(arch);
        let lo = u64::from(self.read(lo).unwrap_or(0));
        let hi = u64::from(hi.and_then(|h| self.read(h)).unwrap_or(0));
        if shifted {
            (lo << 8) | (hi << 40)
        } else {
            (lo & !0xff) | (hi << 32)
        }
    }

    /// `None` if a sysmem flush page is registered, else why not, naming
    /// the registers (for the log line of a refused falcon run).
    pub fn sysmem_flush_missing(&self, arch: Arch) -> Option<String> {
        if self.sysmem_flush_page(arch) != 0 {
            return None;
        }
        let (lo, hi, _, _) = sysmem_flush_regs(arch);
        let lo = self.name(lo).unwrap_or("?");
        Some(match hi.and_then(|h| self.name(h)) {
            None => format!("no sysmem flush page registered ({lo} is 0)"),
            Some(hi) => format!("no sysmem flush page registered ({lo} and {hi} are 0)"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn regs(name: &str) -> (RegFile, Arch) {
        let chip = Chip::by_name(name).expect("chip");
        (
            RegFile::new(chip, chip.vram, chip.vram - chip.fb_reserved),
            chip.arch,
        )
    }

    #[test]
    fn wpr2_bounds_are_inclusive_with_128k_granularity() {
        // TU117 after FWSEC-FRTS: FRTS 0xffe00000..0xfff00000 reads back
        // as 0xffe00000-0xffee0000 (lo << 12, hi << 12).
        let (lo, hi) = wpr2_regs(0xffe0_0000, 0xfff0_0000).expect("regs");
        assert_eq!(
            (u64::from(lo >> 4) << 12, u64::from(hi >> 4) << 12),
            (0xffe0_0000, 0xffee_0000)
        );
        assert_eq!(wpr2_region(lo, hi), Some((0xffe0_0000, 0xfff0_0000)));
        // The Ampere board of the FWSEC-FRTS v6 cover letter.
        let (lo, hi) = wpr2_regs(0xffc0_0000, 0xffd0_0000).expect("regs");
        assert_eq!(u64::from(hi >> 4) << 12, 0xffce_0000);
        assert_eq!(wpr2_region(lo, hi), Some((0xffc0_0000, 0xffd0_0000)));
        // Above 4 GiB.
        let (lo, hi) = wpr2_regs(0x5_ff60_0000, 0x5_ff70_0000).expect("regs");
        assert_eq!((lo, hi), (0x05ff_6000, 0x05ff_6e00));
        assert_eq!(wpr2_region(lo, hi), Some((0x5_ff60_0000, 0x5_ff70_0000)));
        assert_eq!(wpr2_regs(0x1000, 0x2_1000), None, "not 128 KiB aligned");
        assert_eq!(wpr2_regs(0x2_0000, 0x2_0000), None, "empty");
        assert_eq!(wpr2_region(0, 0), None, "not set up");
    }

    #[test]
    fn sysmem_flush_page_encodings() {
        let page = 0x000f_1234_5678_9000u64;
        // Turing: address >> 8 in one register; no _HI.
        let (mut r, arch) = regs("tu102");
        assert!(r.sysmem_flush_missing(arch).is_some());
        assert!(r.write(0x0010_0c10, 0x0012_3456));
        assert_eq!(r.read(0x0010_0c10), Some(0x0012_3456));
        assert_eq!(r.sysmem_flush_page(arch), 0x1234_5600);
        assert!(r.sysmem_flush_missing(arch).is_none());
        assert!(!r.write(0x0010_0c40, 1), "no _HI register on Turing");
        // Ampere/Ada: bits 39:8 low, 63:40 in _HI 23:0.
        let (mut r, arch) = regs("ga102");
        let why = r.sysmem_flush_missing(arch).expect("missing");
        assert_eq!(
            why,
            "no sysmem flush page registered (NV_PFB_NISO_FLUSH_SYSMEM_ADDR and \
             NV_PFB_NISO_FLUSH_SYSMEM_ADDR_HI are 0)"
        );
        r.write(0x0010_0c40, (page >> 40) as u32);
        r.write(0x0010_0c10, (page >> 8) as u32);
        assert_eq!(r.sysmem_flush_page(arch), page);
        r.write(0x0010_0c40, 0xffff_ffff);
        assert_eq!(r.read(0x0010_0c40), Some(0x00ff_ffff), "_HI is 24 bits");
        // Hopper and GB20x: the raw address, LO bits 7:0 ignored, HI 19:0.
        for (name, lo, hi) in [
            ("gh100", 0x0010_0a34, 0x0010_0a38),
            ("gb202", 0x008a_1d58, 0x008a_1d5c),
        ] {
            let (mut r, arch) = regs(name);
            r.write(lo, 0xff);
            assert!(
                r.sysmem_flush_missing(arch).is_some(),
                "{name}: bits 7:0 only"
            );
            r.write(hi, (page >> 32) as u32);
            r.write(lo, page as u32);
            assert_eq!(r.read(lo), Some(page as u32), "{name}: read back");
            assert_eq!(r.sysmem_flush_page(arch), page, "{name}");
        }
    }
}
