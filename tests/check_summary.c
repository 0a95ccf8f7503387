// SPDX-License-Identifier: GPL-2.0-only
/*
 * check_summary.c - summary sorting, loss totals, the text and JSON forms of
 * each rule's figures (suppressed, lost by where) and syscall naming.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "rules.h"
#include "summary.h"
#include "summary_json.h"
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
	sum.rules[0].matched = 5;
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
		"  events: matched 5, delivered 3, suppressed 0, lost 2\n"
		"  lost: 2 = event buffer 2 + unread at stop 0\n"
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
	/* Suppressed is what the file asked for; a rule's output losses are the sinks'. */
	sum.rules[0].suppressed = 100;
	sum.rules[0].outputs_lost = 6;
	sum.rules[0].output_lost[0] = 6;
	ck_assert_uint_eq(summary_lost(&sum), 15);
	ck_assert_uint_eq(summary_suppressed(&sum), 100);
}
END_TEST

/*
 * Rules with a rate limit and losses in every place, as the collector fills them:
 * the globals are the sums of the rules' map-full figures. matched = delivered +
 * suppressed + lost + unread + past_max.
 */
static const char rated_yaml[] =
	"version: 1\n"
	"outputs:\n"
	"  audit: { type: csv, path: /tmp/a.csv }\n"
	"  ops: { type: syslog }\n"
	"rules:\n"
	"  - name: execs\n"
	"    probe: execve\n"
	"    filter: { pid: [1], follow: true }\n"
	"    rate_limit: { events: 1000, per: 1s, burst: 2000 }\n"
	"    outputs: [stdout, audit, ops]\n"
	"  - { name: calls, probe: sys_enter, mode: stream,\n"
	"      rate_limit: { events: 3, per: 1500ms } }\n"
	"  - { name: quiet, probe: execve }\n"
	"  - { name: counts, probe: sys_enter, filter: { pid: [1], follow: true } }\n";

static void load_rated(void)
{
	static const char sh[RT_COMM_LEN] = "sh";	/* a comm is 16 bytes, NUL-padded */
	struct summary_rule *execs, *calls, *counts;
	char err[512];

	summary_free(&sum);
	rules_free(&r);
	ck_assert_msg(rules_load_buffer("t.yaml", rated_yaml, sizeof(rated_yaml) - 1, &r, err,
					sizeof(err)) == 0, "%s", err);
	summary_init(&sum, &r);
	execs = &sum.rules[0];
	calls = &sum.rules[1];
	counts = &sum.rules[3];
	strcpy(execs->attach, "tracepoint");
	execs->matched = 10014;
	execs->delivered = 1000;
	execs->suppressed = 9000;
	execs->lost = 10;
	execs->unread = 2;
	execs->past_max = 2;
	execs->follow_full = 4;
	execs->outputs_lost = 5;
	execs->output_lost[1] = 3;	/* audit */
	execs->output_lost[2] = 2;	/* ops */
	calls->matched = 7;
	calls->delivered = 7;
	counts->count_full = 6;
	counts->follow_full = 1;
	summary_add_count(counts, sh, 0, 0, 9);
	sum.count_map_full = 6;
	sum.follow_map_full = 5;
	sum.execs = 1000;
	sum.sinks[1].written = 997;
	sum.sinks[1].lost = 3;
	sum.sinks[2].written = 998;
	sum.sinks[2].lost = 2;
	sum.sinks[2].dropped = 2;
	summary_sort(&sum);
}

/* Each stream rule's events by where they went, the rate and the losses said once each. */
START_TEST(test_text_rate_limit)
{
	struct strbuf sb;

	load_rated();
	strbuf_init(&sb);
	summary_format_text(&sum, &sb);
	ck_assert_str_eq(sb.buf,
		"\n--- ruletrace summary ---\n"
		"run time: 0.000 s\n"
		"rule execs: execve, stream, tracepoint\n"
		"  events: matched 10014, delivered 1000, suppressed 9000, lost 12\n"
		"  suppressed: 9000 over rate_limit 1000 per 1s, burst 2000\n"
		"  lost: 12 = event buffer 10 + unread at stop 2\n"
		"  not delivered after --max-events: 2\n"
		"  not written by its outputs: 5 (audit 3, ops 2)\n"
		"  descendants not followed (pid map full): 4\n"
		"rule calls: sys_enter, stream, not attached\n"
		"  events: matched 7, delivered 7, suppressed 0, lost 0\n"
		"  suppressed: 0 over rate_limit 3 per 1500ms, burst 3\n"
		"rule quiet: execve, stream, not attached\n"
		"  events: matched 0, delivered 0, suppressed 0, lost 0\n"
		"rule counts: sys_enter, count, not attached\n"
		"  syscalls counted: 9 in 1 counters\n"
		"  syscalls not counted (count map full): 6\n"
		"  descendants not followed (pid map full): 1\n"
		"  COMM                    COUNT\n"
		"  sh                          9\n"
		"output audit: 997 events written\n"
		"output ops: 998 events written, 2 dropped (not taken by the destination)\n"
		"execs: 1000\n"
		"events lost: 28 (count map full: 6 syscalls not counted)\n"
		"events suppressed by rate limits: 9000\n"
		"descendants not followed (pid map full): 5\n");
	strbuf_free(&sb);
}
END_TEST

