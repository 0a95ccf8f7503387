// SPDX-License-Identifier: GPL-2.0-only
/*
 * rules.c - a rule file's schema: which keys exist, what each may hold, and the
 * struct rules built from them, every error with FILE:LINE:COLUMN. The YAML
 * itself (parsing, marks, typed getters) is yaml_tree.c's; no libyaml type is
 * seen here.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "cgroups.h"
#include "rules.h"
#include "syscalls.h"
#include "util.h"
#include "yaml_tree.h"

#define PID_MAX_LIMIT		4194304		/* the kernel's highest possible pid */
#define IDENT_MAX		48


static const char *const probe_names[] = { "execve", "sys_enter" };
static const char *const attach_names[] = { "auto", "kprobe", "tracepoint" };
static const char *const mode_names[] = { "stream", "count" };
static const char *const type_names[] = { "stdout", "csv", "syslog", "json", "prometheus" };
static const char *const format_names[] = { "text", "json" };
static const char *const result_names[] = { "success", "failure", "any" };
static const char *const measure_names[] = { "events", "counted" };
/* The mode of the rules each measure is a figure of, by enum rules_measure. */
static const enum rules_mode measure_modes[] = { RULES_MODE_STREAM, RULES_MODE_COUNT };
_Static_assert(ARRAY_SIZE(measure_names) == RULES_MEASURES &&
	       ARRAY_SIZE(measure_modes) == RULES_MEASURES, "a name and a mode per measure");

static const struct { const char *name; int value; } facilities[] = {
	{ "kern", LOG_KERN }, { "user", LOG_USER }, { "mail", LOG_MAIL },
	{ "daemon", LOG_DAEMON }, { "auth", LOG_AUTH }, { "syslog", LOG_SYSLOG },
	{ "lpr", LOG_LPR }, { "news", LOG_NEWS }, { "uucp", LOG_UUCP },
	{ "cron", LOG_CRON }, { "authpriv", LOG_AUTHPRIV }, { "ftp", LOG_FTP },
	{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 }, { "local2", LOG_LOCAL2 },
	{ "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
};
static const char *const priority_names[] = {
	"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug",
};
_Static_assert(LOG_EMERG == 0 && LOG_DEBUG == 7, "priority_names[] is indexed by LOG_*");
_Static_assert(RT_COUNT_ENTRIES >= RULES_MIN_COUNTERS && RT_COUNT_ENTRIES <= RULES_MAX_COUNTERS,
	       "the default max_counters is one a rule file may give");
_Static_assert(RT_ARGS_DEFAULT >= RULES_MIN_ARGV_BYTES && RT_ARGS_DEFAULT <= RULES_MAX_ARGV_BYTES,
	       "the default max_argv_bytes is one a rule file may give");
_Static_assert(RULES_MIN_EXEC_BUFFER_SIZE / 2 >=
	       offsetof(struct rt_exec_event, data) + RT_FILENAME_LEN,
	       "an execve rule's smallest buffer_size holds two exec events without arguments");
_Static_assert(RULES_UNIT_MAX < CGROUPS_UNIT_MAX && RULES_CONTAINER_MAX < CGROUPS_CONTAINER_MAX &&
	       RULES_CGROUP_PATH_MAX < CGROUPS_PATH_MAX,
	       "what a filter names fits what cgroups.c hands back to compare it with");
_Static_assert(RULES_MAX_BUFFER_SIZE % (1024 * 1024) == 0, "the most buffer_size is said in MiB");
_Static_assert(RULES_MAX_ARGV_BYTES % 1024 == 0, "the most max_argv_bytes is said in KiB too");
_Static_assert(RULES_MAX_MESSAGE % 1024 == 0, "the most max_message is said in KiB too");
_Static_assert(RULES_DEFAULT_PROM_INTERVAL_MS >= RULES_MIN_PROM_INTERVAL_MS &&
	       RULES_DEFAULT_PROM_INTERVAL_MS <= RULES_MAX_PROM_INTERVAL_MS &&
	       RULES_DEFAULT_MAX_SERIES <= RULES_MAX_SERIES,
	       "a prometheus output's defaults are values a rule file may give");
_Static_assert(RULES_DEFAULT_MESSAGE >= RULES_MIN_MESSAGE &&
	       RULES_DEFAULT_MESSAGE <= RULES_MAX_MESSAGE,
	       "the default max_message is one a rule file may give");

/* "execve" or "sys_enter"; "?" for anything else. */
const char *rules_probe_name(enum rt_probe p)
{
	return (unsigned)p < ARRAY_SIZE(probe_names) ? probe_names[p] : "?";
}

/* "auto", "kprobe" or "tracepoint"; "?" for anything else. */
const char *rules_attach_name(enum rules_attach a)
{
	return (unsigned)a < ARRAY_SIZE(attach_names) ? attach_names[a] : "?";
}

/* "stream" or "count"; "?" for anything else. */
const char *rules_mode_name(enum rules_mode m)
{
	return (unsigned)m < ARRAY_SIZE(mode_names) ? mode_names[m] : "?";
}

/* "stdout", "csv", "syslog", "json" or "prometheus"; "?" for anything else. */
const char *rules_output_type_name(enum rules_output_type t)
{
	return (unsigned)t < ARRAY_SIZE(type_names) ? type_names[t] : "?";
}

/* "success", "failure" or "any"; "?" for anything else. */
const char *rules_result_name(enum rules_result r)
{
	return (unsigned)r < ARRAY_SIZE(result_names) ? result_names[r] : "?";
}

/* "events" or "counted"; "?" for anything else. */
const char *rules_measure_name(enum rules_measure m)
{
	return (unsigned)m < ARRAY_SIZE(measure_names) ? measure_names[m] : "?";
}

/* The rule file's duration syntax, for the command line's options too. */
int rules_parse_duration(const char *s, uint64_t *ms)
{
	return ytree_parse_duration(s, ms);
}

/* The largest unit that divides ms evenly: what a person would have written. */
const char *rules_format_duration(uint64_t ms, char buf[RULES_DURATION_LEN])
{
	static const struct { const char *suffix; uint64_t ms; } units[] = {
		{ "h", 3600000 }, { "m", 60000 }, { "s", 1000 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(units); i++) {
		if (ms && ms % units[i].ms == 0) {
			snprintf(buf, RULES_DURATION_LEN, "%llu%s",
				 (unsigned long long)(ms / units[i].ms), units[i].suffix);
			return buf;
		}
	}
	snprintf(buf, RULES_DURATION_LEN, "%llums", (unsigned long long)ms);
	return buf;
}

/*
 * Rounded up, so that the kernel never lets through more than the file says; a
 * rate of more than one event a nanosecond is therefore one a nanosecond.
 */
uint32_t rules_exec_buffer_min(uint32_t max_argv_bytes)
{
	uint32_t need = 2 * ((uint32_t)offsetof(struct rt_exec_event, data) + RT_FILENAME_LEN +
			     max_argv_bytes), size = RULES_MIN_BUFFER_SIZE;

	while (size < need)
		size *= 2;
	return size;
}

uint64_t rules_rate_interval_ns(const struct rules_rate *r)
{
	uint64_t per_ns = r->per_ms * 1000000;

	if (!r->events)
		return 0;
	return (per_ns + r->events - 1) / r->events;
}


static bool valid_name(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max)
		return false;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		      "0123456789_.-") == n;
}

