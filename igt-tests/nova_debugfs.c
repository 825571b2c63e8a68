// SPDX-License-Identifier: MIT
/*
 * nova_debugfs - nova's debugfs files: /sys/kernel/debug/nova/<pci>/ with
 * boot_step (the GSP boot step reached) and, where GSP-RM runs, loginit,
 * logintr and logrm (GSP-RM's log buffers: a put pointer, the bus address of
 * each page, then the entries). The directory goes with unbind, also under
 * an open file, and comes back with bind.
 *
 * A boot_step other than gsp-rm-running skips the log subtests unless
 * NOVA_EXPECT_GSP=1. no-logs-without-gsp binds a device whose boot waits
 * at the FSP (NOVA_FSP_WAIT_PCI, its PCI address: nvsim's fsp-no-boot
 * fault) and looks at its directory while the probe waits.
 *
 * An open file of nova's debugfs directory keeps the nova module loaded:
 * the file's operations, which live in the module, name it as their owner,
 * so opening the file takes a reference to the module (fs/debugfs/file.c,
 * full_proxy_open_regular(): fops_get()) and releasing it drops the
 * reference after the module's release code ran. Unloading the module
 * meanwhile fails as "in use" (kernel/module/main.c, delete_module():
 * -EWOULDBLOCK while the reference count is not zero). Without an owner the
 * module could go while the file is open, and releasing the file would run
 * the unloaded module's code.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "igt.h"
#include "nova_igt.h"

IGT_TEST_DESCRIPTION("nova's debugfs directory: the GSP boot step reached "
		     "and GSP-RM's log buffers, removed at unbind and back "
		     "after bind.");

#define DEBUGFS "/sys/kernel/debug"
#define MODULE_DIR "/sys/module/" NOVA_DRIVER_NAME
#define GSP_PAGE 4096u
/* What nova allocates per log buffer; a decoder must not depend on it. */
#define MAX_LOG_SIZE (1u << 20)

static const char *const logs[] = { "loginit", "logintr", "logrm" };

static char pci[64];
static char driver_dir[PATH_MAX];
static char dev_dir[PATH_MAX];

/* Mounts debugfs if nothing is mounted there yet. */
static void mount_debugfs(void)
{
	DIR *d = opendir(DEBUGFS);
	struct dirent *e;
	bool empty = true;

	igt_require_f(d, "no %s: %s\n", DEBUGFS, strerror(errno));
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			empty = false;
			break;
		}
	closedir(d);
	if (empty)
		igt_require_f(mount("debugfs", DEBUGFS, "debugfs", 0, NULL) == 0,
			      "cannot mount debugfs: %s\n", strerror(errno));
}

static bool dir_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static void file_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", dev_dir, name);
}

/* Reads boot_step without its newline; false if it cannot be read. */
static bool read_boot_step(char *buf, size_t len)
{
	char path[PATH_MAX + 32];
	ssize_t n;
	int fd;

	file_path(path, sizeof(path), "boot_step");
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return false;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	igt_assert_f(buf[n - 1] == '\n', "boot_step \"%s\" has no newline\n",
		     buf);
	buf[n - 1] = '\0';
	return true;
}

/*
 * Whether GSP-RM is running by boot_step; skips when it is not and
 * NOVA_EXPECT_GSP does not ask for it.
 */
static void require_gsp_running(void)
{
	uint64_t expect_gsp = 0;
	char step[128];

	igt_assert(read_boot_step(step, sizeof(step)));
	if (strcmp(step, "gsp-rm-running")) {
		nova_env_u64("NOVA_EXPECT_GSP", &expect_gsp);
		igt_assert_f(!expect_gsp, "boot_step \"%s\", GSP-RM expected\n",
			     step);
		igt_skip("GSP-RM is not running (boot_step \"%s\")\n", step);
	}
}

