// SPDX-License-Identifier: MIT
/*
 * nova_syncobj - the DRM core's sync object ioctls on nova's nodes, as on
 * any driver with DRIVER_SYNCOBJ and DRIVER_SYNCOBJ_TIMELINE: what IGT's
 * generic tests syncobj_basic, syncobj_wait, syncobj_timeline and
 * syncobj_eventfd check on every driver.
 *
 * Why a test of nova's own: Debian's intel-gpu-tools 2.0 ships libigt.so.0
 * and the tools, not IGT's test binaries (no syncobj_* in the package), and
 * IGT's sources are not part of the build root. The subtests below are
 * written for nova from the kernel's drm_syncobj.c (the errors of each
 * ioctl) and cover the same behaviour, grouped as IGT groups it: basic-*
 * (create, destroy, handle <-> fd, sync_file import and export), wait-*
 * (binary waits: unsubmitted, submitted, signalled, any/all, for-submit,
 * reset, signal, invalid arguments), timeline-* (points, queries, waits
 * for availability and for signal, transfers) and eventfd-*
 * (DRM_IOCTL_SYNCOBJ_EVENTFD). Fences that the CPU controls come from the
 * kernel's sw_sync (CONFIG_SW_SYNC), as in IGT.
 *
 * IGT's generic tests open their device with drm_open_driver(DRIVER_ANY);
 * device-open checks that libigt's generic device selection opens nova's
 * nodes, with and without the --device/IGT_DEVICE filters, and that the
 * syncobj ioctls work on the primary node those tests use. The other
 * subtests use the render node (nova_open_render(): IGT's selection when a
 * filter is given, else the first nova render node).
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>

#include "igt.h"
#include "nova_igt.h"

IGT_TEST_DESCRIPTION("The DRM core's sync object ioctls (binary and "
		     "timeline syncobjs, waits, sync_file import/export, "
		     "eventfd) on nova's nodes, and IGT's generic device "
		     "selection opening them.");

/* One tenth of a second, the short waits of the tests. */
#define SHORT_NS	(100ull * 1000 * 1000)

static int fd = -1;

/* --- helpers -------------------------------------------------------------- */

