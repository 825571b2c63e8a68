// SPDX-License-Identifier: GPL-2.0

//! The NVIDIA firmware binary header (`bin_hdr`) that starts the
//! bootloader, booter, scrubber and generic-bootloader files.
//!
//! Layout (six little-endian `u32`): magic `0x10de`, header version, total
//! size, offset of the format-specific header, offset and size of the
//! payload (the ucode image loaded into the falcon or RISC-V core). Offsets
//! are from the start of the file.

use super::bytes::{self, header, read_u32_le, u64_of};
use super::{ParseError, Result};

/// Value of the `magic` field.
pub const BIN_MAGIC: u32 = 0x10de;

/// A parsed `bin_hdr`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BinHdr {
    /// Magic, always [`BIN_MAGIC`].
    pub magic: u32,
    /// Header version (1).
    pub version: u32,
    /// Size of the binary as declared by its producer. Informational: the
    /// files round it up and it is not the file size.
    pub bin_size: u32,
    /// Offset of the format-specific header.
    pub header_offset: u32,
    /// Offset of the payload.
    pub data_offset: u32,
    /// Size of the payload.
    pub data_size: u32,
}

impl BinHdr {
    /// Size of the header in bytes.
    pub const SIZE: usize = 24;

    /// Parses the header at the start of `data` and checks that the
    /// format-specific header starts inside the file and the payload lies
    /// inside it.
    pub fn parse(data: &[u8]) -> Result<Self> {
        let h = header(data, 0, Self::SIZE, "bin_hdr")?;
        let hdr = Self {
            magic: read_u32_le(h, 0)?,
            version: read_u32_le(h, 4)?,
            bin_size: read_u32_le(h, 8)?,
            header_offset: read_u32_le(h, 12)?,
            data_offset: read_u32_le(h, 16)?,
            data_size: read_u32_le(h, 20)?,
        };
        if hdr.magic != BIN_MAGIC {
            return Err(ParseError::BadMagic { what: "bin_hdr" });
        }
        if hdr.version != 1 {
            return Err(ParseError::Unsupported {
                what: "bin_hdr version",
                value: u64::from(hdr.version),
            });
        }
        if u64::from(hdr.header_offset) < u64_of(Self::SIZE)
            || u64::from(hdr.header_offset) >= u64_of(data.len())
        {
            return Err(ParseError::OutOfBounds {
                what: "bin_hdr header offset",
                offset: u64::from(hdr.header_offset),
                size: 0,
                limit: u64_of(data.len()),
            });
        }
        hdr.payload(data)?;
        Ok(hdr)
    }

    /// Returns the payload of `data` (the file this header was parsed from).
    pub fn payload<'a>(&self, data: &'a [u8]) -> Result<&'a [u8]> {
        bytes::region(
            data,
            u64::from(self.data_offset),
            u64::from(self.data_size),
            "bin_hdr payload",
        )
    }

    /// Returns the `size` bytes of the format-specific header of `data`,
    /// naming `what` if they do not fit.
    pub fn sub_header<'a>(
        &self,
        data: &'a [u8],
        size: usize,
        what: &'static str,
    ) -> Result<&'a [u8]> {
        let off = bytes::usize_of(u64::from(self.header_offset), what)?;
        header(data, off, size, what)
    }
}
