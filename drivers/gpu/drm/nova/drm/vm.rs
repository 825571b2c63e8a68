// SPDX-License-Identifier: GPL-2.0

//! A file's GPU virtual address space: VM_INIT and VM_BIND.
//!
//! The mappings are tracked by the kernel's GPUVM (immediate mode); the page
//! tables are nova's ([`PageTables`]), in VRAM, and GSP-RM knows the VA
//! space as an externally owned `FERMI_VASPACE_A` whose root page
//! directory nova registered. GPUVM holds no sparse mappings, so nova keeps
//! the sparse regions itself; they only change what the page tables say
//! for addresses nothing is mapped at.
//!
//! A VM_BIND checks every operation before it applies any, applies them in
//! order, then invalidates the TLB once; page tables freed on the way are
//! returned to the VRAM allocator only after that invalidation.

use core::ops::Range;

use kernel::{
    drm::{
        gem::BaseObject,
        gpuvm::{
            DriverGpuVm,
            GpuVaAlloc,
            GpuVm,
            OpMap,
            OpMapRequest,
            OpMapped,
            OpRemap,
            OpRemapped,
            OpUnmap,
            OpUnmapped,
            UniqueRefGpuVm, //
        },
        Registered,
    },
    prelude::*,
    sizes::SZ_4K,
    sync::aref::ARef,
    uaccess::{
        UserPtr,
        UserSlice, //
    },
    uapi,
};

use crate::{
    drm::{
        device::{
            GpuRuntime,
            NovaDevice,
            NovaDrmDriver,
            NovaRegistrationData, //
        },
        gem::Bo,
    },
    gsp::rm::VaSpaceObj,
    mmu::{
        format::{
            Aperture,
            PteAttrs, //
        },
        pt::{
            Chunk,
            Cover,
            Ctx,
            Garbage,
            PageTables,
            PraminMem,
            SparseMap, //
        },
    },
};

/// Most operations in one VM_BIND.
const MAX_OPS: u32 = 1024;
/// Page size of VM_BIND's addresses, offsets and ranges.
const PAGE: u64 = SZ_4K as u64;

/// The sparse regions of a VA space, sorted and disjoint.
#[derive(Default)]
struct Sparse(KVec<Range<u64>>);

impl Sparse {
    /// Whether `r` overlaps a region without lying wholly inside it.
    fn straddles(&self, r: &Range<u64>) -> bool {
        self.0
            .iter()
            .any(|s| s.start < r.end && r.start < s.end && !(s.start <= r.start && r.end <= s.end))
    }
}

impl SparseMap for Sparse {
    fn cover(&self, r: Range<u64>) -> Cover {
        let mut covered = 0u64;
        for s in self.0.iter() {
            let lo = s.start.max(r.start);
            let hi = s.end.min(r.end);
            if lo < hi {
                covered += hi - lo;
            }
        }
        if covered == 0 {
            Cover::None
        } else if covered == r.end - r.start {
            Cover::Full
        } else {
            Cover::Part
        }
    }
}

/// nova's part of a GPUVM: the page tables and the sparse regions.
pub(crate) struct NovaVm {
    /// Taken out when the file is closed.
    pt: Option<PageTables>,
    sparse: Sparse,
}

/// The hardware a page-table change needs.
#[derive(Clone, Copy)]
pub(crate) struct Hw<'a> {
    gpu: &'a GpuRuntime<'a>,
    pramin: &'a crate::mm::pramin::Pramin,
}

/// What the GPUVM callbacks of one VM_BIND operation need.
pub(crate) struct BindCtx<'a> {
    /// `None` when the file is closed: only GPUVM is updated.
    hw: Option<Hw<'a>>,
    garbage: Garbage,
    /// Pre-allocated VAs for the steps.
    vas: KVec<GpuVaAlloc<NovaVm>>,
}

impl BindCtx<'_> {
    fn va(&mut self) -> Result<GpuVaAlloc<NovaVm>> {
        self.vas.pop().ok_or(ENOMEM)
    }

    /// Makes sure `n` VAs are at hand.
    fn prealloc(&mut self, n: usize) -> Result {
        while self.vas.len() < n {
            self.vas.push(GpuVaAlloc::new(GFP_KERNEL)?, GFP_KERNEL)?;
        }
        Ok(())
    }
}

