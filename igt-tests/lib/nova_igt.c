// SPDX-License-Identifier: MIT
/*
 * Helpers shared by nova's IGT tests; see nova_igt.h.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nova_igt.h"

/* --- opening the device ----------------------------------------------------- */

bool nova_is_nova_fd(int fd)
{
	char name[32] = "";

	if (__get_drm_device_name(fd, name, sizeof(name) - 1))
		return false;

	return strcmp(name, NOVA_DRIVER_NAME) == 0;
}

int __nova_open_node(const char *node)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "/dev/dri/%s", node);
	/*
	 * __drm_open_device() with DRIVER_ANY opens a node of any driver IGT
	 * does not know (drmtest.c: an unknown name keeps the DRIVER_ANY
	 * class), nova included, and logs the path.
	 */
	fd = __drm_open_device(path, DRIVER_ANY);
	if (fd < 0)
		return -1;

	if (!nova_is_nova_fd(fd)) {
		close(fd);
		return -1;
	}

	return fd;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

int __nova_open_render(void)
{
	int minors[256], count = 0;
	struct dirent *de;
	char node[64];
	DIR *dir;
	int fd;

	/*
	 * With --device or IGT_DEVICE, let IGT pick the node the filter names.
	 * Without one, IGT's own search would take the first render node of
	 * any driver, and load every module it knows when there is none, so
	 * look for nova's node here instead.
	 */
	if (igt_device_filter_count() > 0) {
		/*
		 * IGT resolves the filter by scanning every device through
		 * udev, which takes a good part of a second under emulation:
		 * resolve it once, then open the node it gave.
		 */
		static char filtered[64];

		if (filtered[0])
			return __nova_open_node(filtered);
		fd = __drm_open_driver_render(DRIVER_ANY);
		if (fd >= 0 && !nova_is_nova_fd(fd)) {
			igt_info("Device filter %s is not a nova device\n",
				 igt_device_filter_get(0));
			close(fd);
			fd = -1;
		}
		if (fd >= 0)
			snprintf(filtered, sizeof(filtered), "renderD%d",
				 nova_drm_minor(fd));
		return fd;
	}

	dir = opendir("/dev/dri");
	if (!dir)
		return -1;
	while ((de = readdir(dir)) && count < (int)ARRAY_SIZE(minors)) {
		int minor;

		if (sscanf(de->d_name, "renderD%d", &minor) == 1)
			minors[count++] = minor;
	}
	closedir(dir);

	/* Lowest-numbered nova render node first, for a stable choice. */
	qsort(minors, count, sizeof(minors[0]), cmp_int);
	for (int i = 0; i < count; i++) {
		snprintf(node, sizeof(node), "renderD%d", minors[i]);
		fd = __nova_open_node(node);
		if (fd >= 0)
			return fd;
	}

	return -1;
}

int nova_open_render(void)
{
	int fd = __nova_open_render();

	igt_require_f(fd >= 0, "no nova render node found\n");
	return fd;
}

int nova_drm_minor(int fd)
{
	struct stat st;

	if (fstat(fd, &st) || !S_ISCHR(st.st_mode))
		return -1;

	return minor(st.st_rdev);
}

static bool basename_of_link(const char *path, char *buf, size_t len)
{
	char real[PATH_MAX];
	const char *base;

	if (!realpath(path, real))
		return false;

	base = strrchr(real, '/');
	base = base ? base + 1 : real;
	if (strlen(base) + 1 > len)
		return false;

	strcpy(buf, base);
	return true;
}

bool nova_pci_address(int fd, char *buf, size_t len)
{
	char path[PATH_MAX];
	struct stat st;

	if (fstat(fd, &st) || !S_ISCHR(st.st_mode))
		return false;

	snprintf(path, sizeof(path), "/sys/dev/char/%u:%u/device",
		 major(st.st_rdev), minor(st.st_rdev));

	return basename_of_link(path, buf, len);
}

bool nova_render_node_of(const char *pci_addr, char *buf, size_t len)
{
	char path[PATH_MAX];
	struct dirent *de;
	bool found = false;
	DIR *dir;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/drm", pci_addr);
	dir = opendir(path);
	if (!dir)
		return false;

	while ((de = readdir(dir))) {
		if (strncmp(de->d_name, "renderD", 7))
			continue;
		if (strlen(de->d_name) + 1 > len)
			break;
		strcpy(buf, de->d_name);
		found = true;
		break;
	}

	closedir(dir);
	return found;
}

/* --- sysfs, environment ------------------------------------------------------ */

