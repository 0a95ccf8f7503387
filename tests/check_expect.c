// SPDX-License-Identifier: GPL-2.0-only
/*
 * check_expect.c - expectations judged against a summary: which figure each
 * measure takes, when a figure is only a bound (and which way, and why), the
 * verdict for every bound and range, the report's counts, its text lines and
 * its part of the JSON summary.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "expect.h"
#include "rules.h"
#include "summary.h"
#include "summary_json.h"
#include "check_run.h"

static struct rules r;
static struct summary sum;
static struct expect_report rep;
static struct strbuf sb;

static void load(const char *yaml)
{
	char err[1024];

	summary_free(&sum);
	rules_free(&r);
	ck_assert_msg(rules_load_buffer("t.yaml", yaml, strlen(yaml), &r, err, sizeof(err)) == 0,
		      "%s", err);
	summary_init(&sum, &r);
}

static void setup(void)
{
	strbuf_init(&sb);
}

static void teardown(void)
{
	expect_free(&rep);
	expect_free(&rep);	/* twice: must be harmless */
	strbuf_free(&sb);
	summary_free(&sum);
	rules_free(&r);
}

/* A kernel comm (16 bytes, NUL-padded) holding s, as the counters keep them. */
static const char *comm(const char *s)
{
	static char buf[8][RT_COMM_LEN];
	static unsigned next;
	char *c = buf[next++ % 8];

	memset(c, 0, RT_COMM_LEN);
	memcpy(c, s, strnlen(s, RT_COMM_LEN));
	return c;
}

static const char *text(void)
{
	strbuf_reset(&sb);
	expect_format_text(&rep, &sb);
	return sb.buf;
}

