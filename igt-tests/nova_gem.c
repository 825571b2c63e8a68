// SPDX-License-Identifier: MIT
/*
 * nova_gem - GEM objects on nova's render node: creation and its size
 * rules, GEM_INFO, mmap through GEM_MMAP_OFFSET, GEM_CLOSE, per-file handle
 * namespaces, leaks over many create/close cycles and use across fork().
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "igt.h"
#include "nova_igt.h"

IGT_TEST_DESCRIPTION("GEM objects on nova's render node: create, info, "
		     "mmap, close, handle namespaces, leaks and fork.");

#define SZ_1M (1ull << 20)

static uint64_t page_size;
static uint64_t size_max;
static int drm_fd = -1;

static uint64_t round_up_page(uint64_t size)
{
	return (size + page_size - 1) & ~(page_size - 1);
}

/* Creates an object of @size and checks the rounded size in both places. */
static uint32_t create_checked(int fd, uint64_t size)
{
	uint64_t got;
	uint32_t handle;

	handle = nova_gem_create(fd, size, &got);
	igt_debug("size %" PRIu64 " -> handle %u, size %" PRIu64 "\n",
		  size, handle, got);
	igt_assert_eq_u64(got, round_up_page(size));
	igt_assert_eq_u64(nova_gem_size(fd, handle), got);
	return handle;
}

static void test_create_size(int fd, uint64_t size)
{
	gem_close(fd, create_checked(fd, size));
}

static void test_create_unaligned(int fd)
{
	const uint64_t sizes[] = {
		page_size + 1, 3 * page_size - 1, 12345, 65535, SZ_1M + 17,
	};

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++)
		test_create_size(fd, sizes[i]);
}

static void fill(uint32_t *ptr, uint64_t size, uint32_t seed)
{
	for (uint64_t i = 0; i < size / sizeof(*ptr); i++)
		ptr[i] = seed ^ (uint32_t)(i * 2654435761u);
}

static void check(const uint32_t *ptr, uint64_t size, uint32_t seed)
{
	for (uint64_t i = 0; i < size / sizeof(*ptr); i++) {
		uint32_t want = seed ^ (uint32_t)(i * 2654435761u);

		igt_assert_f(ptr[i] == want,
			     "dword %" PRIu64 ": %#x, expected %#x\n",
			     i, ptr[i], want);
	}
}

static void test_create_large(int fd)
{
	const uint64_t size = 64 * SZ_1M;
	uint32_t handle, *ptr;

	igt_require_f(size <= size_max, "GEM_SIZE_MAX is %" PRIu64 "\n",
		      size_max);

	handle = create_checked(fd, size);
	ptr = nova_gem_mmap(fd, handle, size, PROT_READ | PROT_WRITE);

	/* Touch the first and the last page; the rest stays unpopulated. */
	fill(ptr, page_size, 0x1234);
	fill(ptr + (size - page_size) / 4, page_size, 0x5678);
	check(ptr, page_size, 0x1234);
	check(ptr + (size - page_size) / 4, page_size, 0x5678);

	igt_assert_eq(munmap(ptr, size), 0);
	gem_close(fd, handle);
}

static void expect_create_error(int fd, uint64_t size, int err)
{
	struct drm_nova_gem_create create = { .size = size };

	igt_debug("size %#" PRIx64 ", expecting %d\n", size, err);
	igt_assert_eq(__nova_gem_create(fd, &create), err);
}

static void test_create_too_large(int fd)
{
	/*
	 * Above NOVA_GETPARAM_GEM_SIZE_MAX: -ENOMEM (nova_drm.h, struct
	 * drm_nova_gem_create).
	 */
	igt_require_f(size_max < ~0ull - 2 * page_size,
		      "GEM_SIZE_MAX %#" PRIx64 " leaves no larger size\n",
		      size_max);

	expect_create_error(fd, size_max + 1, -ENOMEM);
	expect_create_error(fd, round_up_page(size_max) + page_size, -ENOMEM);
}

/* Half the machine's RAM in whole pages: the largest system-memory object. */
static uint64_t sysmem_limit(void)
{
	uint64_t pages = sysconf(_SC_PHYS_PAGES);

	return pages / 2 * page_size;
}

