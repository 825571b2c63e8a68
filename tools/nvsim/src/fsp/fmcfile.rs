//! The FMC file the FSP checks a COT against: `nvidia/<chip>/gsp/
//! fmc-570.144.bin` under `--firmware` (`docs/fsp-facts.md` section 6.1).
//!
//! The file is an ELF32 little-endian file whose section headers name four
//! data sections: `hash` (48 bytes: SHA-384 of `image`), `signature` (384
//! bytes RSA-3072-PSS on GH100, 96 bytes ECDSA P-384 r||s on GB10x/GB20x),
//! `publickey` (384 / 97 bytes) and `image` (the FMC image the driver puts
//! in guest memory). nova-core takes the same four values from `fmc.tlv`
//! (`BLOB`, `HASH`, `PKEY`, `SIGN`), made from these sections by `nvfw tlv`
//! (facts section 3.1). ELF32 section header (System V gABI): 40 bytes,
//! `sh_name` at 0, `sh_offset` at 0x10, `sh_size` at 0x14; the ELF header's
//! `e_shoff` at 0x20, `e_shentsize` at 0x2e, `e_shnum` at 0x30,
//! `e_shstrndx` at 0x32.
//!
//! nvsim does not verify the signature itself (no RSA or ECDSA here): the
//! FSP's fused key is this file's `publickey`, and a COT whose key,
//! signature and hash are the file's and whose image is the file's image,
//! whose SHA-384 is the file's `hash`, is accepted (`cot.rs`).

use std::fs;
use std::path::{Path, PathBuf};

use super::sha384::{sha384, DIGEST};
use crate::gbl::FW_VERSION;
use crate::le::{le16, le32};

/// Largest `publickey` and `signature` the COT carries (zero-padded).
pub const PAD: usize = 384;

/// The four sections of the FMC file.
#[derive(Debug, Clone)]
pub struct FmcFile {
    /// Where the file was read from.
    pub path: PathBuf,
    /// SHA-384 of the image (section `hash`).
    pub hash: [u8; DIGEST],
    /// The public key (section `publickey`).
    pub key: Vec<u8>,
    /// The signature (section `signature`).
    pub sig: Vec<u8>,
    /// The image (section `image`).
    pub image: Vec<u8>,
}

/// File offset and size of section `name` of the ELF32 file `f`.
pub fn elf32_section(f: &[u8], name: &str) -> Result<(usize, usize), String> {
    if f.get(..4) != Some(b"\x7fELF".as_slice()) || f.get(4) != Some(&1) || f.get(5) != Some(&1) {
        return Err("not a little-endian ELF32 file".into());
    }
    let bad = || "ELF header truncated".to_string();
    let shoff = le32(f, 0x20).ok_or_else(bad)? as usize;
    let shentsize = usize::from(le16(f, 0x2e).ok_or_else(bad)?);
    let shnum = usize::from(le16(f, 0x30).ok_or_else(bad)?);
    let shstrndx = usize::from(le16(f, 0x32).ok_or_else(bad)?);
    if shentsize < 40 || shstrndx >= shnum {
        return Err("bad section header table".into());
    }
    let sh = |i: usize, at: usize| -> Result<usize, String> {
        le32(f, shoff + i * shentsize + at)
            .map(|v| v as usize)
            .ok_or_else(|| format!("section header {i} outside the file"))
    };
    let strtab = sh(shstrndx, 0x10)?;
    for i in 0..shnum {
        let n = strtab + sh(i, 0)?;
        let s = f.get(n..).ok_or("section name outside the file")?;
        let end = s.iter().position(|b| *b == 0).unwrap_or(s.len());
        if &s[..end] == name.as_bytes() {
            let (off, size) = (sh(i, 0x10)?, sh(i, 0x14)?);
            if off.checked_add(size).is_none_or(|e| e > f.len()) {
                return Err(format!("section {name} outside the file"));
            }
            return Ok((off, size));
        }
    }
    Err(format!("no {name} section"))
}

impl FmcFile {
    /// The path of `chip`'s FMC file under `dir`.
    pub fn path(dir: &Path, chip: &str) -> PathBuf {
        dir.join("nvidia")
            .join(chip)
            .join("gsp")
            .join(format!("fmc-{FW_VERSION}.bin"))
    }

    /// Reads and checks `chip`'s FMC file under `dir`.
    pub fn load(dir: &Path, chip: &str) -> Result<Self, String> {
        let path = Self::path(dir, chip);
        let f = fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        Self::parse(&f, path)
    }

