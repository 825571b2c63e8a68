// SPDX-License-Identifier: GPL-2.0

//! The libos argument array: `LibosMemoryRegionInitArgument` entries, one
//! per memory region GSP-RM's operating system (libos) is told about at
//! boot through the GSP falcon's mailboxes.
//!
//! Source: `LibosMemoryRegionInitArgument`, `LibosMemoryRegionKind` and
//! `LibosMemoryRegionLoc` in libos's `libos_init_args.h`
//! (open-gpu-kernel-modules 570.144); the same facts in nova-core's r570.144
//! bindings.

use core::mem::{
    offset_of,
    size_of, //
};

use kernel::prelude::*;

/// `LibosMemoryRegionKind`: how a region is laid out.
#[repr(u8)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LibosMemoryRegionKind {
    /// `LIBOS_MEMORY_REGION_NONE`.
    None = 0,
    /// `LIBOS_MEMORY_REGION_CONTIGUOUS`: physically contiguous.
    Contiguous = 1,
    /// `LIBOS_MEMORY_REGION_RADIX3`: mapped through radix3 page tables.
    Radix3 = 2,
}

/// `LibosMemoryRegionLoc`: where a region is.
#[repr(u8)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LibosMemoryRegionLoc {
    /// `LIBOS_MEMORY_REGION_LOC_NONE`.
    None = 0,
    /// `LIBOS_MEMORY_REGION_LOC_SYSMEM`: system memory.
    Sysmem = 1,
    /// `LIBOS_MEMORY_REGION_LOC_FB`: the GPU's framebuffer.
    Fb = 2,
}

fw_struct! {
    /// `LibosMemoryRegionInitArgument`: one memory region.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct LibosMemoryRegionInitArgument {
        /// `id8`: the region's name, up to eight characters packed into a
        /// `u64` with the first one in the most significant used byte.
        pub(crate) id8: u64,
        /// `pa`: the region's bus address.
        pub(crate) pa: u64,
        /// `size`: its size in bytes.
        pub(crate) size: u64,
        /// `kind`: a [`LibosMemoryRegionKind`].
        pub(crate) kind: u8,
        /// `loc`: a [`LibosMemoryRegionLoc`].
        pub(crate) loc: u8,
        /// Padding to the structure's alignment.
        pub(crate) pad0: [u8; 6],
    }
}

const _: () = assert!(size_of::<LibosMemoryRegionInitArgument>() == 0x20);
const _: () = assert!(offset_of!(LibosMemoryRegionInitArgument, pa) == 0x08);
const _: () = assert!(offset_of!(LibosMemoryRegionInitArgument, size) == 0x10);
const _: () = assert!(offset_of!(LibosMemoryRegionInitArgument, kind) == 0x18);
const _: () = assert!(offset_of!(LibosMemoryRegionInitArgument, loc) == 0x19);

impl LibosMemoryRegionInitArgument {
    /// The entry for the region `id8` at bus address `pa`, `size` bytes
    /// long.
    pub(crate) fn new(
        id8: u64,
        pa: u64,
        size: u64,
        kind: LibosMemoryRegionKind,
        loc: LibosMemoryRegionLoc,
    ) -> Self {
        Self {
            id8,
            pa,
            size,
            kind: kind as u8,
            loc: loc as u8,
            pad0: [0; 6],
        }
    }
}
