// SPDX-License-Identifier: GPL-2.0-only
/*
 * loader.c - skeleton open -> globals -> autoload -> load; then, per set of rules:
 * filter maps -> ruleset switch -> attach and detach.
 */
#define _GNU_SOURCE	/* sched_setaffinity, CPU_SET */
#include <errno.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/membarrier.h>
#include <sys/syscall.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cgroups.h"
#include "kbtf.h"
#include "loader.h"
#include "ruletrace.skel.h"
#include "util.h"


/* Load one build of a program that loops (if wanted at all): bpf_loop's or unrolled. */
static struct loader_prog choose_build(bool loop, bool wanted, struct bpf_program *with_loop,
				       struct bpf_link **with_loop_link,
				       struct bpf_program *unrolled,
				       struct bpf_link **unrolled_link)
{
	bpf_program__set_autoload(with_loop, wanted && loop);
	bpf_program__set_autoload(unrolled, wanted && !loop);
	return loop ? (struct loader_prog){ with_loop, with_loop_link } :
		      (struct loader_prog){ unrolled, unrolled_link };
}

#define CHOOSE_BUILD(l, loop, name, wanted)					\
	choose_build((loop), (wanted), (l)->skel->progs.name, &(l)->skel->links.name, \
		     (l)->skel->progs.name##_unrolled, &(l)->skel->links.name##_unrolled)

/* The maps whose size is the count map's: one entry (or one slot) per counter. */
static void size_count_maps(struct ruletrace_bpf *skel, uint32_t n)
{
	bpf_map__set_max_entries(skel->maps.rt_counts, n);
	bpf_map__set_max_entries(skel->maps.rt_slot_counts, n);
	bpf_map__set_max_entries(skel->maps.rt_slot_of, n);
	bpf_map__set_max_entries(skel->maps.rt_free_slots, n);
}

int loader_open(struct loader *l, const struct probe_features *f, const struct plan *p,
		char *err, size_t errlen)
{
	struct ruletrace_bpf *skel;
	struct kbtf_offsets off;
	struct kbtf_cgroup_offsets cgoff;
	int ncpus;
	__u32 slot;
	int ret;

	memset(l, 0, sizeof(*l));
	l->feat = f;
	/* A few field offsets in place of CO-RE, which would parse all of the BTF. */
	if ((ret = kbtf_offsets(KBTF_VMLINUX, &off, err, errlen)) != 0 ||
	    (ret = kbtf_cgroup_offsets(KBTF_VMLINUX, &cgoff, err, errlen)) != 0)
		return ret;
	if ((ncpus = libbpf_num_possible_cpus()) <= 0) {
		snprintf(err, errlen, "cannot tell the number of possible CPUs: %s",
			 strerror(ncpus ? -ncpus : EINVAL));
		return ncpus ? ncpus : -EINVAL;
	}

	/* 1. Open the embedded object. */
	skel = ruletrace_bpf__open();
	if (!skel) {
		ret = -errno;
		snprintf(err, errlen, "open BPF object: %s", strerror(-ret));
		return ret;
	}
	l->skel = skel;

	/* 2. Per-run constants: frozen at load, so the verifier prunes what is unused. */
	skel->rodata->rt_use_ringbuf = p->ringbuf;
	skel->rodata->rt_self_tgid = (__u32)getpid();
	skel->rodata->rt_task_pid_off = off.task_pid;
	skel->rodata->rt_task_tgid_off = off.task_tgid;
	skel->rodata->rt_task_real_parent_off = off.task_real_parent;
	skel->rodata->rt_task_comm_off = off.task_comm;
	skel->rodata->rt_task_mm_off = off.task_mm;
	skel->rodata->rt_task_pending_off = off.task_pending;
	skel->rodata->rt_task_signal_off = off.task_signal;
	skel->rodata->rt_signal_live_off = off.signal_live;
	skel->rodata->rt_mm_arg_start_off = off.mm_arg_start;
	skel->rodata->rt_mm_arg_end_off = off.mm_arg_end;
	skel->rodata->rt_bprm_filename_off = off.bprm_filename;
	skel->rodata->rt_bprm_argc_off = off.bprm_argc;
	skel->rodata->rt_args_cap = p->args_cap;
	skel->rodata->rt_cgroup_kn_off = cgoff.cgroup_kn;
	skel->rodata->rt_cgroup_root_off = cgoff.cgroup_root;
	skel->rodata->rt_root_hierarchy_id_off = cgoff.root_hierarchy_id;
	skel->rodata->rt_kn_id_off = cgoff.kn_id;
	skel->rodata->rt_kn_name_off = cgoff.kn_name;
	skel->rodata->rt_task_cgroups_off = cgoff.task_cgroups;
	skel->rodata->rt_cset_dfl_cgrp_off = cgoff.cset_dfl_cgrp;
	skel->rodata->rt_cgroup_self_off = cgoff.cgroup_self;
	skel->rodata->rt_css_parent_off = cgoff.css_parent;
	/* One exec event per CPU: too large for a per-CPU array's value. */
	bpf_map__set_max_entries(skel->maps.rt_exec_heap, (__u32)ncpus);
	if (!p->ringbuf) {
		/* Before 5.8 there is no ring buffer map, not even to hold the place of
		 * the rules' own: their slots take plain arrays, never used. */
		int inner = bpf_map_create(BPF_MAP_TYPE_ARRAY, "rt_no_ring", sizeof(__u32),
					   sizeof(__u32), 1, NULL);

		if (inner < 0 || bpf_map__set_inner_map_fd(skel->maps.rt_rings, inner)) {
			ret = inner < 0 ? -errno : -EINVAL;
			snprintf(err, errlen, "open BPF object: the rules' event rings: %s",
				 strerror(-ret));
			if (inner >= 0)
				close(inner);
			loader_stop(l);
			return ret;
		}
		l->inner_fd = inner + 1;
		/* Nor for the cgroups made: user space walks the tree for them. */
		bpf_map__set_type(skel->maps.rt_cgroup_births, BPF_MAP_TYPE_ARRAY);
		bpf_map__set_key_size(skel->maps.rt_cgroup_births, sizeof(__u32));
		bpf_map__set_value_size(skel->maps.rt_cgroup_births, sizeof(__u32));
		bpf_map__set_max_entries(skel->maps.rt_cgroup_births, 1);
	} else {
		/* The perf event array is not used: one entry, not one per CPU. */
		bpf_map__set_max_entries(skel->maps.rt_events, 1);
	}
	size_count_maps(skel, p->max_counters);

	/*
	 * 3. Every program this kernel can take: a reload may need any of them. Those
	 * that loop over rule bits in their bpf_loop build or, before 5.17 (or with
	 * RULETRACE_NO_BPF_LOOP, to test that path), their unrolled one.
	 */
	l->exec_kprobe[LOADER_EXECVE_ENTRY] = CHOOSE_BUILD(l, p->loop, rt_execve_kprobe,
							   f->kprobes);
	l->exec_kprobe[LOADER_EXECVE_RETURN] = CHOOSE_BUILD(l, p->loop, rt_execve_kretprobe,
							    f->kprobes);
	l->exec_kprobe[LOADER_EXECVEAT_ENTRY] = CHOOSE_BUILD(l, p->loop, rt_execveat_kprobe,
							     f->kprobes);
	l->exec_kprobe[LOADER_EXECVEAT_RETURN] = CHOOSE_BUILD(l, p->loop, rt_execveat_kretprobe,
							      f->kprobes);
	l->exec_tp[LOADER_EXECVE_ENTRY] = CHOOSE_BUILD(l, p->loop, rt_execve_tp, f->execve_tp);
	l->exec_tp[LOADER_EXECVE_RETURN] = CHOOSE_BUILD(l, p->loop, rt_execve_exit_tp,
							f->execve_tp);
	l->exec_tp[LOADER_EXECVEAT_ENTRY] = CHOOSE_BUILD(l, p->loop, rt_execveat_tp,
							 f->execve_tp);
	l->exec_tp[LOADER_EXECVEAT_RETURN] = CHOOSE_BUILD(l, p->loop, rt_execveat_exit_tp,
							  f->execve_tp);
	l->prog_exec_done = CHOOSE_BUILD(l, p->loop, rt_exec_done, true);
	l->prog_sys_enter = CHOOSE_BUILD(l, p->loop, rt_sys_enter, true);
	l->prog_rename = CHOOSE_BUILD(l, p->loop, rt_rename, true);

	/* 4. Load and verify. */
	if ((ret = ruletrace_bpf__load(skel)) != 0) {
		snprintf(err, errlen, "load BPF object: %s%s", strerror(-ret),
			 log_verbose() || ret == -EPERM ? "" : " (run with -v for the verifier log)");
		loader_stop(l);
		return ret;
	}

	/* 5. Every count slot is free: the kernel pops one per new counter key. */
	for (slot = 0; slot < p->max_counters; slot++) {
		if (bpf_map_update_elem(bpf_map__fd(skel->maps.rt_free_slots), NULL, &slot, 0)) {
			ret = -errno;
			snprintf(err, errlen, "fill free count slots: %s", strerror(-ret));
			loader_stop(l);
			return ret;
		}
	}
	return 0;
}

/* Remove every entry of filter set from a hash map whose key ends in its __u32 set. */
static void clear_set(int fd, size_t key_size, __u32 set)
{
	char *key = xcalloc(2, key_size), *next = key + key_size, *found = NULL;
	size_t n = 0, cap = 0, i;
	bool first = true;
	__u32 k;

	/*
	 * A deleted key cannot be walked on from: the set's keys are gathered in one
	 * walk, then deleted (a walk restarted after each delete is quadratic).
	 */
	while (bpf_map_get_next_key(fd, first ? NULL : key, next) == 0) {
		memcpy(key, next, key_size);
		first = false;
		memcpy(&k, key + key_size - sizeof(k), sizeof(k));
		if (k != set)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			found = xreallocarray(found, cap, key_size);
		}
		memcpy(found + n++ * key_size, key, key_size);
	}
	for (i = 0; i < n; i++)
		bpf_map_delete_elem(fd, found + i * key_size);
	free(found);
	free(key);
}

