// SPDX-License-Identifier: GPL-2.0

//! The VBIOS: a chain of PCI expansion ROM images.
//!
//! Each image starts with the ROM signature `0xAA55` (or NVIDIA's `"VN"`),
//! whose `u16` at offset 0x18 points to the PCI data structure (`PCIR`, or
//! `NPDS`). The PCIR gives the image length in 512-byte blocks, the code
//! type (0x00 PC-AT, 0x03 EFI, 0x70 NBSI, 0xE0 FWSEC) and the last-image
//! flag (bit 7). NVIDIA images may carry an `NPDE` extension right after
//! the PCIR (16-byte aligned) whose sub-image length and last-image flag
//! take precedence. The next image starts at the next 512-byte boundary.
//!
//! The PC-AT image holds the BIOS information table (BIT): a header found
//! by its signature `ff b8 "BIT" 00` followed by tokens, each pointing to
//! data in the image. Token 0x70 (falcon data) points to a `u32` which
//! locates the falcon ucode table in the FWSEC images (see
//! [`super::fwsec`]).
//!
//! Some GPUs (GA100) expose an IFR header (`"NVGI"`) before the first
//! image; [`Vbios::parse`] skips it.

use super::bytes::{self, header, read_u16_le, read_u32_le, read_u8, u64_of};
use super::fwsec::{
    Fwsec, UcodeDesc, UcodeTable, APPID_FWSEC_PROD, DESC_V2_SIZE, DESC_V3_SIZE, TABLE_HEADER_SIZE,
};
use super::{ParseError, Result};

/// ROM signature at the start of each image.
pub const ROM_SIGNATURE: u16 = 0xaa55;
/// Alternative ROM signature used by NVIDIA (`"VN"`).
pub const ROM_SIGNATURE_NV: u16 = 0x4e56;
/// Offset in an image of the pointer to its PCI data structure.
pub const PCIR_POINTER_OFFSET: usize = 0x18;
/// Size of the PCI data structure.
pub const PCIR_SIZE: usize = 0x18;
/// Size of the NPDE structure.
pub const NPDE_SIZE: usize = 11;
/// Images are laid out on this alignment.
pub const IMAGE_ALIGN: u64 = 512;
/// Code type of a PC-AT (x86 legacy) image.
pub const CODE_TYPE_PCI_AT: u8 = 0x00;
/// Code type of an EFI image.
pub const CODE_TYPE_EFI: u8 = 0x03;
/// Code type of an NBSI image.
pub const CODE_TYPE_NBSI: u8 = 0x70;
/// Code type of an FWSEC image.
pub const CODE_TYPE_FWSEC: u8 = 0xe0;
/// Last-image flag in the PCIR and NPDE.
pub const LAST_IMAGE_FLAG: u8 = 0x80;
/// The bytes that start a BIT header.
pub const BIT_PATTERN: [u8; 6] = [0xff, 0xb8, b'B', b'I', b'T', 0];
/// Size of a BIT header.
pub const BIT_HEADER_SIZE: usize = 12;
/// Minimum size of a BIT token.
pub const BIT_TOKEN_SIZE: usize = 6;
/// BIT token ID of the falcon data.
pub const BIT_TOKEN_FALCON_DATA: u8 = 0x70;

/// IFR header signature.
const IFR_SIGNATURE: [u8; 4] = *b"NVGI";
/// ROM directory signature of IFR version 3.
const ROM_DIRECTORY_SIGNATURE: [u8; 4] = *b"RFRD";
/// Size of the flash status section before the IFR version 3 ROM directory.
const IFR_FLASH_STATUS_SIZE: u64 = 4096;

/// Human-readable name of a code type.
pub fn code_type_name(code_type: u8) -> &'static str {
    match code_type {
        CODE_TYPE_PCI_AT => "PC-AT",
        CODE_TYPE_EFI => "EFI",
        CODE_TYPE_NBSI => "NBSI",
        CODE_TYPE_FWSEC => "FWSEC",
        _ => "unknown",
    }
}

