/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sink.h - where events go. A sink is an output of the rule file opened for the
 * run; each type supplies a const table of operations. sink.c owns the failure
 * policy shared by all of them: a sink that fails while running is reported once,
 * then counts what it could not write, and never stops the others; a sink whose
 * destination does not keep up never blocks the run loop: past a backlog it drops
 * and counts. "written" counts whole records that reached the destination.
 * A type with a refresh operation (prometheus) takes no events: it rewrites its
 * destination whole with the figures every interval, and "written" counts those
 * rewrites; one that fails while running is said once, counted and retried at
 * the next interval, and only the last, at exit, fails the sink.
 */
#ifndef SINK_H
#define SINK_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <sys/types.h>

#include "ostream.h"
#include "outfile.h"
#include "rules.h"
#include "ruletrace_abi.h"
#include "summary.h"
#include "util.h"

/*
 * An exec as the rule it is shown under sees it. The kernel reads as much of the
 * argument area as the most demanding execve rule keeps; each rule shows at most
 * its own max_argv_bytes of that, and says how much it did not show.
 */
struct sink_exec {
	__u32 ppid;
	__s32 result;			/* 0: the new program runs; else the failed -errno */
	const char *pcomm;		/* the parent's comm: RT_COMM_LEN bytes, NUL-padded */
	const char *filename;		/* filename_len bytes, no NUL among them */
	size_t filename_len;
	bool filename_unread;		/* could not be read: filename_len is 0 */
	bool filename_cut;		/* its first bytes only: the kernel's RT_FILENAME_LEN - 1,
					 * or fewer where a sink cut it to fit a message */
	__u32 argc;			/* the new program's (failed: the arguments found) */
	const char *args;		/* the arguments shown, each NUL-ended but a partial last */
	size_t args_len;		/* bytes of them */
	__u32 args_shown;		/* arguments in them, a partial last one included */
	bool last_partial;		/* the last one shown is cut short */
	__u32 args_cut;			/* arguments not shown whole */
	__u32 bytes_cut;		/* bytes of the argument area (NULs included) not shown */
	bool exact;			/* false: argc, args_cut and bytes_cut are lower bounds */
	bool args_unread;		/* the arguments, or their rest, could not be read */
	uint32_t view_limit;		/* the max_argv_bytes it was viewed for */
};

/* A decoded event as the sinks see it. */
struct sink_event {
	const struct rt_event_hdr *hdr;
	const struct sink_exec *exec;		/* RT_EVENT_EXEC, else NULL */
	const struct rt_syscall_event *sys;	/* RT_EVENT_SYSCALL, else NULL */
	const char *syscall_name;		/* NULL when unknown */
	struct timespec wall;			/* CLOCK_REALTIME of the event */
	const char *rule;			/* the (first) rule that routed it here */
	unsigned slot;				/* ... its kernel rule slot */
	/* The task's cgroup v2 path (untrusted bytes, NUL-ended), the systemd unit
	 * and the container it is in; NULL where there is none or it is unknown. */
	const char *cgroup;
	const char *unit;
	const char *container;
};

/* A reload's change report, as the outputs record it. */
struct sink_reload {
	const char *line;	/* "reload: +A -R ~C rules, counts kept for K, N events ..." */
	unsigned added, removed, changed, counts_kept;
	uint64_t swap_lost;
};

struct sink;

#define SINK_DROPPED 1	/* the destination cannot take it now: counted lost */
#define SINK_REFUSED 2	/* ... nor ever (too long), and the sink said why */

