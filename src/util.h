/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * util.h - allocation that never returns NULL, a growable byte buffer, and the
 * "ruletrace: ..." message helpers shared by every module.
 */
#ifndef UTIL_H
#define UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Allocators that print "ruletrace: out of memory" and abort instead of returning NULL. */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* A growable byte buffer, always NUL-terminated after strbuf_init. */
struct strbuf {
	char *buf;
	size_t len;
	size_t cap;
};

void strbuf_init(struct strbuf *sb);
void strbuf_free(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);

/* Make room for n more bytes and the NUL, so that adding them does not reallocate. */
void strbuf_reserve(struct strbuf *sb, size_t n);

/*
 * The appends are inline: an event's formatter makes a few dozen of them, and
 * given a string literal the compiler folds strbuf_adds' strlen into a constant.
 */
static inline void strbuf_add(struct strbuf *sb, const void *data, size_t n)
{
	if (sb->cap - sb->len <= n)
		strbuf_reserve(sb, n);
	memcpy(sb->buf + sb->len, data, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

static inline void strbuf_addc(struct strbuf *sb, char c)
{
	if (sb->cap - sb->len <= 1)
		strbuf_reserve(sb, 1);
	sb->buf[sb->len++] = c;
	sb->buf[sb->len] = '\0';
}

static inline void strbuf_adds(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

/* v in decimal, as printf's %llu (or %u) writes it. */
void strbuf_addu(struct strbuf *sb, uint64_t v);

/* v in decimal, zero-padded to at least width digits: printf's %0*llu. */
void strbuf_addu_width(struct strbuf *sb, uint64_t v, size_t width);

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* CLOCK_MONOTONIC in seconds. */
double mono_seconds(void);

/* "ruletrace: <message>\n" on stderr. */
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* As log_error, only when verbose logging was asked for. */
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_set_verbose(int verbose);
int log_verbose(void);

/* Room for errno_name's "E-2147483648" and its NUL. */
#define ERRNO_NAME_LEN 16

/* The symbol of errno value err ("ENOENT" for 2); "E<err>" when libc has none for it. */
const char *errno_name(int err, char buf[ERRNO_NAME_LEN]);

/*
 * Whether the test suite asked for failure point name: RULETRACE_TEST_FAULT holds
 * a comma-separated list of them. Only tests set it (ruletrace(8), ENVIRONMENT).
 */
bool test_fault(const char *name);

#endif /* UTIL_H */
