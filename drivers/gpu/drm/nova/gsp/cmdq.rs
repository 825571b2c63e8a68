// SPDX-License-Identifier: GPL-2.0

//! The command and status queues shared with GSP-RM, the RM arguments that
//! tell GSP-RM where they are, and a typed API to send commands and receive
//! messages over them.
//!
//! Sending takes the send lock only while a command is written, so several
//! RPCs can be in flight. Receiving is apart from the callers: whoever
//! drains the status queue ([`GspQueues::drain`]) hands each message to
//! the caller waiting for its function (a [`Waiter`], registered before the
//! command is sent, so that no reply can arrive unclaimed), or else to the
//! event handler registered for it ([`super::events`]), which runs after
//! the receive lock is dropped. The GSP interrupt's thread drains the queue
//! ([`super::irq`]); a caller whose wait slice ([`WAIT_SLICE`]) ran out
//! drains it too, so a lost interrupt costs one slice, never a hang, and
//! without an interrupt callers poll every [`POLL_INTERVAL`]. Each message
//! is counted as found by the interrupt thread, by polling, or queued
//! behind another in the same drain ([`RxStats`]).

use kernel::{
    device,
    io::{
        poll::read_poll_timeout,
        register::Array,
        Io, //
    },
    new_condvar, new_mutex,
    prelude::*,
    sync::{
        aref::ARef,
        atomic::{
            Atomic,
            Relaxed, //
        },
        Arc,
        CondVar,
        CondVarTimeoutResult,
        Mutex, //
    },
    time::{
        delay::fsleep,
        msecs_to_jiffies,
        Delta,
        Instant,
        Monotonic, //
    },
    transmute::AsBytes,
};

use super::{
    events::{
        EventHandler,
        Handlers, //
    },
    fw::{
        function,
        GspArgumentsCached,
        MessageQueueInitArguments,
        MsgqTxHeader, //
    },
    queue::{
        self,
        ElemError,
        ElemHeader, //
    },
    regs::NV_PGSP_QUEUE_HEAD,
    ring::{
        self,
        Popped, //
    },
    shmem::SharedMem,
};
use crate::gpu::Bar0;

/// Size of the RM arguments buffer: one GSP page, as libos regions must be
/// whole pages on some chips.
const RM_ARGS_SIZE: usize = queue::PAGE;

/// How long to wait for room in the command queue.
const SEND_TIMEOUT: Delta = Delta::from_secs(1);
/// How long to wait for a message by default.
pub(crate) const RECEIVE_TIMEOUT: Delta = Delta::from_secs(5);
/// Sleep between two looks at the status queue without an interrupt.
const POLL_INTERVAL: Delta = Delta::from_micros(100);
/// Longest sleep waiting for the interrupt before looking at the status
/// queue anyway.
const WAIT_SLICE: Delta = Delta::from_millis(10);

/// First function number of the events GSP-RM sends unprompted.
pub(crate) const EVENT_BASE: u32 = function::FIRST_EVENT;

/// A command nova sends to GSP-RM.
pub(crate) trait Command {
    /// The `NV_VGPU_MSG_FUNCTION_*` number.
    const FUNCTION: u32;
    /// Name for log messages.
    const NAME: &'static str;
    /// What GSP-RM answers, or [`NoReply`].
    type Reply;

    /// Size of the payload after the RPC header.
    fn payload_len(&self) -> usize;

    /// Writes the payload into `dst`, which is zeroed and exactly
    /// [`Command::payload_len`] bytes long.
    fn encode(&self, dst: &mut [u8]) -> Result;
}

/// A message GSP-RM sends, as a reply or as an event.
pub(crate) trait Message: Sized {
    /// The function or event number.
    const FUNCTION: u32;
    /// Name for log messages.
    const NAME: &'static str;

    /// Decodes the payload. A payload too short or inconsistent is
    /// `EPROTO`.
    fn decode(payload: &[u8]) -> Result<Self>;
}

/// The reply type of commands GSP-RM does not answer.
pub(crate) struct NoReply;

/// A message received from the status queue, checked and copied out.
pub(crate) struct Received {
    /// Its headers.
    pub(crate) header: ElemHeader,
    /// The whole element; the payload starts at [`queue::PAYLOAD_OFFSET`].
    elem: KVec<u8>,
}

impl Received {
    /// The payload after the RPC header.
    pub(crate) fn payload(&self) -> &[u8] {
        self.elem.get(queue::PAYLOAD_OFFSET..).unwrap_or(&[])
    }
}

