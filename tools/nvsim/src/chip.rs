//! The simulated chips: identity, PCI shape, memory and falcon hardware.
//!
//! Sources of the facts, per field:
//! * chipset codes and architectures: nova-core `gpu.rs` `define_chipset!`
//!   (TU102 0x162, GA102 0x172, GH100 0x180, AD102 0x192, GB202 0x1b2);
//! * PCI device IDs: pci.ids (`10de 1e07` "TU102 [GeForce RTX 2080 Ti
//!   Rev. A]", `2204` RTX 3090, `2684` RTX 4090, `2331` "GH100 [H100
//!   PCIe]", `2b85` RTX 5090); revision a1 as lspci shows these boards;
//! * subsystem IDs: NVIDIA-built boards. GA102 10de:147d (pci.ids, RTX 3090
//!   Founders Edition), AD102 10de:167c and GH100 10de:1626 (public lspci
//!   listings). TU102 10de:12fa and GB202 10de:2057 are unverified;
//! * class codes: VGA (0x030000) for GeForce, 3D controller (0x030200) for
//!   H100, as nova-core's PCI table expects either;
//! * VRAM: the boards' memory (11, 24, 24, 80, 32 GiB);
//! * reserved top of the framebuffer: a real 16 GiB RTX A4000 (GA104)
//!   reports a usable framebuffer of 16376 MiB, 8 MiB under its physical
//!   size (John Hubbard's nova-core logs, dri-devel/nouveau, Nov./Dec.
//!   2025; issue #18); nvsim applies the same 8 MiB to its GA10x and AD10x
//!   boards (same devinit generation, not measured on those boards). On
//!   Turing the usable size is the physical one: a real 4 GiB TU117's
//!   FRTS region ends 1 MiB (the VGA workspace) below 4 GiB (same logs).
//!   Hopper and Blackwell: unknown, 0;
//! * falcon HWCFG values: plausible, not measured on hardware (see
//!   [`FalconHw`]);
//! * graphics units ([`Gr`]): the boards' GPC and TPC counts as NVIDIA's
//!   architecture whitepapers give them. RTX 2080 Ti: 6 GPCs, 34 TPCs (68
//!   SMs) of TU102's 6 GPCs x 6 TPCs ("NVIDIA Turing GPU Architecture",
//!   WP-09183-001); RTX 3090: 7 GPCs, 41 TPCs (82 SMs) of GA102's 7 x 6
//!   ("NVIDIA Ampere GA102 GPU Architecture"; its 112 ROPs are 7 GPCs x
//!   16); RTX 4090: 11 GPCs, 64 TPCs (128 SMs) of AD102's 12 x 6 ("NVIDIA
//!   Ada GPU Architecture"; 176 ROPs = 11 x 16); H100 PCIe: "7 or 8 GPCs,
//!   57 TPCs, 2 SMs/TPC, 114 SMs" of GH100's 8 x 9 ("NVIDIA H100 Tensor
//!   Core GPU Architecture"; docs.nvidia.com's H100 MIG page), nvsim takes
//!   7; RTX 5090: 11 GPCs, 85 TPCs (170 SMs) of GB202's 12 x 8 ("NVIDIA
//!   RTX Blackwell GPU Architecture"). Which units a board has fused off
//!   differs from die to die and is not published: nvsim enables GPCs
//!   0..n and spreads the TPCs evenly, the first GPCs taking the remainder
//!   (see [`Gr::tpc_mask`]).

use nvsim_vbios::DescVersion;

/// GPU architecture, as encoded in BOOT_42's architecture field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arch {
    /// 0x16.
    Turing,
    /// 0x17.
    Ampere,
    /// 0x18.
    Hopper,
    /// 0x19.
    Ada,
    /// 0x1b (GB20x).
    BlackwellGb20x,
}

