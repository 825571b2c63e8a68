//! The GSP-RM WPR metadata `booter_load` reads from guest memory.
//!
//! Layout (`GspFwWprMeta`, r570.144; nova-core
//! `gsp/fw/r570_144/bindings.rs`, nouveau `nvkm/subdev/gsp/tu102.c`),
//! little-endian u64 fields: 0x00 magic 0xdc3aae21371a60b3, 0x08 revision
//! 1, 0x10/0x18 radix3 ELF sysmem address/size, 0x20/0x28 bootloader
//! sysmem address/size, 0x30/0x38/0x40 bootloader code/data/manifest
//! offsets, 0x48 a 16-byte union, 0x58 gspFwRsvdStart, 0x60/0x68 non-WPR
//! heap offset/size, 0x70 gspFwWprStart, 0x78/0x80 heap offset/size, 0x88
//! gspFwOffset (ELF), 0x90 bootBinOffset, 0x98/0xa0 FRTS offset/size, 0xa8
//! gspFwWprEnd, 0xb0 fbSize, 0xb8/0xc0 VGA workspace offset/size.
//!
//! Checks: magic and revision; the regions in framebuffer order inside
//! `[gspFwWprStart, gspFwWprEnd)` and the usable framebuffer (`fbSize` at
//! most NV_USABLE_FB_SIZE_IN_MB); the FRTS region is the one WPR2 covers
//! (FWSEC set it up; WPR2's upper register is inclusive with a 128 KiB
//! granularity, `regs.rs` [`wpr2_region`]); the sysmem images are
//! readable.
//!
//! GA100 has no FRTS data: its driver gives an empty FRTS region, runs no
//! FWSEC-FRTS, and "the booter firmware handles WPR2 setup directly"
//! (nouveau `nvkm/subdev/gsp/tu102.c`, where the FRTS size is 0 on chipset
//! 0x170; nova-core `fb/hal/ga100.rs`, `gsp/hal/tu102.rs`). There WPR2 must
//! not be set up yet, and `booter_load` sets it to
//! `[gspFwWprStart, gspFwWprEnd)` ([`Meta::wpr2`]).
//!
//! FSP mode ([`read_fsp`], Hopper and Blackwell): the driver fills only
//! the sysmem addresses and the sizes; every framebuffer offset
//! (`gspFwRsvdStart` .. `vgaWorkspaceOffset`, 0x58..0xb8 but the sizes
//! at 0x68, 0x80, 0xa0) is 0, "the ACR ucode computes them when it sets up
//! WPR2" (nova-core `gsp/fw.rs` `from_sizes`; OpenRM
//! `kgspCalculateFbLayout_GH100`: "The actual offsets get filled in by ACR
//! ucode"). nvsim's FMC ignores them (a non-zero one is reported for the
//! log) and lays WPR2 out itself (`fsp/fmc.rs`). The tail of the
//! structure: 0xc0 vgaWorkspaceSize, 0xc8 bootCount, 0xd0 a 32-byte union,
//! 0xf0 u8 gspFwHeapVfPartitionCount, 0xf1 u8 flags, 0xf4 u32
//! pmuReservedSize, 0xf8 verified (r570.144 `GspFwWprMeta`).

use crate::bar0::Bus;
use crate::le::{le32, le64};
use crate::regs::{
    wpr2_region, wpr2_regs, NV_PFB_PRI_MMU_WPR2_ADDR_HI, NV_PFB_PRI_MMU_WPR2_ADDR_LO,
};

/// `GspFwWprMeta` magic.
pub const MAGIC: u64 = 0xdc3a_ae21_371a_60b3;
/// Size read.
const LEN: usize = 0xc8;
/// sizeof(GspFwWprMeta) (r570.144).
pub const FULL_LEN: usize = 0x100;

