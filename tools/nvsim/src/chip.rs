//! The simulated chips: identity, PCI shape, memory and falcon hardware.
//!
//! Sources of the facts, per field (`docs/chip-facts.md` has each board's
//! row with its sources; "guess" there is a guess here):
//! * chipset codes and architectures: nova-core `gpu.rs` `define_chipset!`
//!   (TU102 0x162 ... GB207 0x1b7; GB10x is architecture 0x1a, GB20x 0x1b);
//! * the board of each chip: one retail board, the biggest common one of
//!   that die, or an NVIDIA-built one where that settles a subsystem ID
//!   (RTX A4000 for GA104, the board behind the 8 MiB reserved top);
//! * PCI device IDs and names: pci.ids 2025.06.09 (`10de 1e07` "TU102
//!   [GeForce RTX 2080 Ti Rev. A]", `2204` RTX 3090, `20b5` A100 PCIe 80GB,
//!   `2331` "GH100 [H100 PCIe]", `2901` "GB100 [B200]", `2b85` RTX 5090 ...);
//!   GB207's `2d83` (RTX 5050) from NVIDIA's open-gpu-kernel-modules README,
//!   newer than that pci.ids. GB102 (`29bc`, "GB102 [B100]" in pci.ids) has
//!   no public board: its row is GB100's with that ID, every value a guess.
//!   Revision a1 as lspci shows these boards;
//! * subsystem IDs: NVIDIA-built boards. GA102 10de:147d (public lspci of an
//!   RTX 3090 Founders Edition), GA104 10de:14ad (RTX A4000), GA100
//!   10de:1533, GH100 10de:1626 and GB100 10de:1999 (the supported-GPU table
//!   of NVIDIA's open-gpu-kernel-modules README). TU102 10de:12fa, AD102
//!   10de:167c and GB202 10de:2057 are unverified. Where NVIDIA built no
//!   board of that model (partner cards only), the subsystem is 10de:0000,
//!   which no real board has;
//! * class codes: VGA (0x030000) for GeForce and RTX A boards, 3D controller
//!   (0x030200) for the data-center boards (A100, H100, B200), which have
//!   no display engine and no I/O BAR;
//! * VRAM: the boards' memory; B200's 192 GiB of HBM3e (it reports about
//!   178 GiB usable; not modelled);
//! * PCIe links: the boards' (x8 on RTX 3050, 4060 Ti, 4060, 5060 Ti, 5050);
//! * reserved top of the framebuffer: a real 16 GiB RTX A4000 (GA104)
//!   reports a usable framebuffer of 16376 MiB, 8 MiB under its physical
//!   size (John Hubbard's nova-core logs, dri-devel/nouveau, Nov./Dec.
//!   2025; issue #18); nvsim applies the same 8 MiB to its GA10x and AD10x
//!   boards (same devinit generation, not measured on those boards). On
//!   Turing and GA100 the usable size is the physical one (their drivers
//!   read NV_PFB_PRI_MMU_LOCAL_MEMORY_RANGE): a real 4 GiB TU117's FRTS
//!   region ends 1 MiB (the VGA workspace) below 4 GiB (same logs).
//!   Hopper and Blackwell: unknown, 0;
//! * BIOS versions: the pattern of public VBIOS versions, 90.02 for TU102,
//!   90.04 for TU104 ... 92.00 for GA100, 94.02 for GA102 ... (major by
//!   generation, minor by chip);
//! * falcon HWCFG values: plausible, not measured on hardware (see
//!   [`FalconHw`]); GA100's are Turing's, as its falcons are;
//! * graphics units ([`Gr`]): the boards' GPC and TPC counts as NVIDIA's
//!   architecture whitepapers give them (RTX 2080 Ti: 6 GPCs, 34 TPCs of
//!   TU102's 6 x 6, WP-09183-001; RTX 3090: 7 GPCs, 41 TPCs of GA102's
//!   7 x 6; A100: 7 GPCs, 54 TPCs of GA100's 8 x 8; RTX 4090: 11 GPCs, 64
//!   TPCs of AD102's 12 x 6; H100 PCIe: "7 or 8 GPCs, 57 TPCs" of GH100's
//!   8 x 9, nvsim takes 7; RTX 5090: 11 GPCs, 85 TPCs of GB202's 12 x 8).
//!   Dies no whitepaper covers: GPCs from the board's ROPs (16 a GPC from
//!   Ampere on), TPCs from its SMs (two a TPC); TU116/TU117 and B200 are
//!   guesses (docs/chip-facts.md). Which units a board has fused off
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
    /// 0x1a (GB10x).
    BlackwellGb10x,
    /// 0x1b (GB20x).
    BlackwellGb20x,
}

