// SPDX-License-Identifier: MIT
/*
 * ioctl_rate: how many ioctls per second nova's render node answers, for
 * `make bench` (P3). It times DRM_IOCTL_NOVA_GETPARAM against
 * DRM_IOCTL_VERSION, a generic ioctl of the DRM core that does no driver
 * work beyond copying three empty strings, on the same file in the same
 * run, so that their ratio says what nova's own path costs.
 *
 * Usage: ioctl_rate [ROUNDS [CALLS]]; prints "p3-getparam RATE" and
 * "p3-version RATE" (calls per second) once per round.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <drm.h>

#include "nova_drm.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Opens the first render node whose driver is nova, or exits. */
static int open_nova(void)
{
	char path[64], name[16];

	for (int i = 128; i < 192; i++) {
		struct drm_version v;
		int fd;

		snprintf(path, sizeof(path), "/dev/dri/renderD%d", i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		memset(&v, 0, sizeof(v));
		memset(name, 0, sizeof(name));
		v.name = name;
		v.name_len = sizeof(name) - 1;
		if (ioctl(fd, DRM_IOCTL_VERSION, &v) == 0 && !strcmp(name, "nova"))
			return fd;
		close(fd);
	}
	fprintf(stderr, "ioctl_rate: no nova render node\n");
	exit(1);
}

static double getparam_rate(int fd, long calls)
{
	struct drm_nova_getparam p = { .param = NOVA_GETPARAM_CHIPSET };
	double t0 = now();

	for (long i = 0; i < calls; i++) {
		if (ioctl(fd, DRM_IOCTL_NOVA_GETPARAM, &p)) {
			fprintf(stderr, "ioctl_rate: GETPARAM: %s\n", strerror(errno));
			exit(1);
		}
	}
	return calls / (now() - t0);
}

static double version_rate(int fd, long calls)
{
	double t0 = now();

	for (long i = 0; i < calls; i++) {
		struct drm_version v;

		memset(&v, 0, sizeof(v));
		if (ioctl(fd, DRM_IOCTL_VERSION, &v)) {
			fprintf(stderr, "ioctl_rate: VERSION: %s\n", strerror(errno));
			exit(1);
		}
	}
	return calls / (now() - t0);
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 5;
	long calls = argc > 2 ? atol(argv[2]) : 20000;
	int fd = open_nova();

	/* One untimed pass of each, so that neither pays the first faults. */
	getparam_rate(fd, calls / 10 + 1);
	version_rate(fd, calls / 10 + 1);
	for (int r = 0; r < rounds; r++) {
		printf("p3-getparam %.0f\n", getparam_rate(fd, calls));
		printf("p3-version %.0f\n", version_rate(fd, calls));
	}
	close(fd);
	return 0;
}
