// SPDX-License-Identifier: GPL-2.0

//! The GSP-era chips nova knows, and how they are told apart.
//!
//! Every fact about a chip lives in [`CHIPS`]; behaviour that differs
//! between generations goes through the HAL ([`crate::boot::hal`]).

use kernel::prelude::*;

use crate::{
    boot::hal::{
        self,
        Hal, //
    },
    regs::{
        Boot0,
        Boot42,
        MMIO_DEAD, //
    },
};

/// A GPU architecture, valued as `NV_PMC_BOOT_42` encodes it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u32)]
pub(crate) enum Architecture {
    /// Turing (TU10x, TU11x).
    Turing = 0x16,
    /// Ampere (GA10x).
    Ampere = 0x17,
    /// Hopper (GH100).
    Hopper = 0x18,
    /// Ada Lovelace (AD10x).
    Ada = 0x19,
    /// Blackwell data-centre parts (GB10x).
    BlackwellGb10x = 0x1a,
    /// Blackwell client parts (GB20x).
    BlackwellGb20x = 0x1b,
}

impl Architecture {
    /// The name users know the architecture by.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            Self::Turing => "Turing",
            Self::Ampere => "Ampere",
            Self::Hopper => "Hopper",
            Self::Ada => "Ada",
            Self::BlackwellGb10x | Self::BlackwellGb20x => "Blackwell",
        }
    }
}

/// Firmware files under `nvidia/<chip>/gsp/` for chips whose GSP is booted
/// by booter on SEC2 after the generic bootloader (Turing, GA100).
const FW_GEN_BOOTLOADER: &[&str] = &[
    "bootloader-570.144.bin",
    "booter_load-570.144.bin",
    "booter_unload-570.144.bin",
    "gen_bootloader-570.144.bin",
    "gsp-570.144.bin",
];

/// Firmware files for chips booted by FWSEC-FRTS and booter (GA10x but GA100).
const FW_BOOTER: &[&str] = &[
    "bootloader-570.144.bin",
    "booter_load-570.144.bin",
    "booter_unload-570.144.bin",
    "gsp-570.144.bin",
];

/// Firmware files for Ada: as [`FW_BOOTER`], plus the FB scrubber.
const FW_BOOTER_SCRUBBER: &[&str] = &[
    "bootloader-570.144.bin",
    "booter_load-570.144.bin",
    "booter_unload-570.144.bin",
    "gsp-570.144.bin",
    "scrubber-570.144.bin",
];

/// Firmware files for chips whose GSP is booted through the FSP (Hopper, Blackwell).
const FW_FMC: &[&str] = &[
    "bootloader-570.144.bin",
    "fmc-570.144.bin",
    "gsp-570.144.bin",
];

/// One supported chip.
pub(crate) struct Chip {
    /// Chipset code, `NV_PMC_BOOT_42` bits 29:20.
    pub(crate) chipset: u32,
    /// Marketing-neutral chip name, upper case (`GA102`).
    pub(crate) name: &'static str,
    /// Directory of the chip's firmware under `nvidia/` (`ga102`).
    pub(crate) fw_dir: &'static str,
    /// The chip's architecture.
    pub(crate) arch: Architecture,
    /// Firmware files the chip needs, relative to `nvidia/<fw_dir>/gsp/`.
    pub(crate) firmware: &'static [&'static str],
    /// Generation-specific behaviour.
    pub(crate) hal: &'static dyn Hal,
}

macro_rules! chips {
    ($(($chipset:literal, $name:literal, $dir:literal, $arch:ident, $fw:ident, $hal:path)),* $(,)?) => {
        /// Every chip nova supports.
        pub(crate) static CHIPS: &[Chip] = &[$(
            Chip {
                chipset: $chipset,
                name: $name,
                fw_dir: $dir,
                arch: Architecture::$arch,
                firmware: $fw,
                hal: &$hal,
            }
        ),*];
    };
}

