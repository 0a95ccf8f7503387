// SPDX-License-Identifier: GPL-2.0-only
/* summary.c - exit summary: per-rule counts merged, sorted and shown as text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "summary.h"
#include "syscalls.h"

void summary_init(struct summary *s, const struct rules *r)
{
	size_t i;

	memset(s, 0, sizeof(*s));
	s->top = r->summary_top ? r->summary_top : RULES_DEFAULT_TOP;
	s->nrules = r->nrules;
	s->rules = xcalloc(r->nrules + 1, sizeof(*s->rules));
	for (i = 0; i < r->nrules; i++) {
		s->rules[i].rule = &r->rules[i];
		s->rules[i].output_lost = xcalloc(r->noutputs + 1,
						  sizeof(*s->rules[i].output_lost));
	}
	s->nsinks = r->noutputs;
	s->sinks = xcalloc(r->noutputs + 1, sizeof(*s->sinks));
	for (i = 0; i < r->noutputs; i++)
		s->sinks[i].output = &r->outputs[i];
}

void summary_add_count_labelled(struct summary_rule *sr, const char *comm, uint32_t pid,
				uint32_t nr, const char *const labels[3], uint64_t n)
{
	struct summary_count *c;

	sr->counted += n;
	sr->counts = xreallocarray(sr->counts, sr->ncounts + 1, sizeof(*sr->counts));
	c = &sr->counts[sr->ncounts++];
	memset(c, 0, sizeof(*c));
	memcpy(c->comm, comm, RT_COMM_LEN);
	c->pid = pid;
	c->nr = nr;
	c->count = n;
	if (labels) {
		c->cgroup = labels[0] ? xstrdup(labels[0]) : NULL;
		c->unit = labels[1] ? xstrdup(labels[1]) : NULL;
		c->container = labels[2] ? xstrdup(labels[2]) : NULL;
	}
}

void summary_add_count(struct summary_rule *sr, const char *comm, uint32_t pid, uint32_t nr,
		       uint64_t n)
{
	summary_add_count_labelled(sr, comm, pid, nr, NULL, n);
}

/* Two labels in order, none first. */
static int cmp_label(const char *x, const char *y)
{
	if (!x || !y)
		return (x != NULL) - (y != NULL);
	return strcmp(x, y);
}

static int cmp_labels(const struct summary_count *x, const struct summary_count *y)
{
	int c;

	if ((c = cmp_label(x->cgroup, y->cgroup)) || (c = cmp_label(x->unit, y->unit)))
		return c;
	return cmp_label(x->container, y->container);
}

static int cmp_count(const void *a, const void *b)
{
	const struct summary_count *x = a, *y = b;
	int c;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	if ((c = memcmp(x->comm, y->comm, RT_COMM_LEN)) != 0)
		return c;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->nr != y->nr)
		return x->nr < y->nr ? -1 : 1;
	return cmp_labels(x, y);
}

static int cmp_key(const void *a, const void *b)
{
	const struct summary_count *x = a, *y = b;
	int c = memcmp(x->comm, y->comm, RT_COMM_LEN);

	if (c)
		return c;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->nr != y->nr)
		return x->nr < y->nr ? -1 : 1;
	return cmp_labels(x, y);
}

/* One counter per key: the kernel may have counted a key on both of its paths. */
static void count_free_labels(struct summary_count *c)
{
	free(c->cgroup);
	free(c->unit);
	free(c->container);
	c->cgroup = c->unit = c->container = NULL;
}

static void merge_keys(struct summary_rule *sr)
{
	size_t i, out = 0;

	qsort(sr->counts, sr->ncounts, sizeof(*sr->counts), cmp_key);
	for (i = 0; i < sr->ncounts; i++) {
		if (out && !cmp_key(&sr->counts[out - 1], &sr->counts[i])) {
			sr->counts[out - 1].count += sr->counts[i].count;
			count_free_labels(&sr->counts[i]);
		} else {
			sr->counts[out++] = sr->counts[i];
		}
	}
	sr->ncounts = out;
}

