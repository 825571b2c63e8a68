//! PRC (product reconfiguration, NVDM type 0x13): a driver reads a
//! device knob from the FSP (`docs/fsp-facts.md` section 5; nova-core
//! `fsp.rs` `NvdmPayloadPrc`, `read_vgpu_mode`, `vgpu.rs`).
//!
//! Request, 12 bytes: the two header words, then u8 sub-message id (0x0c
//! READ), u8 flags (bit 1 ACTIVE), u8 object id (0x29 the vGPU mode knob),
//! u8 reserved. Reply, 24 bytes: the 20-byte response (commandNvdmType
//! 0x13), then u16 value and u16 reserved. nvsim's boards run without
//! vGPU: the knob reads 0 (disabled). Another knob answers
//! `FSP_ERR_PRC_ERROR_INVALID_KNOB_ID` (0x1e3, kern_fsp_retval.h), another
//! sub-message or length [`super::ERR_INVALID_DATA`].

use super::cot::Refusal;
use super::{ERR_INVALID_DATA, ERR_INVALID_KNOB};

/// Sub-message READ.
pub const READ: u8 = 0x0c;
/// The vGPU mode knob.
pub const VGPU_MODE: u8 = 0x29;
/// Request length.
pub const REQUEST_LEN: usize = 12;

/// The reply data (after the response header) to the PRC request `p`.
pub fn answer(p: &[u8]) -> Result<(Vec<u8>, String), Refusal> {
    if p.len() != REQUEST_LEN {
        return Err(Refusal::new(
            ERR_INVALID_DATA,
            format!("PRC request of {} bytes, expected {REQUEST_LEN}", p.len()),
        ));
    }
    let (sub, flags, object) = (p[8], p[9], p[10]);
    if sub != READ {
        return Err(Refusal::new(
            ERR_INVALID_DATA,
            format!("PRC sub-message {sub:#x}: nvsim's FSP serves READ ({READ:#x}) only"),
        ));
    }
    if object != VGPU_MODE {
        return Err(Refusal::new(
            ERR_INVALID_KNOB,
            format!(
                "PRC READ of knob {object:#x}: nvsim knows the vGPU mode ({VGPU_MODE:#x}) only"
            ),
        ));
    }
    Ok((
        vec![0, 0, 0, 0],
        format!("PRC READ of the vGPU mode (flags {flags:#x}): 0, vGPU disabled"),
    ))
}
