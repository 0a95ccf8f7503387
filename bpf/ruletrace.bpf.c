// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * ruletrace.bpf.c - the one BPF object. Generic: which rules exist, what they
 * filter and where their events go is decided at run time by user space through
 * the rt_ruleset map, the filter maps and the const volatile globals below.
 *
 * Every probe runs the same sequence: which rules want this probe, drop the rules
 * whose pid and comm filters reject the task (one hash lookup per filter kind, in
 * use only when some rule of the probe has such a filter), then count in a per-CPU
 * map or emit an event. A rejected event returns before anything is copied.
 */
#include "vmlinux_min.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "ruletrace_abi.h"

/* Fixed for a run; set by user space between open and load. */
const volatile __u32 rt_use_ringbuf = 1;	/* 0: perf event array (kernels < 5.8) */
const volatile __u32 rt_self_tgid;		/* ruletrace never traces itself */
/* Where task_struct keeps these on this kernel, from its BTF (src/kbtf.c). */
const volatile __u32 rt_task_tgid_off;
const volatile __u32 rt_task_pid_off;
const volatile __u32 rt_task_real_parent_off;
const volatile __u32 rt_task_comm_off;
const volatile __u32 rt_task_mm_off;
const volatile __u32 rt_task_pending_off;	/* struct sigpending: a list_head, a sigset */
const volatile __u32 rt_task_signal_off;
const volatile __u32 rt_signal_live_off;	/* the thread group's live threads */
/* ... and mm_struct and linux_binprm, for the exec's own copy of its arguments. */
const volatile __u32 rt_mm_arg_start_off;
const volatile __u32 rt_mm_arg_end_off;
const volatile __u32 rt_bprm_filename_off;
const volatile __u32 rt_bprm_argc_off;
/* ... and the cgroup structs, for the cgroups made and removed during the run. */
const volatile __u32 rt_cgroup_kn_off;
const volatile __u32 rt_cgroup_root_off;
const volatile __u32 rt_root_hierarchy_id_off;
const volatile __u32 rt_kn_id_off;
const volatile __u32 rt_kn_name_off;
const volatile __u32 rt_task_cgroups_off;
const volatile __u32 rt_cset_dfl_cgrp_off;
const volatile __u32 rt_cgroup_self_off;
const volatile __u32 rt_css_parent_off;
/* The most argv bytes one exec event carries in this run's event buffer. */
const volatile __u32 rt_args_cap = RT_ARGS_MAX;

/* Which rt_ruleset entry is live: flipped by user space when rules are reloaded. */
volatile __u32 rt_active_ruleset;
/* 1 while user space rewrites the idle filter set: new cgroups go in both sets. */
volatile __u32 rt_reloading;
/* Task caches filled under another generation are stale; never 0. */
volatile __u32 rt_generation = 1;


struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct rt_ruleset);
} rt_ruleset SEC(".maps");

/* The filter maps: two sets of entries each, one per ruleset (ruletrace_abi.h). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2 * RT_MAX_FILTER_KEYS);
	__type(key, struct rt_comm_key);
	__type(value, struct rt_filter_val);
} rt_comm_filter SEC(".maps");

/* execve rules' program names: the comm a successful exec gave the process. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2 * RT_MAX_FILTER_KEYS);
	__type(key, struct rt_comm_key);
	__type(value, struct rt_filter_val);
} rt_program_filter SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2 * RT_PID_ENTRIES);
	__type(key, struct rt_num_key);
	__type(value, struct rt_filter_val);
} rt_pid_filter SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2 * RT_MAX_FILTER_KEYS);
	__type(key, struct rt_num_key);
	__type(value, struct rt_filter_val);
} rt_uid_filter SEC(".maps");

/* Indexed by set * RT_MAX_SYSCALLS + syscall number: an array lookup, cheaper than a hash. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2 * RT_MAX_SYSCALLS);
	__type(key, __u32);
	__type(value, struct rt_filter_val);
} rt_sys_filter SEC(".maps");

/* The cgroup filter, by cgroup v2 id (ruletrace_abi.h); and the names it is made from. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, RT_CGROUP_ENTRIES);
	__type(key, struct rt_cgroup_key);
	__type(value, struct rt_cgroup_val);
} rt_cgroup_filter SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2 * RT_CGROUP_NAMES);
	__type(key, struct rt_cgroup_name_key);
	__type(value, struct rt_cgroup_val);
} rt_cgroup_names SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, RT_COUNT_ENTRIES);
	__type(key, struct rt_count_key);
	__type(value, __u64);
} rt_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, RT_MAX_RULES);
	__type(key, __u32);
	__type(value, struct rt_rule_stats);
} rt_rule_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, RT_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} rt_stats SEC(".maps");

/*
 * Events to user space, through perf buffers (kernels before 5.8, or
 * --perf-buffer): one per CPU, shared by every rule. User space makes this map a
 * perf event array before load and clears rt_use_ringbuf; with ring buffers it is
 * never used.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(int));
	__uint(value_size, sizeof(int));
} rt_events SEC(".maps");

/*
 * Events to user space through ring buffers (5.8+): each stream rule has its own,
 * by rule slot, created and sized by user space, so that a rule that floods fills
 * only its own and the losses are its own. An event several rules take is sent to
 * each of their rings. (With perf buffers user space makes the inner maps plain
 * arrays: the ring buffer branch is then never verified.)
 */
struct rt_ring {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, RT_MAX_RULES);
	__type(key, __u32);
	__array(values, struct rt_ring);
} rt_rings SEC(".maps");

/*
 * Each rate-limited rule's theoretical arrival time (CLOCK_MONOTONIC ns), by rule
 * slot: shared by every CPU, moved only by compare-and-swap (struct rt_rate).
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, RT_MAX_RULES);
	__type(key, __u32);
	__type(value, __u64);
} rt_rate_tat SEC(".maps");

/*
 * The fast count path: one per-CPU counter per (rule, comm[, pid]) slot, and the
 * slot of each key (read by user space, and by a CPU resolving a task's slots).
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, RT_COUNT_ENTRIES);
	__type(key, __u32);
	__type(value, __u64);
} rt_slot_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, RT_COUNT_ENTRIES);
	__type(key, struct rt_count_key);
	__type(value, __u32);
} rt_slot_of SEC(".maps");

/*
 * The slots no key holds, shared by every CPU: filled by user space at load, a
 * slot popped for each new key and pushed back when its rule is removed (by user
 * space, once no CPU's cache entry can still add to it: src/loader.c). A queue
 * (4.20+) is atomic without the fetch-and-add 5.10 lacks, so the whole array is
 * usable whichever CPUs the new keys turn up on.
 */
struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__uint(max_entries, RT_COUNT_ENTRIES);
	__type(value, __u32);
} rt_free_slots SEC(".maps");

/*
 * The name another task gave a thread (a sibling writing /proc/self/task/TID/comm),
 * by tid, recorded before the kernel copies it into the thread's comm: a refill on
 * another CPU would otherwise read that copy half done. Gone at thread exit.
 *
 * Only the thread itself reads its record, and every writer holds the kernel's
 * task_lock of that thread, so one sequence count is enough: odd while a rename
 * rewrites the name in place. The record is rewritten in place, never replaced: the
 * hash map reuses a replaced element at once, and a reader still copying it would
 * see the next name over the last one. Only the thread itself (its rename, its
 * exit) or its creation deletes its record, never while it reads it, so the
 * elements can be preallocated: kernels before 6.1 warn, once and with a backtrace
 * that taints them, when a tracing program allocates map elements as it runs.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, RT_RENAMED_ENTRIES);
	__type(key, __u32);
	__type(value, struct rt_renamed_val);
} rt_renamed SEC(".maps");

/* The last task's verdicts and slots, one entry per CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct rt_task_cache);
} rt_cpu_cache SEC(".maps");

/*
 * An exec event is built here, one entry per CPU (user space sets the number): it
 * is larger than the BPF stack and than a per-CPU array's value may be (32 KiB).
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct rt_exec_event);
} rt_exec_heap SEC(".maps");

/* Each traced execve from its entry to its result: the rules it goes to. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, RT_EXECS_IN_FLIGHT);
	__type(key, __u32);
	__type(value, struct rt_exec_pending);
} rt_exec_pending SEC(".maps");

/*
 * Shift *rules past its empty low 32, 16 and 8 bits, once, and return how far:
 * the loops over a mask then start near its lowest rule. (Done once, not per bit:
 * branches inside the loops would multiply the verifier's states.)
 */
static __always_inline __u32 rt_skip_empty(__u64 *rules)
{
	__u32 base = 0;

	if (!(*rules & 0xffffffffULL))
		base += 32, *rules >>= 32;
	if (!(*rules & 0xffff))
		base += 16, *rules >>= 16;
	if (!(*rules & 0xff))
		base += 8, *rules >>= 8;
	return base;
}

static __always_inline void rt_stat_inc(__u32 stat)
{
	__u64 *v = bpf_map_lookup_elem(&rt_stats, &stat);

	if (v)
		(*v)++;
}

/* This CPU's figures of rule slot idx, or NULL. */
static __always_inline struct rt_rule_stats *rt_rule_stats_of(__u32 idx)
{
	idx &= RT_MAX_RULES - 1;
	return bpf_map_lookup_elem(&rt_rule_stats, &idx);
}

/* A count rule's syscall that no counter could take: the count map is full. */
static __always_inline void rt_count_full(__u32 idx)
{
	struct rt_rule_stats *st = rt_rule_stats_of(idx);

	if (st)
		st->count_full++;
}

/* Drop the rules whose filters of one kind reject the key whose entry is v. */
static __always_inline __u64 rt_apply(const struct rt_filter_val *v, __u64 rules,
				      __u64 include_rules)
{
	__u64 include = v ? v->include : 0;
	__u64 exclude = v ? v->exclude : 0;

	/* Rules with an include list keep only listed keys; any rule drops excluded ones. */
	rules &= include | ~include_rules;
	return rules & ~exclude;
}

/* The live ruleset, and in *set its number: the filter set it reads. */
static __always_inline const struct rt_ruleset *rt_active_set(__u32 *set)
{
	*set = rt_active_ruleset & 1;
	return bpf_map_lookup_elem(&rt_ruleset, set);
}

static __always_inline const struct rt_ruleset *rt_active(void)
{
	__u32 set;

	return rt_active_set(&set);
}

