// SPDX-License-Identifier: GPL-2.0

//! The falcon generic bootloader (`gen_bootloader-<version>.bin`, Turing).
//!
//! A [`BinHdr`] file whose header is a bootloader descriptor: six
//! little-endian `u32` giving the IMEM start tag, the DMEM offset where the
//! driver places the bootloader's argument block, and the code and data
//! blocks as offsets into the payload. The code is loaded by PIO at
//! `start_tag * 256` and then DMA-loads the real ucode (FWSEC on Turing).

use super::bin_hdr::BinHdr;
use super::bytes::{self, read_u32_le};
use super::Result;

/// Size of the bootloader descriptor.
pub const BL_DESC_SIZE: usize = 6 * 4;

/// The bootloader descriptor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlDesc {
    /// IMEM tag (256-byte block) the code is loaded at.
    pub start_tag: u32,
    /// DMEM offset of the argument block the driver writes.
    pub dmem_load_off: u32,
    /// Offset of the code in the payload.
    pub code_off: u32,
    /// Size of the code.
    pub code_size: u32,
    /// Offset of the data in the payload.
    pub data_off: u32,
    /// Size of the data.
    pub data_size: u32,
}

/// A parsed generic bootloader file.
#[derive(Clone, Copy)]
pub struct GenericBootloader<'a> {
    /// The binary header.
    pub bin: BinHdr,
    /// The descriptor.
    pub desc: BlDesc,
    /// The code block.
    pub code: &'a [u8],
    /// The data block.
    pub data: &'a [u8],
}

impl<'a> GenericBootloader<'a> {
    /// Parses a generic bootloader file and checks that its code and data
    /// lie inside the payload.
    pub fn parse(data: &'a [u8]) -> Result<Self> {
        let bin = BinHdr::parse(data)?;
        let h = bin.sub_header(data, BL_DESC_SIZE, "bootloader descriptor")?;
        let w = |i: usize| read_u32_le(h, i * 4);
        let desc = BlDesc {
            start_tag: w(0)?,
            dmem_load_off: w(1)?,
            code_off: w(2)?,
            code_size: w(3)?,
            data_off: w(4)?,
            data_size: w(5)?,
        };
        let payload = bin.payload(data)?;
        let code = bytes::region(
            payload,
            u64::from(desc.code_off),
            u64::from(desc.code_size),
            "bootloader code",
        )?;
        let blk = bytes::region(
            payload,
            u64::from(desc.data_off),
            u64::from(desc.data_size),
            "bootloader data",
        )?;
        Ok(Self {
            bin,
            desc,
            code,
            data: blk,
        })
    }

    /// IMEM address the code is loaded at and started from.
    pub fn imem_addr(&self) -> Option<u32> {
        self.desc.start_tag.checked_mul(256)
    }
}
