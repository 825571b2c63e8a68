// SPDX-License-Identifier: GPL-2.0

//! DMA fences: the kernel's cross-driver completion events.
//!
//! C header: [`include/linux/dma-fence.h`](srctree/include/linux/dma-fence.h)
//!
//! * [`Fence`] is a counted reference to any `struct dma_fence`, whoever
//!   made it (another driver, a syncobj, a fence chain): it can be tested,
//!   waited for and handed on.
//! * [`FenceContext`] is one timeline of a driver's own fences: a context
//!   number from `dma_fence_context_alloc()` and increasing sequence numbers.
//! * [`DriverFence`] is the signalling end of one fence of a context. It is
//!   made (and allocated) where the work is submitted, and consumed by
//!   [`DriverFence::signal`] where the work completes. Signalling neither
//!   allocates nor sleeps, so it may run in interrupt context. A
//!   `DriverFence` dropped without being signalled signals with
//!   `-ECANCELED`, so that no waiter waits forever for work that will not
//!   run.
//!
//! Upstream's posted Rust DMA fence series (Asahi's and the later generic
//! proposals) wraps driver data inside the fence and lets the driver
//! implement the fence ops. This one is deliberately smaller: driver fences
//! carry no driver data and use the fence's inline lock, so a fence never
//! points back into the driver and may outlive it (the ops and names are
//! `'static`), which is what keeps module unload and device removal simple.

use crate::{
    bindings,
    error::to_result,
    prelude::*,
    str::CStr,
    sync::atomic::{Atomic, Relaxed},
    time::Jiffies,
};
use core::ptr::NonNull;

/// A counted reference to a `struct dma_fence`.
///
/// # Invariants
///
/// `0` points to an initialised `struct dma_fence` on which this object
/// owns one reference.
pub struct Fence(NonNull<bindings::dma_fence>);

// SAFETY: a `struct dma_fence` is reference counted and its operations
// (signal, wait, get/put) are safe from any thread.
unsafe impl Send for Fence {}
// SAFETY: as above; `&Fence` only allows the thread-safe operations.
unsafe impl Sync for Fence {}

impl Fence {
    /// Takes over the reference the caller holds on `ptr`.
    ///
    /// Returns `None` for a null pointer.
    ///
    /// # Safety
    ///
    /// `ptr` is null or points to an initialised `struct dma_fence` on which
    /// the caller owns a reference, which it hands over.
    pub unsafe fn from_raw(ptr: *mut bindings::dma_fence) -> Option<Self> {
        // INVARIANT: by the safety requirements.
        NonNull::new(ptr).map(Self)
    }

    /// Gives up ownership of the reference and returns the pointer.
    pub fn into_raw(self) -> *mut bindings::dma_fence {
        let ptr = self.0.as_ptr();
        core::mem::forget(self);
        ptr
    }

    /// The pointer to the `struct dma_fence`, valid while `self` lives.
    pub fn as_raw(&self) -> *mut bindings::dma_fence {
        self.0.as_ptr()
    }

    /// The fence's context number.
    pub fn context(&self) -> u64 {
        // SAFETY: by the type invariant the fence is initialised; `context`
        // never changes after `dma_fence_init`.
        unsafe { (*self.as_raw()).context }
    }

    /// The fence's sequence number in its context.
    pub fn seqno(&self) -> u64 {
        // SAFETY: as for `context`.
        unsafe { (*self.as_raw()).seqno }
    }

    /// Whether the fence has signalled (this may signal it, if its
    /// implementation can tell).
    pub fn is_signaled(&self) -> bool {
        // SAFETY: by the type invariant the fence is valid.
        unsafe { bindings::dma_fence_is_signaled(self.as_raw()) }
    }

    /// `Ok(false)` while pending, `Ok(true)` once signalled without an
    /// error, the error once signalled with one.
    pub fn status(&self) -> Result<bool> {
        // SAFETY: by the type invariant the fence is valid.
        let ret = unsafe { bindings::dma_fence_get_status(self.as_raw()) };
        to_result(ret.min(0)).map(|()| ret > 0)
    }

    /// Waits up to `timeout` jiffies for the fence (interruptibly if
    /// `intr`): `Ok(true)` when it signalled, `Ok(false)` on timeout,
    /// `Err(ERESTARTSYS)` when interrupted. The fence's own error, if any,
    /// is not returned here: see [`Fence::status`].
    ///
    /// May sleep.
    pub fn wait_timeout(&self, intr: bool, timeout: Jiffies) -> Result<bool> {
        let timeout = crate::ffi::c_long::try_from(timeout).unwrap_or(crate::ffi::c_long::MAX);
        // SAFETY: by the type invariant the fence is valid.
        let ret = unsafe { bindings::dma_fence_wait_timeout(self.as_raw(), intr, timeout) };
        if ret < 0 {
            return Err(Error::from_errno(i32::try_from(ret).unwrap_or(-22)));
        }
        Ok(ret > 0)
    }
}

