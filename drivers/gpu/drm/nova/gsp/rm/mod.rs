// SPDX-License-Identifier: GPL-2.0

//! RM objects: nova's client, device and subdevice in GSP-RM, and the
//! objects userspace work needs under them (VA spaces so far).
//!
//! [`RmApi`] makes the three calls (allocate, control, free) and turns RM's
//! status into an errno, with a `dev_err!` naming the object and the call.
//! [`RmRoot`] is nova's client with its device and subdevice, allocated
//! once GSP-RM has booted and freed, in reverse, when dropped (at unbind,
//! before GSP-RM is stopped). Objects under it are handles ([`VaSpaceObj`])
//! that [`RmRoot`] frees.

pub(crate) mod channel;
mod rpc;
pub(crate) mod status;

use core::sync::atomic::{
    AtomicU32,
    Ordering, //
};

use kernel::{
    device, new_mutex,
    prelude::*,
    sync::{
        aref::ARef,
        Arc,
        Mutex, //
    },
    transmute::AsBytes,
};

use crate::{
    gpu::Bar0,
    gsp::{
        fw::{
            Handle,
            Nv0000AllocParameters,
            Nv0080AllocParameters,
            Nv0080CtrlDmaSetPageDirectoryParams,
            Nv0080CtrlDmaUnsetPageDirectoryParams,
            Nv2080AllocParameters,
            Nv2080CtrlGpuGetFermiGpcInfoParams,
            Nv2080CtrlGpuGetFermiTpcInfoParams,
            NvVaspaceAllocationParameters,
            FERMI_VASPACE_A,
            NV0080_CTRL_CMD_DMA_SET_PAGE_DIRECTORY,
            NV0080_CTRL_CMD_DMA_UNSET_PAGE_DIRECTORY,
            NV01_DEVICE_0,
            NV01_ROOT,
            NV2080_CTRL_CMD_GPU_GET_FERMI_GPC_INFO,
            NV2080_CTRL_CMD_GPU_GET_FERMI_TPC_INFO,
            NV20_SUBDEVICE_0,
            NV_VASPACE_ALLOCATION_FLAGS_IS_EXTERNALLY_OWNED, //
        },
        GspQueues,
    },
};
use rpc::{
    Alloc,
    Control,
    Free, //
};

/// The prefix RM gives client handles (`RS_CLIENT_HANDLE_BASE`): it keeps
/// only the low 20 bits of the handle a client asks for.
const CLIENT_HANDLE_BASE: Handle = 0xc1d0_0000;
/// nova's device handle, in its client's namespace.
const DEVICE_HANDLE: Handle = 0xde1d_0000;
/// nova's subdevice handle.
const SUBDEVICE_HANDLE: Handle = 0x5d1d_0000;
/// The first VA space handle; the low 16 bits count.
const VASPACE_HANDLE_BASE: Handle = 0x90f1_0000;

/// Clients allocated so far, for the next client handle.
static CLIENTS: AtomicU32 = AtomicU32::new(0);

/// The calls on RM objects of one GPU, one at a time: replies are matched
/// to callers by function, so two calls of the same function in flight
/// could each take the other's reply.
pub(crate) struct RmApi<'bound> {
    dev: ARef<device::Device>,
    queues: Arc<GspQueues>,
    bar: Arc<Bar0<'bound>>,
    lock: Pin<KBox<Mutex<()>>>,
}

impl<'bound> RmApi<'bound> {
    /// The RM calls over `queues`.
    pub(crate) fn new(
        dev: &device::Device,
        queues: Arc<GspQueues>,
        bar: Arc<Bar0<'bound>>,
    ) -> Result<Self> {
        Ok(Self {
            dev: dev.into(),
            queues,
            bar,
            lock: KBox::pin_init(new_mutex!(()), GFP_KERNEL)?,
        })
    }

    /// Sends `cmd` and waits for its reply, the only RM call in flight.
    fn rpc<C>(&self, cmd: &C) -> Result<C::Reply>
    where
        C: super::cmdq::Command,
        C::Reply: super::cmdq::Message,
    {
        let _one = self.lock.lock();
        self.queues.rpc(&self.bar, cmd)
    }

