//! The COT (chain of trust) message and the boot parameters it points to:
//! parsing and the FSP's checks (`docs/fsp-facts.md` sections 3, 3.1-3.3;
//! nova-core `fsp.rs` `FspCotMessage`, `NvdmPayloadCot`; OpenRM
//! `kern_fsp_cot_payload.h` `NVDM_PAYLOAD_COT`, `kgspSetupGspFmcArgs_GH100`;
//! r570.144 `GSP_FMC_BOOT_PARAMS`).
//!
//! COT packet, 868 bytes (offsets from the packet's start, all
//! little-endian): 0 MCTP header, 4 NVDM header, 8 u16 version, 10 u16
//! size (of the payload, 860), 12 u64 gspFmcSysmemOffset, 20 u64
//! frtsSysmemOffset, 28 u32 frtsSysmemSize, 32 u64 frtsVidmemOffset
//! (distance from the end of the usable framebuffer to the top of FRTS),
//! 40 u32 frtsVidmemSize, 44 hash384 (48 bytes), 92 publicKey (384), 476
//! signature (384) (key and signature zero-padded), 860 u64
//! gspBootArgsSysmemOffset.
//!
//! `GSP_FMC_BOOT_PARAMS`, 80 bytes: 0 u32 initParams.regkeys, 8 u32
//! bootGspRmParams.target, 12 u32 gspRmDescSize, 16 u64 gspRmDescOffset
//! (the WPR metadata), 24 u64 wprCarveoutOffset, 32 u32 wprCarveoutSize,
//! 36 u8 bIsGspRmBoot, 40 u32 gspRmParams.target, 48 u64 bootArgsOffset
//! (the libos argument page), 56 gspSpdmParams (u32 target, 64 u64
//! payloadBufferOffset, 72 u32 payloadBufferSize). DMA targets
//! (`GSP_DMA_TARGET`): 0 local FB, 1 coherent system memory, 2
//! non-coherent system memory.
//!
//! What nvsim requires (each refusal names the field and its value; the
//! error codes are in [`super`]):
//!
//! * framing: 868 bytes, version 1 (GH100) or 2 (GB10x, GB20x), size 860
//!   ([`super::ERR_INVALID_DATA`]);
//! * FRTS: no sysmem FRTS (offset and size 0: nvsim models FRTS in video
//!   memory only), frtsVidmemOffset the chip's (0x200000 on GH100,
//!   0x1c00000 on GB10x/GB20x: nova-core's `fb_end_reserved` plus the PMU
//!   reservation rounded up to 2 MiB, facts 3.2), frtsVidmemSize 1 MiB
//!   ([`super::ERR_INVALID_DATA`]);
//! * authentication: publicKey is the FMC file's `publickey` (the key
//!   fused in the FSP), signature the file's `signature` and hash384 the
//!   file's `hash`, each zero-padded as nova-core sends them
//!   ([`super::ERR_AUTH`]);
//! * the FMC image at gspFmcSysmemOffset, as long as the file's `image`
//!   (the message does not carry the size): readable and equal byte for
//!   byte to the file's, so its SHA-384 is hash384 (the file's `hash` is
//!   the SHA-384 of its `image`, checked when the file is read)
//!   ([`super::ERR_FMC_IMAGE`]);
//! * boot parameters: readable; bootGspRmParams.target and
//!   gspRmParams.target system memory (1 or 2: nvsim's FMC reads guest
//!   memory only; nova-core sends 1 and 2), gspRmDescSize 256,
//!   gspRmDescOffset and bootArgsOffset non-zero and readable,
//!   bIsGspRmBoot 1 ([`super::ERR_BOOT_PARAMS`]). wprCarveoutOffset/Size,
//!   regkeys and the SPDM parameters are ignored (nova-core sends 0: "the
//!   FSP obtains WPR info from other sources"; SPDM is confidential
//!   computing, not modelled); a non-zero one is logged.

use super::fmcfile::{FmcFile, PAD};
use super::sha384::{hex, DIGEST};
use super::{FspChip, ERR_AUTH, ERR_BOOT_PARAMS, ERR_FMC_IMAGE, ERR_INVALID_DATA};
use crate::dma::DmaSpace;
use crate::le::{le16, le32, le64};

/// Length of the COT packet.
pub const COT_LEN: usize = 868;
/// The payload's size field.
pub const PAYLOAD_SIZE: u16 = 860;
/// Length of `GSP_FMC_BOOT_PARAMS`.
pub const BOOT_PARAMS_LEN: usize = 80;
/// sizeof(GspFwWprMeta).
pub const WPR_META_SIZE: u32 = 256;
/// FRTS size nova-core and OpenRM reserve (1 MiB).
pub const FRTS_SIZE: u64 = 0x10_0000;

/// Why the FSP refuses a message: its error code and the log text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The reply's errorCode.
    pub code: u32,
    /// What was wrong (field and value).
    pub why: String,
}

