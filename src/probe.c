// SPDX-License-Identifier: GPL-2.0-only
/* probe.c - kernel feature probing and the execve attach-mode choice. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "probe.h"

#define TRACEFS		"/sys/kernel/tracing"
#define DEBUGFS_TRACING	"/sys/kernel/debug/tracing"
#define EXECVE_TP	"events/syscalls/sys_enter_execve/id"

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

static void probe_execve_tp(struct probe_features *f)
{
	char err[PROBE_REASON_LEN], path[256];
	const char *dir;

	if (probe_tracefs(err, sizeof(err))) {
		snprintf(f->tp_reason, sizeof(f->tp_reason), "%s", err);
		return;
	}
	dir = tracefs_dir();
	snprintf(path, sizeof(path), "%s/%s", dir, EXECVE_TP);
	if (path_exists(path)) {
		f->execve_tp = true;
		return;
	}
	snprintf(f->tp_reason, sizeof(f->tp_reason),
		 "no tracepoint syscalls:sys_enter_execve in %s (CONFIG_FTRACE_SYSCALLS off?)",
		 dir);
}

void probe_features(struct probe_features *f)
{
	memset(f, 0, sizeof(*f));
	f->ringbuf = libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL) > 0;
	f->bpf_loop = libbpf_probe_bpf_helper(BPF_PROG_TYPE_RAW_TRACEPOINT, BPF_FUNC_loop,
					      NULL) > 0;
	f->no_bpf_loop = getenv("RULETRACE_NO_BPF_LOOP") != NULL;
	probe_execve_tp(f);
	probe_kprobes(f);
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
