// SPDX-License-Identifier: GPL-2.0-only
/* sink.c - the sink registry, buffered delivery and the shared failure policy. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "sink.h"

#define SINK_FLUSH_AT	(64 * 1024)	/* bytes buffered before a write */
#define SINK_BACKLOG_MAX (4 * 1024 * 1024)	/* unwritten bytes before events drop */

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
	case RULES_OUT_PROMETHEUS:
		return &sink_prometheus_ops;
	}
	return NULL;
}

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/*
 * Whether running sink s can carry on as output o of a new rule file: the same
 * definition (appending or not only matters at the start of a run), not failed,
 * and for a file kept open, its path still naming the file s writes: a file
 * renamed away (logrotate) is reopened under its name. A file rewritten whole
 * (prometheus) is found by its path at each rewrite.
 */
static bool sink_keeps(const struct sink *s, const struct rules_output *o)
{
	const struct rules_output *c = s->cfg;
	struct stat now, open;

	if (strcmp(c->name, o->name) || c->type != o->type || c->format != o->format ||
	    !same_str(c->path, o->path) || !same_str(c->ident, o->ident) ||
	    !same_str(c->socket, o->socket) || c->facility != o->facility ||
	    c->priority != o->priority || c->interval_ms != o->interval_ms ||
	    c->max_series != o->max_series)
		return false;
	if (s->error && o->type != RULES_OUT_STDOUT)
		return false;
	if (!o->path || s->fd < 0)
		return true;
	/* lstat: a path that became a symbolic link is opened again, and refused. */
	return lstat(o->path, &now) == 0 && fstat(s->fd, &open) == 0 &&
	       now.st_dev == open.st_dev && now.st_ino == open.st_ino;
}

/* Open one new sink for output i of r; 0 or -errno with the message in err. */
static int sink_open_one(const struct rules *r, size_t i, const struct outfile_policy *p,
			 struct sink **out, char *err, size_t errlen)
{
	struct sink *s = xcalloc(1, sizeof(*s));
	char why[256];
	int ret;

	s->cfg = &r->outputs[i];
	s->policy = p;
	s->index = (unsigned)i;
	s->fd = -1;
	s->out.fd = -1;
	strbuf_init(&s->buf);
	s->ops = sink_ops_for(s->cfg->type);
	if (!s->ops) {
		snprintf(err, errlen, "output '%s': type %s is not supported by this build",
			 s->cfg->name, rules_output_type_name(s->cfg->type));
		free(s);
		return -ENOTSUP;
	}
	why[0] = '\0';
	if ((ret = s->ops->open(s, why, sizeof(why))) != 0) {
		snprintf(err, errlen, "%s:%u:%u: output '%s': %s", r->path,
			 s->cfg->mark.line ? s->cfg->mark.line : 1, s->cfg->mark.column ?
			 s->cfg->mark.column : 1, s->cfg->name, why[0] ? why : strerror(-ret));
		strbuf_free(&s->buf);
		free(s);
		return ret;
	}
	if (s->ops->buffered && s->fd >= 0 && (ret = ostream_open(&s->out, s->fd))) {
		snprintf(err, errlen, "output '%s': %s", s->cfg->name, strerror(-ret));
		sink_close(s);
		return ret;
	}
	*out = s;
	return 0;
}

int sink_open_all(const struct rules *r, const struct outfile_policy *p,
		  struct sink *const *running, size_t nrunning, struct sink ***sinks,
		  char *err, size_t errlen)
{
	struct sink **v = xcalloc(r->noutputs + 1, sizeof(*v));
	size_t i, j;
	int ret;

	for (i = 0; i < r->noutputs; i++) {
		for (j = 0; j < nrunning && !v[i]; j++)
			if (sink_keeps(running[j], &r->outputs[i]))
				v[i] = running[j];
		if (!v[i] && (ret = sink_open_one(r, i, p, &v[i], err, errlen)) != 0) {
			/* Close only what was opened here: the running sinks stay as they are. */
			sink_close_all(v, i, running, nrunning);
			return ret;
		}
	}
	*sinks = v;
	return 0;
}

void sink_rebind(struct sink **sinks, const struct rules *r)
{
	size_t i;

	for (i = 0; i < r->noutputs; i++) {
		sinks[i]->cfg = &r->outputs[i];
		sinks[i]->index = (unsigned)i;
	}
}

bool sink_in(const struct sink *s, struct sink *const *set, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (set[i] == s)
			return true;
	return false;
}

/* Events of s not yet wholly written, from here on lost. */
static void sink_lose_pending(struct sink *s)
{
	size_t i;

	for (i = 0; i < s->nrecs; i++)
		if (s->recs[s->rec_head + i].event)
			s->lost_by_slot[s->recs[s->rec_head + i].slot % RT_MAX_RULES]++;
	s->lost += s->pending;
	s->pending = 0;
	strbuf_reset(&s->buf);
	s->off = s->whole = 0;
	s->rec_head = s->nrecs = 0;
}

