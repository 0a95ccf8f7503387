/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rules.h - a rule file, read and validated: the one config struct the rest of
 * ruletrace works from. libyaml types never leave yaml_tree.c.
 */
#ifndef RULES_H
#define RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/types.h>

#include "ruletrace_abi.h"

#define RULES_VERSION		1
#define RULES_MAX_OUTPUTS	16
#define RULES_MAX_FILE_SIZE	(1024 * 1024)	/* a rule file larger than this is refused */
#define RULES_MAX_DEPTH		16		/* YAML nesting */
#define RULES_MAX_NODES		100000		/* YAML nodes in one file */
#define RULES_MAX_ERRORS	20		/* errors reported before giving up */
#define RULES_NAME_MAX		64		/* rule and output names */
#define RULES_DEFAULT_TOP	10
/* max_counters: the count map's size; the default is RT_COUNT_ENTRIES. */
#define RULES_MIN_COUNTERS	1024
#define RULES_MAX_COUNTERS	(1024 * 1024)

enum rules_attach {
	RULES_ATTACH_AUTO = 0,
	RULES_ATTACH_KPROBE,
	RULES_ATTACH_TRACEPOINT,
};

enum rules_mode {
	RULES_MODE_STREAM = 0,
	RULES_MODE_COUNT,
};

enum rules_output_type {
	RULES_OUT_STDOUT = 0,
	RULES_OUT_CSV,
	RULES_OUT_SYSLOG,
	RULES_OUT_JSON,
	RULES_OUT_PROMETHEUS,
};

enum rules_format {
	RULES_FORMAT_TEXT = 0,
	RULES_FORMAT_JSON,
};

/* Where a key or value stood in the rule file; 1-based, 0 when not from a file. */
struct rules_mark {
	unsigned line;
	unsigned column;
};

struct rules_output {
	char name[RULES_NAME_MAX + 1];
	enum rules_output_type type;
	enum rules_format format;	/* stdout only */
	bool cgroup_column;		/* stdout text: a CGROUP column after COMM */
	char *path;			/* csv, json, prometheus */
	bool append;			/* csv, json */
	char *ident;			/* syslog; default "ruletrace" */
	int facility;			/* syslog; LOG_* value, default LOG_USER */
	int priority;			/* syslog; LOG_* level, default LOG_INFO */
	char *socket;			/* syslog; default "/dev/log" */
	uint32_t max_message;		/* syslog; bytes of a message, header included */
	uint64_t interval_ms;		/* prometheus; how often the file is rewritten */
	uint32_t max_series;		/* prometheus; counter series per count rule */
	struct rules_mark mark;
};

/*
 * max_message: of a syslog output. The default is what rsyslog takes unless told
 * otherwise (its maxMessageSize, documented as "8k", is 8096 bytes): a longer
 * message would be cut by the daemon, unseen.
 */
#define RULES_DEFAULT_MESSAGE	8096
#define RULES_MIN_MESSAGE	1024
#define RULES_MAX_MESSAGE	(256 * 1024)

/*
 * A prometheus output's interval: and max_series:. Rewriting the file more often
 * than node_exporter is scraped buys nothing; an hour keeps a stale file honest.
 * max_series bounds what one count rule adds to a scrape.
 */
#define RULES_DEFAULT_PROM_INTERVAL_MS	15000
#define RULES_MIN_PROM_INTERVAL_MS	100
#define RULES_MAX_PROM_INTERVAL_MS	(3600 * 1000)
#define RULES_DEFAULT_MAX_SERIES	1000
#define RULES_MAX_SERIES		1000000

/* filter: result: which execs an execve rule reports. */
enum rules_result {
	RULES_RESULT_SUCCESS = 0,	/* the default, as execsnoop's */
	RULES_RESULT_FAILURE,
	RULES_RESULT_ANY,
};

/* max_argv_bytes: of an execve rule; RT_ARGS_DEFAULT when not given. */
#define RULES_MIN_ARGV_BYTES	256
#define RULES_MAX_ARGV_BYTES	RT_ARGS_MAX