/// The PCI data structure of an image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pcir {
    /// `"PCIR"` or `"NPDS"`.
    pub signature: [u8; 4],
    /// PCI vendor ID.
    pub vendor_id: u16,
    /// PCI device ID.
    pub device_id: u16,
    /// Device list pointer.
    pub device_list_ptr: u16,
    /// Length of the structure.
    pub length: u16,
    /// Revision of the structure.
    pub revision: u8,
    /// PCI class code.
    pub class_code: [u8; 3],
    /// Image length in 512-byte blocks.
    pub image_len: u16,
    /// Vendor ROM revision.
    pub vendor_rom_rev: u16,
    /// Code type.
    pub code_type: u8,
    /// Last-image indicator.
    pub last_image: u8,
    /// Maximum run-time image length in 512-byte blocks.
    pub max_runtime_len: u16,
}

/// NVIDIA's PCI data extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Npde {
    /// Revision.
    pub revision: u16,
    /// Length of the structure.
    pub length: u16,
    /// Sub-image length in 512-byte blocks.
    pub subimage_len: u16,
    /// Last-image indicator.
    pub last_image: u8,
}

/// One image of the chain.
#[derive(Clone, Copy)]
pub struct RomImage<'a> {
    /// Offset of the image in the file.
    pub offset: usize,
    /// Offset of the PCIR in the image.
    pub pcir_offset: u16,
    /// The PCI data structure.
    pub pcir: Pcir,
    /// The NVIDIA extension, if present.
    pub npde: Option<Npde>,
    /// The image, `size()` bytes.
    pub data: &'a [u8],
}

impl<'a> RomImage<'a> {
    /// Parses the headers of the image that starts `rest`, and returns it
    /// with its data (which must fit in `rest`); `offset` is its position
    /// in the file.
    pub fn parse(rest: &'a [u8], offset: usize) -> Result<Self> {
        let sig = read_u16_le(header(rest, 0, 2, "ROM image signature")?, 0)?;
        if sig != ROM_SIGNATURE && sig != ROM_SIGNATURE_NV {
            return Err(ParseError::BadMagic {
                what: "ROM image signature",
            });
        }
        let pcir_offset = read_u16_le(header(rest, PCIR_POINTER_OFFSET, 2, "ROM header")?, 0)?;
        let p = header(
            rest,
            usize::from(pcir_offset),
            PCIR_SIZE,
            "PCI data structure",
        )?;
        let signature = bytes::read_array::<4>(p, 0)?;
        if &signature != b"PCIR" && &signature != b"NPDS" {
            return Err(ParseError::BadMagic {
                what: "PCI data structure",
            });
        }
        let pcir = Pcir {
            signature,
            vendor_id: read_u16_le(p, 4)?,
            device_id: read_u16_le(p, 6)?,
            device_list_ptr: read_u16_le(p, 8)?,
            length: read_u16_le(p, 0xa)?,
            revision: read_u8(p, 0xc)?,
            class_code: bytes::read_array::<3>(p, 0xd)?,
            image_len: read_u16_le(p, 0x10)?,
            vendor_rom_rev: read_u16_le(p, 0x12)?,
            code_type: read_u8(p, 0x14)?,
            last_image: read_u8(p, 0x15)?,
            max_runtime_len: read_u16_le(p, 0x16)?,
        };
        if pcir.image_len == 0 {
            return Err(ParseError::Invalid {
                what: "PCIR image length",
                value: 0,
            });
        }
        let npde = Self::find_npde(rest, pcir_offset, pcir.length)?;
        let mut image = Self {
            offset,
            pcir_offset,
            pcir,
            npde,
            data: &[],
        };
        image.data = bytes::region(rest, 0, image.size(), "ROM image")?;
        Ok(image)
    }

