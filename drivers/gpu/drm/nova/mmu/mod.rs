// SPDX-License-Identifier: GPL-2.0

//! The GPU MMU as nova drives it: page tables in each generation's format
//! ([`format`]), the page-table tree of a VA space ([`pt`]) and TLB
//! invalidation ([`tlb`]) and the VA spaces userspace binds into
//! ([`vaspace`]).

pub(crate) mod bind_queue;
pub(crate) mod format;
pub(crate) mod pt;
pub(crate) mod regs;
pub(crate) mod tlb;
pub(crate) mod vaspace;

use crate::{
    chip::Chip,
    firmware::parse::chip::Gen, //
};

/// The page-table format of `chip`'s MMU.
pub(crate) fn format(chip: &Chip) -> &'static dyn format::Format {
    match chip.gen {
        Gen::Tu1xx | Gen::Ga100 | Gen::Ga10x => &format::VER2,
        Gen::Gh100 => &format::VER3,
    }
}
