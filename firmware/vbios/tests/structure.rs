//! Structure tests of the generated ROMs.
//!
//! These walk the ROM the way drivers do, with small parsers written here
//! from the format descriptions (PCI Firmware Specification, the BIT
//! document, the falcon ucode table and descriptor layouts) and from the
//! rules of each driver's image-chain walk (nova-core `vbios.rs`, nouveau
//! `nvkm/subdev/bios/image.c`, OpenRM `s_locateExpansionRoms`), using
//! literal offsets rather than the generator's helpers.

use nvsim_vbios::{
    build, fwsec, ChainSpec, DescVersion, FwsecSpec, IfrSpec, PciIdentity, Rom, RomSpec,
};

fn rd8(b: &[u8], o: usize) -> u8 {
    b[o]
}
fn rd16(b: &[u8], o: usize) -> u16 {
    u16::from_le_bytes([b[o], b[o + 1]])
}
fn rd32(b: &[u8], o: usize) -> u32 {
    u32::from_le_bytes([b[o], b[o + 1], b[o + 2], b[o + 3]])
}

/// The PROM window drivers read through.
const PROM_WINDOW: usize = 0x10_0000;

fn spec(desc: DescVersion, chain: ChainSpec) -> RomSpec {
    RomSpec {
        pci: PciIdentity {
            vendor_id: 0x10de,
            device_id: 0x2204,
            class_code: 0x030000,
        },
        bios_version: 0x9402_4200,
        oem_version: 0x5a,
        fwsec: FwsecSpec {
            desc_version: desc,
            engine_id_mask: 0x0400,
            ucode_id: 1,
            signature_versions: 0b0110,
            build_stamp: 0x1234_5678,
        },
        chain,
    }
}

/// Every real chain, with the descriptor version of its generation.
fn real_chains() -> [(&'static str, DescVersion, ChainSpec); 3] {
    [
        ("TU117", DescVersion::V2, ChainSpec::TU117),
        ("GA102", DescVersion::V3, ChainSpec::GA102),
        ("GA100", DescVersion::V3, ChainSpec::GA100),
    ]
}

/// One image found by walking the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Img {
    base: usize,
    size: usize,
    code_type: u8,
    last: bool,
}

/// Where the images start: after an IFR header, as nova-core's
/// `rom_offset`, nouveau's `nvbios_prom_init` and OpenRM's
/// `s_romImgFindPciHeader_TU102` find it.
fn rom_offset(rom: &[u8]) -> usize {
    if rd16(rom, 0) == 0xaa55 {
        return 0;
    }
    assert_eq!(&rom[..4], b"NVGI", "neither a ROM nor an IFR signature");
    let fixed1 = rd32(rom, 4);
    let off = match (fixed1 >> 8) & 0xff {
        1 | 2 => rd32(rom, ((fixed1 >> 16) & 0x7fff) as usize + 4),
        3 => {
            let total = (rd32(rom, 8) & 0xf_ffff) as usize;
            let dir = rd32(rom, total) as usize + 4096;
            assert_eq!(&rom[dir..dir + 4], b"RFRD", "ROM directory");
            rd32(rom, dir + 8)
        }
        v => panic!("IFR version {v}"),
    } as usize;
    assert_eq!(off % 4, 0, "OpenRM wants a 4-byte aligned ROM offset");
    assert!(off < PROM_WINDOW, "nouveau wants it inside the PROM window");
    assert_eq!(rd16(rom, off), 0xaa55, "nouveau wants a ROM there");
    off
}

/// The headers every walk reads: PCIR offset, PCIR length, code type, PCIR
/// image length and last flag, and the NPDE position.
fn pcir(rom: &[u8], base: usize) -> (usize, u8, usize, bool, usize) {
    let sig = rd16(rom, base);
    assert!(sig == 0xaa55 || sig == 0x4e56, "ROM signature at {base:#x}");
    let p = base + rd16(rom, base + 0x18) as usize;
    assert!(&rom[p..p + 4] == b"PCIR" || &rom[p..p + 4] == b"NPDS");
    let len = rd16(rom, p + 0x10) as usize * 512;
    assert_ne!(len, 0);
    let npde = (p + rd16(rom, p + 0x0a) as usize + 15) & !15;
    (
        p,
        rd8(rom, p + 0x14),
        len,
        rd8(rom, p + 0x15) & 0x80 != 0,
        npde,
    )
}

