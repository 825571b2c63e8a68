#!/usr/bin/env bash
# Runs inside the VM: kmemleak checkpoints (configs/memcheck.config turns
# kmemleak on, with no scan thread: `make test-memcheck`).
#
#   guest-kmemleak.sh baseline   scan, then forget what the scan found: the
#                                boot's own suspects are not the run's
#   guest-kmemleak.sh check WHAT scan twice (an object is reported only if
#                                it is unreferenced in both, and at least
#                                5 s old: MSECS_MIN_AGE in mm/kmemleak.c)
#                                and print every suspect, with its
#                                allocation backtrace, under a "kmemleak
#                                (WHAT):" heading
#
# Each suspect starts with "unreferenced object 0x", which test.sh counts
# as a kernel report. Without kmemleak (the file is missing) both are
# no-ops.
set -uo pipefail
f=/sys/kernel/debug/kmemleak
[ -e "$f" ] || exit 0

case "${1:-}" in
baseline)
	echo scan >"$f" 2>/dev/null || true
	echo clear >"$f" 2>/dev/null || true
	;;
check)
	what=${2:-check}
	# Objects freed just before the check would otherwise be younger than
	# kmemleak's minimum age and escape it.
	sleep 5
	echo scan >"$f" 2>/dev/null || true
	echo scan >"$f" 2>/dev/null || true
	leaks=$(cat "$f" 2>/dev/null)
	if [ -n "$leaks" ]; then
		printf 'kmemleak (%s): suspected leaks:\n%s\n' "$what" "$leaks"
		# Reported once: the next checkpoint shows only new ones.
		echo clear >"$f" 2>/dev/null || true
	else
		echo "kmemleak ($what): no leak"
	fi
	;;
*)
	echo "usage: guest-kmemleak.sh baseline | check WHAT" >&2
	exit 2
	;;
esac
