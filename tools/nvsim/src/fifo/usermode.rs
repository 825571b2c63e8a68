//! The usermode window and its doorbell.
//!
//! Facts: the usermode region is at the VFN window's 0x30000, BAR0
//! 0xbb0000, 64 KiB (nouveau `nvkm/subdev/vfn/tu102.c` and `ga100.c`:
//! `.user = { 0x030000, 0x010000, ... }` added to the VFN base 0xb80000,
//! `NV_VIRTUAL_FUNCTION_FULL_PHYS_OFFSET`); every usermode class from Volta
//! on has `NVC361_NOTIFY_CHANNEL_PENDING` at 0x90 and a 64 KiB window
//! (open-gpu-kernel-modules `class/clc361.h`); the driver writes a
//! channel's work-submit token there after updating GP_PUT in its USERD
//! (nouveau `tu102_chan_start`: `nvkm_wr32(device, vfn->addr.user + 0x90,
//! doorbell_handle)`). The write only marks the channel the token names
//! pending and wakes the engine thread ([`super::engine`]), which runs it
//! ([`crate::gsprm::GspRm::run_channel`]); the write returns at once.
//!
//! This model owns 0xbb0000..0xbc0000 only: the VFN registers below it
//! (the `MMU_INVALIDATE` registers at 0xb830a0..0xb830b3, the BAR block
//! registers at 0xb80f60..0xb80f77) stay with their own models, since BAR0
//! dispatch stops at the first model whose range holds the offset.

use std::ops::Range;

use super::engine::Doorbell;
use crate::bar0::{Bar0Model, Bus};
use crate::gsprm::{self, Shared};

/// BAR0 offset of the usermode window.
pub const USERMODE_BASE: u32 = 0x00bb_0000;
/// Its size.
pub const USERMODE_SIZE: u32 = 0x1_0000;
/// `NVC361_NOTIFY_CHANNEL_PENDING`.
pub const NOTIFY_CHANNEL_PENDING: u32 = 0x90;

/// The usermode window.
pub struct Usermode {
    rm: Shared,
    doorbell: Doorbell,
}

impl Usermode {
    /// The window whose doorbell rings `doorbell` for `rm`'s channels.
    pub fn new(rm: Shared, doorbell: Doorbell) -> Self {
        Self { rm, doorbell }
    }
}

impl Bar0Model for Usermode {
    fn name(&self) -> &str {
        "USERMODE"
    }

    fn range(&self) -> Range<u32> {
        USERMODE_BASE..USERMODE_BASE + USERMODE_SIZE
    }

    fn read32(&mut self, _bus: &mut Bus<'_>, offset: u32) -> Option<u32> {
        // The doorbell is write-only; it reads 0.
        (offset == USERMODE_BASE + NOTIFY_CHANNEL_PENDING).then_some(0)
    }

    fn write32(&mut self, bus: &mut Bus<'_>, offset: u32, value: u32) -> bool {
        if offset != USERMODE_BASE + NOTIFY_CHANNEL_PENDING {
            return false;
        }
        bus.trace
            .trace(|| format!("fifo: doorbell NOTIFY_CHANNEL_PENDING token {value:#x}"));
        // GSP-RM's lock is released before the engine's queue is taken.
        let accepted = gsprm::lock(&self.rm).doorbell_accepted(value, bus);
        if accepted {
            self.doorbell.ring(value);
        }
        true
    }

    fn reg_name(&self, offset: u32) -> Option<String> {
        (offset == USERMODE_BASE + NOTIFY_CHANNEL_PENDING)
            .then(|| "NV_USERMODE_NOTIFY_CHANNEL_PENDING".to_string())
    }
}
