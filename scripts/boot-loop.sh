#!/usr/bin/env bash
# Boots the kernel N times under TCG (KERNEL_FLAVOR=memcheck: the one with
# KASAN, as `make boot-loop` does), without a root filesystem (each
# boot ends at the "VFS: Unable to mount root fs" panic, after every CPU
# is up and every built-in initcall ran), and counts the boots whose log
# has a kernel report (test.sh's list; KUnit off: make test runs it). The evidence behind the VM's
# `-cpu` model (README, "How the pieces fit"). Runs in the build root
# (scripts/inroot.sh); `make boot-loop`.
#
#   boot-loop.sh [N [CPU]]   N boots (default 50) with `-cpu CPU` (default
#                            the model vm.sh uses); logs of the boots with
#                            a report: /cache/vm/boot-loop/boot-K.log
set -uo pipefail
n=${1:-50}
cpu=${2:-$(sed -n 's/^cpu_model=\${VM_CPU:-\(.*\)}$/\1/p' /src/scripts/vm.sh)}
kbuild=/cache/kbuild
[ "${KERNEL_FLAVOR:-test}" = memcheck ] && kbuild=/cache/kbuild-memcheck
out=/cache/vm/boot-loop
# test.sh's list; each boot ends with the panic of the missing root.
bad_re=$(cat /src/scripts/kernel-reports.re)
root_panic='Kernel panic - not syncing: VFS: Unable to mount root fs'
[ -f "$kbuild/arch/x86/boot/bzImage" ] || { echo "no kernel in $kbuild (make kernel)" >&2; exit 1; }
rm -rf "$out"
mkdir -p "$out"
bad=0
start=$(date +%s)
for k in $(seq "$n"); do
	log=$out/boot-$k.log
	timeout --kill-after=5 300 qemu-system-x86_64 -machine q35,accel=tcg -cpu "$cpu" -smp 2 -m "${BOOT_MEM:-2048}" \
		-kernel "$kbuild/arch/x86/boot/bzImage" \
		-append "console=ttyS0 loglevel=5 panic=-1 root=/dev/nonexistent kunit.enable=0" \
		-display none -vga none -no-reboot -net none -serial "file:$log" </dev/null >/dev/null 2>&1
	if ! grep -q "VFS: Unable to mount root fs" "$log"; then
		echo "boot $k: did not reach the root mount"
		bad=$((bad + 1))
	elif [ -n "$(grep -E "$bad_re" "$log" | grep -v "$root_panic")" ]; then
		echo "boot $k: $(grep -E "$bad_re" "$log" | grep -v "$root_panic" | head -1)"
		bad=$((bad + 1))
	else
		[ -n "${KEEP_LOGS:-}" ] || rm -f "$log"
	fi
done
echo "boot-loop: -cpu $cpu: $n boots, $bad with a kernel report ($(($(date +%s) - start)) s)"
[ "$bad" = 0 ]
