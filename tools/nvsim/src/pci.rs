//! PCI configuration space of the simulated board.
//!
//! Type 0 header with the chip's IDs and BARs, then a capability list laid
//! out as on GA102 boards (lspci): Power Management at 0x60, MSI (64-bit,
//! one vector, no per-vector masking) at 0x68, PCI Express (version 2,
//! legacy endpoint) at 0x78. Extended configuration space (0x100..0x1000)
//! exists but holds no extended capabilities. The real boards are
//! multi-function (HD audio, USB-C on some); nvsim is function 0 alone, so
//! the header type is 0x00.
//!
//! The vendor-specific register at 0x50 holds NVIDIA's ROM shadow enable
//! in bit 0 (nouveau `nvkm_pci_rom_shadow` clears it before reading the
//! PROM and sets it again after); it is stored and has no other effect.
//!
//! Writes follow per-bit masks: read-only bits keep their value, BARs take
//! address bits only (so writing all ones reads back the size), status
//! error bits are write-one-to-clear.

use crate::bar0::{Bar0Model, Bus};
use crate::chip::{Chip, BAR0_SIZE, IO_BAR_SIZE, NVIDIA_VENDOR_ID};

/// Size of the configuration space (PCI Express: 4 KiB).
pub const CONFIG_SIZE: usize = 4096;

/// Offset of the capability list's first entry.
pub const CAP_PM: usize = 0x60;
/// Offset of the MSI capability.
pub const CAP_MSI: usize = 0x68;
/// Offset of the PCI Express capability.
pub const CAP_PCIE: usize = 0x78;
/// Offset of NVIDIA's ROM shadow control register.
pub const ROM_SHADOW: usize = 0x50;

/// PCI command register bits that can be written.
const CMD_IO: u16 = 1 << 0;
const CMD_WRITABLE: u16 = (1 << 1) | (1 << 2) | (1 << 6) | (1 << 8) | (1 << 10);
/// The command register's INTx-disable bit.
pub const CMD_INTX_DISABLE: u16 = 1 << 10;

/// The configuration space.
pub struct ConfigSpace {
    data: Vec<u8>,
    wmask: Vec<u8>,
    w1c: Vec<u8>,
}

/// What a configuration write changed that the rest of the device must
/// know about.
#[derive(Debug, Default, Clone, Copy)]
pub struct ConfigEffects {
    /// The command register after the write, if the write touched it.
    pub command: Option<u16>,
}

impl ConfigSpace {
    /// The power-on configuration space of `chip`.
    pub fn new(chip: &Chip) -> Self {
        let mut c = Self {
            data: vec![0; CONFIG_SIZE],
            wmask: vec![0; CONFIG_SIZE],
            w1c: vec![0; CONFIG_SIZE],
        };
        c.header(chip);
        c.capabilities(chip);
        c
    }

    fn set16(&mut self, off: usize, v: u16) {
        self.data[off..off + 2].copy_from_slice(&v.to_le_bytes());
    }

    fn set32(&mut self, off: usize, v: u32) {
        self.data[off..off + 4].copy_from_slice(&v.to_le_bytes());
    }

    fn mask16(&mut self, off: usize, m: u16) {
        self.wmask[off..off + 2].copy_from_slice(&m.to_le_bytes());
    }

    fn mask32(&mut self, off: usize, m: u32) {
        self.wmask[off..off + 4].copy_from_slice(&m.to_le_bytes());
    }

    fn header(&mut self, chip: &Chip) {
        self.set16(0x00, NVIDIA_VENDOR_ID);
        self.set16(0x02, chip.device_id);
        self.mask16(0x04, CMD_WRITABLE | if chip.io_bar { CMD_IO } else { 0 });
        self.set16(0x06, 1 << 4); // capability list present
        self.w1c[0x07] = 0xf9; // parity, target/master aborts, SERR, parity error
        self.data[0x08] = chip.revision_id();
        self.data[0x09..0x0c].copy_from_slice(&chip.class_code.to_le_bytes()[..3]);
        self.wmask[0x0c] = 0xff; // cache line size
        self.data[0x0e] = 0x00; // header type 0, single function

        // BAR0: 32-bit, non-prefetchable memory.
        self.set32(0x10, 0);
        self.mask32(0x10, !(BAR0_SIZE as u32 - 1));
        // BAR1 (0x14/0x18) and BAR3 (0x1c/0x20): 64-bit prefetchable.
        for (off, size) in [(0x14, chip.bar1_size), (0x1c, chip.bar3_size)] {
            self.set32(off, 0x0c);
            let mask = !(size - 1);
            self.mask32(off, mask as u32 & !0xf);
            self.mask32(off + 4, (mask >> 32) as u32);
        }
        // BAR5 (0x24): I/O ports, on boards that have them.
        if chip.io_bar {
            self.set32(0x24, 0x01);
            self.mask32(0x24, !(IO_BAR_SIZE as u32 - 1) & !0x3);
        }
        self.set16(0x2c, chip.subsystem_vendor_id);
        self.set16(0x2e, chip.subsystem_id);
        self.data[0x34] = CAP_PM as u8;
        self.wmask[0x3c] = 0xff; // interrupt line
        self.data[0x3d] = 0x01; // INTA#
        self.data[ROM_SHADOW] = 0x01;
        self.wmask[ROM_SHADOW] = 0x01;
    }

