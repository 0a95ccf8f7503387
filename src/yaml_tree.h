/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * yaml_tree.h - a YAML document as a small tree of scalars, sequences and
 * mappings, each node with its place in the file, and typed getters that report
 * a wrong type or value as "FILE:LINE:COLUMN: message". The only module that sees
 * libyaml; rules.c reads the schema from this tree. Names start ytree_ because
 * yaml_ is libyaml's namespace.
 */
#ifndef YAML_TREE_H
#define YAML_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rules.h"	/* struct rules_mark and the RULES_MAX_* limits the parse enforces */
#include "util.h"

#define YTREE_SHOW_MAX		80	/* bytes of a value quoted in a message */
#define YTREE_SHOW_SLOTS	4	/* values one message may quote */

enum ytree_type { YTREE_SCALAR, YTREE_SEQ, YTREE_MAP };

struct ytree_node {
	enum ytree_type type;
	struct rules_mark mark;
	char *value;		/* scalar bytes, NUL-terminated (may hold NULs: see len) */
	size_t len;
	bool plain;		/* unquoted scalar: may be a number, a boolean or null */
	struct ytree_node **items;	/* sequence items; mapping keys and values alternating */
	size_t nitems;
	size_t cap;
};

/* The state of one load: where errors go and how many there were. */
struct ytree_ctx {
	const char *name;
	struct strbuf err;
	unsigned nerr;
	size_t nnodes;
	char show[YTREE_SHOW_SLOTS][YTREE_SHOW_MAX + 4];
	unsigned next_show;
};

/*
 * Add "NAME:LINE:COLUMN: message" (1:1 when m is NULL) to c's errors, control
 * characters escaped; counts every error but keeps only the first RULES_MAX_ERRORS.
 */
void ytree_error(struct ytree_ctx *c, const struct rules_mark *m, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* s as a message quotes it: cut after YTREE_SHOW_MAX bytes; valid until the next few calls. */
const char *ytree_show(struct ytree_ctx *c, const char *s);

/*
 * Parse buf into a tree, bounded while it is built (RULES_MAX_DEPTH, RULES_MAX_NODES;
 * anchors, aliases, tags and a second document refused). NULL, with errors in c,
 * when buf is not a tree we accept or is empty.
 */
struct ytree_node *ytree_parse(struct ytree_ctx *c, const char *buf, size_t len);

/* Free a tree from ytree_parse; NULL is fine. */
void ytree_free(struct ytree_node *n);

/* Whether n is of type t; if not, reports "'what' must be a mapping" (or ...) at n. */
bool ytree_expect_type(struct ytree_ctx *c, const struct ytree_node *n, enum ytree_type t,
		       const char *what);

/* Whether k is the scalar key, byte for byte. */
bool ytree_key_is(const struct ytree_node *k, const char *key);

/*
 * Check a mapping's keys: scalars, each one of allowed (NULL-ended, at most 32),
 * none twice; context names the mapping in messages.
 */
void ytree_check_keys(struct ytree_ctx *c, const struct ytree_node *map, const char *context,
		      const char *const *allowed);

/* The value of key in map, or NULL when it has none. */
const struct ytree_node *ytree_map_get(const struct ytree_node *map, const char *key);

/*
 * A non-empty string without NUL bytes into *out (the node's own bytes); entries: n is an
 * item of the list called what, which words the messages.
 */
bool ytree_get_string(struct ytree_ctx *c, const struct ytree_node *n, const char *what,
		      bool entries, const char **out);

/* len decimal digits of s, at most max, into *out; false for anything else. */
bool ytree_parse_uint(const char *s, size_t len, unsigned long long max,
		      unsigned long long *out);

/* Whether n is a plain decimal integer scalar: no sign, no leading zero, unquoted. */
bool ytree_is_integer(const struct ytree_node *n);

/* An integer within [min, max] into *out; entries as for ytree_get_string. */
bool ytree_get_uint(struct ytree_ctx *c, const struct ytree_node *n, const char *what,
		    bool entries, unsigned long long min, unsigned long long max,
		    unsigned long long *out);

/* A plain true or false into *out. */
bool ytree_get_bool(struct ytree_ctx *c, const struct ytree_node *n, const char *what,
		    bool *out);

/*
 * The index in names[] (count of them; NULL entries skipped) of n's string into
 * *out; else "unknown LABEL 'value' (expected EXPECTED)".
 */
bool ytree_get_choice(struct ytree_ctx *c, const struct ytree_node *n, const char *what,
		      const char *label, const char *const *names, size_t count,
		      const char *expected, int *out);

/* Parse "500ms", "30s", "2m", "1h" (a bare number is seconds) into milliseconds. */
int ytree_parse_duration(const char *s, uint64_t *ms);

/* A duration scalar (plain or quoted) into *ms; reports a bad one as "bad WHAT '...'". */
void ytree_get_duration(struct ytree_ctx *c, const struct ytree_node *n, const char *what,
			uint64_t *ms);

#endif /* YAML_TREE_H */