static inline uint64_t to_user_pointer(const void *ptr)
{
	return (uintptr_t)ptr;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

/* An absolute timeout SHORT_NS from now. */
static uint64_t short_timeout(void)
{
	return now_ns() + SHORT_NS;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static int ioctl_err(int drm_fd, unsigned long request, void *arg)
{
	return igt_ioctl(drm_fd, request, arg) ? -errno : 0;
}

/*
 * Gives syncobj @h an unsignalled fence of a new sw_sync timeline; returns
 * the timeline, whose sw_sync_timeline_inc(t, 1) signals the fence.
 */
static int attach_sw_fence(int drm_fd, uint32_t h)
{
	int timeline = sw_sync_timeline_create();
	int fence = sw_sync_timeline_create_fence(timeline, 1);

	syncobj_import_sync_file(drm_fd, h, fence);
	close(fence);
	return timeline;
}

/* Gives syncobj @h a fence and signals it. */
static void attach_signalled(int drm_fd, uint32_t h)
{
	int timeline = attach_sw_fence(drm_fd, h);

	sw_sync_timeline_inc(timeline, 1);
	close(timeline);
}

/* Timeline syncobj @h gets point @point: an unsignalled sw_sync fence. */
static int attach_sw_point(int drm_fd, uint32_t h, uint64_t point)
{
	uint32_t tmp = syncobj_create(drm_fd, 0);
	int timeline = attach_sw_fence(drm_fd, tmp);

	syncobj_binary_to_timeline(drm_fd, h, point, tmp);
	syncobj_destroy(drm_fd, tmp);
	return timeline;
}

static int wait_err(int drm_fd, uint32_t *h, uint32_t count, uint64_t timeout,
		    uint32_t flags)
{
	return syncobj_wait_err(drm_fd, h, count, timeout, flags);
}

/* A thread that, after @delay_ms, runs one action on syncobj @h. */
enum later_action {
	LATER_SIGNAL,		/* DRM_IOCTL_SYNCOBJ_SIGNAL */
	LATER_INC,		/* sw_sync_timeline_inc(timeline, 1) */
	LATER_ATTACH_SIGNALLED,	/* a fence, signalled */
	LATER_RESET_ATTACH,	/* reset, then a fence, signalled */
	LATER_TIMELINE_SIGNAL,	/* point @point signalled */
	LATER_TIMELINE_ATTACH,	/* point @point, unsignalled (timeline out) */
};

struct later {
	pthread_t thread;
	int fd;
	uint32_t handle;
	uint64_t point;
	int timeline;
	unsigned int delay_ms;
	enum later_action action;
};

static void *later_func(void *arg)
{
	struct later *l = arg;

	sleep_ms(l->delay_ms);
	switch (l->action) {
	case LATER_SIGNAL:
		syncobj_signal(l->fd, &l->handle, 1);
		break;
	case LATER_INC:
		sw_sync_timeline_inc(l->timeline, 1);
		break;
	case LATER_ATTACH_SIGNALLED:
		attach_signalled(l->fd, l->handle);
		break;
	case LATER_RESET_ATTACH:
		syncobj_reset(l->fd, &l->handle, 1);
		attach_signalled(l->fd, l->handle);
		break;
	case LATER_TIMELINE_SIGNAL:
		syncobj_timeline_signal(l->fd, &l->handle, &l->point, 1);
		break;
	case LATER_TIMELINE_ATTACH:
		l->timeline = attach_sw_point(l->fd, l->handle, l->point);
		break;
	}
	return NULL;
}

static void later_start(struct later *l)
{
	igt_assert_eq(pthread_create(&l->thread, NULL, later_func, l), 0);
}

static void later_join(struct later *l)
{
	igt_assert_eq(pthread_join(l->thread, NULL), 0);
}

/* --- caps ----------------------------------------------------------------- */

static void test_caps(void)
{
	uint64_t value = 0;

	igt_assert_eq(drmGetCap(fd, DRM_CAP_SYNCOBJ, &value), 0);
	igt_assert_f(value == 1, "DRM_CAP_SYNCOBJ is %" PRIu64 "\n", value);
	value = 0;
	igt_assert_eq(drmGetCap(fd, DRM_CAP_SYNCOBJ_TIMELINE, &value), 0);
	igt_assert_f(value == 1, "DRM_CAP_SYNCOBJ_TIMELINE is %" PRIu64 "\n",
		     value);
}

/* --- device-open ---------------------------------------------------------- */

/* The first node named @prefix<N> under /sys/bus/pci/devices/@pci/drm. */
static bool node_of(const char *pci, const char *prefix, char *buf,
		    size_t len)
{
	char path[PATH_MAX];
	struct dirent *de;
	bool found = false;
	DIR *dir;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/drm", pci);
	dir = opendir(path);
	if (!dir)
		return false;
	while ((de = readdir(dir))) {
		int n;

		if (strncmp(de->d_name, prefix, strlen(prefix)) ||
		    sscanf(de->d_name + strlen(prefix), "%d", &n) != 1 ||
		    strlen(de->d_name) + 1 > len)
			continue;
		strcpy(buf, de->d_name);
		found = true;
		break;
	}
	closedir(dir);
	return found;
}

/* Whether every DRM primary node of the machine belongs to nova. */
static bool only_nova_nodes(void)
{
	struct dirent *de;
	bool only = true;
	DIR *dir = opendir("/sys/class/drm");

	if (!dir)
		return false;
	while ((de = readdir(dir))) {
		char path[PATH_MAX], real[PATH_MAX];
		const char *drv;
		int n, len = 0;

		if (sscanf(de->d_name, "card%d%n", &n, &len) != 1 ||
		    de->d_name[len])
			continue;	/* connectors: card0-HDMI-A-1 */
		snprintf(path, sizeof(path), "/sys/class/drm/%s/device/driver",
			 de->d_name);
		if (!realpath(path, real)) {
			only = false;
			continue;
		}
		drv = strrchr(real, '/');
		if (!drv || strcmp(drv + 1, NOVA_DRIVER_NAME)) {
			igt_info("%s belongs to %s\n", de->d_name,
				 drv ? drv + 1 : real);
			only = false;
		}
	}
	closedir(dir);
	return only;
}

/*
 * A syncobj round trip on @drm_fd: create, fail to wait unsubmitted,
 * signal, wait, export and import, destroy.
 */
static void syncobj_round_trip(int drm_fd)
{
	uint32_t h = syncobj_create(drm_fd, 0), h2;
	int sfd;

	igt_assert_eq(wait_err(drm_fd, &h, 1, 0, 0), -EINVAL);
	syncobj_signal(drm_fd, &h, 1);
	igt_assert(syncobj_wait(drm_fd, &h, 1, short_timeout(), 0, NULL));
	sfd = syncobj_handle_to_fd(drm_fd, h, 0);
	h2 = syncobj_fd_to_handle(drm_fd, sfd, 0);
	close(sfd);
	igt_assert(syncobj_wait(drm_fd, &h2, 1, 0, 0, NULL));
	syncobj_destroy(drm_fd, h2);
	syncobj_destroy(drm_fd, h);
}

/*
 * With device filter @filter, IGT's __drm_open_driver(DRIVER_ANY) (what
 * drm_open_driver() uses) and __drm_open_driver_render(DRIVER_ANY) open
 * nova's nodes, or give -1 where @want_card / @want_render say the filter
 * names no such node. Returns the primary node's descriptor, or -1.
 */
static int open_with_filter(const char *filter, bool want_card,
			    bool want_render)
{
	int card, render;

	igt_device_filter_free_all();
	igt_assert_f(igt_device_filter_add(filter) == 1,
		     "IGT refuses the filter %s\n", filter);

	render = __drm_open_driver_render(DRIVER_ANY);
	if (want_render) {
		igt_assert_f(render >= 0, "%s: no render node opened\n",
			     filter);
		igt_assert_f(nova_is_nova_fd(render),
			     "%s: the render node is not nova's\n", filter);
		close(render);
	} else {
		igt_assert_f(render < 0, "%s: a render node opened\n", filter);
	}

	card = want_card ? __drm_open_driver(DRIVER_ANY) : -1;
	if (want_card) {
		igt_assert_f(card >= 0, "%s: no primary node opened\n", filter);
		igt_assert_f(nova_is_nova_fd(card),
			     "%s: the primary node is not nova's\n", filter);
	}
	igt_device_filter_free_all();
	igt_info("filter %s: primary %s, render %s\n", filter,
		 want_card ? "opened" : "-", want_render ? "opened" : "none");
	return card;
}

static void test_device_open(void)
{
	char pci[64], card[32], render[32], path[PATH_MAX], sys[PATH_MAX];
	char filter[PATH_MAX + 8];
	char *saved[16];
	int nsaved, c;

	igt_assert(nova_pci_address(fd, pci, sizeof(pci)));
	igt_assert(node_of(pci, "card", card, sizeof(card)));
	igt_assert(node_of(pci, "renderD", render, sizeof(render)));
	igt_info("nova: %s, /dev/dri/%s, /dev/dri/%s\n", pci, card, render);

	/*
	 * IGT knows no "nova": drm_get_chipset() leaves an unknown driver in
	 * the DRIVER_ANY class, which __drm_open_device() accepts when asked
	 * for DRIVER_ANY ((chipset & chip) == chip).
	 */
	igt_assert_eq_u32(drm_get_chipset(fd), (unsigned int)DRIVER_ANY);

	/* Keep the filters given with --device or IGT_DEVICE, if any. */
	nsaved = igt_device_filter_count();
	igt_assert_lte(nsaved, (int)ARRAY_SIZE(saved));
	for (int i = 0; i < nsaved; i++)
		saved[i] = strdup(igt_device_filter_get(i));

	/*
	 * Without a filter, drm_open_driver(DRIVER_ANY) takes the first
	 * /dev/dri/card<N> of any driver but vgem: nova's when nova is the
	 * only DRM driver, as in the test VM.
	 */
	if (nsaved == 0 && only_nova_nodes()) {
		c = __drm_open_driver(DRIVER_ANY);
		igt_assert_f(c >= 0 && nova_is_nova_fd(c),
			     "no filter: the first primary node is not nova's\n");
		close(c);
		c = __drm_open_driver_render(DRIVER_ANY);
		igt_assert_f(c >= 0 && nova_is_nova_fd(c),
			     "no filter: the first render node is not nova's\n");
		close(c);
		igt_info("no filter: primary and render opened\n");
	} else {
		igt_info("no filter: not checked (%s)\n", nsaved ?
			 "filters given" : "other DRM drivers present");
	}

	/* A drm: filter names one node, the primary or the render node. */
	snprintf(filter, sizeof(filter), "drm:/dev/dri/%s", render);
	open_with_filter(filter, false, true);
	snprintf(filter, sizeof(filter), "drm:/dev/dri/%s", card);
	c = open_with_filter(filter, true, false);
	close(c);
	/* pci: and sys: name the device, with both nodes. */
	snprintf(filter, sizeof(filter), "pci:slot=%s", pci);
	c = open_with_filter(filter, true, true);
	close(c);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", pci);
	igt_assert(realpath(path, sys));
	snprintf(filter, sizeof(filter), "sys:%s", sys);
	c = open_with_filter(filter, true, true);

	/* The syncobj ioctls on the primary node IGT's tests open. */
	syncobj_round_trip(c);
	close(c);

	for (int i = 0; i < nsaved; i++) {
		igt_device_filter_add(saved[i]);
		free(saved[i]);
	}
}

/* --- basic-* (syncobj_basic) --------------------------------------------- */

static void test_basic_create_destroy(void)
{
	struct drm_syncobj_create create = { .flags = 0xdeadbeef };
	struct drm_syncobj_destroy destroy = { .handle = 0xdeadbeef };
	uint32_t h, s;

	/* Only DRM_SYNCOBJ_CREATE_SIGNALED is a flag. */
	igt_assert_eq(ioctl_err(fd, DRM_IOCTL_SYNCOBJ_CREATE, &create),
		      -EINVAL);
	create.flags = ~DRM_SYNCOBJ_CREATE_SIGNALED;
	igt_assert_eq(ioctl_err(fd, DRM_IOCTL_SYNCOBJ_CREATE, &create),
		      -EINVAL);

	h = syncobj_create(fd, 0);
	s = syncobj_create(fd, DRM_SYNCOBJ_CREATE_SIGNALED);
	igt_assert_neq_u32(h, 0);
	igt_assert_neq_u32(s, 0);
	igt_assert_neq_u32(h, s);
	/* No fence yet: a wait is invalid; a signalled one is done. */
	igt_assert_eq(wait_err(fd, &h, 1, 0, 0), -EINVAL);
	igt_assert_eq(wait_err(fd, &s, 1, 0, 0), 0);

	/* Destroy: unknown handle, padding. */
	igt_assert_eq(ioctl_err(fd, DRM_IOCTL_SYNCOBJ_DESTROY, &destroy),
		      -EINVAL);
	destroy.handle = h;
	destroy.pad = 1;
	igt_assert_eq(ioctl_err(fd, DRM_IOCTL_SYNCOBJ_DESTROY, &destroy),
		      -EINVAL);
	destroy.pad = 0;
	igt_assert_eq(ioctl_err(fd, DRM_IOCTL_SYNCOBJ_DESTROY, &destroy), 0);
	/* Gone: not found any more, and not destroyed twice. */
	igt_assert_eq(wait_err(fd, &h, 1, 0, 0), -ENOENT);
	igt_assert_eq(ioctl_err(fd, DRM_IOCTL_SYNCOBJ_DESTROY, &destroy),
		      -EINVAL);
	syncobj_destroy(fd, s);
}

static void test_basic_fd(void)
{
	struct drm_syncobj_handle args;
	uint32_t h, h2, h3;
	int sfd, fd2;

	/* Export: unknown handle, unknown flags, padding. */
	memset(&args, 0, sizeof(args));
	args.handle = 0xdeadbeef;
	igt_assert_eq(__syncobj_handle_to_fd(fd, &args), -EINVAL);
	h = syncobj_create(fd, 0);
	memset(&args, 0, sizeof(args));
	args.handle = h;
	args.flags = 0xdeadbeef;
	igt_assert_eq(__syncobj_handle_to_fd(fd, &args), -EINVAL);
	memset(&args, 0, sizeof(args));
	args.handle = h;
	args.pad = 0xdeadbeef;
	igt_assert_eq(__syncobj_handle_to_fd(fd, &args), -EINVAL);

	/* Import: no file, a file that is not a syncobj, flags, padding. */
	memset(&args, 0, sizeof(args));
	args.fd = -1;
	igt_assert_eq(__syncobj_fd_to_handle(fd, &args), -EINVAL);
	memset(&args, 0, sizeof(args));
	args.fd = fd;
	igt_assert_eq(__syncobj_fd_to_handle(fd, &args), -EINVAL);
	memset(&args, 0, sizeof(args));
	args.flags = 0xdeadbeef;
	igt_assert_eq(__syncobj_fd_to_handle(fd, &args), -EINVAL);
	memset(&args, 0, sizeof(args));
	args.pad = 0xdeadbeef;
	igt_assert_eq(__syncobj_fd_to_handle(fd, &args), -EINVAL);

	/*
	 * A round trip gives a new handle (no deduplication) to the same
	 * object: signalled through one, seen through the other.
	 */
	sfd = syncobj_handle_to_fd(fd, h, 0);
	h2 = syncobj_fd_to_handle(fd, sfd, 0);
	igt_assert_neq_u32(h, h2);
	igt_assert_eq(wait_err(fd, &h2, 1, 0, 0), -EINVAL);
	syncobj_signal(fd, &h, 1);
	igt_assert_eq(wait_err(fd, &h2, 1, 0, 0), 0);

	/* Another file of the device shares it through the fd. */
	fd2 = nova_open_render();
	h3 = syncobj_fd_to_handle(fd2, sfd, 0);
	igt_assert_eq(wait_err(fd2, &h3, 1, 0, 0), 0);
	syncobj_reset(fd2, &h3, 1);
	igt_assert_eq(wait_err(fd, &h, 1, 0, 0), -EINVAL);
	/* The object outlives the handle and file that made it. */
	syncobj_destroy(fd, h);
	syncobj_destroy(fd, h2);
	syncobj_signal(fd2, &h3, 1);
	igt_assert_eq(wait_err(fd2, &h3, 1, 0, 0), 0);
	close(sfd);
	syncobj_destroy(fd2, h3);
	igt_assert_eq(close(fd2), 0);
}

static void test_basic_sync_file(void)
{
	struct drm_syncobj_handle args;
	int timeline, sf, status;
	uint32_t h;

	igt_require_sw_sync();
	h = syncobj_create(fd, 0);

	/* No fence to export yet. */
	memset(&args, 0, sizeof(args));
	args.handle = h;
	args.flags = DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE;
	igt_assert_eq(__syncobj_handle_to_fd(fd, &args), -EINVAL);

	/* Import: not a sync_file; an unknown handle. */
	memset(&args, 0, sizeof(args));
	args.handle = h;
	args.fd = fd;
	args.flags = DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE;
	igt_assert_eq(__syncobj_fd_to_handle(fd, &args), -EINVAL);
	timeline = sw_sync_timeline_create();
	sf = sw_sync_timeline_create_fence(timeline, 1);
	memset(&args, 0, sizeof(args));
	args.handle = 0xdeadbeef;
	args.fd = sf;
	args.flags = DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE;
	igt_assert_eq(__syncobj_fd_to_handle(fd, &args), -ENOENT);

	/* An imported fence is the syncobj's: pending, then signalled. */
	syncobj_import_sync_file(fd, h, sf);
	close(sf);
	igt_assert_eq(wait_err(fd, &h, 1, 0, 0), -ETIME);
	sf = syncobj_handle_to_fd(fd, h,
				  DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE);
	igt_assert_fd(sf);
	igt_assert_eq(sync_fence_status(sf), 0);
	sw_sync_timeline_inc(timeline, 1);
	igt_assert_eq(sync_fence_wait(sf, 1000), 0);
	status = sync_fence_status(sf);
	igt_assert_eq(status, 1);
	igt_assert_eq(wait_err(fd, &h, 1, 0, 0), 0);
	close(sf);
	close(timeline);

	/* A signalled syncobj exports a signalled sync_file. */
	syncobj_destroy(fd, h);
	h = syncobj_create(fd, DRM_SYNCOBJ_CREATE_SIGNALED);
	sf = syncobj_handle_to_fd(fd, h,
				  DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE);
	igt_assert_fd(sf);
	igt_assert_eq(sync_fence_status(sf), 1);
	close(sf);
	syncobj_destroy(fd, h);
}

/* --- wait-* (syncobj_wait) ------------------------------------------------ */

static void test_wait_invalid(void)
{
	struct drm_syncobj_wait wait = { 0 };
	struct drm_syncobj_array array = { 0 };
	uint32_t zero = 0, h[3];
	int ret;

	/* Unknown flags. */
	wait.flags = 0xdeadbeef;
	igt_assert_eq(__syncobj_wait(fd, &wait), -EINVAL);
	/* No handles: Linux 7.x returns at once (older kernels: EINVAL). */
	memset(&wait, 0, sizeof(wait));
	ret = __syncobj_wait(fd, &wait);
	igt_assert_f(ret == 0 || ret == -EINVAL,
		     "wait on no handles: %s\n", strerror(-ret));
	/* Handle 0 is never a syncobj. */
	wait.count_handles = 1;
	wait.handles = to_user_pointer(&zero);
	igt_assert_eq(__syncobj_wait(fd, &wait), -ENOENT);

	/* RESET and SIGNAL: no handles, handle 0, padding. */
	igt_assert_eq(ioctl_err(fd, DRM_IOCTL_SYNCOBJ_RESET, &array), -EINVAL);
	igt_assert_eq(ioctl_err(fd, DRM_IOCTL_SYNCOBJ_SIGNAL, &array), -EINVAL);
	array.count_handles = 1;
	array.handles = to_user_pointer(&zero);
	igt_assert_eq(ioctl_err(fd, DRM_IOCTL_SYNCOBJ_RESET, &array), -ENOENT);
	igt_assert_eq(ioctl_err(fd, DRM_IOCTL_SYNCOBJ_SIGNAL, &array), -ENOENT);
	array.pad = 0xdeadbeef;
	igt_assert_eq(ioctl_err(fd, DRM_IOCTL_SYNCOBJ_RESET, &array), -EINVAL);
	igt_assert_eq(ioctl_err(fd, DRM_IOCTL_SYNCOBJ_SIGNAL, &array), -EINVAL);

	/* One bad handle among good ones: nothing is reset or signalled. */
	h[0] = syncobj_create(fd, DRM_SYNCOBJ_CREATE_SIGNALED);
	h[1] = 0;
	h[2] = syncobj_create(fd, DRM_SYNCOBJ_CREATE_SIGNALED);
	memset(&array, 0, sizeof(array));
	array.count_handles = 3;
	array.handles = to_user_pointer(h);
	igt_assert_eq(ioctl_err(fd, DRM_IOCTL_SYNCOBJ_RESET, &array), -ENOENT);
	igt_assert_eq(wait_err(fd, &h[0], 1, 0, 0), 0);
	igt_assert_eq(wait_err(fd, &h[2], 1, 0, 0), 0);
	syncobj_reset(fd, &h[0], 1);
	syncobj_reset(fd, &h[2], 1);
	igt_assert_eq(ioctl_err(fd, DRM_IOCTL_SYNCOBJ_SIGNAL, &array),
		      -ENOENT);
	igt_assert_eq(wait_err(fd, &h[0], 1, 0, 0), -EINVAL);
	igt_assert_eq(wait_err(fd, &h[2], 1, 0, 0), -EINVAL);
	syncobj_destroy(fd, h[0]);
	syncobj_destroy(fd, h[2]);
}

enum state { UNSUBMITTED, SUBMITTED, SIGNALLED };

static const char *const state_name[] = { "unsubmitted", "submitted",
					  "signalled" };

/* Puts syncobj @h in @state; returns the sw_sync timeline or -1. */
static int make_state(uint32_t h, enum state state)
{
	int timeline;

	if (state == UNSUBMITTED)
		return -1;
	timeline = attach_sw_fence(fd, h);
	if (state == SIGNALLED)
		sw_sync_timeline_inc(timeline, 1);
	return timeline;
}

/*
 * What a wait on syncobjs in @states returns (the ioctl's rules): one
 * without a fence makes it EINVAL unless WAIT_FOR_SUBMIT; a wait for all
 * needs all signalled, a wait for any one.
 */
static int expected(const enum state *states, int n, uint32_t flags)
{
	bool all = true, any = false;

	for (int i = 0; i < n; i++) {
		if (states[i] == UNSUBMITTED &&
		    !(flags & DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT))
			return -EINVAL;
		all &= states[i] == SIGNALLED;
		any |= states[i] == SIGNALLED;
	}
	if (flags & DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL)
		return all ? 0 : -ETIME;
	return any ? 0 : -ETIME;
}

/* Waits (poll, short timeout, forever if it cannot time out) as expected. */
static void check_wait(uint32_t *h, const enum state *states, int n,
		       uint32_t flags)
{
	int want = expected(states, n, flags);
	char what[128] = "";

	for (int i = 0; i < n; i++)
		snprintf(what + strlen(what), sizeof(what) - strlen(what),
			 "%s%s", i ? "," : "", state_name[states[i]]);

	igt_assert_f(wait_err(fd, h, n, 0, flags) == want,
		     "poll of %s, flags %#x: %d, expected %d\n", what, flags,
		     wait_err(fd, h, n, 0, flags), want);
	igt_assert_f(wait_err(fd, h, n, short_timeout(), flags) == want,
		     "wait of %s, flags %#x: expected %d\n", what, flags,
		     want);
	if (want != -ETIME)
		igt_assert_eq(wait_err(fd, h, n, UINT64_MAX, flags), want);
}

static const uint32_t wait_flag_sets[] = {
	0,
	DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL,
	DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT,
	DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL | DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT,
};

static void test_wait_single(void)
{
	igt_require_sw_sync();
	for (int s = UNSUBMITTED; s <= SIGNALLED; s++) {
		for (unsigned int f = 0; f < ARRAY_SIZE(wait_flag_sets); f++) {
			enum state state = s;
			uint32_t h = syncobj_create(fd, 0);
			int timeline = make_state(h, state);

			check_wait(&h, &state, 1, wait_flag_sets[f]);
			syncobj_destroy(fd, h);
			if (timeline >= 0)
				close(timeline);
		}
	}
}

/*
 * Three syncobjs in every combination of states, with every flag set;
 * the index a wait for any reports is the first signalled one.
 */
static void test_wait_multi(void)
{
	igt_require_sw_sync();
	for (int combo = 0; combo < 27; combo++) {
		enum state states[3] = { combo % 3, combo / 3 % 3, combo / 9 };

		for (unsigned int f = 0; f < ARRAY_SIZE(wait_flag_sets); f++) {
			uint32_t flags = wait_flag_sets[f], h[3], first = ~0u;
			int timelines[3];

			for (int i = 0; i < 3; i++) {
				h[i] = syncobj_create(fd, 0);
				timelines[i] = make_state(h[i], states[i]);
			}
			check_wait(h, states, 3, flags);
			if (expected(states, 3, flags) == 0 &&
			    !(flags & DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL)) {
				int want = -1;

				for (int i = 2; i >= 0; i--)
					if (states[i] == SIGNALLED)
						want = i;
				igt_assert(syncobj_wait(fd, h, 3, 0, flags,
							&first));
				igt_assert_eq_u32(first, want);
			}
			for (int i = 0; i < 3; i++) {
				syncobj_destroy(fd, h[i]);
				if (timelines[i] >= 0)
					close(timelines[i]);
			}
		}
	}
}

/* A blocked wait returns when another thread signals or submits. */
static void test_wait_delayed(void)
{
	igt_require_sw_sync();
	for (unsigned int f = 0; f < ARRAY_SIZE(wait_flag_sets); f++) {
		uint32_t flags = wait_flag_sets[f];
		struct later l = { .fd = fd, .delay_ms = 100, .timeline = -1 };
		uint64_t t0;

		l.handle = syncobj_create(fd, 0);
		if (flags & DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT) {
			l.action = LATER_ATTACH_SIGNALLED;
		} else {
			l.timeline = attach_sw_fence(fd, l.handle);
			l.action = LATER_INC;
		}
		t0 = now_ns();
		later_start(&l);
		igt_assert_f(syncobj_wait(fd, &l.handle, 1,
					  now_ns() + 10 * NSEC_PER_SEC, flags,
					  NULL),
			     "flags %#x: the wait timed out\n", flags);
		igt_assert_f(now_ns() - t0 >= 50ull * 1000 * 1000,
			     "flags %#x: the wait returned before the "
			     "signal\n", flags);
		later_join(&l);
		if (l.timeline >= 0)
			close(l.timeline);
		syncobj_destroy(fd, l.handle);
	}
}

static void test_wait_reset_signal(void)
{
	uint32_t h[3];
	struct later l = { .fd = fd, .delay_ms = 100,
			   .action = LATER_RESET_ATTACH };

	igt_require_sw_sync();

	/* Reset takes the fence away: the syncobj is unsubmitted again. */
	for (int i = 0; i < 3; i++) {
		h[i] = syncobj_create(fd, 0);
		attach_signalled(fd, h[i]);
	}
	igt_assert_eq(wait_err(fd, h, 3, 0,
			       DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL), 0);
	syncobj_reset(fd, h, 3);
	for (int i = 0; i < 3; i++)
		igt_assert_eq(wait_err(fd, &h[i], 1, 0, 0), -EINVAL);
	syncobj_reset(fd, &h[0], 1);	/* resetting nothing is fine */

	/* SIGNAL gives an unsubmitted syncobj a signalled fence. */
	igt_assert_eq(wait_err(fd, &h[0], 1, 0,
			       DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT), -ETIME);
	syncobj_signal(fd, &h[0], 1);
	igt_assert(syncobj_wait(fd, &h[0], 1, 0, 0, NULL));
	igt_assert(syncobj_wait(fd, &h[0], 1, 0,
				DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT, NULL));

	/* A reset during a wait for submit is harmless. */
	l.handle = h[1];
	later_start(&l);
	igt_assert(syncobj_wait(fd, &h[1], 1, now_ns() + 10 * NSEC_PER_SEC,
				DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT, NULL));
	later_join(&l);

	/* A wait for any of three unsubmitted syncobjs ends at one signal. */
	syncobj_reset(fd, h, 3);
	l.handle = h[2];
	l.action = LATER_SIGNAL;
	later_start(&l);
	igt_assert(syncobj_wait(fd, h, 3, now_ns() + 10 * NSEC_PER_SEC,
				DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT, NULL));
	later_join(&l);
	for (int i = 0; i < 3; i++)
		syncobj_destroy(fd, h[i]);
}

/* --- timeline-* (syncobj_timeline) ---------------------------------------- */

static uint64_t query(uint32_t h, uint32_t flags)
{
	struct drm_syncobj_timeline_array args = {
		.handles = to_user_pointer(&h),
		.count_handles = 1,
		.flags = flags,
	};
	uint64_t point = ~0ull;

	args.points = to_user_pointer(&point);
	igt_assert_eq(ioctl_err(fd, DRM_IOCTL_SYNCOBJ_QUERY, &args), 0);
	return point;
}

static void test_timeline_invalid(void)
{
	struct drm_syncobj_timeline_array array = { 0 };
	struct drm_syncobj_timeline_wait wait = { 0 };
	struct drm_syncobj_transfer transfer = { 0 };
	uint32_t zero = 0, h = syncobj_create(fd, 0);
	uint64_t point = 1;

	/* TIMELINE_SIGNAL: flags, no handles, handle 0. */
	array.flags = 1;
	array.count_handles = 1;
	array.handles = to_user_pointer(&h);
	array.points = to_user_pointer(&point);
	igt_assert_eq(ioctl_err(fd, DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL, &array),
		      -EINVAL);
	array.flags = 0;
	array.count_handles = 0;
	igt_assert_eq(ioctl_err(fd, DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL, &array),
		      -EINVAL);
	array.count_handles = 1;
	array.handles = to_user_pointer(&zero);
	igt_assert_eq(ioctl_err(fd, DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL, &array),
		      -ENOENT);

	/* QUERY: unknown flags, no handles, handle 0. */
	array.flags = ~DRM_SYNCOBJ_QUERY_FLAGS_LAST_SUBMITTED;
	array.handles = to_user_pointer(&h);
	igt_assert_eq(ioctl_err(fd, DRM_IOCTL_SYNCOBJ_QUERY, &array), -EINVAL);
	array.flags = 0;
	array.count_handles = 0;
	igt_assert_eq(ioctl_err(fd, DRM_IOCTL_SYNCOBJ_QUERY, &array), -EINVAL);
	array.count_handles = 1;
	array.handles = to_user_pointer(&zero);
	igt_assert_eq(ioctl_err(fd, DRM_IOCTL_SYNCOBJ_QUERY, &array), -ENOENT);

	/* TIMELINE_WAIT: unknown flags, handle 0. */
	wait.flags = 0xdeadbeef;
	igt_assert_eq(__syncobj_timeline_wait_ioctl(fd, &wait), -EINVAL);
	wait.flags = 0;
	wait.count_handles = 1;
	wait.handles = to_user_pointer(&zero);
	wait.points = to_user_pointer(&point);
	igt_assert_eq(__syncobj_timeline_wait_ioctl(fd, &wait), -ENOENT);

	/* TRANSFER: padding, unknown destination, source without a fence. */
	transfer.pad = 1;
	igt_assert_eq(ioctl_err(fd, DRM_IOCTL_SYNCOBJ_TRANSFER, &transfer),
		      -EINVAL);
	transfer.pad = 0;
	transfer.src_handle = h;
	transfer.dst_handle = 0;
	transfer.dst_point = 1;
	igt_assert_eq(ioctl_err(fd, DRM_IOCTL_SYNCOBJ_TRANSFER, &transfer),
		      -ENOENT);
	transfer.dst_handle = h;
	transfer.src_handle = syncobj_create(fd, 0);
	transfer.dst_point = 0;
	igt_assert_eq(ioctl_err(fd, DRM_IOCTL_SYNCOBJ_TRANSFER, &transfer),
		      -EINVAL);
	syncobj_destroy(fd, transfer.src_handle);
	syncobj_destroy(fd, h);
}

static void test_timeline_signal_query(void)
{
	uint32_t h = syncobj_create(fd, 0), h2[2];
	uint64_t p, points[2];
	int t5;

	igt_require_sw_sync();

	/* A new syncobj has no point. */
	igt_assert_eq_u64(query(h, 0), 0);
	igt_assert_eq_u64(query(h, DRM_SYNCOBJ_QUERY_FLAGS_LAST_SUBMITTED), 0);

	/* Points signalled by the CPU, in order with gaps. */
	p = 1;
	syncobj_timeline_signal(fd, &h, &p, 1);
	p = 3;
	syncobj_timeline_signal(fd, &h, &p, 1);
	igt_assert_eq_u64(query(h, 0), 3);
	igt_assert_eq_u64(query(h, DRM_SYNCOBJ_QUERY_FLAGS_LAST_SUBMITTED), 3);

	/*
	 * An unsignalled point 5 and a signalled 7 behind it: the last
	 * signalled point is 3 until 5 signals, the last submitted 7.
	 */
	t5 = attach_sw_point(fd, h, 5);
	p = 7;
	syncobj_timeline_signal(fd, &h, &p, 1);
	igt_assert_eq_u64(query(h, DRM_SYNCOBJ_QUERY_FLAGS_LAST_SUBMITTED), 7);
	igt_assert_eq_u64(query(h, 0), 3);
	sw_sync_timeline_inc(t5, 1);
	igt_assert_eq_u64(query(h, 0), 7);
	close(t5);

	/* Several syncobjs at once, libigt's helpers. */
	h2[0] = syncobj_create(fd, 0);
	h2[1] = syncobj_create(fd, 0);
	points[0] = 10;
	points[1] = 20;
	syncobj_timeline_signal(fd, h2, points, 2);
	points[0] = points[1] = 0;
	syncobj_timeline_query(fd, h2, points, 2);
	igt_assert_eq_u64(points[0], 10);
	igt_assert_eq_u64(points[1], 20);

	syncobj_destroy(fd, h2[0]);
	syncobj_destroy(fd, h2[1]);
	syncobj_destroy(fd, h);
}

static void test_timeline_wait(void)
{
	uint32_t h = syncobj_create(fd, 0), hh[2];
	uint64_t p = 1, pp[2], t0;
	struct later l = { .fd = fd, .delay_ms = 100, .timeline = -1 };
	uint32_t first = ~0u;
	int t2;

	igt_require_sw_sync();
	syncobj_timeline_signal(fd, &h, &p, 1);

	/* Point 1 signalled; 2 does not exist: EINVAL, or a wait for it. */
	igt_assert_eq(syncobj_timeline_wait_err(fd, &h, &p, 1, 0, 0), 0);
	p = 2;
	igt_assert_eq(syncobj_timeline_wait_err(fd, &h, &p, 1, 0, 0), -EINVAL);
	igt_assert_eq(syncobj_timeline_wait_err(fd, &h, &p, 1,
			short_timeout(), DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT),
		      -ETIME);
	igt_assert_eq(syncobj_timeline_wait_err(fd, &h, &p, 1, 0,
			DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE), -ETIME);
	/* A lower point than the last is done (point 0: the last one). */
	p = 0;
	igt_assert_eq(syncobj_timeline_wait_err(fd, &h, &p, 1, 0, 0), 0);

	/*
	 * Point 2 submitted unsignalled: available, not signalled; then
	 * signalled.
	 */
	t2 = attach_sw_point(fd, h, 2);
	p = 2;
	igt_assert_eq(syncobj_timeline_wait_err(fd, &h, &p, 1, 0,
			DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE), 0);
	igt_assert_eq(syncobj_timeline_wait_err(fd, &h, &p, 1,
			short_timeout(), 0), -ETIME);
	sw_sync_timeline_inc(t2, 1);
	igt_assert(syncobj_timeline_wait(fd, &h, &p, 1, short_timeout(), 0,
					 NULL));
	close(t2);

	/* A wait for point 4 (for submit) ends when another thread signals it. */
	l.handle = h;
	l.point = 4;
	l.action = LATER_TIMELINE_SIGNAL;
	t0 = now_ns();
	later_start(&l);
	p = 4;
	igt_assert(syncobj_timeline_wait(fd, &h, &p, 1,
					 now_ns() + 10 * NSEC_PER_SEC,
					 DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT,
					 NULL));
	igt_assert_lte_u64(50ull * 1000 * 1000, now_ns() - t0);
	later_join(&l);

	/* A wait for availability ends when the point is submitted. */
	l.point = 6;
	l.action = LATER_TIMELINE_ATTACH;
	later_start(&l);
	p = 6;
	igt_assert_eq(syncobj_timeline_wait_err(fd, &h, &p, 1,
			now_ns() + 10 * NSEC_PER_SEC,
			DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE), 0);
	later_join(&l);
	igt_assert_eq(syncobj_timeline_wait_err(fd, &h, &p, 1, 0, 0), -ETIME);
	sw_sync_timeline_inc(l.timeline, 1);
	close(l.timeline);

	/* Two syncobjs: any and all, and the index of the first. */
	hh[0] = syncobj_create(fd, 0);
	hh[1] = h;
	pp[0] = 1;
	pp[1] = 6;
	igt_assert_eq(syncobj_timeline_wait_err(fd, hh, pp, 2, 0,
			DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL |
			DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT), -ETIME);
	igt_assert(syncobj_timeline_wait(fd, hh, pp, 2, 0,
					 DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT,
					 &first));
	igt_assert_eq_u32(first, 1);
	syncobj_timeline_signal(fd, &hh[0], &pp[0], 1);
	igt_assert(syncobj_timeline_wait(fd, hh, pp, 2, 0,
					 DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL,
					 NULL));

	syncobj_destroy(fd, hh[0]);
	syncobj_destroy(fd, h);
}

static void test_timeline_transfer(void)
{
	uint32_t tl = syncobj_create(fd, 0), bin = syncobj_create(fd, 0);
	uint32_t bin2 = syncobj_create(fd, 0);
	uint64_t p;
	int t;

	igt_require_sw_sync();

	/* A binary syncobj's fence becomes point 3 of a timeline. */
	t = attach_sw_fence(fd, bin);
	syncobj_binary_to_timeline(fd, tl, 3, bin);
	p = 3;
	igt_assert_eq(syncobj_timeline_wait_err(fd, &tl, &p, 1, 0,
			DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE), 0);
	igt_assert_eq(syncobj_timeline_wait_err(fd, &tl, &p, 1, 0, 0), -ETIME);
	igt_assert_eq_u64(query(tl, DRM_SYNCOBJ_QUERY_FLAGS_LAST_SUBMITTED), 3);

	/* Point 3 of the timeline becomes another binary syncobj's fence. */
	syncobj_timeline_to_binary(fd, bin2, tl, 3, 0);
	igt_assert_eq(wait_err(fd, &bin2, 1, 0, 0), -ETIME);
	sw_sync_timeline_inc(t, 1);
	close(t);
	igt_assert_eq(wait_err(fd, &bin2, 1, short_timeout(), 0), 0);
	igt_assert_eq(syncobj_timeline_wait_err(fd, &tl, &p, 1,
						short_timeout(), 0), 0);
	igt_assert_eq_u64(query(tl, 0), 3);

	/* A point not submitted yet is no source (without WAIT_FOR_SUBMIT). */
	syncobj_reset(fd, &bin2, 1);
	{
		struct drm_syncobj_transfer tr = {
			.src_handle = tl, .dst_handle = bin2,
			.src_point = 5,
		};

		igt_assert_eq(ioctl_err(fd, DRM_IOCTL_SYNCOBJ_TRANSFER, &tr),
			      -EINVAL);
	}

	syncobj_destroy(fd, bin2);
	syncobj_destroy(fd, bin);
	syncobj_destroy(fd, tl);
}

/* --- eventfd-* (syncobj_eventfd) ----------------------------------------- */

/* The eventfd's counter, read without blocking: 0 when not signalled. */
static uint64_t ev_read(int ev)
{
	uint64_t v = 0;

	if (read(ev, &v, sizeof(v)) != sizeof(v)) {
		igt_assert_eq(errno, EAGAIN);
		return 0;
	}
	return v;
}

/* Waits up to @ms for the eventfd to become readable. */
static bool ev_wait(int ev, int ms)
{
	struct pollfd p = { .fd = ev, .events = POLLIN };

	return poll(&p, 1, ms) == 1;
}

static void test_eventfd_invalid(void)
{
	struct drm_syncobj_eventfd args = { 0 };
	uint32_t h = syncobj_create(fd, 0);
	int ev = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	igt_assert_fd(ev);
	/* Unknown flags, padding, handle 0, no eventfd. */
	igt_assert_eq(__syncobj_eventfd(fd, h, 0, 0xdeadbeef, ev), -EINVAL);
	args.handle = h;
	args.fd = ev;
	args.pad = 1;
	igt_assert_eq(ioctl_err(fd, DRM_IOCTL_SYNCOBJ_EVENTFD, &args), -EINVAL);
	igt_assert_eq(__syncobj_eventfd(fd, 0, 0, 0, ev), -ENOENT);
	igt_assert_eq(__syncobj_eventfd(fd, h, 0, 0, -1), -EBADF);
	igt_assert_eq(__syncobj_eventfd(fd, h, 0, 0, fd), -EINVAL);
	close(ev);
	syncobj_destroy(fd, h);
}

static void test_eventfd_binary(void)
{
	uint32_t h = syncobj_create(fd, 0);
	int ev = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC), t;

	igt_require_sw_sync();
	igt_assert_fd(ev);

	/* Registered before any fence: fires once a fence signals. */
	syncobj_eventfd(fd, h, 0, 0, ev);
	igt_assert(!ev_wait(ev, 50));
	t = attach_sw_fence(fd, h);
	igt_assert(!ev_wait(ev, 50));
	sw_sync_timeline_inc(t, 1);
	close(t);
	igt_assert(ev_wait(ev, 1000));
	igt_assert_eq_u64(ev_read(ev), 1);

	/* On a signalled syncobj: fires at once. */
	syncobj_eventfd(fd, h, 0, 0, ev);
	igt_assert(ev_wait(ev, 1000));
	igt_assert_eq_u64(ev_read(ev), 1);

	/* WAIT_AVAILABLE: fires when a fence is there, signalled or not. */
	syncobj_reset(fd, &h, 1);
	syncobj_eventfd(fd, h, 0, DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE, ev);
	igt_assert(!ev_wait(ev, 50));
	t = attach_sw_fence(fd, h);
	igt_assert(ev_wait(ev, 1000));
	igt_assert_eq_u64(ev_read(ev), 1);
	sw_sync_timeline_inc(t, 1);
	close(t);

	close(ev);
	syncobj_destroy(fd, h);
}

static void test_eventfd_timeline(void)
{
	uint32_t h = syncobj_create(fd, 0);
	int ev = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	int ev2 = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC), t;
	uint64_t p;

	igt_require_sw_sync();
	igt_assert_fd(ev);
	igt_assert_fd(ev2);

	/* Point 3 signalled, and available, in that order of events. */
	syncobj_eventfd(fd, h, 3, 0, ev);
	syncobj_eventfd(fd, h, 3, DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE, ev2);
	p = 1;
	syncobj_timeline_signal(fd, &h, &p, 1);
	igt_assert(!ev_wait(ev, 50));
	igt_assert(!ev_wait(ev2, 0));

	t = attach_sw_point(fd, h, 3);
	igt_assert(ev_wait(ev2, 1000));
	igt_assert_eq_u64(ev_read(ev2), 1);
	igt_assert(!ev_wait(ev, 50));
	sw_sync_timeline_inc(t, 1);
	close(t);
	igt_assert(ev_wait(ev, 1000));
	igt_assert_eq_u64(ev_read(ev), 1);

	/* A point already signalled (or below the last): at once. */
	syncobj_eventfd(fd, h, 2, 0, ev);
	igt_assert(ev_wait(ev, 1000));
	igt_assert_eq_u64(ev_read(ev), 1);

	/* Two eventfds on one point both fire. */
	syncobj_eventfd(fd, h, 8, 0, ev);
	syncobj_eventfd(fd, h, 8, 0, ev2);
	p = 8;
	syncobj_timeline_signal(fd, &h, &p, 1);
	igt_assert(ev_wait(ev, 1000));
	igt_assert(ev_wait(ev2, 1000));
	igt_assert_eq_u64(ev_read(ev), 1);
	igt_assert_eq_u64(ev_read(ev2), 1);

	/* The syncobj destroyed with an eventfd registered: no event. */
	syncobj_eventfd(fd, h, 20, 0, ev);
	syncobj_destroy(fd, h);
	igt_assert(!ev_wait(ev, 50));

	close(ev);
	close(ev2);
}

