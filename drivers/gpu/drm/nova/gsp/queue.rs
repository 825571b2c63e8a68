// SPDX-License-Identifier: GPL-2.0

//! Queue arithmetic of the GSP-RM message queues, free of any device access
//! so that KUnit can test it: the layout of the shared memory, ring pointer
//! arithmetic, the element and RPC headers, and the element checksum.
//!
//! The shared memory is one DMA region: a page of page table entries that
//! map the region itself, then the command queue (driver to GSP), then the
//! status queue (GSP to driver). Each queue is a header page (the transmit
//! header, then the receive header) followed by [`QUEUE_ENTRIES`] 4 KiB
//! entries. A queue's receive header holds the read pointer of the *other*
//! queue: the command queue's receive header is where the driver says how
//! far it has read the status queue, and the status queue's receive header
//! is where GSP-RM says how far it has read the command queue.

use kernel::prelude::*;

/// Size of a GSP page, of a queue entry and of a queue header page.
pub(crate) const PAGE: usize = 0x1000;
/// Entries in each queue.
pub(crate) const QUEUE_ENTRIES: u32 = 63;
/// Size of one queue: its header page and its entries.
pub(crate) const QUEUE_SIZE: usize = PAGE * (1 + QUEUE_ENTRIES as usize);
/// Offset of the command queue in the shared memory (after the PTE page).
pub(crate) const CMDQ_OFFSET: usize = PAGE;
/// Offset of the status (message) queue in the shared memory.
pub(crate) const STATQ_OFFSET: usize = CMDQ_OFFSET + QUEUE_SIZE;
/// Size of the shared memory region.
pub(crate) const SHMEM_SIZE: usize = STATQ_OFFSET + QUEUE_SIZE;
/// Number of page table entries, one per page of the shared memory.
pub(crate) const NUM_PTES: usize = SHMEM_SIZE / PAGE;

/// Offset of the transmit header's write pointer within a queue.
pub(crate) const TX_WRITE_PTR: usize = 0x10;
/// Offset of the receive header (its read pointer) within a queue.
pub(crate) const RX_HDR_OFFSET: usize = 0x20;
/// Offset of the first entry within a queue.
pub(crate) const ENTRY_OFFSET: usize = PAGE;

/// Size of the queue element header (`GSP_MSG_QUEUE_ELEMENT` up to its RPC
/// header).
pub(crate) const ELEM_HDR_SIZE: usize = 0x30;
/// Size of the RPC header (`rpc_message_header_v03_00`).
pub(crate) const RPC_HDR_SIZE: usize = 0x20;
/// Offset of an RPC's payload in a queue element.
pub(crate) const PAYLOAD_OFFSET: usize = ELEM_HDR_SIZE + RPC_HDR_SIZE;
/// Largest element (headers included) a queue carries.
pub(crate) const ELEM_SIZE_MAX: usize = 0x10000;
/// Largest payload of a single element.
pub(crate) const PAYLOAD_MAX: usize = ELEM_SIZE_MAX - PAYLOAD_OFFSET;

/// `NV_VGPU_MSG_SIGNATURE_VALID`: "VRPC" as a little-endian word.
pub(crate) const RPC_SIGNATURE: u32 = 0x4350_5256;
/// RPC header version 3.0.
pub(crate) const RPC_HEADER_VERSION: u32 = 0x0300_0000;

// Offsets inside the element header.
const EH_CHECKSUM: usize = 0x20;
const EH_SEQ: usize = 0x24;
const EH_ELEM_COUNT: usize = 0x28;
// Offsets inside the RPC header, relative to the element.
const RH_VERSION: usize = ELEM_HDR_SIZE;
const RH_SIGNATURE: usize = ELEM_HDR_SIZE + 0x4;
const RH_LENGTH: usize = ELEM_HDR_SIZE + 0x8;
const RH_FUNCTION: usize = ELEM_HDR_SIZE + 0xc;
const RH_RESULT: usize = ELEM_HDR_SIZE + 0x10;
const RH_RESULT_PRIVATE: usize = ELEM_HDR_SIZE + 0x14;
const RH_SEQUENCE: usize = ELEM_HDR_SIZE + 0x18;

