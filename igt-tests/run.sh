#!/bin/bash
# SPDX-License-Identifier: MIT
#
# run.sh RESULTS_DIR - run nova's IGT tests and write IGT-runner-style
# results. Runs inside the VM guest, as root.
#
# For every test binary (nova_* in $IGT_BIN_DIR) it lists the subtests and
# runs each one in its own process with --run-subtest, under a timeout,
# capturing its stdout, stderr and the kernel log lines emitted meanwhile.
# A test without subtests (its --list-subtests exits 79, IGT_EXIT_INVALID,
# or lists nothing) runs as one test; any other non-zero exit of
# --list-subtests is one failed entry.
# A subtest passes, fails or skips by its exit code (0, 98, 77); anything
# else (a crash, a timeout, an invalid subtest) is a failure, and so is any
# kernel warning, BUG, oops, lockdep, KASAN or UBSAN report in its kernel
# log, whatever the exit code.
#
# Output: one line per subtest, "igt@<test>@<subtest>: pass|fail|skip
# (1.23s)", then "IGT: N passed, N failed, N skipped". Files:
# RESULTS_DIR/results.json, RESULTS_DIR/junit.xml, RESULTS_DIR/dmesg.txt
# (the whole kernel log at the end) and RESULTS_DIR/raw/<test>@<subtest>/
# (out, err, dmesg, result). The exit code is 0 whether tests fail or not;
# it is non-zero only if the runner itself could not do its job.
#
# Environment:
#   IGT_BIN_DIR       test binaries (default /cache/igt)
#   IGT_TIMEOUT       seconds per subtest (default 120; some subtests get
#                     more, see timeout_for)
#   IGT_FILTER        extended regex on "<test>@<subtest>"; only matching
#                     subtests run
#   IGT_GENERIC_DIR   where IGT's own generic tests are looked for
#                     (default /usr/libexec/igt-gpu-tools, see below)
#   NOVA_EXPECT_DEVICE_ID, NOVA_EXPECT_CHIPSET, NOVA_EXPECT_VRAM_BAR_SIZE,
#   NOVA_EXPECT_GSP, NOVA_EXPECT_GPU_NAME, NOVA_EXPECT_VRAM_SIZE
#                     what the simulated GPU is; passed to the tests

set -u

usage() {
	echo "usage: $0 RESULTS_DIR" >&2
	exit 2
}

die() {
	echo "run.sh: $*" >&2
	exit 1
}

[ $# -eq 1 ] || usage
results=$1
here=$(cd "$(dirname "$0")" && pwd)
bin_dir=${IGT_BIN_DIR:-/cache/igt}
default_timeout=${IGT_TIMEOUT:-120}
filter=${IGT_FILTER:-}

# Passed on to the tests when the caller set them.
export NOVA_EXPECT_DEVICE_ID NOVA_EXPECT_CHIPSET NOVA_EXPECT_VRAM_BAR_SIZE
export NOVA_EXPECT_GSP NOVA_EXPECT_GPU_NAME NOVA_EXPECT_VRAM_SIZE

command -v python3 >/dev/null || die "python3 is needed for the results"
command -v timeout >/dev/null || die "timeout (coreutils) is needed"
mkdir -p "$results/raw" || die "cannot create $results"
results=$(cd "$results" && pwd)
: >"$results/raw/ORDER" || die "cannot write to $results"

# Kernel log lines that fail a subtest. Lockdep reports start with
# "WARNING: possible ..." or "WARNING: inconsistent ..."; KASAN with
# "BUG: KASAN:"; the Call Trace of a warning follows its WARNING line.
kernel_problems='WARNING:|BUG:|Oops|kernel BUG|general protection fault'
kernel_problems+='|possible circular locking|possible recursive locking'
kernel_problems+='|inconsistent lock state|KASAN:|UBSAN:|refcount_t:'
kernel_problems+='|Kernel panic|panicked at|blocked for more than'
kernel_problems+='|detected stall'

# Subtests that need more than the default time.
timeout_for() {
	case $1 in
	nova_unbind@unbind-rebind-loop)	echo $((default_timeout * 8)) ;;
	nova_gem@create-close-loop)	echo $((default_timeout * 2)) ;;
	# VRAM filled (twice) to ENOMEM; an unbind and a GSP-RM boot.
	nova_vm@vram-exhaustion)	echo $((default_timeout * 3)) ;;
	nova_vm@bind-partial-failure)	echo $((default_timeout * 2)) ;;
	nova_vm@unbind-with-binds)	echo $((default_timeout * 2)) ;;
	# Hundreds of jobs; an 8 MiB push buffer and a full channel range.
	nova_exec@many-in-flight)	echo $((default_timeout * 2)) ;;
	nova_exec@invalid)		echo $((default_timeout * 2)) ;;
	# A wait of EXEC_TIMEOUT_MS; an unbind and a GSP-RM boot.
	nova_exec@hang)			echo $((default_timeout * 3)) ;;
	nova_exec@unbind-in-flight)	echo $((default_timeout * 3)) ;;
	*)				echo "$default_timeout" ;;
	esac
}

