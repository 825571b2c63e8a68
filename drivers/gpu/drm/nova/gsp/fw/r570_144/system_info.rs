// SPDX-License-Identifier: GPL-2.0

//! `GspSystemInfo`, the parameters of `GSP_SET_SYSTEM_INFO`: what GSP-RM
//! learns about the PCI function and the platform at boot.
//!
//! Source: `GspSystemInfo` and the types it nests, in
//! `src/nvidia/inc/kernel/gpu/gsp/gsp_static_config.h` and
//! `src/nvidia/arch/nvalloc/common/inc/` (open-gpu-kernel-modules 570.144);
//! the same facts in nova-core's r570.144 bindings (`GspSystemInfo`).

use core::mem::{
    offset_of,
    size_of, //
};

use kernel::prelude::*;

fw_struct! {
    /// `BUSINFO`: the PCI identity of a device on the way to the GPU.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct BusInfo {
        /// `deviceID`.
        pub(crate) device_id: u16,
        /// `vendorID`.
        pub(crate) vendor_id: u16,
        /// `subdeviceID`.
        pub(crate) subdevice_id: u16,
        /// `subvendorID`.
        pub(crate) subvendor_id: u16,
        /// `revisionID`.
        pub(crate) revision_id: u8,
        /// Padding to the structure's alignment.
        pub(crate) pad0: u8,
    }
}

const _: () = assert!(size_of::<BusInfo>() == 10);

fw_struct! {
    /// `DOD_METHOD_DATA`: the result of the ACPI `_DOD` method.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct DodMethodData {
        /// `status`.
        pub(crate) status: u32,
        /// `acpiIdListLen`.
        pub(crate) acpi_id_list_len: u32,
        /// `acpiIdList` (`NV0073_CTRL_SYSTEM_ACPI_ID_MAP_MAX_DISPLAYS` entries).
        pub(crate) acpi_id_list: [u32; 16],
    }
}

const _: () = assert!(size_of::<DodMethodData>() == 72);

fw_struct! {
    /// `JT_METHOD_DATA`: the result of the ACPI JT method.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct JtMethodData {
        /// `status`.
        pub(crate) status: u32,
        /// `jtCaps`.
        pub(crate) jt_caps: u32,
        /// `jtRevId`.
        pub(crate) jt_rev_id: u16,
        /// `bSBIOSCaps`.
        pub(crate) b_sbios_caps: u8,
        /// Padding to the structure's alignment.
        pub(crate) pad0: u8,
    }
}

const _: () = assert!(size_of::<JtMethodData>() == 12);

fw_struct! {
    /// `MUX_METHOD_DATA_ELEMENT`: one display mux entry.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct MuxMethodDataElement {
        /// `acpiId`.
        pub(crate) acpi_id: u32,
        /// `mode`.
        pub(crate) mode: u32,
        /// `status`.
        pub(crate) status: u32,
    }
}

const _: () = assert!(size_of::<MuxMethodDataElement>() == 12);

fw_struct! {
    /// `MUX_METHOD_DATA`: the results of the ACPI mux methods.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct MuxMethodData {
        /// `tableLen`.
        pub(crate) table_len: u32,
        /// `acpiIdMuxModeTable`.
        pub(crate) acpi_id_mux_mode_table: [MuxMethodDataElement; 16],
        /// `acpiIdMuxPartTable`.
        pub(crate) acpi_id_mux_part_table: [MuxMethodDataElement; 16],
        /// `acpiIdMuxStateTable`.
        pub(crate) acpi_id_mux_state_table: [MuxMethodDataElement; 16],
    }
}

const _: () = assert!(size_of::<MuxMethodData>() == 580);

fw_struct! {
    /// `CAPS_METHOD_DATA`: the result of the ACPI Optimus caps method.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct CapsMethodData {
        /// `status`.
        pub(crate) status: u32,
        /// `optimusCaps`.
        pub(crate) optimus_caps: u32,
    }
}

const _: () = assert!(size_of::<CapsMethodData>() == 8);

fw_struct! {
    /// `ACPI_METHOD_DATA`: what the ACPI methods of the platform returned.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct AcpiMethodData {
        /// `bValid`: whether the rest is meaningful.
        pub(crate) b_valid: u8,
        /// Padding before the next `u32`.
        pub(crate) pad0: [u8; 3],
        /// `dodMethodData`.
        pub(crate) dod_method_data: DodMethodData,
        /// `jtMethodData`.
        pub(crate) jt_method_data: JtMethodData,
        /// `muxMethodData`.
        pub(crate) mux_method_data: MuxMethodData,
        /// `capsMethodData`.
        pub(crate) caps_method_data: CapsMethodData,
    }
}

