// SPDX-License-Identifier: GPL-2.0

//! `PACKED_REGISTRY_TABLE`, the parameters of `SET_REGISTRY`: registry keys
//! GSP-RM reads at boot.
//!
//! The table is a header, `numEntries` entries, then the NUL-terminated key
//! names the entries point at (`nameOffset`, from the start of the table).
//!
//! Source: `PACKED_REGISTRY_TABLE`, `PACKED_REGISTRY_ENTRY` and
//! `REGISTRY_TABLE_ENTRY_TYPE_*` of open-gpu-kernel-modules 570.144; the
//! same facts in nova-core's r570.144 bindings (the entry types in
//! nouveau's `rm/r535/gsp.c`, which r570 shares).

use core::mem::{
    offset_of,
    size_of, //
};

use kernel::prelude::*;

/// `REGISTRY_TABLE_ENTRY_TYPE_DWORD`: `data` holds the value.
pub(crate) const REGISTRY_TABLE_ENTRY_TYPE_DWORD: u8 = 1;
/// `REGISTRY_TABLE_ENTRY_TYPE_BINARY`: `data` is the offset of `length`
/// bytes.
pub(crate) const REGISTRY_TABLE_ENTRY_TYPE_BINARY: u8 = 2;
/// `REGISTRY_TABLE_ENTRY_TYPE_STRING`: `data` is the offset of a string of
/// `length` bytes.
pub(crate) const REGISTRY_TABLE_ENTRY_TYPE_STRING: u8 = 3;

fw_struct! {
    /// `PACKED_REGISTRY_TABLE` without its flexible `entries[]` array.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct PackedRegistryTable {
        /// `size`: the size of the whole table, names included, in bytes.
        pub(crate) size: u32,
        /// `numEntries`: the number of [`PackedRegistryEntry`]s that follow.
        pub(crate) num_entries: u32,
    }
}

const _: () = assert!(size_of::<PackedRegistryTable>() == 8);
const _: () = assert!(offset_of!(PackedRegistryTable, num_entries) == 4);

fw_struct! {
    /// `PACKED_REGISTRY_ENTRY`: one registry key.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct PackedRegistryEntry {
        /// `nameOffset`: where the key's name is, from the start of the
        /// table.
        pub(crate) name_offset: u32,
        /// `type`: a `REGISTRY_TABLE_ENTRY_TYPE_*` value.
        pub(crate) type_: u8,
        /// Padding before the next `u32`.
        pub(crate) pad0: [u8; 3],
        /// `data`: the value, or the offset of the value for binary and
        /// string keys.
        pub(crate) data: u32,
        /// `length`: the length of a binary or string value; zero for a
        /// DWORD.
        pub(crate) length: u32,
    }
}

const _: () = assert!(size_of::<PackedRegistryEntry>() == 16);
const _: () = assert!(offset_of!(PackedRegistryEntry, type_) == 4);
const _: () = assert!(offset_of!(PackedRegistryEntry, data) == 8);
const _: () = assert!(offset_of!(PackedRegistryEntry, length) == 12);
