// SPDX-License-Identifier: GPL-2.0-only
/* settings.c - rules -> rt_ruleset bitmasks and filter map contents. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "settings.h"
#include "util.h"

/* One (key, rule, list kind) pair before merging by key. */
struct key_bit {
	char comm[RT_COMM_LEN];
	__u32 num;
	__u64 bit;
	enum { LIST_INCLUDE, LIST_EXCLUDE, LIST_FOLLOW } list;
};

struct key_list {
	struct key_bit *v;
	size_t n;
};

static int cmp_comm(const void *a, const void *b)
{
	return memcmp(((const struct key_bit *)a)->comm, ((const struct key_bit *)b)->comm,
		      RT_COMM_LEN);
}

static int cmp_num(const void *a, const void *b)
{
	__u32 x = ((const struct key_bit *)a)->num;
	__u32 y = ((const struct key_bit *)b)->num;

	return x < y ? -1 : x > y;
}

static struct key_bit *key_add(struct key_list *l, __u64 bit, int list)
{
	struct key_bit *kb;

	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	kb = &l->v[l->n++];
	memset(kb, 0, sizeof(*kb));
	kb->bit = bit;
	kb->list = list;
	return kb;
}

static void add_comms(struct key_list *l, char (*const v)[RT_COMM_LEN], size_t n, __u64 bit,
		      int list)
{
	size_t i;

	for (i = 0; i < n; i++)
		memcpy(key_add(l, bit, list)->comm, v[i], RT_COMM_LEN);
}

static void add_nums(struct key_list *l, const uint32_t *v, size_t n, __u64 bit, int list)
{
	size_t i;

	for (i = 0; i < n; i++)
		key_add(l, bit, list)->num = v[i];
}

/*
 * Sort pairs by key and fold equal keys into one value; vals[k] and the index of
 * its first pair first_of[k] for each distinct key k. Returns the number of keys.
 */
static size_t merge_keys(struct key_list *l, int (*cmp)(const void *, const void *),
			 struct rt_filter_val *vals, size_t *first_of)
{
	size_t i, out = 0;

	if (l->n)
		qsort(l->v, l->n, sizeof(*l->v), cmp);
	for (i = 0; i < l->n; i++) {
		const struct key_bit *kb = &l->v[i];

		if (i == 0 || cmp(&l->v[i - 1], kb) != 0) {
			first_of[out] = i;
			memset(&vals[out], 0, sizeof(vals[out]));
			out++;
		}
		if (kb->list == LIST_EXCLUDE)
			vals[out - 1].exclude |= kb->bit;
		else
			vals[out - 1].include |= kb->bit;
		if (kb->list == LIST_FOLLOW)
			vals[out - 1].follow |= kb->bit;
	}
	return out;
}

/* The distinct keys of l as settings_num entries; -EINVAL past max. */
static int build_nums(struct key_list *l, struct settings_num **out, size_t *count,
		      size_t max)
{
	struct rt_filter_val *vals = xcalloc(l->n + 1, sizeof(*vals));
	size_t *first = xcalloc(l->n + 1, sizeof(*first));
	size_t i, n = merge_keys(l, cmp_num, vals, first);

	*out = xcalloc(n + 1, sizeof(**out));
	*count = n;
	for (i = 0; i < n; i++) {
		(*out)[i].key = l->v[first[i]].num;
		(*out)[i].val = vals[i];
	}
	free(vals);
	free(first);
	return n > max ? -EINVAL : 0;
}