/*
 * A size in bytes, or KiB with a K or KiB suffix (no k: SI's k is 1000), or MiB
 * with M or MiB where max reaches a MiB (elsewhere it could only be out of range),
 * plain or quoted as a duration may be; no leading zero, which YAML 1.1 reads as
 * octal in a plain integer. key names it in messages; min and max are bytes, max
 * a whole number of KiB (of MiB where MiB is offered). Whether *out was set: it
 * is left as it is when n is not one.
 */
static bool parse_size(struct ytree_ctx *c, const struct ytree_node *n, const char *key,
		       uint32_t min, uint32_t max, uint32_t *out)
{
	static const struct { const char *suffix; unsigned shift; } units[] = {
		{ "", 0 }, { "K", 10 }, { "KiB", 10 }, { "M", 20 }, { "MiB", 20 },
	};
	const bool mib = max >= 1u << 20;
	const size_t nunits = mib ? ARRAY_SIZE(units) : 3;
	size_t digits = 0, u = nunits;
	unsigned long long v;

	if (n->type == YTREE_SCALAR && !memchr(n->value, '\0', n->len)) {
		digits = strspn(n->value, "0123456789");
		for (u = 0; u < nunits; u++)
			if (!strcmp(n->value + digits, units[u].suffix))
				break;
	}
	if (!digits || u == nunits || (digits > 1 && n->value[0] == '0')) {
		ytree_error(c, &n->mark, "bad %s '%s' (use bytes%s, %u to %u: e.g. %s)", key,
			    n->type == YTREE_SCALAR ? ytree_show(c, n->value) : "?",
			    mib ? ", KiB or MiB" : " or KiB", min, max,
			    mib ? "65536, 256K, 1M" : "8192, 8K, 100KiB");
		return false;
	}
	if (!ytree_parse_uint(n->value, digits, max >> units[u].shift, &v) ||
	    v << units[u].shift < min) {
		ytree_error(c, &n->mark, "'%s' must be between %u and %u bytes (%u%c)", key, min,
			    max, mib ? max >> 20 : max >> 10, mib ? 'M' : 'K');
		return false;
	}
	*out = (uint32_t)(v << units[u].shift);
	return true;
}

static void parse_syslog_keys(struct ytree_ctx *c, const struct ytree_node *map,
			      struct rules_output *o)
{
	const struct ytree_node *n;
	const char *s;
	size_t i;
	int p;

	if ((n = ytree_map_get(map, "ident")) && ytree_get_string(c, n, "ident", false, &s)) {
		if (!valid_name(s, IDENT_MAX))
			ytree_error(c, &n->mark, "ident '%s' must be 1 to %d characters of "
				    "A-Z a-z 0-9 _ . -", ytree_show(c, s), IDENT_MAX);
		else
			o->ident = xstrdup(s);
	}
	if ((n = ytree_map_get(map, "facility")) && ytree_get_string(c, n, "facility", false, &s)) {
		for (i = 0; i < ARRAY_SIZE(facilities); i++)
			if (!strcmp(facilities[i].name, s))
				break;
		if (i < ARRAY_SIZE(facilities))
			o->facility = facilities[i].value;
		else
			ytree_error(c, &n->mark, "unknown facility '%s' (expected kern, user, "
				    "mail, daemon, auth, syslog, lpr, news, uucp, cron, authpriv, "
				    "ftp or local0 to local7)", ytree_show(c, s));
	}
	/* The names are in LOG_EMERG (0) to LOG_DEBUG (7) order. */
	if ((n = ytree_map_get(map, "priority")) &&
	    ytree_get_choice(c, n, "priority", "priority", priority_names,
			     ARRAY_SIZE(priority_names),
			     "emerg, alert, crit, err, warning, notice, info or debug", &p))
		o->priority = p;
	if ((n = ytree_map_get(map, "socket")) && ytree_get_string(c, n, "socket", false, &s))
		o->socket = xstrdup(s);
	o->max_message = RULES_DEFAULT_MESSAGE;
	if ((n = ytree_map_get(map, "max_message")))
		parse_size(c, n, "max_message", RULES_MIN_MESSAGE, RULES_MAX_MESSAGE,
			   &o->max_message);
	if (!o->ident)
		o->ident = xstrdup("ruletrace");
	if (!o->socket)
		o->socket = xstrdup("/dev/log");
}

/* A prometheus output's interval: and max_series:, or their defaults. */
static void parse_prometheus_keys(struct ytree_ctx *c, const struct ytree_node *map,
				  struct rules_output *o)
{
	const struct ytree_node *n;
	unsigned long long v;
	uint64_t ms = 0;

	o->interval_ms = RULES_DEFAULT_PROM_INTERVAL_MS;
	o->max_series = RULES_DEFAULT_MAX_SERIES;
	if ((n = ytree_map_get(map, "interval"))) {
		ytree_get_duration(c, n, "interval", &ms);
		if (ms && (ms < RULES_MIN_PROM_INTERVAL_MS || ms > RULES_MAX_PROM_INTERVAL_MS))
			ytree_error(c, &n->mark, "'interval' must be between 100ms and 1h");
		else if (ms)
			o->interval_ms = ms;
	}
	if ((n = ytree_map_get(map, "max_series")) &&
	    ytree_get_uint(c, n, "max_series", false, 1, RULES_MAX_SERIES, &v))
		o->max_series = (uint32_t)v;
}

