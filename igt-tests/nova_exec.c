// SPDX-License-Identifier: MIT
/*
 * nova_exec - channels, EXEC and fences, as nova_drm.h documents them:
 * copies and constant fills through the copy engine, checked byte for
 * byte in system memory and (read back by another copy) in VRAM; jobs that
 * depend on each other across channels through binary and timeline
 * syncobjs, many jobs in flight, a wait on a timeline point that is
 * submitted later; a channel destroyed and a file closed with jobs
 * queued, a fault, a hang and an unbind with work in flight, each failing
 * fences with the documented error; every argument check of
 * CHANNEL_CREATE, CHANNEL_DESTROY and EXEC; and VM_BIND's RUN_ASYNC.
 *
 * Every subtest works on files of its own that did VM_INIT with a
 * kernel-managed range (KM_ADDR, KM_SIZE) and bind their objects with
 * VM_BIND from VA_BASE up. Push buffers are built with lib/nova_push.h: the
 * copy class (DEVICE_INFO's class_copy, which CHANNEL_CREATE returns as
 * class_engine) is bound to subchannel 4 with SET_OBJECT at the start of
 * each job. The fence of a job is read through a binary syncobj: exported
 * as a sync_file (DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE), whose
 * status (SYNC_IOC_FILE_INFO, libigt's sync_fence_status()) is 1 once it
 * signalled without error and the negative errno it signalled with
 * otherwise.
 *
 * Subtests that need a special simulator skip unless told:
 *  - hang: NOVA_EXEC_EXPECT_HANG=1, nvsim started with `--fault ce-hang`
 *    (LAUNCH_DMA never completes);
 *  - unbind-in-flight: NOVA_EXEC_UNBIND_IN_FLIGHT=1, nvsim started with an
 *    engine delay (`--delay engine=20ms`) so that submitted jobs are still
 *    running when the driver is unbound.
 *
 * Environment: NOVA_EXPECT_GSP (1: ENODEV from DEVICE_INFO fails instead
 * of skipping), NOVA_EXEC_WAIT_S (30: how long a fence may take),
 * NOVA_EXEC_JOBS (200, many-in-flight), NOVA_BIND_TIMEOUT (60 s,
 * unbind-in-flight).
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
#include "nova_push.h"

IGT_TEST_DESCRIPTION("Channels, EXEC and fences: copies and fills through "
		     "the copy engine, dependencies through binary and "
		     "timeline syncobjs, faults, hangs, unbind with work in "
		     "flight, argument checks, asynchronous VM_BIND.");

#define SZ_4K		(4ull << 10)
#define SZ_64K		(64ull << 10)
#define SZ_256K		(256ull << 10)
#define SZ_1M		(1ull << 20)
#define SZ_2M		(2ull << 20)
#define SZ_8M		(8ull << 20)

/*
 * The kernel-managed range of every VA space made here: room for 64
 * channels (NOVA_CHANNEL_KERNEL_VA each). Below NOVA_EXEC_VA_LIMIT (1 TiB),
 * as are all the addresses the tests give the host: GPFIFO entries and
 * host semaphores carry 40-bit addresses (clc56f.h: GP_ENTRY1_GET_HI 7:0,
 * SEM_ADDR_HI 7:0).
 */
#define KM_ADDR		(1ull << 39)
#define KM_SIZE		(64ull << 20)
/* Where the objects are bound: from 4 GiB up, 2 MiB apart. */
#define VA_BASE		(1ull << 32)
/* Never mapped in any VA space made here. */
#define UNMAPPED_VA	(1ull << 45)
/* Push buffers of a context. */
#define PB_SIZE		SZ_1M

static int drm_fd = -1;
static int info_ret;
static struct drm_nova_device_info dinfo;
static int push_max_ret, timeout_ret;
static uint64_t push_max, timeout_ms;
static uint64_t wait_s = 30;

/* --- time ----------------------------------------------------------------- */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

static uint64_t now_ms(void)
{
	return now_ns() / 1000000;
}

/* The absolute CLOCK_MONOTONIC deadline of a syncobj wait for a fence. */
static uint64_t deadline(void)
{
	return now_ns() + wait_s * NSEC_PER_SEC;
}

/* --- requirements --------------------------------------------------------- */

/*
 * Channels need GSP-RM: skip where it does not run (ENODEV), fail where
 * NOVA_EXPECT_GSP=1 says it must run. The EXEC parameters must be
 * there.
 */
static void require_exec(void)
{
	uint64_t expect_gsp = 0;

	nova_env_u64("NOVA_EXPECT_GSP", &expect_gsp);
	if (info_ret == -ENODEV && !expect_gsp)
		igt_skip("GSP-RM is not running on this GPU (ENODEV)\n");
	igt_assert_eq(info_ret, 0);
	igt_assert_f(push_max_ret == 0, "GETPARAM(EXEC_PUSH_MAX): %s\n",
		     strerror(-push_max_ret));
	igt_assert_f(timeout_ret == 0, "GETPARAM(EXEC_TIMEOUT_MS): %s\n",
		     strerror(-timeout_ret));
	igt_assert_f(push_max >= 1, "EXEC_PUSH_MAX is 0\n");
	igt_assert_f(timeout_ms >= 1, "EXEC_TIMEOUT_MS is 0\n");
}

/* --- contexts: a file, its VA space, its push buffers --------------------- */

struct bo {
	uint32_t handle;
	uint32_t flags;
	uint64_t size;
	uint64_t va;
	/* CPU mapping of a system-memory object; NULL for VRAM. */
	void *map;
};

struct ctx {
	int fd;
	uint64_t next_va;
	struct bo pb;
	struct nv_push push;
};

/* Creates an object, binds it at the next free VA and maps it if it can. */
static struct bo bo_new(struct ctx *c, uint64_t size, uint32_t flags)
{
	struct bo bo = { .flags = flags };

	bo.handle = nova_gem_create_flags(c->fd, size, flags, &bo.size);
	bo.va = c->next_va;
	c->next_va += ALIGN(bo.size, SZ_2M);
	nova_vm_map(c->fd, bo.handle, bo.va, 0, bo.size);
	if (!(flags & NOVA_GEM_DOMAIN_VRAM))
		bo.map = nova_gem_mmap(c->fd, bo.handle, bo.size,
				       PROT_READ | PROT_WRITE);
	return bo;
}

/* A VA range of @size nobody uses, for binds done by the subtest. */
static uint64_t va_reserve(struct ctx *c, uint64_t size)
{
	uint64_t va = c->next_va;

	c->next_va += ALIGN(size, SZ_2M);
	return va;
}

static void ctx_init(struct ctx *c)
{
	c->fd = nova_open_render();
	nova_vm_init(c->fd, KM_ADDR, KM_SIZE);
	c->next_va = VA_BASE;
	c->pb = bo_new(c, PB_SIZE, NOVA_GEM_DOMAIN_GART);
	nv_push_init(&c->push, c->pb.map, c->pb.va, c->pb.size);
}

static void ctx_fini(struct ctx *c)
{
	munmap(c->pb.map, c->pb.size);
	igt_assert_eq(close(c->fd), 0);
	c->fd = -1;
}

/* --- channels and EXEC ---------------------------------------------------- */

static int __channel_create(int fd, uint32_t engine, uint32_t flags,
			    struct drm_nova_channel_create *out)
{
	struct drm_nova_channel_create cc = { .engine = engine, .flags = flags };
	int ret = nova_ioctl(fd, DRM_IOCTL_NOVA_CHANNEL_CREATE, &cc);

	if (out)
		*out = cc;
	return ret;
}

static uint32_t channel_new(int fd)
{
	struct drm_nova_channel_create cc;
	int ret = __channel_create(fd, NOVA_ENGINE_COPY, 0, &cc);

	igt_assert_f(ret == 0, "CHANNEL_CREATE: %s\n", strerror(-ret));
	igt_assert_neq_u32(cc.channel, 0);
	igt_assert_eq_u32(cc.class_engine, dinfo.class_copy);
	return cc.channel;
}

static int __channel_destroy_pad(int fd, uint32_t channel, uint32_t pad)
{
	struct drm_nova_channel_destroy cd = { .channel = channel, .pad = pad };

	return nova_ioctl(fd, DRM_IOCTL_NOVA_CHANNEL_DESTROY, &cd);
}

static int __channel_destroy(int fd, uint32_t channel)
{
	return __channel_destroy_pad(fd, channel, 0);
}

static int __exec(int fd, uint32_t channel,
		  const struct drm_nova_exec_push *push, uint32_t push_count,
		  const struct drm_nova_sync *wait, uint32_t wait_count,
		  const struct drm_nova_sync *sig, uint32_t sig_count)
{
	struct drm_nova_exec e = {
		.channel = channel,
		.push_count = push_count,
		.wait_count = wait_count,
		.sig_count = sig_count,
		.wait_ptr = (uintptr_t)wait,
		.sig_ptr = (uintptr_t)sig,
		.push_ptr = (uintptr_t)push,
	};

	return nova_ioctl(fd, DRM_IOCTL_NOVA_EXEC, &e);
}

static void exec_ok(int fd, uint32_t channel,
		    const struct drm_nova_exec_push *push, uint32_t push_count,
		    const struct drm_nova_sync *wait, uint32_t wait_count,
		    const struct drm_nova_sync *sig, uint32_t sig_count)
{
	int ret = __exec(fd, channel, push, push_count, wait, wait_count, sig,
			 sig_count);

	igt_assert_f(ret == 0, "EXEC on channel %u: %s\n", channel,
		     strerror(-ret));
}

/* A binary syncobj, a timeline point, and arrays of them for __exec(). */
#define BIN(h)								\
	((struct drm_nova_sync){ .flags = NOVA_SYNC_SYNCOBJ, .handle = (h) })
#define POINT(h, v)							\
	((struct drm_nova_sync){ .flags = NOVA_SYNC_TIMELINE_SYNCOBJ,	\
				 .handle = (h), .timeline_value = (v) })
#define SYNCS(...)							\
	((const struct drm_nova_sync[]){ __VA_ARGS__ }),		\
	(uint32_t)ARRAY_SIZE(((const struct drm_nova_sync[]){ __VA_ARGS__ }))
#define NO_SYNCS NULL, 0

/* --- push buffers --------------------------------------------------------- */

static struct drm_nova_exec_push push_end(struct ctx *c)
{
	struct drm_nova_exec_push p;

	igt_assert_f(nv_push_end(&c->push, &p),
		     "push buffer empty or full (%u of %u dwords)\n",
		     c->push.pos, c->push.size_dw);
	return p;
}

