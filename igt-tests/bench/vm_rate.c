// SPDX-License-Identifier: MIT
/*
 * vm_rate: how fast nova changes a GPU VA space and allocates VRAM, for
 * `make bench` (P4, P5), each against a null ioctl measured in the same
 * run on the same file (DRM_IOCTL_VERSION, a DRM core ioctl that does no
 * driver work beyond copying three empty strings), so that the ratios say
 * what nova's own path costs whatever the machine's speed:
 *
 *   P4  VM_BIND MAP+UNMAP pairs per second, one call each, of one 4 KiB
 *       page (a 4 KiB VRAM object) and of one 2 MiB page (a 2 MiB VRAM
 *       object at a 2 MiB-aligned VA, which nova maps with a large page),
 *       always at the same VA: the page tables exist after the first pair,
 *       so this is the steady state of a bind (entries written, TLB
 *       invalidated);
 *   P5  GEM_CREATE+GEM_CLOSE pairs per second of a 64 KiB VRAM object.
 *
 * Usage: vm_rate [ROUNDS [PAIRS]]; prints once per round "p4-null RATE"
 * (VERSION calls per second), "p4-bind-4k RATE", "p4-bind-2m RATE" and
 * "p5-vram-create RATE" (pairs per second). Exits non-zero if a call
 * fails.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <drm.h>

#include "nova_drm.h"

#define BENCH_NAME	"vm_rate"
#include "bench.h"

#define VA		(1ull << 33)
#define SZ_4K		(4ull << 10)
#define SZ_64K		(64ull << 10)
#define SZ_2M		(2ull << 20)

static uint32_t vram_object(int fd, uint64_t size)
{
	struct drm_nova_gem_create c = {
		.size = size, .flags = NOVA_GEM_DOMAIN_VRAM,
	};

	xioctl(fd, DRM_IOCTL_NOVA_GEM_CREATE, &c, "GEM_CREATE (VRAM)");
	return c.handle;
}

static double null_rate(int fd, long calls)
{
	double t0 = now();

	for (long i = 0; i < calls; i++) {
		struct drm_version v;

		memset(&v, 0, sizeof(v));
		xioctl(fd, DRM_IOCTL_VERSION, &v, "VERSION");
	}
	return calls / (now() - t0);
}

/* MAP+UNMAP pairs per second of @size bytes of @handle at VA. */
static double bind_rate(int fd, uint32_t handle, uint64_t size, long pairs)
{
	struct drm_nova_vm_bind_op map = {
		.op = NOVA_VM_BIND_OP_MAP, .handle = handle, .addr = VA,
		.range = size,
	};
	struct drm_nova_vm_bind_op unmap = {
		.op = NOVA_VM_BIND_OP_UNMAP, .addr = VA, .range = size,
	};
	struct drm_nova_vm_bind a = { .op_count = 1 };
	double t0 = now();

	for (long i = 0; i < pairs; i++) {
		a.op_count = 1;
		a.op_ptr = (uintptr_t)&map;
		xioctl(fd, DRM_IOCTL_NOVA_VM_BIND, &a, "VM_BIND MAP");
		a.op_count = 1;
		a.op_ptr = (uintptr_t)&unmap;
		xioctl(fd, DRM_IOCTL_NOVA_VM_BIND, &a, "VM_BIND UNMAP");
	}
	return pairs / (now() - t0);
}

/* GEM_CREATE+GEM_CLOSE pairs per second of a 64 KiB VRAM object. */
static double create_rate(int fd, long pairs)
{
	double t0 = now();

	for (long i = 0; i < pairs; i++) {
		struct drm_gem_close c = { .handle = vram_object(fd, SZ_64K) };

		xioctl(fd, DRM_IOCTL_GEM_CLOSE, &c, "GEM_CLOSE");
	}
	return pairs / (now() - t0);
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 5;
	long pairs = argc > 2 ? atol(argv[2]) : 2000;
	struct drm_nova_vm_init init = {
		.kernel_managed_addr = 1ull << 40,
		.kernel_managed_size = 1ull << 32,
	};
	int fd = open_drm_node("nova", true);
	uint32_t small, large;

	xioctl(fd, DRM_IOCTL_NOVA_VM_INIT, &init, "VM_INIT");
	small = vram_object(fd, SZ_4K);
	large = vram_object(fd, SZ_2M);

	/* One untimed pass of each: page tables made, first faults paid. */
	null_rate(fd, pairs + 1);
	bind_rate(fd, small, SZ_4K, pairs / 10 + 1);
	bind_rate(fd, large, SZ_2M, pairs / 10 + 1);
	create_rate(fd, pairs / 10 + 1);
	for (int r = 0; r < rounds; r++) {
		printf("p4-null %.0f\n", null_rate(fd, 10 * pairs));
		printf("p4-bind-4k %.0f\n", bind_rate(fd, small, SZ_4K, pairs));
		printf("p4-bind-2m %.0f\n", bind_rate(fd, large, SZ_2M, pairs));
		printf("p5-vram-create %.0f\n", create_rate(fd, pairs));
		fflush(stdout);
	}
	close(fd);
	return 0;
}
