// SPDX-License-Identifier: GPL-2.0-only
/*
 * sink_syslog.c - messages to the local syslog socket, written here rather than
 * through syslog(3) so the socket is the rule file's choice, a daemon that is gone
 * is noticed, and a slow one never blocks the event consumer.
 *
 * The message is what syslog(3) sends on a local socket (RFC 3164 without a
 * hostname): "<PRI>Mmm dd hh:mm:ss IDENT[PID]: BODY", BODY being key=value pairs
 * whose values are quoted and escaped so the data cannot split or forge a message.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "sink_format.h"

struct syslog_state {
	struct sockaddr_un addr;
	int pid;
	struct strbuf msg;
};

static int syslog_connect(struct sink *s)
{
	struct syslog_state *st = s->priv;
	int fd, e;

	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&st->addr, sizeof(st->addr))) {
		e = errno;
		close(fd);
		return -e;
	}
	if (s->fd >= 0)
		close(s->fd);
	s->fd = fd;
	return 0;
}

static int syslog_open(struct sink *s, char *err, size_t errlen)
{
	struct syslog_state *st;
	const char *path = s->cfg->socket ? s->cfg->socket : "/dev/log";
	int ret;

	if (strlen(path) >= sizeof(st->addr.sun_path)) {
		snprintf(err, errlen, "socket path %s is too long", path);
		return -ENAMETOOLONG;
	}
	st = xcalloc(1, sizeof(*st));
	st->addr.sun_family = AF_UNIX;
	memcpy(st->addr.sun_path, path, strlen(path) + 1);
	st->pid = (int)getpid();
	strbuf_init(&st->msg);
	s->priv = st;
	s->own_fd = true;
	if ((ret = syslog_connect(s)) != 0) {
		snprintf(err, errlen, "connect to syslog socket %s: %s%s", path, strerror(-ret),
			 ret == -ENOENT || ret == -ECONNREFUSED ?
			 " (is a syslog daemon running?)" : "");
		strbuf_free(&st->msg);
		free(st);
		s->priv = NULL;
		return ret;
	}
	return 0;
}

/* Send one message; a daemon that restarted gets one reconnect. */
static int syslog_send(struct sink *s, const char *body, size_t len)
{
	struct syslog_state *st = s->priv;
	const struct rules_output *o = s->cfg;
	char stamp[32];
	struct tm tm;
	time_t now = time(NULL);
	int tries, ret;

	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", &tm);
	strbuf_reset(&st->msg);
	/* ident comes from the rule file, never from traced data; still escaped. */
	strbuf_addf(&st->msg, "<%d>%s %s[%d]: ", o->facility | o->priority, stamp,
		    o->ident ? o->ident : "ruletrace", st->pid);
	strbuf_add(&st->msg, body, len);

	for (tries = 0; tries < 2; tries++) {
		if (send(s->fd, st->msg.buf, st->msg.len, MSG_NOSIGNAL | MSG_DONTWAIT) >= 0)
			return 0;
		ret = -errno;
		if (ret == -EAGAIN || ret == -ENOBUFS)
			return SINK_DROPPED;
		if (ret == -EINTR)
			continue;
		if (ret != -ECONNREFUSED && ret != -ENOTCONN && ret != -ENOENT)
			return ret;
		if (tries == 0 && syslog_connect(s))
			return ret;
	}
	return ret;
}

static int syslog_write_event(struct sink *s, const struct sink_event *ev)
{
	int ret;

	strbuf_reset(&s->buf);
	sink_format_kv_event(&s->buf, ev);
	ret = syslog_send(s, s->buf.buf, s->buf.len);
	strbuf_reset(&s->buf);	/* sent, or not: nothing left to flush */
	return ret;
}

static int syslog_write_reload(struct sink *s, const struct sink_reload *r)
{
	int ret;

	strbuf_reset(&s->buf);
	sink_format_kv_reload(&s->buf, r);
	ret = syslog_send(s, s->buf.buf, s->buf.len);
	strbuf_reset(&s->buf);
	return ret < 0 ? ret : 0;
}

static int syslog_write_summary(struct sink *s, const struct summary *sum)
{
	size_t i;
	int ret;

	for (i = 0; i < sum->nrules; i++) {
		if (!sink_rule_uses_output(&sum->rules[i], s->index))
			continue;
		strbuf_reset(&s->buf);
		sink_format_kv_summary(&s->buf, sum, &sum->rules[i]);
		ret = syslog_send(s, s->buf.buf, s->buf.len);
		strbuf_reset(&s->buf);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static void syslog_close(struct sink *s)
{
	struct syslog_state *st = s->priv;

	if (!st)
		return;
	strbuf_free(&st->msg);
	free(st);
	s->priv = NULL;
}

const struct sink_ops sink_syslog_ops = {
	.type = "syslog",
	.open = syslog_open,
	.write_event = syslog_write_event,
	.write_reload = syslog_write_reload,
	.write_summary = syslog_write_summary,
	.close = syslog_close,
};
