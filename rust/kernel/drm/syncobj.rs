// SPDX-License-Identifier: GPL-2.0

//! DRM sync objects.
//!
//! C header: [`include/drm/drm_syncobj.h`](srctree/include/drm/drm_syncobj.h)
//!
//! A syncobj is a container for a [`Fence`] that userspace names by a handle
//! of its DRM file (created with the DRM core's `SYNCOBJ_CREATE`). A driver
//! with [`drm::Driver::FEAT_SYNCOBJ`] looks the handles of its submission
//! ioctls up with [`SyncObj::lookup`], takes the fences to wait for from
//! them and installs the fences of its jobs in them. A timeline syncobj
//! ([`drm::Driver::FEAT_SYNCOBJ_TIMELINE`]) holds a chain of fences, one per
//! point; adding a point needs a [`ChainNode`], allocated beforehand so that
//! installing cannot fail.
//!
//! Upstream has no Rust syncobj abstraction yet; Asahi's tree carries one
//! of the same shape (lookup, fence get, replace, add point). This one adds
//! [`SyncObj::point_fence`], which resolves a timeline point without
//! sleeping so that a driver can wait for a point that has not been
//! submitted yet outside its ioctl.

use crate::{
    bindings,
    dma_fence::Fence,
    drm::{self, file::DriverFile},
    prelude::*,
};
use core::ptr::NonNull;

/// A counted reference to a `struct drm_syncobj`.
///
/// # Invariants
///
/// `0` points to a live `struct drm_syncobj` on which this object owns one
/// reference.
pub struct SyncObj(NonNull<bindings::drm_syncobj>);

// SAFETY: a syncobj is reference counted and its operations (fence get,
// replace, add point) take its own lock.
unsafe impl Send for SyncObj {}
// SAFETY: as above.
unsafe impl Sync for SyncObj {}

/// What a timeline point resolves to now.
pub enum Point {
    /// No fence for the point has been installed yet.
    NotSubmitted,
    /// The point has signalled (its fence is gone from the chain).
    Signaled,
    /// The fence to wait for.
    Fence(Fence),
}

impl SyncObj {
    /// A new syncobj that no file has a handle for, holding `fence` (or
    /// none).
    pub fn new(fence: Option<&Fence>) -> Result<Self> {
        let mut ptr = core::ptr::null_mut();
        let fence = fence.map_or(core::ptr::null_mut(), Fence::as_raw);
        // SAFETY: `ptr` is a valid out pointer; `fence` is null or live (the
        // syncobj takes its own reference).
        crate::error::to_result(unsafe { bindings::drm_syncobj_create(&mut ptr, 0, fence) })?;
        // INVARIANT: on success the new syncobj's reference is ours.
        NonNull::new(ptr).map(Self).ok_or(ENOMEM)
    }

    /// The syncobj `handle` of `file`, or `ENOENT`.
    pub fn lookup<T: DriverFile>(file: &drm::File<T>, handle: u32) -> Result<Self> {
        // SAFETY: `file.as_raw()` is a valid DRM file; `drm_syncobj_find`
        // returns a new reference or null.
        let ptr = unsafe { bindings::drm_syncobj_find(file.as_raw(), handle) };
        // INVARIANT: a non-null result carries a reference for us.
        NonNull::new(ptr).map(Self).ok_or(ENOENT)
    }

    fn as_raw(&self) -> *mut bindings::drm_syncobj {
        self.0.as_ptr()
    }

    /// The fence the syncobj holds now, if any (for a timeline syncobj: the
    /// chain's last point).
    pub fn fence(&self) -> Option<Fence> {
        // SAFETY: by the type invariant the syncobj is live; the helper
        // returns a new fence reference or null.
        unsafe { Fence::from_raw(bindings::drm_syncobj_fence_get(self.as_raw())) }
    }

    /// Resolves `point` of a timeline syncobj (`0`: the binary fence)
    /// without sleeping.
    pub fn point_fence(&self, point: u64) -> Result<Point> {
        let Some(fence) = self.fence() else {
            return Ok(Point::NotSubmitted);
        };
        if point == 0 {
            return Ok(Point::Fence(fence));
        }
        let mut raw = fence.into_raw();
        // SAFETY: `raw` carries a reference, which `dma_fence_chain_find_seqno`
        // takes over and replaces with a reference to the fence of the point
        // (or null when it has signalled). It fails with -EINVAL when the
        // point is beyond the chain's last one, leaving `raw` as it was.
        let ret = unsafe { bindings::dma_fence_chain_find_seqno(&mut raw, point) };
        // SAFETY: in every case `raw` is null or a reference we own.
        let fence = unsafe { Fence::from_raw(raw) };
        if ret == -(bindings::EINVAL as i32) {
            return Ok(Point::NotSubmitted);
        }
        crate::error::to_result(ret)?;
        Ok(fence.map_or(Point::Signaled, Point::Fence))
    }