/* Starts a push buffer that binds the copy class to its subchannel. */
static void push_begin_copy(struct ctx *c)
{
	nv_push_begin(&c->push);
	nv_push_set_object(&c->push, NV_PUSH_SUBC_COPY, dinfo.class_copy);
}

static struct drm_nova_exec_push push_copy(struct ctx *c, uint64_t src,
					   uint64_t dst, uint32_t len)
{
	push_begin_copy(c);
	nv_push_copy(&c->push, NV_PUSH_SUBC_COPY, src, dst, len);
	return push_end(c);
}

static struct drm_nova_exec_push push_fill(struct ctx *c, uint64_t dst,
					   uint32_t words, uint32_t value)
{
	push_begin_copy(c);
	nv_push_fill(&c->push, NV_PUSH_SUBC_COPY, dst, words, value);
	return push_end(c);
}

/* A push buffer of host methods only: one NOP. */
static struct drm_nova_exec_push push_nop(struct ctx *c)
{
	nv_push_begin(&c->push);
	nv_push_host_nops(&c->push, 1);
	return push_end(c);
}

/* --- fences --------------------------------------------------------------- */

/* The status of binary syncobj @h's fence, read through a sync_file. */
static int fence_status(int fd, uint32_t h)
{
	int sf = syncobj_handle_to_fd(fd, h,
				      DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE);
	int status;

	igt_assert_fd(sf);
	status = sync_fence_status(sf);
	close(sf);
	return status;
}

static const char *status_name(int status)
{
	static char buf[64];

	if (status == 1)
		return "signalled";
	if (status == 0)
		return "not signalled";
	snprintf(buf, sizeof(buf), "error %d (%s)", status, strerror(-status));
	return buf;
}

/* Waits until binary syncobj @h's fence signalled; returns its status. */
static int wait_status(int fd, uint32_t h)
{
	uint32_t handle = h;
	int ret = syncobj_wait_err(fd, &handle, 1, deadline(), 0);

	igt_assert_f(ret == 0, "wait for syncobj %u: %s\n", h, strerror(-ret));
	return fence_status(fd, h);
}

/* Waits for binary syncobj @h's fence: it must signal without error. */
static void wait_ok(int fd, uint32_t h)
{
	int status = wait_status(fd, h);

	igt_assert_f(status == 1, "syncobj %u: fence %s\n", h,
		     status_name(status));
}

/*
 * Whether binary syncobj @h has a fence that is not signalled after
 * @ms milliseconds (EXEC gave it the job's fence, which has not signalled).
 */
static void assert_pending(int fd, uint32_t h, unsigned int ms)
{
	uint32_t handle = h;
	int ret = syncobj_wait_err(fd, &handle, 1,
				   now_ns() + ms * 1000000ull, 0);

	igt_assert_f(ret == -ETIME, "syncobj %u: expected a pending fence, "
		     "wait gave %d (%s)\n", h, ret,
		     ret ? strerror(-ret) : "signalled");
}

static uint64_t timeline_value(int fd, uint32_t h)
{
	uint64_t point = 0;
	uint32_t handle = h;

	syncobj_timeline_query(fd, &handle, &point, 1);
	return point;
}

static void timeline_wait_ok(int fd, uint32_t h, uint64_t point)
{
	uint32_t handle = h;

	igt_assert_f(syncobj_timeline_wait(fd, &handle, &point, 1, deadline(),
					   0, NULL),
		     "timeline syncobj %u point %" PRIu64 " did not signal\n",
		     h, point);
}

static void timeline_signal(int fd, uint32_t h, uint64_t point)
{
	uint32_t handle = h;

	syncobj_timeline_signal(fd, &handle, &point, 1);
}

/* --- data ----------------------------------------------------------------- */

static uint32_t pattern_word(uint32_t seed, uint64_t i)
{
	uint32_t x = seed * 0x9e3779b9u ^ (uint32_t)i * 0x85ebca6bu ^
		     (uint32_t)(i >> 32);

	x ^= x >> 16;
	x *= 0x7feb352du;
	x ^= x >> 15;
	x *= 0x846ca68bu;
	x ^= x >> 16;
	return x;
}

static void pattern(void *ptr, uint64_t bytes, uint32_t seed)
{
	uint32_t *p = ptr;

	for (uint64_t i = 0; i < bytes / 4; i++)
		p[i] = pattern_word(seed, i);
}

/* @n bytes at @got must be those at @want. */
static void check_bytes(const void *got, const void *want, uint64_t n,
			const char *what)
{
	const uint8_t *g = got, *w = want;

	for (uint64_t i = 0; i < n; i++)
		igt_assert_f(g[i] == w[i], "%s: byte %" PRIu64 " of %" PRIu64
			     " is %#04x, expected %#04x\n", what, i, n, g[i],
			     w[i]);
}

/* @n bytes at @got must all be @value. */
static void check_byte_value(const void *got, uint8_t value, uint64_t n,
			     const char *what)
{
	const uint8_t *g = got;

	for (uint64_t i = 0; i < n; i++)
		igt_assert_f(g[i] == value, "%s: byte %" PRIu64 " of %" PRIu64
			     " is %#04x, expected %#04x\n", what, i, n, g[i],
			     value);
}

/* @words 32-bit words at @got must all be @value. */
static void check_words(const void *got, uint32_t value, uint64_t words,
			const char *what)
{
	const uint32_t *g = got;

	for (uint64_t i = 0; i < words; i++)
		igt_assert_f(g[i] == value, "%s: word %" PRIu64 " of %" PRIu64
			     " is %#x, expected %#x\n", what, i, words, g[i],
			     value);
}

/* --- copy ----------------------------------------------------------------- */

/*
 * Copies through the copy engine: between system-memory objects (created
 * with flags 0 and with NOVA_GEM_DOMAIN_GART), byte-exact at unaligned
 * offsets and lengths with the bytes around untouched, and into VRAM and
 * back, the VRAM contents read back by another copy into system memory.
 */
static void test_copy(void)
{
	struct drm_nova_exec_push push[2];
	struct bo a, b, v, v2, d;
	struct ctx c;
	uint32_t ch, s, s2;
	uint8_t *bb;

	require_exec();
	ctx_init(&c);
	ch = channel_new(c.fd);
	s = syncobj_create(c.fd, 0);
	s2 = syncobj_create(c.fd, 0);
	a = bo_new(&c, SZ_1M, 0);
	b = bo_new(&c, SZ_1M, NOVA_GEM_DOMAIN_GART);
	pattern(a.map, SZ_1M, 1);
	memset(b.map, 0xaa, SZ_1M);

	/* A whole 1 MiB object. */
	push[0] = push_copy(&c, a.va, b.va, SZ_1M);
	exec_ok(c.fd, ch, push, 1, NO_SYNCS, SYNCS(BIN(s)));
	wait_ok(c.fd, s);
	check_bytes(b.map, a.map, SZ_1M, "A to B, 1 MiB");

	/* Unaligned: 70001 bytes from A + 5 to B + 4093, nothing else. */
	memset(b.map, 0x5c, SZ_1M);
	push[0] = push_copy(&c, a.va + 5, b.va + 4093, 70001);
	exec_ok(c.fd, ch, push, 1, NO_SYNCS, SYNCS(BIN(s)));
	wait_ok(c.fd, s);
	bb = b.map;
	check_byte_value(bb, 0x5c, 4093, "below the unaligned copy");
	check_bytes(bb + 4093, (uint8_t *)a.map + 5, 70001, "unaligned copy");
	check_byte_value(bb + 4093 + 70001, 0x5c, SZ_1M - 4093 - 70001,
			 "above the unaligned copy");

	/*
	 * VRAM: A to V in one job; V to V2 and V2 to D in a second job of
	 * two push buffers that waits for the first one's syncobj.
	 */
	v = bo_new(&c, SZ_1M, NOVA_GEM_DOMAIN_VRAM);
	v2 = bo_new(&c, SZ_1M, NOVA_GEM_DOMAIN_VRAM);
	d = bo_new(&c, SZ_1M, 0);
	memset(d.map, 0, SZ_1M);
	push[0] = push_copy(&c, a.va, v.va, SZ_1M);
	exec_ok(c.fd, ch, push, 1, NO_SYNCS, SYNCS(BIN(s)));
	push[0] = push_copy(&c, v.va, v2.va, SZ_1M);
	push[1] = push_copy(&c, v2.va, d.va, SZ_1M);
	exec_ok(c.fd, ch, push, 2, SYNCS(BIN(s)), SYNCS(BIN(s2)));
	wait_ok(c.fd, s2);
	wait_ok(c.fd, s);
	check_bytes(d.map, a.map, SZ_1M, "A to VRAM to VRAM to D");

	igt_assert_eq(__channel_destroy(c.fd, ch), 0);
	ctx_fini(&c);
}

/* --- fill ----------------------------------------------------------------- */

/*
 * Constant fills through the copy engine's remap unit (SET_REMAP_CONST_A,
 * SET_REMAP_COMPONENTS with DST_X = CONST_A, LAUNCH_DMA with
 * REMAP_ENABLE): a whole object, a range with its neighbours untouched,
 * two overlapping fills in one push buffer (the later wins), zero, and
 * VRAM read back through a copy.
 */
