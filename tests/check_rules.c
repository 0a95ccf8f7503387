// SPDX-License-Identifier: GPL-2.0-only
/*
 * check_rules.c - the rule loader: every shipped rule file loads to what it says,
 * every bad fixture (one defect each, tests/data/bad-*.yaml) fails with its exact
 * FILE:LINE:COLUMN message, and hostile files fail fast and cleanly.
 *
 * Fixtures are found under $srcdir/data, the shipped rules under $RULES_DIR or
 * else $srcdir/../rules; srcdir defaults to ".".
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "rules.h"
#include "syscalls.h"
#include "check_run.h"

#if defined(__x86_64__)
#define ARCH "x86_64"
#elif defined(__aarch64__)
#define ARCH "aarch64"
#else
#define ARCH "this architecture"
#endif

static char err[8192];
static struct rules r;

static const char *srcdir(void)
{
	const char *d = getenv("srcdir");

	return d && *d ? d : ".";
}

static const char *fixture_path(const char *name)
{
	static char buf[4096];

	snprintf(buf, sizeof(buf), "%s/data/%s", srcdir(), name);
	return buf;
}

static const char *rules_path(const char *name)
{
	static char buf[4096];
	const char *d = getenv("RULES_DIR");

	if (d && *d)
		snprintf(buf, sizeof(buf), "%s/%s", d, name);
	else
		snprintf(buf, sizeof(buf), "%s/../rules/%s", srcdir(), name);
	return buf;
}

/* The errors of a fixture, each line's path prefix replaced by the base name. */
static const char *load_fixture(const char *name)
{
	static char out[sizeof(err)];
	const char *p = fixture_path(name);
	size_t plen = strlen(p) - strlen(name);
	char *line, *save = NULL;
	int ret;

	ret = rules_load_file(p, &r, err, sizeof(err));
	ck_assert_msg(ret == -EINVAL, "%s: ret %d", name, ret);
	out[0] = '\0';
	for (line = strtok_r(err, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		ck_assert_msg(!strncmp(line, p, plen), "%s: error without path: %s", name, line);
		strncat(out, line + plen, sizeof(out) - strlen(out) - 2);
		strcat(out, "\n");
	}
	return out;
}

/* Load yaml (NUL-terminated) as "t" and expect it to fail with exactly want. */
static void expect_error(const char *yaml, const char *want)
{
	int ret;

	rules_free(&r);	/* what an earlier expect_ok loaded */
	ret = rules_load_buffer("t", yaml, strlen(yaml), &r, err, sizeof(err));
	ck_assert_msg(ret == -EINVAL, "ret %d for:\n%s", ret, yaml);
	ck_assert_str_eq(err, want);
}

static void expect_ok(const char *yaml)
{
	rules_free(&r);
	ck_assert_msg(rules_load_buffer("t", yaml, strlen(yaml), &r, err, sizeof(err)) == 0,
		      "%s", err);
}

static const struct {
	const char *file;
	const char *error;
} bad[] = {
	{ "bad-alias.yaml", "bad-alias.yaml:3:5: aliases are not supported\n" },
	{ "bad-anchor.yaml", "bad-anchor.yaml:3:5: anchors are not supported\n" },
	{ "bad-attach-sys-enter.yaml", "bad-attach-sys-enter.yaml:5:13: 'attach' applies only "
	  "to probe execve\n" },
	{ "bad-bool.yaml", "bad-bool.yaml:3:48: 'append' must be true or false\n" },
	{ "bad-buffer-size-count.yaml", "bad-buffer-size-count.yaml:5:18: 'buffer_size' applies "
	  "only to stream rules: a count rule has no events to buffer\n" },
	{ "bad-buffer-size-power.yaml", "bad-buffer-size-power.yaml:5:18: 'buffer_size' must be a "
	  "power of two: 4K, 8K, 16K, ... 1024M\n" },
	{ "bad-cgroup-dotdot.yaml", "bad-cgroup-dotdot.yaml:5:24: cgroup "
	  "'/system.slice/../user.slice' must not have '.' or '..' components\n" },
	{ "bad-container-name.yaml", "bad-container-name.yaml:5:35: container 'web 1' must be an "
	  "id or its first hex digits, or a machine name of A-Z a-z 0-9 _ . -\n" },
	{ "bad-comm-entry-type.yaml", "bad-comm-entry-type.yaml:5:28: 'comm' entries must be "
	  "strings\n" },
	{ "bad-comm-too-long.yaml", "bad-comm-too-long.yaml:5:28: comm 'sixteen-bytes-xx' is "
	  "longer than 15 bytes\n" },
	{ "bad-count-execve.yaml", "bad-count-execve.yaml:5:11: mode 'count' is not available "
	  "for probe execve\n" },
	{ "bad-csv-no-path.yaml", "bad-csv-no-path.yaml:3:10: output 'audit' is missing 'path'\n" },
	{ "bad-deep-nesting.yaml", "bad-deep-nesting.yaml:5:26: nested more than 16 levels "
	  "deep\n" },
	{ "bad-duplicate-key.yaml", "bad-duplicate-key.yaml:5:5: duplicate key 'probe'\n" },
	{ "bad-duplicate-output.yaml", "bad-duplicate-output.yaml:4:3: duplicate output name "
	  "'feed' (first at 3:3)\n" },
	{ "bad-duplicate-rule.yaml", "bad-duplicate-rule.yaml:5:11: duplicate rule name 'a' "
	  "(first at 3:5)\n" },
	{ "bad-duration.yaml", "bad-duration.yaml:2:11: bad duration '10 parsecs' "
	  "(use e.g. 500ms, 30s, 2m, 1h)\n" },
	{ "bad-empty-rules.yaml", "bad-empty-rules.yaml:2:8: 'rules' is empty: at least one "
	  "rule is needed\n" },
	{ "bad-empty.yaml", "bad-empty.yaml:1:1: empty rule file\n" },
	{ "bad-expect-mode.yaml", "bad-expect-mode.yaml:6:15: 'events' applies only to stream "
	  "rules: a count rule's figure is 'counted'\n" },
	{ "bad-expect-range.yaml", "bad-expect-range.yaml:8:14: 'min' 10 is more than 'max' "
	  "1\n" },
	{ "bad-facility.yaml", "bad-facility.yaml:3:34: unknown facility 'local9' (expected "
	  "kern, user, mail, daemon, auth, syslog, lpr, news, uucp, cron, authpriv, ftp or "
	  "local0 to local7)\n" },
	{ "bad-filter-not-mapping.yaml", "bad-filter-not-mapping.yaml:5:13: 'filter' must be "
	  "a mapping\n" },
	{ "bad-follow-without-pid.yaml", "bad-follow-without-pid.yaml:5:37: 'follow' needs a "
	  "non-empty 'pid' list to follow\n" },
	{ "bad-format.yaml", "bad-format.yaml:3:36: unknown format 'xml' (expected text or "
	  "json)\n" },
	{ "bad-group-by-stream.yaml", "bad-group-by-stream.yaml:6:15: 'group_by' applies only "
	  "to mode count\n" },
	{ "bad-group-by-unknown.yaml", "bad-group-by-unknown.yaml:5:22: unknown group_by "
	  "'cgroups' (expected comm, pid, syscall, cgroup, unit or container)\n" },
	{ "bad-ident.yaml", "bad-ident.yaml:3:31: ident 'rule trace' must be 1 to 48 "
	  "characters of A-Z a-z 0-9 _ . -\n" },
	{ "bad-interval.yaml", "bad-interval.yaml:2:11: bad interval 'soon' (use e.g. 500ms, "
	  "30s, 2m, 1h)\n" },
	{ "bad-leading-zero.yaml", "bad-leading-zero.yaml:5:21: 'pid' entries must be "
	  "integers\n" },
	{ "bad-max-argv-bytes-sys-enter.yaml", "bad-max-argv-bytes-sys-enter.yaml:5:21: "
	  "'max_argv_bytes' applies only to probe execve: sys_enter events carry no "
	  "arguments\n" },
	{ "bad-max-argv-bytes-unit.yaml", "bad-max-argv-bytes-unit.yaml:5:21: bad max_argv_bytes "
	  "'8k' (use bytes or KiB, 256 to 131072: e.g. 8192, 8K, 100KiB)\n" },
	{ "bad-max-argv-bytes.yaml", "bad-max-argv-bytes.yaml:6:21: 'max_argv_bytes' must be "
	  "between 256 and 131072 bytes (128K)\n" },
	{ "bad-max-message.yaml", "bad-max-message.yaml:6:18: 'max_message' must be between "
	  "1024 and 262144 bytes (256K)\n" },
	{ "bad-max-counters.yaml", "bad-max-counters.yaml:3:15: 'max_counters' must be between "
	  "1024 and 1048576\n" },
	{ "bad-max-events.yaml", "bad-max-events.yaml:2:13: 'max_events' must be at least 1\n" },
	{ "bad-missing-name.yaml", "bad-missing-name.yaml:3:5: rule is missing 'name'\n" },
	{ "bad-missing-probe.yaml", "bad-missing-probe.yaml:3:5: rule is missing 'probe'\n" },
	{ "bad-missing-rules.yaml", "bad-missing-rules.yaml:1:1: missing 'rules'\n" },
	{ "bad-missing-version.yaml", "bad-missing-version.yaml:1:1: missing 'version' "
	  "(this ruletrace reads version 1)\n" },
	{ "bad-non-utf8.yaml", "bad-non-utf8.yaml:3:15: YAML syntax error: invalid trailing "
	  "UTF-8 octet\n" },
	{ "bad-not-mapping.yaml", "bad-not-mapping.yaml:1:1: a rule file must be a mapping "
	  "(with version and rules)\n" },
	{ "bad-output-key.yaml", "bad-output-key.yaml:3:28: unknown key 'path' in output "
	  "'console' of type stdout (expected one of: type, format, cgroup)\n" },
	{ "bad-output-listed-twice.yaml", "bad-output-listed-twice.yaml:5:23: output 'stdout' "
	  "listed twice\n" },
	{ "bad-output-not-mapping.yaml", "bad-output-not-mapping.yaml:3:12: output 'console' "
	  "must be a mapping\n" },
	{ "bad-pid-negative.yaml", "bad-pid-negative.yaml:5:29: 'exclude_pid' entries must be "
	  "integers\n" },
	{ "bad-pid-overflow.yaml", "bad-pid-overflow.yaml:5:21: 'pid' entries must be between "
	  "1 and 4194304\n" },
	{ "bad-pid-string.yaml", "bad-pid-string.yaml:5:21: 'pid' entries must be integers\n" },
	{ "bad-pid-zero.yaml", "bad-pid-zero.yaml:5:24: 'pid' entries must be between 1 and "
	  "4194304\n" },
	{ "bad-prometheus-interval.yaml", "bad-prometheus-interval.yaml:3:98: bad interval '0' "
	  "(use e.g. 500ms, 30s, 2m, 1h)\n" },
	{ "bad-prometheus-max-series.yaml", "bad-prometheus-max-series.yaml:6:17: 'max_series' "
	  "must be between 1 and 1000000\n" },
	{ "bad-priority.yaml", "bad-priority.yaml:3:34: unknown priority 'verbose' (expected "
	  "emerg, alert, crit, err, warning, notice, info or debug)\n" },
	{ "bad-rule-name.yaml", "bad-rule-name.yaml:3:11: rule name 'has space' must be 1 to "
	  "64 characters of A-Z a-z 0-9 _ . -\n" },
	{ "bad-rate-limit-count.yaml", "bad-rate-limit-count.yaml:6:17: 'rate_limit' applies "
	  "only to stream rules: a count rule has no events to limit\n" },
	{ "bad-rate-limit-key.yaml", "bad-rate-limit-key.yaml:8:7: unknown key 'bursts' in "
	  "rate_limit (expected one of: events, per, burst)\n" },
	{ "bad-result-sys-enter.yaml", "bad-result-sys-enter.yaml:5:37: 'result' applies only "
	  "to probe execve: a sys_enter rule sees a syscall before it has a result\n" },
	{ "bad-result.yaml", "bad-result.yaml:6:23: unknown result 'failed' (expected success, "
	  "failure or any)\n" },
	{ "bad-rule-not-mapping.yaml", "bad-rule-not-mapping.yaml:3:5: 'rules' entries must "
	  "be mappings\n" },
	{ "bad-summary-key.yaml", "bad-summary-key.yaml:4:20: unknown key 'bottom' in summary "
	  "(expected one of: top)\n" },
	{ "bad-syntax.yaml", "bad-syntax.yaml:5:1: YAML syntax error: did not find expected "
	  "',' or ']' (while parsing a flow sequence)\n" },
	{ "bad-syscalls-execve.yaml", "bad-syscalls-execve.yaml:5:25: syscall filters apply "
	  "only to probe sys_enter\n" },
	{ "bad-tag.yaml", "bad-tag.yaml:1:10: tags are not supported\n" },
	{ "bad-too-many-entries.yaml", "bad-too-many-entries.yaml:6:12: too many entries in "
	  "'pid' (at most 1024)\n" },
	{ "bad-too-many-outputs.yaml", "bad-too-many-outputs.yaml:3:3: too many outputs (at "
	  "most 16, the implicit 'stdout' included)\n" },
	{ "bad-too-many-rules.yaml", "bad-too-many-rules.yaml:67:5: too many rules (at most "
	  "64)\n" },
	{ "bad-top.yaml", "bad-top.yaml:4:17: 'top' must be between 1 and 1000\n" },
	{ "bad-two-documents.yaml", "bad-two-documents.yaml:4:1: more than one YAML document\n" },
	{ "bad-unknown-filter-key.yaml", "bad-unknown-filter-key.yaml:5:15: unknown key "
	  "'command' in filter (expected one of: comm, pid, uid, syscalls, cgroup, unit, "
	  "container, program, follow, result, exclude_comm, exclude_pid, exclude_uid, "
	  "exclude_syscalls, exclude_cgroup, exclude_unit, exclude_container, "
	  "exclude_program)\n" },
	{ "bad-unit-timer.yaml", "bad-unit-timer.yaml:5:37: unit 'backup.timer' is a timer "
	  "unit: the processes it starts run in a service, by default 'backup.service': give "
	  "that\n" },
	{ "bad-unknown-key.yaml", "bad-unknown-key.yaml:5:5: unknown key 'colour' in rule "
	  "(expected one of: name, probe, attach, mode, filter, group_by, max_argv_bytes, "
	  "rate_limit, buffer_size, outputs, expect)\n" },
	{ "bad-unknown-output-type.yaml", "bad-unknown-output-type.yaml:3:16: unknown output "
	  "type 'file' (expected stdout, csv, syslog, json or prometheus)\n" },
	{ "bad-unknown-output.yaml", "bad-unknown-output.yaml:5:23: unknown output 'nowhere'\n" },
	{ "bad-unknown-probe.yaml", "bad-unknown-probe.yaml:4:12: unknown probe "
	  "'kprobe_everything' (expected execve or sys_enter)\n" },
	{ "bad-unknown-syscall.yaml", "bad-unknown-syscall.yaml:5:26: unknown syscall "
	  "'no_such_call' on " ARCH "\n" },
	{ "bad-unknown-top-key.yaml", "bad-unknown-top-key.yaml:2:1: unknown key 'rule' in top "
	  "level (expected one of: version, duration, interval, max_events, max_counters, "
	  "outputs, rules, summary)\n" },
	{ "bad-utf16.yaml", "bad-utf16.yaml:1:1: YAML syntax error: the file is UTF-16, not "
	  "UTF-8\n" },
	{ "bad-version-string.yaml", "bad-version-string.yaml:1:10: 'version' must be an "
	  "integer\n" },
	{ "bad-version.yaml", "bad-version.yaml:1:10: unsupported version '2' "
	  "(this ruletrace reads version 1)\n" },
	{ "bad-wrong-type.yaml", "bad-wrong-type.yaml:3:3: 'rules' must be a sequence\n" },
};

START_TEST(test_bad_fixture)
{
	static const struct rules zero;

	ck_assert_str_eq(load_fixture(bad[_i].file), bad[_i].error);
	/* Nothing is handed back from a bad file. */
	ck_assert_mem_eq(&r, &zero, sizeof(r));
}
END_TEST

/* Every bad-*.yaml in tests/data has its line in the table above. */
START_TEST(test_every_fixture_listed)
{
	char dir[4096];
	struct dirent *de;
	size_t i, n = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/data", srcdir());
	ck_assert_ptr_nonnull(d = opendir(dir));
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "bad-", 4))
			continue;
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			if (!strcmp(bad[i].file, de->d_name))
				break;
		ck_assert_msg(i < sizeof(bad) / sizeof(bad[0]), "%s has no expected error",
			      de->d_name);
		n++;
	}
	closedir(d);
	ck_assert_uint_eq(n, sizeof(bad) / sizeof(bad[0]));
}
END_TEST

