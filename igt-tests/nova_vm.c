// SPDX-License-Identifier: MIT
/*
 * nova_vm - GEM domains and GPU virtual address spaces, as nova_drm.h
 * documents them: DEVICE_INFO, GEM_CREATE's domains and NO_SHARE,
 * GETPARAM(VRAM_USED), VM_INIT and VM_BIND (MAP, UNMAP, sparse regions),
 * every error the header lists, and the lifetimes of objects, bindings,
 * files and the device.
 *
 * There is no command submission yet, so nothing here reads through the
 * GPU's page tables: what a binding maps is checked by nvsim, whose MMU
 * audit (tools/nvsim/README.md) walks the page tables nova writes and logs
 * any entry that points outside the object it belongs to; scripts/test.sh
 * fails a run whose nvsim log has an audit error. This test checks the
 * results of the calls, that nothing a call refused changed anything, and
 * the VRAM accounting (GETPARAM(VRAM_USED)), which tells whether an object
 * is still held by a binding and whether page tables are freed.
 *
 * VRAM_USED counts nova's page tables too, so a subtest compares it with
 * its start value only once every VA space it made is gone. nova frees
 * what a closed file's VA space held (its page tables, its GSP-RM object)
 * when the file is closed; should that ever be deferred to the next VM
 * call, every reading of VRAM_USED here comes after a VM_BIND of no
 * operation, and a comparison with a start value waits up to
 * NOVA_VRAM_SETTLE_MS (2000) in case something is freed from a worker.
 *
 * Environment: NOVA_EXPECT_GSP (1: a GPU whose GSP-RM nova boots must
 * answer, ENODEV fails instead of skipping), NOVA_BIND_TIMEOUT (60 s,
 * unbind-with-binds).
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "igt.h"
#include "nova_igt.h"

IGT_TEST_DESCRIPTION("GEM domains and GPU virtual address spaces: "
		     "DEVICE_INFO, VRAM objects and VRAM_USED, VM_INIT, "
		     "VM_BIND map, unmap and sparse regions, their errors, "
		     "and the lifetimes of objects, bindings, files and the "
		     "device.");

#define SZ_4K		(4ull << 10)
#define SZ_64K		(64ull << 10)
#define SZ_1M		(1ull << 20)
#define SZ_2M		(2ull << 20)
#define SZ_1G		(1ull << 30)

/* The kernel-managed range of the VA spaces made here. */
#define KM_ADDR		(1ull << 40)
#define KM_SIZE		(1ull << 32)
/* Where the subtests map: above 4 GiB, far below the kernel range. */
#define VA_BASE		(1ull << 32)
/* Where the sparse regions go. */
#define SPARSE_BASE	(1ull << 36)

#define OPS_MAX		1024

static int drm_fd = -1;
static uint64_t page_size;
static uint64_t size_max;
static uint64_t arch;
/* DEVICE_INFO's answer at the start: 0 or -ENODEV. */
static int info_ret;
static struct drm_nova_device_info dinfo;
static uint64_t va_end;

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Every subtest but device-info needs GSP-RM: skips where it does not run
 * (ENODEV), fails where NOVA_EXPECT_GSP=1 says it must run.
 */
static void require_gsp(void)
{
	uint64_t expect_gsp = 0;

	nova_env_u64("NOVA_EXPECT_GSP", &expect_gsp);
	if (info_ret == -ENODEV && !expect_gsp)
		igt_skip("GSP-RM is not running on this GPU (ENODEV)\n");
	igt_assert_eq(info_ret, 0);
}

/*
 * GETPARAM(VRAM_USED), after a VM_BIND of no operation on @fd (a no-op,
 * or ENOENT without a VA space), which would let nova free what closed
 * files left if it deferred that to the next VM call.
 */
static uint64_t vram_used(int fd)
{
	struct drm_nova_vm_bind nop = {};

	nova_ioctl(fd, DRM_IOCTL_NOVA_VM_BIND, &nop);
	return nova_getparam(fd, NOVA_GETPARAM_VRAM_USED);
}

/*
 * Waits until VRAM_USED is @want again (NOVA_VRAM_SETTLE_MS, 2000 ms at
 * most) and asserts it.
 */
static void assert_vram_used_settles(int fd, uint64_t want, const char *what)
{
	uint64_t settle = 2000, deadline, got;

	nova_env_u64("NOVA_VRAM_SETTLE_MS", &settle);
	deadline = now_ms() + settle;
	while ((got = vram_used(fd)) != want && now_ms() < deadline)
		usleep(10 * 1000);
	igt_assert_f(got == want, "%s: VRAM_USED %#" PRIx64 ", %#" PRIx64
		     " at the start (%+" PRId64 " bytes)\n", what, got, want,
		     (int64_t)(got - want));
}

static int open_vm(void)
{
	int fd = nova_open_render();

	nova_vm_init(fd, KM_ADDR, KM_SIZE);
	return fd;
}

static uint32_t create(int fd, uint64_t size, uint32_t flags)
{
	return nova_gem_create_flags(fd, size, flags, NULL);
}

static int __create(int fd, uint64_t size, uint32_t flags, uint32_t *handle)
{
	struct drm_nova_gem_create c = { .size = size, .flags = flags };
	int ret = __nova_gem_create(fd, &c);

	if (!ret)
		*handle = c.handle;
	return ret;
}

static struct drm_nova_vm_bind_op op_map(uint32_t handle, uint64_t addr,
					 uint64_t bo_offset, uint64_t range)
{
	return (struct drm_nova_vm_bind_op){
		.op = NOVA_VM_BIND_OP_MAP, .handle = handle, .addr = addr,
		.bo_offset = bo_offset, .range = range,
	};
}

static struct drm_nova_vm_bind_op op_unmap(uint64_t addr, uint64_t range)
{
	return (struct drm_nova_vm_bind_op){
		.op = NOVA_VM_BIND_OP_UNMAP, .addr = addr, .range = range,
	};
}

static struct drm_nova_vm_bind_op op_sparse(uint64_t addr, uint64_t range)
{
	return (struct drm_nova_vm_bind_op){
		.op = NOVA_VM_BIND_OP_MAP, .flags = NOVA_VM_BIND_SPARSE,
		.addr = addr, .range = range,
	};
}

static struct drm_nova_vm_bind_op op_unsparse(uint64_t addr, uint64_t range)
{
	return (struct drm_nova_vm_bind_op){
		.op = NOVA_VM_BIND_OP_UNMAP, .flags = NOVA_VM_BIND_SPARSE,
		.addr = addr, .range = range,
	};
}

static const char *op_name(const struct drm_nova_vm_bind_op *op)
{
	static char buf[160];

	snprintf(buf, sizeof(buf), "%s%s handle %u pad %#x flags %#x addr %#"
		 PRIx64 " bo_offset %#" PRIx64 " range %#" PRIx64,
		 op->op == NOVA_VM_BIND_OP_MAP ? "MAP" :
		 op->op == NOVA_VM_BIND_OP_UNMAP ? "UNMAP" : "op?",
		 op->flags & NOVA_VM_BIND_SPARSE ? " (sparse)" : "",
		 op->handle, op->pad, op->flags, (uint64_t)op->addr,
		 (uint64_t)op->bo_offset, (uint64_t)op->range);
	return buf;
}

/* One operation, which must give @err. */
static void bind_expect(int fd, struct drm_nova_vm_bind_op op, int err)
{
	int ret = __nova_vm_bind(fd, &op, 1, NULL);

	igt_assert_f(ret == err, "VM_BIND %s: %s, expected %s\n",
		     op_name(&op), strerror(-ret), strerror(-err));
}

static void bind_ok(int fd, struct drm_nova_vm_bind_op op)
{
	bind_expect(fd, op, 0);
}

/* One operation, which must give one of @a and @b. */
static int bind_expect2(int fd, struct drm_nova_vm_bind_op op, int a, int b)
{
	int ret = __nova_vm_bind(fd, &op, 1, NULL);

	igt_assert_f(ret == a || ret == b, "VM_BIND %s: %s, expected %s or "
		     "%s\n", op_name(&op), strerror(-ret), strerror(-a),
		     strerror(-b));
	return ret;
}

static int vm_bind_raw(int fd, struct drm_nova_vm_bind *arg)
{
	return nova_ioctl(fd, DRM_IOCTL_NOVA_VM_BIND, arg);
}