void summary_sort(struct summary *s)
{
	size_t i;

	for (i = 0; i < s->nrules; i++) {
		if (!s->rules[i].ncounts)
			continue;
		merge_keys(&s->rules[i]);
		qsort(s->rules[i].counts, s->rules[i].ncounts, sizeof(*s->rules[i].counts),
		      cmp_count);
	}
}

uint64_t summary_lost(const struct summary *s)
{
	uint64_t lost = s->count_map_full + s->follow_map_full + s->removed_lost +
			s->cgroup_filter_full;
	size_t i;

	for (i = 0; i < s->nrules; i++)
		lost += s->rules[i].lost + s->rules[i].unread;
	for (i = 0; i < s->nsinks; i++)
		lost += s->sinks[i].lost;
	return lost;
}

uint64_t summary_suppressed(const struct summary *s)
{
	uint64_t suppressed = s->removed_suppressed;
	size_t i;

	for (i = 0; i < s->nrules; i++)
		suppressed += s->rules[i].suppressed;
	return suppressed;
}

const char *summary_syscall_label(const char *name, uint64_t nr, char buf[SUMMARY_NR_LEN])
{
	if (name)
		return name;
	snprintf(buf, SUMMARY_NR_LEN, "%llu", (unsigned long long)nr);
	return buf;
}

const char *summary_count_syscall(const struct summary_count *c, char buf[SUMMARY_NR_LEN])
{
	return summary_syscall_label(syscalls_name(c->nr), c->nr, buf);
}

void summary_text_comm(struct strbuf *sb, const char *comm)
{
	size_t before = sb->len, n;

	escape_text(sb, comm, escape_comm_len(comm, RT_COMM_LEN));
	for (n = sb->len - before; n < RT_COMM_LEN; n++)
		strbuf_addc(sb, ' ');
}

/* "1000 per 1s, burst 2000": a rate_limit as the rule file could say it. */
static void format_rate(struct strbuf *out, const struct rules_rate *rate)
{
	char per[RULES_DURATION_LEN];

	strbuf_addf(out, "%llu per %s, burst %llu", (unsigned long long)rate->events,
		    rules_format_duration(rate->per_ms, per), (unsigned long long)rate->burst);
}

/* Which of the rule's outputs did not write its events, and how many each. */
static void format_outputs_lost(const struct summary *s, const struct summary_rule *sr,
				struct strbuf *out)
{
	const char *sep = "";
	size_t i;

	strbuf_addf(out, "  not written by its outputs: %llu (",
		    (unsigned long long)sr->outputs_lost);
	for (i = 0; i < s->nsinks; i++) {
		if (!sr->output_lost[i])
			continue;
		strbuf_addf(out, "%s%s %llu", sep, s->sinks[i].output->name,
			    (unsigned long long)sr->output_lost[i]);
		sep = ", ";
	}
	strbuf_adds(out, ")\n");
}

/*
 * Where a stream rule's matched events went: delivered, suppressed, lost and
 * those past --max-events add up to matched. Then what of those delivered its
 * outputs did not write.
 */
static void format_stream(const struct summary *s, const struct summary_rule *sr,
			  struct strbuf *out)
{
	const struct rules_rule *rule = sr->rule;
	uint64_t lost = sr->lost + sr->unread;

	strbuf_addf(out, "  events: matched %llu, delivered %llu, suppressed %llu, lost %llu\n",
		    (unsigned long long)sr->matched, (unsigned long long)sr->delivered,
		    (unsigned long long)sr->suppressed, (unsigned long long)lost);
	if (rule->rate.events) {
		strbuf_addf(out, "  suppressed: %llu over rate_limit ",
			    (unsigned long long)sr->suppressed);
		format_rate(out, &rule->rate);
		strbuf_addc(out, '\n');
	}
	if (lost)
		strbuf_addf(out, "  lost: %llu = event buffer %llu + unread at stop %llu\n",
			    (unsigned long long)lost, (unsigned long long)sr->lost,
			    (unsigned long long)sr->unread);
	if (sr->past_max)
		strbuf_addf(out, "  not delivered after --max-events: %llu\n",
			    (unsigned long long)sr->past_max);
	if (sr->outputs_lost)
		format_outputs_lost(s, sr, out);
}

