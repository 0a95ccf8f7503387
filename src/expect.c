// SPDX-License-Identifier: GPL-2.0-only
/*
 * expect.c - expectations judged after the last collection. A figure is exact
 * unless a full map kept something from it; then the true value is known only to
 * lie on one side of it, and an expectation that bound cannot settle is
 * undecided, which fails: a gate must not pass on a figure it cannot trust.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expect.h"

static const char *const bound_names[] = { "exact", "lower", "upper", "none" };
static const char *const bound_phrases[] = { "exact", "a lower bound", "an upper bound",
					     "neither exact nor a bound" };
static const char *const verdict_names[] = { "met", "failed", "undecided" };

/* Names as the JSON summary gives them. */
const char *expect_bound_name(enum expect_bound b)
{
	return (unsigned)b < ARRAY_SIZE(bound_names) ? bound_names[b] : "?";
}

/* One more reason in why, after a "; " when there is one already. */
static void why_add(char why[EXPECT_WHY_LEN], const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void why_add(char why[EXPECT_WHY_LEN], const char *fmt, ...)
{
	size_t len = strlen(why);
	va_list ap;

	if (len && len + 2 < EXPECT_WHY_LEN) {
		memcpy(why + len, "; ", 3);
		len += 2;
	}
	va_start(ap, fmt);
	vsnprintf(why + len, EXPECT_WHY_LEN - len, fmt, ap);
	va_end(ap);
}

static bool has_cgroup_filter(const struct rules_filter *f)
{
	return f->ncgroup || f->nunit || f->ncontainer;
}

/*
 * What kept rule sr's figure of measure m from being exact, into why, and so
 * which side of it the true value is on. A full count map left syscalls
 * uncounted; a full pid map left descendants unfollowed; a full cgroup filter
 * left new cgroups out of it, unmatched by an include (fewer seen) and not left
 * out by an exclude (more seen). The cgroup filter is the run's: any rule with
 * such a filter may be the one it failed.
 */
static enum expect_bound figure_bound(const struct summary *s, const struct summary_rule *sr,
				      enum rules_measure m, char why[EXPECT_WHY_LEN])
{
	const struct rules_rule *rule = sr->rule;
	bool lower = false, upper = false;

	why[0] = '\0';
	if (m == RULES_MEASURE_COUNTED && sr->count_full) {
		lower = true;
		why_add(why, "count map full, syscalls not counted: %llu",
			(unsigned long long)sr->count_full);
	}
	if (sr->follow_full) {
		lower = true;
		why_add(why, "pid map full, descendants not followed: %llu",
			(unsigned long long)sr->follow_full);
	}
	if (s->cgroup_filter_full && has_cgroup_filter(&rule->include)) {
		lower = true;
		why_add(why, "cgroup filter full, new cgroups not matched: %llu",
			(unsigned long long)s->cgroup_filter_full);
	}
	if (s->cgroup_filter_full && has_cgroup_filter(&rule->exclude)) {
		upper = true;
		why_add(why, "cgroup filter full, new cgroups not excluded: %llu",
			(unsigned long long)s->cgroup_filter_full);
	}
	if (lower)
		return upper ? EXPECT_NONE : EXPECT_LOWER;
	return upper ? EXPECT_UPPER : EXPECT_EXACT;
}

/* The true value is in [lo, hi]: the figure itself, or from it one way. */
enum expect_verdict expect_judge(uint64_t v, enum expect_bound b, uint64_t min, uint64_t max)
{
	uint64_t lo = b == EXPECT_EXACT || b == EXPECT_LOWER ? v : 0;
	uint64_t hi = b == EXPECT_EXACT || b == EXPECT_UPPER ? v : UINT64_MAX;

	if (hi < min || lo > max)
		return EXPECT_FAILED;
	if (lo >= min && hi <= max)
		return EXPECT_MET;
	return EXPECT_UNDECIDED;
}

/* Each rule's expectations in measure order, each on its rule's own figures. */
void expect_evaluate(const struct summary *s, struct expect_report *out)
{
	size_t i, n = 0;
	unsigned m;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < s->nrules; i++)
		for (m = 0; m < RULES_MEASURES; m++)
			n += s->rules[i].rule->expect[m].set;
	out->results = xcalloc(n + 1, sizeof(*out->results));
	for (i = 0; i < s->nrules; i++) {
		const struct summary_rule *sr = &s->rules[i];

		for (m = 0; m < RULES_MEASURES; m++) {
			const struct rules_expect *e = &sr->rule->expect[m];
			struct expect_result *x;

			if (!e->set)
				continue;
			x = &out->results[out->n++];
			x->rule = sr->rule;
			x->measure = (enum rules_measure)m;
			x->min = e->min;
			x->max = e->max;
			/* Events matched count those lost and suppressed too: they happened. */
			x->value = m == RULES_MEASURE_EVENTS ? sr->matched : sr->counted;
			x->bound = figure_bound(s, sr, x->measure, x->why);
			x->verdict = expect_judge(x->value, x->bound, x->min, x->max);
			if (x->verdict == EXPECT_MET) {
				out->met++;
			} else {
				out->failed++;
				out->undecided += x->verdict == EXPECT_UNDECIDED;
			}
		}
	}
}

/* N when min is max; the open end left out; both ends otherwise. */
void expect_format_range(struct strbuf *out, uint64_t min, uint64_t max)
{
	if (min == max)
		strbuf_addf(out, "%llu", (unsigned long long)min);
	else if (max == UINT64_MAX)
		strbuf_addf(out, "at least %llu", (unsigned long long)min);
	else if (!min)
		strbuf_addf(out, "at most %llu", (unsigned long long)max);
	else
		strbuf_addf(out, "%llu to %llu", (unsigned long long)min,
			    (unsigned long long)max);
}

/*
 * "expect NAME: MEASURE VALUE, wanted RANGE: VERDICT", and for a figure that is
 * a bound what made it one: "; the figure is a lower bound (WHY)", or, when
 * that left it open, "undecided: the figure is a lower bound (WHY)".
 */
void expect_format_text(const struct expect_report *r, struct strbuf *out)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		const struct expect_result *x = &r->results[i];

		strbuf_addf(out, "expect %s: %s %llu, wanted ", x->rule->name,
			    rules_measure_name(x->measure), (unsigned long long)x->value);
		expect_format_range(out, x->min, x->max);
		strbuf_addf(out, ": %s", verdict_names[x->verdict]);
		if (x->bound != EXPECT_EXACT)
			strbuf_addf(out, "%s the figure is %s (%s)",
				    x->verdict == EXPECT_UNDECIDED ? ":" : ";",
				    bound_phrases[x->bound], x->why);
		strbuf_addc(out, '\n');
	}
	if (!r->n)
		return;
	if (r->failed) {
		strbuf_addf(out, "expectations: %u of %zu failed", r->failed, r->n);
		if (r->undecided)
			strbuf_addf(out, " (%u undecided)", r->undecided);
		strbuf_addc(out, '\n');
	} else {
		strbuf_addf(out, "expectations: %zu of %zu met\n", r->n, r->n);
	}
}

/* The results are one array: free it, and zero r so a second call does nothing. */
void expect_free(struct expect_report *r)
{
	free(r->results);
	memset(r, 0, sizeof(*r));
}
