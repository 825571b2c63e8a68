//! The placeholder FWSEC ucode: IMEM and DMEM contents.
//!
//! The real FWSEC is NVIDIA-signed falcon code; nvsim cannot carry it and
//! does not execute it (nvsim's `fwsec` model acts out its effects). What
//! matters to a driver is the data it patches before loading the ucode, so
//! DMEM is laid out with real structures (facts from nova-core
//! `firmware/fwsec.rs` `FalconAppifHdrV1`/`FalconAppifV1`/
//! `FalconAppifDmemmapperV3`/`FrtsCmd`, nouveau `nvkm/subdev/gsp/fwsec.c`
//! `nvfw_falcon_appif*`, and the nova-core `fwsec.rst` memory layout):
//!
//! * At `interface_offset` (relative to DMEM) an application interface table:
//!   a 4-byte header (version 1, header size 4, entry size 8, entry count)
//!   and entries of (u32 id, u32 DMEM offset). Id 0x01 is DEVINIT, id 0x04
//!   is the DMEM mapper (`NVFW_FALCON_APPIF_ID_DMEMMAPPER`).
//! * The DMEM mapper ("DMAP", version 3, 64 bytes): offsets and sizes of the
//!   command input and output buffers, an NVF image buffer, a printf buffer
//!   header, the ucode build time stamp and signature, `init_cmd` (the
//!   command the driver selects: 0x15 FRTS, 0x19 SB), feature flags, two
//!   command masks (bit n set = command n supported) and a multi-target
//!   table pointer.
//! * The command input buffer receives the FRTS command (a READ_VBIOS
//!   record of 24 bytes and an FRTS_REGION record of 20 bytes).
//! * At `pkc_data_offset` (descriptor v3) a 384-byte slot the driver fills
//!   with the signature matching the fused version (RSA-3K, "BCRT30").
//!
//! Everything else is a recognizable pattern: IMEM word `i` is
//! `0xc0de_0000 | i`, unused DMEM word `i` is `0xda7a_0000 | i`.

use crate::le::LeBuf;

/// Size of the placeholder IMEM image in bytes.
pub const IMEM_SIZE: u32 = 0x1000;
/// Size of the placeholder DMEM image in bytes.
pub const DMEM_SIZE: u32 = 0x800;
/// Non-secure part of IMEM (descriptor v2 only; v3 loads IMEM as secure).
pub const IMEM_NS_SIZE: u32 = 0x800;

/// DMEM offset of the application interface table (`interface_offset`).
pub const APPIF_OFFSET: u32 = 0x000;
/// DMEM offset of the DEVINIT engine interface the table points to.
pub const DEVINIT_IF_OFFSET: u32 = 0x020;
/// DMEM offset of the DMEM mapper structure.
pub const DMAP_OFFSET: u32 = 0x040;
/// Size of the DMEM mapper structure (version 3).
pub const DMAP_SIZE: u32 = 0x40;
/// DMEM offset of the command input buffer.
pub const CMD_IN_OFFSET: u32 = 0x100;
/// Size of the command input buffer.
pub const CMD_IN_SIZE: u32 = 0x100;
/// DMEM offset of the command output buffer.
pub const CMD_OUT_OFFSET: u32 = 0x200;
/// Size of the command output buffer.
pub const CMD_OUT_SIZE: u32 = 0x100;
/// DMEM offset of the signature slot (`pkc_data_offset`).
pub const PKC_DATA_OFFSET: u32 = 0x400;
/// Size of one RSA-3K signature.
pub const SIGNATURE_SIZE: usize = 384;

