//! Fault injection (`--fault KIND[:always]`, `--fault-boots N`).
//!
//! A fault applies to the first GSP boot only by default, so that a
//! driver's later probe (a rebind, a retry) finds a healthy GPU again;
//! `KIND:always` applies it to every boot and `--fault-boots N` to the
//! first `N`. A GSP boot is counted each time `booter_load` starts
//! GSP-RM, and on FSP chips (Hopper, Blackwell) each time the FSP receives
//! a COT. Device removal (`remove-at=STEP`) is for good: once the device
//! is gone, BAR reads return all ones and DMA stops until nvsim exits.
//!
//! The FSP faults (FSP chips only, `crate::fsp`): `fsp-no-boot` (the FSP
//! never completes its secure boot: the boot-complete scratch reads 0, not
//! 0xff; no COT is ever sent then, so no boot is counted: its extent is
//! time, the first 10 s after the first read of the scratch, enough for a
//! driver's 5 s poll to give up and a later bind to find the boot
//! complete; with `:always` for ever), `cot-reject` (the FSP refuses the
//! COT with a non-zero errorCode, GSP-RM is not started) and `fmc-hang`
//! (the FSP accepts the COT but the FMC never starts GSP-RM: the GSP's
//! lockdown stays engaged, the RISC-V core inactive).

use std::fmt;

/// Where the device disappears for [`FaultKind::RemoveAt`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// When the driver starts FWSEC on the GSP falcon.
    Fwsec,
    /// When `booter_load` starts on SEC2.
    BooterLoad,
    /// When GSP-RM would send GSP_INIT_DONE.
    InitDone,
    /// When GSP-RM receives GET_GSP_STATIC_INFO.
    StaticInfo,
    /// When the driver rings a channel's doorbell (work in flight).
    Doorbell,
}

impl Step {
    const ALL: [(&'static str, Step); 5] = [
        ("fwsec", Step::Fwsec),
        ("booter-load", Step::BooterLoad),
        ("init-done", Step::InitDone),
        ("static-info", Step::StaticInfo),
        ("doorbell", Step::Doorbell),
    ];

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, s)| *s == self)
            .map_or("?", |(n, _)| n)
    }
}

/// One kind of fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// `booter_load` succeeds but the GSP RISC-V core never becomes active.
    GspInactive,
    /// GSP-RM never sends GSP_INIT_DONE.
    NoInitDone,
    /// GSP-RM's reply to GET_GSP_STATIC_INFO is truncated (its RPC length
    /// covers 256 bytes of the 0x678-byte structure).
    BadReply,
    /// The first message GSP-RM sends in a boot carries a wrong checksum.
    BadChecksum,
    /// The device disappears at a step.
    RemoveAt(Step),
    /// Every copy-engine transfer faults on its destination (an MMU fault
    /// as for an unmapped page): the channel stops, GSP-RM reports it.
    MmuFault,
    /// The copy engine never completes a LAUNCH_DMA: the channel waits
    /// at it for ever, GP_GET stays, no semaphore, no event.
    CeHang,
    /// The FSP never completes its secure boot: the boot-complete scratch
    /// reads 0 (for 10 s from the first read of it, or for ever with
    /// `:always`).
    FspNoBoot,
    /// The FSP refuses the COT (non-zero errorCode); GSP-RM is not
    /// started.
    CotReject,
    /// The FSP accepts the COT but the FMC never starts GSP-RM: the GSP
    /// lockdown is never released, the RISC-V core never active.
    FmcHang,
}

impl fmt::Display for FaultKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FaultKind::GspInactive => write!(f, "gsp-inactive"),
            FaultKind::NoInitDone => write!(f, "no-init-done"),
            FaultKind::BadReply => write!(f, "bad-reply"),
            FaultKind::BadChecksum => write!(f, "bad-checksum"),
            FaultKind::RemoveAt(s) => write!(f, "remove-at={}", s.name()),
            FaultKind::MmuFault => write!(f, "mmu-fault"),
            FaultKind::CeHang => write!(f, "ce-hang"),
            FaultKind::FspNoBoot => write!(f, "fsp-no-boot"),
            FaultKind::CotReject => write!(f, "cot-reject"),
            FaultKind::FmcHang => write!(f, "fmc-hang"),
        }
    }
}

/// A fault and the boots it applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fault {
    /// What goes wrong.
    pub kind: FaultKind,
    /// Applies to every boot.
    pub always: bool,
}