static int write_comms(int fd, const struct settings_comm *v, size_t n, __u32 set)
{
	struct rt_comm_key key = { .set = set };
	size_t i;

	for (i = 0; i < n; i++) {
		memcpy(key.comm, v[i].comm, RT_COMM_LEN);
		if (bpf_map_update_elem(fd, &key, &v[i].val, BPF_ANY))
			return -errno;
	}
	return 0;
}

static int write_nums(int fd, const struct settings_num *v, size_t n, __u32 set)
{
	struct rt_num_key key = { .set = set };
	size_t i;

	for (i = 0; i < n; i++) {
		key.id = v[i].key;
		if (bpf_map_update_elem(fd, &key, &v[i].val, BPF_ANY))
			return -errno;
	}
	return 0;
}

/* The syscall array's half for set: last apply's entries zeroed, then this one's. */
static int write_syscalls(struct loader *l, int fd, const struct settings *s, __u32 set)
{
	struct rt_filter_val zero = { 0 };
	__u32 idx;
	size_t i;

	for (i = 0; i < l->nsys_keys[set]; i++)
		bpf_map_update_elem(fd, &l->sys_keys[set][i], &zero, BPF_ANY);
	free(l->sys_keys[set]);
	l->sys_keys[set] = xcalloc(s->nsyscalls + 1, sizeof(__u32));
	l->nsys_keys[set] = 0;
	for (i = 0; i < s->nsyscalls; i++) {
		idx = set * RT_MAX_SYSCALLS + s->syscalls[i].key;
		if (bpf_map_update_elem(fd, &idx, &s->syscalls[i].val, BPF_ANY))
			return -errno;
		l->sys_keys[set][l->nsys_keys[set]++] = idx;
	}
	return 0;
}

/* The bits of the running rules' mask, as the new rules' bits (trans: by old bit). */
static __u64 translate(__u64 mask, const __u64 *trans)
{
	__u64 out = 0;
	unsigned b;

	for (b = 0; b < RT_MAX_RULES && mask; b++, mask >>= 1)
		if (mask & 1)
			out |= trans[b];
	return out;
}

/*
 * Followed descendants (added by the kernel to filter set from) carried into set
 * to, for the new rules that follow in place of a running rule of their name
 * (trans: the new bits of each running rule's bit). Returns how many entries
 * were added or widened.
 */
