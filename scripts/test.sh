#!/usr/bin/env bash
# `make test`: every test of the project, one summary line at the end.
#
# 1. host: cargo test (tools, shared firmware parsers), rustfmt, clippy;
# 2. kernel: build (LLVM=1 CLIPPY=1), nova.ko warning-free, rustfmt of the
#    kernel-side Rust;
# 3. VM with the simulated GPU: nova's KUnit suites (run when nova.ko loads)
#    and the IGT tests of igt-tests/, for the default chip; upstream
#    nova-core on six chips in one VM; nova on all 24 simulated chips in
#    one VM (vm_multi); nova_vm and nova_exec on TU102
#    and AD102 (and the userspace walk-through on TU102), nova_exec@hang
#    under nvsim's ce-hang fault and nova_exec@unbind-in-flight with an
#    engine delay on GA102; nvsim's MMU audit of every VM run that binds
#    (no audit error, some pages mapped).
# KERNEL_FLAVOR=memcheck (`make test-memcheck`) builds the kernel with KASAN
# and kmemleak and runs only the GA102 IGT run and the fault runs on it.
#
# Counting: every test binary runs (--no-fail-fast); one that crashed or
# never ran is one failure; a host test that printed "SKIP: <test>: <why>"
# (its input is missing) is skipped, not passed.
#
# Results: $NOVA_CACHE/results/ (summary, per-test lines, VM logs; each VM
# run's own output directory is $NOVA_CACHE/work/vm/<name>, see vm.sh).
# Exit status: non-zero on any failure, on any kernel warning/oops/lockdep/
# KASAN report in a guest log, or on a VM that did not finish.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
cd "$REPO"

results=$NOVA_CACHE/results
rm -rf "$results"
mkdir -p "$results"
lines=$results/tests.txt
: >"$lines"
pass=0 fail=0 skip=0
t0=$(date +%s)

record() { # record NAME pass|fail|skip [DETAIL]
	printf '%-6s %s%s\n' "$2" "$1" "${3:+  ($3)}" | tee -a "$lines"
	case "$2" in pass) pass=$((pass + 1)) ;; fail) fail=$((fail + 1)) ;; skip) skip=$((skip + 1)) ;; esac
}
count() { # count PASS FAIL SKIP SOURCE: add totals reported by a runner
	pass=$((pass + $1)) fail=$((fail + $2)) skip=$((skip + $3))
	printf 'counted %s: %s passed, %s failed, %s skipped\n' "$4" "$1" "$2" "$3" | tee -a "$lines"
}
step() { printf '\n[nova] === %s\n' "$*" >&2; }
finish() {
	local secs=$(($(date +%s) - t0))
	printf '\ntime: %ss; results in %s\n' "$secs" "$results"
	printf '%s passed, %s failed, %s skipped\n' "$pass" "$fail" "$skip" | tee "$results/summary.txt"
	[ "$fail" = 0 ] && [ "${1:-0}" = 0 ]
	exit $?
}

# --- set-up ----------------------------------------------------------------
step "build root"
scripts/buildroot.sh || { record setup:buildroot fail; finish 1; }

# KERNEL_FLAVOR=memcheck (`make test-memcheck`): the kernel with KASAN and
# kmemleak, and only the VM runs that exercise nova's own paths (the full
# IGT run on the default chip, the GSP fault runs); no host tests.
memcheck=
[ "${KERNEL_FLAVOR:-test}" = memcheck ] && memcheck=1
export KERNEL_FLAVOR=${KERNEL_FLAVOR:-test}

# --- host tests ------------------------------------------------------------
if [ -z "$memcheck" ]; then
step "host: cargo test"
export NOVA_FW_DIR=${NOVA_FW_DIR:-$ROOTFS/usr/lib/firmware/nvidia}
# --no-fail-fast: every test binary runs, also after one failed.
cargo test --workspace --release --no-fail-fast 2>&1 | tee "$results/cargo-test.log"
grep -qE '^ +(Running|Doc-tests) ' "$results/cargo-test.log" ||
	record host:cargo-test fail "nothing ran, see $results/cargo-test.log"
sed -n 's/.*could not compile `\([^`]*\)`.*/\1/p' "$results/cargo-test.log" | sort -u \
	>"$results/cargo-unbuilt.txt"