    fn check(&self, call: &str, what: &str, status: u32) -> Result {
        status::to_result(status).inspect_err(|e| {
            dev_err!(
                self.dev,
                "RM: {} of {}: {} ({:#x}), {:?}\n",
                call,
                what,
                status::name(status),
                status,
                e
            )
        })
    }

    /// Allocates `object` of `class` under `parent` in `client`, with the
    /// class's parameters `params`.
    pub(crate) fn alloc<P: AsBytes>(
        &self,
        client: Handle,
        parent: Handle,
        object: Handle,
        class: u32,
        params: &P,
        what: &str,
    ) -> Result {
        let cmd = Alloc {
            client,
            parent,
            object,
            class,
            params: params.as_bytes(),
        };
        let reply = self
            .rpc(&cmd)
            .inspect_err(|e| dev_err!(self.dev, "RM: GSP_RM_ALLOC of {}: {:?}\n", what, e))?;
        self.check("GSP_RM_ALLOC", what, reply.status)
    }

    /// Runs control `cmd` on `object` with `params`, which RM may update.
    pub(crate) fn control<P: AsBytes + kernel::transmute::FromBytes>(
        &self,
        client: Handle,
        object: Handle,
        cmd: u32,
        params: &mut P,
        what: &str,
    ) -> Result {
        let call = Control {
            client,
            object,
            cmd,
            params: params.as_bytes(),
        };
        let reply = self.rpc(&call).inspect_err(|e| {
            dev_err!(
                self.dev,
                "RM: GSP_RM_CONTROL {:#x} on {}: {:?}\n",
                cmd,
                what,
                e
            )
        })?;
        self.check("GSP_RM_CONTROL", what, reply.status)?;
        let out = params.as_bytes_mut();
        if let Some(src) = reply.params.get(..out.len()) {
            out.copy_from_slice(src);
        }
        Ok(())
    }

    /// Frees `object` (and its children) under `parent` in `client`.
    pub(crate) fn free(
        &self,
        client: Handle,
        parent: Handle,
        object: Handle,
        what: &str,
    ) -> Result {
        let reply = self
            .rpc(&Free {
                client,
                parent,
                object,
            })
            .inspect_err(|e| dev_err!(self.dev, "RM: FREE of {}: {:?}\n", what, e))?;
        self.check("FREE", what, reply.status)
    }
}

/// nova's RM client on one GPU, with its device and subdevice.
pub(crate) struct RmRoot<'bound> {
    api: RmApi<'bound>,
    client: Handle,
    vaspaces: AtomicU32,
}

impl<'bound> RmRoot<'bound> {
    /// Allocates the client, the device and the subdevice; what was
    /// allocated is freed again on failure.
    pub(crate) fn new(api: RmApi<'bound>) -> Result<Self> {
        let n = CLIENTS.fetch_add(1, Ordering::Relaxed) & 0x000f_ffff;
        let client = CLIENT_HANDLE_BASE | n;
        let params = Nv0000AllocParameters {
            h_client: client,
            process_id: u32::MAX,
            ..Zeroable::zeroed()
        };
        api.alloc(client, client, client, NV01_ROOT, &params, "the client")?;
        let root = Self {
            api,
            client,
            vaspaces: AtomicU32::new(0),
        };
        let dev = Nv0080AllocParameters {
            h_client_share: client,
            ..Zeroable::zeroed()
        };
        // On failure, dropping `root` frees what exists (RM frees the
        // children of the client with it).
        root.api.alloc(
            client,
            client,
            DEVICE_HANDLE,
            NV01_DEVICE_0,
            &dev,
            "the device",
        )?;
        let sub = Nv2080AllocParameters::zeroed();
        root.api.alloc(
            client,
            DEVICE_HANDLE,
            SUBDEVICE_HANDLE,
            NV20_SUBDEVICE_0,
            &sub,
            "the subdevice",
        )?;
        dev_dbg!(
            root.api.dev,
            "RM: client {:#x} with device and subdevice\n",
            client
        );
        Ok(root)
    }

