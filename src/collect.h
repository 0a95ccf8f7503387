/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * collect.h - the summary gathered from the figures' owners, last: the plan
 * (which rules and outputs), the kernel's counters, the event consumer and the
 * sinks. Nothing else writes into a struct summary.
 */
#ifndef COLLECT_H
#define COLLECT_H

#include "events.h"
#include "loader.h"
#include "plan.h"
#include "sink.h"
#include "summary.h"

struct collect_run {
	const struct plan *plan;
	const struct loader_counters *kernel;
	const struct events *events;
	struct sink *const *sinks;	/* one per plan->rules.outputs */
	enum probe_execve_mode execve;	/* how execve is attached */
	struct cgroups *cgroups;	/* names counters' cgroups; NULL: none */
	uint64_t removed_lost;		/* lost by rules and outputs reloads removed */
	uint64_t removed_suppressed;	/* suppressed by the rate limits of removed rules */
	unsigned reloads;
	const double *reload_at;	/* seconds into the run of the first 8 */
	double run_seconds;
	struct timespec start;		/* CLOCK_REALTIME when the run started */
};

/* Replace what s holds with the summary of run, counters sorted. */
void collect_summary(struct summary *s, const struct collect_run *run);

#endif /* COLLECT_H */
