// SPDX-License-Identifier: GPL-2.0-only
/*
 * sink_file.c - the file sinks: CSV (RFC 4180, a header row, formula-safe) and
 * JSON lines. Both open their path through outfile.c: a regular file reached
 * through no untrusted symbolic link, created 0640 for the run's user, appended
 * to or truncated as the rule file says.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "outfile.h"
#include "sink_format.h"

struct file_state {
	bool empty;	/* nothing in it once committed: a CSV header is due */
};

/*
 * Opened as for appending whatever the rule file says: an output that is to be
 * truncated is truncated by file_commit, once the whole rule file has opened
 * and attached. A start or reload that fails must leave every file as it was.
 */
static int file_open(struct sink *s, char *err, size_t errlen)
{
	struct file_state *st = xcalloc(1, sizeof(*st));
	int fd;

	fd = outfile_open(s->cfg->path, OUTFILE_APPEND, s->policy, &st->empty, err, errlen);
	if (fd < 0) {
		free(st);
		return fd;
	}
	s->priv = st;
	s->fd = fd;
	s->own_fd = true;
	return 0;
}

static int file_commit(struct sink *s, bool start)
{
	struct file_state *st = s->priv;
	struct stat sb;

	/* A reload never truncates (only the start of a run does); it finds it empty. */
	if (!start) {
		st->empty = fstat(s->fd, &sb) == 0 && sb.st_size == 0;
		return 0;
	}
	if (s->cfg->append || st->empty)
		return 0;
	if (ftruncate(s->fd, 0))
		return -errno;
	st->empty = true;
	return 0;
}

static int csv_commit(struct sink *s, bool start)
{
	struct file_state *st = s->priv;
	int ret = file_commit(s, start);

	/* Appending to rows already there: their header is already there too. */
	if (!ret && st->empty)
		strbuf_adds(&s->buf, SINK_CSV_HEADER);
	return ret;
}

static int csv_write_event(struct sink *s, const struct sink_event *ev)
{
	sink_format_csv_event(&s->buf, ev);
	return 0;
}

static int csv_write_summary(struct sink *s, const struct summary *sum)
{
	size_t i;

	for (i = 0; i < sum->nrules; i++)
		if (sink_rule_uses_output(&sum->rules[i], s->index))
			sink_format_csv_summary(&s->buf, sum, &sum->rules[i]);
	return 0;
}

static int json_write_event(struct sink *s, const struct sink_event *ev)
{
	sink_format_json_event(&s->buf, ev);
	strbuf_addc(&s->buf, '\n');
	return 0;
}

static int json_write_summary(struct sink *s, const struct summary *sum)
{
	sink_format_json_summaries(&s->buf, sum, s->index);
	return 0;
}

static int json_write_reload(struct sink *s, const struct sink_reload *r)
{
	sink_format_json_reload(&s->buf, r);
	return 0;
}

static int csv_write_reload(struct sink *s, const struct sink_reload *r)
{
	sink_format_csv_reload(&s->buf, r);
	return 0;
}

static int file_sync(struct sink *s)
{
	if (fdatasync(s->fd))
		return -errno;
	return 0;
}

static void file_close(struct sink *s)
{
	free(s->priv);
	s->priv = NULL;
}

const struct sink_ops sink_csv_ops = {
	.type = "csv",
	.buffered = true,
	.open = file_open,
	.commit = csv_commit,
	.write_event = csv_write_event,
	.write_reload = csv_write_reload,
	.write_summary = csv_write_summary,
	.sync = file_sync,
	.close = file_close,
};

const struct sink_ops sink_json_ops = {
	.type = "json",
	.buffered = true,
	.open = file_open,
	.commit = file_commit,
	.write_event = json_write_event,
	.write_reload = json_write_reload,
	.write_summary = json_write_summary,
	.sync = file_sync,
	.close = file_close,
};
