// SPDX-License-Identifier: GPL-2.0

//! The RPCs of a GSP-RM boot and shutdown, as r570.144 lays them out:
//! `GSP_SET_SYSTEM_INFO`, `SET_REGISTRY`, `GET_GSP_STATIC_INFO`,
//! `UNLOADING_GUEST_DRIVER` and the `GSP_INIT_DONE` event.

use core::mem::size_of;

use crate::mm::vram::{
    Region,
    MAX_REGIONS, //
};
use kernel::{
    prelude::*,
    transmute::AsBytes, //
};

use super::{
    cmdq::{
        Command,
        Message,
        NoReply, //
    },
    fw::{
        GspStaticConfigInfo,
        GspSystemInfo,
        PackedRegistryEntry,
        PackedRegistryTable,
        UnloadingGuestDriver as UnloadingGuestDriverParams,
        GPU_MAX_NAME_STRING_LENGTH,
        REGISTRY_TABLE_ENTRY_TYPE_DWORD, //
    },
};

/// `NV_VGPU_MSG_FUNCTION_*` and `NV_VGPU_MSG_EVENT_*` numbers.
pub(crate) use super::fw::function;

/// Copies `v` to the start of `dst`; `EINVAL` if it does not fit.
fn put<T: AsBytes>(dst: &mut [u8], v: &T) -> Result {
    let src = v.as_bytes();
    dst.get_mut(..src.len()).ok_or(EINVAL)?.copy_from_slice(src);
    Ok(())
}

/// What `GSP_SET_SYSTEM_INFO` tells GSP-RM about the PCI function.
pub(crate) struct SetSystemInfo {
    /// Bus address of BAR0 (registers).
    pub(crate) bar0: u64,
    /// Bus address of BAR1 (VRAM aperture).
    pub(crate) bar1: u64,
    /// Bus address of BAR3 (instance memory aperture).
    pub(crate) bar3: u64,
    /// PCI bus/device/function, as `pci_dev_id()`.
    pub(crate) bdf: u16,
    /// PCI vendor ID.
    pub(crate) vendor: u16,
    /// PCI device ID.
    pub(crate) device: u16,
    /// PCI subsystem vendor ID.
    pub(crate) subsystem_vendor: u16,
    /// PCI subsystem device ID.
    pub(crate) subsystem_device: u16,
    /// PCI revision ID.
    pub(crate) revision: u8,
    /// BAR0 offset of the PCI config space mirror.
    pub(crate) config_mirror_base: u32,
    /// Size of the PCI config space mirror.
    pub(crate) config_mirror_size: u32,
}

impl Command for SetSystemInfo {
    const FUNCTION: u32 = function::GSP_SET_SYSTEM_INFO;
    const NAME: &'static str = "GSP_SET_SYSTEM_INFO";
    type Reply = NoReply;

    fn payload_len(&self) -> usize {
        size_of::<GspSystemInfo>()
    }

    fn encode(&self, d: &mut [u8]) -> Result {
        let info = GspSystemInfo {
            gpu_phys_addr: self.bar0,
            gpu_phys_fb_addr: self.bar1,
            gpu_phys_inst_addr: self.bar3,
            nv_domain_bus_device_func: self.bdf.into(),
            // The x86-64 user address space, 47 bits less a page.
            max_user_va: (1 << 47) - 0x1000,
            pci_config_mirror_base: self.config_mirror_base,
            pci_config_mirror_size: self.config_mirror_size,
            pci_device_id: (u32::from(self.device) << 16) | u32::from(self.vendor),
            pci_sub_device_id: (u32::from(self.subsystem_device) << 16)
                | u32::from(self.subsystem_vendor),
            pci_revision_id: self.revision.into(),
            // bIsPrimary and bPreserveVideoMemoryAllocations stay zero: nova
            // drives no console and keeps nothing across loads.
            b_is_primary: 0,
            b_preserve_video_memory_allocations: 0,
            host_page_size: 0x1000,
            ..Zeroable::zeroed()
        };
        put(d, &info)
    }
}

/// A registry key GSP-RM reads at boot, with a 32-bit value.
struct RegistryDword {
    key: &'static CStr,
    value: u32,
}

