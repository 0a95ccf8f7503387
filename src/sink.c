// SPDX-License-Identifier: GPL-2.0-only
/* sink.c - the sink registry, buffered delivery and the shared failure policy. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sink.h"

#define SINK_FLUSH_AT	(64 * 1024)	/* bytes buffered before a write */

static const struct sink_ops *sink_ops_for(enum rules_output_type type)
{
	switch (type) {
	case RULES_OUT_STDOUT:
		return &sink_stdout_ops;
	case RULES_OUT_CSV:
		return &sink_csv_ops;
	case RULES_OUT_SYSLOG:
		return &sink_syslog_ops;
	case RULES_OUT_JSON:
		return &sink_json_ops;
	}
	return NULL;
}

int sink_open_all(const struct rules *r, const struct outfile_policy *p, struct sink **sinks,
		  char *err, size_t errlen)
{
	struct sink *v = xcalloc(r->noutputs, sizeof(*v));
	char why[256];
	size_t i;
	int ret;

	for (i = 0; i < r->noutputs; i++) {
		struct sink *s = &v[i];

		s->cfg = &r->outputs[i];
		s->policy = p;
		s->index = (unsigned)i;
		s->fd = -1;
		strbuf_init(&s->buf);
		s->ops = sink_ops_for(s->cfg->type);
		if (!s->ops) {
			snprintf(err, errlen, "output '%s': type %s is not supported by "
				 "this build", s->cfg->name,
				 rules_output_type_name(s->cfg->type));
			ret = -ENOTSUP;
			goto fail;
		}
		why[0] = '\0';
		if ((ret = s->ops->open(s, why, sizeof(why))) != 0) {
			snprintf(err, errlen, "%s:%u:%u: output '%s': %s", r->path,
				 s->cfg->mark.line ? s->cfg->mark.line : 1, s->cfg->mark.column ?
				 s->cfg->mark.column : 1, s->cfg->name, why[0] ? why : strerror(-ret));
			goto fail;
		}
	}
	*sinks = v;
	return 0;
fail:
	/* Close only those opened; the failing one released what it took. */
	for (; i > 0; i--)
		if (v[i - 1].ops && v[i - 1].ops->close)
			v[i - 1].ops->close(&v[i - 1]);
	for (i = 0; i < r->noutputs; i++)
		strbuf_free(&v[i].buf);
	free(v);
	return ret;
}

/* The first failure of a sink: said once, and from now on its events are lost. */
static void sink_fail(struct sink *s, int err)
{
	s->error = err;
	s->lost += s->pending;
	s->pending = 0;
	strbuf_reset(&s->buf);
	log_error("output '%s' (%s): %s; its further events are counted as lost",
		  s->cfg->name, s->ops->type, strerror(-err));
}

static int sink_write_fd(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static void sink_flush(struct sink *s)
{
	int ret;

	if (s->error || !s->buf.len)
		return;
	ret = s->fd >= 0 ? sink_write_fd(s->fd, s->buf.buf, s->buf.len) : 0;
	if (ret) {
		sink_fail(s, ret);
		return;
	}
	s->written += s->pending;
	s->pending = 0;
	strbuf_reset(&s->buf);
}

void sink_write(struct sink *s, const struct sink_event *ev)
{
	size_t before = s->buf.len;
	int ret;

	if (s->error) {
		s->lost++;
		return;
	}
	ret = s->ops->write_event(s, ev);
	if (ret == SINK_DROPPED) {
		if (!s->dropped)
			log_error("output '%s' (%s): destination not keeping up; events it "
				  "drops are counted as lost", s->cfg->name, s->ops->type);
		s->dropped++;
		s->lost++;
		return;
	}
	if (ret) {
		s->pending++;	/* this event is lost with whatever was buffered */
		sink_fail(s, ret);
		return;
	}
	if (s->buf.len > before)
		s->pending++;
	else
		s->written++;
	if (s->buf.len >= SINK_FLUSH_AT)
		sink_flush(s);
}

void sink_flush_all(struct sink *sinks, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sink_flush(&sinks[i]);
}

void sink_finish(struct sink *s, const struct summary *sum)
{
	int ret;

	if (!s->error && s->ops->write_summary) {
		ret = s->ops->write_summary(s, sum);
		if (ret)
			sink_fail(s, ret);
	}
	sink_flush(s);
	if (!s->error && s->ops->sync && (ret = s->ops->sync(s)) != 0)
		sink_fail(s, ret);
}

void sink_close_all(struct sink *sinks, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct sink *s = &sinks[i];

		if (s->ops && s->ops->close)
			s->ops->close(s);
		if (s->own_fd && s->fd >= 0)
			close(s->fd);
		strbuf_free(&s->buf);
	}
	free(sinks);
}

void sink_format_clock(const struct timespec *ts, char buf[16])
{
	struct tm tm;
	time_t t = ts->tv_sec;

	localtime_r(&t, &tm);
	snprintf(buf, 16, "%02u:%02u:%02u.%03u", (unsigned)tm.tm_hour % 100u,
		 (unsigned)tm.tm_min % 100u, (unsigned)tm.tm_sec % 100u,
		 (unsigned)(ts->tv_nsec / 1000000) % 1000u);
}
