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
#define SHOW_MAX		80		/* bytes of a value quoted in a message */
#define SHOW_SLOTS		4		/* values one message may quote */

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
	size_t cap;
};

/* The state of one load: where errors go and how many there were. */
struct loadctx {
	const char *name;
	struct strbuf err;
	unsigned nerr;
	size_t nnodes;
	char show[SHOW_SLOTS][SHOW_MAX + 4];
	unsigned next_show;
};

/*
 * A value as a message quotes it: at most SHOW_MAX bytes (cut at a character
 * boundary, "..." added). Control characters are escaped later, by load_error.
 */
static const char *show(struct loadctx *c, const char *s)
{
	char *out = c->show[c->next_show++ % SHOW_SLOTS];
	size_t n = strlen(s);

	if (n <= SHOW_MAX)
		return s;
	n = SHOW_MAX;
	while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	memcpy(out, s, n);
	memcpy(out + n, "...", 4);
	return out;
}

/* Append msg with control characters (C0, DEL, C1) as \xNN: one line, no escapes. */
static void add_printable(struct strbuf *sb, const char *msg)
{
	const unsigned char *p = (const unsigned char *)msg;

	for (; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			strbuf_addf(sb, "\\x%02x", *p);
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			strbuf_addf(sb, "\\x%02x", *++p);
		else
			strbuf_addc(sb, (char)*p);
	}
}

static void __attribute__((format(printf, 3, 4)))
load_error(struct loadctx *c, const struct rules_mark *m, const char *fmt, ...)
{
	struct strbuf msg;
	va_list ap;

	if (c->nerr++ >= RULES_MAX_ERRORS)
		return;
	strbuf_init(&msg);
	va_start(ap, fmt);
	strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	strbuf_addf(&c->err, "%s:%u:%u: ", c->name, m ? m->line : 1, m ? m->column : 1);
	add_printable(&c->err, msg.buf);
	strbuf_addc(&c->err, '\n');
	strbuf_free(&msg);
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
	if (parent->nitems == parent->cap) {
		parent->cap = parent->cap ? 2 * parent->cap : 8;
		parent->items = xreallocarray(parent->items, parent->cap, sizeof(*parent->items));
	}
	parent->items[parent->nitems++] = child;
}

/* Line and column of byte offset off in buf: libyaml's reader errors give only that. */
static struct rules_mark mark_at_offset(const char *buf, size_t len, size_t off)
{
	struct rules_mark m = { 1, 1 };
	size_t i = 0;