static void test_sysmem_size_limit(int fd)
{
	const uint64_t half = sysmem_limit();
	uint64_t vram = 0, want;
	struct drm_nova_gem_create create = {
		.size = half,
		.flags = NOVA_GEM_DOMAIN_GART,
	};

	/*
	 * GEM_SIZE_MAX: the larger of half the RAM and the usable VRAM
	 * (nova_drm.h); _SC_PHYS_PAGES is the kernel's totalram_pages().
	 */
	if (__nova_getparam(fd, NOVA_GETPARAM_VRAM_SIZE, &vram))
		vram = 0;
	want = half > vram ? half : vram;
	igt_info("RAM %" PRIu64 " MiB, VRAM %" PRIu64 " MiB, GEM_SIZE_MAX %"
		 PRIu64 " MiB\n", 2 * half >> 20, vram >> 20, size_max >> 20);
	igt_assert_eq_u64(size_max, want);

	/* Half the RAM is accepted: creating allocates no page yet. */
	igt_assert_eq(__nova_gem_create(fd, &create), 0);
	igt_assert_eq_u64(create.size, half);
	gem_close(fd, create.handle);

	/* One page more in system memory is ENOMEM, whatever VRAM has. */
	memset(&create, 0, sizeof(create));
	create.size = half + page_size;
	create.flags = NOVA_GEM_DOMAIN_GART;
	igt_assert_eq(__nova_gem_create(fd, &create), -ENOMEM);
	memset(&create, 0, sizeof(create));
	create.size = half + page_size;
	igt_assert_eq(__nova_gem_create(fd, &create), -ENOMEM);
}

/* The "KEY: N kB" line of a /proc file, in bytes. */
static uint64_t proc_kib(const char *path, const char *key)
{
	char line[128];
	uint64_t kib = 0;
	size_t len = strlen(key);
	FILE *f = fopen(path, "r");

	igt_assert(f);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, len) && line[len] == ':' &&
		    sscanf(line + len + 1, "%" SCNu64, &kib) == 1)
			break;
	fclose(f);
	return kib << 10;
}

/* Shmem of /proc/meminfo: every shmem page of the machine. */
static uint64_t meminfo_shmem(void)
{
	return proc_kib("/proc/meminfo", "Shmem");
}

/* RssShmem of /proc/self/status: this process's mapped shmem. */
static uint64_t rss_shmem(void)
{
	return proc_kib("/proc/self/status", "RssShmem");
}

static void test_mmap_pages_on_demand(int fd)
{
	const uint64_t touched = 64 * SZ_1M, slack = 8 * SZ_1M;
	uint64_t size = 512 * SZ_1M, shmem0, rss0, shmem1, rss1, shmem2, rss2;
	uint32_t handle;
	uint8_t *ptr;

	/* A quarter of the RAM at most, so that the test fits any guest. */
	if (size > sysmem_limit() / 2)
		size = sysmem_limit() / 2 / SZ_1M * SZ_1M;
	igt_require(size > touched + slack);

	shmem0 = meminfo_shmem();
	rss0 = rss_shmem();
	handle = create_checked(fd, size);
	ptr = nova_gem_mmap(fd, handle, size, PROT_READ | PROT_WRITE);

	/* Mapping allocates nothing; one page touched is one page. */
	ptr[size / 2] = 0x5a;
	shmem1 = meminfo_shmem();
	rss1 = rss_shmem();
	igt_info("%" PRIu64 " MiB object, one page touched: Shmem +%" PRId64
		 " KiB, RssShmem +%" PRId64 " KiB\n", size >> 20,
		 (int64_t)(shmem1 - shmem0) >> 10, (int64_t)(rss1 - rss0) >> 10);
	igt_assert_lte_u64(shmem1, shmem0 + slack);
	igt_assert_lte_u64(rss0 + page_size, rss1);
	igt_assert_lte_u64(rss1, rss0 + slack);

	/* What the process touches is its own RSS: the OOM killer sees it. */
	for (uint64_t off = 0; off < touched; off += page_size)
		ptr[off] = 1;
	shmem2 = meminfo_shmem();
	rss2 = rss_shmem();
	igt_info("%" PRIu64 " MiB touched: Shmem +%" PRId64 " MiB, RssShmem +%"
		 PRId64 " MiB\n", touched >> 20,
		 (int64_t)(shmem2 - shmem0) >> 20, (int64_t)(rss2 - rss0) >> 20);
	igt_assert_lte_u64(rss0 + touched, rss2);
	igt_assert_lte_u64(shmem0 + touched - slack, shmem2);
	igt_assert_lte_u64(shmem2, shmem0 + touched + slack);
	igt_assert_eq(ptr[size / 2], 0x5a);

	igt_assert_eq(munmap(ptr, size), 0);
	gem_close(fd, handle);
	igt_assert_lte_u64(meminfo_shmem(), shmem0 + slack);
}

