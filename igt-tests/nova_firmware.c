// SPDX-License-Identifier: MIT
/*
 * nova_firmware - nova checks every firmware file of its chip when it is
 * bound (drivers/gpu/drm/nova/firmware.rs, check_all()): a file that does
 * not parse fails probe with -EINVAL and the log line
 *   nova <pci>: firmware: nvidia/<chip>/gsp/<file>: invalid: <problem>
 * and a file that cannot be loaded fails it with the loader's error and
 *   nova <pci>: firmware: nvidia/<chip>/gsp/<file>: cannot load (<error>)
 *
 * This test feeds it corrupted copies of each file through the firmware
 * loader's search path parameter (firmware_class.path, a directory searched
 * before /lib/firmware, see drivers/base/firmware_loader/main.c), and hides
 * one file at a time by mounting a copy of the chip's directory without it
 * over /lib/firmware/nvidia/<chip>/gsp. Each time the bind must fail with
 * that message, leave no render node and no kernel warning behind, and a
 * bind with the real files must give a working device again.
 *
 * The corruptions are per format: the bin_hdr that starts the bootloader,
 * booter, scrubber and generic bootloader files (fwparse/bin_hdr.rs), and
 * the ELF header and section table of GSP-RM and FMC (fwparse/elf.rs).
 * Copies of GSP-RM (63 MB) are sparse: only the ELF header, the section
 * table and the small sections are written, so making one costs a few MB,
 * and the parser sees a well-formed file up to the corrupted field.
 */

#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "igt.h"
#include "nova_igt.h"

IGT_TEST_DESCRIPTION("nova refuses corrupt or missing firmware files at "
		     "bind time, cleanly, and works again once they are "
		     "back.");

#define FW_PATH_PARAM	"/sys/module/firmware_class/parameters/path"
#define FW_ROOT		"/lib/firmware"

/* --- the files nova loads, per chip (drivers/gpu/drm/nova/chip.rs) ----- */

static const char *const fw_gen_bootloader[] = {
	"bootloader-570.144.bin", "booter_load-570.144.bin",
	"booter_unload-570.144.bin", "gen_bootloader-570.144.bin",
	"gsp-570.144.bin", NULL,
};

static const char *const fw_booter[] = {
	"bootloader-570.144.bin", "booter_load-570.144.bin",
	"booter_unload-570.144.bin", "gsp-570.144.bin", NULL,
};

static const char *const fw_booter_scrubber[] = {
	"bootloader-570.144.bin", "booter_load-570.144.bin",
	"booter_unload-570.144.bin", "gsp-570.144.bin",
	"scrubber-570.144.bin", NULL,
};

static const char *const fw_fmc[] = {
	"bootloader-570.144.bin", "fmc-570.144.bin", "gsp-570.144.bin", NULL,
};

static const struct chip {
	uint32_t chipset;
	const char *dir;
	const char *const *files;
} chips[] = {
	{ 0x162, "tu102", fw_gen_bootloader },
	{ 0x164, "tu104", fw_gen_bootloader },
	{ 0x166, "tu106", fw_gen_bootloader },
	{ 0x167, "tu117", fw_gen_bootloader },
	{ 0x168, "tu116", fw_gen_bootloader },
	{ 0x170, "ga100", fw_gen_bootloader },
	{ 0x172, "ga102", fw_booter },
	{ 0x173, "ga103", fw_booter },
	{ 0x174, "ga104", fw_booter },
	{ 0x176, "ga106", fw_booter },
	{ 0x177, "ga107", fw_booter },
	{ 0x180, "gh100", fw_fmc },
	{ 0x192, "ad102", fw_booter_scrubber },
	{ 0x193, "ad103", fw_booter_scrubber },
	{ 0x194, "ad104", fw_booter_scrubber },
	{ 0x196, "ad106", fw_booter_scrubber },
	{ 0x197, "ad107", fw_booter_scrubber },
	{ 0x1a0, "gb100", fw_fmc },
	{ 0x1a2, "gb102", fw_fmc },
	{ 0x1b2, "gb202", fw_fmc },
	{ 0x1b3, "gb203", fw_fmc },
	{ 0x1b5, "gb205", fw_fmc },
	{ 0x1b6, "gb206", fw_fmc },
	{ 0x1b7, "gb207", fw_fmc },
};

/* GSP-RM and FMC are ELF files; the others start with a bin_hdr. */
static bool is_elf(const char *file)
{
	return !strncmp(file, "gsp-", 4) || !strncmp(file, "fmc-", 4);
}

