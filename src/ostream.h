/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ostream.h - writing to a descriptor without ever blocking the run loop.
 * Standard output may be a pipe nobody reads, a terminal stopped with ^S or a
 * socket whose peer stalls: a blocking write there would make ruletrace deaf to
 * signals and blind to its event buffer. Regular files are written as they are
 * (a disk does not wait on a reader); anything else is written through a
 * non-blocking path of its own, without changing the flags of the descriptor
 * it shares with the shell that started it.
 */
#ifndef OSTREAM_H
#define OSTREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum ostream_kind {
	OSTREAM_REGULAR,	/* a regular file: plain writes */
	OSTREAM_REOPENED,	/* a pipe, FIFO or terminal, reopened O_NONBLOCK */
	OSTREAM_SOCKET,		/* send(MSG_DONTWAIT) */
	OSTREAM_POLLED,		/* nothing else worked: poll, then at most PIPE_BUF */
};

struct ostream {
	int fd;			/* where bytes go: the original or our own reopened one */
	bool own;		/* fd is ours to close */
	enum ostream_kind kind;
};

/* Prepare to write to fd (which stays open and unchanged); 0 or -errno (fstat). */
int ostream_open(struct ostream *o, int fd);

/* Write what the destination takes now: bytes written (> 0), -EAGAIN, or -errno. */
ssize_t ostream_write(struct ostream *o, const void *p, size_t n);

/* Wait up to timeout_ms until o can take bytes; 1 ready, 0 not yet, -errno. */
int ostream_wait(struct ostream *o, int timeout_ms);

/* Write all n bytes within timeout_ms; 0, -ETIMEDOUT with *done bytes written, or -errno. */
int ostream_write_all(struct ostream *o, const void *p, size_t n, int timeout_ms,
		      size_t *done);

void ostream_close(struct ostream *o);

#endif /* OSTREAM_H */
