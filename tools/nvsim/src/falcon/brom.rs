//! The boot ROM (BROM) parameters a driver programs before starting a
//! heavy-secure ucode on Ampere and later, and the checks the BROM makes
//! with them.
//!
//! Facts (nova-core `regs.rs` `NV_PFALCON2_FALCON_*`, `falcon/hal/ga102.rs`
//! `program_brom_ga102` and `signature_reg_fuse_version_ga102`; nouveau
//! `nvkm/falcon/ga102.c`), offsets from the PFALCON2 base (falcon + 0x1000):
//!
//! * 0x180 MOD_SEL: bits 7:0 signature algorithm (1 = RSA-3K);
//! * 0x198 BROM_CURR_UCODE_ID: bits 7:0 the ucode id (1..16), selecting
//!   the fuse `..._UCODE<id>_VERSION` that holds the required signature
//!   version (its highest set bit);
//! * 0x19c BROM_ENGIDMASK: engines the ucode may run on (SEC2 0x1,
//!   NVDEC 0x4, GSP 0x400);
//! * 0x210 BROM_PARAADDR(0): DMEM offset of the signature.
//!
//! The real BROM verifies an RSA-3K signature over the ucode; nvsim instead
//! compares the signature in DMEM with the one the image carries for the
//! fused version (see `fwsec.rs`), which catches every driver mistake a real
//! verification would (wrong slot, wrong version, wrong offset).

use crate::bar0::Bus;

/// MOD_SEL (relative to the falcon base).
pub const MOD_SEL: u32 = 0x1180;
/// BROM_CURR_UCODE_ID.
pub const UCODE_ID: u32 = 0x1198;
/// BROM_ENGIDMASK.
pub const ENGIDMASK: u32 = 0x119c;
/// BROM_PARAADDR(0).
pub const PARAADDR: u32 = 0x1210;

/// MOD_SEL value for RSA-3K.
pub const ALGO_RSA3K: u32 = 1;

/// The BROM parameter registers.
#[derive(Default, Debug, Clone, Copy)]
pub struct Brom {
    /// MOD_SEL.
    pub mod_sel: u32,
    /// BROM_CURR_UCODE_ID.
    pub ucode_id: u32,
    /// BROM_ENGIDMASK.
    pub engidmask: u32,
    /// BROM_PARAADDR(0).
    pub paraaddr: u32,
}

/// What the BROM accepted: where the signature is and which version the
/// fuses require.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verified {
    /// DMEM offset of the signature.
    pub sig_offset: u32,
    /// Required signature version (highest set fuse bit; 0 if none).
    pub fuse_version: u32,
}

impl Brom {
    /// Reads register `rel`.
    pub fn read(&self, rel: u32) -> Option<u32> {
        Some(match rel {
            MOD_SEL => self.mod_sel,
            UCODE_ID => self.ucode_id,
            ENGIDMASK => self.engidmask,
            PARAADDR => self.paraaddr,
            _ => return None,
        })
    }

    /// Writes register `rel`.
    pub fn write(&mut self, rel: u32, value: u32) -> bool {
        match rel {
            MOD_SEL => self.mod_sel = value & 0xff,
            UCODE_ID => self.ucode_id = value & 0xff,
            ENGIDMASK => self.engidmask = value,
            PARAADDR => self.paraaddr = value,
            _ => return false,
        }
        true
    }

    /// Name of register `rel`.
    pub fn reg_name(rel: u32) -> Option<&'static str> {
        Some(match rel {
            MOD_SEL => "MOD_SEL",
            UCODE_ID => "BROM_CURR_UCODE_ID",
            ENGIDMASK => "BROM_ENGIDMASK",
            PARAADDR => "BROM_PARAADDR(0)",
            _ => return None,
        })
    }

    /// Checks the parameters for a ucode on the engine with BROM engine
    /// bit `engine_bit` whose fuse registers start at `fuse_base`.
    pub fn verify(
        &self,
        bus: &Bus<'_>,
        engine_bit: u32,
        fuse_base: u32,
    ) -> Result<Verified, String> {
        if self.mod_sel != ALGO_RSA3K {
            return Err(format!(
                "MOD_SEL = {:#x}: only RSA-3K (1) is supported",
                self.mod_sel
            ));
        }
        if self.engidmask & engine_bit == 0 {
            return Err(format!(
                "BROM_ENGIDMASK = {:#x} does not include this engine ({engine_bit:#x})",
                self.engidmask
            ));
        }
        if !(1..=16).contains(&self.ucode_id) {
            return Err(format!(
                "BROM_CURR_UCODE_ID = {} is not a ucode id (1..16)",
                self.ucode_id
            ));
        }
        let fuse = bus
            .regs
            .read(fuse_base + 4 * (self.ucode_id - 1))
            .unwrap_or(0)
            & 0xffff;
        Ok(Verified {
            sig_offset: self.paraaddr,
            fuse_version: 32 - fuse.leading_zeros(),
        })
    }
}
