/* SPDX-License-Identifier: MIT */
/*
 * igt.h - the subset of IGT's API that nova's tests use, declared for
 * Debian's libigt.so.0 (intel-gpu-tools 2.0), which ships no headers.
 *
 * The declarations follow IGT's public headers of that release (written
 * anew, not copied); see igt/core.h for how they were checked against the
 * library. Link with -l:libigt.so.0.
 */

#ifndef NOVA_IGT_H
#define NOVA_IGT_H

#include "igt/core.h"
#include "igt/drm.h"
#include "igt/fdinfo.h"
#include "igt/sysfs.h"
#include "igt/syncobj.h"
#include "igt/sw_sync.h"

#endif /* NOVA_IGT_H */
