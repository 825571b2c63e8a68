//! What `booter_load` verifies of GSP-RM before starting it: the GSP-RM
//! image the driver mapped through radix3 page tables, and the GSP
//! bootloader, both against the real files under `--firmware`.
//!
//! Radix3 (nova-core `firmware/gsp.rs`; nouveau
//! `nvkm/subdev/gsp/rm/r535/gsp.c`): the WPR metadata's
//! `sysmemAddrOfRadix3Elf` is the bus address of the level-0 page; its
//! entries (little-endian u64 bus addresses, 512 per 4 KiB page) point to
//! the level-1 pages, whose entries point to the level-2 pages, whose
//! entries point to the image's pages in order. `sizeOfRadix3Elf` bytes
//! are mapped; the image is the `.fwimage` section of
//! `nvidia/<chip>/gsp/gsp-570.144.bin` (an ELF64 file).
//!
//! The bootloader (`sysmemAddrOfBootloader`, `sizeOfBootloader`) is the
//! payload of `bootloader-570.144.bin`: the file starts with `nvfw_bin_hdr`
//! (u32 magic 0x10de, version, size, header offset, data offset at 0x10,
//! data size at 0x14; nouveau `include/nvfw/fw.h`).
//!
//! The image is compared by a 64-bit hash computed while walking the page
//! tables; the expected hash is computed once per process and file (path,
//! size and modification time; shared by every [`GspFiles`] of that file),
//! in the background as soon as the GPU is created ([`GspFiles::prefetch`])
//! so that the first `booter_load` does not pay for reading the 60 MB
//! file. On a mismatch the file is read again to name the first differing
//! byte.
//!
//! On FSP chips the FMC also checks GSP-RM's signature
//! (`sysmemAddrOfSignature`, `sizeOfSignature`: the chip's
//! `.fwsignature_<gh100|gb10x|gb20x>` section of the same ELF file, 4 KiB,
//! facts section 3.4; [`GspFiles::verify_signature`]) and the bootloader's
//! code, data and manifest offsets against the `RM_RISCV_UCODE_DESC` the
//! bootloader file's `nvfw_bin_hdr` points to (header offset at 0x0c;
//! in the descriptor: 0x20 manifestOffset, 0x28 monitorDataOffset, 0x30
//! monitorCodeOffset; OpenRM `rmRiscvUcode.h`, nova-core
//! `firmware/riscv.rs`; [`GspFiles::bootloader_offsets`]).

use std::collections::HashMap;
use std::fs;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use crate::dma::DmaSpace;
use crate::gbl::FW_VERSION;
use crate::le::{le16, le32, le64};

const PAGE: u64 = 0x1000;

/// A streaming 64-bit hash of a byte sequence (not cryptographic: it
/// detects a wrong or damaged image, it does not authenticate one). Four
/// independent lanes take a 32-byte block at a time, so the multiply
/// chains run in parallel.
#[derive(Debug, Clone)]
pub struct Hasher {
    lanes: [u64; 4],
    len: u64,
    tail: Vec<u8>,
}

const BLOCK: usize = 32;

fn mix(h: u64, w: u64) -> u64 {
    (h ^ w.wrapping_mul(0x9e37_79b9_7f4a_7c15))
        .rotate_left(29)
        .wrapping_mul(0xbf58_476d_1ce4_e5b9)
}

impl Default for Hasher {
    fn default() -> Self {
        Self::new()
    }
}

impl Hasher {
    /// An empty hash.
    pub fn new() -> Self {
        Self {
            lanes: [
                0x243f_6a88_85a3_08d3,
                0x1319_8a2e_0370_7344,
                0xa409_3822_299f_31d0,
                0x082e_fa98_ec4e_6c89,
            ],
            len: 0,
            tail: Vec::with_capacity(BLOCK),
        }
    }

    fn block(&mut self, b: &[u8]) {
        let w = |i: usize| {
            let mut x = [0u8; 8];
            x.copy_from_slice(&b[8 * i..8 * i + 8]);
            u64::from_le_bytes(x)
        };
        let [a, c, d, e] = self.lanes;
        self.lanes = [mix(a, w(0)), mix(c, w(1)), mix(d, w(2)), mix(e, w(3))];
    }