/* A mapping of @pages pages whose last one is PROT_NONE. */
static uint8_t *guarded_pages(int pages)
{
	uint8_t *p = mmap(NULL, pages * page_size, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	igt_assert(p != MAP_FAILED);
	igt_assert_eq(mprotect(p + (pages - 1) * page_size, page_size,
			       PROT_NONE), 0);
	return p;
}

static uint64_t unmapped_address(void)
{
	void *p = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	igt_assert(p != MAP_FAILED);
	igt_assert_eq(munmap(p, page_size), 0);
	return (uintptr_t)p;
}

static uint32_t pattern_word(uint32_t seed, uint64_t i)
{
	return seed ^ (uint32_t)(i * 2654435761u);
}

static void fill(uint32_t *p, uint64_t size, uint32_t seed)
{
	for (uint64_t i = 0; i < size / 4; i++)
		p[i] = pattern_word(seed, i);
}

static void check(const uint32_t *p, uint64_t size, uint32_t seed)
{
	for (uint64_t i = 0; i < size / 4; i++)
		igt_assert_f(p[i] == pattern_word(seed, i), "dword %" PRIu64
			     ": %#x, expected %#x\n", i, p[i],
			     pattern_word(seed, i));
}

/*
 * The first and last dword of every 4 KiB page of @p: enough to show that
 * each page of a mapping reaches its own memory, at a fraction of the
 * accesses (each access to VRAM through BAR1 is a message to the
 * simulator).
 */
static void fill_pages(uint32_t *p, uint64_t size, uint32_t seed)
{
	for (uint64_t i = 0; i < size / 4; i += 1024) {
		p[i] = pattern_word(seed, i);
		p[i + 1023] = pattern_word(seed, i + 1023);
	}
}

static void check_pages(const uint32_t *p, uint64_t size, uint32_t seed)
{
	for (uint64_t i = 0; i < size / 4; i += 1024)
		for (uint64_t j = i; j < i + 1024; j += 1023)
			igt_assert_f(p[j] == pattern_word(seed, j), "dword %"
				     PRIu64 ": %#x, expected %#x\n", j, p[j],
				     pattern_word(seed, j));
}

/* --- device-info ---------------------------------------------------------- */

/*
 * The classes of each GPU nova boots GSP-RM on, as NVIDIA's class headers
 * (open-gpu-kernel-modules, src/common/sdk/nvidia/inc/class/) name them:
 * e.g. TURING_CHANNEL_GPFIFO_A 0xc46f, TURING_DMA_COPY_A 0xc5b5, TURING_A
 * 0xc597, TURING_COMPUTE_A 0xc5c0; AMPERE_CHANNEL_GPFIFO_A 0xc56f,
 * AMPERE_DMA_COPY_B 0xc7b5, AMPERE_B 0xc797, AMPERE_COMPUTE_B 0xc7c0 on
 * GA10x (GA100: AMPERE_DMA_COPY_A 0xc6b5, AMPERE_A 0xc697,
 * AMPERE_COMPUTE_A 0xc6c0); ADA_A 0xc997, ADA_COMPUTE_A 0xc9c0 with
 * Ampere's channel and copy classes; KEPLER_INLINE_TO_MEMORY_B 0xa140 on
 * all of them; FERMI_TWOD_A 0x902d everywhere.
 */
static const struct {
	uint32_t first, last;	/* chipsets */
	uint32_t gpfifo, copy, threed, compute, m2mf;
} class_table[] = {
	{ 0x160, 0x16f, 0xc46f, 0xc5b5, 0xc597, 0xc5c0, 0xa140 },
	{ 0x170, 0x170, 0xc56f, 0xc6b5, 0xc697, 0xc6c0, 0xa140 },
	{ 0x171, 0x17f, 0xc56f, 0xc7b5, 0xc797, 0xc7c0, 0xa140 },
	{ 0x190, 0x19f, 0xc56f, 0xc7b5, 0xc997, 0xc9c0, 0xa140 },
};

static void check_classes(const struct drm_nova_device_info *d)
{
	igt_info("classes: gpfifo %#x copy %#x 2d %#x 3d %#x compute %#x "
		 "m2mf %#x\n", d->class_gpfifo, d->class_copy, d->class_2d,
		 d->class_3d, d->class_compute, d->class_m2mf);

	/* The kind of class is its low byte. */
	igt_assert_eq_u32(d->class_gpfifo & 0xff, 0x6f);
	igt_assert_eq_u32(d->class_copy & 0xff, 0xb5);
	igt_assert_eq_u32(d->class_3d & 0xff, 0x97);
	igt_assert_eq_u32(d->class_compute & 0xff, 0xc0);
	igt_assert_eq_u32(d->class_m2mf & 0xff, 0x40);
	igt_assert_eq_u32(d->class_2d, 0x902d);

	for (size_t i = 0; i < ARRAY_SIZE(class_table); i++) {
		if (d->chipset < class_table[i].first ||
		    d->chipset > class_table[i].last)
			continue;
		igt_assert_eq_u32(d->class_gpfifo, class_table[i].gpfifo);
		igt_assert_eq_u32(d->class_copy, class_table[i].copy);
		igt_assert_eq_u32(d->class_3d, class_table[i].threed);
		igt_assert_eq_u32(d->class_compute, class_table[i].compute);
		igt_assert_eq_u32(d->class_m2mf, class_table[i].m2mf);
		return;
	}
	igt_info("chipset %#x: no class table, kinds checked only\n",
		 d->chipset);
}

static void test_device_info(int fd)
{
	struct drm_nova_device_info d, again;
	uint64_t want;
	uint8_t *ro;

	if (nova_env_u64("NOVA_EXPECT_GSP", &want) && !want) {
		/* No GSP-RM: nothing of this exists. */
		uint64_t v;

		igt_assert_eq(info_ret, -ENODEV);
		igt_assert_eq(__nova_getparam(fd, NOVA_GETPARAM_VRAM_USED, &v),
			      -ENODEV);
		igt_assert_eq(__nova_vm_init(fd, KM_ADDR, KM_SIZE), -ENODEV);
		igt_info("no GSP-RM: DEVICE_INFO, VRAM_USED and VM_INIT give "
			 "ENODEV as documented\n");
		return;
	}
	require_gsp();
	d = dinfo;

	igt_info("chipset %#x arch %#x device %#x revision %#x, VRAM %" PRIu64
		 " MiB, BAR1 %" PRIu64 " MiB, %u GPCs, %u TPCs, %u VA bits, "
		 "page sizes %#x\n", d.chipset, d.architecture, d.device_id,
		 d.revision, (uint64_t)d.vram_size >> 20,
		 (uint64_t)d.vram_bar_size >> 20, d.gpc_count, d.tpc_count,
		 d.va_bits, d.page_sizes);

	/* The same as GETPARAM. */
	igt_assert_eq_u64(d.chipset, nova_getparam(fd, NOVA_GETPARAM_CHIPSET));
	igt_assert_eq_u64(d.architecture, arch);
	igt_assert_eq_u64(d.device_id,
			  nova_getparam(fd, NOVA_GETPARAM_PCI_DEVICE_ID));
	igt_assert_eq_u64(d.revision,
			  nova_getparam(fd, NOVA_GETPARAM_REVISION));
	igt_assert_eq_u64(d.vram_size,
			  nova_getparam(fd, NOVA_GETPARAM_VRAM_SIZE));
	igt_assert_eq_u64(d.vram_bar_size,
			  nova_getparam(fd, NOVA_GETPARAM_VRAM_BAR_SIZE));
	if (nova_env_u64("NOVA_EXPECT_DEVICE_ID", &want))
		igt_assert_eq_u64(d.device_id, want);
	if (nova_env_u64("NOVA_EXPECT_CHIPSET", &want))
		igt_assert_eq_u64(d.chipset, want);

	/* Turing to Ada: 49-bit VAs (GMMU ver2), 4 KiB, 64 KiB and 2 MiB. */
	if (arch == NOVA_ARCHITECTURE_TURING ||
	    arch == NOVA_ARCHITECTURE_AMPERE || arch == NOVA_ARCHITECTURE_ADA)
		igt_assert_eq_u32(d.va_bits, 49);
	else
		igt_assert(d.va_bits == 49 || d.va_bits == 57);
	igt_assert_eq_u32(d.page_sizes, 0x211000);

	/* A board has GPCs, each with TPCs (at most 9 a GPC so far). */
	igt_assert_lt_u32(0, d.gpc_count);
	igt_assert_lte_u32(d.gpc_count, 32);
	igt_assert_lte_u32(d.gpc_count, d.tpc_count);
	igt_assert_lte_u32(d.tpc_count, 16 * d.gpc_count);
	check_classes(&d);
	igt_assert_eq_u32(d.pad, 0);
	for (size_t i = 0; i < ARRAY_SIZE(d.reserved); i++)
		igt_assert_eq_u32(d.reserved[i], 0);

	/* The output fields are not looked at on input. */
	memset(&again, 0xff, sizeof(again));
	again.pad = 0;
	memset(again.reserved, 0, sizeof(again.reserved));
	igt_assert_eq(__nova_device_info(fd, &again), 0);
	igt_assert(!memcmp(&again, &d, sizeof(d)));

	/* Padding and reserved words: any bit is EINVAL. */
	for (int bit = 0; bit < 32; bit++) {
		again = (struct drm_nova_device_info){ .pad = 1u << bit };
		igt_assert_eq(__nova_device_info(fd, &again), -EINVAL);
		for (size_t i = 0; i < ARRAY_SIZE(again.reserved); i++) {
			again = (struct drm_nova_device_info){};
			again.reserved[i] = 1u << bit;
			igt_assert_eq(__nova_device_info(fd, &again),
				      -EINVAL);
		}
	}

	/* Bad argument pointers: EFAULT (a read-only one on copy-out). */
	igt_assert_eq(nova_ioctl(fd, DRM_IOCTL_NOVA_DEVICE_INFO, NULL),
		      -EFAULT);
	igt_assert_eq(nova_ioctl(fd, DRM_IOCTL_NOVA_DEVICE_INFO,
				 (void *)(uintptr_t)unmapped_address()),
		      -EFAULT);
	ro = mmap(NULL, page_size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
		  -1, 0);
	igt_assert(ro != MAP_FAILED);
	igt_assert_eq(nova_ioctl(fd, DRM_IOCTL_NOVA_DEVICE_INFO, ro), -EFAULT);
	igt_assert_eq(munmap(ro, page_size), 0);
}

/* --- GEM domains ------------------------------------------------------------ */

static void test_gem_domains(int fd)
{
	static const struct {
		uint32_t flags, want;
	} cases[] = {
		{ 0, NOVA_GEM_DOMAIN_GART },
		{ NOVA_GEM_DOMAIN_GART, NOVA_GEM_DOMAIN_GART },
		{ NOVA_GEM_DOMAIN_VRAM, NOVA_GEM_DOMAIN_VRAM },
		/* Both: VRAM while there is room. */
		{ NOVA_GEM_DOMAINS, NOVA_GEM_DOMAIN_VRAM },
		{ NOVA_GEM_NO_SHARE, NOVA_GEM_DOMAIN_GART | NOVA_GEM_NO_SHARE },
		{ NOVA_GEM_NO_SHARE | NOVA_GEM_DOMAIN_GART,
		  NOVA_GEM_DOMAIN_GART | NOVA_GEM_NO_SHARE },
		{ NOVA_GEM_NO_SHARE | NOVA_GEM_DOMAIN_VRAM,
		  NOVA_GEM_DOMAIN_VRAM | NOVA_GEM_NO_SHARE },
		{ NOVA_GEM_CREATE_FLAGS, NOVA_GEM_DOMAIN_VRAM | NOVA_GEM_NO_SHARE },
	};
	static const uint64_t sizes[] = {
		1, SZ_4K, 3 * SZ_4K + 1, SZ_64K, SZ_2M + SZ_4K, 8 * SZ_1M,
	};
	struct drm_nova_gem_create c;

	require_gsp();
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		for (size_t j = 0; j < ARRAY_SIZE(sizes); j++) {
			struct drm_nova_gem_info info = {};
			uint64_t size;
			uint32_t h;

			h = nova_gem_create_flags(fd, sizes[j], cases[i].flags,
						  &size);
			igt_assert_eq_u64(size, ALIGN(sizes[j], page_size));
			info.handle = h;
			igt_assert_eq(__nova_gem_info(fd, &info), 0);
			igt_debug("flags %#x size %#" PRIx64 ": %#x\n",
				  cases[i].flags, sizes[j], info.flags);
			igt_assert_eq_u32(info.flags, cases[i].want);
			igt_assert_eq_u64(info.size, size);
			gem_close(fd, h);
		}
	}

	/* Size zero and oversized objects fail in VRAM as in system memory. */
	c = (struct drm_nova_gem_create){ .flags = NOVA_GEM_DOMAIN_VRAM };
	igt_assert_eq(__nova_gem_create(fd, &c), -EINVAL);
	c = (struct drm_nova_gem_create){ .flags = NOVA_GEM_DOMAIN_VRAM,
					  .size = size_max + 1 };
	igt_assert_eq(__nova_gem_create(fd, &c), -ENOMEM);
	c = (struct drm_nova_gem_create){ .flags = NOVA_GEM_DOMAINS,
					  .size = ~0ull };
	igt_assert_eq(__nova_gem_create(fd, &c), -ENOMEM);
}

/*
 * The VRAM an object of @size takes: its size, or up to its size rounded
 * to its placement alignment (2 MiB from 2 MiB, 64 KiB from 64 KiB) if the
 * allocator hands out whole aligned blocks. Sizes that are multiples of
 * their alignment take exactly their size.
 */
static uint64_t vram_alignment(uint64_t size)
{
	return size >= SZ_2M ? SZ_2M : size >= SZ_64K ? SZ_64K : SZ_4K;
}

static void test_gem_vram_used(int fd)
{
	static const uint64_t sizes[] = {
		SZ_4K, 3 * SZ_4K, SZ_64K, 3 * SZ_64K, SZ_1M, SZ_2M,
		5 * SZ_2M, 64 * SZ_1M, SZ_64K + SZ_4K, SZ_2M + SZ_4K,
	};
	uint32_t handles[ARRAY_SIZE(sizes)];
	uint64_t taken[ARRAY_SIZE(sizes)];
	uint64_t start, before, now, total = 0;
	uint32_t h;

	require_gsp();
	start = vram_used(fd);
	igt_info("VRAM_USED at the start: %#" PRIx64 " of %#" PRIx64 "\n",
		 start, (uint64_t)dinfo.vram_size);
	igt_assert_lte_u64(start, dinfo.vram_size);

	/*
	 * Each VRAM object adds its size (exactly, for a multiple of its
	 * alignment), and takes back what it added.
	 */
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		uint64_t align = vram_alignment(sizes[i]);

		before = vram_used(fd);
		handles[i] = create(fd, sizes[i], NOVA_GEM_DOMAIN_VRAM);
		now = vram_used(fd);
		taken[i] = now - before;
		igt_info("VRAM object of %#" PRIx64 " bytes: VRAM_USED +%#"
			 PRIx64 "\n", sizes[i], taken[i]);
		if (sizes[i] % align == 0)
			igt_assert_f(taken[i] == sizes[i], "a VRAM object of %#"
				     PRIx64 " bytes: VRAM_USED %+" PRId64 "\n",
				     sizes[i], (int64_t)taken[i]);
		else
			igt_assert_f(taken[i] >= sizes[i] &&
				     taken[i] <= ALIGN(sizes[i], align),
				     "a VRAM object of %#" PRIx64 " bytes: "
				     "VRAM_USED %+" PRId64 "\n", sizes[i],
				     (int64_t)taken[i]);
		total += taken[i];
	}
	igt_assert_eq_u64(vram_used(fd), start + total);
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		before = vram_used(fd);
		gem_close(fd, handles[i]);
		igt_assert_eq_u64(vram_used(fd), before - taken[i]);
	}
	igt_assert_eq_u64(vram_used(fd), start);

	/* Objects in system memory use no VRAM... */
	h = create(fd, SZ_2M, NOVA_GEM_DOMAIN_GART);
	igt_assert_eq_u64(vram_used(fd), start);
	gem_close(fd, h);
	h = create(fd, SZ_2M, 0);
	igt_assert_eq_u64(vram_used(fd), start);
	gem_close(fd, h);

	/* ...those that may live in either go to VRAM while there is room. */
	h = create(fd, SZ_2M, NOVA_GEM_DOMAINS);
	igt_assert_eq_u64(vram_used(fd), start + SZ_2M);
	gem_close(fd, h);
	igt_assert_eq_u64(vram_used(fd), start);

	/* Another file sees the same figure: it is the device's. */
	{
		int other = nova_open_render();

		h = create(other, SZ_64K, NOVA_GEM_DOMAIN_VRAM);
		igt_assert_eq_u64(vram_used(fd), start + SZ_64K);
		igt_assert_eq(close(other), 0);
		assert_vram_used_settles(fd, start, "file closed");
	}
}

static int prime_export(int fd, uint32_t handle, int *dmabuf)
{
	struct drm_prime_handle a = {
		.handle = handle, .flags = DRM_CLOEXEC | DRM_RDWR, .fd = -1,
	};
	int ret = nova_ioctl(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &a);

	*dmabuf = a.fd;
	return ret;
}

