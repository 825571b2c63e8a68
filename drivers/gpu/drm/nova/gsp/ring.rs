// SPDX-License-Identifier: GPL-2.0

//! Moving elements into the command queue and out of the status queue,
//! entry by entry and across the end of the ring, over any memory that
//! implements [`QueueMem`] (the DMA memory shared with GSP-RM, or a plain
//! buffer in the KUnit tests).

use kernel::{
    prelude::*,
    sync::barrier::{
        dma_mb,
        Full,
        Read,
        Write, //
    },
};

use super::queue::{
    self,
    ElemError,
    ElemHeader, //
};

/// Memory holding the queues, addressed by byte offset.
pub(crate) trait QueueMem {
    /// Reads the `u32` at `off`.
    fn read32(&self, off: usize) -> Result<u32>;
    /// Writes the `u32` at `off`.
    fn write32(&self, off: usize, v: u32) -> Result;
    /// Copies `dst.len()` bytes at `off` into `dst`.
    fn read_bytes(&self, off: usize, dst: &mut [u8]) -> Result;
    /// Copies `src` to `off`.
    fn write_bytes(&self, off: usize, src: &[u8]) -> Result;
}

/// Our write pointer into the command queue.
const CMDQ_WRITE: usize = queue::CMDQ_OFFSET + queue::TX_WRITE_PTR;
/// GSP-RM's read pointer into the command queue (in the status queue).
const CMDQ_READ: usize = queue::STATQ_OFFSET + queue::RX_READ_PTR;
/// GSP-RM's write pointer into the status queue.
const STATQ_WRITE: usize = queue::STATQ_OFFSET + queue::TX_WRITE_PTR;
/// Our read pointer into the status queue (in the command queue).
const STATQ_READ: usize = queue::CMDQ_OFFSET + queue::RX_READ_PTR;

/// The command queue's write and read pointers, as stored.
pub(crate) fn cmdq_pointers(mem: &impl QueueMem) -> Result<(u32, u32)> {
    Ok((mem.read32(CMDQ_WRITE)?, mem.read32(CMDQ_READ)?))
}

/// The status queue's write and read pointers, as stored.
pub(crate) fn statq_pointers(mem: &impl QueueMem) -> Result<(u32, u32)> {
    Ok((mem.read32(STATQ_WRITE)?, mem.read32(STATQ_READ)?))
}

/// Writes `elem` into the command queue from entry `write` on, then
/// publishes it by moving the write pointer past it, which is returned.
/// The caller made sure there is room.
pub(crate) fn push(mem: &impl QueueMem, write: u32, elem: &[u8]) -> Result<u32> {
    let mut index = write;
    for chunk in elem.chunks(queue::PAGE) {
        mem.write_bytes(queue::CMDQ_OFFSET + queue::entry_offset(index), chunk)?;
        index = queue::advance(index, 1);
    }
    // The element must be visible before the pointer that publishes it.
    dma_mb(Write);
    mem.write32(CMDQ_WRITE, index)?;
    dma_mb(Full);
    Ok(index)
}

/// What [`pop`] found at the read pointer.
pub(crate) enum Popped {
    /// A whole element (not yet checked beyond its headers), now consumed.
    Elem(ElemHeader, KVec<u8>),
    /// Headers that do not make sense; nothing was consumed.
    Bad(ElemError),
}

/// Copies out the element at entry `read` of the status queue, of which
/// `available` entries are published, and hands its entries back to
/// GSP-RM.
pub(crate) fn pop(mem: &impl QueueMem, read: u32, available: u32) -> Result<Popped> {
    // Read the element only after seeing the pointer that published it.
    dma_mb(Read);
    let mut first = KVec::from_elem(0u8, queue::PAGE, GFP_KERNEL)?;
    mem.read_bytes(queue::STATQ_OFFSET + queue::entry_offset(read), &mut first)?;
    let header = match queue::parse_header(&first, available) {
        Ok(h) => h,
        Err(e) => return Ok(Popped::Bad(e)),
    };

    let mut elem = KVec::with_capacity(header.len, GFP_KERNEL)?;
    let n = header.len.min(queue::PAGE);
    elem.extend_from_slice(&first[..n], GFP_KERNEL)?;
    let mut index = queue::advance(read, 1);
    while elem.len() < header.len {
        let start = elem.len();
        let n = (header.len - start).min(queue::PAGE);
        elem.extend_with(n, 0, GFP_KERNEL)?;
        mem.read_bytes(
            queue::STATQ_OFFSET + queue::entry_offset(index),
            &mut elem[start..],
        )?;
        index = queue::advance(index, 1);
    }
    // Everything is copied out: hand the entries back to GSP-RM.
    dma_mb(Full);
    mem.write32(STATQ_READ, index)?;
    Ok(Popped::Elem(header, elem))
}

