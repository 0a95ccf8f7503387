// SPDX-License-Identifier: GPL-2.0-only
/*
 * rules.c - YAML rule file -> struct rules, validated, every error with
 * FILE:LINE:COLUMN. libyaml's event parser builds a small private tree whose depth
 * and size are bounded while it is built (so absurd files fail fast in bounded
 * memory; aliases are refused, so nothing expands); a schema walk then reads it.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <yaml.h>

#include "rules.h"
#include "syscalls.h"
#include "util.h"

#define PID_MAX_LIMIT		4194304		/* the kernel's highest possible pid */
#define MAX_DURATION_MS		(365ULL * 24 * 3600 * 1000)
#define IDENT_MAX		48

#if defined(__x86_64__)
#define RULES_ARCH "x86_64"
#elif defined(__aarch64__)
#define RULES_ARCH "aarch64"
#else
#define RULES_ARCH "this architecture"
#endif

enum node_type { NODE_SCALAR, NODE_SEQ, NODE_MAP };

struct node {
	enum node_type type;
	struct rules_mark mark;
	char *value;		/* scalar bytes, NUL-terminated (may hold NULs: see len) */
	size_t len;
	bool plain;		/* unquoted scalar: may be a number, a boolean or null */
	struct node **items;	/* sequence items; mapping keys and values alternating */
	size_t nitems;
};

/* The state of one load: where errors go and how many there were. */
struct loadctx {
	const char *name;
	struct strbuf err;
	unsigned nerr;
	size_t nnodes;
};

static void __attribute__((format(printf, 3, 4)))
load_error(struct loadctx *c, const struct rules_mark *m, const char *fmt, ...)
{
	va_list ap;

	if (c->nerr++ >= RULES_MAX_ERRORS)
		return;
	strbuf_addf(&c->err, "%s:%u:%u: ", c->name, m ? m->line : 1, m ? m->column : 1);
	va_start(ap, fmt);
	strbuf_vaddf(&c->err, fmt, ap);
	va_end(ap);
	strbuf_addc(&c->err, '\n');
}

static void node_free(struct node *n)
{
	size_t i;

	if (!n)
		return;
	for (i = 0; i < n->nitems; i++)
		node_free(n->items[i]);
	free(n->items);
	free(n->value);
	free(n);
}

static struct rules_mark mark_of(const yaml_mark_t *m)
{
	struct rules_mark r = { (unsigned)m->line + 1, (unsigned)m->column + 1 };

	return r;
}

static void node_append(struct node *parent, struct node *child)
{
	parent->items = xreallocarray(parent->items, parent->nitems + 1, sizeof(*parent->items));
	parent->items[parent->nitems++] = child;
}

/* Line and column of byte offset off in buf: libyaml's reader errors give only that. */
static struct rules_mark mark_at_offset(const char *buf, size_t len, size_t off)
{
	struct rules_mark m = { 1, 1 };
	size_t i;

	for (i = 0; i < off && i < len; i++) {
		if (buf[i] == '\n') {
			m.line++;
			m.column = 1;
		} else if (((unsigned char)buf[i] & 0xc0) != 0x80) {
			m.column++;	/* columns count characters, as libyaml's marks do */
		}
	}
	return m;
}

static void syntax_error(struct loadctx *c, const yaml_parser_t *p, const char *buf,
			 size_t len)
{
	struct rules_mark m = mark_of(p->problem ? &p->problem_mark : &p->context_mark);

	if (p->error == YAML_READER_ERROR)
		m = mark_at_offset(buf, len, p->problem_offset);

	if (p->context)
		load_error(c, &m, "YAML syntax error: %s (%s)",
			   p->problem ? p->problem : "unknown problem", p->context);
	else
		load_error(c, &m, "YAML syntax error: %s",
			   p->problem ? p->problem : "unknown problem");
}

/* Parse buf into a tree; NULL with errors in c when it is not a YAML tree we accept. */
static struct node *parse_tree(struct loadctx *c, const char *buf, size_t len)
{
	struct node *stack[RULES_MAX_DEPTH + 1], *root = NULL, *n;
	yaml_parser_t parser;
	yaml_event_t ev;
	size_t depth = 0;
	unsigned docs = 0;
	bool done = false, failed = false;

