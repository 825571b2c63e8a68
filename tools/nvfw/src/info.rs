//! `nvfw info`: what a firmware file is and how it is laid out.

use std::path::Path;

use fwparse::bin_hdr::BinHdr;
use fwparse::bl::GenericBootloader;
use fwparse::elf::{Elf, ElfClass, Section};
use fwparse::fmc::FmcImage;
use fwparse::gsp::GspImage;
use fwparse::hs::{FalconLoad, HsImage};
use fwparse::kind::{identify, FileKind};
use fwparse::riscv::RiscvFirmware;
use fwparse::{chip, ParseError};

use crate::report::{Obj, Val};

/// The chip named by a path of the form `.../<chip>/gsp/<file>` (or any
/// known chip name among the path's directories).
pub fn chip_from_path(path: &Path) -> Option<String> {
    let dirs: Vec<String> = path
        .parent()?
        .components()
        .filter_map(|c| c.as_os_str().to_str().map(str::to_string))
        .collect();
    dirs.iter().rev().find(|d| chip::is_known(d)).cloned()
}

/// The version in a file name such as `booter_load-570.144.bin`.
pub fn version_from_name(path: &Path) -> Option<String> {
    let name = path.file_name()?.to_str()?;
    let base = name.strip_suffix(".bin").unwrap_or(name);
    let (_, ver) = base.rsplit_once('-')?;
    let ok = !ver.is_empty()
        && ver
            .split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    ok.then(|| ver.to_string())
}

/// The file name without version and extension (`booter_load`).
fn stem(path: &Path) -> String {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let base = name.strip_suffix(".bin").unwrap_or(name);
    match base.rsplit_once('-') {
        Some((s, _)) => s.to_string(),
        None => base.to_string(),
    }
}

