// SPDX-License-Identifier: GPL-2.0-only
/*
 * sink_format.c - the JSON, CSV and key=value forms of events and summaries.
 * Every byte that came from a process goes through one of escape.h's functions.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "escape.h"
#include "sink_format.h"

void sink_format_rfc3339(struct strbuf *sb, const struct timespec *ts)
{
	struct tm tm;
	time_t t = ts->tv_sec;

	gmtime_r(&t, &tm);
	strbuf_addf(sb, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900,
		    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		    ts->tv_nsec / 1000);
}

void sink_argv_begin(struct sink_argv *a, const struct sink_exec *x)
{
	memset(a, 0, sizeof(*a));
	a->x = x;
}

bool sink_argv_next(struct sink_argv *a)
{
	const struct sink_exec *x = a->x;

	if (a->next >= x->args_shown || a->off >= x->args_len)
		return false;
	a->arg = x->args + a->off;
	a->len = strnlen(a->arg, x->args_len - a->off);
	a->index = a->next++;
	a->partial = x->last_partial && a->next == x->args_shown;
	a->off += a->len + 1;
	return true;
}

bool sink_exec_cut(const struct sink_exec *x)
{
	/* Not exact: the kernel stopped reading before the list's end, wherever that is. */
	return x->args_cut || x->bytes_cut || !x->exact;
}

const char *sink_exec_result(const struct sink_exec *x, char buf[SINK_RESULT_LEN])
{
	return x->result ? errno_name(-x->result, buf) : "ok";
}

void sink_format_raw(struct strbuf *sb, const char *s, size_t n)
{
	strbuf_add(sb, s, n);
}

void sink_format_arg(struct strbuf *sb, const char *arg, size_t n, sink_escape_fn *esc)
{
	const char *q;

	if (n && !memchr(arg, ' ', n) && !memchr(arg, '"', n)) {
		esc(sb, arg, n);
		return;
	}
	strbuf_addc(sb, '"');
	while ((q = memchr(arg, '"', n))) {
		esc(sb, arg, (size_t)(q - arg));
		strbuf_adds(sb, "\\\"");
		n -= (size_t)(q - arg) + 1;
		arg = q + 1;
	}
	esc(sb, arg, n);
	strbuf_addc(sb, '"');
}

void sink_format_argv(struct strbuf *sb, const struct sink_exec *x, sink_escape_fn *esc)
{
	struct sink_argv a;

	for (sink_argv_begin(&a, x); sink_argv_next(&a);) {
		if (a.index)
			strbuf_addc(sb, ' ');
		sink_format_arg(sb, a.arg, a.len, esc);
		/* Outside any quotes: not a byte of the argument. */
		if (a.partial)
			strbuf_adds(sb, "...");
	}
}

/* The argument list as sink_format_argv writes it, the whole string through esc. */
static void escaped_argv(struct strbuf *sb, const struct sink_exec *x, sink_escape_fn *esc)
{
	struct strbuf argv;

	strbuf_init(&argv);
	sink_format_argv(&argv, x, sink_format_raw);
	esc(sb, argv.buf, argv.len);
	strbuf_free(&argv);
}

static void json_str(struct strbuf *sb, const char *key, const char *s, size_t n)
{
	strbuf_addf(sb, ",\"%s\":", key);
	escape_json_string(sb, s, n);
}

static void json_bool(struct strbuf *sb, const char *key, bool v)
{
	strbuf_addf(sb, ",\"%s\":%s", key, v ? "true" : "false");
}

/* What of the argument list the rule does not show: null when it shows it all. */
static void json_argv_cut(struct strbuf *sb, const struct sink_exec *x)
{
	if (!sink_exec_cut(x)) {
		strbuf_adds(sb, ",\"argv_cut\":null");
		return;
	}
	strbuf_addf(sb, ",\"argv_cut\":{\"args\":%u,\"bytes\":%u,\"exact\":%s}", x->args_cut,
		    x->bytes_cut, x->exact ? "true" : "false");
}

