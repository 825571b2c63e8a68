// SPDX-License-Identifier: MIT
/*
 * nova_copy_walkthrough - the sequence a userspace driver (an NVK backend
 * for nova, say) follows to get work done on the GPU through nova's uAPI,
 * in one small program that prints each step:
 *
 *   1. open the render node and check that its driver is nova;
 *   2. DEVICE_INFO: the chip, its memory, the classes to use (here the
 *      copy class), and two GETPARAMs of the submission path;
 *   3. VM_INIT: the file's GPU virtual address space, with a range that
 *      nova keeps for itself (the channels' rings live there);
 *   4. GEM_CREATE: a push buffer and a source in system memory, a
 *      destination in VRAM, a read-back buffer in system memory; mmap the
 *      system-memory ones;
 *   5. VM_BIND: map all four into the VA space, in one call;
 *   6. CHANNEL_CREATE: a copy-engine channel; nova returns the class of
 *      its engine object;
 *   7. build a push buffer: bind the copy class to a subchannel
 *      (SET_OBJECT), copy source -> VRAM, copy VRAM -> read-back;
 *   8. DRM_IOCTL_SYNCOBJ_CREATE, then EXEC with the syncobj to signal;
 *   9. DRM_IOCTL_SYNCOBJ_WAIT for the job's fence, and read the fence's
 *      status (an error there is how a lost channel shows);
 *  10. check the bytes; tear everything down.
 *
 * Plain ioctls on the uAPI headers (nova_drm.h, the kernel's drm.h): no
 * libdrm calls, no IGT. The method offsets and fields come from
 * lib/nova_push.h, which names the public NVIDIA class headers it took
 * them from; the words are written out here so that the encoding shows.
 *
 * Build: in igt-tests/ (`make igt`), as $OUT/examples/nova_copy_walkthrough.
 * Run in the VM: make vm CMD='modprobe nova && udevadm settle &&
 *                             /cache/igt/examples/nova_copy_walkthrough'
 * Usage: nova_copy_walkthrough [/dev/dri/renderDN]
 * Exit status 0 and a last line "nova_copy_walkthrough: OK" when the copy
 * came back intact.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/sync_file.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <drm.h>

#include "nova_drm.h"
#include "nova_push.h"

#define COPY_SIZE	(256u << 10)
#define PUSH_SIZE	(64u << 10)

/*
 * The VA layout this program chooses. nova keeps [KM_ADDR, KM_ADDR +
 * KM_SIZE) (NOVA_CHANNEL_KERNEL_VA per channel); everything else is ours.
 * The range and the push buffers stay below NOVA_EXEC_VA_LIMIT (1 TiB): a
 * GPFIFO entry carries 40 address bits.
 */
#define KM_ADDR		(1ull << 39)
#define KM_SIZE		(16ull << 20)
#define VA_PUSH		(1ull << 32)
#define VA_SRC		(VA_PUSH + (2ull << 20))
#define VA_VRAM		(VA_PUSH + (4ull << 20))
#define VA_BACK		(VA_PUSH + (6ull << 20))

static int step_no;

static void step(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void step(const char *fmt, ...)
{
	va_list ap;

	printf("[%2d] ", ++step_no);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static void fail(const char *what)
{
	fprintf(stderr, "nova_copy_walkthrough: %s failed: %s\n", what,
		strerror(errno));
	exit(1);
}

/* ioctl(2), restarted when a signal interrupts it (as drmIoctl() does). */
static int xioctl(int fd, unsigned long request, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, request, arg);
	} while (ret == -1 && (errno == EINTR || errno == EAGAIN));
	return ret;
}

static void must(int fd, unsigned long request, void *arg, const char *what)
{
	if (xioctl(fd, request, arg))
		fail(what);
}

/* 1. The first render node whose driver is nova (or the one given). */
static int open_nova(const char *path)
{
	char name[32], buf[64];

	for (int minor = 128; minor < 192; minor++) {
		struct drm_version v = { 0 };
		int fd;

		if (!path)
			snprintf(buf, sizeof(buf), "/dev/dri/renderD%d", minor);
		fd = open(path ? path : buf, O_RDWR | O_CLOEXEC);
		if (fd >= 0) {
			memset(name, 0, sizeof(name));
			v.name = name;
			v.name_len = sizeof(name) - 1;
			if (xioctl(fd, DRM_IOCTL_VERSION, &v) == 0 &&
			    strcmp(name, "nova") == 0) {
				step("opened %s: driver %s %d.%d.%d",
				     path ? path : buf, name, v.version_major,
				     v.version_minor, v.version_patchlevel);
				return fd;
			}
			close(fd);
		}
		if (path)
			break;
	}
	fprintf(stderr, "nova_copy_walkthrough: no nova render node\n");
	exit(1);
}

