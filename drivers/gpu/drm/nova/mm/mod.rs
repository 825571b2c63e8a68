// SPDX-License-Identifier: GPL-2.0

//! Memory as the GPU sees it: today the system-memory flush page; VRAM
//! (the buddy allocator over GSP-RM's framebuffer regions) and the BAR
//! mappings come next.

pub(crate) mod regs;
pub(crate) mod sysmem_flush;