/// Runs `f` on the page tables with a write context, or not at all when
/// the GPU is out of reach (the file is being closed).
fn with_pt<R: Default>(
    vm: &mut NovaVm,
    ctx: &mut BindCtx<'_>,
    f: impl FnOnce(&mut PageTables, &mut Ctx<'_>) -> Result<R>,
) -> Result<R> {
    let Some(hw) = ctx.hw else {
        return Ok(R::default());
    };
    let NovaVm { pt, sparse } = vm;
    let Some(pt) = pt.as_mut() else {
        return Ok(R::default());
    };
    let mem = PraminMem {
        bar: &hw.gpu.bar,
        pramin: hw.pramin,
    };
    let mut c = Ctx {
        mem: &mem,
        vram: &hw.gpu.vram,
        sparse,
        garbage: &mut ctx.garbage,
    };
    f(pt, &mut c)
}

/// The physically contiguous pieces of `[offset, offset + len)` of `bo`.
fn chunks(bo: &Bo, gpu: &GpuRuntime<'_>, offset: u64, len: u64) -> Result<KVec<Chunk>> {
    let mut out = KVec::new();
    let end = offset.checked_add(len).ok_or(EINVAL)?;
    if end > bo.size() as u64 {
        return Err(EINVAL);
    }
    let mut at = offset;
    if let Some(v) = bo.vram() {
        while at < end {
            let (addr, size) = v.addr_at(at).ok_or(EINVAL)?;
            let size = size.min(end - at);
            out.push(
                Chunk {
                    addr,
                    size,
                    ap: Aperture::Vram,
                },
                GFP_KERNEL,
            )?;
            at += size;
        }
        return Ok(out);
    }
    let sgt = bo.sg_table(gpu.dev)?;
    let mut pos = 0u64;
    for e in sgt.iter() {
        let (addr, size) = (e.dma_address(), e.dma_len());
        let (lo, hi) = (pos.max(at), (pos + size).min(end));
        if lo < hi {
            out.push(
                Chunk {
                    addr: addr + (lo - pos),
                    size: hi - lo,
                    ap: Aperture::SysCoherent,
                },
                GFP_KERNEL,
            )?;
            at = hi;
        }
        pos += size;
        if pos >= end {
            break;
        }
    }
    if at != end {
        return Err(EINVAL);
    }
    Ok(out)
}

fn map_range(
    vm: &mut NovaVm,
    ctx: &mut BindCtx<'_>,
    bo: &Bo,
    va: u64,
    offset: u64,
    len: u64,
) -> Result {
    let Some(hw) = ctx.hw else {
        return Ok(());
    };
    let pieces = chunks(bo, hw.gpu, offset, len)?;
    with_pt(vm, ctx, |pt, c| pt.map(c, va, &pieces, PteAttrs::default()))
}

impl DriverGpuVm for NovaVm {
    type Driver = NovaDrmDriver;
    type Object = Bo;
    type VaData = ();
    type VmBoData = ();
    type SmContext<'ctx> = BindCtx<'ctx>;

    fn sm_step_map<'op, 'ctx>(
        &mut self,
        op: OpMap<'op, Self>,
        ctx: &mut Self::SmContext<'ctx>,
    ) -> Result<OpMapped<'op, Self>> {
        let va = ctx.va()?;
        map_range(self, ctx, op.obj(), op.addr(), op.gem_offset(), op.length())?;
        Ok(op.insert(va, ()))
    }

    fn sm_step_unmap<'op, 'ctx>(
        &mut self,
        op: OpUnmap<'op, Self>,
        ctx: &mut Self::SmContext<'ctx>,
    ) -> Result<OpUnmapped<'op, Self>> {
        let r = op.va().range();
        with_pt(self, ctx, |pt, c| pt.unmap(c, r))?;
        Ok(op.remove().0)
    }

    fn sm_step_remap<'op, 'ctx>(
        &mut self,
        op: OpRemap<'op, Self>,
        ctx: &mut Self::SmContext<'ctx>,
    ) -> Result<OpRemapped<'op, Self>> {
        // Unmap the whole mapping and map what remains of it again, so that
        // a large page is never left half in place.
        let whole = op.va_to_unmap().range();
        with_pt(self, ctx, |pt, c| pt.unmap(c, whole))?;
        let obj: ARef<Bo> = op.obj().into();
        for piece in [op.prev(), op.next()].into_iter().flatten() {
            map_range(
                self,
                ctx,
                &obj,
                piece.addr(),
                piece.gem_offset(),
                piece.length(),
            )?;
        }
        let a = ctx.va()?;
        let b = ctx.va()?;
        let (done, ret) = op.remap([a, b], (), ());
        if let Some(unused) = ret.unused_va {
            ctx.vas.push(unused, GFP_KERNEL)?;
        }
        Ok(done)
    }
}

