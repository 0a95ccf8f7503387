// SPDX-License-Identifier: GPL-2.0-only
/*
 * explain.c - --explain: probe this kernel, plan the rules as a run would, load
 * the object without attaching anything (when privileged), and say what a run
 * would do and what it would cost, as text or as one JSON object.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "escape.h"
#include "expect.h"
#include "explain.h"
#include "kbtf.h"
#include "loader.h"
#include "plan.h"
#include "privilege.h"
#include "probe.h"
#include "ruletrace.skel.h"
#include "syscalls.h"
#include "util.h"

#define ERRLEN 4096
#define EXPLAIN_MAX_MAPS 32

#define MEMORY_NOTE "an estimate of the data: entries x (key + value), the value once per " \
	"possible CPU in per-CPU maps, the event buffer's bytes for the events map; " \
	"without hash-table and allocator overhead"
#define MEMORY_NOTE_SHORT "the maps' data, per-CPU values once per possible CPU, " \
	"without hash-table overhead"

/* One map of the object, as the loader has the kernel create it for a plan. */
struct explain_map {
	const char *name;		/* as in bpf/ruletrace.bpf.c; internal maps by section */
	enum bpf_map_type type;
	uint32_t key_size;
	uint32_t value_size;
	uint32_t entries;
	uint64_t bytes;			/* an estimate of its data */
};

/* Everything found out, then printed in one go. */
struct explain {
	const struct explain_options *o;
	struct utsname uts;
	int ncpus;			/* possible CPUs */
	bool btf;			/* KBTF_VMLINUX exists */
	bool load;			/* privileged: probe fully, load the object */
	struct plan_kernel kernel;
	struct probe_report unknown;	/* what probing could not find out */
	struct plan plan;
	bool planned;
	int verified;			/* 1 yes, 0 no, -1 not tried */
	char verify_why[ERRLEN];
	char error[ERRLEN];		/* why the exit status is not 0; "" when it is */
	struct explain_map map[EXPLAIN_MAX_MAPS];
	size_t nmaps;
	uint64_t memory;		/* the sum of map[].bytes */
};

