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
	"filename_truncated\r\n"

/* An RFC 3339 UTC timestamp with microseconds, e.g. 2026-11-25T04:59:07.123456Z. */
void sink_format_rfc3339(struct strbuf *sb, const struct timespec *ts);

/*
 * The argument list of an exec as one string: arguments separated by one space,
 * an argument holding a space, a quote or nothing written in double quotes with
 * \" inside. Bytes are not escaped here: each sink escapes the whole string.
 */
void sink_format_argv(struct strbuf *sb, const struct rt_exec_event *e);

/* One event as a JSON object, no newline. */
void sink_format_json_event(struct strbuf *sb, const struct sink_event *ev);

/* A count rule's counters as "counts":[{...}, ...], largest first. */
void sink_format_json_counts(struct strbuf *sb, const struct summary_rule *sr);

/* One rule's part of the summary as a JSON object, no newline. */
void sink_format_json_summary(struct strbuf *sb, const struct summary *sum,
			      const struct summary_rule *sr);

/* One event as a CSV row, CRLF-terminated (RFC 4180). */
void sink_format_csv_event(struct strbuf *sb, const struct sink_event *ev);

/* One rule's summary as CSV rows: a "summary" row, then a "count" row per comm. */
void sink_format_csv_summary(struct strbuf *sb, const struct summary *sum,
			     const struct summary_rule *sr);

/* One event as a key=value body whose values cannot split or forge the line. */
void sink_format_kv_event(struct strbuf *sb, const struct sink_event *ev);

/* One rule's summary as a key=value body. */
/* A reload's change report as a JSON object, a CSV row and key=value pairs. */
void sink_format_json_reload(struct strbuf *sb, const struct sink_reload *r);
void sink_format_csv_reload(struct strbuf *sb, const struct sink_reload *r);
void sink_format_kv_reload(struct strbuf *sb, const struct sink_reload *r);

/* The JSON summary objects, a line each, of the rules that use output index. */
void sink_format_json_summaries(struct strbuf *sb, const struct summary *sum, unsigned index);

void sink_format_kv_summary(struct strbuf *sb, const struct summary *sum,
			    const struct summary_rule *sr);

/* Whether rule index i of the summary routes to the output at index out. */
bool sink_rule_uses_output(const struct summary_rule *sr, unsigned out);

#endif /* SINK_FORMAT_H */