/* The section whose size the "bad-size" corruption grows. */
static const char *elf_main_section(const char *file)
{
	return !strncmp(file, "gsp-", 4) ? ".fwimage" : "image";
}

/* "booter_load-570.144.bin" -> "booter_load": a valid subtest name. */
static void file_kind(const char *file, char *buf, size_t len)
{
	size_t n = strcspn(file, "-.");

	snprintf(buf, len, "%.*s", (int)n, file);
}

/* --- corruptions ------------------------------------------------------------- */

enum corruption {
	TRUNCATED,
	BAD_MAGIC,
	BAD_OFFSET,
	BAD_SIZE,
	NUM_CORRUPTIONS,
};

static const struct corruption_info {
	const char *name;
	const char *description;
	/*
	 * The problem nova must report: one of these must be in the
	 * "invalid:" line (fwparse/error.rs, ParseError's Display).
	 */
	const char *expect[2];
} corruptions[NUM_CORRUPTIONS] = {
	[TRUNCATED] = {
		"truncated",
		"A copy cut after its first header (the 24-byte bin_hdr, the "
		"ELF file header) fails bind with EINVAL and an 'invalid:' "
		"log line for the file; the real file binds again.",
		{ "truncated", "outside" },
	},
	[BAD_MAGIC] = {
		"bad-magic",
		"A copy with a wrong magic (bin_hdr 0x10de, ELF \\x7fELF) fails "
		"bind with EINVAL and an 'invalid: ... bad magic' log line for "
		"the file; the real file binds again.",
		{ "bad magic", NULL },
	},
	[BAD_OFFSET] = {
		"bad-offset",
		"A copy whose bin_hdr header offset or ELF section table "
		"offset points at the end of the file fails bind with EINVAL "
		"and an 'invalid:' log line for the file; the real file binds "
		"again.",
		{ "outside", NULL },
	},
	[BAD_SIZE] = {
		"bad-size",
		"A copy whose bin_hdr payload size or ELF image section size "
		"reaches one byte past the end of the file fails bind with "
		"EINVAL and an 'invalid:' log line for the file; the real file "
		"binds again.",
		{ "outside", NULL },
	},
};

/* --- state, set by the fixture; read by the exit handler ------------------- */

static char pci[64];
static char driver_dir[PATH_MAX];
static const struct chip *chip;
static uint64_t chipset;
/* The chip's firmware directory, symlinks resolved. */
static char gsp_dir[PATH_MAX];
/* Our directory under /tmp, and the firmware path inside it. */
static char tmp_dir[64];
static char tmp_gsp_dir[128];
static char staging_dir[128];
/* firmware_class.path as we found it, without the newline of the read. */
static char fw_path_orig[256];
static bool fw_path_changed;
static bool overmounted;

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* --- binding ---------------------------------------------------------------- */

static bool is_bound(void)
{
	return nova_pci_is_bound(pci);
}

static int write_driver_attr(const char *attr)
{
	return nova_driver_attr(driver_dir, attr, pci);
}

static void unbind(void)
{
	int ret;

	ret = write_driver_attr("unbind");
	igt_assert_f(ret == 0, "unbind of %s failed: %s\n", pci,
		     strerror(-ret));
	igt_assert(!is_bound());
}

/* True if any /dev/dri/renderD* node belongs to nova. */
static bool any_nova_render_node(void)
{
	struct dirent *de;
	bool found = false;
	DIR *dir;

	dir = opendir("/dev/dri");
	if (!dir)
		return false;

	while (!found && (de = readdir(dir))) {
		int fd;

		if (strncmp(de->d_name, "renderD", 7))
			continue;
		fd = __nova_open_node(de->d_name);
		if (fd >= 0) {
			close(fd);
			found = true;
		}
	}

	closedir(dir);
	return found;
}

/* Binds nova, waits for its render node and checks that it answers. */
static void bind_and_check(void)
{
	uint64_t timeout_s = 60, deadline;
	char node[64];
	int ret, fd = -1;

	nova_env_u64("NOVA_BIND_TIMEOUT", &timeout_s);

	ret = write_driver_attr("bind");
	igt_assert_f(ret == 0, "bind of %s with the real firmware failed: "
		     "%s\n", pci, strerror(-ret));
	igt_assert(is_bound());

	deadline = now_ms() + timeout_s * 1000;
	do {
		if (nova_render_node_of(pci, node, sizeof(node))) {
			fd = __nova_open_node(node);
			if (fd >= 0)
				break;
		}
		usleep(20 * 1000);
	} while (now_ms() < deadline);
	igt_assert_f(fd >= 0, "no nova render node for %s %" PRIu64
		     "s after bind\n", pci, timeout_s);

	igt_assert_eq_u64(nova_getparam(fd, NOVA_GETPARAM_PCI_VENDOR_ID),
			  NOVA_PCI_VENDOR_NVIDIA);
	igt_assert_eq_u64(nova_getparam(fd, NOVA_GETPARAM_CHIPSET), chipset);
	close(fd);
}