while read -r crate; do
	record "host:cargo-test:$crate" fail "did not build, see $results/cargo-test.log"
done <"$results/cargo-unbuilt.txt"
# Totals of the "test result:" lines. A test binary (or doc-test run) whose
# section, from cargo's "Running"/"Doc-tests" line to the next, has no
# "test result:" line crashed or never ran; one that reported no failure
# but did not exit successfully (a signal, an exit status) crashed after
# its tests: each is one failure, on a line of cargo-crashed.txt.
crashed=$results/cargo-crashed.txt
: >"$crashed"
read -r p f i < <(awk -v crashed="$crashed" '
	function close_section() {
		if (name != "" && (!result || (!failed && bad_exit)))
			print name "\t" (why != "" ? why : "no test result") >crashed
		name = ""; result = 0; failed = 0; bad_exit = 0; why = ""
	}
	# "Running tests/x.rs (target/release/deps/x-HASH)": "x (tests/x.rs)";
	# "Doc-tests CRATE": "doc-tests CRATE".
	/^ +Running / {
		close_section()
		src = $0; sub(/^ +Running /, "", src); sub(/ \(.*/, "", src)
		bin = $NF; sub(/.*\//, "", bin); sub(/-[0-9a-f]+\)$/, "", bin)
		name = bin " (" src ")"; next
	}
	/^ +Doc-tests / { close_section(); name = "doc-tests " $2; next }
	/^test result:/ { result = 1; p += $4; f += $6; i += $8; failed += $6; next }
	/process didn.t exit successfully/ {
		bad_exit = 1; why = $0; sub(/.*\(/, "", why); sub(/\)$/, "", why)
	}
	END { close_section(); print p + 0, f + 0, i + 0 }' "$results/cargo-test.log")
while IFS=$'\t' read -r bin why; do
	record "host:cargo-test:$bin" fail "crashed or did not run: $why"
done <"$crashed"
# Tests that lack their input (the real firmware files) return early and
# pass; they say so with a "SKIP: <test>: <why>" line (see
# tools/nvsim/tests/common/mod.rs): each counts as skipped, not passed.
while IFS=$'\t' read -r name why; do
	record "host:$name" skip "$why"
	p=$((p - 1))
done < <(sed -n 's/.*SKIP: \([^ ]*\): \(.*\)$/\1\t\2/p' "$results/cargo-test.log" | sort -u -t$'\t' -k1,1)
count "$p" "$f" "$i" "cargo test"

step "host: rustfmt, clippy"
if cargo fmt --all --check >"$results/rustfmt.log" 2>&1; then record host:rustfmt pass; else
	record host:rustfmt fail "cargo fmt --all --check"; fi
if cargo clippy --workspace --all-targets --release -q -- -D warnings >"$results/clippy.log" 2>&1; then
	record host:clippy pass
else record host:clippy fail "see $results/clippy.log"; fi

if [ -x tools/fwparse/fuzz.sh ]; then
	step "host: fuzz (short)"
	if tools/fwparse/fuzz.sh "${FUZZ_RUNS:-2000}" >"$results/fuzz.log" 2>&1; then
		record host:fuzz pass
	else record host:fuzz fail "see $results/fuzz.log"; fi
fi
fi

# --- kernel ----------------------------------------------------------------
step "kernel build"
if ! scripts/inroot.sh /src/scripts/kernel.sh build; then
	record kernel:build fail "see $WORK/kbuild.log"
	finish 1
fi
record kernel:build pass
if scripts/inroot.sh /src/scripts/kernel.sh module; then record kernel:nova-warning-free pass; else
	record kernel:nova-warning-free fail "see $WORK/nova-build.log"; fi
if scripts/inroot.sh sh -c 'cd /cache/linux-source-7.3 && rustfmt --edition 2021 --config-path .rustfmt.toml --check \
	$(find -L drivers/gpu/drm/nova -name "*.rs") rust/kernel/drm/fdinfo.rs' >"$results/kernel-rustfmt.log" 2>&1; then
	record kernel:rustfmt pass
else record kernel:rustfmt fail "see $results/kernel-rustfmt.log"; fi

step "IGT build"
if scripts/inroot.sh make -s -C /src/igt-tests OUT=/cache/igt >"$results/igt-build.log" 2>&1; then
	record igt:build pass
else
	record igt:build fail "see $results/igt-build.log"
fi

step "host tools build (nvsim, nvfw)"
cargo build --release -q --workspace --bins || { record tools:build fail; finish 1; }

# --- VM ----------------------------------------------------------------------
# Kernel reports that fail a run wherever they appear in a guest log (a
# kmemleak suspect starts with "unreferenced object 0x": guest-kmemleak.sh).
bad_re=$(cat "$here/kernel-reports.re")

check_log() { # check_log NAME FILE
	if grep -qE "$bad_re" "$2"; then
		record "$1:kernel-log-clean" fail "$(grep -m1 -E "$bad_re" "$2")"
		grep -E -A20 "$bad_re" "$2" | head -60 >&2
	else
		record "$1:kernel-log-clean" pass
	fi
}

# vm_outputs NAME DIR: copy what the VM run NAME left in its own output
# directory ($WORK/vm/NAME, see scripts/vm.sh) to DIR, but for the modules.
vm_outputs() {
	cp -r "$WORK/vm/$1/." "$2/" 2>/dev/null
	rm -rf "$2/modroot"
}

# check_mmu_audit NAME LOG: nvsim's MMU audit of the page tables nova wrote
# in that VM run (tools/nvsim/README.md): no "nvsim: mmu audit error:" line,
# and at least one "nvsim: mmu audit:" summary with mapped pages (else the
# audit never saw a binding, and proved nothing).
check_mmu_audit() {
	local log=$2 audits
	if [ ! -f "$log" ]; then
		record "$1:mmu-audit" fail "no nvsim log at $log"
	elif grep -aq '^nvsim: mmu audit error:' "$log"; then
		record "$1:mmu-audit" fail "$(grep -a -m1 '^nvsim: mmu audit error:' "$log" | cut -c1-240)"
		grep -a -B1 '^nvsim: mmu audit error:' "$log" | head -20 >&2
	elif grep -aqE '^nvsim: mmu audit: client .*: [1-9][0-9]* pages? mapped' "$log"; then
		audits=$(grep -acE '^nvsim: mmu audit: client ' "$log")
		record "$1:mmu-audit" pass "$audits audits, no error"
	else
		record "$1:mmu-audit" fail "no 'nvsim: mmu audit:' summary with mapped pages in $log"
	fi
}

vm_igt() { # vm_igt CHIP TEST SUBTEST: one IGT subtest on another chip, in a VM of its own
	local chip=$1 name=igt-$1-$3 dir=$results/igt-$1-$3
	step "VM: IGT $2@$3 on simulated $chip"
	mkdir -p "$dir"
	CHIP=$chip VM_CMD="modprobe nova && udevadm settle; /cache/igt/$2 --run-subtest $3" \
		scripts/inroot.sh /src/scripts/vm.sh cmd "$name" >"$dir/vm.log" 2>&1
	local rc=$?
	vm_outputs "$name" "$dir"
	if [ "$rc" = 0 ] && grep -q "Subtest $3: SUCCESS" "$dir/vm.log"; then
		record "$name" pass
	else
		record "$name" fail "exit $rc, see $dir/vm.log"
	fi
	check_log "$name" "$dir/vm.log"
}

# vm_igt_run NAME CHIP FILTER [VAR=VALUE...]: the IGT subtests matching
# FILTER (an extended regex on <test>@<subtest>, run.sh's IGT_FILTER) on
# CHIP, in a VM of its own, under run.sh as in the full run (a timeout and
# a kernel log check per subtest), with the VAR=VALUE settings in the
# tests' environment. nvsim gets $NVSIM_ARGS; $VM_POST, if set, is a guest
# command run after the tests. At least one subtest must pass.
vm_igt_run() {
	local name=$1 chip=$2 filter=$3 dir=$results/$1 summary p f s
	shift 3
	step "VM: IGT /$filter/ on simulated $chip${NVSIM_ARGS:+ (nvsim $NVSIM_ARGS)}"
	mkdir -p "$dir"
	# GSP-RM must be up on the chips this is used for.
	CHIP=$chip VM_CMD="modprobe nova && udevadm settle; NOVA_EXPECT_GSP=1 $* IGT_FILTER='$filter' \
		/src/igt-tests/run.sh \$NOVA_OUT/igt${VM_POST:+; $VM_POST}" \
		scripts/inroot.sh /src/scripts/vm.sh cmd "$name" >"$dir/vm.log" 2>&1
	local rc=$?
	vm_outputs "$name" "$dir"
	tr -d '\r' <"$dir/vm.log" | grep -E '^igt@' | sed "s/^/$chip: /" >>"$lines" || true
	summary=$(tr -d '\r' <"$dir/vm.log" | grep -E '^IGT: [0-9]+ passed' | tail -1)
	if [ -n "$summary" ]; then
		read -r p f s < <(echo "$summary" | sed -E 's/IGT: ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped/\1 \2 \3/')
		count "$p" "$f" "$s" "IGT /$filter/ ($chip)"
		[ "$p" -gt 0 ] || record "$name:ran" fail "no subtest passed, see $dir/vm.log"
	else
		record "$name:ran" fail "exit $rc, no IGT summary, see $dir/vm.log"
	fi
	check_log "$name" "$dir/vm.log"
	check_mmu_audit "$name" "$dir/nvsim.log"
}

vm_igt_test() { # vm_igt_test CHIP TEST: every subtest of one IGT test on another chip, in a VM of its own
	vm_igt_run "igt-$1-$2" "$1" "^$2@"
}

vm_test() { # vm_test CHIP: full in-VM test run
	local chip=$1 dir=$results/vm-$1
	step "VM tests on simulated $chip"
	mkdir -p "$dir"
	if CHIP=$chip scripts/inroot.sh /src/scripts/vm.sh test "test-$chip" >"$dir/vm.log" 2>&1; then
		record "vm-$chip:boot" pass
	else
		record "vm-$chip:boot" fail "VM did not finish cleanly, see $dir/vm.log"
		tail -30 "$dir/vm.log" >&2
	fi
	vm_outputs "test-$chip" "$dir"
	local dmesg=$dir/dmesg.txt
	[ -f "$dmesg" ] || dmesg=$dir/vm.log
	# KUnit: every test case of nova's suites and of the kernel-crate
	# additions nova brings (KTAP, indented "ok N name").
	read -r p f s < <(awk '
		/# Subtest: (nova_|rust_kernel_dma_fence|rust_kernel_drm_syncobj|rust_kernel_drm_job_queue)/ {in_suite=1; next}
		in_suite && /^[[:space:]]*(\[[ 0-9.]+\][[:space:]]*)?[[:space:]]+(not )?ok [0-9]+ / {
			if ($0 ~ /# SKIP/) s++; else if ($0 ~ /not ok/) f++; else p++; next }
		in_suite && /^[[:space:]]*(\[[ 0-9.]+\][[:space:]]*)?(not )?ok [0-9]+ (nova_|rust_kernel_)/ {in_suite=0}
		END {print p+0, f+0, s+0}' "$dmesg")
	[ "$((p + f + s))" -gt 0 ] || record "vm-$chip:kunit-ran" fail "no nova KUnit results in the guest log"
	count "$p" "$f" "$s" "KUnit ($chip)"
	tr -d '\r' <"$dir/vm.log" | grep -E '^igt@' >>"$lines" || true
	local igt
	igt=$(tr -d '\r' <"$dir/vm.log" | grep -E '^IGT: [0-9]+ passed' | tail -1)
	if [ -n "$igt" ]; then
		read -r p f s < <(echo "$igt" | sed -E 's/IGT: ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped/\1 \2 \3/')
		count "$p" "$f" "$s" "IGT ($chip)"
	else
		record "vm-$chip:igt-ran" fail "no IGT summary in the VM log"
	fi
	local line missing=
	for line in "${gsp_boot[@]}"; do
		grep -qa "$line" "$dir/probe.txt" 2>/dev/null || missing="'$line'"
	done
	if [ -z "$missing" ]; then record "vm-$chip:gsp-steps" pass; else
		record "vm-$chip:gsp-steps" fail "no $missing line in $dir/probe.txt"; fi
	if grep -qa "$gsp_unload" "$dmesg"; then record "vm-$chip:gsp-unload" pass; else
		record "vm-$chip:gsp-unload" fail "no '$gsp_unload' line in $dmesg"; fi
	# GSP-RM's messages reach nova by the GSP interrupt, not by the fallback.
	if grep -qaE "GSP-RM: [1-9][0-9]* messages by interrupt" "$dmesg"; then
		record "vm-$chip:gsp-interrupt" pass
	else
		record "vm-$chip:gsp-interrupt" fail "no 'GSP-RM: N messages by interrupt' line in $dmesg"
	fi
	check_log "vm-$chip" "$dmesg"
	# nova_vm and nova_fuzz bound objects: nvsim audited every page table.
	check_mmu_audit "vm-$chip" "$dir/nvsim.log"
}

# vm_reference NAME CHIP...: upstream nova-core on nvsim, the simulator's
# check, on every CHIP in one VM (vm.sh CHIPS=...); what each device must
# be comes from nvsim's description of it (gpus.jsonl).
vm_reference() {
	local name=$1 dir=$results/$1 log pci chip boot gpu board n nlog
	shift
	step "VM: upstream nova-core on $# simulated GPUs: $*"
	mkdir -p "$dir"
	DRIVER=nova-core CHIPS="$*" VM_TIMEOUT=1800 \
		scripts/inroot.sh /src/scripts/vm.sh run "$name" >"$dir/vm.log" 2>&1
	vm_outputs "$name" "$dir"
	log=$dir/vm.log
	n=0
	# dev RE: a line of this device's matches the extended regex RE (in a
	# file, not a pipe: under pipefail, `grep | grep -q` fails when the
	# second grep stops reading first). RE_I: the same, ignoring case.
	dev() { DEV="nova-core $pci: " RE="$1" awk 'index($0, ENVIRON["DEV"]) && $0 ~ ENVIRON["RE"] { f = 1 }
		END { exit !f }' "$log"; }
	dev_i() { DEV="nova-core $pci: " RE="$1" awk 'index($0, ENVIRON["DEV"]) && tolower($0) ~ ENVIRON["RE"] { f = 1 }
		END { exit !f }' "$log"; }
	# nova-core identifies the chip, passes its GFW-boot wait and parses the
	# VBIOS (whose chain ends with FWSEC, or with NBSI as on a real TU117);
	# FWSEC-FRTS sets up WPR2, booter_load on SEC2 starts GSP-RM (nvsim
	# verifies the radix3-mapped image), the RPC conversation and the CPU
	# sequencer run up to GSP_INIT_DONE, GET_GSP_STATIC_INFO names the
	# board; modprobe -r unloads GSP-RM (UNLOADING_GUEST_DRIVER, FWSEC-SB,
	# booter_unload). Each device's lines carry its PCI address.
	while read -r pci chip boot board; do
		n=$((n + 1))
		gpu=ref-$chip
		if [ "$boot" = fsp ]; then
			# Hopper and Blackwell: no GFW wait, no VBIOS, no FWSEC or
			# booter; the COT to the FSP (nvsim checks the FMC image,
			# its hash, key and signature, and the boot parameters),
			# then the FMC starts GSP-RM, no CPU sequencer.
			if dev "NVIDIA \\(Chipset: ${chip^^}," && dev "FSP Chain of Trust completed successfully" &&
				dev "GSP lockdown released"; then
				record "$gpu:nova-core-fsp-cot" pass
			else
				record "$gpu:nova-core-fsp-cot" fail "no identification/COT/lockdown release line, see $log"
			fi
			if dev "RISC-V active\\? true" && dev "function=Ok\\(GspInitDone\\)" &&
				! dev "CPU Sequencer"; then
				record "$gpu:nova-core-gsp-init" pass
			else
				record "$gpu:nova-core-gsp-init" fail "no RISC-V/GSP_INIT_DONE (or a sequencer), see $log"
			fi
		else
			if dev "NVIDIA \\(Chipset: ${chip^^}," && dev "type: Ok\\(FwSec\\), last: " &&
				dev "Found BIOS image: size: 0x[0-9a-f]+, type: Ok\\((FwSec|Nbsi)\\), last: true" &&
				! dev_i "gfw boot did not complete|vbios.*(error|fail)|invalid.*vbios"; then
				record "$gpu:nova-core-vbios" pass
			else
				record "$gpu:nova-core-vbios" fail "see $log"
			fi
			# GA100 has no FRTS data: no FWSEC-FRTS, booter_load sets WPR2 up.
			nlog=$dir/nvsim-$((n - 1))-$chip.log
			[ "$#" = 1 ] && nlog=$dir/nvsim.log
			if [ "$boot" = ga100 ]; then
				if ! dev "WPR2: " && grep -qa "WPR2 set up by booter_load" "$nlog"; then
					record "$gpu:nova-core-wpr2-by-booter" pass
				else
					record "$gpu:nova-core-wpr2-by-booter" fail "see $log and $nlog"
				fi
			elif dev "WPR2: 0x[0-9a-f]+-0x[0-9a-f]+"; then record "$gpu:nova-core-fwsec-frts" pass; else
				record "$gpu:nova-core-fwsec-frts" fail "no WPR2 line, see $log"; fi
			if dev "Using SEC2 to load and run the booter_load firmware" && dev "SEC2 MBOX0: 0x0, MBOX1: 0x0"; then
				record "$gpu:nova-core-booter-load" pass
			else
				record "$gpu:nova-core-booter-load" fail "see $log"
			fi
			if dev "RISC-V active\\? true" && dev "CPU Sequencer commands completed successfully" &&
				dev "function=Ok\\(GspInitDone\\)"; then
				record "$gpu:nova-core-gsp-init" pass
			else
				record "$gpu:nova-core-gsp-init" fail "no RISC-V/sequencer/GSP_INIT_DONE, see $log"
			fi
		fi
		if dev "GPU name: $board"; then record "$gpu:nova-core-gpu-name" pass; else
			record "$gpu:nova-core-gpu-name" fail "no 'GPU name: $board', see $log"; fi
		if dev "GSP successfully unloaded"; then record "$gpu:nova-core-unload" pass; else
			record "$gpu:nova-core-unload" fail "no 'GSP successfully unloaded', see $log"; fi
	done < <(python3 -c '
import json, sys
for line in open(sys.argv[1]):
    g = json.loads(line)
    print(g["pci"], g["chip"], g["boot"], g["gpu_name"])' "$dir/gpus.jsonl" 2>/dev/null)
	[ "$n" = "$#" ] || record "$name:devices" fail "$n of $# devices described in $dir/gpus.jsonl"
	check_log "$name" "$dir/vm.log"
}

vm_fault() { # vm_fault FAULT STEP-RE [CHIP]: nova's probe under an nvsim fault
	# on CHIP (default ga102). The fault applies to nvsim's first GSP boot:
	# that probe must fail at the right step (STEP-RE in its log) and leave
	# nothing behind; a second bind then boots GSP-RM, except after a
	# removal, which is for good. Unload must work either way; any kernel
	# warning fails the run.
	local fault=$1 chip=${3:-ga102} name=fault-${1//[=:]/-} dir res
	[ "$chip" = ga102 ] || name=$name-$chip
	dir=$results/$name res=$results/$name/fault.txt
	step "VM: nova on simulated $chip with nvsim --fault $fault"
	mkdir -p "$dir"
	CHIP=$chip NVSIM_ARGS="--fault $fault" VM_TIMEOUT=600 \
		scripts/inroot.sh /src/scripts/vm.sh fault "$name" >"$dir/vm.log" 2>&1 ||
		record "$name:boot" fail "VM did not finish cleanly, see $dir/vm.log"
	vm_outputs "$name" "$dir"
	if grep -qx "first: bound: no" "$res" 2>/dev/null && grep -qE "$2" "$res"; then
		record "$name:probe-fails-at-step" pass
	else
		record "$name:probe-fails-at-step" fail "no failed probe logging /$2/, see $res"
	fi
	local again="second: bound: yes"
	case "$fault" in remove-at=*) again="second: bound: no" ;; esac
	if grep -qx "$again" "$res" 2>/dev/null; then record "$name:second-probe" pass; else
		record "$name:second-probe" fail "expected '$again', see $res"; fi
	if [ "$fault" = fsp-no-boot ]; then
		if grep -qx "igt: nova_debugfs@no-logs-without-gsp: exit 0" "$res" 2>/dev/null; then
			record "$name:igt-no-logs-without-gsp" pass
		else
			record "$name:igt-no-logs-without-gsp" fail "see $res and $dir/igt-no-logs.txt"
		fi
	fi
	if grep -qx "unloaded: yes" "$res" 2>/dev/null; then record "$name:unload" pass; else
		record "$name:unload" fail "nova did not unload, see $res"; fi
	check_log "$name" "$dir/dmesg.txt"
}

# vm_multi NAME CHIP...: nova on several GPUs in one VM (vm.sh multi,
# scripts/guest-multi.sh): each bound, identified, with its render node and
# boot step, its own IGT subtests against nvsim's description of it,
# nova_multi across them, one unload stopping every GSP-RM; nvsim's MMU
# audit of each device found no error. $VM_MEM and $NVSIM_ARGS apply.
vm_multi() {
	local name=$1 dir=$results/$1 res p f s
	shift
	step "VM: nova on $# simulated GPUs in one VM: $*"
	mkdir -p "$dir"
	CHIPS="$*" VM_TIMEOUT=${VM_TIMEOUT:-2400} \
		scripts/inroot.sh /src/scripts/vm.sh multi "$name" >"$dir/vm.log" 2>&1 ||
		record "$name:boot" fail "VM did not finish cleanly, see $dir/vm.log"
	vm_outputs "$name" "$dir"
	res=$dir/multi.txt
	[ -s "$res" ] || record "$name:ran" fail "no $res"
	while read -r verdict check why; do
		case "$verdict" in
		pass) record "$name:$check" pass ;;
		fail) record "$name:$check" fail "${why:-see $res}" ;;
		igt)
			read -r p f s < <(echo "$why" | sed -E 's/IGT: ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped/\1 \2 \3/')
			count "$p" "$f" "$s" "IGT (${check%:}, $name)"
			[ "$p" -gt 0 ] || record "$name:${check%:}:igt-passed" fail "no subtest passed"
			;;
		esac
	done <"$res" 2>/dev/null
	tr -d '\r' <"$dir/vm.log" | grep -E '^gpu[0-9]+-[a-z0-9]+: igt@|^multi: igt@' >>"$lines" || true
	# With more RAM than 4 GiB, most of it above 4 GiB: each device's DMA
	# memory (flush page, GSP-RM image, queues, libos) lands above 4 GiB,
	# as on real machines, so a truncated or 32-bit address cannot pass.
	if [ "${VM_MEM:-2048}" -gt 4096 ]; then
		local pci
		for pci in $(sed -n 's/.*"pci":"\([^"]*\)".*/\1/p' "$dir/gpus.jsonl" 2>/dev/null); do
			if grep -qaE "nova $pci: sysmem flush page registered at 0x[1-9a-f][0-9a-f]{8,}" "$dir/dmesg.txt"; then
				record "$name:$pci:dma-above-4g" pass
			else
				record "$name:$pci:dma-above-4g" fail "the flush page is not above 4 GiB, see $dir/dmesg.txt"
			fi
		done
	fi
	check_log "$name" "$dir/dmesg.txt"
	if grep -aq '^nvsim: mmu audit error:' "$dir"/nvsim-*.log 2>/dev/null; then
		record "$name:mmu-audit" fail "$(grep -a -m1 -h '^nvsim: mmu audit error:' "$dir"/nvsim-*.log | cut -c1-240)"
	else
		record "$name:mmu-audit" pass
	fi
}

# The GSP boot's steps at probe (FWSEC-FRTS, booter_load + RISC-V, GSP-RM's
# static info) and its undoing at unload (run mode unloads the driver too).
gsp_boot=("FWSEC-FRTS done, WPR2" "booter_load done, GSP RISC-V core active" "GSP-RM: GPU name: ")
gsp_unload="GSP-RM stopped, WPR2 removed"
vm_test ga102
# nova's probe under each nvsim fault on GA102 (vm_fault).
fault_runs() {
	vm_fault gsp-inactive "RISC-V core is not active"
	vm_fault no-init-done "wait for GSP_INIT_DONE: ETIMEDOUT"
	vm_fault bad-reply "malformed GET_GSP_STATIC_INFO reply"
	vm_fault bad-checksum "bad checksum"
	vm_fault remove-at=fwsec "FWSEC-FRTS"
	vm_fault remove-at=booter-load "booter_load"
	vm_fault remove-at=init-done "GSP_INIT_DONE"
	vm_fault remove-at=static-info "GET_GSP_STATIC_INFO"
	# The FSP boot (Hopper, Blackwell): the FSP never finishes its secure
	# boot, refuses the COT message, or accepts it but its FMC never starts
	# GSP-RM.
	vm_fault fsp-no-boot "FSP: secure boot not complete" gh100
	vm_fault cot-reject "FSP: COT refused" gb100
	vm_fault fmc-hang "FMC: GSP-RM not started" gb202
}
if [ -n "$memcheck" ]; then
	fault_runs
	finish 0
fi
# Upstream nova-core on one chip of each firmware directory with GSP-RM
# files of its own (TU102, TU116, GA100, GA102, AD102), on GA104, the
# board of the real boot logs nvsim follows, and on one chip of each FSP
# generation (GH100, GB100, GB202); all in one VM. (It boots on every chip
# nvsim simulates: CHIPS="..." DRIVER=nova-core make run.)
vm_reference ref tu102 tu116 ga100 ga102 ga104 ad102 gh100 gb100 gb202
# Every chip nvsim simulates (nvsim --describe-all).
mapfile -t all_chips < <(target/release/nvsim --describe-all | sed -n 's/.*"chip":"\([^"]*\)".*/\1/p')
# nova on every chip nvsim simulates, all in one VM (vm_multi): each GPU
# bound, identified, its boot steps logged, its own IGT subtests (on the
# chips without GSP-RM, objects that allow system memory fall back to it:
# nova_gem@domains-fallback), nova_multi across them, one unload for all.
# nvsim's real-hardware timing profile (--timing real): nova's timeouts
# must not depend on the simulator answering faster than a GPU. 6 GiB of
# guest RAM, most of it above 4 GiB: each device's DMA memory lands above
# 4 GiB, as on real machines, so a truncated or 32-bit address cannot pass.
VM_MEM=6144 NVSIM_ARGS="--timing real" vm_multi multi "${all_chips[@]}"
# GSP-RM booted through the FSP (GB202, Blackwell): the GSP, debugfs,
# unbind, VA-space and channel tests of the full GA102 run (GSP-RM's logs,
# unbind and rebind with files open, ioctls racing the unbind, which on
# this chip stops GSP-RM without any FSP message; ver3 page tables, audited
# by nvsim; copies on GB20x's classes).
vm_igt_run igt-gb202-fsp gb202 '^nova_(gsp|debugfs|unbind|vm|exec)@'
# Turing loads FWSEC through gen_bootloader: the unbind must not need it.
vm_igt tu102 nova_firmware unbind-without-files
# GPU VA spaces on the other page-table users of GMMU ver2: Turing's and
# Ada's VA spaces, audited by nvsim (ga102's are in the full run above).
vm_igt_test tu102 nova_vm
vm_igt_test ad102 nova_vm
# Channels, EXEC and fences on Turing's and Ada's classes (ga102's are in
# the full run), and on TU102 the walk-through for userspace developers
# (igt-tests/examples/), which must end with its OK line.
VM_POST=/cache/igt/examples/nova_copy_walkthrough vm_igt_test tu102 nova_exec
if grep -qa 'nova_copy_walkthrough: OK' "$results/igt-tu102-nova_exec/vm.log" 2>/dev/null; then
	record igt-tu102-nova_exec:walkthrough pass
else
	record igt-tu102-nova_exec:walkthrough fail "no 'nova_copy_walkthrough: OK' line, see $results/igt-tu102-nova_exec/vm.log"
fi
vm_igt_test ad102 nova_exec
# A hung copy engine (nvsim: LAUNCH_DMA never completes): the job fails
# with ETIMEDOUT after EXEC_TIMEOUT_MS, its channel is dead, others go on.
NVSIM_ARGS="--fault ce-hang" vm_igt_run igt-ga102-nova_exec-hang ga102 '^nova_exec@hang$' \
	NOVA_EXEC_EXPECT_HANG=1
# Unbind with jobs still queued and running (nvsim runs each channel's work
# 20 ms after its doorbell): every fence signals, nothing hangs.
NVSIM_ARGS="--delay engine=20ms" vm_igt_run igt-ga102-nova_exec-unbind ga102 \
	'^nova_exec@unbind-in-flight$' NOVA_EXEC_UNBIND_IN_FLIGHT=1
fault_runs

finish 0
