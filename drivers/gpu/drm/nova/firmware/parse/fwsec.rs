// SPDX-License-Identifier: GPL-2.0

//! The FWSEC ucode stored in the VBIOS FWSEC images.
//!
//! The BIT falcon data pointer locates the falcon ucode table (the "PMU
//! lookup table": a 4-byte header with version, header size, entry size
//! and entry count, then entries of application ID, target ID and a `u32`
//! pointer). The entry with application ID 0x85 (production FWSEC) points
//! to a falcon ucode descriptor; pointers count from the start of the PC-AT
//! image as if the FWSEC section followed it directly, so the PC-AT image
//! size is subtracted to get an offset in the FWSEC section.
//!
//! The descriptor's first `u32` holds a valid bit (bit 0), the version
//! (bits 8..16) and the descriptor size (bits 16..32). Version 2 (Turing)
//! is unsigned here; version 3 (Ampere and later) carries 384-byte RSA-3K
//! signatures right after its 44-byte fixed part. The ucode (IMEM image
//! then DMEM image) follows the descriptor. In DMEM, the application
//! interface table locates the DMEM mapper, where the driver writes the
//! command FWSEC runs.

use super::bytes::{self, header, read_u16_le, read_u32_le, read_u8, u64_of, usize_of};
use super::{ParseError, Result};

/// Application ID of the firmware security licence ucode.
pub const APPID_FIRMWARE_SEC_LIC: u8 = 0x05;
/// Application ID of the debug FWSEC ucode.
pub const APPID_FWSEC_DBG: u8 = 0x45;
/// Application ID of the production FWSEC ucode.
pub const APPID_FWSEC_PROD: u8 = 0x85;
/// Size of the falcon ucode table header.
pub const TABLE_HEADER_SIZE: usize = 4;
/// Minimum size of a falcon ucode table entry.
pub const TABLE_ENTRY_SIZE: usize = 6;
/// Size of a version 2 ucode descriptor.
pub const DESC_V2_SIZE: usize = 60;
/// Size of the fixed part of a version 3 ucode descriptor.
pub const DESC_V3_SIZE: usize = 44;
/// Size of one FWSEC signature (RSA-3K).
pub const SIGNATURE_SIZE: usize = 384;
/// Application interface ID of the DMEM mapper.
pub const APPIF_ID_DMEMMAPPER: u32 = 4;
/// Size of the DMEM mapper structure (version 3).
pub const DMEMMAPPER_SIZE: usize = 64;

/// The falcon ucode table (PMU lookup table).
#[derive(Clone, Copy)]
pub struct UcodeTable<'a> {
    /// Table version.
    pub version: u8,
    /// Size of the header.
    pub header_size: u8,
    /// Size of one entry.
    pub entry_size: u8,
    /// Number of entries.
    pub entry_count: u8,
    /// The entries, back to back.
    entries: &'a [u8],
}

/// One falcon ucode table entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UcodeTableEntry {
    /// Application ID (e.g. [`APPID_FWSEC_PROD`]).
    pub application_id: u8,
    /// Target falcon ID.
    pub target_id: u8,
    /// Pointer to the ucode descriptor (same base as the falcon data pointer).
    pub data: u32,
}

impl<'a> UcodeTable<'a> {
    /// Parses the table at the start of `data`.
    pub fn parse(data: &'a [u8]) -> Result<Self> {
        let h = header(data, 0, TABLE_HEADER_SIZE, "falcon ucode table header")?;
        let table = Self {
            version: read_u8(h, 0)?,
            header_size: read_u8(h, 1)?,
            entry_size: read_u8(h, 2)?,
            entry_count: read_u8(h, 3)?,
            entries: &[],
        };
        if usize::from(table.header_size) < TABLE_HEADER_SIZE {
            return Err(ParseError::Invalid {
                what: "falcon ucode table header size",
                value: u64::from(table.header_size),
            });
        }
        if usize::from(table.entry_size) < TABLE_ENTRY_SIZE {
            return Err(ParseError::Invalid {
                what: "falcon ucode table entry size",
                value: u64::from(table.entry_size),
            });
        }
        let len = u64::from(table.entry_size) * u64::from(table.entry_count);
        let entries = bytes::region(
            data,
            u64::from(table.header_size),
            len,
            "falcon ucode table entries",
        )?;
        Ok(Self { entries, ..table })
    }

