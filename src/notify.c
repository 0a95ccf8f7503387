// SPDX-License-Identifier: GPL-2.0-only
/*
 * notify.c - sd_notify(3)'s protocol by hand: a datagram of newline-separated
 * KEY=VALUE assignments to the AF_UNIX socket in $NOTIFY_SOCKET, and the ready
 * line for --ready-fd. A supervisor that is gone or slow costs a debug message,
 * once, and never the run.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "notify.h"
#include "ostream.h"
#include "util.h"

#define NOTIFY_MSG_MAX 512
#define NOTIFY_READY_MS 1000	/* a --ready-fd reader that reads nothing: given up then */

static struct {
	int sock;			/* SOCK_DGRAM, unconnected; -1: no $NOTIFY_SOCKET */
	struct sockaddr_un addr;
	socklen_t addrlen;
	char name[sizeof(((struct sockaddr_un *)0)->sun_path) + 1];	/* for messages */
	bool failed;			/* a send failed: said once at debug level */
	int ready_fd;			/* -1: none, or written and closed */
} notify = { .sock = -1, .ready_fd = -1 };

int notify_parse_ready_fd(const char *arg, char *err, size_t errlen)
{
	char *end;
	long v;
	int fl, e;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || *end || !isdigit((unsigned char)arg[0]) || v > 65535) {
		snprintf(err, errlen, "'%s' is not a file descriptor number", arg);
		return -EINVAL;
	}
	if (v <= STDERR_FILENO) {
		snprintf(err, errlen, "%ld is standard %s, which ruletrace keeps open", v,
			 v == 0 ? "input" : v == 1 ? "output" : "error");
		return -EINVAL;
	}
	if ((fl = fcntl((int)v, F_GETFL)) < 0) {
		e = errno;
		snprintf(err, errlen, "%ld: %s", v, strerror(e));
		return -e;
	}
	if ((fl & O_ACCMODE) == O_RDONLY) {
		snprintf(err, errlen, "%ld is not open for writing", v);
		return -EBADF;
	}
	return (int)v;
}

static void notify_failed(const char *what, int e)
{
	if (notify.failed)
		return;
	notify.failed = true;
	log_debug("notify: %s: %s", what, strerror(e));
}

void notify_init(int ready_fd)
{
	const char *env = getenv("NOTIFY_SOCKET");
	size_t len;

	if (notify.sock >= 0)
		close(notify.sock);
	notify.sock = -1;
	notify.failed = false;
	notify.ready_fd = ready_fd;
	if (ready_fd >= 0 && fcntl(ready_fd, F_SETFD, FD_CLOEXEC) < 0)
		notify_failed("--ready-fd", errno);
	if (!env)
		return;
	len = strlen(env);
	snprintf(notify.name, sizeof(notify.name), "%s", env);
	/* As sd_notify(unset_environment=1): the socket is ruletrace's alone. */
	unsetenv("NOTIFY_SOCKET");
	if ((notify.name[0] != '/' && notify.name[0] != '@') || len < 2 ||
	    len > sizeof(notify.addr.sun_path)) {
		notify_failed("NOTIFY_SOCKET", EAFNOSUPPORT);
		return;
	}
	memset(&notify.addr, 0, sizeof(notify.addr));
	notify.addr.sun_family = AF_UNIX;
	memcpy(notify.addr.sun_path, notify.name, len);
	/* An abstract name: a leading NUL, and exactly len bytes, no terminating NUL. */
	if (notify.name[0] == '@')
		notify.addr.sun_path[0] = '\0';
	notify.addrlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
	if ((notify.sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		notify_failed(notify.name, errno);
}

/*
 * One datagram, never waited on: a supervisor whose queue is full loses the
 * message (said once, with -v), and the run loop never stalls on it.
 */
static void notify_send(const char *msg)
{
	ssize_t n;

	if (notify.sock < 0)
		return;
	do
		n = sendto(notify.sock, msg, strlen(msg), MSG_NOSIGNAL | MSG_DONTWAIT,
			   (const struct sockaddr *)&notify.addr, notify.addrlen);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		notify_failed(notify.name, errno);
}

/*
 * The ready line, once: written whole (it is shorter than PIPE_BUF) or not at
 * all, waiting at most NOTIFY_READY_MS for a reader that does not read; then the
 * fd is closed.
 */
static void notify_ready_line(void)
{
	struct ostream o;
	char line[64];
	int len, ret;

	if (notify.ready_fd < 0)
		return;
	len = snprintf(line, sizeof(line), "READY=1 MAINPID=%ld\n", (long)getpid());
	if ((ret = ostream_open(&o, notify.ready_fd)) == 0) {
		ret = ostream_write_all(&o, line, (size_t)len, NOTIFY_READY_MS, NULL);
		ostream_close(&o);
	}
	if (ret)
		log_error("--ready-fd: the ready line was not written: %s",
			  ret == -ETIMEDOUT ? "nothing read it" : strerror(-ret));
	if (close(notify.ready_fd) && errno != EINTR)
		notify_failed("--ready-fd", errno);
	notify.ready_fd = -1;
}

void notify_ready(const char *fmt, ...)
{
	char msg[NOTIFY_MSG_MAX], *nl;
	va_list ap;
	int len;

	len = snprintf(msg, sizeof(msg), "READY=1\nSTATUS=");
	va_start(ap, fmt);
	vsnprintf(msg + len, sizeof(msg) - (size_t)len, fmt, ap);
	va_end(ap);
	/* STATUS is one line: a newline in it would start another assignment. */
	while ((nl = strchr(msg + len, '\n')) != NULL)
		*nl = ' ';
	len = (int)strlen(msg);
	snprintf(msg + len, sizeof(msg) - (size_t)len, "\nMAINPID=%ld", (long)getpid());
	notify_send(msg);
	notify_ready_line();
}

void notify_reloading(void)
{
	char msg[NOTIFY_MSG_MAX];
	struct timespec ts;

	/* systemd 253's Type=notify-reload matches the reload by this timestamp. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(msg, sizeof(msg), "RELOADING=1\nMONOTONIC_USEC=%llu",
		 (unsigned long long)ts.tv_sec * 1000000ULL +
			 (unsigned long long)ts.tv_nsec / 1000ULL);
	notify_send(msg);
}

void notify_stopping(void)
{
	notify_send("STOPPING=1");
}
