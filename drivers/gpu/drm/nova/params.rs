// SPDX-License-Identifier: GPL-2.0

//! The values `DRM_IOCTL_NOVA_GETPARAM` reports.

use kernel::{
    prelude::*,
    uapi, //
};

use crate::{
    gem,
    gpu::GpuInfo, //
};

/// Returns the value of GETPARAM parameter `param` for the GPU `info`
/// describes, or `EINVAL` for a parameter nova does not define.
pub(crate) fn value(info: &GpuInfo, param: u64) -> Result<u64> {
    let param = u32::try_from(param).map_err(|_| EINVAL)?;
    let value = match param {
        uapi::NOVA_GETPARAM_VRAM_BAR_SIZE => info.vram_bar_size,
        uapi::NOVA_GETPARAM_PCI_VENDOR_ID => info.vendor_id.into(),
        uapi::NOVA_GETPARAM_PCI_DEVICE_ID => info.device_id.into(),
        uapi::NOVA_GETPARAM_CHIPSET => info.id.chip.chipset.into(),
        uapi::NOVA_GETPARAM_ARCHITECTURE => (info.id.chip.arch as u32).into(),
        uapi::NOVA_GETPARAM_REVISION => info.id.revision.into(),
        uapi::NOVA_GETPARAM_PCI_REVISION => info.pci_revision.into(),
        uapi::NOVA_GETPARAM_PCI_SUBSYSTEM => {
            (u64::from(info.subsystem_vendor_id) << 16) | u64::from(info.subsystem_device_id)
        }
        uapi::NOVA_GETPARAM_GEM_SIZE_MAX => gem::SIZE_MAX,
        _ => return Err(EINVAL),
    };
    Ok(value)
}

#[kunit_tests(nova_params)]
mod tests {
    use super::*;
    use crate::chip::{
        Identity,
        CHIPS, //
    };

    fn ga102() -> Option<GpuInfo> {
        let chip = CHIPS.iter().find(|c| c.name == "GA102")?;
        Some(GpuInfo {
            id: Identity {
                chip,
                revision: 0xa1,
            },
            boot0: 0x1720_00a1,
            boot42: 0x172a_1000,
            vendor_id: 0x10de,
            device_id: 0x2204,
            pci_revision: 0xa1,
            subsystem_vendor_id: 0x10de,
            subsystem_device_id: 0x1454,
            vram_bar_size: 256 << 20,
        })
    }

    #[test]
    fn known_params() {
        let info = ga102();
        assert!(info.is_some());
        let Some(info) = info else { return };
        let get = |p: u32| value(&info, p.into()).ok();
        assert_eq!(get(uapi::NOVA_GETPARAM_VRAM_BAR_SIZE), Some(256 << 20));
        assert_eq!(get(uapi::NOVA_GETPARAM_PCI_VENDOR_ID), Some(0x10de));
        assert_eq!(get(uapi::NOVA_GETPARAM_PCI_DEVICE_ID), Some(0x2204));
        assert_eq!(get(uapi::NOVA_GETPARAM_CHIPSET), Some(0x172));
        assert_eq!(
            get(uapi::NOVA_GETPARAM_ARCHITECTURE),
            Some(uapi::NOVA_ARCHITECTURE_AMPERE.into())
        );
        assert_eq!(get(uapi::NOVA_GETPARAM_REVISION), Some(0xa1));
        assert_eq!(get(uapi::NOVA_GETPARAM_PCI_REVISION), Some(0xa1));
        assert_eq!(get(uapi::NOVA_GETPARAM_PCI_SUBSYSTEM), Some(0x10de_1454));
        assert_eq!(get(uapi::NOVA_GETPARAM_GEM_SIZE_MAX), Some(gem::SIZE_MAX));
    }

    #[test]
    fn unknown_params() {
        let info = ga102();
        assert!(info.is_some());
        let Some(info) = info else { return };
        for p in [0u64, 0xa, 0xffff, 1 << 32 | 1, u64::MAX] {
            assert_eq!(value(&info, p).err(), Some(EINVAL));
        }
    }
}
