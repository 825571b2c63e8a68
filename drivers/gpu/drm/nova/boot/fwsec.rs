// SPDX-License-Identifier: GPL-2.0

//! FWSEC, the VBIOS's heavy-secure ucode, on the GSP falcon: FWSEC-FRTS
//! (step 6 of the GSP boot) copies the VBIOS tables into the FRTS region
//! and sets up WPR2 around it; FWSEC-SB (at teardown) returns the GSP
//! falcon to its pre-libos state.
//!
//! The FWSEC ucode of the VBIOS is copied into a coherent DMA buffer and
//! patched there: the DMEM mapper's `init_cmd` selects the command, the
//! command input buffer receives its arguments (a READ_VBIOS header, then
//! for FRTS the region in 4 KiB pages), and the signature for the version the fuses
//! require goes to the descriptor's `pkc_data_offset` (GA102 and later).
//! There the falcon loads the image by DMA and the boot ROM checks it; on
//! Turing the generic bootloader (`gen_bootloader`, loaded by PIO) copies it
//! as its DMEM descriptor says. FWSEC reports its status in
//! `NV_PBUS_SW_SCRATCH(0xe)` bits 31:16 (FRTS) or `NV_PBUS_SW_SCRATCH(0x15)`
//! bits 15:0 (SB).
//!
//! Layouts (nova-core `firmware/fwsec.rs`, nouveau `nvkm/subdev/gsp/fwsec.c`).

use core::ops::Range;

use kernel::{
    device::Bound,
    dma::{
        Coherent,
        CoherentBox, //
    },
    firmware::Firmware,
    io::Io,
    pci,
    prelude::*,
    time::Delta, //
};

use crate::{
    boot::vbios::VbiosImage,
    chip::Chip,
    falcon::{
        BromParams,
        Falcon,
        Gsp,
        Mem,
        DMA_BLOCK, //
    },
    firmware,
    firmware::parse::{
        bl::GenericBootloader,
        fwsec::{
            UcodeDesc,
            SIGNATURE_SIZE, //
        },
    },
    gpu::Bar0,
};

use super::regs::{
    NV_PBUS_SW_SCRATCH_FRTS_STATUS,
    NV_PBUS_SW_SCRATCH_SB_STATUS,
    NV_PFB_PRI_MMU_WPR2_ADDR_HI,
    NV_PFB_PRI_MMU_WPR2_ADDR_LO, //
};

/// `init_cmd` value selecting the FRTS command.
const CMD_FRTS: u32 = 0x15;
/// `init_cmd` value selecting the SB command.
const CMD_SB: u32 = 0x19;

/// What FWSEC is asked to do.
#[derive(Clone)]
pub(crate) enum Command {
    /// Set up the FRTS region (and WPR2 around it).
    Frts(Range<u64>),
    /// Return the GSP falcon to its pre-libos state.
    Sb,
}

impl Command {
    fn name(&self) -> &'static str {
        match self {
            Self::Frts(_) => "FWSEC-FRTS",
            Self::Sb => "FWSEC-SB",
        }
    }
}
/// Offset of `init_cmd` in the DMEM mapper.
const INIT_CMD_OFFSET: usize = 44;
/// Size of the READ_VBIOS command header.
const READ_VBIOS_SIZE: u32 = 24;
/// Size of the FRTS region command header.
const FRTS_REGION_SIZE: u32 = 20;
/// READ_VBIOS flags FWSEC expects from a driver.
const READ_VBIOS_FLAGS: u32 = 2;
/// FRTS region type: framebuffer.
const FRTS_REGION_TYPE_FB: u32 = 2;
/// The generic bootloader that loads FWSEC on Turing.
pub(crate) const GEN_BOOTLOADER: &str = "gen_bootloader-570.144.bin";
/// How long FWSEC may run.
const FWSEC_TIMEOUT: Delta = Delta::from_secs(2);

/// Writes `v` little-endian at `at` in `buf`.
fn put32(buf: &mut [u8], at: usize, v: u32) -> Result {
    buf.get_mut(at..at + 4)
        .ok_or(EINVAL)?
        .copy_from_slice(&v.to_le_bytes());
    Ok(())
}