# IGT's own generic tests of the DRM core that apply to nova, run (as
# <test>@<subtest>, like nova's) when they are installed in
# $IGT_GENERIC_DIR. Debian's intel-gpu-tools 2.0 ships libigt and the tools
# but none of IGT's test binaries, so the test VM has none; nova_syncobj
# covers what they check. IGT opens their device with
# drm_open_driver(DRIVER_ANY), which accepts nova (a driver IGT does not
# know stays in the DRIVER_ANY class); IGT_DEVICE=pci:slot=<nova's PCI
# address> makes sure it is nova's device (a pci: filter names the primary
# and the render node; drm:/dev/dri/renderD<N> would name no primary node
# for drm_open_driver()). An IGT_DEVICE of the caller is kept.
generic_dir=${IGT_GENERIC_DIR:-/usr/libexec/igt-gpu-tools}
generic_tests="syncobj_basic syncobj_wait syncobj_timeline syncobj_eventfd"

# The IGT device filter of nova's first render node, e.g. pci:slot=0000:00:03.0.
nova_device_filter() {
	local d drv
	for d in /sys/class/drm/renderD*; do
		drv=$(readlink -f "$d/device/driver" 2>/dev/null) || continue
		[ "${drv##*/}" = nova ] || continue
		d=$(readlink -f "$d/device") || continue
		echo "pci:slot=${d##*/}"
		return 0
	done
	return 1
}

# Environment of the test binary being run (set per binary below).
test_env=()

have_dmesg=1
dmesg >/dev/null 2>&1 || have_dmesg=0

# Timestamp (seconds since boot) of the last kernel log line, or 0.
dmesg_last_ts() {
	[ $have_dmesg = 1 ] || { echo 0; return; }
	dmesg 2>/dev/null | awk '
		match($0, /^\[ *[0-9]+\.[0-9]+\]/) {
			ts = substr($0, 2, RLENGTH - 2)
			sub(/^ */, "", ts)
		}
		# As text: awk would print a number with 6 digits only.
		END { print (ts == "" ? 0 : ts) }'
}

# Kernel log lines newer than timestamp $1 (continuation lines included).
dmesg_since() {
	if [ $have_dmesg = 0 ]; then
		echo "(kernel log unavailable)"
		return
	fi
	dmesg 2>/dev/null | awk -v t0="$1" '
		match($0, /^\[ *[0-9]+\.[0-9]+\]/) {
			on = (substr($0, 2, RLENGTH - 2) + 0 > t0 + 0)
		}
		on'
}

now() {
	date +%s.%N
}

passed=0
failed=0
skipped=0