/* The rules of rules whose pid, uid and comm filters (of filter set) accept the task. */
/* The current task's cgroup v2: its css_set's cgroup on the default hierarchy. */
static __always_inline const void *rt_current_cgroup(void)
{
	const void *task = (const void *)bpf_get_current_task(), *cset = NULL, *cgrp = NULL;

	if (bpf_probe_read_kernel(&cset, sizeof(cset), task + rt_task_cgroups_off) || !cset ||
	    bpf_probe_read_kernel(&cgrp, sizeof(cgrp), cset + rt_cset_dfl_cgrp_off))
		return NULL;
	return cgrp;
}

/* cgrp's id (its kernfs node's), or 0. */
static __always_inline __u64 rt_cgroup_id_of(const void *cgrp)
{
	const void *kn = NULL;
	__u64 id = 0;

	if (bpf_probe_read_kernel(&kn, sizeof(kn), cgrp + rt_cgroup_kn_off) || !kn ||
	    bpf_probe_read_kernel(&id, sizeof(id), kn + rt_kn_id_off))
		return 0;
	return id;
}

/* cgrp's parent, through their own css (cgroup.self); NULL at the root. */
static __always_inline const void *rt_cgroup_parent(const void *cgrp)
{
	const void *css = NULL;

	if (bpf_probe_read_kernel(&css, sizeof(css), cgrp + rt_cgroup_self_off +
				  rt_css_parent_off) || !css)
		return NULL;
	return css - rt_cgroup_self_off;
}

/*
 * Drop the rules whose cgroup, unit and container filters reject the current
 * task: its cgroup v2 and its ancestors, nearest first, RT_CGROUP_LEVELS in all,
 * looked up in the cgroup filter. (Read from the structs, not with
 * bpf_get_current_ancestor_cgroup_id, which tracing programs lack before 5.14 or
 * so.) Each kind is met when some level is listed (a cgroup's entry covers its
 * subtree); any level excluded drops the rule.
 */
static __always_inline __u64 rt_cgroup_verdict(const struct rt_ruleset *rs, __u32 set,
					       __u64 rules)
{
	struct rt_cgroup_key key = { .set = set };
	__u64 inc0 = 0, inc1 = 0, inc2 = 0, exc = 0;
	const void *cgrp = rt_current_cgroup();
	struct rt_cgroup_val *v;
	int level;

	for (level = 0; level < RT_CGROUP_LEVELS && cgrp; level++) {
		key.id = rt_cgroup_id_of(cgrp);
		cgrp = rt_cgroup_parent(cgrp);
		v = bpf_map_lookup_elem(&rt_cgroup_filter, &key);
		if (!v)
			continue;
		inc0 |= v->include[RT_CG_PATH];
		inc1 |= v->include[RT_CG_UNIT];
		inc2 |= v->include[RT_CG_CONTAINER];
		exc |= v->exclude;
	}
	rules &= inc0 | ~rs->cgroup_include_rules[RT_CG_PATH];
	rules &= inc1 | ~rs->cgroup_include_rules[RT_CG_UNIT];
	rules &= inc2 | ~rs->cgroup_include_rules[RT_CG_CONTAINER];
	return rules & ~exc;
}

static __always_inline __u64 rt_filter_task(const struct rt_ruleset *rs, __u32 set,
					    __u64 rules, __u32 tgid, __u32 uid,
					    const char *comm)
{
	struct rt_num_key nk = { .set = set };
	struct rt_comm_key ck;

	if (rules & rs->pid_lookup_rules) {
		nk.id = tgid;
		rules = rt_apply(bpf_map_lookup_elem(&rt_pid_filter, &nk), rules,
				 rs->pid_include_rules);
	}
	if (rules & rs->uid_lookup_rules) {
		nk.id = uid;
		rules = rt_apply(bpf_map_lookup_elem(&rt_uid_filter, &nk), rules,
				 rs->uid_include_rules);
	}
	if (rules & rs->comm_lookup_rules) {
		__builtin_memcpy(ck.comm, comm, RT_COMM_LEN);
		ck.set = set;
		rules = rt_apply(bpf_map_lookup_elem(&rt_comm_filter, &ck), rules,
				 rs->comm_include_rules);
	}
	if (rules & rs->cgroup_lookup_rules)
		rules = rt_cgroup_verdict(rs, set, rules);
	return rules;
}

/* task->tgid, read through the offset user space found; 0 if unreadable. */
static __always_inline __u32 rt_task_tgid(const void *task)
{
	__u32 tgid = 0;

	bpf_probe_read_kernel(&tgid, sizeof(tgid), task + rt_task_tgid_off);
	return tgid;
}

static __always_inline void rt_get_comm(char *comm)
{
	/* Zeroed first: on some kernels (6.1 among them) the helper does not pad after
	 * the NUL, and the comm is a 16-byte key of the filter and count maps. */
	__builtin_memset(comm, 0, RT_COMM_LEN);
	bpf_get_current_comm(comm, RT_COMM_LEN);
}

/*
 * Copy a rename record. The writer's copy is two stores under a spin lock, so the
 * first or second try settles; only a storm of interrupts on the writer's CPU could
 * outlast them all, and then the last copy is taken.
 *
 * The loads must happen in order: the count, the name, the count again. x86 keeps
 * loads in order; arm64 does not, and BPF has no read barrier, but a CPU does not
 * issue a load before the load its address depends on. So each address is made to
 * depend on the value read before it, through rt_depend's "and 0" that neither the
 * compiler nor the verifier folds away.
 */
static __always_inline __u64 rt_depend(__u64 v)
{
	asm volatile("%[v] &= 0" : [v] "+r"(v));
	return v;
}

static __always_inline void rt_read_renamed(const struct rt_renamed_val *v, char *comm)
{
	__u64 lo = 0, hi = 0;

	for (int i = 0; i < 16; i++) {
		__u64 before = *(volatile const __u64 *)&v->seq;
		const char *name = (const char *)v->comm + rt_depend(before);
		__u64 after;

		lo = *(volatile const __u64 *)name;
		hi = *(volatile const __u64 *)(name + 8);
		after = *(volatile const __u64 *)((const char *)&v->seq + rt_depend(lo ^ hi));
		if (!(before & 1) && before == after)
			break;
	}
	__builtin_memcpy(comm, &lo, 8);
	__builtin_memcpy(comm + 8, &hi, 8);
}

/*
 * The current thread's comm as last set: the name another task is giving it, if
 * one is recorded, else its own. Looked up again after the live read: a rename by
 * another task records its name before its copy starts, so a read that overlapped
 * the copy (and may be torn) always finds the record the second time.
 */
static __always_inline void rt_task_comm(__u32 tid, char *comm)
{
	const struct rt_renamed_val *named = bpf_map_lookup_elem(&rt_renamed, &tid);

	if (!named) {
		rt_get_comm(comm);
		named = bpf_map_lookup_elem(&rt_renamed, &tid);
		if (!named)
			return;
	}
	rt_read_renamed(named, comm);
}

/*
 * Work out the current task's verdicts into this CPU's cache entry; 0 or -1. A
 * global function, verified once on its own: inlined, its filter lookups would be
 * verified again on every path of each probe.
 */
__noinline int rt_refill(__u64 pid_tgid, __u32 gen)
{
	__u32 tgid = pid_tgid >> 32, uid = 0, zero = 0, set;
	const struct rt_ruleset *rs = rt_active_set(&set);
	struct rt_task_cache *c = bpf_map_lookup_elem(&rt_cpu_cache, &zero);
	__u64 probes, fast;

	if (!rs || !c)
		return -1;
	/* The leaving task's fast counts go to their slot before the entry is reused. */
	if (c->pending && c->pending_slot) {
		__u32 slot = c->pending_slot - 1;
		__u64 *v = bpf_map_lookup_elem(&rt_slot_counts, &slot);

		if (v)
			*v += c->pending;	/* per-CPU value: no atomic needed */
	}
	c->pending = 0;
	c->pending_slot = 0;
	probes = rs->probe_rules[RT_PROBE_EXECVE] | rs->probe_rules[RT_PROBE_SYS_ENTER];
	c->uid_checked = (probes & rs->uid_lookup_rules) != 0;
	if (c->uid_checked)
		uid = (__u32)bpf_get_current_uid_gid();
	/* Read once: every rule, count key and event of this task sees the same comm. */
	rt_task_comm((__u32)pid_tgid, c->comm);
	c->accept[RT_PROBE_EXECVE] = rt_filter_task(rs, set, rs->probe_rules[RT_PROBE_EXECVE],
						    tgid, uid, c->comm);
	c->accept[RT_PROBE_SYS_ENTER] = rt_filter_task(rs, set,
						       rs->probe_rules[RT_PROBE_SYS_ENTER],
						       tgid, uid, c->comm);
	c->set = set;
	if (tgid == rt_self_tgid)	/* ruletrace never traces itself */
		c->accept[RT_PROBE_EXECVE] = c->accept[RT_PROBE_SYS_ENTER] = 0;
	c->count_rules = rs->count_rules;
	c->sys_lookup_rules = rs->sys_lookup_rules;
	c->sys_include_rules = rs->sys_include_rules;
	c->group_sys_rules = rs->group_sys_rules;
	/* The common case, one count rule: its counter is bumped inline. */
	fast = c->accept[RT_PROBE_SYS_ENTER] & rs->count_rules & ~rs->group_sys_rules;
	c->only_count = 0;
	if (fast && !(fast & (fast - 1))) {
		__u32 base = rt_skip_empty(&fast);

		/* fast is now one bit within its low byte. */
		c->only_count = 1 + base + (fast & 0xf0 ? 4 : 0) + (fast & 0xcc ? 2 : 0) +
				(fast & 0xaa ? 1 : 0);
	}
	__builtin_memset(c->slot, 0, sizeof(c->slot));
	c->pid_tgid = pid_tgid;
	c->uid = uid;
	c->generation = gen;
	return 0;
}

/*
 * This CPU's cache entry, for the current task: refilled when it belongs to
 * another task or generation. A hit costs one per-CPU array lookup.
 */