static unsigned carry_inherited(int fd, __u32 from, __u32 to, const __u64 *trans)
{
	struct rt_num_key key, next, dst;
	struct rt_filter_val v, have;
	void *prev = NULL;
	unsigned n = 0;
	__u64 bits;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (key.set != from || bpf_map_lookup_elem(fd, &key, &v) ||
		    !(v.flags & RT_FILTER_INHERITED) || !(bits = translate(v.follow, trans)))
			continue;
		dst = key;
		dst.set = to;
		if (bpf_map_lookup_elem(fd, &dst, &have) == 0) {
			if ((have.include & bits) == bits && (have.follow & bits) == bits)
				continue;
			have.include |= bits;
			have.follow |= bits;
		} else {
			memset(&have, 0, sizeof(have));
			have.include = have.follow = bits;
			have.flags = RT_FILTER_INHERITED;
		}
		if (bpf_map_update_elem(fd, &dst, &have, BPF_ANY) == 0)
			n++;
	}
	return n;
}

static void quiesce(void);

/* What the cgroups of the tree match in one filter set, as the scan finds them. */
struct cgroup_scan {
	const struct settings *s;
	int fd;			/* rt_cgroup_filter */
	__u32 set;
	int ret;
	char (*matched)[CGROUPS_CONTAINER_MAX];	/* per cgname: the container it matched */
	char *err;
	size_t errlen;
};

/*
 * Cgroup rel (id) against the filters' names, as rt_cgroup_mkdir matches a new
 * one: its path, its own name as a unit, the container id in its own name. Its
 * descendants need no entry: the kernel walks a task's ancestors.
 */
static int scan_cgroup(void *ctx, const char *rel, uint64_t id)
{
	struct cgroup_scan *sc = ctx;
	struct rt_cgroup_key key = { .id = id, .set = sc->set };
	struct rt_cgroup_val acc = { 0 };
	char cid[CGROUPS_CONTAINER_MAX], inner[CGROUPS_CONTAINER_MAX];
	const char *leaf = strrchr(rel, '/');
	bool in_container;
	size_t i;

	leaf = leaf ? leaf + 1 : rel;
	/* Its own name, as the labels take it: a machine scope only under machine.slice. */
	in_container = cgroups_container_of_name(leaf, cid) && cgroups_container_of(rel, inner) &&
		       !strcmp(cid, inner);
	for (i = 0; i < sc->s->ncgnames; i++) {
		const struct settings_cgname *e = &sc->s->cgnames[i];
		bool hit = e->kind == RT_CG_PATH ? !strcmp(e->name, rel) :
			   e->kind == RT_CG_UNIT ? !strcmp(e->name, leaf) :
			   in_container && cgroups_container_match(cid, e->name);
		size_t k;

		if (!hit)
			continue;
		/* An id prefix must name one container: two are a typo, or a short one. */
		if (e->kind == RT_CG_CONTAINER) {
			if (sc->matched[i][0] && strcmp(sc->matched[i], cid)) {
				snprintf(sc->err, sc->errlen, "container '%s' is not unique: it "
					 "matches %s and %s", e->name, sc->matched[i], cid);
				sc->ret = -ENOTUNIQ;
				return 1;
			}
			snprintf(sc->matched[i], sizeof(sc->matched[i]), "%s", cid);
		}
		for (k = 0; k < RT_CG_KINDS; k++)
			acc.include[k] |= e->val.include[k];
		acc.exclude |= e->val.exclude;
	}
	if ((acc.include[0] | acc.include[1] | acc.include[2] | acc.exclude) &&
	    bpf_map_update_elem(sc->fd, &key, &acc, BPF_ANY)) {
		sc->ret = -errno;
		return 1;
	}
	return 0;
}

/*
 * Path name key k (RT_CG_PATH) also as RT_CG_CHILD: its parent's id and its last
 * part, for the kernel to match a cgroup made under a parent there is now, whatever
 * root the kernel counts paths from. 0, or -1 with errno (none needed: 0).
 */
static int write_child_name(struct cgroups *cg, int fd, const struct rt_cgroup_name_key *k,
			    const struct rt_cgroup_val *val)
{
	struct rt_cgroup_name_key child = { .kind = RT_CG_CHILD, .set = k->set };
	char parent[RT_CGROUP_NAME_LEN];
	const char *leaf = strrchr(k->name, '/');
	uint64_t id;

	if (!leaf || strlen(leaf + 1) > RT_CG_CHILD_NAME_MAX - 1)
		return 0;
	snprintf(parent, sizeof(parent), "%.*s", (int)(leaf - k->name), k->name);
	if (cgroups_id_of(cg, parent[0] ? parent : "/", &id))
		return 0;	/* no parent yet: the path itself is the only way */
	memcpy(child.name, &id, sizeof(id));
	memcpy(child.name + sizeof(id), leaf + 1, strlen(leaf + 1));
	return bpf_map_update_elem(fd, &child, val, BPF_ANY);
}

/*
 * The cgroup filter of set for s: its names first (a cgroup made from now on is
 * matched by the kernel, under the ruleset already written to set), then the
 * cgroups there are, found by a walk of the tree.
 */
static int fill_cgroups(struct loader *l, const struct settings *s, __u32 set, char *err,
			size_t errlen)
{
	struct ruletrace_bpf *skel = l->skel;
	int names_fd = bpf_map__fd(skel->maps.rt_cgroup_names);
	struct cgroup_scan sc = { .s = s, .fd = bpf_map__fd(skel->maps.rt_cgroup_filter),
				  .set = set, .err = err, .errlen = errlen };
	struct rt_cgroup_name_key key;
	size_t i;

	clear_set(names_fd, sizeof(struct rt_cgroup_name_key), set);
	clear_set(sc.fd, sizeof(struct rt_cgroup_key), set);
	if (!s->ncgnames)
		return 0;
	if (!l->cgroups) {
		snprintf(err, errlen, "cgroup, unit and container filters need cgroup v2, "
			 "and it is not mounted");
		return -ENOENT;
	}
	for (i = 0; i < s->ncgnames; i++) {
		memset(&key, 0, sizeof(key));
		memcpy(key.name, s->cgnames[i].name, sizeof(key.name));
		key.kind = s->cgnames[i].kind;
		key.set = set;
		if (bpf_map_update_elem(names_fd, &key, &s->cgnames[i].val, BPF_ANY) ||
		    (key.kind == RT_CG_PATH &&
		     write_child_name(l->cgroups, names_fd, &key, &s->cgnames[i].val))) {
			snprintf(err, errlen, "fill the cgroup names: %s", strerror(errno));
			return -errno;
		}
	}
	sc.matched = xcalloc(s->ncgnames, sizeof(*sc.matched));
	cgroups_walk(l->cgroups, scan_cgroup, &sc);
	free(sc.matched);
	if (sc.ret == -ENOTUNIQ)
		return sc.ret;	/* said in err: the rule file's fault */
	if (sc.ret) {
		snprintf(err, errlen, "fill the cgroup filter (%d entries at most): %s",
			 RT_CGROUP_ENTRIES, strerror(-sc.ret));
		return sc.ret;
	}
	return 0;
}

