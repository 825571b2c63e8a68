// SPDX-License-Identifier: MIT
/*
 * nova_tools - IGT's tools and device scanning see the nova device and its
 * clients: lsgpu, IGT's device filters, gputop, and a gputop-style scan of
 * every process's fdinfo with IGT's parser.
 */

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "igt.h"
#include "nova_igt.h"

IGT_TEST_DESCRIPTION("IGT's tools (lsgpu, gputop) and device scanning see "
		     "the nova device and its clients.");

#define SZ_1M (1ull << 20)
#define DRM_MAJOR 226
#define OUTPUT_SIZE (64 * 1024)

static char output[OUTPUT_SIZE];

static bool contains_nocase(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);

	for (; *haystack; haystack++)
		if (!strncasecmp(haystack, needle, n))
			return true;
	return false;
}

/* Runs a tool, skipping if it is not installed; returns its exit status. */
static int run_tool(char *const argv[])
{
	int ret = nova_run_capture(argv, output, sizeof(output), 60);

	igt_info("$ %s%s%s: exit %d\n%s\n", argv[0], argv[1] ? " " : "",
		 argv[1] ? argv[1] : "", ret, output);
	igt_require_f(ret != 127, "%s is not installed\n", argv[0]);
	igt_assert_f(ret >= 0, "cannot run %s: %s\n", argv[0],
		     strerror(-ret));
	return ret;
}

static void test_lsgpu(void)
{
	char *const plain[] = { "lsgpu", NULL };
	char *const numeric[] = { "lsgpu", "-n", NULL };
	char id[16], node[32], pci[64];
	uint64_t device;
	int fd = nova_open_render();

	device = nova_getparam(fd, NOVA_GETPARAM_PCI_DEVICE_ID);
	igt_assert(nova_pci_address(fd, pci, sizeof(pci)));
	snprintf(node, sizeof(node), "renderD%d", nova_drm_minor(fd));
	igt_assert_eq(close(fd), 0);

	/*
	 * lsgpu names devices of vendors it does not know as
	 * "<vendor>:<device>" in hex (igt_device_scan.c, devname_hex()),
	 * and lists each card with its render node.
	 */
	snprintf(id, sizeof(id), "%04x:%04" PRIx64, NOVA_PCI_VENDOR_NVIDIA,
		 device);

	igt_assert_eq(run_tool(plain), 0);
	igt_assert_f(contains_nocase(output, id), "lsgpu does not list %s\n",
		     id);
	igt_assert_f(contains_nocase(output, node),
		     "lsgpu does not list %s\n", node);

	igt_assert_eq(run_tool(numeric), 0);
	igt_assert_f(contains_nocase(output, id),
		     "lsgpu -n does not list %s\n", id);
}

static void test_device_filter(void)
{
	char filter[128], pci[64], pci_got[64];
	int fd = nova_open_render();

	igt_assert(nova_pci_address(fd, pci, sizeof(pci)));
	igt_assert_eq(close(fd), 0);

	/*
	 * The way CI selects a device (--device / IGT_DEVICE): IGT scans the
	 * devices with udev, matches the filter and opens the render node of
	 * the match (drmtest.c, __drm_open_driver_render()).
	 */
	snprintf(filter, sizeof(filter), "pci:slot=%s", pci);
	igt_device_filter_free_all();
	igt_assert_lt(0, igt_device_filter_add(filter));

	fd = __nova_open_render();
	igt_device_filter_free_all();

	igt_assert_f(fd >= 0, "IGT found no nova device for %s\n", filter);
	igt_assert(nova_pci_address(fd, pci_got, sizeof(pci_got)));
	igt_assert(!strcmp(pci, pci_got));
	igt_assert_eq(close(fd), 0);
}

static void test_gputop(void)
{
	char *const argv[] = { "gputop", "-n", "2", "-d", "0.1", NULL };
	int fd = nova_open_render();
	uint32_t handle;

	handle = nova_gem_create(fd, SZ_1M, NULL);

	/*
	 * gputop has no batch mode, but with -n it stops on its own and its
	 * output is plain text with ANSI escapes when stdout is no terminal.
	 * It lists only clients with engine utilisation, so a client with
	 * memory alone shows up only as the absence of its "no clients"
	 * banner (tools/gputop.c). Its memory is checked by fdinfo-scan.
	 */
	igt_assert_eq(run_tool(argv), 0);
	igt_assert_f(!strstr(output, "No GPU clients yet"),
		     "gputop sees no client although nova's render node is "
		     "open\n");

	gem_close(fd, handle);
	igt_assert_eq(close(fd), 0);
}

