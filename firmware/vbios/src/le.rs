//! A little-endian byte buffer with positional writes.
//!
//! Every VBIOS structure is little-endian and lives at an offset chosen by
//! its builder, so the builders write fields at explicit offsets instead of
//! appending.

/// A growable byte buffer written at explicit offsets.
///
/// Writing past the end grows the buffer with zeroes, so builders never need
/// to pre-size it.
#[derive(Debug, Clone, Default)]
pub(crate) struct LeBuf {
    bytes: Vec<u8>,
}

impl LeBuf {
    /// A zero-filled buffer of `len` bytes.
    pub(crate) fn zeroed(len: usize) -> Self {
        Self {
            bytes: vec![0; len],
        }
    }

    fn ensure(&mut self, end: usize) {
        if self.bytes.len() < end {
            self.bytes.resize(end, 0);
        }
    }

    /// Writes `data` at `off`.
    pub(crate) fn put(&mut self, off: usize, data: &[u8]) {
        self.ensure(off + data.len());
        self.bytes[off..off + data.len()].copy_from_slice(data);
    }

    /// Writes one byte at `off`.
    pub(crate) fn u8(&mut self, off: usize, v: u8) {
        self.put(off, &[v]);
    }

    /// Writes a little-endian `u16` at `off`.
    pub(crate) fn u16(&mut self, off: usize, v: u16) {
        self.put(off, &v.to_le_bytes());
    }

    /// Writes a little-endian `u32` at `off`.
    pub(crate) fn u32(&mut self, off: usize, v: u32) {
        self.put(off, &v.to_le_bytes());
    }

    /// Current length in bytes.
    pub(crate) fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Read access to the bytes written so far.
    pub(crate) fn as_slice(&self) -> &[u8] {
        &self.bytes
    }

    /// Mutable access to the bytes written so far.
    pub(crate) fn as_mut_slice(&mut self) -> &mut [u8] {
        &mut self.bytes
    }

    /// Consumes the buffer.
    pub(crate) fn into_vec(self) -> Vec<u8> {
        self.bytes
    }
}

/// Rounds `v` up to a multiple of `align` (a power of two).
pub(crate) const fn align_up(v: usize, align: usize) -> usize {
    (v + align - 1) & !(align - 1)
}
