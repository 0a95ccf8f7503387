// SPDX-License-Identifier: GPL-2.0-only
/* loader.c - skeleton open -> globals -> autoload -> load -> maps -> attach. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "loader.h"
#include "ruletrace.skel.h"
#include "util.h"

#define EXECVE_TP_NAME "tracepoint syscalls:sys_enter_execve"

static int fill_maps(struct ruletrace_bpf *skel, const struct settings *s, char *err,
		     size_t errlen)
{
	int ruleset_fd = bpf_map__fd(skel->maps.rt_ruleset);
	int comm_fd = bpf_map__fd(skel->maps.rt_comm_filter);
	int pid_fd = bpf_map__fd(skel->maps.rt_pid_filter);
	__u32 zero = 0;
	size_t i;

	for (i = 0; i < s->ncomms; i++)
		if (bpf_map_update_elem(comm_fd, s->comms[i].comm, &s->comms[i].val, BPF_ANY))
			goto fail;
	for (i = 0; i < s->npids; i++)
		if (bpf_map_update_elem(pid_fd, &s->pids[i].pid, &s->pids[i].val, BPF_ANY))
			goto fail;
	/* The ruleset last: until it is written every probe returns at once. */
	if (bpf_map_update_elem(ruleset_fd, &zero, &s->ruleset, BPF_ANY))
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "fill filter maps: %s", strerror(errno));
	return -errno;
}

/* Choose the programs to load: only those the rules and this kernel need. */
static void set_autoload(struct ruletrace_bpf *skel, const struct settings *s,
			 enum probe_execve_mode execve, bool auto_attach)
{
	bool kprobe = execve == PROBE_EXECVE_KPROBE;
	/* Under attach auto the tracepoint is kept ready in case the kprobe will not attach. */
	bool tp = execve == PROBE_EXECVE_TRACEPOINT || (kprobe && auto_attach);

	bpf_program__set_autoload(skel->progs.rt_execve_kprobe, kprobe);
	bpf_program__set_autoload(skel->progs.rt_execve_tp, tp);
	bpf_program__set_autoload(skel->progs.rt_sys_enter,
				  s->ruleset.probe_rules[RT_PROBE_SYS_ENTER] != 0);
}

static int attach_execve(struct loader *l, const struct probe_features *f,
			 bool auto_attach, char *err, size_t errlen)
{
	struct ruletrace_bpf *skel = l->skel;
	int ret;

	if (l->execve == PROBE_EXECVE_KPROBE) {
		skel->links.rt_execve_kprobe =
			bpf_program__attach(skel->progs.rt_execve_kprobe);
		if (skel->links.rt_execve_kprobe) {
			snprintf(l->execve_how, sizeof(l->execve_how), "kprobe (ksyscall execve)");
			return 0;
		}
		ret = -errno;
		if (!auto_attach || !f->execve_tp) {
			snprintf(err, errlen, "attach execve kprobe: %s", strerror(-ret));
			return ret;
		}
		snprintf(l->execve_how, sizeof(l->execve_how),
			 "%s (kprobe attach failed: %s)", EXECVE_TP_NAME, strerror(-ret));
		l->execve = PROBE_EXECVE_TRACEPOINT;
	} else if (f->kprobes) {
		snprintf(l->execve_how, sizeof(l->execve_how), "%s (asked for)",
			 EXECVE_TP_NAME);
	} else {
		snprintf(l->execve_how, sizeof(l->execve_how),
			 "%s (kprobe unavailable: %s)", EXECVE_TP_NAME, f->kprobe_reason);
	}
	skel->links.rt_execve_tp = bpf_program__attach(skel->progs.rt_execve_tp);
	if (!skel->links.rt_execve_tp) {
		ret = -errno;
		snprintf(err, errlen, "attach execve tracepoint: %s", strerror(-ret));
		return ret;
	}
	return 0;
}

int loader_start(struct loader *l, const struct settings *s, const struct probe_features *f,
		 enum probe_execve_mode execve, bool auto_attach, char *err, size_t errlen)
{
	struct ruletrace_bpf *skel;
	int ret;

	memset(l, 0, sizeof(*l));
	l->execve = execve;
	l->ringbuf = f->ringbuf;

	/* 1. Open the embedded object. */
	skel = ruletrace_bpf__open();
	if (!skel) {
		ret = -errno;
		snprintf(err, errlen, "open BPF object: %s", strerror(-ret));
		return ret;
	}
	l->skel = skel;

