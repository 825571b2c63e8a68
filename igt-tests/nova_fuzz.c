// SPDX-License-Identifier: MIT
/*
 * nova_fuzz - seeded, reproducible fuzzing of nova's uAPI and of the DRM
 * core ioctls its render node accepts.
 *
 * Every subtest draws its calls from a pseudo-random generator seeded with
 * NOVA_FUZZ_SEED (a number, 0x-hex allowed; default: the clock) and prints
 * the seed it used. The same seed gives the same sequence of calls in a
 * subtest that runs in one process (nova-ioctls, drm-core-ioctls,
 * handles-across-files), a prefix of it if the run is shorter; each process
 * of concurrent and during-unbind gets the seed plus its index, so its own
 * calls repeat, but not how they interleave with the others'.
 *
 * NOVA_FUZZ_SECONDS (default 20) sets the duration: nova-ioctls runs that
 * long, drm-core-ioctls and concurrent half of it, handles-across-files a
 * quarter, and during-unbind fuzzes a tenth of it (at least half a second)
 * before each of its unbind/bind cycles (2, or one a minute of
 * NOVA_FUZZ_SECONDS if more) and after the last, so the binary takes about
 * a minute with the default.
 *
 * What is checked, beyond "no crash, no hang, nothing in the kernel log"
 * (run.sh fails a subtest whose kernel log shows a warning):
 *  - nova's ioctls give exactly the result nova_drm.h documents: non-zero
 *    padding, unknown flags and unknown parameters -EINVAL, size zero
 *    -EINVAL and sizes above NOVA_GETPARAM_GEM_SIZE_MAX -ENOMEM (never an
 *    object), unknown and closed handles -ENOENT (GEM_CLOSE: -EINVAL, the
 *    DRM core's answer), a short GETPARAM_STRING buffer -EINVAL and an
 *    unwritable one -EFAULT, -ENODEV for the GSP-RM values without GSP-RM;
 *    the values read are those read at the start, created objects have the
 *    size asked rounded up to pages and the domain asked (GEM_INFO), VRAM
 *    objects cannot be mapped (-EINVAL), and what is written through a
 *    mapping reads back;
 *  - DEVICE_INFO, VM_INIT and VM_BIND against a model of each file's VA
 *    space (whether there is one, its kernel-managed range, the sparse
 *    regions the fuzzer made, the objects it holds): a call whose
 *    arguments are wrong in several ways must fail with one of the errors
 *    nova_drm.h gives for them (in whatever order the driver checks), a
 *    right one succeeds or, if it maps, fails with -ENOMEM and an op_count
 *    of the operations applied; VM_INIT twice is -EEXIST, VM_BIND before
 *    it -ENOENT; operation arrays of 0 to 1025 and more operations, in
 *    the op buffer, running into a PROT_NONE page or at bad addresses;
 *    sparse regions made, overlapped, mapped into and across their edges,
 *    unmapped and removed (one sparse operation a call, in the fuzzer's
 *    own zone of the VA space, so that processes sharing a file do not
 *    meet); VM_BIND flag bits other than RUN_ASYNC -EINVAL, sync fields
 *    without RUN_ASYNC -EINVAL, and RUN_ASYNC only with syncobjs to wait
 *    for or signal: the fuzzers' files hold none, so such a call fails
 *    (more than 256 -EINVAL, an unreadable array -EFAULT, bad sync flags
 *    -EINVAL, a handle -ENOENT) and the model never has binds still to
 *    come;
 *  - CHANNEL_CREATE, CHANNEL_DESTROY and EXEC, with the errors nova_drm.h
 *    gives (-EINVAL, -ENOENT, -EFAULT, -ENOSPC, -ENODEV): a channel made
 *    (where the kernel-managed range lies below NOVA_EXEC_VA_LIMIT) is
 *    destroyed again at once; EXEC names a channel no file has, or is
 *    wrong in a way refused before anything is queued, with push buffer
 *    and syncobj arrays in buffers, running into PROT_NONE pages or at
 *    bad addresses: no job ever runs, no channel can fault;
 *  - an argument pointer that cannot be read or written (NULL, kernel and
 *    non-canonical addresses, an unmapped or PROT_NONE page, a read-only
 *    page, a struct that runs into an inaccessible page) is -EFAULT;
 *  - an ioctl number with another size or direction encoded gives what the
 *    DRM core makes of it (drm_ioctl(): the driver sees the user's bytes up
 *    to the encoded size, zero-filled, so the result is that of the
 *    truncated or extended struct), an unknown nova ioctl number -EINVAL,
 *    another ioctl type -ENOTTY;
 *  - the generic DRM ioctls (drm-core-ioctls) only have to return success
 *    or an error, but for a few sure answers (VERSION, GET_CAP,
 *    SET_CLIENT_NAME);
 *  - across files (handles-across-files), a handle number means what the
 *    file using it has under that number (-ENOENT if nothing, for
 *    VM_BIND too: each file has a VA space of its own), an offset
 *    maps only through a file that holds the object (else -EACCES), and
 *    an object has one offset and the same contents in every file, a
 *    PRIME import included;
 *  - while the device goes away (during-unbind), every call gives its
 *    result or -ENODEV, and only -ENODEV once it started after the unbind
 *    of its file's device returned; the workers then open the new render
 *    node;
 *  - no process hangs (alarm(), waitpid() with a timeout), and the device
 *    still works at the end of each subtest.
 *
 * Memory: a GEM mapping pins the whole object, so only objects of at most
 * SMALL_PAGES pages are ever mapped; a VM_BIND of an object in system
 * memory pins it whole too, so only those of at most BIND_GART_MAX bytes
 * are bound (VRAM objects of any size); large and huge objects are
 * created and closed without being mapped.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "igt.h"
#include "nova_igt.h"

IGT_TEST_DESCRIPTION("Seeded random and structured arguments to nova's "
		     "ioctls and the DRM core ioctls of its render node, "
		     "from one or several processes and while the device "
		     "is unbound.");

/* DRM core ioctls newer than the libdrm headers of the build root. */
#ifndef DRM_IOCTL_SET_CLIENT_NAME
struct drm_set_client_name {
	__u64 name_len;
	__u64 name;
};
#define DRM_IOCTL_SET_CLIENT_NAME DRM_IOWR(0xD1, struct drm_set_client_name)
#endif
#ifndef DRM_IOCTL_GEM_CHANGE_HANDLE
struct drm_gem_change_handle {
	__u32 handle;
	__u32 new_handle;
};
#define DRM_IOCTL_GEM_CHANGE_HANDLE DRM_IOWR(0xD2, struct drm_gem_change_handle)
#endif

#define DEFAULT_SECONDS		20
/* Objects a fuzzer keeps at once in its file; older ones are closed. */
#define MAX_OBJS		48
/* Largest object that is ever mapped (a mapping pins all its pages). */
#define SMALL_PAGES		16
/*
 * Largest object in system memory that is ever bound: a binding of any
 * part of it pins all its pages too (its scatter list), and four workers
 * of a 2 GiB guest must not run it out of memory.
 */
#define BIND_GART_MAX		(2ull << 20)
/* Closed handles remembered to be used again. */
#define MAX_STALE		16
/* Nova's ioctls, DRM_NOVA_GETPARAM to DRM_NOVA_EXEC. */
#define NOVA_NR_IOCTLS		(DRM_NOVA_EXEC + 1)
/* The last GETPARAM parameter. */
#define NOVA_LAST_PARAM		NOVA_GETPARAM_EXEC_TIMEOUT_MS
/* Every driver ioctl number from here to DRM_COMMAND_END is unknown. */
#define FIRST_UNKNOWN_NR	(DRM_COMMAND_BASE + NOVA_NR_IOCTLS)
/* Largest size an ioctl number can encode (14 bits). */
#define IOC_SIZE_MAX		((1u << _IOC_SIZEBITS) - 1)
/* Handles no file gets in a run (the DRM core hands out the lowest free). */
#define FAR_HANDLE_BASE		0x40000000u
/* The GPU's smallest page: the alignment of every VM_BIND address. */
#define GPU_PAGE		4096ull
/* Most operations of one VM_BIND call (nova_drm.h). */
#define OPS_MAX			1024
/* Operations the op buffer holds (one more than a call may give). */
#define OPS_CAP			(OPS_MAX + 1)
/* Sparse regions a fuzzer keeps in its VA space at once. */
#define MAX_SPARSE		16
/*
 * Most syncobjs of one wait or signal array of VM_BIND (RUN_ASYNC) and
 * EXEC: nova's limit, above which the count is -EINVAL ("a bad count").
 */
#define SYNC_MAX		256
/* A push buffer is shorter than this (nova_drm.h). */
#define PUSH_LEN_LIMIT		(8u << 20)
/*
 * The GPU VA layout of the fuzzers: fuzzer k (0 for nova-ioctls, worker N
 * of concurrent and during-unbind N + 1) owns the zone [(k + 1) << 44,
 * (k + 2) << 44): plain MAP/UNMAP in its lower half, sparse regions in its
 * upper half. Below 1 << 44 anyone maps and no sparse region ever is; the
 * kernel-managed range of VM_INITs the fuzzers do themselves (KM_ADDR,
 * KM_SIZE) is above every zone, and random ones are anywhere. Channels
 * need theirs below NOVA_EXEC_VA_LIMIT (1 TiB): some VM_INITs give that
 * instead (KM_EXEC_ADDR, KM_EXEC_SIZE, room for 64 channels), below every
 * zone.
 */
#define ZONE_SHIFT		44
#define KM_ADDR			(1ull << 47)
#define KM_SIZE			(1ull << 32)
#define KM_EXEC_ADDR		(1ull << 39)
#define KM_EXEC_SIZE		(64 * NOVA_CHANNEL_KERNEL_VA)

/* --- what the device is (read once per subtest) -------------------------- */

static uint64_t page_size;
static uint64_t size_max;
static bool have_gsp;
/* GETPARAM(EXEC_PUSH_MAX): the most push buffers of one EXEC. */
static uint64_t exec_push_max;
/* GETPARAM results at the start: values, and 0 or -errno. */
static uint64_t param_value[NOVA_LAST_PARAM + 1];
static int param_ret[NOVA_LAST_PARAM + 1];
/* DEVICE_INFO at the start (with GSP-RM), and the end of the VA space. */
static struct drm_nova_device_info dev_info;
static uint64_t va_end;
/* The GPU name GETPARAM_STRING reports, terminator included (with GSP-RM). */
static char gpu_name[256];
static uint32_t gpu_name_len;

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint64_t round_up_page(uint64_t size)
{
	return (size + page_size - 1) & ~(page_size - 1);
}

static void read_device(int fd)
{
	struct drm_nova_getparam_string s = {
		.param = NOVA_GETPARAM_STRING_GPU_NAME,
	};
	int ret;

	page_size = sysconf(_SC_PAGESIZE);
	size_max = nova_getparam(fd, NOVA_GETPARAM_GEM_SIZE_MAX);
	for (uint64_t p = 1; p <= NOVA_LAST_PARAM; p++)
		param_ret[p] = __nova_getparam(fd, p, &param_value[p]);
	igt_assert_f(param_ret[NOVA_GETPARAM_VRAM_SIZE] == 0 ||
		     param_ret[NOVA_GETPARAM_VRAM_SIZE] == -ENODEV,
		     "GETPARAM(VRAM_SIZE): %d\n",
		     param_ret[NOVA_GETPARAM_VRAM_SIZE]);
	have_gsp = param_ret[NOVA_GETPARAM_VRAM_SIZE] == 0;
	igt_assert_eq(param_ret[NOVA_GETPARAM_VRAM_USED],
		      param_ret[NOVA_GETPARAM_VRAM_SIZE]);
	/* Driver constants: there with or without GSP-RM. */
	igt_assert_eq(param_ret[NOVA_GETPARAM_EXEC_PUSH_MAX], 0);
	igt_assert_eq(param_ret[NOVA_GETPARAM_EXEC_TIMEOUT_MS], 0);
	exec_push_max = param_value[NOVA_GETPARAM_EXEC_PUSH_MAX];
	igt_assert_lt_u64(0, exec_push_max);
	igt_assert_lt_u64(0, param_value[NOVA_GETPARAM_EXEC_TIMEOUT_MS]);

	memset(&dev_info, 0, sizeof(dev_info));
	ret = __nova_device_info(fd, &dev_info);
	igt_assert_eq(ret, have_gsp ? 0 : -ENODEV);
	/* Without GSP-RM there is no VA space: any width does for the calls. */
	va_end = 1ull << (have_gsp ? dev_info.va_bits : 49);
	if (have_gsp)
		igt_assert_f(dev_info.va_bits >= 40 && dev_info.va_bits <= 57,
			     "va_bits %u\n", dev_info.va_bits);

	gpu_name_len = 0;
	ret = nova_ioctl(fd, DRM_IOCTL_NOVA_GETPARAM_STRING, &s);
	if (have_gsp) {
		igt_assert_eq(ret, 0);
		igt_assert(s.size > 1 && s.size <= sizeof(gpu_name));
		s.pointer = (uintptr_t)gpu_name;
		igt_assert_eq(nova_ioctl(fd, DRM_IOCTL_NOVA_GETPARAM_STRING,
					 &s), 0);
		igt_assert_eq(gpu_name[s.size - 1], '\0');
		gpu_name_len = s.size;
	} else {
		igt_assert_eq(ret, -ENODEV);
	}
	igt_info("GEM_SIZE_MAX %#" PRIx64 ", GSP-RM %s%s%s, VA end %#" PRIx64
		 "\n", size_max,
		 have_gsp ? "running, GPU name \"" : "not running",
		 have_gsp ? gpu_name : "", have_gsp ? "\"" : "", va_end);
}

/* --- seed, duration, random numbers -------------------------------------- */

static uint64_t fuzz_seconds(void)
{
	uint64_t s = DEFAULT_SECONDS;

	nova_env_u64("NOVA_FUZZ_SECONDS", &s);
	return s;
}

/* The seed of a subtest: NOVA_FUZZ_SEED, else one from the clock. */
static uint64_t fuzz_seed(const char *what, uint64_t run_ms)
{
	struct timespec ts;
	uint64_t seed;

	if (!nova_env_u64("NOVA_FUZZ_SEED", &seed)) {
		clock_gettime(CLOCK_REALTIME, &ts);
		seed = (uint64_t)ts.tv_sec * 1000000007ull ^
		       (uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 40);
	}
	igt_info("%s: seed %#" PRIx64 ", fuzzing for %" PRIu64 ".%03" PRIu64
		 " s (NOVA_FUZZ_SEED=%#" PRIx64 " repeats it)\n", what, seed,
		 run_ms / 1000, run_ms % 1000, seed);
	return seed;
}

/* splitmix64: small, fast, and every seed gives a good sequence. */
struct rng {
	uint64_t state;
};

