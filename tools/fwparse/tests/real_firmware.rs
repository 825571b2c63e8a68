//! The parsers on every firmware file of the installed
//! firmware-nvidia-graphics package, checked against what the files say
//! about themselves.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::collections::BTreeSet;
use std::io::Write;

use common::{files, files_named, read, FwFile};
use fwparse::bin_hdr::BinHdr;
use fwparse::bl::GenericBootloader;
use fwparse::chip::{self, Arch};
use fwparse::elf::{Elf, ElfClass, Section};
use fwparse::fmc::FmcImage;
use fwparse::gsp::GspImage;
use fwparse::hs::HsImage;
use fwparse::kind::{identify, FileKind};
use fwparse::riscv::RiscvFirmware;

/// Prints past the test harness's capture, so counts show in every run.
fn report(what: &str, n: usize) {
    let _ = writeln!(std::io::stdout(), "fwparse: checked {n} {what}");
}

fn arch(f: &FwFile) -> Arch {
    chip::arch(&f.chip).unwrap_or_else(|| panic!("{}: unknown chip", f.path.display()))
}

/// Checks the `bin_hdr` facts shared by all `bin_hdr` files: the payload
/// ends the file and the declared size is the file size rounded up.
fn check_bin(f: &FwFile, data: &[u8], bin: &BinHdr) {
    let len = data.len() as u64;
    assert_eq!(
        u64::from(bin.data_offset) + u64::from(bin.data_size),
        len,
        "{}: payload must end the file",
        f.path.display()
    );
    assert!(u64::from(bin.bin_size) >= len, "{}", f.path.display());
    assert_eq!(bin.bin_size % 256, 0, "{}", f.path.display());
}

/// Value of the `_binary_*_size` symbol of a GSP-RM file, which the build
/// sets to the size of the embedded image.
fn image_size_symbol(elf: &Elf<'_>) -> u64 {
    let symtab = elf.section(".symtab").unwrap();
    let strtab = elf.section(".strtab").unwrap();
    for sym in symtab.data.chunks_exact(24) {
        let name = u32::from_le_bytes(sym[0..4].try_into().unwrap()) as usize;
        let shndx = u16::from_le_bytes(sym[6..8].try_into().unwrap());
        let value = u64::from_le_bytes(sym[8..16].try_into().unwrap());
        let end = strtab.data[name..].iter().position(|&b| b == 0).unwrap();
        let name = std::str::from_utf8(&strtab.data[name..name + end]).unwrap();
        if shndx == 0xfff1 && name.ends_with("_size") {
            return value;
        }
    }
    panic!("no _size symbol");
}

#[test]
fn gsp_rm_images() {
    let list = files_named("gsp");
    assert!(list.len() >= 20, "expected GSP-RM files for every chip");
    let mut distinct = BTreeSet::new();
    for f in &list {
        let data = read(&f.path);
        let g = GspImage::parse(&data).unwrap_or_else(|e| panic!("{}: {e}", f.path.display()));
        let p = f.path.display();
        assert_eq!(g.elf.class, ElfClass::Elf64);
        assert_eq!(g.version, f.version, "{p}: .fwversion");
        let sig = g.signature(&f.chip).unwrap_or_else(|e| panic!("{p}: {e}"));
        assert_eq!(sig.name, chip::gsp_sig_section(&f.chip).unwrap());
        assert_eq!(sig.size, 4096, "{p}: signature section size");

        // The section table closes the file, the image directly follows
        // the ELF header and its size is the one the build recorded.
        let elf = &g.elf;
        assert_eq!(
            elf.shoff + u64::from(elf.shnum) * 64,
            data.len() as u64,
            "{p}"
        );
        assert_eq!(g.image.offset, 64, "{p}");
        assert_eq!(image_size_symbol(elf), g.image.size, "{p}");

        // Sections lie in the file and do not overlap.
        let mut spans: Vec<Section<'_>> = elf.sections().map(|s| s.unwrap()).collect();
        spans.retain(|s| s.size > 0);
        spans.sort_by_key(|s| s.offset);
        for w in spans.windows(2) {
            assert!(
                w[0].offset + w[0].size <= w[1].offset,
                "{p}: {} overlaps",
                w[0].name
            );
        }
        assert!(g.signatures().all(|s| s.unwrap().size == 4096));
        distinct.insert(f.real.clone());
    }
    report("GSP-RM images (chip/version pairs)", list.len());
    report("distinct GSP-RM files", distinct.len());
}

