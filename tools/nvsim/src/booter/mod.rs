//! The booters on SEC2: recognising `booter_load`/`booter_unload` (the
//! real files of the build root's `firmware-nvidia-graphics`) once a driver
//! loaded them, checking the signature it patched in, and acting out what
//! they do as far as nvsim models it.
//!
//! How a driver loads them (nova-core `firmware/booter.rs`, nouveau
//! `nvkm/falcon/fw.c`): the first application's code as secure IMEM tagged
//! from its image offset, the OS data at DMEM 0 with the signature the
//! fuses select patched at `patch_loc - os_data_offset`; Turing and GA100
//! also load the OS code as non-secure IMEM and boot there, later chips
//! boot at the application and program the BROM (`falcon/brom.rs`).
//!
//! `booter_load` is started with the bus address of the GSP-RM WPR
//! metadata (`GspFwWprMeta`, r570) in MAILBOX0/1; nvsim reads and checks
//! it (`wpr.rs`), then verifies the GSP-RM image the metadata maps through
//! radix3 page tables and the GSP bootloader against the real files
//! (`gsp.rs`), and starts the GSP-RM model ([`crate::gsprm`]): the GSP
//! RISC-V core becomes active. `booter_unload` removes WPR2 and returns the
//! GSP-RM model to its power-on state.
//!
//! MAILBOX0 on failure: [`crate::fwsec::BROM_ERROR`] if the image was not
//! accepted, [`NO_SYSMEM_FLUSH`] if no sysmem flush page is registered
//! (`regs.rs`; both booters), [`BAD_WPR_META`] if the metadata is wrong,
//! [`BAD_GSP_IMAGE`] if the GSP-RM image or bootloader does not verify
//! (nvsim's values); the RISC-V core then stays inactive, and a refused
//! `booter_unload` leaves WPR2 and GSP-RM as they were.

pub mod gsp;
pub mod image;
pub mod wpr;

use std::path::Path;
use std::time::{Duration, Instant};

use crate::bar0::Bus;
use crate::chip::FalconGen;
use crate::falcon::hs::{Outcome, Program};
use crate::falcon::{Cpu, Engine};
use crate::fault::Step;
use crate::fwsec::BROM_ERROR;
use crate::gsprm::{self, Shared};
use crate::regs::{NV_PFB_PRI_MMU_WPR2_ADDR_HI, NV_PFB_PRI_MMU_WPR2_ADDR_LO};
use crate::timing::{Step as TimingStep, Timing};
use image::BooterImage;

/// MAILBOX0 after `booter_load` refused the WPR metadata (nvsim's value).
pub const BAD_WPR_META: u32 = 0xb0_07e1;
/// MAILBOX0 after `booter_load` refused the GSP-RM image or bootloader
/// (nvsim's value).
pub const BAD_GSP_IMAGE: u32 = 0xb0_07e2;
/// MAILBOX0 after a booter refused to run without a sysmem flush page
/// (nvsim's value).
pub const NO_SYSMEM_FLUSH: u32 = 0xb0_07e3;

/// Which booter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `booter_load`.
    Load,
    /// `booter_unload`.
    Unload,
}

impl Kind {
    fn file(self) -> &'static str {
        match self {
            Kind::Load => "booter_load",
            Kind::Unload => "booter_unload",
        }
    }
}

/// One booter program.
pub struct Booter {
    kind: Kind,
    image: Result<BooterImage, String>,
    fb_end: u64,
    reported: bool,
    files: gsp::GspFiles,
    rm: Shared,
    run_time: Duration,
    busy: Duration,
    sets_wpr2: bool,
}

impl Booter {
    /// The booter `kind` of `chip`, read from the firmware directory `dir`,
    /// starting (`booter_load`) or resetting (`booter_unload`) `rm`, on a
    /// GPU whose usable framebuffer ends at `fb_end`; a run takes the time
    /// `timing` gives it.
    pub fn new(
        kind: Kind,
        dir: &Path,
        chip: &str,
        fb_end: u64,
        rm: Shared,
        timing: &Timing,
    ) -> Self {
        let step = match kind {
            Kind::Load => TimingStep::BooterLoad,
            Kind::Unload => TimingStep::BooterUnload,
        };
        let files = gsp::GspFiles::new(dir, chip);
        if kind == Kind::Load {
            files.prefetch();
        }
        Self {
            kind,
            image: BooterImage::load(dir, chip, kind.file()),
            fb_end,
            reported: false,
            files,
            rm,
            run_time: timing.get(step),
            busy: Duration::ZERO,
            sets_wpr2: false,
        }
    }