/// Granule of WPR2's upper bound: `NV_PFB_PRI_MMU_WPR2_ADDR_HI` holds the
/// address of the region's last 128 KiB block, so the bound is inclusive.
/// Real GPUs show it: a TU117 reports WPR2 `0xffe00000`/`0xffee0000` for
/// the FRTS region `0xffe00000-0xfff00000`.
const WPR2_HI_GRANULE: u64 = 128 << 10;

/// WPR2 from the raw fields of its two registers: `None` if it is not set
/// up, else its (start, end) byte addresses, end exclusive.
fn wpr2_from_fields(lo_val: u32, hi_val: u32) -> Option<(u64, u64)> {
    if hi_val == 0 {
        return None;
    }
    let start = u64::from(lo_val) << 12;
    let end = (u64::from(hi_val) << 12) + WPR2_HI_GRANULE;
    Some((start, end))
}

/// Reads WPR2 from its registers: `None` if it is not set up, else its
/// (start, end) byte addresses, end exclusive.
pub(crate) fn read_wpr2(bar: &Bar0<'_>) -> Option<(u64, u64)> {
    wpr2_from_fields(
        bar.read(NV_PFB_PRI_MMU_WPR2_ADDR_LO).lo_val().get(),
        bar.read(NV_PFB_PRI_MMU_WPR2_ADDR_HI).hi_val().get(),
    )
}

/// How a patched image gets into the falcon.
enum Load {
    /// GA102 and later (descriptor v3): DMA as secure IMEM, checked by the
    /// boot ROM.
    Brom {
        imem_base: u32,
        imem_len: u32,
        dmem_src: u32,
        dmem_base: u32,
        dmem_len: u32,
        brom: BromParams,
    },
    /// Turing (descriptor v2): the generic bootloader copies it by DMA, as
    /// its DMEM descriptor says. Offsets count from the buffer start.
    Bootloader {
        ns_off: u32,
        ns_len: u32,
        sec_off: u32,
        sec_len: u32,
        data_off: u32,
        data_len: u32,
    },
}

/// A patched FWSEC image in DMA memory, with what loading it needs.
struct Image {
    buf: Coherent<[u8]>,
    load: Load,
}

