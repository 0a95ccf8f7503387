/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ruletrace_abi.h - the data contract between bpf/ruletrace.bpf.c and user space.
 *
 * Limits, event layouts and map value layouts only. Includes nothing: the BPF side
 * gets __u8/__u32/__u64 from <linux/types.h>, user space from <linux/types.h> too.
 * Fields are ordered large to small so both compilers agree on the layout; user
 * space _Static_asserts the sizes (src/abi_check.c).
 */
#ifndef RULETRACE_ABI_H
#define RULETRACE_ABI_H

#define RT_MAX_RULES		64	/* one bit each in a __u64 rule mask */
#define RT_COMM_LEN		16	/* kernel TASK_COMM_LEN, NUL included */
#define RT_FILENAME_LEN		256
#define RT_ARGS_LEN		1024	/* argv bytes, NUL-separated */
#define RT_ARG_LEN		256	/* one argument, NUL included */
#define RT_MAX_ARGS		32	/* arguments read from argv[] */
#define RT_MAX_FILTER_KEYS	1024	/* entries per filter map (comm, pid) */
#define RT_COUNT_ENTRIES	16384	/* distinct (rule, comm) counters */

/* The probes a rule can select; indexes rt_ruleset.probe_rules. */
enum rt_probe {
	RT_PROBE_EXECVE = 0,
	RT_PROBE_SYS_ENTER = 1,
	RT_PROBE_MAX = 2,
};

/* rt_event_hdr.type */
enum rt_event_type {
	RT_EVENT_EXEC = 1,
	RT_EVENT_SYSCALL = 2,
};

/* rt_exec_event.flags */
#define RT_EXEC_ARGS_TRUNCATED	(1u << 0)	/* more than RT_MAX_ARGS or RT_ARGS_LEN */
#define RT_EXEC_FILENAME_FAULT	(1u << 1)	/* filename could not be read */

/* Indexes of the per-CPU rt_stats array: kernel-side losses, never silent. */
enum rt_stat {
	RT_STAT_COUNT_MAP_FULL = 0,	/* a new (rule, comm) counter did not fit */
	RT_STAT_MAX = 1,
};

/*
 * The rule table in the form the hot path wants it: which rules each probe feeds,
 * which of them count and which stream, which carry a comm or pid include list.
 * One entry of the rt_ruleset array map; rewritten by user space, read per event.
 */
struct rt_ruleset {
	__u64 probe_rules[RT_PROBE_MAX];
	__u64 count_rules;	/* mode: count */
	__u64 comm_include_rules;	/* rules with a non-empty comm list */
	__u64 pid_include_rules;	/* rules with a non-empty pid list */
	__u64 comm_lookup_rules;	/* rules whose comm must be looked up */
	__u64 pid_lookup_rules;	/* rules whose pid must be looked up */
};

/* Value of the comm and pid filter maps: the rules that list or exclude this key. */
struct rt_filter_val {
	__u64 include;
	__u64 exclude;
};

/* Key of the per-CPU count map. */
struct rt_count_key {
	char comm[RT_COMM_LEN];
	__u32 rule;
	__u32 pad;
};

/* Per-rule per-CPU statistics kept by the kernel. */
struct rt_rule_stats {
	__u64 matched;		/* stream events the rule accepted */
	__u64 lost;		/* of those, not delivered: event buffer full */
};

/* Common head of every event; rules holds the bits of every rule that matched. */
struct rt_event_hdr {
	__u64 ts_ns;		/* CLOCK_MONOTONIC (bpf_ktime_get_ns) */
	__u64 rules;
	__u32 type;		/* enum rt_event_type */
	__u32 pid;		/* thread-group id */
	__u32 tid;
	__u32 uid;
	char comm[RT_COMM_LEN];
};

struct rt_exec_event {
	struct rt_event_hdr hdr;
	__u32 ppid;
	__u32 argc;		/* arguments in args[] */
	__u32 args_len;		/* bytes used in args[] */
	__u32 flags;		/* RT_EXEC_* */
	char filename[RT_FILENAME_LEN];
	char args[RT_ARGS_LEN];
};

struct rt_syscall_event {
	struct rt_event_hdr hdr;
	__u64 nr;		/* syscall number, this architecture's */
};

#endif /* RULETRACE_ABI_H */
