// SPDX-License-Identifier: GPL-2.0

//! The GSP-RM RPC layer: the shared-memory command and message queues, the
//! RM arguments, and the first RPCs of a boot (step 8) and of a shutdown
//! (the RPC part of step 9).
//!
//! [`GspQueues`] is allocated before GSP boots (its RM arguments go into the
//! libos "RMARGS" region); once the RISC-V core runs, [`start_rm`] talks to
//! GSP-RM until it reported the GPU's static information, and [`stop_rm`]
//! asks it to shut down before unbind. GSP-RM's messages interrupt the host
//! ([`GspIrq`]) from [`start_rm`] until [`stop_rm`] or a failed start.

mod cmdq;
mod commands;
pub(crate) mod events;
pub(crate) mod fw;
mod irq;
pub(crate) mod libos;
mod queue;
mod regs;
mod ring;
pub(crate) mod rm;
mod sequencer;
mod shmem;

use kernel::{device, io::poll::read_poll_timeout, pci, prelude::*, time::Delta};

pub(crate) use cmdq::GspQueues;
use cmdq::Waiter;
use commands::{
    function,
    GetGspStaticInfo,
    GspInitDone,
    SetRegistry,
    SetSystemInfo,
    UnloadingGuestDriver, //
};
pub(crate) use irq::GspIrq;

use crate::{
    chip::Chip,
    falcon::Falcon,
    gpu::Bar0, //
};

/// How long, in seconds, GSP-RM may take from one message to the next
/// until `GSP_INIT_DONE`.
const INIT_DONE_TIMEOUT_S: i64 = 10;
/// How long GSP-RM may take to suspend after `UNLOADING_GUEST_DRIVER`.
const SUSPEND_TIMEOUT: Delta = Delta::from_secs(5);

/// Falcon operations the GSP CPU sequencer (`RUN_CPU_SEQUENCER`) needs;
/// implemented by the boot code.
pub(crate) trait SequencerOps {
    /// Resets the GSP falcon (and its DMA).
    fn core_reset(&self) -> Result;
    /// Starts the GSP falcon CPU.
    fn core_start(&self) -> Result;
    /// Waits for the GSP falcon CPU to halt.
    fn core_wait_for_halt(&self) -> Result;
    /// Resets GSP, puts the libos address into its mailboxes, starts SEC2,
    /// waits for the reload, checks SEC2 MAILBOX0, writes the OS version and
    /// checks that the RISC-V core is active.
    fn core_resume(&self) -> Result;
}

/// What GSP-RM reported in `GET_GSP_STATIC_INFO`.
#[derive(Clone, Copy)]
pub(crate) struct GspStaticInfo {
    /// The marketing name of the GPU, NUL-terminated.
    pub(crate) gpu_name: [u8; commands::GPU_NAME_LEN],
    /// Total usable framebuffer memory in bytes.
    pub(crate) vram_size: u64,
    /// The usable framebuffer regions, `fb_region_count` of them.
    pub(crate) fb_regions: [crate::mm::vram::Region; crate::mm::vram::MAX_REGIONS],
    /// How many of `fb_regions` are valid.
    pub(crate) fb_region_count: usize,
    /// GSP-RM's internal client and subdevice, which answer the controls
    /// on the GPU's configuration.
    pub(crate) internal: (u32, u32),
    /// GSP-RM's BAR1 root page directory in VRAM (0: none reported).
    pub(crate) bar1_root: u64,
}

impl GspStaticInfo {
    /// The usable framebuffer regions.
    pub(crate) fn regions(&self) -> &[crate::mm::vram::Region] {
        self.fb_regions.get(..self.fb_region_count).unwrap_or(&[])
    }
}

impl GspStaticInfo {
    /// The GPU name as a C string (empty if GSP-RM sent no terminator, which
    /// [`start_rm`] does not let through).
    pub(crate) fn gpu_name(&self) -> &CStr {
        CStr::from_bytes_until_nul(&self.gpu_name).unwrap_or(c"")
    }
}

/// Size of the PCI configuration space mirror in BAR0.
const CONFIG_MIRROR_SIZE: u32 = 0x1000;

fn system_info(pdev: &pci::Device<device::Bound>, chip: &Chip) -> Result<SetSystemInfo> {
    Ok(SetSystemInfo {
        bar0: pdev.resource_start(0)?,
        bar1: pdev.resource_start(1)?,
        bar3: pdev.resource_start(3)?,
        bdf: pdev.dev_id(),
        vendor: pdev.vendor_id().as_raw(),
        device: pdev.device_id(),
        subsystem_vendor: pdev.subsystem_vendor_id(),
        subsystem_device: pdev.subsystem_device_id(),
        revision: pdev.revision_id(),
        config_mirror_base: chip.hal().pci_config_mirror(),
        config_mirror_size: CONFIG_MIRROR_SIZE,
    })
}

