// SPDX-License-Identifier: GPL-2.0

//! The GSP-era chips: the one table of per-chip facts, shared by the driver
//! (identification, firmware files, which boot flow) and the host tools
//! (firmware paths, signature sections).
//!
//! Chipset codes are `NV_PMC_BOOT_42` bits 29:20 (architecture and
//! implementation); firmware directories are those of `nvidia/<chip>/gsp/`
//! in linux-firmware and Debian's firmware-nvidia-graphics.

/// GPU architecture of a GSP-era chipset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Arch {
    /// TU1xx.
    Turing,
    /// GA1xx.
    Ampere,
    /// AD10x.
    Ada,
    /// GH100.
    Hopper,
    /// GB10x (data centre) and GB20x (client).
    Blackwell,
}

impl Arch {
    /// Human-readable name of the architecture.
    pub fn name(self) -> &'static str {
        match self {
            Self::Turing => "Turing",
            Self::Ampere => "Ampere",
            Self::Ada => "Ada",
            Self::Hopper => "Hopper",
            Self::Blackwell => "Blackwell",
        }
    }
}

/// How a chip's GSP-RM is booted: chips of one generation share the boot
/// flow, the falcon reset sequence and the firmware set, and the driver
/// gives each generation its own HAL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gen {
    /// Turing: SEC2 runs booter after the generic falcon bootloader.
    Tu1xx,
    /// GA100: as Turing, with Ampere's fuses and an empty FRTS region.
    Ga100,
    /// GA10x (but GA100) and Ada: FWSEC-FRTS on the GSP, booter on SEC2.
    Ga10x,
    /// Hopper and Blackwell: the FSP boots the GSP through the FMC.
    Gh100,
}

/// Firmware files of Turing and GA100, under `nvidia/<chip>/gsp/`.
const FW_GEN_BOOTLOADER: &[&str] = &[
    "bootloader-570.144.bin",
    "booter_load-570.144.bin",
    "booter_unload-570.144.bin",
    "gen_bootloader-570.144.bin",
    "gsp-570.144.bin",
];

/// Firmware files of GA10x (but GA100).
const FW_BOOTER: &[&str] = &[
    "bootloader-570.144.bin",
    "booter_load-570.144.bin",
    "booter_unload-570.144.bin",
    "gsp-570.144.bin",
];

/// Firmware files of Ada: as GA10x, plus the FB scrubber.
const FW_BOOTER_SCRUBBER: &[&str] = &[
    "bootloader-570.144.bin",
    "booter_load-570.144.bin",
    "booter_unload-570.144.bin",
    "gsp-570.144.bin",
    "scrubber-570.144.bin",
];

/// Firmware files of Hopper and Blackwell.
const FW_FMC: &[&str] = &[
    "bootloader-570.144.bin",
    "fmc-570.144.bin",
    "gsp-570.144.bin",
];

/// One GSP-era chip.
#[derive(Debug)]
pub struct Chip {
    /// Chipset code, `NV_PMC_BOOT_42` bits 29:20 (0x172 for GA102).
    pub chipset: u32,
    /// Chip name, upper case (`GA102`).
    pub name: &'static str,
    /// Firmware directory under `nvidia/`, lower case (`ga102`).
    pub fw_dir: &'static str,
    /// Architecture.
    pub arch: Arch,
    /// Boot generation.
    pub gen: Gen,
    /// Firmware files the chip needs, relative to `nvidia/<fw_dir>/gsp/`.
    pub firmware: &'static [&'static str],
    /// Name of the GSP-RM ELF section holding this chip's signatures.
    pub gsp_sig_section: &'static str,
}

impl Chip {
    /// Architecture code as `NV_PMC_BOOT_42` bits 29:24 hold it (0x17 for
    /// Ampere; Blackwell is 0x1a for GB10x and 0x1b for GB20x).
    pub const fn architecture(&self) -> u32 {
        self.chipset >> 4
    }

    /// Whether the chip is a data-centre Blackwell (GB10x, architecture
    /// 0x1a) rather than a client one (GB20x, 0x1b).
    pub const fn is_gb10x(&self) -> bool {
        self.architecture() == 0x1a
    }

    /// Whether the chip's falcon heavy-secure images (booter) carry
    /// non-secure code loaded into IMEM before the secure code (Turing and
    /// GA100), rather than only a secure application (GA102 and later).
    pub const fn hs_ns_code(&self) -> bool {
        matches!(self.gen, Gen::Tu1xx | Gen::Ga100)
    }
}

/// Builds a table entry.
const fn chip(
    chipset: u32,
    name: &'static str,
    fw_dir: &'static str,
    arch: Arch,
    gen: Gen,
    firmware: &'static [&'static str],
    gsp_sig_section: &'static str,
) -> Chip {
    Chip {
        chipset,
        name,
        fw_dir,
        arch,
        gen,
        firmware,
        gsp_sig_section,
    }
}

use Arch::*;
use Gen::*;

