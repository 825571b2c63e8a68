#!/usr/bin/env bash
# QEMU smoke test of nvsim, no guest kernel: attaches nvsim to QEMU as a
# vfio-user PCI device, lets SeaBIOS assign the BARs, then reads PCI
# identity and a few BAR0 registers through QEMU's monitor.
#
# Run inside the build root, after `cargo build -p nvsim` on the host:
#   scripts/inroot.sh bash /src/tools/nvsim/qemu-smoke.sh [CHIP]
set -euo pipefail
chip=${1:-ga102}
nvsim=${NVSIM:-/src/target/debug/nvsim}
dir=$(mktemp -d)
sock=$dir/nvsim.sock
trap 'kill "$nv" 2>/dev/null || true; rm -rf "$dir"' EXIT

"$nvsim" --chip "$chip" --socket "$sock" 2>"$dir/nvsim.log" &
nv=$!
for _ in $(seq 200); do [ -S "$sock" ] && break; sleep 0.05; done
[ -S "$sock" ] || { echo "nvsim did not create $sock"; cat "$dir/nvsim.log"; exit 1; }

# Monitor commands, after SeaBIOS had time to assign the BARs. SeaBIOS
# places BAR0 at 0xfd000000 on this machine (checked by `info pci`).
bar0=0xfd000000
{
	sleep 3
	printf 'info pci\n'
	sleep 1
	for r in 0x0 0xa00 0x300000 0x123450 0x110108; do
		printf 'xp /1wx 0x%x\n' $((bar0 + r))
	done
	sleep 1
	printf 'quit\n'
} | timeout 60 qemu-system-x86_64 \
	-machine q35,memory-backend=mem \
	-object memory-backend-memfd,id=mem,size=512M,share=on \
	-device "{\"driver\":\"vfio-user-pci\",\"socket\":{\"type\":\"unix\",\"path\":\"$sock\"}}" \
	-display none -serial none -monitor stdio >"$dir/qemu.out" 2>&1

tr -d '\r' <"$dir/qemu.out" | sed 's/.*\x1b\[K//' >"$dir/q.txt"
grep -a -A7 'PCI device 10de:' "$dir/q.txt" || { echo "device not on the bus"; exit 1; }
grep -a '^[0-9a-f]*: 0x' "$dir/q.txt" || true
grep -a -i 'warning\|error' "$dir/q.txt" || true

status=0
wait "$nv" || status=$?
echo "nvsim exit status: $status"
[ -e "$sock" ] && { echo "socket left behind"; exit 1; }
exit "$status"
