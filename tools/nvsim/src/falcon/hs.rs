//! What happens when the host starts a falcon.
//!
//! nvsim does not execute falcon code. When the CPU is started, the loaded
//! IMEM/DMEM is offered to the programs the falcon knows ([`Program`]:
//! FWSEC on the GSP, the booters on SEC2); the one that recognises the
//! image acts out its effects and says whether the falcon halts. Code no
//! program recognises leaves the falcon running (as real code would that
//! never finishes), with a log line saying so; a falcon started with
//! nothing loaded since its reset halts at once.

use std::time::Duration;

use super::Cpu;
use crate::bar0::Bus;

/// How a started falcon ends up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The program finished; the CPU is halted.
    Halted,
    /// The CPU keeps running.
    Running,
}

/// A ucode nvsim recognises and acts out.
pub trait Program: Send {
    /// Short name for the log.
    fn name(&self) -> &str;
    /// Called when the falcon starts. Returns `None` if the loaded image is
    /// not this program, else what the falcon does.
    fn start(&mut self, cpu: &mut Cpu, bus: &mut Bus<'_>) -> Option<Outcome>;
    /// How long the run [`Program::start`] just acted out takes on the
    /// hardware (`timing.rs`): a falcon that halts stays running until
    /// then.
    fn busy_for(&self) -> Duration {
        Duration::ZERO
    }
}

/// Starts `cpu`: offers the loaded image to `programs`. Returns what the
/// falcon does and how long the program that ran takes.
pub fn start(
    cpu: &mut Cpu,
    bus: &mut Bus<'_>,
    programs: &mut [Box<dyn Program>],
) -> (Outcome, Duration) {
    let name = cpu.engine.name();
    bus.trace.trace(|| {
        format!(
            "falcon {name}: start at BOOTVEC {:#x}, mailbox0 {:#x}, mailbox1 {:#x}",
            cpu.bootvec, cpu.mailbox[0], cpu.mailbox[1]
        )
    });
    if !cpu.mem.imem_loaded() {
        bus.trace.log(format!(
            "falcon {name}: started with nothing loaded in IMEM since its reset; halts at once"
        ));
        return (Outcome::Halted, Duration::ZERO);
    }
    for p in programs.iter_mut() {
        if let Some(outcome) = p.start(cpu, bus) {
            return (outcome, p.busy_for());
        }
    }
    let entry = cpu.mem.read_virtual(cpu.bootvec, 4);
    let what = match entry {
        Some((w, secure)) => format!(
            "first word {:#010x}{}",
            u32::from_le_bytes([w[0], w[1], w[2], w[3]]),
            if secure.first() == Some(&true) {
                ", secure"
            } else {
                ""
            }
        ),
        None => "no IMEM block tagged for it".to_string(),
    };
    bus.trace.log(format!(
        "falcon {name}: started at BOOTVEC {:#x} ({what}) on an image nvsim does not \
         recognise; nvsim does not execute falcon code, so the falcon stays running",
        cpu.bootvec
    ));
    (Outcome::Running, Duration::ZERO)
}
