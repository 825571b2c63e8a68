// SPDX-License-Identifier: MIT
/*
 * nova_tools - IGT's tools and device scanning see the nova device and its
 * clients: lsgpu, IGT's device filters, gputop, and a gputop-style scan of
 * every process's fdinfo with IGT's parser.
 *
 * engine-busy-fdinfo and gputop-busy run a busy client, a child process
 * that keeps copies going on a copy-engine channel of its own file: the
 * first reads the child's fdinfo twice, as gputop does, and checks that
 * drm-engine-copy (ns) grows and stays within the time the file has been
 * open; the second runs Debian's gputop meanwhile, on a terminal (gputop
 * sizes its output from its standard input and prints no client line
 * without one), and checks that it shows the child with a copy-engine
 * figure above zero. Both skip where nova runs no channels (no GSP-RM),
 * unless NOVA_EXPECT_GSP=1.
 */

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "igt.h"
#include "nova_igt.h"
#include "nova_push.h"

IGT_TEST_DESCRIPTION("IGT's tools (lsgpu, gputop) and device scanning see "
		     "the nova device and its clients.");

#define SZ_1M (1ull << 20)
#define SZ_2M (2ull << 20)
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

/* --- a busy client ------------------------------------------------------- */

/*
 * The busy client's file: a VA space with a kernel-managed range for its
 * channel (as nova_exec's), a push buffer and two system-memory objects
 * between which it copies BUSY_COPY bytes a job, BUSY_SLOTS jobs in
 * flight.
 */
#define BUSY_KM_ADDR	(1ull << 39)
#define BUSY_KM_SIZE	(64ull << 20)
#define BUSY_VA		(1ull << 32)
#define BUSY_COPY	SZ_1M
#define BUSY_SLOTS	4
#define BUSY_PB_SLOT	4096ull
/* The most the child runs, whatever the parent does. */
#define BUSY_MAX_S	60

/* What the child tells the parent once its first job is done. */
struct busy_msg {
	pid_t pid;
	int fd;
	uint64_t client_id;
	/* CLOCK_MONOTONIC before the file was opened. */
	uint64_t open_ns;
};

