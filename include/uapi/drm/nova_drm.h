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
 *
 * %NOVA_GETPARAM_VRAM_USED: bytes of video memory allocated now, by every
 * client and by nova itself (page tables). Fails with -ENODEV as
 * %NOVA_GETPARAM_VRAM_SIZE does.
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
#define NOVA_GETPARAM_VRAM_USED		0xb

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
 * DOC: GEM domains
 *
 * Where a GEM object's memory lives, given to &DRM_IOCTL_NOVA_GEM_CREATE
 * and reported by &DRM_IOCTL_NOVA_GEM_INFO.
 *
 * %NOVA_GEM_DOMAIN_VRAM: video memory. The GPU reaches it at full speed;
 * the CPU maps it write-combined through BAR1: the first
 * &DRM_IOCTL_NOVA_GEM_MMAP_OFFSET of the object gives it a place in BAR1,
 * which it keeps until it is freed (-ENOSPC when BAR1 is full, -ENODEV on
 * a GPU where GSP-RM set up no BAR1 mappings). Objects of 2 MiB and more
 * are placed 2 MiB-aligned, of 64 KiB and more 64 KiB-aligned, so that
 * VM_BIND and BAR1 can map them with large pages. VRAM objects are never
 * exported as dma-bufs.
 *
 * %NOVA_GEM_DOMAIN_GART: system memory (shmem pages), which the GPU reaches
 * through its MMU and the CPU maps with mmap(2). The default: flags of zero
 * mean %NOVA_GEM_DOMAIN_GART.
 *
 * With both domain bits, nova places the object in VRAM and falls back to
 * system memory when VRAM is exhausted or absent. %NOVA_GEM_DOMAIN_VRAM
 * alone fails with -ENODEV when nova has not booted GSP-RM on this GPU.
 *
 * %NOVA_GEM_NO_SHARE: the object is private to the creating file's VA
 * space (NVK's VM-private memory): it can be bound only in that file's VA
 * space and can never be exported.
 */
#define NOVA_GEM_DOMAIN_VRAM		(1 << 0)
#define NOVA_GEM_DOMAIN_GART		(1 << 1)
#define NOVA_GEM_NO_SHARE		(1 << 3)

/**
 * struct drm_nova_gem_create - create a GEM object
 *
 * The size is rounded up to a whole number of pages. A size of zero fails
 * with -EINVAL; a size above %NOVA_GETPARAM_GEM_SIZE_MAX fails with -ENOMEM;
 * a size the kernel cannot back (in any of the requested domains) fails
 * with -ENOMEM. An undefined flag fails with -EINVAL.
 */
struct drm_nova_gem_create {
	/**
	 * @handle: out, the handle of the new object, valid in this file only.
	 */
	__u32 handle;

	/**
	 * @flags: in, the %NOVA_GEM_DOMAIN_* bits where the object may live
	 * and %NOVA_GEM_NO_SHARE; zero is system memory.
	 */
	__u32 flags;

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
	 * @flags: in, must be zero; out, the one %NOVA_GEM_DOMAIN_* bit where
	 * the object lives, and %NOVA_GEM_NO_SHARE if it was created so.
	 */
	__u32 flags;

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

/**
 * struct drm_nova_device_info - what a userspace driver needs to know of
 * the GPU
 *
 * One call gives what NVK today reads from nouveau's GETPARAMs and NVIF
 * class lists. Fails with -ENODEV when nova has not booted GSP-RM on this
 * GPU. @pad and @reserved must be zero on input.
 */
struct drm_nova_device_info {
	/** @chipset: out, as %NOVA_GETPARAM_CHIPSET. */
	__u32 chipset;
	/** @architecture: out, as %NOVA_GETPARAM_ARCHITECTURE. */
	__u32 architecture;
	/** @device_id: out, the PCI device ID. */
	__u32 device_id;
	/** @revision: out, as %NOVA_GETPARAM_REVISION. */
	__u32 revision;
	/** @vram_size: out, usable video memory in bytes. */
	__u64 vram_size;
	/** @vram_bar_size: out, size of the VRAM aperture (BAR1) in bytes. */
	__u64 vram_bar_size;
	/** @gpc_count: out, GPCs enabled on this board, as GSP-RM reports. */
	__u32 gpc_count;
	/** @tpc_count: out, TPCs enabled on this board, over all GPCs. */
	__u32 tpc_count;
	/** @va_bits: out, width of a GPU virtual address (49 or 57). */
	__u32 va_bits;
	/**
	 * @page_sizes: out, the GPU page sizes VM_BIND uses, as a mask of
	 * sizes (4 KiB, 64 KiB and 2 MiB: 0x211000).
	 */
	__u32 page_sizes;
	/** @class_gpfifo: out, the GPFIFO channel class (e.g. 0xc56f). */
	__u32 class_gpfifo;
	/** @class_copy: out, the copy-engine class (e.g. 0xc7b5). */
	__u32 class_copy;
	/** @class_2d: out, the 2D class (0x902d). */
	__u32 class_2d;
	/** @class_3d: out, the 3D class (e.g. 0xc797). */
	__u32 class_3d;
	/** @class_compute: out, the compute class (e.g. 0xc7c0). */
	__u32 class_compute;
	/** @class_m2mf: out, the inline-to-memory class (e.g. 0xa140). */
	__u32 class_m2mf;
	/** @pad: must be zero. */
	__u32 pad;
	/** @reserved: must be zero; room for later fields. */
	__u32 reserved[9];
};

/**
 * struct drm_nova_vm_init - set up the file's GPU virtual address space
 *
 * Each file has at most one VA space; it is created by this ioctl and
 * destroyed when the file is closed. The VA space spans
 * [0, 1 << &drm_nova_device_info.va_bits). Userspace manages all of it
 * with VM_BIND except [@kernel_managed_addr, @kernel_managed_addr +
 * @kernel_managed_size), which nova keeps for its own mappings and where
 * VM_BIND fails with -EINVAL. The range may be empty.
 *
 * Fails with -EEXIST when the file already has a VA space, -EINVAL for a
 * range that is not 4 KiB-aligned or not inside the VA space, -ENOMEM
 * when the page directory cannot be allocated, -ENODEV without GSP-RM.
 */
struct drm_nova_vm_init {
	/** @kernel_managed_addr: in, start of the kernel-managed range. */
	__u64 kernel_managed_addr;
	/** @kernel_managed_size: in, size of the kernel-managed range. */
	__u64 kernel_managed_size;
};

/**
 * DOC: VM_BIND operations
 *
 * %NOVA_VM_BIND_OP_MAP maps [@bo_offset, @bo_offset + @range) of the object
 * @handle at [@addr, @addr + @range). Whatever was mapped there before is
 * unmapped first. With %NOVA_VM_BIND_SPARSE and @handle 0 it instead makes
 * the range a sparse region: GPU reads of unmapped pages in it return zero
 * and writes are dropped instead of faulting. A sparse region may not
 * overlap another one, and a MAP of an object must lie wholly inside or
 * wholly outside every sparse region (else -EINVAL).
 *
 * %NOVA_VM_BIND_OP_UNMAP unmaps [@addr, @addr + @range); pages inside a
 * sparse region become sparse again. With %NOVA_VM_BIND_SPARSE it removes
 * the sparse region that is exactly [@addr, @addr + @range) and unmaps
 * everything in it (else -EINVAL). @handle and @bo_offset must be zero.
 *
 * nova picks the largest GPU page (2 MiB, 64 KiB, 4 KiB) that the VA, the
 * object offset, the object's placement and the range allow.
 */
#define NOVA_VM_BIND_OP_MAP		0
#define NOVA_VM_BIND_OP_UNMAP		1

#define NOVA_VM_BIND_SPARSE		(1 << 8)

/**
 * struct drm_nova_vm_bind_op - one VM_BIND operation
 */
struct drm_nova_vm_bind_op {
	/** @op: in, %NOVA_VM_BIND_OP_MAP or %NOVA_VM_BIND_OP_UNMAP. */
	__u32 op;
	/** @flags: in, zero or %NOVA_VM_BIND_SPARSE. */
	__u32 flags;
	/** @handle: in, the GEM object to map; zero for the other ops. */
	__u32 handle;
	/** @pad: must be zero. */
	__u32 pad;
	/** @addr: in, GPU virtual address, 4 KiB-aligned. */
	__u64 addr;
	/** @bo_offset: in, offset into the object, 4 KiB-aligned. */
	__u64 bo_offset;
	/** @range: in, size in bytes, 4 KiB-aligned and not zero. */
	__u64 range;
};

/**
 * struct drm_nova_vm_bind - change the file's GPU virtual address space
 *
 * Applies @op_count operations from the array at @op_ptr in order and
 * returns when the page tables are written and the GPU's TLB invalidated.
 * Every operation is checked before any is applied: a bad argument fails
 * the whole call with nothing changed (-EINVAL; -ENOENT for an unknown
 * handle; -EFAULT for an unreadable array). If applying operation k fails
 * (-ENOMEM), operations 0..k-1 stay applied, operation k is undone and
 * @op_count is set to k.
 *
 * @flags, @wait_count, @sig_count, @wait_ptr and @sig_ptr are reserved for
 * asynchronous binds with syncobjs and must be zero. Fails with -ENOENT
 * before VM_INIT. At most 1024 operations per call (else -EINVAL).
 */
struct drm_nova_vm_bind {
	/** @op_count: in, number of operations; out, as described above. */
	__u32 op_count;
	/** @flags: in, must be zero. */
	__u32 flags;
	/** @wait_count: in, must be zero. */
	__u32 wait_count;
	/** @sig_count: in, must be zero. */
	__u32 sig_count;
	/** @wait_ptr: in, must be zero. */
	__u64 wait_ptr;
	/** @sig_ptr: in, must be zero. */
	__u64 sig_ptr;
	/** @op_ptr: in, user address of &struct drm_nova_vm_bind_op[@op_count]. */
	__u64 op_ptr;
};

#define DRM_NOVA_GETPARAM		0x00
#define DRM_NOVA_GEM_CREATE		0x01
#define DRM_NOVA_GEM_INFO		0x02
#define DRM_NOVA_GEM_MMAP_OFFSET	0x03
#define DRM_NOVA_GETPARAM_STRING	0x04
#define DRM_NOVA_DEVICE_INFO		0x05
#define DRM_NOVA_VM_INIT		0x06
#define DRM_NOVA_VM_BIND		0x07

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
	DRM_IOCTL_NOVA_DEVICE_INFO	= DRM_IOWR(DRM_COMMAND_BASE + DRM_NOVA_DEVICE_INFO,
						   struct drm_nova_device_info),
	DRM_IOCTL_NOVA_VM_INIT		= DRM_IOW(DRM_COMMAND_BASE + DRM_NOVA_VM_INIT,
						  struct drm_nova_vm_init),
	DRM_IOCTL_NOVA_VM_BIND		= DRM_IOWR(DRM_COMMAND_BASE + DRM_NOVA_VM_BIND,
						   struct drm_nova_vm_bind),
};

#if defined(__cplusplus)
}
#endif

#endif /* __NOVA_DRM_H__ */
