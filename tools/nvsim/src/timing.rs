//! How long each boot step takes on the simulated GPU.
//!
//! nvsim acts out what the firmware does when the driver triggers it; by
//! default (`--timing fast`) every step completes as soon as nvsim has
//! done its part, so host tests and VM runs are as quick as the host
//! allows. That makes a driver's timeouts and a benchmark's numbers easy
//! to tune to the simulator instead of the hardware. `--timing real`
//! gives each step a duration close to what real boards show, and
//! `--delay STEP=DURATION` sets one step (either profile).
//!
//! What a duration delays ([`Step`]):
//!
//! * a falcon program (FWSEC-FRTS, FWSEC-SB, `booter_load`,
//!   `booter_unload`): the falcon stays running (CPUCTL.HALTED clear, no
//!   HALT interrupt) until the duration has passed since STARTCPU; the
//!   time nvsim spent acting the program out counts towards it. Its other
//!   effects (mailboxes, WPR2, GSP-RM started) are in place at once, as a
//!   driver reads them only after the halt; the GSP RISC-V core started
//!   by `booter_load` becomes active only when SEC2 halts;
//! * GSP-RM (`gsp-init`, `gsp-resume`, `rpc`, `gsp-unload`): the message
//!   appears in the status queue (and SWGEN0 is raised) only when the
//!   duration has passed since the command or event that caused it: the
//!   CPU sequencer and the boot events before it after the second init
//!   command, GSP_INIT_DONE and the events before it after SEC2 resumed
//!   GSP-RM, each RPC reply after its command; after
//!   UNLOADING_GUEST_DRIVER, the processor-suspended bit and the RISC-V
//!   core stopping;
//! * the FSP (`fsp-cot`, `fmc-boot`; Hopper, Blackwell): the FSP's reply
//!   to a COT appears in its message queue (MSGQ_HEAD/TAIL) `fsp-cot`
//!   after the QUEUE_HEAD write; the FMC releases the GSP's lockdown and
//!   the RISC-V core becomes active `fmc-boot` after that. GSP_INIT_DONE
//!   and its events come `gsp-init` + `gsp-resume` after the second init
//!   command (no CPU sequencer on these chips);
//! * a channel's work (`engine`): channels always run on the engine
//!   thread, never inside the doorbell write (`fifo/engine.rs`); each
//!   GPFIFO entry is a job that completes this long after the host takes
//!   it up (its copies, semaphores, interrupts and GP_GET take effect
//!   then), the next entry of the channel starting after it, so that a
//!   driver sees its fences complete later than its submission. With 0 a
//!   channel's entries run as soon as the thread is woken.
//!
//! The `real` profile. No public log gives the timestamps of each step of
//! a GSP-RM 570.144 boot, so these are estimates, kept in one place to be
//! corrected when measurements appear: FWSEC and the booters are HS
//! ucodes that finish "in milliseconds" on real hardware (issue #18:
//! booter_load), against 72 ms nvsim took in a VM; GSP-RM's own
//! initialisation (RM init on the GSP RISC-V core, then state load after
//! the SEC2-RTOS resume) is the bulk of a GSP boot, a fraction of a
//! second; the FSP's COT check (a signature over the 200 KB FMC image) and
//! the FMC's run (WPR2 set-up and the check of the 60 MB GSP-RM image)
//! tens and a hundred milliseconds; an RPC round trip is tens of
//! microseconds; a small copy's
//! submission-to-completion tens of microseconds (nvsim's estimate).

use std::fmt;
use std::time::Duration;

/// A step of the boot whose duration is modelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// FWSEC running the FRTS command.
    FwsecFrts,
    /// FWSEC running the SB command.
    FwsecSb,
    /// `booter_load` on SEC2.
    BooterLoad,
    /// `booter_unload` on SEC2.
    BooterUnload,
    /// GSP-RM from the driver's init commands to the CPU sequencer.
    GspInit,
    /// GSP-RM from the SEC2-RTOS resume to GSP_INIT_DONE.
    GspResume,
    /// GSP-RM answering an RPC.
    Rpc,
    /// GSP-RM from UNLOADING_GUEST_DRIVER to suspended.
    GspUnload,
    /// The FSP from the COT to its reply.
    FspCot,
    /// The FMC from the FSP's reply to the lockdown release (GSP-RM
    /// started, RISC-V active).
    FmcBoot,
    /// One GPFIFO entry of a channel, from the host taking it up to its
    /// completion.
    Engine,
}

/// Every step, in boot order.
pub const STEPS: [Step; 11] = [
    Step::FspCot,
    Step::FmcBoot,
    Step::FwsecFrts,
    Step::FwsecSb,
    Step::BooterLoad,
    Step::BooterUnload,
    Step::GspInit,
    Step::GspResume,
    Step::Rpc,
    Step::GspUnload,
    Step::Engine,
];