    /// Replaces the syncobj's fence (a binary syncobj's whole state) with
    /// `fence`, or empties it.
    pub fn replace_fence(&self, fence: Option<&Fence>) {
        let ptr = fence.map_or(core::ptr::null_mut(), Fence::as_raw);
        // SAFETY: the syncobj is live; the C side takes its own reference on
        // the fence.
        unsafe { bindings::drm_syncobj_replace_fence(self.as_raw(), ptr) };
    }

    /// Adds `fence` as `point` of a timeline syncobj, using `chain`.
    pub fn add_point(&self, chain: ChainNode, fence: &Fence, point: u64) {
        let node = chain.0.as_ptr();
        core::mem::forget(chain);
        // SAFETY: the syncobj and fence are live; `drm_syncobj_add_point`
        // takes over the unused chain node (it becomes a fence owned by the
        // syncobj) and takes its own reference on `fence`.
        unsafe { bindings::drm_syncobj_add_point(self.as_raw(), node, fence.as_raw(), point) };
    }
}

impl Clone for SyncObj {
    fn clone(&self) -> Self {
        // SAFETY: the syncobj is live and we hold a reference.
        unsafe { bindings::drm_syncobj_get(self.as_raw()) };
        Self(self.0)
    }
}

impl Drop for SyncObj {
    fn drop(&mut self) {
        // SAFETY: by the type invariant this object owns one reference.
        unsafe { bindings::drm_syncobj_put(self.as_raw()) };
    }
}

/// An unused `struct dma_fence_chain`, for [`SyncObj::add_point`].
///
/// # Invariants
///
/// `0` was allocated by `dma_fence_chain_alloc()` and is not initialised.
pub struct ChainNode(NonNull<bindings::dma_fence_chain>);

// SAFETY: an unused allocation, owned exclusively.
unsafe impl Send for ChainNode {}
// SAFETY: `&ChainNode` gives no access to it.
unsafe impl Sync for ChainNode {}

impl ChainNode {
    /// Allocates a chain node (`GFP_KERNEL`).
    pub fn new() -> Result<Self> {
        // SAFETY: no requirements.
        let ptr = unsafe { bindings::dma_fence_chain_alloc() };
        NonNull::new(ptr).map(Self).ok_or(ENOMEM)
    }
}

impl Drop for ChainNode {
    fn drop(&mut self) {
        // SAFETY: an unused node from `dma_fence_chain_alloc` is freed with
        // `dma_fence_chain_free`.
        unsafe { bindings::dma_fence_chain_free(self.0.as_ptr()) };
    }
}

#[cfg(CONFIG_KUNIT)]
#[macros::kunit_tests(rust_kernel_drm_syncobj)]
mod tests {
    use super::*;
    use crate::dma_fence::{FenceContext, FenceNames};

    static NAMES: FenceNames = FenceNames {
        driver: c"kunit",
        timeline: c"syncobj",
    };

    #[test]
    fn binary_replace() -> Result {
        let ctx = FenceContext::new(&NAMES);
        let job = ctx.new_fence()?;
        let s = SyncObj::new(None)?;
        assert!(s.fence().is_none());
        assert!(matches!(s.point_fence(0)?, Point::NotSubmitted));
        s.replace_fence(Some(&job.fence()));
        let held = s.fence().ok_or(EINVAL)?;
        assert_eq!(held.seqno(), job.seqno());
        job.signal(Ok(()));
        assert_eq!(held.status(), Ok(true));
        s.replace_fence(None);
        assert!(s.fence().is_none());
        Ok(())
    }

    #[test]
    fn timeline_points() -> Result {
        let ctx = FenceContext::new(&NAMES);
        let one = ctx.new_fence()?;
        let two = ctx.new_fence()?;
        let s = SyncObj::new(None)?.clone();
        s.add_point(ChainNode::new()?, &one.fence(), 1);
        s.add_point(ChainNode::new()?, &two.fence(), 2);
        assert!(matches!(s.point_fence(3)?, Point::NotSubmitted));
        let Point::Fence(p2) = s.point_fence(2)? else {
            return Err(EINVAL);
        };
        assert_eq!(p2.status(), Ok(false));
        one.signal(Ok(()));
        // Point 1 has signalled: resolved to no fence, or to a signalled one.
        match s.point_fence(1)? {
            Point::Fence(f) => assert_eq!(f.status(), Ok(true)),
            Point::Signaled => {}
            Point::NotSubmitted => return Err(EINVAL),
        }
        two.signal(Ok(()));
        assert_eq!(p2.status(), Ok(true));
        // An unused chain node is freed on drop.
        drop(ChainNode::new()?);
        Ok(())
    }
}
