// SPDX-License-Identifier: MIT
/*
 * gem_rate: how fast nova hands out mapped system-memory objects, for
 * `make bench` (P2), against vgem (the kernel's virtual GEM driver, shmem
 * objects of the DRM core's helpers) measured in the same run by the same
 * process, so that the ratio says what nova's path costs whatever the
 * machine's speed:
 *
 *   P2  cycles per second of one 64 KiB object in system memory each:
 *       create it, get its mmap offset, mmap(2) it read-write and shared
 *       on the same file, write one byte in each 4 KiB page (a page fault
 *       each), munmap(2) it, GEM_CLOSE. nova: its render node,
 *       GEM_CREATE with flags 0 (system memory) and GEM_MMAP_OFFSET. vgem
 *       has no create ioctl of its own: its primary node (render nodes
 *       refuse dumb buffers), MODE_CREATE_DUMB of 1024x16 pixels at 32 bpp
 *       (64 KiB) and MODE_MAP_DUMB.
 *
 * Each figure is timed over about 1 s: an untimed calibration of each
 * driver runs 16 cycles, doubling until they take 50 ms, and the timed
 * cycles are scaled from its rate (CYCLES, when given, is the count of
 * both instead, after an untimed tenth of it). The calibration also pays
 * the first faults.
 *
 * Usage: gem_rate [ROUNDS [CYCLES]]; prints once per round "p2-vgem RATE"
 * and "p2-nova RATE" (cycles per second). Once a round, a byte written in
 * each page of an object of each driver through one mapping must read
 * back through another. Exits non-zero if a call fails or a byte does
 * not read back.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <drm.h>

#include "nova_drm.h"

#define BENCH_NAME	"gem_rate"
#include "bench.h"

#define OBJ_SIZE	(64u << 10)
#define SZ_4K		(4u << 10)
#define CAL_START	16
#define CAL_MIN_TIME	0.05
#define SECONDS		1.0

/* One driver's file and its ways to create and to map an object. */
struct drv {
	const char *name;
	int fd;
	uint32_t (*create)(int fd);
	uint64_t (*offset)(int fd, uint32_t handle);
	const char *close_what;
	long cycles;
};

static void check_size(const char *name, uint64_t size)
{
	if (size != OBJ_SIZE) {
		fprintf(stderr, "gem_rate: %s made an object of %llu bytes, "
			"not %u\n", name, (unsigned long long)size, OBJ_SIZE);
		exit(1);
	}
}

static uint32_t nova_create(int fd)
{
	struct drm_nova_gem_create c = { .size = OBJ_SIZE, .flags = 0 };

	xioctl(fd, DRM_IOCTL_NOVA_GEM_CREATE, &c, "nova GEM_CREATE");
	check_size("nova", c.size);
	return c.handle;
}

static uint64_t nova_offset(int fd, uint32_t handle)
{
	struct drm_nova_gem_mmap_offset mo = { .handle = handle };

	xioctl(fd, DRM_IOCTL_NOVA_GEM_MMAP_OFFSET, &mo,
	       "nova GEM_MMAP_OFFSET");
	return mo.offset;
}

static uint32_t vgem_create(int fd)
{
	struct drm_mode_create_dumb c = {
		.width = 1024, .height = 16, .bpp = 32,
	};

	xioctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &c, "vgem MODE_CREATE_DUMB");
	check_size("vgem", c.size);
	return c.handle;
}

static uint64_t vgem_offset(int fd, uint32_t handle)
{
	struct drm_mode_map_dumb m = { .handle = handle };

	xioctl(fd, DRM_IOCTL_MODE_MAP_DUMB, &m, "vgem MODE_MAP_DUMB");
	return m.offset;
}

/* Object @handle of @d mapped read-write, shared, on @d's file. */
static void *map(const struct drv *d, uint32_t handle)
{
	void *p = mmap(NULL, OBJ_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		       d->fd, d->offset(d->fd, handle));

	if (p == MAP_FAILED) {
		fprintf(stderr, "gem_rate: %s mmap: %s\n", d->name,
			strerror(errno));
		exit(1);
	}
	return p;
}

