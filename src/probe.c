// SPDX-License-Identifier: GPL-2.0-only
/* probe.c - kernel feature probing and the execve attach-mode choice. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "probe.h"

#define TRACEFS		"/sys/kernel/tracing"
#define DEBUGFS_TRACING	"/sys/kernel/debug/tracing"
#define EXECVE_TP	"events/syscalls/sys_enter_execve/id"
#define EXECVE_EXIT_TP	"events/syscalls/sys_exit_execve/id"
#define EXECVEAT_TP	"events/syscalls/sys_enter_execveat/id"
#define EXECVEAT_EXIT_TP "events/syscalls/sys_exit_execveat/id"

/* stat, not access(2): access checks the real uid and ignores the capabilities
 * (CAP_DAC_READ_SEARCH) that let a non-root ruletrace into a 0700 tracefs. */
static bool path_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* The tracefs directory libbpf will use, or NULL when none is mounted. */
static const char *tracefs_dir(void)
{
	/* libbpf looks in debugfs first when that directory exists, then tracefs. */
	if (path_exists(DEBUGFS_TRACING "/events"))
		return DEBUGFS_TRACING;
	if (path_exists(TRACEFS "/events"))
		return TRACEFS;
	return NULL;
}

int probe_tracefs(char *err, size_t errlen)
{
	if (tracefs_dir())
		return 0;
	if (!path_exists(TRACEFS)) {
		snprintf(err, errlen, "tracefs is not mounted and %s does not exist "
			 "(kernel built without CONFIG_TRACING?)", TRACEFS);
		return -ENOENT;
	}
	if (!path_exists(TRACEFS "/events") && errno == EACCES) {
		snprintf(err, errlen, "tracefs at %s: %s (without root, ruletrace needs "
			 "CAP_DAC_READ_SEARCH to read tracepoint ids)", TRACEFS, strerror(EACCES));
		return -EACCES;
	}
	if (mount("tracefs", TRACEFS, "tracefs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL)) {
		int e = errno;

		snprintf(err, errlen, "tracefs is not mounted and mounting it at %s "
			 "failed: %s (try: mount -t tracefs tracefs %s)", TRACEFS,
			 strerror(e), TRACEFS);
		return -e;
	}
	if (!tracefs_dir()) {
		snprintf(err, errlen, "tracefs mounted at %s has no events directory",
			 TRACEFS);
		return -ENOENT;
	}
	return 0;
}

static void probe_kprobes(struct probe_features *f)
{
	const char *dir = tracefs_dir();
	char path[256];

	/* The kprobe PMU (4.17+) is what libbpf attaches through; kprobe_events is the legacy way. */
	if (path_exists("/sys/bus/event_source/devices/kprobe/type")) {
		f->kprobes = true;
		return;
	}
	if (dir) {
		snprintf(path, sizeof(path), "%s/kprobe_events", dir);
		if (path_exists(path)) {
			f->kprobes = true;
			return;
		}
	}
	snprintf(f->kprobe_reason, sizeof(f->kprobe_reason),
		 "kernel has no kprobes: no kprobe PMU in /sys/bus/event_source/devices%s",
		 dir ? " and no kprobe_events in tracefs" : "");
}

static void probe_execve_tp_in(struct probe_features *f, const char *dir)
{
	/* All or nothing: the exits give a failed exec's result, execveat is an exec. */
	static const char *const need[] = { EXECVE_TP, EXECVE_EXIT_TP, EXECVEAT_TP,
					    EXECVEAT_EXIT_TP };
	char path[256];
	size_t i;

	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, need[i]);
		if (!path_exists(path)) {
			snprintf(f->tp_reason, sizeof(f->tp_reason),
				 "no tracepoint %s in %s (CONFIG_FTRACE_SYSCALLS off?)",
				 need[i], dir);
			return;
		}
	}
	f->execve_tp = true;
}

static void probe_execve_tp(struct probe_features *f)
{
	char err[PROBE_REASON_LEN];

	if (probe_tracefs(err, sizeof(err))) {
		snprintf(f->tp_reason, sizeof(f->tp_reason), "%s", err);
		return;
	}
	probe_execve_tp_in(f, tracefs_dir());
}