impl Image {
    /// Copies and patches FWSEC from `vbios` to run `cmd`.
    fn build(
        pdev: &pci::Device<Bound>,
        falcon: &Falcon<'_, '_, Gsp>,
        vbios: &VbiosImage,
        cmd: &Command,
    ) -> Result<Self> {
        let what = cmd.name();
        let fwsec = vbios.fwsec()?;
        // The generic bootloader uses one offset as both the source (from
        // the DMA base) and the IMEM destination of the code, so the image
        // is placed in the buffer at its IMEM load address.
        let base = match fwsec.desc {
            UcodeDesc::V2(d) => {
                if d.dmem_phys_base != 0 {
                    dev_err!(
                        pdev,
                        "{}: DMEM load address {:#x}, the bootloader loads at 0\n",
                        what,
                        d.dmem_phys_base
                    );
                    return Err(ENOTSUPP);
                }
                d.imem_phys_base as usize
            }
            UcodeDesc::V3(_) => 0,
        };
        let mapper = fwsec.dmem_mapper().map_err(|_| {
            dev_err!(pdev, "{}: no DMEM mapper in FWSEC\n", what);
            EINVAL
        })?;
        if (mapper.cmd_in_buffer_size as usize) < (READ_VBIOS_SIZE + FRTS_REGION_SIZE) as usize {
            dev_err!(
                pdev,
                "{}: command buffer of {} bytes is too small\n",
                what,
                mapper.cmd_in_buffer_size
            );
            return Err(EINVAL);
        }

        let len = base
            .checked_add(fwsec.ucode.len())
            .ok_or(EOVERFLOW)?
            .next_multiple_of(DMA_BLOCK)
            + DMA_BLOCK;
        let mut buf = CoherentBox::<[u8]>::zeroed_slice(pdev.as_ref(), len, GFP_KERNEL)?;
        buf.get_mut(base..base + fwsec.ucode.len())
            .ok_or(EINVAL)?
            .copy_from_slice(fwsec.ucode);

        let dmem = base + fwsec.desc.dmem_offset() as usize;
        // The command.
        put32(
            &mut buf,
            base + mapper.ucode_offset as usize + INIT_CMD_OFFSET,
            match cmd {
                Command::Frts(_) => CMD_FRTS,
                Command::Sb => CMD_SB,
            },
        )?;
        let c = dmem + mapper.cmd_in_buffer_offset as usize;
        put32(&mut buf, c, 1)?;
        put32(&mut buf, c + 4, READ_VBIOS_SIZE)?;
        // READ_VBIOS address (u64) and size stay zero.
        put32(&mut buf, c + 8, 0)?;
        put32(&mut buf, c + 12, 0)?;
        put32(&mut buf, c + 16, 0)?;
        put32(&mut buf, c + 20, READ_VBIOS_FLAGS)?;
        if let Command::Frts(frts) = cmd {
            let r = c + READ_VBIOS_SIZE as usize;
            let page = u32::try_from(frts.start >> 12)?;
            let pages = u32::try_from((frts.end - frts.start) >> 12)?;
            put32(&mut buf, r, 1)?;
            put32(&mut buf, r + 4, FRTS_REGION_SIZE)?;
            put32(&mut buf, r + 8, page)?;
            put32(&mut buf, r + 12, pages)?;
            put32(&mut buf, r + 16, FRTS_REGION_TYPE_FB)?;
        }

        let load = match fwsec.desc {
            UcodeDesc::V2(d) => {
                // The secure code's offset in the image, from its virtual
                // address.
                let sec = d.imem_sec_base.saturating_sub(d.imem_virt_base);
                Load::Bootloader {
                    ns_off: d.imem_phys_base,
                    ns_len: d.imem_load_size.saturating_sub(d.imem_sec_size),
                    sec_off: d.imem_phys_base.checked_add(sec).ok_or(EOVERFLOW)?,
                    sec_len: d.imem_sec_size,
                    data_off: u32::try_from(dmem)?,
                    data_len: d.dmem_load_size,
                }
            }
            UcodeDesc::V3(desc) => {
                // The signature for the fused version.
                if desc.signature_count > 0 {
                    let fuse = falcon.fuse_version(desc.ucode_id)?;
                    let bit = 1u32.checked_shl(fuse).unwrap_or(0);
                    let versions = u32::from(desc.signature_versions);
                    if versions & bit == 0 {
                        dev_err!(
                            pdev,
                            "{}: the fuses require signature version {}, FWSEC has {:#x}\n",
                            what,
                            fuse,
                            versions
                        );
                        return Err(EINVAL);
                    }
                    let index = (versions & (bit - 1)).count_ones();
                    let sig = u8::try_from(index)
                        .ok()
                        .and_then(|i| fwsec.signature(i).ok())
                        .ok_or_else(|| {
                            dev_err!(
                                pdev,
                                "{}: signature {} (fuse version {}) is missing\n",
                                what,
                                index,
                                fuse
                            );
                            EINVAL
                        })?;
                    let at = dmem + desc.pkc_data_offset as usize;
                    buf.get_mut(at..at + SIGNATURE_SIZE)
                        .ok_or(EINVAL)?
                        .copy_from_slice(sig);
                }
                Load::Brom {
                    imem_base: desc.imem_phys_base,
                    imem_len: desc.imem_load_size,
                    dmem_src: fwsec.desc.dmem_offset(),
                    dmem_base: desc.dmem_phys_base,
                    dmem_len: desc.dmem_load_size,
                    brom: BromParams {
                        pkc_data_offset: desc.pkc_data_offset,
                        engine_id_mask: desc.engine_id_mask,
                        ucode_id: desc.ucode_id,
                    },
                }
            }
        };

        Ok(Self {
            buf: buf.into(),
            load,
        })
    }
}

/// Size of the generic bootloader's DMEM descriptor.
const BL_DESC_SIZE: usize = 0x54;
/// DMA context the generic bootloader uses (physical system memory).
const BL_DMA_CTX: u32 = 4;
/// The generic bootloader's code ends at this IMEM address.
const BL_IMEM_CEILING: usize = 64 * 1024;

