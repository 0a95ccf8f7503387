// SPDX-License-Identifier: GPL-2.0-only
/* check_settings.c - rules -> rt_ruleset bitmasks and filter map contents. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"
#include "settings.h"
#include "check_run.h"

static struct rules r;
static struct settings s;
static char err[1024];

static void load(const char *yaml)
{
	memset(&r, 0, sizeof(r));
	ck_assert_msg(rules_load_buffer("t.yaml", yaml, strlen(yaml), &r, err, sizeof(err)) == 0,
		      "%s", err);
}

static void teardown(void)
{
	settings_free(&s);
	rules_free(&r);
}

static const struct settings_comm *find_comm(const char *comm)
{
	size_t i;

	for (i = 0; i < s.ncomms; i++)
		if (!strcmp(s.comms[i].comm, comm))
			return &s.comms[i];
	return NULL;
}

START_TEST(test_masks)
{
	load("version: 1\n"
	     "rules:\n"
	     "  - { name: a, probe: execve }\n"
	     "  - { name: b, probe: sys_enter }\n"
	     "  - { name: c, probe: sys_enter, mode: stream, filter: { comm: [x] } }\n"
	     "  - { name: d, probe: sys_enter, filter: { exclude_pid: [7] } }\n");
	ck_assert_int_eq(settings_build(&r, NULL, &s, err, sizeof(err)), 0);
	ck_assert_uint_eq(s.ruleset.probe_rules[RT_PROBE_EXECVE], 0x1);
	ck_assert_uint_eq(s.ruleset.probe_rules[RT_PROBE_SYS_ENTER], 0xe);
	ck_assert_uint_eq(s.ruleset.count_rules, 0xa);
	ck_assert_uint_eq(s.ruleset.comm_include_rules, 0x4);
	ck_assert_uint_eq(s.ruleset.comm_lookup_rules, 0x4);
	ck_assert_uint_eq(s.ruleset.pid_include_rules, 0);
	ck_assert_uint_eq(s.ruleset.pid_lookup_rules, 0x8);
	ck_assert_uint_eq(s.npids, 1);
	ck_assert_uint_eq(s.pids[0].key, 7);
	ck_assert_uint_eq(s.pids[0].val.include, 0);
	ck_assert_uint_eq(s.pids[0].val.exclude, 0x8);
	ck_assert_int_eq(s.execve_attach, RULES_ATTACH_AUTO);
	/* The one execve rule reports successful execs only, with the default argv. */
	ck_assert_uint_eq(s.ruleset.exec_ok_rules, 0x1);
	ck_assert_uint_eq(s.ruleset.exec_failed_rules, 0);
	ck_assert_uint_eq(s.ruleset.exec_args_max, RT_ARGS_DEFAULT);
}
END_TEST

/* Each execve rule's result on its slot's bit; sys_enter rules in neither mask. */
START_TEST(test_exec_results)
{
	static const unsigned slots[] = { 5, 0, 63, 7, 12 };

	load("version: 1\n"
	     "rules:\n"
	     "  - { name: a, probe: execve }\n"
	     "  - { name: b, probe: execve, filter: { result: failure } }\n"
	     "  - { name: c, probe: execve, filter: { result: any } }\n"
	     "  - { name: d, probe: sys_enter, mode: stream }\n"
	     "  - { name: e, probe: execve, filter: { result: success, comm: [sh] } }\n");
	ck_assert_int_eq(settings_build(&r, NULL, &s, err, sizeof(err)), 0);
	ck_assert_uint_eq(s.ruleset.exec_ok_rules, 0x1 | 0x4 | 0x10);
	ck_assert_uint_eq(s.ruleset.exec_failed_rules, 0x2 | 0x4);
	ck_assert_uint_eq(s.ruleset.probe_rules[RT_PROBE_EXECVE], 0x17);
	settings_free(&s);

	/* On the plan's slots, not the rules' order. */
	ck_assert_int_eq(settings_build(&r, slots, &s, err, sizeof(err)), 0);
	ck_assert_uint_eq(s.ruleset.exec_ok_rules, 1ULL << 5 | 1ULL << 63 | 1ULL << 12);
	ck_assert_uint_eq(s.ruleset.exec_failed_rules, 1ULL << 0 | 1ULL << 63);

	/* Only failures wanted: no rule takes a successful exec. */
	settings_free(&s);
	rules_free(&r);
	load("version: 1\n"
	     "rules:\n"
	     "  - { name: a, probe: execve, filter: { result: failure } }\n"
	     "  - { name: b, probe: sys_enter }\n");
	ck_assert_int_eq(settings_build(&r, NULL, &s, err, sizeof(err)), 0);
	ck_assert_uint_eq(s.ruleset.exec_ok_rules, 0);
	ck_assert_uint_eq(s.ruleset.exec_failed_rules, 0x1);
}
END_TEST

