/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ruletrace_abi.h - the data contract between bpf/ruletrace.bpf.c and user space.
 *
 * Limits, event layouts and map value layouts only. Includes nothing: the BPF side
 * gets __u8/__u32/__u64 from <linux/types.h>, user space from <linux/types.h> too.
 * Fields are ordered large to small so both compilers agree on the layout; user
 * space _Static_asserts the sizes (src/events.c).
 */
#ifndef RULETRACE_ABI_H
#define RULETRACE_ABI_H

#define RT_MAX_RULES		64	/* one bit each in a __u64 rule mask */
#define RT_COMM_LEN		16	/* kernel TASK_COMM_LEN, NUL included */
#define RT_FILENAME_LEN		4096	/* PATH_MAX: the path exec'd, NUL included */
#define RT_ARGS_DEFAULT		8192	/* argv bytes an execve rule keeps by default */
#define RT_ARGS_MAX		131072	/* ARG_MAX: the most max_argv_bytes: may ask for */
#define RT_ARGS_PERF_MAX	57344	/* a perf buffer sample holds less than 64 KiB */
#define RT_FAILED_ARGS		256	/* arguments read from a failed exec's argv[] */
#define RT_FAILED_ARGS_UNROLLED	32	/* ... before bpf_loop (5.17) */
#define RT_FAILED_ARG_LEN	4096	/* bytes read of each of them, NUL included */
#define RT_EXECS_IN_FLIGHT	10240	/* execve calls between their entry and result */
#define RT_AT_FDCWD		(-100)	/* the kernel's AT_FDCWD */
#define RT_ERESTART_MIN		512	/* the kernel's own restart codes (ERESTARTSYS .. */
#define RT_ERESTART_MAX		516	/* .. ERESTART_RESTARTBLOCK): never a program's */
#define RT_MAX_FILTER_KEYS	1024	/* distinct comms, pids or uids in the rules */
#define RT_PID_ENTRIES		16384	/* pid map: listed pids and followed descendants */
#define RT_MAX_SYSCALLS		1024	/* syscall numbers the syscall filter covers */
#define RT_COUNT_ENTRIES	16384	/* distinct counters by default (max_counters:) */
#define RT_COUNT_ENTRIES_MAX	(1u << 20)	/* the most max_counters: may ask for */
#define RT_RENAMED_ENTRIES	4096	/* live threads renamed by another task */
#define RT_CGROUP_LEVELS	16	/* cgroup v2 levels matched: a task's own and 15 above */
#define RT_CGROUP_NAME_LEN	256	/* a cgroup path or name the filters name, NUL included */
#define RT_CGROUP_ENTRIES	8192	/* cgroups the filters match, both sets together */
#define RT_CGROUP_NAMES		1024	/* paths, units and container ids in the filters */
#define RT_CONTAINER_ID_LEN	64	/* hex digits of a container id */
#define RT_CONTAINER_LENS	4	/* distinct lengths of container id prefixes */

/* What a cgroup filter names; indexes the include masks of rt_cgroup_val. */
enum rt_cgroup_kind {
	RT_CG_PATH = 0,		/* filter: cgroup: a path under the cgroup v2 mount */
	RT_CG_UNIT = 1,		/* filter: unit: a systemd unit's cgroup, by its name */
	RT_CG_CONTAINER = 2,	/* filter: container: an id prefix */
	RT_CG_KINDS = 3,
};

/* The probes a rule can select; indexes rt_ruleset.probe_rules. */
enum rt_probe {
	RT_PROBE_EXECVE = 0,
	RT_PROBE_SYS_ENTER = 1,
	RT_PROBE_MAX = 2,
};

/* An rt_renamed value: a name another task gave a thread; seq is odd mid-rewrite. */
struct rt_renamed_val {
	__u64 comm[RT_COMM_LEN / 8];
	__u64 seq;	/* 64 bits: clang 14 drops the fetch of a 32-bit atomic add */
};

/* rt_event_hdr.type */
enum rt_event_type {
	RT_EVENT_EXEC = 1,
	RT_EVENT_SYSCALL = 2,
};

/* rt_exec_event.flags */
#define RT_EXEC_FILENAME_FAULT	(1u << 1)	/* filename could not be read */
#define RT_EXEC_FILENAME_TRUNCATED (1u << 2)	/* longer than RT_FILENAME_LEN - 1 bytes */
#define RT_EXEC_ARGS_FAULT	(1u << 3)	/* argv could not be read */
#define RT_EXEC_ARGS_MORE	(1u << 4)	/* a failed exec's argv went on past what was
						 * read: argc and args_total are lower bounds */

/* Indexes of the per-CPU rt_stats array: kernel-side events that belong to no rule. */
enum rt_stat {
	RT_STAT_RATE_CONTENDED = 0,	/* a rate check that lost its race RT_RATE_TRIES times
					 * in a row: suppressed (the limit is never exceeded) */
	RT_STAT_CGROUP_FULL = 1,	/* a cgroup made during the run that the filters name
					 * found the cgroup filter full: not matched */
	RT_STAT_MAX = 2,
};