/*
 * A rule's rate_limit changed from old to new (or came in, if old has none for
 * it): its bucket goes on from where it was. The events it let through and has
 * not yet earned back at the old rate are owed at the new one; a bucket that did
 * not exist under the old rules starts full.
 */
static void carry_rate(int tat_fd, __u32 slot, const struct rt_ruleset *old,
		       const struct rt_ruleset *new)
{
	__u64 tat = 0, now, owed;

	if (!((new->rate_rules >> slot) & 1))
		return;
	if ((old->rate_rules >> slot) & 1 &&
	    old->rate[slot].interval_ns == new->rate[slot].interval_ns)
		return;	/* the same refill: the bucket's state means the same */
	if ((old->rate_rules >> slot) & 1 && !bpf_map_lookup_elem(tat_fd, &slot, &tat)) {
		now = (__u64)(mono_seconds() * 1e9);
		owed = tat > now ? (tat - now + old->rate[slot].interval_ns - 1) /
				   old->rate[slot].interval_ns : 0;
		tat = owed ? now + owed * new->rate[slot].interval_ns : 0;
	} else {
		tat = 0;
	}
	bpf_map_update_elem(tat_fd, &slot, &tat, BPF_ANY);
}

/*
 * The filter contents of s are written whole to the idle filter set, beside the
 * live one; then the ruleset of the same number, then one store makes both live.
 * No probe ever sees a half-written filter: it reads the live set's entries only.
 */
static int fill_maps(struct loader *l, const struct plan *p, char *err, size_t errlen)
{
	const struct settings *s = &p->settings;
	struct ruletrace_bpf *skel = l->skel;
	__u32 live = skel->bss->rt_active_ruleset & 1, next = live ^ 1;
	int comm_fd = bpf_map__fd(skel->maps.rt_comm_filter);
	int program_fd = bpf_map__fd(skel->maps.rt_program_filter);
	int pid_fd = bpf_map__fd(skel->maps.rt_pid_filter);
	int uid_fd = bpf_map__fd(skel->maps.rt_uid_filter);
	__u64 trans[RT_MAX_RULES] = { 0 }, follow = 0;
	struct rt_ruleset old = { 0 };
	int ret, pass;
	size_t i;

	/* A rule that follows goes on following what the running rule of its name did. */
	for (i = 0; i < p->rules.nrules; i++) {
		if (!p->rules.rules[i].follow || p->rule[i].prev_slot >= RT_MAX_RULES)
			continue;
		trans[p->rule[i].prev_slot] |= 1ULL << p->rule[i].slot;
		follow |= 1ULL << p->rule[i].slot;
	}
	l->set_before = live;
	/* What an apply before the last left in the idle set goes first. */
	clear_set(comm_fd, sizeof(struct rt_comm_key), next);
	clear_set(program_fd, sizeof(struct rt_comm_key), next);
	clear_set(pid_fd, sizeof(struct rt_num_key), next);
	clear_set(uid_fd, sizeof(struct rt_num_key), next);
	if ((ret = write_comms(comm_fd, s->comms, s->ncomms, next)) ||
	    (ret = write_comms(program_fd, s->programs, s->nprograms, next)) ||
	    (ret = write_nums(pid_fd, s->pids, s->npids, next)) ||
	    (ret = write_nums(uid_fd, s->uids, s->nuids, next)) ||
	    (ret = write_syscalls(l, bpf_map__fd(skel->maps.rt_sys_filter), s, next))) {
		snprintf(err, errlen, "fill filter maps: %s", strerror(-ret));
		return ret;
	}
	carry_inherited(pid_fd, live, next, trans);
	/* The idle set's ruleset first: the cgroups made from now on are matched by it
	 * (the kernel writes both sets until the switch is done). */
	__atomic_store_n(&skel->bss->rt_reloading, 1, __ATOMIC_RELEASE);
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.rt_ruleset), &next, &s->ruleset, BPF_ANY) ||
	    (ret = fill_cgroups(l, s, next, err, errlen)) != 0) {
		__atomic_store_n(&skel->bss->rt_reloading, 0, __ATOMIC_RELEASE);
		if (!ret)
			snprintf(err, errlen, "write ruleset: %s", strerror(errno));
		return ret ? ret : -EIO;
	}
	/* The last point where a reload can fail: everything but the switch is done. */
	if (l->applied && test_fault("reload-apply")) {
		snprintf(err, errlen, "apply: injected fault (RULETRACE_TEST_FAULT)");
		return -EIO;
	}
	if (l->applied)
		bpf_map_lookup_elem(bpf_map__fd(skel->maps.rt_ruleset), &live, &old);
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.rt_ruleset), &next, &s->ruleset, BPF_ANY)) {
		ret = -errno;
		snprintf(err, errlen, "write ruleset: %s", strerror(-ret));
		return ret;
	}
	__atomic_store_n(&skel->bss->rt_active_ruleset, next, __ATOMIC_RELEASE);
	/* Every task's cached verdicts were worked out under the old rules. */
	__atomic_add_fetch(&skel->data->rt_generation, 1, __ATOMIC_RELEASE);
	/*
	 * Once no program runs under the old rules, what they counted and sent is
	 * final (a reload reads the removed rules' figures next). And a fork that ran
	 * while the idle set was being written may have found its parent only in
	 * the live set: carry what such forks added, until a pass finds nothing new.
	 */
	quiesce();
	for (pass = 0; follow && pass < 8 && carry_inherited(pid_fd, live, next, trans); pass++)
		;
	for (i = 0; i < RT_MAX_RULES; i++)
		carry_rate(bpf_map__fd(skel->maps.rt_rate_tat), (__u32)i, &old, &s->ruleset);
	/* No mkdir is still writing the old set (quiesce): the live one alone from now. */
	__atomic_store_n(&skel->bss->rt_reloading, 0, __ATOMIC_RELEASE);
	return 0;
}

