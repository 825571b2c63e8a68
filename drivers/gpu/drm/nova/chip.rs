// SPDX-License-Identifier: GPL-2.0

//! Which GSP-era chip a device is, from its identification registers.
//!
//! Every fact about a chip lives in the one chip table,
//! [`crate::firmware::parse::chip::CHIPS`], shared with the host tools; the
//! behaviour that differs between generations goes through the boot HAL
//! ([`crate::boot::hal`]), chosen here from the chip's generation.

use kernel::{
    io::register,
    prelude::*, //
};

pub(crate) use crate::firmware::parse::chip::{
    Chip,
    CHIPS, //
};
use crate::{
    boot::hal::{
        self,
        Hal, //
    },
    firmware::parse::chip::{
        self as table,
        Arch,
        Gen, //
    },
};

register! {
    /// `NV_PMC_BOOT_0`: the legacy identification register.
    pub(crate) NV_PMC_BOOT_0(u32) @ 0x00000000 {
        /// Lower bits of the architecture.
        28:24 architecture_0;
        /// Most significant bit of the architecture.
        8:8 architecture_1;
    }

    /// `NV_PMC_BOOT_42`: the extended identification register, valid from
    /// Fermi on and the one nova identifies GSP-era chips by.
    pub(crate) NV_PMC_BOOT_42(u32) @ 0x00000a00 {
        /// Architecture (0x16 Turing, 0x17 Ampere, ...).
        29:24 architecture;
        /// Implementation of the architecture.
        23:20 implementation;
        /// Major revision.
        19:16 major_revision;
        /// Minor revision.
        15:12 minor_revision;
    }
}

impl NV_PMC_BOOT_0 {
    /// Architecture as `BOOT_0` encodes it: bit 8 above bits 28:24.
    pub(crate) fn arch(self) -> u32 {
        (u32::from(self.architecture_1().into_bool()) << 5) | self.architecture_0().get()
    }
}

impl NV_PMC_BOOT_42 {
    /// Architecture and implementation together (0x172 for GA102).
    pub(crate) fn chipset(self) -> u32 {
        (self.architecture().get() << 4) | self.implementation().get()
    }
}

/// What a read returns when the device does not answer (surprise removal,
/// a dead link or a PCI master abort).
pub(crate) const MMIO_DEAD: u32 = u32::MAX;

/// The engine classes of a chip, as userspace allocates them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Classes {
    /// The GPFIFO channel class.
    pub(crate) gpfifo: u32,
    /// The copy-engine class.
    pub(crate) copy: u32,
    /// The 2D class.
    pub(crate) twod: u32,
    /// The 3D class.
    pub(crate) threed: u32,
    /// The compute class.
    pub(crate) compute: u32,
    /// The inline-to-memory class.
    pub(crate) m2mf: u32,
}

impl Chip {
    /// The engine classes of the chip (nouveau `nvkm/subdev/gsp/rm/*.c`
    /// and `include/nvif/class.h`).
    pub(crate) fn classes(&self) -> Classes {
        let c = |gpfifo, copy, threed, compute, m2mf| Classes {
            gpfifo,
            copy,
            twod: 0x902d,
            threed,
            compute,
            m2mf,
        };
        match (self.gen, self.arch) {
            (Gen::Tu1xx, _) => c(0xc46f, 0xc5b5, 0xc597, 0xc5c0, 0xa140),
            (Gen::Ga100, _) => c(0xc56f, 0xc6b5, 0xc697, 0xc6c0, 0xa140),
            (Gen::Ga10x, Arch::Ada) => c(0xc56f, 0xc7b5, 0xc997, 0xc9c0, 0xa140),
            (Gen::Ga10x, _) => c(0xc56f, 0xc7b5, 0xc797, 0xc7c0, 0xa140),
            (Gen::Gh100, Arch::Hopper) => c(0xc86f, 0xc8b5, 0xcb97, 0xcbc0, 0xa140),
            (Gen::Gh100, _) if self.is_gb10x() => c(0xc96f, 0xc9b5, 0xcd97, 0xcdc0, 0xcd40),
            (Gen::Gh100, _) => c(0xca6f, 0xcab5, 0xce97, 0xcec0, 0xcd40),
        }
    }

    /// The boot HAL of the chip's generation.
    pub(crate) fn hal(&self) -> &'static dyn Hal {
        match self.gen {
            Gen::Tu1xx => &hal::TU1XX,
            Gen::Ga100 => &hal::GA100,
            Gen::Ga10x => &hal::GA10X,
            Gen::Gh100 if self.arch == Arch::Hopper => &hal::GH100,
            Gen::Gh100 if self.is_gb10x() => &hal::GB100,
            Gen::Gh100 => &hal::GB202,
        }
    }
}

