/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by nova's IGT tests: finding and opening nova's render
 * node, its PCI function in sysfs, the nova ioctls, fdinfo and running
 * tools.
 *
 * Functions named __nova_*() return 0 or a negative errno and never fail the
 * test; the others assert.
 */

#ifndef NOVA_IGT_LIB_H
#define NOVA_IGT_LIB_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nova_drm.h"

#include "../igt.h"

#define NOVA_DRIVER_NAME "nova"
#define NOVA_PCI_VENDOR_NVIDIA 0x10de

/* --- opening the device ----------------------------------------------------- */

/* True if @fd is a DRM file whose driver is nova (DRM_IOCTL_VERSION). */
bool nova_is_nova_fd(int fd);

/*
 * Opens nova's render node: with a device filter (--device or IGT_DEVICE)
 * through IGT's __drm_open_driver_render(DRIVER_ANY), otherwise the first
 * /dev/dri/renderD* whose driver is nova. Returns -1 if there is none.
 */
int __nova_open_render(void);

/* Like __nova_open_render(), but skips the test when there is no device. */
int nova_open_render(void);

/* Opens /dev/dri/<node> (e.g. "renderD128"); -1 if missing or not nova. */
int __nova_open_node(const char *node);

/* The minor of the DRM device node behind @fd; -1 on error. */
int nova_drm_minor(int fd);

/*
 * The PCI address (e.g. "0000:01:00.0") of the device behind DRM file @fd,
 * from /sys/dev/char/<major>:<minor>/device. False on error.
 */
bool nova_pci_address(int fd, char *buf, size_t len);

/*
 * The render node ("renderD128") that PCI function @pci_addr currently
 * exposes, from /sys/bus/pci/devices/<addr>/drm/. False if there is none.
 */
bool nova_render_node_of(const char *pci_addr, char *buf, size_t len);

/* --- sysfs, environment ------------------------------------------------------ */

/* Reads a number (decimal or 0x-hex) from a sysfs file. */
bool nova_read_u64_file(const char *path, uint64_t *value);

/* Reads /sys/bus/pci/devices/<pci_addr>/<attr> as a number. */
bool nova_pci_attr_u64(const char *pci_addr, const char *attr,
		       uint64_t *value);

/* Size of BAR @bar from /sys/bus/pci/devices/<pci_addr>/resource. */
bool nova_pci_bar_size(const char *pci_addr, int bar, uint64_t *size);

/* Writes @value to a sysfs file; 0 or -errno. */
int nova_write_file(const char *path, const char *value);

/* Writes @len bytes of @buf to the file at @path in one write(2). */
int nova_write_bytes(const char *path, const void *buf, size_t len);

/* Whether PCI function @pci (e.g. "0000:00:03.0") has a driver bound. */
bool nova_pci_is_bound(const char *pci);

/* Writes @pci to the driver attribute @attr ("bind", "unbind") of @driver_dir. */
int nova_driver_attr(const char *driver_dir, const char *attr, const char *pci);

/* Parses environment variable @name as a number; false if unset or bad. */
bool nova_env_u64(const char *name, uint64_t *value);

/* --- ioctls --------------------------------------------------------------- */

/* igt_ioctl() returning 0 or -errno. */
int nova_ioctl(int fd, unsigned long request, void *arg);

int __nova_getparam(int fd, uint64_t param, uint64_t *value);
uint64_t nova_getparam(int fd, uint64_t param);

int __nova_gem_create(int fd, struct drm_nova_gem_create *create);
/* Creates an object of @size bytes; the object's size in *@size_out. */
uint32_t nova_gem_create(int fd, uint64_t size, uint64_t *size_out);

int __nova_gem_info(int fd, struct drm_nova_gem_info *info);
uint64_t nova_gem_size(int fd, uint32_t handle);

int __nova_gem_mmap_offset(int fd, struct drm_nova_gem_mmap_offset *arg);
uint64_t nova_gem_mmap_offset(int fd, uint32_t handle);

/* mmap()s @size bytes of object @handle, shared; asserts success. */
void *nova_gem_mmap(int fd, uint32_t handle, uint64_t size, int prot);

int __gem_close(int fd, uint32_t handle);
void gem_close(int fd, uint32_t handle);

