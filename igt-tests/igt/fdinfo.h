/* SPDX-License-Identifier: MIT */
/*
 * DRM fdinfo parsing of libigt.so.0 (IGT 2.0), as IGT's
 * lib/igt_drm_fdinfo.h declares it.
 *
 * The layout of struct drm_client_fdinfo must be exactly the library's: the
 * parser writes into the caller's structure. IGT changed it between releases
 * (busy[] became engine_time[], cycles[] and total_cycles[] were added); the
 * layout below is the one of 2.0, checked against the offsets the library's
 * __igt_parse_drm_fdinfo() uses (utilization_mask at 4432, engine_time at
 * 4440, cycles at 4568, total_cycles at 4696, num_regions at 4824) and
 * asserted at build time below.
 */

#ifndef NOVA_IGT_FDINFO_H
#define NOVA_IGT_FDINFO_H

#include <stddef.h>
#include <stdint.h>

#define DRM_CLIENT_FDINFO_MAX_REGIONS 16
#define DRM_CLIENT_FDINFO_MAX_ENGINES 16

/* Values of one memory region, in bytes (the parser applies KiB/MiB). */
struct drm_client_meminfo {
	uint64_t total;		/* drm-total-<region> */
	uint64_t shared;	/* drm-shared-<region> */
	uint64_t resident;	/* drm-resident-<region> (or drm-memory-) */
	uint64_t purgeable;	/* drm-purgeable-<region> */
	uint64_t active;	/* drm-active-<region> */
};

enum drm_fdinfo_utilization {
	DRM_FDINFO_UTILIZATION_ENGINE_TIME	= 1U << 0,
	DRM_FDINFO_UTILIZATION_CYCLES		= 1U << 1,
	DRM_FDINFO_UTILIZATION_TOTAL_CYCLES	= 1U << 2,
};

struct drm_client_fdinfo {
	char driver[128];		/* drm-driver */
	char pdev[128];			/* drm-pdev */
	unsigned long id;		/* drm-client-id */

	unsigned int num_engines;
	unsigned int last_engine_index;
	unsigned int capacity[DRM_CLIENT_FDINFO_MAX_ENGINES];
	char names[DRM_CLIENT_FDINFO_MAX_ENGINES][256];

	unsigned int utilization_mask;	/* enum drm_fdinfo_utilization */

	uint64_t engine_time[DRM_CLIENT_FDINFO_MAX_ENGINES];
	uint64_t cycles[DRM_CLIENT_FDINFO_MAX_ENGINES];
	uint64_t total_cycles[DRM_CLIENT_FDINFO_MAX_ENGINES];

	unsigned int num_regions;
	unsigned int last_region_index;
	char region_names[DRM_CLIENT_FDINFO_MAX_REGIONS][256];
	struct drm_client_meminfo region_mem[DRM_CLIENT_FDINFO_MAX_REGIONS];
};

_Static_assert(offsetof(struct drm_client_fdinfo, utilization_mask) == 4432,
	       "struct drm_client_fdinfo does not match IGT 2.0");
_Static_assert(offsetof(struct drm_client_fdinfo, total_cycles) == 4696,
	       "struct drm_client_fdinfo does not match IGT 2.0");
_Static_assert(offsetof(struct drm_client_fdinfo, num_regions) == 4824,
	       "struct drm_client_fdinfo does not match IGT 2.0");
_Static_assert(sizeof(struct drm_client_fdinfo) == 9568,
	       "struct drm_client_fdinfo does not match IGT 2.0");

/*
 * igt_parse_drm_fdinfo - parse /proc/self/fdinfo/<drm_fd> into @info, which
 * must be zeroed. Without maps, engines and regions are named as the kernel
 * prints them (region "memory" for drm-total-memory). Returns the number of
 * keys found, or 0 unless drm-driver and drm-client-id are present together
 * with at least one engine or memory region.
 */
unsigned int igt_parse_drm_fdinfo(int drm_fd, struct drm_client_fdinfo *info,
				  const char **name_map,
				  unsigned int map_entries,
				  const char **region_map,
				  unsigned int region_entries);

/*
 * __igt_parse_drm_fdinfo - the same for any process: @dir is an open
 * /proc/<pid>/fdinfo directory and @fd the file descriptor number as text.
 */
unsigned int __igt_parse_drm_fdinfo(int dir, const char *fd,
				    struct drm_client_fdinfo *info,
				    const char **name_map,
				    unsigned int map_entries,
				    const char **region_map,
				    unsigned int region_entries);

#endif /* NOVA_IGT_FDINFO_H */
