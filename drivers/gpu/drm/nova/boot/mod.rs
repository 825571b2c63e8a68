// SPDX-License-Identifier: GPL-2.0

//! The GSP boot sequence at probe and its undoing at unbind, one step per
//! module, numbered in the order the code runs them. Hopper and Blackwell
//! boot through the FSP instead ([`fsp::boot`], which numbers its steps
//! alike); Turing to Ada run:
//!
//! 1. GFW boot wait ([`gfw`]);
//! 2. the firmware files, each loaded and checked once ([`crate::firmware`]);
//! 3. VBIOS and FWSEC ([`vbios`]), for FWSEC-FRTS and FWSEC-SB;
//! 4. framebuffer layout with the GSP-RM heaps ([`fb_layout`]);
//! 5. GSP-RM and its bootloader in DMA memory behind radix3 tables
//!    ([`crate::firmware::gsp`]), the WPR metadata ([`wpr_meta`]), the libos
//!    arguments and log buffers ([`crate::gsp::libos`]), the queues
//!    ([`crate::gsp::GspQueues`]);
//! 6. FWSEC-FRTS ([`fwsec`]), which sets up WPR2;
//! 7. the GSP falcon given the libos address, booter_load on SEC2
//!    ([`booter`]) with the WPR metadata, the OS version, and the wait for
//!    the RISC-V core;
//! 8. the RPCs up to the static info ([`crate::gsp::start_rm`]).
//!
//! [`Gsp::stop`] undoes it at unbind (step 9): `UNLOADING_GUEST_DRIVER`
//! ([`crate::gsp::stop_rm`]), then FWSEC-SB and booter_unload (WPR2 gone),
//! or on the FSP's chips the wait for the GSP's RISC-V core to halt; then
//! the memory is freed. A probe that fails after WPR2 was set up runs
//! FWSEC-SB and booter_unload before it frees anything, so that the next
//! probe starts from a clean GPU; a probe that finds WPR2 already set up (a
//! driver that did not unload) removes it the same way first. The system
//! memory flush page every falcon relies on is registered before this
//! sequence and unregistered after it ([`crate::mm::sysmem_flush`]).

pub(crate) mod booter;
pub(crate) mod fb_layout;
pub(crate) mod fsp;
pub(crate) mod fwsec;
pub(crate) mod gfw;
pub(crate) mod hal;
pub(crate) mod regs;
pub(crate) mod vbios;
pub(crate) mod wpr_meta;

use kernel::{
    device::Bound,
    dma::{
        Coherent,
        CoherentBox, //
    },
    firmware::Firmware,
    io::{
        poll::read_poll_timeout,
        Io, //
    },
    pci,
    prelude::*,
    sync::Arc,
    time::Delta, //
};

use booter::Booter;
use fb_layout::{
    FbLayout,
    FbParams,
    GspSizes, //
};
use fwsec::FwsecUcode;
use regs::{
    NV_PDISP_VGA_WORKSPACE_BASE,
    NV_PGC6_BSI_SECURE_SCRATCH_14, //
};
use wpr_meta::SysmemImages;

use crate::{
    chip::{
        Chip,
        MMIO_DEAD,
        NV_PMC_BOOT_0, //
    },
    drm::debugfs::{
        BootStep,
        Step, //
    },
    falcon::{
        self,
        Falcon, //
    },
    firmware::{
        self,
        gsp::{
            self as gsp_fw,
            GspFirmware, //
        },
        parse::hs::HsImage,
    },
    gpu::Bar0,
    gsp::{
        self,
        libos::{
            Libos,
            Log, //
        },
        GspIrq,
        GspQueues,
        GspStaticInfo,
        SequencerOps, //
    },
};

/// How long the GSP falcon may take to halt after its start (step 7).
const GSP_HALT_TIMEOUT: Delta = Delta::from_secs(2);
/// How long the RISC-V core may take to become active after booter_load.
const RISCV_ACTIVE_TIMEOUT: Delta = Delta::from_secs(5);
/// How long GSP-RM may take to reload when the sequencer resumes it.
const RELOAD_TIMEOUT: Delta = Delta::from_secs(2);

