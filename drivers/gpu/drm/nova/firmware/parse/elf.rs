// SPDX-License-Identifier: GPL-2.0

//! ELF header, section table and section lookup, for 32-bit and 64-bit
//! little-endian files.
//!
//! GSP-RM (`gsp-*.bin`) is an ELF64 relocatable RISC-V file whose sections
//! carry the firmware image, its version and per-chip signatures (see
//! [`super::gsp`]); the Hopper/Blackwell FMC (`fmc-*.bin`) is an ELF32 file
//! (see [`super::fmc`]). Only the section table matters for both: program
//! headers are not used.

use super::bytes::{self, header, read_u16_le, read_u32_le, read_u64_le, u64_of};
use super::{ParseError, Result};

/// The four bytes every ELF file starts with.
pub const ELF_MAGIC: [u8; 4] = [0x7f, b'E', b'L', b'F'];
/// `e_machine` of RISC-V.
pub const EM_RISCV: u16 = 243;
/// `sh_type` of a section that occupies no space in the file.
pub const SHT_NOBITS: u32 = 8;

/// Size of the ELF32 file header.
const EHDR32_SIZE: usize = 52;
/// Size of the ELF64 file header.
const EHDR64_SIZE: usize = 64;
/// Size of an ELF32 section header.
const SHDR32_SIZE: u16 = 40;
/// Size of an ELF64 section header.
const SHDR64_SIZE: u16 = 64;
/// `e_shstrndx` value meaning the index is stored elsewhere.
const SHN_XINDEX: u16 = 0xffff;

/// ELF file class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ElfClass {
    /// `ELFCLASS32`.
    Elf32,
    /// `ELFCLASS64`.
    Elf64,
}

/// A parsed ELF file whose section table has been checked to lie inside it.
#[derive(Clone, Copy)]
pub struct Elf<'a> {
    /// The whole file.
    data: &'a [u8],
    /// File class.
    pub class: ElfClass,
    /// `e_type` (1 = relocatable, 2 = executable...).
    pub file_type: u16,
    /// `e_machine` ([`EM_RISCV`] for GSP-RM).
    pub machine: u16,
    /// `e_entry`.
    pub entry: u64,
    /// `e_flags`.
    pub flags: u32,
    /// Offset of the section header table.
    pub shoff: u64,
    /// Size of one section header as declared by the file.
    pub shentsize: u16,
    /// Number of section headers.
    pub shnum: u16,
    /// Index of the section name string table.
    pub shstrndx: u16,
    /// Contents of the section name string table.
    shstrtab: &'a [u8],
}

/// One section of an [`Elf`] file.
#[derive(Clone, Copy)]
pub struct Section<'a> {
    /// Index in the section table.
    pub index: u16,
    /// Name, from the section name string table.
    pub name: &'a str,
    /// `sh_type`.
    pub kind: u32,
    /// `sh_flags`.
    pub flags: u64,
    /// `sh_addr`.
    pub addr: u64,
    /// Offset of the contents in the file.
    pub offset: u64,
    /// Size of the contents.
    pub size: u64,
    /// The contents (empty for [`SHT_NOBITS`] sections).
    pub data: &'a [u8],
}

/// Raw fields of one section header.
struct RawSection {
    /// `sh_name`: offset of the name in the string table.
    name: u32,
    /// `sh_type`.
    kind: u32,
    /// `sh_flags`.
    flags: u64,
    /// `sh_addr`.
    addr: u64,
    /// `sh_offset`.
    offset: u64,
    /// `sh_size`.
    size: u64,
}

