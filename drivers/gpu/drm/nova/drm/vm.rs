// SPDX-License-Identifier: GPL-2.0

//! VM_INIT and VM_BIND: a file's GPU virtual address space
//! ([`crate::mmu::vaspace`]) as userspace drives it.
//!
//! A VM_BIND reads and checks every operation (arguments, handles, ranges,
//! and the sparse regions as the operations before leave them) before it
//! applies any; then the VA space applies them in order.

use core::ops::Range;

use kernel::{
    drm::{
        gem::BaseObject,
        Registered, //
    },
    prelude::*,
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
        exec,
        file::NovaFile,
        gem::Bo,
    },
    mmu::bind_queue,
    mmu::vaspace::{
        BindOp,
        Op,
        Vm,
        PAGE, //
    },
};

/// Most operations in one VM_BIND.
const MAX_OPS: u32 = 1024;

/// A `drm_nova_vm_bind_op` read from user memory.
#[repr(transparent)]
struct UserOp(uapi::drm_nova_vm_bind_op);

// SAFETY: `drm_nova_vm_bind_op` is a C structure of integers without
// padding: every bit pattern is a valid value.
unsafe impl kernel::transmute::FromBytes for UserOp {}

/// Checks one operation's arguments and turns it into a [`BindOp`].
fn check_op(vm: &Vm, file: &NovaFile, o: &uapi::drm_nova_vm_bind_op) -> Result<BindOp> {
    let sparse = match o.flags {
        0 => false,
        f if f == uapi::NOVA_VM_BIND_SPARSE => true,
        _ => return Err(EINVAL),
    };
    if o.pad != 0 || o.range == 0 || (o.addr | o.bo_offset | o.range) % PAGE != 0 {
        return Err(EINVAL);
    }
    let end = o.addr.checked_add(o.range).ok_or(EINVAL)?;
    let kernel = vm.kernel();
    let in_kernel = !kernel.is_empty() && o.addr < kernel.end && end > kernel.start;
    if end > vm.range().end || in_kernel {
        return Err(EINVAL);
    }
    let no_object = o.handle == 0 && o.bo_offset == 0;
    let op = match (o.op, sparse) {
        (uapi::NOVA_VM_BIND_OP_MAP, false) => {
            let bo = Bo::lookup_handle(file, o.handle)?;
            let bo_end = o.bo_offset.checked_add(o.range).ok_or(EINVAL)?;
            if bo_end > bo.size() as u64 {
                return Err(EINVAL);
            }
            Op::Map {
                bo,
                offset: o.bo_offset,
            }
        }
        (uapi::NOVA_VM_BIND_OP_MAP, true) if no_object => Op::Sparse,
        (uapi::NOVA_VM_BIND_OP_UNMAP, false) if no_object => Op::Unmap,
        (uapi::NOVA_VM_BIND_OP_UNMAP, true) if no_object => Op::Unsparse,
        _ => return Err(EINVAL),
    };
    Ok(BindOp {
        op,
        range: o.addr..end,
    })
}

/// `DRM_IOCTL_NOVA_VM_INIT`.
pub(crate) fn vm_init(
    dev: &NovaDevice<Registered>,
    reg: &NovaRegistrationData<'_>,
    req: &mut uapi::drm_nova_vm_init,
    file: &NovaFile,
) -> Result<u32> {
    let start = req.kernel_managed_addr;
    let end = start.checked_add(req.kernel_managed_size).ok_or(EINVAL)?;
    let inner = file.inner();
    let mut slot = inner.vm.lock();
    if slot.is_some() {
        return Err(EEXIST);
    }
    *slot = Some(Vm::new(dev, reg, Range { start, end })?);
    Ok(0)
}

/// `DRM_IOCTL_NOVA_VM_BIND`.
pub(crate) fn vm_bind(
    dev: &NovaDevice<Registered>,
    reg: &NovaRegistrationData<'_>,
    req: &mut uapi::drm_nova_vm_bind,
    file: &NovaFile,
) -> Result<u32> {
    let run_async = match req.flags {
        0 => false,
        uapi::NOVA_VM_BIND_RUN_ASYNC => true,
        _ => return Err(EINVAL),
    };
    let syncs = req.wait_count != 0 || req.sig_count != 0 || req.wait_ptr != 0 || req.sig_ptr != 0;
    if req.op_count > MAX_OPS || (!run_async && syncs) {
        return Err(EINVAL);
    }
    if reg.gpu.is_none() {
        return Err(ENODEV);
    }
    let inner = file.inner();
    let mut slot = inner.vm.lock();
    let vm: &mut Vm = match &mut *slot {
        Some(vm) => vm,
        None => return Err(ENOENT),
    };
    let count = req.op_count as usize;
    let addr = usize::try_from(req.op_ptr).map_err(|_| EFAULT)?;
    let size = count
        .checked_mul(core::mem::size_of::<uapi::drm_nova_vm_bind_op>())
        .ok_or(EINVAL)?;
    let mut reader = UserSlice::new(UserPtr::from_addr(addr), size).reader();
    let mut ops = KVec::with_capacity(count, GFP_KERNEL)?;
    for _ in 0..count {
        let o: UserOp = reader.read()?;
        ops.push(check_op(vm, file, &o.0)?, GFP_KERNEL)?;
    }
    vm.check(&ops)?;
    if run_async {
        let waits = exec::read_waits(file, req.wait_ptr, req.wait_count)?;
        let signals = exec::read_signals(file, req.sig_ptr, req.sig_count)?;
        drop(slot);
        let queue = {
            let mut q = inner.bind_queue.lock();
            match &*q {
                Some(q) => q.clone(),
                None => {
                    let new = bind_queue::new_queue(dev.to_ioctl_ref(), inner.vm.clone())?;
                    *q = Some(new.clone());
                    new
                }
            }
        };
        let fence = queue
            .push(ops, waits)
            .map_err(|e| if e == ESHUTDOWN { ENOENT } else { e })?;
        for s in signals {
            s.install(&fence);
        }
        return Ok(0);
    }
    let (done, res) = vm.bind(reg, &ops);
    if res.is_err() {
        // `done` <= MAX_OPS.
        req.op_count = done as u32;
    }
    res.map(|()| 0)
}
