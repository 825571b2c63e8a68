// SPDX-License-Identifier: MIT
/*
 * nova_basic - identity of nova's render node: DRM version, every GETPARAM
 * parameter checked for plausibility and against sysfs, and the ioctls a
 * render node must refuse.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "igt.h"
#include "nova_igt.h"

IGT_TEST_DESCRIPTION("Identity of nova's render node: DRM version, GETPARAM "
		     "values checked against sysfs and the simulated chip, "
		     "and the ioctls a render node refuses.");

#define PAGE_SZ 4096ull

static const struct param {
	const char *name;
	uint64_t id;
} params[] = {
	{ "vram-bar-size", NOVA_GETPARAM_VRAM_BAR_SIZE },
	{ "pci-vendor-id", NOVA_GETPARAM_PCI_VENDOR_ID },
	{ "pci-device-id", NOVA_GETPARAM_PCI_DEVICE_ID },
	{ "chipset", NOVA_GETPARAM_CHIPSET },
	{ "architecture", NOVA_GETPARAM_ARCHITECTURE },
	{ "revision", NOVA_GETPARAM_REVISION },
	{ "pci-revision", NOVA_GETPARAM_PCI_REVISION },
	{ "pci-subsystem", NOVA_GETPARAM_PCI_SUBSYSTEM },
	{ "gem-size-max", NOVA_GETPARAM_GEM_SIZE_MAX },
	/* Driver constants: they answer with or without GSP-RM. */
	{ "exec-push-max", NOVA_GETPARAM_EXEC_PUSH_MAX },
	{ "exec-timeout-ms", NOVA_GETPARAM_EXEC_TIMEOUT_MS },
};

/* The first number after the last parameter nova_drm.h defines. */
#define NOVA_GETPARAM_FIRST_UNKNOWN	(NOVA_GETPARAM_EXEC_TIMEOUT_MS + 1)

static bool is_power_of_two(uint64_t v)
{
	return v && !(v & (v - 1));
}

static void test_version(int fd)
{
	char name[64] = "", date[64] = "", desc[256] = "";
	struct drm_version v = {
		.name = name, .name_len = sizeof(name) - 1,
		.date = date, .date_len = sizeof(date) - 1,
		.desc = desc, .desc_len = sizeof(desc) - 1,
	};

	do_ioctl(fd, DRM_IOCTL_VERSION, &v);
	igt_info("driver %s %d.%d.%d (%s) \"%s\"\n", name, v.version_major,
		 v.version_minor, v.version_patchlevel, date, desc);

	igt_assert_eq(v.name_len, (int)strlen(NOVA_DRIVER_NAME));
	igt_assert_f(!strcmp(name, NOVA_DRIVER_NAME),
		     "driver name is \"%s\"\n", name);
	igt_assert_lte(0, v.version_major);
	igt_assert_lt(0, (int)v.desc_len);
}

