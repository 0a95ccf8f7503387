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

#include "probe.h"
#include "settings.h"
#include "summary.h"

struct ruletrace_bpf;

/* The keys written to one filter map by the last apply, to remove stale ones. */
struct loader_keys {
	void *keys;
	size_t n;
};

/* A program and where its link is kept: the variant of it this kernel runs. */
struct loader_prog {
	struct bpf_program *prog;
	struct bpf_link **link;
};

struct loader {
	struct ruletrace_bpf *skel;
	bool loop;			/* the bpf_loop variants (5.17+), else unrolled */
	struct loader_prog prog_execve_kprobe, prog_execve_tp, prog_sys_enter;
	const struct probe_features *feat;
	bool ringbuf;			/* events map is a ring buffer, else a perf array */
	enum probe_execve_mode execve;	/* how execve is attached now */
	char execve_how[PROBE_REASON_LEN + 96];	/* for the user: what and why */
	bool sys_enter;			/* the sys_enter raw tracepoint is attached */
	bool follow;			/* the fork and exit tracepoints are attached */
	struct loader_keys comms, pids, uids, syscalls;
	bool switched;			/* rules switched since the last quiesce */
	uint32_t *limbo;		/* count slots of removed rules, not yet free */
	size_t nlimbo;
};

/*
 * Open and load the object: every program this kernel can take, so a reload can
 * attach any of them. perf_buffer forces the pre-5.8 event path; buffer_size sets
 * the ring buffer's bytes (0: the object's default). 0 or -errno with the reason
 * in err.
 */
int loader_open(struct loader *l, const struct probe_features *f, bool perf_buffer,
		uint32_t buffer_size, char *err, size_t errlen);

/*
 * Make s the live rules: filter maps, then the ruleset (switched whole), then the
 * probes. execve is the mode probe_choose_execve gave; under attach auto a failed
 * kprobe attach falls back to the tracepoint. 0 or -errno with the reason in err.
 */
int loader_apply(struct loader *l, const struct settings *s, enum probe_execve_mode execve,
		 bool auto_attach, char *err, size_t errlen);

/* File descriptor of the events map (ring buffer or perf event array). */
int loader_events_fd(const struct loader *l);

/* Destroy every link: no new events after this returns. */
void loader_detach(struct loader *l);

/* Put the kernel's counts and loss counters into sum. 0 or -errno. */
int loader_read_counters(struct loader *l, struct summary *sum);

/*
 * Delete the counters of rule slot (a rule removed by a reload, after the
 * loader_apply that removed it) and free their count slots for other keys.
 */
void loader_forget_slot(struct loader *l, unsigned slot);

/* Detach if needed and free everything. */
void loader_stop(struct loader *l);

#endif /* LOADER_H */
