// SPDX-License-Identifier: GPL-2.0-only
/* collect.c - plan + kernel counters + events + sinks -> struct summary. */
#include <stdio.h>
#include <string.h>

#include "collect.h"

/*
 * A counter into its rule's summary, labelled as the rule groups it: the cgroup's
 * path (or "#ID" once it is gone), the unit or the container it is in. Counters of
 * different cgroups in one unit or container merge when sorted.
 */
static void collect_count(struct summary_rule *sr, const struct collect_run *run,
			  const struct loader_count *k)
{
	unsigned by = sr->rule->group_by;
	const char *labels[3] = { NULL, NULL, NULL }, *path = NULL;
	char unit[CGROUPS_UNIT_MAX], container[CGROUPS_CONTAINER_MAX], gone[32];

	if (by & (RULES_GROUP_CGROUP | RULES_GROUP_UNIT | RULES_GROUP_CONTAINER)) {
		if (run->cgroups)
			path = cgroups_path_of(run->cgroups, k->cgroup);
		snprintf(gone, sizeof(gone), "#%llu", (unsigned long long)k->cgroup);
		if (by & RULES_GROUP_CGROUP)
			labels[0] = path ? path : gone;
		if ((by & RULES_GROUP_UNIT) && path && cgroups_unit_of(path, unit))
			labels[1] = unit;
		if ((by & RULES_GROUP_CONTAINER) && path && cgroups_container_of(path, container))
			labels[2] = container;
	}
	summary_add_count_labelled(sr, k->comm, k->pid, k->nr, labels, k->count);
}

static void collect_rule(struct summary_rule *sr, const struct collect_run *run, size_t i)
{
	unsigned slot = run->plan->rule[i].slot % RT_MAX_RULES;
	const struct events_slot *es = &run->events->slot[slot];
	const struct loader_counters *k = run->kernel;
	size_t c;

	snprintf(sr->attach, sizeof(sr->attach), "%s",
		 probe_attach_name(sr->rule->probe, run->execve));
	sr->delivered = es->delivered;
	sr->unread = es->unread;
	sr->past_max = es->past_max;
	sr->matched = k->rule[slot].matched;
	sr->lost = k->rule[slot].lost;
	sr->suppressed = k->rule[slot].suppressed;
	sr->count_full = k->rule[slot].count_full;
	sr->follow_full = k->rule[slot].follow_full;
	/* Where its events were lost after delivery: each of its outputs. */
	for (c = 0; c < run->plan->rules.noutputs; c++) {
		sr->output_lost[c] = run->sinks[c]->lost_by_slot[slot];
		sr->outputs_lost += sr->output_lost[c];
	}
	for (c = 0; c < k->ncounts; c++)
		if (k->counts[c].slot == slot)
			collect_count(sr, run, &k->counts[c]);
}

void collect_summary(struct summary *s, const struct collect_run *run)
{
	const struct rules *r = &run->plan->rules;
	size_t i;

	summary_free(s);
	summary_init(s, r);
	s->run_seconds = run->run_seconds;
	s->start_time = (double)run->start.tv_sec + (double)run->start.tv_nsec / 1e9;
	s->execs = run->events->execs;
	s->count_map_full = run->kernel->count_map_full;
	s->follow_map_full = run->kernel->follow_map_full;
	s->cgroup_filter_full = run->kernel->cgroup_full;
	s->removed_lost = run->removed_lost;
	s->removed_suppressed = run->removed_suppressed;
	s->reloads = run->reloads;
	for (i = 0; i < ARRAY_SIZE(s->reload_at) && i < run->reloads; i++)
		s->reload_at[i] = run->reload_at[i];
	for (i = 0; i < s->nrules; i++)
		collect_rule(&s->rules[i], run, i);
	for (i = 0; i < s->nsinks; i++) {
		s->sinks[i].written = run->sinks[i]->written;
		s->sinks[i].lost = run->sinks[i]->lost;
		s->sinks[i].dropped = run->sinks[i]->dropped;
		s->sinks[i].failed_writes = run->sinks[i]->failed_writes;
		s->sinks[i].error = run->sinks[i]->error;
	}
	summary_sort(s);
}
