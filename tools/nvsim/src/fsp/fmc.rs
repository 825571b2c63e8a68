//! What the FMC (the GSP's first-stage firmware the FSP starts after a
//! good COT) does in nvsim: it checks the WPR metadata the boot parameters
//! point to, verifies GSP-RM's image, bootloader and signature in guest
//! memory against the real files, lays WPR2 out from the sizes, and starts
//! the GSP-RM model with the libos arguments of the boot parameters.
//!
//! The real FMC checks GSP-RM after the FSP replied and reports a failure
//! in GSP MAILBOX0 (OpenRM `_kgspLockdownReleasedOrFmcError`); nvsim's FSP
//! runs these checks before it replies, so that every refusal is the
//! COT's errorCode and one log line (the FSP's choice in nvsim).
//!
//! The WPR metadata (`booter/wpr.rs` [`read_fsp`]): magic, revision 1,
//! the sysmem images present; frtsSize 1 MiB and the COT's frtsVidmemSize;
//! pmuReservedSize the chip's (0 on GH100, 0x1820000 on GB10x/GB20x:
//! nova-core `fb/hal/{gb100,gb202}.rs`, facts 3.4); gspFwHeapSize at least
//! 88 MiB (`GSP_FW_HEAP_SIZE_OVERRIDE_LIBOS3_BAREMETAL_MIN_MB`, r570.144);
//! nonWprHeapSize non-zero and 4 KiB-aligned; vgaWorkspaceSize non-zero;
//! the bootloader offsets those of the bootloader file's descriptor;
//! every framebuffer offset is ignored (the driver sends 0). Errors:
//! [`super::ERR_WPR_META`], and [`super::ERR_GSP_IMAGE`] for the images.
//!
//! The layout (nvsim's estimate from OpenRM's `kgspCalculateFbLayout_GH100`
//! diagram, with the alignments of `kgspCalculateFbLayout_TU102` and
//! nova-core's `FbLayout`; "end of FB" is the usable framebuffer,
//! NV_USABLE_FB_SIZE_IN_MB), from the top down:
//!
//! | region | where |
//! | --- | --- |
//! | VGA workspace | the last vgaWorkspaceSize bytes |
//! | PMU reservation | pmuReservedSize bytes from the top of FRTS (must end below the VGA workspace) |
//! | FRTS | `[end - frtsVidmemOffset - frtsSize, end - frtsVidmemOffset)`; its top is gspFwWprEnd (128 KiB aligned) |
//! | boot binary (the bootloader) | below FRTS, 4 KiB aligned down |
//! | GSP-RM ELF | below it, 64 KiB aligned down |
//! | WPR heap | gspFwHeapSize below the ELF, 1 MiB aligned down |
//! | metadata | at gspFwWprStart: 256 bytes below the heap, 128 KiB aligned down |
//! | non-WPR heap | nonWprHeapSize below gspFwWprStart: gspFwRsvdStart |
//!
//! The FMC then sets WPR2 (`NV_PFB_PRI_MMU_WPR2_ADDR_LO/HI`) to
//! `[gspFwWprStart, gspFwWprEnd)`, writes the metadata with the offsets
//! filled in at gspFwWprStart in video memory ("ACR-placed metadata"), and
//! starts GSP-RM, whose non-WPR heap (BAR1's root, `gsprm/bar1.rs`) and
//! framebuffer regions follow gspFwRsvdStart.

use std::time::Instant;

use super::cot::{BootParams, Cot, Refusal, FRTS_SIZE};
use super::{FspChip, ERR_GSP_IMAGE, ERR_WPR_META};
use crate::bar0::Bus;
use crate::booter::gsp::GspFiles;
use crate::booter::wpr::{read_fsp, FspMeta};
use crate::gsprm::{self, Shared};
use crate::regs::{wpr2_regs, NV_PFB_PRI_MMU_WPR2_ADDR_HI, NV_PFB_PRI_MMU_WPR2_ADDR_LO};

/// Smallest WPR heap GSP-RM 570.144 takes on bare metal (88 MiB).
pub const MIN_HEAP: u64 = 88 << 20;

