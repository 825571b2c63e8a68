//! The r570.144 RPCs GSP-RM understands in nvsim, and the payloads it
//! checks or builds.
//!
//! Function and event numbers (`NV_VGPU_MSG_FUNCTION_*`,
//! `NV_VGPU_MSG_EVENT_*`), structure layouts and offsets: nova-core
//! `gsp/fw/r570_144/bindings.rs` (the offsets below were computed from its
//! `repr(C)` layouts), `gsp/commands.rs`, `gsp/fw/commands.rs`,
//! `gsp/sequencer.rs`; status codes: NVIDIA's `nvstatuscodes.h`. Boot
//! event payloads: open-gpu-kernel-modules `ctrl2080nvd.h`
//! (`NV2080CtrlNocatJournalInsertRecord`) and `kernel_gsp.c`
//! (`rpc_gsp_post_nocat_record_v01_00` carries one such record,
//! `rpc_gsp_lockdown_notice_v17_00` one NvBool), nouveau
//! `rm/r535/gsp.c` (`rpc_ucode_libos_print_v1e_08`: u32 engine
//! descriptor, u32 size, the print buffer; the PMU's is 4 KiB and sent
//! whole).

use crate::chip::Chip;
use crate::le::{le32, le64};

/// `NV_OK`.
pub const NV_OK: u32 = 0;
/// `NV_ERR_NOT_SUPPORTED`, the result GSP-RM gives an RPC it does not
/// implement.
pub const NV_ERR_NOT_SUPPORTED: u32 = 0x56;
/// `NV_ERR_INVALID_ARGUMENT`.
pub const NV_ERR_INVALID_ARGUMENT: u32 = 0x1f;

/// `NV_VGPU_MSG_FUNCTION_NOP`.
pub const NOP: u32 = 0;
/// `NV_VGPU_MSG_FUNCTION_UNLOADING_GUEST_DRIVER`.
pub const UNLOADING_GUEST_DRIVER: u32 = 47;
/// `NV_VGPU_MSG_FUNCTION_GET_GSP_STATIC_INFO`.
pub const GET_GSP_STATIC_INFO: u32 = 65;
/// `NV_VGPU_MSG_FUNCTION_CONTINUATION_RECORD`.
pub const CONTINUATION_RECORD: u32 = 71;
/// `NV_VGPU_MSG_FUNCTION_GSP_SET_SYSTEM_INFO`.
pub const GSP_SET_SYSTEM_INFO: u32 = 72;
/// `NV_VGPU_MSG_FUNCTION_SET_REGISTRY`.
pub const SET_REGISTRY: u32 = 73;
/// `NV_VGPU_MSG_EVENT_GSP_INIT_DONE`.
pub const EVENT_GSP_INIT_DONE: u32 = 0x1001;
/// `NV_VGPU_MSG_EVENT_GSP_RUN_CPU_SEQUENCER`.
pub const EVENT_GSP_RUN_CPU_SEQUENCER: u32 = 0x1002;
/// `NV_VGPU_MSG_EVENT_UCODE_LIBOS_PRINT`.
pub const EVENT_UCODE_LIBOS_PRINT: u32 = 0x100c;
/// `NV_VGPU_MSG_EVENT_GSP_LOCKDOWN_NOTICE`.
pub const EVENT_GSP_LOCKDOWN_NOTICE: u32 = 0x101c;
/// `NV_VGPU_MSG_EVENT_GSP_POST_NOCAT_RECORD`.
pub const EVENT_GSP_POST_NOCAT_RECORD: u32 = 0x1020;

