// SPDX-License-Identifier: MIT
/*
 * bar1_rate: how fast the CPU reaches VRAM through BAR1, for `make bench`
 * (P8), against a reference measured in the same run by the same process,
 * so that the ratios say what the path costs whatever the machine's speed:
 *
 *   P8  bytes per second of sequential 8-byte stores into a 16 MiB VRAM
 *       object mapped with GEM_MMAP_OFFSET (nova maps VRAM objects through
 *       BAR1, write-combined) and of sequential 8-byte loads out of it;
 *       against the CPU's memcpy() between two system-memory buffers of
 *       16 MiB.
 *
 * The BAR1 copies are loops of volatile 64-bit accesses, not memcpy():
 * which instructions memcpy() picks (rep movsb, vector moves) depends on
 * the CPU, and a device sees each as a different number of accesses (on
 * nvsim one vfio-user message each, of at most 8 bytes); the loops make
 * it one 8-byte access per 8 bytes on any CPU.
 *
 * Each figure is timed over about SECONDS: an untimed calibration copies
 * 64 KiB, doubling until a copy takes 50 ms, and the timed copies are
 * scaled from its rate (in passes over the 16 MiB buffers when that is
 * more). The calibration also pays the first faults of the mappings.
 *
 * Usage: bar1_rate [ROUNDS [SECONDS]] (5 and 1 by default); prints once
 * per round "p8-memcpy RATE", "p8-bar1-write RATE" and "p8-bar1-read
 * RATE" (bytes per second). Exits non-zero if a call fails or what was
 * written through BAR1 does not read back.
 *
 * bar1_rate --resource FILE [ROUNDS [SECONDS]] measures the same through
 * the first 16 MiB of a PCI resource file (/sys/bus/pci/devices/<pci>/
 * resource1: BAR1 as the device decodes it, without a driver; physical
 * from power-on until GSP-RM makes it virtual) and prints "p9-memcpy",
 * "p9-bar1-write" and "p9-bar1-read" (make bench P9: BAR1 with and without
 * nvsim's --bar1-mmap, which makes it an mmap of the VRAM file).
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <drm.h>

#include "nova_drm.h"

#define BENCH_NAME	"bar1_rate"
#include "bench.h"

#define OBJ_SIZE	(16ull << 20)
#define CAL_START	(64ull << 10)
#define CAL_MIN_TIME	0.05

enum kind { MEMCPY, BAR1_WRITE, BAR1_READ };

/* The BAR1 mapping, what is written to it, what is read from it. */
static volatile uint64_t *bar;
static uint64_t *src, *dst;
/* The memcpy() reference's buffers. */
static void *m1, *m2;

/* A VRAM object of OBJ_SIZE, mapped read-write (through BAR1). */
static volatile uint64_t *vram_map(int fd)
{
	struct drm_nova_gem_create c = {
		.size = OBJ_SIZE, .flags = NOVA_GEM_DOMAIN_VRAM,
	};
	struct drm_nova_gem_mmap_offset mo = { 0 };
	void *p;

	xioctl(fd, DRM_IOCTL_NOVA_GEM_CREATE, &c, "GEM_CREATE (VRAM)");
	mo.handle = c.handle;
	xioctl(fd, DRM_IOCTL_NOVA_GEM_MMAP_OFFSET, &mo, "GEM_MMAP_OFFSET");
	p = mmap(NULL, OBJ_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 mo.offset);
	if (p == MAP_FAILED) {
		perror("bar1_rate: mmap");
		exit(1);
	}
	return p;
}

/* The first OBJ_SIZE bytes of the PCI resource file @path, read-write. */
static volatile uint64_t *resource_map(const char *path)
{
	int fd = open(path, O_RDWR | O_SYNC | O_CLOEXEC);
	void *p;

	if (fd < 0) {
		perror("bar1_rate: open resource");
		exit(1);
	}
	p = mmap(NULL, OBJ_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		perror("bar1_rate: mmap resource");
		exit(1);
	}
	close(fd);
	return p;
}

