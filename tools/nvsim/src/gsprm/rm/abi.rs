//! The r570.144 layouts and numbers of GSP-RM's object RPCs, as nvsim's RM
//! model reads and writes them. Written from the facts; each group names
//! its source.
//!
//! RPC layouts (open-gpu-kernel-modules `src/nvidia/generated/
//! g_rpc-structures.h`; nouveau `nvkm/subdev/gsp/rm/r535/nvrm/alloc.h` and
//! `ctrl.h`, which nouveau's r570 code uses unchanged with 570.144,
//! `rm/r570/rm.c` `.alloc = &r535_alloc`, `.ctrl = &r535_ctrl`):
//!
//! * `rpc_gsp_rm_alloc_v03_00`: u32 hClient 0x00, hParent 0x04, hObject
//!   0x08, hClass 0x0c, status 0x10, paramsSize 0x14, flags 0x18, u8
//!   reserved[4] 0x1c, params 0x20;
//! * `rpc_gsp_rm_control_v03_00`: u32 hClient 0x00, hObject 0x04, cmd
//!   0x08, status 0x0c, paramsSize 0x10, flags 0x14, params 0x18 (releases
//!   after 570 add rmctrlFlags, rmctrlAccessRight and a u64 before params;
//!   570.144 has not);
//! * `rpc_free_v03_00` = `NVOS00_PARAMETERS_v03_00`: u32 hRoot 0x00,
//!   hObjectParent 0x04, hObjectOld 0x08, status 0x0c.
//!
//! Function numbers: nova-core `gsp/fw/r570_144/bindings.rs`
//! (`NV_VGPU_MSG_FUNCTION_FREE` 10, `_GSP_RM_CONTROL` 76, `_GSP_RM_ALLOC`
//! 103). Status values: open-gpu-kernel-modules `nvstatuscodes.h`.

use crate::chip::Arch;
use crate::le::{le32, le64};

/// `NV_VGPU_MSG_FUNCTION_FREE`.
pub const FREE: u32 = 10;
/// `NV_VGPU_MSG_FUNCTION_GSP_RM_CONTROL`.
pub const GSP_RM_CONTROL: u32 = 76;
/// `NV_VGPU_MSG_FUNCTION_GSP_RM_ALLOC`.
pub const GSP_RM_ALLOC: u32 = 103;

/// Size of `rpc_gsp_rm_alloc_v03_00` up to its params.
pub const ALLOC_HDR: usize = 0x20;
/// Offset of the alloc `status`.
pub const ALLOC_STATUS: usize = 0x10;
/// Offset of the alloc `hObject` (where a handle RM generated goes back).
pub const ALLOC_OBJECT: usize = 0x08;
/// Size of `rpc_gsp_rm_control_v03_00` up to its params.
pub const CONTROL_HDR: usize = 0x18;
/// Offset of the control `status`.
pub const CONTROL_STATUS: usize = 0x0c;
/// Size of `NVOS00_PARAMETERS_v03_00`.
pub const FREE_SIZE: usize = 0x10;
/// Offset of the free `status`.
pub const FREE_STATUS: usize = 0x0c;

/// NV_STATUS values (`nvstatuscodes.h`).
pub mod status {
    /// `NV_OK`.
    pub const OK: u32 = 0x00;
    /// `NV_ERR_INSERT_DUPLICATE_NAME`.
    pub const INSERT_DUPLICATE_NAME: u32 = 0x19;
    /// `NV_ERR_INVALID_ARGUMENT`.
    pub const INVALID_ARGUMENT: u32 = 0x1f;
    /// `NV_ERR_INVALID_CLASS`.
    pub const INVALID_CLASS: u32 = 0x22;
    /// `NV_ERR_INVALID_CLIENT`.
    pub const INVALID_CLIENT: u32 = 0x23;
    /// `NV_ERR_INVALID_OBJECT_HANDLE`.
    pub const INVALID_OBJECT_HANDLE: u32 = 0x33;
    /// `NV_ERR_INVALID_OBJECT_PARENT`.
    pub const INVALID_OBJECT_PARENT: u32 = 0x36;
    /// `NV_ERR_INVALID_PARAM_STRUCT`.
    pub const INVALID_PARAM_STRUCT: u32 = 0x3a;
    /// `NV_ERR_INVALID_STATE`.
    pub const INVALID_STATE: u32 = 0x40;
    /// `NV_ERR_INSUFFICIENT_RESOURCES`.
    pub const INSUFFICIENT_RESOURCES: u32 = 0x1a;
    /// `NV_ERR_INVALID_ADDRESS`.
    pub const INVALID_ADDRESS: u32 = 0x1e;
    /// `NV_ERR_INVALID_LIMIT`.
    pub const INVALID_LIMIT: u32 = 0x2e;
    /// `NV_ERR_NOT_SUPPORTED`.
    pub const NOT_SUPPORTED: u32 = 0x56;
    /// `NV_ERR_OBJECT_NOT_FOUND`.
    pub const OBJECT_NOT_FOUND: u32 = 0x57;

