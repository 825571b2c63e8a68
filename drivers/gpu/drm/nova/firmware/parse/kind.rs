// SPDX-License-Identifier: GPL-2.0

//! Tells which firmware format a file holds, from its content alone.

use super::bin_hdr::BIN_MAGIC;
use super::bl::BL_DESC_SIZE;
use super::bytes::{read_u32_le, u64_of};
use super::elf::{ElfClass, ELF_MAGIC, EM_RISCV};
use super::hs::HS_HEADER_V2_SIZE;
use super::riscv::{DESC_V4_SIZE, DESC_V5_SIZE};
use super::vbios::{ROM_SIGNATURE, ROM_SIGNATURE_NV};

/// The kind of a firmware file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// GSP-RM ELF64 RISC-V image ([`super::gsp`]).
    GspRm,
    /// Hopper/Blackwell FMC ELF32 image ([`super::fmc`]).
    Fmc,
    /// Another ELF file.
    OtherElf,
    /// RISC-V bootloader ([`super::riscv`]).
    RiscvBootloader,
    /// Falcon heavy-secure image ([`super::hs`]).
    HsImage,
    /// Falcon generic bootloader ([`super::bl`]).
    GenericBootloader,
    /// A `bin_hdr` file with an unrecognised header.
    OtherBinHdr,
    /// A VBIOS ([`super::vbios`]).
    Vbios,
    /// Something else.
    Unknown,
}

impl FileKind {
    /// Short name of the kind.
    pub fn name(self) -> &'static str {
        match self {
            Self::GspRm => "GSP-RM ELF image",
            Self::Fmc => "GSP FMC ELF image",
            Self::OtherElf => "ELF file",
            Self::RiscvBootloader => "RISC-V bootloader",
            Self::HsImage => "falcon HS image",
            Self::GenericBootloader => "falcon generic bootloader",
            Self::OtherBinHdr => "bin_hdr file",
            Self::Vbios => "VBIOS",
            Self::Unknown => "unknown",
        }
    }
}

/// Identifies the format of `data` from its magic numbers and, for
/// `bin_hdr` files, the size and first word of the inner header.
pub fn identify(data: &[u8]) -> FileKind {
    if data.get(..4) == Some(&ELF_MAGIC[..]) {
        return identify_elf(data);
    }
    if read_u32_le(data, 0) == Ok(BIN_MAGIC) {
        return identify_bin(data);
    }
    if data.get(..4) == Some(&b"NVGI"[..]) {
        return FileKind::Vbios;
    }
    match data.get(..2) {
        Some(&[a, b])
            if [ROM_SIGNATURE, ROM_SIGNATURE_NV].contains(&u16::from_le_bytes([a, b])) =>
        {
            FileKind::Vbios
        }
        _ => FileKind::Unknown,
    }
}

/// Tells GSP-RM and FMC apart from other ELF files.
fn identify_elf(data: &[u8]) -> FileKind {
    let machine = data
        .get(18..20)
        .and_then(|b| <[u8; 2]>::try_from(b).ok())
        .map(u16::from_le_bytes);
    let class = match data.get(4) {
        Some(1) => Some(ElfClass::Elf32),
        Some(2) => Some(ElfClass::Elf64),
        _ => None,
    };
    match (class, machine) {
        (Some(ElfClass::Elf64), Some(EM_RISCV)) => FileKind::GspRm,
        (Some(ElfClass::Elf32), Some(0)) => FileKind::Fmc,
        _ => FileKind::OtherElf,
    }
}

/// Tells the `bin_hdr` formats apart from the header fields alone, so that
/// a damaged file is still reported as what it claims to be.
fn identify_bin(data: &[u8]) -> FileKind {
    let word = |off: usize| read_u32_le(data, off).map(u64::from);
    let (Ok(header_offset), Ok(data_offset)) = (word(12), word(16)) else {
        return FileKind::OtherBinHdr;
    };
    let hsize = data_offset.checked_sub(header_offset);
    let first = usize::try_from(header_offset)
        .map_err(|_| ())
        .and_then(|off| read_u32_le(data, off).map_err(|_| ()))
        .map(u64::from);
    // An HS header v2 is followed directly by the signatures it points to.
    let after_hs = header_offset + u64_of(HS_HEADER_V2_SIZE);
    match (hsize, first) {
        (Some(s), Ok(4)) if s == u64_of(DESC_V4_SIZE) => FileKind::RiscvBootloader,
        (Some(s), Ok(5)) if s == u64_of(DESC_V5_SIZE) => FileKind::RiscvBootloader,
        (Some(s), _) if s == u64_of(BL_DESC_SIZE) => FileKind::GenericBootloader,
        (_, Ok(v)) if v == after_hs => FileKind::HsImage,
        _ => FileKind::OtherBinHdr,
    }
}
