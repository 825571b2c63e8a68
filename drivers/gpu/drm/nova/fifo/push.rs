// SPDX-License-Identifier: GPL-2.0

//! What nova itself writes for the host: GPFIFO entries and the few
//! push-buffer methods that end a job.
//!
//! Formats (open-gpu-kernel-modules `class/clc56f.h`, the same for every
//! channel class from Turing's `clc46f.h` on):
//! * a GPFIFO entry is two words: `NVC56F_GP_ENTRY0` GET 31:2 (the push
//!   buffer's VA bits 31:2, FETCH 0:0 unconditional), `NVC56F_GP_ENTRY1`
//!   GET_HI 7:0 (VA bits 39:32), LEVEL 9:9 main, LENGTH 30:10 in dwords;
//! * an incrementing method header (`NVC56F_DMA_INCR_*`): SEC_OP 31:29 = 1,
//!   COUNT 28:16, SUBCHANNEL 15:13, ADDRESS 11:0 (the method in dwords);
//! * the host's semaphore methods `SEM_ADDR_LO` 0x5c .. `SEM_EXECUTE` 0x6c
//!   (OPERATION 2:0 RELEASE = 1, RELEASE_WFI 20:20, PAYLOAD_SIZE 24:24
//!   64BIT) and `NON_STALL_INTERRUPT` 0x20.

use kernel::prelude::*;

/// Largest push-buffer length a GPFIFO entry holds, in dwords (LENGTH
/// 30:10).
pub(crate) const MAX_LEN_DWORDS: u32 = (1 << 21) - 1;

/// `NVC56F_SEM_ADDR_LO`.
const SEM_ADDR_LO: u32 = 0x5c;
/// `NVC56F_NON_STALL_INTERRUPT`.
const NON_STALL_INTERRUPT: u32 = 0x20;
/// `NVC56F_SEM_EXECUTE_OPERATION_RELEASE`.
const SEM_EXECUTE_RELEASE: u32 = 1;
/// `NVC56F_SEM_EXECUTE_RELEASE_WFI_EN`: wait for the work before to finish.
const SEM_EXECUTE_RELEASE_WFI: u32 = 1 << 20;
/// `NVC56F_SEM_EXECUTE_PAYLOAD_SIZE_64BIT`.
const SEM_EXECUTE_PAYLOAD_64BIT: u32 = 1 << 24;

/// The two words of a GPFIFO entry running `len_dwords` of methods at
/// `va` (4-byte aligned, below 1 TiB).
pub(crate) fn gp_entry(va: u64, len_dwords: u32) -> [u32; 2] {
    [
        (va as u32) & !3,
        ((va >> 32) as u32 & 0xff) | ((len_dwords & MAX_LEN_DWORDS) << 10),
    ]
}

/// An incrementing method header for `count` words from `method` on
/// subchannel 0 (host methods reach the host on any subchannel).
const fn incr(method: u32, count: u32) -> u32 {
    (1 << 29) | (count << 16) | (method >> 2)
}

/// Dwords of [`fence_push`].
pub(crate) const FENCE_DWORDS: usize = 8;

/// The end of every job: once everything before it is done (WFI), write
/// the 64-bit `payload` to the semaphore at `sem_va`, then raise the
/// engine's nonstall interrupt.
pub(crate) fn fence_push(sem_va: u64, payload: u64) -> [u32; FENCE_DWORDS] {
    [
        incr(SEM_ADDR_LO, 5),
        sem_va as u32,
        (sem_va >> 32) as u32 & 0xff,
        payload as u32,
        (payload >> 32) as u32,
        SEM_EXECUTE_RELEASE | SEM_EXECUTE_RELEASE_WFI | SEM_EXECUTE_PAYLOAD_64BIT,
        incr(NON_STALL_INTERRUPT, 1),
        0,
    ]
}

#[kunit_tests(nova_fifo_push)]
mod tests {
    use super::*;

    #[test]
    fn gp_entry_splits_the_address_and_length() {
        assert_eq!(
            gp_entry(0xab_1234_5678, 0x10),
            [0x1234_5678, 0xab | (0x10 << 10)]
        );
    }

    #[test]
    fn fence_push_releases_then_interrupts() {
        let p = fence_push(0x12_3456_7000, 0x1_0000_0002);
        // SEC_OP 1, 5 words, SEM_ADDR_LO / 4 = 0x17.
        assert_eq!(p[0], 0x2005_0017);
        assert_eq!(&p[1..5], &[0x3456_7000, 0x12, 2, 1]);
        assert_eq!(p[5], 0x0110_0001);
        // NON_STALL_INTERRUPT / 4 = 8.
        assert_eq!(p[6], 0x2001_0008);
    }
}