/// How a chip's driver gets GSP-RM running: the firmware flow, which
/// follows the chip rather than its architecture (GA100 boots as Turing
/// does).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BootFlow {
    /// FWSEC-FRTS through the generic falcon bootloader on the GSP, then
    /// booter on SEC2, its images with non-secure code first (Turing).
    Turing,
    /// As Turing, with an empty FRTS region (GA100).
    Ga100,
    /// FWSEC-FRTS from the VBIOS on the GSP, then booter on SEC2 (GA102
    /// and later Ampere, Ada).
    Ga10x,
    /// The FSP checks the FMC image, which starts GSP-RM (Hopper,
    /// Blackwell).
    Fsp,
}

/// The falcon generation of a chip, which follows its boot flow rather
/// than its architecture: GA100's falcons are Turing's (nova-core
/// `falcon/hal.rs`: "GA100 boots like Turing"; no core select, RISC-V
/// status in `RISCV_CORE_SWITCH_RISCV_STATUS`, booter with non-secure
/// code first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FalconGen {
    /// Turing and GA100.
    Tu102,
    /// GA102 and later.
    Ga102,
}

impl FalconGen {
    /// The generation a chip of `arch` has, unless its row says otherwise
    /// ([`Chip::falcon_gen`]).
    pub const fn of_arch(arch: Arch) -> Self {
        match arch {
            Arch::Turing => FalconGen::Tu102,
            _ => FalconGen::Ga102,
        }
    }
}

impl BootFlow {
    /// The flow's name in `--describe`.
    pub const fn name(self) -> &'static str {
        match self {
            BootFlow::Turing => "turing",
            BootFlow::Ga100 => "ga100",
            BootFlow::Ga10x => "ga10x",
            BootFlow::Fsp => "fsp",
        }
    }
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
    /// How GSP-RM is started.
    pub flow: BootFlow,
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

/// A generation's shared values; each row of [`CHIPS`] names its own.
const fn generation(
    arch: Arch,
    flow: BootFlow,
    data_center: bool,
    link: (u8, u8),
    fwsec_desc: DescVersion,
    falcons: Falcons,
) -> Chip {
    Chip {
        name: "",
        board: "",
        arch,
        implementation: 0,
        revision: (0xa, 0x1),
        device_id: 0,
        subsystem_vendor_id: NVIDIA_VENDOR_ID,
        subsystem_id: 0,
        class_code: if data_center { 0x030200 } else { 0x030000 },
        bar1_size: 256 * MIB,
        real_bar1_size: 256 * MIB,
        bar3_size: 32 * MIB,
        io_bar: !data_center,
        display: !data_center,
        vram: 0,
        fb_reserved: 0,
        link,
        bios_version: 0,
        fwsec_desc,
        gsp: falcons.0,
        sec2: falcons.1,
        fsp: falcons.2,
        gr: Gr {
            gpcs: 1,
            tpcs: 1,
            max_tpcs_per_gpc: 1,
        },
        flow,
    }
}

/// The GSP, SEC2 and FSP falcons of a generation.
type Falcons = (FalconHw, FalconHw, Option<FalconHw>);
/// Turing's (and GA100's): no RISC-V core next to SEC2.
const TURING_FALCONS: Falcons = (falcon(64, 64, 6, true), falcon(64, 64, 6, false), None);
/// GA102 and Ada.
const AMPERE_FALCONS: Falcons = (falcon(96, 64, 7, true), falcon(64, 64, 7, true), None);
/// Hopper and Blackwell: an FSP too.
const FSP_FALCONS: Falcons = (
    falcon(96, 64, 7, true),
    falcon(64, 64, 7, true),
    Some(falcon(64, 64, 7, true)),
);