/// Hardware configuration of one falcon, as its HWCFG registers report it.
///
/// The values are plausible for the generation (falcon core revision 6 on
/// Turing, 7 later; heavy-secure capable; a RISC-V core next to the GSP
/// falcon from Turing on and next to SEC2 from Ampere on), not measured on
/// hardware.
#[derive(Debug, Clone, Copy)]
pub struct FalconHw {
    /// IMEM size in bytes (multiple of 256).
    pub imem: u32,
    /// DMEM size in bytes (multiple of 256).
    pub dmem: u32,
    /// Core revision (HWCFG1 3:0).
    pub core_rev: u8,
    /// Core revision subversion (HWCFG1 7:6).
    pub core_rev_sub: u8,
    /// Security model (HWCFG1 5:4): 3 = heavy-secure capable.
    pub security: u8,
    /// Has a RISC-V core next to the falcon (HWCFG2 bit 10).
    pub riscv: bool,
}

impl FalconHw {
    /// `HWCFG` as this falcon reports it: IMEM (8:0) and DMEM (17:9) sizes
    /// in 256-byte blocks.
    pub fn hwcfg(&self) -> u32 {
        ((self.imem / 256) & 0x1ff) | (((self.dmem / 256) & 0x1ff) << 9)
    }

    /// `HWCFG1`: core revision (3:0), security model (5:4), core revision
    /// subversion (7:6), 4 IMEM ports (11:8) and 8 DMEM ports (15:12).
    pub fn hwcfg1(&self) -> u32 {
        u32::from(self.core_rev & 0xf)
            | (u32::from(self.security & 3) << 4)
            | (u32::from(self.core_rev_sub & 3) << 6)
            | (4 << 8)
            | (8 << 12)
    }
}

/// One simulated chip.
#[derive(Debug, Clone, Copy)]
pub struct Chip {
    /// Lower-case chip name, as given on the command line.
    pub name: &'static str,
    /// The retail board whose IDs are used.
    pub board: &'static str,
    /// Architecture.
    pub arch: Arch,
    /// Implementation within the architecture (BOOT_42 23:20).
    pub implementation: u8,
    /// Major and minor revision (0xa, 0x1 = "a1").
    pub revision: (u8, u8),
    /// PCI device ID.
    pub device_id: u16,
    /// PCI subsystem vendor ID.
    pub subsystem_vendor_id: u16,
    /// PCI subsystem ID.
    pub subsystem_id: u16,
    /// PCI class code (base, subclass, programming interface).
    pub class_code: u32,
    /// Size of the BAR1 VRAM aperture nvsim exposes.
    pub bar1_size: u64,
    /// Size of the real board's BAR1, for the record.
    pub real_bar1_size: u64,
    /// Size of BAR3.
    pub bar3_size: u64,
    /// Whether the board has the 128-byte I/O BAR (BAR5).
    pub io_bar: bool,
    /// Whether the chip has a display engine.
    pub display: bool,
    /// Default VRAM size in bytes.
    pub vram: u64,
    /// VRAM at the top of the framebuffer that devinit keeps for itself:
    /// the usable framebuffer (NV_USABLE_FB_SIZE_IN_MB on GA102+, what
    /// GSP-RM manages and reports) ends this much below the physical size
    /// (see `regs.rs`).
    pub fb_reserved: u64,
    /// PCIe link: maximum speed code (3 = 8 GT/s, 4 = 16, 5 = 32) and width.
    pub link: (u8, u8),
    /// BIOS version written into the VBIOS BIT.
    pub bios_version: u32,
    /// FWSEC descriptor format in the VBIOS.
    pub fwsec_desc: DescVersion,
    /// GSP falcon.
    pub gsp: FalconHw,
    /// SEC2 falcon.
    pub sec2: FalconHw,
    /// FSP falcon (Hopper, Blackwell).
    pub fsp: Option<FalconHw>,
    /// Graphics units.
    pub gr: Gr,
}

/// The graphics units of a board: how many GPCs and TPCs are enabled, of
/// how many TPCs a GPC of the chip has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gr {
    /// Enabled GPCs.
    pub gpcs: u8,
    /// Enabled TPCs, all GPCs together.
    pub tpcs: u8,
    /// TPCs of one GPC on the full chip.
    pub max_tpcs_per_gpc: u8,
}

