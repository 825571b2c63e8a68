//! The CPU interrupt tree of the VFN window: what turns the GSP's and the
//! engines' interrupts into the PCI interrupt.
//!
//! Facts. The registers (open-gpu-kernel-modules published
//! `turing/tu102/dev_vm.h` and `ampere/ga100/dev_vm.h`, identical; offsets
//! from the VFN base, `NV_VIRTUAL_FUNCTION_FULL_PHYS_OFFSET` 0xb80000):
//!
//! | BAR0 | register | model |
//! | --- | --- | --- |
//! | 0xb81000 + 4i, i < 8 | `NV_VIRTUAL_FUNCTION_PRIV_CPU_INTR_LEAF(i)` | pending vectors 32i..32i+31; a written 1 clears (nouveau `tu102_vfn_intr_reset`) |
//! | 0xb81200 + 4i | `..._CPU_INTR_LEAF_EN_SET(i)` | a written 1 enables the vector (`tu102_vfn_intr_allow`); reads the enable mask |
//! | 0xb81400 + 4i | `..._CPU_INTR_LEAF_EN_CLEAR(i)` | a written 1 disables it (`tu102_vfn_intr_block`); reads the enable mask |
//! | 0xb81600 | `..._CPU_INTR_TOP(0)` | read-only: bit j (SUBTREE j) when leaf 2j or 2j+1 has a pending and enabled vector (nouveau `tu102_vfn_intr_pending` reads leaf `l` when `intr_top & BIT(l / 2)`) |
//! | 0xb81608 | `..._CPU_INTR_TOP_EN_SET(0)` | a written 1 enables the subtree (`tu102_vfn_intr_rearm` writes 0xf); reads the enable mask |
//! | 0xb81610 | `..._CPU_INTR_TOP_EN_CLEAR(0)` | a written 1 disables it (`tu102_vfn_intr_unarm` writes 0xf); reads the enable mask |
//! | 0xb81640 | `..._CPU_INTR_LEAF_TRIGGER` | write-only: VECTOR 11:0 becomes pending (reads 0) |
//!
//! `LEAF__SIZE_1` is 8 and `TOP__SIZE_1` 1: 256 vectors, vector v in leaf
//! v / 32 bit v % 32, 4 subtrees of two leaves. Every value resets to 0
//! (`_INIT`): nothing pending, everything disabled. nouveau uses these
//! functions for TU102 and GA100 on (`vfn/tu102.c`, `vfn/ga100.c`
//! `.intr = &tu102_vfn_intr`); nvsim models them at the same offsets on
//! every chip (it has no Hopper or Blackwell `dev_vm.h` saying otherwise).
//!
//! The PCI interrupt ([`IrqLine`]) is asserted while `TOP & TOP_EN` is not
//! 0 and deasserted as soon as it is: INTx follows that level, MSI sends a
//! message on each rising edge, so re-enabling (TOP_EN_SET, LEAF_EN_SET) a
//! vector still pending interrupts again, which is what a driver's
//! unarm/rearm around its handler relies on.
//!
//! Sources, at the vectors GSP-RM reports in
//! `NV2080_CTRL_CMD_INTERNAL_INTR_GET_KERNEL_TABLE`
//! ([`crate::gsprm::rm::channel::intr_table`], from the definitions
//! below, so the table and the tree cannot disagree):
//!
//! * the GSP falcon's host interrupt (what is pending in its IRQSTAT,
//!   unmasked in IRQMASK and routed to the host by IRQDEST,
//!   [`crate::falcon`]) is a level source on [`GSP_STALL`]: while it is
//!   asserted the leaf bit cannot be cleared (a write of 1 leaves it set);
//!   once the driver cleared SWGEN0 in the falcon (IRQSCLR), clearing the
//!   leaf bit sticks;
//! * the engines' non-stall interrupts (the host's NON_STALL_INTERRUPT
//!   method, a copy engine's LAUNCH_DMA with INTERRUPT_TYPE NON_BLOCKING,
//!   [`crate::fifo`]) set the leaf bit of the channel's engine's non-stall
//!   vector ([`nonstall_vector`]); a written 1 clears it.
//!
//! The vectors are nvsim's (real ones depend on the board's tree): the
//! GSP's stall vector 0x17, GR0 0x40 (stall) / 0x80 (non-stall), COPYn
//! 0x41 + n / 0x81 + n. `--trace` logs every register access (BAR0 trace)
//! and every change of a source and of the PCI level.

