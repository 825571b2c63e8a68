// SPDX-License-Identifier: GPL-2.0

//! nova's DRM driver: its identity, ioctl table and per-device data.

use core::marker::PhantomData;

use kernel::{
    device::DeviceContext,
    drm::{
        self,
        ioctl, //
    },
    pci,
    prelude::*,
};

use crate::{
    drm::file::File,
    drm::gem::NovaObject,
    drm::params, //
    gpu::GpuInfo,
    gsp::GspStaticInfo,
};

/// The DRM driver type.
pub(crate) struct NovaDrmDriver;

/// nova's DRM device.
pub(crate) type NovaDevice<Ctx = drm::Normal> = drm::Device<NovaDrmDriver, Ctx>;

/// Data of a registered nova DRM device, reachable from ioctls while the
/// device is registered (and so while its PCI device is bound).
#[pin_data]
pub(crate) struct NovaRegistrationData<'bound> {
    /// Ties the data to the binding (BAR0 is kept by `NovaPciData`, which
    /// outlives the registration).
    _bound: PhantomData<&'bound ()>,
    /// Identity of the GPU.
    pub(crate) info: GpuInfo,
    /// What GSP-RM reported, if nova booted it.
    pub(crate) gsp: Option<GspStaticInfo>,
}

impl<'bound> NovaRegistrationData<'bound> {
    /// Builds the registration data of a probed GPU.
    pub(crate) fn new(
        info: GpuInfo,
        gsp: Option<GspStaticInfo>,
    ) -> impl PinInit<Self, Error> + 'bound {
        try_pin_init!(Self {
            _bound: PhantomData,
            info,
            gsp
        })
    }
}

const INFO: drm::DriverInfo = drm::DriverInfo {
    major: 0,
    minor: 1,
    patchlevel: 0,
    name: c"nova",
    desc: c"NVIDIA GPUs with GSP-RM firmware",
};

#[vtable]
impl drm::Driver for NovaDrmDriver {
    type Data = ();
    type RegistrationData<'a> = NovaRegistrationData<'a>;
    type File = File;
    type Object = drm::gem::shmem::Object<NovaObject>;
    type ParentDevice<Ctx: DeviceContext> = pci::Device<Ctx>;

    const INFO: drm::DriverInfo = INFO;
    const FEAT_RENDER: bool = true;

    // Every ioctl is safe on the render node: none of them reaches another
    // client's objects or changes global state.
    kernel::declare_drm_ioctls! {
        (NOVA_GETPARAM, drm_nova_getparam, ioctl::RENDER_ALLOW, File::get_param),
        (NOVA_GEM_CREATE, drm_nova_gem_create, ioctl::AUTH | ioctl::RENDER_ALLOW, File::gem_create),
        (NOVA_GEM_INFO, drm_nova_gem_info, ioctl::AUTH | ioctl::RENDER_ALLOW, File::gem_info),
        (NOVA_GEM_MMAP_OFFSET, drm_nova_gem_mmap_offset, ioctl::AUTH | ioctl::RENDER_ALLOW,
         File::gem_mmap_offset),
        (NOVA_GETPARAM_STRING, drm_nova_getparam_string, ioctl::RENDER_ALLOW,
         params::get_param_string),
    }

    fn show_fdinfo(printer: &mut drm::fdinfo::Printer, file: &drm::File<File>) {
        printer.memory_stats(file);
    }
}