/// Where the FMC puts each region (byte addresses in video memory).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// gspFwRsvdStart = nonWprHeapOffset.
    pub rsvd_start: u64,
    /// gspFwWprStart (the metadata).
    pub wpr_start: u64,
    /// gspFwHeapOffset and the heap's size up to the ELF.
    pub heap: (u64, u64),
    /// gspFwOffset.
    pub elf: u64,
    /// bootBinOffset.
    pub boot: u64,
    /// frtsOffset.
    pub frts: u64,
    /// gspFwWprEnd (the top of FRTS).
    pub wpr_end: u64,
    /// vgaWorkspaceOffset.
    pub vga: u64,
    /// The end of the usable framebuffer (fbSize).
    pub fb_end: u64,
}

fn down(v: u64, a: u64) -> u64 {
    v & !(a - 1)
}

impl Layout {
    /// The layout of `meta` below `fb_end`, FRTS `frts_offset` below the
    /// end (module documentation).
    pub fn compute(fb_end: u64, frts_offset: u64, meta: &FspMeta) -> Result<Self, String> {
        let no_room = |what: &str| format!("no room for {what} below {fb_end:#x}");
        let vga = fb_end
            .checked_sub(meta.vga)
            .ok_or_else(|| no_room("the VGA workspace"))?;
        let wpr_end = fb_end
            .checked_sub(frts_offset)
            .ok_or_else(|| no_room("FRTS"))?;
        if wpr_end + meta.pmu_reserved > vga {
            return Err(format!(
                "frtsVidmemOffset {frts_offset:#x} leaves no room above FRTS for \
                 pmuReservedSize {:#x} and vgaWorkspaceSize {:#x}",
                meta.pmu_reserved, meta.vga
            ));
        }
        if !wpr_end.is_multiple_of(0x2_0000) {
            return Err(format!(
                "the top of FRTS {wpr_end:#x} (gspFwWprEnd) is not 128 KiB aligned"
            ));
        }
        let sub = |a: u64, b: u64, what: &str| a.checked_sub(b).ok_or_else(|| no_room(what));
        let frts = sub(wpr_end, meta.frts, "FRTS")?;
        let boot = down(sub(frts, meta.bootloader.1, "the bootloader")?, 0x1000);
        let elf = down(sub(boot, meta.image_size, "the GSP-RM ELF")?, 0x1_0000);
        let heap = down(sub(elf, meta.heap, "the WPR heap")?, 0x10_0000);
        let wpr_start = down(sub(heap, 0x100, "the metadata")?, 0x2_0000);
        let rsvd_start = sub(wpr_start, meta.non_wpr_heap, "the non-WPR heap")?;
        Ok(Self {
            rsvd_start,
            wpr_start,
            heap: (heap, elf - heap),
            elf,
            boot,
            frts,
            wpr_end,
            vga,
            fb_end,
        })
    }

    /// The metadata `raw` with this layout's offsets filled in, as the FMC
    /// leaves it at gspFwWprStart.
    pub fn fill(&self, raw: &[u8]) -> Vec<u8> {
        let mut m = raw.to_vec();
        let mut q = |o: usize, v: u64| m[o..o + 8].copy_from_slice(&v.to_le_bytes());
        q(0x58, self.rsvd_start);
        q(0x60, self.rsvd_start);
        q(0x70, self.wpr_start);
        q(0x78, self.heap.0);
        q(0x80, self.heap.1);
        q(0x88, self.elf);
        q(0x90, self.boot);
        q(0x98, self.frts);
        q(0xa8, self.wpr_end);
        q(0xb0, self.fb_end);
        q(0xb8, self.vga);
        m
    }
}

/// What the FMC will do once the FSP replied: checked and laid out.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The libos argument page.
    pub libos: u64,
    /// The WPR2 layout.
    pub layout: Layout,
    /// The metadata as the FMC places it.
    pub meta: Vec<u8>,
    /// What was checked, for the log.
    pub summary: Vec<String>,
}