use std::ops::Range;
use std::sync::{Arc, Mutex, MutexGuard};

use crate::bar0::{Bar0Model, Bus};
use crate::gsprm::rm::channel::{COPY_ENGINES, ENGINE_COPY0, ENGINE_GR0};
use crate::irq::IrqLine;
use crate::trace::Trace;

/// BAR0 offset of `NV_VIRTUAL_FUNCTION_PRIV_CPU_INTR_LEAF(0)`.
pub const CPU_INTR_LEAF: u32 = 0x00b8_1000;
/// `..._CPU_INTR_LEAF_EN_SET(0)`.
pub const CPU_INTR_LEAF_EN_SET: u32 = 0x00b8_1200;
/// `..._CPU_INTR_LEAF_EN_CLEAR(0)`.
pub const CPU_INTR_LEAF_EN_CLEAR: u32 = 0x00b8_1400;
/// `..._CPU_INTR_TOP(0)`.
pub const CPU_INTR_TOP: u32 = 0x00b8_1600;
/// `..._CPU_INTR_TOP_EN_SET(0)`.
pub const CPU_INTR_TOP_EN_SET: u32 = 0x00b8_1608;
/// `..._CPU_INTR_TOP_EN_CLEAR(0)`.
pub const CPU_INTR_TOP_EN_CLEAR: u32 = 0x00b8_1610;
/// `..._CPU_INTR_LEAF_TRIGGER`.
pub const CPU_INTR_LEAF_TRIGGER: u32 = 0x00b8_1640;
/// `..._CPU_INTR_LEAF__SIZE_1`.
pub const LEAVES: usize = 8;
/// The BAR0 range of the tree's registers.
pub const RANGE: Range<u32> = CPU_INTR_LEAF..CPU_INTR_LEAF + 0x1000;

/// The GSP's stall vector (no non-stall one).
pub const GSP_STALL: u32 = 0x17;
/// GR0's stall vector.
pub const GR0_STALL: u32 = 0x40;
/// GR0's non-stall vector.
pub const GR0_NONSTALL: u32 = 0x80;
/// COPY0's stall vector (COPYn: + n).
pub const COPY0_STALL: u32 = 0x41;
/// COPY0's non-stall vector (COPYn: + n).
pub const COPY0_NONSTALL: u32 = 0x81;

/// The stall vector of engine `engine_type` (`NV2080_ENGINE_TYPE_*`), if
/// nvsim's GPU has the engine.
pub fn stall_vector(engine_type: u32) -> Option<u32> {
    match engine_type {
        ENGINE_GR0 => Some(GR0_STALL),
        e if (ENGINE_COPY0..ENGINE_COPY0 + COPY_ENGINES).contains(&e) => {
            Some(COPY0_STALL + e - ENGINE_COPY0)
        }
        _ => None,
    }
}

/// The non-stall vector of engine `engine_type`, if nvsim's GPU has it.
pub fn nonstall_vector(engine_type: u32) -> Option<u32> {
    match engine_type {
        ENGINE_GR0 => Some(GR0_NONSTALL),
        e if (ENGINE_COPY0..ENGINE_COPY0 + COPY_ENGINES).contains(&e) => {
            Some(COPY0_NONSTALL + e - ENGINE_COPY0)
        }
        _ => None,
    }
}

/// Leaf index and bit of `vector`, if the tree has it.
fn split(vector: u32) -> Option<(usize, u32)> {
    let leaf = (vector / 32) as usize;
    (leaf < LEAVES).then(|| (leaf, 1 << (vector % 32)))
}

#[derive(Default)]
struct State {
    /// LEAF(i): latched pending vectors.
    leaf: [u32; LEAVES],
    /// LEAF_EN(i).
    leaf_en: [u32; LEAVES],
    /// Level sources currently asserted.
    level: [u32; LEAVES],
    /// TOP_EN(0).
    top_en: u32,
    /// Vectors set since power-on, for tests and the log.
    raised: u64,
}

impl State {
    fn top(&self) -> u32 {
        (0..LEAVES)
            .filter(|&i| self.leaf[i] & self.leaf_en[i] != 0)
            .fold(0, |t, i| t | 1 << (i / 2))
    }

    fn line(&self) -> bool {
        self.top() & self.top_en != 0
    }
}

