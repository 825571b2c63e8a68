//! Guest memory as the device sees it: the DMA regions QEMU maps with
//! DMA_MAP, and reads and writes of guest-physical (bus) addresses through
//! them.
//!
//! QEMU offers each RAM region with a file descriptor when guest RAM is a
//! shared memory backend (`memory-backend-memfd,share=on`); nvsim maps it.
//! A region offered without a file descriptor is recorded, but the
//! `vfio_user` crate has no message-based DMA read/write, so accesses to it
//! fail with [`DmaError::NoFd`] and a log line saying why.

use std::collections::HashSet;
use std::fmt;
use std::fs::File;
use std::io;
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use crate::trace::Trace;

/// A shared mapping of part of a guest RAM file.
struct Mapping {
    ptr: *mut u8,
    len: usize,
}

// SAFETY: the mapping is plain shared memory owned by this struct; it is
// only accessed through raw-pointer copies made under the region table
// lock, never through Rust references, so it may move between threads.
unsafe impl Send for Mapping {}
// SAFETY: see `Send`; concurrent copies to/from shared guest memory are the
// nature of DMA and do not create Rust references.
unsafe impl Sync for Mapping {}

impl Drop for Mapping {
    fn drop(&mut self) {
        // SAFETY: `ptr`/`len` come from a successful mmap and are unmapped
        // exactly once, here.
        unsafe {
            libc::munmap(self.ptr.cast(), self.len);
        }
    }
}

struct Region {
    iova: u64,
    size: u64,
    writable: bool,
    map: Option<Mapping>,
}

impl Region {
    fn end(&self) -> u64 {
        self.iova.saturating_add(self.size)
    }
}

/// Why a DMA access failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DmaError {
    /// No DMA region covers the address.
    Unmapped(u64),
    /// The region covering the address came without a file descriptor.
    NoFd(u64),
    /// The region covering the address is read-only.
    ReadOnly(u64),
    /// The device was removed; it does no DMA any more.
    Stopped,
}

impl fmt::Display for DmaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DmaError::Unmapped(a) => write!(f, "no DMA region maps bus address {a:#x}"),
            DmaError::Stopped => write!(f, "the device was removed; DMA stopped"),
            DmaError::NoFd(a) => write!(
                f,
                "DMA region at bus address {a:#x} came without a file descriptor \
                 (guest RAM must be memory-backend-memfd,share=on)"
            ),
            DmaError::ReadOnly(a) => write!(f, "DMA write to read-only region at {a:#x}"),
        }
    }
}

impl std::error::Error for DmaError {}

/// The table of DMA regions; cheap to clone and shareable with models and
/// their threads.
#[derive(Clone)]
pub struct DmaSpace {
    regions: Arc<RwLock<Vec<Region>>>,
    reported: Arc<Mutex<HashSet<(u8, u64)>>>,
    stopped: Arc<AtomicBool>,
    trace: Trace,
}

fn errno(code: i32) -> io::Error {
    io::Error::from_raw_os_error(code)
}

impl DmaSpace {
    /// An empty table.
    pub fn new(trace: Trace) -> Self {
        Self {
            regions: Arc::new(RwLock::new(Vec::new())),
            reported: Arc::new(Mutex::new(HashSet::new())),
            stopped: Arc::new(AtomicBool::new(false)),
            trace,
        }
    }

    /// Stops all DMA for good: the device was removed (fault injection).
    /// Every later access fails with [`DmaError::Stopped`].
    pub fn stop(&self) {
        self.stopped.store(true, Ordering::SeqCst);
    }

    /// Whether [`DmaSpace::stop`] was called: the device is gone.
    pub fn stopped(&self) -> bool {
        self.stopped.load(Ordering::SeqCst)
    }