/*
 * Scans every process's open files as gputop does (IGT's igt_drm_clients
 * library, which libigt.so.0 does not export): DRM character devices only,
 * each parsed with __igt_parse_drm_fdinfo(). Returns the number of nova
 * clients found; the one with client id @id is copied to @found.
 */
static int scan_clients(uint64_t id, struct drm_client_fdinfo *found,
			bool *seen)
{
	static struct drm_client_fdinfo info;
	struct dirent *proc_de;
	DIR *proc;
	int count = 0;

	*seen = false;
	proc = opendir("/proc");
	igt_assert(proc);

	while ((proc_de = readdir(proc))) {
		char path[PATH_MAX];
		struct dirent *de;
		int dir_fd;
		DIR *dir;

		if (!isdigit((unsigned char)proc_de->d_name[0]))
			continue;

		snprintf(path, sizeof(path), "/proc/%s/fdinfo",
			 proc_de->d_name);
		dir_fd = open(path, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
		if (dir_fd < 0)
			continue;
		dir = fdopendir(dup(dir_fd));
		if (!dir) {
			close(dir_fd);
			continue;
		}

		while ((de = readdir(dir))) {
			struct stat st;

			if (!isdigit((unsigned char)de->d_name[0]))
				continue;
			snprintf(path, sizeof(path), "/proc/%s/fd/%s",
				 proc_de->d_name, de->d_name);
			if (stat(path, &st) || !S_ISCHR(st.st_mode) ||
			    major(st.st_rdev) != DRM_MAJOR)
				continue;

			memset(&info, 0, sizeof(info));
			if (!__igt_parse_drm_fdinfo(dir_fd, de->d_name, &info,
						    NULL, 0, NULL, 0))
				continue;
			if (strcmp(info.driver, NOVA_DRIVER_NAME))
				continue;

			igt_debug("pid %s fd %s: nova client %lu\n",
				  proc_de->d_name, de->d_name, info.id);
			count++;
			if (info.id == id && !*seen) {
				*found = info;
				*seen = true;
			}
		}

		closedir(dir);
		close(dir_fd);
	}

	closedir(proc);
	return count;
}

static void test_fdinfo_scan(void)
{
	const uint64_t size = 2 * SZ_1M;
	struct nova_fdinfo self;
	int fd = nova_open_render();
	uint32_t handle;

	handle = nova_gem_create(fd, size, NULL);
	igt_assert(nova_fdinfo_read(fd, &self) && self.has_client_id);

	/* Another process, like a monitoring tool, finds this client. */
	igt_fork(child, 1) {
		static struct drm_client_fdinfo info;
		int clients, memory;
		bool seen;

		clients = scan_clients(self.client_id, &info, &seen);
		igt_info("%d nova client(s)\n", clients);
		igt_assert_f(seen, "client %" PRIu64 " not found\n",
			     self.client_id);

		memory = -1;
		for (unsigned int i = 0; i <= info.last_region_index &&
		     i < DRM_CLIENT_FDINFO_MAX_REGIONS; i++)
			if (!strcmp(info.region_names[i], "memory"))
				memory = i;
		igt_assert_f(memory >= 0, "client has no \"memory\" region\n");

		igt_info("client %lu: memory total %" PRIu64 ", resident %"
			 PRIu64 "\n", info.id, info.region_mem[memory].total,
			 info.region_mem[memory].resident);
		igt_assert_lte_u64(size, info.region_mem[memory].total);
	}
	igt_waitchildren();

	gem_close(fd, handle);
	igt_assert_eq(close(fd), 0);
}

igt_main
{
	igt_fixture {
		/* Skip everything early if there is no device. */
		close(nova_open_render());
	}

	igt_describe("lsgpu lists the nova device with NVIDIA's vendor ID, "
		     "its device ID and its render node.");
	igt_subtest("lsgpu")
		test_lsgpu();

	igt_describe("IGT's device filters (--device, IGT_DEVICE) select the "
		     "nova device by its PCI slot.");
	igt_subtest("device-filter")
		test_device_filter();

	igt_describe("gputop sees a client of nova's render node.");
	igt_subtest("gputop")
		test_gputop();

	igt_describe("A scan of all processes' fdinfo with IGT's parser finds "
		     "a nova client with the memory it allocated.");
	igt_subtest("fdinfo-scan")
		test_fdinfo_scan();
}
