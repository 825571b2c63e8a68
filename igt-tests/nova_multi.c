// SPDX-License-Identifier: MIT
/*
 * nova_multi - several GPUs bound to nova at once (scripts/vm.sh with
 * CHIPS=...): each device is its own DRM device with its own state, and
 * taking one away leaves the others working.
 *
 *  - devices-distinct: every nova PCI function has its own render node,
 *    its own debugfs directory (nova/<pci name>/) and reports its own IDs:
 *    the PCI device ID and subsystem that sysfs shows for that function,
 *    a chipset of the architecture its device ID belongs to;
 *  - objects-per-device: GEM handles are per file and per device (one
 *    device's handle means nothing to another); a system-memory object
 *    shared through PRIME from one nova device to another shows the same
 *    bytes through both;
 *  - unbind-one: with a file open on every device, unbinding the first
 *    and then the last device makes that device's ioctls fail with
 *    -ENODEV while every other device still answers GETPARAM, creates
 *    objects and, where GSP-RM runs, names its GPU; binding it again
 *    brings back a working render node.
 *
 * Needs at least two nova devices; skips otherwise.
 */

#include <dirent.h>
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

IGT_TEST_DESCRIPTION("Several GPUs bound to nova: each device has its own "
		     "state, and unbinding one leaves the others working.");

#define MAX_DEVICES 32
#define DRIVER_DIR "/sys/bus/pci/drivers/nova"

struct device {
	char pci[64];
	char node[64];
};

static struct device devs[MAX_DEVICES];
static int ndevs;

static int cmp_device(const void *a, const void *b)
{
	return strcmp(((const struct device *)a)->pci,
		      ((const struct device *)b)->pci);
}

/* Every PCI function nova is bound to that has a render node, by address. */
static int find_devices(void)
{
	struct dirent *de;
	DIR *dir;

	ndevs = 0;
	dir = opendir(DRIVER_DIR);
	if (!dir)
		return 0;
	while ((de = readdir(dir)) && ndevs < MAX_DEVICES) {
		struct device *d = &devs[ndevs];

		/* The bound functions are the links named like 0000:00:04.0. */
		if (!strchr(de->d_name, ':') ||
		    strlen(de->d_name) >= sizeof(d->pci))
			continue;
		memcpy(d->pci, de->d_name, strlen(de->d_name) + 1);
		if (nova_render_node_of(d->pci, d->node, sizeof(d->node)))
			ndevs++;
	}
	closedir(dir);
	qsort(devs, ndevs, sizeof(devs[0]), cmp_device);
	return ndevs;
}

