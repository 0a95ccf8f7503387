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

/* The CGROUP column: padded to this, longer paths widen their line. */
#define STDOUT_CGROUP_WIDTH 32

/* A cgroup path in a text column: untrusted bytes, escaped; "-" when unknown. */
static void stdout_cgroup(struct strbuf *sb, const char *path)
{
	size_t before = sb->len, n;

	if (path)
		escape_text(sb, path, strlen(path));
	else
		strbuf_addc(sb, '-');
	for (n = sb->len - before; n < STDOUT_CGROUP_WIDTH; n++)
		strbuf_addc(sb, ' ');
	strbuf_addc(sb, ' ');
}

/*
 * Start a text line: the column header before the first line of its kind, then
 * TIME, RULE, PID, the fourth column (col4, value v4), UID and COMM.
 */
static void stdout_line_start(struct sink *s, bool *header, const char *col4, const char *last,
			      const struct sink_event *ev, const char *clock, __u32 v4)
{
	const struct rt_event_hdr *h = ev->hdr;

	if (!*header) {
		strbuf_addf(&s->buf, "%-12s %-16s %-7s %-7s %-6s %-16s ", "TIME", "RULE",
			    "PID", col4, "UID", "COMM");
		if (s->cfg->cgroup_column)
			strbuf_addf(&s->buf, "%-*s ", STDOUT_CGROUP_WIDTH, "CGROUP");
		strbuf_addf(&s->buf, "%s\n", last);
		*header = true;
	}
	strbuf_addf(&s->buf, "%-12s %-16s %-7u %-7u %-6u ", clock, ev->rule, h->pid, v4,
		    h->uid);
	summary_text_comm(&s->buf, h->comm);
	strbuf_addc(&s->buf, ' ');
	if (s->cfg->cgroup_column)
		stdout_cgroup(&s->buf, ev->cgroup);
}

/* After COMM: PCOMM padded as COMM is, RESULT to 7, then the name and its arguments. */
#define STDOUT_EXEC_COLUMNS "PCOMM            RESULT  FILENAME ARGS"

/* What the line does not show of the argument list, after it. */
static void stdout_cut(struct strbuf *sb, const struct sink_exec *x)
{
	if (sink_exec_cut(x))
		strbuf_addf(sb, " [cut: %s%u args, %u bytes]", x->exact ? "" : "at least ",
			    x->args_cut, x->bytes_cut);
	if (x->args_unread)
		strbuf_adds(sb, " [argv unreadable]");
}

static void stdout_exec(struct sink *s, struct stdout_state *st, const struct sink_event *ev,
			const char *clock)
{
	const struct sink_exec *x = ev->exec;
	char res[SINK_RESULT_LEN];

	stdout_line_start(s, &st->exec_header, "PPID", STDOUT_EXEC_COLUMNS, ev, clock, x->ppid);
	summary_text_comm(&s->buf, x->pcomm);
	strbuf_addf(&s->buf, " %-7s ", sink_exec_result(x, res));
	if (x->filename_unread)
		strbuf_adds(&s->buf, "?");
	else
		sink_format_arg(&s->buf, x->filename, x->filename_len, escape_text);
	/* Cut at RT_FILENAME_LEN - 1 bytes: marked on the name, as on a partial argument. */
	if (x->filename_cut)
		strbuf_adds(&s->buf, "...");
	if (x->args_shown) {
		strbuf_addc(&s->buf, ' ');
		sink_format_argv(&s->buf, x, escape_text);
	}
	stdout_cut(&s->buf, x);
	strbuf_addc(&s->buf, '\n');
}

static void stdout_syscall(struct sink *s, struct stdout_state *st,
			   const struct sink_event *ev, const char *clock)
{
	char nr[SUMMARY_NR_LEN];

	stdout_line_start(s, &st->sys_header, "TID", "SYSCALL", ev, clock, ev->hdr->tid);
	strbuf_adds(&s->buf, summary_syscall_label(ev->syscall_name, ev->sys->nr, nr));
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
