//! GSP-RM's objects: the clients a driver allocates over GSP_RM_ALLOC, the
//! objects under them, the controls on them (GSP_RM_CONTROL) and their
//! freeing (FREE), with the r570.144 layouts ([`abi`]).
//!
//! The rules are RM's resource server's (open-gpu-kernel-modules
//! `src/nvidia/src/libraries/resserv/src/rs_server.c`, `rs_client.c`,
//! `rs_resource.c`; `src/nvidia/src/kernel/rmapi/alloc_free.c`,
//! `resource_list.h`), checked in the order RM checks them:
//!
//! * handles are per client: a client handle names a client, every other
//!   handle is unique within its client (and is not the client's own);
//! * GSP_RM_ALLOC of an unknown class: NV_ERR_INVALID_CLASS
//!   (`serverAllocResourceLookupLockFlags`); of a class RM has and nvsim
//!   does not model: NV_ERR_NOT_SUPPORTED, logged once; of a class whose
//!   parameters are required, with none (paramsSize 0):
//!   NV_ERR_INVALID_ARGUMENT (`rmapiParamsCopyInit`); an unknown hClient:
//!   NV_ERR_INVALID_OBJECT_HANDLE (`_serverLockClientWithLockInfo`);
//!   hObject equal to hClient for a class that has a parent:
//!   NV_ERR_INVALID_OBJECT_PARENT; an unknown hParent:
//!   NV_ERR_OBJECT_NOT_FOUND (`clientGetResourceRef`); a parent of a class
//!   the new one cannot live under: NV_ERR_INVALID_OBJECT_PARENT
//!   (`serverAllocResourceUnderLock`, parent lists of `resource_list.h`:
//!   device under a client, subdevice under a device, VA space under a
//!   device or a subdevice); an hObject already in use:
//!   NV_ERR_INSERT_DUPLICATE_NAME (`clientValidateNewResourceHandle`), also
//!   for a client handle already in use (`serverAllocClient`); hObject 0:
//!   RM picks the handle (`clientGenResourceHandle`, from
//!   `RS_UNIQUE_HANDLE_BASE` 0xcaf00000; clients from 0xc1d00000) and the
//!   reply's hObject carries it (nvsim's reading: the reply is the
//!   request's structure, updated);
//! * a paramsSize other than the class's structure (or 0 where RM takes
//!   none): NV_ERR_INVALID_PARAM_STRUCT. That is nvsim's strictness: RM's
//!   allocation path sizes the parameters from the class alone
//!   (`serverAllocApiCopyIn`) and the GSP side of the RPC is not public;
//!   NV_ERR_INVALID_PARAM_STRUCT is what RM's control path answers for the
//!   same mistake (`resControlLookup_IMPL`), which GSP_RM_CONTROL here
//!   follows exactly. A paramsSize beyond the message: the same status;
//!   a message shorter than the RPC's own structure: the RPC header's
//!   result is NV_ERR_INVALID_PARAM_STRUCT (GSP's queue code's "bad record
//!   length", `message_queue_cpu.c`);
//! * GSP_RM_CONTROL on an unknown client: NV_ERR_INVALID_OBJECT_HANDLE; on
//!   an unknown object: NV_ERR_OBJECT_NOT_FOUND (`serverControl`); a
//!   command the object's class does not have: NV_ERR_NOT_SUPPORTED
//!   (`resControlLookup_IMPL`; nvsim logs it once, as RM may have it); a
//!   paramsSize other than the command's: NV_ERR_INVALID_PARAM_STRUCT;
//! * FREE frees the object and everything under it, children first
//!   (`serverFreeResourceTree`, `clientUpdatePendingFreeList`); freeing
//!   the client frees all its objects and the client. An unknown client:
//!   NV_ERR_INVALID_OBJECT_HANDLE; an unknown object in a known client:
//!   NV_OK (RM is built in `RS_COMPATABILITY_MODE`, in which
//!   `serverFreeResourceTree` answers that; RM is in that mode since it
//!   takes client handles from its callers, `serverAllocClient`, which
//!   nouveau relies on); hObjectParent is not looked at (nouveau sends 0,
//!   `r535/alloc.c`).
//!
//! Where the status goes: in the RPC's own `status` field. The RPC
//! header's `rpc_result` says whether the RPC was carried out, so it is
//! NV_OK for a refused allocation or control too: open-gpu-kernel-modules
//! `rpcRmApiControl_GSP` reads the header's result as "the status of the
//! RPC transfer" and `rpc_params->status` as "status returned by the actual
//! ctrl handler on GSP" (and copies parameters out of a failed control when
//! asked to, `RMAPI_RPC_FLAGS_COPYOUT_ON_ERROR`); nouveau
//! (`r535/rpc.c` `r535_gsp_msg_recv`) turns a non-zero `rpc_result` into
//! -EINVAL without reading further, reads `rpc->status` in
//! `r535/alloc.c` and `r535/ctrl.c`, and retries a display control that
//! failed with NV_ERR_NOT_READY using the reply's parameters
//! (`r535/disp.c`), which only works with `rpc_result` NV_OK.
//!
//! GSP-RM's own objects: at its start GSP-RM allocates an internal client
//! with a device and a subdevice (`_gpuAllocateInternalObjects` ->
//! `rmapiutilAllocClientAndDeviceHandles`: a client with RM's handle, then
//! a device and a subdevice with generated handles,
//! `serverutilGenResourceHandle`) and reports their handles to the driver
//! in the static info (`hInternalClient`, `hInternalDevice`,
//! `hInternalSubdevice`), on which a driver sends its internal controls
//! (nouveau `gsp->internal.device.subdevice`). nvsim's handles are the
//! first ones RM's generators give: [`INTERNAL_CLIENT`] from
//! `RS_CLIENT_INTERNAL_HANDLE_BASE` (0xc1e00000, `resserv.h`; RM's own
//! clients come from there, `pServer->internalHandleBase`), and
//! [`INTERNAL_DEVICE`]/[`INTERNAL_SUBDEVICE`] from
//! `RS_UNIQUE_HANDLE_BASE`. A real GSP-RM may have allocated other
//! internal clients first; a driver takes the handles from the static
//! info, never from these numbers.
//!
//! Controls modelled: SET/UNSET_PAGE_DIRECTORY on a device ([`vaspace`]),
//! `NV2080_CTRL_CMD_GPU_GET_FERMI_GPC_INFO`/`_TPC_INFO` on any subdevice
//! (the chip's GPC and TPC masks, [`crate::chip::Gr`]).
//!
//! `--trace` logs every object allocated and freed and every control;
//! refusals are always logged.

pub mod abi;
pub mod channel;
pub mod vaspace;

use std::collections::{BTreeMap, HashSet};