/* The first failure of a sink: said once, and from now on its events are lost. */
static void sink_fail(struct sink *s, int err)
{
	s->error = err;
	sink_lose_pending(s);
	log_error("output '%s' (%s): %s; its further events are counted as lost",
		  s->cfg->name, s->ops->type, strerror(-err));
}

static void sink_push_record(struct sink *s, bool event, unsigned slot)
{
	if (s->rec_head + s->nrecs == s->rec_cap) {
		if (s->rec_head) {	/* room at the front: move down */
			memmove(s->recs, s->recs + s->rec_head, s->nrecs * sizeof(*s->recs));
			s->rec_head = 0;
		} else {
			s->rec_cap = s->rec_cap ? 2 * s->rec_cap : 256;
			s->recs = xreallocarray(s->recs, s->rec_cap, sizeof(*s->recs));
		}
	}
	s->recs[s->rec_head + s->nrecs].end = s->buf.len;
	s->recs[s->rec_head + s->nrecs].event = event;
	s->recs[s->rec_head + s->nrecs].slot = (uint8_t)slot;
	s->nrecs++;
}

/*
 * A regular file that failed mid-record: cut it back to the last whole record, so
 * what is there parses, and what "written" counts is exactly what is there.
 */
static void sink_cut_torn(struct sink *s)
{
	size_t torn = s->off - s->whole;
	off_t end;

	if (!torn || s->out.kind != OSTREAM_REGULAR)
		return;
	end = lseek(s->fd, 0, SEEK_CUR);
	if (end >= (off_t)torn && ftruncate(s->fd, end - (off_t)torn) == 0)
		return;
	log_error("output '%s' (%s): could not remove a partly written record: %s",
		  s->cfg->name, s->ops->type, strerror(errno));
}

/* Bytes no record claims yet (a header, a summary line) are a record of their own. */
static void sink_claim_tail(struct sink *s)
{
	size_t last = s->nrecs ? s->recs[s->rec_head + s->nrecs - 1].end : s->off;

	if (s->buf.len > last)
		sink_push_record(s, false, 0);
}

void sink_end_record(struct sink *s)
{
	sink_claim_tail(s);
}

/* Bytes off..len of buf went out: count the records they completed. */
static void sink_advance(struct sink *s, size_t n)
{
	s->off += n;
	while (s->nrecs && s->recs[s->rec_head].end <= s->off) {
		if (s->recs[s->rec_head].event) {
			s->written++;
			s->pending--;
		}
		s->whole = s->recs[s->rec_head].end;
		s->rec_head++;
		s->nrecs--;
	}
	if (s->off == s->buf.len) {
		strbuf_reset(&s->buf);
		s->off = s->whole = 0;
		s->rec_head = s->nrecs = 0;
	}
}

/*
 * How much of buf to offer in one write. A pipe takes a write of at most
 * PIPE_BUF bytes whole or not at all, so there whole records go in such
 * chunks: a reader that stops reading never leaves a line cut in the pipe
 * (a single record larger than that still may be).
 */
static size_t sink_chunk(const struct sink *s)
{
	size_t i, n = s->buf.len - s->off, fit = 0;

	if (s->out.kind != OSTREAM_REOPENED && s->out.kind != OSTREAM_POLLED)
		return n;
	for (i = 0; i < s->nrecs; i++) {
		size_t end = s->recs[s->rec_head + i].end - s->off;

		if (end > PIPE_BUF)
			break;
		fit = end;
	}
	return fit ? fit : n;
}

/*
 * A datagram type's first record as one message: 0 sent or dropped (counted),
 * -EAGAIN not now, or -errno when the sink failed.
 */
static int sink_send_record(struct sink *s)
{
	struct sink_record *rec = &s->recs[s->rec_head];
	size_t n = rec->end - s->off;
	int ret = s->ops->send_record(s, s->buf.buf + s->off, n);

	if (ret == SINK_REFUSED) {
		if (rec->event) {	/* lost, not written: the type said why */
			rec->event = false;
			s->pending--;
			s->dropped++;
			s->lost++;
			s->lost_by_slot[rec->slot % RT_MAX_RULES]++;
		}
		ret = 0;
	}
	if (ret == 0)
		sink_advance(s, n);
	return ret;
}

