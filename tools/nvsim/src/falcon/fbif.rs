//! The falcon's framebuffer interface (FBIF): where its DMA goes.
//!
//! Facts (nova-core `regs.rs` `NV_PFALCON_FBIF_TRANSCFG`/`NV_PFALCON_FBIF_CTL`,
//! `falcon.rs` `FalconFbifTarget`/`FalconFbifMemType`; nouveau
//! `nvkm/falcon/v1.c`, OpenRM `kflcnDmaTransfer`):
//!
//! * TRANSCFG(0..7) at +0x600, one per DMA context index: target in bits
//!   1:0 (0 local framebuffer, 1 coherent system memory, 2 non-coherent
//!   system memory), memory type in bit 2 (0 virtual, 1 physical).
//! * CTL at +0x624: bit 7 allows physical accesses without a bound
//!   context (instance block).
//!
//! Reset values (0) are not taken from a hardware manual: nvsim clears
//! them so a driver that skips the setup gets a refused transfer.

/// TRANSCFG(0).
pub const TRANSCFG: u32 = 0x600;
/// FBIF_CTL.
pub const CTL: u32 = 0x624;
const ALLOW_PHYS_NO_CTX: u32 = 1 << 7;

/// Where a DMA context points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// VRAM.
    LocalFb,
    /// Guest memory, coherent or not.
    Sysmem {
        /// Coherent system memory.
        coherent: bool,
    },
}

impl Target {
    /// Short name for the trace.
    pub fn name(self) -> &'static str {
        match self {
            Target::LocalFb => "vram",
            Target::Sysmem { coherent: true } => "sysmem",
            Target::Sysmem { coherent: false } => "sysmem-ncoh",
        }
    }
}

/// The FBIF registers.
#[derive(Default)]
pub struct Fbif {
    transcfg: [u32; 8],
    ctl: u32,
}

impl Fbif {
    /// Reads register `rel`; `None` if it is not an FBIF register.
    pub fn read(&self, rel: u32) -> Option<u32> {
        match rel {
            TRANSCFG..CTL => Some(self.transcfg[((rel - TRANSCFG) / 4) as usize]),
            CTL => Some(self.ctl),
            _ => None,
        }
    }

    /// Writes register `rel`; `false` if it is not an FBIF register.
    pub fn write(&mut self, rel: u32, value: u32) -> bool {
        match rel {
            TRANSCFG..CTL => self.transcfg[((rel - TRANSCFG) / 4) as usize] = value & 0x7,
            CTL => self.ctl = value,
            _ => return false,
        }
        true
    }

    /// Name of register `rel`.
    pub fn reg_name(rel: u32) -> Option<String> {
        match rel {
            TRANSCFG..CTL => Some(format!("FBIF_TRANSCFG({})", (rel - TRANSCFG) / 4)),
            CTL => Some("FBIF_CTL".into()),
            _ => None,
        }
    }

    /// Resolves DMA context `ctx` for a physical access, checking what the
    /// hardware needs: a physical memory type, a valid target, and
    /// physical access without a context allowed (`require_ctx` is
    /// DMACTL bit 0).
    pub fn resolve(&self, ctx: u32, require_ctx: bool) -> Result<Target, String> {
        let cfg = *self
            .transcfg
            .get(ctx as usize)
            .ok_or_else(|| format!("DMA context {ctx} does not exist"))?;
        if cfg & 0x4 == 0 {
            return Err(format!(
                "FBIF_TRANSCFG({ctx}) = {cfg:#x} selects virtual addressing, which needs an \
                 MMU context nvsim does not model"
            ));
        }
        if require_ctx {
            return Err("DMACTL.REQUIRE_CTX is set: no physical DMA without a context".into());
        }
        if self.ctl & ALLOW_PHYS_NO_CTX == 0 {
            return Err(format!(
                "FBIF_CTL = {:#x}: ALLOW_PHYS_NO_CTX (bit 7) is clear",
                self.ctl
            ));
        }
        match cfg & 0x3 {
            0 => Ok(Target::LocalFb),
            1 => Ok(Target::Sysmem { coherent: true }),
            2 => Ok(Target::Sysmem { coherent: false }),
            t => Err(format!("FBIF_TRANSCFG({ctx}) target {t} is reserved")),
        }
    }
}