impl Gr {
    /// The enabled GPCs as a mask (bit n: GPC n), as
    /// `NV2080_CTRL_CMD_GPU_GET_FERMI_GPC_INFO` reports it.
    pub const fn gpc_mask(&self) -> u32 {
        (1u32 << self.gpcs) - 1
    }

    /// The enabled TPCs of GPC `gpc` as a mask (0 for a GPC that is not
    /// enabled), as `NV2080_CTRL_CMD_GPU_GET_FERMI_TPC_INFO` reports it:
    /// the TPCs spread evenly, the first `tpcs % gpcs` GPCs one more.
    pub const fn tpc_mask(&self, gpc: u32) -> u32 {
        if gpc >= self.gpcs as u32 {
            return 0;
        }
        let (g, t) = (self.gpcs as u32, self.tpcs as u32);
        let n = t / g + if gpc < t % g { 1 } else { 0 };
        (1u32 << n) - 1
    }
}

const MIB: u64 = 1 << 20;
const GIB: u64 = 1 << 30;

const fn falcon(imem_k: u32, dmem_k: u32, core_rev: u8, riscv: bool) -> FalconHw {
    FalconHw {
        imem: imem_k * 1024,
        dmem: dmem_k * 1024,
        core_rev,
        core_rev_sub: 0,
        security: 3,
        riscv,
    }
}

/// All simulated chips; [`DEFAULT_CHIP`] names the default one.
pub const CHIPS: &[Chip] = &[
    Chip {
        name: "tu102",
        board: "GeForce RTX 2080 Ti",
        arch: Arch::Turing,
        implementation: 2,
        revision: (0xa, 0x1),
        device_id: 0x1e07,
        subsystem_vendor_id: 0x10de,
        subsystem_id: 0x12fa,
        class_code: 0x030000,
        bar1_size: 256 * MIB,
        real_bar1_size: 256 * MIB,
        bar3_size: 32 * MIB,
        io_bar: true,
        display: true,
        vram: 11 * GIB,
        fb_reserved: 0,
        link: (3, 16),
        bios_version: 0x9002_4200,
        fwsec_desc: DescVersion::V2,
        gsp: falcon(64, 64, 6, true),
        sec2: falcon(64, 64, 6, false),
        fsp: None,
        gr: Gr {
            gpcs: 6,
            tpcs: 34,
            max_tpcs_per_gpc: 6,
        },
    },
    Chip {
        name: "ga102",
        board: "GeForce RTX 3090",
        arch: Arch::Ampere,
        implementation: 2,
        revision: (0xa, 0x1),
        device_id: 0x2204,
        subsystem_vendor_id: 0x10de,
        subsystem_id: 0x147d,
        class_code: 0x030000,
        bar1_size: 256 * MIB,
        real_bar1_size: 256 * MIB,
        bar3_size: 32 * MIB,
        io_bar: true,
        display: true,
        vram: 24 * GIB,
        fb_reserved: 8 * MIB,
        link: (4, 16),
        bios_version: 0x9402_4200,
        fwsec_desc: DescVersion::V3,
        gsp: falcon(96, 64, 7, true),
        sec2: falcon(64, 64, 7, true),
        fsp: None,
        gr: Gr {
            gpcs: 7,
            tpcs: 41,
            max_tpcs_per_gpc: 6,
        },
    },
    Chip {
        name: "ad102",
        board: "GeForce RTX 4090",
        arch: Arch::Ada,
        implementation: 2,
        revision: (0xa, 0x1),
        device_id: 0x2684,
        subsystem_vendor_id: 0x10de,
        subsystem_id: 0x167c,
        class_code: 0x030000,
        bar1_size: 256 * MIB,
        real_bar1_size: 256 * MIB,
        bar3_size: 32 * MIB,
        io_bar: true,
        display: true,
        vram: 24 * GIB,
        fb_reserved: 8 * MIB,
        link: (4, 16),
        bios_version: 0x9502_4200,
        fwsec_desc: DescVersion::V3,
        gsp: falcon(96, 64, 7, true),
        sec2: falcon(64, 64, 7, true),
        fsp: None,
        gr: Gr {
            gpcs: 11,
            tpcs: 64,
            max_tpcs_per_gpc: 6,
        },
    },
    Chip {
        name: "gh100",
        board: "H100 PCIe",
        arch: Arch::Hopper,
        implementation: 0,
        revision: (0xa, 0x1),
        device_id: 0x2331,
        subsystem_vendor_id: 0x10de,
        subsystem_id: 0x1626,
        class_code: 0x030200,
        bar1_size: 256 * MIB,
        real_bar1_size: 128 * GIB,
        bar3_size: 32 * MIB,
        io_bar: false,
        display: false,
        vram: 80 * GIB,
        fb_reserved: 0,
        link: (5, 16),
        bios_version: 0x9600_4200,
        fwsec_desc: DescVersion::V3,
        gsp: falcon(96, 64, 7, true),
        sec2: falcon(64, 64, 7, true),
        fsp: Some(falcon(64, 64, 7, true)),
        gr: Gr {
            gpcs: 7,
            tpcs: 57,
            max_tpcs_per_gpc: 9,
        },
    },
    Chip {
        name: "gb202",
        board: "GeForce RTX 5090",
        arch: Arch::BlackwellGb20x,
        implementation: 2,
        revision: (0xa, 0x1),
        device_id: 0x2b85,
        subsystem_vendor_id: 0x10de,
        subsystem_id: 0x2057,
        class_code: 0x030000,
        bar1_size: 256 * MIB,
        real_bar1_size: 256 * MIB,
        bar3_size: 32 * MIB,
        io_bar: true,
        display: true,
        vram: 32 * GIB,
        fb_reserved: 0,
        link: (5, 16),
        bios_version: 0x9802_4200,
        fwsec_desc: DescVersion::V3,
        gsp: falcon(96, 64, 7, true),
        sec2: falcon(64, 64, 7, true),
        fsp: Some(falcon(64, 64, 7, true)),
        gr: Gr {
            gpcs: 11,
            tpcs: 85,
            max_tpcs_per_gpc: 8,
        },
    },
];

