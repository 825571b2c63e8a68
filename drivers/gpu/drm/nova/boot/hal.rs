// SPDX-License-Identifier: GPL-2.0

//! Hardware abstraction: what differs between GPU generations.
//!
//! Each generation that boots GSP-RM differently has one implementation of
//! [`Hal`]; the chip table ([`crate::chip::CHIPS`]) points every chip at its
//! implementation, so code elsewhere never matches on chip or architecture.

use kernel::io::Io;

use crate::{
    falcon::FalconGen,
    boot::fb_layout::Libos,
    gpu::Bar0,
    regs, //
};

/// How a generation brings GSP-RM up.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum BootMethod {
    /// SEC2 runs booter, loaded through the generic falcon bootloader
    /// (Turing, GA100).
    GenericBootloader,
    /// The GSP falcon runs FWSEC-FRTS from the VBIOS, then SEC2 runs booter
    /// (GA10x, Ada).
    FwsecBooter,
    /// The FSP boots the GSP through the FMC image (Hopper, Blackwell).
    Fsp,
}

/// Generation-specific behaviour of a GPU.
pub(crate) trait Hal: Sync {
    /// How GSP-RM is booted.
    fn boot_method(&self) -> BootMethod;

    /// Short name of the generation's flow, for logs.
    fn name(&self) -> &'static str;

    /// Why nova does not boot GSP-RM on this generation yet (no step of
    /// `gsp_boot.rs` runs; the firmware files are only checked), or `None`
    /// if it does.
    fn gsp_boot_unsupported(&self) -> Option<&'static str> {
        None
    }

    /// Why nova does not run FWSEC-FRTS on this generation yet (the GSP
    /// boot then stops before it), or `None` if it does.
    fn frts_unsupported(&self) -> Option<&'static str> {
        None
    }

    /// Size of VRAM in bytes, as the framebuffer registers report it once
    /// GFW boot completed.
    fn vram_size(&self, bar: &Bar0<'_>) -> u64;

    /// BAR0 offset of `NV_FUSE_STATUS_OPT_DISPLAY` (bit 0 set: no display).
    fn display_fuse(&self) -> usize;

    /// Which reset sequence the falcons follow.
    fn falcon_gen(&self) -> FalconGen {
        FalconGen::Ga102
    }

    /// Size of the FRTS region in bytes.
    fn frts_size(&self) -> u64 {
        1 << 20
    }

    /// The libos generation GSP-RM runs on.
    fn libos(&self) -> Libos {
        Libos::V3
    }

    /// Whether heavy-secure ucodes on SEC2 (booter) run their non-secure
    /// OS code first, loaded by PIO (Turing, GA100), rather than being
    /// loaded by DMA and checked by the boot ROM (GA102 and later).
    fn booter_pio(&self) -> bool {
        false
    }

    /// BAR0 offset of the mirror of the PCI configuration space GSP-RM is
    /// told about in SET_SYSTEM_INFO.
    fn pci_config_mirror(&self) -> u32 {
        0x0008_8000
    }
}

/// VRAM size from `NV_PFB_PRI_MMU_LOCAL_MEMORY_RANGE` (Turing, GA100).
fn vram_size_local_memory_range(bar: &Bar0<'_>) -> u64 {
    let r = bar.read32(regs::NV_PFB_PRI_MMU_LOCAL_MEMORY_RANGE);
    let mag = u64::from((r >> 4) & 0x3f);
    let scale = r & 0xf;
    let size = (mag << scale) << 20;
    if r & (1 << 30) != 0 {
        // ECC takes one unit in sixteen.
        size / 16 * 15
    } else {
        size
    }
}

/// Turing.
pub(crate) struct Tu1xx;

impl Hal for Tu1xx {
    fn boot_method(&self) -> BootMethod {
        BootMethod::GenericBootloader
    }

    fn libos(&self) -> Libos {
        Libos::V2
    }

    fn booter_pio(&self) -> bool {
        true
    }

    fn name(&self) -> &'static str {
        "tu1xx"
    }

    fn falcon_gen(&self) -> FalconGen {
        FalconGen::Tu102
    }

    fn vram_size(&self, bar: &Bar0<'_>) -> u64 {
        vram_size_local_memory_range(bar)
    }

    fn display_fuse(&self) -> usize {
        0x0002_1c04
    }
}

/// GA100: booted as Turing is, with Ampere's fuse registers and an empty
/// FRTS region.
pub(crate) struct Ga100;

impl Hal for Ga100 {
    fn boot_method(&self) -> BootMethod {
        BootMethod::GenericBootloader
    }

    fn libos(&self) -> Libos {
        Libos::V2
    }

    fn booter_pio(&self) -> bool {
        true
    }

    fn name(&self) -> &'static str {
        "ga100"
    }

    fn frts_unsupported(&self) -> Option<&'static str> {
        Some("FWSEC-FRTS on GA100 (empty FRTS region) is not implemented yet")
    }

    fn falcon_gen(&self) -> FalconGen {
        FalconGen::Tu102
    }

    fn vram_size(&self, bar: &Bar0<'_>) -> u64 {
        vram_size_local_memory_range(bar)
    }

    fn display_fuse(&self) -> usize {
        0x0082_0c04
    }

    fn frts_size(&self) -> u64 {
        // The region exists (its start is recorded) but is empty.
        0
    }
}

/// GA10x (but GA100) and Ada.
pub(crate) struct Ga10x;

impl Hal for Ga10x {
    fn boot_method(&self) -> BootMethod {
        BootMethod::FwsecBooter
    }

    fn name(&self) -> &'static str {
        "ga10x"
    }

    fn vram_size(&self, bar: &Bar0<'_>) -> u64 {
        u64::from(bar.read32(regs::NV_USABLE_FB_SIZE_IN_MB)) << 20
    }

    fn display_fuse(&self) -> usize {
        0x0082_0c04
    }
}

/// Hopper and Blackwell.
pub(crate) struct Gh100;

impl Hal for Gh100 {
    fn boot_method(&self) -> BootMethod {
        BootMethod::Fsp
    }

    fn name(&self) -> &'static str {
        "gh100"
    }

    fn gsp_boot_unsupported(&self) -> Option<&'static str> {
        Some("GSP boot through the FSP is not implemented yet")
    }

    fn pci_config_mirror(&self) -> u32 {
        0x0009_2000
    }

    fn vram_size(&self, bar: &Bar0<'_>) -> u64 {
        u64::from(bar.read32(regs::NV_USABLE_FB_SIZE_IN_MB)) << 20
    }

    fn display_fuse(&self) -> usize {
        0x0082_0c04
    }
}

/// The Turing HAL.
pub(crate) static TU1XX: Tu1xx = Tu1xx;
/// The GA100 HAL.
pub(crate) static GA100: Ga100 = Ga100;
/// The GA10x/Ada HAL.
pub(crate) static GA10X: Ga10x = Ga10x;
/// The Hopper/Blackwell HAL.
pub(crate) static GH100: Gh100 = Gh100;
