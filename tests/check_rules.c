// SPDX-License-Identifier: GPL-2.0-only
/*
 * check_rules.c - the rule loader: every shipped rule file loads to what it says,
 * every bad fixture (one defect each, tests/data/bad-*.yaml) fails with its exact
 * FILE:LINE:COLUMN message, and hostile files fail fast and cleanly.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "rules.h"

static char err[8192];
static struct rules r;

static const char *srcdir(void)
{
	const char *d = getenv("srcdir");

	return d ? d : ".";
}

static char *path_of(const char *dir, const char *name)
{
	static char buf[4096];

	snprintf(buf, sizeof(buf), "%s/%s/%s", srcdir(), dir, name);
	return buf;
}

/* The error of a file, with the path prefix replaced by its base name. */
static const char *load_fixture(const char *name)
{
	static char out[sizeof(err)];
	const char *p = path_of("data", name);
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

static const struct {
	const char *file;
	const char *error;
} bad[] = {
	{ "bad-unknown-key.yaml", "bad-unknown-key.yaml:5:5: unknown key 'colour' in rule "
	  "(expected one of: name, probe, attach, mode, filter, group_by, outputs)\n" },
	{ "bad-wrong-type.yaml", "bad-wrong-type.yaml:3:3: 'rules' must be a sequence\n" },
	{ "bad-unknown-probe.yaml", "bad-unknown-probe.yaml:4:12: unknown probe "
	  "'kprobe_everything' (expected execve or sys_enter)\n" },
	{ "bad-unknown-output.yaml", "bad-unknown-output.yaml:5:23: unknown output 'nowhere'\n" },
	{ "bad-comm-too-long.yaml", "bad-comm-too-long.yaml:5:28: comm 'sixteen-bytes-xx' is "
	  "longer than 15 bytes\n" },
	{ "bad-duplicate-rule.yaml", "bad-duplicate-rule.yaml:5:11: duplicate rule name 'a' "
	  "(first at 3:5)\n" },
	{ "bad-duplicate-key.yaml", "bad-duplicate-key.yaml:5:5: duplicate key 'probe'\n" },
	{ "bad-duration.yaml", "bad-duration.yaml:2:11: bad duration '10 parsecs' "
	  "(use e.g. 500ms, 30s, 2m, 1h)\n" },
	{ "bad-syntax.yaml", "bad-syntax.yaml:5:1: YAML syntax error: did not find expected "
	  "',' or ']' (while parsing a flow sequence)\n" },
	{ "bad-alias.yaml", "bad-alias.yaml:3:5: aliases are not supported\n" },
	{ "bad-anchor.yaml", "bad-anchor.yaml:3:5: anchors are not supported\n" },
	{ "bad-version.yaml", "bad-version.yaml:1:10: unsupported version '2' "
	  "(this ruletrace reads version 1)\n" },
	{ "bad-attach-sys-enter.yaml", "bad-attach-sys-enter.yaml:5:13: 'attach' applies only "
	  "to probe execve\n" },
	{ "bad-count-execve.yaml", "bad-count-execve.yaml:5:11: mode 'count' is not available "
	  "for probe execve\n" },
	{ "bad-pid-zero.yaml", "bad-pid-zero.yaml:5:24: 'pid' must be between 1 and 4194304\n" },
	{ "bad-pid-string.yaml", "bad-pid-string.yaml:5:21: 'pid' must be an integer\n" },
	{ "bad-missing-probe.yaml", "bad-missing-probe.yaml:3:5: rule is missing 'probe'\n" },
	{ "bad-missing-version.yaml", "bad-missing-version.yaml:1:1: missing 'version' "
	  "(this ruletrace reads version 1)\n" },
	{ "bad-empty.yaml", "bad-empty.yaml:1:1: empty rule file\n" },
	{ "bad-non-utf8.yaml", "bad-non-utf8.yaml:3:15: YAML syntax error: invalid trailing "
	  "UTF-8 octet\n" },
	{ "bad-rule-name.yaml", "bad-rule-name.yaml:3:11: rule name 'has space' must be 1 to "
	  "64 characters of A-Z a-z 0-9 _ . -\n" },
	{ "bad-facility.yaml", "bad-facility.yaml:3:34: unknown facility 'local9' (expected "
	  "kern, user, mail, daemon, auth, syslog, lpr, news, uucp, cron, authpriv, ftp or "
	  "local0 to local7)\n" },
	{ "bad-csv-no-path.yaml", "bad-csv-no-path.yaml:3:10: output 'audit' is missing 'path'\n" },
	{ "bad-output-key.yaml", "bad-output-key.yaml:3:28: unknown key 'path' in output "
	  "'console' of type stdout (expected one of: type, format)\n" },
	{ "bad-top.yaml", "bad-top.yaml:4:17: 'top' must be between 1 and 1000\n" },
	{ "bad-bool.yaml", "bad-bool.yaml:3:48: 'append' must be true or false\n" },
	{ "bad-two-documents.yaml", "bad-two-documents.yaml:4:1: more than one YAML document\n" },
	{ "bad-not-mapping.yaml", "bad-not-mapping.yaml:1:1: a rule file must be a mapping "
	  "(with version and rules)\n" },
	{ "bad-too-many-rules.yaml", "bad-too-many-rules.yaml:67:5: too many rules (at most 64)\n" },
	{ "bad-too-many-entries.yaml", "bad-too-many-entries.yaml:6:12: too many entries in "
	  "'pid' (at most 1024)\n" },
	{ "bad-deep-nesting.yaml", "bad-deep-nesting.yaml:5:26: nested more than 16 levels "
	  "deep\n" },
};

START_TEST(test_bad_fixture)
{
	ck_assert_str_eq(load_fixture(bad[_i].file), bad[_i].error);
	/* Nothing is handed back from a bad file. */
	ck_assert_ptr_null(r.rules);
	ck_assert_uint_eq(r.nrules, 0);
}
END_TEST

/* Every bad-*.yaml in tests/data has its line in the table above. */
START_TEST(test_every_fixture_listed)
{
	char cmd[4200], name[256];
	size_t i, n = 0;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "ls '%s/data'", srcdir());
	ck_assert_ptr_nonnull(f = popen(cmd, "r"));
	while (fgets(name, sizeof(name), f)) {
		name[strcspn(name, "\n")] = '\0';
		if (strncmp(name, "bad-", 4))
			continue;
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			if (!strcmp(bad[i].file, name))
				break;
		ck_assert_msg(i < sizeof(bad) / sizeof(bad[0]), "%s has no expected error", name);
		n++;
	}
	pclose(f);
	ck_assert_uint_eq(n, sizeof(bad) / sizeof(bad[0]));
}
END_TEST