/* --- firmware_class.path ------------------------------------------------------ */

/*
 * Sets firmware_class.path. The parameter is a string copied as written
 * (kernel/params.c, param_set_copystring()): an empty write does not reach
 * it at all (fs/sysfs/file.c, sysfs_kf_write() returns early), and "\n"
 * would be kept and searched as "/" (the loader cuts the path at the
 * newline and still uses it, since its first byte is not NUL). A single
 * NUL byte stores the empty string, which the loader skips.
 */
static int set_fw_path(const char *value)
{
	return *value ? nova_write_file(FW_PATH_PARAM, value) :
			nova_write_bytes(FW_PATH_PARAM, "", 1);
}

/* Reads firmware_class.path without the newline the read adds. */
static bool get_fw_path(char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(FW_PATH_PARAM, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	if (buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return true;
}

static void point_fw_path_at_tmp(void)
{
	char now[256];
	int ret;

	fw_path_changed = true;
	ret = set_fw_path(tmp_dir);
	igt_assert_f(ret == 0, "cannot set %s: %s\n", FW_PATH_PARAM,
		     strerror(-ret));
	igt_assert(get_fw_path(now, sizeof(now)));
	igt_assert_eq(strcmp(now, tmp_dir), 0);
}

static void restore_fw_path(void)
{
	char now[256];
	int ret;

	if (!fw_path_changed)
		return;
	ret = set_fw_path(fw_path_orig);
	igt_assert_f(ret == 0, "cannot restore %s: %s\n", FW_PATH_PARAM,
		     strerror(-ret));
	igt_assert(get_fw_path(now, sizeof(now)));
	igt_assert_f(!strcmp(now, fw_path_orig),
		     "%s reads '%s' after restoring '%s'\n", FW_PATH_PARAM,
		     now, fw_path_orig);
	fw_path_changed = false;
}

/* --- the kernel log ------------------------------------------------------------ */

/* Opens /dev/kmsg at its end: later reads return only new records. */
static int kmsg_open(void)
{
	int fd;

	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	igt_assert_f(fd >= 0, "cannot open /dev/kmsg: %m\n");
	igt_assert(lseek(fd, 0, SEEK_END) >= 0);
	return fd;
}

/*
 * Returns the text of the records logged since kmsg_open(), one per line
 * (malloc()ed), and closes @fd.
 */
static char *kmsg_collect(int fd)
{
	size_t cap = 16384, len = 0;
	char *out = malloc(cap);
	char rec[8192];

	igt_assert(out);
	out[0] = '\0';

	for (;;) {
		char *text, *end;
		size_t n;
		ssize_t r;

		r = read(fd, rec, sizeof(rec) - 1);
		if (r < 0) {
			if (errno == EINTR || errno == EPIPE)
				continue; /* EPIPE: records were overwritten */
			igt_assert_f(errno == EAGAIN, "reading /dev/kmsg: %m\n");
			break;
		}
		rec[r] = '\0';

		/* "prio,seq,ts,flags;text\n" then " KEY=value" lines. */
		text = strchr(rec, ';');
		if (!text)
			continue;
		text++;
		end = strchr(text, '\n');
		if (end)
			*end = '\0';

		n = strlen(text);
		if (len + n + 2 > cap) {
			cap = 2 * (len + n + 2);
			out = realloc(out, cap);
			igt_assert(out);
		}
		memcpy(out + len, text, n);
		len += n;
		out[len++] = '\n';
		out[len] = '\0';
	}

	close(fd);
	return out;
}

/* The kernel reports that fail a test, as run.sh looks for them. */
static const char *const kernel_problems[] = {
	"WARNING:", "BUG:", "Oops", "general protection fault",
	"possible circular locking", "possible recursive locking",
	"inconsistent lock state", "KASAN:", "UBSAN:", "refcount_t:",
	"Kernel panic", "panicked at", "blocked for more than",
	"detected stall",
};

static void check_no_kernel_problem(const char *log)
{
	for (size_t i = 0; i < ARRAY_SIZE(kernel_problems); i++) {
		const char *hit = strstr(log, kernel_problems[i]);
		const char *eol;

		if (!hit)
			continue;
		eol = strchr(hit, '\n');
		igt_assert_f(false, "kernel log: %.*s\n",
			     eol ? (int)(eol - hit) : (int)strlen(hit), hit);
	}
}

/*
 * Finds the line of @log that holds @needle and nova's PCI address; copies
 * it into @line (NUL-terminated) and returns true if there is one.
 */
static bool find_line(const char *log, const char *needle, char *line,
		      size_t len)
{
	const char *p = log;

	while (*p) {
		const char *eol = strchrnul(p, '\n');
		size_t n = eol - p;

		snprintf(line, len, "%.*s", (int)n, p);
		if (strstr(line, needle) && strstr(line, pci))
			return true;
		p = *eol ? eol + 1 : eol;
	}
	line[0] = '\0';
	return false;
}

/*
 * Binds nova with a bad or missing @file: the bind must fail with
 * @expect_err, leave the device unbound and without a render node, and log
 * "firmware: nvidia/<chip>/gsp/<file>: <what>" with one of @problems in it.
 */
static void bind_must_fail(const char *file, int expect_err, const char *what,
			   const char *const problems[2])
{
	char needle[256], line[1024];
	bool matched = false;
	char *log;
	int kmsg, ret;

	unbind();

	kmsg = kmsg_open();
	igt_kmsg(KMSG_INFO "nova_firmware: binding %s with a bad %s\n", pci,
		 file);
	ret = write_driver_attr("bind");
	log = kmsg_collect(kmsg);
	igt_debug("kernel log of the bind:\n%s", log);

	igt_assert_f(ret != 0, "bind of %s succeeded with a bad %s\n", pci,
		     file);
	igt_assert_f(ret == expect_err, "bind failed with %s, expected %s\n",
		     strerror(-ret), strerror(-expect_err));
	igt_assert(!is_bound());
	igt_assert(!nova_render_node_of(pci, line, sizeof(line)));
	igt_assert_f(!any_nova_render_node(),
		     "a nova render node exists after the failed bind\n");

	snprintf(needle, sizeof(needle), "firmware: nvidia/%s/gsp/%s: %s",
		 chip->dir, file, what);
	igt_assert_f(find_line(log, needle, line, sizeof(line)),
		     "no '%s' line in the kernel log; it shows:\n%s", needle,
		     log);
	igt_info("%s\n", line);
	for (int i = 0; i < 2; i++)
		if (problems[i] && strstr(line, problems[i]))
			matched = true;
	igt_assert_f(matched, "the reported problem is not '%s'%s%s%s\n",
		     problems[0], problems[1] ? " or '" : "",
		     problems[1] ? problems[1] : "", problems[1] ? "'" : "");
	check_no_kernel_problem(log);
	free(log);
}

/* --- making corrupted copies ------------------------------------------------- */

static void original_path(const char *file, char *buf, size_t len)
{
	snprintf(buf, len, "%s/nvidia/%s/gsp/%s", FW_ROOT, chip->dir, file);
}

static void tmp_path(const char *file, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", tmp_gsp_dir, file);
}

static void pread_all(int fd, void *buf, size_t len, uint64_t offset)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(fd, (char *)buf + done, len - done,
				  offset + done);

		igt_assert_f(n > 0, "read of the firmware file failed: %s\n",
			     n < 0 ? strerror(errno) : "end of file");
		done += n;
	}
}

