// SPDX-License-Identifier: GPL-2.0

//! The three RPCs on RM objects as [`Command`]s: `GSP_RM_ALLOC`,
//! `GSP_RM_CONTROL` and `FREE`. Each reply carries RM's status in the
//! RPC's own `status` field (the RPC header's result stays `NV_OK`), and
//! the allocation or control parameters as RM left them.

use core::mem::size_of;

use kernel::{
    prelude::*,
    transmute::{
        AsBytes,
        FromBytes, //
    },
};

use crate::gsp::{
    cmdq::{
        Command,
        Message, //
    },
    fw::{
        function,
        Handle,
        Nvos00Parameters,
        RpcFree,
        RpcGspRmAlloc,
        RpcGspRmControl, //
    },
};

fn put<T: AsBytes>(dst: &mut [u8], v: &T) -> Result {
    let src = v.as_bytes();
    dst.get_mut(..src.len()).ok_or(EINVAL)?.copy_from_slice(src);
    Ok(())
}

/// `GSP_RM_ALLOC` of one object with its class's parameters.
pub(super) struct Alloc<'a> {
    pub(super) client: Handle,
    pub(super) parent: Handle,
    pub(super) object: Handle,
    pub(super) class: u32,
    pub(super) params: &'a [u8],
}

impl Command for Alloc<'_> {
    const FUNCTION: u32 = function::GSP_RM_ALLOC;
    const NAME: &'static str = "GSP_RM_ALLOC";
    type Reply = Reply<RpcGspRmAlloc>;

    fn payload_len(&self) -> usize {
        size_of::<RpcGspRmAlloc>() + self.params.len()
    }

    fn encode(&self, d: &mut [u8]) -> Result {
        let head = RpcGspRmAlloc {
            h_client: self.client,
            h_parent: self.parent,
            h_object: self.object,
            h_class: self.class,
            params_size: u32::try_from(self.params.len())?,
            ..Zeroable::zeroed()
        };
        put(d, &head)?;
        d.get_mut(size_of::<RpcGspRmAlloc>()..)
            .ok_or(EINVAL)?
            .copy_from_slice(self.params);
        Ok(())
    }
}

/// `GSP_RM_CONTROL` of one command on one object.
pub(super) struct Control<'a> {
    pub(super) client: Handle,
    pub(super) object: Handle,
    pub(super) cmd: u32,
    pub(super) params: &'a [u8],
}

impl Command for Control<'_> {
    const FUNCTION: u32 = function::GSP_RM_CONTROL;
    const NAME: &'static str = "GSP_RM_CONTROL";
    type Reply = Reply<RpcGspRmControl>;

    fn payload_len(&self) -> usize {
        size_of::<RpcGspRmControl>() + self.params.len()
    }

    fn encode(&self, d: &mut [u8]) -> Result {
        let head = RpcGspRmControl {
            h_client: self.client,
            h_object: self.object,
            cmd: self.cmd,
            params_size: u32::try_from(self.params.len())?,
            ..Zeroable::zeroed()
        };
        put(d, &head)?;
        d.get_mut(size_of::<RpcGspRmControl>()..)
            .ok_or(EINVAL)?
            .copy_from_slice(self.params);
        Ok(())
    }
}

/// `FREE` of one object (and, in RM, its children).
pub(super) struct Free {
    pub(super) client: Handle,
    pub(super) parent: Handle,
    pub(super) object: Handle,
}

impl Command for Free {
    const FUNCTION: u32 = function::FREE;
    const NAME: &'static str = "FREE";
    type Reply = Reply<RpcFree>;

    fn payload_len(&self) -> usize {
        size_of::<RpcFree>()
    }

    fn encode(&self, d: &mut [u8]) -> Result {
        put(
            d,
            &RpcFree {
                params: Nvos00Parameters {
                    h_root: self.client,
                    h_object_parent: self.parent,
                    h_object_old: self.object,
                    status: 0,
                },
            },
        )
    }
}

/// The fixed part of an RM object RPC, as far as the reply is concerned.
pub(super) trait RmHead: FromBytes + Sized {
    const FUNCTION: u32;
    const NAME: &'static str;
    /// RM's status.
    fn status(&self) -> u32;
}

impl RmHead for RpcGspRmAlloc {
    const FUNCTION: u32 = function::GSP_RM_ALLOC;
    const NAME: &'static str = "GSP_RM_ALLOC";
    fn status(&self) -> u32 {
        self.status
    }
}

impl RmHead for RpcGspRmControl {
    const FUNCTION: u32 = function::GSP_RM_CONTROL;
    const NAME: &'static str = "GSP_RM_CONTROL";
    fn status(&self) -> u32 {
        self.status
    }
}

impl RmHead for RpcFree {
    const FUNCTION: u32 = function::FREE;
    const NAME: &'static str = "FREE";
    fn status(&self) -> u32 {
        self.params.status
    }
}

/// A reply: RM's status and the parameters that follow the fixed part.
pub(super) struct Reply<H: RmHead> {
    pub(super) status: u32,
    pub(super) params: KVec<u8>,
    _head: core::marker::PhantomData<H>,
}

impl<H: RmHead> Message for Reply<H> {
    const FUNCTION: u32 = H::FUNCTION;
    const NAME: &'static str = H::NAME;

    fn decode(p: &[u8]) -> Result<Self> {
        let (head, rest) = H::from_bytes_copy_prefix(p).ok_or(EPROTO)?;
        let mut params = KVec::new();
        params.extend_from_slice(rest, GFP_KERNEL)?;
        Ok(Self {
            status: head.status(),
            params,
            _head: core::marker::PhantomData,
        })
    }
}
