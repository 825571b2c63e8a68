// SPDX-License-Identifier: GPL-2.0

//! The PCI driver: binds NVIDIA display-class functions, identifies the GPU
//! and registers its DRM device.

use kernel::{
    device::Core,
    drm,
    pci::{
        self,
        Class,
        ClassMask,
        Vendor, //
    },
    prelude::*,
};

use crate::{
    drm_device::{
        NovaDrmDriver,
        NovaRegistrationData, //
    },
    firmware,
    gpu::GpuInfo,
    gsp_boot,
};

/// The PCI driver type.
pub(crate) struct NovaPciDriver;

/// What nova keeps while bound to a GPU. Dropping it (unbind, failed probe,
/// module unload) unplugs the DRM device first, then unmaps BAR0.
#[pin_data]
pub(crate) struct NovaPciData<'bound> {
    _reg: drm::Registration<'bound, NovaDrmDriver>,
}

kernel::pci_device_table!(
    PCI_TABLE,
    <NovaPciDriver as pci::Driver>::IdInfo,
    [
        // GSP-era GPUs are VGA controllers (GeForce, RTX workstation) or 3D
        // controllers (data-centre parts without display).
        (
            pci::DeviceId::from_class_and_vendor(
                Class::DISPLAY_VGA,
                ClassMask::ClassSubclass,
                Vendor::NVIDIA
            ),
            ()
        ),
        (
            pci::DeviceId::from_class_and_vendor(
                Class::DISPLAY_3D,
                ClassMask::ClassSubclass,
                Vendor::NVIDIA
            ),
            ()
        ),
    ]
);

impl pci::Driver for NovaPciDriver {
    type IdInfo = ();
    type Data<'bound> = NovaPciData<'bound>;
    const ID_TABLE: pci::IdTable<Self::IdInfo> = &PCI_TABLE;

    fn probe<'bound>(
        pdev: &'bound pci::Device<Core<'_>>,
        _info: Option<&'bound Self::IdInfo>,
    ) -> impl PinInit<Self::Data<'bound>, Error> + 'bound {
        pin_init::pin_init_scope(move || {
            pdev.enable_device_mem()
                .inspect_err(|e| dev_err!(pdev, "enable device: {:?}\n", e))?;

            let bar = pdev
                .iomap_region_sized(0, c"nova/bar0")
                .inspect_err(|e| dev_err!(pdev, "map BAR0: {:?}\n", e))?;

            let info = GpuInfo::read(pdev, &bar)?;
            info.log(pdev);

            firmware::check_all(pdev.as_ref(), info.id.chip)?;

            pdev.set_master();
            gsp_boot::boot(pdev, &bar, info.id.chip)?;

            let drm = drm::UnregisteredDevice::<NovaDrmDriver>::new(pdev, Ok(()))
                .inspect_err(|e| dev_err!(pdev, "allocate DRM device: {:?}\n", e))?;

            let reg_data = NovaRegistrationData::new(bar, info, None);

            // SAFETY: the registration is stored in `NovaPciData` and dropped when the device is
            // unbound; it is never forgotten.
            let reg = unsafe { drm::Registration::new(pdev.as_ref(), drm, reg_data, 0) }
                .inspect_err(|e| dev_err!(pdev, "register DRM device: {:?}\n", e))?;

            Ok(try_pin_init!(NovaPciData { _reg: reg }))
        })
    }
}