	if (!yaml_parser_initialize(&parser)) {
		load_error(c, NULL, "cannot initialise the YAML parser");
		return NULL;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	while (!done && !failed) {
		struct rules_mark m;

		if (!yaml_parser_parse(&parser, &ev)) {
			syntax_error(c, &parser, buf, len);
			failed = true;
			break;
		}
		m = mark_of(&ev.start_mark);
		n = NULL;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1) {
				load_error(c, &m, "more than one YAML document");
				failed = true;
			}
			break;
		case YAML_ALIAS_EVENT:
			load_error(c, &m, "aliases are not supported");
			failed = true;
			break;
		case YAML_SCALAR_EVENT:
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT: {
			const yaml_char_t *anchor = ev.type == YAML_SCALAR_EVENT ?
				ev.data.scalar.anchor : ev.type == YAML_SEQUENCE_START_EVENT ?
				ev.data.sequence_start.anchor : ev.data.mapping_start.anchor;

			if (anchor) {
				load_error(c, &m, "anchors are not supported");
				failed = true;
				break;
			}
			if (++c->nnodes > RULES_MAX_NODES) {
				load_error(c, &m, "more than %d YAML nodes", RULES_MAX_NODES);
				failed = true;
				break;
			}
			n = xcalloc(1, sizeof(*n));
			n->mark = m;
			if (ev.type == YAML_SCALAR_EVENT) {
				n->type = NODE_SCALAR;
				n->len = ev.data.scalar.length;
				n->value = xstrndup((const char *)ev.data.scalar.value, n->len);
				n->plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
			} else {
				n->type = ev.type == YAML_SEQUENCE_START_EVENT ? NODE_SEQ : NODE_MAP;
			}
			if (depth)
				node_append(stack[depth - 1], n);
			else
				root = n;
			if (n->type != NODE_SCALAR) {
				if (depth >= RULES_MAX_DEPTH) {
					load_error(c, &m, "nested more than %d levels deep",
						   RULES_MAX_DEPTH);
					failed = true;
					break;
				}
				stack[depth++] = n;
			}
			break;
		}
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			if (depth)
				depth--;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	if (failed) {
		node_free(root);
		return NULL;
	}
	if (!root)
		load_error(c, NULL, "empty rule file");
	return root;
}

/* --- typed access to the tree, each failure an error at the node's mark --- */

static const char *type_name(enum node_type t)
{
	return t == NODE_MAP ? "a mapping" : t == NODE_SEQ ? "a sequence" : "a scalar";
}

static bool expect_type(struct loadctx *c, const struct node *n, enum node_type t,
			const char *what)
{
	if (n->type == t)
		return true;
	load_error(c, &n->mark, "'%s' must be %s", what, type_name(t));
	return false;
}

/*
 * Check a mapping's keys: scalars, no duplicates, each one of allowed (NULL-ended).
 * Returns false when some key was wrong (already reported).
 */
static bool check_keys(struct loadctx *c, const struct node *map, const char *context,
		       const char *const *allowed)
{
	bool ok = true;
	size_t i, j;

	for (i = 0; i + 1 < map->nitems; i += 2) {
		const struct node *k = map->items[i];
		const char *const *a;
		struct strbuf list;

		if (k->type != NODE_SCALAR) {
			load_error(c, &k->mark, "keys in %s must be scalars", context);
			ok = false;
			continue;
		}
		for (j = 0; j < i; j += 2) {
			const struct node *prev = map->items[j];

			if (prev->type == NODE_SCALAR && prev->len == k->len &&
			    !memcmp(prev->value, k->value, k->len)) {
				load_error(c, &k->mark, "duplicate key '%s'", k->value);
				ok = false;
				break;
			}
		}
		for (a = allowed; *a; a++)
			if (!strcmp(*a, k->value) && strlen(*a) == k->len)
				break;
		if (*a)
			continue;
		strbuf_init(&list);
		for (a = allowed; *a; a++)
			strbuf_addf(&list, "%s%s", a == allowed ? "" : ", ", *a);
		load_error(c, &k->mark, "unknown key '%s' in %s (expected one of: %s)",
			   k->value, context, list.buf);
		strbuf_free(&list);
		ok = false;
	}
	return ok;
}

static const struct node *map_get(const struct node *map, const char *key)
{
	size_t i;

	for (i = 0; i + 1 < map->nitems; i += 2) {
		const struct node *k = map->items[i];

		if (k->type == NODE_SCALAR && !strcmp(k->value, key) && strlen(key) == k->len)
			return map->items[i + 1];
	}
	return NULL;
}

static bool get_string(struct loadctx *c, const struct node *n, const char *what,
		       const char **out)
{
	if (!expect_type(c, n, NODE_SCALAR, what))
		return false;
	if (n->len == 0) {
		load_error(c, &n->mark, "'%s' must not be empty", what);
		return false;
	}
	if (memchr(n->value, '\0', n->len)) {
		load_error(c, &n->mark, "'%s' must not contain a NUL byte", what);
		return false;
	}
	*out = n->value;
	return true;
}

static bool parse_uint(const char *s, size_t len, unsigned long long max,
		       unsigned long long *out)
{
	unsigned long long v = 0;
	size_t i;

	if (len == 0 || len > 20)
		return false;
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		if (v > (ULLONG_MAX - (unsigned)(s[i] - '0')) / 10)
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > max)
		return false;
	*out = v;
	return true;
}

