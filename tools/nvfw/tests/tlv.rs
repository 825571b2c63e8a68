//! `nvfw tlv` on the installed firmware files: every file upstream
//! nova-core requests is produced, each TLV reads back with a reader
//! written here from the format description (and rebuilds byte for byte),
//! carries exactly the tags nova-core reads, and its values agree with the
//! Debian file they come from and with the checks nova-core makes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use fwparse::bl::GenericBootloader;
use fwparse::fmc::FmcImage;
use fwparse::gsp::GspImage;
use fwparse::hs::HsImage;
use fwparse::riscv::RiscvFirmware;

const VERSION: &str = "570.144";

fn fw_root() -> PathBuf {
    let dir = fwparse::test_fw_dir();
    assert!(
        dir.is_dir(),
        "firmware directory {} not found (install firmware-nvidia-graphics in the build root or set NOVA_FW_DIR)",
        dir.display()
    );
    dir
}

fn src(chip: &str, name: &str) -> Vec<u8> {
    let p = fw_root().join(format!("{chip}/gsp/{name}-{VERSION}.bin"));
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// A scratch directory, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let p = std::env::temp_dir().join(format!("nvfw-tlv-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        Self(p)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn nvfw(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nvfw"))
        .args(args)
        .output()
        .expect("run nvfw")
}

fn run_tlv(chip_dir: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["tlv"];
    args.extend_from_slice(extra);
    args.push(chip_dir.to_str().unwrap());
    args.push(out.to_str().unwrap());
    nvfw(&args)
}

// ---------------------------------------------------------------------------
// The TLV format, from its description: "NVFW", then blocks up to the end
// of the file; a block is a 4-byte ASCII tag, a little-endian u32 length
// and the value padded with zeroes to a multiple of 4. A VERS block is
// mandatory.

/// A parsed TLV file: tag -> value, plus the tags in file order.
struct Tlv {
    order: Vec<[u8; 4]>,
    blocks: BTreeMap<[u8; 4], Vec<u8>>,
}

fn read_tlv(data: &[u8]) -> Result<Tlv, String> {
    let rest = data.strip_prefix(b"NVFW").ok_or("no NVFW magic")?;
    let mut pos = 0usize;
    let mut order = Vec::new();
    let mut blocks = BTreeMap::new();
    while pos < rest.len() {
        let hdr = rest.get(pos..pos + 8).ok_or("partial block header")?;
        let tag: [u8; 4] = hdr[..4].try_into().unwrap();
        if !tag.iter().all(u8::is_ascii) {
            return Err(format!("non-ASCII tag {tag:?}"));
        }
        let len = u32::from_le_bytes(hdr[4..].try_into().unwrap()) as usize;
        let stored = len.div_ceil(4) * 4;
        let body = rest
            .get(pos + 8..pos + 8 + stored)
            .ok_or_else(|| format!("block {} runs past the end", tag_str(&tag)))?;
        if body[len..].iter().any(|&b| b != 0) {
            return Err(format!("non-zero padding in {}", tag_str(&tag)));
        }
        if blocks.insert(tag, body[..len].to_vec()).is_some() {
            return Err(format!("duplicate tag {}", tag_str(&tag)));
        }
        order.push(tag);
        pos += 8 + stored;
    }
    if !blocks.contains_key(b"VERS") {
        return Err("no VERS block".to_string());
    }
    Ok(Tlv { order, blocks })
}

/// The inverse of [`read_tlv`], written independently of nvfw's writer.
fn write_tlv(t: &Tlv) -> Vec<u8> {
    let mut out = b"NVFW".to_vec();
    for tag in &t.order {
        let v = &t.blocks[tag];
        out.extend_from_slice(tag);
        out.extend_from_slice(&(v.len() as u32).to_le_bytes());
        out.extend_from_slice(v);
        while !out.len().is_multiple_of(4) {
            out.push(0);
        }
    }
    out
}

fn tag_str(t: &[u8; 4]) -> String {
    String::from_utf8_lossy(t).into_owned()
}

impl Tlv {
    fn bytes(&self, tag: &[u8; 4]) -> &[u8] {
        let v = self
            .blocks
            .get(tag)
            .unwrap_or_else(|| panic!("no {}", tag_str(tag)));
        assert!(!v.is_empty(), "{} is empty", tag_str(tag));
        v
    }

