// SPDX-License-Identifier: GPL-2.0

//! Step 2 of the GSP boot: read the VBIOS through the PROM window and find
//! FWSEC in it.
//!
//! The VBIOS is a chain of PCI expansion ROM images; its length is only
//! known by walking the chain. The PROM window answers 32-bit reads only,
//! each a slow bus round trip, so only the bytes the parser looks at are
//! read ([`rom::read_needed`]), in 64-byte blocks, into a copy of the
//! window whose other bytes stay zero: the headers of each image, the
//! PC-AT image up to the BIT falcon data, and in the FWSEC section the
//! falcon ucode table, the FWSEC descriptor and ucode; the rest (such as
//! the body of an EFI image) is skipped.
//! The copy, cut to the image chain, is then checked by the same parser as
//! a full read would be.
//!
//! Anything unexpected on the way (an IFR header, a broken chain, a check
//! failing) falls back to reading the window from its start, in chunks,
//! parsing after each one, so that the error reported is the one of the
//! whole window.

use kernel::{
    device::Bound,
    io::Io,
    pci,
    prelude::*, //
};

use crate::{
    firmware::parse::{
        self as fwparse,
        fwsec::Fwsec,
        vbios::{
            self as rom,
            Vbios, //
        }, //
    },
    gpu::Bar0,
    regs, //
};

/// How much of the PROM window the fallback reads between two parse
/// attempts.
const CHUNK: usize = 16 * 1024;

/// The unit of the on-demand reads: small, as each 32-bit read is a bus
/// round trip, yet enough for a ROM header or a BIT in one or two.
const BLOCK: usize = 64;

/// Number of blocks in the PROM window.
const BLOCKS: usize = regs::NV_PROM_SIZE / BLOCK;

/// A copy of the VBIOS, known to contain a well-formed FWSEC.
pub(crate) struct VbiosImage {
    data: KVVec<u8>,
}

/// Displays a parser error.
struct Problem<'a>(&'a fwparse::ParseError);

impl kernel::fmt::Display for Problem<'_> {
    fn fmt(&self, f: &mut kernel::fmt::Formatter<'_>) -> kernel::fmt::Result {
        core::fmt::Display::fmt(self.0, f)
    }
}

/// The PROM window, read block by block on demand into a zero-filled copy
/// of the whole window.
struct Prom<'a, 'b> {
    bar: &'a Bar0<'b>,
    /// The window; bytes of blocks not read yet are zero.
    data: KVVec<u8>,
    /// Which blocks were read, one bit each.
    loaded: KVec<u64>,
    /// Bytes read so far.
    read: usize,
}

impl<'a, 'b> Prom<'a, 'b> {
    fn new(bar: &'a Bar0<'b>) -> Result<Self> {
        Ok(Self {
            bar,
            data: KVVec::zeroed(regs::NV_PROM_SIZE, GFP_KERNEL)?,
            loaded: KVec::zeroed(BLOCKS.div_ceil(64), GFP_KERNEL)?,
            read: 0,
        })
    }
}

impl rom::RomWindow for Prom<'_, '_> {
    type Error = Error;

    fn window(&self) -> &[u8] {
        &self.data
    }

    /// Reads the blocks of `[start, start + len)` not read yet.
    fn load(&mut self, start: usize, len: usize) -> Result<bool> {
        let end = start.saturating_add(len).min(regs::NV_PROM_SIZE);
        let mut read = false;
        if start >= end {
            return Ok(read);
        }
        for block in start / BLOCK..end.div_ceil(BLOCK) {
            let bit = 1u64 << (block % 64);
            let word = self.loaded.get_mut(block / 64).ok_or(EINVAL)?;
            if *word & bit != 0 {
                continue;
            }
            let at = block * BLOCK;
            let dst = self.data.get_mut(at..at + BLOCK).ok_or(EINVAL)?;
            for (i, out) in dst.chunks_exact_mut(4).enumerate() {
                let w = self.bar.try_read32(regs::NV_PROM_BASE + at + i * 4)?;
                out.copy_from_slice(&w.to_le_bytes());
            }
            *word |= bit;
            self.read += BLOCK;
            read = true;
        }
        Ok(read)
    }
}

impl VbiosImage {
    /// Reads the VBIOS of the GPU behind `bar` and checks that it carries
    /// FWSEC.
    pub(crate) fn read(pdev: &pci::Device<Bound>, bar: &Bar0<'_>) -> Result<Self> {
        let mut prom = Prom::new(bar)?;
        if let Some(end) = rom::read_needed(&mut prom)? {
            let mut data = KVVec::zeroed(end, GFP_KERNEL)?;
            data.copy_from_slice(prom.data.get(..end).ok_or(EINVAL)?);
            let image = Self { data };
            if let Ok(fwsec) = image.fwsec() {
                dev_info!(
                    pdev,
                    "VBIOS: {} KiB read of a {} KiB image chain, FWSEC v{} found\n",
                    prom.read.div_ceil(1024),
                    end.div_ceil(1024),
                    fwsec.desc.version()
                );
                return Ok(image);
            }
        }
        drop(prom);
        Self::read_all(pdev, bar)
    }

    /// Reads the PROM window from its start in chunks, parsing after each,
    /// until FWSEC is found or the window ends.
    fn read_all(pdev: &pci::Device<Bound>, bar: &Bar0<'_>) -> Result<Self> {
        let mut data = KVVec::new();
        let mut last_err = None;
        while data.len() < regs::NV_PROM_SIZE {
            let end = (data.len() + CHUNK).min(regs::NV_PROM_SIZE);
            data.reserve(end - data.len(), GFP_KERNEL)?;
            let mut at = data.len();
            while at < end {
                let word = bar.try_read32(regs::NV_PROM_BASE + at)?;
                data.extend_from_slice(&word.to_le_bytes(), GFP_KERNEL)?;
                at += 4;
            }
            match Vbios::parse(&data).and_then(|v| v.find_fwsec().map(drop)) {
                Ok(()) => {
                    let image = Self { data };
                    dev_info!(
                        pdev,
                        "VBIOS: {} KiB read, FWSEC v{} found\n",
                        image.data.len() / 1024,
                        image.fwsec()?.desc.version()
                    );
                    return Ok(image);
                }
                Err(e) => last_err = Some(e),
            }
        }
        match last_err {
            Some(e) => dev_err!(
                pdev,
                "VBIOS: no usable FWSEC in the {} KiB PROM window: {}\n",
                regs::NV_PROM_SIZE / 1024,
                Problem(&e)
            ),
            None => dev_err!(pdev, "VBIOS: nothing read from the PROM window\n"),
        }
        Err(ENODEV)
    }

    /// The FWSEC ucode of the VBIOS.
    pub(crate) fn fwsec(&self) -> Result<Fwsec<'_>> {
        Vbios::parse(&self.data)
            .and_then(|v| v.find_fwsec())
            .map_err(|_| EINVAL)
    }
}
