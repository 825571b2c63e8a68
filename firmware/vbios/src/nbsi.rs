//! The NBSI (notebook system information) image that ends some chains.
//!
//! Facts:
//! * A real TU117 board's chain ends with an image of code type 0x70, 0x1a00
//!   bytes long, that nova-core reports as "type: Ok(Nbsi), last: true",
//!   after logging "Invalid signature for NpdeStruct: [1, 1, 66, 86]" for
//!   it: the four bytes where an NPDE would be are `01 01 42 56` (John
//!   Hubbard's nova-core log on a GTX 1650, dri-devel, "[PATCH v11 00/12]
//!   gpu: nova-core: add Turing support", 9 March 2026).
//! * Those bytes are an NBSI directory in its original format: a `u8` glob
//!   count (1), a `u8` directory version (1) and one `u16` glob type,
//!   0x5642, which is `NBSI_VBIOS` ('V' << 8 | 'B'). The newer format starts
//!   with the `u32` "NBSI" tag ('N' << 24 | 'B' << 16 | 'S' << 8 | 'I', so
//!   "ISBN" in memory) and a `u32` size before the count and version
//!   (OpenRM `nbsi_table.h`: `NBSI_DIRECTORY`, `NBSI_GLOB_TYPE`,
//!   `NBSIDIRHDRSTRING`).
//! * The ROM header of an NBSI image keeps the signature at 0x00 and the
//!   PCIR pointer at 0x18, and adds a `u16` at 0x16, the offset of the NBSI
//!   data, and a `u32` at 0x1a, "sizeOfBlock" (OpenRM `PCI_EXP_ROM_NBSI` in
//!   `pci_exp_table.h`, as quoted in the early nova-core VBIOS patches of
//!   Joel Fernandes).
//! * An NBSI object starts with a generic header: a `u64` hash signature,
//!   the `u16` glob type, the `u32` object size (header included) and a
//!   `u16` version (OpenRM `DSM_GEN_OBJ_HDR`).
//!
//! Not public: the real image's PCIR offset, what sizeOfBlock counts, where
//! the directory's objects are and what a VBIOS object holds. nvsim puts the
//! PCIR right after the 0x1e-byte NBSI ROM header (at 0x20), so the
//! directory falls at the 16-byte boundary after the PCIR, where nova-core,
//! nouveau and OpenRM look for an NPDE; sizeOfBlock is the size of the NBSI
//! data; one VBIOS object header follows the directory; the rest is filler.

use crate::fill;
use crate::image::{self, PciIdentity, CODE_TYPE_NBSI};
use crate::le::LeBuf;

/// Offset of the PCIR in the NBSI image.
const NBSI_PCIR: usize = 0x20;
/// `NBSI_VBIOS` glob type ('V' << 8 | 'B').
pub const GLOB_VBIOS: u16 = (b'V' as u16) << 8 | b'B' as u16;
/// Size of the generic object header.
const OBJ_HEADER_LEN: usize = 16;
/// Size of the placeholder VBIOS object (header included).
const OBJ_LEN: usize = 0x100;
/// Smallest NBSI image nvsim builds.
pub(crate) const MIN_LEN: usize = 512;

/// Builds an NBSI image of `len` bytes (a multiple of 512).
pub(crate) fn image(id: PciIdentity, len: usize, seed: u64) -> Vec<u8> {
    let mut b = LeBuf::zeroed(len);
    fill::fill(b.as_mut_slice(), seed);
    image::write_rom_header(&mut b, NBSI_PCIR);
    // The PCIR is the last image's for every driver (see `image.rs`).
    let dir = image::write_pcir(&mut b, NBSI_PCIR, id, CODE_TYPE_NBSI, true);
    b.u16(0x16, dir as u16);
    b.u32(0x1a, (len - dir) as u32);
    b.put(0x1e, &[0; 2]);

    // NBSI directory, original format: one VBIOS glob.
    b.put(dir, &[1, 1]);
    b.u16(dir + 2, GLOB_VBIOS);

    // The VBIOS object's generic header.
    let obj = dir + 4;
    b.put(obj, b"nvsimNBS");
    b.u16(obj + 8, GLOB_VBIOS);
    b.u32(obj + 10, OBJ_LEN as u32);
    b.u16(obj + 14, 0x0100);
    b.put(
        obj + OBJ_HEADER_LEN,
        b"nvsim: placeholder NBSI VBIOS object\0",
    );

    image::seal_checksum(&mut b);
    b.into_vec()
}
