// SPDX-License-Identifier: MIT
/*
 * nova_fdinfo - the DRM client statistics in /proc/<pid>/fdinfo/<fd> of
 * nova's render node (Documentation/gpu/drm-usage-stats.rst): identity keys
 * and the memory keys of the "memory" region, read both directly and
 * through IGT's parser.
 *
 * The DRM core prints drm-driver, drm-client-id and drm-pdev
 * (drivers/gpu/drm/drm_file.c, drm_show_fdinfo()); the memory keys come
 * from drm_show_memory_stats(), which the driver calls from its
 * show_fdinfo callback: drm-total-memory and drm-shared-memory always,
 * drm-resident-memory only if the objects report their residency.
 */

#include <errno.h>
#include <stdio.h>
#include <inttypes.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "igt.h"
#include "nova_igt.h"

IGT_TEST_DESCRIPTION("DRM client statistics in fdinfo of nova's render "
		     "node: driver, client id, PCI device and memory use.");

#define SZ_1M (1ull << 20)

static uint64_t page_size;

/* Reads fdinfo both ways and checks that the two agree. */
static void read_fdinfo(int fd, struct nova_fdinfo *raw)
{
	struct drm_client_fdinfo info;
	struct drm_client_meminfo mem;

	igt_assert_f(nova_fdinfo_read(fd, raw), "cannot read fdinfo of %d\n",
		     fd);
	igt_assert_f(raw->has_total, "no drm-total-memory in fdinfo\n");
	igt_assert_f(raw->has_shared, "no drm-shared-memory in fdinfo\n");

	igt_assert_f(nova_igt_fdinfo_memory(fd, &info, &mem),
		     "IGT's parser finds no \"memory\" region\n");
	igt_assert_eq_u64(mem.total, raw->total);
	igt_assert_eq_u64(mem.shared, raw->shared);
	igt_assert_eq_u64(mem.resident, raw->resident);

	if (raw->has_resident)
		igt_assert_lte_u64(raw->resident, raw->total);
	igt_assert_lte_u64(raw->shared, raw->total);
}

static void test_keys(void)
{
	struct drm_client_fdinfo info = {};
	struct nova_fdinfo raw;
	int fd = nova_open_render();
	char pci[64];

	igt_assert(nova_fdinfo_read(fd, &raw));
	igt_info("driver %s, client %" PRIu64 ", pdev %s\n", raw.driver,
		 raw.client_id, raw.pdev);

	igt_assert_f(raw.has_driver && !strcmp(raw.driver, NOVA_DRIVER_NAME),
		     "drm-driver is \"%s\"\n", raw.driver);
	igt_assert(raw.has_client_id);

	/* drm-pdev names the PCI function behind the node. */
	igt_assert(raw.has_pdev);
	igt_assert(nova_pci_address(fd, pci, sizeof(pci)));
	igt_assert_f(!strcmp(raw.pdev, pci), "drm-pdev %s, device %s\n",
		     raw.pdev, pci);

	/* IGT's parser reads the same. */
	igt_assert_lt(0, (int)igt_parse_drm_fdinfo(fd, &info, NULL, 0,
						   NULL, 0));
	igt_assert(!strcmp(info.driver, NOVA_DRIVER_NAME));
	igt_assert_eq_u64(info.id, raw.client_id);
	igt_assert(!strcmp(info.pdev, pci));

	igt_assert_eq(close(fd), 0);
}

static void test_client_id(void)
{
	struct nova_fdinfo a, b, c;
	int fd1 = nova_open_render();
	int fd2 = nova_open_render();
	int dup_fd = dup(fd1);

	igt_assert_fd(dup_fd);
	igt_assert(nova_fdinfo_read(fd1, &a) && a.has_client_id);
	igt_assert(nova_fdinfo_read(fd2, &b) && b.has_client_id);
	igt_assert(nova_fdinfo_read(dup_fd, &c) && c.has_client_id);

	/* One client per open file, shared by duplicated descriptors. */
	igt_assert_neq_u64(a.client_id, b.client_id);
	igt_assert_eq_u64(a.client_id, c.client_id);

	/* A forked child sees the same client through the inherited fd. */
	igt_fork(child, 1) {
		struct nova_fdinfo d;

		igt_assert(nova_fdinfo_read(fd1, &d) && d.has_client_id);
		igt_assert_eq_u64(d.client_id, a.client_id);
	}
	igt_waitchildren();

	close(dup_fd);
	close(fd2);
	close(fd1);
}

static void test_idle(void)
{
	struct nova_fdinfo raw;
	int fd = nova_open_render();

	read_fdinfo(fd, &raw);
	igt_assert_eq_u64(raw.total, 0);
	igt_assert_eq_u64(raw.shared, 0);
	igt_assert_eq_u64(raw.resident, 0);

	igt_assert_eq(close(fd), 0);
}

static void touch_all_pages(int fd, uint32_t handle, uint64_t size)
{
	uint8_t *ptr = nova_gem_mmap(fd, handle, size, PROT_READ | PROT_WRITE);

	for (uint64_t off = 0; off < size; off += page_size)
		ptr[off] = 1;
	igt_assert_eq(munmap(ptr, size), 0);
}