use crate::chip::{Arch, Chip};
use crate::mmu::Memory;
use crate::trace::Trace;
use abi::{class, ctrl, params, put32, status, Fields};
use channel::Channel;
use vaspace::{PageDir, Refusal, VaSpace};

/// First handle RM generates for an object (`RS_UNIQUE_HANDLE_BASE`; the
/// guest RM's range in `clientSetHandleGenerator`, `rs_client.c`).
pub const GENERATED_HANDLE_BASE: u32 = 0xcaf0_0000;
/// First handle RM generates for a client (`RS_CLIENT_HANDLE_BASE`).
pub const GENERATED_CLIENT_BASE: u32 = 0xc1d0_0000;
/// GSP-RM's internal client (`RS_CLIENT_INTERNAL_HANDLE_BASE`).
pub const INTERNAL_CLIENT: u32 = 0xc1e0_0000;
/// Its device (the first generated handle).
pub const INTERNAL_DEVICE: u32 = GENERATED_HANDLE_BASE;
/// Its subdevice (the second generated handle).
pub const INTERNAL_SUBDEVICE: u32 = GENERATED_HANDLE_BASE + 1;
/// Objects GSP-RM allocates for itself: the internal client, device and
/// subdevice.
pub const INTERNAL_OBJECTS: usize = 3;

/// What an object is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A client (NV01_ROOT and its variants).
    Client,
    /// NV01_DEVICE_0.
    Device {
        /// `deviceId`.
        device_id: u32,
        /// `hClientShare`.
        client_share: u32,
    },
    /// NV20_SUBDEVICE_0.
    Subdevice {
        /// `subDeviceId`.
        subdevice_id: u32,
    },
    /// FERMI_VASPACE_A.
    VaSpace(VaSpace),
    /// The chip's GPFIFO channel class ([`channel`]).
    Channel(Box<Channel>),
    /// The chip's copy-engine class, under a channel: its `engineType`.
    Ce {
        /// `engineType`.
        engine_type: u32,
    },
    /// The chip's usermode class, under a subdevice.
    Usermode,
}

impl Kind {
    /// RM's internal class, for the parent rules.
    fn internal(&self) -> Internal {
        match self {
            Kind::Client => Internal::Client,
            Kind::Device { .. } => Internal::Device,
            Kind::Subdevice { .. } => Internal::Subdevice,
            Kind::VaSpace(_) => Internal::VaSpace,
            Kind::Channel(_) => Internal::Channel,
            Kind::Ce { .. } => Internal::Ce,
            Kind::Usermode => Internal::Usermode,
        }
    }
}

/// RM's internal classes (`RmClientResource`, `Device`, `Subdevice`,
/// `VaSpaceApi`, `KernelChannel`, `KernelCeContext`, `UserModeApi`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Internal {
    Client,
    Device,
    Subdevice,
    VaSpace,
    Channel,
    Ce,
    Usermode,
}

/// One object of a client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Object {
    /// Its class number.
    pub class: u32,
    /// The handle of its parent (the client's own for a client).
    pub parent: u32,
    /// What it is.
    pub kind: Kind,
}

#[derive(Debug, Default)]
struct Client {
    /// Every object of the client, the client itself under its handle.
    objects: BTreeMap<u32, Object>,
    /// Objects generated handles so far.
    generated: u32,
}

/// How an allocatable class is allocated.
struct Spec {
    internal: Internal,
    /// Size of its parameter structure.
    size: usize,
    /// paramsSize 0 is refused before anything else (`RS_REQUIRED`).
    required: bool,
    /// The internal classes it can be allocated under.
    parents: &'static [Internal],
}

fn spec(c: u32, arch: Arch) -> Option<Spec> {
    let classes = class::for_arch(arch);
    let s = match c {
        _ if class::is_client(c) => Spec {
            internal: Internal::Client,
            size: params::NV0000,
            required: false,
            parents: &[],
        },
        class::NV01_DEVICE_0 => Spec {
            internal: Internal::Device,
            size: params::NV0080,
            required: false,
            parents: &[Internal::Client],
        },
        class::NV20_SUBDEVICE_0 => Spec {
            internal: Internal::Subdevice,
            size: params::NV2080,
            required: false,
            parents: &[Internal::Device],
        },
        class::FERMI_VASPACE_A => Spec {
            internal: Internal::VaSpace,
            size: params::VASPACE,
            required: true,
            parents: &[Internal::Device, Internal::Subdevice],
        },
        _ if c == classes.gpfifo => Spec {
            internal: Internal::Channel,
            size: channel::CHANNEL_PARAMS,
            required: true,
            parents: &[Internal::Device],
        },
        _ if c == classes.ce => Spec {
            internal: Internal::Ce,
            size: channel::CE_PARAMS,
            required: false,
            parents: &[Internal::Channel],
        },
        _ if c == classes.usermode => Spec {
            internal: Internal::Usermode,
            size: if matches!(
                arch,
                Arch::Hopper | Arch::BlackwellGb10x | Arch::BlackwellGb20x
            ) {
                channel::HOPPER_USERMODE_PARAMS
            } else {
                0
            },
            required: false,
            parents: &[Internal::Subdevice],
        },
        _ => return None,
    };
    Some(s)
}

/// The object database of one GSP-RM boot.
pub struct Objects {
    chip: &'static Chip,
    clients: BTreeMap<u32, Client>,
    /// Clients that got a generated handle so far.
    generated_clients: u32,
    /// Keys of the "not modelled" lines already logged.
    logged: HashSet<String>,
    /// The memory GSP-RM writes channels' instance blocks into.
    mem: Option<Memory>,
}

impl Objects {
    /// GSP-RM's objects at its start on `chip`: its internal client, device
    /// and subdevice.
    pub fn new(chip: &'static Chip) -> Self {
        let mut objects = BTreeMap::new();
        objects.insert(
            INTERNAL_CLIENT,
            Object {
                class: class::NV01_ROOT,
                parent: INTERNAL_CLIENT,
                kind: Kind::Client,
            },
        );
        objects.insert(
            INTERNAL_DEVICE,
            Object {
                class: class::NV01_DEVICE_0,
                parent: INTERNAL_CLIENT,
                kind: Kind::Device {
                    device_id: 0,
                    client_share: INTERNAL_CLIENT,
                },
            },
        );
        objects.insert(
            INTERNAL_SUBDEVICE,
            Object {
                class: class::NV20_SUBDEVICE_0,
                parent: INTERNAL_DEVICE,
                kind: Kind::Subdevice { subdevice_id: 0 },
            },
        );
        let internal = Client {
            objects,
            generated: 2,
        };
        Self {
            chip,
            clients: BTreeMap::from([(INTERNAL_CLIENT, internal)]),
            generated_clients: 0,
            logged: HashSet::new(),
            mem: None,
        }
    }

