//! Interrupt delivery: the eventfds QEMU hands over with SET_IRQS, and the
//! [`IrqLine`] handle models use to interrupt the guest.
//!
//! vfio semantics (Linux `include/uapi/linux/vfio.h`, vfio-user protocol):
//! * index 0 is INTx, index 1 MSI, index 3 ERR (the device reports an
//!   unrecoverable error), index 4 REQ (the device asks to be released);
//!   MSI-X is not offered;
//! * ACTION_TRIGGER with DATA_EVENTFD installs the eventfds signalled on an
//!   interrupt, ACTION_TRIGGER with DATA_NONE and count 0 removes them;
//! * INTx is level-triggered and automasked: signalling it masks it until
//!   the client sends ACTION_UNMASK (after the guest's EOI), and an
//!   interrupt still asserted at unmask time is signalled again.
//!
//! MSI is preferred when the guest enabled it (QEMU installs its eventfd
//! only then); otherwise INTx is used, unless the guest set the command
//! register's INTx-disable bit.
//!
//! The device's interrupt is a level ([`IrqLine::set_level`]): the VFN
//! CPU interrupt tree ([`crate::intr`]) asserts it while a pending and
//! enabled leaf bit sits under an enabled top bit, and deasserts it as soon
//! as none does. INTx follows the level (PCI INTx is level-sensitive, PCI
//! Local Bus 3.0, 2.2.6: the line is deasserted when the device has
//! nothing pending); MSI, an in-band write, sends one message on each
//! rising edge (PCI Local Bus 3.0, 6.8: a function that uses MSI signals
//! an interrupt by a memory write, it has no level to hold), so a driver
//! that disables and re-enables the tree around its handler with
//! something still pending gets a new message.

use std::fs::File;
use std::io::{self, Write};
use std::sync::{Arc, Mutex};

use vfio_bindings::bindings::vfio::{
    VFIO_IRQ_SET_ACTION_MASK, VFIO_IRQ_SET_ACTION_TRIGGER, VFIO_IRQ_SET_ACTION_UNMASK,
    VFIO_IRQ_SET_DATA_EVENTFD, VFIO_IRQ_SET_DATA_NONE, VFIO_PCI_ERR_IRQ_INDEX,
    VFIO_PCI_INTX_IRQ_INDEX, VFIO_PCI_MSI_IRQ_INDEX, VFIO_PCI_REQ_IRQ_INDEX,
};

use crate::trace::Trace;

#[derive(Default)]
struct State {
    intx: Option<File>,
    intx_masked: bool,
    /// The device asserts its interrupt.
    level: bool,
    intx_disabled: bool,
    msi: Option<File>,
    err: Option<File>,
    req: Option<File>,
    msi_sent: u64,
    intx_sent: u64,
}

/// A handle that raises and lowers the device's interrupt. Clone it into
/// any model (or thread) that needs to interrupt the guest.
#[derive(Clone)]
pub struct IrqLine {
    state: Arc<Mutex<State>>,
    trace: Trace,
}

fn signal(fd: &File) -> io::Result<()> {
    let mut f = fd;
    f.write_all(&1u64.to_ne_bytes())
}

