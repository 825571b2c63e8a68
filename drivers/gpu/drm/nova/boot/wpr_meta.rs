// SPDX-License-Identifier: GPL-2.0

//! Step 5, WPR metadata: `GspFwWprMeta` (r570), which booter_load reads to
//! place GSP-RM in WPR2 and which the GSP bootloader then keeps there.
//!
//! Layout (nova-core `gsp/fw/r570_144/bindings.rs`, nouveau
//! `nvkm/subdev/gsp/r535.c`), 256 bytes, little-endian: u64 fields from
//! 0x00 (magic, revision, radix3 image address and size, bootloader address
//! and size, its code/data/manifest offsets), a 16-byte union at 0x48 whose
//! boot form is the signature address and size, u64 framebuffer offsets
//! from 0x58 (`gspFwRsvdStart`, non-WPR heap offset/size, `gspFwWprStart`,
//! heap offset/size, ELF offset, bootloader offset, FRTS offset/size,
//! `gspFwWprEnd`, FB size, VGA workspace offset/size, boot count at 0xc8),
//! a 32-byte union at 0xd0, then `gspFwHeapVfPartitionCount` (u8, 0xf0),
//! flags (u8), two padding bytes, `pmuReservedSize` (u32, 0xf4) and
//! `verified` (u64, 0xf8). Fields nova does not use stay zero.

use kernel::prelude::*;

use crate::boot::fb_layout::FbLayout;

/// Size of `GspFwWprMeta`.
pub(crate) const SIZE: usize = 256;
/// `GSP_FW_WPR_META_MAGIC`.
const MAGIC: u64 = 0xdc3a_ae21_371a_60b3;
/// `GSP_FW_WPR_META_REVISION`.
const REVISION: u64 = 1;

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

fn put(m: &mut [u8; SIZE], at: usize, v: u64) {
    m[at..at + 8].copy_from_slice(&v.to_le_bytes());
}

/// Builds the metadata for `images` placed as `layout` says; `EINVAL` if
/// the layout has no WPR2 part.
pub(crate) fn build(images: &SysmemImages, layout: &FbLayout) -> Result<[u8; SIZE]> {
    let w = layout.wpr2.as_ref().ok_or(EINVAL)?;
    let mut m = [0u8; SIZE];
    put(&mut m, 0x00, MAGIC);
    put(&mut m, 0x08, REVISION);
    put(&mut m, 0x10, images.radix3);
    put(&mut m, 0x18, images.image_size);
    put(&mut m, 0x20, images.bootloader);
    put(&mut m, 0x28, images.bootloader_size);
    put(&mut m, 0x30, images.code_offset);
    put(&mut m, 0x38, images.data_offset);
    put(&mut m, 0x40, images.manifest_offset);
    put(&mut m, 0x48, images.signature);
    put(&mut m, 0x50, images.signature_size);
    put(&mut m, 0x58, w.non_wpr_heap.start);
    put(&mut m, 0x60, w.non_wpr_heap.start);
    put(&mut m, 0x68, w.non_wpr_heap.end - w.non_wpr_heap.start);
    put(&mut m, 0x70, w.wpr2.start);
    put(&mut m, 0x78, w.heap.start);
    put(&mut m, 0x80, w.heap.end - w.heap.start);
    put(&mut m, 0x88, w.elf.start);
    put(&mut m, 0x90, w.boot.start);
    put(&mut m, 0x98, layout.frts.start);
    put(&mut m, 0xa0, layout.frts.end - layout.frts.start);
    // WPR2 ends where the FRTS region does: the VGA workspace rounded
    // down to 128 KiB.
    put(&mut m, 0xa8, w.wpr2.end);
    put(&mut m, 0xb0, layout.fb.end - layout.fb.start);
    put(&mut m, 0xb8, layout.vga_workspace.start);
    put(
        &mut m,
        0xc0,
        layout.vga_workspace.end - layout.vga_workspace.start,
    );
    // Boot count, the partition union, VF partitions, flags, PMU reserve
    // and `verified` stay zero.
    Ok(m)
}

#[kunit_tests(nova_wpr_meta)]
mod tests {
    use super::*;
    use crate::boot::fb_layout::{
        FbParams,
        GspSizes, //
    };

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
        assert_eq!(get(&m, 0x00), MAGIC);
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
