//! The shared-memory message queues between the driver and GSP-RM
//! (r570.144), as GSP-RM sees them.
//!
//! Facts (nova-core `gsp/cmdq.rs`, `gsp/fw.rs` and
//! `gsp/fw/r570_144/bindings.rs`; nouveau `nvkm/subdev/gsp/rm/r535/rpc.c`):
//!
//! * The shared memory starts with its own page table: entry `i` (a
//!   little-endian u64) is the bus address of page `i`;
//!   `MESSAGE_QUEUE_INIT_ARGUMENTS.pageTableEntryCount` entries. The
//!   command queue (driver to GSP) and the status queue (GSP to driver)
//!   start at `cmdQueueOffset` / `statQueueOffset` from the start of it.
//! * A queue starts with `msgqTxHeader` (u32s: version, size, msgSize,
//!   msgCount, writePtr, flags, rxHdrOff, entryOff); `msgqRxHeader` (u32
//!   readPtr) sits at `rxHdrOff` in the same queue. The read pointer in a
//!   queue's rx header belongs to the *other* queue: the driver keeps its
//!   read pointer of the status queue in the command queue, GSP-RM its read
//!   pointer of the command queue in the status queue. Entries are
//!   `msgSize` (4 KiB) bytes at `entryOff`; pointers count entries modulo
//!   `msgCount`, and a queue is full when the write pointer is one entry
//!   behind the reader's.
//! * A message is `GSP_MSG_QUEUE_ELEMENT` (0x30 bytes: 16-byte auth tag, 16
//!   bytes AAD, u32 checkSum at 0x20, seqNum 0x24, elemCount 0x28) followed
//!   by `rpc_message_header_v` (0x20 bytes: header_version 0x03000000,
//!   signature "VRPC", length = 0x20 + payload, function, rpc_result,
//!   rpc_result_private, sequence, spare) and the payload; it spans
//!   `elemCount` consecutive entries (wrapping at the end).
//! * The checksum: XOR of the message (element header with checkSum
//!   included, RPC header and payload) as little-endian u64 words (the tail
//!   zero-padded), folded as high ^ low 32 bits; it is 0 over a good
//!   message, so the sender stores the fold computed with checkSum = 0.

use crate::dma::DmaSpace;

/// GSP page size.
pub const PAGE: u64 = 0x1000;
/// Size of `GSP_MSG_QUEUE_ELEMENT` up to the RPC header.
pub const ELEM_HDR: usize = 0x30;
/// Size of `rpc_message_header_v`.
pub const RPC_HDR: usize = 0x20;
/// `header_version` of r570 RPC headers (major 3, minor 0).
pub const RPC_HEADER_VERSION: u32 = 0x0300_0000;
/// `NV_VGPU_MSG_SIGNATURE_VALID`: "VRPC" in little-endian.
pub const RPC_SIGNATURE: u32 = 0x4350_5256;
/// `GSP_MSG_QUEUE_ELEMENT_SIZE_MAX`.
pub const ELEMENT_SIZE_MAX: usize = 0x1_0000;

fn le32(b: &[u8], at: usize) -> u32 {
    let mut w = [0u8; 4];
    w.copy_from_slice(&b[at..at + 4]);
    u32::from_le_bytes(w)
}

fn put32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

/// The queue checksum of `bytes` (see the module documentation).
pub fn checksum(bytes: &[u8]) -> u32 {
    let mut sum = 0u64;
    for chunk in bytes.chunks(8) {
        let mut w = [0u8; 8];
        w[..chunk.len()].copy_from_slice(chunk);
        sum ^= u64::from_le_bytes(w);
    }
    ((sum >> 32) as u32) ^ (sum as u32)
}

/// The shared memory, reached through its page table.
#[derive(Debug, Clone)]
pub struct Shm {
    ptes: Vec<u64>,
}