    /// The same, writing channels' instance blocks into `mem`.
    pub fn with_memory(mut self, mem: Memory) -> Self {
        self.mem = Some(mem);
        self
    }

    /// The channel whose work-submit token is `token`: its client, handle
    /// and record.
    pub fn channel_by_token(&mut self, token: u32) -> Option<(u32, u32, &mut Channel)> {
        let arch = self.chip.arch;
        self.clients.iter_mut().find_map(|(hc, c)| {
            c.objects.iter_mut().find_map(|(h, o)| match &mut o.kind {
                Kind::Channel(ch) if ch.token(arch) == token => Some((*hc, *h, &mut **ch)),
                _ => None,
            })
        })
    }

    /// The channels waiting on a semaphore acquire (scheduled, not
    /// stopped).
    pub fn waiting_channels(&self) -> impl Iterator<Item = &Channel> + '_ {
        self.clients
            .values()
            .flat_map(|c| c.objects.values())
            .filter_map(|o| match &o.kind {
                Kind::Channel(ch)
                    if ch.scheduled && ch.exec.stopped.is_none() && ch.exec.waiting.is_some() =>
                {
                    Some(&**ch)
                }
                _ => None,
            })
    }

    /// The channel `handle` of `client`.
    pub fn channel(&self, client: u32, handle: u32) -> Option<&Channel> {
        match &self.object(client, handle)?.kind {
            Kind::Channel(ch) => Some(ch),
            _ => None,
        }
    }

    /// The handles of GSP-RM's internal client, device and subdevice, as
    /// the static info reports them.
    pub fn internal_handles(&self) -> [u32; 3] {
        [INTERNAL_CLIENT, INTERNAL_DEVICE, INTERNAL_SUBDEVICE]
    }

    /// The VA spaces with a registered root page directory, as the MMU
    /// audit takes them: the root's aperture and address, the VA space's
    /// big page size (`bigPageSize` 128 KiB, else RM's default 64 KiB).
    pub fn audit_targets(&self) -> Vec<crate::mmu::audit::Target> {
        self.page_directories()
            .into_iter()
            .filter_map(|(client, vaspace, v)| {
                Some(crate::mmu::audit::Target::vaspace(
                    client,
                    vaspace,
                    mmu_page_dir(v)?,
                ))
            })
            .collect()
    }

    /// Every VA space with a registered root page directory: (client,
    /// VA space handle, the VA space).
    pub fn page_directories(&self) -> Vec<(u32, u32, &VaSpace)> {
        let mut out = Vec::new();
        for (hc, c) in &self.clients {
            for (h, o) in &c.objects {
                if let Kind::VaSpace(v) = &o.kind {
                    if v.page_dir.is_some() {
                        out.push((*hc, *h, v));
                    }
                }
            }
        }
        out
    }

    /// Whether `function` is one of the RPCs this model serves.
    pub fn serves(function: u32) -> bool {
        matches!(
            function,
            abi::GSP_RM_ALLOC | abi::GSP_RM_CONTROL | abi::FREE
        )
    }

    /// Handles a GSP_RM_ALLOC, GSP_RM_CONTROL or FREE payload: the RPC
    /// header's result and the reply payload (the request's structure with
    /// its status, and for an allocation with RM's handle if it picked one).
    pub fn handle(&mut self, function: u32, p: &[u8], trace: &Trace) -> (u32, Vec<u8>) {
        match function {
            abi::GSP_RM_ALLOC => self.alloc(p, trace),
            abi::GSP_RM_CONTROL => self.control(p, trace),
            abi::FREE => self.free(p, trace),
            _ => (status::NOT_SUPPORTED, p.to_vec()),
        }
    }

    /// The client handles.
    pub fn clients(&self) -> impl Iterator<Item = u32> + '_ {
        self.clients.keys().copied()
    }

    /// Object `handle` of client `client` (the client itself under its own
    /// handle).
    pub fn object(&self, client: u32, handle: u32) -> Option<&Object> {
        self.clients.get(&client)?.objects.get(&handle)
    }

    /// The objects of client `client`, by handle.
    pub fn objects(&self, client: u32) -> impl Iterator<Item = (u32, &Object)> + '_ {
        self.clients
            .get(&client)
            .into_iter()
            .flat_map(|c| c.objects.iter().map(|(h, o)| (*h, o)))
    }

    /// The number of objects, clients included (GSP-RM's own
    /// [`INTERNAL_OBJECTS`] too).
    pub fn len(&self) -> usize {
        self.clients.values().map(|c| c.objects.len()).sum()
    }

    /// Whether there are no clients.
    pub fn is_empty(&self) -> bool {
        self.clients.is_empty()
    }

    /// The root page directory registered for VA space `vaspace` of
    /// `client`, if any.
    pub fn page_directory(&self, client: u32, vaspace: u32) -> Option<&PageDir> {
        match &self.object(client, vaspace)?.kind {
            Kind::VaSpace(v) => v.page_dir.as_ref(),
            _ => None,
        }
    }

    fn alloc(&mut self, p: &[u8], trace: &Trace) -> (u32, Vec<u8>) {
        if p.len() < abi::ALLOC_HDR {
            trace.log(format!(
                "GSP-RM: GSP_RM_ALLOC of {:#x} bytes, shorter than rpc_gsp_rm_alloc_v03_00's \
                 {:#x}; RPC result NV_ERR_INVALID_PARAM_STRUCT",
                p.len(),
                abi::ALLOC_HDR
            ));
            return (status::INVALID_PARAM_STRUCT, p.to_vec());
        }
        let f = Fields(p);
        let (h_client, h_parent, h_object, cls) =
            (f.u32(0x00), f.u32(0x04), f.u32(0x08), f.u32(0x0c));
        let size = f.u32(0x14) as usize;
        let what = format!(
            "GSP_RM_ALLOC client {h_client:#010x} parent {h_parent:#010x} object \
             {h_object:#010x} class {cls:#x} ({})",
            class::name(cls)
        );
        let mut reply = p.to_vec();
        let result = match p.get(abi::ALLOC_HDR..abi::ALLOC_HDR + size) {
            None => Err((
                status::INVALID_PARAM_STRUCT,
                format!(
                    "paramsSize {size:#x} is beyond the message's {:#x} bytes of parameters",
                    p.len() - abi::ALLOC_HDR
                ),
            )),
            Some(params) => self.alloc_checked(h_client, h_parent, h_object, cls, params, trace),
        };
        let st = match result {
            Ok(handle) => {
                put32(&mut reply, abi::ALLOC_OBJECT, handle);
                trace.trace(|| {
                    format!("GSP-RM: RM object allocated: {what}: handle {handle:#010x}, NV_OK")
                });
                status::OK
            }
            Err((st, why)) => {
                trace.log(format!(
                    "GSP-RM: RM alloc refused: {what}: {}: {why}",
                    status::name(st)
                ));
                st
            }
        };
        put32(&mut reply, abi::ALLOC_STATUS, st);
        (status::OK, reply)
    }

    fn alloc_checked(
        &mut self,
        h_client: u32,
        h_parent: u32,
        h_object: u32,
        cls: u32,
        p: &[u8],
        trace: &Trace,
    ) -> Result<u32, Refusal> {
        let arch = self.chip.arch;
        let Some(spec) = spec(cls, arch) else {
            if let Some((_, name)) = class::CHANNEL_CLASSES.iter().find(|(c, _)| *c == cls) {
                return Err((
                    status::INVALID_CLASS,
                    format!(
                        "{name} is not a class of this GPU (its channel, copy-engine and \
                         usermode classes are {:#x}, {:#x}, {:#x}; gpuGetClassByClassId)",
                        class::for_arch(arch).gpfifo,
                        class::for_arch(arch).ce,
                        class::for_arch(arch).usermode
                    ),
                ));
            }
            if let Some((_, name)) = class::UNMODELLED.iter().find(|(c, _)| *c == cls) {
                log_once(
                    &mut self.logged,
                    trace,
                    format!("class {cls:#x}"),
                    format!(
                        "GSP-RM: class {cls:#x} ({name}) is not modelled; GSP_RM_ALLOC of it \
                         answers NV_ERR_NOT_SUPPORTED"
                    ),
                );
                return Err((status::NOT_SUPPORTED, format!("{name} is not modelled")));
            }
            return Err((status::INVALID_CLASS, "RM has no such class".into()));
        };
        if p.is_empty() && spec.required {
            return Err((
                status::INVALID_ARGUMENT,
                "the class requires allocation parameters and paramsSize is 0".into(),
            ));
        }
        if !p.is_empty() && p.len() != spec.size {
            return Err((
                status::INVALID_PARAM_STRUCT,
                format!(
                    "paramsSize {:#x}, the class's parameters are {:#x} bytes",
                    p.len(),
                    spec.size
                ),
            ));
        }
        if spec.internal == Internal::Client {
            return self.alloc_client(h_object, cls);
        }
        // Channel IDs are the GPU's, across clients.
        let used: HashSet<(u32, u32)> = if spec.internal == Internal::Channel {
            self.clients
                .values()
                .flat_map(|c| c.objects.values())
                .filter_map(|o| match &o.kind {
                    Kind::Channel(ch) => Some((ch.runlist, ch.chid)),
                    _ => None,
                })
                .collect()
        } else {
            HashSet::new()
        };
        let mem = self.mem.clone();
        let client = self.clients.get_mut(&h_client).ok_or_else(|| {
            (
                status::INVALID_OBJECT_HANDLE,
                format!("no client {h_client:#010x}"),
            )
        })?;
        if h_object == h_client {
            return Err((
                status::INVALID_OBJECT_PARENT,
                "hObject is the client's handle, which only a client can have".into(),
            ));
        }
        let parent = client.objects.get(&h_parent).ok_or_else(|| {
            (
                status::OBJECT_NOT_FOUND,
                format!("no object {h_parent:#010x} in the client"),
            )
        })?;
        if !spec.parents.contains(&parent.kind.internal()) {
            return Err((
                status::INVALID_OBJECT_PARENT,
                format!(
                    "{} cannot be allocated under {} ({:#x})",
                    class::name(cls),
                    class::name(parent.class),
                    parent.class
                ),
            ));
        }
        let handle = if h_object == 0 {
            loop {
                let h = GENERATED_HANDLE_BASE.wrapping_add(client.generated);
                client.generated = client.generated.wrapping_add(1);
                if !client.objects.contains_key(&h) && h != h_client {
                    break h;
                }
            }
        } else if client.objects.contains_key(&h_object) {
            return Err((
                status::INSERT_DUPLICATE_NAME,
                format!("the client already has an object {h_object:#010x}"),
            ));
        } else {
            h_object
        };
        let f = Fields(p);
        let kind = match spec.internal {
            Internal::Device => {
                if p.is_empty() {
                    return Err((
                        status::INVALID_ARGUMENT,
                        "a device needs NV0080_ALLOC_PARAMETERS (resservResourceFactory)".into(),
                    ));
                }
                let device_id = f.u32(0x00);
                if device_id >= params::NV_MAX_DEVICES {
                    return Err((
                        status::INVALID_ARGUMENT,
                        format!("deviceId {device_id} is not below NV_MAX_DEVICES"),
                    ));
                }
                if device_id != 0 {
                    return Err((
                        status::INVALID_STATE,
                        format!("deviceId {device_id}: there is no such GPU, only device 0"),
                    ));
                }
                Kind::Device {
                    device_id,
                    client_share: f.u32(0x04),
                }
            }
            Internal::Subdevice => {
                // nvsim's check: one GPU per device, so subdevice 0 only.
                let subdevice_id = f.u32(0x00);
                if subdevice_id != 0 {
                    return Err((
                        status::INVALID_ARGUMENT,
                        format!("subDeviceId {subdevice_id}: the device has one GPU, 0"),
                    ));
                }
                Kind::Subdevice { subdevice_id }
            }
            Internal::VaSpace => {
                let v = VaSpace::from_params(p);
                if v.index != params::VASPACE_INDEX_GPU_NEW {
                    let line = format!(
                        "GSP-RM: FERMI_VASPACE_A with index {} (not GPU_NEW) is not modelled; \
                         it answers NV_ERR_NOT_SUPPORTED",
                        v.index
                    );
                    log_once(
                        &mut self.logged,
                        trace,
                        format!("vaspace index {}", v.index),
                        line,
                    );
                    return Err((status::NOT_SUPPORTED, "VA space index not modelled".into()));
                }
                Kind::VaSpace(v)
            }
            Internal::Channel => {
                let h_vas = f.u32(0x1c);
                let pd = match h_vas {
                    0 => {
                        return Err((
                            status::NOT_SUPPORTED,
                            "hVASpace 0 (the device's default VA space) is not modelled".into(),
                        ))
                    }
                    h => match client.objects.get(&h) {
                        None => {
                            return Err((
                                status::OBJECT_NOT_FOUND,
                                format!("hVASpace {h:#010x}: no such object in the client"),
                            ))
                        }
                        Some(Object {
                            kind: Kind::VaSpace(v),
                            ..
                        }) => mmu_page_dir(v).ok_or_else(|| {
                            (
                                status::INVALID_STATE,
                                format!(
                                    "VA space {h:#010x} has no root page directory \
                                     (NV0080_CTRL_CMD_DMA_SET_PAGE_DIRECTORY first)"
                                ),
                            )
                        })?,
                        Some(o) => {
                            return Err((
                                status::INVALID_OBJECT_HANDLE,
                                format!("hVASpace {h:#010x} is a {}", class::name(o.class)),
                            ))
                        }
                    },
                };
                let vram_size = mem.as_ref().map_or(0, |m| m.vram.size());
                let ch = channel::build(p, vram_size, |r, c| used.contains(&(r, c)))?;
                let Some(mem) = mem.as_ref() else {
                    return Err((status::INVALID_STATE, "GSP-RM has no memory".into()));
                };
                channel::write_instance(mem, arch, &ch, &pd)
                    .map_err(|e| (status::INVALID_ADDRESS, e))?;
                trace.trace(|| {
                    format!(
                        "GSP-RM: channel {handle:#010x}: {} runlist {} chid {} (token {:#x}), \
                         GPFIFO VA {:#x} x {}, instance block {}, USERD {}; RAMFC and \
                         PAGE_DIR_BASE ({}) written",
                        channel::engine_name(ch.engine_type),
                        ch.runlist,
                        ch.chid,
                        ch.token(arch),
                        ch.gp_fifo_offset,
                        ch.gp_fifo_entries,
                        ch.inst,
                        ch.userd,
                        pd.base
                    )
                });
                Kind::Channel(Box::new(ch))
            }
            Internal::Ce => {
                let Some(Object {
                    kind: Kind::Channel(ch),
                    ..
                }) = client.objects.get_mut(&h_parent)
                else {
                    return Err((status::INVALID_OBJECT_PARENT, "not under a channel".into()));
                };
                if !p.is_empty() {
                    let (version, engine) = (f.u32(0), f.u32(4));
                    if version != 1 {
                        return Err((
                            status::INVALID_ARGUMENT,
                            format!("NVC0B5_ALLOCATION_PARAMETERS version {version}, not 1"),
                        ));
                    }
                    if engine != ch.engine_type {
                        return Err((
                            status::INVALID_ARGUMENT,
                            format!(
                                "engineType {} is not the channel's {}",
                                channel::engine_name(engine),
                                channel::engine_name(ch.engine_type)
                            ),
                        ));
                    }
                }
                if let Some(old) = ch.ce_object {
                    return Err((
                        status::INVALID_STATE,
                        format!("the channel has a copy-engine object already ({old:#010x})"),
                    ));
                }
                ch.ce_object = Some(handle);
                Kind::Ce {
                    engine_type: ch.engine_type,
                }
            }
            Internal::Usermode => Kind::Usermode,
            // Clients were allocated above; none has a parent.
            Internal::Client => {
                return Err((
                    status::INVALID_OBJECT_PARENT,
                    "a client has no parent".into(),
                ))
            }
        };
        let obj = Object {
            class: cls,
            parent: h_parent,
            kind,
        };
        client.objects.insert(handle, obj);
        Ok(handle)
    }

    fn alloc_client(&mut self, h_object: u32, cls: u32) -> Result<u32, Refusal> {
        let handle = if h_object == 0 {
            loop {
                let h = GENERATED_CLIENT_BASE | (self.generated_clients & 0xf_ffff);
                self.generated_clients = self.generated_clients.wrapping_add(1);
                if !self.clients.contains_key(&h) {
                    break h;
                }
            }
        } else {
            h_object
        };
        if self.clients.contains_key(&handle) {
            return Err((
                status::INSERT_DUPLICATE_NAME,
                format!("a client {handle:#010x} exists"),
            ));
        }
        let mut c = Client::default();
        c.objects.insert(
            handle,
            Object {
                class: cls,
                parent: handle,
                kind: Kind::Client,
            },
        );
        self.clients.insert(handle, c);
        Ok(handle)
    }

    fn free(&mut self, p: &[u8], trace: &Trace) -> (u32, Vec<u8>) {
        if p.len() < abi::FREE_SIZE {
            trace.log(format!(
                "GSP-RM: FREE of {:#x} bytes, shorter than NVOS00_PARAMETERS' {:#x}; RPC \
                 result NV_ERR_INVALID_PARAM_STRUCT",
                p.len(),
                abi::FREE_SIZE
            ));
            return (status::INVALID_PARAM_STRUCT, p.to_vec());
        }
        let f = Fields(p);
        let (h_root, h_parent, h_old) = (f.u32(0x00), f.u32(0x04), f.u32(0x08));
        let what = format!(
            "FREE client {h_root:#010x} object {h_old:#010x} (hObjectParent {h_parent:#x})"
        );
        let st = match self.clients.get_mut(&h_root) {
            None => {
                trace.log(format!(
                    "GSP-RM: RM free refused: {what}: {}: no client {h_root:#010x}",
                    status::name(status::INVALID_OBJECT_HANDLE)
                ));
                status::INVALID_OBJECT_HANDLE
            }
            Some(c) if !c.objects.contains_key(&h_old) => {
                trace.log(format!(
                    "GSP-RM: RM free: {what}: the client has no such object; NV_OK, as RM in \
                     RS_COMPATABILITY_MODE answers"
                ));
                status::OK
            }
            Some(c) => {
                let freed = free_tree(c, h_old);
                for (_, o) in &freed {
                    if let (
                        Kind::Ce { .. },
                        Some(Object {
                            kind: Kind::Channel(ch),
                            ..
                        }),
                    ) = (&o.kind, c.objects.get_mut(&o.parent))
                    {
                        ch.ce_object = None;
                    }
                }
                for (h, o) in freed {
                    trace.trace(|| {
                        format!(
                            "GSP-RM: RM object freed: client {h_root:#010x} object {h:#010x} \
                             class {:#x} ({})",
                            o.class,
                            class::name(o.class)
                        )
                    });
                }
                if h_old == h_root {
                    self.clients.remove(&h_root);
                }
                status::OK
            }
        };
        let mut reply = p.to_vec();
        put32(&mut reply, abi::FREE_STATUS, st);
        (status::OK, reply)
    }

    fn control(&mut self, p: &[u8], trace: &Trace) -> (u32, Vec<u8>) {
        if p.len() < abi::CONTROL_HDR {
            trace.log(format!(
                "GSP-RM: GSP_RM_CONTROL of {:#x} bytes, shorter than \
                 rpc_gsp_rm_control_v03_00's {:#x}; RPC result NV_ERR_INVALID_PARAM_STRUCT",
                p.len(),
                abi::CONTROL_HDR
            ));
            return (status::INVALID_PARAM_STRUCT, p.to_vec());
        }
        let f = Fields(p);
        let (h_client, h_object, cmd) = (f.u32(0x00), f.u32(0x04), f.u32(0x08));
        let size = f.u32(0x10) as usize;
        let what = format!(
            "GSP_RM_CONTROL client {h_client:#010x} object {h_object:#010x} {}",
            ctrl::name(cmd)
        );
        let mut reply = p.to_vec();
        let result = match reply.get_mut(abi::CONTROL_HDR..abi::CONTROL_HDR + size) {
            None => Err((
                status::INVALID_PARAM_STRUCT,
                format!(
                    "paramsSize {size:#x} is beyond the message's {:#x} bytes of parameters",
                    p.len() - abi::CONTROL_HDR
                ),
            )),
            Some(params) => self.control_checked(h_client, h_object, cmd, params, trace),
        };
        let st = match result {
            Ok(note) => {
                trace.trace(|| format!("GSP-RM: RM control: {what}: NV_OK{note}"));
                status::OK
            }
            Err((st, why)) => {
                trace.log(format!(
                    "GSP-RM: RM control: {what}: {}: {why}",
                    status::name(st)
                ));
                st
            }
        };
        put32(&mut reply, abi::CONTROL_STATUS, st);
        (status::OK, reply)
    }

    /// Runs a control; `Ok` carries a note for the trace.
    fn control_checked(
        &mut self,
        h_client: u32,
        h_object: u32,
        cmd: u32,
        p: &mut [u8],
        trace: &Trace,
    ) -> Result<String, Refusal> {
        let root_entries = abi::root_entries(self.chip.arch);
        let gr = self.chip.gr;
        let client = self.clients.get_mut(&h_client).ok_or_else(|| {
            (
                status::INVALID_OBJECT_HANDLE,
                format!("no client {h_client:#010x}"),
            )
        })?;
        let obj = client.objects.get(&h_object).ok_or_else(|| {
            (
                status::OBJECT_NOT_FOUND,
                format!("no object {h_object:#010x} in the client"),
            )
        })?;
        let (cls, internal) = (obj.class, obj.kind.internal());
        let want = match (internal, cmd) {
            (Internal::Device, ctrl::NV0080_DMA_SET_PAGE_DIRECTORY) => {
                ctrl::SET_PAGE_DIRECTORY_SIZE
            }
            (Internal::Device, ctrl::NV0080_DMA_UNSET_PAGE_DIRECTORY) => {
                ctrl::UNSET_PAGE_DIRECTORY_SIZE
            }
            (Internal::Subdevice, ctrl::NV2080_GPU_GET_FERMI_GPC_INFO) => {
                ctrl::GET_FERMI_GPC_INFO_SIZE
            }
            (Internal::Subdevice, ctrl::NV2080_GPU_GET_FERMI_TPC_INFO) => {
                ctrl::GET_FERMI_TPC_INFO_SIZE
            }
            (Internal::Subdevice, channel::ctrl::FIFO_GET_DEVICE_INFO_TABLE) => {
                channel::ctrl::DEVICE_INFO_SIZE
            }
            (Internal::Subdevice, channel::ctrl::CE_GET_FAULT_METHOD_BUFFER_SIZE) => {
                channel::ctrl::FAULT_METHOD_BUFFER_SIZE_SIZE
            }
            (Internal::Subdevice, channel::ctrl::INTERNAL_INTR_GET_KERNEL_TABLE) => {
                channel::ctrl::INTR_TABLE_SIZE
            }
            (Internal::Subdevice, channel::ctrl::GPU_GET_ENGINES_V2) => {
                channel::ctrl::GET_ENGINES_V2_SIZE
            }
            (
                Internal::Channel,
                channel::ctrl::A06F_BIND
                | channel::ctrl::C36F_BIND
                | channel::ctrl::C36F_GET_WORK_SUBMIT_TOKEN,
            ) => 4,
            (
                Internal::Channel,
                channel::ctrl::A06F_GPFIFO_SCHEDULE | channel::ctrl::C36F_GPFIFO_SCHEDULE,
            ) => channel::ctrl::SCHEDULE_SIZE,
            _ => {
                let line = format!(
                    "GSP-RM: {} on {} ({cls:#x}) is not modelled; it answers \
                     NV_ERR_NOT_SUPPORTED",
                    ctrl::name(cmd),
                    class::name(cls)
                );
                log_once(
                    &mut self.logged,
                    trace,
                    format!("cmd {cmd:#x} class {cls:#x}"),
                    line,
                );
                return Err((status::NOT_SUPPORTED, "command not modelled".into()));
            }
        };
        if p.len() != want {
            return Err((
                status::INVALID_PARAM_STRUCT,
                format!(
                    "paramsSize {:#x}, the command's parameters are {want:#x} bytes",
                    p.len()
                ),
            ));
        }
        if internal == Internal::Channel {
            let arch = self.chip.arch;
            let Some(Object {
                kind: Kind::Channel(ch),
                ..
            }) = client.objects.get_mut(&h_object)
            else {
                return Err((status::OBJECT_NOT_FOUND, "no channel".into()));
            };
            return channel_control(ch, arch, cmd, p);
        }
        match cmd {
            channel::ctrl::FIFO_GET_DEVICE_INFO_TABLE => Ok(channel::device_info_table(p)),
            channel::ctrl::INTERNAL_INTR_GET_KERNEL_TABLE => Ok(channel::intr_get_kernel_table(p)),
            channel::ctrl::GPU_GET_ENGINES_V2 => Ok(channel::get_engines_v2(p)),
            channel::ctrl::CE_GET_FAULT_METHOD_BUFFER_SIZE => {
                put32(p, 0, channel::FAULT_METHOD_BUFFER_SIZE);
                Ok(format!(" (size {:#x})", channel::FAULT_METHOD_BUFFER_SIZE))
            }
            ctrl::NV2080_GPU_GET_FERMI_GPC_INFO => {
                put32(p, 0, gr.gpc_mask());
                Ok(format!(" (gpcMask {:#x})", gr.gpc_mask()))
            }
            ctrl::NV2080_GPU_GET_FERMI_TPC_INFO => {
                let gpc = Fields(p).u32(0);
                put32(p, 4, gr.tpc_mask(gpc));
                Ok(format!(" (gpcId {gpc}: tpcMask {:#x})", gr.tpc_mask(gpc)))
            }
            ctrl::NV0080_DMA_SET_PAGE_DIRECTORY => {
                let (h_vas, pd) = vaspace::parse_set(p);
                let vas = va_space(client, h_vas)?;
                if pd.subdevice_id > 1 {
                    // nvsim's check: ID+1 of the device's only subdevice.
                    return Err((
                        status::INVALID_ARGUMENT,
                        format!("subDeviceId {} names no subdevice", pd.subdevice_id),
                    ));
                }
                vaspace::set(vas, pd, root_entries)?;
                // RM re-points the VA space's channels at the new root
                // (`ctrl0080dma.h`: "channels must be idle").
                let mut repointed = 0;
                if let (Some(mmu_pd), Some(mem)) = (mmu_page_dir(vas), self.mem.as_ref()) {
                    for o in client.objects.values() {
                        if let Kind::Channel(ch) = &o.kind {
                            if ch.h_vaspace == h_vas {
                                channel::write_instance(mem, self.chip.arch, ch, &mmu_pd)
                                    .map_err(|e| (status::INVALID_ADDRESS, e))?;
                                repointed += 1;
                            }
                        }
                    }
                }
                Ok(format!(
                    " (VA space {h_vas:#010x}: root page directory at {:#x}, {:?}, {} entries, \
                     flags {:#x}; {repointed} channel(s) re-pointed)",
                    pd.phys_address, pd.aperture, pd.num_entries, pd.flags
                ))
            }
            _ => {
                let (h_vas, _) = vaspace::parse_unset(p);
                let vas = va_space(client, h_vas)?;
                let old = vaspace::unset(vas)?;
                Ok(match old {
                    Some(pd) => format!(
                        " (VA space {h_vas:#010x}: root page directory at {:#x} forgotten)",
                        pd.phys_address
                    ),
                    None => format!(" (VA space {h_vas:#010x} had no root page directory)"),
                })
            }
        }
    }
}