static void pwrite_all(int fd, const void *buf, size_t len, uint64_t offset)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pwrite(fd, (const char *)buf + done, len - done,
				   offset + done);

		igt_assert_f(n > 0, "write of the copy failed: %m\n");
		done += n;
	}
}

static uint32_t get_le32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return le32toh(v);
}

static uint64_t get_le64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return le64toh(v);
}

static uint16_t get_le16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return le16toh(v);
}

static void put_le32(uint8_t *p, uint32_t v)
{
	v = htole32(v);
	memcpy(p, &v, 4);
}

static void put_le64(uint8_t *p, uint64_t v)
{
	v = htole64(v);
	memcpy(p, &v, 8);
}

/* bin_hdr (fwparse/bin_hdr.rs): six little-endian u32. */
#define BIN_HDR_SIZE		24
#define BIN_MAGIC		0x10de
#define BIN_HEADER_OFFSET	12
#define BIN_DATA_OFFSET		16
#define BIN_DATA_SIZE		20

static void corrupt_bin(int src, uint64_t size, int dst, enum corruption c)
{
	uint32_t data_offset;
	uint8_t *buf;

	igt_assert_f(size >= BIN_HDR_SIZE && size < (64 << 20),
		     "unexpected size %" PRIu64 " of a bin_hdr file\n", size);
	buf = malloc(size);
	igt_assert(buf);
	pread_all(src, buf, size, 0);
	igt_assert_f(get_le32(buf) == BIN_MAGIC,
		     "the original file has no bin_hdr\n");

	switch (c) {
	case TRUNCATED:
		size = BIN_HDR_SIZE;
		break;
	case BAD_MAGIC:
		put_le32(buf, 0xbad0);
		break;
	case BAD_OFFSET:
		put_le32(buf + BIN_HEADER_OFFSET, size);
		break;
	case BAD_SIZE:
		data_offset = get_le32(buf + BIN_DATA_OFFSET);
		igt_assert(data_offset < size);
		put_le32(buf + BIN_DATA_SIZE, size - data_offset + 1);
		break;
	case NUM_CORRUPTIONS:
		igt_assert(false);
	}

	pwrite_all(dst, buf, size, 0);
	free(buf);
}

