// SPDX-License-Identifier: GPL-2.0

//! GSP-RM 570.144: the structures of this release, by concern.
//!
//! The facts (field names, order, types, sizes) come from NVIDIA's
//! open-gpu-kernel-modules at tag 570.144 and from the bindings of the same
//! release in nova-core (`drivers/gpu/nova-core/gsp/fw/r570_144`); each type
//! names the C structure it stands for. Names follow Rust's conventions: a
//! C field `gpuPhysAddr` is `gpu_phys_addr`, a C `NvBool` is a `u8`, and the
//! padding the C compiler inserts is an explicit `padN` field, so that every
//! byte of a value is initialised.

// The firmware interface is declared as a whole, field by field; nova reads
// only some of the fields and sends only some of the RPCs so far.
#![allow(
    dead_code,
    reason = "firmware ABI declared whole; nova uses part of it"
)]

mod fifo;
mod fsp;
mod libos;
mod queue;
mod registry;
mod rm;
mod rpc;
mod sequencer;
mod static_info;
mod system_info;
mod unload;
mod wpr_meta;

pub(crate) use fifo::*;
pub(crate) use fsp::*;
pub(crate) use libos::*;
pub(crate) use queue::*;
pub(crate) use registry::*;
pub(crate) use rm::*;
pub(crate) use rpc::*;
pub(crate) use sequencer::*;
pub(crate) use static_info::*;
pub(crate) use system_info::*;
pub(crate) use unload::*;
pub(crate) use wpr_meta::*;