/* Reads all of file @name into a buffer of @cap bytes; its size. */
static size_t read_all(const char *name, uint8_t *buf, size_t cap)
{
	char path[PATH_MAX + 32];
	size_t total = 0;
	ssize_t n;
	int fd;

	file_path(path, sizeof(path), name);
	fd = open(path, O_RDONLY);
	igt_assert_f(fd >= 0, "open %s: %s\n", path, strerror(errno));
	/* Odd-sized reads, so that offsets inside a page work too. */
	while ((n = read(fd, buf + total, total + 1000 < cap ? 1000 :
			 cap - total)) > 0)
		total += n;
	igt_assert_f(n == 0, "read %s: %s\n", path, strerror(errno));
	close(fd);
	return total;
}

static void test_dir(void)
{
	igt_assert_f(dir_exists(DEBUGFS "/nova"), "no " DEBUGFS "/nova\n");
	igt_assert_f(dir_exists(dev_dir), "no %s\n", dev_dir);
}

static void test_boot_step(void)
{
	char step[128];

	igt_assert_f(read_boot_step(step, sizeof(step)), "no boot_step in %s\n",
		     dev_dir);
	igt_info("boot_step: %s\n", step);
	require_gsp_running();
}

/*
 * Each buffer: whole GSP pages. Until GSP-RM logs into it, its page table
 * at offset 8 names every page of the buffer (contiguous here) and the put
 * pointer is zero; once GSP-RM has logged, the put pointer counts the words
 * written since boot (libos_log.h) and the last of them, a record's
 * timestamp, is not zero.
 */
static void test_log_buffers(void)
{
	uint8_t *buf = malloc(MAX_LOG_SIZE + 1);

	igt_assert(buf);
	require_gsp_running();
	for (size_t i = 0; i < ARRAY_SIZE(logs); i++) {
		size_t size = read_all(logs[i], buf, MAX_LOG_SIZE + 1);
		size_t pages = size / GSP_PAGE;
		uint64_t put, pte0, pte;

		igt_info("%s: %zu bytes\n", logs[i], size);
		igt_assert_f(size > 0 && size % GSP_PAGE == 0 &&
			     size <= MAX_LOG_SIZE, "%s: %zu bytes\n", logs[i],
			     size);
		memcpy(&put, buf, 8);
		if (put) {
			uint64_t slots = size / 8 - 1, last;

			memcpy(&last, buf + 8 + 8 * ((put - 1) % slots), 8);
			igt_info("%s: %zu pages, %" PRIu64 " words logged\n",
				 logs[i], pages, put);
			igt_assert_f(last, "%s: the last word logged is zero\n",
				     logs[i]);
			continue;
		}
		memcpy(&pte0, buf + 8, 8);
		igt_assert_f(pte0 && pte0 % GSP_PAGE == 0,
			     "%s: first page at %#" PRIx64 "\n", logs[i], pte0);
		for (size_t p = 1; p < pages; p++) {
			memcpy(&pte, buf + 8 + 8 * p, 8);
			igt_assert_f(pte == pte0 + p * GSP_PAGE,
				     "%s: page %zu at %#" PRIx64 ", page 0 at %#"
				     PRIx64 "\n", logs[i], p, pte, pte0);
		}
		igt_info("%s: %zu pages from %#" PRIx64 ", put pointer %#"
			 PRIx64 "\n", logs[i], pages, pte0, put);
		/* The same size again: it is the buffer, not a log so far. */
		igt_assert_eq(read_all(logs[i], buf, MAX_LOG_SIZE + 1), size);
	}
	free(buf);
}