/// A file's VA space.
pub(crate) struct Vm {
    gpuvm: UniqueRefGpuVm<NovaVm>,
    vas: Option<VaSpaceObj>,
    /// The VA space.
    range: Range<u64>,
    /// The kernel-managed range.
    kernel: Range<u64>,
    /// Keeps the GPUVM's reservation object alive.
    _resv: ARef<Bo>,
}

impl Vm {
    /// `DRM_IOCTL_NOVA_VM_INIT`'s work: creates the root page directory,
    /// the RM VA space and the GPUVM.
    pub(crate) fn new(
        dev: &NovaDevice<Registered>,
        reg: &NovaRegistrationData<'_>,
        req: &uapi::drm_nova_vm_init,
    ) -> Result<Self> {
        let gpu = reg.gpu.as_ref().ok_or(ENODEV)?;
        let fmt = crate::mmu::format(gpu.chip);
        let range = 0..(1u64 << fmt.va_bits());
        let kstart = req.kernel_managed_addr;
        let kend = kstart.checked_add(req.kernel_managed_size).ok_or(EINVAL)?;
        if kstart % PAGE != 0 || kend % PAGE != 0 || kend > range.end {
            return Err(EINVAL);
        }
        let sparse = Sparse::default();
        let mut garbage = Garbage::new();
        let mem = PraminMem {
            bar: &gpu.bar,
            pramin: &reg.pramin,
        };
        let ctx = Ctx {
            mem: &mem,
            vram: &gpu.vram,
            sparse: &sparse,
            garbage: &mut garbage,
        };
        let pt = PageTables::new(&ctx, fmt)?;
        let vas = gpu.rm.vaspace(pt.root_addr(), pt.root_entries())?;
        let resv = crate::drm::gem::create(dev, SZ_4K, 0, None)?;
        let gpuvm = GpuVm::new::<Error, _>(
            c"nova",
            dev,
            &*resv,
            range.clone(),
            kstart..kend,
            NovaVm {
                pt: Some(pt),
                sparse,
            },
        );
        let gpuvm = match gpuvm {
            Ok(g) => g,
            Err(e) => {
                let _ = gpu.rm.free_vaspace(vas);
                return Err(e);
            }
        };
        Ok(Self {
            gpuvm,
            vas: Some(vas),
            range,
            kernel: kstart..kend,
            _resv: resv,
        })
    }

    /// The root page directory's VRAM address.
    fn root(&self) -> u64 {
        self.gpuvm
            .data_ref()
            .pt
            .as_ref()
            .map_or(0, PageTables::root_addr)
    }

    /// Unmaps everything in GPUVM (the page tables are left as they are:
    /// nothing can use them once GSP-RM forgets the VA space) and returns
    /// what GSP-RM and VRAM still hold.
    pub(crate) fn close(mut self) -> Option<Zombie> {
        let mut ctx = BindCtx {
            hw: None,
            garbage: Garbage::new(),
            vas: KVec::new(),
        };
        // GPUVM refuses ranges that overlap its kernel-managed node.
        for r in [
            self.range.start..self.kernel.start,
            self.kernel.end..self.range.end,
        ] {
            if r.start < r.end {
                let _ = self.gpuvm.sm_unmap(r.start, r.end - r.start, &mut ctx);
            }
        }
        self.gpuvm.deferred_cleanup();
        let vas = self.vas.take()?;
        let pt = self.gpuvm.data().pt.take()?;
        Some(Zombie { vas, pt })
    }
}

/// What the VM of a closed file still holds on the GPU: its RM object and
/// its page tables ([`Zombie::free`]).
pub(crate) struct Zombie {
    vas: VaSpaceObj,
    pt: PageTables,
}

