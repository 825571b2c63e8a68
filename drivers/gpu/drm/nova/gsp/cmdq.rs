// SPDX-License-Identifier: GPL-2.0

//! The command and status queues shared with GSP-RM, the RM arguments that
//! tell GSP-RM where they are, and a typed API to send commands and receive
//! messages over them.
//!
//! The receive path sleeps until the GSP interrupt ([`super::irq`]) says a
//! message arrived, waking at least every [`WAIT_SLICE`] to look at the
//! status queue's write pointer anyway (a lost interrupt costs one slice);
//! without an interrupt it polls every [`POLL_INTERVAL`]. Each message is
//! counted as announced by an interrupt, found by polling, or already
//! queued behind an earlier one ([`RxStats`]).

use kernel::{
    device,
    io::{
        poll::read_poll_timeout,
        Io, //
    },
    new_mutex,
    prelude::*,
    sync::{
        aref::ARef,
        Arc,
        Mutex, //
    },
    time::{
        delay::fsleep,
        Delta,
        Instant,
        Monotonic, //
    },
    transmute::AsBytes,
};

use super::{
    commands,
    fw::{
        function,
        GspArgumentsCached,
        MessageQueueInitArguments,
        MsgqTxHeader, //
    },
    irq::{
        RxWake,
        Wake, //
    },
    queue::{
        self,
        ElemError,
        ElemHeader, //
    },
    ring::{
        self,
        Popped, //
    },
    shmem::SharedMem,
};
use crate::gpu::Bar0;

/// `NV_PGSP_QUEUE_HEAD(0)`: writing it tells GSP-RM the command queue moved.
const NV_PGSP_QUEUE_HEAD: usize = 0x0011_0c00;

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
    /// Messages found with no wait slice lost and an interrupt since the
    /// previous message.
    pub(crate) by_interrupt: u64,
    /// Messages found only after a wait slice ran out (the interrupt was
    /// lost or late), or with no interrupt set up.
    pub(crate) by_polling: u64,
    /// Messages found at once with no interrupt since the previous one:
    /// several messages behind one interrupt, or sent before it was
    /// unmasked.
    pub(crate) queued: u64,
    /// The interrupt count when the previous message was found.
    irqs: u64,
}

impl RxStats {
    /// Counts a message found when `irqs` interrupts had been taken (`None`:
    /// no interrupt is set up), after a wait slice ran out if `late`.
    pub(crate) fn record(&mut self, irqs: Option<u64>, late: bool) {
        match irqs {
            Some(_) if late => self.by_polling += 1,
            Some(irqs) if irqs != self.irqs => self.by_interrupt += 1,
            Some(_) => self.queued += 1,
            None => self.by_polling += 1,
        }
        if let Some(irqs) = irqs {
            self.irqs = irqs;
        }
    }
}

/// Queue state protected by the lock.
struct Inner {
    /// The shared memory: PTEs, command queue, status queue.
    shmem: SharedMem,
    /// Sequence number of the next element nova sends.
    tx_seq: u32,
    /// Sequence number the next element GSP-RM sends must carry.
    rx_seq: u32,
    /// RPC sequence number of the next command that has a reply.
    rpc_seq: u32,
    /// How the messages were noticed.
    stats: RxStats,
}

