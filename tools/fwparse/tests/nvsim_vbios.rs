//! nova's VBIOS parser on the ROMs nvsim serves (`nvsim-vbios`): the image
//! chains of real boards (TU117: five images ending with an NBSI image
//! whose NPDE slot holds its directory; GA102: four images, 553 KiB; GA100:
//! GA102's chain behind an IFR header), both through `Vbios::parse` on the
//! whole file and through `read_needed`, the on-demand PROM read nova does
//! at probe, on a 1 MiB window as the GPU's.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use fwparse::fwsec::UcodeDesc;
use fwparse::vbios::{
    self, RomWindow, Vbios, CODE_TYPE_EFI, CODE_TYPE_FWSEC, CODE_TYPE_NBSI, CODE_TYPE_PCI_AT,
};
use nvsim_vbios::{build, ChainSpec, DescVersion, FwsecSpec, PciIdentity, Rom, RomSpec};

/// The PROM window (BAR0 0x300000, 1 MiB).
const WINDOW: usize = 0x10_0000;
/// Unit of nova's on-demand reads (`boot/vbios.rs` `BLOCK`).
const BLOCK: usize = 64;
/// Unit of nova's fallback full read (`boot/vbios.rs` `CHUNK`).
const CHUNK: usize = 16 * 1024;

fn rom(desc: DescVersion, chain: ChainSpec) -> Rom {
    build(&RomSpec {
        pci: PciIdentity {
            vendor_id: 0x10de,
            device_id: 0x1e07,
            class_code: 0x030000,
        },
        bios_version: 0x9002_4200,
        oem_version: 1,
        fwsec: FwsecSpec {
            desc_version: desc,
            engine_id_mask: 0x0400,
            ucode_id: 1,
            signature_versions: 0b0110,
            build_stamp: 0x162,
        },
        chain,
    })
}

/// Every chain with each descriptor version.
fn cases() -> Vec<(&'static str, DescVersion, ChainSpec)> {
    let mut v = Vec::new();
    for (name, chain) in [
        ("TU117", ChainSpec::TU117),
        ("GA102", ChainSpec::GA102),
        ("GA100", ChainSpec::GA100),
    ] {
        for desc in [DescVersion::V2, DescVersion::V3] {
            v.push((name, desc, chain));
        }
    }
    v
}

/// The PROM window over a ROM: erased flash (0xff) past its end; reads in
/// 64-byte blocks into a zeroed copy, as nova's `Prom`.
struct Prom {
    rom: Vec<u8>,
    data: Vec<u8>,
    loaded: Vec<bool>,
    reads: usize,
}

