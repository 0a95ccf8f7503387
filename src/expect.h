/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * expect.h - a rule file's expectations (expect:) judged against the exit
 * summary: for each one the figure, whether that figure is exact or only a bound
 * (and what made it one), and met, failed or undecided. Pure: a summary in,
 * plain results out; main.c turns a failure into exit status 4.
 */
#ifndef EXPECT_H
#define EXPECT_H

#include <stddef.h>
#include <stdint.h>

#include "rules.h"
#include "summary.h"
#include "util.h"

/* Where the true value lies, given the figure. */
enum expect_bound {
	EXPECT_EXACT = 0,	/* it is the figure */
	EXPECT_LOWER,		/* the figure or more: some went unseen (a map was full) */
	EXPECT_UPPER,		/* the figure or less: some were let in (an exclude was full) */
	EXPECT_NONE,		/* anywhere: both at once */
};

enum expect_verdict {
	EXPECT_MET = 0,
	EXPECT_FAILED,
	EXPECT_UNDECIDED,	/* the bound cannot tell: counted as failed */
};

#define EXPECT_WHY_LEN 256

struct expect_result {
	const struct rules_rule *rule;	/* the summary's, so the plan's */
	enum rules_measure measure;
	uint64_t min;
	uint64_t max;			/* UINT64_MAX: no upper bound */
	uint64_t value;			/* the figure */
	enum expect_bound bound;
	enum expect_verdict verdict;
	char why[EXPECT_WHY_LEN];	/* what made the figure a bound; "" when exact */
};

struct expect_report {
	struct expect_result *results;	/* in rule order, then measure order */
	size_t n;
	unsigned met;
	unsigned failed;		/* undecided ones included */
	unsigned undecided;
};

/*
 * Judge every expectation of the rules of s (its final figures) into *out,
 * which expect_free releases. A rule file without expectations gives n == 0.
 */
void expect_evaluate(const struct summary *s, struct expect_report *out);

/*
 * Where the true value of a figure v of bound b lies, and so whether [min, max]
 * holds it: met when all of it is inside, failed when none is, else undecided.
 */
enum expect_verdict expect_judge(uint64_t v, enum expect_bound b, uint64_t min, uint64_t max);

/* "exact", "lower", "upper" or "none"; "?" for anything else. */
const char *expect_bound_name(enum expect_bound b);

/* A wanted range as a person says it: "5", "at least 5", "at most 5", "5 to 9". */
void expect_format_range(struct strbuf *out, uint64_t min, uint64_t max);

/*
 * The report as text lines for the exit summary, one per expectation, then
 * "expectations: F of N failed" (or "N of N met"); nothing when there are none.
 */
void expect_format_text(const struct expect_report *r, struct strbuf *out);

/* Free what expect_evaluate allocated and zero r; safe twice. */
void expect_free(struct expect_report *r);

#endif /* EXPECT_H */
