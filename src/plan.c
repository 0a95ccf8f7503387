// SPDX-License-Identifier: GPL-2.0-only
/* plan.c - rules + running plan + kernel features -> the next plan. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "util.h"

static bool same_array(const void *a, size_t na, const void *b, size_t nb, size_t size)
{
	return na == nb && (!na || !memcmp(a, b, na * size));
}

static bool same_strings(char *const *a, size_t na, char *const *b, size_t nb)
{
	size_t i;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++)
		if (strcmp(a[i], b[i]))
			return false;
	return true;
}

static bool same_filter(const struct rules_filter *a, const struct rules_filter *b)
{
	return same_array(a->comm, a->ncomm, b->comm, b->ncomm, sizeof(*a->comm)) &&
	       same_array(a->program, a->nprogram, b->program, b->nprogram, sizeof(*a->program)) &&
	       same_array(a->pid, a->npid, b->pid, b->npid, sizeof(*a->pid)) &&
	       same_array(a->uid, a->nuid, b->uid, b->nuid, sizeof(*a->uid)) &&
	       same_array(a->sys, a->nsys, b->sys, b->nsys, sizeof(*a->sys)) &&
	       same_strings(a->cgroup, a->ncgroup, b->cgroup, b->ncgroup) &&
	       same_strings(a->unit, a->nunit, b->unit, b->nunit) &&
	       same_strings(a->container, a->ncontainer, b->container, b->ncontainer);
}

/* Whether rule a of ra routes to the outputs rule b of rb does (by output name). */
static bool same_outputs(const struct rules *ra, const struct rules_rule *a,
			 const struct rules *rb, const struct rules_rule *b)
{
	size_t i;

	if (a->noutputs != b->noutputs)
		return false;
	for (i = 0; i < a->noutputs; i++)
		if (strcmp(ra->outputs[a->outputs[i]].name, rb->outputs[b->outputs[i]].name))
			return false;
	return true;
}

static enum plan_change compare(const struct rules *rn, const struct rules_rule *n,
				const struct rules *rp, const struct rules_rule *p,
				const struct plan *run)
{
	uint32_t ring_n = n->buffer_size ? n->buffer_size : run->buffer_size;
	uint32_t ring_p = p->buffer_size ? p->buffer_size : run->buffer_size;

	/* Counters keyed one way cannot be carried into counters keyed another. */
	if (n->probe != p->probe || n->mode != p->mode || n->group_by != p->group_by)
		return PLAN_RULE_REPLACED;
	/* A rule's ring buffer is made at its size: another size is another ring.
	 * Perf buffers are shared, and buffer_size is not used. */
	if (run->ringbuf && ring_n != ring_p)
		return PLAN_RULE_REPLACED;
	/* What a rule sees, which execs it reports, how much argv, how many events a
	 * second: no counter is keyed by it. */
	if (n->attach != p->attach || n->follow != p->follow || n->result != p->result ||
	    n->max_argv_bytes != p->max_argv_bytes || n->buffer_size != p->buffer_size ||
	    memcmp(&n->rate, &p->rate, sizeof(n->rate)) ||
	    !same_filter(&n->include, &p->include) || !same_filter(&n->exclude, &p->exclude) ||
	    !same_outputs(rn, n, rp, p))
		return PLAN_RULE_CHANGED;
	return PLAN_RULE_SAME;
}

/*
 * Slots: a rule that stays keeps its slot (its kernel counters carry over); the
 * others take slots no running rule holds, so that nothing still counted or
 * buffered under a running rule is ever taken for a new one's.
 */
static int assign_slots(struct plan *p, const struct plan *prev, uint64_t busy, char *err,
			size_t errlen)
{
	const struct rules *r = &p->rules;
	bool used[RT_MAX_RULES] = { false }, kept[RT_MAX_RULES] = { false };
	size_t i, j, free_slot = 0;

	for (i = 0; i < RT_MAX_RULES; i++)
		used[i] = (busy >> i) & 1;
	for (i = 0; prev && i < prev->rules.nrules; i++)
		used[prev->rule[i].slot] = true;
	for (i = 0; i < r->nrules; i++) {
		p->rule[i].slot = RT_MAX_RULES;
		p->rule[i].prev_slot = RT_MAX_RULES;
		p->rule[i].change = PLAN_RULE_NEW;
		for (j = 0; prev && j < prev->rules.nrules; j++) {
			if (strcmp(r->rules[i].name, prev->rules.rules[j].name))
				continue;
			p->rule[i].change = compare(r, &r->rules[i], &prev->rules,
						    &prev->rules.rules[j], prev);
			p->rule[i].prev_slot = prev->rule[j].slot;
			if (p->rule[i].change != PLAN_RULE_REPLACED) {
				p->rule[i].slot = prev->rule[j].slot;
				kept[prev->rule[j].slot] = true;
			}
		}
	}
	for (i = 0; i < r->nrules; i++) {
		if (p->rule[i].slot < RT_MAX_RULES)
			continue;
		while (free_slot < RT_MAX_RULES && used[free_slot])
			free_slot++;
		if (free_slot == RT_MAX_RULES) {
			snprintf(err, errlen, "%s: %zu rules, with the running rules that are "
				 "replaced or removed (and removed rules whose events are still "
				 "buffered), need more than %d kernel rule slots at once: remove "
				 "rules in one reload and add them in the next",
				 r->path, r->nrules, RT_MAX_RULES);
			return -ENOSPC;
		}
		used[free_slot] = true;
		p->rule[i].slot = (unsigned)free_slot;
	}
	for (i = 0; prev && i < prev->rules.nrules; i++)
		if (!kept[prev->rule[i].slot])
			p->gone[p->ngone++] = prev->rule[i].slot;
	return 0;
}

