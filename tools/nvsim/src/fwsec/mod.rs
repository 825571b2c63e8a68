//! FWSEC on the GSP falcon: recognising the image nvsim's own VBIOS
//! carries once a driver loaded it, checking what the driver patched into
//! it, and acting out the command it selected (`cmd.rs`).
//!
//! The loaded image must equal the VBIOS's FWSEC ucode (`nvsim-vbios`
//! `fwsec::imem`/`dmem`) except where a driver patches it (nova-core
//! `firmware/fwsec.rs`, nouveau `nvkm/subdev/gsp/fwsec.c`):
//!
//! * the DMEM mapper's `init_cmd` (DMEM mapper + 0x2c);
//! * the command input buffer (the FRTS command);
//! * on Ampere and later (descriptor v3), the signature slot at
//!   `pkc_data_offset`, which must hold the image's signature for the
//!   version the fuses require, at the DMEM offset BROM_PARAADDR names.
//!
//! On Ampere and later the driver loads FWSEC by DMA as secure IMEM and the
//! boot ROM authenticates it (`falcon/brom.rs`). On Turing (descriptor v2)
//! the generic bootloader loads it (`gbl.rs`): the non-secure half must be
//! non-secure IMEM, the secure half secure.
//!
//! A BROM refusal halts the falcon with [`BROM_ERROR`] in MAILBOX0, as the
//! HS ucode never ran (the value is nvsim's own). Command errors, and a
//! run without a registered sysmem flush page, are reported by FWSEC
//! itself (`cmd.rs`).

mod cmd;

use std::path::Path;
use std::time::Duration;

use nvsim_vbios::fwsec as img;
use nvsim_vbios::DescVersion;

use crate::bar0::Bus;
use crate::chip::Chip;
use crate::falcon::hs::{Outcome, Program};
use crate::falcon::{Cpu, Engine};
use crate::gbl::Gbl;
use crate::timing::Timing;

pub use cmd::{
    ERR_BAD_COMMAND, ERR_BAD_REGION, ERR_NO_SYSMEM_FLUSH, ERR_UNKNOWN_COMMAND, ERR_WPR2_SET,
};

/// MAILBOX0 after the boot ROM refused to start FWSEC (nvsim's value).
pub const BROM_ERROR: u32 = 0xb0_0e77;

/// DMEM offset of `init_cmd` in the DMEM mapper.
const INIT_CMD: usize = img::DMAP_OFFSET as usize + 0x2c;

/// The FWSEC of one chip, as nvsim's VBIOS carries it.
pub struct Fwsec {
    desc: DescVersion,
    imem: Vec<u8>,
    dmem: Vec<u8>,
    /// (signature version, signature).
    signatures: Vec<(u32, Vec<u8>)>,
    /// Turing: the generic bootloader, or why it is missing.
    gbl: Option<Result<Gbl, String>>,
    fb_end: u64,
    rom: Vec<u8>,
    timing: Timing,
    busy: Duration,
}

impl Fwsec {
    /// FWSEC for `chip` whose usable framebuffer ends at `fb_end`, serving
    /// `rom`; Turing reads its generic bootloader from the firmware
    /// directory `fw_dir`. Its commands take the time `timing` gives them.
    pub fn new(chip: &Chip, fb_end: u64, rom: &[u8], fw_dir: &Path, timing: Timing) -> Self {
        let spec = chip.rom_spec().fwsec;
        let signatures = (0..16)
            .filter(|v| spec.signature_versions & (1 << v) != 0)
            .map(|v| (v, img::signature(v)))
            .collect();
        let gbl = (spec.desc_version == DescVersion::V2).then(|| Gbl::load(fw_dir, chip.name));
        Self {
            desc: spec.desc_version,
            imem: img::imem(),
            dmem: img::dmem(spec.build_stamp),
            signatures,
            gbl,
            fb_end,
            rom: rom.to_vec(),
            timing,
            busy: Duration::ZERO,
        }
    }

    /// Whether IMEM at `entry` holds FWSEC's code, with the expected
    /// secure flags; `Err` names a flag problem.
    fn code_matches(&self, cpu: &Cpu, entry: u32) -> Option<Result<(), String>> {
        let (code, secure) = cpu.mem.read_virtual(entry, self.imem.len())?;
        if code != self.imem {
            return None;
        }
        let ns_blocks = match self.desc {
            DescVersion::V2 => img::IMEM_NS_SIZE as usize / 256,
            DescVersion::V3 => 0,
        };
        for (i, s) in secure.iter().enumerate() {
            let want = i >= ns_blocks;
            if *s != want {
                return Some(Err(format!(
                    "IMEM block at {:#x} is loaded {}secure, FWSEC needs it {}secure",
                    entry as usize + i * 256,
                    if *s { "" } else { "non-" },
                    if want { "" } else { "non-" }
                )));
            }
        }
        Some(Ok(()))
    }

