// SPDX-License-Identifier: GPL-2.0

//! GPFIFO channels and their copy-engine objects in GSP-RM, and the
//! controls a driver needs before it makes one: the fault method buffer
//! size and the interrupt vectors.
//!
//! The sequence (nouveau `rm/r570/fifo.c` `r570_chan_alloc`,
//! `rm/r535/fifo.c`, `rm/r535/ce.c`; open-gpu-kernel-modules
//! `kchannelConstruct_IMPL`): the chip's channel class under the device,
//! naming the VA space and the driver's instance block (RAMFC is its first
//! 0x200 bytes), USERD and fault method buffer, which GSP-RM fills in; then
//! `BIND` to the engine and `GPFIFO_SCHEDULE`; then the copy-engine object
//! under the channel; then the work-submit token the doorbell takes.

use kernel::prelude::*;

use super::{
    RmRoot,
    VaSpaceObj,
    DEVICE_HANDLE,
    SUBDEVICE_HANDLE, //
};
use crate::gsp::fw::{
    Handle,
    IntrTableEntry,
    Nv2080CtrlCeGetFaultMethodBufferSizeParams,
    Nv2080CtrlInternalIntrGetKernelTableParams,
    NvA06fCtrlBindParams,
    NvA06fCtrlGpfifoScheduleParams,
    NvC0b5AllocationParameters,
    NvC36fCtrlGetWorkSubmitTokenParams,
    NvChannelAllocParams,
    NvMemoryDescParams,
    ADDR_FBMEM,
    NV2080_CTRL_CMD_CE_GET_FAULT_METHOD_BUFFER_SIZE,
    NV2080_CTRL_CMD_INTERNAL_INTR_GET_KERNEL_TABLE,
    NV2080_ENGINE_TYPE_COPY0,
    NVA06F_CTRL_CMD_BIND,
    NVA06F_CTRL_CMD_GPFIFO_SCHEDULE,
    NVC36F_CTRL_CMD_GPFIFO_GET_WORK_SUBMIT_TOKEN, //
};

/// The first channel handle; the low 16 bits count.
const CHANNEL_HANDLE_BASE: Handle = 0xcc00_0000;
/// The copy-engine object of channel `h` is `h | CE_HANDLE_BIT`.
const CE_HANDLE_BIT: Handle = 0x0001_0000;

/// Where a new channel's memory is: VRAM addresses of its instance block
/// (4 KiB, RAMFC first), USERD (512 bytes) and fault method buffer, and
/// the GPU VA of its ring.
pub(crate) struct ChannelMem {
    /// The instance block.
    pub(crate) inst: u64,
    /// USERD.
    pub(crate) userd: u64,
    /// The fault method buffer.
    pub(crate) mthdbuf: u64,
    /// Its size ([`RmRoot::fault_method_buffer_size`]).
    pub(crate) mthdbuf_size: u64,
    /// The ring's GPU VA (below 1 TiB).
    pub(crate) ring_va: u64,
    /// Entries of the ring (a power of two).
    pub(crate) ring_entries: u32,
}

/// A scheduled channel with its copy-engine object; freed by
/// [`RmRoot::free_channel`], or with nova's client.
pub(crate) struct ChannelObj {
    handle: Handle,
    /// The copy engine it runs on (`NV2080_ENGINE_TYPE_COPYn`).
    pub(crate) engine_type: u32,
    /// The doorbell token.
    pub(crate) token: u32,
}

fn vram(base: u64, size: u64) -> NvMemoryDescParams {
    NvMemoryDescParams {
        base,
        size,
        address_space: ADDR_FBMEM,
        cache_attrib: 0,
    }
}

