//! Structure tests of the generated ROMs.
//!
//! These walk the ROM the way a driver does, with a small parser written
//! here from the format descriptions (PCI Firmware Specification, the BIT
//! document, the falcon ucode table and descriptor layouts), using literal
//! offsets rather than the generator's helpers.

use nvsim_vbios::{build, fwsec, DescVersion, FwsecSpec, PciIdentity, RomSpec};

fn rd8(b: &[u8], o: usize) -> u8 {
    b[o]
}
fn rd16(b: &[u8], o: usize) -> u16 {
    u16::from_le_bytes([b[o], b[o + 1]])
}
fn rd32(b: &[u8], o: usize) -> u32 {
    u32::from_le_bytes([b[o], b[o + 1], b[o + 2], b[o + 3]])
}

fn spec(desc: DescVersion) -> RomSpec {
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
    }
}

/// One image found by walking the chain.
struct Img {
    base: usize,
    size: usize,
    code_type: u8,
    pcir_last: bool,
    npde_last: bool,
}

/// Walks the chain with the NPDE (NVIDIA) rules.
fn walk(rom: &[u8]) -> Vec<Img> {
    let mut out = Vec::new();
    let mut base = 0;
    loop {
        assert_eq!(rd16(rom, base), 0xaa55, "ROM signature at {base:#x}");
        let pcir = base + rd16(rom, base + 0x18) as usize;
        assert_eq!(&rom[pcir..pcir + 4], b"PCIR");
        let pcir_len = rd16(rom, pcir + 0x0a) as usize;
        let npde = (pcir + pcir_len + 15) & !15;
        assert_eq!(&rom[npde..npde + 4], b"NPDE", "NPDE of image at {base:#x}");
        let img = Img {
            base,
            size: rd16(rom, npde + 8) as usize * 512,
            code_type: rd8(rom, pcir + 0x14),
            pcir_last: rd8(rom, pcir + 0x15) & 0x80 != 0,
            npde_last: rd8(rom, npde + 0x0a) & 0x80 != 0,
        };
        assert_eq!(
            rd16(rom, pcir + 0x10) as usize * 512,
            img.size,
            "PCIR and NPDE lengths agree"
        );
        base += img.size;
        let last = img.npde_last;
        out.push(img);
        if last {
            return out;
        }
        assert!(base < rom.len(), "chain runs off the ROM");
    }
}

#[test]
fn chain_has_x86_efi_and_two_fwsec_images() {
    for desc in [DescVersion::V2, DescVersion::V3] {
        let rom = build(&spec(desc)).bytes;
        let imgs = walk(&rom);
        let types: Vec<u8> = imgs.iter().map(|i| i.code_type).collect();
        assert_eq!(types, [0x00, 0x03, 0xe0, 0xe0]);
        // The standard chain stops at the EFI image, NVIDIA's at the end.
        let pcir_last: Vec<bool> = imgs.iter().map(|i| i.pcir_last).collect();
        assert_eq!(pcir_last, [false, true, false, true]);
        assert_eq!(imgs.iter().map(|i| i.size).sum::<usize>(), rom.len());
        assert!(rom.len() < 0x100000, "fits the 1 MiB PROM window");
        for i in &imgs {
            assert_eq!(i.size % 512, 0);
            let sum = rom[i.base..i.base + i.size]
                .iter()
                .fold(0u8, |a, b| a.wrapping_add(*b));
            assert_eq!(sum, 0, "checksum of image at {:#x}", i.base);
            let pcir = i.base + rd16(&rom, i.base + 0x18) as usize;
            assert_eq!(rd16(&rom, pcir + 4), 0x10de);
            assert_eq!(rd16(&rom, pcir + 6), 0x2204);
            assert_eq!(&rom[pcir + 0x0d..pcir + 0x10], &[0x00, 0x00, 0x03]);
        }
        // x86 image: init size and a far return at the entry point.
        assert_eq!(rom[2] as usize * 512, imgs[0].size);
        assert_eq!(rom[3], 0xcb);
        // EFI image: EFI signature and x64 machine type.
        let efi = imgs[1].base;
        assert_eq!(rd32(&rom, efi + 4), 0x0ef1);
        assert_eq!(rd16(&rom, efi + 0x0a), 0x8664);
    }
}