    /// Compares DMEM with the image outside the patchable ranges.
    fn dmem_matches(&self, cpu: &Cpu) -> Result<(), String> {
        let loaded = cpu
            .mem
            .dmem
            .get(..self.dmem.len())
            .ok_or("DMEM smaller than the image")?;
        let pkc = img::PKC_DATA_OFFSET as usize;
        let cmd_in = img::CMD_IN_OFFSET as usize;
        let patchable = |o: usize| {
            (INIT_CMD..INIT_CMD + 4).contains(&o)
                || (cmd_in..cmd_in + img::CMD_IN_SIZE as usize).contains(&o)
                || (self.desc == DescVersion::V3 && (pkc..pkc + img::SIGNATURE_SIZE).contains(&o))
        };
        match (0..self.dmem.len()).find(|&o| !patchable(o) && loaded[o] != self.dmem[o]) {
            Some(o) => Err(format!(
                "DMEM differs from the VBIOS image at {o:#x} ({:#04x}, image {:#04x})",
                loaded[o], self.dmem[o]
            )),
            None => Ok(()),
        }
    }

    /// The boot ROM's part (v3): parameters and signature.
    fn authenticate(&self, cpu: &Cpu, bus: &Bus<'_>) -> Result<(), String> {
        let v = cpu
            .brom
            .verify(bus, cpu.engine.brom_bit(), cpu.engine.fuse_base())?;
        bus.trace.trace(|| {
            format!(
                "falcon gsp: BROM RSA-3K, engines {:#x}, ucode id {}, fuse version {}, \
                 signature at DMEM {:#x}",
                cpu.brom.engidmask, cpu.brom.ucode_id, v.fuse_version, v.sig_offset
            )
        });
        let want = self
            .signatures
            .iter()
            .find(|(ver, _)| *ver == v.fuse_version)
            .map(|(_, s)| s)
            .ok_or_else(|| {
                format!(
                    "the fuses require signature version {}, which the image does not carry",
                    v.fuse_version
                )
            })?;
        let at = v.sig_offset as usize;
        let got = cpu
            .mem
            .dmem
            .get(at..at + img::SIGNATURE_SIZE)
            .ok_or_else(|| format!("BROM_PARAADDR {at:#x} is outside DMEM"))?;
        if got == want.as_slice() {
            return Ok(());
        }
        let other = self.signatures.iter().find(|(_, s)| s.as_slice() == got);
        Err(match other {
            Some((ver, _)) => format!(
                "DMEM {at:#x} holds the signature for version {ver}; the fuses require version {}",
                v.fuse_version
            ),
            None if got.iter().all(|b| *b == 0) => {
                format!("no signature at DMEM {at:#x} (BROM_PARAADDR)")
            }
            None => format!("the signature at DMEM {at:#x} (BROM_PARAADDR) does not verify"),
        })
    }

    fn refuse(cpu: &mut Cpu, bus: &Bus<'_>, why: &str) -> Option<Outcome> {
        bus.trace
            .log(format!("fwsec: boot ROM refused FWSEC: {why}"));
        cpu.mailbox[0] = BROM_ERROR;
        Some(Outcome::Halted)
    }
}

impl Program for Fwsec {
    fn name(&self) -> &str {
        "fwsec"
    }

    fn busy_for(&self) -> Duration {
        self.busy
    }

    fn start(&mut self, cpu: &mut Cpu, bus: &mut Bus<'_>) -> Option<Outcome> {
        if cpu.engine != Engine::Gsp {
            return None;
        }
        self.busy = Duration::ZERO;
        let mut entry = cpu.bootvec;
        let mut via_gbl = false;
        if let Some(gbl) = &self.gbl {
            match gbl {
                Ok(g) if g.is_loaded(cpu) => {
                    bus.trace
                        .trace(|| "falcon gsp: generic bootloader recognised".to_string());
                    match g.run(cpu, bus) {
                        Ok(e) => entry = e,
                        Err(e) => {
                            bus.trace.log(format!(
                                "gbl: loading the ucode failed: {e}; the bootloader hangs"
                            ));
                            return Some(Outcome::Running);
                        }
                    }
                    via_gbl = true;
                }
                Ok(_) => {}
                Err(e) => bus.trace.log(format!(
                    "fwsec: cannot recognise the generic bootloader: {e}"
                )),
            }
        }
        match self.code_matches(cpu, entry) {
            None if via_gbl => {
                bus.trace.log(format!(
                    "gbl: the loaded ucode at {entry:#x} is not FWSEC; nvsim does not \
                     execute it, the falcon stays running"
                ));
                return Some(Outcome::Running);
            }
            None => return None,
            Some(Err(e)) => return Self::refuse(cpu, bus, &e),
            Some(Ok(())) => {}
        }
        if self.desc == DescVersion::V3 {
            if let Err(e) = self.authenticate(cpu, bus) {
                return Self::refuse(cpu, bus, &e);
            }
        }
        if let Err(e) = self.dmem_matches(cpu) {
            return Self::refuse(cpu, bus, &e);
        }
        bus.trace
            .trace(|| "fwsec: image recognised and authenticated".to_string());
        if let Some(step) = cmd::run(cpu, bus, self.fb_end, &self.rom) {
            self.busy = self.timing.get(step);
        }
        Some(Outcome::Halted)
    }
}