/// A control on channel `ch`.
fn channel_control(
    ch: &mut Channel,
    arch: Arch,
    cmd: u32,
    p: &mut [u8],
) -> Result<String, Refusal> {
    use channel::ctrl as c;
    match cmd {
        c::A06F_BIND | c::C36F_BIND => {
            let engine = Fields(p).u32(0);
            if engine != ch.engine_type {
                return Err((
                    status::INVALID_ARGUMENT,
                    format!(
                        "engineType {} is not the channel's {}",
                        channel::engine_name(engine),
                        channel::engine_name(ch.engine_type)
                    ),
                ));
            }
            if ch.bound {
                return Err((status::INVALID_STATE, "the channel is bound already".into()));
            }
            ch.bound = true;
            Ok(format!(
                " (chid {} bound to {} on runlist {})",
                ch.chid,
                channel::engine_name(engine),
                ch.runlist
            ))
        }
        c::A06F_GPFIFO_SCHEDULE | c::C36F_GPFIFO_SCHEDULE => {
            if !ch.bound {
                return Err((
                    status::INVALID_STATE,
                    "the channel is not bound to its engine (NVA06F_CTRL_CMD_BIND first)".into(),
                ));
            }
            ch.scheduled = p[0] != 0;
            Ok(format!(
                " (chid {} {})",
                ch.chid,
                if ch.scheduled {
                    "scheduled"
                } else {
                    "unscheduled"
                }
            ))
        }
        _ => {
            let token = ch.token(arch);
            put32(p, 0, token);
            Ok(format!(" (workSubmitToken {token:#x})"))
        }
    }
}

