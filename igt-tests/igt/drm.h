/* SPDX-License-Identifier: MIT */
/*
 * DRM device helpers of libigt.so.0 (IGT 2.0): the parts of IGT's
 * lib/drmtest.h, lib/ioctl_wrappers.h and lib/igt_device_scan.h that nova's
 * tests use. See core.h for how these declarations were checked.
 */

#ifndef NOVA_IGT_DRM_H
#define NOVA_IGT_DRM_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "core.h"

/*
 * Driver selection flags of drm_open_driver*(). IGT 2.0 knows no "nova";
 * with DRIVER_ANY the library accepts a device whose driver it does not know
 * (__drm_open_device(): an unknown name keeps the DRIVER_ANY class, which
 * matches). In 2.0, DRIVER_ANY excludes only vgem: the library's
 * drm_get_chipset() returns 0xfffffffb for an unknown driver.
 */
#define DRIVER_INTEL	(1 << 0)
#define DRIVER_VC4	(1 << 1)
#define DRIVER_VGEM	(1 << 2)
#define DRIVER_AMDGPU	(1 << 3)
#define DRIVER_V3D	(1 << 4)
#define DRIVER_PANFROST	(1 << 5)
#define DRIVER_MSM	(1 << 6)
#define DRIVER_XE	(1 << 7)
#define DRIVER_VMWGFX	(1 << 8)
#define DRIVER_ANY	~(DRIVER_VGEM)

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(arr) (sizeof(arr) / sizeof((arr)[0]))
#endif
#define ALIGN(v, a)	(((v) + (typeof(v))(a) - 1) & ~((typeof(v))(a) - 1))
#define IS_ALIGNED(v, a) (((v) & ((typeof(v))(a) - 1)) == 0)

/* Reads the driver name with DRM_IOCTL_VERSION; 0 on success, -1 on error. */
int __get_drm_device_name(int fd, char *name, int name_size);
unsigned int drm_get_chipset(int fd);

/*
 * Opens @name if its driver matches @chipset; -1 otherwise. The library
 * logs the first open of every path ("Opened device: ...").
 */
int __drm_open_device(const char *name, unsigned int chipset);

/*
 * Open the first matching primary/render node, honouring --device and
 * IGT_DEVICE filters. The non-underscore variants skip the test when nothing
 * matches; drm_open_driver_render() also keeps a reopened descriptor of the
 * device for the library's exit handler.
 */
int __drm_open_driver(int chipset);
int __drm_open_driver_render(int chipset);
int drm_open_driver(int chipset);
int drm_open_driver_render(int chipset);
int drm_reopen_driver(int fd);

/*
 * Close a descriptor opened by the functions above; warns and returns -1 if
 * @fd is not a /dev/dri node.
 */
int __drm_close_driver(int fd);
int drm_close_driver(int fd);

/*
 * Device filters (lib/igt_device_scan.h), given with --device or IGT_DEVICE
 * or added by the test: "pci:slot=0000:01:00.0", "sys:/sys/devices/...",
 * several separated by ';'. igt_device_filter_add() returns how many it
 * added.
 */
int igt_device_filter_count(void);
int igt_device_filter_add(const char *filter);
void igt_device_filter_free_all(void);
const char *igt_device_filter_get(int num);

/*
 * The ioctl entry point of the library, drmIoctl() by default (restarts on
 * EINTR/EAGAIN, returns -1 and sets errno on failure). A thread-local
 * function pointer in IGT 2.0 (a TLS symbol in libigt.so.0).
 */
extern __thread int (*igt_ioctl)(int fd, unsigned long request, void *arg);

/* do_ioctl - the ioctl must succeed. */
#define do_ioctl(fd, ioc, ioc_data)					\
	do {								\
		igt_assert_eq(igt_ioctl((fd), (ioc), (ioc_data)), 0);	\
		errno = 0;						\
	} while (0)

/* do_ioctl_err - the ioctl must fail with errno @err. */
#define do_ioctl_err(fd, ioc, ioc_data, err)				\
	do {								\
		igt_assert_eq(igt_ioctl((fd), (ioc), (ioc_data)), -1);	\
		igt_assert_eq(errno, err);				\
		errno = 0;						\
	} while (0)

#define do_or_die(x) igt_assert((x) == 0)

#endif /* NOVA_IGT_DRM_H */