/*
 * Count slots of removed rules. A slot goes back to rt_free_slots, for the kernel to
 * hand to another key, only once nothing can add to it any more:
 *
 * - no program that began under the old rules is still running (quiesce), so none
 *   can still count through a cache entry or key of the removed rule (a hit needs
 *   the entry's generation to be the current one, bumped when the rules switched);
 * - no CPU's cache entry holds pending counts for it. An entry refilled under the
 *   new rules adds its task's pending count to its pending_slot first; an entry
 *   not refilled since would do so at its next refill, however late, into a slot
 *   that may by then be another key's. A freed slot cannot become any entry's
 *   pending_slot (no key maps to it, the queue does not hold it), so a CPU whose
 *   entry does not hold it now never will;
 * - and those refills have finished (a second quiesce), so the counts they added
 *   are in the slot when it is zeroed.
 */

/*
 * Run on each CPU (those that held[cpu], or every CPU when held is NULL) and make a
 * syscall there: its sys_enter program refills that CPU's cache entry (for this
 * process, which is never traced), adding what it had pending to its slot.
 */
static void visit_cpus(const bool *held, int ncpus)
{
	cpu_set_t old, one;
	int cpu;

	if (sched_getaffinity(0, sizeof(old), &old))
		return;
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (!CPU_ISSET(cpu, &old) || (held && (cpu >= ncpus || !held[cpu])))
			continue;
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		if (sched_setaffinity(0, sizeof(one), &one) == 0)
			syscall(SYS_getppid);
	}
	sched_setaffinity(0, sizeof(old), &old);
}

/*
 * Wait until every BPF program that began before now has returned. They run with
 * preemption disabled, and MEMBARRIER_CMD_GLOBAL (4.16+) is synchronize_rcu(),
 * which waits for every such section. Where it is refused (nohz_full CPUs), run
 * on each CPU in turn: a CPU running this thread is not inside a program.
 */
static void quiesce(void)
{
	if (syscall(SYS_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0) == 0)
		return;
	visit_cpus(NULL, 0);
}

/* Which CPUs' cache entries hold pending counts for a slot in limbo; how many. */
static int slots_held(const struct loader *l, struct rt_task_cache *caches, int ncpus,
		      bool *held)
{
	__u32 zero = 0;
	size_t i;
	int cpu, n = 0;

	if (bpf_map_lookup_elem(bpf_map__fd(l->skel->maps.rt_cpu_cache), &zero, caches))
		return -1;
	for (cpu = 0; cpu < ncpus; cpu++) {
		held[cpu] = false;
		for (i = 0; i < l->nlimbo && caches[cpu].pending; i++)
			if (caches[cpu].pending_slot == l->limbo[i] + 1)
				held[cpu] = true;
		n += held[cpu];
	}
	return n;
}

/* Give back to the kernel the slots in limbo that nothing can add to any more. */
static void slots_release(struct loader *l)
{
	int counts_fd = bpf_map__fd(l->skel->maps.rt_slot_counts);
	int free_fd = bpf_map__fd(l->skel->maps.rt_free_slots);
	int ncpus = libbpf_num_possible_cpus();
	struct rt_task_cache *caches;
	__u64 *zero;
	size_t i, kept = 0;
	bool *held;
	int cpu;

	if (!l->nlimbo || ncpus <= 0)
		return;
	caches = xcalloc((size_t)ncpus, sizeof(*caches));
	held = xcalloc((size_t)ncpus, sizeof(*held));
	zero = xcalloc((size_t)ncpus, sizeof(*zero));
	/* A CPU still holding some: have it refill now rather than whenever it next runs. */
	if (slots_held(l, caches, ncpus, held) > 0)
		visit_cpus(held, ncpus);
	if (slots_held(l, caches, ncpus, held) < 0)
		goto out;
	quiesce();	/* the refills seen above have added their counts */
	for (i = 0; i < l->nlimbo; i++) {
		__u32 s = l->limbo[i];
		bool keep = false;

		for (cpu = 0; cpu < ncpus; cpu++)
			if (caches[cpu].pending && caches[cpu].pending_slot == s + 1)
				keep = true;
		if (keep || bpf_map_update_elem(counts_fd, &s, zero, BPF_ANY) ||
		    bpf_map_update_elem(free_fd, NULL, &s, 0))
			l->limbo[kept++] = s;
	}
	l->nlimbo = kept;
out:
	free(zero);
	free(held);
	free(caches);
}

static int attach_one(struct bpf_program *prog, struct bpf_link **link)
{
	if (*link)
		return 0;
	*link = bpf_program__attach(prog);
	return *link ? 0 : -errno;
}

static void detach_one(struct bpf_link **link)
{
	bpf_link__destroy(*link);
	*link = NULL;
}

static void detach_group(struct loader_prog *progs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		detach_one(progs[i].link);
}

/* Attach every program of a group, or none. */
static int attach_group(struct loader_prog *progs, size_t n)
{
	size_t i;
	int e;

	for (i = 0; i < n; i++) {
		if ((e = attach_one(progs[i].prog, progs[i].link)) != 0) {
			detach_group(progs, i);
			return e;
		}
	}
	return 0;
}

/*
 * The execve and execveat entries and returns in the mode wanted (the kprobes fall
 * back to the tracepoints when auto), and sched_process_exec, where a successful
 * exec is reported.
 */
