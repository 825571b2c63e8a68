// SPDX-License-Identifier: MIT
/*
 * nova_unbind - unbinding nova from its PCI device while a client has the
 * render node open and an object mapped, and binding it again.
 *
 * What the DRM core guarantees after the device is gone (nova's driver
 * removal goes through drm_dev_unplug(), see rust/kernel/drm/driver.rs,
 * Registration's Drop):
 *  - every ioctl fails with -ENODEV (drivers/gpu/drm/drm_ioctl.c,
 *    drm_ioctl(): drm_dev_is_unplugged() is checked first), as nova_drm.h
 *    also promises;
 *  - new mmap()s fail with -ENODEV (drivers/gpu/drm/drm_gem.c,
 *    drm_gem_object_lookup_at_offset());
 *  - fdinfo shows no DRM keys any more (drivers/gpu/drm/drm_file.c,
 *    drm_show_fdinfo() returns early when drm_dev_enter() fails);
 *  - existing CPU mappings are zapped (drivers/gpu/drm/drm_drv.c,
 *    drm_dev_unplug(): unmap_mapping_range() over the device's address
 *    space), so the next access to an old mapping faults again. What that
 *    fault gives depends on the object's fault handler: shmem-backed objects
 *    (drm_gem_shmem_helper.c, drm_gem_shmem_any_fault()) do not check for
 *    unplug and insert the same, still pinned, pages again, so the old
 *    contents read back; a handler that checks drm_dev_enter() returns
 *    VM_FAULT_SIGBUS; TTM drivers map a zeroed dummy page.
 *
 * So this test accepts any of: the old contents, zeros, or a SIGBUS that it
 * catches. Anything else read through the old mapping (other memory), any
 * other signal, or a crash fails it. The file and the mapping must also be
 * releasable in either order, and binding the driver again must bring back
 * a working render node.
 *
 * ioctls-during-unbind unbinds while other processes keep calling nova's
 * ioctls: every ioctl runs inside drm_dev_enter()/drm_dev_exit() (the
 * kernel crate's declare_drm_ioctls!), and drm_dev_unplug() waits for the
 * running ones, so each call either completes normally or fails with
 * -ENODEV, never with another error or a hang, and every call made after
 * unbind returned fails with -ENODEV.
 */

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "igt.h"
#include "nova_igt.h"

IGT_TEST_DESCRIPTION("Unbinding nova from its PCI device under an open, "
		     "mapped render node, and binding it again.");

/* Set once by the first fixture; read by the exit handler. */
static char pci[64];
static char driver_dir[PATH_MAX];
static uint64_t page_size;

static bool is_bound(void)
{
	return nova_pci_is_bound(pci);
}

static int write_driver_attr(const char *attr)
{
	return nova_driver_attr(driver_dir, attr, pci);
}