START_TEST(test_default_rules)
{
	const char *p = rules_path("default.yaml");

	ck_assert_msg(rules_load_file(p, &r, err, sizeof(err)) == 0, "%s", err);
	ck_assert_str_eq(r.path, p);
	ck_assert_uint_eq(r.nrules, 2);
	ck_assert_str_eq(r.rules[0].name, "exec");
	ck_assert_int_eq(r.rules[0].probe, RT_PROBE_EXECVE);
	ck_assert_int_eq(r.rules[0].attach, RULES_ATTACH_AUTO);
	ck_assert_int_eq(r.rules[0].mode, RULES_MODE_STREAM);
	ck_assert_uint_eq(r.rules[0].exclude.ncomm, 0);
	/* Successful execs only, as execsnoop shows them, with up to 8 KiB of argv. */
	ck_assert_int_eq(r.rules[0].result, RULES_RESULT_SUCCESS);
	ck_assert_uint_eq(r.rules[0].max_argv_bytes, RT_ARGS_DEFAULT);
	ck_assert_str_eq(r.rules[1].name, "syscalls");
	ck_assert_int_eq(r.rules[1].probe, RT_PROBE_SYS_ENTER);
	ck_assert_int_eq(r.rules[1].mode, RULES_MODE_COUNT);
	ck_assert_uint_eq(r.rules[1].group_by, RULES_GROUP_COMM);
	ck_assert_uint_eq(r.summary_top, 10);
	ck_assert_uint_eq(r.duration_ms, 0);
	/* The implicit stdout output, and rules routed to it by default. */
	ck_assert_uint_eq(r.noutputs, 1);
	ck_assert_str_eq(r.outputs[0].name, "stdout");
	ck_assert_int_eq(r.outputs[0].type, RULES_OUT_STDOUT);
	ck_assert_int_eq(r.outputs[0].format, RULES_FORMAT_TEXT);
	ck_assert_uint_eq(r.rules[0].noutputs, 1);
	ck_assert_uint_eq(r.rules[0].outputs[0], 0);
	ck_assert_uint_eq(r.rules[1].noutputs, 1);
}
END_TEST