/// Walks the chain with nova-core's rules (`VbiosIterator`, `BiosImage`):
/// the NPDE counts if its signature is "NPDE" and its length is not 0, and
/// then gives size and last flag; an NBSI image is the last; the next image
/// starts at the next 512-byte boundary; nothing may lie past 1 MiB.
fn walk_nova_core(rom: &[u8]) -> Vec<Img> {
    let mut out = Vec::new();
    let mut base = rom_offset(rom);
    loop {
        assert!(base < PROM_WINDOW, "exceeded BIOS scan limit");
        let (_, code_type, pcir_len, pcir_last, n) = pcir(rom, base);
        let npde = (&rom[n..n + 4] == b"NPDE" && rd16(rom, n + 8) != 0).then(|| {
            (
                rd16(rom, n + 8) as usize * 512,
                rd8(rom, n + 10) & 0x80 != 0,
            )
        });
        let size = npde.map_or(pcir_len, |n| n.0);
        let last = code_type == 0x70 || npde.map_or(pcir_last, |n| n.1);
        assert!(base + size <= PROM_WINDOW, "image past the scan limit");
        out.push(Img {
            base,
            size,
            code_type,
            last,
        });
        if last {
            return out;
        }
        base = (base + size + 511) & !511;
    }
}

/// Walks the chain with nouveau's rules (`nvbios_imagen`): an NBSI image is
/// the last and its NPDE is not looked at; elsewhere an "NPDE" signature is
/// enough for its size and flag to count.
fn walk_nouveau(rom: &[u8]) -> Vec<Img> {
    let mut out = Vec::new();
    let mut base = rom_offset(rom);
    loop {
        let (_, code_type, pcir_len, pcir_last, n) = pcir(rom, base);
        let (size, last) = if code_type == 0x70 {
            (pcir_len, true)
        } else if &rom[n..n + 4] == b"NPDE" {
            (
                rd16(rom, n + 8) as usize * 512,
                rd8(rom, n + 10) & 0x80 != 0,
            )
        } else {
            (pcir_len, pcir_last)
        };
        out.push(Img {
            base,
            size,
            code_type,
            last,
        });
        if last {
            return out;
        }
        base += size;
    }
}

/// Walks the chain with OpenRM's rules (`s_locateExpansionRoms`): the NPDE
/// counts only with revision 0x100 or 0x101, its last flag only if its
/// length covers it; no NBSI rule (the PCIR flag decides).
fn walk_openrm(rom: &[u8]) -> Vec<Img> {
    let mut out = Vec::new();
    let mut base = rom_offset(rom);
    loop {
        let (_, code_type, pcir_len, pcir_last, n) = pcir(rom, base);
        let (mut size, mut last) = (pcir_len, pcir_last);
        if &rom[n..n + 4] == b"NPDE" && matches!(rd16(rom, n + 4), 0x100 | 0x101) {
            size = rd16(rom, n + 8) as usize * 512;
            if rd16(rom, n + 6) >= 0x0b {
                last = rd8(rom, n + 10) & 0x80 != 0;
            } else if size < pcir_len {
                last = false;
            }
        }
        out.push(Img {
            base,
            size,
            code_type,
            last,
        });
        if last {
            return out;
        }
        base += size;
    }
}

/// The chain every driver finds (they must agree).
fn walk(rom: &[u8]) -> Vec<Img> {
    let chain = walk_nova_core(rom);
    assert_eq!(walk_nouveau(rom), chain, "nouveau walks differently");
    assert_eq!(walk_openrm(rom), chain, "OpenRM walks differently");
    chain
}

