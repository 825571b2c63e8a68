// SPDX-License-Identifier: MIT
/*
 * exec_rate: how fast nova runs jobs, for `make bench` (P6, P7), each
 * against a reference measured in the same run by the same process, so
 * that the ratios say what nova's path costs whatever the machine's speed:
 *
 *   P6  EXEC round trips per second: an empty job (one host NOP method)
 *       that signals a binary syncobj, then DRM_IOCTL_SYNCOBJ_WAIT for it;
 *       against DRM syncobj round trips on the same file (SYNCOBJ_RESET,
 *       SYNCOBJ_SIGNAL, SYNCOBJ_WAIT of one syncobj: the DRM core's fence
 *       path without a GPU);
 *   P7  copy-engine throughput: bytes per second of 16 MiB copies through
 *       the copy engine (one job each, EXEC then the wait), VRAM to VRAM
 *       and system memory to system memory; against the CPU's memcpy() of
 *       16 MiB in the same process.
 *
 * Usage: exec_rate [ROUNDS [TRIPS [COPIES]]]; prints once per round
 * "p6-syncobj RATE", "p6-exec RATE" (round trips per second),
 * "p7-memcpy RATE", "p7-copy-vram RATE" and "p7-copy-sysmem RATE" (bytes
 * per second). Exits non-zero if a call fails or a fence signals with an
 * error.
 */
#include <linux/sync_file.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <drm.h>

#include "nova_drm.h"
#include "nova_push.h"

#define BENCH_NAME	"exec_rate"
#include "bench.h"

#define SZ_2M		(2ull << 20)
#define COPY_SIZE	(16ull << 20)
#define PB_SIZE		(64ull << 10)
#define KM_ADDR		(1ull << 39)
#define KM_SIZE		(16ull << 20)
#define VA_BASE		(1ull << 32)

static int64_t deadline_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec + 60) * 1000000000ll + ts.tv_nsec;
}

static uint64_t next_va = VA_BASE;

/* An object of @size in @domain, bound at the next VA; mapped if @map. */
static uint64_t bo_new(int fd, uint64_t size, uint32_t domain, void **map)
{
	struct drm_nova_gem_create c = { .size = size, .flags = domain };
	struct drm_nova_vm_bind_op op = { .op = NOVA_VM_BIND_OP_MAP };
	struct drm_nova_vm_bind b = { .op_count = 1, .op_ptr = (uintptr_t)&op };
	uint64_t va = next_va;

	xioctl_restart(fd, DRM_IOCTL_NOVA_GEM_CREATE, &c, "GEM_CREATE");
	op.handle = c.handle;
	op.addr = va;
	op.range = c.size;
	xioctl_restart(fd, DRM_IOCTL_NOVA_VM_BIND, &b, "VM_BIND");
	next_va += (c.size + SZ_2M - 1) & ~(SZ_2M - 1);
	if (map) {
		struct drm_nova_gem_mmap_offset mo = { .handle = c.handle };

		xioctl_restart(fd, DRM_IOCTL_NOVA_GEM_MMAP_OFFSET, &mo,
			       "GEM_MMAP_OFFSET");
		*map = mmap(NULL, c.size, PROT_READ | PROT_WRITE, MAP_SHARED,
			    fd, mo.offset);
		if (*map == MAP_FAILED) {
			perror("exec_rate: mmap");
			exit(1);
		}
	}
	return va;
}

static void syncobj_wait1(int fd, uint32_t handle)
{
	struct drm_syncobj_wait w = {
		.handles = (uintptr_t)&handle, .count_handles = 1,
		.timeout_nsec = deadline_ns(),
	};

	xioctl_restart(fd, DRM_IOCTL_SYNCOBJ_WAIT, &w, "SYNCOBJ_WAIT");
}