    /// The same booter, which sets WPR2 up itself when the driver gives an
    /// empty FRTS region (GA100, `wpr.rs`).
    pub fn setting_up_wpr2(mut self, yes: bool) -> Self {
        self.sets_wpr2 = yes;
        self
    }

    /// `booter_load` after the signature checks: the WPR metadata, the
    /// GSP-RM image and bootloader, then GSP-RM starts. Returns MAILBOX0.
    fn load(&mut self, bus: &mut Bus<'_>, addr: u64, started: Instant) -> u32 {
        let meta = match wpr::check(bus, addr, self.fb_end, self.sets_wpr2) {
            Ok(m) => m,
            Err(e) => {
                bus.trace
                    .log(format!("booter_load: WPR metadata at {addr:#x}: {e}"));
                return BAD_WPR_META;
            }
        };
        bus.trace.log(format!("booter_load: {}", meta.summary));
        let image = self
            .files
            .verify_image(bus.dma, meta.radix3, meta.image_size)
            .and_then(|a| {
                let (bl, bl_size) = meta.bootloader;
                self.files
                    .verify_bootloader(bus.dma, bl, bl_size, meta.bl_offsets)
                    .map(|b| format!("{a}; {b}"))
            });
        match image {
            Ok(s) => bus.trace.log(format!("booter_load: {s}")),
            Err(e) => {
                bus.trace.log(format!(
                    "booter_load: {e}; GSP-RM is not started, the RISC-V core stays inactive"
                ));
                return BAD_GSP_IMAGE;
            }
        }
        if let Some((lo, hi)) = meta.wpr2 {
            bus.regs.set_hw(NV_PFB_PRI_MMU_WPR2_ADDR_LO, lo);
            bus.regs.set_hw(NV_PFB_PRI_MMU_WPR2_ADDR_HI, hi);
            bus.trace.log(format!(
                "booter_load: empty FRTS region: WPR2 set up by booter_load (LO {lo:#x}, HI {hi:#x})"
            ));
        }
        // The RISC-V core becomes active when booter_load is done.
        let active_from = (!self.run_time.is_zero()).then(|| started + self.run_time);
        gsprm::lock(&self.rm).start(bus, meta.rsvd_start, active_from);
        0
    }