static __always_inline struct rt_task_cache *rt_cache(__u64 pid_tgid)
{
	__u32 gen = rt_generation, zero = 0;
	struct rt_task_cache *c;

	c = bpf_map_lookup_elem(&rt_cpu_cache, &zero);
	if (!c)
		return NULL;
	if (c->pid_tgid == pid_tgid && c->generation == gen &&
	    (!c->uid_checked || c->uid == (__u32)bpf_get_current_uid_gid()))
		return c;
	return rt_refill(pid_tgid, gen) == 0 ? c : NULL;
}

/*
 * The counter slot of (rule, comm[, pid]) for the current task: from its cache, or
 * found or handed out once and cached. -1 when the slots are all taken.
 */
__noinline long rt_slot_miss(__u32 rule, __u32 tgid)
{
	const struct rt_ruleset *rs = rt_active();
	struct rt_count_key key = {};
	__u32 *found, slot, i = rule & (RT_MAX_RULES - 1), zero = 0;
	struct rt_task_cache *c = bpf_map_lookup_elem(&rt_cpu_cache, &zero);
	__u64 bit = 1ULL << i;

	if (!rs || !c)
		return -1;
	key.rule = i;
	if (rs->group_comm_rules & bit)
		__builtin_memcpy(key.comm, c->comm, RT_COMM_LEN);
	key.pid = rs->group_pid_rules & bit ? tgid : 0;
	/* A task's cgroup holds while its cache entry does: a move empties it. */
	key.cgroup = rs->group_cgroup_rules & bit ? bpf_get_current_cgroup_id() : 0;
	found = bpf_map_lookup_elem(&rt_slot_of, &key);
	if (!found) {
		/* A new key: a free slot, whichever CPU it is counted on. */
		if (bpf_map_pop_elem(&rt_free_slots, &slot))
			return -1;
		if (bpf_map_update_elem(&rt_slot_of, &key, &slot, BPF_NOEXIST)) {
			/* Another CPU gave this key a slot first: use its, give ours back. */
			bpf_map_push_elem(&rt_free_slots, &slot, 0);
			found = bpf_map_lookup_elem(&rt_slot_of, &key);
		} else {
			found = &slot;
		}
		if (!found)
			return -1;
	}
	c->slot[i] = *found + 1;
	/* The fast rule's slot: from now on its counts stay in the entry (pending). */
	if (c->only_count == i + 1)
		c->pending_slot = c->slot[i];
	return *found;
}

/*
 * Count through this CPU's cached slots for the current task: one array increment
 * per counting rule. A global function (5.6+): verified once, on its own, rather
 * than once per path of rt_sys_enter.
 */
static __always_inline void rt_count_cached_one(struct rt_task_cache *c, __u32 n,
						__u32 tgid)
{
	__u32 slot;
	__u64 *v;
	long s;

	s = c->slot[n & (RT_MAX_RULES - 1)];
	s = s ? s - 1 : rt_slot_miss(n, tgid);
	if (s < 0) {
		rt_count_full(n);
		return;
	}
	slot = (__u32)s;
	v = bpf_map_lookup_elem(&rt_slot_counts, &slot);
	if (v)
		(*v)++;	/* per-CPU value: no atomic needed */
}

/* What a bpf_loop callback over the rule bits gets. */
struct rt_loop_arg {
	__u64 rules;
	__u64 comm_lo, comm_hi;
	__u32 tgid, nr;
	int what;		/* rt_account: RT_ACCOUNT_* */
};

/* The callback's verdict on bit n: RT_LOOP_STOP when no rule is left at or above it. */
enum { RT_LOOP_SKIP, RT_LOOP_STOP, RT_LOOP_RULE };

static __always_inline int rt_loop_bit(const struct rt_loop_arg *a, __u32 n)
{
	if (n >= RT_MAX_RULES || !(a->rules >> n))
		return RT_LOOP_STOP;
	return (a->rules >> n) & 1 ? RT_LOOP_RULE : RT_LOOP_SKIP;
}

/*
 * A program that loops, in both builds: NAME runs BODY(ctx, 1) with bpf_loop,
 * NAME_unrolled runs BODY(ctx, 0); user space loads one of the two.
 */
#define RT_BOTH_BUILDS(sec, name, ctx_type, body)				\
	SEC(sec) int name(ctx_type *ctx) { return body(ctx, 1); }		\
	SEC(sec) int name##_unrolled(ctx_type *ctx) { return body(ctx, 0); }

/* Each set bit n of rules, lowest first, without bpf_loop; rules is consumed. */
#define rt_for_each_rule(n, rules)						\
	for ((n) = rt_skip_empty(&(rules)); (n) < RT_MAX_RULES && (rules);	\
	     (n)++, (rules) >>= 1)						\
		if ((rules) & 1)

static long rt_count_cached_cb(__u32 n, void *arg)
{
	struct rt_loop_arg *a = arg;
	int bit = rt_loop_bit(a, n);
	struct rt_task_cache *c;
	__u32 zero = 0;

	if (bit != RT_LOOP_RULE)
		return bit == RT_LOOP_STOP;
	c = bpf_map_lookup_elem(&rt_cpu_cache, &zero);
	if (c)
		rt_count_cached_one(c, n, a->tgid);
	return 0;
}

/*
 * Each loop over the rule bits comes twice: with bpf_loop (5.17+), verified once,
 * and unrolled, verified 64 times over, for the kernels before it. They cannot
 * share a program: a kernel before 5.13 refuses any program that so much as
 * mentions a callback. user space loads the one set of programs the kernel takes.
 */
__noinline int rt_count_cached_loop(__u64 rules, __u32 tgid)
{
	struct rt_loop_arg a = { .rules = rules, .tgid = tgid };

	if (rules)
		bpf_loop(RT_MAX_RULES, rt_count_cached_cb, &a, 0);
	return 0;
}

__noinline int rt_count_cached_unrolled(__u64 rules, __u32 tgid)
{
	struct rt_task_cache *c;
	__u32 zero = 0, n;

	c = bpf_map_lookup_elem(&rt_cpu_cache, &zero);
	if (!c || !rules)
		return 0;
	rt_for_each_rule(n, rules)
		rt_count_cached_one(c, n, tgid);
	return 0;
}

/*
 * Count one syscall for each rule in rules in the hash map, keyed as each rule
 * groups: the path of counters keyed by syscall, and of tasks without a cache.
 * comm arrives as two words. Global functions, like rt_count_cached_*.
 */
static __always_inline void rt_count_hashed_one(const struct rt_ruleset *rs,
						const struct rt_loop_arg *a, __u32 i)
{
	struct rt_count_key key = {};
	__u64 one = 1, *v, bit = 1ULL << (i & (RT_MAX_RULES - 1));

	key.rule = i;
	if (rs->group_comm_rules & bit) {
		__builtin_memcpy(key.comm, &a->comm_lo, sizeof(a->comm_lo));
		__builtin_memcpy(key.comm + 8, &a->comm_hi, sizeof(a->comm_hi));
	}
	key.pid = rs->group_pid_rules & bit ? a->tgid : 0;
	key.cgroup = rs->group_cgroup_rules & bit ? bpf_get_current_cgroup_id() : 0;
	key.nr = rs->group_sys_rules & bit ? a->nr : 0;
	v = bpf_map_lookup_elem(&rt_counts, &key);
	if (v) {
		(*v)++;	/* per-CPU value: no atomic needed */
		return;
	}
	if (!bpf_map_update_elem(&rt_counts, &key, &one, BPF_NOEXIST))
		return;
	/* Another CPU inserted the key first: our CPU's slot starts at zero. */
	v = bpf_map_lookup_elem(&rt_counts, &key);
	if (v)
		(*v)++;
	else	/* a full map is counted, never a silent undercount */
		rt_count_full(i);
}

static long rt_count_hashed_cb(__u32 n, void *arg)
{
	struct rt_loop_arg *a = arg;
	int bit = rt_loop_bit(a, n);
	const struct rt_ruleset *rs;

	if (bit != RT_LOOP_RULE)
		return bit == RT_LOOP_STOP;
	rs = rt_active();
	if (rs)
		rt_count_hashed_one(rs, a, n);
	return 0;
}

__noinline int rt_count_hashed_loop(__u64 rules, __u64 comm_lo, __u64 comm_hi,
				    __u32 tgid, __u32 nr)
{
	struct rt_loop_arg a = {
		.rules = rules, .comm_lo = comm_lo, .comm_hi = comm_hi, .tgid = tgid, .nr = nr,
	};

	if (rules)
		bpf_loop(RT_MAX_RULES, rt_count_hashed_cb, &a, 0);
	return 0;
}

__noinline int rt_count_hashed_unrolled(__u64 rules, __u64 comm_lo, __u64 comm_hi,
					__u32 tgid, __u32 nr)
{
	const struct rt_ruleset *rs = rt_active();
	struct rt_loop_arg a = {
		.rules = rules, .comm_lo = comm_lo, .comm_hi = comm_hi, .tgid = tgid, .nr = nr,
	};
	__u32 i;

	if (!rs || !rules)
		return 0;
	rt_for_each_rule(i, rules)
		rt_count_hashed_one(rs, &a, i);
	return 0;
}

/* What rt_account counts of each rule it is given. */
#define RT_ACCOUNT_MATCHED	1
#define RT_ACCOUNT_LOST		2

/*
 * Per-rule accounting of stream events that went no further than the rules'
 * verdict. A global function (5.6+): the verifier checks it once on its own instead
 * of once per path of the caller, which the exec program's argv loop would multiply.
 */
static __always_inline void rt_account_one(__u32 idx, int what)
{
	struct rt_rule_stats *st = rt_rule_stats_of(idx);

	if (!st)
		return;
	if (what & RT_ACCOUNT_MATCHED)
		st->matched++;
	if (what & RT_ACCOUNT_LOST)
		st->lost++;
}

static long rt_account_cb(__u32 n, void *arg)
{
	struct rt_loop_arg *a = arg;
	int bit = rt_loop_bit(a, n);

	if (bit == RT_LOOP_RULE)
		rt_account_one(n, a->what);
	return bit == RT_LOOP_STOP;
}

__noinline int rt_account_loop(__u64 rules, int what)
{
	struct rt_loop_arg a = { .rules = rules, .what = what };

	if (rules)
		bpf_loop(RT_MAX_RULES, rt_account_cb, &a, 0);
	return 0;
}

__noinline int rt_account_unrolled(__u64 rules, int what)
{
	__u32 idx;

	rt_for_each_rule(idx, rules)
		rt_account_one(idx, what);
	return 0;
}