impl Clone for Fence {
    fn clone(&self) -> Self {
        // SAFETY: by the type invariant the fence is valid and we hold a
        // reference, so taking another is allowed.
        unsafe { bindings::dma_fence_get(self.as_raw()) };
        // INVARIANT: the reference just taken is the new object's.
        Self(self.0)
    }
}

impl Drop for Fence {
    fn drop(&mut self) {
        // SAFETY: by the type invariant this object owns one reference.
        unsafe { bindings::dma_fence_put(self.as_raw()) };
    }
}

/// The names a fence reports (`dma_fence_ops.get_driver_name` and
/// `get_timeline_name`), e.g. in `/sys/kernel/debug/sync_file` and in
/// sync_file info.
pub struct FenceNames {
    /// The driver, e.g. `c"nova"`.
    pub driver: &'static CStr,
    /// The timeline, e.g. `c"copy"`.
    pub timeline: &'static CStr,
}

/// The memory of a driver fence: the `struct dma_fence` first, so that the
/// C default release (`dma_fence_free`, an RCU-delayed `kfree` of the
/// fence pointer) frees it, and the names after it. Nothing in it needs
/// dropping.
#[repr(C)]
struct RawDriverFence {
    base: bindings::dma_fence,
    names: &'static FenceNames,
}

/// Returns the names of `fence`, which is the `base` of a `RawDriverFence`.
///
/// # Safety
///
/// `fence` is the `base` of a live `RawDriverFence`.
unsafe fn names<'a>(fence: *mut bindings::dma_fence) -> &'a FenceNames {
    // SAFETY: `base` is the first field of the `#[repr(C)]` `RawDriverFence`,
    // so the pointers are the same, and the caller guarantees it is live.
    unsafe { (*fence.cast::<RawDriverFence>()).names }
}

/// `dma_fence_ops.get_driver_name` of driver fences.
///
/// # Safety
///
/// `fence` is the `base` of a live `RawDriverFence`.
unsafe extern "C" fn get_driver_name(fence: *mut bindings::dma_fence) -> *const c_char {
    // SAFETY: these ops are only installed on fences made by
    // `FenceContext::new_fence`, which are `RawDriverFence`s, and the C side
    // calls them with a reference held.
    unsafe { names(fence) }.driver.as_char_ptr()
}

/// `dma_fence_ops.get_timeline_name` of driver fences.
///
/// # Safety
///
/// `fence` is the `base` of a live `RawDriverFence`.
unsafe extern "C" fn get_timeline_name(fence: *mut bindings::dma_fence) -> *const c_char {
    // SAFETY: as in `get_driver_name`.
    unsafe { names(fence) }.timeline.as_char_ptr()
}

const fn driver_fence_ops() -> bindings::dma_fence_ops {
    // SAFETY: `dma_fence_ops` is a C struct of optional function pointers,
    // for which all-zero bytes are valid (`None`).
    let mut ops: bindings::dma_fence_ops = unsafe { core::mem::zeroed() };
    ops.get_driver_name = Some(get_driver_name);
    ops.get_timeline_name = Some(get_timeline_name);
    ops
}

/// The ops of every driver fence: names only; signalling is always
/// explicit (no `enable_signaling`, no `signaled`), waiting is the
/// default, and release is the default RCU-delayed free.
static DRIVER_FENCE_OPS: bindings::dma_fence_ops = driver_fence_ops();

/// One timeline of driver fences.
///
/// # Examples
///
/// ```
/// use kernel::dma_fence::{FenceContext, FenceNames};
///
/// static NAMES: FenceNames = FenceNames { driver: c"doctest", timeline: c"queue" };
/// let ctx = FenceContext::new(&NAMES);
/// let a = ctx.new_fence()?;
/// let b = ctx.new_fence()?;
/// let fa = a.fence();
/// let fb = b.fence();
/// assert!(fb.seqno() > fa.seqno());
/// assert_eq!(fa.context(), fb.context());
/// assert!(!fa.is_signaled());
/// a.signal(Ok(()));
/// assert_eq!(fa.status(), Ok(true));
/// // Dropped unsignalled: signals with -ECANCELED.
/// drop(b);
/// assert_eq!(fb.status(), Err(ECANCELED));
/// assert_eq!(fb.wait_timeout(false, 1), Ok(true));
/// # Ok::<(), Error>(())
/// ```
pub struct FenceContext {
    context: u64,
    seqno: Atomic<u64>,
    names: &'static FenceNames,
}

impl FenceContext {
    /// A new context whose fences report `names`.
    pub fn new(names: &'static FenceNames) -> Self {
        Self {
            // SAFETY: no requirements.
            context: unsafe { bindings::dma_fence_context_alloc(1) },
            seqno: Atomic::new(0),
            names,
        }
    }

    /// The context number.
    pub fn context(&self) -> u64 {
        self.context
    }