static void test_memory(void)
{
	const uint64_t sizes[] = { page_size, SZ_1M, 3 * SZ_1M + page_size };
	struct nova_fdinfo start, now, prev;
	uint32_t handles[ARRAY_SIZE(sizes)];
	int fd = nova_open_render();

	read_fdinfo(fd, &start);
	igt_info("start: total %" PRIu64 ", shared %" PRIu64 ", resident %"
		 PRIu64 " (%s)\n", start.total, start.shared, start.resident,
		 start.has_resident ? "reported" : "not reported");

	/* drm-total grows by the size of each new object. */
	prev = start;
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		handles[i] = nova_gem_create(fd, sizes[i], NULL);
		read_fdinfo(fd, &now);
		igt_assert_eq_u64(now.total, prev.total + sizes[i]);
		igt_assert_eq_u64(now.shared, start.shared);
		prev = now;
	}

	/* Pages that were written are resident, where that is reported. */
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++)
		touch_all_pages(fd, handles[i], sizes[i]);
	read_fdinfo(fd, &now);
	igt_assert_eq_u64(now.total, prev.total);
	if (now.has_resident) {
		uint64_t sum = 0;

		for (size_t i = 0; i < ARRAY_SIZE(sizes); i++)
			sum += sizes[i];
		igt_info("resident %" PRIu64 " after touching %" PRIu64 "\n",
			 now.resident, sum);
		igt_assert_lte_u64(start.resident + sum, now.resident);
	}

	/* drm-total shrinks by the size of each closed object. */
	prev = now;
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		gem_close(fd, handles[i]);
		read_fdinfo(fd, &now);
		igt_assert_eq_u64(now.total, prev.total - sizes[i]);
		if (now.has_resident)
			igt_assert_lte_u64(now.resident, prev.resident);
		prev = now;
	}

	igt_assert_eq_u64(now.total, start.total);
	igt_assert_eq_u64(now.resident, start.resident);
	igt_assert_eq(close(fd), 0);
}

static void test_per_file(void)
{
	struct nova_fdinfo a0, b0, a1, b1;
	int fd1 = nova_open_render();
	int fd2 = nova_open_render();
	uint32_t handle;

	read_fdinfo(fd1, &a0);
	read_fdinfo(fd2, &b0);

	/* An object counts only in the file that holds a handle to it. */
	handle = nova_gem_create(fd1, SZ_1M, NULL);
	read_fdinfo(fd1, &a1);
	read_fdinfo(fd2, &b1);
	igt_assert_eq_u64(a1.total, a0.total + SZ_1M);
	igt_assert_eq_u64(b1.total, b0.total);

	gem_close(fd1, handle);
	close(fd2);
	close(fd1);
}

/*
 * Reads drm-<what>-vram from /proc/self/fdinfo/@fd in bytes; false if the
 * key is missing. Sizes are printed with a B, KiB, MiB or GiB unit.
 */
static bool fdinfo_vram(int fd, const char *what, uint64_t *bytes)
{
	char path[64], key[64], line[256];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	snprintf(key, sizeof(key), "drm-%s-vram:", what);
	f = fopen(path, "r");
	igt_assert_f(f, "cannot open %s\n", path);
	while (fgets(line, sizeof(line), f)) {
		unsigned long long v;
		char unit[8] = "";

		if (strncmp(line, key, strlen(key)))
			continue;
		igt_assert_f(sscanf(line + strlen(key), "%llu %7s", &v, unit) >= 1,
			     "cannot parse %s", line);
		if (!strcmp(unit, "KiB"))
			v <<= 10;
		else if (!strcmp(unit, "MiB"))
			v <<= 20;
		else if (!strcmp(unit, "GiB"))
			v <<= 30;
		*bytes = v;
		found = true;
	}
	fclose(f);
	return found;
}

static void test_vram(void)
{
	uint64_t total0, res0, total, res, other;
	struct drm_nova_gem_create c = {
		.size = 2ull << 20, .flags = NOVA_GEM_DOMAIN_VRAM,
	};
	int fd = nova_open_render(), fd2 = nova_open_render();

	igt_require_f(fdinfo_vram(fd, "total", &total0),
		      "no drm-total-vram (no GSP-RM on this GPU?)\n");
	igt_assert(fdinfo_vram(fd, "resident", &res0));
	igt_assert_eq_u64(total0, 0);
	igt_require(__nova_gem_create(fd, &c) == 0);

	/* VRAM is always resident, and counts in the file that holds it. */
	igt_assert(fdinfo_vram(fd, "total", &total));
	igt_assert(fdinfo_vram(fd, "resident", &res));
	igt_assert_eq_u64(total, c.size);
	igt_assert_eq_u64(res, c.size);
	igt_assert(fdinfo_vram(fd2, "total", &other));
	igt_assert_eq_u64(other, 0);

	gem_close(fd, c.handle);
	igt_assert(fdinfo_vram(fd, "total", &total));
	igt_assert_eq_u64(total, 0);
	close(fd2);
	close(fd);
}

igt_main
{
	igt_fixture {
		page_size = sysconf(_SC_PAGESIZE);
		/* Skip everything early if there is no device. */
		close(nova_open_render());
	}

	igt_describe("fdinfo of a render node file shows drm-driver nova, a "
		     "client id and the PCI device, as IGT's parser reads "
		     "them too.");
	igt_subtest("keys")
		test_keys();

	igt_describe("Every open file is its own client; duplicated and "
		     "inherited descriptors share it.");
	igt_subtest("client-id")
		test_client_id();

	igt_describe("A new file uses no memory.");
	igt_subtest("idle")
		test_idle();

	igt_describe("The memory keys grow with each new object, count "
		     "written pages as resident, and shrink back as objects "
		     "are closed.");
	igt_subtest("memory")
		test_memory();

	igt_describe("Objects count only in the file that holds them.");
	igt_subtest("per-file")
		test_per_file();

	igt_describe("drm-total-vram and drm-resident-vram count the VRAM "
		     "objects a file holds.");
	igt_subtest("vram")
		test_vram();
}