/// Hex dump of a short byte string.
pub fn hex_bytes(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The common head of a report: file, kind, chip, version, size.
pub fn head(path: &Path, kind: &str, chip: Option<&str>, data: &[u8]) -> Obj {
    let mut o = Obj::new();
    o.str("file", path.display().to_string()).str("kind", kind);
    if let Some(c) = chip {
        o.str("chip", c);
        if let Some(arch) = chip::arch(c) {
            o.str("arch", arch.name());
        }
    }
    o.put("size", Val::Bytes(data.len() as u64));
    o
}

/// Builds the `info` report of `data`, read from `path`.
pub fn info(path: &Path, chip: Option<&str>, data: &[u8]) -> Result<Obj, String> {
    let kind = identify(data);
    let err = |e: ParseError| format!("{}: {e}", kind.name());
    let name = stem(path);
    let mut o = head(path, kind.name(), chip, data);
    if matches!(kind, FileKind::HsImage) {
        o.0[1].1 = Val::Str(format!("{} ({name})", kind.name()));
    }
    if let Some(v) = version_from_name(path) {
        o.str("version", v);
    }
    match kind {
        FileKind::GspRm => gsp(&mut o, chip, data).map_err(err)?,
        FileKind::Fmc => fmc(&mut o, data).map_err(err)?,
        FileKind::RiscvBootloader => riscv(&mut o, data).map_err(err)?,
        FileKind::HsImage => hs(&mut o, chip, data).map_err(err)?,
        FileKind::GenericBootloader => bl(&mut o, data).map_err(err)?,
        FileKind::OtherElf => {
            let elf = Elf::parse(data).map_err(err)?;
            o.obj("elf", elf_obj(&elf).map_err(err)?);
        }
        FileKind::OtherBinHdr => {
            let bin = BinHdr::parse(data).map_err(err)?;
            o.obj("bin_hdr", bin_obj(&bin));
        }
        FileKind::Vbios => return crate::vbios::vbios(path, data),
        FileKind::Unknown => return Err("not a known firmware format".to_string()),
    }
    Ok(o)
}

fn section_obj(s: &Section<'_>) -> Val {
    let mut o = Obj::new();
    o.str("name", s.name).region("at", s.offset, s.size);
    Val::Obj(o)
}

fn elf_obj(elf: &Elf<'_>) -> Result<Obj, ParseError> {
    let mut o = Obj::new();
    let class = match elf.class {
        ElfClass::Elf32 => "ELF32",
        ElfClass::Elf64 => "ELF64",
    };
    o.str("class", class)
        .dec("type", elf.file_type)
        .dec("machine", elf.machine)
        .region(
            "section table",
            elf.shoff,
            u64::from(elf.shnum) * u64::from(elf.shentsize),
        );
    let mut list = Vec::new();
    for s in elf.sections() {
        list.push(section_obj(&s?));
    }
    o.list("sections", list);
    Ok(o)
}

fn gsp(o: &mut Obj, chip: Option<&str>, data: &[u8]) -> Result<(), ParseError> {
    let g = GspImage::parse(data)?;
    o.str("fw version", g.version);
    o.region(".fwimage", g.image.offset, g.image.size);
    let mut sigs = Vec::new();
    for s in g.signatures() {
        let s = s?;
        let mut so = Obj::new();
        so.str("name", s.name).region("at", s.offset, s.size);
        sigs.push(Val::Obj(so));
    }
    o.list("signatures", sigs);
    if let Some(c) = chip {
        let s = g.signature(c)?;
        let mut so = Obj::new();
        so.str("section", s.name).region("at", s.offset, s.size);
        o.obj("chip signature", so);
    }
    o.obj("elf", elf_obj(&g.elf)?);
    Ok(())
}

fn fmc(o: &mut Obj, data: &[u8]) -> Result<(), ParseError> {
    let f = FmcImage::parse(data)?;
    o.str("hash (SHA-384)", hex_bytes(f.hash))
        .dec("signature size", f.signature.len() as u64)
        .dec("public key size", f.public_key.len() as u64);
    let image = f.elf.section("image")?;
    o.region("image", image.offset, image.size);
    o.obj("elf", elf_obj(&f.elf)?);
    Ok(())
}

fn bin_obj(b: &BinHdr) -> Obj {
    let mut o = Obj::new();
    o.hex("magic", b.magic)
        .dec("version", b.version)
        .hex("bin size", b.bin_size)
        .hex("header offset", b.header_offset)
        .region("payload", b.data_offset, b.data_size);
    o
}

fn riscv(o: &mut Obj, data: &[u8]) -> Result<(), ParseError> {
    let fw = RiscvFirmware::parse(data)?;
    let d = &fw.desc;
    o.obj("bin_hdr", bin_obj(&fw.bin));
    let mut r = Obj::new();
    r.dec("version", d.version)
        .dec("app version", d.app_version)
        .region("manifest", d.manifest_offset, d.manifest_size)
        .region("monitor data", d.monitor_data_offset, d.monitor_data_size)
        .region("monitor code", d.monitor_code_offset, d.monitor_code_size)
        .bool("monitor enabled", d.monitor_enabled)
        .region("bootloader", d.bootloader_offset, d.bootloader_size)
        .region(
            "bootloader params",
            d.bootloader_param_offset,
            d.bootloader_param_size,
        )
        .region("riscv elf", d.riscv_elf_offset, d.riscv_elf_size)
        .region("swbrom code", d.swbrom_code_offset, d.swbrom_code_size)
        .region("swbrom data", d.swbrom_data_offset, d.swbrom_data_size);
    if let Some(fb) = d.fb_reserved_size {
        r.hex("fb reserved size", fb);
    }
    if let Some(s) = d.signed_as_code {
        r.bool("signed as code", s);
    }
    o.obj("riscv ucode desc", r);
    let mut l = Obj::new();
    l.region("image (payload)", fw.bin.data_offset, fw.bin.data_size)
        .hex("code offset", d.monitor_code_offset)
        .hex("data offset", d.monitor_data_offset)
        .hex("manifest offset", d.manifest_offset);
    o.obj("load", l);
    Ok(())
}

fn load_obj(l: &FalconLoad) -> Obj {
    let mut o = Obj::new();
    let copy = |s: &fwparse::hs::FalconSegment| {
        Val::Copy(u64::from(s.src), u64::from(s.dst), u64::from(s.len))
    };
    if let Some(ns) = &l.imem_ns {
        o.put("IMEM non-secure", copy(ns));
    }
    o.put("IMEM secure", copy(&l.imem_sec))
        .put("DMEM", copy(&l.dmem))
        .hex("boot address", l.boot_addr);
    o
}

fn hs(o: &mut Obj, chip: Option<&str>, data: &[u8]) -> Result<(), ParseError> {
    let h = HsImage::parse(data)?;
    o.obj("bin_hdr", bin_obj(&h.bin));
    let mut s = Obj::new();
    s.dec("count", h.num_sig)
        .dec("size", h.sig_size)
        .region("production", h.hdr.sig_prod_offset, h.hdr.sig_prod_size)
        .hex("patch location", h.patch_loc)
        .hex("pkc data offset", h.pkc_data_offset()?)
        .hex("signature base index", h.patch_sig);
    if let Some(m) = h.meta {
        s.dec("fuse version", m.fuse_version)
            .hex("engine id mask", m.engine_id_mask)
            .dec("ucode id", m.ucode_id);
    }
    o.obj("signatures", s);
    let l = &h.load;
    let mut lo = Obj::new();
    lo.region("os code", l.os_code_offset, l.os_code_size)
        .region("os data", l.os_data_offset, l.os_data_size)
        .dec("apps", l.num_apps);
    let mut apps = Vec::new();
    for app in h.apps() {
        let app = app?;
        let mut a = Obj::new();
        a.region("code", app.code_offset, app.code_size).region(
            "data",
            app.data_offset,
            app.data_size,
        );
        apps.push(Val::Obj(a));
    }
    lo.list("app", apps);
    o.obj("load header", lo);
    match chip.and_then(chip::hs_ns_code) {
        Some(ns) => {
            o.obj("falcon load", load_obj(&h.falcon_load(ns)?));
        }
        None => {
            o.obj(
                "falcon load (Turing/GA100)",
                load_obj(&h.falcon_load(true)?),
            );
            o.obj("falcon load (GA102+)", load_obj(&h.falcon_load(false)?));
        }
    }
    Ok(())
}

fn bl(o: &mut Obj, data: &[u8]) -> Result<(), ParseError> {
    let b = GenericBootloader::parse(data)?;
    o.obj("bin_hdr", bin_obj(&b.bin));
    let d = &b.desc;
    let mut r = Obj::new();
    r.hex("start tag", d.start_tag)
        .hex("dmem load offset", d.dmem_load_off)
        .region("code", d.code_off, d.code_size)
        .region("data", d.data_off, d.data_size);
    if let Some(a) = b.imem_addr() {
        r.hex("IMEM address", a);
    }
    o.obj("bootloader desc", r);
    Ok(())
}
