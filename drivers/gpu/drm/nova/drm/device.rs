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

use kernel::{
    device::Bound,
    sync::Arc, //
};

use crate::{
    chip::Chip,
    drm::exec,
    drm::file::File,
    drm::gem::NovaObject,
    drm::params,
    drm::vm, //
    gpu::{
        Bar0,
        GpuInfo, //
    },
    gsp::{
        rm::RmRoot,
        GspStaticInfo, //
    },
    mm::{
        pramin::Pramin,
        vram::Vram, //
    },
    mmu::tlb::Tlb,
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
    /// The GPU's work: present when nova booted GSP-RM.
    pub(crate) gpu: Option<GpuRuntime<'bound>>,
    /// The PRAMIN window, through which nova writes page tables.
    #[pin]
    pub(crate) pramin: Pramin,
    /// The TLB invalidation registers.
    #[pin]
    pub(crate) tlb: Tlb,
}

/// What the ioctls that touch the GPU need, while it is bound.
pub(crate) struct GpuRuntime<'bound> {
    /// The PCI device, for DMA mappings.
    pub(crate) dev: &'bound kernel::device::Device<Bound>,
    /// The chip.
    pub(crate) chip: &'static Chip,
    /// BAR0.
    pub(crate) bar: Arc<Bar0<'bound>>,
    /// nova's RM client, device and subdevice; dropped (freed in GSP-RM)
    /// when the DRM device is unplugged, before GSP-RM stops.
    pub(crate) rm: RmRoot<'bound>,
    /// The VRAM allocator.
    pub(crate) vram: Arc<Vram>,
    /// BAR1, if GSP-RM set it up for mappings.
    pub(crate) bar1: Option<crate::mm::bar1::Bar1>,
    /// Enabled GPCs (0 if GSP-RM did not say).
    pub(crate) gpcs: u32,
    /// Enabled TPCs over all GPCs.
    pub(crate) tpcs: u32,
    /// Channels, interrupts and fences.
    pub(crate) fifo: crate::fifo::Fifo,
}

impl<'bound> NovaRegistrationData<'bound> {
    /// Builds the registration data of a probed GPU.
    pub(crate) fn new(
        info: GpuInfo,
        gsp: Option<GspStaticInfo>,
        gpu: Option<GpuRuntime<'bound>>,
    ) -> impl PinInit<Self, Error> + 'bound {
        try_pin_init!(Self {
            _bound: PhantomData,
            info,
            gsp,
            gpu,
            pramin <- Pramin::new(info.id.chip),
            tlb <- Tlb::new(),
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
    const FEAT_SYNCOBJ: bool = true;
    const FEAT_SYNCOBJ_TIMELINE: bool = true;

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
        (NOVA_DEVICE_INFO, drm_nova_device_info, ioctl::RENDER_ALLOW, params::device_info),
        (NOVA_VM_INIT, drm_nova_vm_init, ioctl::AUTH | ioctl::RENDER_ALLOW, vm::vm_init),
        (NOVA_VM_BIND, drm_nova_vm_bind, ioctl::AUTH | ioctl::RENDER_ALLOW, vm::vm_bind),
        (NOVA_CHANNEL_CREATE, drm_nova_channel_create, ioctl::AUTH | ioctl::RENDER_ALLOW,
         exec::channel_create),
        (NOVA_CHANNEL_DESTROY, drm_nova_channel_destroy, ioctl::AUTH | ioctl::RENDER_ALLOW,
         exec::channel_destroy),
        (NOVA_EXEC, drm_nova_exec, ioctl::AUTH | ioctl::RENDER_ALLOW, exec::exec),
    }

    fn show_fdinfo(printer: &mut drm::fdinfo::Printer, file: &drm::File<File>) {
        printer.memory_stats(file);
        // VRAM objects are always resident and never shared (nova does not
        // export them).
        let vram = file
            .inner()
            .vram_bytes
            .load(core::sync::atomic::Ordering::Relaxed);
        printer.region_stats(c"vram", vram, 0, vram);
        let busy = file.inner().channels.lock().busy_ns();
        // fdinfo is best effort: a failed allocation drops the line.
        let _ = printer.engine_stats(c"copy", busy);
    }
}