/* The variant a program was built for: loop is a constant in each program. */
static __always_inline void rt_account(int loop, __u64 rules, int what)
{
	if (loop)
		rt_account_loop(rules, what);
	else
		rt_account_unrolled(rules, what);
}

static __always_inline void rt_fill_hdr(struct rt_event_hdr *hdr, __u32 type, __u64 rules,
					__u64 ts, __u64 pid_tgid, const char *comm)
{
	hdr->ts_ns = ts;
	hdr->cgroup = bpf_get_current_cgroup_id();
	hdr->rules = rules;
	hdr->type = type;
	hdr->pid = pid_tgid >> 32;
	hdr->tid = (__u32)pid_tgid;
	hdr->uid = (__u32)bpf_get_current_uid_gid();
	__builtin_memcpy(hdr->comm, comm, RT_COMM_LEN);
}

/*
 * Whether the event at now is over rule idx's rate_limit (struct rt_rate): the
 * rule's arrival time moves on by one interval per event let through, by
 * compare-and-swap, so that CPUs racing for the last token never both get it.
 * Only the bpf_loop build calls it: compare-and-swap is 5.12+, bpf_loop 5.17+.
 */
static __always_inline int rt_rate_over(__u32 idx, __u64 now)
{
	const struct rt_ruleset *rs = rt_active();
	__u64 *tat, old, next, interval, tolerance;
	int i;

	idx &= RT_MAX_RULES - 1;
	if (!rs || !((rs->rate_rules >> idx) & 1))
		return 0;
	interval = rs->rate[idx].interval_ns;
	tolerance = rs->rate[idx].tolerance_ns;
	tat = bpf_map_lookup_elem(&rt_rate_tat, &idx);
	if (!tat)
		return 0;
	for (i = 0; i < RT_RATE_TRIES; i++) {
		old = *(volatile __u64 *)tat;
		if (old > now + tolerance)
			return 1;
		next = (old > now ? old : now) + interval;
		if (__sync_val_compare_and_swap(tat, old, next) == old)
			return 0;
	}
	rt_stat_inc(RT_STAT_RATE_CONTENDED);	/* never over the limit: suppressed */
	return 1;
}

/* One event for the rules of an rt_send, as each rule's copy is built. */
struct rt_emit_arg {
	__u64 rules;		/* every rule it goes to */
	__u64 allowed;		/* perf buffers: the rules the one copy goes to */
	__u64 ts;
	__u64 what;		/* a syscall event: its number; an exec event: its bytes */
	__u32 type;		/* enum rt_event_type */
	__u32 base;		/* bpf_loop: rule bit n is bit base + n of the mask */
};

/*
 * Rule idx's copy of the event into its own ring buffer: a syscall event built
 * here from this CPU's task cache, an exec event from this CPU's rt_exec_heap
 * entry with no more argv than the rule shows. Its rules are all the rules it
 * goes to: which ring it is read from says whose copy it is. 0, or negative when
 * it could not be sent (ring full, or none).
 */
static __always_inline long rt_ring_send(const struct rt_emit_arg *a, __u32 idx)
{
	const struct rt_ruleset *rs;
	struct rt_syscall_event sev;
	struct rt_exec_event *ev;
	struct rt_task_cache *c;
	__u32 zero = 0, cpu, full, off;
	__u64 n, size;
	void *ring;
	long ret;

	ring = bpf_map_lookup_elem(&rt_rings, &idx);
	if (!ring)
		return -1;
	if (a->type == RT_EVENT_SYSCALL) {
		c = bpf_map_lookup_elem(&rt_cpu_cache, &zero);
		if (!c)
			return -1;
		rt_fill_hdr(&sev.hdr, RT_EVENT_SYSCALL, a->rules, a->ts,
			    bpf_get_current_pid_tgid(), c->comm);
		sev.nr = a->what;
		return bpf_ringbuf_output(ring, &sev, sizeof(sev), 0);
	}
	cpu = bpf_get_smp_processor_id();
	ev = bpf_map_lookup_elem(&rt_exec_heap, &cpu);
	rs = rt_active();
	if (!ev || !rs)
		return -1;
	/* args_total says how much there was: the rule's view counts what is cut. */
	full = ev->args_len;
	n = rs->exec_args[idx & (RT_MAX_RULES - 1)];
	if (n > full)
		n = full;
	if (n > RT_ARGS_MAX)
		n = RT_ARGS_MAX;
	off = ev->filename_len;
	if (off > RT_FILENAME_LEN)
		off = RT_FILENAME_LEN;
	size = __builtin_offsetof(struct rt_exec_event, data) + off + n;
	ev->hdr.rules = a->rules;
	ev->args_len = n;
	ret = bpf_ringbuf_output(ring, ev, size, 0);
	ev->args_len = full;
	return ret;
}

/*
 * The verdict of rule idx on the event: matched; over its rate limit (limit:
 * checked in this build) suppressed, 0; else 1, it takes a copy.
 */
static __always_inline int rt_take_one(__u32 idx, __u64 ts, int limit)
{
	struct rt_rule_stats *st = rt_rule_stats_of(idx);

	if (!st)
		return 0;
	st->matched++;
	if (limit && rt_rate_over(idx, ts)) {
		st->suppressed++;
		return 0;
	}
	return 1;
}

/*
 * rt_take_one as global functions, verified once each rather than once per rule
 * of the loops that call them; the one with rate limits only from the bpf_loop
 * build (its compare-and-swap is older than bpf_loop, newer than some kernels).
 */
__noinline int rt_take_limited(__u32 idx, __u64 ts)
{
	return rt_take_one(idx, ts, 1);
}

__noinline int rt_take(__u32 idx, __u64 ts)
{
	return rt_take_one(idx, ts, 0);
}

/* Rule idx's copy into its ring buffer; lost when there was no room. */
__noinline int rt_deliver_rule(__u32 idx, __u64 rules, __u64 ts, __u64 what, __u32 type)
{
	struct rt_emit_arg a = { .rules = rules, .ts = ts, .what = what, .type = type };
	struct rt_rule_stats *st;

	/* A global function is verified whether it is called or not (before 6.8):
	 * with perf buffers the rings are plain arrays, and this must say so. */
	if (!rt_use_ringbuf)
		return 0;
	if (rt_ring_send(&a, idx) < 0 && (st = rt_rule_stats_of(idx)))
		st->lost++;
	return 0;
}

static long rt_take_cb(__u32 n, void *arg)
{
	struct rt_emit_arg *a = arg;

	n += a->base;
	if (n >= RT_MAX_RULES || !(a->rules >> n))
		return 1;
	if (((a->rules >> n) & 1) && rt_take_limited(n, a->ts))
		a->allowed |= 1ULL << n;
	return 0;
}

static long rt_deliver_cb(__u32 n, void *arg)
{
	struct rt_emit_arg *a = arg;

	n += a->base;
	if (n >= RT_MAX_RULES || !(a->allowed >> n))
		return 1;
	if ((a->allowed >> n) & 1)
		rt_deliver_rule(n, a->allowed, a->ts, a->what, a->type);
	return 0;
}

/*
 * Each rule of rules, lowest first: its verdict, then (ring buffers) its copy to
 * each rule that takes it. The rules that take it, for a perf buffer's one copy.
 * The verdicts come first so that every copy names the same rules.
 */
__noinline __u64 rt_emit_loop(__u64 rules, __u64 ts, __u64 what, __u32 type)
{
	struct rt_emit_arg a = { .rules = rules, .ts = ts, .what = what, .type = type };
	__u64 rest = rules;

	if (!rules)
		return 0;
	a.base = rt_skip_empty(&rest);
	bpf_loop(RT_MAX_RULES, rt_take_cb, &a, 0);
	if (rt_use_ringbuf && a.allowed) {
		rest = a.allowed;
		a.base = rt_skip_empty(&rest);
		bpf_loop(RT_MAX_RULES, rt_deliver_cb, &a, 0);
	}
	return a.allowed;
}

/* The same without bpf_loop, and so without rate limits: every rule takes it. */
__noinline __u64 rt_emit_unrolled(__u64 rules, __u64 ts, __u64 what, __u32 type)
{
	__u64 all = rules;
	__u32 n;

	/* No branch on a verdict: the verifier of an unrolled loop would walk both
	 * sides of it for every rule, and the paths would never merge. */
	rt_for_each_rule(n, rules) {
		rt_take(n, ts);
		if (rt_use_ringbuf)
			rt_deliver_rule(n, all, ts, what, type);
	}
	return all;
}

/*
 * Send an event to each rule of rules, counted per rule: a syscall event (what:
 * its number) or this CPU's exec event (what: its bytes). Through perf buffers one
 * copy, perf_data (perf_size bytes, its header's rules filled in here), goes to
 * every rule it is not suppressed for.
 */
static __always_inline void rt_send(void *ctx, int loop, __u64 rules, __u64 ts, __u64 what,
				    __u32 type, struct rt_event_hdr *perf_data, __u64 perf_size)
{
	__u64 allowed;

	allowed = loop ? rt_emit_loop(rules, ts, what, type)
		       : rt_emit_unrolled(rules, ts, what, type);
	if (rt_use_ringbuf || !allowed)
		return;
	perf_data->rules = allowed;
	if (bpf_perf_event_output(ctx, &rt_events, BPF_F_CURRENT_CPU, perf_data, perf_size) < 0)
		rt_account(loop, allowed, RT_ACCOUNT_LOST);
}

/*
 * An execve's entry, through the kprobe or the tracepoint: which rules take the
 * caller is decided here, and kept until the exec's result is known (at
 * sched_process_exec when it succeeds, at the syscall's return when it fails).
 */
static __always_inline int rt_on_execve(void *ctx, int dirfd, const char *filename,
					const char *const *argv, int loop)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct rt_task_cache *cache = rt_cache(pid_tgid);
	struct rt_exec_pending p = {};
	__u32 tid = (__u32)pid_tgid;

	(void)ctx;
	p.rules = cache ? cache->accept[RT_PROBE_EXECVE] : 0;
	if (!p.rules)
		return 0;
	p.filename = (unsigned long)filename;
	p.argv = (unsigned long)argv;
	p.uid = (__u32)bpf_get_current_uid_gid();
	p.dirfd = dirfd;
	__builtin_memcpy(p.comm, cache->comm, RT_COMM_LEN);
	if (bpf_map_update_elem(&rt_exec_pending, &tid, &p, BPF_ANY))	/* no room to wait */
		rt_account(loop, p.rules, RT_ACCOUNT_MATCHED | RT_ACCOUNT_LOST);
	return 0;
}