igt_main
{
	igt_fixture {
		fd = nova_open_render();
	}

	igt_describe("nova reports DRM_CAP_SYNCOBJ and "
		     "DRM_CAP_SYNCOBJ_TIMELINE.");
	igt_subtest("caps")
		test_caps();

	igt_describe("IGT's generic device selection (DRIVER_ANY, with and "
		     "without drm:, pci: and sys: filters) opens nova's "
		     "primary and render nodes; syncobjs on the primary "
		     "node.");
	igt_subtest("device-open")
		test_device_open();

	igt_describe("CREATE and DESTROY: flags, padding, unknown handles.");
	igt_subtest("basic-create-destroy")
		test_basic_create_destroy();

	igt_describe("HANDLE_TO_FD and FD_TO_HANDLE: argument checks, round "
		     "trips, sharing with another file.");
	igt_subtest("basic-fd")
		test_basic_fd();

	igt_describe("sync_file import and export.");
	igt_subtest("basic-sync-file")
		test_basic_sync_file();

	igt_describe("WAIT, RESET and SIGNAL argument checks; a bad handle "
		     "changes nothing.");
	igt_subtest("wait-invalid")
		test_wait_invalid();

	igt_describe("Waits on one syncobj unsubmitted, submitted or "
		     "signalled, with each flag set.");
	igt_subtest("wait-single")
		test_wait_single();

	igt_describe("Waits for any and for all of three syncobjs in every "
		     "combination of states; the first signalled index.");
	igt_subtest("wait-multi")
		test_wait_multi();

	igt_describe("Blocked waits end when another thread signals or "
		     "submits.");
	igt_subtest("wait-delayed")
		test_wait_delayed();

	igt_describe("RESET and SIGNAL, also during a wait for submit.");
	igt_subtest("wait-reset-signal")
		test_wait_reset_signal();

	igt_describe("TIMELINE_SIGNAL, QUERY, TIMELINE_WAIT and TRANSFER "
		     "argument checks.");
	igt_subtest("timeline-invalid")
		test_timeline_invalid();

	igt_describe("Timeline points signalled and queried (last signalled, "
		     "last submitted).");
	igt_subtest("timeline-signal-query")
		test_timeline_signal_query();

	igt_describe("TIMELINE_WAIT for signal, for submit, for "
		     "availability; any and all.");
	igt_subtest("timeline-wait")
		test_timeline_wait();

	igt_describe("TRANSFER between binary syncobjs and timeline points.");
	igt_subtest("timeline-transfer")
		test_timeline_transfer();

	igt_describe("EVENTFD argument checks.");
	igt_subtest("eventfd-invalid")
		test_eventfd_invalid();

	igt_describe("EVENTFD on a binary syncobj: on signal, at once, on "
		     "availability.");
	igt_subtest("eventfd-binary")
		test_eventfd_binary();

	igt_describe("EVENTFD on timeline points: signalled, available, "
		     "past, two at once, destroyed.");
	igt_subtest("eventfd-timeline")
		test_eventfd_timeline();

	igt_fixture {
		close(fd);
	}
}
