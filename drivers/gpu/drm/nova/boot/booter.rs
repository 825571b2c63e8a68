// SPDX-License-Identifier: GPL-2.0

//! booter_load (step 7) and booter_unload (step 9) on SEC2.
//!
//! Both are heavy-secure images ([`crate::firmware::parse::hs`]): the signature
//! the SEC2 fuses select is patched into a copy of the ucode at the
//! image's patch location, then the image is loaded as the generation
//! wants (facts from nova-core `firmware/booter.rs`, `falcon.rs`,
//! `falcon/hal/*.rs` and nouveau `nvkm/falcon/fw.c`):
//!
//! * Turing and GA100 ([`crate::boot::hal::Hal::booter_pio`]): by PIO, the OS
//!   code as non-secure IMEM, the first application as secure IMEM (both
//!   tagged with their IMEM address), the OS data at DMEM 0; the CPU
//!   starts at the OS code. The signature is the last one (the fuse
//!   version is not consulted on these parts).
//! * GA102 and later: by DMA from a coherent copy, the application as
//!   secure IMEM tagged from its image offset, the OS data at DMEM 0; the
//!   boot ROM checks the signature chosen by the fuse version, from the
//!   parameters programmed before the start at the application.
//!
//! booter_load gets the WPR metadata's bus address in MAILBOX0/1 and sets
//! up WPR2 and the GSP-RM boot from it; booter_unload removes WPR2. Both
//! report success as MAILBOX0 = 0.

use kernel::{
    device::Bound,
    dma::{
        Coherent,
        CoherentBox, //
    },
    firmware::Firmware,
    pci,
    prelude::*,
    time::Delta, //
};

use crate::{
    chip::Chip,
    falcon::{
        BromParams,
        Falcon,
        Mem,
        Sec2,
        DMA_BLOCK, //
    },
    firmware,
    firmware::parse::hs::HsImage,
    gpu::Bar0,
};

/// How long a booter may run.
const BOOTER_TIMEOUT: Delta = Delta::from_secs(5);

/// Which booter.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Booter {
    /// `booter_load`: sets up WPR2 and starts the GSP-RM boot.
    Load,
    /// `booter_unload`: removes WPR2.
    Unload,
}

impl Booter {
    /// The firmware file.
    pub(crate) fn file(self) -> &'static str {
        match self {
            Self::Load => "booter_load-570.144.bin",
            Self::Unload => "booter_unload-570.144.bin",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Load => "booter_load",
            Self::Unload => "booter_unload",
        }
    }
}

/// Returns a copy of the ucode of `hs` with the signature for the fuse
/// version `fuse` patched in, padded to whole DMA blocks.
fn patched(hs: &HsImage<'_>, fuse: u32) -> Result<KVVec<u8>> {
    let index = hs.signature_index(fuse).map_err(|_| EINVAL)?;
    let sig = hs.signature(index).map_err(|_| EINVAL)?;
    let mut ucode = KVVec::with_capacity(hs.ucode.len().next_multiple_of(DMA_BLOCK), GFP_KERNEL)?;
    ucode.extend_from_slice(hs.ucode, GFP_KERNEL)?;
    ucode.resize(hs.ucode.len().next_multiple_of(DMA_BLOCK), 0, GFP_KERNEL)?;
    let at = hs.patch_loc as usize;
    ucode
        .get_mut(at..at + sig.len())
        .ok_or(EINVAL)?
        .copy_from_slice(sig);
    Ok(ucode)
}

/// Loads `hs` into `sec2` by PIO (Turing, GA100); returns the boot vector.
fn load_pio(sec2: &Falcon<'_, '_, Sec2>, hs: &HsImage<'_>) -> Result<u32> {
    let l = hs.falcon_load(true).map_err(|_| EINVAL)?;
    let ucode = patched(hs, 0)?;
    let part = |src: u32, len: u32| {
        let (s, n) = (src as usize, len as usize);
        ucode.get(s..s + n).ok_or(EINVAL)
    };
    let tag = |dst: u32| u16::try_from(dst >> 8).map_err(|_| ERANGE);
    if let Some(ns) = l.imem_ns {
        sec2.pio_load_imem(part(ns.src, ns.len)?, ns.dst, tag(ns.dst)?, false)?;
    }
    let sec = l.imem_sec;
    sec2.pio_load_imem(part(sec.src, sec.len)?, sec.dst, tag(sec.dst)?, true)?;
    let d = l.dmem;
    sec2.pio_load_dmem(part(d.src, d.len.next_multiple_of(4))?, d.dst)?;
    Ok(l.boot_addr)
}

