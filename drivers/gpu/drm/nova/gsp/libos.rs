// SPDX-License-Identifier: GPL-2.0

//! Step 5, libos part: the argument array the GSP falcon finds through its
//! mailboxes, and the three log buffers GSP-RM writes.
//!
//! The array is one page of `LibosMemoryRegionInitArgument` entries (r570,
//! facts from nova-core `gsp/fw.rs`/`gsp.rs` and nouveau `r535.c`), each
//! 32 bytes: `id8` (the region's name, up to eight characters, packed with
//! its first character in the most significant used byte), bus address,
//! size (all u64), kind (1: contiguous) and location (1: system memory) as
//! u8, then padding. Four regions: `LOGINIT`, `LOGINTR`, `LOGRM` (the log
//! buffers) and `RMARGS` (the RM arguments of [`crate::gsp::GspQueues`]).
//!
//! A log buffer is 16 GSP pages; its first u64 is GSP-RM's put pointer,
//! followed by the bus address of each of its pages.

use kernel::{
    device::{
        Bound,
        Device, //
    },
    dma::{
        Coherent,
        CoherentBox,
        DmaAddress, //
    },
    prelude::*,
    sync::Arc,
};

use crate::firmware::radix3::PAGE_SIZE;

/// Pages of one log buffer.
const LOG_PAGES: usize = 16;
/// Size of one log buffer.
pub(crate) const LOG_SIZE: usize = LOG_PAGES * PAGE_SIZE;
/// Size of one argument entry.
const ARG_SIZE: usize = 32;
/// Region kind: physically contiguous.
const KIND_CONTIGUOUS: u8 = 1;
/// Region location: system memory.
const LOC_SYSMEM: u8 = 1;

/// The log buffers, by the name libos knows them under.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Log {
    /// Early initialisation and exception dumps.
    Init,
    /// Interrupt handling.
    Intr,
    /// GSP-RM, once running.
    Rm,
}

impl Log {
    /// The three logs, in argument order.
    pub(crate) const ALL: [Log; 3] = [Log::Init, Log::Intr, Log::Rm];

    /// The region name.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Log::Init => "LOGINIT",
            Log::Intr => "LOGINTR",
            Log::Rm => "LOGRM",
        }
    }
}

/// `id8` of a region called `name`: its bytes, first one most significant.
pub(crate) fn id8(name: &str) -> u64 {
    name.bytes()
        .take(8)
        .fold(0u64, |v, b| (v << 8) | u64::from(b))
}

/// Writes one argument entry at `slot` of `args`.
fn put_arg(args: &mut [u8], slot: usize, name: &str, addr: u64, size: u64) -> Result {
    let e = args
        .get_mut(slot * ARG_SIZE..(slot + 1) * ARG_SIZE)
        .ok_or(EINVAL)?;
    e[0..8].copy_from_slice(&id8(name).to_le_bytes());
    e[8..16].copy_from_slice(&addr.to_le_bytes());
    e[16..24].copy_from_slice(&size.to_le_bytes());
    e[24] = KIND_CONTIGUOUS;
    e[25] = LOC_SYSMEM;
    Ok(())
}

/// Allocates a zeroed log buffer with its page addresses from offset 8.
fn log_buffer(dev: &Device<Bound>) -> Result<Coherent<[u8]>> {
    let buf: Coherent<[u8]> = CoherentBox::<[u8]>::zeroed_slice(dev, LOG_SIZE, GFP_KERNEL)?.into();
    let base = buf.dma_address();
    let mut ptes = [0u8; LOG_PAGES * 8];
    for (i, pte) in ptes.chunks_exact_mut(8).enumerate() {
        let addr = base.checked_add((i * PAGE_SIZE) as u64).ok_or(EOVERFLOW)?;
        pte.copy_from_slice(&addr.to_le_bytes());
    }
    // SAFETY: the buffer was just allocated and its address has not been
    // given to the device yet, so nothing else accesses it.
    let bytes = unsafe { buf.as_mut() };
    bytes
        .get_mut(8..8 + ptes.len())
        .ok_or(EINVAL)?
        .copy_from_slice(&ptes);
    Ok(buf)
}

/// The libos arguments and the log buffers they point at.
pub(crate) struct Libos {
    args: Coherent<[u8]>,
    /// Shared with their debugfs files, which may outlive this.
    logs: [Arc<Coherent<[u8]>>; 3],
}

impl Libos {
    /// Allocates the log buffers and the argument page, with `rm_args`
    /// (bus address, size) as the `RMARGS` region.
    pub(crate) fn new(dev: &Device<Bound>, rm_args: (u64, u64)) -> Result<Self> {
        let logs = [
            Arc::new(log_buffer(dev)?, GFP_KERNEL)?,
            Arc::new(log_buffer(dev)?, GFP_KERNEL)?,
            Arc::new(log_buffer(dev)?, GFP_KERNEL)?,
        ];
        let mut args = CoherentBox::<[u8]>::zeroed_slice(dev, PAGE_SIZE, GFP_KERNEL)?;
        for (slot, (log, buf)) in Log::ALL.iter().zip(logs.iter()).enumerate() {
            put_arg(
                &mut args,
                slot,
                log.name(),
                buf.dma_address(),
                LOG_SIZE as u64,
            )?;
        }
        put_arg(&mut args, 3, "RMARGS", rm_args.0, rm_args.1)?;
        Ok(Self {
            args: args.into(),
            logs,
        })
    }

    /// Bus address of the argument array, for the GSP falcon's mailboxes.
    pub(crate) fn address(&self) -> DmaAddress {
        self.args.dma_address()
    }

    /// Log buffer `log`, which GSP-RM may be writing (a
    /// `debugfs::BinaryWriter`).
    pub(crate) fn log_buffer(&self, log: Log) -> &Arc<Coherent<[u8]>> {
        match log {
            Log::Init => &self.logs[0],
            Log::Intr => &self.logs[1],
            Log::Rm => &self.logs[2],
        }
    }
}

#[kunit_tests(nova_libos)]
mod tests {
    use super::*;

    #[test]
    fn id8_packs_first_char_highest() {
        assert_eq!(id8("RMARGS"), 0x524d_4152_4753);
        assert_eq!(id8("LOGINIT").to_le_bytes()[0], b'T');
        assert_eq!(id8("LOGINIT") >> 48, u64::from(b'L'));
    }

    #[test]
    fn arg_entry_layout() -> Result {
        let mut a = [0u8; 2 * ARG_SIZE];
        put_arg(&mut a, 1, "LOGRM", 0x1234_5000, 0x1_0000)?;
        let e = &a[ARG_SIZE..];
        assert_eq!(&e[0..8], &id8("LOGRM").to_le_bytes());
        assert_eq!(&e[8..16], &0x1234_5000u64.to_le_bytes());
        assert_eq!(&e[16..24], &0x1_0000u64.to_le_bytes());
        assert_eq!((e[24], e[25]), (1, 1));
        assert!(a[..ARG_SIZE].iter().all(|&b| b == 0));
        assert!(put_arg(&mut a, 2, "X", 0, 0).is_err());
        Ok(())
    }
}