static void test_gem_vram_mmap(int fd)
{
	struct drm_nova_gem_mmap_offset arg;
	uint32_t vram, both, gart;
	uint32_t *p;

	require_gsp();
	vram = create(fd, SZ_64K, NOVA_GEM_DOMAIN_VRAM);
	both = create(fd, SZ_64K, NOVA_GEM_DOMAINS);
	gart = create(fd, SZ_64K, NOVA_GEM_DOMAIN_GART | NOVA_GEM_NO_SHARE);
	igt_assert_eq_u32(nova_gem_flags(fd, both), NOVA_GEM_DOMAIN_VRAM);

	/* Flags are checked first... */
	arg = (struct drm_nova_gem_mmap_offset){ .handle = vram, .flags = 1 };
	igt_assert_eq(__nova_gem_mmap_offset(fd, &arg), -EINVAL);

	/*
	 * ...then VRAM maps through BAR1: what the CPU writes there is in
	 * VRAM, so a second mapping (and a mapping of another object of the
	 * same size) sees what it should, byte for byte.
	 */
	p = nova_gem_mmap(fd, vram, SZ_64K, PROT_READ | PROT_WRITE);
	fill(p, SZ_64K, 0x7a);
	check(p, SZ_64K, 0x7a);
	igt_assert_eq(munmap(p, SZ_64K), 0);
	p = nova_gem_mmap(fd, both, SZ_64K, PROT_READ | PROT_WRITE);
	fill(p, SZ_64K, 0xb0);
	igt_assert_eq(munmap(p, SZ_64K), 0);
	p = nova_gem_mmap(fd, vram, SZ_64K, PROT_READ);
	check(p, SZ_64K, 0x7a);
	igt_assert_eq(munmap(p, SZ_64K), 0);
	p = nova_gem_mmap(fd, both, SZ_64K, PROT_READ);
	check(p, SZ_64K, 0xb0);
	igt_assert_eq(munmap(p, SZ_64K), 0);
	/*
	 * A 2 MiB object, which BAR1 maps with a 2 MiB page: each 4 KiB of it
	 * reaches its own memory.
	 */
	{
		uint32_t big = create(fd, SZ_2M, NOVA_GEM_DOMAIN_VRAM);

		p = nova_gem_mmap(fd, big, SZ_2M, PROT_READ | PROT_WRITE);
		fill_pages(p, SZ_2M, 0x2f);
		igt_assert_eq(munmap(p, SZ_2M), 0);
		p = nova_gem_mmap(fd, big, SZ_2M, PROT_READ);
		check_pages(p, SZ_2M, 0x2f);
		igt_assert_eq(munmap(p, SZ_2M), 0);
		gem_close(fd, big);
	}

	/*
	 * Not through a dma-buf, if VRAM objects could be exported at all:
	 * the CPU must not see other memory in the object's place.
	 */
	{
		int dmabuf, ret = prime_export(fd, vram, &dmabuf);

		igt_info("PRIME export of a VRAM object: %s\n",
			 strerror(-ret));
		if (!ret) {
			void *q = mmap(NULL, SZ_64K, PROT_READ, MAP_SHARED,
				       dmabuf, 0);

			if (q != MAP_FAILED)
				munmap(q, SZ_64K);
			close(dmabuf);
			igt_assert_f(q == MAP_FAILED, "the dma-buf of a VRAM "
				     "object maps to the CPU\n");
		}
	}

	/* ...and system memory maps as before, private or not. */
	p = nova_gem_mmap(fd, gart, SZ_64K, PROT_READ | PROT_WRITE);
	fill(p, SZ_64K, 0x64);
	check(p, SZ_64K, 0x64);
	igt_assert_eq(munmap(p, SZ_64K), 0);

	gem_close(fd, vram);
	gem_close(fd, both);
	gem_close(fd, gart);
}

static void test_gem_flags_invalid(int fd)
{
	struct drm_nova_gem_create c;
	struct drm_nova_gem_info info;
	uint64_t start;
	uint32_t h;

	require_gsp();
	start = vram_used(fd);
	for (uint32_t bit = 1; bit; bit <<= 1) {
		if (bit & NOVA_GEM_CREATE_FLAGS)
			continue;
		c = (struct drm_nova_gem_create){ .size = SZ_4K, .flags = bit };
		igt_assert_eq(__nova_gem_create(fd, &c), -EINVAL);
		c.flags = bit | NOVA_GEM_DOMAIN_VRAM;
		igt_assert_eq(__nova_gem_create(fd, &c), -EINVAL);
		c.flags = bit | NOVA_GEM_CREATE_FLAGS;
		igt_assert_eq(__nova_gem_create(fd, &c), -EINVAL);
	}
	c = (struct drm_nova_gem_create){ .size = SZ_4K, .flags = ~0u };
	igt_assert_eq(__nova_gem_create(fd, &c), -EINVAL);
	/* Nothing was allocated by the refused calls. */
	igt_assert_eq_u64(vram_used(fd), start);

	/* GEM_INFO's flags are output only, whatever the object. */
	h = create(fd, SZ_4K, NOVA_GEM_DOMAIN_VRAM | NOVA_GEM_NO_SHARE);
	for (uint32_t bit = 1; bit; bit <<= 1) {
		info = (struct drm_nova_gem_info){ .handle = h, .flags = bit };
		igt_assert_eq(__nova_gem_info(fd, &info), -EINVAL);
	}
	gem_close(fd, h);
}

static void test_gem_no_share(int fd)
{
	static const uint32_t private_flags[] = {
		NOVA_GEM_NO_SHARE, NOVA_GEM_NO_SHARE | NOVA_GEM_DOMAIN_GART,
		NOVA_GEM_NO_SHARE | NOVA_GEM_DOMAIN_VRAM,
		NOVA_GEM_NO_SHARE | NOVA_GEM_DOMAINS,
	};
	int dmabuf, ret;
	uint32_t h;

	require_gsp();
	/* An object of system memory can be exported... */
	h = create(fd, SZ_4K, NOVA_GEM_DOMAIN_GART);
	igt_assert_eq(prime_export(fd, h, &dmabuf), 0);
	igt_assert_eq(close(dmabuf), 0);
	gem_close(fd, h);

	/* ...a VM-private one never. */
	for (size_t i = 0; i < ARRAY_SIZE(private_flags); i++) {
		h = create(fd, SZ_64K, private_flags[i]);
		ret = prime_export(fd, h, &dmabuf);
		igt_info("export of a NO_SHARE object (flags %#x): %s\n",
			 private_flags[i], strerror(-ret));
		if (!ret)
			close(dmabuf);
		igt_assert_f(ret < 0, "a NO_SHARE object was exported\n");
		/* It is still there and usable. */
		igt_assert_eq_u32(nova_gem_flags(fd, h) & NOVA_GEM_NO_SHARE,
				  NOVA_GEM_NO_SHARE);
		gem_close(fd, h);
	}
}

/* --- VM_INIT ------------------------------------------------------------------ */

static void test_vm_init(void)
{
	int fd, ret;

	require_gsp();

	/* Once per file; a second time EEXIST, whatever the range. */
	fd = nova_open_render();
	nova_vm_init(fd, KM_ADDR, KM_SIZE);
	igt_assert_eq(__nova_vm_init(fd, KM_ADDR, KM_SIZE), -EEXIST);
	igt_assert_eq(__nova_vm_init(fd, 0, 0), -EEXIST);
	igt_assert_eq(__nova_vm_init(fd, 0, va_end), -EEXIST);
	/* (A wrong range may be refused as such, or as the second one.) */
	ret = __nova_vm_init(fd, 1, 0);
	igt_assert_f(ret == -EEXIST || ret == -EINVAL, "%s\n", strerror(-ret));
	/* The VA space is there and works. */
	bind_ok(fd, op_unmap(VA_BASE, SZ_4K));
	igt_assert_eq(close(fd), 0);

	/* An empty kernel-managed range: all of the VA space is the user's. */
	fd = nova_open_render();
	nova_vm_init(fd, 0, 0);
	bind_ok(fd, op_unmap(0, va_end));
	bind_ok(fd, op_sparse(va_end - SZ_2M, SZ_2M));
	igt_assert_eq(close(fd), 0);

	/* An empty kernel-managed range holds no address: all is the user's. */
	fd = nova_open_render();
	nova_vm_init(fd, KM_ADDR, 0);
	bind_ok(fd, op_unmap(KM_ADDR - SZ_4K, 2 * SZ_4K));
	bind_ok(fd, op_sparse(KM_ADDR - SZ_2M, 2 * SZ_2M));
	bind_ok(fd, op_unsparse(KM_ADDR - SZ_2M, 2 * SZ_2M));
	igt_assert_eq(close(fd), 0);

	/* A kernel-managed range at the very top... */
	fd = nova_open_render();
	nova_vm_init(fd, va_end - SZ_4K, SZ_4K);
	bind_expect(fd, op_unmap(va_end - SZ_4K, SZ_4K), -EINVAL);
	bind_ok(fd, op_unmap(va_end - SZ_2M, SZ_2M - SZ_4K));
	igt_assert_eq(close(fd), 0);

	/* ...or everything: nothing is left to bind. */
	fd = nova_open_render();
	nova_vm_init(fd, 0, va_end);
	bind_expect(fd, op_unmap(VA_BASE, SZ_4K), -EINVAL);
	bind_expect(fd, op_sparse(VA_BASE, SZ_2M), -EINVAL);
	igt_assert_eq(close(fd), 0);

	/* Files are independent: each its own VA space. */
	{
		int a = nova_open_render(), b = nova_open_render();

		nova_vm_init(a, KM_ADDR, KM_SIZE);
		igt_assert_eq(__nova_vm_bind(b, NULL, 0, NULL), -ENOENT);
		nova_vm_init(b, 0, 0);
		bind_ok(b, op_unmap(KM_ADDR, SZ_4K));
		bind_expect(a, op_unmap(KM_ADDR, SZ_4K), -EINVAL);
		igt_assert_eq(close(a), 0);
		igt_assert_eq(close(b), 0);
	}
}

static void test_vm_init_invalid(void)
{
	const struct {
		uint64_t addr, size;
		const char *what;
	} bad[] = {
		{ 1, 0, "unaligned address" },
		{ KM_ADDR + 0x800, KM_SIZE, "unaligned address" },
		{ KM_ADDR + SZ_4K - 1, SZ_4K, "unaligned address" },
		{ KM_ADDR, SZ_4K + 1, "unaligned size" },
		{ KM_ADDR, 0x800, "unaligned size" },
		{ KM_ADDR, ~0ull, "unaligned, huge size" },
		{ va_end, SZ_4K, "past the VA space" },
		{ va_end - SZ_4K, 2 * SZ_4K, "running past the VA space" },
		{ 0, va_end + SZ_4K, "larger than the VA space" },
		{ va_end + SZ_4K, 0, "empty, past the VA space" },
		{ 1ull << 63, SZ_4K, "far past the VA space" },
		{ ~0ull - SZ_4K + 1, 2 * SZ_4K, "wrapping around" },
		{ SZ_4K, ~0ull - SZ_4K + 1, "wrapping around" },
	};
	uint8_t *p;
	int fd;

	require_gsp();
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		fd = nova_open_render();
		igt_debug("VM_INIT %#" PRIx64 " + %#" PRIx64 " (%s)\n",
			  bad[i].addr, bad[i].size, bad[i].what);
		igt_assert_f(__nova_vm_init(fd, bad[i].addr, bad[i].size) ==
			     -EINVAL, "VM_INIT [%#" PRIx64 ", +%#" PRIx64
			     ") (%s) did not fail with EINVAL\n", bad[i].addr,
			     bad[i].size, bad[i].what);
		/* Nothing was made: no VA space, and VM_INIT works. */
		igt_assert_eq(__nova_vm_bind(fd, NULL, 0, NULL), -ENOENT);
		nova_vm_init(fd, KM_ADDR, KM_SIZE);
		igt_assert_eq(close(fd), 0);
	}

	/* Bad argument pointers (DRM_IOW: only read). */
	fd = nova_open_render();
	igt_assert_eq(nova_ioctl(fd, DRM_IOCTL_NOVA_VM_INIT, NULL), -EFAULT);
	igt_assert_eq(nova_ioctl(fd, DRM_IOCTL_NOVA_VM_INIT,
				 (void *)(uintptr_t)unmapped_address()),
		      -EFAULT);
	p = guarded_pages(2);
	igt_assert_eq(nova_ioctl(fd, DRM_IOCTL_NOVA_VM_INIT,
				 p + page_size - 8), -EFAULT);
	igt_assert_eq(__nova_vm_bind(fd, NULL, 0, NULL), -ENOENT);
	/* A read-only argument is fine: nothing is written back. */
	memset(p, 0, page_size);
	igt_assert_eq(mprotect(p, page_size, PROT_READ), 0);
	igt_assert_eq(nova_ioctl(fd, DRM_IOCTL_NOVA_VM_INIT, p), 0);
	igt_assert_eq(nova_ioctl(fd, DRM_IOCTL_NOVA_VM_INIT, p), -EEXIST);
	igt_assert_eq(munmap(p, 2 * page_size), 0);
	igt_assert_eq(close(fd), 0);
}

static void test_bind_before_init(void)
{
	struct drm_nova_vm_bind_op ops[2];
	uint32_t h;
	int fd;

	require_gsp();
	fd = nova_open_render();
	h = create(fd, SZ_64K, NOVA_GEM_DOMAIN_VRAM);
	ops[0] = op_map(h, VA_BASE, 0, SZ_64K);
	ops[1] = op_unmap(VA_BASE, SZ_64K);
	igt_assert_eq(__nova_vm_bind(fd, &ops[0], 1, NULL), -ENOENT);
	igt_assert_eq(__nova_vm_bind(fd, &ops[1], 1, NULL), -ENOENT);
	igt_assert_eq(__nova_vm_bind(fd, ops, 2, NULL), -ENOENT);
	igt_assert_eq(__nova_vm_bind(fd, ops, 0, NULL), -ENOENT);
	bind_expect(fd, op_sparse(SPARSE_BASE, SZ_2M), -ENOENT);

	/* After VM_INIT the same calls work. */
	nova_vm_init(fd, KM_ADDR, KM_SIZE);
	igt_assert_eq(__nova_vm_bind(fd, ops, 2, NULL), 0);
	igt_assert_eq(__nova_vm_bind(fd, ops, 0, NULL), 0);
	gem_close(fd, h);
	igt_assert_eq(close(fd), 0);
}

