/* SPDX-License-Identifier: MIT */
/*
 * sysfs helpers of libigt.so.0 (IGT 2.0), as IGT's lib/igt_sysfs.h
 * declares them. The "device" is an open DRM file descriptor; its sysfs
 * directory is /sys/dev/char/<major>:<minor>, whose "device" link leads to
 * the PCI function.
 */

#ifndef NOVA_IGT_SYSFS_H
#define NOVA_IGT_SYSFS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

/* Path of the DRM minor's sysfs directory; NULL on error. */
char *igt_sysfs_path(int device, char *path, int pathlen);
/* Opens that directory; a directory file descriptor or -1. */
int igt_sysfs_open(int device);

bool igt_sysfs_has_attr(int dir, const char *attr);
int igt_sysfs_read(int dir, const char *attr, void *data, int len);
int igt_sysfs_write(int dir, const char *attr, const void *data, int len);
bool igt_sysfs_set(int dir, const char *attr, const char *value);
/* The attribute's contents without the trailing newline (malloc'ed). */
char *igt_sysfs_get(int dir, const char *attr);
int igt_sysfs_scanf(int dir, const char *attr, const char *fmt, ...)
	__attribute__((format(scanf, 3, 4)));
int igt_sysfs_printf(int dir, const char *attr, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* NOVA_IGT_SYSFS_H */