static void test_fill(void)
{
	struct drm_nova_exec_push push;
	struct bo g, v, d;
	struct ctx c;
	uint32_t ch, s;
	uint32_t *w;

	require_exec();
	ctx_init(&c);
	ch = channel_new(c.fd);
	s = syncobj_create(c.fd, 0);
	g = bo_new(&c, SZ_1M, 0);
	w = g.map;

	memset(g.map, 0, SZ_1M);
	push = push_fill(&c, g.va, SZ_1M / 4, 0xdeadbeef);
	exec_ok(c.fd, ch, &push, 1, NO_SYNCS, SYNCS(BIN(s)));
	wait_ok(c.fd, s);
	check_words(w, 0xdeadbeef, SZ_1M / 4, "whole fill");

	/* Words [1029, 4029): the others keep their value. */
	push = push_fill(&c, g.va + 1029 * 4, 3000, 0x12345678);
	exec_ok(c.fd, ch, &push, 1, NO_SYNCS, SYNCS(BIN(s)));
	wait_ok(c.fd, s);
	check_words(w, 0xdeadbeef, 1029, "below the range fill");
	check_words(w + 1029, 0x12345678, 3000, "range fill");
	check_words(w + 4029, 0xdeadbeef, SZ_1M / 4 - 4029,
		    "above the range fill");

	/* Two fills in one push buffer, the second over the first's end. */
	push_begin_copy(&c);
	nv_push_fill(&c.push, NV_PUSH_SUBC_COPY, g.va, 8192, 0x11111111);
	nv_push_fill(&c.push, NV_PUSH_SUBC_COPY, g.va + 4096 * 4, 8192,
		     0x22222222);
	push = push_end(&c);
	exec_ok(c.fd, ch, &push, 1, NO_SYNCS, SYNCS(BIN(s)));
	wait_ok(c.fd, s);
	check_words(w, 0x11111111, 4096, "first of two fills");
	check_words(w + 4096, 0x22222222, 8192, "second of two fills");
	check_words(w + 12288, 0xdeadbeef, SZ_1M / 4 - 12288,
		    "above two fills");

	/* Zero. */
	push = push_fill(&c, g.va, SZ_1M / 4, 0);
	exec_ok(c.fd, ch, &push, 1, NO_SYNCS, SYNCS(BIN(s)));
	wait_ok(c.fd, s);
	check_words(w, 0, SZ_1M / 4, "zero fill");

	/* VRAM, read back by a copy in the same job. */
	v = bo_new(&c, SZ_256K, NOVA_GEM_DOMAIN_VRAM);
	d = bo_new(&c, SZ_256K, NOVA_GEM_DOMAIN_GART);
	memset(d.map, 0x77, SZ_256K);
	push_begin_copy(&c);
	nv_push_fill(&c.push, NV_PUSH_SUBC_COPY, v.va, SZ_256K / 4, 0xcafef00d);
	nv_push_copy(&c.push, NV_PUSH_SUBC_COPY, v.va, d.va, SZ_256K);
	push = push_end(&c);
	exec_ok(c.fd, ch, &push, 1, NO_SYNCS, SYNCS(BIN(s)));
	wait_ok(c.fd, s);
	check_words(d.map, 0xcafef00d, SZ_256K / 4, "VRAM fill read back");

	ctx_fini(&c);
}

/* --- chain-two-channels --------------------------------------------------- */

/*
 * Jobs on two channels that depend on each other through binary
 * syncobjs: A fills X (VRAM), B waits for A and copies X to Y, A waits for
 * B and copies Y to Z[r] and overwrites X. First one round held back by a
 * timeline point the CPU signals later (B must not have run before), then
 * 16 rounds submitted back to back; every Z[r] must hold round r's value.
 */
static void test_chain_two_channels(void)
{
	const int rounds = 16;
	struct drm_nova_exec_push push[2];
	struct bo x, y, z;
	uint32_t cha, chb, sa, sb, sc, gate;
	struct ctx c;
	uint32_t *zw;

	require_exec();
	ctx_init(&c);
	cha = channel_new(c.fd);
	chb = channel_new(c.fd);
	sa = syncobj_create(c.fd, 0);
	sb = syncobj_create(c.fd, 0);
	sc = syncobj_create(c.fd, 0);
	gate = syncobj_create(c.fd, 0);
	x = bo_new(&c, SZ_64K, NOVA_GEM_DOMAIN_VRAM);
	y = bo_new(&c, SZ_64K, NOVA_GEM_DOMAIN_GART);
	z = bo_new(&c, rounds * SZ_64K, NOVA_GEM_DOMAIN_GART);
	zw = z.map;
	memset(y.map, 0xee, SZ_64K);
	memset(z.map, 0xee, rounds * SZ_64K);

	/* The held-back round. */
	push[0] = push_fill(&c, x.va, SZ_64K / 4, 0xa0a0a0a0);
	exec_ok(c.fd, cha, push, 1, SYNCS(POINT(gate, 1)), SYNCS(BIN(sa)));
	push[0] = push_copy(&c, x.va, y.va, SZ_64K);
	exec_ok(c.fd, chb, push, 1, SYNCS(BIN(sa)), SYNCS(BIN(sb)));
	push[0] = push_copy(&c, y.va, z.va, SZ_64K);
	push[1] = push_fill(&c, x.va, SZ_64K / 4, 0x0f0f0f0f);
	exec_ok(c.fd, cha, push, 2, SYNCS(BIN(sb)), SYNCS(BIN(sc)));
	assert_pending(c.fd, sb, 200);
	check_byte_value(y.map, 0xee, SZ_64K, "Y before the gate opened");
	timeline_signal(c.fd, gate, 1);
	wait_ok(c.fd, sc);
	wait_ok(c.fd, sa);
	wait_ok(c.fd, sb);
	check_words(y.map, 0xa0a0a0a0, SZ_64K / 4, "Y, held-back round");
	check_words(zw, 0xa0a0a0a0, SZ_64K / 4, "Z, held-back round");

	/* Rounds back to back: each round's jobs wait only for the previous. */
	memset(z.map, 0xee, rounds * SZ_64K);
	for (int r = 0; r < rounds; r++) {
		uint32_t value = 0x01010101u * (uint32_t)(r + 1);

		push[0] = push_fill(&c, x.va, SZ_64K / 4, value);
		exec_ok(c.fd, cha, push, 1, NO_SYNCS, SYNCS(BIN(sa)));
		push[0] = push_copy(&c, x.va, y.va, SZ_64K);
		exec_ok(c.fd, chb, push, 1, SYNCS(BIN(sa)), SYNCS(BIN(sb)));
		push[0] = push_copy(&c, y.va, z.va + r * SZ_64K, SZ_64K);
		push[1] = push_fill(&c, x.va, SZ_64K / 4, ~value);
		exec_ok(c.fd, cha, push, 2, SYNCS(BIN(sb)), SYNCS(BIN(sc)));
	}
	wait_ok(c.fd, sc);
	for (int r = 0; r < rounds; r++) {
		char what[32];

		snprintf(what, sizeof(what), "Z, round %d", r);
		check_words(zw + r * SZ_64K / 4, 0x01010101u * (uint32_t)(r + 1),
			    SZ_64K / 4, what);
	}
	ctx_fini(&c);
}

/* --- timeline ------------------------------------------------------------- */

/*
 * Timeline syncobjs as wait and signal: three jobs on two channels chained
 * by points 1, 2 and 3 of one timeline; then a job that waits for a
 * timeline point and a binary syncobj at once and signals point 10 of a
 * second timeline. Each point is waited for with syncobj_timeline_wait,
 * the timelines' values are queried, and each job's own binary syncobj
 * tells its fence's status.
 */
static void test_timeline(void)
{
	struct drm_nova_exec_push push[2];
	uint32_t ch1, ch2, t, t2, s[4];
	struct bo x, y, z;
	struct ctx c;

	require_exec();
	ctx_init(&c);
	ch1 = channel_new(c.fd);
	ch2 = channel_new(c.fd);
	t = syncobj_create(c.fd, 0);
	t2 = syncobj_create(c.fd, 0);
	for (int i = 0; i < 4; i++)
		s[i] = syncobj_create(c.fd, 0);
	x = bo_new(&c, SZ_64K, 0);
	y = bo_new(&c, SZ_64K, 0);
	z = bo_new(&c, SZ_64K, 0);
	memset(x.map, 0, SZ_64K);
	memset(y.map, 0, SZ_64K);
	memset(z.map, 0, SZ_64K);

	push[0] = push_fill(&c, x.va, SZ_64K / 4, 0xa1a1a1a1);
	exec_ok(c.fd, ch1, push, 1, NO_SYNCS, SYNCS(POINT(t, 1), BIN(s[0])));
	push[0] = push_copy(&c, x.va, y.va, SZ_64K);
	exec_ok(c.fd, ch2, push, 1, SYNCS(POINT(t, 1)),
		SYNCS(POINT(t, 2), BIN(s[1])));
	push[0] = push_fill(&c, x.va, SZ_64K / 4, 0xa3a3a3a3);
	exec_ok(c.fd, ch1, push, 1, SYNCS(POINT(t, 2)),
		SYNCS(BIN(s[2]), POINT(t, 3)));
	push[0] = push_copy(&c, y.va, z.va, SZ_64K);
	exec_ok(c.fd, ch2, push, 1, SYNCS(POINT(t, 3), BIN(s[0])),
		SYNCS(POINT(t2, 10), BIN(s[3])));

	timeline_wait_ok(c.fd, t, 3);
	timeline_wait_ok(c.fd, t, 1);
	timeline_wait_ok(c.fd, t, 2);
	timeline_wait_ok(c.fd, t2, 10);
	/* Points below the last one signalled are signalled. */
	timeline_wait_ok(c.fd, t2, 5);
	igt_assert_eq_u64(timeline_value(c.fd, t), 3);
	igt_assert_eq_u64(timeline_value(c.fd, t2), 10);
	for (int i = 0; i < 4; i++)
		wait_ok(c.fd, s[i]);
	check_words(y.map, 0xa1a1a1a1, SZ_64K / 4, "Y (after point 1)");
	check_words(x.map, 0xa3a3a3a3, SZ_64K / 4, "X (after point 2)");
	check_words(z.map, 0xa1a1a1a1, SZ_64K / 4, "Z (after point 3)");
	ctx_fini(&c);
}

/* --- many-in-flight ------------------------------------------------------- */

/*
 * NOVA_EXEC_JOBS (200) jobs submitted back to back on one channel, each of
 * two push buffers: job i copies word i of W (written by job i - 1) to
 * word i of OUT, then writes word i + 1 of W. In-order execution gives
 * OUT[i] = i + 0x1000. Each job signals its own binary syncobj and point
 * i + 1 of a timeline; every fence must signal without error.
 */
