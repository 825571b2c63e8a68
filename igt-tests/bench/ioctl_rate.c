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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <drm.h>

#include "nova_drm.h"

#define BENCH_NAME	"ioctl_rate"
#include "bench.h"

static double getparam_rate(int fd, long calls)
{
	struct drm_nova_getparam p = { .param = NOVA_GETPARAM_CHIPSET };
	double t0 = now();

	for (long i = 0; i < calls; i++)
		xioctl(fd, DRM_IOCTL_NOVA_GETPARAM, &p, "GETPARAM");
	return calls / (now() - t0);
}

static double version_rate(int fd, long calls)
{
	double t0 = now();

	for (long i = 0; i < calls; i++) {
		struct drm_version v;

		memset(&v, 0, sizeof(v));
		xioctl(fd, DRM_IOCTL_VERSION, &v, "VERSION");
	}
	return calls / (now() - t0);
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 5;
	long calls = argc > 2 ? atol(argv[2]) : 20000;
	int fd = open_drm_node("nova", true);

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
