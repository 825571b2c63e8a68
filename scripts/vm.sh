#!/usr/bin/env bash
# Boot the built kernel in a VM with the simulated GPU attached (runs in the
# build root; see scripts/inroot.sh, whose PID namespace reaps nvsim and QEMU
# whatever happens here).
#
#   vm.sh run|test|bench|fault|multi|shell|cmd [NAME]
#
# The guest's root filesystem is the build root itself, read-only over 9p,
# with the repository at /src and the kernel build at /cache/kbuild. Each run
# has its own output directory, /cache/vm/NAME ($NOVA_CACHE/work/vm/NAME on
# the host; NAME is the second argument, else $VM_OUT, else MODE-CHIP, with
# -DRIVER when it is not nova): only that directory is wiped at the start,
# so the outputs of different runs coexist. The guest sees it at
# /run/nova-out ($NOVA_OUT) and writes its results there. Its init is
# scripts/guest-init.sh.
#
# cmd runs the shell command in $VM_CMD in the guest (bash, from /src),
# prints its output and powers off; the exit status is the command's
# (`make vm CMD='...'`).
#
# Several GPUs: CHIPS (names separated by spaces or commas, e.g. "tu102
# ga102 gh100") attaches one nvsim device per name, in that order at PCI
# slots 00:04.0, 00:05.0, ... (one nvsim process each, its log
# nvsim-K-CHIP.log); with one chip (CHIP, the default) the log is
# nvsim.log. Either way the run's output directory gets gpus.jsonl: each
# device's `nvsim --describe` line with its PCI address added ("pci"), in
# slot order, where the guest takes what each device must report.
#
# Environment: CHIP (default ga102), CHIPS, DRIVER (nova or nova-core), VRAM,
# VM_OUT (output name, see above), VM_CMD (cmd's command),
# NVSIM_ARGS (extra simulator flags), VM_ARGS (extra kernel arguments),
# VM_TIMEOUT (seconds), VM_MEM (MiB), VM_CPU (QEMU -cpu model),
# KERNEL_FLAVOR (memcheck: the kernel with KASAN and kmemleak, see
# kernel.sh), NVSIM (simulator binary, default
# /src/target/release/nvsim).
set -euo pipefail
mode=${1:-run}
read -r -a chips <<<"${CHIPS:-${CHIP:-ga102}}"
# shellcheck disable=SC2206 # commas too separate the names
chips=(${chips[@]//,/ })
chip=${chips[0]}
driver=${DRIVER:-nova}
timeout_s=${VM_TIMEOUT:-1500}
mem=${VM_MEM:-2048}
cpu_model=${VM_CPU:-max}
nvsim=${NVSIM:-/src/target/release/nvsim}
kbuild=/cache/kbuild
[ "${KERNEL_FLAVOR:-test}" = memcheck ] && kbuild=/cache/kbuild-memcheck
name=${2:-${VM_OUT:-}}
if [ -z "$name" ]; then
	name=$mode-$chip
	[ "${#chips[@]}" = 1 ] || name=$mode-multi
	[ "$driver" = nova ] || name+=-$driver
fi
out=/cache/vm/$name
modroot=$out/modroot
log() { printf '[nova] %s\n' "$*" >&2; }
die() { printf '[nova] error: %s\n' "$*" >&2; exit 1; }

case "$name" in
'' | . | .. | *[!A-Za-z0-9._-]*) die "bad output name '$name' (letters, digits, '.', '_', '-')" ;;
esac
case "$mode" in
cmd) [ -n "${VM_CMD:-}" ] || die "vm.sh cmd: no command in VM_CMD (make vm CMD='...')" ;;
run | test | bench | fault | multi | shell) ;;
*) die "usage: vm.sh run|test|bench|fault|multi|shell|cmd [NAME]" ;;
esac
[ -x "$nvsim" ] || die "no simulator at $nvsim (make nvsim)"
[ "${#chips[@]}" -le 27 ] || die "at most 27 GPUs (PCI slots 04 to 1e)"
[ -f "$kbuild/arch/x86/boot/bzImage" ] || die "no kernel in $kbuild (make kernel)"
rm -rf "$out"
mkdir -p "$out"
log "output: $out"
if [ "$mode" = cmd ]; then printf '%s\n' "$VM_CMD" >"$out/cmd.sh"; fi

# Modules as the guest's /lib/modules/<release> (bind-mounted by guest-init).
flock -s /cache/.kbuild.lock make -s -C /cache/linux-source-7.3 O="$kbuild" LLVM=1 \
	INSTALL_MOD_PATH="$modroot" modules_install >/dev/null || die "modules_install failed"

