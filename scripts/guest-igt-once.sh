#!/usr/bin/env bash
# Runs nova's IGT test binaries in the VM with all of a binary's subtests in
# one process, instead of run.sh's one process per subtest: on the KASAN +
# kmemleak kernel of `make test-memcheck` a process start costs 7 to 10 s,
# and the multi-GPU run (guest-multi.sh) starts four binaries a GPU. The
# kernel log of the whole run is checked by make test.
#
#   guest-igt-once.sh RESULTS_DIR   every nova IGT binary once (guest.sh
#                                   test on that kernel); then the summary
#                                   line run.sh prints, "IGT: N passed, N
#                                   failed, N skipped"
#
# Sourced, it gives igt_once (below).
set -uo pipefail

# igt_once PREFIX LOG TEST SUBTESTS [VAR=VALUE...]: the IGT binary TEST with
# SUBTESTS (IGT's --run-subtest list; "" for all) in one process, with the
# settings given, its output in LOG; prints "PREFIXigt@TEST@SUBTEST:
# pass|fail|skip" a subtest and sets IGT_PASSED, IGT_FAILED, IGT_SKIPPED to
# this run's counts. A crash, a timeout or no subtest at all is one failure
# more.
igt_once() {
	local prefix=$1 log=$2 test=$3 subtests=$4 rc sub verdict n=0
	shift 4
	IGT_PASSED=0 IGT_FAILED=0 IGT_SKIPPED=0
	env "$@" timeout 3600 "${IGT_BIN_DIR:-/cache/igt}/$test" ${subtests:+--run-subtest "$subtests"} >"$log" 2>&1
	rc=$?
	while read -r sub verdict; do
		n=$((n + 1))
		case "$verdict" in
		SUCCESS) verdict=pass IGT_PASSED=$((IGT_PASSED + 1)) ;;
		SKIP) verdict=skip IGT_SKIPPED=$((IGT_SKIPPED + 1)) ;;
		*) verdict=fail IGT_FAILED=$((IGT_FAILED + 1)) ;;
		esac
		echo "${prefix}igt@$test@$sub: $verdict"
	done < <(sed -n 's/^Subtest \([^:]*\): \([A-Z]*\).*/\1 \2/p' "$log")
	if [ "$n" = 0 ] || { [ "$rc" != 0 ] && [ "$rc" != 77 ] && [ "$rc" != 98 ]; }; then
		echo "${prefix}igt@$test: fail (exit $rc, $n subtests reported; $log)"
		IGT_FAILED=$((IGT_FAILED + 1))
	fi
}

[ "${BASH_SOURCE[0]}" = "$0" ] || return 0
results=${1:?usage: guest-igt-once.sh RESULTS_DIR}
mkdir -p "$results"
pass=0 fail=0 skip=0
for bin in "${IGT_BIN_DIR:-/cache/igt}"/nova_*; do
	[ -x "$bin" ] || continue
	igt_once "" "$results/${bin##*/}.log" "${bin##*/}" ""
	pass=$((pass + IGT_PASSED)) fail=$((fail + IGT_FAILED)) skip=$((skip + IGT_SKIPPED))
done
echo "IGT: $pass passed, $fail failed, $skip skipped"
