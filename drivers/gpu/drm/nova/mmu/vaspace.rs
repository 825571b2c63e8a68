// SPDX-License-Identifier: GPL-2.0

//! A GPU virtual address space: the kernel's GPUVM (immediate mode) tracks
//! the mappings, nova's page tables ([`PageTables`]) in VRAM carry them,
//! and GSP-RM knows the space as an externally owned `FERMI_VASPACE_A`
//! whose root page directory nova registered. GPUVM holds no sparse
//! mappings, so nova keeps the sparse regions itself; they only change what
//! the page tables say where nothing is mapped.
//!
//! [`Vm::bind`] applies operations in order and then invalidates the TLB
//! once; page tables freed on the way return to the VRAM allocator only
//! after that invalidation.

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

/// Page size of bind addresses, offsets and ranges.
pub(crate) const PAGE: u64 = SZ_4K as u64;

/// Size of a channel's slot of the kernel-managed range
/// (`NOVA_CHANNEL_KERNEL_VA`).
pub(crate) const KSLOT_SIZE: u64 = kernel::uapi::NOVA_CHANNEL_KERNEL_VA as u64;
/// Slots end below this VA: the host fetches with 40-bit addresses
/// (`NOVA_EXEC_VA_LIMIT`).
pub(crate) const KSLOT_LIMIT: u64 = kernel::uapi::NOVA_EXEC_VA_LIMIT;

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
    /// Channel slots of the kernel-managed range in use, a bit each.
    kslots: u64,
    /// Keeps the GPUVM's reservation object alive.
    _resv: ARef<Bo>,
}

