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

use core::mem::{
    offset_of,
    size_of, //
};

use kernel::{
    prelude::*,
    transmute::{
        AsBytes,
        FromBytes, //
    },
};

use super::fw::{
    MsgQueueElement,
    MsgqRxHeader,
    MsgqTxHeader,
    RpcHeader,
    RPC_HEADER_VERSION,
    RPC_SIGNATURE, //
};

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

// The header page at the start of each queue holds the transmit header,
// then the receive header, which `rxHdrOff` points at.

/// Offset of the transmit header's write pointer within a queue.
pub(crate) const TX_WRITE_PTR: usize = offset_of!(MsgqTxHeader, write_ptr);
/// Offset of the receive header within a queue.
pub(crate) const RX_HDR_OFFSET: usize = size_of::<MsgqTxHeader>();
/// Offset of the receive header's read pointer within a queue.
pub(crate) const RX_READ_PTR: usize = RX_HDR_OFFSET + offset_of!(MsgqRxHeader, read_ptr);
/// Offset of the first entry within a queue.
pub(crate) const ENTRY_OFFSET: usize = PAGE;

const _: () = assert!(RX_HDR_OFFSET + size_of::<MsgqRxHeader>() <= ENTRY_OFFSET);

/// Size of the queue element header (`GSP_MSG_QUEUE_ELEMENT` up to its RPC
/// header).
pub(crate) const ELEM_HDR_SIZE: usize = offset_of!(MsgQueueElement, rpc);
/// Size of the RPC header (`rpc_message_header_v03_00`).
pub(crate) const RPC_HDR_SIZE: usize = size_of::<RpcHeader>();
/// Offset of an RPC's payload in a queue element.
pub(crate) const PAYLOAD_OFFSET: usize = size_of::<MsgQueueElement>();
/// Largest element (headers included) a queue carries.
pub(crate) const ELEM_SIZE_MAX: usize = 0x10000;
/// Largest payload of a single element.
pub(crate) const PAYLOAD_MAX: usize = ELEM_SIZE_MAX - PAYLOAD_OFFSET;

const _: () = assert!(PAYLOAD_OFFSET == ELEM_HDR_SIZE + RPC_HDR_SIZE);

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
    let mut header = MsgQueueElement {
        seq_num: seq,
        elem_count: entries_for(len) as u32,
        rpc: RpcHeader {
            header_version: RPC_HEADER_VERSION,
            signature: RPC_SIGNATURE,
            length: (len - ELEM_HDR_SIZE) as u32,
            function,
            rpc_result: u32::MAX,
            rpc_result_private: u32::MAX,
            sequence: rpc_seq,
            ..Zeroable::zeroed()
        },
        ..Zeroable::zeroed()
    };
    // The checksum is that of the element with a zero checksum field.
    elem[..PAYLOAD_OFFSET].copy_from_slice(header.as_bytes());
    header.check_sum = checksum(elem);
    elem[..PAYLOAD_OFFSET].copy_from_slice(header.as_bytes());
    Ok(())
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
    let (h, _) =
        MsgQueueElement::from_bytes_copy_prefix(first_entry).ok_or(ElemError::Truncated)?;
    if h.rpc.signature != RPC_SIGNATURE {
        return Err(ElemError::Signature(h.rpc.signature));
    }
    let rpc_len = h.rpc.length;
    let len = ELEM_HDR_SIZE + rpc_len as usize;
    if (rpc_len as usize) < RPC_HDR_SIZE || len > ELEM_SIZE_MAX {
        return Err(ElemError::Length(rpc_len));
    }
    if h.elem_count as usize != entries_for(len) || h.elem_count > available {
        return Err(ElemError::ElemCount(h.elem_count));
    }
    Ok(ElemHeader {
        seq: h.seq_num,
        elem_count: h.elem_count,
        function: h.rpc.function,
        len,
        rpc_result: h.rpc.rpc_result,
        rpc_seq: h.rpc.sequence,
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
        assert_eq!(ELEM_HDR_SIZE, 0x30);
        assert_eq!(TX_WRITE_PTR, 0x10);
        assert_eq!(RX_HDR_OFFSET, 0x20);
        assert_eq!(RX_READ_PTR, 0x20);
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
        elem[PAYLOAD_OFFSET..PAYLOAD_OFFSET + 4].copy_from_slice(&0xdead_beefu32.to_le_bytes());
        seal_element(&mut elem, 7, 72, 0)?;
        let (h, _) = MsgQueueElement::from_bytes_copy_prefix(&elem).ok_or(EINVAL)?;
        assert_eq!(h.rpc.header_version, RPC_HEADER_VERSION);
        assert_eq!(h.rpc.length, (RPC_HDR_SIZE + 12) as u32);
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
        let (h, _) = MsgQueueElement::from_bytes_mut_prefix(&mut elem).ok_or(EINVAL)?;
        h.rpc.length = 4;
        assert_eq!(parse_header(&elem, 1), Err(ElemError::Length(4)));
        let (h, _) = MsgQueueElement::from_bytes_mut_prefix(&mut elem).ok_or(EINVAL)?;
        h.rpc.signature = 0;
        assert_eq!(parse_header(&elem, 1), Err(ElemError::Signature(0)));
        let mut short = [0u8; 8];
        assert_eq!(seal_element(&mut short, 0, 0, 0), Err(EMSGSIZE));
        Ok(())
    }
}