/* The same in --summary-json: per rule and in total, suppressed beside the losses. */
START_TEST(test_json_rate_limit)
{
	struct summary_json_run run = { .rules_path = "t.yaml", .exit_status = 3 };
	struct strbuf sb;

	load_rated();
	strbuf_init(&sb);
	summary_json_format(&sb, &sum, &run);
	ck_assert_ptr_nonnull(strstr(sb.buf, "\"execs\":1000,\"suppressed\":9000,\"rules\":["));
	ck_assert_ptr_nonnull(strstr(sb.buf,
		"\"events\":1000,\"matched\":10014,\"lost_in_kernel\":10,\"unread_at_stop\":2,"
		"\"not_delivered_after_max_events\":2,\"suppressed\":9000,"
		"\"rate_limit\":{\"events\":1000,\"per_ms\":1000,\"burst\":2000},"
		"\"lost\":{\"event_buffer\":10,\"unread_at_stop\":2,\"follow_map_full\":4,"
		"\"outputs\":5},\"outputs_lost\":{\"stdout\":0,\"audit\":3,\"ops\":2}}"));
	ck_assert_ptr_nonnull(strstr(sb.buf,
		"\"suppressed\":0,\"rate_limit\":{\"events\":3,\"per_ms\":1500,\"burst\":3},"
		"\"lost\":{\"event_buffer\":0,\"unread_at_stop\":0,\"follow_map_full\":0,"
		"\"outputs\":0},\"outputs_lost\":{\"stdout\":0}}"));
	ck_assert_ptr_nonnull(strstr(sb.buf, "\"name\":\"quiet\""));
	ck_assert_ptr_nonnull(strstr(sb.buf, "\"rate_limit\":null,"));
	ck_assert_ptr_nonnull(strstr(sb.buf,
		"\"counts\":[{\"comm\":\"sh\",\"count\":9}],"
		"\"lost\":{\"count_map_full\":6,\"follow_map_full\":1}}"));
	/* The totals as before: outputs' losses once, through the outputs. */
	ck_assert_ptr_nonnull(strstr(sb.buf,
		"\"lost\":{\"total\":28,\"event_buffer\":10,\"unread_at_stop\":2,"
		"\"count_map_full\":6,\"follow_map_full\":5,\"outputs\":5,\"removed_rules\":0,"
		"\"cgroup_filter_full\":0}"));
	ck_assert_uint_eq(sb.buf[sb.len - 1], '\n');
	strbuf_free(&sb);
}
END_TEST

/*
 * A prometheus output takes no events: the text says how often it wrote its
 * file and what failed, JSON adds failed_writes for it alone, and neither is a loss.
 */
START_TEST(test_prometheus_output)
{
	static const char yaml[] =
		"version: 1\n"
		"outputs:\n"
		"  metrics: { type: prometheus, path: /tmp/r.prom }\n"
		"  last: { type: prometheus, path: /tmp/s.prom }\n"
		"rules:\n"
		"  - { name: counts, probe: sys_enter, outputs: [metrics, last] }\n";
	struct summary_json_run run = { .rules_path = "t.yaml", .exit_status = 1 };
	struct strbuf sb;
	char err[512];

	teardown();
	ck_assert_msg(rules_load_buffer("t.yaml", yaml, sizeof(yaml) - 1, &r, err,
					sizeof(err)) == 0, "%s", err);
	summary_init(&sum, &r);
	sum.sinks[1].written = 40;
	sum.sinks[1].failed_writes = 2;
	sum.sinks[2].written = 3;
	sum.sinks[2].failed_writes = 1;
	sum.sinks[2].error = -ENOSPC;
	strbuf_init(&sb);
	summary_format_text(&sum, &sb);
	ck_assert_ptr_nonnull(strstr(sb.buf, "\noutput metrics: file written 40 times, "
				     "2 writes failed\noutput last: file written 3 times, 1 writes "
				     "failed, the last failed: No space left on device\nexecs: 0\n"
				     "events lost: 0\n"));
	strbuf_reset(&sb);
	summary_json_format(&sb, &sum, &run);
	ck_assert_ptr_nonnull(strstr(sb.buf, "{\"name\":\"stdout\",\"type\":\"stdout\","
				     "\"written\":0,\"lost\":0,\"dropped\":0,\"error\":null}"));
	ck_assert_ptr_nonnull(strstr(sb.buf, "{\"name\":\"metrics\",\"type\":\"prometheus\","
				     "\"written\":40,\"lost\":0,\"dropped\":0,\"failed_writes\":2,"
				     "\"error\":null}"));
	ck_assert_ptr_nonnull(strstr(sb.buf, "\"failed_writes\":1,\"error\":\"No space left "
				     "on device\"}"));
	ck_assert_uint_eq(summary_lost(&sum), 0);
	strbuf_free(&sb);
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
	tcase_add_test(tc, test_text_rate_limit);
	tcase_add_test(tc, test_json_rate_limit);
	tcase_add_test(tc, test_prometheus_output);
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