/* GEM_CREATE flags nova_drm.h defines; any other bit is -EINVAL. */
#define NOVA_GEM_DOMAINS	(NOVA_GEM_DOMAIN_VRAM | NOVA_GEM_DOMAIN_GART)
#define NOVA_GEM_CREATE_FLAGS	(NOVA_GEM_DOMAINS | NOVA_GEM_NO_SHARE)

/* Creates an object of @size bytes with GEM_CREATE @flags. */
uint32_t nova_gem_create_flags(int fd, uint64_t size, uint32_t flags,
			       uint64_t *size_out);

/* The flags GEM_INFO reports for @handle (its domain, NO_SHARE). */
uint32_t nova_gem_flags(int fd, uint32_t handle);

/* --- DEVICE_INFO, VM_INIT, VM_BIND --------------------------------------- */

int __nova_device_info(int fd, struct drm_nova_device_info *info);

int __nova_vm_init(int fd, uint64_t kernel_managed_addr,
		   uint64_t kernel_managed_size);
void nova_vm_init(int fd, uint64_t kernel_managed_addr,
		  uint64_t kernel_managed_size);

/*
 * VM_BIND of @count operations at @ops (all other fields zero); 0 or
 * -errno. If @count_out is not NULL, it receives the op_count the kernel
 * left in the argument.
 */
int __nova_vm_bind(int fd, const struct drm_nova_vm_bind_op *ops,
		   uint32_t count, uint32_t *count_out);

/* One MAP (@handle 0 with @flags NOVA_VM_BIND_SPARSE: a sparse region). */
int __nova_vm_map(int fd, uint32_t handle, uint64_t addr, uint64_t bo_offset,
		  uint64_t range, uint32_t flags);
void nova_vm_map(int fd, uint32_t handle, uint64_t addr, uint64_t bo_offset,
		 uint64_t range);

/* One UNMAP (@flags NOVA_VM_BIND_SPARSE: removes a sparse region). */
int __nova_vm_unmap(int fd, uint64_t addr, uint64_t range, uint32_t flags);
void nova_vm_unmap(int fd, uint64_t addr, uint64_t range);

/* Makes [@addr, @addr + @range) a sparse region. */
void nova_vm_sparse(int fd, uint64_t addr, uint64_t range);

/* --- fdinfo ------------------------------------------------------------------ */

/* The keys of /proc/<pid>/fdinfo/<fd> nova's tests look at. */
struct nova_fdinfo {
	bool has_driver, has_client_id, has_pdev;
	char driver[64];
	uint64_t client_id;
	char pdev[64];
	/* drm-<key>-memory, in bytes; has_* tells whether the key exists. */
	bool has_total, has_shared, has_resident;
	uint64_t total, shared, resident;
};

/* Parses /proc/self/fdinfo/@fd; false if it cannot be read. */
bool nova_fdinfo_read(int fd, struct nova_fdinfo *info);

/*
 * Parses /proc/self/fdinfo/@fd with IGT's igt_parse_drm_fdinfo() and returns
 * the "memory" region's values; false if IGT finds no such region.
 */
bool nova_igt_fdinfo_memory(int fd, struct drm_client_fdinfo *info,
			    struct drm_client_meminfo *mem);

/* --- GPU identity ------------------------------------------------------------ */

/* Name of a chipset (NV_PMC_BOOT_42 bits 29:20), e.g. "GA102"; or NULL. */
const char *nova_chipset_name(uint64_t chipset);

/*
 * The architecture (NOVA_ARCHITECTURE_*) a PCI device ID belongs to, for the
 * ID ranges NVIDIA has used for GSP-era chips; -1 if the ID is in none.
 */
int nova_device_id_architecture(uint64_t device_id);

/* Name of a NOVA_ARCHITECTURE_* value, or NULL if unknown. */
const char *nova_architecture_name(uint64_t arch);

/* --- processes ---------------------------------------------------------------- */

/*
 * Runs @argv (PATH lookup) with stdin from /dev/null and stdout and stderr
 * captured into @buf (NUL-terminated, truncated to @len). Kills it after
 * @timeout_s seconds. Returns its exit status (0-255), 128 + signal if it
 * was killed, or -errno if it could not be run.
 */
int nova_run_capture(char *const argv[], char *buf, size_t len,
		     unsigned int timeout_s);

/* The same with standard input from @in_fd (e.g. a terminal), if >= 0. */
int nova_run_capture_in(char *const argv[], int in_fd, char *buf, size_t len,
			unsigned int timeout_s);

#endif /* NOVA_IGT_LIB_H */
