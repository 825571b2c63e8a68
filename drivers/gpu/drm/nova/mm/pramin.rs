// SPDX-License-Identifier: GPL-2.0

//! The PRAMIN window: CPU access to video memory through BAR0.
//!
//! A window register selects a 64 KiB-aligned base in VRAM; the 1 MiB at
//! BAR0 0x700000 then reads and writes the memory from that base. nova uses
//! it to write its GPU page tables: few, small writes that need no BAR1
//! mapping. The window register is shared by every user, so one lock
//! covers moving the window and the accesses through it.

use kernel::{
    io::{
        register::{
            Array,
            RegisterArray, //
        },
        Io, //
    },
    new_mutex,
    prelude::*,
    sync::Mutex,
};

use crate::{
    chip::Chip,
    firmware::parse::chip::Gen,
    gpu::Bar0,
    mm::regs::{
        NV_PBUS_BAR0_WINDOW,
        NV_PRAMIN,
        NV_XAL_EP_BAR0_WINDOW, //
    },
};

/// Size of the window in bytes.
const WINDOW_SIZE: u64 = (<NV_PRAMIN as RegisterArray>::SIZE * 4) as u64;
/// Alignment of the window base.
const BASE_SHIFT: u32 = 16;

/// The window register of a generation.
#[derive(Clone, Copy)]
enum WindowReg {
    /// `NV_PBUS_BAR0_WINDOW` (Turing to Ada).
    Pbus,
    /// `NV_XAL_EP_BAR0_WINDOW` (Hopper, Blackwell).
    Xal,
}

/// The PRAMIN window of one GPU, and the base it points at now.
#[pin_data]
pub(crate) struct Pramin {
    reg: WindowReg,
    #[pin]
    base: Mutex<Option<u64>>,
}

impl Pramin {
    /// The window of `chip`; nothing is written until the first access.
    pub(crate) fn new(chip: &Chip) -> impl PinInit<Self> {
        let reg = match chip.gen {
            Gen::Gh100 => WindowReg::Xal,
            Gen::Tu1xx | Gen::Ga100 | Gen::Ga10x => WindowReg::Pbus,
        };
        pin_init!(Self {
            reg,
            base <- new_mutex!(None),
        })
    }

    /// Points the window at the 64 KiB block holding `addr` unless it is
    /// there already, and returns the word index of `addr` in the window.
    fn aim(&self, bar: &Bar0<'_>, cur: &mut Option<u64>, addr: u64) -> Result<usize> {
        let base = addr & !(WINDOW_SIZE - 1);
        if *cur != Some(base) {
            let units = u32::try_from(base >> BASE_SHIFT).map_err(|_| EINVAL)?;
            match self.reg {
                WindowReg::Pbus => bar.write_reg(
                    NV_PBUS_BAR0_WINDOW::zeroed()
                        .try_with_base(units)?
                        .with_const_target::<0>(),
                ),
                WindowReg::Xal => {
                    bar.write_reg(NV_XAL_EP_BAR0_WINDOW::zeroed().try_with_base(units)?)
                }
            }
            *cur = Some(base);
        }
        Ok(((addr - base) / 4) as usize)
    }

    /// Writes the 64-bit values `words` to consecutive VRAM addresses from
    /// `addr` (8-byte aligned). Each value is written high half first, so
    /// that the low half, which holds the valid bit of a page-table entry,
    /// lands last.
    pub(crate) fn write_u64s(&self, bar: &Bar0<'_>, addr: u64, words: &[u64]) -> Result {
        if addr % 8 != 0 {
            return Err(EINVAL);
        }
        let mut cur = self.base.lock();
        for (i, w) in words.iter().enumerate() {
            let at = addr + 8 * i as u64;
            let idx = self.aim(bar, &mut cur, at)?;
            let lo = NV_PRAMIN::try_at(idx).ok_or(EINVAL)?;
            let hi = NV_PRAMIN::try_at(idx + 1).ok_or(EINVAL)?;
            bar.write(hi, NV_PRAMIN::from_raw((*w >> 32) as u32));
            bar.write(lo, NV_PRAMIN::from_raw(*w as u32));
        }
        Ok(())
    }

    /// Writes the 32-bit `value` at VRAM `addr` (4-byte aligned), e.g. a
    /// channel's USERD `GP_PUT`.
    pub(crate) fn write_u32(&self, bar: &Bar0<'_>, addr: u64, value: u32) -> Result {
        if addr % 4 != 0 {
            return Err(EINVAL);
        }
        let mut cur = self.base.lock();
        let idx = self.aim(bar, &mut cur, addr)?;
        bar.write(
            NV_PRAMIN::try_at(idx).ok_or(EINVAL)?,
            NV_PRAMIN::from_raw(value),
        );
        Ok(())
    }

    /// Writes `count` zero 64-bit words from `addr` (8-byte aligned).
    pub(crate) fn zero(&self, bar: &Bar0<'_>, addr: u64, count: usize) -> Result {
        if addr % 8 != 0 {
            return Err(EINVAL);
        }
        let mut cur = self.base.lock();
        for i in 0..count * 2 {
            let at = addr + 4 * i as u64;
            let idx = self.aim(bar, &mut cur, at)?;
            let loc = NV_PRAMIN::try_at(idx).ok_or(EINVAL)?;
            bar.write(loc, NV_PRAMIN::from_raw(0));
        }
        Ok(())
    }
}
