//! GPFIFO channels, their copy-engine objects, the usermode object, and
//! the controls a driver uses to set a channel going and to find the
//! engines.
//!
//! The object chain (nouveau `rm/r570/fifo.c` `r570_chan_alloc`,
//! `rm/r535/fifo.c` `r535_chan_ramfc_write`, `rm/r535/ce.c`; the same in
//! open-gpu-kernel-modules `kernel_channel.c` `kchannelConstruct_IMPL`):
//! the channel class of the chip (`abi::class::for_arch`) under a device,
//! with `NV_CHANNEL_ALLOC_PARAMS` (r570.144 layout, nouveau
//! `rm/r570/nvrm/fifo.h`, 0x170 bytes: hObjectError 0x00, hObjectBuffer
//! 0x04, u64 gpFifoOffset 0x08, gpFifoEntries 0x10, flags 0x14,
//! hContextShare 0x18, hVASpace 0x1c, hUserdMemory[8] 0x20, u64
//! userdOffset[8] 0x40, engineType 0x80, cid 0x84, subDeviceId 0x88,
//! hObjectEccError 0x8c, the `NV_MEMORY_DESC_PARAMS` {u64 base, u64 size,
//! u32 addressSpace, u32 cacheAttrib} instanceMem 0x90, userdMem 0xa8,
//! ramfcMem 0xc0, mthdbufMem 0xd8, hPhysChannelGroup 0xf0,
//! internalFlags 0xf4, errorNotifierMem 0xf8, eccErrorNotifierMem 0x110,
//! ProcessID 0x128, SubProcessID 0x12c, encryptIv[3] 0x130, decryptIv[3]
//! 0x13c, hmacNonce[8] 0x148, tpcConfigID 0x168 (new in r570; r535's
//! structure ends before it, 0x168 bytes)); then `NVA06F_CTRL_CMD_BIND`
//! (0xa06f0104, {engineType}) and `NVA06F_CTRL_CMD_GPFIFO_SCHEDULE`
//! (0xa06f0103, {NvBool bEnable, NvBool bSkipSubmit}) on the channel
//! (nouveau `rm/r570/nvrm/fifo.h`; the VOLTA aliases 0xc36f0104/0103,
//! open-gpu-kernel-modules `ctrlc36f.h`, are the same commands), then the
//! copy-engine object under the channel with `NVC0B5_ALLOCATION_PARAMETERS`
//! {version 1, engineType} (nouveau `rm/r535/nvrm/ce.h`, `r535_ce_alloc`),
//! and the doorbell token from `NVC36F_CTRL_CMD_GPFIFO_GET_WORK_SUBMIT_TOKEN`
//! (0xc36f0108, {workSubmitToken}, `ctrlc36f.h`).
//!
//! What GSP-RM does with it, and nvsim with it: the instance block,
//! USERD, RAMFC and fault method buffer are the driver's memory (nouveau
//! passes instanceMem and ramfcMem at the same address, RAMFC being the
//! first 0x200 bytes of the instance block, `ramfcMem.size = 0x200`; USERD
//! of 0x200 bytes, `gv100_chan_userd`); GSP-RM writes RAMFC and the
//! instance block's `NV_RAMIN_PAGE_DIR_BASE` for the channel's VA space,
//! and puts the channel on its engine's runlist. nvsim's GSP-RM writes:
//!
//! * `NV_RAMFC_GP_BASE`/`_HI` (words 18/19; GB20x words 36/37, published
//!   `gb100/dev_ram.h`): the ring's GPU VA, bits 39:32 in HI 7:0 and
//!   log2 of the entries in `GP_BASE_HI_LIMIT2` 20:16 (nouveau
//!   `gv100_chan_ramfc_write`: `0x48` = low bits, `0x4c` = high bits |
//!   `limit2 << 16`);
//! * `NV_RAMFC_USERD`/`_HI` (words 2/3, on Turing, where RAMFC holds it:
//!   `gv100_chan_ramfc_write` writes it at 0x008/0x00c; Ampere and later
//!   take USERD from the runlist entry, `NV_RAMRL_ENTRY_CHAN_USERD_PTR`,
//!   which GSP-RM builds and nvsim keeps in [`Channel::userd`]);
//! * `NV_RAMFC_SIGNATURE` 0x0000face (word 4) and `NV_RAMFC_CHID` (word
//!   0x3a, not on GB20x), as nouveau writes them itself without GSP-RM;
//! * `NV_RAMIN_PAGE_DIR_BASE` (words 128/129) for the VA space's root
//!   page directory ([`crate::mmu::inst::encode`]).
//!
//! The engines (the answer to `NV2080_CTRL_CMD_FIFO_GET_DEVICE_INFO_TABLE`,
//! 0x20801112, nouveau `rm/r535/nvrm/fifo.h`, used unchanged by nouveau's
//! r570 code in `r535_fifo_runl_ctor`): nvsim's GPU has GR0 on runlist 0
//! and COPY0..COPY2 on runlists 1..3 (nvsim's choice: real boards have
//! more copy engines; a driver takes them from the table). Each entry's
//! `engineData[]` by `ENGINE_INFO_TYPE_*` index: RM_ENGINE_TYPE (2),
//! RUNLIST (3), RUNLIST_PRI_BASE (11), INSTANCE_ID (10),
//! IS_HOST_DRIVEN_ENGINE (12) set; ENG_DESC (0) is nvsim's
//! `(type << 8) | instance` (RM's `MKENGDESC` of its internal class ids,
//! which are not public). RM_ENGINE_TYPE and NV2080_ENGINE_TYPE share
//! their values for these engines (GR0 1, COPY0 9, nouveau
//! `rm/r570/nvrm/engine.h`). The fault method buffer size
//! (`NV2080_CTRL_CMD_CE_GET_FAULT_METHOD_BUFFER_SIZE`, 0x20802a08,
//! {size}) is nvsim's 0x1000; the buffer is checked to be at least that.
//!
//! Channel IDs: per runlist, from 1 (r570 reserves channel 0, nouveau
//! `r570_fifo.rsvd_chids = 1`). With `NVOS04_FLAGS_CHANNEL_USERD_INDEX_PAGE_FIXED`
//! the ID is `..._PAGE_VALUE` (20:12) x 8 + `..._INDEX_VALUE` (10:8), and
//! `..._INDEX_FIXED` must then be clear (NV_ERR_INVALID_STATE);
//! `..._INDEX_FIXED` alone keeps the index in any page; neither: the lowest
//! free ID (open-gpu-kernel-modules `kernel_channel.c` channel HW ID
//! allocation, `kernel_fifo.c` `kfifoChidMgrAllocChid_IMPL`). nouveau
//! passes `chid / 8` and `chid % 8` with the page fixed, and its doorbell
//! token assumes RM takes that ID. An ID in use: NV_ERR_INSUFFICIENT_RESOURCES
//! (nvsim's).
//! The work-submit token is `runlist << 16 | chid`, with bit 30 on GB20x
//! (nouveau `tu102_chan_doorbell_handle`, `gb202_chan_doorbell_handle`;
//! RM's `kfifoGenerateWorkSubmitToken`).
//!
//! The checks and their statuses. RM's: a channel, copy-engine or usermode
//! class of another generation is not a class of this GPU:
//! NV_ERR_INVALID_CLASS (`gpuGetClassByClassId`); parents: a channel under
//! a device, a copy-engine object under a channel, a usermode object under
//! a subdevice (`resource_list.h`), else NV_ERR_INVALID_OBJECT_PARENT;
//! channel parameters are required (NV_ERR_INVALID_ARGUMENT for none);
//! hVASpace naming nothing: NV_ERR_OBJECT_NOT_FOUND, naming something
//! other than a VA space: NV_ERR_INVALID_OBJECT_HANDLE. nvsim's (RM's
//! GSP side is not public; each is what the hardware needs): hVASpace 0
//! (the device's default VA space) is not modelled (NV_ERR_NOT_SUPPORTED);
//! a VA space without a root page directory: NV_ERR_INVALID_STATE; an
//! engineType that is not one of the copy engines above:
//! NV_ERR_INVALID_ARGUMENT (GR0: NV_ERR_NOT_SUPPORTED, graphics is not
//! modelled); gpFifoEntries not a power of two of at least 2 (LIMIT2 holds
//! its log2) or gpFifoOffset not 8-byte aligned (`GP_BASE_OFFSET` 31:3) or
//! beyond 40 bits: NV_ERR_INVALID_ARGUMENT; an instance block not 4 KiB
//! aligned (`NV_RAMIN_BASE_SHIFT` 12) or smaller than 4 KiB, a USERD not
//! 512-byte aligned (`NV_RAMFC_USERD_ADDR` 31:9) or smaller than 0x200,
//! a RAMFC not at the instance block or smaller than 0x200, a method
//! buffer smaller than the size above, an addressSpace other than 1
//! (ADDR_SYSMEM) or 2 (ADDR_FBMEM), VRAM beyond the board's:
//! NV_ERR_INVALID_ADDRESS; no free channel ID in the page asked for:
//! NV_ERR_INSUFFICIENT_RESOURCES. BIND with another engineType than the
//! channel's: NV_ERR_INVALID_ARGUMENT; a second BIND, or GPFIFO_SCHEDULE
//! before BIND: NV_ERR_INVALID_STATE. A copy-engine object whose version is
//! not 1 or whose engineType is not the channel's: NV_ERR_INVALID_ARGUMENT.

