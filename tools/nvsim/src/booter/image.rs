//! The booter firmware files (`booter_load`/`booter_unload`) as NVIDIA
//! ships them, parsed from the facts in nouveau `include/nvfw/{fw,hs}.h`
//! and `nvkm/falcon/fw.c` (`nvkm_falcon_fw_ctor_hs_v2`):
//!
//! * `nvfw_bin_hdr` (u32 magic 0x10de, version, size, header offset, data
//!   offset, data size); the image is the data;
//! * at the header offset `nvfw_hs_header_v2`: signature offset and total
//!   size, then the file offsets of the u32 patch location (an image
//!   offset), the u32 signature base (added to the signature offset), the
//!   metadata (u32 fuse version, engine id mask, ucode id), the u32
//!   signature count, and the load header;
//! * `nvfw_hs_load_header_v2`: OS code offset and size, OS data offset and
//!   size, application count, then (offset, size) of each application.

use std::path::Path;

use crate::gbl::FW_VERSION;

/// A parsed booter file.
#[derive(Debug, Clone)]
pub struct BooterImage {
    /// The image (the file's data).
    pub image: Vec<u8>,
    /// Image offset where the signature is patched.
    pub sig_loc: u32,
    /// The signatures, in file order.
    pub sigs: Vec<Vec<u8>>,
    /// Fuse version the newest signature is for.
    pub fuse_ver: u32,
    /// Engine id mask.
    pub engine_id: u32,
    /// Ucode id.
    pub ucode_id: u32,
    /// OS (non-secure) code offset and size.
    pub os_code: (u32, u32),
    /// OS data offset and size.
    pub os_data: (u32, u32),
    /// First application's code offset and size.
    pub app0: (u32, u32),
}

fn le32(b: &[u8], at: u32) -> Result<u32, String> {
    let at = at as usize;
    b.get(at..at + 4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
        .ok_or_else(|| format!("offset {at:#x} outside the file"))
}

fn slice(b: &[u8], off: u32, len: u32, what: &str) -> Result<Vec<u8>, String> {
    let (o, l) = (off as usize, len as usize);
    b.get(o..o.saturating_add(l))
        .map(<[u8]>::to_vec)
        .ok_or_else(|| format!("{what} {off:#x}+{len:#x} out of range"))
}

impl BooterImage {
    /// Parses a booter file.
    pub fn parse(f: &[u8]) -> Result<Self, String> {
        if le32(f, 0)? != 0x10de {
            return Err("bad bin_hdr magic".into());
        }
        let (hdr, data_off, data_size) = (le32(f, 12)?, le32(f, 16)?, le32(f, 20)?);
        let image = slice(f, data_off, data_size, "image")?;
        let h = |i: u32| le32(f, hdr.wrapping_add(4 * i));
        let (sig_off, sig_total) = (h(0)?, h(1)?);
        let sig_loc = le32(f, h(2)?)?;
        let sig_base = le32(f, h(3)?)?;
        let meta = h(4)?;
        let count = le32(f, h(6)?)?;
        let load = h(7)?;
        if count == 0 || count > 16 || sig_total % count != 0 {
            return Err(format!(
                "signature count {count} does not divide {sig_total:#x} bytes"
            ));
        }
        let size = sig_total / count;
        let sigs = (0..count)
            .map(|i| {
                let at = sig_off
                    .checked_add(sig_base)
                    .and_then(|o| o.checked_add(i * size))
                    .ok_or("signature offset overflows")?;
                slice(f, at, size, "signature")
            })
            .collect::<Result<Vec<_>, _>>()?;
        let l = |i: u32| le32(f, load.wrapping_add(4 * i));
        if l(4)? == 0 {
            return Err("no application in the load header".into());
        }
        Ok(Self {
            image,
            sig_loc,
            sigs,
            fuse_ver: le32(f, meta)?,
            engine_id: le32(f, meta.wrapping_add(4))?,
            ucode_id: le32(f, meta.wrapping_add(8))?,
            os_code: (l(0)?, l(1)?),
            os_data: (l(2)?, l(3)?),
            app0: (l(5)?, l(6)?),
        })
    }

    /// Loads `nvidia/<chip>/gsp/<name>-<version>.bin` below `dir`.
    pub fn load(dir: &Path, chip: &str, name: &str) -> Result<Self, String> {
        let path = dir
            .join("nvidia")
            .join(chip)
            .join("gsp")
            .join(format!("{name}-{FW_VERSION}.bin"));
        let data = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        Self::parse(&data).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Image bytes `off..off+len`, if inside the image.
    pub fn part(&self, off: u32, len: u32) -> Option<&[u8]> {
        self.image
            .get(off as usize..(off as usize).checked_add(len as usize)?)
    }

    /// DMEM offset of the signature slot.
    pub fn sig_dmem_offset(&self) -> Option<u32> {
        self.sig_loc.checked_sub(self.os_data.0)
    }

    /// The signature a falcon whose fuses require `version` accepts: the
    /// last one if no fuse is blown, else the one `fuse_ver - version`
    /// places from the newest (nova-core `firmware/booter.rs`).
    pub fn signature_for(&self, version: u32) -> Option<&[u8]> {
        let idx = if version == 0 {
            self.sigs.len().checked_sub(1)?
        } else {
            self.fuse_ver.checked_sub(version)? as usize
        };
        self.sigs.get(idx).map(Vec::as_slice)
    }
}

/// Builds a booter file (for tests): `image` with `sigs` of `sig_size`
/// bytes each, patched at `sig_loc`, OS code/data and one application.
pub fn make_file(
    image: &[u8],
    sigs: &[Vec<u8>],
    sig_loc: u32,
    meta: [u32; 3],
    os_code: (u32, u32),
    os_data: (u32, u32),
    app0: (u32, u32),
) -> Vec<u8> {
    let mut f = vec![0u8; 0x100];
    let put = |f: &mut Vec<u8>, at: usize, v: u32| f[at..at + 4].copy_from_slice(&v.to_le_bytes());
    let sig_size: u32 = sigs.iter().map(|s| s.len() as u32).sum();
    let sig_off = 0x100u32;
    let data_off = sig_off + sig_size;
    for (i, v) in [0x10de, 1, 0, 0x18, data_off, image.len() as u32]
        .into_iter()
        .enumerate()
    {
        put(&mut f, 4 * i, v);
    }
    // hs_header_v2 at 0x18; its values at 0x40..
    for (i, v) in [sig_off, sig_size, 0x40, 0x44, 0x48, 12, 0x54, 0x58, 0x1c]
        .into_iter()
        .enumerate()
    {
        put(&mut f, 0x18 + 4 * i, v);
    }
    put(&mut f, 0x40, sig_loc);
    put(&mut f, 0x44, 0);
    for (i, v) in meta.into_iter().enumerate() {
        put(&mut f, 0x48 + 4 * i, v);
    }
    put(&mut f, 0x54, sigs.len() as u32);
    for (i, v) in [
        os_code.0, os_code.1, os_data.0, os_data.1, 1, app0.0, app0.1,
    ]
    .into_iter()
    .enumerate()
    {
        put(&mut f, 0x58 + 4 * i, v);
    }
    for s in sigs {
        f.extend_from_slice(s);
    }
    f.extend_from_slice(image);
    let total = f.len() as u32;
    put(&mut f, 8, total);
    f
}
