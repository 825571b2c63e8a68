// SPDX-License-Identifier: GPL-2.0

//! The firmware files nova loads, listed in the module's `.modinfo` so that
//! `modinfo nova` and initramfs tools know them.

use crate::chip::CHIPS;
use kernel::firmware;

/// Builds the `firmware=` entries of `.modinfo`: every file of every chip in
/// [`CHIPS`], as `nvidia/<chip>/gsp/<file>`.
pub(crate) struct ModInfoBuilder<const N: usize>;

impl<const N: usize> ModInfoBuilder<N> {
    /// Called by [`kernel::module_firmware!`] in const context.
    pub(crate) const fn create(module_name: &'static kernel::str::CStr) -> firmware::ModInfoBuilder<N> {
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