static void unmap(const struct drv *d, void *p)
{
	if (munmap(p, OBJ_SIZE)) {
		fprintf(stderr, "gem_rate: %s munmap: %s\n", d->name,
			strerror(errno));
		exit(1);
	}
}

static void gem_close(const struct drv *d, uint32_t handle)
{
	struct drm_gem_close c = { .handle = handle };

	xioctl(d->fd, DRM_IOCTL_GEM_CLOSE, &c, d->close_what);
}

/* @cycles create+mmap+touch+close cycles of @d; returns cycles per second. */
static double rate(const struct drv *d, long cycles)
{
	double t0 = now();

	for (long i = 0; i < cycles; i++) {
		uint32_t handle = d->create(d->fd);
		void *m = map(d, handle);
		volatile uint8_t *p = m;

		for (uint32_t off = 0; off < OBJ_SIZE; off += SZ_4K)
			p[off] = (uint8_t)i;
		unmap(d, m);
		gem_close(d, handle);
	}
	return cycles / (now() - t0);
}

/* How many cycles of @d take about SECONDS. */
static long calibrate(const struct drv *d)
{
	for (long cycles = CAL_START; ; cycles *= 2) {
		double t0 = now(), t;

		rate(d, cycles);
		t = now() - t0;
		if (t >= CAL_MIN_TIME || cycles >= (1l << 30)) {
			long want = (long)(cycles / t * SECONDS);

			return want > 0 ? want : 1;
		}
	}
}

/* Never zero, so that a page nobody wrote does not pass. */
static uint8_t pattern(int round, uint32_t off)
{
	return 0x80 | ((round + off / SZ_4K) & 0x7f);
}

/*
 * A byte written in each page of a new object of @d through one mapping
 * must read back through a second one.
 */
static void check(const struct drv *d, int round)
{
	uint32_t handle = d->create(d->fd);
	void *m = map(d, handle);
	volatile uint8_t *p = m;

	for (uint32_t off = 0; off < OBJ_SIZE; off += SZ_4K)
		p[off] = pattern(round, off);
	unmap(d, m);
	m = map(d, handle);
	p = m;
	for (uint32_t off = 0; off < OBJ_SIZE; off += SZ_4K) {
		if (p[off] != pattern(round, off)) {
			fprintf(stderr, "gem_rate: %s: the byte written at "
				"offset %u reads back as 0x%02x, not 0x%02x\n",
				d->name, off, p[off], pattern(round, off));
			exit(1);
		}
	}
	unmap(d, m);
	gem_close(d, handle);
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 5;
	long cycles = argc > 2 ? atol(argv[2]) : 0;
	struct drv vgem = {
		.name = "vgem", .fd = open_drm_node("vgem", false),
		.create = vgem_create, .offset = vgem_offset,
		.close_what = "vgem GEM_CLOSE",
	};
	struct drv nova = {
		.name = "nova", .fd = open_drm_node("nova", true),
		.create = nova_create, .offset = nova_offset,
		.close_what = "nova GEM_CLOSE",
	};
	struct drv *drvs[] = { &vgem, &nova };

	/* Untimed: counts for about SECONDS each, first faults paid. */
	for (int i = 0; i < 2; i++) {
		struct drv *d = drvs[i];

		if (cycles > 0) {
			rate(d, cycles / 10 + 1);
			d->cycles = cycles;
		} else {
			d->cycles = calibrate(d);
		}
	}

	for (int r = 0; r < rounds; r++) {
		for (int i = 0; i < 2; i++) {
			struct drv *d = drvs[i];

			printf("p2-%s %.0f\n", d->name, rate(d, d->cycles));
		}
		for (int i = 0; i < 2; i++)
			check(drvs[i], r);
		fflush(stdout);
	}
	close(nova.fd);
	close(vgem.fd);
	return 0;
}
