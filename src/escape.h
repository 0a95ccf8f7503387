/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * escape.h - process names, filenames and arguments are attacker-controlled bytes.
 * These turn them into text that is safe where it goes: a terminal or log line, a
 * JSON string, a CSV field, a syslog key=value value, a Prometheus label value.
 * Each appends to a strbuf.
 */
#ifndef ESCAPE_H
#define ESCAPE_H

#include <stddef.h>

#include "util.h"

/*
 * Terminal and log text: printable ASCII and well-formed UTF-8 as they are;
 * backslash as \\, newline, tab and CR as \n \t \r; every other control byte, DEL,
 * C1 control and invalid UTF-8 byte as \xNN. Never a raw control byte.
 */
void escape_text(struct strbuf *sb, const char *s, size_t n);

/*
 * The contents of a JSON string (no quotes): always valid UTF-8 and valid JSON.
 * Invalid UTF-8 bytes become the visible text \xNN (written as \\xNN).
 */
void escape_json(struct strbuf *sb, const char *s, size_t n);

/* The same, in double quotes: a JSON string value. */
void escape_json_string(struct strbuf *sb, const char *s, size_t n);

/*
 * One RFC 4180 field: control bytes other than CR, LF and tab and invalid UTF-8 as
 * \xNN; a value starting with = + - @ tab or CR prefixed with ' (OWASP CSV
 * injection advice); quoted when it holds a comma, quote, CR or LF.
 */
void escape_csv_field(struct strbuf *sb, const char *s, size_t n);

/* A syslog value, always in double quotes: escape_text plus \" and \] (RFC 5424). */
void escape_syslog_value(struct strbuf *sb, const char *s, size_t n);

/*
 * A Prometheus label value (no quotes), in the text exposition format: always
 * valid UTF-8; backslash, double quote and newline as \\ \" \n, the format's only
 * escapes; an invalid UTF-8 byte (and NUL) as the text \xNN (written \\xNN), as
 * JSON strings show it; every other byte as it is. The value reads back as the
 * JSON string of the same bytes decodes (a NUL aside).
 */
void escape_prom_label(struct strbuf *sb, const char *s, size_t n);

/* Length of a kernel comm up to its NUL, at most max. */
size_t escape_comm_len(const char *comm, size_t max);

#endif /* ESCAPE_H */
