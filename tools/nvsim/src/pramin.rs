//! The PRAMIN window: BAR0 0x700000..0x800000 reads and writes 1 MiB of
//! VRAM starting at the base held in NV_PBUS_BAR0_WINDOW (bits 23:0, in
//! 64 KiB units). nouveau `bios/shadowramin.c` moves the window onto the
//! VGA workspace to read the VBIOS copy that devinit left there.

use std::ops::Range;

use crate::bar0::{Bar0Model, Bus};
use crate::regs::NV_PBUS_BAR0_WINDOW;

/// BAR0 offset of the PRAMIN window.
pub const PRAMIN_BASE: u32 = 0x0070_0000;
/// Size of the PRAMIN window.
pub const PRAMIN_SIZE: u32 = 0x0010_0000;

/// The PRAMIN window.
pub struct Pramin;

fn vram_addr(bus: &Bus<'_>, offset: u32) -> u64 {
    let window = bus.regs.read(NV_PBUS_BAR0_WINDOW).unwrap_or(0) & 0x00ff_ffff;
    (u64::from(window) << 16) + u64::from(offset - PRAMIN_BASE)
}

impl Bar0Model for Pramin {
    fn name(&self) -> &str {
        "PRAMIN"
    }

    fn range(&self) -> Range<u32> {
        PRAMIN_BASE..PRAMIN_BASE + PRAMIN_SIZE
    }

    fn read32(&mut self, bus: &mut Bus<'_>, offset: u32) -> Option<u32> {
        let addr = vram_addr(bus, offset);
        if !bus.vram.contains(addr, 4) {
            return None;
        }
        let mut b = [0; 4];
        bus.vram.read(addr, &mut b);
        Some(u32::from_le_bytes(b))
    }

    fn write32(&mut self, bus: &mut Bus<'_>, offset: u32, value: u32) -> bool {
        let addr = vram_addr(bus, offset);
        if !bus.vram.contains(addr, 4) {
            return false;
        }
        bus.vram.write(addr, &value.to_le_bytes());
        true
    }

    fn reg_name(&self, offset: u32) -> Option<String> {
        Some(format!("NV_PRAMIN+{:#07x}", offset - PRAMIN_BASE))
    }
}
