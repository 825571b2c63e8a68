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
