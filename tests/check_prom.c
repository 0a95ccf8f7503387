// SPDX-License-Identifier: GPL-2.0-only
/*
 * check_prom.c - a summary in the Prometheus text format: every family with its
 * HELP and TYPE and a zero series per rule or output it applies to, only the
 * rules routed to the output, labels only for what a rule groups by, hostile
 * label values escaped, and max_series: what it cuts off is counted exactly.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "prom.h"
#include "rules.h"
#include "summary.h"
#include "check_run.h"

/* Output indexes: the implicit stdout is 0. */
enum { OUT_STDOUT, OUT_PROM, OUT_OTHER, OUT_FEED };
/* Rule indexes. */
enum { R_EXECS, R_PLAIN, R_COUNTS, R_BYPID, R_BYCG, R_FOLLOWS, R_ELSEWHERE };

static struct rules r;
static struct summary sum;
static struct strbuf sb;

static void setup(void)
{
	static const char yaml[] =
		"version: 1\n"
		"outputs:\n"
		"  prom: { type: prometheus, path: /tmp/x.prom, max_series: 3 }\n"
		"  other: { type: prometheus, path: /tmp/y.prom }\n"
		"  feed: { type: json, path: /tmp/f.json }\n"
		"rules:\n"
		"  - name: execs\n"
		"    probe: execve\n"
		"    rate_limit: { events: 10, per: 1s }\n"
		"    outputs: [prom, feed]\n"
		"  - { name: plain, probe: sys_enter, mode: stream, outputs: [feed, prom] }\n"
		"  - name: counts\n"
		"    probe: sys_enter\n"
		"    group_by: [comm, syscall]\n"
		"    outputs: [prom]\n"
		"  - { name: bypid, probe: sys_enter, group_by: [pid], outputs: [prom] }\n"
		"  - name: bycg\n"
		"    probe: sys_enter\n"
		"    group_by: [cgroup, unit, container]\n"
		"    outputs: [prom]\n"
		"  - name: follows\n"
		"    probe: sys_enter\n"
		"    filter: { pid: [1], follow: true }\n"
		"    outputs: [prom]\n"
		"  - { name: elsewhere, probe: sys_enter, outputs: [other] }\n";
	char err[1024];

	ck_assert_msg(rules_load_buffer("t.yaml", yaml, sizeof(yaml) - 1, &r, err,
					sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(r.outputs[OUT_PROM].type, RULES_OUT_PROMETHEUS);
	summary_init(&sum, &r);
	strbuf_init(&sb);
}

static void teardown(void)
{
	strbuf_free(&sb);
	summary_free(&sum);
	rules_free(&r);
}

/* A counter of rule i; comm is taken as 16 bytes (no NUL needed). */
static void add(unsigned i, const char *comm, uint32_t pid, uint32_t nr, uint64_t n)
{
	char key[RT_COMM_LEN] = { 0 };

	memcpy(key, comm, strnlen(comm, RT_COMM_LEN));
	summary_add_count(&sum.rules[i], key, pid, nr, n);
}

static void format(void)
{
	summary_sort(&sum);
	strbuf_reset(&sb);
	prom_format(&sb, &sum, OUT_PROM, 7);
}

/* Whether the text holds this whole line. */
static bool has_line(const char *line)
{
	size_t n = strlen(line);
	const char *p = sb.buf;

	while ((p = strstr(p, line)) != NULL) {
		if ((p == sb.buf || p[-1] == '\n') && p[n] == '\n')
			return true;
		p++;
	}
	return false;
}

/* The text on stderr when a check fails: too long for Check's message. */
#define EXPECT_LINE(l)									\
	do {										\
		if (!has_line(l))							\
			fputs(sb.buf, stderr);						\
		ck_assert_msg(has_line(l), "no line [%s]", l);				\
	} while (0)
#define EXPECT_NO(s)									\
	do {										\
		if (strstr(sb.buf, s))							\
			fputs(sb.buf, stderr);						\
		ck_assert_msg(!strstr(sb.buf, s), "[%s] is there", s);			\
	} while (0)

/* How many lines start with prefix. */
static unsigned lines_starting(const char *prefix)
{
	size_t n = strlen(prefix);
	unsigned count = 0;
	const char *p = sb.buf;

	while (*p) {
		if (!strncmp(p, prefix, n))
			count++;
		p = strchr(p, '\n');
		if (!p)
			break;
		p++;
	}
	return count;
}

static const struct {
	const char *name, *type;
} families[] = {
	{ "ruletrace_start_time_seconds", "gauge" },
	{ "ruletrace_rules_loaded", "gauge" },
	{ "ruletrace_reloads_total", "counter" },
	{ "ruletrace_execs_total", "counter" },
	{ "ruletrace_cgroup_filter_full_total", "counter" },
	{ "ruletrace_removed_rules_lost_total", "counter" },
	{ "ruletrace_events_matched_total", "counter" },
	{ "ruletrace_events_delivered_total", "counter" },
	{ "ruletrace_events_suppressed_total", "counter" },
	{ "ruletrace_events_not_delivered_total", "counter" },
	{ "ruletrace_events_lost_total", "counter" },
	{ "ruletrace_syscalls_counted_total", "counter" },
	{ "ruletrace_syscalls_total", "counter" },
	{ "ruletrace_syscalls_cut_total", "counter" },
	{ "ruletrace_series_cut", "gauge" },
	{ "ruletrace_output_events_written_total", "counter" },
	{ "ruletrace_output_events_lost_total", "counter" },
	{ "ruletrace_output_events_dropped_total", "counter" },
	{ "ruletrace_prometheus_write_failures_total", "counter" },
};

/*
 * Each family once, HELP then TYPE, its samples right after them and nowhere
 * else (the format wants a family's lines together), and no other family.
 */
START_TEST(test_families)
{
	char want[128];
	const char *line, *cur = NULL;
	size_t i, nf = sizeof(families) / sizeof(families[0]);

	format();
	ck_assert_uint_eq(lines_starting("# TYPE "), nf);
	ck_assert_uint_eq(lines_starting("# HELP "), nf);
	for (i = 0; i < nf; i++) {
		snprintf(want, sizeof(want), "# TYPE %s %s", families[i].name, families[i].type);
		EXPECT_LINE(want);
		snprintf(want, sizeof(want), "# HELP %s ", families[i].name);
		ck_assert_uint_eq(lines_starting(want), 1);
	}
	for (line = sb.buf; *line; line = strchr(line, '\n') + 1) {
		size_t n = strcspn(line, "{ \n");

		if (!strncmp(line, "# HELP ", 7)) {
			/* The next family: its TYPE follows at once. */
			cur = line + 7;
			ck_assert(!strncmp(strchr(line, '\n') + 1, "# TYPE ", 7));
			ck_assert(!strncmp(strchr(line, '\n') + 8, cur, strcspn(cur, " ")));
			continue;
		}
		if (!strncmp(line, "# TYPE ", 7))
			continue;
		ck_assert_msg(cur && n == strcspn(cur, " ") && !strncmp(line, cur, n),
			      "sample outside its family: %.*s", (int)strcspn(line, "\n"), line);
	}
	ck_assert_int_eq(sb.buf[sb.len - 1], '\n');
}
END_TEST

/*
 * A zero series for each rule and output a family applies to, from the first
 * write; the rules of another output not at all; the run's figures as they are.
 */
START_TEST(test_zero_series)
{
	sum.start_time = 1700000000.25;
	sum.reloads = 2;
	sum.execs = 11;
	sum.cgroup_filter_full = 3;
	sum.removed_lost = 4;
	sum.sinks[OUT_FEED].written = 5;
	sum.sinks[OUT_OTHER].failed_writes = 6;
	format();
	EXPECT_LINE("ruletrace_start_time_seconds 1700000000.250");
	EXPECT_LINE("ruletrace_rules_loaded 7");
	EXPECT_LINE("ruletrace_reloads_total 2");
	EXPECT_LINE("ruletrace_execs_total 11");
	EXPECT_LINE("ruletrace_cgroup_filter_full_total 3");
	EXPECT_LINE("ruletrace_removed_rules_lost_total 4");
	/* Stream rules. */
	EXPECT_LINE("ruletrace_events_matched_total{rule=\"execs\"} 0");
	EXPECT_LINE("ruletrace_events_matched_total{rule=\"plain\"} 0");
	EXPECT_LINE("ruletrace_events_delivered_total{rule=\"execs\"} 0");
	EXPECT_LINE("ruletrace_events_not_delivered_total{rule=\"plain\"} 0");
	ck_assert_uint_eq(lines_starting("ruletrace_events_matched_total{"), 2);
	/* Only a rule with a rate_limit suppresses. */
	EXPECT_LINE("ruletrace_events_suppressed_total{rule=\"execs\"} 0");
	ck_assert_uint_eq(lines_starting("ruletrace_events_suppressed_total{"), 1);
	/* Losses by stage, as --summary-json names them; follow_map_full where it follows. */
	EXPECT_LINE("ruletrace_events_lost_total{rule=\"execs\",stage=\"event_buffer\"} 0");
	EXPECT_LINE("ruletrace_events_lost_total{rule=\"execs\",stage=\"unread_at_stop\"} 0");
	EXPECT_LINE("ruletrace_events_lost_total{rule=\"execs\",stage=\"outputs\"} 0");
	EXPECT_LINE("ruletrace_events_lost_total{rule=\"counts\",stage=\"count_map_full\"} 0");
	EXPECT_LINE("ruletrace_events_lost_total{rule=\"follows\",stage=\"count_map_full\"} 0");
	EXPECT_LINE("ruletrace_events_lost_total{rule=\"follows\",stage=\"follow_map_full\"} 0");
	ck_assert_uint_eq(lines_starting("ruletrace_events_lost_total{"), 3 + 3 + 4 + 1);
	/* Count rules. */
	EXPECT_LINE("ruletrace_syscalls_counted_total{rule=\"counts\"} 0");
	EXPECT_LINE("ruletrace_syscalls_cut_total{rule=\"bypid\"} 0");
	EXPECT_LINE("ruletrace_series_cut{rule=\"bycg\"} 0");
	ck_assert_uint_eq(lines_starting("ruletrace_syscalls_counted_total{"), 4);
	ck_assert_uint_eq(lines_starting("ruletrace_syscalls_total{"), 0);
	/* Not routed here. */
	EXPECT_NO("\"elsewhere\"");
	/* Every output; its own written is the figure given, this write included. */
	EXPECT_LINE("ruletrace_output_events_written_total{output=\"stdout\",type=\"stdout\"} 0");
	EXPECT_LINE("ruletrace_output_events_written_total{output=\"prom\",type=\"prometheus\"} 7");
	EXPECT_LINE("ruletrace_output_events_written_total{output=\"feed\",type=\"json\"} 5");
	EXPECT_LINE("ruletrace_output_events_lost_total{output=\"other\",type=\"prometheus\"} 0");
	EXPECT_LINE("ruletrace_output_events_dropped_total{output=\"feed\",type=\"json\"} 0");
	EXPECT_LINE("ruletrace_prometheus_write_failures_total{output=\"prom\"} 0");
	EXPECT_LINE("ruletrace_prometheus_write_failures_total{output=\"other\"} 6");
	ck_assert_uint_eq(lines_starting("ruletrace_prometheus_write_failures_total{"), 2);
}
END_TEST

/* A stream rule's figures, each in its family. */
START_TEST(test_stream_figures)
{
	struct summary_rule *sr = &sum.rules[R_EXECS];

	sr->matched = 100;
	sr->delivered = 80;
	sr->suppressed = 12;
	sr->lost = 5;
	sr->unread = 2;
	sr->past_max = 1;
	sr->outputs_lost = 3;
	format();
	EXPECT_LINE("ruletrace_events_matched_total{rule=\"execs\"} 100");
	EXPECT_LINE("ruletrace_events_delivered_total{rule=\"execs\"} 80");
	EXPECT_LINE("ruletrace_events_suppressed_total{rule=\"execs\"} 12");
	EXPECT_LINE("ruletrace_events_not_delivered_total{rule=\"execs\"} 1");
	EXPECT_LINE("ruletrace_events_lost_total{rule=\"execs\",stage=\"event_buffer\"} 5");
	EXPECT_LINE("ruletrace_events_lost_total{rule=\"execs\",stage=\"unread_at_stop\"} 2");
	EXPECT_LINE("ruletrace_events_lost_total{rule=\"execs\",stage=\"outputs\"} 3");
}
END_TEST

/*
 * Label values: \ " and newline escaped, an invalid UTF-8 byte as the text \xff,
 * a comm of all 16 bytes (no NUL) whole, valid UTF-8 and other controls as they are.
 */
START_TEST(test_escaping)
{
	add(R_COUNTS, "p\"q\\r\ns\xff", 0, SYS_getppid, 7);
	add(R_COUNTS, "0123456789abcdef", 0, SYS_getppid, 5);
	add(R_COUNTS, "caf\xc3\xa9\ttab", 0, SYS_getppid, 3);
	format();
	EXPECT_LINE("ruletrace_syscalls_total{rule=\"counts\",comm=\"p\\\"q\\\\r\\ns\\\\xff\","
		    "syscall=\"getppid\"} 7");
	EXPECT_LINE("ruletrace_syscalls_total{rule=\"counts\",comm=\"0123456789abcdef\","
		    "syscall=\"getppid\"} 5");
	EXPECT_LINE("ruletrace_syscalls_total{rule=\"counts\",comm=\"caf\xc3\xa9\ttab\","
		    "syscall=\"getppid\"} 3");
}
END_TEST

/* Labels for what the rule groups by, in group_by order, and nothing else. */
START_TEST(test_group_by_labels)
{
	const char *labels[3] = { "/system.slice/a.service", "a.service", NULL };

	add(R_COUNTS, "bash", 42, SYS_getppid, 5);
	add(R_BYPID, "bash", 42, SYS_getppid, 6);
	{
		char key[RT_COMM_LEN] = "bash";

		summary_add_count_labelled(&sum.rules[R_BYCG], key, 42, SYS_getppid, labels, 8);
	}
	add(R_FOLLOWS, "bash", 42, SYS_getppid, 9);
	format();
	EXPECT_LINE("ruletrace_syscalls_total{rule=\"counts\",comm=\"bash\","
		    "syscall=\"getppid\"} 5");
	EXPECT_LINE("ruletrace_syscalls_total{rule=\"bypid\",pid=\"42\"} 6");
	/* None (no container) is the empty value, which Prometheus takes as no label. */
	EXPECT_LINE("ruletrace_syscalls_total{rule=\"bycg\",cgroup=\"/system.slice/a.service\","
		    "unit=\"a.service\",container=\"\"} 8");
	/* group_by's default: comm. */
	EXPECT_LINE("ruletrace_syscalls_total{rule=\"follows\",comm=\"bash\"} 9");
}
END_TEST

/*
 * max_series 3 of ten counters: the three largest written, the other seven
 * counted; written + cut = counted, exactly.
 */
START_TEST(test_cap)
{
	uint64_t shown = 0;
	const char *p;
	unsigned i;

	for (i = 1; i <= 10; i++)
		add(R_BYPID, "w", 100 + i, SYS_getppid, i);
	format();
	ck_assert_uint_eq(lines_starting("ruletrace_syscalls_total{rule=\"bypid\""), 3);
	EXPECT_LINE("ruletrace_syscalls_total{rule=\"bypid\",pid=\"110\"} 10");
	EXPECT_LINE("ruletrace_syscalls_total{rule=\"bypid\",pid=\"109\"} 9");
	EXPECT_LINE("ruletrace_syscalls_total{rule=\"bypid\",pid=\"108\"} 8");
	EXPECT_LINE("ruletrace_syscalls_cut_total{rule=\"bypid\"} 28");
	EXPECT_LINE("ruletrace_series_cut{rule=\"bypid\"} 7");
	EXPECT_LINE("ruletrace_syscalls_counted_total{rule=\"bypid\"} 55");
	for (p = sb.buf; (p = strstr(p, "\nruletrace_syscalls_total{rule=\"bypid\"")); p++)
		shown += strtoull(strchr(p, '}') + 2, NULL, 10);
	ck_assert_uint_eq(shown + 28, sum.rules[R_BYPID].counted);
	/* The cap is per rule: the other output's default (1000) cuts nothing. */
	strbuf_reset(&sb);
	prom_format(&sb, &sum, OUT_OTHER, 1);
	EXPECT_NO("bypid");
	/* Under the cap, nothing cut. */
	summary_free(&sum);
	summary_init(&sum, &r);
	add(R_BYPID, "w", 1, SYS_getppid, 4);
	add(R_BYPID, "w", 2, SYS_getppid, 4);
	format();
	ck_assert_uint_eq(lines_starting("ruletrace_syscalls_total{rule=\"bypid\""), 2);
	EXPECT_LINE("ruletrace_syscalls_cut_total{rule=\"bypid\"} 0");
	EXPECT_LINE("ruletrace_series_cut{rule=\"bypid\"} 0");
}
END_TEST

/*
 * Two comms whose labels escape alike (a byte 0xff, and the text \xff) would be
 * two series of one name and labels, which Prometheus refuses: one series, their
 * counts added, and the cap counts it once.
 */
START_TEST(test_same_labels)
{
	add(R_COUNTS, "a\xff", 0, SYS_getppid, 2);
	add(R_COUNTS, "a\\xff", 0, SYS_getppid, 3);
	add(R_COUNTS, "b", 0, SYS_getppid, 4);
	format();
	ck_assert_uint_eq(lines_starting("ruletrace_syscalls_total{rule=\"counts\""), 2);
	EXPECT_LINE("ruletrace_syscalls_total{rule=\"counts\",comm=\"a\\\\xff\","
		    "syscall=\"getppid\"} 5");
	EXPECT_LINE("ruletrace_syscalls_total{rule=\"counts\",comm=\"b\",syscall=\"getppid\"} 4");
	/* Largest first after the merge. */
	ck_assert(strstr(sb.buf, "comm=\"a\\\\xff\"") < strstr(sb.buf, "comm=\"b\""));
	EXPECT_LINE("ruletrace_series_cut{rule=\"counts\"} 0");
}
END_TEST

int main(void)
{
	Suite *su = suite_create("prom");
	TCase *tc = tcase_create("prom");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_families);
	tcase_add_test(tc, test_zero_series);
	tcase_add_test(tc, test_stream_figures);
	tcase_add_test(tc, test_escaping);
	tcase_add_test(tc, test_group_by_labels);
	tcase_add_test(tc, test_cap);
	tcase_add_test(tc, test_same_labels);
	suite_add_tcase(su, tc);
	return check_run(su);
}
