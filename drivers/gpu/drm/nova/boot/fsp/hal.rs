// SPDX-License-Identifier: GPL-2.0

//! What differs between the chips the FSP boots: GH100, GB10x and GB20x
//! (nova-core `fsp/hal/*.rs` and `fb/hal/{gh100,gb100,gb202}.rs`;
//! open-gpu-kernel-modules `kfspWaitForSecureBoot_GH100`/`_GB202`,
//! `kgspGetNonWprHeapSize`, `kfspPrepareBootCommands_GH100`).

use kernel::{
    io::Io,
    prelude::*, //
};

use super::regs::{
    FSP_BOOT_COMPLETE,
    NV_THERM_I2CS_SCRATCH_FSP_BOOT_GB202,
    NV_THERM_I2CS_SCRATCH_FSP_BOOT_GH100, //
};
use crate::gpu::Bar0;

const SZ_128K: u64 = 128 << 10;
const SZ_2M: u64 = 2 << 20;

/// Size of the PMU's reservation at the end of the framebuffer on
/// Blackwell with GSP-RM r570: 8 MiB + 16 MiB + 4 KiB, 128 KiB aligned.
const PMU_RESERVED_GB100: u64 = ((8u64 << 20) + (16 << 20) + (4 << 10)).next_multiple_of(SZ_128K);

/// The per-chip side of the FSP boot.
pub(crate) trait FspHal: Sync {
    /// Whether the FSP finished its secure boot.
    fn secure_boot_complete(&self, bar: &Bar0<'_>) -> bool;

    /// The Chain-of-Trust message version the FSP expects.
    fn cot_version(&self) -> u16;

    /// Framebuffer the FSP keeps at its end (before the PMU reserve).
    fn fb_end_reserved(&self) -> u64 {
        SZ_2M + SZ_128K
    }

    /// Framebuffer the PMU reserves below that (0: none).
    fn pmu_reserved(&self) -> u64 {
        PMU_RESERVED_GB100
    }

    /// Size of GSP-RM's non-WPR heap.
    fn non_wpr_heap_size(&self) -> u64 {
        SZ_2M
    }
}

/// The I2CS scratch at 0x200bc reads [`FSP_BOOT_COMPLETE`].
fn complete_gh100(bar: &Bar0<'_>) -> bool {
    bar.read(NV_THERM_I2CS_SCRATCH_FSP_BOOT_GH100)
        .status()
        .get()
        == FSP_BOOT_COMPLETE
}

/// Hopper.
struct Gh100;

impl FspHal for Gh100 {
    fn secure_boot_complete(&self, bar: &Bar0<'_>) -> bool {
        complete_gh100(bar)
    }

    fn cot_version(&self) -> u16 {
        1
    }

    fn fb_end_reserved(&self) -> u64 {
        SZ_2M
    }

    fn pmu_reserved(&self) -> u64 {
        0
    }
}

/// GB100, GB102: Hopper's status register, Blackwell's message.
struct Gb100;

impl FspHal for Gb100 {
    fn secure_boot_complete(&self, bar: &Bar0<'_>) -> bool {
        complete_gh100(bar)
    }

    fn cot_version(&self) -> u16 {
        2
    }
}

/// GB202 to GB207.
struct Gb202;

impl FspHal for Gb202 {
    fn secure_boot_complete(&self, bar: &Bar0<'_>) -> bool {
        bar.read(NV_THERM_I2CS_SCRATCH_FSP_BOOT_GB202)
            .status()
            .get()
            == FSP_BOOT_COMPLETE
    }

    fn cot_version(&self) -> u16 {
        2
    }

    fn non_wpr_heap_size(&self) -> u64 {
        SZ_2M + SZ_128K
    }
}

/// The GH100 FSP HAL.
pub(crate) static GH100: &dyn FspHal = &Gh100;
/// The GB10x FSP HAL.
pub(crate) static GB100: &dyn FspHal = &Gb100;
/// The GB20x FSP HAL.
pub(crate) static GB202: &dyn FspHal = &Gb202;

/// Where the FRTS region ends, counted from the end of the framebuffer
/// (`frtsVidmemOffset`): the FSP's reserve, and the PMU's below it
/// rounded up to 2 MiB (r570).
pub(crate) fn frts_vidmem_offset(hal: &dyn FspHal) -> u64 {
    let pmu = hal.pmu_reserved();
    let end = hal.fb_end_reserved();
    if pmu == 0 {
        end
    } else {
        (end + pmu).next_multiple_of(SZ_2M)
    }
}

#[kunit_tests(nova_fsp_hal)]
mod tests {
    use super::*;

    #[test]
    fn frts_offsets() {
        assert_eq!(frts_vidmem_offset(GH100), 0x20_0000);
        assert_eq!(frts_vidmem_offset(GB100), 0x1c0_0000);
        assert_eq!(frts_vidmem_offset(GB202), 0x1c0_0000);
        assert_eq!(PMU_RESERVED_GB100, 0x182_0000);
    }
}
