// SPDX-License-Identifier: GPL-2.0-only
/* check_plan.c - slots kept and taken across reloads, the change report, the choices. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "check_run.h"

static struct plan_kernel k;
static struct plan run, next;
static uint64_t busy;
static char err[2048];

/* A kernel with everything but kprobes, as the machine these tests grew on. */
static void setup(void)
{
	memset(&k, 0, sizeof(k));
	k.feat.ringbuf = true;
	k.feat.execve_tp = true;
	k.feat.bpf_loop = true;
	snprintf(k.feat.kprobe_reason, sizeof(k.feat.kprobe_reason), "no kprobe PMU");
	memset(&run, 0, sizeof(run));
	memset(&next, 0, sizeof(next));
	busy = 0;
}

static void teardown(void)
{
	plan_free(&run);
	plan_free(&next);
}

static int build(struct plan *p, const struct plan *prev, const char *yaml)
{
	struct rules r = { 0 };

	ck_assert_msg(rules_load_buffer("t.yaml", yaml, strlen(yaml), &r, err, sizeof(err)) == 0,
		      "%s", err);
	return plan_build(p, &r, prev, busy, &k, err, sizeof(err));
}

static const char *abc =
	"version: 1\n"
	"rules:\n"
	"  - { name: a, probe: execve }\n"
	"  - { name: b, probe: sys_enter, filter: { comm: [x] } }\n"
	"  - { name: c, probe: sys_enter, mode: stream }\n";

START_TEST(test_start)
{
	ck_assert_int_eq(build(&run, NULL, abc), 0);
	ck_assert_uint_eq(run.rule[0].slot, 0);
	ck_assert_uint_eq(run.rule[1].slot, 1);
	ck_assert_uint_eq(run.rule[2].slot, 2);
	ck_assert_uint_eq(run.added, 3);
	ck_assert_uint_eq(run.removed, 0);
	ck_assert_uint_eq(run.ngone, 0);
	ck_assert_int_eq(run.execve, PROBE_EXECVE_TRACEPOINT);
	ck_assert_msg(strstr(run.execve_why, "kprobe unavailable: no kprobe PMU"), "%s",
		      run.execve_why);
	ck_assert(run.ringbuf);
	ck_assert(run.loop);
	ck_assert_uint_eq(run.buffer_size, PLAN_RINGBUF_DEFAULT);
	ck_assert_uint_eq(run.max_counters, RT_COUNT_ENTRIES);
	ck_assert_uint_eq(run.args_cap, RT_ARGS_MAX);
	/* The settings put each rule on its slot's bit. */
	ck_assert_uint_eq(run.settings.ruleset.probe_rules[RT_PROBE_EXECVE], 0x1);
	ck_assert_uint_eq(run.settings.ruleset.probe_rules[RT_PROBE_SYS_ENTER], 0x6);
}
END_TEST

START_TEST(test_same_file)
{
	ck_assert_int_eq(build(&run, NULL, abc), 0);
	ck_assert_int_eq(build(&next, &run, abc), 0);
	ck_assert_uint_eq(next.added + next.removed + next.changed, 0);
	ck_assert_uint_eq(next.counts_kept, 3);
	ck_assert_uint_eq(next.ngone, 0);
	ck_assert_int_eq(next.rule[2].change, PLAN_RULE_SAME);
	ck_assert_uint_eq(next.rule[2].slot, 2);
}
END_TEST

/* {a, b, c} -> {a, b with another filter, d}: +1 -1 ~1, counts kept for 2. */
START_TEST(test_change_report)
{
	ck_assert_int_eq(build(&run, NULL, abc), 0);
	ck_assert_int_eq(build(&next, &run,
			       "version: 1\n"
			       "rules:\n"
			       "  - { name: d, probe: sys_enter }\n"
			       "  - { name: b, probe: sys_enter, filter: { comm: [y] } }\n"
			       "  - { name: a, probe: execve }\n"), 0);
	ck_assert_uint_eq(next.added, 1);
	ck_assert_uint_eq(next.removed, 1);
	ck_assert_uint_eq(next.changed, 1);
	ck_assert_uint_eq(next.counts_kept, 2);
	ck_assert_int_eq(next.rule[0].change, PLAN_RULE_NEW);
	ck_assert_int_eq(next.rule[1].change, PLAN_RULE_CHANGED);
	ck_assert_int_eq(next.rule[2].change, PLAN_RULE_SAME);
	ck_assert_uint_eq(next.rule[1].slot, 1);
	ck_assert_uint_eq(next.rule[2].slot, 0);
	/* c's slot is not handed to d: c's events may still be buffered. */
	ck_assert_uint_eq(next.rule[0].slot, 3);
	ck_assert_uint_eq(next.ngone, 1);
	ck_assert_uint_eq(next.gone[0], 2);
	ck_assert_int_eq(plan_rule_of_slot(&next, 3), 0);
	ck_assert_int_eq(plan_rule_of_slot(&next, 2), -1);
}
END_TEST