static uint64_t getparam(int fd, uint64_t param, const char *what)
{
	struct drm_nova_getparam gp = { .param = param };

	must(fd, DRM_IOCTL_NOVA_GETPARAM, &gp, what);
	return gp.value;
}

/* 4. An object of @size in @domain; its mapping if @map. */
static uint32_t gem_create(int fd, uint64_t size, uint32_t domain,
			   void **map, const char *what)
{
	struct drm_nova_gem_create create = { .size = size, .flags = domain };
	struct drm_nova_gem_mmap_offset mo = { 0 };
	void *ptr;

	must(fd, DRM_IOCTL_NOVA_GEM_CREATE, &create, what);
	if (!map) {
		step("GEM_CREATE %s: handle %u, %" PRIu64 " KiB in %s", what,
		     create.handle, (uint64_t)create.size >> 10,
		     domain == NOVA_GEM_DOMAIN_VRAM ? "VRAM" : "system memory");
		return create.handle;
	}
	/* The fake offset to mmap(2) the object through the DRM file. */
	mo.handle = create.handle;
	must(fd, DRM_IOCTL_NOVA_GEM_MMAP_OFFSET, &mo, "GEM_MMAP_OFFSET");
	ptr = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   mo.offset);
	if (ptr == MAP_FAILED)
		fail("mmap");
	*map = ptr;
	step("GEM_CREATE %s: handle %u, %" PRIu64 " KiB in %s, mmapped", what,
	     create.handle, (uint64_t)create.size >> 10,
	     domain == NOVA_GEM_DOMAIN_VRAM ? "VRAM" : "system memory");
	return create.handle;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/*
 * 7. The push buffer: 32-bit words, each method header followed by its
 * data. A header says how many data words follow, which subchannel they
 * go to and the first method (its byte offset / 4); the SEC_OP bits say
 * whether the method address increments per word (INC), stays (NON_INC),
 * increments once (ONE_INC), or whether the 13-bit data sits in the
 * header itself (IMMD). Methods below 0x100 are the host's; the others go
 * to the object bound to the subchannel.
 */
static uint32_t build_push(uint32_t *pb, uint32_t copy_class)
{
	const uint32_t subc = NV_PUSH_SUBC_COPY;
	uint32_t n = 0;

	/* SET_OBJECT (host method 0): subchannel 4 is the copy object. */
	pb[n++] = nv_push_hdr(NV_PUSH_SEC_OP_INC, subc, NV_HOST_SET_OBJECT, 1);
	pb[n++] = NV_HOST_SET_OBJECT_NVCLASS(copy_class);

	for (int pass = 0; pass < 2; pass++) {
		/* Pass 0: source -> VRAM; pass 1: VRAM -> read-back. */
		uint64_t src = pass ? VA_VRAM : VA_SRC;
		uint64_t dst = pass ? VA_BACK : VA_VRAM;

		/* OFFSET_IN_UPPER .. LINE_COUNT: eight methods in a row. */
		pb[n++] = nv_push_hdr(NV_PUSH_SEC_OP_INC, subc,
				      NV_CE_OFFSET_IN_UPPER, 8);
		pb[n++] = (uint32_t)(src >> 32);	/* OFFSET_IN_UPPER */
		pb[n++] = (uint32_t)src;		/* OFFSET_IN_LOWER */
		pb[n++] = (uint32_t)(dst >> 32);	/* OFFSET_OUT_UPPER */
		pb[n++] = (uint32_t)dst;		/* OFFSET_OUT_LOWER */
		pb[n++] = COPY_SIZE;			/* PITCH_IN */
		pb[n++] = COPY_SIZE;			/* PITCH_OUT */
		pb[n++] = COPY_SIZE;			/* LINE_LENGTH_IN */
		pb[n++] = 1;				/* LINE_COUNT */
		/*
		 * LAUNCH_DMA: a non-pipelined, flushed transfer between two
		 * pitch-layout virtual addresses; no semaphore, no
		 * interrupt: nova ends the job with its own semaphore
		 * release and interrupt and signals the fence from there.
		 * The value fits 13 bits: an immediate header.
		 */
		pb[n++] = nv_push_hdr(NV_PUSH_SEC_OP_IMMD, subc,
				      NV_CE_LAUNCH_DMA, NV_CE_LAUNCH_DMA_1D);
	}
	return n;
}

