// SPDX-License-Identifier: GPL-2.0

//! CHANNEL_CREATE, CHANNEL_DESTROY and EXEC: channels of a file and the
//! jobs userspace submits to them ([`crate::fifo`]), with the syncobjs
//! they wait for and signal.
//!
//! EXEC reads and checks everything (the push buffers, the syncobj
//! handles, a chain node for every timeline point to signal) before it
//! queues the job, so that a failed call changes nothing; once the job is
//! queued, installing its fence in the syncobjs cannot fail.

use kernel::{
    dma_fence::Fence,
    drm::{
        job_queue::Dependency,
        syncobj::{
            ChainNode,
            SyncObj, //
        },
        Registered, //
    },
    prelude::*,
    sync::Arc,
    transmute::FromBytes,
    uaccess::{
        UserPtr,
        UserSlice, //
    },
    uapi,
};

use crate::{
    drm::{
        device::{
            NovaDevice,
            NovaRegistrationData, //
        },
        file::NovaFile,
    },
    fifo::{
        channel::{
            Channel,
            NewChannel, //
        },
        job::PushBuf,
        push::MAX_LEN_DWORDS,
        ring::PUSH_MAX,
    },
};

/// Most syncobjs one call waits for or signals.
pub(crate) const SYNC_MAX: u32 = 256;
/// Most channels of one file.
const CHANNELS_MAX: usize = 64;
/// Push buffers end at or below this VA (`NOVA_EXEC_VA_LIMIT`).
const VA_LIMIT: u64 = uapi::NOVA_EXEC_VA_LIMIT;

/// A user structure read from an array.
#[repr(transparent)]
struct User<T>(T);

// SAFETY: used only with the uAPI structures below, C structures of
// integers without padding: every bit pattern is a valid value.
unsafe impl FromBytes for User<uapi::drm_nova_sync> {}
// SAFETY: as above.
unsafe impl FromBytes for User<uapi::drm_nova_exec_push> {}

/// Reads `count` structures from the user array at `ptr`.
fn read_array<T>(ptr: u64, count: u32) -> Result<KVec<T>>
where
    User<T>: FromBytes,
{
    let count = count as usize;
    let mut out = KVec::with_capacity(count, GFP_KERNEL)?;
    if count == 0 {
        return Ok(out);
    }
    let addr = usize::try_from(ptr).map_err(|_| EFAULT)?;
    let size = count.checked_mul(core::mem::size_of::<T>()).ok_or(EINVAL)?;
    let mut reader = UserSlice::new(UserPtr::from_addr(addr), size).reader();
    for _ in 0..count {
        let v: User<T> = reader.read()?;
        out.push(v.0, GFP_KERNEL)?;
    }
    Ok(out)
}

/// A syncobj to signal, with what installing the fence needs.
pub(crate) struct Signal {
    obj: SyncObj,
    /// The timeline point and its chain node; `None` for a binary syncobj.
    point: Option<(u64, ChainNode)>,
}

impl Signal {
    /// Installs `fence`. Cannot fail.
    pub(crate) fn install(self, fence: &Fence) {
        match self.point {
            Some((point, chain)) => self.obj.add_point(chain, fence, point),
            None => self.obj.replace_fence(Some(fence)),
        }
    }
}

/// Checks one `drm_nova_sync` and looks its syncobj up: (syncobj, point).
fn lookup_sync(file: &NovaFile, s: &uapi::drm_nova_sync) -> Result<(SyncObj, u64)> {
    let point = match s.flags {
        uapi::NOVA_SYNC_SYNCOBJ if s.timeline_value == 0 => 0,
        uapi::NOVA_SYNC_TIMELINE_SYNCOBJ if s.timeline_value != 0 => s.timeline_value,
        _ => return Err(EINVAL),
    };
    Ok((SyncObj::lookup(file, s.handle)?, point))
}

/// Reads and looks up the syncobjs to wait for.
pub(crate) fn read_waits(file: &NovaFile, ptr: u64, count: u32) -> Result<KVec<Dependency>> {
    if count > SYNC_MAX {
        return Err(EINVAL);
    }
    let raw = read_array::<uapi::drm_nova_sync>(ptr, count)?;
    let mut out = KVec::with_capacity(raw.len(), GFP_KERNEL)?;
    for s in raw.iter() {
        let (obj, point) = lookup_sync(file, s)?;
        let wait = match point {
            // A binary syncobj without a fence has nothing submitted to
            // wait for (as `drm_syncobj_find_fence` without WAIT_FOR_SUBMIT).
            0 => Dependency::Fence(obj.fence().ok_or(EINVAL)?),
            point => Dependency::Point { obj, point },
        };
        out.push(wait, GFP_KERNEL)?;
    }
    Ok(out)
}

