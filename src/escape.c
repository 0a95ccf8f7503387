// SPDX-License-Identifier: GPL-2.0-only
/*
 * escape.c - untrusted bytes to safe text for terminals, JSON, CSV, syslog and
 * Prometheus labels.
 */
#include <stdbool.h>
#include <string.h>

#include "escape.h"

/*
 * Length of the well-formed UTF-8 sequence at s (at most n bytes), or 0 when the
 * byte at s does not start one: overlongs, surrogates, > U+10FFFF and truncated
 * sequences are all invalid. *cp receives the code point.
 */
static size_t utf8_seq(const unsigned char *s, size_t n, unsigned *cp)
{
	unsigned c = s[0], min, v;
	size_t len, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2, min = 0x80, v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3, min = 0x800, v = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4, min = 0x10000, v = c & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

static void add_hex(struct strbuf *sb, const char *prefix, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";

	strbuf_adds(sb, prefix);
	strbuf_addc(sb, hex[c >> 4]);
	strbuf_addc(sb, hex[c & 0xf]);
}

/* Policy shared by text, CSV and syslog: which bytes pass, which become \xNN. */
enum text_flavour {
	TEXT_PLAIN,	/* terminal and log lines */
	TEXT_CSV,	/* CR, LF, tab and backslash kept: the field is quoted instead */
	TEXT_SYSLOG,	/* plain, plus \" and \] */
};

static void escape_flavour(struct strbuf *sb, const char *str, size_t n,
			   enum text_flavour fl)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, len;
	unsigned cp;

	while (i < n) {
		unsigned char c = s[i];

		len = utf8_seq(s + i, n - i, &cp);
		if (len > 1 && cp >= 0x80 && cp <= 0x9f)
			len = 0;	/* C1 controls: CSI and friends reach terminals */
		if (len > 1) {
			strbuf_add(sb, s + i, len);
			i += len;
			continue;
		}
		i++;
		if (len == 0 || c < 0x20 || c == 0x7f) {
			if (fl == TEXT_CSV && (c == '\n' || c == '\r' || c == '\t')) {
				strbuf_addc(sb, (char)c);
			} else if (len && c == '\n') {
				strbuf_adds(sb, "\\n");
			} else if (len && c == '\t') {
				strbuf_adds(sb, "\\t");
			} else if (len && c == '\r') {
				strbuf_adds(sb, "\\r");
			} else {
				add_hex(sb, "\\x", c);
			}
			continue;
		}
		if (c == '\\' && fl != TEXT_CSV)
			strbuf_adds(sb, "\\\\");
		else if (fl == TEXT_SYSLOG && (c == '"' || c == ']'))
			strbuf_addc(sb, '\\'), strbuf_addc(sb, (char)c);
		else
			strbuf_addc(sb, (char)c);
	}
}

void escape_text(struct strbuf *sb, const char *s, size_t n)
{
	escape_flavour(sb, s, n, TEXT_PLAIN);
}

void escape_syslog_value(struct strbuf *sb, const char *s, size_t n)
{
	strbuf_addc(sb, '"');
	escape_flavour(sb, s, n, TEXT_SYSLOG);
	strbuf_addc(sb, '"');
}

/*
 * How many bytes from s on are printable ASCII other than the quote and the
 * backslash: what JSON and CSV both take as they are (a comm, a rule name, most
 * paths and arguments are nothing else).
 */
static size_t plain_ascii_run(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n && s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' && s[i] != '\\')
		i++;
	return i;
}

/*
 * How a quoting format (JSON, Prometheus labels) writes one character that is not
 * plain ASCII: the len bytes at s, code point cp. False: as the text \xNN instead,
 * a byte at a time, as every byte that is not UTF-8 is written.
 */
typedef bool (*escape_char_fn)(struct strbuf *sb, const unsigned char *s, size_t len,
			       unsigned cp);

