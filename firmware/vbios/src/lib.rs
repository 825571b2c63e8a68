//! Synthetic NVIDIA VBIOS images for nvsim.
//!
//! A GSP-era NVIDIA board carries a ROM whose PCI expansion ROM part is a
//! chain of images (see `Documentation/gpu/nova/core/vbios.rst` in Linux):
//!
//! 1. an x86 (PC-AT, code type 0x00) image holding the BIOS Information
//!    Table (BIT),
//! 2. an EFI (code type 0x03) image with the UEFI GOP driver,
//! 3. two FWSEC (code type 0xE0) images; the falcon ucode table and the
//!    FWSEC ucode live in them,
//! 4. on some boards an NBSI (code type 0x70) image, whose NBSI directory
//!    sits where the other images have their NPDE.
//!
//! On GA100 the ROM starts with an IFR header in front of the chain.
//!
//! [`build`] produces such a ROM in code, per chip, with the image count
//! and sizes of a real board's ROM ([`ChainSpec`]), real structures and
//! placeholder contents (no x86 code, no EFI driver, no NVIDIA-signed
//! ucode); the room the real contents would take is filled with
//! deterministic filler. The module documentation of each part names the
//! sources of its facts. This crate shares nothing with the nova driver:
//! it is written from the public descriptions of the format so that each
//! checks the other.

#![warn(missing_docs)]

mod bit;
mod chain;
mod falcon;
mod fill;
pub mod fwsec;
pub mod ifr;
mod image;
mod le;
mod nbsi;

pub use bit::{
    BIT_HEADER_LEN, BIT_ID, BIT_SIGNATURE, BIT_TOKEN_LEN, TOKEN_BIOSDATA, TOKEN_FALCON_DATA,
    TOKEN_INFO,
};
pub use chain::ChainSpec;
pub use falcon::{
    DescVersion, FwsecSpec, APPID_FWSEC_PROD, DESC_V2_LEN, DESC_V3_LEN, TABLE_ENTRY_LEN,
    TABLE_HEADER_LEN, TARGET_ID_FWSEC,
};
pub use ifr::IfrSpec;
pub use image::{
    PciIdentity, BLOCK, CODE_TYPE_EFI, CODE_TYPE_FWSEC, CODE_TYPE_NBSI, CODE_TYPE_X86, NPDE_LEN,
    NPDE_REVISION, PCIR_LEN,
};
pub use nbsi::GLOB_VBIOS;

use image::ImageMarks;
use le::{align_up, LeBuf};

/// Everything that varies between the chips' ROMs.
#[derive(Debug, Clone, Copy)]
pub struct RomSpec {
    /// PCI identity copied into every image's PCIR.
    pub pci: PciIdentity,
    /// BIOS binary version, e.g. 0x9402_4200 for "94.02.42.00".
    pub bios_version: u32,
    /// OEM version byte (the fifth version component).
    pub oem_version: u8,
    /// The FWSEC entry.
    pub fwsec: FwsecSpec,
    /// The images of the chain and their sizes.
    pub chain: ChainSpec,
}

/// One image of a generated ROM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageInfo {
    /// Offset from the start of the ROM.
    pub offset: usize,
    /// Length in bytes.
    pub len: usize,
    /// PCIR code type.
    pub code_type: u8,
}

/// Where [`build`] put things, as offsets from the start of the ROM.
#[derive(Debug, Clone)]
pub struct Layout {
    /// Where the image chain starts: after the IFR header, if any, else 0.
    pub rom_offset: usize,
    /// Each image, in chain order.
    pub images: Vec<ImageInfo>,
    /// Offset of the BIT header.
    pub bit: usize,
    /// Offset of the falcon ucode table.
    pub falcon_table: usize,
    /// Offset of the FWSEC descriptor.
    pub fwsec_desc: usize,
    /// Offset of the FWSEC ucode (IMEM, then DMEM).
    pub fwsec_ucode: usize,
}

/// A generated ROM.
#[derive(Debug, Clone)]
pub struct Rom {
    /// The ROM contents, as served at BAR0 + 0x300000.
    pub bytes: Vec<u8>,
    /// Where the structures are.
    pub layout: Layout,
}

/// Smallest x86 image: room for its headers, the banner and the BIT.
const X86_MIN_LEN: usize = 1024;
/// Smallest EFI image: room for its headers and placeholder.
const EFI_MIN_LEN: usize = 512;
/// Smallest first FWSEC image: room for its headers and placeholder.
const FWSEC_A_MIN_LEN: usize = 512;

/// Offsets inside the x86 image. The PCIR is where a real GA102 board has
/// it (see `chain.rs`); the BIT follows the NPDE.
const X86_PCIR: usize = 0x170;
const X86_BANNER: usize = 0x20;
const X86_BIT: usize = 0x1b0;
const X86_BIT_DATA: usize = 0x1e0;

