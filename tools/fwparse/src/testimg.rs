//! Synthetic VBIOS images for tests, built by hand from the format's spec
//! (PCI expansion ROM images, BIT, falcon ucode table, FWSEC descriptor).
//!
//! This is host-only test support: it is not part of the kernel files.

#![allow(clippy::indexing_slicing)]

/// What the synthetic VBIOS contains.
#[derive(Debug, Clone, Copy)]
pub struct VbiosSpec {
    /// FWSEC descriptor version: 2 or 3.
    pub desc_version: u8,
    /// Number of signatures of a version 3 descriptor.
    pub signatures: u8,
    /// Whether an EFI image sits between the PC-AT and FWSEC images.
    pub efi: bool,
    /// Whether images carry an NPDE extension.
    pub npde: bool,
    /// IFR header version placed before the images (1 or 3), if any.
    pub ifr: Option<u8>,
}

impl Default for VbiosSpec {
    fn default() -> Self {
        Self {
            desc_version: 3,
            signatures: 2,
            efi: true,
            npde: true,
            ifr: None,
        }
    }
}

/// A synthetic VBIOS and where its parts are.
#[derive(Debug, Clone)]
pub struct SynthVbios {
    /// The file.
    pub bytes: Vec<u8>,
    /// File offset of each image.
    pub image_offsets: Vec<usize>,
    /// Size of the PC-AT image.
    pub pci_at_size: usize,
    /// File offset of the first FWSEC image.
    pub fwsec_start: usize,
    /// File offset of the BIT header.
    pub bit_offset: usize,
    /// File offset of the falcon data pointer.
    pub falcon_ptr_offset: usize,
    /// File offset of the falcon ucode table.
    pub table_offset: usize,
    /// File offset of the FWSEC descriptor.
    pub desc_offset: usize,
    /// File offset of the FWSEC ucode.
    pub ucode_offset: usize,
}

/// PCI device ID written into the images.
pub const DEVICE_ID: u16 = 0x2204;
/// Size of the IMEM image of the FWSEC ucode.
pub const IMEM_SIZE: u32 = 0x200;
/// Size of the DMEM image of the FWSEC ucode.
pub const DMEM_SIZE: u32 = 0x200;
/// DMEM offset of the application interface table.
pub const INTERFACE_OFFSET: u32 = 0x100;
/// DMEM offset of the DMEM mapper.
pub const MAPPER_OFFSET: u32 = 0x140;
/// DMEM offset of the signature patch location (version 3).
pub const PKC_DATA_OFFSET: u32 = 0x10;

fn put16(b: &mut [u8], at: usize, v: u16) {
    b[at..at + 2].copy_from_slice(&v.to_le_bytes());
}

