// SPDX-License-Identifier: GPL-2.0

//! The GSP-RM firmware image (`gsp-<version>.bin`).
//!
//! It is an ELF64 RISC-V relocatable file. The boot needs three of its
//! sections: `.fwimage` (the image mapped for the GSP through the radix3
//! page tables), `.fwversion` (the NUL-terminated version string, e.g.
//! `570.144`) and `.fwsignature_<family>` (the signatures for one chipset
//! family, see [`super::chip::gsp_sig_section`]). Other sections (symbol
//! table, build id, confidential-computing signatures `.fwsignature_cc_*`)
//! are not needed.

use super::chip;
use super::elf::{Elf, ElfClass, Section, Sections, EM_RISCV};
use super::{ParseError, Result};

/// Name of the section holding the firmware image.
pub const FWIMAGE: &str = ".fwimage";
/// Name of the section holding the version string.
pub const FWVERSION: &str = ".fwversion";
/// Prefix of the sections holding signatures.
pub const FWSIGNATURE_PREFIX: &str = ".fwsignature_";

/// A GSP-RM image with the sections every chipset needs.
#[derive(Clone, Copy)]
pub struct GspImage<'a> {
    /// The ELF file.
    pub elf: Elf<'a>,
    /// The `.fwimage` section.
    pub image: Section<'a>,
    /// The version, from `.fwversion` without its NUL terminator.
    pub version: &'a str,
}

impl<'a> GspImage<'a> {
    /// Parses a GSP-RM image: an ELF64 RISC-V file with a non-empty
    /// `.fwimage` and a printable `.fwversion`.
    pub fn parse(data: &'a [u8]) -> Result<Self> {
        let elf = Elf::parse(data)?;
        if elf.class != ElfClass::Elf64 {
            return Err(ParseError::Unsupported {
                what: "GSP-RM ELF class (must be ELF64)",
                value: 1,
            });
        }
        if elf.machine != EM_RISCV {
            return Err(ParseError::Unsupported {
                what: "GSP-RM ELF machine (must be RISC-V)",
                value: u64::from(elf.machine),
            });
        }
        let image = elf.section(FWIMAGE)?;
        if image.data.is_empty() {
            return Err(ParseError::Invalid {
                what: ".fwimage size",
                value: 0,
            });
        }
        let version = parse_version(elf.section(FWVERSION)?.data)?;
        Ok(Self {
            elf,
            image,
            version,
        })
    }

    /// Returns the signature section for chipset `chip` (e.g. `ga104`).
    pub fn signature(&self, chip: &str) -> Result<Section<'a>> {
        let name = chip::gsp_sig_section(chip).ok_or(ParseError::NotFound {
            what: "chipset in the GSP signature table",
        })?;
        let sig = self.elf.section(name)?;
        if sig.data.is_empty() {
            return Err(ParseError::Invalid {
                what: "GSP signature section size",
                value: 0,
            });
        }
        Ok(sig)
    }

    /// Iterates over all `.fwsignature_*` sections.
    pub fn signatures(&self) -> Signatures<'a> {
        Signatures {
            sections: self.elf.sections(),
        }
    }
}

/// Returns the version string held by a `.fwversion` section: printable
/// ASCII up to the first NUL (or the end of the section).
pub fn parse_version(raw: &[u8]) -> Result<&str> {
    let len = raw.iter().position(|&b| b == 0).unwrap_or(raw.len());
    let text = raw
        .get(..len)
        .ok_or(ParseError::Overflow { what: ".fwversion" })?;
    if text.is_empty() {
        return Err(ParseError::Invalid {
            what: ".fwversion (empty)",
            value: 0,
        });
    }
    if let Some(&b) = text.iter().find(|b| !b.is_ascii_graphic()) {
        return Err(ParseError::Invalid {
            what: ".fwversion (not printable)",
            value: u64::from(b),
        });
    }
    core::str::from_utf8(text).map_err(|_| ParseError::Invalid {
        what: ".fwversion (not UTF-8)",
        value: 0,
    })
}

/// Iterator over the signature sections of a [`GspImage`]; sections that
/// cannot be read are yielded as errors.
#[derive(Clone)]
pub struct Signatures<'a> {
    /// All sections of the file.
    sections: Sections<'a>,
}

impl<'a> Iterator for Signatures<'a> {
    type Item = Result<Section<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match self.sections.next()? {
                Ok(s) if !s.name.starts_with(FWSIGNATURE_PREFIX) => continue,
                other => return Some(other),
            }
        }
    }
}