/* Write what the destination takes now; 0, or -errno when the sink failed. */
static int sink_flush(struct sink *s)
{
	ssize_t w;

	if (s->error || s->off == s->buf.len)
		return 0;
	sink_claim_tail(s);
	while (s->off < s->buf.len) {
		if (s->fd < 0) {	/* nowhere to write: taken as written */
			sink_advance(s, s->buf.len - s->off);
			break;
		}
		if (s->ops->send_record) {
			int ret = sink_send_record(s);

			if (ret == -EAGAIN)
				break;
			if (ret < 0) {
				sink_fail(s, ret);
				return ret;
			}
			continue;
		}
		w = ostream_write(&s->out, s->buf.buf + s->off, sink_chunk(s));
		if (w == -EAGAIN)
			break;
		if (w < 0) {
			sink_cut_torn(s);
			sink_fail(s, (int)w);
			return (int)w;
		}
		sink_advance(s, (size_t)w);
	}
	/* Mostly written: move the rest down so the buffer does not only grow. */
	if (s->off >= SINK_FLUSH_AT && s->off * 2 >= s->buf.len) {
		size_t i, shift = s->off;

		memmove(s->buf.buf, s->buf.buf + shift, s->buf.len - shift + 1);
		s->buf.len -= shift;
		s->off = 0;
		s->whole -= shift;
		for (i = 0; i < s->nrecs; i++)
			s->recs[s->rec_head + i].end -= shift;
	}
	return 0;
}

static void sink_drop(struct sink *s, bool said, unsigned slot)
{
	if (!s->dropped && !said)
		log_error("output '%s' (%s): destination not keeping up; events it "
			  "drops are counted as lost", s->cfg->name, s->ops->type);
	s->dropped++;
	s->lost++;
	s->lost_by_slot[slot % RT_MAX_RULES]++;
}

int sink_add_text(struct sink *s, const char *text, size_t n)
{
	if (s->error)
		return s->error;
	if (s->buf.len - s->off >= SINK_BACKLOG_MAX)
		return -EAGAIN;
	strbuf_add(&s->buf, text, n);
	sink_claim_tail(s);
	return sink_flush(s);
}

void sink_add_reload(struct sink *s, const struct sink_reload *r)
{
	size_t before;
	int ret;

	if (s->error || !s->ops->write_reload || s->buf.len - s->off >= SINK_BACKLOG_MAX)
		return;
	sink_claim_tail(s);
	before = s->buf.len;
	if ((ret = s->ops->write_reload(s, r)) != 0 && ret != SINK_DROPPED &&
	    ret != SINK_REFUSED) {
		sink_fail(s, ret);
		return;
	}
	if (s->buf.len > before)
		sink_push_record(s, false, 0);
	sink_flush(s);
}

void sink_commit_all(struct sink **sinks, size_t n, bool start)
{
	size_t i;
	int ret;

	for (i = 0; i < n; i++) {
		/* Bytes still to write: the file is not as empty as it looks (no header due). */
		if (!start && sinks[i]->off < sinks[i]->buf.len)
			continue;
		if (sinks[i]->ops->commit && (ret = sinks[i]->ops->commit(sinks[i], start)) != 0)
			sink_fail(sinks[i], ret);
	}
}

void sink_write(struct sink *s, const struct sink_event *ev)
{
	size_t before;
	int ret;

	/* Its events are in the figures it writes (prometheus): nothing to do, or lose. */
	if (!s->ops->write_event)
		return;
	/* A destination that does not take what it has: drop rather than wait. */
	if (!s->error && s->buf.len - s->off >= SINK_BACKLOG_MAX)
		sink_flush(s);
	if (s->error) {
		s->lost++;
		s->lost_by_slot[ev->slot % RT_MAX_RULES]++;
		return;
	}
	if (s->buf.len - s->off >= SINK_BACKLOG_MAX) {
		sink_drop(s, false, ev->slot);
		return;
	}
	sink_claim_tail(s);	/* a header before it is not this event */
	before = s->buf.len;
	ret = s->ops->write_event(s, ev);
	if (ret == SINK_DROPPED || ret == SINK_REFUSED) {
		sink_drop(s, ret == SINK_REFUSED, ev->slot);
		return;
	}
	if (ret) {
		s->pending++;	/* this event is lost with whatever was buffered */
		s->lost_by_slot[ev->slot % RT_MAX_RULES]++;
		sink_fail(s, ret);
		return;
	}
	if (s->buf.len > before) {
		sink_push_record(s, true, ev->slot);
		s->pending++;
	} else {
		s->written++;
	}
	if (s->buf.len - s->off >= SINK_FLUSH_AT)
		sink_flush(s);
}

bool sink_refreshes(const struct sink *s)
{
	return s->ops->refresh != NULL;
}

bool sink_refresh_due(struct sink *const *sinks, size_t n, double *at)
{
	bool any = false;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!sink_refreshes(sinks[i]) || sinks[i]->error)
			continue;
		if (!any || sinks[i]->refresh_at < *at)
			*at = sinks[i]->refresh_at;
		any = true;
	}
	return any;
}

