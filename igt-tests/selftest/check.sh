#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Runs igt_selftest (built by `make selftest`) and checks every subtest's
# outcome as reported by libigt.so.0. Usage: check.sh BINARY
set -u
bin=${1:?usage: check.sh BINARY}
errors=0

expect() {	# subtest expected-exit-code [expected-output-regex]
	local out rc
	out=$("$bin" --run-subtest "$1" 2>&1)
	rc=$?
	if [ "$rc" != "$2" ]; then
		echo "FAIL $1: exit $rc, expected $2"; echo "$out" | sed 's/^/    /'
		errors=$((errors + 1))
	elif [ -n "${3:-}" ] && ! grep -Eq -- "$3" <<<"$out"; then
		echo "FAIL $1: output lacks /$3/"; echo "$out" | sed 's/^/    /'
		errors=$((errors + 1))
	else
		echo "ok   $1 (exit $rc)"
	fi
}

list=$("$bin" --list-subtests) || { echo "FAIL --list-subtests"; exit 1; }
[ "$(wc -l <<<"$list")" = 16 ] || { echo "FAIL: list has $(wc -l <<<"$list") subtests"; errors=$((errors + 1)); }

expect pass 0 'Subtest pass: SUCCESS'
expect fail-assert 98 'error: 1 != 42'
expect fail-deep 98 'Subtest fail-deep: FAIL'
expect fail-u64 98 'error: 0x10000000000 != 0x20000000000'
expect skip-require 77 'counter is 1'
expect skip-on 77 'Subtest skip-on: SKIP'
expect formatted-1 0 'Subtest formatted-1: SUCCESS'
expect dynamic-mixed 98 'Dynamic subtest dyn-1: FAIL'
expect dynamic-pass 0 'Dynamic subtest only: SUCCESS'
expect dynamic-none 77 'Subtest dynamic-none: SKIP'
expect fork-pass 0 'Subtest fork-pass: SUCCESS'
expect fork-fail 98 'Subtest fork-fail: FAIL'
# Run alone, a crashed subtest exits with the signal (128 + SIGSEGV).
expect crash 139 'Subtest crash: CRASH'
expect group-skipped 77 'group fixture skips'
expect after-group 0 'Subtest after-group: SUCCESS'
# dyn-2 must still run after dyn-1 failed (loop counter survives longjmp).
expect dynamic-mixed 98 'Dynamic subtest dyn-2: SUCCESS'
# The whole binary: the crashed subtest is recorded and the rest run on;
# failures win.
out=$("$bin" 2>&1); rc=$?
[ "$rc" = 98 ] || { echo "FAIL whole binary: exit $rc"; errors=$((errors + 1)); }
"$bin" --describe=pass | grep -q passes || { echo "FAIL --describe"; errors=$((errors + 1)); }

echo "selftest: $errors error(s)"
[ "$errors" = 0 ]