/// Name of a function or event number, for the log.
pub fn name(function: u32) -> String {
    let known = match function {
        NOP => "NOP",
        1 => "SET_GUEST_SYSTEM_INFO",
        2 => "ALLOC_ROOT",
        3 => "ALLOC_DEVICE",
        4 => "ALLOC_MEMORY",
        5 => "ALLOC_CTX_DMA",
        6 => "ALLOC_CHANNEL_DMA",
        7 => "MAP_MEMORY",
        8 => "BIND_CTX_DMA",
        9 => "ALLOC_OBJECT",
        10 => "FREE",
        11 => "LOG",
        UNLOADING_GUEST_DRIVER => "UNLOADING_GUEST_DRIVER",
        51 => "GET_STATIC_INFO",
        GET_GSP_STATIC_INFO => "GET_GSP_STATIC_INFO",
        CONTINUATION_RECORD => "CONTINUATION_RECORD",
        GSP_SET_SYSTEM_INFO => "GSP_SET_SYSTEM_INFO",
        SET_REGISTRY => "SET_REGISTRY",
        74 => "GSP_INIT_POST_OBJGPU",
        76 => "GSP_RM_CONTROL",
        103 => "GSP_RM_ALLOC",
        EVENT_GSP_INIT_DONE => "GSP_INIT_DONE",
        EVENT_GSP_RUN_CPU_SEQUENCER => "GSP_RUN_CPU_SEQUENCER",
        // nouveau `rm/r570/nvrm/msgfn.h`, nova-core `r570_144/bindings.rs`.
        0x1003 => "POST_EVENT",
        0x1004 => "RC_TRIGGERED",
        0x1005 => "MMU_FAULT_QUEUED",
        0x1006 => "OS_ERROR_LOG",
        EVENT_UCODE_LIBOS_PRINT => "UCODE_LIBOS_PRINT",
        EVENT_GSP_LOCKDOWN_NOTICE => "GSP_LOCKDOWN_NOTICE",
        EVENT_GSP_POST_NOCAT_RECORD => "GSP_POST_NOCAT_RECORD",
        _ => "",
    };
    if known.is_empty() {
        format!("function {function:#x}")
    } else {
        known.to_string()
    }
}

/// Size of `GspSystemInfo`.
pub const SYSTEM_INFO_SIZE: usize = 0x3a0;

/// What the driver tells GSP-RM about the system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemInfo {
    /// BAR0 bus address.
    pub bar0: u64,
    /// BAR1 (framebuffer) bus address.
    pub bar1: u64,
    /// BAR3 (instance memory) bus address.
    pub bar3: u64,
    /// PCI configuration mirror base and size.
    pub mirror: (u32, u32),
    /// `PCIDeviceID`: device << 16 | vendor.
    pub pci_id: u32,
    /// `PCISubDeviceID`: subsystem << 16 | subsystem vendor.
    pub pci_sub_id: u32,
}

/// Parses and checks `GSP_SET_SYSTEM_INFO` (`GspSystemInfo`: u64
/// gpuPhysAddr 0x00, gpuPhysFbAddr 0x08, gpuPhysInstAddr 0x10, maxUserVa
/// 0x48; u32 pciConfigMirrorBase 0x50, pciConfigMirrorSize 0x54,
/// PCIDeviceID 0x58, PCISubDeviceID 0x5c, PCIRevisionID 0x60).
pub fn system_info(p: &[u8], chip: &Chip, mirror_base: u32) -> Result<SystemInfo, String> {
    if p.len() < SYSTEM_INFO_SIZE {
        return Err(format!(
            "payload of {:#x} bytes, GspSystemInfo is {SYSTEM_INFO_SIZE:#x}",
            p.len()
        ));
    }
    let q = |o| le64(p, o).unwrap_or(0);
    let d = |o| le32(p, o).unwrap_or(0);
    let info = SystemInfo {
        bar0: q(0x00),
        bar1: q(0x08),
        bar3: q(0x10),
        mirror: (d(0x50), d(0x54)),
        pci_id: d(0x58),
        pci_sub_id: d(0x5c),
    };
    let want = (u32::from(chip.device_id) << 16) | 0x10de;
    if info.pci_id != want {
        return Err(format!(
            "PCIDeviceID {:#010x}, the device is {want:#010x}",
            info.pci_id
        ));
    }
    let want_sub = (u32::from(chip.subsystem_id) << 16) | u32::from(chip.subsystem_vendor_id);
    if info.pci_sub_id != want_sub {
        return Err(format!(
            "PCISubDeviceID {:#010x}, the device is {want_sub:#010x}",
            info.pci_sub_id
        ));
    }
    if info.bar0 == 0 || info.bar1 == 0 {
        return Err("BAR0 or BAR1 address is 0".into());
    }
    if info.mirror.0 != mirror_base || info.mirror.1 == 0 {
        return Err(format!(
            "PCI config mirror {:#x}+{:#x}, the chip's is at {mirror_base:#x}",
            info.mirror.0, info.mirror.1
        ));
    }
    Ok(info)
}