static void unbind(void)
{
	int ret;

	igt_kmsg(KMSG_INFO "nova_unbind: unbinding %s\n", pci);
	ret = write_driver_attr("unbind");
	igt_assert_f(ret == 0, "unbind of %s failed: %s\n", pci,
		     strerror(-ret));
	igt_assert(!is_bound());
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Binds the driver again and opens the render node it brings back. */
static int rebind_and_open(void)
{
	uint64_t timeout_s = 60, deadline;
	char node[64];
	int ret, fd;

	nova_env_u64("NOVA_BIND_TIMEOUT", &timeout_s);

	igt_kmsg(KMSG_INFO "nova_unbind: binding %s\n", pci);
	ret = write_driver_attr("bind");
	igt_assert_f(ret == 0, "bind of %s failed: %s\n", pci, strerror(-ret));
	igt_assert(is_bound());

	/* Probe is done; the device node may take a moment (devtmpfs). */
	deadline = now_ms() + timeout_s * 1000;
	do {
		if (nova_render_node_of(pci, node, sizeof(node))) {
			fd = __nova_open_node(node);
			if (fd >= 0)
				return fd;
		}
		usleep(20 * 1000);
	} while (now_ms() < deadline);

	igt_assert_f(false, "no nova render node for %s %" PRIu64
		     "s after bind\n", pci, timeout_s);
	return -1;
}

/* Exit handler: never leave the device unbound for the tests after us. */
static void restore_binding(int sig)
{
	(void)sig;

	if (pci[0] && driver_dir[0] && !is_bound())
		write_driver_attr("bind");
}

static void ensure_bound(void)
{
	if (!is_bound()) {
		igt_warn("%s was left unbound, binding it again\n", pci);
		close(rebind_and_open());
	}
}

static void fill(uint32_t *ptr, uint64_t size, uint32_t seed)
{
	for (uint64_t i = 0; i < size / 4; i++)
		ptr[i] = seed + (uint32_t)i;
}

static sigjmp_buf probe_env;

static void probe_sigbus(int sig)
{
	siglongjmp(probe_env, sig);
}

enum old_mapping {
	OLD_CONTENTS,
	ZEROS,
	SIGBUS_RAISED,
};

static const char *old_mapping_name(enum old_mapping how)
{
	switch (how) {
	case OLD_CONTENTS:	return "the old contents";
	case ZEROS:		return "zeros";
	case SIGBUS_RAISED:	return "SIGBUS";
	}
	return "?";
}

/*
 * Reads the whole old mapping, catching SIGBUS. Fails if it shows anything
 * but the contents written (@seed) or zeros. Nothing asserts while the
 * SIGBUS handler is installed: a failed assertion long-jumps out of here.
 */
static enum old_mapping read_old_mapping(const uint32_t *ptr, uint64_t size,
					 uint32_t seed)
{
	struct sigaction sa = { .sa_handler = probe_sigbus }, old;
	const uint64_t pages = size / page_size;
	volatile uint64_t page, same_pages = 0, zero_pages = 0;
	volatile bool sigbus = false;

	sigemptyset(&sa.sa_mask);
	igt_assert_eq(sigaction(SIGBUS, &sa, &old), 0);

	if (sigsetjmp(probe_env, 1) == 0) {
		for (page = 0; page < pages; page++) {
			const volatile uint32_t *p = ptr + page * page_size / 4;
			bool zeros = true, same = true;

			for (uint64_t i = 0; i < page_size / 4; i++) {
				uint32_t want = seed + (uint32_t)(page *
						page_size / 4 + i);
				uint32_t v = p[i];

				zeros &= v == 0;
				same &= v == want;
			}
			if (same)
				same_pages++;
			else if (zeros)
				zero_pages++;
			else
				break;
		}
	} else {
		sigbus = true;
	}

	igt_assert_eq(sigaction(SIGBUS, &old, NULL), 0);

	if (sigbus) {
		igt_debug("SIGBUS at page %" PRIu64 "\n", page);
		return SIGBUS_RAISED;
	}
	igt_assert_f(same_pages + zero_pages == pages,
		     "page %" PRIu64 " of the old mapping shows other memory\n",
		     page);
	igt_assert_f(!same_pages || !zero_pages,
		     "old mapping mixes old contents (%" PRIu64 " pages) and "
		     "zeros (%" PRIu64 " pages)\n", same_pages, zero_pages);
	return same_pages ? OLD_CONTENTS : ZEROS;
}

/* Every way into the unplugged device fails with -ENODEV. */
static void check_unplugged(int fd, uint32_t handle, uint64_t offset)
{
	struct drm_nova_gem_create create = { .size = page_size };
	struct drm_nova_gem_mmap_offset arg = { .handle = handle };
	struct drm_nova_gem_info info = { .handle = handle };
	struct drm_version version = {};
	struct nova_fdinfo fdinfo;
	uint64_t value;
	void *ptr;

	igt_assert_eq(__nova_getparam(fd, NOVA_GETPARAM_PCI_VENDOR_ID, &value),
		      -ENODEV);
	igt_assert_eq(__nova_gem_create(fd, &create), -ENODEV);
	igt_assert_eq(__nova_gem_info(fd, &info), -ENODEV);
	igt_assert_eq(__nova_gem_mmap_offset(fd, &arg), -ENODEV);
	igt_assert_eq(__gem_close(fd, handle), -ENODEV);
	igt_assert_eq(nova_ioctl(fd, DRM_IOCTL_VERSION, &version), -ENODEV);

	ptr = mmap(NULL, page_size, PROT_READ, MAP_SHARED, fd, offset);
	igt_assert(ptr == MAP_FAILED);
	igt_assert_eq(errno, ENODEV);

	/* Reading fdinfo works, but shows no client any more. */
	igt_assert(nova_fdinfo_read(fd, &fdinfo));
	igt_assert(!fdinfo.has_driver);
}

/* A render node that was just bound again must be fully usable. */
static void check_working(int fd)
{
	const uint64_t size = 2 * page_size;
	struct nova_fdinfo fdinfo;
	uint32_t handle, *ptr;

	igt_assert_eq_u64(nova_getparam(fd, NOVA_GETPARAM_PCI_VENDOR_ID),
			  NOVA_PCI_VENDOR_NVIDIA);
	handle = nova_gem_create(fd, size, NULL);
	ptr = nova_gem_mmap(fd, handle, size, PROT_READ | PROT_WRITE);
	fill(ptr, size, 0x600d);
	igt_assert_eq_u32(ptr[size / 4 - 1], 0x600d + size / 4 - 1);
	igt_assert_eq(munmap(ptr, size), 0);
	gem_close(fd, handle);

	igt_assert(nova_fdinfo_read(fd, &fdinfo));
	igt_assert(fdinfo.has_driver && !strcmp(fdinfo.driver, "nova"));
}

/*
 * One cycle: open, map an object, unbind, check the dead file, release the
 * mapping and the file (in the order given), bind again and check the new
 * node. @thorough adds the checks that cost time.
 */
static void unbind_cycle(bool close_file_first, bool thorough)
{
	const uint64_t size = 4 * page_size;
	enum old_mapping how;
	uint32_t handle, *ptr;
	uint64_t offset;
	int fd;

	fd = nova_open_render();
	handle = nova_gem_create(fd, size, NULL);
	offset = nova_gem_mmap_offset(fd, handle);
	ptr = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, offset);
	igt_assert(ptr != MAP_FAILED);
	fill(ptr, size, 0xdead0000);

	unbind();

	if (thorough)
		check_unplugged(fd, handle, offset);
	else
		igt_assert_eq(nova_ioctl(fd, DRM_IOCTL_NOVA_GETPARAM,
					 &(struct drm_nova_getparam){
						.param = 1 }),
			      -ENODEV);

	how = read_old_mapping(ptr, size, 0xdead0000);
	igt_debug("old mapping after unbind: %s\n", old_mapping_name(how));
	if (thorough)
		igt_info("old mapping after unbind: %s\n",
			 old_mapping_name(how));

	if (close_file_first) {
		igt_assert_eq(close(fd), 0);
		igt_assert_eq(munmap(ptr, size), 0);
	} else {
		igt_assert_eq(munmap(ptr, size), 0);
		igt_assert_eq(close(fd), 0);
	}

	fd = rebind_and_open();
	if (thorough)
		check_working(fd);
	else
		igt_assert_eq_u64(nova_getparam(fd,
						NOVA_GETPARAM_PCI_VENDOR_ID),
				  NOVA_PCI_VENDOR_NVIDIA);
	igt_assert_eq(close(fd), 0);
}

