// SPDX-License-Identifier: MIT
/*
 * nova_gsp - what GSP-RM reported at probe, as userspace sees it: the usable
 * VRAM size (GETPARAM) and the GPU name (GETPARAM_STRING), and the checks
 * GETPARAM_STRING makes of its argument.
 *
 * Where GSP-RM does not run (NOVA_EXPECT_GSP=0) both fail with ENODEV.
 * They must succeed where NOVA_EXPECT_GSP=1 says the boot is expected;
 * without the variable an ENODEV skips the subtest.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "igt.h"
#include "nova_igt.h"

IGT_TEST_DESCRIPTION("GSP-RM's report through nova's uAPI: usable VRAM size "
		     "and GPU name, and the argument checks of "
		     "GETPARAM_STRING.");

#define MIB (1ull << 20)

static int getparam_string(int fd, uint64_t param, void *buf, uint32_t size,
			   uint32_t *len, uint32_t pad)
{
	struct drm_nova_getparam_string arg = {
		.param = param,
		.pointer = (uintptr_t)buf,
		.size = size,
		.pad = pad,
	};
	int ret = nova_ioctl(fd, DRM_IOCTL_NOVA_GETPARAM_STRING, &arg);

	if (!ret && len)
		*len = arg.size;
	return ret;
}

/*
 * Checks the outcome @ret of a GSP-backed query: ENODEV where GSP-RM is
 * not running (NOVA_EXPECT_GSP=0); success where NOVA_EXPECT_GSP=1 says
 * GSP-RM is up; without the variable, success or a skip. Returns true
 * when the query succeeded.
 */
static bool gsp_available(int ret)
{
	uint64_t expect_gsp;

	if (nova_env_u64("NOVA_EXPECT_GSP", &expect_gsp)) {
		if (!expect_gsp) {
			igt_assert_eq(ret, -ENODEV);
			return false;
		}
	} else if (ret == -ENODEV) {
		igt_skip("GSP-RM is not running on this GPU (ENODEV)\n");
	}
	igt_assert_eq(ret, 0);
	return true;
}

static void test_vram_size(int fd)
{
	uint64_t vram = 0, want;
	int ret = __nova_getparam(fd, NOVA_GETPARAM_VRAM_SIZE, &vram);

	if (!gsp_available(ret)) {
		igt_info("no GSP-RM: VRAM size is ENODEV as documented\n");
		return;
	}
	igt_info("usable VRAM %" PRIu64 " MiB (%#" PRIx64 ")\n", vram >> 20,
		 vram);
	/* Framebuffer regions are whole pages; a GPU has at least 256 MiB. */
	igt_assert_lte_u64(256 * MIB, vram);
	igt_assert_eq_u64(vram & 0xfff, 0);
	/* No side effect: the same value again. */
	igt_assert_eq_u64(nova_getparam(fd, NOVA_GETPARAM_VRAM_SIZE), vram);
	if (nova_env_u64("NOVA_EXPECT_VRAM_SIZE", &want))
		igt_assert_eq_u64(vram, want);
}

static void test_gpu_name(int fd)
{
	char name[256];
	uint32_t len = 0, len2 = 0;
	const char *want;
	int ret;

	/* Size 0: the length only. */
	ret = getparam_string(fd, NOVA_GETPARAM_STRING_GPU_NAME, NULL, 0, &len,
			      0);
	if (!gsp_available(ret)) {
		igt_info("no GSP-RM: GPU name is ENODEV as documented\n");
		return;
	}
	igt_assert_lt(1u, len);
	igt_assert_lte(len, 64u);

	memset(name, 0x55, sizeof(name));
	igt_assert_eq(getparam_string(fd, NOVA_GETPARAM_STRING_GPU_NAME, name,
				      sizeof(name), &len2, 0), 0);
	igt_assert_eq(len2, len);
	/* Terminated where the length says, nothing written beyond it. */
	igt_assert_eq(name[len - 1], '\0');
	igt_assert_eq(strlen(name), len - 1);
	igt_assert_eq(name[len], 0x55);
	for (uint32_t i = 0; i + 1 < len; i++)
		igt_assert_f(name[i] >= 0x20 && name[i] < 0x7f,
			     "byte %u of the name is %#x\n", i,
			     (unsigned char)name[i]);
	igt_info("GPU name \"%s\"\n", name);

	/* A buffer of exactly the length is enough. */
	igt_assert_eq(getparam_string(fd, NOVA_GETPARAM_STRING_GPU_NAME, name,
				      len, NULL, 0), 0);

	want = getenv("NOVA_EXPECT_GPU_NAME");
	if (want && *want)
		igt_assert_f(!strcmp(name, want), "GPU name \"%s\", expected "
			     "\"%s\"\n", name, want);
}