/* A slot whose removed rule's events are still buffered is taken by no new rule. */
START_TEST(test_busy)
{
	ck_assert_int_eq(build(&run, NULL, abc), 0);
	busy = 1ULL << 3 | 1ULL << 4;
	ck_assert_int_eq(build(&next, &run,
			       "version: 1\n"
			       "rules:\n"
			       "  - { name: d, probe: sys_enter }\n"
			       "  - { name: a, probe: execve }\n"), 0);
	ck_assert_uint_eq(next.rule[0].slot, 5);
	ck_assert_uint_eq(next.rule[0].prev_slot, RT_MAX_RULES);
	ck_assert_uint_eq(next.rule[1].prev_slot, 0);
}
END_TEST

/* Counters keyed another way cannot carry over: a new slot, the old one gone. */
START_TEST(test_replaced)
{
	ck_assert_int_eq(build(&run, NULL, abc), 0);
	ck_assert_int_eq(build(&next, &run,
			       "version: 1\n"
			       "rules:\n"
			       "  - { name: a, probe: execve }\n"
			       "  - { name: b, probe: sys_enter, group_by: [pid],"
			       " filter: { comm: [x] } }\n"
			       "  - { name: c, probe: sys_enter, mode: stream }\n"), 0);
	ck_assert_int_eq(next.rule[1].change, PLAN_RULE_REPLACED);
	ck_assert_uint_eq(next.rule[1].slot, 3);
	ck_assert_uint_eq(next.rule[1].prev_slot, 1);
	ck_assert_uint_eq(next.changed, 1);
	ck_assert_uint_eq(next.counts_kept, 2);
	ck_assert_uint_eq(next.removed, 0);
	ck_assert_uint_eq(next.ngone, 1);
	ck_assert_uint_eq(next.gone[0], 1);
}
END_TEST

/* 64 running rules, one replaced by another name: 65 slots at once are refused. */
START_TEST(test_out_of_slots)
{
	char yaml[8192], *p = yaml;
	int i;

	p += sprintf(p, "version: 1\nrules:\n");
	for (i = 0; i < RT_MAX_RULES; i++)
		p += sprintf(p, "  - { name: r%d, probe: sys_enter }\n", i);
	ck_assert_int_eq(build(&run, NULL, yaml), 0);
	p = strstr(yaml, "r63");
	ck_assert_ptr_nonnull(p);
	memcpy(p, "new", 3);
	ck_assert_int_eq(build(&next, &run, yaml), -ENOSPC);
	ck_assert_msg(strstr(err, "need more than 64 kernel rule slots at once"), "%s", err);
}
END_TEST

START_TEST(test_max_counters_fixed)
{
	ck_assert_int_eq(build(&run, NULL, abc), 0);
	run.max_counters = 2 * RT_COUNT_ENTRIES;	/* as a file asking for more would */
	ck_assert_int_eq(build(&next, &run, abc), -EINVAL);
	ck_assert_msg(strstr(err, "the count map's size is fixed at start"), "%s", err);
}
END_TEST

/* The fallback choice: kprobe asked for where there is none is refused; auto falls back. */
START_TEST(test_execve_choice)
{
	ck_assert_int_eq(build(&run, NULL,
			       "version: 1\n"
			       "rules:\n"
			       "  - { name: a, probe: execve, attach: kprobe }\n"), -ENOTSUP);
	ck_assert_msg(strstr(err, "attach kprobe asked for, but no kprobe PMU"), "%s", err);
	plan_free(&run);
	k.feat.kprobes = true;
	ck_assert_int_eq(build(&run, NULL,
			       "version: 1\n"
			       "rules:\n"
			       "  - { name: a, probe: execve }\n"), 0);
	ck_assert_int_eq(run.execve, PROBE_EXECVE_KPROBE);
	ck_assert_str_eq(run.execve_why, "kprobe (ksyscall execve)");
}
END_TEST

/* Without a ring buffer (before 5.8) or with --perf-buffer: perf buffers, per CPU. */
START_TEST(test_buffers)
{
	k.perf_buffer = true;
	k.feat.bpf_loop = false;
	ck_assert_int_eq(build(&run, NULL, abc), 0);
	ck_assert(!run.ringbuf);
	ck_assert(!run.loop);
	ck_assert_uint_eq(run.buffer_size, PLAN_PERFBUF_DEFAULT);
	plan_free(&run);
	k.perf_buffer = false;
	k.buffer_size = 4u << 20;
	ck_assert_int_eq(build(&run, NULL, abc), 0);
	ck_assert(run.ringbuf);
	ck_assert_uint_eq(run.buffer_size, 4u << 20);
}
END_TEST