/// What the FMC uses of the metadata on FSP chips ([`read_fsp`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FspMeta {
    /// Bus address of the radix3 level-0 page of the GSP-RM image.
    pub radix3: u64,
    /// Size of the GSP-RM image.
    pub image_size: u64,
    /// Bus address and size of the GSP bootloader.
    pub bootloader: (u64, u64),
    /// Bootloader code, data and manifest offsets.
    pub bl_offsets: [u64; 3],
    /// Bus address and size of GSP-RM's signature.
    pub signature: (u64, u64),
    /// nonWprHeapSize.
    pub non_wpr_heap: u64,
    /// gspFwHeapSize.
    pub heap: u64,
    /// frtsSize.
    pub frts: u64,
    /// vgaWorkspaceSize.
    pub vga: u64,
    /// pmuReservedSize.
    pub pmu_reserved: u64,
    /// Framebuffer offsets the driver filled in (ignored), for the log.
    pub ignored: Vec<String>,
    /// The 256 bytes as read.
    pub raw: Vec<u8>,
}

/// Checks the magic and revision of the metadata `m`.
fn check_header(m: &[u8]) -> Result<(), String> {
    let magic = le64(m, 0x00).unwrap_or(0);
    if magic != MAGIC {
        return Err(format!("magic {magic:#x}, expected {MAGIC:#x}"));
    }
    let revision = le64(m, 0x08).unwrap_or(0);
    if revision != 1 {
        return Err(format!("revision {revision}, expected 1"));
    }
    Ok(())
}

/// Reads the metadata at bus address `addr` as an FSP chip's FMC takes it
/// (module documentation): magic, revision, the sysmem images present;
/// the sizes are returned for the FMC to check and lay out.
pub fn read_fsp(bus: &Bus<'_>, addr: u64) -> Result<FspMeta, String> {
    let mut m = vec![0u8; FULL_LEN];
    bus.dma
        .read(addr, &mut m)
        .map_err(|e| format!("not readable: {e}"))?;
    check_header(&m)?;
    let q = |o: usize| le64(&m, o).unwrap_or(0);
    for (name, at, size_at) in [
        ("sysmemAddrOfRadix3Elf", 0x10, 0x18),
        ("sysmemAddrOfBootloader", 0x20, 0x28),
        ("sysmemAddrOfSignature", 0x48, 0x50),
    ] {
        if q(at) == 0 || q(size_at) == 0 {
            return Err(format!(
                "{name} {:#x} with size {:#x}: missing",
                q(at),
                q(size_at)
            ));
        }
    }
    let offsets = [
        (0x58, "gspFwRsvdStart"),
        (0x60, "nonWprHeapOffset"),
        (0x70, "gspFwWprStart"),
        (0x78, "gspFwHeapOffset"),
        (0x88, "gspFwOffset"),
        (0x90, "bootBinOffset"),
        (0x98, "frtsOffset"),
        (0xa8, "gspFwWprEnd"),
        (0xb0, "fbSize"),
        (0xb8, "vgaWorkspaceOffset"),
    ];
    let ignored = offsets
        .iter()
        .filter(|(o, _)| q(*o) != 0)
        .map(|(o, n)| format!("{n} {:#x}", q(*o)))
        .collect();
    Ok(FspMeta {
        radix3: q(0x10),
        image_size: q(0x18),
        bootloader: (q(0x20), q(0x28)),
        bl_offsets: [q(0x30), q(0x38), q(0x40)],
        signature: (q(0x48), q(0x50)),
        non_wpr_heap: q(0x68),
        heap: q(0x80),
        frts: q(0xa0),
        vga: q(0xc0),
        pmu_reserved: u64::from(le32(&m, 0xf4).unwrap_or(0)),
        ignored,
        raw: m,
    })
}

/// What `booter_load` uses of the metadata after checking it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meta {
    /// One line for the log.
    pub summary: String,
    /// Bus address of the radix3 level-0 page of the GSP-RM image.
    pub radix3: u64,
    /// Size of the GSP-RM image.
    pub image_size: u64,
    /// Bus address and size of the GSP bootloader.
    pub bootloader: (u64, u64),
    /// Bootloader code, data and manifest offsets.
    pub bl_offsets: [u64; 3],
    /// gspFwRsvdStart: where the firmware-reserved framebuffer begins.
    pub rsvd_start: u64,
    /// The WPR2 register values `booter_load` sets itself (GA100), if any.
    pub wpr2: Option<(u32, u32)>,
}

