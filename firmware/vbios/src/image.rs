//! The PCI expansion ROM container shared by every image in the chain.
//!
//! Facts (PCI Firmware Specification 3.0, "PCI Expansion ROM" chapter; the
//! same fields are read by nova-core `vbios.rs` `PciRomHeader`, `PcirStruct`
//! and `NpdeStruct`, and by nouveau `nvkm/subdev/bios/{image,pcir,npde}.c`):
//!
//! * Every image starts with the ROM signature bytes `55 AA` and holds, at
//!   offset 0x18, a 16-bit pointer (from the image start) to its PCI Data
//!   Structure. Bytes 0x02..0x18 belong to the code type (x86, EFI, ...).
//! * The PCI Data Structure ("PCIR") carries the vendor and device IDs, its
//!   own length and revision, the 24-bit class code, the image length in
//!   512-byte units, a vendor revision, the code type (0x00 x86/PC-AT,
//!   0x03 EFI, 0x70 NBSI, 0xE0 NVIDIA FWSEC) and the last-image indicator
//!   (bit 7).
//! * NVIDIA appends its PCI Data Extension ("NPDE") at the first 16-byte
//!   boundary after the PCIR. It repeats the image length (as "sub-image"
//!   length, 512-byte units) and the last-image flag. Drivers prefer it over
//!   the PCIR, which lets the standard PCIR chain stop at the EFI image
//!   (what a system firmware needs) while NVIDIA's own chain continues
//!   into the FWSEC images.
//! * An image's bytes sum to zero modulo 256 (option ROM checksum; nouveau
//!   `nvbios_checksum` scores a shadowed PC-AT image by it).
//! * NPDE revision and length: OpenRM (`s_locateExpansionRoms`) uses an NPDE
//!   only if its revision is 0x100 or 0x101, and its last-image flag only if
//!   the NPDE length covers offset 0x0a. The NPDE of a real (GeForce GT 710)
//!   ROM, hex-dumped in Matoking/NVIDIA-vBIOS-VFIO-Patcher issue #8, carries
//!   revision 0x0101 and length 0x000c, which nvsim writes.
//! * NBSI images (code type 0x70) carry no NPDE: their NBSI directory sits
//!   where the NPDE would be (see `nbsi.rs`). Drivers treat an NBSI image
//!   as the last one (nova-core `BiosImage::is_last`, nouveau
//!   `nvbios_imagen`); OpenRM, which has no such rule, stops at its PCIR
//!   last-image flag, so that flag is set.

use crate::le::{align_up, LeBuf};

/// Size of the unit in which image lengths are counted.
pub const BLOCK: usize = 512;

/// PCIR code type of the x86 (PC-AT) image.
pub const CODE_TYPE_X86: u8 = 0x00;
/// PCIR code type of the EFI image.
pub const CODE_TYPE_EFI: u8 = 0x03;
/// PCIR code type of NVIDIA's FWSEC images.
pub const CODE_TYPE_FWSEC: u8 = 0xe0;
/// PCIR code type of the NBSI (notebook system information) image.
pub const CODE_TYPE_NBSI: u8 = 0x70;

/// Length of the PCI Data Structure as laid out by PCI Firmware Spec 3.0
/// (revision 3: up to and including the DMTF CLP entry point).
pub const PCIR_LEN: u16 = 0x1c;
/// PCIR revision written (PCI Firmware Specification 3.0).
const PCIR_REVISION: u8 = 3;
/// NPDE revision written (see the module documentation).
pub const NPDE_REVISION: u16 = 0x0101;
/// NPDE length: the fields up to the last-image flag, rounded to 12 bytes.
pub const NPDE_LEN: u16 = 0x0c;

/// Identity fields an image copies into its PCIR.
#[derive(Debug, Clone, Copy)]
pub struct PciIdentity {
    /// PCI vendor ID (0x10de).
    pub vendor_id: u16,
    /// PCI device ID of the board.
    pub device_id: u16,
    /// 24-bit class code (base class, subclass, programming interface).
    pub class_code: u32,
}

