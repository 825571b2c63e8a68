//! The falcon ucode table ("PMU lookup table") and ucode descriptors.
//!
//! Facts (OpenRM `kernel_gsp_vbios` `FALCON_UCODE_TABLE_HDR_V1`,
//! `FALCON_UCODE_TABLE_ENTRY_V1`, `FALCON_UCODE_DESC_V2/V3`; nova-core
//! `vbios.rs` `PmuLookupTable*` and `firmware.rs` `FalconUCodeDescV2/V3`;
//! nouveau `nvkm/subdev/bios/pmu.c` and `nvkm/subdev/gsp/fwsec.c`):
//!
//! * Table header, 6 bytes: version (1), header size (6), entry size (6),
//!   entry count, descriptor version and descriptor size.
//! * Entry, 6 bytes: application id (0x85 production FWSEC, 0x45 debug
//!   FWSEC, 0x05 firmware security licence), target id and a 32-bit
//!   pointer to the descriptor (same pointer convention as the BIT falcon
//!   pointer). nova-core's `fwsec.rst` shows 0x01 as FWSEC's target id;
//!   no driver checks it.
//! * Every descriptor starts with a 32-bit header: bit 0 "version
//!   available", bits 15:8 the descriptor version, bits 31:16 the size of
//!   what precedes the ucode. For v3 that size covers the 44-byte
//!   descriptor plus the signatures that follow it (nova-core and nouveau
//!   both take the ucode from `descriptor + size`; OpenRM derives the
//!   signature total as `size - 44`).
//! * v2 (60 bytes, Turing): stored/uncompressed size, virtual entry,
//!   interface offset, IMEM physical base, IMEM load size (non-secure plus
//!   secure), IMEM virtual base, secure IMEM virtual base and size, DMEM
//!   offset in the image, DMEM physical base and load size, and the
//!   "alternate" IMEM/DMEM load sizes. No signatures follow.
//! * v3 (44 bytes, Ampere and later): stored size, PKC data offset (where
//!   in DMEM the chosen signature goes), interface offset, IMEM physical
//!   base, load size and virtual base, DMEM physical base and load size,
//!   the 16-bit engine id mask, the ucode id, the signature count, the
//!   16-bit signature versions mask (bit n = a signature for fuse version
//!   n) and a reserved 16-bit field. DMEM follows IMEM in the image.

use crate::fwsec;
use crate::le::LeBuf;

/// Application id of the production FWSEC.
pub const APPID_FWSEC_PROD: u8 = 0x85;
/// Target id written for FWSEC (see the module documentation).
pub const TARGET_ID_FWSEC: u8 = 0x01;
/// Size of the falcon ucode table header.
pub const TABLE_HEADER_LEN: usize = 6;
/// Size of one falcon ucode table entry.
pub const TABLE_ENTRY_LEN: usize = 6;
/// Size of a v2 descriptor.
pub const DESC_V2_LEN: usize = 60;
/// Size of a v3 descriptor (without its signatures).
pub const DESC_V3_LEN: usize = 44;

/// Which descriptor format the chip's FWSEC uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DescVersion {
    /// `FALCON_UCODE_DESC_V2` (Turing): loaded through a bootloader,
    /// no signatures in the descriptor.
    V2,
    /// `FALCON_UCODE_DESC_V3` (Ampere and later): booted by the falcon's
    /// boot ROM in heavy-secure mode, signatures follow the descriptor.
    V3,
}

/// Parameters of the FWSEC entry.
#[derive(Debug, Clone, Copy)]
pub struct FwsecSpec {
    /// Descriptor format.
    pub desc_version: DescVersion,
    /// Falcon engines the ucode may run on (bit 10 = GSP). v3 only.
    pub engine_id_mask: u16,
    /// Ucode id; selects which fuse register holds the required signature
    /// version (`..._UCODE<id>_VERSION`). v3 only.
    pub ucode_id: u8,
    /// Signature versions present (bit n = one signature for version n);
    /// one signature is stored per set bit, lowest version first. v3 only.
    pub signature_versions: u16,
    /// Build time stamp written into the DMEM mapper.
    pub build_stamp: u32,
}