/* A count rule's total, and what its full count map kept out of it. */
static void format_counted(const struct summary_rule *sr, struct strbuf *out)
{
	strbuf_addf(out, "  syscalls counted: %llu in %zu counters\n",
		    (unsigned long long)sr->counted, sr->ncounts);
	if (sr->count_full)
		strbuf_addf(out, "  syscalls not counted (count map full): %llu\n",
			    (unsigned long long)sr->count_full);
}

/* A counter's cgroup label in a text column: untrusted bytes, escaped; "-" for none. */
static void text_label(struct strbuf *out, const char *v)
{
	strbuf_adds(out, "  ");
	if (v)
		escape_text(out, v, strlen(v));
	else
		strbuf_addc(out, '-');
}

/* A count rule's top counters as a table. */
static void format_counters(const struct summary *s, const struct summary_rule *sr,
			    struct strbuf *out)
{
	const struct rules_rule *rule = sr->rule;
	size_t i, shown;

	if (!sr->ncounts)
		return;
	strbuf_adds(out, " ");
	if (rule->group_by & RULES_GROUP_COMM)
		strbuf_addf(out, " %-16s", "COMM");
	if (rule->group_by & RULES_GROUP_PID)
		strbuf_addf(out, " %-8s", "PID");
	if (rule->group_by & RULES_GROUP_SYSCALL)
		strbuf_addf(out, " %-20s", "SYSCALL");
	strbuf_addf(out, " %12s", "COUNT");
	/* Labels of any length: last, each after two spaces. */
	if (rule->group_by & RULES_GROUP_CGROUP)
		strbuf_adds(out, "  CGROUP");
	if (rule->group_by & RULES_GROUP_UNIT)
		strbuf_adds(out, "  UNIT");
	if (rule->group_by & RULES_GROUP_CONTAINER)
		strbuf_adds(out, "  CONTAINER");
	strbuf_addc(out, '\n');
	shown = sr->ncounts < s->top ? sr->ncounts : s->top;
	for (i = 0; i < shown; i++) {
		const struct summary_count *c = &sr->counts[i];
		char nr[SUMMARY_NR_LEN];

		strbuf_adds(out, " ");
		if (rule->group_by & RULES_GROUP_COMM) {
			strbuf_addc(out, ' ');
			summary_text_comm(out, c->comm);
		}
		if (rule->group_by & RULES_GROUP_PID)
			strbuf_addf(out, " %-8u", c->pid);
		if (rule->group_by & RULES_GROUP_SYSCALL)
			strbuf_addf(out, " %-20s", summary_count_syscall(c, nr));
		strbuf_addf(out, " %12llu", (unsigned long long)c->count);
		if (rule->group_by & RULES_GROUP_CGROUP)
			text_label(out, c->cgroup);
		if (rule->group_by & RULES_GROUP_UNIT)
			text_label(out, c->unit);
		if (rule->group_by & RULES_GROUP_CONTAINER)
			text_label(out, c->container);
		strbuf_addc(out, '\n');
	}
	if (shown < sr->ncounts)
		strbuf_addf(out, "  (%zu more counters)\n", sr->ncounts - shown);
}

static void format_rule(const struct summary *s, const struct summary_rule *sr,
			struct strbuf *out)
{
	const struct rules_rule *rule = sr->rule;

