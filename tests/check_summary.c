// SPDX-License-Identifier: GPL-2.0-only
/* check_summary.c - summary sorting, loss totals, the text form and syscall naming. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

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

/* A syscall without a name here is named by its number, in every width a number has. */
START_TEST(test_syscall_label)
{
	struct summary_count c = { .nr = SYS_getppid };
	char buf[SUMMARY_NR_LEN];

	ck_assert_str_eq(summary_syscall_label("read", 0, buf), "read");
	ck_assert_ptr_eq(summary_syscall_label(NULL, 99999, buf), buf);
	ck_assert_str_eq(buf, "99999");
	ck_assert_str_eq(summary_syscall_label(NULL, 0, buf), "0");
	ck_assert_str_eq(summary_syscall_label(NULL, UINT64_MAX, buf), "18446744073709551615");
	ck_assert_str_eq(summary_count_syscall(&c, buf), "getppid");
	c.nr = 99999;
	ck_assert_ptr_eq(summary_count_syscall(&c, buf), buf);
	ck_assert_str_eq(buf, "99999");
	c.nr = UINT32_MAX;
	ck_assert_str_eq(summary_count_syscall(&c, buf), "4294967295");
}
END_TEST

/* Text rows keyed by pid and syscall: a number stands in the SYSCALL column as a name would. */
START_TEST(test_text_unknown_syscall)
{
	char key[RT_COMM_LEN] = { 0 };
	struct strbuf sb;

	r.rules[1].group_by = RULES_GROUP_PID | RULES_GROUP_SYSCALL;
	summary_add_count(&sum.rules[1], key, 7, SYS_getppid, 3);
	summary_add_count(&sum.rules[1], key, 7, 99999, 5);
	summary_sort(&sum);
	strbuf_init(&sb);
	summary_format_text(&sum, &sb);
	ck_assert_ptr_nonnull(strstr(sb.buf,
		"  syscalls counted: 8 in 2 counters\n"
		"  PID      SYSCALL                     COUNT\n"
		"  7        99999                           5\n"
		"  7        getppid                         3\n"));
	strbuf_free(&sb);
}
END_TEST

/* A comm in a text column: escaped, then padded to 16 bytes; a full one is not padded. */
START_TEST(test_text_comm)
{
	struct strbuf sb;

	strbuf_init(&sb);
	summary_text_comm(&sb, "ab");
	ck_assert_str_eq(sb.buf, "ab              ");
	strbuf_reset(&sb);
	summary_text_comm(&sb, "\x1b");
	ck_assert_str_eq(sb.buf, "\\x1b            ");
	strbuf_reset(&sb);
	summary_text_comm(&sb, "sixteen-bytes!!!");
	ck_assert_str_eq(sb.buf, "sixteen-bytes!!!");
	strbuf_free(&sb);
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
	tcase_add_test(tc, test_syscall_label);
	tcase_add_test(tc, test_text_unknown_syscall);
	tcase_add_test(tc, test_text_comm);
	suite_add_tcase(su, tc);
	return su;
}

int main(void)
{
	return check_run(summary_suite());
}