static bool is_bound(void)
{
	return nova_pci_is_bound(pci);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Whether none of the log files exists. */
static void assert_no_logs(const char *why)
{
	char path[PATH_MAX + 32];

	for (size_t i = 0; i < ARRAY_SIZE(logs); i++) {
		file_path(path, sizeof(path), logs[i]);
		igt_assert_f(access(path, F_OK) && errno == ENOENT,
			     "%s exists %s\n", path, why);
	}
}

/*
 * A device whose boot waits at the FSP (NOVA_FSP_WAIT_PCI): bound from a
 * child, its probe sits at the wait for the FSP's secure boot; meanwhile
 * boot_step reads fsp-boot and there is no log file. Once the probe is
 * over the device is either bound, GSP-RM running with its log files, or
 * not bound and its directory gone.
 */
static void test_no_logs_without_gsp(void)
{
	char step[128], path[PATH_MAX + 32];
	uint64_t deadline;
	bool seen = false;

	igt_require_f(getenv("NOVA_FSP_WAIT_PCI"),
		      "no device waiting at the FSP (NOVA_FSP_WAIT_PCI)\n");
	igt_require_f(!is_bound(), "%s is bound\n", pci);
	igt_kmsg(KMSG_INFO "nova_debugfs: binding %s, whose FSP is not ready\n",
		 pci);
	igt_fork(child, 1)
		nova_driver_attr("/sys/bus/pci/drivers/" NOVA_DRIVER_NAME,
				 "bind", pci);
	deadline = now_ms() + 30 * 1000;
	while (!seen && now_ms() < deadline) {
		if (read_boot_step(step, sizeof(step)) &&
		    !strcmp(step, "fsp-boot")) {
			assert_no_logs("while the probe waits for the FSP");
			seen = true;
		} else {
			usleep(5 * 1000);
		}
	}
	igt_waitchildren();
	igt_assert_f(seen, "boot_step never read fsp-boot during the probe\n");
	if (is_bound()) {
		igt_info("%s: the FSP finished, the probe went on\n", pci);
		require_gsp_running();
		file_path(path, sizeof(path), "logrm");
		igt_assert_f(access(path, F_OK) == 0, "no %s\n", path);
	} else {
		igt_info("%s: the probe failed\n", pci);
		igt_assert_f(!dir_exists(dev_dir), "%s left after a failed probe\n",
			     dev_dir);
	}
}

static void restore_binding(int sig)
{
	(void)sig;

	if (pci[0] && driver_dir[0] && !is_bound())
		nova_driver_attr(driver_dir, "bind", pci);
}

/*
 * Unbinds with a log file (or boot_step) open, checks that the directory
 * is gone and the open file reads nothing, binds again and checks that the
 * directory and boot_step are back.
 */
static void test_unbind_rebind(void)
{
	const char *held = "logrm";
	char path[PATH_MAX + 32], step[128], c;
	uint64_t timeout_s = 60, deadline;
	int fd, ret;

	igt_require_f(access(driver_dir, F_OK) == 0, "no driver directory\n");
	nova_env_u64("NOVA_BIND_TIMEOUT", &timeout_s);

	file_path(path, sizeof(path), held);
	fd = open(path, O_RDONLY);
	igt_assert_f(fd >= 0, "open %s: %s\n", path, strerror(errno));

	igt_kmsg(KMSG_INFO "nova_debugfs: unbinding %s with %s open\n", pci,
		 held);
	ret = nova_driver_attr(driver_dir, "unbind", pci);
	igt_assert_f(ret == 0, "unbind: %s\n", strerror(-ret));
	igt_assert_f(!dir_exists(dev_dir), "%s still there after unbind\n",
		     dev_dir);
	igt_assert(dir_exists(DEBUGFS "/nova"));
	/* A removed debugfs file reads as an error (EIO), never old data. */
	igt_assert_f(read(fd, &c, 1) < 0, "%s read after unbind\n", held);
	close(fd);

	igt_kmsg(KMSG_INFO "nova_debugfs: binding %s\n", pci);
	ret = nova_driver_attr(driver_dir, "bind", pci);
	igt_assert_f(ret == 0, "bind: %s\n", strerror(-ret));
	deadline = now_ms() + timeout_s * 1000;
	while (!read_boot_step(step, sizeof(step)) && now_ms() < deadline)
		usleep(20 * 1000);
	igt_assert_f(dir_exists(dev_dir), "%s missing after bind\n", dev_dir);
	test_boot_step();
	test_log_buffers();
}

/* --- the module under open files ------------------------------------------ */

static bool module_loaded(void)
{
	return dir_exists(MODULE_DIR);
}

/* nova's module reference count; -1 if it cannot be read. */
static int module_refcnt(void)
{
	uint64_t value;

	if (!nova_read_u64_file(MODULE_DIR "/refcnt", &value))
		return -1;
	return (int)value;
}

/* Unloads nova as rmmod does (delete_module(2), O_NONBLOCK); 0 or -errno. */
static int unload_module(void)
{
	if (syscall(SYS_delete_module, NOVA_DRIVER_NAME, O_NONBLOCK))
		return -errno;
	return 0;
}

/* Runs "modprobe nova"; its exit status, or -errno if it could not run. */
static int load_module(char *out, size_t len)
{
	char *const argv[] = { "modprobe", NOVA_DRIVER_NAME, NULL };

	return nova_run_capture(argv, out, len, 120);
}

/* Exit handler: never leave nova unloaded for the tests after us. */
static void restore_module(int sig)
{
	char out[256];

	(void)sig;

	if (!module_loaded())
		load_module(out, sizeof(out));
}

/*
 * Loads nova again and waits until it has bound the device: boot_step
 * readable and the render node there and nova's.
 */
static void reload_module(void)
{
	uint64_t timeout_s = 60, deadline;
	char out[1024], step[128], node[64];
	int ret, fd;

	nova_env_u64("NOVA_BIND_TIMEOUT", &timeout_s);

	igt_kmsg(KMSG_INFO "nova_debugfs: modprobe nova\n");
	ret = load_module(out, sizeof(out));
	igt_assert_f(ret == 0, "modprobe nova: %d (%s)\n%s\n", ret,
		     ret < 0 ? strerror(-ret) : "exit status", out);
	igt_assert(module_loaded());

	deadline = now_ms() + timeout_s * 1000;
	for (;;) {
		if (read_boot_step(step, sizeof(step)) &&
		    nova_render_node_of(pci, node, sizeof(node))) {
			fd = __nova_open_node(node);
			if (fd >= 0) {
				close(fd);
				break;
			}
		}
		igt_assert_f(now_ms() < deadline,
			     "%s not bound again %" PRIu64 "s after modprobe\n",
			     pci, timeout_s);
		usleep(20 * 1000);
	}
}

/*
 * Opens boot_step and loginit, and tries to unload nova
 * with them open: it must fail as in use, with the directory and the files
 * still working. Once both are closed nova unloads (its debugfs directory
 * goes), and modprobe brings the device back.
 */
static void test_log_open_across_rmmod(void)
{
	const char *names[] = { "loginit", "boot_step" };
	int fds[ARRAY_SIZE(names)], refcnt, ret;
	char path[PATH_MAX + 32], c;
	size_t i;

	igt_require_f(module_loaded() && module_refcnt() >= 0,
		      "nova is not a loaded module\n");
	require_gsp_running();
	refcnt = module_refcnt();
	igt_require_f(refcnt == 0, "nova is in use (reference count %d)\n",
		      refcnt);
	igt_install_exit_handler(restore_module);

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		file_path(path, sizeof(path), names[i]);
		fds[i] = open(path, O_RDONLY);
		igt_assert_f(fds[i] >= 0, "open %s: %s\n", path,
			     strerror(errno));
		igt_assert_f(read(fds[i], &c, 1) == 1, "read %s: %s\n", path,
			     strerror(errno));
	}
	/* Each open file holds a reference to the module. */
	igt_assert_eq(module_refcnt(), (int)ARRAY_SIZE(names));

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		igt_kmsg(KMSG_INFO "nova_debugfs: rmmod nova with %s open\n",
			 names[i]);
		ret = unload_module();
		if (ret == 0) {
			/*
			 * Without an owner the module goes: the files must
			 * fail to read, and closing them must not oops (the
			 * runner checks the kernel log). The test fails
			 * either way; the exit handler loads nova again.
			 */
			for (size_t j = i; j < ARRAY_SIZE(names); j++) {
				igt_assert_f(read(fds[j], &c, 1) < 0,
					     "%s read after rmmod\n", names[j]);
				close(fds[j]);
			}
			igt_assert_f(false, "rmmod nova succeeded with %s "
				     "open: the file does not hold the "
				     "module\n", names[i]);
		}
		igt_assert_f(ret == -EWOULDBLOCK,
			     "rmmod nova with %s open: %s, expected \"in "
			     "use\" (EWOULDBLOCK)\n", names[i],
			     strerror(-ret));
		/* Nothing was torn down: the files still read. */
		igt_assert(module_loaded() && is_bound());
		igt_assert(dir_exists(dev_dir));
		igt_assert_f(pread(fds[i], &c, 1, 0) == 1,
			     "%s unreadable after a failed rmmod: %s\n",
			     names[i], strerror(errno));

		igt_assert_eq(close(fds[i]), 0);
		igt_assert_eq(module_refcnt(),
			      (int)(ARRAY_SIZE(names) - i - 1));
	}

	/* No file open: the module goes, and its directory with it. */
	igt_kmsg(KMSG_INFO "nova_debugfs: rmmod nova\n");
	ret = unload_module();
	igt_assert_f(ret == 0, "rmmod nova with no file open: %s\n",
		     strerror(-ret));
	igt_assert(!module_loaded());
	igt_assert_f(!dir_exists(DEBUGFS "/nova"),
		     DEBUGFS "/nova still there after rmmod\n");

	reload_module();
	test_boot_step();
	test_log_buffers();
}