impl RmRoot<'_> {
    /// Bytes a channel's fault method buffer needs.
    pub(crate) fn fault_method_buffer_size(&self) -> Result<u32> {
        let mut p = Nv2080CtrlCeGetFaultMethodBufferSizeParams::zeroed();
        self.api.control(
            self.client,
            SUBDEVICE_HANDLE,
            NV2080_CTRL_CMD_CE_GET_FAULT_METHOD_BUFFER_SIZE,
            &mut p,
            "the fault method buffer size",
        )?;
        Ok(p.size)
    }

    /// GSP-RM's interrupt table, asked of its internal client and subdevice
    /// `internal`: the engines with their stall and nonstall vectors.
    pub(crate) fn intr_table(
        &self,
        internal: (Handle, Handle),
    ) -> Result<KBox<Nv2080CtrlInternalIntrGetKernelTableParams>> {
        let mut p = KBox::new(
            Nv2080CtrlInternalIntrGetKernelTableParams::zeroed(),
            GFP_KERNEL,
        )?;
        self.api.control(
            internal.0,
            internal.1,
            NV2080_CTRL_CMD_INTERNAL_INTR_GET_KERNEL_TABLE,
            &mut *p,
            "the interrupt table",
        )?;
        Ok(p)
    }

    /// Allocates channel number `n` of `class` in `vas` on COPY0 with
    /// `mem`, binds and schedules it and allocates its copy-engine object
    /// of `ce_class`. What was allocated is freed again on failure.
    pub(crate) fn channel(
        &self,
        n: u16,
        class: u32,
        ce_class: u32,
        vas: &VaSpaceObj,
        mem: &ChannelMem,
    ) -> Result<ChannelObj> {
        let handle = CHANNEL_HANDLE_BASE | Handle::from(n);
        let engine_type = NV2080_ENGINE_TYPE_COPY0;
        let params = NvChannelAllocParams {
            gp_fifo_offset: mem.ring_va,
            gp_fifo_entries: mem.ring_entries,
            h_va_space: vas.handle,
            engine_type,
            instance_mem: vram(mem.inst, 0x1000),
            userd_mem: vram(mem.userd, 0x200),
            ramfc_mem: vram(mem.inst, 0x200),
            mthdbuf_mem: vram(mem.mthdbuf, mem.mthdbuf_size),
            process_id: u32::MAX,
            sub_process_id: u32::MAX,
            ..Zeroable::zeroed()
        };
        self.api.alloc(
            self.client,
            DEVICE_HANDLE,
            handle,
            class,
            &params,
            "a channel",
        )?;
        let obj = ChannelObj {
            handle,
            engine_type,
            token: 0,
        };
        match self.start_channel(obj, ce_class) {
            Ok(obj) => Ok(obj),
            Err((obj, e)) => {
                let _ = self.free_channel(obj);
                Err(e)
            }
        }
    }

    fn start_channel(
        &self,
        mut obj: ChannelObj,
        ce_class: u32,
    ) -> core::result::Result<ChannelObj, (ChannelObj, Error)> {
        let h = obj.handle;
        let mut bind = NvA06fCtrlBindParams {
            engine_type: obj.engine_type,
        };
        if let Err(e) = self.api.control(
            self.client,
            h,
            NVA06F_CTRL_CMD_BIND,
            &mut bind,
            "a channel's engine",
        ) {
            return Err((obj, e));
        }
        if let Err(e) = self.schedule(&obj, true) {
            return Err((obj, e));
        }
        let ce = NvC0b5AllocationParameters {
            version: 1,
            engine_type: obj.engine_type,
        };
        if let Err(e) = self.api.alloc(
            self.client,
            h,
            h | CE_HANDLE_BIT,
            ce_class,
            &ce,
            "a copy-engine object",
        ) {
            return Err((obj, e));
        }
        let mut token = NvC36fCtrlGetWorkSubmitTokenParams::zeroed();
        if let Err(e) = self.api.control(
            self.client,
            h,
            NVC36F_CTRL_CMD_GPFIFO_GET_WORK_SUBMIT_TOKEN,
            &mut token,
            "a channel's work-submit token",
        ) {
            return Err((obj, e));
        }
        obj.token = token.work_submit_token;
        Ok(obj)
    }

    /// Lets the channel run (`enable`) or takes it off its runlist.
    pub(crate) fn schedule(&self, obj: &ChannelObj, enable: bool) -> Result {
        let mut p = NvA06fCtrlGpfifoScheduleParams {
            enable: u8::from(enable),
            skip_submit: 0,
        };
        self.api.control(
            self.client,
            obj.handle,
            NVA06F_CTRL_CMD_GPFIFO_SCHEDULE,
            &mut p,
            "a channel's schedule",
        )
    }

    /// Frees the channel (and its copy-engine object with it).
    pub(crate) fn free_channel(&self, obj: ChannelObj) -> Result {
        self.api
            .free(self.client, DEVICE_HANDLE, obj.handle, "a channel")
    }
}

/// The vectors of `table` for `engine_idx`: (stall, nonstall), `None` for
/// an invalid one.
pub(crate) fn vectors(
    table: &Nv2080CtrlInternalIntrGetKernelTableParams,
    engine_idx: u16,
) -> Option<(Option<u32>, Option<u32>)> {
    let len = usize::try_from(table.table_len).unwrap_or(0);
    let valid = |v: u32| (v != crate::gsp::fw::INTR_VECTOR_INVALID).then_some(v);
    table
        .table
        .iter()
        .take(len)
        .find(|e: &&IntrTableEntry| e.engine_idx == engine_idx)
        .map(|e| (valid(e.vector_stall), valid(e.vector_non_stall)))
}
