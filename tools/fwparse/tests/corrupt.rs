//! The parsers on corrupted copies of the real firmware files: truncated,
//! with bad magic, with offsets and sizes pointing outside the file, with
//! overflowing sums, and randomly mutated. Each must give an error value
//! naming the problem, never a panic.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use std::io::Write;

use common::{files_named, read};
use fwparse::bl::GenericBootloader;
use fwparse::elf::Elf;
use fwparse::fmc::FmcImage;
use fwparse::gsp::GspImage;
use fwparse::hs::HsImage;
use fwparse::kind::identify;
use fwparse::riscv::RiscvFirmware;
use fwparse::vbios::Vbios;
use fwparse::ParseError;

/// The formats, each with its parser.
#[derive(Clone, Copy, Debug)]
enum Fmt {
    Gsp,
    Riscv,
    Hs,
    Bl,
    Fmc,
}

fn parse(fmt: Fmt, data: &[u8]) -> Result<(), ParseError> {
    match fmt {
        Fmt::Gsp => GspImage::parse(data).and_then(|g| {
            g.signatures().try_for_each(|s| s.map(|_| ()))?;
            g.signature("tu102").map(|_| ())
        }),
        Fmt::Riscv => RiscvFirmware::parse(data).map(|_| ()),
        Fmt::Hs => HsImage::parse(data).and_then(|h| {
            h.falcon_load(true)?;
            h.signature(0)?;
            Ok(())
        }),
        Fmt::Bl => GenericBootloader::parse(data).map(|_| ()),
        Fmt::Fmc => FmcImage::parse(data).map(|_| ()),
    }
}

/// Runs every parser on `data`; only panics matter.
fn parse_all(data: &[u8]) {
    for fmt in [Fmt::Gsp, Fmt::Riscv, Fmt::Hs, Fmt::Bl, Fmt::Fmc] {
        if let Err(e) = parse(fmt, data) {
            assert!(!e.to_string().is_empty());
            assert!(e.errno() < 0);
        }
    }
    let _ = identify(data);
    if let Ok(v) = Vbios::parse(data) {
        let _ = v.find_fwsec();
    }
    if let Ok(elf) = Elf::parse(data) {
        for s in elf.sections() {
            let _ = s;
        }
    }
}

/// The smallest 570.144 file called `stem`.
fn sample(stem: &str) -> Vec<u8> {
    let f = files_named(stem)
        .into_iter()
        .filter(|f| stem == "gsp" || f.version == "570.144")
        .min_by_key(|f| std::fs::metadata(&f.real).unwrap().len())
        .unwrap_or_else(|| panic!("no {stem} file"));
    read(&f.path).to_vec()
}