    /// Handles DMA_MAP: `size` bytes at bus address `iova`, backed by `fd`
    /// from file offset `offset` if given.
    pub fn map(
        &self,
        writable: bool,
        offset: u64,
        iova: u64,
        size: u64,
        fd: Option<File>,
    ) -> io::Result<()> {
        let mut regions = self.regions.write().unwrap_or_else(|e| e.into_inner());
        let end = iova.checked_add(size).filter(|_| size > 0);
        let Some(end) = end else {
            self.trace.log(format!(
                "dma: refused empty or wrapping map {iova:#x}+{size:#x}"
            ));
            return Err(errno(libc::EINVAL));
        };
        if regions.iter().any(|r| iova < r.end() && r.iova < end) {
            self.trace.log(format!(
                "dma: refused map {iova:#x}..{end:#x}: overlaps a region"
            ));
            return Err(errno(libc::EEXIST));
        }
        let map = match fd {
            Some(fd) => Some(self.mmap(&fd, offset, size, writable)?),
            // Not an error yet: QEMU also offers ROM and device memory
            // this way. An access to it is reported (see `access`).
            None => None,
        };
        self.trace.trace(|| {
            format!(
                "dma: map {iova:#x}..{end:#x} offset {offset:#x} {} {}",
                if writable { "rw" } else { "ro" },
                if map.is_some() { "fd" } else { "no-fd" }
            )
        });
        regions.push(Region {
            iova,
            size,
            writable,
            map,
        });
        regions.sort_by_key(|r| r.iova);
        Ok(())
    }