    /// The name of a status, for the log.
    pub fn name(s: u32) -> String {
        let n = match s {
            OK => "NV_OK",
            INSERT_DUPLICATE_NAME => "NV_ERR_INSERT_DUPLICATE_NAME",
            INVALID_ARGUMENT => "NV_ERR_INVALID_ARGUMENT",
            INVALID_CLASS => "NV_ERR_INVALID_CLASS",
            INVALID_CLIENT => "NV_ERR_INVALID_CLIENT",
            INVALID_OBJECT_HANDLE => "NV_ERR_INVALID_OBJECT_HANDLE",
            INVALID_OBJECT_PARENT => "NV_ERR_INVALID_OBJECT_PARENT",
            INVALID_PARAM_STRUCT => "NV_ERR_INVALID_PARAM_STRUCT",
            INVALID_STATE => "NV_ERR_INVALID_STATE",
            INSUFFICIENT_RESOURCES => "NV_ERR_INSUFFICIENT_RESOURCES",
            INVALID_ADDRESS => "NV_ERR_INVALID_ADDRESS",
            INVALID_LIMIT => "NV_ERR_INVALID_LIMIT",
            NOT_SUPPORTED => "NV_ERR_NOT_SUPPORTED",
            OBJECT_NOT_FOUND => "NV_ERR_OBJECT_NOT_FOUND",
            _ => return format!("{s:#x}"),
        };
        format!("{n} ({s:#x})")
    }
}

/// Class numbers. Modelled: `NV01_ROOT` (`nvos.h`, `class/cl0000.h`),
/// `NV01_ROOT_NON_PRIV` and `NV01_ROOT_CLIENT` (`nvos.h`, the same client
/// object, `rs_server.c` `serverAllocResource`), `NV01_DEVICE_0`
/// (`cl0080.h`), `NV20_SUBDEVICE_0` (`cl2080.h`), `FERMI_VASPACE_A`
/// (`cl90f1.h`).
pub mod class {
    /// `NV01_ROOT`.
    pub const NV01_ROOT: u32 = 0x0000;
    /// `NV01_ROOT_NON_PRIV`.
    pub const NV01_ROOT_NON_PRIV: u32 = 0x0001;
    /// `NV01_ROOT_CLIENT`.
    pub const NV01_ROOT_CLIENT: u32 = 0x0041;
    /// `NV01_DEVICE_0`.
    pub const NV01_DEVICE_0: u32 = 0x0080;
    /// `NV20_SUBDEVICE_0`.
    pub const NV20_SUBDEVICE_0: u32 = 0x2080;
    /// `FERMI_VASPACE_A`.
    pub const FERMI_VASPACE_A: u32 = 0x90f1;

    /// Whether `c` allocates a client.
    pub fn is_client(c: u32) -> bool {
        matches!(c, NV01_ROOT | NV01_ROOT_NON_PRIV | NV01_ROOT_CLIENT)
    }

    /// Classes real GSP-RM knows that nvsim does not model (yet): a
    /// GSP_RM_ALLOC of one answers NV_ERR_NOT_SUPPORTED, where a class
    /// unknown to RM answers NV_ERR_INVALID_CLASS. Numbers: nouveau
    /// `include/nvif/class.h`, `rm/r535/nvrm/disp.h`
    /// (`NV04_DISPLAY_COMMON`) and `rm/r535/nvrm/event.h`
    /// (`NV01_EVENT_KERNEL_CALLBACK_EX`).
    pub const UNMODELLED: &[(u32, &str)] = &[
        (0x0073, "NV04_DISPLAY_COMMON"),
        (0x007e, "NV01_EVENT_KERNEL_CALLBACK_EX"),
        (0xa06c, "KEPLER_CHANNEL_GROUP_A"),
    ];

