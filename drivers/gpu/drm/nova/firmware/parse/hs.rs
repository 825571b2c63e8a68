// SPDX-License-Identifier: GPL-2.0

//! Falcon heavy-secure (HS) images: `booter_load`, `booter_unload` and
//! `scrubber`.
//!
//! A [`BinHdr`] file whose header is the HS header version 2: nine
//! little-endian `u32` giving the production signatures (offset and total
//! size), the file offsets of three indirect `u32` values (signature patch
//! location, signature index base, signature count), the metadata block
//! (fuse version, engine ID mask, ucode ID) and the HS load header. The
//! load header gives the OS code and data and one or more applications,
//! as offsets into the payload (the ucode image). The signature selected
//! for the chip is patched into the ucode at the patch location.

use super::bin_hdr::BinHdr;
use super::bytes::{self, read_u32_at, read_u32_le, u64_of};
use super::{ParseError, Result};

/// Size of the HS header version 2.
pub const HS_HEADER_V2_SIZE: usize = 9 * 4;
/// Size of the fixed part of the HS load header version 2.
pub const LOAD_HEADER_V2_SIZE: usize = 5 * 4;
/// Size of one application entry of the HS load header version 2.
pub const LOAD_APP_V2_SIZE: usize = 4 * 4;
/// Size of the metadata block (fuse version, engine ID mask, ucode ID).
pub const META_SIZE: usize = 3 * 4;

/// The HS header version 2, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HsHeaderV2 {
    /// File offset of the production signatures.
    pub sig_prod_offset: u32,
    /// Total size of the production signatures.
    pub sig_prod_size: u32,
    /// File offset of the `u32` holding the patch location.
    pub patch_loc_offset: u32,
    /// File offset of the `u32` holding the signature base index.
    pub patch_sig_offset: u32,
    /// File offset of the metadata block.
    pub meta_offset: u32,
    /// Size of the metadata block.
    pub meta_size: u32,
    /// File offset of the `u32` holding the number of signatures.
    pub num_sig_offset: u32,
    /// File offset of the HS load header.
    pub load_header_offset: u32,
    /// Size of the HS load header.
    pub load_header_size: u32,
}

/// One application of the HS load header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HsApp {
    /// Offset of the application code in the payload.
    pub code_offset: u32,
    /// Size of the application code.
    pub code_size: u32,
    /// Offset of the application data in the payload.
    pub data_offset: u32,
    /// Size of the application data.
    pub data_size: u32,
}

/// The fixed part of the HS load header version 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HsLoadHeaderV2 {
    /// Offset of the non-secure OS code in the payload.
    pub os_code_offset: u32,
    /// Size of the non-secure OS code.
    pub os_code_size: u32,
    /// Offset of the OS data in the payload.
    pub os_data_offset: u32,
    /// Size of the OS data.
    pub os_data_size: u32,
    /// Number of applications.
    pub num_apps: u32,
}

/// The metadata block: how the boot ROM checks the signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HsMeta {
    /// Fuse version the signatures are made for.
    pub fuse_version: u32,
    /// Mask of the falcon engines the image runs on.
    pub engine_id_mask: u32,
    /// Ucode ID, selecting the fuse register that holds the chip's version.
    pub ucode_id: u32,
}

/// One copy from the payload into falcon memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FalconSegment {
    /// Offset in the payload.
    pub src: u32,
    /// Offset in the falcon memory.
    pub dst: u32,
    /// Number of bytes.
    pub len: u32,
}

/// How an HS image is loaded into a falcon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FalconLoad {
    /// Non-secure IMEM copy (Turing and GA100 only).
    pub imem_ns: Option<FalconSegment>,
    /// Secure IMEM copy.
    pub imem_sec: FalconSegment,
    /// DMEM copy.
    pub dmem: FalconSegment,
    /// IMEM address the falcon starts at.
    pub boot_addr: u32,
}

/// A parsed HS image.
#[derive(Clone, Copy)]
pub struct HsImage<'a> {
    /// The binary header.
    pub bin: BinHdr,
    /// The HS header.
    pub hdr: HsHeaderV2,
    /// The fixed part of the load header.
    pub load: HsLoadHeaderV2,
    /// Where in the payload the signature is patched.
    pub patch_loc: u32,
    /// Byte offset added to `sig_prod_offset` to find signature 0.
    pub patch_sig: u32,
    /// Number of signatures.
    pub num_sig: u32,
    /// Size of one signature (`sig_prod_size / num_sig`).
    pub sig_size: u32,
    /// The metadata block, if the header has one.
    pub meta: Option<HsMeta>,
    /// All signatures, back to back.
    pub signatures: &'a [u8],
    /// The application entries of the load header.
    apps: &'a [u8],
    /// The payload.
    pub ucode: &'a [u8],
}

