// SPDX-License-Identifier: GPL-2.0

//! The GSP registers of the RPC transport (nouveau `nvkm/falcon/`, nova-core
//! `regs.rs`; the falcon's own registers are in [`crate::falcon::regs`]).

use kernel::io::register;

register! {
    /// `NV_PGSP_QUEUE_HEAD(i)`: writing queue 0's head tells GSP-RM that
    /// the command queue moved (the doorbell).
    pub(crate) NV_PGSP_QUEUE_HEAD(u32)[8, stride = 8] @ 0x00110c00 {
        31:0 address;
    }
}
