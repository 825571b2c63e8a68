// SPDX-License-Identifier: GPL-2.0

//! `GspFwWprMeta`: the WPR metadata, which booter_load reads to place
//! GSP-RM in WPR2 and which the GSP bootloader then keeps there.
//!
//! Source: `GspFwWprMeta` and `GSP_FW_WPR_META_*` in `gsp_fw_wpr_meta.h`
//! (open-gpu-kernel-modules 570.144); the same facts in nova-core's r570.144
//! bindings (`GspFwWprMeta` and its anonymous unions).

use core::mem::{
    offset_of,
    size_of, //
};

use kernel::{
    prelude::*,
    transmute::{
        AsBytes,
        FromBytes, //
    },
};

/// `GSP_FW_WPR_META_MAGIC`.
pub(crate) const GSP_FW_WPR_META_MAGIC: u64 = 0xdc3a_ae21_371a_60b3;
/// `GSP_FW_WPR_META_REVISION`.
pub(crate) const GSP_FW_WPR_META_REVISION: u64 = 1;
/// `GSP_FW_WPR_META_VERIFIED`: the value of `verified` once booter has
/// checked the metadata.
pub(crate) const GSP_FW_WPR_META_VERIFIED: u64 = 0xa0a0_a0a0_a0a0_a0a0;

fw_struct! {
    /// The boot form of the first union of `GspFwWprMeta`: where GSP-RM's
    /// signature is.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct WprMetaSignature {
        /// `sysmemAddrOfSignature`: its bus address.
        pub(crate) sysmem_addr_of_signature: u64,
        /// `sizeOfSignature`: its size.
        pub(crate) size_of_signature: u64,
    }
}

fw_struct! {
    /// The resume form of the first union of `GspFwWprMeta`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct WprMetaResume {
        /// `gspFwHeapFreeListWprOffset`.
        pub(crate) gsp_fw_heap_free_list_wpr_offset: u32,
        /// `unused0`.
        pub(crate) unused0: u32,
        /// `unused1`.
        pub(crate) unused1: u64,
    }
}

/// The first union of `GspFwWprMeta`: [`WprMetaSignature`] at boot,
/// [`WprMetaResume`] on resume.
#[repr(C)]
#[derive(Clone, Copy, Zeroable)]
pub(crate) union WprMetaBootResume {
    /// At boot.
    pub(crate) boot: WprMetaSignature,
    /// On resume.
    pub(crate) resume: WprMetaResume,
}

const _: () = assert!(size_of::<WprMetaBootResume>() == 0x10);
const _: () = assert!(size_of::<WprMetaSignature>() == size_of::<WprMetaBootResume>());
const _: () = assert!(size_of::<WprMetaResume>() == size_of::<WprMetaBootResume>());

// SAFETY: `WprMetaBootResume` is `repr(C)` and each of its fields is
// `FromBytes` and as large as the union, so every bit pattern is a valid
// value of either field.
unsafe impl FromBytes for WprMetaBootResume {}

// SAFETY: Each field of `WprMetaBootResume` is `AsBytes` and as large as the
// union (checked above), so whichever field a value was made from, every
// byte of it is initialised.
unsafe impl AsBytes for WprMetaBootResume {}

fw_struct! {
    /// The partition RPC form of the second union of `GspFwWprMeta`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct WprMetaPartitionRpc {
        /// `partitionRpcAddr`.
        pub(crate) partition_rpc_addr: u64,
        /// `partitionRpcRequestOffset`.
        pub(crate) partition_rpc_request_offset: u16,
        /// `partitionRpcReplyOffset`.
        pub(crate) partition_rpc_reply_offset: u16,
        /// `elfCodeOffset`.
        pub(crate) elf_code_offset: u32,
        /// `elfDataOffset`.
        pub(crate) elf_data_offset: u32,
        /// `elfCodeSize`.
        pub(crate) elf_code_size: u32,
        /// `elfDataSize`.
        pub(crate) elf_data_size: u32,
        /// `lsUcodeVersion`.
        pub(crate) ls_ucode_version: u32,
    }
}

fw_struct! {
    /// The crash report form of the second union of `GspFwWprMeta`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct WprMetaCrashReport {
        /// `partitionRpcPadding`.
        pub(crate) partition_rpc_padding: [u32; 4],
        /// `sysmemAddrOfCrashReportQueue`.
        pub(crate) sysmem_addr_of_crash_report_queue: u64,
        /// `sizeOfCrashReportQueue`.
        pub(crate) size_of_crash_report_queue: u32,
        /// `lsUcodeVersionPadding`.
        pub(crate) ls_ucode_version_padding: [u32; 1],
    }
}

/// The second union of `GspFwWprMeta`.
#[repr(C)]
#[derive(Clone, Copy, Zeroable)]
pub(crate) union WprMetaPartition {
    /// The partition RPC form.
    pub(crate) rpc: WprMetaPartitionRpc,
    /// The crash report form.
    pub(crate) crash_report: WprMetaCrashReport,
}

const _: () = assert!(size_of::<WprMetaPartition>() == 0x20);
const _: () = assert!(size_of::<WprMetaPartitionRpc>() == size_of::<WprMetaPartition>());
const _: () = assert!(size_of::<WprMetaCrashReport>() == size_of::<WprMetaPartition>());