struct busy {
	int stop;	/* the parent closes it to stop the child */
	struct busy_msg msg;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

/* The class of the copy engine's object; skips where there are no channels. */
static uint32_t require_channels(void)
{
	struct drm_nova_device_info info = { 0 };
	uint64_t expect_gsp = 0;
	int fd = nova_open_render();
	int ret = __nova_device_info(fd, &info);

	close(fd);
	nova_env_u64("NOVA_EXPECT_GSP", &expect_gsp);
	if (ret == -ENODEV && !expect_gsp)
		igt_skip("GSP-RM is not running on this GPU (ENODEV): no "
			 "channels\n");
	igt_assert_f(ret == 0, "DEVICE_INFO: %s\n", strerror(-ret));
	igt_assert_neq_u32(info.class_copy, 0);
	return info.class_copy;
}

/* An object of @size bytes in system memory, bound at @va and mapped. */
static void *busy_bo(int fd, uint64_t size, uint64_t va)
{
	uint32_t handle = nova_gem_create_flags(fd, size, NOVA_GEM_DOMAIN_GART,
						NULL);

	nova_vm_map(fd, handle, va, 0, size);
	return nova_gem_mmap(fd, handle, size, PROT_READ | PROT_WRITE);
}

static bool stop_requested(int stop)
{
	struct pollfd p = { .fd = stop, .events = POLLIN };

	return poll(&p, 1, 0) == 1;
}

/*
 * The child: copies A to B, BUSY_SLOTS jobs in flight (a slot's push
 * buffer is reused once its job's fence signalled), until the parent
 * closes @stop or BUSY_MAX_S pass; every fence must signal without error
 * and B must equal A at the end.
 */
static void busy_child(int ready, int stop, uint32_t class_copy)
{
	const uint64_t pb_va = BUSY_VA, src_va = BUSY_VA + SZ_2M,
		       dst_va = BUSY_VA + 2 * SZ_2M;
	struct busy_msg msg = { .pid = getpid(), .open_ns = now_ns() };
	struct drm_nova_channel_create cc = { .engine = NOVA_ENGINE_COPY };
	uint32_t s[BUSY_SLOTS];
	uint64_t jobs = 0, deadline = now_ns() + BUSY_MAX_S * NSEC_PER_SEC;
	struct nova_fdinfo self;
	uint32_t *pb, *src, *dst;
	bool told = false;
	int fd;

	fd = __nova_open_render();
	igt_assert_f(fd >= 0, "busy client: no render node\n");
	nova_vm_init(fd, BUSY_KM_ADDR, BUSY_KM_SIZE);
	pb = busy_bo(fd, BUSY_SLOTS * BUSY_PB_SLOT, pb_va);
	src = busy_bo(fd, BUSY_COPY, src_va);
	dst = busy_bo(fd, BUSY_COPY, dst_va);
	for (uint64_t i = 0; i < BUSY_COPY / 4; i++)
		src[i] = 0x9e3779b9u * (uint32_t)(i + 1);
	memset(dst, 0, BUSY_COPY);
	igt_assert_eq(nova_ioctl(fd, DRM_IOCTL_NOVA_CHANNEL_CREATE, &cc), 0);
	for (int i = 0; i < BUSY_SLOTS; i++)
		s[i] = syncobj_create(fd, 0);

	igt_assert(nova_fdinfo_read(fd, &self) && self.has_client_id);
	msg.fd = fd;
	msg.client_id = self.client_id;

	for (;;) {
		unsigned int slot = jobs % BUSY_SLOTS;
		struct drm_nova_sync sig = {
			.flags = NOVA_SYNC_SYNCOBJ, .handle = s[slot],
		};
		struct drm_nova_exec_push push;
		struct drm_nova_exec exec = {
			.channel = cc.channel,
			.push_count = 1,
			.sig_count = 1,
			.push_ptr = (uintptr_t)&push,
			.sig_ptr = (uintptr_t)&sig,
		};
		struct nv_push p;

		if (jobs >= BUSY_SLOTS)
			igt_assert_f(syncobj_wait(fd, &s[slot], 1,
						  now_ns() + 30 * NSEC_PER_SEC,
						  0, NULL),
				     "busy client: job %" PRIu64 " did not "
				     "finish in 30 s\n", jobs - BUSY_SLOTS);
		if (jobs == BUSY_SLOTS && !told) {
			/* The first jobs are done: fdinfo has a figure. */
			igt_assert_eq(write(ready, &msg, sizeof(msg)),
				      (ssize_t)sizeof(msg));
			told = true;
		}
		if (stop_requested(stop) || now_ns() > deadline)
			break;

		nv_push_init(&p, (char *)pb + slot * BUSY_PB_SLOT,
			     pb_va + slot * BUSY_PB_SLOT, BUSY_PB_SLOT);
		nv_push_begin(&p);
		nv_push_set_object(&p, NV_PUSH_SUBC_COPY, class_copy);
		nv_push_copy(&p, NV_PUSH_SUBC_COPY, src_va, dst_va, BUSY_COPY);
		igt_assert(nv_push_end(&p, &push));
		syncobj_reset(fd, &s[slot], 1);
		igt_assert_eq(nova_ioctl(fd, DRM_IOCTL_NOVA_EXEC, &exec), 0);
		jobs++;
	}

	igt_assert(syncobj_wait(fd, s, BUSY_SLOTS, now_ns() + 30 * NSEC_PER_SEC,
				DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL, NULL));
	for (int i = 0; i < BUSY_SLOTS; i++) {
		int sf = syncobj_handle_to_fd(fd, s[i],
				DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE);

		igt_assert_eq(sync_fence_status(sf), 1);
		close(sf);
	}
	igt_assert(!memcmp(src, dst, BUSY_COPY));
	igt_info("busy client %d: %" PRIu64 " copies of %llu KiB\n",
		 (int)msg.pid, jobs, BUSY_COPY >> 10);
	close(fd);
}

/* Starts the busy client and waits until its first jobs are done. */
static void busy_start(struct busy *b, uint32_t class_copy)
{
	int ready[2], stop[2];
	struct pollfd p;

	igt_assert_eq(pipe2(ready, O_CLOEXEC), 0);
	igt_assert_eq(pipe2(stop, O_CLOEXEC), 0);
	igt_fork(child, 1) {
		close(ready[0]);
		close(stop[1]);
		busy_child(ready[1], stop[0], class_copy);
	}
	close(ready[1]);
	close(stop[0]);
	b->stop = stop[1];

	p = (struct pollfd){ .fd = ready[0], .events = POLLIN };
	igt_assert_f(poll(&p, 1, 60 * 1000) == 1,
		     "the busy client did not start in 60 s\n");
	igt_assert_f(read(ready[0], &b->msg, sizeof(b->msg)) ==
		     (ssize_t)sizeof(b->msg), "the busy client failed\n");
	close(ready[0]);
	igt_info("busy client: pid %d, fd %d, client id %" PRIu64 "\n",
		 (int)b->msg.pid, b->msg.fd, b->msg.client_id);
}

static void busy_stop(struct busy *b)
{
	close(b->stop);
	igt_waitchildren();
}

/*
 * The busy client's drm-engine-copy through IGT's parser (as gputop reads
 * it) of /proc/<pid>/fdinfo/<fd>; also checks the raw line's "ns" unit.
 */
static uint64_t busy_engine_ns(const struct busy *b)
{
	static struct drm_client_fdinfo info;
	char path[64], fdname[16], raw[8192], *line;
	int dir, copy = -1, rfd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo", (int)b->msg.pid);
	snprintf(fdname, sizeof(fdname), "%d", b->msg.fd);
	dir = open(path, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	igt_assert_f(dir >= 0, "%s: %s\n", path, strerror(errno));

	rfd = openat(dir, fdname, O_RDONLY | O_CLOEXEC);
	igt_assert(rfd >= 0);
	n = read(rfd, raw, sizeof(raw) - 1);
	close(rfd);
	igt_assert(n > 0);
	raw[n] = '\0';
	line = strstr(raw, "\ndrm-engine-copy:");
	igt_assert_f(line, "no drm-engine-copy key in fdinfo:\n%s\n", raw);
	line = strchr(line + 1, '\n');
	igt_assert_f(line && !strncmp(line - 3, " ns", 3),
		     "drm-engine-copy is not in ns:\n%s\n", raw);

	memset(&info, 0, sizeof(info));
	igt_assert(__igt_parse_drm_fdinfo(dir, fdname, &info, NULL, 0, NULL,
					  0));
	close(dir);
	igt_assert(!strcmp(info.driver, NOVA_DRIVER_NAME));
	igt_assert_eq_u64(info.id, b->msg.client_id);
	igt_assert(info.utilization_mask & DRM_FDINFO_UTILIZATION_ENGINE_TIME);
	for (unsigned int i = 0; i <= info.last_engine_index &&
	     i < DRM_CLIENT_FDINFO_MAX_ENGINES; i++)
		if (!strcmp(info.names[i], "copy"))
			copy = i;
	igt_assert_f(copy >= 0, "IGT's parser finds no \"copy\" engine\n");
	igt_assert_eq_u32(info.capacity[copy], 1);
	return info.engine_time[copy];
}

static void test_engine_busy_fdinfo(void)
{
	uint32_t class_copy = require_channels();
	uint64_t t1, t2, b1, b2, bound;
	struct busy b;

	busy_start(&b, class_copy);

	t1 = now_ns();
	b1 = busy_engine_ns(&b);
	sleep(1);
	t2 = now_ns();
	b2 = busy_engine_ns(&b);
	bound = now_ns() - b.msg.open_ns;

	igt_info("drm-engine-copy: %" PRIu64 " ns, then %" PRIu64 " ns "
		 "%.3f s later: %.1f%% busy\n", b1, b2, (t2 - t1) / 1e9,
		 b2 >= b1 ? 100.0 * (b2 - b1) / (t2 - t1) : 0.0);
	igt_assert_f(b1 > 0, "no copy-engine time after the first jobs\n");
	igt_assert_f(b2 > b1, "drm-engine-copy did not grow while the "
		     "client was busy\n");
	/* One channel's jobs run one after the other. */
	igt_assert_f(b2 <= bound, "drm-engine-copy %" PRIu64 " ns exceeds "
		     "the %" PRIu64 " ns the file has been open\n", b2, bound);

	busy_stop(&b);
}

/* Removes ANSI escape sequences (ESC [ ... letter) from @s in place. */
static void strip_ansi(char *s)
{
	char *w = s;

	while (*s) {
		if (s[0] == '\033' && s[1] == '[') {
			s += 2;
			while (*s && !isalpha((unsigned char)*s))
				s++;
			if (*s)
				s++;
			continue;
		}
		*w++ = *s++;
	}
	*w = '\0';
}

/*
 * gputop's figures for the client of process @pid: each line that starts
 * with the pid holds, after each '|', one engine's "NN.N%". Returns the
 * largest, or -1 if no line is the client's.
 */
static double gputop_client_pct(char *out, pid_t pid)
{
	char want[16], *save = NULL;
	double best = -1;

	snprintf(want, sizeof(want), "%d", (int)pid);
	strip_ansi(out);
	for (char *line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *p = line;

		while (*p == ' ')
			p++;
		if (strncmp(p, want, strlen(want)) || p[strlen(want)] != ' ')
			continue;
		if (best < 0)
			best = 0;
		while ((p = strchr(p, '|'))) {
			double pct;

			p++;
			if (sscanf(p, "%lf%%", &pct) == 1 && pct > best)
				best = pct;
		}
	}
	return best;
}

static void test_gputop_busy(void)
{
	char *const argv[] = { "gputop", "-n", "4", "-d", "0.5", NULL };
	struct winsize ws = { .ws_row = 50, .ws_col = 200 };
	uint32_t class_copy = require_channels();
	int master, slave, ret;
	struct busy b;
	double pct;

	/* A terminal for gputop's standard input, 200 columns wide. */
	master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	igt_assert_f(master >= 0, "posix_openpt: %s\n", strerror(errno));
	igt_assert_eq(grantpt(master), 0);
	igt_assert_eq(unlockpt(master), 0);
	slave = open(ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC);
	igt_assert_f(slave >= 0, "%s: %s\n", ptsname(master),
		     strerror(errno));
	igt_assert_eq(ioctl(slave, TIOCSWINSZ, &ws), 0);

	busy_start(&b, class_copy);
	ret = nova_run_capture_in(argv, slave, output, sizeof(output), 60);
	igt_info("$ gputop -n 4 -d 0.5: exit %d\n%s\n", ret, output);
	busy_stop(&b);
	close(slave);
	close(master);

	igt_require_f(ret != 127, "gputop is not installed\n");
	igt_assert_eq(ret, 0);
	igt_assert_f(strstr(output, "copy"),
		     "gputop shows no \"copy\" engine column\n");
	pct = gputop_client_pct(output, b.msg.pid);
	igt_assert_f(pct >= 0, "gputop shows no line for the busy client "
		     "(pid %d)\n", (int)b.msg.pid);
	igt_assert_f(pct > 0, "gputop shows the busy client at 0%% on the "
		     "copy engine\n");
	igt_info("gputop: the busy client at up to %.1f%% on the copy "
		 "engine\n", pct);
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

	igt_describe("A client keeping the copy engine busy: its "
		     "drm-engine-copy, read twice as gputop reads it, grows, "
		     "and stays within the time its file has been open.");
	igt_subtest("engine-busy-fdinfo")
		test_engine_busy_fdinfo();

	igt_describe("gputop, on a terminal, shows a client keeping the copy "
		     "engine busy with a copy-engine figure above zero.");
	igt_subtest("gputop-busy")
		test_gputop_busy();
}