/// Reads what the framebuffer layout depends on.
fn fb_params(chip: &Chip, bar: &Bar0<'_>) -> FbParams {
    let vga_workspace = if chip.hal().has_display(bar) {
        let v = bar.read(NV_PDISP_VGA_WORKSPACE_BASE);
        v.status_valid().then(|| u64::from(v.addr().get()) << 16)
    } else {
        None
    };
    FbParams {
        vram_size: chip.hal().vram_size(bar),
        vga_workspace,
        frts_size: chip.hal().frts_size(),
    }
}

/// Whether the GPU still answers register reads.
fn answers(bar: &Bar0<'_>) -> bool {
    bar.read(NV_PMC_BOOT_0).into_raw() != MMIO_DEAD
}

/// Whether the GPU stopped answering (surprise removal, fatal bus error),
/// said once in the log: then nothing can be undone on it and the steps
/// are skipped.
fn gone(pdev: &pci::Device<Bound>, bar: &Bar0<'_>) -> bool {
    let dead = !answers(bar);
    if dead {
        dev_err!(
            pdev,
            "GSP unload: the device does not answer; GSP-RM, FWSEC-SB and booter_unload skipped\n"
        );
    }
    dead
}

/// What undoes a boot from WPR2 on: FWSEC-SB (from the VBIOS) and
/// booter_unload, both loaded before WPR2 is set up so that a failure can
/// always be undone.
struct BooterUnload {
    fwsec: FwsecUcode,
    booter_unload: Firmware,
}

/// What stops the GSP once GSP-RM suspended, or after a failed boot.
enum Unload {
    /// FWSEC-SB and booter_unload (Turing to Ada).
    Booter(BooterUnload),
    /// The RISC-V core halts on its own; nothing is sent to the FSP
    /// (Hopper, Blackwell).
    Fsp,
}

impl Unload {
    fn run(&self, pdev: &pci::Device<Bound>, bar: &Bar0<'_>, chip: &Chip) -> Result {
        match self {
            Unload::Booter(u) => u.run(pdev, bar, chip),
            Unload::Fsp => {
                if gone(pdev, bar) {
                    return Err(ENODEV);
                }
                fsp::wait_gsp_halted(pdev, bar)
            }
        }
    }
}

impl BooterUnload {
    fn load(pdev: &pci::Device<Bound>, bar: &Bar0<'_>, chip: &Chip) -> Result<Self> {
        let booter_unload = booter::request(pdev, chip, Booter::Unload)?;
        // Checked by its parser above; refused here if its layout does not
        // load (so that the unload cannot fail for it later).
        HsImage::parse(booter_unload.data()).map_err(|_| EINVAL)?;
        let fwsec = FwsecUcode::load(pdev, bar, chip)?;
        Ok(Self {
            fwsec,
            booter_unload,
        })
    }

    /// FWSEC-SB, then booter_unload if WPR2 is set up; both run even if
    /// the first fails. Afterwards neither falcon uses host memory.
    fn run(&self, pdev: &pci::Device<Bound>, bar: &Bar0<'_>, chip: &Chip) -> Result {
        if gone(pdev, bar) {
            return Err(ENODEV);
        }
        let sb = self.fwsec.run_sb(pdev, bar, chip);
        let unload = if fwsec::read_wpr2(bar).is_some() {
            booter::run(
                pdev,
                bar,
                chip,
                Booter::Unload,
                self.booter_unload.data(),
                (0xff, 0xff),
            )
            .and_then(|()| match fwsec::read_wpr2(bar) {
                None => Ok(()),
                Some((start, end)) => {
                    dev_err!(
                        pdev,
                        "booter_unload: WPR2 {:#x}-{:#x} still set up\n",
                        start,
                        end
                    );
                    Err(EBUSY)
                }
            })
        } else {
            Ok(())
        };
        let gen = chip.hal().falcon_gen();
        let _ = Falcon::gsp(bar).reset(gen);
        let _ = Falcon::sec2(bar).reset(gen);
        sb.and(unload)
    }
}