    /// Looks for the NPDE after the PCIR; absent if its signature or
    /// length is wrong or it does not fit.
    fn find_npde(rest: &[u8], pcir_offset: u16, pcir_len: u16) -> Result<Option<Npde>> {
        let start = bytes::align_up(
            u64::from(pcir_offset) + u64::from(pcir_len),
            16,
            "NPDE offset",
        )?;
        let Ok(n) = bytes::region(rest, start, u64_of(NPDE_SIZE), "NPDE") else {
            return Ok(None);
        };
        if n.get(..4) != Some(&b"NPDE"[..]) {
            return Ok(None);
        }
        let npde = Npde {
            revision: read_u16_le(n, 4)?,
            length: read_u16_le(n, 6)?,
            subimage_len: read_u16_le(n, 8)?,
            last_image: read_u8(n, 10)?,
        };
        Ok((npde.subimage_len != 0).then_some(npde))
    }

    /// Size of the image in bytes: from the NPDE if present, else the PCIR.
    pub fn size(&self) -> u64 {
        let blocks = self.npde.map_or(self.pcir.image_len, |n| n.subimage_len);
        u64::from(blocks) * IMAGE_ALIGN
    }

    /// Code type of the image.
    pub fn code_type(&self) -> u8 {
        self.pcir.code_type
    }

    /// Whether this is the last image: NBSI images always are, otherwise
    /// the NPDE flag if present, else the PCIR flag.
    pub fn is_last(&self) -> bool {
        if self.pcir.code_type == CODE_TYPE_NBSI {
            return true;
        }
        let flag = self.npde.map_or(self.pcir.last_image, |n| n.last_image);
        flag & LAST_IMAGE_FLAG != 0
    }
}

/// A VBIOS whose image chain has been walked and checked.
#[derive(Clone, Copy)]
pub struct Vbios<'a> {
    /// The whole file.
    data: &'a [u8],
    /// Offset of the first image (after an IFR header, if any).
    pub rom_offset: usize,
    /// Number of images.
    pub image_count: usize,
}

impl<'a> Vbios<'a> {
    /// Parses a VBIOS: skips an IFR header if present and walks the image
    /// chain to its last image.
    pub fn parse(data: &'a [u8]) -> Result<Self> {
        let rom_offset = ifr_rom_offset(data)?;
        let mut vbios = Self {
            data,
            rom_offset,
            image_count: 0,
        };
        let mut count = 0usize;
        for image in vbios.images() {
            image?;
            count = count.saturating_add(1);
        }
        vbios.image_count = count;
        Ok(vbios)
    }

    /// The whole file.
    pub fn data(&self) -> &'a [u8] {
        self.data
    }

    /// Iterates over the images.
    pub fn images(&self) -> Images<'a> {
        Images {
            data: self.data,
            offset: Some(self.rom_offset),
        }
    }

    /// The first PC-AT image, which holds the BIT.
    pub fn pci_at(&self) -> Result<RomImage<'a>> {
        for image in self.images() {
            let image = image?;
            if image.code_type() == CODE_TYPE_PCI_AT {
                return Ok(image);
            }
        }
        Err(ParseError::NotFound {
            what: "PC-AT image",
        })
    }

    /// The BIT of the PC-AT image.
    pub fn bit(&self) -> Result<Bit<'a>> {
        Bit::find(self.pci_at()?.data)
    }

    /// The FWSEC section: everything from the first FWSEC image to the end
    /// of the last image, as one block. Returns it with its file offset.
    pub fn fwsec_section(&self) -> Result<(usize, &'a [u8])> {
        let mut start = None;
        let mut end = 0u64;
        for image in self.images() {
            let image = image?;
            if start.is_none() && image.code_type() == CODE_TYPE_FWSEC {
                start = Some(image.offset);
            }
            end = bytes::add(u64_of(image.offset), image.size(), "VBIOS end")?;
        }
        let start = start.ok_or(ParseError::NotFound {
            what: "FWSEC image",
        })?;
        let size = end.saturating_sub(u64_of(start));
        let section = bytes::region(self.data, u64_of(start), size, "FWSEC section")?;
        Ok((start, section))
    }

    /// The falcon data pointer: the `u32` the BIT falcon data token points
    /// to. It counts from the start of the PC-AT image as if the FWSEC
    /// section directly followed it.
    pub fn falcon_data_pointer(&self) -> Result<u32> {
        falcon_data_pointer(self.pci_at()?.data)
    }

    /// Finds the FWSEC ucode as the driver does: BIT falcon data token →
    /// falcon ucode table in the FWSEC section → production FWSEC entry →
    /// ucode descriptor, signatures and image.
    pub fn find_fwsec(&self) -> Result<Fwsec<'a>> {
        let pci_at = self.pci_at()?;
        let pointer = self.falcon_data_pointer()?;
        let (_, section) = self.fwsec_section()?;
        Fwsec::parse(section, pointer, pci_at.size())
    }
}

