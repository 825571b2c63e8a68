// SPDX-License-Identifier: GPL-2.0

//! Memory as the GPU sees it: the system-memory flush page, video memory
//! (the buddy allocator over GSP-RM's framebuffer regions) and the PRAMIN
//! window through which nova writes it.

pub(crate) mod bar1;
pub(crate) mod pramin;
pub(crate) mod regs;
pub(crate) mod sysmem_flush;
pub(crate) mod vram;