static int attach_execve(struct loader *l, enum probe_execve_mode want, bool auto_attach,
			 char *err, size_t errlen)
{
	const struct probe_features *f = l->feat;
	int ret;

	if ((ret = attach_one(l->prog_exec_done.prog, l->prog_exec_done.link)) != 0) {
		snprintf(err, errlen, "attach sched_process_exec raw tracepoint: %s",
			 strerror(-ret));
		return ret;
	}
	if (want == PROBE_EXECVE_KPROBE) {
		ret = attach_group(l->exec_kprobe, LOADER_EXEC_PROGS);
		if (!ret) {
			snprintf(l->execve_how, sizeof(l->execve_how), "kprobe (ksyscall execve)");
			l->execve = want;
			return 0;
		}
		if (!auto_attach || !f->execve_tp) {
			snprintf(err, errlen, "attach execve and execveat kprobes and "
				 "kretprobes: %s", strerror(-ret));
			return ret;
		}
		snprintf(l->execve_how, sizeof(l->execve_how),
			 "%s (kprobe attach failed: %s)", PROBE_EXECVE_TP_NAME, strerror(-ret));
	} else if (f->kprobes) {
		snprintf(l->execve_how, sizeof(l->execve_how), "%s (asked for)", PROBE_EXECVE_TP_NAME);
	} else {
		snprintf(l->execve_how, sizeof(l->execve_how),
			 "%s (kprobe unavailable: %s)", PROBE_EXECVE_TP_NAME, f->kprobe_reason);
	}
	ret = attach_group(l->exec_tp, LOADER_EXEC_PROGS);
	if (ret) {
		snprintf(err, errlen, "attach execve and execveat tracepoints (sys_enter and "
			 "sys_exit): %s", strerror(-ret));
		return ret;
	}
	l->execve = PROBE_EXECVE_TRACEPOINT;
	return 0;
}

/* Attach what s uses; called before the ruleset switch, so nothing is missed. */
static int attach_needed(struct loader *l, const struct settings *s,
			 enum probe_execve_mode execve, bool auto_attach, char *err,
			 size_t errlen)
{
	struct ruletrace_bpf *skel = l->skel;
	int ret;

	if (execve != PROBE_EXECVE_NONE &&
	    (ret = attach_execve(l, execve, auto_attach, err, errlen)) != 0)
		return ret;
	if (s->ruleset.probe_rules[RT_PROBE_SYS_ENTER]) {
		ret = attach_one(l->prog_sys_enter.prog, l->prog_sys_enter.link);
		if (ret) {
			snprintf(err, errlen, "attach sys_enter raw tracepoint: %s", strerror(-ret));
			return ret;
		}
		l->sys_enter = true;
	}
	/* Renames and exits empty the per-CPU task caches: always attached. */
	if ((ret = attach_one(l->prog_rename.prog, l->prog_rename.link)) ||
	    (ret = attach_one(skel->progs.rt_exit, &skel->links.rt_exit))) {
		snprintf(err, errlen, "attach task_rename/sched_process_exit: %s", strerror(-ret));
		return ret;
	}
	/* A task's cgroup decides verdicts and counter keys: a move empties its cache. */
	if ((s->ruleset.cgroup_lookup_rules || s->ruleset.group_cgroup_rules) &&
	    (ret = attach_one(skel->progs.rt_cgroup_attach, &skel->links.rt_cgroup_attach))) {
		snprintf(err, errlen, "attach cgroup_attach_task: %s", strerror(-ret));
		return ret;
	}
	/* Made and removed cgroups: for the filters, and to name every cgroup made. */
	if ((l->cgroups || s->ruleset.cgroup_lookup_rules) &&
	    ((ret = attach_one(skel->progs.rt_cgroup_mkdir, &skel->links.rt_cgroup_mkdir)) ||
	     (ret = attach_one(skel->progs.rt_cgroup_rmdir, &skel->links.rt_cgroup_rmdir)))) {
		snprintf(err, errlen, "attach cgroup_mkdir/cgroup_rmdir: %s", strerror(-ret));
		return ret;
	}
	if (s->ruleset.follow_rules) {
		if ((ret = attach_one(skel->progs.rt_fork, &skel->links.rt_fork)) != 0) {
			snprintf(err, errlen, "attach sched_process_fork: %s", strerror(-ret));
			return ret;
		}
		l->follow = true;
	}
	return 0;
}

/* Detach what s no longer uses; called after the switch. */
static void detach_unneeded(struct loader *l, const struct settings *s,
			    enum probe_execve_mode execve)
{
	struct ruletrace_bpf *skel = l->skel;

	if (execve != PROBE_EXECVE_KPROBE || l->execve != PROBE_EXECVE_KPROBE)
		detach_group(l->exec_kprobe, LOADER_EXEC_PROGS);
	if (execve == PROBE_EXECVE_NONE || l->execve != PROBE_EXECVE_TRACEPOINT)
		detach_group(l->exec_tp, LOADER_EXEC_PROGS);
	if (execve == PROBE_EXECVE_NONE) {
		detach_one(l->prog_exec_done.link);
		l->execve = PROBE_EXECVE_NONE;
	}
	if (!s->ruleset.probe_rules[RT_PROBE_SYS_ENTER]) {
		detach_one(l->prog_sys_enter.link);
		l->sys_enter = false;
	}
	if (!s->ruleset.follow_rules) {
		detach_one(&skel->links.rt_fork);
		l->follow = false;
	}
	if (!s->ruleset.cgroup_lookup_rules && !s->ruleset.group_cgroup_rules)
		detach_one(&skel->links.rt_cgroup_attach);
	if (!l->cgroups && !s->ruleset.cgroup_lookup_rules) {
		detach_one(&skel->links.rt_cgroup_mkdir);
		detach_one(&skel->links.rt_cgroup_rmdir);
	}
}

/* Take rule slot's ring buffer out of the kernel's table, and close it. */
static void ring_remove(struct loader *l, __u32 slot)
{
	if (!l->ring_size[slot])
		return;
	bpf_map_delete_elem(bpf_map__fd(l->skel->maps.rt_rings), &slot);
	close(l->ring_fd[slot]);
	l->ring_fd[slot] = 0;
	l->ring_size[slot] = 0;
}

/*
 * Each stream rule of p gets a ring buffer of its size on its slot, before its
 * rules go live. A slot's ring is replaced only when a new rule takes the slot
 * (a rule whose size changes is a new rule: plan.c): then whatever its last rule
 * left in it has been read (events_busy_slots). Count rules send no events.
 */
static int install_rings(struct loader *l, const struct plan *p, char *err, size_t errlen)
{
	int rings_fd = bpf_map__fd(l->skel->maps.rt_rings), fd;
	size_t i;

	if (!p->ringbuf)
		return 0;
	for (i = 0; i < p->rules.nrules; i++) {
		const struct rules_rule *r = &p->rules.rules[i];
		__u32 slot = p->rule[i].slot, size = plan_rule_buffer(p, i);

		if (r->mode != RULES_MODE_STREAM) {
			ring_remove(l, slot);
			continue;
		}
		if (l->ring_size[slot] == size)
			continue;
		fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "rt_ring", 0, 0, size, NULL);
		if (fd < 0 || bpf_map_update_elem(rings_fd, &slot, &fd, BPF_ANY)) {
			int ret = -errno;

			if (fd >= 0)
				close(fd);
			snprintf(err, errlen, "rule '%s': create its %u-byte ring buffer: %s",
				 r->name, size, strerror(-ret));
			return ret;
		}
		if (l->ring_size[slot])
			close(l->ring_fd[slot]);
		l->ring_fd[slot] = fd;
		l->ring_size[slot] = size;
	}
	return 0;
}