impl Shm {
    /// Reads the page table of `count` entries at bus address `addr`.
    pub fn map(dma: &DmaSpace, addr: u64, count: u32) -> Result<Self, String> {
        if count < 3 || u64::from(count) * 8 > 0x10_0000 {
            return Err(format!("page table entry count {count} is not plausible"));
        }
        let mut raw = vec![0u8; count as usize * 8];
        dma.read(addr, &mut raw)
            .map_err(|e| format!("page table at {addr:#x}: {e}"))?;
        let ptes: Vec<u64> = raw
            .chunks(8)
            .map(|c| {
                let mut w = [0u8; 8];
                w.copy_from_slice(c);
                u64::from_le_bytes(w)
            })
            .collect();
        if ptes[0] != addr {
            return Err(format!(
                "page table entry 0 is {:#x}, not the shared memory's own address {addr:#x}",
                ptes[0]
            ));
        }
        if let Some(i) = ptes.iter().position(|p| !p.is_multiple_of(PAGE)) {
            return Err(format!(
                "page table entry {i} ({:#x}) is not page aligned",
                ptes[i]
            ));
        }
        Ok(Self { ptes })
    }

    /// Size in bytes.
    pub fn size(&self) -> u64 {
        self.ptes.len() as u64 * PAGE
    }

    fn pieces(&self, off: u64, len: usize) -> Result<Vec<(u64, usize, usize)>, String> {
        let end = off
            .checked_add(len as u64)
            .filter(|e| *e <= self.size())
            .ok_or_else(|| {
                format!(
                    "shared memory access {off:#x}+{len:#x} beyond its {:#x} bytes",
                    self.size()
                )
            })?;
        let mut out = Vec::new();
        let mut at = off;
        while at < end {
            let page = (at / PAGE) as usize;
            let n = (PAGE - at % PAGE).min(end - at) as usize;
            out.push((self.ptes[page] + at % PAGE, (at - off) as usize, n));
            at += n as u64;
        }
        Ok(out)
    }