/// How the messages received so far were noticed.
#[derive(Default)]
pub(crate) struct RxStats {
    /// Messages found first by the interrupt thread's drain.
    pub(crate) by_interrupt: u64,
    /// Messages found first by a caller whose wait slice ran out (the
    /// interrupt was lost or late), or with no interrupt set up.
    pub(crate) by_polling: u64,
    /// Messages found behind another one in the same drain.
    pub(crate) queued: u64,
    /// Events no handler was registered for (logged, then dropped).
    pub(crate) unhandled_events: u64,
}

/// Who drains the status queue.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum DrainBy {
    /// The GSP interrupt's thread.
    Interrupt,
    /// A caller whose wait slice ran out, or that polls.
    Polling,
}

impl RxStats {
    /// Counts the `nth` message (from 0) of one drain by `by`.
    pub(crate) fn record(&mut self, by: DrainBy, nth: usize) {
        match (by, nth) {
            (_, 1..) => self.queued += 1,
            (DrainBy::Interrupt, 0) => self.by_interrupt += 1,
            (DrainBy::Polling, 0) => self.by_polling += 1,
        }
    }
}

/// Send-side state, under the send lock.
struct Tx {
    /// Sequence number of the next element nova sends.
    seq: u32,
    /// RPC sequence number of the next command that has a reply.
    rpc_seq: u32,
}

/// A caller's claim on the messages with one of its functions.
struct Slot {
    id: u64,
    functions: [u32; 2],
    msgs: KVec<Received>,
}

/// Receive-side state, under the receive lock.
struct Rx {
    /// Sequence number the next element GSP-RM sends must carry.
    seq: u32,
    /// The callers waiting for messages, oldest first.
    slots: KVec<Slot>,
    /// Id of the next [`Waiter`].
    next_id: u64,
    /// How the messages were noticed.
    stats: RxStats,
    /// The event handlers by function.
    handlers: Handlers,
    /// A malformed message was received: the queue is not trusted any more
    /// and every wait fails with this error.
    broken: Option<Error>,
}

/// The shared-memory command and message queues and the
/// `GSP_ARGUMENTS_CACHED` ("RMARGS") buffer, in DMA memory.
#[pin_data]
pub(crate) struct GspQueues {
    /// The shared memory: PTEs, command queue, status queue. The send lock
    /// covers the command queue's write side, the receive lock the status
    /// queue's read side.
    shmem: SharedMem,
    #[pin]
    tx: Mutex<Tx>,
    #[pin]
    rx: Mutex<Rx>,
    /// Signalled when a drain delivered messages.
    #[pin]
    delivered: CondVar,
    /// Whether the GSP interrupt's thread drains the queue (else callers
    /// poll).
    irq_driven: Atomic<bool>,
    /// The RM arguments.
    rm_args: SharedMem,
    /// The device, for log messages.
    dev: ARef<device::Device>,
}

/// A caller's registration for the messages with some functions; given
/// back with [`GspQueues::forget`].
pub(crate) struct Waiter {
    id: u64,
}

/// Writes the page table and the command queue's transmit header.
fn init_shmem(shmem: &SharedMem) -> Result {
    let base = shmem.dma_address();
    let mut ptes = KVec::with_capacity(queue::NUM_PTES, GFP_KERNEL)?;
    for i in 0..queue::NUM_PTES {
        let addr = base
            .checked_add((i * queue::PAGE) as u64)
            .ok_or(EOVERFLOW)?;
        ptes.push(addr, GFP_KERNEL)?;
    }
    shmem.write_bytes(0, <[u64] as AsBytes>::as_bytes(&ptes))?;
    let tx = MsgqTxHeader {
        version: 0,
        size: queue::QUEUE_SIZE as u32,
        msg_size: queue::PAGE as u32,
        msg_count: queue::QUEUE_ENTRIES,
        write_ptr: 0,
        // The queue may be written.
        flags: 1,
        rx_hdr_off: queue::RX_HDR_OFFSET as u32,
        entry_off: queue::ENTRY_OFFSET as u32,
    };
    shmem.write_bytes(queue::CMDQ_OFFSET, tx.as_bytes())
}