/* The rings of slots that no stream rule of p holds: none is sent to any more. */
static void drop_unused_rings(struct loader *l, const struct plan *p)
{
	bool used[RT_MAX_RULES] = { false };
	__u32 slot;
	size_t i;

	for (i = 0; i < p->rules.nrules; i++)
		if (p->rules.rules[i].mode == RULES_MODE_STREAM)
			used[p->rule[i].slot % RT_MAX_RULES] = true;
	for (slot = 0; slot < RT_MAX_RULES; slot++)
		if (!used[slot])
			ring_remove(l, slot);
}

int loader_births_fd(const struct loader *l)
{
	return bpf_map__type(l->skel->maps.rt_cgroup_births) == BPF_MAP_TYPE_RINGBUF ?
	       bpf_map__fd(l->skel->maps.rt_cgroup_births) : -1;
}

int loader_ring_fd(const struct loader *l, unsigned slot)
{
	return slot < RT_MAX_RULES && l->ring_size[slot] ? l->ring_fd[slot] : -1;
}

int loader_apply(struct loader *l, const struct plan *p, char *err, size_t errlen)
{
	const struct settings *s = &p->settings;
	int ret;

	if ((ret = install_rings(l, p, err, errlen)) != 0)
		return ret;

	/* Programs attached before the switch find no rules for them and return. */
	if ((ret = attach_needed(l, s, p->execve, s->execve_attach == RULES_ATTACH_AUTO, err,
				 errlen)) != 0)
		return ret;
	if ((ret = fill_maps(l, p, err, errlen)) != 0)
		return ret;
	l->applied = true;
	detach_unneeded(l, s, p->execve);
	slots_release(l);	/* those a CPU held at the last reload, now sys_enter is back */
	return 0;
}

int loader_revert(struct loader *l, const struct plan *p, char *err, size_t errlen)
{
	const struct settings *s = &p->settings;
	struct ruletrace_bpf *skel = l->skel;
	int ret;

	if ((ret = attach_needed(l, s, p->execve, s->execve_attach == RULES_ATTACH_AUTO, err,
				 errlen)) != 0)
		return ret;
	__atomic_store_n(&skel->bss->rt_reloading, 0, __ATOMIC_RELEASE);
	/* The failed apply wrote the other filter set only: p's is as it was. */
	if ((skel->bss->rt_active_ruleset & 1) != l->set_before) {
		__atomic_store_n(&skel->bss->rt_active_ruleset, l->set_before, __ATOMIC_RELEASE);
		__atomic_add_fetch(&skel->data->rt_generation, 1, __ATOMIC_RELEASE);
	}
	quiesce();
	detach_unneeded(l, s, p->execve);
	drop_unused_rings(l, p);	/* those the failed apply made */
	return 0;
}

void loader_drop_ring(struct loader *l, unsigned slot)
{
	if (slot < RT_MAX_RULES)
		ring_remove(l, slot);
}

int loader_events_fd(const struct loader *l)
{
	return bpf_map__fd(l->skel->maps.rt_events);
}

void loader_detach(struct loader *l)
{
	if (!l->skel)
		return;
	ruletrace_bpf__detach(l->skel);
	/* A program that began before the detach has finished, and sent what it sends:
	 * a drain after this sees every event the counters count. */
	quiesce();
}

/* Sum a per-CPU value of n __u64 fields over every possible CPU. */
static void sum_percpu(const __u64 *values, int ncpus, size_t nfields, __u64 *out)
{
	size_t f;
	int c;

	for (f = 0; f < nfields; f++)
		out[f] = 0;
	for (c = 0; c < ncpus; c++)
		for (f = 0; f < nfields; f++)
			out[f] += values[(size_t)c * nfields + f];
}

static void add_count(struct loader_counters *c, const struct rt_count_key *key, __u64 n)
{
	struct loader_count *e;

	if (!n)
		return;
	if (c->ncounts == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 256;
		c->counts = xreallocarray(c->counts, c->cap, sizeof(*c->counts));
	}
	e = &c->counts[c->ncounts++];
	e->slot = key->rule;
	memcpy(e->comm, key->comm, RT_COMM_LEN);
	e->pid = key->pid;
	e->nr = key->nr;
	e->cgroup = key->cgroup;
	e->count = n;
}

/* The hash map's counters: those keyed by syscall. */
static int read_counts(struct loader *l, struct loader_counters *c, int ncpus, __u64 *values)
{
	int fd = bpf_map__fd(l->skel->maps.rt_counts);
	struct rt_count_key key, next;
	void *prev = NULL;
	__u64 total;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, values))
			continue;
		sum_percpu(values, ncpus, 1, &total);
		add_count(c, &key, total);
	}
	return errno == ENOENT ? 0 : -errno;
}

/* The fast path's counters: every key that was given a slot, and its counts. */
/* Read whole from a per-CPU array, whose values are laid out 8-byte aligned. */
_Static_assert(sizeof(struct rt_task_cache) % 8 == 0, "rt_task_cache: pad to 8 bytes");

static int read_slots(struct loader *l, struct loader_counters *c, int ncpus, __u64 *values)
{
	int slots_fd = bpf_map__fd(l->skel->maps.rt_slot_of);
	int counts_fd = bpf_map__fd(l->skel->maps.rt_slot_counts);
	struct rt_task_cache *caches = xcalloc((size_t)ncpus, sizeof(*caches));
	struct rt_count_key key, next;
	void *prev = NULL;
	__u32 slot, zero = 0;
	__u64 total;
	int cpu, ret;

	/* Each CPU's cache entry holds the fast rule's latest counts for its task. */
	if (bpf_map_lookup_elem(bpf_map__fd(l->skel->maps.rt_cpu_cache), &zero, caches))
		memset(caches, 0, (size_t)ncpus * sizeof(*caches));
	while (bpf_map_get_next_key(slots_fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(slots_fd, &key, &slot) ||
		    bpf_map_lookup_elem(counts_fd, &slot, values))
			continue;
		sum_percpu(values, ncpus, 1, &total);
		for (cpu = 0; cpu < ncpus; cpu++)
			if (caches[cpu].pending_slot == slot + 1)
				total += caches[cpu].pending;
		add_count(c, &key, total);
	}
	ret = errno == ENOENT ? 0 : -errno;
	free(caches);
	return ret;
}

