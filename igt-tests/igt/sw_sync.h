/* SPDX-License-Identifier: MIT */
/*
 * sync_file helpers of libigt.so.0 (IGT 2.0), as IGT's lib/sw_sync.h
 * declares them (each exported by the library: `nm -D --defined-only
 * libigt.so.0`). They work on any sync_file, such as the one
 * DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD with
 * DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE gives for a syncobj's
 * fence.
 */

#ifndef NOVA_IGT_SW_SYNC_H
#define NOVA_IGT_SW_SYNC_H

#include <stdint.h>

/*
 * The status of the one fence of sync_file @fence (SYNC_IOC_FILE_INFO):
 * 1 signalled, 0 not yet, a negative errno if it signalled with that error;
 * also a negative errno if the ioctl fails, and -EINVAL if the file holds
 * more than one fence.
 */
int sync_fence_status(int fence);

/* Polls sync_file @fence for @timeout ms: 0 signalled, -ETIME not yet. */
int sync_fence_wait(int fence, int timeout);

/* The number of fences in sync_file @fence, or a negative errno. */
int sync_fence_count(int fence);

/*
 * Software timelines of the kernel's sw_sync (CONFIG_SW_SYNC, debugfs
 * sync/sw_sync), as IGT's lib/sw_sync.h declares them: fences that the
 * CPU signals, for tests of sync_file and syncobj users.
 */

/* Skips the test unless the kernel has sw_sync. */
void igt_require_sw_sync(void);

/* A new timeline (its file descriptor; asserts success). */
int sw_sync_timeline_create(void);

/*
 * A sync_file of a new fence on @timeline that signals once the timeline
 * reaches @seqno (asserts success; the __ variant returns -errno).
 */
int __sw_sync_timeline_create_fence(int timeline, uint32_t seqno);
int sw_sync_timeline_create_fence(int timeline, uint32_t seqno);

/* Advances @timeline by @count, signalling the fences it reaches. */
void sw_sync_timeline_inc(int timeline, uint32_t count);

#endif /* NOVA_IGT_SW_SYNC_H */