/// The falcon data pointer of the PC-AT image `image` (see
/// [`Vbios::falcon_data_pointer`]).
///
/// It reads only the bytes up to the end of the BIT and of the falcon
/// data, so a prefix of the image that holds them gives the same result
/// as the whole image.
pub fn falcon_data_pointer(image: &[u8]) -> Result<u32> {
    let bit = Bit::find(image)?;
    let token = bit.token(BIT_TOKEN_FALCON_DATA)?;
    if token.data_size < 4 {
        return Err(ParseError::Invalid {
            what: "BIT falcon data token size",
            value: u64::from(token.data_size),
        });
    }
    bytes::read_u32_at(image, u64::from(token.data_offset), "BIT falcon data")
}

/// Iterator over the images of a [`Vbios`]. After an error it stops.
#[derive(Clone)]
pub struct Images<'a> {
    /// The whole file.
    data: &'a [u8],
    /// Offset of the next image, `None` once the last one was seen.
    offset: Option<usize>,
}

impl<'a> Iterator for Images<'a> {
    type Item = Result<RomImage<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        let offset = self.offset.take()?;
        let Some(rest) = self.data.get(offset..).filter(|r| !r.is_empty()) else {
            return Some(Err(ParseError::NotFound {
                what: "last-image flag before end of VBIOS",
            }));
        };
        let image = match RomImage::parse(rest, offset) {
            Ok(image) => image,
            Err(e) => return Some(Err(e)),
        };
        if !image.is_last() {
            let next = bytes::add(u64_of(offset), image.size(), "next ROM image")
                .and_then(|n| bytes::align_up(n, IMAGE_ALIGN, "next ROM image"))
                .and_then(|n| bytes::usize_of(n, "next ROM image"));
            match next {
                Ok(n) => self.offset = Some(n),
                Err(e) => return Some(Err(e)),
            }
        }
        Some(Ok(image))
    }
}

/// Returns where the ROM images start: after the IFR header if `data`
/// starts with one, else 0.
pub fn ifr_rom_offset(data: &[u8]) -> Result<usize> {
    if data.get(..4) != Some(&IFR_SIGNATURE[..]) {
        return Ok(0);
    }
    let fixed1 = read_u32_le(header(data, 4, 4, "IFR header")?, 0)?;
    let version = (fixed1 >> 8) & 0xff;
    let offset = match version {
        1 | 2 => {
            let fixed_data_size = (fixed1 >> 16) & 0x7fff;
            bytes::read_u32_at(data, u64::from(fixed_data_size) + 4, "IFR ROM offset")?
        }
        3 => {
            let total = read_u32_le(header(data, 8, 4, "IFR header")?, 0)? & 0xf_ffff;
            let status = bytes::read_u32_at(data, u64::from(total), "IFR flash status offset")?;
            let dir = bytes::add(
                u64::from(status),
                IFR_FLASH_STATUS_SIZE,
                "IFR ROM directory",
            )?;
            let sig = bytes::region(data, dir, 4, "IFR ROM directory")?;
            if sig != &ROM_DIRECTORY_SIGNATURE[..] {
                return Err(ParseError::BadMagic {
                    what: "IFR ROM directory",
                });
            }
            bytes::read_u32_at(
                data,
                bytes::add(dir, 8, "IFR ROM offset")?,
                "IFR ROM offset",
            )?
        }
        v => {
            return Err(ParseError::Unsupported {
                what: "IFR header version",
                value: u64::from(v),
            })
        }
    };
    bytes::usize_of(u64::from(offset), "IFR ROM offset")
}