/* The plausibility check of one parameter; @fd is used for cross-checks. */
static void check_param(int fd, const struct param *p)
{
	uint64_t value = nova_getparam(fd, p->id);
	uint64_t arch, chipset;
	const char *name;
	int id_arch;

	igt_info("%s = %#" PRIx64 " (%" PRIu64 ")\n", p->name, value, value);

	switch (p->id) {
	case NOVA_GETPARAM_VRAM_BAR_SIZE:
		/* PCI BARs are a power of two in size. */
		igt_assert_f(is_power_of_two(value),
			     "BAR1 size %#" PRIx64 "\n", value);
		igt_assert_lte_u64(PAGE_SZ, value);
		break;
	case NOVA_GETPARAM_PCI_VENDOR_ID:
		igt_assert_eq_u64(value, NOVA_PCI_VENDOR_NVIDIA);
		break;
	case NOVA_GETPARAM_PCI_DEVICE_ID:
		igt_assert_lte_u64(value, 0xffff);
		igt_assert_neq_u64(value, 0);
		igt_assert_neq_u64(value, 0xffff);
		/* Where the ID block tells the architecture, it must agree. */
		id_arch = nova_device_id_architecture(value);
		arch = nova_getparam(fd, NOVA_GETPARAM_ARCHITECTURE);
		if (id_arch < 0)
			igt_info("device ID %#" PRIx64 " is outside the known "
				 "ID blocks, not cross-checked\n", value);
		else
			igt_assert_f(arch == (uint64_t)id_arch,
				     "device ID %#" PRIx64 " is %s, but the "
				     "architecture is %#" PRIx64 "\n", value,
				     nova_architecture_name(id_arch), arch);
		break;
	case NOVA_GETPARAM_CHIPSET:
		name = nova_chipset_name(value);
		igt_assert_f(name, "unknown chipset %#" PRIx64 "\n", value);
		igt_info("chipset %s\n", name);
		/* The architecture is chipset bits 9:4 (BOOT_42 29:24). */
		arch = nova_getparam(fd, NOVA_GETPARAM_ARCHITECTURE);
		igt_assert_eq_u64(value >> 4, arch);
		break;
	case NOVA_GETPARAM_ARCHITECTURE:
		name = nova_architecture_name(value);
		igt_assert_f(name, "unknown architecture %#" PRIx64 "\n",
			     value);
		igt_info("architecture %s\n", name);
		break;
	case NOVA_GETPARAM_REVISION:
		/* (major << 4) | minor, 4 bits each. */
		igt_assert_lte_u64(value, 0xff);
		igt_assert_neq_u64(value >> 4, 0);
		break;
	case NOVA_GETPARAM_PCI_REVISION:
		igt_assert_lte_u64(value, 0xff);
		break;
	case NOVA_GETPARAM_PCI_SUBSYSTEM:
		igt_assert_lte_u64(value, 0xffffffffull);
		break;
	case NOVA_GETPARAM_GEM_SIZE_MAX:
		igt_assert_lte_u64(PAGE_SZ, value);
		break;
	case NOVA_GETPARAM_EXEC_PUSH_MAX:
		/* EXEC takes at least one push buffer; push_count is a u32. */
		igt_assert_lt_u64(0, value);
		igt_assert_lte_u64(value, 0xffffffffull);
		break;
	case NOVA_GETPARAM_EXEC_TIMEOUT_MS:
		igt_assert_lt_u64(0, value);
		break;
	default:
		igt_assert_f(false, "no check for parameter %#" PRIx64 "\n",
			     p->id);
	}

	/* Reading a parameter has no side effect: same value again. */
	igt_assert_eq_u64(nova_getparam(fd, p->id), value);
	/* Chipset and architecture agree whatever the order of reads. */
	chipset = nova_getparam(fd, NOVA_GETPARAM_CHIPSET);
	igt_assert_eq_u64(chipset >> 4,
			  nova_getparam(fd, NOVA_GETPARAM_ARCHITECTURE));
}

static void test_sysfs(int fd)
{
	uint64_t vendor, device, revision, sub_vendor, sub_device, bar1;
	char pci[64];

	igt_require_f(nova_pci_address(fd, pci, sizeof(pci)),
		      "no PCI device behind the render node\n");
	igt_info("PCI device %s\n", pci);

	igt_assert(nova_pci_attr_u64(pci, "vendor", &vendor));
	igt_assert(nova_pci_attr_u64(pci, "device", &device));
	igt_assert(nova_pci_attr_u64(pci, "revision", &revision));
	igt_assert(nova_pci_attr_u64(pci, "subsystem_vendor", &sub_vendor));
	igt_assert(nova_pci_attr_u64(pci, "subsystem_device", &sub_device));

	igt_assert_eq_u64(nova_getparam(fd, NOVA_GETPARAM_PCI_VENDOR_ID),
			  vendor);
	igt_assert_eq_u64(nova_getparam(fd, NOVA_GETPARAM_PCI_DEVICE_ID),
			  device);
	igt_assert_eq_u64(nova_getparam(fd, NOVA_GETPARAM_PCI_REVISION),
			  revision);
	igt_assert_eq_u64(nova_getparam(fd, NOVA_GETPARAM_PCI_SUBSYSTEM),
			  sub_vendor << 16 | sub_device);

	/* BAR1 is the VRAM aperture; line 1 of the resource file. */
	igt_assert_f(nova_pci_bar_size(pci, 1, &bar1),
		     "no BAR1 in /sys/bus/pci/devices/%s/resource\n", pci);
	igt_assert_eq_u64(nova_getparam(fd, NOVA_GETPARAM_VRAM_BAR_SIZE),
			  bar1);
}