/* The keys only an exec has, after "comm". */
static void json_exec(struct strbuf *sb, const struct sink_exec *x)
{
	char res[SINK_RESULT_LEN];
	struct sink_argv a;

	json_str(sb, "pcomm", x->pcomm, escape_comm_len(x->pcomm, RT_COMM_LEN));
	strbuf_addf(sb, ",\"result\":\"%s\"", sink_exec_result(x, res));
	if (x->filename_unread)
		strbuf_adds(sb, ",\"filename\":null");
	else
		json_str(sb, "filename", x->filename, x->filename_len);
	json_bool(sb, "filename_truncated", x->filename_cut);
	strbuf_addf(sb, ",\"argc\":%u,\"argv\":[", x->argc);
	for (sink_argv_begin(&a, x); sink_argv_next(&a);) {
		if (a.index)
			strbuf_addc(sb, ',');
		escape_json_string(sb, a.arg, a.len);
	}
	strbuf_addc(sb, ']');
	json_bool(sb, "argv_truncated", sink_exec_cut(x));
	json_argv_cut(sb, x);
	json_bool(sb, "argv_unread", x->args_unread);
}

void sink_format_json_event(struct strbuf *sb, const struct sink_event *ev)
{
	const struct rt_event_hdr *h = ev->hdr;

	strbuf_adds(sb, "{\"time\":\"");
	sink_format_rfc3339(sb, &ev->wall);
	strbuf_addc(sb, '"');
	json_str(sb, "rule", ev->rule, strlen(ev->rule));
	strbuf_addf(sb, ",\"event\":\"%s\",\"pid\":%u,\"tid\":%u", ev->exec ? "exec" : "syscall",
		    h->pid, h->tid);
	if (ev->exec)
		strbuf_addf(sb, ",\"ppid\":%u", ev->exec->ppid);
	strbuf_addf(sb, ",\"uid\":%u", h->uid);
	json_str(sb, "comm", h->comm, escape_comm_len(h->comm, RT_COMM_LEN));
	if (ev->exec) {
		json_exec(sb, ev->exec);
	} else {
		if (ev->syscall_name)
			strbuf_addf(sb, ",\"syscall\":\"%s\"", ev->syscall_name);
		else
			strbuf_adds(sb, ",\"syscall\":null");
		strbuf_addf(sb, ",\"nr\":%llu", (unsigned long long)ev->sys->nr);
	}
	strbuf_addc(sb, '}');
}

void sink_format_json_counts(struct strbuf *sb, const struct summary_rule *sr)
{
	const struct rules_rule *rule = sr->rule;
	size_t i;

	strbuf_adds(sb, "\"counts\":[");
	for (i = 0; i < sr->ncounts; i++) {
		const struct summary_count *c = &sr->counts[i];
		char nr[SUMMARY_NR_LEN];

		strbuf_adds(sb, i ? ",{" : "{");
		if (rule->group_by & RULES_GROUP_COMM) {
			strbuf_adds(sb, "\"comm\":\"");
			escape_json(sb, c->comm, escape_comm_len(c->comm, RT_COMM_LEN));
			strbuf_adds(sb, "\",");
		}
		if (rule->group_by & RULES_GROUP_PID)
			strbuf_addf(sb, "\"pid\":%u,", c->pid);
		if (rule->group_by & RULES_GROUP_SYSCALL) {
			const char *name = summary_count_syscall(c, nr);

			if (name != nr)
				strbuf_addf(sb, "\"syscall\":\"%s\",", name);
			else
				strbuf_addf(sb, "\"syscall\":null,\"nr\":%s,", nr);
		}
		strbuf_addf(sb, "\"count\":%llu}", (unsigned long long)c->count);
	}
	strbuf_addc(sb, ']');
}

void sink_format_json_summary(struct strbuf *sb, const struct summary *sum,
			      const struct summary_rule *sr)
{
	const struct rules_rule *rule = sr->rule;

	strbuf_adds(sb, "{\"event\":\"summary\"");
	json_str(sb, "rule", rule->name, strlen(rule->name));
	strbuf_addf(sb, ",\"probe\":\"%s\",\"mode\":\"%s\",\"attach\":\"%s\","
		    "\"run_seconds\":%.3f", rules_probe_name(rule->probe),
		    rules_mode_name(rule->mode), sr->attach, sum->run_seconds);
	if (rule->mode != RULES_MODE_COUNT) {
		strbuf_addf(sb, ",\"delivered\":%llu,\"lost\":%llu}",
			    (unsigned long long)sr->delivered, (unsigned long long)sr->lost);
		return;
	}
	strbuf_addf(sb, ",\"counted\":%llu,", (unsigned long long)sr->counted);
	sink_format_json_counts(sb, sr);
	strbuf_addf(sb, ",\"count_map_full\":%llu}", (unsigned long long)sum->count_map_full);
}