const TURING: Chip = generation(
    Arch::Turing,
    BootFlow::Turing,
    false,
    (3, 16),
    DescVersion::V2,
    TURING_FALCONS,
);
/// GA100: Turing's falcons and boot flow, an Ampere data-center board.
const GA100: Chip = Chip {
    real_bar1_size: 128 * GIB,
    ..generation(
        Arch::Ampere,
        BootFlow::Ga100,
        true,
        (4, 16),
        DescVersion::V2,
        TURING_FALCONS,
    )
};
const AMPERE: Chip = Chip {
    fb_reserved: 8 * MIB,
    ..generation(
        Arch::Ampere,
        BootFlow::Ga10x,
        false,
        (4, 16),
        DescVersion::V3,
        AMPERE_FALCONS,
    )
};
const ADA: Chip = Chip {
    arch: Arch::Ada,
    ..AMPERE
};
const HOPPER: Chip = Chip {
    real_bar1_size: 128 * GIB,
    ..generation(
        Arch::Hopper,
        BootFlow::Fsp,
        true,
        (5, 16),
        DescVersion::V3,
        FSP_FALCONS,
    )
};
/// GB10x: B200's real BAR1 size is a guess.
const GB10X: Chip = Chip {
    arch: Arch::BlackwellGb10x,
    real_bar1_size: 256 * GIB,
    ..HOPPER
};
const GB20X: Chip = generation(
    Arch::BlackwellGb20x,
    BootFlow::Fsp,
    false,
    (5, 16),
    DescVersion::V3,
    FSP_FALCONS,
);

/// GB100's board (its GPC layout and BAR1 size are guesses).
const B200: Chip = Chip {
    name: "gb100",
    board: "B200",
    implementation: 0,
    device_id: 0x2901,
    subsystem_id: 0x1999,
    vram: 192 * GIB,
    bios_version: 0x9700_4200,
    gr: Gr {
        gpcs: 8,
        tpcs: 74,
        max_tpcs_per_gpc: 10,
    },
    ..GB10X
};

