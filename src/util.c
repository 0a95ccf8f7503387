// SPDX-License-Identifier: GPL-2.0-only
/* util.c - allocation, strbuf and message helpers. */
#define _GNU_SOURCE	/* strerrorname_np */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <unistd.h>

#include "ostream.h"
#include "util.h"

#define LOG_WAIT_MS 100

static int verbose;
static struct ostream log_stream;
static bool log_stream_ready;

static void __attribute__((noreturn)) out_of_memory(void)
{
	fputs("ruletrace: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		out_of_memory();
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (!p)
		out_of_memory();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		out_of_memory();
	return p;
}

void *xreallocarray(void *p, size_t nmemb, size_t size)
{
	if (size && nmemb > (size_t)-1 / size)
		out_of_memory();
	return xrealloc(p, nmemb * size);
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void strbuf_init(struct strbuf *sb)
{
	sb->cap = 64;
	sb->len = 0;
	sb->buf = xmalloc(sb->cap);
	sb->buf[0] = '\0';
}

void strbuf_free(struct strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->cap = 0;
}

void strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	sb->buf[0] = '\0';
}

void strbuf_reserve(struct strbuf *sb, size_t n)
{
	size_t need = sb->len + n + 1;

	if (need <= sb->cap)
		return;
	if (!sb->cap)	/* freed, then used again */
		sb->cap = 64;
	while (sb->cap < need)
		sb->cap *= 2;
	sb->buf = xrealloc(sb->buf, sb->cap);
}

/* Decimal digits of v. */
static size_t decimal_len(uint64_t v)
{
	uint64_t ten = 10;
	size_t n = 1;

	/* Compares, no divisions: 10^19 is the last power of ten a uint64_t holds. */
	while (n < 20 && v >= ten) {
		ten *= 10;
		n++;
	}
	return n;
}

/* "00" to "99": the two digits of each number below 100. */
static const char digit_pairs[] =
	"0001020304050607080910111213141516171819"
	"2021222324252627282930313233343536373839"
	"4041424344454647484950515253545556575859"
	"6061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

void strbuf_addu_width(struct strbuf *sb, uint64_t v, size_t width)
{
	size_t n = decimal_len(v);
	char *start, *p;

	if (n < width)
		n = width;
	if (sb->cap - sb->len <= n)
		strbuf_reserve(sb, n);
	/* Straight into the buffer, from the last digit on: no printf, no copy. */
	start = sb->buf + sb->len;
	p = start + n;
	*p = '\0';
	/* Two digits a division: each waits on the one before, so there are half as many. */
	while (v >= 100) {
		const char *d = digit_pairs + 2 * (v % 100);

		v /= 100;
		*--p = d[1];
		*--p = d[0];
	}
	if (v >= 10) {
		*--p = digit_pairs[2 * v + 1];
		*--p = digit_pairs[2 * v];
	} else {
		*--p = (char)('0' + v);
	}
	while (p > start)
		*--p = '0';
	sb->len += n;
}

void strbuf_addu(struct strbuf *sb, uint64_t v)
{
	strbuf_addu_width(sb, v, 1);
}

void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list copy;
	int n;

	va_copy(copy, ap);
	n = vsnprintf(sb->buf + sb->len, sb->cap - sb->len, fmt, copy);
	va_end(copy);
	if (n < 0)
		return;
	if ((size_t)n >= sb->cap - sb->len) {
		strbuf_reserve(sb, (size_t)n);
		vsnprintf(sb->buf + sb->len, sb->cap - sb->len, fmt, ap);
	}
	sb->len += (size_t)n;
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

double mono_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void log_line(const char *prefix, const char *fmt, va_list ap)
{
	struct strbuf sb;

	/* One write per message so lines from concurrent writers do not interleave. */
	strbuf_init(&sb);
	strbuf_adds(&sb, "ruletrace: ");
	strbuf_adds(&sb, prefix);
	strbuf_vaddf(&sb, fmt, ap);
	strbuf_addc(&sb, '\n');
	/*
	 * stderr may be a pipe nobody reads: a message waits a moment for room and
	 * is then given up, never the process with it.
	 */
	if (!log_stream_ready) {
		log_stream_ready = true;
		if (ostream_open(&log_stream, STDERR_FILENO))
			log_stream.fd = -1;
	}
	if (log_stream.fd >= 0)
		(void)ostream_write_all(&log_stream, sb.buf, sb.len, LOG_WAIT_MS, NULL);
	strbuf_free(&sb);
}

void log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line("", fmt, ap);
	va_end(ap);
}

void log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line("warning: ", fmt, ap);
	va_end(ap);
}

void log_debug(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	va_start(ap, fmt);
	log_line("", fmt, ap);
	va_end(ap);
}

void log_set_verbose(int v)
{
	verbose = v;
}

int log_verbose(void)
{
	return verbose;
}

bool test_fault(const char *name)
{
	const char *list = getenv("RULETRACE_TEST_FAULT"), *p;
	size_t n = strlen(name);

	for (p = list; p && *p; p += strcspn(p, ",") + (p[strcspn(p, ",")] == ',')) {
		if (strncmp(p, name, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return true;
	}
	return false;
}

const char *errno_name(int err, char buf[ERRNO_NAME_LEN])
{
	/* glibc 2.32 and later name them all; a table of our own would fall behind. */
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
	const char *name = strerrorname_np(err);

	if (name)
		return name;
#endif
	snprintf(buf, ERRNO_NAME_LEN, "E%d", err);
	return buf;
}
