// SPDX-License-Identifier: GPL-2.0

//! The values `DRM_IOCTL_NOVA_GETPARAM` and `DRM_IOCTL_NOVA_GETPARAM_STRING`
//! report.

use kernel::{
    drm::Registered,
    prelude::*,
    uaccess::{
        UserPtr,
        UserSlice, //
    },
    uapi, //
};

use crate::{
    drm::device::{
        NovaDevice,
        NovaRegistrationData, //
    },
    drm::file::NovaFile,
    drm::gem,
    gpu::GpuInfo,
    gsp::GspStaticInfo, //
};

/// Returns the value of GETPARAM parameter `param` for the GPU `info`
/// describes, with what GSP-RM reported in `gsp` if nova booted it;
/// `EINVAL` for a parameter nova does not define, `ENODEV` for one that
/// needs GSP-RM when it is not running.
pub(crate) fn value(info: &GpuInfo, gsp: Option<&GspStaticInfo>, param: u64) -> Result<u64> {
    let param = u32::try_from(param).map_err(|_| EINVAL)?;
    let value = match param {
        uapi::NOVA_GETPARAM_VRAM_BAR_SIZE => info.vram_bar_size,
        uapi::NOVA_GETPARAM_PCI_VENDOR_ID => info.vendor_id.into(),
        uapi::NOVA_GETPARAM_PCI_DEVICE_ID => info.device_id.into(),
        uapi::NOVA_GETPARAM_CHIPSET => info.id.chip.chipset.into(),
        uapi::NOVA_GETPARAM_ARCHITECTURE => info.id.chip.architecture().into(),
        uapi::NOVA_GETPARAM_REVISION => info.id.revision.into(),
        uapi::NOVA_GETPARAM_PCI_REVISION => info.pci_revision.into(),
        uapi::NOVA_GETPARAM_PCI_SUBSYSTEM => {
            (u64::from(info.subsystem_vendor_id) << 16) | u64::from(info.subsystem_device_id)
        }
        uapi::NOVA_GETPARAM_GEM_SIZE_MAX => gem::size_max(gsp.map(|g| g.vram_size)),
        uapi::NOVA_GETPARAM_VRAM_SIZE => gsp.ok_or(ENODEV)?.vram_size,
        uapi::NOVA_GETPARAM_EXEC_PUSH_MAX => crate::fifo::ring::PUSH_MAX.into(),
        uapi::NOVA_GETPARAM_EXEC_TIMEOUT_MS => {
            crate::fifo::ring::JOB_TIMEOUT.as_millis().unsigned_abs()
        }
        _ => return Err(EINVAL),
    };
    Ok(value)
}

/// Returns string parameter `param`, NUL terminator included; errors as
/// for [`value`].
pub(crate) fn string(gsp: Option<&GspStaticInfo>, param: u64) -> Result<&[u8]> {
    let param = u32::try_from(param).map_err(|_| EINVAL)?;
    match param {
        uapi::NOVA_GETPARAM_STRING_GPU_NAME => {
            Ok(gsp.ok_or(ENODEV)?.gpu_name().to_bytes_with_nul())
        }
        _ => Err(EINVAL),
    }
}

/// `DRM_IOCTL_NOVA_GETPARAM_STRING`: copies one string parameter to
/// userspace.
pub(crate) fn get_param_string(
    _dev: &NovaDevice<Registered>,
    reg: &NovaRegistrationData<'_>,
    req: &mut uapi::drm_nova_getparam_string,
    _file: &NovaFile,
) -> Result<u32> {
    if req.pad != 0 {
        return Err(EINVAL);
    }
    let s = string(reg.gsp.as_ref(), req.param)?;
    let len = u32::try_from(s.len()).map_err(|_| EINVAL)?;
    if req.size != 0 {
        if (req.size as usize) < s.len() {
            return Err(EINVAL);
        }
        let addr = usize::try_from(req.pointer).map_err(|_| EFAULT)?;
        UserSlice::new(UserPtr::from_addr(addr), s.len())
            .writer()
            .write_slice(s)?;
    }
    req.size = len;
    Ok(0)
}

