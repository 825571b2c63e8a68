/* SPDX-License-Identifier: MIT */
/*
 * bench.h - helpers shared by the `make bench` programs in this directory. Each
 * program defines BENCH_NAME, its name as its messages start with, before
 * it includes this header.
 */
#ifndef NOVA_BENCH_H
#define NOVA_BENCH_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <drm.h>

#ifndef BENCH_NAME
#error "define BENCH_NAME before including bench.h"
#endif

/* CLOCK_MONOTONIC in seconds. */
static inline double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline void xioctl_failed(const char *what)
{
	fprintf(stderr, BENCH_NAME ": %s: %s\n", what, strerror(errno));
	exit(1);
}

/* ioctl(@fd, @cmd, @arg), or exits naming the call (@what). */
static inline void xioctl(int fd, unsigned long cmd, void *arg,
			  const char *what)
{
	if (ioctl(fd, cmd, arg))
		xioctl_failed(what);
}

/* As xioctl(), but the call is made again on EINTR and EAGAIN. */
static inline void xioctl_restart(int fd, unsigned long cmd, void *arg,
				  const char *what)
{
	int ret;

	do {
		ret = ioctl(fd, cmd, arg);
	} while (ret == -1 && (errno == EINTR || errno == EAGAIN));
	if (ret)
		xioctl_failed(what);
}

/*
 * Opens the first render node (/dev/dri/renderD128..191, if @render) or
 * primary node (/dev/dri/card0..63) whose driver is @driver, or exits.
 */
static inline int open_drm_node(const char *driver, bool render)
{
	int first = render ? 128 : 0;
	char path[64], name[64];

	for (int i = first; i < first + 64; i++) {
		struct drm_version v;
		int fd;

		snprintf(path, sizeof(path), render ? "/dev/dri/renderD%d" :
			 "/dev/dri/card%d", i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		memset(&v, 0, sizeof(v));
		memset(name, 0, sizeof(name));
		v.name = name;
		v.name_len = sizeof(name) - 1;
		if (ioctl(fd, DRM_IOCTL_VERSION, &v) == 0 && !strcmp(name, driver))
			return fd;
		close(fd);
	}
	fprintf(stderr, BENCH_NAME ": no %s %s node\n", driver,
		render ? "render" : "primary");
	exit(1);
}

#endif /* NOVA_BENCH_H */
