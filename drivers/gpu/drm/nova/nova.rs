// SPDX-License-Identifier: GPL-2.0

//! nova: DRM driver for NVIDIA GPUs running the GSP-RM firmware (Turing,
//! Ampere, Ada, Hopper, Blackwell).
//!
//! nova binds the GPU, identifies it, boots GSP-RM (GFW boot wait, VBIOS,
//! framebuffer layout, FWSEC-FRTS, radix3-mapped GSP-RM, booter_load on
//! SEC2, the first RPCs; see `gsp_boot.rs`), offers a render node with
//! GETPARAM and system-memory GEM objects, and stops GSP-RM at unbind.

use kernel::prelude::*;

mod booter;
mod chip;
mod debugfs;
mod driver;
mod drm_device;
mod falcon;
mod fb_layout;
mod file;
mod firmware;
// The parsers are shared with host crates (tools/fwparse), which is why their
// API is `pub` and only partly used by the driver.
#[allow(unreachable_pub, dead_code)]
mod fwparse;
mod fwsec_frts;
mod gem;
mod gfw;
mod gpu;
mod gsp;
mod gsp_boot;
mod gsp_fw;
mod hal;
mod libos;
mod params;
mod radix3;
mod regs;
mod vbios;
mod wpr_meta;

/// The module: the debugfs root, then the PCI driver, which is
/// unregistered (unbinding every device) before the root goes.
#[pin_data]
struct NovaModule {
    #[pin]
    _driver: kernel::driver::Registration<kernel::pci::Adapter<driver::NovaPciDriver>>,
    _debugfs: debugfs::Root,
}

impl kernel::InPlaceModule for NovaModule {
    fn init(module: &'static kernel::ThisModule) -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            _debugfs: debugfs::Root::create(),
            _driver <- kernel::driver::Registration::new(
                <Self as kernel::ModuleMetadata>::NAME,
                module,
            ),
        })
    }
}

module! {
    type: NovaModule,
    name: "nova",
    authors: ["The nova developers"],
    description: "DRM driver for NVIDIA GPUs with GSP-RM firmware",
    license: "GPL v2",
}

kernel::module_firmware!(firmware::ModInfoBuilder);