static void parse_output(struct ytree_ctx *c, const struct ytree_node *key,
			 const struct ytree_node *map, struct rules_output *o)
{
	static const char *const stdout_keys[] = { "type", "format", "cgroup", NULL };
	static const char *const file_keys[] = { "type", "path", "append", NULL };
	static const char *const syslog_keys[] = { "type", "ident", "facility", "priority",
						   "socket", "max_message", NULL };
	static const char *const prometheus_keys[] = { "type", "path", "interval",
						       "max_series", NULL };
	static const char *const *keys_of[] = { stdout_keys, file_keys, syslog_keys, file_keys,
						prometheus_keys };
	const struct ytree_node *n;
	char context[RULES_NAME_MAX + 64];
	const char *s;
	int v;

	snprintf(o->name, sizeof(o->name), "%s", key->value);
	o->mark = key->mark;
	o->facility = LOG_USER;
	o->priority = LOG_INFO;
	if (!valid_name(key->value, RULES_NAME_MAX) || memchr(key->value, '\0', key->len))
		ytree_error(c, &key->mark, "output name '%s' must be 1 to %d characters of "
			    "A-Z a-z 0-9 _ . -", ytree_show(c, key->value), RULES_NAME_MAX);
	if (map->type != YTREE_MAP) {
		ytree_error(c, &map->mark, "output '%s' must be a mapping", o->name);
		return;
	}
	n = ytree_map_get(map, "type");
	if (!n) {
		ytree_error(c, &map->mark, "output '%s' is missing 'type'", o->name);
		return;
	}
	if (!ytree_get_choice(c, n, "type", "output type", type_names, ARRAY_SIZE(type_names),
			      "stdout, csv, syslog, json or prometheus", &v))
		return;
	o->type = (enum rules_output_type)v;
	snprintf(context, sizeof(context), "output '%s' of type %s", o->name, type_names[v]);
	ytree_check_keys(c, map, context, keys_of[v]);

	if ((n = ytree_map_get(map, "format")) &&
	    ytree_get_choice(c, n, "format", "format", format_names, ARRAY_SIZE(format_names),
			     "text or json", &v))
		o->format = (enum rules_format)v;
	/* Text lines are narrow by default: the cgroup column is asked for. */
	if ((n = ytree_map_get(map, "cgroup")))
		ytree_get_bool(c, n, "cgroup", &o->cgroup_column);
	if (o->type == RULES_OUT_CSV || o->type == RULES_OUT_JSON ||
	    o->type == RULES_OUT_PROMETHEUS) {
		n = ytree_map_get(map, "path");
		if (!n)
			ytree_error(c, &map->mark, "output '%s' is missing 'path'", o->name);
		else if (ytree_get_string(c, n, "path", false, &s))
			o->path = xstrdup(s);
		if ((n = ytree_map_get(map, "append")))
			ytree_get_bool(c, n, "append", &o->append);
	}
	if (o->type == RULES_OUT_SYSLOG)
		parse_syslog_keys(c, map, o);
	if (o->type == RULES_OUT_PROMETHEUS)
		parse_prometheus_keys(c, map, o);
}

static void parse_outputs(struct ytree_ctx *c, const struct ytree_node *map, struct rules *r)
{
	bool have_stdout = false;
	size_t i, n;

	if (map && !ytree_expect_type(c, map, YTREE_MAP, "outputs"))
		map = NULL;
	n = map ? map->nitems / 2 : 0;
	for (i = 0; i < n; i++)
		if (ytree_key_is(map->items[2 * i], "stdout"))
			have_stdout = true;
	/* An output called stdout always exists: the default for rules that name none. */
	r->noutputs = n + !have_stdout;
	if (r->noutputs > RULES_MAX_OUTPUTS) {
		ytree_error(c, &map->mark, "too many outputs (at most %d, the implicit 'stdout' "
			    "included)", RULES_MAX_OUTPUTS);
		r->noutputs = 0;
		return;
	}
	r->outputs = xcalloc(r->noutputs, sizeof(*r->outputs));
	if (!have_stdout) {
		snprintf(r->outputs[0].name, sizeof(r->outputs[0].name), "stdout");
		r->outputs[0].type = RULES_OUT_STDOUT;
		r->outputs[0].format = RULES_FORMAT_TEXT;
	}
	for (i = 0; i < n; i++) {
		const struct ytree_node *key = map->items[2 * i];
		size_t j;

		if (key->type != YTREE_SCALAR) {
			ytree_error(c, &key->mark, "output names must be scalars");
			continue;
		}
		for (j = 0; j < i; j++)
			if (ytree_key_is(map->items[2 * j], key->value))
				break;
		if (j < i) {
			ytree_error(c, &key->mark, "duplicate output name '%s' (first at %u:%u)",
				    ytree_show(c, key->value), map->items[2 * j]->mark.line,
				    map->items[2 * j]->mark.column);
			continue;
		}
		parse_output(c, key, map->items[2 * i + 1], &r->outputs[i + !have_stdout]);
	}
}

static int find_output(const struct rules *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->noutputs; i++)
		if (!strcmp(r->outputs[i].name, name))
			return (int)i;
	return -1;
}

/* Whether the list called what may hold seq's items; reports why not. */
static bool check_list(struct ytree_ctx *c, const struct ytree_node *seq, const char *what)
{
	if (!ytree_expect_type(c, seq, YTREE_SEQ, what))
		return false;
	if (seq->nitems > RT_MAX_FILTER_KEYS) {
		ytree_error(c, &seq->mark, "too many entries in '%s' (at most %d)", what,
			    RT_MAX_FILTER_KEYS);
		return false;
	}
	return true;
}

/* A list of process names (comm, program) into a deduplicated array of kernel comms. */
static void parse_comms(struct ytree_ctx *c, const struct ytree_node *seq, const char *what,
			char (**out)[RT_COMM_LEN], size_t *nout)
{
	char (*v)[RT_COMM_LEN];
	size_t i, j;

	if (!check_list(c, seq, what))
		return;
	v = *out = xcalloc(seq->nitems + 1, sizeof(*v));
	for (i = 0; i < seq->nitems; i++) {
		const struct ytree_node *n = seq->items[i];
		const char *s;

		if (!ytree_get_string(c, n, what, true, &s))
			continue;
		if (n->len >= RT_COMM_LEN) {
			ytree_error(c, &n->mark, "%s '%s' is longer than %d bytes",
				    strncmp(what, "exclude_", 8) ? what : what + 8,
				    ytree_show(c, s), RT_COMM_LEN - 1);
			continue;
		}
		for (j = 0; j < *nout; j++)
			if (!strncmp(v[j], s, RT_COMM_LEN))
				break;
		if (j == *nout)
			memcpy(v[(*nout)++], s, n->len);
	}
}

/* A list of numbers within [min, max] into a deduplicated array. */
static void parse_numbers(struct ytree_ctx *c, const struct ytree_node *seq, const char *what,
			  unsigned long long min, unsigned long long max, uint32_t **out,
			  size_t *count)
{
	unsigned long long v;
	size_t i, j;

	if (!check_list(c, seq, what))
		return;
	*out = xcalloc(seq->nitems + 1, sizeof(**out));
	for (i = 0; i < seq->nitems; i++) {
		if (!ytree_get_uint(c, seq->items[i], what, true, min, max, &v))
			continue;
		for (j = 0; j < *count; j++)
			if ((*out)[j] == v)
				break;
		if (j == *count)
			(*out)[(*count)++] = (uint32_t)v;
	}
}

/* Syscall names of this architecture into numbers. */
static void parse_syscalls(struct ytree_ctx *c, const struct ytree_node *seq, const char *what,
			   struct rules_filter *f)
{
	unsigned long nr;
	size_t i, j;