struct sink_ops {
	const char *type;
	/* Events go through s->buf to s->fd (else the type sends them itself). */
	bool buffered;
	/* Open the destination; 0 or -errno with a message in err. */
	int (*open)(struct sink *s, char *err, size_t errlen);
	/*
	 * The run (start) or reload that opened it is going ahead: make the changes
	 * to the destination that a failed one must not (truncation, at the start of
	 * a run only). 0 or -errno. NULL: none.
	 */
	int (*commit)(struct sink *s, bool start);
	/*
	 * Format one event: append it to s->buf (written to s->fd by the next flush),
	 * or send it at once. 0, SINK_DROPPED when the destination could not take it
	 * now (counted, the sink stays up), or -errno when the sink has failed.
	 */
	int (*write_event)(struct sink *s, const struct sink_event *ev);
	/*
	 * Datagram types (buffered too): send one whole record of s->buf, p and n,
	 * as one message. 0 sent, -EAGAIN when the destination cannot take it now
	 * (kept, sent again later), SINK_REFUSED when it never will (dropped and
	 * counted; the type said why), or -errno when the sink has failed. NULL:
	 * s->buf is a byte stream to s->fd.
	 */
	int (*send_record)(struct sink *s, const char *p, size_t n);
	/* Record a reload's change report (as write_event does an event); 0 or -errno. */
	int (*write_reload)(struct sink *s, const struct sink_reload *r);
	/* Write this sink's part of the exit summary; 0 or -errno. NULL: none. */
	int (*write_summary)(struct sink *s, const struct summary *sum);
	/*
	 * Replace the destination's content with sum's figures, all or nothing (also
	 * the last time, at exit); 0, or -errno with the reason in err, and then
	 * nothing of this write is left anywhere. NULL: the type writes events
	 * (write_event) instead.
	 */
	int (*refresh)(struct sink *s, const struct summary *sum, char *err, size_t errlen);
	/*
	 * Which file it writes, to tell outputs apart: 0 with *dev and *ino the
	 * file's, or for one not made yet its directory's and *name (the sink's)
	 * its name there; -errno when there is none to tell. NULL: the file open on
	 * s->fd.
	 */
	int (*file_id)(struct sink *s, dev_t *dev, ino_t *ino, const char **name);
	/* Make written data durable (fsync and the like); 0 or -errno. NULL: nothing to do. */
	int (*sync)(struct sink *s);
	/* Release what open took; s->fd is closed by sink.c. */
	void (*close)(struct sink *s);
};

/* Where one formatted record ends in a sink's buffer. */
struct sink_record {
	size_t end;		/* offset in buf just past it */
	bool event;		/* an event (else a header or summary line) */
	uint8_t slot;		/* an event's rule slot: whose loss it is if lost */
};

struct sink {
	const struct sink_ops *ops;
	const struct rules_output *cfg;
	const struct outfile_policy *policy;	/* for file outputs; NULL: no owner checks */
	unsigned index;		/* of cfg in rules.outputs */
	void *priv;
	int fd;			/* where s->buf is flushed; -1 for none */
	bool own_fd;		/* close fd at the end */
	struct ostream out;	/* fd as written to: never blocks (buffered types) */
	struct strbuf buf;	/* formatted, not yet written */
	size_t off;		/* bytes of buf already written */
	size_t whole;		/* of those, up to the end of the last whole record */
	struct sink_record *recs;	/* records of buf not yet wholly written */
	size_t rec_head, nrecs, rec_cap;
	uint64_t pending;	/* events in buf not yet wholly written */
	uint64_t written;	/* events that reached the destination (refresh: rewrites) */
	uint64_t lost;		/* events that did not: dropped, or after a failure */
	uint64_t dropped;	/* of those, dropped while the sink stayed up */
	uint64_t lost_by_slot[RT_MAX_RULES];	/* lost, by the rule slot of the event */
	int error;		/* first -errno while running, 0 if none */
	/* Types with refresh: */
	double refresh_at;	/* next rewrite, mono_seconds(); 0: at once */
	uint64_t failed_writes;	/* rewrites that failed, retried at the next */
	int refresh_error;	/* the failure of the last rewrite (said when it began), or 0 */
};

/*
 * One sink per output of r into *sinks (an array of r->noutputs): a running sink
 * that is the same output, still writing the file its path names, is taken over
 * as it is (its descriptor and figures kept); the others are opened, files
 * under policy p and never truncated here. 0 or -errno with "FILE:LINE:COL:
 * output 'x': ..." in err; then nothing of running was touched.
 */