/* The fence of binary syncobj @handle must have signalled without error. */
static void check_fence(int fd, uint32_t handle, const char *what)
{
	struct drm_syncobj_handle h = {
		.handle = handle,
		.flags = DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE,
	};
	struct sync_file_info info = { .status = 0 };

	xioctl_restart(fd, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &h,
		       "SYNCOBJ_HANDLE_TO_FD");
	/* The sync_file's status: 1 signalled, a negative errno on error. */
	xioctl_restart(h.fd, SYNC_IOC_FILE_INFO, &info, "SYNC_IOC_FILE_INFO");
	close(h.fd);
	if (info.status != 1) {
		fprintf(stderr, "exec_rate: %s: fence status %d\n", what,
			info.status);
		exit(1);
	}
}

/* SYNCOBJ_RESET + SYNCOBJ_SIGNAL + SYNCOBJ_WAIT round trips per second. */
static double syncobj_rate(int fd, uint32_t handle, long trips)
{
	struct drm_syncobj_array a = {
		.handles = (uintptr_t)&handle, .count_handles = 1,
	};
	double t0 = now();

	for (long i = 0; i < trips; i++) {
		xioctl_restart(fd, DRM_IOCTL_SYNCOBJ_RESET, &a, "SYNCOBJ_RESET");
		xioctl_restart(fd, DRM_IOCTL_SYNCOBJ_SIGNAL, &a, "SYNCOBJ_SIGNAL");
		syncobj_wait1(fd, handle);
	}
	return trips / (now() - t0);
}

/* EXEC of @push signalling @handle, then the wait, @trips times. */
static double exec_rate(int fd, uint32_t channel,
			const struct drm_nova_exec_push *push, uint32_t handle,
			long trips)
{
	struct drm_nova_sync sig = {
		.flags = NOVA_SYNC_SYNCOBJ, .handle = handle,
	};
	struct drm_nova_exec e = {
		.channel = channel, .push_count = 1,
		.push_ptr = (uintptr_t)push, .sig_count = 1,
		.sig_ptr = (uintptr_t)&sig,
	};
	double t0 = now();

	for (long i = 0; i < trips; i++) {
		xioctl_restart(fd, DRM_IOCTL_NOVA_EXEC, &e, "EXEC");
		syncobj_wait1(fd, handle);
	}
	return trips / (now() - t0);
}

