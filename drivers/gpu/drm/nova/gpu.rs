// SPDX-License-Identifier: GPL-2.0

//! What nova knows about a bound GPU: its identity from BAR0 and its PCI
//! resources.

use kernel::{
    device::Bound,
    io::Io,
    pci,
    prelude::*,
    sizes::SZ_16M, //
};

use crate::chip::{
    self,
    IdentifyError,
    Identity,
    NV_PMC_BOOT_0,
    NV_PMC_BOOT_42, //
};

/// Size of BAR0, the register aperture, on every GSP-era chip.
pub(crate) const BAR0_SIZE: usize = SZ_16M;

/// The mapped register aperture.
pub(crate) type Bar0<'a> = pci::Bar<'a, BAR0_SIZE>;

/// Index of the VRAM aperture BAR.
const VRAM_BAR: u32 = 1;

/// Identity and PCI facts of a bound GPU, read once at probe.
#[derive(Clone, Copy)]
pub(crate) struct GpuInfo {
    /// The identified chip.
    pub(crate) id: Identity,
    /// Raw `NV_PMC_BOOT_0`.
    pub(crate) boot0: u32,
    /// Raw `NV_PMC_BOOT_42`.
    pub(crate) boot42: u32,
    /// PCI vendor ID.
    pub(crate) vendor_id: u16,
    /// PCI device ID.
    pub(crate) device_id: u16,
    /// PCI revision ID.
    pub(crate) pci_revision: u8,
    /// PCI subsystem vendor ID.
    pub(crate) subsystem_vendor_id: u16,
    /// PCI subsystem device ID.
    pub(crate) subsystem_device_id: u16,
    /// Size of the VRAM aperture (BAR1) in bytes.
    pub(crate) vram_bar_size: u64,
}

impl GpuInfo {
    /// Reads the identification registers and PCI facts of `pdev`.
    ///
    /// Fails with `ENODEV` (and says why) if the device is not a chip nova
    /// supports, or does not answer.
    pub(crate) fn read(pdev: &pci::Device<Bound>, bar: &Bar0<'_>) -> Result<Self> {
        let boot0 = bar.read(NV_PMC_BOOT_0);
        let boot42 = bar.read(NV_PMC_BOOT_42);
        let id = chip::identify(boot0, boot42).map_err(|e| {
            match e {
                IdentifyError::NotResponding => dev_err!(
                    pdev,
                    "identify: the device does not answer (BOOT_0 {:#010x}, BOOT_42 {:#010x})\n",
                    boot0.into_raw(),
                    boot42.into_raw()
                ),
                IdentifyError::PreTuring { architecture } => dev_err!(
                    pdev,
                    "identify: architecture {:#x} predates Turing and has no GSP; not supported\n",
                    architecture
                ),
                IdentifyError::UnknownChipset { chipset } => dev_err!(
                    pdev,
                    "identify: unknown chipset {:#x} (BOOT_42 {:#010x})\n",
                    chipset,
                    boot42.into_raw()
                ),
            }
            ENODEV
        })?;

        Ok(Self {
            id,
            boot0: boot0.into_raw(),
            boot42: boot42.into_raw(),
            vendor_id: pdev.vendor_id().as_raw(),
            device_id: pdev.device_id(),
            pci_revision: pdev.revision_id(),
            subsystem_vendor_id: pdev.subsystem_vendor_id(),
            subsystem_device_id: pdev.subsystem_device_id(),
            vram_bar_size: pdev.resource_len(VRAM_BAR)?,
        })
    }

    /// Logs the one line that tells which GPU this is.
    pub(crate) fn log(&self, pdev: &pci::Device<Bound>) {
        let chip = self.id.chip;
        dev_info!(
            pdev,
            "NVIDIA {} ({}), revision {:x}\n",
            chip.name,
            chip.arch.name(),
            self.id.revision
        );
        dev_dbg!(
            pdev,
            "BOOT_0 {:#010x}, BOOT_42 {:#010x}, HAL {} ({:?}), VRAM BAR {} MiB\n",
            self.boot0,
            self.boot42,
            chip.hal().name(),
            chip.hal().boot_method(),
            self.vram_bar_size >> 20
        );
    }
}