    /// Checks the loaded image; `Err` says why the falcon refuses it.
    fn check(img: &BooterImage, cpu: &Cpu, bus: &Bus<'_>) -> Result<(), String> {
        let (app_off, app_size) = img.app0;
        let (_, secure) = cpu
            .mem
            .read_virtual(app_off, app_size as usize)
            .ok_or("application code incomplete")?;
        if secure.contains(&false) {
            return Err("application code loaded as non-secure IMEM".into());
        }
        let pre_ga102 = cpu.gen == FalconGen::Tu102;
        let entry = if pre_ga102 { img.os_code.0 } else { app_off };
        if pre_ga102 {
            let (off, size) = img.os_code;
            let want = img.part(off, size).ok_or("OS code outside the image")?;
            match cpu.mem.read_virtual(off, size as usize) {
                Some((c, s)) if c == want && !s.contains(&true) => {}
                _ => return Err("OS code missing or not non-secure IMEM".into()),
            }
        }
        if cpu.bootvec != entry {
            return Err(format!(
                "BOOTVEC {:#x} is not the booter's entry {entry:#x}",
                cpu.bootvec
            ));
        }
        let sig_at = img
            .sig_dmem_offset()
            .ok_or("patch location before the data")?;
        let version = if pre_ga102 {
            let fuse = bus
                .regs
                .read(
                    Engine::Sec2
                        .fuse_base()
                        .wrapping_add(img.ucode_id.saturating_sub(1).wrapping_mul(4)),
                )
                .unwrap_or(0)
                & 0xffff;
            32 - fuse.leading_zeros()
        } else {
            let v = cpu
                .brom
                .verify(bus, Engine::Sec2.brom_bit(), Engine::Sec2.fuse_base())?;
            if v.sig_offset != sig_at {
                return Err(format!(
                    "BROM_PARAADDR {:#x} is not the signature's DMEM offset {sig_at:#x}",
                    v.sig_offset
                ));
            }
            if cpu.brom.ucode_id != img.ucode_id {
                return Err(format!(
                    "BROM_CURR_UCODE_ID {} is not the booter's ucode id {}",
                    cpu.brom.ucode_id, img.ucode_id
                ));
            }
            v.fuse_version
        };
        let want = img
            .signature_for(version)
            .ok_or_else(|| format!("no signature for fuse version {version}"))?;
        let (data_off, data_size) = img.os_data;
        let data = img
            .part(data_off, data_size)
            .ok_or("OS data outside the image")?;
        let dmem = cpu
            .mem
            .dmem
            .get(..data.len())
            .ok_or("DMEM smaller than the OS data")?;
        let s = sig_at as usize;
        let got = dmem
            .get(s..s + want.len())
            .ok_or("signature outside DMEM")?;
        if got != want {
            let other = img.sigs.iter().position(|x| x.as_slice() == got);
            return Err(match other {
                Some(i) => {
                    format!("DMEM {s:#x} holds signature {i}; fuse version {version} needs another")
                }
                None => format!("the signature at DMEM {s:#x} does not verify"),
            });
        }
        let patched = s..s + want.len();
        if let Some(o) = (0..data.len()).find(|o| !patched.contains(o) && dmem[*o] != data[*o]) {
            return Err(format!("DMEM differs from the image's OS data at {o:#x}"));
        }
        Ok(())
    }
}

impl Program for Booter {
    fn name(&self) -> &str {
        self.kind.file()
    }

    fn busy_for(&self) -> Duration {
        self.busy
    }

    fn start(&mut self, cpu: &mut Cpu, bus: &mut Bus<'_>) -> Option<Outcome> {
        let name = self.kind.file();
        self.busy = Duration::ZERO;
        let img = match &self.image {
            Ok(img) => img,
            Err(e) => {
                if !self.reported {
                    self.reported = true;
                    bus.trace.log(format!("{name}: cannot recognise it: {e}"));
                }
                return None;
            }
        };
        let (off, size) = img.app0;
        let want = img.part(off, size)?;
        match cpu.mem.read_virtual(off, size as usize) {
            Some((code, _)) if code == want => {}
            _ => return None,
        }
        if self.kind == Kind::Load && gsprm::lock(&self.rm).remove_at(bus, Step::BooterLoad) {
            return Some(Outcome::Running);
        }
        if let Err(e) = Self::check(img, cpu, bus) {
            bus.trace.log(format!("{name}: boot ROM refused it: {e}"));
            cpu.mailbox[0] = BROM_ERROR;
            return Some(Outcome::Halted);
        }
        bus.trace
            .trace(|| format!("{name}: image recognised, signature ok"));
        if let Some(why) = bus.regs.sysmem_flush_missing(cpu.arch) {
            let what = match self.kind {
                Kind::Load => "GSP-RM is not started, the RISC-V core stays inactive",
                Kind::Unload => "WPR2 and GSP-RM stay as they are",
            };
            bus.trace.log(format!("{name} refused: {why}; {what}"));
            cpu.mailbox[0] = NO_SYSMEM_FLUSH;
            return Some(Outcome::Halted);
        }
        cpu.mailbox[0] = match self.kind {
            Kind::Load => {
                let addr = u64::from(cpu.mailbox[0]) | (u64::from(cpu.mailbox[1]) << 32);
                self.load(bus, addr, cpu.started)
            }
            Kind::Unload => {
                bus.regs.set_hw(NV_PFB_PRI_MMU_WPR2_ADDR_LO, 0);
                bus.regs.set_hw(NV_PFB_PRI_MMU_WPR2_ADDR_HI, 0);
                gsprm::lock(&self.rm).unloaded(bus);
                bus.trace.log("booter_unload: WPR2 removed");
                0
            }
        };
        self.busy = self.run_time;
        Some(Outcome::Halted)
    }
}