	if (!check_list(c, seq, what))
		return;
	f->sys = xcalloc(seq->nitems + 1, sizeof(*f->sys));
	for (i = 0; i < seq->nitems; i++) {
		const struct ytree_node *n = seq->items[i];
		const char *s;

		if (!ytree_get_string(c, n, what, true, &s))
			continue;
		if (syscalls_number(s, &nr)) {
			const char *instead = syscalls_instead(s);

			if (instead)
				ytree_error(c, &n->mark, "no syscall '%s' on %s, which has %s "
					    "instead", ytree_show(c, s), SYSCALLS_ARCH, instead);
			else
				ytree_error(c, &n->mark, "unknown syscall '%s' on %s",
					    ytree_show(c, s), SYSCALLS_ARCH);
			continue;
		}
		if (nr >= RT_MAX_SYSCALLS) {
			ytree_error(c, &n->mark, "syscall '%s' is number %lu: the filter "
				    "covers 0 to %d", s, nr, RT_MAX_SYSCALLS - 1);
			continue;
		}
		for (j = 0; j < f->nsys; j++)
			if (f->sys[j] == nr)
				break;
		if (j == f->nsys)
			f->sys[f->nsys++] = (uint32_t)nr;
	}
}

/*
 * A cgroup path below the cgroup v2 mount, "/a/b" or "a/b", as "/a/b": the form
 * cgroups.c gives. "." and ".." are refused rather than resolved: the kernel
 * matches the path of a cgroup, which never has them. NULL once reported.
 */
static char *cgroup_path(struct ytree_ctx *c, const struct ytree_node *n, const char *s)
{
	const char *body = s, *p, *q, *end;
	size_t len;
	char *out;

	if (!strcmp(s, "/"))
		return xstrdup("/");
	/* The mount point given too would be a path no cgroup has: said, not missed. */
	if (!strncmp(s, "/sys/fs/cgroup", 14) && (s[14] == '/' || !s[14])) {
		ytree_error(c, &n->mark, "cgroup '%s' is a file system path: give the path below "
			    "the cgroup v2 mount (e.g. /system.slice/nginx.service)",
			    ytree_show(c, s));
		return NULL;
	}
	if (*body == '/')
		body++;
	len = strlen(body);
	if (len && body[len - 1] == '/')
		len--;
	for (p = body, end = body + len;; p = q + 1) {
		q = memchr(p, '/', (size_t)(end - p));
		if (!q)
			q = end;
		if (q == p) {
			ytree_error(c, &n->mark, "cgroup '%s' has an empty component",
				    ytree_show(c, s));
			return NULL;
		}
		if ((q - p == 1 && p[0] == '.') || (q - p == 2 && p[0] == '.' && p[1] == '.')) {
			ytree_error(c, &n->mark, "cgroup '%s' must not have '.' or '..' components",
				    ytree_show(c, s));
			return NULL;
		}
		if (q == end)
			break;
	}
	if (len + 1 > RULES_CGROUP_PATH_MAX) {
		ytree_error(c, &n->mark, "cgroup '%s' is longer than %d bytes", ytree_show(c, s),
			    RULES_CGROUP_PATH_MAX);
		return NULL;
	}
	out = xmalloc(len + 2);
	out[0] = '/';
	memcpy(out + 1, body, len);
	out[len + 1] = '\0';
	return out;
}

/*
 * A unit a process's cgroup is named after: a .service or a .scope. The unit
 * types people reach for instead are told where their processes are.
 */
static char *unit_name(struct ytree_ctx *c, const struct ytree_node *n, const char *s)
{
	/* systemd's own set: unit_name_is_valid() */
	static const char chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				    "0123456789:-_.\\@";
	/* Units that start a service rather than hold processes. */
	static const char *const starters[] = { ".timer", ".socket", ".path" };
	char service[RULES_UNIT_MAX + 16];
	const char *dot = strrchr(s, '.');
	size_t len = strlen(s), i;

	if (len > RULES_UNIT_MAX) {
		ytree_error(c, &n->mark, "unit '%s' is longer than %d bytes", ytree_show(c, s),
			    RULES_UNIT_MAX);
		return NULL;
	}
	if (strspn(s, chars) != len) {
		ytree_error(c, &n->mark, "unit '%s' must be characters of A-Z a-z 0-9 : - _ . \\ @",
			    ytree_show(c, s));
		return NULL;
	}
	if (cgroups_is_unit(s))
		return xstrdup(s);
	for (i = 0; dot && dot > s && i < ARRAY_SIZE(starters); i++) {
		if (strcmp(dot, starters[i]))
			continue;
		snprintf(service, sizeof(service), "%.*s.service", (int)(dot - s), s);
		ytree_error(c, &n->mark, "unit '%s' is a %s unit: the processes it starts run "
			    "in a service, by default '%s': give that", ytree_show(c, s), dot + 1,
			    ytree_show(c, service));
		return NULL;
	}
	if (dot && dot > s && !strcmp(dot, ".slice"))
		ytree_error(c, &n->mark, "unit '%s' is a slice, which holds units, not processes: "
			    "give its services or scopes, or the slice's path as a cgroup",
			    ytree_show(c, s));
	else
		ytree_error(c, &n->mark, "unit '%s' must be a .service or a .scope: the units "
			    "processes run in", ytree_show(c, s));
	return NULL;
}

/*
 * A container id or its prefix (hex digits, taken in either case, kept in
 * lowercase as the runtimes write ids), or a machine name, kept as it is.
 */
static char *container_name(struct ytree_ctx *c, const struct ytree_node *n, const char *s)
{
	static const char chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				    "0123456789_.-";
	size_t len = strlen(s), i;
	char *out;

	if (len > RULES_CONTAINER_MAX) {
		ytree_error(c, &n->mark, "container '%s' is longer than %d bytes (an id has 64 hex "
			    "digits)", ytree_show(c, s), RULES_CONTAINER_MAX);
		return NULL;
	}
	if (strspn(s, chars) != len) {
		ytree_error(c, &n->mark, "container '%s' must be an id or its first hex digits, or "
			    "a machine name of A-Z a-z 0-9 _ . -", ytree_show(c, s));
		return NULL;
	}
	out = xstrdup(s);
	if (strspn(s, "0123456789abcdefABCDEF") == len)
		for (i = 0; i < len; i++)
			if (out[i] >= 'A' && out[i] <= 'F')
				out[i] = (char)(out[i] - 'A' + 'a');
	return out;
}

/* A list of strings, each checked (and normalised) by check, into a deduplicated array. */
static void parse_strings(struct ytree_ctx *c, const struct ytree_node *seq, const char *what,
			  char *(*check)(struct ytree_ctx *c, const struct ytree_node *n,
					 const char *s),
			  char ***out, size_t *count)
{
	size_t i, j;

	if (!check_list(c, seq, what))
		return;
	*out = xcalloc(seq->nitems + 1, sizeof(**out));
	for (i = 0; i < seq->nitems; i++) {
		const struct ytree_node *n = seq->items[i];
		const char *s;
		char *v;

		if (!ytree_get_string(c, n, what, true, &s) || !(v = check(c, n, s)))
			continue;
		for (j = 0; j < *count; j++)
			if (!strcmp((*out)[j], v))
				break;
		if (j < *count)
			free(v);
		else
			(*out)[(*count)++] = v;
	}
}