/* The exec columns added last (result to argv_cut_bytes), empty in every other row. */
#define CSV_NOT_EXEC ",,,,,"

static void csv_field(struct strbuf *sb, const char *s, size_t n)
{
	escape_csv_field(sb, s, n);
	strbuf_addc(sb, ',');
}

static void csv_time(struct strbuf *sb, const struct timespec *ts)
{
	sink_format_rfc3339(sb, ts);
	strbuf_addc(sb, ',');
}

/* An exec row from the empty syscall column on. */
static void csv_exec(struct strbuf *sb, const struct sink_exec *x)
{
	char res[SINK_RESULT_LEN];

	strbuf_addc(sb, ',');
	csv_field(sb, x->filename, x->filename_len);
	escaped_argv(sb, x, escape_csv_field);
	strbuf_addf(sb, ",%d,,,%d,%s,", sink_exec_cut(x), x->filename_cut,
		    sink_exec_result(x, res));
	csv_field(sb, x->pcomm, escape_comm_len(x->pcomm, RT_COMM_LEN));
	strbuf_addf(sb, "%u,%u,%u\r\n", x->argc, x->args_cut, x->bytes_cut);
}

void sink_format_csv_event(struct strbuf *sb, const struct sink_event *ev)
{
	const struct rt_event_hdr *h = ev->hdr;
	char nr[SUMMARY_NR_LEN];

	csv_time(sb, &ev->wall);
	csv_field(sb, ev->rule, strlen(ev->rule));
	strbuf_addf(sb, "%s,%u,%u,", ev->exec ? "exec" : "syscall", h->pid, h->tid);
	if (ev->exec)
		strbuf_addf(sb, "%u", ev->exec->ppid);
	strbuf_addf(sb, ",%u,", h->uid);
	csv_field(sb, h->comm, escape_comm_len(h->comm, RT_COMM_LEN));
	if (ev->exec) {
		csv_exec(sb, ev->exec);
	} else {
		strbuf_adds(sb, summary_syscall_label(ev->syscall_name, ev->sys->nr, nr));
		strbuf_adds(sb, ",,,,,," CSV_NOT_EXEC "\r\n");
	}
}

void sink_format_csv_summary(struct strbuf *sb, const struct summary *sum,
			     const struct summary_rule *sr)
{
	const struct rules_rule *rule = sr->rule;
	struct timespec now;
	size_t i;

	(void)sum;
	clock_gettime(CLOCK_REALTIME, &now);
	csv_time(sb, &now);
	csv_field(sb, rule->name, strlen(rule->name));
	if (rule->mode != RULES_MODE_COUNT) {
		strbuf_addf(sb, "summary,,,,,,,,,,%llu,%llu," CSV_NOT_EXEC "\r\n",
			    (unsigned long long)sr->delivered, (unsigned long long)sr->lost);
		return;
	}
	strbuf_addf(sb, "summary,,,,,,,,,,%llu,," CSV_NOT_EXEC "\r\n",
		    (unsigned long long)sr->counted);
	for (i = 0; i < sr->ncounts; i++) {
		const struct summary_count *c = &sr->counts[i];
		char nr[SUMMARY_NR_LEN];

		csv_time(sb, &now);
		csv_field(sb, rule->name, strlen(rule->name));
		strbuf_adds(sb, "count,");
		if (rule->group_by & RULES_GROUP_PID)
			strbuf_addf(sb, "%u", c->pid);
		strbuf_adds(sb, ",,,,");
		csv_field(sb, c->comm, escape_comm_len(c->comm, RT_COMM_LEN));
		if (rule->group_by & RULES_GROUP_SYSCALL)
			strbuf_adds(sb, summary_count_syscall(c, nr));
		strbuf_addf(sb, ",,,,%llu,," CSV_NOT_EXEC "\r\n", (unsigned long long)c->count);
	}
}

static void kv(struct strbuf *sb, const char *key, const char *s, size_t n)
{
	strbuf_addf(sb, " %s=", key);
	escape_syslog_value(sb, s, n);
}

