// SPDX-License-Identifier: GPL-2.0

//! The registers of the FSP boot: the FSP's secure-boot status, its EMEM
//! window and the two queues of its channel 0 (the host's).
//!
//! The FSP falcon's registers start at 0x8f2000; EMEMC/EMEMD of channel 0
//! are at its offset 0xac0/0xac4, the command queue (host to FSP) at
//! 0xc00/0xc04 and the message queue (FSP to host) at 0xc80/0xc84
//! (`NV_PFSP_EMEMC(0)`, `NV_PFSP_QUEUE_HEAD(0)`, `NV_PFSP_MSGQ_HEAD(0)` in
//! open-gpu-kernel-modules' `hopper/gh100/dev_fsp_pri.h`; nova-core
//! `regs.rs`). The secure-boot status is the I2CS scratch register of the
//! thermal unit, 0xff once the FSP finished (`kfspWaitForSecureBoot_GH100`
//! and `_GB202` in open-gpu-kernel-modules; nova-core `fsp/hal`).

use kernel::io::register;

register! {
    /// FSP secure-boot status (Hopper, GB10x).
    pub(crate) NV_THERM_I2CS_SCRATCH_FSP_BOOT_GH100(u32) @ 0x000200bc {
        /// [`FSP_BOOT_COMPLETE`] once the FSP finished its boot.
        31:0 status;
    }

    /// FSP secure-boot status (GB20x).
    pub(crate) NV_THERM_I2CS_SCRATCH_FSP_BOOT_GB202(u32) @ 0x00ad00bc {
        /// [`FSP_BOOT_COMPLETE`] once the FSP finished its boot.
        31:0 status;
    }

    /// EMEM control of channel 0: where the next EMEMD access goes.
    pub(crate) NV_PFSP_EMEMC(u32) @ 0x008f2ac0 {
        /// Auto-increment the offset after each EMEMD read.
        25:25 aincr => bool;
        /// Auto-increment the offset after each EMEMD write.
        24:24 aincw => bool;
        /// 256-byte block.
        15:8 blk;
        /// 32-bit word within the block.
        7:2 offs;
    }

    /// EMEM data of channel 0.
    pub(crate) NV_PFSP_EMEMD(u32) @ 0x008f2ac4 {
        31:0 data;
    }

    /// Command queue head (host to FSP): written last, it tells the FSP a
    /// command is there.
    pub(crate) NV_PFSP_QUEUE_HEAD(u32) @ 0x008f2c00 {
        31:0 offset;
    }

    /// Command queue tail: EMEM offset of the command's last word.
    pub(crate) NV_PFSP_QUEUE_TAIL(u32) @ 0x008f2c04 {
        31:0 offset;
    }

    /// Message queue head (FSP to host).
    pub(crate) NV_PFSP_MSGQ_HEAD(u32) @ 0x008f2c80 {
        31:0 offset;
    }

    /// Message queue tail: EMEM offset of the reply's last word.
    pub(crate) NV_PFSP_MSGQ_TAIL(u32) @ 0x008f2c84 {
        31:0 offset;
    }
}

/// The secure-boot status once the FSP finished.
pub(crate) const FSP_BOOT_COMPLETE: u32 = 0xff;