static bool parse_u64(const char *s, uint64_t *value)
{
	unsigned long long v;
	char *end;

	if (!s || !*s)
		return false;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return false;
	while (*end == '\n' || *end == ' ' || *end == '\t')
		end++;
	if (*end)
		return false;

	*value = v;
	return true;
}

static ssize_t read_file(const char *path, char *buf, size_t len)
{
	ssize_t total = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;

	while ((size_t)total < len - 1) {
		ssize_t n = read(fd, buf + total, len - 1 - total);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = -errno;

			close(fd);
			return err;
		}
		if (n == 0)
			break;
		total += n;
	}

	buf[total] = '\0';
	close(fd);
	return total;
}

bool nova_read_u64_file(const char *path, uint64_t *value)
{
	char buf[64];

	if (read_file(path, buf, sizeof(buf)) <= 0)
		return false;

	return parse_u64(buf, value);
}

bool nova_pci_attr_u64(const char *pci_addr, const char *attr,
		       uint64_t *value)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/%s",
		 pci_addr, attr);
	return nova_read_u64_file(path, value);
}

bool nova_pci_bar_size(const char *pci_addr, int bar, uint64_t *size)
{
	unsigned long long start, end, flags;
	char path[PATH_MAX];
	char line[256];
	bool ok = false;
	FILE *f;
	int i = 0;

	/*
	 * One line per resource, "start end flags" in hex
	 * (drivers/pci/pci-sysfs.c, resource_show()); the line of a BAR is its
	 * index, with an empty line after the low half of a 64-bit BAR.
	 */
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource",
		 pci_addr);
	f = fopen(path, "re");
	if (!f)
		return false;

	while (fgets(line, sizeof(line), f)) {
		if (i++ != bar)
			continue;
		if (sscanf(line, "%llx %llx %llx", &start, &end, &flags) == 3 &&
		    end > start) {
			*size = end - start + 1;
			ok = true;
		}
		break;
	}

	fclose(f);
	return ok;
}

int nova_write_bytes(const char *path, const void *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;

	n = write(fd, buf, len);
	if (n < 0) {
		int err = -errno;

		close(fd);
		return err;
	}

	close(fd);
	return (size_t)n == len ? 0 : -EIO;
}

int nova_write_file(const char *path, const char *value)
{
	return nova_write_bytes(path, value, strlen(value));
}

bool nova_pci_is_bound(const char *pci)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", pci);
	return access(path, F_OK) == 0;
}

int nova_driver_attr(const char *driver_dir, const char *attr, const char *pci)
{
	char path[PATH_MAX + 32];

	snprintf(path, sizeof(path), "%s/%s", driver_dir, attr);
	return nova_write_file(path, pci);
}

bool nova_env_u64(const char *name, uint64_t *value)
{
	const char *s = getenv(name);

	if (!s || !*s)
		return false;

	if (!parse_u64(s, value)) {
		igt_warn("Ignoring %s=%s: not a number\n", name, s);
		return false;
	}

	return true;
}

/* --- ioctls --------------------------------------------------------------- */

int nova_ioctl(int fd, unsigned long request, void *arg)
{
	int ret = 0;

	if (igt_ioctl(fd, request, arg))
		ret = -errno;
	errno = 0;
	return ret;
}

int __nova_getparam(int fd, uint64_t param, uint64_t *value)
{
	struct drm_nova_getparam gp = { .param = param };
	int ret;

	ret = nova_ioctl(fd, DRM_IOCTL_NOVA_GETPARAM, &gp);
	if (!ret)
		*value = gp.value;
	return ret;
}

uint64_t nova_getparam(int fd, uint64_t param)
{
	uint64_t value = 0;

	igt_assert_eq(__nova_getparam(fd, param, &value), 0);
	return value;
}

int __nova_gem_create(int fd, struct drm_nova_gem_create *create)
{
	return nova_ioctl(fd, DRM_IOCTL_NOVA_GEM_CREATE, create);
}

uint32_t nova_gem_create(int fd, uint64_t size, uint64_t *size_out)
{
	struct drm_nova_gem_create create = { .size = size };

	igt_assert_eq(__nova_gem_create(fd, &create), 0);
	igt_assert_neq_u32(create.handle, 0);
	if (size_out)
		*size_out = create.size;
	return create.handle;
}

int __nova_gem_info(int fd, struct drm_nova_gem_info *info)
{
	return nova_ioctl(fd, DRM_IOCTL_NOVA_GEM_INFO, info);
}

uint64_t nova_gem_size(int fd, uint32_t handle)
{
	struct drm_nova_gem_info info = { .handle = handle };

	igt_assert_eq(__nova_gem_info(fd, &info), 0);
	return info.size;
}