const _: () = assert!(size_of::<AcpiMethodData>() == 0x2a4);

fw_struct! {
    /// `GSP_VF_INFO`: SR-IOV virtual functions of the GPU.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct GspVfInfo {
        /// `totalVFs`.
        pub(crate) total_vfs: u32,
        /// `firstVFOffset`.
        pub(crate) first_vf_offset: u32,
        /// `FirstVFBar0Address`.
        pub(crate) first_vf_bar0_address: u64,
        /// `FirstVFBar1Address`.
        pub(crate) first_vf_bar1_address: u64,
        /// `FirstVFBar2Address`.
        pub(crate) first_vf_bar2_address: u64,
        /// `b64bitBar0`.
        pub(crate) b64bit_bar0: u8,
        /// `b64bitBar1`.
        pub(crate) b64bit_bar1: u8,
        /// `b64bitBar2`.
        pub(crate) b64bit_bar2: u8,
        /// Padding to the structure's alignment.
        pub(crate) pad0: [u8; 5],
    }
}

const _: () = assert!(size_of::<GspVfInfo>() == 0x28);

fw_struct! {
    /// `GSP_PCIE_CONFIG_REG`: PCIe capability registers of the GPU.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct GspPcieConfigReg {
        /// `linkCap`.
        pub(crate) link_cap: u32,
    }
}

const _: () = assert!(size_of::<GspPcieConfigReg>() == 4);