/// Offsets inside the EFI image.
const EFI_PCIR: usize = 0x1c;
const EFI_PLACEHOLDER: usize = 0x100;

/// Offsets inside the second FWSEC image.
const FWSEC_PCIR: usize = 0x1c;
const FWSEC_TABLE: usize = 0x100;
const FWSEC_DESC: usize = 0x200;

/// `len` rounded up to whole blocks, and to at least `min` bytes.
fn image_len(len: usize, min: usize) -> usize {
    align_up(len.max(min).max(BLOCK), BLOCK)
}

/// Builds the ROM for `spec`.
///
/// Images are as long as the chain asks, or longer where their structures
/// need it (the second FWSEC image holds the whole ucode). The chain of a
/// real board fits the 1 MiB PROM window; nothing here checks that a
/// made-up one does.
pub fn build(spec: &RomSpec) -> Rom {
    let chain = spec.chain;
    let desc_and_ucode = falcon::descriptor_and_ucode(&spec.fwsec);
    let desc_prefix = match spec.fwsec.desc_version {
        DescVersion::V2 => DESC_V2_LEN,
        DescVersion::V3 => {
            DESC_V3_LEN
                + spec.fwsec.signature_versions.count_ones() as usize * fwsec::SIGNATURE_SIZE
        }
    };
    let x86_len = image_len(chain.pci_at, X86_MIN_LEN);
    let efi_len = chain.efi.map(|l| image_len(l, EFI_MIN_LEN));
    let fwsec_a_len = image_len(chain.fwsec_a, FWSEC_A_MIN_LEN);
    // One spare byte for the checksum after the ucode.
    let fwsec_b_len = image_len(chain.fwsec_b, FWSEC_DESC + desc_and_ucode.len() + 1);
    let nbsi_len = chain.nbsi.map(|l| image_len(l, nbsi::MIN_LEN));

    // Pointers into the FWSEC images count as if they followed the x86
    // image directly (see `bit.rs`).
    let fwsec_base_ptr = x86_len + fwsec_a_len;
    let table_ptr = (fwsec_base_ptr + FWSEC_TABLE) as u32;
    let desc_ptr = (fwsec_base_ptr + FWSEC_DESC) as u32;

    // Filler seeds: one per image, in chain order.
    let device_id = spec.pci.device_id;
    let mut index = 0u64;
    let mut next_seed = || {
        index += 1;
        fill::seed(device_id, index)
    };

    let mut parts = vec![(
        CODE_TYPE_X86,
        x86_image(spec, x86_len, table_ptr, next_seed()),
    )];
    if let Some(len) = efi_len {
        parts.push((CODE_TYPE_EFI, efi_image(spec, len, next_seed())));
    }
    parts.push((
        CODE_TYPE_FWSEC,
        fwsec_a_image(spec, fwsec_a_len, next_seed()),
    ));
    let fwsec_b_index = parts.len();
    let fwsec_b = FwsecB {
        len: fwsec_b_len,
        desc_ptr,
        desc_and_ucode: &desc_and_ucode,
        last: nbsi_len.is_none(),
    };
    parts.push((CODE_TYPE_FWSEC, fwsec_b_image(spec, &fwsec_b, next_seed())));
    if let Some(len) = nbsi_len {
        parts.push((CODE_TYPE_NBSI, nbsi::image(spec.pci, len, next_seed())));
    }

    let mut bytes = match &chain.ifr {
        Some(ifr) => ifr::header(ifr, device_id),
        None => Vec::new(),
    };
    let rom_offset = bytes.len();
    let mut images = Vec::with_capacity(parts.len());
    for (code_type, img) in parts {
        images.push(ImageInfo {
            offset: bytes.len(),
            len: img.len(),
            code_type,
        });
        bytes.extend_from_slice(&img);
    }
    let fwsec_b_at = images[fwsec_b_index].offset;
    Rom {
        bytes,
        layout: Layout {
            rom_offset,
            images,
            bit: rom_offset + X86_BIT,
            falcon_table: fwsec_b_at + FWSEC_TABLE,
            fwsec_desc: fwsec_b_at + FWSEC_DESC,
            fwsec_ucode: fwsec_b_at + FWSEC_DESC + desc_prefix,
        },
    }
}