    /// Reads `buf.len()` bytes at shared-memory offset `off`.
    pub fn read(&self, dma: &DmaSpace, off: u64, buf: &mut [u8]) -> Result<(), String> {
        for (addr, done, n) in self.pieces(off, buf.len())? {
            dma.read(addr, &mut buf[done..done + n])
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    /// Writes `data` at shared-memory offset `off`.
    pub fn write(&self, dma: &DmaSpace, off: u64, data: &[u8]) -> Result<(), String> {
        for (addr, done, n) in self.pieces(off, data.len())? {
            dma.write(addr, &data[done..done + n])
                .map_err(|e| e.to_string())?;
        }
        Ok(())
    }

    /// Reads a u32.
    pub fn read_u32(&self, dma: &DmaSpace, off: u64) -> Result<u32, String> {
        let mut b = [0u8; 4];
        self.read(dma, off, &mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    /// Writes a u32.
    pub fn write_u32(&self, dma: &DmaSpace, off: u64, v: u32) -> Result<(), String> {
        self.write(dma, off, &v.to_le_bytes())
    }
}

/// The geometry of one queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Queue {
    /// Offset of its tx header in the shared memory.
    pub base: u64,
    /// `size`: bytes of the queue, headers included.
    pub size: u32,
    /// `msgCount`: number of entries.
    pub count: u32,
    /// `rxHdrOff`.
    pub rx_hdr: u32,
    /// `entryOff`.
    pub entry: u32,
}

impl Queue {
    /// Reads and checks the tx header the driver wrote at `base`.
    pub fn read(shm: &Shm, dma: &DmaSpace, base: u64) -> Result<Self, String> {
        let mut h = [0u8; 0x20];
        shm.read(dma, base, &mut h)?;
        let (version, size, msg_size, count) =
            (le32(&h, 0), le32(&h, 4), le32(&h, 8), le32(&h, 12));
        let (rx_hdr, entry) = (le32(&h, 0x18), le32(&h, 0x1c));
        if version != 0 {
            return Err(format!(
                "command queue header version {version}, expected 0"
            ));
        }
        if u64::from(msg_size) != PAGE {
            return Err(format!(
                "command queue msgSize {msg_size:#x}, expected 0x1000"
            ));
        }
        let q = Self {
            base,
            size,
            count,
            rx_hdr,
            entry,
        };
        q.check(shm)?;
        Ok(q)
    }

    fn check(&self, shm: &Shm) -> Result<(), String> {
        if self.count < 2 {
            return Err(format!("msgCount {} is too small", self.count));
        }
        if self.rx_hdr < 0x20 || self.rx_hdr + 4 > self.entry {
            return Err(format!(
                "rxHdrOff {:#x} is not between the tx header and the entries at {:#x}",
                self.rx_hdr, self.entry
            ));
        }
        let need = u64::from(self.entry) + u64::from(self.count) * PAGE;
        if need > u64::from(self.size) {
            return Err(format!(
                "{} entries at {:#x} do not fit the queue's {:#x} bytes",
                self.count, self.entry, self.size
            ));
        }
        if self.base + u64::from(self.size) > shm.size() {
            return Err(format!(
                "queue at {:#x}+{:#x} beyond the {:#x}-byte shared memory",
                self.base,
                self.size,
                shm.size()
            ));
        }
        Ok(())
    }

    /// The status queue at `base`, shaped like `like` (the command queue).
    pub fn status(shm: &Shm, base: u64, like: &Queue) -> Result<Self, String> {
        let q = Self { base, ..*like };
        q.check(shm).map_err(|e| format!("status queue: {e}"))?;
        if base < like.base + u64::from(like.size) && like.base < base + u64::from(q.size) {
            return Err(format!(
                "status queue at {base:#x} overlaps the command queue at {:#x}",
                like.base
            ));
        }
        Ok(q)
    }

    /// Writes this queue's tx header (GSP-RM initialising its status
    /// queue): version 0, write pointer 0, flags 1.
    pub fn init_tx(&self, shm: &Shm, dma: &DmaSpace) -> Result<(), String> {
        let mut h = [0u8; 0x20];
        for (i, v) in [
            0,
            self.size,
            PAGE as u32,
            self.count,
            0,
            1,
            self.rx_hdr,
            self.entry,
        ]
        .into_iter()
        .enumerate()
        {
            put32(&mut h, 4 * i, v);
        }
        shm.write(dma, self.base, &h)?;
        shm.write_u32(dma, self.base + u64::from(self.rx_hdr), 0)
    }

    /// Offset of the write pointer.
    pub fn write_ptr_at(&self) -> u64 {
        self.base + 0x10
    }

    /// Offset of the read pointer kept in this queue's rx header.
    pub fn read_ptr_at(&self) -> u64 {
        self.base + u64::from(self.rx_hdr)
    }

    fn entry_at(&self, index: u32) -> u64 {
        self.base + u64::from(self.entry) + u64::from(index % self.count) * PAGE
    }

    /// Reads `len` bytes of the message starting at entry `index`.
    pub fn read_msg(
        &self,
        shm: &Shm,
        dma: &DmaSpace,
        index: u32,
        len: usize,
    ) -> Result<Vec<u8>, String> {
        let mut out = vec![0u8; len];
        let mut done = 0;
        let mut i = index;
        while done < len {
            let n = (len - done).min(PAGE as usize);
            shm.read(dma, self.entry_at(i), &mut out[done..done + n])?;
            done += n;
            i = (i + 1) % self.count;
        }
        Ok(out)
    }

    /// Writes `msg` starting at entry `index`.
    pub fn write_msg(
        &self,
        shm: &Shm,
        dma: &DmaSpace,
        index: u32,
        msg: &[u8],
    ) -> Result<(), String> {
        let mut i = index;
        for chunk in msg.chunks(PAGE as usize) {
            shm.write(dma, self.entry_at(i), chunk)?;
            i = (i + 1) % self.count;
        }
        Ok(())
    }

    /// Entries a writer at `write` may fill while the reader is at `read`.
    pub fn free(&self, write: u32, read: u32) -> u32 {
        (read + self.count - write - 1) % self.count
    }

    /// Entries between `read` and `write`.
    pub fn used(&self, write: u32, read: u32) -> u32 {
        (write + self.count - read) % self.count
    }
}

/// A decoded message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Element `seqNum`.
    pub seq: u32,
    /// Element `elemCount`.
    pub elems: u32,
    /// RPC `function`.
    pub function: u32,
    /// RPC `rpc_result`.
    pub result: u32,
    /// RPC `sequence`.
    pub rpc_seq: u32,
    /// The payload.
    pub payload: Vec<u8>,
}

/// Builds the bytes of a message; `bad_checksum` stores a wrong checksum.
pub fn encode(
    seq: u32,
    function: u32,
    result: u32,
    rpc_seq: u32,
    payload: &[u8],
    length_override: Option<u32>,
    bad_checksum: bool,
) -> Vec<u8> {
    let len = ELEM_HDR + RPC_HDR + payload.len();
    let mut m = vec![0u8; len];
    let elems = len.div_ceil(PAGE as usize) as u32;
    put32(&mut m, 0x24, seq);
    put32(&mut m, 0x28, elems);
    let r = ELEM_HDR;
    put32(&mut m, r, RPC_HEADER_VERSION);
    put32(&mut m, r + 4, RPC_SIGNATURE);
    let length = length_override.unwrap_or((RPC_HDR + payload.len()) as u32);
    put32(&mut m, r + 8, length);
    put32(&mut m, r + 12, function);
    put32(&mut m, r + 16, result);
    put32(&mut m, r + 20, result);
    put32(&mut m, r + 24, rpc_seq);
    m[ELEM_HDR + RPC_HDR..].copy_from_slice(payload);
    let covered = (ELEM_HDR + length as usize).min(len);
    let sum = checksum(&m[..covered]) ^ (u32::from(bad_checksum) * 0x5a5a_0001);
    put32(&mut m, 0x20, sum);
    m
}

/// Decodes the header of a message from its first entry (`first`, at
/// least [`ELEM_HDR`] + [`RPC_HDR`] bytes): (elemCount, total length).
pub fn header_len(first: &[u8]) -> Result<(u32, usize), String> {
    let elems = le32(first, 0x28);
    let version = le32(first, ELEM_HDR);
    let sig = le32(first, ELEM_HDR + 4);
    let length = le32(first, ELEM_HDR + 8) as usize;
    if sig != RPC_SIGNATURE {
        return Err(format!(
            "RPC signature {sig:#010x}, expected {RPC_SIGNATURE:#010x} (\"VRPC\")"
        ));
    }
    if version != RPC_HEADER_VERSION {
        return Err(format!(
            "RPC header version {version:#010x}, expected {RPC_HEADER_VERSION:#010x}"
        ));
    }
    if length < RPC_HDR || ELEM_HDR + length > ELEMENT_SIZE_MAX {
        return Err(format!("RPC length {length:#x} out of range"));
    }
    let want = (ELEM_HDR + length).div_ceil(PAGE as usize) as u32;
    if elems != want {
        return Err(format!(
            "elemCount {elems} does not match the RPC length {length:#x} ({want} entries)"
        ));
    }
    Ok((elems, ELEM_HDR + length))
}

/// Decodes a whole message (`bytes` exactly as long as it says) and checks
/// its checksum.
pub fn decode(bytes: &[u8]) -> Result<Message, String> {
    let sum = checksum(bytes);
    if sum != 0 {
        return Err(format!(
            "bad checksum (stored {:#010x}, the message folds to {sum:#010x} instead of 0)",
            le32(bytes, 0x20)
        ));
    }
    let r = ELEM_HDR;
    Ok(Message {
        seq: le32(bytes, 0x24),
        elems: le32(bytes, 0x28),
        function: le32(bytes, r + 12),
        result: le32(bytes, r + 16),
        rpc_seq: le32(bytes, r + 24),
        payload: bytes[ELEM_HDR + RPC_HDR..].to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksum_folds_to_zero() {
        let m = encode(7, 0x41, 0, 3, &[1, 2, 3, 4, 5, 6, 7, 8, 9], None, false);
        assert_eq!(checksum(&m), 0);
        let d = decode(&m).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (d.seq, d.function, d.rpc_seq, d.payload.len()),
            (7, 0x41, 3, 9)
        );
        let bad = encode(7, 0x41, 0, 3, &[1, 2, 3], None, true);
        assert!(decode(&bad).is_err());
    }

    #[test]
    fn checksum_matches_bytewise_rotation() {
        // The definition in nova-core's terms: byte i rotated left by
        // 8 * (i % 8) into a u64, all XORed, then folded.
        let data: Vec<u8> = (0..77u32).map(|i| (i * 37 + 5) as u8).collect();
        let mut s = 0u64;
        for (i, b) in data.iter().enumerate() {
            s ^= u64::from(*b).rotate_left(((i % 8) * 8) as u32);
        }
        assert_eq!(checksum(&data), ((s >> 32) as u32) ^ (s as u32));
    }

    #[test]
    fn header_checks() {
        let m = encode(0, 1, 0, 0, &[0; 0x2000], None, false);
        assert_eq!(header_len(&m), Ok((3, m.len())));
        let mut bad = m.clone();
        bad[0x28] = 1;
        assert!(header_len(&bad).is_err());
        let mut bad = m;
        bad[ELEM_HDR + 4] = 0;
        assert!(header_len(&bad).is_err());
    }
}
