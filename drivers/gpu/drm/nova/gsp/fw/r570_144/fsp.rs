// SPDX-License-Identifier: GPL-2.0

//! The messages of the FSP boot (Hopper, Blackwell): the Chain-of-Trust
//! command that hands the FSP the FMC image, the FSP's response, and the
//! boot parameters the FMC reads to start GSP-RM.
//!
//! Sources: `NVDM_PAYLOAD_COT` in `kern_fsp_cot_payload.h` and the MCTP and
//! NVDM header fields read by `kfspGetPacketInfo_GH100` and
//! `kfspPrepareBootCommands_GH100` (open-gpu-kernel-modules 570.144);
//! `GSP_FMC_BOOT_PARAMS` and its parts in the GSP interface headers of the
//! same release; the same facts in nova-core's r570.144 bindings and
//! `mctp.rs`, and nouveau's `nvkm/subdev/fsp/gh100.c`.
//!
//! `NVDM_PAYLOAD_COT` is a packed C structure whose 64-bit fields sit at
//! 4-byte offsets; they are declared here as `[u32; 2]` (low word first) so
//! that the Rust structure has the C one's layout without `packed`.

use core::mem::{
    offset_of,
    size_of, //
};

use kernel::prelude::*;

/// MCTP transport header bits that say start (bit 31) and end (bit 30) of
/// message: with sequence 0 and endpoint 0, the header of a message that
/// fits one packet.
pub(crate) const MCTP_SOM_EOM: u32 = 0xc000_0000;

/// MCTP message type of a vendor-defined PCI message (bits 6:0).
const MCTP_TYPE_VENDOR_PCI: u32 = 0x7e;
/// NVIDIA's PCI vendor ID, in the NVDM header's bits 23:8.
const NVDM_VENDOR_NVIDIA: u32 = 0x10de;

/// NVDM type of the Chain-of-Trust command.
pub(crate) const NVDM_TYPE_COT: u8 = 0x14;
/// NVDM type of the FSP's response to a command.
pub(crate) const NVDM_TYPE_FSP_RESPONSE: u8 = 0x15;

/// The NVDM header (the MCTP message header) of a message of `nvdm_type`.
pub(crate) const fn nvdm_header(nvdm_type: u8) -> u32 {
    MCTP_TYPE_VENDOR_PCI | (NVDM_VENDOR_NVIDIA << 8) | ((nvdm_type as u32) << 24)
}

/// Size of the `hash384` field.
pub(crate) const COT_HASH_SIZE: usize = 48;
/// Size of the `publicKey` and `signature` fields (RSA-3072; shorter
/// ECDSA P-384 values are zero-padded).
pub(crate) const COT_KEY_SIZE: usize = 384;

fw_struct! {
    /// A Chain-of-Trust message: the MCTP and NVDM headers, then
    /// `NVDM_PAYLOAD_COT`.
    #[derive(Clone, Copy, Zeroable)]
    pub(crate) struct FspCotMessage {
        /// MCTP transport header ([`MCTP_SOM_EOM`]: a single packet).
        pub(crate) mctp: u32,
        /// NVDM header (`nvdm_header(NVDM_TYPE_COT)`).
        pub(crate) nvdm: u32,
        /// `version`: 1 on Hopper, 2 on Blackwell.
        pub(crate) version: u16,
        /// `size`: of the payload, from `version` on.
        pub(crate) size: u16,
        /// `gspFmcSysmemOffset`: bus address of the FMC image.
        pub(crate) gsp_fmc_sysmem_offset: [u32; 2],
        /// `frtsSysmemOffset`: a system-memory FRTS region (unused: 0).
        pub(crate) frts_sysmem_offset: [u32; 2],
        /// `frtsSysmemSize`.
        pub(crate) frts_sysmem_size: u32,
        /// `frtsVidmemOffset`: distance from the end of the framebuffer to
        /// the end of the FRTS region.
        pub(crate) frts_vidmem_offset: [u32; 2],
        /// `frtsVidmemSize`.
        pub(crate) frts_vidmem_size: u32,
        /// `hash384`: SHA-384 of the FMC image.
        pub(crate) hash384: [u8; COT_HASH_SIZE],
        /// `publicKey`: the key the signature verifies with.
        pub(crate) public_key: [u8; COT_KEY_SIZE],
        /// `signature`: of the FMC image.
        pub(crate) signature: [u8; COT_KEY_SIZE],
        /// `gspBootArgsSysmemOffset`: bus address of the
        /// [`GspFmcBootParams`].
        pub(crate) gsp_boot_args_sysmem_offset: [u32; 2],
    }
}

/// Size of `NVDM_PAYLOAD_COT`.
pub(crate) const COT_PAYLOAD_SIZE: u16 = 860;

const _: () = assert!(size_of::<FspCotMessage>() == 8 + COT_PAYLOAD_SIZE as usize);
const _: () = assert!(offset_of!(FspCotMessage, version) == 8);
const _: () = assert!(offset_of!(FspCotMessage, gsp_fmc_sysmem_offset) == 12);
const _: () = assert!(offset_of!(FspCotMessage, frts_vidmem_offset) == 32);
const _: () = assert!(offset_of!(FspCotMessage, frts_vidmem_size) == 40);
const _: () = assert!(offset_of!(FspCotMessage, hash384) == 44);
const _: () = assert!(offset_of!(FspCotMessage, public_key) == 92);
const _: () = assert!(offset_of!(FspCotMessage, signature) == 476);
const _: () = assert!(offset_of!(FspCotMessage, gsp_boot_args_sysmem_offset) == 860);

