// SPDX-License-Identifier: GPL-2.0-only
/* check_summary.c - summary sorting, loss totals and the text form. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"
#include "summary.h"
#include "check_run.h"

static struct rules r;
static struct summary sum;

static void setup(void)
{
	static const char yaml[] =
		"version: 1\n"
		"rules:\n"
		"  - { name: execs, probe: execve }\n"
		"  - { name: counts, probe: sys_enter }\n"
		"summary: { top: 2 }\n";
	char err[512];

	ck_assert_msg(rules_load_buffer("t.yaml", yaml, sizeof(yaml) - 1, &r, err,
					sizeof(err)) == 0, "%s", err);
	summary_init(&sum, &r);
}

static void teardown(void)
{
	summary_free(&sum);
	rules_free(&r);
}

static void add(const char *comm, uint64_t n)
{
	char key[RT_COMM_LEN] = { 0 };

	memcpy(key, comm, strnlen(comm, RT_COMM_LEN));
	summary_add_count(&sum.rules[1], key, 0, 0, n);
}

START_TEST(test_sort)
{
	add("bash", 5);
	add("sshd", 90);
	add("cron", 5);
	add("zsh", 7);
	summary_sort(&sum);
	ck_assert_uint_eq(sum.rules[1].counted, 107);
	ck_assert_str_eq(sum.rules[1].counts[0].comm, "sshd");
	ck_assert_str_eq(sum.rules[1].counts[1].comm, "zsh");
	/* Equal counts: by name, so output is stable between runs. */
	ck_assert_str_eq(sum.rules[1].counts[2].comm, "bash");
	ck_assert_str_eq(sum.rules[1].counts[3].comm, "cron");
}
END_TEST

START_TEST(test_text)
{
	struct strbuf sb;

	add("sshd", 90);
	add("a\x1b[2Jb", 10);	/* a hostile comm never reaches the terminal raw */
	add("cron", 1);
	sum.rules[0].delivered = 3;
	sum.rules[0].lost = 2;
	sum.execs = 3;
	sum.run_seconds = 1.5;
	strcpy(sum.rules[0].attach, "tracepoint");
	strcpy(sum.rules[1].attach, "raw_tracepoint");
	summary_sort(&sum);
	strbuf_init(&sb);
	summary_format_text(&sum, &sb);
	ck_assert_str_eq(sb.buf,
		"\n--- ruletrace summary ---\n"
		"run time: 1.500 s\n"
		"rule execs: execve, stream, tracepoint\n"
		"  events: 3 delivered, 2 lost in kernel\n"
		"rule counts: sys_enter, count, raw_tracepoint\n"
		"  syscalls counted: 101 in 3 counters\n"
		"  COMM                    COUNT\n"
		"  sshd                       90\n"
		"  a\\x1b[2Jb                  10\n"
		"  (1 more counters)\n"
		"execs: 3\n"
		"events lost: 2\n");
	strbuf_free(&sb);
}
END_TEST

START_TEST(test_lost)
{
	ck_assert_uint_eq(summary_lost(&sum), 0);
	sum.rules[0].lost = 4;
	sum.count_map_full = 5;
	sum.sinks[0].lost = 6;
	ck_assert_uint_eq(summary_lost(&sum), 15);
}
END_TEST

static Suite *summary_suite(void)
{
	Suite *su = suite_create("summary");
	TCase *tc = tcase_create("summary");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_sort);
	tcase_add_test(tc, test_text);
	tcase_add_test(tc, test_lost);
	suite_add_tcase(su, tc);
	return su;
}

int main(void)
{
	return check_run(summary_suite());
}