chips! {
    (0x162, "TU102", "tu102", Turing, FW_GEN_BOOTLOADER, hal::TU1XX),
    (0x164, "TU104", "tu104", Turing, FW_GEN_BOOTLOADER, hal::TU1XX),
    (0x166, "TU106", "tu106", Turing, FW_GEN_BOOTLOADER, hal::TU1XX),
    (0x167, "TU117", "tu117", Turing, FW_GEN_BOOTLOADER, hal::TU1XX),
    (0x168, "TU116", "tu116", Turing, FW_GEN_BOOTLOADER, hal::TU1XX),
    (0x170, "GA100", "ga100", Ampere, FW_GEN_BOOTLOADER, hal::GA100),
    (0x172, "GA102", "ga102", Ampere, FW_BOOTER, hal::GA10X),
    (0x173, "GA103", "ga103", Ampere, FW_BOOTER, hal::GA10X),
    (0x174, "GA104", "ga104", Ampere, FW_BOOTER, hal::GA10X),
    (0x176, "GA106", "ga106", Ampere, FW_BOOTER, hal::GA10X),
    (0x177, "GA107", "ga107", Ampere, FW_BOOTER, hal::GA10X),
    (0x180, "GH100", "gh100", Hopper, FW_FMC, hal::GH100),
    (0x192, "AD102", "ad102", Ada, FW_BOOTER_SCRUBBER, hal::GA10X),
    (0x193, "AD103", "ad103", Ada, FW_BOOTER_SCRUBBER, hal::GA10X),
    (0x194, "AD104", "ad104", Ada, FW_BOOTER_SCRUBBER, hal::GA10X),
    (0x196, "AD106", "ad106", Ada, FW_BOOTER_SCRUBBER, hal::GA10X),
    (0x197, "AD107", "ad107", Ada, FW_BOOTER_SCRUBBER, hal::GA10X),
    (0x1a0, "GB100", "gb100", BlackwellGb10x, FW_FMC, hal::GH100),
    (0x1a2, "GB102", "gb102", BlackwellGb10x, FW_FMC, hal::GH100),
    (0x1b2, "GB202", "gb202", BlackwellGb20x, FW_FMC, hal::GH100),
    (0x1b3, "GB203", "gb203", BlackwellGb20x, FW_FMC, hal::GH100),
    (0x1b5, "GB205", "gb205", BlackwellGb20x, FW_FMC, hal::GH100),
    (0x1b6, "GB206", "gb206", BlackwellGb20x, FW_FMC, hal::GH100),
    (0x1b7, "GB207", "gb207", BlackwellGb20x, FW_FMC, hal::GH100),
}

/// The first architecture that runs GSP-RM.
const FIRST_GSP_ARCHITECTURE: u32 = Architecture::Turing as u32;

/// Why a device was not identified as a supported chip.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum IdentifyError {
    /// The identification registers read as all ones: the device does not
    /// answer on the bus.
    NotResponding,
    /// A chip older than Turing: it has no GSP and nova does not drive it.
    PreTuring {
        /// Architecture from `NV_PMC_BOOT_42` (or `NV_PMC_BOOT_0` on chips
        /// without a valid `BOOT_42`).
        architecture: u32,
    },
    /// A GSP-era architecture value, but a chipset nova does not know.
    UnknownChipset {
        /// Chipset from `NV_PMC_BOOT_42`.
        chipset: u32,
    },
}

/// An identified chip.
#[derive(Clone, Copy)]
pub(crate) struct Identity {
    /// The chip's entry in [`CHIPS`].
    pub(crate) chip: &'static Chip,
    /// Revision as `(major << 4) | minor`, e.g. `0xa1`.
    pub(crate) revision: u32,
}