use super::abi::{status, Fields};
use super::vaspace::Refusal;
use crate::chip::Arch;
use crate::fifo::Exec;
use crate::mmu::{inst, Aperture, Format, Memory, PageDir, PhysAddr};

/// Size of `NV_CHANNEL_ALLOC_PARAMS` (r570.144).
pub const CHANNEL_PARAMS: usize = 0x170;
/// Size of `NVC0B5_ALLOCATION_PARAMETERS`.
pub const CE_PARAMS: usize = 0x8;
/// Size of `NV_HOPPER_USERMODE_A_PARAMS` (NvBool bBar1Mapping, bPriv;
/// open-gpu-kernel-modules `clc661.h`), optional; Turing and Ampere's
/// usermode classes take none.
pub const HOPPER_USERMODE_PARAMS: usize = 0x2;

/// `NV2080_ENGINE_TYPE_GR0` (= `RM_ENGINE_TYPE_GR0`).
pub const ENGINE_GR0: u32 = 0x1;
/// `NV2080_ENGINE_TYPE_COPY0` (= `RM_ENGINE_TYPE_COPY0`).
pub const ENGINE_COPY0: u32 = 0x9;
/// Copy engines nvsim's GPU has (COPY0..COPY2).
pub const COPY_ENGINES: u32 = 3;
/// nvsim's fault method buffer size.
pub const FAULT_METHOD_BUFFER_SIZE: u32 = 0x1000;

