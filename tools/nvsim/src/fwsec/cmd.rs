//! The FWSEC commands and their effects.
//!
//! Facts (nova-core `firmware/fwsec.rs`, `gsp/hal/tu102.rs`, `gsp/regs.rs`,
//! `fb/regs.rs`; nouveau `nvkm/subdev/gsp/fwsec.c`):
//!
//! * the DMEM mapper's `init_cmd`: 0x15 FRTS, 0x19 SB;
//! * the FRTS command in the command input buffer: READ_VBIOS (u32 version
//!   1, u32 header size 24, u64 address, u32 size, u32 flags) then
//!   FRTS_REGION (u32 version 1, u32 header size 20, u32 address >> 12,
//!   u32 size >> 12, u32 type, 2 = framebuffer);
//! * FRTS reports its status in NV_PBUS_SW_SCRATCH(0xe) bits 31:16, SB in
//!   NV_PBUS_SW_SCRATCH(0x15) bits 15:0 (0 = success);
//! * FRTS sets WPR2 around the region: NV_PFB_PRI_MMU_WPR2_ADDR_LO bits
//!   31:4 hold its start >> 12, `_HI` bits 31:4 the start of its last
//!   128 KiB block >> 12, as real GPUs report it (`regs.rs`
//!   [`wpr2_regs`]): a 1 MiB region at 0xffe00000 reads back as
//!   0xffe00000-0xffee0000. The MMU
//!   cannot protect a region that is not 128 KiB aligned; FWSEC refuses
//!   one ([`ERR_BAD_REGION`]), as it refuses one outside the usable
//!   framebuffer (NV_USABLE_FB_SIZE_IN_MB).
//!
//! The error codes are nvsim's own (FWSEC's are not public); the log line
//! says what was wrong. FWSEC returns 0 in MAILBOX0 once it ran, whatever
//! the command's status; an unknown command leaves [`ERR_UNKNOWN_COMMAND`]
//! there as well.
//!
//! FRTS and SB need the sysmem flush page (`regs.rs`): while none is
//! registered the command is refused with [`ERR_NO_SYSMEM_FLUSH`], both as
//! the command's status and in MAILBOX0, so a driver sees the failure
//! whichever it reads, and a log line names the registers.

use nvsim_vbios::fwsec as img;

use crate::bar0::Bus;
use crate::falcon::Cpu;
use crate::regs::{
    wpr2_regs, NV_PBUS_SW_SCRATCH, NV_PFB_PRI_MMU_WPR2_ADDR_HI, NV_PFB_PRI_MMU_WPR2_ADDR_LO,
};
use crate::timing::Step;

/// Status: a command structure has a bad version or header size.
pub const ERR_BAD_COMMAND: u32 = 0x1;
/// Status: the FRTS region is not a usable framebuffer region.
pub const ERR_BAD_REGION: u32 = 0x2;
/// Status: WPR2 is already set up.
pub const ERR_WPR2_SET: u32 = 0x3;
/// Status and MAILBOX0: `init_cmd` is not a command FWSEC knows.
pub const ERR_UNKNOWN_COMMAND: u32 = 0x4;
/// Status and MAILBOX0: no sysmem flush page is registered.
pub const ERR_NO_SYSMEM_FLUSH: u32 = 0x5;

const FRTS_STATUS: u32 = NV_PBUS_SW_SCRATCH + 4 * 0xe;
const SB_STATUS: u32 = NV_PBUS_SW_SCRATCH + 4 * 0x15;

