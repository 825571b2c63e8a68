// SPDX-License-Identifier: GPL-2.0

//! GEM objects: buffers in system memory, backed by shmem, or in video
//! memory, backed by a VRAM allocation (the object's shmem pages are then
//! never used).

use kernel::{
    drm::gem::{
        self,
        shmem, //
    },
    page,
    prelude::*,
    sync::aref::ARef, //
};

use crate::{
    drm::device::{
        NovaDevice,
        NovaDrmDriver, //
    },
    mm::vram::{
        Vram,
        VramAlloc, //
    },
};
use core::sync::atomic::Ordering;
use kernel::{
    sync::Arc,
    uapi, //
};

use crate::{
    drm::{
        device::GpuRuntime,
        file::NovaFile, //
    },
    mm::{
        bar1::Bar1Map,
        pramin::Pramin, //
    },
    mmu::tlb::Tlb,
};
use kernel::{
    new_mutex,
    sync::Mutex, //
};

/// Largest system-memory object: half of the machine's RAM, so that one
/// object can never ask for more memory than the machine has.
pub(crate) fn sysmem_size_max() -> u64 {
    let pages = u64::try_from(page::total_ram_pages()).unwrap_or(u64::MAX);
    (pages / 2).saturating_mul(page::PAGE_SIZE as u64)
}

/// Largest GEM object nova accepts (`NOVA_GETPARAM_GEM_SIZE_MAX`): the
/// larger of [`sysmem_size_max`] and the usable VRAM, `vram_size`, if
/// nova booted GSP-RM.
pub(crate) fn size_max(vram_size: Option<u64>) -> u64 {
    sysmem_size_max().max(vram_size.unwrap_or(0))
}

/// The flags GEM_CREATE accepts.
const CREATE_FLAGS: u32 =
    uapi::NOVA_GEM_DOMAIN_VRAM | uapi::NOVA_GEM_DOMAIN_GART | uapi::NOVA_GEM_NO_SHARE;

/// nova's data in a GEM object.
#[pin_data]
pub(crate) struct NovaObject {
    /// The VRAM backing the object, if it lives in video memory.
    vram: Option<VramAlloc>,
    /// `NOVA_GEM_NO_SHARE` if it was created so.
    no_share: bool,
    /// Where BAR1 maps the object, once it is to be mmapped (VRAM only).
    #[pin]
    bar1: Mutex<Option<Bar1Map>>,
}

impl NovaObject {
    /// The object's VRAM, if it lives in video memory.
    pub(crate) fn vram(&self) -> Option<&VramAlloc> {
        self.vram.as_ref()
    }

    /// Maps a VRAM object into BAR1 unless it is already; `EINVAL` for a
    /// system-memory object, `ENODEV` when the GPU has no BAR1 mappings.
    pub(crate) fn map_bar1(&self, gpu: &GpuRuntime<'_>, pramin: &Pramin, tlb: &Tlb) -> Result {
        let vram = self.vram.as_ref().ok_or(EINVAL)?;
        let bar1 = gpu.bar1.as_ref().ok_or(ENODEV)?;
        let mut m = self.bar1.lock();
        if m.is_none() {
            *m = Some(bar1.map(&gpu.bar, pramin, tlb, &gpu.vram, vram)?);
        }
        Ok(())
    }

    /// GEM_INFO's flags: the domain and `NOVA_GEM_NO_SHARE`.
    pub(crate) fn info_flags(&self) -> u32 {
        let domain = if self.vram.is_some() {
            uapi::NOVA_GEM_DOMAIN_VRAM
        } else {
            uapi::NOVA_GEM_DOMAIN_GART
        };
        domain
            | if self.no_share {
                uapi::NOVA_GEM_NO_SHARE
            } else {
                0
            }
    }
}

/// What a new object is made of.
pub(crate) struct NewObject {
    vram: Option<VramAlloc>,
    no_share: bool,
}

/// A nova GEM object.
pub(crate) type Bo = shmem::Object<NovaObject>;

impl gem::DriverObject for NovaObject {
    type Driver = NovaDrmDriver;
    type Args = NewObject;

    /// System-memory objects are mapped as their shmem file: pages come
    /// when touched and count in the mapping process's RSS and memory
    /// cgroup, instead of the whole object being pinned by one mapping.
    const SHMEM_FILE_MAPPINGS: bool = true;

    fn new(_dev: &NovaDevice, _size: usize, args: NewObject) -> impl PinInit<Self, Error> {
        try_pin_init!(NovaObject {
            vram: args.vram,
            no_share: args.no_share,
            bar1 <- new_mutex!(None),
        })
    }

    /// Counts the object's VRAM in the file that gets a handle to it.
    fn open(obj: &Bo, file: &NovaFile) -> Result {
        if let Some(v) = obj.vram() {
            file.inner()
                .vram_bytes
                .fetch_add(v.size(), Ordering::Relaxed);
        }
        Ok(())
    }

