// SPDX-License-Identifier: GPL-2.0

//! Step 4 of the GSP boot: where things go at the top of VRAM.
//!
//! From the end of VRAM down (the layout GSP-RM and its boot firmware
//! expect, as OpenRM and nova-core lay it out):
//!
//! * the VGA workspace, where the boot firmware keeps its copy of the
//!   VBIOS: from the address the display engine reports, or the last MiB
//!   (the last 128 KiB if the reported address is below that MiB);
//! * the FRTS region FWSEC-FRTS fills (1 MiB; empty on GA100), ending at
//!   the VGA workspace rounded down to 128 KiB; WPR2 ends with it;
//! * once the GSP-RM images are known ([`GspSizes`]): the RISC-V
//!   bootloader (4 KiB aligned), the GSP-RM ELF image (64 KiB aligned), the
//!   WPR2 heap (1 MiB aligned) and the WPR metadata, where WPR2 starts
//!   (1 MiB aligned); the non-WPR heap lies just below WPR2.
//!
//! [`FbLayout::compute`] is a pure function of what the registers report,
//! so it is tested without a GPU.

use core::ops::Range;

use kernel::prelude::*;

const SZ_4K: u64 = 4 << 10;
const SZ_64K: u64 = 64 << 10;
const SZ_128K: u64 = 128 << 10;
const SZ_1M: u64 = 1 << 20;

/// Size of the PRAMIN window, which the default VGA workspace matches.
const PRAMIN_SIZE: u64 = SZ_1M;
/// VGA workspace size when its reported address is unusable.
const VBIOS_WORKSPACE_SIZE: u64 = SZ_128K;
/// Size of the non-WPR heap (Turing to Ada).
const NON_WPR_HEAP_SIZE: u64 = SZ_1M;

/// The libos generation GSP-RM runs on, which sets its heap limits.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Libos {
    /// Libos 2 (Turing, GA100).
    V2,
    /// Libos 3 (GA102 and later).
    V3,
}

/// GSP-RM boot working memory (Turing to Ada).
pub(crate) const HEAP_BASE_RM_SIZE_TU10X: u64 = 8 << 20;
/// GSP-RM boot working memory (Hopper and later).
pub(crate) const HEAP_BASE_RM_SIZE_GH100: u64 = 14 << 20;
/// Heap for one RM client's allocations.
const HEAP_CLIENT_ALLOC_SIZE: u64 = 96 << 20;
/// Heap for memory management, per GiB of VRAM.
const HEAP_SIZE_PER_GB_FB: u64 = 96 << 10;

/// Size of the WPR2 heap GSP-RM needs for `fb_size` bytes of VRAM (the
/// r570 heap parameters, as OpenRM and nova-core size it): the libos
/// carve-out, RM's boot memory (`base_rm`), one client, and the management
/// overhead (1 MiB aligned), clamped to what the libos accepts.
pub(crate) fn wpr2_heap_size(libos: Libos, base_rm: u64, fb_size: u64) -> u64 {
    let (carveout, min, max) = match libos {
        Libos::V2 => (0, 64 * SZ_1M, 256 * SZ_1M),
        Libos::V3 => (22 * SZ_1M, 88 * SZ_1M, 280 * SZ_1M),
    };
    let gib = fb_size.div_ceil(1 << 30);
    let overhead = HEAP_SIZE_PER_GB_FB
        .saturating_mul(gib)
        .saturating_add(SZ_1M - 1)
        & !(SZ_1M - 1);
    carveout
        .saturating_add(base_rm)
        .saturating_add(HEAP_CLIENT_ALLOC_SIZE)
        .saturating_add(overhead)
        .clamp(min, max - 1)
}

/// What the hardware reports that the layout depends on.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FbParams {
    /// VRAM size in bytes.
    pub(crate) vram_size: u64,
    /// The VGA workspace address the display engine reports, if it has a
    /// display and the address is valid.
    pub(crate) vga_workspace: Option<u64>,
    /// Size of the FRTS region.
    pub(crate) frts_size: u64,
}

/// Sizes of the GSP-RM images placed in WPR2.
#[derive(Clone, Copy, Debug)]
pub(crate) struct GspSizes {
    /// The RISC-V bootloader ucode.
    pub(crate) bootloader: u64,
    /// The GSP-RM ELF image.
    pub(crate) elf: u64,
    /// The WPR2 heap GSP-RM needs for this VRAM size.
    pub(crate) wpr2_heap: u64,
    /// The WPR metadata structure.
    pub(crate) wpr_meta: u64,
}