fn put32(d: &mut [u8], at: usize, v: u32) {
    d[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

fn put64(d: &mut [u8], at: usize, v: u64) {
    d[at..at + 8].copy_from_slice(&v.to_le_bytes());
}

fn get32(d: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(d[at..at + 4].try_into().unwrap())
}

/// Applies `change` to a copy of `data` and returns the parse error.
fn corrupt(fmt: Fmt, data: &[u8], change: impl FnOnce(&mut Vec<u8>)) -> ParseError {
    let mut copy = data.to_vec();
    change(&mut copy);
    match parse(fmt, &copy) {
        Ok(()) => panic!("{fmt:?}: corrupted copy parsed"),
        Err(e) => e,
    }
}

/// Truncations at `cuts` must all fail, without panicking.
fn truncations(fmt: Fmt, data: &[u8], cuts: impl Iterator<Item = usize>) -> usize {
    assert!(parse(fmt, data).is_ok(), "{fmt:?}: sample must parse");
    let mut n = 0;
    for len in cuts.filter(|&l| l < data.len()) {
        let e = parse(fmt, &data[..len]).expect_err("truncated copy parsed");
        assert!(!e.to_string().is_empty());
        n += 1;
    }
    n
}

/// Every length up to 4 KiB, then every 61st, then the last 64.
fn sweep(len: usize) -> impl Iterator<Item = usize> {
    (0..4096.min(len))
        .chain((4096..len).step_by(61))
        .chain(len.saturating_sub(64)..len)
}

fn report(what: &str, n: usize) {
    let _ = writeln!(std::io::stdout(), "fwparse: {n} {what}");
}

#[test]
fn truncated_bin_hdr_files() {
    let mut n = 0;
    for (stem, fmt) in [
        ("bootloader", Fmt::Riscv),
        ("booter_load", Fmt::Hs),
        ("scrubber", Fmt::Hs),
        ("gen_bootloader", Fmt::Bl),
        ("fmc", Fmt::Fmc),
    ] {
        let data = sample(stem);
        n += truncations(fmt, &data, sweep(data.len()));
    }
    report("truncated bin_hdr/FMC copies rejected", n);
}

#[test]
fn truncated_at_header_boundaries() {
    let hs = sample("booter_load");
    let h = HsImage::parse(&hs).unwrap();
    let cuts = [
        0,
        23,
        24,
        h.bin.header_offset as usize + 35,
        h.hdr.sig_prod_offset as usize,
        h.hdr.patch_loc_offset as usize + 3,
        h.hdr.meta_offset as usize + 11,
        h.hdr.num_sig_offset as usize + 3,
        h.hdr.load_header_offset as usize + 19,
        h.bin.data_offset as usize,
    ];
    let n = truncations(Fmt::Hs, &hs, cuts.into_iter());
    assert_eq!(n, cuts.len());
    let e = parse(Fmt::Hs, &hs[..23]).unwrap_err();
    assert!(
        matches!(
            e,
            ParseError::Truncated {
                what: "bin_hdr",
                need: 24,
                have: 23
            }
        ),
        "{e:?}"
    );

    let gsp = sample("gsp");
    let elf = Elf::parse(&gsp).unwrap();
    let shoff = elf.shoff as usize;
    let mut cuts = vec![0, 3, 4, 15, 16, 63, 64, shoff, gsp.len() - 1];
    for i in 0..usize::from(elf.shnum) {
        cuts.push(shoff + i * 64 + 63);
        let s = elf.section_at(i as u16).unwrap();
        cuts.push(s.offset as usize);
        cuts.push((s.offset + s.size) as usize);
    }
    truncations(Fmt::Gsp, &gsp, cuts.into_iter());
    let e = parse(Fmt::Gsp, &gsp[..63]).unwrap_err();
    assert!(
        matches!(
            e,
            ParseError::Truncated {
                what: "ELF64 header",
                ..
            }
        ),
        "{e:?}"
    );
    let e = parse(Fmt::Gsp, &gsp[..gsp.len() - 1]).unwrap_err();
    assert!(
        matches!(
            e,
            ParseError::OutOfBounds {
                what: "ELF section table",
                ..
            }
        ),
        "{e:?}"
    );
    let n = truncations(Fmt::Gsp, &gsp, sweep(gsp.len()).step_by(97));
    report("truncated GSP-RM copies rejected", n);
}

#[test]
fn bad_magic() {
    for (stem, fmt, what) in [
        ("gsp", Fmt::Gsp, "ELF header"),
        ("fmc", Fmt::Fmc, "ELF header"),
        ("bootloader", Fmt::Riscv, "bin_hdr"),
        ("booter_unload", Fmt::Hs, "bin_hdr"),
        ("gen_bootloader", Fmt::Bl, "bin_hdr"),
    ] {
        let data = sample(stem);
        let e = corrupt(fmt, &data, |d| d[1] ^= 0x20);
        assert_eq!(e, ParseError::BadMagic { what }, "{stem}");
        assert!(e.to_string().contains("bad magic"));
    }
}

#[test]
fn hs_offsets_out_of_bounds() {
    let d = sample("booter_load");
    let h = HsImage::parse(&d).unwrap();
    let ho = h.bin.header_offset as usize;
    let len = d.len() as u32;

    let e = corrupt(Fmt::Hs, &d, |d| put32(d, 20, 0xffff_fff0));
    assert!(
        matches!(
            e,
            ParseError::OutOfBounds {
                what: "bin_hdr payload",
                ..
            }
        ),
        "{e:?}"
    );
    let e = corrupt(Fmt::Hs, &d, |d| put32(d, 12, len + 8));
    assert!(
        matches!(
            e,
            ParseError::OutOfBounds {
                what: "bin_hdr header offset",
                ..
            }
        ),
        "{e:?}"
    );
    let e = corrupt(Fmt::Hs, &d, |d| put32(d, ho + 8, len - 2));
    assert!(
        matches!(
            e,
            ParseError::OutOfBounds {
                what: "HS patch location",
                ..
            }
        ),
        "{e:?}"
    );
    let e = corrupt(Fmt::Hs, &d, |d| put32(d, ho, u32::MAX));
    assert!(matches!(
        e,
        ParseError::OutOfBounds {
            what: "HS production signatures",
            ..
        }
    ));
    let e = corrupt(Fmt::Hs, &d, |d| put32(d, ho + 28, len - 8));
    assert!(
        matches!(
            e,
            ParseError::OutOfBounds {
                what: "HS load header",
                ..
            }
        ),
        "{e:?}"
    );

    // Values reached through the indirect offsets.
    let num_sig_at = h.hdr.num_sig_offset as usize;
    let e = corrupt(Fmt::Hs, &d, |d| put32(d, num_sig_at, 0));
    assert_eq!(
        e,
        ParseError::Invalid {
            what: "HS signature count",
            value: 0
        }
    );
    let e = corrupt(Fmt::Hs, &d, |d| put32(d, num_sig_at, 7));
    assert_eq!(
        e,
        ParseError::Invalid {
            what: "HS signature count",
            value: 7
        }
    );
    let loc = h.hdr.patch_loc_offset as usize;
    let e = corrupt(Fmt::Hs, &d, |d| put32(d, loc, h.ucode.len() as u32 - 4));
    assert!(matches!(
        e,
        ParseError::OutOfBounds {
            what: "HS signature patch location",
            ..
        }
    ));

    // Load header: application count and segments.
    let lh = h.hdr.load_header_offset as usize;
    let e = corrupt(Fmt::Hs, &d, |d| put32(d, lh + 16, u32::MAX));
    assert!(matches!(
        e,
        ParseError::OutOfBounds {
            what: "HS application table",
            ..
        }
    ));
    let e = corrupt(Fmt::Hs, &d, |d| put32(d, lh + 16, 0));
    assert!(matches!(
        e,
        ParseError::Invalid {
            what: "HS application count",
            ..
        }
    ));
    let e = corrupt(Fmt::Hs, &d, |d| put32(d, lh + 12, u32::MAX));
    assert!(
        matches!(
            e,
            ParseError::OutOfBounds {
                what: "HS OS data",
                ..
            }
        ),
        "{e:?}"
    );
    let e = corrupt(Fmt::Hs, &d, |d| put32(d, lh + 20, u32::MAX));
    assert!(matches!(
        e,
        ParseError::OutOfBounds {
            what: "HS application code",
            ..
        }
    ));
    assert!(e
        .to_string()
        .starts_with("HS application code: region 0xffffffff+"));
}

#[test]
fn riscv_and_bl_out_of_bounds() {
    let d = sample("bootloader");
    let ho = RiscvFirmware::parse(&d).unwrap().bin.header_offset as usize;
    let e = corrupt(Fmt::Riscv, &d, |d| put32(d, ho, 3));
    assert_eq!(
        e,
        ParseError::Unsupported {
            what: "RISC-V ucode descriptor version",
            value: 3
        }
    );
    let e = corrupt(Fmt::Riscv, &d, |d| put32(d, ho + 12 * 4, u32::MAX));
    assert!(
        matches!(
            e,
            ParseError::OutOfBounds {
                what: "monitor code",
                ..
            }
        ),
        "{e:?}"
    );
    let e = corrupt(Fmt::Riscv, &d, |d| put32(d, ho + 9 * 4, u32::MAX));
    assert!(
        matches!(
            e,
            ParseError::OutOfBounds {
                what: "manifest",
                ..
            }
        ),
        "{e:?}"
    );

    let d = sample("gen_bootloader");
    let e = corrupt(Fmt::Bl, &d, |d| put32(d, 0x18 + 12, u32::MAX));
    assert!(
        matches!(
            e,
            ParseError::OutOfBounds {
                what: "bootloader code",
                ..
            }
        ),
        "{e:?}"
    );
    let e = corrupt(Fmt::Bl, &d, |d| put32(d, 0x18 + 16, 0x2ff));
    assert!(
        matches!(
            e,
            ParseError::OutOfBounds {
                what: "bootloader data",
                ..
            }
        ),
        "{e:?}"
    );
}

#[test]
fn elf_out_of_bounds_and_overflow() {
    let d = sample("gsp");
    let elf = Elf::parse(&d).unwrap();
    let shoff = elf.shoff as usize;
    let image = elf.section(".fwimage").unwrap().index as usize;
    let shdr = |i: usize| shoff + i * 64;

    let e = corrupt(Fmt::Gsp, &d, |d| put64(d, 40, u64::MAX - 8));
    assert_eq!(
        e,
        ParseError::Overflow {
            what: "ELF section table"
        }
    );
    let e = corrupt(Fmt::Gsp, &d, |d| d[60] = 0xff);
    assert!(
        matches!(
            e,
            ParseError::OutOfBounds {
                what: "ELF section table",
                ..
            }
        ),
        "{e:?}"
    );
    let e = corrupt(Fmt::Gsp, &d, |d| d[62] = 0x40);
    assert!(matches!(
        e,
        ParseError::Invalid {
            what: "ELF section name table index",
            ..
        }
    ));
    let e = corrupt(Fmt::Gsp, &d, |d| d[58] = 32);
    assert!(matches!(
        e,
        ParseError::Invalid {
            what: "ELF section header size",
            ..
        }
    ));
    let e = corrupt(Fmt::Gsp, &d, |d| d[4] = 3);
    assert_eq!(
        e,
        ParseError::Unsupported {
            what: "ELF class",
            value: 3
        }
    );
    let e = corrupt(Fmt::Gsp, &d, |d| d[5] = 2);
    assert!(matches!(e, ParseError::Unsupported { .. }));
    let e = corrupt(Fmt::Gsp, &d, |d| d[18] = 62);
    assert!(matches!(
        e,
        ParseError::Unsupported {
            what: "GSP-RM ELF machine (must be RISC-V)",
            value: 62
        }
    ));

    // .fwimage contents beyond the file, wrapping, or unnamed.
    let len = d.len() as u64;
    let e = corrupt(Fmt::Gsp, &d, |d| put64(d, shdr(image) + 24, len));
    assert!(
        matches!(
            e,
            ParseError::OutOfBounds {
                what: "ELF section contents",
                ..
            }
        ),
        "{e:?}"
    );
    let e = corrupt(Fmt::Gsp, &d, |d| put64(d, shdr(image) + 32, u64::MAX));
    assert_eq!(
        e,
        ParseError::Overflow {
            what: "ELF section contents"
        }
    );
    let e = corrupt(Fmt::Gsp, &d, |d| put32(d, shdr(image), u32::MAX));
    assert_eq!(e, ParseError::NotFound { what: ".fwimage" });

    // Section name table beyond the file, and names running off its end.
    let strndx = usize::from(elf.shstrndx);
    let e = corrupt(Fmt::Gsp, &d, |d| put64(d, shdr(strndx) + 24, u64::MAX));
    assert_eq!(
        e,
        ParseError::Overflow {
            what: "ELF section name table"
        }
    );
    let e = corrupt(Fmt::Gsp, &d, |d| {
        let at = get32(d, shdr(strndx) + 24) as usize;
        let size = get32(d, shdr(strndx) + 32) as usize;
        d[at..at + size].fill(b'x');
    });
    assert_eq!(e, ParseError::NotFound { what: ".fwimage" });

    // The version string and the chip's signatures.
    let ver = elf.section(".fwversion").unwrap();
    let e = corrupt(Fmt::Gsp, &d, |d| d[ver.offset as usize] = 0);
    assert!(matches!(
        e,
        ParseError::Invalid {
            what: ".fwversion (empty)",
            ..
        }
    ));
    let sig = elf
        .section(".fwsignature_ga10x")
        .unwrap_or_else(|_| elf.section(".fwsignature_tu10x").unwrap());
    let name_at = get32(&d, shdr(sig.index as usize)) as usize;
    let strtab = elf.section_at(elf.shstrndx).unwrap().offset as usize;
    let e = corrupt(Fmt::Gsp, &d, |d| d[strtab + name_at + 1] = b'X');
    let _ = e; // Which chip lost its section depends on the sample file.
    assert!(GspImage::parse(&d).unwrap().signature("nv50").is_err());
}

#[test]
fn fmc_bad_sections() {
    let d = sample("fmc");
    let elf = Elf::parse(&d).unwrap();
    let hash = elf.section("hash").unwrap().index as usize;
    let shdr = elf.shoff as usize + hash * 40;
    let e = corrupt(Fmt::Fmc, &d, |d| put32(d, shdr + 20, 47));
    assert_eq!(
        e,
        ParseError::Invalid {
            what: "FMC hash size",
            value: 47
        }
    );
    let e = corrupt(Fmt::Fmc, &d, |d| put32(d, shdr + 16, u32::MAX));
    assert!(matches!(
        e,
        ParseError::OutOfBounds {
            what: "ELF section contents",
            ..
        }
    ));
    let e = corrupt(Fmt::Fmc, &d, |d| d[4] = 2);
    assert!(matches!(
        e,
        ParseError::Truncated { .. }
            | ParseError::Unsupported { .. }
            | ParseError::OutOfBounds { .. }
    ));
}

/// A small deterministic generator for the mutation test.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn random_mutations_never_panic() {
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    let mut n = 0;
    for stem in [
        "bootloader",
        "booter_load",
        "scrubber",
        "gen_bootloader",
        "fmc",
    ] {
        let data = sample(stem);
        let hot = data.len().min(0x600);
        for _ in 0..3000 {
            let mut copy = data.clone();
            for _ in 0..1 + rng.next() % 4 {
                let at = (rng.next() as usize) % hot;
                copy[at] = match rng.next() % 4 {
                    0 => 0xff,
                    1 => 0,
                    _ => rng.next() as u8,
                };
            }
            let cut = if rng.next().is_multiple_of(8) {
                (rng.next() as usize) % copy.len()
            } else {
                copy.len()
            };
            parse_all(&copy[..cut]);
            n += 1;
        }
    }
    report("randomly mutated copies parsed without panic", n);
}