/// The registry nova hands GSP-RM: recover from secondary bus resets, save
/// the PCIe config space, and accept any device ID.
const REGISTRY: &[RegistryDword] = &[
    RegistryDword {
        key: c"RMSecBusResetEnable",
        value: 1,
    },
    RegistryDword {
        key: c"RMForcePcieConfigSave",
        value: 1,
    },
    RegistryDword {
        key: c"RMDevidCheckIgnore",
        value: 1,
    },
];

/// `SET_REGISTRY` with [`REGISTRY`].
pub(crate) struct SetRegistry;

impl Command for SetRegistry {
    const FUNCTION: u32 = function::SET_REGISTRY;
    const NAME: &'static str = "SET_REGISTRY";
    type Reply = NoReply;

    fn payload_len(&self) -> usize {
        size_of::<PackedRegistryTable>()
            + REGISTRY.len() * size_of::<PackedRegistryEntry>()
            + REGISTRY
                .iter()
                .map(|e| e.key.to_bytes_with_nul().len())
                .sum::<usize>()
    }

    fn encode(&self, d: &mut [u8]) -> Result {
        let size = u32::try_from(d.len()).map_err(|_| EINVAL)?;
        let table = PackedRegistryTable {
            size,
            num_entries: REGISTRY.len() as u32,
        };
        let (head, rest) = d
            .split_at_mut_checked(size_of::<PackedRegistryTable>())
            .ok_or(EINVAL)?;
        put(head, &table)?;
        let (mut entries, mut names) = rest
            .split_at_mut_checked(REGISTRY.len() * size_of::<PackedRegistryEntry>())
            .ok_or(EINVAL)?;
        // The names follow the entries; `nameOffset` counts from the start
        // of the table.
        let mut name_offset = size - u32::try_from(names.len()).map_err(|_| EINVAL)?;
        for e in REGISTRY {
            let entry = PackedRegistryEntry {
                name_offset,
                type_: REGISTRY_TABLE_ENTRY_TYPE_DWORD,
                data: e.value,
                // Zero for a DWORD.
                length: 0,
                ..Zeroable::zeroed()
            };
            let (slot, tail) = entries
                .split_at_mut_checked(size_of::<PackedRegistryEntry>())
                .ok_or(EINVAL)?;
            put(slot, &entry)?;
            entries = tail;
            let key = e.key.to_bytes_with_nul();
            let (name, tail) = names.split_at_mut_checked(key.len()).ok_or(EINVAL)?;
            name.copy_from_slice(key);
            names = tail;
            name_offset += key.len() as u32;
        }
        Ok(())
    }
}

/// The `GSP_INIT_DONE` event: GSP-RM finished its initialisation.
pub(crate) struct GspInitDone;

impl Message for GspInitDone {
    const FUNCTION: u32 = function::GSP_INIT_DONE;
    const NAME: &'static str = "GSP_INIT_DONE";

    fn decode(_payload: &[u8]) -> Result<Self> {
        Ok(Self)
    }
}

/// Length of `gpuNameString`.
pub(crate) const GPU_NAME_LEN: usize = GPU_MAX_NAME_STRING_LENGTH;

/// `GET_GSP_STATIC_INFO`: asks GSP-RM what it found out about the GPU.
pub(crate) struct GetGspStaticInfo;

impl Command for GetGspStaticInfo {
    const FUNCTION: u32 = function::GET_GSP_STATIC_INFO;
    const NAME: &'static str = "GET_GSP_STATIC_INFO";
    type Reply = StaticInfoReply;

    fn payload_len(&self) -> usize {
        size_of::<GspStaticConfigInfo>()
    }

    fn encode(&self, _d: &mut [u8]) -> Result {
        // GSP-RM fills in the zeroed structure.
        Ok(())
    }
}

/// The part of `GET_GSP_STATIC_INFO`'s reply nova uses.
pub(crate) struct StaticInfoReply {
    /// `gpuNameString`, NUL-terminated (enforced by [`Message::decode`]).
    pub(crate) gpu_name: [u8; GPU_NAME_LEN],
    /// Sum of the sizes of the usable framebuffer regions.
    pub(crate) usable_fb: u64,
    /// The usable regions.
    pub(crate) regions: [Region; MAX_REGIONS],
    /// How many of `regions` are valid.
    pub(crate) region_count: usize,
    /// `hInternalClient`: GSP-RM's own client.
    pub(crate) internal_client: u32,
    /// `hInternalSubdevice`: its subdevice.
    pub(crate) internal_subdevice: u32,
    /// `bar1PdeBase`: GSP-RM's BAR1 root page directory.
    pub(crate) bar1_root: u64,
}

