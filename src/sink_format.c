// SPDX-License-Identifier: GPL-2.0-only
/*
 * sink_format.c - the JSON, CSV and key=value forms of events and summaries.
 * Every byte that came from a process goes through one of escape.h's functions.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "escape.h"
#include "events.h"
#include "sink_format.h"

/* "YYYY-MM-DDTHH:MM:SS": the part of a timestamp that one second's events share. */
#define RFC3339_SECOND_LEN 19

struct rfc3339_second {
	time_t sec;
	bool valid;
	char text[RFC3339_SECOND_LEN];
};

/* v as width decimal digits, zero-padded, at p: v < 10^width. */
static void put_digits(char *p, unsigned long v, int width)
{
	while (width--) {
		p[width] = (char)('0' + v % 10);
		v /= 10;
	}
}

/*
 * Put second t in c, unless it is there already: false for a year that is not
 * four digits (printf's %04d would write more, or a sign).
 */
static bool rfc3339_second_of(struct rfc3339_second *c, time_t t)
{
	struct tm tm;

	if (c->valid && c->sec == t)
		return true;
	if (!gmtime_r(&t, &tm) || tm.tm_year < -1900 || tm.tm_year > 9999 - 1900)
		return false;
	put_digits(c->text, (unsigned long)(tm.tm_year + 1900), 4);
	c->text[4] = '-';
	put_digits(c->text + 5, (unsigned long)tm.tm_mon + 1, 2);
	c->text[7] = '-';
	put_digits(c->text + 8, (unsigned long)tm.tm_mday, 2);
	c->text[10] = 'T';
	put_digits(c->text + 11, (unsigned long)tm.tm_hour, 2);
	c->text[13] = ':';
	put_digits(c->text + 14, (unsigned long)tm.tm_min, 2);
	c->text[16] = ':';
	put_digits(c->text + 17, (unsigned long)tm.tm_sec, 2);
	c->sec = t;
	c->valid = true;
	return true;
}

