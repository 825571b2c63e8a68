/* SPDX-License-Identifier: MIT */
/*
 * Declarations of the test core of IGT's libigt.so.0 (intel-gpu-tools 2.0,
 * as packaged by Debian), written for nova's tests because the package ships
 * no headers.
 *
 * The prototypes, the exit codes and the semantics of the control-flow
 * macros follow IGT's public header lib/igt_core.h of that release; every
 * function declared here is exported by the library (checked with
 * `nm -D --defined-only libigt.so.0`). Only what nova's tests need is
 * declared.
 *
 * How the control flow works: the library keeps the test state. A subtest
 * block is a for loop whose condition asks the library whether the subtest
 * is to run (__igt_run_subtest()) and then saves the stack with sigsetjmp()
 * into igt_subtest_jmpbuf. igt_skip(), igt_fail() and failed assertions
 * long-jump back there, the condition becomes false, and the loop ends; the
 * loop increment (igt_success()) runs only when the body ended normally.
 * Dynamic subtests do the same with igt_dynamic_jmpbuf.
 */

#ifndef NOVA_IGT_CORE_H
#define NOVA_IGT_CORE_H

#include <getopt.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#ifndef IGT_LOG_DOMAIN
#define IGT_LOG_DOMAIN (NULL)
#endif

#define __igt_noreturn __attribute__((noreturn))
#define __igt_printf(a, b) __attribute__((format(printf, a, b)))

/* Exit codes of a test binary (and of a single subtest run). */
#define IGT_EXIT_SUCCESS	0
#define IGT_EXIT_SKIP		77
#define IGT_EXIT_INVALID	79
#define IGT_EXIT_FAILURE	98
#define IGT_EXIT_ABORT		112

/*
 * The description printed by --help-description; the library reads the
 * weak symbol if the test defines it.
 */
extern const char *__igt_test_description __attribute__((weak));
#define IGT_TEST_DESCRIPTION(str) const char *__igt_test_description = str

/* Token pasting that yields a name unique to the source line. */
#define __igt_cat2(a, b) a ## b
#define igt_tokencat(a, b) __igt_cat2(a, b)
#define igt_unique(prefix) \
	igt_tokencat(igt_tokencat(__igt_unique__, prefix), __LINE__)

/*
 * The jump buffers live in the library. IGT declares them as jmp_buf and
 * saves them with sigsetjmp(); with glibc, jmp_buf and sigjmp_buf are the
 * same type (200 bytes, as the library's symbols are).
 */
extern sigjmp_buf igt_subtest_jmpbuf;
extern sigjmp_buf igt_dynamic_jmpbuf;

/* --- initialisation and test mains --------------------------------------- */

typedef int (*igt_opt_handler_t)(int opt, int opt_index, void *data);
#define IGT_OPT_HANDLER_SUCCESS 0
#define IGT_OPT_HANDLER_ERROR -2

int igt_subtest_init_parse_opts(int *argc, char **argv,
				const char *extra_short_opts,
				const struct option *extra_long_opts,
				const char *help_str,
				igt_opt_handler_t extra_opt_handler,
				void *handler_data);
void igt_simple_init_parse_opts(int *argc, char **argv,
				const char *extra_short_opts,
				const struct option *extra_long_opts,
				const char *help_str,
				igt_opt_handler_t extra_opt_handler,
				void *handler_data);

/*
 * igt_main_args - define main() of a test with subtests, with extra command
 * line options passed to igt_subtest_init_parse_opts(). The block that
 * follows is the test body; igt_exit() reports the overall result.
 */
#define igt_main_args(short_opts, long_opts, help_str, handler, data)	\
	static void igt_unique(__nova_real_main)(void);			\
	int main(int argc, char **argv)					\
	{								\
		igt_subtest_init_parse_opts(&argc, argv, short_opts,	\
					    long_opts, help_str,	\
					    handler, data);		\
		igt_unique(__nova_real_main)();				\
		igt_exit();						\
	}								\
	static void igt_unique(__nova_real_main)(void)

#define igt_main igt_main_args(NULL, NULL, NULL, NULL, NULL)

/* igt_simple_main - main() of a test without subtests. */
#define igt_simple_main_args(short_opts, long_opts, help_str, handler, data) \
	static void igt_unique(__nova_real_main)(void);			\
	int main(int argc, char **argv)					\
	{								\
		igt_simple_init_parse_opts(&argc, argv, short_opts,	\
					   long_opts, help_str,		\
					   handler, data);		\
		igt_unique(__nova_real_main)();				\
		igt_exit();						\
	}								\
	static void igt_unique(__nova_real_main)(void)