static void test_close_returns_pages(void)
{
	const uint64_t size = 64 * SZ_1M, slack = 8 * SZ_1M;
	uint64_t before, touched, after;
	uint32_t handle, *ptr;
	int fd = nova_open_render();

	before = meminfo_shmem();
	handle = create_checked(fd, size);
	ptr = nova_gem_mmap(fd, handle, size, PROT_READ | PROT_WRITE);
	fill(ptr, size, 0xfeed);
	touched = meminfo_shmem();
	igt_info("Shmem: %" PRIu64 " MiB before, %" PRIu64 " MiB with the "
		 "object touched\n", before >> 20, touched >> 20);
	igt_assert_lte_u64(before + size - slack, touched);

	/* The mapping and the handle go, then the file. */
	igt_assert_eq(munmap(ptr, size), 0);
	gem_close(fd, handle);
	close(fd);
	after = meminfo_shmem();
	igt_info("Shmem: %" PRIu64 " MiB after close\n", after >> 20);
	igt_assert_lte_u64(after, before + slack);
}

static void test_create_overflow(int fd)
{
	/*
	 * Sizes whose page rounding overflows 64 bits. The header checks
	 * sizes for overflow and puts everything above GEM_SIZE_MAX at
	 * -ENOMEM, so these must fail with -ENOMEM, not wrap to a small
	 * object.
	 */
	const uint64_t sizes[] = {
		~0ull, ~0ull - page_size + 2, 1ull << 63, (1ull << 63) + 1,
	};

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		igt_require(sizes[i] > size_max);
		expect_create_error(fd, sizes[i], -ENOMEM);
	}
}

static void test_create_invalid(int fd)
{
	struct drm_nova_gem_create create;

	/* Size 0: -EINVAL, with any flags. */
	expect_create_error(fd, 0, -EINVAL);
	create = (struct drm_nova_gem_create){ .flags = NOVA_GEM_DOMAIN_VRAM };
	igt_assert_eq(__nova_gem_create(fd, &create), -EINVAL);

	/*
	 * A flag bit nova_drm.h does not define: -EINVAL, alone and next to
	 * the defined ones. (The defined bits are nova_vm's.)
	 */
	for (uint32_t bit = 1; bit; bit <<= 1) {
		if (bit & NOVA_GEM_CREATE_FLAGS)
			continue;
		create = (struct drm_nova_gem_create){ .size = page_size,
						       .flags = bit };
		igt_assert_eq(__nova_gem_create(fd, &create), -EINVAL);
		create = (struct drm_nova_gem_create){
			.size = page_size,
			.flags = bit | NOVA_GEM_DOMAIN_GART,
		};
		igt_assert_eq(__nova_gem_create(fd, &create), -EINVAL);
	}
}

static void test_info(int fd)
{
	struct drm_nova_gem_info info = {};
	uint32_t a, b;

	a = create_checked(fd, page_size);
	b = create_checked(fd, 5 * page_size);
	igt_assert_neq_u32(a, b);

	info.handle = b;
	igt_assert_eq(__nova_gem_info(fd, &info), 0);
	igt_assert_eq_u64(info.size, 5 * page_size);
	igt_assert_eq_u64(nova_gem_size(fd, a), page_size);
	/* Objects created without flags live in system memory. */
	igt_assert_eq_u32(info.flags, NOVA_GEM_DOMAIN_GART);

	/* The flags are output only: any bit set on input is -EINVAL. */
	for (uint32_t bit = 1; bit; bit <<= 1) {
		info = (struct drm_nova_gem_info){ .handle = a, .flags = bit };
		igt_assert_eq(__nova_gem_info(fd, &info), -EINVAL);
	}

	gem_close(fd, a);
	gem_close(fd, b);
}

