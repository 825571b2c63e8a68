//! Which images a board's ROM chain holds and how long each is.
//!
//! Real chains, as drivers report them (image sizes are the NPDE's, or
//! the PCIR's where there is no NPDE):
//!
//! * TU117 (GeForce GTX 1650), five images, 0x4f600 bytes (317.5 KiB): PC-AT
//!   0xe600, EFI 0x11000, FWSEC 0xc200, FWSEC 0x22400, NBSI 0x1a00; the EFI
//!   image and both FWSEC images are "last: false", the NBSI image, whose
//!   NPDE signature is invalid, "last: true" (John Hubbard's nova-core log,
//!   dri-devel, "[PATCH v11 00/12] gpu: nova-core: add Turing support",
//!   9 March 2026).
//! * GA102, four images, 0x8a400 bytes (553 KiB): PC-AT 0xfe00 at 0x0, EFI
//!   0x14800 at 0xfe00, FWSEC 0x5600 at 0x24600, FWSEC 0x60800 at 0x29c00
//!   (Joel Fernandes' log in "nova-core: Add support for VBIOS ucode
//!   extraction for boot", v3 and v4 of Alexandre Courbot's nova-core FRTS
//!   series, dri-devel, May 2025). The PC-AT image's PCIR pointer is 0x170:
//!   a comment in Joel Fernandes' early nova-core VBIOS code quotes the
//!   first 32 bytes of that board's first image (`55 aa 7f eb ...`, size
//!   byte 0x7f = 0xfe00, `70 01` at 0x18).
//! * GA100: the ROM starts with an IFR header (see `ifr.rs`). No public log
//!   gives its chain.
//!
//! nvsim's chips use these shapes: [`ChainSpec::TU117`] for Turing (the
//! only Turing chain in public logs; TU117 is a notebook-class chip, hence
//! the NBSI image), [`ChainSpec::GA102`] for GA102 and, unmeasured, for the
//! later chips; [`ChainSpec::GA100`] is GA102's chain behind an IFR header
//! (GA100's own chain is not public).

use crate::ifr::IfrSpec;

/// The image chain of a ROM. Every length is a byte count, rounded up to
/// 512 bytes and raised to what the image's structures need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainSpec {
    /// An IFR header in front of the chain (GA100).
    pub ifr: Option<IfrSpec>,
    /// The PC-AT (x86) image, which holds the BIT.
    pub pci_at: usize,
    /// The EFI image, if any.
    pub efi: Option<usize>,
    /// The first FWSEC image.
    pub fwsec_a: usize,
    /// The second FWSEC image, which holds the falcon ucode table, the
    /// FWSEC descriptor and the ucode.
    pub fwsec_b: usize,
    /// An NBSI image ending the chain, if any.
    pub nbsi: Option<usize>,
}

impl ChainSpec {
    /// The chain of a real TU117 board.
    pub const TU117: ChainSpec = ChainSpec {
        ifr: None,
        pci_at: 0xe600,
        efi: Some(0x11000),
        fwsec_a: 0xc200,
        fwsec_b: 0x22400,
        nbsi: Some(0x1a00),
    };

    /// The chain of a real GA102 board.
    pub const GA102: ChainSpec = ChainSpec {
        ifr: None,
        pci_at: 0xfe00,
        efi: Some(0x14800),
        fwsec_a: 0x5600,
        fwsec_b: 0x60800,
        nbsi: None,
    };

    /// GA100: GA102's chain behind a version 3 IFR header whose PCI ROM
    /// starts at 16 KiB (neither the version nor the offset is public).
    pub const GA100: ChainSpec = ChainSpec {
        ifr: Some(IfrSpec {
            version: 3,
            rom_offset: 0x4000,
        }),
        ..ChainSpec::GA102
    };
}