impl Message for StaticInfoReply {
    const FUNCTION: u32 = function::GET_GSP_STATIC_INFO;
    const NAME: &'static str = "GET_GSP_STATIC_INFO";

    fn decode(p: &[u8]) -> Result<Self> {
        let bytes = p.get(..size_of::<GspStaticConfigInfo>()).ok_or(EPROTO)?;
        // On the heap: the structure is large, and the payload need not be
        // aligned for it.
        let mut info = KBox::init(GspStaticConfigInfo::init_zeroed(), GFP_KERNEL)?;
        info.as_bytes_mut().copy_from_slice(bytes);

        let gpu_name = info.gpu_name_string;
        if !gpu_name.contains(&0) {
            return Err(EPROTO);
        }
        let regions = &info.fb_region_info_params;
        let count = regions.num_fb_regions as usize;
        let regions = regions.fb_region.get(..count).ok_or(EPROTO)?;
        let mut usable_fb: u64 = 0;
        let mut usable = [Region { base: 0, size: 0 }; MAX_REGIONS];
        let mut region_count = 0;
        for r in regions {
            if r.limit < r.base
                || r.reserved != 0
                || r.b_protected != 0
                || r.support_compressed == 0
                || r.support_iso == 0
            {
                continue;
            }
            let size = (r.limit - r.base).checked_add(1).ok_or(EPROTO)?;
            usable_fb = usable_fb.checked_add(size).ok_or(EPROTO)?;
            if let Some(slot) = usable.get_mut(region_count) {
                *slot = Region { base: r.base, size };
                region_count += 1;
            }
        }
        Ok(Self {
            gpu_name,
            usable_fb,
            regions: usable,
            region_count,
            internal_client: info.h_internal_client,
            internal_subdevice: info.h_internal_subdevice,
            bar1_root: info.bar1_pde_base,
        })
    }
}

/// `UNLOADING_GUEST_DRIVER`: GSP-RM is to shut down (power level 0, not a
/// power-management transition).
pub(crate) struct UnloadingGuestDriver;

impl Command for UnloadingGuestDriver {
    const FUNCTION: u32 = function::UNLOADING_GUEST_DRIVER;
    const NAME: &'static str = "UNLOADING_GUEST_DRIVER";
    type Reply = UnloadingGuestDriverReply;

    fn payload_len(&self) -> usize {
        size_of::<UnloadingGuestDriverParams>()
    }

    fn encode(&self, d: &mut [u8]) -> Result {
        let params = UnloadingGuestDriverParams {
            // An unload, not a power-management transition.
            b_in_pm_transition: 0,
            b_gc6_entering: 0,
            // Power level 0.
            new_level: 0,
            ..Zeroable::zeroed()
        };
        put(d, &params)
    }
}

/// The reply to [`UnloadingGuestDriver`].
pub(crate) struct UnloadingGuestDriverReply;

impl Message for UnloadingGuestDriverReply {
    const FUNCTION: u32 = function::UNLOADING_GUEST_DRIVER;
    const NAME: &'static str = "UNLOADING_GUEST_DRIVER";

    fn decode(_payload: &[u8]) -> Result<Self> {
        Ok(Self)
    }
}

#[kunit_tests(nova_gsp_commands)]
mod tests {
    use super::*;
    use crate::gsp::fw::FB_REGION_INFO_MAX_ENTRIES;
    use kernel::transmute::FromBytes;

    #[test]
    fn registry_layout() -> Result {
        let cmd = SetRegistry;
        let len = cmd.payload_len();
        assert_eq!(
            len,
            8 + 3 * 16 + "RMSecBusResetEnable\0RMForcePcieConfigSave\0RMDevidCheckIgnore\0".len()
        );
        let mut d = KVec::from_elem(0u8, len, GFP_KERNEL)?;
        cmd.encode(&mut d)?;
        let (table, rest) = PackedRegistryTable::from_bytes_copy_prefix(&d).ok_or(EINVAL)?;
        assert_eq!(table.size, len as u32);
        assert_eq!(table.num_entries, 3);
        let (e0, rest) = PackedRegistryEntry::from_bytes_copy_prefix(rest).ok_or(EINVAL)?;
        assert_eq!(e0.name_offset, 56);
        assert_eq!(e0.type_, REGISTRY_TABLE_ENTRY_TYPE_DWORD);
        assert_eq!(e0.data, 1);
        assert_eq!(e0.length, 0);
        let (e1, _) = PackedRegistryEntry::from_bytes_copy_prefix(rest).ok_or(EINVAL)?;
        assert_eq!(e1.name_offset, 76);
        assert_eq!(&d[56..76], b"RMSecBusResetEnable\0");
        // The entry fields at the offsets GSP-RM reads them from.
        assert_eq!(&d[8..12], &56u32.to_le_bytes());
        assert_eq!(d[12], REGISTRY_TABLE_ENTRY_TYPE_DWORD);
        assert_eq!(&d[16..20], &1u32.to_le_bytes());
        assert_eq!(&d[24..28], &76u32.to_le_bytes());
        Ok(())
    }

