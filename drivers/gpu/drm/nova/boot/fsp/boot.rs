// SPDX-License-Identifier: GPL-2.0

//! The boot sequence of the chips the FSP boots, numbered as the other
//! chips' ([`crate::boot`]) where the steps match:
//!
//! 1. the FSP's secure boot (instead of the GFW boot);
//! 2. the firmware files: GSP-RM, its bootloader and the FMC;
//! 4. the sizes the FMC lays WPR2 out with (it chooses the offsets);
//! 5. GSP-RM behind radix3 tables, the WPR metadata, the libos arguments
//!    and queues, the FMC image and its boot parameters;
//! 6. the COT exchange with the FSP;
//! 7. the wait for the FMC to start GSP-RM, the OS version, the RISC-V
//!    core active;
//! 8. the RPCs up to the static information (no CPU sequencer here).
//!
//! A failure from step 6 on waits for the GSP's RISC-V core to halt before
//! the memory it may still read is freed.

use kernel::{
    device::Bound,
    pci,
    prelude::*, //
};

use super::{
    chain_of_trust,
    wait_lockdown_release,
    wait_secure_boot,
    Fmc,
    FspHal,
    FMC,
    FRTS_SIZE, //
};
use crate::{
    boot::{
        fb_layout::wpr2_heap_size,
        host_memory,
        start_gsp_rm,
        start_riscv_os,
        wpr_meta::{
            self,
            FspSizes, //
        },
        wpr_meta_dma,
        Gsp,
        Unload, //
    },
    chip::Chip,
    drm::debugfs::{
        BootStep,
        Step, //
    },
    firmware::{
        self,
        gsp::{
            self as gsp_fw,
            GspFirmware, //
        },
    },
    gpu::Bar0,
    gsp::{
        GspIrq,
        SequencerOps, //
    },
};

/// Size of the VGA workspace the FMC keeps at the end of the framebuffer.
const VGA_WORKSPACE_SIZE: u64 = 128 << 10;

/// GSP-RM runs no CPU sequencer on these chips: one it sends is refused.
struct NoSequencer<'a>(&'a pci::Device<Bound>);

impl NoSequencer<'_> {
    fn refuse(&self) -> Result {
        dev_err!(
            self.0,
            "GSP-RM sent a CPU sequencer, which chips booted by the FSP do not run\n"
        );
        Err(EPROTO)
    }
}

impl SequencerOps for NoSequencer<'_> {
    fn core_reset(&self) -> Result {
        self.refuse()
    }

    fn core_start(&self) -> Result {
        self.refuse()
    }

    fn core_wait_for_halt(&self) -> Result {
        self.refuse()
    }

    fn core_resume(&self) -> Result {
        self.refuse()
    }
}

/// Runs the FSP boot of `chip`, whose FSP side `fsp` describes.
pub(crate) fn boot(
    pdev: &pci::Device<Bound>,
    bar: &Bar0<'_>,
    chip: &'static Chip,
    fsp: &dyn FspHal,
    step: &BootStep,
    irq: &GspIrq<'_>,
) -> Result<Gsp> {
    let dev = pdev.as_ref();
    let hal = chip.hal();

    // Step 1.
    step.set(Step::FspBoot);
    wait_secure_boot(pdev, bar, fsp)?;

    // Step 2.
    step.set(Step::Firmware);
    firmware::check_others(dev, chip, &[gsp_fw::GSP_RM, gsp_fw::BOOTLOADER, FMC])?;
    let fw = KBox::pin_init(GspFirmware::new(dev, chip), GFP_KERNEL)
        .inspect_err(|e| dev_err!(pdev, "GSP boot: GSP-RM cannot be mapped: {:?}\n", e))?;
    let fmc = Fmc::load(pdev, chip)?;

    // Step 4.
    step.set(Step::FbLayout);
    let vram_size = hal.vram_size(bar);
    let sizes = FspSizes {
        non_wpr_heap: fsp.non_wpr_heap_size(),
        wpr2_heap: wpr2_heap_size(hal.libos(), hal.heap_base_rm_size(), vram_size),
        frts: u64::from(FRTS_SIZE),
        vga_workspace: VGA_WORKSPACE_SIZE,
        pmu_reserved: fsp.pmu_reserved(),
    };
    dev_info!(
        pdev,
        "framebuffer: VRAM {} MiB, GSP-RM heap {} MiB; the FMC lays WPR2 out\n",
        vram_size >> 20,
        sizes.wpr2_heap >> 20
    );

    // Step 5.
    step.set(Step::GspMemory);
    let (queues, libos, images) = host_memory(pdev, &fw)?;
    let wpr_meta = wpr_meta_dma(pdev, wpr_meta::build_fsp(&images, &sizes))?;
    let params = super::boot_params(
        pdev,
        wpr_meta.dma_address(),
        wpr_meta::SIZE,
        libos.address(),
    )?;
    dev_info!(
        pdev,
        "GSP-RM {} KiB mapped through radix3, FMC {} KiB, libos arguments and logs ready\n",
        fw.image_size >> 10,
        fmc.size() >> 10
    );

    // Step 6. From here on a failure waits for the GSP to halt before the
    // memory goes.
    step.set(Step::FspCot);
    let undo = |e: Error| -> Error {
        let _ = Unload::Fsp.run(pdev, bar, chip);
        e
    };
    chain_of_trust(pdev, bar, fsp, &fmc, params.dma_address()).map_err(undo)?;
    dev_info!(pdev, "FSP: COT accepted, the FMC boots GSP-RM\n");

    // Step 7.
    step.set(Step::FmcBoot);
    wait_lockdown_release(pdev, bar, params.dma_address())
        .and_then(|()| {
            start_riscv_os(bar, hal.falcon_gen(), fw.bootloader.app_version).inspect_err(|e| {
                dev_err!(pdev, "FMC: the GSP RISC-V core is not active: {:?}\n", e)
            })
        })
        .map_err(undo)?;
    dev_info!(pdev, "FMC: GSP-RM started, GSP RISC-V core active\n");
    // The FSP and the FMC are done with these.
    drop(params);
    drop(fmc);

    // Step 8.
    step.set(Step::GspRmInit);
    let info = start_gsp_rm(pdev, bar, chip, &queues, &NoSequencer(pdev), irq, undo)?;
    step.set(Step::GspRmRunning);

    Ok(Gsp {
        chip,
        unload: Unload::Fsp,
        queues,
        libos,
        _wpr_meta: wpr_meta,
        _fw: fw,
        info,
    })
}
