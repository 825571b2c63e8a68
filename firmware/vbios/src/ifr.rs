//! The Init-from-ROM (IFR) header that precedes the PCI expansion ROM.
//!
//! Facts (Linux `Documentation/gpu/nova/core/vbios.rst`, "IFR Header";
//! nova-core `vbios.rs` `VbiosIterator::rom_offset`; nouveau
//! `nvkm/subdev/bios/shadowrom.c` `nvbios_prom_init`; OpenRM
//! `kernel_gsp_vbios_tu102.c` `s_romImgFindPciHeader_TU102` and the
//! `NV_PBUS_IFR_FMT_FIXED*` fields of `dev_bus.h`):
//!
//! * The flash of a GSP-era board starts with an IFR section. On most chips
//!   the hardware applies its ROM offset so that the PROM window starts at
//!   the PCI expansion ROM; on GA100 it does not, and a driver reading the
//!   PROM finds the IFR header at offset 0 and must skip it.
//! * `FIXED0` (offset 0x0): the signature `0x4947564E`, "NVGI" in memory.
//! * `FIXED1` (0x4): bits 30:16 the fixed data size (the offset of the
//!   extended section), bits 15:8 the software version.
//! * `FIXED2` (0x8): bits 19:0 the total data size.
//! * Versions 1 and 2: the `u32` at fixed data size + 4 (the
//!   `NV_PMGR_ROM_ADDR_OFFSET` word of the extended section) is the offset
//!   of the PCI expansion ROM.
//! * Version 3: the `u32` at the total data size is the offset of the
//!   redundant-firmware flash status section, 4 KiB long; the ROM
//!   directory follows it, signature `0x44524652` ("RFRD" in memory), and
//!   its `u32` at +8 is the offset of the PCI expansion ROM.
//! * The offset is 4-byte aligned (OpenRM checks it); nouveau wants it
//!   below 1 MiB with the `0xAA55` ROM signature there.
//!
//! Not public: what else the IFR section holds, how long it is on GA100
//! and which version GA100's ROMs carry. nvsim writes only the fields
//! above, at offsets of its own choosing ([`EXT_OFFSET`],
//! [`TOTAL_DATA_SIZE`], [`FLASH_STATUS_OFFSET`]); the rest is filler. Each
//! version gets only the words its own lookup reads, so a driver that
//! takes the wrong path does not land on the right offset by chance.

use crate::fill;
use crate::le::{align_up, LeBuf};

/// IFR signature word ("NVGI" in memory).
pub const IFR_SIGNATURE: [u8; 4] = *b"NVGI";
/// ROM directory signature word of version 3 ("RFRD" in memory).
pub const ROM_DIRECTORY_SIGNATURE: [u8; 4] = *b"RFRD";
/// Size of the flash status section that precedes the ROM directory.
pub const FLASH_STATUS_SIZE: usize = 4096;

/// Offset of the extended section (the fixed data size) nvsim writes.
pub const EXT_OFFSET: usize = 0x100;
/// Total data size nvsim writes (where version 3 finds the flash status
/// offset).
pub const TOTAL_DATA_SIZE: usize = 0x200;
/// Offset of the flash status section nvsim writes (version 3).
pub const FLASH_STATUS_OFFSET: usize = 0x1000;
/// Offset of the ROM directory (version 3).
pub const ROM_DIRECTORY_OFFSET: usize = FLASH_STATUS_OFFSET + FLASH_STATUS_SIZE;

/// An IFR header in front of the image chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IfrSpec {
    /// The software version in `FIXED1` (1, 2 or 3 are defined).
    pub version: u8,
    /// Where the PCI expansion ROM starts; raised to the end of the
    /// version's structures if smaller, and rounded up to 512 bytes.
    pub rom_offset: usize,
}

impl IfrSpec {
    /// The offset at which the generated ROM's PCI expansion ROM starts.
    pub fn effective_rom_offset(&self) -> usize {
        let min = match self.version {
            3 => ROM_DIRECTORY_OFFSET + 12,
            _ => EXT_OFFSET + 8,
        };
        align_up(self.rom_offset.max(min), 512)
    }
}

/// The IFR section: everything before the PCI expansion ROM.
pub(crate) fn header(spec: &IfrSpec, device_id: u16) -> Vec<u8> {
    let rom_offset = spec.effective_rom_offset();
    let mut b = LeBuf::zeroed(rom_offset);
    fill::fill(b.as_mut_slice(), fill::seed(device_id, fill::IFR_REGION));
    b.put(0x0, &IFR_SIGNATURE);
    b.u32(
        0x4,
        ((EXT_OFFSET as u32 & 0x7fff) << 16) | (u32::from(spec.version) << 8),
    );
    b.u32(0x8, TOTAL_DATA_SIZE as u32 & 0xf_ffff);
    b.u32(0xc, 0);
    match spec.version {
        1 | 2 => b.u32(EXT_OFFSET + 4, rom_offset as u32),
        3 => {
            b.u32(TOTAL_DATA_SIZE, FLASH_STATUS_OFFSET as u32);
            b.put(ROM_DIRECTORY_OFFSET, &ROM_DIRECTORY_SIGNATURE);
            b.u32(ROM_DIRECTORY_OFFSET + 8, rom_offset as u32);
        }
        // Unknown versions: the header alone, for tests of refusals.
        _ => {}
    }
    b.into_vec()
}