/// The BIT header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BitHeader {
    /// Identifier, 0xb8ff.
    pub id: u16,
    /// Version in binary-coded decimal (0x0100 is 1.00).
    pub bcd_version: u16,
    /// Size of this header.
    pub header_size: u8,
    /// Size of one token.
    pub token_size: u8,
    /// Number of tokens.
    pub token_count: u8,
    /// Checksum.
    pub checksum: u8,
}

/// One BIT token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BitToken {
    /// Token ID (often an ASCII letter).
    pub id: u8,
    /// Version of the data the token points to.
    pub data_version: u8,
    /// Size of that data.
    pub data_size: u16,
    /// Offset of that data in the PC-AT image.
    pub data_offset: u16,
}

/// The BIT of a PC-AT image.
#[derive(Clone, Copy)]
pub struct Bit<'a> {
    /// Offset of the BIT header in the image.
    pub offset: usize,
    /// The header.
    pub header: BitHeader,
    /// The tokens, back to back.
    tokens: &'a [u8],
}

impl<'a> Bit<'a> {
    /// Finds and parses the BIT in `image`.
    pub fn find(image: &'a [u8]) -> Result<Self> {
        let offset =
            bytes::find(image, &BIT_PATTERN).ok_or(ParseError::NotFound { what: "BIT header" })?;
        let h = header(image, offset, BIT_HEADER_SIZE, "BIT header")?;
        let header = BitHeader {
            id: read_u16_le(h, 0)?,
            bcd_version: read_u16_le(h, 6)?,
            header_size: read_u8(h, 8)?,
            token_size: read_u8(h, 9)?,
            token_count: read_u8(h, 10)?,
            checksum: read_u8(h, 11)?,
        };
        if usize::from(header.header_size) < BIT_HEADER_SIZE {
            return Err(ParseError::Invalid {
                what: "BIT header size",
                value: u64::from(header.header_size),
            });
        }
        if usize::from(header.token_size) < BIT_TOKEN_SIZE {
            return Err(ParseError::Invalid {
                what: "BIT token size",
                value: u64::from(header.token_size),
            });
        }
        let start = u64_of(offset) + u64::from(header.header_size);
        let len = u64::from(header.token_size) * u64::from(header.token_count);
        let tokens = bytes::region(image, start, len, "BIT token table")?;
        Ok(Self {
            offset,
            header,
            tokens,
        })
    }

    /// Returns token `index`.
    pub fn token_at(&self, index: u8) -> Result<BitToken> {
        let size = usize::from(self.header.token_size);
        let t = header(self.tokens, usize::from(index) * size, size, "BIT token")?;
        Ok(BitToken {
            id: read_u8(t, 0)?,
            data_version: read_u8(t, 1)?,
            data_size: read_u16_le(t, 2)?,
            data_offset: read_u16_le(t, 4)?,
        })
    }

    /// Iterates over the tokens.
    pub fn tokens(&self) -> impl Iterator<Item = Result<BitToken>> + '_ {
        (0..self.header.token_count).map(move |i| self.token_at(i))
    }

    /// Returns the first token with ID `id`.
    pub fn token(&self, id: u8) -> Result<BitToken> {
        for token in self.tokens() {
            let token = token?;
            if token.id == id {
                return Ok(token);
            }
        }
        Err(ParseError::NotFound { what: "BIT token" })
    }
}

/// A VBIOS window read on demand (the PROM window of a GPU, where each
/// read is a slow bus round trip).
pub trait RomWindow {
    /// Error of a read.
    type Error;

    /// Reads `[start, start + len)` of the window if not read yet; the part
    /// beyond the window is ignored. Returns whether anything was read.
    fn load(&mut self, start: usize, len: usize) -> core::result::Result<bool, Self::Error>;

    /// The whole window; the bytes not read yet are zero.
    fn window(&self) -> &[u8];
}