    /// Allocates an externally owned VA space and registers its root page
    /// directory (`root_entries` entries at VRAM `root`).
    pub(crate) fn vaspace(&self, root: u64, root_entries: usize) -> Result<VaSpaceObj> {
        let n = self.vaspaces.fetch_add(1, Ordering::Relaxed) & 0xffff;
        let handle = VASPACE_HANDLE_BASE | n;
        let params = NvVaspaceAllocationParameters {
            flags: NV_VASPACE_ALLOCATION_FLAGS_IS_EXTERNALLY_OWNED,
            ..Zeroable::zeroed()
        };
        self.api.alloc(
            self.client,
            DEVICE_HANDLE,
            handle,
            FERMI_VASPACE_A,
            &params,
            "a VA space",
        )?;
        let mut set = Nv0080CtrlDmaSetPageDirectoryParams {
            phys_address: root,
            num_entries: u32::try_from(root_entries)?,
            // Aperture 0: video memory.
            flags: 0,
            h_va_space: handle,
            ..Zeroable::zeroed()
        };
        if let Err(e) = self.api.control(
            self.client,
            DEVICE_HANDLE,
            NV0080_CTRL_CMD_DMA_SET_PAGE_DIRECTORY,
            &mut set,
            "the VA space's page directory",
        ) {
            let _ = self
                .api
                .free(self.client, DEVICE_HANDLE, handle, "a VA space");
            return Err(e);
        }
        Ok(VaSpaceObj { handle })
    }

    /// The numbers of enabled GPCs and TPCs, asked of GSP-RM's internal
    /// client and subdevice `internal`, as nouveau does on r570.
    pub(crate) fn gr_counts(&self, internal: (Handle, Handle)) -> Result<(u32, u32)> {
        let (client, subdevice) = internal;
        let mut gpc = Nv2080CtrlGpuGetFermiGpcInfoParams::zeroed();
        self.api.control(
            client,
            subdevice,
            NV2080_CTRL_CMD_GPU_GET_FERMI_GPC_INFO,
            &mut gpc,
            "the GPC mask",
        )?;
        let mut tpcs = 0;
        for id in (0..32).filter(|i| gpc.gpc_mask & (1 << i) != 0) {
            let mut tpc = Nv2080CtrlGpuGetFermiTpcInfoParams {
                gpc_id: id,
                tpc_mask: 0,
            };
            self.api.control(
                client,
                subdevice,
                NV2080_CTRL_CMD_GPU_GET_FERMI_TPC_INFO,
                &mut tpc,
                "a TPC mask",
            )?;
            tpcs += tpc.tpc_mask.count_ones();
        }
        Ok((gpc.gpc_mask.count_ones(), tpcs))
    }

    /// Unregisters the page directory of `vas` and frees it.
    pub(crate) fn free_vaspace(&self, vas: VaSpaceObj) -> Result {
        let mut unset = Nv0080CtrlDmaUnsetPageDirectoryParams {
            h_va_space: vas.handle,
            sub_device_id: 0,
        };
        let r = self.api.control(
            self.client,
            DEVICE_HANDLE,
            NV0080_CTRL_CMD_DMA_UNSET_PAGE_DIRECTORY,
            &mut unset,
            "the VA space's page directory",
        );
        let f = self
            .api
            .free(self.client, DEVICE_HANDLE, vas.handle, "a VA space");
        r.and(f)
    }
}

impl Drop for RmRoot<'_> {
    fn drop(&mut self) {
        // In reverse; each free is logged on failure and the next one is
        // tried anyway.
        let c = self.client;
        let _ = self
            .api
            .free(c, DEVICE_HANDLE, SUBDEVICE_HANDLE, "the subdevice");
        let _ = self.api.free(c, c, DEVICE_HANDLE, "the device");
        let _ = self.api.free(c, c, c, "the client");
    }
}

/// A VA space in RM; [`RmRoot::free_vaspace`] frees it. Dropped without
/// that (the GPU is gone), it is freed with the client.
pub(crate) struct VaSpaceObj {
    handle: Handle,
}
