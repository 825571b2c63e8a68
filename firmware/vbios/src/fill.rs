//! Deterministic filler for the bytes no structure claims.
//!
//! A real VBIOS has no empty space: the x86 image is code, the EFI image a
//! (usually compressed) driver, the FWSEC partitions hold ucode and data,
//! the NBSI image its objects. nvsim has none of these, but leaving their
//! room zero would hide a class of driver bugs: a driver that reads the
//! PROM on demand into a zeroed copy (as nova does) would find the right
//! values in bytes it never fetched whenever the ROM holds zeroes there.
//! So every image is first filled from a pseudo-random stream, then its
//! structures are written over it.
//!
//! The stream is SplitMix64 (G. Steele, D. Lea, C. Flood, "Fast Splittable
//! Pseudorandom Number Generators", OOPSLA 2014), seeded per image from the
//! board's device ID and the image's place in the chain, so every build of
//! a given chip yields the same bytes.

/// Fills `buf` with the stream seeded by `seed`.
pub(crate) fn fill(buf: &mut [u8], seed: u64) {
    let mut state = seed;
    for chunk in buf.chunks_mut(8) {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        let bytes = z.to_le_bytes();
        chunk.copy_from_slice(&bytes[..chunk.len()]);
    }
}

/// The seed of one region of a board's ROM: its device ID and a region
/// number (the image's index in the chain, or [`IFR_REGION`]).
pub(crate) fn seed(device_id: u16, region: u64) -> u64 {
    (u64::from(device_id) << 32) ^ region.wrapping_mul(0x0100_0000_01b3)
}

/// Region number of the IFR header's filler.
pub(crate) const IFR_REGION: u64 = 0xff;
