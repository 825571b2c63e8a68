//! `nvfw tlv`: repackages a chip's firmware files, as Debian's
//! firmware-nvidia-graphics ships them (`<name>-<version>.bin`), into the
//! TLV files that upstream nova-core (Linux 7.3) requests.
//!
//! # The container
//!
//! A TLV file is the magic `NVFW` followed by blocks, back to back, up to
//! the end of the file. A block is a four-character ASCII tag, the length
//! of its value as a little-endian `u32`, and the value, zero-padded to a
//! multiple of 4 bytes (the padding is not counted in the length). Every
//! file has a `VERS` block. Integer values are 4-byte little-endian;
//! strings are printable ASCII without a terminator.
//!
//! # The files
//!
//! Every chipset gets `gsp.tlv`, `gsp.bin` and `gsp_bootloader.tlv`.
//! Turing and GA100 add `booter_load.tlv`, `booter_unload.tlv` and
//! `gen_bootloader.tlv`; the other Ampere chips and Ada add the two booter
//! files; Hopper and Blackwell add `fmc.tlv`. The tags, and the field of
//! the source file each comes from (as read by `fwparse`), are:
//!
//! | file | tag | source |
//! | --- | --- | --- |
//! | `gsp.tlv` | `VERS` | GSP-RM ELF `.fwversion` |
//! | | `SIZE` | size of `.fwimage` (= size of `gsp.bin`) |
//! | | `FILE` | `gsp.bin` |
//! | | `SIGN` | the chip family's `.fwsignature_*` section |
//! | `gsp.bin` | | `.fwimage` contents |
//! | `gsp_bootloader.tlv` | `VERS` | version in the file name |
//! | | `CDOF` | RISC-V ucode descriptor `monitor_code_offset` |
//! | | `DAOF` | `monitor_data_offset` |
//! | | `MFOF` | `manifest_offset` |
//! | | `APPV` | `app_version` |
//! | | `BLOB` | `bin_hdr` payload |
//! | `booter_{load,unload}.tlv` | `VERS` | version in the file name |
//! | | `CDOF`, `CDSZ` | HS load header OS code offset and size |
//! | | `DAOF`, `DASZ` | HS load header OS data offset and size |
//! | | `A0CO`, `A0CS` | HS load header application 0 code offset and size |
//! | | `PLOC` | signature patch location |
//! | | `FUSE`, `ENID`, `UCID` | metadata: fuse version, engine ID mask, ucode ID |
//! | | `NSIG` | number of signatures |
//! | | `SIGN` | the production signatures, back to back |
//! | | `BLOB` | `bin_hdr` payload |
//! | `gen_bootloader.tlv` | `VERS` | version in the file name |
//! | | `CDSZ` | bootloader descriptor `code_size` |
//! | | `STRT` | bootloader descriptor `start_tag` |
//! | | `BLOB` | `bin_hdr` payload from `code_off` on |
//! | `fmc.tlv` | `VERS` | version in the file name |
//! | | `BLOB` | FMC ELF `image` section |
//! | | `HASH`, `PKEY`, `SIGN` | sections `hash`, `publickey`, `signature` |

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use fwparse::bl::GenericBootloader;
use fwparse::chip::{self, Arch};
use fwparse::fmc::FmcImage;
use fwparse::gsp::GspImage;
use fwparse::hs::HsImage;
use fwparse::riscv::RiscvFirmware;

use crate::report::{Obj, Val};

/// The magic every TLV file starts with.
pub const MAGIC: &[u8; 4] = b"NVFW";

/// The firmware version nova-core of Linux 7.3 implements.
pub const DEFAULT_VERSION: &str = "570.144";

/// Name of the raw GSP-RM image file, as given in `gsp.tlv`'s `FILE`.
pub const GSP_BIN: &str = "gsp.bin";

/// A TLV file being built.
#[derive(Debug, Clone)]
pub struct TlvWriter {
    /// The file so far.
    buf: Vec<u8>,
    /// The tags written, in order.
    tags: Vec<[u8; 4]>,
}

impl Default for TlvWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl TlvWriter {
    /// Starts a file: the magic alone.
    pub fn new() -> Self {
        Self {
            buf: MAGIC.to_vec(),
            tags: Vec::new(),
        }
    }

