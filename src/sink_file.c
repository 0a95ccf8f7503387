// SPDX-License-Identifier: GPL-2.0-only
/*
 * sink_file.c - the file sinks: CSV (RFC 4180, a header row, formula-safe) and
 * JSON lines. Both open their path the same careful way: never through a symlink,
 * created 0640, appended to or truncated as the rule file says.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sink_format.h"

struct file_state {
	bool regular;	/* fsync at the end only makes sense for a regular file */
	bool empty;	/* nothing in it when opened: a CSV header is due */
};

static int file_open(struct sink *s, char *err, size_t errlen)
{
	int flags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC;
	struct file_state *st;
	struct stat sb;
	int fd, e;

	flags |= s->cfg->append ? O_APPEND : O_TRUNC;
	fd = open(s->cfg->path, flags, 0640);
	if (fd < 0) {
		e = errno;
		snprintf(err, errlen, "open %s: %s", s->cfg->path,
			 e == ELOOP ? "is a symbolic link (refused)" : strerror(e));
		return -e;
	}
	if (fstat(fd, &sb) || S_ISDIR(sb.st_mode)) {
		e = errno ? errno : EISDIR;
		close(fd);
		snprintf(err, errlen, "open %s: %s", s->cfg->path, strerror(e));
		return -e;
	}
	st = xcalloc(1, sizeof(*st));
	st->regular = S_ISREG(sb.st_mode);
	st->empty = !st->regular || sb.st_size == 0;
	s->priv = st;
	s->fd = fd;
	s->own_fd = true;
	return 0;
}

static int csv_open(struct sink *s, char *err, size_t errlen)
{
	struct file_state *st;
	int ret = file_open(s, err, errlen);

	if (ret)
		return ret;
	st = s->priv;
	/* Appending to rows already there: their header is already there too. */
	if (st->empty)
		strbuf_adds(&s->buf, SINK_CSV_HEADER);
	return 0;
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
	size_t i;

	for (i = 0; i < sum->nrules; i++) {
		if (!sink_rule_uses_output(&sum->rules[i], s->index))
			continue;
		sink_format_json_summary(&s->buf, sum, &sum->rules[i]);
		strbuf_addc(&s->buf, '\n');
	}
	return 0;
}

static int file_sync(struct sink *s)
{
	struct file_state *st = s->priv;

	if (st->regular && fdatasync(s->fd))
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
	.open = csv_open,
	.write_event = csv_write_event,
	.write_summary = csv_write_summary,
	.sync = file_sync,
	.close = file_close,
};

const struct sink_ops sink_json_ops = {
	.type = "json",
	.buffered = true,
	.open = file_open,
	.write_event = json_write_event,
	.write_summary = json_write_summary,
	.sync = file_sync,
	.close = file_close,
};
