#!/usr/bin/env bash
# Runs inside the VM (guest.sh bench): how long nova and upstream nova-core
# take from `modprobe` to GSP-RM's static information (the "GPU name:" line
# each logs once GSP_INIT_DONE came and GET_GSP_STATIC_INFO was answered),
# against the same nvsim in the same VM, alternating, several rounds each.
# Writes one line a sample to $out/bench.txt: "DRIVER SECONDS" (P1), then
# the GEM figures of P2, the ioctl rates of P3, P4 and P5, the EXEC figures
# of P6 and P7 and the BAR1 figures of P8 (see ioctl_rates).
set -uo pipefail
out=${1:-/run/nova-out}
rounds=$(sed -n 's/.*\bnovatest.rounds=\([0-9]*\).*/\1/p' /proc/cmdline)
rounds=${rounds:-3}
: >"$out/bench.txt"

# The kernel log timestamp (seconds) of the last line matching $1, or nothing.
stamp() {
	dmesg | grep -E "$1" | tail -1 | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p'
}

# sample DRIVER MODULE: one modprobe-to-static-info time, then unload.
sample() {
	local drv=$1 mod=$2 tag t0 t1
	tag="nova-bench: $drv round $3"
	echo "$tag" >/dev/kmsg
	t0=$(stamp "$tag")
	if ! modprobe "$mod"; then
		echo "bench: modprobe $mod failed"
		return 1
	fi
	t1=
	for _ in $(seq 600); do
		t1=$(dmesg | sed -n "/$tag/,\$p" | grep -E "^\\[ *[0-9.]+\\] $drv [0-9a-f:.]+: .*GPU name: " |
			head -1 | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p')
		[ -n "$t1" ] && break
		sleep 0.1
	done
	modprobe -r "$mod" || echo "bench: modprobe -r $mod failed"
	if [ -z "$t1" ]; then
		echo "bench: $drv logged no 'GPU name:' line"
		return 1
	fi
	awk -v d="$drv" -v a="$t0" -v b="$t1" 'BEGIN {printf "%s %.3f\n", d, b - a}' | tee -a "$out/bench.txt"
	[ "$drv" = nova ] && steps "$tag" "$t0"
	return 0
}

# steps TAG T0: where nova's P1 time goes, from the timestamps of the lines
# it logs at each boot step after TAG: one "p1-step NAME SECONDS" line a
# step (the time since the previous step; a step it did not log is left
# out, its time going to the next).
steps() {
	local prev=$2 name re t
	while read -r name re; do
		t=$(dmesg | sed -n "/$1/,\$p" | grep -E "^\\[ *[0-9.]+\\] nova [0-9a-f:.]+: $re" |
			head -1 | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p')
		[ -n "$t" ] || continue
		awk -v n="$name" -v a="$prev" -v b="$t" 'BEGIN {printf "p1-step %s %.3f\n", n, b - a}' >>"$out/bench.txt"
		prev=$t
	done <<'EOS'
identify NVIDIA .*revision
gfw GFW boot complete
vbios VBIOS:
firmware GSP-RM [0-9]+ KiB mapped
fwsec-frts FWSEC-FRTS done
booter booter_load done
gsp-init GSP-RM: CPU sequencer done
static-info GSP-RM: GPU name:
EOS
}

# P2: GEM create+mmap+touch+close cycles of a 64 KiB system-memory object,
# nova against vgem (loaded for it alone), one line a round and driver
# ("p2-vgem RATE", "p2-nova RATE", see igt-tests/bench/gem_rate.c);
# P3: GETPARAM against DRM_IOCTL_VERSION on one nova render node, one
# line a round and ioctl ("p3-getparam RATE", "p3-version RATE"); P4 and
# P5: VM_BIND map+unmap pairs (4 KiB and 2 MiB pages) and VRAM GEM
# create+close pairs against DRM_IOCTL_VERSION, in one process ("p4-null",
# "p4-bind-4k", "p4-bind-2m", "p5-vram-create", see igt-tests/bench/vm_rate.c);
# P6 and P7: EXEC round trips of an empty job against DRM syncobj
# signal+wait round trips, and copy-engine bytes per second against the
# CPU's memcpy ("p6-syncobj", "p6-exec", "p7-memcpy", "p7-copy-vram",
# "p7-copy-sysmem", see igt-tests/bench/exec_rate.c); P8: bytes per second
# of 8-byte CPU stores into and loads from a VRAM object mapped through
# BAR1, against the CPU's memcpy ("p8-memcpy", "p8-bar1-write",
# "p8-bar1-read", see igt-tests/bench/bar1_rate.c).
ioctl_rates() {
	modprobe nova || { echo "bench: modprobe nova failed"; return 1; }
	udevadm settle 2>/dev/null || sleep 1
	local rc=0
	if modprobe vgem; then
		udevadm settle 2>/dev/null || sleep 1
		/cache/igt/bench/gem_rate "$rounds" >>"$out/bench.txt" || { echo "bench: gem_rate failed"; rc=1; }
		modprobe -r vgem || echo "bench: modprobe -r vgem failed"
	else
		echo "bench: modprobe vgem failed"
		rc=1
	fi
	/cache/igt/bench/ioctl_rate "$rounds" >>"$out/bench.txt" || rc=1
	/cache/igt/bench/vm_rate "$rounds" >>"$out/bench.txt" || { echo "bench: vm_rate failed"; rc=1; }
	/cache/igt/bench/exec_rate "$rounds" >>"$out/bench.txt" || { echo "bench: exec_rate failed"; rc=1; }
	/cache/igt/bench/bar1_rate "$rounds" >>"$out/bench.txt" || { echo "bench: bar1_rate failed"; rc=1; }
	modprobe -r nova || echo "bench: modprobe -r nova failed"
	return $rc
}

rc=0
for i in $(seq "$rounds"); do
	sample nova nova "$i" || rc=1
	sample nova-core nova_core "$i" || rc=1
done
ioctl_rates || { echo "bench: ioctl_rate failed"; rc=1; }
exit $rc
