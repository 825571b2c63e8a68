#!/usr/bin/env bash
# `make bench`, in one VM run against one nvsim, each figure a ratio to a
# reference measured in the same run (medians of the rounds, with spread):
#   P1  modprobe to GSP-RM ready (GSP_INIT_DONE, then the static info),
#       nova against upstream nova-core (below 1: nova is faster), and
#       where nova's time goes, step by step, from its own log's
#       timestamps (scripts/guest-bench.sh);
#   P2  GEM create+mmap+touch+close cycles per second of a 64 KiB
#       system-memory object, nova against vgem (igt-tests/bench/gem_rate.c);
#   P3  GETPARAM per second against DRM_IOCTL_VERSION per second;
#   P4  VM_BIND map+unmap pairs per second, 4 KiB and 2 MiB pages, against
#       DRM_IOCTL_VERSION per second (igt-tests/bench/vm_rate.c);
#   P5  VRAM GEM create+close pairs per second (64 KiB), against the same;
#   P6  EXEC round trips per second (an empty job signalling a syncobj,
#       then the wait) against DRM syncobj reset+signal+wait round trips on
#       the same file (igt-tests/bench/exec_rate.c);
#   P7  copy-engine throughput (16 MiB copies, one job each, VRAM to VRAM
#       and system memory to system memory) against the CPU's memcpy;
#   P8  CPU access to VRAM through BAR1 (8-byte stores into and loads
#       from a mapped VRAM object, each about 1 s) against the CPU's
#       memcpy between two system-memory buffers
#       (igt-tests/bench/bar1_rate.c);
#   P9  the same 8-byte accesses to BAR1 without a driver (physical, as from
#       power-on), through its PCI resource file: as nvsim serves it by
#       default (one vfio-user message an access) and with --bar1-mmap (the
#       VRAM file mapped into the guest), each against memcpy, in two VMs
#       of their own (bar1_rate --resource).
# Results: $NOVA_CACHE/results/bench.txt.
#
# Environment: CHIP (default ga102), BENCH_ROUNDS (default 3).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
chip=${CHIP:-ga102}
name=bench-$chip
out=$WORK/vm/$name
results=$NOVA_CACHE/results
mkdir -p "$results"

# nvsim's real-hardware timing profile, so that neither driver gains from
# the simulator answering faster than a GPU (NVSIM_ARGS overrides).
DRIVER=nova CHIP=$chip VM_ARGS="novatest.rounds=${BENCH_ROUNDS:-3}" NVSIM_ARGS=${NVSIM_ARGS:---timing real} \
	"$here/inroot.sh" /src/scripts/vm.sh bench "$name" >"$results/bench-vm.log" 2>&1 ||
	{ tail -30 "$results/bench-vm.log" >&2; die "the bench VM failed (see $results/bench-vm.log)"; }
[ "$(cat "$out/bench.rc" 2>/dev/null)" = 0 ] ||
	{ grep -a 'bench:' "$results/bench-vm.log" >&2; die "a bench sample failed (see $results/bench-vm.log)"; }

# P9: a VM per nvsim mode, no driver loaded; the device's memory decoding
# enabled through sysfs, BAR1 mapped from its resource file.
p9() { # p9 NAME NVSIM_ARGS
	local cmd='pci=$(lspci -Dn -d 10de: | awk "NR == 1 {print \$1}")
echo 1 >"/sys/bus/pci/devices/$pci/enable"
/cache/igt/bench/bar1_rate --resource "/sys/bus/pci/devices/$pci/resource1" '"${BENCH_ROUNDS:-3}"
	CHIP=$chip NVSIM_ARGS=$2 VM_CMD=$cmd "$here/inroot.sh" /src/scripts/vm.sh cmd "bench-p9-$1" \
		>"$results/bench-p9-$1.log" 2>&1 || die "the P9 VM ($1) failed (see $results/bench-p9-$1.log)"
	tr -d '\r' <"$results/bench-p9-$1.log" | sed -n "s/^p9-\([a-z0-9-]* [0-9.]*\)\$/p9-$1-\1/p" >>"$out/bench.txt"
}
p9 msg ""
p9 mmap --bar1-mmap

