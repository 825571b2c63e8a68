// SPDX-License-Identifier: GPL-2.0

//! debugfs: the module's `nova/` directory and, per bound device,
//! `nova/<pci name>/` with
//!
//! - `boot_step`: the GSP boot step reached (`gsp-rm-running` once GSP-RM
//!   answered), or the step that failed (`<step> failed`) while a failing
//!   probe unwinds;
//! - `loginit`, `logintr`, `logrm` where GSP-RM runs: its three log buffers
//!   as it wrote them (put pointer, page addresses, then the encoded
//!   entries), the file names and layout nova-core uses, so that its
//!   decoders read them.
//!
//! The device directory goes with the device's data, at unbind or when a
//! probe fails; the files hold a reference to the buffers, so those are
//! never freed while a file exists, and debugfs refuses reads of a file
//! that was removed while open.

use kernel::{
    debugfs::{
        Dir,
        File, //
    },
    dma::Coherent,
    prelude::*,
    sync::{
        atomic::{
            Atomic,
            Relaxed, //
        },
        Arc, //
    },
};

use crate::{
    boot::Gsp,
    gsp::libos::Log, //
};

kernel::sync::global_lock! {
    // `Root::create` initialises it at module init, before the PCI driver
    // is registered.
    unsafe(uninit) static ROOT: Mutex<Option<Dir<crate::LocalModule>>> = None;
}

/// The module's `nova/` directory, in [`ROOT`] from module init until this
/// handle is dropped at module exit (after the PCI driver, and with it
/// every device directory, is gone).
pub(crate) struct Root(());

impl Root {
    /// Creates `nova/` at the debugfs root. Called once, by module init.
    pub(crate) fn create() -> Self {
        // SAFETY: module init, the only caller, runs once per load of the
        // module (whose statics are fresh at each load), and before it
        // registers the PCI driver, the only user of `ROOT`; so `ROOT` is
        // initialised exactly once and before any other use.
        unsafe { ROOT.init() };
        // Owned by this module: an open file pins it, so `rmmod` waits
        // for (refuses while) any of its debugfs files is open.
        *ROOT.lock() = Some(Dir::for_module(c"nova"));
        Self(())
    }
}

impl Drop for Root {
    fn drop(&mut self) {
        // Taken out under the lock, removed once the guard is released.
        let dir = ROOT.lock().take();
        drop(dir);
    }
}

/// The GSP boot steps `boot_step` names, in boot order.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u8)]
pub(crate) enum Step {
    /// The device was found; the GSP boot has not started.
    Probe,
    /// Step 1: waiting for the GFW boot.
    GfwBoot,
    /// Step 2: loading and checking the firmware files.
    Firmware,
    /// Step 3: reading the VBIOS (FWSEC), booter_unload.
    Vbios,
    /// Step 4: the framebuffer layout.
    FbLayout,
    /// Step 5: GSP-RM, the WPR metadata, libos and queues in host memory.
    GspMemory,
    /// Step 6: FWSEC-FRTS (and removing a stale WPR2 first).
    FwsecFrts,
    /// Step 7: the GSP falcon, booter_load, the RISC-V core.
    BooterLoad,
    /// Step 8: the first RPCs, up to the static information.
    GspRmInit,
    /// GSP-RM answered; the boot is done.
    GspRmRunning,
    /// FSP chips, step 1: waiting for the FSP's secure boot.
    FspBoot,
    /// FSP chips, step 6: the Chain-of-Trust exchange with the FSP.
    FspCot,
    /// FSP chips, step 7: the FMC starting GSP-RM.
    FmcBoot,
}

impl Step {
    const ALL: [Step; 13] = [
        Step::Probe,
        Step::GfwBoot,
        Step::Firmware,
        Step::Vbios,
        Step::FbLayout,
        Step::GspMemory,
        Step::FwsecFrts,
        Step::BooterLoad,
        Step::GspRmInit,
        Step::GspRmRunning,
        Step::FspBoot,
        Step::FspCot,
        Step::FmcBoot,
    ];