static void count_changes(struct plan *p, const struct plan *prev)
{
	size_t i;

	for (i = 0; i < p->rules.nrules; i++) {
		switch (p->rule[i].change) {
		case PLAN_RULE_NEW:
			p->added++;
			break;
		case PLAN_RULE_REPLACED:
			p->changed++;
			break;
		case PLAN_RULE_CHANGED:
			p->changed++;
			p->counts_kept++;
			break;
		case PLAN_RULE_SAME:
			p->counts_kept++;
			break;
		}
	}
	for (i = 0; prev && i < prev->rules.nrules; i++) {
		size_t j;

		for (j = 0; j < p->rules.nrules; j++)
			if (!strcmp(prev->rules.rules[i].name, p->rules.rules[j].name))
				break;
		if (j == p->rules.nrules)
			p->removed++;
	}
}

static bool any_execve_rule(const struct rules *r)
{
	size_t i;

	for (i = 0; i < r->nrules; i++)
		if (r->rules[i].probe == RT_PROBE_EXECVE)
			return true;
	return false;
}

/*
 * The most argv bytes one exec event may carry: all a rule may ask for through a
 * ring buffer, less through perf buffers (a sample stays under 64 KiB), and never
 * more than half the buffer holds beside the longest filename, so that an exec event
 * always fits in it.
 */
_Static_assert(PLAN_EXEC_BUFFER_MIN / 2 >= offsetof(struct rt_exec_event, data) + RT_FILENAME_LEN &&
	       PLAN_EXEC_BUFFER_MIN / 4 < offsetof(struct rt_exec_event, data) + RT_FILENAME_LEN,
	       "PLAN_EXEC_BUFFER_MIN: the power of two that holds two exec events");

/* An exec event's fixed part and the longest filename. */
static uint32_t exec_event_fixed(void)
{
	return offsetof(struct rt_exec_event, data) + RT_FILENAME_LEN;
}

static void choose_args_cap(struct plan *p)
{
	const uint32_t fixed = exec_event_fixed();

	if (p->ringbuf) {
		p->args_cap = RT_ARGS_MAX;
		snprintf(p->args_cap_why, sizeof(p->args_cap_why), "ARG_MAX, the most a rule "
			 "may ask for");
	} else {
		p->args_cap = RT_ARGS_PERF_MAX;
		snprintf(p->args_cap_why, sizeof(p->args_cap_why), "a perf buffer sample holds "
			 "less than 64 KiB");
	}
	/* The event's fixed part and the longest filename leave the rest for argv. */
	if (p->buffer_size / 2 < p->args_cap + fixed) {
		p->args_cap = p->buffer_size / 2 > fixed ? p->buffer_size / 2 - fixed : 0;
		snprintf(p->args_cap_why, sizeof(p->args_cap_why), "half the %u-byte %s less an "
			 "exec event's longest filename, so that it always fits", p->buffer_size,
			 p->ringbuf ? "ring buffer" : "perf buffer of a CPU");
	}
}

uint32_t plan_rule_buffer(const struct plan *p, size_t i)
{
	uint32_t own = p->rules.rules[i].buffer_size;

	return own && p->ringbuf ? own : p->buffer_size;
}

/*
 * Whether the rules can run as built: an exec event (as large as the most argv
 * any execve rule keeps makes it) must fit twice in each execve rule's buffer,
 * and a rate limit needs the bpf_loop build. 0 or -EINVAL with the reason in err.
 */
