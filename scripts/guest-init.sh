#!/bin/bash
# PID 1 of the test VM: mount what userspace needs on the read-only 9p root,
# mount the run's output directory (scripts/vm.sh) at /run/nova-out, run
# scripts/guest.sh for the mode on the kernel command line, record its exit
# status in <output>/rc and power off.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=dumb LANG=C.UTF-8

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
# devtmpfs has no /dev/fd (bash's process substitution needs it).
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /root
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
# /var and /etc stay read-only but for what tools write.
mount -t tmpfs tmpfs /var/tmp
# The run's own output directory (vm.sh: /cache/vm/NAME on the build root).
export NOVA_OUT=/run/nova-out
mkdir -p "$NOVA_OUT"
mount -t 9p -o trans=virtio,version=9p2000.L,access=any nova-out "$NOVA_OUT"

# Modules of the booted kernel, installed by vm.sh into <output>/modroot.
rel=$(uname -r)
mount -t tmpfs tmpfs /lib/modules
mkdir -p "/lib/modules/$rel"
mount --bind "$NOVA_OUT/modroot/lib/modules/$rel" "/lib/modules/$rel"

arg() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" /proc/cmdline; }
mode=$(arg novatest.mode)
export CHIP DRIVER KERNEL_FLAVOR
CHIP=$(arg novatest.chip)
DRIVER=$(arg novatest.driver)
KERNEL_FLAVOR=$(arg novatest.flavor)

# udev, for libudev users (lsgpu) and device node permissions.
if [ -x /usr/lib/systemd/systemd-udevd ]; then
	/usr/lib/systemd/systemd-udevd --daemon --resolve-names=never >/dev/null 2>&1
fi

if [ "$mode" = shell ]; then
	setsid -c bash -l </dev/ttyS0 >/dev/ttyS0 2>&1
	rc=0
else
	# What kmemleak suspects from the boot is not this run's (guest.sh
	# checks after the tests and after unload).
	[ "$mode" = bench ] || /src/scripts/guest-kmemleak.sh baseline
	/src/scripts/guest.sh "$mode" "$NOVA_OUT"
	rc=$?
fi
echo "$rc" >"$NOVA_OUT/rc"
sync
busybox poweroff -f
sleep 30