/* The most argv bytes an exec event carries: by the buffer's kind, and half its size. */
START_TEST(test_args_cap)
{
	static const struct {
		bool perf_buffer;
		uint32_t buffer_size;	/* 0: the default */
		uint32_t want;
		const char *why;
	} cases[] = {
		{ false, 0, RT_ARGS_MAX, "ARG_MAX, the most a rule may ask for" },
		{ false, 1u << 30, RT_ARGS_MAX, "ARG_MAX, the most a rule may ask for" },
		/* Half of 512 KiB holds all a rule may ask for: the buffer cuts nothing. */
		{ false, 512u << 10, RT_ARGS_MAX, "ARG_MAX, the most a rule may ask for" },
		{ false, 256u << 10, 131072 - 4200, "half the 262144-byte ring buffer less an exec "
		  "event's longest filename, so that it always fits" },
		{ false, 128u << 10, 65536 - 4200, "half the 131072-byte ring buffer less an exec "
		  "event's longest filename, so that it always fits" },
		{ false, 16u << 10, 8192 - 4200, "half the 16384-byte ring buffer less an exec "
		  "event's longest filename, so that it always fits" },
		{ false, 4096, 0, "half the 4096-byte ring buffer less an exec event's longest "
		  "filename, so that it always fits" },
		{ true, 0, RT_ARGS_PERF_MAX, "a perf buffer sample holds less than 64 KiB" },
		{ true, 1u << 30, RT_ARGS_PERF_MAX, "a perf buffer sample holds less than 64 KiB" },
		/* Half of 128 KiB holds more than a perf buffer sample may. */
		{ true, 128u << 10, RT_ARGS_PERF_MAX, "a perf buffer sample holds less than "
		  "64 KiB" },
		{ true, 64u << 10, 32768 - 4200, "half the 65536-byte perf buffer of a CPU less an "
		  "exec event's longest filename, so that it always fits" },
		{ true, 4096, 0, "half the 4096-byte perf buffer of a CPU less an exec event's "
		  "longest filename, so that it always fits" },
	};
	size_t i;

	/* Without execve rules, a buffer too small for exec events is no error. */
	static const char *counts_only =
		"version: 1\n"
		"rules:\n"
		"  - { name: c, probe: sys_enter }\n";

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		k.perf_buffer = cases[i].perf_buffer;
		k.buffer_size = cases[i].buffer_size;
		ck_assert_int_eq(build(&run, NULL, k.buffer_size && k.buffer_size < 16384 ?
				       counts_only : abc), 0);
		ck_assert_msg(run.args_cap == cases[i].want, "case %zu: args_cap %u, want %u", i,
			      run.args_cap, cases[i].want);
		ck_assert_str_eq(run.args_cap_why, cases[i].why);
		plan_free(&run);
	}
	/* Without a ring buffer (before 5.8): perf buffers, whatever was asked. */
	k.perf_buffer = false;
	k.buffer_size = 0;
	k.feat.ringbuf = false;
	ck_assert_int_eq(build(&run, NULL, abc), 0);
	ck_assert_uint_eq(run.args_cap, RT_ARGS_PERF_MAX);
}
END_TEST

/* Execve rules refuse a buffer that cannot hold two exec events; 16K holds them. */
START_TEST(test_exec_buffer_min)
{
	static const struct {
		bool perf_buffer;
		uint32_t buffer_size;
	} refused[] = { { false, 4096 }, { false, 8192 }, { true, 4096 }, { true, 8192 } };
	char want[256];
	size_t i;

	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		k.perf_buffer = refused[i].perf_buffer;
		k.buffer_size = refused[i].buffer_size;
		ck_assert_int_eq(build(&run, NULL, abc), -EINVAL);
		snprintf(want, sizeof(want), "t.yaml: execve rules need an event buffer of at "
			 "least 16K, twice the largest exec event without arguments (4200 "
			 "bytes); this one is %u bytes%s", refused[i].buffer_size,
			 refused[i].perf_buffer ? " per CPU" : "");
		ck_assert_str_eq(err, want);
		plan_free(&run);
	}
	k.buffer_size = 16384;
	ck_assert_int_eq(build(&run, NULL, abc), 0);
	ck_assert_uint_eq(run.args_cap, 8192 - 4200);
}
END_TEST

