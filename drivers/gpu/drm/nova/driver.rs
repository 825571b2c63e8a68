// SPDX-License-Identifier: GPL-2.0

//! The PCI driver: binds NVIDIA display-class functions, identifies the GPU,
//! boots GSP-RM and registers its DRM device; at unbind it stops GSP-RM.

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
    sync::Arc,
};

use crate::{
    drm::debugfs::DeviceDir,
    drm::device::{
        NovaDrmDriver,
        NovaRegistrationData, //
    },
    gpu::{
        Bar0,
        GpuInfo, //
    },
    gsp::GspIrq,
    boot::{
        self as gsp_boot,
        Gsp, //
    },
};

/// The PCI driver type.
pub(crate) struct NovaPciDriver;

/// What nova keeps while bound to a GPU. At unbind (and module unload)
/// [`NovaPciDriver::unbind`] stops GSP-RM; dropping the data then removes
/// the debugfs files, unplugs the DRM device, frees the GSP memory, frees
/// the interrupt and unmaps BAR0, in this order.
#[pin_data]
pub(crate) struct NovaPciData<'bound> {
    /// `nova/<pci name>/` in debugfs; removed first.
    _debugfs: DeviceDir,
    _reg: drm::Registration<'bound, NovaDrmDriver>,
    /// The running GSP-RM, where nova boots it.
    gsp: Option<Gsp>,
    /// The GSP interrupt; its handler shares the BAR.
    irq: GspIrq<'bound>,
    /// The register aperture, mapped (and its region claimed) while bound.
    bar: Arc<Bar0<'bound>>,
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
            let mut debugfs = DeviceDir::new(pdev.as_ref().name())
                .inspect_err(|e| dev_err!(pdev, "create the debugfs directory: {:?}\n", e))?;
            pdev.enable_device_mem()
                .inspect_err(|e| dev_err!(pdev, "enable device: {:?}\n", e))?;

            let bar = pdev
                .iomap_region_sized(0, c"nova/bar0")
                .inspect_err(|e| dev_err!(pdev, "map BAR0: {:?}\n", e))?;
            let bar = Arc::new(bar, GFP_KERNEL)?;

            let info = GpuInfo::read(pdev, &bar)?;
            info.log(pdev);

            pdev.set_master();
            let irq = GspIrq::new(pdev, &bar)?;
            let gsp = gsp_boot::boot(pdev, &bar, info.id.chip, debugfs.step(), &irq)?;
            let gsp_info = gsp.as_ref().map(|g| *g.info());

            let logs = match &gsp {
                Some(gsp) => debugfs
                    .add_logs(gsp)
                    .inspect_err(|e| dev_err!(pdev, "create the debugfs log files: {:?}\n", e)),
                None => Ok(()),
            };
            let reg = logs
                .and_then(|()| {
                    drm::UnregisteredDevice::<NovaDrmDriver>::new(pdev, Ok(()))
                        .inspect_err(|e| dev_err!(pdev, "allocate DRM device: {:?}\n", e))
                })
                .and_then(|drm| {
                    let reg_data = NovaRegistrationData::new(info, gsp_info);
                    // SAFETY: the registration is stored in `NovaPciData` and dropped when the
                    // device is unbound; it is never forgotten.
                    unsafe { drm::Registration::new(pdev.as_ref(), drm, reg_data, 0) }
                        .inspect_err(|e| dev_err!(pdev, "register DRM device: {:?}\n", e))
                });
            let reg = match reg {
                Ok(reg) => reg,
                Err(e) => {
                    if let Some(gsp) = &gsp {
                        let _ = gsp.stop(pdev, &bar);
                        irq.synchronize();
                    }
                    return Err(e);
                }
            };

            Ok(try_pin_init!(NovaPciData {
                _debugfs: debugfs,
                _reg: reg,
                gsp,
                irq,
                bar
            }))
        })
    }

    fn unbind<'bound>(pdev: &'bound pci::Device<Core<'_>>, this: Pin<&Self::Data<'bound>>) {
        if let Some(gsp) = &this.gsp {
            // Errors are logged by the steps; the memory is freed either way
            // once the falcons were reset.
            let _ = gsp.stop(pdev, &this.bar);
            // GSP-RM's interrupt is masked; let a running handler finish
            // before the queues go.
            this.irq.synchronize();
        }
    }
}