/* --- VM_BIND patterns ----------------------------------------------------------- */

static void test_bind_map_unmap(void)
{
	uint32_t gart, vram, both;
	uint64_t start, used;
	int fd;

	require_gsp();
	start = vram_used(drm_fd);
	fd = open_vm();
	gart = create(fd, SZ_64K, NOVA_GEM_DOMAIN_GART);
	vram = create(fd, SZ_64K, NOVA_GEM_DOMAIN_VRAM);
	both = create(fd, SZ_64K, NOVA_GEM_DOMAINS);

	bind_ok(fd, op_map(gart, VA_BASE, 0, SZ_64K));
	bind_ok(fd, op_unmap(VA_BASE, SZ_64K));
	bind_ok(fd, op_map(gart, VA_BASE, 0, SZ_64K));
	bind_ok(fd, op_map(vram, VA_BASE + SZ_1M, 0, SZ_64K));
	bind_ok(fd, op_map(both, VA_BASE + SZ_2M, 0, SZ_64K));
	/* Parts of objects, at other offsets. */
	bind_ok(fd, op_map(vram, VA_BASE + SZ_1G, SZ_4K, 2 * SZ_4K));
	bind_ok(fd, op_map(gart, VA_BASE + SZ_1G + SZ_1M, SZ_64K - SZ_4K,
			   SZ_4K));
	/* Unmapping what is not mapped is no error. */
	bind_ok(fd, op_unmap(VA_BASE + 4 * SZ_1G, SZ_2M));
	/* One UNMAP over several mappings and the holes between them. */
	bind_ok(fd, op_unmap(VA_BASE, SZ_1G + SZ_2M));
	/* Mapped and unmapped in one call, in order. */
	{
		struct drm_nova_vm_bind_op ops[] = {
			op_map(vram, VA_BASE, 0, SZ_64K),
			op_map(gart, VA_BASE + SZ_64K, 0, SZ_64K),
			op_unmap(VA_BASE, 2 * SZ_64K),
			op_map(both, VA_BASE, 0, SZ_64K),
		};

		igt_assert_eq(__nova_vm_bind(fd, ops, ARRAY_SIZE(ops), NULL),
			      0);
	}
	bind_ok(fd, op_unmap(0, KM_ADDR));

	/* Unmapped, the objects go with their handles. */
	used = vram_used(fd);
	gem_close(fd, gart);
	gem_close(fd, vram);
	gem_close(fd, both);
	igt_assert_eq_u64(vram_used(fd), used - 2 * SZ_64K);
	igt_assert_eq(close(fd), 0);
	assert_vram_used_settles(drm_fd, start, "VA space closed");
}

static void test_bind_partial_unmap(void)
{
	const uint64_t va = VA_BASE;
	int fd;
	uint32_t a, b, v2m, v64k;
	uint64_t used;

	require_gsp();
	fd = open_vm();
	a = create(fd, 16 * SZ_4K, NOVA_GEM_DOMAIN_GART);
	b = create(fd, 16 * SZ_4K, NOVA_GEM_DOMAIN_VRAM);

	/* A hole in the middle splits a mapping in two... */
	bind_ok(fd, op_map(a, va, 0, 16 * SZ_4K));
	bind_ok(fd, op_unmap(va + 4 * SZ_4K, 4 * SZ_4K));
	/* ...whose ends can be cut again... */
	bind_ok(fd, op_unmap(va, SZ_4K));
	bind_ok(fd, op_unmap(va + 15 * SZ_4K, SZ_4K));
	/* ...and the hole filled with another object. */
	bind_ok(fd, op_map(b, va + 4 * SZ_4K, 4 * SZ_4K, 4 * SZ_4K));
	/* An unmap across the edges of three mappings. */
	bind_ok(fd, op_unmap(va + 3 * SZ_4K, 6 * SZ_4K));
	bind_ok(fd, op_unmap(va, 16 * SZ_4K));

	/* A 2 MiB page split by a 4 KiB hole, then unmapped bit by bit. */
	v2m = create(fd, SZ_2M, NOVA_GEM_DOMAIN_VRAM);
	bind_ok(fd, op_map(v2m, VA_BASE + SZ_1G, 0, SZ_2M));
	bind_ok(fd, op_unmap(VA_BASE + SZ_1G + SZ_1M, SZ_4K));
	bind_ok(fd, op_unmap(VA_BASE + SZ_1G, SZ_64K));
	bind_ok(fd, op_unmap(VA_BASE + SZ_1G + SZ_2M - SZ_64K - SZ_4K,
			     SZ_64K + SZ_4K));
	/* Mapped again whole over what is left. */
	bind_ok(fd, op_map(v2m, VA_BASE + SZ_1G, 0, SZ_2M));

	/* A 64 KiB page split likewise. */
	v64k = create(fd, SZ_64K, NOVA_GEM_DOMAIN_VRAM);
	bind_ok(fd, op_map(v64k, VA_BASE + 2 * SZ_1G, 0, SZ_64K));
	bind_ok(fd, op_unmap(VA_BASE + 2 * SZ_1G + SZ_4K, SZ_4K));
	bind_ok(fd, op_unmap(VA_BASE + 2 * SZ_1G + 8 * SZ_4K, 8 * SZ_4K));

	/*
	 * Whatever the splits, once nothing maps an object its handle is the
	 * last reference: closing it frees the VRAM.
	 */
	bind_ok(fd, op_unmap(VA_BASE, 4 * SZ_1G));
	used = vram_used(fd);
	gem_close(fd, v2m);
	igt_assert_eq_u64(vram_used(fd), used - SZ_2M);
	gem_close(fd, v64k);
	igt_assert_eq_u64(vram_used(fd), used - SZ_2M - SZ_64K);
	gem_close(fd, a);
	gem_close(fd, b);
	igt_assert_eq(close(fd), 0);
}

static void test_bind_remap(void)
{
	const uint64_t va = VA_BASE;
	int fd;
	uint32_t a, b;
	uint64_t used;

	require_gsp();
	fd = open_vm();
	a = create(fd, SZ_64K, NOVA_GEM_DOMAIN_VRAM);
	b = create(fd, SZ_64K, NOVA_GEM_DOMAIN_GART);

	/* A MAP over a mapping replaces what it covers. */
	bind_ok(fd, op_map(a, va, 0, SZ_64K));
	bind_ok(fd, op_map(b, va + 4 * SZ_4K, 0, 4 * SZ_4K));
	bind_ok(fd, op_map(b, va, 0, SZ_64K));
	bind_ok(fd, op_map(a, va + SZ_4K, SZ_4K, SZ_64K - SZ_4K));
	/* Over its own mapping, shifted. */
	bind_ok(fd, op_map(a, va + 2 * SZ_4K, 0, SZ_64K - 2 * SZ_4K));
	/* The same pages at several addresses. */
	bind_ok(fd, op_map(a, va + SZ_1M, 0, SZ_64K));
	bind_ok(fd, op_map(a, va + SZ_2M, 0, SZ_64K));
	bind_ok(fd, op_map(a, va + SZ_2M + SZ_64K, 0, SZ_64K));
	/* Straddling two mappings of different objects. */
	bind_ok(fd, op_map(b, va + SZ_2M + SZ_64K / 2, 0, SZ_64K));

	/*
	 * a is now mapped only where b did not replace it: once b replaces
	 * the rest, a is mapped nowhere and its handle frees it.
	 */
	bind_ok(fd, op_map(b, va, 0, SZ_64K));
	bind_ok(fd, op_map(b, va + SZ_64K, 0, SZ_4K));
	bind_ok(fd, op_unmap(va + SZ_1M, SZ_64K));
	bind_ok(fd, op_map(b, va + SZ_2M, 0, SZ_64K));
	bind_ok(fd, op_map(b, va + SZ_2M + SZ_64K, 0, SZ_64K));
	bind_ok(fd, op_unmap(va + SZ_2M + 2 * SZ_64K, SZ_64K));
	used = vram_used(fd);
	gem_close(fd, a);
	igt_assert_eq_u64(vram_used(fd), used - SZ_64K);

	bind_ok(fd, op_unmap(va, SZ_1G));
	gem_close(fd, b);
	igt_assert_eq(close(fd), 0);
}

static void test_bind_many_4k(void)
{
	const uint64_t size = OPS_MAX * SZ_4K;
	struct drm_nova_vm_bind_op *ops;
	uint64_t start;
	uint32_t h, out;
	int fd;

	require_gsp();
	start = vram_used(drm_fd);
	fd = open_vm();
	h = create(fd, size, NOVA_GEM_DOMAIN_GART);
	ops = calloc(OPS_MAX, sizeof(*ops));
	igt_assert(ops);

	/* 1024 pages, each at every other page of the VA, in one call. */
	for (int i = 0; i < OPS_MAX; i++)
		ops[i] = op_map(h, VA_BASE + 2 * i * SZ_4K,
				(uint64_t)((i * 37) % OPS_MAX) * SZ_4K, SZ_4K);
	igt_assert_eq(__nova_vm_bind(fd, ops, OPS_MAX, &out), 0);
	/* The pages between, in reverse order. */
	for (int i = 0; i < OPS_MAX; i++)
		ops[i] = op_map(h, VA_BASE + (2 * (OPS_MAX - 1 - i) + 1) * SZ_4K,
				(uint64_t)i * SZ_4K, SZ_4K);
	igt_assert_eq(__nova_vm_bind(fd, ops, OPS_MAX, &out), 0);
	/* Every other page unmapped, one operation each. */
	for (int i = 0; i < OPS_MAX; i++)
		ops[i] = op_unmap(VA_BASE + 2 * i * SZ_4K, SZ_4K);
	igt_assert_eq(__nova_vm_bind(fd, ops, OPS_MAX, &out), 0);

	/* One call a page, in another page table. */
	for (int i = 0; i < 256; i++)
		bind_ok(fd, op_map(h, VA_BASE + SZ_1G + i * SZ_4K,
				   (uint64_t)i * SZ_4K, SZ_4K));
	for (int i = 0; i < 256; i += 2)
		bind_ok(fd, op_unmap(VA_BASE + SZ_1G + i * SZ_4K, SZ_4K));

	/* Pages scattered over the VA space, each in its own page tables. */
	for (int i = 0; i < 64; i++)
		ops[i] = op_map(h, VA_BASE + (uint64_t)i * 4 * SZ_1G +
				(uint64_t)i * SZ_2M, 0, SZ_4K);
	igt_assert_eq(__nova_vm_bind(fd, ops, 64, &out), 0);

	free(ops);
	gem_close(fd, h);
	igt_assert_eq(close(fd), 0);
	assert_vram_used_settles(drm_fd, start, "VA space with 2000 small "
				 "bindings closed");
}

/*
 * A VRAM object of @size bound at VAs and offsets aligned to @page (where
 * nova can use pages that large), and at ones that are not (where it must
 * use smaller ones).
 */
static void test_bind_large(uint64_t page, uint64_t size)
{
	const uint64_t va = VA_BASE + 16 * SZ_1G;
	uint64_t start, used;
	uint32_t h;
	int fd;

	require_gsp();
	start = vram_used(drm_fd);
	fd = open_vm();
	h = create(fd, size, NOVA_GEM_DOMAIN_VRAM);

	bind_ok(fd, op_map(h, va, 0, size));
	bind_ok(fd, op_map(h, va + SZ_1G, page, size - page));
	bind_ok(fd, op_map(h, va + 2 * SZ_1G, 0, page));
	/* Aligned to smaller pages only. */
	bind_ok(fd, op_map(h, va + 3 * SZ_1G + page / 2, 0, size));
	bind_ok(fd, op_map(h, va + 4 * SZ_1G + SZ_4K, 0, size));
	bind_ok(fd, op_map(h, va + 5 * SZ_1G, SZ_4K, size - SZ_4K));
	bind_ok(fd, op_map(h, va + 6 * SZ_1G, 0, size - SZ_4K));
	/* A large page broken up, and mapped over again. */
	bind_ok(fd, op_unmap(va + page, SZ_4K));
	bind_ok(fd, op_unmap(va + 2 * page - SZ_4K, 2 * SZ_4K));
	bind_ok(fd, op_map(h, va, 0, size));
	bind_ok(fd, op_map(h, va + SZ_4K, SZ_4K, page));

	bind_ok(fd, op_unmap(va, 8 * SZ_1G));
	used = vram_used(fd);
	gem_close(fd, h);
	igt_assert_eq_u64(vram_used(fd), used - size);
	igt_assert_eq(close(fd), 0);
	assert_vram_used_settles(drm_fd, start, "VA space closed");
}

/* --- sparse regions ------------------------------------------------------------- */