/// The page directory of a VA space as the MMU walks it: the registered
/// root's aperture and address, and the VA space's big page size
/// (`bigPageSize` 128 KiB, else RM's default 64 KiB).
pub fn mmu_page_dir(v: &VaSpace) -> Option<crate::mmu::PageDir> {
    use crate::mmu::{Aperture as Ap, PhysAddr};
    let pd = v.page_dir?;
    let aperture = match pd.aperture {
        vaspace::Aperture::Vidmem => Ap::Vram,
        vaspace::Aperture::SysmemCoherent => Ap::SysCoherent,
        vaspace::Aperture::SysmemNoncoherent => Ap::SysNonCoherent,
    };
    Some(crate::mmu::PageDir {
        base: PhysAddr {
            aperture,
            addr: pd.phys_address,
        },
        big_page_shift: if v.big_page_size == 0x2_0000 { 17 } else { 16 },
    })
}

/// Logs `line` unless a line with `key` was logged before.
fn log_once(logged: &mut HashSet<String>, trace: &Trace, key: String, line: String) {
    if logged.insert(key) {
        trace.log(line);
    }
}

/// The VA space `h` of `client` for a page directory control
/// (`vaspaceGetByHandleOrDeviceDefault_IMPL`: 0 means the device's default
/// VA space, which nvsim does not model; an unknown handle:
/// NV_ERR_OBJECT_NOT_FOUND; another object: NV_ERR_INVALID_OBJECT_HANDLE).
fn va_space(client: &mut Client, h: u32) -> Result<&mut VaSpace, Refusal> {
    if h == 0 {
        return Err((
            status::NOT_SUPPORTED,
            "hVASpace 0 (the device's default VA space) is not modelled".into(),
        ));
    }
    match client.objects.get_mut(&h) {
        None => Err((
            status::OBJECT_NOT_FOUND,
            format!("no object {h:#010x} in the client"),
        )),
        Some(Object {
            kind: Kind::VaSpace(v),
            ..
        }) => Ok(v),
        Some(o) => Err((
            status::INVALID_OBJECT_HANDLE,
            format!("{h:#010x} is a {}, not a VA space", class::name(o.class)),
        )),
    }
}