#[test]
fn riscv_bootloaders() {
    let list = files_named("bootloader");
    assert!(list.len() >= 20);
    for f in &list {
        let data = read(&f.path);
        let p = f.path.display();
        let fw = RiscvFirmware::parse(&data).unwrap_or_else(|e| panic!("{p}: {e}"));
        check_bin(f, &data, &fw.bin);
        let d = &fw.desc;
        assert_eq!(
            fw.bin.header_offset as usize + d.size(),
            fw.bin.data_offset as usize,
            "{p}"
        );
        let legacy = arch(f) == Arch::Turing || f.chip == "ga100";
        assert_eq!(
            d.version,
            if legacy { 4 } else { 5 },
            "{p}: descriptor version"
        );
        if legacy {
            assert_eq!(
                d.bootloader_param_offset,
                d.bootloader_offset + d.bootloader_size
            );
            assert!(d.fb_reserved_size.is_none());
        } else {
            // Manifest, monitor data, monitor code, then the bootloader.
            assert!(d.monitor_enabled, "{p}");
            assert!(d.manifest_size > 0 && d.monitor_code_size > 0, "{p}");
            assert!(
                d.manifest_offset + d.manifest_size <= d.monitor_data_offset,
                "{p}"
            );
            assert!(d.monitor_data_offset + d.monitor_data_size <= d.monitor_code_offset);
            let code_end = d.monitor_code_offset + d.monitor_code_size;
            if d.bootloader_size > 0 {
                assert!(code_end <= d.bootloader_offset, "{p}");
            }
            let fb = d.fb_reserved_size.unwrap();
            assert!(
                fb == 0 || fb == fw.bin.data_size,
                "{p}: fb reserved {fb:#x}"
            );
        }
    }
    report("RISC-V bootloaders", list.len());
}

#[test]
fn hs_images() {
    let mut n = 0;
    for stem in ["booter_load", "booter_unload", "scrubber"] {
        let list = files_named(stem);
        assert!(!list.is_empty(), "no {stem} files");
        for f in &list {
            check_hs(f);
            n += 1;
        }
    }
    report("falcon HS images", n);
}

fn check_hs(f: &FwFile) {
    let data = read(&f.path);
    let p = f.path.display();
    let hs = HsImage::parse(&data).unwrap_or_else(|e| panic!("{p}: {e}"));
    check_bin(f, &data, &hs.bin);
    let arch = arch(f);
    let sig_size = if arch == Arch::Turing { 16 } else { 384 };
    assert_eq!(hs.sig_size, sig_size, "{p}: signature size");
    assert_eq!(hs.num_sig * hs.sig_size, hs.hdr.sig_prod_size, "{p}");
    assert_eq!(hs.signatures.len(), hs.hdr.sig_prod_size as usize);
    assert_eq!(
        hs.signature(hs.num_sig - 1).unwrap().len(),
        sig_size as usize
    );
    assert_eq!(hs.signature_index(0).unwrap(), hs.num_sig - 1);
    // The headers, signatures and indirect values all precede the payload.
    let h = &hs.hdr;
    for off in [
        h.sig_prod_offset + h.sig_prod_size,
        h.patch_loc_offset + 4,
        h.num_sig_offset + 4,
        h.meta_offset + h.meta_size,
        h.load_header_offset + h.load_header_size,
    ] {
        assert!(
            off <= hs.bin.data_offset,
            "{p}: header field past payload start"
        );
    }
    // OS code, application 0 and OS data follow each other in the payload
    // (some payloads have a padding block after the OS data).
    let l = &hs.load;
    assert_eq!(l.num_apps, 1, "{p}");
    let app = hs.app(0).unwrap();
    assert_eq!(l.os_code_offset, 0, "{p}");
    assert_eq!(app.code_offset, l.os_code_offset + l.os_code_size, "{p}");
    assert_eq!(l.os_data_offset, app.code_offset + app.code_size, "{p}");
    let data_end = (l.os_data_offset + l.os_data_size) as usize;
    assert!(
        data_end <= hs.ucode.len() && hs.ucode.len() - data_end <= 0x100,
        "{p}"
    );
    // The signature is patched into the OS data.
    let pkc = hs.pkc_data_offset().unwrap();
    assert!(pkc + hs.sig_size <= l.os_data_size, "{p}: patch location");
    let meta = hs.meta.expect("metadata");
    if f.stem.starts_with("booter") {
        assert_eq!(meta.engine_id_mask, 1, "{p}: booter runs on SEC2");
    }
    let ns = chip::hs_ns_code(&f.chip).unwrap();
    let load = hs.falcon_load(ns).unwrap();
    assert_eq!(load.imem_ns.is_some(), ns);
    assert_eq!(load.dmem.len, l.os_data_size);
    assert_eq!(
        load.boot_addr,
        if ns {
            l.os_code_offset
        } else {
            app.code_offset
        }
    );
}

