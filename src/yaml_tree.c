// SPDX-License-Identifier: GPL-2.0-only
/*
 * yaml_tree.c - libyaml's event parser builds a small private tree whose depth
 * and size are bounded while it is built (so absurd files fail fast in bounded
 * memory; aliases are refused, so nothing expands); typed getters read it, each
 * failure an error at the node's mark. Nothing of libyaml leaves this file.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "yaml_tree.h"

#define MAX_DURATION_MS		(365ULL * 24 * 3600 * 1000)

/*
 * A value as a message quotes it: at most YTREE_SHOW_MAX bytes (cut at a character
 * boundary, "..." added). Control characters are escaped later, by ytree_error.
 */
const char *ytree_show(struct ytree_ctx *c, const char *s)
{
	char *out = c->show[c->next_show++ % YTREE_SHOW_SLOTS];
	size_t n = strlen(s);

	if (n <= YTREE_SHOW_MAX)
		return s;
	n = YTREE_SHOW_MAX;
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

/* Counted always, kept only up to RULES_MAX_ERRORS: a file of a million faults stays cheap. */
void ytree_error(struct ytree_ctx *c, const struct rules_mark *m, const char *fmt, ...)
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

/* Free n and everything under it. */
void ytree_free(struct ytree_node *n)
{
	size_t i;

	if (!n)
		return;
	for (i = 0; i < n->nitems; i++)
		ytree_free(n->items[i]);
	free(n->items);
	free(n->value);
	free(n);
}

static struct rules_mark mark_of(const yaml_mark_t *m)
{
	struct rules_mark r = { (unsigned)m->line + 1, (unsigned)m->column + 1 };

	return r;
}

static void node_append(struct ytree_node *parent, struct ytree_node *child)
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

static void syntax_error(struct ytree_ctx *c, const yaml_parser_t *p, const char *buf,
			 size_t len)
{
	struct rules_mark m = mark_of(p->problem ? &p->problem_mark : &p->context_mark);

	if (p->error == YAML_READER_ERROR)
		m = mark_at_offset(buf, len, p->problem_offset);

	if (p->context)
		ytree_error(c, &m, "YAML syntax error: %s (%s)",
			    p->problem ? p->problem : "unknown problem", p->context);
	else
		ytree_error(c, &m, "YAML syntax error: %s",
			    p->problem ? p->problem : "unknown problem");
}

/* A node from a scalar, sequence-start or mapping-start event; NULL (reported) if refused. */
static struct ytree_node *node_from_event(struct ytree_ctx *c, const yaml_event_t *ev)
{
	struct rules_mark m = mark_of(&ev->start_mark);
	const yaml_char_t *anchor, *tag;
	struct ytree_node *n;

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
		ytree_error(c, &m, "anchors are not supported");
		return NULL;
	}
	/* A tag could make "123" an integer or 123 a string: the schema decides types. */
	if (tag) {
		ytree_error(c, &m, "tags are not supported");
		return NULL;
	}
	if (++c->nnodes > RULES_MAX_NODES) {
		ytree_error(c, &m, "more than %d YAML nodes", RULES_MAX_NODES);
		return NULL;
	}
	n = xcalloc(1, sizeof(*n));
	n->mark = m;
	if (ev->type == YAML_SCALAR_EVENT) {
		n->type = YTREE_SCALAR;
		n->len = ev->data.scalar.length;
		n->value = xstrndup((const char *)ev->data.scalar.value, n->len);
		n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	} else {
		n->type = ev->type == YAML_SEQUENCE_START_EVENT ? YTREE_SEQ : YTREE_MAP;
	}
	return n;
}

/* Parse buf into a tree; NULL with errors in c when it is not a YAML tree we accept. */
struct ytree_node *ytree_parse(struct ytree_ctx *c, const char *buf, size_t len)
{
	struct ytree_node *stack[RULES_MAX_DEPTH], *root = NULL, *n;
	yaml_parser_t parser;
	yaml_event_t ev;
	size_t depth = 0;
	unsigned docs = 0;
	bool done = false, failed = false;