/// Removes `root` and everything under it (and its dependants) from
/// `client`, children before their parents; returns what it removed, in
/// that order.
fn free_tree(client: &mut Client, root: u32) -> Vec<(u32, Object)> {
    let mut order = Vec::new();
    let mut stack = vec![(root, false)];
    while let Some((h, expanded)) = stack.pop() {
        if expanded {
            order.push(h);
            continue;
        }
        stack.push((h, true));
        for (child, o) in &client.objects {
            // Children, and the dependants RM registered: a channel depends
            // on its VA space (`kchannelConstruct`: refAddDependant), and
            // a freed object's dependants are torn down first
            // (`clientUpdatePendingFreeList`, `rs_resource.h`).
            let dependant = matches!(&o.kind, Kind::Channel(ch) if ch.h_vaspace == h);
            if (o.parent == h || dependant) && *child != h && !order.contains(child) {
                stack.push((*child, false));
            }
        }
    }
    order
        .into_iter()
        .filter_map(|h| client.objects.remove(&h).map(|o| (h, o)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chip(name: &str) -> &'static Chip {
        Chip::by_name(name).unwrap_or_else(|| panic!("chip {name}"))
    }

    fn alloc(o: &mut Objects, t: &Trace, hc: u32, hp: u32, ho: u32, cls: u32, p: &[u8]) -> u32 {
        let mut m = vec![0u8; abi::ALLOC_HDR];
        for (i, v) in [hc, hp, ho, cls, 0xffff_ffff, p.len() as u32]
            .iter()
            .enumerate()
        {
            m[4 * i..4 * i + 4].copy_from_slice(&v.to_le_bytes());
        }
        m.extend_from_slice(p);
        let (res, r) = o.handle(abi::GSP_RM_ALLOC, &m, t);
        assert_eq!((res, r.len()), (0, m.len()));
        Fields(&r).u32(abi::ALLOC_STATUS)
    }

    #[test]
    fn hopper_root_level_has_two_entries_and_tree_frees_children_first() {
        let t = Trace::memory(true);
        let mut o = Objects::new(chip("gh100"));
        assert_eq!(abi::root_entries(o.chip.arch), 2);
        assert_eq!(alloc(&mut o, &t, 1, 1, 1, 0, &[]), 0);
        assert_eq!(alloc(&mut o, &t, 1, 1, 2, 0x80, &[0; 0x38]), 0);
        assert_eq!(alloc(&mut o, &t, 1, 2, 3, 0x2080, &[0; 4]), 0);
        let mut vas = [0u8; 0x30];
        vas[4] = 8;
        assert_eq!(alloc(&mut o, &t, 1, 3, 4, 0x90f1, &vas), 0);
        assert_eq!(o.len(), INTERNAL_OBJECTS + 4);
        let c = o.clients.get_mut(&1).unwrap_or_else(|| panic!("client"));
        let order: Vec<u32> = free_tree(c, 1).into_iter().map(|(h, _)| h).collect();
        assert_eq!(order, [4, 3, 2, 1]);
    }

    fn control(o: &mut Objects, t: &Trace, hc: u32, ho: u32, cmd: u32, p: &[u8]) -> (u32, Vec<u8>) {
        let mut m = vec![0u8; abi::CONTROL_HDR];
        for (i, v) in [hc, ho, cmd, 0xffff_ffff, p.len() as u32]
            .iter()
            .enumerate()
        {
            m[4 * i..4 * i + 4].copy_from_slice(&v.to_le_bytes());
        }
        m.extend_from_slice(p);
        let (res, r) = o.handle(abi::GSP_RM_CONTROL, &m, t);
        assert_eq!(res, 0);
        (
            Fields(&r).u32(abi::CONTROL_STATUS),
            r[abi::CONTROL_HDR..].to_vec(),
        )
    }

    /// Hopper and GB20x channels (no boot of theirs in the test rig yet):
    /// their classes, RAMFC's GP_BASE words (18/19; 36/37 on GB20x,
    /// `gb100/dev_ram.h`), PAGE_DIR_BASE without USE_VER2_PT_FORMAT (ver3),
    /// and GB20x's token bit 30.
    #[test]
    fn hopper_and_gb20x_channels() {
        for (name, gpfifo, ce, words, token) in [
            ("gh100", 0xc86f, 0xc8b5, (18u64, 19u64), 0x1_0001),
            ("gb202", 0xca6f, 0xcab5, (36, 37), 0x4001_0001),
        ] {
            let t = Trace::memory(true);
            let vram = crate::vram::Vram::new(64 << 20);
            let mem = Memory {
                vram: vram.clone(),
                dma: crate::dma::DmaSpace::new(t.clone()),
            };
            let mut o = Objects::new(chip(name)).with_memory(mem.clone());
            assert_eq!(alloc(&mut o, &t, 1, 1, 1, 0, &[]), 0);
            assert_eq!(alloc(&mut o, &t, 1, 1, 2, 0x80, &[0; 0x38]), 0);
            let mut vas = [0u8; 0x30];
            vas[4] = 8;
            assert_eq!(alloc(&mut o, &t, 1, 2, 3, 0x90f1, &vas), 0);
            let mut pd = [0u8; 0x20];
            pd[0..8].copy_from_slice(&0x10_0000u64.to_le_bytes());
            pd[8] = 2;
            pd[0x10..0x14].copy_from_slice(&3u32.to_le_bytes());
            assert_eq!(control(&mut o, &t, 1, 2, 0x80_1813, &pd).0, 0, "{name}");
            let mut p = vec![0u8; channel::CHANNEL_PARAMS];
            let mut put = |at: usize, v: u64, n: usize| {
                p[at..at + n].copy_from_slice(&v.to_le_bytes()[..n]);
            };
            put(0x08, 0x20_0000_1000, 8);
            put(0x10, 64, 4);
            put(0x14, (1 << 8) | (1 << 21), 4);
            put(0x1c, 3, 4);
            put(0x80, 9, 4);
            for (at, base, size) in [
                (0x90, 0x20_0000, 0x1000),
                (0xa8, 0x20_1000, 0x200),
                (0xc0, 0x20_0000, 0x200),
                (0xd8, 0x20_2000, 0x1000),
            ] {
                put(at, base, 8);
                put(at + 8, size, 8);
                put(at + 16, 2, 4);
            }
            assert_eq!(
                alloc(&mut o, &t, 1, 2, 4, gpfifo, &p),
                0,
                "{name}: {:?}",
                t.lines()
            );
            assert_eq!(
                alloc(&mut o, &t, 1, 2, 5, 0xc56f, &p),
                status::INVALID_CLASS
            );
            let rd = |word: u64| {
                let mut b = [0u8; 4];
                mem.read(crate::mmu::PhysAddr::vram(0x20_0000 + word * 4), &mut b)
                    .unwrap_or_else(|e| panic!("{e}"));
                u32::from_le_bytes(b)
            };
            assert_eq!(rd(words.0), 0x1000, "{name}");
            assert_eq!(rd(words.1), 0x20 | (6 << 16), "{name}");
            assert_eq!(rd(128), 0x10_0000 | (1 << 11), "{name}: ver3, no VER2 bit");
            let mut b = [0u8; 4];
            b[0] = 9;
            assert_eq!(control(&mut o, &t, 1, 4, 0xa06f_0104, &b).0, 0);
            let (st, r) = control(&mut o, &t, 1, 4, 0xc36f_0108, &[0; 4]);
            assert_eq!((st, Fields(&r).u32(0)), (0, token), "{name}");
            let mut c = [0u8; 8];
            c[0] = 1;
            c[4] = 9;
            assert_eq!(alloc(&mut o, &t, 1, 4, 6, ce, &c), 0, "{name}");
            // The usermode class takes Hopper's two-byte parameters.
            assert_eq!(alloc(&mut o, &t, 1, 2, 7, 0x2080, &[0; 4]), 0);
            let um = abi::class::for_arch(chip(name).arch).usermode;
            assert_eq!(alloc(&mut o, &t, 1, 7, 8, um, &[0; 2]), 0, "{name}");
        }
    }
}
