//! The BIOS Information Table (BIT) in the x86 image.
//!
//! Facts (NVIDIA open-gpu-doc "BIOS-Information-Table"; read by nova-core
//! `vbios.rs` `BitHeader`/`BitToken`, nouveau `nvkm/subdev/bios/bit.c` and
//! OpenRM `kernel_gsp_vbios` `BIT_HEADER_V1_00`/`BIT_TOKEN_V1_00`):
//!
//! * The header is 12 bytes: the 16-bit identifier 0xB8FF, the signature
//!   "BIT\0", a BCD version (0x0100), the header size (12), the size of one
//!   token (6), the number of tokens and a checksum byte chosen so the 12
//!   header bytes sum to zero (OpenRM verifies it when it scans for the
//!   header). Drivers find the header by scanning for the bytes
//!   `FF B8 'B' 'I' 'T' 00`.
//! * The tokens follow the header. A 6-byte token is: id (u8), data version
//!   (u8), data size (u16) and a 16-bit offset of its data from the start of
//!   the ROM.
//!
//! Tokens written here:
//! * `'B'` (0x42) BIOSDATA, version 2: the 32-bit BIOS binary version
//!   (e.g. 0x94024200 reads "94.02.42.00") and the OEM version byte
//!   (OpenRM `BIT_DATA_BIOSDATA_BINVER`; OpenRM wants more than 5 bytes).
//! * `'i'` (0x69): nouveau reads the same version bytes (least significant
//!   first) plus the OEM byte from this token's data (`nvkm_bios_new`).
//! * `'p'` (0x70) FALCON_DATA, version 2: a 32-bit pointer to the falcon
//!   ucode table (OpenRM `BIT_DATA_FALCON_DATA_V2`, nova-core
//!   `BitToken::ID_FALCON_DATA`, nouveau `nvbios_pmuTe`). A pointer past the
//!   end of the x86 image counts as if the FWSEC images followed the x86
//!   image directly, skipping the EFI image (open-gpu-doc BIT page,
//!   nova-core `falcon_data_offset`, nouveau `nvbios_pointer`).

use crate::le::LeBuf;

/// First two bytes of the BIT header (0xB8FF little-endian).
pub const BIT_ID: u16 = 0xb8ff;
/// Signature following the identifier.
pub const BIT_SIGNATURE: [u8; 4] = *b"BIT\0";
/// Size of the BIT header.
pub const BIT_HEADER_LEN: usize = 12;
/// Size of one BIT token.
pub const BIT_TOKEN_LEN: usize = 6;

/// BIOSDATA token id ('B').
pub const TOKEN_BIOSDATA: u8 = b'B';
/// Token nouveau reads the BIOS version from ('i').
pub const TOKEN_INFO: u8 = b'i';
/// FALCON_DATA token id ('p').
pub const TOKEN_FALCON_DATA: u8 = 0x70;

/// One token to write: id, data version and its data bytes.
pub(crate) struct Token {
    pub id: u8,
    pub version: u8,
    pub data: Vec<u8>,
}

/// Writes the BIT header at `off`, its tokens right after it and each
/// token's data from `data_off` on. Returns the data offset of each token,
/// in token order.
pub(crate) fn write_bit(
    buf: &mut LeBuf,
    off: usize,
    data_off: usize,
    tokens: &[Token],
) -> Vec<usize> {
    buf.u16(off, BIT_ID);
    buf.put(off + 2, &BIT_SIGNATURE);
    buf.u16(off + 6, 0x0100);
    buf.u8(off + 8, BIT_HEADER_LEN as u8);
    buf.u8(off + 9, BIT_TOKEN_LEN as u8);
    buf.u8(off + 10, tokens.len() as u8);
    buf.u8(off + 11, 0);
    let sum = buf.as_slice()[off..off + BIT_HEADER_LEN]
        .iter()
        .fold(0u8, |acc, b| acc.wrapping_add(*b));
    buf.u8(off + 11, sum.wrapping_neg());

    let mut data_at = data_off;
    let mut offsets = Vec::with_capacity(tokens.len());
    for (i, t) in tokens.iter().enumerate() {
        let e = off + BIT_HEADER_LEN + i * BIT_TOKEN_LEN;
        buf.u8(e, t.id);
        buf.u8(e + 1, t.version);
        buf.u16(e + 2, t.data.len() as u16);
        buf.u16(e + 4, data_at as u16);
        buf.put(data_at, &t.data);
        offsets.push(data_at);
        // Keep every token's data 4-byte aligned.
        data_at += t.data.len().div_ceil(4) * 4;
    }
    offsets
}