    /// The channel, copy-engine and usermode classes of every generation
    /// (nouveau `include/nvif/class.h`; which generation has which:
    /// nouveau `nvkm/subdev/gsp/rm/{tu1xx,ga100,ga1xx,ad10x,gh100,gb10x,
    /// gb20x}.c`, `.fifo.chan.class`, `.ce.class`, `.usermode.class`).
    /// The chip's own ones are modelled ([`for_arch`]); another
    /// generation's is not a class of this GPU.
    pub const CHANNEL_CLASSES: &[(u32, &str)] = &[
        (0xc361, "VOLTA_USERMODE_A"),
        (0xc461, "TURING_USERMODE_A"),
        (0xc46f, "TURING_CHANNEL_GPFIFO_A"),
        (0xc561, "AMPERE_USERMODE_A"),
        (0xc56f, "AMPERE_CHANNEL_GPFIFO_A"),
        (0xc5b5, "TURING_DMA_COPY_A"),
        (0xc661, "HOPPER_USERMODE_A"),
        (0xc6b5, "AMPERE_DMA_COPY_A"),
        (0xc761, "BLACKWELL_USERMODE_A"),
        (0xc76f, "AMPERE_CHANNEL_GPFIFO_B"),
        (0xc7b5, "AMPERE_DMA_COPY_B"),
        (0xc86f, "HOPPER_CHANNEL_GPFIFO_A"),
        (0xc8b5, "HOPPER_DMA_COPY_A"),
        (0xc96f, "BLACKWELL_CHANNEL_GPFIFO_A"),
        (0xc9b5, "BLACKWELL_DMA_COPY_A"),
        (0xca6f, "BLACKWELL_CHANNEL_GPFIFO_B"),
        (0xcab5, "BLACKWELL_DMA_COPY_B"),
    ];

    /// A generation's GPFIFO channel, copy-engine and usermode classes.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct Classes {
        /// The GPFIFO channel class.
        pub gpfifo: u32,
        /// The copy-engine class.
        pub ce: u32,
        /// The usermode class.
        pub usermode: u32,
    }

    /// The classes of an `arch` GPU (nouveau's tables named above:
    /// Turing `tu1xx.c`, GA10x `ga1xx.c`, AD10x `ad10x.c`, GH100
    /// `gh100.c`, GB10x `gb10x.c`, GB20x `gb20x.c`).
    pub fn for_arch(arch: crate::chip::Arch) -> Classes {
        use crate::chip::Arch;
        let (gpfifo, ce, usermode) = match arch {
            Arch::Turing => (0xc46f, 0xc5b5, 0xc461),
            Arch::Ampere | Arch::Ada => (0xc56f, 0xc7b5, 0xc561),
            Arch::Hopper => (0xc86f, 0xc8b5, 0xc661),
            // nouveau `rm/gb10x.c`: Hopper's usermode class.
            Arch::BlackwellGb10x => (0xc96f, 0xc9b5, 0xc661),
            Arch::BlackwellGb20x => (0xca6f, 0xcab5, 0xc761),
        };
        Classes {
            gpfifo,
            ce,
            usermode,
        }
    }

    /// The name of a class, for the log.
    pub fn name(c: u32) -> &'static str {
        match c {
            NV01_ROOT => "NV01_ROOT",
            NV01_ROOT_NON_PRIV => "NV01_ROOT_NON_PRIV",
            NV01_ROOT_CLIENT => "NV01_ROOT_CLIENT",
            NV01_DEVICE_0 => "NV01_DEVICE_0",
            NV20_SUBDEVICE_0 => "NV20_SUBDEVICE_0",
            FERMI_VASPACE_A => "FERMI_VASPACE_A",
            _ => UNMODELLED
                .iter()
                .chain(CHANNEL_CLASSES)
                .find(|(n, _)| *n == c)
                .map_or("unknown class", |(_, s)| s),
        }
    }
}