static void test_many_in_flight(void)
{
	struct drm_nova_exec_push push[2];
	uint64_t jobs = 200, pending = 0;
	uint32_t ch, t, *s, *w, *out;
	struct bo wb, ob;
	struct ctx c;

	require_exec();
	nova_env_u64("NOVA_EXEC_JOBS", &jobs);
	/* About 100 bytes of push buffer a job, in PB_SIZE. */
	igt_require(jobs >= 1 && jobs <= 10000);
	ctx_init(&c);
	ch = channel_new(c.fd);
	t = syncobj_create(c.fd, 0);
	s = calloc(jobs, sizeof(*s));
	igt_assert(s);
	for (uint64_t i = 0; i < jobs; i++)
		s[i] = syncobj_create(c.fd, 0);
	wb = bo_new(&c, (jobs + 1) * 4, 0);
	ob = bo_new(&c, jobs * 4, 0);
	w = wb.map;
	out = ob.map;
	memset(w, 0xff, (jobs + 1) * 4);
	memset(out, 0xff, jobs * 4);
	w[0] = 0x1000;

	for (uint64_t i = 0; i < jobs; i++) {
		push[0] = push_copy(&c, wb.va + i * 4, ob.va + i * 4, 4);
		/* The second push buffer relies on the first's SET_OBJECT. */
		nv_push_begin(&c.push);
		nv_push_fill(&c.push, NV_PUSH_SUBC_COPY, wb.va + (i + 1) * 4, 1,
			     0x1000 + (uint32_t)i + 1);
		push[1] = push_end(&c);
		exec_ok(c.fd, ch, push, 2, NO_SYNCS,
			SYNCS(BIN(s[i]), POINT(t, i + 1)));
	}
	/* How many were still queued or running when the last was submitted. */
	for (uint64_t i = 0; i < jobs; i++)
		pending += fence_status(c.fd, s[i]) == 0;
	igt_info("%" PRIu64 " of %" PRIu64 " jobs pending after the last "
		 "EXEC\n", pending, jobs);

	timeline_wait_ok(c.fd, t, jobs);
	igt_assert(syncobj_wait(c.fd, s, jobs, deadline(),
				DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL, NULL));
	igt_assert_eq_u64(timeline_value(c.fd, t), jobs);
	for (uint64_t i = 0; i < jobs; i++) {
		int status = fence_status(c.fd, s[i]);

		igt_assert_f(status == 1, "job %" PRIu64 ": fence %s\n", i,
			     status_name(status));
		igt_assert_f(out[i] == 0x1000 + i, "job %" PRIu64 " read %#x, "
			     "expected %#" PRIx64 " (written by job %" PRIu64
			     ")\n", i, out[i], 0x1000 + i, i - 1);
	}
	igt_assert_eq_u32(w[jobs], 0x1000 + jobs);
	free(s);
	ctx_fini(&c);
}

/* --- wait-before-submit --------------------------------------------------- */

/*
 * An EXEC that waits for a timeline point no job has been submitted for
 * yet returns at once; its job (a copy of X to Y), and a job queued after
 * it on the same channel, run only once another channel's job signals
 * that point (after writing X). Meanwhile other channels run.
 */
static void test_wait_before_submit(void)
{
	struct drm_nova_exec_push push;
	uint32_t ch1, ch2, ch3, t, s2, s3, s0, s1;
	struct bo x, y, z, a, b;
	struct ctx c;
	uint64_t t0;

	require_exec();
	ctx_init(&c);
	ch1 = channel_new(c.fd);
	ch2 = channel_new(c.fd);
	ch3 = channel_new(c.fd);
	t = syncobj_create(c.fd, 0);
	s0 = syncobj_create(c.fd, 0);
	s1 = syncobj_create(c.fd, 0);
	s2 = syncobj_create(c.fd, 0);
	s3 = syncobj_create(c.fd, 0);
	x = bo_new(&c, SZ_64K, 0);
	y = bo_new(&c, SZ_64K, 0);
	z = bo_new(&c, SZ_64K, 0);
	a = bo_new(&c, SZ_64K, 0);
	b = bo_new(&c, SZ_64K, 0);
	pattern(x.map, SZ_64K, 7);
	memset(y.map, 0, SZ_64K);
	memset(z.map, 0, SZ_64K);
	pattern(a.map, SZ_64K, 8);
	memset(b.map, 0, SZ_64K);

	/* Point 5 of t has no fence: the EXEC must neither block nor fail. */
	push = push_copy(&c, x.va, y.va, SZ_64K);
	t0 = now_ms();
	exec_ok(c.fd, ch2, &push, 1, SYNCS(POINT(t, 5)), SYNCS(BIN(s2)));
	igt_info("EXEC waiting for an unsubmitted point returned after %"
		 PRIu64 " ms\n", now_ms() - t0);
	/* Queued behind it on the same channel. */
	push = push_fill(&c, z.va, SZ_64K / 4, 0x77777777);
	exec_ok(c.fd, ch2, &push, 1, NO_SYNCS, SYNCS(BIN(s3)));

	/* Another channel goes on meanwhile. */
	push = push_copy(&c, a.va, b.va, SZ_64K);
	exec_ok(c.fd, ch3, &push, 1, NO_SYNCS, SYNCS(BIN(s0)));
	wait_ok(c.fd, s0);
	check_bytes(b.map, a.map, SZ_64K, "another channel's copy");

	/* The held jobs have fences that have not signalled. */
	assert_pending(c.fd, s2, 200);
	assert_pending(c.fd, s3, 10);
	check_byte_value(y.map, 0, SZ_64K, "Y before point 5");
	check_byte_value(z.map, 0, SZ_64K, "Z before point 5");
	igt_assert_eq_u64(timeline_value(c.fd, t), 0);

	/* Now the point is submitted, by a job that first rewrites X. */
	push = push_fill(&c, x.va, SZ_64K / 4, 0x55555555);
	exec_ok(c.fd, ch1, &push, 1, NO_SYNCS, SYNCS(BIN(s1), POINT(t, 5)));
	wait_ok(c.fd, s2);
	wait_ok(c.fd, s3);
	wait_ok(c.fd, s1);
	check_words(y.map, 0x55555555, SZ_64K / 4, "Y after point 5");
	check_words(z.map, 0x77777777, SZ_64K / 4, "Z after point 5");
	ctx_fini(&c);
}

/* --- destroy-pending ------------------------------------------------------ */

/*
 * CHANNEL_DESTROY with jobs still queued (one waits for a timeline point
 * nobody signals, one is queued behind it): their fences signal
 * -ECANCELED, and the channel is gone (ENOENT). Closing a file with such
 * a job queued signals its fence -ECANCELED too, without a hang.
 */
static void test_destroy_pending(void)
{
	struct drm_nova_exec_push push;
	uint32_t ch1, ch2, gate, s1, s2, s3;
	struct bo a, b;
	struct ctx c;
	int sf, status;

	require_exec();
	ctx_init(&c);
	ch1 = channel_new(c.fd);
	ch2 = channel_new(c.fd);
	gate = syncobj_create(c.fd, 0);
	s1 = syncobj_create(c.fd, 0);
	s2 = syncobj_create(c.fd, 0);
	s3 = syncobj_create(c.fd, 0);
	a = bo_new(&c, SZ_64K, 0);
	b = bo_new(&c, SZ_64K, 0);
	memset(b.map, 0, SZ_64K);

	push = push_copy(&c, a.va, b.va, SZ_64K);
	exec_ok(c.fd, ch1, &push, 1, SYNCS(POINT(gate, 1)), SYNCS(BIN(s1)));
	exec_ok(c.fd, ch1, &push, 1, NO_SYNCS, SYNCS(BIN(s2)));
	assert_pending(c.fd, s1, 50);
	igt_assert_eq(__channel_destroy(c.fd, ch1), 0);
	status = wait_status(c.fd, s1);
	igt_assert_f(status == -ECANCELED, "job waiting for a point: fence "
		     "%s, expected -ECANCELED\n", status_name(status));
	status = wait_status(c.fd, s2);
	igt_assert_f(status == -ECANCELED, "job queued behind it: fence %s, "
		     "expected -ECANCELED\n", status_name(status));
	igt_assert_eq(__exec(c.fd, ch1, &push, 1, NO_SYNCS, NO_SYNCS), -ENOENT);
	igt_assert_eq(__channel_destroy(c.fd, ch1), -ENOENT);
	check_byte_value(b.map, 0, SZ_64K, "B after the cancelled copies");

	/* The file closed with a queued job: its sync_file still signals. */
	exec_ok(c.fd, ch2, &push, 1, SYNCS(POINT(gate, 2)), SYNCS(BIN(s3)));
	sf = syncobj_handle_to_fd(c.fd, s3,
				  DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE);
	igt_assert_fd(sf);
	igt_assert_eq(sync_fence_status(sf), 0);
	/* CPU mappings hold the file open: drop them, then close it. */
	munmap(a.map, a.size);
	munmap(b.map, b.size);
	ctx_fini(&c);
	igt_assert_eq(sync_fence_wait(sf, wait_s * 1000), 0);
	status = sync_fence_status(sf);
	igt_assert_f(status == -ECANCELED, "job of a closed file: fence %s, "
		     "expected -ECANCELED\n", status_name(status));
	close(sf);
}

/* --- fault ---------------------------------------------------------------- */

/*
 * A copy from an address nothing is mapped at: the job's fence signals
 * -EIO, a job queued behind it does not signal success, the channel is
 * dead (EXEC fails with ENODEV), and the file's other channels, created
 * before and after, go on. The same for a write to an unmapped address.
 * The dead channels are destroyed as usual.
 */