    /// Returns entry `index`.
    pub fn entry(&self, index: u8) -> Result<UcodeTableEntry> {
        let size = usize::from(self.entry_size);
        let e = header(
            self.entries,
            usize::from(index) * size,
            size,
            "falcon ucode table entry",
        )?;
        Ok(UcodeTableEntry {
            application_id: read_u8(e, 0)?,
            target_id: read_u8(e, 1)?,
            data: read_u32_le(e, 2)?,
        })
    }

    /// Iterates over the entries.
    pub fn entries(&self) -> impl Iterator<Item = Result<UcodeTableEntry>> + '_ {
        (0..self.entry_count).map(move |i| self.entry(i))
    }

    /// Returns the first entry with application ID `id`.
    pub fn find(&self, id: u8) -> Result<UcodeTableEntry> {
        for e in self.entries() {
            let e = e?;
            if e.application_id == id {
                return Ok(e);
            }
        }
        Err(ParseError::NotFound {
            what: "falcon ucode table entry for FWSEC",
        })
    }
}

/// Falcon ucode descriptor version 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UcodeDescV2 {
    /// Header word (valid bit, version, size).
    pub hdr: u32,
    /// Stored size of the ucode.
    pub stored_size: u32,
    /// Uncompressed size of the ucode.
    pub uncompressed_size: u32,
    /// Code entry point.
    pub virtual_entry: u32,
    /// Offset of the application interface table in DMEM.
    pub interface_offset: u32,
    /// IMEM address the code is loaded at.
    pub imem_phys_base: u32,
    /// Size of the code (non-secure and secure).
    pub imem_load_size: u32,
    /// IMEM virtual address (tag) of the code.
    pub imem_virt_base: u32,
    /// Virtual address of the secure code.
    pub imem_sec_base: u32,
    /// Size of the secure code.
    pub imem_sec_size: u32,
    /// Offset of the DMEM image in the ucode.
    pub dmem_offset: u32,
    /// DMEM address the data is loaded at.
    pub dmem_phys_base: u32,
    /// Size of the data.
    pub dmem_load_size: u32,
    /// Alternative IMEM load size.
    pub alt_imem_load_size: u32,
    /// Alternative DMEM load size.
    pub alt_dmem_load_size: u32,
}

/// Falcon ucode descriptor version 3.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UcodeDescV3 {
    /// Header word (valid bit, version, size).
    pub hdr: u32,
    /// Stored size of the ucode.
    pub stored_size: u32,
    /// Offset in DMEM where the signature is patched.
    pub pkc_data_offset: u32,
    /// Offset of the application interface table in DMEM.
    pub interface_offset: u32,
    /// IMEM address the code is loaded at.
    pub imem_phys_base: u32,
    /// Size of the code.
    pub imem_load_size: u32,
    /// IMEM virtual address (tag) of the code.
    pub imem_virt_base: u32,
    /// DMEM address the data is loaded at.
    pub dmem_phys_base: u32,
    /// Size of the data.
    pub dmem_load_size: u32,
    /// Mask of the falcon engines the ucode runs on.
    pub engine_id_mask: u16,
    /// Ucode ID, selecting the fuse register.
    pub ucode_id: u8,
    /// Number of signatures.
    pub signature_count: u8,
    /// Fuse versions the signatures are for, one bit each.
    pub signature_versions: u16,
}

/// A falcon ucode descriptor of either version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UcodeDesc {
    /// Version 2 (Turing).
    V2(UcodeDescV2),
    /// Version 3 (Ampere and later).
    V3(UcodeDescV3),
}