/// Reads a little-endian `u32` at `off` of `b`, or `None` out of bounds.
pub(crate) fn get_u32(b: &[u8], off: usize) -> Option<u32> {
    let s = b.get(off..off.checked_add(4)?)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// Reads a little-endian `u64` at `off` of `b`, or `None` out of bounds.
pub(crate) fn get_u64(b: &[u8], off: usize) -> Option<u64> {
    let lo = get_u32(b, off)?;
    let hi = get_u32(b, off.checked_add(4)?)?;
    Some(u64::from(lo) | (u64::from(hi) << 32))
}

/// Writes `v` little-endian at `off` of `b`; `EINVAL` out of bounds.
pub(crate) fn put_u32(b: &mut [u8], off: usize, v: u32) -> Result {
    let end = off.checked_add(4).ok_or(EINVAL)?;
    b.get_mut(off..end)
        .ok_or(EINVAL)?
        .copy_from_slice(&v.to_le_bytes());
    Ok(())
}

/// Writes `v` little-endian at `off` of `b`; `EINVAL` out of bounds.
pub(crate) fn put_u64(b: &mut [u8], off: usize, v: u64) -> Result {
    let end = off.checked_add(8).ok_or(EINVAL)?;
    b.get_mut(off..end)
        .ok_or(EINVAL)?
        .copy_from_slice(&v.to_le_bytes());
    Ok(())
}

/// Writes one byte at `off` of `b`; `EINVAL` out of bounds.
pub(crate) fn put_u8(b: &mut [u8], off: usize, v: u8) -> Result {
    *b.get_mut(off).ok_or(EINVAL)? = v;
    Ok(())
}

/// Number of entries an element of `len` bytes (headers included) takes.
pub(crate) const fn entries_for(len: usize) -> usize {
    len.div_ceil(PAGE)
}

/// Entries the writer may fill before it would catch up with the reader.
///
/// One entry always stays empty so that a full queue and an empty one can
/// be told apart. `None` if a pointer is out of range (a corrupt queue).
pub(crate) fn free_entries(write: u32, read: u32) -> Option<u32> {
    if write >= QUEUE_ENTRIES || read >= QUEUE_ENTRIES {
        return None;
    }
    Some((read + QUEUE_ENTRIES - write - 1) % QUEUE_ENTRIES)
}

/// Entries written but not yet read. `None` if a pointer is out of range.
pub(crate) fn used_entries(write: u32, read: u32) -> Option<u32> {
    if write >= QUEUE_ENTRIES || read >= QUEUE_ENTRIES {
        return None;
    }
    Some((write + QUEUE_ENTRIES - read) % QUEUE_ENTRIES)
}

/// The pointer `count` entries after `ptr`, wrapping around.
pub(crate) fn advance(ptr: u32, count: u32) -> u32 {
    ((u64::from(ptr) + u64::from(count)) % u64::from(QUEUE_ENTRIES)) as u32
}

/// Byte offset, within a queue, of entry `index`.
pub(crate) fn entry_offset(index: u32) -> usize {
    ENTRY_OFFSET + index as usize * PAGE
}

/// The element checksum: the little-endian 64-bit words of `data` (the last
/// one zero-padded) XORed together, folded to 32 bits. An element whose
/// checksum field holds the checksum of the rest sums to zero.
pub(crate) fn checksum(data: &[u8]) -> u32 {
    let mut sum: u64 = 0;
    for chunk in data.chunks(8) {
        let mut w = [0u8; 8];
        w[..chunk.len()].copy_from_slice(chunk);
        sum ^= u64::from_le_bytes(w);
    }
    ((sum >> 32) as u32) ^ (sum as u32)
}

/// Builds the element for an RPC in `elem`, which holds the payload at
/// [`PAYLOAD_OFFSET`] already and is exactly as long as the element.
///
/// `seq` is the element sequence number, `rpc_seq` the RPC sequence number
/// (zero for commands without reply).
pub(crate) fn seal_element(elem: &mut [u8], seq: u32, function: u32, rpc_seq: u32) -> Result {
    let len = elem.len();
    if !(PAYLOAD_OFFSET..=ELEM_SIZE_MAX).contains(&len) {
        return Err(EMSGSIZE);
    }
    elem[..PAYLOAD_OFFSET].fill(0);
    put_u32(elem, EH_SEQ, seq)?;
    put_u32(elem, EH_ELEM_COUNT, entries_for(len) as u32)?;
    put_u32(elem, RH_VERSION, RPC_HEADER_VERSION)?;
    put_u32(elem, RH_SIGNATURE, RPC_SIGNATURE)?;
    put_u32(elem, RH_LENGTH, (len - ELEM_HDR_SIZE) as u32)?;
    put_u32(elem, RH_FUNCTION, function)?;
    put_u32(elem, RH_RESULT, u32::MAX)?;
    put_u32(elem, RH_RESULT_PRIVATE, u32::MAX)?;
    put_u32(elem, RH_SEQUENCE, rpc_seq)?;
    let sum = checksum(elem);
    put_u32(elem, EH_CHECKSUM, sum)
}

/// What the headers of a received element say.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct ElemHeader {
    /// Element sequence number.
    pub(crate) seq: u32,
    /// Entries the element takes.
    pub(crate) elem_count: u32,
    /// RPC function or event number.
    pub(crate) function: u32,
    /// Length of the element, both headers included.
    pub(crate) len: usize,
    /// RPC result (`NV_OK` is zero).
    pub(crate) rpc_result: u32,
    /// RPC sequence number.
    pub(crate) rpc_seq: u32,
}

/// Why a received element was rejected.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum ElemError {
    /// The element is shorter than its headers.
    Truncated,
    /// The RPC signature is not "VRPC".
    Signature(u32),
    /// The RPC length is shorter than the RPC header or runs past the
    /// largest element.
    Length(u32),
    /// The entry count does not match the length, or exceeds what is
    /// available in the queue.
    ElemCount(u32),
}

