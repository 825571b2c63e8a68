//! Channel errors ("robust channel" recovery, RC) and the events GSP-RM
//! sends the driver for them.
//!
//! When the host or an engine hits an error on a channel, GSP-RM (which
//! owns the interrupts of the host and the engines on GSP systems) stops
//! the channel and tells the driver with `NV_VGPU_MSG_EVENT_RC_TRIGGERED`
//! (0x1004); for an MMU fault it first sends
//! `NV_VGPU_MSG_EVENT_MMU_FAULT_QUEUED` (0x1005, no payload: the driver's
//! handler takes none, nouveau `r535_gsp_msg_mmu_fault_queued`
//! `WARN_ON(repc != 0)`). Function numbers: nouveau
//! `rm/r570/nvrm/msgfn.h`.
//!
//! `rpc_rc_triggered_v17_02` as r570.144 has it (nouveau
//! `rm/r570/nvrm/fifo.h`, read by `r570_fifo_rc_triggered`): u32
//! nv2080EngineType 0x00, chid 0x04, gfid 0x08, exceptLevel 0x0c,
//! exceptType 0x10, scope 0x14, u16 partitionAttributionId 0x18, u32
//! mmuFaultAddrLo 0x1c, mmuFaultAddrHi 0x20, mmuFaultType 0x24, NvBool
//! bCallbackNeeded 0x28, u32 rcJournalBufferSize 0x2c, rcJournalBuffer[]
//! 0x30; 0x30 bytes with an empty journal. nvsim fills: the channel's
//! engine and ID, gfid 0 (no SR-IOV), exceptLevel 0 and scope 0 (the
//! kernel side does not use the level, open-gpu-kernel-modules
//! `kernel_gsp.c` `_kgspRpcRCTriggered`; scope 0 is the channel), the
//! error (`exceptType`, `ROBUST_CHANNEL_*` of
//! open-gpu-kernel-modules `nverror.h`: FIFO_ERROR_MMU_ERR_FLT 31 for an
//! MMU fault, PBDMA_ERROR 32 for what the host refuses (an illegal host
//! method, a method on a subchannel with no object, a bad GPFIFO entry or
//! GP_PUT), CE0_ERROR 39 + n for what copy engine n refuses (an unknown
//! method, a class it is not, a LAUNCH_DMA it cannot do)); for an MMU
//! fault the faulting VA and `NV_PFAULT_FAULT_TYPE_*`, else 0.

use crate::mmu::Fault;

/// `NV_VGPU_MSG_EVENT_RC_TRIGGERED`.
pub const EVENT_RC_TRIGGERED: u32 = 0x1004;
/// `NV_VGPU_MSG_EVENT_MMU_FAULT_QUEUED`.
pub const EVENT_MMU_FAULT_QUEUED: u32 = 0x1005;
/// Size of `rpc_rc_triggered_v17_02` (r570.144) with no journal.
pub const RC_TRIGGERED_SIZE: usize = 0x30;

/// `ROBUST_CHANNEL_FIFO_ERROR_MMU_ERR_FLT`.
pub const MMU_ERR_FLT: u32 = 31;
/// `ROBUST_CHANNEL_PBDMA_ERROR`.
pub const PBDMA_ERROR: u32 = 32;
/// `ROBUST_CHANNEL_CE0_ERROR` (CE1 40, CE2 41).
pub const CE0_ERROR: u32 = 39;

/// Why a channel stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelError {
    /// `ROBUST_CHANNEL_*`.
    pub except_type: u32,
    /// The MMU fault, for [`MMU_ERR_FLT`].
    pub fault: Option<Box<Fault>>,
    /// What happened, for the log.
    pub what: String,
}

impl ChannelError {
    /// An MMU fault of the host or an engine.
    pub fn mmu(fault: Fault, what: impl Into<String>) -> Self {
        Self {
            except_type: MMU_ERR_FLT,
            fault: Some(Box::new(fault)),
            what: what.into(),
        }
    }

    /// An error the host (PBDMA) detects.
    pub fn pbdma(what: impl Into<String>) -> Self {
        Self {
            except_type: PBDMA_ERROR,
            fault: None,
            what: what.into(),
        }
    }

    /// An error copy engine `ce` detects.
    pub fn ce(ce: u32, what: impl Into<String>) -> Self {
        Self {
            except_type: CE0_ERROR + ce,
            fault: None,
            what: what.into(),
        }
    }

    /// The name of the error type.
    pub fn type_name(&self) -> String {
        match self.except_type {
            MMU_ERR_FLT => "ROBUST_CHANNEL_FIFO_ERROR_MMU_ERR_FLT".into(),
            PBDMA_ERROR => "ROBUST_CHANNEL_PBDMA_ERROR".into(),
            t if (CE0_ERROR..CE0_ERROR + 3).contains(&t) => {
                format!("ROBUST_CHANNEL_CE{}_ERROR", t - CE0_ERROR)
            }
            t => format!("{t}"),
        }
    }
}

/// The RC_TRIGGERED payload for `err` on channel `chid` of engine
/// `engine_type`.
pub fn rc_triggered(engine_type: u32, chid: u32, err: &ChannelError) -> Vec<u8> {
    let mut p = vec![0u8; RC_TRIGGERED_SIZE];
    let mut put = |at: usize, v: u32| p[at..at + 4].copy_from_slice(&v.to_le_bytes());
    put(0x00, engine_type);
    put(0x04, chid);
    put(0x10, err.except_type);
    if let Some(f) = &err.fault {
        put(0x1c, f.va as u32);
        put(0x20, (f.va >> 32) as u32);
        put(0x24, f.kind.code());
    }
    p
}
