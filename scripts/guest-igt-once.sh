#!/usr/bin/env bash
# Runs inside the VM (guest.sh test, on the KASAN + kmemleak kernel of
# `make test-memcheck`): every nova IGT test binary once, all its subtests
# in one process, instead of run.sh's one process per subtest, whose start
# costs 7 to 10 s on that kernel. Prints "igt@TEST@SUBTEST: pass|fail|skip"
# per subtest and the summary line run.sh prints, "IGT: N passed, N failed,
# N skipped"; a binary that crashed, timed out or reported no subtest is
# one failure more. The kernel log of the whole run is checked by make test.
# Output of each binary: RESULTS_DIR/TEST.log.
set -uo pipefail
results=${1:?usage: guest-igt-once.sh RESULTS_DIR}
bin_dir=${IGT_BIN_DIR:-/cache/igt}
mkdir -p "$results"
pass=0 fail=0 skip=0
for bin in "$bin_dir"/nova_*; do
	[ -x "$bin" ] || continue
	test=${bin##*/} log=$results/${bin##*/}.log
	timeout 3600 "$bin" >"$log" 2>&1
	rc=$?
	n=0
	while read -r sub verdict; do
		n=$((n + 1))
		case "$verdict" in
		SUCCESS) verdict=pass pass=$((pass + 1)) ;;
		SKIP) verdict=skip skip=$((skip + 1)) ;;
		*) verdict=fail fail=$((fail + 1)) ;;
		esac
		echo "igt@$test@$sub: $verdict"
	done < <(sed -n 's/^Subtest \([^:]*\): \([A-Z]*\).*/\1 \2/p' "$log")
	if [ "$n" = 0 ] || { [ "$rc" != 0 ] && [ "$rc" != 77 ] && [ "$rc" != 98 ]; }; then
		echo "igt@$test: fail (exit $rc, $n subtests reported; $log)"
		fail=$((fail + 1))
	fi
done
echo "IGT: $pass passed, $fail failed, $skip skipped"