/*
 * Take the pending execve of thread tid into out, and the rules that report it
 * now: the caller, as it was at the entry, is filtered again by the live rules, so
 * that a reload in between (a rule removed, its slot given to another) never
 * reports it under a rule that does not want it. 0: none.
 */
static __always_inline __u64 rt_exec_take(__u32 tid, struct rt_exec_pending *out,
					  const struct rt_ruleset **rs, __u32 *set)
{
	struct rt_exec_pending *p = bpf_map_lookup_elem(&rt_exec_pending, &tid);

	if (!p)
		return 0;
	/* Copied before the delete: a deleted element may be reused at once. */
	__builtin_memcpy(out, p, sizeof(*out));
	bpf_map_delete_elem(&rt_exec_pending, &tid);
	*rs = rt_active_set(set);
	if (!*rs)
		return 0;
	return rt_filter_task(*rs, *set, out->rules & (*rs)->probe_rules[RT_PROBE_EXECVE],
			      bpf_get_current_pid_tgid() >> 32, out->uid, out->comm);
}

/* This CPU's exec event, its header, parent and result filled in; NULL if none. */
static __always_inline struct rt_exec_event *rt_exec_start(__u64 rules, const char *comm,
							   long result)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct rt_exec_event *ev = bpf_map_lookup_elem(&rt_exec_heap, &cpu);
	const void *task, *parent = NULL;

	if (!ev)
		return NULL;
	rt_fill_hdr(&ev->hdr, RT_EVENT_EXEC, rules, bpf_ktime_get_ns(), bpf_get_current_pid_tgid(),
		    comm);
	task = (const void *)bpf_get_current_task();
	bpf_probe_read_kernel(&parent, sizeof(parent), task + rt_task_real_parent_off);
	__builtin_memset(ev->pcomm, 0, sizeof(ev->pcomm));
	ev->ppid = 0;
	if (parent) {
		ev->ppid = rt_task_tgid(parent);
		bpf_probe_read_kernel_str(ev->pcomm, sizeof(ev->pcomm),
					  parent + rt_task_comm_off);
	}
	ev->result = (__s32)result;
	ev->flags = 0;
	ev->argc = 0;
	ev->filename_len = 0;
	ev->args_len = 0;
	ev->args_total = 0;
	return ev;
}

/*
 * Note the filename's read: n from a *_str helper, at most RT_FILENAME_LEN, of the
 * string at src (user memory when user). A full buffer holds a name of
 * RT_FILENAME_LEN - 1 bytes, or the start of a longer one: the byte after tells.
 */
static __always_inline void rt_exec_filename_read(struct rt_exec_event *ev, long n,
						  const char *src, int user)
{
	char next = 0;

	if (n <= 0) {
		ev->data[0] = '\0';
		ev->filename_len = 1;
		ev->flags |= RT_EXEC_FILENAME_FAULT;
		return;
	}
	ev->filename_len = n;
	if (n < RT_FILENAME_LEN)
		return;
	if (user ? bpf_probe_read_user(&next, 1, src + RT_FILENAME_LEN - 1)
		 : bpf_probe_read_kernel(&next, 1, src + RT_FILENAME_LEN - 1))
		next = 1;	/* unreadable past the buffer: say it may be cut */
	if (next)
		ev->flags |= RT_EXEC_FILENAME_TRUNCATED;
}

/* Send the event: its fixed part, the filename and args_len bytes of argv. */
static __always_inline void rt_exec_send(void *ctx, struct rt_exec_event *ev, int loop)
{
	__u64 size = ev->filename_len;

	if (size > RT_FILENAME_LEN)
		size = RT_FILENAME_LEN;
	size += ev->args_len;
	if (size > sizeof(ev->data))
		size = sizeof(ev->data);
	size += __builtin_offsetof(struct rt_exec_event, data);
	rt_send(ctx, loop, ev->hdr.rules, ev->hdr.ts_ns, size, RT_EVENT_EXEC, &ev->hdr, size);
}

/*
 * A successful exec: the new program runs. Its arguments are read from where the
 * kernel just copied them (mm->arg_start to arg_end, in pages it wrote), the path
 * from the exec's linux_binprm: both are exactly what the new program received.
 * The tracepoint's args: the task, the thread id it had before, the binprm.
 */
static __always_inline int rt_on_exec_done(struct bpf_raw_tracepoint_args *ctx, int loop)
{
	const void *bprm = (const void *)ctx->args[2];
	const void *task = (const void *)bpf_get_current_task(), *mm = NULL;
	const char *filename = NULL;
	unsigned long start = 0, end = 0;
	const struct rt_ruleset *rs = NULL;
	struct rt_exec_pending p;
	struct rt_exec_event *ev;
	__u64 rules, total, n;
	__u32 off, set = 0;
	int argc = 0;

	rules = rt_exec_take((__u32)ctx->args[1], &p, &rs, &set);
	if (!rules || !rs)
		return 0;
	rules &= rs->exec_ok_rules;
	/* The program it runs: the name the exec has just given the process. */
	if (rules & rs->program_lookup_rules) {
		struct rt_comm_key ck = { .set = set };

		bpf_get_current_comm(ck.comm, sizeof(ck.comm));
		rules = rt_apply(bpf_map_lookup_elem(&rt_program_filter, &ck), rules,
				 rs->program_include_rules);
	}
	if (!rules)
		return 0;
	ev = rt_exec_start(rules, p.comm, 0);
	if (!ev)
		return 0;
	bpf_probe_read_kernel(&filename, sizeof(filename), bprm + rt_bprm_filename_off);
	rt_exec_filename_read(ev, filename ? bpf_probe_read_kernel_str(ev->data, RT_FILENAME_LEN,
									filename) : -1,
			      filename, 0);
	bpf_probe_read_kernel(&argc, sizeof(argc), bprm + rt_bprm_argc_off);
	ev->argc = argc > 0 ? argc : 0;
	bpf_probe_read_kernel(&mm, sizeof(mm), task + rt_task_mm_off);
	if (mm) {
		bpf_probe_read_kernel(&start, sizeof(start), mm + rt_mm_arg_start_off);
		bpf_probe_read_kernel(&end, sizeof(end), mm + rt_mm_arg_end_off);
	}
	total = end > start ? end - start : 0;
	ev->args_total = total > 0xffffffffu ? 0xffffffffu : total;
	n = total < rs->exec_args_max ? total : rs->exec_args_max;
	if (n > rt_args_cap)
		n = rt_args_cap;
	if (n > RT_ARGS_MAX)	/* for the verifier: rt_args_cap is at most this */
		n = RT_ARGS_MAX;
	off = ev->filename_len;
	if (off > RT_FILENAME_LEN)
		off = RT_FILENAME_LEN;
	if (n && bpf_probe_read_user(&ev->data[off], n, (const void *)start)) {
		ev->flags |= RT_EXEC_ARGS_FAULT;
		n = 0;
	}
	ev->args_len = n;
	rt_exec_send(ctx, ev, loop);
	return 0;
}

RT_BOTH_BUILDS("raw_tracepoint/sched_process_exec", rt_exec_done, struct bpf_raw_tracepoint_args,
	       rt_on_exec_done)

/*
 * A failed exec's argv, from the caller's memory at the syscall's return: the
 * kernel has read (and so faulted in) what it got to before it failed. The running
 * length lives in the event, not a register: re-read from memory each argument it
 * is a bounded unknown, so the verifier's states merge instead of multiplying.
 */
struct rt_argv_walk {
	const char *const *argv;
	__u32 off;		/* where argv starts in data[]: after the filename */
	__u32 limit;		/* argv bytes to keep */
	__u32 stopped;		/* the walk ended before running out of arguments to read */
};

/* Whether the user string goes on at p: its byte there is not its end (or unreadable). */
static __always_inline int rt_goes_on(const char *p)
{
	char c = 0;

	return bpf_probe_read_user(&c, 1, p) || c;
}

/* Argument i of a failed exec into ev: 0 to go on, 1 when the walk is over. */
static __always_inline int rt_failed_arg(struct rt_exec_event *ev, struct rt_argv_walk *w,
					 __u32 i)
{
	const char *arg = NULL;
	__u32 len = ev->args_len;
	__u64 pos;
	long n;

	w->stopped = 1;
	if (bpf_probe_read_user(&arg, sizeof(arg), &w->argv[i])) {
		ev->flags |= RT_EXEC_ARGS_FAULT;
		return 1;
	}
	if (!arg)
		return 1;
	if (len >= w->limit || len > RT_ARGS_MAX) {	/* one more, not read */
		ev->argc++;
		ev->flags |= RT_EXEC_ARGS_MORE;
		return 1;
	}
	/* Bounded on the register the access uses, whatever the compiler keeps. */
	pos = (__u64)(w->off > RT_FILENAME_LEN ? RT_FILENAME_LEN : w->off) + len;
	barrier_var(pos);
	if (pos > RT_FILENAME_LEN + RT_ARGS_MAX)
		return 1;
	n = bpf_probe_read_user_str(&ev->data[pos], RT_FAILED_ARG_LEN, arg);
	if (n < 0) {
		ev->flags |= RT_EXEC_ARGS_FAULT;
		return 1;
	}
	if (n == 0) {
		/* An empty argument: kernels before 6.2 return 0 for it, not 1. */
		ev->data[pos] = '\0';
		n = 1;
	}
	ev->argc++;
	ev->args_total = len + n;
	if (n == RT_FAILED_ARG_LEN && rt_goes_on(arg + RT_FAILED_ARG_LEN - 1)) {
		/* Longer than what was read: shown cut, its NUL dropped, the walk over
		 * (what follows would read as part of it). At least a byte and a NUL
		 * more. */
		ev->args_len = len + n - 1;
		ev->args_total = len + n + 1;
		ev->flags |= RT_EXEC_ARGS_MORE;
		return 1;
	}
	if (len + n > w->limit) {	/* only a part of this one fits */
		ev->args_len = w->limit;
		ev->flags |= RT_EXEC_ARGS_MORE;
		return 1;
	}
	ev->args_len = len + n;
	w->stopped = 0;
	return 0;
}

