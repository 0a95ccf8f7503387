// SPDX-License-Identifier: GPL-2.0-only
/*
 * sink_syslog.c - messages to the local syslog socket, written here rather than
 * through syslog(3) so the socket is the rule file's choice, a daemon that is gone
 * is noticed, and a slow one never blocks the event consumer.
 *
 * The message is what syslog(3) sends on a local socket (RFC 3164 without a
 * hostname): "<PRI>Mmm dd hh:mm:ss IDENT[PID]: BODY", BODY being key=value pairs
 * whose values are quoted and escaped so the data cannot split or forge a message.
 *
 * A daemon cuts a message longer than it takes without a word (rsyslog's default
 * maxMessageSize is 8 KiB), so none is longer than the output's max_message: an
 * exec's argument list is shown only as far as it fits, and the message's figures
 * say what it does not show.
 *
 * A Unix datagram socket holds few messages the daemon has not read yet
 * (net.unix.max_dgram_qlen: 10 outside systemd's hosts, in every new network
 * namespace): a burst of execs outruns it while the daemon is busy. So messages
 * wait in the output's buffer, each a record of its own, and go out one
 * datagram each as the socket takes them (sink.c: send_record); only a backlog
 * past the buffer's limit drops, counted.
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

#include "ostream.h"
#include "sink_format.h"

struct syslog_state {
	struct sockaddr_un addr;
	int pid;
	struct strbuf msg;	/* the message being sent, header and body */
	size_t room;		/* the longest message the socket was last sized for */
	bool too_long;		/* a message the socket refused as too long was reported */
};

/* The longest message of output o, header included: a file's, else the default. */
static size_t syslog_max(const struct rules_output *o)
{
	return o->max_message ? o->max_message : RULES_DEFAULT_MESSAGE;
}

/*
 * Let the socket take a message of max_message bytes: a Unix datagram socket
 * refuses one larger than its send buffer, less a little, with EMSGSIZE, and the
 * buffer's default (net.core.wmem_default, 208 KiB) is below the largest
 * max_message. It is only grown. The kernel caps what is asked at
 * net.core.wmem_max, then doubles it; a message the socket still refuses is
 * counted lost (syslog_send).
 */
static void syslog_size(struct sink *s)
{
	struct syslog_state *st = s->priv;
	int have = 0, want;
	socklen_t len = sizeof(have);

	st->room = syslog_max(s->cfg);
	want = (int)st->room + 1024;	/* and what the kernel keeps back (32 bytes) */
	if (getsockopt(s->fd, SOL_SOCKET, SO_SNDBUF, &have, &len) == 0 && have >= want)
		return;
	(void)setsockopt(s->fd, SOL_SOCKET, SO_SNDBUF, &want, sizeof(want));
}

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
	syslog_size(s);
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

/* Start st->msg with the header: "<PRI>Mmm dd hh:mm:ss IDENT[PID]: ". */
static void syslog_head(struct sink *s)
{
	struct syslog_state *st = s->priv;
	const struct rules_output *o = s->cfg;
	char stamp[32];
	struct tm tm;
	time_t now = time(NULL);

	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", &tm);
	strbuf_reset(&st->msg);
	/* ident comes from the rule file, never from traced data; still escaped. */
	strbuf_addf(&st->msg, "<%d>%s %s[%d]: ", o->facility | o->priority, stamp,
		    o->ident ? o->ident : "ruletrace", st->pid);
}

/*
 * Send one message, p and n, as one datagram (sink.c's send_record); a daemon that
 * restarted gets one reconnect. A message the socket will never take (EMSGSIZE:
 * larger than its send buffer) is refused, counted; one it cannot take now waits.
 */
static int syslog_send_record(struct sink *s, const char *p, size_t n)
{
	struct syslog_state *st = s->priv;
	int tries, ret = 0;

	for (tries = 0; tries < 2; tries++) {
		if (send(s->fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT) >= 0)
			return 0;
		ret = -errno;
		if (ret == -EAGAIN || ret == -ENOBUFS)
			return -EAGAIN;
		if (ret == -EMSGSIZE) {
			if (!st->too_long)
				log_error("output '%s' (syslog): socket %s refused a message of %zu "
					  "bytes as too long (max_message %zu); such messages are "
					  "counted as lost: lower max_message, or raise "
					  "net.core.wmem_max", s->cfg->name, st->addr.sun_path, n,
					  syslog_max(s->cfg));
			st->too_long = true;
			return SINK_REFUSED;
		}
		if (ret == -EINTR)
			continue;
		if (ret != -ECONNREFUSED && ret != -ENOTCONN && ret != -ENOENT)
			return ret;
		if (tries == 0 && syslog_connect(s))
			return ret;
		/* The sink waits for the new socket, not the one that went away. */
		ostream_close(&s->out);
		if (ostream_open(&s->out, s->fd))
			return ret;
	}
	return ret;
}

/* st->msg, a whole message, as one record of the output's buffer. */
static void syslog_queue(struct sink *s)
{
	struct syslog_state *st = s->priv;

	strbuf_add(&s->buf, st->msg.buf, st->msg.len);
}

static int syslog_write_event(struct sink *s, const struct sink_event *ev)
{
	struct syslog_state *st = s->priv;
	size_t max = syslog_max(s->cfg);

	if (st->room < max)	/* a reload raised max_message */
		syslog_size(s);
	syslog_head(s);
	sink_format_kv_event_fit(&st->msg, ev, max);
	syslog_queue(s);
	return 0;
}

static int syslog_write_reload(struct sink *s, const struct sink_reload *r)
{
	struct syslog_state *st = s->priv;

	syslog_head(s);
	sink_format_kv_reload(&st->msg, r);
	syslog_queue(s);
	return 0;
}

static int syslog_write_summary(struct sink *s, const struct summary *sum)
{
	struct syslog_state *st = s->priv;
	size_t i;

	for (i = 0; i < sum->nrules; i++) {
		if (!sink_rule_uses_output(&sum->rules[i], s->index))
			continue;
		syslog_head(s);
		sink_format_kv_summary(&st->msg, sum, &sum->rules[i]);
		syslog_queue(s);
		sink_end_record(s);	/* a message of its own */
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
	.buffered = true,
	.open = syslog_open,
	.send_record = syslog_send_record,
	.write_event = syslog_write_event,
	.write_reload = syslog_write_reload,
	.write_summary = syslog_write_summary,
	.close = syslog_close,
};