    /// Appends a block holding `value`, padded to 4 bytes.
    pub fn bytes(&mut self, tag: &[u8; 4], value: &[u8]) -> Result<&mut Self, String> {
        let name = String::from_utf8_lossy(tag);
        if !tag.iter().all(|b| b.is_ascii_graphic()) {
            return Err(format!("TLV tag {name:?} is not printable ASCII"));
        }
        if self.tags.contains(tag) {
            return Err(format!("TLV tag {name} written twice"));
        }
        let len = u32::try_from(value.len())
            .map_err(|_| format!("TLV value {name} too long ({} bytes)", value.len()))?;
        self.buf.extend_from_slice(tag);
        self.buf.extend_from_slice(&len.to_le_bytes());
        self.buf.extend_from_slice(value);
        let pad = value.len().next_multiple_of(4) - value.len();
        self.buf.extend(std::iter::repeat_n(0u8, pad));
        self.tags.push(*tag);
        Ok(self)
    }

    /// Appends a block holding the little-endian `u32` `value`.
    pub fn u32(&mut self, tag: &[u8; 4], value: u32) -> Result<&mut Self, String> {
        self.bytes(tag, &value.to_le_bytes())
    }

    /// Appends a block holding the string `value`, which must be printable
    /// ASCII (space included).
    pub fn string(&mut self, tag: &[u8; 4], value: &str) -> Result<&mut Self, String> {
        if !value.bytes().all(|b| (32..127).contains(&b)) {
            return Err(format!(
                "TLV string {} is not printable ASCII: {value:?}",
                String::from_utf8_lossy(tag)
            ));
        }
        self.bytes(tag, value.as_bytes())
    }

    /// Ends the file, which must have a `VERS` block.
    pub fn finish(self, name: &str) -> Result<OutFile, String> {
        if !self.tags.contains(b"VERS") {
            return Err(format!("{name}: no VERS block"));
        }
        Ok(OutFile {
            name: name.to_string(),
            data: self.buf,
            tags: self.tags,
            source: None,
        })
    }
}

/// A file to write into the output directory.
#[derive(Debug, Clone)]
pub struct OutFile {
    /// File name (`gsp.tlv`).
    pub name: String,
    /// Contents.
    pub data: Vec<u8>,
    /// The TLV tags, in order (empty for `gsp.bin`).
    pub tags: Vec<[u8; 4]>,
    /// The Debian file it was made from, if it is a single one.
    pub source: Option<PathBuf>,
}

/// The TLV files (without `.tlv`) nova-core requests for chipset `chip`
/// besides `gsp` and `gsp_bootloader`, or `None` for an unknown chip.
pub fn boot_files(chip: &str) -> Option<&'static [&'static str]> {
    let arch = chip::arch(chip)?;
    Some(match arch {
        Arch::Turing => &["booter_load", "booter_unload", "gen_bootloader"],
        Arch::Ampere if chip == "ga100" => &["booter_load", "booter_unload", "gen_bootloader"],
        Arch::Ampere | Arch::Ada => &["booter_load", "booter_unload"],
        Arch::Hopper | Arch::Blackwell => &["fmc"],
    })
}

/// Reads `<dir>/<name>-<version>.bin`.
fn read_src(dir: &Path, name: &str, version: &str) -> Result<(PathBuf, Vec<u8>), String> {
    let path = dir.join(format!("{name}-{version}.bin"));
    let data = fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((path, data))
}

/// Turns a parse error of `path` into a message.
fn perr(path: &Path) -> impl Fn(fwparse::ParseError) -> String {
    let p = path.display().to_string();
    move |e| format!("{p}: {e}")
}

/// Converts a length to `u32` for a TLV value.
fn len32(n: usize, what: &str) -> Result<u32, String> {
    u32::try_from(n).map_err(|_| format!("{what}: {n} bytes do not fit a u32"))
}

/// `gsp.tlv` and `gsp.bin`, from `gsp-<version>.bin`.
fn gsp(dir: &Path, chip: &str, version: &str) -> Result<[OutFile; 2], String> {
    let (path, data) = read_src(dir, "gsp", version)?;
    let e = perr(&path);
    let g = GspImage::parse(&data).map_err(&e)?;
    if g.version != version {
        return Err(format!(
            "{}: .fwversion is {}, the file name says {version}",
            path.display(),
            g.version
        ));
    }
    let sig = g.signature(chip).map_err(&e)?;
    let mut t = TlvWriter::new();
    t.string(b"VERS", g.version)?
        .u32(b"SIZE", len32(g.image.data.len(), ".fwimage")?)?
        .string(b"FILE", GSP_BIN)?
        .bytes(b"SIGN", sig.data)?;
    let mut tlv = t.finish("gsp.tlv")?;
    tlv.source = Some(path.clone());
    let bin = OutFile {
        name: GSP_BIN.to_string(),
        data: g.image.data.to_vec(),
        tags: Vec::new(),
        source: Some(path),
    };
    Ok([tlv, bin])
}