static bool get_uint(struct loadctx *c, const struct node *n, const char *what,
		     unsigned long long min, unsigned long long max, unsigned long long *out)
{
	unsigned long long v;

	if (n->type != NODE_SCALAR || !n->plain || !parse_uint(n->value, n->len, ULLONG_MAX, &v)) {
		load_error(c, &n->mark, "'%s' must be an integer", what);
		return false;
	}
	if (v < min || v > max) {
		load_error(c, &n->mark, "'%s' must be between %llu and %llu", what, min, max);
		return false;
	}
	*out = v;
	return true;
}

static bool get_bool(struct loadctx *c, const struct node *n, const char *what, bool *out)
{
	if (n->type == NODE_SCALAR && n->plain && !strcmp(n->value, "true"))
		*out = true;
	else if (n->type == NODE_SCALAR && n->plain && !strcmp(n->value, "false"))
		*out = false;
	else {
		load_error(c, &n->mark, "'%s' must be true or false", what);
		return false;
	}
	return true;
}

/* Match a scalar against names[]; report the choices when it is none of them. */
static bool get_choice(struct loadctx *c, const struct node *n, const char *what,
		       const char *const *names, size_t count, const char *expected, int *out)
{
	const char *s;
	size_t i;

	if (!get_string(c, n, what, &s))
		return false;
	for (i = 0; i < count; i++) {
		if (names[i] && !strcmp(names[i], s)) {
			*out = (int)i;
			return true;
		}
	}
	load_error(c, &n->mark, "unknown %s '%s' (expected %s)", what, s, expected);
	return false;
}

/* --- the schema --- */

static const char *const probe_names[] = { "execve", "sys_enter" };
static const char *const attach_names[] = { "auto", "kprobe", "tracepoint" };
static const char *const mode_names[] = { "stream", "count" };
static const char *const type_names[] = { "stdout", "csv", "syslog", "json" };
static const char *const format_names[] = { "text", "json" };

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

const char *rules_probe_name(enum rt_probe p)
{
	return (unsigned)p < ARRAY_SIZE(probe_names) ? probe_names[p] : "?";
}

const char *rules_attach_name(enum rules_attach a)
{
	return (unsigned)a < ARRAY_SIZE(attach_names) ? attach_names[a] : "?";
}

const char *rules_mode_name(enum rules_mode m)
{
	return (unsigned)m < ARRAY_SIZE(mode_names) ? mode_names[m] : "?";
}

const char *rules_output_type_name(enum rules_output_type t)
{
	return (unsigned)t < ARRAY_SIZE(type_names) ? type_names[t] : "?";
}