	strbuf_addf(out, "rule %s: %s, %s, %s\n", rule->name, rules_probe_name(rule->probe),
		    rules_mode_name(rule->mode), sr->attach[0] ? sr->attach : "not attached");
	if (rule->mode == RULES_MODE_COUNT)
		format_counted(sr, out);
	else
		format_stream(s, sr, out);
	if (sr->follow_full)
		strbuf_addf(out, "  descendants not followed (pid map full): %llu\n",
			    (unsigned long long)sr->follow_full);
	if (rule->mode == RULES_MODE_COUNT)
		format_counters(s, sr, out);
}

/* An output that rewrites its file with the figures: how often, and what failed. */
static void format_rewritten(const struct summary_sink *ss, struct strbuf *out)
{
	strbuf_addf(out, "output %s: file written %llu times", ss->output->name,
		    (unsigned long long)ss->written);
	if (ss->failed_writes)
		strbuf_addf(out, ", %llu writes failed", (unsigned long long)ss->failed_writes);
	if (ss->error)
		strbuf_addf(out, ", the last failed: %s", strerror(-ss->error));
	strbuf_addc(out, '\n');
}

void summary_format_text(const struct summary *s, struct strbuf *out)
{
	size_t i;

	strbuf_addf(out, "\n--- ruletrace summary ---\nrun time: %.3f s\n", s->run_seconds);
	for (i = 0; i < s->nrules; i++)
		format_rule(s, &s->rules[i], out);
	for (i = 0; i < s->nsinks; i++) {
		const struct summary_sink *ss = &s->sinks[i];

		if (ss->output->type == RULES_OUT_PROMETHEUS) {
			format_rewritten(ss, out);
			continue;
		}
		if (!ss->written && !ss->lost)
			continue;
		strbuf_addf(out, "output %s: %llu events written", ss->output->name,
			    (unsigned long long)ss->written);
		if (ss->dropped)
			strbuf_addf(out, ", %llu dropped (not taken by the destination)",
				    (unsigned long long)ss->dropped);
		if (ss->error)
			strbuf_addf(out, ", failed: %s, %llu events lost",
				    strerror(-ss->error),
				    (unsigned long long)(ss->lost - ss->dropped));
		strbuf_addc(out, '\n');
	}
	strbuf_addf(out, "execs: %llu\n", (unsigned long long)s->execs);
	strbuf_addf(out, "events lost: %llu", (unsigned long long)summary_lost(s));
	if (s->count_map_full)
		strbuf_addf(out, " (count map full: %llu syscalls not counted)",
			    (unsigned long long)s->count_map_full);
	strbuf_addc(out, '\n');
	if (summary_suppressed(s))
		strbuf_addf(out, "events suppressed by rate limits: %llu\n",
			    (unsigned long long)summary_suppressed(s));
	if (s->removed_lost)
		strbuf_addf(out, "events lost by rules a reload removed: %llu\n",
			    (unsigned long long)s->removed_lost);
	if (s->follow_map_full)
		strbuf_addf(out, "descendants not followed (pid map full): %llu\n",
			    (unsigned long long)s->follow_map_full);
	if (s->cgroup_filter_full)
		strbuf_addf(out, "cgroups made during the run that the filters name, not "
			    "matched (cgroup filter full, %d entries): %llu\n", RT_CGROUP_ENTRIES,
			    (unsigned long long)s->cgroup_filter_full);
	if (s->reloads) {
		strbuf_addf(out, "reloads: %u at", s->reloads);
		for (i = 0; i < s->reloads && i < ARRAY_SIZE(s->reload_at); i++)
			strbuf_addf(out, " %.3f s", s->reload_at[i]);
		strbuf_addc(out, '\n');
	}
}

void summary_free(struct summary *s)
{
	size_t i, j;

	for (i = 0; i < s->nrules; i++) {
		for (j = 0; j < s->rules[i].ncounts; j++)
			count_free_labels(&s->rules[i].counts[j]);
		free(s->rules[i].counts);
		free(s->rules[i].output_lost);
	}
	free(s->rules);
	free(s->sinks);
	memset(s, 0, sizeof(*s));
}