fn put32(b: &mut [u8], at: usize, v: u32) {
    b[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

/// Writes the ROM header, PCIR and (optionally) NPDE of an image of
/// `blocks` 512-byte blocks at the start of `img`.
fn image_headers(img: &mut [u8], code_type: u8, blocks: u16, last: bool, npde: bool) {
    img[0] = 0x55;
    img[1] = 0xaa;
    let pcir = 0x40;
    put16(img, 0x18, pcir as u16);
    img[pcir..pcir + 4].copy_from_slice(b"PCIR");
    put16(img, pcir + 4, 0x10de);
    put16(img, pcir + 6, DEVICE_ID);
    put16(img, pcir + 0xa, 0x18);
    img[pcir + 0xc] = 3;
    img[pcir + 0xd..pcir + 0x10].copy_from_slice(&[0, 0, 3]);
    put16(img, pcir + 0x10, blocks);
    put16(img, pcir + 0x12, 1);
    img[pcir + 0x14] = code_type;
    img[pcir + 0x15] = if last { 0x80 } else { 0 };
    if npde {
        // 0x40 + 0x18 rounded up to 16.
        let n = 0x60;
        img[n..n + 4].copy_from_slice(b"NPDE");
        put16(img, n + 4, 0x101);
        put16(img, n + 6, 0x10);
        put16(img, n + 8, blocks);
        img[n + 10] = if last { 0x80 } else { 0 };
        // The NPDE wins: make the PCIR's own flag disagree.
        img[pcir + 0x15] = 0;
    }
}

/// Builds the falcon ucode descriptor, signatures and ucode.
fn fwsec_blob(spec: &VbiosSpec) -> Vec<u8> {
    let mut ucode = vec![0u8; (IMEM_SIZE + DMEM_SIZE) as usize];
    for (i, b) in ucode[..IMEM_SIZE as usize].iter_mut().enumerate() {
        *b = (i % 251) as u8;
    }
    let dmem = IMEM_SIZE as usize;
    let table = dmem + INTERFACE_OFFSET as usize;
    ucode[table..table + 4].copy_from_slice(&[1, 4, 8, 2]);
    put32(&mut ucode, table + 4, 3);
    put32(&mut ucode, table + 8, 0x20);
    put32(&mut ucode, table + 12, 4);
    put32(&mut ucode, table + 16, MAPPER_OFFSET);
    let map = dmem + MAPPER_OFFSET as usize;
    ucode[map..map + 4].copy_from_slice(b"DMAP");
    put16(&mut ucode, map + 4, 3);
    put16(&mut ucode, map + 6, 64);
    put32(&mut ucode, map + 8, 0x180);
    put32(&mut ucode, map + 12, 0x40);
    put32(&mut ucode, map + 44, 0x15);

    let mut desc = Vec::new();
    if spec.desc_version == 2 {
        let size = 60u32;
        let words = [
            1 | (2 << 8) | (size << 16),
            IMEM_SIZE + DMEM_SIZE,
            IMEM_SIZE + DMEM_SIZE,
            0,
            INTERFACE_OFFSET,
            0,
            IMEM_SIZE,
            0,
            0x100,
            0x100,
            IMEM_SIZE,
            0,
            DMEM_SIZE,
            0,
            0,
        ];
        for w in words {
            desc.extend_from_slice(&w.to_le_bytes());
        }
    } else {
        let size = 44 + u32::from(spec.signatures) * 384;
        let words = [
            1 | (3 << 8) | (size << 16),
            IMEM_SIZE + DMEM_SIZE,
            PKC_DATA_OFFSET,
            INTERFACE_OFFSET,
            0,
            IMEM_SIZE,
            0,
            0,
            DMEM_SIZE,
        ];
        for w in words {
            desc.extend_from_slice(&w.to_le_bytes());
        }
        desc.extend_from_slice(&0x400u16.to_le_bytes());
        desc.push(9);
        desc.push(spec.signatures);
        desc.extend_from_slice(&0x3u16.to_le_bytes());
        desc.extend_from_slice(&0u16.to_le_bytes());
        for s in 0..spec.signatures {
            desc.extend(std::iter::repeat_n(0xa0 + s, 384));
        }
    }
    desc.extend_from_slice(&ucode);
    desc
}

/// Builds a VBIOS: PC-AT image with the BIT, an optional EFI image, and two
/// FWSEC images whose second one holds the falcon ucode table and FWSEC.
pub fn build_vbios(spec: &VbiosSpec) -> SynthVbios {
    let blob = fwsec_blob(spec);
    // Table at 0x100 in the second FWSEC image, descriptor 0x40 after it.
    let fwsec2_blocks = (0x140 + blob.len()).div_ceil(512) as u16;
    let mut images: Vec<(u8, u16)> = vec![(0x00, 2)];
    if spec.efi {
        images.push((0x03, 1));
    }
    images.push((0xe0, 1));
    images.push((0xe0, fwsec2_blocks));

    let rom_offset = match spec.ifr {
        None => 0,
        Some(1) => 0x400,
        Some(_) => 0x1200,
    };
    let total: usize = images.iter().map(|&(_, b)| usize::from(b) * 512).sum();
    let mut bytes = vec![0u8; rom_offset + total];
    match spec.ifr {
        None => {}
        Some(1) => {
            bytes[..4].copy_from_slice(b"NVGI");
            put32(&mut bytes, 4, (1 << 8) | (0x20 << 16));
            put32(&mut bytes, 0x24, rom_offset as u32);
        }
        Some(v) => {
            bytes[..4].copy_from_slice(b"NVGI");
            put32(&mut bytes, 4, u32::from(v) << 8);
            put32(&mut bytes, 8, 0x40);
            put32(&mut bytes, 0x40, 0x80);
            bytes[0x1080..0x1084].copy_from_slice(b"RFRD");
            put32(&mut bytes, 0x1088, rom_offset as u32);
        }
    }

    let mut image_offsets = Vec::new();
    let mut at = rom_offset;
    for (i, &(ty, blocks)) in images.iter().enumerate() {
        let last = i + 1 == images.len();
        let len = usize::from(blocks) * 512;
        image_headers(&mut bytes[at..at + len], ty, blocks, last, spec.npde);
        image_offsets.push(at);
        at += len;
    }

    let pci_at_size = 1024;
    let fwsec_start = image_offsets[images.len() - 2];
    let fwsec2 = image_offsets[images.len() - 1];
    let table_offset = fwsec2 + 0x100;
    let desc_offset = table_offset + 0x40;

    // BIT in the PC-AT image.
    let bit = rom_offset + 0x100;
    bytes[bit..bit + 6].copy_from_slice(&[0xff, 0xb8, b'B', b'I', b'T', 0]);
    put16(&mut bytes, bit + 6, 0x0100);
    bytes[bit + 8..bit + 12].copy_from_slice(&[12, 6, 3, 0]);
    let tokens = [
        (b'B', 2, 0x10, 0x200),
        (0x70, 2, 4, 0x180),
        (b'I', 1, 8, 0x210),
    ];
    for (i, (id, ver, size, off)) in tokens.into_iter().enumerate() {
        let t = bit + 12 + i * 6;
        bytes[t] = id;
        bytes[t + 1] = ver;
        put16(&mut bytes, t + 2, size);
        put16(&mut bytes, t + 4, off);
    }
    let falcon_ptr_offset = rom_offset + 0x180;
    let to_ptr = |file_off: usize| (pci_at_size + file_off - fwsec_start) as u32;
    put32(&mut bytes, falcon_ptr_offset, to_ptr(table_offset));

    // Falcon ucode table: header, then a debug and a production entry.
    bytes[table_offset..table_offset + 4].copy_from_slice(&[1, 4, 6, 2]);
    let e0 = table_offset + 4;
    bytes[e0] = 0x45;
    bytes[e0 + 1] = 0;
    put32(&mut bytes, e0 + 2, to_ptr(desc_offset));
    let e1 = e0 + 6;
    bytes[e1] = 0x85;
    bytes[e1 + 1] = 0;
    put32(&mut bytes, e1 + 2, to_ptr(desc_offset));

    bytes[desc_offset..desc_offset + blob.len()].copy_from_slice(&blob);
    let desc_size = if spec.desc_version == 2 {
        60
    } else {
        44 + usize::from(spec.signatures) * 384
    };

    SynthVbios {
        bytes,
        image_offsets,
        pci_at_size,
        fwsec_start,
        bit_offset: bit,
        falcon_ptr_offset,
        table_offset,
        desc_offset,
        ucode_offset: desc_offset + desc_size,
    }
}
