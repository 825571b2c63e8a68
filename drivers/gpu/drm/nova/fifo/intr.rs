// SPDX-License-Identifier: GPL-2.0

//! The CPU interrupt tree ([`super::regs`]) as nova drives it, and what the
//! interrupt handler does with the engines' nonstall vectors.
//!
//! One PCI vector serves the whole tree. Until GSP-RM has told nova its
//! vectors (`INTERNAL_INTR_GET_KERNEL_TABLE`, only answered once GSP-RM
//! runs), nova allows every leaf: the only source that can be pending
//! then is the GSP's own interrupt, which GSP-RM raises for its messages.
//! Afterwards only the GSP's stall vector and the nonstall vectors of the
//! engines nova submits to stay allowed ([`Tree::allow_only`]).
//!
//! The handler ([`Tree::take`]) masks the TOP enables, reads the pending
//! leaves under the TOP bits, clears them and unmasks the TOP enables
//! again; with MSI, anything that became pending meanwhile sends a new
//! message on the unmask. It is safe in hard interrupt context.

use kernel::{
    io::{
        register::Array,
        Io, //
    },
    prelude::*,
    sync::{
        Arc,
        SpinLockIrq, //
    },
};

use super::{
    regs::{
        LEAVES, //
        NV_VIRTUAL_FUNCTION_PRIV_CPU_INTR_LEAF,
        NV_VIRTUAL_FUNCTION_PRIV_CPU_INTR_LEAF_EN_CLEAR,
        NV_VIRTUAL_FUNCTION_PRIV_CPU_INTR_LEAF_EN_SET,
        NV_VIRTUAL_FUNCTION_PRIV_CPU_INTR_TOP,
        NV_VIRTUAL_FUNCTION_PRIV_CPU_INTR_TOP_EN_CLEAR,
        NV_VIRTUAL_FUNCTION_PRIV_CPU_INTR_TOP_EN_SET,
    },
    ring::Ring,
};
use crate::gpu::Bar0;

/// Pending vectors, a bit each, by leaf.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub(crate) struct Vectors(pub(crate) [u32; LEAVES]);

impl Vectors {
    /// Every vector.
    pub(crate) const ALL: Self = Self([u32::MAX; LEAVES]);

    /// Adds vector `v`; vectors beyond the tree are ignored.
    pub(crate) fn add(&mut self, v: u32) {
        if let Some(leaf) = self.0.get_mut((v / 32) as usize) {
            *leaf |= 1 << (v % 32);
        }
    }

    /// Whether the set is empty.
    pub(crate) fn is_empty(&self) -> bool {
        self.0.iter().all(|l| *l == 0)
    }
}

/// The tree's registers.
pub(crate) struct Tree<'a, 'b>(pub(crate) &'a Bar0<'b>);

/// The TOP bits there are: one per pair of leaves.
const TOP_ALL: u32 = (1 << (LEAVES / 2)) - 1;

impl Tree<'_, '_> {
    /// Lets the tree raise the interrupt, or stops it.
    pub(crate) fn arm(&self, on: bool) {
        if on {
            self.0.write_reg(
                NV_VIRTUAL_FUNCTION_PRIV_CPU_INTR_TOP_EN_SET::zeroed().with_const_set::<TOP_ALL>(),
            );
        } else {
            self.0.write_reg(
                NV_VIRTUAL_FUNCTION_PRIV_CPU_INTR_TOP_EN_CLEAR::zeroed()
                    .with_const_clear::<TOP_ALL>(),
            );
        }
    }

    /// Allows exactly the vectors `allowed`.
    pub(crate) fn allow_only(&self, allowed: &Vectors) {
        for (i, bits) in allowed.0.iter().enumerate() {
            let (Some(clear), Some(set)) = (
                NV_VIRTUAL_FUNCTION_PRIV_CPU_INTR_LEAF_EN_CLEAR::try_at(i),
                NV_VIRTUAL_FUNCTION_PRIV_CPU_INTR_LEAF_EN_SET::try_at(i),
            ) else {
                continue;
            };
            self.0.write(
                clear,
                NV_VIRTUAL_FUNCTION_PRIV_CPU_INTR_LEAF_EN_CLEAR::from_raw(!bits),
            );
            self.0.write(
                set,
                NV_VIRTUAL_FUNCTION_PRIV_CPU_INTR_LEAF_EN_SET::from_raw(*bits),
            );
        }
    }