/// Controls.
pub mod ctrl {
    /// `NVA06F_CTRL_CMD_GPFIFO_SCHEDULE`.
    pub const A06F_GPFIFO_SCHEDULE: u32 = 0xa06f_0103;
    /// `NVA06F_CTRL_CMD_BIND`.
    pub const A06F_BIND: u32 = 0xa06f_0104;
    /// `NVC36F_CTRL_CMD_GPFIFO_SCHEDULE`.
    pub const C36F_GPFIFO_SCHEDULE: u32 = 0xc36f_0103;
    /// `NVC36F_CTRL_CMD_BIND`.
    pub const C36F_BIND: u32 = 0xc36f_0104;
    /// `NVC36F_CTRL_CMD_GPFIFO_GET_WORK_SUBMIT_TOKEN`.
    pub const C36F_GET_WORK_SUBMIT_TOKEN: u32 = 0xc36f_0108;
    /// `NV2080_CTRL_CMD_FIFO_GET_DEVICE_INFO_TABLE`.
    pub const FIFO_GET_DEVICE_INFO_TABLE: u32 = 0x2080_1112;
    /// `NV2080_CTRL_CMD_CE_GET_FAULT_METHOD_BUFFER_SIZE`.
    pub const CE_GET_FAULT_METHOD_BUFFER_SIZE: u32 = 0x2080_2a08;
    /// `NV2080_CTRL_CMD_GPU_GET_ENGINES_V2`.
    pub const GPU_GET_ENGINES_V2: u32 = 0x2080_0170;
    /// Size of `NV2080_CTRL_GPU_GET_ENGINES_V2_PARAMS`: engineCount,
    /// engineList[NV2080_GPU_MAX_ENGINES_LIST_SIZE], which "must match
    /// NV2080_ENGINE_TYPE_LAST" (`ctrl2080gpu.h`), 0x54 in r570.144
    /// (nouveau `rm/r570/nvrm/engine.h`).
    pub const GET_ENGINES_V2_SIZE: usize = 4 + 0x54 * 4;
    /// `NV2080_CTRL_CMD_INTERNAL_INTR_GET_KERNEL_TABLE`.
    pub const INTERNAL_INTR_GET_KERNEL_TABLE: u32 = 0x2080_0a5c;
    /// `NV2080_CTRL_INTERNAL_INTR_MAX_TABLE_SIZE`.
    pub const INTR_MAX_TABLE_SIZE: usize = 128;
    /// Size of `NV2080_CTRL_INTERNAL_INTR_GET_KERNEL_TABLE_ENTRY`: u16
    /// engineIdx, u32 pmcIntrMask (at 4), vectorStall, vectorNonStall.
    pub const INTR_ENTRY_SIZE: usize = 16;
    /// Size of `NV2080_CTRL_INTERNAL_INTR_GET_KERNEL_TABLE_PARAMS`: u32
    /// tableLen, table[128], subtreeMap[7] of {u8 start, u8 end}, padded
    /// to 4.
    pub const INTR_TABLE_SIZE: usize = (4 + INTR_MAX_TABLE_SIZE * INTR_ENTRY_SIZE + 7 * 2 + 3) & !3;
    /// Size of `NVA06F_CTRL_GPFIFO_SCHEDULE_PARAMS`.
    pub const SCHEDULE_SIZE: usize = 2;
    /// Size of `NVA06F_CTRL_BIND_PARAMS`.
    pub const BIND_SIZE: usize = 4;
    /// Size of `NVC36F_CTRL_CMD_GPFIFO_GET_WORK_SUBMIT_TOKEN_PARAMS`.
    pub const TOKEN_SIZE: usize = 4;
    /// Size of `NV2080_CTRL_CE_GET_FAULT_METHOD_BUFFER_SIZE_PARAMS`.
    pub const FAULT_METHOD_BUFFER_SIZE_SIZE: usize = 4;
    /// `NV2080_CTRL_FIFO_GET_DEVICE_INFO_TABLE_MAX_ENTRIES`.
    pub const DEVICE_INFO_MAX_ENTRIES: usize = 32;
    /// Size of `NV2080_CTRL_FIFO_DEVICE_ENTRY`: engineData[16], pbdmaIds[2],
    /// pbdmaFaultIds[2], numPbdmas, char engineName[16].
    pub const DEVICE_ENTRY_SIZE: usize = 16 * 4 + 2 * 4 + 2 * 4 + 4 + 16;
    /// Offset of `entries[]` (after baseIndex, numEntries, NvBool bMore
    /// and its padding).
    pub const DEVICE_INFO_ENTRIES: usize = 12;
    /// Size of `NV2080_CTRL_FIFO_GET_DEVICE_INFO_TABLE_PARAMS`.
    pub const DEVICE_INFO_SIZE: usize =
        DEVICE_INFO_ENTRIES + DEVICE_INFO_MAX_ENTRIES * DEVICE_ENTRY_SIZE;

