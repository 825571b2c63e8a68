//! The PRAMIN window: BAR0 0x700000..0x800000 reads and writes 1 MiB of
//! memory starting at the 64 KiB-aligned base the BAR0 window register
//! selects.
//!
//! Facts (open-gpu-doc `manuals/turing/tu104/dev_ram.ref.txt`: `NV_PRAMIN`
//! 0x7fffff:0x700000, "the PRAMIN bar0 space controlled by
//! NV_PBUS_BAR0_WINDOW"):
//!
//! * Turing, Ampere, Ada: `NV_PBUS_BAR0_WINDOW` (0x1700): BASE 23:0 =
//!   address >> 16 (`_BASE_SHIFT` 16), TARGET 25:24 (0 VID_MEM, 2
//!   SYS_MEM_COHERENT, 3 SYS_MEM_NONCOHERENT) (published
//!   `maxwell/gm107/dev_bus.h`); nouveau `bios/shadowramin.c` moves it onto
//!   the VGA workspace, `instmem/nv50.c` writes `addr >> 16`.
//! * Hopper, Blackwell: `NV_XAL_EP_BAR0_WINDOW` (0x10fd40): BASE 21:0 on
//!   GH100 (`_BASE_SHIFT` 16), no TARGET field: video memory only
//!   (published `hopper/gh100/pri_nv_xal_ep.h`).
//!
//! A TARGET of 1 is not defined: the access is refused (logged once).
//! Accesses beyond VRAM are refused too.

use std::ops::Range;

use crate::bar0::{Bar0Model, Bus};
use crate::chip::Arch;
use crate::regs::{NV_PBUS_BAR0_WINDOW, NV_XAL_EP_BAR0_WINDOW};

/// BAR0 offset of the PRAMIN window.
pub const PRAMIN_BASE: u32 = 0x0070_0000;
/// Size of the PRAMIN window.
pub const PRAMIN_SIZE: u32 = 0x0010_0000;

/// The PRAMIN window.
pub struct Pramin {
    xal: bool,
    reported: bool,
}

/// Where a PRAMIN offset lands.
enum Target {
    Vram(u64),
    Sys(u64),
    Invalid(u32),
}

impl Pramin {
    /// The window of an `arch` GPU.
    pub fn new(arch: Arch) -> Self {
        Self {
            xal: matches!(
                arch,
                Arch::Hopper | Arch::BlackwellGb10x | Arch::BlackwellGb20x
            ),
            reported: false,
        }
    }

    fn target(&self, bus: &Bus<'_>, offset: u32) -> Target {
        let rel = u64::from(offset - PRAMIN_BASE);
        if self.xal {
            let w = bus.regs.read(NV_XAL_EP_BAR0_WINDOW).unwrap_or(0);
            return Target::Vram((u64::from(w) << 16) + rel);
        }
        let w = bus.regs.read(NV_PBUS_BAR0_WINDOW).unwrap_or(0);
        let addr = (u64::from(w & 0x00ff_ffff) << 16) + rel;
        match (w >> 24) & 3 {
            0 => Target::Vram(addr),
            2 | 3 => Target::Sys(addr),
            t => Target::Invalid(t),
        }
    }

    fn refuse(&mut self, bus: &Bus<'_>, t: u32) {
        if !std::mem::replace(&mut self.reported, true) {
            bus.trace.log(format!(
                "PRAMIN: NV_PBUS_BAR0_WINDOW TARGET {t} is not defined; access refused"
            ));
        }
    }
}

impl Bar0Model for Pramin {
    fn name(&self) -> &str {
        "PRAMIN"
    }

    fn range(&self) -> Range<u32> {
        PRAMIN_BASE..PRAMIN_BASE + PRAMIN_SIZE
    }

    fn read32(&mut self, bus: &mut Bus<'_>, offset: u32) -> Option<u32> {
        match self.target(bus, offset) {
            Target::Vram(addr) => bus.vram.contains(addr, 4).then(|| bus.vram.read_u32(addr)),
            Target::Sys(addr) => bus.dma.read_u32(addr).ok(),
            Target::Invalid(t) => {
                self.refuse(bus, t);
                None
            }
        }
    }

    fn write32(&mut self, bus: &mut Bus<'_>, offset: u32, value: u32) -> bool {
        match self.target(bus, offset) {
            Target::Vram(addr) => {
                if !bus.vram.contains(addr, 4) {
                    return false;
                }
                bus.vram.write_u32(addr, value);
                true
            }
            Target::Sys(addr) => bus.dma.write_u32(addr, value).is_ok(),
            Target::Invalid(t) => {
                self.refuse(bus, t);
                false
            }
        }
    }

    fn reg_name(&self, offset: u32) -> Option<String> {
        Some(format!("NV_PRAMIN+{:#07x}", offset - PRAMIN_BASE))
    }

    fn reset(&mut self) {
        self.reported = false;
    }
}