/// Copies the patched image of `hs` to DMA memory and programs `sec2` to
/// load it and the boot ROM to check it (GA102 and later). Returns the
/// buffer, which must outlive the run, and the boot vector.
fn load_dma(
    pdev: &pci::Device<Bound>,
    sec2: &Falcon<'_, '_, Sec2>,
    hs: &HsImage<'_>,
) -> Result<(Coherent<[u8]>, u32)> {
    let meta = hs.meta.ok_or(EINVAL)?;
    let ucode_id = u8::try_from(meta.ucode_id)?;
    let engine_id_mask = u16::try_from(meta.engine_id_mask)?;
    let fuse = sec2.fuse_version(ucode_id)?;
    let ucode = patched(hs, fuse).inspect_err(|_| {
        dev_err!(
            pdev,
            "booter: no signature for SEC2 fuse version {}\n",
            fuse
        )
    })?;
    let buf: Coherent<[u8]> = CoherentBox::from_slice(pdev.as_ref(), &ucode, GFP_KERNEL)?.into();
    let l = hs.falcon_load(false).map_err(|_| EINVAL)?;
    sec2.set_dma_target(0)?;
    sec2.dma_load(
        &buf,
        Mem::ImemSecure,
        l.imem_sec.src,
        l.imem_sec.dst,
        l.imem_sec.len,
    )?;
    sec2.dma_load(&buf, Mem::Dmem, l.dmem.src, l.dmem.dst, l.dmem.len)?;
    sec2.program_brom(&BromParams {
        pkc_data_offset: hs.pkc_data_offset().map_err(|_| EINVAL)?,
        engine_id_mask,
        ucode_id,
    })?;
    Ok((buf, l.boot_addr))
}

/// Loads the file of `which` (checked).
pub(crate) fn request(pdev: &pci::Device<Bound>, chip: &Chip, which: Booter) -> Result<Firmware> {
    firmware::request_checked(pdev.as_ref(), chip, which.file())
}

/// Runs `which`, from its file's contents `data` (see [`request`]), on
/// SEC2 with `mailboxes`; fails unless it halts with MAILBOX0 = 0.
pub(crate) fn run(
    pdev: &pci::Device<Bound>,
    bar: &Bar0<'_>,
    chip: &Chip,
    which: Booter,
    data: &[u8],
    mailboxes: (u32, u32),
) -> Result {
    let name = which.name();
    let hs = HsImage::parse(data).map_err(|_| EINVAL)?;
    let sec2 = Falcon::sec2(bar);
    let gen = chip.hal().falcon_gen();

    // The DMA copy (GA102 and later) must outlive SEC2's use of it: it is
    // dropped only after SEC2 halted or was reset.
    let mut dma_copy: Option<Coherent<[u8]>> = None;
    let result = (|| -> Result<(u32, u32)> {
        sec2.reset(gen)?;
        sec2.setup_dma()?;
        let bootvec = if chip.hal().booter_pio() {
            load_pio(&sec2, &hs)?
        } else {
            let (buf, bootvec) = load_dma(pdev, &sec2, &hs)?;
            dma_copy = Some(buf);
            bootvec
        };
        sec2.run(bootvec, mailboxes, BOOTER_TIMEOUT)
    })();
    let (mbox0, mbox1) = result.inspect_err(|e| {
        dev_err!(
            pdev,
            "{}: loading or running on SEC2 failed: {:?}\n",
            name,
            e
        );
        // Stop SEC2 before the buffer it may still read is freed.
        let _ = sec2.reset(gen);
    })?;
    drop(dma_copy);
    if mbox0 != 0 {
        dev_err!(
            pdev,
            "{}: failed, SEC2 MAILBOX0 {:#x} MAILBOX1 {:#x}\n",
            name,
            mbox0,
            mbox1
        );
        return Err(EIO);
    }
    Ok(())
}