    /// Takes what is pending: masks the TOP enables, reads and clears the
    /// pending leaves, and unmasks. Registers reading all ones (the device
    /// is gone) count as nothing pending.
    pub(crate) fn take(&self) -> Vectors {
        self.arm(false);
        let mut out = Vectors::default();
        let top = self
            .0
            .read(NV_VIRTUAL_FUNCTION_PRIV_CPU_INTR_TOP)
            .into_raw();
        if top != u32::MAX {
            for (i, slot) in out.0.iter_mut().enumerate() {
                if top & (1 << (i / 2)) == 0 {
                    continue;
                }
                let (Some(rd), Some(wr)) = (
                    NV_VIRTUAL_FUNCTION_PRIV_CPU_INTR_LEAF::try_at(i),
                    NV_VIRTUAL_FUNCTION_PRIV_CPU_INTR_LEAF::try_at(i),
                ) else {
                    continue;
                };
                let pending = self.0.read(rd).into_raw();
                if pending != 0 && pending != u32::MAX {
                    self.0.write(
                        wr,
                        NV_VIRTUAL_FUNCTION_PRIV_CPU_INTR_LEAF::from_raw(pending),
                    );
                    *slot = pending;
                }
            }
        }
        self.arm(true);
        out
    }
}

/// Most channels of one GPU (nova's limit).
pub(crate) const MAX_CHANNELS: usize = 256;

/// What the interrupt handler serves besides the GSP: the rings of the
/// GPU's channels, whose fences it signals when an engine's nonstall
/// vector fires.
#[pin_data]
pub(crate) struct Engines {
    /// The rings, with room for [`MAX_CHANNELS`] reserved up front so that
    /// adding one under the lock never allocates.
    #[pin]
    rings: SpinLockIrq<KVec<Arc<Ring>>>,
}

impl Engines {
    /// No channel yet.
    pub(crate) fn new() -> Result<impl PinInit<Self, Error>> {
        let rings = KVec::with_capacity(MAX_CHANNELS, GFP_KERNEL)?;
        Ok(try_pin_init!(Self {
            rings <- kernel::new_spinlock_irq!(rings, "nova_engines"),
        }))
    }

    /// Serves `ring` from now on; `ENOSPC` at [`MAX_CHANNELS`].
    pub(crate) fn add(&self, ring: Arc<Ring>) -> Result {
        self.rings
            .lock()
            .push_within_capacity(ring)
            .map_err(|_| ENOSPC)
    }

    /// Stops serving `ring`.
    pub(crate) fn remove(&self, ring: &Arc<Ring>) -> Option<Arc<Ring>> {
        let mut rings = self.rings.lock();
        let at = rings.iter().position(|r| Arc::ptr_eq(r, ring))?;
        rings.remove(at).ok()
    }

    /// Signals the fences of every ring whose jobs are done. Never
    /// allocates or sleeps: called from the hard interrupt handler.
    pub(crate) fn retire_all(&self) {
        for r in self.rings.lock().iter() {
            r.retire();
        }
    }

    /// Fails every ring's jobs with `err` and marks the channels dead: the
    /// device is going away.
    pub(crate) fn fail_all(&self, err: Error) {
        for r in self.rings.lock().iter() {
            r.fail(err);
        }
    }

    /// Runs `f` on the ring of channel `chid` of engine `engine_type`.
    pub(crate) fn with_ring(&self, engine_type: u32, chid: u32, f: impl FnOnce(&Ring)) -> bool {
        let rings = self.rings.lock();
        match rings.iter().find(|r| r.is(engine_type, chid)) {
            Some(r) => {
                f(r);
                true
            }
            None => false,
        }
    }
}
