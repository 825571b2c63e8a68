//! `vbios::read_needed`, the on-demand VBIOS read nova uses on the PROM
//! window: on hand-built images and corrupted copies of them, whenever it
//! claims success, the part it read parses exactly as the whole file does.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use fwparse::fwsec::DmemMapper;
use fwparse::testimg::{build_vbios, VbiosSpec};
use fwparse::vbios::{self, RomWindow, Vbios};
use fwparse::ParseError;

/// Size of the test PROM window (the GPU's is 1 MiB).
const WINDOW: usize = 64 * 1024;
/// Unit of the window's reads (as nova's).
const BLOCK: usize = 64;

/// A PROM window over `rom`, counting what is read.
struct Window {
    rom: Vec<u8>,
    data: Vec<u8>,
    loaded: Vec<bool>,
    reads: usize,
}

impl Window {
    fn new(file: &[u8]) -> Self {
        let mut rom = file.to_vec();
        rom.resize(WINDOW, 0xff);
        Self {
            rom,
            data: vec![0; WINDOW],
            loaded: vec![false; WINDOW / BLOCK],
            reads: 0,
        }
    }
}

impl RomWindow for Window {
    type Error = ();

    fn load(&mut self, start: usize, len: usize) -> Result<bool, ()> {
        let end = start.saturating_add(len).min(WINDOW);
        let mut read = false;
        if start >= end {
            return Ok(read);
        }
        for b in start / BLOCK..end.div_ceil(BLOCK) {
            if !self.loaded[b] {
                let r = b * BLOCK..(b + 1) * BLOCK;
                self.data[r.clone()].copy_from_slice(&self.rom[r]);
                self.loaded[b] = true;
                self.reads += BLOCK;
                read = true;
            }
        }
        Ok(read)
    }

    fn window(&self) -> &[u8] {
        &self.data
    }
}

/// What the driver uses of a VBIOS: FWSEC's descriptor, signatures, ucode
/// and DMEM mapper, and where they are.
#[derive(Debug, PartialEq)]
struct Found {
    table_offset: usize,
    desc_offset: usize,
    desc: fwparse::fwsec::UcodeDesc,
    signatures: Vec<u8>,
    ucode: Vec<u8>,
    mapper: Result<DmemMapper, ParseError>,
}

fn found(data: &[u8]) -> Result<Found, ParseError> {
    let f = Vbios::parse(data)?.find_fwsec()?;
    Ok(Found {
        table_offset: f.table_offset,
        desc_offset: f.desc_offset,
        desc: f.desc,
        signatures: f.signatures.to_vec(),
        ucode: f.ucode.to_vec(),
        mapper: f.dmem_mapper(),
    })
}

/// Runs `read_needed` on a window holding `file`: if it claims success, the
/// part read must parse as the whole window does. Returns the bytes read,
/// if it succeeded.
fn check(file: &[u8]) -> Option<usize> {
    let mut w = Window::new(file);
    let end = vbios::read_needed(&mut w).unwrap()?;
    let part = found(&w.data[..end]);
    assert!(part.is_ok(), "read part does not parse: {part:?}");
    assert_eq!(part, found(&w.rom), "read part parses differently");
    Some(w.reads)
}

#[test]
fn reads_only_what_the_parser_needs() {
    for spec in [
        VbiosSpec::default(),
        VbiosSpec {
            desc_version: 2,
            ..Default::default()
        },
        VbiosSpec {
            efi: false,
            npde: false,
            ..Default::default()
        },
        VbiosSpec {
            signatures: 0,
            ..Default::default()
        },
    ] {
        let s = build_vbios(&spec);
        let mut w = Window::new(&s.bytes);
        let end = vbios::read_needed(&mut w).unwrap();
        assert_eq!(end, Some(s.bytes.len()), "{spec:?}");
        assert_eq!(check(&s.bytes), Some(w.reads), "{spec:?}");
        // Nothing after the chain is read.
        assert!(w.loaded[s.bytes.len().div_ceil(BLOCK)..].iter().all(|l| !l));
        // The PC-AT image is read up to the falcon data only, and an EFI
        // image's body is skipped.
        assert!(s.falcon_ptr_offset + 4 + BLOCK < s.pci_at_size);
        assert!(!w.loaded[s.pci_at_size / BLOCK - 1], "{spec:?}");
        if spec.efi {
            assert!(!w.loaded[s.image_offsets[2] / BLOCK - 1], "{spec:?}");
        }
        // In the FWSEC section, only the image headers, the table and
        // FWSEC are read.
        assert!(!w.loaded[s.fwsec_start / BLOCK + 4], "{spec:?}");
        assert!(!w.loaded[s.table_offset / BLOCK - 1], "{spec:?}");
        assert!(w.reads < s.bytes.len(), "{spec:?}: {}", w.reads);
    }
}

#[test]
fn ifr_header_is_left_to_the_full_read() {
    for ifr in [1, 3] {
        let s = build_vbios(&VbiosSpec {
            ifr: Some(ifr),
            ..Default::default()
        });
        assert_eq!(check(&s.bytes), None);
    }
}

#[test]
fn broken_chains_are_left_to_the_full_read() {
    let s = build_vbios(&VbiosSpec::default());
    // No last-image flag anywhere: the chain runs into the 0xff filler.
    let mut d = s.bytes.clone();
    for &at in &s.image_offsets {
        let pcir = at + usize::from(u16::from_le_bytes([d[at + 0x18], d[at + 0x19]]));
        d[pcir + 0x15] = 0;
        let npde = (pcir + usize::from(u16::from_le_bytes([d[pcir + 0xa], d[pcir + 0xb]])))
            .next_multiple_of(16);
        if &d[npde..npde + 4] == b"NPDE" {
            d[npde + 10] = 0;
        }
    }
    assert!(found(&d).is_err());
    assert_eq!(check(&d), None);
    // No FWSEC image.
    let mut d = s.bytes.clone();
    d.truncate(s.fwsec_start);
    assert_eq!(check(&d), None);
    // An empty PROM.
    assert_eq!(check(&[]), None);
}

#[test]
fn random_mutations_agree_with_the_full_parse() {
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for spec in [
        VbiosSpec::default(),
        VbiosSpec {
            desc_version: 2,
            npde: false,
            ..Default::default()
        },
    ] {
        let s = build_vbios(&spec);
        let mut ok = 0;
        for _ in 0..4000 {
            let mut d = s.bytes.clone();
            for _ in 0..1 + next() % 3 {
                let at = (next() as usize) % d.len();
                d[at] = next() as u8;
            }
            ok += usize::from(check(&d).is_some());
        }
        // Most single-byte changes hit bytes nothing checks.
        assert!(ok > 1000, "{spec:?}: {ok}");
    }
}