impl Zombie {
    /// Frees the VA space in GSP-RM, invalidates its translations and
    /// returns its page tables to the VRAM allocator.
    pub(crate) fn free(self, reg: &NovaRegistrationData<'_>) {
        let Some(gpu) = reg.gpu.as_ref() else {
            return;
        };
        let _ = gpu.rm.free_vaspace(self.vas);
        let _ = reg.tlb.invalidate(&gpu.bar, self.pt.root_addr());
    }
}

/// `u32` fields of the uAPI read from user memory.
#[repr(transparent)]
struct UserOp(uapi::drm_nova_vm_bind_op);

// SAFETY: `drm_nova_vm_bind_op` is a C structure of integers without
// padding: every bit pattern is a valid value.
unsafe impl kernel::transmute::FromBytes for UserOp {}

/// One checked VM_BIND operation.
struct Prepared {
    op: u32,
    sparse: bool,
    range: Range<u64>,
    bo_offset: u64,
    bo: Option<ARef<Bo>>,
}

fn check_op(
    vm: &Vm,
    file: &crate::drm::file::NovaFile,
    o: &uapi::drm_nova_vm_bind_op,
) -> Result<Prepared> {
    let sparse = match o.flags {
        0 => false,
        f if f == uapi::NOVA_VM_BIND_SPARSE => true,
        _ => return Err(EINVAL),
    };
    if o.pad != 0 || o.range == 0 || (o.addr | o.bo_offset | o.range) % PAGE != 0 {
        return Err(EINVAL);
    }
    let end = o.addr.checked_add(o.range).ok_or(EINVAL)?;
    let in_kernel = !vm.kernel.is_empty() && o.addr < vm.kernel.end && end > vm.kernel.start;
    if end > vm.range.end || in_kernel {
        return Err(EINVAL);
    }
    let bo = match (o.op, sparse) {
        (uapi::NOVA_VM_BIND_OP_MAP, false) => {
            let bo = Bo::lookup_handle(file, o.handle)?;
            let bo_end = o.bo_offset.checked_add(o.range).ok_or(EINVAL)?;
            if bo_end > bo.size() as u64 {
                return Err(EINVAL);
            }
            Some(bo)
        }
        (uapi::NOVA_VM_BIND_OP_MAP | uapi::NOVA_VM_BIND_OP_UNMAP, _) => {
            if o.handle != 0 || o.bo_offset != 0 {
                return Err(EINVAL);
            }
            None
        }
        _ => return Err(EINVAL),
    };
    Ok(Prepared {
        op: o.op,
        sparse,
        range: o.addr..end,
        bo_offset: o.bo_offset,
        bo,
    })
}

/// Checks what `p` needs of the sparse regions `sim` (the regions as the
/// operations before it leave them) and updates `sim` as `p` will.
fn check_sparse(sim: &mut Sparse, p: &Prepared) -> Result {
    let r = &p.range;
    match (p.op, p.sparse) {
        (uapi::NOVA_VM_BIND_OP_MAP, false) if sim.straddles(r) => Err(EINVAL),
        (uapi::NOVA_VM_BIND_OP_MAP, true) => {
            if sim.cover(r.clone()) != Cover::None {
                return Err(EINVAL);
            }
            sim.0.push(r.clone(), GFP_KERNEL)?;
            Ok(())
        }
        (uapi::NOVA_VM_BIND_OP_UNMAP, true) => {
            let at = sim.0.iter().position(|s| s == r).ok_or(EINVAL)?;
            sim.0.remove(at)?;
            Ok(())
        }
        _ => Ok(()),
    }
}