# nova-core requests TLV firmware files, which Debian does not ship: make
# them from Debian's files and point the firmware loader at them (nova's
# files are not there, so the loader falls back to /lib/firmware for them).
fw_path=
if [ "$driver" = nova-core ] || [ "$mode" = bench ]; then
	fw_path=/cache/firmware-tlv
	/src/firmware/nova-core-tlv.sh "$fw_path" || die "making nova-core's firmware failed"
fi

# One nvsim per GPU, at PCI slot 04 + K.
nvsim_pids=()
cleanup() {
	local pid
	for pid in "${nvsim_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	for pid in "${nvsim_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
gpu_devices=()
: >"$out/gpus.jsonl"
for k in "${!chips[@]}"; do
	c=${chips[$k]}
	slot=$(printf '%02x' $((4 + k)))
	sock=/run/nvsim-$k.sock nlog=$out/nvsim-$k-$c.log
	[ "${#chips[@]}" = 1 ] && nlog=$out/nvsim.log
	rm -f "$sock"
	# shellcheck disable=SC2086
	desc=$("$nvsim" --chip "$c" ${VRAM:+--vram "$VRAM"} --describe) || die "nvsim --chip $c --describe failed"
	printf '%s\n' "${desc%\}},\"pci\":\"0000:00:$slot.0\"}" >>"$out/gpus.jsonl"
	# shellcheck disable=SC2086
	"$nvsim" --chip "$c" --socket "$sock" ${VRAM:+--vram "$VRAM"} ${NVSIM_ARGS:-} >"$nlog" 2>&1 &
	nvsim_pids+=($!)
	for _ in $(seq 100); do
		[ -S "$sock" ] && break
		kill -0 "$!" 2>/dev/null || { cat "$nlog" >&2; die "nvsim --chip $c exited at start"; }
		sleep 0.1
	done
	[ -S "$sock" ] || die "nvsim did not create $sock"
	log "nvsim --chip $c on $sock, PCI 00:$slot.0 (log: $nlog)"
	gpu_devices+=(-device "{\"driver\":\"vfio-user-pci\",\"addr\":\"$slot.0\",\"socket\":{\"type\":\"unix\",\"path\":\"$sock\"}}")
done

# TCG: KVM does not run guests on these machines (docs/design.md). Guest RAM is a
# shared memfd so that nvsim can map it for DMA. The root is 9p, not
# virtiofs: under TCG, pages that virtiofsd fills behind QEMU's back can
# hold stale translated code, and userspace then crashes at random.
append="console=ttyS0 loglevel=5 log_buf_len=8M panic=-1 rw root=rootfs rootfstype=9p"
append+=" rootflags=trans=virtio,version=9p2000.L,access=any,cache=loose,msize=512000"
append+=" init=/src/scripts/guest-init.sh novatest.mode=$mode novatest.chip=$chip novatest.driver=$driver"
append+=" novatest.flavor=${KERNEL_FLAVOR:-test}"
append+=" modprobe.blacklist=nova,nova_core${fw_path:+ firmware_class.path=$fw_path}${VM_ARGS:+ $VM_ARGS}"
qemu=(qemu-system-x86_64 -machine q35,accel=tcg,memory-backend=mem -cpu "$cpu_model" -smp 2 -m "$mem"
	-object "memory-backend-memfd,id=mem,size=${mem}M,share=on"
	-kernel "$kbuild/arch/x86/boot/bzImage" -append "$append"
	-fsdev local,id=root,path=/,security_model=none,readonly=on,multidevs=remap
	-device virtio-9p-pci,fsdev=root,mount_tag=rootfs,addr=02.0
	-fsdev local,id=out,path="$out",security_model=none
	-device virtio-9p-pci,fsdev=out,mount_tag=nova-out,addr=03.0
	"${gpu_devices[@]}"
	-display none -vga none -no-reboot -net none -serial mon:stdio)

case "$mode" in
shell)
	"${qemu[@]}"
	;;
run | test | bench | fault | multi | cmd)
	log "booting the VM (TCG, timeout ${timeout_s}s)"
	set +e
	timeout --kill-after=10 "$timeout_s" "${qemu[@]}" </dev/null 2>&1 | tee "$out/console.log"
	rc=${PIPESTATUS[0]}
	set -e
	[ "$rc" = 124 ] && die "VM timed out after ${timeout_s}s"
	[ "$rc" = 0 ] || die "QEMU exited with $rc"
	[ -f "$out/rc" ] || die "the guest did not finish (no $out/rc)"
	exit "$(cat "$out/rc")"
	;;
esac
