/* SPDX-License-Identifier: MIT */
/*
 * nova uAPI: the ioctl interface of the nova DRM driver for NVIDIA GPUs
 * running GSP-RM firmware.
 *
 * The ioctl numbers and the layouts of struct drm_nova_getparam,
 * struct drm_nova_gem_create and struct drm_nova_gem_info are those of the
 * upstream header this file replaces; everything else is added by nova.
 *
 * This interface is still being brought up together with its userspace and
 * is not yet declared stable.
 *
 * Rules shared by every ioctl:
 *  - padding and reserved fields must be zero, and so must every flag bit
 *    that is not defined here; otherwise the ioctl fails with -EINVAL;
 *  - sizes are checked for overflow and against the driver's limits;
 *  - after the device has been unbound, every ioctl fails with -ENODEV.
 */

#ifndef __NOVA_DRM_H__
#define __NOVA_DRM_H__

#include "drm.h"

#if defined(__cplusplus)
extern "C" {
#endif

/**
 * DOC: GETPARAM parameters
 *
 * Values that userspace can read with &DRM_IOCTL_NOVA_GETPARAM. An
 * unknown parameter fails with -EINVAL.
 *
 * %NOVA_GETPARAM_VRAM_BAR_SIZE: size in bytes of the VRAM aperture (BAR1).
 *
 * %NOVA_GETPARAM_PCI_VENDOR_ID: PCI vendor ID of the device (0x10de).
 *
 * %NOVA_GETPARAM_PCI_DEVICE_ID: PCI device ID of the device.
 *
 * %NOVA_GETPARAM_CHIPSET: chipset, NV_PMC_BOOT_42 bits 29:20: the
 * architecture in bits 9:4 and the implementation in bits 3:0, e.g. 0x172
 * for GA102.
 *
 * %NOVA_GETPARAM_ARCHITECTURE: GPU architecture, one of the
 * %NOVA_ARCHITECTURE_* values.
 *
 * %NOVA_GETPARAM_REVISION: chip revision from NV_PMC_BOOT_42 as
 * (major << 4) | minor, e.g. 0xa1.
 *
 * %NOVA_GETPARAM_PCI_REVISION: the PCI revision ID of the function.
 *
 * %NOVA_GETPARAM_PCI_SUBSYSTEM: PCI subsystem, as
 * (subsystem vendor ID << 16) | subsystem device ID.
 *
 * %NOVA_GETPARAM_GEM_SIZE_MAX: largest size a GEM object may have.
 *
 * %NOVA_GETPARAM_VRAM_SIZE: usable video memory in bytes, as GSP-RM reports
 * it (the sum of the framebuffer regions it lets clients allocate from).
 * Fails with -ENODEV when nova has not booted GSP-RM on this GPU (today:
 * Hopper and Blackwell).
 */
#define NOVA_GETPARAM_VRAM_BAR_SIZE	0x1
#define NOVA_GETPARAM_PCI_VENDOR_ID	0x2
#define NOVA_GETPARAM_PCI_DEVICE_ID	0x3
#define NOVA_GETPARAM_CHIPSET		0x4
#define NOVA_GETPARAM_ARCHITECTURE	0x5
#define NOVA_GETPARAM_REVISION		0x6
#define NOVA_GETPARAM_PCI_REVISION	0x7
#define NOVA_GETPARAM_PCI_SUBSYSTEM	0x8
#define NOVA_GETPARAM_GEM_SIZE_MAX	0x9
#define NOVA_GETPARAM_VRAM_SIZE		0xa

/**
 * DOC: GETPARAM_STRING parameters
 *
 * Strings that userspace can read with &DRM_IOCTL_NOVA_GETPARAM_STRING. An
 * unknown parameter fails with -EINVAL.
 *
 * %NOVA_GETPARAM_STRING_GPU_NAME: the marketing name of the GPU as GSP-RM
 * reports it, e.g. "NVIDIA GeForce RTX 3090". Fails with -ENODEV when nova
 * has not booted GSP-RM on this GPU (today: Hopper and Blackwell).
 */
#define NOVA_GETPARAM_STRING_GPU_NAME	0x1

/* Values of NOVA_GETPARAM_ARCHITECTURE: NV_PMC_BOOT_42 bits 29:24. */
#define NOVA_ARCHITECTURE_TURING	0x16
#define NOVA_ARCHITECTURE_AMPERE	0x17
#define NOVA_ARCHITECTURE_HOPPER	0x18
#define NOVA_ARCHITECTURE_ADA		0x19
#define NOVA_ARCHITECTURE_BLACKWELL_GB10X	0x1a
#define NOVA_ARCHITECTURE_BLACKWELL_GB20X	0x1b

/**
 * struct drm_nova_getparam - query GPU and driver metadata
 */
struct drm_nova_getparam {
	/**
	 * @param: in, which parameter to read (a NOVA_GETPARAM_* value).
	 */
	__u64 param;

	/**
	 * @value: out, the value of the parameter.
	 */
	__u64 value;
};

/**
 * struct drm_nova_getparam_string - read a string parameter
 *
 * Copies the NUL-terminated string, terminator included, to @pointer.
 * With @size zero, copies nothing and only reports the length. A non-zero
 * @size too small for the string fails with -EINVAL; an unwritable buffer
 * fails with -EFAULT.
 */
struct drm_nova_getparam_string {
	/**
	 * @param: in, which string to read (a NOVA_GETPARAM_STRING_* value).
	 */
	__u64 param;

	/**
	 * @pointer: in, user address of the buffer to copy the string to.
	 */
	__u64 pointer;

	/**
	 * @size: in, size of the buffer in bytes; out, length of the string
	 * including its NUL terminator.
	 */
	__u32 size;

	/**
	 * @pad: must be zero.
	 */
	__u32 pad;
};

/**
 * struct drm_nova_gem_create - create a GEM object backed by system memory
 *
 * The size is rounded up to a whole number of pages. A size of zero fails
 * with -EINVAL; a size above %NOVA_GETPARAM_GEM_SIZE_MAX fails with -ENOMEM;
 * a size the kernel cannot back fails with -ENOMEM.
 */
struct drm_nova_gem_create {
	/**
	 * @handle: out, the handle of the new object, valid in this file only.
	 */
	__u32 handle;

	/**
	 * @pad: must be zero.
	 */
	__u32 pad;

	/**
	 * @size: in, the requested size in bytes; out, the size of the object.
	 */
	__u64 size;
};

/**
 * struct drm_nova_gem_info - query the metadata of a GEM object
 *
 * An unknown handle fails with -ENOENT.
 */
struct drm_nova_gem_info {
	/**
	 * @handle: in, the handle of the object.
	 */
	__u32 handle;

	/**
	 * @pad: must be zero.
	 */
	__u32 pad;

	/**
	 * @size: out, the size of the object in bytes.
	 */
	__u64 size;
};

/**
 * struct drm_nova_gem_mmap_offset - get the fake offset to mmap a GEM object
 *
 * The returned offset is passed to mmap(2) on the same DRM file descriptor
 * to map the object's pages into the process. An unknown handle fails with
 * -ENOENT.
 */
struct drm_nova_gem_mmap_offset {
	/**
	 * @handle: in, the handle of the object.
	 */
	__u32 handle;

	/**
	 * @flags: in, must be zero (no flags are defined yet).
	 */
	__u32 flags;

	/**
	 * @offset: out, the offset to pass to mmap(2).
	 */
	__u64 offset;
};

#define DRM_NOVA_GETPARAM		0x00
#define DRM_NOVA_GEM_CREATE		0x01
#define DRM_NOVA_GEM_INFO		0x02
#define DRM_NOVA_GEM_MMAP_OFFSET	0x03
#define DRM_NOVA_GETPARAM_STRING	0x04

/* An enum rather than macros, so that Rust bindgen resolves the values. */
enum {
	DRM_IOCTL_NOVA_GETPARAM		= DRM_IOWR(DRM_COMMAND_BASE + DRM_NOVA_GETPARAM,
						   struct drm_nova_getparam),
	DRM_IOCTL_NOVA_GEM_CREATE	= DRM_IOWR(DRM_COMMAND_BASE + DRM_NOVA_GEM_CREATE,
						   struct drm_nova_gem_create),
	DRM_IOCTL_NOVA_GEM_INFO		= DRM_IOWR(DRM_COMMAND_BASE + DRM_NOVA_GEM_INFO,
						   struct drm_nova_gem_info),
	DRM_IOCTL_NOVA_GEM_MMAP_OFFSET	= DRM_IOWR(DRM_COMMAND_BASE + DRM_NOVA_GEM_MMAP_OFFSET,
						   struct drm_nova_gem_mmap_offset),
	DRM_IOCTL_NOVA_GETPARAM_STRING	= DRM_IOWR(DRM_COMMAND_BASE + DRM_NOVA_GETPARAM_STRING,
						   struct drm_nova_getparam_string),
};

#if defined(__cplusplus)
}
#endif

#endif /* __NOVA_DRM_H__ */
