//! The PROM window: BAR0 0x300000..0x400000 reads the board's ROM.
//!
//! nova-core `vbios.rs` (`VbiosIterator::ROM_OFFSET`, 1 MiB scan limit) and
//! nouveau `bios/shadowrom.c` read the VBIOS here with 32-bit reads. Bytes
//! past the image read as 0xff, as erased flash does. The ROM is read-only:
//! writes are refused (and logged as unmodelled writes).
//!
//! The ROM is the chip's image chain from `nvsim-vbios`, with a real
//! board's image count and sizes (Turing: TU117's five images, 317.5 KiB,
//! NBSI last; the others: GA102's four, 553 KiB), so a driver that reads
//! the whole chain (nova-core) reads as much as on the real board. It
//! starts with the PCI expansion ROM directly (no IFR header: the
//! generator's GA100 IFR layout has no chip here yet), so a driver's IFR
//! check finds the 0xAA55 signature at offset 0.

use std::ops::Range;

use crate::bar0::{Bar0Model, Bus};

/// BAR0 offset of the PROM window.
pub const PROM_BASE: u32 = 0x0030_0000;
/// Size of the PROM window.
pub const PROM_SIZE: u32 = 0x0010_0000;

/// The PROM window over a ROM image.
pub struct Prom {
    rom: Vec<u8>,
}

impl Prom {
    /// A window serving `rom`.
    pub fn new(rom: Vec<u8>) -> Self {
        Self { rom }
    }
}

impl Bar0Model for Prom {
    fn name(&self) -> &str {
        "PROM"
    }

    fn range(&self) -> Range<u32> {
        PROM_BASE..PROM_BASE + PROM_SIZE
    }

    fn read32(&mut self, _bus: &mut Bus<'_>, offset: u32) -> Option<u32> {
        let at = (offset - PROM_BASE) as usize;
        let mut b = [0xff; 4];
        for (i, byte) in b.iter_mut().enumerate() {
            if let Some(v) = self.rom.get(at + i) {
                *byte = *v;
            }
        }
        Some(u32::from_le_bytes(b))
    }

    fn write32(&mut self, _bus: &mut Bus<'_>, _offset: u32, _value: u32) -> bool {
        false
    }

    fn reg_name(&self, offset: u32) -> Option<String> {
        Some(format!("NV_PROM+{:#07x}", offset - PROM_BASE))
    }
}