/// The generic bootloader's DMEM descriptor for loading `img`.
fn bootloader_desc(img: &Image) -> Result<[u8; BL_DESC_SIZE]> {
    let Load::Bootloader {
        ns_off,
        ns_len,
        sec_off,
        sec_len,
        data_off,
        data_len,
    } = img.load
    else {
        return Err(EINVAL);
    };
    let base: u64 = img.buf.dma_address();
    let data = base.checked_add(u64::from(data_off)).ok_or(EOVERFLOW)?;
    let mut d = [0u8; BL_DESC_SIZE];
    // 0x00..0x20: reserved words and signature, zero.
    put32(&mut d, 0x20, BL_DMA_CTX)?;
    put32(&mut d, 0x24, base as u32)?;
    put32(&mut d, 0x28, (base >> 32) as u32)?;
    put32(&mut d, 0x2c, ns_off)?;
    put32(&mut d, 0x30, ns_len)?;
    put32(&mut d, 0x34, sec_off)?;
    put32(&mut d, 0x38, sec_len)?;
    // 0x3c: entry point 0.
    put32(&mut d, 0x40, data as u32)?;
    put32(&mut d, 0x44, (data >> 32) as u32)?;
    put32(&mut d, 0x48, data_len)?;
    // 0x4c, 0x50: argc, argv, zero.
    Ok(d)
}

/// Loads the image and runs it; returns MAILBOX0.
fn load_and_run(
    chip: &Chip,
    falcon: &Falcon<'_, '_, Gsp>,
    img: &Image,
    gen_bootloader: Option<&GenericBootloader<'_>>,
) -> Result<u32> {
    falcon.reset(chip.hal().falcon_gen())?;
    falcon.setup_dma()?;
    match &img.load {
        Load::Brom {
            imem_base,
            imem_len,
            dmem_src,
            dmem_base,
            dmem_len,
            brom,
        } => {
            falcon.set_dma_target(0)?;
            falcon.dma_load(&img.buf, Mem::ImemSecure, 0, *imem_base, *imem_len)?;
            falcon.dma_load(&img.buf, Mem::Dmem, *dmem_src, *dmem_base, *dmem_len)?;
            falcon.program_brom(brom)?;
            let (mbox0, _) = falcon.run(0, (0, 0), FWSEC_TIMEOUT)?;
            Ok(mbox0)
        }
        Load::Bootloader { .. } => {
            // Loaded at probe (see `FwsecUcode::load`): never read at unbind.
            let bl = gen_bootloader.ok_or(EINVAL)?;
            let code_len = bl.code.len().next_multiple_of(DMA_BLOCK);
            let imem = BL_IMEM_CEILING.checked_sub(code_len).ok_or(EINVAL)?;
            let tag = u16::try_from(bl.desc.start_tag)?;
            falcon.pio_load_imem(bl.code, u32::try_from(imem)?, tag, false)?;
            falcon.pio_load_dmem(&bootloader_desc(img)?, bl.desc.dmem_load_off)?;
            falcon.set_dma_target(BL_DMA_CTX as usize)?;
            let (mbox0, _) = falcon.run(u32::from(tag) << 8, (0, 0), FWSEC_TIMEOUT)?;
            Ok(mbox0)
        }
    }
}

/// FWSEC as the VBIOS carries it and, where FWSEC is loaded through the
/// generic bootloader (Turing, GA100), that bootloader: both read and
/// checked at probe, so that FWSEC-SB at unbind needs no file (a firmware
/// upgrade may have replaced the files since).
pub(crate) struct FwsecUcode {
    vbios: VbiosImage,
    gen_bootloader: Option<Firmware>,
}

impl FwsecUcode {
    /// Reads the VBIOS of the GPU behind `bar` and, if `chip` needs it,
    /// loads and checks `gen_bootloader`.
    pub(crate) fn load(pdev: &pci::Device<Bound>, bar: &Bar0<'_>, chip: &Chip) -> Result<Self> {
        let vbios = VbiosImage::read(pdev, bar)?;
        let gen_bootloader = if chip.firmware.contains(&GEN_BOOTLOADER) {
            let fw = firmware::request_checked(pdev.as_ref(), chip, GEN_BOOTLOADER)?;
            GenericBootloader::parse(fw.data()).map_err(|_| EINVAL)?;
            Some(fw)
        } else {
            None
        };
        Ok(Self {
            vbios,
            gen_bootloader,
        })
    }

