// SPDX-License-Identifier: GPL-2.0

//! Bounds-checked little-endian reads and region checks.
//!
//! All parsers read the file only through these helpers, so that no read can
//! go past a buffer and no offset arithmetic on file values can wrap.

use super::{ParseError, Result};

/// Converts a buffer length or offset to `u64` for error reports and
/// arithmetic on file values.
pub fn u64_of(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// Converts a file value to `usize`, failing on hosts where it does not fit.
pub fn usize_of(v: u64, what: &'static str) -> Result<usize> {
    usize::try_from(v).map_err(|_| ParseError::Overflow { what })
}

/// `a + b`, or [`ParseError::Overflow`] naming `what`.
pub fn add(a: u64, b: u64, what: &'static str) -> Result<u64> {
    a.checked_add(b).ok_or(ParseError::Overflow { what })
}

/// `a * b`, or [`ParseError::Overflow`] naming `what`.
pub fn mul(a: u64, b: u64, what: &'static str) -> Result<u64> {
    a.checked_mul(b).ok_or(ParseError::Overflow { what })
}

/// `usize` version of [`add`].
pub fn add_usize(a: usize, b: usize, what: &'static str) -> Result<usize> {
    a.checked_add(b).ok_or(ParseError::Overflow { what })
}

/// Returns `buf[offset..offset + size]`: a fixed-size structure that must be
/// wholly inside `buf`, or [`ParseError::Truncated`] naming it.
pub fn header<'a>(
    buf: &'a [u8],
    offset: usize,
    size: usize,
    what: &'static str,
) -> Result<&'a [u8]> {
    let have = u64_of(buf.len());
    let end = offset.checked_add(size).ok_or(ParseError::Truncated {
        what,
        need: u64::MAX,
        have,
    })?;
    buf.get(offset..end).ok_or(ParseError::Truncated {
        what,
        need: u64_of(end),
        have,
    })
}

/// Returns the region `offset..offset + size` of `buf`, where both values
/// come from the file: [`ParseError::Overflow`] if the end wraps,
/// [`ParseError::OutOfBounds`] naming `what` if it is not inside `buf`.
pub fn region<'a>(buf: &'a [u8], offset: u64, size: u64, what: &'static str) -> Result<&'a [u8]> {
    let out = ParseError::OutOfBounds {
        what,
        offset,
        size,
        limit: u64_of(buf.len()),
    };
    let end = add(offset, size, what)?;
    if end > u64_of(buf.len()) {
        return Err(out);
    }
    let start = usize_of(offset, what)?;
    let end = usize_of(end, what)?;
    buf.get(start..end).ok_or(out)
}

/// Checks that `offset..offset + size` lies within a container of `limit`
/// bytes, without slicing anything.
pub fn check_within(offset: u64, size: u64, limit: u64, what: &'static str) -> Result<()> {
    if add(offset, size, what)? > limit {
        return Err(ParseError::OutOfBounds {
            what,
            offset,
            size,
            limit,
        });
    }
    Ok(())
}

/// Reads `N` bytes at `off`.
pub fn read_array<const N: usize>(buf: &[u8], off: usize) -> Result<[u8; N]> {
    let bytes = header(buf, off, N, "field")?;
    <[u8; N]>::try_from(bytes).map_err(|_| ParseError::Truncated {
        what: "field",
        need: u64_of(N),
        have: u64_of(bytes.len()),
    })
}

/// Reads the byte at `off`.
pub fn read_u8(buf: &[u8], off: usize) -> Result<u8> {
    Ok(u8::from_le_bytes(read_array(buf, off)?))
}

/// Reads a little-endian `u16` at `off`.
pub fn read_u16_le(buf: &[u8], off: usize) -> Result<u16> {
    Ok(u16::from_le_bytes(read_array(buf, off)?))
}

/// Reads a little-endian `u32` at `off`.
pub fn read_u32_le(buf: &[u8], off: usize) -> Result<u32> {
    Ok(u32::from_le_bytes(read_array(buf, off)?))
}

/// Reads a little-endian `u64` at `off`.
pub fn read_u64_le(buf: &[u8], off: usize) -> Result<u64> {
    Ok(u64::from_le_bytes(read_array(buf, off)?))
}

/// Reads a little-endian `u32` at the file-controlled offset `off`, naming
/// `what` if it is outside `buf`.
pub fn read_u32_at(buf: &[u8], off: u64, what: &'static str) -> Result<u32> {
    let field = region(buf, off, 4, what)?;
    read_u32_le(field, 0)
}

/// Returns the NUL-terminated string starting at `off` in `buf`, without its
/// terminator.
pub fn cstr<'a>(buf: &'a [u8], off: usize, what: &'static str) -> Result<&'a [u8]> {
    let tail = buf.get(off..).ok_or(ParseError::OutOfBounds {
        what,
        offset: u64_of(off),
        size: 1,
        limit: u64_of(buf.len()),
    })?;
    let len = tail
        .iter()
        .position(|&b| b == 0)
        .ok_or(ParseError::Invalid {
            what,
            value: u64_of(off),
        })?;
    tail.get(..len).ok_or(ParseError::Overflow { what })
}

/// Returns the offset of the first occurrence of `needle` in `haystack`.
pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Rounds `v` up to a multiple of `align` (a power of two).
pub fn align_up(v: u64, align: u64, what: &'static str) -> Result<u64> {
    let mask = align.wrapping_sub(1);
    Ok(add(v, mask, what)? & !mask)
}