/// Every GSP-era chip, oldest first.
pub static CHIPS: [Chip; 24] = [
    chip(
        0x162,
        "TU102",
        "tu102",
        Turing,
        Tu1xx,
        FW_GEN_BOOTLOADER,
        ".fwsignature_tu10x",
    ),
    chip(
        0x164,
        "TU104",
        "tu104",
        Turing,
        Tu1xx,
        FW_GEN_BOOTLOADER,
        ".fwsignature_tu10x",
    ),
    chip(
        0x166,
        "TU106",
        "tu106",
        Turing,
        Tu1xx,
        FW_GEN_BOOTLOADER,
        ".fwsignature_tu10x",
    ),
    chip(
        0x168,
        "TU116",
        "tu116",
        Turing,
        Tu1xx,
        FW_GEN_BOOTLOADER,
        ".fwsignature_tu11x",
    ),
    chip(
        0x167,
        "TU117",
        "tu117",
        Turing,
        Tu1xx,
        FW_GEN_BOOTLOADER,
        ".fwsignature_tu11x",
    ),
    chip(
        0x170,
        "GA100",
        "ga100",
        Ampere,
        Ga100,
        FW_GEN_BOOTLOADER,
        ".fwsignature_ga100",
    ),
    chip(
        0x172,
        "GA102",
        "ga102",
        Ampere,
        Ga10x,
        FW_BOOTER,
        ".fwsignature_ga10x",
    ),
    chip(
        0x173,
        "GA103",
        "ga103",
        Ampere,
        Ga10x,
        FW_BOOTER,
        ".fwsignature_ga10x",
    ),
    chip(
        0x174,
        "GA104",
        "ga104",
        Ampere,
        Ga10x,
        FW_BOOTER,
        ".fwsignature_ga10x",
    ),
    chip(
        0x176,
        "GA106",
        "ga106",
        Ampere,
        Ga10x,
        FW_BOOTER,
        ".fwsignature_ga10x",
    ),
    chip(
        0x177,
        "GA107",
        "ga107",
        Ampere,
        Ga10x,
        FW_BOOTER,
        ".fwsignature_ga10x",
    ),
    chip(
        0x192,
        "AD102",
        "ad102",
        Ada,
        Ga10x,
        FW_BOOTER_SCRUBBER,
        ".fwsignature_ad10x",
    ),
    chip(
        0x193,
        "AD103",
        "ad103",
        Ada,
        Ga10x,
        FW_BOOTER_SCRUBBER,
        ".fwsignature_ad10x",
    ),
    chip(
        0x194,
        "AD104",
        "ad104",
        Ada,
        Ga10x,
        FW_BOOTER_SCRUBBER,
        ".fwsignature_ad10x",
    ),
    chip(
        0x196,
        "AD106",
        "ad106",
        Ada,
        Ga10x,
        FW_BOOTER_SCRUBBER,
        ".fwsignature_ad10x",
    ),
    chip(
        0x197,
        "AD107",
        "ad107",
        Ada,
        Ga10x,
        FW_BOOTER_SCRUBBER,
        ".fwsignature_ad10x",
    ),
    chip(
        0x180,
        "GH100",
        "gh100",
        Hopper,
        Gh100,
        FW_FMC,
        ".fwsignature_gh100",
    ),
    chip(
        0x1a0,
        "GB100",
        "gb100",
        Blackwell,
        Gh100,
        FW_FMC,
        ".fwsignature_gb10x",
    ),
    chip(
        0x1a2,
        "GB102",
        "gb102",
        Blackwell,
        Gh100,
        FW_FMC,
        ".fwsignature_gb10x",
    ),
    chip(
        0x1b2,
        "GB202",
        "gb202",
        Blackwell,
        Gh100,
        FW_FMC,
        ".fwsignature_gb20x",
    ),
    chip(
        0x1b3,
        "GB203",
        "gb203",
        Blackwell,
        Gh100,
        FW_FMC,
        ".fwsignature_gb20x",
    ),
    chip(
        0x1b5,
        "GB205",
        "gb205",
        Blackwell,
        Gh100,
        FW_FMC,
        ".fwsignature_gb20x",
    ),
    chip(
        0x1b6,
        "GB206",
        "gb206",
        Blackwell,
        Gh100,
        FW_FMC,
        ".fwsignature_gb20x",
    ),
    chip(
        0x1b7,
        "GB207",
        "gb207",
        Blackwell,
        Gh100,
        FW_FMC,
        ".fwsignature_gb20x",
    ),
];

/// The chip with chipset code `chipset`.
pub fn by_chipset(chipset: u32) -> Option<&'static Chip> {
    CHIPS.iter().find(|c| c.chipset == chipset)
}

/// The chip whose firmware directory is `name` (`ga102`).
pub fn by_name(name: &str) -> Option<&'static Chip> {
    CHIPS.iter().find(|c| c.fw_dir == name)
}

/// Whether `name` is a known GSP-era chipset.
pub fn is_known(name: &str) -> bool {
    by_name(name).is_some()
}

/// The firmware directory names of all known chipsets, oldest first.
pub fn names() -> impl Iterator<Item = &'static str> {
    CHIPS.iter().map(|c| c.fw_dir)
}

/// Architecture of chipset `name`.
pub fn arch(name: &str) -> Option<Arch> {
    by_name(name).map(|c| c.arch)
}

/// Name of the `.fwsignature_*` section of the GSP-RM ELF image that holds
/// the signatures for chipset `name`, e.g. `.fwsignature_ga10x` for `ga104`.
pub fn gsp_sig_section(name: &str) -> Option<&'static str> {
    by_name(name).map(|c| c.gsp_sig_section)
}

/// Whether chipset `name` loads the non-secure code of falcon HS images
/// (Turing and GA100); see [`super::hs::HsImage::falcon_load`].
pub fn hs_ns_code(name: &str) -> Option<bool> {
    by_name(name).map(Chip::hs_ns_code)
}