/// Unit of [`read_needed`]'s reads of image bodies: small, as each byte
/// read costs, but for the ROM headers and BIT, which are at most a few
/// dozen bytes apart.
const READ_STEP: usize = 64;

/// Reads through `rom` the bytes [`Vbios::find_fwsec`] looks at in a
/// well-formed VBIOS, and returns the length of its image chain; `None` if
/// the VBIOS is not one this shortcut handles (an IFR header, a broken
/// chain, no PC-AT image or FWSEC found).
///
/// Read are the headers of each image, the PC-AT image from its start up
/// to the end of the BIT falcon data (read until the parser accepts it: as
/// it looks at nothing after what it found, the prefix parses as the whole
/// image would), and the parts of the FWSEC section the parser reads (the
/// falcon ucode table, the FWSEC descriptor and ucode), or if they do not
/// parse, the section from its start until the parser accepts it. The rest
/// (such as the body of an EFI image) is skipped. The window, truncated to
/// the chain, then parses as the whole VBIOS would.
pub fn read_needed<R: RomWindow>(rom: &mut R) -> core::result::Result<Option<usize>, R::Error> {
    rom.load(0, READ_STEP)?;
    if ifr_rom_offset(rom.window()) != Ok(0) {
        return Ok(None);
    }
    let size = rom.window().len();
    let mut offset = 0;
    let mut pci_at = None;
    let mut fwsec_start = None;
    let end = loop {
        let Some((image_size, code_type, last)) = image_headers(rom, offset)? else {
            return Ok(None);
        };
        if code_type == CODE_TYPE_PCI_AT && pci_at.is_none() {
            if !read_prefix(rom, offset, image_size, |p| falcon_data_pointer(p).is_ok())? {
                return Ok(None);
            }
            pci_at = Some((offset, image_size));
        }
        if code_type == CODE_TYPE_FWSEC && fwsec_start.is_none() {
            fwsec_start = Some(offset);
        }
        let image_end = offset.saturating_add(image_size);
        if last {
            break image_end;
        }
        offset = image_end.next_multiple_of(IMAGE_ALIGN as usize);
        if offset >= size {
            return Ok(None);
        }
    };
    let (Some((at, at_size)), Some(start)) = (pci_at, fwsec_start) else {
        return Ok(None);
    };
    if end > size || start >= end {
        return Ok(None);
    }
    let pointer = rom
        .window()
        .get(at..at + at_size)
        .and_then(|image| falcon_data_pointer(image).ok());
    let Some(pointer) = pointer else {
        return Ok(None);
    };
    let base = u64_of(at_size);
    let found = read_fwsec_parts(rom, start, end, pointer, base)?
        || read_prefix(rom, start, end - start, |section| {
            Fwsec::parse(section, pointer, base).is_ok()
        })?;
    Ok(found.then_some(end))
}

/// The parts of a FWSEC section [`Fwsec::parse`] reads, as far as the bytes
/// of `section` read so far tell: the falcon ucode table header, the table,
/// the descriptor header, the descriptor, the ucode. Each part is known
/// only once the ones before it were read.
fn fwsec_parts(section: &[u8], pointer: u32, base: u64) -> [Option<(usize, usize)>; 5] {
    let mut parts = [None; 5];
    let rebase = |p: u32| {
        u64::from(p)
            .checked_sub(base)
            .and_then(|o| usize::try_from(o).ok())
    };
    let at = |o: usize| section.get(o..).unwrap_or(&[]);
    let Some(table) = rebase(pointer) else {
        return parts;
    };
    parts[0] = Some((table, TABLE_HEADER_SIZE));
    let Ok(t) = UcodeTable::parse(at(table)) else {
        return parts;
    };
    let entries = usize::from(t.entry_size) * usize::from(t.entry_count);
    parts[1] = Some((table, usize::from(t.header_size) + entries));
    let Some(desc) = t.find(APPID_FWSEC_PROD).ok().and_then(|e| rebase(e.data)) else {
        return parts;
    };
    parts[2] = Some((desc, 4));
    let Ok(hdr) = read_u32_le(at(desc), 0) else {
        return parts;
    };
    // The descriptor's size is in the top half of its header; its fixed
    // part is read before that size is checked.
    let size = usize::from((hdr >> 16) as u16);
    parts[3] = Some((desc, size.max(DESC_V2_SIZE).max(DESC_V3_SIZE)));
    let Ok(d) = UcodeDesc::parse(at(desc)) else {
        return parts;
    };
    let ucode = u64::from(d.imem_load_size()) + u64::from(d.dmem_load_size());
    let Ok(ucode) = usize::try_from(ucode) else {
        return parts;
    };
    parts[4] = Some((desc.saturating_add(usize::from(d.size())), ucode));
    parts
}