    /// The name of a command of this module, if it is one.
    pub fn name(cmd: u32) -> Option<&'static str> {
        Some(match cmd {
            A06F_GPFIFO_SCHEDULE => "NVA06F_CTRL_CMD_GPFIFO_SCHEDULE",
            A06F_BIND => "NVA06F_CTRL_CMD_BIND",
            C36F_GPFIFO_SCHEDULE => "NVC36F_CTRL_CMD_GPFIFO_SCHEDULE",
            C36F_BIND => "NVC36F_CTRL_CMD_BIND",
            C36F_GET_WORK_SUBMIT_TOKEN => "NVC36F_CTRL_CMD_GPFIFO_GET_WORK_SUBMIT_TOKEN",
            FIFO_GET_DEVICE_INFO_TABLE => "NV2080_CTRL_CMD_FIFO_GET_DEVICE_INFO_TABLE",
            CE_GET_FAULT_METHOD_BUFFER_SIZE => "NV2080_CTRL_CMD_CE_GET_FAULT_METHOD_BUFFER_SIZE",
            INTERNAL_INTR_GET_KERNEL_TABLE => "NV2080_CTRL_CMD_INTERNAL_INTR_GET_KERNEL_TABLE",
            GPU_GET_ENGINES_V2 => "NV2080_CTRL_CMD_GPU_GET_ENGINES_V2",
            _ => return None,
        })
    }
}

/// The runlist of an engine (`NV2080_ENGINE_TYPE_*`), if nvsim's GPU has
/// it: GR0 on 0, COPYn on n + 1.
pub fn runlist_of(engine_type: u32) -> Option<u32> {
    match engine_type {
        ENGINE_GR0 => Some(0),
        e if (ENGINE_COPY0..ENGINE_COPY0 + COPY_ENGINES).contains(&e) => Some(e - ENGINE_COPY0 + 1),
        _ => None,
    }
}

/// The name of an engine type.
pub fn engine_name(engine_type: u32) -> String {
    match engine_type {
        ENGINE_GR0 => "GR0".into(),
        e if (ENGINE_COPY0..ENGINE_COPY0 + 10).contains(&e) => format!("COPY{}", e - ENGINE_COPY0),
        e => format!("engine type {e:#x}"),
    }
}

/// `NV_MEMORY_DESC_PARAMS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemDesc {
    /// `base`.
    pub base: u64,
    /// `size`.
    pub size: u64,
    /// `addressSpace` (RM's `NV_ADDRESS_SPACE`: 1 ADDR_SYSMEM, 2
    /// ADDR_FBMEM).
    pub address_space: u32,
    /// `cacheAttrib` (0 uncached, 1 cached).
    pub cache_attrib: u32,
}

impl MemDesc {
    fn at(f: Fields<'_>, off: usize) -> Self {
        Self {
            base: f.u64(off),
            size: f.u64(off + 8),
            address_space: f.u32(off + 16),
            cache_attrib: f.u32(off + 20),
        }
    }