/// Parses and checks the headers at the start of `first_entry` (the first
/// queue entry of an element). `available` is the number of entries the
/// writer has published from this one on.
pub(crate) fn parse_header(first_entry: &[u8], available: u32) -> Result<ElemHeader, ElemError> {
    let g = |off| get_u32(first_entry, off).ok_or(ElemError::Truncated);
    let signature = g(RH_SIGNATURE)?;
    if signature != RPC_SIGNATURE {
        return Err(ElemError::Signature(signature));
    }
    let rpc_len = g(RH_LENGTH)?;
    let len = ELEM_HDR_SIZE + rpc_len as usize;
    if (rpc_len as usize) < RPC_HDR_SIZE || len > ELEM_SIZE_MAX {
        return Err(ElemError::Length(rpc_len));
    }
    let elem_count = g(EH_ELEM_COUNT)?;
    if elem_count as usize != entries_for(len) || elem_count > available {
        return Err(ElemError::ElemCount(elem_count));
    }
    Ok(ElemHeader {
        seq: g(EH_SEQ)?,
        elem_count,
        function: g(RH_FUNCTION)?,
        len,
        rpc_result: g(RH_RESULT)?,
        rpc_seq: g(RH_SEQUENCE)?,
    })
}

#[kunit_tests(nova_gsp_queue)]
mod tests {
    use super::*;

    #[test]
    fn layout() {
        assert_eq!(QUEUE_SIZE, 0x40000);
        assert_eq!(CMDQ_OFFSET, 0x1000);
        assert_eq!(STATQ_OFFSET, 0x41000);
        assert_eq!(NUM_PTES, 129);
        assert_eq!(PAYLOAD_OFFSET, 0x50);
    }

    #[test]
    fn pointers() {
        // Empty queue: everything but one entry is free.
        assert_eq!(free_entries(0, 0), Some(QUEUE_ENTRIES - 1));
        assert_eq!(used_entries(0, 0), Some(0));
        // Writer one behind the reader: full.
        assert_eq!(free_entries(4, 5), Some(0));
        assert_eq!(free_entries(QUEUE_ENTRIES - 1, 0), Some(0));
        // Wrapped writer.
        assert_eq!(used_entries(2, 60), Some(5));
        assert_eq!(free_entries(2, 60), Some(QUEUE_ENTRIES - 6));
        // Out of range pointers are corrupt.
        assert_eq!(free_entries(QUEUE_ENTRIES, 0), None);
        assert_eq!(used_entries(0, u32::MAX), None);
        assert_eq!(advance(62, 1), 0);
        assert_eq!(advance(60, 5), 2);
        // No overflow on a corrupt pointer: 2^32 mod 63 is 4.
        assert_eq!(advance(u32::MAX, 1), 4);
        assert_eq!(entry_offset(0), 0x1000);
        assert_eq!(entry_offset(62), 0x3f000);
        assert_eq!(entries_for(PAYLOAD_OFFSET), 1);
        assert_eq!(entries_for(PAGE), 1);
        assert_eq!(entries_for(PAGE + 1), 2);
    }

    #[test]
    fn checksum_properties() {
        assert_eq!(checksum(&[]), 0);
        assert_eq!(checksum(&[1, 0, 0, 0, 0, 0, 0, 0]), 1);
        assert_eq!(checksum(&[0, 0, 0, 0, 1, 0, 0, 0]), 1);
        assert_eq!(checksum(&[1, 0, 0, 0, 0, 0, 0, 0, 1]), 0);
        assert_eq!(checksum(&[0x78, 0x56, 0x34, 0x12]), 0x1234_5678);
    }

    #[test]
    fn seal_and_parse() -> Result {
        let mut elem = KVec::from_elem(0u8, PAYLOAD_OFFSET + 12, GFP_KERNEL)?;
        put_u32(&mut elem, PAYLOAD_OFFSET, 0xdead_beef)?;
        seal_element(&mut elem, 7, 72, 0)?;
        assert_eq!(checksum(&elem), 0);
        let h = parse_header(&elem, 1);
        assert_eq!(
            h,
            Ok(ElemHeader {
                seq: 7,
                elem_count: 1,
                function: 72,
                len: PAYLOAD_OFFSET + 12,
                rpc_result: u32::MAX,
                rpc_seq: 0,
            })
        );
        assert_eq!(parse_header(&elem, 0), Err(ElemError::ElemCount(1)));
        assert_eq!(parse_header(&elem[..8], 1), Err(ElemError::Truncated));
        put_u32(&mut elem, RH_LENGTH, 4)?;
        assert_eq!(parse_header(&elem, 1), Err(ElemError::Length(4)));
        put_u32(&mut elem, RH_SIGNATURE, 0)?;
        assert_eq!(parse_header(&elem, 1), Err(ElemError::Signature(0)));
        let mut short = [0u8; 8];
        assert_eq!(seal_element(&mut short, 0, 0, 0), Err(EMSGSIZE));
        Ok(())
    }
}
