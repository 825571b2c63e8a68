// SPDX-License-Identifier: GPL-2.0

//! Messages GSP-RM sends on its own: the handler registry the receive path
//! ([`super::cmdq`]) dispatches them through, and the handlers nova has
//! today. An event with no handler is logged and counted, never silently
//! dropped; a handler runs in the receive path (the interrupt thread or a
//! waiting caller), after the receive lock is released, so it may send
//! RPCs of its own but must not wait long.

use kernel::{
    device,
    prelude::*,
    sync::Arc, //
};

use super::fw::function as event;

/// Something that takes the events with one function.
pub(crate) trait EventHandler: Send + Sync {
    /// Handles one event with `function` and `payload` (after the RPC
    /// header).
    fn handle(&self, dev: &device::Device, function: u32, payload: &[u8]);
}

/// The registered handlers, by function.
pub(crate) struct Handlers(KVec<(u32, Arc<dyn EventHandler>)>);

impl Handlers {
    /// No handler.
    pub(crate) fn new() -> Self {
        Self(KVec::new())
    }

    /// Registers `handler` for `function`, replacing an earlier one.
    pub(crate) fn add(&mut self, function: u32, handler: Arc<dyn EventHandler>) -> Result {
        if let Some(entry) = self.0.iter_mut().find(|(f, _)| *f == function) {
            entry.1 = handler;
            return Ok(());
        }
        self.0.push((function, handler), GFP_KERNEL)?;
        Ok(())
    }

    /// The handler for `function`.
    pub(crate) fn get(&self, function: u32) -> Option<Arc<dyn EventHandler>> {
        self.0
            .iter()
            .find(|(f, _)| *f == function)
            .map(|(_, h)| h.clone())
    }
}

/// Logs the events that report on GSP-RM's own state: boot records and
/// prints at debug level, error logs as errors.
pub(crate) struct LogEvents;

impl EventHandler for LogEvents {
    fn handle(&self, dev: &device::Device, function: u32, payload: &[u8]) {
        match function {
            event::OS_ERROR_LOG => {
                dev_err!(dev, "GSP-RM: error log event ({} bytes)\n", payload.len())
            }
            _ => dev_dbg!(
                dev,
                "GSP-RM: event {:#x} ({} bytes)\n",
                function,
                payload.len()
            ),
        }
    }
}

/// Reports channel errors. No channel exists yet, so an event naming one
/// is reported as an error: it means GSP-RM saw work nova did not submit.
pub(crate) struct ChannelErrors;

impl EventHandler for ChannelErrors {
    fn handle(&self, dev: &device::Device, function: u32, payload: &[u8]) {
        let what = match function {
            event::RC_TRIGGERED => "robust channel error",
            _ => "MMU fault",
        };
        dev_err!(
            dev,
            "GSP-RM: {} event ({} bytes) with no channel of nova's\n",
            what,
            payload.len()
        );
    }
}

/// The events nova handles from boot on, and their handlers.
pub(crate) fn register_defaults(queues: &super::GspQueues) -> Result {
    let log: Arc<dyn EventHandler> = Arc::new(LogEvents, GFP_KERNEL)?;
    for f in [
        event::POST_EVENT,
        event::OS_ERROR_LOG,
        event::UCODE_LIBOS_PRINT,
        event::GSP_LOCKDOWN_NOTICE,
        event::GSP_POST_NOCAT_RECORD,
    ] {
        queues.on_event(f, log.clone())?;
    }
    let rc: Arc<dyn EventHandler> = Arc::new(ChannelErrors, GFP_KERNEL)?;
    for f in [event::RC_TRIGGERED, event::MMU_FAULT_QUEUED] {
        queues.on_event(f, rc.clone())?;
    }
    Ok(())
}