/* Every bound against ranges below, around and above the figure. */
START_TEST(test_judge)
{
	static const struct {
		uint64_t v;
		enum expect_bound b;
		uint64_t min, max;
		enum expect_verdict want;
	} cases[] = {
		/* Exact: in or out. */
		{ 0, EXPECT_EXACT, 0, 0, EXPECT_MET },
		{ 3, EXPECT_EXACT, 0, 0, EXPECT_FAILED },
		{ 5, EXPECT_EXACT, 5, UINT64_MAX, EXPECT_MET },
		{ 4, EXPECT_EXACT, 5, UINT64_MAX, EXPECT_FAILED },
		{ 100, EXPECT_EXACT, 0, 100, EXPECT_MET },
		{ 101, EXPECT_EXACT, 0, 100, EXPECT_FAILED },
		{ 7, EXPECT_EXACT, 7, 7, EXPECT_MET },
		{ UINT64_MAX, EXPECT_EXACT, UINT64_MAX, UINT64_MAX, EXPECT_MET },
		/* Lower (the truth is v or more). */
		{ 6, EXPECT_LOWER, 5, UINT64_MAX, EXPECT_MET },
		{ 5, EXPECT_LOWER, 5, UINT64_MAX, EXPECT_MET },
		{ 4, EXPECT_LOWER, 5, UINT64_MAX, EXPECT_UNDECIDED },
		{ 0, EXPECT_LOWER, 0, 0, EXPECT_UNDECIDED },
		{ 3, EXPECT_LOWER, 0, 0, EXPECT_FAILED },
		{ 11, EXPECT_LOWER, 0, 10, EXPECT_FAILED },
		{ 10, EXPECT_LOWER, 0, 10, EXPECT_UNDECIDED },
		{ 2, EXPECT_LOWER, 3, 3, EXPECT_UNDECIDED },
		{ 0, EXPECT_LOWER, 0, UINT64_MAX, EXPECT_MET },
		/* Upper (the truth is v or less). */
		{ 4, EXPECT_UPPER, 5, UINT64_MAX, EXPECT_FAILED },
		{ 5, EXPECT_UPPER, 5, UINT64_MAX, EXPECT_UNDECIDED },
		{ 10, EXPECT_UPPER, 0, 10, EXPECT_MET },
		{ 0, EXPECT_UPPER, 0, 0, EXPECT_MET },
		{ 11, EXPECT_UPPER, 0, 10, EXPECT_UNDECIDED },
		{ 3, EXPECT_UPPER, 3, 3, EXPECT_UNDECIDED },
		{ 2, EXPECT_UPPER, 3, 9, EXPECT_FAILED },
		/* None: only a range holding everything is met. */
		{ 5, EXPECT_NONE, 0, UINT64_MAX, EXPECT_MET },
		{ 5, EXPECT_NONE, 0, 10, EXPECT_UNDECIDED },
		{ 5, EXPECT_NONE, 1, UINT64_MAX, EXPECT_UNDECIDED },
		{ 0, EXPECT_NONE, 0, 0, EXPECT_UNDECIDED },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(expect_judge(cases[i].v, cases[i].b, cases[i].min, cases[i].max) ==
			      cases[i].want, "case %zu", i);
}
END_TEST

START_TEST(test_names)
{
	ck_assert_str_eq(expect_bound_name(EXPECT_EXACT), "exact");
	ck_assert_str_eq(expect_bound_name(EXPECT_LOWER), "lower");
	ck_assert_str_eq(expect_bound_name(EXPECT_UPPER), "upper");
	ck_assert_str_eq(expect_bound_name(EXPECT_NONE), "none");
	ck_assert_str_eq(expect_bound_name((enum expect_bound)9), "?");
	expect_format_range(&sb, 0, 0);
	strbuf_adds(&sb, "|");
	expect_format_range(&sb, 5, UINT64_MAX);
	strbuf_adds(&sb, "|");
	expect_format_range(&sb, 0, 100);
	strbuf_adds(&sb, "|");
	expect_format_range(&sb, 5, 9);
	strbuf_adds(&sb, "|");
	expect_format_range(&sb, 0, UINT64_MAX);
	ck_assert_str_eq(sb.buf, "0|at least 5|at most 100|5 to 9|at least 0");
}
END_TEST

/* No expectations: nothing judged, nothing said. */
START_TEST(test_none)
{
	load("version: 1\nrules:\n  - { name: a, probe: execve }\n"
	     "  - { name: b, probe: sys_enter }\n");
	sum.rules[0].matched = 3;
	expect_evaluate(&sum, &rep);
	ck_assert_uint_eq(rep.n, 0);
	ck_assert_uint_eq(rep.met, 0);
	ck_assert_uint_eq(rep.failed, 0);
	ck_assert_str_eq(text(), "");
}
END_TEST

/*
 * events is what the kernel matched (lost and suppressed included), counted the
 * sum of the counts; the results come in rule order, each naming its rule.
 */
START_TEST(test_figures)
{
	load("version: 1\nrules:\n"
	     "  - { name: no-curl, probe: execve, filter: { comm: [curl, wget] },\n"
	     "      expect: { events: 0 } }\n"
	     "  - { name: quiet, probe: execve }\n"
	     "  - { name: calls, probe: sys_enter, expect: { counted: { min: 500, max: 500 } } }\n"
	     "  - { name: few, probe: sys_enter, mode: stream, expect: { events: { max: 100 } } }\n"
	     "  - { name: some, probe: sys_enter, mode: stream,\n"
	     "      expect: { events: { min: 5 } } }\n");
	sum.rules[0].matched = 3;
	sum.rules[0].delivered = 1;
	sum.rules[0].lost = 1;
	sum.rules[0].suppressed = 1;
	summary_add_count(&sum.rules[2], comm("w"), 0, 0, 499);
	summary_add_count(&sum.rules[2], comm("x"), 0, 0, 1);
	sum.rules[3].matched = 101;
	sum.rules[3].delivered = 100;
	sum.rules[4].matched = 5;
	sum.rules[4].lost = 5;
	summary_sort(&sum);
	expect_evaluate(&sum, &rep);
	ck_assert_uint_eq(rep.n, 4);
	ck_assert_ptr_eq(rep.results[0].rule, &r.rules[0]);
	ck_assert_int_eq(rep.results[0].measure, RULES_MEASURE_EVENTS);
	ck_assert_uint_eq(rep.results[0].value, 3);
	ck_assert_int_eq(rep.results[0].bound, EXPECT_EXACT);
	ck_assert_int_eq(rep.results[0].verdict, EXPECT_FAILED);
	ck_assert_str_eq(rep.results[0].why, "");
	ck_assert_ptr_eq(rep.results[1].rule, &r.rules[2]);
	ck_assert_int_eq(rep.results[1].measure, RULES_MEASURE_COUNTED);
	ck_assert_uint_eq(rep.results[1].value, 500);
	ck_assert_int_eq(rep.results[1].verdict, EXPECT_MET);
	ck_assert_uint_eq(rep.results[2].value, 101);
	ck_assert_int_eq(rep.results[2].verdict, EXPECT_FAILED);
	ck_assert_uint_eq(rep.results[3].value, 5);
	ck_assert_int_eq(rep.results[3].verdict, EXPECT_MET);
	ck_assert_uint_eq(rep.met, 2);
	ck_assert_uint_eq(rep.failed, 2);
	ck_assert_uint_eq(rep.undecided, 0);
	ck_assert_str_eq(text(),
			 "expect no-curl: events 3, wanted 0: failed\n"
			 "expect calls: counted 500, wanted 500: met\n"
			 "expect few: events 101, wanted at most 100: failed\n"
			 "expect some: events 5, wanted at least 5: met\n"
			 "expectations: 2 of 4 failed\n");
}
END_TEST

START_TEST(test_all_met)
{
	load("version: 1\nrules:\n"
	     "  - { name: a, probe: execve, expect: { events: 0 } }\n"
	     "  - { name: b, probe: sys_enter, expect: { counted: { min: 1, max: 9 } } }\n");
	summary_add_count(&sum.rules[1], comm("w"), 0, 0, 9);
	expect_evaluate(&sum, &rep);
	ck_assert_uint_eq(rep.met, 2);
	ck_assert_uint_eq(rep.failed, 0);
	ck_assert_str_eq(text(), "expect a: events 0, wanted 0: met\n"
				 "expect b: counted 9, wanted 1 to 9: met\n"
				 "expectations: 2 of 2 met\n");
}
END_TEST

/* A full count map makes counted a lower bound; it never touches events. */
START_TEST(test_count_full)
{
	load("version: 1\nrules:\n"
	     "  - { name: at-least, probe: sys_enter, expect: { counted: { min: 10 } } }\n"
	     "  - { name: exactly, probe: sys_enter, expect: { counted: 10 } }\n"
	     "  - { name: at-most, probe: sys_enter, expect: { counted: { max: 5 } } }\n"
	     "  - { name: open, probe: sys_enter, expect: { counted: { min: 1 } } }\n");
	summary_add_count(&sum.rules[0], comm("w"), 0, 0, 12);
	sum.rules[0].count_full = 4;
	summary_add_count(&sum.rules[1], comm("w"), 0, 0, 10);
	sum.rules[1].count_full = 1;
	summary_add_count(&sum.rules[2], comm("w"), 0, 0, 6);
	sum.rules[2].count_full = 2;
	summary_add_count(&sum.rules[3], comm("w"), 0, 0, 0);
	sum.rules[3].count_full = 3;
	expect_evaluate(&sum, &rep);
	ck_assert_int_eq(rep.results[0].bound, EXPECT_LOWER);
	ck_assert_str_eq(rep.results[0].why, "count map full, syscalls not counted: 4");
	ck_assert_int_eq(rep.results[0].verdict, EXPECT_MET);
	ck_assert_int_eq(rep.results[1].verdict, EXPECT_UNDECIDED);
	ck_assert_int_eq(rep.results[2].verdict, EXPECT_FAILED);
	ck_assert_int_eq(rep.results[3].verdict, EXPECT_UNDECIDED);
	ck_assert_uint_eq(rep.met, 1);
	ck_assert_uint_eq(rep.failed, 3);
	ck_assert_uint_eq(rep.undecided, 2);
	ck_assert_str_eq(text(),
			 "expect at-least: counted 12, wanted at least 10: met; the figure is a "
			 "lower bound (count map full, syscalls not counted: 4)\n"
			 "expect exactly: counted 10, wanted 10: undecided: the figure is a lower "
			 "bound (count map full, syscalls not counted: 1)\n"
			 "expect at-most: counted 6, wanted at most 5: failed; the figure is a "
			 "lower bound (count map full, syscalls not counted: 2)\n"
			 "expect open: counted 0, wanted at least 1: undecided: the figure is a "
			 "lower bound (count map full, syscalls not counted: 3)\n"
			 "expectations: 3 of 4 failed (2 undecided)\n");
}
END_TEST

/* Descendants not followed: fewer seen, in either mode; the reasons add up. */
START_TEST(test_follow_full)
{
	load("version: 1\nrules:\n"
	     "  - { name: tree, probe: execve, filter: { pid: [1], follow: true },\n"
	     "      expect: { events: 0 } }\n"
	     "  - { name: calls, probe: sys_enter, filter: { pid: [1], follow: true },\n"
	     "      expect: { counted: { min: 1 } } }\n"
	     "  - { name: other, probe: execve, expect: { events: 0 } }\n");
	sum.rules[0].follow_full = 2;
	summary_add_count(&sum.rules[1], comm("w"), 0, 0, 7);
	sum.rules[1].follow_full = 3;
	sum.rules[1].count_full = 1;
	sum.follow_map_full = 5;
	expect_evaluate(&sum, &rep);
	ck_assert_int_eq(rep.results[0].bound, EXPECT_LOWER);
	ck_assert_int_eq(rep.results[0].verdict, EXPECT_UNDECIDED);
	ck_assert_str_eq(rep.results[0].why, "pid map full, descendants not followed: 2");
	ck_assert_int_eq(rep.results[1].bound, EXPECT_LOWER);
	ck_assert_int_eq(rep.results[1].verdict, EXPECT_MET);
	ck_assert_str_eq(rep.results[1].why, "count map full, syscalls not counted: 1; "
			 "pid map full, descendants not followed: 3");
	/* Another rule's full pid map is not this one's. */
	ck_assert_int_eq(rep.results[2].bound, EXPECT_EXACT);
	ck_assert_int_eq(rep.results[2].verdict, EXPECT_MET);
}
END_TEST

/*
 * A full cgroup filter: an include missed new cgroups (a lower bound), an
 * exclude let them in (an upper bound), both leave no bound; rules without a
 * cgroup, unit or container filter are untouched.
 */
START_TEST(test_cgroup_full)
{
	load("version: 1\nrules:\n"
	     "  - { name: in, probe: execve, filter: { unit: [a.service] },\n"
	     "      expect: { events: { min: 1 } } }\n"
	     "  - { name: out, probe: execve, filter: { exclude_container: [web] },\n"
	     "      expect: { events: { max: 4 } } }\n"
	     "  - { name: both, probe: sys_enter, filter: { cgroup: [/a],\n"
	     "      exclude_cgroup: [/a/b] }, expect: { counted: { min: 0 } } }\n"
	     "  - { name: both-closed, probe: sys_enter, filter: { container: [web],\n"
	     "      exclude_unit: [b.scope] }, expect: { counted: { max: 9 } } }\n"
	     "  - { name: plain, probe: execve, expect: { events: 0 } }\n");
	sum.cgroup_filter_full = 6;
	sum.rules[0].matched = 0;
	sum.rules[1].matched = 4;
	summary_add_count(&sum.rules[2], comm("w"), 0, 0, 3);
	summary_add_count(&sum.rules[3], comm("w"), 0, 0, 3);
	expect_evaluate(&sum, &rep);
	ck_assert_int_eq(rep.results[0].bound, EXPECT_LOWER);
	ck_assert_int_eq(rep.results[0].verdict, EXPECT_UNDECIDED);
	ck_assert_str_eq(rep.results[0].why, "cgroup filter full, new cgroups not matched: 6");
	ck_assert_int_eq(rep.results[1].bound, EXPECT_UPPER);
	ck_assert_int_eq(rep.results[1].verdict, EXPECT_MET);
	ck_assert_str_eq(rep.results[1].why, "cgroup filter full, new cgroups not excluded: 6");
	ck_assert_int_eq(rep.results[2].bound, EXPECT_NONE);
	ck_assert_int_eq(rep.results[2].verdict, EXPECT_MET);
	ck_assert_str_eq(rep.results[2].why, "cgroup filter full, new cgroups not matched: 6; "
			 "cgroup filter full, new cgroups not excluded: 6");
	ck_assert_int_eq(rep.results[3].bound, EXPECT_NONE);
	ck_assert_int_eq(rep.results[3].verdict, EXPECT_UNDECIDED);
	ck_assert_int_eq(rep.results[4].bound, EXPECT_EXACT);
	ck_assert_int_eq(rep.results[4].verdict, EXPECT_MET);
	ck_assert_str_eq(text(),
			 "expect in: events 0, wanted at least 1: undecided: the figure is a lower "
			 "bound (cgroup filter full, new cgroups not matched: 6)\n"
			 "expect out: events 4, wanted at most 4: met; the figure is an upper "
			 "bound (cgroup filter full, new cgroups not excluded: 6)\n"
			 "expect both: counted 3, wanted at least 0: met; the figure is neither "
			 "exact nor a bound (cgroup filter full, new cgroups not matched: 6; "
			 "cgroup filter full, new cgroups not excluded: 6)\n"
			 "expect both-closed: counted 3, wanted at most 9: undecided: the figure "
			 "is neither exact nor a bound (cgroup filter full, new cgroups not "
			 "matched: 6; cgroup filter full, new cgroups not excluded: 6)\n"
			 "expect plain: events 0, wanted 0: met\n"
			 "expectations: 2 of 5 failed (2 undecided)\n");
	/* Without a full filter the same rules' figures are exact. */
	expect_free(&rep);
	sum.cgroup_filter_full = 0;
	expect_evaluate(&sum, &rep);
	ck_assert_int_eq(rep.results[0].bound, EXPECT_EXACT);
	ck_assert_int_eq(rep.results[0].verdict, EXPECT_FAILED);
	ck_assert_int_eq(rep.results[3].bound, EXPECT_EXACT);
	ck_assert_int_eq(rep.results[3].verdict, EXPECT_MET);
}
END_TEST

/* The longest reasons, every figure at its largest, fit. */
START_TEST(test_why_fits)
{
	load("version: 1\nrules:\n"
	     "  - { name: all, probe: sys_enter,\n"
	     "      filter: { pid: [1], follow: true, unit: [a.scope], exclude_unit: [b.scope] },\n"
	     "      expect: { counted: 1 } }\n");
	sum.rules[0].count_full = UINT64_MAX;
	sum.rules[0].follow_full = UINT64_MAX;
	sum.cgroup_filter_full = UINT64_MAX;
	expect_evaluate(&sum, &rep);
	ck_assert_uint_lt(strlen(rep.results[0].why), EXPECT_WHY_LEN);
	ck_assert_str_eq(rep.results[0].why,
			 "count map full, syscalls not counted: 18446744073709551615; "
			 "pid map full, descendants not followed: 18446744073709551615; "
			 "cgroup filter full, new cgroups not matched: 18446744073709551615; "
			 "cgroup filter full, new cgroups not excluded: 18446744073709551615");
	ck_assert_int_eq(rep.results[0].verdict, EXPECT_UNDECIDED);
}
END_TEST

/* In the JSON summary: per rule its expect array, and the run's expectations. */
START_TEST(test_json)
{
	struct summary_json_run run = { .rules_path = "t.yaml", .exit_status = 4 };
	const char *p;

	load("version: 1\nrules:\n"
	     "  - { name: gate, probe: execve, expect: { events: 0 } }\n"
	     "  - { name: free, probe: execve }\n"
	     "  - { name: calls, probe: sys_enter, filter: { pid: [1], follow: true },\n"
	     "      expect: { counted: { min: 2 } } }\n");
	sum.rules[0].matched = 3;
	summary_add_count(&sum.rules[2], comm("w"), 0, 0, 1);
	sum.rules[2].follow_full = 1;
	expect_evaluate(&sum, &rep);
	run.expect = &rep;
	summary_json_format(&sb, &sum, &run);
	ck_assert_ptr_nonnull(strstr(sb.buf, "\"name\":\"gate\""));
	ck_assert_ptr_nonnull(strstr(sb.buf,
		",\"expect\":[{\"measure\":\"events\",\"min\":0,\"max\":0,\"value\":3,"
		"\"exact\":true,\"bound\":\"exact\",\"met\":false,\"undecided\":false,"
		"\"why\":null}],\"events\":"));
	p = strstr(sb.buf, "\"name\":\"free\"");
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(strstr(p, ",\"expect\":[],"));
	ck_assert_ptr_nonnull(strstr(sb.buf,
		",\"expect\":[{\"measure\":\"counted\",\"min\":2,\"max\":null,\"value\":1,"
		"\"exact\":false,\"bound\":\"lower\",\"met\":false,\"undecided\":true,"
		"\"why\":\"pid map full, descendants not followed: 1\"}],\"group_by\":"));
	ck_assert_ptr_nonnull(strstr(sb.buf, ",\"expectations\":{\"met\":0,\"failed\":2,"
					     "\"undecided\":1}}\n"));
	/* Without a report (nothing judged): the same keys, empty. */
	strbuf_reset(&sb);
	run.expect = NULL;
	summary_json_format(&sb, &sum, &run);
	ck_assert_ptr_null(strstr(sb.buf, "\"measure\""));
	ck_assert_ptr_nonnull(strstr(sb.buf, ",\"expectations\":{\"met\":0,\"failed\":0,"
					     "\"undecided\":0}}\n"));
}
END_TEST

int main(void)
{
	Suite *su = suite_create("expect");
	TCase *tc = tcase_create("expect");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_judge);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_none);
	tcase_add_test(tc, test_figures);
	tcase_add_test(tc, test_all_met);
	tcase_add_test(tc, test_count_full);
	tcase_add_test(tc, test_follow_full);
	tcase_add_test(tc, test_cgroup_full);
	tcase_add_test(tc, test_why_fits);
	tcase_add_test(tc, test_json);
	suite_add_tcase(su, tc);
	return check_run(su);
}