/// Allocation parameter structures: their sizes, the one the driver
/// must send (0 where RM allows no parameters).
///
/// * `NV0000_ALLOC_PARAMETERS` (r570.144, nouveau `rm/r570/nvrm/client.h`,
///   an excerpt of the 570.144 headers): u32 hClient 0x00, u32 processID
///   0x04, char processName[100] 0x08, NvP64 pOsPidInfo 0x70; 0x78 bytes.
///   Optional (`resource_list.h`: `RS_OPTIONAL`).
/// * `NV0080_ALLOC_PARAMETERS` (`cl0080.h`, nouveau `r535/nvrm/device.h`):
///   u32 deviceId 0x00, hClientShare 0x04, hTargetClient 0x08,
///   hTargetDevice 0x0c, flags 0x10, u64 vaSpaceSize 0x18,
///   vaStartInternal 0x20, vaLimitInternal 0x28, u32 vaMode 0x30; 0x38
///   bytes. RM's resource factory refuses a device without them
///   (`resservResourceFactory`: NV_ERR_INVALID_ARGUMENT).
/// * `NV2080_ALLOC_PARAMETERS` (`cl2080.h`): u32 subDeviceId; 4 bytes.
///   Optional.
/// * `NV_VASPACE_ALLOCATION_PARAMETERS` (`nvos.h`, nouveau
///   `r535/nvrm/vmm.h`, used unchanged by nouveau's r570 code): u32 index
///   0x00, flags 0x04, u64 vaSize 0x08, vaStartInternal 0x10,
///   vaLimitInternal 0x18, u32 bigPageSize 0x20, u64 vaBase 0x28; 0x30
///   bytes. Required (`RS_REQUIRED`; `rmapiParamsCopyInit` refuses none
///   with NV_ERR_INVALID_ARGUMENT).
pub mod params {
    /// Size of `NV0000_ALLOC_PARAMETERS` (r570.144).
    pub const NV0000: usize = 0x78;
    /// Size of `NV0080_ALLOC_PARAMETERS`.
    pub const NV0080: usize = 0x38;
    /// Size of `NV2080_ALLOC_PARAMETERS`.
    pub const NV2080: usize = 0x4;
    /// Size of `NV_VASPACE_ALLOCATION_PARAMETERS`.
    pub const VASPACE: usize = 0x30;
    /// `NV_MAX_DEVICES` (`nvlimits.h`): a deviceId at or above it is
    /// refused with NV_ERR_INVALID_ARGUMENT (`resservResourceFactory`).
    pub const NV_MAX_DEVICES: u32 = 32;
    /// `NV_VASPACE_ALLOCATION_INDEX_GPU_NEW`.
    pub const VASPACE_INDEX_GPU_NEW: u32 = 0;
    /// `NV_VASPACE_ALLOCATION_FLAGS_SHARED_MANAGEMENT` (bit 2).
    pub const VASPACE_FLAGS_SHARED_MANAGEMENT: u32 = 1 << 2;
    /// `NV_VASPACE_ALLOCATION_FLAGS_IS_EXTERNALLY_OWNED` (bit 3).
    pub const VASPACE_FLAGS_IS_EXTERNALLY_OWNED: u32 = 1 << 3;
}

/// Controls. Command numbers are `(interface id << 8) | message id`.
///
/// * `NV0080_CTRL_CMD_DMA_SET_PAGE_DIRECTORY` 0x801813 on the device
///   (`ctrl0080dma.h`, nouveau `r535/nvrm/vmm.h`):
///   `NV0080_CTRL_DMA_SET_PAGE_DIRECTORY_PARAMS` u64 physAddress 0x00, u32
///   numEntries 0x08, flags 0x0c (APERTURE 1:0: 0 VIDMEM, 1 SYSMEM_COH, 2
///   SYSMEM_NONCOH; PRESERVE_PDES 2:2; ALL_CHANNELS 3:3;
///   IGNORE_CHANNEL_BUSY 4:4; EXTEND_VASPACE 5:5), hVASpace 0x10, chId
///   0x14, subDeviceId 0x18 (ID+1, 0 for broadcast), pasid 0x1c; 0x20
///   bytes.
/// * `NV0080_CTRL_CMD_DMA_UNSET_PAGE_DIRECTORY` 0x801814:
///   `NV0080_CTRL_DMA_UNSET_PAGE_DIRECTORY_PARAMS` hVASpace 0x00,
///   subDeviceId 0x04; 8 bytes.
/// * `NV2080_CTRL_CMD_GPU_GET_FERMI_GPC_INFO` 0x20800137 on a subdevice
///   (`ctrl2080gpu.h`; nouveau `rm/r570/nvrm/gr.h`):
///   `NV2080_CTRL_GPU_GET_FERMI_GPC_INFO_PARAMS` u32 gpcMask (out, "a mask
///   of enabled GPCs"); 4 bytes.
/// * `NV2080_CTRL_CMD_GPU_GET_FERMI_TPC_INFO` 0x20800138:
///   `NV2080_CTRL_GPU_GET_FERMI_TPC_INFO_PARAMS` u32 gpcId 0x00 (in), u32
///   tpcMask 0x04 (out; 0 for a GPC that is not enabled); 8 bytes.
///
/// r570.144's `GspStaticConfigInfo` no longer carries the GPC and TPC
/// masks (r535's had `gpcInfo`/`tpcInfo[MAX_GPC_COUNT]`); nouveau's r570
/// code asks these two controls on GSP-RM's internal subdevice instead
/// (`r570_gsp_get_static_info`, `r570_gr_gpc_mask`, `r570_gr_tpc_mask`).
pub mod ctrl {
    /// `NV0080_CTRL_CMD_DMA_SET_PAGE_DIRECTORY`.
    pub const NV0080_DMA_SET_PAGE_DIRECTORY: u32 = 0x0080_1813;
    /// Its parameter size.
    pub const SET_PAGE_DIRECTORY_SIZE: usize = 0x20;
    /// `NV0080_CTRL_CMD_DMA_UNSET_PAGE_DIRECTORY`.
    pub const NV0080_DMA_UNSET_PAGE_DIRECTORY: u32 = 0x0080_1814;
    /// Its parameter size.
    pub const UNSET_PAGE_DIRECTORY_SIZE: usize = 0x8;
    /// `NV2080_CTRL_CMD_GPU_GET_FERMI_GPC_INFO`.
    pub const NV2080_GPU_GET_FERMI_GPC_INFO: u32 = 0x2080_0137;
    /// Its parameter size.
    pub const GET_FERMI_GPC_INFO_SIZE: usize = 0x4;
    /// `NV2080_CTRL_CMD_GPU_GET_FERMI_TPC_INFO`.
    pub const NV2080_GPU_GET_FERMI_TPC_INFO: u32 = 0x2080_0138;
    /// Its parameter size.
    pub const GET_FERMI_TPC_INFO_SIZE: usize = 0x8;

