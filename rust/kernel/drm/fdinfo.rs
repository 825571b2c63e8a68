// SPDX-License-Identifier: GPL-2.0 OR MIT

//! DRM client statistics in fdinfo.
//!
//! Reading `/proc/<pid>/fdinfo/<fd>` of an open DRM file prints the keys described in
//! `Documentation/gpu/drm-usage-stats.rst`: the DRM core prints the common ones and then calls
//! [`drm::Driver::show_fdinfo`], which prints the driver's own through a [`Printer`].
//!
//! C header: [`include/drm/drm_file.h`](srctree/include/drm/drm_file.h)

use crate::{
    bindings,
    drm,
    str::{
        CStr,
        CStrExt, //
    },
    types::Opaque, //
};

/// The output of an fdinfo read, as handed to [`drm::Driver::show_fdinfo`].
///
/// # Invariants
///
/// `self.0` is a valid `struct drm_printer` for the duration of the callback that handed out the
/// reference.
#[repr(transparent)]
pub struct Printer(Opaque<bindings::drm_printer>);

impl Printer {
    /// Creates a reference to a [`Printer`] from a raw pointer.
    ///
    /// # Safety
    ///
    /// `ptr` must point to a valid `struct drm_printer` that stays valid, and is not used through
    /// another reference, for the lifetime `'a`.
    unsafe fn from_raw<'a>(ptr: *mut bindings::drm_printer) -> &'a mut Self {
        // SAFETY: `Printer` is a transparent wrapper of `struct drm_printer`, and the caller
        // guarantees validity and exclusive use for `'a`.
        unsafe { &mut *ptr.cast() }
    }

    /// Prints the standard memory keys (`drm-total-<region>`, `drm-shared-<region>`, and the
    /// residency keys where the objects report them) over all GEM objects of `file`.
    pub fn memory_stats<T: drm::file::DriverFile>(&mut self, file: &drm::File<T>) {
        // SAFETY: `self.0` is a valid printer by the type invariant, and `file` is a valid, open
        // DRM file by the invariants of `drm::File`.
        unsafe { bindings::drm_show_memory_stats(self.0.get(), file.as_raw()) };
    }

    /// Prints the memory keys of a driver-managed `region` (`drm-total-<region>`,
    /// `drm-shared-<region>`, `drm-resident-<region>`) from sizes in bytes the driver counted
    /// itself, for memory the DRM core cannot see (such as video memory).
    pub fn region_stats(&mut self, region: &CStr, total: u64, shared: u64, resident: u64) {
        let stats = bindings::drm_memory_stats {
            shared,
            private: total.saturating_sub(shared),
            resident,
            purgeable: 0,
            active: 0,
        };
        // SAFETY: `self.0` is a valid printer by the type invariant; `stats` and `region` are
        // valid for the call, and the function keeps neither.
        unsafe {
            bindings::drm_print_memory_stats(
                self.0.get(),
                &stats,
                bindings::drm_gem_object_status_DRM_GEM_OBJECT_RESIDENT,
                region.as_char_ptr(),
            )
        };
    }
}

impl Printer {
    /// Prints the busy time of a client on `engine` (`drm-engine-<engine>`): the nanoseconds its
    /// work has occupied the engine since the client opened the file.
    pub fn engine_stats(&mut self, engine: &CStr, busy_ns: u64) -> crate::error::Result {
        let line = crate::str::CString::try_from_fmt(core::format_args!(
            "drm-engine-{}:\t{} ns\n",
            engine.to_str().map_err(|_| crate::error::code::EINVAL)?,
            busy_ns
        ))?;
        // SAFETY: `self.0` is a valid printer by the type invariant; `line` is a valid C string
        // for the call, and the function keeps no reference to it.
        unsafe { bindings::drm_puts(self.0.get(), line.as_char_ptr()) };
        Ok(())
    }
}

/// The `show_fdinfo` callback of `struct drm_driver`, dispatching to
/// [`drm::Driver::show_fdinfo`].
///
/// # Safety
///
/// `printer` must be a valid `struct drm_printer` and `file` a valid, open `struct drm_file` of
/// a device of driver `T`, both for the duration of the call; the DRM core guarantees both when it
/// calls this from `drm_show_fdinfo()`.
pub(crate) unsafe extern "C" fn show_fdinfo_callback<T: drm::Driver>(
    printer: *mut bindings::drm_printer,
    file: *mut bindings::drm_file,
) {
    // SAFETY: `printer` is valid and used only through this reference for this call, by the
    // safety requirements of this function.
    let printer = unsafe { Printer::from_raw(printer) };
    // SAFETY: `file` is a valid, open DRM file of driver `T`, opened through `T::File::open`.
    let file = unsafe { drm::File::<T::File>::from_raw(file) };
    T::show_fdinfo(printer, file);
}