START_TEST(test_hello_rules)
{
	ck_assert_msg(rules_load_file(rules_path("hello.yaml"), &r, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_uint_eq(r.nrules, 2);
	ck_assert_int_eq(r.rules[0].probe, RT_PROBE_EXECVE);
	ck_assert_int_eq(r.rules[0].mode, RULES_MODE_STREAM);
	ck_assert_int_eq(r.rules[1].probe, RT_PROBE_SYS_ENTER);
	ck_assert_int_eq(r.rules[1].mode, RULES_MODE_COUNT);
	ck_assert_uint_eq(r.rules[1].group_by, RULES_GROUP_COMM);
	ck_assert_uint_eq(r.summary_top, 1000);
}
END_TEST

START_TEST(test_execsnoop_rules)
{
	const struct rules_rule *x;

	ck_assert_msg(rules_load_file(rules_path("execsnoop.yaml"), &r, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_uint_eq(r.nrules, 1);
	x = &r.rules[0];
	ck_assert_str_eq(x->name, "execsnoop");
	ck_assert_int_eq(x->probe, RT_PROBE_EXECVE);
	ck_assert_int_eq(x->attach, RULES_ATTACH_AUTO);
	ck_assert_int_eq(x->mode, RULES_MODE_STREAM);
	ck_assert_int_eq(x->result, RULES_RESULT_SUCCESS);
	ck_assert_uint_eq(x->max_argv_bytes, 8192);
	/* All processes: no list restricts. */
	ck_assert_uint_eq(x->include.ncomm + x->include.npid + x->include.nuid, 0);
	ck_assert_uint_eq(x->exclude.ncomm + x->exclude.npid + x->exclude.nuid, 0);
	ck_assert_uint_eq(x->noutputs, 1);
	ck_assert_str_eq(r.outputs[x->outputs[0]].name, "stdout");
}
END_TEST

START_TEST(test_syscount_rules)
{
	ck_assert_msg(rules_load_file(rules_path("syscount.yaml"), &r, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_uint_eq(r.nrules, 1);
	ck_assert_str_eq(r.rules[0].name, "syscount");
	ck_assert_int_eq(r.rules[0].probe, RT_PROBE_SYS_ENTER);
	ck_assert_int_eq(r.rules[0].mode, RULES_MODE_COUNT);
	ck_assert_uint_eq(r.summary_top, 20);
}
END_TEST

START_TEST(test_full_schema)
{
	static const char yaml[] =
		"version: 1\n"
		"duration: 90s\n"
		"outputs:\n"
		"  console: { type: stdout, format: json }\n"
		"  audit: { type: csv, path: /tmp/a.csv, append: true }\n"
		"  ops: { type: syslog, ident: rt, facility: local0, priority: notice, "
		"socket: /run/x }\n"
		"  feed: { type: json, path: /tmp/e.jsonl, append: false }\n"
		"rules:\n"
		"  - name: w\n"
		"    probe: execve\n"
		"    attach: tracepoint\n"
		"    mode: stream\n"
		"    filter: { comm: [bash, curl, bash], pid: [1234, 1, 1234], exclude_comm: [x],\n"
		"              exclude_pid: [7, 4194304] }\n"
		"    rate_limit: { events: 50, per: 500ms, burst: 200 }\n"
		"    buffer_size: 256K\n"
		"    outputs: [console, audit, ops, feed]\n"
		"  - name: s\n"
		"    probe: sys_enter\n"
		"    mode: stream\n"
		"    filter: { comm: [], pid: [] }\n"
		"summary: { top: 3 }\n";
	const struct rules_rule *w;

	ck_assert_msg(rules_load_buffer("t", yaml, sizeof(yaml) - 1, &r, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_str_eq(r.path, "t");
	ck_assert_uint_eq(r.duration_ms, 90000);
	ck_assert_uint_eq(r.noutputs, 5);	/* the implicit stdout first */
	ck_assert_str_eq(r.outputs[0].name, "stdout");
	ck_assert_str_eq(r.outputs[1].name, "console");
	ck_assert_int_eq(r.outputs[1].format, RULES_FORMAT_JSON);
	ck_assert_int_eq(r.outputs[2].type, RULES_OUT_CSV);
	ck_assert(r.outputs[2].append);
	ck_assert_str_eq(r.outputs[2].path, "/tmp/a.csv");
	ck_assert_int_eq(r.outputs[3].type, RULES_OUT_SYSLOG);
	ck_assert_int_eq(r.outputs[3].facility, LOG_LOCAL0);
	ck_assert_int_eq(r.outputs[3].priority, LOG_NOTICE);
	ck_assert_str_eq(r.outputs[3].ident, "rt");
	ck_assert_str_eq(r.outputs[3].socket, "/run/x");
	ck_assert_int_eq(r.outputs[4].type, RULES_OUT_JSON);
	ck_assert(!r.outputs[4].append);
	ck_assert_uint_eq(r.outputs[4].mark.line, 7);
	ck_assert_uint_eq(r.outputs[4].mark.column, 3);
	w = &r.rules[0];
	ck_assert_uint_eq(w->mark.line, 9);
	ck_assert_uint_eq(w->mark.column, 5);
	ck_assert_int_eq(w->attach, RULES_ATTACH_TRACEPOINT);
	ck_assert_uint_eq(w->include.ncomm, 2);	/* deduplicated */
	ck_assert_str_eq(w->include.comm[0], "bash");
	ck_assert_str_eq(w->include.comm[1], "curl");
	ck_assert_uint_eq(w->include.npid, 2);
	ck_assert_uint_eq(w->include.pid[0], 1234);
	ck_assert_uint_eq(w->include.pid[1], 1);
	ck_assert_uint_eq(w->exclude.ncomm, 1);
	ck_assert_uint_eq(w->exclude.npid, 2);
	ck_assert_uint_eq(w->exclude.pid[0], 7);
	ck_assert_uint_eq(w->exclude.pid[1], 4194304);
	ck_assert_uint_eq(w->noutputs, 4);
	ck_assert_uint_eq(w->outputs[0], 1);
	ck_assert_uint_eq(w->outputs[3], 4);
	ck_assert_uint_eq(w->rate.events, 50);
	ck_assert_uint_eq(w->rate.per_ms, 500);
	ck_assert_uint_eq(w->rate.burst, 200);
	ck_assert_uint_eq(w->buffer_size, 256 * 1024);
	ck_assert_int_eq(r.rules[1].mode, RULES_MODE_STREAM);
	ck_assert_uint_eq(r.rules[1].rate.events, 0);
	ck_assert_uint_eq(r.rules[1].buffer_size, 0);
	ck_assert_uint_eq(r.rules[1].include.ncomm, 0);
	ck_assert_uint_eq(r.rules[1].include.npid, 0);
	ck_assert_uint_eq(r.summary_top, 3);
}
END_TEST

/* A comm of exactly 15 bytes fits, NUL-padded to RT_COMM_LEN. */
START_TEST(test_comm_padding)
{
	static const char zeros[RT_COMM_LEN];

	expect_ok("version: 1\n"
		  "rules:\n"
		  "  - { name: a, probe: execve,\n"
		  "      filter: { comm: [fifteen-bytes-x, sh, \"123\"] } }\n");
	ck_assert_uint_eq(r.rules[0].include.ncomm, 3);
	ck_assert_mem_eq(r.rules[0].include.comm[0], "fifteen-bytes-x", RT_COMM_LEN);
	ck_assert_mem_eq(r.rules[0].include.comm[1], "sh", 2);
	ck_assert_mem_eq(r.rules[0].include.comm[1] + 2, zeros, RT_COMM_LEN - 2);
	ck_assert_str_eq(r.rules[0].include.comm[2], "123");
}
END_TEST

START_TEST(test_syslog_defaults)
{
	expect_ok("version: 1\n"
		  "outputs: { ops: { type: syslog } }\n"
		  "rules: [ { name: a, probe: execve, outputs: [ops] } ]\n");
	ck_assert_uint_eq(r.noutputs, 2);
	ck_assert_str_eq(r.outputs[1].ident, "ruletrace");
	ck_assert_str_eq(r.outputs[1].socket, "/dev/log");
	ck_assert_int_eq(r.outputs[1].facility, LOG_USER);
	ck_assert_int_eq(r.outputs[1].priority, LOG_INFO);
	ck_assert_uint_eq(r.outputs[1].max_message, RULES_DEFAULT_MESSAGE);
	/* rsyslog's default maxMessageSize: "8k" in its documentation, 8096 bytes. */
	ck_assert_uint_eq(RULES_DEFAULT_MESSAGE, 8096);
}
END_TEST

/*
 * max_message: of a syslog output, bytes or KiB (K, KiB), 1024 to 256K, 8096
 * unless given; refused on the other outputs as any key of another type is.
 */
#define MESSAGE_RANGE "t:5:18: 'max_message' must be between 1024 and 262144 bytes (256K)\n"
#define MESSAGE_BAD(shown) "t:5:18: bad max_message '" shown "' (use bytes or KiB, 1024 to " \
	"262144: e.g. 8192, 8K, 100KiB)\n"
START_TEST(test_max_message)
{
	static const struct {
		const char *value;
		const char *error;	/* NULL: accepted */
		uint32_t want;
	} cases[] = {
		{ "1024", NULL, 1024 },
		{ "1K", NULL, 1024 },
		{ "8192", NULL, 8192 },
		{ "64K", NULL, 65536 },
		{ "64KiB", NULL, 65536 },
		{ "100000", NULL, 100000 },
		{ "256K", NULL, 262144 },
		{ "262144", NULL, 262144 },
		{ "\"8K\"", NULL, 8192 },
		{ "'2048'", NULL, 2048 },
		{ "1023", MESSAGE_RANGE, 0 },
		{ "0", MESSAGE_RANGE, 0 },
		{ "0K", MESSAGE_RANGE, 0 },
		{ "262145", MESSAGE_RANGE, 0 },
		{ "257K", MESSAGE_RANGE, 0 },
		{ "99999999999999999999999K", MESSAGE_RANGE, 0 },
		{ "8k", MESSAGE_BAD("8k"), 0 },
		{ "1M", MESSAGE_BAD("1M"), 0 },
		{ "08K", MESSAGE_BAD("08K"), 0 },
		{ "-1", MESSAGE_BAD("-1"), 0 },
		{ "8 KiB", MESSAGE_BAD("8 KiB"), 0 },
		{ "''", MESSAGE_BAD(""), 0 },
		{ "[8K]", MESSAGE_BAD("?"), 0 },
	};
	char yaml[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(yaml, sizeof(yaml), "version: 1\noutputs:\n  ops:\n    type: syslog\n"
			 "    max_message: %s\n"
			 "rules: [{ name: a, probe: execve, outputs: [ops] }]\n", cases[i].value);
		if (cases[i].error) {
			expect_error(yaml, cases[i].error);
			continue;
		}
		expect_ok(yaml);
		ck_assert_msg(r.outputs[1].max_message == cases[i].want, "%s: %u", cases[i].value,
			      r.outputs[1].max_message);
	}
	/* Each output has its own; errors accumulate with the others' at their places. */
	expect_ok("version: 1\noutputs:\n"
		  "  a: { type: syslog, max_message: 64K }\n"
		  "  b: { type: syslog }\n"
		  "rules: [{ name: a, probe: execve, outputs: [a, b] }]\n");
	ck_assert_uint_eq(r.outputs[1].max_message, 65536);
	ck_assert_uint_eq(r.outputs[2].max_message, 8096);
	expect_error("version: 1\noutputs:\n"
		     "  a: { type: syslog, max_message: 8k, facility: x }\n"
		     "  f: { type: csv, path: /tmp/f.csv, max_message: 8K }\n"
		     "  s: { type: stdout, max_message: 8K }\n"
		     "rules: [{ name: a, probe: execve, outputs: [a, f, s], max_argv_bytes: 0 }]\n",
		     "t:3:49: unknown facility 'x' (expected kern, user, mail, daemon, auth, "
		     "syslog, lpr, news, uucp, cron, authpriv, ftp or local0 to local7)\n"
		     "t:3:35: bad max_message '8k' (use bytes or KiB, 1024 to 262144: e.g. 8192, "
		     "8K, 100KiB)\n"
		     "t:4:37: unknown key 'max_message' in output 'f' of type csv (expected one of: "
		     "type, path, append)\n"
		     "t:5:22: unknown key 'max_message' in output 's' of type stdout (expected one "
		     "of: type, format, cgroup)\n"
		     "t:6:71: 'max_argv_bytes' must be between 256 and 131072 bytes (128K)\n");
}
END_TEST

/*
 * A prometheus output: path required; interval 100ms to 1h (default 15s),
 * max_series 1 to 1000000 (default 1000); the keys of other types refused.
 */
START_TEST(test_prometheus_keys)
{
	static const struct {
		const char *keys;
		const char *error;	/* NULL: accepted */
		uint64_t interval_ms;
		uint32_t max_series;
	} cases[] = {
		{ "", NULL, 15000, 1000 },
		{ ", interval: 100ms", NULL, 100, 1000 },
		{ ", interval: 1h", NULL, 3600000, 1000 },
		{ ", interval: '30s', max_series: 1", NULL, 30000, 1 },
		{ ", max_series: 1000000", NULL, 15000, 1000000 },
		{ ", interval: 99ms", "t:3:55: 'interval' must be between 100ms and 1h\n", 0, 0 },
		{ ", interval: 61m", "t:3:55: 'interval' must be between 100ms and 1h\n", 0, 0 },
		{ ", interval: 0", "t:3:55: bad interval '0' (use e.g. 500ms, 30s, 2m, 1h)\n",
		  0, 0 },
		{ ", max_series: 0", "t:3:57: 'max_series' must be between 1 and 1000000\n", 0, 0 },
		{ ", max_series: 1000001", "t:3:57: 'max_series' must be between 1 and "
		  "1000000\n", 0, 0 },
		{ ", max_series: many", "t:3:57: 'max_series' must be an integer\n", 0, 0 },
		{ ", append: true", "t:3:45: unknown key 'append' in output 'p' of type prometheus "
		  "(expected one of: type, path, interval, max_series)\n", 0, 0 },
	};
	char yaml[512];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(yaml, sizeof(yaml), "version: 1\noutputs:\n"
			 "  p: { type: prometheus, path: /tmp/r.prom%s }\n"
			 "rules: [{ name: a, probe: sys_enter, outputs: [p] }]\n", cases[i].keys);
		if (cases[i].error) {
			expect_error(yaml, cases[i].error);
			continue;
		}
		expect_ok(yaml);
		ck_assert_int_eq(r.outputs[1].type, RULES_OUT_PROMETHEUS);
		ck_assert_str_eq(r.outputs[1].path, "/tmp/r.prom");
		ck_assert_msg(r.outputs[1].interval_ms == cases[i].interval_ms, "%s",
			      cases[i].keys);
		ck_assert_msg(r.outputs[1].max_series == cases[i].max_series, "%s", cases[i].keys);
	}
	expect_error("version: 1\noutputs:\n  p: { type: prometheus }\n"
		     "rules: [{ name: a, probe: sys_enter, outputs: [p] }]\n",
		     "t:3:6: output 'p' is missing 'path'\n");
	ck_assert_str_eq(rules_output_type_name(RULES_OUT_PROMETHEUS), "prometheus");
}
END_TEST

/* A file's own 'stdout' replaces the implicit one; lookups go by name. */
START_TEST(test_own_stdout)
{
	expect_ok("version: 1\n"
		  "outputs:\n"
		  "  feed: { type: json, path: /tmp/f }\n"
		  "  stdout: { type: stdout, format: json }\n"
		  "rules:\n"
		  "  - { name: a, probe: execve }\n"
		  "  - { name: b, probe: execve, outputs: [feed, stdout] }\n");
	ck_assert_uint_eq(r.noutputs, 2);
	ck_assert_str_eq(r.outputs[r.rules[0].outputs[0]].name, "stdout");
	ck_assert_int_eq(r.outputs[r.rules[0].outputs[0]].format, RULES_FORMAT_JSON);
	ck_assert_uint_eq(r.rules[1].noutputs, 2);
	ck_assert_str_eq(r.outputs[r.rules[1].outputs[0]].name, "feed");
	ck_assert_uint_eq(r.rules[1].outputs[1], r.rules[0].outputs[0]);
}
END_TEST

/* The keys beyond the basic schema: uid, syscalls, follow, group_by, interval, max_events. */
START_TEST(test_extended_schema)
{
	unsigned long openat, read_nr;

	ck_assert_int_eq(syscalls_number("openat", &openat), 0);
	ck_assert_int_eq(syscalls_number("read", &read_nr), 0);
	expect_ok("version: 1\n"
		  "interval: 5s\n"
		  "max_events: 100\n"
		  "rules:\n"
		  "  - name: c\n"
		  "    probe: sys_enter\n"
		  "    group_by: [pid, syscall]\n"
		  "    filter:\n"
		  "      uid: [0, 1000, 0]\n"
		  "      syscalls: [openat, read, openat]\n"
		  "      exclude_uid: [65534]\n"
		  "      exclude_syscalls: []\n"
		  "      pid: [42]\n"
		  "      follow: true\n");
	ck_assert_uint_eq(r.interval_ms, 5000);
	ck_assert_uint_eq(r.max_events, 100);
	ck_assert_uint_eq(r.rules[0].group_by, RULES_GROUP_PID | RULES_GROUP_SYSCALL);
	ck_assert_uint_eq(r.rules[0].include.nuid, 2);
	ck_assert_uint_eq(r.rules[0].include.uid[1], 1000);
	ck_assert_uint_eq(r.rules[0].include.nsys, 2);
	ck_assert_uint_eq(r.rules[0].include.sys[0], openat);
	ck_assert_uint_eq(r.rules[0].include.sys[1], read_nr);
	ck_assert_uint_eq(r.rules[0].exclude.nuid, 1);
	ck_assert_uint_eq(r.rules[0].exclude.nsys, 0);
	ck_assert(r.rules[0].follow);
}
END_TEST

/* max_counters sizes the kernel's count map: RT_COUNT_ENTRIES unless given, 1024 to 2^20. */
START_TEST(test_max_counters)
{
	static const struct {
		const char *value;
		const char *error;	/* NULL: accepted */
		uint32_t want;
	} cases[] = {
		{ NULL, NULL, RT_COUNT_ENTRIES },
		{ "1024", NULL, 1024 },
		{ "65536", NULL, 65536 },
		{ "1048576", NULL, 1048576 },
		{ "1023", "t:2:15: 'max_counters' must be between 1024 and 1048576\n", 0 },
		{ "0", "t:2:15: 'max_counters' must be between 1024 and 1048576\n", 0 },
		{ "1048577", "t:2:15: 'max_counters' must be between 1024 and 1048576\n", 0 },
		{ "99999999999999999999999", "t:2:15: 'max_counters' must be between 1024 and "
		  "1048576\n", 0 },
		{ "lots", "t:2:15: 'max_counters' must be an integer\n", 0 },
		{ "\"65536\"", "t:2:15: 'max_counters' must be an integer\n", 0 },
		{ "-1", "t:2:15: 'max_counters' must be an integer\n", 0 },
		{ "64k", "t:2:15: 'max_counters' must be an integer\n", 0 },
		{ "[65536]", "t:2:15: 'max_counters' must be an integer\n", 0 },
	};
	char yaml[256];
	size_t i;

	ck_assert_uint_eq(RT_COUNT_ENTRIES, 16384);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (cases[i].value)
			snprintf(yaml, sizeof(yaml), "version: 1\nmax_counters: %s\n"
				 "rules: [{ name: c, probe: sys_enter }]\n", cases[i].value);
		else
			snprintf(yaml, sizeof(yaml), "version: 1\n"
				 "rules: [{ name: c, probe: sys_enter }]\n");
		if (cases[i].error) {
			expect_error(yaml, cases[i].error);
			continue;
		}
		expect_ok(yaml);
		ck_assert_uint_eq(r.max_counters, cases[i].want);
	}
	/* Shipped rule files give none: the default. */
	rules_free(&r);
	ck_assert_int_eq(rules_load_file(rules_path("default.yaml"), &r, err, sizeof(err)), 0);
	ck_assert_uint_eq(r.max_counters, RT_COUNT_ENTRIES);
}
END_TEST

/* filter: result: which execs an execve rule reports; success unless asked. */
START_TEST(test_result)
{
	static const struct {
		const char *value;
		const char *error;	/* NULL: accepted */
		enum rules_result want;
	} cases[] = {
		{ NULL, NULL, RULES_RESULT_SUCCESS },
		{ "success", NULL, RULES_RESULT_SUCCESS },
		{ "failure", NULL, RULES_RESULT_FAILURE },
		{ "any", NULL, RULES_RESULT_ANY },
		{ "\"any\"", NULL, RULES_RESULT_ANY },
		{ "failed", "t:4:23: unknown result 'failed' (expected success, failure or "
		  "any)\n", 0 },
		{ "Success", "t:4:23: unknown result 'Success' (expected success, failure or "
		  "any)\n", 0 },
		{ "all", "t:4:23: unknown result 'all' (expected success, failure or any)\n", 0 },
		{ "''", "t:4:23: 'result' must not be empty\n", 0 },
		{ "[any]", "t:4:23: 'result' must be a string\n", 0 },
		{ "{ ok: 1 }", "t:4:23: 'result' must be a string\n", 0 },
	};
	char yaml[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (cases[i].value)
			snprintf(yaml, sizeof(yaml), "version: 1\nrules:\n  - name: x\n"
				 "    filter: { result: %s }\n    probe: execve\n", cases[i].value);
		else
			snprintf(yaml, sizeof(yaml), "version: 1\nrules:\n  - name: x\n"
				 "    filter: { comm: [sh] }\n    probe: execve\n");
		if (cases[i].error) {
			expect_error(yaml, cases[i].error);
			continue;
		}
		expect_ok(yaml);
		ck_assert_msg(r.rules[0].result == cases[i].want, "%s: result %d",
			      cases[i].value ? cases[i].value : "(none)", r.rules[0].result);
	}
	/* A sys_enter rule has none to give, whatever the value, and says why. */
	expect_error("version: 1\nrules:\n  - { name: s, probe: sys_enter, filter: { result: "
		     "success } }\n", "t:3:52: 'result' applies only to probe execve: a sys_enter "
		     "rule sees a syscall before it has a result\n");
	expect_error("version: 1\nrules:\n  - { name: s, probe: sys_enter, filter: { result: "
		     "bogus } }\n", "t:3:52: 'result' applies only to probe execve: a sys_enter "
		     "rule sees a syscall before it has a result\n");
	expect_ok("version: 1\nrules: [{ name: s, probe: sys_enter }]\n");
	ck_assert_int_eq(r.rules[0].result, RULES_RESULT_SUCCESS);
	/* Rules each have their own. */
	expect_ok("version: 1\nrules:\n"
		  "  - { name: a, probe: execve, filter: { result: failure } }\n"
		  "  - { name: b, probe: execve }\n"
		  "  - { name: c, probe: execve, filter: { result: any } }\n");
	ck_assert_int_eq(r.rules[0].result, RULES_RESULT_FAILURE);
	ck_assert_int_eq(r.rules[1].result, RULES_RESULT_SUCCESS);
	ck_assert_int_eq(r.rules[2].result, RULES_RESULT_ANY);
}
END_TEST

/* max_argv_bytes: bytes or KiB (K, KiB), 256 to 128K; RT_ARGS_DEFAULT unless given. */
#define ARGV_RANGE "t:5:21: 'max_argv_bytes' must be between 256 and 131072 bytes (128K)\n"
#define ARGV_BAD(shown) "t:5:21: bad max_argv_bytes '" shown "' (use bytes or KiB, 256 to " \
	"131072: e.g. 8192, 8K, 100KiB)\n"
START_TEST(test_max_argv_bytes)
{
	static const struct {
		const char *value;
		const char *error;	/* NULL: accepted */
		uint32_t want;
	} cases[] = {
		{ NULL, NULL, RT_ARGS_DEFAULT },
		{ "256", NULL, 256 },
		{ "8192", NULL, 8192 },
		{ "8K", NULL, 8192 },
		{ "100KiB", NULL, 102400 },
		{ "128K", NULL, 131072 },
		{ "128KiB", NULL, 131072 },
		{ "131072", NULL, 131072 },
		{ "1K", NULL, 1024 },
		{ "\"8K\"", NULL, 8192 },
		{ "'4096'", NULL, 4096 },
		{ "255", ARGV_RANGE, 0 },
		{ "0", ARGV_RANGE, 0 },
		{ "0K", ARGV_RANGE, 0 },
		{ "131073", ARGV_RANGE, 0 },
		{ "129K", ARGV_RANGE, 0 },
		{ "99999999999999999999999", ARGV_RANGE, 0 },
		{ "99999999999999999999999K", ARGV_RANGE, 0 },
		{ "8k", ARGV_BAD("8k"), 0 },
		{ "8M", ARGV_BAD("8M"), 0 },
		{ "8KB", ARGV_BAD("8KB"), 0 },
		{ "8 K", ARGV_BAD("8 K"), 0 },
		{ "K", ARGV_BAD("K"), 0 },
		{ "08K", ARGV_BAD("08K"), 0 },
		{ "010", ARGV_BAD("010"), 0 },
		{ "-1", ARGV_BAD("-1"), 0 },
		{ "+8K", ARGV_BAD("+8K"), 0 },
		{ "1.5K", ARGV_BAD("1.5K"), 0 },
		{ "0x2000", ARGV_BAD("0x2000"), 0 },
		{ "true", ARGV_BAD("true"), 0 },
		{ "''", ARGV_BAD(""), 0 },
		{ "\"8K\\0\"", ARGV_BAD("8K"), 0 },	/* a NUL inside: shown up to it */
		{ "[8K]", ARGV_BAD("?"), 0 },
	};
	char yaml[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (cases[i].value)
			snprintf(yaml, sizeof(yaml), "version: 1\nrules:\n  - name: x\n"
				 "    probe: execve\n    max_argv_bytes: %s\n", cases[i].value);
		else
			snprintf(yaml, sizeof(yaml), "version: 1\nrules:\n  - name: x\n"
				 "    probe: execve\n");
		if (cases[i].error) {
			expect_error(yaml, cases[i].error);
			continue;
		}
		expect_ok(yaml);
		ck_assert_msg(r.rules[0].max_argv_bytes == cases[i].want, "%s: %u",
			      cases[i].value ? cases[i].value : "(none)", r.rules[0].max_argv_bytes);
	}
	/* sys_enter events have no argv: refused, whatever the value; the default kept. */
	expect_error("version: 1\nrules:\n  - { name: s, probe: sys_enter, max_argv_bytes: 8K }\n",
		     "t:3:50: 'max_argv_bytes' applies only to probe execve: sys_enter events carry "
		     "no arguments\n");
	expect_error("version: 1\nrules:\n  - { name: s, probe: sys_enter, max_argv_bytes: 1 }\n",
		     "t:3:50: 'max_argv_bytes' applies only to probe execve: sys_enter events carry "
		     "no arguments\n");
	expect_ok("version: 1\nrules: [{ name: s, probe: sys_enter }]\n");
	ck_assert_uint_eq(r.rules[0].max_argv_bytes, RT_ARGS_DEFAULT);
	/* Rules each have their own. */
	expect_ok("version: 1\nrules:\n"
		  "  - { name: a, probe: execve, max_argv_bytes: 300 }\n"
		  "  - { name: b, probe: execve }\n"
		  "  - { name: c, probe: execve, max_argv_bytes: 64KiB }\n");
	ck_assert_uint_eq(r.rules[0].max_argv_bytes, 300);
	ck_assert_uint_eq(r.rules[1].max_argv_bytes, RT_ARGS_DEFAULT);
	ck_assert_uint_eq(r.rules[2].max_argv_bytes, 65536);
}
END_TEST

/*
 * rate_limit: of a stream rule, events (1 to 10^9) per a duration (1ms to 24h),
 * burst as events unless given; each defect at its value, or at the mapping for
 * a key it lacks.
 */
#define RATE_AT(col, msg) "t:5:" #col ": " msg "\n"
START_TEST(test_rate_limit)
{
	static const struct {
		const char *value;
		const char *error;	/* NULL: accepted */
		struct rules_rate want;
	} cases[] = {
		{ NULL, NULL, { 0, 0, 0 } },
		{ "{ events: 1000, per: 1s }", NULL, { 1000, 1000, 1000 } },
		{ "{ events: 1000, per: 1s, burst: 2000 }", NULL, { 1000, 1000, 2000 } },
		{ "{ events: 10, per: 1m, burst: 1 }", NULL, { 10, 60000, 1 } },
		{ "{ events: 1, per: 1ms }", NULL, { 1, 1, 1 } },
		{ "{ events: 1000000000, per: 24h, burst: 1000000000 }", NULL,
		  { 1000000000, 86400000, 1000000000 } },
		{ "{ events: 5, per: '500ms' }", NULL, { 5, 500, 5 } },
		{ "{ events: 5, per: 2 }", NULL, { 5, 2000, 5 } },
		{ "{ burst: 9, per: 1s, events: 3 }", NULL, { 3, 1000, 9 } },
		{ "{ per: 1s }", RATE_AT(17, "rate_limit is missing 'events'"), { 0 } },
		{ "{ events: 5 }", RATE_AT(17, "rate_limit is missing 'per'"), { 0 } },
		{ "{}", RATE_AT(17, "rate_limit is missing 'events'")
			RATE_AT(17, "rate_limit is missing 'per'"), { 0 } },
		{ "{ events: 0, per: 1s }",
		  RATE_AT(27, "'events' must be between 1 and 1000000000"), { 0 } },
		{ "{ events: 1000000001, per: 1s }",
		  RATE_AT(27, "'events' must be between 1 and 1000000000"), { 0 } },
		{ "{ events: '5', per: 1s }", RATE_AT(27, "'events' must be an integer"), { 0 } },
		{ "{ events: 1K, per: 1s }", RATE_AT(27, "'events' must be an integer"), { 0 } },
		{ "{ events: 5, per: 0s }",
		  RATE_AT(35, "bad per '0s' (use e.g. 500ms, 30s, 2m, 1h)"), { 0 } },
		{ "{ events: 5, per: 1d }",
		  RATE_AT(35, "bad per '1d' (use e.g. 500ms, 30s, 2m, 1h)"), { 0 } },
		{ "{ events: 5, per: [1s] }",
		  RATE_AT(35, "bad per '?' (use e.g. 500ms, 30s, 2m, 1h)"), { 0 } },
		{ "{ events: 5, per: 25h }", RATE_AT(35, "'per' must be at most 24h"), { 0 } },
		{ "{ events: 5, per: 86401s }", RATE_AT(35, "'per' must be at most 24h"), { 0 } },
		{ "{ events: 5, per: 1s, burst: 0 }",
		  RATE_AT(46, "'burst' must be between 1 and 1000000000"), { 0 } },
		{ "{ events: 5, per: 1s, burst: 1000000001 }",
		  RATE_AT(46, "'burst' must be between 1 and 1000000000"), { 0 } },
		{ "{ events: 5, per: 1s, rate: 3 }",
		  RATE_AT(39, "unknown key 'rate' in rate_limit (expected one of: events, per, "
			  "burst)"), { 0 } },
		{ "5", RATE_AT(17, "'rate_limit' must be a mapping"), { 0 } },
		{ "[5, 1s]", RATE_AT(17, "'rate_limit' must be a mapping"), { 0 } },
	};
	char yaml[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(yaml, sizeof(yaml), "version: 1\nrules:\n  - name: x\n    probe: execve\n"
			 "%s%s\n", cases[i].value ? "    rate_limit: " : "",
			 cases[i].value ? cases[i].value : "");
		if (cases[i].error) {
			expect_error(yaml, cases[i].error);
			continue;
		}
		expect_ok(yaml);
		ck_assert_msg(r.rules[0].rate.events == cases[i].want.events &&
			      r.rules[0].rate.per_ms == cases[i].want.per_ms &&
			      r.rules[0].rate.burst == cases[i].want.burst,
			      "%s: %llu per %llu ms, burst %llu", cases[i].value ? cases[i].value :
			      "(none)", (unsigned long long)r.rules[0].rate.events,
			      (unsigned long long)r.rules[0].rate.per_ms,
			      (unsigned long long)r.rules[0].rate.burst);
	}
	/* A sys_enter rule in stream mode has events to limit; one that counts has none. */
	expect_ok("version: 1\nrules:\n"
		  "  - { name: s, probe: sys_enter, mode: stream,\n"
		  "      rate_limit: { events: 2, per: 1s } }\n");
	ck_assert_uint_eq(r.rules[0].rate.events, 2);
	expect_error("version: 1\nrules:\n"
		     "  - { name: s, probe: sys_enter, rate_limit: { events: 2, per: 1s } }\n",
		     "t:3:46: 'rate_limit' applies only to stream rules: a count rule has no "
		     "events to limit\n");
	expect_error("version: 1\nrules:\n"
		     "  - { name: s, probe: sys_enter, mode: count, rate_limit: 7 }\n",
		     "t:3:59: 'rate_limit' applies only to stream rules: a count rule has no "
		     "events to limit\n");
	/* Each rule its own; errors accumulate with the others'. */
	expect_ok("version: 1\nrules:\n"
		  "  - { name: a, probe: execve, rate_limit: { events: 100, per: 10s } }\n"
		  "  - { name: b, probe: execve }\n");
	ck_assert_uint_eq(r.rules[0].rate.per_ms, 10000);
	ck_assert_uint_eq(r.rules[1].rate.events, 0);
	expect_error("version: 1\nrules:\n"
		     "  - name: a\n"
		     "    probe: execve\n"
		     "    rate_limit: { events: -1, per: 1s, burst: 2 }\n"
		     "    max_argv_bytes: 1\n",
		     "t:6:21: 'max_argv_bytes' must be between 256 and 131072 bytes (128K)\n"
		     "t:5:27: 'events' must be an integer\n");
}
END_TEST

/*
 * expect: a mapping of measures, events for a stream rule, counted for a count
 * rule; each N (exactly N) or a mapping of min and/or max. Every defect at its
 * place: the measure's key for the wrong mode, the value for a bad number, the
 * min for min > max, the mapping for an empty one.
 */
#define EXPECT_AT(col, msg) "t:5:" #col ": " msg "\n"
/* program, exclude_program: execve rules reporting successful execs only. */
START_TEST(test_program)
{
	expect_ok("version: 1\nrules:\n  - name: x\n    probe: execve\n"
		  "    filter: { program: [curl, wget, curl], exclude_program: [sh] }\n");
	ck_assert_uint_eq(r.rules[0].include.nprogram, 2);
	ck_assert_str_eq(r.rules[0].include.program[0], "curl");
	ck_assert_str_eq(r.rules[0].include.program[1], "wget");
	ck_assert_uint_eq(r.rules[0].exclude.nprogram, 1);
	ck_assert_str_eq(r.rules[0].exclude.program[0], "sh");
	ck_assert_uint_eq(r.rules[0].include.ncomm, 0);
	/* 15 bytes is a whole name; a 16th is one the kernel never gives. */
	expect_ok("version: 1\nrules:\n  - name: x\n    probe: execve\n"
		  "    filter: { program: [fifteen-bytes-x] }\n");
	expect_error("version: 1\nrules:\n  - name: x\n    probe: execve\n"
		     "    filter: { exclude_program: [sixteen-bytes-xx] }\n",
		     "t:5:33: program 'sixteen-bytes-xx' is longer than 15 bytes\n");
	expect_error("version: 1\nrules:\n  - name: x\n    probe: sys_enter\n"
		     "    filter: { program: [curl] }\n",
		     "t:5:24: 'program' applies only to probe execve: the program a "
		     "successful exec runs\n");
	expect_error("version: 1\nrules:\n  - name: x\n    probe: execve\n"
		     "    filter: { result: any, exclude_program: [sh] }\n",
		     "t:5:45: 'exclude_program' needs result: success (the default): a "
		     "failed exec runs no program\n");
	expect_error("version: 1\nrules:\n  - name: x\n    probe: execve\n"
		     "    filter: { program: curl }\n",
		     "t:5:24: 'program' must be a sequence\n");
}
END_TEST

START_TEST(test_expect)
{
	static const struct {
		const char *probe;	/* "execve": stream; "sys_enter": count */
		const char *value;
		const char *error;	/* NULL: accepted */
		int measure;
		uint64_t min, max;
	} cases[] = {
		{ "execve", "{ events: 0 }", NULL, RULES_MEASURE_EVENTS, 0, 0 },
		{ "execve", "{ events: 3 }", NULL, RULES_MEASURE_EVENTS, 3, 3 },
		{ "execve", "{ events: { max: 100 } }", NULL, RULES_MEASURE_EVENTS, 0, 100 },
		{ "execve", "{ events: { min: 1 } }", NULL, RULES_MEASURE_EVENTS, 1, UINT64_MAX },
		{ "execve", "{ events: { min: 2, max: 2 } }", NULL, RULES_MEASURE_EVENTS, 2, 2 },
		{ "execve", "{ events: { max: 9, min: 0 } }", NULL, RULES_MEASURE_EVENTS, 0, 9 },
		{ "execve", "{ events: 18446744073709551615 }", NULL, RULES_MEASURE_EVENTS,
		  UINT64_MAX, UINT64_MAX },
		{ "sys_enter", "{ counted: 500 }", NULL, RULES_MEASURE_COUNTED, 500, 500 },
		{ "sys_enter", "{ counted: { min: 1 } }", NULL, RULES_MEASURE_COUNTED, 1,
		  UINT64_MAX },
		{ "sys_enter", "{ counted: { min: 10, max: 20 } }", NULL, RULES_MEASURE_COUNTED,
		  10, 20 },
		/* A measure the rule's mode does not have. */
		{ "execve", "{ counted: 1 }", EXPECT_AT(15, "'counted' applies only to count "
		  "rules: a stream rule's figure is 'events'"), 0, 0, 0 },
		{ "sys_enter", "{ events: 0 }", EXPECT_AT(15, "'events' applies only to stream "
		  "rules: a count rule's figure is 'counted'"), 0, 0, 0 },
		/* Unknown, duplicate, none. */
		{ "execve", "{ evnts: 0 }", EXPECT_AT(15, "unknown key 'evnts' in expect "
		  "(expected one of: events, counted)"), 0, 0, 0 },
		{ "execve", "{ events: 0, events: 1 }", EXPECT_AT(26, "duplicate key 'events'"),
		  0, 0, 0 },
		{ "execve", "{}", EXPECT_AT(13, "'expect' is empty: give events (stream rules) "
		  "or counted (count rules)"), 0, 0, 0 },
		{ "execve", "0", EXPECT_AT(13, "'expect' must be a mapping"), 0, 0, 0 },
		{ "execve", "[events]", EXPECT_AT(13, "'expect' must be a mapping"), 0, 0, 0 },
		/* Negative, not an integer, too large. */
		{ "execve", "{ events: -1 }", EXPECT_AT(23, "'events' must be a whole number, 0 "
		  "or more, or a mapping of min and max"), 0, 0, 0 },
		{ "execve", "{ events: 1.5 }", EXPECT_AT(23, "'events' must be a whole number, 0 "
		  "or more, or a mapping of min and max"), 0, 0, 0 },
		{ "execve", "{ events: '3' }", EXPECT_AT(23, "'events' must be a whole number, 0 "
		  "or more, or a mapping of min and max"), 0, 0, 0 },
		{ "execve", "{ events: 01 }", EXPECT_AT(23, "'events' must be a whole number, 0 "
		  "or more, or a mapping of min and max"), 0, 0, 0 },
		{ "execve", "{ events: [0] }", EXPECT_AT(23, "'events' must be a whole number, 0 "
		  "or more, or a mapping of min and max"), 0, 0, 0 },
		{ "execve", "{ events: 18446744073709551616 }", EXPECT_AT(23, "'events' must be "
		  "at most 18446744073709551615"), 0, 0, 0 },
		{ "sys_enter", "{ counted: { min: -1 } }", EXPECT_AT(31, "'min' must be a whole "
		  "number, 0 or more"), 0, 0, 0 },
		{ "sys_enter", "{ counted: { max: x } }", EXPECT_AT(31, "'max' must be a whole "
		  "number, 0 or more"), 0, 0, 0 },
		/* min above max, at min; an empty range, at it; unknown and twice. */
		{ "execve", "{ events: { min: 5, max: 3 } }", EXPECT_AT(30, "'min' 5 is more "
		  "than 'max' 3"), 0, 0, 0 },
		{ "execve", "{ events: {} }", EXPECT_AT(23, "'events' is empty: give min, max or "
		  "both"), 0, 0, 0 },
		{ "execve", "{ events: { least: 1 } }", EXPECT_AT(25, "unknown key 'least' in "
		  "expect events (expected one of: min, max)"), 0, 0, 0 },
		{ "execve", "{ events: { min: 1, min: 2 } }", EXPECT_AT(33, "duplicate key "
		  "'min'"), 0, 0, 0 },
	};
	char yaml[256];
	size_t i;
	int m;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(yaml, sizeof(yaml), "version: 1\nrules:\n  - name: x\n    probe: %s\n"
			 "    expect: %s\n", cases[i].probe, cases[i].value);
		if (cases[i].error) {
			expect_error(yaml, cases[i].error);
			continue;
		}
		expect_ok(yaml);
		for (m = 0; m < RULES_MEASURES; m++) {
			const struct rules_expect *e = &r.rules[0].expect[m];

			ck_assert_msg(e->set == (m == cases[i].measure), "%s: measure %d",
				      cases[i].value, m);
		}
		m = cases[i].measure;
		ck_assert_msg(r.rules[0].expect[m].min == cases[i].min &&
			      r.rules[0].expect[m].max == cases[i].max, "%s: %llu to %llu",
			      cases[i].value, (unsigned long long)r.rules[0].expect[m].min,
			      (unsigned long long)r.rules[0].expect[m].max);
		/* The measure's key: where a summary line would point. */
		ck_assert_uint_eq(r.rules[0].expect[m].mark.line, 5);
		ck_assert_uint_eq(r.rules[0].expect[m].mark.column, 15);
	}
	/* None by default; a sys_enter rule streams events with mode stream. */
	expect_ok("version: 1\nrules:\n  - { name: a, probe: execve }\n"
		  "  - { name: s, expect: { events: { max: 7 } }, probe: sys_enter,\n"
		  "      mode: stream }\n");
	ck_assert(!r.rules[0].expect[RULES_MEASURE_EVENTS].set);
	ck_assert(!r.rules[0].expect[RULES_MEASURE_COUNTED].set);
	ck_assert(r.rules[1].expect[RULES_MEASURE_EVENTS].set);
	ck_assert_uint_eq(r.rules[1].expect[RULES_MEASURE_EVENTS].max, 7);
	/* Block style: the marks of each line. */
	expect_error("version: 1\nrules:\n"
		     "  - name: a\n"
		     "    probe: sys_enter\n"
		     "    expect:\n"
		     "      counted:\n"
		     "        min: 3\n"
		     "        max: 2\n"
		     "  - name: b\n"
		     "    probe: execve\n"
		     "    expect:\n"
		     "      events: 1\n"
		     "      counted: 0\n",
		     "t:7:14: 'min' 3 is more than 'max' 2\n"
		     "t:13:7: 'counted' applies only to count rules: a stream rule's figure is "
		     "'events'\n");
	/* Errors accumulate with the others'. */
	expect_error("version: 1\nrules:\n"
		     "  - { name: a, probe: execve, expect: { events: x }, buffer_size: 3 }\n",
		     "t:3:67: 'buffer_size' must be between 4096 and 1073741824 bytes (1024M)\n"
		     "t:3:49: 'events' must be a whole number, 0 or more, or a mapping of min "
		     "and max\n");
	ck_assert_str_eq(rules_measure_name(RULES_MEASURE_EVENTS), "events");
	ck_assert_str_eq(rules_measure_name(RULES_MEASURE_COUNTED), "counted");
	ck_assert_str_eq(rules_measure_name(RULES_MEASURES), "?");
}
END_TEST

/* The kernel's refill interval: per/events, rounded up to a whole nanosecond. */
START_TEST(test_rate_interval)
{
	struct rules_rate rate = { 0 };

	ck_assert_uint_eq(rules_rate_interval_ns(&rate), 0);
	rate = (struct rules_rate){ .events = 1000, .per_ms = 1000, .burst = 1000 };
	ck_assert_uint_eq(rules_rate_interval_ns(&rate), 1000000);
	rate.events = 3;
	ck_assert_uint_eq(rules_rate_interval_ns(&rate), 333333334);
	rate.events = 1000000000;
	rate.per_ms = 1;
	ck_assert_uint_eq(rules_rate_interval_ns(&rate), 1);	/* never below 1 ns */
	rate.events = 1;
	rate.per_ms = RULES_MAX_RATE_PER_MS;
	ck_assert_uint_eq(rules_rate_interval_ns(&rate), 86400000000000ULL);
}
END_TEST

/*
 * buffer_size: of a stream rule, a power of two from 4K to 1024M in bytes, KiB or
 * MiB, at least 16K for an execve rule; 0 (the run's) unless given.
 */
#define BUFFER_AT(msg) "t:5:18: " msg "\n"
#define BUFFER_RANGE BUFFER_AT("'buffer_size' must be between 4096 and 1073741824 bytes " \
	"(1024M)")
#define BUFFER_BAD(shown) BUFFER_AT("bad buffer_size '" shown "' (use bytes, KiB or MiB, " \
	"4096 to 1073741824: e.g. 65536, 256K, 1M)")
#define BUFFER_POWER BUFFER_AT("'buffer_size' must be a power of two: 4K, 8K, 16K, ... 1024M")
#define BUFFER_EXEC BUFFER_AT("an execve rule's buffer must hold two exec events with " \
	"the longest filename and its max_argv_bytes (8192): give it a buffer_size of at " \
	"least 32768 (32K)")
START_TEST(test_buffer_size)
{
	static const struct {
		const char *probe;
		const char *value;
		const char *error;	/* NULL: accepted */
		uint32_t want;
	} cases[] = {
		{ "execve", NULL, NULL, 0 },
		{ "execve", "32K", NULL, 32768 },
		{ "execve", "32768", NULL, 32768 },
		{ "execve", "64KiB", NULL, 65536 },
		{ "execve", "1M", NULL, 1 << 20 },
		{ "execve", "2MiB", NULL, 2 << 20 },
		{ "execve", "'8M'", NULL, 8 << 20 },
		{ "execve", "1024M", NULL, 1u << 30 },
		{ "execve", "1048576K", NULL, 1u << 30 },
		{ "execve", "1073741824", NULL, 1u << 30 },
		{ "sys_enter\n    mode: stream", NULL, NULL, 0 },
		{ "sys_enter\n    mode: stream", "4K", NULL, 4096 },
		{ "sys_enter\n    mode: stream", "4096", NULL, 4096 },
		{ "execve", "16K", BUFFER_EXEC, 0 },
		{ "execve", "8K", BUFFER_EXEC, 0 },
		{ "execve", "4K", BUFFER_EXEC, 0 },
		{ "execve", "12K", BUFFER_POWER, 0 },
		{ "execve", "3K", BUFFER_RANGE, 0 },
		{ "execve", "24K", BUFFER_POWER, 0 },
		{ "execve", "1000000", BUFFER_POWER, 0 },
		{ "execve", "1023M", BUFFER_POWER, 0 },
		{ "execve", "2048", BUFFER_RANGE, 0 },
		{ "execve", "0", BUFFER_RANGE, 0 },
		{ "execve", "0M", BUFFER_RANGE, 0 },
		{ "execve", "2048M", BUFFER_RANGE, 0 },
		{ "execve", "1073741825", BUFFER_RANGE, 0 },
		{ "execve", "99999999999999999999999M", BUFFER_RANGE, 0 },
		{ "execve", "1G", BUFFER_BAD("1G"), 0 },
		{ "execve", "1m", BUFFER_BAD("1m"), 0 },
		{ "execve", "1MB", BUFFER_BAD("1MB"), 0 },
		{ "execve", "01M", BUFFER_BAD("01M"), 0 },
		{ "execve", "-1M", BUFFER_BAD("-1M"), 0 },
		{ "execve", "[1M]", BUFFER_BAD("?"), 0 },
	};
	char yaml[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(yaml, sizeof(yaml), "version: 1\nrules:\n  - name: x\n    probe: %s\n"
			 "%s%s\n", cases[i].probe, cases[i].value ? "    buffer_size: " : "",
			 cases[i].value ? cases[i].value : "");
		if (cases[i].error) {
			expect_error(yaml, cases[i].error);
			continue;
		}
		expect_ok(yaml);
		ck_assert_msg(r.rules[0].buffer_size == cases[i].want, "%s: %u",
			      cases[i].value ? cases[i].value : "(none)", r.rules[0].buffer_size);
	}
	/* An execve rule showing 3992 bytes of arguments fits in 16K; one showing 3993 not. */
	expect_ok("version: 1\nrules:\n  - { name: e, probe: execve, max_argv_bytes: 3992, "
		  "buffer_size: 16K }\n");
	expect_error("version: 1\nrules:\n  - { name: e, probe: execve, max_argv_bytes: 3993, "
		     "buffer_size: 16K }\n", "t:3:66: an execve rule's buffer must hold two exec "
		     "events with the longest filename and its max_argv_bytes (3993): give it a "
		     "buffer_size of at least 32768 (32K)\n");
	/* A count rule has no events to buffer. */
	expect_error("version: 1\nrules:\n  - { name: s, probe: sys_enter, buffer_size: 64K }\n",
		     "t:3:47: 'buffer_size' applies only to stream rules: a count rule has no "
		     "events to buffer\n");
	/* max_message and max_argv_bytes still have no MiB: theirs is under one. */
	expect_error("version: 1\nrules:\n  - { name: e, probe: execve, max_argv_bytes: 1M }\n",
		     "t:3:47: bad max_argv_bytes '1M' (use bytes or KiB, 256 to 131072: e.g. "
		     "8192, 8K, 100KiB)\n");
}
END_TEST

/* A duration as the file would say it, and read back to the same. */
START_TEST(test_format_duration)
{
	static const struct { uint64_t ms; const char *want; } cases[] = {
		{ 1, "1ms" }, { 500, "500ms" }, { 1000, "1s" }, { 1500, "1500ms" },
		{ 90000, "90s" }, { 120000, "2m" }, { 5400000, "90m" }, { 3600000, "1h" },
		{ 86400000, "24h" }, { 8760ULL * 3600000, "8760h" },
	};
	char buf[RULES_DURATION_LEN];
	uint64_t ms;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_str_eq(rules_format_duration(cases[i].ms, buf), cases[i].want);
		ck_assert_int_eq(rules_parse_duration(buf, &ms), 0);
		ck_assert_uint_eq(ms, cases[i].ms);
	}
	ck_assert_str_eq(rules_format_duration(0, buf), "0ms");
	ck_assert_str_eq(rules_format_duration(UINT64_MAX, buf), "18446744073709551615ms");
}
END_TEST

/* The new keys' errors accumulate with the others, each at its own place. */
START_TEST(test_exec_key_errors)
{
	expect_error("version: 1\n"
		     "rules:\n"
		     "  - name: s\n"
		     "    probe: sys_enter\n"
		     "    filter: { result: any }\n"
		     "    max_argv_bytes: 8K\n"
		     "  - name: e\n"
		     "    probe: execve\n"
		     "    filter: { result: none }\n"
		     "    max_argv_bytes: 200K\n",
		     "t:5:23: 'result' applies only to probe execve: a sys_enter rule sees a "
		     "syscall before it has a result\n"
		     "t:6:21: 'max_argv_bytes' applies only to probe execve: sys_enter events "
		     "carry no arguments\n"
		     "t:9:23: unknown result 'none' (expected success, failure or any)\n"
		     "t:10:21: 'max_argv_bytes' must be between 256 and 131072 bytes (128K)\n");
}
END_TEST

/* Several schema errors are all reported, each at its own place. */
START_TEST(test_many_errors)
{
	expect_error("version: 1\n"
		     "rules:\n"
		     "  - { name: a, probe: nope }\n"
		     "  - { name: b, probe: execve, mode: count, colour: 1 }\n",
		     "t:3:23: unknown probe 'nope' (expected execve or sys_enter)\n"
		     "t:4:44: unknown key 'colour' in rule (expected one of: name, probe, attach, "
		     "mode, filter, group_by, max_argv_bytes, rate_limit, buffer_size, "
		     "outputs, expect)\n"
		     "t:4:37: mode 'count' is not available for probe execve\n");
}
END_TEST

/* Integers are plain decimal scalars; quoted ones are strings. */
START_TEST(test_integers)
{
	static const struct {
		const char *yaml;
		const char *error;
	} cases[] = {
		{ "version: 01\n", "t:1:10: 'version' must be an integer\n" },
		{ "version: 1.0\n", "t:1:10: 'version' must be an integer\n" },
		{ "version: 0x1\n", "t:1:10: 'version' must be an integer\n" },
		{ "version: +1\n", "t:1:10: 'version' must be an integer\n" },
		{ "version: '1'\n", "t:1:10: 'version' must be an integer\n" },
		{ "version: [1]\n", "t:1:10: 'version' must be an integer\n" },
		{ "version: 99999999999999999999999\n", "t:1:10: unsupported version "
		  "'99999999999999999999999' (this ruletrace reads version 1)\n" },
		{ "version: 1\nsummary: { top: 1001 }\n", "t:2:17: 'top' must be between 1 and "
		  "1000\n" },
		{ "version: 1\nsummary: { top: 1_0 }\n", "t:2:17: 'top' must be an integer\n" },
		{ "version: 1\nsummary: { top: \"10\" }\n", "t:2:17: 'top' must be an integer\n" },
		{ "version: 1\nsummary: 10\n", "t:2:10: 'summary' must be a mapping\n" },
		{ "version: 1\nrules: [{ name: a, probe: execve, filter: { pid: [4194305] } }]\n",
		  "t:2:51: 'pid' entries must be between 1 and 4194304\n" },
		{ "version: 1\nrules: [{ name: a, probe: execve, filter: { pid: [1e3] } }]\n",
		  "t:2:51: 'pid' entries must be integers\n" },
		{ "version: 1\nrules: [{ name: a, probe: execve, filter: { pid: 5 } }]\n",
		  "t:2:50: 'pid' must be a sequence\n" },
		{ "version: 1\nrules: [{ name: a, probe: execve, filter: { uid: [4294967295] } "
		  "}]\n",
		  "t:2:51: 'uid' entries must be between 0 and 4294967294\n" },
	};
	char yaml[512];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		/* Give the version-only cases rules, so theirs is the only error. */
		snprintf(yaml, sizeof(yaml), "%s%s", cases[i].yaml,
			 strstr(cases[i].yaml, "rules:") ? "" :
			 "rules: [{ name: a, probe: execve }]\n");
		expect_error(yaml, cases[i].error);
	}
}
END_TEST

