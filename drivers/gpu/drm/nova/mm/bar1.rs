// SPDX-License-Identifier: GPL-2.0

//! BAR1: the CPU's window on video memory.
//!
//! On GSP-RM systems GSP-RM puts BAR1 in virtual mode with a root page
//! directory of its own and reports where that root is (`bar1PdeBase` in
//! its static information); the driver builds its page tables under that
//! root, as nouveau does (`nvkm/subdev/gsp/rm/r535/bar.c`,
//! `r535_bar_bar1_init`). nova maps a VRAM object into BAR1 the first time
//! userspace asks to mmap it, and the object's CPU mappings then map that
//! part of the BAR write-combined.
//!
//! A mapping's BAR1 addresses return to the allocator when the object is
//! freed (no CPU mapping of it can exist then: each holds the object); the
//! page-table entries it leaves are cleared by the next mapping that gets
//! those addresses, before it writes its own.

use kernel::{
    gpu::buddy::{
        AllocatedBlocks,
        GpuBuddy,
        GpuBuddyAllocFlag,
        GpuBuddyAllocMode,
        GpuBuddyParams, //
    },
    new_mutex,
    prelude::*,
    ptr::Alignment,
    sizes::SZ_4K,
    sync::{
        Arc,
        Mutex, //
    },
};

use crate::{
    gpu::Bar0,
    mm::{
        pramin::Pramin,
        vram::{
            Vram,
            VramAlloc, //
        },
    },
    mmu::{
        format::{
            Aperture,
            Format,
            PteAttrs, //
        },
        pt::{
            Chunk,
            Ctx,
            Garbage,
            NoSparse,
            PageTables,
            PraminMem, //
        },
        tlb::Tlb,
    },
};

/// BAR1 of one GPU.
pub(crate) struct Bar1 {
    /// The bus address of BAR1.
    phys: u64,
    /// GSP-RM's root page directory.
    root: u64,
    /// BAR1 addresses.
    va: GpuBuddy,
    /// The page tables under the root.
    pt: Pin<KBox<Mutex<PageTables>>>,
}

/// A VRAM object's place in BAR1, given back when dropped.
pub(crate) struct Bar1Map {
    _va: Pin<KBox<AllocatedBlocks>>,
    /// The bus address of the object's first byte.
    pub(crate) phys: u64,
}

impl Bar1 {
    /// BAR1 at bus address `phys`, `size` bytes, under GSP-RM's root page
    /// directory `root` in the format `fmt`.
    pub(crate) fn new(phys: u64, size: u64, root: u64, fmt: &'static dyn Format) -> Result<Self> {
        let va = GpuBuddy::new(GpuBuddyParams {
            base_offset: 0,
            size,
            chunk_size: Alignment::new::<SZ_4K>(),
        })?;
        let pt = KBox::pin_init(new_mutex!(PageTables::adopt(fmt, root)?), GFP_KERNEL)?;
        Ok(Self { phys, root, va, pt })
    }

    /// Maps `vram` into BAR1 and invalidates BAR1's translations.
    pub(crate) fn map(
        &self,
        bar: &Bar0<'_>,
        pramin: &Pramin,
        tlb: &Tlb,
        vram: &Arc<Vram>,
        alloc: &VramAlloc,
    ) -> Result<Bar1Map> {
        let size = alloc.size();
        let va = KBox::pin_init(
            self.va.alloc_blocks(
                GpuBuddyAllocMode::Simple,
                size,
                Vram::alignment_for(size),
                GpuBuddyAllocFlag::Contiguous,
            ),
            GFP_KERNEL,
        )
        .map_err(|_| ENOSPC)?;
        let start = va.iter().next().map(|b| b.offset()).ok_or(ENOSPC)?;
        let mut chunks = KVec::new();
        for (addr, size) in alloc.blocks() {
            chunks.push(
                Chunk {
                    addr,
                    size,
                    ap: Aperture::Vram,
                },
                GFP_KERNEL,
            )?;
        }
        let mut garbage = Garbage::new();
        {
            let mem = PraminMem { bar, pramin };
            let mut ctx = Ctx {
                mem: &mem,
                vram,
                sparse: &NoSparse,
                garbage: &mut garbage,
            };
            let mut pt = self.pt.lock();
            // What a freed mapping left at these addresses goes first.
            pt.unmap(&mut ctx, start..start + size)?;
            pt.map(&mut ctx, start, &chunks, PteAttrs::default())?;
        }
        tlb.invalidate(bar, self.root)?;
        drop(garbage);
        Ok(Bar1Map {
            _va: va,
            phys: self.phys + start,
        })
    }
}
