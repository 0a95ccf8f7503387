/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * loader.h - the BPF object's life: open the embedded skeleton, set its globals,
 * load the programs this kernel can take; then apply a set of rules (fill the
 * filter maps, switch the live ruleset, attach what the rules use and detach what
 * they no longer use), as often as the rules are reloaded; read the kernel's
 * counters back; detach.
 */
#ifndef LOADER_H
#define LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plan.h"
#include "probe.h"
#include "ruletrace_abi.h"

struct ruletrace_bpf;
struct cgroups;

/* The execve probe's programs in an attach mode, attached and detached together. */
enum {
	LOADER_EXECVE_ENTRY, LOADER_EXECVE_RETURN, LOADER_EXECVEAT_ENTRY,
	LOADER_EXECVEAT_RETURN, LOADER_EXEC_PROGS
};

/* A program and where its link is kept: the variant of it this kernel runs. */
struct loader_prog {
	struct bpf_program *prog;
	struct bpf_link **link;
};

struct loader {
	struct ruletrace_bpf *skel;
	/*
	 * The entries and returns of execve and execveat, by attach mode (the
	 * LOADER_EXEC_* index); and where a successful exec is reported.
	 */
	struct loader_prog exec_kprobe[LOADER_EXEC_PROGS], exec_tp[LOADER_EXEC_PROGS];
	struct loader_prog prog_exec_done, prog_sys_enter, prog_rename;
	const struct probe_features *feat;
	enum probe_execve_mode execve;	/* how execve is attached now */
	char execve_how[PROBE_REASON_LEN + 96];	/* for the user: what and why */
	bool sys_enter;			/* the sys_enter raw tracepoint is attached */
	bool follow;			/* the fork and exit tracepoints are attached */
	__u32 *sys_keys[2];		/* syscall entries written to each filter set */
	__u32 set_before;		/* the filter set live before the last apply */
	bool applied;			/* some plan has been applied */
	size_t nsys_keys[2];
	uint32_t *limbo;		/* count slots of removed rules, not yet free */
	size_t nlimbo;
	/* Each stream rule's ring buffer (ring buffer runs), by slot: its bytes, 0
	 * for none (then ring_fd means nothing). */
	int ring_fd[RT_MAX_RULES];
	uint32_t ring_size[RT_MAX_RULES];
	int inner_fd;			/* perf buffer runs: 1 + the rings' stand-in map */
	struct cgroups *cgroups;	/* the cgroup v2 tree the cgroup filters are found
					 * in (set by the caller, not owned); NULL: none */
};

/* What the kernel counted for one rule slot (struct rt_rule_stats). */
struct loader_rule_stats {
	uint64_t matched;		/* stream events the rule accepted */
	uint64_t lost;			/* of those, dropped: event buffer full */
	uint64_t suppressed;		/* of those, over its rate_limit */
	uint64_t count_full;		/* syscalls not counted: count map full */
	uint64_t follow_full;		/* descendants not followed: pid map full */
};

/* One counter of a count rule; the fields its rule does not group by are zero. */
struct loader_count {
	unsigned slot;
	char comm[RT_COMM_LEN];
	uint32_t pid;
	uint32_t nr;
	uint64_t cgroup;		/* cgroup v2 id */
	uint64_t count;
};

/* Everything the kernel counted, as plain data. */
struct loader_counters {
	struct loader_rule_stats rule[RT_MAX_RULES];	/* by slot */
	struct loader_count *counts;
	size_t ncounts, cap;
	uint64_t count_map_full;	/* counts not kept: the count map was full */
	uint64_t follow_map_full;	/* descendants not followed: the pid map was full */
	uint64_t rate_contended;	/* rate checks that lost their race: suppressed */
	uint64_t cgroup_full;		/* new cgroups the filters name, not matched: the
					 * cgroup filter was full */
};

/*
 * Open and load the object for plan p (its event buffer, count map size and
 * program build): every program this kernel (f) can take, so a reload can attach
 * any of them. 0 or -errno with the reason in err.
 */
int loader_open(struct loader *l, const struct probe_features *f, const struct plan *p,
		char *err, size_t errlen);

/*
 * Make p the live rules (-ENOTUNIQ, said in err: a container id prefix of its
 * filters names two containers): each stream rule of it that has no ring buffer of its
 * size gets one, its filter contents are written beside the running
 * ones and switched to together with its ruleset, then its probes are attached
 * and the unused ones detached. Under attach auto a failed kprobe attach falls
 * back to the tracepoint. 0 or -errno with the reason in err.
 */
int loader_apply(struct loader *l, const struct plan *p, char *err, size_t errlen);

/*
 * After a loader_apply that failed (or whose plan is given up): make p, the
 * plan that ran before it, live again as it was, filter set and all. 0 or
 * -errno with the reason in err.
 */
int loader_revert(struct loader *l, const struct plan *p, char *err, size_t errlen);

/* File descriptor of the events map (ring buffer or perf event array). */
int loader_events_fd(const struct loader *l);

/* Destroy every link: no new events after this returns. */
void loader_detach(struct loader *l);

/* Read every counter into c (replacing what it held). 0 or -errno. */
int loader_read_counters(struct loader *l, struct loader_counters *c);

/* The ring buffer of the cgroups made during the run (ring buffer runs), or -1. */
int loader_births_fd(const struct loader *l);

/* The ring buffer map of rule slot (ring buffer runs), or -1. */
int loader_ring_fd(const struct loader *l, unsigned slot);

/*
 * The rule on slot is gone (after the loader_apply that removed it): its ring
 * buffer goes, and with it the memory it held.
 */
void loader_drop_ring(struct loader *l, unsigned slot);

/* Read the kernel's figures for one rule slot. 0 or -errno. */
int loader_read_rule(struct loader *l, unsigned slot, struct loader_rule_stats *st);

void loader_counters_free(struct loader_counters *c);

/*
 * Delete the counters of rule slot (a rule removed by a reload, after the
 * loader_apply that removed it) and free their count slots for other keys.
 */
void loader_forget_slot(struct loader *l, unsigned slot);

/* Detach if needed and free everything. */
void loader_stop(struct loader *l);

#endif /* LOADER_H */
