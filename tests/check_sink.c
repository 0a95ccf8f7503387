// SPDX-License-Identifier: GPL-2.0-only
/*
 * check_sink.c - the sink layer's schedule of rewrites (types with refresh, as
 * prometheus): on the interval's beat while writes are quick, and never due at
 * once after one slower than its interval, which would keep the run loop
 * rewriting without reading events.
 */
#include <check.h>
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
	suite_add_tcase(su, tc);
	return check_run(su);
}
