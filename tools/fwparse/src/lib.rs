//! Host build of nova's firmware parsers.
//!
//! The parsers live in the kernel tree (`drivers/gpu/drm/nova/firmware/parse/`) and
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

#[path = "../../../drivers/gpu/drm/nova/firmware/parse/mod.rs"]
pub mod fwparse;

pub use fwparse::{
    bin_hdr, bl, bytes, chip, elf, fmc, fwsec, gsp, hs, kind, riscv, vbios, ParseError, Result,
};

pub mod testimg;

/// Where the tests find Debian's firmware-nvidia-graphics files:
/// `NOVA_FW_DIR`, or the build root's `/usr/lib/firmware/nvidia` in nova's
/// cache (`NOVA_CACHE`, default `~/.cache/nova`).
pub fn test_fw_dir() -> std::path::PathBuf {
    use std::path::PathBuf;
    if let Some(dir) = std::env::var_os("NOVA_FW_DIR") {
        return PathBuf::from(dir);
    }
    let cache = std::env::var_os("NOVA_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/nova")
        });
    cache.join("rootfs/usr/lib/firmware/nvidia")
}