/* ELF (fwparse/elf.rs): the fields of the file and section headers. */
struct elf_layout {
	bool is64;
	unsigned int ehsize;	/* size of the file header */
	unsigned int shoff_at;	/* e_shoff in the file header */
	unsigned int sh_offset_at, sh_size_at; /* in a section header */
};

static const struct elf_layout elf32 = { false, 52, 32, 16, 20 };
static const struct elf_layout elf64 = { true, 64, 40, 24, 32 };

static uint64_t get_word(const struct elf_layout *l, const uint8_t *p)
{
	return l->is64 ? get_le64(p) : get_le32(p);
}

static void put_word(const struct elf_layout *l, uint8_t *p, uint64_t v)
{
	if (l->is64)
		put_le64(p, v);
	else
		put_le32(p, v);
}

/* Sections up to this size are copied; bigger ones stay holes. */
#define ELF_COPY_MAX	(1 << 20)

/*
 * Writes a sparse copy of ELF file @src: the file header, the section
 * table and the contents of every section up to ELF_COPY_MAX bytes, at
 * their offsets, in a file of the original size. Then corrupts it.
 */
static void corrupt_elf(int src, uint64_t size, int dst, const char *file,
			enum corruption c)
{
	const struct elf_layout *l;
	uint8_t ehdr[64], *shdrs, *strtab;
	uint64_t shoff, table, str_off, str_size;
	uint16_t shentsize, shnum, shstrndx;
	bool found = false;

	igt_assert(size >= sizeof(ehdr));
	pread_all(src, ehdr, sizeof(ehdr), 0);
	igt_assert_f(!memcmp(ehdr, "\x7f" "ELF", 4),
		     "the original file is not ELF\n");
	igt_assert(ehdr[4] == 1 || ehdr[4] == 2);
	l = ehdr[4] == 2 ? &elf64 : &elf32;

	if (c == TRUNCATED) {
		pwrite_all(dst, ehdr, l->ehsize, 0);
		return;
	}

	shoff = get_word(l, ehdr + l->shoff_at);
	shentsize = get_le16(ehdr + l->ehsize - 6);
	shnum = get_le16(ehdr + l->ehsize - 4);
	shstrndx = get_le16(ehdr + l->ehsize - 2);
	table = (uint64_t)shentsize * shnum;
	igt_assert(shnum && shstrndx < shnum && shentsize >= 40);
	igt_assert(shoff < size && table <= size - shoff);

	shdrs = malloc(table);
	igt_assert(shdrs);
	pread_all(src, shdrs, table, shoff);

	igt_assert_eq(ftruncate(dst, size), 0);
	for (unsigned int i = 0; i < shnum; i++) {
		const uint8_t *sh = shdrs + i * shentsize;
		uint64_t off = get_word(l, sh + l->sh_offset_at);
		uint64_t len = get_word(l, sh + l->sh_size_at);
		void *buf;

		if (get_le32(sh + 4) == 8 /* SHT_NOBITS */ || !len ||
		    len > ELF_COPY_MAX || off > size || len > size - off)
			continue;
		buf = malloc(len);
		igt_assert(buf);
		pread_all(src, buf, len, off);
		pwrite_all(dst, buf, len, off);
		free(buf);
	}

