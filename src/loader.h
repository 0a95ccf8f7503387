/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * loader.h - the BPF object's life: open the embedded skeleton, set its globals,
 * pick the programs to load, load, fill the rule and filter maps, attach; later
 * read the kernel's counters back and detach.
 */
#ifndef LOADER_H
#define LOADER_H

#include <stdbool.h>
#include <stddef.h>

#include "probe.h"
#include "settings.h"
#include "summary.h"

struct ruletrace_bpf;

struct loader {
	struct ruletrace_bpf *skel;
	bool ringbuf;			/* events map is a ring buffer, else a perf array */
	enum probe_execve_mode execve;	/* how execve ended up attached */
	char execve_how[PROBE_REASON_LEN + 96];	/* for the user: what and why */
	bool sys_enter;			/* the sys_enter raw tracepoint is attached */
};

/*
 * Load the object configured by s and attach the probes its rules use. execve is
 * the mode probe_choose_execve gave; under attach auto a failed kprobe attach falls
 * back to the tracepoint. Returns 0 or -errno with the reason in err.
 */
int loader_start(struct loader *l, const struct settings *s, const struct probe_features *f,
		 enum probe_execve_mode execve, bool auto_attach, char *err, size_t errlen);

/* File descriptor of the events map (ring buffer or perf event array). */
int loader_events_fd(const struct loader *l);

/* Destroy every link: no new events after this returns. */
void loader_detach(struct loader *l);

/* Add the kernel's per-rule counts and loss counters to sum. 0 or -errno. */
int loader_read_counters(struct loader *l, struct summary *sum);

/* Detach if needed and free everything. */
void loader_stop(struct loader *l);

#endif /* LOADER_H */