/// The falcon operations of the GSP CPU sequencer.
struct Sequencer<'a, 'b> {
    pdev: &'a pci::Device<Bound>,
    bar: &'a Bar0<'b>,
    chip: &'a Chip,
    libos: u64,
    os_version: u32,
}

impl Sequencer<'_, '_> {
    fn gsp(&self) -> Falcon<'_, '_, falcon::Gsp> {
        Falcon::gsp(self.bar)
    }
}

impl SequencerOps for Sequencer<'_, '_> {
    fn core_reset(&self) -> Result {
        self.gsp().reset(self.chip.hal().falcon_gen())?;
        self.gsp().setup_dma()
    }

    fn core_start(&self) -> Result {
        self.gsp().start()
    }

    fn core_wait_for_halt(&self) -> Result {
        self.gsp().wait_halted(GSP_HALT_TIMEOUT)
    }

    fn core_resume(&self) -> Result {
        let gsp = self.gsp();
        gsp.reset(self.chip.hal().falcon_gen())?;
        gsp.write_mailboxes(self.libos as u32, (self.libos >> 32) as u32)?;
        let sec2 = Falcon::sec2(self.bar);
        sec2.start()?;
        read_poll_timeout(
            || Ok(self.bar.read(NV_PGC6_BSI_SECURE_SCRATCH_14)),
            |v| v.boot_stage_3_handoff(),
            Delta::ZERO,
            RELOAD_TIMEOUT,
        )
        .inspect_err(|_| dev_err!(self.pdev, "sequencer resume: GSP-RM did not reload\n"))?;
        let mbox0 = sec2.mailbox0()?;
        if mbox0 != 0 {
            dev_err!(self.pdev, "sequencer resume: SEC2 MAILBOX0 {:#x}\n", mbox0);
            return Err(EIO);
        }
        gsp.write_os(self.os_version)?;
        if !gsp.riscv_active(self.chip.hal().falcon_gen())? {
            dev_err!(
                self.pdev,
                "sequencer resume: the GSP RISC-V core is not active\n"
            );
            return Err(EIO);
        }
        Ok(())
    }
}

/// A booted GSP-RM and the host memory it uses, kept while the device is
/// bound. [`Gsp::stop`] must run before it is dropped.
pub(crate) struct Gsp {
    chip: &'static Chip,
    /// What stops the GSP, for [`Gsp::stop`].
    unload: Unload,
    /// The RPC queues and RM arguments GSP-RM uses until it is stopped.
    queues: Arc<GspQueues>,
    /// The libos arguments and the log buffers.
    libos: Libos,
    /// Read by booter_load or the FMC; kept until WPR2 is removed.
    _wpr_meta: Coherent<[u8]>,
    /// Read by the GSP bootloader; kept until GSP-RM is stopped.
    _fw: Pin<KBox<GspFirmware>>,
    info: GspStaticInfo,
}

impl Gsp {
    /// What GSP-RM reported.
    pub(crate) fn info(&self) -> &GspStaticInfo {
        &self.info
    }

    /// The RPC queues, for the RM object calls.
    pub(crate) fn queues(&self) -> &Arc<GspQueues> {
        &self.queues
    }

    /// GSP-RM's log buffer `log`, for debugfs.
    pub(crate) fn log_buffer(&self, log: Log) -> &Arc<Coherent<[u8]>> {
        self.libos.log_buffer(log)
    }

    /// Step 9: stops GSP-RM and removes WPR2; afterwards the GPU uses none
    /// of this memory. Every part runs even if an earlier one failed.
    /// The GSP interrupt `irq` stops draining the queues.
    pub(crate) fn stop(
        &self,
        pdev: &pci::Device<Bound>,
        bar: &Bar0<'_>,
        irq: &GspIrq<'_>,
    ) -> Result {
        if gone(pdev, bar) {
            irq.detach();
            return Err(ENODEV);
        }
        let rm = gsp::stop_rm(pdev, bar, &self.queues, irq)
            .inspect_err(|e| dev_err!(pdev, "GSP unload: stopping GSP-RM failed: {:?}\n", e));
        let unload = self.unload.run(pdev, bar, self.chip);
        rm.and(unload).inspect(|()| match self.unload {
            Unload::Booter(_) => dev_info!(pdev, "GSP-RM stopped, WPR2 removed\n"),
            Unload::Fsp => dev_info!(pdev, "GSP-RM stopped, GSP RISC-V core halted\n"),
        })
    }
}

