// SPDX-License-Identifier: GPL-2.0

//! What userspace sees of a GPU: the DRM device and its render node, the
//! per-file state, GEM objects, the ioctls and their parameters, fdinfo, and
//! the debugfs directory.

pub(crate) mod debugfs;
pub(crate) mod device;
pub(crate) mod exec;
pub(crate) mod file;
pub(crate) mod gem;
pub(crate) mod params;
pub(crate) mod vm;
