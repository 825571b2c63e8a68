// SPDX-License-Identifier: GPL-2.0

//! `GspStaticConfigInfo`, the reply to `GET_GSP_STATIC_INFO`: what GSP-RM
//! found out about the GPU at boot.
//!
//! Source: `GspStaticConfigInfo_t` and the control parameter types it nests
//! (`NV2080_CTRL_GPU_GET_GID_INFO_PARAMS`,
//! `NV2080_CTRL_BIOS_GET_SKU_INFO_PARAMS`,
//! `NV2080_CTRL_CMD_FB_GET_FB_REGION_INFO_PARAMS`,
//! `NV0080_CTRL_GPU_GET_SRIOV_CAPS_PARAMS`, ...) in
//! `src/nvidia/inc/kernel/gpu/gsp/gsp_static_config.h` and the `ctrl2080`/
//! `ctrl0080` headers of open-gpu-kernel-modules 570.144; the same facts in
//! nova-core's r570.144 bindings (`GspStaticConfigInfo_t`).

use core::mem::{
    offset_of,
    size_of, //
};

use kernel::prelude::*;

/// `NV2080_GPU_MAX_GID_LENGTH`: the size of the GPU's unique ID buffer.
pub(crate) const GPU_MAX_GID_LENGTH: usize = 0x100;
/// `NV2080_CTRL_CMD_FB_GET_FB_REGION_INFO_MEM_TYPES`: memory types of the
/// `blackList` of an FB region.
pub(crate) const FB_REGION_MEM_TYPES: usize = 17;
/// `NV2080_CTRL_CMD_FB_GET_FB_REGION_INFO_MAX_ENTRIES`: the capacity of
/// `fbRegion[]`.
pub(crate) const FB_REGION_INFO_MAX_ENTRIES: usize = 16;
/// `NV2080_GPU_MAX_NAME_STRING_LENGTH`: the size of the GPU name buffers.
pub(crate) const GPU_MAX_NAME_STRING_LENGTH: usize = 0x40;
/// `NV0080_CTRL_GR_CAPS_TBL_SIZE`: the number of GR capability bytes.
pub(crate) const GR_CAPS_TBL_SIZE: usize = 23;

fw_struct! {
    /// `NV2080_CTRL_GPU_GET_GID_INFO_PARAMS`: the GPU's unique ID.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct GidInfoParams {
        /// `index`.
        pub(crate) index: u32,
        /// `flags`.
        pub(crate) flags: u32,
        /// `length`: the bytes of `data` in use.
        pub(crate) length: u32,
        /// `data`.
        pub(crate) data: [u8; GPU_MAX_GID_LENGTH],
    }
}

const _: () = assert!(size_of::<GidInfoParams>() == 0x10c);

fw_struct! {
    /// `NV2080_CTRL_BIOS_GET_SKU_INFO_PARAMS`: the board's SKU strings.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct SkuInfoParams {
        /// `BoardID`.
        pub(crate) board_id: u32,
        /// `chipSKU`.
        pub(crate) chip_sku: [u8; 9],
        /// `chipSKUMod`.
        pub(crate) chip_sku_mod: [u8; 5],
        /// Padding before the next `u32`.
        pub(crate) pad0: [u8; 2],
        /// `skuConfigVersion`.
        pub(crate) sku_config_version: u32,
        /// `project`.
        pub(crate) project: [u8; 5],
        /// `projectSKU`.
        pub(crate) project_sku: [u8; 5],
        /// `CDP`.
        pub(crate) cdp: [u8; 6],
        /// `projectSKUMod`.
        pub(crate) project_sku_mod: [u8; 2],
        /// Padding before the next `u32`.
        pub(crate) pad1: [u8; 2],
        /// `businessCycle`.
        pub(crate) business_cycle: u32,
    }
}

const _: () = assert!(size_of::<SkuInfoParams>() == 0x30);

fw_struct! {
    /// `NV2080_CTRL_CMD_FB_GET_FB_REGION_FB_REGION_INFO`: one region of the
    /// framebuffer.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct FbRegionInfo {
        /// `base`: the first byte of the region.
        pub(crate) base: u64,
        /// `limit`: the last byte of the region.
        pub(crate) limit: u64,
        /// `reserved`: bytes of the region reserved by GSP-RM.
        pub(crate) reserved: u64,
        /// `performance`: relative performance, higher is faster.
        pub(crate) performance: u32,
        /// `supportCompressed`: whether compressed surfaces may go here.
        pub(crate) support_compressed: u8,
        /// `supportISO`: whether isochronous (display) surfaces may go here.
        pub(crate) support_iso: u8,
        /// `bProtected`: whether the region is protected memory.
        pub(crate) b_protected: u8,
        /// `blackList`: memory types that must not go here.
        pub(crate) black_list: [u8; FB_REGION_MEM_TYPES],
    }
}