    /// Adds `data`.
    pub fn update(&mut self, mut data: &[u8]) {
        self.len += data.len() as u64;
        if !self.tail.is_empty() {
            let n = (BLOCK - self.tail.len()).min(data.len());
            self.tail.extend_from_slice(&data[..n]);
            data = &data[n..];
            if self.tail.len() < BLOCK {
                return;
            }
            let t = std::mem::take(&mut self.tail);
            self.block(&t);
            self.tail = t;
            self.tail.clear();
        }
        let mut chunks = data.chunks_exact(BLOCK);
        for c in &mut chunks {
            self.block(c);
        }
        self.tail.extend_from_slice(chunks.remainder());
    }

    /// The hash of everything added.
    pub fn finish(mut self) -> u64 {
        let mut last = [0u8; BLOCK];
        last[..self.tail.len()].copy_from_slice(&self.tail);
        self.block(&last);
        let mut h = self.len;
        for l in self.lanes {
            h = mix(h, l);
        }
        h ^ (h >> 31)
    }
}

/// The hash of `data`.
pub fn hash(data: &[u8]) -> u64 {
    let mut h = Hasher::new();
    h.update(data);
    h.finish()
}

/// File offset and size of section `name` of the ELF64 file `f`.
pub fn elf_section(f: &[u8], name: &str) -> Result<(usize, usize), String> {
    if f.get(..4) != Some(b"\x7fELF".as_slice()) || f.get(4) != Some(&2) || f.get(5) != Some(&1) {
        return Err("not a little-endian ELF64 file".into());
    }
    let bad = || "ELF header truncated".to_string();
    let shoff = le64(f, 0x28).ok_or_else(bad)? as usize;
    let shentsize = usize::from(le16(f, 0x3a).ok_or_else(bad)?);
    let shnum = usize::from(le16(f, 0x3c).ok_or_else(bad)?);
    let shstrndx = usize::from(le16(f, 0x3e).ok_or_else(bad)?);
    if shentsize < 0x40 || shstrndx >= shnum {
        return Err("bad section header table".into());
    }
    let sh = |i: usize, at: usize| -> Result<u64, String> {
        let o = shoff + i * shentsize + at;
        if at == 0 {
            le32(f, o).map(u64::from)
        } else {
            le64(f, o)
        }
        .ok_or_else(|| format!("section header {i} outside the file"))
    };
    let strtab = sh(shstrndx, 0x18)? as usize;
    for i in 0..shnum {
        let n = strtab + sh(i, 0)? as usize;
        let s = f.get(n..).ok_or("section name outside the file")?;
        let end = s.iter().position(|b| *b == 0).unwrap_or(s.len());
        if &s[..end] == name.as_bytes() {
            let (off, size) = (sh(i, 0x18)? as usize, sh(i, 0x20)? as usize);
            if off.checked_add(size).is_none_or(|e| e > f.len()) {
                return Err(format!("section {name} outside the file"));
            }
            return Ok((off, size));
        }
    }
    Err(format!("no {name} section"))
}

/// A minimal ELF64 file with one section `.fwimage` holding `image` (for
/// tests).
pub fn make_elf(image: &[u8]) -> Vec<u8> {
    make_elf_with(&[(".fwimage", image)])
}

