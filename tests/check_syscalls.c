// SPDX-License-Identifier: GPL-2.0-only
/*
 * check_syscalls.c - the generated table against the C library's own numbers, and
 * each supported architecture's table against numbers known to differ.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "syscalls.h"
#include "check_run.h"

/* Generated from each architecture's kernel headers, for this test only. */
extern const struct syscall_entry syscalls_table_x86_64[];
extern const size_t syscalls_table_x86_64_len;
extern const struct syscall_entry syscalls_table_aarch64[];
extern const size_t syscalls_table_aarch64_len;

/* The number of name in table, or -1. */
static long table_number(const struct syscall_entry *t, size_t len, const char *name)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!strcmp(t[i].name, name))
			return t[i].nr;
	return -1;
}

START_TEST(test_both_ways)
{
	unsigned long nr;

	ck_assert_str_eq(syscalls_name(SYS_getppid), "getppid");
	ck_assert_str_eq(syscalls_name(SYS_openat), "openat");
	ck_assert_str_eq(syscalls_name(SYS_execve), "execve");
	ck_assert_int_eq(syscalls_number("getppid", &nr), 0);
	ck_assert_uint_eq(nr, SYS_getppid);
	ck_assert_int_eq(syscalls_number("exit_group", &nr), 0);
	ck_assert_uint_eq(nr, SYS_exit_group);
#if defined(__x86_64__)
	ck_assert_str_eq(syscalls_name(0), "read");
	ck_assert_str_eq(syscalls_name(110), "getppid");
	ck_assert_str_eq(syscalls_name(257), "openat");
#endif
}
END_TEST

/* openat, getppid, execve and more: numbered apart on x86-64 and arm64 (asm-generic). */
START_TEST(test_each_arch)
{
	static const struct {
		const char *name;
		long x86_64, aarch64;
	} want[] = {
		{ "openat", 257, 56 },
		{ "getppid", 110, 173 },
		{ "execve", 59, 221 },
		{ "read", 0, 63 },
		/* asm-generic names these through __NR3264_ macros. */
		{ "fstat", 5, 80 },
		{ "mmap", 9, 222 },
		{ "lseek", 8, 62 },
		{ "newfstatat", 262, 79 },
		/* asm-generic's count and marker, not calls. */
		{ "syscalls", -1, -1 },
		{ "arch_specific_syscall", -1, -1 },
	};
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		ck_assert_int_eq(table_number(syscalls_table_x86_64, syscalls_table_x86_64_len,
					      want[i].name), want[i].x86_64);
		ck_assert_int_eq(table_number(syscalls_table_aarch64, syscalls_table_aarch64_len,
					      want[i].name), want[i].aarch64);
	}
	/* arm64 has no open, only openat: asm-generic dropped the old calls. */
	ck_assert_int_eq(table_number(syscalls_table_x86_64, syscalls_table_x86_64_len, "open"), 2);
	ck_assert_int_eq(table_number(syscalls_table_aarch64, syscalls_table_aarch64_len, "open"),
			 -1);
}
END_TEST

/* The program's table is its own architecture's, entry for entry. */
START_TEST(test_own_arch)
{
#if defined(__x86_64__)
	const struct syscall_entry *t = syscalls_table_x86_64;
	size_t len = syscalls_table_x86_64_len;
#elif defined(__aarch64__)
	const struct syscall_entry *t = syscalls_table_aarch64;
	size_t len = syscalls_table_aarch64_len;
#else
#error "check_syscalls: add this architecture's table"
#endif
	size_t i;

	ck_assert_uint_eq(syscalls_table_len, len);
	for (i = 0; i < len; i++) {
		ck_assert_uint_eq(syscalls_table[i].nr, t[i].nr);
		ck_assert_str_eq(syscalls_table[i].name, t[i].name);
	}
}
END_TEST

/*
 * Each old call named in the errors of arm64's rules: x86-64 has it, arm64 has not,
 * and both have what it names instead.
 */
START_TEST(test_dropped)
{
	size_t i;

	ck_assert_uint_gt(syscalls_dropped_len, 30);
	for (i = 0; i < syscalls_dropped_len; i++) {
		const char *name = syscalls_dropped[i].name, *instead = syscalls_dropped[i].instead;

		ck_assert_int_ge(table_number(syscalls_table_x86_64, syscalls_table_x86_64_len,
					      name), 0);
		ck_assert_int_eq(table_number(syscalls_table_aarch64, syscalls_table_aarch64_len,
					      name), -1);
		ck_assert_int_ge(table_number(syscalls_table_x86_64, syscalls_table_x86_64_len,
					      instead), 0);
		ck_assert_int_ge(table_number(syscalls_table_aarch64, syscalls_table_aarch64_len,
					      instead), 0);
		ck_assert_str_eq(syscalls_instead(name), instead);
	}
	ck_assert_str_eq(syscalls_instead("open"), "openat");
	ck_assert_str_eq(syscalls_instead("stat"), "newfstatat");
	ck_assert_str_eq(syscalls_instead("fork"), "clone");
	ck_assert_ptr_null(syscalls_instead("opne"));
	ck_assert_ptr_null(syscalls_instead("openat"));
}
END_TEST

START_TEST(test_unknown)
{
	unsigned long nr = 7;

	ck_assert_ptr_null(syscalls_name(100000));
	ck_assert_int_eq(syscalls_number("no_such_call", &nr), -ENOENT);
	ck_assert_uint_eq(nr, 7);
}
END_TEST

START_TEST(test_sorted)
{
	size_t i;

	ck_assert_uint_gt(syscalls_table_len, 100);
	for (i = 1; i < syscalls_table_len; i++)
		ck_assert_uint_lt(syscalls_table[i - 1].nr, syscalls_table[i].nr);
	for (i = 0; i < syscalls_table_len; i++)
		ck_assert_str_eq(syscalls_name(syscalls_table[i].nr), syscalls_table[i].name);
}
END_TEST

int main(void)
{
	Suite *su = suite_create("syscalls");
	TCase *tc = tcase_create("syscalls");

	tcase_add_test(tc, test_both_ways);
	tcase_add_test(tc, test_each_arch);
	tcase_add_test(tc, test_own_arch);
	tcase_add_test(tc, test_dropped);
	tcase_add_test(tc, test_unknown);
	tcase_add_test(tc, test_sorted);
	suite_add_tcase(su, tc);
	return check_run(su);
}