	switch (c) {
	case BAD_MAGIC:
		memcpy(ehdr, "\x7f" "BAD", 4);
		break;
	case BAD_OFFSET:
		put_word(l, ehdr + l->shoff_at, size);
		break;
	case BAD_SIZE:
		/* Grow the image section to end one byte past the file. */
		str_off = get_word(l, shdrs + shstrndx * shentsize +
				   l->sh_offset_at);
		str_size = get_word(l, shdrs + shstrndx * shentsize +
				    l->sh_size_at);
		igt_assert(str_size <= ELF_COPY_MAX && str_off < size &&
			   str_size <= size - str_off);
		strtab = malloc(str_size + 1);
		igt_assert(strtab);
		pread_all(src, strtab, str_size, str_off);
		strtab[str_size] = '\0';
		for (unsigned int i = 0; i < shnum && !found; i++) {
			uint8_t *sh = shdrs + i * shentsize;
			uint32_t name = get_le32(sh);
			uint64_t off = get_word(l, sh + l->sh_offset_at);

			if (name >= str_size ||
			    strcmp((char *)strtab + name,
				   elf_main_section(file)))
				continue;
			igt_assert(off < size);
			put_word(l, sh + l->sh_size_at, size - off + 1);
			found = true;
		}
		free(strtab);
		igt_assert_f(found, "no section %s in %s\n",
			     elf_main_section(file), file);
		break;
	case TRUNCATED:
	case NUM_CORRUPTIONS:
		igt_assert(false);
	}

	pwrite_all(dst, shdrs, table, shoff);
	pwrite_all(dst, ehdr, l->ehsize, 0);
	free(shdrs);
}

/* Writes a corrupted copy of @file into the firmware path directory. */
static void make_corrupt_copy(const char *file, enum corruption c)
{
	char from[PATH_MAX], to[PATH_MAX];
	struct stat st;
	int src, dst;

	original_path(file, from, sizeof(from));
	tmp_path(file, to, sizeof(to));

	src = open(from, O_RDONLY | O_CLOEXEC);
	igt_assert_f(src >= 0, "cannot open %s: %m\n", from);
	igt_assert_eq(fstat(src, &st), 0);
	dst = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	igt_assert_f(dst >= 0, "cannot create %s: %m\n", to);

	if (is_elf(file))
		corrupt_elf(src, st.st_size, dst, file, c);
	else
		corrupt_bin(src, st.st_size, dst, c);

	close(dst);
	close(src);
	igt_debug("%s: %s copy at %s\n", file, corruptions[c].name, to);
}

/* --- hiding a file ------------------------------------------------------------ */

static void staging_path(const char *file, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", staging_dir, file);
}

/*
 * Mounts a copy of the chip's firmware directory without @missing over it:
 * a directory under /tmp holding an empty file per other file, with the
 * original bind-mounted on it (no 63 MB copy), bound recursively over
 * gsp_dir. Loads of the firmware resolve paths in init's mount namespace,
 * which is ours in the VM.
 */