static void test_string_invalid(int fd)
{
	static const uint64_t bad[] = {
		0,
		NOVA_GETPARAM_STRING_GPU_NAME + 1,
		0x100,
		1ull << 32 | NOVA_GETPARAM_STRING_GPU_NAME,
		~0ull,
	};
	char buf[128];
	uint32_t len = 0;
	void *ro;
	int ret;

	/* Unknown parameters, with or without a buffer. */
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		igt_debug("param %#" PRIx64 "\n", bad[i]);
		igt_assert_eq(getparam_string(fd, bad[i], buf, sizeof(buf),
					      NULL, 0), -EINVAL);
		igt_assert_eq(getparam_string(fd, bad[i], NULL, 0, NULL, 0),
			      -EINVAL);
	}
	/* Non-zero padding, whatever the rest. */
	igt_assert_eq(getparam_string(fd, NOVA_GETPARAM_STRING_GPU_NAME, buf,
				      sizeof(buf), NULL, 1), -EINVAL);
	igt_assert_eq(getparam_string(fd, NOVA_GETPARAM_STRING_GPU_NAME, buf,
				      sizeof(buf), NULL, 0x80000000u), -EINVAL);

	ret = getparam_string(fd, NOVA_GETPARAM_STRING_GPU_NAME, NULL, 0, &len,
			      0);
	if (!gsp_available(ret))
		return;

	/* A buffer one byte short, and one of a single byte. */
	memset(buf, 0x55, sizeof(buf));
	igt_assert_eq(getparam_string(fd, NOVA_GETPARAM_STRING_GPU_NAME, buf,
				      len - 1, NULL, 0), -EINVAL);
	igt_assert_eq(getparam_string(fd, NOVA_GETPARAM_STRING_GPU_NAME, buf,
				      1, NULL, 0), -EINVAL);
	/* Nothing was written. */
	igt_assert_eq(buf[0], 0x55);

	/* Unwritable buffers. */
	igt_assert_eq(getparam_string(fd, NOVA_GETPARAM_STRING_GPU_NAME, NULL,
				      len, NULL, 0), -EFAULT);
	ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(ro != MAP_FAILED);
	igt_assert_eq(getparam_string(fd, NOVA_GETPARAM_STRING_GPU_NAME, ro,
				      len, NULL, 0), -EFAULT);
	munmap(ro, 4096);

	/* The device still answers. */
	igt_assert_eq(getparam_string(fd, NOVA_GETPARAM_STRING_GPU_NAME, buf,
				      sizeof(buf), NULL, 0), 0);
}

static void test_efault(int fd)
{
	igt_assert_eq(nova_ioctl(fd, DRM_IOCTL_NOVA_GETPARAM_STRING, NULL),
		      -EFAULT);
}

static void test_consistent(int fd)
{
	uint64_t vram;
	int a = __nova_getparam(fd, NOVA_GETPARAM_VRAM_SIZE, &vram);
	int b = getparam_string(fd, NOVA_GETPARAM_STRING_GPU_NAME, NULL, 0,
				NULL, 0);

	/* Both come from the same report: both there or both ENODEV. */
	igt_info("VRAM size: %d, GPU name: %d\n", a, b);
	igt_assert_eq(a, b);
	igt_assert(a == 0 || a == -ENODEV);
}

static int drm_fd = -1;

igt_main
{
	igt_fixture {
		drm_fd = nova_open_render();
	}

	igt_describe("GETPARAM VRAM_SIZE reports GSP-RM's usable VRAM: at "
		     "least 256 MiB, page-aligned, stable, and "
		     "NOVA_EXPECT_VRAM_SIZE if given; ENODEV without GSP-RM.");
	igt_subtest("vram-size")
		test_vram_size(drm_fd);

	igt_describe("GETPARAM_STRING GPU_NAME reports GSP-RM's GPU name: "
		     "its length with a zero size, then a printable "
		     "NUL-terminated string of that length, "
		     "NOVA_EXPECT_GPU_NAME if given; ENODEV without GSP-RM.");
	igt_subtest("gpu-name")
		test_gpu_name(drm_fd);

	igt_describe("VRAM size and GPU name are either both available or "
		     "both ENODEV.");
	igt_subtest("gsp-params-consistent")
		test_consistent(drm_fd);

	igt_describe("GETPARAM_STRING fails with EINVAL for an unknown "
		     "parameter, non-zero padding or a short buffer, and with "
		     "EFAULT for an unwritable one.");
	igt_subtest("getparam-string-invalid")
		test_string_invalid(drm_fd);

	igt_describe("GETPARAM_STRING with a bad argument pointer fails with "
		     "EFAULT.");
	igt_subtest("getparam-string-efault")
		test_efault(drm_fd);

	igt_fixture {
		close(drm_fd);
	}
}
