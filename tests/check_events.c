// SPDX-License-Identifier: GPL-2.0-only
/* check_events.c - decoding, routing by rule slot, figures kept per slot. */
#include <check.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "events.h"
#include "plan.h"
#include "sink.h"
#include "check_run.h"

static struct plan p;
static struct sink **sinks;
static struct events ev;
static char dir[] = "/tmp/check_events.XXXXXX", err[2048];
static struct outfile_policy pol;

static void setup(void)
{
	struct plan_kernel k = { .feat = { .ringbuf = true, .execve_tp = true } };
	struct rules r = { 0 };
	int no_rings[RT_MAX_RULES];
	char yaml[1024];
	unsigned i;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(yaml, sizeof(yaml),
		 "version: 1\n"
		 "outputs:\n"
		 "  j: { type: json, path: %s/j.json }\n"
		 "  k: { type: json, path: %s/k.json }\n"
		 "rules:\n"
		 "  - { name: a, probe: sys_enter, mode: stream, outputs: [j] }\n"
		 "  - { name: b, probe: sys_enter, mode: stream, outputs: [j, k] }\n"
		 "  - { name: c, probe: execve, outputs: [j] }\n"
		 "  - { name: d, probe: execve, outputs: [j, k] }\n",
		 dir, dir);
	ck_assert_msg(rules_load_buffer("t.yaml", yaml, strlen(yaml), &r, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_msg(plan_build(&p, &r, NULL, 0, &k, err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(sink_open_all(&p.rules, &pol, NULL, 0, &sinks, err, sizeof(err)) == 0,
		      "%s", err);
	sink_commit_all(sinks, p.rules.noutputs, true);
	/* Whatever the rule file's default: c shows the most there is, d the default. */
	p.rules.rules[2].max_argv_bytes = RT_ARGS_MAX;
	p.rules.rules[3].max_argv_bytes = RT_ARGS_DEFAULT;
	memset(&ev, 0, sizeof(ev));
	for (i = 0; i < RT_MAX_RULES; i++)
		no_rings[i] = -1;
	ck_assert_msg(events_route(&ev, &p, sinks, no_rings, err, sizeof(err)) == 0, "%s", err);
}

static void teardown(void)
{
	char path[64];

	sink_close_all(sinks, p.rules.noutputs, NULL, 0);
	plan_free(&p);
	snprintf(path, sizeof(path), "%s/j.json", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/k.json", dir);
	unlink(path);
	rmdir(dir);
	strcpy(dir, "/tmp/check_events.XXXXXX");
}

/* All output name has been given, written out: its JSON lines. */
static const char *lines(const char *name)
{
	static char text[1 << 20];
	char path[64];
	FILE *f;
	size_t n;

	sink_flush_all(sinks, p.rules.noutputs);
	snprintf(path, sizeof(path), "%s/%s.json", dir, name);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	ck_assert(!ferror(f) && feof(f));
	fclose(f);
	text[n] = '\0';
	return text;
}

/* How many times needle is in s. */
static size_t count(const char *s, const char *needle)
{
	size_t n = 0;

	for (; (s = strstr(s, needle)); s++)
		n++;
	return n;
}

/* Events output name holds: written, or buffered to be. */
static uint64_t taken(const char *name)
{
	size_t i;

	for (i = 0; i < p.rules.noutputs; i++)
		if (!strcmp(sinks[i]->cfg->name, name))
			return sinks[i]->pending + sinks[i]->written;
	ck_abort_msg("no output %s", name);
	return 0;
}

static struct rt_syscall_event sys_event(__u64 rules)
{
	struct rt_syscall_event e;

	memset(&e, 0, sizeof(e));
	e.hdr.type = RT_EVENT_SYSCALL;
	e.hdr.rules = rules;
	e.hdr.pid = e.hdr.tid = 42;
	memcpy(e.hdr.comm, "w", 2);
	e.nr = 39;
	return e;
}

/*
 * One event matched by both rules (one perf buffer copy names both): each rule's
 * outputs get it under that rule, so j, which both use, gets it twice.
 */
START_TEST(test_route_per_rule)
{
	struct rt_syscall_event e = sys_event(0x3);

	ck_assert_int_eq(events_deliver(&ev, &e, sizeof(e)), 0);
	ck_assert_uint_eq(ev.delivered, 1);
	ck_assert_uint_eq(ev.slot[0].delivered, 1);
	ck_assert_uint_eq(ev.slot[1].delivered, 1);
	ck_assert_uint_eq(taken("j"), 2);
	ck_assert_uint_eq(taken("k"), 1);
	e = sys_event(0x1);
	events_deliver(&ev, &e, sizeof(e));
	ck_assert_uint_eq(taken("j"), 3);
	ck_assert_uint_eq(taken("k"), 1);
	ck_assert_uint_eq(ev.slot[0].delivered, 2);
}
END_TEST

START_TEST(test_malformed)
{
	struct rt_syscall_event e = sys_event(0x1);

	ck_assert_int_eq(events_deliver(&ev, &e, sizeof(e.hdr)), -EINVAL);
	ck_assert_int_eq(events_deliver(&ev, &e, sizeof(e) - 1), -EINVAL);
	e.hdr.type = 99;
	ck_assert_int_eq(events_deliver(&ev, &e, sizeof(e)), -EINVAL);
	ck_assert_uint_eq(ev.malformed, 3);
	ck_assert_uint_eq(ev.delivered, 0);
	ck_assert_uint_eq(ev.slot[0].delivered, 0);
}
END_TEST

#define EXEC_HEAD offsetof(struct rt_exec_event, data)

static struct rt_exec_event xe;

/*
 * An exec record for rules: "/bin/a" running nargs arguments of arglen a's each,
 * all read; its size as the kernel sends it.
 */
static size_t exec_record(__u64 rules, unsigned nargs, size_t arglen)
{
	char *at;
	unsigned i;

	memset(&xe, 0, sizeof(xe));
	xe.hdr.type = RT_EVENT_EXEC;
	xe.hdr.rules = rules;
	xe.hdr.pid = xe.hdr.tid = 42;
	memcpy(xe.hdr.comm, "sh", 3);
	memcpy(xe.pcomm, "init", 5);
	xe.ppid = 1;
	xe.filename_len = 7;
	memcpy(xe.data, "/bin/a", 7);
	at = xe.data + xe.filename_len;
	for (i = 0; i < nargs; i++, at += arglen + 1) {
		memset(at, 'a', arglen);
		at[arglen] = '\0';
	}
	xe.argc = nargs;
	xe.args_len = xe.args_total = (__u32)(nargs * (arglen + 1));
	return EXEC_HEAD + xe.filename_len + xe.args_len;
}

/* Deliver the first size bytes of xe from a buffer of that size: no byte more to read. */
static int deliver_exec(size_t size)
{
	void *copy = xmalloc(size);
	int ret;

	memcpy(copy, &xe, size);
	ret = events_deliver(&ev, copy, size);
	free(copy);
	return ret;
}

/* One malformed record more: rejected. */
static void reject(size_t size, size_t *n)
{
	ck_assert_int_eq(deliver_exec(size), -EINVAL);
	(*n)++;
}

/* Exec records whose lengths do not hold up: each rejected, counted, never shown. */
START_TEST(test_exec_malformed)
{
	size_t size, n = 0;

	/* Shorter than its fixed part. */
	size = exec_record(1 << 2, 2, 3);
	reject(EXEC_HEAD - 1, &n);
	/* No filename, not even its NUL. */
	exec_record(1 << 2, 2, 3);
	xe.filename_len = 0;
	reject(size, &n);
	/* A filename longer than the kernel ever sends, in a record that holds it. */
	exec_record(1 << 2, 0, 0);
	xe.filename_len = RT_FILENAME_LEN + 1;
	memset(xe.data, 'f', RT_FILENAME_LEN);
	xe.data[RT_FILENAME_LEN] = '\0';
	reject(EXEC_HEAD + RT_FILENAME_LEN + 1, &n);
	/* Arguments running past the record's end, by one byte. */
	size = exec_record(1 << 2, 2, 3);
	reject(size - 1, &n);
	/* More argument bytes than the kernel ever sends, in a record that holds them. */
	exec_record(1 << 2, 0, 0);
	xe.args_len = xe.args_total = RT_ARGS_MAX + 1;
	reject(EXEC_HEAD + 7 + RT_ARGS_MAX + 1, &n);
	/* A filename that does not end at filename_len: no NUL there, or one before. */
	size = exec_record(1 << 2, 2, 3);
	xe.data[6] = 'x';
	reject(size, &n);
	exec_record(1 << 2, 2, 3);
	xe.data[3] = '\0';
	reject(size, &n);
	/* More argument bytes than the whole argument area had. */
	exec_record(1 << 2, 2, 3);
	xe.args_total = xe.args_len - 1;
	reject(size, &n);
	/* A result that is neither 0 nor an errno. */
	exec_record(1 << 2, 2, 3);
	xe.result = 1;
	reject(size, &n);
	xe.result = -4096;
	reject(size, &n);

	ck_assert_uint_eq(ev.malformed, n);
	ck_assert_uint_eq(ev.delivered, 0);
	ck_assert_uint_eq(ev.execs, 0);
	ck_assert_uint_eq(ev.slot[2].delivered, 0);
	ck_assert_uint_eq(taken("j"), 0);
}
END_TEST

/* The limits of what is well-formed are accepted: the checks are not stricter than the ABI. */
START_TEST(test_exec_bounds)
{
	/* The longest filename, the most argument bytes, a failed exec's lowest errno. */
	exec_record(1 << 2, 0, 0);
	memset(xe.data, 'f', RT_FILENAME_LEN - 1);
	xe.data[RT_FILENAME_LEN - 1] = '\0';
	xe.filename_len = RT_FILENAME_LEN;
	memset(xe.data + RT_FILENAME_LEN, 'a', RT_ARGS_MAX);
	xe.data[RT_FILENAME_LEN + RT_ARGS_MAX - 1] = '\0';
	xe.argc = 1;
	xe.args_len = xe.args_total = RT_ARGS_MAX;
	xe.result = -4095;
	ck_assert_int_eq(deliver_exec(EXEC_HEAD + RT_FILENAME_LEN + RT_ARGS_MAX), 0);
	/* An unreadable filename is its NUL alone; a perf sample comes padded (by 7 here). */
	exec_record(1 << 2, 2, 3);
	xe.data[0] = '\0';
	xe.filename_len = 1;
	xe.flags = RT_EXEC_FILENAME_FAULT;
	memcpy(xe.data + 1, "aaa\0aaa\0", 8);
	ck_assert_int_eq(deliver_exec(EXEC_HEAD + 1 + 8 + 7), 0);
	ck_assert_uint_eq(ev.malformed, 0);
	ck_assert_uint_eq(ev.delivered, 2);
	ck_assert_uint_eq(ev.execs, 2);
	ck_assert_uint_eq(ev.slot[2].delivered, 2);
	ck_assert_uint_eq(taken("j"), 2);
}
END_TEST

/*
 * Each sink sees an exec as the rule it is routed under shows it: c keeps all of
 * 100 KiB of arguments, d its first 8192 bytes. j is c's and d's: once named
 * after c, whole, and once after d, cut; k is d's alone: cut.
 */
START_TEST(test_exec_view_per_rule)
{
	size_t size = exec_record((1 << 2) | (1 << 3), 100, 1023);

	ck_assert_uint_eq(xe.args_len, 102400);
	ck_assert_int_eq(deliver_exec(size), 0);
	ck_assert_uint_eq(ev.slot[2].delivered, 1);
	ck_assert_uint_eq(ev.slot[3].delivered, 1);
	ck_assert_ptr_nonnull(strstr(lines("j"), "\"rule\":\"c\","));
	ck_assert_ptr_nonnull(strstr(lines("j"), ",\"pcomm\":\"init\",\"result\":\"ok\","));
	ck_assert_ptr_nonnull(strstr(lines("j"), "\"argc\":100,"));
	ck_assert_ptr_nonnull(strstr(lines("j"), "\"argv_truncated\":false,\"argv_cut\":null,"));
	ck_assert_ptr_nonnull(strstr(lines("k"), "\"rule\":\"d\","));
	ck_assert_ptr_nonnull(strstr(lines("k"), "\"argv_truncated\":true,\"argv_cut\":"
				     "{\"args\":92,\"bytes\":94208,\"exact\":true},"));
	/* j holds the 100 arguments whole and 8 of them, k 8 of them. */
	ck_assert_ptr_nonnull(strstr(lines("j"), "\"rule\":\"d\","));
	ck_assert_uint_eq(count(lines("j"), "\"aaa"), 108);
	ck_assert_uint_eq(count(lines("k"), "\"aaa"), 8);
	ck_assert_ptr_nonnull(strstr(lines("k"), "aaa\"],\"argv_truncated\":true,"));
}
END_TEST

/* One rule, two sinks: both get the same view of it. */
START_TEST(test_exec_view_shared)
{
	size_t size = exec_record(1 << 3, 100, 1023);
	char *j;

	ck_assert_int_eq(deliver_exec(size), 0);
	j = xstrdup(lines("j"));
	ck_assert_str_eq(j, lines("k"));
	free(j);
	ck_assert_ptr_nonnull(strstr(lines("j"), "\"rule\":\"d\","));
	ck_assert_ptr_nonnull(strstr(lines("j"), "\"argv_cut\":{\"args\":92,"));
	/* A later event under c alone is viewed anew, not as d's was. */
	size = exec_record(1 << 2, 100, 1023);
	ck_assert_int_eq(deliver_exec(size), 0);
	ck_assert_ptr_nonnull(strstr(strstr(lines("j"), "\"rule\":\"c\","),
				     "\"argv_cut\":null,"));
	ck_assert_uint_eq(ev.execs, 2);
}
END_TEST

/* A slot whose rule was removed: its late events are seen, counted, not written. */
START_TEST(test_retired)
{
	struct rt_syscall_event e = sys_event(0x2);

	events_retire(&ev, 1, 1);
	ck_assert_int_eq(events_deliver(&ev, &e, sizeof(e)), 0);
	ck_assert_uint_eq(ev.slot[1].retired_seen, 1);
	ck_assert_uint_eq(ev.slot[1].delivered, 0);
	ck_assert_uint_eq(ev.delivered, 0);
	ck_assert_uint_eq(taken("k"), 0);
	/* A bit no rule ever had is the same. */
	e = sys_event(1ULL << 40);
	events_deliver(&ev, &e, sizeof(e));
	ck_assert_uint_eq(ev.slot[40].retired_seen, 1);
}
END_TEST

START_TEST(test_past_max)
{
	struct rt_syscall_event e = sys_event(0x3);

	ev.max_events = 1;
	events_deliver(&ev, &e, sizeof(e));
	events_deliver(&ev, &e, sizeof(e));
	events_deliver(&ev, &e, sizeof(e));
	ck_assert(events_done(&ev));
	ck_assert_uint_eq(ev.delivered, 1);
	ck_assert_uint_eq(ev.past_max, 2);
	ck_assert_uint_eq(ev.slot[0].past_max, 2);
	ck_assert_uint_eq(ev.slot[1].past_max, 2);
}
END_TEST

static Suite *events_suite(void)
{
	Suite *s = suite_create("events");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_route_per_rule);
	tcase_add_test(tc, test_malformed);
	tcase_add_test(tc, test_exec_malformed);
	tcase_add_test(tc, test_exec_bounds);
	tcase_add_test(tc, test_exec_view_per_rule);
	tcase_add_test(tc, test_exec_view_shared);
	tcase_add_test(tc, test_retired);
	tcase_add_test(tc, test_past_max);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(events_suite());
}
