//! `nvfw` on the installed firmware files and on a hand-built VBIOS.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fw(rel: &str) -> PathBuf {
    let dir = fwparse::test_fw_dir();
    assert!(
        dir.is_dir(),
        "firmware directory {} not found (install firmware-nvidia-graphics in the build root or set NOVA_FW_DIR)",
        dir.display()
    );
    dir.join(rel)
}

fn nvfw(args: &[&str], file: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nvfw"))
        .args(args)
        .arg(file)
        .output()
        .expect("run nvfw")
}

fn ok(args: &[&str], file: &Path) -> String {
    let out = nvfw(args, file);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "nvfw {args:?} {}: {stderr}",
        file.display()
    );
    assert!(stderr.is_empty(), "{stderr}");
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// The value printed after `key` on a line of text output.
fn field<'a>(text: &'a str, key: &str) -> &'a str {
    text.lines()
        .find_map(|l| {
            l.trim_start()
                .strip_prefix(key)
                .filter(|r| r.starts_with("  "))
        })
        .unwrap_or_else(|| panic!("no {key} in\n{text}"))
        .trim()
}

fn tmp(name: &str, data: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("nvfw-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, data).unwrap();
    p
}

#[test]
fn gsp_rm() {
    let t = ok(&["info"], &fw("ga104/gsp/gsp-570.144.bin"));
    assert_eq!(field(&t, "kind"), "GSP-RM ELF image");
    assert_eq!(field(&t, "chip"), "ga104");
    assert_eq!(field(&t, "arch"), "Ampere");
    assert_eq!(field(&t, "fw version"), "570.144");
    assert_eq!(field(&t, "section"), ".fwsignature_ga10x");
    assert!(t.contains(".fwsignature_gb20x"));
    let t = ok(
        &["info", "--chip", "tu116"],
        &fw("tu102/gsp/gsp-535.113.01.bin"),
    );
    assert_eq!(field(&t, "section"), ".fwsignature_tu11x");
    assert_eq!(field(&t, "fw version"), "535.113.01");
}

#[test]
fn boot_files() {
    let t = ok(&["info"], &fw("ga102/gsp/booter_load-570.144.bin"));
    assert_eq!(field(&t, "kind"), "falcon HS image (booter_load)");
    assert_eq!(field(&t, "count"), "2");
    assert_eq!(field(&t, "patch location"), "0x8a10");
    assert_eq!(
        field(&t, "IMEM secure"),
        "src 0x100 -> dst 0x0, 0x8900 bytes"
    );
    let t = ok(&["info"], &fw("tu116/gsp/booter_unload-570.144.bin"));
    assert!(t.contains("IMEM non-secure"));
    let t = ok(&["info"], &fw("ad102/gsp/scrubber-570.144.bin"));
    assert_eq!((field(&t, "chip"), field(&t, "arch")), ("ad102", "Ada"));
    let t = ok(&["info"], &fw("ga102/gsp/bootloader-570.144.bin"));
    assert_eq!(field(&t, "kind"), "RISC-V bootloader");
    assert_eq!(field(&t, "monitor code"), "0x1800..0x4100 (0x2900 bytes)");
    let t = ok(&["info"], &fw("tu102/gsp/gen_bootloader-570.144.bin"));
    assert_eq!(field(&t, "IMEM address"), "0xfd00");
    let t = ok(&["info"], &fw("gh100/gsp/fmc-570.144.bin"));
    assert_eq!(field(&t, "signature size"), "384");
}

#[test]
fn json_output() {
    let j = ok(
        &["info", "--json"],
        &fw("ga102/gsp/booter_load-570.144.bin"),
    );
    assert!(j.starts_with("{\"file\":"), "{j}");
    assert!(j.contains("\"patch location\":35344"), "{j}");
    assert!(
        j.contains("\"IMEM secure\":{\"src\":256,\"dst\":0,\"len\":35072}"),
        "{j}"
    );
    assert_eq!(j.matches('{').count(), j.matches('}').count());
    let j = ok(&["info", "--json"], &fw("ga102/gsp/gsp-570.144.bin"));
    assert!(j.contains("\"fw version\":\"570.144\""));
    assert!(j.contains("\"size\":63571696"));
}

#[test]
fn every_570_file() {
    let mut n = 0;
    for chip in [
        "tu102", "tu116", "ga100", "ga102", "ad102", "gh100", "gb100", "gb202",
    ] {
        let dir = fw(&format!("{chip}/gsp"));
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_str().unwrap().to_string();
            if name.ends_with("-570.144.bin") && !name.starts_with("gsp-") {
                ok(&["info", "--json"], &p);
                n += 1;
            }
        }
    }
    assert!(n >= 20, "{n}");
}

#[test]
fn vbios_image() {
    let s = fwparse::testimg::build_vbios(&fwparse::testimg::VbiosSpec::default());
    let p = tmp("vbios.rom", &s.bytes);
    let t = ok(&["vbios"], &p);
    assert!(t.contains("0xe0 FWSEC"), "{t}");
    assert_eq!(field(&t, "descriptor version"), "3");
    assert_eq!(field(&t, "signatures"), "2");
    assert_eq!(field(&t, "init cmd"), "0x15");
    assert!(t.contains("0x70 'p'"), "{t}");
    // `info` recognises a VBIOS by its content too.
    assert_eq!(ok(&["info"], &p), t);
    let j = ok(&["vbios", "--json"], &p);
    assert!(j.contains("\"descriptor version\":3"), "{j}");
}

#[test]
fn errors_exit_1() {
    let bad = |args: &[&str], p: &Path, msg: &str| {
        let out = nvfw(args, p);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let e = String::from_utf8_lossy(&out.stderr);
        assert!(e.contains(msg), "{e}");
        assert!(!e.contains("panicked"), "{e}");
        assert!(out.stdout.is_empty());
    };
    bad(
        &["info"],
        Path::new("/nonexistent/file.bin"),
        "No such file",
    );
    bad(
        &["info"],
        &tmp("junk.bin", b"hello world"),
        "not a known firmware format",
    );
    let mut hs = std::fs::read(fw("ga102/gsp/booter_load-570.144.bin")).unwrap();
    hs.truncate(0x200);
    bad(
        &["info"],
        &tmp("short.bin", &hs),
        "falcon HS image: bin_hdr payload: region",
    );
    let mut gsp = std::fs::read(fw("tu102/gsp/gen_bootloader-570.144.bin")).unwrap();
    gsp[0] = 0;
    bad(
        &["info"],
        &tmp("nomagic.bin", &gsp),
        "not a known firmware format",
    );
    bad(&["vbios"], &tmp("notrom.bin", &[0x55, 0xaa, 0]), "VBIOS: ");
    bad(&["frobnicate"], Path::new("x"), "unknown command");
    bad(&["info", "--chip", "nv50"], Path::new("x"), "unknown chip");
}
