// SPDX-License-Identifier: GPL-2.0

//! nova: DRM driver for NVIDIA GPUs running the GSP-RM firmware (Turing,
//! Ampere, Ada, Hopper, Blackwell).
//!
//! nova binds the GPU, identifies it, boots GSP-RM (GFW boot wait, VBIOS,
//! framebuffer layout, FWSEC-FRTS, radix3-mapped GSP-RM, booter_load on
//! SEC2, the first RPCs; see [`boot`]), offers a render node with GETPARAM
//! and system-memory GEM objects, and at unbind unplugs the render node,
//! then stops GSP-RM.
//!
//! One folder per subsystem: `boot/`, `falcon/`, `firmware/` (with the
//! shared parsers in `parse/`), `gsp/`, `mm/`, `drm/`.

use kernel::prelude::*;

mod boot;
mod chip;
mod driver;
mod drm;
mod falcon;
mod fifo;
pub mod firmware;
mod gpu;
mod gsp;
mod mm;
mod mmu;

/// The module: the debugfs root, then the PCI driver, which is
/// unregistered (unbinding every device) before the root goes.
#[pin_data]
struct NovaModule {
    #[pin]
    _driver: kernel::driver::Registration<kernel::pci::Adapter<driver::NovaPciDriver>>,
    _debugfs: drm::debugfs::Root,
}

impl kernel::InPlaceModule for NovaModule {
    fn init(module: &'static kernel::ThisModule) -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            _debugfs: drm::debugfs::Root::create(),
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