/// Writes `GSP_ARGUMENTS_CACHED` for queues at `shmem_addr`.
fn init_rm_args(rm_args: &SharedMem, shmem_addr: u64) -> Result {
    let args = GspArgumentsCached {
        message_queue_init_arguments: MessageQueueInitArguments {
            shared_mem_phys_addr: shmem_addr,
            page_table_entry_count: queue::NUM_PTES as u32,
            cmd_queue_offset: queue::CMDQ_OFFSET as u64,
            stat_queue_offset: queue::STATQ_OFFSET as u64,
            ..Zeroable::zeroed()
        },
        // srInitArguments stay zero: a cold boot, not a resume.
        // gpuInstance is zero.
        // GSP-RM runs with its stack in DMEM.
        b_dmem_stack: 1,
        // profilerArgs stay zero: no profiler buffer.
        ..Zeroable::zeroed()
    };
    rm_args.write_bytes(0, args.as_bytes())
}

impl GspQueues {
    /// Allocates and initialises the queues and the RM arguments for `dev`.
    /// Callers poll until [`GspQueues::set_irq_driven`].
    pub(crate) fn new(dev: &device::Device<device::Bound>) -> impl PinInit<Self, Error> + '_ {
        pin_init::pin_init_scope(move || {
            let shmem = SharedMem::new(dev, queue::SHMEM_SIZE)
                .inspect_err(|e| dev_err!(dev, "GSP queues: allocate shared memory: {:?}\n", e))?;
            init_shmem(&shmem)?;
            let rm_args = SharedMem::new(dev, RM_ARGS_SIZE)
                .inspect_err(|e| dev_err!(dev, "GSP queues: allocate RM arguments: {:?}\n", e))?;
            init_rm_args(&rm_args, shmem.dma_address())?;
            let d: &device::Device = dev;
            Ok(try_pin_init!(Self {
                shmem,
                tx <- new_mutex!(Tx { seq: 0, rpc_seq: 1 }),
                rx <- new_mutex!(Rx {
                    seq: 0,
                    slots: KVec::new(),
                    next_id: 0,
                    stats: RxStats::default(),
                    handlers: Handlers::new(),
                    broken: None,
                }),
                delivered <- new_condvar!("nova_gsp_delivered"),
                irq_driven: Atomic::new(false),
                rm_args,
                dev: d.into(),
            }))
        })
    }

    /// DMA address and size of the RM arguments, for the libos "RMARGS"
    /// region.
    pub(crate) fn rm_args(&self) -> (u64, u64) {
        (self.rm_args.dma_address(), self.rm_args.len() as u64)
    }

    /// Says whether the GSP interrupt's thread drains the queue from now
    /// on; if not, callers poll.
    pub(crate) fn set_irq_driven(&self, driven: bool) {
        self.irq_driven.store(driven, Relaxed);
    }

    /// Registers `handler` for the events with function `function`.
    pub(crate) fn on_event(&self, function: u32, handler: Arc<dyn EventHandler>) -> Result {
        self.rx.lock().handlers.add(function, handler)
    }

    /// Logs (at debug level) how the messages so far were noticed.
    pub(crate) fn log_stats(&self, irqs: u64) {
        let rx = self.rx.lock();
        dev_dbg!(
            self.dev,
            "GSP-RM: {} messages by interrupt, {} by polling, {} already queued ({} interrupts)\n",
            rx.stats.by_interrupt,
            rx.stats.by_polling,
            rx.stats.queued,
            irqs
        );
    }

    /// Registers the caller for the messages with function `first` or
    /// `second` (they may be equal), before it sends what they answer.
    pub(crate) fn waiter(&self, first: u32, second: u32) -> Result<Waiter> {
        let mut rx = self.rx.lock();
        let id = rx.next_id;
        rx.next_id = rx.next_id.wrapping_add(1);
        rx.slots.push(
            Slot {
                id,
                functions: [first, second],
                msgs: KVec::new(),
            },
            GFP_KERNEL,
        )?;
        Ok(Waiter { id })
    }

    /// Drops the registration `w`, and any message it did not take.
    pub(crate) fn forget(&self, w: Waiter) {
        let mut rx = self.rx.lock();
        if let Some(i) = rx.slots.iter().position(|s| s.id == w.id) {
            let slot = rx.slots.remove(i);
            drop(rx);
            for msg in slot.map(|s| s.msgs).into_iter().flatten() {
                dev_dbg!(
                    self.dev,
                    "GSP RPC: function {:#x} arrived after its caller gave up\n",
                    msg.header.function
                );
            }
        }
    }

    /// Waits up to `timeout` for the next message for `w`.
    pub(crate) fn wait(&self, w: &Waiter, timeout: Delta) -> Result<Received> {
        let start = Instant::<Monotonic>::now();
        let mut rx = self.rx.lock();
        loop {
            if let Some(e) = rx.broken {
                return Err(e);
            }
            let slot = rx.slots.iter_mut().find(|s| s.id == w.id).ok_or(EINVAL)?;
            if !slot.msgs.is_empty() {
                return Ok(slot.msgs.remove(0)?);
            }
            let elapsed = start.elapsed();
            if elapsed >= timeout {
                return Err(ETIMEDOUT);
            }
            let slice = if self.irq_driven.load(Relaxed) {
                WAIT_SLICE
            } else {
                POLL_INTERVAL
            };
            let slice = core::cmp::min(slice, timeout - elapsed);
            let jiffies =
                msecs_to_jiffies(u32::try_from(slice.as_millis_ceil().max(1)).unwrap_or(u32::MAX));
            let res = self.delivered.wait_interruptible_timeout(&mut rx, jiffies);
            if matches!(res, CondVarTimeoutResult::Woken { .. }) {
                continue;
            }
            if matches!(res, CondVarTimeoutResult::Signal { .. }) {
                // A pending signal would make every wait return at once.
                drop(rx);
                fsleep(POLL_INTERVAL);
                rx = self.rx.lock();
            }
            // Nothing was delivered in a whole slice: look ourselves.
            let events = self.drain_locked(&mut rx, DrainBy::Polling);
            drop(rx);
            self.run_events(events);
            rx = self.rx.lock();
        }
    }

    /// Takes every message in the status queue and delivers it: to the
    /// oldest waiter for its function, else to its event handler (run after
    /// the receive lock is dropped). Called by the interrupt thread.
    pub(crate) fn drain(&self, by: DrainBy) {
        let mut rx = self.rx.lock();
        let events = self.drain_locked(&mut rx, by);
        drop(rx);
        self.run_events(events);
    }

    /// Runs the handlers of `events`, outside the receive lock.
    fn run_events(&self, events: KVec<(Received, Option<Arc<dyn EventHandler>>)>) {
        for (msg, handler) in events {
            match handler {
                Some(h) => h.handle(&self.dev, msg.header.function, msg.payload()),
                None => log_unhandled(&self.dev, &msg),
            }
        }
    }

    /// The body of [`GspQueues::drain`]; returns the events to handle.
    fn drain_locked(
        &self,
        rx: &mut Rx,
        by: DrainBy,
    ) -> KVec<(Received, Option<Arc<dyn EventHandler>>)> {
        let mut events = KVec::new();
        let mut nth = 0;
        while rx.broken.is_none() {
            let msg = match self.pop(rx) {
                Ok(Some(msg)) => msg,
                Ok(None) => break,
                Err(e) => {
                    rx.broken = Some(e);
                    break;
                }
            };
            rx.stats.record(by, nth);
            nth += 1;
            let function = msg.header.function;
            if let Route::Waiter(i) = route(&rx.slots, function) {
                if let Some(slot) = rx.slots.get_mut(i) {
                    if slot.msgs.push(msg, GFP_KERNEL).is_err() {
                        rx.broken = Some(ENOMEM);
                    }
                }
                continue;
            }
            if function < EVENT_BASE && msg.header.rpc_result != 0 {
                dev_err!(
                    self.dev,
                    "GSP RPC: function {} failed in GSP-RM with status {:#x}, nobody waits for it\n",
                    function,
                    msg.header.rpc_result
                );
            }
            let handler = rx.handlers.get(function);
            if handler.is_none() {
                rx.stats.unhandled_events += 1;
            }
            if events.push((msg, handler), GFP_KERNEL).is_err() {
                dev_err!(self.dev, "GSP RPC: no memory to handle an event\n");
            }
        }
        self.delivered.notify_all();
        events
    }

    /// Sends `cmd`, whose reply (if GSP-RM sends one) nobody waits for.
    pub(crate) fn send<C: Command<Reply = NoReply>>(&self, bar: &Bar0<'_>, cmd: &C) -> Result {
        self.send_cmd(bar, cmd, 0)
    }

    /// Sends `cmd` and waits for its reply. Other RPCs may be in flight
    /// meanwhile; events that arrive go to their handlers.
    pub(crate) fn rpc<C>(&self, bar: &Bar0<'_>, cmd: &C) -> Result<C::Reply>
    where
        C: Command,
        C::Reply: Message,
    {
        let w = self.waiter(C::Reply::FUNCTION, C::Reply::FUNCTION)?;
        let res = self.rpc_with(bar, cmd, &w);
        self.forget(w);
        res
    }

    fn rpc_with<C>(&self, bar: &Bar0<'_>, cmd: &C, w: &Waiter) -> Result<C::Reply>
    where
        C: Command,
        C::Reply: Message,
    {
        let rpc_seq = {
            let mut tx = self.tx.lock();
            let seq = tx.rpc_seq;
            tx.rpc_seq = tx.rpc_seq.wrapping_add(1);
            seq
        };
        self.send_cmd(bar, cmd, rpc_seq)?;
        let msg = self.wait(w, RECEIVE_TIMEOUT).inspect_err(|e| {
            if *e == ETIMEDOUT {
                dev_err!(self.dev, "GSP RPC: no reply to {} from GSP-RM\n", C::NAME);
            }
        })?;
        if msg.header.rpc_result != 0 {
            dev_err!(
                self.dev,
                "GSP RPC: {} failed in GSP-RM with status {:#x}\n",
                C::NAME,
                msg.header.rpc_result
            );
            return Err(EIO);
        }
        C::Reply::decode(msg.payload()).inspect_err(|_| {
            dev_err!(
                self.dev,
                "GSP RPC: malformed {} reply ({} bytes)\n",
                C::Reply::NAME,
                msg.payload().len()
            )
        })
    }

    fn send_cmd<C: Command>(&self, bar: &Bar0<'_>, cmd: &C, rpc_seq: u32) -> Result {
        let payload_len = cmd.payload_len();
        if payload_len > queue::PAYLOAD_MAX {
            dev_err!(
                self.dev,
                "GSP RPC: {} is too large ({} bytes)\n",
                C::NAME,
                payload_len
            );
            return Err(EMSGSIZE);
        }
        let len = queue::PAYLOAD_OFFSET + payload_len;
        let mut elem = KVec::from_elem(0u8, len, GFP_KERNEL)?;
        cmd.encode(&mut elem[queue::PAYLOAD_OFFSET..])?;

        let mut tx = self.tx.lock();
        queue::seal_element(&mut elem, tx.seq, C::FUNCTION, rpc_seq)?;
        let count = queue::entries_for(len) as u32;
        let shmem = &self.shmem;
        let dev = &self.dev;
        let (write, _) = ring::cmdq_pointers(shmem)?;
        read_poll_timeout(
            || {
                let (write, read) = ring::cmdq_pointers(shmem)?;
                queue::free_entries(write, read).ok_or_else(|| {
                    dev_err!(
                        dev,
                        "GSP RPC: corrupt command queue pointers (write {}, read {})\n",
                        write,
                        read
                    );
                    EIO
                })
            },
            |free| *free >= count,
            POLL_INTERVAL,
            SEND_TIMEOUT,
        )
        .inspect_err(|e| {
            if *e == ETIMEDOUT {
                dev_err!(
                    dev,
                    "GSP RPC: command queue full, cannot send {}\n",
                    C::NAME
                );
            }
        })?;

        ring::push(shmem, write, &elem)?;
        // Logged before the doorbell, so that the log never shows a reply
        // before its command.
        dev_dbg!(
            dev,
            "GSP RPC: sent {} (seq {}, {} bytes)\n",
            C::NAME,
            tx.seq,
            len
        );
        bar.write(NV_PGSP_QUEUE_HEAD::at(0), NV_PGSP_QUEUE_HEAD::zeroed());
        tx.seq = tx.seq.wrapping_add(1);
        Ok(())
    }

    /// Pops the next message of the status queue, if there is one, and
    /// checks it. A malformed message is an error that breaks the queue.
    fn pop(&self, rx: &mut Rx) -> Result<Option<Received>> {
        let shmem = &self.shmem;
        let dev = &self.dev;
        let (write, read) = ring::statq_pointers(shmem)?;
        let available = queue::used_entries(write, read).ok_or_else(|| {
            dev_err!(
                dev,
                "GSP RPC: corrupt status queue pointers (write {}, read {})\n",
                write,
                read
            );
            EIO
        })?;
        if available == 0 {
            return Ok(None);
        }

        let (header, elem) = match ring::pop(shmem, read, available)? {
            Popped::Elem(header, elem) => (header, elem),
            Popped::Bad(e) => {
                match e {
                    ElemError::Truncated => dev_err!(dev, "GSP RPC: truncated message\n"),
                    ElemError::Signature(s) => {
                        dev_err!(dev, "GSP RPC: message with bad signature {:#x}\n", s)
                    }
                    ElemError::Length(l) => {
                        dev_err!(dev, "GSP RPC: message with bad length {:#x}\n", l)
                    }
                    ElemError::ElemCount(c) => dev_err!(
                        dev,
                        "GSP RPC: message claims {} entries, {} available\n",
                        c,
                        available
                    ),
                }
                return Err(EPROTO);
            }
        };

        let seq = header.seq;
        let expected = rx.seq;
        rx.seq = seq.wrapping_add(1);
        if queue::checksum(&elem) != 0 {
            dev_err!(
                dev,
                "GSP RPC: message {} (function {}) has a bad checksum\n",
                seq,
                header.function
            );
            return Err(EIO);
        }
        if seq != expected {
            dev_err!(
                dev,
                "GSP RPC: message sequence number {}, expected {}\n",
                seq,
                expected
            );
            return Err(EPROTO);
        }
        dev_dbg!(
            dev,
            "GSP RPC: received function {:#x} (seq {}, {} bytes)\n",
            header.function,
            seq,
            header.len
        );
        Ok(Some(Received { header, elem }))
    }
}

/// Logs a message nobody waits for and no handler takes: a reply to a
/// command sent without waiting, or an event nova has no use for.
fn log_unhandled(dev: &device::Device, msg: &Received) {
    let h = &msg.header;
    if h.function < EVENT_BASE {
        dev_dbg!(dev, "GSP RPC: function {} acknowledged\n", h.function);
    } else {
        dev_dbg!(
            dev,
            "GSP RPC: event {:#x} ({} bytes) has no handler\n",
            h.function,
            msg.payload().len()
        );
    }
}

/// Where a received message goes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Route {
    /// To the waiter at this index of the slots.
    Waiter(usize),
    /// To its event handler, or logged if it has none.
    Event,
}

