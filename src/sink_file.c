// SPDX-License-Identifier: GPL-2.0-only
/*
 * sink_file.c - the file sinks: CSV (RFC 4180, a header row, formula-safe) and
 * JSON lines. Both open their path through outfile.c: a regular file reached
 * through no untrusted symbolic link, created 0640 for the run's user, appended
 * to or truncated as the rule file says.
 */
#include <errno.h>
#include <fcntl.h>
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

/*
 * Whether the CSV file open at fd begins with this ruletrace's header. Read through
 * a descriptor of its own on the same file (the sink's is write-only): the path
 * could name another file by now.
 */
static bool csv_header_matches(int fd)
{
	static const char want[] = SINK_CSV_HEADER;
	char path[64], got[sizeof(want)];
	ssize_t n;
	int rfd;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if ((rfd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		return true;	/* cannot tell: no /proc; the rows go on as before */
	n = pread(rfd, got, sizeof(want) - 1, 0);
	close(rfd);
	return n == (ssize_t)sizeof(want) - 1 && !memcmp(got, want, sizeof(want) - 1);
}

/*
 * A CSV file appended to must have the header its new rows match: rows of another
 * width under an older header would make a file no reader takes.
 */
static int csv_open(struct sink *s, char *err, size_t errlen)
{
	struct file_state *st;
	int ret = file_open(s, err, errlen);

	if (ret)
		return ret;
	st = s->priv;
	if (!s->cfg->append || st->empty || csv_header_matches(s->fd))
		return 0;
	snprintf(err, errlen, "%s: its first line is not this ruletrace's CSV header, "
		 "and rows appended under it would not match it: move the file away, or "
		 "set append: false", s->cfg->path);
	close(s->fd);
	s->fd = -1;
	s->own_fd = false;
	free(s->priv);
	s->priv = NULL;
	return -EINVAL;
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
	.open = csv_open,
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