    /// Where it is, if its address space is one nvsim knows.
    pub fn phys(&self) -> Option<PhysAddr> {
        let aperture = match self.address_space {
            1 => Aperture::SysCoherent,
            2 => Aperture::Vram,
            _ => return None,
        };
        Some(PhysAddr {
            aperture,
            addr: self.base,
        })
    }
}

/// A GPFIFO channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Channel {
    /// Its VA space (a FERMI_VASPACE_A of the same client).
    pub h_vaspace: u32,
    /// `engineType`.
    pub engine_type: u32,
    /// The engine's runlist.
    pub runlist: u32,
    /// The channel ID GSP-RM gave it.
    pub chid: u32,
    /// `gpFifoOffset`: the ring's GPU VA.
    pub gp_fifo_offset: u64,
    /// `gpFifoEntries`.
    pub gp_fifo_entries: u32,
    /// `flags` (`NVOS04_FLAGS_*`).
    pub flags: u32,
    /// The instance block (RAMFC at its start).
    pub inst: PhysAddr,
    /// USERD.
    pub userd: PhysAddr,
    /// The fault method buffer.
    pub mthdbuf: PhysAddr,
    /// `NVA06F_CTRL_CMD_BIND` ran.
    pub bound: bool,
    /// `GPFIFO_SCHEDULE` enabled it.
    pub scheduled: bool,
    /// The copy-engine object's handle, once allocated.
    pub ce_object: Option<u32>,
    /// What the host and the engine hold of it.
    pub exec: Exec,
}

/// `NVOS04_FLAGS_PRIVILEGED_CHANNEL` (5:5).
pub const FLAGS_PRIVILEGED: u32 = 1 << 5;
/// `NVOS04_FLAGS_CHANNEL_DENY_PHYSICAL_MODE_CE` (7:7).
pub const FLAGS_DENY_PHYSICAL_MODE_CE: u32 = 1 << 7;

impl Channel {
    /// The work-submit token of the channel on an `arch` GPU.
    pub fn token(&self, arch: Arch) -> u32 {
        let gb20x = if arch == Arch::BlackwellGb20x {
            1 << 30
        } else {
            0
        };
        gb20x | (self.runlist << 16) | self.chid
    }

    /// Allocated privileged (its accesses may reach privileged pages).
    pub fn privileged(&self) -> bool {
        self.flags & FLAGS_PRIVILEGED != 0
    }

    /// The CE may not use physical addresses.
    pub fn deny_physical_ce(&self) -> bool {
        self.flags & FLAGS_DENY_PHYSICAL_MODE_CE != 0
    }
}

fn addr_refusal(what: &str, why: String) -> Refusal {
    (status::INVALID_ADDRESS, format!("{what}: {why}"))
}

/// Checks a memory descriptor: where it is, its alignment and size, and
/// that VRAM holds it.
fn check_mem(
    what: &str,
    d: &MemDesc,
    align: u64,
    min: u64,
    vram_size: u64,
) -> Result<PhysAddr, Refusal> {
    let Some(pa) = d.phys() else {
        return Err(addr_refusal(
            what,
            format!(
                "addressSpace {} is neither ADDR_SYSMEM (1) nor ADDR_FBMEM (2)",
                d.address_space
            ),
        ));
    };
    if !d.base.is_multiple_of(align) {
        return Err(addr_refusal(
            what,
            format!("base {:#x} is not {align:#x}-aligned", d.base),
        ));
    }
    if d.size < min {
        return Err(addr_refusal(
            what,
            format!("size {:#x} is below {min:#x}", d.size),
        ));
    }
    if pa.aperture == Aperture::Vram && d.base.checked_add(d.size).is_none_or(|e| e > vram_size) {
        return Err(addr_refusal(
            what,
            format!(
                "{:#x}+{:#x} is beyond the {vram_size:#x} bytes of VRAM",
                d.base, d.size
            ),
        ));
    }
    Ok(pa)
}