    fn capabilities(&mut self, chip: &Chip) {
        // Power Management, version 3, no PME; PMCSR: No_Soft_Reset.
        let p = CAP_PM;
        self.data[p] = 0x01;
        self.data[p + 1] = CAP_MSI as u8;
        self.set16(p + 2, 0x0003);
        self.set16(p + 4, 0x0008);
        self.mask16(p + 4, 0x0003);

        // MSI: 64-bit address, one vector, no per-vector masking.
        let m = CAP_MSI;
        self.data[m] = 0x05;
        self.data[m + 1] = CAP_PCIE as u8;
        self.set16(m + 2, 1 << 7);
        self.mask16(m + 2, 0x0071); // enable, multiple message enable
        self.mask32(m + 4, 0xffff_fffc);
        self.mask32(m + 8, 0xffff_ffff);
        self.mask16(m + 12, 0xffff);

        // PCI Express, capability version 2, legacy endpoint.
        let e = CAP_PCIE;
        let (speed, width) = chip.link;
        let flr = chip.arch != crate::chip::Arch::Turing;
        self.data[e] = 0x10;
        self.data[e + 1] = 0x00; // end of list
        self.set16(e + 2, (1 << 4) | 2);
        // Device capabilities: 256-byte payload, extended tags,
        // role-based error reporting, function level reset (not Turing).
        self.set32(
            e + 4,
            0x1 | (1 << 5) | (1 << 15) | if flr { 1 << 28 } else { 0 },
        );
        self.set16(e + 8, 0x2810); // device control: MRRS 512, RO, ext tags
        self.mask16(e + 8, 0x7fff);
        self.w1c[e + 10] = 0x0f; // device status error bits
                                 // Link capabilities: speed, width, ASPM L0s/L1.
        self.set32(
            e + 12,
            u32::from(speed) | (u32::from(width) << 4) | (3 << 10),
        );
        self.mask16(e + 16, 0x0fc3); // link control
        self.set16(e + 18, u16::from(speed) | (u16::from(width) << 4));
        // Link capabilities 2: supported speeds vector up to `speed`.
        self.set32(e + 0x2c, ((1u32 << speed) - 1) << 1);
        self.set16(e + 0x30, u16::from(speed)); // link control 2: target speed
        self.mask16(e + 0x30, 0x000f);
        self.mask16(e + 0x28, 0x040f); // device control 2
    }

    /// Reads `buf.len()` bytes at `off`; bytes past the end read as 0xff.
    pub fn read(&self, off: usize, buf: &mut [u8]) {
        for (i, b) in buf.iter_mut().enumerate() {
            *b = self.data.get(off + i).copied().unwrap_or(0xff);
        }
    }

    /// Reads the dword at `off` (rounded down to 4).
    pub fn read32(&self, off: usize) -> u32 {
        let mut b = [0; 4];
        self.read(off & !3, &mut b);
        u32::from_le_bytes(b)
    }

    /// Writes `data` at `off`, honouring the write masks.
    pub fn write(&mut self, off: usize, data: &[u8]) -> ConfigEffects {
        for (i, v) in data.iter().enumerate() {
            let a = off + i;
            let (Some(cur), Some(m), Some(c)) =
                (self.data.get(a), self.wmask.get(a), self.w1c.get(a))
            else {
                continue;
            };
            let cleared = cur & !(v & c);
            self.data[a] = (cleared & !m) | (v & m);
        }
        let touches = |reg: usize, len: usize| off < reg + len && reg < off + data.len();
        ConfigEffects {
            command: touches(0x04, 2).then(|| self.command()),
        }
    }

    /// The command register.
    pub fn command(&self) -> u16 {
        u16::from_le_bytes([self.data[4], self.data[5]])
    }
}

/// BAR0 view of the configuration space (NV_PCFG mirror): 0x088000 up to
/// Ada, 0x092000 on Hopper and later (nova-core `gpu/hal/*.rs`
/// `pci_config_mirror_range`; nouveau `nvkm_pci_rd32` uses 0x088000).
pub struct ConfigMirror {
    base: u32,
}

impl ConfigMirror {
    /// A mirror at `base`.
    pub fn new(base: u32) -> Self {
        Self { base }
    }
}

impl Bar0Model for ConfigMirror {
    fn name(&self) -> &str {
        "NV_PCFG"
    }

    fn range(&self) -> std::ops::Range<u32> {
        self.base..self.base + 0x1000
    }

    fn read32(&mut self, bus: &mut Bus<'_>, offset: u32) -> Option<u32> {
        Some(bus.config.read32((offset - self.base) as usize))
    }

    fn write32(&mut self, bus: &mut Bus<'_>, offset: u32, value: u32) -> bool {
        let fx = bus
            .config
            .write((offset - self.base) as usize, &value.to_le_bytes());
        if let Some(cmd) = fx.command {
            bus.irq.set_intx_disabled(cmd & CMD_INTX_DISABLE != 0);
        }
        true
    }

    fn reg_name(&self, offset: u32) -> Option<String> {
        Some(format!("NV_PCFG+{:#05x}", offset - self.base))
    }
}