static int open_device(const struct device *d)
{
	int fd = __nova_open_node(d->node);

	igt_assert_f(fd >= 0, "cannot open %s (%s)\n", d->node, d->pci);
	return fd;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Whether GSP-RM runs on the device of @fd (its GPU name is known). */
static bool has_gsp(int fd)
{
	struct drm_nova_getparam_string arg = {
		.param = NOVA_GETPARAM_STRING_GPU_NAME,
	};
	char name[128] = "";

	arg.size = sizeof(name) - 1;
	arg.pointer = (uintptr_t)name;
	return nova_ioctl(fd, DRM_IOCTL_NOVA_GETPARAM_STRING, &arg) == 0 &&
	       strncmp(name, "NVIDIA ", 7) == 0;
}

/* The device of @fd still works: GETPARAM, an object, the GPU name. */
static void check_working(int fd, const struct device *d, bool gsp)
{
	uint64_t device_id = 0, size = 0;
	uint32_t handle;

	igt_assert(nova_pci_attr_u64(d->pci, "device", &device_id));
	igt_assert_eq_u64(nova_getparam(fd, NOVA_GETPARAM_PCI_DEVICE_ID),
			  device_id);
	handle = nova_gem_create(fd, 4096, &size);
	igt_assert_eq_u64(nova_gem_size(fd, handle), size);
	gem_close(fd, handle);
	if (gsp)
		igt_assert_f(has_gsp(fd), "%s no longer names its GPU\n",
			     d->pci);
}

/* Never leave a device unbound for the tests after us. */
static void rebind_all(int sig)
{
	(void)sig;

	for (int i = 0; i < ndevs; i++)
		if (!nova_pci_is_bound(devs[i].pci))
			nova_driver_attr(DRIVER_DIR, "bind", devs[i].pci);
}

static int rebind_and_open(struct device *d)
{
	uint64_t deadline = now_ms() + 60 * 1000;
	int ret;

	igt_kmsg(KMSG_INFO "nova_multi: binding %s\n", d->pci);
	ret = nova_driver_attr(DRIVER_DIR, "bind", d->pci);
	igt_assert_f(ret == 0, "bind of %s failed: %s\n", d->pci,
		     strerror(-ret));
	do {
		if (nova_render_node_of(d->pci, d->node, sizeof(d->node))) {
			int fd = __nova_open_node(d->node);

			if (fd >= 0)
				return fd;
		}
		usleep(20 * 1000);
	} while (now_ms() < deadline);
	igt_assert_f(false, "no render node for %s after bind\n", d->pci);
	return -1;
}

static void devices_distinct(void)
{
	for (int i = 0; i < ndevs; i++) {
		const struct device *d = &devs[i];
		uint64_t device_id, chipset, sub_vendor, sub_device, subsystem;
		char path[PATH_MAX];
		int fd = open_device(d), arch;

		for (int j = 0; j < i; j++)
			igt_assert_f(strcmp(devs[j].node, d->node),
				     "%s and %s share %s\n", devs[j].pci,
				     d->pci, d->node);

		igt_assert(nova_pci_attr_u64(d->pci, "device", &device_id));
		igt_assert_eq_u64(nova_getparam(fd, NOVA_GETPARAM_PCI_DEVICE_ID),
				  device_id);
		igt_assert(nova_pci_attr_u64(d->pci, "subsystem_vendor",
					     &sub_vendor));
		igt_assert(nova_pci_attr_u64(d->pci, "subsystem_device",
					     &sub_device));
		subsystem = nova_getparam(fd, NOVA_GETPARAM_PCI_SUBSYSTEM);
		igt_assert_f(subsystem == (sub_vendor << 16 | sub_device),
			     "%s: subsystem %#" PRIx64 ", sysfs %04" PRIx64
			     ":%04" PRIx64 "\n", d->pci, subsystem,
			     sub_vendor, sub_device);

		chipset = nova_getparam(fd, NOVA_GETPARAM_CHIPSET);
		arch = nova_device_id_architecture(device_id);
		if (arch >= 0)
			igt_assert_f((uint64_t)arch == chipset >> 4,
				     "%s: device %#" PRIx64 " is %s, chipset %#"
				     PRIx64 "\n", d->pci, device_id,
				     nova_architecture_name(arch), chipset);

		snprintf(path, sizeof(path),
			 "/sys/kernel/debug/nova/%s/boot_step", d->pci);
		igt_assert_f(access(path, R_OK) == 0, "no %s\n", path);
		igt_info("%s: %s, device %#" PRIx64 ", chipset %#" PRIx64
			 "%s\n", d->pci, d->node, device_id, chipset,
			 has_gsp(fd) ? ", GSP-RM running" : "");
		close(fd);
	}
}

static int prime_export(int fd, uint32_t handle)
{
	struct drm_prime_handle arg = {
		.handle = handle,
		.flags = DRM_CLOEXEC | DRM_RDWR,
	};

	igt_assert_eq(nova_ioctl(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &arg), 0);
	return arg.fd;
}

static uint32_t prime_import(int fd, int dmabuf)
{
	struct drm_prime_handle arg = { .fd = dmabuf };

	igt_assert_eq(nova_ioctl(fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &arg), 0);
	return arg.handle;
}

static void objects_per_device(void)
{
	const uint64_t size = 64 * 1024;
	int a = open_device(&devs[0]), b = open_device(&devs[1]);
	struct drm_nova_gem_info info = {};
	uint32_t ha, hb, *pa, *pb;
	int dmabuf;

	ha = nova_gem_create(a, size, NULL);
	/* The new file of the other device has no objects at all. */
	info.handle = ha;
	igt_assert_eq(__nova_gem_info(b, &info), -ENOENT);

	dmabuf = prime_export(a, ha);
	hb = prime_import(b, dmabuf);
	igt_assert_eq_u64(nova_gem_size(b, hb), size);

	pa = nova_gem_mmap(a, ha, size, PROT_READ | PROT_WRITE);
	pb = nova_gem_mmap(b, hb, size, PROT_READ);
	for (uint64_t i = 0; i < size / 4; i++)
		pa[i] = 0x6e6f7661 ^ (uint32_t)i;
	for (uint64_t i = 0; i < size / 4; i++)
		igt_assert_eq_u32(pb[i], 0x6e6f7661 ^ (uint32_t)i);

	munmap(pa, size);
	munmap(pb, size);
	close(dmabuf);
	gem_close(b, hb);
	gem_close(a, ha);
	close(b);
	close(a);
}

/* Unbinds device @k with a file open on every device, then binds it again. */
static void unbind_one(int k)
{
	int fds[MAX_DEVICES];
	bool gsp[MAX_DEVICES];
	struct device *d = &devs[k];
	uint64_t value;
	int ret;

	for (int i = 0; i < ndevs; i++) {
		fds[i] = open_device(&devs[i]);
		gsp[i] = has_gsp(fds[i]);
	}

	igt_kmsg(KMSG_INFO "nova_multi: unbinding %s\n", d->pci);
	ret = nova_driver_attr(DRIVER_DIR, "unbind", d->pci);
	igt_assert_f(ret == 0, "unbind of %s failed: %s\n", d->pci,
		     strerror(-ret));
	igt_assert(!nova_pci_is_bound(d->pci));

	igt_assert_eq(__nova_getparam(fds[k], NOVA_GETPARAM_CHIPSET, &value),
		      -ENODEV);
	for (int i = 0; i < ndevs; i++)
		if (i != k)
			check_working(fds[i], &devs[i], gsp[i]);
	close(fds[k]);

	fds[k] = rebind_and_open(d);
	for (int i = 0; i < ndevs; i++) {
		check_working(fds[i], &devs[i], gsp[i]);
		close(fds[i]);
	}
}

igt_main
{
	igt_fixture {
		find_devices();
		igt_require_f(ndevs >= 2, "%d nova device(s); needs two\n",
			      ndevs);
		igt_install_exit_handler(rebind_all);
	}

	igt_describe("Each nova device has its own render node and debugfs "
		     "directory, and reports the IDs of its own PCI function.");
	igt_subtest("devices-distinct")
		devices_distinct();

	igt_describe("GEM handles are per device; a system-memory object "
		     "shared through PRIME between two nova devices shows "
		     "the same bytes through both.");
	igt_subtest("objects-per-device")
		objects_per_device();

	igt_describe("Unbinding one device (the first, then the last) leaves "
		     "every other device working; binding it again brings it "
		     "back.");
	igt_subtest("unbind-one") {
		unbind_one(0);
		unbind_one(ndevs - 1);
	}
}