impl UcodeDesc {
    /// Parses the descriptor at the start of `data`.
    pub fn parse(data: &[u8]) -> Result<Self> {
        let hdr = read_u32_le(header(data, 0, 4, "falcon ucode descriptor")?, 0)?;
        if hdr & 1 == 0 {
            return Err(ParseError::Invalid {
                what: "falcon ucode descriptor valid bit",
                value: u64::from(hdr),
            });
        }
        let size = usize::from(hdr_size(hdr));
        match (hdr >> 8) & 0xff {
            2 => {
                let d = header(data, 0, DESC_V2_SIZE, "falcon ucode descriptor v2")?;
                if size < DESC_V2_SIZE {
                    return Err(ParseError::Invalid {
                        what: "falcon ucode descriptor v2 size",
                        value: u64_of(size),
                    });
                }
                let w = |i: usize| read_u32_le(d, i * 4);
                Ok(Self::V2(UcodeDescV2 {
                    hdr,
                    stored_size: w(1)?,
                    uncompressed_size: w(2)?,
                    virtual_entry: w(3)?,
                    interface_offset: w(4)?,
                    imem_phys_base: w(5)?,
                    imem_load_size: w(6)?,
                    imem_virt_base: w(7)?,
                    imem_sec_base: w(8)?,
                    imem_sec_size: w(9)?,
                    dmem_offset: w(10)?,
                    dmem_phys_base: w(11)?,
                    dmem_load_size: w(12)?,
                    alt_imem_load_size: w(13)?,
                    alt_dmem_load_size: w(14)?,
                }))
            }
            3 => {
                let d = header(data, 0, DESC_V3_SIZE, "falcon ucode descriptor v3")?;
                let w = |i: usize| read_u32_le(d, i * 4);
                let desc = UcodeDescV3 {
                    hdr,
                    stored_size: w(1)?,
                    pkc_data_offset: w(2)?,
                    interface_offset: w(3)?,
                    imem_phys_base: w(4)?,
                    imem_load_size: w(5)?,
                    imem_virt_base: w(6)?,
                    dmem_phys_base: w(7)?,
                    dmem_load_size: w(8)?,
                    engine_id_mask: read_u16_le(d, 36)?,
                    ucode_id: read_u8(d, 38)?,
                    signature_count: read_u8(d, 39)?,
                    signature_versions: read_u16_le(d, 40)?,
                };
                let sigs = usize::from(desc.signature_count) * SIGNATURE_SIZE;
                if size < DESC_V3_SIZE + sigs {
                    return Err(ParseError::Invalid {
                        what: "falcon ucode descriptor v3 size (too small for its signatures)",
                        value: u64_of(size),
                    });
                }
                Ok(Self::V3(desc))
            }
            v => Err(ParseError::Unsupported {
                what: "falcon ucode descriptor version",
                value: u64::from(v),
            }),
        }
    }

    /// The header word.
    pub fn hdr(&self) -> u32 {
        match self {
            Self::V2(d) => d.hdr,
            Self::V3(d) => d.hdr,
        }
    }

    /// Descriptor version.
    pub fn version(&self) -> u8 {
        match self {
            Self::V2(_) => 2,
            Self::V3(_) => 3,
        }
    }

    /// Size of the descriptor (with signatures for version 3): the ucode
    /// follows at this offset.
    pub fn size(&self) -> u16 {
        hdr_size(self.hdr())
    }

    /// Size of the code.
    pub fn imem_load_size(&self) -> u32 {
        match self {
            Self::V2(d) => d.imem_load_size,
            Self::V3(d) => d.imem_load_size,
        }
    }

    /// Size of the data.
    pub fn dmem_load_size(&self) -> u32 {
        match self {
            Self::V2(d) => d.dmem_load_size,
            Self::V3(d) => d.dmem_load_size,
        }
    }