/// Builds a channel from `NV_CHANNEL_ALLOC_PARAMS` `p` (of
/// [`CHANNEL_PARAMS`] bytes) for the VA space `h_vaspace`; `used` says
/// whether a channel ID of a runlist is taken.
pub fn build(
    p: &[u8],
    vram_size: u64,
    used: impl Fn(u32, u32) -> bool,
) -> Result<Channel, Refusal> {
    let f = Fields(p);
    let (gp_fifo_offset, entries, flags) = (f.u64(0x08), f.u32(0x10), f.u32(0x14));
    let (h_vaspace, engine_type) = (f.u32(0x1c), f.u32(0x80));
    let runlist = match runlist_of(engine_type) {
        Some(_) if engine_type == ENGINE_GR0 => {
            return Err((
                status::NOT_SUPPORTED,
                "a GR0 channel: graphics is not modelled".into(),
            ))
        }
        Some(r) => r,
        None => {
            return Err((
                status::INVALID_ARGUMENT,
                format!(
                    "engineType {engine_type:#x} is not an engine of the GPU (COPY0..COPY{} are, \
                     NV2080_ENGINE_TYPE_COPY0 = 9)",
                    COPY_ENGINES - 1
                ),
            ))
        }
    };
    if entries < 2 || !entries.is_power_of_two() {
        return Err((
            status::INVALID_ARGUMENT,
            format!(
                "gpFifoEntries {entries} is not a power of two of at least 2 \
                 (NV_RAMFC_GP_BASE_HI_LIMIT2 holds its log2)"
            ),
        ));
    }
    if gp_fifo_offset % 8 != 0 || gp_fifo_offset >> 40 != 0 {
        return Err((
            status::INVALID_ARGUMENT,
            format!(
                "gpFifoOffset {gp_fifo_offset:#x} is not an 8-byte aligned 40-bit VA \
                 (GP_BASE_OFFSET 31:3, GP_BASE_HI_OFFSET 7:0)"
            ),
        ));
    }
    let inst_d = MemDesc::at(f, 0x90);
    let userd_d = MemDesc::at(f, 0xa8);
    let ramfc_d = MemDesc::at(f, 0xc0);
    let mthd_d = MemDesc::at(f, 0xd8);
    let inst = check_mem("instanceMem", &inst_d, 0x1000, 0x1000, vram_size)?;
    let userd = check_mem("userdMem", &userd_d, 0x200, 0x200, vram_size)?;
    let ramfc = check_mem("ramfcMem", &ramfc_d, 0x200, 0x200, vram_size)?;
    if ramfc != inst {
        return Err(addr_refusal(
            "ramfcMem",
            format!("{ramfc} is not the instance block {inst}: RAMFC is its first 0x200 bytes"),
        ));
    }
    let mthdbuf = check_mem(
        "mthdbufMem",
        &mthd_d,
        0x100,
        u64::from(FAULT_METHOD_BUFFER_SIZE),
        vram_size,
    )?;
    // Channel IDs from 1 (0 is r570's reserved one).
    let page_fixed = flags & (1 << 21) != 0;
    let index_fixed = flags & (1 << 11) != 0;
    let (page, index) = ((flags >> 12) & 0x1ff, (flags >> 8) & 0x7);
    if page_fixed && index_fixed {
        return Err((
            status::INVALID_STATE,
            "CHANNEL_USERD_INDEX_PAGE_FIXED with CHANNEL_USERD_INDEX_FIXED".into(),
        ));
    }
    let candidates: Vec<u32> = match (page_fixed, index_fixed) {
        (true, _) => vec![page * 8 + index],
        (false, true) => (0..512).map(|p| p * 8 + index).collect(),
        (false, false) => (0..4096).collect(),
    };
    let Some(chid) = candidates
        .into_iter()
        .find(|&c| c != 0 && !used(runlist, c))
    else {
        return Err((
            status::INSUFFICIENT_RESOURCES,
            format!(
                "no free channel ID on runlist {runlist} (USERD index page {page}{}, index {index}{})",
                if page_fixed { " fixed" } else { "" },
                if index_fixed { " fixed" } else { "" }
            ),
        ));
    };
    Ok(Channel {
        h_vaspace,
        engine_type,
        runlist,
        chid,
        gp_fifo_offset,
        gp_fifo_entries: entries,
        flags,
        inst,
        userd,
        mthdbuf,
        bound: false,
        scheduled: false,
        ce_object: None,
        exec: Exec::default(),
    })
}

/// Word offsets of `NV_RAMFC_GP_BASE` and `_HI` on an `arch` GPU.
pub fn gp_base_words(arch: Arch) -> (u64, u64) {
    match arch {
        Arch::BlackwellGb20x => (36, 37),
        _ => (18, 19),
    }
}

/// `NV_RAMFC_USERD` word (Turing).
pub const RAMFC_USERD: u64 = 2;
/// `NV_RAMFC_SIGNATURE` word.
pub const RAMFC_SIGNATURE: u64 = 4;
/// `NV_RAMFC_CHID` word.
pub const RAMFC_CHID: u64 = 0x3a;