/* bpf_loop's body: verified once, whatever the number of arguments. */
static long rt_failed_arg_cb(__u32 i, void *ctx)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct rt_exec_event *ev = bpf_map_lookup_elem(&rt_exec_heap, &cpu);

	return ev ? rt_failed_arg(ev, ctx, i) : 1;
}

/*
 * Walk argv: RT_FAILED_ARGS arguments through bpf_loop, fewer unrolled (the
 * verifier of kernels before bpf_loop walks every iteration of a loop).
 */
static __always_inline void rt_exec_failed_argv(struct rt_exec_event *ev,
						const char *const *argv, __u32 limit, int loop)
{
	struct rt_argv_walk w = { .argv = argv, .off = ev->filename_len, .limit = limit };
	const char *arg = NULL;
	__u32 i = 0;

	if (!argv)	/* allowed by Linux: no arguments at all */
		return;
	if (loop) {
		i = bpf_loop(RT_FAILED_ARGS, rt_failed_arg_cb, &w, 0);
		if (i > RT_FAILED_ARGS)
			return;	/* an error: nothing more to say */
	} else {
		for (i = 0; i < RT_FAILED_ARGS_UNROLLED; i++)
			if (rt_failed_arg(ev, &w, i))
				break;
	}
	/* Out of arguments to read: is there one more? */
	if (!w.stopped && !bpf_probe_read_user(&arg, sizeof(arg), &argv[i]) && arg) {
		ev->argc++;
		ev->flags |= RT_EXEC_ARGS_MORE;
	}
}

/*
 * Write "/dev/fd/FD" at the start of ev->data; its length. FD is an open
 * descriptor, so not negative.
 */
static __always_inline __u32 rt_fd_path(struct rt_exec_event *ev, __u32 fd)
{
	char digits[10];
	__u32 n = 0, i;

	__builtin_memcpy(ev->data, "/dev/fd/", 8);
	for (i = 0; i < 10; i++) {
		digits[i] = '0' + fd % 10;
		fd /= 10;
		n = i + 1;
		if (!fd)
			break;
	}
	for (i = 0; i < 10 && i < n; i++)
		ev->data[8 + i] = digits[n - 1 - i];
	return 8 + n;
}

/*
 * A failed exec's file name, from the caller's memory, named as the kernel names
 * it: execveat's name relative to a directory descriptor (or the descriptor
 * itself, for an empty name) goes through /dev/fd.
 */
static __always_inline void rt_exec_failed_filename(struct rt_exec_event *ev,
						    const struct rt_exec_pending *p)
{
	const char *name = (const char *)p->filename;
	char first = 0;
	__u32 off;
	long n;

	if (p->dirfd == RT_AT_FDCWD || p->dirfd < 0 ||
	    bpf_probe_read_user(&first, 1, name) || first == '/') {
		rt_exec_filename_read(ev, bpf_probe_read_user_str(ev->data, RT_FILENAME_LEN, name),
				      name, 1);
		return;
	}
	off = rt_fd_path(ev, (__u32)p->dirfd);
	if (!first) {	/* AT_EMPTY_PATH: the descriptor is the file */
		ev->data[off & 31] = '\0';
		ev->filename_len = (off & 31) + 1;
		return;
	}
	ev->data[off & 31] = '/';
	off = (off & 31) + 1;
	n = bpf_probe_read_user_str(&ev->data[off], RT_FILENAME_LEN - 32, name);
	if (n <= 0) {
		rt_exec_filename_read(ev, n, name, 1);
		return;
	}
	ev->filename_len = off + n;
	if (n == RT_FILENAME_LEN - 32 && rt_goes_on(name + RT_FILENAME_LEN - 33))
		ev->flags |= RT_EXEC_FILENAME_TRUNCATED;
}

/* Whether the current thread has a SIGKILL on its way: it will never see a result. */
static __always_inline int rt_sigkill_pending(void)
{
	const void *task = (const void *)bpf_get_current_task();
	__u64 sigset = 0;

	/* struct sigpending: the list of queued signals (two pointers), then the set. */
	bpf_probe_read_kernel(&sigset, sizeof(sigset), task + rt_task_pending_off + 16);
	return (sigset >> (9 - 1)) & 1;	/* SIGKILL is 9, bit 8 */
}

/*
 * An execve's return, through the kretprobe or the sys_exit tracepoint: a failed
 * exec is reported here (a successful one was at sched_process_exec, and finds
 * nothing pending).
 */
static __always_inline int rt_on_execve_return(void *ctx, long ret, int loop)
{
	const struct rt_ruleset *rs = NULL;
	struct rt_exec_pending p;
	struct rt_exec_event *ev;
	__u32 limit, set;
	__u64 rules;

	rules = rt_exec_take((__u32)bpf_get_current_pid_tgid(), &p, &rs, &set);
	/*
	 * A thread killed inside its execve (another thread's exec kills the rest,
	 * de_thread) returns a code no program sees, a restart code or the E2BIG of a
	 * copy the kill cut short: it did not fail, it is gone.
	 */
	if (!rules || !rs || ret >= 0 || (ret >= -RT_ERESTART_MAX && ret <= -RT_ERESTART_MIN) ||
	    rt_sigkill_pending())
		return 0;
	rules &= rs->exec_failed_rules;
	if (!rules)
		return 0;
	ev = rt_exec_start(rules, p.comm, ret);
	if (!ev)
		return 0;
	rt_exec_failed_filename(ev, &p);
	limit = rs->exec_args_max < rt_args_cap ? rs->exec_args_max : rt_args_cap;
	rt_exec_failed_argv(ev, (const char *const *)p.argv, limit, loop);
	rt_exec_send(ctx, ev, loop);
	return 0;
}

extern _Bool LINUX_HAS_SYSCALL_WRAPPER __kconfig;	/* libbpf knows it */

/*
 * execve through a kprobe on the syscall (libbpf finds the arch's symbol:
 * __x64_sys_execve, __arm64_sys_execve). Where syscalls go through a wrapper (x86
 * 4.17+, arm64 4.19+) the probed function's one argument is the user's register
 * frame, in kernel memory; before, the arguments are the function's own.
 */
static __always_inline int rt_on_execve_kprobe(struct pt_regs *ctx, int loop)
{
	const struct pt_regs *regs = (const struct pt_regs *)PT_REGS_PARM1(ctx);
	unsigned long filename = 0, argv = 0;

	if (!LINUX_HAS_SYSCALL_WRAPPER) {
		filename = PT_REGS_PARM1(ctx);
		argv = PT_REGS_PARM2(ctx);
	} else if (bpf_probe_read_kernel(&filename, sizeof(filename), &RT_SYSCALL_ARG1(regs)) ||
		   bpf_probe_read_kernel(&argv, sizeof(argv), &RT_SYSCALL_ARG2(regs))) {
		return 0;
	}
	return rt_on_execve(ctx, RT_AT_FDCWD, (const char *)filename, (const char *const *)argv,
			    loop);
}

RT_BOTH_BUILDS("ksyscall/execve", rt_execve_kprobe, struct pt_regs, rt_on_execve_kprobe)

/* execveat (and fexecve, which is execveat on a descriptor): the same, one along. */
static __always_inline int rt_on_execveat_kprobe(struct pt_regs *ctx, int loop)
{
	const struct pt_regs *regs = (const struct pt_regs *)PT_REGS_PARM1(ctx);
	unsigned long dirfd = 0, filename = 0, argv = 0;

	if (!LINUX_HAS_SYSCALL_WRAPPER) {
		dirfd = PT_REGS_PARM1(ctx);
		filename = PT_REGS_PARM2(ctx);
		argv = PT_REGS_PARM3(ctx);
	} else if (bpf_probe_read_kernel(&dirfd, sizeof(dirfd), &RT_SYSCALL_ARG1(regs)) ||
		   bpf_probe_read_kernel(&filename, sizeof(filename), &RT_SYSCALL_ARG2(regs)) ||
		   bpf_probe_read_kernel(&argv, sizeof(argv), &RT_SYSCALL_ARG3(regs))) {
		return 0;
	}
	return rt_on_execve(ctx, (int)dirfd, (const char *)filename, (const char *const *)argv,
			    loop);
}

RT_BOTH_BUILDS("ksyscall/execveat", rt_execveat_kprobe, struct pt_regs, rt_on_execveat_kprobe)

/* execve through the syscall tracepoint: the fallback where kprobes are missing. */
static __always_inline int rt_on_execve_tp(struct rt_sys_enter_ctx *ctx, int loop)
{
	return rt_on_execve(ctx, RT_AT_FDCWD, (const char *)ctx->args[0],
			    (const char *const *)ctx->args[1], loop);
}

RT_BOTH_BUILDS("tracepoint/syscalls/sys_enter_execve", rt_execve_tp, struct rt_sys_enter_ctx,
	       rt_on_execve_tp)

static __always_inline int rt_on_execveat_tp(struct rt_sys_enter_ctx *ctx, int loop)
{
	return rt_on_execve(ctx, (int)ctx->args[0], (const char *)ctx->args[1],
			    (const char *const *)ctx->args[2], loop);
}

RT_BOTH_BUILDS("tracepoint/syscalls/sys_enter_execveat", rt_execveat_tp,
	       struct rt_sys_enter_ctx, rt_on_execveat_tp)

static __always_inline int rt_on_execve_kretprobe(struct pt_regs *ctx, int loop)
{
	return rt_on_execve_return(ctx, (long)PT_REGS_RC(ctx), loop);
}

RT_BOTH_BUILDS("kretsyscall/execve", rt_execve_kretprobe, struct pt_regs, rt_on_execve_kretprobe)
RT_BOTH_BUILDS("kretsyscall/execveat", rt_execveat_kretprobe, struct pt_regs,
	       rt_on_execve_kretprobe)

static __always_inline int rt_on_execve_exit_tp(struct rt_sys_exit_ctx *ctx, int loop)
{
	return rt_on_execve_return(ctx, ctx->ret, loop);
}

RT_BOTH_BUILDS("tracepoint/syscalls/sys_exit_execve", rt_execve_exit_tp, struct rt_sys_exit_ctx,
	       rt_on_execve_exit_tp)
RT_BOTH_BUILDS("tracepoint/syscalls/sys_exit_execveat", rt_execveat_exit_tp,
	       struct rt_sys_exit_ctx, rt_on_execve_exit_tp)