/// Application interface id of DEVINIT.
pub const APPIF_ID_DEVINIT: u32 = 0x01;
/// Application interface id of the DMEM mapper.
pub const APPIF_ID_DMEMMAPPER: u32 = 0x04;
/// DMEM mapper signature, "DMAP" in memory order.
pub const DMAP_SIGNATURE: [u8; 4] = *b"DMAP";
/// DMEM mapper command: FRTS (carve out WPR2 and copy the VBIOS there).
pub const DMAP_CMD_FRTS: u32 = 0x15;
/// DMEM mapper command: SB (secure boot of the other microcontrollers).
pub const DMAP_CMD_SB: u32 = 0x19;

/// Pattern word of IMEM at word index `i`.
pub const fn imem_word(i: u32) -> u32 {
    0xc0de_0000 | (i & 0xffff)
}

/// Pattern word of unused DMEM at word index `i`.
pub const fn dmem_word(i: u32) -> u32 {
    0xda7a_0000 | (i & 0xffff)
}

/// The IMEM image.
pub fn imem() -> Vec<u8> {
    (0..IMEM_SIZE / 4)
        .flat_map(|i| imem_word(i).to_le_bytes())
        .collect()
}

/// The DMEM image with the application interface table and DMEM mapper.
pub fn dmem(build_stamp: u32) -> Vec<u8> {
    let mut d = LeBuf::zeroed(DMEM_SIZE as usize);
    for i in 0..DMEM_SIZE / 4 {
        d.u32(i as usize * 4, dmem_word(i));
    }
    // Buffers and the signature slot start out cleared.
    for (off, len) in [
        (CMD_IN_OFFSET, CMD_IN_SIZE),
        (CMD_OUT_OFFSET, CMD_OUT_SIZE),
        (PKC_DATA_OFFSET, SIGNATURE_SIZE as u32),
    ] {
        d.put(off as usize, &vec![0; len as usize]);
    }

    // Application interface table: header then (id, DMEM offset) entries.
    let a = APPIF_OFFSET as usize;
    d.put(a, &[1, 4, 8, 2]);
    d.u32(a + 4, APPIF_ID_DEVINIT);
    d.u32(a + 8, DEVINIT_IF_OFFSET);
    d.u32(a + 12, APPIF_ID_DMEMMAPPER);
    d.u32(a + 16, DMAP_OFFSET);

    // DEVINIT engine interface: its contents are not documented; cleared.
    d.put(DEVINIT_IF_OFFSET as usize, &[0; 0x20]);

    // DMEM mapper, version 3.
    let m = DMAP_OFFSET as usize;
    d.put(m, &DMAP_SIGNATURE);
    d.u16(m + 0x04, 3);
    d.u16(m + 0x06, DMAP_SIZE as u16);
    d.u32(m + 0x08, CMD_IN_OFFSET);
    d.u32(m + 0x0c, CMD_IN_SIZE);
    d.u32(m + 0x10, CMD_OUT_OFFSET);
    d.u32(m + 0x14, CMD_OUT_SIZE);
    d.u32(m + 0x18, 0); // NVF image data buffer offset: none
    d.u32(m + 0x1c, 0); // NVF image data buffer size
    d.u32(m + 0x20, 0); // printf buffer header: none
    d.u32(m + 0x24, build_stamp);
    d.u32(m + 0x28, 0); // ucode signature
    d.u32(m + 0x2c, 0); // init_cmd: chosen by the driver
    d.u32(m + 0x30, 0); // ucode features
    d.u32(m + 0x34, (1 << DMAP_CMD_FRTS) | (1 << DMAP_CMD_SB));
    d.u32(m + 0x38, 0); // command mask 1
    d.u32(m + 0x3c, 0); // multi-target table: none
    d.into_vec()
}

/// The placeholder signature for version `version` (bit index in the
/// descriptor's signature versions): an ASCII tag then a fill byte.
pub fn signature(version: u32) -> Vec<u8> {
    let mut s = vec![0x11u8.wrapping_mul(version as u8 + 1); SIGNATURE_SIZE];
    let tag = format!("NVSIM-FWSEC-SIG-V{version:02}");
    s[..tag.len()].copy_from_slice(tag.as_bytes());
    s
}