static void test_sparse(void)
{
	const uint64_t s = SPARSE_BASE, len = 4 * SZ_2M;
	int fd;
	uint32_t h, g;
	uint64_t used;

	require_gsp();
	fd = open_vm();
	h = create(fd, SZ_2M, NOVA_GEM_DOMAIN_VRAM);
	g = create(fd, SZ_64K, NOVA_GEM_DOMAIN_GART);

	/* A region, objects mapped inside it, unmapped to sparse again. */
	bind_ok(fd, op_sparse(s, len));
	bind_ok(fd, op_map(h, s, 0, SZ_2M));
	bind_ok(fd, op_map(g, s + SZ_2M + SZ_64K, 0, SZ_64K));
	bind_ok(fd, op_map(h, s + len - SZ_64K, 0, SZ_64K));
	bind_ok(fd, op_unmap(s + SZ_1M, SZ_4K));
	bind_ok(fd, op_unmap(s, SZ_2M));
	/* A MAP of the whole region. */
	bind_ok(fd, op_map(h, s + SZ_2M, 0, SZ_2M));

	/* Regions may not overlap. */
	bind_expect(fd, op_sparse(s, len), -EINVAL);
	bind_expect(fd, op_sparse(s - SZ_2M, SZ_2M + SZ_4K), -EINVAL);
	bind_expect(fd, op_sparse(s + len - SZ_4K, SZ_2M), -EINVAL);
	bind_expect(fd, op_sparse(s + SZ_2M, SZ_4K), -EINVAL);
	bind_expect(fd, op_sparse(s - SZ_2M, len + 2 * SZ_2M), -EINVAL);
	/* Next to each other they may. */
	bind_ok(fd, op_sparse(s + len, SZ_2M));
	bind_ok(fd, op_sparse(s - SZ_64K, SZ_64K));
	/*
	 * Across two regions that touch, a MAP is in neither wholly: EINVAL
	 * (nova_drm.h: "wholly inside or wholly outside every sparse
	 * region"), though together they cover it.
	 */
	bind_expect(fd, op_map(h, s + len - SZ_64K, 0, 2 * SZ_64K), -EINVAL);
	bind_expect(fd, op_map(h, s - SZ_64K, 0, SZ_1M), -EINVAL);

	/* An object's MAP lies wholly inside or outside every region. */
	bind_expect(fd, op_map(h, s - SZ_64K - SZ_4K, 0, 2 * SZ_4K), -EINVAL);
	bind_expect(fd, op_map(h, s - SZ_4K, 0, 2 * SZ_4K), -EINVAL);
	bind_expect(fd, op_map(h, s + len - SZ_4K, 0, 2 * SZ_4K), -EINVAL);
	bind_expect(fd, op_map(h, s - SZ_1M, 0, SZ_2M), -EINVAL);
	bind_expect(fd, op_map(h, s + len + SZ_2M - SZ_4K, 0, SZ_1M), -EINVAL);
	bind_ok(fd, op_map(h, s - SZ_2M, 0, SZ_2M - SZ_64K));
	bind_ok(fd, op_map(h, s + len + 2 * SZ_2M, 0, SZ_2M));
	/* UNMAPs may cross the edges (inside, pages go back to sparse). */
	bind_ok(fd, op_unmap(s - SZ_2M, SZ_2M + SZ_1M));
	bind_ok(fd, op_unmap(s + len + 2 * SZ_2M, SZ_2M));

	/* A sparse MAP names no object... */
	bind_expect(fd, (struct drm_nova_vm_bind_op){
			.op = NOVA_VM_BIND_OP_MAP, .flags = NOVA_VM_BIND_SPARSE,
			.handle = g, .addr = s + 16 * SZ_2M, .range = SZ_64K },
		    -EINVAL);
	bind_expect(fd, (struct drm_nova_vm_bind_op){
			.op = NOVA_VM_BIND_OP_MAP, .flags = NOVA_VM_BIND_SPARSE,
			.addr = s + 16 * SZ_2M, .bo_offset = SZ_4K,
			.range = SZ_64K }, -EINVAL);
	/* ...nor may a sparse UNMAP. */
	bind_expect(fd, (struct drm_nova_vm_bind_op){
			.op = NOVA_VM_BIND_OP_UNMAP,
			.flags = NOVA_VM_BIND_SPARSE, .handle = g,
			.addr = s + len, .range = SZ_2M }, -EINVAL);

	/* A sparse UNMAP removes exactly a region, nothing else. */
	bind_expect(fd, op_unsparse(s, len - SZ_4K), -EINVAL);
	bind_expect(fd, op_unsparse(s + SZ_4K, len - SZ_4K), -EINVAL);
	bind_expect(fd, op_unsparse(s, len + SZ_2M), -EINVAL);
	bind_expect(fd, op_unsparse(s - SZ_64K, len + SZ_64K), -EINVAL);
	bind_expect(fd, op_unsparse(s + 32 * SZ_2M, SZ_2M), -EINVAL);

	/*
	 * Removing a region unmaps what is in it: h is mapped only there
	 * now (s + 2M), so once the region is gone its handle frees it.
	 */
	bind_ok(fd, op_unsparse(s, len));
	used = vram_used(fd);
	gem_close(fd, h);
	igt_assert_eq_u64(vram_used(fd), used - SZ_2M);
	/* The range is free again: a new region, or plain mappings. */
	bind_ok(fd, op_sparse(s, SZ_2M));
	bind_ok(fd, op_unsparse(s, SZ_2M));
	bind_ok(fd, op_map(g, s, 0, SZ_64K));
	bind_ok(fd, op_unmap(s, SZ_64K));

	/* Regions are not in the kernel's range either. */
	bind_expect(fd, op_sparse(KM_ADDR, SZ_2M), -EINVAL);
	bind_expect(fd, op_sparse(KM_ADDR - SZ_2M, 2 * SZ_2M), -EINVAL);
	bind_ok(fd, op_sparse(KM_ADDR - SZ_2M, SZ_2M));
	bind_ok(fd, op_sparse(KM_ADDR + KM_SIZE, SZ_2M));

	/* Large regions, and many small ones. */
	bind_ok(fd, op_sparse(4 * SPARSE_BASE, 64 * SZ_1G));
	bind_ok(fd, op_map(g, 4 * SPARSE_BASE + 7 * SZ_1G, 0, SZ_64K));
	for (int i = 0; i < 128; i++)
		bind_ok(fd, op_sparse(8 * SPARSE_BASE + i * SZ_1M, SZ_64K));
	for (int i = 0; i < 128; i += 2)
		bind_ok(fd, op_unsparse(8 * SPARSE_BASE + i * SZ_1M, SZ_64K));

	gem_close(fd, g);
	igt_assert_eq(close(fd), 0);
}

/* --- VM_BIND errors --------------------------------------------------------------- */

static void test_bind_invalid_args(void)
{
	const uint64_t va = VA_BASE, size = 4 * SZ_64K;
	struct drm_nova_vm_bind_op op;
	uint64_t start;
	uint32_t h;
	int fd;

	require_gsp();
	start = vram_used(drm_fd);
	fd = open_vm();
	h = create(fd, size, NOVA_GEM_DOMAIN_VRAM);

	/* Unaligned address, offset, range. */
	for (uint64_t u = 1; u < SZ_4K; u <<= 1) {
		bind_expect(fd, op_map(h, va + u, 0, SZ_4K), -EINVAL);
		bind_expect(fd, op_map(h, va, u, SZ_4K), -EINVAL);
		bind_expect(fd, op_map(h, va, 0, SZ_4K + u), -EINVAL);
		bind_expect(fd, op_map(h, va, 0, u), -EINVAL);
		bind_expect(fd, op_unmap(va + u, SZ_4K), -EINVAL);
		bind_expect(fd, op_unmap(va, SZ_4K + u), -EINVAL);
		bind_expect(fd, op_sparse(SPARSE_BASE + u, SZ_64K), -EINVAL);
		bind_expect(fd, op_sparse(SPARSE_BASE, SZ_64K + u), -EINVAL);
	}
	/* Zero range. */
	bind_expect(fd, op_map(h, va, 0, 0), -EINVAL);
	bind_expect(fd, op_unmap(va, 0), -EINVAL);
	bind_expect(fd, op_sparse(SPARSE_BASE, 0), -EINVAL);
	bind_expect(fd, op_unsparse(SPARSE_BASE, 0), -EINVAL);
	/* Overflow: address + range, offset + range. */
	bind_expect(fd, op_map(h, ~0ull - SZ_4K + 1, 0, 2 * SZ_4K), -EINVAL);
	bind_expect(fd, op_map(h, va, ~0ull - SZ_4K + 1, 2 * SZ_4K), -EINVAL);
	bind_expect(fd, op_map(h, va, SZ_4K, ~0ull - SZ_4K + 1), -EINVAL);
	bind_expect(fd, op_unmap(SZ_4K, ~0ull - SZ_4K + 1), -EINVAL);
	bind_expect(fd, op_sparse(~0ull - SZ_4K + 1, 2 * SZ_4K), -EINVAL);
	/* Past the end of the VA space. */
	bind_expect(fd, op_map(h, va_end - SZ_4K, 0, 2 * SZ_4K), -EINVAL);
	bind_expect(fd, op_map(h, va_end, 0, SZ_4K), -EINVAL);
	bind_expect(fd, op_map(h, 1ull << 63, 0, SZ_4K), -EINVAL);
	bind_expect(fd, op_unmap(0, va_end + SZ_4K), -EINVAL);
	bind_expect(fd, op_sparse(va_end - SZ_64K, 2 * SZ_64K), -EINVAL);
	bind_ok(fd, op_map(h, va_end - SZ_4K, 0, SZ_4K));
	/* Past the end of the object. */
	bind_expect(fd, op_map(h, va, 0, size + SZ_4K), -EINVAL);
	bind_expect(fd, op_map(h, va, SZ_4K, size), -EINVAL);
	bind_expect(fd, op_map(h, va, size, SZ_4K), -EINVAL);
	bind_expect(fd, op_map(h, va, size - SZ_4K, 2 * SZ_4K), -EINVAL);
	bind_expect(fd, op_map(h, va, 1ull << 40, SZ_4K), -EINVAL);
	bind_ok(fd, op_map(h, va, size - SZ_4K, SZ_4K));
	/* Unknown operations. */
	for (uint32_t o = 2; o < 64; o++) {
		op = op_map(h, va, 0, SZ_4K);
		op.op = o;
		bind_expect(fd, op, -EINVAL);
	}
	op.op = ~0u;
	bind_expect(fd, op, -EINVAL);
	op.op = 1u << 31;
	bind_expect(fd, op, -EINVAL);
	/* Unknown flags, non-zero padding: every bit. */
	for (int bit = 0; bit < 32; bit++) {
		if ((1u << bit) != NOVA_VM_BIND_SPARSE) {
			op = op_map(h, va, 0, SZ_4K);
			op.flags = 1u << bit;
			bind_expect(fd, op, -EINVAL);
			op = op_unmap(va, SZ_4K);
			op.flags = 1u << bit;
			bind_expect(fd, op, -EINVAL);
		}
		op = op_map(h, va, 0, SZ_4K);
		op.pad = 1u << bit;
		bind_expect(fd, op, -EINVAL);
		op = op_unmap(va, SZ_4K);
		op.pad = 1u << bit;
		bind_expect(fd, op, -EINVAL);
	}
	/* UNMAP takes neither a handle nor an offset. */
	op = op_unmap(va, SZ_4K);
	op.handle = h;
	bind_expect(fd, op, -EINVAL);
	op = op_unmap(va, SZ_4K);
	op.bo_offset = SZ_4K;
	bind_expect(fd, op, -EINVAL);

	/* None of it left anything behind. */
	bind_ok(fd, op_unmap(0, KM_ADDR));
	gem_close(fd, h);
	igt_assert_eq(close(fd), 0);
	assert_vram_used_settles(drm_fd, start, "VA space closed");
}

static void test_bind_invalid_handle(void)
{
	uint32_t h, closed, theirs;
	int fd, other;

	require_gsp();
	fd = open_vm();
	other = open_vm();
	h = create(fd, SZ_64K, NOVA_GEM_DOMAIN_GART);
	closed = create(fd, SZ_64K, NOVA_GEM_DOMAIN_VRAM);
	gem_close(fd, closed);
	/* A handle of another file, which this file does not have. */
	do
		theirs = create(other, SZ_64K, NOVA_GEM_DOMAIN_VRAM);
	while (theirs <= h || theirs == closed);

	bind_expect(fd, op_map(closed, VA_BASE, 0, SZ_4K), -ENOENT);
	bind_expect(fd, op_map(theirs, VA_BASE, 0, SZ_4K), -ENOENT);
	bind_expect(fd, op_map(h + 1000, VA_BASE, 0, SZ_4K), -ENOENT);
	bind_expect(fd, op_map(~0u, VA_BASE, 0, SZ_4K), -ENOENT);
	bind_expect(fd, op_map(0x80000000u, VA_BASE, 0, SZ_4K), -ENOENT);
	/* Handle 0 is no object's; (EINVAL would say the same). */
	bind_expect2(fd, op_map(0, VA_BASE, 0, SZ_4K), -ENOENT, -EINVAL);
	/* In its own file it maps. */
	bind_ok(other, op_map(theirs, VA_BASE, 0, SZ_4K));
	bind_ok(fd, op_map(h, VA_BASE, 0, SZ_4K));

	gem_close(fd, h);
	igt_assert_eq(close(fd), 0);
	igt_assert_eq(close(other), 0);
}