static void test_info_invalid(int fd)
{
	const uint32_t handles[] = { 0, 0xdeadbeef, ~0u };
	struct drm_nova_gem_info info;
	uint32_t closed;

	for (size_t i = 0; i < ARRAY_SIZE(handles); i++) {
		info = (struct drm_nova_gem_info){ .handle = handles[i] };
		igt_assert_eq(__nova_gem_info(fd, &info), -ENOENT);
	}

	/* A closed handle is unknown too. */
	closed = create_checked(fd, page_size);
	gem_close(fd, closed);
	info = (struct drm_nova_gem_info){ .handle = closed };
	igt_assert_eq(__nova_gem_info(fd, &info), -ENOENT);
}

static void test_mmap_offset_invalid(int fd)
{
	struct drm_nova_gem_mmap_offset arg;
	uint32_t handle = create_checked(fd, page_size);

	/* No flags are defined: any bit set is -EINVAL. */
	for (uint32_t flags = 1; flags; flags <<= 1) {
		arg = (struct drm_nova_gem_mmap_offset){ .handle = handle,
							 .flags = flags };
		igt_assert_eq(__nova_gem_mmap_offset(fd, &arg), -EINVAL);
	}

	/* Unknown handles: -ENOENT. */
	arg = (struct drm_nova_gem_mmap_offset){ .handle = 0 };
	igt_assert_eq(__nova_gem_mmap_offset(fd, &arg), -ENOENT);
	arg = (struct drm_nova_gem_mmap_offset){ .handle = handle + 1000 };
	igt_assert_eq(__nova_gem_mmap_offset(fd, &arg), -ENOENT);

	gem_close(fd, handle);
}

static void test_mmap(int fd)
{
	const uint64_t size = 3 * page_size;
	uint32_t *a, *b, handle;

	handle = create_checked(fd, size);

	/* New objects read as zero. */
	a = nova_gem_mmap(fd, handle, size, PROT_READ | PROT_WRITE);
	for (uint64_t i = 0; i < size / 4; i++)
		igt_assert_eq_u32(a[i], 0);

	fill(a, size, 0xc0ffee);
	check(a, size, 0xc0ffee);

	/* A second mapping shows the same pages... */
	b = nova_gem_mmap(fd, handle, size, PROT_READ | PROT_WRITE);
	igt_assert(a != b);
	check(b, size, 0xc0ffee);

	/* ...in both directions. */
	fill(b, size, 0xbadcafe);
	check(a, size, 0xbadcafe);

	/* The contents outlive the mappings. */
	igt_assert_eq(munmap(a, size), 0);
	igt_assert_eq(munmap(b, size), 0);
	a = nova_gem_mmap(fd, handle, size, PROT_READ);
	check(a, size, 0xbadcafe);
	igt_assert_eq(munmap(a, size), 0);

	gem_close(fd, handle);
}

static void test_mmap_invalid(int fd)
{
	uint32_t handle = create_checked(fd, 2 * page_size);
	uint64_t offset = nova_gem_mmap_offset(fd, handle);
	void *ptr;

	/*
	 * A mapping larger than the object, or at an offset that is no
	 * object's: -EINVAL (drm_gem.c, drm_gem_mmap(): the exact offset
	 * lookup finds no node).
	 */
	ptr = mmap(NULL, 3 * page_size, PROT_READ, MAP_SHARED, fd, offset);
	igt_assert(ptr == MAP_FAILED);
	igt_assert_eq(errno, EINVAL);

	ptr = mmap(NULL, page_size, PROT_READ, MAP_SHARED, fd,
		   offset + page_size);
	igt_assert(ptr == MAP_FAILED);
	igt_assert_eq(errno, EINVAL);

	ptr = mmap(NULL, page_size, PROT_READ, MAP_SHARED, fd, 0);
	igt_assert(ptr == MAP_FAILED);
	igt_assert_eq(errno, EINVAL);

	gem_close(fd, handle);
}