/* The pairs only an exec has, after comm. */
static void kv_exec(struct strbuf *sb, const struct sink_exec *x)
{
	char res[SINK_RESULT_LEN];

	kv(sb, "pcomm", x->pcomm, escape_comm_len(x->pcomm, RT_COMM_LEN));
	strbuf_addf(sb, " result=%s", sink_exec_result(x, res));
	kv(sb, "filename", x->filename, x->filename_len);
	strbuf_addf(sb, " argc=%u argv=", x->argc);
	escaped_argv(sb, x, escape_syslog_value);
	strbuf_addf(sb, " truncated=%d filename_truncated=%d argv_cut_args=%u argv_cut_bytes=%u",
		    sink_exec_cut(x), x->filename_cut, x->args_cut, x->bytes_cut);
}

void sink_format_kv_event(struct strbuf *sb, const struct sink_event *ev)
{
	const struct rt_event_hdr *h = ev->hdr;
	char nr[SUMMARY_NR_LEN];

	strbuf_adds(sb, "rule=");
	escape_syslog_value(sb, ev->rule, strlen(ev->rule));
	strbuf_addf(sb, " event=%s pid=%u tid=%u", ev->exec ? "exec" : "syscall", h->pid,
		    h->tid);
	if (ev->exec)
		strbuf_addf(sb, " ppid=%u", ev->exec->ppid);
	strbuf_addf(sb, " uid=%u", h->uid);
	kv(sb, "comm", h->comm, escape_comm_len(h->comm, RT_COMM_LEN));
	if (ev->exec)
		kv_exec(sb, ev->exec);
	else
		strbuf_addf(sb, " syscall=%s",
			    summary_syscall_label(ev->syscall_name, ev->sys->nr, nr));
}

void sink_format_kv_summary(struct strbuf *sb, const struct summary *sum,
			    const struct summary_rule *sr)
{
	const struct rules_rule *rule = sr->rule;

	strbuf_adds(sb, "rule=");
	escape_syslog_value(sb, rule->name, strlen(rule->name));
	strbuf_addf(sb, " event=summary probe=%s mode=%s run_seconds=%.3f",
		    rules_probe_name(rule->probe), rules_mode_name(rule->mode),
		    sum->run_seconds);
	if (rule->mode != RULES_MODE_COUNT)
		strbuf_addf(sb, " delivered=%llu lost=%llu", (unsigned long long)sr->delivered,
			    (unsigned long long)sr->lost);
	else
		strbuf_addf(sb, " counted=%llu comms=%zu", (unsigned long long)sr->counted,
			    sr->ncounts);
}

bool sink_rule_uses_output(const struct summary_rule *sr, unsigned out)
{
	size_t i;

	for (i = 0; i < sr->rule->noutputs; i++)
		if (sr->rule->outputs[i] == out)
			return true;
	return false;
}

static void reload_now(struct timespec *now)
{
	clock_gettime(CLOCK_REALTIME, now);
}

void sink_format_json_reload(struct strbuf *sb, const struct sink_reload *r)
{
	struct timespec now;

	reload_now(&now);
	strbuf_adds(sb, "{\"event\":\"reload\",\"time\":\"");
	sink_format_rfc3339(sb, &now);
	strbuf_addf(sb, "\",\"added\":%u,\"removed\":%u,\"changed\":%u,\"counts_kept\":%u,"
		    "\"swap_lost\":%llu}\n", r->added, r->removed, r->changed, r->counts_kept,
		    (unsigned long long)r->swap_lost);
}

/* The report in the argv column, the events lost in the swap in the lost column. */
void sink_format_csv_reload(struct strbuf *sb, const struct sink_reload *r)
{
	struct timespec now;

	reload_now(&now);
	csv_time(sb, &now);
	strbuf_adds(sb, ",reload,,,,,,,,");
	csv_field(sb, r->line, strlen(r->line));
	strbuf_addf(sb, ",,%llu," CSV_NOT_EXEC "\r\n", (unsigned long long)r->swap_lost);
}

void sink_format_kv_reload(struct strbuf *sb, const struct sink_reload *r)
{
	strbuf_addf(sb, "event=reload added=%u removed=%u changed=%u counts_kept=%u "
		    "swap_lost=%llu", r->added, r->removed, r->changed, r->counts_kept,
		    (unsigned long long)r->swap_lost);
}

void sink_format_json_summaries(struct strbuf *sb, const struct summary *sum, unsigned index)
{
	size_t i;

	for (i = 0; i < sum->nrules; i++) {
		if (!sink_rule_uses_output(&sum->rules[i], index))
			continue;
		sink_format_json_summary(sb, sum, &sum->rules[i]);
		strbuf_addc(sb, '\n');
	}
}