/// What GSP-RM writes into the channel's instance block: RAMFC and
/// `PAGE_DIR_BASE` for `pd`.
pub fn write_instance(mem: &Memory, arch: Arch, ch: &Channel, pd: &PageDir) -> Result<(), String> {
    let w = |word: u64, v: u32| {
        mem.write(ch.inst.offset(word * 4), &v.to_le_bytes())
            .map_err(|e| format!("instance block {}: {e}", ch.inst))
    };
    w(RAMFC_SIGNATURE, 0x0000_face)?;
    let (lo, hi) = gp_base_words(arch);
    let limit2 = ch.gp_fifo_entries.trailing_zeros();
    w(lo, ch.gp_fifo_offset as u32)?;
    w(
        hi,
        ((ch.gp_fifo_offset >> 32) as u32 & 0xff) | (limit2 << 16),
    )?;
    if arch == Arch::Turing {
        let target = match ch.userd.aperture {
            Aperture::Vram | Aperture::Peer => 0,
            Aperture::SysCoherent => 2,
            Aperture::SysNonCoherent => 3,
        };
        w(RAMFC_USERD, (ch.userd.addr as u32 & !0x1ff) | target)?;
        w(RAMFC_USERD + 1, (ch.userd.addr >> 32) as u32)?;
    }
    if arch != Arch::BlackwellGb20x {
        w(RAMFC_CHID, ch.chid)?;
    }
    let (w128, w129) = inst::encode(Format::for_arch(arch), pd.base, false);
    w(inst::PAGE_DIR_BASE / 4, w128)?;
    w(inst::PAGE_DIR_BASE / 4 + 1, w129)?;
    Ok(())
}

/// Reads the ring's base and entry count back from RAMFC, as the host
/// does when it loads the channel.
pub fn read_gp_base(mem: &Memory, arch: Arch, inst: PhysAddr) -> Result<(u64, u32), String> {
    let (lo, hi) = gp_base_words(arch);
    let mut b = [0u8; 4];
    let mut r = |word: u64| {
        mem.read(inst.offset(word * 4), &mut b)
            .map(|()| u32::from_le_bytes(b))
            .map_err(|e| format!("RAMFC at {inst}: {e}"))
    };
    let (l, h) = (r(lo)?, r(hi)?);
    let base = u64::from(l & !7) | (u64::from(h & 0xff) << 32);
    let limit2 = (h >> 16) & 0x1f;
    Ok((base, 1u32 << limit2))
}

/// The answer to `NV2080_CTRL_CMD_FIFO_GET_DEVICE_INFO_TABLE` from
/// `baseIndex` on, into `p` (of [`ctrl::DEVICE_INFO_SIZE`] bytes).
pub fn device_info_table(p: &mut [u8]) -> String {
    let base = Fields(p).u32(0) as usize;
    let engines: Vec<u32> = std::iter::once(ENGINE_GR0)
        .chain(ENGINE_COPY0..ENGINE_COPY0 + COPY_ENGINES)
        .collect();
    let shown: Vec<u32> = engines.iter().copied().skip(base).collect();
    let n = shown.len().min(ctrl::DEVICE_INFO_MAX_ENTRIES);
    p[4..8].copy_from_slice(&(n as u32).to_le_bytes());
    p[8] = u8::from(shown.len() > n);
    p[ctrl::DEVICE_INFO_ENTRIES..].fill(0);
    for (i, e) in shown.iter().take(n).enumerate() {
        let at = ctrl::DEVICE_INFO_ENTRIES + i * ctrl::DEVICE_ENTRY_SIZE;
        let runlist = runlist_of(*e).unwrap_or(0);
        let instance = if *e == ENGINE_GR0 {
            0
        } else {
            e - ENGINE_COPY0
        };
        let mut data = [0u32; 16];
        data[0] = (e << 8) | instance; // ENG_DESC (nvsim's)
        data[2] = *e; // RM_ENGINE_TYPE
        data[3] = runlist; // RUNLIST
        data[10] = instance; // INSTANCE_ID
        data[11] = 0x0040_0000 + runlist * 0x1_0000; // RUNLIST_PRI_BASE (nvsim's)
        data[12] = 1; // IS_HOST_DRIVEN_ENGINE
        for (k, v) in data.iter().enumerate() {
            p[at + 4 * k..at + 4 * k + 4].copy_from_slice(&v.to_le_bytes());
        }
        // pbdmaIds[0] = the runlist's PBDMA, numPbdmas 1.
        p[at + 64..at + 68].copy_from_slice(&runlist.to_le_bytes());
        p[at + 80..at + 84].copy_from_slice(&1u32.to_le_bytes());
        let name = engine_name(*e);
        let nb = name.as_bytes();
        p[at + 84..at + 84 + nb.len().min(15)].copy_from_slice(&nb[..nb.len().min(15)]);
    }
    format!(" ({n} engines from index {base})")
}