static void test_mmap_outlives_handle(void)
{
	const uint64_t size = 2 * page_size;
	int fd = nova_open_render();
	uint32_t handle, *ptr;

	handle = create_checked(fd, size);
	ptr = nova_gem_mmap(fd, handle, size, PROT_READ | PROT_WRITE);
	fill(ptr, size, 0xfeed);

	/*
	 * The mapping holds its own reference to the object (drm_gem.c,
	 * drm_gem_mmap_obj()) and to the file: it stays usable after the
	 * handle and the file descriptor are gone.
	 */
	gem_close(fd, handle);
	check(ptr, size, 0xfeed);
	igt_assert_eq(close(fd), 0);
	check(ptr, size, 0xfeed);
	fill(ptr, size, 0xbeef);
	check(ptr, size, 0xbeef);

	igt_assert_eq(munmap(ptr, size), 0);
}

static void test_close(int fd)
{
	uint32_t handle = create_checked(fd, page_size);

	gem_close(fd, handle);

	/*
	 * The handle is gone: GEM_INFO says -ENOENT, and a second close
	 * fails with -EINVAL (drm_gem.c, drm_gem_handle_delete()).
	 */
	igt_assert_eq(__nova_gem_info(fd, &(struct drm_nova_gem_info){
						.handle = handle }),
		      -ENOENT);
	igt_assert_eq(__gem_close(fd, handle), -EINVAL);
	igt_assert_eq(__gem_close(fd, 0), -EINVAL);
	igt_assert_eq(__gem_close(fd, 0xdeadbeef), -EINVAL);
}

static void test_handles_per_file(void)
{
	int fd1 = nova_open_render();
	int fd2 = nova_open_render();
	struct drm_nova_gem_mmap_offset arg;
	uint32_t h1, h2;
	uint64_t offset;
	void *ptr;

	h1 = create_checked(fd1, page_size);

	/* The handle of fd1's object means nothing in fd2. */
	igt_assert_eq(__nova_gem_info(fd2, &(struct drm_nova_gem_info){
						.handle = h1 }),
		      -ENOENT);
	arg = (struct drm_nova_gem_mmap_offset){ .handle = h1 };
	igt_assert_eq(__nova_gem_mmap_offset(fd2, &arg), -ENOENT);
	igt_assert_eq(__gem_close(fd2, h1), -EINVAL);

	/*
	 * fd2's first object may well get the same handle number; each file
	 * sees its own object under it.
	 */
	h2 = create_checked(fd2, 4 * page_size);
	igt_info("fd1 handle %u, fd2 handle %u\n", h1, h2);
	igt_assert_eq_u64(nova_gem_size(fd1, h1), page_size);
	igt_assert_eq_u64(nova_gem_size(fd2, h2), 4 * page_size);

	/*
	 * fd1's mmap offset cannot be mapped through fd2: -EACCES
	 * (drm_gem.c, drm_gem_object_lookup_at_offset(): the offset node
	 * does not allow fd2).
	 */
	offset = nova_gem_mmap_offset(fd1, h1);
	ptr = mmap(NULL, page_size, PROT_READ, MAP_SHARED, fd2, offset);
	igt_assert(ptr == MAP_FAILED);
	igt_assert_eq(errno, EACCES);

	/* Closing fd2 leaves fd1's object alone. */
	igt_assert_eq(close(fd2), 0);
	igt_assert_eq_u64(nova_gem_size(fd1, h1), page_size);
	gem_close(fd1, h1);
	igt_assert_eq(close(fd1), 0);
}

/* fdinfo memory of the "memory" region, as IGT's parser reads it. */
static void memory_stats(int fd, struct drm_client_meminfo *mem)
{
	struct drm_client_fdinfo info;

	igt_assert_f(nova_igt_fdinfo_memory(fd, &info, mem),
		     "no \"memory\" region in fdinfo\n");
}

