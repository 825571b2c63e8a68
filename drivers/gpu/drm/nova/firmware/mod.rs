// SPDX-License-Identifier: GPL-2.0

//! The firmware files nova loads: where they are, how they are checked, and
//! their list in the module's `.modinfo` (for `modinfo nova` and initramfs
//! tools).
//!
//! Every file goes through the shared parsers of [`crate::firmware::parse`] before
//! nova uses anything in it, so a corrupt or truncated file fails probe with
//! a message naming the file and the problem, never a crash. Each boot step
//! loads the files it uses ([`request_checked`]); [`check_others`] checks
//! the chip's files no step uses yet.

pub(crate) mod gsp;
// The parsers are shared with host crates (tools/fwparse): their API is
// `pub`, reachable from the crate root, so what the driver does not use is
// not dead code.
pub mod parse;
pub(crate) mod radix3;

use kernel::{
    device::{
        Bound,
        Device, //
    },
    firmware::{
        self,
        Firmware, //
    },
    prelude::*,
    str::CString,
};

use crate::chip::{
    Chip,
    CHIPS, //
};
use parse::{
    bl::GenericBootloader,
    fmc::FmcImage,
    gsp::GspImage,
    hs::HsImage,
    riscv::RiscvFirmware, //
};

/// Which parser checks a firmware file, from the file's name.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Format {
    /// GSP-RM ELF image (`gsp-*`).
    GspRm,
    /// RISC-V bootloader of GSP-RM (`bootloader-*`).
    RiscvBootloader,
    /// Falcon heavy-secure image (`booter_load-*`, `booter_unload-*`, `scrubber-*`).
    HeavySecure,
    /// Falcon generic bootloader (`gen_bootloader-*`).
    GenericBootloader,
    /// Hopper/Blackwell FMC image (`fmc-*`).
    Fmc,
}

impl Format {
    /// The format of file `name` (a name from [`Chip::firmware`]).
    fn of(name: &str) -> Option<Self> {
        const PREFIXES: &[(&str, Format)] = &[
            ("gsp-", Format::GspRm),
            ("bootloader-", Format::RiscvBootloader),
            ("booter_load-", Format::HeavySecure),
            ("booter_unload-", Format::HeavySecure),
            ("scrubber-", Format::HeavySecure),
            ("gen_bootloader-", Format::GenericBootloader),
            ("fmc-", Format::Fmc),
        ];
        PREFIXES
            .iter()
            .find(|(prefix, _)| name.starts_with(prefix))
            .map(|&(_, format)| format)
    }

    /// Parses `data` as this format; for GSP-RM, also requires the
    /// signature section of `chip`.
    fn check(self, data: &[u8], chip: &Chip) -> parse::Result<()> {
        match self {
            Self::GspRm => GspImage::parse(data)?.signature(chip.fw_dir).map(drop),
            Self::RiscvBootloader => RiscvFirmware::parse(data).map(drop),
            Self::HeavySecure => HsImage::parse(data).map(drop),
            Self::GenericBootloader => GenericBootloader::parse(data).map(drop),
            Self::Fmc => FmcImage::parse(data).map(drop),
        }
    }
}

/// Shows a parser error with its own (`core`) `Display` in kernel messages.
struct Problem<'a>(&'a parse::ParseError);

impl kernel::fmt::Display for Problem<'_> {
    fn fmt(&self, f: &mut kernel::fmt::Formatter<'_>) -> kernel::fmt::Result {
        core::fmt::Display::fmt(self.0, f)
    }
}

/// Requests `nvidia/<chip>/gsp/<name>` and checks it with its parser.
///
/// Fails with the loader's error if the file cannot be loaded, and with
/// `EINVAL` if it is not a valid file of its kind.
pub(crate) fn request_checked(dev: &Device<Bound>, chip: &Chip, name: &str) -> Result<Firmware> {
    let dir = chip.fw_dir;
    let format = Format::of(name).ok_or_else(|| {
        dev_err!(
            dev,
            "firmware: nvidia/{dir}/gsp/{name}: no parser for this file\n"
        );
        EINVAL
    })?;
    let path = CString::try_from_fmt(fmt!("nvidia/{dir}/gsp/{name}"))?;
    let fw = Firmware::request(&path, dev).inspect_err(|e| {
        dev_err!(
            dev,
            "firmware: nvidia/{dir}/gsp/{name}: cannot load ({e:?})\n"
        )
    })?;
    format.check(fw.data(), chip).map_err(|e| {
        dev_err!(
            dev,
            "firmware: nvidia/{dir}/gsp/{name}: invalid: {}\n",
            Problem(&e)
        );
        EINVAL
    })?;
    Ok(fw)
}

/// Loads and checks the files of `chip` that are not in `used` (those the
/// boot steps load themselves), then releases them.
pub(crate) fn check_others(dev: &Device<Bound>, chip: &Chip, used: &[&str]) -> Result {
    for name in chip.firmware.iter().filter(|n| !used.contains(n)) {
        request_checked(dev, chip, name)?;
    }
    Ok(())
}

/// Builds the `firmware=` entries of `.modinfo`: every file of every chip in
/// [`CHIPS`], as `nvidia/<chip>/gsp/<file>`.
pub(crate) struct ModInfoBuilder<const N: usize>;

impl<const N: usize> ModInfoBuilder<N> {
    /// Called by [`kernel::module_firmware!`] in const context.
    pub(crate) const fn create(
        module_name: &'static kernel::str::CStr,
    ) -> firmware::ModInfoBuilder<N> {
        let mut builder = firmware::ModInfoBuilder::new(module_name);
        let mut i = 0;
        while i < CHIPS.len() {
            let chip = &CHIPS[i];
            let mut j = 0;
            while j < chip.firmware.len() {
                builder = builder
                    .new_entry()
                    .push("nvidia/")
                    .push(chip.fw_dir)
                    .push("/gsp/")
                    .push(chip.firmware[j]);
                j += 1;
            }
            i += 1;
        }
        builder
    }
}

#[kunit_tests(nova_firmware)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_file_has_a_parser() {
        for chip in CHIPS.iter() {
            for name in chip.firmware {
                assert!(Format::of(name).is_some());
            }
        }
    }

    #[test]
    fn formats_by_name() {
        assert_eq!(Format::of("gsp-570.144.bin"), Some(Format::GspRm));
        assert_eq!(
            Format::of("bootloader-570.144.bin"),
            Some(Format::RiscvBootloader)
        );
        assert_eq!(
            Format::of("gen_bootloader-570.144.bin"),
            Some(Format::GenericBootloader)
        );
        assert_eq!(
            Format::of("booter_unload-570.144.bin"),
            Some(Format::HeavySecure)
        );
        assert_eq!(Format::of("fmc-570.144.bin"), Some(Format::Fmc));
        assert_eq!(Format::of("unknown.bin"), None);
    }

    #[test]
    fn garbage_is_rejected() {
        let chip = CHIPS.iter().find(|c| c.name == "GA102");
        assert!(chip.is_some());
        let Some(chip) = chip else { return };
        let junk = [0x5au8; 256];
        for format in [
            Format::GspRm,
            Format::RiscvBootloader,
            Format::HeavySecure,
            Format::GenericBootloader,
            Format::Fmc,
        ] {
            assert!(format.check(&junk, chip).is_err());
            assert!(format.check(&[], chip).is_err());
        }
    }
}
