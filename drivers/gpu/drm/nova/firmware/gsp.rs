// SPDX-License-Identifier: GPL-2.0

//! Step 5, firmware part: GSP-RM and its RISC-V bootloader in DMA memory.
//!
//! `gsp-570.144.bin` is loaded, checked, and its `.fwimage` section copied
//! into vmalloc'ed pages mapped for the GPU through a scatter-gather table
//! (the image is about 60 MiB, far beyond what one coherent allocation
//! gets); the radix3 tables ([`crate::firmware::radix3`]) that map it from GSP
//! address 0 are built the same way, level 0 in one coherent page. The
//! chip's `.fwsignature_*` section and the bootloader's payload
//! (`bootloader-570.144.bin`) go to coherent buffers. All of it stays
//! until GSP-RM is stopped: the bootloader reads it when booter_load and
//! the sequencer's resume start GSP-RM.

use kernel::{
    device::{
        Bound,
        Device, //
    },
    dma::{
        Coherent,
        CoherentBox,
        DataDirection,
        DmaAddress, //
    },
    prelude::*,
    scatterlist::{
        Owned,
        SGTable, //
    },
};

use crate::{
    chip::Chip,
    firmware,
    firmware::parse::{
        gsp::GspImage,
        riscv::RiscvFirmware, //
    },
    firmware::radix3,
};

/// The GSP-RM image file.
pub(crate) const GSP_RM: &str = "gsp-570.144.bin";
/// The RISC-V bootloader file.
pub(crate) const BOOTLOADER: &str = "bootloader-570.144.bin";

/// The GSP RISC-V bootloader, in DMA memory, with the offsets the WPR
/// metadata gives it.
pub(crate) struct Bootloader {
    /// The payload (manifest, monitor code and data, bootloader).
    pub(crate) ucode: Coherent<[u8]>,
    /// Offset of the monitor code in the payload.
    pub(crate) code_offset: u32,
    /// Offset of the monitor data in the payload.
    pub(crate) data_offset: u32,
    /// Offset of the manifest in the payload.
    pub(crate) manifest_offset: u32,
    /// Application version, for the GSP falcon's OS register.
    pub(crate) app_version: u32,
}

impl Bootloader {
    fn load(dev: &Device<Bound>, chip: &Chip) -> Result<Self> {
        let fw = firmware::request_checked(dev, chip, BOOTLOADER)?;
        let bl = RiscvFirmware::parse(fw.data()).map_err(|_| EINVAL)?;
        Ok(Self {
            ucode: Coherent::from_slice(dev, bl.ucode, GFP_KERNEL)?,
            code_offset: bl.desc.monitor_code_offset,
            data_offset: bl.desc.monitor_data_offset,
            manifest_offset: bl.desc.manifest_offset,
            app_version: bl.desc.app_version,
        })
    }
}

/// A vmalloc'ed copy of `src`, made by one `memcpy` into pages not zeroed
/// first (`extend_from_slice` copies byte by byte: slow for the 60 MiB of
/// GSP-RM, above all under emulation).
fn copy_of(src: &[u8]) -> Result<VVec<u8>> {
    let mut v = VVec::<u8>::with_capacity(src.len(), GFP_KERNEL)?;
    let dst = v.spare_capacity_mut();
    if dst.len() < src.len() {
        return Err(ENOMEM);
    }
    // SAFETY: `dst` has room for `src.len()` bytes (checked above) and is
    // the vector's own new allocation, so it does not overlap `src`.
    unsafe {
        core::ptr::copy_nonoverlapping(src.as_ptr(), dst.as_mut_ptr().cast::<u8>(), src.len())
    };
    // SAFETY: the vector is empty, its capacity is at least `src.len()`, and
    // its first `src.len()` bytes were just written.
    unsafe { v.inc_len(src.len()) };
    Ok(v)
}

/// A page table (level 2 or 1) mapped for the GPU.
type Table = SGTable<Owned<VVec<u8>>>;

/// Builds a table with one entry per page of `below`.
fn table_for(below: &Table, size: usize) -> Result<VVec<u8>> {
    let mut t = VVec::with_capacity(size, GFP_KERNEL)?;
    radix3::append_entries(&mut t, below.iter().map(|e| (e.dma_address(), e.dma_len())))?;
    if t.len() != size {
        return Err(EINVAL);
    }
    Ok(t)
}

/// GSP-RM, its radix3 tables, its signature and its bootloader, mapped for
/// the GPU.
#[pin_data]
pub(crate) struct GspFirmware {
    /// The `.fwimage` section.
    #[pin]
    image: Table,
    /// Level 2: the bus addresses of the image's pages.
    #[pin]
    level2: Table,
    /// Level 1: the bus addresses of level 2's pages.
    #[pin]
    level1: Table,
    /// Level 0: one page, its first entry level 1's bus address.
    level0: Coherent<[u8]>,
    /// Size of the image in bytes.
    pub(crate) image_size: usize,
    /// The chip's signature section.
    pub(crate) signature: Coherent<[u8]>,
    /// The RISC-V bootloader.
    pub(crate) bootloader: Bootloader,
}

impl GspFirmware {
    /// Loads GSP-RM and its bootloader for `chip` and maps them for `dev`.
    pub(crate) fn new<'a>(
        dev: &'a Device<Bound>,
        chip: &'static Chip,
    ) -> impl PinInit<Self, Error> + 'a {
        pin_init::pin_init_scope(move || {
            let fw = firmware::request_checked(dev, chip, GSP_RM)?;
            let img = GspImage::parse(fw.data()).map_err(|_| EINVAL)?;
            let sig = img.signature(chip.fw_dir).map_err(|_| EINVAL)?;
            let image_size = img.image.data.len();
            let (level2_size, level1_size) = radix3::table_sizes(image_size).inspect_err(|_| {
                dev_err!(
                    dev,
                    "GSP-RM: .fwimage of {} bytes is too large for radix3\n",
                    image_size
                )
            })?;
            let pages = copy_of(img.image.data)?;
            let signature = Coherent::from_slice(dev, sig.data, GFP_KERNEL)?;
            // The ELF is no longer needed once its sections are copied.
            drop(fw);
            let bootloader = Bootloader::load(dev, chip)?;

            Ok(try_pin_init!(Self {
                image <- SGTable::new(dev, pages, DataDirection::ToDevice, GFP_KERNEL),
                level2 <- SGTable::new(
                    dev,
                    table_for(&image, level2_size)?,
                    DataDirection::ToDevice,
                    GFP_KERNEL
                ),
                level1 <- SGTable::new(
                    dev,
                    table_for(&level2, level1_size)?,
                    DataDirection::ToDevice,
                    GFP_KERNEL
                ),
                level0: {
                    let first = level1.iter().next().ok_or(EINVAL)?.dma_address();
                    let mut l0 =
                        CoherentBox::<[u8]>::zeroed_slice(dev, radix3::PAGE_SIZE, GFP_KERNEL)?;
                    l0.get_mut(..radix3::ENTRY_SIZE)
                        .ok_or(EINVAL)?
                        .copy_from_slice(&first.to_le_bytes());
                    l0.into()
                },
                image_size,
                signature,
                bootloader,
            }))
        })
    }

    /// Bus address of the radix3 level 0 table.
    pub(crate) fn radix3_address(&self) -> DmaAddress {
        self.level0.dma_address()
    }
}