static void report_add(struct probe_report *r, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void report_add(struct probe_report *r, const char *what, const char *fmt, ...)
{
	va_list ap;

	if (!r || r->n == PROBE_MAX_UNKNOWN)
		return;
	r->item[r->n].what = what;
	va_start(ap, fmt);
	vsnprintf(r->item[r->n].why, sizeof(r->item[r->n].why), fmt, ap);
	va_end(ap);
	r->n++;
}

void probe_features_report(struct probe_features *f, struct probe_report *r)
{
	int ret;

	memset(f, 0, sizeof(*f));
	if (r)
		memset(r, 0, sizeof(*r));
	/* libbpf: 1 yes, 0 no, below 0 the probe itself failed. */
	ret = libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL);
	f->ringbuf = ret > 0;
	if (ret < 0)
		report_add(r, "ringbuf", "map probe failed: %s", strerror(-ret));
	ret = libbpf_probe_bpf_helper(BPF_PROG_TYPE_RAW_TRACEPOINT, BPF_FUNC_loop, NULL);
	f->bpf_loop = ret > 0;
	if (ret < 0)
		report_add(r, "bpf_loop", "helper probe failed: %s", strerror(-ret));
	f->no_bpf_loop = getenv("RULETRACE_NO_BPF_LOOP") != NULL;
	probe_execve_tp(f);
	probe_kprobes(f);
}

void probe_features(struct probe_features *f)
{
	probe_features_report(f, NULL);
}

void probe_features_unprivileged(struct probe_features *f, struct probe_report *r)
{
	unsigned major = 0, minor = 0, ver = 0;
	struct utsname u;
	const char *dir;

	memset(f, 0, sizeof(*f));
	memset(r, 0, sizeof(*r));
	if (uname(&u) == 0 && sscanf(u.release, "%u.%u", &major, &minor) == 2)
		ver = major << 16 | minor;
	/* Both need bpf(2), which an unprivileged process may not call: by the release. */
	f->ringbuf = ver >= (5u << 16 | 8);
	report_add(r, "ringbuf", "needs bpf(2) and privileges: assumed %s from the kernel "
		   "version (%u.%u; ring buffers came in 5.8)", f->ringbuf ? "yes" : "no",
		   major, minor);
	f->bpf_loop = ver >= (5u << 16 | 17);
	report_add(r, "bpf_loop", "needs bpf(2) and privileges: assumed %s from the kernel "
		   "version (%u.%u; bpf_loop came in 5.17)", f->bpf_loop ? "yes" : "no",
		   major, minor);
	f->no_bpf_loop = getenv("RULETRACE_NO_BPF_LOOP") != NULL;
	/* A tracefs this process can read is looked in; none is mounted here. */
	dir = tracefs_dir();
	if (dir) {
		probe_execve_tp_in(f, dir);
	} else {
		f->execve_tp = true;
		report_add(r, "execve_tracepoint", "tracefs is not mounted or not readable "
			   "without privileges (%s): assumed present", TRACEFS);
	}
	probe_kprobes(f);
	if (!f->kprobes && !dir)
		report_add(r, "kprobes", "no kprobe PMU, and kprobe_events in tracefs cannot "
			   "be read without privileges: assumed absent");
}

int probe_choose_execve(const struct probe_features *f, enum rules_attach want,
			enum probe_execve_mode *mode, char *err, size_t errlen)
{
	switch (want) {
	case RULES_ATTACH_KPROBE:
		if (!f->kprobes) {
			snprintf(err, errlen, "execve: attach kprobe asked for, but %s",
				 f->kprobe_reason);
			return -ENOTSUP;
		}
		*mode = PROBE_EXECVE_KPROBE;
		return 0;
	case RULES_ATTACH_TRACEPOINT:
		if (!f->execve_tp) {
			snprintf(err, errlen, "execve: attach tracepoint asked for, but %s",
				 f->tp_reason);
			return -ENOTSUP;
		}
		*mode = PROBE_EXECVE_TRACEPOINT;
		return 0;
	case RULES_ATTACH_AUTO:
		break;
	}
	if (f->kprobes) {
		*mode = PROBE_EXECVE_KPROBE;
		return 0;
	}
	if (f->execve_tp) {
		*mode = PROBE_EXECVE_TRACEPOINT;
		return 0;
	}
	snprintf(err, errlen, "execve: no way to attach: %s; %s", f->kprobe_reason,
		 f->tp_reason);
	return -ENOTSUP;
}

void probe_execve_why(const struct probe_features *f, enum rules_attach want,
		      enum probe_execve_mode mode, char *buf, size_t len)
{
	if (mode == PROBE_EXECVE_KPROBE)
		snprintf(buf, len, "kprobe (ksyscall execve)");
	else if (mode == PROBE_EXECVE_NONE)
		snprintf(buf, len, "not attached (no execve rule)");
	else if (want == RULES_ATTACH_TRACEPOINT)
		snprintf(buf, len, "%s (asked for)", PROBE_EXECVE_TP_NAME);
	else
		snprintf(buf, len, "%s (kprobe unavailable: %s)", PROBE_EXECVE_TP_NAME,
			 f->kprobe_reason);
}

const char *probe_attach_name(enum rt_probe probe, enum probe_execve_mode mode)
{
	if (probe != RT_PROBE_EXECVE)
		return "raw_tracepoint";
	return mode == PROBE_EXECVE_KPROBE ? "kprobe" : "tracepoint";
}
