// SPDX-License-Identifier: GPL-2.0

//! Step 1 of the GSP boot: wait until the GPU's own boot firmware (GFW,
//! "devinit", run from the VBIOS by the PMU and FWSEC after reset) is done.
//!
//! Until it is, most of the GPU is unusable. Completion is reported in
//! `NV_PGC6_AON_SECURE_SCRATCH_GROUP_05(0)`, which the CPU may only read
//! after the firmware lowered its privilege level mask.

use kernel::{
    io::{
        poll::read_poll_timeout,
        Io, //
    },
    pci,
    prelude::*,
    time::Delta, //
};

use super::regs::{
    NV_PGC6_AON_SECURE_SCRATCH_GROUP_05_0,
    NV_PGC6_AON_SECURE_SCRATCH_GROUP_05_PRIV_LEVEL_MASK, //
};
use crate::gpu::Bar0;

/// GFW boot progress value meaning "complete".
const GFW_BOOT_COMPLETE: u32 = 0xff;

/// The GFW boot progress, once the CPU may read it.
fn progress(bar: &Bar0<'_>) -> u32 {
    bar.read(NV_PGC6_AON_SECURE_SCRATCH_GROUP_05_0)
        .gfw_boot_progress()
        .get()
}

/// How long GFW boot may take. It starts when the GPU leaves reset and
/// normally finishes long before a driver probes; this bound only keeps a
/// broken GPU from hanging probe.
const GFW_BOOT_TIMEOUT: Delta = Delta::from_secs(4);

/// Waits for GFW boot completion, or fails with `ETIMEDOUT`.
pub(crate) fn wait_boot_complete(
    pdev: &pci::Device<kernel::device::Bound>,
    bar: &Bar0<'_>,
) -> Result {
    let done = || {
        bar.read(NV_PGC6_AON_SECURE_SCRATCH_GROUP_05_PRIV_LEVEL_MASK)
            .read_protection_level0()
            && progress(bar) == GFW_BOOT_COMPLETE
    };
    read_poll_timeout(
        || Ok(done()),
        |&d| d,
        Delta::from_millis(1),
        GFW_BOOT_TIMEOUT,
    )
    .inspect_err(|e| {
        dev_err!(
            pdev,
            "GFW boot: not complete after {} ms (progress {:#x}): {:?}\n",
            GFW_BOOT_TIMEOUT.as_millis(),
            progress(bar),
            e
        );
    })?;
    dev_info!(pdev, "GFW boot complete\n");
    Ok(())
}