#[test]
fn real_chains_have_the_real_images() {
    // (code type, size) of each image and the offset of the chain, as the
    // boot logs report them (see the crate's `chain.rs`).
    let tu117 = [
        (0x00, 0xe600),
        (0x03, 0x11000),
        (0xe0, 0xc200),
        (0xe0, 0x22400),
        (0x70, 0x1a00),
    ];
    let ga102 = [
        (0x00, 0xfe00),
        (0x03, 0x14800),
        (0xe0, 0x5600),
        (0xe0, 0x60800),
    ];
    for (name, desc, chain, start, expect) in [
        ("TU117", DescVersion::V2, ChainSpec::TU117, 0, &tu117[..]),
        ("GA102", DescVersion::V3, ChainSpec::GA102, 0, &ga102[..]),
        (
            "GA100",
            DescVersion::V3,
            ChainSpec::GA100,
            0x4000,
            &ga102[..],
        ),
    ] {
        let built = build(&spec(desc, chain));
        let rom = &built.bytes;
        let imgs = walk(rom);
        let got: Vec<(u8, usize)> = imgs.iter().map(|i| (i.code_type, i.size)).collect();
        assert_eq!(got, expect, "{name}");
        assert_eq!(imgs[0].base, start, "{name}");
        assert_eq!(built.layout.rom_offset, start, "{name}");
        // No gaps, nothing after the last image.
        let mut at = start;
        for (i, img) in imgs.iter().enumerate() {
            assert_eq!(img.base, at, "{name}: image {i}");
            assert_eq!(built.layout.images[i].offset, img.base);
            assert_eq!(built.layout.images[i].len, img.size);
            assert_eq!(built.layout.images[i].code_type, img.code_type);
            at += img.size;
        }
        assert_eq!(at, rom.len(), "{name}");
        assert!(rom.len() <= PROM_WINDOW, "{name} fits the PROM window");
        // Only the last image is last.
        let last: Vec<bool> = imgs.iter().map(|i| i.last).collect();
        assert!(last[..last.len() - 1].iter().all(|l| !l), "{name}");
    }
    // The GA102 offsets of Joel Fernandes' log.
    let imgs = walk(&build(&spec(DescVersion::V3, ChainSpec::GA102)).bytes);
    let bases: Vec<usize> = imgs.iter().map(|i| i.base).collect();
    assert_eq!(bases, [0x0, 0xfe00, 0x24600, 0x29c00]);
    // TU117: 317.5 KiB; GA102: 553 KiB.
    assert_eq!(
        build(&spec(DescVersion::V2, ChainSpec::TU117)).bytes.len(),
        0x4f600
    );
    assert_eq!(
        build(&spec(DescVersion::V3, ChainSpec::GA102)).bytes.len(),
        0x8a400
    );
}

#[test]
fn headers_checksums_and_marks() {
    for (name, desc, chain) in real_chains() {
        let rom = build(&spec(desc, chain)).bytes;
        let imgs = walk(&rom);
        for i in &imgs {
            let sum = rom[i.base..i.base + i.size]
                .iter()
                .fold(0u8, |a, b| a.wrapping_add(*b));
            assert_eq!(sum, 0, "{name}: checksum of image at {:#x}", i.base);
            let (p, _, pcir_len, _, n) = pcir(&rom, i.base);
            assert_eq!(pcir_len, i.size, "{name}: PCIR and NPDE lengths agree");
            assert_eq!(rd16(&rom, p + 4), 0x10de);
            assert_eq!(rd16(&rom, p + 6), 0x2204);
            assert_eq!(&rom[p + 0x0d..p + 0x10], &[0x00, 0x00, 0x03]);
            if i.code_type != 0x70 {
                assert_eq!(&rom[n..n + 4], b"NPDE", "{name}: image at {:#x}", i.base);
                assert_eq!(rd16(&rom, n + 4), 0x0101, "NPDE revision");
                assert_eq!(rd16(&rom, n + 6), 0x000c, "NPDE length");
            }
        }
        // The x86 image's PCIR is where GA102's is; its size byte and a
        // far return at the entry point.
        let x86 = imgs[0].base;
        assert_eq!(rd16(&rom, x86 + 0x18), 0x170, "{name}");
        assert_eq!(rom[x86 + 2] as usize * 512, imgs[0].size, "{name}");
        assert_eq!(rom[x86 + 3], 0xcb);
        // EFI image: EFI signature and x64 machine type; the standard
        // (PCIR) chain ends there.
        let efi = imgs[1];
        assert_eq!(efi.code_type, 0x03);
        assert_eq!(rd32(&rom, efi.base + 4), 0x0ef1);
        assert_eq!(rd16(&rom, efi.base + 0x0a), 0x8664);
        assert!(pcir(&rom, efi.base).3, "{name}: EFI PCIR is last");
        assert!(!pcir(&rom, x86).3, "{name}: x86 PCIR is not last");
    }
}

