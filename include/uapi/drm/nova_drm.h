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
 * %NOVA_GETPARAM_GEM_SIZE_MAX: largest size a GEM object may have: the
 * larger of half the machine's RAM (the largest object in system memory)
 * and the usable video memory (%NOVA_GETPARAM_VRAM_SIZE).
 *
 * %NOVA_GETPARAM_VRAM_SIZE: usable video memory in bytes, as GSP-RM reports
 * it (the sum of the framebuffer regions it lets clients allocate from).
 * Fails with -ENODEV when nova has not booted GSP-RM on this GPU (today:
 * Hopper and Blackwell).
 *
 * %NOVA_GETPARAM_VRAM_USED: bytes of video memory allocated now, by every
 * client and by nova itself (page tables). Fails with -ENODEV as
 * %NOVA_GETPARAM_VRAM_SIZE does.
 *
 * %NOVA_GETPARAM_EXEC_PUSH_MAX: the most push buffers one
 * &DRM_IOCTL_NOVA_EXEC may name (&drm_nova_exec.push_count).
 *
 * %NOVA_GETPARAM_EXEC_TIMEOUT_MS: how long a job may run on the GPU before
 * nova declares its channel hung (see &DRM_IOCTL_NOVA_EXEC).
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
#define NOVA_GETPARAM_EXEC_PUSH_MAX	0xc
#define NOVA_GETPARAM_EXEC_TIMEOUT_MS	0xd

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
 * with -ENOMEM, and so does an object that would be in system memory and is
 * larger than half the machine's RAM. An undefined flag fails with -EINVAL.
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
 * With %NOVA_VM_BIND_RUN_ASYNC in @flags the call only checks the
 * operations and queues them: they are applied in order with the file's
 * other asynchronous binds once every fence of the @wait_count syncobjs
 * at @wait_ptr has signalled, and the @sig_count syncobjs at @sig_ptr get
 * a fence that signals when they are applied (with an error if applying
 * failed). Without it, @wait_count, @sig_count, @wait_ptr and @sig_ptr
 * must be zero and the call is synchronous. Fails with -ENOENT before VM_INIT or for an
 * unknown syncobj. At most 1024 operations per call (else -EINVAL).
 */
struct drm_nova_vm_bind {
	/** @op_count: in, number of operations; out, as described above. */
	__u32 op_count;
	/** @flags: in, zero or %NOVA_VM_BIND_RUN_ASYNC. */
	__u32 flags;
	/** @wait_count: in, number of &struct drm_nova_sync at @wait_ptr. */
	__u32 wait_count;
	/** @sig_count: in, number of &struct drm_nova_sync at @sig_ptr. */
	__u32 sig_count;
	/** @wait_ptr: in, user address of the syncobjs to wait for. */
	__u64 wait_ptr;
	/** @sig_ptr: in, user address of the syncobjs to signal. */
	__u64 sig_ptr;
	/** @op_ptr: in, user address of &struct drm_nova_vm_bind_op[@op_count]. */
	__u64 op_ptr;
};

#define NOVA_VM_BIND_RUN_ASYNC		(1 << 0)

/**
 * DOC: channels
 *
 * A channel is a GPU context of one engine that userspace submits work to
 * with &DRM_IOCTL_NOVA_EXEC. It runs in the file's VA space, so
 * &DRM_IOCTL_NOVA_VM_INIT must come first, with a kernel-managed range of
 * at least %NOVA_CHANNEL_KERNEL_VA bytes for each channel (its ring and
 * nova's own push buffers live there). The GPU's host fetches rings and
 * push buffers with 40-bit addresses: the channels' part of the
 * kernel-managed range, and every push buffer, must lie below 1 TiB
 * (%NOVA_EXEC_VA_LIMIT).
 *
 * %NOVA_ENGINE_COPY is the copy engine. Its object is created with the
 * channel; a push buffer binds it to a subchannel with the host's
 * SET_OBJECT method and the class @class_engine returns.
 */
#define NOVA_ENGINE_COPY		1

#define NOVA_CHANNEL_KERNEL_VA		(1ULL << 20)
#define NOVA_EXEC_VA_LIMIT		(1ULL << 40)

/**
 * struct drm_nova_channel_create - create a channel
 *
 * Fails with -EINVAL for an unknown @engine or nonzero @flags, -ENOENT
 * before VM_INIT, -ENOSPC when the kernel-managed range is full, -ENODEV
 * without GSP-RM. The channel lives until CHANNEL_DESTROY or until the
 * file is closed.
 */
struct drm_nova_channel_create {
	/** @engine: in, %NOVA_ENGINE_COPY. */
	__u32 engine;
	/** @flags: in, must be zero. */
	__u32 flags;
	/** @channel: out, the channel's handle (never zero). */
	__u32 channel;
	/** @class_engine: out, the class of the engine object, e.g. 0xc7b5. */
	__u32 class_engine;
};

