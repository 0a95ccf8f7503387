/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * explain.h - --explain: the plan for a rule file on this kernel, as text or
 * JSON: per rule its probe, attach mode and why, for execve rules the execs it
 * reports (and the programs they come from) and its argv bytes (and what cuts
 * them), program build, filter entries, slot and outputs; the event buffer, the
 * argv bytes an exec event may carry, the count map and an estimate of the BPF
 * memory the object takes. With privileges the object is loaded (so the
 * verifier has its say) but nothing is attached; without, nothing is loaded and
 * what could not be probed is said.
 */
#ifndef EXPLAIN_H
#define EXPLAIN_H

#include <stdbool.h>
#include <stdint.h>

#include "rules.h"

enum explain_format {
	EXPLAIN_TEXT = 0,
	EXPLAIN_JSON,
};

struct explain_options {
	enum explain_format format;
	bool check;		/* --check: no privileges used, nothing loaded */
	bool perf_buffer;	/* --perf-buffer */
	uint32_t buffer_size;	/* --buffer-size; 0: the default */
};

/*
 * Explain rules (taken: freed even on failure) on standard output. Returns 0;
 * -EINVAL when a run would refuse the rules (the reason on standard error); or
 * another -errno when probing or loading failed (what is known printed, with
 * the reason).
 */
int explain_run(struct rules *rules, const struct explain_options *o);

#endif /* EXPLAIN_H */