/// The shared-memory command and message queues and the
/// `GSP_ARGUMENTS_CACHED` ("RMARGS") buffer, in DMA memory.
#[pin_data]
pub(crate) struct GspQueues {
    /// The queues; one sender or receiver at a time.
    #[pin]
    inner: Mutex<Inner>,
    /// The RM arguments.
    rm_args: SharedMem,
    /// Woken by the GSP interrupt; `None`: poll.
    wake: Option<Arc<RxWake>>,
    /// The device, for log messages.
    dev: ARef<device::Device>,
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
    /// Allocates and initialises the queues and the RM arguments for `dev`;
    /// the receive path sleeps on `wake` if given, else polls.
    pub(crate) fn new(
        dev: &device::Device<device::Bound>,
        wake: Option<Arc<RxWake>>,
    ) -> impl PinInit<Self, Error> + '_ {
        pin_init::pin_init_scope(move || {
            let shmem = SharedMem::new(dev, queue::SHMEM_SIZE)
                .inspect_err(|e| dev_err!(dev, "GSP queues: allocate shared memory: {:?}\n", e))?;
            init_shmem(&shmem)?;
            let rm_args = SharedMem::new(dev, RM_ARGS_SIZE)
                .inspect_err(|e| dev_err!(dev, "GSP queues: allocate RM arguments: {:?}\n", e))?;
            init_rm_args(&rm_args, shmem.dma_address())?;
            let d: &device::Device = dev;
            Ok(try_pin_init!(Self {
                inner <- new_mutex!(Inner {
                    shmem,
                    tx_seq: 0,
                    rx_seq: 0,
                    rpc_seq: 1,
                    stats: RxStats::default(),
                }),
                rm_args,
                wake,
                dev: d.into(),
            }))
        })
    }

    /// DMA address and size of the RM arguments, for the libos "RMARGS"
    /// region.
    pub(crate) fn rm_args(&self) -> (u64, u64) {
        (self.rm_args.dma_address(), self.rm_args.len() as u64)
    }

    /// Logs (at debug level) how the messages so far were noticed.
    pub(crate) fn log_stats(&self) {
        let inner = self.inner.lock();
        dev_dbg!(
            self.dev,
            "GSP-RM: {} messages by interrupt, {} by polling, {} already queued ({} interrupts)\n",
            inner.stats.by_interrupt,
            inner.stats.by_polling,
            inner.stats.queued,
            self.wake.as_ref().map_or(0, |w| w.irqs())
        );
    }

    /// Sends `cmd`, which has no reply.
    pub(crate) fn send<C: Command<Reply = NoReply>>(&self, bar: &Bar0<'_>, cmd: &C) -> Result {
        let mut inner = self.inner.lock();
        self.send_locked(&mut inner, bar, cmd, 0)
    }

    /// Sends `cmd` and waits for its reply, logging and skipping the events
    /// that arrive in between. Holds the queues for the whole exchange.
    pub(crate) fn rpc<C>(&self, bar: &Bar0<'_>, cmd: &C) -> Result<C::Reply>
    where
        C: Command,
        C::Reply: Message,
    {
        let mut inner = self.inner.lock();
        let rpc_seq = inner.rpc_seq;
        inner.rpc_seq = inner.rpc_seq.wrapping_add(1);
        self.send_locked(&mut inner, bar, cmd, rpc_seq)?;
        loop {
            let msg = self
                .receive_locked(&mut inner, RECEIVE_TIMEOUT)
                .inspect_err(|e| {
                    if *e == ETIMEDOUT {
                        dev_err!(self.dev, "GSP RPC: no reply to {} from GSP-RM\n", C::NAME);
                    }
                })?;
            let function = msg.header.function;
            if function == C::Reply::FUNCTION {
                if msg.header.rpc_result != 0 {
                    dev_err!(
                        self.dev,
                        "GSP RPC: {} failed in GSP-RM with status {:#x}\n",
                        C::NAME,
                        msg.header.rpc_result
                    );
                    return Err(EIO);
                }
                return C::Reply::decode(msg.payload()).inspect_err(|_| {
                    dev_err!(
                        self.dev,
                        "GSP RPC: malformed {} reply ({} bytes)\n",
                        C::Reply::NAME,
                        msg.payload().len()
                    )
                });
            }
            if function < EVENT_BASE && !commands::reply_unawaited(function) {
                dev_err!(
                    self.dev,
                    "GSP RPC: reply to function {} while waiting for the reply to {}\n",
                    function,
                    C::NAME
                );
                return Err(EPROTO);
            }
            log_unawaited(&self.dev, &msg)?;
        }
    }

    /// Waits up to `timeout` for the next message from GSP-RM.
    pub(crate) fn receive(&self, timeout: Delta) -> Result<Received> {
        let mut inner = self.inner.lock();
        self.receive_locked(&mut inner, timeout)
    }

    fn send_locked<C: Command>(
        &self,
        inner: &mut Inner,
        bar: &Bar0<'_>,
        cmd: &C,
        rpc_seq: u32,
    ) -> Result {
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
        queue::seal_element(&mut elem, inner.tx_seq, C::FUNCTION, rpc_seq)?;

        let count = queue::entries_for(len) as u32;
        let shmem = &inner.shmem;
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
        bar.try_write32(0, NV_PGSP_QUEUE_HEAD)?;

        dev_dbg!(
            dev,
            "GSP RPC: sent {} (seq {}, {} bytes)\n",
            C::NAME,
            inner.tx_seq,
            len
        );
        inner.tx_seq = inner.tx_seq.wrapping_add(1);
        Ok(())
    }

    /// The number of entries in the status queue and its read pointer.
    fn statq_used(&self, shmem: &SharedMem) -> Result<(u32, u32)> {
        let (write, read) = ring::statq_pointers(shmem)?;
        let used = queue::used_entries(write, read).ok_or_else(|| {
            dev_err!(
                self.dev,
                "GSP RPC: corrupt status queue pointers (write {}, read {})\n",
                write,
                read
            );
            EIO
        })?;
        Ok((used, read))
    }

    /// Waits up to `timeout` for an element in the status queue: sleeps
    /// until the interrupt or for one [`WAIT_SLICE`], then looks; without
    /// an interrupt polls. Returns the entries used and the read pointer.
    fn wait_message(&self, inner: &mut Inner, timeout: Delta) -> Result<(u32, u32)> {
        let start = Instant::<Monotonic>::now();
        let wake = self.wake.as_deref();
        let mut late = false;
        loop {
            // Read before looking, so that a message arriving after the
            // look changes the count the wait compares against.
            let irqs = wake.map(RxWake::irqs);
            let (used, read) = self.statq_used(&inner.shmem)?;
            if used > 0 {
                inner.stats.record(irqs, late);
                return Ok((used, read));
            }
            let elapsed = start.elapsed();
            if elapsed >= timeout {
                return Err(ETIMEDOUT);
            }
            let slice = core::cmp::min(WAIT_SLICE, timeout - elapsed);
            match wake.zip(irqs).map(|(w, seen)| w.wait(seen, slice)) {
                Some(Wake::Interrupt) => {}
                Some(Wake::Timeout) => late = true,
                // A pending signal would make every wait return at once.
                Some(Wake::Signal) | None => {
                    fsleep(POLL_INTERVAL);
                    late = true;
                }
            }
        }
    }

    fn receive_locked(&self, inner: &mut Inner, timeout: Delta) -> Result<Received> {
        let (available, read) = self.wait_message(inner, timeout)?;
        let shmem = &inner.shmem;
        let dev = &self.dev;

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
        let expected = inner.rx_seq;
        inner.rx_seq = seq.wrapping_add(1);
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
            "GSP RPC: received function {} (seq {}, {} bytes)\n",
            header.function,
            seq,
            header.len
        );
        Ok(Received { header, elem })
    }
}