    /// Takes the sections of the file `f` (read from `path`).
    pub fn parse(f: &[u8], path: PathBuf) -> Result<Self, String> {
        let p = path.display().to_string();
        let part = |name: &str| {
            elf32_section(f, name)
                .map(|(o, s)| f[o..o + s].to_vec())
                .map_err(|e| format!("{p}: {e}"))
        };
        let hash = part("hash")?;
        let key = part("publickey")?;
        let sig = part("signature")?;
        let image = part("image")?;
        let hash: [u8; DIGEST] = hash
            .try_into()
            .map_err(|h: Vec<u8>| format!("{p}: section hash is {} bytes, not 48", h.len()))?;
        for (what, v) in [("publickey", &key), ("signature", &sig)] {
            if v.is_empty() || v.len() > PAD {
                return Err(format!("{p}: section {what} is {} bytes", v.len()));
            }
        }
        if sha384(&image) != hash {
            return Err(format!(
                "{p}: the SHA-384 of section image is not section hash"
            ));
        }
        Ok(Self {
            path,
            hash,
            key,
            sig,
            image,
        })
    }

    /// `v` zero-padded to [`PAD`] bytes, as the COT carries it.
    pub fn padded(v: &[u8]) -> [u8; PAD] {
        let mut p = [0u8; PAD];
        p[..v.len()].copy_from_slice(v);
        p
    }
}

/// A minimal ELF32 file with the four FMC sections (for tests).
pub fn make_fmc(hash: &[u8], sig: &[u8], key: &[u8], image: &[u8]) -> Vec<u8> {
    let names = b"\0.shstrtab\0hash\0signature\0publickey\0image\0";
    let name_at = |n: &str| {
        let pat = [n.as_bytes(), b"\0"].concat();
        names
            .windows(pat.len())
            .position(|w| w == pat.as_slice())
            .unwrap_or(0) as u32
    };
    let mut data = vec![0u8; 0x34];
    let mut secs = vec![(0u32, 0usize, 0usize)];
    let strtab = data.len();
    data.extend_from_slice(names);
    secs.push((name_at(".shstrtab"), strtab, names.len()));
    for (n, v) in [
        ("hash", hash),
        ("signature", sig),
        ("publickey", key),
        ("image", image),
    ] {
        while !data.len().is_multiple_of(4) {
            data.push(0);
        }
        secs.push((name_at(n), data.len(), v.len()));
        data.extend_from_slice(v);
    }
    while !data.len().is_multiple_of(4) {
        data.push(0);
    }
    let shoff = data.len();
    for (name, off, size) in &secs {
        let mut h = [0u8; 40];
        h[0..4].copy_from_slice(&name.to_le_bytes());
        h[4..8].copy_from_slice(&u32::from(*off != 0).to_le_bytes());
        h[0x10..0x14].copy_from_slice(&(*off as u32).to_le_bytes());
        h[0x14..0x18].copy_from_slice(&(*size as u32).to_le_bytes());
        data.extend_from_slice(&h);
    }
    data[..4].copy_from_slice(b"\x7fELF");
    data[4] = 1;
    data[5] = 1;
    data[6] = 1;
    data[0x20..0x24].copy_from_slice(&(shoff as u32).to_le_bytes());
    data[0x2e..0x30].copy_from_slice(&40u16.to_le_bytes());
    data[0x30..0x32].copy_from_slice(&(secs.len() as u16).to_le_bytes());
    data[0x32..0x34].copy_from_slice(&1u16.to_le_bytes());
    data
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_round_trip_and_the_hash_is_checked() {
        let image: Vec<u8> = (0..3000u32).map(|i| (i * 5) as u8).collect();
        let hash = sha384(&image);
        let f = make_fmc(&hash, &[1; 96], &[4; 97], &image);
        let m = FmcFile::parse(&f, PathBuf::from("t")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((m.hash, m.sig.len(), m.key.len()), (hash, 96, 97));
        assert_eq!(m.image, image);
        assert_eq!(FmcFile::padded(&m.key)[96..98], [4, 0]);
        let bad = make_fmc(&[0; 48], &[1; 96], &[4; 97], &image);
        let e = FmcFile::parse(&bad, PathBuf::from("t")).expect_err("hash");
        assert!(e.contains("SHA-384"), "{e}");
        assert!(elf32_section(&f[..8], "hash").is_err());
        assert!(elf32_section(&f, "nope").is_err());
    }
}