impl Vm {
    /// `DRM_IOCTL_NOVA_VM_INIT`'s work: creates the root page directory,
    /// the RM VA space and the GPUVM.
    pub(crate) fn new(
        dev: &NovaDevice<Registered>,
        reg: &NovaRegistrationData<'_>,
        kernel: Range<u64>,
    ) -> Result<Self> {
        let gpu = reg.gpu.as_ref().ok_or(ENODEV)?;
        let fmt = crate::mmu::format(gpu.chip);
        let range = 0..(1u64 << fmt.va_bits());
        let (kstart, kend) = (kernel.start, kernel.end);
        if kstart > kend || kstart % PAGE != 0 || kend % PAGE != 0 || kend > range.end {
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
            kslots: 0,
            _resv: resv,
        })
    }

    /// The whole VA space.
    pub(crate) fn range(&self) -> Range<u64> {
        self.range.clone()
    }

    /// The kernel-managed range, where binds are refused.
    pub(crate) fn kernel(&self) -> Range<u64> {
        self.kernel.clone()
    }

    /// The VA space's RM object.
    pub(crate) fn rm_object(&self) -> Option<&VaSpaceObj> {
        self.vas.as_ref()
    }

    /// Takes a free channel slot of the kernel-managed range: its VA,
    /// [`KSLOT_SIZE`] bytes below [`KSLOT_LIMIT`]. `ENOSPC` when none is
    /// left.
    pub(crate) fn kslot_alloc(&mut self) -> Result<u64> {
        let first = self.kernel.start.div_ceil(KSLOT_SIZE);
        let end = self.kernel.end.min(KSLOT_LIMIT) / KSLOT_SIZE;
        (first..end)
            .take(64)
            .enumerate()
            .find(|(i, _)| self.kslots & (1 << i) == 0)
            .map(|(i, slot)| {
                self.kslots |= 1 << i;
                slot * KSLOT_SIZE
            })
            .ok_or(ENOSPC)
    }

    /// Returns the slot at `va` ([`Vm::kslot_alloc`]).
    pub(crate) fn kslot_free(&mut self, va: u64) {
        let first = self.kernel.start.div_ceil(KSLOT_SIZE);
        if let Some(i) = (va / KSLOT_SIZE).checked_sub(first).filter(|i| *i < 64) {
            self.kslots &= !(1 << i);
        }
    }

    /// Maps `chunks` at `va` of the kernel-managed range for nova's own use
    /// (GPUVM does not see it), then invalidates the TLB.
    pub(crate) fn map_kernel(
        &mut self,
        reg: &NovaRegistrationData<'_>,
        va: u64,
        chunks: &[Chunk],
    ) -> Result {
        let len: u64 = chunks.iter().map(|c| c.size).sum();
        let end = va.checked_add(len).ok_or(EINVAL)?;
        if va < self.kernel.start || end > self.kernel.end {
            return Err(EINVAL);
        }
        self.kernel_pt(reg, |pt, c| pt.map(c, va, chunks, PteAttrs::default()))
    }

    /// Unmaps `range` of the kernel-managed range, then invalidates the TLB.
    pub(crate) fn unmap_kernel(
        &mut self,
        reg: &NovaRegistrationData<'_>,
        range: Range<u64>,
    ) -> Result {
        if range.start < self.kernel.start || range.end > self.kernel.end {
            return Err(EINVAL);
        }
        self.kernel_pt(reg, |pt, c| pt.unmap(c, range))
    }

    fn kernel_pt(
        &mut self,
        reg: &NovaRegistrationData<'_>,
        f: impl FnOnce(&mut PageTables, &mut Ctx<'_>) -> Result,
    ) -> Result {
        let gpu = reg.gpu.as_ref().ok_or(ENODEV)?;
        let mut ctx = BindCtx {
            hw: Some(Hw {
                gpu,
                pramin: &reg.pramin,
            }),
            garbage: Garbage::new(),
            vas: KVec::new(),
        };
        let res = with_pt(self.gpuvm.data(), &mut ctx, f);
        let inv = reg.tlb.invalidate(&gpu.bar, self.root());
        drop(ctx);
        res.and(inv)
    }

    /// Checks the operations against the sparse regions as each leaves
    /// them for the next, without changing anything.
    pub(crate) fn check(&self, ops: &[BindOp]) -> Result {
        let cur = &self.gpuvm.data_ref().sparse.0;
        let mut sim = Sparse(KVec::with_capacity(cur.len() + ops.len(), GFP_KERNEL)?);
        sim.0.extend_from_slice(cur, GFP_KERNEL)?;
        for op in ops {
            check_sparse(&mut sim, op)?;
        }
        Ok(())
    }

    /// Applies `ops` in order, then invalidates the TLB. Returns how many
    /// were applied and, if one failed, its error (the failed one undone).
    pub(crate) fn bind(
        &mut self,
        reg: &NovaRegistrationData<'_>,
        ops: &[BindOp],
    ) -> (usize, Result) {
        let Some(gpu) = reg.gpu.as_ref() else {
            return (0, Err(ENODEV));
        };
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
        for op in ops {
            if let Err(e) = apply(self, &mut ctx, op) {
                res = Err(e);
                break;
            }
            done += 1;
        }
        let inv = reg.tlb.invalidate(&gpu.bar, self.root());
        if let Err(e) = &inv {
            dev_err!(gpu.dev, "VM_BIND: TLB invalidation: {:?}\n", e);
        }
        // Only now may the freed page tables be reused.
        drop(ctx);
        self.gpuvm.deferred_cleanup();
        (done, res.and(inv))
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

/// What one bind operation does.
pub(crate) enum Op {
    /// Map `[offset, offset + len)` of `bo`.
    Map {
        /// The object.
        bo: ARef<Bo>,
        /// Where in it the mapping starts.
        offset: u64,
    },
    /// Unmap whatever is mapped.
    Unmap,
    /// Make the range a sparse region.
    Sparse,
    /// Remove the sparse region that is exactly the range.
    Unsparse,
}

/// One bind operation on a range of the VA space (4 KiB-aligned, inside
/// the VA space and outside the kernel-managed range: checked by the
/// caller).
pub(crate) struct BindOp {
    /// What to do.
    pub(crate) op: Op,
    /// Where.
    pub(crate) range: Range<u64>,
}

/// Checks what `p` needs of the sparse regions `sim` (the regions as the
/// operations before it leave them) and updates `sim` as `p` will.
fn check_sparse(sim: &mut Sparse, p: &BindOp) -> Result {
    let r = &p.range;
    match p.op {
        Op::Map { .. } if sim.straddles(r) => Err(EINVAL),
        Op::Sparse => {
            if sim.cover(r.clone()) != Cover::None {
                return Err(EINVAL);
            }
            sim.0.push(r.clone(), GFP_KERNEL)?;
            Ok(())
        }
        Op::Unsparse => {
            let at = sim.0.iter().position(|s| s == r).ok_or(EINVAL)?;
            sim.0.remove(at)?;
            Ok(())
        }
        _ => Ok(()),
    }
}

fn apply(vm: &mut Vm, ctx: &mut BindCtx<'_>, p: &BindOp) -> Result {
    let r = p.range.clone();
    let len = r.end - r.start;
    ctx.prealloc(5)?;
    match &p.op {
        Op::Map { bo, offset } => {
            if vm.gpuvm.data_ref().sparse.straddles(&r) {
                return Err(EINVAL);
            }
            let vm_bo = vm.gpuvm.obtain(bo, ())?;
            vm.gpuvm.sm_map(OpMapRequest {
                addr: r.start,
                range: len,
                gem_offset: *offset,
                vm_bo: &vm_bo,
                context: ctx,
            })
        }
        Op::Sparse => {
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
        Op::Unmap => vm.gpuvm.sm_unmap(r.start, len, ctx),
        Op::Unsparse => {
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
    }
}