# run_one TEST BINARY [SUBTEST]: run one subtest (or a whole test without
# subtests) and record it.
run_one() {
	local test=$1 binary=$2 subtest=${3:-}
	local name dir tmo t0 start end rc result reason elapsed
	local args=()

	if [ -n "$subtest" ]; then
		name=$test@$subtest
		args=(--run-subtest "$subtest")
	else
		name=$test
	fi
	dir=$results/raw/$name
	tmo=$(timeout_for "$name")

	rm -rf "$dir"
	mkdir -p "$dir"
	echo "$name" >>"$results/raw/ORDER"

	t0=$(dmesg_last_ts)
	start=$(now)
	printf 'state=running\nstart=%s\n' "$start" >"$dir/result"

	# The group's stderr redirection silences bash's own "Segmentation
	# fault" report; the test's stderr goes to its file.
	{
		(cd "$dir" && exec timeout --kill-after=10 "$tmo" \
			env "${test_env[@]}" "$binary" "${args[@]}" \
			</dev/null >"$dir/out" 2>"$dir/err")
	} 2>/dev/null
	rc=$?

	end=$(now)
	dmesg_since "$t0" >"$dir/dmesg"
	elapsed=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')

	case $rc in
	0)	result=pass; reason="" ;;
	77)	result=skip; reason="" ;;
	98)	result=fail; reason="subtest failed (exit 98)" ;;
	79)	result=fail; reason="invalid subtest (exit 79)" ;;
	112)	result=fail; reason="test aborted (exit 112)" ;;
	124)	result=fail; reason="timeout after ${tmo}s" ;;
	137)	if awk -v e="$elapsed" -v t="$tmo" 'BEGIN { exit !(e >= t) }'
		then
			result=fail; reason="timeout after ${tmo}s (killed)"
		else
			result=fail; reason="crash (SIGKILL)"
		fi ;;
	*)	if [ "$rc" -gt 128 ]; then
			result=fail
			reason="crash (signal $((rc - 128)): $(kill -l $((rc - 128)) 2>/dev/null || echo '?'))"
		else
			result=fail; reason="exit code $rc"
		fi ;;
	esac

	if grep -Eq "$kernel_problems" "$dir/dmesg"; then
		local what
		what=$(grep -Em1 "$kernel_problems" "$dir/dmesg" |
		       sed 's/^\[ *[0-9.]*\] *//' | cut -c1-160)
		if [ $result = fail ]; then
			reason+="; kernel problem in dmesg: $what"
		else
			reason="kernel problem in dmesg: $what"
		fi
		result=fail
	fi

	{
		echo "state=done"
		echo "start=$start"
		echo "end=$end"
		echo "exit=$rc"
		echo "timeout=$tmo"
		echo "result=$result"
		echo "reason=$reason"
	} >"$dir/result"

	case $result in
	pass)	passed=$((passed + 1)) ;;
	skip)	skipped=$((skipped + 1)) ;;
	*)	failed=$((failed + 1)) ;;
	esac
	echo "igt@$name: $result (${elapsed}s)"
}

summarize() {
	python3 "$here/results.py" "$results" || die "cannot write results"
}

shopt -s nullglob
binaries=()
for b in "$bin_dir"/nova_*; do
	[ -f "$b" ] && [ -x "$b" ] && binaries+=("$b")
done
for t in $generic_tests; do
	b=$generic_dir/$t
	[ -f "$b" ] && [ -x "$b" ] && binaries+=("$b")
done
[ ${#binaries[@]} -gt 0 ] || die "no test binaries in $bin_dir (build them with make -C igt-tests)"

run_start=$(now)
echo "start=$run_start" >"$results/raw/RUN"

for binary in "${binaries[@]}"; do
	test=$(basename "$binary")
	test_env=()
	case $binary in
	"$generic_dir"/*)
		device_filter=${IGT_DEVICE:-$(nova_device_filter)}
		[ -n "$device_filter" ] && test_env=("IGT_DEVICE=$device_filter")
		;;
	esac
	list_err=$results/raw/$test.list-err

	subtests=$("$binary" --list-subtests 2>"$list_err")
	list_rc=$?
	if [ "$list_rc" = 79 ]; then
		# IGT_EXIT_INVALID: a test without subtests (igt_simple_main)
		# has none to list; it runs as a whole below.
		subtests=
	elif [ "$list_rc" != 0 ]; then
		# Record the test as one failed entry: it cannot even list.
		mkdir -p "$results/raw/$test"
		echo "$test" >>"$results/raw/ORDER"
		cp "$list_err" "$results/raw/$test/err"
		: >"$results/raw/$test/out"
		: >"$results/raw/$test/dmesg"
		printf 'state=done\nstart=%s\nend=%s\nexit=%s\nresult=fail\nreason=%s\n' \
			"$(now)" "$(now)" "$list_rc" "cannot list subtests (exit $list_rc)" \
			>"$results/raw/$test/result"
		failed=$((failed + 1))
		echo "igt@$test: fail (0.00s)"
		continue
	fi

	if [ -z "$subtests" ]; then
		# A test without subtests (igt_simple_main) runs as a whole.
		if [ -z "$filter" ] || [[ $test =~ $filter ]]; then
			run_one "$test" "$binary"
		fi
	else
		while IFS= read -r subtest; do
			[ -n "$subtest" ] || continue
			if [ -n "$filter" ] && ! [[ $test@$subtest =~ $filter ]]; then
				continue
			fi
			run_one "$test" "$binary" "$subtest"
		done <<<"$subtests"
	fi

	# Keep the results current, in case the machine dies later on.
	summarize
done

echo "end=$(now)" >>"$results/raw/RUN"
[ $have_dmesg = 1 ] && dmesg >"$results/dmesg.txt" 2>/dev/null
summarize

echo "IGT: $passed passed, $failed failed, $skipped skipped"
exit 0
