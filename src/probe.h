/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * probe.h - what this kernel offers, decided before anything is loaded: ring buffer
 * or perf buffer, kprobes or the syscall tracepoint for execve, and a tracefs to
 * find tracepoints in (mounted here when missing).
 */
#ifndef PROBE_H
#define PROBE_H

#include <stdbool.h>
#include <stddef.h>

#include "rules.h"

#define PROBE_REASON_LEN 192

struct probe_features {
	bool ringbuf;				/* BPF_MAP_TYPE_RINGBUF (5.8+) */
	bool kprobes;				/* kprobe PMU or kprobe_events */
	char kprobe_reason[PROBE_REASON_LEN];	/* why not, when !kprobes */
	bool execve_tp;				/* syscalls:sys_{enter,exit}_execve */
	char tp_reason[PROBE_REASON_LEN];	/* why not, when !execve_tp */
	bool bpf_loop;				/* the bpf_loop helper (5.17+) */
	bool no_bpf_loop;			/* RULETRACE_NO_BPF_LOOP: test the other build */
};

/* How the execve probe ends up attached. */
enum probe_execve_mode {
	PROBE_EXECVE_NONE = 0,	/* no execve rule */
	PROBE_EXECVE_KPROBE,
	PROBE_EXECVE_TRACEPOINT,
};

/*
 * Make sure tracefs is reachable, mounting it at /sys/kernel/tracing when it is
 * not. Returns 0, or -errno with the reason (and what to do) in err.
 */
int probe_tracefs(char *err, size_t errlen);

/* Fill f: ring buffer, kprobes, the execve tracepoint (mounting tracefs if need be). */
void probe_features(struct probe_features *f);

/* A feature a probe could not find out, and why (for --explain). */
struct probe_unknown {
	const char *what;		/* "ringbuf", "bpf_loop", "kprobes", "execve_tracepoint" */
	char why[PROBE_REASON_LEN];
};

#define PROBE_MAX_UNKNOWN 4

/* What probing left unknown; each such feature in f is an assumption. */
struct probe_report {
	struct probe_unknown item[PROBE_MAX_UNKNOWN];
	size_t n;
};

/* As probe_features, saying in r which probes failed (rather than answered no). */
void probe_features_report(struct probe_features *f, struct probe_report *r);

/*
 * Fill f with what an unprivileged process can see, without bpf(2) or mounting
 * anything: the kprobe PMU, a readable tracefs. The rest is assumed (the ring
 * buffer from 5.8, bpf_loop from 5.17, by the release uname gives) and said in r.
 */
void probe_features_unprivileged(struct probe_features *f, struct probe_report *r);

/*
 * Why execve gets mode when the rules want it (for the start banner and
 * --explain): "kprobe (ksyscall execve)", or the tracepoint and the reason.
 */
void probe_execve_why(const struct probe_features *f, enum rules_attach want,
		      enum probe_execve_mode mode, char *buf, size_t len);

/* How a rule of probe is attached when execve is (mode): kprobe, tracepoint, raw_tracepoint. */
const char *probe_attach_name(enum rt_probe probe, enum probe_execve_mode mode);

/* The tracepoint execve falls back to, as the user sees it named. */
#define PROBE_EXECVE_TP_NAME "tracepoint syscalls:sys_enter_execve"

/*
 * Choose the execve attach mode for what the rules ask. Returns 0 with *mode set,
 * or -ENOTSUP with the reason in err (an explicit mode this kernel lacks).
 */
int probe_choose_execve(const struct probe_features *f, enum rules_attach want,
			enum probe_execve_mode *mode, char *err, size_t errlen);

#endif /* PROBE_H */