int sink_open_all(const struct rules *r, const struct outfile_policy *p,
		  struct sink *const *running, size_t nrunning, struct sink ***sinks,
		  char *err, size_t errlen);

/* The rule file r, whose outputs sinks are, is now the running one: point them at it. */
void sink_rebind(struct sink **sinks, const struct rules *r);

/* Whether s is one of set[0..n). */
bool sink_in(const struct sink *s, struct sink *const *set, size_t n);

/*
 * The start or reload that opened sinks is going ahead: commit each (at the start
 * of a run, truncate what is not appended to; a CSV header wherever the file is
 * empty, as a new one, or one emptied under a kept output by copytruncate). A
 * sink that cannot has failed, as if while running.
 */
void sink_commit_all(struct sink **sinks, size_t n, bool start);

/*
 * Add text that is not an event (an --interval summary) to what s writes, in
 * order with its events; 0, -EAGAIN when s is too far behind to take it, or
 * the sink's -errno.
 */
int sink_add_text(struct sink *s, const char *text, size_t n);

/*
 * Datagram types: the bytes of s->buf past its last record are one record (a
 * message that is not an event), so that the next is sent as a message of its own.
 */
void sink_end_record(struct sink *s);

/* Record a reload's change report in s, in order with its events, never waiting. */
void sink_add_reload(struct sink *s, const struct sink_reload *r);

/* Write ev to s, applying the failure policy; a type that takes no events is left alone. */
void sink_write(struct sink *s, const struct sink_event *ev);

/* Whether s rewrites its destination with the figures (refresh) rather than take events. */
bool sink_refreshes(const struct sink *s);

/*
 * The soonest a sink of sinks[0..n) is due to rewrite its destination, in
 * mono_seconds() (0: at once, as one just opened is) into *at; false when none
 * has one to rewrite.
 */
bool sink_refresh_due(struct sink *const *sinks, size_t n, double *at);

/*
 * Rewrite the destination of each sink due by now with sum's figures, and set
 * when it is due next: its output's interval later, and never sooner than an
 * interval after the rewrite ended (one slower than its interval does not
 * starve the event loop). A rewrite that fails is
 * said once (until one succeeds again), counted, and retried then.
 */
void sink_refresh_all(struct sink **sinks, size_t n, const struct summary *sum, double now);

/*
 * Which file s writes (see file_id in struct sink_ops): 0, or -ENOENT when it
 * writes none.
 */
int sink_file_id(struct sink *s, dev_t *dev, ino_t *ino, const char **name);

/*
 * Write the exit summary to s (when its type has one) and flush it, waiting at
 * most timeout_ms for a slow destination; what it has not taken by then is lost.
 * A type with refresh rewrites its destination a last time: failing that fails s.
 */
void sink_finish(struct sink *s, const struct summary *sum, int timeout_ms);

/* Write what each sink's destination takes now, never waiting. */
void sink_flush_all(struct sink **sinks, size_t n);

/* Whether some sink holds bytes its destination has not taken yet. */
bool sink_backlog(struct sink *const *sinks, size_t n);

/* Flush s for at most timeout_ms; events still unwritten then are counted as lost. */
void sink_settle(struct sink *s, int timeout_ms);

/* Close and free one sink. */
void sink_close(struct sink *s);

/* Close and free the n sinks of the array sinks (and it), except those in keep. */
void sink_close_all(struct sink **sinks, size_t n, struct sink *const *keep, size_t nkeep);

/* Format a CLOCK_REALTIME time as "HH:MM:SS.mmm" (local time) into buf of 16. */
void sink_format_clock(const struct timespec *ts, char buf[16]);

extern const struct sink_ops sink_stdout_ops;
extern const struct sink_ops sink_csv_ops;
extern const struct sink_ops sink_json_ops;
extern const struct sink_ops sink_syslog_ops;
extern const struct sink_ops sink_prometheus_ops;

#endif /* SINK_H */