static void test_fault(void)
{
	struct drm_nova_exec_push push, nop;
	uint32_t ch1, ch2, ch3, ch4, s1, s1b, s2, s3;
	struct bo a, b, d;
	struct ctx c;
	int ret, status;

	require_exec();
	ctx_init(&c);
	ch1 = channel_new(c.fd);
	ch2 = channel_new(c.fd);
	ch3 = channel_new(c.fd);
	s1 = syncobj_create(c.fd, 0);
	s1b = syncobj_create(c.fd, 0);
	s2 = syncobj_create(c.fd, 0);
	s3 = syncobj_create(c.fd, 0);
	a = bo_new(&c, SZ_64K, 0);
	b = bo_new(&c, SZ_64K, 0);
	d = bo_new(&c, SZ_64K, 0);
	pattern(a.map, SZ_64K, 3);
	nop = push_nop(&c);

	/* A read fault. */
	igt_kmsg(KMSG_INFO "nova_exec: a copy from unmapped VA %#llx "
		 "follows\n", (unsigned long long)UNMAPPED_VA);
	push = push_copy(&c, UNMAPPED_VA, b.va, SZ_4K);
	exec_ok(c.fd, ch1, &push, 1, NO_SYNCS, SYNCS(BIN(s1)));
	/* Behind it, if the channel still takes work. */
	push = push_copy(&c, a.va, b.va, SZ_64K);
	ret = __exec(c.fd, ch1, &push, 1, NO_SYNCS, SYNCS(BIN(s1b)));
	igt_assert_f(ret == 0 || ret == -ENODEV, "EXEC behind a faulting job: "
		     "%s\n", strerror(-ret));
	status = wait_status(c.fd, s1);
	igt_assert_f(status == -EIO, "faulting job: fence %s, expected -EIO\n",
		     status_name(status));
	if (ret == 0) {
		status = wait_status(c.fd, s1b);
		igt_assert_f(status < 0, "job queued behind a faulting job: "
			     "fence %s, expected an error\n",
			     status_name(status));
	}
	/* Dead: the device-lost signal, every time, with or without syncs. */
	igt_assert_eq(__exec(c.fd, ch1, &nop, 1, NO_SYNCS, NO_SYNCS), -ENODEV);
	igt_assert_eq(__exec(c.fd, ch1, &nop, 1, NO_SYNCS, SYNCS(BIN(s2))),
		      -ENODEV);
	igt_assert_eq(__exec(c.fd, ch1, &nop, 1, NO_SYNCS, NO_SYNCS), -ENODEV);

	/* Another channel of the file, made before the fault, goes on. */
	memset(d.map, 0, SZ_64K);
	exec_ok(c.fd, ch2, &push, 1, NO_SYNCS, SYNCS(BIN(s2)));
	push = push_copy(&c, a.va, d.va, SZ_64K);
	exec_ok(c.fd, ch2, &push, 1, NO_SYNCS, SYNCS(BIN(s2)));
	wait_ok(c.fd, s2);
	check_bytes(d.map, a.map, SZ_64K, "copy on another channel");

	/* A write fault on a third channel. */
	igt_kmsg(KMSG_INFO "nova_exec: a copy to unmapped VA %#llx follows\n",
		 (unsigned long long)UNMAPPED_VA);
	push = push_copy(&c, a.va, UNMAPPED_VA, SZ_4K);
	exec_ok(c.fd, ch3, &push, 1, NO_SYNCS, SYNCS(BIN(s3)));
	status = wait_status(c.fd, s3);
	igt_assert_f(status == -EIO, "job writing to an unmapped address: "
		     "fence %s, expected -EIO\n", status_name(status));
	igt_assert_eq(__exec(c.fd, ch3, &nop, 1, NO_SYNCS, NO_SYNCS), -ENODEV);

	/* A channel made after the faults works. */
	ch4 = channel_new(c.fd);
	memset(d.map, 0, SZ_64K);
	push = push_copy(&c, a.va, d.va, SZ_64K);
	exec_ok(c.fd, ch4, &push, 1, NO_SYNCS, SYNCS(BIN(s2)));
	wait_ok(c.fd, s2);
	check_bytes(d.map, a.map, SZ_64K, "copy on a new channel");

	/* Dead channels are destroyed once, like any other. */
	igt_assert_eq(__channel_destroy(c.fd, ch1), 0);
	igt_assert_eq(__channel_destroy(c.fd, ch1), -ENOENT);
	igt_assert_eq(__exec(c.fd, ch1, &nop, 1, NO_SYNCS, NO_SYNCS), -ENOENT);
	igt_assert_eq(__channel_destroy(c.fd, ch3), 0);
	ctx_fini(&c);
}

/* --- hang ----------------------------------------------------------------- */

/*
 * With nvsim's `--fault ce-hang`, a LAUNCH_DMA never completes: the job's
 * fence signals -ETIMEDOUT no earlier than EXEC_TIMEOUT_MS after the EXEC,
 * the channel is dead (ENODEV), and another channel still runs work that
 * does not use the copy engine (a host semaphore release).
 */
static void test_hang(void)
{
	struct drm_nova_exec_push push, nop;
	uint64_t expect = 0, t0, elapsed, slack = 20;
	uint32_t ch1, ch2, s1, s2;
	struct bo a, b, sem;
	uint32_t handle;
	struct ctx c;
	int ret, status;

	igt_require_f(nova_env_u64("NOVA_EXEC_EXPECT_HANG", &expect) &&
		      expect == 1,
		      "needs nvsim --fault ce-hang and NOVA_EXEC_EXPECT_HANG=1\n");
	require_exec();
	igt_info("EXEC_TIMEOUT_MS %" PRIu64 "\n", timeout_ms);
	ctx_init(&c);
	ch1 = channel_new(c.fd);
	ch2 = channel_new(c.fd);
	s1 = syncobj_create(c.fd, 0);
	s2 = syncobj_create(c.fd, 0);
	a = bo_new(&c, SZ_64K, 0);
	b = bo_new(&c, SZ_64K, 0);
	sem = bo_new(&c, SZ_4K, 0);
	memset(sem.map, 0, SZ_4K);
	nop = push_nop(&c);

	push = push_copy(&c, a.va, b.va, SZ_64K);
	t0 = now_ms();
	exec_ok(c.fd, ch1, &push, 1, NO_SYNCS, SYNCS(BIN(s1)));
	handle = s1;
	ret = syncobj_wait_err(c.fd, &handle, 1, now_ns() +
			       (3 * timeout_ms + wait_s * 1000) * 1000000ull,
			       0);
	elapsed = now_ms() - t0;
	igt_assert_f(ret == 0, "the hung job's fence did not signal within "
		     "%" PRIu64 " ms: %s\n", 3 * timeout_ms + wait_s * 1000,
		     strerror(-ret));
	status = fence_status(c.fd, s1);
	igt_info("the hung job's fence signalled after %" PRIu64 " ms: %s\n",
		 elapsed, status_name(status));
	igt_assert_f(status == -ETIMEDOUT, "hung job: fence %s, expected "
		     "-ETIMEDOUT\n", status_name(status));
	igt_assert_f(elapsed + slack >= timeout_ms, "the hung job was failed "
		     "after %" PRIu64 " ms, before EXEC_TIMEOUT_MS (%" PRIu64
		     ")\n", elapsed, timeout_ms);
	igt_assert_eq(__exec(c.fd, ch1, &nop, 1, NO_SYNCS, NO_SYNCS), -ENODEV);

	/* Another channel: host methods only, the copy engine hangs here. */
	nv_push_begin(&c.push);
	nv_push_host_nops(&c.push, 4);
	nv_push_sem_release(&c.push, sem.va, 0xc0ffee);
	push = push_end(&c);
	exec_ok(c.fd, ch2, &push, 1, NO_SYNCS, SYNCS(BIN(s2)));
	wait_ok(c.fd, s2);
	igt_assert_eq_u32(*(uint32_t *)sem.map, 0xc0ffee);

	igt_assert_eq(__channel_destroy(c.fd, ch1), 0);
	ctx_fini(&c);
}

/* --- unbind-in-flight ----------------------------------------------------- */

/* Jobs a channel has queued when the driver is unbound. */
#define UNBIND_JOBS	48

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
	uint64_t timeout_s = 60, end;
	char node[64];
	int ret, fd;

	nova_env_u64("NOVA_BIND_TIMEOUT", &timeout_s);
	igt_kmsg(KMSG_INFO "nova_exec: binding %s\n", pci);
	ret = nova_driver_attr(driver_dir, "bind", pci);
	igt_assert_f(ret == 0, "bind of %s failed: %s\n", pci, strerror(-ret));
	end = now_ms() + timeout_s * 1000;
	do {
		if (nova_render_node_of(pci, node, sizeof(node))) {
			fd = __nova_open_node(node);
			if (fd >= 0)
				return fd;
		}
		usleep(20 * 1000);
	} while (now_ms() < end);
	igt_assert_f(false, "no render node %" PRIu64 " s after bind\n",
		     timeout_s);
	return -1;
}

/*
 * The driver unbound while two channels have work queued and running
 * (nvsim delays each channel's work, `--delay engine=...`): one channel's
 * first job waits for a timeline point nobody signals, with more queued
 * behind it; the other gets a burst of copies just before the unbind.
 * Their fences, exported as sync_files before, all signal: success for
 * jobs that finished before the unbind, -ECANCELED for the others (always
 * for the held channel). A process blocked in SYNCOBJ_WAIT on all of them
 * returns. EXEC fails with ENODEV, the file closes, and after binding
 * again a copy works.
 */
static void test_unbind_in_flight(void)
{
	const int per_channel = UNBIND_JOBS, n = 2 * UNBIND_JOBS + 1;
	struct drm_nova_exec_push push;
	uint64_t allowed = 0, t0;
	char path[PATH_MAX + 32];
	uint32_t ch1, ch2, gate, s[2 * UNBIND_JOBS + 1];
	int sf[2 * UNBIND_JOBS + 1], pending = 0, cancelled = 0;
	struct bo a, b;
	struct ctx c;

	igt_require_f(nova_env_u64("NOVA_EXEC_UNBIND_IN_FLIGHT", &allowed) &&
		      allowed == 1,
		      "needs nvsim --delay engine=... and "
		      "NOVA_EXEC_UNBIND_IN_FLIGHT=1\n");
	require_exec();
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

	ctx_init(&c);
	ch1 = channel_new(c.fd);
	ch2 = channel_new(c.fd);
	gate = syncobj_create(c.fd, 0);
	for (int i = 0; i < n; i++)
		s[i] = syncobj_create(c.fd, 0);
	a = bo_new(&c, SZ_256K, 0);
	b = bo_new(&c, SZ_256K, NOVA_GEM_DOMAIN_VRAM);
	pattern(a.map, SZ_256K, 11);

	/* The held channel: its first job waits for a point never signalled. */
	push = push_copy(&c, a.va, b.va, SZ_256K);
	exec_ok(c.fd, ch2, &push, 1, SYNCS(POINT(gate, 1)), SYNCS(BIN(s[0])));
	for (int i = 0; i < per_channel; i++)
		exec_ok(c.fd, ch2, &push, 1, NO_SYNCS, SYNCS(BIN(s[2 + 2 * i])));

	/* A process waiting for all of them while the device goes. */
	igt_fork(child, 1) {
		int ret = syncobj_wait_err(c.fd, s, n, now_ns() +
					   (wait_s + 60) * NSEC_PER_SEC,
					   DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL |
					   DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT);

		/* ENODEV if it only got to wait after the unbind. */
		igt_assert_f(ret == 0 || ret == -ENODEV, "SYNCOBJ_WAIT across "
			     "the unbind: %s\n", strerror(-ret));
	}
	usleep(100 * 1000);

	/*
	 * The running channel: a burst of copies right before the unbind,
	 * so that the last ones are still queued or running (nvsim runs a
	 * channel's work a while after its doorbell).
	 */
	for (int i = 0; i < per_channel; i++)
		exec_ok(c.fd, ch1, &push, 1, NO_SYNCS, SYNCS(BIN(s[1 + 2 * i])));
	for (int i = 0; i < n; i++) {
		sf[i] = syncobj_handle_to_fd(c.fd, s[i],
					     DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE);
		igt_assert_fd(sf[i]);
		pending += sync_fence_status(sf[i]) == 0;
	}
	igt_info("%d of %d jobs pending before the unbind\n", pending, n);
	/* The held channel's jobs cannot have run. */
	igt_assert_lte(per_channel + 1, pending);

	igt_kmsg(KMSG_INFO "nova_exec: unbinding %s with %d jobs pending\n",
		 pci, pending);
	t0 = now_ms();
	igt_assert_eq(nova_driver_attr(driver_dir, "unbind", pci), 0);
	igt_info("unbind took %" PRIu64 " ms\n", now_ms() - t0);
	igt_assert(!nova_pci_is_bound(pci));

	for (int i = 0; i < n; i++) {
		int status;

		igt_assert_f(sync_fence_wait(sf[i], wait_s * 1000) == 0,
			     "job %d: fence not signalled %" PRIu64 " s after "
			     "the unbind\n", i, wait_s);
		status = sync_fence_status(sf[i]);
		igt_assert_f(status == 1 || status == -ECANCELED, "job %d: "
			     "fence %s, expected success or -ECANCELED\n", i,
			     status_name(status));
		/* s[0] and every even one after it are on the held channel. */
		if (i % 2 == 0)
			igt_assert_f(status == -ECANCELED, "job %d of the held "
				     "channel: fence %s, expected -ECANCELED\n",
				     i, status_name(status));
		cancelled += status == -ECANCELED;
		close(sf[i]);
	}
	igt_info("%d of %d jobs cancelled\n", cancelled, n);
	igt_waitchildren();
	igt_assert_eq(__exec(c.fd, ch1, &push, 1, NO_SYNCS, NO_SYNCS), -ENODEV);
	igt_assert_eq(__channel_destroy(c.fd, ch1), -ENODEV);
	munmap(a.map, a.size);
	ctx_fini(&c);

	/* The device again: a copy works. */
	drm_fd = rebind_and_open();
	info_ret = __nova_device_info(drm_fd, &dinfo);
	require_exec();
	{
		struct ctx c2;
		uint32_t ch, s2;
		struct bo x, y;

		ctx_init(&c2);
		ch = channel_new(c2.fd);
		s2 = syncobj_create(c2.fd, 0);
		x = bo_new(&c2, SZ_64K, 0);
		y = bo_new(&c2, SZ_64K, 0);
		pattern(x.map, SZ_64K, 12);
		memset(y.map, 0, SZ_64K);
		push = push_copy(&c2, x.va, y.va, SZ_64K);
		exec_ok(c2.fd, ch, &push, 1, NO_SYNCS, SYNCS(BIN(s2)));
		wait_ok(c2.fd, s2);
		check_bytes(y.map, x.map, SZ_64K, "copy after the rebind");
		ctx_fini(&c2);
	}
}

