// SPDX-License-Identifier: GPL-2.0-only
/*
 * check_sink.c - the sink layer's schedule of rewrites (types with refresh, as
 * prometheus): on the interval's beat while writes are quick, and never due at
 * once after one slower than its interval, which would keep the run loop
 * rewriting without reading events. And datagram types (send_record, as
 * syslog): each record sent whole as one message, kept while the destination
 * cannot take it, and one it refuses counted lost against its rule.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sink.h"
#include "summary.h"
#include "check_run.h"

static unsigned rewrites;
static long rewrite_ms;		/* how long the fake rewrite takes */

static int fake_refresh(struct sink *s, const struct summary *sum, char *err, size_t errlen)
{
	struct timespec ts = { rewrite_ms / 1000, rewrite_ms % 1000 * 1000000L };

	(void)s, (void)sum, (void)err, (void)errlen;
	while (nanosleep(&ts, &ts))
		;
	rewrites++;
	return 0;
}

static const struct sink_ops fake_ops = { .type = "fake", .refresh = fake_refresh };
static struct rules_output cfg = { .name = "p", .interval_ms = 100 };
static struct summary sum;

static void fake_sink(struct sink *s)
{
	memset(s, 0, sizeof(*s));
	s->ops = &fake_ops;
	s->cfg = &cfg;
	s->fd = -1;
	rewrites = 0;
}

/* A datagram type: its messages as sent, and what the next sends answer. */
static char sent[8][16];
static unsigned nsent, nevents;
static int answers[8];		/* 0, -EAGAIN, SINK_REFUSED: one per call, then 0 */
static unsigned nanswers, calls;

static int dgram_write_event(struct sink *s, const struct sink_event *ev)
{
	(void)ev;
	strbuf_addf(&s->buf, "e%u", ++nevents);
	return 0;
}

static int dgram_send(struct sink *s, const char *p, size_t n)
{
	int ret = calls < nanswers ? answers[calls] : 0;

	(void)s;
	calls++;
	if (ret == 0) {
		ck_assert_uint_lt(nsent, 8);
		ck_assert_uint_lt(n, sizeof(sent[0]));
		memcpy(sent[nsent], p, n);
		sent[nsent++][n] = '\0';
	}
	return ret;
}

static const struct sink_ops dgram_ops = {
	.type = "dgram", .buffered = true, .write_event = dgram_write_event,
	.send_record = dgram_send,
};

static void dgram_sink(struct sink *s, const int *script, unsigned n)
{
	memset(s, 0, sizeof(*s));
	s->ops = &dgram_ops;
	s->cfg = &cfg;
	s->fd = 1;	/* never written: the type sends its records itself */
	strbuf_init(&s->buf);
	memset(sent, 0, sizeof(sent));
	nsent = nevents = calls = 0;
	memcpy(answers, script, n * sizeof(*script));
	nanswers = n;
}

/* Each event one message, whole; a full socket keeps them, in order, for later. */
START_TEST(test_dgram_wait)
{
	static const int script[] = { -EAGAIN, -EAGAIN };
	struct sink s, *sinks[] = { &s };
	struct sink_event ev = { .slot = 3 };
	int i;

	dgram_sink(&s, script, 2);
	for (i = 0; i < 3; i++)
		sink_write(&s, &ev);
	sink_flush_all(sinks, 1);
	sink_flush_all(sinks, 1);
	ck_assert_uint_eq(nsent, 0);
	ck_assert_uint_eq(s.pending, 3);
	ck_assert(sink_backlog(sinks, 1));
	sink_flush_all(sinks, 1);
	ck_assert_uint_eq(nsent, 3);
	ck_assert_str_eq(sent[0], "e1");
	ck_assert_str_eq(sent[1], "e2");
	ck_assert_str_eq(sent[2], "e3");
	ck_assert_uint_eq(s.written, 3);
	ck_assert_uint_eq(s.pending, 0);
	ck_assert_uint_eq(s.lost, 0);
	ck_assert(!sink_backlog(sinks, 1));
	/* Messages that are not events, each its own. */
	strbuf_adds(&s.buf, "sum-a");
	sink_end_record(&s);
	strbuf_adds(&s.buf, "sum-b");
	sink_flush_all(sinks, 1);
	ck_assert_uint_eq(nsent, 5);
	ck_assert_str_eq(sent[3], "sum-a");
	ck_assert_str_eq(sent[4], "sum-b");
	ck_assert_uint_eq(s.written, 3);
	strbuf_free(&s.buf);
	free(s.recs);
}
END_TEST

/* A message the destination refuses for good: lost, counted against its rule. */
START_TEST(test_dgram_refused)
{
	static const int script[] = { 0, SINK_REFUSED };
	struct sink s, *sinks[] = { &s };
	struct sink_event ev = { .slot = 5 };
	int i;

	dgram_sink(&s, script, 2);
	for (i = 0; i < 3; i++)
		sink_write(&s, &ev);
	sink_flush_all(sinks, 1);
	ck_assert_uint_eq(nsent, 2);
	ck_assert_str_eq(sent[0], "e1");
	ck_assert_str_eq(sent[1], "e3");
	ck_assert_uint_eq(s.written, 2);
	ck_assert_uint_eq(s.lost, 1);
	ck_assert_uint_eq(s.dropped, 1);
	ck_assert_uint_eq(s.lost_by_slot[5], 1);
	ck_assert_uint_eq(s.pending, 0);
	ck_assert_int_eq(s.error, 0);
	strbuf_free(&s.buf);
	free(s.recs);
}
END_TEST

/* Quick rewrites keep the beat: due an interval after the last was due. */
START_TEST(test_beat)
{
	struct sink s, *sinks[] = { &s };
	double due;

	fake_sink(&s);
	rewrite_ms = 1;
	s.refresh_at = mono_seconds() - 0.01;
	due = s.refresh_at;
	sink_refresh_all(sinks, 1, &sum, mono_seconds());
	ck_assert_uint_eq(rewrites, 1);
	ck_assert(s.refresh_at == due + 0.1);
	/* Not due yet: nothing written. */
	sink_refresh_all(sinks, 1, &sum, mono_seconds());
	ck_assert_uint_eq(rewrites, 1);
}
END_TEST

/* A rewrite longer than the interval: the next is an interval after it ended. */
START_TEST(test_slow_rewrite)
{
	struct sink s, *sinks[] = { &s };
	double end;
	int i;

	fake_sink(&s);
	rewrite_ms = 250;
	for (i = 0; i < 2; i++) {	/* the first write (due at once), then a late one */
		sink_refresh_all(sinks, 1, &sum, mono_seconds());
		end = mono_seconds();
		ck_assert_uint_eq(rewrites, (unsigned)i + 1);
		ck_assert_msg(s.refresh_at > end + 0.05, "due %.3f s after the rewrite ended",
			      s.refresh_at - end);
		ck_assert(s.refresh_at <= end + 0.1);
		s.refresh_at = mono_seconds() - 0.2;	/* fallen behind */
	}
}
END_TEST

int main(void)
{
	Suite *su = suite_create("sink");
	TCase *tc = tcase_create("refresh");

	tcase_add_test(tc, test_beat);
	tcase_add_test(tc, test_slow_rewrite);
	tcase_add_test(tc, test_dgram_wait);
	tcase_add_test(tc, test_dgram_refused);
	suite_add_tcase(su, tc);
	return check_run(su);
}