START_TEST(test_other_errors)
{
	expect_error("version: 1\nrules: [{ name: a, probe: [execve] }]\n",
		     "t:2:27: 'probe' must be a string\n");
	expect_error("version: 1\nrules: [{ name: '', probe: execve }]\n",
		     "t:2:17: 'name' must not be empty\n");
	expect_error("version: 1\nrules: [{ name: \"a\\0b\", probe: execve }]\n",
		     "t:2:17: 'name' must not contain a NUL byte\n");
	expect_error("version: 1\nrules: [{ name: a, probe: execve, outputs: stdout }]\n",
		     "t:2:44: 'outputs' must be a sequence\n");
	expect_error("version: 1\nrules: [{ name: a, probe: execve, filter: { comm: [''] } }]\n",
		     "t:2:52: 'comm' entries must not be empty\n");
	expect_error("version: 1\n? [a]\n: 1\nrules: [{ name: a, probe: execve }]\n",
		     "t:2:3: keys in top level must be scalars\n");
	expect_error("version: 1\noutputs: [stdout]\nrules: [{ name: a, probe: execve }]\n",
		     "t:2:10: 'outputs' must be a mapping\n");
	expect_error("version: 1\noutputs: { \"a b\": { type: stdout } }\n"
		     "rules: [{ name: a, probe: execve }]\n",
		     "t:2:12: output name 'a b' must be 1 to 64 characters of A-Z a-z 0-9 _ . -\n");
	expect_error("version: 1\noutputs: { f: { path: /x } }\n"
		     "rules: [{ name: a, probe: execve }]\n",
		     "t:2:15: output 'f' is missing 'type'\n");
	expect_error("version: 1\nduration: [1s]\nrules: [{ name: a, probe: execve }]\n",
		     "t:2:11: bad duration '?' (use e.g. 500ms, 30s, 2m, 1h)\n");
	expect_error("version: 1\nduration: 0s\nrules: [{ name: a, probe: execve }]\n",
		     "t:2:11: bad duration '0s' (use e.g. 500ms, 30s, 2m, 1h)\n");
	expect_error("version: 1\nrules: [{ name: a, probe: sys_enter, group_by: [cpu] }]\n",
		     "t:2:49: unknown group_by 'cpu' (expected comm, pid, syscall, cgroup, unit or "
		     "container)\n");
	expect_error("version: 1\nrules: [{ name: a, probe: sys_enter, group_by: [] }]\n",
		     "t:2:48: 'group_by' is empty (use comm, pid, syscall, cgroup, unit, "
		     "container)\n");
}
END_TEST