/// Parses and checks `SET_REGISTRY` (`PACKED_REGISTRY_TABLE`: u32 size,
/// u32 numEntries, then `PACKED_REGISTRY_ENTRY`s of 0x10 bytes: u32
/// nameOffset (from the table start), u8 type (1 DWORD, 2 binary, 3
/// string), u32 data at 0x8, u32 length at 0xc; NUL-terminated names after
/// the entries). Returns `name=value` strings.
pub fn registry(p: &[u8]) -> Result<Vec<String>, String> {
    let size = le32(p, 0).ok_or("payload shorter than the table header")? as usize;
    let n = le32(p, 4).ok_or("payload shorter than the table header")? as usize;
    if size > p.len() {
        return Err(format!(
            "table size {size:#x} beyond the {:#x}-byte payload",
            p.len()
        ));
    }
    let t = &p[..size];
    if 8 + n * 0x10 > size {
        return Err(format!("{n} entries do not fit the {size:#x}-byte table"));
    }
    let mut out = Vec::new();
    for i in 0..n {
        let e = 8 + i * 0x10;
        let name_off = le32(t, e).unwrap_or(0) as usize;
        let ty = t[e + 4];
        let data = le32(t, e + 8).unwrap_or(0);
        if name_off < 8 + n * 0x10 || name_off >= size {
            return Err(format!(
                "entry {i}: name offset {name_off:#x} outside the string area"
            ));
        }
        let name = &t[name_off..];
        let end = name
            .iter()
            .position(|b| *b == 0)
            .ok_or_else(|| format!("entry {i}: name not NUL-terminated"))?;
        let name = std::str::from_utf8(&name[..end])
            .map_err(|_| format!("entry {i}: name is not UTF-8"))?;
        match ty {
            1 => out.push(format!("{name}={data}")),
            2 | 3 => out.push(format!("{name}=<{} bytes>", le32(t, e + 12).unwrap_or(0))),
            _ => return Err(format!("entry {i} ({name}): unknown type {ty}")),
        }
    }
    Ok(out)
}

/// Size of `GspStaticConfigInfo_t`.
pub const STATIC_INFO_SIZE: usize = 0x678;
/// Offsets in `GspStaticConfigInfo_t`.
const SI_FB_REGIONS: usize = 0x158;
const SI_FB_LENGTH: usize = 0x4c8;
const SI_GPU_NAME: usize = 0x4ec;
const SI_GPU_SHORT_NAME: usize = 0x52c;
const SI_GPU_NAME_UNICODE: usize = 0x56c;
/// `bar1PdeBase` (u64; `bar2PdeBase` follows at 0x608).
pub const SI_BAR1_PDE_BASE: usize = 0x600;
const SI_VBIOS_VALID: usize = 0x610;
const SI_VBIOS_SUBVENDOR: usize = 0x614;
const SI_INTERNAL_HANDLES: usize = 0x640;
/// `NV2080_CTRL_CMD_FB_GET_FB_REGION_FB_REGION_INFO`: 0x30 bytes (u64
/// base, limit, reserved; u32 performance; u8 supportCompressed 0x1c,
/// supportISO 0x1d, bProtected 0x1e), up to 16 after a u32 count and 4
/// bytes of padding.
const FB_REGION_SIZE: usize = 0x30;

/// One framebuffer region of the static info.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FbRegion {
    /// First byte.
    pub base: u64,
    /// Last byte.
    pub limit: u64,
    /// Reserved for the firmware.
    pub reserved: bool,
    /// Protected (WPR).
    pub protected: bool,
}

