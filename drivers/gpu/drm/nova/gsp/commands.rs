// SPDX-License-Identifier: GPL-2.0

//! The RPCs of a GSP-RM boot and shutdown, as r570.144 lays them out:
//! `GSP_SET_SYSTEM_INFO`, `SET_REGISTRY`, `GET_GSP_STATIC_INFO`,
//! `UNLOADING_GUEST_DRIVER` and the `GSP_INIT_DONE` event.

use kernel::prelude::*;

use super::{
    cmdq::{
        Command,
        Message,
        NoReply, //
    },
    queue::{
        get_u32,
        get_u64,
        put_u32,
        put_u64,
        put_u8, //
    },
};

/// `NV_VGPU_MSG_FUNCTION_*` and `NV_VGPU_MSG_EVENT_*` numbers.
pub(crate) mod function {
    /// `NV_VGPU_MSG_FUNCTION_UNLOADING_GUEST_DRIVER`.
    pub(crate) const UNLOADING_GUEST_DRIVER: u32 = 47;
    /// `NV_VGPU_MSG_FUNCTION_GET_GSP_STATIC_INFO`.
    pub(crate) const GET_GSP_STATIC_INFO: u32 = 65;
    /// `NV_VGPU_MSG_FUNCTION_GSP_SET_SYSTEM_INFO`.
    pub(crate) const GSP_SET_SYSTEM_INFO: u32 = 72;
    /// `NV_VGPU_MSG_FUNCTION_SET_REGISTRY`.
    pub(crate) const SET_REGISTRY: u32 = 73;
    /// `NV_VGPU_MSG_EVENT_GSP_INIT_DONE`.
    pub(crate) const GSP_INIT_DONE: u32 = 0x1001;
    /// `NV_VGPU_MSG_EVENT_GSP_RUN_CPU_SEQUENCER`.
    pub(crate) const GSP_RUN_CPU_SEQUENCER: u32 = 0x1002;
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

/// Size of `GspSystemInfo`.
const SYSTEM_INFO_SIZE: usize = 0x3a0;

impl Command for SetSystemInfo {
    const FUNCTION: u32 = function::GSP_SET_SYSTEM_INFO;
    const NAME: &'static str = "GSP_SET_SYSTEM_INFO";
    type Reply = NoReply;

    fn payload_len(&self) -> usize {
        SYSTEM_INFO_SIZE
    }

