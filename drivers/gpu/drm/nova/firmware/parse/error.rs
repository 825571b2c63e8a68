// SPDX-License-Identifier: GPL-2.0

//! The error type shared by all firmware parsers.

use core::fmt;

/// Why a firmware file could not be parsed.
///
/// Each variant names the structure or field concerned (`what`), so that a
/// message built from it tells which part of which file is bad.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseError {
    /// The buffer ends before a structure does.
    Truncated {
        /// The structure being read.
        what: &'static str,
        /// Bytes the buffer must hold for the structure to fit.
        need: u64,
        /// Bytes the buffer holds.
        have: u64,
    },
    /// A magic number or signature does not match.
    BadMagic {
        /// The structure whose magic is wrong.
        what: &'static str,
    },
    /// An offset/size pair taken from the file points outside its container.
    OutOfBounds {
        /// The region described by the offset and size.
        what: &'static str,
        /// Offset of the region in its container.
        offset: u64,
        /// Size of the region.
        size: u64,
        /// Size of the container.
        limit: u64,
    },
    /// A sum or product of values taken from the file overflows.
    Overflow {
        /// The value being computed.
        what: &'static str,
    },
    /// A version or kind this parser does not know.
    Unsupported {
        /// The field holding the version or kind.
        what: &'static str,
        /// Its value.
        value: u64,
    },
    /// A field holds a value that contradicts the format.
    Invalid {
        /// The field.
        what: &'static str,
        /// Its value.
        value: u64,
    },
    /// A required item (section, token, table entry, image) is absent.
    NotFound {
        /// The item looked for.
        what: &'static str,
    },
}

impl ParseError {
    /// The negative Linux errno that best describes this error, for callers
    /// that turn it into a kernel error code.
    pub fn errno(&self) -> i32 {
        /// `ENOENT`: no such entry.
        const ENOENT: i32 = 2;
        /// `EINVAL`: invalid argument.
        const EINVAL: i32 = 22;
        /// `ERANGE`: result out of range.
        const ERANGE: i32 = 34;
        /// `EOVERFLOW`: value too large.
        const EOVERFLOW: i32 = 75;
        /// `EOPNOTSUPP`: operation not supported.
        const EOPNOTSUPP: i32 = 95;

        match self {
            Self::Truncated { .. } | Self::BadMagic { .. } | Self::Invalid { .. } => -EINVAL,
            Self::OutOfBounds { .. } => -ERANGE,
            Self::Overflow { .. } => -EOVERFLOW,
            Self::Unsupported { .. } => -EOPNOTSUPP,
            Self::NotFound { .. } => -ENOENT,
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Truncated { what, need, have } => {
                write!(f, "{what}: truncated, need {need} bytes, have {have}")
            }
            Self::BadMagic { what } => write!(f, "{what}: bad magic"),
            Self::OutOfBounds {
                what,
                offset,
                size,
                limit,
            } => write!(
                f,
                "{what}: region {offset:#x}+{size:#x} outside container of {limit:#x} bytes"
            ),
            Self::Overflow { what } => write!(f, "{what}: arithmetic overflow"),
            Self::Unsupported { what, value } => write!(f, "{what}: unsupported value {value:#x}"),
            Self::Invalid { what, value } => write!(f, "{what}: invalid value {value:#x}"),
            Self::NotFound { what } => write!(f, "{what}: not found"),
        }
    }
}