/// Identifies the chip from its `NV_PMC_BOOT_0` and `NV_PMC_BOOT_42` values.
pub(crate) fn identify(boot0: Boot0, boot42: Boot42) -> Result<Identity, IdentifyError> {
    if boot0.0 == MMIO_DEAD || boot42.0 == MMIO_DEAD {
        return Err(IdentifyError::NotResponding);
    }
    // Chips before Fermi have no BOOT_42 (it reads as zero there): fall back
    // to the architecture BOOT_0 reports for the error message.
    let architecture = if boot42.0 == 0 {
        boot0.architecture()
    } else {
        boot42.architecture()
    };
    if architecture < FIRST_GSP_ARCHITECTURE {
        return Err(IdentifyError::PreTuring { architecture });
    }
    let chipset = boot42.chipset();
    let chip = CHIPS
        .iter()
        .find(|c| c.chipset == chipset)
        .ok_or(IdentifyError::UnknownChipset { chipset })?;
    Ok(Identity {
        chip,
        revision: (boot42.major_revision() << 4) | boot42.minor_revision(),
    })
}

#[kunit_tests(nova_chip)]
mod tests {
    use super::*;

    /// Builds a `BOOT_42` value the way the hardware lays it out.
    fn boot42(chipset: u32, major: u32, minor: u32) -> Boot42 {
        Boot42((chipset << 20) | (major << 16) | (minor << 12))
    }

    /// A plausible `BOOT_0` of a GSP-era chip.
    const BOOT0: Boot0 = Boot0(0x1720_00a1);

    #[test]
    fn every_chip_is_identified() {
        for chip in CHIPS {
            let id = identify(BOOT0, boot42(chip.chipset, 0xa, 1));
            assert!(id.is_ok());
            if let Ok(id) = id {
                assert_eq!(id.chip.chipset, chip.chipset);
                assert_eq!(id.chip.arch as u32, chip.chipset >> 4);
                assert_eq!(id.revision, 0xa1);
            }
        }
    }

    #[test]
    fn chipsets_are_unique() {
        for (i, a) in CHIPS.iter().enumerate() {
            for b in CHIPS.iter().skip(i + 1) {
                assert_ne!(a.chipset, b.chipset);
            }
        }
    }

    #[test]
    fn ga102_fields() {
        // An RTX 3090 reads BOOT_42 = 0x172000a1-style values: chipset 0x172, rev a1.
        let id = identify(BOOT0, boot42(0x172, 0xa, 0x1));
        assert!(matches!(
            id,
            Ok(Identity {
                chip: Chip {
                    name: "GA102",
                    arch: Architecture::Ampere,
                    ..
                },
                revision: 0xa1
            })
        ));
    }

    #[test]
    fn pre_turing_is_refused() {
        // GP102 (Pascal, 0x132).
        assert_eq!(
            identify(BOOT0, boot42(0x132, 0xa, 1)).err(),
            Some(IdentifyError::PreTuring { architecture: 0x13 })
        );
        // A pre-Fermi chip: BOOT_42 reads 0, BOOT_0 says NV50 (0x50 → arch 0x05).
        assert_eq!(
            identify(Boot0(0x0500_00a2), Boot42(0)).err(),
            Some(IdentifyError::PreTuring { architecture: 0x05 })
        );
    }

    #[test]
    fn unknown_chipset_is_refused() {
        assert_eq!(
            identify(BOOT0, boot42(0x17f, 0xa, 1)).err(),
            Some(IdentifyError::UnknownChipset { chipset: 0x17f })
        );
        // An architecture newer than nova knows.
        assert_eq!(
            identify(BOOT0, boot42(0x1c2, 0xa, 1)).err(),
            Some(IdentifyError::UnknownChipset { chipset: 0x1c2 })
        );
    }

    #[test]
    fn dead_device_is_refused() {
        assert_eq!(
            identify(Boot0(MMIO_DEAD), Boot42(MMIO_DEAD)).err(),
            Some(IdentifyError::NotResponding)
        );
        assert_eq!(
            identify(BOOT0, Boot42(MMIO_DEAD)).err(),
            Some(IdentifyError::NotResponding)
        );
    }
}