/// `gsp_bootloader.tlv`, from `bootloader-<version>.bin`.
fn gsp_bootloader(dir: &Path, version: &str) -> Result<OutFile, String> {
    let (path, data) = read_src(dir, "bootloader", version)?;
    let fw = RiscvFirmware::parse(&data).map_err(perr(&path))?;
    let d = &fw.desc;
    let mut t = TlvWriter::new();
    t.string(b"VERS", version)?
        .u32(b"CDOF", d.monitor_code_offset)?
        .u32(b"DAOF", d.monitor_data_offset)?
        .u32(b"MFOF", d.manifest_offset)?
        .u32(b"APPV", d.app_version)?
        .bytes(b"BLOB", fw.ucode)?;
    let mut f = t.finish("gsp_bootloader.tlv")?;
    f.source = Some(path);
    Ok(f)
}

/// `<name>.tlv` (`booter_load` or `booter_unload`), from
/// `<name>-<version>.bin`.
fn booter(dir: &Path, name: &str, version: &str) -> Result<OutFile, String> {
    let (path, data) = read_src(dir, name, version)?;
    let e = perr(&path);
    let h = HsImage::parse(&data).map_err(&e)?;
    let meta = h
        .meta
        .ok_or_else(|| format!("{}: HS image without metadata block", path.display()))?;
    let app0 = h.app(0).map_err(&e)?;
    // Checks nova-core makes on the values: keep them true here too.
    h.pkc_data_offset().map_err(&e)?;
    if u16::try_from(meta.engine_id_mask).is_err() || u8::try_from(meta.ucode_id).is_err() {
        return Err(format!(
            "{}: engine ID mask {:#x} or ucode ID {} too wide",
            path.display(),
            meta.engine_id_mask,
            meta.ucode_id
        ));
    }
    let l = &h.load;
    let mut t = TlvWriter::new();
    t.string(b"VERS", version)?
        .u32(b"CDOF", l.os_code_offset)?
        .u32(b"CDSZ", l.os_code_size)?
        .u32(b"DAOF", l.os_data_offset)?
        .u32(b"DASZ", l.os_data_size)?
        .u32(b"A0CO", app0.code_offset)?
        .u32(b"A0CS", app0.code_size)?
        .u32(b"PLOC", h.patch_loc)?
        .u32(b"FUSE", meta.fuse_version)?
        .u32(b"ENID", meta.engine_id_mask)?
        .u32(b"UCID", meta.ucode_id)?
        .u32(b"NSIG", h.num_sig)?
        .bytes(b"SIGN", h.signatures)?
        .bytes(b"BLOB", h.ucode)?;
    let mut f = t.finish(&format!("{name}.tlv"))?;
    f.source = Some(path);
    Ok(f)
}

/// `gen_bootloader.tlv`, from `gen_bootloader-<version>.bin`.
fn gen_bootloader(dir: &Path, version: &str) -> Result<OutFile, String> {
    let (path, data) = read_src(dir, "gen_bootloader", version)?;
    let e = perr(&path);
    let b = GenericBootloader::parse(&data).map_err(&e)?;
    let payload = b.bin.payload(&data).map_err(&e)?;
    // nova-core takes the code from the start of BLOB.
    let blob = usize::try_from(b.desc.code_off)
        .ok()
        .and_then(|off| payload.get(off..))
        .ok_or_else(|| format!("{}: bootloader code offset outside payload", path.display()))?;
    let mut t = TlvWriter::new();
    t.string(b"VERS", version)?
        .u32(b"CDSZ", b.desc.code_size)?
        .u32(b"STRT", b.desc.start_tag)?
        .bytes(b"BLOB", blob)?;
    let mut f = t.finish("gen_bootloader.tlv")?;
    f.source = Some(path);
    Ok(f)
}