static void test_create_close_loop(void)
{
	struct drm_client_meminfo before, held, after;
	struct nova_fdinfo raw_before, raw_after;
	uint64_t loops = 10000;
	uint32_t handles[100];
	int fd = nova_open_render();

	nova_env_u64("NOVA_GEM_LOOPS", &loops);

	memory_stats(fd, &before);
	igt_assert(nova_fdinfo_read(fd, &raw_before));
	igt_info("before: total %" PRIu64 ", resident %" PRIu64 " (%s)\n",
		 before.total, before.resident,
		 raw_before.has_resident ? "reported" : "not reported");

	for (uint64_t i = 0; i < loops; i++) {
		struct drm_nova_gem_create create = { .size = page_size };

		igt_assert_eq(__nova_gem_create(fd, &create), 0);
		igt_assert_eq(__gem_close(fd, create.handle), 0);
	}

	/* Objects held open are counted... */
	for (size_t i = 0; i < ARRAY_SIZE(handles); i++)
		handles[i] = nova_gem_create(fd, page_size, NULL);
	memory_stats(fd, &held);
	igt_assert_eq_u64(held.total,
			  before.total + ARRAY_SIZE(handles) * page_size);
	for (size_t i = 0; i < ARRAY_SIZE(handles); i++)
		gem_close(fd, handles[i]);

	/* ...and nothing is left of any of them once closed. */
	memory_stats(fd, &after);
	igt_assert(nova_fdinfo_read(fd, &raw_after));
	igt_info("after: total %" PRIu64 ", resident %" PRIu64 "\n",
		 after.total, after.resident);
	igt_assert_eq_u64(after.total, before.total);
	igt_assert_eq_u64(after.shared, before.shared);
	igt_assert_eq_u64(after.resident, before.resident);
	igt_assert_eq(raw_after.has_resident, raw_before.has_resident);

	igt_assert_eq(close(fd), 0);
}

static void test_fork(void)
{
	const uint64_t size = 2 * page_size;
	int fd = nova_open_render();
	uint32_t handle, *ptr;

	handle = create_checked(fd, size);
	ptr = nova_gem_mmap(fd, handle, size, PROT_READ | PROT_WRITE);
	fill(ptr, size, 0x1111);

	/*
	 * The child shares the DRM file: it sees the parent's handle and
	 * mapping, maps the object again through the inherited descriptor,
	 * and creates and closes objects of its own.
	 */
	igt_fork(child, 1) {
		uint32_t *mine, own;

		check(ptr, size, 0x1111);
		igt_assert_eq_u64(nova_gem_size(fd, handle), size);

		mine = nova_gem_mmap(fd, handle, size, PROT_READ | PROT_WRITE);
		check(mine, size, 0x1111);
		fill(mine, size, 0x2222);
		igt_assert_eq(munmap(mine, size), 0);

		own = create_checked(fd, page_size);
		mine = nova_gem_mmap(fd, own, page_size, PROT_WRITE);
		fill(mine, page_size, 0x3333);
		igt_assert_eq(munmap(mine, page_size), 0);
		gem_close(fd, own);
	}
	igt_waitchildren();

	/* The child's writes are visible through the parent's mapping. */
	check(ptr, size, 0x2222);
	igt_assert_eq_u64(nova_gem_size(fd, handle), size);

	igt_assert_eq(munmap(ptr, size), 0);
	gem_close(fd, handle);
	igt_assert_eq(close(fd), 0);
}

static void test_domains_fallback(void)
{
	struct drm_nova_gem_create c = {
		.size = page_size, .flags = NOVA_GEM_DOMAIN_VRAM,
	};
	uint64_t vram;
	bool gsp = __nova_getparam(drm_fd, NOVA_GETPARAM_VRAM_SIZE, &vram) == 0;
	uint32_t h = nova_gem_create_flags(drm_fd, page_size, NOVA_GEM_DOMAINS,
					   NULL);

	igt_assert_eq_u32(nova_gem_flags(drm_fd, h),
			  gsp ? NOVA_GEM_DOMAIN_VRAM : NOVA_GEM_DOMAIN_GART);
	gem_close(drm_fd, h);
	if (gsp) {
		igt_assert_eq(__nova_gem_create(drm_fd, &c), 0);
		gem_close(drm_fd, c.handle);
	} else {
		igt_assert_eq(__nova_gem_create(drm_fd, &c), -ENODEV);
	}
}

