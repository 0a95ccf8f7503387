/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * plan.h - everything the kernel side needs for one rule file on this kernel,
 * decided in one place before anything changes: which kernel rule slot each rule
 * takes (and so whose counters carry over from the running plan), the encoded
 * settings and filter contents, the execve attach mode and why, the program
 * build, the event buffer, the count map's size and the most argv bytes an exec
 * event carries. Pure: no kernel, no I/O. A reload builds a new plan from the
 * running one and swaps it in whole.
 */
#ifndef PLAN_H
#define PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probe.h"
#include "rules.h"
#include "settings.h"

#define PLAN_RINGBUF_DEFAULT	(1u << 20)	/* bytes, shared by every CPU */
#define PLAN_PERFBUF_DEFAULT	(64u * 4096)	/* bytes per CPU */
/* The smallest --buffer-size that holds two of the largest exec events without
 * arguments (a power of two, as --buffer-size is). */
#define PLAN_EXEC_BUFFER_MIN	(16u * 1024)
#define PLAN_EXEC_BUFFER_MIN_NAME "16K"
#define PLAN_WHY_LEN		160

/* What the kernel offers and what the command line fixes for the whole run. */
struct plan_kernel {
	struct probe_features feat;
	bool probed;			/* feat comes from this kernel (else assumed) */
	bool perf_buffer;		/* --perf-buffer */
	uint32_t buffer_size;		/* --buffer-size; 0: the default */
};

/* How a rule compares with the running plan's rule of the same name. */
enum plan_change {
	PLAN_RULE_NEW = 0,	/* no rule of that name runs */
	PLAN_RULE_SAME,		/* runs as it is */
	PLAN_RULE_CHANGED,	/* runs with other filters, outputs, exec results or argv
				 * bytes: counts kept */
	PLAN_RULE_REPLACED,	/* runs with another probe, mode or grouping: counts anew */
};

struct plan_rule {
	unsigned slot;			/* its bit in the kernel's rule masks */
	unsigned prev_slot;		/* the running rule of its name's; RT_MAX_RULES: none */
	enum plan_change change;
};

struct plan {
	struct rules rules;		/* owned */
	struct plan_rule *rule;		/* one per rules.rules, same index */
	struct settings settings;	/* what the kernel reads, rules on their slots */
	enum probe_execve_mode execve;	/* NONE without an execve rule */
	char execve_why[PROBE_REASON_LEN + 96];
	bool loop;			/* the bpf_loop build of the looping programs */
	bool ringbuf;			/* events through ring buffers, one per stream rule,
					 * else through perf buffers shared by every rule */
	uint32_t buffer_size;		/* the bytes of each, unless a rule's buffer_size
					 * says (per CPU for perf buffers) */
	uint32_t max_counters;		/* the count map's entries */
	uint32_t args_cap;		/* the most argv bytes one exec event carries */
	char args_cap_why[PLAN_WHY_LEN];	/* what sets args_cap, for the user */
	/* Against the running plan: the slots its rules leave, and the change report. */
	unsigned gone[RT_MAX_RULES];
	size_t ngone;
	unsigned added, removed, changed, counts_kept;
};

/*
 * Plan rules (taken: freed by plan_free, even on failure) for kernel k, after
 * the running plan prev (NULL at start). New rules take no slot of busy (a bit
 * per slot whose removed rule's events are still buffered). 0, or -errno with
 * the reason in err: rules that cannot be encoded together, an attach mode this
 * kernel lacks (-ENOTSUP), or a change a running kernel side cannot take.
 */
int plan_build(struct plan *p, struct rules *rules, const struct plan *prev, uint64_t busy,
	       const struct plan_kernel *k, char *err, size_t errlen);

/* The bytes of the event buffer rule i of p sends to: its own ring buffer's. */
uint32_t plan_rule_buffer(const struct plan *p, size_t i);

/* The rule of p on kernel slot, or -1. */
int plan_rule_of_slot(const struct plan *p, unsigned slot);

/* Free what plan_build took and allocated; safe on a zeroed struct. */
void plan_free(struct plan *p);

#endif /* PLAN_H */