/// The chip simulated when none is named.
pub const DEFAULT_CHIP: &str = "ga102";

/// Size of BAR0 on every simulated chip.
pub const BAR0_SIZE: u64 = 16 * MIB;
/// Size of the I/O BAR (BAR5) where the board has one.
pub const IO_BAR_SIZE: u64 = 128;

/// PCI vendor ID of NVIDIA.
pub const NVIDIA_VENDOR_ID: u16 = 0x10de;

impl Arch {
    /// The 6-bit architecture code of BOOT_42.
    pub const fn code(self) -> u32 {
        match self {
            Arch::Turing => 0x16,
            Arch::Ampere => 0x17,
            Arch::Hopper => 0x18,
            Arch::Ada => 0x19,
            Arch::BlackwellGb20x => 0x1b,
        }
    }

    /// Whether the chip's boot waits on FSP instead of GFW_BOOT.
    pub const fn has_fsp(self) -> bool {
        matches!(self, Arch::Hopper | Arch::BlackwellGb20x)
    }
}

impl Chip {
    /// Looks a chip up by name (case-insensitive).
    pub fn by_name(name: &str) -> Option<&'static Chip> {
        CHIPS.iter().find(|c| c.name.eq_ignore_ascii_case(name))
    }

    /// The chipset code (architecture << 4 | implementation), e.g. 0x172.
    pub const fn chipset(&self) -> u32 {
        (self.arch.code() << 4) | self.implementation as u32
    }

    /// NV_PMC_BOOT_0: arch 28:24 (low five bits), implementation 23:20,
    /// arch MSB at bit 8, major revision 7:4, minor revision 3:0
    /// (nova-core `regs.rs` `NV_PMC_BOOT_0`).
    pub const fn boot0(&self) -> u32 {
        let arch = self.arch.code();
        ((arch & 0x1f) << 24)
            | ((self.implementation as u32) << 20)
            | (((arch >> 5) & 1) << 8)
            | ((self.revision.0 as u32) << 4)
            | self.revision.1 as u32
    }

    /// NV_PMC_BOOT_42: arch 29:24, implementation 23:20, major revision
    /// 19:16, minor revision 15:12 (nova-core `regs.rs` `NV_PMC_BOOT_42`).
    pub const fn boot42(&self) -> u32 {
        (self.arch.code() << 24)
            | ((self.implementation as u32) << 20)
            | ((self.revision.0 as u32) << 16)
            | ((self.revision.1 as u32) << 12)
    }

    /// PCI revision ID ("a1").
    pub const fn revision_id(&self) -> u8 {
        (self.revision.0 << 4) | self.revision.1
    }

    /// The VBIOS this chip serves.
    pub fn rom_spec(&self) -> nvsim_vbios::RomSpec {
        nvsim_vbios::RomSpec {
            pci: nvsim_vbios::PciIdentity {
                vendor_id: NVIDIA_VENDOR_ID,
                device_id: self.device_id,
                class_code: self.class_code,
            },
            bios_version: self.bios_version,
            oem_version: 0x01,
            fwsec: nvsim_vbios::FwsecSpec {
                desc_version: self.fwsec_desc,
                engine_id_mask: FWSEC_ENGINE_ID_MASK,
                ucode_id: FWSEC_UCODE_ID,
                signature_versions: FWSEC_SIGNATURE_VERSIONS,
                build_stamp: self.chipset(),
            },
            chain: self.rom_chain(),
        }
    }

    /// The image chain of the chip's VBIOS: a real board's (nvsim-vbios
    /// `ChainSpec`). Turing gets the TU117 chain, the only Turing one in
    /// public logs (five images, 317.5 KiB, NBSI last); the others GA102's
    /// (four images, 553 KiB), measured on GA102 only.
    pub fn rom_chain(&self) -> nvsim_vbios::ChainSpec {
        match self.arch {
            Arch::Turing => nvsim_vbios::ChainSpec::TU117,
            _ => nvsim_vbios::ChainSpec::GA102,
        }
    }
}