/*
 * cgroup, unit and container filters: their longest values. A cgroup path is
 * matched by the kernel up to this length; unit and machine names are systemd's
 * limits, a container id is 64 hex digits.
 */
#define RULES_CGROUP_PATH_MAX	255
#define RULES_UNIT_MAX		255
#define RULES_CONTAINER_MAX	64

struct rules_filter {
	char (*comm)[RT_COMM_LEN];	/* NUL-padded kernel comms */
	size_t ncomm;
	/* execve rules: the name a successful exec gives the process (its comm
	 * after it, from the file's name), NUL-padded like comm */
	char (*program)[RT_COMM_LEN];
	size_t nprogram;
	uint32_t *pid;
	size_t npid;
	uint32_t *uid;
	size_t nuid;
	uint32_t *sys;			/* syscall numbers (sys_enter rules) */
	size_t nsys;
	char **cgroup;			/* normalised paths: a leading '/', no trailing one */
	size_t ncgroup;
	char **unit;			/* .service and .scope unit names */
	size_t nunit;
	char **container;		/* lowercase id prefixes or machine names */
	size_t ncontainer;
};

/* rate_limit: of a stream rule: at most events per per_ms, bursts up to burst. */
struct rules_rate {
	uint64_t events;	/* 0: no limit */
	uint64_t per_ms;
	uint64_t burst;		/* never 0 when events is: defaults to events */
};

#define RULES_MAX_RATE_EVENTS	1000000000ULL	/* events and burst of a rate_limit */
#define RULES_MAX_RATE_PER_MS	(24ULL * 3600 * 1000)	/* its per: at most a day */

/*
 * buffer_size: of a stream rule, its own event buffer; a power of two, as
 * --buffer-size is. An execve rule's holds two exec events without arguments.
 */
#define RULES_MIN_BUFFER_SIZE	(4u * 1024)
#define RULES_MIN_EXEC_BUFFER_SIZE (16u * 1024)
#define RULES_MAX_BUFFER_SIZE	(1024u * 1024 * 1024)

/* What a count rule's counters are keyed by (group_by:), a bit each. */
#define RULES_GROUP_COMM	(1u << 0)
#define RULES_GROUP_PID		(1u << 1)
#define RULES_GROUP_SYSCALL	(1u << 2)
/* The kernel keys these three by cgroup id; user space labels and merges. */
#define RULES_GROUP_CGROUP	(1u << 3)
#define RULES_GROUP_UNIT	(1u << 4)
#define RULES_GROUP_CONTAINER	(1u << 5)
#define RULES_GROUP_KINDS	6	/* the bits above */
#define RULES_GROUP_BY_CGROUP	(RULES_GROUP_CGROUP | RULES_GROUP_UNIT | RULES_GROUP_CONTAINER)

/*
 * expect: what a rule's figures must be by the end of the run, one range per
 * measure. The measures, in this order: events (stream rules: the events the
 * kernel matched for it) and counted (count rules: the sum of its counts).
 */
enum rules_measure {
	RULES_MEASURE_EVENTS = 0,
	RULES_MEASURE_COUNTED,
	RULES_MEASURES,
};

struct rules_expect {
	bool set;			/* the rule file gives this measure */
	uint64_t min;
	uint64_t max;			/* UINT64_MAX: no upper bound */
	struct rules_mark mark;		/* of the measure's key */
};

