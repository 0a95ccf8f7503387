/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * summary_json.h - the exit summary as one JSON object (--summary-json), for
 * scripts: what ran, on which kernel, what each rule saw, and every loss with the
 * place it happened. The schema is documented in ruletrace(8).
 */
#ifndef SUMMARY_JSON_H
#define SUMMARY_JSON_H

#include <time.h>

#include "expect.h"
#include "rules.h"
#include "summary.h"
#include "util.h"

struct summary_json_run {
	const char *rules_path;
	struct timespec start, end;	/* CLOCK_REALTIME */
	int exit_status;
	uint64_t max_events;		/* 0: none */
	uint64_t past_max;		/* events not delivered after max_events */
	const struct expect_report *expect;	/* the expectations judged; NULL: none */
};

/* Append the summary object (and a newline) to out. */
void summary_json_format(struct strbuf *out, const struct summary *sum,
			 const struct summary_json_run *run);

#endif /* SUMMARY_JSON_H */