const _: () = assert!(size_of::<FbRegionInfo>() == 0x30);
const _: () = assert!(offset_of!(FbRegionInfo, limit) == 0x08);
const _: () = assert!(offset_of!(FbRegionInfo, reserved) == 0x10);
const _: () = assert!(offset_of!(FbRegionInfo, support_compressed) == 0x1c);
const _: () = assert!(offset_of!(FbRegionInfo, support_iso) == 0x1d);
const _: () = assert!(offset_of!(FbRegionInfo, b_protected) == 0x1e);

fw_struct! {
    /// `NV2080_CTRL_CMD_FB_GET_FB_REGION_INFO_PARAMS`: the framebuffer
    /// regions.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct FbRegionInfoParams {
        /// `numFBRegions`: the entries of `fbRegion` in use.
        pub(crate) num_fb_regions: u32,
        /// Padding before the next `u64`.
        pub(crate) pad0: u32,
        /// `fbRegion`.
        pub(crate) fb_region: [FbRegionInfo; FB_REGION_INFO_MAX_ENTRIES],
    }
}

const _: () = assert!(size_of::<FbRegionInfoParams>() == 0x308);
const _: () = assert!(offset_of!(FbRegionInfoParams, fb_region) == 0x08);

fw_struct! {
    /// `NV0080_CTRL_GPU_GET_SRIOV_CAPS_PARAMS`: SR-IOV capabilities.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct SriovCapsParams {
        /// `totalVFs`.
        pub(crate) total_vfs: u32,
        /// `firstVfOffset`.
        pub(crate) first_vf_offset: u32,
        /// `vfFeatureMask`.
        pub(crate) vf_feature_mask: u32,
        /// Padding before the next `u64`.
        pub(crate) pad0: u32,
        /// `FirstVFBar0Address`.
        pub(crate) first_vf_bar0_address: u64,
        /// `FirstVFBar1Address`.
        pub(crate) first_vf_bar1_address: u64,
        /// `FirstVFBar2Address`.
        pub(crate) first_vf_bar2_address: u64,
        /// `bar0Size`.
        pub(crate) bar0_size: u64,
        /// `bar1Size`.
        pub(crate) bar1_size: u64,
        /// `bar2Size`.
        pub(crate) bar2_size: u64,
        /// `b64bitBar0`.
        pub(crate) b64bit_bar0: u8,
        /// `b64bitBar1`.
        pub(crate) b64bit_bar1: u8,
        /// `b64bitBar2`.
        pub(crate) b64bit_bar2: u8,
        /// `bSriovEnabled`.
        pub(crate) b_sriov_enabled: u8,
        /// `bSriovHeavyEnabled`.
        pub(crate) b_sriov_heavy_enabled: u8,
        /// `bEmulateVFBar0TlbInvalidationRegister`.
        pub(crate) b_emulate_vf_bar0_tlb_invalidation_register: u8,
        /// `bClientRmAllocatedCtxBuffer`.
        pub(crate) b_client_rm_allocated_ctx_buffer: u8,
        /// `bNonPowerOf2ChannelCountSupported`.
        pub(crate) b_non_power_of2_channel_count_supported: u8,
        /// `bVfResizableBAR1Supported`.
        pub(crate) b_vf_resizable_bar1_supported: u8,
        /// Padding to the structure's alignment.
        pub(crate) pad1: [u8; 7],
    }
}

const _: () = assert!(size_of::<SriovCapsParams>() == 0x50);

fw_struct! {
    /// `VIRTUAL_DISPLAY_GET_NUM_HEADS_PARAMS`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct VirtualDisplayNumHeads {
        /// `numHeads`.
        pub(crate) num_heads: u32,
        /// `maxNumHeads`.
        pub(crate) max_num_heads: u32,
    }
}

const _: () = assert!(size_of::<VirtualDisplayNumHeads>() == 8);