/* cgroup, unit and container, or their exclude_ twins (prefix "exclude_"), into f. */
static void parse_cgroup_keys(struct ytree_ctx *c, const struct ytree_node *map,
			      const char *prefix, struct rules_filter *f)
{
	const struct ytree_node *n;
	char key[32];

	snprintf(key, sizeof(key), "%scgroup", prefix);
	if ((n = ytree_map_get(map, key)))
		parse_strings(c, n, key, cgroup_path, &f->cgroup, &f->ncgroup);
	snprintf(key, sizeof(key), "%sunit", prefix);
	if ((n = ytree_map_get(map, key)))
		parse_strings(c, n, key, unit_name, &f->unit, &f->nunit);
	snprintf(key, sizeof(key), "%scontainer", prefix);
	if ((n = ytree_map_get(map, key)))
		parse_strings(c, n, key, container_name, &f->container, &f->ncontainer);
}

/*
 * program, exclude_program: an execve rule's filter on the program a successful
 * exec runs, by the name it gives the process. A failed exec runs none: a rule
 * that reports failed ones cannot have them.
 */
static void parse_programs(struct ytree_ctx *c, const struct ytree_node *map,
			   struct rules_rule *rule)
{
	static const char *const keys[] = { "program", "exclude_program" };
	struct rules_filter *lists[] = { &rule->include, &rule->exclude };
	const struct ytree_node *n;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		if (!(n = ytree_map_get(map, keys[i])))
			continue;
		if (rule->probe != RT_PROBE_EXECVE)
			ytree_error(c, &n->mark, "'%s' applies only to probe execve: the "
				    "program a successful exec runs", keys[i]);
		else if (rule->result != RULES_RESULT_SUCCESS)
			ytree_error(c, &n->mark, "'%s' needs result: success (the default): "
				    "a failed exec runs no program", keys[i]);
		else
			parse_comms(c, n, keys[i], &lists[i]->program, &lists[i]->nprogram);
	}
}

static void parse_filter(struct ytree_ctx *c, const struct ytree_node *map, struct rules_rule *rule)
{
	static const char *const keys[] = { "comm", "pid", "uid", "syscalls", "cgroup", "unit",
					    "container", "program", "follow", "result",
					    "exclude_comm", "exclude_pid", "exclude_uid",
					    "exclude_syscalls", "exclude_cgroup", "exclude_unit",
					    "exclude_container", "exclude_program", NULL };
	const struct ytree_node *n;
	int v;

	if (!ytree_expect_type(c, map, YTREE_MAP, "filter"))
		return;
	ytree_check_keys(c, map, "filter", keys);
	if ((n = ytree_map_get(map, "comm")))
		parse_comms(c, n, "comm", &rule->include.comm, &rule->include.ncomm);
	if ((n = ytree_map_get(map, "pid")))
		parse_numbers(c, n, "pid", 1, PID_MAX_LIMIT, &rule->include.pid,
			      &rule->include.npid);
	if ((n = ytree_map_get(map, "uid")))
		parse_numbers(c, n, "uid", 0, UINT32_MAX - 1, &rule->include.uid,
			      &rule->include.nuid);
	if ((n = ytree_map_get(map, "exclude_comm")))
		parse_comms(c, n, "exclude_comm", &rule->exclude.comm, &rule->exclude.ncomm);
	if ((n = ytree_map_get(map, "exclude_pid")))
		parse_numbers(c, n, "exclude_pid", 1, PID_MAX_LIMIT, &rule->exclude.pid,
			      &rule->exclude.npid);
	if ((n = ytree_map_get(map, "exclude_uid")))
		parse_numbers(c, n, "exclude_uid", 0, UINT32_MAX - 1, &rule->exclude.uid,
			      &rule->exclude.nuid);
	parse_cgroup_keys(c, map, "", &rule->include);
	parse_cgroup_keys(c, map, "exclude_", &rule->exclude);
	if ((n = ytree_map_get(map, "follow")) && ytree_get_bool(c, n, "follow", &rule->follow) &&
	    rule->follow && !rule->include.npid)
		ytree_error(c, &n->mark, "'follow' needs a non-empty 'pid' list to follow");
	if ((n = ytree_map_get(map, "result"))) {
		if (rule->probe != RT_PROBE_EXECVE)
			ytree_error(c, &n->mark, "'result' applies only to probe execve: a "
				    "sys_enter rule sees a syscall before it has a result");
		else if (ytree_get_choice(c, n, "result", "result", result_names,
					  ARRAY_SIZE(result_names), "success, failure or any", &v))
			rule->result = (enum rules_result)v;
	}
	parse_programs(c, map, rule);
	if ((n = ytree_map_get(map, "syscalls")) || (n = ytree_map_get(map, "exclude_syscalls"))) {
		if (rule->probe != RT_PROBE_SYS_ENTER) {
			ytree_error(c, &n->mark, "syscall filters apply only to probe sys_enter");
			return;
		}
	}
	if ((n = ytree_map_get(map, "syscalls")))
		parse_syscalls(c, n, "syscalls", &rule->include);
	if ((n = ytree_map_get(map, "exclude_syscalls")))
		parse_syscalls(c, n, "exclude_syscalls", &rule->exclude);
}

/* In RULES_GROUP_* bit order. */
static const char *const group_names[RULES_GROUP_KINDS] = {
	"comm", "pid", "syscall", "cgroup", "unit", "container",
};

const char *rules_group_name(unsigned i)
{
	return i < RULES_GROUP_KINDS ? group_names[i] : "?";
}

static void parse_group_by(struct ytree_ctx *c, const struct ytree_node *seq,
			   struct rules_rule *rule)
{
	const char *const *names = group_names;
	size_t i;
	int v;

	if (rule->mode != RULES_MODE_COUNT) {
		ytree_error(c, &seq->mark, "'group_by' applies only to mode count");
		return;
	}
	if (!ytree_expect_type(c, seq, YTREE_SEQ, "group_by"))
		return;
	if (seq->nitems == 0) {
		ytree_error(c, &seq->mark, "'group_by' is empty (use comm, pid, syscall, cgroup, "
			    "unit, container)");
		return;
	}
	rule->group_by = 0;
	for (i = 0; i < seq->nitems; i++)
		if (ytree_get_choice(c, seq->items[i], "group_by", "group_by", names,
				     RULES_GROUP_KINDS,
				     "comm, pid, syscall, cgroup, unit or container", &v))
			rule->group_by |= 1u << v;
}