/// Reads the parts of the FWSEC section `[start, end)` of `rom` that
/// [`Fwsec::parse`] reads (see [`fwsec_parts`]), until they are all read;
/// whether it then accepts the section. As each part is computed from
/// parts read before it, and the parser reads nothing else, it parses as
/// the whole section would.
fn read_fwsec_parts<R: RomWindow>(
    rom: &mut R,
    start: usize,
    end: usize,
    pointer: u32,
    base: u64,
) -> core::result::Result<bool, R::Error> {
    // One round per part, and one to see nothing more is needed.
    for _ in 0..6 {
        let Some(section) = rom.window().get(start..end) else {
            return Ok(false);
        };
        let parts = fwsec_parts(section, pointer, base);
        let mut read = false;
        for (offset, len) in parts.into_iter().flatten() {
            read |= rom.load(start.saturating_add(offset), len)?;
        }
        if !read {
            let section = rom.window().get(start..end).unwrap_or(&[]);
            return Ok(Fwsec::parse(section, pointer, base).is_ok());
        }
    }
    Ok(false)
}

/// Reads the headers of the image at `offset` of `rom` and returns its
/// size, code type and last-image flag; `None` if they do not parse.
fn image_headers<R: RomWindow>(
    rom: &mut R,
    offset: usize,
) -> core::result::Result<Option<(usize, u8, bool)>, R::Error> {
    let u16_at = |rom: &mut R, at: usize| -> core::result::Result<Option<usize>, R::Error> {
        rom.load(at, 2)?;
        Ok(read_u16_le(rom.window(), at).ok().map(usize::from))
    };
    rom.load(offset, 2)?;
    let Some(pcir) = u16_at(rom, offset.saturating_add(PCIR_POINTER_OFFSET))? else {
        return Ok(None);
    };
    let pcir = offset.saturating_add(pcir);
    rom.load(pcir, PCIR_SIZE)?;
    let Some(len) = u16_at(rom, pcir.saturating_add(0xa))? else {
        return Ok(None);
    };
    // The NPDE follows the PCIR at the next 16-byte boundary of the image,
    // which starts on a 512-byte boundary.
    rom.load(pcir.saturating_add(len).next_multiple_of(16), NPDE_SIZE)?;
    let rest = rom.window().get(offset..).unwrap_or(&[]);
    let Ok(image) = RomImage::parse(rest, offset) else {
        return Ok(None);
    };
    let Ok(size) = usize::try_from(image.size()) else {
        return Ok(None);
    };
    Ok(Some((size, image.code_type(), image.is_last())))
}

/// Reads `[start, start + len)` of `rom` from its start, [`READ_STEP`]
/// bytes at a time, until `done` accepts the part read; whether it did.
fn read_prefix<R: RomWindow>(
    rom: &mut R,
    start: usize,
    len: usize,
    done: impl Fn(&[u8]) -> bool,
) -> core::result::Result<bool, R::Error> {
    let mut have = 0;
    while have < len {
        have = (have + READ_STEP).min(len);
        rom.load(start, have)?;
        match rom.window().get(start..start.saturating_add(have)) {
            Some(part) if done(part) => return Ok(true),
            Some(_) => {}
            None => return Ok(false),
        }
    }
    Ok(false)
}