fw_struct! {
    /// `VIRTUAL_DISPLAY_GET_MAX_RESOLUTION_PARAMS`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct VirtualDisplayMaxResolution {
        /// `headIndex`.
        pub(crate) head_index: u32,
        /// `maxHResolution`.
        pub(crate) max_h_resolution: u32,
        /// `maxVResolution`.
        pub(crate) max_v_resolution: u32,
    }
}

const _: () = assert!(size_of::<VirtualDisplayMaxResolution>() == 12);

fw_struct! {
    /// `EcidManufacturingInfo`: the chip's electronic chip ID.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct EcidManufacturingInfo {
        /// `ecidLow`.
        pub(crate) ecid_low: u32,
        /// `ecidHigh`.
        pub(crate) ecid_high: u32,
        /// `ecidExtended`.
        pub(crate) ecid_extended: u32,
    }
}

const _: () = assert!(size_of::<EcidManufacturingInfo>() == 12);

fw_struct! {
    /// `FW_WPR_LAYOUT_OFFSET`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct FwWprLayoutOffset {
        /// `nonWprHeapOffset`.
        pub(crate) non_wpr_heap_offset: u64,
        /// `frtsOffset`.
        pub(crate) frts_offset: u64,
    }
}

const _: () = assert!(size_of::<FwWprLayoutOffset>() == 0x10);