/* Hostile bytes in a value can neither split the message nor reach a terminal raw. */
START_TEST(test_control_characters)
{
	expect_error("version: 1\n\"a\\eb\\nc\\u009b\": 1\nrules: [{ name: a, probe: execve }]\n",
		     "t:2:1: unknown key 'a\\x1bb\\x0ac\\x9b' in top level (expected one of: "
		     "version, duration, interval, max_events, max_counters, outputs, rules, "
		     "summary)\n");
}
END_TEST

/* A long value is quoted in part: 80 bytes and "...". */
START_TEST(test_long_value)
{
	char yaml[512], want[512], key[201];

	memset(key, 'k', 200);
	key[200] = '\0';
	snprintf(yaml, sizeof(yaml), "version: 1\n%s: 1\nrules: [{ name: a, probe: execve }]\n",
		 key);
	snprintf(want, sizeof(want), "t:2:1: unknown key '%.80s...' in top level (expected one "
		 "of: version, duration, interval, max_events, max_counters, outputs, rules, "
		 "summary)\n", key);
	expect_error(yaml, want);
}
END_TEST

START_TEST(test_empty_documents)
{
	static const char *const empty[] = { "", "\n\n", "# nothing\n", "---\n", "--- # x\n...\n" };
	size_t i;

	for (i = 0; i < sizeof(empty) / sizeof(empty[0]); i++)
		expect_error(empty[i], "t:1:1: empty rule file\n");
	expect_error("~\n", "t:1:1: a rule file must be a mapping (with version and rules)\n");
	expect_error("[]\n", "t:1:1: a rule file must be a mapping (with version and rules)\n");
}
END_TEST