static void test_bind_op_count(void)
{
	int fd;
	struct drm_nova_vm_bind_op *ops;
	uint32_t out;

	require_gsp();
	fd = open_vm();
	ops = calloc(OPS_MAX + 1, sizeof(*ops));
	igt_assert(ops);
	for (int i = 0; i <= OPS_MAX; i++)
		ops[i] = op_unmap(VA_BASE + i * SZ_4K, SZ_4K);

	igt_assert_eq(__nova_vm_bind(fd, ops, OPS_MAX, &out), 0);
	igt_assert_eq(__nova_vm_bind(fd, ops, OPS_MAX + 1, &out), -EINVAL);
	igt_assert_eq(__nova_vm_bind(fd, ops, 1u << 20, &out), -EINVAL);
	igt_assert_eq(__nova_vm_bind(fd, ops, ~0u, &out), -EINVAL);
	igt_assert_eq(__nova_vm_bind(fd, ops, 1u << 31, &out), -EINVAL);
	/* No operation: nothing to do, and no pointer is read. */
	igt_assert_eq(__nova_vm_bind(fd, ops, 0, &out), 0);
	igt_assert_eq(__nova_vm_bind(fd, NULL, 0, &out), 0);

	/* A bad operation anywhere fails the call. */
	ops[OPS_MAX - 1].range = 0;
	igt_assert_eq(__nova_vm_bind(fd, ops, OPS_MAX, &out), -EINVAL);
	free(ops);
	igt_assert_eq(close(fd), 0);
}

static void test_bind_bad_pointer(void)
{
	int fd;
	struct drm_nova_vm_bind arg;
	struct drm_nova_vm_bind_op *ops;
	uint8_t *p = guarded_pages(3);
	uint64_t bad[] = {
		0, 0x1000, unmapped_address(),
		(uintptr_t)(p + 2 * page_size),		/* PROT_NONE */
		0xffff888000000000ull, 0xffffffffff600000ull,
		0x8000000000000000ull, ~0ull - 15,
	};

	require_gsp();
	fd = open_vm();
	/* Unreadable operation arrays: EFAULT. */
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		arg = (struct drm_nova_vm_bind){ .op_count = 1,
						 .op_ptr = bad[i] };
		igt_assert_f(vm_bind_raw(fd, &arg) == -EFAULT,
			     "op_ptr %#" PRIx64 ": not EFAULT\n", bad[i]);
		arg = (struct drm_nova_vm_bind){ .op_count = 64,
						 .op_ptr = bad[i] };
		igt_assert_eq(vm_bind_raw(fd, &arg), -EFAULT);
	}

	/* An array whose last operations are in a PROT_NONE page. */
	ops = (void *)(p + 2 * page_size) - 4 * sizeof(*ops);
	for (int i = 0; i < 4; i++)
		ops[i] = op_unmap(VA_BASE + i * SZ_4K, SZ_4K);
	for (uint32_t n = 1; n <= 4; n++)
		igt_assert_eq(__nova_vm_bind(fd, ops, n, NULL), 0);
	igt_assert_eq(__nova_vm_bind(fd, ops, 5, NULL), -EFAULT);
	igt_assert_eq(__nova_vm_bind(fd, ops + 2, 3, NULL), -EFAULT);
	/* An operation cut in half by the PROT_NONE page. */
	igt_assert_eq(__nova_vm_bind(fd, (void *)((uint8_t *)ops +
						   3 * sizeof(*ops) + 8),
				     1, NULL), -EFAULT);

	/* Bad pointers to the argument itself. */
	igt_assert_eq(nova_ioctl(fd, DRM_IOCTL_NOVA_VM_BIND, NULL), -EFAULT);
	igt_assert_eq(nova_ioctl(fd, DRM_IOCTL_NOVA_VM_BIND,
				 (void *)(uintptr_t)bad[2]), -EFAULT);
	igt_assert_eq(nova_ioctl(fd, DRM_IOCTL_NOVA_VM_BIND,
				 p + 2 * page_size - 8), -EFAULT);
	/* Read-only: read and done, but op_count cannot be written back. */
	arg = (struct drm_nova_vm_bind){ .op_count = 0 };
	memcpy(p + page_size, &arg, sizeof(arg));
	igt_assert_eq(mprotect(p + page_size, page_size, PROT_READ), 0);
	igt_assert_eq(nova_ioctl(fd, DRM_IOCTL_NOVA_VM_BIND, p + page_size),
		      -EFAULT);

	igt_assert_eq(munmap(p, 3 * page_size), 0);
	igt_assert_eq(close(fd), 0);
}

static void test_bind_reserved(void)
{
	int fd;
	struct drm_nova_vm_bind_op op = op_unmap(VA_BASE, SZ_4K);
	struct drm_nova_vm_bind arg;
	uint64_t sync[4] = {};

	require_gsp();
	fd = open_vm();
	/*
	 * Flag bits other than RUN_ASYNC (bit 0) are undefined: EINVAL, with
	 * or without RUN_ASYNC beside them.
	 */
	for (int bit = 1; bit < 32; bit++) {
		arg = (struct drm_nova_vm_bind){
			.op_count = 1, .op_ptr = (uintptr_t)&op,
			.flags = 1u << bit,
		};
		igt_assert_f(vm_bind_raw(fd, &arg) == -EINVAL,
			     "flag bit %d: not EINVAL\n", bit);
		arg.flags |= NOVA_VM_BIND_RUN_ASYNC;
		igt_assert_f(vm_bind_raw(fd, &arg) == -EINVAL,
			     "flag bit %d with RUN_ASYNC: not EINVAL\n", bit);
	}
	arg = (struct drm_nova_vm_bind){
		.op_count = 1, .op_ptr = (uintptr_t)&op, .flags = ~0u,
	};
	igt_assert_eq(vm_bind_raw(fd, &arg), -EINVAL);

	/* Without RUN_ASYNC, any bit of the sync fields: EINVAL. */
	for (int bit = 0; bit < 64; bit++) {
		for (int field = 1; field < 5; field++) {
			arg = (struct drm_nova_vm_bind){
				.op_count = 1, .op_ptr = (uintptr_t)&op,
			};
			if (field < 3 && bit >= 32)
				continue;
			switch (field) {
			case 1: arg.wait_count = 1u << bit; break;
			case 2: arg.sig_count = 1u << bit; break;
			case 3: arg.wait_ptr = 1ull << bit; break;
			default: arg.sig_ptr = 1ull << bit; break;
			}
			igt_assert_f(vm_bind_raw(fd, &arg) == -EINVAL,
				     "sync field %d bit %d without RUN_ASYNC: "
				     "not EINVAL\n", field, bit);
		}
	}
	/* Sync arrays that would be valid with RUN_ASYNC: still EINVAL. */
	arg = (struct drm_nova_vm_bind){
		.op_count = 1, .op_ptr = (uintptr_t)&op, .wait_count = 1,
		.wait_ptr = (uintptr_t)sync,
	};
	igt_assert_eq(vm_bind_raw(fd, &arg), -EINVAL);
	arg = (struct drm_nova_vm_bind){
		.op_count = 1, .op_ptr = (uintptr_t)&op, .sig_count = 1,
		.sig_ptr = (uintptr_t)sync,
	};
	igt_assert_eq(vm_bind_raw(fd, &arg), -EINVAL);
	/* With no operation too. */
	arg = (struct drm_nova_vm_bind){ .wait_count = 1 };
	igt_assert_eq(vm_bind_raw(fd, &arg), -EINVAL);
	arg = (struct drm_nova_vm_bind){ .sig_ptr = (uintptr_t)sync };
	igt_assert_eq(vm_bind_raw(fd, &arg), -EINVAL);
	arg = (struct drm_nova_vm_bind){ .flags = 1u << 1 };
	igt_assert_eq(vm_bind_raw(fd, &arg), -EINVAL);

	/* Nothing refused above changed the VA space: a plain bind works. */
	arg = (struct drm_nova_vm_bind){
		.op_count = 1, .op_ptr = (uintptr_t)&op,
	};
	igt_assert_eq(vm_bind_raw(fd, &arg), 0);
	igt_assert_eq(close(fd), 0);
}

static void test_bind_kernel_managed(void)
{
	int fd;
	uint32_t h;

	require_gsp();
	fd = open_vm();
	h = create(fd, SZ_2M, NOVA_GEM_DOMAIN_VRAM);
	/* Inside, across the start, across the end, around it. */
	bind_expect(fd, op_map(h, KM_ADDR, 0, SZ_4K), -EINVAL);
	bind_expect(fd, op_map(h, KM_ADDR + KM_SIZE - SZ_4K, 0, SZ_4K),
		    -EINVAL);
	bind_expect(fd, op_map(h, KM_ADDR + SZ_1G, 0, SZ_2M), -EINVAL);
	bind_expect(fd, op_map(h, KM_ADDR - SZ_4K, 0, 2 * SZ_4K), -EINVAL);
	bind_expect(fd, op_map(h, KM_ADDR + KM_SIZE - SZ_4K, 0, 2 * SZ_4K),
		    -EINVAL);
	bind_expect(fd, op_unmap(KM_ADDR, SZ_4K), -EINVAL);
	bind_expect(fd, op_unmap(KM_ADDR - SZ_4K, 2 * SZ_4K), -EINVAL);
	bind_expect(fd, op_unmap(0, va_end), -EINVAL);
	bind_expect(fd, op_sparse(KM_ADDR + SZ_2M, SZ_2M), -EINVAL);
	bind_expect(fd, op_unsparse(KM_ADDR, KM_SIZE), -EINVAL);
	/* Right next to it is the user's. */
	bind_ok(fd, op_map(h, KM_ADDR - SZ_2M, 0, SZ_2M));
	bind_ok(fd, op_map(h, KM_ADDR + KM_SIZE, 0, SZ_2M));
	bind_ok(fd, op_unmap(0, KM_ADDR));
	bind_ok(fd, op_unmap(KM_ADDR + KM_SIZE, va_end - KM_ADDR - KM_SIZE));
	gem_close(fd, h);
	igt_assert_eq(close(fd), 0);
}

/*
 * A call refused for any operation changes nothing, even operations before
 * the bad one: seen through a sparse region (made again, it would overlap)
 * and through an object's VRAM (a mapping would keep it after its handle
 * is closed).
 */
static void test_bind_nothing_changed(void)
{
	int fd;
	struct drm_nova_vm_bind_op ops[3];
	uint64_t used;
	uint32_t h, g;

	require_gsp();
	fd = open_vm();
	h = create(fd, SZ_64K, NOVA_GEM_DOMAIN_VRAM);
	g = create(fd, SZ_64K, NOVA_GEM_DOMAIN_GART);

	ops[0] = op_sparse(SPARSE_BASE, SZ_2M);
	ops[1] = op_map(h, VA_BASE, 0, SZ_64K);
	ops[2] = op_map(g, VA_BASE + SZ_1M, 0, 0);		/* range 0 */
	igt_assert_eq(__nova_vm_bind(fd, ops, 3, NULL), -EINVAL);
	ops[2] = op_map(g + h + 100, VA_BASE + SZ_1M, 0, SZ_4K);
	igt_assert_eq(__nova_vm_bind(fd, ops, 3, NULL), -ENOENT);
	ops[2] = op_map(g, KM_ADDR, 0, SZ_4K);
	igt_assert_eq(__nova_vm_bind(fd, ops, 3, NULL), -EINVAL);
	ops[2] = op_unsparse(SPARSE_BASE + SZ_4K, SZ_4K);
	igt_assert_eq(__nova_vm_bind(fd, ops, 3, NULL), -EINVAL);

	/* h was never mapped: its handle was the last reference. */
	used = vram_used(fd);
	gem_close(fd, h);
	igt_assert_eq_u64(vram_used(fd), used - SZ_64K);
	/* The region was never made. */
	bind_ok(fd, op_sparse(SPARSE_BASE, SZ_2M));
	bind_ok(fd, op_unsparse(SPARSE_BASE, SZ_2M));

	gem_close(fd, g);
	igt_assert_eq(close(fd), 0);
}

/* --- VRAM exhaustion -------------------------------------------------------------- */

#define MAX_FILL 4096

struct fill {
	uint32_t handles[MAX_FILL];
	int n;
	uint64_t bytes;
};

/*
 * Creates VRAM-only objects, largest first, until not even one page is
 * left (the allocator's last word: -ENOMEM).
 */
static void fill_vram(int fd, struct fill *fl)
{
	uint64_t size = 1ull << 63;
	int ret = 0;

	while (size > size_max)
		size >>= 1;
	memset(fl, 0, sizeof(*fl));
	for (; size >= SZ_4K; size >>= 1) {
		while (fl->n < MAX_FILL) {
			ret = __create(fd, size, NOVA_GEM_DOMAIN_VRAM,
				       &fl->handles[fl->n]);
			if (ret)
				break;
			fl->n++;
			fl->bytes += size;
		}
		igt_assert_f(ret == -ENOMEM, "VRAM object of %#" PRIx64
			     " bytes: %s, expected ENOMEM when full\n", size,
			     strerror(-ret));
	}
	igt_info("VRAM full after %d objects, %" PRIu64 " MiB; VRAM_USED %"
		 PRIu64 " MiB of %" PRIu64 " MiB\n", fl->n, fl->bytes >> 20,
		 vram_used(fd) >> 20, (uint64_t)dinfo.vram_size >> 20);
}