int __nova_gem_mmap_offset(int fd, struct drm_nova_gem_mmap_offset *arg)
{
	return nova_ioctl(fd, DRM_IOCTL_NOVA_GEM_MMAP_OFFSET, arg);
}

uint64_t nova_gem_mmap_offset(int fd, uint32_t handle)
{
	struct drm_nova_gem_mmap_offset arg = { .handle = handle };

	igt_assert_eq(__nova_gem_mmap_offset(fd, &arg), 0);
	/* A fake offset in the DRM device's address space, page aligned. */
	igt_assert_f(arg.offset && IS_ALIGNED(arg.offset, 4096ull),
		     "mmap offset %#llx\n", (unsigned long long)arg.offset);
	return arg.offset;
}

void *nova_gem_mmap(int fd, uint32_t handle, uint64_t size, int prot)
{
	uint64_t offset = nova_gem_mmap_offset(fd, handle);
	void *ptr;

	ptr = mmap(NULL, size, prot, MAP_SHARED, fd, offset);
	igt_assert_f(ptr != MAP_FAILED, "mmap of handle %u (%" PRIu64
		     " bytes at %#" PRIx64 ") failed: %s\n",
		     handle, size, offset, strerror(errno));
	return ptr;
}

int __gem_close(int fd, uint32_t handle)
{
	struct drm_gem_close close_args = { .handle = handle };

	return nova_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &close_args);
}

void gem_close(int fd, uint32_t handle)
{
	igt_assert_eq(__gem_close(fd, handle), 0);
}

uint32_t nova_gem_create_flags(int fd, uint64_t size, uint32_t flags,
			       uint64_t *size_out)
{
	struct drm_nova_gem_create create = { .size = size, .flags = flags };

	igt_assert_eq(__nova_gem_create(fd, &create), 0);
	igt_assert_neq_u32(create.handle, 0);
	if (size_out)
		*size_out = create.size;
	return create.handle;
}

uint32_t nova_gem_flags(int fd, uint32_t handle)
{
	struct drm_nova_gem_info info = { .handle = handle };

	igt_assert_eq(__nova_gem_info(fd, &info), 0);
	return info.flags;
}

/* --- DEVICE_INFO, VM_INIT, VM_BIND --------------------------------------- */

int __nova_device_info(int fd, struct drm_nova_device_info *info)
{
	return nova_ioctl(fd, DRM_IOCTL_NOVA_DEVICE_INFO, info);
}

int __nova_vm_init(int fd, uint64_t kernel_managed_addr,
		   uint64_t kernel_managed_size)
{
	struct drm_nova_vm_init arg = {
		.kernel_managed_addr = kernel_managed_addr,
		.kernel_managed_size = kernel_managed_size,
	};

	return nova_ioctl(fd, DRM_IOCTL_NOVA_VM_INIT, &arg);
}

void nova_vm_init(int fd, uint64_t kernel_managed_addr,
		  uint64_t kernel_managed_size)
{
	igt_assert_eq(__nova_vm_init(fd, kernel_managed_addr,
				     kernel_managed_size), 0);
}

int __nova_vm_bind(int fd, const struct drm_nova_vm_bind_op *ops,
		   uint32_t count, uint32_t *count_out)
{
	struct drm_nova_vm_bind arg = {
		.op_count = count,
		.op_ptr = (uintptr_t)ops,
	};
	int ret = nova_ioctl(fd, DRM_IOCTL_NOVA_VM_BIND, &arg);

	if (count_out)
		*count_out = arg.op_count;
	return ret;
}

int __nova_vm_map(int fd, uint32_t handle, uint64_t addr, uint64_t bo_offset,
		  uint64_t range, uint32_t flags)
{
	struct drm_nova_vm_bind_op op = {
		.op = NOVA_VM_BIND_OP_MAP, .flags = flags, .handle = handle,
		.addr = addr, .bo_offset = bo_offset, .range = range,
	};

	return __nova_vm_bind(fd, &op, 1, NULL);
}

void nova_vm_map(int fd, uint32_t handle, uint64_t addr, uint64_t bo_offset,
		 uint64_t range)
{
	int ret = __nova_vm_map(fd, handle, addr, bo_offset, range, 0);

	igt_assert_f(ret == 0, "VM_BIND MAP of handle %u [%#" PRIx64 " + %#"
		     PRIx64 ") at %#" PRIx64 ": %s\n", handle, bo_offset,
		     range, addr, strerror(-ret));
}