/* A UTF-8 byte order mark and CRLF line ends are fine, and marks stay right. */
START_TEST(test_bom_and_crlf)
{
	expect_ok("\xef\xbb\xbfversion: 1\r\nrules:\r\n  - { name: a, probe: execve }\r\n");
	expect_error("\xef\xbb\xbfversion: \xff\n", "t:1:10: YAML syntax error: invalid leading "
		     "UTF-8 octet\n");
	expect_error("version: 1\r\nrules:\r\n  - name: \xff\r\n", "t:3:11: YAML syntax error: "
		     "invalid leading UTF-8 octet\n");
}
END_TEST

START_TEST(test_duration)
{
	uint64_t ms;

	ck_assert_int_eq(rules_parse_duration("500ms", &ms), 0);
	ck_assert_uint_eq(ms, 500);
	ck_assert_int_eq(rules_parse_duration("30s", &ms), 0);
	ck_assert_uint_eq(ms, 30000);
	ck_assert_int_eq(rules_parse_duration("2m", &ms), 0);
	ck_assert_uint_eq(ms, 120000);
	ck_assert_int_eq(rules_parse_duration("1h", &ms), 0);
	ck_assert_uint_eq(ms, 3600000);
	ck_assert_int_eq(rules_parse_duration("7", &ms), 0);
	ck_assert_uint_eq(ms, 7000);
	ck_assert_int_eq(rules_parse_duration("8760h", &ms), 0);	/* a year: the most */
	ck_assert_uint_eq(ms, 8760ULL * 3600 * 1000);
	ck_assert_int_eq(rules_parse_duration("31536000", &ms), 0);
	ck_assert_uint_eq(ms, 31536000000ULL);
	ms = 12345;
	ck_assert_int_eq(rules_parse_duration("8761h", &ms), -EINVAL);
	ck_assert_int_eq(rules_parse_duration("31536001s", &ms), -EINVAL);
	ck_assert_int_eq(rules_parse_duration("0s", &ms), -EINVAL);
	ck_assert_int_eq(rules_parse_duration("0", &ms), -EINVAL);
	ck_assert_int_eq(rules_parse_duration("", &ms), -EINVAL);
	ck_assert_int_eq(rules_parse_duration("s", &ms), -EINVAL);
	ck_assert_int_eq(rules_parse_duration("ms", &ms), -EINVAL);
	ck_assert_int_eq(rules_parse_duration("-1s", &ms), -EINVAL);
	ck_assert_int_eq(rules_parse_duration("+1s", &ms), -EINVAL);
	ck_assert_int_eq(rules_parse_duration("1.5s", &ms), -EINVAL);
	ck_assert_int_eq(rules_parse_duration("1 s", &ms), -EINVAL);
	ck_assert_int_eq(rules_parse_duration("1S", &ms), -EINVAL);
	ck_assert_int_eq(rules_parse_duration("1d", &ms), -EINVAL);
	ck_assert_int_eq(rules_parse_duration("1sec", &ms), -EINVAL);
	ck_assert_int_eq(rules_parse_duration("99999999999999999999h", &ms), -EINVAL);
	ck_assert_int_eq(rules_parse_duration("18446744073709551617ms", &ms), -EINVAL);
	ck_assert_uint_eq(ms, 12345);	/* untouched on failure */
}
END_TEST

START_TEST(test_names)
{
	ck_assert_str_eq(rules_probe_name(RT_PROBE_EXECVE), "execve");
	ck_assert_str_eq(rules_probe_name(RT_PROBE_SYS_ENTER), "sys_enter");
	ck_assert_str_eq(rules_attach_name(RULES_ATTACH_AUTO), "auto");
	ck_assert_str_eq(rules_attach_name(RULES_ATTACH_KPROBE), "kprobe");
	ck_assert_str_eq(rules_attach_name(RULES_ATTACH_TRACEPOINT), "tracepoint");
	ck_assert_str_eq(rules_mode_name(RULES_MODE_STREAM), "stream");
	ck_assert_str_eq(rules_mode_name(RULES_MODE_COUNT), "count");
	ck_assert_str_eq(rules_output_type_name(RULES_OUT_STDOUT), "stdout");
	ck_assert_str_eq(rules_output_type_name(RULES_OUT_CSV), "csv");
	ck_assert_str_eq(rules_output_type_name(RULES_OUT_SYSLOG), "syslog");
	ck_assert_str_eq(rules_output_type_name(RULES_OUT_JSON), "json");
	ck_assert_str_eq(rules_result_name(RULES_RESULT_SUCCESS), "success");
	ck_assert_str_eq(rules_result_name(RULES_RESULT_FAILURE), "failure");
	ck_assert_str_eq(rules_result_name(RULES_RESULT_ANY), "any");
	ck_assert_str_eq(rules_result_name((enum rules_result)3), "?");
	ck_assert_str_eq(rules_probe_name(RT_PROBE_MAX), "?");
	ck_assert_str_eq(rules_output_type_name((enum rules_output_type)99), "?");
}
END_TEST