impl<'a> HsImage<'a> {
    /// Parses an HS image and checks every offset it contains against the
    /// file or the payload.
    pub fn parse(data: &'a [u8]) -> Result<Self> {
        let bin = BinHdr::parse(data)?;
        let h = bin.sub_header(data, HS_HEADER_V2_SIZE, "HS header v2")?;
        let w = |i: usize| read_u32_le(h, i * 4);
        let hdr = HsHeaderV2 {
            sig_prod_offset: w(0)?,
            sig_prod_size: w(1)?,
            patch_loc_offset: w(2)?,
            patch_sig_offset: w(3)?,
            meta_offset: w(4)?,
            meta_size: w(5)?,
            num_sig_offset: w(6)?,
            load_header_offset: w(7)?,
            load_header_size: w(8)?,
        };
        let ucode = bin.payload(data)?;

        let patch_loc = read_u32_at(data, u64::from(hdr.patch_loc_offset), "HS patch location")?;
        let patch_sig = read_u32_at(data, u64::from(hdr.patch_sig_offset), "HS signature index")?;
        let num_sig = read_u32_at(data, u64::from(hdr.num_sig_offset), "HS signature count")?;
        if hdr.sig_prod_size.checked_rem(num_sig) != Some(0) {
            return Err(ParseError::Invalid {
                what: "HS signature count",
                value: u64::from(num_sig),
            });
        }
        let sig_size = hdr.sig_prod_size / num_sig;
        if sig_size == 0 {
            return Err(ParseError::Invalid {
                what: "HS signature size",
                value: 0,
            });
        }
        let sig_base = bytes::add(
            u64::from(hdr.sig_prod_offset),
            u64::from(patch_sig),
            "HS signature base",
        )?;
        let signatures = bytes::region(
            data,
            sig_base,
            u64::from(hdr.sig_prod_size),
            "HS production signatures",
        )?;
        bytes::check_within(
            u64::from(patch_loc),
            u64::from(sig_size),
            u64_of(ucode.len()),
            "HS signature patch location",
        )?;

        let meta = if hdr.meta_size >= 12 {
            let m = bytes::region(data, u64::from(hdr.meta_offset), 12, "HS metadata")?;
            Some(HsMeta {
                fuse_version: read_u32_le(m, 0)?,
                engine_id_mask: read_u32_le(m, 4)?,
                ucode_id: read_u32_le(m, 8)?,
            })
        } else {
            None
        };

        let lh = bytes::region(
            data,
            u64::from(hdr.load_header_offset),
            u64::from(hdr.load_header_size),
            "HS load header",
        )?;
        let fixed = bytes::header(lh, 0, LOAD_HEADER_V2_SIZE, "HS load header v2")?;
        let l = |i: usize| read_u32_le(fixed, i * 4);
        let load = HsLoadHeaderV2 {
            os_code_offset: l(0)?,
            os_code_size: l(1)?,
            os_data_offset: l(2)?,
            os_data_size: l(3)?,
            num_apps: l(4)?,
        };
        if load.num_apps == 0 {
            return Err(ParseError::Invalid {
                what: "HS application count",
                value: 0,
            });
        }
        let apps_len = bytes::mul(
            u64::from(load.num_apps),
            u64_of(LOAD_APP_V2_SIZE),
            "HS application table size",
        )?;
        let apps = bytes::region(
            lh,
            u64_of(LOAD_HEADER_V2_SIZE),
            apps_len,
            "HS application table",
        )?;

        let image = Self {
            bin,
            hdr,
            load,
            patch_loc,
            patch_sig,
            num_sig,
            sig_size,
            meta,
            signatures,
            apps,
            ucode,
        };
        image.check_layout()?;
        Ok(image)
    }