/// `DRM_IOCTL_NOVA_DEVICE_INFO`: what a userspace driver needs to know of
/// the GPU.
pub(crate) fn device_info(
    _dev: &NovaDevice<Registered>,
    reg: &NovaRegistrationData<'_>,
    req: &mut uapi::drm_nova_device_info,
    _file: &NovaFile,
) -> Result<u32> {
    if req.pad != 0 || req.reserved.iter().any(|&r| r != 0) {
        return Err(EINVAL);
    }
    let gsp = reg.gsp.as_ref().ok_or(ENODEV)?;
    let info = &reg.info;
    let chip = info.id.chip;
    let classes = chip.classes();
    let fmt = crate::mmu::format(chip);
    *req = uapi::drm_nova_device_info {
        chipset: chip.chipset,
        architecture: chip.architecture(),
        device_id: info.device_id.into(),
        revision: info.id.revision,
        vram_size: gsp.vram_size,
        vram_bar_size: info.vram_bar_size,
        gpc_count: reg.gpu.as_ref().map_or(0, |g| g.gpcs),
        tpc_count: reg.gpu.as_ref().map_or(0, |g| g.tpcs),
        va_bits: fmt.va_bits(),
        page_sizes: (crate::mmu::pt::PAGE_4K | crate::mmu::pt::PAGE_64K | crate::mmu::pt::PAGE_2M)
            as u32,
        class_gpfifo: classes.gpfifo,
        class_copy: classes.copy,
        class_2d: classes.twod,
        class_3d: classes.threed,
        class_compute: classes.compute,
        class_m2mf: classes.m2mf,
        pad: 0,
        reserved: [0; 9],
    };
    Ok(0)
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

    fn gsp() -> GspStaticInfo {
        let mut gpu_name = [0u8; 64];
        gpu_name[..4].copy_from_slice(b"Test");
        GspStaticInfo {
            gpu_name,
            vram_size: 24 << 30,
            fb_regions: [crate::mm::vram::Region { base: 0, size: 0 };
                crate::mm::vram::MAX_REGIONS],
            fb_region_count: 0,
            internal: (0, 0),
            bar1_root: 0,
        }
    }

    #[test]
    fn known_params() {
        let info = ga102();
        assert!(info.is_some());
        let Some(info) = info else { return };
        let get = |p: u32| value(&info, None, p.into()).ok();
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
        assert_eq!(
            get(uapi::NOVA_GETPARAM_GEM_SIZE_MAX),
            Some(gem::sysmem_size_max())
        );
    }

    #[test]
    fn gsp_params() {
        let info = ga102();
        assert!(info.is_some());
        let Some(info) = info else { return };
        let g = gsp();
        let vram = uapi::NOVA_GETPARAM_VRAM_SIZE.into();
        assert_eq!(value(&info, Some(&g), vram).ok(), Some(24 << 30));
        assert_eq!(value(&info, None, vram).err(), Some(ENODEV));
        let name = uapi::NOVA_GETPARAM_STRING_GPU_NAME.into();
        assert_eq!(string(Some(&g), name).ok(), Some(&b"Test\0"[..]));
        assert_eq!(string(None, name).err(), Some(ENODEV));
        assert_eq!(string(Some(&g), 0).err(), Some(EINVAL));
        assert_eq!(string(Some(&g), 1 << 32 | 1).err(), Some(EINVAL));
    }

    #[test]
    fn unknown_params() {
        let info = ga102();
        assert!(info.is_some());
        let Some(info) = info else { return };
        let g = gsp();
        for p in [0u64, 0xc0, 0xffff, 1 << 32 | 1, 1 << 32 | 0xa, u64::MAX] {
            assert_eq!(value(&info, Some(&g), p).err(), Some(EINVAL));
        }
    }
}