/// All simulated chips: every GSP-era chip, by generation;
/// [`DEFAULT_CHIP`] names the default one.
pub const CHIPS: &[Chip] = &[
    Chip {
        name: "tu102",
        board: "GeForce RTX 2080 Ti",
        implementation: 2,
        device_id: 0x1e07,
        subsystem_id: 0x12fa,
        vram: 11 * GIB,
        bios_version: 0x9002_4200,
        gr: Gr {
            gpcs: 6,
            tpcs: 34,
            max_tpcs_per_gpc: 6,
        },
        ..TURING
    },
    Chip {
        name: "tu104",
        board: "GeForce RTX 2080 SUPER",
        implementation: 4,
        device_id: 0x1e81,
        vram: 8 * GIB,
        bios_version: 0x9004_4200,
        gr: Gr {
            gpcs: 6,
            tpcs: 24,
            max_tpcs_per_gpc: 4,
        },
        ..TURING
    },
    Chip {
        name: "tu106",
        board: "GeForce RTX 2070",
        implementation: 6,
        device_id: 0x1f07,
        vram: 8 * GIB,
        bios_version: 0x9006_4200,
        gr: Gr {
            gpcs: 3,
            tpcs: 18,
            max_tpcs_per_gpc: 6,
        },
        ..TURING
    },
    Chip {
        name: "tu116",
        board: "GeForce GTX 1660 Ti",
        implementation: 8,
        device_id: 0x2182,
        vram: 6 * GIB,
        bios_version: 0x9008_4200,
        gr: Gr {
            gpcs: 3,
            tpcs: 12,
            max_tpcs_per_gpc: 4,
        },
        ..TURING
    },
    Chip {
        name: "tu117",
        board: "GeForce GTX 1650",
        implementation: 7,
        device_id: 0x1f82,
        vram: 4 * GIB,
        bios_version: 0x9007_4200,
        gr: Gr {
            gpcs: 2,
            tpcs: 7,
            max_tpcs_per_gpc: 4,
        },
        ..TURING
    },
    Chip {
        name: "ga100",
        board: "A100 80GB PCIe",
        implementation: 0,
        device_id: 0x20b5,
        subsystem_id: 0x1533,
        vram: 80 * GIB,
        bios_version: 0x9200_4200,
        gr: Gr {
            gpcs: 7,
            tpcs: 54,
            max_tpcs_per_gpc: 8,
        },
        ..GA100
    },
    Chip {
        name: "ga102",
        board: "GeForce RTX 3090",
        implementation: 2,
        device_id: 0x2204,
        subsystem_id: 0x147d,
        vram: 24 * GIB,
        bios_version: 0x9402_4200,
        gr: Gr {
            gpcs: 7,
            tpcs: 41,
            max_tpcs_per_gpc: 6,
        },
        ..AMPERE
    },
    Chip {
        name: "ga103",
        board: "GeForce RTX 3060 Ti",
        implementation: 3,
        device_id: 0x2414,
        vram: 8 * GIB,
        bios_version: 0x9403_4200,
        gr: Gr {
            gpcs: 5,
            tpcs: 19,
            max_tpcs_per_gpc: 5,
        },
        ..AMPERE
    },
    Chip {
        name: "ga104",
        board: "RTX A4000",
        implementation: 4,
        device_id: 0x24b0,
        subsystem_id: 0x14ad,
        vram: 16 * GIB,
        bios_version: 0x9404_4200,
        gr: Gr {
            gpcs: 6,
            tpcs: 24,
            max_tpcs_per_gpc: 4,
        },
        ..AMPERE
    },
    Chip {
        name: "ga106",
        board: "GeForce RTX 3060",
        implementation: 6,
        device_id: 0x2503,
        vram: 12 * GIB,
        bios_version: 0x9406_4200,
        gr: Gr {
            gpcs: 3,
            tpcs: 14,
            max_tpcs_per_gpc: 5,
        },
        ..AMPERE
    },
    Chip {
        name: "ga107",
        board: "GeForce RTX 3050",
        implementation: 7,
        device_id: 0x2582,
        vram: 8 * GIB,
        link: (4, 8),
        bios_version: 0x9407_4200,
        gr: Gr {
            gpcs: 2,
            tpcs: 10,
            max_tpcs_per_gpc: 5,
        },
        ..AMPERE
    },
    Chip {
        name: "ad102",
        board: "GeForce RTX 4090",
        implementation: 2,
        device_id: 0x2684,
        subsystem_id: 0x167c,
        vram: 24 * GIB,
        bios_version: 0x9502_4200,
        gr: Gr {
            gpcs: 11,
            tpcs: 64,
            max_tpcs_per_gpc: 6,
        },
        ..ADA
    },
    Chip {
        name: "ad103",
        board: "GeForce RTX 4080",
        implementation: 3,
        device_id: 0x2704,
        vram: 16 * GIB,
        bios_version: 0x9503_4200,
        gr: Gr {
            gpcs: 7,
            tpcs: 38,
            max_tpcs_per_gpc: 6,
        },
        ..ADA
    },
    Chip {
        name: "ad104",
        board: "GeForce RTX 4070 Ti",
        implementation: 4,
        device_id: 0x2782,
        vram: 12 * GIB,
        bios_version: 0x9504_4200,
        gr: Gr {
            gpcs: 5,
            tpcs: 30,
            max_tpcs_per_gpc: 6,
        },
        ..ADA
    },
    Chip {
        name: "ad106",
        board: "GeForce RTX 4060 Ti",
        implementation: 6,
        device_id: 0x2803,
        vram: 8 * GIB,
        link: (4, 8),
        bios_version: 0x9506_4200,
        gr: Gr {
            gpcs: 3,
            tpcs: 17,
            max_tpcs_per_gpc: 6,
        },
        ..ADA
    },
    Chip {
        name: "ad107",
        board: "GeForce RTX 4060",
        implementation: 7,
        device_id: 0x2882,
        vram: 8 * GIB,
        link: (4, 8),
        bios_version: 0x9507_4200,
        gr: Gr {
            gpcs: 3,
            tpcs: 12,
            max_tpcs_per_gpc: 4,
        },
        ..ADA
    },
    Chip {
        name: "gh100",
        board: "H100 PCIe",
        implementation: 0,
        device_id: 0x2331,
        subsystem_id: 0x1626,
        vram: 80 * GIB,
        bios_version: 0x9600_4200,
        gr: Gr {
            gpcs: 7,
            tpcs: 57,
            max_tpcs_per_gpc: 9,
        },
        ..HOPPER
    },
    B200,
    // No public GB102 board: B200's row with pci.ids' GB102 ID.
    Chip {
        name: "gb102",
        board: "B100",
        implementation: 2,
        device_id: 0x29bc,
        subsystem_id: 0,
        bios_version: 0x9702_4200,
        ..B200
    },
    Chip {
        name: "gb202",
        board: "GeForce RTX 5090",
        implementation: 2,
        device_id: 0x2b85,
        subsystem_id: 0x2057,
        vram: 32 * GIB,
        bios_version: 0x9802_4200,
        gr: Gr {
            gpcs: 11,
            tpcs: 85,
            max_tpcs_per_gpc: 8,
        },
        ..GB20X
    },
    Chip {
        name: "gb203",
        board: "GeForce RTX 5080",
        implementation: 3,
        device_id: 0x2c02,
        vram: 16 * GIB,
        bios_version: 0x9803_4200,
        gr: Gr {
            gpcs: 7,
            tpcs: 42,
            max_tpcs_per_gpc: 6,
        },
        ..GB20X
    },
    Chip {
        name: "gb205",
        board: "GeForce RTX 5070",
        implementation: 5,
        device_id: 0x2f04,
        vram: 12 * GIB,
        bios_version: 0x9805_4200,
        gr: Gr {
            gpcs: 5,
            tpcs: 24,
            max_tpcs_per_gpc: 5,
        },
        ..GB20X
    },
    Chip {
        name: "gb206",
        board: "GeForce RTX 5060 Ti",
        implementation: 6,
        device_id: 0x2d04,
        vram: 16 * GIB,
        link: (5, 8),
        bios_version: 0x9806_4200,
        gr: Gr {
            gpcs: 3,
            tpcs: 18,
            max_tpcs_per_gpc: 6,
        },
        ..GB20X
    },
    Chip {
        name: "gb207",
        board: "GeForce RTX 5050",
        implementation: 7,
        device_id: 0x2d83,
        vram: 8 * GIB,
        link: (5, 8),
        bios_version: 0x9807_4200,
        gr: Gr {
            gpcs: 2,
            tpcs: 10,
            max_tpcs_per_gpc: 5,
        },
        ..GB20X
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
            Arch::BlackwellGb10x => 0x1a,
            Arch::BlackwellGb20x => 0x1b,
        }
    }

    /// The architecture's name in `--describe`.
    pub const fn name(self) -> &'static str {
        match self {
            Arch::Turing => "turing",
            Arch::Ampere => "ampere",
            Arch::Hopper => "hopper",
            Arch::Ada => "ada",
            Arch::BlackwellGb10x => "blackwell-gb10x",
            Arch::BlackwellGb20x => "blackwell-gb20x",
        }
    }

    /// Whether the chip's boot waits on FSP instead of GFW_BOOT.
    pub const fn has_fsp(self) -> bool {
        matches!(
            self,
            Arch::Hopper | Arch::BlackwellGb10x | Arch::BlackwellGb20x
        )
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

    /// The VRAM at the top outside the usable framebuffer on a board with
    /// `vram` bytes: the chip's reserved top, unless the VRAM is too small
    /// for it.
    pub const fn default_fb_reserved(&self, vram: u64) -> u64 {
        if vram > 2 * self.fb_reserved {
            self.fb_reserved
        } else {
            0
        }
    }

    /// The generation of the chip's GSP and SEC2 falcons.
    pub const fn falcon_gen(&self) -> FalconGen {
        match self.flow {
            BootFlow::Turing | BootFlow::Ga100 => FalconGen::Tu102,
            BootFlow::Ga10x | BootFlow::Fsp => FalconGen::Ga102,
        }
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
    /// public logs (five images, 317.5 KiB, NBSI last); GA100 GA102's
    /// behind an IFR header; the others GA102's (four images, 553 KiB),
    /// measured on GA102 only.
    pub fn rom_chain(&self) -> nvsim_vbios::ChainSpec {
        match self.flow {
            BootFlow::Turing => nvsim_vbios::ChainSpec::TU117,
            BootFlow::Ga100 => nvsim_vbios::ChainSpec::GA100,
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
    fn every_gsp_era_chip_has_one_sound_row() {
        assert_eq!(CHIPS.len(), 24);
        for (i, c) in CHIPS.iter().enumerate() {
            for d in &CHIPS[..i] {
                assert_ne!(c.name, d.name);
                assert_ne!(c.device_id, d.device_id, "{} and {}", c.name, d.name);
                assert_ne!(c.chipset(), d.chipset(), "{} and {}", c.name, d.name);
            }
            let mib = c.vram >> 20;
            assert!(
                crate::regs::local_memory_range(mib).is_some(),
                "{}: {mib} MiB is not representable",
                c.name
            );
            assert!(c.fb_reserved * 2 < c.vram, "{}", c.name);
            // Data-center boards: 3D controllers without display or I/O BAR.
            let dc = c.class_code == 0x030200;
            assert_eq!((c.display, c.io_bar), (!dc, !dc), "{}", c.name);
            assert_eq!(c.arch.has_fsp(), c.flow == BootFlow::Fsp, "{}", c.name);
            assert_eq!(c.fsp.is_some(), c.arch.has_fsp(), "{}", c.name);
        }
        let by = |n| Chip::by_name(n).map(|c| (c.chipset(), c.boot42() >> 24, c.falcon_gen()));
        assert_eq!(by("GB100"), Some((0x1a0, 0x1a, FalconGen::Ga102)));
        assert_eq!(by("ga100"), Some((0x170, 0x17, FalconGen::Tu102)));
        assert_eq!(by("ga102"), Some((0x172, 0x17, FalconGen::Ga102)));
        assert_eq!(by("tu117"), Some((0x167, 0x16, FalconGen::Tu102)));
    }

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