    /// Offset of the DMEM image in the ucode.
    pub fn dmem_offset(&self) -> u32 {
        match self {
            Self::V2(d) => d.dmem_offset,
            Self::V3(d) => d.imem_load_size,
        }
    }

    /// Offset of the application interface table from the DMEM image.
    pub fn interface_offset(&self) -> u32 {
        match self {
            Self::V2(d) => d.interface_offset,
            Self::V3(d) => d.interface_offset,
        }
    }

    /// Number of signatures carried by the descriptor (0 for version 2).
    pub fn signature_count(&self) -> u8 {
        match self {
            Self::V2(_) => 0,
            Self::V3(d) => d.signature_count,
        }
    }
}

/// Descriptor size held by a header word.
fn hdr_size(hdr: u32) -> u16 {
    u16::try_from(hdr >> 16).unwrap_or(u16::MAX)
}

/// The DMEM mapper (application interface 4), through which the driver
/// passes FWSEC its command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DmemMapper {
    /// Offset of the structure in the ucode.
    pub ucode_offset: u32,
    /// Signature word.
    pub signature: u32,
    /// Structure version.
    pub version: u16,
    /// Structure size.
    pub size: u16,
    /// DMEM offset of the command input buffer.
    pub cmd_in_buffer_offset: u32,
    /// Size of the command input buffer.
    pub cmd_in_buffer_size: u32,
    /// Command to run (patched by the driver).
    pub init_cmd: u32,
}

/// The FWSEC ucode located in a VBIOS.
#[derive(Clone, Copy)]
pub struct Fwsec<'a> {
    /// Offset of the falcon ucode table in the FWSEC section.
    pub table_offset: usize,
    /// The falcon ucode table.
    pub table: UcodeTable<'a>,
    /// The production FWSEC entry.
    pub entry: UcodeTableEntry,
    /// Offset of the descriptor in the FWSEC section.
    pub desc_offset: usize,
    /// The descriptor.
    pub desc: UcodeDesc,
    /// The signatures (version 3), back to back.
    pub signatures: &'a [u8],
    /// The ucode: IMEM image then DMEM image.
    pub ucode: &'a [u8],
}