/// The first architecture that runs GSP-RM (Turing).
const FIRST_GSP_ARCHITECTURE: u32 = 0x16;

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
pub(crate) fn identify(
    boot0: NV_PMC_BOOT_0,
    boot42: NV_PMC_BOOT_42,
) -> Result<Identity, IdentifyError> {
    if boot0.into_raw() == MMIO_DEAD || boot42.into_raw() == MMIO_DEAD {
        return Err(IdentifyError::NotResponding);
    }
    // Chips before Fermi have no BOOT_42 (it reads as zero there): fall back
    // to the architecture BOOT_0 reports for the error message.
    let architecture = if boot42.into_raw() == 0 {
        boot0.arch()
    } else {
        boot42.architecture().get()
    };
    if architecture < FIRST_GSP_ARCHITECTURE {
        return Err(IdentifyError::PreTuring { architecture });
    }
    let chipset = boot42.chipset();
    let chip = table::by_chipset(chipset).ok_or(IdentifyError::UnknownChipset { chipset })?;
    Ok(Identity {
        chip,
        revision: (boot42.major_revision().get() << 4) | boot42.minor_revision().get(),
    })
}

#[kunit_tests(nova_chip)]
mod tests {
    use super::*;

    /// Builds a `BOOT_42` value the way the hardware lays it out.
    fn boot42(chipset: u32, major: u32, minor: u32) -> NV_PMC_BOOT_42 {
        NV_PMC_BOOT_42::from_raw((chipset << 20) | (major << 16) | (minor << 12))
    }

    /// A plausible `BOOT_0` of a GSP-era chip.
    fn boot0() -> NV_PMC_BOOT_0 {
        NV_PMC_BOOT_0::from_raw(0x1720_00a1)
    }

    #[test]
    fn every_chip_is_identified() {
        for chip in CHIPS.iter() {
            let id = identify(boot0(), boot42(chip.chipset, 0xa, 1));
            assert!(id.is_ok());
            if let Ok(id) = id {
                assert_eq!(id.chip.chipset, chip.chipset);
                assert_eq!(id.chip.architecture(), chip.chipset >> 4);
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
        let id = identify(boot0(), boot42(0x172, 0xa, 0x1));
        assert!(matches!(
            id,
            Ok(Identity {
                chip: Chip {
                    name: "GA102",
                    arch: table::Arch::Ampere,
                    gen: Gen::Ga10x,
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
            identify(boot0(), boot42(0x132, 0xa, 1)).err(),
            Some(IdentifyError::PreTuring { architecture: 0x13 })
        );
        // A pre-Fermi chip: BOOT_42 reads 0, BOOT_0 says NV50 (0x50 → arch 0x05).
        assert_eq!(
            identify(
                NV_PMC_BOOT_0::from_raw(0x0500_00a2),
                NV_PMC_BOOT_42::from_raw(0)
            )
            .err(),
            Some(IdentifyError::PreTuring { architecture: 0x05 })
        );
    }

    #[test]
    fn unknown_chipset_is_refused() {
        assert_eq!(
            identify(boot0(), boot42(0x17f, 0xa, 1)).err(),
            Some(IdentifyError::UnknownChipset { chipset: 0x17f })
        );
        // An architecture newer than nova knows.
        assert_eq!(
            identify(boot0(), boot42(0x1c2, 0xa, 1)).err(),
            Some(IdentifyError::UnknownChipset { chipset: 0x1c2 })
        );
    }

    #[test]
    fn dead_device_is_refused() {
        let dead0 = NV_PMC_BOOT_0::from_raw(MMIO_DEAD);
        let dead42 = NV_PMC_BOOT_42::from_raw(MMIO_DEAD);
        assert_eq!(
            identify(dead0, dead42).err(),
            Some(IdentifyError::NotResponding)
        );
        assert_eq!(
            identify(boot0(), dead42).err(),
            Some(IdentifyError::NotResponding)
        );
    }

    #[test]
    fn every_generation_has_a_hal() {
        for chip in CHIPS.iter() {
            let fsp = chip.hal().boot_method() == hal::BootMethod::Fsp;
            assert_eq!(fsp, chip.gen == Gen::Gh100);
            assert_eq!(chip.hal().fsp().is_some(), fsp);
        }
    }
}