int __nova_vm_unmap(int fd, uint64_t addr, uint64_t range, uint32_t flags)
{
	struct drm_nova_vm_bind_op op = {
		.op = NOVA_VM_BIND_OP_UNMAP, .flags = flags,
		.addr = addr, .range = range,
	};

	return __nova_vm_bind(fd, &op, 1, NULL);
}

void nova_vm_unmap(int fd, uint64_t addr, uint64_t range)
{
	int ret = __nova_vm_unmap(fd, addr, range, 0);

	igt_assert_f(ret == 0, "VM_BIND UNMAP of [%#" PRIx64 ", +%#" PRIx64
		     "): %s\n", addr, range, strerror(-ret));
}

void nova_vm_sparse(int fd, uint64_t addr, uint64_t range)
{
	int ret = __nova_vm_map(fd, 0, addr, 0, range, NOVA_VM_BIND_SPARSE);

	igt_assert_f(ret == 0, "VM_BIND sparse region [%#" PRIx64 ", +%#"
		     PRIx64 "): %s\n", addr, range, strerror(-ret));
}

/* --- fdinfo ------------------------------------------------------------------ */

/* Parses "<number>[ KiB| MiB| GiB]" as drm_fdinfo_print_size() prints it. */
static uint64_t parse_size(const char *s)
{
	unsigned long long v;
	char *end;

	v = strtoull(s, &end, 10);
	while (*end == ' ' || *end == '\t')
		end++;
	if (!strncmp(end, "KiB", 3))
		v <<= 10;
	else if (!strncmp(end, "MiB", 3))
		v <<= 20;
	else if (!strncmp(end, "GiB", 3))
		v <<= 30;
	return v;
}

static const char *value_of(const char *line, const char *key)
{
	size_t len = strlen(key);

	if (strncmp(line, key, len) || line[len] != ':')
		return NULL;

	line += len + 1;
	while (*line == ' ' || *line == '\t')
		line++;
	return line;
}

bool nova_fdinfo_read(int fd, struct nova_fdinfo *info)
{
	char path[64], buf[8192];
	char *line, *save = NULL;
	const char *v;

	memset(info, 0, sizeof(*info));

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	if (read_file(path, buf, sizeof(buf)) <= 0)
		return false;

	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if ((v = value_of(line, "drm-driver"))) {
			snprintf(info->driver, sizeof(info->driver), "%s", v);
			info->has_driver = true;
		} else if ((v = value_of(line, "drm-client-id"))) {
			info->client_id = strtoull(v, NULL, 10);
			info->has_client_id = true;
		} else if ((v = value_of(line, "drm-pdev"))) {
			snprintf(info->pdev, sizeof(info->pdev), "%s", v);
			info->has_pdev = true;
		} else if ((v = value_of(line, "drm-total-memory"))) {
			info->total = parse_size(v);
			info->has_total = true;
		} else if ((v = value_of(line, "drm-shared-memory"))) {
			info->shared = parse_size(v);
			info->has_shared = true;
		} else if ((v = value_of(line, "drm-resident-memory"))) {
			info->resident = parse_size(v);
			info->has_resident = true;
		}
	}

	return true;
}

bool nova_igt_fdinfo_memory(int fd, struct drm_client_fdinfo *info,
			    struct drm_client_meminfo *mem)
{
	memset(info, 0, sizeof(*info));
	if (!igt_parse_drm_fdinfo(fd, info, NULL, 0, NULL, 0))
		return false;

	for (unsigned int i = 0; i <= info->last_region_index &&
	     i < DRM_CLIENT_FDINFO_MAX_REGIONS; i++) {
		if (!strcmp(info->region_names[i], "memory")) {
			*mem = info->region_mem[i];
			return true;
		}
	}

	return false;
}

/* --- GPU identity ------------------------------------------------------------ */

static const struct {
	uint32_t chipset;
	const char *name;
} chipsets[] = {
	/* NV_PMC_BOOT_42 bits 29:20, as nova-core's gpu.rs lists them. */
	{ 0x162, "TU102" }, { 0x164, "TU104" }, { 0x166, "TU106" },
	{ 0x167, "TU117" }, { 0x168, "TU116" },
	{ 0x170, "GA100" }, { 0x172, "GA102" }, { 0x173, "GA103" },
	{ 0x174, "GA104" }, { 0x176, "GA106" }, { 0x177, "GA107" },
	{ 0x180, "GH100" },
	{ 0x192, "AD102" }, { 0x193, "AD103" }, { 0x194, "AD104" },
	{ 0x196, "AD106" }, { 0x197, "AD107" },
	{ 0x1a0, "GB100" }, { 0x1a2, "GB102" },
	{ 0x1b2, "GB202" }, { 0x1b3, "GB203" }, { 0x1b5, "GB205" },
	{ 0x1b6, "GB206" }, { 0x1b7, "GB207" },
};