fn apply(vm: &mut Vm, ctx: &mut BindCtx<'_>, p: &Prepared) -> Result {
    let r = p.range.clone();
    let len = r.end - r.start;
    ctx.prealloc(5)?;
    match (p.op, p.sparse, &p.bo) {
        (uapi::NOVA_VM_BIND_OP_MAP, false, Some(bo)) => {
            if vm.gpuvm.data_ref().sparse.straddles(&r) {
                return Err(EINVAL);
            }
            let vm_bo = vm.gpuvm.obtain(bo, ())?;
            vm.gpuvm.sm_map(OpMapRequest {
                addr: r.start,
                range: len,
                gem_offset: p.bo_offset,
                vm_bo: &vm_bo,
                context: ctx,
            })
        }
        (uapi::NOVA_VM_BIND_OP_MAP, true, None) => {
            let data = vm.gpuvm.data();
            if data.sparse.cover(r.clone()) != Cover::None {
                return Err(EINVAL);
            }
            let at = data
                .sparse
                .0
                .iter()
                .position(|s| s.start > r.start)
                .unwrap_or(data.sparse.0.len());
            data.sparse
                .0
                .insert_within_capacity(at, r.clone())
                .or_else(|_| {
                    data.sparse.0.reserve(1, GFP_KERNEL)?;
                    data.sparse
                        .0
                        .insert_within_capacity(at, r.clone())
                        .map_err(|_| ENOMEM)
                })?;
            with_pt(data, ctx, |pt, c| pt.refresh(c, r.clone()))
        }
        (uapi::NOVA_VM_BIND_OP_UNMAP, false, None) => vm.gpuvm.sm_unmap(r.start, len, ctx),
        (uapi::NOVA_VM_BIND_OP_UNMAP, true, None) => {
            let at = vm
                .gpuvm
                .data_ref()
                .sparse
                .0
                .iter()
                .position(|s| *s == r)
                .ok_or(EINVAL)?;
            vm.gpuvm.sm_unmap(r.start, len, ctx)?;
            let data = vm.gpuvm.data();
            data.sparse.0.remove(at)?;
            with_pt(data, ctx, |pt, c| pt.refresh(c, r.clone()))
        }
        _ => Err(EINVAL),
    }
}

/// `DRM_IOCTL_NOVA_VM_INIT`.
pub(crate) fn vm_init(
    dev: &NovaDevice<Registered>,
    reg: &NovaRegistrationData<'_>,
    req: &mut uapi::drm_nova_vm_init,
    file: &crate::drm::file::NovaFile,
) -> Result<u32> {
    let inner = file.inner();
    let mut slot = inner.vm.lock();
    if slot.is_some() {
        return Err(EEXIST);
    }
    *slot = Some(Vm::new(dev, reg, req)?);
    Ok(0)
}

/// `DRM_IOCTL_NOVA_VM_BIND`.
pub(crate) fn vm_bind(
    _dev: &NovaDevice<Registered>,
    reg: &NovaRegistrationData<'_>,
    req: &mut uapi::drm_nova_vm_bind,
    file: &crate::drm::file::NovaFile,
) -> Result<u32> {
    if req.flags != 0
        || req.wait_count != 0
        || req.sig_count != 0
        || req.wait_ptr != 0
        || req.sig_ptr != 0
        || req.op_count > MAX_OPS
    {
        return Err(EINVAL);
    }
    let gpu = reg.gpu.as_ref().ok_or(ENODEV)?;
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
    let mut sim = Sparse(KVec::with_capacity(
        vm.gpuvm.data_ref().sparse.0.len() + count,
        GFP_KERNEL,
    )?);
    sim.0
        .extend_from_slice(&vm.gpuvm.data_ref().sparse.0, GFP_KERNEL)?;
    for _ in 0..count {
        let o: UserOp = reader.read()?;
        let p = check_op(vm, file, &o.0)?;
        check_sparse(&mut sim, &p)?;
        ops.push(p, GFP_KERNEL)?;
    }
    let mut ctx = BindCtx {
        hw: Some(Hw {
            gpu,
            pramin: &reg.pramin,
        }),
        garbage: Garbage::new(),
        vas: KVec::new(),
    };
    let mut done = 0;
    let mut res = Ok(());
    for p in ops.iter() {
        if let Err(e) = apply(vm, &mut ctx, p) {
            res = Err(e);
            break;
        }
        done += 1;
    }
    let inv = reg.tlb.invalidate(&gpu.bar, vm.root());
    if let Err(e) = &inv {
        dev_err!(gpu.dev, "VM_BIND: TLB invalidation: {:?}\n", e);
    }
    // Only now may the freed page tables be reused.
    drop(ctx);
    vm.gpuvm.deferred_cleanup();
    if res.is_err() {
        req.op_count = done;
    }
    res.and(inv).map(|()| 0)
}