/// How one image of the chain is marked.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ImageMarks {
    /// PCIR code type.
    pub code_type: u8,
    /// Last image of the standard (PCIR) chain.
    pub pcir_last: bool,
    /// Last image of NVIDIA's (NPDE) chain.
    pub npde_last: bool,
}

/// Writes the ROM signature, the PCIR pointer, the PCIR and the NPDE into
/// `buf`, whose length must already be the final image length (a multiple
/// of [`BLOCK`]). Bytes 0x02..0x18 of the ROM header are cleared for the
/// code type's own fields. Returns the offset just past the NPDE.
pub(crate) fn write_headers(
    buf: &mut LeBuf,
    pcir_off: usize,
    id: PciIdentity,
    marks: ImageMarks,
) -> usize {
    let blocks = (buf.len() / BLOCK) as u16;
    write_rom_header(buf, pcir_off);
    let n = write_pcir(buf, pcir_off, id, marks.code_type, marks.pcir_last);

    // NVIDIA PCI Data Extension, 16-byte aligned after the PCIR.
    buf.put(n, b"NPDE");
    buf.u16(n + 0x04, NPDE_REVISION);
    buf.u16(n + 0x06, NPDE_LEN);
    buf.u16(n + 0x08, blocks);
    buf.u8(n + 0x0a, if marks.npde_last { 0x80 } else { 0x00 });
    buf.put(n + 0x0b, &[0; NPDE_LEN as usize - 0x0b]);
    n + NPDE_LEN as usize
}

/// Writes the ROM signature and the PCIR pointer, and clears the
/// code-type-specific bytes 0x02..0x18 of the ROM header.
pub(crate) fn write_rom_header(buf: &mut LeBuf, pcir_off: usize) {
    buf.put(0x00, &[0x55, 0xaa]);
    buf.put(0x02, &[0; 0x16]);
    buf.u16(0x18, pcir_off as u16);
}

/// Writes the PCI Data Structure at `pcir_off` for an image of the buffer's
/// length, and clears the bytes up to the next 16-byte boundary. Returns
/// that boundary: where an NPDE goes.
pub(crate) fn write_pcir(
    buf: &mut LeBuf,
    pcir_off: usize,
    id: PciIdentity,
    code_type: u8,
    last: bool,
) -> usize {
    let blocks = (buf.len() / BLOCK) as u16;
    let p = pcir_off;
    buf.put(p, b"PCIR");
    buf.u16(p + 0x04, id.vendor_id);
    buf.u16(p + 0x06, id.device_id);
    buf.u16(p + 0x08, 0); // device list pointer: none
    buf.u16(p + 0x0a, PCIR_LEN);
    buf.u8(p + 0x0c, PCIR_REVISION);
    // Class code, least significant byte (programming interface) first.
    buf.put(p + 0x0d, &id.class_code.to_le_bytes()[..3]);
    buf.u16(p + 0x10, blocks);
    buf.u16(p + 0x12, 0x0001); // vendor ROM revision
    buf.u8(p + 0x14, code_type);
    buf.u8(p + 0x15, if last { 0x80 } else { 0x00 });
    buf.u16(p + 0x16, blocks); // maximum run-time image length
    buf.u16(p + 0x18, 0); // configuration utility code header: none
    buf.u16(p + 0x1a, 0); // DMTF CLP entry point: none
    let end = p + PCIR_LEN as usize;
    let next = align_up(end, 16);
    buf.put(end, &vec![0; next - end]);
    next
}

/// Sets the image's last byte so that all its bytes sum to zero.
pub(crate) fn seal_checksum(buf: &mut LeBuf) {
    let bytes = buf.as_mut_slice();
    let Some((last, body)) = bytes.split_last_mut() else {
        return;
    };
    *last = 0;
    let sum = body.iter().fold(0u8, |acc, b| acc.wrapping_add(*b));
    *last = sum.wrapping_neg();
}
