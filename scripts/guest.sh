#!/usr/bin/env bash
# Runs inside the VM guest: load the driver and show it (run), or run the
# in-VM tests (test). The guest's root filesystem is the build root, with
# the repository at /src and the output directory given as $2.
set -uo pipefail
mode=${1:-run}
out=${2:-/cache/vm}
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

case "$mode" in
run)
	load_driver
	show
	;;
test)
	load_driver
	show >"$out/probe.txt" 2>&1
	section "IGT"
	/src/igt-tests/run.sh "$out/igt" 2>&1
	section "unload"
	modprobe -r "$driver" || echo "modprobe -r $driver failed"
	;;
esac
dmesg >"$out/dmesg.txt"
section "done"