igt_main
{
	igt_fixture {
		page_size = sysconf(_SC_PAGESIZE);
		drm_fd = nova_open_render();
		size_max = nova_getparam(drm_fd, NOVA_GETPARAM_GEM_SIZE_MAX);
		igt_info("GEM_SIZE_MAX %#" PRIx64 "\n", size_max);
	}

	igt_describe("A 1-byte object is rounded up to one page.");
	igt_subtest("create-one-byte")
		test_create_size(drm_fd, 1);

	igt_describe("A one-page object has exactly that size.");
	igt_subtest("create-one-page")
		test_create_size(drm_fd, page_size);

	igt_describe("Unaligned sizes are rounded up to whole pages.");
	igt_subtest("create-unaligned")
		test_create_unaligned(drm_fd);

	igt_describe("A 64 MiB object can be created, mapped and touched at "
		     "both ends.");
	igt_subtest("create-large")
		test_create_large(drm_fd);

	igt_describe("Sizes above GEM_SIZE_MAX fail with ENOMEM.");
	igt_subtest("create-too-large")
		test_create_too_large(drm_fd);

	igt_describe("GEM_SIZE_MAX is the larger of half the RAM and the "
		     "VRAM; a system-memory object of half the RAM is "
		     "accepted, one page more is ENOMEM.");
	igt_subtest("sysmem-size-limit")
		test_sysmem_size_limit(drm_fd);

	igt_describe("Mapping a large object allocates none of its pages: "
		     "touching one takes one page, and the pages a process "
		     "touches count in its RssShmem.");
	igt_subtest("mmap-pages-on-demand")
		test_mmap_pages_on_demand(drm_fd);

	igt_describe("Every page of a touched 64 MiB object returns to the "
		     "system (Shmem) when its mapping, handle and file are "
		     "closed.");
	igt_subtest("close-returns-pages")
		test_close_returns_pages();

	igt_describe("Sizes whose page rounding overflows 64 bits fail with "
		     "ENOMEM instead of wrapping around.");
	igt_subtest("create-overflow")
		test_create_overflow(drm_fd);

	igt_describe("Size zero and flag bits nova_drm.h does not define fail "
		     "with EINVAL.");
	igt_subtest("create-invalid")
		test_create_invalid(drm_fd);

	igt_describe("GEM_INFO reports the size of each object and system "
		     "memory as the domain of an object created without "
		     "flags; any input flag fails with EINVAL.");
	igt_subtest("info")
		test_info(drm_fd);

	igt_describe("GEM_INFO of unknown or closed handles fails with "
		     "ENOENT.");
	igt_subtest("info-invalid-handle")
		test_info_invalid(drm_fd);

	igt_describe("GEM_MMAP_OFFSET rejects any flag with EINVAL and "
		     "unknown handles with ENOENT.");
	igt_subtest("mmap-offset-invalid")
		test_mmap_offset_invalid(drm_fd);

	igt_describe("Objects map zeroed, keep what is written, and two "
		     "mappings share the same pages.");
	igt_subtest("mmap")
		test_mmap(drm_fd);

	igt_describe("Mappings larger than the object or at offsets of no "
		     "object fail with EINVAL.");
	igt_subtest("mmap-invalid")
		test_mmap_invalid(drm_fd);

	igt_describe("A mapping stays usable after its handle and file are "
		     "closed.");
	igt_subtest("mmap-outlives-handle")
		test_mmap_outlives_handle();

	igt_describe("GEM_CLOSE releases a handle; closing it again, or an "
		     "unknown handle, fails with EINVAL.");
	igt_subtest("close")
		test_close(drm_fd);

	igt_describe("Handles of one file are invisible to another file, "
		     "and its mmap offsets cannot be mapped there.");
	igt_subtest("handles-per-file")
		test_handles_per_file();

	igt_describe("Many create/close cycles leave the file's fdinfo "
		     "memory where it was.");
	igt_subtest("create-close-loop")
		test_create_close_loop();

	igt_describe("A forked child uses the inherited file: its handles, "
		     "mappings and new objects.");
	igt_subtest("fork")
		test_fork();

	igt_describe("VRAM|GART lands in VRAM where nova booted GSP-RM and in "
		     "system memory where it did not; VRAM alone there is "
		     "ENODEV.");
	igt_subtest("domains-fallback")
		test_domains_fallback();

	igt_fixture {
		close(drm_fd);
	}
}