static void hide_file(const char *missing)
{
	char from[PATH_MAX], to[PATH_MAX], real[PATH_MAX];
	int fd;

	for (const char *const *f = chip->files; *f; f++) {
		if (!strcmp(*f, missing))
			continue;
		original_path(*f, from, sizeof(from));
		igt_assert_f(realpath(from, real), "%s: %m\n", from);
		staging_path(*f, to, sizeof(to));
		fd = open(to, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		igt_assert_f(fd >= 0, "cannot create %s: %m\n", to);
		close(fd);
		igt_assert_f(mount(real, to, NULL, MS_BIND, NULL) == 0,
			     "bind mount of %s on %s: %m\n", real, to);
	}

	overmounted = true;
	igt_assert_f(mount(staging_dir, gsp_dir, NULL, MS_BIND | MS_REC,
			   NULL) == 0, "mount over %s: %m\n", gsp_dir);

	/* What the loader will see. */
	original_path(missing, from, sizeof(from));
	igt_assert_f(access(from, F_OK) < 0 && errno == ENOENT,
		     "%s is still there\n", from);
	for (const char *const *f = chip->files; *f; f++) {
		if (strcmp(*f, missing)) {
			original_path(*f, from, sizeof(from));
			igt_assert_f(access(from, R_OK) == 0, "%s: %m\n",
				     from);
		}
	}
}

/* Undoes hide_file(); safe to call at any point of it. */
static void unhide_files(void)
{
	char path[PATH_MAX];

	if (overmounted) {
		/* Detaching the top one takes its submounts along. */
		if (umount2(gsp_dir, MNT_DETACH) < 0 && errno != EINVAL)
			igt_warn("umount %s: %m\n", gsp_dir);
		overmounted = false;
	}
	if (!staging_dir[0] || !chip)
		return;
	for (const char *const *f = chip->files; *f; f++) {
		staging_path(*f, path, sizeof(path));
		umount2(path, MNT_DETACH);
		unlink(path);
	}
}

/* --- state ---------------------------------------------------------------------- */

static void remove_tmp_files(void)
{
	char path[PATH_MAX];

	if (!tmp_gsp_dir[0] || !chip)
		return;
	for (const char *const *f = chip->files; *f; f++) {
		tmp_path(*f, path, sizeof(path));
		unlink(path);
	}
}

/*
 * Back to the state we found: real firmware files, firmware_class.path as
 * it was, the device bound. Asserts; used between subtests.
 */
static void restore_state(void)
{
	unhide_files();
	remove_tmp_files();
	restore_fw_path();
	if (!is_bound())
		bind_and_check();
}

/* Exit handler: the same, without asserting, and remove our directory. */
static void restore_at_exit(int sig)
{
	char path[PATH_MAX];

	(void)sig;

	unhide_files();
	remove_tmp_files();
	if (fw_path_changed && set_fw_path(fw_path_orig) == 0)
		fw_path_changed = false;
	if (pci[0] && driver_dir[0] && !is_bound())
		write_driver_attr("bind");

	if (tmp_dir[0]) {
		rmdir(staging_dir);
		rmdir(tmp_gsp_dir);
		snprintf(path, sizeof(path), "%s/nvidia/%s", tmp_dir,
			 chip ? chip->dir : "");
		rmdir(path);
		snprintf(path, sizeof(path), "%s/nvidia", tmp_dir);
		rmdir(path);
		rmdir(tmp_dir);
	}
}

/* --- subtests -------------------------------------------------------------------- */

/*
 * The kernel log of a whole cycle (unbind, failed bind, bind with the real
 * files) must hold no warning: the failed bind checks its own part, this
 * catches what unwinding it leaves for the next bind.
 */
static void check_cycle_log(int kmsg)
{
	char *log = kmsg_collect(kmsg);

	check_no_kernel_problem(log);
	free(log);
}

static void test_corrupt(const char *file, enum corruption c)
{
	int kmsg;

	restore_state();
	kmsg = kmsg_open();

	make_corrupt_copy(file, c);
	point_fw_path_at_tmp();
	bind_must_fail(file, -EINVAL, "invalid:", corruptions[c].expect);

	restore_state();
	check_cycle_log(kmsg);
}

static void test_missing(const char *file)
{
	static const char *const problems[2] = { "cannot load", NULL };
	int kmsg;

	restore_state();
	igt_require_f(!fw_path_orig[0], "%s is set ('%s'): files may come "
		      "from there\n", FW_PATH_PARAM, fw_path_orig);

	kmsg = kmsg_open();

	hide_file(file);
	bind_must_fail(file, -ENOENT, "cannot load", problems);

	restore_state();
	check_cycle_log(kmsg);
}

/*
 * With the device bound and GSP-RM running, every firmware file of the chip
 * disappears (an empty directory mounted over the chip's one, as a firmware
 * upgrade that removed the 570.144 files would leave it); the unbind must
 * still stop GSP-RM and remove WPR2, since everything the unload needs was
 * loaded at probe. With the files back, the device binds again.
 */
static void test_unbind_without_files(void)
{
	static const char *const fails[] = {
		"FWSEC-SB", "booter_unload", "cannot load", "GSP unload",
	};
	char *log;
	int kmsg;

	restore_state();
	igt_require_f(!fw_path_orig[0], "%s is set ('%s'): files may come "
		      "from there\n", FW_PATH_PARAM, fw_path_orig);

	kmsg = kmsg_open();
	overmounted = true;
	igt_assert_f(mount(staging_dir, gsp_dir, NULL, MS_BIND, NULL) == 0,
		     "mount over %s: %m\n", gsp_dir);
	for (const char *const *f = chip->files; *f; f++) {
		char path[PATH_MAX];

		original_path(*f, path, sizeof(path));
		igt_assert_f(access(path, F_OK) < 0 && errno == ENOENT,
			     "%s is still there\n", path);
	}

	unbind();
	log = kmsg_collect(kmsg);
	check_no_kernel_problem(log);
	igt_assert_f(strstr(log, "GSP-RM stopped, WPR2 removed"),
		     "the unbind did not stop GSP-RM:\n%s\n", log);
	for (size_t i = 0; i < ARRAY_SIZE(fails); i++)
		igt_assert_f(!strstr(log, fails[i]),
			     "the unbind logged '%s':\n%s\n", fails[i], log);
	free(log);

	unhide_files();
	bind_and_check();
}

static void make_dir(const char *path)
{
	igt_assert_f(mkdir(path, 0755) == 0 || errno == EEXIST,
		     "mkdir %s: %m\n", path);
}

igt_main
{
	igt_fixture {
		char path[PATH_MAX + 64];
		int fd;

		fd = nova_open_render();
		igt_assert(nova_pci_address(fd, pci, sizeof(pci)));
		chipset = nova_getparam(fd, NOVA_GETPARAM_CHIPSET);
		close(fd);

		for (size_t i = 0; i < ARRAY_SIZE(chips); i++)
			if (chips[i].chipset == chipset)
				chip = &chips[i];
		igt_require_f(chip, "chipset %#" PRIx64 " is not in the "
			      "test's table\n", chipset);

		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver",
			 pci);
		igt_assert_f(realpath(path, driver_dir),
			     "%s is bound to no driver\n", pci);
		snprintf(path, sizeof(path), "%s/bind", driver_dir);
		igt_require_f(access(path, W_OK) == 0,
			      "cannot write %s (not root?)\n", path);
		igt_require_f(access(FW_PATH_PARAM, W_OK) == 0,
			      "cannot write %s\n", FW_PATH_PARAM);

		snprintf(path, sizeof(path), "%s/nvidia/%s/gsp", FW_ROOT,
			 chip->dir);
		igt_require_f(realpath(path, gsp_dir), "%s: %m\n", path);
		for (const char *const *f = chip->files; *f; f++) {
			original_path(*f, path, sizeof(path));
			igt_require_f(access(path, R_OK) == 0, "%s: %m\n",
				      path);
		}

		igt_assert(get_fw_path(fw_path_orig, sizeof(fw_path_orig)));

		snprintf(tmp_dir, sizeof(tmp_dir), "/tmp/nova_firmware.XXXXXX");
		igt_assert_f(mkdtemp(tmp_dir), "mkdtemp: %m\n");
		snprintf(path, sizeof(path), "%s/nvidia", tmp_dir);
		make_dir(path);
		snprintf(path, sizeof(path), "%s/nvidia/%s", tmp_dir,
			 chip->dir);
		make_dir(path);
		snprintf(tmp_gsp_dir, sizeof(tmp_gsp_dir), "%s/nvidia/%s/gsp",
			 tmp_dir, chip->dir);
		make_dir(tmp_gsp_dir);
		snprintf(staging_dir, sizeof(staging_dir), "%s/missing",
			 tmp_dir);
		make_dir(staging_dir);

		igt_install_exit_handler(restore_at_exit);
		igt_info("device %s, chip directory nvidia/%s/gsp (%s), "
			 "firmware_class.path '%s'\n", pci, chip->dir,
			 gsp_dir, fw_path_orig);
	}

	/* volatile: the loops run across the subtests' sigsetjmp(). */
	for (volatile int c = 0; c < NUM_CORRUPTIONS; c++) {
		igt_describe(corruptions[c].description);
		igt_subtest_with_dynamic(corruptions[c].name) {
			for (volatile int i = 0; chip->files[i]; i++) {
				char kind[64];

				file_kind(chip->files[i], kind, sizeof(kind));
				igt_dynamic(kind)
					test_corrupt(chip->files[i], c);
			}
		}
	}

	igt_describe("With one firmware file of the chip hidden (a copy of "
		     "its directory without it mounted over it), bind fails "
		     "with ENOENT and a 'cannot load' log line for the file; "
		     "once it is back, bind gives a working device.");
	igt_subtest_with_dynamic("missing-file") {
		for (volatile int i = 0; chip->files[i]; i++) {
			char kind[64];

			file_kind(chip->files[i], kind, sizeof(kind));
			igt_dynamic(kind)
				test_missing(chip->files[i]);
		}
	}

	igt_describe("With GSP-RM running, all of the chip's firmware files "
		     "disappear; the unbind still stops GSP-RM and removes "
		     "WPR2 (FWSEC-SB and booter_unload were loaded at "
		     "probe), and the device binds again once they are "
		     "back.");
	igt_subtest("unbind-without-files")
		test_unbind_without_files();

	igt_fixture {
		restore_state();
	}
}