#define RT_RATE_TRIES		16	/* compare-and-swap attempts of one rate check */

/*
 * A stream rule's rate_limit as the kernel applies it: a token bucket, as GCRA.
 * Each event takes interval_ns of the rule's "theoretical arrival time" (its
 * rt_rate_tat entry); an event that would take it more than tolerance_ns past now
 * is over the limit. tolerance_ns = (burst - 1) * interval_ns. interval_ns 0: none.
 */
struct rt_rate {
	__u64 interval_ns;
	__u64 tolerance_ns;
};

/*
 * The rule table in the form the hot path wants it: which rules each probe feeds,
 * which of them count, which carry an include list of each filter kind (and so
 * keep only listed keys), which need a lookup of each kind at all (an include or
 * an exclude list), how count rules group, and which follow descendants.
 * rt_ruleset holds two; the .bss variable rt_active_ruleset says which one is live,
 * so user space writes the other whole and flips (a reload is never seen torn).
 */
struct rt_ruleset {
	__u64 probe_rules[RT_PROBE_MAX];
	__u64 count_rules;
	__u64 comm_include_rules;
	__u64 pid_include_rules;
	__u64 uid_include_rules;
	__u64 sys_include_rules;
	__u64 comm_lookup_rules;
	__u64 program_include_rules;	/* execve rules with a program list */
	__u64 program_lookup_rules;	/* execve rules with program or exclude_program */
	__u64 pid_lookup_rules;
	__u64 uid_lookup_rules;
	__u64 sys_lookup_rules;
	__u64 group_comm_rules;		/* count keys carry the comm */
	__u64 group_pid_rules;		/* count keys carry the pid */
	__u64 group_sys_rules;		/* count keys carry the syscall number */
	__u64 follow_rules;		/* pid lists that take in descendants */
	__u64 exec_ok_rules;		/* execve rules that report a successful exec */
	__u64 exec_failed_rules;	/* execve rules that report a failed one */
	__u64 rate_rules;		/* stream rules with a rate_limit */
	__u64 cgroup_include_rules[RT_CG_KINDS];	/* rules with an include list of a kind */
	__u64 cgroup_lookup_rules;	/* rules with any cgroup, unit or container filter */
	__u64 group_cgroup_rules;	/* count keys carry the cgroup id */
	__u32 container_lens[RT_CONTAINER_LENS];	/* the id prefix lengths in the filters, 0: none */
	__u32 exec_args_max;		/* argv bytes to read: the most an execve rule keeps */
	__u32 pad;
	struct rt_rate rate[RT_MAX_RULES];	/* by rule slot */
	__u32 exec_args[RT_MAX_RULES];	/* by slot: the argv bytes of its copy of an exec
					 * (what the rule shows, at most exec_args_max) */
};

#define RT_FILTER_INHERITED	(1u << 0)	/* a followed descendant, not listed */

/*
 * The filter maps hold two sets of entries, 0 and 1, as rt_ruleset holds two
 * rulesets: the live ruleset reads the set of the same number, and user space
 * builds the other one whole before it flips both at once. Each map's key says
 * which set an entry belongs to (the syscall array: its upper half is set 1).
 */
struct rt_comm_key {
	char comm[RT_COMM_LEN];
	__u32 set;
};

/* Key of the pid and uid maps: a tgid or a uid. */
struct rt_num_key {
	__u32 id;
	__u32 set;
};

/* Value of the comm, pid, uid and syscall filter maps. */
struct rt_filter_val {
	__u64 include;		/* rules that list this key */
	__u64 exclude;		/* rules that exclude it */
	__u64 follow;		/* pid map: rules whose pid lists take in its children */
	__u32 flags;		/* RT_FILTER_* */
	__u32 pad;
};

/*
 * The verdicts and count slots of the task that last ran a probe on this CPU: a
 * per-CPU array entry, so that while one task keeps a CPU (the common case) the
 * per-syscall path neither reads the comm nor hashes a key. Valid while pid_tgid
 * is the current task's and generation equals rt_generation, which user space
 * bumps on every rules change and the kernel on every comm change and task exit
 * (so a reused pid is never mistaken for the task that had it).
 */
struct rt_task_cache {
	__u64 accept[RT_PROBE_MAX];	/* rules whose pid, uid and comm filters pass */
	__u64 pid_tgid;
	__u64 count_rules;		/* the ruleset's masks the hit path needs, */
	__u64 sys_lookup_rules;		/* copied at refill so that a hit never */
	__u64 sys_include_rules;	/* reads the ruleset */
	__u64 group_sys_rules;
	__u32 generation;		/* 0: empty */
	__u32 uid;			/* a setuid empties the cache ... */
	__u32 uid_checked;		/* ... when some rule filters by uid */
	__u32 only_count;		/* 1 + the one fast count rule of sys_enter, or 0 */
	__u32 pending_slot;		/* count slot + 1 that pending belongs to; 0: none */
	__u32 set;			/* the filter set its verdicts came from */
	__u64 pending;			/* the fast rule's counts not yet in rt_slot_counts:
					 * added there at refill; user space adds the rest */
	__u32 slot[RT_MAX_RULES];	/* count slot + 1 per rule; 0: not resolved */
	char comm[RT_COMM_LEN];		/* the task's comm, read once at refill: every rule's
					 * count key, filter and event uses this one */
};