awk -v chip="$chip" '
	function sort(a, n,   i, j, t) {
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
	}
	function median(a, n) {
		sort(a, n)
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	$1 == "nova" { n[++nn] = $2 }
	$1 == "p1-step" { if (!($2 in sn)) order[++nso1] = $2; st[$2, ++sn[$2]] = $3 }
	$1 == "nova-core" { c[++nc] = $2 }
	$1 == "p2-nova" { gn[++ngn] = $2 }
	$1 == "p2-vgem" { gv[++ngv] = $2 }
	$1 == "p3-getparam" { g[++ng] = $2 }
	$1 == "p3-version" { v[++nv] = $2 }
	$1 == "p4-null" { z[++nz] = $2 }
	$1 == "p4-bind-4k" { b4[++nb4] = $2 }
	$1 == "p4-bind-2m" { b2[++nb2] = $2 }
	$1 == "p5-vram-create" { vc[++nvc] = $2 }
	$1 == "p6-syncobj" { so[++nso] = $2 }
	$1 == "p6-exec" { ex[++nex] = $2 }
	$1 == "p7-memcpy" { mcp[++nmcp] = $2 }
	$1 == "p7-copy-vram" { cv[++ncv] = $2 }
	$1 == "p7-copy-sysmem" { cs[++ncs] = $2 }
	$1 == "p8-memcpy" { m8[++nm8] = $2 }
	$1 == "p8-bar1-write" { w8[++nw8] = $2 }
	$1 == "p8-bar1-read" { r8[++nr8] = $2 }
	$1 == "p9-msg-memcpy" || $1 == "p9-mmap-memcpy" { m9[++nm9] = $2 }
	$1 == "p9-msg-bar1-write" { w9[++nw9] = $2 }
	$1 == "p9-msg-bar1-read" { r9[++nr9] = $2 }
	$1 == "p9-mmap-bar1-write" { w9m[++nw9m] = $2 }
	$1 == "p9-mmap-bar1-read" { r9m[++nr9m] = $2 }
	END {
		if (!nn || !nc || !ng || !nv || !nz || !nb4 || !nb2 || !nvc) { print "bench: no samples"; exit 1 }
		if (!ngn || !ngv) { print "bench: no GEM samples (P2)"; exit 1 }
		if (!nso || !nex || !nmcp || !ncv || !ncs) { print "bench: no EXEC samples (P6, P7)"; exit 1 }
		if (!nm8 || !nw8 || !nr8) { print "bench: no BAR1 samples (P8)"; exit 1 }
		if (!nm9 || !nw9 || !nr9 || !nw9m || !nr9m) { print "bench: no physical BAR1 samples (P9)"; exit 1 }
		mn = median(n, nn); mc = median(c, nc); mg = median(g, ng); mv = median(v, nv)
		mgn = median(gn, ngn); mgv = median(gv, ngv)
		mz = median(z, nz); m4 = median(b4, nb4); m2 = median(b2, nb2); mvc = median(vc, nvc)
		mso = median(so, nso); mex = median(ex, nex)
		mmcp = median(mcp, nmcp); mcv = median(cv, ncv); mcs = median(cs, ncs)
		mm8 = median(m8, nm8); mw8 = median(w8, nw8); mr8 = median(r8, nr8)
		mm9 = median(m9, nm9); mw9 = median(w9, nw9); mr9 = median(r9, nr9)
		mw9m = median(w9m, nw9m); mr9m = median(r9m, nr9m)
		mib = 1048576
		printf "bench (%s, TCG), medians of %d rounds, spread min-max:\n", chip, nn
		printf "P1 modprobe to GSP-RM static info: nova %.3f s (%.3f-%.3f), nova-core %.3f s (%.3f-%.3f): ratio nova/nova-core %.2f\n", mn, n[1], n[nn], mc, c[1], c[nc], mn / mc
		line = ""
		for (i = 1; i <= nso1; i++) {
			k = order[i]; delete tmp
			for (j = 1; j <= sn[k]; j++) tmp[j] = st[k, j]
			line = line sprintf("%s%s %.3f s", i > 1 ? ", " : "", k, median(tmp, sn[k]))
		}
		if (nso1) printf "P1 nova by step (medians, each since the previous): %s\n", line
		printf "P2 GEM create+mmap+touch+close (64 KiB, system memory): nova %.0f/s (%.0f-%.0f), vgem %.0f/s (%.0f-%.0f): ratio nova/vgem %.2f\n", mgn, gn[1], gn[ngn], mgv, gv[1], gv[ngv], mgn / mgv
		printf "P3 ioctls per second: GETPARAM %.0f (%.0f-%.0f), DRM_IOCTL_VERSION %.0f (%.0f-%.0f): ratio GETPARAM/VERSION %.2f\n", mg, g[1], g[ng], mv, v[1], v[nv], mg / mv
		printf "P4 VM_BIND map+unmap pairs per second: 4 KiB %.0f (%.0f-%.0f), 2 MiB %.0f (%.0f-%.0f), DRM_IOCTL_VERSION %.0f (%.0f-%.0f): ratios 4K/VERSION %.4f, 2M/VERSION %.4f\n", m4, b4[1], b4[nb4], m2, b2[1], b2[nb2], mz, z[1], z[nz], m4 / mz, m2 / mz
		printf "P5 VRAM GEM create+close pairs per second (64 KiB): %.0f (%.0f-%.0f): ratio to DRM_IOCTL_VERSION %.4f\n", mvc, vc[1], vc[nvc], mvc / mz
		printf "P6 round trips per second: EXEC of an empty job + syncobj wait %.0f (%.0f-%.0f), DRM syncobj reset+signal+wait %.0f (%.0f-%.0f): ratio EXEC/syncobj %.4f\n", mex, ex[1], ex[nex], mso, so[1], so[nso], mex / mso
		printf "P7 copy engine, 16 MiB copies: VRAM to VRAM %.0f MiB/s (%.0f-%.0f), system memory %.0f MiB/s (%.0f-%.0f), CPU memcpy %.0f MiB/s (%.0f-%.0f): ratios VRAM/memcpy %.4f, sysmem/memcpy %.4f\n", mcv / mib, cv[1] / mib, cv[ncv] / mib, mcs / mib, cs[1] / mib, cs[ncs] / mib, mmcp / mib, mcp[1] / mib, mcp[nmcp] / mib, mcv / mmcp, mcs / mmcp
		printf "P8 CPU access to VRAM through BAR1, 8-byte accesses: write %.3f MiB/s (%.3f-%.3f, %.1f us per access), read %.3f MiB/s (%.3f-%.3f, %.1f us per access), CPU memcpy %.0f MiB/s (%.0f-%.0f): ratios write/memcpy %.6f, read/memcpy %.6f\n", mw8 / mib, w8[1] / mib, w8[nw8] / mib, 8e6 / mw8, mr8 / mib, r8[1] / mib, r8[nr8] / mib, 8e6 / mr8, mm8 / mib, m8[1] / mib, m8[nm8] / mib, mw8 / mm8, mr8 / mm8
		printf "P9 CPU access to physical BAR1 (no driver), 8-byte accesses: one vfio-user message an access: write %.3f MiB/s (%.3f-%.3f), read %.3f MiB/s (%.3f-%.3f); --bar1-mmap: write %.0f MiB/s (%.0f-%.0f), read %.0f MiB/s (%.0f-%.0f); CPU memcpy %.0f MiB/s (%.0f-%.0f): ratios to memcpy, messages write %.6f read %.6f, mmap write %.4f read %.4f\n", mw9 / mib, w9[1] / mib, w9[nw9] / mib, mr9 / mib, r9[1] / mib, r9[nr9] / mib, mw9m / mib, w9m[1] / mib, w9m[nw9m] / mib, mr9m / mib, r9m[1] / mib, r9m[nr9m] / mib, mm9 / mib, m9[1] / mib, m9[nm9] / mib, mw9 / mm9, mr9 / mm9, mw9m / mm9, mr9m / mm9
	}' "$out/bench.txt" | tee "$results/bench.txt"