/* A directory, a device, a FIFO, an oversized and a missing file: refused fast, no hang. */
START_TEST(test_hostile_files)
{
	char dir[] = "/tmp/check_rules.XXXXXX", path[64];
	int fd;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(rules_load_file(dir, &r, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err + strlen(dir), ": not a regular file\n");
	ck_assert_int_eq(rules_load_file("/dev/zero", &r, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "/dev/zero: not a regular file\n");

	/* No writer: a blocking open would wait for one forever. */
	snprintf(path, sizeof(path), "%s/fifo", dir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_int_eq(rules_load_file(path, &r, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err + strlen(path), ": not a regular file\n");
	unlink(path);

	snprintf(path, sizeof(path), "%s/big.yaml", dir);
	ck_assert_int_ge(fd = open(path, O_WRONLY | O_CREAT, 0600), 0);
	ck_assert_int_eq(ftruncate(fd, RULES_MAX_FILE_SIZE + 1), 0);
	close(fd);
	ck_assert_int_eq(rules_load_file(path, &r, err, sizeof(err)), -EFBIG);
	ck_assert_str_eq(err + strlen(path), ": larger than 1048576 bytes\n");
	unlink(path);

	snprintf(path, sizeof(path), "%s/none.yaml", dir);
	ck_assert_int_eq(rules_load_file(path, &r, err, sizeof(err)), -ENOENT);
	ck_assert_str_eq(err + strlen(path), ": No such file or directory\n");
	ck_assert_int_eq(rules_load_file(path, &r, NULL, 0), -ENOENT);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

/* Exactly RULES_MAX_FILE_SIZE bytes is still read (and judged as YAML). */
START_TEST(test_file_at_limit)
{
	char path[] = "/tmp/check_rules.XXXXXX";
	static char buf[RULES_MAX_FILE_SIZE];
	static const char head[] = "version: 1\nrules: [{ name: a, probe: execve }]\n";
	int fd;

	memset(buf, '\n', sizeof(buf));
	memcpy(buf, head, sizeof(head) - 1);
	ck_assert_int_ge(fd = mkstemp(path), 0);
	ck_assert_int_eq(write(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	close(fd);
	ck_assert_msg(rules_load_file(path, &r, err, sizeof(err)) == 0, "%s", err);
	ck_assert_str_eq(r.path, path);
	unlink(path);
}
END_TEST

/* "Billion laughs": refused at the first anchor, before anything expands. */
START_TEST(test_billion_laughs)
{
	expect_error("a: &a [x, x, x, x, x, x, x, x, x]\n"
		     "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
		     "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n",
		     "t:1:4: anchors are not supported\n");
}
END_TEST

/* RULES_MAX_NODES nodes are fine; the next one stops the parse where it stands. */
START_TEST(test_node_limit)
{
	/* The mapping, version, 1, x and the sequence: 5 nodes before the items. */
	size_t items = RULES_MAX_NODES - 5 + 1, len = 0, i;
	char *yaml = malloc(2 * items + 64), want[128];

	ck_assert_ptr_nonnull(yaml);
	len += (size_t)sprintf(yaml, "version: 1\nx: [");
	for (i = 0; i < items; i++)
		len += (size_t)sprintf(yaml + len, "%s0", i ? "," : "");
	len += (size_t)sprintf(yaml + len, "]\n");
	snprintf(want, sizeof(want), "t:2:%zu: more than %d YAML nodes\n", 5 + 2 * (items - 1),
		 RULES_MAX_NODES);
	ck_assert_int_eq(rules_load_buffer("t", yaml, len, &r, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, want);

	/* One item fewer: the tree is built, and the schema has its say. */
	len -= 4;
	strcpy(yaml + len, "]\n");
	len += 2;
	ck_assert_int_eq(rules_load_buffer("t", yaml, len, &r, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "t:2:1: unknown key 'x' in top level"));
	free(yaml);
}
END_TEST

/* RULES_MAX_DEPTH levels of nesting are fine, one more is not. */
START_TEST(test_depth_limit)
{
	char yaml[256], want[128];
	int i, len;

	/* The top-level mapping and 15 sequences: 16 levels. */
	len = sprintf(yaml, "version: 1\nx: ");
	for (i = 0; i < RULES_MAX_DEPTH - 1; i++)
		yaml[len++] = '[';
	for (i = 0; i < RULES_MAX_DEPTH - 1; i++)
		yaml[len++] = ']';
	strcpy(yaml + len, "\nrules: [{ name: a, probe: execve }]\n");
	expect_error(yaml, "t:2:1: unknown key 'x' in top level (expected one of: version, "
		     "duration, interval, max_events, max_counters, outputs, rules, summary)\n");

	len = sprintf(yaml, "version: 1\nx: ");
	for (i = 0; i < RULES_MAX_DEPTH; i++)
		yaml[len++] = '[';
	for (i = 0; i < RULES_MAX_DEPTH; i++)
		yaml[len++] = ']';
	strcpy(yaml + len, "\n");
	snprintf(want, sizeof(want), "t:2:%d: nested more than %d levels deep\n",
		 4 + RULES_MAX_DEPTH - 1, RULES_MAX_DEPTH);
	expect_error(yaml, want);
}
END_TEST

/* Errors past RULES_MAX_ERRORS are counted, not listed. */
START_TEST(test_error_cap)
{
	char yaml[8192], *p;
	size_t off, lines = 0;
	int i;

	off = (size_t)snprintf(yaml, sizeof(yaml), "version: 1\nrules:\n");
	for (i = 0; i < 30; i++)
		off += (size_t)snprintf(yaml + off, sizeof(yaml) - off,
					"  - { name: r%d, probe: bad }\n", i);
	ck_assert_int_eq(rules_load_buffer("t", yaml, off, &r, err, sizeof(err)), -EINVAL);
	for (p = err; (p = strchr(p, '\n')); p++)
		lines++;
	ck_assert_uint_eq(lines, RULES_MAX_ERRORS + 1);
	ck_assert_ptr_nonnull(strstr(err, "t:22:25: unknown probe 'bad'"));
	ck_assert_ptr_null(strstr(err, "t:23:25: unknown probe 'bad'"));
	ck_assert_ptr_nonnull(strstr(err, "\nt: 10 more errors not shown\n"));
}
END_TEST

/* A mapping of many junk keys costs linear time, not quadratic. */
START_TEST(test_many_keys)
{
	size_t n = 40000, len = 0, i;
	char *yaml = malloc(n * 16 + 64);

	ck_assert_ptr_nonnull(yaml);
	len += (size_t)sprintf(yaml, "version: 1\nrules: [{ name: a, probe: execve }]\n");
	for (i = 0; i < n; i++)
		len += (size_t)sprintf(yaml + len, "k%zu: 0\n", i);
	ck_assert_int_eq(rules_load_buffer("t", yaml, len, &r, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "t: 39980 more errors not shown\n"));
	free(yaml);
}
END_TEST

/* err is always NUL-terminated, and cut at a line end when it can be. */
START_TEST(test_short_err)
{
	static const char yaml[] = "version: 1\nrules: [{ name: a, probe: x }, "
				   "{ name: b, probe: y }]\n";
	static const char first[] = "t:2:27: unknown probe 'x' (expected execve or sys_enter)\n";
	char small[sizeof(first) + 8];

	memset(small, 'X', sizeof(small));
	ck_assert_int_eq(rules_load_buffer("t", yaml, sizeof(yaml) - 1, &r, small,
					   sizeof(small)), -EINVAL);
	ck_assert_str_eq(small, first);

	memset(small, 'X', sizeof(small));
	ck_assert_int_eq(rules_load_buffer("t", yaml, sizeof(yaml) - 1, &r, small, 10), -EINVAL);
	ck_assert_uint_eq(strlen(small), 9);
	ck_assert(!strncmp(small, first, 9));

	memset(small, 'X', sizeof(small));
	ck_assert_int_eq(rules_load_buffer("t", yaml, sizeof(yaml) - 1, &r, small, 1), -EINVAL);
	ck_assert_str_eq(small, "");
	ck_assert_int_eq(rules_load_buffer("t", yaml, sizeof(yaml) - 1, &r, NULL, 0), -EINVAL);

	/* Success leaves an empty message. */
	strcpy(err, "stale");
	expect_ok("version: 1\nrules: [{ name: a, probe: execve }]\n");
	ck_assert_str_eq(err, "");
}
END_TEST

/* rules_free leaves a zeroed struct, and a loaded struct can be loaded into again. */
START_TEST(test_free)
{
	static const struct rules zero;

	expect_ok("version: 1\nrules: [{ name: a, probe: execve, filter: { comm: [x] } }]\n");
	rules_free(&r);
	ck_assert_mem_eq(&r, &zero, sizeof(r));
	rules_free(&r);
	ck_assert_mem_eq(&r, &zero, sizeof(r));
	expect_ok("version: 1\nrules: [{ name: b, probe: sys_enter }]\n");
	ck_assert_str_eq(r.rules[0].name, "b");
}
END_TEST

#define CG_ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* A rule file of one execve rule with one filter key, on line 3. */
static void filter_yaml(char *buf, size_t len, const char *key, const char *value)
{
	snprintf(buf, len, "version: 1\nrules:\n"
		 "  - { name: a, probe: execve, filter: { %s: %s } }\n", key, value);
}

/* Column of a filter's first list entry in filter_yaml's line 3. */
static unsigned entry_column(const char *key)
{
	return (unsigned)(strlen("  - { name: a, probe: execve, filter: { ") + strlen(key) +
			  strlen(": [") + 1);
}

/* cgroup paths: a leading '/', no trailing one, deduplicated after that. */
START_TEST(test_cgroup_filter)
{
	const struct rules_filter *in, *ex;

	expect_ok("version: 1\nrules:\n"
		  "  - name: a\n    probe: execve\n"
		  "    filter:\n"
		  "      cgroup: [/system.slice/nginx.service, system.slice/nginx.service,\n"
		  "               \"/system.slice/nginx.service/\", /, user.slice/, \"a\\eb\"]\n"
		  "      exclude_cgroup: [/system.slice/nginx.service/worker]\n"
		  "  - { name: b, probe: sys_enter, filter: { cgroup: [/init.scope] } }\n");
	in = &r.rules[0].include;
	ex = &r.rules[0].exclude;
	ck_assert_uint_eq(in->ncgroup, 4);
	ck_assert_str_eq(in->cgroup[0], "/system.slice/nginx.service");
	ck_assert_str_eq(in->cgroup[1], "/");
	ck_assert_str_eq(in->cgroup[2], "/user.slice");
	ck_assert_str_eq(in->cgroup[3], "/a\x1b" "b");
	ck_assert_uint_eq(ex->ncgroup, 1);
	ck_assert_str_eq(ex->cgroup[0], "/system.slice/nginx.service/worker");
	ck_assert_uint_eq(in->nunit + in->ncontainer + ex->nunit + ex->ncontainer, 0);
	ck_assert_uint_eq(r.rules[1].include.ncgroup, 1);
	ck_assert_str_eq(r.rules[1].include.cgroup[0], "/init.scope");
}
END_TEST

START_TEST(test_cgroup_filter_errors)
{
	static const struct {
		const char *value;
		const char *error;	/* after "t:3:COLUMN: " */
	} cases[] = {
		{ "[a//b]", "cgroup 'a//b' has an empty component" },
		{ "[\"//\"]", "cgroup '//' has an empty component" },
		{ "[/a//]", "cgroup '/a//' has an empty component" },
		{ "[/a/.]", "cgroup '/a/.' must not have '.' or '..' components" },
		{ "[./a]", "cgroup './a' must not have '.' or '..' components" },
		{ "[a/../b]", "cgroup 'a/../b' must not have '.' or '..' components" },
		{ "[/sys/fs/cgroup/system.slice]", "cgroup '/sys/fs/cgroup/system.slice' is a file "
		  "system path: give the path below the cgroup v2 mount (e.g. "
		  "/system.slice/nginx.service)" },
		{ "[/sys/fs/cgroup]", "cgroup '/sys/fs/cgroup' is a file system path: give the "
		  "path below the cgroup v2 mount (e.g. /system.slice/nginx.service)" },
		{ "['']", "'cgroup' entries must not be empty" },
		{ "[[a]]", "'cgroup' entries must be strings" },
	};
	char yaml[512], want[512];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		filter_yaml(yaml, sizeof(yaml), "cgroup", cases[i].value);
		snprintf(want, sizeof(want), "t:3:%u: %s\n", entry_column("cgroup"),
			 cases[i].error);
		expect_error(yaml, want);
	}
	filter_yaml(yaml, sizeof(yaml), "exclude_cgroup", "/x");
	snprintf(want, sizeof(want), "t:3:%u: 'exclude_cgroup' must be a sequence\n",
		 entry_column("exclude_cgroup") - 1);
	expect_error(yaml, want);
}
END_TEST

/* 255 bytes the kernel matches, counted with the leading '/'. */
START_TEST(test_cgroup_filter_length)
{
	char yaml[1024], want[1024], path[300];

	memset(path, 'c', sizeof(path));
	path[0] = '/';
	path[255] = '\0';
	snprintf(yaml, sizeof(yaml), "version: 1\nrules:\n  - { name: a, probe: execve, "
		 "filter: { cgroup: [%s] } }\n", path);
	expect_ok(yaml);
	ck_assert_uint_eq(strlen(r.rules[0].include.cgroup[0]), 255);
	/* Without the slash as typed, it is still counted. */
	snprintf(yaml, sizeof(yaml), "version: 1\nrules:\n  - { name: a, probe: execve, "
		 "filter: { cgroup: [%s] } }\n", path + 1);
	expect_ok(yaml);
	path[255] = 'c';
	path[256] = '\0';
	snprintf(yaml, sizeof(yaml), "version: 1\nrules:\n  - { name: a, probe: execve, "
		 "filter: { cgroup: [%s] } }\n", path + 1);
	snprintf(want, sizeof(want), "t:3:%u: cgroup '%.80s...' is longer than 255 bytes\n",
		 entry_column("cgroup"), path + 1);
	expect_error(yaml, want);
	/* A trailing slash is not counted. */
	path[256] = '/';
	path[257] = '\0';
	snprintf(yaml, sizeof(yaml), "version: 1\nrules:\n  - { name: a, probe: execve, "
		 "filter: { cgroup: [%s] } }\n", path + 1 + 1);
	expect_ok(yaml);
	ck_assert_uint_eq(strlen(r.rules[0].include.cgroup[0]), 255);
}
END_TEST

START_TEST(test_unit_filter)
{
	const struct rules_filter *in, *ex;

	expect_ok("version: 1\nrules:\n"
		  "  - name: a\n    probe: sys_enter\n"
		  "    filter:\n"
		  "      unit: [nginx.service, session-3.scope, getty@tty1.service,\n"
		  "             machine-web\\x2d1.scope, nginx.service, \"a:b_c.service\"]\n"
		  "      exclude_unit: [init.scope]\n");
	in = &r.rules[0].include;
	ex = &r.rules[0].exclude;
	ck_assert_uint_eq(in->nunit, 5);
	ck_assert_str_eq(in->unit[0], "nginx.service");
	ck_assert_str_eq(in->unit[1], "session-3.scope");
	ck_assert_str_eq(in->unit[2], "getty@tty1.service");
	ck_assert_str_eq(in->unit[3], "machine-web\\x2d1.scope");
	ck_assert_str_eq(in->unit[4], "a:b_c.service");
	ck_assert_uint_eq(ex->nunit, 1);
	ck_assert_str_eq(ex->unit[0], "init.scope");
}
END_TEST

START_TEST(test_unit_filter_errors)
{
	static const struct {
		const char *value;
		const char *error;	/* after "t:3:COLUMN: " */
	} cases[] = {
		{ "[backup.timer]", "unit 'backup.timer' is a timer unit: the processes it starts "
		  "run in a service, by default 'backup.service': give that" },
		{ "[sshd.socket]", "unit 'sshd.socket' is a socket unit: the processes it starts "
		  "run in a service, by default 'sshd.service': give that" },
		{ "[cups.path]", "unit 'cups.path' is a path unit: the processes it starts run in "
		  "a service, by default 'cups.service': give that" },
		{ "[system.slice]", "unit 'system.slice' is a slice, which holds units, not "
		  "processes: give its services or scopes, or the slice's path as a cgroup" },
		{ "[nginx]", "unit 'nginx' must be a .service or a .scope: the units processes "
		  "run in" },
		{ "[multi-user.target]", "unit 'multi-user.target' must be a .service or a .scope: "
		  "the units processes run in" },
		{ "[.service]", "unit '.service' must be a .service or a .scope: the units "
		  "processes run in" },
		{ "[.timer]", "unit '.timer' must be a .service or a .scope: the units processes "
		  "run in" },
		{ "[\"a b.service\"]", "unit 'a b.service' must be characters of A-Z a-z 0-9 : - _ "
		  ". \\ @" },
		{ "[\"a/b.service\"]", "unit 'a/b.service' must be characters of A-Z a-z 0-9 : - _ "
		  ". \\ @" },
		{ "[\"x\\e.service\"]", "unit 'x\\x1b.service' must be characters of A-Z a-z 0-9 : "
		  "- _ . \\ @" },
	};
	char yaml[512], want[512], name[300];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		filter_yaml(yaml, sizeof(yaml), "unit", cases[i].value);
		snprintf(want, sizeof(want), "t:3:%u: %s\n", entry_column("unit"), cases[i].error);
		expect_error(yaml, want);
	}
	filter_yaml(yaml, sizeof(yaml), "exclude_unit", "[foo.mount]");
	snprintf(want, sizeof(want), "t:3:%u: unit 'foo.mount' must be a .service or a .scope: "
		 "the units processes run in\n", entry_column("exclude_unit"));
	expect_error(yaml, want);
	/* 255 bytes, systemd's limit. */
	memset(name, 'u', sizeof(name));
	strcpy(name + 255 - 8, ".service");
	snprintf(yaml, sizeof(yaml), "version: 1\nrules:\n  - { name: a, probe: execve, "
		 "filter: { unit: [%s] } }\n", name);
	expect_ok(yaml);
	ck_assert_uint_eq(strlen(r.rules[0].include.unit[0]), 255);
	memset(name, 'u', sizeof(name));
	strcpy(name + 256 - 8, ".service");
	snprintf(yaml, sizeof(yaml), "version: 1\nrules:\n  - { name: a, probe: execve, "
		 "filter: { unit: [%s] } }\n", name);
	snprintf(want, sizeof(want), "t:3:%u: unit '%.80s...' is longer than 255 bytes\n",
		 entry_column("unit"), name);
	expect_error(yaml, want);
}
END_TEST

START_TEST(test_container_filter)
{
	const struct rules_filter *in, *ex;

	expect_ok("version: 1\nrules:\n"
		  "  - name: a\n    probe: execve\n"
		  "    filter:\n"
		  "      container: [" CG_ID ", 0123abc, ABCDEF, abcdef, web-1, my_box.local,\n"
		  "                  \"4\", 0]\n"
		  "      exclude_container: [Web-1]\n");
	in = &r.rules[0].include;
	ex = &r.rules[0].exclude;
	ck_assert_uint_eq(in->ncontainer, 7);
	ck_assert_str_eq(in->container[0], CG_ID);
	ck_assert_str_eq(in->container[1], "0123abc");
	ck_assert_str_eq(in->container[2], "abcdef");	/* hex: an id prefix, in lowercase */
	ck_assert_str_eq(in->container[3], "web-1");
	ck_assert_str_eq(in->container[4], "my_box.local");
	ck_assert_str_eq(in->container[5], "4");
	ck_assert_str_eq(in->container[6], "0");
	ck_assert_uint_eq(ex->ncontainer, 1);
	ck_assert_str_eq(ex->container[0], "Web-1");	/* a machine name, as it is */
}
END_TEST

START_TEST(test_container_filter_errors)
{
	static const struct {
		const char *value;
		const char *error;	/* after "t:3:COLUMN: " */
	} cases[] = {
		{ "[" CG_ID "0]", "container '" CG_ID "0' is longer than 64 bytes (an id has 64 "
		  "hex digits)" },
		{ "[\"web 1\"]", "container 'web 1' must be an id or its first hex digits, or a "
		  "machine name of A-Z a-z 0-9 _ . -" },
		{ "[\"web\\\\x2d1\"]", "container 'web\\x2d1' must be an id or its first hex "
		  "digits, or a machine name of A-Z a-z 0-9 _ . -" },
		{ "[docker/abc]", "container 'docker/abc' must be an id or its first hex digits, "
		  "or a machine name of A-Z a-z 0-9 _ . -" },
		{ "['']", "'container' entries must not be empty" },
	};
	char yaml[512], want[512];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		filter_yaml(yaml, sizeof(yaml), "container", cases[i].value);
		snprintf(want, sizeof(want), "t:3:%u: %s\n", entry_column("container"),
			 cases[i].error);
		expect_error(yaml, want);
	}
}
END_TEST

START_TEST(test_group_by_cgroup)
{
	expect_ok("version: 1\nrules:\n"
		  "  - { name: a, probe: sys_enter, group_by: [cgroup] }\n"
		  "  - { name: b, probe: sys_enter, group_by: [unit, container] }\n"
		  "  - { name: c, probe: sys_enter, group_by: [comm, syscall, cgroup, unit] }\n"
		  "  - { name: d, probe: sys_enter, group_by: [container, container] }\n");
	ck_assert_uint_eq(r.rules[0].group_by, RULES_GROUP_CGROUP);
	ck_assert_uint_eq(r.rules[1].group_by, RULES_GROUP_UNIT | RULES_GROUP_CONTAINER);
	ck_assert_uint_eq(r.rules[2].group_by, RULES_GROUP_COMM | RULES_GROUP_SYSCALL |
			  RULES_GROUP_CGROUP | RULES_GROUP_UNIT);
	ck_assert_uint_eq(r.rules[3].group_by, RULES_GROUP_CONTAINER);
	expect_error("version: 1\nrules:\n"
		     "  - { name: a, probe: execve, group_by: [unit] }\n",
		     "t:3:41: 'group_by' applies only to mode count\n");
}
END_TEST

START_TEST(test_need_cgroups)
{
	static const struct {
		const char *rule;
		bool need;
	} cases[] = {
		{ "{ name: a, probe: execve }", false },
		{ "{ name: a, probe: sys_enter, group_by: [comm, pid, syscall] }", false },
		{ "{ name: a, probe: execve, filter: { comm: [sh], pid: [1], uid: [0] } }", false },
		{ "{ name: a, probe: execve, filter: { cgroup: [], unit: [], container: [] } }",
		  false },
		{ "{ name: a, probe: execve, filter: { cgroup: [/a] } }", true },
		{ "{ name: a, probe: execve, filter: { unit: [a.service] } }", true },
		{ "{ name: a, probe: execve, filter: { container: [abc] } }", true },
		{ "{ name: a, probe: sys_enter, filter: { exclude_cgroup: [/a] } }", true },
		{ "{ name: a, probe: sys_enter, filter: { exclude_unit: [a.scope] } }", true },
		{ "{ name: a, probe: sys_enter, filter: { exclude_container: [web] } }", true },
		{ "{ name: a, probe: sys_enter, group_by: [cgroup] }", true },
		{ "{ name: a, probe: sys_enter, group_by: [comm, unit] }", true },
		{ "{ name: a, probe: sys_enter, group_by: [container] }", true },
	};
	char yaml[512];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(yaml, sizeof(yaml), "version: 1\nrules:\n"
			 "  - { name: z, probe: execve, filter: { comm: [x] } }\n  - %s\n",
			 cases[i].rule);
		expect_ok(yaml);
		ck_assert_msg(rules_need_cgroups(&r) == cases[i].need, "%s", cases[i].rule);
	}
	rules_free(&r);
	ck_assert(!rules_need_cgroups(&r));
}
END_TEST

/* The strings are the rules' own: freed with them (valgrind: make check-valgrind). */
START_TEST(test_cgroup_filter_free)
{
	expect_ok("version: 1\nrules:\n"
		  "  - { name: a, probe: execve, filter: { cgroup: [/a, /b], unit: [a.service],\n"
		  "      container: [web], exclude_cgroup: [/a/c], exclude_unit: [b.scope],\n"
		  "      exclude_container: [abc] } }\n");
	rules_free(&r);
	expect_error("version: 1\nrules:\n"
		     "  - { name: a, probe: execve, filter: { cgroup: [/a, /b], unit: [x] } }\n",
		     "t:3:66: unit 'x' must be a .service or a .scope: the units processes run "
		     "in\n");
}
END_TEST

static void teardown(void)
{
	rules_free(&r);
	rules_free(&r);	/* twice: must be harmless */
}

int main(void)
{
	Suite *su = suite_create("rules");
	TCase *tc = tcase_create("rules");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_loop_test(tc, test_bad_fixture, 0, (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, test_every_fixture_listed);
	tcase_add_test(tc, test_default_rules);
	tcase_add_test(tc, test_hello_rules);
	tcase_add_test(tc, test_execsnoop_rules);
	tcase_add_test(tc, test_syscount_rules);
	tcase_add_test(tc, test_full_schema);
	tcase_add_test(tc, test_comm_padding);
	tcase_add_test(tc, test_syslog_defaults);
	tcase_add_test(tc, test_own_stdout);
	tcase_add_test(tc, test_extended_schema);
	tcase_add_test(tc, test_max_counters);
	tcase_add_test(tc, test_result);
	tcase_add_test(tc, test_max_argv_bytes);
	tcase_add_test(tc, test_max_message);
	tcase_add_test(tc, test_prometheus_keys);
	tcase_add_test(tc, test_rate_limit);
	tcase_add_test(tc, test_rate_interval);
	tcase_add_test(tc, test_expect);
	tcase_add_test(tc, test_program);
	tcase_add_test(tc, test_buffer_size);
	tcase_add_test(tc, test_format_duration);
	tcase_add_test(tc, test_exec_key_errors);
	tcase_add_test(tc, test_many_errors);
	tcase_add_test(tc, test_integers);
	tcase_add_test(tc, test_other_errors);
	tcase_add_test(tc, test_control_characters);
	tcase_add_test(tc, test_long_value);
	tcase_add_test(tc, test_empty_documents);
	tcase_add_test(tc, test_bom_and_crlf);
	tcase_add_test(tc, test_duration);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_hostile_files);
	tcase_add_test(tc, test_file_at_limit);
	tcase_add_test(tc, test_billion_laughs);
	tcase_add_test(tc, test_node_limit);
	tcase_add_test(tc, test_depth_limit);
	tcase_add_test(tc, test_error_cap);
	tcase_add_test(tc, test_many_keys);
	tcase_add_test(tc, test_short_err);
	tcase_add_test(tc, test_free);
	tcase_add_test(tc, test_cgroup_filter);
	tcase_add_test(tc, test_cgroup_filter_errors);
	tcase_add_test(tc, test_cgroup_filter_length);
	tcase_add_test(tc, test_unit_filter);
	tcase_add_test(tc, test_unit_filter_errors);
	tcase_add_test(tc, test_container_filter);
	tcase_add_test(tc, test_container_filter_errors);
	tcase_add_test(tc, test_group_by_cgroup);
	tcase_add_test(tc, test_need_cgroups);
	tcase_add_test(tc, test_cgroup_filter_free);
	suite_add_tcase(su, tc);
	return check_run(su);
}
