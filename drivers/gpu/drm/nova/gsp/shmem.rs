// SPDX-License-Identifier: GPL-2.0

//! DMA memory shared with GSP-RM, accessed with bounds-checked volatile
//! reads and writes because GSP-RM changes it behind the CPU's back.

use core::ptr;

use kernel::{device, dma::Coherent, prelude::*};

/// A zeroed, coherent DMA buffer that both the CPU and GSP-RM access.
pub(crate) struct SharedMem {
    mem: Coherent<[u8]>,
}

impl SharedMem {
    /// Allocates `len` zeroed bytes of coherent DMA memory for `dev`.
    pub(crate) fn new(dev: &device::Device<device::Bound>, len: usize) -> Result<Self> {
        Ok(Self {
            mem: Coherent::<u8>::zeroed_slice(dev, len, GFP_KERNEL)?,
        })
    }

    /// The bus address the device sees the buffer at.
    pub(crate) fn dma_address(&self) -> u64 {
        self.mem.dma_address()
    }

    /// Size of the buffer in bytes.
    pub(crate) fn len(&self) -> usize {
        self.mem.len()
    }

    fn check(&self, off: usize, len: usize, align: usize) -> Result {
        let end = off.checked_add(len).ok_or(EINVAL)?;
        if end > self.mem.len() || off % align != 0 {
            return Err(EINVAL);
        }
        Ok(())
    }

    fn base(&self) -> *mut u8 {
        self.mem.as_mut_ptr().cast::<u8>()
    }

    /// Reads the `u32` at byte offset `off` (4-byte aligned).
    pub(crate) fn read32(&self, off: usize) -> Result<u32> {
        self.check(off, 4, 4)?;
        // SAFETY: `check` proved `off..off + 4` lies inside the allocation
        // and is aligned for a `u32`; the memory stays allocated while
        // `self` lives. A volatile read of plain integer memory that the
        // device may change concurrently is what coherent DMA requires.
        Ok(u32::from_le(unsafe {
            ptr::read_volatile(self.base().add(off).cast::<u32>())
        }))
    }

    /// Writes `v` to the `u32` at byte offset `off` (4-byte aligned).
    pub(crate) fn write32(&self, off: usize, v: u32) -> Result {
        self.check(off, 4, 4)?;
        // SAFETY: as in `read32`; the CPU owns this location by the queue
        // protocol, so the device does not write it concurrently.
        unsafe { ptr::write_volatile(self.base().add(off).cast::<u32>(), v.to_le()) };
        Ok(())
    }

    /// Copies `dst.len()` bytes starting at `off` into `dst`.
    pub(crate) fn read_bytes(&self, off: usize, dst: &mut [u8]) -> Result {
        self.check(off, dst.len(), 1)?;
        for (i, b) in dst.iter_mut().enumerate() {
            // SAFETY: `check` proved `off..off + dst.len()` is inside the
            // allocation, so `off + i` is too.
            *b = unsafe { ptr::read_volatile(self.base().add(off + i)) };
        }
        Ok(())
    }

    /// Copies `src` to the buffer starting at `off`.
    pub(crate) fn write_bytes(&self, off: usize, src: &[u8]) -> Result {
        self.check(off, src.len(), 1)?;
        for (i, b) in src.iter().enumerate() {
            // SAFETY: `check` proved `off..off + src.len()` is inside the
            // allocation, so `off + i` is too; the CPU owns this area by the
            // queue protocol.
            unsafe { ptr::write_volatile(self.base().add(off + i), *b) };
        }
        Ok(())
    }
}

impl super::ring::QueueMem for SharedMem {
    fn read32(&self, off: usize) -> Result<u32> {
        SharedMem::read32(self, off)
    }

    fn write32(&self, off: usize, v: u32) -> Result {
        SharedMem::write32(self, off, v)
    }

    fn read_bytes(&self, off: usize, dst: &mut [u8]) -> Result {
        SharedMem::read_bytes(self, off, dst)
    }

    fn write_bytes(&self, off: usize, src: &[u8]) -> Result {
        SharedMem::write_bytes(self, off, src)
    }
}