static void test_unbind_idle(void)
{
	int fd;

	/* No file open: the DRM device goes away at once. */
	unbind();
	fd = rebind_and_open();
	check_working(fd);
	igt_assert_eq(close(fd), 0);
}

static void test_unbind_loop(void)
{
	uint64_t loops = 20;

	nova_env_u64("NOVA_UNBIND_LOOPS", &loops);

	for (uint64_t i = 0; i < loops; i++) {
		if (i % 10 == 0)
			igt_info("cycle %" PRIu64 " of %" PRIu64 "\n", i,
				 loops);
		unbind_cycle(i & 1, false);
	}
}

/* --- ioctls-during-unbind ------------------------------------------------ */

#define RACE_CHILDREN 3
/* Rounds each child runs after it saw the unbind finished. */
#define RACE_ROUNDS_AFTER 3

/* What one ioctl child did, in memory shared with the parent. */
struct race_child {
	uint64_t rounds;
	uint64_t ok;
	uint64_t enodev;
};

/*
 * Shared by the parent and the children of ioctls-during-unbind (an
 * anonymous shared mapping, set up before the fork).
 */
struct race {
	int ready;	/* children that opened the node and did one round */
	int unbound;	/* set by the parent once unbind returned */
	struct race_child child[RACE_CHILDREN];
};

static struct race *race;

