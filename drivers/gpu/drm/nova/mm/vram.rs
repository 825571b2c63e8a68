// SPDX-License-Identifier: GPL-2.0

//! Video memory: a buddy allocator over the framebuffer regions GSP-RM lets
//! clients allocate from.
//!
//! GSP-RM reports its view of the framebuffer in `GET_GSP_STATIC_INFO`
//! (`fbRegionInfoParams`): regions it keeps for itself are reserved or
//! protected, the others are for clients. nova manages each usable region
//! with its own [`GpuBuddy`] and counts what is allocated, for GETPARAM and
//! fdinfo. An allocation ([`VramAlloc`]) returns its blocks when dropped, so
//! it may outlive the binding: the allocator is plain host memory.

use core::sync::atomic::{
    AtomicU64,
    Ordering, //
};

use kernel::{
    gpu::buddy::{
        AllocatedBlocks,
        GpuBuddy,
        GpuBuddyAllocFlags,
        GpuBuddyAllocMode,
        GpuBuddyParams, //
    },
    prelude::*,
    ptr::Alignment,
    sizes::{
        SZ_2M,
        SZ_4K,
        SZ_64K, //
    },
    sync::Arc,
};

/// A usable framebuffer region: `[base, base + size)` of VRAM.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Region {
    /// First byte.
    pub(crate) base: u64,
    /// Size in bytes.
    pub(crate) size: u64,
}

/// Most regions nova manages; GSP-RM reports at most 16.
pub(crate) const MAX_REGIONS: usize = 16;

/// The VRAM allocator of one GPU.
pub(crate) struct Vram {
    regions: KVec<GpuBuddy>,
    total: u64,
    used: AtomicU64,
}

impl Vram {
    /// An allocator over `regions`; each region is trimmed to whole 4 KiB
    /// pages and regions smaller than a page are left out.
    pub(crate) fn new(regions: &[Region]) -> Result<Arc<Self>> {
        let mut buddies = KVec::with_capacity(regions.len(), GFP_KERNEL)?;
        let mut total = 0u64;
        let page = SZ_4K as u64;
        for r in regions.iter().take(MAX_REGIONS) {
            let base = r.base.checked_next_multiple_of(page).ok_or(EINVAL)?;
            let end = r.base.checked_add(r.size).ok_or(EINVAL)? & !(page - 1);
            if end <= base || end - base < page {
                continue;
            }
            let buddy = GpuBuddy::new(GpuBuddyParams {
                base_offset: base,
                size: end - base,
                chunk_size: Alignment::new::<SZ_4K>(),
            })?;
            total += buddy.size();
            buddies.push(buddy, GFP_KERNEL)?;
        }
        Ok(Arc::new(
            Self {
                regions: buddies,
                total,
                used: AtomicU64::new(0),
            },
            GFP_KERNEL,
        )?)
    }

    /// Bytes nova can allocate in all.
    pub(crate) fn total(&self) -> u64 {
        self.total
    }

    /// Bytes allocated now.
    pub(crate) fn used(&self) -> u64 {
        self.used.load(Ordering::Relaxed)
    }

    /// The alignment nova gives an object of `size` bytes, so that it can be
    /// mapped with the largest GPU pages that fit in it.
    pub(crate) fn alignment_for(size: u64) -> Alignment {
        if size >= SZ_2M as u64 {
            Alignment::new::<SZ_2M>()
        } else if size >= SZ_64K as u64 {
            Alignment::new::<SZ_64K>()
        } else {
            Alignment::new::<SZ_4K>()
        }
    }

    /// Allocates `size` bytes (a multiple of 4 KiB) in blocks of at least
    /// `align` bytes, each aligned to its size; `ENOMEM` when no region has
    /// room.
    pub(crate) fn alloc(this: &Arc<Self>, size: u64, align: Alignment) -> Result<VramAlloc> {
        if size == 0 || size % SZ_4K as u64 != 0 {
            return Err(EINVAL);
        }
        for buddy in this.regions.iter() {
            if buddy.avail() < size {
                continue;
            }
            let blocks = KBox::pin_init(
                buddy.alloc_blocks(
                    GpuBuddyAllocMode::Simple,
                    size,
                    align,
                    GpuBuddyAllocFlags::default(),
                ),
                GFP_KERNEL,
            );
            if let Ok(blocks) = blocks {
                // The allocator may round up; count what it gave.
                let size = blocks.iter().map(|b| b.size()).sum();
                this.used.fetch_add(size, Ordering::Relaxed);
                return Ok(VramAlloc {
                    blocks,
                    size,
                    vram: this.clone(),
                });
            }
        }
        Err(ENOMEM)
    }
}

/// VRAM allocated from [`Vram`]: a list of blocks, returned when dropped.
pub(crate) struct VramAlloc {
    blocks: Pin<KBox<AllocatedBlocks>>,
    size: u64,
    vram: Arc<Vram>,
}

impl VramAlloc {
    /// Size in bytes (at least what was asked for).
    pub(crate) fn size(&self) -> u64 {
        self.size
    }

    /// The blocks, as `(address, size)` pairs, in the order they cover the
    /// allocation.
    pub(crate) fn blocks(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        self.blocks.iter().map(|b| (b.offset(), b.size()))
    }

    /// The address of the first block (for single-block allocations such
    /// as page tables).
    pub(crate) fn addr(&self) -> u64 {
        self.blocks().next().map_or(0, |(a, _)| a)
    }

    /// The VRAM address of byte `offset` of the allocation, and how many
    /// bytes from there are contiguous; `None` past the end.
    pub(crate) fn addr_at(&self, offset: u64) -> Option<(u64, u64)> {
        let mut start = 0u64;
        for (addr, size) in self.blocks() {
            if offset < start + size {
                let into = offset - start;
                return Some((addr + into, size - into));
            }
            start += size;
        }
        None
    }
}

impl Drop for VramAlloc {
    fn drop(&mut self) {
        self.vram.used.fetch_sub(self.size, Ordering::Relaxed);
    }
}