const char *nova_chipset_name(uint64_t chipset)
{
	for (size_t i = 0; i < ARRAY_SIZE(chipsets); i++)
		if (chipsets[i].chipset == chipset)
			return chipsets[i].name;
	return NULL;
}

const char *nova_architecture_name(uint64_t arch)
{
	switch (arch) {
	case NOVA_ARCHITECTURE_TURING:		return "Turing";
	case NOVA_ARCHITECTURE_AMPERE:		return "Ampere";
	case NOVA_ARCHITECTURE_HOPPER:		return "Hopper";
	case NOVA_ARCHITECTURE_ADA:		return "Ada";
	case NOVA_ARCHITECTURE_BLACKWELL_GB10X:	return "Blackwell (GB10x)";
	case NOVA_ARCHITECTURE_BLACKWELL_GB20X:	return "Blackwell (GB20x)";
	default:				return NULL;
	}
}

int nova_device_id_architecture(uint64_t device_id)
{
	/*
	 * PCI device ID blocks of the GSP-era chips (from the IDs of shipped
	 * boards: e.g. 0x1e04 TU102, 0x2204 GA102, 0x2330 GH100, 0x2684 AD102,
	 * 0x2901 GB100, 0x2b85 GB202). IDs outside these blocks are not
	 * judged.
	 */
	static const struct {
		uint16_t first, last;
		int arch;
	} blocks[] = {
		{ 0x1e00, 0x1fff, NOVA_ARCHITECTURE_TURING },
		{ 0x2180, 0x21ff, NOVA_ARCHITECTURE_TURING },
		{ 0x20b0, 0x20ff, NOVA_ARCHITECTURE_AMPERE },
		{ 0x2200, 0x22ff, NOVA_ARCHITECTURE_AMPERE },
		{ 0x2400, 0x25ff, NOVA_ARCHITECTURE_AMPERE },
		{ 0x2300, 0x23ff, NOVA_ARCHITECTURE_HOPPER },
		{ 0x2680, 0x28ff, NOVA_ARCHITECTURE_ADA },
		{ 0x2900, 0x29ff, NOVA_ARCHITECTURE_BLACKWELL_GB10X },
		{ 0x2b00, 0x2fff, NOVA_ARCHITECTURE_BLACKWELL_GB20X },
	};

	for (size_t i = 0; i < ARRAY_SIZE(blocks); i++)
		if (device_id >= blocks[i].first && device_id <= blocks[i].last)
			return blocks[i].arch;
	return -1;
}

/* --- processes ---------------------------------------------------------------- */

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int nova_run_capture(char *const argv[], char *buf, size_t len,
		     unsigned int timeout_s)
{
	return nova_run_capture_in(argv, -1, buf, len, timeout_s);
}

int nova_run_capture_in(char *const argv[], int in_fd, char *buf, size_t len,
			unsigned int timeout_s)
{
	uint64_t deadline = now_ms() + (uint64_t)timeout_s * 1000;
	size_t used = 0;
	bool killed = false;
	int pipefd[2];
	int status;
	pid_t pid;

	igt_assert(len > 0);
	buf[0] = '\0';

	if (pipe2(pipefd, O_CLOEXEC))
		return -errno;

	pid = fork();
	if (pid < 0) {
		int err = -errno;

		close(pipefd[0]);
		close(pipefd[1]);
		return err;
	}

	if (pid == 0) {
		int null = in_fd >= 0 ? in_fd : open("/dev/null", O_RDONLY);

		if (null >= 0)
			dup2(null, STDIN_FILENO);
		dup2(pipefd[1], STDOUT_FILENO);
		dup2(pipefd[1], STDERR_FILENO);
		execvp(argv[0], argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}

	close(pipefd[1]);
	for (;;) {
		struct pollfd pfd = { .fd = pipefd[0], .events = POLLIN };
		uint64_t now = now_ms();
		char tmp[4096];
		ssize_t n;

		if (now >= deadline) {
			kill(pid, SIGKILL);
			killed = true;
			break;
		}

		if (poll(&pfd, 1, deadline - now) <= 0)
			continue;

		n = read(pipefd[0], tmp, sizeof(tmp));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;

		if (used < len - 1) {
			size_t take = (size_t)n < len - 1 - used ?
				      (size_t)n : len - 1 - used;

			memcpy(buf + used, tmp, take);
			used += take;
			buf[used] = '\0';
		}
	}
	close(pipefd[0]);

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;

	if (killed)
		igt_warn("%s did not finish within %us\n", argv[0], timeout_s);

	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