/**
 * struct drm_nova_channel_destroy - destroy a channel
 *
 * Jobs still queued or running on it are cancelled: their fences signal
 * with -ECANCELED. Fails with -ENOENT for an unknown handle.
 */
struct drm_nova_channel_destroy {
	/** @channel: in, the handle CHANNEL_CREATE returned. */
	__u32 channel;
	/** @pad: must be zero. */
	__u32 pad;
};

#define NOVA_SYNC_SYNCOBJ		0
#define NOVA_SYNC_TIMELINE_SYNCOBJ	1

/**
 * struct drm_nova_sync - a syncobj to wait for or to signal
 */
struct drm_nova_sync {
	/** @flags: in, %NOVA_SYNC_SYNCOBJ or %NOVA_SYNC_TIMELINE_SYNCOBJ. */
	__u32 flags;
	/** @handle: in, the syncobj. */
	__u32 handle;
	/** @timeline_value: in, the point of a timeline syncobj; else zero. */
	__u64 timeline_value;
};

/**
 * struct drm_nova_exec_push - one push buffer of a job
 */
struct drm_nova_exec_push {
	/**
	 * @va: in, GPU virtual address of the methods, 4-byte aligned; the
	 * push buffer ends at or below %NOVA_EXEC_VA_LIMIT.
	 */
	__u64 va;
	/** @len: in, length in bytes: a nonzero multiple of 4, below 8 MiB. */
	__u32 len;
	/** @flags: in, must be zero. */
	__u32 flags;
};

/**
 * struct drm_nova_exec - submit a job to a channel
 *
 * The job runs the @push_count push buffers at @push_ptr, in order, once
 * every fence of the @wait_count syncobjs at @wait_ptr has signalled; the
 * call never waits for that. The @sig_count syncobjs at @sig_ptr get the
 * job's fence (binary syncobjs have theirs replaced; timeline syncobjs
 * get the point @timeline_value). Jobs of a channel run in the order they
 * were submitted.
 *
 * The fence signals when the GPU is done with the job. It signals with an
 * error when the job cannot finish: -ETIMEDOUT when it ran for longer than
 * %NOVA_GETPARAM_EXEC_TIMEOUT_MS, -EIO when the channel faulted (an MMU
 * fault, an invalid method), -ECANCELED when the channel was destroyed or
 * the device removed, -ENODEV when the channel was already dead. Either
 * way the channel is then dead and every later EXEC on it fails with
 * -ENODEV (the device-lost signal); the file's other channels go on.
 *
 * A binary syncobj is waited for with the fence it holds at the call (a
 * binary syncobj with no fence is -EINVAL); a timeline point is waited
 * for even when nothing has been submitted for it yet.
 *
 * Fails with -ENOENT for an unknown channel or syncobj, -EINVAL for a bad count,
 * flag or push buffer (at most %NOVA_GETPARAM_EXEC_PUSH_MAX), -EFAULT for
 * an unreadable array.
 */
struct drm_nova_exec {
	/** @channel: in, the channel. */
	__u32 channel;
	/** @push_count: in, number of &struct drm_nova_exec_push at @push_ptr. */
	__u32 push_count;
	/** @wait_count: in, number of &struct drm_nova_sync at @wait_ptr. */
	__u32 wait_count;
	/** @sig_count: in, number of &struct drm_nova_sync at @sig_ptr. */
	__u32 sig_count;
	/** @wait_ptr: in, user address of the syncobjs to wait for. */
	__u64 wait_ptr;
	/** @sig_ptr: in, user address of the syncobjs to signal. */
	__u64 sig_ptr;
	/** @push_ptr: in, user address of the push buffers. */
	__u64 push_ptr;
};

#define DRM_NOVA_GETPARAM		0x00
#define DRM_NOVA_GEM_CREATE		0x01
#define DRM_NOVA_GEM_INFO		0x02
#define DRM_NOVA_GEM_MMAP_OFFSET	0x03
#define DRM_NOVA_GETPARAM_STRING	0x04
#define DRM_NOVA_DEVICE_INFO		0x05
#define DRM_NOVA_VM_INIT		0x06
#define DRM_NOVA_VM_BIND		0x07
#define DRM_NOVA_CHANNEL_CREATE		0x08
#define DRM_NOVA_CHANNEL_DESTROY	0x09
#define DRM_NOVA_EXEC			0x0a

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
	DRM_IOCTL_NOVA_CHANNEL_CREATE	= DRM_IOWR(DRM_COMMAND_BASE + DRM_NOVA_CHANNEL_CREATE,
						   struct drm_nova_channel_create),
	DRM_IOCTL_NOVA_CHANNEL_DESTROY	= DRM_IOW(DRM_COMMAND_BASE + DRM_NOVA_CHANNEL_DESTROY,
						  struct drm_nova_channel_destroy),
	DRM_IOCTL_NOVA_EXEC		= DRM_IOW(DRM_COMMAND_BASE + DRM_NOVA_EXEC,
						  struct drm_nova_exec),
};

#if defined(__cplusplus)
}
#endif

#endif /* __NOVA_DRM_H__ */