#define igt_simple_main igt_simple_main_args(NULL, NULL, NULL, NULL, NULL)

/* --- fixtures, subtests, dynamic subtests -------------------------------- */

bool __igt_fixture(void);
void __igt_fixture_complete(void);
__igt_noreturn void __igt_fixture_end(void);

/*
 * igt_fixture - common setup or teardown code. Skipped when only listing
 * subtests; a skip or failure inside it applies to all following subtests.
 */
#define igt_fixture							\
	for (volatile int igt_unique(__fixture) = 0;			\
	     igt_unique(__fixture) < 1 &&				\
	     __igt_fixture() &&						\
	     sigsetjmp(igt_subtest_jmpbuf, 1) == 0;			\
	     igt_unique(__fixture)++, __igt_fixture_complete())

bool __igt_run_subtest(const char *subtest_name, const char *file,
		       const int line);
bool __igt_enter_dynamic_container(void);
bool __igt_run_dynamic_subtest(const char *dynamic_subtest_name);

/* igt_subtest - a named subtest; runs only when selected. */
#define igt_subtest(name)						\
	for (; __igt_run_subtest((name), __FILE__, __LINE__) &&	\
	       sigsetjmp(igt_subtest_jmpbuf, 1) == 0;			\
	     igt_success())

#define __igt_subtest_f(tmp, fmt...)					\
	for (char tmp[256];						\
	     snprintf(tmp, sizeof(tmp), fmt),				\
	     __igt_run_subtest(tmp, __FILE__, __LINE__) &&		\
	     sigsetjmp(igt_subtest_jmpbuf, 1) == 0;			\
	     igt_success())
/* igt_subtest_f - like igt_subtest() with a printf-style name. */
#define igt_subtest_f(fmt...) __igt_subtest_f(igt_unique(__name), fmt)

/*
 * igt_subtest_with_dynamic - a subtest whose results are those of the
 * dynamic subtests (igt_dynamic()) entered in its body: skip if none ran,
 * fail if any failed. Assertions belong in the dynamic subtests.
 */
#define igt_subtest_with_dynamic(name)					\
	for (; __igt_run_subtest((name), __FILE__, __LINE__) &&	\
	       __igt_enter_dynamic_container() &&			\
	       sigsetjmp(igt_subtest_jmpbuf, 1) == 0;			\
	     igt_success())

#define __igt_subtest_with_dynamic_f(tmp, fmt...)			\
	for (char tmp[256];						\
	     snprintf(tmp, sizeof(tmp), fmt),				\
	     __igt_run_subtest(tmp, __FILE__, __LINE__) &&		\
	     __igt_enter_dynamic_container() &&				\
	     sigsetjmp(igt_subtest_jmpbuf, 1) == 0;			\
	     igt_success())
#define igt_subtest_with_dynamic_f(fmt...) \
	__igt_subtest_with_dynamic_f(igt_unique(__name), fmt)

/* igt_dynamic - a dynamic subtest inside igt_subtest_with_dynamic(). */
#define igt_dynamic(name)						\
	for (; __igt_run_dynamic_subtest((name)) &&			\
	       sigsetjmp(igt_dynamic_jmpbuf, 1) == 0;			\
	     igt_success())

#define __igt_dynamic_f(tmp, fmt...)					\
	for (char tmp[256];						\
	     snprintf(tmp, sizeof(tmp), fmt),				\
	     __igt_run_dynamic_subtest(tmp) &&				\
	     sigsetjmp(igt_dynamic_jmpbuf, 1) == 0;			\
	     igt_success())
#define igt_dynamic_f(fmt...) __igt_dynamic_f(igt_unique(__name), fmt)

void __igt_subtest_group_save(int *save, int *desc);
void __igt_subtest_group_restore(int save, int desc);

/*
 * igt_subtest_group - scope fixtures to the subtests inside the block.
 * IGT uses one loop with three counters; here the run-once counter is a
 * volatile of its own (it lives across the sigsetjmp() of the fixtures and
 * subtests inside) and the library's two save slots, which it writes
 * through pointers, are plain ints.
 */
#define igt_subtest_group						\
	for (volatile int igt_unique(__grp) = 0;			\
	     igt_unique(__grp) < 1; igt_unique(__grp)++)		\
		for (int igt_unique(__save) = 0, igt_unique(__desc) = 0, \
			 *igt_unique(__once) =				\
			 (__igt_subtest_group_save(&igt_unique(__save),	\
						   &igt_unique(__desc)), \
			  &igt_unique(__save));				\
		     igt_unique(__once);				\
		     igt_unique(__once) = NULL,				\
		     __igt_subtest_group_restore(igt_unique(__save),	\
						 igt_unique(__desc)))

