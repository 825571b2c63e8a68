// SPDX-License-Identifier: GPL-2.0

//! The GSP boot sequence at probe, one step per module: GFW boot wait
//! ([`crate::gfw`]), VBIOS ([`crate::vbios`]), framebuffer layout
//! ([`crate::fb_layout`]), FWSEC-FRTS ([`crate::fwsec_frts`]).
//!
//! Nothing here outlives probe: the VBIOS copy and the FWSEC DMA buffer are
//! freed once FWSEC halted (a failed run resets the falcon first). What
//! stays is WPR2, which the hardware keeps until the GPU is reset or
//! booter_unload removes it. A later bind (after unbind or a failed probe)
//! finds WPR2 already set up around the same FRTS region and carries on
//! without running FWSEC-FRTS again, which FWSEC would refuse.

use kernel::{
    device::Bound,
    io::Io,
    pci,
    prelude::*, //
};

use crate::{
    chip::Chip,
    fb_layout::{
        FbLayout,
        FbParams, //
    },
    fwsec_frts, gfw,
    gpu::Bar0,
    regs,
    vbios::VbiosImage,
};

/// Reads what the framebuffer layout depends on.
fn fb_params(chip: &Chip, bar: &Bar0<'_>) -> FbParams {
    let has_display = bar
        .try_read32(chip.hal.display_fuse())
        .is_ok_and(|v| v & 1 == 0);
    let vga_workspace = if has_display {
        let v = bar.read32(regs::NV_PDISP_VGA_WORKSPACE_BASE);
        (v & (1 << 3) != 0).then(|| u64::from(v >> 8) << 16)
    } else {
        None
    };
    FbParams {
        vram_size: chip.hal.vram_size(bar),
        vga_workspace,
        frts_size: chip.hal.frts_size(),
    }
}

/// Runs the GSP boot steps nova implements for `chip`.
pub(crate) fn boot(pdev: &pci::Device<Bound>, bar: &Bar0<'_>, chip: &Chip) -> Result {
    if let Some(why) = chip.hal.gsp_boot_unsupported() {
        dev_info!(pdev, "{}; GSP boot skipped\n", why);
        return Ok(());
    }

    // Step 1.
    gfw::wait_boot_complete(pdev, bar)?;

    // Step 3 (the layout needs only registers; the VBIOS, step 2, is read
    // below, and only when FWSEC-FRTS has to run).
    let params = fb_params(chip, bar);
    let layout = FbLayout::compute(params, None).inspect_err(|_| {
        dev_err!(
            pdev,
            "framebuffer layout: {} MiB of VRAM cannot hold it\n",
            params.vram_size >> 20
        )
    })?;
    dev_info!(
        pdev,
        "framebuffer layout: VRAM {} MiB, FRTS {:#x}-{:#x}, VGA workspace {:#x}-{:#x}\n",
        params.vram_size >> 20,
        layout.frts.start,
        layout.frts.end,
        layout.vga_workspace.start,
        layout.vga_workspace.end
    );

    // Step 4.
    if let Some(why) = chip.hal.frts_unsupported() {
        dev_info!(pdev, "{}; FWSEC-FRTS skipped\n", why);
        return Ok(());
    }
    if let Some((start, end)) = fwsec_frts::read_wpr2(bar) {
        if end == layout.frts.end && start <= layout.frts.start {
            dev_info!(
                pdev,
                "FWSEC-FRTS: WPR2 {:#x}-{:#x} already set up (earlier bind), not run again\n",
                start,
                end
            );
            return Ok(());
        }
        dev_err!(
            pdev,
            "FWSEC-FRTS: WPR2 {:#x}-{:#x} is set up elsewhere than FRTS {:#x}-{:#x}; the GPU needs a reset\n",
            start,
            end,
            layout.frts.start,
            layout.frts.end
        );
        return Err(EBUSY);
    }
    // Step 2.
    let vbios = VbiosImage::read(pdev, bar)?;
    let (start, end) = fwsec_frts::run(pdev, bar, chip, &vbios, &layout.frts)?;
    dev_info!(pdev, "FWSEC-FRTS done, WPR2 {:#x}-{:#x}\n", start, end);
    Ok(())
}