void sink_format_rfc3339(struct strbuf *sb, const struct timespec *ts)
{
	/*
	 * The last second formatted: a stream's events come thousands to a second,
	 * and gmtime_r (libc's timezone lock) and a printf cost more than the rest
	 * of a JSON line. Per thread, so a formatter stays callable from any.
	 */
	static _Thread_local struct rfc3339_second last;
	struct tm tm;
	time_t t = ts->tv_sec;

	if (ts->tv_nsec >= 0 && ts->tv_nsec < 1000000000 && rfc3339_second_of(&last, t)) {
		strbuf_add(sb, last.text, RFC3339_SECOND_LEN);
		strbuf_addc(sb, '.');
		strbuf_addu_width(sb, (uint64_t)ts->tv_nsec / 1000, 6);
		strbuf_addc(sb, 'Z');
		return;
	}
	/* Out of the fixed widths: whatever printf makes of it, as ever. */
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

/* ,"key": for a key that needs no escaping (a literal). */
static inline void json_key(struct strbuf *sb, const char *key)
{
	strbuf_add(sb, ",\"", 2);
	strbuf_adds(sb, key);
	strbuf_add(sb, "\":", 2);
}

static void json_str(struct strbuf *sb, const char *key, const char *s, size_t n)
{
	json_key(sb, key);
	escape_json_string(sb, s, n);
}

static void json_uint(struct strbuf *sb, const char *key, uint64_t v)
{
	json_key(sb, key);
	strbuf_addu(sb, v);
}

static void json_bool(struct strbuf *sb, const char *key, bool v)
{
	json_key(sb, key);
	strbuf_adds(sb, v ? "true" : "false");
}

/* What of the argument list the rule does not show: null when it shows it all. */
static void json_argv_cut(struct strbuf *sb, const struct sink_exec *x)
{
	if (!sink_exec_cut(x)) {
		strbuf_adds(sb, ",\"argv_cut\":null");
		return;
	}
	strbuf_adds(sb, ",\"argv_cut\":{\"args\":");
	strbuf_addu(sb, x->args_cut);
	strbuf_adds(sb, ",\"bytes\":");
	strbuf_addu(sb, x->bytes_cut);
	strbuf_adds(sb, x->exact ? ",\"exact\":true}" : ",\"exact\":false}");
}

/* The keys only an exec has, after "comm". */
static void json_exec(struct strbuf *sb, const struct sink_exec *x)
{
	char res[SINK_RESULT_LEN];
	struct sink_argv a;

	json_str(sb, "pcomm", x->pcomm, escape_comm_len(x->pcomm, RT_COMM_LEN));
	json_key(sb, "result");
	strbuf_addc(sb, '"');
	strbuf_adds(sb, sink_exec_result(x, res));	/* "ok" or an errno's name */
	strbuf_addc(sb, '"');
	if (x->filename_unread)
		strbuf_adds(sb, ",\"filename\":null");
	else
		json_str(sb, "filename", x->filename, x->filename_len);
	json_bool(sb, "filename_truncated", x->filename_cut);
	json_uint(sb, "argc", x->argc);
	strbuf_adds(sb, ",\"argv\":[");
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

/* The keys only a syscall has, after "comm": a name from the syscall table, no escaping. */
static void json_syscall(struct strbuf *sb, const struct sink_event *ev)
{
	if (ev->syscall_name) {
		strbuf_adds(sb, ",\"syscall\":\"");
		strbuf_adds(sb, ev->syscall_name);
		strbuf_addc(sb, '"');
	} else {
		strbuf_adds(sb, ",\"syscall\":null");
	}
	json_uint(sb, "nr", ev->sys->nr);
}

/*
 * Every field without printf: formatting is most of what a streamed event costs
 * the consumer, and a printf per field was most of that.
 */
/* A label of the event's cgroup: a string of untrusted bytes, or null. */
static void json_label(struct strbuf *sb, const char *key, const char *v)
{
	if (v) {
		json_str(sb, key, v, strlen(v));
		return;
	}
	strbuf_addf(sb, ",\"%s\":null", key);
}

void sink_format_json_event(struct strbuf *sb, const struct sink_event *ev)
{
	const struct rt_event_hdr *h = ev->hdr;

	strbuf_adds(sb, "{\"time\":\"");
	sink_format_rfc3339(sb, &ev->wall);
	strbuf_addc(sb, '"');
	json_str(sb, "rule", ev->rule, strlen(ev->rule));
	strbuf_adds(sb, ev->exec ? ",\"event\":\"exec\"" : ",\"event\":\"syscall\"");
	json_uint(sb, "pid", h->pid);
	json_uint(sb, "tid", h->tid);
	if (ev->exec)
		json_uint(sb, "ppid", ev->exec->ppid);
	json_uint(sb, "uid", h->uid);
	json_str(sb, "comm", h->comm, escape_comm_len(h->comm, RT_COMM_LEN));
	json_label(sb, "cgroup", ev->cgroup);
	json_label(sb, "unit", ev->unit);
	json_label(sb, "container", ev->container);
	if (ev->exec)
		json_exec(sb, ev->exec);
	else
		json_syscall(sb, ev);
	strbuf_addc(sb, '}');
}

/* A counter's label as "key":"value", or "key":null, and a comma. */
static void json_count_label(struct strbuf *sb, const char *key, const char *v)
{
	strbuf_addf(sb, "\"%s\":", key);
	if (v) {
		strbuf_addc(sb, '"');
		escape_json(sb, v, strlen(v));
		strbuf_adds(sb, "\",");
	} else {
		strbuf_adds(sb, "null,");
	}
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
		if (rule->group_by & RULES_GROUP_CGROUP)
			json_count_label(sb, "cgroup", c->cgroup);
		if (rule->group_by & RULES_GROUP_UNIT)
			json_count_label(sb, "unit", c->unit);
		if (rule->group_by & RULES_GROUP_CONTAINER)
			json_count_label(sb, "container", c->container);
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
		strbuf_addf(sb, ",\"delivered\":%llu,\"lost\":%llu,\"matched\":%llu,"
			    "\"suppressed\":%llu,\"unread\":%llu}",
			    (unsigned long long)sr->delivered, (unsigned long long)sr->lost,
			    (unsigned long long)sr->matched, (unsigned long long)sr->suppressed,
			    (unsigned long long)sr->unread);
		return;
	}
	strbuf_addf(sb, ",\"counted\":%llu,", (unsigned long long)sr->counted);
	sink_format_json_counts(sb, sr);
	strbuf_addf(sb, ",\"count_map_full\":%llu}", (unsigned long long)sr->count_full);
}

/* The exec columns (result to argv_cut_bytes), empty in every other row. */
#define CSV_NOT_EXEC ",,,,,"
/* The column suppressed: a stream rule's summary row's, empty in every other row. */
#define CSV_NOT_SUPPRESSED ","
/* The last columns, cgroup, unit and container: an event's, empty in every other row. */
#define CSV_NO_LABELS ",,,"

/* The cgroup, unit and container columns (NULL: empty), and the row's end. */
static void csv_label_columns(struct strbuf *sb, const char *const v[3])
{
	size_t i;

	for (i = 0; i < 3; i++) {
		strbuf_addc(sb, ',');
		if (v[i])
			escape_csv_field(sb, v[i], strlen(v[i]));
	}
	strbuf_adds(sb, "\r\n");
}

/* An event row's labels and its end. */
static void csv_labels(struct strbuf *sb, const struct sink_event *ev)
{
	const char *v[3] = { ev->cgroup, ev->unit, ev->container };

	csv_label_columns(sb, v);
}

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

/* An exec row from the empty syscall column on, up to its labels. */
static void csv_exec(struct strbuf *sb, const struct sink_exec *x)
{
	char res[SINK_RESULT_LEN];

	strbuf_addc(sb, ',');
	csv_field(sb, x->filename, x->filename_len);
	escaped_argv(sb, x, escape_csv_field);
	strbuf_addf(sb, ",%d,,,%d,%s,", sink_exec_cut(x), x->filename_cut,
		    sink_exec_result(x, res));
	csv_field(sb, x->pcomm, escape_comm_len(x->pcomm, RT_COMM_LEN));
	strbuf_addf(sb, "%u,%u,%u" CSV_NOT_SUPPRESSED, x->argc, x->args_cut, x->bytes_cut);
}

void sink_format_csv_event(struct strbuf *sb, const struct sink_event *ev)
{
	const struct rt_event_hdr *h = ev->hdr;
	char nr[SUMMARY_NR_LEN];

	csv_time(sb, &ev->wall);
	csv_field(sb, ev->rule, strlen(ev->rule));
	strbuf_adds(sb, ev->exec ? "exec," : "syscall,");
	strbuf_addu(sb, h->pid);
	strbuf_addc(sb, ',');
	strbuf_addu(sb, h->tid);
	strbuf_addc(sb, ',');
	if (ev->exec)
		strbuf_addu(sb, ev->exec->ppid);
	strbuf_addc(sb, ',');
	strbuf_addu(sb, h->uid);
	strbuf_addc(sb, ',');
	csv_field(sb, h->comm, escape_comm_len(h->comm, RT_COMM_LEN));
	if (ev->exec) {
		csv_exec(sb, ev->exec);
	} else {
		strbuf_adds(sb, summary_syscall_label(ev->syscall_name, ev->sys->nr, nr));
		strbuf_adds(sb, ",,,,,," CSV_NOT_EXEC CSV_NOT_SUPPRESSED);
	}
	csv_labels(sb, ev);
}

/* A count row's labels, in the event rows' cgroup, unit and container columns. */
static void csv_count_labels(struct strbuf *sb, const struct rules_rule *rule,
			     const struct summary_count *c)
{
	const char *v[3] = {
		rule->group_by & RULES_GROUP_CGROUP ? c->cgroup : NULL,
		rule->group_by & RULES_GROUP_UNIT ? c->unit : NULL,
		rule->group_by & RULES_GROUP_CONTAINER ? c->container : NULL,
	};

	csv_label_columns(sb, v);
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
		strbuf_addf(sb, "summary,,,,,,,,,,%llu,%llu," CSV_NOT_EXEC ",%llu" CSV_NO_LABELS "\r\n",
			    (unsigned long long)sr->delivered, (unsigned long long)sr->lost,
			    (unsigned long long)sr->suppressed);
		return;
	}
	strbuf_addf(sb, "summary,,,,,,,,,,%llu,," CSV_NOT_EXEC CSV_NOT_SUPPRESSED CSV_NO_LABELS "\r\n",
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
		strbuf_addf(sb, ",,,,%llu,," CSV_NOT_EXEC CSV_NOT_SUPPRESSED,
			    (unsigned long long)c->count);
		csv_count_labels(sb, rule, c);
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
	if (ev->cgroup)
		kv(sb, "cgroup", ev->cgroup, strlen(ev->cgroup));
	if (ev->unit)
		kv(sb, "unit", ev->unit, strlen(ev->unit));
	if (ev->container)
		kv(sb, "container", ev->container, strlen(ev->container));
	if (ev->exec)
		kv_exec(sb, ev->exec);
	else
		strbuf_addf(sb, " syscall=%s",
			    summary_syscall_label(ev->syscall_name, ev->sys->nr, nr));
}

/*
 * At most this many formats of one message: the search below needs 4 or so for
 * arguments that escape alike, 16 for the most uneven the tests have; past this
 * the longest message found to fit is sent.
 */
#define KV_FIT_PASSES 40

/*
 * A message is not quite monotonic in what it shows: a cut argument's "..." (3
 * bytes) goes when its NUL is shown, and a cut UTF-8 sequence shows each of its
 * bytes as \xNN until it is whole: three of a 4-byte one take 12 bytes, the whole
 * 4. Showing more makes a message at most this much shorter.
 */
#define KV_FIT_DOTS 3
#define KV_FIT_SEQ (12 - 4)
#define KV_FIT_PENDING (KV_FIT_DOTS + KV_FIT_SEQ)

/* An exec message cut to fit: one of its lengths, and what a length makes it. */
struct kv_fit {
	struct strbuf *sb;
	size_t head;			/* bytes of sb before the body */
	struct sink_event ev;		/* the event, showing v */
	struct sink_exec v;
	const struct sink_exec *x;	/* the exec as the rule shows it */
	bool filename;			/* the file name's length is cut, else the arguments' */
	unsigned passes;
};

/* The message with n bytes of what is cut; its length. */
static size_t kv_fit_try(struct kv_fit *f, size_t n)
{
	if (f->filename) {
		f->v.filename_len = n;
		f->v.filename_cut = f->x->filename_cut || n < f->x->filename_len;
	} else {
		events_exec_narrow(&f->v, f->x, n);
	}
	f->sb->len = f->head;
	f->sb->buf[f->head] = '\0';
	sink_format_kv_event(f->sb, &f->ev);
	f->passes++;
	return f->sb->len;
}

/* Whether byte i of what is cut (of end) is a UTF-8 continuation byte. */
static bool kv_fit_cont(const struct kv_fit *f, size_t i, size_t end)
{
	const char *p = f->filename ? f->x->filename : f->x->args;

	return i < end && ((unsigned char)p[i] & 0xc0) == 0x80;
}

/*
 * Whether byte i, once shown, can make the message shorter: a NUL (an argument
 * made whole) or the last continuation byte of a sequence (made whole). Any
 * other byte makes it longer.
 */
static bool kv_fit_dip(const struct kv_fit *f, size_t i, size_t end)
{
	const char *p = f->filename ? f->x->filename : f->x->args;

	return !p[i] || (kv_fit_cont(f, i, end) && !kv_fit_cont(f, i + 1, end));
}

/*
 * How much shorter than the message with n bytes (just formatted) one showing
 * more could be: its "...", and the cut sequence that byte n would go on with.
 */
static size_t kv_fit_pending(const struct kv_fit *f, size_t n, size_t end)
{
	return (f->v.last_partial ? KV_FIT_DOTS : 0) + (kv_fit_cont(f, n, end) ? KV_FIT_SEQ : 0);
}

/*
 * The largest n below end whose message fits max, given that lo's does (len_lo
 * bytes, the message in sb) and end's does not (len_end); sb left holding it.
 * A message grows by 1 to 5 bytes a byte shown (5: an empty argument, "" escaped
 * and a space), so where a straight line through the two ends of the interval
 * meets max is close: a few formats. Illinois' rule keeps one end from staying
 * put: when the same end moves twice, the other's distance from max is halved,
 * so the next guess lands across. Then the few bytes past the boundary found
 * that could make the message shorter again.
 */
static void kv_fit_search(struct kv_fit *f, size_t max, size_t lo, size_t len_lo, size_t end,
			  size_t len_end)
{
	double room = (double)(max - len_lo), over = (double)(len_end - max);
	size_t hi = end, n, len, last = lo;
	int moved = 0;		/* the end the last guess moved: -1 lo, 1 hi */

	while (hi - lo > 1 && f->passes < KV_FIT_PASSES) {
		n = lo + (size_t)((double)(hi - lo) * room / (room + over));
		n = n <= lo ? lo + 1 : n >= hi ? hi - 1 : n;
		len = kv_fit_try(f, n);
		last = n;
		if (len <= max) {
			lo = n;
			room = (double)(max - len);
			if (moved < 0)
				over /= 2;
			moved = -1;
		} else {
			hi = n;
			over = (double)(len - max);
			if (moved > 0)
				room /= 2;
			moved = 1;
		}
	}
	/*
	 * Past the boundary a message can fit again only where a dip byte was shown,
	 * and not once it is too long by more than it could still shrink; as each
	 * byte shown adds at least one, not past KV_FIT_PENDING bytes on either.
	 */
	for (n = lo + 1; n < end && n <= lo + 1 + KV_FIT_PENDING && f->passes < KV_FIT_PASSES;
	     n++) {
		if (n == hi || (n > lo + 1 && !kv_fit_dip(f, n - 1, end)))
			continue;	/* no shorter than n - 1's, which does not fit */
		last = n;
		len = kv_fit_try(f, n);
		if (len <= max)
			lo = n;
		else if (len > max + kv_fit_pending(f, n, end))
			break;
	}
	if (last != lo)
		kv_fit_try(f, lo);
}

unsigned sink_format_kv_event_fit(struct strbuf *sb, const struct sink_event *ev, size_t max)
{
	struct kv_fit f = { .sb = sb, .head = sb->len, .ev = *ev, .x = ev->exec, .passes = 1 };
	size_t whole, bare;

	sink_format_kv_event(sb, ev);
	if (sb->len <= max || !ev->exec)
		return 1;
	whole = sb->len;
	f.ev.exec = &f.v;
	bare = kv_fit_try(&f, 0);
	if (bare <= max) {
		kv_fit_search(&f, max, 0, bare, f.x->args_len, whole);
		return f.passes;
	}
	/* Not even without arguments: a file name of escaped bytes. Cut it too. */
	f.filename = true;
	whole = bare;
	bare = kv_fit_try(&f, 0);
	if (bare <= max)
		kv_fit_search(&f, max, 0, bare, f.x->filename_len, whole);
	return f.passes;
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
		strbuf_addf(sb, " delivered=%llu lost=%llu matched=%llu suppressed=%llu "
			    "unread=%llu", (unsigned long long)sr->delivered,
			    (unsigned long long)sr->lost, (unsigned long long)sr->matched,
			    (unsigned long long)sr->suppressed, (unsigned long long)sr->unread);
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
	strbuf_addf(sb, ",,%llu," CSV_NOT_EXEC CSV_NOT_SUPPRESSED CSV_NO_LABELS "\r\n",
		    (unsigned long long)r->swap_lost);
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