/* Key of the per-CPU count map; fields a rule does not group by are zero. */
struct rt_count_key {
	char comm[RT_COMM_LEN];
	__u32 rule;
	__u32 pid;
	__u32 nr;
	__u32 pad;
	__u64 cgroup;		/* cgroup v2 id (group_by: cgroup, unit or container) */
};

/*
 * The cgroup filter: by cgroup v2 id and filter set, the rules whose cgroup, unit
 * and container include lists name this cgroup, and those that exclude it. A task
 * is matched by its cgroup and every ancestor: a cgroup's entry covers its subtree.
 * Written by user space for the cgroups there are, and by the kernel for those
 * made later (cgroup_mkdir, from rt_cgroup_names); removed with the cgroup.
 */
struct rt_cgroup_key {
	__u64 id;
	__u32 pad;
	__u32 set;		/* last, as in every filter key */
};

struct rt_cgroup_val {
	__u64 include[RT_CG_KINDS];
	__u64 exclude;
};

/*
 * A cgroup v2 made during the run, as cgroup_mkdir saw it: user space learns its
 * path at once, so events and counters from it are named even if it is gone
 * before user space would have walked the tree.
 */
struct rt_cgroup_birth {
	__u64 id;
	__u64 parent;			/* its parent's id: named below ruletrace's mount */
	char path[RT_CGROUP_NAME_LEN];	/* from the hierarchy's root, NUL-ended */
};

/*
 * A name key of a cgroup: path's other form, its parent's id (8 bytes, the
 * machine's order) then its last part. The kernel's path of a new cgroup is from
 * the hierarchy's root, while a rule's is below ruletrace's cgroup2 mount, which
 * in a cgroup namespace is not that root; a parent's id is the same everywhere.
 */
#define RT_CG_CHILD	RT_CG_KINDS
#define RT_CG_CHILD_NAME_MAX	(RT_CGROUP_NAME_LEN - 9)	/* its last part's bytes */

/* The names a new cgroup is matched by: its path, its own name (a unit), or the
 * container id in its name cut to a prefix length (a container); by set. */
struct rt_cgroup_name_key {
	char name[RT_CGROUP_NAME_LEN];
	__u32 kind;		/* enum rt_cgroup_kind */
	__u32 set;
};

/* Per-rule per-CPU statistics kept by the kernel: where its events went. */
struct rt_rule_stats {
	__u64 matched;		/* stream events the rule accepted */
	__u64 lost;		/* of those, not sent: its event buffer was full */
	__u64 suppressed;	/* of those, over its rate_limit: dropped before any copy */
	__u64 count_full;	/* count rules: syscalls not counted, count map full */
	__u64 follow_full;	/* descendants its pids did not take in: pid map full */
};

/* Common head of every event; rules holds the bits of every rule that matched. */
struct rt_event_hdr {
	__u64 ts_ns;		/* CLOCK_MONOTONIC (bpf_ktime_get_ns) */
	__u64 cgroup;		/* the task's cgroup v2 id */
	__u64 rules;
	__u32 type;		/* enum rt_event_type */
	__u32 pid;		/* thread-group id */
	__u32 tid;
	__u32 uid;
	char comm[RT_COMM_LEN];
};

/*
 * An exec, successful (taken from the kernel's copy for the new program) or failed
 * (from the caller's memory, at the syscall's return). Sent with data[] cut to
 * filename_len + args_len bytes.
 */
struct rt_exec_event {
	struct rt_event_hdr hdr;	/* comm: the caller's, as the filters saw it */
	char pcomm[RT_COMM_LEN];	/* the parent's comm at the exec */
	__u32 ppid;
	__s32 result;		/* 0: the new program runs; else the failed execve's -errno */
	__u32 flags;		/* RT_EXEC_* */
	__u32 argc;		/* arguments the new program got (failed: found in argv[]) */
	__u32 filename_len;	/* data[] bytes of the filename, its NUL included */
	__u32 args_len;		/* data[] bytes after it: arguments, each NUL-ended */
	__u32 args_total;	/* bytes of the whole argv, NULs included; > args_len: cut */
	__u32 pad;
	char data[RT_FILENAME_LEN + RT_ARGS_MAX + RT_FAILED_ARG_LEN];
};

/* An execve between its entry and its result, by thread id. */
struct rt_exec_pending {
	__u64 rules;		/* execve rules whose filters took the caller */
	__u64 filename;		/* the caller's pointers, read again if it fails */
	__u64 argv;
	char comm[RT_COMM_LEN];	/* the caller's comm, as the filters saw it */
	__u32 uid;		/* the caller's uid, before a set-user-ID exec */
	__s32 dirfd;		/* execveat's directory: a relative name is named by
				 * it; RT_AT_FDCWD for execve */
};

struct rt_syscall_event {
	struct rt_event_hdr hdr;
	__u64 nr;		/* syscall number, this architecture's */
};

#endif /* RULETRACE_ABI_H */
