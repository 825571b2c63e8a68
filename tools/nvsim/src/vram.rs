//! Video memory: `--vram` bytes of sparse backing.
//!
//! The contents live in an anonymous memory file (`memfd_create`) of the
//! board's VRAM size. A memory file only takes host memory for the pages
//! that were written: a 24 GiB board whose driver touched a few pages
//! costs a few pages ([`Vram::backing_bytes`] measures it).
//!
//! nvsim maps the whole file once (shared, no reserve) and copies to and
//! from the mapping, so an engine's access costs a `memcpy`, not a system
//! call. Reading a never-written page of a shared memory-file mapping
//! would allocate it, so nvsim keeps a bitmap of the pages it wrote and
//! reads the others as zeroes without touching them. The same file can be
//! handed to the vfio-user client as the mmap backing of the BAR1
//! aperture ([`Vram::fd`], `--bar1-mmap`), so guest CPU accesses reach
//! VRAM at memory speed instead of one socket message each; pages the
//! client may have written behind nvsim's back (below
//! [`Vram::share_prefix`]) are always read through the mapping.
//!
//! If the file cannot be mapped, positional I/O (`pread`/`pwrite`, which
//! also leave holes alone) stands in; if it cannot be created, a map of
//! 4 KiB pages in nvsim's own memory (sparse as well, not shareable).
//!
//! Unwritten VRAM reads as zero. Accesses beyond the end read as zero and
//! drop writes (the caller reports them).

use std::collections::HashMap;
use std::fs::File;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
use std::os::unix::fs::FileExt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Page granularity of the written-pages bitmap and the fallback store.
const PAGE: u64 = 4096;

/// nvsim's shared mapping of the memory file.
struct Mapping {
    ptr: *mut u8,
    len: usize,
}

// SAFETY: the mapping is plain shared memory owned by this struct; it is
// only accessed through raw-pointer copies of ranges checked against
// `len`, never through Rust references, so it may move between threads.
unsafe impl Send for Mapping {}
// SAFETY: see `Send`; concurrent copies to and from shared memory are what
// memory does and create no Rust references.
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

struct FileStore {
    file: File,
    map: Option<Mapping>,
    /// One bit per page nvsim wrote.
    written: Box<[AtomicU64]>,
    /// Pages below this may be written by the client directly.
    shared_pages: AtomicU64,
}

impl FileStore {
    fn maybe_present(&self, page: u64) -> bool {
        if page < self.shared_pages.load(Ordering::Acquire) {
            return true;
        }
        self.written
            .get((page / 64) as usize)
            .is_some_and(|w| w.load(Ordering::Acquire) & (1 << (page % 64)) != 0)
    }

    fn mark(&self, page: u64) {
        if let Some(w) = self.written.get((page / 64) as usize) {
            w.fetch_or(1 << (page % 64), Ordering::Release);
        }
    }
}

enum Store {
    /// A sparse memory file of the VRAM size.
    File(FileStore),
    /// The fallback: written 4 KiB pages by page number.
    Pages(Mutex<HashMap<u64, Box<[u8]>>>),
}

/// Handle to the VRAM contents; cheap to clone and shareable with models
/// and their threads.
#[derive(Clone)]
pub struct Vram {
    size: u64,
    store: Arc<Store>,
}

fn memfd(size: u64) -> Option<File> {
    // SAFETY: creates a new anonymous memory file; the result is checked.
    let fd = unsafe { libc::memfd_create(c"nvsim-vram".as_ptr(), libc::MFD_CLOEXEC) };
    if fd < 0 {
        return None;
    }
    // SAFETY: `fd` is a fresh descriptor owned by nobody else.
    let file = File::from(unsafe { OwnedFd::from_raw_fd(fd) });
    // A memory file's size costs nothing until pages are written.
    file.set_len(size).ok()?;
    Some(file)
}

fn map(file: &File, size: u64) -> Option<Mapping> {
    let len = usize::try_from(size).ok().filter(|l| *l > 0)?;
    // SAFETY: a fresh shared mapping of a file we own; the kernel checks
    // the arguments and the result is checked.
    let ptr = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            len,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_SHARED | libc::MAP_NORESERVE,
            file.as_raw_fd(),
            0,
        )
    };
    (ptr != libc::MAP_FAILED).then(|| Mapping {
        ptr: ptr.cast(),
        len,
    })
}

