//! The host (FIFO/PBDMA) and the copy engine: what runs a channel's work
//! when the driver rings its doorbell.
//!
//! * [`usermode`]: the usermode window at BAR0 0xbb0000 (VFN 0xb80000 +
//!   0x30000) and its `NOTIFY_CHANNEL_PENDING` doorbell (+0x90) that takes
//!   a work-submit token;
//! * [`engine`]: the engine thread the doorbell wakes, which runs the
//!   channels (each GPFIFO entry taking the `engine` duration) and retries
//!   those waiting at a semaphore acquire;
//! * [`pbdma`]: the host's reading of a channel: USERD `GP_PUT`, the
//!   GPFIFO ring through the channel's VA space, push-buffer method
//!   headers, the host methods (SET_OBJECT, semaphores,
//!   NON_STALL_INTERRUPT, MEM_OP, ...), `GP_GET` written back;
//! * [`ce`]: the copy engine's methods and LAUNCH_DMA (1D and pitch
//!   copies, virtual or physical, remap and constant fill, semaphore
//!   release, interrupt);
//! * [`rc`]: channel errors, and the events GSP-RM sends for them
//!   (RC_TRIGGERED, MMU_FAULT_QUEUED).
//!
//! The channels themselves are GSP-RM objects
//! ([`crate::gsprm::rm::channel`]); a channel's execution state
//! ([`Exec`]) lives there with it. Work does not run inside the doorbell
//! write: the write marks the channel pending and returns, and the engine
//! thread runs it, so a driver sees its work complete after its
//! submission (later still with `--delay engine=TIME`). A semaphore
//! acquire that is not yet satisfied leaves the channel waiting at that
//! method; the engine thread retries it on every doorbell and every
//! millisecond. The engines' non-stall interrupts go to the CPU interrupt
//! tree ([`crate::intr`]).

pub mod ce;
pub mod engine;
pub mod pbdma;
pub mod rc;
pub mod usermode;

pub use rc::ChannelError;

/// A method header whose data words continue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// How the method address moves.
    pub kind: HeaderKind,
    /// The subchannel.
    pub subch: u32,
    /// The method's dword address.
    pub addr: u32,
    /// Data words left.
    pub count: u32,
}

/// Method header kinds (`NVC56F_DMA_SEC_OP_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderKind {
    /// INC_METHOD: the address increments after each word.
    Inc,
    /// NON_INC_METHOD: every word to the same method.
    NonInc,
    /// ONE_INC: the first word to the method, the rest to the next.
    OneInc,
}

/// The push-buffer segment being executed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    /// Its GPU VA.
    pub va: u64,
    /// Its length in dwords.
    pub len: u32,
    /// The next dword.
    pub pos: u32,
}

/// The host's semaphore registers (`SEM_ADDR_*`, `SEM_PAYLOAD_*`, and the
/// older `SEMAPHOREA..C`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HostRegs {
    /// SEM_ADDR_LO/HI.
    pub sem_addr: u64,
    /// SEM_PAYLOAD_LO/HI.
    pub sem_payload: u64,
    /// SEMAPHOREA/B.
    pub semaphore_addr: u64,
    /// SEMAPHOREC.
    pub semaphore_payload: u32,
    /// SET_REFERENCE.
    pub reference: u32,
    /// MEM_OP_A..C as written.
    pub mem_op: [u32; 3],
}

/// The copy engine's method state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CeRegs {
    /// SET_SEMAPHORE_A/B.
    pub sem_addr: u64,
    /// SET_SEMAPHORE_PAYLOAD.
    pub sem_payload: u32,
    /// SET_SEMAPHORE_PAYLOAD_UPPER (Ampere's class on).
    pub sem_payload_upper: u32,
    /// SET_SRC_PHYS_MODE.
    pub src_phys: u32,
    /// SET_DST_PHYS_MODE.
    pub dst_phys: u32,
    /// OFFSET_IN_UPPER/LOWER.
    pub offset_in: u64,
    /// OFFSET_OUT_UPPER/LOWER.
    pub offset_out: u64,
    /// PITCH_IN.
    pub pitch_in: u32,
    /// PITCH_OUT.
    pub pitch_out: u32,
    /// LINE_LENGTH_IN.
    pub line_length_in: u32,
    /// LINE_COUNT.
    pub line_count: u32,
    /// SET_REMAP_CONST_A/B.
    pub remap_const: [u32; 2],
    /// SET_REMAP_COMPONENTS.
    pub remap_components: u32,
}

/// A channel's execution state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Exec {
    /// GP_GET: the next GPFIFO entry.
    pub gp_get: u32,
    /// The segment in progress (a semaphore acquire waits in it).
    pub segment: Option<Segment>,
    /// A method header whose data continues.
    pub header: Option<Header>,
    /// The class bound to each subchannel by SET_OBJECT (0: none).
    pub subch: [u32; 8],
    /// Host registers.
    pub host: HostRegs,
    /// Copy-engine registers.
    pub ce: CeRegs,
    /// Why the channel stopped, if it did (it runs no more work).
    pub stopped: Option<ChannelError>,
    /// Non-stall interrupts raised (NON_STALL_INTERRUPT, CE
    /// NON_BLOCKING interrupts).
    pub nonstall: u32,
    /// CE BLOCKING (stall) interrupts raised.
    pub stall: u32,
    /// Methods executed.
    pub methods: u64,
    /// Copies (LAUNCH_DMA with a transfer) done, and bytes written.
    pub copies: u64,
    /// Bytes the copy engine wrote.
    pub bytes: u64,
    /// What the channel waits for, if it waits.
    pub waiting: Option<String>,
}

/// The GPU's PTIMER time in ns for semaphore timestamps: the host's clock
/// since the epoch (RM sets PTIMER from the OS's time).
pub fn timestamp() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}
