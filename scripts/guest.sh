#!/usr/bin/env bash
# Runs inside the VM guest: load the driver and show it (run), run the
# in-VM tests (test), test several GPUs at once (multi), or run the
# command vm.sh was given (cmd). The guest's
# root filesystem is the build root, with the repository at /src and the
# run's output directory given as $2 (guest-init.sh: /run/nova-out).
# Exit status: the command's for cmd, else 0.
set -uo pipefail
mode=${1:-run}
out=${2:-/run/nova-out}
status=0
chip=${CHIP:-ga102}
driver=${DRIVER:-nova}
section() { printf '\n=== %s\n' "$*"; }

load_driver() {
	section "modprobe $driver"
	modprobe "$driver" || { echo "modprobe $driver failed"; return 1; }
	udevadm settle 2>/dev/null || sleep 1
}

show() {
	section "dmesg (probe)"
	dmesg | grep -iE "nova|drm|10de" || true
	section "PCI"
	lspci -nnk -d 10de: 2>/dev/null || lspci -nn
	section "/sys/class/drm"
	ls -l /sys/class/drm/
	section "/dev/dri"
	ls -l /dev/dri 2>/dev/null || echo "(none)"
	section "lsgpu"
	lsgpu 2>&1 || true
	if [ "$driver" = nova ]; then
		section "modinfo nova (firmware)"
		modinfo nova | grep -E '^(filename|description|firmware)' | head -8
		echo "... ($(modinfo -F firmware nova | wc -l) firmware files)"
	fi
}

# What the simulated GPU must report: nvsim's own description of it
# (vm.sh wrote gpus.jsonl; scripts/guest-gpus.py).
expect() {
	eval "$(python3 /src/scripts/guest-gpus.py expect 0)"
}

# Unloads the driver and shows what it logged while doing so.
unload_driver() {
	section "modprobe -r $driver"
	local before
	before=$(dmesg | wc -l)
	modprobe -r "$driver" || echo "modprobe -r $driver failed"
	dmesg | tail -n +"$((before + 1))"
}

case "$mode" in
run)
	load_driver
	show
	unload_driver
	;;
test)
	load_driver
	show >"$out/probe.txt" 2>&1
	section "IGT"
	expect
	if [ "${KERNEL_FLAVOR:-test}" = memcheck ]; then
		# KASAN + kmemleak: one process per test binary (guest-igt-once.sh).
		/src/scripts/guest-igt-once.sh "$out/igt" 2>&1
	else
		/src/igt-tests/run.sh "$out/igt" 2>&1
	fi
	section "kmemleak after IGT"
	/src/scripts/guest-kmemleak.sh check "after IGT"
	section "unload"
	modprobe -r "$driver" || echo "modprobe -r $driver failed"
	section "kmemleak after unload"
	/src/scripts/guest-kmemleak.sh check "after unload"
	;;
multi)
	# Several GPUs (vm.sh CHIPS=...): scripts/guest-multi.sh.
	/src/scripts/guest-multi.sh "$out"
	section "kmemleak after the multi-GPU run"
	/src/scripts/guest-kmemleak.sh check "after the multi-GPU run"
	;;
bench | fault)
	# Their own scripts: scripts/guest-bench.sh, scripts/guest-fault.sh.
	"/src/scripts/guest-$mode.sh" "$out"
	echo "$?" >"$out/$mode.rc"
	if [ "$mode" = fault ]; then
		section "kmemleak after the fault run"
		/src/scripts/guest-kmemleak.sh check "after the fault run"
	fi
	;;
cmd)
	# `make vm CMD='...'`: the command vm.sh wrote to $out/cmd.sh, run by
	# bash from the repository, with NOVA_OUT naming the output directory.
	section "\$ $(head -n 1 "$out/cmd.sh")"
	(cd /src && NOVA_OUT=$out bash "$out/cmd.sh")
	status=$?
	section "exit status $status"
	section "kmemleak after the command"
	/src/scripts/guest-kmemleak.sh check "after the command"
	;;
esac
dmesg >"$out/dmesg.txt"
section "done"
exit "$status"
