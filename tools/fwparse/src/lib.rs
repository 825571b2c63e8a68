//! Host build of nova's firmware parsers.
//!
//! The parsers live in the kernel tree (`drivers/gpu/drm/nova/fwparse/`) and
//! are written against `core` alone; this crate compiles those very files,
//! unchanged, so that host tools (`nvfw`), tests and fuzzers use the same
//! code as `nova.ko`.
//!
//! Tests (`cargo test -p fwparse -p nvfw`) run the parsers on every file of
//! the installed firmware-nvidia-graphics package (in the build root, or
//! `NOVA_FW_DIR`), on corrupted copies of them and on hand-built VBIOS
//! images ([`testimg`]). `tools/fwparse/fuzz.sh N` runs each cargo-fuzz
//! target of `tools/fwparse/fuzz` for N inputs.

#![forbid(unsafe_code)]

#[path = "../../../drivers/gpu/drm/nova/fwparse/mod.rs"]
pub mod fwparse;

pub use fwparse::{
    bin_hdr, bl, bytes, chip, elf, fmc, fwsec, gsp, hs, kind, riscv, vbios, ParseError, Result,
};

pub mod testimg;
