// SPDX-License-Identifier: GPL-2.0

//! Step 5, WPR metadata: [`GspFwWprMeta`] (r570), which booter_load reads
//! to place GSP-RM in WPR2 and which the GSP bootloader then keeps there.
//! Fields nova does not use (boot count, the partition union, VF
//! partitions, flags, PMU reserve, `verified`) stay zero.

use core::mem::size_of;

use kernel::{
    prelude::*,
    transmute::AsBytes, //
};

use crate::{
    boot::fb_layout::FbLayout,
    gsp::fw::{
        GspFwWprMeta,
        WprMetaBootResume,
        WprMetaSignature,
        GSP_FW_WPR_META_MAGIC,
        GSP_FW_WPR_META_REVISION, //
    },
};

/// Size of `GspFwWprMeta`.
pub(crate) const SIZE: usize = size_of::<GspFwWprMeta>();

/// System-memory addresses and sizes of what booter_load reads.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SysmemImages {
    /// Bus address of the radix3 level 0 table.
    pub(crate) radix3: u64,
    /// Size of the GSP-RM image the tables map.
    pub(crate) image_size: u64,
    /// Bus address of the RISC-V bootloader payload.
    pub(crate) bootloader: u64,
    /// Its size.
    pub(crate) bootloader_size: u64,
    /// Monitor code offset in the payload.
    pub(crate) code_offset: u64,
    /// Monitor data offset in the payload.
    pub(crate) data_offset: u64,
    /// Manifest offset in the payload.
    pub(crate) manifest_offset: u64,
    /// Bus address of the chip's GSP-RM signature.
    pub(crate) signature: u64,
    /// Its size.
    pub(crate) signature_size: u64,
}

/// The metadata's magic, revision and the images in system memory, the
/// rest zero.
fn with_images(images: &SysmemImages) -> GspFwWprMeta {
    GspFwWprMeta {
        magic: GSP_FW_WPR_META_MAGIC,
        revision: GSP_FW_WPR_META_REVISION,
        sysmem_addr_of_radix3_elf: images.radix3,
        size_of_radix3_elf: images.image_size,
        sysmem_addr_of_bootloader: images.bootloader,
        size_of_bootloader: images.bootloader_size,
        bootloader_code_offset: images.code_offset,
        bootloader_data_offset: images.data_offset,
        bootloader_manifest_offset: images.manifest_offset,
        boot_resume: WprMetaBootResume {
            boot: WprMetaSignature {
                sysmem_addr_of_signature: images.signature,
                size_of_signature: images.signature_size,
            },
        },
        ..Zeroable::zeroed()
    }
}

/// The bytes of `meta`.
fn to_bytes(meta: &GspFwWprMeta) -> [u8; SIZE] {
    let mut m = [0u8; SIZE];
    m.copy_from_slice(meta.as_bytes());
    m
}

/// Builds the metadata for `images` placed as `layout` says; `EINVAL` if
/// the layout has no WPR2 part.
pub(crate) fn build(images: &SysmemImages, layout: &FbLayout) -> Result<[u8; SIZE]> {
    let w = layout.wpr2.as_ref().ok_or(EINVAL)?;
    Ok(to_bytes(&GspFwWprMeta {
        gsp_fw_rsvd_start: w.non_wpr_heap.start,
        non_wpr_heap_offset: w.non_wpr_heap.start,
        non_wpr_heap_size: w.non_wpr_heap.end - w.non_wpr_heap.start,
        gsp_fw_wpr_start: w.wpr2.start,
        gsp_fw_heap_offset: w.heap.start,
        gsp_fw_heap_size: w.heap.end - w.heap.start,
        gsp_fw_offset: w.elf.start,
        boot_bin_offset: w.boot.start,
        frts_offset: layout.frts.start,
        frts_size: layout.frts.end - layout.frts.start,
        // WPR2 ends where the FRTS region does: the VGA workspace rounded
        // down to 128 KiB.
        gsp_fw_wpr_end: w.wpr2.end,
        fb_size: layout.fb.end - layout.fb.start,
        vga_workspace_offset: layout.vga_workspace.start,
        vga_workspace_size: layout.vga_workspace.end - layout.vga_workspace.start,
        ..with_images(images)
    }))
}

/// What the FMC is told of the framebuffer it lays GSP-RM out in (Hopper,
/// Blackwell): sizes only.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FspSizes {
    /// GSP-RM's non-WPR heap.
    pub(crate) non_wpr_heap: u64,
    /// GSP-RM's WPR2 heap.
    pub(crate) wpr2_heap: u64,
    /// The FRTS region.
    pub(crate) frts: u64,
    /// The VGA workspace.
    pub(crate) vga_workspace: u64,
    /// The PMU's reserve at the end of the framebuffer.
    pub(crate) pmu_reserved: u64,
}

/// Builds the metadata the FMC reads: the images and sizes; every
/// framebuffer offset stays zero, the FMC chooses them when it sets up
/// WPR2 (`kgspCalculateFbLayout_GH100` in open-gpu-kernel-modules,
/// nova-core `GspFwWprMeta::from_sizes`).
pub(crate) fn build_fsp(images: &SysmemImages, sizes: &FspSizes) -> Result<[u8; SIZE]> {
    Ok(to_bytes(&GspFwWprMeta {
        non_wpr_heap_size: sizes.non_wpr_heap,
        gsp_fw_heap_size: sizes.wpr2_heap,
        frts_size: sizes.frts,
        vga_workspace_size: sizes.vga_workspace,
        pmu_reserved_size: u32::try_from(sizes.pmu_reserved).map_err(|_| EINVAL)?,
        ..with_images(images)
    }))
}