static int read_stat(struct loader *l, __u32 k, int ncpus, __u64 *values, uint64_t *out)
{
	__u64 v;

	if (bpf_map_lookup_elem(bpf_map__fd(l->skel->maps.rt_stats), &k, values))
		return -errno;
	sum_percpu(values, ncpus, 1, &v);
	*out = v;
	return 0;
}

#define RULE_STATS_FIELDS (sizeof(struct rt_rule_stats) / sizeof(__u64))

/* One slot's rt_rule_stats, summed over ncpus, through values (RULE_STATS_FIELDS * ncpus). */
static int read_rule(struct loader *l, __u32 slot, int ncpus, __u64 *values,
		     struct loader_rule_stats *st)
{
	__u64 v[RULE_STATS_FIELDS];

	if (bpf_map_lookup_elem(bpf_map__fd(l->skel->maps.rt_rule_stats), &slot, values))
		return -errno;
	sum_percpu(values, ncpus, RULE_STATS_FIELDS, v);
	st->matched = v[offsetof(struct rt_rule_stats, matched) / sizeof(__u64)];
	st->lost = v[offsetof(struct rt_rule_stats, lost) / sizeof(__u64)];
	st->suppressed = v[offsetof(struct rt_rule_stats, suppressed) / sizeof(__u64)];
	st->count_full = v[offsetof(struct rt_rule_stats, count_full) / sizeof(__u64)];
	st->follow_full = v[offsetof(struct rt_rule_stats, follow_full) / sizeof(__u64)];
	return 0;
}

int loader_read_rule(struct loader *l, unsigned slot, struct loader_rule_stats *st)
{
	int ncpus = libbpf_num_possible_cpus();
	__u64 *values;
	int ret;

	if (ncpus <= 0)
		return ncpus ? ncpus : -EINVAL;
	values = xcalloc((size_t)ncpus * RULE_STATS_FIELDS, sizeof(__u64));
	ret = read_rule(l, slot, ncpus, values, st);
	free(values);
	return ret;
}

int loader_read_counters(struct loader *l, struct loader_counters *c)
{
	int ncpus = libbpf_num_possible_cpus();
	__u64 *values;
	unsigned slot;
	int ret;

	if (ncpus <= 0)
		return ncpus ? ncpus : -EINVAL;
	c->ncounts = 0;
	c->count_map_full = c->follow_map_full = 0;
	values = xcalloc((size_t)ncpus * RULE_STATS_FIELDS, sizeof(__u64));
	for (slot = 0, ret = 0; slot < RT_MAX_RULES && !ret; slot++) {
		ret = read_rule(l, slot, ncpus, values, &c->rule[slot]);
		c->count_map_full += c->rule[slot].count_full;
		c->follow_map_full += c->rule[slot].follow_full;
	}
	if (!ret)
		ret = read_stat(l, RT_STAT_RATE_CONTENDED, ncpus, values, &c->rate_contended);
	if (!ret)
		ret = read_stat(l, RT_STAT_CGROUP_FULL, ncpus, values, &c->cgroup_full);
	if (!ret)
		ret = read_slots(l, c, ncpus, values);
	if (!ret)
		ret = read_counts(l, c, ncpus, values);
	free(values);
	return ret;
}

void loader_counters_free(struct loader_counters *c)
{
	free(c->counts);
	c->counts = NULL;
	c->ncounts = c->cap = 0;
}

void loader_forget_slot(struct loader *l, unsigned slot)
{
	int fd = bpf_map__fd(l->skel->maps.rt_counts);
	int slots_fd = bpf_map__fd(l->skel->maps.rt_slot_of);
	int ncpus = libbpf_num_possible_cpus();
	struct rt_rule_stats *zero = xcalloc(ncpus > 0 ? (size_t)ncpus : 1, sizeof(*zero));
	struct rt_count_key key, next;
	void *prev = NULL;
	__u32 s;

	/* No program still running under the old rules can add a key after the walks:
	 * the apply that removed the rule waited for them (fill_maps). */
	/* Fast-path counters of the rule: unmapped, their slots in limbo until free. */
	while (bpf_map_get_next_key(slots_fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (key.rule != slot || bpf_map_lookup_elem(slots_fd, &key, &s))
			continue;
		if (!bpf_map_delete_elem(slots_fd, &key)) {
			l->limbo = xreallocarray(l->limbo, l->nlimbo + 1, sizeof(*l->limbo));
			l->limbo[l->nlimbo++] = s;
			prev = NULL;
		}
	}
	prev = NULL;

	/* A deleted key cannot be walked on from: start the walk again after each. */
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (key.rule == slot && !bpf_map_delete_elem(fd, &key))
			prev = NULL;
	}
	bpf_map_update_elem(bpf_map__fd(l->skel->maps.rt_rule_stats), &slot, zero, BPF_ANY);
	/* The next rule on the slot starts with a full token bucket. */
	bpf_map_update_elem(bpf_map__fd(l->skel->maps.rt_rate_tat), &slot, zero, BPF_ANY);
	free(zero);
	slots_release(l);
}

void loader_stop(struct loader *l)
{
	unsigned slot;

	if (l->inner_fd)
		close(l->inner_fd - 1);
	l->inner_fd = 0;
	for (slot = 0; slot < RT_MAX_RULES; slot++) {
		if (l->ring_size[slot])
			close(l->ring_fd[slot]);
		l->ring_fd[slot] = 0;
		l->ring_size[slot] = 0;
	}
	if (l->skel)
		ruletrace_bpf__destroy(l->skel);
	l->skel = NULL;
	free(l->sys_keys[0]);
	free(l->sys_keys[1]);
	l->sys_keys[0] = l->sys_keys[1] = NULL;
	l->nsys_keys[0] = l->nsys_keys[1] = 0;
	free(l->limbo);
	l->limbo = NULL;
	l->nlimbo = 0;
}