    #[test]
    fn system_info_layout() -> Result {
        let cmd = SetSystemInfo {
            bar0: 0xf000_0000,
            bar1: 0xe000_0000,
            bar3: 0xd000_0000,
            bdf: 0x0100,
            vendor: 0x10de,
            device: 0x2204,
            subsystem_vendor: 0x1458,
            subsystem_device: 0x403b,
            revision: 0xa1,
            config_mirror_base: 0x88000,
            config_mirror_size: 0x1000,
        };
        let mut d = KVec::from_elem(0u8, cmd.payload_len(), GFP_KERNEL)?;
        assert_eq!(d.len(), 0x3a0);
        cmd.encode(&mut d)?;
        let le64 = |at: usize| -> Result<u64> {
            let b = d.get(at..at + 8).ok_or(EINVAL)?;
            Ok(u64::from_le_bytes([
                b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
            ]))
        };
        // The offsets nova wrote by hand before the structures were typed.
        assert_eq!(le64(0x00)?, 0xf000_0000);
        assert_eq!(le64(0x10)?, 0xd000_0000);
        assert_eq!(le64(0x20)?, 0x0100);
        assert_eq!(le64(0x48)?, (1 << 47) - 0x1000);
        assert_eq!(le64(0x50)?, 0x1000_0008_8000);
        assert_eq!(le64(0x58)?, 0x403b_1458_2204_10de);
        assert_eq!(d[0x60], 0xa1);
        assert_eq!(le64(0x398)?, 0x1000);
        assert_eq!((d[0x380], d[0x38c]), (0, 0));
        Ok(())
    }

    #[test]
    fn static_info() -> Result {
        let mut info = KBox::init(GspStaticConfigInfo::init_zeroed(), GFP_KERNEL)?;
        info.gpu_name_string[..4].copy_from_slice(b"Test");
        let regions = &mut info.fb_region_info_params;
        regions.num_fb_regions = 2;
        // A usable 1 GiB region and a reserved one.
        let r0 = &mut regions.fb_region[0];
        r0.limit = (1 << 30) - 1;
        r0.support_compressed = 1;
        r0.support_iso = 1;
        let r1 = &mut regions.fb_region[1];
        r1.base = 1 << 30;
        r1.limit = (2 << 30) - 1;
        r1.reserved = 1;
        let decoded = StaticInfoReply::decode(info.as_bytes())?;
        assert_eq!(decoded.usable_fb, 1 << 30);
        assert_eq!(&decoded.gpu_name[..5], b"Test\0");

        assert_eq!(
            StaticInfoReply::decode(&info.as_bytes()[..100]).err(),
            Some(EPROTO)
        );
        info.fb_region_info_params.num_fb_regions = FB_REGION_INFO_MAX_ENTRIES as u32 + 1;
        assert_eq!(StaticInfoReply::decode(info.as_bytes()).err(), Some(EPROTO));
        info.fb_region_info_params.num_fb_regions = 0;
        info.gpu_name_string.fill(b'x');
        assert_eq!(StaticInfoReply::decode(info.as_bytes()).err(), Some(EPROTO));
        Ok(())
    }

    #[test]
    fn unloading_guest_driver_layout() -> Result {
        let cmd = UnloadingGuestDriver;
        let mut d = KVec::from_elem(0xffu8, cmd.payload_len(), GFP_KERNEL)?;
        assert_eq!(d.len(), 8);
        cmd.encode(&mut d)?;
        assert!(d.iter().all(|&b| b == 0));
        Ok(())
    }
}