START_TEST(test_default_rules)
{
	ck_assert_int_eq(rules_load_file(path_of("../rules", "default.yaml"), &r, err,
					 sizeof(err)), 0);
	ck_assert_uint_eq(r.nrules, 2);
	ck_assert_str_eq(r.rules[0].name, "exec");
	ck_assert_int_eq(r.rules[0].probe, RT_PROBE_EXECVE);
	ck_assert_int_eq(r.rules[0].attach, RULES_ATTACH_AUTO);
	ck_assert_int_eq(r.rules[0].mode, RULES_MODE_STREAM);
	ck_assert_str_eq(r.rules[1].name, "syscalls");
	ck_assert_int_eq(r.rules[1].probe, RT_PROBE_SYS_ENTER);
	ck_assert_int_eq(r.rules[1].mode, RULES_MODE_COUNT);
	ck_assert_uint_eq(r.summary_top, 10);
	/* The implicit stdout output, and rules routed to it by default. */
	ck_assert_uint_eq(r.noutputs, 1);
	ck_assert_str_eq(r.outputs[0].name, "stdout");
	ck_assert_uint_eq(r.rules[0].noutputs, 1);
	ck_assert_uint_eq(r.rules[0].outputs[0], 0);
}
END_TEST

START_TEST(test_shipped_rules)
{
	static const char *const files[] = { "hello.yaml", "execsnoop.yaml", "syscount.yaml" };
	size_t i;

	for (i = 0; i < 3; i++) {
		ck_assert_msg(rules_load_file(path_of("../rules", files[i]), &r, err,
					      sizeof(err)) == 0, "%s", err);
		ck_assert_uint_ge(r.nrules, 1);
		rules_free(&r);
	}
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
		"  feed: { type: json, path: /tmp/e.jsonl }\n"
		"rules:\n"
		"  - name: w\n"
		"    probe: execve\n"
		"    attach: tracepoint\n"
		"    filter: { comm: [bash, curl, bash], pid: [1234, 1], exclude_comm: [x],\n"
		"              exclude_pid: [7] }\n"
		"    outputs: [console, audit, ops, feed]\n"
		"  - name: s\n"
		"    probe: sys_enter\n"
		"    mode: stream\n"
		"    filter: { comm: [] }\n"
		"summary: { top: 3 }\n";
	const struct rules_rule *w;

	ck_assert_msg(rules_load_buffer("t", yaml, sizeof(yaml) - 1, &r, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_uint_eq(r.duration_ms, 90000);
	ck_assert_uint_eq(r.noutputs, 5);	/* the implicit stdout first */
	ck_assert_str_eq(r.outputs[1].name, "console");
	ck_assert_int_eq(r.outputs[1].format, RULES_FORMAT_JSON);
	ck_assert(r.outputs[2].append);
	ck_assert_str_eq(r.outputs[2].path, "/tmp/a.csv");
	ck_assert_int_eq(r.outputs[3].facility, LOG_LOCAL0);
	ck_assert_int_eq(r.outputs[3].priority, LOG_NOTICE);
	ck_assert_str_eq(r.outputs[3].ident, "rt");
	ck_assert_str_eq(r.outputs[3].socket, "/run/x");
	ck_assert_int_eq(r.outputs[4].type, RULES_OUT_JSON);
	w = &r.rules[0];
	ck_assert_int_eq(w->attach, RULES_ATTACH_TRACEPOINT);
	ck_assert_uint_eq(w->include.ncomm, 2);	/* deduplicated */
	ck_assert_str_eq(w->include.comm[1], "curl");
	ck_assert_uint_eq(w->include.npid, 2);
	ck_assert_uint_eq(w->exclude.ncomm, 1);
	ck_assert_uint_eq(w->exclude.pid[0], 7);
	ck_assert_uint_eq(w->noutputs, 4);
	ck_assert_uint_eq(w->outputs[3], 4);
	ck_assert_int_eq(r.rules[1].mode, RULES_MODE_STREAM);
	ck_assert_uint_eq(r.rules[1].include.ncomm, 0);
	ck_assert_uint_eq(r.summary_top, 3);
}
END_TEST

/* Several schema errors are all reported, each at its own place. */
START_TEST(test_many_errors)
{
	static const char yaml[] =
		"version: 1\n"
		"rules:\n"
		"  - { name: a, probe: nope }\n"
		"  - { name: b, probe: execve, mode: count, colour: 1 }\n";

	ck_assert_int_eq(rules_load_buffer("t", yaml, sizeof(yaml) - 1, &r, err, sizeof(err)),
			 -EINVAL);
	ck_assert_str_eq(err,
		"t:3:23: unknown probe 'nope' (expected execve or sys_enter)\n"
		"t:4:44: unknown key 'colour' in rule (expected one of: name, probe, attach, mode, "
		"filter, group_by, outputs)\n"
		"t:4:37: mode 'count' is not available for probe execve\n");
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
	ck_assert_int_eq(rules_parse_duration("0s", &ms), -EINVAL);
	ck_assert_int_eq(rules_parse_duration("", &ms), -EINVAL);
	ck_assert_int_eq(rules_parse_duration("s", &ms), -EINVAL);
	ck_assert_int_eq(rules_parse_duration("-1s", &ms), -EINVAL);
	ck_assert_int_eq(rules_parse_duration("1d", &ms), -EINVAL);
	ck_assert_int_eq(rules_parse_duration("99999999999999999999h", &ms), -EINVAL);
	ck_assert_int_eq(rules_parse_duration("9000h", &ms), -EINVAL);	/* over a year */
}
END_TEST

/* A directory, a device, a FIFO and an oversized file: refused fast, no hang. */
START_TEST(test_hostile_files)
{
	char dir[] = "/tmp/check_rules.XXXXXX", path[64];
	int fd;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(rules_load_file(dir, &r, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err + strlen(dir), ": not a regular file\n");
	ck_assert_int_eq(rules_load_file("/dev/zero", &r, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "/dev/zero: not a regular file\n");

	snprintf(path, sizeof(path), "%s/fifo", dir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_int_eq(rules_load_file(path, &r, err, sizeof(err)), -EINVAL);
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
	rmdir(dir);
}
END_TEST

/* "Billion laughs": refused at the first anchor, before anything expands. */
START_TEST(test_billion_laughs)
{
	static const char yaml[] =
		"a: &a [x, x, x, x, x, x, x, x, x]\n"
		"b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
		"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n";

	ck_assert_int_eq(rules_load_buffer("t", yaml, sizeof(yaml) - 1, &r, err, sizeof(err)),
			 -EINVAL);
	ck_assert_str_eq(err, "t:1:4: anchors are not supported\n");
}
END_TEST

/* Errors past RULES_MAX_ERRORS are counted, not listed. */
START_TEST(test_error_cap)
{
	char yaml[8192];
	size_t off;
	int i;

	off = (size_t)snprintf(yaml, sizeof(yaml), "version: 1\nrules:\n");
	for (i = 0; i < 30; i++)
		off += (size_t)snprintf(yaml + off, sizeof(yaml) - off,
					"  - { name: r%d, probe: bad }\n", i);
	ck_assert_int_eq(rules_load_buffer("t", yaml, off, &r, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "t: 10 more errors not shown\n"));
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
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_loop_test(tc, test_bad_fixture, 0, (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, test_every_fixture_listed);
	tcase_add_test(tc, test_default_rules);
	tcase_add_test(tc, test_shipped_rules);
	tcase_add_test(tc, test_full_schema);
	tcase_add_test(tc, test_many_errors);
	tcase_add_test(tc, test_duration);
	tcase_add_test(tc, test_hostile_files);
	tcase_add_test(tc, test_billion_laughs);
	tcase_add_test(tc, test_error_cap);
	suite_add_tcase(su, tc);
	sr = srunner_create(su);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
