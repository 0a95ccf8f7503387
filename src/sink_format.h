/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sink_format.h - event and summary formatters shared by several sinks: the JSON
 * object (stdout format json, the json file sink), the CSV row, the key=value body
 * (syslog), and the pieces they share (argument lists, timestamps).
 */
#ifndef SINK_FORMAT_H
#define SINK_FORMAT_H

#include "sink.h"
#include "summary.h"
#include "util.h"

/* Columns of the CSV sink, in order: the header row. New columns go last. */
#define SINK_CSV_HEADER \
	"time,rule,event,pid,tid,ppid,uid,comm,syscall,filename,argv,truncated,count,lost," \
	"filename_truncated,result,pcomm,argc,argv_cut_args,argv_cut_bytes,suppressed," \
	"cgroup,unit,container\r\n"

/* An RFC 3339 UTC timestamp with microseconds, e.g. 2026-11-25T04:59:07.123456Z. */
void sink_format_rfc3339(struct strbuf *sb, const struct timespec *ts);

/* A walk over the arguments an exec's rule shows (x->args_shown of them). */
struct sink_argv {
	const char *arg;	/* the current argument: len bytes, no NUL counted */
	size_t len;
	__u32 index;		/* its place in argv, 0 for the first */
	bool partial;		/* it is cut short (the last one shown) */
	const struct sink_exec *x;	/* the walk's own state */
	size_t off;
	__u32 next;
};

/* Start a walk over x's arguments; the first sink_argv_next gives argv[0]. */
void sink_argv_begin(struct sink_argv *a, const struct sink_exec *x);

/* Step to the next argument: true with arg, len, index and partial set, false past the last. */
bool sink_argv_next(struct sink_argv *a);

/* Whether x's rule does not show all of its argument list: the figures then say what. */
bool sink_exec_cut(const struct sink_exec *x);

/* Room for sink_exec_result's answer: an errno_name and its NUL. */
#define SINK_RESULT_LEN ERRNO_NAME_LEN

/* "ok" for an exec whose program runs, else its errno's name ("ENOENT"). */
const char *sink_exec_result(const struct sink_exec *x, char buf[SINK_RESULT_LEN]);

/* An escape.h function, or sink_format_raw for bytes left as they are. */
typedef void sink_escape_fn(struct strbuf *sb, const char *s, size_t n);

/* The n bytes at s, as they are. */
void sink_format_raw(struct strbuf *sb, const char *s, size_t n);

/*
 * One argument, its bytes through esc: in double quotes, with \" for a quote, when
 * it holds a space or a quote or is empty, so that it reads as one argument.
 */
void sink_format_arg(struct strbuf *sb, const char *arg, size_t n, sink_escape_fn *esc);

/*
 * The arguments x shows as one string: sink_format_arg's arguments through esc,
 * separated by one space, a partial last one followed by "...".
 */
void sink_format_argv(struct strbuf *sb, const struct sink_exec *x, sink_escape_fn *esc);

/* One event as a JSON object, no newline. */
void sink_format_json_event(struct strbuf *sb, const struct sink_event *ev);

/* A count rule's counters as "counts":[{...}, ...], largest first. */
void sink_format_json_counts(struct strbuf *sb, const struct summary_rule *sr);

/* One rule's part of the summary as a JSON object, no newline. */
void sink_format_json_summary(struct strbuf *sb, const struct summary *sum,
			      const struct summary_rule *sr);

/* One event as a CSV row, CRLF-terminated (RFC 4180). */
void sink_format_csv_event(struct strbuf *sb, const struct sink_event *ev);

/*
 * One rule's summary as CSV rows: a "summary" row (a stream rule's with its
 * suppressed events in the last column), then a "count" row per counter.
 */
void sink_format_csv_summary(struct strbuf *sb, const struct summary *sum,
			     const struct summary_rule *sr);

/* One event as a key=value body whose values cannot split or forge the line. */
void sink_format_kv_event(struct strbuf *sb, const struct sink_event *ev);

/*
 * As sink_format_kv_event, onto sb which holds the message's header already, an
 * exec so that the whole message is at most max bytes: shown with the most bytes
 * of its argument list that fit (events_exec_narrow: the cut figures count what
 * this message does not show), or, when even none fit, with its file name cut
 * too (filename_truncated=1). Never longer than max for max >= RULES_MIN_MESSAGE:
 * all the rest of an exec message is shorter than that. The times the body was
 * formatted: 1 for a message that fits as it is.
 */
unsigned sink_format_kv_event_fit(struct strbuf *sb, const struct sink_event *ev, size_t max);

/* A reload's change report as a JSON object, a CSV row and key=value pairs. */
void sink_format_json_reload(struct strbuf *sb, const struct sink_reload *r);
void sink_format_csv_reload(struct strbuf *sb, const struct sink_reload *r);
void sink_format_kv_reload(struct strbuf *sb, const struct sink_reload *r);

/* The JSON summary objects, a line each, of the rules that use output index. */
void sink_format_json_summaries(struct strbuf *sb, const struct summary *sum, unsigned index);

/* One rule's summary as a key=value body. */
void sink_format_kv_summary(struct strbuf *sb, const struct summary *sum,
			    const struct summary_rule *sr);

/* Whether rule index i of the summary routes to the output at index out. */
bool sink_rule_uses_output(const struct summary_rule *sr, unsigned out);

#endif /* SINK_FORMAT_H */
