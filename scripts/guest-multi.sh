#!/usr/bin/env bash
# Runs inside the VM (guest.sh multi) with several simulated GPUs (vm.sh
# CHIPS=...; gpus.jsonl says what each is): nova binds each with its own
# state, each answers its own IGT subtests with its own expectations,
# nova_multi checks them together (unbinding one leaves the others
# working), and one `modprobe -r nova` stops GSP-RM on every GPU that runs
# it. Writes $out/multi.txt: "pass NAME", "fail NAME (why)" and, per IGT
# run, "igt NAME: IGT: N passed, N failed, N skipped".
set -uo pipefail
out=${1:-/run/nova-out}
res=$out/multi.txt
gpus=/src/scripts/guest-gpus.py
: >"$res"

check() { # check NAME STATUS [WHY]: STATUS 0 passes
	if [ "$2" = 0 ]; then echo "pass $1"; else echo "fail $1${3:+  ($3)}"; fi | tee -a "$res"
}

# igt NAME TEST SUBTESTS [VAR=VALUE...]: TEST's SUBTESTS in one process
# (guest-igt-once.sh), its lines prefixed "NAME: ", added to NAME's totals.
. /src/scripts/guest-igt-once.sh
declare -A passed failed skipped
igt() {
	local name=$1 test=$2
	igt_once "$name: " "$out/igt-$1-$2.log" "$test" "${@:3}"
	passed[$name]=$((${passed[$name]:-0} + IGT_PASSED))
	failed[$name]=$((${failed[$name]:-0} + IGT_FAILED))
	skipped[$name]=$((${skipped[$name]:-0} + IGT_SKIPPED))
}
igt_total() { # igt_total NAME: NAME's totals as a line of multi.txt
	echo "igt $1: IGT: ${passed[$1]:-0} passed, ${failed[$1]:-0} failed, ${skipped[$1]:-0} skipped" | tee -a "$res"
}

mapfile -t list < <(python3 "$gpus" list)
echo "multi: ${#list[@]} GPUs; before modprobe: $(grep -E '^MemAvailable' /proc/meminfo | tr -s ' ')"
echo "nova-multi: modprobe" >/dev/kmsg
timeout 900 modprobe nova || check modprobe 1 "modprobe nova failed or timed out"
udevadm settle 2>/dev/null || sleep 1

echo "multi: after modprobe: $(grep -E '^(MemTotal|MemAvailable)' /proc/meminfo | tr -s ' ' | tr '\n' ' ')"
# The kernel log so far, each device's nova lines in a file of their own
# (/tmp/klog/<pci address>; in files: `dmesg | grep -q` under pipefail
# fails when grep stops reading first).
klog=/tmp/multi-dmesg.txt
dmesg >"$klog"
mkdir -p /tmp/klog
awk '{ for (i = 1; i < NF; i++) if ($i == "nova" && $(i + 1) ~ /^[0-9a-f]+:[0-9a-f]+:[0-9a-f]+\.[0-9]:$/) {
	print >("/tmp/klog/" substr($(i + 1), 1, length($(i + 1)) - 1)); break } }' "$klog"
for line in "${list[@]}"; do
	read -r k pci chip boot <<<"$line"
	name=gpu$k-$chip
	echo "multi: $name at $pci (boot flow $boot)"
	drv=$(readlink -f "/sys/bus/pci/devices/$pci/driver" 2>/dev/null)
	check "$name:bound" "$([ "${drv##*/}" = nova ]; echo $?)" "driver ${drv##*/}"
	dev_log=/tmp/klog/$pci
	grep -qE "nova $pci: NVIDIA ${chip^^} \\(" "$dev_log"
	check "$name:identified" $? "no 'nova $pci: NVIDIA ${chip^^} (' line"
	compgen -G "/sys/bus/pci/devices/$pci/drm/renderD*" >/dev/null
	check "$name:render-node" $? "no render node under /sys/bus/pci/devices/$pci/drm"
	# FWSEC-FRTS sets WPR2 up, but on GA100 (an empty FRTS region)
	# booter_load does; on Hopper and Blackwell the FSP checks the FMC,
	# which starts GSP-RM. Every flow ends with GSP-RM's GPU name.
	case $boot in
	ga100) lines=("FWSEC-FRTS skipped: empty FRTS region" "booter_load done, GSP RISC-V core active"
		"booter_load set WPR2 up: ") ;;
	fsp) lines=("FSP: COT accepted, the FMC boots GSP-RM" "FMC: GSP-RM started, GSP RISC-V core active") ;;
	*) lines=("FWSEC-FRTS done, WPR2" "booter_load done, GSP RISC-V core active") ;;
	esac
	lines+=("GSP-RM: GPU name: ")
	step=$(cat "/sys/kernel/debug/nova/$pci/boot_step" 2>/dev/null)
	check "$name:boot-step" "$([ "$step" = gsp-rm-running ]; echo $?)" \
		"boot_step '$step', expected 'gsp-rm-running'"
	# The boot's steps in the kernel log, under this device's name.
	missing=
	for l in "${lines[@]}"; do
		grep -qF "$l" "$dev_log" || missing="'$l'"
	done
	check "$name:boot-log" "$([ -z "$missing" ]; echo $?)" "no $missing line"
done

# Each GPU's own subtests, its expectations from gpus.jsonl, its device
# named by IGT_DEVICE: what differs from chip to chip (its IDs, GSP-RM's
# name and VRAM for it, its boot step and logs, where VRAM|GART objects
# go). The uAPI's behaviour, the same on every chip, is the full IGT
# run's (make test, GA102).
for line in "${list[@]}"; do
	read -r k pci chip _ <<<"$line"
	mapfile -t expect < <(python3 "$gpus" env "$k")
	set -- "${expect[@]}" IGT_DEVICE="pci:slot=$pci"
	name=gpu$k-$chip
	igt "$name" nova_basic getparam,getparam-sysfs,getparam-expected "$@"
	igt "$name" nova_gsp vram-size,gpu-name,gsp-params-consistent "$@"
	igt "$name" nova_debugfs "device-dir,boot-step,log-buffers" "$@"
	igt "$name" nova_gem domains-fallback "$@"
	igt_total "$name"
done

# All of them together.
igt multi nova_multi ""
igt_total multi

# One unload stops every GSP-RM.
before=$(dmesg | wc -l)
timeout 600 modprobe -r nova
check unload $? "modprobe -r nova failed"
dmesg | tail -n +"$((before + 1))" >"$klog"
stopped=$(grep -c "GSP-RM stopped, " "$klog")
check unload-stops-every-gsp "$([ "$stopped" = "${#list[@]}" ]; echo $?)" \
	"$stopped 'GSP-RM stopped' lines for ${#list[@]} GPUs, each running GSP-RM"
bound=$(ls -d /sys/bus/pci/drivers/nova 2>/dev/null | wc -l)
check unload-unbinds-all "$bound" "the nova driver is still registered"
exit 0