/// A minimal ELF64 file with the sections `sections` (name, contents), in
/// order, then `.shstrtab` (for tests).
pub fn make_elf_with(sections: &[(&str, &[u8])]) -> Vec<u8> {
    let mut names = vec![0u8];
    let mut name_at = Vec::new();
    for (n, _) in sections.iter().copied().chain([(".shstrtab", &[][..])]) {
        name_at.push(names.len() as u32);
        names.extend_from_slice(n.as_bytes());
        names.push(0);
    }
    let mut f = vec![0u8; 0x40];
    let mut heads = vec![(0u32, 0usize, 0usize)];
    for (i, (_, data)) in sections.iter().enumerate() {
        heads.push((name_at[i], f.len(), data.len()));
        f.extend_from_slice(data);
    }
    heads.push((name_at[sections.len()], f.len(), names.len()));
    f.extend_from_slice(&names);
    let shoff = f.len().next_multiple_of(8);
    f.resize(shoff, 0);
    for (name, off, size) in &heads {
        let mut h = [0u8; 0x40];
        h[..4].copy_from_slice(&name.to_le_bytes());
        h[4..8].copy_from_slice(&u32::from(*off != 0).to_le_bytes());
        h[0x18..0x20].copy_from_slice(&(*off as u64).to_le_bytes());
        h[0x20..0x28].copy_from_slice(&(*size as u64).to_le_bytes());
        f.extend_from_slice(&h);
    }
    f[..4].copy_from_slice(b"\x7fELF");
    f[4] = 2;
    f[5] = 1;
    f[6] = 1;
    f[0x28..0x30].copy_from_slice(&(shoff as u64).to_le_bytes());
    f[0x3a..0x3c].copy_from_slice(&0x40u16.to_le_bytes());
    f[0x3c..0x3e].copy_from_slice(&(heads.len() as u16).to_le_bytes());
    f[0x3e..0x40].copy_from_slice(&((heads.len() - 1) as u16).to_le_bytes());
    f
}

/// Section `name` of the ELF64 file at `path`, read without reading the
/// rest of the (60 MB) file.
pub fn read_elf_section(path: &Path, name: &str) -> Result<Vec<u8>, String> {
    let p = path.display();
    let mut file = fs::File::open(path).map_err(|e| format!("cannot read {p}: {e}"))?;
    let mut at = |off: u64, len: usize| -> Result<Vec<u8>, String> {
        let mut b = vec![0u8; len];
        file.seek(SeekFrom::Start(off))
            .and_then(|_| file.read_exact(&mut b))
            .map_err(|e| format!("{p}: {len:#x} bytes at {off:#x}: {e}"))?;
        Ok(b)
    };
    let h = at(0, 0x40)?;
    if h[..4] != *b"\x7fELF" || h[4] != 2 || h[5] != 1 {
        return Err(format!("{p}: not a little-endian ELF64 file"));
    }
    let shoff = le64(&h, 0x28).unwrap_or(0);
    let shentsize = usize::from(le16(&h, 0x3a).unwrap_or(0));
    let shnum = usize::from(le16(&h, 0x3c).unwrap_or(0));
    let shstrndx = usize::from(le16(&h, 0x3e).unwrap_or(0));
    if shentsize < 0x40 || shstrndx >= shnum {
        return Err(format!("{p}: bad section header table"));
    }
    let table = at(shoff, shnum * shentsize)?;
    let field = |i: usize, o: usize| le64(&table, i * shentsize + o).unwrap_or(0);
    let strtab = at(field(shstrndx, 0x18), field(shstrndx, 0x20) as usize)?;
    for i in 0..shnum {
        let n = le32(&table, i * shentsize).unwrap_or(0) as usize;
        let s = strtab.get(n..).unwrap_or_default();
        let end = s.iter().position(|b| *b == 0).unwrap_or(s.len());
        if &s[..end] == name.as_bytes() {
            return at(field(i, 0x18), field(i, 0x20) as usize);
        }
    }
    Err(format!("{p}: no {name} section"))
}

/// What the real image should look like.
#[derive(Debug, Clone)]
struct Expected {
    size: u64,
    hash: u64,
}

/// The expected hash of an image file, computed once.
type Slot = Arc<Mutex<Option<Result<Expected, String>>>>;
/// An image file: path, size, modification time.
type FileKey = (PathBuf, u64, Option<std::time::SystemTime>);

/// The slot of the image file at `path`, shared by every [`GspFiles`] of
/// the process that names the same file (path, size, modification time);
/// a file that cannot be examined gets a slot of its own.
fn shared_slot(path: &Path) -> Slot {
    static SLOTS: OnceLock<Mutex<HashMap<FileKey, Slot>>> = OnceLock::new();
    let Ok(md) = fs::metadata(path) else {
        return Slot::default();
    };
    let key = (path.to_path_buf(), md.len(), md.modified().ok());
    let mut m = SLOTS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    m.entry(key).or_default().clone()
}