#[test]
fn generic_bootloaders() {
    let list = files_named("gen_bootloader");
    assert!(!list.is_empty());
    for f in &list {
        let data = read(&f.path);
        let p = f.path.display();
        let bl = GenericBootloader::parse(&data).unwrap_or_else(|e| panic!("{p}: {e}"));
        check_bin(f, &data, &bl.bin);
        let d = &bl.desc;
        assert_eq!(d.code_off, 0, "{p}");
        assert!(d.code_off + d.code_size <= d.data_off, "{p}");
        assert_eq!(d.data_off + d.data_size, bl.bin.data_size, "{p}");
        // Placed at the top of the falcon's 64 KiB IMEM.
        let imem = bl.imem_addr().unwrap();
        assert!(imem + d.code_size <= 0x10000, "{p}: {imem:#x}");
        assert!(matches!(arch(f), Arch::Turing | Arch::Ampere));
    }
    report("falcon generic bootloaders", list.len());
}

#[test]
fn fmc_images() {
    let list = files_named("fmc");
    assert!(!list.is_empty());
    for f in &list {
        let data = read(&f.path);
        let p = f.path.display();
        let fmc = FmcImage::parse(&data).unwrap_or_else(|e| panic!("{p}: {e}"));
        assert!(matches!(arch(f), Arch::Hopper | Arch::Blackwell), "{p}");
        assert_eq!(fmc.hash.len(), 48);
        // Hopper signs with RSA-3072, Blackwell with ECDSA P-384 (a 96-byte
        // signature and a 97-byte uncompressed public key).
        let (sig, pkey) = if arch(f) == Arch::Hopper {
            (384, 384)
        } else {
            (96, 97)
        };
        assert_eq!(fmc.signature.len(), sig, "{p}");
        assert_eq!(fmc.public_key.len(), pkey, "{p}");
        let image = fmc.elf.section("image").unwrap();
        assert_eq!(
            image.offset + image.size,
            data.len() as u64,
            "{p}: image ends the file"
        );
    }
    report("FMC images", list.len());
}

#[test]
fn every_file_identified_and_parsed() {
    let all = files();
    let mut real = BTreeSet::new();
    let mut per_version = [0usize; 2];
    for f in &all {
        let data = read(&f.path);
        let want = match f.stem.as_str() {
            "gsp" => FileKind::GspRm,
            "bootloader" => FileKind::RiscvBootloader,
            "booter_load" | "booter_unload" | "scrubber" => FileKind::HsImage,
            "gen_bootloader" => FileKind::GenericBootloader,
            "fmc" => FileKind::Fmc,
            other => panic!("{}: unexpected firmware file {other}", f.path.display()),
        };
        assert_eq!(identify(&data), want, "{}", f.path.display());
        assert!(chip::is_known(&f.chip), "{}", f.chip);
        per_version[usize::from(f.version != "570.144")] += 1;
        real.insert(f.real.clone());
    }
    // Every GSP chip has its 570.144 boot files.
    for chip in chip::names() {
        let has = |stem: &str| {
            all.iter()
                .any(|f| f.chip == chip && f.stem == stem && f.version == "570.144")
        };
        assert!(
            has("gsp") && has("bootloader"),
            "{chip}: missing 570.144 files"
        );
        match chip::arch(chip).unwrap() {
            Arch::Hopper | Arch::Blackwell => assert!(has("fmc"), "{chip}"),
            _ => assert!(has("booter_load") && has("booter_unload"), "{chip}"),
        }
    }
    report("firmware files (570.144)", per_version[0]);
    report("firmware files (535.113.01)", per_version[1]);
    report("distinct firmware files", real.len());
}