#[kunit_tests(nova_gsp_ring)]
mod tests {
    use super::*;
    use core::cell::RefCell;
    use kernel::alloc::KVVec;

    /// Queue memory in a plain buffer.
    struct FakeMem(RefCell<KVVec<u8>>);

    impl FakeMem {
        fn new() -> Result<Self> {
            Ok(Self(RefCell::new(KVVec::from_elem(
                0u8,
                queue::SHMEM_SIZE,
                GFP_KERNEL,
            )?)))
        }
    }

    impl QueueMem for FakeMem {
        fn read32(&self, off: usize) -> Result<u32> {
            let mut v = [0u8; 4];
            self.read_bytes(off, &mut v)?;
            Ok(u32::from_le_bytes(v))
        }
        fn write32(&self, off: usize, v: u32) -> Result {
            self.write_bytes(off, &v.to_le_bytes())
        }
        fn read_bytes(&self, off: usize, dst: &mut [u8]) -> Result {
            let b = self.0.borrow();
            dst.copy_from_slice(b.get(off..off + dst.len()).ok_or(EINVAL)?);
            Ok(())
        }
        fn write_bytes(&self, off: usize, src: &[u8]) -> Result {
            let mut b = self.0.borrow_mut();
            b.get_mut(off..off + src.len())
                .ok_or(EINVAL)?
                .copy_from_slice(src);
            Ok(())
        }
    }

    /// A sealed element of `len` bytes with a recognisable payload.
    fn element(len: usize) -> Result<KVec<u8>> {
        let mut e = KVec::from_elem(0u8, len, GFP_KERNEL)?;
        for (i, b) in e.iter_mut().enumerate().skip(queue::PAYLOAD_OFFSET) {
            *b = (i % 251) as u8;
        }
        queue::seal_element(&mut e, 9, 0x1001, 0)?;
        Ok(e)
    }

    #[test]
    fn push_wraps() -> Result {
        let mem = FakeMem::new()?;
        mem.write32(CMDQ_WRITE, 62)?;
        mem.write32(CMDQ_READ, 62)?;
        let e = element(0x1800)?;
        assert_eq!(push(&mem, 62, &e)?, 1);
        assert_eq!(cmdq_pointers(&mem)?, (1, 62));
        let mut got = KVec::from_elem(0u8, 0x1800, GFP_KERNEL)?;
        mem.read_bytes(
            queue::CMDQ_OFFSET + queue::entry_offset(62),
            &mut got[..0x1000],
        )?;
        mem.read_bytes(
            queue::CMDQ_OFFSET + queue::entry_offset(0),
            &mut got[0x1000..],
        )?;
        assert!(got == e);
        Ok(())
    }

    #[test]
    fn pop_wraps() -> Result {
        let mem = FakeMem::new()?;
        let e = element(0x2100)?;
        // GSP-RM wrote it into entries 61, 62 and 0.
        mem.write_bytes(queue::STATQ_OFFSET + queue::entry_offset(61), &e[..0x1000])?;
        mem.write_bytes(
            queue::STATQ_OFFSET + queue::entry_offset(62),
            &e[0x1000..0x2000],
        )?;
        mem.write_bytes(queue::STATQ_OFFSET + queue::entry_offset(0), &e[0x2000..])?;
        mem.write32(STATQ_WRITE, 1)?;
        mem.write32(STATQ_READ, 61)?;
        let (write, read) = statq_pointers(&mem)?;
        let available = queue::used_entries(write, read);
        assert_eq!(available, Some(3));

        // Fewer entries published than the element claims: rejected, and
        // nothing consumed.
        assert!(matches!(
            pop(&mem, 61, 2)?,
            Popped::Bad(ElemError::ElemCount(3))
        ));
        assert_eq!(statq_pointers(&mem)?, (1, 61));

        match pop(&mem, 61, 3)? {
            Popped::Elem(h, got) => {
                assert_eq!(h.len, 0x2100);
                assert_eq!(h.elem_count, 3);
                assert_eq!(h.seq, 9);
                assert!(got == e);
                assert_eq!(queue::checksum(&got), 0);
            }
            Popped::Bad(_) => assert!(false),
        }
        assert_eq!(statq_pointers(&mem)?, (1, 1));
        Ok(())
    }
}
