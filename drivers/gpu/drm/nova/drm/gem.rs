// SPDX-License-Identifier: GPL-2.0

//! GEM objects: buffers in system memory, backed by shmem.

use kernel::{
    drm::gem::{
        self,
        shmem, //
    },
    page,
    prelude::*,
    sync::aref::ARef, //
};

use crate::drm::device::{
    NovaDevice,
    NovaDrmDriver, //
};

/// Largest GEM object size nova accepts (`NOVA_GETPARAM_GEM_SIZE_MAX`).
pub(crate) const SIZE_MAX: u64 = 4 << 30;

/// nova's data in a GEM object (none yet).
#[pin_data]
pub(crate) struct NovaObject {}

/// A nova GEM object.
pub(crate) type Bo = shmem::Object<NovaObject>;

impl gem::DriverObject for NovaObject {
    type Driver = NovaDrmDriver;
    type Args = ();

    fn new(_dev: &NovaDevice, _size: usize, _args: ()) -> impl PinInit<Self, Error> {
        try_pin_init!(NovaObject {})
    }
}

/// Checks a size userspace asked for and rounds it up to whole pages.
///
/// Zero is `EINVAL`; anything above [`SIZE_MAX`] is `ENOMEM`, as the uAPI
/// header documents.
pub(crate) fn object_size(requested: u64) -> Result<usize> {
    if requested == 0 {
        return Err(EINVAL);
    }
    if requested > SIZE_MAX {
        return Err(ENOMEM);
    }
    let size = usize::try_from(requested).map_err(|_| ENOMEM)?;
    page::page_align(size).ok_or(ENOMEM)
}

/// Creates an object of `size` bytes (already checked by [`object_size`]).
pub(crate) fn create(dev: &NovaDevice, size: usize) -> Result<ARef<Bo>> {
    Bo::new(dev, size, shmem::ObjectConfig::default(), ())
}

#[kunit_tests(nova_gem_size)]
mod tests {
    use super::*;
    use kernel::page::PAGE_SIZE;

    #[test]
    fn sizes() {
        assert_eq!(object_size(0).err(), Some(EINVAL));
        assert_eq!(object_size(1).ok(), Some(PAGE_SIZE));
        assert_eq!(object_size(PAGE_SIZE as u64).ok(), Some(PAGE_SIZE));
        assert_eq!(object_size(PAGE_SIZE as u64 + 1).ok(), Some(2 * PAGE_SIZE));
        assert_eq!(object_size(SIZE_MAX).ok(), usize::try_from(SIZE_MAX).ok());
        assert_eq!(object_size(SIZE_MAX + 1).err(), Some(ENOMEM));
        assert_eq!(object_size(u64::MAX).err(), Some(ENOMEM));
        assert_eq!(
            object_size(u64::MAX - PAGE_SIZE as u64 + 2).err(),
            Some(ENOMEM)
        );
    }
}
