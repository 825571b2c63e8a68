// SPDX-License-Identifier: GPL-2.0

//! The GSP interrupt: GSP-RM raises SWGEN0 on the GSP falcon each time it
//! writes a message to the status queue; once [`crate::falcon::Falcon`]
//! routed and unmasked it, it reaches the host as the GPU's PCI interrupt
//! (one vector: MSI, or a shared INTx line).
//!
//! [`GspIrq`] owns the vector and a threaded handler: the hard handler
//! acknowledges SWGEN0 (if nova enabled it) and wakes the thread, which
//! drains the status queue of the attached [`GspQueues`], delivering
//! replies to their callers and events to their handlers.
//!
//! Locking: the hard handler takes no lock but the interrupt counter's
//! spinlock; the thread takes the attachment mutex, then the queues'
//! receive lock (through [`GspQueues::drain`]). Detaching takes the
//! attachment mutex alone.

use core::ptr::NonNull;

use kernel::{
    device::Bound,
    irq::{
        self,
        IrqRequest,
        IrqReturn,
        ThreadedIrqReturn, //
    },
    new_mutex, new_spinlock_irq,
    pci::{
        self,
        IrqType,
        IrqTypes,
        IrqVectorRegistration, //
    },
    prelude::*,
    sync::{
        Arc,
        Mutex,
        SpinLockIrq, //
    },
};

use super::cmdq::{
    DrainBy,
    GspQueues, //
};
use crate::{
    falcon::Falcon,
    fifo::intr::{
        Engines,
        Tree,
        Vectors, //
    },
    gpu::Bar0, //
};

/// What the hard handler and the thread share: the interrupt count and
/// the queues the thread drains.
#[pin_data]
pub(crate) struct RxWake {
    /// SWGEN0 interrupts taken so far.
    #[pin]
    irqs: SpinLockIrq<u64>,
    /// The queues to drain, while GSP-RM runs.
    #[pin]
    queues: Mutex<Option<Arc<GspQueues>>>,
}

impl RxWake {
    /// Nothing attached, no interrupt taken yet.
    pub(crate) fn new() -> impl PinInit<Self> {
        pin_init!(Self {
            irqs <- new_spinlock_irq!(0, "nova_gsp_irqs"),
            queues <- new_mutex!(None, "nova_gsp_queues"),
        })
    }

    /// The number of interrupts taken so far.
    pub(crate) fn irqs(&self) -> u64 {
        *self.irqs.lock()
    }
}

/// The interrupt handler: acknowledges the GSP falcon's SWGEN0 and wakes
/// the thread, which drains the queues. Anything else on a shared line is
/// not nova's.
struct Handler<'a> {
    bar: Arc<Bar0<'a>>,
    wake: Arc<RxWake>,
    engines: Arc<Engines>,
}

impl irq::ThreadedHandler for Handler<'_> {
    fn handle(&self) -> ThreadedIrqReturn {
        // The GSP's interrupt is a level source of its leaf: acknowledge it
        // in the falcon first, so that clearing the leaf sticks.
        let gsp = Falcon::gsp(&self.bar).swgen0_ack();
        let pending = Tree(&self.bar).take();
        if !pending.is_empty() {
            // A nonstall vector (or one nova cannot tell apart): look for
            // finished jobs. Never allocates or sleeps.
            self.engines.retire_all();
        }
        if gsp {
            let mut irqs = self.wake.irqs.lock();
            *irqs = irqs.wrapping_add(1);
            ThreadedIrqReturn::WakeThread
        } else if !pending.is_empty() {
            ThreadedIrqReturn::Handled
        } else {
            ThreadedIrqReturn::None
        }
    }

    fn handle_threaded(&self) -> IrqReturn {
        if let Some(queues) = self.wake.queues.lock().as_ref() {
            queues.drain(DrainBy::Interrupt);
        }
        IrqReturn::Handled
    }
}

/// The vector allocation, on the heap so that its address does not move.
///
/// # Invariants
///
/// `0` comes from [`KBox::into_raw`] and is freed only by [`Drop`].
struct IrqVectors<'a>(NonNull<IrqVectorRegistration<'a>>);

// SAFETY: `IrqVectors` owns the allocation like a `KBox` does, and
// `IrqVectorRegistration` (a device reference and a count) is `Send`.
unsafe impl Send for IrqVectors<'_> {}
// SAFETY: `IrqVectors` gives out no access to the allocation after `GspIrq::new`.
unsafe impl Sync for IrqVectors<'_> {}

impl Drop for IrqVectors<'_> {
    fn drop(&mut self) {
        // SAFETY: by the type invariant the pointer came from `KBox::into_raw` and is freed
        // only here, once.
        drop(unsafe { KBox::from_raw(self.0.as_ptr()) });
    }
}

