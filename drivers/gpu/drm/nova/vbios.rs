// SPDX-License-Identifier: GPL-2.0

//! Step 2 of the GSP boot: read the VBIOS through the PROM window and find
//! FWSEC in it.
//!
//! The VBIOS is a chain of PCI expansion ROM images; its length is only
//! known by walking the chain. It is read in chunks with 32-bit reads (the
//! width the PROM window answers), and parsed after each chunk until the
//! FWSEC ucode it carries is complete, or the window ends.

use kernel::{
    device::Bound,
    io::Io,
    pci,
    prelude::*, //
};

use crate::{
    fwparse::{
        self,
        fwsec::Fwsec,
        vbios::Vbios, //
    },
    gpu::Bar0,
    regs, //
};

/// How much of the PROM window is read between two parse attempts.
const CHUNK: usize = 16 * 1024;

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

impl VbiosImage {
    /// Reads the VBIOS of the GPU behind `bar` and checks that it carries
    /// FWSEC.
    pub(crate) fn read(pdev: &pci::Device<Bound>, bar: &Bar0<'_>) -> Result<Self> {
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
