// SPDX-License-Identifier: GPL-2.0-only
/* check_syscalls.c - the generated table against the C library's own numbers. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "syscalls.h"
#include "check_run.h"

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
	tcase_add_test(tc, test_unknown);
	tcase_add_test(tc, test_sorted);
	suite_add_tcase(su, tc);
	return check_run(su);
}
