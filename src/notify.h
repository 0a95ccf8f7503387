/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * notify.h - telling a supervisor how the run stands: systemd's sd_notify
 * protocol (one datagram per state to the AF_UNIX socket $NOTIFY_SOCKET names,
 * written out here, no libsystemd) and, for scripts, one line on a "ready fd".
 * Nothing here is ever fatal: with neither, every call does nothing.
 */
#ifndef NOTIFY_H
#define NOTIFY_H

#include <stddef.h>

/*
 * --ready-fd ARG: a descriptor number, open for writing, and not 0, 1 or 2 (it is
 * closed once the ready line is written). The fd, or -EINVAL/-EBADF with err.
 */
int notify_parse_ready_fd(const char *arg, char *err, size_t errlen);

/*
 * Read $NOTIFY_SOCKET (a path, or an abstract name starting with '@') and unset
 * it, so no child could pose as ruletrace; ready_fd (or -1) gets the ready line.
 * Both are kept close-on-exec.
 */
void notify_init(int ready_fd);

/*
 * "READY=1\nSTATUS=<status>\nMAINPID=<pid>" to the socket; the first time, also
 * the ready line "READY=1 MAINPID=<pid>\n" to the ready fd, which is then closed.
 */
void notify_ready(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "RELOADING=1\nMONOTONIC_USEC=<CLOCK_MONOTONIC in microseconds>": a reload has begun. */
void notify_reloading(void);

/* "STOPPING=1": the run is ending; nothing is sent after it. */
void notify_stopping(void);

#endif /* NOTIFY_H */
