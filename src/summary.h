/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * summary.h - the exit summary: counters gathered from the kernel and from event
 * delivery, per rule, sorted for display. summary.c owns sorting, the text form and
 * how every output names a counter's syscall.
 */
#ifndef SUMMARY_H
#define SUMMARY_H

#include <stddef.h>
#include <stdint.h>

#include "rules.h"
#include "util.h"

/* One counter; the fields its rule does not group by are zero. */
struct summary_count {
	char comm[RT_COMM_LEN];
	uint32_t pid;
	uint32_t nr;		/* syscall number */
	uint64_t count;
	/* group_by cgroup, unit, container: the counter's, owned; NULL when the rule
	 * does not group by it or the cgroup is in no unit or container. */
	char *cgroup;
	char *unit;
	char *container;
};

/*
 * One rule's figures. A stream rule's add up: matched = delivered + suppressed +
 * lost + unread + past_max.
 */
struct summary_rule {
	const struct rules_rule *rule;
	char attach[96];		/* how its probe was attached */
	uint64_t delivered;		/* events handed to the rule's sinks */
	uint64_t matched;		/* kernel: stream events the rule accepted */
	uint64_t lost;			/* kernel: of those, dropped (event buffer full) */
	uint64_t unread;		/* still buffered when the stop's drain time ran out */
	uint64_t past_max;		/* arrived after --max-events was met: not delivered */
	uint64_t suppressed;		/* kernel: over its rate_limit, dropped before copying */
	uint64_t count_full;		/* kernel: its syscalls not counted, count map full */
	uint64_t follow_full;		/* kernel: descendants not followed, pid map full */
	uint64_t outputs_lost;		/* its events that one of its outputs did not write */
	uint64_t *output_lost;		/* of those, each output's by index in rules.outputs: nsinks
					 * entries, from summary_init to summary_free */
	uint64_t counted;		/* count rules: sum of counts */
	struct summary_count *counts;	/* count rules: sorted, largest first */
	size_t ncounts;
};

/*
 * One output's figures. A prometheus output takes no events (its counters show
 * them): its written counts the times its file was written, failed_writes those
 * that failed while it went on (each retried at its next interval).
 */
struct summary_sink {
	const struct rules_output *output;
	uint64_t written;
	uint64_t lost;			/* events it could not write */
	uint64_t dropped;		/* of those, dropped while it stayed up */
	uint64_t failed_writes;		/* prometheus: file writes that failed, retried */
	int error;			/* -errno of that failure, 0 if none */
};

struct summary {
	double run_seconds;
	double start_time;		/* when the run started: seconds since the epoch */
	unsigned top;			/* rows of counts to show per rule */
	uint64_t execs;			/* exec events delivered */
	uint64_t count_map_full;	/* kernel: counts not kept, map full (rules' count_full) */
	uint64_t follow_map_full;	/* kernel: descendants not followed, pid map full (the
					 * rules' follow_full) */
	uint64_t cgroup_filter_full;	/* kernel: new cgroups the filters name, not matched:
					 * the cgroup filter was full (a loss) */
	uint64_t removed_lost;		/* lost by rules a reload removed, before it */
	uint64_t removed_suppressed;	/* suppressed by their rate limits */
	unsigned reloads;		/* rule files applied by SIGHUP */
	double reload_at[8];		/* seconds into the run of the first 8 reloads */
	struct summary_rule *rules;
	size_t nrules;
	struct summary_sink *sinks;
	size_t nsinks;
};

/* Allocate one summary_rule per rule and one summary_sink per output of r. */
void summary_init(struct summary *s, const struct rules *r);

/* Record counter key (comm, pid, nr) = n in rule sr; summary_sort merges repeats. */
void summary_add_count(struct summary_rule *sr, const char *comm, uint32_t pid, uint32_t nr,
		       uint64_t n);

/* The same with cgroup labels (copied; NULL for none): the key includes them. */
void summary_add_count_labelled(struct summary_rule *sr, const char *comm, uint32_t pid,
				uint32_t nr, const char *const labels[3], uint64_t n);

/* Merge counters of equal keys, then sort each rule's: largest first, then by key. */
void summary_sort(struct summary *s);

/*
 * Losses anywhere: kernel buffer, unread at stop, full count or pid map, sinks.
 * Never what a rate limit suppressed: that is what the rule file asked for.
 */
uint64_t summary_lost(const struct summary *s);

/* Events every rule's rate_limit suppressed, together, removed rules' too. */
uint64_t summary_suppressed(const struct summary *s);

/* Room for any syscall number in decimal, NUL included. */
#define SUMMARY_NR_LEN 21

/*
 * How the outputs name a syscall: by name, or, where name is NULL (this
 * architecture has none for it), by nr in decimal, written in buf and returned.
 */
const char *summary_syscall_label(const char *name, uint64_t nr, char buf[SUMMARY_NR_LEN]);

/* How counter c's syscall is named: summary_syscall_label of its name here. */
const char *summary_count_syscall(const struct summary_count *c, char buf[SUMMARY_NR_LEN]);

/* A comm in a column of text: escaped for a terminal, padded with spaces to 16 bytes. */
void summary_text_comm(struct strbuf *sb, const char *comm);

/* The human-readable exit summary. */
void summary_format_text(const struct summary *s, struct strbuf *out);

void summary_free(struct summary *s);

#endif /* SUMMARY_H */