impl Refusal {
    /// A refusal with `code` because of `why`.
    pub fn new(code: u32, why: impl Into<String>) -> Self {
        Self {
            code,
            why: why.into(),
        }
    }
}

/// The fields of a COT message.
#[derive(Debug, Clone)]
pub struct Cot {
    /// Payload version.
    pub version: u16,
    /// Payload size.
    pub size: u16,
    /// Bus address of the FMC image.
    pub fmc: u64,
    /// frtsSysmemOffset, frtsSysmemSize.
    pub frts_sysmem: (u64, u32),
    /// frtsVidmemOffset, frtsVidmemSize.
    pub frts_vidmem: (u64, u32),
    /// hash384.
    pub hash: [u8; DIGEST],
    /// publicKey (384 bytes).
    pub key: Vec<u8>,
    /// signature (384 bytes).
    pub sig: Vec<u8>,
    /// Bus address of `GSP_FMC_BOOT_PARAMS`.
    pub boot_params: u64,
}

impl Cot {
    /// Parses a COT packet (`p` starts with the MCTP header).
    pub fn parse(p: &[u8]) -> Result<Self, Refusal> {
        if p.len() != COT_LEN {
            return Err(Refusal::new(
                ERR_INVALID_DATA,
                format!(
                    "COT packet length {} ({:#x}), expected {COT_LEN} ({COT_LEN:#x})",
                    p.len(),
                    p.len()
                ),
            ));
        }
        let q = |o: usize| le64(p, o).unwrap_or(0);
        let d = |o: usize| le32(p, o).unwrap_or(0);
        let mut hash = [0u8; DIGEST];
        hash.copy_from_slice(&p[44..92]);
        Ok(Self {
            version: le16(p, 8).unwrap_or(0),
            size: le16(p, 10).unwrap_or(0),
            fmc: q(12),
            frts_sysmem: (q(20), d(28)),
            frts_vidmem: (q(32), d(40)),
            hash,
            key: p[92..92 + PAD].to_vec(),
            sig: p[476..476 + PAD].to_vec(),
            boot_params: q(860),
        })
    }

    /// The checks of the message's own fields for `chip`.
    pub fn check_fields(&self, chip: &FspChip) -> Result<(), Refusal> {
        let bad = |why: String| Err(Refusal::new(ERR_INVALID_DATA, why));
        if self.version != chip.cot_version {
            return bad(format!(
                "COT version {}, the {} FSP takes version {}",
                self.version, chip.name, chip.cot_version
            ));
        }
        if self.size != PAYLOAD_SIZE {
            return bad(format!(
                "COT size {}, expected {PAYLOAD_SIZE} (sizeof NVDM_PAYLOAD_COT)",
                self.size
            ));
        }
        if self.frts_sysmem != (0, 0) {
            return bad(format!(
                "frtsSysmemOffset {:#x} / frtsSysmemSize {:#x}: nvsim's FSP models FRTS in video \
                 memory only (both must be 0)",
                self.frts_sysmem.0, self.frts_sysmem.1
            ));
        }
        if self.frts_vidmem.0 != chip.frts_offset {
            return bad(format!(
                "frtsVidmemOffset {:#x}, the {} FSP expects {:#x} (from the end of the usable \
                 framebuffer to the top of FRTS)",
                self.frts_vidmem.0, chip.name, chip.frts_offset
            ));
        }
        if u64::from(self.frts_vidmem.1) != FRTS_SIZE {
            return bad(format!(
                "frtsVidmemSize {:#x}, expected {FRTS_SIZE:#x}",
                self.frts_vidmem.1
            ));
        }
        if self.fmc == 0 {
            return Err(Refusal::new(ERR_FMC_IMAGE, "gspFmcSysmemOffset is 0"));
        }
        if self.boot_params == 0 {
            return Err(Refusal::new(
                ERR_BOOT_PARAMS,
                "gspBootArgsSysmemOffset is 0",
            ));
        }
        Ok(())
    }

    /// The key, signature and hash against the FMC file: what the FSP's
    /// signature check decides (`fmcfile.rs`).
    pub fn check_auth(&self, fmc: &FmcFile) -> Result<(), Refusal> {
        let auth = |why: String| Err(Refusal::new(ERR_AUTH, why));
        let key = FmcFile::padded(&fmc.key);
        if self.key != key {
            return auth(format!(
                "publicKey differs from the publickey of {} (the FSP's fused key; first \
                 difference at byte {})",
                fmc.path.display(),
                first_diff(&self.key, &key)
            ));
        }
        if self.hash != fmc.hash {
            return auth(format!(
                "hash384 {} is not the hash of {} ({}): the signature does not verify",
                hex(&self.hash),
                fmc.path.display(),
                hex(&fmc.hash)
            ));
        }
        let sig = FmcFile::padded(&fmc.sig);
        if self.sig != sig {
            return auth(format!(
                "signature differs from the signature of {} at byte {}: it does not verify",
                fmc.path.display(),
                first_diff(&self.sig, &sig)
            ));
        }
        Ok(())
    }