static void test_expected(int fd)
{
	static const struct {
		const char *env;
		uint64_t param;
	} expect[] = {
		{ "NOVA_EXPECT_DEVICE_ID", NOVA_GETPARAM_PCI_DEVICE_ID },
		{ "NOVA_EXPECT_CHIPSET", NOVA_GETPARAM_CHIPSET },
		{ "NOVA_EXPECT_VRAM_BAR_SIZE", NOVA_GETPARAM_VRAM_BAR_SIZE },
	};
	int checked = 0;

	for (size_t i = 0; i < ARRAY_SIZE(expect); i++) {
		uint64_t want, got;

		if (!nova_env_u64(expect[i].env, &want))
			continue;

		got = nova_getparam(fd, expect[i].param);
		igt_info("%s=%#" PRIx64 ", driver reports %#" PRIx64 "\n",
			 expect[i].env, want, got);
		igt_assert_eq_u64(got, want);
		checked++;
	}

	igt_require_f(checked, "none of NOVA_EXPECT_* is set\n");
}

static void test_invalid_param(int fd)
{
	static const uint64_t bad[] = {
		0,
		/* The first number after the last parameter nova_drm.h has. */
		NOVA_GETPARAM_FIRST_UNKNOWN,
		0x100,
		/* A known parameter in the low 32 bits is still unknown. */
		1ull << 32 | NOVA_GETPARAM_PCI_VENDOR_ID,
		~0ull,
	};
	uint64_t value;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		igt_debug("param %#" PRIx64 "\n", bad[i]);
		igt_assert_eq(__nova_getparam(fd, bad[i], &value), -EINVAL);
	}
}

static void test_efault(int fd)
{
	/* drm_ioctl() copies the argument in first (drivers/gpu/drm/drm_ioctl.c). */
	igt_assert_eq(nova_ioctl(fd, DRM_IOCTL_NOVA_GETPARAM, NULL), -EFAULT);
	igt_assert_eq(nova_ioctl(fd, DRM_IOCTL_NOVA_GEM_CREATE, NULL), -EFAULT);
	igt_assert_eq(nova_ioctl(fd, DRM_IOCTL_NOVA_GEM_INFO, NULL), -EFAULT);
	igt_assert_eq(nova_ioctl(fd, DRM_IOCTL_NOVA_GEM_MMAP_OFFSET, NULL),
		      -EFAULT);
	igt_assert_eq(nova_ioctl(fd, DRM_IOCTL_NOVA_GETPARAM_STRING, NULL),
		      -EFAULT);
	igt_assert_eq(nova_ioctl(fd, DRM_IOCTL_NOVA_DEVICE_INFO, NULL),
		      -EFAULT);
	igt_assert_eq(nova_ioctl(fd, DRM_IOCTL_NOVA_VM_INIT, NULL), -EFAULT);
	igt_assert_eq(nova_ioctl(fd, DRM_IOCTL_NOVA_VM_BIND, NULL), -EFAULT);
	igt_assert_eq(nova_ioctl(fd, DRM_IOCTL_NOVA_CHANNEL_CREATE, NULL),
		      -EFAULT);
	igt_assert_eq(nova_ioctl(fd, DRM_IOCTL_NOVA_CHANNEL_DESTROY, NULL),
		      -EFAULT);
	igt_assert_eq(nova_ioctl(fd, DRM_IOCTL_NOVA_EXEC, NULL), -EFAULT);
}

/*
 * Core ioctls without DRM_RENDER_ALLOW. drm_ioctl_permit() in
 * drivers/gpu/drm/drm_ioctl.c refuses them on a render node with -EACCES,
 * before the ioctl's function runs (so the argument does not matter; it is
 * zeroed here).
 */
static const struct refused {
	const char *name;
	unsigned long request;
} refused[] = {
	{ "auth-magic", DRM_IOCTL_AUTH_MAGIC },		/* DRM_MASTER */
	{ "get-magic", DRM_IOCTL_GET_MAGIC },		/* 0 */
	{ "set-master", DRM_IOCTL_SET_MASTER },		/* 0 */
	{ "drop-master", DRM_IOCTL_DROP_MASTER },	/* 0 */
	{ "get-unique", DRM_IOCTL_GET_UNIQUE },		/* 0 */
	{ "set-version", DRM_IOCTL_SET_VERSION },	/* DRM_MASTER */
	{ "gem-flink", DRM_IOCTL_GEM_FLINK },		/* DRM_AUTH */
	{ "gem-open", DRM_IOCTL_GEM_OPEN },		/* DRM_AUTH */
	{ "mode-getresources", DRM_IOCTL_MODE_GETRESOURCES }, /* 0 */
};

static void test_refused(int fd, const struct refused *r)
{
	uint8_t arg[256] = {};

	igt_assert_eq(nova_ioctl(fd, r->request, arg), -EACCES);
}