impl IrqLine {
    /// A line with no eventfds installed yet.
    pub fn new(trace: Trace) -> Self {
        Self {
            state: Arc::new(Mutex::new(State::default())),
            trace,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Sets the level of the device's interrupt: on a rising edge one MSI
    /// message, or INTx asserted; when lowered INTx is deasserted. Setting
    /// the level it already has does nothing.
    pub fn set_level(&self, on: bool) {
        let mut s = self.lock();
        if s.level == on {
            return;
        }
        s.level = on;
        if !on {
            self.trace.trace(|| "irq: deasserted".to_string());
            return;
        }
        self.edge(&mut s);
    }

    /// Whether the device asserts its interrupt.
    pub fn asserted(&self) -> bool {
        self.lock().level
    }

    /// Raises the interrupt whatever its level: one MSI message, or INTx
    /// asserted (the client's loopback trigger, SET_IRQS with DATA_NONE).
    pub fn raise(&self) {
        let mut s = self.lock();
        s.level = true;
        self.edge(&mut s);
    }

    /// Deasserts the interrupt (INTx; MSI has no level to drop).
    pub fn lower(&self) {
        self.set_level(false);
    }

    /// A rising edge: an MSI message if MSI is on, else INTx.
    fn edge(&self, s: &mut State) {
        if let Some(msi) = &s.msi {
            if let Err(e) = signal(msi) {
                self.trace
                    .log(format!("irq: MSI eventfd write failed: {e}"));
            }
            s.msi_sent += 1;
            self.trace.trace(|| "irq: MSI".to_string());
            return;
        }
        self.fire_intx(s);
    }

    fn fire_intx(&self, s: &mut State) {
        if !s.level || s.msi.is_some() || s.intx_masked || s.intx_disabled {
            return;
        }
        if let Some(fd) = &s.intx {
            if let Err(e) = signal(fd) {
                self.trace
                    .log(format!("irq: INTx eventfd write failed: {e}"));
            }
            s.intx_masked = true;
            s.intx_sent += 1;
            self.trace.trace(|| "irq: INTx asserted".to_string());
        }
    }

    /// Signals the ERR interrupt: the device hit an unrecoverable error
    /// (fault injection). Returns whether the client had installed it.
    pub fn signal_error(&self) -> bool {
        self.signal_side_channel(|s| s.err.as_ref(), "ERR")
    }

    /// Signals the REQ interrupt: the device asks the guest to release it
    /// (fault injection: device removal). Returns whether it was installed.
    pub fn signal_request(&self) -> bool {
        self.signal_side_channel(|s| s.req.as_ref(), "REQ")
    }

    fn signal_side_channel(&self, pick: impl Fn(&State) -> Option<&File>, what: &str) -> bool {
        let s = self.lock();
        let Some(fd) = pick(&s) else {
            return false;
        };
        if let Err(e) = signal(fd) {
            self.trace
                .log(format!("irq: {what} eventfd write failed: {e}"));
        }
        self.trace.log(format!("irq: {what} signalled"));
        true
    }

    /// Tracks the PCI command register's INTx-disable bit.
    pub fn set_intx_disabled(&self, disabled: bool) {
        let mut s = self.lock();
        s.intx_disabled = disabled;
        if !disabled {
            self.fire_intx(&mut s);
        }
    }

    /// Number of MSI and INTx signals sent so far.
    pub fn counts(&self) -> (u64, u64) {
        let s = self.lock();
        (s.msi_sent, s.intx_sent)
    }

    /// Whether an MSI eventfd is installed.
    pub fn msi_enabled(&self) -> bool {
        self.lock().msi.is_some()
    }

    /// Drops all eventfds and state (device reset).
    pub fn reset(&self) {
        *self.lock() = State::default();
    }

    /// Handles a SET_IRQS request.
    pub fn set_irqs(
        &self,
        index: u32,
        flags: u32,
        start: u32,
        count: u32,
        mut fds: Vec<File>,
    ) -> io::Result<()> {
        self.trace.trace(|| {
            format!(
                "irq: SET_IRQS index {index} flags {flags:#x} start {start} count {count} fds {}",
                fds.len()
            )
        });
        let bad = |what: &str| {
            self.trace.log(format!("irq: SET_IRQS refused: {what}"));
            Err(io::Error::from_raw_os_error(libc::EINVAL))
        };
        if ![
            VFIO_PCI_INTX_IRQ_INDEX,
            VFIO_PCI_MSI_IRQ_INDEX,
            VFIO_PCI_ERR_IRQ_INDEX,
            VFIO_PCI_REQ_IRQ_INDEX,
        ]
        .contains(&index)
        {
            return bad("no such interrupt");
        }
        if start != 0 || count > 1 {
            return bad("a single vector only");
        }
        let eventfd = flags & VFIO_IRQ_SET_DATA_EVENTFD != 0;
        let none = flags & VFIO_IRQ_SET_DATA_NONE != 0;
        let mut s = self.lock();
        if flags & VFIO_IRQ_SET_ACTION_TRIGGER != 0 {
            let fd = if eventfd && count == 1 {
                fds.pop()
            } else {
                None
            };
            if eventfd && count == 1 && fd.is_none() {
                return bad("eventfd missing");
            }
            match index {
                VFIO_PCI_MSI_IRQ_INDEX => {
                    s.msi = fd;
                    // Back on INTx with the interrupt still asserted.
                    self.fire_intx(&mut s);
                }
                VFIO_PCI_ERR_IRQ_INDEX => s.err = fd,
                VFIO_PCI_REQ_IRQ_INDEX => s.req = fd,
                _ => {
                    s.intx = fd;
                    s.intx_masked = false;
                    self.fire_intx(&mut s);
                }
            }
            if none && count == 1 && index <= VFIO_PCI_MSI_IRQ_INDEX {
                // Loopback trigger requested by the client.
                drop(s);
                self.raise();
            }
            return Ok(());
        }
        if index != VFIO_PCI_INTX_IRQ_INDEX {
            return bad("mask/unmask applies to INTx only");
        }
        if flags & VFIO_IRQ_SET_ACTION_MASK != 0 {
            s.intx_masked = true;
        } else if flags & VFIO_IRQ_SET_ACTION_UNMASK != 0 {
            if eventfd {
                self.trace
                    .log("irq: INTx unmask eventfd (resampler) not supported; unmasking now");
            }
            s.intx_masked = false;
            self.fire_intx(&mut s);
        }
        Ok(())
    }
}