/* What the kernel reads of an exec is what the rules ask, within the cap. */
START_TEST(test_args_cap_settings)
{
	static const char *big =
		"version: 1\n"
		"rules:\n"
		"  - { name: a, probe: execve, max_argv_bytes: 128K }\n"
		"  - { name: b, probe: execve, max_argv_bytes: 1K }\n";

	ck_assert_int_eq(build(&run, NULL, big), 0);
	ck_assert_uint_eq(run.settings.ruleset.exec_args_max, RT_ARGS_MAX);
	plan_free(&run);
	k.perf_buffer = true;
	ck_assert_int_eq(build(&run, NULL, big), 0);
	ck_assert_uint_eq(run.settings.ruleset.exec_args_max, RT_ARGS_PERF_MAX);
	plan_free(&run);
	k.buffer_size = 16384;
	ck_assert_int_eq(build(&run, NULL, big), 0);
	ck_assert_uint_eq(run.settings.ruleset.exec_args_max, 8192 - 4200);
	/* The rules keep what they asked for: --explain says what was cut. */
	ck_assert_uint_eq(run.rules.rules[0].max_argv_bytes, RT_ARGS_MAX);
	plan_free(&run);
	/* Under the cap, the rules' own figure. */
	ck_assert_int_eq(build(&run, NULL,
			       "version: 1\n"
			       "rules:\n"
			       "  - { name: a, probe: execve, max_argv_bytes: 1K }\n"), 0);
	ck_assert_uint_eq(run.settings.ruleset.exec_args_max, 1024);
}
END_TEST

/* Fixed for the run: a reload keeps the running cap, whatever the kernel struct says. */
START_TEST(test_args_cap_kept)
{
	k.buffer_size = 16u << 10;
	ck_assert_int_eq(build(&run, NULL, abc), 0);
	ck_assert_uint_eq(run.args_cap, 8192 - 4200);
	k.buffer_size = 0;
	k.perf_buffer = true;
	ck_assert_int_eq(build(&next, &run,
			       "version: 1\n"
			       "rules:\n"
			       "  - { name: a, probe: execve, max_argv_bytes: 100K }\n"), 0);
	ck_assert_uint_eq(next.args_cap, 8192 - 4200);
	ck_assert_str_eq(next.args_cap_why, run.args_cap_why);
	ck_assert_uint_eq(next.settings.ruleset.exec_args_max, 8192 - 4200);
	ck_assert(next.ringbuf);
	ck_assert_uint_eq(next.buffer_size, 16u << 10);
}
END_TEST

/*
 * An execve rule's result, max_argv_bytes and filters change what it reports, not
 * how it counts: a change keeps its slot and counts. Set to what they were: no change.
 */
START_TEST(test_exec_change)
{
	static const struct {
		const char *rule;
		enum plan_change want;
	} cases[] = {
		{ "{ name: a, probe: execve }", PLAN_RULE_SAME },
		{ "{ name: a, probe: execve, filter: { result: success } }", PLAN_RULE_SAME },
		{ "{ name: a, probe: execve, max_argv_bytes: 8K }", PLAN_RULE_SAME },
		{ "{ name: a, probe: execve, filter: { result: any } }", PLAN_RULE_CHANGED },
		{ "{ name: a, probe: execve, filter: { result: failure } }", PLAN_RULE_CHANGED },
		{ "{ name: a, probe: execve, max_argv_bytes: 8193 }", PLAN_RULE_CHANGED },
		{ "{ name: a, probe: execve, max_argv_bytes: 128K }", PLAN_RULE_CHANGED },
		{ "{ name: a, probe: execve, max_argv_bytes: 256, filter: { result: any } }",
		  PLAN_RULE_CHANGED },
		{ "{ name: a, probe: execve, filter: { cgroup: [] } }", PLAN_RULE_SAME },
		{ "{ name: a, probe: execve, filter: { cgroup: [/a] } }", PLAN_RULE_CHANGED },
		{ "{ name: a, probe: execve, filter: { exclude_unit: [a.service] } }",
		  PLAN_RULE_CHANGED },
		{ "{ name: a, probe: execve, filter: { container: [web] } }", PLAN_RULE_CHANGED },
	};
	char yaml[256];
	size_t i;

	ck_assert_int_eq(build(&run, NULL, abc), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(yaml, sizeof(yaml), "version: 1\nrules:\n  - %s\n"
			 "  - { name: b, probe: sys_enter, filter: { comm: [x] } }\n"
			 "  - { name: c, probe: sys_enter, mode: stream }\n", cases[i].rule);
		ck_assert_int_eq(build(&next, &run, yaml), 0);
		ck_assert_msg(next.rule[0].change == cases[i].want, "%s: change %d, want %d",
			      cases[i].rule, next.rule[0].change, cases[i].want);
		ck_assert_uint_eq(next.rule[0].slot, 0);
		ck_assert_uint_eq(next.rule[0].prev_slot, 0);
		ck_assert_uint_eq(next.changed, cases[i].want == PLAN_RULE_CHANGED);
		ck_assert_uint_eq(next.counts_kept, 3);
		ck_assert_uint_eq(next.ngone, 0);
		plan_free(&next);
	}
	/* And back: from the changed rule to the running file's. */
	plan_free(&run);
	ck_assert_int_eq(build(&run, NULL,
			       "version: 1\n"
			       "rules:\n"
			       "  - { name: a, probe: execve, max_argv_bytes: 1K,"
			       " filter: { result: failure } }\n"), 0);
	ck_assert_int_eq(build(&next, &run,
			       "version: 1\n"
			       "rules:\n"
			       "  - { name: a, probe: execve }\n"), 0);
	ck_assert_int_eq(next.rule[0].change, PLAN_RULE_CHANGED);
	ck_assert_uint_eq(next.settings.ruleset.exec_ok_rules, 0x1);
	ck_assert_uint_eq(next.settings.ruleset.exec_failed_rules, 0);
	ck_assert_uint_eq(next.settings.ruleset.exec_args_max, RT_ARGS_DEFAULT);
}
END_TEST

