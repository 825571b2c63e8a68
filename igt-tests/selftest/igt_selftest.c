// SPDX-License-Identifier: MIT
/*
 * igt_selftest - checks that the declarations in igt.h drive libigt.so.0 as
 * IGT's own headers would: every subtest here has a known outcome, which
 * selftest/check.sh compares with what the library reports. Needs no GPU.
 */

#include <signal.h>
#include <unistd.h>

#include "igt.h"

IGT_TEST_DESCRIPTION("Self-test of nova's IGT declarations.");

/* Changed between sigsetjmp() and longjmp(), hence static. */
static int counter;

static void fail_deep(int depth)
{
	if (depth)
		fail_deep(depth - 1);
	igt_assert_eq(depth + 1, 2);
}

igt_main
{
	igt_fixture {
		counter = 1;
	}

	igt_describe("passes");
	igt_subtest("pass") {
		igt_assert_eq(counter, 1);
		igt_assert_eq_u64(1ull << 40, 1ull << 40);
		igt_assert_lte(1, 2);
		igt_assert_fd(0);
		counter++;
	}

	igt_subtest("fail-assert")
		igt_assert_eq(counter, 42);

	igt_subtest("fail-deep")
		fail_deep(3);

	igt_subtest("fail-u64")
		igt_assert_eq_u64(1ull << 40, 1ull << 41);

	igt_subtest("skip-require")
		igt_require_f(counter == 42, "counter is %d\n", counter);

	igt_subtest("skip-on")
		igt_skip_on(counter != 42);

	for (volatile int i = 0; i < 2; i++)
		igt_subtest_f("formatted-%d", i)
			igt_assert_lt(i, 2);

	igt_subtest_with_dynamic("dynamic-mixed") {
		for (volatile int i = 0; i < 3; i++)
			igt_dynamic_f("dyn-%d", i)
				igt_assert_neq(i, 1);
	}

	igt_subtest_with_dynamic("dynamic-pass") {
		igt_dynamic("only")
			igt_assert(true);
	}

	igt_subtest_with_dynamic("dynamic-none") {
	}

	igt_subtest("fork-pass") {
		igt_fork(child, 2)
			igt_assert_lt(child, 2);
		igt_waitchildren();
	}

	igt_subtest("fork-fail") {
		igt_fork(child, 2)
			igt_assert_eq(child, 0);
		igt_waitchildren();
	}

	igt_subtest("crash")
		raise(SIGSEGV);

	igt_subtest_group {
		igt_fixture
			igt_require_f(false, "group fixture skips\n");

		igt_subtest("group-skipped")
			igt_assert(false);
	}

	igt_subtest("after-group") {
		/* Still counts from the first fixture and the pass subtest. */
		igt_assert_lte(1, counter);
	}
}