    /// The FMC image in guest memory: as long as the file's and equal to it
    /// byte for byte, hence its SHA-384 is hash384 (the file's hash, which
    /// [`FmcFile::parse`] checked against the image and [`Cot::check_auth`]
    /// against hash384: call that first).
    pub fn check_image(&self, dma: &DmaSpace, fmc: &FmcFile) -> Result<String, Refusal> {
        let bad = |why: String| Err(Refusal::new(ERR_FMC_IMAGE, why));
        let len = fmc.image.len();
        let mut img = vec![0u8; len];
        if let Err(e) = dma.read(self.fmc, &mut img) {
            return bad(format!(
                "gspFmcSysmemOffset {:#x}: the {len:#x}-byte FMC image is not readable: {e}",
                self.fmc
            ));
        }
        if let Some(i) = (0..len).find(|i| img[*i] != fmc.image[*i]) {
            return bad(format!(
                "the FMC image at gspFmcSysmemOffset {:#x} differs from the image of {} at \
                 offset {i:#x} ({:#04x}, the file has {:#04x})",
                self.fmc,
                fmc.path.display(),
                img[i],
                fmc.image[i]
            ));
        }
        Ok(format!(
            "FMC image at {:#x} ({len:#x} bytes) matches {}, SHA-384 {}",
            self.fmc,
            fmc.path.display(),
            &hex(&fmc.hash)[..16]
        ))
    }
}

fn first_diff(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).position(|(x, y)| x != y).unwrap_or(0)
}

/// What the FMC uses of `GSP_FMC_BOOT_PARAMS`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BootParams {
    /// Bus address of the WPR metadata (gspRmDescOffset).
    pub wpr_meta: u64,
    /// Bus address of the libos argument page (bootArgsOffset).
    pub libos: u64,
    /// Fields nvsim ignores that are not 0, for the log.
    pub ignored: Vec<String>,
}

/// Reads and checks `GSP_FMC_BOOT_PARAMS` at bus address `addr`.
pub fn boot_params(dma: &DmaSpace, addr: u64) -> Result<BootParams, Refusal> {
    let bad = |why: String| Err(Refusal::new(ERR_BOOT_PARAMS, why));
    let mut b = [0u8; BOOT_PARAMS_LEN];
    if let Err(e) = dma.read(addr, &mut b) {
        return bad(format!(
            "GSP_FMC_BOOT_PARAMS at gspBootArgsSysmemOffset {addr:#x}: not readable: {e}"
        ));
    }
    let d = |o: usize| le32(&b, o).unwrap_or(0);
    let q = |o: usize| le64(&b, o).unwrap_or(0);
    let sysmem = |t: u32| t == 1 || t == 2;
    if !sysmem(d(8)) {
        return bad(format!(
            "bootGspRmParams.target {}: nvsim's FMC reads the WPR metadata from system memory \
             (1 coherent or 2 non-coherent)",
            d(8)
        ));
    }
    if d(12) != WPR_META_SIZE {
        return bad(format!(
            "bootGspRmParams.gspRmDescSize {}, expected {WPR_META_SIZE} (sizeof GspFwWprMeta)",
            d(12)
        ));
    }
    if q(16) == 0 {
        return bad("bootGspRmParams.gspRmDescOffset is 0".into());
    }
    if b[36] != 1 {
        return bad(format!(
            "bootGspRmParams.bIsGspRmBoot {}, expected 1 (boot GSP-RM)",
            b[36]
        ));
    }
    if !sysmem(d(40)) {
        return bad(format!(
            "gspRmParams.target {}: nvsim's GSP-RM reads its libos arguments from system memory \
             (1 coherent or 2 non-coherent)",
            d(40)
        ));
    }
    let libos = q(48);
    if libos == 0 {
        return bad("gspRmParams.bootArgsOffset is 0 (no libos arguments)".into());
    }
    let mut probe = [0u8; 8];
    if let Err(e) = dma.read(libos, &mut probe) {
        return bad(format!(
            "gspRmParams.bootArgsOffset {libos:#x}: the libos arguments are not readable: {e}"
        ));
    }
    let mut ignored = Vec::new();
    for (name, v) in [
        ("initParams.regkeys", u64::from(d(0))),
        ("bootGspRmParams.wprCarveoutOffset", q(24)),
        ("bootGspRmParams.wprCarveoutSize", u64::from(d(32))),
        ("gspSpdmParams.target", u64::from(d(56))),
        ("gspSpdmParams.payloadBufferOffset", q(64)),
        ("gspSpdmParams.payloadBufferSize", u64::from(d(72))),
    ] {
        if v != 0 {
            ignored.push(format!("{name} {v:#x}"));
        }
    }
    Ok(BootParams {
        wpr_meta: q(16),
        libos,
        ignored,
    })
}