static void parse_argv_bytes(struct ytree_ctx *c, const struct ytree_node *n,
			     struct rules_rule *rule)
{
	if (rule->probe != RT_PROBE_EXECVE) {
		ytree_error(c, &n->mark, "'max_argv_bytes' applies only to probe execve: "
			    "sys_enter events carry no arguments");
		return;
	}
	parse_size(c, n, "max_argv_bytes", RULES_MIN_ARGV_BYTES, RULES_MAX_ARGV_BYTES,
		   &rule->max_argv_bytes);
}

/* Whether the rule has events for key to act on; a count rule has none, only counters. */
static bool check_stream(struct ytree_ctx *c, const struct ytree_node *n, const char *key,
			 const char *why, const struct rules_rule *rule)
{
	if (rule->mode == RULES_MODE_STREAM)
		return true;
	ytree_error(c, &n->mark, "'%s' applies only to stream rules: a count rule has no "
		    "events to %s", key, why);
	return false;
}

/* A rate_limit's per: a duration of at most a day, *per_ms kept when n is not one. */
static void parse_rate_per(struct ytree_ctx *c, const struct ytree_node *n, uint64_t *per_ms)
{
	uint64_t ms = 0;

	ytree_get_duration(c, n, "per", &ms);
	if (ms > RULES_MAX_RATE_PER_MS)
		ytree_error(c, &n->mark, "'per' must be at most 24h");
	else if (ms)
		*per_ms = ms;
}

static void parse_rate_limit(struct ytree_ctx *c, const struct ytree_node *map,
			     struct rules_rule *rule)
{
	static const char *const keys[] = { "events", "per", "burst", NULL };
	const struct ytree_node *n;
	unsigned long long v;

	if (!check_stream(c, map, "rate_limit", "limit", rule) ||
	    !ytree_expect_type(c, map, YTREE_MAP, "rate_limit"))
		return;
	ytree_check_keys(c, map, "rate_limit", keys);
	if (!(n = ytree_map_get(map, "events")))
		ytree_error(c, &map->mark, "rate_limit is missing 'events'");
	else if (ytree_get_uint(c, n, "events", false, 1, RULES_MAX_RATE_EVENTS, &v))
		rule->rate.events = v;
	if (!(n = ytree_map_get(map, "per")))
		ytree_error(c, &map->mark, "rate_limit is missing 'per'");
	else
		parse_rate_per(c, n, &rule->rate.per_ms);
	/* Unless told, one per's worth at once: a quiet second lets 1000/1s burst 1000. */
	rule->rate.burst = rule->rate.events;
	if ((n = ytree_map_get(map, "burst")) &&
	    ytree_get_uint(c, n, "burst", false, 1, RULES_MAX_RATE_EVENTS, &v))
		rule->rate.burst = v;
}

static void parse_buffer_size(struct ytree_ctx *c, const struct ytree_node *n,
			      struct rules_rule *rule)
{
	uint32_t v;

	if (!check_stream(c, n, "buffer_size", "buffer", rule) ||
	    !parse_size(c, n, "buffer_size", RULES_MIN_BUFFER_SIZE, RULES_MAX_BUFFER_SIZE, &v))
		return;
	/* The kernel's ring buffer is a power of two; a perf buffer, of pages. */
	if (v & (v - 1))
		ytree_error(c, &n->mark, "'buffer_size' must be a power of two: 4K, 8K, 16K, "
			    "... 1024M");
	else if (rule->probe == RT_PROBE_EXECVE && v < rules_exec_buffer_min(rule->max_argv_bytes))
		ytree_error(c, &n->mark, "an execve rule's buffer must hold two exec events "
			    "with the longest filename and its max_argv_bytes (%u): give it a "
			    "buffer_size of at least %u (%uK)", rule->max_argv_bytes,
			    rules_exec_buffer_min(rule->max_argv_bytes),
			    rules_exec_buffer_min(rule->max_argv_bytes) / 1024);
	else
		rule->buffer_size = v;
}

/*
 * A figure an expectation names: a plain whole number, 0 or more (range: it may
 * also be a mapping of min and max, which the message then offers).
 */
static bool parse_expect_number(struct ytree_ctx *c, const struct ytree_node *n,
				const char *what, bool range, unsigned long long *out)
{
	if (ytree_is_integer(n))
		return ytree_get_uint(c, n, what, false, 0, ULLONG_MAX, out);
	ytree_error(c, &n->mark, "'%s' must be a whole number, 0 or more%s", what,
		    range ? ", or a mapping of min and max" : "");
	return false;
}

/*
 * A measure's value into *e: N (exactly N), or a mapping of min, max or both.
 * *e stays unset when the value is not one.
 */
static void parse_expect_range(struct ytree_ctx *c, const struct ytree_node *n,
			       const char *what, struct rules_expect *e)
{
	static const char *const keys[] = { "min", "max", NULL };
	unsigned long long min = 0, max = ULLONG_MAX;
	const struct ytree_node *lo, *hi;
	char context[32];
	bool ok = true;

	if (n->type != YTREE_MAP) {
		if (parse_expect_number(c, n, what, true, &min)) {
			e->set = true;
			e->min = e->max = min;
		}
		return;
	}
	snprintf(context, sizeof(context), "expect %s", what);
	ytree_check_keys(c, n, context, keys);
	lo = ytree_map_get(n, "min");
	hi = ytree_map_get(n, "max");
	if (!lo && !hi) {
		/* Unknown keys only: check_keys said so. */
		if (!n->nitems)
			ytree_error(c, &n->mark, "'%s' is empty: give min, max or both", what);
		return;
	}
	if (lo && !parse_expect_number(c, lo, "min", false, &min))
		ok = false;
	if (hi && !parse_expect_number(c, hi, "max", false, &max))
		ok = false;
	if (ok && min > max) {
		ytree_error(c, &lo->mark, "'min' %llu is more than 'max' %llu", min, max);
		ok = false;
	}
	if (ok) {
		e->set = true;
		e->min = min;
		e->max = max;
	}
}

/* expect: a mapping of measures, each one the rule's mode has. */
static void parse_expect(struct ytree_ctx *c, const struct ytree_node *map,
			 struct rules_rule *rule)
{
	static const char *const keys[] = { "events", "counted", NULL };
	static const char *const other[] = { "a count rule's figure is 'counted'",
					     "a stream rule's figure is 'events'" };
	size_t m, i;

	if (!ytree_expect_type(c, map, YTREE_MAP, "expect"))
		return;
	if (!map->nitems) {
		ytree_error(c, &map->mark, "'expect' is empty: give events (stream rules) or "
			    "counted (count rules)");
		return;
	}
	ytree_check_keys(c, map, "expect", keys);
	for (m = 0; m < RULES_MEASURES; m++) {
		/* The first of its key: check_keys reported any second. */
		for (i = 0; i + 1 < map->nitems; i += 2)
			if (ytree_key_is(map->items[i], measure_names[m]))
				break;
		if (i + 1 >= map->nitems)
			continue;
		if (rule->mode != measure_modes[m]) {
			ytree_error(c, &map->items[i]->mark, "'%s' applies only to %s rules: %s",
				    measure_names[m], mode_names[measure_modes[m]], other[m]);
			continue;
		}
		rule->expect[m].mark = map->items[i]->mark;
		parse_expect_range(c, map->items[i + 1], measure_names[m], &rule->expect[m]);
	}
}

