/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * settings.h - the validated rules turned into what the kernel reads: the
 * rt_ruleset bitmasks and the contents of the comm, pid, uid and syscall filter
 * maps. Pure: no kernel, no I/O, so every encoding decision is unit-tested.
 */
#ifndef SETTINGS_H
#define SETTINGS_H

#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

#include "rules.h"
#include "ruletrace_abi.h"

struct settings_comm {
	char comm[RT_COMM_LEN];
	struct rt_filter_val val;
};

/* An entry of a map keyed by a number: pid, uid or syscall. */
struct settings_num {
	__u32 key;
	struct rt_filter_val val;
};

/* A cgroup path, unit or container id prefix the filters name, and what names it. */
struct settings_cgname {
	enum rt_cgroup_kind kind;
	char name[RT_CGROUP_NAME_LEN];	/* NUL-padded */
	struct rt_cgroup_val val;
};

struct settings {
	struct rt_ruleset ruleset;
	struct settings_cgname *cgnames;	/* one per distinct (kind, name) */
	size_t ncgnames;
	struct settings_comm *comms;	/* sorted by comm, one entry per distinct comm */
	size_t ncomms;
	struct settings_comm *programs;	/* the same, of execve rules' program names */
	size_t nprograms;
	struct settings_num *pids;	/* each sorted by key, one entry per distinct key */
	size_t npids;
	struct settings_num *uids;
	size_t nuids;
	struct settings_num *syscalls;
	size_t nsyscalls;
	enum rules_attach execve_attach;	/* what the execve rules agree on */
};

/*
 * Encode r, rule i on bit slots[i] (on bit i when slots is NULL), the argv bytes the
 * kernel reads (ruleset.exec_args_max) at most args_cap: the most one exec event
 * may carry in the run (plan.args_cap). Returns 0, or -EINVAL with
 * "FILE:LINE:COLUMN: message" in err when the rules cannot be encoded together
 * (more distinct filter keys than a map holds, execve rules asking for different
 * attach modes).
 */
int settings_build_capped(const struct rules *r, const unsigned *slots, uint32_t args_cap,
			  struct settings *s, char *err, size_t errlen);

/*
 * As settings_build_capped with no cap below what a rule may ask (RT_ARGS_MAX):
 * for what encodes rules with no plan, such as --check.
 */
int settings_build(const struct rules *r, const unsigned *slots, struct settings *s, char *err,
		   size_t errlen);

/* Free what settings_build allocated; safe on a zeroed struct. */
void settings_free(struct settings *s);

#endif /* SETTINGS_H */