/// The WPR2 part of the layout, computed once the GSP-RM sizes are known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Wpr2Layout {
    /// The RISC-V bootloader.
    pub(crate) boot: Range<u64>,
    /// The GSP-RM ELF image.
    pub(crate) elf: Range<u64>,
    /// The WPR2 heap.
    pub(crate) heap: Range<u64>,
    /// WPR2 as a whole (metadata to the end of FRTS).
    pub(crate) wpr2: Range<u64>,
    /// The non-WPR heap, just below WPR2.
    pub(crate) non_wpr_heap: Range<u64>,
}

/// The framebuffer layout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FbLayout {
    /// All of VRAM.
    pub(crate) fb: Range<u64>,
    /// The VGA workspace.
    pub(crate) vga_workspace: Range<u64>,
    /// The FRTS region.
    pub(crate) frts: Range<u64>,
    /// WPR2 and its contents, if the GSP-RM sizes were given.
    pub(crate) wpr2: Option<Wpr2Layout>,
}

const fn align_down(v: u64, align: u64) -> u64 {
    v & !(align - 1)
}

impl FbLayout {
    /// Computes the layout, or `EINVAL` if VRAM is too small to hold it.
    pub(crate) fn compute(p: FbParams, gsp: Option<GspSizes>) -> Result<Self> {
        let end = p.vram_size;
        let fb = 0..end;
        let pramin_base = end.checked_sub(PRAMIN_SIZE).ok_or(EINVAL)?;
        let vga_base = match p.vga_workspace {
            Some(addr) if addr < pramin_base => end - VBIOS_WORKSPACE_SIZE,
            Some(addr) if addr < end => addr,
            // An address past VRAM is as unusable as none at all.
            _ => pramin_base,
        };
        let frts_end = align_down(vga_base, SZ_128K);
        let frts_start = frts_end.checked_sub(p.frts_size).ok_or(EINVAL)?;
        let wpr2 = match gsp {
            None => None,
            Some(g) => Some(Self::compute_wpr2(frts_start..frts_end, g)?),
        };
        Ok(Self {
            fb,
            vga_workspace: vga_base..end,
            frts: frts_start..frts_end,
            wpr2,
        })
    }

    fn compute_wpr2(frts: Range<u64>, g: GspSizes) -> Result<Wpr2Layout> {
        let below = |top: u64, size: u64, align: u64| -> Result<u64> {
            Ok(align_down(top.checked_sub(size).ok_or(EINVAL)?, align))
        };
        let boot_start = below(frts.start, g.bootloader, SZ_4K)?;
        let elf_start = below(boot_start, g.elf, SZ_64K)?;
        let heap_start = below(elf_start, g.wpr2_heap, SZ_1M)?;
        let heap_end = align_down(elf_start, SZ_1M);
        let wpr2_start = below(heap_start, g.wpr_meta, SZ_1M)?;
        let non_wpr_start = wpr2_start.checked_sub(NON_WPR_HEAP_SIZE).ok_or(EINVAL)?;
        Ok(Wpr2Layout {
            boot: boot_start..boot_start + g.bootloader,
            elf: elf_start..elf_start + g.elf,
            heap: heap_start..heap_end,
            wpr2: wpr2_start..frts.end,
            non_wpr_heap: non_wpr_start..wpr2_start,
        })
    }
}

#[kunit_tests(nova_fb_layout)]
mod tests {
    use super::*;

    const GIB: u64 = 1 << 30;

    fn params(vram_size: u64, vga_workspace: Option<u64>) -> FbParams {
        FbParams {
            vram_size,
            vga_workspace,
            frts_size: SZ_1M,
        }
    }

    #[test]
    fn frts_below_default_vga_workspace() -> Result {
        // No display: the workspace is the last MiB, FRTS the MiB below.
        let l = FbLayout::compute(params(24 * GIB, None), None)?;
        assert_eq!(l.fb, 0..24 * GIB);
        assert_eq!(l.vga_workspace, 24 * GIB - SZ_1M..24 * GIB);
        assert_eq!(l.frts, 24 * GIB - 2 * SZ_1M..24 * GIB - SZ_1M);
        assert!(l.wpr2.is_none());
        Ok(())
    }