	/* 2. Per-run constants: frozen at load, so the verifier prunes what is unused. */
	skel->rodata->rt_use_ringbuf = f->ringbuf;
	skel->rodata->rt_self_tgid = (__u32)getpid();
	if (!f->ringbuf) {
		/* Before 5.8: the seed's perf event array, one buffer per CPU. */
		bpf_map__set_type(skel->maps.rt_events, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
		bpf_map__set_key_size(skel->maps.rt_events, sizeof(int));
		bpf_map__set_value_size(skel->maps.rt_events, sizeof(int));
		bpf_map__set_max_entries(skel->maps.rt_events, 0);
	}

	/* 3. Only the programs this run attaches are loaded. */
	set_autoload(skel, s, execve, auto_attach);

	/* 4. Load and verify. */
	if ((ret = ruletrace_bpf__load(skel)) != 0) {
		snprintf(err, errlen, "load BPF object: %s%s", strerror(-ret),
			 log_verbose() ? "" : " (run with -v for the verifier log)");
		goto fail;
	}

	/* 5. Rules and filters into the maps before any probe fires. */
	if ((ret = fill_maps(skel, s, err, errlen)) != 0)
		goto fail;

	/* 6. Attach. */
	if (execve != PROBE_EXECVE_NONE &&
	    (ret = attach_execve(l, f, auto_attach, err, errlen)) != 0)
		goto fail;
	if (s->ruleset.probe_rules[RT_PROBE_SYS_ENTER]) {
		skel->links.rt_sys_enter = bpf_program__attach(skel->progs.rt_sys_enter);
		if (!skel->links.rt_sys_enter) {
			ret = -errno;
			snprintf(err, errlen, "attach sys_enter raw tracepoint: %s",
				 strerror(-ret));
			goto fail;
		}
		l->sys_enter = true;
	}
	return 0;
fail:
	loader_stop(l);
	return ret;
}

int loader_events_fd(const struct loader *l)
{
	return bpf_map__fd(l->skel->maps.rt_events);
}

void loader_detach(struct loader *l)
{
	if (l->skel)
		ruletrace_bpf__detach(l->skel);
}

/* Sum a per-CPU value of n __u64 fields over every possible CPU. */
static void sum_percpu(const __u64 *values, int ncpus, size_t nfields, __u64 *out)
{
	size_t f;
	int c;

	for (f = 0; f < nfields; f++)
		out[f] = 0;
	for (c = 0; c < ncpus; c++)
		for (f = 0; f < nfields; f++)
			out[f] += values[(size_t)c * nfields + f];
}

static int read_counts(struct loader *l, struct summary *sum, int ncpus, __u64 *values)
{
	int fd = bpf_map__fd(l->skel->maps.rt_counts);
	struct rt_count_key key, next;
	void *prev = NULL;
	__u64 total;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, values))
			continue;	/* deleted meanwhile: nothing deletes, but be safe */
		sum_percpu(values, ncpus, 1, &total);
		if (key.rule < sum->nrules && total)
			summary_add_count(&sum->rules[key.rule], key.comm, total);
	}
	return errno == ENOENT ? 0 : -errno;
}

int loader_read_counters(struct loader *l, struct summary *sum)
{
	int ncpus = libbpf_num_possible_cpus();
	__u64 *values, stats[2];
	__u32 i;
	int ret;

	if (ncpus <= 0)
		return ncpus ? ncpus : -EINVAL;
	values = xcalloc((size_t)ncpus * 2, sizeof(__u64));

	for (i = 0; i < sum->nrules && i < RT_MAX_RULES; i++) {
		if (bpf_map_lookup_elem(bpf_map__fd(l->skel->maps.rt_rule_stats), &i, values))
			continue;
		sum_percpu(values, ncpus, 2, stats);
		sum->rules[i].matched = stats[0];
		sum->rules[i].lost = stats[1];
	}
	i = RT_STAT_COUNT_MAP_FULL;
	if (!bpf_map_lookup_elem(bpf_map__fd(l->skel->maps.rt_stats), &i, values)) {
		sum_percpu(values, ncpus, 1, stats);
		sum->count_map_full = stats[0];
	}
	ret = read_counts(l, sum, ncpus, values);
	free(values);
	return ret;
}

void loader_stop(struct loader *l)
{
	if (l->skel)
		ruletrace_bpf__destroy(l->skel);
	l->skel = NULL;
}
