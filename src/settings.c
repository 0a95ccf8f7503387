// SPDX-License-Identifier: GPL-2.0-only
/* settings.c - rules -> rt_ruleset bitmasks and filter map contents. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "settings.h"
#include "util.h"

/* One (key, rule, include or exclude) pair before merging by key. */
struct key_bit {
	union {
		char comm[RT_COMM_LEN];
		__u32 pid;
	} key;
	__u64 bit;
	int exclude;
};

static int cmp_comm(const void *a, const void *b)
{
	return memcmp(((const struct key_bit *)a)->key.comm,
		      ((const struct key_bit *)b)->key.comm, RT_COMM_LEN);
}

static int cmp_pid(const void *a, const void *b)
{
	__u32 x = ((const struct key_bit *)a)->key.pid;
	__u32 y = ((const struct key_bit *)b)->key.pid;

	return x < y ? -1 : x > y;
}

static void add_comms(struct key_bit **v, size_t *n, const struct rules_filter *f,
		      __u64 bit, int exclude)
{
	size_t i;

	*v = xreallocarray(*v, *n + f->ncomm, sizeof(**v));
	for (i = 0; i < f->ncomm; i++) {
		struct key_bit *kb = &(*v)[(*n)++];

		memset(kb, 0, sizeof(*kb));
		memcpy(kb->key.comm, f->comm[i], RT_COMM_LEN);
		kb->bit = bit;
		kb->exclude = exclude;
	}
}

static void add_pids(struct key_bit **v, size_t *n, const struct rules_filter *f,
		     __u64 bit, int exclude)
{
	size_t i;

	*v = xreallocarray(*v, *n + f->npid, sizeof(**v));
	for (i = 0; i < f->npid; i++) {
		struct key_bit *kb = &(*v)[(*n)++];

		memset(kb, 0, sizeof(*kb));
		kb->key.pid = f->pid[i];
		kb->bit = bit;
		kb->exclude = exclude;
	}
}

/* Sort pairs by key and fold equal keys into one include/exclude mask pair. */
static size_t merge_keys(struct key_bit *v, size_t n,
			 int (*cmp)(const void *, const void *),
			 struct rt_filter_val *vals, size_t *first_of)
{
	size_t i, out = 0;

	if (n)
		qsort(v, n, sizeof(*v), cmp);
	for (i = 0; i < n; i++) {
		if (i == 0 || cmp(&v[i - 1], &v[i]) != 0) {
			first_of[out] = i;
			vals[out].include = vals[out].exclude = 0;
			out++;
		}
		if (v[i].exclude)
			vals[out - 1].exclude |= v[i].bit;
		else
			vals[out - 1].include |= v[i].bit;
	}
	return out;
}

static int check_attach(const struct rules *r, struct settings *s, char *err, size_t errlen)
{
	const struct rules_rule *chosen = NULL;
	size_t i;

	s->execve_attach = RULES_ATTACH_AUTO;
	for (i = 0; i < r->nrules; i++) {
		const struct rules_rule *rule = &r->rules[i];

		if (rule->probe != RT_PROBE_EXECVE || rule->attach == RULES_ATTACH_AUTO)
			continue;
		if (!chosen) {
			chosen = rule;
			s->execve_attach = rule->attach;
		} else if (rule->attach != chosen->attach) {
			/* One execve program is attached per run, so the rules must agree. */
			snprintf(err, errlen,
				 "%s:%u:%u: rule '%s' asks for attach %s but rule '%s' "
				 "asks for %s (the execve probe is attached once)\n",
				 r->path, rule->mark.line, rule->mark.column, rule->name,
				 rules_attach_name(rule->attach), chosen->name,
				 rules_attach_name(chosen->attach));
			return -EINVAL;
		}
	}
	return 0;
}

static int too_many(const struct rules *r, const char *kind, size_t n, char *err,
		    size_t errlen)
{
	snprintf(err, errlen, "%s:1:1: %zu distinct %s values across all rules "
		 "(at most %d)\n", r->path, n, kind, RT_MAX_FILTER_KEYS);
	return -EINVAL;
}

int settings_build(const struct rules *r, struct settings *s, char *err, size_t errlen)
{
	struct key_bit *comms = NULL, *pids = NULL;
	size_t ncomm = 0, npid = 0, i, *first = NULL;
	struct rt_filter_val *vals = NULL;
	int ret;

	memset(s, 0, sizeof(*s));
	if (errlen)
		err[0] = '\0';
	if ((ret = check_attach(r, s, err, errlen)) != 0)
		goto out;

	for (i = 0; i < r->nrules && i < RT_MAX_RULES; i++) {
		const struct rules_rule *rule = &r->rules[i];
		struct rt_ruleset *rs = &s->ruleset;
		__u64 bit = 1ULL << i;

		rs->probe_rules[rule->probe] |= bit;
		if (rule->mode == RULES_MODE_COUNT)
			rs->count_rules |= bit;
		if (rule->include.ncomm)
			rs->comm_include_rules |= bit;
		if (rule->include.npid)
			rs->pid_include_rules |= bit;
		if (rule->include.ncomm || rule->exclude.ncomm)
			rs->comm_lookup_rules |= bit;
		if (rule->include.npid || rule->exclude.npid)
			rs->pid_lookup_rules |= bit;
		add_comms(&comms, &ncomm, &rule->include, bit, 0);
		add_comms(&comms, &ncomm, &rule->exclude, bit, 1);
		add_pids(&pids, &npid, &rule->include, bit, 0);
		add_pids(&pids, &npid, &rule->exclude, bit, 1);
	}

	vals = xcalloc(ncomm + npid + 1, sizeof(*vals));
	first = xcalloc(ncomm + npid + 1, sizeof(*first));

	s->ncomms = merge_keys(comms, ncomm, cmp_comm, vals, first);
	if (s->ncomms > RT_MAX_FILTER_KEYS) {
		ret = too_many(r, "comm", s->ncomms, err, errlen);
		goto out;
	}
	s->comms = xcalloc(s->ncomms + 1, sizeof(*s->comms));
	for (i = 0; i < s->ncomms; i++) {
		memcpy(s->comms[i].comm, comms[first[i]].key.comm, RT_COMM_LEN);
		s->comms[i].val = vals[i];
	}

	s->npids = merge_keys(pids, npid, cmp_pid, vals, first);
	if (s->npids > RT_MAX_FILTER_KEYS) {
		ret = too_many(r, "pid", s->npids, err, errlen);
		goto out;
	}
	s->pids = xcalloc(s->npids + 1, sizeof(*s->pids));
	for (i = 0; i < s->npids; i++) {
		s->pids[i].pid = pids[first[i]].key.pid;
		s->pids[i].val = vals[i];
	}
	ret = 0;
out:
	free(comms);
	free(pids);
	free(vals);
	free(first);
	if (ret)
		settings_free(s);
	return ret;
}

void settings_free(struct settings *s)
{
	free(s->comms);
	free(s->pids);
	memset(s, 0, sizeof(*s));
}
