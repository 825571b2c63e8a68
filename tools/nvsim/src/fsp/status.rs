//! The FSP's secure-boot completion scratch, `NV_THERM_I2CS_SCRATCH`
//! (0x0200bc on GH100 and GB10x, 0x00ad00bc on GB20x): 0xff once the FSP
//! finished its boot, which it has at power-on in nvsim (the register
//! itself is a plain one, `regs.rs`; nova-core `regs.rs`,
//! `fsp/hal/{gh100,gb100,gb202}.rs`, polled for 5 s, docs/fsp-facts.md
//! section 1.3).
//!
//! This model only stands in front of it for the `fsp-no-boot` fault
//! (`fault.rs`): the FSP never completes its secure boot, the scratch
//! reads 0. No COT is sent while it does, so the fault cannot end at a
//! boot count: it lasts 10 s from the first read of the scratch (a
//! driver's 5 s poll gives up; a bind after that finds the boot complete),
//! or for ever with `fsp-no-boot:always`. The 10 s survive a device reset.

use std::ops::Range;
use std::time::{Duration, Instant};

use crate::bar0::{Bar0Model, Bus};
use crate::fault::FaultKind;
use crate::gsprm::{self, Shared};

/// How long `fsp-no-boot` (without `:always`) lasts from the first read.
pub const NO_BOOT_FOR: Duration = Duration::from_secs(10);

/// The scratch register under the `fsp-no-boot` fault.
pub struct BootStatus {
    offset: u32,
    rm: Shared,
    window: Duration,
    /// The fault ends then (set at the first read).
    until: Option<Instant>,
    logged: bool,
    ended_logged: bool,
}

impl BootStatus {
    /// The scratch at `offset`, faults read from `rm`.
    pub fn new(offset: u32, rm: Shared) -> Self {
        Self {
            offset,
            rm,
            window: NO_BOOT_FOR,
            until: None,
            logged: false,
            ended_logged: false,
        }
    }
}

impl BootStatus {
    /// The same with the fault lasting `window` instead of
    /// [`NO_BOOT_FOR`] (for tests, which add it over the GPU's own:
    /// `Gpu::add_model`).
    pub fn with_window(mut self, window: Duration) -> Self {
        self.window = window;
        self
    }
}

impl Bar0Model for BootStatus {
    fn name(&self) -> &str {
        "FSP boot status"
    }

    fn range(&self) -> Range<u32> {
        self.offset..self.offset + 4
    }

    fn read32(&mut self, bus: &mut Bus<'_>, _offset: u32) -> Option<u32> {
        let (active, always) = {
            let g = gsprm::lock(&self.rm);
            let f = g.faults();
            (
                f.active(FaultKind::FspNoBoot),
                f.always(FaultKind::FspNoBoot),
            )
        };
        if !active {
            return None;
        }
        let now = Instant::now();
        let until = *self.until.get_or_insert(now + self.window);
        if always || now < until {
            if !self.logged {
                self.logged = true;
                bus.trace.log(format!(
                    "fault fsp-no-boot: the FSP never completes its secure boot: \
                     NV_THERM_I2CS_SCRATCH ({:#x}) reads 0, not 0xff{}",
                    self.offset,
                    if always {
                        " (for ever)".to_string()
                    } else {
                        format!(" (for {:?} from this first read)", self.window)
                    }
                ));
            }
            return Some(0);
        }
        if !self.ended_logged {
            self.ended_logged = true;
            bus.trace.log(format!(
                "fault fsp-no-boot: over ({:?} since the first read): NV_THERM_I2CS_SCRATCH \
                 reads 0xff, the FSP's boot is complete",
                self.window
            ));
        }
        None
    }

    fn write32(&mut self, _bus: &mut Bus<'_>, _offset: u32, _value: u32) -> bool {
        false
    }

    fn reg_name(&self, _offset: u32) -> Option<String> {
        Some("NV_THERM_I2CS_SCRATCH".into())
    }
}