/// The GET_GSP_STATIC_INFO reply payload for `chip` with `regions`;
/// `fb_length` is the framebuffer GSP-RM manages: the usable one (the CPU
/// driver takes it as the total FB size, `fbTotalMemSizeMb`, in
/// open-gpu-kernel-modules `memmgrInitBaseFbRegions_FWCLIENT`, and asserts
/// that the last region's limit reaches it; a 16 GiB RTX A4000 reports
/// 16376 MiB).
///
/// `internal` are GSP-RM's internal client, device and subdevice handles
/// (`hInternalClient` 0x640, `hInternalDevice` 0x644, `hInternalSubdevice`
/// 0x648), on which the driver sends its internal controls (the GPC and
/// TPC masks among them: r570.144's static info has no GPC/TPC fields,
/// see [`super::rm::abi::ctrl`]).
pub fn static_info(
    chip: &Chip,
    fb_length: u64,
    regions: &[FbRegion],
    internal: [u32; 3],
    bar1_pde_base: u64,
) -> Vec<u8> {
    let mut p = vec![0u8; STATIC_INFO_SIZE];
    let n = regions.len().min(16);
    p[SI_FB_REGIONS..SI_FB_REGIONS + 4].copy_from_slice(&(n as u32).to_le_bytes());
    for (i, r) in regions.iter().take(n).enumerate() {
        let o = SI_FB_REGIONS + 8 + i * FB_REGION_SIZE;
        p[o..o + 8].copy_from_slice(&r.base.to_le_bytes());
        p[o + 8..o + 16].copy_from_slice(&r.limit.to_le_bytes());
        // `reserved` counts the region's reserved bytes (the CPU driver adds
        // it up as reserved memory, open-gpu-kernel-modules
        // `memmgrInitBaseFbRegions_FWCLIENT`): the whole region.
        let reserved = if r.reserved {
            r.limit.saturating_sub(r.base).saturating_add(1)
        } else {
            0
        };
        p[o + 16..o + 24].copy_from_slice(&reserved.to_le_bytes());
        p[o + 24..o + 28].copy_from_slice(&(if r.reserved { 0u32 } else { 100 }).to_le_bytes());
        let usable = !r.reserved && !r.protected;
        p[o + 0x1c] = u8::from(usable);
        p[o + 0x1d] = u8::from(usable);
        p[o + 0x1e] = u8::from(r.protected);
    }
    p[SI_FB_LENGTH..SI_FB_LENGTH + 8].copy_from_slice(&fb_length.to_le_bytes());
    let name = format!("NVIDIA {}", chip.board);
    let short = chip.board.trim_start_matches("GeForce ");
    let nb = name.as_bytes();
    let l = nb.len().min(63);
    p[SI_GPU_NAME..SI_GPU_NAME + l].copy_from_slice(&nb[..l]);
    let sb = short.as_bytes();
    let l = sb.len().min(63);
    p[SI_GPU_SHORT_NAME..SI_GPU_SHORT_NAME + l].copy_from_slice(&sb[..l]);
    for (i, c) in name.encode_utf16().take(63).enumerate() {
        let o = SI_GPU_NAME_UNICODE + 2 * i;
        p[o..o + 2].copy_from_slice(&c.to_le_bytes());
    }
    // bar1PdeBase: GSP-RM's BAR1 root page directory (`gsprm::bar1`);
    // bar2PdeBase stays 0 (BAR2 is not modelled).
    p[SI_BAR1_PDE_BASE..SI_BAR1_PDE_BASE + 8].copy_from_slice(&bar1_pde_base.to_le_bytes());
    p[SI_VBIOS_VALID] = 1;
    p[SI_VBIOS_SUBVENDOR..SI_VBIOS_SUBVENDOR + 4]
        .copy_from_slice(&u32::from(chip.subsystem_vendor_id).to_le_bytes());
    p[SI_VBIOS_SUBVENDOR + 4..SI_VBIOS_SUBVENDOR + 8]
        .copy_from_slice(&u32::from(chip.subsystem_id).to_le_bytes());
    for (i, h) in internal.iter().enumerate() {
        let o = SI_INTERNAL_HANDLES + 4 * i;
        p[o..o + 4].copy_from_slice(&h.to_le_bytes());
    }
    p
}

/// Reads the GPU name back out of a static info payload.
pub fn static_info_name(p: &[u8]) -> Option<String> {
    let s = p.get(SI_GPU_NAME..SI_GPU_NAME + 64)?;
    let end = s.iter().position(|b| *b == 0)?;
    String::from_utf8(s[..end].to_vec()).ok()
}