#[test]
fn tu117_nbsi_image_has_its_directory_where_the_npde_would_be() {
    let rom = build(&spec(DescVersion::V2, ChainSpec::TU117)).bytes;
    let imgs = walk(&rom);
    let (fwsec_b, nbsi) = (imgs[3], imgs[4]);
    // The second FWSEC image's NPDE says "not last": the NBSI image ends
    // the chain only by its type (and, for OpenRM, its PCIR flag).
    let n = pcir(&rom, fwsec_b.base).4;
    assert_eq!(&rom[n..n + 4], b"NPDE");
    assert_eq!(rom[n + 10] & 0x80, 0);
    let (p, code_type, len, pcir_last, n) = pcir(&rom, nbsi.base);
    assert_eq!((code_type, len, pcir_last), (0x70, 0x1a00, true));
    // What nova-core logs: "Invalid signature for NpdeStruct: [1, 1, 66, 86]".
    assert_eq!(&rom[n..n + 4], &[1, 1, 66, 86]);
    // The NBSI ROM header points at that directory; the PCIR does not
    // overlap the header's sizeOfBlock.
    assert_eq!(rd16(&rom, nbsi.base + 0x16) as usize, n - nbsi.base);
    assert!(p - nbsi.base >= 0x1e);
    assert_eq!(
        rd32(&rom, nbsi.base + 0x1a) as usize,
        nbsi.base + nbsi.size - n
    );
    // One VBIOS ('V' << 8 | 'B') object follows the directory.
    assert_eq!(rd16(&rom, n + 4 + 8), 0x5642);
}

#[test]
fn ifr_header_versions() {
    for (version, asked, expect) in [
        (1, 0x1000, 0x1000),
        (2, 0x4000, 0x4000),
        (3, 0x4000, 0x4000),
        // Raised past the version 3 ROM directory, rounded to 512 bytes.
        (3, 0x100, 0x2200),
        (2, 0x1234, 0x1400),
    ] {
        let chain = ChainSpec {
            ifr: Some(IfrSpec {
                version,
                rom_offset: asked,
            }),
            ..ChainSpec::GA102
        };
        let built = build(&spec(DescVersion::V3, chain));
        let rom = &built.bytes;
        assert_eq!(&rom[..4], b"NVGI");
        assert_eq!((rd32(rom, 4) >> 8) & 0xff, u32::from(version));
        assert_eq!(rom_offset(rom), expect, "v{version}");
        assert_eq!(built.layout.rom_offset, expect);
        assert_eq!(walk(rom)[0].base, expect);
        // Only the words of the version's own lookup are there.
        let ext = ((rd32(rom, 4) >> 16) & 0x7fff) as usize + 4;
        let total = (rd32(rom, 8) & 0xf_ffff) as usize;
        if version == 3 {
            assert_ne!(rd32(rom, ext) as usize, expect);
        } else {
            let dir = rd32(rom, total) as usize + 4096;
            assert!(dir + 4 > rom.len() || &rom[dir..dir + 4] != b"RFRD");
        }
        // The BIT pointers count from the chain's start, not the ROM's.
        assert_eq!(fwsec_desc(rom), built.layout.fwsec_desc);
    }
}