const char *igt_subtest_name(void);
const char *igt_test_name(void);
bool igt_only_list_subtests(void);

/*
 * igt_describe - attach a description to the next subtest (or group);
 * shown by --describe.
 */
__igt_printf(1, 2) void igt_describe_f(const char *fmt, ...);
#define igt_describe(dsc) igt_describe_f("%s", dsc)

/* --- results -------------------------------------------------------------- */

void igt_success(void);
bool igt_can_fail(void);
__igt_noreturn void igt_fail(int exitcode);
__igt_noreturn void igt_exit(void);
__igt_noreturn __igt_printf(1, 2) void igt_skip(const char *fmt, ...);
__igt_noreturn __igt_printf(5, 6)
void __igt_skip_check(const char *file, const int line, const char *func,
		      const char *check, const char *fmt, ...);
__igt_noreturn __igt_printf(6, 7)
void __igt_fail_assert(const char *domain, const char *file, const int line,
		       const char *func, const char *assertion,
		       const char *fmt, ...);

#define igt_skip_check(expr, fmt...) \
	__igt_skip_check(__FILE__, __LINE__, __func__, expr, fmt)

/* --- assertions ----------------------------------------------------------- */

#define igt_assert(expr)						\
	do {								\
		if (!(expr))						\
			__igt_fail_assert(IGT_LOG_DOMAIN, __FILE__,	\
					  __LINE__, __func__, #expr,	\
					  NULL);			\
	} while (0)

#define igt_assert_f(expr, fmt...)					\
	do {								\
		if (!(expr))						\
			__igt_fail_assert(IGT_LOG_DOMAIN, __FILE__,	\
					  __LINE__, __func__, #expr,	\
					  fmt);				\
	} while (0)

#define igt_fail_on(expr) igt_assert(!(expr))
#define igt_fail_on_f(expr, fmt...) igt_assert_f(!(expr), fmt)

/*
 * Comparisons that print both values on failure. As in IGT, the type of the
 * comparison is that of the macro: int, uint32_t, int64_t or uint64_t.
 */
#define __igt_assert_cmp(type, pfmt, ptype, n1, cmp, ncmp, n2)		\
	do {								\
		type __a = (n1), __b = (n2);				\
		if (!(__a cmp __b))					\
			__igt_fail_assert(IGT_LOG_DOMAIN, __FILE__,	\
					  __LINE__, __func__,		\
					  #n1 " " #cmp " " #n2,		\
					  "error: " pfmt " " #ncmp	\
					  " " pfmt "\n",		\
					  (ptype)__a, (ptype)__b);	\
	} while (0)

#define igt_assert_cmpint(n1, cmp, ncmp, n2) \
	__igt_assert_cmp(int, "%d", int, n1, cmp, ncmp, n2)
#define igt_assert_cmpuint(n1, cmp, ncmp, n2) \
	__igt_assert_cmp(uint32_t, "%#x", unsigned int, n1, cmp, ncmp, n2)
#define igt_assert_cmps64(n1, cmp, ncmp, n2) \
	__igt_assert_cmp(int64_t, "%lld", long long, n1, cmp, ncmp, n2)
#define igt_assert_cmpu64(n1, cmp, ncmp, n2) \
	__igt_assert_cmp(uint64_t, "%#llx", unsigned long long, n1, cmp, ncmp, n2)

#define igt_assert_eq(n1, n2)		igt_assert_cmpint(n1, ==, !=, n2)
#define igt_assert_neq(n1, n2)		igt_assert_cmpint(n1, !=, ==, n2)
#define igt_assert_lte(n1, n2)		igt_assert_cmpint(n1, <=, >, n2)
#define igt_assert_lt(n1, n2)		igt_assert_cmpint(n1, <, >=, n2)
#define igt_assert_eq_u32(n1, n2)	igt_assert_cmpuint(n1, ==, !=, n2)
#define igt_assert_neq_u32(n1, n2)	igt_assert_cmpuint(n1, !=, ==, n2)
#define igt_assert_lte_u32(n1, n2)	igt_assert_cmpuint(n1, <=, >, n2)
#define igt_assert_lt_u32(n1, n2)	igt_assert_cmpuint(n1, <, >=, n2)
#define igt_assert_eq_s64(n1, n2)	igt_assert_cmps64(n1, ==, !=, n2)
#define igt_assert_lte_s64(n1, n2)	igt_assert_cmps64(n1, <=, >, n2)
#define igt_assert_lt_s64(n1, n2)	igt_assert_cmps64(n1, <, >=, n2)
#define igt_assert_eq_u64(n1, n2)	igt_assert_cmpu64(n1, ==, !=, n2)
#define igt_assert_neq_u64(n1, n2)	igt_assert_cmpu64(n1, !=, ==, n2)
#define igt_assert_lte_u64(n1, n2)	igt_assert_cmpu64(n1, <=, >, n2)
#define igt_assert_lt_u64(n1, n2)	igt_assert_cmpu64(n1, <, >=, n2)