    /// Uncounts it when the handle goes.
    fn close(obj: &Bo, file: &NovaFile) {
        if let Some(v) = obj.vram() {
            file.inner()
                .vram_bytes
                .fetch_sub(v.size(), Ordering::Relaxed);
        }
    }

    /// A VRAM object is mapped through BAR1, where GEM_MMAP_OFFSET put it.
    fn io_mapping(obj: &Bo) -> Option<u64> {
        obj.bar1.lock().as_ref().map(|m| m.phys)
    }

    /// Objects private to a VA space are never exported, nor are objects
    /// in VRAM: a dma-buf of one would carry its unused shmem pages.
    fn export(obj: &Bo) -> Result {
        if obj.no_share || obj.vram.is_some() {
            return Err(EINVAL);
        }
        Ok(())
    }
}

/// Checks a size userspace asked for and rounds it up to whole pages.
///
/// Zero is `EINVAL`; anything above `max` (see [`size_max`]) is `ENOMEM`,
/// as the uAPI header documents.
pub(crate) fn object_size(requested: u64, max: u64) -> Result<usize> {
    if requested == 0 {
        return Err(EINVAL);
    }
    if requested > max {
        return Err(ENOMEM);
    }
    let size = usize::try_from(requested).map_err(|_| ENOMEM)?;
    page::page_align(size).ok_or(ENOMEM)
}

/// Creates an object of `size` bytes (already checked by [`object_size`])
/// where GEM_CREATE's `flags` ask; `vram` is the GPU's VRAM, if nova booted
/// GSP-RM. VRAM alone without GSP-RM is `ENODEV`, VRAM exhausted `ENOMEM`;
/// with system memory allowed too, both fall back to it. A system-memory
/// object above [`sysmem_size_max`] is `ENOMEM`.
pub(crate) fn create(
    dev: &NovaDevice,
    size: usize,
    flags: u32,
    vram: Option<&Arc<Vram>>,
) -> Result<ARef<Bo>> {
    if flags & !CREATE_FLAGS != 0 {
        return Err(EINVAL);
    }
    let no_share = flags & uapi::NOVA_GEM_NO_SHARE != 0;
    let want_vram = flags & uapi::NOVA_GEM_DOMAIN_VRAM != 0;
    let allow_gart = flags & uapi::NOVA_GEM_DOMAIN_GART != 0 || !want_vram;
    let mut backing = None;
    match (want_vram, vram) {
        (true, Some(vram)) => {
            let bytes = size as u64;
            match Vram::alloc(vram, bytes, Vram::alignment_for(bytes)) {
                Ok(a) => backing = Some(a),
                Err(e) if !allow_gart => return Err(e),
                Err(_) => {}
            }
        }
        // No VRAM without GSP-RM: system memory if allowed.
        (true, None) if !allow_gart => return Err(ENODEV),
        _ => {}
    }
    if backing.is_none() && size as u64 > sysmem_size_max() {
        return Err(ENOMEM);
    }
    Bo::new(
        dev,
        size,
        shmem::ObjectConfig::default(),
        NewObject {
            vram: backing,
            no_share,
        },
    )
}

#[kunit_tests(nova_gem_size)]
mod tests {
    use super::*;
    use kernel::page::PAGE_SIZE;

    #[test]
    fn sizes() {
        const MAX: u64 = 4 << 30;
        assert_eq!(object_size(0, MAX).err(), Some(EINVAL));
        assert_eq!(object_size(1, MAX).ok(), Some(PAGE_SIZE));
        assert_eq!(object_size(PAGE_SIZE as u64, MAX).ok(), Some(PAGE_SIZE));
        assert_eq!(
            object_size(PAGE_SIZE as u64 + 1, MAX).ok(),
            Some(2 * PAGE_SIZE)
        );
        assert_eq!(object_size(MAX, MAX).ok(), usize::try_from(MAX).ok());
        assert_eq!(object_size(MAX + 1, MAX).err(), Some(ENOMEM));
        assert_eq!(object_size(u64::MAX, u64::MAX).err(), Some(ENOMEM));
        assert_eq!(
            object_size(u64::MAX - PAGE_SIZE as u64 + 2, u64::MAX).err(),
            Some(ENOMEM)
        );
    }

    #[test]
    fn limits() {
        let sysmem = sysmem_size_max();
        // Half of RAM, whole pages, and something on any machine.
        assert!(sysmem >= PAGE_SIZE as u64);
        assert_eq!(sysmem % PAGE_SIZE as u64, 0);
        assert!(sysmem <= (page::total_ram_pages() as u64) * PAGE_SIZE as u64 / 2);
        assert_eq!(size_max(None), sysmem);
        assert_eq!(size_max(Some(0)), sysmem);
        assert_eq!(size_max(Some(sysmem + 1)), sysmem + 1);
    }
}