/* Every syscall entry: count per rule as it groups, or stream an event. */
static __always_inline int rt_on_sys_enter(struct bpf_raw_tracepoint_args *ctx, int loop)
{
	struct rt_task_cache *c;
	struct rt_syscall_event ev;
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 nr = (__u32)ctx->args[1];
	__u64 rules, counted, hashed, ts;

	c = rt_cache(pid_tgid);
	if (!c)
		return 0;
	rules = c->accept[RT_PROBE_SYS_ENTER];
	if (!rules)
		return 0;
	/* The syscall filter is never cached: nr changes every call. */
	if (rules & c->sys_lookup_rules) {
		/* An unknown number past the map's half reads no entry: not listed. */
		__u32 idx = nr < RT_MAX_SYSCALLS ? (c->set & 1) * RT_MAX_SYSCALLS + nr
						 : 2 * RT_MAX_SYSCALLS;

		rules = rt_apply(bpf_map_lookup_elem(&rt_sys_filter, &idx), rules,
				 c->sys_include_rules);
		if (!rules)
			return 0;
	}
	counted = rules & c->count_rules;
	if (counted) {
		/* Counters keyed by syscall change every call: those take the hash map. */
		hashed = counted & c->group_sys_rules;
		counted &= ~hashed;
		if (c->pending_slot && counted == 1ULL << ((c->only_count - 1) & 63)) {
			/* Counted in the cache entry itself: no second lookup. */
			c->pending++;
		} else if (counted && loop) {
			rt_count_cached_loop(counted, pid_tgid >> 32);
		} else if (counted) {
			rt_count_cached_unrolled(counted, pid_tgid >> 32);
		}
		if (hashed) {
			__u64 w[2];

			__builtin_memcpy(w, c->comm, sizeof(w));
			if (loop)
				rt_count_hashed_loop(hashed, w[0], w[1], pid_tgid >> 32, nr);
			else
				rt_count_hashed_unrolled(hashed, w[0], w[1], pid_tgid >> 32, nr);
		}
		rules &= ~(counted | hashed);
	}
	if (!rules)
		return 0;

	ts = bpf_ktime_get_ns();
	if (!rt_use_ringbuf) {	/* one copy for every rule: built here */
		rt_fill_hdr(&ev.hdr, RT_EVENT_SYSCALL, rules, ts, pid_tgid, c->comm);
		ev.nr = ctx->args[1];
	}
	rt_send(ctx, loop, rules, ts, ctx->args[1], RT_EVENT_SYSCALL, &ev.hdr, sizeof(ev));
	return 0;
}

RT_BOTH_BUILDS("raw_tracepoint/sys_enter", rt_sys_enter, struct bpf_raw_tracepoint_args,
	       rt_on_sys_enter)

/*
 * The sequence count's add, a full barrier in the bpf_loop build: the value it
 * returns makes it an atomic with fetch (5.12+), which every JIT orders both ways
 * (arm64's ldaddal); the unrolled build's plain add is only ordered on x86.
 */
static __always_inline void rt_seq_bump(__u64 *seq, const int ordered)
{
	if (ordered) {
		__u64 old = __sync_fetch_and_add(seq, 1);

		asm volatile("" : : "r"(old));
	} else {
		__sync_fetch_and_add(seq, 1);
	}
}

/*
 * A comm changed (prctl, exec, /proc/PID/comm): every CPU's cached verdicts for
 * that task may be wrong now, so they all go stale. One add per rename or exec.
 * Runs before the kernel copies the new name (args: the task, the name). A thread
 * renaming itself cannot be refilled for elsewhere meanwhile; one renamed by
 * another task can, so its new name is recorded first, for rt_task_comm.
 */
static __always_inline int rt_on_rename(struct bpf_raw_tracepoint_args *ctx, const int ordered)
{
	const void *task = (const void *)ctx->args[0];
	__u32 tid = 0;

	bpf_probe_read_kernel(&tid, sizeof(tid), task + rt_task_pid_off);
	if (task != (const void *)bpf_get_current_task()) {
		struct rt_renamed_val *v = bpf_map_lookup_elem(&rt_renamed, &tid);
		struct rt_renamed_val nv = {};

		if (bpf_probe_read_kernel_str(nv.comm, sizeof(nv.comm),
					      (const void *)ctx->args[1]) <= 0)
			return 0;
		if (v) {	/* in place, inside an odd sequence count */
			rt_seq_bump(&v->seq, ordered);
			*(volatile __u64 *)&v->comm[0] = nv.comm[0];
			*(volatile __u64 *)&v->comm[1] = nv.comm[1];
			rt_seq_bump(&v->seq, ordered);
		} else {
			bpf_map_update_elem(&rt_renamed, &tid, &nv, BPF_NOEXIST);
		}
	} else if (bpf_map_lookup_elem(&rt_renamed, &tid)) {
		bpf_map_delete_elem(&rt_renamed, &tid);	/* its own name from now on */
	}
	__sync_fetch_and_add(&rt_generation, 1);
	return 0;
}

RT_BOTH_BUILDS("raw_tracepoint/task_rename", rt_rename, struct bpf_raw_tracepoint_args,
	       rt_on_rename)

/* A descendant that rules would follow found the pid map full: counted per rule. */
__noinline int rt_follow_full(__u64 rules)
{
	struct rt_rule_stats *st;
	__u32 idx;

	rt_for_each_rule(idx, rules) {
		st = rt_rule_stats_of(idx);
		if (st)
			st->follow_full++;
	}
	return 0;
}

/*
 * Add child to filter set of the pid map when its parent is followed there by
 * rules of that set's ruleset. Counts a full map only for the live set.
 */
static __always_inline void rt_follow_in(__u32 set, __u32 ptgid, __u32 ctgid, int live)
{
	const struct rt_ruleset *rs = bpf_map_lookup_elem(&rt_ruleset, &set);
	struct rt_num_key pk = { .id = ptgid, .set = set }, ck = { .id = ctgid, .set = set };
	struct rt_filter_val *pv, *cv, nv = {};

	if (!rs || !rs->follow_rules)
		return;
	pv = bpf_map_lookup_elem(&rt_pid_filter, &pk);
	if (!pv || !(pv->follow & rs->follow_rules))
		return;
	cv = bpf_map_lookup_elem(&rt_pid_filter, &ck);
	if (cv) {	/* a listed pid of its own: add what it inherits */
		cv->include |= pv->follow;
		cv->follow |= pv->follow;
		return;
	}
	nv.include = pv->follow;
	nv.follow = pv->follow;
	nv.flags = RT_FILTER_INHERITED;
	if (bpf_map_update_elem(&rt_pid_filter, &ck, &nv, BPF_NOEXIST) &&
	    !bpf_map_lookup_elem(&rt_pid_filter, &ck) && live)
		rt_follow_full(nv.follow & rs->follow_rules);
}

/*
 * A new process: when its parent's pid is followed by some rules, the child is
 * added to the pid map for those rules (and is followed in turn). Threads share
 * their parent's tgid and need nothing. Both filter sets take it: the idle one
 * may be the one user space is about to switch to.
 */
SEC("raw_tracepoint/sched_process_fork")
int rt_fork(struct bpf_raw_tracepoint_args *ctx)
{
	const void *parent = (const void *)ctx->args[0];
	const void *child = (const void *)ctx->args[1];
	__u32 ptgid, ctgid, ctid = 0, live = rt_active_ruleset & 1;

	/* A record left by a rename after its thread's exit must not name the next
	 * thread to get its tid. */
	bpf_probe_read_kernel(&ctid, sizeof(ctid), child + rt_task_pid_off);
	if (bpf_map_lookup_elem(&rt_renamed, &ctid))
		bpf_map_delete_elem(&rt_renamed, &ctid);
	ptgid = rt_task_tgid(parent);
	ctgid = rt_task_tgid(child);
	if (ptgid == ctgid)
		return 0;
	rt_follow_in(live, ptgid, ctgid, 1);
	rt_follow_in(live ^ 1, ptgid, ctgid, 0);
	return 0;
}

/*
 * Whether the exiting thread is its process's last: do_exit has counted it out of
 * signal->live before sched_process_exit.
 */
static __always_inline int rt_group_dead(void)
{
	const void *task = (const void *)bpf_get_current_task(), *signal = NULL;
	int live = 1;

	if (bpf_probe_read_kernel(&signal, sizeof(signal), task + rt_task_signal_off) || !signal)
		return 0;
	bpf_probe_read_kernel(&live, sizeof(live), signal + rt_signal_live_off);
	return live == 0;
}

/*
 * A task is gone: its pid may come back as a stranger's. The per-CPU caches are
 * keyed by pid, so they all go stale; and a followed descendant leaves the pid map.
 */
SEC("raw_tracepoint/sched_process_exit")
int rt_exit(struct bpf_raw_tracepoint_args *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32, tid = (__u32)pid_tgid;
	struct rt_num_key key = { .id = tgid };
	struct rt_filter_val *v;

	(void)ctx;
	__sync_fetch_and_add(&rt_generation, 1);
	if (bpf_map_lookup_elem(&rt_renamed, &tid))
		bpf_map_delete_elem(&rt_renamed, &tid);
	if (bpf_map_lookup_elem(&rt_exec_pending, &tid))	/* killed inside execve */
		bpf_map_delete_elem(&rt_exec_pending, &tid);
	/*
	 * The process lives on in its other threads (a main thread that ended first,
	 * or one an exec by another thread ended): its pid stays taken.
	 */
	if (!rt_group_dead())
		return 0;
	v = bpf_map_lookup_elem(&rt_pid_filter, &key);
	if (v && (v->flags & RT_FILTER_INHERITED))
		bpf_map_delete_elem(&rt_pid_filter, &key);
	key.set = 1;
	v = bpf_map_lookup_elem(&rt_pid_filter, &key);
	if (v && (v->flags & RT_FILTER_INHERITED))
		bpf_map_delete_elem(&rt_pid_filter, &key);
	return 0;
}

/*
 * A task moved to another cgroup: its cached verdicts (and the cgroup its counts
 * are keyed by) may be wrong now, on every CPU.
 */
SEC("raw_tracepoint/cgroup_attach_task")
int rt_cgroup_attach(struct bpf_raw_tracepoint_args *ctx)
{
	(void)ctx;
	__sync_fetch_and_add(&rt_generation, 1);
	return 0;
}