static void release_vram(int fd, struct fill *fl)
{
	for (int i = 0; i < fl->n; i++)
		gem_close(fd, fl->handles[i]);
	fl->n = 0;
}

static void test_vram_exhaustion(void)
{
	struct fill *fl = calloc(1, sizeof(*fl));
	uint64_t start, used;
	uint32_t h, g;
	int fd, other, ret;

	require_gsp();
	igt_assert(fl);
	start = vram_used(drm_fd);
	fd = open_vm();
	fill_vram(fd, fl);
	used = vram_used(fd);
	igt_assert_lte_u64(used, dinfo.vram_size);

	/* VRAM alone: ENOMEM; either: system memory; system memory: fine. */
	igt_assert_eq(__create(fd, SZ_4K, NOVA_GEM_DOMAIN_VRAM, &h), -ENOMEM);
	h = create(fd, SZ_2M, NOVA_GEM_DOMAINS);
	igt_assert_eq_u32(nova_gem_flags(fd, h), NOVA_GEM_DOMAIN_GART);
	g = create(fd, SZ_64K, NOVA_GEM_DOMAIN_GART);
	igt_assert_eq_u64(vram_used(fd), used);

	/*
	 * A VA space or page tables may not fit any more: ENOMEM then,
	 * nothing else, and nothing left behind.
	 */
	other = nova_open_render();
	ret = __nova_vm_init(other, KM_ADDR, KM_SIZE);
	igt_info("VM_INIT with VRAM full: %s\n", strerror(-ret));
	igt_assert(ret == 0 || ret == -ENOMEM);
	if (ret == 0) {
		ret = __nova_vm_map(other, h, VA_BASE + 64 * SZ_1G, 0, SZ_2M,
				    0);
		igt_info("VM_BIND in a new VA space with VRAM full: %s\n",
			 strerror(-ret));
		igt_assert(ret == 0 || ret == -ENOMEM);
	}
	igt_assert_eq(close(other), 0);
	ret = __nova_vm_map(fd, g, VA_BASE + 128 * SZ_1G, 0, SZ_64K, 0);
	igt_info("VM_BIND with VRAM full: %s\n", strerror(-ret));
	igt_assert(ret == 0 || ret == -ENOMEM);

	/* Objects in system memory map into full VRAM's VA space too. */
	release_vram(fd, fl);
	bind_ok(fd, op_map(h, VA_BASE, 0, SZ_2M));
	gem_close(fd, h);
	gem_close(fd, g);
	igt_assert_eq(close(fd), 0);
	assert_vram_used_settles(drm_fd, start, "VRAM filled and released");

	/* And it fills the same way again: nothing leaked. */
	fd = nova_open_render();
	fill_vram(fd, fl);
	release_vram(fd, fl);
	igt_assert_eq(close(fd), 0);
	assert_vram_used_settles(drm_fd, start, "VRAM filled again");
	free(fl);
}

/*
 * With VRAM full, a call whose second operation needs a page table that
 * cannot be allocated: -ENOMEM, op_count says how many operations were
 * applied, those stay, the failed one is undone (seen through the VRAM of
 * the objects they map).
 */
static void test_bind_partial_failure(void)
{
	struct fill *fl = calloc(1, sizeof(*fl));
	struct drm_nova_vm_bind_op ops[2];
	uint64_t start, used;
	uint32_t a, b, keep, out;
	int fd, ret;

	require_gsp();
	igt_assert(fl);
	start = vram_used(drm_fd);
	fd = open_vm();
	a = create(fd, SZ_4K, NOVA_GEM_DOMAIN_VRAM);
	b = create(fd, SZ_4K, NOVA_GEM_DOMAIN_VRAM);
	keep = create(fd, SZ_4K, NOVA_GEM_DOMAIN_GART);
	/* The page tables of VA_BASE exist from here on. */
	bind_ok(fd, op_map(keep, VA_BASE, 0, SZ_4K));
	fill_vram(fd, fl);

	/*
	 * a goes next to keep (no new page table), b 100 TiB away (a new
	 * one at every level but the top).
	 */
	ops[0] = op_map(a, VA_BASE + SZ_4K, 0, SZ_4K);
	ops[1] = op_map(b, 100ull << 40, 0, SZ_4K);
	out = 2;
	ret = __nova_vm_bind(fd, ops, 2, &out);
	igt_info("two MAPs with VRAM full: %s, op_count %u\n", strerror(-ret),
		 out);
	release_vram(fd, fl);
	igt_skip_on_f(ret == 0, "no page table allocation failed (page "
		      "tables in reserve or outside VRAM): not testable\n");
	igt_assert_eq(ret, -ENOMEM);
	igt_assert_f(out < 2, "op_count %u after ENOMEM\n", out);

	/* b was undone: its handle is its last reference. */
	used = vram_used(fd);
	gem_close(fd, b);
	igt_assert_eq_u64(vram_used(fd), used - SZ_4K);
	/* a stays mapped if and only if op_count says it was applied. */
	used = vram_used(fd);
	gem_close(fd, a);
	igt_assert_eq_u64(vram_used(fd), out == 1 ? used : used - SZ_4K);
	/* The mapping that stays unmaps; then a goes. */
	used = vram_used(fd);
	bind_ok(fd, op_unmap(VA_BASE, 2 * SZ_4K));
	if (out == 1)
		igt_assert_lte_u64(vram_used(fd), used - SZ_4K);
	gem_close(fd, keep);
	igt_assert_eq(close(fd), 0);
	assert_vram_used_settles(drm_fd, start, "after the partial failure");
	free(fl);
}

/* --- lifetimes -------------------------------------------------------------------- */

static void test_handle_closed_while_bound(void)
{
	uint64_t start, used;
	uint32_t v, g, *p;
	int fd;

	require_gsp();
	start = vram_used(drm_fd);
	fd = open_vm();
	v = create(fd, SZ_2M, NOVA_GEM_DOMAIN_VRAM);
	g = create(fd, SZ_64K, NOVA_GEM_DOMAIN_GART);
	p = nova_gem_mmap(fd, g, SZ_64K, PROT_READ | PROT_WRITE);
	fill(p, SZ_64K, 0xb0b);
	bind_ok(fd, op_map(v, VA_BASE, 0, SZ_2M));
	bind_ok(fd, op_map(v, VA_BASE + SZ_1G, SZ_1M, SZ_64K));
	bind_ok(fd, op_map(g, VA_BASE + SZ_2M, 0, SZ_64K));

	/* The bindings hold the objects: the VRAM stays in use. */
	used = vram_used(fd);
	gem_close(fd, v);
	gem_close(fd, g);
	igt_assert_eq_u64(vram_used(fd), used);
	check(p, SZ_64K, 0xb0b);
	igt_assert_eq(__nova_vm_map(fd, v, VA_BASE + 2 * SZ_1G, 0, SZ_4K, 0),
		      -ENOENT);

	/* Unmapping drops them; the last unmap frees the VRAM. */
	bind_ok(fd, op_unmap(VA_BASE, SZ_2M));
	igt_assert_lt_u64(used - SZ_2M, vram_used(fd));
	bind_ok(fd, op_unmap(VA_BASE + SZ_1G, SZ_64K));
	igt_assert_lte_u64(vram_used(fd), used - SZ_2M);
	bind_ok(fd, op_unmap(VA_BASE + SZ_2M, SZ_64K));
	/* The CPU mapping keeps the system memory object's pages. */
	check(p, SZ_64K, 0xb0b);
	igt_assert_eq(munmap(p, SZ_64K), 0);
	igt_assert_eq(close(fd), 0);
	assert_vram_used_settles(drm_fd, start, "objects unmapped");
}

/* Makes a VA space full of bindings in @fd and leaves everything alive. */
static void populate(int fd, uint32_t seed)
{
	uint32_t h[6];

	nova_vm_init(fd, KM_ADDR, KM_SIZE);
	h[0] = create(fd, SZ_2M, NOVA_GEM_DOMAIN_VRAM);
	h[1] = create(fd, SZ_64K, NOVA_GEM_DOMAIN_VRAM | NOVA_GEM_NO_SHARE);
	h[2] = create(fd, 3 * SZ_4K, NOVA_GEM_DOMAIN_VRAM);
	h[3] = create(fd, SZ_64K, NOVA_GEM_DOMAIN_GART);
	h[4] = create(fd, SZ_2M, NOVA_GEM_DOMAINS);
	h[5] = create(fd, SZ_4K, NOVA_GEM_NO_SHARE);
	for (int i = 0; i < 6; i++) {
		uint64_t size = nova_gem_size(fd, h[i]);

		for (int k = 0; k < 4; k++)
			bind_ok(fd, op_map(h[i], VA_BASE + (seed % 64) * SZ_1G +
					   (uint64_t)(i * 4 + k) * SZ_2M +
					   (k & 1) * SZ_64K, 0, size));
	}
	bind_ok(fd, op_sparse(SPARSE_BASE, 8 * SZ_2M));
	bind_ok(fd, op_map(h[0], SPARSE_BASE + SZ_2M, 0, SZ_2M));
	bind_ok(fd, op_map(h[3], SPARSE_BASE + 4 * SZ_2M, 0, SZ_64K));
	bind_ok(fd, op_sparse(SPARSE_BASE + 64 * SZ_1G, SZ_1G));
	/* Some handles closed, some kept. */
	gem_close(fd, h[0]);
	gem_close(fd, h[3]);
	gem_close(fd, h[5]);
}

static void test_file_closed_with_binds(void)
{
	uint64_t start;
	int fd;

	require_gsp();
	start = vram_used(drm_fd);

	fd = nova_open_render();
	populate(fd, 1);
	igt_assert_lt_u64(start, vram_used(drm_fd));
	igt_assert_eq(close(fd), 0);
	assert_vram_used_settles(drm_fd, start, "file closed with bindings");

	/* A process that exits with its bindings (and a dup of the file). */
	igt_fork(child, 1) {
		int cfd = nova_open_render();

		populate(cfd, 2);
		igt_assert(dup(cfd) >= 0);
	}
	igt_waitchildren();
	assert_vram_used_settles(drm_fd, start, "process exited with bindings");

	/* A file shared with a child that binds more, then both close it. */
	fd = nova_open_render();
	populate(fd, 3);
	igt_fork(child, 1) {
		uint32_t h = create(fd, SZ_64K, NOVA_GEM_DOMAIN_VRAM);

		bind_ok(fd, op_map(h, VA_BASE + 100 * SZ_1G, 0, SZ_64K));
	}
	igt_waitchildren();
	igt_assert_eq(close(fd), 0);
	assert_vram_used_settles(drm_fd, start, "shared file closed");
}