#[test]
fn filler_is_deterministic_nonzero_and_per_board() {
    let a = build(&spec(DescVersion::V3, ChainSpec::GA102));
    assert_eq!(
        a.bytes,
        build(&spec(DescVersion::V3, ChainSpec::GA102)).bytes
    );
    // Image bodies are not empty space: no run of 64 equal bytes in the
    // EFI image or the first FWSEC image.
    for img in &a.layout.images[1..3] {
        let body = &a.bytes[img.offset + 0x200..img.offset + img.len];
        assert!(
            body.windows(64).all(|w| w.iter().any(|b| *b != w[0])),
            "image at {:#x}",
            img.offset
        );
    }
    // Another board, other filler.
    let mut other = spec(DescVersion::V3, ChainSpec::GA102);
    other.pci.device_id = 0x2684;
    let b = build(&other);
    let efi = a.layout.images[1];
    assert_ne!(
        a.bytes[efi.offset + 0x200..efi.offset + 0x400],
        b.bytes[efi.offset + 0x200..efi.offset + 0x400]
    );
}

/// Finds the BIT header by its byte pattern and returns its offset.
fn find_bit(rom: &[u8]) -> usize {
    let pat = [0xff, 0xb8, b'B', b'I', b'T', 0];
    rom.windows(pat.len())
        .position(|w| w == pat)
        .expect("BIT header")
}

/// Returns (version, size, data offset) of BIT token `id`; `bit` and the
/// data offset count from the x86 image's start.
fn token(image: &[u8], bit: usize, id: u8) -> Option<(u8, u16, usize)> {
    let hdr = rd8(image, bit + 8) as usize;
    let tsz = rd8(image, bit + 9) as usize;
    (0..rd8(image, bit + 10) as usize)
        .map(|i| bit + hdr + i * tsz)
        .find(|&t| image[t] == id)
        .map(|t| {
            (
                image[t + 1],
                rd16(image, t + 2),
                rd16(image, t + 4) as usize,
            )
        })
}

#[test]
fn bit_header_checksum_and_tokens() {
    for (name, desc, chain) in real_chains() {
        let built = build(&spec(desc, chain));
        let rom = &built.bytes;
        let x86 = walk(rom)[0];
        let image = &rom[x86.base..x86.base + x86.size];
        // The first match of the pattern in the x86 image is the BIT (the
        // filler must not fake one before it).
        let bit = find_bit(image);
        assert_eq!(x86.base + bit, built.layout.bit, "{name}");
        assert_eq!(rd16(image, bit + 6), 0x0100);
        assert_eq!(rd8(image, bit + 8), 12);
        assert_eq!(rd8(image, bit + 9), 6);
        let sum = image[bit..bit + 12]
            .iter()
            .fold(0u8, |a, b| a.wrapping_add(*b));
        assert_eq!(sum, 0, "BIT header checksum");

        let (v, size, data) = token(image, bit, b'B').expect("BIOSDATA token");
        assert_eq!(v, 2);
        assert!(size > 5);
        assert_eq!(rd32(image, data), 0x9402_4200);
        assert_eq!(image[data + 4], 0x5a);

        // nouveau's reading of the 'i' token: micro, minor, chip, major, patch.
        let (_, size, data) = token(image, bit, b'i').expect("'i' token");
        assert!(size >= 5);
        assert_eq!(&image[data..data + 5], &[0x00, 0x42, 0x02, 0x94, 0x5a]);

        let (v, size, _) = token(image, bit, 0x70).expect("falcon data token");
        assert_eq!((v, size), (2, 4));
        assert!(token(image, bit, 0x55).is_none());
    }
}