/// The GSP-RM files of one chip and the cached facts about them.
pub struct GspFiles {
    image_path: PathBuf,
    bootloader_path: PathBuf,
    /// Shared with the prefetching thread, which holds the lock while it
    /// computes, and with the other [`GspFiles`] of the same file.
    expected: Slot,
    bootloader: Option<Bootloader>,
    signatures: HashMap<String, Result<Vec<u8>, String>>,
}

/// What [`GspFiles`] takes from the bootloader file, read once.
struct Bootloader {
    /// The payload (`nvfw_bin_hdr` data offset and size).
    payload: Result<Vec<u8>, String>,
    /// The descriptor's code, data and manifest offsets, if it has one.
    offsets: Option<[u64; 3]>,
}

/// The code, data and manifest offsets of the `RM_RISCV_UCODE_DESC` the
/// header of the bootloader file `f` points to; `None` if there is none.
fn descriptor_offsets(f: &[u8]) -> Option<[u64; 3]> {
    let desc = le32(f, 0x0c)? as usize;
    if desc == 0 || le32(f, 0x10)? as usize <= desc + 0x34 {
        return None;
    }
    let at = |o: usize| le32(f, desc + o).map(u64::from);
    Some([at(0x30)?, at(0x28)?, at(0x20)?])
}

/// Walks the radix3 tables at `level0` for `size` bytes; calls `page(index,
/// bus address, bytes in it)` for each image page in order.
pub fn walk_radix3(
    dma: &DmaSpace,
    level0: u64,
    size: u64,
    mut page: impl FnMut(u64, u64, usize) -> Result<(), String>,
) -> Result<(u64, u64, u64), String> {
    if size == 0 {
        return Err("the image size is 0".into());
    }
    let pages = size.div_ceil(PAGE);
    let l2_pages = pages.div_ceil(512);
    let l1_pages = l2_pages.div_ceil(512);
    if l1_pages > 512 {
        return Err(format!("{size:#x} bytes need more than one level-0 page"));
    }
    let entries = |addr: u64, what: &str| -> Result<Vec<u64>, String> {
        if addr == 0 || !addr.is_multiple_of(PAGE) {
            return Err(format!("{what} address {addr:#x} is not a page address"));
        }
        let mut b = vec![0u8; PAGE as usize];
        dma.read(addr, &mut b)
            .map_err(|e| format!("{what} at {addr:#x}: {e}"))?;
        Ok(b.chunks(8)
            .map(|c| {
                let mut w = [0u8; 8];
                w.copy_from_slice(c);
                u64::from_le_bytes(w)
            })
            .collect())
    };
    let l0 = entries(level0, "level-0 page")?;
    let mut n = 0u64;
    for (i1, &l1) in l0.iter().take(l1_pages as usize).enumerate() {
        let l1e = entries(l1, &format!("level-1 page {i1}"))?;
        for (j, &l2) in l1e.iter().enumerate() {
            let i2 = i1 as u64 * 512 + j as u64;
            if i2 >= l2_pages {
                break;
            }
            let l2e = entries(l2, &format!("level-2 page {i2}"))?;
            for &data in &l2e {
                if n >= pages {
                    break;
                }
                if data == 0 || !data.is_multiple_of(PAGE) {
                    return Err(format!(
                        "level-2 entry for image page {n} is {data:#x}, not a page address"
                    ));
                }
                let len = (size - n * PAGE).min(PAGE) as usize;
                page(n, data, len)?;
                n += 1;
            }
        }
    }
    Ok((l1_pages, l2_pages, pages))
}

impl GspFiles {
    /// The files of `chip` under `dir`; nothing is read yet.
    pub fn new(dir: &Path, chip: &str) -> Self {
        let gsp = dir.join("nvidia").join(chip).join("gsp");
        let image_path = gsp.join(format!("gsp-{FW_VERSION}.bin"));
        Self {
            expected: shared_slot(&image_path),
            image_path,
            bootloader_path: gsp.join(format!("bootloader-{FW_VERSION}.bin")),
            bootloader: None,
            signatures: HashMap::new(),
        }
    }

