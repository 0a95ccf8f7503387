// SPDX-License-Identifier: GPL-2.0-only
/* ostream.c - non-blocking writes to whatever a descriptor turns out to be. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ostream.h"
#include "util.h"

int ostream_open(struct ostream *o, int fd)
{
	char path[64];
	struct stat st;
	int nfd;

	o->fd = fd;
	o->own = false;
	if (fstat(fd, &st))
		return -errno;
	if (S_ISREG(st.st_mode)) {
		o->kind = OSTREAM_REGULAR;
		return 0;
	}
	if (S_ISSOCK(st.st_mode)) {
		o->kind = OSTREAM_SOCKET;
		return 0;
	}
	/*
	 * A pipe, FIFO or terminal opened again through /proc is a new open file
	 * description: O_NONBLOCK on it leaves the shell's descriptor as it was.
	 */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	nfd = open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (nfd >= 0) {
		o->fd = nfd;
		o->own = true;
		o->kind = OSTREAM_REOPENED;
		return 0;
	}
	o->kind = OSTREAM_POLLED;
	return 0;
}

ssize_t ostream_write(struct ostream *o, const void *p, size_t n)
{
	ssize_t w;
	int r;

	if (!n)
		return 0;
	for (;;) {
		switch (o->kind) {
		case OSTREAM_SOCKET:
			w = send(o->fd, p, n, MSG_DONTWAIT | MSG_NOSIGNAL);
			if (w < 0 && errno == ENOTSOCK) {	/* not what fstat said */
				o->kind = OSTREAM_POLLED;
				continue;
			}
			break;
		case OSTREAM_POLLED:
			/* A pipe with room for one page takes PIPE_BUF bytes without waiting. */
			r = ostream_wait(o, 0);
			if (r <= 0)
				return r ? r : -EAGAIN;
			w = write(o->fd, p, n < PIPE_BUF ? n : PIPE_BUF);
			break;
		default:
			w = write(o->fd, p, n);
			break;
		}
		if (w > 0)
			return w;
		if (w == 0)
			return -EIO;
		if (errno == EINTR && o->kind == OSTREAM_REGULAR)
			continue;
		return errno == EWOULDBLOCK || errno == EINTR ? -EAGAIN : -errno;
	}
}

int ostream_wait(struct ostream *o, int timeout_ms)
{
	struct pollfd pfd = { .fd = o->fd, .events = POLLOUT };
	int r;

	if (o->kind == OSTREAM_REGULAR)
		return 1;
	r = poll(&pfd, 1, timeout_ms);
	if (r < 0)
		return errno == EINTR ? 0 : -errno;
	if (r && (pfd.revents & (POLLERR | POLLNVAL)) && !(pfd.revents & POLLOUT))
		return -EPIPE;
	return r > 0;
}

int ostream_write_all(struct ostream *o, const void *p, size_t n, int timeout_ms,
		      size_t *done)
{
	double deadline = mono_seconds() + timeout_ms / 1000.0;
	const char *c = p;
	size_t off = 0;
	ssize_t w;
	int r = 0;

	while (off < n) {
		w = ostream_write(o, c + off, n - off);
		if (w > 0) {
			off += (size_t)w;
			continue;
		}
		if (w != -EAGAIN) {
			r = (int)w;
			break;
		}
		timeout_ms = (int)((deadline - mono_seconds()) * 1000.0);
		if (timeout_ms <= 0) {
			r = -ETIMEDOUT;
			break;
		}
		if ((r = ostream_wait(o, timeout_ms)) < 0)
			break;
		r = 0;
	}
	if (done)
		*done = off;
	return r;
}

void ostream_close(struct ostream *o)
{
	if (o->own && o->fd >= 0)
		close(o->fd);
	o->fd = -1;
	o->own = false;
}