impl Prom {
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

impl RomWindow for Prom {
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

#[test]
fn whole_file_parses_with_the_real_chain() {
    for (name, desc, chain) in cases() {
        let built = rom(desc, chain);
        let layout = &built.layout;
        let v = Vbios::parse(&built.bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(v.rom_offset, layout.rom_offset, "{name}");
        assert_eq!(v.image_count, layout.images.len(), "{name}");
        let images: Vec<_> = v.images().map(|i| i.unwrap()).collect();
        for (img, want) in images.iter().zip(&layout.images) {
            assert_eq!(img.offset, want.offset, "{name}");
            assert_eq!(img.size() as usize, want.len, "{name}");
            assert_eq!(img.code_type(), want.code_type, "{name}");
        }
        let last: Vec<bool> = images.iter().map(|i| i.is_last()).collect();
        assert!(last[..last.len() - 1].iter().all(|l| !l), "{name}");
        assert!(last[last.len() - 1], "{name}");
        let types: Vec<u8> = images.iter().map(|i| i.code_type()).collect();
        if chain.nbsi.is_some() {
            assert_eq!(
                types,
                [
                    CODE_TYPE_PCI_AT,
                    CODE_TYPE_EFI,
                    CODE_TYPE_FWSEC,
                    CODE_TYPE_FWSEC,
                    CODE_TYPE_NBSI
                ],
                "{name}"
            );
            // The NBSI image's NPDE slot holds its directory: no NPDE, so
            // its size is the PCIR's, and it is last by its type.
            let nbsi = images[4];
            assert!(nbsi.npde.is_none(), "{name}");
            assert_eq!(nbsi.size(), 0x1a00);
            // The FWSEC image before it has an NPDE that says "not last".
            assert!(!images[3].is_last());
        } else {
            assert!(images.iter().all(|i| i.npde.is_some()), "{name}");
        }

        let (start, section) = v.fwsec_section().unwrap();
        assert_eq!(start, layout.images[2].offset, "{name}");
        assert_eq!(start + section.len(), built.bytes.len(), "{name}");
        let f = v.find_fwsec().unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(f.table_offset, layout.falcon_table - start, "{name}");
        assert_eq!(f.desc_offset, layout.fwsec_desc - start, "{name}");
        assert_eq!(
            f.ucode.as_ptr(),
            built.bytes[layout.fwsec_ucode..].as_ptr(),
            "{name}"
        );
        match (desc, f.desc) {
            (DescVersion::V2, UcodeDesc::V2(_)) => {}
            (DescVersion::V3, UcodeDesc::V3(d)) => {
                assert_eq!(d.signature_count, 2);
                assert!(f.signature(1).unwrap().starts_with(b"NVSIM-FWSEC-SIG-V02"));
            }
            (want, got) => panic!("{name}: {want:?} built, {got:?} parsed"),
        }
        let m = f.dmem_mapper().unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(&m.signature.to_le_bytes(), b"DMAP", "{name}");
    }
}

#[test]
fn on_demand_read_takes_little_of_a_real_chain() {
    for (name, desc, chain) in cases() {
        let built = rom(desc, chain);
        let mut prom = Prom::new(&built.bytes);
        let end = vbios::read_needed(&mut prom).unwrap();
        if chain.ifr.is_some() {
            // An IFR header is left to the full read (below).
            assert_eq!(end, None, "{name}");
            continue;
        }
        assert_eq!(end, Some(built.bytes.len()), "{name}");
        // The part read parses as the whole file does.
        let part = &prom.data[..built.bytes.len()];
        let whole = Vbios::parse(&built.bytes).unwrap().find_fwsec().unwrap();
        let read = Vbios::parse(part).unwrap().find_fwsec().unwrap();
        assert_eq!(read.desc_offset, whole.desc_offset, "{name}");
        assert_eq!(read.desc, whole.desc, "{name}");
        assert_eq!(read.ucode, whole.ucode, "{name}");
        assert_eq!(read.signatures, whole.signatures, "{name}");
        assert_eq!(read.dmem_mapper(), whole.dmem_mapper(), "{name}");
        // Nothing past the chain, nor the bodies of the EFI image, the
        // first FWSEC image or (TU117) the NBSI image.
        let l = &built.layout;
        assert!(prom.loaded[built.bytes.len().div_ceil(BLOCK)..]
            .iter()
            .all(|b| !b));
        for img in &l.images[1..3] {
            let body = (img.offset + 1024) / BLOCK..(img.offset + img.len) / BLOCK;
            assert!(prom.loaded[body].iter().all(|b| !b), "{name}");
        }
        // The x86 image up to its BIT only.
        assert!(!prom.loaded[(l.images[0].offset + 1024) / BLOCK], "{name}");
        let ucode_end = l.fwsec_ucode + whole.ucode.len();
        assert!(prom.reads < ucode_end - l.fwsec_desc + 4096, "{name}");
        eprintln!(
            "{name} {desc:?}: {} bytes read of a {} byte chain",
            prom.reads,
            built.bytes.len()
        );
    }
}

#[test]
fn ifr_rom_is_found_by_the_full_read() {
    for desc in [DescVersion::V2, DescVersion::V3] {
        let built = rom(desc, ChainSpec::GA100);
        assert_eq!(vbios::ifr_rom_offset(&built.bytes), Ok(0x4000));
        // nova's fallback: read the window in 16 KiB chunks, parse after
        // each; it succeeds once the chain is in.
        let mut window = built.bytes.clone();
        window.resize(WINDOW, 0xff);
        let chunks = (1..=WINDOW / CHUNK)
            .find(|n| {
                Vbios::parse(&window[..n * CHUNK])
                    .and_then(|v| v.find_fwsec().map(drop))
                    .is_ok()
            })
            .expect("FWSEC found in the window");
        assert_eq!(chunks, built.bytes.len().div_ceil(CHUNK));
        let v = Vbios::parse(&window[..chunks * CHUNK]).unwrap();
        assert_eq!(v.rom_offset, 0x4000);
        assert_eq!(v.image_count, 4);
    }
}