/// Follows BIT 'p' to the falcon ucode table and the FWSEC entry the way
/// nova-core does (`falcon_data_offset`, `PmuLookupTable`,
/// `FwSecBiosImage::new`): pointers count in the FWSEC section (the first
/// FWSEC image and every image after it, back to back) once the x86
/// image's length is taken off them. Returns the descriptor's ROM offset.
fn fwsec_desc(rom: &[u8]) -> usize {
    let imgs = walk(rom);
    let x86 = imgs[0];
    let image = &rom[x86.base..x86.base + x86.size];
    let bit = find_bit(image);
    let (_, _, data) = token(image, bit, 0x70).expect("falcon data token");
    let first_fwsec = imgs
        .iter()
        .position(|i| i.code_type == 0xe0)
        .expect("FWSEC image");
    let mut section = Vec::new();
    for i in &imgs[first_fwsec..] {
        section.extend_from_slice(&rom[i.base..i.base + i.size]);
    }
    let table = (rd32(image, data) as usize)
        .checked_sub(x86.size)
        .expect("falcon data pointer in the FWSEC section");
    // The table lies in the second FWSEC image.
    let fwsec_a = imgs[first_fwsec].size;
    let fwsec_b = imgs[first_fwsec + 1].size;
    assert!(table >= fwsec_a && table < fwsec_a + fwsec_b);
    assert_eq!(section[table], 1, "table version");
    let (hdr, esz, cnt) = (
        section[table + 1] as usize,
        section[table + 2] as usize,
        section[table + 3],
    );
    assert_eq!((hdr, esz), (6, 6));
    let entry = (0..cnt as usize)
        .map(|i| table + hdr + i * esz)
        .find(|&e| section[e] == 0x85)
        .expect("FWSEC prod entry");
    assert_eq!(section[entry + 1], 0x01, "target id");
    let desc = (rd32(&section, entry + 2) as usize)
        .checked_sub(x86.size)
        .expect("descriptor pointer in the FWSEC section");
    // The ucode must be within the section, as nova-core checks.
    let hdr = rd32(&section, desc);
    let (imem, dmem) = match (hdr >> 8) & 0xff {
        2 => (rd32(&section, desc + 24), rd32(&section, desc + 48)),
        3 => (rd32(&section, desc + 20), rd32(&section, desc + 32)),
        v => panic!("descriptor version {v}"),
    };
    assert!(desc + (hdr >> 16) as usize + (imem + dmem) as usize <= section.len());
    imgs[first_fwsec].base + desc
}

#[test]
fn v3_descriptor_signatures_and_ucode() {
    for chain in [ChainSpec::GA102, ChainSpec::GA100, ChainSpec::TU117] {
        let built = build(&spec(DescVersion::V3, chain));
        let rom = &built.bytes;
        let d = fwsec_desc(rom);
        assert_eq!(d, built.layout.fwsec_desc);
        let table = built.layout.falcon_table;
        assert_eq!((rom[table + 4], rom[table + 5]), (3, 44));

        let hdr = rd32(rom, d);
        assert_eq!(hdr & 1, 1, "version available");
        assert_eq!((hdr >> 8) & 0xff, 3);
        let size = (hdr >> 16) as usize;
        let (imem, dmem) = (rd32(rom, d + 20) as usize, rd32(rom, d + 32) as usize);
        assert_eq!(rd32(rom, d + 4) as usize, imem + dmem, "stored size");
        assert_eq!(rd16(rom, d + 36), 0x0400, "engine id mask: GSP");
        assert_eq!(rom[d + 38], 1, "ucode id");
        let sig_count = rom[d + 39] as usize;
        assert_eq!(sig_count, 2);
        assert_eq!(rd16(rom, d + 40), 0b0110);
        assert_eq!(size, 44 + sig_count * 384);
        let sig1 = &rom[d + 44 + 384..d + 44 + 2 * 384];
        assert!(sig1.starts_with(b"NVSIM-FWSEC-SIG-V02"));

        let ucode = d + size;
        assert_eq!(ucode, built.layout.fwsec_ucode);
        assert_eq!(rd32(rom, ucode), 0xc0de_0000);
        assert_eq!(rd32(rom, ucode + 4), 0xc0de_0001);

        // DMEM follows IMEM; the signature slot lies inside it.
        let dmem_at = ucode + imem;
        let pkc = rd32(rom, d + 8) as usize;
        assert!(pkc + 384 <= dmem);
        assert!(rom[dmem_at + pkc..dmem_at + pkc + 384]
            .iter()
            .all(|b| *b == 0));
        check_dmem_mapper(rom, dmem_at, rd32(rom, d + 12) as usize);
    }
}

