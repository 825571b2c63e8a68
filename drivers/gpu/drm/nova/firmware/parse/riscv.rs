// SPDX-License-Identifier: GPL-2.0

//! The GSP RISC-V bootloader (`bootloader-<version>.bin`).
//!
//! A [`BinHdr`] file whose header is the RM RISC-V ucode descriptor
//! (`RM_RISCV_UCODE_DESC`): little-endian `u32` fields locating the
//! manifest, the monitor code and data, and the bootloader inside the
//! payload, which is loaded as one block. Version 4 (Turing, GA100) has 19
//! fields; version 5 (GA102 and later) adds the FB carve-out size and the
//! "signed as code" flag.

use super::bin_hdr::BinHdr;
use super::bytes::{self, read_u32_le, u64_of};
use super::{ParseError, Result};

/// Size of a version 4 descriptor.
pub const DESC_V4_SIZE: usize = 19 * 4;
/// Size of a version 5 descriptor.
pub const DESC_V5_SIZE: usize = 21 * 4;

/// The RM RISC-V ucode descriptor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RiscvUcodeDesc {
    /// Descriptor version (4 or 5).
    pub version: u32,
    /// Offset of the bootloader code in the payload.
    pub bootloader_offset: u32,
    /// Size of the bootloader code.
    pub bootloader_size: u32,
    /// Offset of the bootloader parameters in the payload.
    pub bootloader_param_offset: u32,
    /// Size of the bootloader parameters.
    pub bootloader_param_size: u32,
    /// Offset of an embedded RISC-V ELF (unused: 0).
    pub riscv_elf_offset: u32,
    /// Size of the embedded RISC-V ELF.
    pub riscv_elf_size: u32,
    /// Application version (changelist of the build).
    pub app_version: u32,
    /// Offset of the manifest, read by the boot ROM.
    pub manifest_offset: u32,
    /// Size of the manifest.
    pub manifest_size: u32,
    /// Offset of the monitor data.
    pub monitor_data_offset: u32,
    /// Size of the monitor data.
    pub monitor_data_size: u32,
    /// Offset of the monitor code (the entry of the image).
    pub monitor_code_offset: u32,
    /// Size of the monitor code.
    pub monitor_code_size: u32,
    /// Whether the monitor is enabled.
    pub monitor_enabled: bool,
    /// Offset of the software boot ROM code.
    pub swbrom_code_offset: u32,
    /// Size of the software boot ROM code.
    pub swbrom_code_size: u32,
    /// Offset of the software boot ROM data.
    pub swbrom_data_offset: u32,
    /// Size of the software boot ROM data.
    pub swbrom_data_size: u32,
    /// Total FB carve-out size (version 5 only).
    pub fb_reserved_size: Option<u32>,
    /// Whether the whole image is signed as code (version 5 only).
    pub signed_as_code: Option<bool>,
}

impl RiscvUcodeDesc {
    /// Parses a descriptor from `h`, which holds at least its version word.
    pub fn parse(h: &[u8]) -> Result<Self> {
        let version = read_u32_le(h, 0)?;
        let size = match version {
            4 => DESC_V4_SIZE,
            5 => DESC_V5_SIZE,
            v => {
                return Err(ParseError::Unsupported {
                    what: "RISC-V ucode descriptor version",
                    value: u64::from(v),
                })
            }
        };
        let h = bytes::header(h, 0, size, "RISC-V ucode descriptor")?;
        let w = |i: usize| read_u32_le(h, i * 4);
        let (fb_reserved_size, signed_as_code) = if version >= 5 {
            (Some(w(19)?), Some(w(20)? != 0))
        } else {
            (None, None)
        };
        Ok(Self {
            version,
            bootloader_offset: w(1)?,
            bootloader_size: w(2)?,
            bootloader_param_offset: w(3)?,
            bootloader_param_size: w(4)?,
            riscv_elf_offset: w(5)?,
            riscv_elf_size: w(6)?,
            app_version: w(7)?,
            manifest_offset: w(8)?,
            manifest_size: w(9)?,
            monitor_data_offset: w(10)?,
            monitor_data_size: w(11)?,
            monitor_code_offset: w(12)?,
            monitor_code_size: w(13)?,
            monitor_enabled: w(14)? != 0,
            swbrom_code_offset: w(15)?,
            swbrom_code_size: w(16)?,
            swbrom_data_offset: w(17)?,
            swbrom_data_size: w(18)?,
            fb_reserved_size,
            signed_as_code,
        })
    }

    /// Size of this descriptor in bytes.
    pub fn size(&self) -> usize {
        if self.version >= 5 {
            DESC_V5_SIZE
        } else {
            DESC_V4_SIZE
        }
    }

    /// The regions the descriptor places in the payload, as
    /// `(name, offset, size)`.
    pub fn regions(&self) -> [(&'static str, u32, u32); 6] {
        [
            ("manifest", self.manifest_offset, self.manifest_size),
            (
                "monitor data",
                self.monitor_data_offset,
                self.monitor_data_size,
            ),
            (
                "monitor code",
                self.monitor_code_offset,
                self.monitor_code_size,
            ),
            ("bootloader", self.bootloader_offset, self.bootloader_size),
            (
                "bootloader params",
                self.bootloader_param_offset,
                self.bootloader_param_size,
            ),
            (
                "swbrom code",
                self.swbrom_code_offset,
                self.swbrom_code_size,
            ),
        ]
    }
}

/// A parsed RISC-V bootloader file.
#[derive(Clone, Copy)]
pub struct RiscvFirmware<'a> {
    /// The binary header.
    pub bin: BinHdr,
    /// The descriptor.
    pub desc: RiscvUcodeDesc,
    /// The payload, loaded as a whole.
    pub ucode: &'a [u8],
}

impl<'a> RiscvFirmware<'a> {
    /// Parses a bootloader file and checks that every region the descriptor
    /// names lies inside the payload.
    pub fn parse(data: &'a [u8]) -> Result<Self> {
        let bin = BinHdr::parse(data)?;
        let h = bin.sub_header(data, 4, "RISC-V ucode descriptor")?;
        let ver = read_u32_le(h, 0)?;
        let size = if ver >= 5 { DESC_V5_SIZE } else { DESC_V4_SIZE };
        let desc = RiscvUcodeDesc::parse(bin.sub_header(data, size, "RISC-V ucode descriptor")?)?;
        let ucode = bin.payload(data)?;
        let limit = u64_of(ucode.len());
        for (what, off, size) in desc.regions() {
            bytes::check_within(u64::from(off), u64::from(size), limit, what)?;
        }
        bytes::check_within(
            u64::from(desc.swbrom_data_offset),
            u64::from(desc.swbrom_data_size),
            limit,
            "swbrom data",
        )?;
        Ok(Self { bin, desc, ucode })
    }
}