/// The GSP interrupt of a bound GPU: one PCI vector and its handler.
///
/// `irq::Registration` borrows the vector allocation
/// (`IrqVector<'a>` holds `&'a IrqVectorRegistration<'a>`), and both must
/// live in the per-device data. The allocation is therefore kept behind a
/// raw pointer in [`IrqVectors`] and the registration is made against a
/// reference to it.
///
/// # Invariants
///
/// `reg` is declared before `vectors`, so it is dropped first: `free_irq`
/// (which waits for a running handler) happens before
/// `pci_free_irq_vectors`, and nothing derived from the reference to the
/// allocation outlives it. No field is ever moved out or forgotten.
pub(crate) struct GspIrq<'a> {
    reg: Pin<KBox<irq::ThreadedRegistration<'a, Handler<'a>>>>,
    /// Only kept to be freed after `reg`.
    _vectors: IrqVectors<'a>,
    wake: Arc<RxWake>,
    engines: Arc<Engines>,
}

impl<'a> GspIrq<'a> {
    /// Allocates one vector of `pdev` (MSI if possible, else INTx) and
    /// registers the GSP interrupt handler on it. SWGEN0 stays masked until
    /// [`Falcon::swgen0_enable`].
    pub(crate) fn new(pdev: &'a pci::Device<Bound>, bar: &Arc<Bar0<'a>>) -> Result<Self> {
        let wake = Arc::pin_init(RxWake::new(), GFP_KERNEL)?;
        let engines = Arc::pin_init(Engines::new()?, GFP_KERNEL)?;
        let vecs = pdev
            .alloc_irq_vectors(
                1,
                1,
                IrqTypes::default().with(IrqType::Msi).with(IrqType::Intx),
            )
            .inspect_err(|e| dev_err!(pdev, "GSP interrupt: allocate a vector: {:?}\n", e))?;
        let ptr = KBox::into_raw(KBox::new(vecs, GFP_KERNEL)?);
        // SAFETY: `KBox::into_raw` never returns null.
        let vectors = IrqVectors(unsafe { NonNull::new_unchecked(ptr) });
        // SAFETY: the allocation stays valid and unmoved until `vectors` is dropped, and it is
        // only read through shared references. The reference is used here only to resolve
        // vector 0; the resulting `IrqRequest` (an interrupt number) goes into the
        // registration, which `GspIrq`'s invariant drops before `vectors` (also when this
        // function fails: the registration is a later local, dropped first).
        let vref: &'a IrqVectorRegistration<'a> = unsafe { &*vectors.0.as_ptr() };
        let vector = vref
            .index(0)
            .inspect_err(|e| dev_err!(pdev, "GSP interrupt: look up vector 0: {:?}\n", e))?;
        let kind = vector.irq_type();
        let request = IrqRequest::from(vector);
        let irq = request.irq();
        let handler = Ok::<_, Error>(Handler {
            bar: bar.clone(),
            wake: wake.clone(),
            engines: engines.clone(),
        });
        // SAFETY: the registration is stored in `GspIrq` and dropped with it, never forgotten.
        let init = unsafe {
            irq::ThreadedRegistration::new(request, irq::Flags::SHARED, c"nova", handler)
        };
        let reg = KBox::pin_init(init, GFP_KERNEL)
            .inspect_err(|e| dev_err!(pdev, "GSP interrupt: request IRQ {}: {:?}\n", irq, e))?;
        dev_dbg!(pdev, "GSP interrupt: IRQ {} ({:?})\n", irq, kind);
        // Until GSP-RM names its vectors, every one may interrupt (see
        // `crate::fifo::intr`).
        let tree = Tree(bar);
        tree.allow_only(&Vectors::ALL);
        tree.arm(true);
        Ok(Self {
            reg,
            _vectors: vectors,
            wake,
            engines,
        })
    }

    /// Has the interrupt thread drain `queues` from now on.
    pub(crate) fn attach(&self, queues: Arc<GspQueues>) {
        queues.set_irq_driven(true);
        *self.wake.queues.lock() = Some(queues);
    }

    /// Stops the thread draining the queues (callers poll again) and waits
    /// for a running handler to finish. Called after SWGEN0 was masked,
    /// before the GSP memory goes.
    pub(crate) fn detach(&self) {
        let queues = self.wake.queues.lock().take();
        if let Some(q) = &queues {
            q.set_irq_driven(false);
        }
        self.reg.synchronize();
        drop(queues);
    }

    /// The channels the handler serves.
    pub(crate) fn engines(&self) -> &Arc<Engines> {
        &self.engines
    }

    /// The number of SWGEN0 interrupts taken so far.
    pub(crate) fn irqs(&self) -> u64 {
        self.wake.irqs()
    }
}