impl<'a> Elf<'a> {
    /// Parses the ELF header of `data` and checks its section table.
    pub fn parse(data: &'a [u8]) -> Result<Self> {
        let ident = header(data, 0, 16, "ELF identification")?;
        if ident.get(..4) != Some(&ELF_MAGIC[..]) {
            return Err(ParseError::BadMagic { what: "ELF header" });
        }
        let class = match bytes::read_u8(ident, 4)? {
            1 => ElfClass::Elf32,
            2 => ElfClass::Elf64,
            v => {
                return Err(ParseError::Unsupported {
                    what: "ELF class",
                    value: u64::from(v),
                })
            }
        };
        let encoding = bytes::read_u8(ident, 5)?;
        if encoding != 1 {
            return Err(ParseError::Unsupported {
                what: "ELF data encoding (only little-endian)",
                value: u64::from(encoding),
            });
        }
        let ident_version = bytes::read_u8(ident, 6)?;
        if ident_version != 1 {
            return Err(ParseError::Unsupported {
                what: "ELF identification version",
                value: u64::from(ident_version),
            });
        }

        let mut elf = match class {
            ElfClass::Elf32 => {
                let h = header(data, 0, EHDR32_SIZE, "ELF32 header")?;
                Self::empty(
                    data,
                    class,
                    h,
                    u64::from(read_u32_le(h, 24)?),
                    u64::from(read_u32_le(h, 32)?),
                    [36, 46, 48, 50],
                )?
            }
            ElfClass::Elf64 => {
                let h = header(data, 0, EHDR64_SIZE, "ELF64 header")?;
                Self::empty(
                    data,
                    class,
                    h,
                    read_u64_le(h, 24)?,
                    read_u64_le(h, 40)?,
                    [48, 58, 60, 62],
                )?
            }
        };
        elf.check_table()?;
        elf.shstrtab = elf.string_table()?;
        Ok(elf)
    }

    /// Builds an [`Elf`] from the class-specific header fields; `offs` gives
    /// the offsets of `e_flags`, `e_shentsize`, `e_shnum` and `e_shstrndx`.
    fn empty(
        data: &'a [u8],
        class: ElfClass,
        h: &[u8],
        entry: u64,
        shoff: u64,
        offs: [usize; 4],
    ) -> Result<Self> {
        let [flags, shentsize, shnum, shstrndx] = offs;
        let version = read_u32_le(h, 20)?;
        if version != 1 {
            return Err(ParseError::Unsupported {
                what: "ELF version",
                value: u64::from(version),
            });
        }
        Ok(Self {
            data,
            class,
            file_type: read_u16_le(h, 16)?,
            machine: read_u16_le(h, 18)?,
            entry,
            flags: read_u32_le(h, flags)?,
            shoff,
            shentsize: read_u16_le(h, shentsize)?,
            shnum: read_u16_le(h, shnum)?,
            shstrndx: read_u16_le(h, shstrndx)?,
            shstrtab: &[],
        })
    }

    /// Checks the section header table size and position.
    fn check_table(&self) -> Result<()> {
        if self.shnum == 0 {
            if self.shoff != 0 {
                // More than 0xff00 sections: the count is kept in section 0.
                return Err(ParseError::Unsupported {
                    what: "ELF extended section numbering",
                    value: self.shoff,
                });
            }
            return Err(ParseError::NotFound {
                what: "ELF section table",
            });
        }
        let min = match self.class {
            ElfClass::Elf32 => SHDR32_SIZE,
            ElfClass::Elf64 => SHDR64_SIZE,
        };
        if self.shentsize < min {
            return Err(ParseError::Invalid {
                what: "ELF section header size",
                value: u64::from(self.shentsize),
            });
        }
        let table = bytes::mul(
            u64::from(self.shnum),
            u64::from(self.shentsize),
            "ELF section table size",
        )?;
        bytes::region(self.data, self.shoff, table, "ELF section table")?;
        if self.shstrndx == SHN_XINDEX {
            return Err(ParseError::Unsupported {
                what: "ELF extended section name table index",
                value: u64::from(self.shstrndx),
            });
        }
        if self.shstrndx == 0 {
            return Err(ParseError::NotFound {
                what: "ELF section name table",
            });
        }
        if self.shstrndx >= self.shnum {
            return Err(ParseError::Invalid {
                what: "ELF section name table index",
                value: u64::from(self.shstrndx),
            });
        }
        Ok(())
    }