/// `fmc.tlv`, from `fmc-<version>.bin`.
fn fmc(dir: &Path, version: &str) -> Result<OutFile, String> {
    let (path, data) = read_src(dir, "fmc", version)?;
    let f = FmcImage::parse(&data).map_err(perr(&path))?;
    let mut t = TlvWriter::new();
    t.string(b"VERS", version)?
        .bytes(b"BLOB", f.image)?
        .bytes(b"HASH", f.hash)?
        .bytes(b"PKEY", f.public_key)?
        .bytes(b"SIGN", f.signature)?;
    let mut out = t.finish("fmc.tlv")?;
    out.source = Some(path);
    Ok(out)
}

/// Builds every file nova-core requests for `chip` from the Debian files
/// of version `version` in `dir`.
pub fn build(dir: &Path, chip: &str, version: &str) -> Result<Vec<OutFile>, String> {
    let boot = boot_files(chip).ok_or_else(|| format!("unknown chip {chip}"))?;
    let mut out = Vec::new();
    out.extend(gsp(dir, chip, version)?);
    out.push(gsp_bootloader(dir, version)?);
    for name in boot {
        out.push(match *name {
            "gen_bootloader" => gen_bootloader(dir, version)?,
            "fmc" => fmc(dir, version)?,
            other => booter(dir, other, version)?,
        });
    }
    Ok(out)
}

/// Writes `f` into `dir` through a temporary file, so that a reader never
/// sees a partial file.
fn write_atomic(dir: &Path, f: &OutFile) -> Result<(), String> {
    let dst = dir.join(&f.name);
    let tmp = dir.join(format!(".{}.tmp{}", f.name, std::process::id()));
    let res = fs::File::create(&tmp)
        .and_then(|mut w| w.write_all(&f.data))
        .and_then(|()| fs::rename(&tmp, &dst));
    if let Err(e) = res {
        let _ = fs::remove_file(&tmp);
        return Err(format!("{}: {e}", dst.display()));
    }
    Ok(())
}

/// The chip of a Debian chip directory (`.../<chip>` or `.../<chip>/gsp`).
pub fn chip_of_dir(dir: &Path) -> Option<String> {
    dir.components()
        .rev()
        .filter_map(|c| c.as_os_str().to_str())
        .find(|d| chip::is_known(d))
        .map(str::to_string)
}

/// `nvfw tlv`: builds the files for the chip of `chip_dir` (or `chip`) and
/// writes them into `out_dir`, which is created if needed.
pub fn tlv(
    chip_dir: &Path,
    out_dir: &Path,
    chip: Option<&str>,
    version: Option<&str>,
) -> Result<Obj, String> {
    let chip = match chip {
        Some(c) => c.to_string(),
        None => chip_of_dir(chip_dir).ok_or("no chip name in the directory path (use --chip)")?,
    };
    let version = version.unwrap_or(DEFAULT_VERSION);
    // Debian keeps the files in `<chip>/gsp/`; accept the chip directory too.
    let src = if chip_dir.join("gsp").is_dir() {
        chip_dir.join("gsp")
    } else {
        chip_dir.to_path_buf()
    };
    let files = build(&src, &chip, version)?;
    fs::create_dir_all(out_dir).map_err(|e| format!("{}: {e}", out_dir.display()))?;
    for f in &files {
        write_atomic(out_dir, f)?;
    }
    let mut o = Obj::new();
    o.str("chip", chip.as_str());
    if let Some(a) = chip::arch(&chip) {
        o.str("arch", a.name());
    }
    o.str("version", version)
        .str("from", src.display().to_string())
        .str("to", out_dir.display().to_string());
    let list = files
        .iter()
        .map(|f| {
            let mut fo = Obj::new();
            fo.str("file", f.name.as_str())
                .put("size", Val::Bytes(f.data.len() as u64));
            let tags: Vec<String> = f
                .tags
                .iter()
                .map(|t| String::from_utf8_lossy(t).into_owned())
                .collect();
            fo.str(
                "tags",
                if tags.is_empty() {
                    "(raw)".to_string()
                } else {
                    tags.join(" ")
                },
            );
            if let Some(s) = &f.source {
                let name = s.file_name().and_then(|n| n.to_str()).unwrap_or("");
                fo.str("from", name);
            }
            Val::Obj(fo)
        })
        .collect();
    o.list("files", list);
    Ok(o)
}