static void parse_rule_outputs(struct ytree_ctx *c, const struct ytree_node *seq,
			       const struct rules *r, struct rules_rule *rule)
{
	size_t i, j;

	if (!ytree_expect_type(c, seq, YTREE_SEQ, "outputs"))
		return;
	if (seq->nitems > RULES_MAX_OUTPUTS) {
		ytree_error(c, &seq->mark, "too many entries in 'outputs' (at most %d)",
			    RULES_MAX_OUTPUTS);
		return;
	}
	for (i = 0; i < seq->nitems; i++) {
		const struct ytree_node *n = seq->items[i];
		const char *s;
		int idx;

		if (!ytree_get_string(c, n, "outputs", true, &s))
			continue;
		idx = find_output(r, s);
		if (idx < 0) {
			ytree_error(c, &n->mark, "unknown output '%s'", ytree_show(c, s));
			continue;
		}
		for (j = 0; j < rule->noutputs; j++)
			if (rule->outputs[j] == (unsigned)idx)
				break;
		if (j < rule->noutputs) {
			ytree_error(c, &n->mark, "output '%s' listed twice", ytree_show(c, s));
			continue;
		}
		rule->outputs[rule->noutputs++] = (unsigned)idx;
	}
}

static void parse_rule(struct ytree_ctx *c, const struct ytree_node *map, const struct rules *r,
		       struct rules_rule *rule)
{
	static const char *const keys[] = { "name", "probe", "attach", "mode", "filter",
					    "group_by", "max_argv_bytes", "rate_limit",
					    "buffer_size", "outputs", "expect", NULL };
	const struct ytree_node *n;
	const char *s;
	int v;

	rule->mark = map->mark;
	if (map->type != YTREE_MAP) {
		ytree_error(c, &map->mark, "'rules' entries must be mappings");
		return;
	}
	ytree_check_keys(c, map, "rule", keys);
	if (!(n = ytree_map_get(map, "name")))
		ytree_error(c, &map->mark, "rule is missing 'name'");
	else if (ytree_get_string(c, n, "name", false, &s)) {
		if (!valid_name(s, RULES_NAME_MAX))
			ytree_error(c, &n->mark, "rule name '%s' must be 1 to %d characters of "
				    "A-Z a-z 0-9 _ . -", ytree_show(c, s), RULES_NAME_MAX);
		else
			snprintf(rule->name, sizeof(rule->name), "%s", s);
	}
	if (!(n = ytree_map_get(map, "probe")))
		ytree_error(c, &map->mark, "rule is missing 'probe'");
	else if (ytree_get_choice(c, n, "probe", "probe", probe_names, ARRAY_SIZE(probe_names),
				  "execve or sys_enter", &v))
		rule->probe = (enum rt_probe)v;
	rule->mode = rule->probe == RT_PROBE_SYS_ENTER ? RULES_MODE_COUNT : RULES_MODE_STREAM;
	if ((n = ytree_map_get(map, "attach"))) {
		if (rule->probe != RT_PROBE_EXECVE)
			ytree_error(c, &n->mark, "'attach' applies only to probe execve");
		else if (ytree_get_choice(c, n, "attach", "attach", attach_names,
					  ARRAY_SIZE(attach_names), "auto, kprobe or tracepoint",
					  &v))
			rule->attach = (enum rules_attach)v;
	}
	if ((n = ytree_map_get(map, "mode")) &&
	    ytree_get_choice(c, n, "mode", "mode", mode_names, ARRAY_SIZE(mode_names),
			     "count or stream", &v)) {
		if (rule->probe == RT_PROBE_EXECVE && v == RULES_MODE_COUNT)
			ytree_error(c, &n->mark, "mode 'count' is not available for probe execve");
		else
			rule->mode = (enum rules_mode)v;
	}
	/* As execsnoop's: a failed exec is shown only to a rule that asks for it. */
	rule->result = RULES_RESULT_SUCCESS;
	if ((n = ytree_map_get(map, "filter")))
		parse_filter(c, n, rule);
	rule->group_by = RULES_GROUP_COMM;
	if ((n = ytree_map_get(map, "group_by")))
		parse_group_by(c, n, rule);
	/* On every rule, so that two rules compare equal on it whatever their probe. */
	rule->max_argv_bytes = RT_ARGS_DEFAULT;
	if ((n = ytree_map_get(map, "max_argv_bytes")))
		parse_argv_bytes(c, n, rule);
	if ((n = ytree_map_get(map, "rate_limit")))
		parse_rate_limit(c, n, rule);
	if ((n = ytree_map_get(map, "buffer_size")))
		parse_buffer_size(c, n, rule);
	if ((n = ytree_map_get(map, "outputs")))
		parse_rule_outputs(c, n, r, rule);
	else if ((v = find_output(r, "stdout")) >= 0)
		rule->outputs[rule->noutputs++] = (unsigned)v;
	if ((n = ytree_map_get(map, "expect")))
		parse_expect(c, n, rule);
}

static void parse_rules(struct ytree_ctx *c, const struct ytree_node *seq, struct rules *r)
{
	size_t i, j;

	if (!ytree_expect_type(c, seq, YTREE_SEQ, "rules"))
		return;
	if (seq->nitems == 0) {
		ytree_error(c, &seq->mark, "'rules' is empty: at least one rule is needed");
		return;
	}
	if (seq->nitems > RT_MAX_RULES) {
		ytree_error(c, &seq->items[RT_MAX_RULES]->mark, "too many rules (at most %d)",
			    RT_MAX_RULES);
		return;
	}
	r->nrules = seq->nitems;
	r->rules = xcalloc(r->nrules, sizeof(*r->rules));
	for (i = 0; i < r->nrules; i++) {
		struct rules_rule *rule = &r->rules[i];

		parse_rule(c, seq->items[i], r, rule);
		for (j = 0; j < i && rule->name[0]; j++) {
			if (strcmp(r->rules[j].name, rule->name))
				continue;
			ytree_error(c, &ytree_map_get(seq->items[i], "name")->mark,
				    "duplicate rule name '%s' (first at %u:%u)", rule->name,
				    r->rules[j].mark.line, r->rules[j].mark.column);
			break;
		}
	}
}