#[kunit_tests(nova_wpr_meta)]
mod tests {
    use super::*;
    use crate::boot::fb_layout::{
        FbParams,
        GspSizes, //
    };
    use kernel::transmute::FromBytes;

    /// The little-endian `u64` at byte `at` of `m`.
    fn get(m: &[u8; SIZE], at: usize) -> u64 {
        let mut b = [0u8; 8];
        b.copy_from_slice(&m[at..at + 8]);
        u64::from_le_bytes(b)
    }

    fn images() -> SysmemImages {
        SysmemImages {
            radix3: 0x1000,
            image_size: 0x3c9_9000,
            bootloader: 0x2000,
            bootloader_size: 0x6000,
            code_offset: 0x1800,
            data_offset: 0x800,
            manifest_offset: 0,
            signature: 0x9000,
            signature_size: 0x1000,
        }
    }

    #[test]
    fn fields_at_their_offsets() -> Result {
        let p = FbParams {
            vram_size: 24 << 30,
            vga_workspace: None,
            frts_size: 1 << 20,
        };
        let g = GspSizes {
            bootloader: 0x6000,
            elf: 0x3c9_9000,
            wpr2_heap: 129 << 20,
            wpr_meta: SIZE as u64,
        };
        let l = FbLayout::compute(p, Some(g))?;
        let m = build(&images(), &l)?;
        let w = l.wpr2.as_ref().ok_or(EINVAL)?;
        let meta = GspFwWprMeta::from_bytes_copy(&m).ok_or(EINVAL)?;
        assert_eq!(meta.magic, GSP_FW_WPR_META_MAGIC);
        assert_eq!(meta.revision, GSP_FW_WPR_META_REVISION);
        assert_eq!(meta.sysmem_addr_of_radix3_elf, 0x1000);
        assert_eq!(meta.gsp_fw_wpr_start, w.wpr2.start);
        assert_eq!(meta.gsp_fw_wpr_end, l.frts.end);
        assert_eq!(meta.boot_count, 0);
        assert_eq!(meta.verified, 0);
        // SAFETY: `build` fills in the boot form of the union, and every bit
        // pattern is a valid `WprMetaSignature` anyway.
        let sig = unsafe { meta.boot_resume.boot };
        assert_eq!(sig.sysmem_addr_of_signature, 0x9000);
        assert_eq!(sig.size_of_signature, 0x1000);
        // The bytes booter reads, at the offsets nova wrote by hand before
        // the structure was typed.
        assert_eq!(get(&m, 0x00), GSP_FW_WPR_META_MAGIC);
        assert_eq!(get(&m, 0x08), 1);
        assert_eq!(get(&m, 0x10), 0x1000);
        assert_eq!(get(&m, 0x18), 0x3c9_9000);
        assert_eq!(get(&m, 0x30), 0x1800);
        assert_eq!(get(&m, 0x48), 0x9000);
        assert_eq!(get(&m, 0x50), 0x1000);
        assert_eq!(get(&m, 0x70), w.wpr2.start);
        assert_eq!(get(&m, 0x88), w.elf.start);
        assert_eq!(get(&m, 0x90), w.boot.start);
        assert_eq!(get(&m, 0x98), l.frts.start);
        assert_eq!(get(&m, 0xa0), 1 << 20);
        assert_eq!(get(&m, 0xa8), l.frts.end);
        assert_eq!(get(&m, 0xb0), 24 << 30);
        assert_eq!(get(&m, 0xc0), 1 << 20);
        assert!(m[0xc8..].iter().all(|&b| b == 0));
        // Framebuffer order, as booter checks it.
        assert!(get(&m, 0x60) + get(&m, 0x68) <= get(&m, 0x70));
        assert!(get(&m, 0x78) + get(&m, 0x80) <= get(&m, 0x88));
        Ok(())
    }

    #[test]
    fn fsp_metadata_has_sizes_only() -> Result {
        let sizes = FspSizes {
            non_wpr_heap: 2 << 20,
            wpr2_heap: 0x900_0000,
            frts: 1 << 20,
            vga_workspace: 128 << 10,
            pmu_reserved: 0x182_0000,
        };
        let m = build_fsp(&images(), &sizes)?;
        let meta = GspFwWprMeta::from_bytes_copy(&m).ok_or(EINVAL)?;
        assert_eq!(meta.sysmem_addr_of_radix3_elf, 0x1000);
        assert_eq!(meta.non_wpr_heap_size, 2 << 20);
        assert_eq!(meta.gsp_fw_heap_size, 0x900_0000);
        assert_eq!(meta.pmu_reserved_size, 0x182_0000);
        assert_eq!(meta.gsp_fw_rsvd_start, 0);
        assert_eq!(meta.gsp_fw_wpr_start, 0);
        assert_eq!(meta.frts_offset, 0);
        assert_eq!(meta.fb_size, 0);
        assert_eq!(get(&m, 0xc0), 128 << 10);
        Ok(())
    }

    #[test]
    fn needs_the_wpr2_layout() -> Result {
        let p = FbParams {
            vram_size: 8 << 30,
            vga_workspace: None,
            frts_size: 1 << 20,
        };
        let l = FbLayout::compute(p, None)?;
        assert!(build(&images(), &l).is_err());
        Ok(())
    }
}
