// SPDX-License-Identifier: GPL-2.0-only
/* prom.c - struct summary -> the Prometheus text exposition format. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "prom.h"
#include "sink_format.h"

/* One series of a count rule: its labels (in a buffer of them all), its count. */
struct prom_series {
	const char *labels;
	size_t len;
	uint64_t count;
	size_t order;		/* the summary's order: largest first, then by key */
};

/* A family's HELP and TYPE lines: its series follow them, all together. */
static void prom_family(struct strbuf *sb, const char *name, const char *type,
			const char *help)
{
	strbuf_addf(sb, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* name="value", the value escaped, after a comma unless it is the first. */
static void prom_label(struct strbuf *sb, bool first, const char *name, const char *v, size_t n)
{
	if (!first)
		strbuf_addc(sb, ',');
	strbuf_adds(sb, name);
	strbuf_adds(sb, "=\"");
	escape_prom_label(sb, v, n);
	strbuf_addc(sb, '"');
}

static void prom_label_str(struct strbuf *sb, bool first, const char *name, const char *v)
{
	prom_label(sb, first, name, v, strlen(v));
}

static void prom_value(struct strbuf *sb, uint64_t v)
{
	strbuf_addc(sb, ' ');
	strbuf_addu(sb, v);
	strbuf_addc(sb, '\n');
}

/* A series with no labels. */
static void prom_plain(struct strbuf *sb, const char *name, uint64_t v)
{
	strbuf_adds(sb, name);
	prom_value(sb, v);
}

/* A series labelled with a rule, and with stage="..." when stage is given. */
static void prom_rule(struct strbuf *sb, const char *name, const struct summary_rule *sr,
		      const char *stage, uint64_t v)
{
	strbuf_adds(sb, name);
	strbuf_addc(sb, '{');
	prom_label_str(sb, true, "rule", sr->rule->name);
	if (stage)
		prom_label_str(sb, false, "stage", stage);
	strbuf_addc(sb, '}');
	prom_value(sb, v);
}

/* A series labelled with an output and its type. */
static void prom_output(struct strbuf *sb, const char *name, const struct summary_sink *ss,
			bool type, uint64_t v)
{
	strbuf_adds(sb, name);
	strbuf_addc(sb, '{');
	prom_label_str(sb, true, "output", ss->output->name);
	if (type)
		prom_label_str(sb, false, "type", rules_output_type_name(ss->output->type));
	strbuf_addc(sb, '}');
	prom_value(sb, v);
}

static bool prom_stream(const struct summary_rule *sr)
{
	return sr->rule->mode == RULES_MODE_STREAM;
}

static bool prom_count(const struct summary_rule *sr)
{
	return sr->rule->mode == RULES_MODE_COUNT;
}

static bool prom_limited(const struct summary_rule *sr)
{
	return prom_stream(sr) && sr->rule->rate.events;
}

static bool prom_any(const struct summary_rule *sr)
{
	(void)sr;
	return true;
}

/* Whether output out shows rule sr in a family for the rules pick takes. */
static bool prom_shows(const struct summary_rule *sr, unsigned out,
		       bool (*pick)(const struct summary_rule *))
{
	return sink_rule_uses_output(sr, out) && pick(sr);
}

static void prom_run(struct strbuf *sb, const struct summary *sum)
{
	prom_family(sb, "ruletrace_start_time_seconds", "gauge",
		    "When the run started, in seconds since the epoch.");
	strbuf_addf(sb, "ruletrace_start_time_seconds %.3f\n", sum->start_time);
	prom_family(sb, "ruletrace_rules_loaded", "gauge", "Rules in the running rule file.");
	prom_plain(sb, "ruletrace_rules_loaded", sum->nrules);
	prom_family(sb, "ruletrace_reloads_total", "counter", "Rule files applied by SIGHUP.");
	prom_plain(sb, "ruletrace_reloads_total", sum->reloads);
	prom_family(sb, "ruletrace_execs_total", "counter",
		    "Exec events delivered, each exec once however many rules took it.");
	prom_plain(sb, "ruletrace_execs_total", sum->execs);
	prom_family(sb, "ruletrace_cgroup_filter_full_total", "counter",
		    "Cgroups made during the run that the filters name, not matched: the "
		    "cgroup filter was full (a loss).");
	prom_plain(sb, "ruletrace_cgroup_filter_full_total", sum->cgroup_filter_full);
	prom_family(sb, "ruletrace_removed_rules_lost_total", "counter",
		    "What rules that a reload removed had lost before it.");
	prom_plain(sb, "ruletrace_removed_rules_lost_total", sum->removed_lost);
}

/*
 * A family of one series per rule that output out shows and pick takes, its value
 * the summary_rule's uint64_t at offset field.
 */
static void prom_rule_family(struct strbuf *sb, const struct summary *sum, unsigned out,
			     const char *name, const char *help,
			     bool (*pick)(const struct summary_rule *), size_t field)
{
	const struct summary_rule *sr;

	prom_family(sb, name, "counter", help);
	for (sr = sum->rules; sr < sum->rules + sum->nrules; sr++)
		if (prom_shows(sr, out, pick))
			prom_rule(sb, name, sr, NULL,
				  *(const uint64_t *)((const char *)sr + field));
}

/* Stream rules: matched = delivered + suppressed + lost (buffer, unread) + not delivered. */
static void prom_events(struct strbuf *sb, const struct summary *sum, unsigned out)
{
	prom_rule_family(sb, sum, out, "ruletrace_events_matched_total",
			 "Events a stream rule matched in the kernel.", prom_stream,
			 offsetof(struct summary_rule, matched));
	prom_rule_family(sb, sum, out, "ruletrace_events_delivered_total",
			 "Events of a stream rule handed to its outputs.", prom_stream,
			 offsetof(struct summary_rule, delivered));
	prom_rule_family(sb, sum, out, "ruletrace_events_suppressed_total",
			 "Events over a stream rule's rate_limit, dropped in the kernel as "
			 "asked (not a loss).", prom_limited,
			 offsetof(struct summary_rule, suppressed));
	prom_rule_family(sb, sum, out, "ruletrace_events_not_delivered_total",
			 "Events of a stream rule that came after --max-events was met: not "
			 "delivered, not lost.", prom_stream,
			 offsetof(struct summary_rule, past_max));
}

/* Each rule's losses, by the stage that lost them, as --summary-json names them. */
static void prom_lost(struct strbuf *sb, const struct summary *sum, unsigned out)
{
	static const char name[] = "ruletrace_events_lost_total";
	const struct summary_rule *sr;

	prom_family(sb, name, "counter",
		    "What a rule lost, by stage: events (event_buffer, unread_at_stop, "
		    "outputs), syscalls not counted (count_map_full), descendants not "
		    "followed (follow_map_full).");
	for (sr = sum->rules; sr < sum->rules + sum->nrules; sr++) {
		if (!prom_shows(sr, out, prom_any))
			continue;
		if (prom_stream(sr)) {
			prom_rule(sb, name, sr, "event_buffer", sr->lost);
			prom_rule(sb, name, sr, "unread_at_stop", sr->unread);
			prom_rule(sb, name, sr, "outputs", sr->outputs_lost);
		} else {
			prom_rule(sb, name, sr, "count_map_full", sr->count_full);
		}
		if (sr->rule->follow)
			prom_rule(sb, name, sr, "follow_map_full", sr->follow_full);
	}
}

/* A counter's labels, rule first, then what its rule groups by, in group_by order. */
static void prom_count_labels(struct strbuf *sb, const struct summary_rule *sr,
			      const struct summary_count *c)
{
	unsigned by = sr->rule->group_by;
	char num[SUMMARY_NR_LEN];

	prom_label_str(sb, true, "rule", sr->rule->name);
	if (by & RULES_GROUP_COMM)
		prom_label(sb, false, "comm", c->comm, escape_comm_len(c->comm, RT_COMM_LEN));
	if (by & RULES_GROUP_PID) {
		snprintf(num, sizeof(num), "%u", c->pid);
		prom_label_str(sb, false, "pid", num);
	}
	if (by & RULES_GROUP_SYSCALL)
		prom_label_str(sb, false, "syscall", summary_count_syscall(c, num));
	/* None (no unit, no container) is the empty value: Prometheus's absent label. */
	if (by & RULES_GROUP_CGROUP)
		prom_label_str(sb, false, "cgroup", c->cgroup ? c->cgroup : "");
	if (by & RULES_GROUP_UNIT)
		prom_label_str(sb, false, "unit", c->unit ? c->unit : "");
	if (by & RULES_GROUP_CONTAINER)
		prom_label_str(sb, false, "container", c->container ? c->container : "");
}

/* memcmp-like order of two series' labels: 0 when they are the same series. */
static int prom_label_order(const struct prom_series *x, const struct prom_series *y)
{
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->labels, y->labels, n);

	if (c)
		return c;
	return x->len < y->len ? -1 : x->len > y->len;
}

static int prom_cmp_labels(const void *a, const void *b)
{
	const struct prom_series *x = a, *y = b;
	int c = prom_label_order(x, y);

	if (c)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int prom_cmp_count(const void *a, const void *b)
{
	const struct prom_series *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/*
 * A count rule's counters as series: one per label set. Counters whose labels
 * escape alike (a comm with an invalid byte 0xff and one spelled "\xff") are one
 * series, their counts added, as Prometheus takes no two series of one name and
 * labels. The largest max_series are written; the rest only counted.
 */
static void prom_counts(struct strbuf *sb, const struct summary_rule *sr, uint32_t max_series,
			uint64_t *cut, uint64_t *cut_series)
{
	struct prom_series *v = xcalloc(sr->ncounts + 1, sizeof(*v));
	size_t *off = xcalloc(sr->ncounts + 1, sizeof(*off));
	struct strbuf lab;
	size_t i, n = 0;

	strbuf_init(&lab);
	for (i = 0; i < sr->ncounts; i++) {
		off[i] = lab.len;
		prom_count_labels(&lab, sr, &sr->counts[i]);
		v[i].len = lab.len - off[i];
		v[i].count = sr->counts[i].count;
		v[i].order = i;
	}
	for (i = 0; i < sr->ncounts; i++)	/* lab has stopped moving */
		v[i].labels = lab.buf + off[i];
	free(off);
	qsort(v, sr->ncounts, sizeof(*v), prom_cmp_labels);
	for (i = 0; i < sr->ncounts; i++) {
		if (n && !prom_label_order(&v[n - 1], &v[i]))
			v[n - 1].count += v[i].count;
		else
			v[n++] = v[i];
	}
	qsort(v, n, sizeof(*v), prom_cmp_count);
	*cut = 0;
	*cut_series = n > max_series ? n - max_series : 0;
	for (i = 0; i < n; i++) {
		if (i >= max_series) {
			*cut += v[i].count;
			continue;
		}
		strbuf_adds(sb, "ruletrace_syscalls_total{");
		strbuf_add(sb, v[i].labels, v[i].len);
		strbuf_addc(sb, '}');
		prom_value(sb, v[i].count);
	}
	strbuf_free(&lab);
	free(v);
}

/* Count rules: each one's counters, and what max_series cut off, counted. */
static void prom_syscalls(struct strbuf *sb, const struct summary *sum, unsigned out)
{
	uint32_t max_series = sum->sinks[out].output->max_series;
	uint64_t *cut = xcalloc(sum->nrules + 1, sizeof(*cut));
	uint64_t *cut_series = xcalloc(sum->nrules + 1, sizeof(*cut_series));
	const struct summary_rule *sr;

	prom_rule_family(sb, sum, out, "ruletrace_syscalls_counted_total",
			 "Syscalls a count rule counted, all its counters together.", prom_count,
			 offsetof(struct summary_rule, counted));
	prom_family(sb, "ruletrace_syscalls_total", "counter",
		    "Syscalls a count rule counted, by what it groups by: its max_series "
		    "largest counters.");
	for (sr = sum->rules; sr < sum->rules + sum->nrules; sr++)
		if (prom_shows(sr, out, prom_count))
			prom_counts(sb, sr, max_series ? max_series : RULES_DEFAULT_MAX_SERIES,
				    &cut[sr - sum->rules], &cut_series[sr - sum->rules]);
	prom_family(sb, "ruletrace_syscalls_cut_total", "counter",
		    "Syscalls a count rule counted in counters past max_series, not written "
		    "as series.");
	for (sr = sum->rules; sr < sum->rules + sum->nrules; sr++)
		if (prom_shows(sr, out, prom_count))
			prom_rule(sb, "ruletrace_syscalls_cut_total", sr, NULL,
				  cut[sr - sum->rules]);
	prom_family(sb, "ruletrace_series_cut", "gauge",
		    "Counters of a count rule past max_series, not written as series.");
	for (sr = sum->rules; sr < sum->rules + sum->nrules; sr++)
		if (prom_shows(sr, out, prom_count))
			prom_rule(sb, "ruletrace_series_cut", sr, NULL,
				  cut_series[sr - sum->rules]);
	free(cut);
	free(cut_series);
}

static void prom_outputs(struct strbuf *sb, const struct summary *sum, unsigned out,
			 uint64_t written)
{
	size_t i;

	prom_family(sb, "ruletrace_output_events_written_total", "counter",
		    "Events an output wrote (a prometheus output: the times it wrote its "
		    "file).");
	for (i = 0; i < sum->nsinks; i++)
		prom_output(sb, "ruletrace_output_events_written_total", &sum->sinks[i], true,
			    i == out ? written : sum->sinks[i].written);
	prom_family(sb, "ruletrace_output_events_lost_total", "counter",
		    "Events an output could not write.");
	for (i = 0; i < sum->nsinks; i++)
		prom_output(sb, "ruletrace_output_events_lost_total", &sum->sinks[i], true,
			    sum->sinks[i].lost);
	prom_family(sb, "ruletrace_output_events_dropped_total", "counter",
		    "Of the events an output lost, those dropped while it stayed up.");
	for (i = 0; i < sum->nsinks; i++)
		prom_output(sb, "ruletrace_output_events_dropped_total", &sum->sinks[i], true,
			    sum->sinks[i].dropped);
	prom_family(sb, "ruletrace_prometheus_write_failures_total", "counter",
		    "Writes of a prometheus output's file that failed, each retried at its "
		    "next interval.");
	for (i = 0; i < sum->nsinks; i++)
		if (sum->sinks[i].output->type == RULES_OUT_PROMETHEUS)
			prom_output(sb, "ruletrace_prometheus_write_failures_total",
				    &sum->sinks[i], false, sum->sinks[i].failed_writes);
}

void prom_format(struct strbuf *sb, const struct summary *sum, unsigned out, uint64_t written)
{
	prom_run(sb, sum);
	prom_events(sb, sum, out);
	prom_lost(sb, sum, out);
	prom_syscalls(sb, sum, out);
	prom_outputs(sb, sum, out, written);
}
