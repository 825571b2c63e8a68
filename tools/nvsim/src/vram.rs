//! Video memory: a sparse byte store of the board's VRAM size.
//!
//! Only chunks that were written take host memory; unwritten VRAM reads as
//! zero. Accesses beyond the end read as zero and drop writes (the caller
//! reports them).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

const CHUNK: u64 = 64 * 1024;

/// Handle to the VRAM contents; cheap to clone and shareable with models.
#[derive(Clone)]
pub struct Vram {
    size: u64,
    chunks: Arc<Mutex<HashMap<u64, Box<[u8]>>>>,
}

impl Vram {
    /// `size` bytes of zeroed VRAM.
    pub fn new(size: u64) -> Self {
        Self {
            size,
            chunks: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// VRAM size in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Whether `addr..addr+len` lies inside VRAM.
    pub fn contains(&self, addr: u64, len: usize) -> bool {
        addr.checked_add(len as u64)
            .is_some_and(|end| end <= self.size)
    }

    /// Reads `buf.len()` bytes at `addr`; bytes beyond VRAM read as zero.
    pub fn read(&self, addr: u64, buf: &mut [u8]) {
        let chunks = self.chunks.lock().unwrap_or_else(|e| e.into_inner());
        for (i, b) in buf.iter_mut().enumerate() {
            let a = addr.wrapping_add(i as u64);
            *b = chunks
                .get(&(a / CHUNK))
                .map_or(0, |c| c[(a % CHUNK) as usize]);
        }
    }

    /// Writes `data` at `addr`; bytes beyond VRAM are dropped.
    pub fn write(&self, addr: u64, data: &[u8]) {
        let mut chunks = self.chunks.lock().unwrap_or_else(|e| e.into_inner());
        for (i, b) in data.iter().enumerate() {
            let a = addr.wrapping_add(i as u64);
            if a >= self.size {
                continue;
            }
            let chunk = chunks
                .entry(a / CHUNK)
                .or_insert_with(|| vec![0; CHUNK as usize].into_boxed_slice());
            chunk[(a % CHUNK) as usize] = *b;
        }
    }

    /// Clears VRAM (drops every chunk).
    pub fn clear(&self) {
        self.chunks
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}