/// Sequencer opcodes (`GSP_SEQ_BUF_OPCODE_*`).
pub mod seq {
    /// REG_WRITE addr, val.
    pub const REG_WRITE: u32 = 0;
    /// REG_MODIFY addr, mask, val.
    pub const REG_MODIFY: u32 = 1;
    /// REG_POLL addr, mask, val, timeout, error.
    pub const REG_POLL: u32 = 2;
    /// DELAY_US val.
    pub const DELAY_US: u32 = 3;
    /// REG_STORE addr, index.
    pub const REG_STORE: u32 = 4;
    /// CORE_RESET.
    pub const CORE_RESET: u32 = 5;
    /// CORE_START.
    pub const CORE_START: u32 = 6;
    /// CORE_WAIT_FOR_HALT.
    pub const CORE_WAIT_FOR_HALT: u32 = 7;
    /// CORE_RESUME.
    pub const CORE_RESUME: u32 = 8;
}

/// The RUN_CPU_SEQUENCER payload (`rpc_run_cpu_sequencer_v17_00`: u32
/// bufferSizeDWord, u32 cmdIndex (dwords used), u32 regSaveArea[8], then the
/// command buffer: each command is its opcode dword followed by its
/// payload's dwords) for `cmds` (opcode, operands).
pub fn sequencer(cmds: &[(u32, &[u32])]) -> Vec<u8> {
    let mut buf: Vec<u32> = Vec::new();
    for (op, args) in cmds {
        buf.push(*op);
        buf.extend_from_slice(args);
    }
    let mut p = Vec::with_capacity(0x28 + 4 * buf.len());
    p.extend_from_slice(&(buf.len() as u32).to_le_bytes());
    p.extend_from_slice(&(buf.len() as u32).to_le_bytes());
    p.extend_from_slice(&[0u8; 32]);
    for w in buf {
        p.extend_from_slice(&w.to_le_bytes());
    }
    p
}

/// Size of `NV2080CtrlNocatJournalInsertRecord`: u32 flags, u64
/// timestamp at 8, u8 recType at 0x10, u32 bugcheck at 0x14, char
/// source[65] at 0x18, u32 subsystem at 0x5c, u64 errorCode at 0x60,
/// char faultingEngine[65] at 0x68, u32 tdrReason at 0xac, u32
/// diagBufferLen at 0xb0, u8 diagBuffer[1024] at 0xb4; 8-byte aligned.
pub const NOCAT_RECORD_SIZE: usize = 0x4b8;
/// `NV2080_NOCAT_JOURNAL_REC_TYPE_ASSERT`.
pub const NOCAT_REC_TYPE_ASSERT: u8 = 5;

/// A `GSP_POST_NOCAT_RECORD` payload: one NOCAT journal record of type
/// `rec_type` from `source`, stamped `timestamp_ns`.
pub fn nocat_record(rec_type: u8, source: &str, timestamp_ns: u64) -> Vec<u8> {
    let mut p = vec![0u8; NOCAT_RECORD_SIZE];
    p[8..16].copy_from_slice(&timestamp_ns.to_le_bytes());
    p[0x10] = rec_type;
    let s = source.as_bytes();
    let n = s.len().min(64);
    p[0x18..0x18 + n].copy_from_slice(&s[..n]);
    p
}

/// `NV_GSP_MSG_EVENT_UCODE_LIBOS_CLASS_PMU`: the PMU's class id in the
/// engine descriptor (bits 31:8; nouveau `rm/r535/gsp.c`).
pub const LIBOS_CLASS_PMU: u32 = 0x00f3_d722;
/// Size of the PMU's libos print buffer.
pub const LIBOS_PRINT_BUF_SIZE: usize = 0x1000;

/// A `UCODE_LIBOS_PRINT` payload: the PMU's whole print buffer (`text`
/// at its start, the rest zero).
pub fn libos_print_pmu(text: &str) -> Vec<u8> {
    let mut p = vec![0u8; 8 + LIBOS_PRINT_BUF_SIZE];
    p[0..4].copy_from_slice(&(LIBOS_CLASS_PMU << 8).to_le_bytes());
    p[4..8].copy_from_slice(&(LIBOS_PRINT_BUF_SIZE as u32).to_le_bytes());
    let t = text.as_bytes();
    let n = t.len().min(LIBOS_PRINT_BUF_SIZE);
    p[8..8 + n].copy_from_slice(&t[..n]);
    p
}

/// A `GSP_LOCKDOWN_NOTICE` payload (`bLockdownEngaging`): one byte; real
/// Blackwell GSP-RM sends many during boot (message length 0x51 in John
/// Hubbard's nova-core log, "use GSP RPC sequence numbers properly",
/// February 2026). nvsim does not boot GSP-RM on Blackwell yet.
pub fn lockdown_notice(engaging: bool) -> Vec<u8> {
    vec![u8::from(engaging)]
}