/*
 * The cgroup v2 id of cgrp and its kernfs node, or 0 for a cgroup of a v1
 * hierarchy (hierarchy 0 is v2's; v1 hierarchies number their cgroups apart).
 */
static __always_inline __u64 rt_cgroup_v2_id(const void *cgrp, const void **kn)
{
	const void *root = NULL;
	int hierarchy = -1;
	__u64 id = 0;

	*kn = NULL;
	if (bpf_probe_read_kernel(&root, sizeof(root), cgrp + rt_cgroup_root_off) || !root ||
	    bpf_probe_read_kernel(&hierarchy, sizeof(hierarchy), root + rt_root_hierarchy_id_off) ||
	    hierarchy != 0 ||
	    bpf_probe_read_kernel(kn, sizeof(*kn), cgrp + rt_cgroup_kn_off) || !*kn ||
	    bpf_probe_read_kernel(&id, sizeof(id), *kn + rt_kn_id_off))
		return 0;
	return id;
}

/* A new cgroup's names, as the cgroup_mkdir program matches them. */
struct rt_cgroup_scratch {
	struct rt_cgroup_name_key key;
	char name[RT_CGROUP_NAME_LEN];	/* its own name (the last part of its path) */
	struct rt_cgroup_val acc;	/* what its names match, for one filter set */
};

/* Too large for the stack: one per CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct rt_cgroup_scratch);
} rt_cgroup_scratch SEC(".maps");

/* Each cgroup v2 made during the run, for user space to name (ring buffer runs). */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} rt_cgroup_births SEC(".maps");

/* Tell user space cgroup id's path (when it is not longer than a record holds). */
static __always_inline void rt_cgroup_born(__u64 id, __u64 parent, const char *path)
{
	struct rt_cgroup_birth *b;
	char more = 0;
	long n;

	if (!rt_use_ringbuf)
		return;
	b = bpf_ringbuf_reserve(&rt_cgroup_births, sizeof(*b), 0);
	if (!b)
		return;	/* user space walks the tree for it instead */
	b->id = id;
	b->parent = parent;
	n = bpf_probe_read_kernel_str(b->path, sizeof(b->path), path);
	if (n == sizeof(b->path))
		bpf_probe_read_kernel(&more, 1, path + sizeof(b->path) - 1);
	if (n <= 0 || more) {
		bpf_ringbuf_discard(b, 0);
		return;
	}
	bpf_ringbuf_submit(b, 0);
}

/* Add what sc->key names in the filters to sc->acc. */
static __always_inline void rt_cgroup_name_match(struct rt_cgroup_scratch *sc)
{
	struct rt_cgroup_val *v = bpf_map_lookup_elem(&rt_cgroup_names, &sc->key);

	if (!v)
		return;
	sc->acc.include[RT_CG_PATH] |= v->include[RT_CG_PATH];
	sc->acc.include[RT_CG_UNIT] |= v->include[RT_CG_UNIT];
	sc->acc.include[RT_CG_CONTAINER] |= v->include[RT_CG_CONTAINER];
	sc->acc.exclude |= v->exclude;
}

static __always_inline int rt_is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* Whether name starts with the n bytes of prefix. */
static __always_inline int rt_has_prefix(const char *name, const char *prefix, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (name[i] != prefix[i])
			return 0;
	return 1;
}

/*
 * Where a container id starts in a cgroup's name, as src/cgroups.c reads it:
 * docker-<id>.scope, cri-containerd-<id>.scope, crio-<id>.scope, libpod-<id>.scope,
 * or a bare <id> (cgroupfs drivers): 64 hex digits. -1: none.
 */
static __always_inline int rt_container_at(const char *name)
{
	int off = -1, i;

	if (rt_has_prefix(name, "docker-", 7))
		off = 7;
	else if (rt_has_prefix(name, "cri-containerd-", 15))
		off = 15;
	else if (rt_has_prefix(name, "crio-", 5))
		off = 5;
	else if (rt_has_prefix(name, "libpod-", 7))
		off = 7;
	if (off < 0) {
		if (name[RT_CONTAINER_ID_LEN])
			return -1;	/* bare: the id and nothing else */
		off = 0;
	} else if (!rt_has_prefix(name + (off & 15) + RT_CONTAINER_ID_LEN, ".scope", 7)) {
		return -1;
	}
	for (i = 0; i < RT_CONTAINER_ID_LEN; i++)
		if (!rt_is_hex(name[(off & 15) + i]))
			return -1;
	return off & 15;
}

/*
 * The new cgroup id (its names in sc, its container id at sc->name + at when
 * found) against filter set's names: its entry there when something matches.
 */
static __always_inline void rt_cgroup_mkdir_set(struct rt_cgroup_scratch *sc, __u64 id,
						__u32 set, const char *path, int found, __u32 at,
						__u64 parent)
{
	struct rt_cgroup_key ck = { .id = id, .set = set };
	const struct rt_ruleset *rs = bpf_map_lookup_elem(&rt_ruleset, &set);
	__u32 k, len;
	char more;
	long n;

	if (!rs || !rs->cgroup_lookup_rules)
		return;
	__builtin_memset(&sc->acc, 0, sizeof(sc->acc));
	sc->key.set = set;
	sc->key.kind = RT_CG_PATH;
	__builtin_memset(sc->key.name, 0, sizeof(sc->key.name));
	/* A path longer than a rule's may not be taken for its first 255 bytes. */
	n = bpf_probe_read_kernel_str(sc->key.name, sizeof(sc->key.name), path);
	more = 0;
	if (n == sizeof(sc->key.name))
		bpf_probe_read_kernel(&more, 1, path + sizeof(sc->key.name) - 1);
	if (n > 0 && !more)
		rt_cgroup_name_match(sc);
	/* The same path by its parent's id and its last part (RT_CG_CHILD). */
	if (parent && !sc->name[RT_CG_CHILD_NAME_MAX]) {
		sc->key.kind = RT_CG_CHILD;
		__builtin_memset(sc->key.name, 0, sizeof(sc->key.name));
		__builtin_memcpy(sc->key.name, &parent, sizeof(parent));
		__builtin_memcpy(sc->key.name + sizeof(parent), sc->name, RT_CG_CHILD_NAME_MAX);
		rt_cgroup_name_match(sc);
	}
	sc->key.kind = RT_CG_UNIT;
	__builtin_memcpy(sc->key.name, sc->name, sizeof(sc->key.name));
	rt_cgroup_name_match(sc);
	/* A machine's scope by its whole name (settings.c writes it as systemd does). */
	sc->key.kind = RT_CG_CONTAINER;
	rt_cgroup_name_match(sc);
#pragma unroll
	for (k = 0; k < RT_CONTAINER_LENS; k++) {
		len = rs->container_lens[k];
		if (found < 0 || !len || len > RT_CONTAINER_ID_LEN)
			break;
		__builtin_memset(sc->key.name, 0, sizeof(sc->key.name));
		barrier_var(len);	/* the mask below stays: the verifier needs it */
		bpf_probe_read_kernel(sc->key.name, len & 127, sc->name + at);
		rt_cgroup_name_match(sc);
	}
	if ((sc->acc.include[RT_CG_PATH] | sc->acc.include[RT_CG_UNIT] |
	     sc->acc.include[RT_CG_CONTAINER] | sc->acc.exclude) &&
	    bpf_map_update_elem(&rt_cgroup_filter, &ck, &sc->acc, BPF_ANY) &&
	    set == (rt_active_ruleset & 1))
		rt_stat_inc(RT_STAT_CGROUP_FULL);	/* never silent */
}

/*
 * A cgroup was made: when its path, its name (a unit) or the container id in its
 * name is in a filter set's names, it gets its entry in that set's cgroup filter
 * now, before the mkdir returns and so before any task can be moved into it: a
 * unit or container started during the run is matched from its first process.
 * Args: the cgroup, its path. (Each set by its own call, not a loop: the verifiers
 * before 6.2 took such a loop over two sets for an infinite one.)
 */
SEC("raw_tracepoint/cgroup_mkdir")
int rt_cgroup_mkdir(struct bpf_raw_tracepoint_args *ctx)
{
	const char *path = (const char *)ctx->args[1], *name = NULL;
	struct rt_cgroup_scratch *sc;
	const void *kn;
	__u32 zero = 0, at, live = rt_active_ruleset & 1;
	__u64 id, parent;
	int found;

	id = rt_cgroup_v2_id((const void *)ctx->args[0], &kn);
	if (!id)
		return 0;
	parent = rt_cgroup_id_of(rt_cgroup_parent((const void *)ctx->args[0]));
	rt_cgroup_born(id, parent, path);
	sc = bpf_map_lookup_elem(&rt_cgroup_scratch, &zero);
	if (!sc)
		return 0;
	__builtin_memset(sc->name, 0, sizeof(sc->name));
	if (bpf_probe_read_kernel(&name, sizeof(name), kn + rt_kn_name_off) || !name ||
	    bpf_probe_read_kernel_str(sc->name, sizeof(sc->name), name) <= 0)
		return 0;
	found = rt_container_at(sc->name);
	at = found >= 0 ? (__u32)found & 15 : 0;	/* bounded, for the verifier */
	rt_cgroup_mkdir_set(sc, id, live, path, found, at, parent);
	/* The idle set is rewritten whole by the next reload: only one going on now
	 * (whose walk may have passed this cgroup's place) needs the entry there. */
	if (rt_reloading)
		rt_cgroup_mkdir_set(sc, id, live ^ 1, path, found, at, parent);
	return 0;
}

/* A cgroup was removed: its entries go (its id is not reused, its room is). */
SEC("raw_tracepoint/cgroup_rmdir")
int rt_cgroup_rmdir(struct bpf_raw_tracepoint_args *ctx)
{
	struct rt_cgroup_key ck = {};
	const void *kn;

	ck.id = rt_cgroup_v2_id((const void *)ctx->args[0], &kn);
	if (!ck.id)
		return 0;
	if (bpf_map_lookup_elem(&rt_cgroup_filter, &ck))
		bpf_map_delete_elem(&rt_cgroup_filter, &ck);
	ck.set = 1;
	if (bpf_map_lookup_elem(&rt_cgroup_filter, &ck))
		bpf_map_delete_elem(&rt_cgroup_filter, &ck);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