    /// Computes the expected image hash in a background thread, if the
    /// image file exists (a `booter_load` that comes first waits for it).
    pub fn prefetch(&self) {
        if !self.image_path.exists() {
            return;
        }
        let (slot, path) = (self.expected.clone(), self.image_path.clone());
        // Without the thread the hash is computed when first needed.
        let _ = std::thread::Builder::new()
            .name("nvsim-gsp-hash".into())
            .spawn(move || {
                let mut g = slot.lock().unwrap_or_else(|e| e.into_inner());
                if g.is_none() {
                    *g = Some(Self::compute(&path));
                }
            });
    }

    fn read_image_at(path: &Path) -> Result<Vec<u8>, String> {
        let f = fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let (off, size) =
            elf_section(&f, ".fwimage").map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(f[off..off + size].to_vec())
    }

    fn read_image(&self) -> Result<Vec<u8>, String> {
        Self::read_image_at(&self.image_path)
    }

    fn compute(path: &Path) -> Result<Expected, String> {
        Self::read_image_at(path).map(|img| Expected {
            size: img.len() as u64,
            hash: hash(&img),
        })
    }

    fn expected(&mut self) -> Result<Expected, String> {
        let mut g = self.expected.lock().unwrap_or_else(|e| e.into_inner());
        g.get_or_insert_with(|| Self::compute(&self.image_path))
            .clone()
    }

    /// Verifies the GSP-RM image mapped at `level0` (`size` bytes).
    pub fn verify_image(
        &mut self,
        dma: &DmaSpace,
        level0: u64,
        size: u64,
    ) -> Result<String, String> {
        let want = self.expected()?;
        if size != want.size {
            return Err(format!(
                "GSP-RM image size {size:#x}, the .fwimage of {} is {:#x}",
                self.image_path.display(),
                want.size
            ));
        }
        let mut h = Hasher::new();
        let mut buf = vec![0u8; PAGE as usize];
        let (l1, l2, pages) = walk_radix3(dma, level0, size, |n, addr, len| {
            dma.read(addr, &mut buf[..len])
                .map_err(|e| format!("image page {n} at {addr:#x}: {e}"))?;
            h.update(&buf[..len]);
            Ok(())
        })?;
        if h.finish() != want.hash {
            return Err(self.first_difference(dma, level0, size));
        }
        Ok(format!(
            "GSP-RM image verified through radix3 at {level0:#x}: {l1} level-1, {l2} level-2, \
             {pages} data pages, {size:#x} bytes match {}",
            self.image_path.display()
        ))
    }

    fn first_difference(&self, dma: &DmaSpace, level0: u64, size: u64) -> String {
        let img = match self.read_image() {
            Ok(i) => i,
            Err(e) => return format!("GSP-RM image differs from the file ({e})"),
        };
        let mut buf = vec![0u8; PAGE as usize];
        let mut found = None;
        let r = walk_radix3(dma, level0, size, |n, addr, len| {
            if found.is_some() {
                return Ok(());
            }
            dma.read(addr, &mut buf[..len]).map_err(|e| e.to_string())?;
            let base = (n * PAGE) as usize;
            if let Some(i) = (0..len).find(|i| img.get(base + i) != Some(&buf[*i])) {
                found = Some((n, addr, base + i));
            }
            Ok(())
        });
        match (r, found) {
            (_, Some((n, addr, at))) => format!(
                "GSP-RM image differs from the .fwimage of {} at offset {at:#x} (image page {n}, \
                 bus address {addr:#x})",
                self.image_path.display()
            ),
            (Err(e), None) => format!("GSP-RM image: {e}"),
            (Ok(_), None) => "GSP-RM image hash mismatch".into(),
        }
    }

    /// Reads the bootloader file at `p`: its payload and its descriptor's
    /// offsets.
    fn read_bootloader(p: &Path) -> Bootloader {
        let f = match fs::read(p) {
            Ok(f) => f,
            Err(e) => {
                return Bootloader {
                    payload: Err(format!("cannot read {}: {e}", p.display())),
                    offsets: None,
                }
            }
        };
        let payload = if le32(&f, 0) != Some(0x10de) {
            Err(format!("{}: bad bin_hdr magic", p.display()))
        } else {
            let off = le32(&f, 16).unwrap_or(0) as usize;
            let len = le32(&f, 20).unwrap_or(0) as usize;
            f.get(off..off.saturating_add(len))
                .map(<[u8]>::to_vec)
                .ok_or_else(|| format!("{}: payload outside the file", p.display()))
        };
        Bootloader {
            payload,
            offsets: descriptor_offsets(&f),
        }
    }

