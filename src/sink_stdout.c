// SPDX-License-Identifier: GPL-2.0-only
/*
 * sink_stdout.c - events on standard output: aligned text lines, or JSON lines
 * (format: json). Every byte that came from a process (comm, filename, arguments)
 * goes through escape.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "escape.h"
#include "sink_format.h"

struct stdout_state {
	bool exec_header;	/* column header printed before the first exec line */
	bool sys_header;
};

static int stdout_open(struct sink *s, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	s->fd = STDOUT_FILENO;
	s->priv = xcalloc(1, sizeof(struct stdout_state));
	return 0;
}

/* One argument, quoted when it would otherwise read as several or as none. */
static void stdout_add_arg(struct strbuf *sb, const char *arg, size_t n)
{
	bool quote = n == 0 || memchr(arg, ' ', n) || memchr(arg, '"', n);
	size_t i, start = 0;

	if (!quote) {
		escape_text(sb, arg, n);
		return;
	}
	strbuf_addc(sb, '"');
	for (i = 0; i <= n; i++) {
		if (i < n && arg[i] != '"')
			continue;
		escape_text(sb, arg + start, i - start);
		if (i < n)
			strbuf_adds(sb, "\\\"");
		start = i + 1;
	}
	strbuf_addc(sb, '"');
}

static void stdout_add_comm(struct strbuf *sb, const char *comm)
{
	size_t before = sb->len, n;

	escape_text(sb, comm, escape_comm_len(comm, RT_COMM_LEN));
	n = sb->len - before;
	for (; n < RT_COMM_LEN; n++)
		strbuf_addc(sb, ' ');
	strbuf_addc(sb, ' ');
}

static void stdout_exec(struct sink *s, struct stdout_state *st, const struct sink_event *ev,
			const char *clock)
{
	const struct rt_exec_event *e = ev->exec;
	size_t len = e->args_len < RT_ARGS_LEN ? e->args_len : RT_ARGS_LEN;
	size_t off = 0, n;
	__u32 i;

	if (!st->exec_header) {
		strbuf_addf(&s->buf, "%-12s %-16s %-7s %-7s %-6s %-16s %s\n", "TIME", "RULE",
			    "PID", "PPID", "UID", "COMM", "FILENAME ARGS");
		st->exec_header = true;
	}
	strbuf_addf(&s->buf, "%-12s %-16s %-7u %-7u %-6u ", clock, ev->rule, e->hdr.pid,
		    e->ppid, e->hdr.uid);
	stdout_add_comm(&s->buf, e->hdr.comm);
	if (e->flags & RT_EXEC_FILENAME_FAULT)
		strbuf_adds(&s->buf, "?");
	else
		stdout_add_arg(&s->buf, e->filename, strnlen(e->filename, RT_FILENAME_LEN));
	/* Cut at 255 bytes: marked on the name itself, as " ..." marks cut arguments. */
	if (e->flags & RT_EXEC_FILENAME_TRUNCATED)
		strbuf_adds(&s->buf, "...");
	for (i = 0; i < e->argc && off < len; i++) {
		n = strnlen(e->args + off, len - off);
		strbuf_addc(&s->buf, ' ');
		stdout_add_arg(&s->buf, e->args + off, n);
		off += n + 1;
	}
	if (e->flags & RT_EXEC_ARGS_TRUNCATED)
		strbuf_adds(&s->buf, " ...");
	strbuf_addc(&s->buf, '\n');
}

static void stdout_syscall(struct sink *s, struct stdout_state *st,
			   const struct sink_event *ev, const char *clock)
{
	const struct rt_syscall_event *e = ev->sys;

	if (!st->sys_header) {
		strbuf_addf(&s->buf, "%-12s %-16s %-7s %-7s %-6s %-16s %s\n", "TIME", "RULE",
			    "PID", "TID", "UID", "COMM", "SYSCALL");
		st->sys_header = true;
	}
	strbuf_addf(&s->buf, "%-12s %-16s %-7u %-7u %-6u ", clock, ev->rule, e->hdr.pid,
		    e->hdr.tid, e->hdr.uid);
	stdout_add_comm(&s->buf, e->hdr.comm);
	if (ev->syscall_name)
		strbuf_adds(&s->buf, ev->syscall_name);
	else
		strbuf_addf(&s->buf, "%llu", (unsigned long long)e->nr);
	strbuf_addc(&s->buf, '\n');
}

static int stdout_write_event(struct sink *s, const struct sink_event *ev)
{
	struct stdout_state *st = s->priv;
	char clock[16];

	if (s->cfg->format == RULES_FORMAT_JSON) {
		sink_format_json_event(&s->buf, ev);
		strbuf_addc(&s->buf, '\n');
		return 0;
	}
	sink_format_clock(&ev->wall, clock);
	if (ev->exec)
		stdout_exec(s, st, ev, clock);
	else if (ev->sys)
		stdout_syscall(s, st, ev, clock);
	return 0;
}

/* JSON lines on stdout end with the per-rule summary objects; text has main's summary. */
static int stdout_write_summary(struct sink *s, const struct summary *sum)
{
	if (s->cfg->format == RULES_FORMAT_JSON)
		sink_format_json_summaries(&s->buf, sum, s->index);
	return 0;
}

static int stdout_write_reload(struct sink *s, const struct sink_reload *r)
{
	if (s->cfg->format == RULES_FORMAT_JSON)
		sink_format_json_reload(&s->buf, r);
	else
		strbuf_addf(&s->buf, "%s\n", r->line);
	return 0;
}

static void stdout_close(struct sink *s)
{
	free(s->priv);
	s->priv = NULL;
}

const struct sink_ops sink_stdout_ops = {
	.type = "stdout",
	.buffered = true,
	.open = stdout_open,
	.write_event = stdout_write_event,
	.write_reload = stdout_write_reload,
	.write_summary = stdout_write_summary,
	.close = stdout_close,
};
