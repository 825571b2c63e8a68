//! Little-endian fields of byte buffers (firmware files, guest memory
//! copies): `None` when the field does not fit in the buffer.

/// The `u16` at `at`.
pub fn le16(b: &[u8], at: usize) -> Option<u16> {
    let s = b.get(at..at.checked_add(2)?)?;
    Some(u16::from_le_bytes([s[0], s[1]]))
}

/// The `u32` at `at`.
pub fn le32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// The `u64` at `at`.
pub fn le64(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from(le32(b, at)?) | (u64::from(le32(b, at.checked_add(4)?)?) << 32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_in_and_out_of_bounds() {
        let b = [1, 2, 3, 4, 5, 6, 7, 8];
        assert_eq!(le16(&b, 6), Some(0x0807));
        assert_eq!(le32(&b, 0), Some(0x0403_0201));
        assert_eq!(le64(&b, 0), Some(0x0807_0605_0403_0201));
        assert_eq!(le32(&b, 5), None);
        assert_eq!(le64(&b, usize::MAX), None);
    }
}
