#!/usr/bin/env bash
# `make bench`: time from modprobe to GSP-RM ready (GSP_INIT_DONE, then the
# static information), nova against upstream nova-core, on the same nvsim in
# the same VM run. Prints each driver's median and the ratio nova/nova-core
# (below 1: nova is faster). Results: $NOVA_CACHE/results/bench.txt.
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

DRIVER=nova CHIP=$chip VM_ARGS="novatest.rounds=${BENCH_ROUNDS:-3}" \
	"$here/inroot.sh" /src/scripts/vm.sh bench "$name" >"$results/bench-vm.log" 2>&1 ||
	{ tail -30 "$results/bench-vm.log" >&2; die "the bench VM failed (see $results/bench-vm.log)"; }
[ "$(cat "$out/bench.rc" 2>/dev/null)" = 0 ] ||
	{ grep -a 'bench:' "$results/bench-vm.log" >&2; die "a bench sample failed (see $results/bench-vm.log)"; }

awk -v chip="$chip" '
	function median(a, n,   i, j, t) {
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	$1 == "nova" { n[++nn] = $2 }
	$1 == "nova-core" { c[++nc] = $2 }
	END {
		if (!nn || !nc) { print "bench: no samples"; exit 1 }
		mn = median(n, nn); mc = median(c, nc)
		printf "bench (%s, TCG): modprobe to GSP-RM static info, median of %d: nova %.3f s, nova-core %.3f s\n", chip, nn, mn, mc
		printf "ratio nova/nova-core: %.2f\n", mn / mc
	}' "$out/bench.txt" | tee "$results/bench.txt"