    fn u32(&self, tag: &[u8; 4]) -> u32 {
        let v = self.bytes(tag);
        assert_eq!(v.len(), 4, "{} is not a u32", tag_str(tag));
        u32::from_le_bytes(v.try_into().unwrap())
    }

    fn string(&self, tag: &[u8; 4]) -> &str {
        let v = self.bytes(tag);
        assert!(
            v.iter().all(|b| (32..127).contains(b)),
            "{} is not printable",
            tag_str(tag)
        );
        std::str::from_utf8(v).unwrap()
    }

    fn tags(&self) -> Vec<String> {
        let mut v: Vec<String> = self.order.iter().map(tag_str).collect();
        v.sort();
        v
    }
}

fn sorted(tags: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = tags.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

/// Reads `out/name`, checks it with the reader and the round trip.
fn load(out: &Path, name: &str) -> Tlv {
    let data = std::fs::read(out.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    let t = read_tlv(&data).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(write_tlv(&t), data, "{name}: round trip");
    assert_eq!(t.string(b"VERS"), VERSION, "{name}: VERS");
    t
}

// ---------------------------------------------------------------------------
// Per-file checks: the tags nova-core 7.3 reads, and their values.

fn check_gsp(chip: &str, out: &Path) {
    let t = load(out, "gsp.tlv");
    assert_eq!(t.tags(), sorted(&["VERS", "SIZE", "FILE", "SIGN"]));
    let raw = src(chip, "gsp");
    let g = GspImage::parse(&raw).unwrap();
    assert_eq!(t.string(b"VERS"), g.version);
    assert_eq!(t.string(b"FILE"), "gsp.bin");
    let bin = std::fs::read(out.join(t.string(b"FILE"))).unwrap();
    assert_eq!(t.u32(b"SIZE") as usize, bin.len(), "SIZE = size of FILE");
    assert!(bin == g.image.data, "gsp.bin = .fwimage");
    assert_eq!(t.bytes(b"SIGN"), g.signature(chip).unwrap().data);
}

fn check_bootloader(chip: &str, out: &Path) {
    let t = load(out, "gsp_bootloader.tlv");
    assert_eq!(
        t.tags(),
        sorted(&["VERS", "CDOF", "DAOF", "MFOF", "APPV", "BLOB"])
    );
    let raw = src(chip, "bootloader");
    let fw = RiscvFirmware::parse(&raw).unwrap();
    let blob = t.bytes(b"BLOB");
    assert_eq!(blob, fw.ucode);
    assert_eq!(t.u32(b"CDOF"), fw.desc.monitor_code_offset);
    assert_eq!(t.u32(b"DAOF"), fw.desc.monitor_data_offset);
    assert_eq!(t.u32(b"MFOF"), fw.desc.manifest_offset);
    assert_eq!(t.u32(b"APPV"), fw.desc.app_version);
    for tag in [b"CDOF", b"DAOF", b"MFOF"] {
        assert!((t.u32(tag) as usize) < blob.len(), "{}", tag_str(tag));
    }
}

fn check_booter(chip: &str, out: &Path, name: &str) {
    let t = load(out, &format!("{name}.tlv"));
    assert_eq!(
        t.tags(),
        sorted(&[
            "VERS", "DAOF", "DASZ", "CDOF", "CDSZ", "PLOC", "FUSE", "ENID", "UCID", "A0CO", "A0CS",
            "NSIG", "SIGN", "BLOB"
        ])
    );
    let raw = src(chip, name);
    let h = HsImage::parse(&raw).unwrap();
    let meta = h.meta.unwrap();
    let app0 = h.app(0).unwrap();
    let blob = t.bytes(b"BLOB");
    assert_eq!(blob, h.ucode);
    let want = [
        (b"CDOF", h.load.os_code_offset),
        (b"CDSZ", h.load.os_code_size),
        (b"DAOF", h.load.os_data_offset),
        (b"DASZ", h.load.os_data_size),
        (b"A0CO", app0.code_offset),
        (b"A0CS", app0.code_size),
        (b"PLOC", h.patch_loc),
        (b"FUSE", meta.fuse_version),
        (b"ENID", meta.engine_id_mask),
        (b"UCID", meta.ucode_id),
        (b"NSIG", h.num_sig),
    ];
    for (tag, v) in want {
        assert_eq!(t.u32(tag), v, "{name}: {}", tag_str(tag));
    }
    // What nova-core derives from them must hold.
    let within = |off: u32, len: u32| off as usize + len as usize <= blob.len();
    assert!(within(t.u32(b"CDOF"), t.u32(b"CDSZ")));
    assert!(within(t.u32(b"DAOF"), t.u32(b"DASZ")));
    assert!(within(t.u32(b"A0CO"), t.u32(b"A0CS")));
    assert!(
        t.u32(b"PLOC") >= t.u32(b"DAOF"),
        "pkc_data_offset underflows"
    );
    assert_eq!(
        t.u32(b"PLOC") - t.u32(b"DAOF"),
        h.pkc_data_offset().unwrap()
    );
    assert!(u16::try_from(t.u32(b"ENID")).is_ok());
    assert!(u8::try_from(t.u32(b"UCID")).is_ok());
    let nsig = t.u32(b"NSIG") as usize;
    let sigs = t.bytes(b"SIGN");
    assert!(nsig > 0 && sigs.len().is_multiple_of(nsig));
    let sig_size = sigs.len() / nsig;
    assert_eq!(sig_size, h.sig_size as usize);
    assert!(within(t.u32(b"PLOC"), sig_size as u32), "patch fits BLOB");
    for (i, chunk) in sigs.chunks_exact(sig_size).enumerate() {
        assert_eq!(
            chunk,
            h.signature(i as u32).unwrap(),
            "{name}: signature {i}"
        );
    }
    // Fuse register 0 selects the last signature; otherwise FUSE - reg.
    let idx = h.signature_index(0).unwrap() as usize;
    assert_eq!(idx, nsig - 1);
    if t.u32(b"FUSE") > 0 {
        assert!(((t.u32(b"FUSE") - 1) as usize) < nsig);
    }
}

fn check_gen_bootloader(chip: &str, out: &Path) {
    let t = load(out, "gen_bootloader.tlv");
    assert_eq!(t.tags(), sorted(&["VERS", "CDSZ", "STRT", "BLOB"]));
    let raw = src(chip, "gen_bootloader");
    let b = GenericBootloader::parse(&raw).unwrap();
    let blob = t.bytes(b"BLOB");
    let cdsz = t.u32(b"CDSZ") as usize;
    assert_eq!(t.u32(b"CDSZ"), b.desc.code_size);
    assert_eq!(t.u32(b"STRT"), b.desc.start_tag);
    assert!(u16::try_from(t.u32(b"STRT")).is_ok());
    assert_eq!(&blob[..cdsz], b.code, "BLOB starts with the code");
    // nova-core loads the code, 256-byte aligned, right below 64 KiB.
    assert!(cdsz.div_ceil(256) * 256 <= 0x10000);
}

fn check_fmc(chip: &str, out: &Path) {
    let t = load(out, "fmc.tlv");
    assert_eq!(t.tags(), sorted(&["VERS", "BLOB", "HASH", "PKEY", "SIGN"]));
    let raw = src(chip, "fmc");
    let f = FmcImage::parse(&raw).unwrap();
    assert_eq!(t.bytes(b"BLOB"), f.image);
    assert_eq!(t.bytes(b"HASH"), f.hash);
    assert_eq!(t.bytes(b"HASH").len(), 48);
    assert_eq!(t.bytes(b"PKEY"), f.public_key);
    assert!(t.bytes(b"PKEY").len() <= 384);
    assert_eq!(t.bytes(b"SIGN"), f.signature);
    assert!(t.bytes(b"SIGN").len() <= 384);
}

/// Runs `nvfw tlv` for `chip` and checks the result against `files`,
/// the files nova-core requests for it.
fn chip(chip: &str, files: &[&str]) {
    let out = Scratch::new(chip);
    let o = run_tlv(&fw_root().join(chip).join("gsp"), &out.0, &[]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{chip}: {stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("VERS"), "{stdout}");

    let mut have: Vec<String> = std::fs::read_dir(&out.0)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    have.sort();
    assert_eq!(have, sorted(files), "{chip}: files");

    check_gsp(chip, &out.0);
    check_bootloader(chip, &out.0);
    for f in files {
        match *f {
            "booter_load.tlv" => check_booter(chip, &out.0, "booter_load"),
            "booter_unload.tlv" => check_booter(chip, &out.0, "booter_unload"),
            "gen_bootloader.tlv" => check_gen_bootloader(chip, &out.0),
            "fmc.tlv" => check_fmc(chip, &out.0),
            _ => {}
        }
    }
}

const COMMON: [&str; 3] = ["gsp.tlv", "gsp.bin", "gsp_bootloader.tlv"];

fn with(extra: &[&'static str]) -> Vec<&'static str> {
    COMMON.iter().chain(extra).copied().collect()
}

#[test]
fn ga102() {
    chip("ga102", &with(&["booter_load.tlv", "booter_unload.tlv"]));
}

#[test]
fn ad102() {
    chip("ad102", &with(&["booter_load.tlv", "booter_unload.tlv"]));
}

#[test]
fn tu102() {
    chip(
        "tu102",
        &with(&["booter_load.tlv", "booter_unload.tlv", "gen_bootloader.tlv"]),
    );
}

#[test]
fn gh100() {
    chip("gh100", &with(&["fmc.tlv"]));
}

#[test]
fn gb202() {
    chip("gb202", &with(&["fmc.tlv"]));
}

#[test]
fn ga100_uses_gen_bootloader() {
    chip(
        "ga100",
        &with(&["booter_load.tlv", "booter_unload.tlv", "gen_bootloader.tlv"]),
    );
}

#[test]
fn reader_rejects_malformed() {
    assert!(read_tlv(b"NVFX").is_err());
    assert!(read_tlv(b"NVFW").is_err(), "no VERS");
    assert!(read_tlv(b"NVFWVERS\x03\0\0\0abc\0").is_ok());
    assert!(read_tlv(b"NVFWVERS\x03\0\0\0abc").is_err(), "short padding");
    assert!(read_tlv(b"NVFWVERS\x03\0\0\0abc\x01").is_err(), "padding");
    assert!(read_tlv(b"NVFWVERS\x03\0\0\0abc\0XX").is_err(), "slack");
}

#[test]
fn errors() {
    let bad = |o: Output, msg: &str| {
        assert_eq!(o.status.code(), Some(1));
        let e = String::from_utf8_lossy(&o.stderr);
        assert!(e.contains(msg), "want {msg:?} in {e}");
        assert!(!e.contains("panicked"), "{e}");
    };
    let out = Scratch::new("errors");
    bad(nvfw(&["tlv", "/nonexistent"]), "usage: nvfw tlv");
    bad(
        run_tlv(Path::new("/nonexistent/ga102/gsp"), &out.0.join("o"), &[]),
        "gsp-570.144.bin: No such file",
    );
    bad(
        run_tlv(Path::new("/nonexistent/xx"), &out.0.join("o"), &[]),
        "no chip name",
    );

    // A copy of the ga102 files.
    let dir = out.0.join("ga102/gsp");
    std::fs::create_dir_all(&dir).unwrap();
    for name in ["gsp", "bootloader", "booter_load", "booter_unload"] {
        let f = format!("{name}-{VERSION}.bin");
        std::fs::copy(fw_root().join("ga102/gsp").join(&f), dir.join(&f)).unwrap();
    }
    // The GSP signatures are those of --chip (Turing's are in another image).
    bad(
        run_tlv(&dir, &out.0.join("o"), &["--chip", "tu102"]),
        "gsp-570.144.bin: .fwsignature_tu10x: not found",
    );
    // The files needed are those of the chip.
    std::fs::remove_file(dir.join(format!("booter_load-{VERSION}.bin"))).unwrap();
    bad(
        run_tlv(&dir, &out.0.join("o"), &[]),
        "booter_load-570.144.bin: No such file",
    );
    std::fs::copy(
        fw_root().join(format!("ga102/gsp/booter_load-{VERSION}.bin")),
        dir.join(format!("booter_load-{VERSION}.bin")),
    )
    .unwrap();
    assert!(run_tlv(&dir, &out.0.join("o"), &[]).status.success());
    // A truncated booter: an error naming it.
    let f = dir.join(format!("booter_unload-{VERSION}.bin"));
    let mut data = std::fs::read(&f).unwrap();
    data.truncate(0x300);
    std::fs::write(&f, data).unwrap();
    bad(
        run_tlv(&dir, &out.0.join("o"), &[]),
        "booter_unload-570.144.bin: bin_hdr payload",
    );
    bad(
        run_tlv(&dir, &out.0.join("o"), &["--version", "1.0"]),
        "gsp-1.0.bin",
    );
    bad(
        run_tlv(&dir, &out.0.join("o"), &["--chip", "nv50"]),
        "unknown chip",
    );
}
