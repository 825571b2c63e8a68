// SPDX-License-Identifier: GPL-2.0

//! Step 5, libos part: the argument array the GSP falcon finds through its
//! mailboxes, and the three log buffers GSP-RM writes.
//!
//! The array is one page of [`LibosMemoryRegionInitArgument`] entries, each
//! naming a region by its `id8` (up to eight characters, packed with the
//! first character in the most significant used byte), all of them
//! physically contiguous system memory. Four regions: `LOGINIT`, `LOGINTR`,
//! `LOGRM` (the log buffers) and `RMARGS` (the RM arguments of
//! [`crate::gsp::GspQueues`]).
//!
//! A log buffer is 16 GSP pages; its first u64 is GSP-RM's put pointer,
//! followed by the bus address of each of its pages.

use core::mem::size_of;

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
    transmute::AsBytes,
};

use crate::{
    firmware::radix3::PAGE_SIZE,
    gsp::fw::{
        LibosMemoryRegionInitArgument,
        LibosMemoryRegionKind,
        LibosMemoryRegionLoc, //
    },
};

/// Pages of one log buffer.
const LOG_PAGES: usize = 16;
/// Size of one log buffer.
pub(crate) const LOG_SIZE: usize = LOG_PAGES * PAGE_SIZE;
/// The argument array: the three log buffers in [`Log::ALL`] order, then
/// the RM arguments.
type Args = [LibosMemoryRegionInitArgument; 4];

const _: () = assert!(size_of::<Args>() <= PAGE_SIZE);

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

/// The argument entry of the system memory region `name` at `addr`.
fn arg(name: &str, addr: u64, size: u64) -> LibosMemoryRegionInitArgument {
    LibosMemoryRegionInitArgument::new(
        id8(name),
        addr,
        size,
        LibosMemoryRegionKind::Contiguous,
        LibosMemoryRegionLoc::Sysmem,
    )
}

/// The head of a log buffer: GSP-RM's put pointer, then the bus address of
/// each page of the buffer.
type LogHead = [u64; 1 + LOG_PAGES];

/// Allocates a zeroed log buffer with its page addresses after the put
/// pointer.
fn log_buffer(dev: &Device<Bound>) -> Result<Coherent<[u8]>> {
    let buf: Coherent<[u8]> = CoherentBox::<[u8]>::zeroed_slice(dev, LOG_SIZE, GFP_KERNEL)?.into();
    let base = buf.dma_address();
    // The put pointer starts at zero.
    let mut head: LogHead = [0; 1 + LOG_PAGES];
    for (i, pte) in head.iter_mut().skip(1).enumerate() {
        *pte = base.checked_add((i * PAGE_SIZE) as u64).ok_or(EOVERFLOW)?;
    }
    let head = <LogHead as AsBytes>::as_bytes(&head);
    // SAFETY: the buffer was just allocated and its address has not been
    // given to the device yet, so nothing else accesses it.
    let bytes = unsafe { buf.as_mut() };
    bytes
        .get_mut(..head.len())
        .ok_or(EINVAL)?
        .copy_from_slice(head);
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
        let [init, intr, rm] = &logs;
        let entries: Args = [
            arg(Log::Init.name(), init.dma_address(), LOG_SIZE as u64),
            arg(Log::Intr.name(), intr.dma_address(), LOG_SIZE as u64),
            arg(Log::Rm.name(), rm.dma_address(), LOG_SIZE as u64),
            arg("RMARGS", rm_args.0, rm_args.1),
        ];
        let entries = entries.as_bytes();
        let mut args = CoherentBox::<[u8]>::zeroed_slice(dev, PAGE_SIZE, GFP_KERNEL)?;
        args.get_mut(..entries.len())
            .ok_or(EINVAL)?
            .copy_from_slice(entries);
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
        let a = arg("LOGRM", 0x1234_5000, 0x1_0000);
        assert_eq!(a.id8, id8("LOGRM"));
        assert_eq!(a.pa, 0x1234_5000);
        assert_eq!(a.size, 0x1_0000);
        assert_eq!(a.kind, LibosMemoryRegionKind::Contiguous as u8);
        assert_eq!(a.loc, LibosMemoryRegionLoc::Sysmem as u8);
        // The bytes GSP-RM reads: id8, pa, size, then kind and loc.
        let e = a.as_bytes();
        assert_eq!(e.len(), 32);
        assert_eq!(&e[0..8], &id8("LOGRM").to_le_bytes());
        assert_eq!(&e[8..16], &0x1234_5000u64.to_le_bytes());
        assert_eq!(&e[16..24], &0x1_0000u64.to_le_bytes());
        assert_eq!((e[24], e[25]), (1, 1));
        assert!(e[26..].iter().all(|&b| b == 0));
        // The second entry of the array starts 32 bytes in.
        let args: Args = [
            Zeroable::zeroed(),
            a,
            Zeroable::zeroed(),
            Zeroable::zeroed(),
        ];
        let b = args.as_bytes();
        assert!(b[..32].iter().all(|&b| b == 0));
        assert_eq!(&b[32..64], e);
        Ok(())
    }
}