static uint64_t rnd(struct rng *r)
{
	uint64_t z = (r->state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t rnd_below(struct rng *r, uint64_t n)
{
	return n ? rnd(r) % n : 0;
}

/* True with probability @percent %. */
static bool rnd_pct(struct rng *r, unsigned int percent)
{
	return rnd_below(r, 100) < percent;
}

/* A random number of random width: small values as often as large ones. */
static uint64_t rnd_width(struct rng *r)
{
	return rnd(r) >> rnd_below(r, 64);
}

/* A value near an edge: powers of two and their neighbours, limits. */
static uint64_t rnd_edge(struct rng *r)
{
	uint64_t p = 1ull << rnd_below(r, 64);

	switch (rnd_below(r, 8)) {
	case 0:	return p;
	case 1:	return p - 1;
	case 2:	return p + 1;
	case 3:	return ~0ull - rnd_below(r, 4096);
	case 4:	return rnd_below(r, 16);
	case 5:	return (uint64_t)UINT32_MAX + rnd_below(r, 3) - 1;
	case 6:	return rnd_width(r);
	default: return rnd(r);
	}
}

/* Zero most of the time; else one bit, or any non-zero value. */
static uint32_t rnd_pad32(struct rng *r, unsigned int nonzero_percent)
{
	uint32_t v;

	if (!rnd_pct(r, nonzero_percent))
		return 0;
	if (rnd_pct(r, 60))
		return 1u << rnd_below(r, 32);
	do
		v = rnd(r);
	while (!v);
	return v;
}

/* --- expected results ---------------------------------------------------- */

/* The results a call may give: 0 or -errno values. */
struct expect {
	int n;
	int v[8];
};

static struct expect ex1(int a)
{
	return (struct expect){ .n = 1, .v = { a } };
}

static struct expect ex2(int a, int b)
{
	return (struct expect){ .n = 2, .v = { a, b } };
}

/*
 * Result sets as bit masks, for the calls whose arguments may be wrong in
 * several ways at once: the call must give one of the errors, in whatever
 * order the driver checks them.
 */
enum {
	RS_OK = 1 << 0, RS_EINVAL = 1 << 1, RS_ENOENT = 1 << 2,
	RS_EFAULT = 1 << 3, RS_ENOMEM = 1 << 4, RS_ENODEV = 1 << 5,
	RS_EEXIST = 1 << 6, RS_ENOSPC = 1 << 7,
};

static struct expect ex_mask(unsigned int m)
{
	static const int codes[] = {
		0, -EINVAL, -ENOENT, -EFAULT, -ENOMEM, -ENODEV, -EEXIST, -ENOSPC,
	};
	struct expect e = { .n = 0 };

	for (size_t i = 0; i < ARRAY_SIZE(codes); i++)
		if (m & (1u << i))
			e.v[e.n++] = codes[i];
	return e;
}

static bool expect_has(const struct expect *e, int ret)
{
	for (int i = 0; i < e->n; i++)
		if (e->v[i] == ret)
			return true;
	return false;
}

static const char *err_name(int ret)
{
	static __thread char buf[32];

	switch (-ret) {
	case 0:		return "success";
	case EINVAL:	return "EINVAL";
	case ENOENT:	return "ENOENT";
	case ENOMEM:	return "ENOMEM";
	case EFAULT:	return "EFAULT";
	case ENODEV:	return "ENODEV";
	case ENOTTY:	return "ENOTTY";
	case EACCES:	return "EACCES";
	case EBADF:	return "EBADF";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EPERM:	return "EPERM";
	case ENOSPC:	return "ENOSPC";
	case EOVERFLOW:	return "EOVERFLOW";
	case EEXIST:	return "EEXIST";
	}
	snprintf(buf, sizeof(buf), "%d", ret);
	return buf;
}

static void format_expect(const struct expect *e, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < e->n && used < len; i++)
		used += snprintf(buf + used, len - used, "%s%s",
				 i ? " or " : "", err_name(e->v[i]));
}

/* Counts of results, for the summary of a run. */
enum result_kind {
	RES_OK, RES_EINVAL, RES_ENOENT, RES_ENOMEM, RES_EFAULT, RES_ENODEV,
	RES_ENOTTY, RES_EACCES, RES_EEXIST, RES_OTHER, RES_KINDS,
};

static const char *const result_names[RES_KINDS] = {
	"ok", "EINVAL", "ENOENT", "ENOMEM", "EFAULT", "ENODEV", "ENOTTY",
	"EACCES", "EEXIST", "other",
};

static enum result_kind result_kind(int ret)
{
	switch (-ret) {
	case 0:		return RES_OK;
	case EINVAL:	return RES_EINVAL;
	case ENOENT:	return RES_ENOENT;
	case ENOMEM:	return RES_ENOMEM;
	case EFAULT:	return RES_EFAULT;
	case ENODEV:	return RES_ENODEV;
	case ENOTTY:	return RES_ENOTTY;
	case EACCES:	return RES_EACCES;
	case EEXIST:	return RES_EEXIST;
	}
	return RES_OTHER;
}

/* --- places to point at -------------------------------------------------- */

/*
 * Memory set up once per subtest (and inherited by forked workers): a
 * writable page followed by a PROT_NONE page, a read-only page, a
 * PROT_NONE page, a buffer for oversized ioctl arguments, and a string
 * buffer with a canary after the string.
 */
static struct {
	uint8_t *rw;		/* page_size bytes, PROT_NONE page after */
	uint8_t *ro;		/* PROT_READ; holds a valid GEM_CREATE arg */
	uint8_t *none;		/* PROT_NONE */
	uint8_t *big;		/* IOC_SIZE_MAX + 1 bytes and more, RW */
	size_t big_len;
	uint8_t *str;		/* page_size bytes, RW */
	uint64_t vdso;		/* the vDSO: readable, not writable */
	/* VM_BIND operations: OPS_CAP of them, then a PROT_NONE page. */
	struct drm_nova_vm_bind_op *ops;
	size_t ops_len;		/* bytes before the PROT_NONE page */
	/*
	 * The arrays of EXEC and of VM_BIND with RUN_ASYNC (AREA_PUSH,
	 * AREA_WAIT, AREA_SIG): SYNC_MAX syncobjs each, then a PROT_NONE
	 * page.
	 */
	uint8_t *arr[3];
	size_t arr_len;		/* bytes of each before its PROT_NONE page */
} arena;

enum { AREA_PUSH, AREA_WAIT, AREA_SIG };

static void arena_setup(void)
{
	struct drm_nova_gem_create create = { .size = 4096 };
	uint8_t *p;

	if (arena.rw)
		return;

	p = mmap(NULL, 4 * page_size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(p != MAP_FAILED);
	arena.rw = p;
	arena.ro = p + 2 * page_size;
	arena.none = p + 3 * page_size;
	memcpy(arena.ro, &create, sizeof(create));
	igt_assert_eq(mprotect(p + page_size, page_size, PROT_NONE), 0);
	igt_assert_eq(mprotect(arena.ro, page_size, PROT_READ), 0);
	igt_assert_eq(mprotect(arena.none, page_size, PROT_NONE), 0);

	arena.big_len = round_up_page(IOC_SIZE_MAX + 1) + page_size;
	arena.big = mmap(NULL, arena.big_len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(arena.big != MAP_FAILED);
	arena.str = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(arena.str != MAP_FAILED);
	arena.vdso = getauxval(AT_SYSINFO_EHDR);

	arena.ops_len = round_up_page(OPS_CAP * sizeof(*arena.ops));
	p = mmap(NULL, arena.ops_len + page_size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(p != MAP_FAILED);
	igt_assert_eq(mprotect(p + arena.ops_len, page_size, PROT_NONE), 0);
	arena.ops = (void *)p;

	arena.arr_len = round_up_page(SYNC_MAX * sizeof(struct drm_nova_sync));
	for (size_t i = 0; i < ARRAY_SIZE(arena.arr); i++) {
		p = mmap(NULL, arena.arr_len + page_size,
			 PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			 -1, 0);
		igt_assert(p != MAP_FAILED);
		igt_assert_eq(mprotect(p + arena.arr_len, page_size,
				       PROT_NONE), 0);
		arena.arr[i] = p;
	}
}

/*
 * How many bytes from @ptr the kernel can read, for the places of the
 * arena (the vDSO: its first page only); 0 elsewhere. What the fuzzers
 * point at is either in the arena or never readable.
 */
static uint64_t readable_bytes(uint64_t ptr)
{
	const struct {
		uint64_t start, len;
	} areas[] = {
		{ (uintptr_t)arena.rw, page_size },
		{ (uintptr_t)arena.ro, page_size },
		{ (uintptr_t)arena.big, arena.big_len },
		{ (uintptr_t)arena.str, page_size },
		{ (uintptr_t)arena.ops, arena.ops_len },
		{ (uintptr_t)arena.arr[AREA_PUSH], arena.arr_len },
		{ (uintptr_t)arena.arr[AREA_WAIT], arena.arr_len },
		{ (uintptr_t)arena.arr[AREA_SIG], arena.arr_len },
		{ arena.vdso, arena.vdso ? page_size : 0 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(areas); i++)
		if (ptr >= areas[i].start && ptr - areas[i].start < areas[i].len)
			return areas[i].start + areas[i].len - ptr;
	return 0;
}

/* An address that was mapped a moment ago and is not any more. */
static uint64_t unmapped_address(void)
{
	void *p = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	igt_assert(p != MAP_FAILED);
	igt_assert_eq(munmap(p, page_size), 0);
	return (uintptr_t)p;
}

/*
 * Addresses that are never accessible, from the user's side: the first
 * page, kernel addresses, non-canonical ones, the top of the address space
 * (where address + length wraps).
 */
static const uint64_t wild_addresses[] = {
	0x0, 0x1, 0xfff, 0x8000,
	0xffff800000000000ull, 0xffff888000000000ull, 0xffffffff81000000ull,
	0xffffffffff600000ull, 0x0000800000000000ull, 0x8000000000000000ull,
	0x00007ffffffff000ull, 0xfffffffffffffff8ull, ~0ull,
};

/* A bad argument pointer: never readable or never writable. */
static uint64_t bad_pointer(struct rng *r, const char **name)
{
	switch (rnd_below(r, 7)) {
	case 0:
		*name = "unmapped page";
		return unmapped_address();
	case 1:
		*name = "PROT_NONE page";
		return (uintptr_t)arena.none + rnd_below(r, page_size);
	case 2:
		*name = "read-only page";
		return (uintptr_t)arena.ro;
	case 3:
		/* Starts in the last bytes of a page, ends in PROT_NONE. */
		*name = "struct running into a PROT_NONE page";
		return (uintptr_t)arena.rw + page_size - 1 - rnd_below(r, 7);
	case 4:
		if (arena.vdso) {
			*name = "vDSO";
			return arena.vdso;
		}
		/* fallthrough */
	default:
		*name = "wild address";
		return wild_addresses[rnd_below(r, ARRAY_SIZE(wild_addresses))];
	}
}

/* --- the fuzzer of nova's ioctls ----------------------------------------- */

enum content { CONTENT_ZERO, CONTENT_PATTERN, CONTENT_UNKNOWN };

/* An object the fuzzer created in its file. */
struct obj {
	uint32_t handle;
	uint64_t size;
	/* GEM_INFO's flags: the domain, and NOVA_GEM_NO_SHARE if asked. */
	uint32_t flags;
	enum content content;
	uint32_t pattern;
	uint64_t id;		/* unique in the fuzzer, from 1 */
};

/*
 * What a fuzzer knows of a file's GPU VA space: whether there is one, its
 * kernel-managed range, and the sparse regions it made (in its own zone;
 * none in a scratch file, where the fuzzer never makes any).
 */
struct vm_model {
	bool exists;
	uint64_t km_addr, km_size;
	struct {
		uint64_t addr, range;
	} sparse[MAX_SPARSE];
	int nsparse;
};

/*
 * Shared by the parent and the workers of during-unbind: how many unbinds
 * have completed (a call on a file opened before the n-th unbind, started
 * after it, must fail with ENODEV), and when to stop.
 */
struct unbind_state {
	int unbinds;
	int stop;
};

struct fuzzer {
	const char *name;
	struct rng rng;
	uint64_t seed;
	uint64_t calls;

	int fd;			/* the file under test */
	/*
	 * A file of its own for calls whose effect on handles is not tracked
	 * (bad argument pointers, odd encodings): objects may be created
	 * there whose handles the fuzzer never learns. At most
	 * scratch_creates handles (1 to scratch_creates) live in it.
	 */
	int scratch;
	uint64_t scratch_creates;
	/*
	 * Channels that may have been made in the scratch file: channel
	 * handles count from 1 in a file, so only 1 to scratch_channels may
	 * name one there.
	 */
	uint64_t scratch_channels;

	/* fd is used by another process too: handles it did not create may
	 * appear, so closed handles are never used again. */
	bool shared;

	/* The VA spaces of fd and scratch, and the fuzzer's VA zone. */
	struct vm_model vm, svm;
	int zone;

	/* during-unbind: -ENODEV is always a possible answer. */
	struct unbind_state *unbind;
	int fd_epoch;		/* unbinds completed when fd was opened */
	bool must_enodev;	/* the current call started after an unbind */
	bool dead;		/* fd answered -ENODEV */
	uint64_t gone;		/* times it did */
	uint64_t reopens;

	struct obj objs[MAX_OBJS];
	int nobjs;
	uint32_t stale[MAX_STALE];
	int nstale;
	uint64_t next_id;

	/*
	 * A mapping kept across calls: through handle closes and, during
	 * unbind, across the device going away and the file being closed.
	 * Its object is objs[] with id held_id, or held_obj once it left
	 * the model.
	 */
	uint32_t *held;
	uint64_t held_len;
	uint64_t held_id;
	struct obj held_obj;

	char what[320];		/* the call under way */
	uint64_t results[RES_KINDS];
	uint64_t ops[24];	/* nova_ops[] run, and their time */
	uint64_t op_us[24];
};

__igt_printf(2, 3) static void begin(struct fuzzer *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->what, sizeof(f->what), fmt, ap);
	va_end(ap);
	igt_debug("%s: %s\n", f->name, f->what);

	f->must_enodev = f->unbind &&
		__atomic_load_n(&f->unbind->unbinds, __ATOMIC_SEQ_CST) >
		f->fd_epoch;
}

/*
 * Checks the result of the call begin() described. During unbind, -ENODEV
 * is always fine (and marks the file dead), and the only answer to a call
 * started after the file's device was unbound.
 */
static void check(struct fuzzer *f, int ret, struct expect e)
{
	char want[96];

	f->calls++;
	f->results[result_kind(ret)]++;

	if (f->unbind && ret == -ENODEV) {
		uint64_t value;

		/*
		 * Without GSP-RM, -ENODEV is also the answer of a live device
		 * to the GSP-RM values: ask for one that is always there.
		 */
		if (expect_has(&e, -ENODEV) && !f->must_enodev &&
		    !__nova_getparam(f->fd, NOVA_GETPARAM_PCI_VENDOR_ID,
				     &value))
			return;
		f->dead = true;
		f->gone++;
		return;
	}
	igt_assert_f(!f->must_enodev,
		     "%s: %s: %s after the device was unbound, expected "
		     "ENODEV [seed %#" PRIx64 ", call %" PRIu64 "]\n",
		     f->name, f->what, err_name(ret), f->seed, f->calls);

	if (expect_has(&e, ret))
		return;
	format_expect(&e, want, sizeof(want));
	igt_assert_f(false, "%s: %s: %s, expected %s [seed %#" PRIx64
		     ", call %" PRIu64 "]\n", f->name, f->what,
		     err_name(ret), want, f->seed, f->calls);
}

/* A condition on what a successful call returned. */
#define fuzz_assert(f, cond, fmt, ...)					\
	igt_assert_f(cond, "%s: %s: " fmt " [seed %#" PRIx64		\
		     ", call %" PRIu64 "]\n", (f)->name, (f)->what,	\
		     ##__VA_ARGS__, (f)->seed, (f)->calls)

static void fuzzer_init(struct fuzzer *f, const char *name, uint64_t seed,
			int fd)
{
	memset(f, 0, sizeof(*f));
	f->name = name;
	f->seed = seed;
	f->rng.state = seed;
	f->fd = fd;
	f->scratch = -1;
}

static void fuzzer_print(const struct fuzzer *f)
{
	char buf[256];
	size_t used = 0;

	for (int i = 0; i < RES_KINDS; i++)
		if (f->results[i])
			used += snprintf(buf + used, sizeof(buf) - used,
					 " %s %" PRIu64, result_names[i],
					 f->results[i]);
	buf[used < sizeof(buf) ? used : 0] = '\0';
	igt_info("%s: %" PRIu64 " calls:%s%s\n", f->name, f->calls, buf,
		 f->reopens ? " (reopened files)" : "");
}

/* --- the model of the file's objects --- */

static int obj_find(const struct fuzzer *f, uint32_t handle)
{
	for (int i = 0; i < f->nobjs; i++)
		if (f->objs[i].handle == handle)
			return i;
	return -1;
}

/* The held mapping's object leaves the model: keep what it holds. */
static void held_orphan(struct fuzzer *f, const struct obj *o)
{
	if (f->held && o->id == f->held_id)
		f->held_obj = *o;
}

/* Forgets every object (the file is closed or dead). */
static void obj_forget_all(struct fuzzer *f)
{
	for (int i = 0; i < f->nobjs; i++)
		held_orphan(f, &f->objs[i]);
	f->nobjs = 0;
	f->nstale = 0;
}

static void obj_forget(struct fuzzer *f, int i)
{
	uint32_t handle = f->objs[i].handle;

	held_orphan(f, &f->objs[i]);

	f->objs[i] = f->objs[--f->nobjs];
	if (f->nstale < MAX_STALE)
		f->stale[f->nstale++] = handle;
	else
		f->stale[rnd_below(&f->rng, MAX_STALE)] = handle;
}

/* Whether the object may be mapped: small, and in system memory. */
static bool obj_small(const struct obj *o)
{
	return o->size <= SMALL_PAGES * page_size &&
	       (o->flags & NOVA_GEM_DOMAINS) == NOVA_GEM_DOMAIN_GART;
}

/* Whether VM_BIND may map the object (see BIND_GART_MAX). */
static bool obj_bindable(const struct obj *o)
{
	return (o->flags & NOVA_GEM_DOMAINS) == NOVA_GEM_DOMAIN_VRAM ||
	       o->size <= BIND_GART_MAX;
}

/* A live object (index), or -1 if there is none. */
static int pick_obj(struct fuzzer *f)
{
	return f->nobjs ? (int)rnd_below(&f->rng, f->nobjs) : -1;
}

static int pick_small_obj(struct fuzzer *f)
{
	int start = pick_obj(f);

	for (int k = 0; start >= 0 && k < f->nobjs; k++) {
		int i = (start + k) % f->nobjs;

		if (obj_small(&f->objs[i]))
			return i;
	}
	return -1;
}

/*
 * A handle that names no object of the fuzzer's file. In a shared file
 * only handles no file gets in a run (0 and far ones): the other process's
 * objects take the small numbers, closed ones included.
 */
static uint32_t pick_unknown_handle(struct fuzzer *f)
{
	uint32_t h, max = 0;

	for (int i = 0; i < f->nobjs; i++)
		if (f->objs[i].handle > max)
			max = f->objs[i].handle;

	for (;;) {
		switch (rnd_below(&f->rng, f->shared ? 3 : 6)) {
		case 0:
			h = 0;
			break;
		case 1:
			h = FAR_HANDLE_BASE +
			    rnd_below(&f->rng, ~FAR_HANDLE_BASE);
			break;
		case 2:
			h = ~0u - rnd_below(&f->rng, 2);
			break;
		case 3:
			if (!f->nstale)
				continue;
			h = f->stale[rnd_below(&f->rng, f->nstale)];
			break;
		case 4:
			h = max + 1 + rnd_below(&f->rng, 4);
			break;
		default:
			h = rnd(&f->rng);
			break;
		}
		if (obj_find(f, h) < 0 && (!f->shared || h == 0 ||
					   h >= FAR_HANDLE_BASE))
			return h;
	}
}

/* A handle for a call: a live one (*idx >= 0) or an unknown one (-1). */
static uint32_t pick_handle(struct fuzzer *f, unsigned int live_percent,
			    int *idx)
{
	*idx = -1;
	if (f->nobjs && rnd_pct(&f->rng, live_percent)) {
		*idx = pick_obj(f);
		return f->objs[*idx].handle;
	}
	return pick_unknown_handle(f);
}

/* --- expected results, from the argument as the driver sees it --- */

static bool param_known(uint64_t param)
{
	return param >= 1 && param <= NOVA_LAST_PARAM;
}

static struct expect expect_getparam(const struct drm_nova_getparam *a)
{
	if (!param_known(a->param))
		return ex1(-EINVAL);
	return ex1(param_ret[a->param]);
}

/* @room: how many bytes can be written at a->pointer. */
static struct expect
expect_getparam_string(const struct drm_nova_getparam_string *a, uint64_t room)
{
	if (a->pad || a->param != NOVA_GETPARAM_STRING_GPU_NAME)
		return ex1(-EINVAL);
	if (!have_gsp)
		return ex1(-ENODEV);
	if (a->size == 0)
		return ex1(0);
	if (a->size < gpu_name_len)
		return ex1(-EINVAL);
	return ex1(room >= gpu_name_len ? 0 : -EFAULT);
}

static struct expect expect_gem_create(const struct drm_nova_gem_create *a)
{
	/* Bad flags and a size too large: either may be looked at first. */
	if ((a->flags & ~NOVA_GEM_CREATE_FLAGS) && a->size > size_max)
		return ex2(-EINVAL, -ENOMEM);
	if ((a->flags & ~NOVA_GEM_CREATE_FLAGS) || a->size == 0)
		return ex1(-EINVAL);
	if (a->size > size_max)
		return ex1(-ENOMEM);
	/* The kernel may still be unable to back it. */
	return ex2(0, -ENOMEM);
}

/* @live: 1 the handle is an object's, 0 it is not, -1 it may be. */
static struct expect expect_gem_info(const struct drm_nova_gem_info *a,
				     int live)
{
	if (a->flags)
		return ex1(-EINVAL);
	if (live < 0)
		return ex2(0, -ENOENT);
	return ex1(live ? 0 : -ENOENT);
}

/*
 * @live: as for expect_gem_info(); @domain: the live object's domain
 * (an object in VRAM gets a place in BAR1, or -ENOSPC when BAR1 is full).
 */
static struct expect
expect_gem_mmap_offset(const struct drm_nova_gem_mmap_offset *a, int live,
		       uint32_t domain)
{
	if (a->flags)
		return ex1(-EINVAL);
	/* Perhaps an object, in VRAM (BAR1 may be full) or not. */
	if (live < 0)
		return ex_mask(RS_OK | RS_ENOENT | RS_ENOSPC);
	if (!live)
		return ex1(-ENOENT);
	return domain == NOVA_GEM_DOMAIN_VRAM ? ex_mask(RS_OK | RS_ENOSPC) : ex1(0);
}

/* --- values for nova's arguments --- */

static uint64_t pick_param(struct fuzzer *f)
{
	struct rng *r = &f->rng;

	switch (rnd_below(r, 10)) {
	case 0 ... 5:
		return 1 + rnd_below(r, NOVA_LAST_PARAM);
	case 6:
		return rnd_below(r, 64);
	case 7:
		/* A known parameter in the low 32 bits only. */
		return (1 + rnd_below(r, NOVA_LAST_PARAM)) |
		       (1ull << (32 + rnd_below(r, 32)));
	default:
		return rnd_edge(r);
	}
}

static uint64_t pick_string_param(struct fuzzer *f)
{
	struct rng *r = &f->rng;

	if (rnd_pct(r, 75))
		return NOVA_GETPARAM_STRING_GPU_NAME;
	switch (rnd_below(r, 4)) {
	case 0:	return 0;
	case 1:	return 2 + rnd_below(r, 32);
	case 2:	return NOVA_GETPARAM_STRING_GPU_NAME |
		       (1ull << (32 + rnd_below(r, 32)));
	default: return rnd_edge(r);
	}
}

/* A GEM size: mostly small objects, often an edge or a huge one. */
static uint64_t pick_create_size(struct fuzzer *f)
{
	struct rng *r = &f->rng;

	switch (rnd_below(r, 20)) {
	case 0 ... 9:
		return 1 + rnd_below(r, SMALL_PAGES * page_size);
	case 10 ... 11:
		return rnd_below(r, SMALL_PAGES + 1) * page_size;
	case 12:
		return 1 + rnd_below(r, 256ull << 20);
	case 13:
		return size_max - rnd_below(r, 2 * page_size);
	case 14:
		return size_max + 1 + rnd_below(r, 2 * page_size);
	case 15:
		return ~0ull - rnd_below(r, 2 * page_size);
	case 16:
		return 1ull << rnd_below(r, 64);
	case 17:
		return (1ull << (33 + rnd_below(r, 31))) + rnd_below(r, 3);
	default:
		return rnd_edge(r);
	}
}

/*
 * GEM_CREATE flags: mostly none or the domains, sometimes NOVA_GEM_NO_SHARE,
 * sometimes undefined bits. Large objects rarely go to VRAM, so that a run
 * does not spend its time filling it.
 */
static uint32_t pick_create_flags(struct fuzzer *f, uint64_t size)
{
	static const uint32_t domains[] = {
		0, NOVA_GEM_DOMAIN_GART, NOVA_GEM_DOMAIN_VRAM,
		NOVA_GEM_DOMAIN_VRAM | NOVA_GEM_DOMAIN_GART,
	};
	struct rng *r = &f->rng;
	uint32_t flags;

	switch (rnd_below(r, 20)) {
	case 0 ... 7:	flags = 0; break;
	case 8 ... 10:	flags = NOVA_GEM_DOMAIN_GART; break;
	case 11 ... 14:	flags = NOVA_GEM_DOMAIN_VRAM; break;
	case 15 ... 16:	flags = NOVA_GEM_DOMAINS; break;
	case 17:
		flags = NOVA_GEM_NO_SHARE | domains[rnd_below(r, 4)];
		break;
	case 18:
		flags = (rnd_pad32(r, 100) & ~NOVA_GEM_CREATE_FLAGS) |
			domains[rnd_below(r, 4)];
		break;
	default:
		flags = rnd(r);
		break;
	}
	if ((flags & NOVA_GEM_DOMAIN_VRAM) && size > (256ull << 20) &&
	    rnd_pct(r, 90))
		flags &= ~NOVA_GEM_DOMAIN_VRAM;
	return flags;
}

/*
 * Whether GEM_INFO's @got flags fit an object created with @asked: one
 * domain bit, VRAM for VRAM alone, system memory for none or GART alone,
 * either for both; NOVA_GEM_NO_SHARE as asked.
 */
static bool info_flags_ok(uint32_t asked, uint32_t got)
{
	uint32_t domain = got & ~NOVA_GEM_NO_SHARE;

	if ((got & NOVA_GEM_NO_SHARE) != (asked & NOVA_GEM_NO_SHARE))
		return false;
	switch (asked & NOVA_GEM_DOMAINS) {
	case NOVA_GEM_DOMAIN_VRAM:
		return domain == NOVA_GEM_DOMAIN_VRAM;
	case NOVA_GEM_DOMAINS:
		return domain == NOVA_GEM_DOMAIN_VRAM ||
		       domain == NOVA_GEM_DOMAIN_GART;
	default:
		return domain == NOVA_GEM_DOMAIN_GART;
	}
}

/* --- mapping objects --- */

static uint32_t pattern_word(uint32_t pattern, uint64_t i)
{
	return pattern ^ (uint32_t)(i * 2654435761u);
}

static sigjmp_buf touch_env;
static volatile sig_atomic_t touch_armed;

static void touch_sigbus(int sig)
{
	if (touch_armed)
		siglongjmp(touch_env, sig);
	signal(sig, SIG_DFL);
	raise(sig);
}

/*
 * Checks what a mapping of object @o shows and writes a new pattern over
 * it. During unbind, a SIGBUS or zeros are accepted too (see nova_unbind.c:
 * what an old mapping shows once the device is gone depends on the fault
 * handler). Returns false if SIGBUS was raised.
 */
static bool touch_mapping(struct fuzzer *f, struct obj *o, uint32_t *p,
			  uint64_t len, bool write)
{
	struct sigaction sa = { .sa_handler = touch_sigbus }, old;
	volatile uint64_t bad = ~0ull;
	volatile bool zeros = true, sigbus = false;
	uint32_t next = rnd(&f->rng);

	sigemptyset(&sa.sa_mask);
	igt_assert_eq(sigaction(SIGBUS, &sa, &old), 0);
	if (sigsetjmp(touch_env, 1) == 0) {
		touch_armed = 1;
		for (uint64_t i = 0; i < len / 4; i++) {
			uint32_t v = p[i], want;

			if (v)
				zeros = false;
			want = o->content == CONTENT_PATTERN ?
			       pattern_word(o->pattern, i) : 0;
			if (o->content != CONTENT_UNKNOWN && v != want &&
			    bad == ~0ull)
				bad = i;
		}
		if (write)
			for (uint64_t i = 0; i < len / 4; i++)
				p[i] = pattern_word(next, i);
	} else {
		sigbus = true;
	}
	touch_armed = 0;
	igt_assert_eq(sigaction(SIGBUS, &old, NULL), 0);

	fuzz_assert(f, !sigbus || f->unbind, "SIGBUS touching a mapping of "
		    "handle %u", o->handle);
	if (sigbus) {
		o->content = CONTENT_UNKNOWN;
		return false;
	}
	fuzz_assert(f, bad == ~0ull || (f->unbind && zeros),
		    "mapping of handle %u (%" PRIu64 " bytes): dword %" PRIu64
		    " is %#x, expected %#x", o->handle, o->size, bad,
		    bad == ~0ull ? 0 : p[bad],
		    bad == ~0ull || o->content != CONTENT_PATTERN ? 0 :
		    pattern_word(o->pattern, bad));
	if (write && len == o->size) {
		o->content = CONTENT_PATTERN;
		o->pattern = next;
	} else if (write) {
		o->content = CONTENT_UNKNOWN;
	}
	return true;
}

/* mmap() returning the mapping or NULL, with the errno in *err. */
static void *try_mmap(int fd, uint64_t len, int prot, int flags,
		      uint64_t offset, int *err)
{
	void *p = mmap(NULL, len, prot, flags, fd, offset);

	*err = p == MAP_FAILED ? -errno : 0;
	return p == MAP_FAILED ? NULL : p;
}

/* Maps one page of @fd at @offset and unmaps it: 0 or -errno. */
static int mmap_page(int fd, uint64_t offset)
{
	int err;
	void *p = try_mmap(fd, page_size, PROT_READ, MAP_SHARED, offset, &err);

	if (p)
		igt_assert_eq(munmap(p, page_size), 0);
	return err;
}

/*
 * Maps a small object at @offset, checks and rewrites it, and unmaps it,
 * sometimes in two steps (a hole first, which splits the mapping).
 */
static void map_object(struct fuzzer *f, int fd, struct obj *o,
		       uint64_t offset)
{
	uint64_t len = o->size;
	bool ro = rnd_pct(&f->rng, 20);
	uint32_t *p;
	int err;

	if (rnd_pct(&f->rng, 25))
		len = (1 + rnd_below(&f->rng, o->size / page_size)) * page_size;

	begin(f, "mmap(handle %u, %" PRIu64 " of %" PRIu64 " bytes, %s)",
	      o->handle, len, o->size, ro ? "read-only" : "read-write");
	p = try_mmap(fd, len, ro ? PROT_READ : PROT_READ | PROT_WRITE,
		     MAP_SHARED, offset, &err);
	check(f, err, ex1(0));
	if (!p)
		return;

	if (!touch_mapping(f, o, p, len, !ro)) {
		igt_assert_eq(munmap(p, len), 0);
		return;
	}

	if (!ro && rnd_pct(&f->rng, 20)) {
		void *q;

		/* Growing a GEM mapping is refused (VM_DONTEXPAND). */
		q = mremap(p, len, len + page_size, MREMAP_MAYMOVE);
		if (q != MAP_FAILED) {
			igt_assert_eq(munmap(q, len + page_size), 0);
			fuzz_assert(f, false, "mremap grew a GEM mapping");
		}
	}

	/*
	 * A child inherits the mapping (the object gains a reference through
	 * vm_open) and sees the same pages; its exit drops it again.
	 */
	if (!f->unbind && o->content == CONTENT_PATTERN && len == o->size &&
	    rnd_pct(&f->rng, 3)) {
		const uint32_t *q = p;
		int status;
		pid_t pid;

		pid = fork();
		igt_assert(pid >= 0);
		if (pid == 0) {
			for (uint64_t i = 0; i < len / 4; i++)
				if (q[i] != pattern_word(o->pattern, i))
					_exit(1);
			_exit(0);
		}
		igt_assert_eq(waitpid(pid, &status, 0), pid);
		fuzz_assert(f, WIFEXITED(status) && WEXITSTATUS(status) == 0,
			    "a forked child saw other contents in the mapping "
			    "of handle %u (status %#x)", o->handle, status);
	}

	if (len >= 3 * page_size && rnd_pct(&f->rng, 30)) {
		uint64_t hole = (1 + rnd_below(&f->rng, len / page_size - 2)) *
				page_size;

		igt_assert_eq(munmap((uint8_t *)p + hole, page_size), 0);
		igt_assert_eq(munmap(p, hole), 0);
		igt_assert_eq(munmap((uint8_t *)p + hole + page_size,
				     len - hole - page_size), 0);
	} else {
		igt_assert_eq(munmap(p, len), 0);
	}
}

/* mmap() calls that must fail: no object at the offset, or a bad mapping. */
static void mmap_must_fail(struct fuzzer *f, int fd, uint64_t len, int prot,
			   int flags, uint64_t offset, const char *why)
{
	void *p;
	int err;

	begin(f, "mmap(%" PRIu64 " bytes at %#" PRIx64 ", %s)", len, offset,
	      why);
	p = try_mmap(fd, len, prot, flags, offset, &err);
	if (p) {
		munmap(p, len);
		fuzz_assert(f, false, "mmap succeeded");
	}
	f->calls++;
	f->results[result_kind(err)]++;
	if (f->unbind && err == -ENODEV) {
		f->dead = true;
		f->gone++;
	}
}

/* --- nova's ioctls, one call each --- */

static void close_obj(struct fuzzer *f, int idx)
{
	struct drm_gem_close arg = { .handle = f->objs[idx].handle };

	begin(f, "GEM_CLOSE{handle=%u} of a live object", arg.handle);
	check(f, nova_ioctl(f->fd, DRM_IOCTL_GEM_CLOSE, &arg), ex1(0));
	obj_forget(f, idx);
}

static void op_getparam(struct fuzzer *f)
{
	struct drm_nova_getparam a = {
		.param = pick_param(f),
		.value = rnd(&f->rng),
	};
	const struct drm_nova_getparam in = a;
	int ret;

	begin(f, "GETPARAM{param=%#llx}", (unsigned long long)a.param);
	ret = nova_ioctl(f->fd, DRM_IOCTL_NOVA_GETPARAM, &a);
	check(f, ret, expect_getparam(&in));
	/* What is in use changes; it never exceeds what there is. */
	if (!ret && in.param == NOVA_GETPARAM_VRAM_USED)
		fuzz_assert(f, a.value <= param_value[NOVA_GETPARAM_VRAM_SIZE],
			    "VRAM in use %#llx, of %#" PRIx64,
			    (unsigned long long)a.value,
			    param_value[NOVA_GETPARAM_VRAM_SIZE]);
	else if (!ret)
		fuzz_assert(f, a.value == param_value[in.param],
			    "value %#llx, %#" PRIx64 " at the start",
			    (unsigned long long)a.value,
			    param_value[in.param]);
}

/*
 * GETPARAM_STRING with a destination that can take the string (a buffer,
 * one ending at a PROT_NONE page, a GEM mapping, the argument itself) or
 * not (running into a PROT_NONE page, read-only memory, bad addresses).
 */
static void op_getparam_string(struct fuzzer *f)
{
	struct rng *r = &f->rng;
	struct drm_nova_getparam_string local = {}, *a = &local, in;
	struct drm_nova_gem_mmap_offset off = {};
	const uint32_t len = gpu_name_len ? gpu_name_len : 8;
	const char *where = "buffer";
	uint8_t *dst = NULL, *map = NULL, *guard = NULL;
	uint64_t room = 0, map_len = 0;
	bool check_canary = false;
	int idx = -1, ret, err;

	memset(arena.str, 0xa5, page_size);

	switch (rnd_below(r, 12)) {
	case 0 ... 2:
		dst = arena.str + rnd_below(r, 64);
		room = arena.str + page_size - dst;
		check_canary = true;
		break;
	case 3:
		where = "buffer ending at a PROT_NONE page";
		dst = arena.rw + page_size - len;
		room = len;
		break;
	case 4:
		where = "buffer running into a PROT_NONE page";
		dst = arena.rw + page_size - len + 1 + rnd_below(r, len);
		room = arena.rw + page_size - dst;
		break;
	case 5:
		idx = pick_small_obj(f);
		if (idx < 0)
			break;
		map_len = f->objs[idx].size;
		off.handle = f->objs[idx].handle;
		begin(f, "GEM_MMAP_OFFSET{handle=%u} for GETPARAM_STRING",
		      off.handle);
		err = __nova_gem_mmap_offset(f->fd, &off);
		check(f, err, ex1(0));
		if (err)
			return;
		/*
		 * In front of a PROT_NONE page, so that a string running past
		 * the end faults instead of landing in whatever mapping the
		 * kernel put next to it.
		 */
		guard = mmap(NULL, map_len + page_size, PROT_NONE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		igt_assert(guard != MAP_FAILED);
		begin(f, "mmap(handle %u) for GETPARAM_STRING", off.handle);
		map = mmap(guard, map_len, PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_FIXED, f->fd, off.offset);
		check(f, map == MAP_FAILED ? -errno : 0, ex1(0));
		if (map == MAP_FAILED) {
			igt_assert_eq(munmap(guard, map_len + page_size), 0);
			return;
		}
		if (rnd_pct(r, 30)) {
			where = "read-only GEM mapping";
			igt_assert_eq(mprotect(map, map_len, PROT_READ), 0);
			dst = map + rnd_below(r, map_len);
			room = 0;
		} else {
			where = "GEM mapping";
			dst = map + rnd_below(r, map_len);
			room = map + map_len - dst;
		}
		break;
	case 6:
		/* The argument is its own destination. */
		where = "the argument itself";
		a = (void *)(arena.str + 8 * rnd_below(r, 8));
		dst = (uint8_t *)a;
		room = arena.str + page_size - dst;
		break;
	default:
		dst = (uint8_t *)(uintptr_t)bad_pointer(r, &where);
		room = 0;
		break;
	}
	if (!dst) {
		dst = arena.str;
		room = page_size;
	}

	a->param = pick_string_param(f);
	a->pad = rnd_pad32(r, 10);
	a->pointer = (uintptr_t)dst;
	switch (rnd_below(r, 8)) {
	case 0 ... 1:	a->size = 0; break;
	case 2 ... 3:	a->size = len; break;
	case 4:		a->size = len - 1 - rnd_below(r, len); break;
	case 5:		a->size = len + rnd_below(r, 64); break;
	case 6:		a->size = ~0u - rnd_below(r, 2); break;
	default:	a->size = rnd_width(r); break;
	}
	in = *a;

	begin(f, "GETPARAM_STRING{param=%#llx pointer=%#llx (%s) size=%u "
	      "pad=%#x}", (unsigned long long)in.param,
	      (unsigned long long)in.pointer, where, in.size, in.pad);
	ret = nova_ioctl(f->fd, DRM_IOCTL_NOVA_GETPARAM_STRING, a);
	check(f, ret, expect_getparam_string(&in, room));

	if (!ret) {
		fuzz_assert(f, a->size == gpu_name_len, "size %u, expected %u",
			    a->size, gpu_name_len);
		/* (During unbind, reading the mapping back may SIGBUS.) */
		if (in.size && a != (void *)dst && !(map && f->unbind))
			fuzz_assert(f, !memcmp(dst, gpu_name, gpu_name_len),
				    "wrote \"%.*s\"", (int)gpu_name_len,
				    (const char *)dst);
		if (in.size && check_canary && room > gpu_name_len)
			fuzz_assert(f, dst[gpu_name_len] == 0xa5,
				    "wrote past the string");
	}
	if (map) {
		f->objs[idx].content = CONTENT_UNKNOWN;
		igt_assert_eq(munmap(guard, map_len + page_size), 0);
	}
}

static void op_gem_create(struct fuzzer *f)
{
	struct drm_nova_gem_create a, in;
	struct drm_nova_gem_info info = {};
	int ret;

	if (f->nobjs == MAX_OBJS) {
		close_obj(f, pick_obj(f));
		if (f->dead)
			return;
	}

	a.handle = rnd(&f->rng);
	a.size = pick_create_size(f);
	a.flags = pick_create_flags(f, a.size);
	in = a;

	begin(f, "GEM_CREATE{size=%#llx flags=%#x}",
	      (unsigned long long)in.size, in.flags);
	ret = __nova_gem_create(f->fd, &a);
	check(f, ret, expect_gem_create(&in));
	if (ret)
		return;

	fuzz_assert(f, a.handle && obj_find(f, a.handle) < 0,
		    "handle %u is 0 or already live", a.handle);
	fuzz_assert(f, a.size == round_up_page(in.size),
		    "object size %#llx", (unsigned long long)a.size);
	f->objs[f->nobjs++] = (struct obj){
		.handle = a.handle, .size = a.size, .content = CONTENT_ZERO,
		.id = ++f->next_id,
	};

	/* Where it went (with both domains, either is right). */
	info.handle = a.handle;
	begin(f, "GEM_INFO{handle=%u} of the object just created with flags "
	      "%#x", a.handle, in.flags);
	ret = __nova_gem_info(f->fd, &info);
	check(f, ret, ex1(0));
	if (ret)
		return;
	fuzz_assert(f, info_flags_ok(in.flags, info.flags) &&
		    info.size == a.size, "flags %#x, size %#llx", info.flags,
		    (unsigned long long)info.size);
	f->objs[f->nobjs - 1].flags = info.flags;
}

static void op_gem_info(struct fuzzer *f)
{
	struct drm_nova_gem_info a, in;
	int idx, ret;

	a.handle = pick_handle(f, 70, &idx);
	a.flags = rnd_pad32(&f->rng, 12);
	a.size = rnd(&f->rng);
	in = a;

	begin(f, "GEM_INFO{handle=%u flags=%#x} (%s)", in.handle, in.flags,
	      idx >= 0 ? "live" : "unknown");
	ret = __nova_gem_info(f->fd, &a);
	check(f, ret, expect_gem_info(&in, idx >= 0));
	if (!ret)
		fuzz_assert(f, a.size == f->objs[idx].size &&
			    a.flags == f->objs[idx].flags,
			    "size %#llx, flags %#x; object of %#" PRIx64
			    ", flags %#x", (unsigned long long)a.size, a.flags,
			    f->objs[idx].size, f->objs[idx].flags);
}

static void op_gem_mmap_offset(struct fuzzer *f)
{
	struct drm_nova_gem_mmap_offset a, in;
	struct obj *o;
	int idx, ret;

	a.handle = pick_handle(f, 80, &idx);
	a.flags = rnd_pad32(&f->rng, 12);
	a.offset = rnd(&f->rng);
	in = a;

	begin(f, "GEM_MMAP_OFFSET{handle=%u flags=%#x} (%s)", in.handle,
	      in.flags, idx >= 0 ? "live" : "unknown");
	ret = __nova_gem_mmap_offset(f->fd, &a);
	check(f, ret, expect_gem_mmap_offset(&in, idx >= 0, idx >= 0 ?
		f->objs[idx].flags & NOVA_GEM_DOMAINS : 0));
	if (ret)
		return;

	o = &f->objs[idx];
	fuzz_assert(f, a.offset && !(a.offset & (page_size - 1)),
		    "offset %#llx", (unsigned long long)a.offset);

	switch (rnd_below(&f->rng, 10)) {
	case 0 ... 5:
		if (obj_small(o))
			map_object(f, f->fd, o, a.offset);
		break;
	case 6:
		/* Larger than the object: -EINVAL (drm_gem_mmap_obj()). */
		mmap_must_fail(f, f->fd, o->size + page_size, PROT_READ,
			       MAP_SHARED, a.offset, "longer than the object");
		break;
	case 7:
		/* Inside the object, not at its start: no such offset. */
		if (o->size >= 2 * page_size)
			mmap_must_fail(f, f->fd, page_size, PROT_READ,
				       MAP_SHARED, a.offset + page_size *
				       (1 + rnd_below(&f->rng, o->size /
						      page_size - 1)),
				       "inside an object");
		break;
	case 8:
		/* A private (copy-on-write) mapping is refused. */
		mmap_must_fail(f, f->fd, page_size, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE, a.offset, "MAP_PRIVATE");
		break;
	default:
		break;
	}
}

static void op_gem_close(struct fuzzer *f)
{
	struct drm_gem_close a;
	int idx, ret;

	a.handle = pick_handle(f, 65, &idx);
	/* The DRM core ignores the padding of GEM_CLOSE. */
	a.pad = rnd_pad32(&f->rng, 20);

	begin(f, "GEM_CLOSE{handle=%u pad=%#x} (%s)", a.handle, a.pad,
	      idx >= 0 ? "live" : "unknown");
	ret = nova_ioctl(f->fd, DRM_IOCTL_GEM_CLOSE, &a);
	check(f, ret, ex1(idx >= 0 ? 0 : -EINVAL));
	if (!ret)
		obj_forget(f, idx);
}

/* The object of the held mapping. */
static struct obj *held_object(struct fuzzer *f)
{
	for (int i = 0; i < f->nobjs; i++)
		if (f->objs[i].id == f->held_id)
			return &f->objs[i];
	return &f->held_obj;
}

static void held_release(struct fuzzer *f)
{
	if (!f->held)
		return;
	igt_assert_eq(munmap(f->held, f->held_len), 0);
	f->held = NULL;
}

/*
 * Maps a small object and keeps the mapping for later calls, or touches
 * the mapping kept (whose handle may be closed and whose file and device
 * may be gone by now), or unmaps it.
 */
static void op_hold(struct fuzzer *f)
{
	struct drm_nova_gem_mmap_offset arg = {};
	struct obj *o;
	int idx, err;
	void *p;

	if (f->held) {
		if (rnd_pct(&f->rng, 30)) {
			held_release(f);
			return;
		}
		o = held_object(f);
		begin(f, "touching the mapping held of object %" PRIu64 " (%s)",
		      f->held_id, o == &f->held_obj ? "no handle left" :
		      "handle live");
		touch_mapping(f, o, f->held, f->held_len, true);
		return;
	}

	idx = pick_small_obj(f);
	if (idx < 0)
		return;
	o = &f->objs[idx];
	arg.handle = o->handle;
	begin(f, "GEM_MMAP_OFFSET{handle=%u} for a mapping to hold", o->handle);
	err = __nova_gem_mmap_offset(f->fd, &arg);
	check(f, err, ex1(0));
	if (err)
		return;
	begin(f, "mmap(handle %u) to hold", o->handle);
	p = try_mmap(f->fd, o->size, PROT_READ | PROT_WRITE, MAP_SHARED,
		     arg.offset, &err);
	check(f, err, ex1(0));
	if (!p)
		return;
	f->held = p;
	f->held_len = o->size;
	f->held_id = o->id;
}

/*
 * The file's fdinfo, read while the objects come and go (in a shared file,
 * while another process changes them): it names nova, and counts exactly
 * the fuzzer's objects (at least them, in a shared file).
 */
static void op_fdinfo(struct fuzzer *f)
{
	struct nova_fdinfo info;
	uint64_t total = 0, sysmem = 0;

	for (int i = 0; i < f->nobjs; i++) {
		total += f->objs[i].size;
		if ((f->objs[i].flags & NOVA_GEM_DOMAINS) ==
		    NOVA_GEM_DOMAIN_GART)
			sysmem += f->objs[i].size;
	}

	begin(f, "fdinfo (%d objects, %#" PRIx64 " bytes, %#" PRIx64
	      " in system memory)", f->nobjs, total, sysmem);
	f->calls++;
	fuzz_assert(f, nova_fdinfo_read(f->fd, &info), "cannot read it");
	/* A file whose device is gone shows no DRM keys. */
	if (f->unbind && !info.has_driver)
		return;
	fuzz_assert(f, info.has_driver && !strcmp(info.driver, "nova"),
		    "drm-driver \"%s\"", info.driver);
	/*
	 * drm-total-memory counts the objects in system memory, and those
	 * in VRAM too unless they have a region of their own.
	 */
	if (info.has_total)
		fuzz_assert(f, info.total >= sysmem &&
				(f->shared || info.total <= total),
			    "drm-total-memory %#" PRIx64, info.total);
}

/* mmap() of @fd at offsets where no object can be. */
static void fake_mmap(struct fuzzer *f, int fd)
{
	struct rng *r = &f->rng;
	uint64_t offset;
	const char *why;

	switch (rnd_below(r, 4)) {
	case 0:
		/* Below DRM_FILE_PAGE_OFFSET_START (4 GiB). */
		offset = rnd_below(r, 1ull << 20) * page_size;
		why = "fake offset below 4 GiB";
		break;
	case 1:
		offset = (rnd(r) | (1ull << 44)) & ~(page_size - 1);
		why = "fake offset above the GEM range";
		break;
	case 2:
		offset = rnd(r) | 1;
		why = "unaligned offset";
		break;
	default:
		offset = (4ull << 30) + 1 +
			 rnd_below(r, 1ull << 28) * page_size;
		why = "unaligned offset in the GEM range";
		break;
	}
	mmap_must_fail(f, fd, (1 + rnd_below(r, 4)) * page_size,
		       rnd_pct(r, 50) ? PROT_READ : PROT_READ | PROT_WRITE,
		       MAP_SHARED, offset, why);
}

static void op_fake_mmap(struct fuzzer *f)
{
	fake_mmap(f, f->fd);
}

/* --- GPU VA spaces: DEVICE_INFO, VM_INIT, VM_BIND --- */

static void vm_reset(struct vm_model *vm)
{
	memset(vm, 0, sizeof(*vm));
}

/* Whether [a, a + alen) and [b, b + blen) overlap (no wrap: checked). */
static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return alen && blen && a < b + blen && b < a + alen;
}

static uint64_t zone_base(const struct fuzzer *f)
{
	return (uint64_t)(f->zone + 1) << ZONE_SHIFT;
}

/* The upper half of a zone, where the sparse regions go. */
static uint64_t sparse_base(const struct fuzzer *f)
{
	return zone_base(f) + (1ull << (ZONE_SHIFT - 1));
}

/* Whether [addr, addr + range) touches the sparse half of any zone. */
static bool in_sparse_halves(uint64_t addr, uint64_t range)
{
	for (int k = 0; k < 16; k++) {
		uint64_t s = ((uint64_t)(k + 1) << ZONE_SHIFT) +
			     (1ull << (ZONE_SHIFT - 1));

		if (overlaps(addr, range, s, 1ull << (ZONE_SHIFT - 1)))
			return true;
	}
	return false;
}

static int sparse_find(const struct vm_model *vm, uint64_t addr,
		       uint64_t range)
{
	for (int i = 0; i < vm->nsparse; i++)
		if (vm->sparse[i].addr == addr && vm->sparse[i].range == range)
			return i;
	return -1;
}

static bool sparse_overlaps(const struct vm_model *vm, uint64_t addr,
			    uint64_t range)
{
	for (int i = 0; i < vm->nsparse; i++)
		if (overlaps(addr, range, vm->sparse[i].addr,
			     vm->sparse[i].range))
			return true;
	return false;
}

/* A MAP that is neither wholly inside nor wholly outside a region. */
static bool sparse_straddles(const struct vm_model *vm, uint64_t addr,
			     uint64_t range)
{
	for (int i = 0; i < vm->nsparse; i++) {
		uint64_t s = vm->sparse[i].addr, l = vm->sparse[i].range;

		if (overlaps(addr, range, s, l) &&
		    !(addr >= s && addr + range <= s + l))
			return true;
	}
	return false;
}

static struct expect expect_device_info(const struct drm_nova_device_info *a)
{
	unsigned int m = 0;

	if (a->pad)
		m |= RS_EINVAL;
	for (size_t i = 0; i < ARRAY_SIZE(a->reserved); i++)
		if (a->reserved[i])
			m |= RS_EINVAL;
	if (!have_gsp)
		return ex_mask(m | RS_ENODEV);
	return ex_mask(m ? m : RS_OK);
}

static struct expect expect_vm_init(const struct vm_model *vm,
				    const struct drm_nova_vm_init *a)
{
	uint64_t addr = a->kernel_managed_addr, size = a->kernel_managed_size;
	unsigned int m = 0;

	if ((addr | size) & (GPU_PAGE - 1))
		m |= RS_EINVAL;
	if (addr + size < addr || addr + size > va_end)
		m |= RS_EINVAL;
	if (!have_gsp)
		return ex_mask(m | RS_ENODEV);
	if (vm->exists)
		return ex_mask(m | RS_EEXIST);
	if (m)
		return ex_mask(m);
	/* An empty range at the very end: inside the VA space or not. */
	if (!size && addr == va_end)
		return ex_mask(RS_OK | RS_EINVAL);
	return ex_mask(RS_OK | RS_ENOMEM);
}

/* What a VM_INIT that gave @ret tells of the file's VA space. */
static void vm_init_done(struct vm_model *vm, const struct drm_nova_vm_init *a,
			 int ret)
{
	if (ret == 0) {
		vm_reset(vm);
		vm->exists = true;
		vm->km_addr = a->kernel_managed_addr;
		vm->km_size = a->kernel_managed_size;
	} else if (ret == -EEXIST) {
		igt_assert(vm->exists);
	}
}

/*
 * What a handle of a VM_BIND names: 1 an object (its size in *size), 0
 * nothing, -1 perhaps an object (scratch file). In a shared file the
 * fuzzer uses only its own handles and ones no file has.
 */
static int bind_lookup(const struct fuzzer *f, bool scratch, uint32_t handle,
		       uint64_t *size)
{
	int i;

	if (!handle)
		return 0;
	if (scratch)
		return handle <= f->scratch_creates ? -1 : 0;
	i = obj_find(f, handle);
	if (i < 0)
		return 0;
	*size = f->objs[i].size;
	return 1;
}

/*
 * The errors one operation may give, as nova_drm.h lists them: into *def
 * those of which the call must give one, into *maybe those it may give
 * (a handle of the scratch file that may be an object's).
 */
static void bind_op_errors(const struct fuzzer *f, bool scratch,
			   const struct vm_model *vm,
			   const struct drm_nova_vm_bind_op *op,
			   unsigned int *def, unsigned int *maybe)
{
	const bool sparse = op->flags & NOVA_VM_BIND_SPARSE;
	const uint64_t end = op->addr + op->range;
	uint64_t size = 0;
	unsigned int m = 0;
	int live = bind_lookup(f, scratch, op->handle, &size);

	if (op->op > NOVA_VM_BIND_OP_UNMAP) {
		*def |= RS_EINVAL;
		if (op->handle && live <= 0)
			*maybe |= RS_ENOENT;
		return;
	}
	if ((op->flags & ~NOVA_VM_BIND_SPARSE) || op->pad)
		m |= RS_EINVAL;
	if ((op->addr | op->bo_offset | op->range) & (GPU_PAGE - 1))
		m |= RS_EINVAL;
	if (!op->range || end < op->addr || end > va_end)
		m |= RS_EINVAL;
	else if (vm->exists &&
		 overlaps(op->addr, op->range, vm->km_addr, vm->km_size))
		m |= RS_EINVAL;
	const bool in_va = op->range && end >= op->addr && end <= va_end;

	if (op->op == NOVA_VM_BIND_OP_MAP && sparse) {
		if (op->handle)
			m |= RS_EINVAL | (live <= 0 ? RS_ENOENT : 0);
		if (op->bo_offset)
			m |= RS_EINVAL;
		if (in_va && sparse_overlaps(vm, op->addr, op->range))
			m |= RS_EINVAL;
	} else if (op->op == NOVA_VM_BIND_OP_MAP) {
		if (live == 0)
			m |= RS_ENOENT | (op->handle ? 0 : RS_EINVAL);
		else if (live < 0)
			*maybe |= RS_ENOENT | RS_EINVAL;
		else if (op->bo_offset + op->range < op->bo_offset ||
			 op->bo_offset + op->range > size)
			m |= RS_EINVAL;
		if (in_va && sparse_straddles(vm, op->addr, op->range))
			m |= RS_EINVAL;
	} else {
		if (op->handle || op->bo_offset)
			m |= RS_EINVAL;
		if (sparse && sparse_find(vm, op->addr, op->range) < 0)
			m |= RS_EINVAL;
	}
	*def |= m;
}

/*
 * The errors of an array of @count struct drm_nova_sync at @ptr, as
 * VM_BIND with RUN_ASYNC and EXEC read it (the entries are read here too):
 * none for an empty array, which is never read; -EINVAL for more than
 * SYNC_MAX; -EFAULT if it cannot be read whole; for each entry read,
 * -EINVAL for flags other than NOVA_SYNC_SYNCOBJ with a zero timeline
 * value or NOVA_SYNC_TIMELINE_SYNCOBJ with a point, and -ENOENT for its
 * handle: the fuzzers never make a syncobj in their files, so a call with
 * a non-empty array always fails.
 */
static unsigned int sync_array_errors(uint32_t count, uint64_t ptr)
{
	const struct drm_nova_sync *s = (const void *)(uintptr_t)ptr;
	unsigned int m = 0;
	uint64_t whole;

	if (!count)
		return 0;
	if (count > SYNC_MAX)
		return RS_EINVAL;
	whole = readable_bytes(ptr) / sizeof(*s);
	if (whole < count)
		m |= RS_EFAULT;
	for (uint32_t i = 0; i < count && i < whole; i++) {
		if (s[i].flags == NOVA_SYNC_SYNCOBJ && !s[i].timeline_value)
			m |= RS_ENOENT;
		else if (s[i].flags == NOVA_SYNC_TIMELINE_SYNCOBJ)
			/* Point 0 of a timeline: refused or looked up. */
			m |= RS_ENOENT | (s[i].timeline_value ? 0 : RS_EINVAL);
		else
			m |= RS_EINVAL;
	}
	return m;
}

/*
 * Whether VM_BIND @a is asynchronous and may succeed: RUN_ASYNC alone
 * with no syncobj to wait for or signal. The fuzzers never make one on a
 * file whose VA space they model (its effects would come later); an
 * asynchronous call that names syncobjs always fails (sync_array_errors()).
 */
static bool vm_bind_async_ok(const struct drm_nova_vm_bind *a)
{
	return a->flags == NOVA_VM_BIND_RUN_ASYNC && !a->wait_count &&
	       !a->sig_count;
}

/*
 * The result of VM_BIND @a on the fuzzer's file (or its scratch file),
 * given that @readable bytes can be read at a->op_ptr (they are read here
 * too: the kernel sees what this process sees).
 */
static struct expect expect_vm_bind(const struct fuzzer *f, bool scratch,
				    const struct drm_nova_vm_bind *a,
				    uint64_t readable)
{
	const struct vm_model *vm = scratch ? &f->svm : &f->vm;
	const struct drm_nova_vm_bind_op *ops = (void *)(uintptr_t)a->op_ptr;
	unsigned int def = 0, maybe = 0;

	if (!vm->exists)
		def |= RS_ENOENT;
	if (!have_gsp)
		def |= RS_ENODEV;
	/*
	 * Flag bits but RUN_ASYNC are undefined. Without RUN_ASYNC the sync
	 * fields must be zero; with it, each array whose count is not zero
	 * is read.
	 */
	if (a->flags & ~NOVA_VM_BIND_RUN_ASYNC)
		def |= RS_EINVAL;
	if (!(a->flags & NOVA_VM_BIND_RUN_ASYNC)) {
		if (a->wait_count || a->sig_count || a->wait_ptr || a->sig_ptr)
			def |= RS_EINVAL;
	} else {
		def |= sync_array_errors(a->wait_count, a->wait_ptr);
		def |= sync_array_errors(a->sig_count, a->sig_ptr);
	}
	if (a->op_count > OPS_MAX) {
		def |= RS_EINVAL;
	} else if (a->op_count) {
		/*
		 * An array that cannot be read whole: EFAULT, or the error of
		 * an operation read before the kernel got to the bad part.
		 */
		uint64_t whole = readable / sizeof(*ops);

		if (whole < a->op_count)
			def |= RS_EFAULT;
		for (uint32_t i = 0; i < a->op_count && i < whole; i++)
			bind_op_errors(f, scratch, vm, &ops[i], &def, &maybe);
	}
	if (def)
		return ex_mask(def | maybe);
	return ex_mask(maybe | RS_OK | (a->op_count ? RS_ENOMEM : 0));
}

/*
 * Checks the op_count VM_BIND left (@in: the one given): on -ENOMEM, the
 * number of operations applied, fewer than asked; a lone sparse operation
 * that succeeded changes the model.
 */
static void vm_bind_done(struct fuzzer *f, struct vm_model *vm,
			 const struct drm_nova_vm_bind *in,
			 const struct drm_nova_vm_bind *out,
			 const struct drm_nova_vm_bind_op *op, int ret)
{
	if (ret == -ENOMEM)
		fuzz_assert(f, out->op_count < in->op_count,
			    "ENOMEM with op_count %u of %u applied",
			    out->op_count, in->op_count);
	if (ret || !op || !(op->flags & NOVA_VM_BIND_SPARSE))
		return;
	if (op->op == NOVA_VM_BIND_OP_MAP) {
		igt_assert(vm->nsparse < MAX_SPARSE);
		vm->sparse[vm->nsparse].addr = op->addr;
		vm->sparse[vm->nsparse++].range = op->range;
	} else {
		int i = sparse_find(vm, op->addr, op->range);

		igt_assert(i >= 0);
		vm->sparse[i] = vm->sparse[--vm->nsparse];
	}
}

static void op_device_info(struct fuzzer *f)
{
	struct drm_nova_device_info a, in;
	struct rng *r = &f->rng;
	int ret;

	/* The output fields are not looked at: fill them with anything. */
	for (size_t i = 0; i < sizeof(a); i += 8) {
		uint64_t v = rnd(r);

		memcpy((uint8_t *)&a + i, &v, 8);
	}
	a.pad = rnd_pad32(r, 10);
	for (size_t i = 0; i < ARRAY_SIZE(a.reserved); i++)
		a.reserved[i] = rnd_pad32(r, 3);
	in = a;

	begin(f, "DEVICE_INFO{pad=%#x reserved[0]=%#x ...}", in.pad,
	      in.reserved[0]);
	ret = __nova_device_info(f->fd, &a);
	check(f, ret, expect_device_info(&in));
	if (!ret)
		fuzz_assert(f, !memcmp(&a, &dev_info, sizeof(a)),
			    "other values than at the start (chipset %#x, "
			    "va_bits %u)", a.chipset, a.va_bits);
}

/* A kernel-managed range: mostly a valid one, often an edge. */
static void pick_km_range(struct fuzzer *f, struct drm_nova_vm_init *a)
{
	struct rng *r = &f->rng;

	switch (rnd_below(r, 12)) {
	case 0 ... 3:
		a->kernel_managed_addr = KM_ADDR;
		a->kernel_managed_size = KM_SIZE;
		break;
	case 4:
		/* Where channels can be made. */
		a->kernel_managed_addr = KM_EXEC_ADDR;
		a->kernel_managed_size = KM_EXEC_SIZE;
		break;
	case 5:
		a->kernel_managed_addr = 0;
		a->kernel_managed_size = 0;
		break;
	case 6:
		a->kernel_managed_addr = rnd_below(r, va_end / GPU_PAGE) *
					 GPU_PAGE;
		a->kernel_managed_size = rnd_below(r, 1 << 20) * GPU_PAGE;
		break;
	case 7:
		/* Up to the end of the VA space, or one page past it. */
		a->kernel_managed_size = (1 + rnd_below(r, 1 << 20)) * GPU_PAGE;
		a->kernel_managed_addr = va_end - a->kernel_managed_size +
					 (rnd_pct(r, 50) ? GPU_PAGE : 0);
		break;
	case 8:
		a->kernel_managed_addr = KM_ADDR + 1 + rnd_below(r, GPU_PAGE - 1);
		a->kernel_managed_size = KM_SIZE;
		break;
	case 9:
		a->kernel_managed_addr = KM_ADDR;
		a->kernel_managed_size = KM_SIZE - 1 - rnd_below(r, GPU_PAGE - 1);
		break;
	case 10:
		/* Wraps around. */
		a->kernel_managed_addr = ~0ull - rnd_below(r, 4) * GPU_PAGE -
					 GPU_PAGE + 1;
		a->kernel_managed_size = rnd_below(r, 4) * GPU_PAGE +
					 2 * GPU_PAGE;
		break;
	default:
		a->kernel_managed_addr = rnd_edge(r);
		a->kernel_managed_size = rnd_edge(r);
		break;
	}
}

static int vm_init_call(struct fuzzer *f, int fd, struct vm_model *vm,
			const struct drm_nova_vm_init *a, const char *what)
{
	struct drm_nova_vm_init arg = *a;
	int ret;

	begin(f, "VM_INIT{kernel_managed_addr=%#llx size=%#llx}%s",
	      (unsigned long long)a->kernel_managed_addr,
	      (unsigned long long)a->kernel_managed_size, what);
	ret = nova_ioctl(fd, DRM_IOCTL_NOVA_VM_INIT, &arg);
	check(f, ret, expect_vm_init(vm, a));
	vm_init_done(vm, a, ret);
	return ret;
}

static void op_vm_init(struct fuzzer *f)
{
	struct drm_nova_vm_init a;

	pick_km_range(f, &a);
	vm_init_call(f, f->fd, &f->vm, &a, "");
}

/* A range for an operation: mostly pages, sometimes an edge. */
static uint64_t pick_bind_range(struct fuzzer *f)
{
	struct rng *r = &f->rng;

	switch (rnd_below(r, 16)) {
	case 0 ... 7:	return (1 + rnd_below(r, 16)) * GPU_PAGE;
	case 8 ... 9:	return (1 + rnd_below(r, 4)) * (64ull << 10);
	case 10 ... 11:	return (1 + rnd_below(r, 4)) * (2ull << 20);
	case 12:	return 0;
	case 13:	return 1 + rnd_below(r, 3 * GPU_PAGE);
	default:	return rnd_edge(r);
	}
}

/* An address for a plain (not sparse) operation of @range bytes. */
static uint64_t pick_plain_addr(struct fuzzer *f, uint64_t range)
{
	struct rng *r = &f->rng;
	uint64_t addr;

	switch (rnd_below(r, 20)) {
	case 0 ... 11:
		addr = zone_base(f) + rnd_below(r, 1ull << 30);
		if (rnd_pct(r, 25))
			addr &= ~((2ull << 20) - 1);
		else if (rnd_pct(r, 30))
			addr &= ~((64ull << 10) - 1);
		else
			addr &= ~(GPU_PAGE - 1);
		break;
	case 12 ... 13:
		addr = ((1ull << 32) + rnd_below(r, 1ull << 30)) &
		       ~(GPU_PAGE - 1);
		break;
	case 14:
		/* In or at the edges of the kernel-managed range. */
		addr = (f->vm.exists ? f->vm.km_addr : KM_ADDR) +
		       (rnd_pct(r, 50) ? -range : 0) +
		       rnd_below(r, 4) * GPU_PAGE;
		break;
	case 15:
		addr = va_end - range;
		break;
	case 16:
		addr = va_end - rnd_below(r, 4) * GPU_PAGE;
		break;
	case 17:
		addr = zone_base(f) + rnd_below(r, 1ull << 30);
		break;
	default:
		addr = rnd_edge(r);
		break;
	}
	/* Never near another zone's sparse regions, nor near its own. */
	if (in_sparse_halves(addr, range))
		addr = zone_base(f) + (addr & ((1ull << 30) - 1));
	return addr;
}

/*
 * One plain operation on the fuzzer's file (@scratch: its scratch file,
 * where only handles of no object are mapped): MAP of a live object or an
 * unknown handle, UNMAP, an unknown op; never sparse.
 */
static void gen_plain_op(struct fuzzer *f, bool scratch,
			 struct drm_nova_vm_bind_op *op)
{
	struct rng *r = &f->rng;
	uint64_t osize = 0;
	int idx = -1;

	memset(op, 0, sizeof(*op));
	switch (rnd_below(r, 20)) {
	case 0 ... 9:	op->op = NOVA_VM_BIND_OP_MAP; break;
	case 10 ... 17:	op->op = NOVA_VM_BIND_OP_UNMAP; break;
	case 18:	op->op = 2 + rnd_below(r, 8); break;
	default:	op->op = rnd(r); break;
	}
	if (rnd_pct(r, 6))
		op->flags = rnd_pad32(r, 100) & ~NOVA_VM_BIND_SPARSE;
	op->pad = rnd_pad32(r, 4);

	if (op->op == NOVA_VM_BIND_OP_MAP) {
		if (scratch)
			op->handle = rnd_pct(r, 20) ? 0 : FAR_HANDLE_BASE +
				     rnd_below(r, 1000);
		else
			op->handle = pick_handle(f, 85, &idx);
		if (idx >= 0 && !obj_bindable(&f->objs[idx])) {
			op->handle = pick_unknown_handle(f);
			idx = -1;
		}
		if (idx >= 0)
			osize = f->objs[idx].size;
	} else if (rnd_pct(r, 4)) {
		op->handle = f->nobjs && !scratch ?
			     f->objs[pick_obj(f)].handle : rnd(r);
	}

	if (osize && rnd_pct(r, 85)) {
		uint64_t pages = osize / GPU_PAGE;
		uint64_t first = rnd_below(r, pages);

		/* Whole large objects often, for the large pages. */
		if (rnd_pct(r, 30))
			first = 0;
		op->bo_offset = first * GPU_PAGE;
		op->range = rnd_pct(r, 30) ? osize - op->bo_offset :
			    (1 + rnd_below(r, pages - first)) * GPU_PAGE;
		if (rnd_pct(r, 5))
			op->range += GPU_PAGE;	/* past the end */
	} else {
		op->range = pick_bind_range(f);
		if (op->op == NOVA_VM_BIND_OP_MAP && rnd_pct(r, 20))
			op->bo_offset = rnd_pct(r, 50) ?
					rnd_below(r, 64) * GPU_PAGE :
					rnd_edge(r);
	}
	if (op->op != NOVA_VM_BIND_OP_MAP && rnd_pct(r, 4))
		op->bo_offset = rnd_edge(r);
	op->addr = pick_plain_addr(f, op->range);
	if (rnd_pct(r, 3))
		op->bo_offset += 1 + rnd_below(r, GPU_PAGE - 1);
}

/*
 * The pointer of an operation array of @n operations: the op buffer (whole
 * or running into its PROT_NONE page) or a bad pointer. In *@ops, where to
 * write the operations (the buffer, or NULL if they cannot be written).
 */
static uint64_t pick_ops_pointer(struct fuzzer *f, uint32_t *n,
				 struct drm_nova_vm_bind_op **ops,
				 const char **where)
{
	struct rng *r = &f->rng;
	const uint32_t cap = arena.ops_len / sizeof(**ops);
	uint64_t ptr;

	*where = "op buffer";
	*ops = arena.ops;
	switch (rnd_below(r, 20)) {
	case 0 ... 16:
		return (uintptr_t)arena.ops;
	case 17:
		if (*n == 0 || *n > cap)
			return (uintptr_t)arena.ops;
		/* The last operations in the PROT_NONE page. */
		*where = "op array running into a PROT_NONE page";
		*ops = arena.ops + cap - *n + 1 + rnd_below(r, *n);
		return (uintptr_t)*ops;
	default:
		*ops = NULL;
		ptr = bad_pointer(r, where);
		/* The vDSO: its first page is all the model knows. */
		if (ptr == arena.vdso && *n > page_size / sizeof(**ops))
			*n = page_size / sizeof(**ops);
		return ptr;
	}
}

/* Writes @n operations at @ops, as far as the buffer goes. */
static void fill_ops(struct fuzzer *f, bool scratch,
		     struct drm_nova_vm_bind_op *ops, uint32_t n)
{
	struct drm_nova_vm_bind_op *end = arena.ops +
		arena.ops_len / sizeof(*ops);

	for (uint32_t i = 0; i < n && ops + i < end; i++)
		gen_plain_op(f, scratch, &ops[i]);
}

/* --- arrays of EXEC and of VM_BIND with RUN_ASYNC --- */

/*
 * The pointer of an array of @n entries of @size bytes: area @area of the
 * arena (from its start, or running into the PROT_NONE page after it) or
 * a bad pointer. In *@at, where to write the entries (NULL if they cannot
 * be written), and in *@room how many fit there.
 */
static uint64_t pick_array(struct fuzzer *f, int area, uint32_t n,
			   size_t size, uint8_t **at, uint32_t *room,
			   const char **where)
{
	struct rng *r = &f->rng;
	const uint32_t cap = arena.arr_len / size;
	uint8_t *base = arena.arr[area];

	*where = "buffer";
	*at = base;
	*room = cap;
	switch (rnd_below(r, 20)) {
	case 0 ... 15:
		return (uintptr_t)base;
	case 16 ... 17:
		if (n == 0 || n > cap)
			return (uintptr_t)base;
		*where = "array running into a PROT_NONE page";
		*at = base + (cap - n + 1 + rnd_below(r, n)) * size;
		*room = cap - (*at - base) / size;
		return (uintptr_t)*at;
	default:
		*at = NULL;
		*room = 0;
		return bad_pointer(r, where);
	}
}

/*
 * A syncobj to wait for or signal: mostly well formed, of a small handle
 * or any; none exists in the fuzzers' files.
 */
static void gen_sync(struct rng *r, struct drm_nova_sync *s)
{
	memset(s, 0, sizeof(*s));
	s->handle = rnd_pct(r, 50) ? rnd_below(r, 8) : rnd(r);
	switch (rnd_below(r, 10)) {
	case 0 ... 4:
		s->flags = NOVA_SYNC_SYNCOBJ;
		break;
	case 5 ... 6:
		s->flags = NOVA_SYNC_TIMELINE_SYNCOBJ;
		s->timeline_value = 1 + rnd_below(r, 1000);
		break;
	case 7:
		/* A point of a binary syncobj, point 0 of a timeline. */
		s->flags = rnd_below(r, 2);
		s->timeline_value = s->flags == NOVA_SYNC_SYNCOBJ ?
				    rnd_edge(r) | 1 : 0;
		break;
	default:
		s->flags = rnd_pad32(r, 100);
		s->timeline_value = rnd_pct(r, 50) ? 0 : rnd_edge(r);
		break;
	}
}

/* A number of syncobjs: mostly a few, sometimes SYNC_MAX, more, none. */
static uint32_t pick_sync_count(struct rng *r)
{
	switch (rnd_below(r, 16)) {
	case 0 ... 9:	return 1 + rnd_below(r, 4);
	case 10:	return SYNC_MAX;
	case 11:	return SYNC_MAX + 1;
	case 12:	return 0;
	default:	return rnd_width(r);
	}
}

/*
 * A wait or signal array of @count syncobjs in area @area: its pointer
 * (often 0 for an empty one), the entries written where they can be.
 */
static uint64_t gen_sync_array(struct fuzzer *f, int area, uint32_t count,
			       const char **where)
{
	uint8_t *at;
	uint32_t room;
	uint64_t ptr;

	if (!count && rnd_pct(&f->rng, 70)) {
		*where = "none";
		return 0;
	}
	ptr = pick_array(f, area, count, sizeof(struct drm_nova_sync), &at,
			 &room, where);
	for (uint32_t i = 0; at && i < count && i < room; i++)
		gen_sync(&f->rng, (struct drm_nova_sync *)at + i);
	return ptr;
}

/*
 * VM_BIND flags that are wrong: a bit other than RUN_ASYNC, alone or with
 * it (RUN_ASYNC alone is made only by gen_async_syncs()).
 */
static uint32_t pick_bad_bind_flags(struct rng *r)
{
	uint32_t v = rnd_pad32(r, 100);

	if (!(v & ~NOVA_VM_BIND_RUN_ASYNC))
		v |= 1u << (1 + rnd_below(r, 31));
	return v;
}

/*
 * RUN_ASYNC with syncobjs to wait for or signal, at least one: the call
 * reads and checks them (counts, arrays, flags, handles) and, as there is
 * no syncobj in the fuzzers' files, always fails; nothing is queued.
 */
static void gen_async_syncs(struct fuzzer *f, struct drm_nova_vm_bind *a)
{
	struct rng *r = &f->rng;
	const char *where;

	a->flags = NOVA_VM_BIND_RUN_ASYNC;
	a->wait_count = rnd_pct(r, 70) ? pick_sync_count(r) : 0;
	a->sig_count = rnd_pct(r, 70) ? pick_sync_count(r) : 0;
	if (!a->wait_count && !a->sig_count)
		a->wait_count = 1 + rnd_below(r, 4);
	a->wait_ptr = gen_sync_array(f, AREA_WAIT, a->wait_count, &where);
	a->sig_ptr = gen_sync_array(f, AREA_SIG, a->sig_count, &where);
}

/* One VM_BIND call on the fuzzer's file, @a's other fields set. */
static int vm_bind_call(struct fuzzer *f, struct drm_nova_vm_bind *a,
			const struct drm_nova_vm_bind_op *single,
			const char *what)
{
	const struct drm_nova_vm_bind in = *a;
	struct expect e;
	int ret;

	/* The model of the VA space has no binds that are still to come. */
	igt_assert_f(!vm_bind_async_ok(&in), "%s: an asynchronous VM_BIND "
		     "that may succeed was generated\n", f->name);
	e = expect_vm_bind(f, false, &in, readable_bytes(in.op_ptr));
	begin(f, "VM_BIND{op_count=%u flags=%#x wait=%u/%#llx sig=%u/%#llx "
	      "op_ptr=%#llx} %s", in.op_count, in.flags, in.wait_count,
	      (unsigned long long)in.wait_ptr, in.sig_count,
	      (unsigned long long)in.sig_ptr, (unsigned long long)in.op_ptr,
	      what);
	ret = nova_ioctl(f->fd, DRM_IOCTL_NOVA_VM_BIND, a);
	check(f, ret, e);
	vm_bind_done(f, &f->vm, &in, a, single, ret);
	return ret;
}

/* A VM_BIND call of plain operations, on a file with or without a VA space. */
static void op_vm_bind(struct fuzzer *f)
{
	struct rng *r = &f->rng;
	struct drm_nova_vm_bind a = {};
	struct drm_nova_vm_bind_op *ops;
	const char *where;
	char what[96];
	uint32_t n;

	/* Most calls go to a VA space. */
	if (!f->vm.exists && rnd_pct(r, 60)) {
		op_vm_init(f);
		return;
	}

	switch (rnd_below(r, 40)) {
	case 0 ... 27:	n = 1 + rnd_below(r, 4); break;
	case 28 ... 33:	n = 5 + rnd_below(r, 60); break;
	case 34:	n = OPS_MAX; break;
	case 35:	n = OPS_MAX + 1; break;
	case 36:	n = 0; break;
	case 37:	n = OPS_MAX + 1 + rnd_below(r, 1 << 20); break;
	default:	n = rnd_width(r); break;
	}
	a.op_ptr = pick_ops_pointer(f, &n, &ops, &where);
	a.op_count = n;
	if (ops)
		fill_ops(f, false, ops, n);
	/*
	 * Sometimes wrong flags, sync fields without RUN_ASYNC, or RUN_ASYNC
	 * with syncobjs (never RUN_ASYNC alone: see vm_bind_async_ok()).
	 */
	if (rnd_pct(r, 10)) {
		switch (rnd_below(r, 7)) {
		case 0:	a.flags = pick_bad_bind_flags(r); break;
		case 1:	a.wait_count = rnd_pad32(r, 100); break;
		case 2:	a.sig_count = rnd_pad32(r, 100); break;
		case 3:	a.wait_ptr = (uintptr_t)arena.rw; break;
		case 4: a.sig_ptr = rnd_edge(r) | 1; break;
		default: gen_async_syncs(f, &a); break;
		}
	}
	snprintf(what, sizeof(what), "(%s%s)", where,
		 ops && n == 1 ? ", one operation" : "");
	if (ops && n == 1 && ops < arena.ops + arena.ops_len / sizeof(*ops))
		igt_debug("%s: op %u flags %#x handle %u addr %#llx "
			  "bo_offset %#llx range %#llx\n", f->name, ops->op,
			  ops->flags, ops->handle,
			  (unsigned long long)ops->addr,
			  (unsigned long long)ops->bo_offset,
			  (unsigned long long)ops->range);
	vm_bind_call(f, &a, NULL, what);
}

/*
 * Sparse regions of the fuzzer's zone, one operation a call: making one
 * (overlapping another sometimes), removing one (or a range that is not
 * one), mapping an object inside one or across its edge, unmapping inside
 * one or across its edge.
 */
static void op_vm_sparse(struct fuzzer *f)
{
	struct rng *r = &f->rng;
	struct vm_model *vm = &f->vm;
	struct drm_nova_vm_bind_op *op = arena.ops;
	struct drm_nova_vm_bind a = {
		.op_count = 1, .op_ptr = (uintptr_t)arena.ops,
	};
	const char *what;
	int i = vm->nsparse ? (int)rnd_below(r, vm->nsparse) : -1;
	int idx;

	if (!vm->exists) {
		op_vm_init(f);
		return;
	}

	memset(op, 0, sizeof(*op));
	switch (rnd_below(r, 10)) {
	case 0 ... 2:
		if (vm->nsparse == MAX_SPARSE) {
			i = 0;
			goto remove;
		}
		what = "new sparse region";
		op->op = NOVA_VM_BIND_OP_MAP;
		op->flags = NOVA_VM_BIND_SPARSE;
		op->addr = sparse_base(f) + rnd_below(r, 256) * (2ull << 20);
		if (rnd_pct(r, 30))
			op->addr += rnd_below(r, 32) * (64ull << 10);
		if (rnd_pct(r, 30))
			op->addr += rnd_below(r, 16) * GPU_PAGE;
		op->range = (1 + rnd_below(r, 512)) *
			    (rnd_pct(r, 50) ? 64ull << 10 : GPU_PAGE);
		if (rnd_pct(r, 4))
			op->handle = f->nobjs ? f->objs[pick_obj(f)].handle :
						1;
		if (rnd_pct(r, 4))
			op->bo_offset = GPU_PAGE;
		break;
	case 3 ... 4:
	remove:
		what = "sparse region removed";
		op->op = NOVA_VM_BIND_OP_UNMAP;
		op->flags = NOVA_VM_BIND_SPARSE;
		if (i < 0) {
			what = "no sparse region removed";
			op->addr = sparse_base(f) + rnd_below(r, 64) * GPU_PAGE;
			op->range = (1 + rnd_below(r, 64)) * GPU_PAGE;
			break;
		}
		op->addr = vm->sparse[i].addr;
		op->range = vm->sparse[i].range;
		if (rnd_pct(r, 20)) {
			what = "part of a sparse region removed";
			if (rnd_pct(r, 50))
				op->addr += GPU_PAGE;
			op->range -= GPU_PAGE;
			if (!op->range)
				op->range = 2 * GPU_PAGE;
		}
		break;
	case 5 ... 7: {
		uint64_t room, osize;

		idx = pick_obj(f);
		if (i < 0 || idx < 0 || !obj_bindable(&f->objs[idx]))
			return;
		what = "object mapped in a sparse region";
		osize = f->objs[idx].size;
		room = vm->sparse[i].range;
		op->op = NOVA_VM_BIND_OP_MAP;
		op->handle = f->objs[idx].handle;
		op->range = (1 + rnd_below(r, (osize < room ? osize : room) /
					   GPU_PAGE)) * GPU_PAGE;
		op->bo_offset = rnd_below(r, (osize - op->range) / GPU_PAGE + 1) *
				GPU_PAGE;
		op->addr = vm->sparse[i].addr +
			   rnd_below(r, (room - op->range) / GPU_PAGE + 1) *
			   GPU_PAGE;
		if (rnd_pct(r, 20)) {
			/* Across the end of the region: EINVAL. */
			what = "object mapped across a sparse region's end";
			op->addr = vm->sparse[i].addr + room - GPU_PAGE;
			op->range = 2 * GPU_PAGE;
			op->bo_offset = 0;
		}
		break;
	}
	case 8: {
		uint64_t room;

		if (i < 0)
			return;
		what = "unmapped inside a sparse region";
		room = vm->sparse[i].range / GPU_PAGE;
		op->op = NOVA_VM_BIND_OP_UNMAP;
		op->range = (1 + rnd_below(r, room)) * GPU_PAGE;
		op->addr = vm->sparse[i].addr +
			   rnd_below(r, room - op->range / GPU_PAGE + 1) *
			   GPU_PAGE;
		break;
	}
	default:
		if (i < 0)
			return;
		what = "unmapped across a sparse region's edge";
		op->op = NOVA_VM_BIND_OP_UNMAP;
		op->addr = vm->sparse[i].addr - GPU_PAGE;
		op->range = vm->sparse[i].range + 2 * GPU_PAGE;
		break;
	}
	igt_debug("%s: op %u flags %#x handle %u addr %#llx bo_offset %#llx "
		  "range %#llx\n", f->name, op->op, op->flags, op->handle,
		  (unsigned long long)op->addr,
		  (unsigned long long)op->bo_offset,
		  (unsigned long long)op->range);
	vm_bind_call(f, &a, op, what);
}

/* --- channels and EXEC --- */

/*
 * The fuzzers never submit a job: a push buffer of random methods could
 * fault its channel. Channels are made and destroyed, and every EXEC
 * either names a channel that does not exist (0, or a handle from
 * FAR_HANDLE_BASE up: a file numbers its channels from 1) or is wrong in
 * a way that nova refuses before it queues anything (expect_exec()).
 */

/* A channel handle no file has. */
static uint32_t pick_unknown_channel(struct rng *r)
{
	switch (rnd_below(r, 3)) {
	case 0:	return 0;
	case 1:	return FAR_HANDLE_BASE + rnd_below(r, ~FAR_HANDLE_BASE);
	default: return ~0u - rnd_below(r, 2);
	}
}

/* Whether a channel handle of the scratch file may name a channel. */
static int scratch_channel_live(const struct fuzzer *f, uint32_t channel)
{
	return channel && channel <= f->scratch_channels ? -1 : 0;
}

static uint32_t pick_engine(struct rng *r)
{
	switch (rnd_below(r, 10)) {
	case 0 ... 6:	return NOVA_ENGINE_COPY;
	case 7:		return 0;
	case 8:		return 2 + rnd_below(r, 8);
	default:	return rnd(r);
	}
}

static struct expect
expect_channel_create(const struct vm_model *vm,
		      const struct drm_nova_channel_create *a)
{
	unsigned int m = 0;

	if (a->engine != NOVA_ENGINE_COPY || a->flags)
		m |= RS_EINVAL;
	if (!have_gsp)
		m |= RS_ENODEV;
	if (!vm->exists)
		m |= RS_ENOENT;
	if (m)
		return ex_mask(m);
	/*
	 * The kernel-managed range (below NOVA_EXEC_VA_LIMIT) may be full,
	 * and VRAM too (the channel's own memory), with the fuzzers' objects.
	 */
	return ex_mask(RS_OK | RS_ENOSPC | RS_ENOMEM);
}

/* @live: 1 the handle is a channel's, 0 it is not, -1 it may be. */
static struct expect
expect_channel_destroy(const struct drm_nova_channel_destroy *a, int live)
{
	const unsigned int maybe = live < 0 ? RS_ENOENT : 0;
	unsigned int m = 0;

	if (a->pad)
		m |= RS_EINVAL;
	if (!live)
		m |= RS_ENOENT | (have_gsp ? 0 : RS_ENODEV);
	return ex_mask(m ? m | maybe : RS_OK | maybe);
}

static bool push_bad(const struct drm_nova_exec_push *p)
{
	const uint64_t end = p->va + p->len;

	return p->flags || !p->len || p->len % 4 || p->len >= PUSH_LEN_LIMIT ||
	       p->va % 4 || end < p->va || end > NOVA_EXEC_VA_LIMIT;
}

/*
 * The result of EXEC @a (its arrays are read here too). @live: 1 the
 * channel is one of the file's, 0 it is not, -1 it may be. An EXEC that
 * may name a channel must be wrong in another way: the fuzzers queue no
 * job.
 */
static struct expect expect_exec(const struct drm_nova_exec *a, int live)
{
	const struct drm_nova_exec_push *p = (const void *)(uintptr_t)a->push_ptr;
	unsigned int m = 0;

	if (!a->push_count || a->push_count > exec_push_max) {
		m |= RS_EINVAL;
	} else {
		uint64_t whole = readable_bytes(a->push_ptr) / sizeof(*p);

		if (whole < a->push_count)
			m |= RS_EFAULT;
		for (uint32_t i = 0; i < a->push_count && i < whole; i++)
			if (push_bad(&p[i]))
				m |= RS_EINVAL;
	}
	m |= sync_array_errors(a->wait_count, a->wait_ptr);
	m |= sync_array_errors(a->sig_count, a->sig_ptr);
	if (!have_gsp)
		m |= RS_ENODEV;
	igt_assert_f(!live || m, "an EXEC that may queue a job on channel %u "
		     "was generated\n", a->channel);
	return ex_mask(m | (live > 0 ? 0 : RS_ENOENT));
}

/*
 * A push buffer: mostly well formed (a place below NOVA_EXEC_VA_LIMIT that
 * nothing ever runs), sometimes at the limits or wrong.
 */
static void gen_push(struct rng *r, struct drm_nova_exec_push *p)
{
	memset(p, 0, sizeof(*p));
	p->va = rnd_below(r, (NOVA_EXEC_VA_LIMIT - PUSH_LEN_LIMIT) / 4) * 4;
	p->len = (1 + rnd_below(r, 1024)) * 4;
	switch (rnd_below(r, 20)) {
	case 0:
		/* The longest, or one word more. */
		p->len = PUSH_LEN_LIMIT - (rnd_pct(r, 50) ? 4 : 0);
		break;
	case 1:
		/* Ending at the limit, or a word past it. */
		p->va = NOVA_EXEC_VA_LIMIT - p->len + 4 * rnd_below(r, 2);
		break;
	case 2:
		p->len = rnd_pct(r, 30) ? 0 : p->len + 1 + rnd_below(r, 3);
		break;
	case 3:
		p->va += 1 + rnd_below(r, 3);
		break;
	case 4:
		p->flags = rnd_pad32(r, 100);
		break;
	case 5:
		p->va = rnd_edge(r);
		p->len = rnd_edge(r);
		break;
	default:
		break;
	}
}

/*
 * The arguments of an EXEC but its channel: push buffers, syncobjs to wait
 * for and to signal, in the arena's areas or at bad addresses. @what
 * describes where the arrays are.
 */
static void gen_exec(struct fuzzer *f, struct drm_nova_exec *a, char *what,
		     size_t len)
{
	struct rng *r = &f->rng;
	const char *pw, *ww, *sw;
	uint32_t room;
	uint8_t *at;

	memset(a, 0, sizeof(*a));
	switch (rnd_below(r, 10)) {
	case 0 ... 6:	a->push_count = 1 + rnd_below(r, 4); break;
	case 7:		a->push_count = exec_push_max + rnd_below(r, 2); break;
	case 8:		a->push_count = 0; break;
	default:	a->push_count = rnd_width(r); break;
	}
	a->push_ptr = pick_array(f, AREA_PUSH, a->push_count,
				 sizeof(struct drm_nova_exec_push), &at, &room,
				 &pw);
	for (uint32_t i = 0; at && i < a->push_count && i < room; i++)
		gen_push(r, (struct drm_nova_exec_push *)at + i);
	a->wait_count = rnd_pct(r, 40) ? pick_sync_count(r) : 0;
	a->sig_count = rnd_pct(r, 40) ? pick_sync_count(r) : 0;
	a->wait_ptr = gen_sync_array(f, AREA_WAIT, a->wait_count, &ww);
	a->sig_ptr = gen_sync_array(f, AREA_SIG, a->sig_count, &sw);
	snprintf(what, len, "push buffers: %s, waits: %s, signals: %s", pw,
		 ww, sw);
}

static void exec_call(struct fuzzer *f, struct drm_nova_exec *a, int live,
		      const char *what)
{
	const struct drm_nova_exec in = *a;
	struct expect e = expect_exec(&in, live);

	begin(f, "EXEC{channel=%u push=%u/%#llx wait=%u/%#llx sig=%u/%#llx} "
	      "(%s)", in.channel, in.push_count,
	      (unsigned long long)in.push_ptr, in.wait_count,
	      (unsigned long long)in.wait_ptr, in.sig_count,
	      (unsigned long long)in.sig_ptr, what);
	check(f, nova_ioctl(f->fd, DRM_IOCTL_NOVA_EXEC, a), e);
}

/* EXEC on a channel that does not exist: nothing is ever queued. */
static void op_exec(struct fuzzer *f)
{
	struct drm_nova_exec a;
	char what[160];

	gen_exec(f, &a, what, sizeof(what));
	a.channel = pick_unknown_channel(&f->rng);
	exec_call(f, &a, 0, what);
}

static void destroy_call(struct fuzzer *f,
			 const struct drm_nova_channel_destroy *d, int live,
			 const char *what)
{
	struct drm_nova_channel_destroy a = *d;

	begin(f, "CHANNEL_DESTROY{channel=%u pad=%#x} (%s)", d->channel, d->pad,
	      what);
	check(f, nova_ioctl(f->fd, DRM_IOCTL_NOVA_CHANNEL_DESTROY, &a),
	      expect_channel_destroy(d, live));
}

/*
 * CHANNEL_CREATE @c on the fuzzer's file. A channel it makes gets, now
 * and then, an EXEC that is wrong in some way (refused, nothing queued),
 * and is destroyed again, and destroyed once more (ENOENT: handles are not
 * reused).
 */
static void channel_create_call(struct fuzzer *f,
				const struct drm_nova_channel_create *c,
				const char *what)
{
	struct drm_nova_channel_create a = *c;
	struct drm_nova_channel_destroy d = {};
	struct rng *r = &f->rng;
	int ret;

	a.channel = rnd(r);
	a.class_engine = rnd(r);
	begin(f, "CHANNEL_CREATE{engine=%u flags=%#x}%s", c->engine, c->flags,
	      what);
	ret = nova_ioctl(f->fd, DRM_IOCTL_NOVA_CHANNEL_CREATE, &a);
	check(f, ret, expect_channel_create(&f->vm, c));
	if (ret)
		return;
	fuzz_assert(f, a.channel && a.channel < FAR_HANDLE_BASE &&
		    a.class_engine == dev_info.class_copy,
		    "channel %u, class %#x (the copy class is %#x)", a.channel,
		    a.class_engine, dev_info.class_copy);

	if (rnd_pct(r, 50)) {
		struct drm_nova_exec x;
		struct drm_nova_sync *s = (void *)arena.arr[AREA_WAIT];
		char xwhat[192];

		gen_exec(f, &x, xwhat, sizeof(xwhat));
		x.channel = a.channel;
		switch (rnd_below(r, 4)) {
		case 0:
			x.push_count = 0;
			break;
		case 1:
			x.push_count = exec_push_max + 1 + rnd_below(r, 4);
			break;
		case 2:
			x.wait_count = SYNC_MAX + 1 + rnd_below(r, 1000);
			break;
		default:
			/* A syncobj that does not exist. */
			x.wait_count = 1;
			x.wait_ptr = (uintptr_t)s;
			*s = (struct drm_nova_sync){
				.flags = NOVA_SYNC_SYNCOBJ,
				.handle = FAR_HANDLE_BASE + rnd_below(r, 1000),
			};
			break;
		}
		exec_call(f, &x, 1, "a live channel, a wrong argument");
	}

	d.channel = a.channel;
	destroy_call(f, &d, 1, "the channel just made");
	if (rnd_pct(r, 30))
		destroy_call(f, &d, 0, "the channel destroyed");
}

/*
 * Channels on the fuzzer's file: made (with its VA space, mostly; the
 * fuzzers' kernel-managed range is above NOVA_EXEC_VA_LIMIT, so that is
 * usually ENOSPC) and destroyed again, destroys of channels that do not
 * exist.
 */
static void op_channel(struct fuzzer *f)
{
	struct rng *r = &f->rng;
	struct drm_nova_channel_create c = {};
	struct drm_nova_channel_destroy d = {};

	if (!f->vm.exists && rnd_pct(r, 50)) {
		op_vm_init(f);
		return;
	}
	if (rnd_pct(r, 30)) {
		d.channel = pick_unknown_channel(r);
		d.pad = rnd_pad32(r, 10);
		destroy_call(f, &d, 0, "no such channel");
		return;
	}
	c.engine = pick_engine(r);
	c.flags = rnd_pad32(r, 10);
	channel_create_call(f, &c, "");
}

static const struct {
	const char *name;
	unsigned long cmd;
	unsigned int size;
} nova_ioctls[NOVA_NR_IOCTLS] = {
	[DRM_NOVA_GETPARAM] = { "GETPARAM", DRM_IOCTL_NOVA_GETPARAM,
				sizeof(struct drm_nova_getparam) },
	[DRM_NOVA_GEM_CREATE] = { "GEM_CREATE", DRM_IOCTL_NOVA_GEM_CREATE,
				  sizeof(struct drm_nova_gem_create) },
	[DRM_NOVA_GEM_INFO] = { "GEM_INFO", DRM_IOCTL_NOVA_GEM_INFO,
				sizeof(struct drm_nova_gem_info) },
	[DRM_NOVA_GEM_MMAP_OFFSET] = {
		"GEM_MMAP_OFFSET", DRM_IOCTL_NOVA_GEM_MMAP_OFFSET,
		sizeof(struct drm_nova_gem_mmap_offset),
	},
	[DRM_NOVA_GETPARAM_STRING] = {
		"GETPARAM_STRING", DRM_IOCTL_NOVA_GETPARAM_STRING,
		sizeof(struct drm_nova_getparam_string),
	},
	[DRM_NOVA_DEVICE_INFO] = {
		"DEVICE_INFO", DRM_IOCTL_NOVA_DEVICE_INFO,
		sizeof(struct drm_nova_device_info),
	},
	[DRM_NOVA_VM_INIT] = { "VM_INIT", DRM_IOCTL_NOVA_VM_INIT,
			       sizeof(struct drm_nova_vm_init) },
	[DRM_NOVA_VM_BIND] = { "VM_BIND", DRM_IOCTL_NOVA_VM_BIND,
			       sizeof(struct drm_nova_vm_bind) },
	[DRM_NOVA_CHANNEL_CREATE] = {
		"CHANNEL_CREATE", DRM_IOCTL_NOVA_CHANNEL_CREATE,
		sizeof(struct drm_nova_channel_create),
	},
	[DRM_NOVA_CHANNEL_DESTROY] = {
		"CHANNEL_DESTROY", DRM_IOCTL_NOVA_CHANNEL_DESTROY,
		sizeof(struct drm_nova_channel_destroy),
	},
	[DRM_NOVA_EXEC] = { "EXEC", DRM_IOCTL_NOVA_EXEC,
			    sizeof(struct drm_nova_exec) },
};

/* Every nova ioctl with an argument pointer it cannot read or write. */
static void op_bad_arg(struct fuzzer *f)
{
	unsigned int nr = rnd_below(&f->rng, NOVA_NR_IOCTLS);
	const char *where;
	uint64_t ptr;
	int ret;

	if (f->scratch < 0)
		return;
	ptr = bad_pointer(&f->rng, &where);
	/* A read-only argument is read, acted on, then not written back. */
	if (nr == DRM_NOVA_GEM_CREATE)
		f->scratch_creates++;
	if (nr == DRM_NOVA_CHANNEL_CREATE)
		f->scratch_channels++;

	/*
	 * VM_INIT only reads its argument (DRM_IOW): one that can be read
	 * is acted on, and nothing is written back.
	 */
	if (nr == DRM_NOVA_VM_INIT &&
	    readable_bytes(ptr) >= sizeof(struct drm_nova_vm_init)) {
		struct drm_nova_vm_init k;
		char what[96];

		memcpy(&k, (void *)(uintptr_t)ptr, sizeof(k));
		snprintf(what, sizeof(what), " at %#" PRIx64 " (%s), scratch "
			 "file", ptr, where);
		begin(f, "VM_INIT{kernel_managed_addr=%#llx size=%#llx}%s",
		      (unsigned long long)k.kernel_managed_addr,
		      (unsigned long long)k.kernel_managed_size, what);
		ret = nova_ioctl(f->scratch, DRM_IOCTL_NOVA_VM_INIT,
				 (void *)(uintptr_t)ptr);
		check(f, ret, expect_vm_init(&f->svm, &k));
		vm_init_done(&f->svm, &k, ret);
		return;
	}

	/* So do CHANNEL_DESTROY and EXEC. */
	if (nr == DRM_NOVA_CHANNEL_DESTROY &&
	    readable_bytes(ptr) >= sizeof(struct drm_nova_channel_destroy)) {
		struct drm_nova_channel_destroy k;

		memcpy(&k, (void *)(uintptr_t)ptr, sizeof(k));
		begin(f, "CHANNEL_DESTROY{channel=%u pad=%#x} at %#" PRIx64
		      " (%s), scratch file", k.channel, k.pad, ptr, where);
		check(f, nova_ioctl(f->scratch, DRM_IOCTL_NOVA_CHANNEL_DESTROY,
				    (void *)(uintptr_t)ptr),
		      expect_channel_destroy(&k, scratch_channel_live(f,
							k.channel)));
		return;
	}
	if (nr == DRM_NOVA_EXEC &&
	    readable_bytes(ptr) >= sizeof(struct drm_nova_exec)) {
		struct drm_nova_exec k;
		struct expect e;

		memcpy(&k, (void *)(uintptr_t)ptr, sizeof(k));
		e = expect_exec(&k, scratch_channel_live(f, k.channel));
		begin(f, "EXEC{channel=%u push_count=%u} at %#" PRIx64 " (%s), "
		      "scratch file", k.channel, k.push_count, ptr, where);
		check(f, nova_ioctl(f->scratch, DRM_IOCTL_NOVA_EXEC,
				    (void *)(uintptr_t)ptr), e);
		return;
	}

	begin(f, "%s with argument pointer %#" PRIx64 " (%s)",
	      nova_ioctls[nr].name, ptr, where);
	check(f, nova_ioctl(f->scratch, nova_ioctls[nr].cmd,
			    (void *)(uintptr_t)ptr), ex1(-EFAULT));
}

/* Whether a handle of the scratch file may name an object: 1, 0 or -1. */
static int scratch_live(const struct fuzzer *f, uint32_t handle)
{
	return handle && handle <= f->scratch_creates ? -1 : 0;
}

/*
 * A nova ioctl number with another size or direction encoded. drm_ioctl()
 * copies in as many bytes as the number says (if it says "in"), zero-fills
 * the rest of the driver's struct and copies out as many as it says (if it
 * says "out"): the result is that of the struct the driver sees.
 */
static void op_wrong_size(struct fuzzer *f)
{
	static const unsigned int sizes[] = {
		0, 1, 2, 3, 4, 7, 8, 9, 12, 15, 16, 17, 19, 20, 23, 24, 25,
		31, 32, 64, 127, 128, 129, 255, 4096, IOC_SIZE_MAX,
	};
	struct rng *r = &f->rng;
	unsigned int nr = rnd_below(r, NOVA_NR_IOCTLS);
	unsigned int real = nova_ioctls[nr].size, size, dir;
	uint8_t *buf = arena.big, kview[128] = {};
	uint64_t room = 0;
	struct expect e;
	const char *where = "";
	unsigned long cmd;
	int ret;

	if (f->scratch < 0)
		return;

	size = rnd_pct(r, 70) ? sizes[rnd_below(r, ARRAY_SIZE(sizes))] :
				rnd_below(r, IOC_SIZE_MAX + 1);
	dir = rnd_below(r, 4);
	if (dir == (_IOC_READ | _IOC_WRITE) && size == real)
		size = real + 1 + rnd_below(r, 8);

	for (unsigned int i = 0; i < size + 8; i += 8) {
		uint64_t v = rnd(r);

		memcpy(buf + i, &v, 8);
	}

	/* A meaningful struct at the start, then random bytes. */
	switch (nr) {
	case DRM_NOVA_GETPARAM: {
		struct drm_nova_getparam a = { .param = pick_param(f) };

		memcpy(buf, &a, sizeof(a));
		break;
	}
	case DRM_NOVA_GEM_CREATE: {
		struct drm_nova_gem_create a = {
			.size = pick_create_size(f),
		};

		a.flags = pick_create_flags(f, a.size);
		memcpy(buf, &a, sizeof(a));
		f->scratch_creates++;
		break;
	}
	case DRM_NOVA_GEM_INFO:
	case DRM_NOVA_GEM_MMAP_OFFSET: {
		struct drm_nova_gem_info a = { .flags = rnd_pad32(r, 15) };

		switch (rnd_below(r, 4)) {
		case 0:	a.handle = 0; break;
		case 1:	a.handle = 1 + rnd_below(r, f->scratch_creates + 2);
			break;
		case 2:	a.handle = FAR_HANDLE_BASE + rnd_below(r, 1000); break;
		default: a.handle = rnd(r); break;
		}
		memcpy(buf, &a, sizeof(a));
		break;
	}
	case DRM_NOVA_GETPARAM_STRING: {
		struct drm_nova_getparam_string a = {
			.param = pick_string_param(f),
			.pad = rnd_pad32(r, 10),
			.size = rnd_pct(r, 50) ? gpu_name_len : rnd_width(r),
		};

		memset(arena.str, 0, page_size);
		if (rnd_pct(r, 60)) {
			a.pointer = (uintptr_t)arena.str;
			room = page_size;
		} else {
			a.pointer = bad_pointer(r, &where);
		}
		memcpy(buf, &a, sizeof(a));
		break;
	}
	case DRM_NOVA_DEVICE_INFO: {
		struct drm_nova_device_info a = { .pad = rnd_pad32(r, 10) };

		a.reserved[rnd_below(r, ARRAY_SIZE(a.reserved))] =
			rnd_pad32(r, 10);
		memcpy(buf, &a, sizeof(a));
		break;
	}
	case DRM_NOVA_VM_INIT: {
		struct drm_nova_vm_init a;

		pick_km_range(f, &a);
		memcpy(buf, &a, sizeof(a));
		break;
	}
	case DRM_NOVA_VM_BIND: {
		/* Plain operations with handles of no object: no sparse. */
		struct drm_nova_vm_bind a = {
			.op_count = rnd_pct(r, 20) ? 0 : 1 + rnd_below(r, 4),
			.flags = rnd_pct(r, 5) ? pick_bad_bind_flags(r) : 0,
			.op_ptr = (uintptr_t)arena.ops,
		};

		fill_ops(f, true, arena.ops, a.op_count);
		memcpy(buf, &a, sizeof(a));
		break;
	}
	case DRM_NOVA_CHANNEL_CREATE: {
		struct drm_nova_channel_create a = {
			.engine = pick_engine(r),
			.flags = rnd_pad32(r, 10),
		};

		memcpy(buf, &a, sizeof(a));
		break;
	}
	case DRM_NOVA_CHANNEL_DESTROY: {
		struct drm_nova_channel_destroy a = {
			.channel = f->scratch_channels && rnd_pct(r, 50) ?
				   1 + rnd_below(r, f->scratch_channels) :
				   pick_unknown_channel(r),
			.pad = rnd_pad32(r, 10),
		};

		memcpy(buf, &a, sizeof(a));
		break;
	}
	case DRM_NOVA_EXEC: {
		/*
		 * A channel no file has. Cut to fewer than 4 bytes, the
		 * handle could be any, but push_count is then 0 (EINVAL).
		 */
		struct drm_nova_exec a;
		char what[160];

		gen_exec(f, &a, what, sizeof(what));
		a.channel = pick_unknown_channel(r);
		memcpy(buf, &a, sizeof(a));
		break;
	}
	}

	igt_assert(real <= sizeof(kview));
	if (dir & _IOC_WRITE)
		memcpy(kview, buf, size < real ? size : real);

	switch (nr) {
	case DRM_NOVA_GETPARAM:
		e = expect_getparam((void *)kview);
		break;
	case DRM_NOVA_GEM_CREATE:
		e = expect_gem_create((void *)kview);
		break;
	case DRM_NOVA_GEM_INFO: {
		const struct drm_nova_gem_info *k = (void *)kview;

		e = expect_gem_info(k, scratch_live(f, k->handle));
		break;
	}
	case DRM_NOVA_GEM_MMAP_OFFSET: {
		const struct drm_nova_gem_mmap_offset *k = (void *)kview;

		/* A scratch object may be in VRAM (ENOSPC) or not. */
		e = expect_gem_mmap_offset(k, scratch_live(f, k->handle),
					   NOVA_GEM_DOMAIN_VRAM);
		break;
	}
	case DRM_NOVA_DEVICE_INFO:
		e = expect_device_info((void *)kview);
		break;
	case DRM_NOVA_VM_INIT:
		e = expect_vm_init(&f->svm, (void *)kview);
		break;
	case DRM_NOVA_VM_BIND: {
		const struct drm_nova_vm_bind *k = (void *)kview;

		e = expect_vm_bind(f, true, k, readable_bytes(k->op_ptr));
		break;
	}
	case DRM_NOVA_CHANNEL_CREATE:
		e = expect_channel_create(&f->svm, (void *)kview);
		break;
	case DRM_NOVA_CHANNEL_DESTROY: {
		const struct drm_nova_channel_destroy *k = (void *)kview;

		e = expect_channel_destroy(k, scratch_channel_live(f,
								   k->channel));
		break;
	}
	case DRM_NOVA_EXEC: {
		const struct drm_nova_exec *k = (void *)kview;

		e = expect_exec(k, scratch_channel_live(f, k->channel));
		break;
	}
	default:
		e = expect_getparam_string((void *)kview, room);
		break;
	}

	cmd = _IOC(dir, DRM_IOCTL_BASE, DRM_COMMAND_BASE + nr, size);
	begin(f, "%s encoded as %#lx (dir %u, size %u instead of %u)%s%s",
	      nova_ioctls[nr].name, cmd, dir, size, real, *where ? ", " : "",
	      where);
	ret = nova_ioctl(f->scratch, cmd, buf);
	check(f, ret, e);
	if (nr == DRM_NOVA_VM_INIT)
		vm_init_done(&f->svm, (void *)kview, ret);
	if (nr == DRM_NOVA_CHANNEL_CREATE && !ret)
		f->scratch_channels++;
}

/* Ioctl numbers nova does not have, and other ioctl types. */
static void op_unknown_nr(struct fuzzer *f)
{
	/* Types the VFS answers itself (fs/ioctl.c, do_vfs_ioctl()). */
	static const uint8_t vfs_types[] = { 0x00, 0x15, 'T', 'X', 'f', 0x94 };
	struct rng *r = &f->rng;
	unsigned int dir = rnd_below(r, 4), size = rnd_below(r, 257);
	unsigned int type, nr;
	unsigned long cmd;
	bool other_type;

	if (f->scratch < 0)
		return;

	for (unsigned int i = 0; i < size + 8; i += 8) {
		uint64_t v = rnd(r);

		memcpy(arena.big + i, &v, 8);
	}

	other_type = rnd_pct(r, 40);
	if (other_type) {
		bool vfs;

		do {
			type = rnd_below(r, 256);
			vfs = type == DRM_IOCTL_BASE;
			for (size_t i = 0; i < ARRAY_SIZE(vfs_types); i++)
				vfs |= type == vfs_types[i];
		} while (vfs);
		nr = rnd_below(r, 256);
	} else {
		type = DRM_IOCTL_BASE;
		nr = FIRST_UNKNOWN_NR +
		     rnd_below(r, DRM_COMMAND_END - FIRST_UNKNOWN_NR);
	}
	cmd = _IOC(dir, type, nr, size);

	begin(f, "ioctl %#lx (type %#x, nr %#x, dir %u, size %u)", cmd, type,
	      nr, dir, size);
	check(f, nova_ioctl(f->scratch, cmd, arena.big),
	      ex1(other_type ? -ENOTTY : -EINVAL));
}

/* A VM_BIND of the one operation @op on the fuzzer's file. */
static void bind_one(struct fuzzer *f, const struct drm_nova_vm_bind_op *op,
		     const char *what)
{
	struct drm_nova_vm_bind a = {
		.op_count = 1, .op_ptr = (uintptr_t)arena.ops,
	};

	arena.ops[0] = *op;
	vm_bind_call(f, &a, &arena.ops[0], what);
}

/*
 * DEVICE_INFO, VM_INIT and VM_BIND field by field and bit by bit, on a
 * file that has no VA space yet (the first VM_BINDs, and the VM_INITs
 * that must fail) and then has one.
 */
static void vm_bits(struct fuzzer *f)
{
	const uint32_t handle = f->objs[0].handle;
	struct drm_nova_vm_bind_op op;
	struct drm_nova_vm_bind a;
	char what[96];

	for (int bit = 0; bit < 32; bit++) {
		struct drm_nova_device_info d = { .pad = 1u << bit };
		const struct drm_nova_device_info din = d;

		begin(f, "DEVICE_INFO with pad bit %d", bit);
		check(f, __nova_device_info(f->fd, &d), expect_device_info(&din));
		for (size_t i = 0; i < ARRAY_SIZE(d.reserved); i++) {
			struct drm_nova_device_info e = {};

			e.reserved[i] = 1u << bit;
			begin(f, "DEVICE_INFO with reserved[%zu] bit %d", i,
			      bit);
			check(f, __nova_device_info(f->fd, &e),
			      ex_mask(RS_EINVAL | (have_gsp ? 0 : RS_ENODEV)));
		}
	}

	/* Before VM_INIT: ENOENT (and EINVAL for what is wrong anyway). */
	op = (struct drm_nova_vm_bind_op){
		.op = NOVA_VM_BIND_OP_MAP, .handle = handle,
		.addr = zone_base(f), .range = GPU_PAGE,
	};
	bind_one(f, &op, "MAP before VM_INIT");
	op = (struct drm_nova_vm_bind_op){
		.op = NOVA_VM_BIND_OP_UNMAP, .addr = zone_base(f),
		.range = GPU_PAGE,
	};
	bind_one(f, &op, "UNMAP before VM_INIT");
	a = (struct drm_nova_vm_bind){ .op_ptr = (uintptr_t)arena.ops };
	vm_bind_call(f, &a, NULL, "of no operation before VM_INIT");

	/* Kernel-managed ranges that are wrong, bit by bit, then a good one. */
	for (int bit = 0; bit < 64; bit++) {
		struct drm_nova_vm_init k = { .kernel_managed_addr = 1ull << bit };

		if (bit >= 12 && 1ull << bit < va_end)
			continue;
		vm_init_call(f, f->fd, &f->vm, &k, " (address bit)");
		k = (struct drm_nova_vm_init){
			.kernel_managed_addr = KM_ADDR,
			.kernel_managed_size = 1ull << bit,
		};
		if (bit >= 12 && KM_ADDR + (1ull << bit) <= va_end)
			continue;
		vm_init_call(f, f->fd, &f->vm, &k, " (size bit)");
	}
	vm_init_call(f, f->fd, &f->vm, &(struct drm_nova_vm_init){
			.kernel_managed_addr = KM_ADDR,
			.kernel_managed_size = KM_SIZE }, "");
	vm_init_call(f, f->fd, &f->vm, &(struct drm_nova_vm_init){}, " again");

	/*
	 * The flags and sync fields of VM_BIND, one bit at a time: a flag
	 * bit other than RUN_ASYNC, alone or with it, and a sync field
	 * without RUN_ASYNC are EINVAL; with RUN_ASYNC, a count of syncobjs
	 * (none of which exists) fails. RUN_ASYNC alone would bind
	 * asynchronously: not made here (vm_bind_async_ok()).
	 */
	memset(arena.arr[AREA_WAIT], 0, arena.arr_len);
	memset(arena.arr[AREA_SIG], 0, arena.arr_len);
	for (int bit = 0; bit < 64; bit++) {
		static const char *const fields[] = {
			"flags", "wait_count", "sig_count", "wait_ptr",
			"sig_ptr", "RUN_ASYNC and flags",
			"RUN_ASYNC and wait_count", "RUN_ASYNC and sig_count",
		};

		for (int i = 0; i < 8; i++) {
			a = (struct drm_nova_vm_bind){
				.op_count = 1, .op_ptr = (uintptr_t)arena.ops,
			};
			if ((i < 3 || i >= 5) && bit >= 32)
				continue;
			if ((i == 0 || i == 5) && bit == 0)
				continue;
			switch (i) {
			case 0: a.flags = 1u << bit; break;
			case 1: a.wait_count = 1u << bit; break;
			case 2: a.sig_count = 1u << bit; break;
			case 3: a.wait_ptr = 1ull << bit; break;
			case 4: a.sig_ptr = 1ull << bit; break;
			case 5:
				a.flags = NOVA_VM_BIND_RUN_ASYNC | 1u << bit;
				break;
			case 6:
				a.flags = NOVA_VM_BIND_RUN_ASYNC;
				a.wait_count = 1u << bit;
				a.wait_ptr = (uintptr_t)arena.arr[AREA_WAIT];
				break;
			default:
				a.flags = NOVA_VM_BIND_RUN_ASYNC;
				a.sig_count = 1u << bit;
				a.sig_ptr = (uintptr_t)arena.arr[AREA_SIG];
				break;
			}
			arena.ops[0] = (struct drm_nova_vm_bind_op){
				.op = NOVA_VM_BIND_OP_MAP, .handle = handle,
				.addr = zone_base(f), .range = GPU_PAGE,
			};
			snprintf(what, sizeof(what), "(%s bit %d)", fields[i],
				 bit);
			vm_bind_call(f, &a, NULL, what);
		}
	}

	/* Each field of an operation, one bit at a time. */
	for (int bit = 0; bit < 64; bit++) {
		const struct drm_nova_vm_bind_op good = {
			.op = NOVA_VM_BIND_OP_MAP, .handle = handle,
			.addr = zone_base(f), .range = GPU_PAGE,
		};

		if (bit < 32) {
			op = good;
			op.op = 1u << bit;
			snprintf(what, sizeof(what), "(op %#x)", op.op);
			bind_one(f, &op, what);
			op = good;
			op.flags = 1u << bit;
			snprintf(what, sizeof(what), "(op flag bit %d)", bit);
			if (op.flags != NOVA_VM_BIND_SPARSE)
				bind_one(f, &op, what);
			op = good;
			op.pad = 1u << bit;
			snprintf(what, sizeof(what), "(op pad bit %d)", bit);
			bind_one(f, &op, what);
			op = good;
			op.handle = 1u << bit;
			snprintf(what, sizeof(what), "(handle bit %d)", bit);
			bind_one(f, &op, what);
		}
		op = good;
		op.addr = 1ull << bit;
		snprintf(what, sizeof(what), "(address bit %d)", bit);
		if (!in_sparse_halves(op.addr, op.range))
			bind_one(f, &op, what);
		op = good;
		op.bo_offset = 1ull << bit;
		snprintf(what, sizeof(what), "(offset bit %d)", bit);
		bind_one(f, &op, what);
		op = good;
		op.range = 1ull << bit;
		snprintf(what, sizeof(what), "(range bit %d)", bit);
		if (!in_sparse_halves(op.addr, op.range))
			bind_one(f, &op, what);
		op = good;
		op.op = NOVA_VM_BIND_OP_UNMAP;
		op.handle = 0;
		op.range = 1ull << bit;
		snprintf(what, sizeof(what), "(UNMAP, range bit %d)", bit);
		bind_one(f, &op, what);
	}

	/*
	 * Channels, with the VA space there now: CHANNEL_CREATE's engine and
	 * flags, CHANNEL_DESTROY's pad, a push buffer's flags, bit by bit.
	 */
	for (int bit = 0; bit < 32; bit++) {
		struct drm_nova_channel_create c = {
			.engine = 1u << bit,
		};
		struct drm_nova_channel_destroy d = {
			.channel = FAR_HANDLE_BASE, .pad = 1u << bit,
		};
		struct drm_nova_exec x = {
			.channel = FAR_HANDLE_BASE, .push_count = 1,
			.push_ptr = (uintptr_t)arena.arr[AREA_PUSH],
		};

		snprintf(what, sizeof(what), " (engine bit %d)", bit);
		channel_create_call(f, &c, what);
		c = (struct drm_nova_channel_create){
			.engine = NOVA_ENGINE_COPY, .flags = 1u << bit,
		};
		snprintf(what, sizeof(what), " (flag bit %d)", bit);
		channel_create_call(f, &c, what);
		destroy_call(f, &d, 0, "pad bit");
		*(struct drm_nova_exec_push *)arena.arr[AREA_PUSH] =
			(struct drm_nova_exec_push){
				.va = 1ull << 32, .len = 4, .flags = 1u << bit,
			};
		snprintf(what, sizeof(what), "push buffer flag bit %d", bit);
		exec_call(f, &x, 0, what);
	}

	/* The most operations a call may have, and one more. */
	for (uint32_t i = 0; i < OPS_CAP; i++)
		arena.ops[i] = (struct drm_nova_vm_bind_op){
			.op = NOVA_VM_BIND_OP_UNMAP,
			.addr = zone_base(f) + i * GPU_PAGE, .range = GPU_PAGE,
		};
	a = (struct drm_nova_vm_bind){
		.op_count = OPS_MAX, .op_ptr = (uintptr_t)arena.ops,
	};
	vm_bind_call(f, &a, NULL, "(1024 UNMAPs)");
	a.op_count = OPS_MAX + 1;
	vm_bind_call(f, &a, NULL, "(1025 UNMAPs)");
}

/* Every single bit of every padding, flags and parameter field. */
static void flag_bits(struct fuzzer *f)
{
	uint64_t size;
	uint32_t handle;
	int ret;

	handle = nova_gem_create(f->fd, page_size, &size);
	f->objs[f->nobjs++] = (struct obj){
		.handle = handle, .size = size, .content = CONTENT_ZERO,
		.flags = NOVA_GEM_DOMAIN_GART, .id = ++f->next_id,
	};

	for (int bit = 0; bit < 32; bit++) {
		struct drm_nova_gem_create create = {
			.flags = 1u << bit, .size = page_size,
		};
		const struct drm_nova_gem_create cin = create;
		struct drm_nova_gem_info info = {
			.handle = handle, .flags = 1u << bit,
		};
		struct drm_nova_gem_mmap_offset offset = {
			.handle = handle, .flags = 1u << bit,
		};
		struct drm_nova_getparam_string s = {
			.param = NOVA_GETPARAM_STRING_GPU_NAME,
			.pad = 1u << bit,
		};

		/* The defined flags make an object: close it again. */
		begin(f, "GEM_CREATE with flag bit %d", bit);
		ret = __nova_gem_create(f->fd, &create);
		check(f, ret, expect_gem_create(&cin));
		if (!ret) {
			struct drm_gem_close c = { .handle = create.handle };

			begin(f, "GEM_CLOSE of the flag bit %d object", bit);
			check(f, nova_ioctl(f->fd, DRM_IOCTL_GEM_CLOSE, &c),
			      ex1(0));
		}
		begin(f, "GEM_INFO with flag bit %d", bit);
		check(f, __nova_gem_info(f->fd, &info), ex1(-EINVAL));
		begin(f, "GEM_MMAP_OFFSET with flag bit %d", bit);
		check(f, __nova_gem_mmap_offset(f->fd, &offset), ex1(-EINVAL));
		begin(f, "GETPARAM_STRING with pad bit %d", bit);
		check(f, nova_ioctl(f->fd, DRM_IOCTL_NOVA_GETPARAM_STRING, &s),
		      ex1(-EINVAL));
	}

	for (int bit = 0; bit < 64; bit++) {
		struct drm_nova_getparam p = { .param = 1ull << bit };
		struct drm_nova_getparam_string s = { .param = 1ull << bit };
		struct drm_nova_gem_create create = { .size = 1ull << bit };
		const struct drm_nova_getparam pin = p;
		const struct drm_nova_getparam_string sin = s;
		const struct drm_nova_gem_create cin = create;

		begin(f, "GETPARAM of parameter bit %d", bit);
		check(f, nova_ioctl(f->fd, DRM_IOCTL_NOVA_GETPARAM, &p),
		      expect_getparam(&pin));
		begin(f, "GETPARAM_STRING of parameter bit %d", bit);
		check(f, nova_ioctl(f->fd, DRM_IOCTL_NOVA_GETPARAM_STRING, &s),
		      expect_getparam_string(&sin, 0));
		begin(f, "GEM_CREATE of size bit %d", bit);
		ret = __nova_gem_create(f->fd, &create);
		check(f, ret, expect_gem_create(&cin));
		if (!ret) {
			struct drm_gem_close c = { .handle = create.handle };

			fuzz_assert(f, create.size == round_up_page(cin.size),
				    "size %#llx",
				    (unsigned long long)create.size);
			begin(f, "GEM_CLOSE of the size bit %d object", bit);
			check(f, nova_ioctl(f->fd, DRM_IOCTL_GEM_CLOSE, &c),
			      ex1(0));
		}
	}

	for (int bit = 0; bit < 32; bit++) {
		struct drm_nova_gem_info info = { .handle = 1u << bit };
		int live = obj_find(f, info.handle) >= 0;

		begin(f, "GEM_INFO of handle bit %d", bit);
		check(f, __nova_gem_info(f->fd, &info),
		      expect_gem_info(&info, live));
	}

	vm_bits(f);
}

/* --- running a fuzzer ---------------------------------------------------- */

static const struct {
	const char *name;
	unsigned int weight;
	void (*fn)(struct fuzzer *f);
} nova_ops[] = {
	{ "getparam",		12, op_getparam },
	{ "getparam-string",	14, op_getparam_string },
	{ "gem-create",		16, op_gem_create },
	{ "gem-info",		10, op_gem_info },
	{ "gem-mmap-offset",	12, op_gem_mmap_offset },
	{ "gem-close",		12, op_gem_close },
	{ "fake-mmap",		 4, op_fake_mmap },
	{ "bad-argument",	 8, op_bad_arg },
	{ "wrong-encoding",	 8, op_wrong_size },
	{ "unknown-ioctl",	 4, op_unknown_nr },
	{ "fdinfo",		 3, op_fdinfo },
	{ "held-mapping",	 3, op_hold },
	{ "device-info",	 3, op_device_info },
	{ "vm-init",		 2, op_vm_init },
	{ "vm-bind",		16, op_vm_bind },
	{ "vm-sparse",		 8, op_vm_sparse },
	{ "channel",		 4, op_channel },
	{ "exec",		 6, op_exec },
};

/*
 * Opens the files of a fuzzer (the file under test and its scratch file).
 * During unbind, fails if an unbind completed meanwhile: the files must
 * both belong to the device of one epoch.
 */
static bool fuzzer_open(struct fuzzer *f)
{
	int epoch = f->unbind ?
		__atomic_load_n(&f->unbind->unbinds, __ATOMIC_SEQ_CST) : 0;

	f->fd = __nova_open_render();
	f->scratch = f->fd >= 0 ? __nova_open_render() : -1;
	if (f->scratch >= 0 && (!f->unbind ||
	    epoch == __atomic_load_n(&f->unbind->unbinds, __ATOMIC_SEQ_CST))) {
		f->fd_epoch = epoch;
		f->shared = false;
		f->scratch_creates = 0;
		f->scratch_channels = 0;
		vm_reset(&f->vm);
		vm_reset(&f->svm);
		obj_forget_all(f);
		f->dead = false;
		return true;
	}
	if (f->fd >= 0)
		close(f->fd);
	if (f->scratch >= 0)
		close(f->scratch);
	f->fd = f->scratch = -1;
	return false;
}

static void fuzzer_close(struct fuzzer *f)
{
	if (f->fd >= 0)
		close(f->fd);
	if (f->scratch >= 0)
		close(f->scratch);
	f->fd = f->scratch = -1;
	obj_forget_all(f);
}

static void nova_step(struct fuzzer *f)
{
	unsigned int total = 0, pick;
	struct timespec t0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(nova_ops); i++)
		total += nova_ops[i].weight;
	pick = rnd_below(&f->rng, total);
	for (i = 0; pick >= nova_ops[i].weight; i++)
		pick -= nova_ops[i].weight;
	f->ops[i]++;
	igt_gettime(&t0);
	nova_ops[i].fn(f);
	f->op_us[i] += igt_nsec_elapsed(&t0) / 1000;

	/*
	 * The scratch file collects objects (and, rarely, channels): take a
	 * fresh one now and then.
	 */
	if (!f->unbind && (f->scratch_creates > 256 ||
			   f->scratch_channels > 8)) {
		close(f->scratch);
		f->scratch = nova_open_render();
		f->scratch_creates = 0;
		f->scratch_channels = 0;
		vm_reset(&f->svm);
	}
}

/*
 * Runs random nova calls for @ms milliseconds, or until *@stop is set.
 * During unbind, a file that answered -ENODEV is closed and the render node
 * opened again once there is one.
 */
static void fuzz_for(struct fuzzer *f, uint64_t ms, const int *stop)
{
	uint64_t end = now_ms() + ms;

	while (now_ms() < end &&
	       !(stop && __atomic_load_n(stop, __ATOMIC_SEQ_CST))) {
		if (f->dead) {
			fuzzer_close(f);
			f->dead = false;
			f->fd = -1;
		}
		if (f->fd < 0) {
			if (fuzzer_open(f))
				f->reopens++;
			else
				usleep(10 * 1000);
			continue;
		}
		nova_step(f);
	}
}

/*
 * Closes every object the fuzzer holds; a file it did not share must then
 * hold no memory any more (fdinfo).
 */
static void fuzzer_finish(struct fuzzer *f)
{
	struct nova_fdinfo info;

	held_release(f);
	while (f->nobjs && !f->dead)
		close_obj(f, f->nobjs - 1);

	if (f->fd >= 0 && !f->shared && !f->dead &&
	    nova_fdinfo_read(f->fd, &info) && info.has_total)
		igt_assert_f(info.total == 0, "%s: the file still holds %"
			     PRIu64 " bytes after closing every object\n",
			     f->name, info.total);
	fuzzer_print(f);
	/*
	 * Where the time goes. (A file used by several processes costs a
	 * synchronize_rcu() whenever the caller changes: the DRM core's
	 * drm_file_update_pid().)
	 */
	for (size_t i = 0; i < ARRAY_SIZE(nova_ops); i++)
		igt_debug("%s: %s: %" PRIu64 " times, %" PRIu64 " us\n",
			  f->name, nova_ops[i].name, f->ops[i], f->op_us[i]);
}

/* The device answers normally: a parameter, an object mapped and written. */
static void check_device_works(void)
{
	const uint64_t size = 2 * page_size;
	int fd = nova_open_render();
	uint32_t handle, *ptr;

	igt_assert_eq_u64(nova_getparam(fd, NOVA_GETPARAM_PCI_VENDOR_ID),
			  NOVA_PCI_VENDOR_NVIDIA);
	handle = nova_gem_create(fd, size, NULL);
	ptr = nova_gem_mmap(fd, handle, size, PROT_READ | PROT_WRITE);
	for (uint64_t i = 0; i < size / 4; i++)
		ptr[i] = pattern_word(0x600d, i);
	for (uint64_t i = 0; i < size / 4; i++)
		igt_assert_eq_u32(ptr[i], pattern_word(0x600d, i));
	igt_assert_eq(munmap(ptr, size), 0);
	gem_close(fd, handle);
	igt_assert_eq(close(fd), 0);
}

/* --- nova-ioctls --- */

static void test_nova_ioctls(void)
{
	const uint64_t ms = fuzz_seconds() * 1000;
	struct fuzzer f;

	fuzzer_init(&f, "nova-ioctls", fuzz_seed("nova-ioctls", ms),
		    nova_open_render());
	f.scratch = nova_open_render();
	igt_set_timeout(ms / 1000 + 120, "nova-ioctls");

	flag_bits(&f);
	fuzz_for(&f, ms, NULL);
	fuzzer_finish(&f);
	fuzzer_close(&f);

	igt_reset_timeout();
	check_device_works();
}

/* --- drm-core-ioctls ----------------------------------------------------- */

#define CORE_HANDLES	32
#define CORE_DMABUFS	16

/*
 * The generic DRM ioctls of the render node. Only "success or an error,
 * no crash" is asked of them, and a few sanity values; the handle and
 * dma-buf pools may go stale (random GEM_CLOSE), which is part of the game.
 */
struct core {
	struct fuzzer *f;
	int fd, other;		/* two files of the device */
	uint32_t mine[CORE_HANDLES], theirs[CORE_HANDLES];
	int nmine, ntheirs;
	int dmabufs[CORE_DMABUFS];
	int ndmabufs;
	int misc[6];		/* /dev/null, a pipe, a memfd, an eventfd */
	int closed_fd;		/* a descriptor number that was closed */
};

/* Any result will do, as long as the call returns (and the log stays clean). */
static void note(struct fuzzer *f, int ret)
{
	f->calls++;
	f->results[result_kind(ret)]++;
	fuzz_assert(f, ret <= 0 && ret > -4096, "returned %d", ret);
}

/*
 * A word for a random argument: small numbers, numbers with the top bit
 * set, kernel and non-canonical addresses; never an address of this
 * process, so that no call writes into its memory by chance.
 */
static uint64_t safe_word(struct rng *r)
{
	switch (rnd_below(r, 6)) {
	case 0:	return 0;
	case 1:	return rnd_below(r, 256);
	case 2:	return rnd_below(r, 0x10000);
	case 3:	return 0x80000000u | (uint32_t)rnd(r);
	case 4:	return wild_addresses[rnd_below(r, ARRAY_SIZE(wild_addresses))];
	default: return rnd(r) | (1ull << 63);
	}
}

static void fill_safe(struct rng *r, void *buf, size_t len)
{
	for (size_t i = 0; i + 8 <= len; i += 8) {
		uint64_t v = safe_word(r);

		memcpy((uint8_t *)buf + i, &v, 8);
	}
}

static void pool_add(uint32_t *pool, int *n, struct rng *r, uint32_t handle)
{
	for (int i = 0; i < *n; i++)
		if (pool[i] == handle)
			return;
	if (*n < CORE_HANDLES)
		pool[(*n)++] = handle;
	else
		pool[rnd_below(r, CORE_HANDLES)] = handle;
}

static void pool_remove(uint32_t *pool, int *n, uint32_t handle)
{
	for (int i = 0; i < *n; i++)
		if (pool[i] == handle) {
			pool[i] = pool[--*n];
			return;
		}
}

static void dmabuf_add(struct core *c, int fd)
{
	if (c->ndmabufs == CORE_DMABUFS) {
		int i = rnd_below(&c->f->rng, CORE_DMABUFS);

		close(c->dmabufs[i]);
		c->dmabufs[i] = fd;
		return;
	}
	c->dmabufs[c->ndmabufs++] = fd;
}

static bool is_dmabuf(int fd)
{
	char path[64], line[128];
	bool found = false;
	FILE *file;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	file = fopen(path, "re");
	if (!file)
		return false;
	while (!found && fgets(line, sizeof(line), file))
		found = !strncmp(line, "exp_name:", 9);
	fclose(file);
	return found;
}

/* Closes dma-bufs the random calls exported without the pool knowing. */
static void close_stray_dmabufs(struct core *c)
{
	struct dirent *de;
	DIR *dir = opendir("/proc/self/fd");

	if (!dir)
		return;
	while ((de = readdir(dir))) {
		int fd = atoi(de->d_name);
		bool known = fd == dirfd(dir);

		for (int i = 0; i < c->ndmabufs; i++)
			known |= fd == c->dmabufs[i];
		if (fd > 2 && !known && is_dmabuf(fd))
			close(fd);
	}
	closedir(dir);
}

/* A handle: one of this file's, another file's number, or any. */
static uint32_t core_handle(struct core *c)
{
	struct rng *r = &c->f->rng;

	switch (rnd_below(r, 6)) {
	case 0 ... 1:
		if (c->nmine)
			return c->mine[rnd_below(r, c->nmine)];
		/* fallthrough */
	case 2:
		if (c->ntheirs)
			return c->theirs[rnd_below(r, c->ntheirs)];
		/* fallthrough */
	case 3:
		return rnd_below(r, 64);
	default:
		return rnd_pct(r, 50) ? 0 : (uint32_t)rnd(r);
	}
}

/* A descriptor: a dma-buf, another kind of file, or none at all. */
static int core_fd(struct core *c, const char **what)
{
	struct rng *r = &c->f->rng;

	switch (rnd_below(r, 8)) {
	case 0 ... 2:
		if (c->ndmabufs) {
			*what = "dma-buf";
			return c->dmabufs[rnd_below(r, c->ndmabufs)];
		}
		/* fallthrough */
	case 3:
		*what = "other file";
		return c->misc[rnd_below(r, ARRAY_SIZE(c->misc))];
	case 4:
		*what = "DRM file";
		return rnd_pct(r, 50) ? c->fd : c->other;
	case 5:
		*what = "closed descriptor";
		return c->closed_fd;
	default:
		*what = "random number";
		return rnd_pct(r, 50) ? -1 - (int)rnd_below(r, 4) : (int)rnd(r);
	}
}

/* A pointer for a VERSION field: NULL, a buffer, or a bad one. */
static uint64_t version_pointer(struct rng *r, int field, bool *good)
{
	const char *where;

	*good = true;
	switch (rnd_below(r, 4)) {
	case 0:
		return 0;
	case 1 ... 2:
		return (uintptr_t)arena.big + 1024 * field;
	default:
		*good = false;
		return bad_pointer(r, &where);
	}
}

static size_t version_length(struct rng *r)
{
	switch (rnd_below(r, 6)) {
	case 0:	return 0;
	case 1:	return rnd_below(r, 8);
	case 2:	return 64;
	case 3:	return ~(size_t)0 - rnd_below(r, 2);
	default: return rnd_width(r);
	}
}

static void core_version(struct core *c)
{
	struct fuzzer *f = c->f;
	struct drm_version v = {};
	bool good_name, good_date, good_desc;
	size_t name_len;
	int ret;

	v.name = (void *)(uintptr_t)version_pointer(&f->rng, 0, &good_name);
	v.date = (void *)(uintptr_t)version_pointer(&f->rng, 1, &good_date);
	v.desc = (void *)(uintptr_t)version_pointer(&f->rng, 2, &good_desc);
	v.name_len = version_length(&f->rng);
	v.date_len = version_length(&f->rng);
	v.desc_len = version_length(&f->rng);
	memset(arena.big, 0, 3 * 1024);

	begin(f, "VERSION{name=%p/%zu date=%p/%zu desc=%p/%zu}", v.name,
	      v.name_len, v.date, v.date_len, v.desc, v.desc_len);
	name_len = v.name_len;
	ret = nova_ioctl(c->fd, DRM_IOCTL_VERSION, &v);
	note(f, ret);

	/*
	 * At most the length given is copied, and NULL is skipped: NULL or
	 * buffers of 1 KiB always work (drm_copy_field()).
	 */
	if (good_name && good_date && good_desc) {
		const size_t len = strlen(NOVA_DRIVER_NAME);
		const size_t copied = name_len < len ? name_len : len;

		fuzz_assert(f, ret == 0, "failed");
		fuzz_assert(f, v.name_len == len, "name_len %zu", v.name_len);
		if (v.name)
			fuzz_assert(f, !memcmp(arena.big, NOVA_DRIVER_NAME,
					       copied) && !arena.big[copied],
				    "name \"%.8s\"", (char *)arena.big);
	}
}

static void core_get_cap(struct core *c, uint64_t cap)
{
	struct fuzzer *f = c->f;
	struct drm_get_cap a = { .capability = cap, .value = rnd(&f->rng) };
	int ret;

	begin(f, "GET_CAP{capability=%#llx}", (unsigned long long)cap);
	ret = nova_ioctl(c->fd, DRM_IOCTL_GET_CAP, &a);
	note(f, ret);
	/* What every DRM driver answers (drm_getcap()). */
	if (cap == DRM_CAP_PRIME)
		fuzz_assert(f, !ret && a.value == (DRM_PRIME_CAP_IMPORT |
						   DRM_PRIME_CAP_EXPORT),
			    "%s, value %#llx", err_name(ret),
			    (unsigned long long)a.value);
	if (cap == DRM_CAP_TIMESTAMP_MONOTONIC)
		fuzz_assert(f, !ret && a.value == 1, "%s, value %#llx",
			    err_name(ret), (unsigned long long)a.value);
}

static void core_set_client_cap(struct core *c)
{
	struct fuzzer *f = c->f;
	struct drm_set_client_cap a = {
		.capability = rnd_pct(&f->rng, 60) ? rnd_below(&f->rng, 8) :
						      rnd_edge(&f->rng),
		.value = rnd_pct(&f->rng, 60) ? rnd_below(&f->rng, 3) :
						 rnd_edge(&f->rng),
	};

	begin(f, "SET_CLIENT_CAP{capability=%#llx value=%#llx}",
	      (unsigned long long)a.capability, (unsigned long long)a.value);
	note(f, nova_ioctl(c->fd, DRM_IOCTL_SET_CLIENT_CAP, &a));
}

static void core_gem_close(struct core *c)
{
	struct fuzzer *f = c->f;
	struct drm_gem_close a = {
		.handle = core_handle(c), .pad = rnd_pad32(&f->rng, 20),
	};
	int ret;

	begin(f, "GEM_CLOSE{handle=%u}", a.handle);
	ret = nova_ioctl(c->fd, DRM_IOCTL_GEM_CLOSE, &a);
	note(f, ret);
	if (!ret)
		pool_remove(c->mine, &c->nmine, a.handle);
}

static void core_prime_export(struct core *c)
{
	static const uint32_t flag_set[] = {
		0, DRM_CLOEXEC, DRM_RDWR, DRM_CLOEXEC | DRM_RDWR,
	};
	struct fuzzer *f = c->f;
	bool theirs = c->ntheirs && rnd_pct(&f->rng, 25);
	struct drm_prime_handle a = {
		.handle = theirs ? c->theirs[rnd_below(&f->rng, c->ntheirs)] :
				   core_handle(c),
		.flags = rnd_pct(&f->rng, 80) ?
			 flag_set[rnd_below(&f->rng, 4)] :
			 rnd_pad32(&f->rng, 100),
		.fd = rnd(&f->rng),
	};
	int ret;

	begin(f, "PRIME_HANDLE_TO_FD{handle=%u flags=%#x} (%s file)",
	      a.handle, a.flags, theirs ? "other" : "this");
	ret = nova_ioctl(theirs ? c->other : c->fd,
			 DRM_IOCTL_PRIME_HANDLE_TO_FD, &a);
	note(f, ret);
	if (!ret) {
		fuzz_assert(f, a.fd >= 0 && is_dmabuf(a.fd), "fd %d", a.fd);
		dmabuf_add(c, a.fd);
	}
}

static void core_prime_import(struct core *c)
{
	struct fuzzer *f = c->f;
	bool theirs = rnd_pct(&f->rng, 20);
	const char *what;
	struct drm_prime_handle a = {
		.fd = core_fd(c, &what),
		.flags = rnd_pad32(&f->rng, 20),
		.handle = rnd(&f->rng),
	};
	int ret;

	begin(f, "PRIME_FD_TO_HANDLE{fd=%d (%s)} into the %s file", a.fd, what,
	      theirs ? "other" : "tested");
	ret = nova_ioctl(theirs ? c->other : c->fd,
			 DRM_IOCTL_PRIME_FD_TO_HANDLE, &a);
	note(f, ret);
	if (!ret) {
		fuzz_assert(f, a.handle != 0, "handle 0");
		if (theirs)
			pool_add(c->theirs, &c->ntheirs, &f->rng, a.handle);
		else
			pool_add(c->mine, &c->nmine, &f->rng, a.handle);
	}
}

static void core_syncobj(struct core *c)
{
	static const struct {
		const char *name;
		unsigned long cmd;
	} calls[] = {
		{ "SYNCOBJ_CREATE", DRM_IOCTL_SYNCOBJ_CREATE },
		{ "SYNCOBJ_DESTROY", DRM_IOCTL_SYNCOBJ_DESTROY },
		{ "SYNCOBJ_HANDLE_TO_FD", DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD },
		{ "SYNCOBJ_FD_TO_HANDLE", DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE },
		{ "SYNCOBJ_WAIT", DRM_IOCTL_SYNCOBJ_WAIT },
		{ "SYNCOBJ_RESET", DRM_IOCTL_SYNCOBJ_RESET },
		{ "SYNCOBJ_SIGNAL", DRM_IOCTL_SYNCOBJ_SIGNAL },
		{ "SYNCOBJ_TIMELINE_WAIT", DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT },
		{ "SYNCOBJ_QUERY", DRM_IOCTL_SYNCOBJ_QUERY },
		{ "SYNCOBJ_TRANSFER", DRM_IOCTL_SYNCOBJ_TRANSFER },
		{ "SYNCOBJ_TIMELINE_SIGNAL",
		  DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL },
		{ "SYNCOBJ_EVENTFD", DRM_IOCTL_SYNCOBJ_EVENTFD },
	};
	struct fuzzer *f = c->f;
	struct rng *r = &f->rng;
	unsigned int i = rnd_below(r, ARRAY_SIZE(calls));
	uint64_t arg[8];
	uint32_t *handles = (uint32_t *)(arena.big + 2048);

	fill_safe(r, arg, sizeof(arg));
	for (int k = 0; k < 16; k++)
		handles[k] = rnd_pct(r, 50) ? rnd_below(r, 8) : rnd(r);

	switch (calls[i].cmd) {
	case DRM_IOCTL_SYNCOBJ_CREATE: {
		struct drm_syncobj_create *a = (void *)arg;

		a->flags = rnd_pad32(r, 50);
		break;
	}
	case DRM_IOCTL_SYNCOBJ_WAIT:
	case DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT: {
		struct drm_syncobj_wait *a = (void *)arg;

		/*
		 * Timeouts already past (CLOCK_MONOTONIC, the first second
		 * after boot), so that nothing waits even once nova has sync
		 * objects.
		 */
		if (rnd_pct(r, 70))
			a->handles = (uintptr_t)handles;
		a->count_handles = rnd_below(r, 17);
		a->timeout_nsec = rnd_pct(r, 50) ? 0 :
			(int64_t)rnd_below(r, NSEC_PER_SEC);
		a->flags = rnd_pad32(r, 50);
		if (calls[i].cmd == DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT) {
			struct drm_syncobj_timeline_wait *t = (void *)arg;

			t->points = rnd_pct(r, 50) ? (uintptr_t)handles : 0;
		}
		break;
	}
	case DRM_IOCTL_SYNCOBJ_EVENTFD: {
		struct drm_syncobj_eventfd *a = (void *)arg;

		a->fd = c->misc[5];
		a->handle = rnd_below(r, 8);
		break;
	}
	case DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE: {
		struct drm_syncobj_handle *a = (void *)arg;
		const char *what;

		a->fd = core_fd(c, &what);
		break;
	}
	default:
		break;
	}

	begin(f, "%s{%#llx %#llx %#llx %#llx}", calls[i].name,
	      (unsigned long long)arg[0], (unsigned long long)arg[1],
	      (unsigned long long)arg[2], (unsigned long long)arg[3]);
	note(f, nova_ioctl(c->fd, calls[i].cmd, arg));
}

static void core_mode_getresources(struct core *c)
{
	struct fuzzer *f = c->f;
	struct drm_mode_card_res a;

	fill_safe(&f->rng, &a, sizeof(a));
	begin(f, "MODE_GETRESOURCES");
	note(f, nova_ioctl(c->fd, DRM_IOCTL_MODE_GETRESOURCES, &a));
}

static void core_set_client_name(struct core *c)
{
	static const char *const names[] = {
		"nova-fuzz", "a", "with space", "tab\there", "new\nline",
		"del\x7f", "high\xc3\xa9", "nul\0inside",
	};
	struct fuzzer *f = c->f;
	struct rng *r = &f->rng;
	struct drm_set_client_name a = {};
	const char *name = names[rnd_below(r, ARRAY_SIZE(names))];
	const char *where = "buffer";
	int ret, want = 1;

	/* The name, then 'x' up to the length given. */
	memset(arena.str, 'x', page_size);
	if (rnd_pct(r, 70)) {
		size_t n = strlen(name);

		/* With the NUL inside, and after it. */
		if (name == names[ARRAY_SIZE(names) - 1])
			n = sizeof("nul\0inside") - 1;
		memcpy(arena.str, name, n);
		a.name = (uintptr_t)arena.str;
		a.name_len = rnd_pct(r, 60) ? n : rnd_pct(r, 50) ?
			     rnd_below(r, 80) : rnd_edge(r);
	} else {
		a.name = bad_pointer(r, &where);
		a.name_len = rnd_pct(r, 50) ? 1 + rnd_below(r, 64) :
					      rnd_edge(r);
	}

	/*
	 * From our buffer, a name of up to 64 printable ASCII characters
	 * without spaces is taken, any other refused with -EINVAL
	 * (drm_set_client_name()); length 0 clears the name.
	 */
	if (a.name == (uintptr_t)arena.str && a.name_len <= 64) {
		want = 0;
		for (uint64_t i = 0; i < a.name_len; i++)
			if (arena.str[i] > 0x7e || arena.str[i] <= ' ')
				want = -EINVAL;
	} else if (a.name_len > 64) {
		want = -EINVAL;
	}

	begin(f, "SET_CLIENT_NAME{name=%#llx (%s) name_len=%llu}",
	      (unsigned long long)a.name, where,
	      (unsigned long long)a.name_len);
	ret = nova_ioctl(c->fd, DRM_IOCTL_SET_CLIENT_NAME, &a);
	note(f, ret);
	if (want <= 0)
		fuzz_assert(f, ret == want, "%s, expected %s", err_name(ret),
			    err_name(want));
}

static void core_change_handle(struct core *c)
{
	struct fuzzer *f = c->f;
	struct drm_gem_change_handle a = {
		.handle = core_handle(c),
		.new_handle = rnd_pct(&f->rng, 50) ? rnd_below(&f->rng, 64) :
						      (uint32_t)rnd(&f->rng),
	};

	begin(f, "GEM_CHANGE_HANDLE{handle=%u new_handle=%u}", a.handle,
	      a.new_handle);
	note(f, nova_ioctl(c->fd, DRM_IOCTL_GEM_CHANGE_HANDLE, &a));
}

/* A nova object in this or the other file, to give the handles meaning. */
static void core_create(struct core *c)
{
	struct fuzzer *f = c->f;
	bool theirs = rnd_pct(&f->rng, 30);
	struct drm_nova_gem_create a = {
		.size = rnd_pct(&f->rng, 90) ?
			1 + rnd_below(&f->rng, 4 * page_size) :
			1 + rnd_below(&f->rng, size_max),
	};
	int ret;

	/* VRAM and NO_SHARE objects too, for PRIME export and import. */
	a.flags = pick_create_flags(f, a.size);
	begin(f, "GEM_CREATE{size=%#llx flags=%#x} in the %s file",
	      (unsigned long long)a.size, a.flags,
	      theirs ? "other" : "tested");
	ret = __nova_gem_create(theirs ? c->other : c->fd, &a);
	note(f, ret);
	if (!ret)
		pool_add(theirs ? c->theirs : c->mine,
			 theirs ? &c->ntheirs : &c->nmine, &f->rng, a.handle);
}

/*
 * Any core ioctl number (none of nova's) with any direction and size, and
 * an argument of safe words.
 */
static void core_random(struct core *c)
{
	struct fuzzer *f = c->f;
	struct rng *r = &f->rng;
	unsigned int nr, dir = rnd_below(r, 4);
	unsigned int size = rnd_pct(r, 70) ? rnd_below(r, 129) :
					      rnd_below(r, 1024);
	unsigned long cmd;
	int ret;

	nr = rnd_below(r, 256 - (DRM_COMMAND_END - DRM_COMMAND_BASE));
	if (nr >= DRM_COMMAND_BASE)
		nr += DRM_COMMAND_END - DRM_COMMAND_BASE;
	fill_safe(r, arena.big, size + 8);
	cmd = _IOC(dir, DRM_IOCTL_BASE, nr, size);

	begin(f, "core ioctl %#lx (nr %#x, dir %u, size %u)", cmd, nr, dir,
	      size);
	ret = nova_ioctl(c->fd, cmd, arena.big);
	note(f, ret);
}

static void test_drm_core_ioctls(void)
{
	const uint64_t ms = fuzz_seconds() * 1000 / 2;
	uint64_t end, steps = 0;
	struct fuzzer f;
	struct core c = {};
	int pipefd[2];

	fuzzer_init(&f, "drm-core-ioctls", fuzz_seed("drm-core-ioctls", ms),
		    -1);
	c.f = &f;
	c.fd = nova_open_render();
	c.other = nova_open_render();
	igt_assert_eq(pipe2(pipefd, O_CLOEXEC), 0);
	c.misc[0] = open("/dev/null", O_RDWR | O_CLOEXEC);
	c.misc[1] = pipefd[0];
	c.misc[2] = pipefd[1];
	c.misc[3] = memfd_create("nova-fuzz", MFD_CLOEXEC);
	c.misc[4] = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
	c.misc[5] = eventfd(0, EFD_CLOEXEC);
	for (size_t i = 0; i < ARRAY_SIZE(c.misc); i++)
		igt_assert_fd(c.misc[i]);
	c.closed_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	igt_assert_fd(c.closed_fd);
	close(c.closed_fd);
	igt_set_timeout(ms / 1000 + 120, "drm-core-ioctls");

	for (int i = 0; i < 4; i++)
		core_create(&c);
	for (uint64_t cap = 0; cap <= 0x30; cap++)
		core_get_cap(&c, cap);

	end = now_ms() + ms;
	while (now_ms() < end) {
		switch (rnd_below(&f.rng, 16)) {
		case 0:	core_version(&c); break;
		case 1:	core_get_cap(&c, rnd_pct(&f.rng, 50) ?
				     rnd_below(&f.rng, 0x31) :
				     rnd_edge(&f.rng));
			break;
		case 2:	core_set_client_cap(&c); break;
		case 3:	core_gem_close(&c); break;
		case 4:
		case 5:	core_prime_export(&c); break;
		case 6:
		case 7:	core_prime_import(&c); break;
		case 8:	core_syncobj(&c); break;
		case 9:	core_mode_getresources(&c); break;
		case 10: core_set_client_name(&c); break;
		case 11: core_change_handle(&c); break;
		case 12:
		case 13: core_create(&c); break;
		default: core_random(&c); break;
		}
		if (++steps % 64 == 0)
			close_stray_dmabufs(&c);
	}

	fuzzer_print(&f);
	for (int i = 0; i < c.ndmabufs; i++)
		close(c.dmabufs[i]);
	close_stray_dmabufs(&c);
	for (size_t i = 0; i < ARRAY_SIZE(c.misc); i++)
		close(c.misc[i]);

	/* The files still work. */
	igt_assert_eq_u64(nova_getparam(c.fd, NOVA_GETPARAM_PCI_VENDOR_ID),
			  NOVA_PCI_VENDOR_NVIDIA);
	igt_assert_eq_u64(nova_getparam(c.other, NOVA_GETPARAM_PCI_VENDOR_ID),
			  NOVA_PCI_VENDOR_NVIDIA);
	igt_assert_eq(close(c.fd), 0);
	igt_assert_eq(close(c.other), 0);
	igt_reset_timeout();
	check_device_works();
}

/* --- handles-across-files ------------------------------------------------ */

#define XF_FILES	3
#define XF_HANDLES	24
#define XF_OBJS		(XF_FILES * XF_HANDLES * 2)

/*
 * A model of several files of the device and the objects they share: each
 * file has handles, each handle names an object, an object lives as long as
 * a handle in some file names it (dma-bufs are closed at once, mappings
 * unmapped at once).
 */
struct xf_handle {
	uint32_t handle;
	int obj;
};

struct xf_file {
	int fd;
	struct xf_handle h[2 * XF_HANDLES];
	int nh;
	uint32_t stale[MAX_STALE];
	int nstale;
};

struct xf {
	struct fuzzer *f;
	struct xf_file file[XF_FILES];
	struct obj obj[XF_OBJS];
	uint64_t offset[XF_OBJS];	/* 0 until asked */
	bool used[XF_OBJS];
	uint64_t foreign_unknown;	/* another file's handle unknown here */
	uint64_t refused_maps;		/* another file's offset: refused */
	uint64_t imports;
};

static int xf_find(const struct xf_file *file, uint32_t handle)
{
	for (int i = 0; i < file->nh; i++)
		if (file->h[i].handle == handle)
			return i;
	return -1;
}

static bool xf_holds(const struct xf *x, int fi, int obj)
{
	const struct xf_file *file = &x->file[fi];

	for (int i = 0; i < file->nh; i++)
		if (file->h[i].obj == obj)
			return true;
	return false;
}

static bool xf_alive(const struct xf *x, int obj)
{
	for (int fi = 0; fi < XF_FILES; fi++)
		if (xf_holds(x, fi, obj))
			return true;
	return false;
}

static void xf_forget(struct xf *x, int fi, int i)
{
	struct xf_file *file = &x->file[fi];
	int obj = file->h[i].obj;

	if (file->nstale < MAX_STALE)
		file->stale[file->nstale++] = file->h[i].handle;
	file->h[i] = file->h[--file->nh];
	if (!xf_alive(x, obj))
		x->used[obj] = false;
}

static int xf_other_file(struct xf *x, int fi)
{
	return (fi + 1 + rnd_below(&x->f->rng, XF_FILES - 1)) % XF_FILES;
}

static void xf_close_handle(struct xf *x, int fi, int i)
{
	struct drm_gem_close a = { .handle = x->file[fi].h[i].handle };

	begin(x->f, "file %d: GEM_CLOSE{handle=%u}", fi, a.handle);
	check(x->f, nova_ioctl(x->file[fi].fd, DRM_IOCTL_GEM_CLOSE, &a),
	      ex1(0));
	xf_forget(x, fi, i);
}

/* Creates an object of @size bytes (0: a random size) in file @fi. */
static void xf_create(struct xf *x, int fi, uint64_t size)
{
	struct fuzzer *f = x->f;
	struct xf_file *file = &x->file[fi];
	struct drm_nova_gem_create a = { .size = size };
	uint64_t in_size;
	int obj, ret;

	if (file->nh >= XF_HANDLES)
		xf_close_handle(x, fi, rnd_below(&f->rng, file->nh));
	for (obj = 0; x->used[obj]; obj++)
		;

	if (!a.size)
		a.size = rnd_pct(&f->rng, 85) ?
			 1 + rnd_below(&f->rng, 8 * page_size) :
			 1 + rnd_below(&f->rng, 1ull << 30);
	in_size = a.size;
	begin(f, "file %d: GEM_CREATE{size=%#llx}", fi,
	      (unsigned long long)a.size);
	ret = __nova_gem_create(file->fd, &a);
	check(f, ret, ex2(0, -ENOMEM));
	if (ret)
		return;
	fuzz_assert(f, xf_find(file, a.handle) < 0, "handle %u already live",
		    a.handle);
	x->used[obj] = true;
	x->offset[obj] = 0;
	x->obj[obj] = (struct obj){
		.handle = a.handle, .size = a.size, .content = CONTENT_ZERO,
		.flags = NOVA_GEM_DOMAIN_GART,
	};
	fuzz_assert(f, a.size == round_up_page(in_size), "size %#llx",
		    (unsigned long long)a.size);
	file->h[file->nh++] = (struct xf_handle){ a.handle, obj };
}

/* A handle number of file @fi: a live one or one it closed. */
static uint32_t xf_pick_number(struct xf *x, int fi)
{
	struct xf_file *file = &x->file[fi];
	struct rng *r = &x->f->rng;

	if (file->nstale && (!file->nh || rnd_pct(r, 20)))
		return file->stale[rnd_below(r, file->nstale)];
	if (file->nh)
		return file->h[rnd_below(r, file->nh)].handle;
	return 1 + rnd_below(r, 4);
}

/* A handle of file @a used on file @b: what @b has under that number. */
static void xf_cross_handle(struct xf *x, int a, int b)
{
	struct fuzzer *f = x->f;
	struct xf_file *fb = &x->file[b];
	uint32_t h = xf_pick_number(x, a);
	int i = xf_find(fb, h), ret;

	switch (rnd_below(&f->rng, 4)) {
	case 3: {
		/*
		 * Mapped into file b's VA space (each file has one): only an
		 * object of b's can be, then it is unmapped again.
		 */
		struct drm_nova_vm_bind_op op = {
			.op = NOVA_VM_BIND_OP_MAP, .handle = h,
			.addr = (1ull << 32) + b * (1ull << 30),
			.range = GPU_PAGE,
		};
		unsigned int want = !have_gsp ? RS_ENODEV | RS_ENOENT :
				    i >= 0 ? RS_OK | RS_ENOMEM : RS_ENOENT;

		/* A binding pins a system memory object whole. */
		if (i >= 0 && !obj_bindable(&x->obj[fb->h[i].obj]))
			break;

		begin(f, "file %d's handle %u: VM_BIND MAP on file %d (%s "
		      "there)", a, h, b, i >= 0 ? "live" : "unknown");
		ret = __nova_vm_bind(fb->fd, &op, 1, NULL);
		check(f, ret, ex_mask(want));
		if (!ret) {
			op = (struct drm_nova_vm_bind_op){
				.op = NOVA_VM_BIND_OP_UNMAP, .addr = op.addr,
				.range = op.range,
			};
			begin(f, "file %d: VM_BIND UNMAP of that", b);
			check(f, __nova_vm_bind(fb->fd, &op, 1, NULL), ex1(0));
		}
		break;
	}
	case 0: {
		struct drm_nova_gem_info info = { .handle = h };

		begin(f, "file %d's handle %u: GEM_INFO on file %d (%s there)",
		      a, h, b, i >= 0 ? "live" : "unknown");
		ret = __nova_gem_info(fb->fd, &info);
		check(f, ret, ex1(i >= 0 ? 0 : -ENOENT));
		if (!ret)
			fuzz_assert(f, info.size == x->obj[fb->h[i].obj].size &&
				    info.flags == NOVA_GEM_DOMAIN_GART,
				    "size %#llx, flags %#x",
				    (unsigned long long)info.size, info.flags);
		break;
	}
	case 1: {
		struct drm_nova_gem_mmap_offset arg = { .handle = h };

		begin(f, "file %d's handle %u: GEM_MMAP_OFFSET on file %d "
		      "(%s there)", a, h, b, i >= 0 ? "live" : "unknown");
		ret = __nova_gem_mmap_offset(fb->fd, &arg);
		check(f, ret, ex1(i >= 0 ? 0 : -ENOENT));
		break;
	}
	default: {
		struct drm_gem_close arg = { .handle = h };

		begin(f, "file %d's handle %u: GEM_CLOSE on file %d (%s there)",
		      a, h, b, i >= 0 ? "live" : "unknown");
		ret = nova_ioctl(fb->fd, DRM_IOCTL_GEM_CLOSE, &arg);
		check(f, ret, ex1(i >= 0 ? 0 : -EINVAL));
		if (!ret)
			xf_forget(x, b, i);
		break;
	}
	}
	if (i < 0)
		x->foreign_unknown++;
}

/* The mmap offset of object @obj through file @fi's handle @i. */
static uint64_t xf_offset(struct xf *x, int fi, int i)
{
	struct fuzzer *f = x->f;
	struct drm_nova_gem_mmap_offset arg = {
		.handle = x->file[fi].h[i].handle,
	};
	int obj = x->file[fi].h[i].obj;

	begin(f, "file %d: GEM_MMAP_OFFSET{handle=%u}", fi, arg.handle);
	check(f, __nova_gem_mmap_offset(x->file[fi].fd, &arg), ex1(0));
	/* An object has one offset, whichever file asks. */
	fuzz_assert(f, !x->offset[obj] || x->offset[obj] == arg.offset,
		    "offset %#llx, %#" PRIx64 " before",
		    (unsigned long long)arg.offset, x->offset[obj]);
	x->offset[obj] = arg.offset;
	return arg.offset;
}

/*
 * An object's offset mapped through another file: allowed only if that
 * file has a handle to the object too (drm_vma_node_is_allowed()), else
 * -EACCES.
 */
static void xf_cross_mmap(struct xf *x, int a, int b)
{
	struct fuzzer *f = x->f;
	struct xf_file *fa = &x->file[a];
	uint64_t offset;
	int i, obj;

	if (!fa->nh)
		return;
	i = rnd_below(&f->rng, fa->nh);
	obj = fa->h[i].obj;
	offset = xf_offset(x, a, i);

	if (xf_holds(x, b, obj)) {
		if (obj_small(&x->obj[obj]))
			map_object(f, x->file[b].fd, &x->obj[obj], offset);
		return;
	}
	begin(f, "file %d's offset %#" PRIx64 " mapped through file %d",
	      a, offset, b);
	check(f, mmap_page(x->file[b].fd, offset), ex1(-EACCES));
	x->refused_maps++;
}

/* Export from one file, import into another: the same object there. */
static void xf_prime(struct xf *x, int a, int b)
{
	struct fuzzer *f = x->f;
	struct xf_file *fa = &x->file[a], *fb = &x->file[b];
	struct drm_prime_handle exp = { .flags = DRM_CLOEXEC | DRM_RDWR };
	struct drm_prime_handle imp = {};
	struct drm_nova_gem_info info = {};
	int i, j, obj, ret;

	if (!fa->nh)
		return;
	if (fb->nh >= XF_HANDLES)
		xf_close_handle(x, b, rnd_below(&f->rng, fb->nh));
	if (!fa->nh)
		return;
	i = rnd_below(&f->rng, fa->nh);
	obj = fa->h[i].obj;
	exp.handle = fa->h[i].handle;

	begin(f, "file %d: PRIME_HANDLE_TO_FD{handle=%u}", a, exp.handle);
	check(f, nova_ioctl(fa->fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &exp),
	      ex1(0));
	imp.fd = exp.fd;
	begin(f, "file %d: PRIME_FD_TO_HANDLE of file %d's handle %u", b, a,
	      exp.handle);
	ret = nova_ioctl(fb->fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &imp);
	check(f, ret, ex1(0));

	/* The dma-buf maps the same pages (drm_gem_prime_mmap()). */
	if (obj_small(&x->obj[obj]) && rnd_pct(&f->rng, 30))
		map_object(f, exp.fd, &x->obj[obj], 0);
	close(exp.fd);
	x->imports++;

	/* A number it had already must name the same object. */
	j = xf_find(fb, imp.handle);
	fuzz_assert(f, j < 0 || fb->h[j].obj == obj,
		    "handle %u of another object", imp.handle);
	if (j < 0)
		fb->h[fb->nh++] = (struct xf_handle){ imp.handle, obj };

	info.handle = imp.handle;
	begin(f, "file %d: GEM_INFO of imported handle %u", b, imp.handle);
	check(f, __nova_gem_info(fb->fd, &info), ex1(0));
	fuzz_assert(f, info.size == x->obj[obj].size, "size %#llx",
		    (unsigned long long)info.size);

	/* What one file wrote, the other reads. */
	if (obj_small(&x->obj[obj]))
		map_object(f, fb->fd, &x->obj[obj],
			   xf_offset(x, b, j < 0 ? fb->nh - 1 : j));
}

/*
 * Closes a handle, then maps the offset it had: the file that closed it
 * may map it only if it has another handle to the object; else -EACCES if
 * the object lives on in another file, -EINVAL (no such offset any more)
 * or -EACCES if it is gone.
 */
static void xf_closed_offset(struct xf *x, int fi)
{
	struct fuzzer *f = x->f;
	struct xf_file *file = &x->file[fi];
	uint64_t offset;
	int i, obj, err;

	if (!file->nh)
		return;
	i = rnd_below(&f->rng, file->nh);
	obj = file->h[i].obj;
	offset = xf_offset(x, fi, i);
	xf_close_handle(x, fi, i);

	if (xf_holds(x, fi, obj) && !obj_small(&x->obj[obj]))
		return;
	begin(f, "file %d: mmap of offset %#" PRIx64 " after its handle was "
	      "closed (object %s)", fi, offset, xf_holds(x, fi, obj) ?
	      "still held here" : x->used[obj] ? "held elsewhere" : "gone");
	err = mmap_page(file->fd, offset);
	if (xf_holds(x, fi, obj))
		check(f, err, ex1(0));
	else if (x->used[obj])
		check(f, err, ex1(-EACCES));
	else
		check(f, err, ex2(-EINVAL, -EACCES));
}

/* Each file of the subtest has a VA space (with GSP-RM). */
static void xf_vm_init(struct xf *x, int fi)
{
	struct drm_nova_vm_init k = {};

	begin(x->f, "file %d: VM_INIT", fi);
	check(x->f, nova_ioctl(x->file[fi].fd, DRM_IOCTL_NOVA_VM_INIT, &k),
	      ex1(have_gsp ? 0 : -ENODEV));
}

/* Closes a file: its handles go; a new file knows none of them. */
static void xf_reopen(struct xf *x, int fi)
{
	struct xf_file *file = &x->file[fi];

	while (file->nh)
		xf_forget(x, fi, file->nh - 1);
	igt_assert_eq(close(file->fd), 0);
	file->fd = nova_open_render();
	xf_vm_init(x, fi);
	/* The old numbers stay in the stale list: unknown to the new file. */
}

/* The checks of the subtest that need no randomness. */
static void xf_structured(struct xf *x)
{
	struct fuzzer *f = x->f;
	struct xf_file *f0 = &x->file[0], *f1 = &x->file[1];
	struct drm_nova_gem_info info = {};
	struct drm_nova_gem_mmap_offset arg = {};
	struct drm_gem_close close_arg = {};
	uint32_t handle, *ptr;
	uint64_t offset;
	int obj;

	/* An object of file 0; file 1 has none. */
	xf_create(x, 0, page_size);
	igt_assert_eq(f0->nh, 1);
	igt_assert_eq(f1->nh, 0);
	handle = f0->h[0].handle;
	obj = f0->h[0].obj;

	info.handle = handle;
	begin(f, "file 0's handle %u: GEM_INFO on file 1", handle);
	check(f, __nova_gem_info(f1->fd, &info), ex1(-ENOENT));
	arg.handle = handle;
	begin(f, "file 0's handle %u: GEM_MMAP_OFFSET on file 1", handle);
	check(f, __nova_gem_mmap_offset(f1->fd, &arg), ex1(-ENOENT));
	close_arg.handle = handle;
	begin(f, "file 0's handle %u: GEM_CLOSE on file 1", handle);
	check(f, nova_ioctl(f1->fd, DRM_IOCTL_GEM_CLOSE, &close_arg),
	      ex1(-EINVAL));
	x->foreign_unknown += 3;

	offset = xf_offset(x, 0, 0);
	begin(f, "file 0's offset mapped through file 1");
	check(f, mmap_page(f1->fd, offset), ex1(-EACCES));
	x->refused_maps++;

	/*
	 * A mapping outlives the handle: a system-memory object is mapped as
	 * its shmem file, so the mapping keeps the pages but not the object,
	 * and the offset is gone with the handle (-EINVAL) while the old
	 * mapping still reads what was written.
	 */
	ptr = nova_gem_mmap(f0->fd, handle, page_size, PROT_READ | PROT_WRITE);
	for (uint64_t i = 0; i < page_size / 4; i++)
		ptr[i] = pattern_word(0xf00d, i);
	xf_close_handle(x, 0, 0);
	begin(f, "offset of a closed handle whose pages are still mapped");
	check(f, mmap_page(f0->fd, offset), ex1(-EINVAL));
	for (uint64_t i = 0; i < page_size / 4; i++)
		fuzz_assert(f, ptr[i] == pattern_word(0xf00d, i),
			    "old mapping changed at dword %" PRIu64, i);
	igt_assert_eq(munmap(ptr, page_size), 0);
	begin(f, "offset of an object closed and unmapped");
	check(f, mmap_page(f0->fd, offset), ex1(-EINVAL));
	igt_assert(!x->used[obj]);

	for (int i = 0; i < 8; i++)
		fake_mmap(f, x->file[i % XF_FILES].fd);
}

static void test_handles_across_files(void)
{
	const uint64_t ms = fuzz_seconds() * 1000 / 4;
	struct fuzzer f;
	struct xf x = { .f = &f };
	uint64_t end;

	fuzzer_init(&f, "handles-across-files",
		    fuzz_seed("handles-across-files", ms), -1);
	for (int i = 0; i < XF_FILES; i++) {
		x.file[i].fd = nova_open_render();
		xf_vm_init(&x, i);
	}
	igt_set_timeout(ms / 1000 + 120, "handles-across-files");

	xf_structured(&x);

	end = now_ms() + ms;
	while (now_ms() < end) {
		int a = rnd_below(&f.rng, XF_FILES), b = xf_other_file(&x, a);

		switch (rnd_below(&f.rng, 20)) {
		case 0 ... 4:	xf_create(&x, a, 0); break;
		case 5 ... 9:	xf_cross_handle(&x, a, b); break;
		case 10 ... 11:	xf_cross_mmap(&x, a, b); break;
		case 12 ... 14:	xf_prime(&x, a, b); break;
		case 15:	fake_mmap(&f, x.file[a].fd); break;
		case 16 ... 17:	xf_closed_offset(&x, a); break;
		case 18:
			if (!x.file[a].nh)
				break;
			xf_close_handle(&x, a, rnd_below(&f.rng,
							 x.file[a].nh));
			break;
		default:
			if (rnd_pct(&f.rng, 20))
				xf_reopen(&x, a);
			break;
		}
	}

	fuzzer_print(&f);
	igt_info("handles-across-files: %" PRIu64 " foreign handles unknown, "
		 "%" PRIu64 " foreign offsets refused, %" PRIu64 " imports\n",
		 x.foreign_unknown, x.refused_maps, x.imports);
	igt_assert(x.foreign_unknown > 0 && x.refused_maps > 0);
	for (int i = 0; i < XF_FILES; i++)
		igt_assert_eq(close(x.file[i].fd), 0);
	igt_reset_timeout();
	check_device_works();
}

/* --- concurrent ---------------------------------------------------------- */

#define WORKERS 4

/*
 * A worker of concurrent or during-unbind: workers 0 and 1 share @shared
 * (opened by the parent), 2 and 3 open their own file.
 */
static void worker_setup(struct fuzzer *f, char *name, size_t len, int child,
			 uint64_t seed, int shared)
{
	snprintf(name, len, "worker %d (%s file)", child,
		 child < 2 ? "shared" : "own");
	fuzzer_init(f, name, seed + child, child < 2 ? shared : -1);
	f->shared = child < 2;
	f->zone = child + 1;
	if (child >= 2)
		f->fd = nova_open_render();
	/* The parent made the shared file's VA space (shared_vm_init()). */
	else if (have_gsp)
		vm_init_done(&f->vm, &(struct drm_nova_vm_init){
				.kernel_managed_addr = KM_ADDR,
				.kernel_managed_size = KM_SIZE }, 0);
	f->scratch = nova_open_render();
	igt_info("%s: seed %#" PRIx64 "\n", name, seed + child);
}

/*
 * The VA space of the file the first two workers share, made before they
 * start: each knows it is there, and uses its own zone of it.
 */
static void shared_vm_init(int fd)
{
	if (have_gsp)
		nova_vm_init(fd, KM_ADDR, KM_SIZE);
}

static void test_concurrent(void)
{
	const uint64_t ms = fuzz_seconds() * 1000 / 2;
	const uint64_t seed = fuzz_seed("concurrent", ms);
	int shared = nova_open_render();

	shared_vm_init(shared);

	igt_info("worker N uses seed %#" PRIx64 " + N\n", seed);
	igt_fork(child, WORKERS) {
		struct fuzzer f;
		char name[64];

		worker_setup(&f, name, sizeof(name), child, seed, shared);
		/* A hung worker dies, and the parent reports it. */
		signal(SIGALRM, SIG_DFL);
		alarm(ms / 1000 + 120);
		fuzz_for(&f, ms, NULL);
		fuzzer_finish(&f);
		fuzzer_close(&f);
	}
	igt_waitchildren_timeout(ms / 1000 + 180, "concurrent workers hung");
	igt_assert_eq(close(shared), 0);
	check_device_works();
}

/* --- during-unbind ------------------------------------------------------- */

/* Set by the subtest; read by the exit handler of the parent. */
static char pci[64];
static char driver_dir[PATH_MAX];
static pid_t unbind_parent;

static void restore_binding(int sig)
{
	(void)sig;

	if (getpid() == unbind_parent && pci[0] && driver_dir[0] &&
	    !nova_pci_is_bound(pci))
		nova_driver_attr(driver_dir, "bind", pci);
}

/* Binds the driver and waits for its render node. */
static void bind_and_wait(void)
{
	uint64_t timeout_s = 60, deadline;
	char node[64];
	int ret, fd;

	nova_env_u64("NOVA_BIND_TIMEOUT", &timeout_s);
	igt_kmsg(KMSG_INFO "nova_fuzz: binding %s\n", pci);
	ret = nova_driver_attr(driver_dir, "bind", pci);
	igt_assert_f(ret == 0, "bind of %s failed: %s\n", pci, strerror(-ret));

	deadline = now_ms() + timeout_s * 1000;
	for (;;) {
		if (nova_render_node_of(pci, node, sizeof(node))) {
			fd = __nova_open_node(node);
			if (fd >= 0) {
				close(fd);
				return;
			}
		}
		igt_assert_f(now_ms() < deadline, "no nova render node %" PRIu64
			     " s after bind\n", timeout_s);
		usleep(20 * 1000);
	}
}

struct unbind_shared {
	struct unbind_state state;
	int ready;
	struct {
		uint64_t calls, ok, gone, reopens;
	} w[WORKERS];
};

static void test_during_unbind(void)
{
	const uint64_t seconds = fuzz_seconds();
	/* At least half a second of calls before each unbind and at the end. */
	const uint64_t slice = seconds > 5 ? seconds * 1000 / 10 : 500;
	const int cycles = seconds / 60 > 2 ? seconds / 60 : 2;
	struct unbind_shared *sh;
	char path[PATH_MAX + 32];
	uint64_t seed, deadline, gone = 0;
	int shared, fd;

	fd = nova_open_render();
	igt_assert(nova_pci_address(fd, pci, sizeof(pci)));
	close(fd);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", pci);
	igt_assert_f(realpath(path, driver_dir), "%s is bound to no driver\n",
		     pci);
	snprintf(path, sizeof(path), "%s/unbind", driver_dir);
	igt_require_f(access(path, W_OK) == 0, "cannot write %s (not root?)\n",
		      path);
	unbind_parent = getpid();
	igt_install_exit_handler(restore_binding);

	seed = fuzz_seed("during-unbind", slice * (cycles + 1));
	igt_info("device %s, %d unbind/bind cycles; worker N uses seed %#"
		 PRIx64 " + N\n", pci, cycles, seed);

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	igt_assert(sh != MAP_FAILED);
	memset(sh, 0, sizeof(*sh));
	shared = nova_open_render();
	shared_vm_init(shared);

	igt_fork(child, WORKERS) {
		struct fuzzer f;
		char name[64];

		worker_setup(&f, name, sizeof(name), child, seed, shared);
		f.unbind = &sh->state;
		f.fd_epoch = 0;
		signal(SIGALRM, SIG_DFL);
		alarm(cycles * (slice / 1000 + 120) + 300);
		__atomic_add_fetch(&sh->ready, 1, __ATOMIC_SEQ_CST);

		fuzz_for(&f, 24 * 3600 * 1000ull, &sh->state.stop);

		fuzzer_print(&f);
		sh->w[child].calls = f.calls;
		sh->w[child].ok = f.results[RES_OK];
		sh->w[child].gone = f.gone;
		sh->w[child].reopens = f.reopens;
		fuzzer_close(&f);
		held_release(&f);
	}
	close(shared);

	deadline = now_ms() + 60 * 1000;
	while (__atomic_load_n(&sh->ready, __ATOMIC_SEQ_CST) < WORKERS) {
		igt_assert_f(now_ms() < deadline, "workers did not start\n");
		usleep(1000);
	}

	for (int c = 0; c < cycles; c++) {
		int ret;

		usleep(slice * 1000);
		igt_kmsg(KMSG_INFO "nova_fuzz: unbinding %s (cycle %d)\n", pci,
			 c + 1);
		ret = nova_driver_attr(driver_dir, "unbind", pci);
		igt_assert_f(ret == 0, "unbind of %s failed: %s\n", pci,
			     strerror(-ret));
		__atomic_add_fetch(&sh->state.unbinds, 1, __ATOMIC_SEQ_CST);
		usleep(slice * 1000 / 4);
		bind_and_wait();
	}
	usleep(slice * 1000);
	__atomic_store_n(&sh->state.stop, 1, __ATOMIC_SEQ_CST);
	igt_waitchildren_timeout(120, "workers hung after unbind");

	for (int i = 0; i < WORKERS; i++) {
		igt_info("worker %d: %" PRIu64 " calls, %" PRIu64 " succeeded, "
			 "saw the device go %" PRIu64 " times, opened files "
			 "again %" PRIu64 " times\n", i, sh->w[i].calls,
			 sh->w[i].ok, sh->w[i].gone, sh->w[i].reopens);
		igt_assert_f(sh->w[i].ok > 0, "worker %d: nothing succeeded\n",
			     i);
		gone += sh->w[i].gone;
	}
	igt_assert_f(gone > 0, "no call saw the device go\n");
	igt_assert_eq(munmap(sh, sizeof(*sh)), 0);
	check_device_works();
}

igt_main
{
	igt_fixture {
		int fd = nova_open_render();

		read_device(fd);
		close(fd);
		arena_setup();
	}

	igt_describe("Random and structured arguments to every nova ioctl: "
		     "padding, flags and parameters bit by bit, huge sizes, "
		     "unknown and closed handles, bad pointers, other "
		     "encoded sizes and unknown ioctl numbers; each gives "
		     "the result nova_drm.h documents.");
	igt_subtest("nova-ioctls")
		test_nova_ioctls();

	igt_describe("The generic DRM ioctls of the render node with random "
		     "arguments: VERSION, GET_CAP, SET_CLIENT_CAP, GEM_CLOSE, "
		     "PRIME import and export, the sync object ioctls, "
		     "MODE_GETRESOURCES, SET_CLIENT_NAME, GEM_CHANGE_HANDLE "
		     "and any core ioctl number; each returns.");
	igt_subtest("drm-core-ioctls")
		test_drm_core_ioctls();

	igt_describe("Handles of one file used on other files (unknown "
		     "there unless the number is one of theirs), offsets "
		     "mapped through other files (refused unless they hold "
		     "the object), fake offsets, offsets of closed handles, "
		     "PRIME export and import between files, files closed "
		     "and opened again.");
	igt_subtest("handles-across-files")
		test_handles_across_files();

	igt_describe("Four processes run random nova calls at once, two on "
		     "one shared file and two on their own files.");
	igt_subtest("concurrent")
		test_concurrent();

	igt_describe("Four processes run random nova calls while the device "
		     "is unbound and bound again: every call gives its result "
		     "or ENODEV (only ENODEV once its file's device is gone), "
		     "nothing hangs, the workers go on with the new render "
		     "node, and it works afterwards.");
	igt_subtest("during-unbind")
		test_during_unbind();
}