static int check_rules_fit(const struct plan *p, char *err, size_t errlen)
{
	uint32_t args, need, size;
	size_t i;

	for (i = 0; i < p->rules.nrules; i++) {
		const struct rules_rule *r = &p->rules.rules[i];

		/* A rule's ring gets its own part of the argv; a perf buffer, all of it. */
		args = p->ringbuf ? r->max_argv_bytes : p->settings.ruleset.exec_args_max;
		if (args > p->args_cap)
			args = p->args_cap;
		need = 2 * (exec_event_fixed() + args);
		size = plan_rule_buffer(p, i);
		if (r->probe == RT_PROBE_EXECVE && size < need) {
			snprintf(err, errlen, "%s:%u:%u: rule '%s': an event buffer of %u bytes "
				 "%scannot hold two exec events of %u bytes (%u of argv and the "
				 "longest filename): give it a buffer_size of at least %u",
				 p->rules.path, r->mark.line, r->mark.column, r->name, size,
				 p->ringbuf ? "" : "per CPU ", need / 2, args,
				 rules_exec_buffer_min(args));
			return -EINVAL;
		}
		if (r->rate.events && !p->loop) {
			snprintf(err, errlen, "%s:%u:%u: rule '%s': rate_limit needs the "
				 "programs built with bpf_loop (Linux 5.17 or later, and "
				 "RULETRACE_NO_BPF_LOOP unset)", p->rules.path, r->mark.line,
				 r->mark.column, r->name);
			return -EINVAL;	/* a rule this build cannot run, as a run refuses it: exit 2 */
		}
	}
	return 0;
}

int plan_build(struct plan *p, struct rules *rules, const struct plan *prev, uint64_t busy,
	       const struct plan_kernel *k, char *err, size_t errlen)
{
	unsigned *slots = NULL;
	size_t i;
	int ret;

	memset(p, 0, sizeof(*p));
	p->rules = *rules;
	memset(rules, 0, sizeof(*rules));
	p->rule = xcalloc(p->rules.nrules + 1, sizeof(*p->rule));
	if ((ret = assign_slots(p, prev, busy, err, errlen)) != 0)
		return ret;
	count_changes(p, prev);

	/* Fixed for the run by the first plan: the programs and maps are loaded once. */
	if (prev) {
		p->loop = prev->loop;
		p->ringbuf = prev->ringbuf;
		p->buffer_size = prev->buffer_size;
		p->max_counters = prev->max_counters;
		p->args_cap = prev->args_cap;
		memcpy(p->args_cap_why, prev->args_cap_why, sizeof(p->args_cap_why));
	} else {
		p->loop = k->feat.bpf_loop && !k->feat.no_bpf_loop;
		p->ringbuf = k->feat.ringbuf && !k->perf_buffer;
		p->buffer_size = k->buffer_size ? k->buffer_size :
			p->ringbuf ? PLAN_RINGBUF_DEFAULT : PLAN_PERFBUF_DEFAULT;
		p->max_counters = p->rules.max_counters;
		choose_args_cap(p);
	}

	slots = xcalloc(p->rules.nrules + 1, sizeof(*slots));
	for (i = 0; i < p->rules.nrules; i++)
		slots[i] = p->rule[i].slot;
	ret = settings_build_capped(&p->rules, slots, p->args_cap, &p->settings, err, errlen);
	free(slots);
	if (ret)
		return ret;

	p->execve = PROBE_EXECVE_NONE;
	if (any_execve_rule(&p->rules)) {
		/* An exec event that can never fit would be counted lost every time. */
		if (p->buffer_size / 2 < exec_event_fixed()) {
			snprintf(err, errlen, "%s: execve rules need an event buffer of at least "
				 "%s, twice the largest exec event without arguments (%u bytes); "
				 "this one is %u bytes%s", p->rules.path, PLAN_EXEC_BUFFER_MIN_NAME,
				 exec_event_fixed(), p->buffer_size,
				 p->ringbuf ? "" : " per CPU");
			return -EINVAL;
		}
		if ((ret = probe_choose_execve(&k->feat, p->settings.execve_attach, &p->execve,
					       err, errlen)) != 0)
			return ret;
	}
	if ((ret = check_rules_fit(p, err, errlen)) != 0)
		return ret;
	probe_execve_why(&k->feat, p->settings.execve_attach, p->execve, p->execve_why,
			 sizeof(p->execve_why));

	if (prev && p->rules.max_counters != prev->max_counters) {
		snprintf(err, errlen, "%s: max_counters %u differs from the running %u: "
			 "the count map's size is fixed at start (restart to change it)",
			 p->rules.path, p->rules.max_counters, prev->max_counters);
		return -EINVAL;
	}
	return 0;
}

int plan_rule_of_slot(const struct plan *p, unsigned slot)
{
	size_t i;

	for (i = 0; i < p->rules.nrules; i++)
		if (p->rule[i].slot == slot)
			return (int)i;
	return -1;
}

void plan_free(struct plan *p)
{
	settings_free(&p->settings);
	rules_free(&p->rules);
	free(p->rule);
	p->rule = NULL;
}