static void escape_quoted(struct strbuf *sb, const char *str, size_t n, escape_char_fn one)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, len;
	unsigned cp;

	while (i < n) {
		/* Plain bytes in one copy: the byte-by-byte path below is for the rest. */
		len = plain_ascii_run(s + i, n - i);
		if (len) {
			strbuf_add(sb, s + i, len);
			i += len;
			continue;
		}
		len = utf8_seq(s + i, n - i, &cp);
		if (len == 0 || !one(sb, s + i, len, cp)) {
			add_hex(sb, "\\\\x", s[i]);	/* decodes to the text \xNN */
			i++;
			continue;
		}
		i += len;
	}
}

static bool json_char(struct strbuf *sb, const unsigned char *s, size_t len, unsigned cp)
{
	if (len > 1) {
		if (cp <= 0x9f || cp == 0x2028 || cp == 0x2029)
			strbuf_addf(sb, "\\u%04x", cp);
		else
			strbuf_add(sb, s, len);
		return true;
	}
	switch (s[0]) {
	case '"':
		strbuf_adds(sb, "\\\"");
		break;
	case '\\':
		strbuf_adds(sb, "\\\\");
		break;
	case '\n':
		strbuf_adds(sb, "\\n");
		break;
	case '\r':
		strbuf_adds(sb, "\\r");
		break;
	case '\t':
		strbuf_adds(sb, "\\t");
		break;
	case '\b':
		strbuf_adds(sb, "\\b");
		break;
	case '\f':
		strbuf_adds(sb, "\\f");
		break;
	default:
		if (s[0] < 0x20 || s[0] == 0x7f)
			strbuf_addf(sb, "\\u%04x", s[0]);
		else
			strbuf_addc(sb, (char)s[0]);
	}
	return true;
}

void escape_json(struct strbuf *sb, const char *str, size_t n)
{
	escape_quoted(sb, str, n, json_char);
}

static bool prom_char(struct strbuf *sb, const unsigned char *s, size_t len, unsigned cp)
{
	(void)cp;
	if (s[0] == '\0')	/* as \x00: no reader of the file expects a NUL */
		return false;
	if (s[0] == '\\')
		strbuf_adds(sb, "\\\\");
	else if (s[0] == '"')
		strbuf_adds(sb, "\\\"");
	else if (s[0] == '\n')
		strbuf_adds(sb, "\\n");
	else	/* control bytes too: the format takes them, the value is the comm */
		strbuf_add(sb, s, len);
	return true;
}

void escape_prom_label(struct strbuf *sb, const char *str, size_t n)
{
	escape_quoted(sb, str, n, prom_char);
}

/*
 * Whether escape_csv_field writes the n bytes at s as they are: plain ASCII with
 * no comma (nothing to quote) and no formula's first character.
 */
static bool csv_plain(const char *s, size_t n)
{
	if (n && strchr("=+-@", s[0]))
		return false;
	return plain_ascii_run((const unsigned char *)s, n) == n && !memchr(s, ',', n);
}

void escape_csv_field(struct strbuf *sb, const char *s, size_t n)
{
	struct strbuf v;
	size_t i;
	bool quote;

	if (csv_plain(s, n)) {
		strbuf_add(sb, s, n);	/* the common case, without the copy below */
		return;
	}
	strbuf_init(&v);
	if (n && s[0] && strchr("=+-@\t\r", s[0]))
		strbuf_addc(&v, '\'');
	escape_flavour(&v, s, n, TEXT_CSV);
	quote = strpbrk(v.buf, ",\"\r\n") != NULL;
	if (!quote) {
		strbuf_add(sb, v.buf, v.len);
	} else {
		strbuf_addc(sb, '"');
		for (i = 0; i < v.len; i++) {
			if (v.buf[i] == '"')
				strbuf_addc(sb, '"');
			strbuf_addc(sb, v.buf[i]);
		}
		strbuf_addc(sb, '"');
	}
	strbuf_free(&v);
}

size_t escape_comm_len(const char *comm, size_t max)
{
	return strnlen(comm, max);
}

void escape_json_string(struct strbuf *sb, const char *s, size_t n)
{
	strbuf_addc(sb, '"');
	escape_json(sb, s, n);
	strbuf_addc(sb, '"');
}