    /// Returns the contents of the section name string table.
    fn string_table(&self) -> Result<&'a [u8]> {
        let raw = self.raw_section(self.shstrndx)?;
        bytes::region(self.data, raw.offset, raw.size, "ELF section name table")
    }

    /// Reads the header of section `index`.
    fn raw_section(&self, index: u16) -> Result<RawSection> {
        if index >= self.shnum {
            return Err(ParseError::Invalid {
                what: "ELF section index",
                value: u64::from(index),
            });
        }
        let pos = bytes::add(
            self.shoff,
            u64::from(index) * u64::from(self.shentsize),
            "ELF section header offset",
        )?;
        let len = u64::from(self.shentsize);
        let h = bytes::region(self.data, pos, len, "ELF section header")?;
        Ok(match self.class {
            ElfClass::Elf32 => RawSection {
                name: read_u32_le(h, 0)?,
                kind: read_u32_le(h, 4)?,
                flags: u64::from(read_u32_le(h, 8)?),
                addr: u64::from(read_u32_le(h, 12)?),
                offset: u64::from(read_u32_le(h, 16)?),
                size: u64::from(read_u32_le(h, 20)?),
            },
            ElfClass::Elf64 => RawSection {
                name: read_u32_le(h, 0)?,
                kind: read_u32_le(h, 4)?,
                flags: read_u64_le(h, 8)?,
                addr: read_u64_le(h, 16)?,
                offset: read_u64_le(h, 24)?,
                size: read_u64_le(h, 32)?,
            },
        })
    }

    /// Returns the name of a section from its `sh_name`.
    fn name(&self, sh_name: u32) -> Result<&'a str> {
        let off = bytes::usize_of(u64::from(sh_name), "ELF section name")?;
        let raw = bytes::cstr(self.shstrtab, off, "ELF section name")?;
        core::str::from_utf8(raw).map_err(|_| ParseError::Invalid {
            what: "ELF section name (not UTF-8)",
            value: u64::from(sh_name),
        })
    }

    /// Completes a raw section header into a [`Section`], checking that its
    /// contents lie inside the file.
    fn finish(&self, index: u16, name: &'a str, raw: &RawSection) -> Result<Section<'a>> {
        let data = if raw.kind == SHT_NOBITS {
            &[][..]
        } else {
            bytes::region(self.data, raw.offset, raw.size, "ELF section contents")?
        };
        Ok(Section {
            index,
            name,
            kind: raw.kind,
            flags: raw.flags,
            addr: raw.addr,
            offset: raw.offset,
            size: raw.size,
            data,
        })
    }

    /// The whole file this header was parsed from.
    pub fn data(&self) -> &'a [u8] {
        self.data
    }

    /// Size of the file in bytes.
    pub fn file_size(&self) -> u64 {
        u64_of(self.data.len())
    }

    /// Returns section `index`, with its name and contents checked.
    pub fn section_at(&self, index: u16) -> Result<Section<'a>> {
        let raw = self.raw_section(index)?;
        let name = self.name(raw.name)?;
        self.finish(index, name, &raw)
    }

    /// Iterates over all sections, yielding an error for each bad one.
    pub fn sections(&self) -> Sections<'a> {
        Sections {
            elf: *self,
            next: 0,
        }
    }

    /// Looks up the section called `name`. Sections whose own name cannot be
    /// read are skipped; the matching section's contents are checked.
    pub fn find_section(&self, name: &str) -> Result<Option<Section<'a>>> {
        for index in 0..self.shnum {
            let raw = self.raw_section(index)?;
            if self.name(raw.name).ok() == Some(name) {
                return self.finish(index, self.name(raw.name)?, &raw).map(Some);
            }
        }
        Ok(None)
    }

    /// Like [`Self::find_section`], but a missing section is an error.
    pub fn section(&self, name: &'static str) -> Result<Section<'a>> {
        self.find_section(name)?
            .ok_or(ParseError::NotFound { what: name })
    }
}

/// Iterator over the sections of an [`Elf`] file, see [`Elf::sections`].
#[derive(Clone)]
pub struct Sections<'a> {
    /// The file.
    elf: Elf<'a>,
    /// Index of the next section.
    next: u16,
}

impl<'a> Iterator for Sections<'a> {
    type Item = Result<Section<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.next >= self.elf.shnum {
            return None;
        }
        let index = self.next;
        self.next = self.next.saturating_add(1);
        Some(self.elf.section_at(index))
    }
}