static void test_invalid_ioctl(int fd)
{
	uint8_t arg[64] = {};

	/*
	 * Driver ioctl numbers beyond the driver's table: -EINVAL
	 * (drm_ioctl(): index >= num_ioctls). The last numbers of the driver
	 * range are used so that ioctls nova adds later do not collide.
	 */
	igt_assert_eq(nova_ioctl(fd, DRM_IOWR(DRM_COMMAND_END - 1,
					      struct drm_nova_getparam), arg),
		      -EINVAL);
	igt_assert_eq(nova_ioctl(fd, DRM_IO(DRM_COMMAND_END - 1), NULL),
		      -EINVAL);
	igt_assert_eq(nova_ioctl(fd, DRM_IOW(DRM_COMMAND_END - 2, uint64_t),
				 arg), -EINVAL);

	/* Not a DRM ioctl at all: -ENOTTY (DRM_IOCTL_TYPE check). */
	igt_assert_eq(nova_ioctl(fd, _IOWR('x', DRM_COMMAND_BASE,
					   struct drm_nova_getparam), arg),
		      -ENOTTY);

	/* The device still works. */
	igt_assert_eq_u64(nova_getparam(fd, NOVA_GETPARAM_PCI_VENDOR_ID),
			  NOVA_PCI_VENDOR_NVIDIA);
}

static void test_open_close(void)
{
	uint64_t loops = 1000;
	const int children = 2;

	nova_env_u64("NOVA_OPEN_LOOPS", &loops);

	igt_fork(child, children) {
		for (uint64_t i = 0; i < loops / children; i++) {
			int fd = nova_open_render();

			igt_assert_eq_u64(nova_getparam(fd,
						NOVA_GETPARAM_PCI_VENDOR_ID),
					  NOVA_PCI_VENDOR_NVIDIA);
			igt_assert_eq(close(fd), 0);
		}
	}
	igt_waitchildren();
}

/*
 * State shared between fixtures and subtests lives outside igt_main's frame:
 * the subtest machinery long-jumps (sigsetjmp()/siglongjmp()) back into it,
 * and locals changed in between would be unreliable there.
 */
static int drm_fd = -1;

igt_main
{

	igt_fixture {
		drm_fd = nova_open_render();
	}

	igt_describe("The render node is served by the driver named nova.");
	igt_subtest("version")
		test_version(drm_fd);

	igt_describe("Every GETPARAM parameter can be read and has a "
		     "plausible value: NVIDIA's vendor ID, a known chipset "
		     "and architecture that agree with each other and with "
		     "the device ID, a power-of-two BAR1 size.");
	igt_subtest_with_dynamic("getparam") {
		for (volatile size_t i = 0; i < ARRAY_SIZE(params); i++)
			igt_dynamic(params[i].name)
				check_param(drm_fd, &params[i]);
	}

	igt_describe("GETPARAM values match what sysfs shows for the PCI "
		     "function: vendor, device, revision, subsystem and the "
		     "size of BAR1.");
	igt_subtest("getparam-sysfs")
		test_sysfs(drm_fd);

	igt_describe("GETPARAM values match the simulated chip, as given by "
		     "NOVA_EXPECT_DEVICE_ID, NOVA_EXPECT_CHIPSET and "
		     "NOVA_EXPECT_VRAM_BAR_SIZE.");
	igt_subtest("getparam-expected")
		test_expected(drm_fd);

	igt_describe("An unknown GETPARAM parameter fails with EINVAL.");
	igt_subtest("getparam-invalid")
		test_invalid_param(drm_fd);

	igt_describe("nova's ioctls with a bad argument pointer fail with "
		     "EFAULT.");
	igt_subtest("ioctl-efault")
		test_efault(drm_fd);

	igt_describe("Authentication, master and modesetting ioctls are "
		     "refused on the render node with EACCES.");
	igt_subtest_with_dynamic("render-node-refuses") {
		for (volatile size_t i = 0; i < ARRAY_SIZE(refused); i++)
			igt_dynamic(refused[i].name)
				test_refused(drm_fd, &refused[i]);
	}

	igt_describe("Ioctl numbers the driver does not define fail with "
		     "EINVAL (ENOTTY outside DRM's ioctl type).");
	igt_subtest("invalid-ioctl")
		test_invalid_ioctl(drm_fd);

	igt_describe("The render node can be opened and closed many times, "
		     "from two processes at once.");
	igt_subtest("open-close")
		test_open_close();

	igt_fixture {
		close(drm_fd);
	}
}
