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
    intx_asserted: bool,
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

    /// Raises the interrupt: one MSI message, or asserts INTx.
    pub fn raise(&self) {
        let mut s = self.lock();
        if let Some(msi) = &s.msi {
            if let Err(e) = signal(msi) {
                self.trace
                    .log(format!("irq: MSI eventfd write failed: {e}"));
            }
            s.msi_sent += 1;
            self.trace.trace(|| "irq: MSI".to_string());
            return;
        }
        s.intx_asserted = true;
        self.fire_intx(&mut s);
    }

    /// Deasserts INTx (no effect on MSI, which is edge-like).
    pub fn lower(&self) {
        self.lock().intx_asserted = false;
    }

    fn fire_intx(&self, s: &mut State) {
        if !s.intx_asserted || s.intx_masked || s.intx_disabled {
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
                VFIO_PCI_MSI_IRQ_INDEX => s.msi = fd,
                VFIO_PCI_ERR_IRQ_INDEX => s.err = fd,
                VFIO_PCI_REQ_IRQ_INDEX => s.req = fd,
                _ => {
                    s.intx = fd;
                    s.intx_masked = false;
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