/// The FMC's checks for the COT `cot` (whose fields
/// [`Cot::check_fields`] accepted) with boot parameters `params` on
/// `chip` (usable framebuffer ending at `fb_end`), verifying GSP-RM
/// against `files`.
pub fn prepare(
    bus: &Bus<'_>,
    cot: &Cot,
    params: &BootParams,
    chip: &FspChip,
    files: &mut GspFiles,
    fb_end: u64,
) -> Result<Plan, Refusal> {
    let meta = read_fsp(bus, params.wpr_meta).map_err(|e| {
        Refusal::new(
            ERR_WPR_META,
            format!(
                "WPR metadata at gspRmDescOffset {:#x}: {e}",
                params.wpr_meta
            ),
        )
    })?;
    let bad = |why: String| Err(Refusal::new(ERR_WPR_META, format!("WPR metadata: {why}")));
    // The COT's frtsVidmemSize is FRTS_SIZE (`Cot::check_fields`).
    if meta.frts != FRTS_SIZE {
        return bad(format!(
            "frtsSize {:#x}, expected {FRTS_SIZE:#x} (the COT's frtsVidmemSize {:#x})",
            meta.frts, cot.frts_vidmem.1
        ));
    }
    if meta.pmu_reserved != chip.pmu_reserved {
        return bad(format!(
            "pmuReservedSize {:#x}, the {} FMC expects {:#x}",
            meta.pmu_reserved, chip.name, chip.pmu_reserved
        ));
    }
    if meta.heap < MIN_HEAP {
        return bad(format!(
            "gspFwHeapSize {:#x}, below GSP-RM's minimum {MIN_HEAP:#x} (88 MiB)",
            meta.heap
        ));
    }
    if meta.non_wpr_heap == 0 || !meta.non_wpr_heap.is_multiple_of(0x1000) {
        return bad(format!(
            "nonWprHeapSize {:#x} is not a non-zero multiple of 4 KiB",
            meta.non_wpr_heap
        ));
    }
    if meta.vga == 0 {
        return bad("vgaWorkspaceSize is 0".into());
    }
    if let Some(want) = files.bootloader_offsets() {
        if meta.bl_offsets != want {
            return bad(format!(
                "bootloader code/data/manifest offsets {:#x}/{:#x}/{:#x}, the bootloader's \
                 descriptor has {:#x}/{:#x}/{:#x}",
                meta.bl_offsets[0],
                meta.bl_offsets[1],
                meta.bl_offsets[2],
                want[0],
                want[1],
                want[2]
            ));
        }
    }
    let layout = Layout::compute(fb_end, cot.frts_vidmem.0, &meta)
        .map_err(|e| Refusal::new(ERR_WPR_META, format!("WPR metadata: {e}")))?;
    let image = |r: Result<String, String>| r.map_err(|e| Refusal::new(ERR_GSP_IMAGE, e));
    let mut summary = Vec::new();
    summary.push(image(files.verify_image(
        bus.dma,
        meta.radix3,
        meta.image_size,
    ))?);
    let (bl, bl_size) = meta.bootloader;
    summary.push(image(files.verify_bootloader(
        bus.dma,
        bl,
        bl_size,
        meta.bl_offsets,
    ))?);
    let (sig, sig_size) = meta.signature;
    summary.push(image(files.verify_signature(
        bus.dma,
        sig,
        sig_size,
        chip.sig_section,
    ))?);
    if !meta.ignored.is_empty() {
        summary.push(format!(
            "WPR metadata offsets ignored (the FMC lays WPR2 out itself): {}",
            meta.ignored.join(", ")
        ));
    }
    if !params.ignored.is_empty() {
        summary.push(format!(
            "boot parameters ignored: {}",
            params.ignored.join(", ")
        ));
    }
    Ok(Plan {
        libos: params.libos,
        layout,
        meta: layout.fill(&meta.raw),
        summary,
    })
}

