// SPDX-License-Identifier: GPL-2.0

//! TLB invalidation: after nova changes a VA space's page tables, the GPU
//! must drop the translations it cached for that page directory.
//!
//! nova owns the page tables of the VA spaces it creates, so it also
//! invalidates their TLB entries itself, through the virtual-function
//! window as nouveau does on GSP-RM systems: the page directory's address
//! into `MMU_INVALIDATE_PDB`/`UPPER_PDB`, then `ALL_VA | TRIGGER` into
//! `MMU_INVALIDATE`, and wait for TRIGGER to clear.

use kernel::{
    io::{
        poll::read_poll_timeout,
        Io, //
    },
    new_mutex,
    prelude::*,
    sync::Mutex,
    time::Delta,
};

use crate::{
    gpu::Bar0,
    mmu::regs::{
        NV_VIRTUAL_FUNCTION_PRIV_MMU_INVALIDATE,
        NV_VIRTUAL_FUNCTION_PRIV_MMU_INVALIDATE_PDB,
        NV_VIRTUAL_FUNCTION_PRIV_MMU_INVALIDATE_UPPER_PDB, //
    },
};

/// How long an invalidation may take (nouveau waits 2 s).
const TIMEOUT: Delta = Delta::from_secs(2);

/// The invalidation registers of one GPU: one invalidation at a time.
#[pin_data]
pub(crate) struct Tlb {
    #[pin]
    lock: Mutex<()>,
}

impl Tlb {
    /// The TLB of a GPU.
    pub(crate) fn new() -> impl PinInit<Self> {
        pin_init!(Self {
            lock <- new_mutex!(()),
        })
    }

    /// Drops every cached translation of the page directory at VRAM
    /// address `pdb` and waits until the GPU has done so.
    pub(crate) fn invalidate(&self, bar: &Bar0<'_>, pdb: u64) -> Result {
        let lo = u32::try_from((pdb >> 12) & 0x0fff_ffff).map_err(|_| EINVAL)?;
        let hi = u32::try_from(pdb >> 40).map_err(|_| EINVAL)?;
        let _g = self.lock.lock();
        bar.write_reg(
            NV_VIRTUAL_FUNCTION_PRIV_MMU_INVALIDATE_PDB::zeroed()
                .try_with_addr(lo)?
                .with_aperture_sysmem(false),
        );
        bar.write_reg(
            NV_VIRTUAL_FUNCTION_PRIV_MMU_INVALIDATE_UPPER_PDB::zeroed().try_with_addr(hi)?,
        );
        bar.write_reg(
            NV_VIRTUAL_FUNCTION_PRIV_MMU_INVALIDATE::zeroed()
                .with_all_va(true)
                .with_trigger(true),
        );
        read_poll_timeout(
            || Ok(bar.read(NV_VIRTUAL_FUNCTION_PRIV_MMU_INVALIDATE)),
            |v| !v.trigger(),
            Delta::from_micros(1),
            TIMEOUT,
        )
        .map(|_| ())
    }
}