    /// A new, unsignalled fence with the next sequence number.
    ///
    /// Allocates (`GFP_KERNEL`): call it where the work is submitted, not
    /// where it completes.
    pub fn new_fence(&self) -> Result<DriverFence> {
        // The sequence numbers of a context must increase in the order the
        // fences signal; callers number jobs in submission order.
        let seqno = self.seqno.fetch_add(1, Relaxed).wrapping_add(1);
        let raw = KBox::new(
            RawDriverFence {
                // SAFETY: all-zero bytes are a valid (uninitialised) fence,
                // which `dma_fence_init` initialises below.
                base: unsafe { core::mem::zeroed() },
                names: self.names,
            },
            GFP_KERNEL,
        )?;
        let raw = KBox::into_raw(raw);
        // SAFETY: `raw` is valid and `base` is the first field. A null lock
        // selects the fence's inline lock. From here the allocation is owned
        // by the fence's reference count, and freed by the default release
        // (`dma_fence_free`: `kfree_rcu` of the fence pointer, which is the
        // allocation's start: `KBox` allocates with `kmalloc`).
        unsafe {
            bindings::dma_fence_init(
                &raw mut (*raw).base,
                &DRIVER_FENCE_OPS,
                core::ptr::null_mut(),
                self.context,
                seqno,
            )
        };
        // SAFETY: the fence was initialised with one reference, which the
        // new `Fence` takes over.
        let fence = unsafe { Fence::from_raw(&raw mut (*raw).base) }.ok_or(ENOMEM)?;
        Ok(DriverFence { fence })
    }
}

/// The signalling end of a driver fence.
///
/// Consumed by [`DriverFence::signal`]; dropped unsignalled, the fence
/// signals with `-ECANCELED`.
///
/// # Invariants
///
/// `fence` was made by [`FenceContext::new_fence`] and nobody else signals
/// it.
pub struct DriverFence {
    fence: Fence,
}

impl DriverFence {
    /// Another reference to the fence, to hand to waiters (syncobjs,
    /// dma-resv objects, sync files).
    pub fn fence(&self) -> Fence {
        self.fence.clone()
    }

    /// The fence's sequence number.
    pub fn seqno(&self) -> u64 {
        self.fence.seqno()
    }

    /// Signals the fence, with `result`'s error if it is one.
    ///
    /// Never allocates or sleeps: safe in interrupt context and under
    /// spinlocks.
    pub fn signal(self, result: Result) {
        self.signal_ref(result);
        // The `Drop` below finds the fence signalled and only puts it.
    }

    fn signal_ref(&self, result: Result) {
        let fence = self.fence.as_raw();
        if let Err(e) = result {
            // SAFETY: the fence is valid; by the type invariant only this
            // object signals it, so it has not signalled yet, which
            // `dma_fence_set_error` requires.
            unsafe { bindings::dma_fence_set_error(fence, e.to_errno()) };
        }
        // SAFETY: the fence is valid. `dma_fence_signal` takes the fence's
        // spinlock with interrupts saved and runs the callbacks; it neither
        // allocates nor sleeps.
        unsafe { bindings::dma_fence_signal(fence) };
    }
}

impl Drop for DriverFence {
    fn drop(&mut self) {
        if !self.fence.is_signaled() {
            self.signal_ref(Err(ECANCELED));
        }
    }
}

#[cfg(CONFIG_KUNIT)]
#[macros::kunit_tests(rust_kernel_dma_fence)]
mod tests {
    use super::*;

    static NAMES: FenceNames = FenceNames {
        driver: c"kunit",
        timeline: c"dma_fence",
    };

    #[test]
    fn seqnos_increase_in_one_context() -> Result {
        let ctx = FenceContext::new(&NAMES);
        let other = FenceContext::new(&NAMES);
        let a = ctx.new_fence()?;
        let b = ctx.new_fence()?;
        let c = other.new_fence()?;
        assert!(b.seqno() > a.seqno());
        assert_eq!(a.fence().context(), ctx.context());
        assert_ne!(c.fence().context(), ctx.context());
        Ok(())
    }

    #[test]
    fn signal_and_status() -> Result {
        let ctx = FenceContext::new(&NAMES);
        let ok = ctx.new_fence()?;
        let bad = ctx.new_fence()?;
        let (fok, fbad) = (ok.fence(), bad.fence());
        assert_eq!(fok.status(), Ok(false));
        assert_eq!(fok.wait_timeout(false, 0), Ok(false));
        ok.signal(Ok(()));
        bad.signal(Err(EIO));
        assert!(fok.is_signaled());
        assert_eq!(fok.status(), Ok(true));
        assert_eq!(fbad.status(), Err(EIO));
        assert_eq!(fbad.wait_timeout(true, 1), Ok(true));
        Ok(())
    }

    #[test]
    fn dropped_unsignalled_is_cancelled() -> Result {
        let fence = {
            let ctx = FenceContext::new(&NAMES);
            let f = ctx.new_fence()?;
            let fence = f.fence();
            drop(f);
            fence
        };
        assert_eq!(fence.status(), Err(ECANCELED));
        // A reference outlives the context and the signalling end.
        let copy = fence.clone();
        assert_eq!(copy.seqno(), fence.seqno());
        Ok(())
    }
}