/// Deals with a message nobody waits for: an event is logged at debug level
/// and skipped, so is the reply to a command sent without waiting, unless
/// it reports a failure (`EIO`).
pub(crate) fn log_unawaited(dev: &device::Device, msg: &Received) -> Result {
    let h = &msg.header;
    if h.function < EVENT_BASE {
        if h.rpc_result != 0 {
            dev_err!(
                dev,
                "GSP RPC: function {} failed in GSP-RM with status {:#x}\n",
                h.function,
                h.rpc_result
            );
            return Err(EIO);
        }
        dev_dbg!(dev, "GSP RPC: function {} acknowledged\n", h.function);
    } else {
        dev_dbg!(
            dev,
            "GSP RPC: skipping event {:#x} ({} bytes)\n",
            h.function,
            msg.payload().len()
        );
    }
    Ok(())
}

#[kunit_tests(nova_gsp_cmdq)]
mod tests {
    use super::*;

    #[test]
    fn stats_without_interrupt_count_polling() {
        let mut s = RxStats::default();
        s.record(None, false);
        s.record(None, true);
        assert_eq!((s.by_interrupt, s.by_polling, s.queued), (0, 2, 0));
    }

    #[test]
    fn stats_need_a_new_interrupt_per_message() {
        let mut s = RxStats::default();
        // Queued before the interrupt was unmasked: no interrupt yet.
        s.record(Some(0), false);
        // One interrupt each.
        s.record(Some(1), false);
        s.record(Some(2), false);
        // A burst behind one interrupt: the second one was not announced.
        s.record(Some(3), false);
        s.record(Some(3), false);
        // Found after a slice ran out, although an interrupt came meanwhile.
        s.record(Some(4), true);
        // The interrupt count wraps.
        s.record(Some(0), false);
        assert_eq!((s.by_interrupt, s.by_polling, s.queued), (4, 1, 2));
    }
}