/// Reads and looks up the syncobjs to signal, with a chain node for each
/// timeline point.
pub(crate) fn read_signals(file: &NovaFile, ptr: u64, count: u32) -> Result<KVec<Signal>> {
    if count > SYNC_MAX {
        return Err(EINVAL);
    }
    let raw = read_array::<uapi::drm_nova_sync>(ptr, count)?;
    let mut out = KVec::with_capacity(raw.len(), GFP_KERNEL)?;
    for s in raw.iter() {
        let (obj, point) = lookup_sync(file, s)?;
        let point = match point {
            0 => None,
            p => Some((p, ChainNode::new()?)),
        };
        out.push(Signal { obj, point }, GFP_KERNEL)?;
    }
    Ok(out)
}

/// The file's channel `handle`.
fn channel(file: &NovaFile, handle: u32) -> Result<Arc<Channel>> {
    file.inner()
        .channels
        .lock()
        .list
        .iter()
        .find(|c| c.handle() == handle)
        .cloned()
        .ok_or(ENOENT)
}

/// `DRM_IOCTL_NOVA_CHANNEL_CREATE`.
pub(crate) fn channel_create(
    dev: &NovaDevice<Registered>,
    reg: &NovaRegistrationData<'_>,
    req: &mut uapi::drm_nova_channel_create,
    file: &NovaFile,
) -> Result<u32> {
    if req.engine != uapi::NOVA_ENGINE_COPY || req.flags != 0 {
        return Err(EINVAL);
    }
    let gpu = reg.gpu.as_ref().ok_or(ENODEV)?;
    let inner = file.inner();
    let mut vm_guard = inner.vm.lock();
    let vm = match &mut *vm_guard {
        Some(vm) => vm,
        None => return Err(ENOENT),
    };
    let mut chans = inner.channels.lock();
    if chans.list.len() >= CHANNELS_MAX {
        return Err(ENOSPC);
    }
    chans.list.reserve(1, GFP_KERNEL)?;
    let handle = chans.last.checked_add(1).ok_or(ENOSPC)?;
    let ch = Channel::create(
        dev.to_ioctl_ref(),
        reg,
        NewChannel {
            vm,
            handle,
            number: gpu.fifo.next_number(),
        },
    )?;
    req.channel = handle;
    req.class_engine = ch.class();
    chans.last = handle;
    if let Err(e) = chans.list.push_within_capacity(ch) {
        // Cannot happen: room was reserved above.
        e.0.destroy(Some(reg), Some(vm));
        return Err(ENOMEM);
    }
    Ok(0)
}

/// `DRM_IOCTL_NOVA_CHANNEL_DESTROY`.
pub(crate) fn channel_destroy(
    _dev: &NovaDevice<Registered>,
    reg: &NovaRegistrationData<'_>,
    req: &mut uapi::drm_nova_channel_destroy,
    file: &NovaFile,
) -> Result<u32> {
    if req.pad != 0 {
        return Err(EINVAL);
    }
    let inner = file.inner();
    let mut vm = inner.vm.lock();
    let ch = {
        let mut chans = inner.channels.lock();
        let at = chans
            .list
            .iter()
            .position(|c| c.handle() == req.channel)
            .ok_or(ENOENT)?;
        let ch = chans.list.remove(at).map_err(|_| ENOENT)?;
        chans.busy_ns_destroyed = chans.busy_ns_destroyed.saturating_add(ch.busy_ns());
        ch
    };
    ch.destroy(Some(reg), (*vm).as_mut());
    Ok(0)
}

/// `DRM_IOCTL_NOVA_EXEC`.
pub(crate) fn exec(
    _dev: &NovaDevice<Registered>,
    reg: &NovaRegistrationData<'_>,
    req: &mut uapi::drm_nova_exec,
    file: &NovaFile,
) -> Result<u32> {
    if req.push_count == 0 || req.push_count > PUSH_MAX {
        return Err(EINVAL);
    }
    if reg.gpu.is_none() {
        return Err(ENODEV);
    }
    let raw = read_array::<uapi::drm_nova_exec_push>(req.push_ptr, req.push_count)?;
    let mut pushes = KVec::with_capacity(raw.len(), GFP_KERNEL)?;
    for p in raw.iter() {
        let end = p.va.checked_add(u64::from(p.len)).ok_or(EINVAL)?;
        if p.flags != 0
            || p.len == 0
            || p.len % 4 != 0
            || p.len / 4 > MAX_LEN_DWORDS
            || p.va % 4 != 0
            || end > VA_LIMIT
        {
            return Err(EINVAL);
        }
        pushes.push(
            PushBuf {
                va: p.va,
                dwords: p.len / 4,
            },
            GFP_KERNEL,
        )?;
    }
    let waits = read_waits(file, req.wait_ptr, req.wait_count)?;
    let signals = read_signals(file, req.sig_ptr, req.sig_count)?;
    let ch = channel(file, req.channel)?;
    if let Some(e) = ch.unusable() {
        return Err(e);
    }
    let fence = ch.queue_job(pushes, waits)?;
    for s in signals {
        s.install(&fence);
    }
    Ok(0)
}