    /// The bootloader file, read once.
    fn bootloader_file(&mut self) -> &Bootloader {
        self.bootloader
            .get_or_insert_with(|| Self::read_bootloader(&self.bootloader_path))
    }

    fn bootloader(&mut self) -> Result<Vec<u8>, String> {
        self.bootloader_file().payload.clone()
    }

    /// Verifies the bootloader at bus address `addr` (`size` bytes) and its
    /// code/data/manifest offsets.
    pub fn verify_bootloader(
        &mut self,
        dma: &DmaSpace,
        addr: u64,
        size: u64,
        offsets: [u64; 3],
    ) -> Result<String, String> {
        let want = self.bootloader()?;
        if size != want.len() as u64 {
            return Err(format!(
                "bootloader size {size:#x}, the payload of {} is {:#x}",
                self.bootloader_path.display(),
                want.len()
            ));
        }
        let mut got = vec![0u8; want.len()];
        dma.read(addr, &mut got)
            .map_err(|e| format!("bootloader at {addr:#x}: {e}"))?;
        if let Some(i) = (0..got.len()).find(|i| got[*i] != want[*i]) {
            return Err(format!(
                "bootloader differs from {} at offset {i:#x}",
                self.bootloader_path.display()
            ));
        }
        for (what, o) in ["code", "data", "manifest"].iter().zip(offsets) {
            if o >= size {
                return Err(format!(
                    "bootloader {what} offset {o:#x} beyond its {size:#x} bytes"
                ));
            }
        }
        Ok(format!(
            "bootloader verified ({size:#x} bytes at {addr:#x})"
        ))
    }

    /// The bootloader's code, data and manifest offsets from the
    /// `RM_RISCV_UCODE_DESC` its file's header points to (module
    /// documentation), read with the payload; `None` if the file cannot be
    /// read or has no descriptor there.
    pub fn bootloader_offsets(&mut self) -> Option<[u64; 3]> {
        self.bootloader_file().offsets
    }

    /// Verifies GSP-RM's signature at bus address `addr` (`size` bytes)
    /// against the section `section` of the image file.
    pub fn verify_signature(
        &mut self,
        dma: &DmaSpace,
        addr: u64,
        size: u64,
        section: &str,
    ) -> Result<String, String> {
        let path = self.image_path.clone();
        let want = self
            .signatures
            .entry(section.to_string())
            .or_insert_with(|| read_elf_section(&path, section))
            .clone()?;
        if size != want.len() as u64 {
            return Err(format!(
                "GSP-RM signature size {size:#x}, the {section} section of {} is {:#x}",
                path.display(),
                want.len()
            ));
        }
        let mut got = vec![0u8; want.len()];
        dma.read(addr, &mut got)
            .map_err(|e| format!("GSP-RM signature at {addr:#x}: {e}"))?;
        if let Some(i) = (0..got.len()).find(|i| got[*i] != want[*i]) {
            return Err(format!(
                "GSP-RM signature at {addr:#x} differs from the {section} section of {} at \
                 offset {i:#x}",
                path.display()
            ));
        }
        Ok(format!(
            "GSP-RM signature verified ({section}, {size:#x} bytes at {addr:#x})"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_streaming() {
        let data: Vec<u8> = (0..10_000u32).map(|i| (i * 7) as u8).collect();
        let mut h = Hasher::new();
        for c in data.chunks(333) {
            h.update(c);
        }
        assert_eq!(h.finish(), hash(&data));
        let mut other = data.clone();
        other[5000] ^= 1;
        assert_ne!(hash(&other), hash(&data));
        assert_ne!(hash(&data[..9999]), hash(&data));
    }

    #[test]
    fn elf_round_trip() {
        let img = vec![0xabu8; 1234];
        let f = make_elf(&img);
        let (off, size) = elf_section(&f, ".fwimage").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(&f[off..off + size], img.as_slice());
        assert!(elf_section(&f, ".nope").is_err());
        assert!(elf_section(&f[..10], ".fwimage").is_err());
    }
}