/// The FMC runs `plan` after the FSP accepted boot `boot`'s COT: GSP
/// reset, lockdown engaged, WPR2 set up, the metadata placed; then,
/// unless it hangs (`fmc-hang`), GSP-RM started, the lockdown released and
/// the RISC-V core active from `active_from` (at once if `None`).
pub fn run(
    plan: &Plan,
    bus: &mut Bus<'_>,
    rm: &Shared,
    boot: u32,
    hang: bool,
    active_from: Option<Instant>,
) {
    let mut g = gsprm::lock(rm);
    g.fmc_reset_gsp(bus);
    let l = plan.layout;
    if let Some((lo, hi)) = wpr2_regs(l.wpr_start, l.wpr_end) {
        bus.regs.set_hw(NV_PFB_PRI_MMU_WPR2_ADDR_LO, lo);
        bus.regs.set_hw(NV_PFB_PRI_MMU_WPR2_ADDR_HI, hi);
    }
    bus.vram.write(l.wpr_start, &plan.meta);
    bus.trace.log(format!(
        "FMC: boot {boot}: GSP reset, lockdown engaged; WPR2 {:#x}..{:#x}: metadata {:#x}, heap \
         {:#x}+{:#x}, GSP-RM ELF {:#x}, bootloader {:#x}, FRTS {:#x}..{:#x}; non-WPR heap \
         (gspFwRsvdStart) {:#x}; VGA workspace {:#x}",
        l.wpr_start,
        l.wpr_end,
        l.wpr_start,
        l.heap.0,
        l.heap.1,
        l.elf,
        l.boot,
        l.frts,
        l.wpr_end,
        l.rsvd_start,
        l.vga
    ));
    if hang {
        bus.trace.log(format!(
            "fault fmc-hang: boot {boot}: the FMC never starts GSP-RM: the GSP lockdown stays \
             engaged, the RISC-V core inactive"
        ));
        return;
    }
    g.fmc_start(bus, plan.libos, l.rsvd_start, active_from);
    bus.trace.log(format!(
        "FMC: GSP-RM started with the libos arguments at {:#x}; GSP lockdown released{}",
        plan.libos,
        match active_from {
            Some(t) => format!(" in {:?}", t.saturating_duration_since(Instant::now())),
            None => String::new(),
        }
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(pmu: u64, non_wpr: u64) -> FspMeta {
        FspMeta {
            radix3: 0x1000,
            image_size: 0x3c9_9000,
            bootloader: (0x2000, 0x2_9000),
            bl_offsets: [0xb100, 0xa00, 0],
            signature: (0x3000, 0x1000),
            non_wpr_heap: non_wpr,
            heap: 0x870_0000,
            frts: FRTS_SIZE,
            vga: 0x2_0000,
            pmu_reserved: pmu,
            ignored: Vec::new(),
            raw: vec![0; 0x100],
        }
    }

    #[test]
    fn gh100_and_gb202_layouts() {
        // GH100, 80 GiB: FRTS 2 MiB below the end.
        let end = 80u64 << 30;
        let l = Layout::compute(end, 0x20_0000, &meta(0, 0x20_0000)).expect("fits");
        assert_eq!(l.wpr_end, end - 0x20_0000);
        assert_eq!(l.frts, end - 0x30_0000);
        assert_eq!(l.boot, l.frts - 0x2_9000);
        assert!(l.elf.is_multiple_of(0x1_0000) && l.elf + 0x3c9_9000 <= l.boot);
        assert!(l.heap.0.is_multiple_of(0x10_0000) && l.heap.0 + 0x870_0000 <= l.elf);
        assert!(l.wpr_start.is_multiple_of(0x2_0000) && l.wpr_start + 0x100 <= l.heap.0);
        assert_eq!(l.rsvd_start, l.wpr_start - 0x20_0000);
        let m = l.fill(&[0; 0x100]);
        assert_eq!(m[0x70..0x78], l.wpr_start.to_le_bytes());
        // GB202: the PMU reservation between FRTS and the VGA workspace.
        let end = 32u64 << 30;
        let l = Layout::compute(end, 0x1c0_0000, &meta(0x182_0000, 0x22_0000)).expect("fits");
        assert_eq!(l.wpr_end, end - 0x1c0_0000);
        assert!(l.wpr_end + 0x182_0000 <= l.vga && l.vga == end - 0x2_0000);
        assert_eq!(l.rsvd_start, l.wpr_start - 0x22_0000);
        // No room for the PMU reservation under GH100's FRTS offset.
        let e = Layout::compute(end, 0x20_0000, &meta(0x182_0000, 0x20_0000)).expect_err("room");
        assert!(e.contains("pmuReservedSize 0x1820000"), "{e}");
        assert!(Layout::compute(0x100_0000, 0x20_0000, &meta(0, 0x20_0000)).is_err());
    }
}