#define igt_assert_fd(fd) \
	igt_assert_f((fd) >= 0, "file descriptor " #fd " failed\n")

/* --- requirements (skip instead of fail) ---------------------------------- */

#define igt_require(expr)						\
	do {								\
		if (!(expr))						\
			igt_skip_check(#expr, NULL);			\
		else							\
			igt_debug("Test requirement passed: %s\n", #expr); \
	} while (0)

#define igt_require_f(expr, fmt...)					\
	do {								\
		if (!(expr))						\
			igt_skip_check(#expr, fmt);			\
		else							\
			igt_debug("Test requirement passed: %s\n", #expr); \
	} while (0)

#define igt_skip_on(expr)						\
	do {								\
		if ((expr))						\
			igt_skip_check("!(" #expr ")", NULL);		\
		else							\
			igt_debug("Test requirement passed: !(%s)\n", #expr); \
	} while (0)

#define igt_skip_on_f(expr, fmt...)					\
	do {								\
		if ((expr))						\
			igt_skip_check("!(" #expr ")", fmt);		\
		else							\
			igt_debug("Test requirement passed: !(%s)\n", #expr); \
	} while (0)

#define igt_require_fd(fd) \
	igt_require_f((fd) >= 0, "file descriptor " #fd " failed\n")

/* --- logging -------------------------------------------------------------- */

enum igt_log_level {
	IGT_LOG_DEBUG,
	IGT_LOG_INFO,
	IGT_LOG_WARN,
	IGT_LOG_CRITICAL,
	IGT_LOG_NONE,
};

extern enum igt_log_level igt_log_level;

__igt_printf(3, 4)
void igt_log(const char *domain, enum igt_log_level level,
	     const char *fmt, ...);
__igt_printf(3, 0)
void igt_vlog(const char *domain, enum igt_log_level level,
	      const char *fmt, va_list args);

#define igt_debug(fmt...)	igt_log(IGT_LOG_DOMAIN, IGT_LOG_DEBUG, fmt)
#define igt_info(fmt...)	igt_log(IGT_LOG_DOMAIN, IGT_LOG_INFO, fmt)
#define igt_warn(fmt...)	igt_log(IGT_LOG_DOMAIN, IGT_LOG_WARN, fmt)
#define igt_critical(fmt...)	igt_log(IGT_LOG_DOMAIN, IGT_LOG_CRITICAL, fmt)

/* Writes a line to the kernel log (/dev/kmsg); prefix with a KMSG_ level. */
__igt_printf(1, 2) void igt_kmsg(const char *fmt, ...);
#define KMSG_ERR	"<3>[IGT] "
#define KMSG_WARNING	"<4>[IGT] "
#define KMSG_INFO	"<6>[IGT] "
#define KMSG_DEBUG	"<7>[IGT] "

/* --- child processes ------------------------------------------------------ */

bool __igt_fork(void);

/*
 * igt_fork - run the block in @num_children child processes; @child is the
 * child's index. A failure in a child fails the test when the parent calls
 * igt_waitchildren(). Skips are not forwarded from children.
 */
#define igt_fork(child, num_children)					\
	for (int child = 0; child < (num_children); child++)		\
		for (; __igt_fork(); exit(0))

int __igt_waitchildren(void);
void igt_waitchildren(void);
void igt_waitchildren_timeout(int seconds, const char *reason);
void igt_kill_children(int signal);

/* --- exit handlers, timeouts, time ----------------------------------------- */

/* @sig is the signal that ends the test, or 0 on a normal exit. */
typedef void (*igt_exit_handler_t)(int sig);
void igt_install_exit_handler(igt_exit_handler_t fn);

void igt_set_timeout(unsigned int seconds, const char *op);
void igt_reset_timeout(void);

int igt_gettime(struct timespec *ts);
uint64_t igt_nsec_elapsed(struct timespec *start);

#define NSEC_PER_SEC	(1000000000ull)
#define USEC_PER_SEC	(1000000ull)
#define MSEC_PER_SEC	(1000ull)

#endif /* NOVA_IGT_CORE_H */