impl Fault {
    /// Parses `KIND[:always]`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let (kind, always) = match s.strip_suffix(":always") {
            Some(k) => (k, true),
            None => (s, false),
        };
        let kind = match kind {
            "gsp-inactive" => FaultKind::GspInactive,
            "no-init-done" => FaultKind::NoInitDone,
            "bad-reply" => FaultKind::BadReply,
            "bad-checksum" => FaultKind::BadChecksum,
            "mmu-fault" => FaultKind::MmuFault,
            "ce-hang" => FaultKind::CeHang,
            "fsp-no-boot" => FaultKind::FspNoBoot,
            "cot-reject" => FaultKind::CotReject,
            "fmc-hang" => FaultKind::FmcHang,
            k => match k.strip_prefix("remove-at=") {
                Some(step) => FaultKind::RemoveAt(
                    Step::ALL
                        .iter()
                        .find(|(n, _)| *n == step)
                        .map(|(_, s)| *s)
                        .ok_or_else(|| {
                            let names: Vec<&str> = Step::ALL.iter().map(|(n, _)| *n).collect();
                            format!(
                                "--fault remove-at: unknown step {step:?} (known: {})",
                                names.join(", ")
                            )
                        })?,
                ),
                None => {
                    return Err(format!(
                        "--fault: unknown kind {k:?} (known: gsp-inactive, no-init-done, \
                         bad-reply, bad-checksum, mmu-fault, ce-hang, fsp-no-boot, cot-reject, \
                         fmc-hang, remove-at=STEP)"
                    ))
                }
            },
        };
        Ok(Self { kind, always })
    }
}

/// The faults of a run and the boot counter they depend on.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    faults: Vec<Fault>,
    /// Number of first boots a fault without `:always` applies to.
    boots: u32,
    /// GSP boots started so far.
    booted: u32,
}

impl Faults {
    /// No faults.
    pub fn none() -> Self {
        Self::new(Vec::new(), 1)
    }

    /// `faults`, each (unless `:always`) for the first `boots` boots.
    pub fn new(faults: Vec<Fault>, boots: u32) -> Self {
        Self {
            faults,
            boots,
            booted: 0,
        }
    }

    /// Counts a new GSP boot (`booter_load` starting GSP-RM).
    pub fn boot_started(&mut self) {
        self.booted = self.booted.saturating_add(1);
    }

    /// The 1-based number of the current GSP boot (0 before the first).
    pub fn boot(&self) -> u32 {
        self.booted
    }

    /// Whether `kind` applies to the current boot. Before the first boot
    /// (FWSEC, booter_load) the first boot's faults apply.
    pub fn active(&self, kind: FaultKind) -> bool {
        let n = self.booted.max(1);
        self.faults
            .iter()
            .any(|f| f.kind == kind && (f.always || n <= self.boots))
    }

    /// Whether `kind` is configured with `:always`.
    pub fn always(&self, kind: FaultKind) -> bool {
        self.faults.iter().any(|f| f.kind == kind && f.always)
    }

    /// Whether any fault is configured.
    pub fn is_empty(&self) -> bool {
        self.faults.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_kinds() {
        assert_eq!(
            Fault::parse("bad-reply").map(|f| (f.kind, f.always)),
            Ok((FaultKind::BadReply, false))
        );
        assert_eq!(
            Fault::parse("remove-at=static-info:always").map(|f| (f.kind, f.always)),
            Ok((FaultKind::RemoveAt(Step::StaticInfo), true))
        );
        assert!(Fault::parse("remove-at=nowhere").is_err());
        assert_eq!(
            Fault::parse("remove-at=doorbell").map(|f| f.kind),
            Ok(FaultKind::RemoveAt(Step::Doorbell))
        );
        assert_eq!(
            Fault::parse("ce-hang").map(|f| f.kind),
            Ok(FaultKind::CeHang)
        );
        assert_eq!(
            Fault::parse("mmu-fault").map(|f| f.kind),
            Ok(FaultKind::MmuFault)
        );
        for (s, k) in [
            ("fsp-no-boot", FaultKind::FspNoBoot),
            ("cot-reject", FaultKind::CotReject),
            ("fmc-hang", FaultKind::FmcHang),
        ] {
            let f = Fault::parse(s).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!((f.kind, f.kind.to_string()), (k, s.to_string()));
        }
        let a = Faults::new(
            vec![Fault::parse("fsp-no-boot:always").unwrap_or_else(|e| panic!("{e}"))],
            1,
        );
        assert!(a.always(FaultKind::FspNoBoot) && !a.always(FaultKind::CotReject));
        assert!(Fault::parse("explode").is_err());
    }

    #[test]
    fn first_boot_only_by_default() {
        let mut f = Faults::new(
            vec![Fault::parse("no-init-done").unwrap_or_else(|e| panic!("{e}"))],
            1,
        );
        assert!(f.active(FaultKind::NoInitDone), "before the first boot");
        f.boot_started();
        assert!(f.active(FaultKind::NoInitDone));
        f.boot_started();
        assert!(!f.active(FaultKind::NoInitDone));
        let mut a = Faults::new(
            vec![Fault::parse("no-init-done:always").unwrap_or_else(|e| panic!("{e}"))],
            1,
        );
        for _ in 0..3 {
            a.boot_started();
            assert!(a.active(FaultKind::NoInitDone));
        }
        let mut two = Faults::new(
            vec![Fault::parse("bad-reply").unwrap_or_else(|e| panic!("{e}"))],
            2,
        );
        two.boot_started();
        two.boot_started();
        assert!(two.active(FaultKind::BadReply));
        two.boot_started();
        assert!(!two.active(FaultKind::BadReply));
    }
}