igt_main
{
	igt_fixture {
		const char *waiting = getenv("NOVA_FSP_WAIT_PCI");
		char path[PATH_MAX + 32];
		int fd;

		/* A device waiting at the FSP is not bound: no render node. */
		if (waiting) {
			snprintf(pci, sizeof(pci), "%s", waiting);
		} else {
			fd = nova_open_render();
			igt_assert(nova_pci_address(fd, pci, sizeof(pci)));
			close(fd);
		}

		mount_debugfs();
		snprintf(dev_dir, sizeof(dev_dir), DEBUGFS "/nova/%s", pci);

		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver",
			 pci);
		if (!realpath(path, driver_dir))
			driver_dir[0] = '\0';
		igt_install_exit_handler(restore_binding);
	}

	igt_describe("debugfs has nova/ and a directory for the bound "
		     "device, named by its PCI address.");
	igt_subtest("device-dir")
		test_dir();

	igt_describe("boot_step reads gsp-rm-running.");
	igt_subtest("boot-step")
		test_boot_step();

	igt_describe("While the probe waits for the FSP (NOVA_FSP_WAIT_PCI), "
		     "boot_step reads fsp-boot and there is no log file; "
		     "afterwards the device runs GSP-RM or has no directory.");
	igt_subtest("no-logs-without-gsp")
		test_no_logs_without_gsp();

	igt_describe("loginit, logintr and logrm hold whole GSP pages, with "
		     "the bus address of each page from offset 8.");
	igt_subtest("log-buffers")
		test_log_buffers();

	igt_describe("Unbind removes the directory, also with a file open "
		     "(which then fails to read); bind brings it back.");
	igt_subtest("unbind-rebind")
		test_unbind_rebind();

	igt_describe("An open log file (and boot_step) keeps the nova module "
		     "loaded: rmmod fails as in use while one is open, "
		     "succeeds once both are closed, and modprobe brings the "
		     "device back.");
	igt_subtest("log-open-across-rmmod")
		test_log_open_across_rmmod();
}