/// Finds the BIT header by its byte pattern and returns its offset.
fn find_bit(rom: &[u8]) -> usize {
    let pat = [0xff, 0xb8, b'B', b'I', b'T', 0];
    rom.windows(pat.len())
        .position(|w| w == pat)
        .expect("BIT header")
}

/// Returns (version, size, data offset) of BIT token `id`.
fn token(rom: &[u8], bit: usize, id: u8) -> Option<(u8, u16, usize)> {
    let hdr = rd8(rom, bit + 8) as usize;
    let tsz = rd8(rom, bit + 9) as usize;
    (0..rd8(rom, bit + 10) as usize)
        .map(|i| bit + hdr + i * tsz)
        .find(|&t| rom[t] == id)
        .map(|t| (rom[t + 1], rd16(rom, t + 2), rd16(rom, t + 4) as usize))
}

/// Converts a BIT-convention pointer to a ROM offset, given the chain.
fn ptr_to_off(imgs: &[Img], p: u32) -> usize {
    let x86 = imgs[0].size;
    let first_fwsec = imgs
        .iter()
        .find(|i| i.code_type == 0xe0)
        .expect("FWSEC")
        .base;
    let p = p as usize;
    if p >= x86 {
        p - x86 + first_fwsec
    } else {
        p
    }
}

#[test]
fn bit_header_checksum_and_tokens() {
    let rom = build(&spec(DescVersion::V3)).bytes;
    let bit = find_bit(&rom);
    assert!(bit < walk(&rom)[0].size, "BIT in the x86 image");
    assert_eq!(rd16(&rom, bit + 6), 0x0100);
    assert_eq!(rd8(&rom, bit + 8), 12);
    assert_eq!(rd8(&rom, bit + 9), 6);
    let sum = rom[bit..bit + 12]
        .iter()
        .fold(0u8, |a, b| a.wrapping_add(*b));
    assert_eq!(sum, 0, "BIT header checksum");

    let (v, size, data) = token(&rom, bit, b'B').expect("BIOSDATA token");
    assert_eq!(v, 2);
    assert!(size > 5);
    assert_eq!(rd32(&rom, data), 0x9402_4200);
    assert_eq!(rom[data + 4], 0x5a);

    // nouveau's reading of the 'i' token: micro, minor, chip, major, patch.
    let (_, size, data) = token(&rom, bit, b'i').expect("'i' token");
    assert!(size >= 5);
    assert_eq!(&rom[data..data + 5], &[0x00, 0x42, 0x02, 0x94, 0x5a]);

    let (v, size, _) = token(&rom, bit, 0x70).expect("falcon data token");
    assert_eq!((v, size), (2, 4));
    assert!(token(&rom, bit, 0x55).is_none());
}

/// Follows BIT 'p' to the falcon ucode table and the FWSEC entry; returns
/// the descriptor's ROM offset.
fn fwsec_desc(rom: &[u8]) -> usize {
    let imgs = walk(rom);
    let bit = find_bit(rom);
    let (_, _, data) = token(rom, bit, 0x70).expect("falcon data token");
    let table = ptr_to_off(&imgs, rd32(rom, data));
    let fwsec_b = &imgs[3];
    assert!(table >= fwsec_b.base && table < fwsec_b.base + fwsec_b.size);
    assert_eq!(rom[table], 1, "table version");
    let (hdr, esz, cnt) = (
        rom[table + 1] as usize,
        rom[table + 2] as usize,
        rom[table + 3],
    );
    assert_eq!((hdr, esz), (6, 6));
    let entry = (0..cnt as usize)
        .map(|i| table + hdr + i * esz)
        .find(|&e| rom[e] == 0x85)
        .expect("FWSEC prod entry");
    assert_eq!(rom[entry + 1], 0x01, "target id");
    ptr_to_off(&imgs, rd32(rom, entry + 2))
}

#[test]
fn v3_descriptor_signatures_and_ucode() {
    let built = build(&spec(DescVersion::V3));
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

#[test]
fn v2_descriptor_layout() {
    let built = build(&spec(DescVersion::V2));
    let rom = &built.bytes;
    let d = fwsec_desc(rom);
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
    assert_eq!(rd32(rom, ucode), 0xc0de_0000);
    check_dmem_mapper(rom, ucode + dmem_off, f(4));
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
fn generation_is_deterministic() {
    assert_eq!(
        build(&spec(DescVersion::V3)).bytes,
        build(&spec(DescVersion::V3)).bytes
    );
}