/// Step 4: the layout, with GSP-RM's sizes if known.
fn layout(pdev: &pci::Device<Bound>, params: FbParams, gsp: Option<GspSizes>) -> Result<FbLayout> {
    FbLayout::compute(params, gsp).inspect_err(|_| {
        dev_err!(
            pdev,
            "framebuffer layout: {} MiB of VRAM cannot hold it\n",
            params.vram_size >> 20
        )
    })
}

/// Step 7 up to the active RISC-V core: the GSP falcon gets the libos
/// arguments, booter_load on SEC2 the WPR metadata.
fn start_riscv(
    pdev: &pci::Device<Bound>,
    bar: &Bar0<'_>,
    chip: &Chip,
    booter_load: &Firmware,
    libos: u64,
    wpr_meta: u64,
    os_version: u32,
) -> Result {
    let gen = chip.hal().falcon_gen();
    let gsp = Falcon::gsp(bar);
    gsp.reset(gen)
        .and_then(|()| gsp.write_mailboxes(libos as u32, (libos >> 32) as u32))
        .and_then(|()| gsp.start())
        .and_then(|()| gsp.wait_halted(GSP_HALT_TIMEOUT))
        .inspect_err(|e| {
            dev_err!(
                pdev,
                "GSP boot: the GSP falcon did not take the libos arguments: {:?}\n",
                e
            )
        })?;
    booter::run(
        pdev,
        bar,
        chip,
        Booter::Load,
        booter_load.data(),
        (wpr_meta as u32, (wpr_meta >> 32) as u32),
    )?;
    start_riscv_os(bar, gen, os_version).inspect_err(|e| {
        dev_err!(
            pdev,
            "GSP boot: the RISC-V core is not active after booter_load: {:?}\n",
            e
        )
    })?;
    dev_info!(pdev, "booter_load done, GSP RISC-V core active\n");
    Ok(())
}

/// Gives the GSP the OS version GSP-RM runs (`os_version`) and waits until
/// its RISC-V core is active.
fn start_riscv_os(bar: &Bar0<'_>, gen: falcon::FalconGen, os_version: u32) -> Result {
    let gsp = Falcon::gsp(bar);
    gsp.write_os(os_version)?;
    read_poll_timeout(
        || gsp.riscv_active(gen),
        |&active| active,
        Delta::from_millis(10),
        RISCV_ACTIVE_TIMEOUT,
    )
    .map(drop)
}

/// Removes a WPR2 that an earlier boot left (a driver that did not
/// unload), so that FWSEC-FRTS can set it up again.
fn remove_stale_wpr2(
    pdev: &pci::Device<Bound>,
    bar: &Bar0<'_>,
    chip: &Chip,
    unload: &BooterUnload,
) -> Result {
    let Some((start, end)) = fwsec::read_wpr2(bar) else {
        return Ok(());
    };
    dev_info!(
        pdev,
        "WPR2 {:#x}-{:#x} left by an earlier boot; removing it (FWSEC-SB, booter_unload)\n",
        start,
        end
    );
    unload
        .run(pdev, bar, chip)
        .inspect_err(|_| dev_err!(pdev, "WPR2 cannot be removed; the GPU needs a reset\n"))
}

/// Runs the GSP boot for `chip` and returns the running GSP-RM. `step`
/// follows the boot: the step reached, or the one that failed.
pub(crate) fn boot(
    pdev: &pci::Device<Bound>,
    bar: &Bar0<'_>,
    chip: &'static Chip,
    step: &BootStep,
    irq: &GspIrq<'_>,
) -> Result<Gsp> {
    match chip.hal().fsp() {
        Some(hal) => fsp::boot::boot(pdev, bar, chip, hal, step, irq),
        None => boot_steps(pdev, bar, chip, step, irq),
    }
    .inspect_err(|_| step.fail())
}