/* The kernel reads as much argv as the execve rule that keeps the most. */
START_TEST(test_exec_args_max)
{
	static const struct {
		const char *rules;
		uint32_t want;
	} cases[] = {
		/* No execve rule: nothing to read. */
		{ "  - { name: a, probe: sys_enter }\n", 0 },
		{ "  - { name: a, probe: execve }\n", RT_ARGS_DEFAULT },
		{ "  - { name: a, probe: execve, max_argv_bytes: 300 }\n", 300 },
		{ "  - { name: a, probe: execve, max_argv_bytes: 300 }\n"
		  "  - { name: b, probe: execve, max_argv_bytes: 100K }\n"
		  "  - { name: c, probe: execve }\n", 102400 },
		{ "  - { name: a, probe: execve, max_argv_bytes: 300 }\n"
		  "  - { name: b, probe: execve }\n"
		  "  - { name: c, probe: sys_enter }\n", RT_ARGS_DEFAULT },
		{ "  - { name: a, probe: execve, max_argv_bytes: 256 }\n"
		  "  - { name: b, probe: execve, max_argv_bytes: 1K,"
		  " filter: { result: failure } }\n", 1024 },
		/* Without a plan's cap, all a rule may ask for. */
		{ "  - { name: a, probe: execve, max_argv_bytes: 128K }\n", RT_ARGS_MAX },
	};
	char yaml[512];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(yaml, sizeof(yaml), "version: 1\nrules:\n%s", cases[i].rules);
		load(yaml);
		ck_assert_int_eq(settings_build(&r, NULL, &s, err, sizeof(err)), 0);
		ck_assert_msg(s.ruleset.exec_args_max == cases[i].want, "case %zu: %u, want %u", i,
			      s.ruleset.exec_args_max, cases[i].want);
		settings_free(&s);
		rules_free(&r);
	}
}
END_TEST

/* The plan's cap bounds what the kernel reads; below it the rules' figure stands. */
START_TEST(test_exec_args_capped)
{
	static const struct {
		uint32_t cap;
		uint32_t want;
	} cases[] = {
		{ RT_ARGS_MAX, 102400 },
		{ RT_ARGS_PERF_MAX, RT_ARGS_PERF_MAX },
		{ 102400, 102400 },
		{ 102399, 102399 },
		{ 2048, 2048 },
	};
	size_t i;

	load("version: 1\n"
	     "rules:\n"
	     "  - { name: a, probe: execve, max_argv_bytes: 100K }\n"
	     "  - { name: b, probe: execve, max_argv_bytes: 300 }\n");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_int_eq(settings_build_capped(&r, NULL, cases[i].cap, &s, err,
						       sizeof(err)), 0);
		ck_assert_msg(s.ruleset.exec_args_max == cases[i].want, "cap %u: %u, want %u",
			      cases[i].cap, s.ruleset.exec_args_max, cases[i].want);
		settings_free(&s);
	}
	/* Capping touches nothing else. */
	ck_assert_int_eq(settings_build_capped(&r, NULL, 2048, &s, err, sizeof(err)), 0);
	ck_assert_uint_eq(s.ruleset.exec_ok_rules, 0x3);
	ck_assert_uint_eq(s.ruleset.probe_rules[RT_PROBE_EXECVE], 0x3);
	/* Rules are not changed: each keeps what it asked for. */
	ck_assert_uint_eq(r.rules[0].max_argv_bytes, 102400);
}
END_TEST