/*
 * One rewrite while running. A failure leaves the last file in place (nothing
 * of this one is left: the type's promise) and is said when a run of them
 * begins; the next rewrite carries every figure this one had.
 */
static void sink_refresh(struct sink *s, const struct summary *sum)
{
	char err[512];
	int ret;

	err[0] = '\0';
	if ((ret = s->ops->refresh(s, sum, err, sizeof(err))) == 0) {
		if (s->refresh_error)
			log_error("output '%s' (%s): written again, after %llu failed writes",
				  s->cfg->name, s->ops->type,
				  (unsigned long long)s->failed_writes);
		s->refresh_error = 0;
		s->written++;
		return;
	}
	if (!s->refresh_error)
		log_error("output '%s' (%s): %s; counted, and tried again every interval",
			  s->cfg->name, s->ops->type, err[0] ? err : strerror(-ret));
	s->refresh_error = ret;
	s->failed_writes++;
}

void sink_refresh_all(struct sink **sinks, size_t n, const struct summary *sum, double now)
{
	double every, done;
	size_t i;

	for (i = 0; i < n; i++) {
		struct sink *s = sinks[i];

		if (!sink_refreshes(s) || s->error || s->refresh_at > now)
			continue;
		sink_refresh(s, sum);
		/*
		 * On the interval's beat. One that fell behind, as a write that took
		 * longer than the interval does, starts again from when it ended:
		 * never due at once, so the events are read in between.
		 */
		every = (double)s->cfg->interval_ms / 1000.0;
		s->refresh_at = s->refresh_at ? s->refresh_at + every : now + every;
		done = mono_seconds();
		if (s->refresh_at <= done)
			s->refresh_at = done + every;
	}
}

int sink_file_id(struct sink *s, dev_t *dev, ino_t *ino, const char **name)
{
	struct stat st;

	if (s->ops->file_id)
		return s->ops->file_id(s, dev, ino, name);
	if (s->fd < 0 || !s->cfg->path)
		return -ENOENT;
	if (fstat(s->fd, &st))
		return -errno;
	*dev = st.st_dev;
	*ino = st.st_ino;
	*name = NULL;
	return 0;
}

void sink_flush_all(struct sink **sinks, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sink_flush(sinks[i]);
}

bool sink_backlog(struct sink *const *sinks, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!sinks[i]->error && sinks[i]->off < sinks[i]->buf.len)
			return true;
	return false;
}

void sink_settle(struct sink *s, int timeout_ms)
{
	double deadline = mono_seconds() + timeout_ms / 1000.0;
	int left, r;

	while (!s->error && sink_flush(s) == 0 && s->off < s->buf.len) {
		left = (int)((deadline - mono_seconds()) * 1000.0);
		if (left <= 0 || (r = ostream_wait(&s->out, left)) < 0)
			break;
	}
	if (s->error || s->off == s->buf.len)
		return;
	/* Never a torn record: what is not whole now is not written at all. */
	log_error("output '%s' (%s): took nothing for %d ms; %llu buffered events "
		  "counted as lost", s->cfg->name, s->ops->type, timeout_ms,
		  (unsigned long long)s->pending);
	s->dropped += s->pending;
	sink_lose_pending(s);
}

void sink_finish(struct sink *s, const struct summary *sum, int timeout_ms)
{
	int ret;

	if (!s->error && s->ops->write_summary) {
		ret = s->ops->write_summary(s, sum);
		if (ret)
			sink_fail(s, ret);
	}
	/* The last figures: a file left behind with older ones fails the run. */
	if (!s->error && sink_refreshes(s)) {
		char err[512];

		err[0] = '\0';
		if ((ret = s->ops->refresh(s, sum, err, sizeof(err))) != 0) {
			s->failed_writes++;
			s->error = ret;
			log_error("output '%s' (%s): %s; the last figures are not written",
				  s->cfg->name, s->ops->type, err[0] ? err : strerror(-ret));
		} else {
			s->written++;
		}
	}
	sink_settle(s, timeout_ms);
	if (!s->error && s->ops->sync && (ret = s->ops->sync(s)) != 0)
		sink_fail(s, ret);
}

void sink_close(struct sink *s)
{
	if (s->ops && s->ops->close)
		s->ops->close(s);
	if (s->ops && s->ops->buffered)
		ostream_close(&s->out);
	if (s->own_fd && s->fd >= 0)
		close(s->fd);
	strbuf_free(&s->buf);
	free(s->recs);
	free(s);
}

void sink_close_all(struct sink **sinks, size_t n, struct sink *const *keep, size_t nkeep)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (sinks[i] && !sink_in(sinks[i], keep, nkeep))
			sink_close(sinks[i]);
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