    /// The name of a command, for the log.
    pub fn name(cmd: u32) -> String {
        match cmd {
            NV0080_DMA_SET_PAGE_DIRECTORY => "NV0080_CTRL_CMD_DMA_SET_PAGE_DIRECTORY".into(),
            NV0080_DMA_UNSET_PAGE_DIRECTORY => "NV0080_CTRL_CMD_DMA_UNSET_PAGE_DIRECTORY".into(),
            NV2080_GPU_GET_FERMI_GPC_INFO => "NV2080_CTRL_CMD_GPU_GET_FERMI_GPC_INFO".into(),
            NV2080_GPU_GET_FERMI_TPC_INFO => "NV2080_CTRL_CMD_GPU_GET_FERMI_TPC_INFO".into(),
            _ => crate::gsprm::rm::channel::ctrl::name(cmd)
                .map_or_else(|| format!("cmd {cmd:#010x}"), str::to_string),
        }
    }
}

/// Root page directory entries a page directory of the chip's GMMU format
/// holds: "ver2" (Turing to Ada, 49-bit VA) has a 2-bit PD3 of 4 entries,
/// "ver3" (Hopper, Blackwell, 57-bit VA) a 1-bit PD4 of 2 (nouveau
/// `vmmgp100.c` and `vmmgh100.c`, the `{ PGD, 2, 8, ... }` and
/// `{ PGD, 1, 8, ... }` root levels; nouveau sends `1 << bits` as
/// numEntries, `r535/vmm.c`). RM refuses a numEntries whose VA limit
/// passes the format's (`gvaspaceExternalRootDirCommit`,
/// NV_ERR_INVALID_ARGUMENT).
pub fn root_entries(arch: Arch) -> u32 {
    match arch {
        Arch::Turing | Arch::Ampere | Arch::Ada => 4,
        Arch::Hopper | Arch::BlackwellGb10x | Arch::BlackwellGb20x => 2,
    }
}

/// A little-endian reader over a parameter block that is known to be long
/// enough; fields past its end read as 0.
#[derive(Clone, Copy)]
pub struct Fields<'a>(pub &'a [u8]);

impl Fields<'_> {
    /// The u32 at `at`.
    pub fn u32(&self, at: usize) -> u32 {
        le32(self.0, at).unwrap_or(0)
    }

    /// The u64 at `at`.
    pub fn u64(&self, at: usize) -> u64 {
        le64(self.0, at).unwrap_or(0)
    }
}

/// Writes `v` at `at` if it fits.
pub fn put32(b: &mut [u8], at: usize, v: u32) {
    if let Some(s) = b.get_mut(at..at + 4) {
        s.copy_from_slice(&v.to_le_bytes());
    }
}