/// Step 5, the part every chip shares: the RPC queues, the libos
/// arguments and log buffers, and where `fw` is in system memory.
fn host_memory(
    pdev: &pci::Device<Bound>,
    fw: &GspFirmware,
) -> Result<(Arc<GspQueues>, Libos, SysmemImages)> {
    let dev = pdev.as_ref();
    let queues = Arc::pin_init(GspQueues::new(dev), GFP_KERNEL)
        .and_then(|q| gsp::events::register_defaults(&q).map(|()| q))
        .inspect_err(|e| dev_err!(pdev, "GSP boot: the RPC queues: {:?}\n", e))?;
    let libos = Libos::new(dev, queues.rm_args())
        .inspect_err(|e| dev_err!(pdev, "GSP boot: the libos arguments: {:?}\n", e))?;
    let images = SysmemImages {
        radix3: fw.radix3_address(),
        image_size: fw.image_size as u64,
        bootloader: fw.bootloader.ucode.dma_address(),
        bootloader_size: fw.bootloader.ucode.size() as u64,
        code_offset: fw.bootloader.code_offset.into(),
        data_offset: fw.bootloader.data_offset.into(),
        manifest_offset: fw.bootloader.manifest_offset.into(),
        signature: fw.signature.dma_address(),
        signature_size: fw.signature.size() as u64,
    };
    Ok((queues, libos, images))
}

/// `meta` in coherent system memory.
fn wpr_meta_dma(
    pdev: &pci::Device<Bound>,
    meta: Result<[u8; wpr_meta::SIZE]>,
) -> Result<Coherent<[u8]>> {
    Ok(meta
        .and_then(|meta| CoherentBox::from_slice(pdev.as_ref(), &meta, GFP_KERNEL))
        .inspect_err(|e| dev_err!(pdev, "GSP boot: the WPR metadata: {:?}\n", e))?
        .into())
}

/// Step 8: the RPCs up to the static information. On failure GSP-RM is
/// stopped if the device still answers, the interrupt detached and
/// `undo` run.
fn start_gsp_rm(
    pdev: &pci::Device<Bound>,
    bar: &Bar0<'_>,
    chip: &'static Chip,
    queues: &Arc<GspQueues>,
    seq: &dyn SequencerOps,
    irq: &GspIrq<'_>,
    undo: impl FnOnce(Error) -> Error,
) -> Result<GspStaticInfo> {
    irq.attach(queues.clone());
    gsp::start_rm(pdev, bar, chip, queues, seq).map_err(|e| {
        dev_err!(pdev, "GSP boot: GSP-RM did not start: {:?}\n", e);
        if answers(bar) {
            let _ = gsp::stop_rm(pdev, bar, queues, irq);
        }
        // SWGEN0 is masked and the queues detached: no handler uses them
        // once this returns.
        irq.detach();
        undo(e)
    })
}