static bool map_per_cpu(enum bpf_map_type t)
{
	return t == BPF_MAP_TYPE_PERCPU_ARRAY || t == BPF_MAP_TYPE_PERCPU_HASH ||
	       t == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

static struct explain_map *map_add(struct explain *e, const char *name, enum bpf_map_type type,
				   size_t key_size, size_t value_size, uint32_t entries)
{
	struct explain_map *m = &e->map[e->nmaps++];
	uint64_t copies = map_per_cpu(type) ? (uint64_t)e->ncpus : 1;

	m->name = name;
	m->type = type;
	m->key_size = (uint32_t)key_size;
	m->value_size = (uint32_t)value_size;
	m->entries = entries;
	m->bytes = (uint64_t)entries * (key_size + value_size * copies);
	return m;
}

/* The bytes of the stream rules' ring buffers, together. */
static uint64_t explain_ring_bytes(const struct plan *p)
{
	uint64_t bytes = 0;
	size_t i;

	for (i = 0; i < p->rules.nrules; i++)
		if (p->rules.rules[i].mode == RULES_MODE_STREAM)
			bytes += plan_rule_buffer(p, i);
	return bytes;
}

/*
 * The one table of the object's maps and their sizes: every map of
 * bpf/ruletrace.bpf.c, in its order, sized as loader_open sizes it for the plan
 * (check_maps compares it with what the kernel created).
 */
static void explain_maps(struct explain *e)
{
	const struct plan *p = &e->plan;
	struct explain_map *ev;
	size_t i;

	e->nmaps = 0;
	map_add(e, "rt_ruleset", BPF_MAP_TYPE_ARRAY, sizeof(__u32), sizeof(struct rt_ruleset), 2);
	/* The filter maps hold two sets of entries: the live rules' and the next ones'. */
	map_add(e, "rt_comm_filter", BPF_MAP_TYPE_HASH, sizeof(struct rt_comm_key),
		sizeof(struct rt_filter_val), 2 * RT_MAX_FILTER_KEYS);
	map_add(e, "rt_program_filter", BPF_MAP_TYPE_HASH, sizeof(struct rt_comm_key),
		sizeof(struct rt_filter_val), 2 * RT_MAX_FILTER_KEYS);
	map_add(e, "rt_pid_filter", BPF_MAP_TYPE_HASH, sizeof(struct rt_num_key),
		sizeof(struct rt_filter_val), 2 * RT_PID_ENTRIES);
	map_add(e, "rt_uid_filter", BPF_MAP_TYPE_HASH, sizeof(struct rt_num_key),
		sizeof(struct rt_filter_val), 2 * RT_MAX_FILTER_KEYS);
	map_add(e, "rt_sys_filter", BPF_MAP_TYPE_ARRAY, sizeof(__u32),
		sizeof(struct rt_filter_val), 2 * RT_MAX_SYSCALLS);
	map_add(e, "rt_cgroup_filter", BPF_MAP_TYPE_HASH, sizeof(struct rt_cgroup_key),
		sizeof(struct rt_cgroup_val), RT_CGROUP_ENTRIES);
	map_add(e, "rt_cgroup_names", BPF_MAP_TYPE_HASH, sizeof(struct rt_cgroup_name_key),
		sizeof(struct rt_cgroup_val), 2 * RT_CGROUP_NAMES);
	/* The cgroups made, for user space to name: a ring buffer (with perf buffers, a
	 * stand-in array: the walks name them). */
	if (p->ringbuf) {
		struct explain_map *b = map_add(e, "rt_cgroup_births", BPF_MAP_TYPE_RINGBUF, 0, 0,
						64 * 1024);

		b->bytes = 64 * 1024;
	} else {
		map_add(e, "rt_cgroup_births", BPF_MAP_TYPE_ARRAY, sizeof(__u32), sizeof(__u32), 1);
	}
	/* A new cgroup's names are matched in it: one per CPU, too large for the stack. */
	map_add(e, "rt_cgroup_scratch", BPF_MAP_TYPE_PERCPU_ARRAY, sizeof(__u32),
		sizeof(struct rt_cgroup_name_key) + RT_CGROUP_NAME_LEN +
		sizeof(struct rt_cgroup_val), 1);
	map_add(e, "rt_counts", BPF_MAP_TYPE_PERCPU_HASH, sizeof(struct rt_count_key),
		sizeof(__u64), p->max_counters);
	map_add(e, "rt_rule_stats", BPF_MAP_TYPE_PERCPU_ARRAY, sizeof(__u32),
		sizeof(struct rt_rule_stats), RT_MAX_RULES);
	map_add(e, "rt_stats", BPF_MAP_TYPE_PERCPU_ARRAY, sizeof(__u32), sizeof(__u64),
		RT_STAT_MAX);
	/*
	 * The event buffers: with ring buffers each stream rule's own, held by
	 * rt_rings (their bytes counted there); else perf buffers, one per CPU.
	 */
	if (p->ringbuf) {
		map_add(e, "rt_events", BPF_MAP_TYPE_PERF_EVENT_ARRAY, sizeof(int), sizeof(int), 1);
		ev = map_add(e, "rt_rings", BPF_MAP_TYPE_ARRAY_OF_MAPS, sizeof(__u32),
			     sizeof(__u32), RT_MAX_RULES);
		ev->bytes = explain_ring_bytes(p);
	} else {
		ev = map_add(e, "rt_events", BPF_MAP_TYPE_PERF_EVENT_ARRAY, sizeof(int),
			     sizeof(int), (uint32_t)e->ncpus);
		ev->bytes = (uint64_t)p->buffer_size * (uint64_t)e->ncpus;
		map_add(e, "rt_rings", BPF_MAP_TYPE_ARRAY_OF_MAPS, sizeof(__u32), sizeof(__u32),
			RT_MAX_RULES);
	}
	map_add(e, "rt_rate_tat", BPF_MAP_TYPE_ARRAY, sizeof(__u32), sizeof(__u64), RT_MAX_RULES);
	map_add(e, "rt_slot_counts", BPF_MAP_TYPE_PERCPU_ARRAY, sizeof(__u32), sizeof(__u64),
		p->max_counters);
	map_add(e, "rt_slot_of", BPF_MAP_TYPE_HASH, sizeof(struct rt_count_key), sizeof(__u32),
		p->max_counters);
	map_add(e, "rt_free_slots", BPF_MAP_TYPE_QUEUE, 0, sizeof(__u32), p->max_counters);
	map_add(e, "rt_renamed", BPF_MAP_TYPE_HASH, sizeof(__u32), sizeof(struct rt_renamed_val),
		RT_RENAMED_ENTRIES);
	map_add(e, "rt_cpu_cache", BPF_MAP_TYPE_PERCPU_ARRAY, sizeof(__u32),
		sizeof(struct rt_task_cache), 1);
	/* An entry per CPU, but no per-CPU array: its value is larger than those may be. */
	map_add(e, "rt_exec_heap", BPF_MAP_TYPE_ARRAY, sizeof(__u32),
		sizeof(struct rt_exec_event), (uint32_t)e->ncpus);
	map_add(e, "rt_exec_pending", BPF_MAP_TYPE_HASH, sizeof(__u32),
		sizeof(struct rt_exec_pending), RT_EXECS_IN_FLIGHT);
	/* The global variables, one array entry per section. */
	map_add(e, ".rodata", BPF_MAP_TYPE_ARRAY, sizeof(__u32),
		sizeof(struct ruletrace_bpf__rodata), 1);
	map_add(e, ".data", BPF_MAP_TYPE_ARRAY, sizeof(__u32), sizeof(struct ruletrace_bpf__data), 1);
	map_add(e, ".bss", BPF_MAP_TYPE_ARRAY, sizeof(__u32), sizeof(struct ruletrace_bpf__bss), 1);
	map_add(e, ".kconfig", BPF_MAP_TYPE_ARRAY, sizeof(__u32),
		sizeof(struct ruletrace_bpf__kconfig), 1);
	e->memory = 0;
	for (i = 0; i < e->nmaps; i++)
		e->memory += e->map[i].bytes;
}

/* The table against the maps the kernel created: a difference is a bug in the table. */
static void check_maps(const struct explain *e, struct bpf_object *obj)
{
	bool seen[EXPLAIN_MAX_MAPS] = { false };
	struct bpf_map *map;
	size_t i;

	bpf_object__for_each_map(map, obj) {
		const char *name = bpf_map__name(map), *dot = strchr(name, '.');
		struct bpf_map_info info;
		__u32 len = sizeof(info);
		const struct explain_map *m;

		for (i = 0; i < e->nmaps; i++)
			if (!strcmp(e->map[i].name, dot ? dot : name))
				break;
		if (i == e->nmaps) {
			log_warn("explain: map %s is missing from the map table", name);
			continue;
		}
		m = &e->map[i];
		seen[i] = true;
		memset(&info, 0, sizeof(info));
		if (bpf_obj_get_info_by_fd(bpf_map__fd(map), &info, &len)) {
			log_warn("explain: map %s: %s", name, strerror(errno));
			continue;
		}
		if (info.type != m->type || info.key_size != m->key_size ||
		    info.value_size != m->value_size || info.max_entries != m->entries)
			log_warn("explain: map %s is %s key %u value %u entries %u, the map table "
				 "says %s key %u value %u entries %u", name,
				 libbpf_bpf_map_type_str(info.type), info.key_size, info.value_size,
				 info.max_entries, libbpf_bpf_map_type_str(m->type), m->key_size,
				 m->value_size, m->entries);
	}
	for (i = 0; i < e->nmaps; i++)
		if (!seen[i])
			log_warn("explain: map %s of the map table is not in the object",
				 e->map[i].name);
}

/* Probe (fully, or as far as no privileges allow) and plan. 0, or -errno with e->error. */
static int explain_plan(struct explain *e, struct rules *rules)
{
	struct stat st;
	char *err = xcalloc(1, ERRLEN);
	int ret;

	if (uname(&e->uts))
		snprintf(e->uts.release, sizeof(e->uts.release), "unknown");
	e->ncpus = libbpf_num_possible_cpus();
	if (e->ncpus <= 0)
		e->ncpus = 1;
	e->btf = stat(KBTF_VMLINUX, &st) == 0;
	e->load = !e->o->check && privilege_can_load();
	if (e->load)
		probe_features_report(&e->kernel.feat, &e->unknown);
	else
		probe_features_unprivileged(&e->kernel.feat, &e->unknown);
	e->kernel.probed = e->load;
	e->kernel.perf_buffer = e->o->perf_buffer;
	e->kernel.buffer_size = e->o->buffer_size;
	ret = plan_build(&e->plan, rules, NULL, 0, &e->kernel, err, ERRLEN);
	if (ret) {
		char *line, *save = NULL;

		snprintf(e->error, sizeof(e->error), "%s", err);
		for (line = strtok_r(err, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			log_error("%s", line);
		/* As a run: only no way to attach under attach auto is the kernel's doing. */
		if (ret != -ENOTSUP || e->plan.settings.execve_attach != RULES_ATTACH_AUTO)
			ret = -EINVAL;
	} else {
		e->planned = true;
		explain_maps(e);
	}
	free(err);
	return ret;
}

/* Load the object for the plan, attach nothing, unload. 0, or -errno with the reason. */
static int explain_verify(struct explain *e)
{
	struct loader l;
	int ret;

	if (!e->load) {
		e->verified = -1;
		snprintf(e->verify_why, sizeof(e->verify_why), "%s", e->o->check ?
			 "not tried: --check loads nothing" :
			 "not tried: neither root nor CAP_BPF, so nothing was loaded and the "
			 "kernel was probed without privileges");
		return 0;
	}
	ret = loader_open(&l, &e->kernel.feat, &e->plan, e->verify_why, sizeof(e->verify_why));
	if (ret) {
		e->verified = 0;
		if (ret == -EPERM)
			strncat(e->verify_why, " (needs root, or CAP_BPF and CAP_PERFMON)",
				sizeof(e->verify_why) - strlen(e->verify_why) - 1);
		return ret;
	}
	e->verified = 1;
	snprintf(e->verify_why, sizeof(e->verify_why),
		 "the BPF object loaded on this kernel; nothing was attached");
	check_maps(e, l.skel->obj);
	/* Tests look at the loaded, unattached object while this process is stopped. */
	if (test_fault("explain-hold"))
		raise(SIGSTOP);
	loader_stop(&l);
	return 0;
}

/* --- what is printed: shared helpers ------------------------------------ */

/* The filter kinds; the last three are settings.cgnames of that rt_cgroup_kind. */
enum { F_COMM, F_PID, F_UID, F_SYSCALL, F_PROGRAM, F_CGROUP, F_UNIT, F_CONTAINER, F_KINDS };
static const char *const kind_name[F_KINDS] = {
	"comm", "pid", "uid", "syscall", "program", "cgroup", "unit", "container",
};
_Static_assert(F_UNIT - F_CGROUP == RT_CG_UNIT && F_CONTAINER - F_CGROUP == RT_CG_CONTAINER,
	       "F_CGROUP + rt_cgroup_kind");
enum { W_INCLUDE, W_EXCLUDE, W_FOLLOW, W_WHICH };
static const char *const which_name[W_WHICH] = { "include", "exclude", "follow" };

static size_t kind_len(const struct settings *s, int k)
{
	return k == F_COMM ? s->ncomms : k == F_PID ? s->npids : k == F_UID ? s->nuids :
	       k == F_SYSCALL ? s->nsyscalls : k == F_PROGRAM ? s->nprograms : s->ncgnames;
}

/* Whether entry i of filter kind k carries the rule whose bit is bit, as which. */
static bool kind_has(const struct settings *s, int k, size_t i, int which, __u64 bit)
{
	if (k >= F_CGROUP) {
		const struct settings_cgname *e = &s->cgnames[i];

		if ((int)e->kind != k - F_CGROUP || which == W_FOLLOW)
			return false;
		return ((which == W_INCLUDE ? e->val.include[e->kind] : e->val.exclude) & bit) != 0;
	}
	const struct rt_filter_val *v = k == F_COMM ? &s->comms[i].val :
					k == F_PROGRAM ? &s->programs[i].val :
					k == F_PID ? &s->pids[i].val :
					k == F_UID ? &s->uids[i].val : &s->syscalls[i].val;

	return ((which == W_INCLUDE ? v->include : which == W_EXCLUDE ? v->exclude :
		 v->follow) & bit) != 0;
}

static void json_str(struct strbuf *sb, const char *s, size_t n)
{
	if (!s) {
		strbuf_adds(sb, "null");
		return;
	}
	escape_json_string(sb, s, n);
}

static void json_cstr(struct strbuf *sb, const char *s)
{
	json_str(sb, s, s ? strlen(s) : 0);
}

/* Entry i of filter kind k, as text or as a JSON value (comms are untrusted bytes). */
static void kind_key(struct strbuf *sb, const struct settings *s, int k, size_t i, bool json)
{
	const char *name;
	__u32 nr;

	if (k >= F_CGROUP) {	/* paths and names: untrusted bytes, escaped */
		const char *name = s->cgnames[i].name;

		if (json)
			json_str(sb, name, strlen(name));
		else
			escape_text(sb, name, strlen(name));
		return;
	}
	switch (k) {
	case F_COMM:
	case F_PROGRAM:
		name = k == F_COMM ? s->comms[i].comm : s->programs[i].comm;
		if (json)
			json_str(sb, name, escape_comm_len(name, RT_COMM_LEN));
		else
			escape_text(sb, name, escape_comm_len(name, RT_COMM_LEN));
		break;
	case F_SYSCALL:
		nr = s->syscalls[i].key;
		name = syscalls_name(nr);
		if (json) {
			strbuf_addf(sb, "{\"nr\": %u, \"name\": ", nr);
			json_cstr(sb, name);
			strbuf_addc(sb, '}');
		} else if (name) {
			strbuf_addf(sb, "%s (%u)", name, nr);
		} else {
			strbuf_addf(sb, "%u", nr);
		}
		break;
	default:
		strbuf_addf(sb, "%u", k == F_PID ? s->pids[i].key : s->uids[i].key);
	}
}

/* How rule r attaches: "kprobe", "tracepoint" or "raw_tracepoint", and why in *why. */
static const char *rule_attach(const struct plan *p, const struct rules_rule *r,
			       const char **why)
{
	if (r->probe == RT_PROBE_SYS_ENTER) {
		*why = "raw_tracepoint sys_enter";
		return "raw_tracepoint";
	}
	*why = p->execve_why;
	return probe_attach_name(r->probe, p->execve);
}


/* A program an exec's result comes from: attached with every execve rule. */
struct result_prog {
	enum rules_result result;	/* the execs it reports: success or failure */
	const char *attach;		/* its attach type, as rule_attach names them */
	const char *name;		/* and where, as the user sees it named */
};

/*
 * The two, for execve attached as mode: sched_process_exec, once the new program
 * is loaded, for a success; the syscall's return (a kretprobe beside the kprobe,
 * the sys_exit tracepoint beside the sys_enter one) for a failure.
 */
static void result_progs(enum probe_execve_mode mode, struct result_prog out[2])
{
	out[0] = (struct result_prog){ RULES_RESULT_SUCCESS, "raw_tracepoint",
				       "raw_tracepoint sched_process_exec" };
	out[1] = mode == PROBE_EXECVE_KPROBE ?
		(struct result_prog){ RULES_RESULT_FAILURE, "kretprobe",
				      "kretprobe kretsyscall execve" } :
		(struct result_prog){ RULES_RESULT_FAILURE, "tracepoint",
				      "tracepoint syscalls:sys_exit_execve" };
}

static bool result_reports(const struct rules_rule *r, const struct result_prog *prog)
{
	return r->result == RULES_RESULT_ANY || r->result == prog->result;
}

/* The argv bytes rule r keeps of an exec: what it asks, within the run's cap. */
static uint32_t argv_bytes(const struct plan *p, const struct rules_rule *r)
{
	return r->max_argv_bytes < p->args_cap ? r->max_argv_bytes : p->args_cap;
}

static const struct probe_unknown *unknown(const struct explain *e, const char *what)
{
	size_t i;

	for (i = 0; i < e->unknown.n; i++)
		if (!strcmp(e->unknown.item[i].what, what))
			return &e->unknown.item[i];
	return NULL;
}

/* --- text ---------------------------------------------------------------- */

#define TOP "%-21s"	/* top-level labels and nested ones: their values line up */
#define LABEL "%-19s"

static void text_feature(struct strbuf *sb, const struct explain *e, const char *label,
			 const char *what, bool yes, const char *no_why)
{
	const struct probe_unknown *u = unknown(e, what);

	strbuf_addf(sb, "  " LABEL "%s", label, yes ? "yes" : "no");
	if (u)
		strbuf_addf(sb, " (not probed: %s)", u->why);
	else if (!yes && no_why && *no_why)
		strbuf_addf(sb, " (%s)", no_why);
	strbuf_addc(sb, '\n');
}

static void text_kernel(struct strbuf *sb, const struct explain *e)
{
	const struct probe_features *f = &e->kernel.feat;

	strbuf_addf(sb, TOP, "rules file:");
	escape_text(sb, e->plan.rules.path, strlen(e->plan.rules.path));
	strbuf_addf(sb, "\n" TOP "%s, " SYSCALLS_ARCH ", %d possible CPUs\n", "kernel:",
		    e->uts.release, e->ncpus);
	strbuf_addf(sb, "  " LABEL "%s\n", "probed:", e->load ? "yes" : e->o->check ?
		    "without privileges (--check)" : "without privileges (neither root nor CAP_BPF)");
	strbuf_addf(sb, "  " LABEL "%s\n", "BTF:", e->btf ? "yes" :
		    "no (" KBTF_VMLINUX " is missing: ruletrace cannot run here)");
	text_feature(sb, e, "ring buffer:", "ringbuf", f->ringbuf, "before 5.8: perf buffers");
	text_feature(sb, e, "kprobes:", "kprobes", f->kprobes, f->kprobe_reason);
	text_feature(sb, e, "execve tracepoint:", "execve_tracepoint", f->execve_tp, f->tp_reason);
	text_feature(sb, e, "bpf_loop:", "bpf_loop", f->bpf_loop, "before 5.17");
	if (f->no_bpf_loop)
		strbuf_addf(sb, "  " LABEL "RULETRACE_NO_BPF_LOOP is set: the unrolled build\n", "");
	strbuf_addf(sb, TOP "%s (%s)\n", "verified:", e->verified > 0 ? "yes" :
		    e->verified == 0 ? "no" : "-", e->verify_why);
}

static void text_filters(struct strbuf *sb, const struct settings *s, __u64 bit)
{
	bool any = false;
	size_t i, n;
	int k, w;

	for (k = 0; k < F_KINDS; k++) {
		for (w = 0; w < W_WHICH; w++) {
			if (w == W_FOLLOW && k != F_PID)
				continue;
			for (i = 0, n = 0; i < kind_len(s, k); i++) {
				if (!kind_has(s, k, i, w, bit))
					continue;
				if (!n++)
					strbuf_addf(sb, "  " LABEL "%s %s: ", any ? "" : "filters:",
						    kind_name[k], which_name[w]);
				else
					strbuf_adds(sb, ", ");
				kind_key(sb, s, k, i, false);
			}
			if (n) {
				if (w == W_FOLLOW)
					strbuf_adds(sb, " (and their descendants)");
				strbuf_addc(sb, '\n');
				any = true;
			}
		}
	}
	if (!any)
		strbuf_addf(sb, "  " LABEL "none (every process)\n", "filters:");
}

/* What an execve rule reports of each exec: which results, from where, how much argv. */
static void text_exec(struct strbuf *sb, const struct plan *p, const struct rules_rule *r)
{
	static const char *const shown[] = {
		[RULES_RESULT_SUCCESS] = "failed execs are not shown",
		[RULES_RESULT_FAILURE] = "successful execs are not shown",
		[RULES_RESULT_ANY] = "successful and failed execs",
	};
	struct result_prog prog[2];
	size_t j;

	strbuf_addf(sb, "  " LABEL "%s (%s)\n", "result:", rules_result_name(r->result),
		    shown[r->result]);
	result_progs(p->execve, prog);
	strbuf_addf(sb, "  " LABEL, "result programs:");
	for (j = 0; j < ARRAY_SIZE(prog); j++)
		strbuf_addf(sb, "%s%s (%s%s)", j ? ", " : "", prog[j].name,
			    rules_result_name(prog[j].result),
			    result_reports(r, &prog[j]) ? "" : ": not this rule's");
	strbuf_addf(sb, "\n  " LABEL "%u", "max_argv_bytes:", r->max_argv_bytes);
	if (argv_bytes(p, r) < r->max_argv_bytes)
		strbuf_addf(sb, ", cut to %u: %s", argv_bytes(p, r), p->args_cap_why);
	strbuf_addc(sb, '\n');
}

/* The rule's expectations, judged at exit: "events 0, counted at least 5". */
static void text_expect(struct strbuf *sb, const struct rules_rule *r)
{
	unsigned m, n = 0;

	for (m = 0; m < RULES_MEASURES; m++) {
		if (!r->expect[m].set)
			continue;
		if (!n++)
			strbuf_addf(sb, "  " LABEL, "expect:");
		else
			strbuf_adds(sb, ", ");
		strbuf_addf(sb, "%s ", rules_measure_name(m));
		expect_format_range(sb, r->expect[m].min, r->expect[m].max);
	}
	if (n)
		strbuf_adds(sb, ", judged at exit\n");
}

static void text_rule(struct strbuf *sb, const struct plan *p, size_t i)
{
	const struct rules_rule *r = &p->rules.rules[i];
	const char *why;
	size_t j, g;

	strbuf_adds(sb, "\nrule ");
	escape_text(sb, r->name, strlen(r->name));
	strbuf_addf(sb, ": slot %u\n", p->rule[i].slot);
	strbuf_addf(sb, "  " LABEL "%s, %s", "probe:", rules_probe_name(r->probe),
		    rules_mode_name(r->mode));
	for (g = 0, j = 0; r->mode == RULES_MODE_COUNT && g < RULES_GROUP_KINDS; g++)
		if (r->group_by & (1u << g))
			strbuf_addf(sb, "%s%s", j++ ? ", " : " by ", rules_group_name(g));
	strbuf_addc(sb, '\n');
	rule_attach(p, r, &why);
	strbuf_addf(sb, "  " LABEL "%s\n", "attach:", why);
	if (r->probe == RT_PROBE_EXECVE)
		text_exec(sb, p, r);
	strbuf_addf(sb, "  " LABEL "%s\n", "build:", p->loop ? "bpf_loop" : "unrolled");
	if (r->rate.events) {
		char per[RULES_DURATION_LEN];

		rules_format_duration(r->rate.per_ms, per);
		strbuf_addf(sb, "  " LABEL "%llu per %s, burst %llu, in the kernel\n",
			    "rate_limit:", (unsigned long long)r->rate.events, per,
			    (unsigned long long)r->rate.burst);
	}
	text_expect(sb, r);
	text_filters(sb, &p->settings, 1ULL << p->rule[i].slot);
	strbuf_addf(sb, "  " LABEL, "outputs:");
	for (j = 0; j < r->noutputs; j++) {
		const struct rules_output *out = &p->rules.outputs[r->outputs[j]];

		if (j)
			strbuf_adds(sb, ", ");
		escape_text(sb, out->name, strlen(out->name));
		strbuf_addf(sb, " (%s", rules_output_type_name(out->type));
		if (out->path) {
			strbuf_adds(sb, " ");
			escape_text(sb, out->path, strlen(out->path));
		}
		if (out->type == RULES_OUT_PROMETHEUS) {
			char every[RULES_DURATION_LEN];

			rules_format_duration(out->interval_ms, every);
			strbuf_addf(sb, ", every %s, max_series %u", every, out->max_series);
		}
		strbuf_adds(sb, ")");
	}
	strbuf_addc(sb, '\n');
}

static void text_bytes(struct strbuf *sb, uint64_t n)
{
	static const char *const unit[] = { "KiB", "MiB", "GiB" };
	double v = (double)n;
	size_t u = 0;

	strbuf_addf(sb, "%llu bytes", (unsigned long long)n);
	if (n < 1024)
		return;
	for (v /= 1024; v >= 1024 && u + 1 < ARRAY_SIZE(unit); u++)
		v /= 1024;
	strbuf_addf(sb, " (%.1f %s)", v, unit[u]);
}

static void text_format(struct strbuf *sb, const struct explain *e)
{
	const struct plan *p = &e->plan;
	size_t i;

	text_kernel(sb, e);
	if (!e->planned) {
		strbuf_addf(sb, TOP "none: ", "plan:");
		escape_text(sb, e->error, strlen(e->error));
		strbuf_addc(sb, '\n');
		return;
	}
	for (i = 0; i < p->rules.nrules; i++)
		text_rule(sb, p, i);

	strbuf_adds(sb, "\nbuffers:\n");
	strbuf_addf(sb, "  " LABEL, "events:");
	if (p->ringbuf) {
		strbuf_adds(sb, "a ring buffer per stream rule, shared by every CPU: ");
		text_bytes(sb, explain_ring_bytes(p));
		strbuf_adds(sb, " together\n");
		for (i = 0; i < p->rules.nrules; i++) {
			if (p->rules.rules[i].mode != RULES_MODE_STREAM)
				continue;
			strbuf_addf(sb, "  " LABEL, "");
			strbuf_addf(sb, "rule %s: ", p->rules.rules[i].name);
			text_bytes(sb, plan_rule_buffer(p, i));
			strbuf_addc(sb, '\n');
		}
	} else {
		strbuf_addf(sb, "perf buffers, %u bytes per CPU x %d possible CPUs = ",
			    p->buffer_size, e->ncpus);
		text_bytes(sb, (uint64_t)p->buffer_size * (uint64_t)e->ncpus);
		strbuf_addc(sb, '\n');
	}
	strbuf_addf(sb, "  " LABEL "%u bytes at most per exec event (%s)\n", "exec argv:",
		    p->args_cap, p->args_cap_why);
	strbuf_addf(sb, "  " LABEL "%u entries (max_counters)\n", "count map:", p->max_counters);

	strbuf_addf(sb, "\nmaps (%d possible CPUs):\n", e->ncpus);
	strbuf_addf(sb, "  %-16s %-16s %5s %6s %8s  %-7s %10s\n", "NAME", "TYPE", "KEY", "VALUE",
		    "ENTRIES", "PER-CPU", "BYTES");
	for (i = 0; i < e->nmaps; i++) {
		const struct explain_map *m = &e->map[i];

		strbuf_addf(sb, "  %-16s %-16s %5u %6u %8u  %-7s %10llu\n", m->name,
			    libbpf_bpf_map_type_str(m->type), m->key_size, m->value_size,
			    m->entries, map_per_cpu(m->type) ? "yes" : "no",
			    (unsigned long long)m->bytes);
	}
	strbuf_addf(sb, "\n" TOP, "memory:");
	text_bytes(sb, e->memory);
	strbuf_adds(sb, ", estimated: " MEMORY_NOTE_SHORT "\n");
}

/* --- JSON ---------------------------------------------------------------- */

static const char *json_bool(bool b)
{
	return b ? "true" : "false";
}

static void json_kernel(struct strbuf *sb, const struct explain *e)
{
	const struct probe_features *f = &e->kernel.feat;
	size_t i;

	strbuf_adds(sb, "  \"kernel\": {\n    \"release\": ");
	json_cstr(sb, e->uts.release);
	strbuf_adds(sb, ",\n    \"arch\": \"" SYSCALLS_ARCH "\"");
	strbuf_addf(sb, ",\n    \"possible_cpus\": %d,\n    \"probed\": %s,\n    \"btf\": %s,\n"
		    "    \"ringbuf\": %s,\n    \"kprobes\": %s,\n    \"kprobe_reason\": ",
		    e->ncpus, json_bool(e->load), json_bool(e->btf), json_bool(f->ringbuf),
		    json_bool(f->kprobes));
	json_cstr(sb, f->kprobes ? NULL : f->kprobe_reason);
	strbuf_addf(sb, ",\n    \"execve_tracepoint\": %s,\n    \"execve_tracepoint_reason\": ",
		    json_bool(f->execve_tp));
	json_cstr(sb, f->execve_tp ? NULL : f->tp_reason);
	strbuf_addf(sb, ",\n    \"bpf_loop\": %s,\n    \"no_bpf_loop\": %s,\n"
		    "    \"not_probed\": [", json_bool(f->bpf_loop), json_bool(f->no_bpf_loop));
	for (i = 0; i < e->unknown.n; i++) {
		strbuf_addf(sb, "%s\n      {\"what\": ", i ? "," : "");
		json_cstr(sb, e->unknown.item[i].what);
		strbuf_adds(sb, ", \"why\": ");
		json_cstr(sb, e->unknown.item[i].why);
		strbuf_adds(sb, "}");
	}
	strbuf_addf(sb, "%s]\n  },\n", e->unknown.n ? "\n    " : "");
}

static void json_filters(struct strbuf *sb, const struct settings *s, __u64 bit)
{
	size_t i, n;
	int k, w;

	strbuf_adds(sb, "      \"filters\": {");
	for (k = 0; k < F_KINDS; k++) {
		strbuf_addf(sb, "%s\n        \"%s\": {", k ? "," : "", kind_name[k]);
		for (w = 0; w < W_WHICH; w++) {
			if (w == W_FOLLOW && k != F_PID)
				continue;
			strbuf_addf(sb, "%s\"%s\": [", w ? ", " : "", which_name[w]);
			for (i = 0, n = 0; i < kind_len(s, k); i++) {
				if (!kind_has(s, k, i, w, bit))
					continue;
				if (n++)
					strbuf_adds(sb, ", ");
				kind_key(sb, s, k, i, true);
			}
			strbuf_adds(sb, "]");
		}
		strbuf_adds(sb, "}");
	}
	strbuf_adds(sb, "\n      },\n");
}

/* n, or null where there is none. */
static void json_uint(struct strbuf *sb, bool have, uint32_t n)
{
	if (have)
		strbuf_addf(sb, "%u", n);
	else
		strbuf_adds(sb, "null");
}

/* As text_exec; the same keys on every rule, null (or empty) for sys_enter rules. */
static void json_exec(struct strbuf *sb, const struct plan *p, const struct rules_rule *r)
{
	bool exec = r->probe == RT_PROBE_EXECVE;
	struct result_prog prog[2];
	size_t j;

	strbuf_adds(sb, "\n      \"result\": ");
	json_cstr(sb, exec ? rules_result_name(r->result) : NULL);
	strbuf_adds(sb, ",\n      \"result_programs\": [");
	result_progs(p->execve, prog);
	for (j = 0; exec && j < ARRAY_SIZE(prog); j++)
		strbuf_addf(sb, "%s{\"result\": \"%s\", \"attach\": \"%s\", \"name\": \"%s\", "
			    "\"reports\": %s}", j ? ", " : "", rules_result_name(prog[j].result),
			    prog[j].attach, prog[j].name, json_bool(result_reports(r, &prog[j])));
	strbuf_adds(sb, "],\n      \"max_argv_bytes\": ");
	json_uint(sb, exec, r->max_argv_bytes);
	strbuf_adds(sb, ",\n      \"argv_bytes\": ");
	json_uint(sb, exec, argv_bytes(p, r));
	strbuf_adds(sb, ",\n      \"argv_bytes_why\": ");
	json_cstr(sb, exec && argv_bytes(p, r) < r->max_argv_bytes ? p->args_cap_why : NULL);
	strbuf_addc(sb, ',');
}

/* "expect": [{"measure", "min", "max"}], max null for no upper bound; [] for none. */
static void json_expect(struct strbuf *sb, const struct rules_rule *r)
{
	unsigned m, n = 0;

	strbuf_adds(sb, "      \"expect\": [");
	for (m = 0; m < RULES_MEASURES; m++) {
		const struct rules_expect *e = &r->expect[m];

		if (!e->set)
			continue;
		strbuf_addf(sb, "%s{\"measure\": \"%s\", \"min\": %llu, \"max\": ", n++ ? ", " : "",
			    rules_measure_name(m), (unsigned long long)e->min);
		if (e->max == UINT64_MAX)
			strbuf_adds(sb, "null}");
		else
			strbuf_addf(sb, "%llu}", (unsigned long long)e->max);
	}
	strbuf_adds(sb, "],\n");
}

static void json_rule(struct strbuf *sb, const struct plan *p, size_t i)
{
	const struct rules_rule *r = &p->rules.rules[i];
	const char *why, *attach = rule_attach(p, r, &why);
	size_t j, g;

	strbuf_adds(sb, "    {\n      \"name\": ");
	json_cstr(sb, r->name);
	strbuf_addf(sb, ",\n      \"slot\": %u,\n      \"probe\": \"%s\",\n      \"mode\": \"%s\",\n"
		    "      \"group_by\": [", p->rule[i].slot, rules_probe_name(r->probe),
		    rules_mode_name(r->mode));
	for (g = 0, j = 0; r->mode == RULES_MODE_COUNT && g < RULES_GROUP_KINDS; g++)
		if (r->group_by & (1u << g))
			strbuf_addf(sb, "%s\"%s\"", j++ ? ", " : "", rules_group_name(g));
	strbuf_addf(sb, "],\n      \"attach\": \"%s\",\n      \"attach_why\": ", attach);
	json_cstr(sb, why);
	strbuf_addc(sb, ',');
	json_exec(sb, p, r);
	strbuf_addf(sb, "\n      \"build\": \"%s\",\n", p->loop ? "bpf_loop" : "unrolled");
	/* Its own ring buffer's bytes (none for a count rule, nor with perf buffers). */
	if (r->mode == RULES_MODE_STREAM && p->ringbuf)
		strbuf_addf(sb, "      \"ring_bytes\": %u,\n", plan_rule_buffer(p, i));
	else
		strbuf_adds(sb, "      \"ring_bytes\": null,\n");
	if (r->rate.events)
		strbuf_addf(sb, "      \"rate_limit\": {\"events\": %llu, \"per_ms\": %llu, "
			    "\"burst\": %llu},\n", (unsigned long long)r->rate.events,
			    (unsigned long long)r->rate.per_ms, (unsigned long long)r->rate.burst);
	else
		strbuf_adds(sb, "      \"rate_limit\": null,\n");
	json_expect(sb, r);
	json_filters(sb, &p->settings, 1ULL << p->rule[i].slot);
	strbuf_adds(sb, "      \"outputs\": [");
	for (j = 0; j < r->noutputs; j++) {
		const struct rules_output *out = &p->rules.outputs[r->outputs[j]];

		strbuf_adds(sb, j ? ", {\"name\": " : "{\"name\": ");
		json_cstr(sb, out->name);
		strbuf_addf(sb, ", \"type\": \"%s\", \"path\": ", rules_output_type_name(out->type));
		json_cstr(sb, out->path);
		if (out->type == RULES_OUT_PROMETHEUS)
			strbuf_addf(sb, ", \"interval_ms\": %llu, \"max_series\": %u",
				    (unsigned long long)out->interval_ms, out->max_series);
		strbuf_adds(sb, "}");
	}
	strbuf_adds(sb, "]\n    }");
}

static void json_format(struct strbuf *sb, const struct explain *e)
{
	const struct plan *p = &e->plan;
	size_t i;

	strbuf_adds(sb, "{\n  \"rules_file\": ");
	json_cstr(sb, p->rules.path);
	strbuf_addf(sb, ",\n  \"check\": %s,\n", json_bool(!e->load));
	json_kernel(sb, e);
	strbuf_addf(sb, "  \"verified\": %s,\n  \"verify_reason\": ", e->verified > 0 ? "true" :
		    e->verified == 0 ? "false" : "null");
	json_cstr(sb, e->verify_why);
	strbuf_adds(sb, ",\n  \"error\": ");
	json_cstr(sb, *e->error ? e->error : NULL);
	if (!e->planned) {
		strbuf_adds(sb, ",\n  \"rules\": [],\n  \"buffers\": null,\n  \"max_counters\": null,\n"
			    "  \"maps\": [],\n  \"memory_bytes\": null\n}\n");
		return;
	}
	strbuf_adds(sb, ",\n  \"rules\": [\n");
	for (i = 0; i < p->rules.nrules; i++) {
		json_rule(sb, p, i);
		strbuf_adds(sb, i + 1 < p->rules.nrules ? ",\n" : "\n");
	}
	strbuf_addf(sb, "  ],\n  \"buffers\": {\"events\": \"%s\", \"bytes\": %u, \"per_cpu\": %s, "
		    "\"cpus\": %d, \"total_bytes\": %llu, \"args_cap\": %u, \"args_cap_why\": ",
		    p->ringbuf ? "ringbuf" : "perf_buffer", p->buffer_size, json_bool(!p->ringbuf),
		    e->ncpus, (unsigned long long)(p->ringbuf ? explain_ring_bytes(p) :
						   (uint64_t)p->buffer_size * (uint64_t)e->ncpus),
		    p->args_cap);
	json_cstr(sb, p->args_cap_why);
	strbuf_addf(sb, "},\n  \"max_counters\": %u,\n  \"maps\": [\n", p->max_counters);
	for (i = 0; i < e->nmaps; i++) {
		const struct explain_map *m = &e->map[i];

		strbuf_addf(sb, "    {\"name\": \"%s\", \"type\": \"%s\", \"key_size\": %u, "
			    "\"value_size\": %u, \"entries\": %u, \"per_cpu\": %s, \"bytes\": %llu}%s\n",
			    m->name, libbpf_bpf_map_type_str(m->type), m->key_size, m->value_size,
			    m->entries, json_bool(map_per_cpu(m->type)),
			    (unsigned long long)m->bytes, i + 1 < e->nmaps ? "," : "");
	}
	strbuf_addf(sb, "  ],\n  \"memory_bytes\": %llu,\n  \"memory_note\": \"%s\"\n}\n",
		    (unsigned long long)e->memory, MEMORY_NOTE);
}

int explain_run(struct rules *rules, const struct explain_options *o)
{
	struct explain *e = xcalloc(1, sizeof(*e));
	struct strbuf sb;
	int ret;

	e->o = o;
	ret = explain_plan(e, rules);
	if (ret == -EINVAL)
		goto out;	/* a rule error: said on standard error, as a run says it */
	if (!ret && (ret = explain_verify(e)) != 0)
		snprintf(e->error, sizeof(e->error), "%s", e->verify_why);
	if (!ret && e->load && e->unknown.n) {
		snprintf(e->error, sizeof(e->error), "probe %s: %s", e->unknown.item[0].what,
			 e->unknown.item[0].why);
		ret = -EIO;
	}
	if (*e->error && ret != -ENOTSUP)
		log_error("%s", e->error);

	strbuf_init(&sb);
	if (o->format == EXPLAIN_JSON)
		json_format(&sb, e);
	else
		text_format(&sb, e);
	if (fwrite(sb.buf, 1, sb.len, stdout) != sb.len || fflush(stdout)) {
		log_error("standard output: %s", strerror(errno));
		if (!ret)
			ret = -EIO;
	}
	strbuf_free(&sb);
out:
	plan_free(&e->plan);
	free(e);
	return ret;
}
