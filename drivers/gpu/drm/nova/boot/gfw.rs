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

use crate::{
    gpu::Bar0,
    regs, //
};

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
        bar.read32(regs::NV_PGC6_AON_SECURE_SCRATCH_GROUP_05_PRIV_LEVEL_MASK) & 1 != 0
            && bar.read32(regs::NV_PGC6_AON_SECURE_SCRATCH_GROUP_05_0) & 0xff
                == regs::GFW_BOOT_COMPLETE
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
            bar.read32(regs::NV_PGC6_AON_SECURE_SCRATCH_GROUP_05_0) & 0xff,
            e
        );
    })?;
    dev_info!(pdev, "GFW boot complete\n");
    Ok(())
}
