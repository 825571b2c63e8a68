// SPDX-License-Identifier: GPL-2.0

//! RM status codes (`NV_STATUS`, open-gpu-kernel-modules
//! `src/common/sdk/nvidia/inc/nvstatuscodes.h`) and the errno nova returns
//! for each.

use kernel::prelude::*;

/// `NV_OK`.
pub(crate) const NV_OK: u32 = 0x00;

/// The statuses nova names, with their errno.
const STATUSES: &[(u32, &str, Error)] = &[
    (0x19, "NV_ERR_INSERT_DUPLICATE_NAME", EEXIST),
    (0x1a, "NV_ERR_INSUFFICIENT_RESOURCES", ENOSPC),
    (0x1b, "NV_ERR_INSUFFICIENT_PERMISSIONS", EPERM),
    (0x1f, "NV_ERR_INVALID_ARGUMENT", EINVAL),
    (0x22, "NV_ERR_INVALID_CLASS", EINVAL),
    (0x23, "NV_ERR_INVALID_CLIENT", ENOENT),
    (0x24, "NV_ERR_INVALID_COMMAND", EINVAL),
    (0x29, "NV_ERR_INVALID_FLAGS", EINVAL),
    (0x2e, "NV_ERR_INVALID_LIMIT", EINVAL),
    (0x31, "NV_ERR_INVALID_OBJECT", ENOENT),
    (0x33, "NV_ERR_INVALID_OBJECT_HANDLE", ENOENT),
    (0x36, "NV_ERR_INVALID_OBJECT_PARENT", EINVAL),
    (0x38, "NV_ERR_INVALID_OPERATION", EINVAL),
    (0x3a, "NV_ERR_INVALID_PARAM_STRUCT", EINVAL),
    (0x3b, "NV_ERR_INVALID_PARAMETER", EINVAL),
    (0x40, "NV_ERR_INVALID_STATE", EBUSY),
    (0x51, "NV_ERR_NO_MEMORY", ENOMEM),
    (0x55, "NV_ERR_NOT_READY", EAGAIN),
    (0x56, "NV_ERR_NOT_SUPPORTED", EOPNOTSUPP),
    (0x57, "NV_ERR_OBJECT_NOT_FOUND", ENOENT),
    (0x5b, "NV_ERR_OUT_OF_RANGE", ERANGE),
    (0x65, "NV_ERR_TIMEOUT", ETIMEDOUT),
];

/// The name of `status`, or "NV_ERR_*" for one nova does not list.
pub(crate) fn name(status: u32) -> &'static str {
    STATUSES
        .iter()
        .find(|(s, _, _)| *s == status)
        .map_or("NV_ERR_*", |(_, n, _)| n)
}

/// The errno for `status` (`EIO` for one nova does not list); `Ok` for
/// `NV_OK`.
pub(crate) fn to_result(status: u32) -> Result {
    if status == NV_OK {
        return Ok(());
    }
    Err(STATUSES
        .iter()
        .find(|(s, _, _)| *s == status)
        .map_or(EIO, |(_, _, e)| *e))
}

#[kunit_tests(nova_rm_status)]
mod tests {
    use super::*;

    #[test]
    fn mapping() {
        assert_eq!(to_result(NV_OK), Ok(()));
        assert_eq!(to_result(0x51), Err(ENOMEM));
        assert_eq!(to_result(0x57), Err(ENOENT));
        assert_eq!(to_result(0xffff), Err(EIO));
        assert_eq!(name(0x56), "NV_ERR_NOT_SUPPORTED");
        assert_eq!(name(0x1234), "NV_ERR_*");
    }
}
