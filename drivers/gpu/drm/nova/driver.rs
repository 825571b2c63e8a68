// SPDX-License-Identifier: GPL-2.0

//! The PCI driver: binds NVIDIA display-class functions, identifies the GPU,
//! registers the sysmem flush page, boots GSP-RM and registers its DRM
//! device; at unbind it unplugs the DRM device, then stops GSP-RM.

use kernel::{
    device::Core,
    dma::Device as _,
    drm, new_mutex,
    pci::{
        self,
        Class,
        ClassMask,
        Vendor, //
    },
    prelude::*,
    sync::{
        Arc,
        Mutex, //
    },
};

use crate::{
    boot::{
        self,
        Gsp, //
    },
    drm::debugfs::{
        BootStep,
        DeviceDir, //
    },
    drm::device::{
        GpuRuntime,
        NovaDrmDriver,
        NovaRegistrationData, //
    },
    gpu::{
        Bar0,
        GpuInfo, //
    },
    gsp::rm::{
        RmApi,
        RmRoot, //
    },
    gsp::GspIrq,
    mm::sysmem_flush::SysmemFlush,
    mm::{
        bar1::Bar1,
        vram::Vram, //
    },
};

/// The PCI driver type.
pub(crate) struct NovaPciDriver;

/// The DRM registration, taken out (which unplugs the DRM device: ioctls
/// then fail with `ENODEV` and none is running) at unbind before GSP-RM is
/// stopped.
type DrmReg<'bound> = Mutex<Option<drm::Registration<'bound, NovaDrmDriver>>>;

/// What nova keeps while bound to a GPU. At unbind (and module unload)
/// [`NovaPciDriver::unbind`] unplugs the DRM device, stops GSP-RM and
/// unregisters the flush page; dropping the data then removes the debugfs
/// files, frees the GSP memory, the flush page and the interrupt, and
/// unmaps BAR0, in this order.
#[pin_data]
pub(crate) struct NovaPciData<'bound> {
    /// `nova/<pci name>/` in debugfs, if it could be created; removed first.
    _debugfs: Option<DeviceDir>,
    #[pin]
    reg: DrmReg<'bound>,
    /// The running GSP-RM.
    gsp: Gsp,
    /// The GSP interrupt; its handler shares the BAR.
    irq: GspIrq<'bound>,
    /// The system-memory flush page, registered from before the first
    /// falcon reset until GSP-RM is stopped.
    flush: SysmemFlush,
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

/// The RM objects and the VRAM allocator of a GPU whose GSP-RM runs.
fn runtime<'bound>(
    pdev: &'bound pci::Device<Core<'_>>,
    bar: &Arc<Bar0<'bound>>,
    chip: &'static crate::chip::Chip,
    gsp: &Gsp,
    info: &crate::gsp::GspStaticInfo,
    irq: &GspIrq<'bound>,
) -> Result<GpuRuntime<'bound>> {
    let dev: &'bound kernel::device::Device<kernel::device::Bound> = pdev.as_ref();
    let vram = Vram::new(info.regions())
        .inspect_err(|e| dev_err!(pdev, "VRAM: set up the allocator: {:?}\n", e))?;
    let api = RmApi::new(pdev.as_ref(), gsp.queues().clone(), bar.clone())?;
    let rm = RmRoot::new(api)
        .inspect_err(|e| dev_err!(pdev, "RM: allocate nova's client: {:?}\n", e))?;
    dev_info!(
        pdev,
        "VRAM: {} MiB in {} region(s) for clients\n",
        vram.total() >> 20,
        info.regions().len()
    );
    let (gpcs, tpcs) = rm
        .gr_counts(info.internal)
        .inspect_err(|e| dev_warn!(pdev, "RM: no GPC/TPC counts: {:?}\n", e))
        .unwrap_or((0, 0));
    let bar1 = match info.bar1_root {
        0 => {
            dev_info!(
                pdev,
                "BAR1: GSP-RM reported no root page directory; no CPU mappings of VRAM\n"
            );
            None
        }
        root => Some(
            Bar1::new(
                pdev.resource_start(1)?,
                pdev.resource_len(1)?,
                root,
                crate::mmu::format(chip),
            )
            .inspect_err(|e| dev_err!(pdev, "BAR1: set up: {:?}\n", e))?,
        ),
    };
    let fifo = crate::fifo::Fifo::new(
        pdev.as_ref(),
        bar,
        &rm,
        info.internal,
        gsp.queues(),
        irq.engines().clone(),
    )?;
    Ok(GpuRuntime {
        dev,
        chip,
        bar: bar.clone(),
        rm,
        vram,
        bar1,
        gpcs,
        tpcs,
        fifo,
    })
}