static void parse_top(struct ytree_ctx *c, const struct ytree_node *root, struct rules *r)
{
	static const char *const keys[] = { "version", "duration", "interval", "max_events",
					    "max_counters", "outputs", "rules", "summary",
					    NULL };
	static const char *const summary_keys[] = { "top", NULL };
	unsigned long long v;
	const struct ytree_node *n;

	if (root->type != YTREE_MAP) {
		ytree_error(c, &root->mark,
			    "a rule file must be a mapping (with version and rules)");
		return;
	}
	ytree_check_keys(c, root, "top level", keys);
	n = ytree_map_get(root, "version");
	if (!n)
		ytree_error(c, &root->mark, "missing 'version' (this ruletrace reads version %d)",
			    RULES_VERSION);
	else if (!ytree_is_integer(n))
		ytree_error(c, &n->mark, "'version' must be an integer");
	else if (!ytree_parse_uint(n->value, n->len, ULLONG_MAX, &v) || v != RULES_VERSION)
		ytree_error(c, &n->mark, "unsupported version '%s' (this ruletrace reads "
			    "version %d)", ytree_show(c, n->value), RULES_VERSION);
	if ((n = ytree_map_get(root, "duration")))
		ytree_get_duration(c, n, "duration", &r->duration_ms);
	if ((n = ytree_map_get(root, "interval")))
		ytree_get_duration(c, n, "interval", &r->interval_ms);
	if ((n = ytree_map_get(root, "max_events")) &&
	    ytree_get_uint(c, n, "max_events", false, 1, UINT64_MAX, &v))
		r->max_events = v;
	/* The count map exists whether or not a rule counts: it always has a size. */
	r->max_counters = RT_COUNT_ENTRIES;
	if ((n = ytree_map_get(root, "max_counters")) &&
	    ytree_get_uint(c, n, "max_counters", false, RULES_MIN_COUNTERS, RULES_MAX_COUNTERS,
			   &v))
		r->max_counters = (uint32_t)v;
	r->summary_top = RULES_DEFAULT_TOP;
	if ((n = ytree_map_get(root, "summary")) && ytree_expect_type(c, n, YTREE_MAP, "summary")) {
		const struct ytree_node *top;

		ytree_check_keys(c, n, "summary", summary_keys);
		if ((top = ytree_map_get(n, "top")) &&
		    ytree_get_uint(c, top, "top", false, 1, 1000, &v))
			r->summary_top = (unsigned)v;
	}
	parse_outputs(c, ytree_map_get(root, "outputs"), r);
	if (!(n = ytree_map_get(root, "rules")))
		ytree_error(c, &root->mark, "missing 'rules'");
	else
		parse_rules(c, n, r);
}

/* Parse buf into a tree, walk it against the schema, and hand back all or nothing. */
int rules_load_buffer(const char *name, const char *buf, size_t len, struct rules *out,
		      char *err, size_t errlen)
{
	struct ytree_ctx c = { .name = name };
	struct ytree_node *root;

	memset(out, 0, sizeof(*out));
	strbuf_init(&c.err);
	out->path = xstrdup(name);
	root = ytree_parse(&c, buf, len);
	if (root)
		parse_top(&c, root, out);
	ytree_free(root);
	if (c.nerr > RULES_MAX_ERRORS)
		strbuf_addf(&c.err, "%s: %u more errors not shown\n", name,
			    c.nerr - RULES_MAX_ERRORS);
	if (errlen) {
		snprintf(err, errlen, "%s", c.err.buf);
		/* Cut at a line end rather than mid-message when err is short. */
		if (c.err.len >= errlen && strrchr(err, '\n'))
			strrchr(err, '\n')[1] = '\0';
	}
	strbuf_free(&c.err);
	if (c.nerr) {
		rules_free(out);
		return -EINVAL;
	}
	return 0;
}

/* Read a regular file of at most RULES_MAX_FILE_SIZE bytes whole, then rules_load_buffer it. */
int rules_load_file(const char *path, struct rules *out, char *err, size_t errlen)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	int fd, ret;

	memset(out, 0, sizeof(*out));
	/* O_NONBLOCK: a FIFO given as the rule file must not hang the open. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s\n", path, strerror(-ret));
		return ret;
	}
	if (fstat(fd, &st)) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s\n", path, strerror(-ret));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file\n", path);
		ret = -EINVAL;
		goto out;
	}
	if (st.st_size > RULES_MAX_FILE_SIZE) {
		snprintf(err, errlen, "%s: larger than %d bytes\n", path, RULES_MAX_FILE_SIZE);
		ret = -EFBIG;
		goto out;
	}
	/* Read at most one byte past the limit: the file may grow after fstat. */
	buf = xmalloc(RULES_MAX_FILE_SIZE + 1);
	for (;;) {
		ssize_t n = read(fd, buf + len, RULES_MAX_FILE_SIZE + 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			snprintf(err, errlen, "%s: %s\n", path, strerror(-ret));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > RULES_MAX_FILE_SIZE) {
			snprintf(err, errlen, "%s: larger than %d bytes\n", path,
				 RULES_MAX_FILE_SIZE);
			ret = -EFBIG;
			goto out;
		}
	}
	ret = rules_load_buffer(path, buf, len, out, err, errlen);
	if (!ret) {
		/* From the descriptor read, not the path: no swap after the check. */
		out->from_file = true;
		out->file_uid = st.st_uid;
		out->file_gid = st.st_gid;
		out->file_mode = st.st_mode;
		out->file_dev = st.st_dev;
		out->file_ino = st.st_ino;
	}
out:
	free(buf);
	close(fd);
	return ret;
}

static void free_strings(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void filter_free(struct rules_filter *f)
{
	free_strings(f->cgroup, f->ncgroup);
	free_strings(f->unit, f->nunit);
	free_strings(f->container, f->ncontainer);
	free(f->comm);
	free(f->program);
	free(f->pid);
	free(f->uid);
	free(f->sys);
}

static bool filter_needs_cgroups(const struct rules_filter *f)
{
	return f->ncgroup || f->nunit || f->ncontainer;
}

/* A cgroup, unit or container filter, or a count grouped by one, in any rule. */
bool rules_need_cgroups(const struct rules *r)
{
	size_t i;

	for (i = 0; i < r->nrules; i++) {
		const struct rules_rule *rule = &r->rules[i];

		if (filter_needs_cgroups(&rule->include) || filter_needs_cgroups(&rule->exclude) ||
		    (rule->mode == RULES_MODE_COUNT && (rule->group_by & RULES_GROUP_BY_CGROUP)))
			return true;
	}
	return false;
}

/* Free every array and string in r and zero it, so a second call does nothing. */
void rules_free(struct rules *r)
{
	size_t i;

	for (i = 0; i < r->noutputs; i++) {
		free(r->outputs[i].path);
		free(r->outputs[i].ident);
		free(r->outputs[i].socket);
	}
	for (i = 0; i < r->nrules; i++) {
		filter_free(&r->rules[i].include);
		filter_free(&r->rules[i].exclude);
	}
	free(r->outputs);
	free(r->rules);
	free(r->path);
	memset(r, 0, sizeof(*r));
}
