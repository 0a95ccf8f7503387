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
	char yaml[1024];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(yaml, sizeof(yaml),
		 "version: 1\n"
		 "outputs:\n"
		 "  j: { type: json, path: %s/j.json }\n"
		 "  k: { type: json, path: %s/k.json }\n"
		 "rules:\n"
		 "  - { name: a, probe: sys_enter, mode: stream, outputs: [j] }\n"
		 "  - { name: b, probe: sys_enter, mode: stream, outputs: [j, k] }\n",
		 dir, dir);
	ck_assert_msg(rules_load_buffer("t.yaml", yaml, strlen(yaml), &r, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_msg(plan_build(&p, &r, NULL, 0, &k, err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(sink_open_all(&p.rules, &pol, NULL, 0, &sinks, err, sizeof(err)) == 0,
		      "%s", err);
	sink_commit_all(sinks, p.rules.noutputs, true);
	memset(&ev, 0, sizeof(ev));
	events_route(&ev, &p, sinks);
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

/* One event matched by both rules: each output gets it once, each rule counts it. */
START_TEST(test_route_once_per_output)
{
	struct rt_syscall_event e = sys_event(0x3);

	ck_assert_int_eq(events_deliver(&ev, &e, sizeof(e)), 0);
	ck_assert_uint_eq(ev.delivered, 1);
	ck_assert_uint_eq(ev.slot[0].delivered, 1);
	ck_assert_uint_eq(ev.slot[1].delivered, 1);
	ck_assert_uint_eq(taken("j"), 1);
	ck_assert_uint_eq(taken("k"), 1);
	e = sys_event(0x1);
	events_deliver(&ev, &e, sizeof(e));
	ck_assert_uint_eq(taken("j"), 2);
	ck_assert_uint_eq(taken("k"), 1);
	ck_assert_uint_eq(ev.slot[0].delivered, 2);
}
END_TEST

START_TEST(test_malformed)
{
	struct rt_syscall_event e = sys_event(0x1);
	struct rt_exec_event x;

	ck_assert_int_eq(events_deliver(&ev, &e, sizeof(e.hdr)), -EINVAL);
	e.hdr.type = 99;
	ck_assert_int_eq(events_deliver(&ev, &e, sizeof(e)), -EINVAL);
	/* An exec event whose args_len runs past its size. */
	memset(&x, 0, sizeof(x));
	x.hdr.type = RT_EVENT_EXEC;
	x.hdr.rules = 1;
	x.args_len = 100;
	ck_assert_int_eq(events_deliver(&ev, &x, offsetof(struct rt_exec_event, args) + 10),
			 -EINVAL);
	ck_assert_uint_eq(ev.malformed, 3);
	ck_assert_uint_eq(ev.delivered, 0);
	ck_assert_uint_eq(ev.slot[0].delivered, 0);
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
	tcase_add_test(tc, test_route_once_per_output);
	tcase_add_test(tc, test_malformed);
	tcase_add_test(tc, test_retired);
	tcase_add_test(tc, test_past_max);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(events_suite());
}