/* The distinct names of l as settings_comm entries, sorted; -EINVAL past the map's room. */
static int build_comms(struct key_list *l, struct settings_comm **out, size_t *count)
{
	struct rt_filter_val *vals = xcalloc(l->n + 1, sizeof(*vals));
	size_t *first = xcalloc(l->n + 1, sizeof(*first));
	size_t i, n = merge_keys(l, cmp_comm, vals, first);

	*out = xcalloc(n + 1, sizeof(**out));
	*count = n;
	for (i = 0; i < n; i++) {
		memcpy((*out)[i].comm, l->v[first[i]].comm, RT_COMM_LEN);
		(*out)[i].val = vals[i];
	}
	free(vals);
	free(first);
	return n > RT_MAX_FILTER_KEYS ? -EINVAL : 0;
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

/* Far past any run: a burst too large to reach, without overflowing now + it. */
#define SETTINGS_RATE_FOREVER	(1ULL << 62)

/*
 * A rate_limit as the kernel's token bucket (struct rt_rate): one token every
 * per/events, rounded up to a whole nanosecond so the rate is never above the
 * limit, and burst tokens at most.
 */
static struct rt_rate encode_rate(const struct rules_rate *r)
{
	struct rt_rate out;

	out.interval_ns = rules_rate_interval_ns(r);
	if (r->burst - 1 > SETTINGS_RATE_FOREVER / out.interval_ns)
		out.tolerance_ns = SETTINGS_RATE_FOREVER;
	else
		out.tolerance_ns = (r->burst - 1) * out.interval_ns;
	return out;
}

/* The entry of (kind, name) in s->cgnames, added if it is not there. */
static struct settings_cgname *cgname_of(struct settings *s, enum rt_cgroup_kind kind,
					 const char *name)
{
	struct settings_cgname *e;
	size_t i;

	for (i = 0; i < s->ncgnames; i++)
		if (s->cgnames[i].kind == kind && !strncmp(s->cgnames[i].name, name,
							   RT_CGROUP_NAME_LEN))
			return &s->cgnames[i];
	s->cgnames = xreallocarray(s->cgnames, s->ncgnames + 1, sizeof(*s->cgnames));
	e = &s->cgnames[s->ncgnames++];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	snprintf(e->name, sizeof(e->name), "%s", name);	/* rules.c: under RT_CGROUP_NAME_LEN */
	return e;
}

/* Note a container id prefix's length: the kernel cuts a new cgroup's id to each. */
static int add_container_len(struct rt_ruleset *rs, const char *v)
{
	size_t len = strlen(v), k;

	if (len > RT_CONTAINER_ID_LEN || strspn(v, "0123456789abcdef") != len)
		return 0;	/* a machine name: matched by name at the scan only */
	for (k = 0; k < RT_CONTAINER_LENS && rs->container_lens[k]; k++)
		if (rs->container_lens[k] == len)
			return 0;
	if (k == RT_CONTAINER_LENS)
		return -ENOSPC;
	rs->container_lens[k] = (__u32)len;
	return 0;
}

/*
 * A container value as the name of a systemd-nspawn machine's scope, as systemd
 * escapes it (machine-web\x2d1.scope for web-1): the kernel matches a machine
 * started during the run by its scope's name alone.
 */
static void add_machine_scope(struct settings *s, const char *name, bool include, __u64 bit)
{
	char scope[RT_CGROUP_NAME_LEN];
	size_t n = 0, i;
	struct settings_cgname *e;

	n += (size_t)snprintf(scope, sizeof(scope), "machine-");
	for (i = 0; name[i] && n + 11 < sizeof(scope); i++) {
		if (name[i] == '-' || (i == 0 && name[i] == '.'))
			n += (size_t)snprintf(scope + n, sizeof(scope) - n, "\\x%02x",
					      (unsigned char)name[i]);
		else
			scope[n++] = name[i];
	}
	snprintf(scope + n, sizeof(scope) - n, ".scope");
	e = cgname_of(s, RT_CG_CONTAINER, scope);
	if (include)
		e->val.include[RT_CG_CONTAINER] |= bit;
	else
		e->val.exclude |= bit;
}

/*
 * One rule's cgroup, unit and container lists (include and exclude) into
 * s->cgnames and the ruleset's cgroup masks. -ENOSPC with the reason in err when
 * the container prefixes come in more lengths than the kernel tries.
 */
static int encode_cgroups(const struct rules *r, const struct rules_rule *rule, __u64 bit,
			  struct settings *s, char *err, size_t errlen)
{
	const struct rules_filter *lists[2] = { &rule->include, &rule->exclude };
	struct rt_ruleset *rs = &s->ruleset;
	size_t l, i;

	for (l = 0; l < 2; l++) {
		const struct rules_filter *f = lists[l];
		struct { enum rt_cgroup_kind kind; char **v; size_t n; } kinds[RT_CG_KINDS] = {
			{ RT_CG_PATH, f->cgroup, f->ncgroup },
			{ RT_CG_UNIT, f->unit, f->nunit },
			{ RT_CG_CONTAINER, f->container, f->ncontainer },
		};
		size_t k;

		for (k = 0; k < RT_CG_KINDS; k++) {
			if (kinds[k].n) {
				rs->cgroup_lookup_rules |= bit;
				if (l == 0)
					rs->cgroup_include_rules[kinds[k].kind] |= bit;
			}
			for (i = 0; i < kinds[k].n; i++) {
				struct settings_cgname *e = cgname_of(s, kinds[k].kind,
								      kinds[k].v[i]);

				if (l == 0)
					e->val.include[kinds[k].kind] |= bit;
				else
					e->val.exclude |= bit;
				if (kinds[k].kind == RT_CG_CONTAINER)
					add_machine_scope(s, kinds[k].v[i], l == 0, bit);
				if (kinds[k].kind == RT_CG_CONTAINER &&
				    add_container_len(rs, kinds[k].v[i])) {
					snprintf(err, errlen, "%s:%u:%u: container ids are "
						 "matched by at most %d different prefix lengths "
						 "across all rules", r->path, rule->mark.line,
						 rule->mark.column, RT_CONTAINER_LENS);
					return -ENOSPC;
				}
			}
		}
	}
	if (rule->group_by & (RULES_GROUP_CGROUP | RULES_GROUP_UNIT | RULES_GROUP_CONTAINER))
		rs->group_cgroup_rules |= bit;
	return 0;
}

/* The masks one rule contributes to the ruleset. */
static void encode_rule(const struct rules_rule *rule, __u64 bit, struct rt_ruleset *rs)
{
	const struct rules_filter *in = &rule->include, *ex = &rule->exclude;

	rs->probe_rules[rule->probe] |= bit;
	if (rule->mode == RULES_MODE_COUNT) {
		rs->count_rules |= bit;
		if (rule->group_by & RULES_GROUP_COMM)
			rs->group_comm_rules |= bit;
		if (rule->group_by & RULES_GROUP_PID)
			rs->group_pid_rules |= bit;
		if (rule->group_by & RULES_GROUP_SYSCALL)
			rs->group_sys_rules |= bit;
	}
	if (in->ncomm)
		rs->comm_include_rules |= bit;
	if (in->npid)
		rs->pid_include_rules |= bit;
	if (in->nuid)
		rs->uid_include_rules |= bit;
	if (in->nsys)
		rs->sys_include_rules |= bit;
	if (in->ncomm || ex->ncomm)
		rs->comm_lookup_rules |= bit;
	if (in->nprogram)
		rs->program_include_rules |= bit;
	if (in->nprogram || ex->nprogram)
		rs->program_lookup_rules |= bit;
	if (in->npid || ex->npid)
		rs->pid_lookup_rules |= bit;
	if (in->nuid || ex->nuid)
		rs->uid_lookup_rules |= bit;
	if (in->nsys || ex->nsys)
		rs->sys_lookup_rules |= bit;
	if (rule->follow)
		rs->follow_rules |= bit;
	if (rule->rate.events && rule->mode == RULES_MODE_STREAM) {
		rs->rate_rules |= bit;
		rs->rate[__builtin_ctzll(bit)] = encode_rate(&rule->rate);
	}
	if (rule->probe == RT_PROBE_EXECVE) {
		if (rule->result != RULES_RESULT_FAILURE)
			rs->exec_ok_rules |= bit;
		if (rule->result != RULES_RESULT_SUCCESS)
			rs->exec_failed_rules |= bit;
		/* One read serves every rule an exec matches: each keeps its part of it. */
		if (rule->max_argv_bytes > rs->exec_args_max)
			rs->exec_args_max = rule->max_argv_bytes;
		rs->exec_args[__builtin_ctzll(bit)] = rule->max_argv_bytes;
	}
}

int settings_build_capped(const struct rules *r, const unsigned *slots, uint32_t args_cap,
			  struct settings *s, char *err, size_t errlen)
{
	struct key_list comms = { 0 }, programs = { 0 }, pids = { 0 }, uids = { 0 }, sys = { 0 };
	size_t i;
	int ret;

	memset(s, 0, sizeof(*s));
	if (errlen)
		err[0] = '\0';
	if ((ret = check_attach(r, s, err, errlen)) != 0)
		goto out;

	for (i = 0; i < r->nrules; i++) {
		const struct rules_rule *rule = &r->rules[i];
		const struct rules_filter *in = &rule->include, *ex = &rule->exclude;
		__u64 bit = 1ULL << ((slots ? slots[i] : i) % RT_MAX_RULES);

		encode_rule(rule, bit, &s->ruleset);
		if ((ret = encode_cgroups(r, rule, bit, s, err, errlen)) != 0)
			goto out;
		add_comms(&comms, in->comm, in->ncomm, bit, LIST_INCLUDE);
		add_comms(&comms, ex->comm, ex->ncomm, bit, LIST_EXCLUDE);
		add_comms(&programs, in->program, in->nprogram, bit, LIST_INCLUDE);
		add_comms(&programs, ex->program, ex->nprogram, bit, LIST_EXCLUDE);
		add_nums(&pids, in->pid, in->npid, bit, rule->follow ? LIST_FOLLOW : LIST_INCLUDE);
		add_nums(&pids, ex->pid, ex->npid, bit, LIST_EXCLUDE);
		add_nums(&uids, in->uid, in->nuid, bit, LIST_INCLUDE);
		add_nums(&uids, ex->uid, ex->nuid, bit, LIST_EXCLUDE);
		add_nums(&sys, in->sys, in->nsys, bit, LIST_INCLUDE);
		add_nums(&sys, ex->sys, ex->nsys, bit, LIST_EXCLUDE);
	}
	if (s->ruleset.exec_args_max > args_cap)
		s->ruleset.exec_args_max = args_cap;

	if (build_comms(&comms, &s->comms, &s->ncomms)) {
		ret = too_many(r, "comm", s->ncomms, err, errlen);
		goto out;
	}
	if (build_comms(&programs, &s->programs, &s->nprograms)) {
		ret = too_many(r, "program", s->nprograms, err, errlen);
		goto out;
	}
	if (build_nums(&pids, &s->pids, &s->npids, RT_MAX_FILTER_KEYS)) {
		ret = too_many(r, "pid", s->npids, err, errlen);
		goto out;
	}
	if (build_nums(&uids, &s->uids, &s->nuids, RT_MAX_FILTER_KEYS)) {
		ret = too_many(r, "uid", s->nuids, err, errlen);
		goto out;
	}
	if (s->ncgnames > RT_CGROUP_NAMES) {
		ret = too_many(r, "cgroup, unit and container", s->ncgnames, err, errlen);
		goto out;
	}
	/* Syscall numbers were checked against RT_MAX_SYSCALLS by the rule loader. */
	build_nums(&sys, &s->syscalls, &s->nsyscalls, RT_MAX_SYSCALLS);
	ret = 0;
out:
	free(comms.v);
	free(programs.v);
	free(pids.v);
	free(uids.v);
	free(sys.v);
	if (ret)
		settings_free(s);
	return ret;
}

int settings_build(const struct rules *r, const unsigned *slots, struct settings *s, char *err,
		   size_t errlen)
{
	return settings_build_capped(r, slots, RT_ARGS_MAX, s, err, errlen);
}

void settings_free(struct settings *s)
{
	free(s->cgnames);
	free(s->comms);
	free(s->programs);
	free(s->pids);
	free(s->uids);
	free(s->syscalls);
	memset(s, 0, sizeof(*s));
}