impl Step {
    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Step::FwsecFrts => "fwsec-frts",
            Step::FwsecSb => "fwsec-sb",
            Step::BooterLoad => "booter-load",
            Step::BooterUnload => "booter-unload",
            Step::GspInit => "gsp-init",
            Step::GspResume => "gsp-resume",
            Step::Rpc => "rpc",
            Step::GspUnload => "gsp-unload",
            Step::FspCot => "fsp-cot",
            Step::FmcBoot => "fmc-boot",
            Step::Engine => "engine",
        }
    }

    fn index(self) -> usize {
        STEPS.iter().position(|s| *s == self).unwrap_or(0)
    }

    /// The duration in the `real` profile (see the module documentation).
    fn real(self) -> Duration {
        match self {
            Step::FwsecFrts => Duration::from_millis(5),
            Step::FwsecSb => Duration::from_millis(5),
            Step::BooterLoad => Duration::from_millis(5),
            Step::BooterUnload => Duration::from_millis(2),
            Step::GspInit => Duration::from_millis(50),
            Step::GspResume => Duration::from_millis(200),
            Step::Rpc => Duration::from_micros(50),
            Step::GspUnload => Duration::from_millis(10),
            Step::FspCot => Duration::from_millis(20),
            Step::FmcBoot => Duration::from_millis(100),
            Step::Engine => Duration::from_micros(20),
        }
    }
}

/// The duration of every step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    delays: [Duration; STEPS.len()],
}

impl Default for Timing {
    fn default() -> Self {
        Self::fast()
    }
}

impl Timing {
    /// Every step completes at once (the default).
    pub fn fast() -> Self {
        Self {
            delays: [Duration::ZERO; STEPS.len()],
        }
    }

    /// Durations close to real hardware.
    pub fn real() -> Self {
        let mut t = Self::fast();
        for s in STEPS {
            t.set(s, s.real());
        }
        t
    }

    /// The profile called `name` (`fast` or `real`).
    pub fn profile(name: &str) -> Result<Self, String> {
        match name {
            "fast" => Ok(Self::fast()),
            "real" => Ok(Self::real()),
            _ => Err(format!("unknown timing profile {name:?} (fast, real)")),
        }
    }

    /// The duration of `step`.
    pub fn get(&self, step: Step) -> Duration {
        self.delays[step.index()]
    }

    /// Sets the duration of `step`.
    pub fn set(&mut self, step: Step, d: Duration) {
        self.delays[step.index()] = d;
    }

    /// Whether every step completes at once.
    pub fn is_fast(&self) -> bool {
        self.delays.iter().all(Duration::is_zero)
    }

    /// Applies `STEP=DURATION` (as `--delay` takes it).
    pub fn apply(&mut self, spec: &str) -> Result<(), String> {
        let (name, d) = spec
            .split_once('=')
            .ok_or_else(|| format!("--delay {spec:?}: expected STEP=DURATION"))?;
        let step = STEPS
            .into_iter()
            .find(|s| s.name() == name)
            .ok_or_else(|| {
                let names: Vec<&str> = STEPS.iter().map(|s| s.name()).collect();
                format!("--delay: unknown step {name:?} ({})", names.join(", "))
            })?;
        self.set(step, parse_duration(d)?);
        Ok(())
    }
}

impl fmt::Display for Timing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = STEPS
            .iter()
            .map(|s| format!("{}={:?}", s.name(), self.get(*s)))
            .collect();
        f.write_str(&parts.join(" "))
    }
}

/// Parses `0`, `250us`, `5ms`, `2s` (an integer and a unit).
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    if s == "0" {
        return Ok(Duration::ZERO);
    }
    let split = s
        .find(|c: char| !c.is_ascii_digit())
        .ok_or_else(|| format!("duration {s:?} needs a unit (us, ms, s)"))?;
    let (digits, unit) = s.split_at(split);
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("not a duration: {s:?}"))?;
    let d = match unit {
        "us" => Duration::from_micros(n),
        "ms" => Duration::from_millis(n),
        "s" => Duration::from_secs(n),
        _ => return Err(format!("unknown unit in {s:?} (us, ms, s)")),
    };
    if d > Duration::from_secs(60) {
        return Err(format!("duration {s:?} longer than 60 s"));
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_and_overrides() {
        assert!(Timing::fast().is_fast());
        let real = Timing::real();
        assert!(!real.is_fast());
        assert_eq!(real.get(Step::BooterLoad), Duration::from_millis(5));
        assert!(real.get(Step::GspResume) > real.get(Step::GspInit));
        let mut t = Timing::profile("fast").unwrap_or_default();
        assert_eq!(t.apply("rpc=250us"), Ok(()));
        assert_eq!(t.get(Step::Rpc), Duration::from_micros(250));
        assert!(!t.is_fast());
        assert_eq!(t.apply("booter-load=0"), Ok(()));
        assert!(t.apply("nope=1ms").is_err());
        assert!(t.apply("rpc").is_err());
        assert!(Timing::profile("slow").is_err());
        assert!(t.to_string().contains("rpc=250"));
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("5ms"), Ok(Duration::from_millis(5)));
        assert_eq!(parse_duration("2s"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
        assert!(parse_duration("5").is_err());
        assert!(parse_duration("ms").is_err());
        assert!(parse_duration("5min").is_err());
        assert!(parse_duration("61s").is_err());
    }
}