    /// Checks that the OS code and data and every application lie inside
    /// the payload.
    fn check_layout(&self) -> Result<()> {
        let limit = u64_of(self.ucode.len());
        let l = &self.load;
        bytes::check_within(
            u64::from(l.os_code_offset),
            u64::from(l.os_code_size),
            limit,
            "HS OS code",
        )?;
        bytes::check_within(
            u64::from(l.os_data_offset),
            u64::from(l.os_data_size),
            limit,
            "HS OS data",
        )?;
        for app in self.apps() {
            let app = app?;
            bytes::check_within(
                u64::from(app.code_offset),
                u64::from(app.code_size),
                limit,
                "HS application code",
            )?;
            bytes::check_within(
                u64::from(app.data_offset),
                u64::from(app.data_size),
                limit,
                "HS application data",
            )?;
        }
        Ok(())
    }

    /// Returns application `index` of the load header.
    pub fn app(&self, index: u32) -> Result<HsApp> {
        let off = bytes::mul(u64::from(index), u64_of(LOAD_APP_V2_SIZE), "HS application")?;
        let e = bytes::region(self.apps, off, u64_of(LOAD_APP_V2_SIZE), "HS application")?;
        let w = |i: usize| read_u32_le(e, i * 4);
        Ok(HsApp {
            code_offset: w(0)?,
            code_size: w(1)?,
            data_offset: w(2)?,
            data_size: w(3)?,
        })
    }

    /// Iterates over the applications of the load header.
    pub fn apps(&self) -> impl Iterator<Item = Result<HsApp>> + '_ {
        (0..self.load.num_apps).map(move |i| self.app(i))
    }

    /// Returns signature `index`.
    pub fn signature(&self, index: u32) -> Result<&'a [u8]> {
        if index >= self.num_sig {
            return Err(ParseError::Invalid {
                what: "HS signature index",
                value: u64::from(index),
            });
        }
        let off = bytes::mul(u64::from(index), u64::from(self.sig_size), "HS signature")?;
        bytes::region(
            self.signatures,
            off,
            u64::from(self.sig_size),
            "HS signature",
        )
    }

    /// Picks the signature index for a chip whose fuse register reads
    /// `reg_fuse_version`: 0 selects the last signature, any other value is
    /// subtracted from the image's fuse version.
    pub fn signature_index(&self, reg_fuse_version: u32) -> Result<u32> {
        let index = if reg_fuse_version == 0 {
            self.num_sig.saturating_sub(1)
        } else {
            let fuse = self.meta.map_or(0, |m| m.fuse_version);
            fuse.checked_sub(reg_fuse_version)
                .ok_or(ParseError::Invalid {
                    what: "fuse version above the image's",
                    value: u64::from(reg_fuse_version),
                })?
        };
        if index >= self.num_sig {
            return Err(ParseError::Invalid {
                what: "HS signature index",
                value: u64::from(index),
            });
        }
        Ok(index)
    }

    /// Offset of the signature patch location from the start of the OS
    /// data, as the boot ROM wants it (`pkc_data_offset`).
    pub fn pkc_data_offset(&self) -> Result<u32> {
        self.patch_loc
            .checked_sub(self.load.os_data_offset)
            .ok_or(ParseError::Invalid {
                what: "HS patch location before OS data",
                value: u64::from(self.patch_loc),
            })
    }

    /// How to load the image into a falcon. With `ns_code` (Turing and
    /// GA100, see [`super::chip::hs_ns_code`]) the OS code goes to IMEM at
    /// its own offset and the falcon starts there, the first application
    /// goes to IMEM at its payload offset; otherwise only the first
    /// application is loaded, at IMEM 0, and the falcon starts at its
    /// payload offset. The OS data goes to DMEM 0 either way.
    pub fn falcon_load(&self, ns_code: bool) -> Result<FalconLoad> {
        let app = self.app(0)?;
        let l = &self.load;
        let dmem = FalconSegment {
            src: l.os_data_offset,
            dst: 0,
            len: l.os_data_size,
        };
        Ok(if ns_code {
            FalconLoad {
                imem_ns: Some(FalconSegment {
                    src: 0,
                    dst: l.os_code_offset,
                    len: l.os_code_size,
                }),
                imem_sec: FalconSegment {
                    src: app.code_offset,
                    dst: app.code_offset,
                    len: app.code_size,
                },
                dmem,
                boot_addr: l.os_code_offset,
            }
        } else {
            FalconLoad {
                imem_ns: None,
                imem_sec: FalconSegment {
                    src: app.code_offset,
                    dst: 0,
                    len: app.code_size,
                },
                dmem,
                boot_addr: app.code_offset,
            }
        })
    }
}