int rules_parse_duration(const char *s, uint64_t *ms)
{
	static const struct { const char *suffix; uint64_t ms; } units[] = {
		{ "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { "h", 3600000 }, { "", 1000 },
	};
	unsigned long long v;
	size_t digits = 0, i;

	while (isdigit((unsigned char)s[digits]))
		digits++;
	if (!parse_uint(s, digits, MAX_DURATION_MS, &v) || v == 0)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(units); i++) {
		if (strcmp(s + digits, units[i].suffix))
			continue;
		if (v > MAX_DURATION_MS / units[i].ms)
			return -EINVAL;
		*ms = v * units[i].ms;
		return 0;
	}
	return -EINVAL;
}

static bool valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > RULES_NAME_MAX)
		return false;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		      "0123456789_.-") == n;
}

static void parse_syslog_keys(struct loadctx *c, const struct node *map,
			      struct rules_output *o)
{
	const struct node *n;
	const char *s;
	size_t i;

	if ((n = map_get(map, "ident")) && get_string(c, n, "ident", &s)) {
		if (strlen(s) > IDENT_MAX || strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz0123456789_.-") != strlen(s))
			load_error(c, &n->mark, "ident '%s' must be 1 to %d characters of "
				   "A-Z a-z 0-9 _ . -", s, IDENT_MAX);
		else
			o->ident = xstrdup(s);
	}
	if ((n = map_get(map, "facility")) && get_string(c, n, "facility", &s)) {
		for (i = 0; i < ARRAY_SIZE(facilities); i++)
			if (!strcmp(facilities[i].name, s))
				break;
		if (i < ARRAY_SIZE(facilities))
			o->facility = facilities[i].value;
		else
			load_error(c, &n->mark, "unknown facility '%s' (expected kern, user, "
				   "mail, daemon, auth, syslog, lpr, news, uucp, cron, authpriv, "
				   "ftp or local0 to local7)", s);
	}
	if ((n = map_get(map, "priority"))) {
		int p;

		if (get_choice(c, n, "priority", priority_names, ARRAY_SIZE(priority_names),
			       "emerg, alert, crit, err, warning, notice, info or debug", &p))
			o->priority = p;
	}
	if ((n = map_get(map, "socket")) && get_string(c, n, "socket", &s))
		o->socket = xstrdup(s);
}

static void parse_output(struct loadctx *c, const struct node *key, const struct node *map,
			 struct rules_output *o)
{
	static const char *const stdout_keys[] = { "type", "format", NULL };
	static const char *const file_keys[] = { "type", "path", "append", NULL };
	static const char *const syslog_keys[] = { "type", "ident", "facility", "priority",
						   "socket", NULL };
	static const char *const *keys_of[] = { stdout_keys, file_keys, syslog_keys, file_keys };
	const struct node *n;
	char context[RULES_NAME_MAX + 64];
	const char *s;
	int v;

	snprintf(o->name, sizeof(o->name), "%s", key->value);
	o->mark = key->mark;
	o->facility = LOG_USER;
	o->priority = LOG_INFO;
	if (!valid_name(key->value))
		load_error(c, &key->mark, "output name '%s' must be 1 to %d characters of "
			   "A-Z a-z 0-9 _ . -", key->value, RULES_NAME_MAX);
	snprintf(context, sizeof(context), "output '%s'", o->name);
	if (!expect_type(c, map, NODE_MAP, context))
		return;
	n = map_get(map, "type");
	if (!n) {
		load_error(c, &map->mark, "output '%s' is missing 'type'", o->name);
		return;
	}
	if (!get_choice(c, n, "output type", type_names, ARRAY_SIZE(type_names),
			"stdout, csv, syslog or json", &v))
		return;
	o->type = (enum rules_output_type)v;
	snprintf(context, sizeof(context), "output '%s' of type %s", o->name, type_names[v]);
	check_keys(c, map, context, keys_of[v]);

