//! Synthetic NVIDIA VBIOS images for nvsim.
//!
//! A GSP-era NVIDIA board carries a ROM whose PCI expansion ROM part is a
//! chain of images (see `Documentation/gpu/nova/core/vbios.rst` in Linux):
//!
//! 1. an x86 (PC-AT, code type 0x00) image holding the BIOS Information
//!    Table (BIT),
//! 2. an EFI (code type 0x03) image with the UEFI GOP driver,
//! 3. two FWSEC (code type 0xE0) images; the falcon ucode table and the
//!    FWSEC ucode live in them.
//!
//! [`build`] produces such a chain in code, per chip, with real structures
//! and placeholder contents (no x86 code, no EFI driver, no NVIDIA-signed
//! ucode). The module documentation of each part names the sources of its
//! facts. This crate shares nothing with the nova driver: it is written
//! from the public descriptions of the format so that each checks the
//! other.

#![warn(missing_docs)]

mod bit;
mod falcon;
pub mod fwsec;
mod image;
mod le;

pub use bit::{
    BIT_HEADER_LEN, BIT_ID, BIT_SIGNATURE, BIT_TOKEN_LEN, TOKEN_BIOSDATA, TOKEN_FALCON_DATA,
    TOKEN_INFO,
};
pub use falcon::{
    DescVersion, FwsecSpec, APPID_FWSEC_PROD, DESC_V2_LEN, DESC_V3_LEN, TABLE_ENTRY_LEN,
    TABLE_HEADER_LEN, TARGET_ID_FWSEC,
};
pub use image::{
    PciIdentity, BLOCK, CODE_TYPE_EFI, CODE_TYPE_FWSEC, CODE_TYPE_X86, NPDE_LEN, PCIR_LEN,
};

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
}

/// Where [`build`] put things, as offsets from the start of the ROM.
#[derive(Debug, Clone)]
pub struct Layout {
    /// Offset and length of each image, in chain order.
    pub images: Vec<(usize, usize)>,
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

/// Length of the x86 image.
const X86_LEN: usize = 16 * 1024;
/// Length of the EFI image.
const EFI_LEN: usize = 8 * 1024;
/// Length of the first FWSEC image.
const FWSEC_A_LEN: usize = 1024;

/// Offsets inside the x86 image.
const X86_PCIR: usize = 0x60;
const X86_BANNER: usize = 0x20;
const X86_BIT: usize = 0x100;
const X86_BIT_DATA: usize = 0x140;

/// Offsets inside the EFI image.
const EFI_PCIR: usize = 0x1c;
const EFI_PLACEHOLDER: usize = 0x100;

/// Offsets inside the second FWSEC image.
const FWSEC_PCIR: usize = 0x1c;
const FWSEC_TABLE: usize = 0x100;
const FWSEC_DESC: usize = 0x200;

/// Builds the ROM for `spec`.
pub fn build(spec: &RomSpec) -> Rom {
    let desc_and_ucode = falcon::descriptor_and_ucode(&spec.fwsec);
    let desc_prefix = match spec.fwsec.desc_version {
        DescVersion::V2 => DESC_V2_LEN,
        DescVersion::V3 => {
            DESC_V3_LEN
                + spec.fwsec.signature_versions.count_ones() as usize * fwsec::SIGNATURE_SIZE
        }
    };
    // One spare byte for the checksum after the ucode.
    let fwsec_b_len = align_up(FWSEC_DESC + desc_and_ucode.len() + 1, BLOCK);

    // Pointers into the FWSEC images count as if they followed the x86
    // image directly (see `bit.rs`).
    let fwsec_base_ptr = X86_LEN + FWSEC_A_LEN;
    let table_ptr = (fwsec_base_ptr + FWSEC_TABLE) as u32;
    let desc_ptr = (fwsec_base_ptr + FWSEC_DESC) as u32;

    let x86 = x86_image(spec, table_ptr);
    let efi = efi_image(spec);
    let fwsec_a = fwsec_a_image(spec);
    let fwsec_b = fwsec_b_image(spec, fwsec_b_len, desc_ptr, &desc_and_ucode);

    let mut bytes = Vec::new();
    let mut images = Vec::new();
    for img in [x86, efi, fwsec_a, fwsec_b] {
        images.push((bytes.len(), img.len()));
        bytes.extend_from_slice(&img);
    }
    let fwsec_b_at = images[3].0;
    Rom {
        bytes,
        layout: Layout {
            images,
            bit: X86_BIT,
            falcon_table: fwsec_b_at + FWSEC_TABLE,
            fwsec_desc: fwsec_b_at + FWSEC_DESC,
            fwsec_ucode: fwsec_b_at + FWSEC_DESC + desc_prefix,
        },
    }
}

/// The x86 image: PC-AT option ROM header, banner, PCIR/NPDE and the BIT.
fn x86_image(spec: &RomSpec, table_ptr: u32) -> Vec<u8> {
    let mut b = LeBuf::zeroed(X86_LEN);
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
    b.u8(0x02, (X86_LEN / BLOCK) as u8);
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
fn efi_image(spec: &RomSpec) -> Vec<u8> {
    let mut b = LeBuf::zeroed(EFI_LEN);
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
    b.u16(0x02, (EFI_LEN / BLOCK) as u16);
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
/// carries its headers and a placeholder text.
fn fwsec_a_image(spec: &RomSpec) -> Vec<u8> {
    let mut b = LeBuf::zeroed(FWSEC_A_LEN);
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

/// The second FWSEC image: the falcon ucode table, the FWSEC descriptor,
/// its signatures and the ucode. Last image of the NPDE chain.
fn fwsec_b_image(spec: &RomSpec, len: usize, desc_ptr: u32, desc_and_ucode: &[u8]) -> Vec<u8> {
    let mut b = LeBuf::zeroed(len);
    image::write_headers(
        &mut b,
        FWSEC_PCIR,
        spec.pci,
        ImageMarks {
            code_type: CODE_TYPE_FWSEC,
            pcir_last: true,
            npde_last: true,
        },
    );
    falcon::write_table(&mut b, FWSEC_TABLE, spec.fwsec.desc_version, desc_ptr);
    b.put(FWSEC_DESC, desc_and_ucode);
    b.resize(len);
    image::seal_checksum(&mut b);
    b.into_vec()
}