impl Vram {
    /// `size` bytes of zeroed VRAM.
    pub fn new(size: u64) -> Self {
        let store = match memfd(size) {
            Some(file) => Store::File(FileStore {
                map: map(&file, size),
                file,
                written: (0..size.div_ceil(PAGE * 64))
                    .map(|_| AtomicU64::new(0))
                    .collect(),
                shared_pages: AtomicU64::new(0),
            }),
            None => Store::Pages(Mutex::new(HashMap::new())),
        };
        Self {
            size,
            store: Arc::new(store),
        }
    }

    /// The same, always in the fallback page map (for tests of the
    /// fallback itself).
    pub fn new_in_process(size: u64) -> Self {
        Self {
            size,
            store: Arc::new(Store::Pages(Mutex::new(HashMap::new()))),
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

    /// The part of `addr..addr+len` that lies inside VRAM, as a length.
    fn inside(&self, addr: u64, len: usize) -> usize {
        if addr >= self.size {
            return 0;
        }
        (len as u64).min(self.size - addr) as usize
    }

    /// Reads `buf.len()` bytes at `addr`; bytes beyond VRAM read as zero.
    pub fn read(&self, addr: u64, buf: &mut [u8]) {
        let n = self.inside(addr, buf.len());
        buf[n..].fill(0);
        let buf = &mut buf[..n];
        match &*self.store {
            Store::File(fs) => {
                let mut done = 0;
                while done < buf.len() {
                    let a = addr + done as u64;
                    let k = (PAGE - a % PAGE).min((buf.len() - done) as u64) as usize;
                    let dst = &mut buf[done..done + k];
                    if !fs.maybe_present(a / PAGE) {
                        dst.fill(0);
                    } else if let Some(m) = &fs.map {
                        // SAFETY: `a + k <= size == m.len` (checked by
                        // `inside`); `dst` is `k` bytes of `buf`.
                        unsafe {
                            std::ptr::copy_nonoverlapping(
                                m.ptr.add(a as usize),
                                dst.as_mut_ptr(),
                                k,
                            )
                        }
                    } else if fs.file.read_exact_at(dst, a).is_err() {
                        // Not expected for an in-range read of a memory
                        // file; VRAM that cannot be read reads as zero.
                        dst.fill(0);
                    }
                    done += k;
                }
            }
            Store::Pages(pages) => {
                let pages = pages.lock().unwrap_or_else(|e| e.into_inner());
                let mut done = 0;
                while done < buf.len() {
                    let a = addr + done as u64;
                    let off = (a % PAGE) as usize;
                    let k = (PAGE as usize - off).min(buf.len() - done);
                    let dst = &mut buf[done..done + k];
                    match pages.get(&(a / PAGE)) {
                        Some(p) => dst.copy_from_slice(&p[off..off + k]),
                        None => dst.fill(0),
                    }
                    done += k;
                }
            }
        }
    }

    /// Writes `data` at `addr`; bytes beyond VRAM are dropped.
    pub fn write(&self, addr: u64, data: &[u8]) {
        let n = self.inside(addr, data.len());
        let data = &data[..n];
        match &*self.store {
            Store::File(fs) => {
                match &fs.map {
                    // SAFETY: `addr + n <= size == m.len` (checked by
                    // `inside`); `data` is `n` bytes.
                    Some(m) => unsafe {
                        std::ptr::copy_nonoverlapping(data.as_ptr(), m.ptr.add(addr as usize), n)
                    },
                    // Only fails if the host runs out of memory; nothing
                    // better to do than to drop the write.
                    None => {
                        let _ = fs.file.write_all_at(data, addr);
                    }
                }
                if n > 0 {
                    for page in addr / PAGE..=(addr + n as u64 - 1) / PAGE {
                        fs.mark(page);
                    }
                }
            }
            Store::Pages(pages) => {
                let mut pages = pages.lock().unwrap_or_else(|e| e.into_inner());
                let mut done = 0;
                while done < data.len() {
                    let a = addr + done as u64;
                    let off = (a % PAGE) as usize;
                    let k = (PAGE as usize - off).min(data.len() - done);
                    let page = pages
                        .entry(a / PAGE)
                        .or_insert_with(|| vec![0; PAGE as usize].into_boxed_slice());
                    page[off..off + k].copy_from_slice(&data[done..done + k]);
                    done += k;
                }
            }
        }
    }

    /// Reads a little-endian `u32` at `addr`.
    pub fn read_u32(&self, addr: u64) -> u32 {
        let mut b = [0; 4];
        self.read(addr, &mut b);
        u32::from_le_bytes(b)
    }

    /// Writes a little-endian `u32` at `addr`.
    pub fn write_u32(&self, addr: u64, v: u32) {
        self.write(addr, &v.to_le_bytes());
    }

    /// Reads a little-endian `u64` at `addr`.
    pub fn read_u64(&self, addr: u64) -> u64 {
        let mut b = [0; 8];
        self.read(addr, &mut b);
        u64::from_le_bytes(b)
    }

    /// Writes a little-endian `u64` at `addr`.
    pub fn write_u64(&self, addr: u64, v: u64) {
        self.write(addr, &v.to_le_bytes());
    }

    /// Clears VRAM: every page returns to the host.
    pub fn clear(&self) {
        match &*self.store {
            Store::File(fs) => {
                for w in fs.written.iter() {
                    w.store(0, Ordering::Release);
                }
                let f = &fs.file;
                let Ok(len) = libc::off_t::try_from(self.size) else {
                    return;
                };
                // Punching keeps the size, so a client's mapping of the
                // file stays valid (truncating would make it fault).
                // SAFETY: plain fallocate on a descriptor we own.
                unsafe {
                    libc::fallocate(
                        f.as_raw_fd(),
                        libc::FALLOC_FL_PUNCH_HOLE | libc::FALLOC_FL_KEEP_SIZE,
                        0,
                        len,
                    );
                }
            }
            Store::Pages(pages) => pages.lock().unwrap_or_else(|e| e.into_inner()).clear(),
        }
    }

    /// Host memory holding VRAM contents now, in bytes: the memory file's
    /// allocated blocks, or the fallback's pages.
    pub fn backing_bytes(&self) -> u64 {
        match &*self.store {
            Store::File(FileStore { file: f, .. }) => {
                // SAFETY: `stat` is plain data, filled by fstat on our fd.
                let mut st: libc::stat = unsafe { std::mem::zeroed() };
                // SAFETY: `st` is a valid stat buffer, the fd is ours.
                if unsafe { libc::fstat(f.as_raw_fd(), &mut st) } != 0 {
                    return 0;
                }
                // st_blocks counts 512-byte units.
                u64::try_from(st.st_blocks).unwrap_or(0) * 512
            }
            Store::Pages(pages) => {
                pages.lock().unwrap_or_else(|e| e.into_inner()).len() as u64 * PAGE
            }
        }
    }

    /// The memory file behind VRAM (file offset = VRAM address), if VRAM
    /// lives in one: what a client maps for a directly mapped aperture.
    pub fn fd(&self) -> Option<BorrowedFd<'_>> {
        match &*self.store {
            Store::File(fs) => Some(fs.file.as_fd()),
            Store::Pages(_) => None,
        }
    }

    /// Declares that a client may write `0..len` of the memory file
    /// directly (a BAR1 mapping): nvsim then reads those pages through its
    /// mapping even if it never wrote them itself.
    pub fn share_prefix(&self, len: u64) {
        if let Store::File(fs) = &*self.store {
            fs.shared_pages
                .fetch_max(len.min(self.size).div_ceil(PAGE), Ordering::AcqRel);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn both(size: u64) -> [Vram; 2] {
        [Vram::new(size), Vram::new_in_process(size)]
    }

    #[test]
    fn reads_back_across_pages_and_ends() {
        for v in both(1 << 20) {
            assert!(v.fd().is_some() || v.backing_bytes() == 0);
            let data: Vec<u8> = (0..10_000u32).map(|i| i as u8).collect();
            v.write(0x0ff0, &data);
            let mut back = vec![0; data.len()];
            v.read(0x0ff0, &mut back);
            assert_eq!(back, data);
            // Beyond the end: dropped and zero.
            v.write((1 << 20) - 2, &[1, 2, 3, 4]);
            let mut b = [9u8; 4];
            v.read((1 << 20) - 2, &mut b);
            assert_eq!(b, [1, 2, 0, 0]);
            assert_eq!(v.read_u32(u64::MAX - 1), 0);
            v.write_u64(0x100, 0x1122_3344_5566_7788);
            assert_eq!(v.read_u64(0x100), 0x1122_3344_5566_7788);
            assert_eq!(v.read_u32(0x104), 0x1122_3344);
            v.clear();
            assert_eq!(v.read_u64(0x100), 0);
            assert_eq!(v.backing_bytes(), 0);
        }
    }

    #[test]
    fn unwritten_reads_take_no_memory() {
        for v in both(64 << 30) {
            let mut buf = vec![1u8; 1 << 20];
            v.read(40 << 30, &mut buf);
            assert!(buf.iter().all(|&b| b == 0));
            assert_eq!(v.backing_bytes(), 0);
            v.write(63 << 30, &[1]);
            // One page (a 2 MiB one if the host backs memory files with
            // huge pages).
            let used = v.backing_bytes();
            assert!((PAGE..=2 << 20).contains(&used), "{used}");
        }
    }
}
