//! Writes the seed corpora of the fuzz targets (see `fuzz.sh`) from the
//! installed firmware files: small files whole and as 1 KiB prefixes, the
//! ELF files shrunk (every section cut to at most 256 bytes, layout
//! rebuilt), and synthetic VBIOS images.
//!
//! Usage: `fuzz_seeds OUT_DIR FW_DIR`; writes `OUT_DIR/<target>/<name>`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::{Path, PathBuf};

use fwparse::elf::{Elf, ElfClass};
use fwparse::kind::{identify, FileKind};
use fwparse::testimg::{build_vbios, VbiosSpec};

/// Largest seed kept whole.
const MAX_SEED: usize = 64 * 1024;

fn put(d: &mut [u8], at: usize, v: u64, width: usize) {
    d[at..at + width].copy_from_slice(&v.to_le_bytes()[..width]);
}

/// Rebuilds an ELF file with each section cut to `cut` bytes.
fn shrink_elf(data: &[u8], cut: u64) -> Vec<u8> {
    let elf = Elf::parse(data).unwrap();
    let (ehsize, shsize, w) = match elf.class {
        ElfClass::Elf32 => (52usize, 40usize, 4usize),
        ElfClass::Elf64 => (64, 64, 8),
    };
    let mut out = data[..ehsize].to_vec();
    let mut table = Vec::new();
    for i in 0..elf.shnum {
        let s = elf.section_at(i).unwrap();
        let raw = elf.shoff as usize + usize::from(i) * usize::from(elf.shentsize);
        let mut h = data[raw..raw + shsize].to_vec();
        let keep = if i == elf.shstrndx {
            s.size
        } else {
            s.size.min(cut)
        };
        let off = out.len() as u64;
        out.extend_from_slice(&s.data[..keep as usize]);
        let (o_at, s_at) = if w == 4 { (16, 20) } else { (24, 32) };
        if s.size > 0 {
            put(&mut h, o_at, off, w);
        }
        put(&mut h, s_at, keep, w);
        table.extend_from_slice(&h);
    }
    let shoff = out.len() as u64;
    out.extend_from_slice(&table);
    let (shoff_at, shentsize_at) = if w == 4 { (32, 46) } else { (40, 58) };
    put(&mut out, shoff_at, shoff, w);
    put(&mut out, shentsize_at, shsize as u64, 2);
    Elf::parse(&out).expect("shrunk ELF must parse");
    out
}

fn write(out: &Path, target: &str, name: &str, data: &[u8]) {
    let dir = out.join(target);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), data).unwrap();
}

fn main() {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [out, fw] = &args[..] else {
        panic!("usage: fuzz_seeds OUT_DIR FW_DIR");
    };
    let mut n = 0;
    let mut seen = std::collections::HashSet::new();
    for chip in [
        "tu102", "tu116", "ga100", "ga102", "ad102", "gh100", "gb202",
    ] {
        let Ok(entries) = std::fs::read_dir(fw.join(chip).join("gsp")) else {
            continue;
        };
        for e in entries {
            let path = e.unwrap().path();
            if !seen.insert(std::fs::canonicalize(&path).unwrap()) {
                continue;
            }
            let file = path.file_name().unwrap().to_str().unwrap().to_string();
            let data = std::fs::read(&path).unwrap();
            let name = format!("{chip}-{file}");
            let targets: &[&str] = match identify(&data) {
                FileKind::GspRm => &["gsp", "elf"],
                FileKind::Fmc => &["fmc", "elf"],
                FileKind::RiscvBootloader => &["riscv", "bin_hdr"],
                FileKind::HsImage => &["hs", "bin_hdr"],
                FileKind::GenericBootloader => &["bl", "bin_hdr"],
                _ => &[],
            };
            for t in targets {
                if matches!(*t, "gsp" | "elf" | "fmc") {
                    let small = shrink_elf(&data, 256);
                    if *t == "gsp" {
                        fwparse::gsp::GspImage::parse(&small).expect("shrunk GSP-RM parses");
                    }
                    write(out, t, &name, &small);
                    n += 1;
                } else if data.len() <= MAX_SEED {
                    write(out, t, &name, &data);
                    write(
                        out,
                        t,
                        &format!("{name}.head"),
                        &data[..data.len().min(1024)],
                    );
                    n += 2;
                }
            }
        }
    }
    for (i, spec) in [
        VbiosSpec::default(),
        VbiosSpec {
            desc_version: 2,
            npde: false,
            ..Default::default()
        },
        VbiosSpec {
            efi: false,
            ifr: Some(1),
            ..Default::default()
        },
    ]
    .iter()
    .enumerate()
    {
        let v = build_vbios(spec);
        write(out, "vbios", &format!("synthetic-{i}.rom"), &v.bytes);
        // The fwsec target takes the FWSEC section directly, preceded by
        // the falcon data pointer and the PC-AT image size.
        let ptr = &v.bytes[v.falcon_ptr_offset..v.falcon_ptr_offset + 4];
        let mut f = ptr.to_vec();
        f.extend_from_slice(&(v.pci_at_size as u32).to_le_bytes());
        f.extend_from_slice(&v.bytes[v.fwsec_start..]);
        write(out, "fwsec", &format!("synthetic-{i}.bin"), &f);
        n += 2;
    }
    println!("wrote {n} seeds to {}", out.display());
}