static double memcpy_rate(void *dst, const void *src, long copies)
{
	double t0 = now();

	for (long i = 0; i < copies; i++) {
		memcpy(dst, src, COPY_SIZE);
		/* Keep the copies from being merged or dropped. */
		__asm__ volatile("" : : "r"(dst) : "memory");
	}
	return copies * (double)COPY_SIZE / (now() - t0);
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 5;
	long trips = argc > 2 ? atol(argv[2]) : 2000;
	long copies = argc > 3 ? atol(argv[3]) : 8;
	struct drm_nova_vm_init init = {
		.kernel_managed_addr = KM_ADDR,
		.kernel_managed_size = KM_SIZE,
	};
	struct drm_nova_device_info info = { 0 };
	struct drm_nova_channel_create cc = { .engine = NOVA_ENGINE_COPY };
	struct drm_syncobj_create s1 = { 0 }, s2 = { 0 };
	struct drm_nova_exec_push nop, copy_vram, copy_sys;
	uint64_t pb_va, v1, v2, g1, g2;
	void *pb, *g1_map, *g2_map, *m1, *m2;
	struct nv_push p;
	int fd = open_drm_node("nova", true);

	xioctl_restart(fd, DRM_IOCTL_NOVA_DEVICE_INFO, &info, "DEVICE_INFO");
	xioctl_restart(fd, DRM_IOCTL_NOVA_VM_INIT, &init, "VM_INIT");
	xioctl_restart(fd, DRM_IOCTL_NOVA_CHANNEL_CREATE, &cc, "CHANNEL_CREATE");
	xioctl_restart(fd, DRM_IOCTL_SYNCOBJ_CREATE, &s1, "SYNCOBJ_CREATE");
	xioctl_restart(fd, DRM_IOCTL_SYNCOBJ_CREATE, &s2, "SYNCOBJ_CREATE");

	pb_va = bo_new(fd, PB_SIZE, NOVA_GEM_DOMAIN_GART, &pb);
	v1 = bo_new(fd, COPY_SIZE, NOVA_GEM_DOMAIN_VRAM, NULL);
	v2 = bo_new(fd, COPY_SIZE, NOVA_GEM_DOMAIN_VRAM, NULL);
	g1 = bo_new(fd, COPY_SIZE, NOVA_GEM_DOMAIN_GART, &g1_map);
	g2 = bo_new(fd, COPY_SIZE, NOVA_GEM_DOMAIN_GART, &g2_map);
	memset(g1_map, 0x5a, COPY_SIZE);
	memset(g2_map, 0, COPY_SIZE);
	m1 = malloc(COPY_SIZE);
	m2 = malloc(COPY_SIZE);
	if (!m1 || !m2) {
		fprintf(stderr, "exec_rate: out of memory\n");
		return 1;
	}
	memset(m1, 0x5a, COPY_SIZE);
	memset(m2, 0, COPY_SIZE);

	/* The three push buffers, built once and submitted again and again. */
	nv_push_init(&p, pb, pb_va, PB_SIZE);
	nv_push_begin(&p);
	nv_push_host_nops(&p, 1);
	if (!nv_push_end(&p, &nop))
		return 1;
	nv_push_begin(&p);
	nv_push_set_object(&p, NV_PUSH_SUBC_COPY, cc.class_engine);
	nv_push_copy(&p, NV_PUSH_SUBC_COPY, v1, v2, COPY_SIZE);
	if (!nv_push_end(&p, &copy_vram))
		return 1;
	nv_push_begin(&p);
	nv_push_set_object(&p, NV_PUSH_SUBC_COPY, cc.class_engine);
	nv_push_copy(&p, NV_PUSH_SUBC_COPY, g1, g2, COPY_SIZE);
	if (!nv_push_end(&p, &copy_sys))
		return 1;

	/* One untimed pass of each: VRAM touched, first faults paid. */
	syncobj_rate(fd, s2.handle, trips / 10 + 1);
	exec_rate(fd, cc.channel, &nop, s1.handle, trips / 10 + 1);
	check_fence(fd, s1.handle, "empty job");
	exec_rate(fd, cc.channel, &copy_vram, s1.handle, 1);
	check_fence(fd, s1.handle, "VRAM copy");
	exec_rate(fd, cc.channel, &copy_sys, s1.handle, 1);
	check_fence(fd, s1.handle, "system memory copy");
	if (memcmp(g1_map, g2_map, COPY_SIZE)) {
		fprintf(stderr, "exec_rate: the copy is wrong\n");
		return 1;
	}
	memcpy_rate(m2, m1, 1);

	for (int r = 0; r < rounds; r++) {
		printf("p6-syncobj %.0f\n", syncobj_rate(fd, s2.handle, trips));
		printf("p6-exec %.0f\n",
		       exec_rate(fd, cc.channel, &nop, s1.handle, trips));
		check_fence(fd, s1.handle, "empty job");
		printf("p7-memcpy %.0f\n", memcpy_rate(m2, m1, copies));
		printf("p7-copy-vram %.0f\n",
		       exec_rate(fd, cc.channel, &copy_vram, s1.handle, copies) *
		       COPY_SIZE);
		check_fence(fd, s1.handle, "VRAM copy");
		printf("p7-copy-sysmem %.0f\n",
		       exec_rate(fd, cc.channel, &copy_sys, s1.handle, copies) *
		       COPY_SIZE);
		check_fence(fd, s1.handle, "system memory copy");
		fflush(stdout);
	}
	free(m1);
	free(m2);
	close(fd);
	return 0;
}