    fn encode(&self, d: &mut [u8]) -> Result {
        // gpuPhysAddr, gpuPhysFbAddr, gpuPhysInstAddr.
        put_u64(d, 0x00, self.bar0)?;
        put_u64(d, 0x08, self.bar1)?;
        put_u64(d, 0x10, self.bar3)?;
        // nvDomainBusDeviceFunc.
        put_u64(d, 0x20, self.bdf.into())?;
        // maxUserVa: the x86-64 user address space, 47 bits less a page.
        put_u64(d, 0x48, (1 << 47) - 0x1000)?;
        // pciConfigMirrorBase, pciConfigMirrorSize.
        put_u32(d, 0x50, self.config_mirror_base)?;
        put_u32(d, 0x54, self.config_mirror_size)?;
        // PCIDeviceID, PCISubDeviceID, PCIRevisionID.
        let id = (u32::from(self.device) << 16) | u32::from(self.vendor);
        put_u32(d, 0x58, id)?;
        let sub = (u32::from(self.subsystem_device) << 16) | u32::from(self.subsystem_vendor);
        put_u32(d, 0x5c, sub)?;
        put_u32(d, 0x60, self.revision.into())?;
        // bIsPrimary (0x380) and bPreserveVideoMemoryAllocations (0x38c)
        // stay zero: nova drives no console and keeps nothing across loads.
        // hostPageSize.
        put_u64(d, 0x398, 0x1000)
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

/// Size of `PACKED_REGISTRY_TABLE` without its entries.
const REGISTRY_TABLE_HDR: usize = 8;
/// Size of a `PACKED_REGISTRY_ENTRY`.
const REGISTRY_ENTRY_SIZE: usize = 16;
/// `REGISTRY_TABLE_ENTRY_TYPE_DWORD`.
const REGISTRY_TYPE_DWORD: u8 = 1;

impl Command for SetRegistry {
    const FUNCTION: u32 = function::SET_REGISTRY;
    const NAME: &'static str = "SET_REGISTRY";
    type Reply = NoReply;

    fn payload_len(&self) -> usize {
        REGISTRY_TABLE_HDR
            + REGISTRY.len() * REGISTRY_ENTRY_SIZE
            + REGISTRY
                .iter()
                .map(|e| e.key.to_bytes_with_nul().len())
                .sum::<usize>()
    }

    fn encode(&self, d: &mut [u8]) -> Result {
        // size, numEntries.
        put_u32(d, 0, d.len() as u32)?;
        put_u32(d, 4, REGISTRY.len() as u32)?;
        let mut name = REGISTRY_TABLE_HDR + REGISTRY.len() * REGISTRY_ENTRY_SIZE;
        for (i, e) in REGISTRY.iter().enumerate() {
            let at = REGISTRY_TABLE_HDR + i * REGISTRY_ENTRY_SIZE;
            // nameOffset, type, data; length stays zero for a DWORD.
            put_u32(d, at, name as u32)?;
            put_u8(d, at + 4, REGISTRY_TYPE_DWORD)?;
            put_u32(d, at + 8, e.value)?;
            let key = e.key.to_bytes_with_nul();
            d.get_mut(name..name + key.len())
                .ok_or(EINVAL)?
                .copy_from_slice(key);
            name += key.len();
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

/// Size of `GspStaticConfigInfo_t`.
const STATIC_INFO_SIZE: usize = 0x678;
/// Offset of `fbRegionInfoParams` in `GspStaticConfigInfo_t`.
const FB_REGION_INFO: usize = 0x158;
/// Offset of `gpuNameString` in `GspStaticConfigInfo_t`.
const GPU_NAME: usize = 0x4ec;
/// Length of `gpuNameString`.
pub(crate) const GPU_NAME_LEN: usize = 64;
/// Capacity of `fbRegion[]`.
const FB_REGIONS_MAX: usize = 16;
/// Size of one `NV2080_CTRL_CMD_FB_GET_FB_REGION_FB_REGION_INFO`.
const FB_REGION_SIZE: usize = 0x30;

/// `GET_GSP_STATIC_INFO`: asks GSP-RM what it found out about the GPU.
pub(crate) struct GetGspStaticInfo;

impl Command for GetGspStaticInfo {
    const FUNCTION: u32 = function::GET_GSP_STATIC_INFO;
    const NAME: &'static str = "GET_GSP_STATIC_INFO";
    type Reply = StaticInfoReply;

    fn payload_len(&self) -> usize {
        STATIC_INFO_SIZE
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
}

impl Message for StaticInfoReply {
    const FUNCTION: u32 = function::GET_GSP_STATIC_INFO;
    const NAME: &'static str = "GET_GSP_STATIC_INFO";

    fn decode(p: &[u8]) -> Result<Self> {
        if p.len() < STATIC_INFO_SIZE {
            return Err(EPROTO);
        }
        let mut gpu_name = [0u8; GPU_NAME_LEN];
        gpu_name.copy_from_slice(&p[GPU_NAME..GPU_NAME + GPU_NAME_LEN]);
        if !gpu_name.contains(&0) {
            return Err(EPROTO);
        }
        let count = get_u32(p, FB_REGION_INFO).ok_or(EPROTO)? as usize;
        if count > FB_REGIONS_MAX {
            return Err(EPROTO);
        }
        let mut usable_fb: u64 = 0;
        for i in 0..count {
            let r = FB_REGION_INFO + 8 + i * FB_REGION_SIZE;
            let base = get_u64(p, r).ok_or(EPROTO)?;
            let limit = get_u64(p, r + 0x8).ok_or(EPROTO)?;
            let reserved = get_u64(p, r + 0x10).ok_or(EPROTO)?;
            let flag = |off: usize| p.get(r + off).copied().unwrap_or(0) != 0;
            let (compressed, iso, protected) = (flag(0x1c), flag(0x1d), flag(0x1e));
            if limit < base || reserved != 0 || protected || !compressed || !iso {
                continue;
            }
            usable_fb = usable_fb
                .checked_add(limit - base)
                .and_then(|s| s.checked_add(1))
                .ok_or(EPROTO)?;
        }
        Ok(Self {
            gpu_name,
            usable_fb,
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
        8
    }

    fn encode(&self, _d: &mut [u8]) -> Result {
        // bInPMTransition, bGc6Entering and newLevel are all zero.
        Ok(())
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
        assert_eq!(get_u32(&d, 0), Some(len as u32));
        assert_eq!(get_u32(&d, 4), Some(3));
        assert_eq!(get_u32(&d, 8), Some(56));
        assert_eq!(d[12], REGISTRY_TYPE_DWORD);
        assert_eq!(get_u32(&d, 16), Some(1));
        assert_eq!(&d[56..76], b"RMSecBusResetEnable\0");
        assert_eq!(get_u32(&d, 24), Some(76));
        Ok(())
    }

    #[test]
    fn static_info() -> Result {
        let mut p = KVec::from_elem(0u8, STATIC_INFO_SIZE, GFP_KERNEL)?;
        p[GPU_NAME..GPU_NAME + 4].copy_from_slice(b"Test");
        put_u32(&mut p, FB_REGION_INFO, 2)?;
        // A usable 1 GiB region and a reserved one.
        let r0 = FB_REGION_INFO + 8;
        put_u64(&mut p, r0 + 8, (1 << 30) - 1)?;
        p[r0 + 0x1c] = 1;
        p[r0 + 0x1d] = 1;
        let r1 = r0 + FB_REGION_SIZE;
        put_u64(&mut p, r1, 1 << 30)?;
        put_u64(&mut p, r1 + 8, (2 << 30) - 1)?;
        put_u64(&mut p, r1 + 0x10, 1)?;
        let info = StaticInfoReply::decode(&p)?;
        assert_eq!(info.usable_fb, 1 << 30);
        assert_eq!(&info.gpu_name[..5], b"Test\0");

        assert_eq!(StaticInfoReply::decode(&p[..100]).err(), Some(EPROTO));
        put_u32(&mut p, FB_REGION_INFO, 17)?;
        assert_eq!(StaticInfoReply::decode(&p).err(), Some(EPROTO));
        put_u32(&mut p, FB_REGION_INFO, 0)?;
        p[GPU_NAME..GPU_NAME + GPU_NAME_LEN].fill(b'x');
        assert_eq!(StaticInfoReply::decode(&p).err(), Some(EPROTO));
        Ok(())
    }
}