// SAFETY: `WprMetaPartition` is `repr(C)` and each of its fields is
// `FromBytes` and as large as the union, so every bit pattern is a valid
// value of either field.
unsafe impl FromBytes for WprMetaPartition {}

// SAFETY: Each field of `WprMetaPartition` is `AsBytes` and as large as the
// union (checked above), so whichever field a value was made from, every
// byte of it is initialised.
unsafe impl AsBytes for WprMetaPartition {}

fw_struct! {
    /// `GspFwWprMeta`.
    #[derive(Clone, Copy, Zeroable)]
    pub(crate) struct GspFwWprMeta {
        /// `magic`: [`GSP_FW_WPR_META_MAGIC`].
        pub(crate) magic: u64,
        /// `revision`: [`GSP_FW_WPR_META_REVISION`].
        pub(crate) revision: u64,
        /// `sysmemAddrOfRadix3Elf`: bus address of the radix3 level 0 table
        /// that maps the GSP-RM image.
        pub(crate) sysmem_addr_of_radix3_elf: u64,
        /// `sizeOfRadix3Elf`: the size of the image.
        pub(crate) size_of_radix3_elf: u64,
        /// `sysmemAddrOfBootloader`: bus address of the RISC-V bootloader.
        pub(crate) sysmem_addr_of_bootloader: u64,
        /// `sizeOfBootloader`: its size.
        pub(crate) size_of_bootloader: u64,
        /// `bootloaderCodeOffset`.
        pub(crate) bootloader_code_offset: u64,
        /// `bootloaderDataOffset`.
        pub(crate) bootloader_data_offset: u64,
        /// `bootloaderManifestOffset`.
        pub(crate) bootloader_manifest_offset: u64,
        /// The signature at boot, heap state on resume.
        pub(crate) boot_resume: WprMetaBootResume,
        /// `gspFwRsvdStart`: the start of the framebuffer part reserved for
        /// GSP-RM.
        pub(crate) gsp_fw_rsvd_start: u64,
        /// `nonWprHeapOffset`.
        pub(crate) non_wpr_heap_offset: u64,
        /// `nonWprHeapSize`.
        pub(crate) non_wpr_heap_size: u64,
        /// `gspFwWprStart`: the start of WPR2.
        pub(crate) gsp_fw_wpr_start: u64,
        /// `gspFwHeapOffset`.
        pub(crate) gsp_fw_heap_offset: u64,
        /// `gspFwHeapSize`.
        pub(crate) gsp_fw_heap_size: u64,
        /// `gspFwOffset`: where the GSP-RM ELF image goes.
        pub(crate) gsp_fw_offset: u64,
        /// `bootBinOffset`: where the bootloader goes.
        pub(crate) boot_bin_offset: u64,
        /// `frtsOffset`.
        pub(crate) frts_offset: u64,
        /// `frtsSize`.
        pub(crate) frts_size: u64,
        /// `gspFwWprEnd`: the end of WPR2.
        pub(crate) gsp_fw_wpr_end: u64,
        /// `fbSize`: the size of the framebuffer.
        pub(crate) fb_size: u64,
        /// `vgaWorkspaceOffset`.
        pub(crate) vga_workspace_offset: u64,
        /// `vgaWorkspaceSize`.
        pub(crate) vga_workspace_size: u64,
        /// `bootCount`.
        pub(crate) boot_count: u64,
        /// Partition RPC or crash report queue.
        pub(crate) partition: WprMetaPartition,
        /// `gspFwHeapVfPartitionCount`.
        pub(crate) gsp_fw_heap_vf_partition_count: u8,
        /// `flags`.
        pub(crate) flags: u8,
        /// `padding`.
        pub(crate) padding: [u8; 2],
        /// `pmuReservedSize`.
        pub(crate) pmu_reserved_size: u32,
        /// `verified`: [`GSP_FW_WPR_META_VERIFIED`] once booter checked it.
        pub(crate) verified: u64,
    }
}

const _: () = assert!(size_of::<GspFwWprMeta>() == 0x100);
const _: () = assert!(offset_of!(GspFwWprMeta, sysmem_addr_of_radix3_elf) == 0x10);
const _: () = assert!(offset_of!(GspFwWprMeta, bootloader_manifest_offset) == 0x40);
const _: () = assert!(offset_of!(GspFwWprMeta, boot_resume) == 0x48);
const _: () = assert!(offset_of!(GspFwWprMeta, gsp_fw_rsvd_start) == 0x58);
const _: () = assert!(offset_of!(GspFwWprMeta, gsp_fw_wpr_start) == 0x70);
const _: () = assert!(offset_of!(GspFwWprMeta, gsp_fw_offset) == 0x88);
const _: () = assert!(offset_of!(GspFwWprMeta, frts_offset) == 0x98);
const _: () = assert!(offset_of!(GspFwWprMeta, gsp_fw_wpr_end) == 0xa8);
const _: () = assert!(offset_of!(GspFwWprMeta, vga_workspace_size) == 0xc0);
const _: () = assert!(offset_of!(GspFwWprMeta, boot_count) == 0xc8);
const _: () = assert!(offset_of!(GspFwWprMeta, partition) == 0xd0);
const _: () = assert!(offset_of!(GspFwWprMeta, gsp_fw_heap_vf_partition_count) == 0xf0);
const _: () = assert!(offset_of!(GspFwWprMeta, pmu_reserved_size) == 0xf4);
const _: () = assert!(offset_of!(GspFwWprMeta, verified) == 0xf8);
