// SPDX-License-Identifier: GPL-2.0

//! The GSP first-mutable-code image of Hopper and Blackwell (`fmc-*.bin`).
//!
//! Unlike GSP-RM it is an ELF32 file (no machine type) with four sections:
//! `hash` (the SHA-384 of the image, 48 bytes), `signature` and `publickey`
//! (RSA-3072, at most 384 bytes each; shorter ones are zero-padded by the
//! driver) and `image` (the code handed to the FSP).

use super::elf::{Elf, ElfClass};
use super::{bytes::u64_of, ParseError, Result};

/// Size of the `hash` section.
pub const HASH_SIZE: usize = 48;
/// Maximum size of the `publickey` section.
pub const PKEY_MAX_SIZE: usize = 384;
/// Maximum size of the `signature` section.
pub const SIG_MAX_SIZE: usize = 384;

/// A parsed FMC image.
#[derive(Clone, Copy)]
pub struct FmcImage<'a> {
    /// The ELF file.
    pub elf: Elf<'a>,
    /// The SHA-384 hash of the image.
    pub hash: &'a [u8],
    /// The signature.
    pub signature: &'a [u8],
    /// The public key.
    pub public_key: &'a [u8],
    /// The image.
    pub image: &'a [u8],
}

impl<'a> FmcImage<'a> {
    /// Parses an FMC image and checks its section sizes.
    pub fn parse(data: &'a [u8]) -> Result<Self> {
        let elf = Elf::parse(data)?;
        if elf.class != ElfClass::Elf32 {
            return Err(ParseError::Unsupported {
                what: "FMC ELF class (must be ELF32)",
                value: 2,
            });
        }
        let hash = elf.section("hash")?.data;
        let signature = elf.section("signature")?.data;
        let public_key = elf.section("publickey")?.data;
        let image = elf.section("image")?.data;
        if hash.len() != HASH_SIZE {
            return Err(ParseError::Invalid {
                what: "FMC hash size",
                value: u64_of(hash.len()),
            });
        }
        if signature.is_empty() || signature.len() > SIG_MAX_SIZE {
            return Err(ParseError::Invalid {
                what: "FMC signature size",
                value: u64_of(signature.len()),
            });
        }
        if public_key.is_empty() || public_key.len() > PKEY_MAX_SIZE {
            return Err(ParseError::Invalid {
                what: "FMC public key size",
                value: u64_of(public_key.len()),
            });
        }
        if image.is_empty() {
            return Err(ParseError::Invalid {
                what: "FMC image size",
                value: 0,
            });
        }
        Ok(Self {
            elf,
            hash,
            signature,
            public_key,
            image,
        })
    }
}
