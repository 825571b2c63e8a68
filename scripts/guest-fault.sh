#!/usr/bin/env bash
# Runs inside the VM (guest.sh fault) with nvsim started with a fault for
# the first GSP boot (NVSIM_ARGS): nova's probe must fail cleanly, a second
# bind (nvsim no longer faulting) must boot GSP-RM, and unload must work.
# Writes $out/fault.txt: the failed probe's nova lines, then "bound: yes|no"
# after each attempt.
set -uo pipefail
out=${1:-/run/nova-out}
sysdrv=/sys/bus/pci/drivers/nova
res=$out/fault.txt
: >"$res"

bdf=$(lspci -Dn -d 10de: | awk 'NR == 1 {print $1}')
[ -n "$bdf" ] || { echo "fault: no NVIDIA device" | tee -a "$res"; exit 1; }
bound() { [ -e "$sysdrv/$bdf" ] && echo yes || echo no; }

echo "nova-fault: first probe" >/dev/kmsg
# A PCI probe failure does not fail modprobe; whether it bound is the check.
timeout 120 modprobe nova || echo "fault: modprobe nova failed or timed out" | tee -a "$res"
echo "first: bound: $(bound)" | tee -a "$res"
dmesg | sed -n '/nova-fault: first probe/,$p' | grep -E "nova [0-9a-f:.]+: " >>"$res"

echo "nova-fault: second probe" >/dev/kmsg
# nvsim's fsp-no-boot fault: the FSP finishes its boot 10 s after nova
# first looked at its status, 5 s after nova gave up. The second probe
# starts at once, from nova_debugfs@no-logs-without-gsp, which checks the
# device's debugfs directory while the probe waits for the FSP.
if grep -q "FSP: secure boot not complete" "$res"; then
	NOVA_FSP_WAIT_PCI=$bdf /cache/igt/nova_debugfs --run-subtest no-logs-without-gsp \
		>"$out/igt-no-logs.txt" 2>&1
	echo "igt: nova_debugfs@no-logs-without-gsp: exit $?" | tee -a "$res"
fi
if [ "$(bound)" = no ]; then
	echo "$bdf" >"$sysdrv/bind" 2>/dev/null || true
fi
echo "second: bound: $(bound)" | tee -a "$res"
dmesg | sed -n '/nova-fault: second probe/,$p' | grep -E "GPU name" >>"$res"
timeout 120 modprobe -r nova || echo "fault: modprobe -r nova failed" | tee -a "$res"
echo "unloaded: $([ -d /sys/module/nova ] && echo no || echo yes)" | tee -a "$res"