/// Parses `UNLOADING_GUEST_DRIVER` (`rpc_unloading_guest_driver_v1F_07`:
/// u8 bInPMTransition, u8 bGc6Entering, u32 newLevel at 4): (in PM
/// transition, new level).
pub fn unloading(p: &[u8]) -> Result<(bool, u32), String> {
    if p.len() < 8 {
        return Err(format!("payload of {} bytes, expected 8", p.len()));
    }
    Ok((p[0] != 0, le32(p, 4).unwrap_or(0)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chip::Chip;

    #[test]
    fn registry_parses() {
        let names = ["RMSecBusResetEnable\0", "RMDevidCheckIgnore\0"];
        let strings = 8 + 2 * 0x10;
        let mut t = vec![0u8; strings];
        let mut off = strings;
        for (i, n) in names.iter().enumerate() {
            let e = 8 + i * 0x10;
            t[e..e + 4].copy_from_slice(&(off as u32).to_le_bytes());
            t[e + 4] = 1;
            t[e + 8..e + 12].copy_from_slice(&1u32.to_le_bytes());
            off += n.len();
        }
        for n in names {
            t.extend_from_slice(n.as_bytes());
        }
        let size = t.len() as u32;
        t[0..4].copy_from_slice(&size.to_le_bytes());
        t[4..8].copy_from_slice(&2u32.to_le_bytes());
        assert_eq!(
            registry(&t),
            Ok(vec![
                "RMSecBusResetEnable=1".to_string(),
                "RMDevidCheckIgnore=1".to_string()
            ])
        );
        let mut bad = t.clone();
        bad[8] = 0x02;
        assert!(registry(&bad).is_err(), "name offset inside the entries");
        let mut bad = t;
        bad[0] = 0xff;
        assert!(registry(&bad).is_err(), "size beyond the payload");
    }

    #[test]
    fn static_info_layout() {
        let chip = Chip::by_name("ga102").unwrap_or_else(|| panic!("chip"));
        let p = static_info(
            chip,
            24 << 30,
            &[FbRegion {
                base: 0,
                limit: 0xfff,
                reserved: false,
                protected: false,
            }],
            [0xc1e0_0000, 0xcaf0_0000, 0xcaf0_0001],
            0x5_f360_0000,
        );
        assert_eq!(p.len(), STATIC_INFO_SIZE);
        assert_eq!(p[0x600..0x608], 0x5_f360_0000u64.to_le_bytes());
        assert_eq!(p[0x608..0x610], [0; 8], "bar2PdeBase");
        assert_eq!(
            static_info_name(&p).as_deref(),
            Some("NVIDIA GeForce RTX 3090")
        );
        assert_eq!(le32(&p, SI_FB_REGIONS), Some(1));
        assert_eq!(p[SI_FB_REGIONS + 8 + 0x1c], 1);
        assert_eq!(le32(&p, 0x644), Some(0xcaf0_0000), "hInternalDevice");
    }

    #[test]
    fn boot_event_payloads() {
        let p = nocat_record(NOCAT_REC_TYPE_ASSERT, "GSP-RM", 42);
        assert_eq!(p.len(), 0x4b8);
        assert_eq!((p[0x10], &p[0x18..0x1e]), (5, b"GSP-RM".as_slice()));
        let p = libos_print_pmu("hello");
        assert_eq!(p.len(), 0x1008, "message length 0x1058 with the headers");
        assert_eq!(le32(&p, 0), Some(0xf3d7_2200));
        assert_eq!(le32(&p, 4), Some(0x1000));
        assert_eq!(lockdown_notice(true), [1]);
        assert_eq!(name(0x1020), "GSP_POST_NOCAT_RECORD");
        assert_eq!(name(0x100c), "UCODE_LIBOS_PRINT");
    }

    #[test]
    fn sequencer_layout() {
        let p = sequencer(&[(seq::REG_WRITE, &[0x1400, 1]), (seq::CORE_RESUME, &[])]);
        assert_eq!(p.len(), 0x28 + 4 * 4);
        assert_eq!(le32(&p, 4), Some(4));
        assert_eq!(le32(&p, 0x28 + 12), Some(seq::CORE_RESUME));
    }
}