/// The answer to `NV2080_CTRL_CMD_GPU_GET_ENGINES_V2` (0x20800170) into
/// `p` (of [`ctrl::GET_ENGINES_V2_SIZE`] bytes): the engines of the device
/// info table, as `NV2080_ENGINE_TYPE_*`.
pub fn get_engines_v2(p: &mut [u8]) -> String {
    p.fill(0);
    let engines: Vec<u32> = std::iter::once(ENGINE_GR0)
        .chain(ENGINE_COPY0..ENGINE_COPY0 + COPY_ENGINES)
        .collect();
    p[0..4].copy_from_slice(&(engines.len() as u32).to_le_bytes());
    for (i, e) in engines.iter().enumerate() {
        p[4 + 4 * i..8 + 4 * i].copy_from_slice(&e.to_le_bytes());
    }
    format!(" ({} engines)", engines.len())
}

/// `MC_ENGINE_IDX_GSP` (nouveau `rm/r570/nvrm/engine.h`).
pub const MC_ENGINE_IDX_GSP: u16 = 50;
/// `MC_ENGINE_IDX_CE0` (CE1.. follow).
pub const MC_ENGINE_IDX_CE0: u16 = 15;
/// `MC_ENGINE_IDX_GR0`.
pub const MC_ENGINE_IDX_GR0: u16 = 84;
/// nvsim's "no vector".
pub const NO_VECTOR: u32 = 0xffff_ffff;

/// The interrupt vectors GSP-RM gives the driver
/// (`NV2080_CTRL_CMD_INTERNAL_INTR_GET_KERNEL_TABLE`, 0x20800a5c, on the
/// internal subdevice; nouveau `r535_gsp_intr_get_table`, used by its
/// r570 code, keeps the entries whose `MC_ENGINE_IDX_*` it knows: GSP,
/// CEn, GR0, ...): (engineIdx, vectorStall, vectorNonStall). The vectors
/// are those of nvsim's interrupt tree ([`crate::intr`]: the GSP's stall
/// vector 0x17, no non-stall one; GR0 0x40/0x80; COPYn 0x41+n/0x81+n),
/// defined there once.
pub fn intr_table() -> Vec<(u16, u32, u32)> {
    use crate::intr::{nonstall_vector, stall_vector, GSP_STALL};
    let mut t = vec![(MC_ENGINE_IDX_GSP, GSP_STALL, NO_VECTOR)];
    let engines = [(MC_ENGINE_IDX_GR0, ENGINE_GR0)]
        .into_iter()
        .chain((0..COPY_ENGINES).map(|n| (MC_ENGINE_IDX_CE0 + n as u16, ENGINE_COPY0 + n)));
    for (idx, engine) in engines {
        t.push((
            idx,
            stall_vector(engine).unwrap_or(NO_VECTOR),
            nonstall_vector(engine).unwrap_or(NO_VECTOR),
        ));
    }
    t
}

/// The answer to `NV2080_CTRL_CMD_INTERNAL_INTR_GET_KERNEL_TABLE` into
/// `p` (of [`ctrl::INTR_TABLE_SIZE`] bytes); pmcIntrMask and the subtree
/// map are 0.
pub fn intr_get_kernel_table(p: &mut [u8]) -> String {
    p.fill(0);
    let t = intr_table();
    p[0..4].copy_from_slice(&(t.len() as u32).to_le_bytes());
    for (i, (idx, stall, nonstall)) in t.iter().enumerate() {
        let at = 4 + i * ctrl::INTR_ENTRY_SIZE;
        p[at..at + 2].copy_from_slice(&idx.to_le_bytes());
        p[at + 8..at + 12].copy_from_slice(&stall.to_le_bytes());
        p[at + 12..at + 16].copy_from_slice(&nonstall.to_le_bytes());
    }
    format!(" ({} entries)", t.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_the_r570_layouts() {
        assert_eq!(ctrl::DEVICE_ENTRY_SIZE, 100);
        assert_eq!(ctrl::DEVICE_INFO_SIZE, 0xc8c);
        assert_eq!(ctrl::INTR_TABLE_SIZE, 0x814);
        assert_eq!(runlist_of(ENGINE_COPY0 + 2), Some(3));
        assert_eq!(runlist_of(ENGINE_COPY0 + 3), None);
        assert_eq!(
            intr_table(),
            [
                (MC_ENGINE_IDX_GSP, 0x17, NO_VECTOR),
                (MC_ENGINE_IDX_GR0, 0x40, 0x80),
                (MC_ENGINE_IDX_CE0, 0x41, 0x81),
                (MC_ENGINE_IDX_CE0 + 1, 0x42, 0x82),
                (MC_ENGINE_IDX_CE0 + 2, 0x43, 0x83),
            ]
        );
    }
}