/* --- invalid -------------------------------------------------------------- */

static int vm_bind_raw(int fd, struct drm_nova_vm_bind *arg)
{
	return nova_ioctl(fd, DRM_IOCTL_NOVA_VM_BIND, arg);
}

/* An address nothing is mapped at in this process. */
static void *bad_pointer(void)
{
	void *p = mmap(NULL, SZ_4K, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);

	igt_assert(p != MAP_FAILED);
	return p;
}

static void test_invalid_channel(struct ctx *c, int fd_novm)
{
	struct drm_nova_channel_create cc;
	uint32_t chans[256];
	int fd, ret, count = 0;

	/* Unknown engines and flags. */
	igt_assert_eq(__channel_create(c->fd, 0, 0, NULL), -EINVAL);
	igt_assert_eq(__channel_create(c->fd, NOVA_ENGINE_COPY + 1, 0, NULL),
		      -EINVAL);
	igt_assert_eq(__channel_create(c->fd, ~0u, 0, NULL), -EINVAL);
	for (int bit = 0; bit < 32; bit++)
		igt_assert_f(__channel_create(c->fd, NOVA_ENGINE_COPY,
					      1u << bit, NULL) == -EINVAL,
			     "CHANNEL_CREATE flag bit %d: not EINVAL\n", bit);
	/* No VA space yet. */
	igt_assert_eq(__channel_create(fd_novm, NOVA_ENGINE_COPY, 0, NULL),
		      -ENOENT);

	/* An empty kernel-managed range has no room for a channel. */
	fd = nova_open_render();
	nova_vm_init(fd, KM_ADDR, 0);
	igt_assert_eq(__channel_create(fd, NOVA_ENGINE_COPY, 0, NULL), -ENOSPC);
	igt_assert_eq(close(fd), 0);
	/* Nor has one at or above NOVA_EXEC_VA_LIMIT. */
	fd = nova_open_render();
	nova_vm_init(fd, NOVA_EXEC_VA_LIMIT, KM_SIZE);
	igt_assert_eq(__channel_create(fd, NOVA_ENGINE_COPY, 0, NULL), -ENOSPC);
	igt_assert_eq(close(fd), 0);

	/*
	 * A range of NOVA_CHANNEL_KERNEL_VA holds at least one channel; it
	 * fills up (ENOSPC), and a destroyed channel's room is reused.
	 */
	fd = nova_open_render();
	nova_vm_init(fd, KM_ADDR, NOVA_CHANNEL_KERNEL_VA);
	do {
		ret = __channel_create(fd, NOVA_ENGINE_COPY, 0, &cc);
		if (ret == 0)
			chans[count++] = cc.channel;
	} while (ret == 0 && count < (int)ARRAY_SIZE(chans));
	igt_info("%d channels in a kernel-managed range of %llu bytes\n",
		 count, (unsigned long long)NOVA_CHANNEL_KERNEL_VA);
	igt_assert_f(count >= 1, "no channel in a kernel-managed range of "
		     "NOVA_CHANNEL_KERNEL_VA bytes\n");
	igt_assert_f(ret == -ENOSPC, "CHANNEL_CREATE in a full "
		     "kernel-managed range: %s, expected ENOSPC\n",
		     ret ? strerror(-ret) : "success");
	igt_assert_eq(__channel_destroy(fd, chans[count - 1]), 0);
	chans[count - 1] = channel_new(fd);
	igt_assert_eq(__channel_create(fd, NOVA_ENGINE_COPY, 0, NULL), -ENOSPC);
	igt_assert_eq(close(fd), 0);

	/* CHANNEL_DESTROY: unknown handles, padding, twice, other files. */
	{
		uint32_t ch = channel_new(c->fd);

		igt_assert_eq(__channel_destroy(c->fd, 0), -ENOENT);
		igt_assert_eq(__channel_destroy(c->fd, ch + 1000), -ENOENT);
		igt_assert_eq(__channel_destroy(c->fd, ~0u), -ENOENT);
		igt_assert_eq(__channel_destroy_pad(c->fd, ch, 1), -EINVAL);
		igt_assert_eq(__channel_destroy_pad(c->fd, ch, 1u << 31),
			      -EINVAL);
		igt_assert_eq(__channel_destroy(fd_novm, ch), -ENOENT);
		fd = nova_open_render();
		nova_vm_init(fd, KM_ADDR, KM_SIZE);
		igt_assert_eq(__channel_destroy(fd, ch), -ENOENT);
		igt_assert_eq(close(fd), 0);
		igt_assert_eq(__channel_destroy(c->fd, ch), 0);
		igt_assert_eq(__channel_destroy(c->fd, ch), -ENOENT);
	}
}