/*
 * Checks the outcome of one ioctl of a round: success or -ENODEV while the
 * device goes away, and only -ENODEV in a round started after the parent
 * said unbind returned.
 */
static void race_check(struct race_child *me, const char *what, int ret,
		       bool after_unbind)
{
	igt_assert_f(ret == 0 || ret == -ENODEV,
		     "%s while unbinding: %s (%d), expected success or "
		     "ENODEV\n", what, strerror(-ret), ret);
	igt_assert_f(!after_unbind || ret == -ENODEV,
		     "%s after unbind: %s, expected ENODEV\n", what,
		     ret ? strerror(-ret) : "success");
	if (ret)
		me->enodev++;
	else
		me->ok++;
}

/*
 * One round of nova ioctls: GETPARAM of a PCI value and of the VRAM size
 * GSP-RM reported, GEM_CREATE and GEM_CLOSE, and GETPARAM_STRING of the GPU
 * name (its length, then the name). Child @child starts at a different
 * ioctl than the others, so that each kind runs while the device goes.
 */
static void race_round(int fd, int child, bool after_unbind)
{
	struct race_child *me = &race->child[child];

	for (int i = 0; i < 4; i++) {
		switch ((i + child) % 4) {
		case 0: {
			uint64_t value = 0;
			int ret = __nova_getparam(fd,
						  NOVA_GETPARAM_PCI_VENDOR_ID,
						  &value);

			race_check(me, "GETPARAM(PCI_VENDOR_ID)", ret,
				   after_unbind);
			igt_assert(ret || value == NOVA_PCI_VENDOR_NVIDIA);
			break;
		}
		case 1: {
			uint64_t value = 0;
			int ret = __nova_getparam(fd, NOVA_GETPARAM_VRAM_SIZE,
						  &value);

			/* -ENODEV also where GSP-RM does not run. */
			race_check(me, "GETPARAM(VRAM_SIZE)", ret,
				   after_unbind);
			igt_assert(ret || value > 0);
			break;
		}
		case 2: {
			struct drm_nova_gem_create create = {
				.size = page_size,
			};
			int ret = __nova_gem_create(fd, &create);

			race_check(me, "GEM_CREATE", ret, after_unbind);
			if (ret)
				break;
			/*
			 * ENODEV if the device went meanwhile; the handle
			 * then goes with the file.
			 */
			ret = __gem_close(fd, create.handle);
			race_check(me, "GEM_CLOSE", ret, after_unbind);
			break;
		}
		case 3: {
			char name[256];
			struct drm_nova_getparam_string arg = {
				.param = NOVA_GETPARAM_STRING_GPU_NAME,
			};
			int ret = nova_ioctl(fd, DRM_IOCTL_NOVA_GETPARAM_STRING,
					     &arg);

			race_check(me, "GETPARAM_STRING(GPU_NAME) length", ret,
				   after_unbind);
			if (ret)
				break;
			igt_assert(arg.size > 1 && arg.size <= sizeof(name));
			arg.pointer = (uintptr_t)name;
			ret = nova_ioctl(fd, DRM_IOCTL_NOVA_GETPARAM_STRING,
					 &arg);
			race_check(me, "GETPARAM_STRING(GPU_NAME)", ret,
				   after_unbind);
			igt_assert(ret || name[arg.size - 1] == '\0');
			break;
		}
		}
	}
	me->rounds++;
}

/*
 * An ioctl child: opens the render node, does a round while the device is
 * surely bound (GETPARAM of the vendor ID must succeed then), tells the
 * parent, and keeps doing rounds until it has done RACE_ROUNDS_AFTER of
 * them after the parent said unbind returned.
 */
static void race_child(int child)
{
	uint64_t deadline = now_ms() + 120 * 1000, after = 0;
	struct race_child *me = &race->child[child];
	int fd = __nova_open_render();

	igt_assert_f(fd >= 0, "child %d: no nova render node\n", child);
	race_round(fd, child, false);
	igt_assert_f(me->ok > 0, "child %d: nothing succeeded before unbind\n",
		     child);
	__atomic_add_fetch(&race->ready, 1, __ATOMIC_SEQ_CST);

	while (after < RACE_ROUNDS_AFTER) {
		bool unbound = __atomic_load_n(&race->unbound,
					       __ATOMIC_SEQ_CST);

		race_round(fd, child, unbound);
		if (unbound)
			after++;
		igt_assert_f(now_ms() < deadline,
			     "child %d: unbind did not finish\n", child);
	}
	igt_assert_eq(close(fd), 0);
}

