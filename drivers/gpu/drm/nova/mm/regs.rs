// SPDX-License-Identifier: GPL-2.0

//! Framebuffer-hub registers of the system-memory flush page, per
//! generation. Offsets and fields: NVIDIA's open-gpu-kernel-modules
//! (`dev_fb.h`, `dev_hshub_base.h` of each chip family) and nova-core
//! `fb/regs.rs`.

use kernel::io::register;

/// The family of HSHUB register windows (GB10x).
pub(crate) struct Hshub0Base;

register! {
    /// Flush page address bits 39:8 (Turing to Ada).
    pub(crate) NV_PFB_NISO_FLUSH_SYSMEM_ADDR(u32) @ 0x00100c10 {
        31:0 adr_39_08;
    }

    /// Flush page address bits 63:40 (GA100 to Ada).
    pub(crate) NV_PFB_NISO_FLUSH_SYSMEM_ADDR_HI(u32) @ 0x00100c40 {
        23:0 adr_63_40;
    }

    /// Flush page address bits 31:0; the write of this half triggers the
    /// update (Hopper).
    pub(crate) NV_PFB_FBHUB_PCIE_FLUSH_SYSMEM_ADDR_LO(u32) @ 0x00100a34 {
        31:0 adr;
    }

    /// Flush page address bits 51:32 (Hopper).
    pub(crate) NV_PFB_FBHUB_PCIE_FLUSH_SYSMEM_ADDR_HI(u32) @ 0x00100a38 {
        19:0 adr;
    }

    /// Flush page address bits 31:0 (GB20x).
    pub(crate) NV_PFB_FBHUB0_PCIE_FLUSH_SYSMEM_ADDR_LO(u32) @ 0x008a1d58 {
        31:0 adr;
    }

    /// Flush page address bits 51:32 (GB20x).
    pub(crate) NV_PFB_FBHUB0_PCIE_FLUSH_SYSMEM_ADDR_HI(u32) @ 0x008a1d5c {
        19:0 adr;
    }

    /// Flush page address bits 31:0, primary path (GB10x).
    pub(crate) NV_PFB_HSHUB_PCIE_FLUSH_SYSMEM_ADDR_LO(u32) @ Hshub0Base + 0x0e50 {
        31:0 adr;
    }

    /// Flush page address bits 51:32, primary path (GB10x).
    pub(crate) NV_PFB_HSHUB_PCIE_FLUSH_SYSMEM_ADDR_HI(u32) @ Hshub0Base + 0x0e54 {
        19:0 adr;
    }

    /// Flush page address bits 31:0, egress path (GB10x).
    pub(crate) NV_PFB_HSHUB_EG_PCIE_FLUSH_SYSMEM_ADDR_LO(u32) @ Hshub0Base + 0x06c0 {
        31:0 adr;
    }

    /// Flush page address bits 51:32, egress path (GB10x).
    pub(crate) NV_PFB_HSHUB_EG_PCIE_FLUSH_SYSMEM_ADDR_HI(u32) @ Hshub0Base + 0x06c4 {
        19:0 adr;
    }
}

register! {
    /// Where the PRAMIN window points (Turing to Ada): BASE is the address
    /// in 64 KiB units, TARGET 0 video memory (open-gpu-doc
    /// `manuals/turing/tu104/dev_ram.ref.txt` for `NV_PRAMIN`; the fields
    /// from the published `maxwell/gm107/dev_bus.h`).
    pub(crate) NV_PBUS_BAR0_WINDOW(u32) @ 0x00001700 {
        25:24 target;
        23:0 base;
    }

    /// Where the PRAMIN window points (Hopper, Blackwell): BASE in 64 KiB
    /// units, video memory only (published `hopper/gh100/pri_nv_xal_ep.h`).
    pub(crate) NV_XAL_EP_BAR0_WINDOW(u32) @ 0x0010fd40 {
        21:0 base;
    }

    /// The PRAMIN window: 1 MiB of memory at the base the window register
    /// selects, 32 bits at a time (`NV_PRAMIN` 0x7fffff:0x700000).
    pub(crate) NV_PRAMIN(u32)[0x40000] @ 0x00700000 {}
}