/*
 * cgroup, unit and container filters are compared by their normalised strings;
 * grouping by cgroup, unit or container keys counters another way: replaced.
 */
START_TEST(test_cgroup_change)
{
	static const char *const base =
		"version: 1\nrules:\n"
		"  - { name: a, probe: sys_enter, group_by: [cgroup],\n"
		"      filter: { cgroup: [/a, /b], unit: [x.service],\n"
		"                exclude_container: [web] } }\n";
	static const struct {
		const char *rule;
		enum plan_change want;
	} cases[] = {
		{ "{ name: a, probe: sys_enter, group_by: [cgroup], filter: { cgroup: [a/, /b/],"
		  " unit: [x.service], exclude_container: [web] } }", PLAN_RULE_SAME },
		{ "{ name: a, probe: sys_enter, group_by: [cgroup], filter: { cgroup: [/a],"
		  " unit: [x.service], exclude_container: [web] } }", PLAN_RULE_CHANGED },
		{ "{ name: a, probe: sys_enter, group_by: [cgroup], filter: { cgroup: [/a, /b],"
		  " unit: [y.service], exclude_container: [web] } }", PLAN_RULE_CHANGED },
		{ "{ name: a, probe: sys_enter, group_by: [cgroup], filter: { cgroup: [/a, /b],"
		  " unit: [x.service], exclude_container: [web2] } }", PLAN_RULE_CHANGED },
		{ "{ name: a, probe: sys_enter, group_by: [unit], filter: { cgroup: [/a, /b],"
		  " unit: [x.service], exclude_container: [web] } }", PLAN_RULE_REPLACED },
		{ "{ name: a, probe: sys_enter, filter: { cgroup: [/a, /b],"
		  " unit: [x.service], exclude_container: [web] } }", PLAN_RULE_REPLACED },
	};
	char yaml[512];
	size_t i;

	ck_assert_int_eq(build(&run, NULL, base), 0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(yaml, sizeof(yaml), "version: 1\nrules:\n  - %s\n", cases[i].rule);
		ck_assert_int_eq(build(&next, &run, yaml), 0);
		ck_assert_msg(next.rule[0].change == cases[i].want, "%s: change %d, want %d",
			      cases[i].rule, next.rule[0].change, cases[i].want);
		plan_free(&next);
	}
}
END_TEST

static Suite *plan_suite(void)
{
	Suite *s = suite_create("plan");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_start);
	tcase_add_test(tc, test_cgroup_change);
	tcase_add_test(tc, test_same_file);
	tcase_add_test(tc, test_change_report);
	tcase_add_test(tc, test_replaced);
	tcase_add_test(tc, test_busy);
	tcase_add_test(tc, test_out_of_slots);
	tcase_add_test(tc, test_max_counters_fixed);
	tcase_add_test(tc, test_execve_choice);
	tcase_add_test(tc, test_buffers);
	tcase_add_test(tc, test_args_cap);
	tcase_add_test(tc, test_exec_buffer_min);
	tcase_add_test(tc, test_args_cap_settings);
	tcase_add_test(tc, test_args_cap_kept);
	tcase_add_test(tc, test_exec_change);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(plan_suite());
}
