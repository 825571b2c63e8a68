// SPDX-License-Identifier: GPL-2.0

//! The layout of the radix3 page tables through which the GSP bootloader
//! reads the GSP-RM image from system memory.
//!
//! The image is mapped from GSP virtual address 0 in 4 KiB pages, three
//! levels deep (facts from nova-core `firmware/gsp.rs` and nouveau
//! `nvkm/subdev/gsp/r535.c`, `nvkm_gsp_radix3_sg`):
//!
//! * level 2: one little-endian 64-bit entry per image page, its bus
//!   address;
//! * level 1: one entry per page of the level 2 table;
//! * level 0: one page whose first entry is the bus address of the
//!   (single) level 1 page.
//!
//! Each table is a list of bus addresses of the pages below it, so one
//! function ([`append_entries`]) builds both level 2 (from the image's DMA
//! segments) and level 1 (from level 2's). This module is pure arithmetic on
//! addresses, tested without a GPU; `gsp_fw.rs` does the allocations.

use kernel::prelude::*;

/// Size of a GSP page.
pub(crate) const PAGE_SIZE: usize = 4096;
/// Size of one table entry.
pub(crate) const ENTRY_SIZE: usize = 8;
/// Entries in one table page.
pub(crate) const ENTRIES_PER_PAGE: usize = PAGE_SIZE / ENTRY_SIZE;

/// Pages needed for `bytes` bytes.
pub(crate) const fn pages(bytes: usize) -> usize {
    bytes.div_ceil(PAGE_SIZE)
}

/// Byte sizes of the level 2 and level 1 tables for an image of
/// `image_size` bytes, or `EFBIG` if level 1 does not fit the one page
/// level 0 points at (images beyond 1 GiB), `EINVAL` for an empty image.
pub(crate) fn table_sizes(image_size: usize) -> Result<(usize, usize)> {
    let image_pages = pages(image_size);
    if image_pages == 0 {
        return Err(EINVAL);
    }
    let level2 = image_pages.checked_mul(ENTRY_SIZE).ok_or(EFBIG)?;
    let level1_entries = pages(level2);
    if level1_entries > ENTRIES_PER_PAGE {
        return Err(EFBIG);
    }
    Ok((level2, level1_entries * ENTRY_SIZE))
}

/// Appends to `table` one entry for every 4 KiB page of the DMA segments
/// `segments` (bus address, length), in order. Every segment must start
/// on a page boundary; a segment's partial last page gets an entry.
pub(crate) fn append_entries(
    table: &mut VVec<u8>,
    segments: impl Iterator<Item = (u64, u64)>,
) -> Result {
    for (addr, len) in segments {
        if addr % PAGE_SIZE as u64 != 0 {
            return Err(EINVAL);
        }
        let count = len.div_ceil(PAGE_SIZE as u64);
        for i in 0..count {
            let entry = addr.checked_add(i * PAGE_SIZE as u64).ok_or(EOVERFLOW)?;
            table.extend_from_slice(&entry.to_le_bytes(), GFP_KERNEL)?;
        }
    }
    Ok(())
}

#[kunit_tests(nova_radix3)]
mod tests {
    use super::*;

    fn entry(t: &[u8], i: usize) -> u64 {
        let mut b = [0u8; 8];
        b.copy_from_slice(&t[i * 8..i * 8 + 8]);
        u64::from_le_bytes(b)
    }

    #[test]
    fn gsp_rm_570_fits() -> Result {
        // .fwimage of gsp-570.144.bin: 0x3c99000 bytes, 15513 pages.
        let (l2, l1) = table_sizes(0x3c9_9000)?;
        assert_eq!(l2, 15513 * 8);
        assert_eq!(l1, pages(l2) * 8);
        assert_eq!(pages(l1), 1);
        Ok(())
    }

    #[test]
    fn partial_page_and_limits() -> Result {
        assert_eq!(table_sizes(1)?, (8, 8));
        assert_eq!(table_sizes(PAGE_SIZE + 1)?, (16, 8));
        assert!(table_sizes(0).is_err());
        // 512 level 2 pages map exactly 1 GiB; one more page is refused.
        assert!(table_sizes(1 << 30).is_ok());
        assert!(table_sizes((1 << 30) + 1).is_err());
        Ok(())
    }

    #[test]
    fn entries_split_merged_segments() -> Result {
        let mut t = VVec::new();
        let segs = [(0x10_0000u64, 3 * PAGE_SIZE as u64), (0x20_0000, 100)];
        append_entries(&mut t, segs.into_iter())?;
        assert_eq!(t.len(), 4 * 8);
        assert_eq!(entry(&t, 0), 0x10_0000);
        assert_eq!(entry(&t, 2), 0x10_2000);
        assert_eq!(entry(&t, 3), 0x20_0000);
        Ok(())
    }

    #[test]
    fn unaligned_segment_is_refused() {
        let mut t = VVec::new();
        assert!(append_entries(&mut t, [(0x1008u64, 8u64)].into_iter()).is_err());
    }
}