fw_struct! {
    /// `GspStaticConfigInfo_t`: the reply to `GET_GSP_STATIC_INFO`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct GspStaticConfigInfo {
        /// `grCapsBits`.
        pub(crate) gr_caps_bits: [u8; GR_CAPS_TBL_SIZE],
        /// Padding before the next `u32`.
        pub(crate) pad0: u8,
        /// `gidInfo`.
        pub(crate) gid_info: GidInfoParams,
        /// `SKUInfo`.
        pub(crate) sku_info: SkuInfoParams,
        /// Padding before the next `u64`.
        pub(crate) pad1: u32,
        /// `fbRegionInfoParams`: the framebuffer regions.
        pub(crate) fb_region_info_params: FbRegionInfoParams,
        /// `sriovCaps`.
        pub(crate) sriov_caps: SriovCapsParams,
        /// `sriovMaxGfid`.
        pub(crate) sriov_max_gfid: u32,
        /// `engineCaps`.
        pub(crate) engine_caps: [u32; 3],
        /// `poisonFuseEnabled`.
        pub(crate) poison_fuse_enabled: u8,
        /// Padding before the next `u64`.
        pub(crate) pad2: [u8; 7],
        /// `fb_length`.
        pub(crate) fb_length: u64,
        /// `fbio_mask`.
        pub(crate) fbio_mask: u64,
        /// `fb_bus_width`.
        pub(crate) fb_bus_width: u32,
        /// `fb_ram_type`.
        pub(crate) fb_ram_type: u32,
        /// `fbp_mask`.
        pub(crate) fbp_mask: u64,
        /// `l2_cache_size`.
        pub(crate) l2_cache_size: u32,
        /// `gpuNameString`: the marketing name, NUL-terminated.
        pub(crate) gpu_name_string: [u8; GPU_MAX_NAME_STRING_LENGTH],
        /// `gpuShortNameString`.
        pub(crate) gpu_short_name_string: [u8; GPU_MAX_NAME_STRING_LENGTH],
        /// `gpuNameString_Unicode`.
        pub(crate) gpu_name_string_unicode: [u16; GPU_MAX_NAME_STRING_LENGTH],
        /// `bGpuInternalSku`.
        pub(crate) b_gpu_internal_sku: u8,
        /// `bIsQuadroGeneric`.
        pub(crate) b_is_quadro_generic: u8,
        /// `bIsQuadroAd`.
        pub(crate) b_is_quadro_ad: u8,
        /// `bIsNvidiaNvs`.
        pub(crate) b_is_nvidia_nvs: u8,
        /// `bIsVgx`.
        pub(crate) b_is_vgx: u8,
        /// `bGeforceSmb`.
        pub(crate) b_geforce_smb: u8,
        /// `bIsTitan`.
        pub(crate) b_is_titan: u8,
        /// `bIsTesla`.
        pub(crate) b_is_tesla: u8,
        /// `bIsMobile`.
        pub(crate) b_is_mobile: u8,
        /// `bIsGc6Rtd3Allowed`.
        pub(crate) b_is_gc6_rtd3_allowed: u8,
        /// `bIsGc8Rtd3Allowed`.
        pub(crate) b_is_gc8_rtd3_allowed: u8,
        /// `bIsGcOffRtd3Allowed`.
        pub(crate) b_is_gc_off_rtd3_allowed: u8,
        /// `bIsGcoffLegacyAllowed`.
        pub(crate) b_is_gcoff_legacy_allowed: u8,
        /// `bIsMigSupported`.
        pub(crate) b_is_mig_supported: u8,
        /// `RTD3GC6TotalBoardPower`.
        pub(crate) rtd3_gc6_total_board_power: u16,
        /// `RTD3GC6PerstDelay`.
        pub(crate) rtd3_gc6_perst_delay: u16,
        /// Padding before the next `u64`.
        pub(crate) pad3: [u8; 2],
        /// `bar1PdeBase`.
        pub(crate) bar1_pde_base: u64,
        /// `bar2PdeBase`.
        pub(crate) bar2_pde_base: u64,
        /// `bVbiosValid`.
        pub(crate) b_vbios_valid: u8,
        /// Padding before the next `u32`.
        pub(crate) pad4: [u8; 3],
        /// `vbiosSubVendor`.
        pub(crate) vbios_sub_vendor: u32,
        /// `vbiosSubDevice`.
        pub(crate) vbios_sub_device: u32,
        /// `bPageRetirementSupported`.
        pub(crate) b_page_retirement_supported: u8,
        /// `bSplitVasBetweenServerClientRm`.
        pub(crate) b_split_vas_between_server_client_rm: u8,
        /// `bClRootportNeedsNosnoopWAR`.
        pub(crate) b_cl_rootport_needs_nosnoop_war: u8,
        /// Padding before the next `u32`.
        pub(crate) pad5: u8,
        /// `displaylessMaxHeads`.
        pub(crate) displayless_max_heads: VirtualDisplayNumHeads,
        /// `displaylessMaxResolution`.
        pub(crate) displayless_max_resolution: VirtualDisplayMaxResolution,
        /// Padding before the next `u64`.
        pub(crate) pad6: u32,
        /// `displaylessMaxPixels`.
        pub(crate) displayless_max_pixels: u64,
        /// `hInternalClient`: the handle of GSP-RM's internal client.
        pub(crate) h_internal_client: u32,
        /// `hInternalDevice`: the handle of its device object.
        pub(crate) h_internal_device: u32,
        /// `hInternalSubdevice`: the handle of its subdevice object.
        pub(crate) h_internal_subdevice: u32,
        /// `bSelfHostedMode`.
        pub(crate) b_self_hosted_mode: u8,
        /// `bAtsSupported`.
        pub(crate) b_ats_supported: u8,
        /// `bIsGpuUefi`.
        pub(crate) b_is_gpu_uefi: u8,
        /// `bIsEfiInit`.
        pub(crate) b_is_efi_init: u8,
        /// `ecidInfo`.
        pub(crate) ecid_info: [EcidManufacturingInfo; 2],
        /// `fwWprLayoutOffset`.
        pub(crate) fw_wpr_layout_offset: FwWprLayoutOffset,
    }
}

const _: () = assert!(size_of::<GspStaticConfigInfo>() == 0x678);
const _: () = assert!(offset_of!(GspStaticConfigInfo, gid_info) == 0x18);
const _: () = assert!(offset_of!(GspStaticConfigInfo, sku_info) == 0x124);
const _: () = assert!(offset_of!(GspStaticConfigInfo, fb_region_info_params) == 0x158);
const _: () = assert!(offset_of!(GspStaticConfigInfo, sriov_caps) == 0x460);
const _: () = assert!(offset_of!(GspStaticConfigInfo, fb_length) == 0x4c8);
const _: () = assert!(offset_of!(GspStaticConfigInfo, gpu_name_string) == 0x4ec);
const _: () = assert!(offset_of!(GspStaticConfigInfo, gpu_short_name_string) == 0x52c);
const _: () = assert!(offset_of!(GspStaticConfigInfo, bar1_pde_base) == 0x600);
const _: () = assert!(offset_of!(GspStaticConfigInfo, h_internal_client) == 0x640);
const _: () = assert!(offset_of!(GspStaticConfigInfo, ecid_info) == 0x650);
const _: () = assert!(offset_of!(GspStaticConfigInfo, fw_wpr_layout_offset) == 0x668);