/// A 64-bit field of a packed FSP structure, low word first.
pub(crate) const fn split64(v: u64) -> [u32; 2] {
    [v as u32, (v >> 32) as u32]
}

fw_struct! {
    /// The FSP's response to a command (`NVDM_PAYLOAD_COMMAND_RESPONSE`
    /// after the MCTP and NVDM headers).
    #[derive(Clone, Copy, Debug, Zeroable)]
    pub(crate) struct FspResponse {
        /// MCTP transport header: a single packet.
        pub(crate) mctp: u32,
        /// NVDM header (`nvdm_header(NVDM_TYPE_FSP_RESPONSE)`).
        pub(crate) nvdm: u32,
        /// `taskId`.
        pub(crate) task_id: u32,
        /// `commandNvdmType`: the NVDM type of the command answered.
        pub(crate) command_nvdm_type: u32,
        /// `errorCode`: 0 on success.
        pub(crate) error_code: u32,
    }
}

const _: () = assert!(size_of::<FspResponse>() == 20);

/// `GSP_DMA_TARGET_COHERENT_SYSTEM`.
pub(crate) const GSP_DMA_TARGET_COHERENT_SYSTEM: u32 = 1;
/// `GSP_DMA_TARGET_NONCOHERENT_SYSTEM`.
pub(crate) const GSP_DMA_TARGET_NONCOHERENT_SYSTEM: u32 = 2;

fw_struct! {
    /// `GSP_FMC_INIT_PARAMS`.
    #[derive(Clone, Copy, Debug, Zeroable)]
    pub(crate) struct GspFmcInitParams {
        /// `regkeys`.
        pub(crate) regkeys: u32,
    }
}

fw_struct! {
    /// `GSP_ACR_BOOT_GSP_RM_PARAMS`: where the FMC finds the WPR metadata.
    #[derive(Clone, Copy, Debug, Zeroable)]
    pub(crate) struct GspAcrBootGspRmParams {
        /// `target`: a `GSP_DMA_TARGET`.
        pub(crate) target: u32,
        /// `gspRmDescSize`: size of the WPR metadata.
        pub(crate) gsp_rm_desc_size: u32,
        /// `gspRmDescOffset`: its bus address.
        pub(crate) gsp_rm_desc_offset: u64,
        /// `wprCarveoutOffset` (0: the FSP knows WPR from elsewhere).
        pub(crate) wpr_carveout_offset: u64,
        /// `wprCarveoutSize`.
        pub(crate) wpr_carveout_size: u32,
        /// `bIsGspRmBoot`.
        pub(crate) is_gsp_rm_boot: u8,
        /// Padding.
        pub(crate) pad0: [u8; 3],
    }
}

fw_struct! {
    /// `GSP_RM_PARAMS`: where GSP-RM finds its libos arguments.
    #[derive(Clone, Copy, Debug, Zeroable)]
    pub(crate) struct GspRmParams {
        /// `target`: a `GSP_DMA_TARGET`.
        pub(crate) target: u32,
        /// Padding.
        pub(crate) pad0: u32,
        /// `bootArgsOffset`: bus address of the libos arguments.
        pub(crate) boot_args_offset: u64,
    }
}

fw_struct! {
    /// `GSP_SPDM_PARAMS` (unused by nova: zero).
    #[derive(Clone, Copy, Debug, Zeroable)]
    pub(crate) struct GspSpdmParams {
        /// `target`.
        pub(crate) target: u32,
        /// Padding.
        pub(crate) pad0: u32,
        /// `payloadBufferOffset`.
        pub(crate) payload_buffer_offset: u64,
        /// `payloadBufferSize`.
        pub(crate) payload_buffer_size: u32,
        /// Padding.
        pub(crate) pad1: u32,
    }
}

fw_struct! {
    /// `GSP_FMC_BOOT_PARAMS`: what the FMC reads to start GSP-RM.
    #[derive(Clone, Copy, Debug, Zeroable)]
    pub(crate) struct GspFmcBootParams {
        /// `initParams`.
        pub(crate) init_params: GspFmcInitParams,
        /// Padding to the next member's 8-byte alignment.
        pub(crate) pad0: u32,
        /// `bootGspRmParams`.
        pub(crate) boot_gsp_rm_params: GspAcrBootGspRmParams,
        /// `gspRmParams`.
        pub(crate) gsp_rm_params: GspRmParams,
        /// `gspSpdmParams`.
        pub(crate) gsp_spdm_params: GspSpdmParams,
    }
}

const _: () = assert!(size_of::<GspFmcBootParams>() == 80);
const _: () = assert!(offset_of!(GspFmcBootParams, boot_gsp_rm_params) == 8);
const _: () = assert!(offset_of!(GspFmcBootParams, gsp_rm_params) == 40);
const _: () = assert!(offset_of!(GspFmcBootParams, gsp_spdm_params) == 56);
const _: () = assert!(offset_of!(GspAcrBootGspRmParams, gsp_rm_desc_offset) == 8);
const _: () = assert!(offset_of!(GspAcrBootGspRmParams, is_gsp_rm_boot) == 28);