    fn mmap(&self, fd: &File, offset: u64, size: u64, writable: bool) -> io::Result<Mapping> {
        let len = usize::try_from(size).map_err(|_| errno(libc::EINVAL))?;
        let off = libc::off_t::try_from(offset).map_err(|_| errno(libc::EINVAL))?;
        let prot = libc::PROT_READ | if writable { libc::PROT_WRITE } else { 0 };
        // SAFETY: a fresh shared mapping of a file the client gave us; the
        // kernel validates fd, length and offset, and we check the result.
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                prot,
                libc::MAP_SHARED,
                fd.as_raw_fd(),
                off,
            )
        };
        if ptr == libc::MAP_FAILED {
            let e = io::Error::last_os_error();
            self.trace.log(format!(
                "dma: mmap of {size:#x} bytes at offset {offset:#x} failed: {e}"
            ));
            return Err(e);
        }
        Ok(Mapping {
            ptr: ptr.cast(),
            len,
        })
    }

    /// Handles DMA_UNMAP: removes the regions inside `iova..iova+size`, or
    /// all regions if `all` is set.
    pub fn unmap(&self, all: bool, iova: u64, size: u64) -> io::Result<()> {
        let mut regions = self.regions.write().unwrap_or_else(|e| e.into_inner());
        if all {
            regions.clear();
            self.trace.trace(|| "dma: unmap all".to_string());
            return Ok(());
        }
        let end = iova.saturating_add(size);
        if regions
            .iter()
            .any(|r| r.iova < end && iova < r.end() && (r.iova < iova || r.end() > end))
        {
            self.trace.log(format!(
                "dma: refused unmap {iova:#x}..{end:#x}: splits a region"
            ));
            return Err(errno(libc::EINVAL));
        }
        regions.retain(|r| !(r.iova >= iova && r.end() <= end));
        self.trace
            .trace(|| format!("dma: unmap {iova:#x}..{end:#x}"));
        Ok(())
    }

    /// The mapped regions as (bus address, size, has fd).
    pub fn regions(&self) -> Vec<(u64, u64, bool)> {
        self.regions
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .map(|r| (r.iova, r.size, r.map.is_some()))
            .collect()
    }

    /// Whether DMA regions cover all of `addr..addr+len` (with or without a
    /// file descriptor).
    pub fn covers(&self, addr: u64, len: u64) -> bool {
        let Some(end) = addr.checked_add(len) else {
            return false;
        };
        let regions = self.regions.read().unwrap_or_else(|e| e.into_inner());
        let mut at = addr;
        while at < end {
            match regions.iter().find(|r| r.iova <= at && at < r.end()) {
                Some(r) => at = r.end(),
                None => return false,
            }
        }
        true
    }

    /// Reads guest memory at bus address `addr` into `buf`.
    pub fn read(&self, addr: u64, buf: &mut [u8]) -> Result<(), DmaError> {
        self.trace
            .trace(|| format!("dma R {addr:#x} len {:#x}", buf.len()));
        self.read_untraced(addr, buf)
    }

    /// Writes `buf` to guest memory at bus address `addr`.
    pub fn write(&self, addr: u64, buf: &[u8]) -> Result<(), DmaError> {
        self.trace
            .trace(|| format!("dma W {addr:#x} len {:#x}", buf.len()));
        self.write_untraced(addr, buf)
    }

    /// [`DmaSpace::read`] without its trace line, for callers that trace
    /// the access as part of something larger (a page-table walk).
    pub fn read_untraced(&self, addr: u64, buf: &mut [u8]) -> Result<(), DmaError> {
        let len = buf.len();
        let dst = buf.as_mut_ptr();
        self.access(addr, len, false, |src, done, n| {
            // SAFETY: `src` points at `n` mapped bytes (checked by
            // `access`); `dst + done .. + n` lies within `buf`.
            unsafe { std::ptr::copy_nonoverlapping(src, dst.add(done), n) }
        })
    }

    /// [`DmaSpace::write`] without its trace line.
    pub fn write_untraced(&self, addr: u64, buf: &[u8]) -> Result<(), DmaError> {
        let src = buf.as_ptr();
        self.access(addr, buf.len(), true, |dst, done, n| {
            // SAFETY: `dst` points at `n` mapped writable bytes (checked by
            // `access`); `src + done .. + n` lies within `buf`.
            unsafe { std::ptr::copy_nonoverlapping(src.add(done), dst, n) }
        })
    }

    /// Reads a little-endian `u32`.
    pub fn read_u32(&self, addr: u64) -> Result<u32, DmaError> {
        let mut b = [0; 4];
        self.read(addr, &mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    /// Writes a little-endian `u32`.
    pub fn write_u32(&self, addr: u64, v: u32) -> Result<(), DmaError> {
        self.write(addr, &v.to_le_bytes())
    }

    /// Walks the regions covering `addr..addr+len`, calling `copy(host
    /// pointer, bytes done, bytes in this piece)` for each piece.
    fn access(
        &self,
        addr: u64,
        len: usize,
        write: bool,
        mut copy: impl FnMut(*mut u8, usize, usize),
    ) -> Result<(), DmaError> {
        if self.stopped() {
            return Err(DmaError::Stopped);
        }
        let regions = self.regions.read().unwrap_or_else(|e| e.into_inner());
        let mut done = 0usize;
        while done < len {
            let at = addr.wrapping_add(done as u64);
            let r = regions
                .iter()
                .find(|r| r.iova <= at && at < r.end())
                .ok_or(DmaError::Unmapped(at))
                .map_err(|e| self.report(0, at, e))?;
            let Some(map) = &r.map else {
                return Err(self.report(1, r.iova, DmaError::NoFd(at)));
            };
            if write && !r.writable {
                return Err(self.report(2, r.iova, DmaError::ReadOnly(at)));
            }
            let off = (at - r.iova) as usize;
            let n = (len - done).min(map.len - off);
            // SAFETY: `off < map.len` because `at` lies in the region and
            // the region's size equals the mapping's length.
            let p = unsafe { map.ptr.add(off) };
            copy(p, done, n);
            done += n;
        }
        Ok(())
    }

    /// Logs `e` once per (kind, page or region), then returns it.
    fn report(&self, kind: u8, key: u64, e: DmaError) -> DmaError {
        let first = self
            .reported
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert((kind, key & !0xfff));
        if first {
            self.trace.log(format!("dma: {e}"));
        }
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_without_fd_fail_with_a_clear_error_once() {
        let trace = Trace::memory(false);
        let dma = DmaSpace::new(trace.clone());
        dma.map(true, 0, 0x1000, 0x1000, None).expect("map");
        assert_eq!(dma.read_u32(0x1800), Err(DmaError::NoFd(0x1800)));
        assert_eq!(dma.write_u32(0x1804, 1), Err(DmaError::NoFd(0x1804)));
        let lines = trace.lines();
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(lines[0].contains("without a file descriptor"));
    }

    #[test]
    fn overlapping_and_splitting_requests_are_refused() {
        let dma = DmaSpace::new(Trace::memory(false));
        dma.map(true, 0, 0x1000, 0x2000, None).expect("map");
        assert!(dma.map(true, 0, 0x2000, 0x1000, None).is_err());
        assert!(dma.map(true, 0, 0x0, 0, None).is_err());
        assert!(dma.unmap(false, 0x1000, 0x1000).is_err(), "half a region");
        dma.unmap(false, 0x0, 0x10000).expect("unmap");
        assert!(dma.regions().is_empty());
    }
}