/// Waits for `GSP_INIT_DONE` on `w`, running the CPU sequencer when
/// GSP-RM asks for it; other messages go to their handlers meanwhile.
fn wait_init_done(
    dev: &device::Device,
    bar: &Bar0<'_>,
    queues: &GspQueues,
    w: &Waiter,
    seq: &dyn SequencerOps,
) -> Result {
    use cmdq::Message;
    loop {
        let timeout = Delta::from_secs(INIT_DONE_TIMEOUT_S);
        let msg = queues.wait(w, timeout).inspect_err(|e| {
            if *e == ETIMEDOUT {
                dev_err!(
                    dev,
                    "GSP-RM: no GSP_INIT_DONE, nothing heard for {} s\n",
                    INIT_DONE_TIMEOUT_S
                );
            }
        })?;
        if msg.header.function == GspInitDone::FUNCTION {
            return GspInitDone::decode(msg.payload()).map(|_| ());
        }
        sequencer::run(dev, bar, msg.payload(), seq)?;
        // A GSP falcon reset in the sequence masked SWGEN0 again.
        Falcon::gsp(bar).swgen0_enable()?;
        dev_dbg!(dev, "GSP-RM: CPU sequencer done\n");
    }
}

/// Step 8: everything after the RISC-V core is active, up to and including
/// `GET_GSP_STATIC_INFO` and its log line.
pub(crate) fn start_rm(
    pdev: &pci::Device<device::Bound>,
    bar: &Bar0<'_>,
    chip: &'static Chip,
    queues: &GspQueues,
    seq: &dyn SequencerOps,
) -> Result<GspStaticInfo> {
    let dev: &device::Device = pdev.as_ref();
    Falcon::gsp(bar)
        .swgen0_enable()
        .inspect_err(|e| dev_err!(dev, "GSP-RM: unmask the GSP interrupt: {:?}\n", e))?;
    start_rm_steps(pdev, bar, chip, queues, seq).inspect_err(|_| {
        let _ = Falcon::gsp(bar).swgen0_disable();
    })
}

fn start_rm_steps(
    pdev: &pci::Device<device::Bound>,
    bar: &Bar0<'_>,
    chip: &'static Chip,
    queues: &GspQueues,
    seq: &dyn SequencerOps,
) -> Result<GspStaticInfo> {
    let dev: &device::Device = pdev.as_ref();
    let info = system_info(pdev, chip)
        .inspect_err(|e| dev_err!(dev, "GSP-RM: read PCI resources: {:?}\n", e))?;
    // GSP-RM answers neither of the two commands below; what comes back
    // is the sequencer and GSP_INIT_DONE, claimed before anything is sent.
    let w = queues.waiter(function::GSP_INIT_DONE, function::GSP_RUN_CPU_SEQUENCER)?;
    let res = queues
        .send(bar, &info)
        .inspect_err(|e| dev_err!(dev, "GSP-RM: send GSP_SET_SYSTEM_INFO: {:?}\n", e))
        .and_then(|()| {
            queues
                .send(bar, &SetRegistry)
                .inspect_err(|e| dev_err!(dev, "GSP-RM: send SET_REGISTRY: {:?}\n", e))
        })
        .and_then(|()| {
            wait_init_done(dev, bar, queues, &w, seq)
                .inspect_err(|e| dev_err!(dev, "GSP-RM: wait for GSP_INIT_DONE: {:?}\n", e))
        });
    queues.forget(w);
    res?;
    let reply = queues
        .rpc(bar, &GetGspStaticInfo)
        .inspect_err(|e| dev_err!(dev, "GSP-RM: GET_GSP_STATIC_INFO: {:?}\n", e))?;
    let info = GspStaticInfo {
        gpu_name: reply.gpu_name,
        vram_size: reply.usable_fb,
        fb_regions: reply.regions,
        fb_region_count: reply.region_count,
        internal: (reply.internal_client, reply.internal_subdevice),
        bar1_root: reply.bar1_root,
    };
    dev_info!(
        dev,
        "GSP-RM: GPU name: {}, VRAM {} MiB\n",
        info.gpu_name().to_str().unwrap_or("(not UTF-8)"),
        info.vram_size >> 20
    );
    Ok(info)
}

/// Step 9, RPC part: `UNLOADING_GUEST_DRIVER`, then waits for GSP MAILBOX0
/// bit 31 (processor suspended). Masks the GSP interrupt and detaches the
/// queues from its thread either way, and logs how the messages arrived.
pub(crate) fn stop_rm(
    pdev: &pci::Device<device::Bound>,
    bar: &Bar0<'_>,
    queues: &GspQueues,
    irq: &GspIrq<'_>,
) -> Result {
    let res = stop_rm_steps(pdev, bar, queues);
    let _ = Falcon::gsp(bar).swgen0_disable();
    irq.detach();
    queues.log_stats(irq.irqs());
    res
}

fn stop_rm_steps(pdev: &pci::Device<device::Bound>, bar: &Bar0<'_>, queues: &GspQueues) -> Result {
    let dev: &device::Device = pdev.as_ref();
    queues
        .rpc(bar, &UnloadingGuestDriver)
        .inspect_err(|e| dev_err!(dev, "GSP-RM: UNLOADING_GUEST_DRIVER: {:?}\n", e))?;
    read_poll_timeout(
        || Ok(Falcon::gsp(bar).rm_suspended()),
        |&suspended| suspended,
        Delta::from_micros(100),
        SUSPEND_TIMEOUT,
    )
    .inspect_err(|e| dev_err!(dev, "GSP-RM: wait for suspension: {:?}\n", e))?;
    dev_dbg!(dev, "GSP-RM: suspended\n");
    Ok(())
}
