//! Falcon engine stub: the identification and status registers a driver
//! reads while setting an engine up, for the falcons without a register
//! model of their own: the FSP model ([`crate::fsp`]) answers its EMEM and
//! queue registers and leaves the rest to this stub. GSP and SEC2 use
//! [`super::Falcon`].
//!
//! Register offsets (relative to the engine's PFALCON base; PFALCON2 is
//! base + 0x1000) from nova-core `regs.rs` and nouveau
//! `nvkm/falcon/{base,ga102}.c`:
//!
//! * 0x004 IRQSCLR (write-only), 0x008 IRQSTAT;
//! * 0x040/0x044 MAILBOX0/1, 0x080 OS, 0x084 RM: plain storage;
//! * 0x0f4 HWCFG2: bit 31 reset ready (GA102+), 13 RISC-V branch privilege
//!   lockdown, 12 memory scrubbing in progress, 10 RISC-V core present;
//! * 0x100 CPUCTL (bit 4 halted), 0x104 BOOTVEC;
//! * 0x108 HWCFG: IMEM size 8:0 and DMEM size 17:9, in 256-byte blocks;
//! * 0x10c DMACTL: bits 2:1 IMEM/DMEM scrubbing (0 = done);
//! * 0x12c HWCFG1: core revision 3:0, security model 5:4, core revision
//!   subversion 7:6, IMEM ports 11:8, DMEM ports 15:12;
//! * 0x3c0 ENGINE: bit 0 reset;
//! * PFALCON2 0x240 RISC-V core switch status (Turing), 0x388 RISC-V CPUCTL
//!   (GA102+, bit 4 halted, bit 7 active), 0x668 BCR_CTRL (bit 0 valid,
//!   bit 4 core select: 0 falcon).
//!
//! The engines report a halted falcon core selected, scrubbing done: the
//! state GFW leaves them in after FWSEC ran.

use std::collections::HashMap;
use std::ops::Range;

use crate::bar0::{Bar0Model, Bus};
use crate::chip::{Arch, FalconHw};

const IRQSCLR: u32 = 0x004;
const IRQSTAT: u32 = 0x008;
const HWCFG2: u32 = 0x0f4;
const CPUCTL: u32 = 0x100;
const HWCFG: u32 = 0x108;
const DMACTL: u32 = 0x10c;
const HWCFG1: u32 = 0x12c;
const RISCV_STATUS: u32 = 0x1240;
const RISCV_CPUCTL: u32 = 0x1388;
const BCR_CTRL: u32 = 0x1668;

/// Stored registers: (offset, name, power-on value).
const STORED: &[(u32, &str, u32)] = &[
    (0x040, "MAILBOX0", 0),
    (0x044, "MAILBOX1", 0),
    (0x080, "OS", 0),
    (0x084, "RM", 0),
    (CPUCTL, "CPUCTL", 1 << 4),
    (0x104, "BOOTVEC", 0),
    (DMACTL, "DMACTL", 0),
    (0x3c0, "ENGINE", 0),
    (BCR_CTRL, "RISCV_BCR_CTRL", 1),
];

/// Identification and status registers of one falcon.
pub struct FalconStub {
    name: &'static str,
    base: u32,
    hw: FalconHw,
    arch: Arch,
    stored: HashMap<u32, u32>,
}

impl FalconStub {
    /// A stub for the falcon `name` ("GSP", "SEC2", "FSP") at `base`.
    pub fn new(name: &'static str, base: u32, hw: FalconHw, arch: Arch) -> Self {
        Self {
            name,
            base,
            hw,
            arch,
            stored: STORED.iter().map(|(o, _, v)| (*o, *v)).collect(),
        }
    }

    fn hwcfg2(&self) -> u32 {
        let reset_ready = if self.arch == Arch::Turing {
            0
        } else {
            1 << 31
        };
        reset_ready | if self.hw.riscv { 1 << 10 } else { 0 }
    }
}

impl Bar0Model for FalconStub {
    fn name(&self) -> &str {
        self.name
    }

    fn range(&self) -> Range<u32> {
        self.base..self.base + 0x2000
    }

    fn read32(&mut self, _bus: &mut Bus<'_>, offset: u32) -> Option<u32> {
        let rel = offset - self.base;
        match rel {
            IRQSCLR | IRQSTAT => Some(0),
            HWCFG => Some(self.hw.hwcfg()),
            HWCFG1 => Some(self.hw.hwcfg1()),
            HWCFG2 => Some(self.hwcfg2()),
            RISCV_STATUS if self.arch == Arch::Turing => Some(0),
            RISCV_CPUCTL if self.arch != Arch::Turing => Some(1 << 4),
            BCR_CTRL if self.arch == Arch::Turing => None,
            _ => self.stored.get(&rel).copied(),
        }
    }

    fn write32(&mut self, _bus: &mut Bus<'_>, offset: u32, value: u32) -> bool {
        let rel = offset - self.base;
        match rel {
            IRQSCLR => true,
            BCR_CTRL if self.arch == Arch::Turing => false,
            // The core switch completes at once: valid reads back set.
            BCR_CTRL => {
                self.stored.insert(rel, value | 1);
                true
            }
            // Scrubbing is instantaneous: the busy bits never stick.
            DMACTL => {
                self.stored.insert(rel, value & !0x6);
                true
            }
            _ => match self.stored.get_mut(&rel) {
                Some(v) => {
                    *v = value;
                    true
                }
                None => false,
            },
        }
    }

    fn reg_name(&self, offset: u32) -> Option<String> {
        let rel = offset.checked_sub(self.base)?;
        let reg = match rel {
            IRQSCLR => "IRQSCLR",
            IRQSTAT => "IRQSTAT",
            HWCFG => "HWCFG",
            HWCFG1 => "HWCFG1",
            HWCFG2 => "HWCFG2",
            RISCV_STATUS => "RISCV_CORE_SWITCH_RISCV_STATUS",
            RISCV_CPUCTL => "RISCV_CPUCTL",
            _ => STORED.iter().find(|(o, _, _)| *o == rel)?.1,
        };
        Some(format!("{}_FALCON_{reg}", self.name))
    }

    fn reset(&mut self) {
        self.stored = STORED.iter().map(|(o, _, v)| (*o, *v)).collect();
    }
}