	if ((n = map_get(map, "format")) &&
	    get_choice(c, n, "format", format_names, ARRAY_SIZE(format_names), "text or json", &v))
		o->format = (enum rules_format)v;
	if (o->type == RULES_OUT_CSV || o->type == RULES_OUT_JSON) {
		n = map_get(map, "path");
		if (!n)
			load_error(c, &map->mark, "output '%s' is missing 'path'", o->name);
		else if (get_string(c, n, "path", &s))
			o->path = xstrdup(s);
		if ((n = map_get(map, "append")))
			get_bool(c, n, "append", &o->append);
	}
	if (o->type == RULES_OUT_SYSLOG)
		parse_syslog_keys(c, map, o);
}

static void parse_outputs(struct loadctx *c, const struct node *map, struct rules *r)
{
	bool have_stdout = false;
	size_t i, n;

	if (map && !expect_type(c, map, NODE_MAP, "outputs"))
		map = NULL;
	n = map ? map->nitems / 2 : 0;
	for (i = 0; i < n; i++)
		if (map->items[2 * i]->type == NODE_SCALAR &&
		    !strcmp(map->items[2 * i]->value, "stdout"))
			have_stdout = true;
	/* An output called stdout always exists: the default for rules that name none. */
	r->noutputs = n + !have_stdout;
	if (r->noutputs > RULES_MAX_OUTPUTS) {
		load_error(c, &map->mark, "too many outputs (at most %d, the implicit 'stdout' "
			   "included)", RULES_MAX_OUTPUTS);
		r->noutputs = 0;
		return;
	}
	r->outputs = xcalloc(r->noutputs, sizeof(*r->outputs));
	if (!have_stdout) {
		snprintf(r->outputs[0].name, sizeof(r->outputs[0].name), "stdout");
		r->outputs[0].type = RULES_OUT_STDOUT;
	}
	if (!map)
		return;
	for (i = 0; i < n; i++) {
		const struct node *key = map->items[2 * i];
		size_t j;

		if (key->type != NODE_SCALAR) {
			load_error(c, &key->mark, "output names must be scalars");
			continue;
		}
		for (j = 0; j < i; j++)
			if (map->items[2 * j]->type == NODE_SCALAR &&
			    !strcmp(map->items[2 * j]->value, key->value))
				break;
		if (j < i) {
			load_error(c, &key->mark, "duplicate output name '%s'", key->value);
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

static void parse_comms(struct loadctx *c, const struct node *seq, const char *what,
			struct rules_filter *f)
{
	size_t i, j;

	if (!expect_type(c, seq, NODE_SEQ, what))
		return;
	if (seq->nitems > RT_MAX_FILTER_KEYS) {
		load_error(c, &seq->mark, "too many entries in '%s' (at most %d)", what,
			   RT_MAX_FILTER_KEYS);
		return;
	}
	f->comm = xcalloc(seq->nitems + 1, sizeof(*f->comm));
	for (i = 0; i < seq->nitems; i++) {
		const struct node *n = seq->items[i];
		const char *s;

		if (!get_string(c, n, what, &s))
			continue;
		if (n->len >= RT_COMM_LEN) {
			load_error(c, &n->mark, "comm '%s' is longer than %d bytes", s,
				   RT_COMM_LEN - 1);
			continue;
		}
		for (j = 0; j < f->ncomm; j++)
			if (!strncmp(f->comm[j], s, RT_COMM_LEN))
				break;
		if (j == f->ncomm)
			memcpy(f->comm[f->ncomm++], s, n->len);
	}
}

/* A list of numbers within [min, max] into a deduplicated array. */
static void parse_numbers(struct loadctx *c, const struct node *seq, const char *what,
			  unsigned long long min, unsigned long long max, uint32_t **out,
			  size_t *count)
{
	unsigned long long v;
	size_t i, j;

	if (!expect_type(c, seq, NODE_SEQ, what))
		return;
	if (seq->nitems > RT_MAX_FILTER_KEYS) {
		load_error(c, &seq->mark, "too many entries in '%s' (at most %d)", what,
			   RT_MAX_FILTER_KEYS);
		return;
	}
	*out = xcalloc(seq->nitems + 1, sizeof(**out));
	for (i = 0; i < seq->nitems; i++) {
		if (!get_uint(c, seq->items[i], what, min, max, &v))
			continue;
		for (j = 0; j < *count; j++)
			if ((*out)[j] == v)
				break;
		if (j == *count)
			(*out)[(*count)++] = (uint32_t)v;
	}
}

/* Syscall names of this architecture into numbers. */
static void parse_syscalls(struct loadctx *c, const struct node *seq, const char *what,
			   struct rules_filter *f)
{
	unsigned long nr;
	size_t i, j;

	if (!expect_type(c, seq, NODE_SEQ, what))
		return;
	f->sys = xcalloc(seq->nitems + 1, sizeof(*f->sys));
	for (i = 0; i < seq->nitems; i++) {
		const struct node *n = seq->items[i];
		const char *s;

		if (!get_string(c, n, what, &s))
			continue;
		if (syscalls_number(s, &nr)) {
			load_error(c, &n->mark, "unknown syscall '%s' on %s", s, RULES_ARCH);
			continue;
		}
		if (nr >= RT_MAX_SYSCALLS) {
			load_error(c, &n->mark, "syscall '%s' is number %lu: the filter "
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

static void parse_filter(struct loadctx *c, const struct node *map, struct rules_rule *rule)
{
	static const char *const keys[] = { "comm", "pid", "uid", "syscalls", "follow",
					    "exclude_comm", "exclude_pid", "exclude_uid",
					    "exclude_syscalls", NULL };
	const struct node *n;

	if (!expect_type(c, map, NODE_MAP, "filter"))
		return;
	check_keys(c, map, "filter", keys);
	if ((n = map_get(map, "comm")))
		parse_comms(c, n, "comm", &rule->include);
	if ((n = map_get(map, "pid")))
		parse_numbers(c, n, "pid", 1, PID_MAX_LIMIT, &rule->include.pid,
			      &rule->include.npid);
	if ((n = map_get(map, "uid")))
		parse_numbers(c, n, "uid", 0, UINT32_MAX - 1, &rule->include.uid,
			      &rule->include.nuid);
	if ((n = map_get(map, "exclude_comm")))
		parse_comms(c, n, "exclude_comm", &rule->exclude);
	if ((n = map_get(map, "exclude_pid")))
		parse_numbers(c, n, "exclude_pid", 1, PID_MAX_LIMIT, &rule->exclude.pid,
			      &rule->exclude.npid);
	if ((n = map_get(map, "exclude_uid")))
		parse_numbers(c, n, "exclude_uid", 0, UINT32_MAX - 1, &rule->exclude.uid,
			      &rule->exclude.nuid);
	if ((n = map_get(map, "follow")) && get_bool(c, n, "follow", &rule->follow) &&
	    rule->follow && !rule->include.npid)
		load_error(c, &n->mark, "'follow' needs a non-empty 'pid' list to follow");
	if ((n = map_get(map, "syscalls")) || (n = map_get(map, "exclude_syscalls"))) {
		if (rule->probe != RT_PROBE_SYS_ENTER) {
			load_error(c, &n->mark, "syscall filters apply only to probe sys_enter");
			return;
		}
	}
	if ((n = map_get(map, "syscalls")))
		parse_syscalls(c, n, "syscalls", &rule->include);
	if ((n = map_get(map, "exclude_syscalls")))
		parse_syscalls(c, n, "exclude_syscalls", &rule->exclude);
}

static void parse_group_by(struct loadctx *c, const struct node *seq, struct rules_rule *rule)
{
	static const char *const names[] = { "comm", "pid", "syscall" };
	size_t i;
	int v;

	if (rule->mode != RULES_MODE_COUNT) {
		load_error(c, &seq->mark, "'group_by' applies only to mode count");
		return;
	}
	if (!expect_type(c, seq, NODE_SEQ, "group_by"))
		return;
	if (seq->nitems == 0) {
		load_error(c, &seq->mark, "'group_by' is empty (use comm, pid, syscall)");
		return;
	}
	rule->group_by = 0;
	for (i = 0; i < seq->nitems; i++)
		if (get_choice(c, seq->items[i], "group_by", names, ARRAY_SIZE(names),
			       "comm, pid or syscall", &v))
			rule->group_by |= 1u << v;
}

static void parse_rule_outputs(struct loadctx *c, const struct node *seq, const struct rules *r,
			       struct rules_rule *rule)
{
	size_t i, j;

	if (!expect_type(c, seq, NODE_SEQ, "outputs"))
		return;
	if (seq->nitems > RULES_MAX_OUTPUTS) {
		load_error(c, &seq->mark, "too many entries in 'outputs' (at most %d)",
			   RULES_MAX_OUTPUTS);
		return;
	}
	for (i = 0; i < seq->nitems; i++) {
		const struct node *n = seq->items[i];
		const char *s;
		int idx;

		if (!get_string(c, n, "outputs", &s))
			continue;
		idx = find_output(r, s);
		if (idx < 0) {
			load_error(c, &n->mark, "unknown output '%s'", s);
			continue;
		}
		for (j = 0; j < rule->noutputs; j++)
			if (rule->outputs[j] == (unsigned)idx)
				break;
		if (j < rule->noutputs) {
			load_error(c, &n->mark, "output '%s' listed twice", s);
			continue;
		}
		rule->outputs[rule->noutputs++] = (unsigned)idx;
	}
}

static void parse_rule(struct loadctx *c, const struct node *map, const struct rules *r,
		       struct rules_rule *rule)
{
	static const char *const keys[] = { "name", "probe", "attach", "mode", "filter",
					    "group_by", "outputs", NULL };
	const struct node *n;
	const char *s;
	int v;

	rule->mark = map->mark;
	if (!expect_type(c, map, NODE_MAP, "rules entries"))
		return;
	check_keys(c, map, "rule", keys);
	if (!(n = map_get(map, "name")))
		load_error(c, &map->mark, "rule is missing 'name'");
	else if (get_string(c, n, "name", &s)) {
		if (!valid_name(s))
			load_error(c, &n->mark, "rule name '%s' must be 1 to %d characters of "
				   "A-Z a-z 0-9 _ . -", s, RULES_NAME_MAX);
		else
			snprintf(rule->name, sizeof(rule->name), "%s", s);
	}
	if (!(n = map_get(map, "probe")))
		load_error(c, &map->mark, "rule is missing 'probe'");
	else if (get_choice(c, n, "probe", probe_names, ARRAY_SIZE(probe_names),
			    "execve or sys_enter", &v))
		rule->probe = (enum rt_probe)v;
	rule->mode = rule->probe == RT_PROBE_SYS_ENTER ? RULES_MODE_COUNT : RULES_MODE_STREAM;
	if ((n = map_get(map, "attach"))) {
		if (rule->probe != RT_PROBE_EXECVE)
			load_error(c, &n->mark, "'attach' applies only to probe execve");
		else if (get_choice(c, n, "attach", attach_names, ARRAY_SIZE(attach_names),
				    "auto, kprobe or tracepoint", &v))
			rule->attach = (enum rules_attach)v;
	}
	if ((n = map_get(map, "mode")) &&
	    get_choice(c, n, "mode", mode_names, ARRAY_SIZE(mode_names), "count or stream", &v)) {
		if (rule->probe == RT_PROBE_EXECVE && v == RULES_MODE_COUNT)
			load_error(c, &n->mark, "mode 'count' is not available for probe execve");
		else
			rule->mode = (enum rules_mode)v;
	}
	if ((n = map_get(map, "filter")))
		parse_filter(c, n, rule);
	rule->group_by = RULES_GROUP_COMM;
	if ((n = map_get(map, "group_by")))
		parse_group_by(c, n, rule);
	if ((n = map_get(map, "outputs")))
		parse_rule_outputs(c, n, r, rule);
	else
		rule->outputs[rule->noutputs++] = (unsigned)find_output(r, "stdout");
}

static void parse_rules(struct loadctx *c, const struct node *seq, struct rules *r)
{
	size_t i, j;

	if (!expect_type(c, seq, NODE_SEQ, "rules"))
		return;
	if (seq->nitems == 0) {
		load_error(c, &seq->mark, "'rules' is empty: at least one rule is needed");
		return;
	}
	if (seq->nitems > RT_MAX_RULES) {
		load_error(c, &seq->items[RT_MAX_RULES]->mark, "too many rules (at most %d)",
			   RT_MAX_RULES);
		return;
	}
	r->nrules = seq->nitems;
	r->rules = xcalloc(r->nrules, sizeof(*r->rules));
	for (i = 0; i < r->nrules; i++) {
		struct rules_rule *rule = &r->rules[i];

		rule->slot = (unsigned)i;
		parse_rule(c, seq->items[i], r, rule);
		for (j = 0; j < i && rule->name[0]; j++) {
			if (strcmp(r->rules[j].name, rule->name))
				continue;
			load_error(c, &map_get(seq->items[i], "name")->mark,
				   "duplicate rule name '%s' (first at %u:%u)", rule->name,
				   r->rules[j].mark.line, r->rules[j].mark.column);
			break;
		}
	}
}

static void parse_top(struct loadctx *c, const struct node *root, struct rules *r)
{
	static const char *const keys[] = { "version", "duration", "interval", "max_events",
					    "outputs", "rules", "summary", NULL };
	static const char *const summary_keys[] = { "top", NULL };
	unsigned long long v;
	const struct node *n;

	if (root->type != NODE_MAP) {
		load_error(c, &root->mark, "a rule file must be a mapping (with version and rules)");
		return;
	}
	check_keys(c, root, "top level", keys);
	n = map_get(root, "version");
	if (!n) {
		load_error(c, &root->mark, "missing 'version' (this ruletrace reads version %d)",
			   RULES_VERSION);
	} else if (n->type != NODE_SCALAR || !n->plain ||
		   !parse_uint(n->value, n->len, ULLONG_MAX, &v)) {
		load_error(c, &n->mark, "'version' must be an integer");
	} else if (v != RULES_VERSION) {
		load_error(c, &n->mark, "unsupported version '%s' (this ruletrace reads "
			   "version %d)", n->value, RULES_VERSION);
	}
	if ((n = map_get(root, "duration"))) {
		if (n->type != NODE_SCALAR || rules_parse_duration(n->value, &r->duration_ms))
			load_error(c, &n->mark, "bad duration '%s' (use e.g. 500ms, 30s, 2m, 1h)",
				   n->type == NODE_SCALAR ? n->value : "?");
	}
	if ((n = map_get(root, "interval"))) {
		if (n->type != NODE_SCALAR || rules_parse_duration(n->value, &r->interval_ms))
			load_error(c, &n->mark, "bad interval '%s' (use e.g. 500ms, 30s, 2m, 1h)",
				   n->type == NODE_SCALAR ? n->value : "?");
	}
	if ((n = map_get(root, "max_events")) &&
	    get_uint(c, n, "max_events", 1, UINT64_MAX, &v))
		r->max_events = v;
	r->summary_top = RULES_DEFAULT_TOP;
	if ((n = map_get(root, "summary")) && expect_type(c, n, NODE_MAP, "summary")) {
		const struct node *top;

		check_keys(c, n, "summary", summary_keys);
		if ((top = map_get(n, "top")) && get_uint(c, top, "top", 1, 1000, &v))
			r->summary_top = (unsigned)v;
	}
	parse_outputs(c, map_get(root, "outputs"), r);
	if (!(n = map_get(root, "rules")))
		load_error(c, &root->mark, "missing 'rules'");
	else
		parse_rules(c, n, r);
}

int rules_load_buffer(const char *name, const char *buf, size_t len, struct rules *out,
		      char *err, size_t errlen)
{
	struct loadctx c = { .name = name };
	struct node *root;

	memset(out, 0, sizeof(*out));
	strbuf_init(&c.err);
	out->path = xstrdup(name);
	root = parse_tree(&c, buf, len);
	if (root)
		parse_top(&c, root, out);
	node_free(root);
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
out:
	free(buf);
	close(fd);
	return ret;
}

static void filter_free(struct rules_filter *f)
{
	free(f->comm);
	free(f->pid);
	free(f->uid);
	free(f->sys);
}

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