fn boot_steps(
    pdev: &pci::Device<Bound>,
    bar: &Bar0<'_>,
    chip: &'static Chip,
    step: &BootStep,
    irq: &GspIrq<'_>,
) -> Result<Gsp> {
    let dev = pdev.as_ref();
    // Step 1.
    step.set(Step::GfwBoot);
    gfw::wait_boot_complete(pdev, bar)?;

    // Step 2: every file a step below uses is loaded (and checked)
    // here, so that a bad one fails the probe before the GPU is touched.
    step.set(Step::Firmware);
    firmware::check_others(
        dev,
        chip,
        &[
            gsp_fw::GSP_RM,
            gsp_fw::BOOTLOADER,
            Booter::Load.file(),
            Booter::Unload.file(),
            fwsec::GEN_BOOTLOADER,
        ],
    )?;
    let fw = KBox::pin_init(GspFirmware::new(dev, chip), GFP_KERNEL)
        .inspect_err(|e| dev_err!(pdev, "GSP boot: GSP-RM cannot be mapped: {:?}\n", e))?;
    let booter_load = booter::request(pdev, chip, Booter::Load)?;
    // Step 3: the VBIOS (for FWSEC-FRTS and FWSEC-SB) and booter_unload.
    step.set(Step::Vbios);
    let unload = BooterUnload::load(pdev, bar, chip)?;

    // Step 4.
    step.set(Step::FbLayout);
    let params = fb_params(chip, bar);
    let bl_size = fw.bootloader.ucode.size() as u64;
    let sizes = GspSizes {
        bootloader: bl_size,
        elf: fw.image_size as u64,
        wpr2_heap: fb_layout::wpr2_heap_size(
            chip.hal().libos(),
            chip.hal().heap_base_rm_size(),
            params.vram_size,
        ),
        wpr_meta: wpr_meta::SIZE as u64,
    };
    let layout = layout(pdev, params, Some(sizes))?;
    let w = layout.wpr2.as_ref().ok_or(EINVAL)?;
    dev_info!(
        pdev,
        "framebuffer layout: VRAM {} MiB, FRTS {:#x}-{:#x}, VGA workspace {:#x}-{:#x}\n",
        params.vram_size >> 20,
        layout.frts.start,
        layout.frts.end,
        layout.vga_workspace.start,
        layout.vga_workspace.end
    );
    dev_info!(
        pdev,
        "WPR2 layout: {:#x}-{:#x}, heap {} MiB, GSP-RM {:#x}, bootloader {:#x}\n",
        w.wpr2.start,
        w.wpr2.end,
        (w.heap.end - w.heap.start) >> 20,
        w.elf.start,
        w.boot.start
    );

    // Step 5.
    step.set(Step::GspMemory);
    let (queues, libos, images) = host_memory(pdev, &fw)?;
    let wpr_meta = wpr_meta_dma(pdev, wpr_meta::build(&images, &layout))?;
    dev_info!(
        pdev,
        "GSP-RM {} KiB mapped through radix3, libos arguments and logs ready\n",
        fw.image_size >> 10
    );

    // Step 6. Where the FRTS region is empty (GA100) there is no FRTS data
    // to write: no FWSEC-FRTS, and booter_load sets WPR2 up itself.
    step.set(Step::FwsecFrts);
    remove_stale_wpr2(pdev, bar, chip, &unload)?;
    // From here on a failure undoes WPR2 before the memory goes.
    let undo = |e: Error| -> Error {
        let _ = unload.run(pdev, bar, chip);
        e
    };
    let empty_frts = layout.frts.is_empty();
    if empty_frts {
        dev_info!(
            pdev,
            "FWSEC-FRTS skipped: empty FRTS region, booter_load sets WPR2 up\n"
        );
    } else {
        let (start, end) = unload
            .fwsec
            .run_frts(pdev, bar, chip, &layout.frts)
            .map_err(|e| {
                // A FWSEC that failed after setting WPR2 up leaves it behind.
                if fwsec::read_wpr2(bar).is_some() {
                    undo(e)
                } else {
                    e
                }
            })?;
        dev_info!(pdev, "FWSEC-FRTS done, WPR2 {:#x}-{:#x}\n", start, end);
    }

    // Step 7.
    step.set(Step::BooterLoad);
    let os_version = fw.bootloader.app_version;
    start_riscv(
        pdev,
        bar,
        chip,
        &booter_load,
        libos.address(),
        wpr_meta.dma_address(),
        os_version,
    )
    .map_err(undo)?;
    drop(booter_load);
    if empty_frts {
        let Some((start, end)) = fwsec::read_wpr2(bar) else {
            dev_err!(pdev, "GSP boot: booter_load did not set WPR2 up\n");
            return Err(undo(EIO));
        };
        dev_info!(pdev, "booter_load set WPR2 up: {:#x}-{:#x}\n", start, end);
    }

    // Step 8.
    step.set(Step::GspRmInit);
    let seq = Sequencer {
        pdev,
        bar,
        chip,
        libos: libos.address(),
        os_version,
    };
    let info = start_gsp_rm(pdev, bar, chip, &queues, &seq, irq, undo)?;
    step.set(Step::GspRmRunning);

    Ok(Gsp {
        chip,
        unload: Unload::Booter(unload),
        queues,
        libos,
        _wpr_meta: wpr_meta,
        _fw: fw,
        info,
    })
}