static void test_invalid_exec(struct ctx *c, int fd_novm)
{
	struct drm_nova_exec_push nop, *many, bad;
	struct drm_nova_sync sync;
	uint32_t ch, s, fresh;
	void *badp = bad_pointer();
	struct bo big;
	int fd;

	ch = channel_new(c->fd);
	s = syncobj_create(c->fd, 0);
	fresh = syncobj_create(c->fd, 0);
	nop = push_nop(c);

	/* A good call, to know that the refusals below are the arguments'. */
	exec_ok(c->fd, ch, &nop, 1, NO_SYNCS, SYNCS(BIN(s)));
	wait_ok(c->fd, s);

	/* Unknown channels; no VA space; another file's channel. */
	igt_assert_eq(__exec(c->fd, 0, &nop, 1, NO_SYNCS, NO_SYNCS), -ENOENT);
	igt_assert_eq(__exec(c->fd, ch + 1000, &nop, 1, NO_SYNCS, NO_SYNCS),
		      -ENOENT);
	igt_assert_eq(__exec(c->fd, ~0u, &nop, 1, NO_SYNCS, NO_SYNCS), -ENOENT);
	igt_assert_eq(__exec(fd_novm, ch, &nop, 1, NO_SYNCS, NO_SYNCS), -ENOENT);
	fd = nova_open_render();
	nova_vm_init(fd, KM_ADDR, KM_SIZE);
	igt_assert_eq(__exec(fd, ch, &nop, 1, NO_SYNCS, NO_SYNCS), -ENOENT);
	igt_assert_eq(close(fd), 0);

	/* push_count: 0, EXEC_PUSH_MAX (valid), EXEC_PUSH_MAX + 1. */
	igt_assert_eq(__exec(c->fd, ch, &nop, 0, NO_SYNCS, NO_SYNCS), -EINVAL);
	igt_require_f(push_max <= (1u << 20), "EXEC_PUSH_MAX %" PRIu64
		      " is too large to test\n", push_max);
	many = calloc(push_max + 1, sizeof(*many));
	igt_assert(many);
	for (uint64_t i = 0; i <= push_max; i++)
		many[i] = nop;
	igt_assert_eq(__exec(c->fd, ch, many, push_max + 1, NO_SYNCS, NO_SYNCS),
		      -EINVAL);
	exec_ok(c->fd, ch, many, push_max, NO_SYNCS, SYNCS(BIN(s)));
	wait_ok(c->fd, s);
	free(many);

	/* Push buffer lengths, alignment and flags. */
	bad = nop;
	bad.len = 0;
	igt_assert_eq(__exec(c->fd, ch, &bad, 1, NO_SYNCS, SYNCS(BIN(fresh))),
		      -EINVAL);
	for (uint32_t len = 1; len < 4; len++) {
		bad.len = nop.len + len;
		igt_assert_f(__exec(c->fd, ch, &bad, 1, NO_SYNCS, NO_SYNCS) ==
			     -EINVAL, "push length %u: not EINVAL\n", bad.len);
	}
	bad.len = SZ_8M;
	igt_assert_eq(__exec(c->fd, ch, &bad, 1, NO_SYNCS, NO_SYNCS), -EINVAL);
	bad.len = ~0u & ~3u;
	igt_assert_eq(__exec(c->fd, ch, &bad, 1, NO_SYNCS, NO_SYNCS), -EINVAL);
	for (uint64_t off = 1; off < 4; off++) {
		bad = nop;
		bad.va += off;
		igt_assert_f(__exec(c->fd, ch, &bad, 1, NO_SYNCS, NO_SYNCS) ==
			     -EINVAL, "push VA %#" PRIx64 ": not EINVAL\n",
			     (uint64_t)bad.va);
	}
	for (int bit = 0; bit < 32; bit++) {
		bad = nop;
		bad.flags = 1u << bit;
		igt_assert_f(__exec(c->fd, ch, &bad, 1, NO_SYNCS, NO_SYNCS) ==
			     -EINVAL, "push flag bit %d: not EINVAL\n", bit);
	}
	/* The longest push buffer, 8 MiB - 4 of zeros (DMA NOPs): valid. */
	big = bo_new(c, SZ_8M, NOVA_GEM_DOMAIN_GART);
	memset(big.map, 0, SZ_8M);
	bad = (struct drm_nova_exec_push){ .va = big.va, .len = SZ_8M - 4 };
	exec_ok(c->fd, ch, &bad, 1, NO_SYNCS, SYNCS(BIN(s)));
	wait_ok(c->fd, s);
	/* Push buffers end at or below NOVA_EXEC_VA_LIMIT. */
	bad = (struct drm_nova_exec_push){
		.va = NOVA_EXEC_VA_LIMIT - 4, .len = 8,
	};
	igt_assert_eq(__exec(c->fd, ch, &bad, 1, NO_SYNCS, NO_SYNCS), -EINVAL);
	bad = (struct drm_nova_exec_push){ .va = NOVA_EXEC_VA_LIMIT, .len = 4 };
	igt_assert_eq(__exec(c->fd, ch, &bad, 1, NO_SYNCS, NO_SYNCS), -EINVAL);
	bad = (struct drm_nova_exec_push){ .va = ~0ull & ~3ull, .len = 4 };
	igt_assert_eq(__exec(c->fd, ch, &bad, 1, NO_SYNCS, NO_SYNCS), -EINVAL);
	{
		/* The last 4 KiB below the limit, NOPs: valid. */
		uint32_t h = nova_gem_create_flags(c->fd, SZ_4K, 0, NULL);
		void *p = nova_gem_mmap(c->fd, h, SZ_4K, PROT_WRITE);

		memset(p, 0, SZ_4K);
		munmap(p, SZ_4K);
		nova_vm_map(c->fd, h, NOVA_EXEC_VA_LIMIT - SZ_4K, 0, SZ_4K);
		bad = (struct drm_nova_exec_push){
			.va = NOVA_EXEC_VA_LIMIT - SZ_4K, .len = SZ_4K,
		};
		exec_ok(c->fd, ch, &bad, 1, NO_SYNCS, SYNCS(BIN(s)));
		wait_ok(c->fd, s);
	}
	/* A bad push buffer anywhere in the array refuses the whole job. */
	{
		struct drm_nova_exec_push two[3] = { nop, nop, nop };

		two[2].len = 0;
		igt_assert_eq(__exec(c->fd, ch, two, 3, NO_SYNCS,
				     SYNCS(BIN(fresh))), -EINVAL);
	}

	/* Sync flags and timeline values, for waits and signals. */
	for (int bit = 1; bit < 32; bit++) {
		sync = BIN(s);
		sync.flags = 1u << bit;
		igt_assert_f(__exec(c->fd, ch, &nop, 1, &sync, 1, NO_SYNCS) ==
			     -EINVAL, "wait flags %#x: not EINVAL\n", sync.flags);
		igt_assert_f(__exec(c->fd, ch, &nop, 1, NO_SYNCS, &sync, 1) ==
			     -EINVAL, "signal flags %#x: not EINVAL\n",
			     sync.flags);
	}
	sync = BIN(s);
	sync.timeline_value = 1;
	igt_assert_eq(__exec(c->fd, ch, &nop, 1, &sync, 1, NO_SYNCS), -EINVAL);
	igt_assert_eq(__exec(c->fd, ch, &nop, 1, NO_SYNCS, &sync, 1), -EINVAL);

	/* Counts no job can have: EINVAL, whatever the arrays hold. */
	sync = BIN(s);
	igt_assert_eq(__exec(c->fd, ch, &nop, 1, &sync, ~0u, NO_SYNCS), -EINVAL);
	igt_assert_eq(__exec(c->fd, ch, &nop, 1, NO_SYNCS, &sync, ~0u), -EINVAL);
	igt_assert_eq(__exec(c->fd, ch, &nop, ~0u, NO_SYNCS, NO_SYNCS), -EINVAL);

	/* Unknown syncobjs. */
	igt_assert_eq(__exec(c->fd, ch, &nop, 1, SYNCS(BIN(0)), NO_SYNCS),
		      -ENOENT);
	igt_assert_eq(__exec(c->fd, ch, &nop, 1, SYNCS(BIN(fresh + 1000)),
			     NO_SYNCS), -ENOENT);
	igt_assert_eq(__exec(c->fd, ch, &nop, 1, NO_SYNCS, SYNCS(BIN(0))),
		      -ENOENT);
	igt_assert_eq(__exec(c->fd, ch, &nop, 1, NO_SYNCS,
			     SYNCS(BIN(s), BIN(fresh + 1000))), -ENOENT);
	igt_assert_eq(__exec(c->fd, ch, &nop, 1, SYNCS(POINT(fresh + 1000, 1)),
			     NO_SYNCS), -ENOENT);

	/* Unreadable arrays. */
	igt_assert_eq(__exec(c->fd, ch, badp, 1, NO_SYNCS, NO_SYNCS), -EFAULT);
	igt_assert_eq(__exec(c->fd, ch, (void *)8, 1, NO_SYNCS, NO_SYNCS),
		      -EFAULT);
	igt_assert_eq(__exec(c->fd, ch, &nop, 1, badp, 1, NO_SYNCS), -EFAULT);
	igt_assert_eq(__exec(c->fd, ch, &nop, 1, NO_SYNCS, badp, 1), -EFAULT);
	igt_assert_eq(__exec(c->fd, ch, &nop, 1, NO_SYNCS, (void *)8, 1),
		      -EFAULT);

	/* No refused call gave the syncobj it named a fence. */
	{
		uint32_t h = fresh;

		igt_assert_eq(syncobj_wait_err(c->fd, &h, 1, 0, 0), -EINVAL);
	}
	/* The channel still works, and once destroyed it is gone. */
	exec_ok(c->fd, ch, &nop, 1, NO_SYNCS, SYNCS(BIN(s)));
	wait_ok(c->fd, s);
	igt_assert_eq(__channel_destroy(c->fd, ch), 0);
	igt_assert_eq(__exec(c->fd, ch, &nop, 1, NO_SYNCS, NO_SYNCS), -ENOENT);
	igt_assert_eq(__channel_destroy(c->fd, ch), -ENOENT);
	munmap(big.map, big.size);
	munmap(badp, SZ_4K);
}

static void test_invalid_vm_bind(struct ctx *c, int fd_novm)
{
	struct drm_nova_sync sync[1];
	struct drm_nova_vm_bind_op op;
	struct drm_nova_vm_bind arg;
	void *badp = bad_pointer();
	uint32_t s, h;
	uint64_t va;

	s = syncobj_create(c->fd, 0);
	h = nova_gem_create_flags(c->fd, SZ_64K, 0, NULL);
	va = va_reserve(c, SZ_64K);
	op = (struct drm_nova_vm_bind_op){
		.op = NOVA_VM_BIND_OP_MAP, .handle = h, .addr = va,
		.range = SZ_64K,
	};
	sync[0] = BIN(s);

	/* Sync counts without RUN_ASYNC. */
	arg = (struct drm_nova_vm_bind){
		.op_count = 1, .op_ptr = (uintptr_t)&op, .wait_count = 1,
		.wait_ptr = (uintptr_t)sync,
	};
	igt_assert_eq(vm_bind_raw(c->fd, &arg), -EINVAL);
	arg = (struct drm_nova_vm_bind){
		.op_count = 1, .op_ptr = (uintptr_t)&op, .sig_count = 1,
		.sig_ptr = (uintptr_t)sync,
	};
	igt_assert_eq(vm_bind_raw(c->fd, &arg), -EINVAL);
	/* Undefined flags. */
	for (int bit = 1; bit < 32; bit++) {
		arg = (struct drm_nova_vm_bind){
			.op_count = 1, .op_ptr = (uintptr_t)&op,
			.flags = NOVA_VM_BIND_RUN_ASYNC | 1u << bit,
		};
		igt_assert_f(vm_bind_raw(c->fd, &arg) == -EINVAL,
			     "VM_BIND flag bit %d: not EINVAL\n", bit);
	}
	/* RUN_ASYNC with unknown syncobjs, bad sync flags, bad arrays. */
	arg = (struct drm_nova_vm_bind){
		.op_count = 1, .op_ptr = (uintptr_t)&op,
		.flags = NOVA_VM_BIND_RUN_ASYNC, .wait_count = 1,
		.wait_ptr = (uintptr_t)sync,
	};
	sync[0] = BIN(s + 1000);
	igt_assert_eq(vm_bind_raw(c->fd, &arg), -ENOENT);
	arg.wait_count = 0;
	arg.sig_count = 1;
	arg.sig_ptr = (uintptr_t)sync;
	igt_assert_eq(vm_bind_raw(c->fd, &arg), -ENOENT);
	sync[0] = BIN(s);
	sync[0].flags = 2;
	igt_assert_eq(vm_bind_raw(c->fd, &arg), -EINVAL);
	sync[0] = BIN(s);
	sync[0].timeline_value = 3;
	igt_assert_eq(vm_bind_raw(c->fd, &arg), -EINVAL);
	arg.sig_ptr = (uintptr_t)badp;
	igt_assert_eq(vm_bind_raw(c->fd, &arg), -EFAULT);
	arg.sig_count = 0;
	arg.wait_count = 1;
	arg.wait_ptr = (uintptr_t)badp;
	igt_assert_eq(vm_bind_raw(c->fd, &arg), -EFAULT);
	/* The operations are still checked at the call. */
	sync[0] = BIN(s);
	op.addr = va + 1;
	arg = (struct drm_nova_vm_bind){
		.op_count = 1, .op_ptr = (uintptr_t)&op,
		.flags = NOVA_VM_BIND_RUN_ASYNC, .sig_count = 1,
		.sig_ptr = (uintptr_t)sync,
	};
	igt_assert_eq(vm_bind_raw(c->fd, &arg), -EINVAL);
	op.addr = va;
	op.handle = h + 1000;
	igt_assert_eq(vm_bind_raw(c->fd, &arg), -ENOENT);
	op.handle = h;
	/* Nothing refused gave the syncobj a fence. */
	{
		uint32_t handle = s;

		igt_assert_eq(syncobj_wait_err(c->fd, &handle, 1, 0, 0),
			      -EINVAL);
	}
	/* Before VM_INIT. */
	igt_assert_eq(vm_bind_raw(fd_novm, &arg), -ENOENT);
	/* And a good one, to know the refusals were the arguments'. */
	igt_assert_eq(vm_bind_raw(c->fd, &arg), 0);
	wait_ok(c->fd, s);
	munmap(badp, SZ_4K);
}