#[test]
fn v2_descriptor_layout() {
    for chain in [ChainSpec::TU117, ChainSpec::GA102] {
        let built = build(&spec(DescVersion::V2, chain));
        let rom = &built.bytes;
        let d = fwsec_desc(rom);
        assert_eq!(d, built.layout.fwsec_desc);
        let table = built.layout.falcon_table;
        assert_eq!((rom[table + 4], rom[table + 5]), (2, 60));
        let hdr = rd32(rom, d);
        assert_eq!(hdr & 0xffff, 0x0201);
        assert_eq!(hdr >> 16, 60);
        let f = |i: usize| rd32(rom, d + 4 * i) as usize;
        let (imem, sec_base, sec_size, dmem_off, dmem) = (f(6), f(8), f(9), f(10), f(12));
        assert_eq!(f(1), imem + dmem, "stored size");
        assert_eq!(f(2), f(1), "uncompressed");
        assert_eq!(sec_base + sec_size, imem, "secure IMEM ends IMEM");
        assert_eq!(dmem_off, imem, "DMEM follows IMEM");
        let ucode = d + 60;
        assert_eq!(ucode, built.layout.fwsec_ucode);
        assert_eq!(rd32(rom, ucode), 0xc0de_0000);
        check_dmem_mapper(rom, ucode + dmem_off, f(4));
    }
}

/// Checks the application interface table and the DMEM mapper the driver
/// patches, the way nova-core/nouveau locate them.
fn check_dmem_mapper(rom: &[u8], dmem: usize, interface_offset: usize) {
    let a = dmem + interface_offset;
    assert_eq!(rom[a], 1, "appif version");
    let (hsz, esz, cnt) = (
        rom[a + 1] as usize,
        rom[a + 2] as usize,
        rom[a + 3] as usize,
    );
    let entry = (0..cnt)
        .map(|i| a + hsz + i * esz)
        .find(|&e| rd32(rom, e) == 4)
        .expect("DMEM mapper entry");
    let m = dmem + rd32(rom, entry + 4) as usize;
    assert_eq!(&rom[m..m + 4], b"DMAP");
    assert_eq!(rd16(rom, m + 4), 3, "DMAP version");
    assert_eq!(rd16(rom, m + 6), 64);
    assert_eq!(rd32(rom, m + 0x24), 0x1234_5678, "build stamp");
    assert_eq!(rd32(rom, m + 0x2c), 0, "init_cmd left for the driver");
    assert_ne!(rd32(rom, m + 0x34) & (1 << 0x15), 0, "FRTS supported");
    let (cin, cin_size) = (rd32(rom, m + 8) as usize, rd32(rom, m + 12) as usize);
    assert!(cin_size >= 44, "room for the FRTS command");
    assert!(rom[dmem + cin..dmem + cin + cin_size]
        .iter()
        .all(|b| *b == 0));
    // Unused DMEM carries the pattern.
    let last = dmem + fwsec::DMEM_SIZE as usize - 4;
    assert_eq!(rd32(rom, last) >> 16, 0xda7a);
}

#[test]
fn small_chains_grow_to_fit_their_structures() {
    // A chain asking for tiny images still gets whole, parseable ones.
    let chain = ChainSpec {
        ifr: None,
        pci_at: 1,
        efi: None,
        fwsec_a: 0,
        fwsec_b: 0,
        nbsi: Some(1),
    };
    let built: Rom = build(&spec(DescVersion::V3, chain));
    let imgs = walk(&built.bytes);
    let types: Vec<u8> = imgs.iter().map(|i| i.code_type).collect();
    assert_eq!(types, [0x00, 0xe0, 0xe0, 0x70]);
    assert!(imgs.iter().all(|i| i.size % 512 == 0 && i.size >= 512));
    assert_eq!(fwsec_desc(&built.bytes), built.layout.fwsec_desc);
}