fw_struct! {
    /// `GspSystemInfo`: the parameters of `GSP_SET_SYSTEM_INFO`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Zeroable)]
    pub(crate) struct GspSystemInfo {
        /// `gpuPhysAddr`: bus address of BAR0.
        pub(crate) gpu_phys_addr: u64,
        /// `gpuPhysFbAddr`: bus address of BAR1.
        pub(crate) gpu_phys_fb_addr: u64,
        /// `gpuPhysInstAddr`: bus address of BAR3 (BAR2 in RM's numbering).
        pub(crate) gpu_phys_inst_addr: u64,
        /// `gpuPhysIoAddr`.
        pub(crate) gpu_phys_io_addr: u64,
        /// `nvDomainBusDeviceFunc`: PCI domain, bus, device and function.
        pub(crate) nv_domain_bus_device_func: u64,
        /// `simAccessBufPhysAddr`.
        pub(crate) sim_access_buf_phys_addr: u64,
        /// `notifyOpSharedSurfacePhysAddr`.
        pub(crate) notify_op_shared_surface_phys_addr: u64,
        /// `pcieAtomicsOpMask`.
        pub(crate) pcie_atomics_op_mask: u64,
        /// `consoleMemSize`.
        pub(crate) console_mem_size: u64,
        /// `maxUserVa`: the end of the user address space.
        pub(crate) max_user_va: u64,
        /// `pciConfigMirrorBase`: BAR0 offset of the PCI config space mirror.
        pub(crate) pci_config_mirror_base: u32,
        /// `pciConfigMirrorSize`: its size.
        pub(crate) pci_config_mirror_size: u32,
        /// `PCIDeviceID`: device ID (high half) and vendor ID (low half).
        pub(crate) pci_device_id: u32,
        /// `PCISubDeviceID`: subsystem device ID (high half) and subsystem
        /// vendor ID (low half).
        pub(crate) pci_sub_device_id: u32,
        /// `PCIRevisionID`.
        pub(crate) pci_revision_id: u32,
        /// `pcieAtomicsCplDeviceCapMask`.
        pub(crate) pcie_atomics_cpl_device_cap_mask: u32,
        /// `oorArch`.
        pub(crate) oor_arch: u8,
        /// Padding before the next `u64`.
        pub(crate) pad0: [u8; 7],
        /// `clPdbProperties`.
        pub(crate) cl_pdb_properties: u64,
        /// `Chipset`.
        pub(crate) chipset: u32,
        /// `bGpuBehindBridge`.
        pub(crate) b_gpu_behind_bridge: u8,
        /// `bFlrSupported`.
        pub(crate) b_flr_supported: u8,
        /// `b64bBar0Supported`.
        pub(crate) b64b_bar0_supported: u8,
        /// `bMnocAvailable`.
        pub(crate) b_mnoc_available: u8,
        /// `chipsetL1ssEnable`.
        pub(crate) chipset_l1ss_enable: u32,
        /// `bUpstreamL0sUnsupported`.
        pub(crate) b_upstream_l0s_unsupported: u8,
        /// `bUpstreamL1Unsupported`.
        pub(crate) b_upstream_l1_unsupported: u8,
        /// `bUpstreamL1PorSupported`.
        pub(crate) b_upstream_l1_por_supported: u8,
        /// `bUpstreamL1PorMobileOnly`.
        pub(crate) b_upstream_l1_por_mobile_only: u8,
        /// `bSystemHasMux`.
        pub(crate) b_system_has_mux: u8,
        /// `upstreamAddressValid`.
        pub(crate) upstream_address_valid: u8,
        /// `FHBBusInfo`.
        pub(crate) fhb_bus_info: BusInfo,
        /// `chipsetIDInfo`.
        pub(crate) chipset_id_info: BusInfo,
        /// Padding before the next `u32`.
        pub(crate) pad1: [u8; 2],
        /// `acpiMethodData`.
        pub(crate) acpi_method_data: AcpiMethodData,
        /// `hypervisorType`.
        pub(crate) hypervisor_type: u32,
        /// `bIsPassthru`.
        pub(crate) b_is_passthru: u8,
        /// Padding before the next `u64`.
        pub(crate) pad2: [u8; 7],
        /// `sysTimerOffsetNs`.
        pub(crate) sys_timer_offset_ns: u64,
        /// `gspVFInfo`.
        pub(crate) gsp_vf_info: GspVfInfo,
        /// `bIsPrimary`: whether the GPU drives the boot console.
        pub(crate) b_is_primary: u8,
        /// `isGridBuild`.
        pub(crate) is_grid_build: u8,
        /// Padding before the next `u32`.
        pub(crate) pad3: [u8; 2],
        /// `pcieConfigReg`.
        pub(crate) pcie_config_reg: GspPcieConfigReg,
        /// `gridBuildCsp`.
        pub(crate) grid_build_csp: u32,
        /// `bPreserveVideoMemoryAllocations`.
        pub(crate) b_preserve_video_memory_allocations: u8,
        /// `bTdrEventSupported`.
        pub(crate) b_tdr_event_supported: u8,
        /// `bFeatureStretchVblankCapable`.
        pub(crate) b_feature_stretch_vblank_capable: u8,
        /// `bEnableDynamicGranularityPageArrays`.
        pub(crate) b_enable_dynamic_granularity_page_arrays: u8,
        /// `bClockBoostSupported`.
        pub(crate) b_clock_boost_supported: u8,
        /// `bRouteDispIntrsToCPU`.
        pub(crate) b_route_disp_intrs_to_cpu: u8,
        /// Padding before the next `u64`.
        pub(crate) pad4: [u8; 6],
        /// `hostPageSize`: the CPU's page size.
        pub(crate) host_page_size: u64,
    }
}

const _: () = assert!(size_of::<GspSystemInfo>() == 0x3a0);
const _: () = assert!(offset_of!(GspSystemInfo, nv_domain_bus_device_func) == 0x20);
const _: () = assert!(offset_of!(GspSystemInfo, max_user_va) == 0x48);
const _: () = assert!(offset_of!(GspSystemInfo, pci_config_mirror_base) == 0x50);
const _: () = assert!(offset_of!(GspSystemInfo, pci_device_id) == 0x58);
const _: () = assert!(offset_of!(GspSystemInfo, pci_sub_device_id) == 0x5c);
const _: () = assert!(offset_of!(GspSystemInfo, pci_revision_id) == 0x60);
const _: () = assert!(offset_of!(GspSystemInfo, cl_pdb_properties) == 0x70);
const _: () = assert!(offset_of!(GspSystemInfo, fhb_bus_info) == 0x8a);
const _: () = assert!(offset_of!(GspSystemInfo, acpi_method_data) == 0xa0);
const _: () = assert!(offset_of!(GspSystemInfo, hypervisor_type) == 0x344);
const _: () = assert!(offset_of!(GspSystemInfo, gsp_vf_info) == 0x358);
const _: () = assert!(offset_of!(GspSystemInfo, b_is_primary) == 0x380);
const _: () = assert!(offset_of!(GspSystemInfo, b_preserve_video_memory_allocations) == 0x38c);
const _: () = assert!(offset_of!(GspSystemInfo, host_page_size) == 0x398);