static void test_ioctls_during_unbind(void)
{
	uint64_t deadline, ok = 0, enodev = 0;
	int fd;

	race = mmap(NULL, sizeof(*race), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	igt_assert(race != MAP_FAILED);
	memset(race, 0, sizeof(*race));

	igt_fork(child, RACE_CHILDREN)
		race_child(child);

	/* All children are in their loops before the device goes. */
	deadline = now_ms() + 60 * 1000;
	while (__atomic_load_n(&race->ready, __ATOMIC_SEQ_CST) <
	       RACE_CHILDREN) {
		igt_assert_f(now_ms() < deadline,
			     "only %d of %d ioctl children started\n",
			     __atomic_load_n(&race->ready, __ATOMIC_SEQ_CST),
			     RACE_CHILDREN);
		usleep(1000);
	}
	usleep(100 * 1000);

	unbind();
	__atomic_store_n(&race->unbound, 1, __ATOMIC_SEQ_CST);
	igt_waitchildren_timeout(60, "ioctl children hung after unbind");

	for (int i = 0; i < RACE_CHILDREN; i++) {
		const struct race_child *c = &race->child[i];

		igt_info("child %d: %" PRIu64 " rounds, %" PRIu64
			 " ioctls succeeded, %" PRIu64 " got ENODEV\n", i,
			 c->rounds, c->ok, c->enodev);
		igt_assert(c->ok > 0 && c->enodev > 0);
		ok += c->ok;
		enodev += c->enodev;
	}
	igt_info("%" PRIu64 " ioctls succeeded, %" PRIu64 " got ENODEV\n", ok,
		 enodev);
	igt_assert_eq(munmap(race, sizeof(*race)), 0);
	race = NULL;

	fd = rebind_and_open();
	check_working(fd);
	igt_assert_eq(close(fd), 0);
}

igt_main
{
	igt_fixture {
		char path[PATH_MAX + 32];
		int fd;

		page_size = sysconf(_SC_PAGESIZE);

		fd = nova_open_render();
		igt_assert(nova_pci_address(fd, pci, sizeof(pci)));
		close(fd);

		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver",
			 pci);
		igt_assert_f(realpath(path, driver_dir),
			     "%s is bound to no driver\n", pci);
		igt_info("device %s, driver %s\n", pci, driver_dir);

		snprintf(path, sizeof(path), "%s/unbind", driver_dir);
		igt_require_f(access(path, W_OK) == 0,
			      "cannot write %s (not root?)\n", path);

		igt_install_exit_handler(restore_binding);
	}

	igt_describe("With no file open, unbinding and binding again gives a "
		     "working render node.");
	igt_subtest("unbind-rebind-idle") {
		ensure_bound();
		test_unbind_idle();
	}

	igt_describe("After unbind, every ioctl and new mmap on an open file "
		     "fails with ENODEV, the old mapping shows its old "
		     "contents, zeros or SIGBUS but nothing else, and the "
		     "device works again after bind.");
	igt_subtest("unbind-rebind") {
		ensure_bound();
		unbind_cycle(false, true);
	}

	igt_describe("The same with the file closed before the mapping is "
		     "released.");
	igt_subtest("unbind-rebind-close-first") {
		ensure_bound();
		unbind_cycle(true, true);
	}

	igt_describe("Twenty unbind/bind cycles (each boots and stops GSP-RM), "
		     "each with an open file and a mapped object.");
	igt_subtest("unbind-rebind-loop") {
		ensure_bound();
		test_unbind_loop();
	}

	igt_describe("Unbinding while other processes keep calling GETPARAM "
		     "(also of a GSP-RM value), GEM_CREATE/GEM_CLOSE and "
		     "GETPARAM_STRING: every call succeeds or fails with "
		     "ENODEV, nothing hangs, every call after unbind fails "
		     "with ENODEV, and bind brings back a working render "
		     "node.");
	igt_subtest("ioctls-during-unbind") {
		ensure_bound();
		test_ioctls_during_unbind();
	}
}