    #[test]
    fn reported_vga_workspace_is_used() -> Result {
        // A workspace inside the last MiB is taken as reported; FRTS ends
        // at it rounded down to 128 KiB.
        let ws = 8 * GIB - SZ_1M + 0x3_0000;
        let l = FbLayout::compute(params(8 * GIB, Some(ws)), None)?;
        assert_eq!(l.vga_workspace.start, ws);
        assert_eq!(l.frts.end, 8 * GIB - SZ_1M + 0x2_0000);
        assert_eq!(l.frts.end - l.frts.start, SZ_1M);
        Ok(())
    }

    #[test]
    fn low_vga_workspace_falls_back_to_128k() -> Result {
        let l = FbLayout::compute(params(8 * GIB, Some(GIB)), None)?;
        assert_eq!(l.vga_workspace, 8 * GIB - SZ_128K..8 * GIB);
        assert_eq!(l.frts, 8 * GIB - SZ_128K - SZ_1M..8 * GIB - SZ_128K);
        Ok(())
    }

    #[test]
    fn empty_frts_region() -> Result {
        let p = FbParams {
            frts_size: 0,
            ..params(8 * GIB, None)
        };
        let l = FbLayout::compute(p, None)?;
        assert_eq!(l.frts, 8 * GIB - SZ_1M..8 * GIB - SZ_1M);
        Ok(())
    }

    #[test]
    fn vga_workspace_past_vram_is_ignored() -> Result {
        let l = FbLayout::compute(params(8 * GIB, Some(9 * GIB)), None)?;
        assert_eq!(l.vga_workspace, 8 * GIB - SZ_1M..8 * GIB);
        Ok(())
    }

    #[test]
    fn wpr2_stacks_below_frts() -> Result {
        let g = GspSizes {
            bootloader: 0x1234,
            elf: 0x100_0123,
            wpr2_heap: 0x800_0000,
            wpr_meta: 0x100,
        };
        let l = FbLayout::compute(params(16 * GIB, None), Some(g))?;
        let w = l.wpr2.ok_or(EINVAL)?;
        assert_eq!(w.wpr2.end, l.frts.end);
        assert!(w.boot.end <= l.frts.start);
        assert_eq!(w.boot.start % SZ_4K, 0);
        assert!(w.elf.end <= w.boot.start);
        assert_eq!(w.elf.start % SZ_64K, 0);
        assert!(w.heap.end <= w.elf.start);
        assert_eq!(w.heap.start % SZ_1M, 0);
        assert!(w.heap.end - w.heap.start >= g.wpr2_heap);
        assert!(w.wpr2.start + g.wpr_meta <= w.heap.start);
        assert_eq!(w.wpr2.start % SZ_1M, 0);
        assert_eq!(w.non_wpr_heap, w.wpr2.start - SZ_1M..w.wpr2.start);
        Ok(())
    }

    #[test]
    fn heap_sizes() {
        // 24 GiB: 96 KiB * 24 rounds up to 3 MiB of overhead.
        assert_eq!(
            wpr2_heap_size(Libos::V3, HEAP_BASE_RM_SIZE_TU10X, 24 * GIB),
            (22 + 8 + 96 + 3) * SZ_1M
        );
        assert_eq!(
            wpr2_heap_size(Libos::V2, HEAP_BASE_RM_SIZE_TU10X, 24 * GIB),
            (8 + 96 + 3) * SZ_1M
        );
        // Huge VRAM is clamped below the maximum.
        assert_eq!(
            wpr2_heap_size(Libos::V2, HEAP_BASE_RM_SIZE_TU10X, 1 << 50),
            256 * SZ_1M - 1
        );
        assert!(wpr2_heap_size(Libos::V3, HEAP_BASE_RM_SIZE_TU10X, 0) >= 88 * SZ_1M);
        // H100 80 GB: 96 KiB * 80 rounds up to 8 MiB.
        assert_eq!(
            wpr2_heap_size(Libos::V3, HEAP_BASE_RM_SIZE_GH100, 80 * GIB),
            (22 + 14 + 96 + 8) * SZ_1M
        );
    }

    #[test]
    fn too_small_vram_is_refused() {
        assert!(FbLayout::compute(params(SZ_1M / 2, None), None).is_err());
        assert!(FbLayout::compute(params(SZ_1M + SZ_128K, None), None).is_err());
        let g = GspSizes {
            bootloader: SZ_4K,
            elf: GIB,
            wpr2_heap: GIB,
            wpr_meta: SZ_4K,
        };
        assert!(FbLayout::compute(params(GIB, None), Some(g)).is_err());
    }
}