/// Routes a message with `function`: to the oldest waiter for it, else to
/// the events.
fn route(slots: &[Slot], function: u32) -> Route {
    slots
        .iter()
        .position(|s| s.functions.contains(&function))
        .map_or(Route::Event, Route::Waiter)
}

#[kunit_tests(nova_gsp_cmdq)]
mod tests {
    use super::*;

    fn slot(id: u64, functions: [u32; 2]) -> Slot {
        Slot {
            id,
            functions,
            msgs: KVec::new(),
        }
    }

    #[test]
    fn stats_count_the_first_message_of_a_drain() {
        let mut s = RxStats::default();
        s.record(DrainBy::Interrupt, 0);
        s.record(DrainBy::Interrupt, 1);
        s.record(DrainBy::Interrupt, 2);
        s.record(DrainBy::Polling, 0);
        s.record(DrainBy::Polling, 1);
        assert_eq!((s.by_interrupt, s.by_polling, s.queued), (1, 1, 3));
    }

    #[test]
    fn interleaved_replies_and_events_are_routed() -> Result {
        // Two RPCs in flight (functions 76 and 103) and the boot waiting for
        // INIT_DONE or the sequencer; replies and events interleaved.
        let mut slots = KVec::new();
        slots.push(slot(0, [76, 76]), GFP_KERNEL)?;
        slots.push(slot(1, [0x1001, 0x1002]), GFP_KERNEL)?;
        slots.push(slot(2, [103, 103]), GFP_KERNEL)?;
        slots.push(slot(3, [76, 76]), GFP_KERNEL)?;
        assert_eq!(route(&slots, 0x1004), Route::Event);
        assert_eq!(route(&slots, 103), Route::Waiter(2));
        assert_eq!(route(&slots, 0x1002), Route::Waiter(1));
        assert_eq!(route(&slots, 0x1020), Route::Event);
        // The oldest waiter for a function gets its first reply.
        assert_eq!(route(&slots, 76), Route::Waiter(0));
        slots.remove(0)?;
        assert_eq!(route(&slots, 76), Route::Waiter(2));
        // A reply nobody waits for (SET_REGISTRY) goes to the events.
        assert_eq!(route(&slots, 73), Route::Event);
        Ok(())
    }
}