	/* libyaml's marks do not count a UTF-8 byte order mark. */
	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
		i = 3;
	for (; i < off && i < len; i++) {
		if (buf[i] == '\n' || (buf[i] == '\r' && (i + 1 >= len || buf[i + 1] != '\n'))) {
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

/* A node from a scalar, sequence-start or mapping-start event; NULL (reported) if refused. */
static struct node *node_from_event(struct loadctx *c, const yaml_event_t *ev)
{
	struct rules_mark m = mark_of(&ev->start_mark);
	const yaml_char_t *anchor, *tag;
	struct node *n;

	if (ev->type == YAML_SCALAR_EVENT) {
		anchor = ev->data.scalar.anchor;
		tag = ev->data.scalar.tag;
	} else if (ev->type == YAML_SEQUENCE_START_EVENT) {
		anchor = ev->data.sequence_start.anchor;
		tag = ev->data.sequence_start.tag;
	} else {
		anchor = ev->data.mapping_start.anchor;
		tag = ev->data.mapping_start.tag;
	}
	if (anchor) {
		load_error(c, &m, "anchors are not supported");
		return NULL;
	}
	/* A tag could make "123" an integer or 123 a string: the schema decides types. */
	if (tag) {
		load_error(c, &m, "tags are not supported");
		return NULL;
	}
	if (++c->nnodes > RULES_MAX_NODES) {
		load_error(c, &m, "more than %d YAML nodes", RULES_MAX_NODES);
		return NULL;
	}
	n = xcalloc(1, sizeof(*n));
	n->mark = m;
	if (ev->type == YAML_SCALAR_EVENT) {
		n->type = NODE_SCALAR;
		n->len = ev->data.scalar.length;
		n->value = xstrndup((const char *)ev->data.scalar.value, n->len);
		n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	} else {
		n->type = ev->type == YAML_SEQUENCE_START_EVENT ? NODE_SEQ : NODE_MAP;
	}
	return n;
}

/* Parse buf into a tree; NULL with errors in c when it is not a YAML tree we accept. */
static struct node *parse_tree(struct loadctx *c, const char *buf, size_t len)
{
	struct node *stack[RULES_MAX_DEPTH], *root = NULL, *n;
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
		switch (ev.type) {
		case YAML_STREAM_START_EVENT:
			/* libyaml would decode UTF-16 after a byte order mark. */
			if (ev.data.stream_start.encoding != YAML_UTF8_ENCODING &&
			    ev.data.stream_start.encoding != YAML_ANY_ENCODING) {
				load_error(c, &m, "YAML syntax error: the file is UTF-16, "
					   "not UTF-8");
				failed = true;
			}
			break;
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
		case YAML_MAPPING_START_EVENT:
			n = node_from_event(c, &ev);
			if (!n) {
				failed = true;
				break;
			}
			if (depth)
				node_append(stack[depth - 1], n);
			else
				root = n;
			if (n->type == NODE_SCALAR)
				break;
			if (depth >= RULES_MAX_DEPTH) {
				load_error(c, &m, "nested more than %d levels deep",
					   RULES_MAX_DEPTH);
				failed = true;
				break;
			}
			stack[depth++] = n;
			break;
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
	/* "---" alone, or only comments after it, is as empty as no document at all. */
	if (!failed && root && root->type == NODE_SCALAR && root->plain && !root->len) {
		node_free(root);
		root = NULL;
	}
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

static bool key_is(const struct node *k, const char *key)
{
	return k->type == NODE_SCALAR && strlen(key) == k->len && !memcmp(k->value, key, k->len);
}

/*
 * Check a mapping's keys: scalars, each one of allowed (NULL-ended, at most 16),
 * none twice. Linear in the keys, so a mapping of a million junk keys costs little.
 */
static void check_keys(struct loadctx *c, const struct node *map, const char *context,
		       const char *const *allowed)
{
	const struct node *seen[16] = { NULL };
	size_t i, a;

	for (i = 0; i + 1 < map->nitems; i += 2) {
		const struct node *k = map->items[i];
		struct strbuf list;

		if (k->type != NODE_SCALAR) {
			load_error(c, &k->mark, "keys in %s must be scalars", context);
			continue;
		}
		for (a = 0; allowed[a] && a < ARRAY_SIZE(seen); a++)
			if (key_is(k, allowed[a]))
				break;
		if (allowed[a] && a < ARRAY_SIZE(seen)) {
			if (seen[a])
				load_error(c, &k->mark, "duplicate key '%s'", show(c, k->value));
			else
				seen[a] = k;
			continue;
		}
		strbuf_init(&list);
		for (a = 0; allowed[a]; a++)
			strbuf_addf(&list, "%s%s", a ? ", " : "", allowed[a]);
		load_error(c, &k->mark, "unknown key '%s' in %s (expected one of: %s)",
			   show(c, k->value), context, list.buf);
		strbuf_free(&list);
	}
}

static const struct node *map_get(const struct node *map, const char *key)
{
	size_t i;

	for (i = 0; i + 1 < map->nitems; i += 2)
		if (key_is(map->items[i], key))
			return map->items[i + 1];
	return NULL;
}

/* A non-empty string without NUL bytes; entries: n is an item of the list called what. */
static bool get_string(struct loadctx *c, const struct node *n, const char *what,
		       bool entries, const char **out)
{
	if (n->type != NODE_SCALAR) {
		load_error(c, &n->mark, entries ? "'%s' entries must be strings" :
			   "'%s' must be a string", what);
		return false;
	}
	if (n->len == 0) {
		load_error(c, &n->mark, entries ? "'%s' entries must not be empty" :
			   "'%s' must not be empty", what);
		return false;
	}
	if (memchr(n->value, '\0', n->len)) {
		load_error(c, &n->mark, entries ? "'%s' entries must not contain a NUL byte" :
			   "'%s' must not contain a NUL byte", what);
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

/*
 * Whether n is a YAML integer as this schema takes them: plain (a quoted "12" is a
 * string), decimal digits only, no sign, no leading zero (YAML 1.1 reads 010 as 8).
 */
static bool is_integer(const struct node *n)
{
	if (n->type != NODE_SCALAR || !n->plain || n->len == 0)
		return false;
	if (strspn(n->value, "0123456789") != n->len)
		return false;
	return n->len == 1 || n->value[0] != '0';
}

static bool get_uint(struct loadctx *c, const struct node *n, const char *what, bool entries,
		     unsigned long long min, unsigned long long max, unsigned long long *out)
{
	unsigned long long v;

	if (!is_integer(n)) {
		load_error(c, &n->mark, entries ? "'%s' entries must be integers" :
			   "'%s' must be an integer", what);
		return false;
	}
	if (parse_uint(n->value, n->len, max, &v) && v >= min) {
		*out = v;
		return true;
	}
	if (max != ULLONG_MAX)
		load_error(c, &n->mark, entries ? "'%s' entries must be between %llu and %llu" :
			   "'%s' must be between %llu and %llu", what, min, max);
	else if (parse_uint(n->value, n->len, max, &v))
		load_error(c, &n->mark, entries ? "'%s' entries must be at least %llu" :
			   "'%s' must be at least %llu", what, min);
	else
		load_error(c, &n->mark, entries ? "'%s' entries must be at most %llu" :
			   "'%s' must be at most %llu", what, max);
	return false;
}

static bool get_bool(struct loadctx *c, const struct node *n, const char *what, bool *out)
{
	if (n->type == NODE_SCALAR && n->plain && key_is(n, "true"))
		*out = true;
	else if (n->type == NODE_SCALAR && n->plain && key_is(n, "false"))
		*out = false;
	else {
		load_error(c, &n->mark, "'%s' must be true or false", what);
		return false;
	}
	return true;
}

/*
 * Match the value of key what (label names it in messages) against names[];
 * report the choices when it is none of them.
 */
static bool get_choice(struct loadctx *c, const struct node *n, const char *what,
		       const char *label, const char *const *names, size_t count,
		       const char *expected, int *out)
{
	const char *s;
	size_t i;

	if (!get_string(c, n, what, false, &s))
		return false;
	for (i = 0; i < count; i++) {
		if (names[i] && !strcmp(names[i], s)) {
			*out = (int)i;
			return true;
		}
	}
	load_error(c, &n->mark, "unknown %s '%s' (expected %s)", label, show(c, s), expected);
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
_Static_assert(LOG_EMERG == 0 && LOG_DEBUG == 7, "priority_names[] is indexed by LOG_*");

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

/* "stdout", "csv", "syslog" or "json"; "?" for anything else. */
const char *rules_output_type_name(enum rules_output_type t)
{
	return (unsigned)t < ARRAY_SIZE(type_names) ? type_names[t] : "?";
}

/* Digits then ms, s, m, h or nothing (seconds); over 0, at most a year; *ms kept on error. */
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

static bool valid_name(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max)
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
	int p;

	if ((n = map_get(map, "ident")) && get_string(c, n, "ident", false, &s)) {
		if (!valid_name(s, IDENT_MAX))
			load_error(c, &n->mark, "ident '%s' must be 1 to %d characters of "
				   "A-Z a-z 0-9 _ . -", show(c, s), IDENT_MAX);
		else
			o->ident = xstrdup(s);
	}
	if ((n = map_get(map, "facility")) && get_string(c, n, "facility", false, &s)) {
		for (i = 0; i < ARRAY_SIZE(facilities); i++)
			if (!strcmp(facilities[i].name, s))
				break;
		if (i < ARRAY_SIZE(facilities))
			o->facility = facilities[i].value;
		else
			load_error(c, &n->mark, "unknown facility '%s' (expected kern, user, "
				   "mail, daemon, auth, syslog, lpr, news, uucp, cron, authpriv, "
				   "ftp or local0 to local7)", show(c, s));
	}
	/* The names are in LOG_EMERG (0) to LOG_DEBUG (7) order. */
	if ((n = map_get(map, "priority")) &&
	    get_choice(c, n, "priority", "priority", priority_names, ARRAY_SIZE(priority_names),
		       "emerg, alert, crit, err, warning, notice, info or debug", &p))
		o->priority = p;
	if ((n = map_get(map, "socket")) && get_string(c, n, "socket", false, &s))
		o->socket = xstrdup(s);
	if (!o->ident)
		o->ident = xstrdup("ruletrace");
	if (!o->socket)
		o->socket = xstrdup("/dev/log");
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
	if (!valid_name(key->value, RULES_NAME_MAX) || memchr(key->value, '\0', key->len))
		load_error(c, &key->mark, "output name '%s' must be 1 to %d characters of "
			   "A-Z a-z 0-9 _ . -", show(c, key->value), RULES_NAME_MAX);
	if (map->type != NODE_MAP) {
		load_error(c, &map->mark, "output '%s' must be a mapping", o->name);
		return;
	}
	n = map_get(map, "type");
	if (!n) {
		load_error(c, &map->mark, "output '%s' is missing 'type'", o->name);
		return;
	}
	if (!get_choice(c, n, "type", "output type", type_names, ARRAY_SIZE(type_names),
			"stdout, csv, syslog or json", &v))
		return;
	o->type = (enum rules_output_type)v;
	snprintf(context, sizeof(context), "output '%s' of type %s", o->name, type_names[v]);
	check_keys(c, map, context, keys_of[v]);

	if ((n = map_get(map, "format")) &&
	    get_choice(c, n, "format", "format", format_names, ARRAY_SIZE(format_names),
		       "text or json", &v))
		o->format = (enum rules_format)v;
	if (o->type == RULES_OUT_CSV || o->type == RULES_OUT_JSON) {
		n = map_get(map, "path");
		if (!n)
			load_error(c, &map->mark, "output '%s' is missing 'path'", o->name);
		else if (get_string(c, n, "path", false, &s))
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
		if (key_is(map->items[2 * i], "stdout"))
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
		r->outputs[0].format = RULES_FORMAT_TEXT;
	}
	for (i = 0; i < n; i++) {
		const struct node *key = map->items[2 * i];
		size_t j;

		if (key->type != NODE_SCALAR) {
			load_error(c, &key->mark, "output names must be scalars");
			continue;
		}
		for (j = 0; j < i; j++)
			if (key_is(map->items[2 * j], key->value))
				break;
		if (j < i) {
			load_error(c, &key->mark, "duplicate output name '%s' (first at %u:%u)",
				   show(c, key->value), map->items[2 * j]->mark.line,
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
static bool check_list(struct loadctx *c, const struct node *seq, const char *what)
{
	if (!expect_type(c, seq, NODE_SEQ, what))
		return false;
	if (seq->nitems > RT_MAX_FILTER_KEYS) {
		load_error(c, &seq->mark, "too many entries in '%s' (at most %d)", what,
			   RT_MAX_FILTER_KEYS);
		return false;
	}
	return true;
}

static void parse_comms(struct loadctx *c, const struct node *seq, const char *what,
			struct rules_filter *f)
{
	size_t i, j;

	if (!check_list(c, seq, what))
		return;
	f->comm = xcalloc(seq->nitems + 1, sizeof(*f->comm));
	for (i = 0; i < seq->nitems; i++) {
		const struct node *n = seq->items[i];
		const char *s;

		if (!get_string(c, n, what, true, &s))
			continue;
		if (n->len >= RT_COMM_LEN) {
			load_error(c, &n->mark, "comm '%s' is longer than %d bytes", show(c, s),
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

	if (!check_list(c, seq, what))
		return;
	*out = xcalloc(seq->nitems + 1, sizeof(**out));
	for (i = 0; i < seq->nitems; i++) {
		if (!get_uint(c, seq->items[i], what, true, min, max, &v))
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

	if (!check_list(c, seq, what))
		return;
	f->sys = xcalloc(seq->nitems + 1, sizeof(*f->sys));
	for (i = 0; i < seq->nitems; i++) {
		const struct node *n = seq->items[i];
		const char *s;

		if (!get_string(c, n, what, true, &s))
			continue;
		if (syscalls_number(s, &nr)) {
			load_error(c, &n->mark, "unknown syscall '%s' on %s", show(c, s),
				   RULES_ARCH);
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
		if (get_choice(c, seq->items[i], "group_by", "group_by", names, ARRAY_SIZE(names),
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

		if (!get_string(c, n, "outputs", true, &s))
			continue;
		idx = find_output(r, s);
		if (idx < 0) {
			load_error(c, &n->mark, "unknown output '%s'", show(c, s));
			continue;
		}
		for (j = 0; j < rule->noutputs; j++)
			if (rule->outputs[j] == (unsigned)idx)
				break;
		if (j < rule->noutputs) {
			load_error(c, &n->mark, "output '%s' listed twice", show(c, s));
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
	if (map->type != NODE_MAP) {
		load_error(c, &map->mark, "'rules' entries must be mappings");
		return;
	}
	check_keys(c, map, "rule", keys);
	if (!(n = map_get(map, "name")))
		load_error(c, &map->mark, "rule is missing 'name'");
	else if (get_string(c, n, "name", false, &s)) {
		if (!valid_name(s, RULES_NAME_MAX))
			load_error(c, &n->mark, "rule name '%s' must be 1 to %d characters of "
				   "A-Z a-z 0-9 _ . -", show(c, s), RULES_NAME_MAX);
		else
			snprintf(rule->name, sizeof(rule->name), "%s", s);
	}
	if (!(n = map_get(map, "probe")))
		load_error(c, &map->mark, "rule is missing 'probe'");
	else if (get_choice(c, n, "probe", "probe", probe_names, ARRAY_SIZE(probe_names),
			    "execve or sys_enter", &v))
		rule->probe = (enum rt_probe)v;
	rule->mode = rule->probe == RT_PROBE_SYS_ENTER ? RULES_MODE_COUNT : RULES_MODE_STREAM;
	if ((n = map_get(map, "attach"))) {
		if (rule->probe != RT_PROBE_EXECVE)
			load_error(c, &n->mark, "'attach' applies only to probe execve");
		else if (get_choice(c, n, "attach", "attach", attach_names,
				    ARRAY_SIZE(attach_names), "auto, kprobe or tracepoint", &v))
			rule->attach = (enum rules_attach)v;
	}
	if ((n = map_get(map, "mode")) &&
	    get_choice(c, n, "mode", "mode", mode_names, ARRAY_SIZE(mode_names),
		       "count or stream", &v)) {
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
	else if ((v = find_output(r, "stdout")) >= 0)
		rule->outputs[rule->noutputs++] = (unsigned)v;
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

/* A duration value: a plain or quoted scalar rules_parse_duration takes. */
static void parse_duration_key(struct loadctx *c, const struct node *n, const char *what,
			       uint64_t *ms)
{
	if (n->type == NODE_SCALAR && !memchr(n->value, '\0', n->len) &&
	    !rules_parse_duration(n->value, ms))
		return;
	load_error(c, &n->mark, "bad %s '%s' (use e.g. 500ms, 30s, 2m, 1h)", what,
		   n->type == NODE_SCALAR ? show(c, n->value) : "?");
}

static void parse_top(struct loadctx *c, const struct node *root, struct rules *r)
{
	static const char *const keys[] = { "version", "duration", "interval", "max_events",
					    "outputs", "rules", "summary", NULL };
	static const char *const summary_keys[] = { "top", NULL };
	unsigned long long v;
	const struct node *n;

	if (root->type != NODE_MAP) {
		load_error(c, &root->mark,
			   "a rule file must be a mapping (with version and rules)");
		return;
	}
	check_keys(c, root, "top level", keys);
	n = map_get(root, "version");
	if (!n)
		load_error(c, &root->mark, "missing 'version' (this ruletrace reads version %d)",
			   RULES_VERSION);
	else if (!is_integer(n))
		load_error(c, &n->mark, "'version' must be an integer");
	else if (!parse_uint(n->value, n->len, ULLONG_MAX, &v) || v != RULES_VERSION)
		load_error(c, &n->mark, "unsupported version '%s' (this ruletrace reads "
			   "version %d)", show(c, n->value), RULES_VERSION);
	if ((n = map_get(root, "duration")))
		parse_duration_key(c, n, "duration", &r->duration_ms);
	if ((n = map_get(root, "interval")))
		parse_duration_key(c, n, "interval", &r->interval_ms);
	if ((n = map_get(root, "max_events")) &&
	    get_uint(c, n, "max_events", false, 1, UINT64_MAX, &v))
		r->max_events = v;
	r->max_counters = RT_COUNT_ENTRIES;
	r->summary_top = RULES_DEFAULT_TOP;
	if ((n = map_get(root, "summary")) && expect_type(c, n, NODE_MAP, "summary")) {
		const struct node *top;

		check_keys(c, n, "summary", summary_keys);
		if ((top = map_get(n, "top")) && get_uint(c, top, "top", false, 1, 1000, &v))
			r->summary_top = (unsigned)v;
	}
	parse_outputs(c, map_get(root, "outputs"), r);
	if (!(n = map_get(root, "rules")))
		load_error(c, &root->mark, "missing 'rules'");
	else
		parse_rules(c, n, r);
}

/* Parse buf into a tree, walk it against the schema, and hand back all or nothing. */
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

static void filter_free(struct rules_filter *f)
{
	free(f->comm);
	free(f->pid);
	free(f->uid);
	free(f->sys);
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