struct rules_rule {
	char name[RULES_NAME_MAX + 1];
	enum rt_probe probe;
	enum rules_attach attach;	/* execve only */
	enum rules_mode mode;		/* sys_enter: count or stream; execve: stream */
	struct rules_filter include;	/* filter: comm, pid, uid, syscalls, ... */
	struct rules_filter exclude;	/* filter: exclude_comm, exclude_pid, ... */
	bool follow;			/* filter: follow: descendants of the pids too */
	enum rules_result result;	/* filter: result:; execve only (else the default) */
	uint32_t max_argv_bytes;	/* execve only (else the default); never 0 once loaded */
	unsigned group_by;		/* RULES_GROUP_*; count rules, default comm */
	struct rules_rate rate;		/* stream rules only */
	uint32_t buffer_size;		/* stream rules: bytes of its own event buffer; 0: the
					 * run's (--buffer-size) */
	unsigned slot;			/* its bit in the kernel's rule masks */
	unsigned outputs[RULES_MAX_OUTPUTS];	/* indexes into rules.outputs */
	size_t noutputs;
	struct rules_expect expect[RULES_MEASURES];	/* by enum rules_measure */
	struct rules_mark mark;
};

struct rules {
	char *path;			/* as given, for messages */
	struct rules_output *outputs;
	size_t noutputs;
	struct rules_rule *rules;
	size_t nrules;
	unsigned summary_top;		/* summary.top */
	uint64_t duration_ms;		/* duration:, 0 = until signalled */
	uint64_t interval_ms;		/* interval:, 0 = summary at exit only */
	uint64_t max_events;		/* max_events:, 0 = no limit */
	uint32_t max_counters;		/* max_counters:, never 0 once loaded */
	/* The file as it was read (rules_load_file only), for the ownership check. */
	bool from_file;
	uid_t file_uid;
	gid_t file_gid;
	mode_t file_mode;
	dev_t file_dev;			/* which file it is: no output may be it */
	ino_t file_ino;
};

/*
 * Read and validate a rule file. On success returns 0 and fills *out. On a bad file
 * returns -EINVAL and writes one "FILE:LINE:COLUMN: message" line per error (at most
 * RULES_MAX_ERRORS) to err; on I/O failure returns -errno with a message in err.
 */
int rules_load_file(const char *path, struct rules *out, char *err, size_t errlen);

/* As rules_load_file, from a buffer; name is used in messages in place of a path. */
int rules_load_buffer(const char *name, const char *buf, size_t len,
		      struct rules *out, char *err, size_t errlen);

/* Free what rules_load_* allocated; safe on a zeroed or already-freed struct. */
void rules_free(struct rules *r);

/*
 * Whether some rule filters by cgroup, unit or container (to include or to
 * exclude) or groups by one of them: the run then needs the cgroup v2 hierarchy.
 */
bool rules_need_cgroups(const struct rules *r);

/* Parse "500ms", "30s", "2m", "1h" (a bare number is seconds) into milliseconds. */
int rules_parse_duration(const char *s, uint64_t *ms);

/* Room for rules_format_duration's answer: UINT64_MAX in digits, "ms" and a NUL. */
#define RULES_DURATION_LEN 23

/*
 * ms as the rule file would say it, in the largest of h, m, s that divides it
 * evenly, else in ms ("1h", "90s", "1500ms"); rules_parse_duration reads it back.
 */
const char *rules_format_duration(uint64_t ms, char buf[RULES_DURATION_LEN]);

/*
 * The kernel's refill interval of rate limit r: one token every per/events,
 * rounded up to a whole nanosecond; 0 for no limit.
 */
uint64_t rules_rate_interval_ns(const struct rules_rate *r);

/*
 * The least buffer_size of an execve rule showing max_argv_bytes: the power of two
 * that holds two of its exec events (each rule's copy carries only what it shows).
 */
uint32_t rules_exec_buffer_min(uint32_t max_argv_bytes);

/* Names of enum values, for messages and the summary. */
const char *rules_probe_name(enum rt_probe p);
const char *rules_attach_name(enum rules_attach a);
const char *rules_mode_name(enum rules_mode m);
const char *rules_output_type_name(enum rules_output_type t);
const char *rules_result_name(enum rules_result r);
/* "events" or "counted": the name of a measure in expect:; "?" for anything else. */
const char *rules_measure_name(enum rules_measure m);
/* The group_by name of RULES_GROUP_* bit i (1u << i). */
const char *rules_group_name(unsigned i);

#endif /* RULES_H */