    /// The name `boot_step` shows.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Step::Probe => "probe",
            Step::GfwBoot => "gfw-boot",
            Step::Firmware => "firmware",
            Step::Vbios => "vbios",
            Step::FbLayout => "fb-layout",
            Step::GspMemory => "gsp-memory",
            Step::FwsecFrts => "fwsec-frts",
            Step::BooterLoad => "booter-load",
            Step::GspRmInit => "gsp-rm-init",
            Step::GspRmRunning => "gsp-rm-running",
            Step::FspBoot => "fsp-boot",
            Step::FspCot => "fsp-cot",
            Step::FmcBoot => "fmc-boot",
        }
    }
}

/// Bit of [`BootStep`]'s value set when its step failed.
const FAILED: u32 = 0x80;

/// The step the GSP boot reached, written by the boot as it proceeds and
/// read by `boot_step`.
pub(crate) struct BootStep(Atomic<u32>);

impl BootStep {
    /// A boot at [`Step::Probe`].
    pub(crate) fn new() -> Self {
        Self(Atomic::new(Step::Probe as u32))
    }

    /// Records that the boot reached `step`.
    pub(crate) fn set(&self, step: Step) {
        self.0.store(step as u32, Relaxed);
    }

    /// Records that the step reached last failed.
    pub(crate) fn fail(&self) {
        // The probe is the only writer.
        self.0.store(self.0.load(Relaxed) | FAILED, Relaxed);
    }

    /// The step reached, and whether it failed.
    pub(crate) fn get(&self) -> (Step, bool) {
        let v = self.0.load(Relaxed);
        let step = Step::ALL
            .get((v & !FAILED) as usize)
            .copied()
            .unwrap_or(Step::Probe);
        (step, v & FAILED != 0)
    }
}

fn show_step(step: &BootStep, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
    match step.get() {
        (s, false) => writeln!(f, "{}", s.name()),
        (s, true) => writeln!(f, "{} failed", s.name()),
    }
}

/// A log buffer file.
type LogFile = Pin<KBox<File<Arc<Coherent<[u8]>>>>>;

/// `nova/<pci name>/` of one device and its files; dropping it removes
/// them.
pub(crate) struct DeviceDir {
    // Declared (and so dropped) before the directory.
    logs: KVec<LogFile>,
    step: Pin<KBox<File<BootStep>>>,
    dir: Dir<crate::LocalModule>,
}

impl DeviceDir {
    /// Creates `nova/<name>/` with `boot_step` at [`Step::Probe`].
    pub(crate) fn new(name: &CStr) -> Result<Self> {
        let dir = ROOT
            .lock()
            .as_ref()
            .map(|root| root.subdir(name))
            .ok_or(ENOENT)?;
        let step = KBox::pin_init(
            dir.read_callback_file(c"boot_step", BootStep::new(), &show_step),
            GFP_KERNEL,
        )?;
        Ok(Self {
            logs: KVec::new(),
            step,
            dir,
        })
    }

    /// The step `boot_step` shows.
    pub(crate) fn step(&self) -> &BootStep {
        &self.step
    }

    /// Adds `loginit`, `logintr` and `logrm` for GSP-RM `gsp`.
    pub(crate) fn add_logs(&mut self, gsp: &Gsp) -> Result {
        self.logs.reserve(Log::ALL.len(), GFP_KERNEL)?;
        for log in Log::ALL {
            let name = match log {
                Log::Init => c"loginit",
                Log::Intr => c"logintr",
                Log::Rm => c"logrm",
            };
            let file = KBox::pin_init(
                self.dir.read_binary_file(name, gsp.log_buffer(log).clone()),
                GFP_KERNEL,
            )?;
            self.logs.push(file, GFP_KERNEL)?;
        }
        Ok(())
    }
}