/// Writes the one-entry falcon ucode table at `off`; `desc_ptr` is the
/// descriptor pointer (already in BIT pointer convention).
pub(crate) fn write_table(buf: &mut LeBuf, off: usize, version: DescVersion, desc_ptr: u32) {
    let (ver, len) = match version {
        DescVersion::V2 => (2, DESC_V2_LEN),
        DescVersion::V3 => (3, DESC_V3_LEN),
    };
    buf.put(
        off,
        &[
            1,
            TABLE_HEADER_LEN as u8,
            TABLE_ENTRY_LEN as u8,
            1,
            ver,
            len as u8,
        ],
    );
    let e = off + TABLE_HEADER_LEN;
    buf.u8(e, APPID_FWSEC_PROD);
    buf.u8(e + 1, TARGET_ID_FWSEC);
    buf.u32(e + 2, desc_ptr);
}

/// Builds the descriptor, its signatures (v3) and the ucode (IMEM then
/// DMEM), exactly as they follow each other in the ROM.
pub(crate) fn descriptor_and_ucode(spec: &FwsecSpec) -> Vec<u8> {
    let imem = fwsec::imem();
    let dmem = fwsec::dmem(spec.build_stamp);
    let stored = (imem.len() + dmem.len()) as u32;
    let mut d = LeBuf::default();

    match spec.desc_version {
        DescVersion::V2 => {
            let hdr = ((DESC_V2_LEN as u32) << 16) | (2 << 8) | 1;
            let fields = [
                hdr,
                stored, // stored size
                stored, // uncompressed size: not compressed
                0,      // virtual entry
                fwsec::APPIF_OFFSET,
                0,                                      // IMEM physical base
                fwsec::IMEM_SIZE,                       // IMEM load size
                0,                                      // IMEM virtual base
                fwsec::IMEM_NS_SIZE,                    // secure IMEM virtual base
                fwsec::IMEM_SIZE - fwsec::IMEM_NS_SIZE, // secure IMEM size
                fwsec::IMEM_SIZE,                       // DMEM offset in the image
                0,                                      // DMEM physical base
                fwsec::DMEM_SIZE,                       // DMEM load size
                fwsec::IMEM_SIZE,                       // alternate IMEM load size
                fwsec::DMEM_SIZE,                       // alternate DMEM load size
            ];
            for (i, f) in fields.iter().enumerate() {
                d.u32(i * 4, *f);
            }
        }
        DescVersion::V3 => {
            let versions: Vec<u32> = (0..16)
                .filter(|v| spec.signature_versions & (1 << v) != 0)
                .collect();
            let size = DESC_V3_LEN + versions.len() * fwsec::SIGNATURE_SIZE;
            let hdr = ((size as u32) << 16) | (3 << 8) | 1;
            let fields = [
                hdr,
                stored,
                fwsec::PKC_DATA_OFFSET,
                fwsec::APPIF_OFFSET,
                0, // IMEM physical base
                fwsec::IMEM_SIZE,
                0, // IMEM virtual base
                0, // DMEM physical base
                fwsec::DMEM_SIZE,
            ];
            for (i, f) in fields.iter().enumerate() {
                d.u32(i * 4, *f);
            }
            d.u16(0x24, spec.engine_id_mask);
            d.u8(0x26, spec.ucode_id);
            d.u8(0x27, versions.len() as u8);
            d.u16(0x28, spec.signature_versions);
            d.u16(0x2a, 0);
            for (i, v) in versions.iter().enumerate() {
                d.put(
                    DESC_V3_LEN + i * fwsec::SIGNATURE_SIZE,
                    &fwsec::signature(*v),
                );
            }
        }
    }
    let at = d.len();
    d.put(at, &imem);
    d.put(at + imem.len(), &dmem);
    d.into_vec()
}