/// The interrupt tree: a handle that models and threads clone.
///
/// Lock order: whoever holds the GSP-RM lock may take the tree's; the tree
/// takes the [`IrqLine`]'s under its own and calls nothing else.
#[derive(Clone)]
pub struct IntrTree {
    state: Arc<Mutex<State>>,
    irq: IrqLine,
    trace: Trace,
}

impl IntrTree {
    /// A tree in its reset state driving `irq`.
    pub fn new(irq: IrqLine, trace: Trace) -> Self {
        Self {
            state: Arc::new(Mutex::new(State::default())),
            irq,
            trace,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Applies the PCI level the state asks for (the line keeps it if it
    /// did not change).
    fn update(&self, s: &State) {
        let on = s.line();
        if on != self.irq.asserted() {
            self.trace.trace(|| {
                format!(
                    "intr: PCI interrupt {} (TOP {:#x}, TOP_EN {:#x})",
                    if on { "asserted" } else { "deasserted" },
                    s.top(),
                    s.top_en
                )
            });
        }
        self.irq.set_level(on);
    }

    /// Sets or drops level source `vector`: while set, its leaf bit is
    /// pending and a write of 1 does not clear it.
    pub fn set_level(&self, vector: u32, on: bool) {
        let Some((i, bit)) = split(vector) else {
            return;
        };
        let mut s = self.lock();
        if (s.level[i] & bit != 0) == on {
            return;
        }
        if on {
            s.level[i] |= bit;
            s.leaf[i] |= bit;
            s.raised += 1;
        } else {
            s.level[i] &= !bit;
        }
        self.trace.trace(|| {
            format!(
                "intr: vector {vector:#x} (leaf {i} bit {}) level {}",
                bit.trailing_zeros(),
                if on { "asserted" } else { "dropped" }
            )
        });
        self.update(&s);
    }

    /// Latches `vector` pending (an edge source); a write of 1 to its leaf
    /// clears it.
    pub fn pulse(&self, vector: u32) {
        let Some((i, bit)) = split(vector) else {
            return;
        };
        let mut s = self.lock();
        s.leaf[i] |= bit;
        s.raised += 1;
        self.trace.trace(|| {
            format!(
                "intr: vector {vector:#x} (leaf {i} bit {}) pending",
                bit.trailing_zeros()
            )
        });
        self.update(&s);
    }

    /// LEAF(`i`).
    pub fn leaf(&self, i: usize) -> u32 {
        self.lock().leaf.get(i).copied().unwrap_or(0)
    }

    /// Whether `vector` is pending in its leaf.
    pub fn pending(&self, vector: u32) -> bool {
        split(vector).is_some_and(|(i, bit)| self.lock().leaf[i] & bit != 0)
    }

    /// TOP(0).
    pub fn top(&self) -> u32 {
        self.lock().top()
    }

    /// How many times a source made a vector pending since power-on.
    pub fn raised(&self) -> u64 {
        self.lock().raised
    }

    /// Power-on state: nothing pending or enabled, the PCI level dropped.
    pub fn reset(&self) {
        let mut s = self.lock();
        *s = State::default();
        self.update(&s);
    }

    /// Reads the register at BAR0 `offset`; `None` if the tree has none
    /// there.
    pub fn read(&self, offset: u32) -> Option<u32> {
        let s = self.lock();
        let (base, i) = reg(offset)?;
        Some(match base {
            CPU_INTR_LEAF => s.leaf[i],
            CPU_INTR_LEAF_EN_SET | CPU_INTR_LEAF_EN_CLEAR => s.leaf_en[i],
            CPU_INTR_TOP => s.top(),
            CPU_INTR_TOP_EN_SET | CPU_INTR_TOP_EN_CLEAR => s.top_en,
            _ => 0,
        })
    }

    /// Writes the register at BAR0 `offset`; `false` if the tree has no
    /// writable register there.
    pub fn write(&self, offset: u32, value: u32) -> bool {
        let Some((base, i)) = reg(offset) else {
            return false;
        };
        let mut s = self.lock();
        match base {
            CPU_INTR_LEAF => {
                // Write 1 to clear; a source still asserted sets it again.
                let held = value & s.level[i];
                s.leaf[i] &= !value;
                s.leaf[i] |= s.level[i];
                if held != 0 {
                    self.trace.trace(|| {
                        format!(
                            "intr: LEAF({i}) bits {held:#x} stay pending: their source is still \
                             asserted"
                        )
                    });
                }
            }
            CPU_INTR_LEAF_EN_SET => s.leaf_en[i] |= value,
            CPU_INTR_LEAF_EN_CLEAR => s.leaf_en[i] &= !value,
            CPU_INTR_TOP_EN_SET => s.top_en |= value,
            CPU_INTR_TOP_EN_CLEAR => s.top_en &= !value,
            CPU_INTR_LEAF_TRIGGER => {
                let vector = value & 0xfff;
                match split(vector) {
                    Some((j, bit)) => {
                        s.leaf[j] |= bit;
                        s.raised += 1;
                    }
                    None => self.trace.log(format!(
                        "intr: LEAF_TRIGGER of vector {vector:#x}, beyond the {} vectors of \
                         the VF's {LEAVES} leaves; ignored",
                        LEAVES * 32
                    )),
                }
            }
            // TOP is read-only.
            _ => return false,
        }
        self.update(&s);
        true
    }
}

/// The register at `offset`: (its base, its index).
fn reg(offset: u32) -> Option<(u32, usize)> {
    let arrays = [CPU_INTR_LEAF, CPU_INTR_LEAF_EN_SET, CPU_INTR_LEAF_EN_CLEAR];
    for base in arrays {
        if (base..base + 4 * LEAVES as u32).contains(&offset) && offset.is_multiple_of(4) {
            return Some((base, ((offset - base) / 4) as usize));
        }
    }
    [
        CPU_INTR_TOP,
        CPU_INTR_TOP_EN_SET,
        CPU_INTR_TOP_EN_CLEAR,
        CPU_INTR_LEAF_TRIGGER,
    ]
    .contains(&offset)
    .then_some((offset, 0))
}

/// The tree's registers in BAR0 ([`RANGE`]); the other offsets of the
/// range fall through to the register file like any unmodelled offset.
pub struct IntrRegs {
    tree: IntrTree,
}

impl IntrRegs {
    /// The registers of `tree`.
    pub fn new(tree: IntrTree) -> Self {
        Self { tree }
    }
}

impl Bar0Model for IntrRegs {
    fn name(&self) -> &str {
        "VFN CPU_INTR"
    }

    fn range(&self) -> Range<u32> {
        RANGE
    }

    fn read32(&mut self, _bus: &mut Bus<'_>, offset: u32) -> Option<u32> {
        self.tree.read(offset)
    }

    fn write32(&mut self, _bus: &mut Bus<'_>, offset: u32, value: u32) -> bool {
        self.tree.write(offset, value)
    }

    fn reg_name(&self, offset: u32) -> Option<String> {
        let (base, i) = reg(offset)?;
        let name = match base {
            CPU_INTR_LEAF => "CPU_INTR_LEAF",
            CPU_INTR_LEAF_EN_SET => "CPU_INTR_LEAF_EN_SET",
            CPU_INTR_LEAF_EN_CLEAR => "CPU_INTR_LEAF_EN_CLEAR",
            CPU_INTR_TOP => "CPU_INTR_TOP",
            CPU_INTR_TOP_EN_SET => "CPU_INTR_TOP_EN_SET",
            CPU_INTR_TOP_EN_CLEAR => "CPU_INTR_TOP_EN_CLEAR",
            _ => return Some("NV_VIRTUAL_FUNCTION_PRIV_CPU_INTR_LEAF_TRIGGER".into()),
        };
        Some(format!("NV_VIRTUAL_FUNCTION_PRIV_{name}({i})"))
    }

    fn reset(&mut self) {
        self.tree.reset();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_and_registers() {
        assert_eq!(split(GSP_STALL), Some((0, 1 << 23)));
        assert_eq!(split(COPY0_NONSTALL + 2), Some((4, 1 << 3)));
        assert_eq!(split(256), None);
        assert_eq!(nonstall_vector(ENGINE_COPY0 + 1), Some(0x82));
        assert_eq!(stall_vector(ENGINE_GR0), Some(0x40));
        assert_eq!(nonstall_vector(ENGINE_COPY0 + COPY_ENGINES), None);
        assert_eq!(reg(0xb8_101c), Some((CPU_INTR_LEAF, 7)));
        assert_eq!(reg(0xb8_1020), None);
        assert_eq!(reg(0xb8_1204), Some((CPU_INTR_LEAF_EN_SET, 1)));
        assert_eq!(reg(0xb8_1602), None);
        assert_eq!(reg(0xb8_1610), Some((CPU_INTR_TOP_EN_CLEAR, 0)));
        assert_eq!(reg(0xb8_1604), None);
    }
}