    /// Builds the image for `cmd`, runs it on the GSP falcon and checks
    /// MAILBOX0 and the command's status register.
    fn run_cmd(
        &self,
        pdev: &pci::Device<Bound>,
        bar: &Bar0<'_>,
        chip: &Chip,
        cmd: &Command,
    ) -> Result {
        let what = cmd.name();
        let falcon = Falcon::gsp(bar);
        let bl = match &self.gen_bootloader {
            Some(fw) => Some(GenericBootloader::parse(fw.data()).map_err(|_| EINVAL)?),
            None => None,
        };
        let img = Image::build(pdev, &falcon, &self.vbios, cmd).inspect_err(|e| {
            dev_err!(pdev, "{}: cannot prepare the FWSEC image: {:?}\n", what, e)
        })?;
        let mbox0 = load_and_run(chip, &falcon, &img, bl.as_ref()).inspect_err(|e| {
            dev_err!(pdev, "{}: loading or running FWSEC failed: {:?}\n", what, e);
            // Stop the falcon before its DMA buffer is freed.
            let _ = falcon.reset(chip.hal().falcon_gen());
        })?;
        // The falcon halted: it no longer reads the buffer.
        drop(img);
        if mbox0 != 0 {
            dev_err!(pdev, "{}: FWSEC failed, MAILBOX0 {:#x}\n", what, mbox0);
            return Err(EIO);
        }
        let status = match cmd {
            Command::Frts(_) => bar.read(NV_PBUS_SW_SCRATCH_FRTS_STATUS).status().get(),
            Command::Sb => bar.read(NV_PBUS_SW_SCRATCH_SB_STATUS).status().get(),
        };
        if status != 0 {
            dev_err!(pdev, "{}: command failed, status {:#x}\n", what, status);
            return Err(EIO);
        }
        Ok(())
    }

    /// Runs FWSEC-SB, which returns the GSP falcon to its pre-libos state.
    pub(crate) fn run_sb(&self, pdev: &pci::Device<Bound>, bar: &Bar0<'_>, chip: &Chip) -> Result {
        self.run_cmd(pdev, bar, chip, &Command::Sb)
    }

    /// Runs FWSEC-FRTS for the FRTS region `frts` and checks that WPR2 was
    /// set up around it. Returns WPR2.
    pub(crate) fn run_frts(
        &self,
        pdev: &pci::Device<Bound>,
        bar: &Bar0<'_>,
        chip: &Chip,
        frts: &Range<u64>,
    ) -> Result<(u64, u64)> {
        self.run_cmd(pdev, bar, chip, &Command::Frts(frts.clone()))?;
        check_frts_wpr2(pdev, bar, frts)
    }
}

/// Checks that WPR2 was set up around the FRTS region `frts`. Returns
/// WPR2.
fn check_frts_wpr2(
    pdev: &pci::Device<Bound>,
    bar: &Bar0<'_>,
    frts: &Range<u64>,
) -> Result<(u64, u64)> {
    match read_wpr2(bar) {
        Some((start, end)) if start <= frts.start && end >= frts.end => Ok((start, end)),
        Some((start, end)) => {
            dev_err!(
                pdev,
                "FWSEC-FRTS: WPR2 {:#x}-{:#x} does not cover the FRTS region {:#x}-{:#x}\n",
                start,
                end,
                frts.start,
                frts.end
            );
            Err(EIO)
        }
        None => {
            dev_err!(
                pdev,
                "FWSEC-FRTS: FWSEC reported success but WPR2 is not set\n"
            );
            Err(EIO)
        }
    }
}

#[kunit_tests(nova_fwsec)]
mod tests {
    use super::*;

    /// The register fields for byte addresses `lo` and `hi`.
    fn fields(lo: u64, hi: u64) -> (u32, u32) {
        ((lo >> 12) as u32, (hi >> 12) as u32)
    }

    #[test]
    fn wpr2_of_real_gpus_covers_frts() {
        // GTX 1650 (TU117): FRTS 0xffe00000-0xfff00000, WPR2 read back as
        // 0xffe00000-0xffee0000.
        let (lo, hi) = fields(0xffe0_0000, 0xffee_0000);
        assert_eq!(wpr2_from_fields(lo, hi), Some((0xffe0_0000, 0xfff0_0000)));
        // An Ampere board: FRTS 0xffc00000-0xffd00000, WPR2 0xffc00000-0xffce0000.
        let (lo, hi) = fields(0xffc0_0000, 0xffce_0000);
        assert_eq!(wpr2_from_fields(lo, hi), Some((0xffc0_0000, 0xffd0_0000)));
    }

    #[test]
    fn wpr2_not_set_up() {
        assert_eq!(wpr2_from_fields(0, 0), None);
        assert_eq!(wpr2_from_fields(0xffe00, 0), None);
    }
}
