// SPDX-License-Identifier: GPL-2.0

//! A client of the DRM device and its ioctls.
//!
//! Every handler validates its whole argument before acting: padding and
//! unknown flags are `EINVAL`, sizes are checked for overflow and limits.
//! The DRM core has already made sure the device is still registered; after
//! unbind it answers `ENODEV` without calling these.

use core::sync::atomic::AtomicU64;

use kernel::{
    drm::{
        self,
        gem::BaseObject,
        Ioctl,
        Registered, //
    },
    new_mutex,
    prelude::*,
    sync::{
        Arc,
        Mutex, //
    },
    uapi, //
};

use crate::{
    drm::device::{
        NovaDevice,
        NovaDrmDriver,
        NovaRegistrationData, //
    },
    drm::gem::{
        self,
        Bo, //
    },
    drm::params,
    fifo::channel::Channel,
    mmu::bind_queue::{
        BindQueue,
        SharedVm, //
    },
};

/// Per-client state: the VA space (objects live in the DRM core's handle
/// table).
#[pin_data]
pub(crate) struct File {
    /// The VA space, once VM_INIT made it (shared with the bind queue).
    pub(crate) vm: SharedVm,
    /// The queue of asynchronous binds, once the first one came.
    #[pin]
    pub(crate) bind_queue: Mutex<Option<Arc<BindQueue>>>,
    /// Bytes of VRAM of the objects this file has handles to, for fdinfo.
    pub(crate) vram_bytes: AtomicU64,
    /// The file's channels, with the last handle given out.
    #[pin]
    pub(crate) channels: Mutex<Channels>,
}

/// The channels of a file.
#[derive(Default)]
pub(crate) struct Channels {
    /// Live channels.
    pub(crate) list: KVec<Arc<Channel>>,
    /// The last handle given out (handles are never reused).
    pub(crate) last: u32,
    /// Copy-engine time of the channels already destroyed, in ns.
    pub(crate) busy_ns_destroyed: u64,
}

impl Channels {
    /// Copy-engine time of all the file's channels, in ns.
    pub(crate) fn busy_ns(&self) -> u64 {
        self.list
            .iter()
            .fold(self.busy_ns_destroyed, |t, c| t.saturating_add(c.busy_ns()))
    }
}

/// A nova DRM file.
pub(crate) type NovaFile = drm::File<File>;

impl drm::file::DriverFile for File {
    type Driver = NovaDrmDriver;

    fn open(_dev: &NovaDevice) -> Result<Pin<KBox<Self>>> {
        KBox::try_pin_init(
            try_pin_init!(Self {
                vm: Arc::pin_init(new_mutex!(None), GFP_KERNEL)?,
                bind_queue <- new_mutex!(None),
                vram_bytes: AtomicU64::new(0),
                channels <- new_mutex!(Channels::default()),
            }),
            GFP_KERNEL,
        )
    }

    fn close(self: Pin<&Self>, dev: &NovaDevice<Ioctl>) {
        if let Some(q) = self.bind_queue.lock().take() {
            q.close();
        }
        // Channels first: GSP-RM frees a VA space only once no channel
        // runs in it.
        let channels = core::mem::take(&mut self.channels.lock().list);
        if !channels.is_empty() {
            let mut vm = self.vm.lock();
            match dev.registration_guard() {
                Some(guard) => guard.registration_data_with(|reg| {
                    for ch in channels.iter() {
                        ch.destroy(Some(reg), (*vm).as_mut());
                    }
                }),
                None => {
                    for ch in channels.iter() {
                        ch.destroy(None, None);
                    }
                }
            }
        }
        let Some(vm) = self.vm.lock().take() else {
            return;
        };
        let gpu_side = vm.close();
        // While the device is registered, free the VA space in GSP-RM now;
        // once it is unplugged, GSP-RM frees it with nova's client.
        if let (Some(z), Some(guard)) = (gpu_side, dev.registration_guard()) {
            guard.registration_data_with(|reg| z.free(reg));
        }
    }
}

impl File {
    /// `DRM_IOCTL_NOVA_GETPARAM`: reads one GPU or driver parameter.
    pub(crate) fn get_param(
        _dev: &NovaDevice<Registered>,
        reg: &NovaRegistrationData<'_>,
        req: &mut uapi::drm_nova_getparam,
        _file: &NovaFile,
    ) -> Result<u32> {
        req.value = if req.param == uapi::NOVA_GETPARAM_VRAM_USED.into() {
            reg.gpu.as_ref().ok_or(ENODEV)?.vram.used()
        } else {
            params::value(&reg.info, reg.gsp.as_ref(), req.param)?
        };
        Ok(0)
    }

    /// `DRM_IOCTL_NOVA_GEM_CREATE`: creates a GEM object and a handle to it.
    pub(crate) fn gem_create(
        dev: &NovaDevice<Registered>,
        reg: &NovaRegistrationData<'_>,
        req: &mut uapi::drm_nova_gem_create,
        file: &NovaFile,
    ) -> Result<u32> {
        let vram_size = reg.gsp.as_ref().map(|g| g.vram_size);
        let size = gem::object_size(req.size, gem::size_max(vram_size))?;
        let vram = reg.gpu.as_ref().map(|g| &g.vram);
        let bo = gem::create(dev, size, req.flags, vram)?;
        req.handle = bo.create_handle(file)?;
        req.size = bo.size() as u64;
        Ok(0)
    }

    /// `DRM_IOCTL_NOVA_GEM_INFO`: reports the size of an object.
    pub(crate) fn gem_info(
        _dev: &NovaDevice<Registered>,
        _reg: &NovaRegistrationData<'_>,
        req: &mut uapi::drm_nova_gem_info,
        file: &NovaFile,
    ) -> Result<u32> {
        if req.flags != 0 {
            return Err(EINVAL);
        }
        let bo = Bo::lookup_handle(file, req.handle)?;
        req.size = bo.size() as u64;
        req.flags = bo.info_flags();
        Ok(0)
    }

    /// `DRM_IOCTL_NOVA_GEM_MMAP_OFFSET`: returns the offset to mmap an object
    /// through this file.
    pub(crate) fn gem_mmap_offset(
        _dev: &NovaDevice<Registered>,
        reg: &NovaRegistrationData<'_>,
        req: &mut uapi::drm_nova_gem_mmap_offset,
        file: &NovaFile,
    ) -> Result<u32> {
        if req.flags != 0 {
            return Err(EINVAL);
        }
        let bo = Bo::lookup_handle(file, req.handle)?;
        // VRAM is mapped through BAR1.
        if bo.vram().is_some() {
            let gpu = reg.gpu.as_ref().ok_or(ENODEV)?;
            bo.map_bar1(gpu, &reg.pramin, &reg.tlb)?;
        }
        req.offset = bo.create_mmap_offset()?;
        Ok(0)
    }
}