fn le32(b: &[u8], at: usize) -> u32 {
    b.get(at..at + 4)
        .map_or(0, |s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

fn set_status(bus: &mut Bus<'_>, reg: u32, shift: u32, code: u32) {
    let mask = 0xffff << shift;
    let old = bus.regs.read(reg).unwrap_or(0);
    bus.regs
        .set_hw(reg, (old & !mask) | ((code & 0xffff) << shift));
}

/// Runs the command the driver selected; the falcon halts afterwards.
/// `fb_end` is the end of the usable framebuffer. Returns the step that
/// ran (for its duration), if any.
pub fn run(cpu: &mut Cpu, bus: &mut Bus<'_>, fb_end: u64, rom: &[u8]) -> Option<Step> {
    let dmem = &cpu.mem.dmem;
    let init_cmd = le32(dmem, img::DMAP_OFFSET as usize + 0x2c);
    cpu.mailbox[0] = 0;
    let status = match init_cmd {
        img::DMAP_CMD_FRTS => Some(("FWSEC-FRTS", FRTS_STATUS, 16)),
        img::DMAP_CMD_SB => Some(("FWSEC-SB", SB_STATUS, 0)),
        _ => None,
    };
    if let (Some((name, reg, shift)), Some(why)) = (status, bus.regs.sysmem_flush_missing(cpu.arch))
    {
        bus.trace.log(format!("fwsec: {name} refused: {why}"));
        cpu.mailbox[0] = ERR_NO_SYSMEM_FLUSH;
        set_status(bus, reg, shift, ERR_NO_SYSMEM_FLUSH);
        return None;
    }
    match init_cmd {
        img::DMAP_CMD_FRTS => {
            let code = match frts(dmem, bus, fb_end, rom) {
                Ok(()) => 0,
                Err((code, why)) => {
                    bus.trace
                        .log(format!("fwsec: FRTS command failed ({code:#x}): {why}"));
                    code
                }
            };
            set_status(bus, FRTS_STATUS, 16, code);
            Some(Step::FwsecFrts)
        }
        img::DMAP_CMD_SB => {
            bus.trace.trace(|| {
                "fwsec: SB command ok (the pre-OS applications it starts are not modelled)"
                    .to_string()
            });
            set_status(bus, SB_STATUS, 0, 0);
            Some(Step::FwsecSb)
        }
        other => {
            bus.trace.log(format!(
                "fwsec: init_cmd {other:#x} is not a FWSEC command (FRTS 0x15, SB 0x19)"
            ));
            cpu.mailbox[0] = ERR_UNKNOWN_COMMAND;
            set_status(bus, FRTS_STATUS, 16, ERR_UNKNOWN_COMMAND);
            None
        }
    }
}

/// FRTS: check the command, carve out WPR2 around the region and copy the
/// VBIOS into it.
fn frts(dmem: &[u8], bus: &mut Bus<'_>, fb_end: u64, rom: &[u8]) -> Result<(), (u32, String)> {
    let c = img::CMD_IN_OFFSET as usize;
    let (rv_ver, rv_hdr, rv_flags) = (le32(dmem, c), le32(dmem, c + 4), le32(dmem, c + 20));
    if rv_ver != 1 || rv_hdr != 24 {
        return Err((
            ERR_BAD_COMMAND,
            format!("READ_VBIOS version {rv_ver} header size {rv_hdr} (want 1, 24)"),
        ));
    }
    let r = c + 24;
    let (ver, hdr, page, pages, ftype) = (
        le32(dmem, r),
        le32(dmem, r + 4),
        le32(dmem, r + 8),
        le32(dmem, r + 12),
        le32(dmem, r + 16),
    );
    if ver != 1 || hdr != 20 {
        return Err((
            ERR_BAD_COMMAND,
            format!("FRTS_REGION version {ver} header size {hdr} (want 1, 20)"),
        ));
    }
    if ftype != 2 {
        return Err((
            ERR_BAD_REGION,
            format!("FRTS_REGION type {ftype}: only the framebuffer (2) is supported"),
        ));
    }
    let (start, size) = (u64::from(page) << 12, u64::from(pages) << 12);
    let end = start + size;
    if size == 0 || end > fb_end {
        return Err((
            ERR_BAD_REGION,
            format!(
                "FRTS region {start:#x}..{end:#x} is empty or outside the usable framebuffer \
                 (0..{fb_end:#x})"
            ),
        ));
    }
    let Some((lo, hi)) = wpr2_regs(start, end) else {
        return Err((
            ERR_BAD_REGION,
            format!(
                "FRTS region {start:#x}..{end:#x} is not 128 KiB aligned; WPR2 cannot cover \
                 exactly it"
            ),
        ));
    };
    let cur = bus.regs.read(NV_PFB_PRI_MMU_WPR2_ADDR_HI).unwrap_or(0);
    if cur >> 4 != 0 {
        return Err((
            ERR_WPR2_SET,
            format!("WPR2 is already set (ADDR_HI {cur:#x}); the GPU needs a reset"),
        ));
    }
    // nvsim's stand-in for the verified VBIOS copy FRTS places there.
    let n = rom.len().min(size as usize);
    bus.vram.write(start, &rom[..n]);
    bus.regs.set_hw(NV_PFB_PRI_MMU_WPR2_ADDR_LO, lo);
    bus.regs.set_hw(NV_PFB_PRI_MMU_WPR2_ADDR_HI, hi);
    bus.trace.trace(|| {
        format!(
            "fwsec: FRTS command ok, WPR2 {start:#x}..{end:#x} (ADDR_LO {lo:#x}, ADDR_HI {hi:#x}: \
             last 128 KiB block at {:#x}; READ_VBIOS flags {rv_flags:#x})",
            u64::from(hi >> 4) << 12
        )
    });
    Ok(())
}