/// The x86 image: PC-AT option ROM header, banner, PCIR/NPDE and the BIT.
fn x86_image(spec: &RomSpec, len: usize, table_ptr: u32, seed: u64) -> Vec<u8> {
    let mut b = LeBuf::zeroed(len);
    fill::fill(b.as_mut_slice(), seed);
    image::write_headers(
        &mut b,
        X86_PCIR,
        spec.pci,
        ImageMarks {
            code_type: CODE_TYPE_X86,
            pcir_last: false,
            npde_last: false,
        },
    );
    // PC-AT option ROM: byte 2 is the initialization size in 512-byte
    // units, byte 3 the entry point. There is no VGA BIOS here, so the
    // entry point is a lone far return (0xCB): a firmware that runs it
    // gets control back at once.
    b.u8(0x02, (len / BLOCK).min(0xff) as u8);
    b.u8(0x03, 0xcb);
    b.put(X86_BANNER, b"nvsim synthetic VBIOS\0");

    let ver = spec.bios_version.to_le_bytes();
    let mut biosdata = Vec::from(ver);
    biosdata.extend_from_slice(&[spec.oem_version, 0, 0, 0]);
    let mut info = Vec::from(ver);
    info.push(spec.oem_version);
    let tokens = [
        bit::Token {
            id: TOKEN_BIOSDATA,
            version: 2,
            data: biosdata,
        },
        bit::Token {
            id: TOKEN_INFO,
            version: 2,
            data: info,
        },
        bit::Token {
            id: TOKEN_FALCON_DATA,
            version: 2,
            data: table_ptr.to_le_bytes().to_vec(),
        },
    ];
    bit::write_bit(&mut b, X86_BIT, X86_BIT_DATA, &tokens);
    image::seal_checksum(&mut b);
    b.into_vec()
}

/// The EFI image: EFI option ROM header and a placeholder instead of the
/// GOP driver. Its PCIR ends the standard chain.
fn efi_image(spec: &RomSpec, len: usize, seed: u64) -> Vec<u8> {
    let mut b = LeBuf::zeroed(len);
    fill::fill(b.as_mut_slice(), seed);
    image::write_headers(
        &mut b,
        EFI_PCIR,
        spec.pci,
        ImageMarks {
            code_type: CODE_TYPE_EFI,
            pcir_last: true,
            npde_last: false,
        },
    );
    // EFI option ROM header (UEFI specification, "PCI Option ROM"):
    // initialization size, EFI signature 0x0EF1, subsystem 0x0B (boot
    // service driver), machine type 0x8664 (x64), compression 0, and the
    // offset of the EFI image.
    b.u16(0x02, (len / BLOCK) as u16);
    b.u32(0x04, 0x0ef1);
    b.u16(0x08, 0x000b);
    b.u16(0x0a, 0x8664);
    b.u16(0x0c, 0);
    b.u16(0x16, EFI_PLACEHOLDER as u16);
    b.put(EFI_PLACEHOLDER, b"nvsim: no EFI GOP driver in this image\0");
    image::seal_checksum(&mut b);
    b.into_vec()
}

/// The first FWSEC image; its contents are not documented, so it only
/// carries its headers, a placeholder text and filler.
fn fwsec_a_image(spec: &RomSpec, len: usize, seed: u64) -> Vec<u8> {
    let mut b = LeBuf::zeroed(len);
    fill::fill(b.as_mut_slice(), seed);
    let end = image::write_headers(
        &mut b,
        FWSEC_PCIR,
        spec.pci,
        ImageMarks {
            code_type: CODE_TYPE_FWSEC,
            pcir_last: false,
            npde_last: false,
        },
    );
    b.put(align_up(end, 16), b"nvsim: FWSEC partition A placeholder\0");
    image::seal_checksum(&mut b);
    b.into_vec()
}

/// What goes into the second FWSEC image.
struct FwsecB<'a> {
    /// Image length.
    len: usize,
    /// Descriptor pointer (BIT pointer convention).
    desc_ptr: u32,
    /// Descriptor, signatures and ucode.
    desc_and_ucode: &'a [u8],
    /// Whether the image ends the chain (no NBSI image follows).
    last: bool,
}

/// The second FWSEC image: the falcon ucode table, the FWSEC descriptor,
/// its signatures and the ucode. Last image of the chain unless an NBSI
/// image follows (as on TU117, where it is "last: false").
fn fwsec_b_image(spec: &RomSpec, img: &FwsecB<'_>, seed: u64) -> Vec<u8> {
    let mut b = LeBuf::zeroed(img.len);
    fill::fill(b.as_mut_slice(), seed);
    image::write_headers(
        &mut b,
        FWSEC_PCIR,
        spec.pci,
        ImageMarks {
            code_type: CODE_TYPE_FWSEC,
            pcir_last: img.last,
            npde_last: img.last,
        },
    );
    falcon::write_table(&mut b, FWSEC_TABLE, spec.fwsec.desc_version, img.desc_ptr);
    b.put(FWSEC_DESC, img.desc_and_ucode);
    image::seal_checksum(&mut b);
    b.into_vec()
}
