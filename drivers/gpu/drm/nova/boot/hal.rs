// SPDX-License-Identifier: GPL-2.0

//! Hardware abstraction: what differs between GPU generations.
//!
//! Each generation that boots GSP-RM differently has one implementation of
//! [`Hal`]; the chip table ([`crate::chip::CHIPS`]) points every chip at its
//! implementation, so code elsewhere never matches on chip or architecture.

use kernel::{
    dma::DmaMask,
    io::{
        register::Register,
        Io, //
    },
};

use super::regs::{
    NV_EP_PCFGM,
    NV_FUSE_STATUS_OPT_DISPLAY_GA100,
    NV_FUSE_STATUS_OPT_DISPLAY_TU102,
    NV_PF0_PCFG_MIRROR,
    NV_PFB_PRI_MMU_LOCAL_MEMORY_RANGE,
    NV_PGC6_AON_SECURE_SCRATCH_GROUP_42, //
};
use crate::{
    boot::{
        fb_layout::{
            Libos,
            HEAP_BASE_RM_SIZE_GH100,
            HEAP_BASE_RM_SIZE_TU10X, //
        },
        fsp::{
            self,
            FspHal, //
        },
    },
    falcon::FalconGen,
    gpu::Bar0, //
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

    /// The FSP side of the boot, on chips the FSP boots.
    fn fsp(&self) -> Option<&'static dyn FspHal> {
        None
    }

    /// GSP-RM's boot working memory in its WPR2 heap.
    fn heap_base_rm_size(&self) -> u64 {
        HEAP_BASE_RM_SIZE_TU10X
    }

    /// The addresses the GPU can reach in system memory: 47 bits up to
    /// Ada, 52 from Hopper on (the width of the GMMU's and the falcons'
    /// system-memory addresses; nova-core and nouveau use the same).
    fn dma_mask(&self) -> DmaMask {
        DmaMask::new::<47>()
    }

    /// Size of VRAM in bytes, as the framebuffer registers report it once
    /// GFW boot completed.
    fn vram_size(&self, bar: &Bar0<'_>) -> u64;

    /// Whether the chip has a display engine (its fuse does not disable
    /// it).
    fn has_display(&self, bar: &Bar0<'_>) -> bool {
        !bar.read(NV_FUSE_STATUS_OPT_DISPLAY_GA100).disabled()
    }

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
        <NV_EP_PCFGM as Register>::OFFSET as u32
    }
}

/// VRAM size from `NV_PFB_PRI_MMU_LOCAL_MEMORY_RANGE` (Turing, GA100).
fn vram_size_local_memory_range(bar: &Bar0<'_>) -> u64 {
    let r = bar.read(NV_PFB_PRI_MMU_LOCAL_MEMORY_RANGE);
    let mag = u64::from(r.lower_mag().get());
    let scale = r.lower_scale().get();
    let size = (mag << scale) << 20;
    if r.ecc_mode() {
        // ECC takes one unit in sixteen.
        size / 16 * 15
    } else {
        size
    }
}

/// VRAM size from the usable framebuffer size scratch (GA102 and later).
fn usable_fb_size(bar: &Bar0<'_>) -> u64 {
    u64::from(
        bar.read(NV_PGC6_AON_SECURE_SCRATCH_GROUP_42)
            .usable_fb_size_mib()
            .get(),
    ) << 20
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

    fn has_display(&self, bar: &Bar0<'_>) -> bool {
        !bar.read(NV_FUSE_STATUS_OPT_DISPLAY_TU102).disabled()
    }
}

/// GA100: booted as Turing is, with Ampere's display fuse and sysmem flush
/// registers and an empty FRTS region: no FWSEC-FRTS, booter_load sets WPR2
/// up itself (nouveau `nvkm/subdev/gsp/tu102.c`, nova-core
/// `gsp/hal/tu102.rs`).
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

    fn falcon_gen(&self) -> FalconGen {
        FalconGen::Tu102
    }

    fn vram_size(&self, bar: &Bar0<'_>) -> u64 {
        vram_size_local_memory_range(bar)
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
        usable_fb_size(bar)
    }
}

/// Hopper and Blackwell: the FSP boots the GSP; `fsp` says how on this
/// chip.
pub(crate) struct FspBoot {
    name: &'static str,
    fsp: &'static dyn FspHal,
}

impl Hal for FspBoot {
    fn boot_method(&self) -> BootMethod {
        BootMethod::Fsp
    }

    fn name(&self) -> &'static str {
        self.name
    }

    fn fsp(&self) -> Option<&'static dyn FspHal> {
        Some(self.fsp)
    }

    fn heap_base_rm_size(&self) -> u64 {
        HEAP_BASE_RM_SIZE_GH100
    }

    fn pci_config_mirror(&self) -> u32 {
        <NV_PF0_PCFG_MIRROR as Register>::OFFSET as u32
    }

    fn dma_mask(&self) -> DmaMask {
        DmaMask::new::<52>()
    }

    fn vram_size(&self, bar: &Bar0<'_>) -> u64 {
        usable_fb_size(bar)
    }
}

/// The Turing HAL.
pub(crate) static TU1XX: Tu1xx = Tu1xx;
/// The GA100 HAL.
pub(crate) static GA100: Ga100 = Ga100;
/// The GA10x/Ada HAL.
pub(crate) static GA10X: Ga10x = Ga10x;
/// The Hopper HAL.
pub(crate) static GH100: FspBoot = FspBoot {
    name: "gh100",
    fsp: fsp::hal::GH100,
};
/// The GB10x HAL.
pub(crate) static GB100: FspBoot = FspBoot {
    name: "gb100",
    fsp: fsp::hal::GB100,
};
/// The GB20x HAL.
pub(crate) static GB202: FspBoot = FspBoot {
    name: "gb202",
    fsp: fsp::hal::GB202,
};
