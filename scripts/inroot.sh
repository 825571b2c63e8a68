#!/usr/bin/env bash
# Run a command inside the trixie build root.
#
# A private mount namespace holds the bind mounts (/dev, /proc, /sys, the
# repository at /src, the work cache at /cache), so they disappear with the
# command and nothing is left mounted on the host, whatever happens. A private
# PID namespace does the same for processes: when the command ends, every
# process it started (nvsim, QEMU, virtiofsd) is killed with it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
need_root
[ -d "$ROOTFS/usr" ] || die "no build root at $ROOTFS (run: make buildroot)"
mkdir -p "$ROOTFS$IN_REPO" "$ROOTFS$IN_WORK"
exec unshare --mount --propagation private --pid --fork --kill-child -- /bin/bash -c '
	set -e
	r=$1; shift
	mount --rbind /dev "$r/dev"
	mount -t proc proc "$r/proc"
	mount --rbind /sys "$r/sys"
	mount -t tmpfs tmpfs "$r/tmp"
	mount -t tmpfs tmpfs "$r/run"
	mkdir -p "$r/run/shm" "$r/dev/shm"
	mount --bind "$1" "$r'"$IN_REPO"'"
	mount --bind "$2" "$r'"$IN_WORK"'"
	shift 2
	# A clean environment, but for the settings of the nova scripts run in
	# the build root: vm.sh (CHIP ... NVSIM), kernel.sh (JOBS),
	# firmware/nova-core-tlv.sh (FW_SRC, FW_VERSION, NVFW),
	# tools/nvsim/qemu-smoke.sh (NVSIM).
	pass=()
	for v in CI CHIP CHIPS DRIVER VRAM NVSIM NVSIM_ARGS VM_ARGS VM_OUT VM_CMD VM_TIMEOUT VM_MEM VM_CPU BOOT_MEM KEEP_LOGS KERNEL_FLAVOR \
		JOBS FW_SRC FW_VERSION NVFW; do
		[ -n "${!v+x}" ] && pass+=("$v=${!v}")
	done
	exec chroot "$r" /usr/bin/env -i HOME=/root TERM="${TERM:-dumb}" \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		LANG=C.UTF-8 "${pass[@]}" "$@"
' inroot "$ROOTFS" "$REPO" "$WORK" "$@"