/* One map entry per distinct key, carrying every rule that lists it. */
START_TEST(test_merge_keys)
{
	const struct settings_comm *c;

	load("version: 1\n"
	     "rules:\n"
	     "  - { name: a, probe: sys_enter, filter: { comm: [bash, curl] } }\n"
	     "  - { name: b, probe: sys_enter, filter: { comm: [curl], exclude_comm: [bash] } }\n"
	     "  - { name: c, probe: execve, filter: { exclude_comm: [curl, sshd] } }\n");
	ck_assert_int_eq(settings_build(&r, NULL, &s, err, sizeof(err)), 0);
	ck_assert_uint_eq(s.ncomms, 3);
	ck_assert_ptr_nonnull(c = find_comm("bash"));
	ck_assert_uint_eq(c->val.include, 0x1);
	ck_assert_uint_eq(c->val.exclude, 0x2);
	ck_assert_ptr_nonnull(c = find_comm("curl"));
	ck_assert_uint_eq(c->val.include, 0x3);
	ck_assert_uint_eq(c->val.exclude, 0x4);
	ck_assert_ptr_nonnull(c = find_comm("sshd"));
	ck_assert_uint_eq(c->val.include, 0);
	ck_assert_uint_eq(c->val.exclude, 0x4);
	/* Keys are NUL-padded to the full comm: the kernel compares 16 bytes. */
	ck_assert_int_eq(memcmp(find_comm("bash")->comm, "bash\0\0\0\0\0\0\0\0\0\0\0\0", 16), 0);
}
END_TEST

START_TEST(test_attach_agree)
{
	load("version: 1\n"
	     "rules:\n"
	     "  - { name: a, probe: execve, attach: tracepoint }\n"
	     "  - { name: b, probe: execve }\n");
	ck_assert_int_eq(settings_build(&r, NULL, &s, err, sizeof(err)), 0);
	ck_assert_int_eq(s.execve_attach, RULES_ATTACH_TRACEPOINT);
}
END_TEST

START_TEST(test_attach_conflict)
{
	load("version: 1\n"
	     "rules:\n"
	     "  - { name: a, probe: execve, attach: tracepoint }\n"
	     "  - { name: b, probe: execve, attach: kprobe }\n");
	ck_assert_int_eq(settings_build(&r, NULL, &s, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "t.yaml:4:5: rule 'b' asks for attach kprobe but rule 'a' "
			 "asks for tracepoint (the execve probe is attached once)\n");
}
END_TEST

/* More distinct keys than the kernel map holds is refused before loading. */
START_TEST(test_too_many_keys)
{
	char *yaml = malloc(64 * 1024);
	size_t off;
	int rule, i, key = 1;

	off = (size_t)sprintf(yaml, "version: 1\nrules:\n");
	for (rule = 0; rule < 2; rule++) {
		off += (size_t)sprintf(yaml + off, "  - name: r%d\n    probe: sys_enter\n"
				       "    filter:\n      pid: [", rule);
		for (i = 0; i < 600; i++)
			off += (size_t)sprintf(yaml + off, "%s%d", i ? ", " : "", key++);
		off += (size_t)sprintf(yaml + off, "]\n");
	}
	load(yaml);
	free(yaml);
	ck_assert_int_eq(settings_build(&r, NULL, &s, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "t.yaml:1:1: 1200 distinct pid values across all rules "
			 "(at most 1024)\n");
}
END_TEST

static Suite *settings_suite(void)
{
	Suite *su = suite_create("settings");
	TCase *tc = tcase_create("build");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_masks);
	tcase_add_test(tc, test_exec_results);
	tcase_add_test(tc, test_exec_args_max);
	tcase_add_test(tc, test_exec_args_capped);
	tcase_add_test(tc, test_merge_keys);
	tcase_add_test(tc, test_attach_agree);
	tcase_add_test(tc, test_attach_conflict);
	tcase_add_test(tc, test_too_many_keys);
	suite_add_tcase(su, tc);
	return su;
}

int main(void)
{
	return check_run(settings_suite());
}