int main(int argc, char **argv)
{
	struct drm_nova_device_info info = { 0 };
	struct drm_nova_vm_init vm_init = {
		.kernel_managed_addr = KM_ADDR,
		.kernel_managed_size = KM_SIZE,
	};
	struct drm_nova_vm_bind_op ops[4];
	struct drm_nova_vm_bind bind = { 0 };
	struct drm_nova_channel_create cc = { .engine = NOVA_ENGINE_COPY };
	struct drm_nova_channel_destroy cd = { 0 };
	struct drm_syncobj_create sc = { 0 };
	struct drm_syncobj_wait sw = { 0 };
	struct drm_syncobj_handle sh = { 0 };
	struct drm_syncobj_destroy sd = { 0 };
	struct drm_nova_exec_push push = { 0 };
	struct drm_nova_sync sig = { 0 };
	struct drm_nova_exec exec = { 0 };
	struct sync_fence_info fi = { 0 };
	struct sync_file_info sfi = { 0 };
	uint32_t h_push, h_src, h_vram, h_back, words;
	uint32_t *pb, *src, *back;
	uint64_t push_max, timeout_ms, t0;
	int fd, status;

	fd = open_nova(argc > 1 ? argv[1] : NULL);

	/* 2. What the GPU is and which classes it runs. */
	must(fd, DRM_IOCTL_NOVA_DEVICE_INFO, &info, "DEVICE_INFO");
	step("DEVICE_INFO: chipset %#x, device %#06x, %" PRIu64 " MiB VRAM, "
	     "%u-bit VA, GPFIFO class %#06x, copy class %#06x",
	     info.chipset, info.device_id, (uint64_t)info.vram_size >> 20,
	     info.va_bits, info.class_gpfifo, info.class_copy);
	push_max = getparam(fd, NOVA_GETPARAM_EXEC_PUSH_MAX, "GETPARAM");
	timeout_ms = getparam(fd, NOVA_GETPARAM_EXEC_TIMEOUT_MS, "GETPARAM");
	step("GETPARAM: up to %" PRIu64 " push buffers a job, a job may run "
	     "%" PRIu64 " ms", push_max, timeout_ms);

	/* 3. The VA space. */
	must(fd, DRM_IOCTL_NOVA_VM_INIT, &vm_init, "VM_INIT");
	step("VM_INIT: kernel-managed range [%#llx, %#llx)",
	     (unsigned long long)KM_ADDR, (unsigned long long)(KM_ADDR + KM_SIZE));

	/* 4. Memory. */
	h_push = gem_create(fd, PUSH_SIZE, NOVA_GEM_DOMAIN_GART, (void **)&pb,
			    "push buffer");
	h_src = gem_create(fd, COPY_SIZE, NOVA_GEM_DOMAIN_GART, (void **)&src,
			   "source");
	h_vram = gem_create(fd, COPY_SIZE, NOVA_GEM_DOMAIN_VRAM, NULL,
			    "destination");
	h_back = gem_create(fd, COPY_SIZE, NOVA_GEM_DOMAIN_GART,
			    (void **)&back, "read-back");
	for (uint32_t i = 0; i < COPY_SIZE / 4; i++) {
		src[i] = i * 2654435761u;
		back[i] = 0;
	}

	/* 5. One VM_BIND call, four MAP operations. */
	ops[0] = (struct drm_nova_vm_bind_op){ .op = NOVA_VM_BIND_OP_MAP,
		.handle = h_push, .addr = VA_PUSH, .range = PUSH_SIZE };
	ops[1] = (struct drm_nova_vm_bind_op){ .op = NOVA_VM_BIND_OP_MAP,
		.handle = h_src, .addr = VA_SRC, .range = COPY_SIZE };
	ops[2] = (struct drm_nova_vm_bind_op){ .op = NOVA_VM_BIND_OP_MAP,
		.handle = h_vram, .addr = VA_VRAM, .range = COPY_SIZE };
	ops[3] = (struct drm_nova_vm_bind_op){ .op = NOVA_VM_BIND_OP_MAP,
		.handle = h_back, .addr = VA_BACK, .range = COPY_SIZE };
	bind.op_count = 4;
	bind.op_ptr = (uintptr_t)ops;
	must(fd, DRM_IOCTL_NOVA_VM_BIND, &bind, "VM_BIND");
	step("VM_BIND: push buffer at %#llx, source at %#llx, VRAM at %#llx, "
	     "read-back at %#llx", (unsigned long long)VA_PUSH,
	     (unsigned long long)VA_SRC, (unsigned long long)VA_VRAM,
	     (unsigned long long)VA_BACK);

	/* 6. A channel of the copy engine. */
	must(fd, DRM_IOCTL_NOVA_CHANNEL_CREATE, &cc, "CHANNEL_CREATE");
	step("CHANNEL_CREATE: channel %u, engine object of class %#06x",
	     cc.channel, cc.class_engine);

	/* 7. The push buffer. */
	words = build_push(pb, cc.class_engine);
	step("push buffer: %u words (SET_OBJECT, two copies)", words);
	for (uint32_t i = 0; i < words; i++)
		printf("       %3u: %08x\n", i, pb[i]);

	/* 8. A syncobj for the job's fence, and the job. */
	must(fd, DRM_IOCTL_SYNCOBJ_CREATE, &sc, "SYNCOBJ_CREATE");
	push.va = VA_PUSH;
	push.len = words * 4;
	sig.flags = NOVA_SYNC_SYNCOBJ;
	sig.handle = sc.handle;
	exec.channel = cc.channel;
	exec.push_count = 1;
	exec.push_ptr = (uintptr_t)&push;
	exec.sig_count = 1;
	exec.sig_ptr = (uintptr_t)&sig;
	t0 = now_ns();
	must(fd, DRM_IOCTL_NOVA_EXEC, &exec, "EXEC");
	step("EXEC: 1 push buffer of %u bytes, signals syncobj %u (returned "
	     "at once: EXEC never waits for the GPU)", push.len, sc.handle);

	/* 9. Wait for the fence (absolute CLOCK_MONOTONIC timeout). */
	sw.handles = (uintptr_t)&sc.handle;
	sw.count_handles = 1;
	sw.timeout_nsec = (int64_t)(now_ns() + 10ull * 1000000000ull +
				    timeout_ms * 1000000ull);
	must(fd, DRM_IOCTL_SYNCOBJ_WAIT, &sw, "SYNCOBJ_WAIT");
	step("SYNCOBJ_WAIT: the fence signalled after %.3f ms",
	     (now_ns() - t0) / 1e6);
	/*
	 * A fence that signalled with an error (-EIO: a fault, -ETIMEDOUT:
	 * a hang, -ECANCELED) means the channel is lost: later EXECs on it
	 * fail with ENODEV. Its status is read from a sync_file.
	 */
	sh.handle = sc.handle;
	sh.flags = DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE;
	must(fd, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &sh, "SYNCOBJ_HANDLE_TO_FD");
	sfi.num_fences = 1;
	sfi.sync_fence_info = (uintptr_t)&fi;
	must(sh.fd, SYNC_IOC_FILE_INFO, &sfi, "SYNC_IOC_FILE_INFO");
	close(sh.fd);
	status = fi.status;
	step("fence status %d (%s)", status,
	     status == 1 ? "signalled, no error" : strerror(-status));
	if (status != 1)
		return 1;

	/* 10. The bytes, then the teardown. */
	for (uint32_t i = 0; i < COPY_SIZE / 4; i++) {
		if (back[i] != src[i]) {
			fprintf(stderr, "nova_copy_walkthrough: word %u is "
				"%#x, expected %#x\n", i, back[i], src[i]);
			return 1;
		}
	}
	step("%u KiB went to VRAM and came back intact", COPY_SIZE >> 10);

	cd.channel = cc.channel;
	must(fd, DRM_IOCTL_NOVA_CHANNEL_DESTROY, &cd, "CHANNEL_DESTROY");
	sd.handle = sc.handle;
	must(fd, DRM_IOCTL_SYNCOBJ_DESTROY, &sd, "SYNCOBJ_DESTROY");
	munmap(pb, PUSH_SIZE);
	munmap(src, COPY_SIZE);
	munmap(back, COPY_SIZE);
	/* Closing the file frees the VA space, its mappings and objects. */
	close(fd);
	step("CHANNEL_DESTROY, SYNCOBJ_DESTROY, close");
	printf("nova_copy_walkthrough: OK\n");
	return 0;
}