impl pci::Driver for NovaPciDriver {
    type IdInfo = ();
    type Data<'bound> = NovaPciData<'bound>;
    const ID_TABLE: pci::IdTable<Self::IdInfo> = &PCI_TABLE;

    fn probe<'bound>(
        pdev: &'bound pci::Device<Core<'_>>,
        _info: Option<&'bound Self::IdInfo>,
    ) -> impl PinInit<Self::Data<'bound>, Error> + 'bound {
        pin_init::pin_init_scope(move || {
            // debugfs is best effort: a probe never fails for it.
            let mut debugfs = DeviceDir::new(pdev.as_ref().name())
                .inspect_err(|e| dev_warn!(pdev, "debugfs: no device directory: {:?}\n", e))
                .ok();
            pdev.enable_device_mem()
                .inspect_err(|e| dev_err!(pdev, "enable device: {:?}\n", e))?;

            let bar = pdev
                .iomap_region_sized(0, c"nova/bar0")
                .inspect_err(|e| dev_err!(pdev, "map BAR0: {:?}\n", e))?;
            let bar = Arc::new(bar, GFP_KERNEL)?;

            let info = GpuInfo::read(pdev, &bar)?;
            info.log(pdev);

            pdev.set_master();
            let mask = info.id.chip.hal().dma_mask();
            // SAFETY: nova has made no DMA allocation or mapping for this
            // device yet (the flush page below is the first), and probe is
            // the only code running for it.
            unsafe { pdev.dma_set_mask_and_coherent(mask) }
                .inspect_err(|e| dev_err!(pdev, "set the DMA mask: {:?}\n", e))?;
            let flush = SysmemFlush::register(pdev, &bar, info.id.chip)?;
            let unregister_flush = |e: Error| {
                flush.unregister(&bar);
                e
            };
            let irq = GspIrq::new(pdev, &bar).map_err(unregister_flush)?;
            let no_step = BootStep::new();
            let step = debugfs.as_ref().map_or(&no_step, |d| d.step());
            let gsp = boot::boot(pdev, &bar, info.id.chip, step, &irq).map_err(unregister_flush)?;
            let gsp_info = *gsp.info();

            if let Some(dir) = debugfs.as_mut() {
                if let Err(e) = dir.add_logs(&gsp) {
                    dev_warn!(pdev, "debugfs: no GSP-RM log files: {:?}\n", e);
                }
            }
            let gpu = match runtime(pdev, &bar, info.id.chip, &gsp, &gsp_info, &irq) {
                Ok(gpu) => gpu,
                Err(e) => {
                    let _ = gsp.stop(pdev, &bar, &irq);
                    return Err(unregister_flush(e));
                }
            };
            let reg = drm::UnregisteredDevice::<NovaDrmDriver>::new(pdev, Ok(()))
                .inspect_err(|e| dev_err!(pdev, "allocate DRM device: {:?}\n", e))
                .and_then(|drm| {
                    let reg_data = NovaRegistrationData::new(info, Some(gsp_info), Some(gpu));
                    // SAFETY: the registration is stored in `NovaPciData` and dropped when the
                    // device is unbound; it is never forgotten.
                    unsafe { drm::Registration::new(pdev.as_ref(), drm, reg_data, 0) }
                        .inspect_err(|e| dev_err!(pdev, "register DRM device: {:?}\n", e))
                });
            let reg = match reg {
                Ok(reg) => reg,
                Err(e) => {
                    let _ = gsp.stop(pdev, &bar, &irq);
                    return Err(unregister_flush(e));
                }
            };

            Ok(try_pin_init!(NovaPciData {
                _debugfs: debugfs,
                reg <- new_mutex!(Some(reg)),
                gsp,
                irq,
                flush,
                bar
            }))
        })
    }

    fn unbind<'bound>(pdev: &'bound pci::Device<Core<'_>>, this: Pin<&Self::Data<'bound>>) {
        // Userspace first: once the DRM device is unplugged no ioctl runs
        // and new ones fail with ENODEV, so none can reach a GSP-RM that is
        // going away.
        let reg = this.reg.lock().take();
        // CPU mappings of BAR1 go with the device; those of system memory
        // fault their pages back in.
        if let Some(r) = &reg {
            r.device().unmap_mappings();
        }
        drop(reg);
        // No ioctl or job submission runs any more: every job in flight
        // fails, and the channels' workers cancel what is queued.
        this.irq.engines().fail_all(ECANCELED);
        // Errors are logged by the steps; the memory is freed either way
        // once the falcons were reset. The interrupt thread no longer uses
        // the queues once this returns.
        let _ = this.gsp.stop(pdev, &this.bar, &this.irq);
        this.flush.unregister(&this.bar);
    }
}
