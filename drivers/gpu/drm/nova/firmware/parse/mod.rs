// SPDX-License-Identifier: GPL-2.0

//! Parsers for the firmware formats nova loads: the GSP-RM ELF image, the
//! NVIDIA `bin_hdr` container and the headers it carries (RISC-V bootloader
//! descriptor, falcon heavy-secure images, falcon generic bootloader), the
//! Hopper/Blackwell FMC image, and the VBIOS (PCI expansion ROM, BIT table,
//! falcon ucode table and FWSEC descriptors).
//!
//! This module is written against `core` alone so that the very same files
//! build into `nova.ko` and into host tools (`tools/fwparse`, `tools/nvfw`),
//! where they are tested on the real firmware files and fuzzed.
//!
//! Every parser takes a byte slice and returns plain structures or views that
//! borrow from it. Nothing here panics on any input: every read goes through
//! [`bytes`], every offset and size taken from a file is checked against the
//! buffer, and every sum of file-controlled values is checked.
//!
//! Views that borrow file contents do not implement `Debug`, so that a
//! debug print cannot dump a whole firmware image; their header structs do.
//!
//! The kernel declares this module with `#[allow(unreachable_pub, dead_code)]`
//! because its API is `pub` for the host crates and only partly used by the
//! driver.

pub mod bin_hdr;
pub mod bl;
pub mod bytes;
pub mod chip;
pub mod elf;
pub mod error;
pub mod fmc;
pub mod fwsec;
pub mod gsp;
pub mod hs;
pub mod kind;
pub mod riscv;
pub mod vbios;

pub use error::ParseError;

/// Result type of every parser in this module.
pub type Result<T> = core::result::Result<T, ParseError>;