/// Reads and checks the metadata at bus address `addr` on a GPU whose
/// usable framebuffer ends at `fb_end`; `sets_wpr2`: the booter sets WPR2
/// up itself when the FRTS region is empty (GA100).
pub fn check(bus: &Bus<'_>, addr: u64, fb_end: u64, sets_wpr2: bool) -> Result<Meta, String> {
    let mut m = vec![0u8; LEN];
    bus.dma.read(addr, &mut m).map_err(|e| e.to_string())?;
    check_header(&m)?;
    let q = |o: usize| le64(&m, o).unwrap_or(0);
    let (elf, elf_size, bl, bl_size) = (q(0x10), q(0x18), q(0x20), q(0x28));
    let (nonwpr, nonwpr_size) = (q(0x60), q(0x68));
    let (wpr_start, heap, heap_size, fw, boot) = (q(0x70), q(0x78), q(0x80), q(0x88), q(0x90));
    let (frts, frts_size, wpr_end, fb) = (q(0x98), q(0xa0), q(0xa8), q(0xb0));
    if fb == 0 || fb > fb_end {
        return Err(format!(
            "fbSize {fb:#x} is beyond the usable framebuffer ({fb_end:#x} bytes, \
             NV_USABLE_FB_SIZE_IN_MB)"
        ));
    }
    let order = [
        ("non-WPR heap", nonwpr, nonwpr.saturating_add(nonwpr_size)),
        ("WPR start", wpr_start, wpr_start),
        ("heap", heap, heap.saturating_add(heap_size)),
        ("GSP-RM ELF", fw, fw),
        ("bootloader", boot, boot),
        ("FRTS", frts, frts.saturating_add(frts_size)),
        ("WPR end", wpr_end, wpr_end),
    ];
    for pair in order.windows(2) {
        let ((a, _, a_end), (b, b_start, _)) = (pair[0], pair[1]);
        if a_end > b_start {
            return Err(format!("{a} (ends {a_end:#x}) overlaps {b} ({b_start:#x})"));
        }
    }
    if wpr_end > fb {
        return Err(format!("gspFwWprEnd {wpr_end:#x} beyond fbSize {fb:#x}"));
    }
    let wpr2 = wpr2_region(
        bus.regs.read(NV_PFB_PRI_MMU_WPR2_ADDR_LO).unwrap_or(0),
        bus.regs.read(NV_PFB_PRI_MMU_WPR2_ADDR_HI).unwrap_or(0),
    );
    let mut own_wpr2 = None;
    match wpr2 {
        None if sets_wpr2 && frts_size == 0 => {
            own_wpr2 = Some(wpr2_regs(wpr_start, wpr_end).ok_or_else(|| {
                format!("WPR {wpr_start:#x}..{wpr_end:#x} cannot be a WPR2 region")
            })?);
        }
        Some((lo, end)) if sets_wpr2 && frts_size == 0 => {
            return Err(format!(
                "empty FRTS region, but WPR2 is already set up ({lo:#x}..{end:#x})"
            ))
        }
        None => return Err(format!("FRTS {frts:#x}+{frts_size:#x}: WPR2 is not set up")),
        Some((lo, end)) if (lo, end) != (frts, frts.saturating_add(frts_size)) => {
            return Err(format!(
                "FRTS {frts:#x}+{frts_size:#x} is not the WPR2 region {lo:#x}..{end:#x} FWSEC \
                 set up"
            ))
        }
        Some(_) => {}
    }
    let mut probe = [0u8; 4];
    for (what, a, size) in [("radix3 ELF", elf, elf_size), ("bootloader", bl, bl_size)] {
        if size == 0 {
            return Err(format!("{what} has size 0"));
        }
        bus.dma
            .read(a, &mut probe)
            .map_err(|e| format!("{what} at {a:#x}: {e}"))?;
    }
    let summary = format!(
        "WPR meta at {addr:#x} ok: WPR {wpr_start:#x}..{wpr_end:#x}, heap {heap:#x}+{heap_size:#x}, \
         ELF {fw:#x} (sysmem {elf:#x}+{elf_size:#x}), bootloader {boot:#x} \
         (sysmem {bl:#x}+{bl_size:#x}), FRTS {frts:#x}+{frts_size:#x}, fb {fb:#x}"
    );
    Ok(Meta {
        summary,
        radix3: elf,
        image_size: elf_size,
        bootloader: (bl, bl_size),
        bl_offsets: [q(0x30), q(0x38), q(0x40)],
        rsvd_start: q(0x58),
        wpr2: own_wpr2,
    })
}