/*
 * Every argument check nova_drm.h documents for CHANNEL_CREATE,
 * CHANNEL_DESTROY, EXEC, and VM_BIND's synchronisation fields.
 */
static void test_invalid(void)
{
	struct ctx c;
	int fd_novm;

	require_exec();
	ctx_init(&c);
	fd_novm = nova_open_render();
	test_invalid_channel(&c, fd_novm);
	test_invalid_exec(&c, fd_novm);
	test_invalid_vm_bind(&c, fd_novm);
	igt_assert_eq(close(fd_novm), 0);
	ctx_fini(&c);
}

/* --- vm-bind-async -------------------------------------------------------- */

static int __vm_bind_async(int fd, const struct drm_nova_vm_bind_op *ops,
			   uint32_t count, const struct drm_nova_sync *wait,
			   uint32_t wait_count, const struct drm_nova_sync *sig,
			   uint32_t sig_count)
{
	struct drm_nova_vm_bind arg = {
		.op_count = count, .flags = NOVA_VM_BIND_RUN_ASYNC,
		.wait_count = wait_count, .sig_count = sig_count,
		.wait_ptr = (uintptr_t)wait, .sig_ptr = (uintptr_t)sig,
		.op_ptr = (uintptr_t)ops,
	};

	return vm_bind_raw(fd, &arg);
}

static void vm_bind_async(int fd, const struct drm_nova_vm_bind_op *ops,
			  uint32_t count, const struct drm_nova_sync *wait,
			  uint32_t wait_count, const struct drm_nova_sync *sig,
			  uint32_t sig_count)
{
	int ret = __vm_bind_async(fd, ops, count, wait, wait_count, sig,
				  sig_count);

	igt_assert_f(ret == 0, "VM_BIND RUN_ASYNC: %s\n", strerror(-ret));
}

static struct drm_nova_vm_bind_op map_op(uint32_t handle, uint64_t va,
					 uint64_t range)
{
	return (struct drm_nova_vm_bind_op){
		.op = NOVA_VM_BIND_OP_MAP, .handle = handle, .addr = va,
		.range = range,
	};
}

/*
 * VM_BIND with RUN_ASYNC: a map whose out-syncobj signals, after which a
 * copy through the new mapping works; a bind that waits for a job's fence;
 * binds applied in order (two maps at one VA: the second wins); an EXEC
 * that waits for an asynchronous bind's syncobj (as NVK's bind queue and
 * its submissions do); an asynchronous unmap.
 */
static void test_vm_bind_async(void)
{
	struct drm_nova_exec_push push;
	struct drm_nova_vm_bind_op op[2];
	uint32_t ch, s, sb, v1, v2, v3;
	uint64_t va, va2, va3;
	struct bo a, d;
	struct ctx c;

	require_exec();
	ctx_init(&c);
	ch = channel_new(c.fd);
	s = syncobj_create(c.fd, 0);
	sb = syncobj_create(c.fd, 0);
	a = bo_new(&c, SZ_64K, 0);
	d = bo_new(&c, SZ_64K, 0);
	pattern(a.map, SZ_64K, 21);

	/* Map a VRAM object asynchronously, then copy A to it and back. */
	v1 = nova_gem_create_flags(c.fd, SZ_64K, NOVA_GEM_DOMAIN_VRAM, NULL);
	va = va_reserve(&c, SZ_64K);
	op[0] = map_op(v1, va, SZ_64K);
	vm_bind_async(c.fd, op, 1, NO_SYNCS, SYNCS(BIN(sb)));
	wait_ok(c.fd, sb);
	memset(d.map, 0, SZ_64K);
	push_begin_copy(&c);
	nv_push_copy(&c.push, NV_PUSH_SUBC_COPY, a.va, va, SZ_64K);
	nv_push_copy(&c.push, NV_PUSH_SUBC_COPY, va, d.va, SZ_64K);
	push = push_end(&c);
	exec_ok(c.fd, ch, &push, 1, NO_SYNCS, SYNCS(BIN(s)));
	wait_ok(c.fd, s);
	check_bytes(d.map, a.map, SZ_64K, "through an asynchronous map");

	/* Two maps at one VA in two calls: applied in order. */
	v2 = nova_gem_create_flags(c.fd, SZ_64K, NOVA_GEM_DOMAIN_VRAM, NULL);
	va2 = va_reserve(&c, SZ_64K);
	nova_vm_map(c.fd, v2, va2, 0, SZ_64K);
	push = push_fill(&c, va2, SZ_64K / 4, 0x22222222);
	exec_ok(c.fd, ch, &push, 1, NO_SYNCS, SYNCS(BIN(s)));
	/* v1 holds A; v2 0x22..; map v1 then v2 at va3, after the fill. */
	va3 = va_reserve(&c, SZ_64K);
	op[0] = map_op(v1, va3, SZ_64K);
	vm_bind_async(c.fd, op, 1, SYNCS(BIN(s)), NO_SYNCS);
	op[0] = map_op(v2, va3, SZ_64K);
	vm_bind_async(c.fd, op, 1, NO_SYNCS, SYNCS(BIN(sb)));
	wait_ok(c.fd, sb);
	memset(d.map, 0, SZ_64K);
	push = push_copy(&c, va3, d.va, SZ_64K);
	exec_ok(c.fd, ch, &push, 1, NO_SYNCS, SYNCS(BIN(s)));
	wait_ok(c.fd, s);
	check_words(d.map, 0x22222222, SZ_64K / 4, "the later of two maps");

	/* An EXEC that waits for a bind it was submitted after. */
	v3 = nova_gem_create_flags(c.fd, SZ_64K, NOVA_GEM_DOMAIN_GART, NULL);
	op[0] = (struct drm_nova_vm_bind_op){
		.op = NOVA_VM_BIND_OP_UNMAP, .addr = va3, .range = SZ_64K,
	};
	op[1] = map_op(v3, va3, SZ_64K);
	vm_bind_async(c.fd, op, 2, NO_SYNCS, SYNCS(BIN(sb)));
	push_begin_copy(&c);
	nv_push_copy(&c.push, NV_PUSH_SUBC_COPY, a.va, va3, SZ_64K);
	nv_push_fill(&c.push, NV_PUSH_SUBC_COPY, d.va, SZ_64K / 4, 0);
	nv_push_copy(&c.push, NV_PUSH_SUBC_COPY, va3, d.va, SZ_64K);
	push = push_end(&c);
	exec_ok(c.fd, ch, &push, 1, SYNCS(BIN(sb)), SYNCS(BIN(s)));
	wait_ok(c.fd, s);
	wait_ok(c.fd, sb);
	check_bytes(d.map, a.map, SZ_64K, "EXEC after the bind it waited for");
	{
		void *p = nova_gem_mmap(c.fd, v3, SZ_64K, PROT_READ);

		check_bytes(p, a.map, SZ_64K, "the newly mapped object");
		munmap(p, SZ_64K);
	}

	/* An asynchronous unmap that waits for the last job. */
	op[0] = (struct drm_nova_vm_bind_op){
		.op = NOVA_VM_BIND_OP_UNMAP, .addr = va, .range = SZ_64K,
	};
	vm_bind_async(c.fd, op, 1, SYNCS(BIN(s)), SYNCS(BIN(sb)));
	wait_ok(c.fd, sb);
	ctx_fini(&c);
}

igt_main
{
	igt_fixture {
		drm_fd = nova_open_render();
		info_ret = __nova_device_info(drm_fd, &dinfo);
		igt_assert_f(info_ret == 0 || info_ret == -ENODEV,
			     "DEVICE_INFO: %s\n", strerror(-info_ret));
		push_max_ret = __nova_getparam(drm_fd,
					       NOVA_GETPARAM_EXEC_PUSH_MAX,
					       &push_max);
		timeout_ret = __nova_getparam(drm_fd,
					      NOVA_GETPARAM_EXEC_TIMEOUT_MS,
					      &timeout_ms);
		nova_env_u64("NOVA_EXEC_WAIT_S", &wait_s);
	}

	igt_describe("Copies through the copy engine between system-memory "
		     "objects (whole, and byte-exact at unaligned offsets), "
		     "and into VRAM and back, checked byte for byte.");
	igt_subtest("copy")
		test_copy();

	igt_describe("Constant fills through the remap unit: whole, a range, "
		     "overlapping, zero, VRAM read back.");
	igt_subtest("fill")
		test_fill();

	igt_describe("Jobs on two channels depending on each other through "
		     "syncobjs, held back by a timeline point and back to "
		     "back; every round's result checked.");
	igt_subtest("chain-two-channels")
		test_chain_two_channels();

	igt_describe("Timeline syncobjs as waits and signals (points 1, 2, "
		     "3, 10), syncobj_timeline_wait and query.");
	igt_subtest("timeline")
		test_timeline();

	igt_describe("Many jobs back to back on one channel, each reading "
		     "what the previous wrote; every fence checked.");
	igt_subtest("many-in-flight")
		test_many_in_flight();

	igt_describe("EXEC waiting for a timeline point not yet submitted "
		     "returns at once and runs when another EXEC signals it.");
	igt_subtest("wait-before-submit")
		test_wait_before_submit();

	igt_describe("CHANNEL_DESTROY and file close with jobs queued: their "
		     "fences signal -ECANCELED.");
	igt_subtest("destroy-pending")
		test_destroy_pending();

	igt_describe("A copy from or to an unmapped address: fence -EIO, the "
		     "channel dead (ENODEV), the file's other channels "
		     "working.");
	igt_subtest("fault")
		test_fault();

	igt_describe("With nvsim --fault ce-hang: the fence signals "
		     "-ETIMEDOUT after EXEC_TIMEOUT_MS, the channel is dead, "
		     "another channel works.");
	igt_subtest("hang")
		test_hang();

	igt_describe("The driver unbound with jobs queued and running: every "
		     "fence signals, waits return, the device comes back.");
	igt_subtest("unbind-in-flight")
		test_unbind_in_flight();

	igt_describe("Every argument check of CHANNEL_CREATE, "
		     "CHANNEL_DESTROY, EXEC, and VM_BIND's sync fields.");
	igt_subtest("invalid")
		test_invalid();

	igt_describe("VM_BIND with RUN_ASYNC: out-syncobjs, waits, order, "
		     "an EXEC waiting for a bind.");
	igt_subtest("vm-bind-async")
		test_vm_bind_async();

	igt_fixture {
		if (drm_fd >= 0)
			close(drm_fd);
	}
}