/* One pass of @n bytes (a multiple of 8, at most OBJ_SIZE) from offset 0. */
static void pass(enum kind k, uint64_t n)
{
	switch (k) {
	case MEMCPY:
		memcpy(m2, m1, n);
		/* Keep the copies from being merged or dropped. */
		__asm__ volatile("" : : "r"(m2) : "memory");
		break;
	case BAR1_WRITE:
		for (uint64_t i = 0; i < n / 8; i++)
			bar[i] = src[i];
		break;
	case BAR1_READ:
		for (uint64_t i = 0; i < n / 8; i++)
			dst[i] = bar[i];
		__asm__ volatile("" : : "r"(dst) : "memory");
		break;
	}
}

/* Copies @bytes in passes of at most OBJ_SIZE; returns bytes per second. */
static double rate(enum kind k, uint64_t bytes)
{
	double t0 = now();

	for (uint64_t left = bytes; left; ) {
		uint64_t n = left < OBJ_SIZE ? left : OBJ_SIZE;

		pass(k, n);
		left -= n;
	}
	return bytes / (now() - t0);
}

/*
 * How many bytes of @k take about @seconds (a multiple of 4 KiB); the
 * bytes the last calibration copy covered go to @done.
 */
static uint64_t calibrate(enum kind k, double seconds, uint64_t *done)
{
	uint64_t bytes = CAL_START;

	for (;;) {
		double t0 = now(), t;

		rate(k, bytes);
		t = now() - t0;
		if (t >= CAL_MIN_TIME || bytes >= (1ull << 40)) {
			uint64_t want = (uint64_t)(bytes / t * seconds);

			*done = bytes;
			want = (want + 4095) & ~4095ull;
			return want ? want : 4096;
		}
		bytes *= 2;
	}
}

static uint64_t min(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* The first @n bytes read through BAR1 must be those written. */
static void check(uint64_t n)
{
	if (n > OBJ_SIZE)
		n = OBJ_SIZE;
	if (memcmp(dst, src, n)) {
		fprintf(stderr, "bar1_rate: what was written through BAR1 "
			"does not read back\n");
		exit(1);
	}
}

int main(int argc, char **argv)
{
	const char *resource = NULL, *tag = "p8";
	uint64_t n_memcpy, n_write, n_read, done, done_write, done_read;
	int rounds, fd = -1;
	double seconds;

	if (argc > 2 && !strcmp(argv[1], "--resource")) {
		resource = argv[2];
		tag = "p9";
		argc -= 2;
		argv += 2;
	}
	rounds = argc > 1 ? atoi(argv[1]) : 5;
	seconds = argc > 2 ? atof(argv[2]) : 1.0;
	if (resource) {
		bar = resource_map(resource);
	} else {
		fd = open_drm_node("nova", true);
		bar = vram_map(fd);
	}
	src = malloc(OBJ_SIZE);
	dst = malloc(OBJ_SIZE);
	m1 = malloc(OBJ_SIZE);
	m2 = malloc(OBJ_SIZE);
	if (!src || !dst || !m1 || !m2) {
		fprintf(stderr, "bar1_rate: out of memory\n");
		return 1;
	}
	for (uint64_t i = 0; i < OBJ_SIZE / 8; i++)
		src[i] = (i + 1) * 0x9e3779b97f4a7c15ull;
	memset(dst, 0, OBJ_SIZE);
	memset(m1, 0x5a, OBJ_SIZE);
	memset(m2, 0, OBJ_SIZE);

	/* Untimed: sizes for about @seconds each, mappings faulted in. */
	n_memcpy = calibrate(MEMCPY, seconds, &done);
	n_write = calibrate(BAR1_WRITE, seconds, &done_write);
	n_read = calibrate(BAR1_READ, seconds, &done_read);
	check(min(done_write, done_read));
	memset(dst, 0, OBJ_SIZE);

	for (int r = 0; r < rounds; r++) {
		printf("%s-memcpy %.0f\n", tag, rate(MEMCPY, n_memcpy));
		printf("%s-bar1-write %.0f\n", tag, rate(BAR1_WRITE, n_write));
		printf("%s-bar1-read %.0f\n", tag, rate(BAR1_READ, n_read));
		check(min(n_write, n_read));
		fflush(stdout);
	}
	free(src);
	free(dst);
	free(m1);
	free(m2);
	if (fd >= 0)
		close(fd);
	return 0;
}