/// FWSEC runs on the GSP falcon: engine id mask bit 10 (nova-core
/// `falcon/hal/ga102.rs` picks the GSP fuses for mask bit 0x0400).
pub const FWSEC_ENGINE_ID_MASK: u16 = 0x0400;
/// FWSEC's ucode id in the generated VBIOS (selects GSP fuse UCODE1).
pub const FWSEC_UCODE_ID: u8 = 1;
/// Signature versions in the generated FWSEC descriptor: 1 and 2.
pub const FWSEC_SIGNATURE_VERSIONS: u16 = 0b0110;
/// Value of the GSP UCODE1 fuse: its highest set bit gives version 2, the
/// newest signature in the descriptor.
pub const FWSEC_FUSE_VALUE: u32 = 0b0011;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tpc_masks_add_up_to_the_boards_tpcs() {
        for c in CHIPS {
            let g = c.gr;
            assert_eq!(g.gpc_mask().count_ones(), u32::from(g.gpcs), "{}", c.name);
            let masks: Vec<u32> = (0..32).map(|i| g.tpc_mask(i)).collect();
            let total: u32 = masks.iter().map(|m| m.count_ones()).sum();
            assert_eq!(total, u32::from(g.tpcs), "{}", c.name);
            for (i, m) in masks.iter().enumerate() {
                assert_eq!(*m != 0, g.gpc_mask() >> i & 1 != 0, "{} GPC {i}", c.name);
                assert!(
                    m.count_ones() <= u32::from(g.max_tpcs_per_gpc),
                    "{}",
                    c.name
                );
            }
        }
        let ga102 = Chip::by_name("ga102").map(|c| c.gr);
        assert_eq!(
            ga102.map(|g| (g.gpc_mask(), g.tpc_mask(0), g.tpc_mask(6))),
            Some((0x7f, 0x3f, 0x1f))
        );
    }
}