impl<'a> Fwsec<'a> {
    /// Locates FWSEC in the FWSEC `section` of a VBIOS, given the BIT
    /// falcon data `pointer` and the size of the PC-AT image `base` which
    /// pointers count from.
    pub fn parse(section: &'a [u8], pointer: u32, base: u64) -> Result<Self> {
        let limit = u64_of(section.len());
        let rebase = |p: u32, what: &'static str| -> Result<usize> {
            let off = u64::from(p)
                .checked_sub(base)
                .ok_or(ParseError::OutOfBounds {
                    what,
                    offset: u64::from(p),
                    size: 0,
                    limit: base,
                })?;
            bytes::check_within(off, 0, limit, what)?;
            usize_of(off, what)
        };
        let table_offset = rebase(pointer, "falcon data pointer")?;
        let table = UcodeTable::parse(section.get(table_offset..).unwrap_or(&[]))?;
        let entry = table.find(APPID_FWSEC_PROD)?;
        let desc_offset = rebase(entry.data, "FWSEC descriptor pointer")?;
        let d = section.get(desc_offset..).unwrap_or(&[]);
        let desc = UcodeDesc::parse(d)?;
        let sig_len = usize::from(desc.signature_count()) * SIGNATURE_SIZE;
        let signatures = if desc.version() == 3 {
            header(d, DESC_V3_SIZE, sig_len, "FWSEC signatures")?
        } else {
            &[]
        };
        let ucode_len = bytes::add(
            u64::from(desc.imem_load_size()),
            u64::from(desc.dmem_load_size()),
            "FWSEC ucode size",
        )?;
        let ucode = bytes::region(d, u64::from(desc.size()), ucode_len, "FWSEC ucode")?;
        let fwsec = Self {
            table_offset,
            table,
            entry,
            desc_offset,
            desc,
            signatures,
            ucode,
        };
        fwsec.check_layout()?;
        Ok(fwsec)
    }

    /// Checks that the DMEM image and the signature patch location lie
    /// inside the ucode.
    fn check_layout(&self) -> Result<()> {
        let limit = u64_of(self.ucode.len());
        bytes::check_within(
            u64::from(self.desc.dmem_offset()),
            u64::from(self.desc.dmem_load_size()),
            limit,
            "FWSEC DMEM image",
        )?;
        if let UcodeDesc::V2(d) = self.desc {
            let ns = d.imem_load_size.checked_sub(d.imem_sec_size);
            if ns.is_none() {
                return Err(ParseError::Invalid {
                    what: "FWSEC secure code size above code size",
                    value: u64::from(d.imem_sec_size),
                });
            }
        }
        if let UcodeDesc::V3(d) = self.desc {
            if d.signature_count > 0 {
                bytes::check_within(
                    u64::from(d.pkc_data_offset),
                    u64_of(SIGNATURE_SIZE),
                    u64::from(d.dmem_load_size),
                    "FWSEC signature patch location",
                )?;
            }
        }
        Ok(())
    }

    /// Returns signature `index`.
    pub fn signature(&self, index: u8) -> Result<&'a [u8]> {
        let off = usize::from(index) * SIGNATURE_SIZE;
        header(self.signatures, off, SIGNATURE_SIZE, "FWSEC signature")
    }

    /// The DMEM image of the ucode.
    pub fn dmem(&self) -> Result<&'a [u8]> {
        bytes::region(
            self.ucode,
            u64::from(self.desc.dmem_offset()),
            u64::from(self.desc.dmem_load_size()),
            "FWSEC DMEM image",
        )
    }

    /// Finds the DMEM mapper through the application interface table.
    pub fn dmem_mapper(&self) -> Result<DmemMapper> {
        let dmem = self.dmem()?;
        let table = u64::from(self.desc.interface_offset());
        let h = bytes::region(dmem, table, 4, "FWSEC application interface table")?;
        let header_size = read_u8(h, 1)?;
        let entry_size = read_u8(h, 2)?;
        let entry_count = read_u8(h, 3)?;
        if entry_size < 8 {
            return Err(ParseError::Invalid {
                what: "FWSEC application interface entry size",
                value: u64::from(entry_size),
            });
        }
        let first = table + u64::from(header_size);
        for i in 0..u64::from(entry_count) {
            let at = first + i * u64::from(entry_size);
            let e = bytes::region(dmem, at, 8, "FWSEC application interface entry")?;
            if read_u32_le(e, 0)? != APPIF_ID_DMEMMAPPER {
                continue;
            }
            let base = read_u32_le(e, 4)?;
            let m = bytes::region(
                dmem,
                u64::from(base),
                u64_of(DMEMMAPPER_SIZE),
                "FWSEC DMEM mapper",
            )?;
            let ucode_offset =
                self.desc
                    .dmem_offset()
                    .checked_add(base)
                    .ok_or(ParseError::Overflow {
                        what: "FWSEC DMEM mapper offset",
                    })?;
            let mapper = DmemMapper {
                ucode_offset,
                signature: read_u32_le(m, 0)?,
                version: read_u16_le(m, 4)?,
                size: read_u16_le(m, 6)?,
                cmd_in_buffer_offset: read_u32_le(m, 8)?,
                cmd_in_buffer_size: read_u32_le(m, 12)?,
                init_cmd: read_u32_le(m, 44)?,
            };
            bytes::check_within(
                u64::from(mapper.cmd_in_buffer_offset),
                u64::from(mapper.cmd_in_buffer_size),
                u64_of(dmem.len()),
                "FWSEC command buffer",
            )?;
            return Ok(mapper);
        }
        Err(ParseError::NotFound {
            what: "FWSEC DMEM mapper",
        })
    }
}