static void test_many_vms(void)
{
	enum { FILES = 64 };
	int fds[FILES], order[FILES];
	uint32_t h[FILES];
	uint64_t start;

	require_gsp();
	start = vram_used(drm_fd);
	for (int i = 0; i < FILES; i++) {
		fds[i] = open_vm();
		h[i] = create(fds[i], SZ_64K, i % 2 ? NOVA_GEM_DOMAIN_VRAM :
						       NOVA_GEM_DOMAIN_GART);
		/* The same VAs in every file: each its own page tables. */
		bind_ok(fds[i], op_map(h[i], VA_BASE, 0, SZ_64K));
		bind_ok(fds[i], op_map(h[i], VA_BASE + (uint64_t)i * SZ_1G, 0,
				       SZ_64K));
		bind_ok(fds[i], op_sparse(SPARSE_BASE, SZ_2M));
		order[i] = i;
	}
	/* The VA spaces are independent: a region in each, the same range. */
	for (int i = 0; i < FILES; i++)
		bind_expect(fds[i], op_sparse(SPARSE_BASE, SZ_2M), -EINVAL);

	/* Closed in a shuffled order; the others keep working. */
	for (int i = FILES - 1; i > 0; i--) {
		int j = rand() % (i + 1), t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	for (int k = 0; k < FILES; k++) {
		int i = order[k];

		if (k % 3 == 0)
			gem_close(fds[i], h[i]);
		igt_assert_eq(close(fds[i]), 0);
		if (k + 1 < FILES) {
			int j = order[k + 1];

			bind_ok(fds[j], op_unmap(VA_BASE, SZ_64K));
			bind_ok(fds[j], op_unsparse(SPARSE_BASE, SZ_2M));
		}
	}
	assert_vram_used_settles(drm_fd, start, "64 VA spaces closed");
}

/*
 * An object of system memory written through its CPU mapping, bound (the
 * GPU sees the pages the CPU wrote: nvsim's audit checks the entries), and
 * written and read through the CPU while bound, after its handle is
 * closed and after it is unbound.
 */
static void test_sysmem_bind(void)
{
	const uint64_t size = 16 * SZ_4K;
	uint32_t h, *p;
	int fd;

	require_gsp();
	fd = open_vm();
	h = create(fd, size, NOVA_GEM_DOMAIN_GART);
	p = nova_gem_mmap(fd, h, size, PROT_READ | PROT_WRITE);
	fill(p, size, 0x5eed);

	bind_ok(fd, op_map(h, VA_BASE, 0, size));
	bind_ok(fd, op_map(h, VA_BASE + SZ_2M, 4 * SZ_4K, 8 * SZ_4K));
	bind_ok(fd, op_map(h, VA_BASE + SZ_1G + SZ_64K, 0, size));
	check(p, size, 0x5eed);
	fill(p, size, 0xfeed);
	check(p, size, 0xfeed);

	/* A second CPU mapping while bound sees the same pages. */
	{
		uint32_t *q = nova_gem_mmap(fd, h, size, PROT_READ);

		check(q, size, 0xfeed);
		igt_assert_eq(munmap(q, size), 0);
	}

	gem_close(fd, h);
	fill(p, size, 0xdead);
	bind_ok(fd, op_unmap(VA_BASE, SZ_2M + size));
	check(p, size, 0xdead);
	bind_ok(fd, op_unmap(VA_BASE + SZ_1G, SZ_2M));
	check(p, size, 0xdead);
	igt_assert_eq(close(fd), 0);
	/* The CPU mapping holds the object after the file is gone too. */
	check(p, size, 0xdead);
	igt_assert_eq(munmap(p, size), 0);
}

/* --- unbind-with-binds ---------------------------------------------------------- */

static char pci[64];
static char driver_dir[PATH_MAX];
static pid_t unbind_parent;

/* Exit handler of the parent: never leave the device unbound. */
static void restore_binding(int sig)
{
	(void)sig;

	if (getpid() == unbind_parent && pci[0] && driver_dir[0] &&
	    !nova_pci_is_bound(pci))
		nova_driver_attr(driver_dir, "bind", pci);
}

static int rebind_and_open(void)
{
	uint64_t timeout_s = 60, deadline;
	char node[64];
	int ret, fd;

	nova_env_u64("NOVA_BIND_TIMEOUT", &timeout_s);
	igt_kmsg(KMSG_INFO "nova_vm: binding %s\n", pci);
	ret = nova_driver_attr(driver_dir, "bind", pci);
	igt_assert_f(ret == 0, "bind of %s failed: %s\n", pci, strerror(-ret));
	deadline = now_ms() + timeout_s * 1000;
	do {
		if (nova_render_node_of(pci, node, sizeof(node))) {
			fd = __nova_open_node(node);
			if (fd >= 0)
				return fd;
		}
		usleep(20 * 1000);
	} while (now_ms() < deadline);
	igt_assert_f(false, "no render node %" PRIu64 " s after bind\n",
		     timeout_s);
	return -1;
}

/*
 * Unbinds the driver while files have VA spaces full of bindings (one of
 * them also a CPU mapping of a bound object): every ioctl then fails with
 * ENODEV, the files close (one before the new bind, one after it, one
 * from a process that exits), and the device comes back working.
 */
static void test_unbind_with_binds(void)
{
	char path[PATH_MAX + 32];
	uint32_t h, *p;
	uint64_t start;
	int a, b, fd, ready[2];

	require_gsp();
	igt_assert(nova_pci_address(drm_fd, pci, sizeof(pci)));
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", pci);
	igt_assert_f(realpath(path, driver_dir), "%s is bound to no driver\n",
		     pci);
	snprintf(path, sizeof(path), "%s/unbind", driver_dir);
	igt_require_f(access(path, W_OK) == 0, "cannot write %s (not root?)\n",
		      path);
	unbind_parent = getpid();
	igt_install_exit_handler(restore_binding);

	/* The fixture's file goes with the device: close it first. */
	igt_assert_eq(close(drm_fd), 0);
	drm_fd = -1;

	a = nova_open_render();
	populate(a, 4);
	b = nova_open_render();
	populate(b, 5);
	h = create(b, SZ_64K, NOVA_GEM_DOMAIN_GART);
	p = nova_gem_mmap(b, h, SZ_64K, PROT_READ | PROT_WRITE);
	fill(p, SZ_64K, 0xabc);
	bind_ok(b, op_map(h, VA_BASE + 200 * SZ_1G, 0, SZ_64K));

	/* A process that holds a populated file across the unbind. */
	igt_assert_eq(pipe(ready), 0);
	igt_fork(child, 1) {
		uint64_t deadline = now_ms() + 120 * 1000;
		int cfd = nova_open_render();

		populate(cfd, 6);
		/* Populated: the parent may unbind now. */
		igt_assert_eq(write(ready[1], "r", 1), 1);
		/* Until the parent has unbound the device. */
		while (nova_ioctl(cfd, DRM_IOCTL_NOVA_VM_BIND,
				  &(struct drm_nova_vm_bind){}) == 0)
			igt_assert_f(now_ms() < deadline && !usleep(10 * 1000),
				     "the device was not unbound\n");
		igt_assert_eq(__nova_vm_map(cfd, 1, VA_BASE, 0, SZ_4K, 0),
			      -ENODEV);
	}
	{
		char c;

		/* A child that died before writing gives EOF, not a hang. */
		close(ready[1]);
		igt_assert_f(read(ready[0], &c, 1) == 1,
			     "the child did not populate its file\n");
		close(ready[0]);
	}

	igt_kmsg(KMSG_INFO "nova_vm: unbinding %s with bindings alive\n",
		 pci);
	igt_assert_eq(nova_driver_attr(driver_dir, "unbind", pci), 0);
	igt_assert(!nova_pci_is_bound(pci));

	/* Every VM ioctl fails with ENODEV now. */
	igt_assert_eq(__nova_vm_map(a, 1, VA_BASE, 0, SZ_4K, 0), -ENODEV);
	igt_assert_eq(__nova_vm_unmap(b, VA_BASE, SZ_4K, 0), -ENODEV);
	igt_assert_eq(__nova_vm_init(a, 0, 0), -ENODEV);
	{
		struct drm_nova_device_info d = {};

		igt_assert_eq(__nova_device_info(a, &d), -ENODEV);
	}
	igt_waitchildren();

	/*
	 * The CPU mapping of the bound object: the old contents, zeros or
	 * SIGBUS would do (see nova_unbind.c); nova_unbind checks that, here
	 * it is only released with the device gone.
	 */
	igt_assert_eq(munmap(p, SZ_64K), 0);
	igt_assert_eq(close(a), 0);

	fd = rebind_and_open();
	/* b, of the old device, closes while the new one runs. */
	igt_assert_eq(close(b), 0);

	/* The new device: a fresh VA space works, nothing in use is left. */
	require_gsp();
	start = vram_used(fd);
	a = nova_open_render();
	populate(a, 7);
	igt_assert_eq(close(a), 0);
	assert_vram_used_settles(fd, start, "after rebind");
	drm_fd = fd;
}

igt_main
{
	igt_fixture {
		page_size = sysconf(_SC_PAGESIZE);
		drm_fd = nova_open_render();
		size_max = nova_getparam(drm_fd, NOVA_GETPARAM_GEM_SIZE_MAX);
		arch = nova_getparam(drm_fd, NOVA_GETPARAM_ARCHITECTURE);
		info_ret = __nova_device_info(drm_fd, &dinfo);
		igt_assert_f(info_ret == 0 || info_ret == -ENODEV,
			     "DEVICE_INFO: %s\n", strerror(-info_ret));
		va_end = 1ull << (info_ret ? 49 : dinfo.va_bits);
		srand(1);
	}

	igt_describe("DEVICE_INFO: the values GETPARAM gives, 49 VA bits on "
		     "Turing to Ada, 4 KiB/64 KiB/2 MiB pages, GPCs and "
		     "TPCs, the GPU's classes; non-zero padding or reserved "
		     "words EINVAL, bad pointers EFAULT; ENODEV without "
		     "GSP-RM.");
	igt_subtest("device-info")
		test_device_info(drm_fd);

	igt_describe("Objects of each domain and NO_SHARE, as GEM_INFO "
		     "reports them; both domains give VRAM while there is "
		     "room.");
	igt_subtest("gem-domains")
		test_gem_domains(drm_fd);

	igt_describe("VRAM_USED grows and shrinks by the size of each VRAM "
		     "object, not of objects in system memory.");
	igt_subtest("gem-vram-used")
		test_gem_vram_used(drm_fd);

	igt_describe("VRAM objects map through BAR1: bytes written there are "
		     "read back by another mapping; system memory maps too.");
	igt_subtest("gem-vram-mmap")
		test_gem_vram_mmap(drm_fd);

	igt_describe("Undefined GEM_CREATE flags and any GEM_INFO input "
		     "flag fail with EINVAL, and allocate nothing.");
	igt_subtest("gem-flags-invalid")
		test_gem_flags_invalid(drm_fd);

	igt_describe("NO_SHARE objects cannot be exported.");
	igt_subtest("gem-no-share")
		test_gem_no_share(drm_fd);

	igt_describe("VM_INIT once per file (EEXIST after), with empty, top "
		     "and whole kernel-managed ranges; files independent.");
	igt_subtest("vm-init")
		test_vm_init();

	igt_describe("VM_INIT with unaligned or out-of-range kernel-managed "
		     "ranges fails with EINVAL and makes nothing; bad "
		     "pointers EFAULT.");
	igt_subtest("vm-init-invalid")
		test_vm_init_invalid();

	igt_describe("VM_BIND before VM_INIT fails with ENOENT.");
	igt_subtest("bind-before-init")
		test_bind_before_init();

	igt_describe("Objects of each domain mapped and unmapped, whole and "
		     "in part, several operations a call.");
	igt_subtest("bind-map-unmap")
		test_bind_map_unmap();

	igt_describe("Partial unmaps split mappings (4 KiB, 64 KiB and 2 MiB "
		     "pages); a split object is freed once unmapped.");
	igt_subtest("bind-partial-unmap")
		test_bind_partial_unmap();

	igt_describe("MAP over existing mappings replaces them; an object "
		     "replaced everywhere is freed with its handle.");
	igt_subtest("bind-remap")
		test_bind_remap();

	igt_describe("Thousands of 4 KiB bindings, 1024 a call and one a "
		     "call; page tables freed with the VA space.");
	igt_subtest("bind-many-4k")
		test_bind_many_4k();

	igt_describe("A 1 MiB VRAM object bound at 64 KiB-aligned and "
		     "unaligned VAs and offsets.");
	igt_subtest("bind-64k")
		test_bind_large(SZ_64K, SZ_1M);

	igt_describe("An 8 MiB VRAM object bound at 2 MiB-aligned and "
		     "unaligned VAs and offsets.");
	igt_subtest("bind-2m")
		test_bind_large(SZ_2M, 8 * SZ_1M);

	igt_describe("Sparse regions: made, mapped into, unmapped back to "
		     "sparse, removed; overlaps, straddling MAPs and inexact "
		     "removals fail with EINVAL.");
	igt_subtest("sparse")
		test_sparse();

	igt_describe("Unaligned, zero, overflowing, out-of-range and "
		     "past-the-object arguments, unknown ops and flags, "
		     "non-zero padding: EINVAL.");
	igt_subtest("bind-invalid-args")
		test_bind_invalid_args();

	igt_describe("Unknown, closed and other files' handles: ENOENT.");
	igt_subtest("bind-invalid-handle")
		test_bind_invalid_handle();

	igt_describe("Up to 1024 operations a call; more: EINVAL.");
	igt_subtest("bind-op-count")
		test_bind_op_count();

	igt_describe("Unreadable operation arrays and arguments: EFAULT.");
	igt_subtest("bind-bad-pointer")
		test_bind_bad_pointer();

	igt_describe("Flag bits other than RUN_ASYNC, and sync counts or "
		     "pointers without RUN_ASYNC: EINVAL.");
	igt_subtest("bind-reserved")
		test_bind_reserved();

	igt_describe("Operations touching the kernel-managed range: EINVAL.");
	igt_subtest("bind-kernel-managed")
		test_bind_kernel_managed();

	igt_describe("A call refused for its last operation applies none of "
		     "the others.");
	igt_subtest("bind-nothing-changed")
		test_bind_nothing_changed();

	igt_describe("With VRAM full, a call that cannot allocate a page "
		     "table fails with ENOMEM, op_count the operations "
		     "applied, which stay, the failed one undone.");
	igt_subtest("bind-partial-failure")
		test_bind_partial_failure();

	igt_describe("VRAM filled to ENOMEM: both-domain objects fall back "
		     "to system memory, VM calls fail cleanly, VRAM_USED "
		     "returns to its start value, and it fills again the "
		     "same.");
	igt_subtest("vram-exhaustion")
		test_vram_exhaustion();

	igt_describe("Bindings keep objects whose handles are closed; "
		     "unmapping frees them.");
	igt_subtest("handle-closed-while-bound")
		test_handle_closed_while_bound();

	igt_describe("Files closed and processes exiting with bindings "
		     "alive free everything.");
	igt_subtest("file-closed-with-binds")
		test_file_closed_with_binds();

	igt_describe("64 files with a VA space each, closed in any order.");
	igt_subtest("many-vms")
		test_many_vms();

	igt_describe("A system memory object written through its CPU "
		     "mapping and bound, its mapping intact throughout.");
	igt_subtest("sysmem-bind")
		test_sysmem_bind();

	igt_describe("The driver unbound while files have VA spaces full of "
		     "bindings: ENODEV, files closed before and after the "
		     "rebind, the new device works.");
	igt_subtest("unbind-with-binds")
		test_unbind_with_binds();

	igt_fixture {
		if (drm_fd >= 0)
			close(drm_fd);
	}
}