	if (!yaml_parser_initialize(&parser)) {
		ytree_error(c, NULL, "cannot initialise the YAML parser");
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
				ytree_error(c, &m, "YAML syntax error: the file is UTF-16, "
					    "not UTF-8");
				failed = true;
			}
			break;
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1) {
				ytree_error(c, &m, "more than one YAML document");
				failed = true;
			}
			break;
		case YAML_ALIAS_EVENT:
			ytree_error(c, &m, "aliases are not supported");
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
			if (n->type == YTREE_SCALAR)
				break;
			if (depth >= RULES_MAX_DEPTH) {
				ytree_error(c, &m, "nested more than %d levels deep",
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
	if (!failed && root && root->type == YTREE_SCALAR && root->plain && !root->len) {
		ytree_free(root);
		root = NULL;
	}
	if (failed) {
		ytree_free(root);
		return NULL;
	}
	if (!root)
		ytree_error(c, NULL, "empty rule file");
	return root;
}

/* --- typed access to the tree, each failure an error at the node's mark --- */

static const char *type_name(enum ytree_type t)
{
	return t == YTREE_MAP ? "a mapping" : t == YTREE_SEQ ? "a sequence" : "a scalar";
}

/* Whether n has type t; reports it at n when not. */
bool ytree_expect_type(struct ytree_ctx *c, const struct ytree_node *n, enum ytree_type t,
		       const char *what)
{
	if (n->type == t)
		return true;
	ytree_error(c, &n->mark, "'%s' must be %s", what, type_name(t));
	return false;
}

/* Whether k is a scalar equal to key (a key with a NUL byte in it never is). */
bool ytree_key_is(const struct ytree_node *k, const char *key)
{
	return k->type == YTREE_SCALAR && strlen(key) == k->len && !memcmp(k->value, key, k->len);
}

/*
 * Check a mapping's keys: scalars, each one of allowed (NULL-ended, at most 16),
 * none twice. Linear in the keys, so a mapping of a million junk keys costs little.
 */
void ytree_check_keys(struct ytree_ctx *c, const struct ytree_node *map, const char *context,
		      const char *const *allowed)
{
	const struct ytree_node *seen[32] = { NULL };
	size_t i, a;

	for (i = 0; i + 1 < map->nitems; i += 2) {
		const struct ytree_node *k = map->items[i];
		struct strbuf list;

		if (k->type != YTREE_SCALAR) {
			ytree_error(c, &k->mark, "keys in %s must be scalars", context);
			continue;
		}
		for (a = 0; allowed[a] && a < ARRAY_SIZE(seen); a++)
			if (ytree_key_is(k, allowed[a]))
				break;
		if (allowed[a] && a < ARRAY_SIZE(seen)) {
			if (seen[a])
				ytree_error(c, &k->mark, "duplicate key '%s'",
					    ytree_show(c, k->value));
			else
				seen[a] = k;
			continue;
		}
		strbuf_init(&list);
		for (a = 0; allowed[a]; a++)
			strbuf_addf(&list, "%s%s", a ? ", " : "", allowed[a]);
		ytree_error(c, &k->mark, "unknown key '%s' in %s (expected one of: %s)",
			    ytree_show(c, k->value), context, list.buf);
		strbuf_free(&list);
	}
}

/* The value of the first key equal to key; check_keys has reported any second. */
const struct ytree_node *ytree_map_get(const struct ytree_node *map, const char *key)
{
	size_t i;

	for (i = 0; i + 1 < map->nitems; i += 2)
		if (ytree_key_is(map->items[i], key))
			return map->items[i + 1];
	return NULL;
}

/* A non-empty string without NUL bytes; entries: n is an item of the list called what. */
bool ytree_get_string(struct ytree_ctx *c, const struct ytree_node *n, const char *what,
		      bool entries, const char **out)
{
	if (n->type != YTREE_SCALAR) {
		ytree_error(c, &n->mark, entries ? "'%s' entries must be strings" :
			    "'%s' must be a string", what);
		return false;
	}
	if (n->len == 0) {
		ytree_error(c, &n->mark, entries ? "'%s' entries must not be empty" :
			    "'%s' must not be empty", what);
		return false;
	}
	if (memchr(n->value, '\0', n->len)) {
		ytree_error(c, &n->mark, entries ? "'%s' entries must not contain a NUL byte" :
			    "'%s' must not contain a NUL byte", what);
		return false;
	}
	*out = n->value;
	return true;
}

/* Only digits, no sign or space: strtoull would take " -1" as a huge number. */
bool ytree_parse_uint(const char *s, size_t len, unsigned long long max,
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
bool ytree_is_integer(const struct ytree_node *n)
{
	if (n->type != YTREE_SCALAR || !n->plain || n->len == 0)
		return false;
	if (strspn(n->value, "0123456789") != n->len)
		return false;
	return n->len == 1 || n->value[0] != '0';
}

/* Not an integer, out of range and too large each get their own message. */
bool ytree_get_uint(struct ytree_ctx *c, const struct ytree_node *n, const char *what,
		    bool entries, unsigned long long min, unsigned long long max,
		    unsigned long long *out)
{
	unsigned long long v;

	if (!ytree_is_integer(n)) {
		ytree_error(c, &n->mark, entries ? "'%s' entries must be integers" :
			    "'%s' must be an integer", what);
		return false;
	}
	if (ytree_parse_uint(n->value, n->len, max, &v) && v >= min) {
		*out = v;
		return true;
	}
	if (max != ULLONG_MAX)
		ytree_error(c, &n->mark, entries ? "'%s' entries must be between %llu and %llu" :
			    "'%s' must be between %llu and %llu", what, min, max);
	else if (ytree_parse_uint(n->value, n->len, max, &v))
		ytree_error(c, &n->mark, entries ? "'%s' entries must be at least %llu" :
			    "'%s' must be at least %llu", what, min);
	else
		ytree_error(c, &n->mark, entries ? "'%s' entries must be at most %llu" :
			    "'%s' must be at most %llu", what, max);
	return false;
}

/* Only plain true and false: YAML 1.1's yes, on and quoted "true" are refused. */
bool ytree_get_bool(struct ytree_ctx *c, const struct ytree_node *n, const char *what,
		    bool *out)
{
	if (n->type == YTREE_SCALAR && n->plain && ytree_key_is(n, "true"))
		*out = true;
	else if (n->type == YTREE_SCALAR && n->plain && ytree_key_is(n, "false"))
		*out = false;
	else {
		ytree_error(c, &n->mark, "'%s' must be true or false", what);
		return false;
	}
	return true;
}

/*
 * Match the value of key what (label names it in messages) against names[];
 * report the choices when it is none of them.
 */
bool ytree_get_choice(struct ytree_ctx *c, const struct ytree_node *n, const char *what,
		      const char *label, const char *const *names, size_t count,
		      const char *expected, int *out)
{
	const char *s;
	size_t i;

	if (!ytree_get_string(c, n, what, false, &s))
		return false;
	for (i = 0; i < count; i++) {
		if (names[i] && !strcmp(names[i], s)) {
			*out = (int)i;
			return true;
		}
	}
	ytree_error(c, &n->mark, "unknown %s '%s' (expected %s)", label, ytree_show(c, s),
		    expected);
	return false;
}

/* Digits then ms, s, m, h or nothing (seconds); over 0, at most a year; *ms kept on error. */
int ytree_parse_duration(const char *s, uint64_t *ms)
{
	static const struct { const char *suffix; uint64_t ms; } units[] = {
		{ "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { "h", 3600000 }, { "", 1000 },
	};
	unsigned long long v;
	size_t digits = 0, i;

	while (isdigit((unsigned char)s[digits]))
		digits++;
	if (!ytree_parse_uint(s, digits, MAX_DURATION_MS, &v) || v == 0)
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

/* A duration value: a plain or quoted scalar ytree_parse_duration takes. */
void ytree_get_duration(struct ytree_ctx *c, const struct ytree_node *n, const char *what,
			uint64_t *ms)
{
	if (n->type == YTREE_SCALAR && !memchr(n->value, '\0', n->len) &&
	    !ytree_parse_duration(n->value, ms))
		return;
	ytree_error(c, &n->mark, "bad %s '%s' (use e.g. 500ms, 30s, 2m, 1h)", what,
		    n->type == YTREE_SCALAR ? ytree_show(c, n->value) : "?");
}
