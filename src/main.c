// SPDX-License-Identifier: GPL-2.0-only
/*
 * main.c - the command line, signals and the run loop; the only place that
 * chooses the exit status. A run reads straight through: rule file -> settings ->
 * probing -> sinks -> kernel -> events until stopped -> summary; SIGHUP goes
 * through the same steps again with the running state as the fallback.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "cgroups.h"
#include "collect.h"
#include "config.h"
#include "default_rules.h"
#include "events.h"
#include "expect.h"
#include "explain.h"
#include "loader.h"
#include "notify.h"
#include "ostream.h"
#include "outfile.h"
#include "plan.h"
#include "privilege.h"
#include "probe.h"
#include "rules.h"
#include "settings.h"
#include "sink.h"
#include "summary.h"
#include "summary_json.h"
#include "util.h"

/* Exit statuses, documented in ruletrace(8). */
enum {
	EXIT_OK = 0,
	EXIT_RUNTIME = 1,	/* load, attach or a sink failed */
	EXIT_USAGE = 2,		/* bad command line or rule file */
	EXIT_LOST = 3,		/* finished, but events were lost */
	EXIT_EXPECT = 4,	/* finished, but an expectation of the rule file failed */
};

#define POLL_MS 100
#define BACKLOG_POLL_MS 10	/* while an output has bytes to take: retry this often */
#define STOP_DRAIN_MS 1000	/* at stop: delivering what is buffered, at most */
#define STOP_OUTPUT_MS 1000	/* at stop: waiting on each output that does not take data */
#define INTERVAL_OUTPUT_MS 100	/* an --interval summary that cannot be written is skipped */
#define SWAP_DRAIN_MS 100	/* at a reload: delivering what removed rules left buffered */
#define ERRLEN 4096

struct options {
	const char *rules_path;		/* NULL: built-in default */
	const char *summary_json;	/* NULL, a path, or "-" for stdout */
	const char *user;		/* --user: drop to this user once running */
	bool check;
	bool explain;			/* --explain[=FORMAT] */
	enum explain_format explain_format;
	bool allow_loss;
	bool perf_buffer;		/* the pre-5.8 event path, even on newer kernels */
	uint64_t duration_ms;		/* 0: from the rule file */
	uint64_t interval_ms;		/* 0: from the rule file */
	uint64_t max_events;		/* 0: from the rule file */
	uint32_t buffer_size;		/* event ring buffer bytes; 0: the default */
	int ready_fd;			/* --ready-fd, or -1 */
	int verbose;
};

/* Everything a run owns; the plan and the sinks are swapped whole by a reload. */
struct run {
	const struct options *o;
	struct cgroups *cgroups;	/* the cgroup v2 tree; NULL: not mounted */
	struct plan_kernel kernel;	/* what this kernel offers, probed once */
	struct plan plan;		/* the running rules, as the kernel side runs them */
	struct sink **sinks;		/* one per plan.rules.outputs */
	struct loader loader;
	struct loader_counters counters;	/* the kernel's, as last read */
	struct events ev;
	struct summary sum;		/* collected for --interval and at the end */
	uint64_t removed_lost;		/* lost by rules and outputs reloads removed */
	uint64_t removed_suppressed;	/* suppressed by the rate limits of removed rules */
	unsigned reloads;		/* rule files applied by SIGHUP */
	double reload_at[8];		/* seconds into the run of the first 8 */
	struct timespec start_real;
	struct privilege_user user;	/* --user, looked up before anything attaches */
	struct outfile_policy outpol;	/* whom output files may belong to, fixed at start */
	bool dropped;			/* privileges dropped: raise them to attach */
	int summary_fd;			/* --summary-json FILE, opened with the sinks */
	double start;
	bool failed;			/* a runtime failure happened: exit 1 */
};

/* Stop signals received, and how many of them the run has acted on. */
static volatile sig_atomic_t stop_count;
static sig_atomic_t stop_acked;
static volatile sig_atomic_t reload_signal;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_count++;
}

/* A signal the run has not acted on: the event consumer hands back the loop. */
static bool signal_pending(void)
{
	return stop_count != stop_acked || reload_signal;
}

/* At stop only a further SIGINT or SIGTERM cuts the delivery short: no reload comes. */
static bool stop_pending(void)
{
	return stop_count != stop_acked;
}

static void on_reload_signal(int sig)
{
	(void)sig;
	reload_signal = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: ruletrace [OPTIONS] [RULES.yaml]\n"
		"Trace execs and syscalls as a YAML rule file says, filtered in the kernel,\n"
		"and print a summary at exit. Without RULES.yaml the built-in default rules\n"
		"run (a copy of rules/default.yaml).\n"
		"\n"
		"  -c, --check            validate the rule file and exit (no root, no kernel)\n"
		"      --explain[=FORMAT] print the plan for the rule file on this kernel, as\n"
		"                         text (default) or json: probes, filters, buffers,\n"
		"                         maps and memory; as root the BPF object is loaded\n"
		"                         (verified) but nothing attached; with --check, or\n"
		"                         with neither root nor CAP_BPF, nothing is loaded\n"
		"  -d, --duration TIME    stop after TIME: 500ms, 30s, 2m, 1h (default: until\n"
		"                         SIGINT or SIGTERM, or the rule file's duration)\n"
		"  -n, --max-events N     stop after N events were delivered to outputs\n"
		"  -i, --interval TIME    print the summary so far every TIME\n"
		"  -j, --summary-json FILE  write the exit summary as JSON to FILE (- = stdout)\n"
		"      --allow-loss       exit 0 even when events were lost (a failed\n"
		"                         expectation still exits 4)\n"
		"      --buffer-size SIZE the kernel's event buffer: 4K to 1024M, a power of\n"
		"                         two (default 1M; per CPU with --perf-buffer)\n"
		"      --perf-buffer      carry events through a perf event array, as on\n"
		"                         kernels before 5.8, even where a ring buffer exists\n"
		"  -Z, --user NAME        once attached and the outputs are open, run as NAME\n"
		"                         with no effective capabilities\n"
		"      --ready-fd N       once attached, write \"READY=1 MAINPID=<pid>\" and a\n"
		"                         newline to file descriptor N and close it\n"
		"  -v, --verbose          show libbpf's log, the verifier's among it\n"
		"  -h, --help             show this help\n"
		"  -V, --version          show the version\n"
		"\n"
		"Signals: SIGINT, SIGTERM stop; SIGHUP re-reads the rule file.\n"
		"Exit status: 0 finished, 1 runtime failure, 2 usage or rule error,\n"
		"3 finished but events were lost, 4 finished but an expectation (expect:)\n"
		"failed; 1 before 4 before 3, and --allow-loss clears 3 only.\n"
		"See ruletrace(8) and ruletrace-rules(5).\n");
}

static int parse_time_option(const char *name, const char *arg, uint64_t *ms)
{
	if (rules_parse_duration(arg, ms) == 0)
		return 0;
	log_error("--%s: bad duration '%s' (use e.g. 500ms, 30s, 2m, 1h)", name, arg);
	return -EINVAL;
}

/* "4K", "256K", "1M", or bytes: a power of two from 4 KiB to 1 GiB. */
static int parse_size(const char *arg, uint32_t *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (*end == 'K' || *end == 'k')
		v <<= 10, end++;
	else if (*end == 'M' || *end == 'm')
		v <<= 20, end++;
	if (errno || *end || end == arg || arg[0] == '-' || v < 4096 || v > (1ULL << 30) ||
	    (v & (v - 1))) {
		log_error("--buffer-size: '%s' is not a power of two from 4K to 1024M", arg);
		return -EINVAL;
	}
	*out = (uint32_t)v;
	return 0;
}

static int parse_options(int argc, char **argv, struct options *o)
{
	enum { OPT_ALLOW_LOSS = 256, OPT_PERF_BUFFER, OPT_BUFFER_SIZE, OPT_READY_FD, OPT_EXPLAIN };
	static const struct option longopts[] = {
		{ "check", no_argument, NULL, 'c' },
		{ "explain", optional_argument, NULL, OPT_EXPLAIN },
		{ "duration", required_argument, NULL, 'd' },
		{ "max-events", required_argument, NULL, 'n' },
		{ "interval", required_argument, NULL, 'i' },
		{ "summary-json", required_argument, NULL, 'j' },
		{ "allow-loss", no_argument, NULL, OPT_ALLOW_LOSS },
		{ "perf-buffer", no_argument, NULL, OPT_PERF_BUFFER },
		{ "buffer-size", required_argument, NULL, OPT_BUFFER_SIZE },
		{ "user", required_argument, NULL, 'Z' },
		{ "ready-fd", required_argument, NULL, OPT_READY_FD },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	memset(o, 0, sizeof(*o));
	o->ready_fd = -1;
	while ((c = getopt_long(argc, argv, "cd:n:i:j:Z:vhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->check = true;
			break;
		case 'd':
			if (parse_time_option("duration", optarg, &o->duration_ms))
				return -EINVAL;
			break;
		case 'i':
			if (parse_time_option("interval", optarg, &o->interval_ms))
				return -EINVAL;
			break;
		case 'n':
			errno = 0;
			o->max_events = strtoull(optarg, &end, 10);
			if (errno || *end || end == optarg || optarg[0] == '-' || !o->max_events) {
				log_error("--max-events: '%s' is not a whole number above 0", optarg);
				return -EINVAL;
			}
			break;
		case 'j':
			o->summary_json = optarg;
			break;
		case OPT_EXPLAIN:
			o->explain = true;
			if (!optarg || !strcmp(optarg, "text")) {
				o->explain_format = EXPLAIN_TEXT;
			} else if (!strcmp(optarg, "json")) {
				o->explain_format = EXPLAIN_JSON;
			} else {
				log_error("--explain: '%s' is not a format (use text or json)", optarg);
				return -EINVAL;
			}
			break;
		case OPT_ALLOW_LOSS:
			o->allow_loss = true;
			break;
		case OPT_PERF_BUFFER:
			o->perf_buffer = true;
			break;
		case OPT_BUFFER_SIZE:
			if (parse_size(optarg, &o->buffer_size))
				return -EINVAL;
			break;
		case 'Z':
			o->user = optarg;
			break;
		case OPT_READY_FD: {
			char err[256];

			if ((o->ready_fd = notify_parse_ready_fd(optarg, err, sizeof(err))) < 0) {
				log_error("--ready-fd: %s", err);
				return -EINVAL;
			}
			break;
		}
		case 'v':
			o->verbose++;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_OK);
		case 'V':
			printf("ruletrace %s\n", PACKAGE_VERSION);
			exit(EXIT_OK);
		default:
			usage(stderr);
			return -EINVAL;
		}
	}
	if (argc - optind > 1) {
		log_error("one rule file at most (got %d); see --help", argc - optind);
		return -EINVAL;
	}
	if (optind < argc)
		o->rules_path = argv[optind];
	return 0;
}

static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	/* Quiet unless -v: ruletrace reports every failure itself, in one line. */
	if (!log_verbose())
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static void log_lines(const char *prefix, char *text)
{
	char *line, *save = NULL;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		log_error("%s%s", prefix, line);
}

/* Read and validate the rule file (or the built-in one). */
static int load_rules(const struct options *o, const char *prefix, struct rules *r)
{
	char *err = xcalloc(1, ERRLEN);
	int ret;

	if (o->rules_path)
		ret = rules_load_file(o->rules_path, r, err, ERRLEN);
	else
		ret = rules_load_buffer(DEFAULT_RULES_NAME, default_rules_yaml,
					default_rules_yaml_len, r, err, ERRLEN);
	if (!ret && !o->check && privilege_is_privileged() &&
	    (ret = privilege_check_rules_file(r, err, ERRLEN)) != 0)
		rules_free(r);
	if (ret)
		log_lines(prefix, err);
	free(err);
	return ret;
}

/*
 * Installed before anything else: a SIGHUP from logrotate in the first
 * milliseconds is remembered (and applied once running), a SIGINT or SIGTERM
 * stops the run as soon as it starts, and neither ever kills the process.
 */
static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_stop_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_reload_signal;
	sigaction(SIGHUP, &sa, NULL);
	/* A closed stdout is a sink failure to report, not a reason to die. */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

/*
 * Signals held while the kernel verifies and attaches: the verifier gives up
 * with EAGAIN when a signal is pending, so a SIGHUP storm would fail the load.
 * What arrives meanwhile is delivered, and acted on, right after.
 */
static void hold_signals(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, old);
}

static void release_signals(const sigset_t *old)
{
	sigprocmask(SIG_SETMASK, old, NULL);
}

/* Where the text summary goes: stdout, unless stdout carries JSON lines. */
static int text_summary_fd(const struct rules *r)
{
	size_t i;

	for (i = 0; i < r->noutputs; i++)
		if (r->outputs[i].type == RULES_OUT_STDOUT &&
		    r->outputs[i].format == RULES_FORMAT_JSON)
			return STDERR_FILENO;
	return STDOUT_FILENO;
}

/*
 * Write to fd, which may be a pipe nobody reads: waiting at most timeout_ms, so a
 * stuck reader never keeps ruletrace from exiting. 0 or -errno.
 */
static int write_bounded(int fd, const char *p, size_t n, int timeout_ms)
{
	struct ostream o;
	int ret;

	if ((ret = ostream_open(&o, fd)) != 0)
		return ret;
	ret = ostream_write_all(&o, p, n, timeout_ms, NULL);
	ostream_close(&o);
	return ret;
}

/* The exit summary, the expectations judged after it. */
static void print_summary(const struct run *run, const struct expect_report *expect,
			  int timeout_ms)
{
	struct strbuf sb;
	int fd = text_summary_fd(&run->plan.rules), ret;

	strbuf_init(&sb);
	summary_format_text(&run->sum, &sb);
	expect_format_text(expect, &sb);
	if ((ret = write_bounded(fd, sb.buf, sb.len, timeout_ms)) != 0 && fd != STDERR_FILENO)
		log_error("summary not written to standard output: %s", ret == -ETIMEDOUT ?
			  "nothing read it" : strerror(-ret));
	strbuf_free(&sb);
}

/* A file ruletrace writes, or reads its rules from, and what to call it in a message. */
struct file_id {
	char what[RULES_NAME_MAX + 32];
	const struct rules_mark *mark;	/* where the rule file names it, or NULL */
	dev_t dev;
	ino_t ino;
	const char *name;		/* a file not made yet: dev and ino are its directory's */
};

static void file_id_add(struct file_id *ids, size_t *n, const char *what,
			const struct rules_mark *mark, dev_t dev, ino_t ino)
{
	snprintf(ids[*n].what, sizeof(ids[*n].what), "%s", what);
	ids[*n].mark = mark;
	ids[*n].dev = dev;
	ids[*n].ino = ino;
	ids[*n].name = NULL;
	(*n)++;
}

static bool file_id_same(const struct file_id *a, const struct file_id *b)
{
	if (a->dev != b->dev || a->ino != b->ino)
		return false;
	return (!a->name && !b->name) || (a->name && b->name && !strcmp(a->name, b->name));
}

static void file_id_add_fd(struct file_id *ids, size_t *n, const char *what,
			   const struct rules_mark *mark, int fd)
{
	struct stat st;

	if (fd >= 0 && fstat(fd, &st) == 0)
		file_id_add(ids, n, what, mark, st.st_dev, st.st_ino);
}

/*
 * Two outputs, an output and --summary-json, or either and the rule file, that
 * are one file (by any names) would interleave and clobber each other: refused
 * before anything is truncated or written. 0, or -EINVAL with the reason in err.
 */
static int check_distinct_files(const struct run *run, const struct rules *r,
				struct sink *const *sinks, char *err, size_t errlen)
{
	struct file_id *ids = xcalloc(r->noutputs + 2, sizeof(*ids));
	char what[RULES_NAME_MAX + 32];
	size_t n = 0, i, j;
	int ret = 0;

	if (r->from_file)
		file_id_add(ids, &n, "the rule file", NULL, r->file_dev, r->file_ino);
	file_id_add_fd(ids, &n, "--summary-json", NULL, run->summary_fd);
	for (i = 0; i < r->noutputs; i++) {
		dev_t dev;
		ino_t ino;
		const char *name;

		if (!r->outputs[i].path || sink_file_id(sinks[i], &dev, &ino, &name))
			continue;
		snprintf(what, sizeof(what), "output '%s'", r->outputs[i].name);
		file_id_add(ids, &n, what, &r->outputs[i].mark, dev, ino);
		ids[n - 1].name = name;
	}
	for (i = 0; i < n && !ret; i++) {
		for (j = 0; j < i; j++) {
			if (!file_id_same(&ids[i], &ids[j]))
				continue;
			if (ids[i].mark)
				snprintf(err, errlen, "%s:%u:%u: %s is the same file as %s: refused",
					 r->path, ids[i].mark->line, ids[i].mark->column,
					 ids[i].what, ids[j].what);
			else
				snprintf(err, errlen, "%s is the same file as %s: refused",
					 ids[i].what, ids[j].what);
			ret = -EINVAL;
			break;
		}
	}
	free(ids);
	return ret;
}

/* The summary as things stand: the kernel's counters read now, every owner's figures. */
static void collect(struct run *run)
{
	struct collect_run c = {
		.plan = &run->plan,
		.kernel = &run->counters,
		.events = &run->ev,
		.sinks = run->sinks,
		.execve = run->loader.execve,
		.cgroups = run->cgroups,
		.removed_lost = run->removed_lost,
		.removed_suppressed = run->removed_suppressed,
		.reloads = run->reloads,
		.reload_at = run->reload_at,
		.run_seconds = mono_seconds() - run->start,
		.start = run->start_real,
	};
	int ret;

	if ((ret = loader_read_counters(&run->loader, &run->counters)) != 0) {
		log_error("read counters: %s", strerror(-ret));
		run->failed = true;
	}
	collect_summary(&run->sum, &c);
}

/*
 * --interval: the summary so far, counters as they stand (nothing is reset). On
 * standard output it goes through the stdout output, in order with the events
 * and never waiting; one that cannot be written now is skipped, and said once.
 */
static void print_interval(struct run *run)
{
	static bool skipped;
	const struct rules *r = &run->plan.rules;
	int fd = text_summary_fd(r), ret;
	struct sink *out = NULL;
	struct strbuf sb;
	size_t i;

	sink_flush_all(run->sinks, r->noutputs);
	collect(run);
	for (i = 0; i < r->noutputs && fd == STDOUT_FILENO; i++)
		if (r->outputs[i].type == RULES_OUT_STDOUT)
			out = run->sinks[i];
	strbuf_init(&sb);
	summary_format_text(&run->sum, &sb);
	ret = out ? sink_add_text(out, sb.buf, sb.len) : write_bounded(fd, sb.buf, sb.len, 0);
	if (ret && !skipped) {
		skipped = true;
		log_error("--interval: standard %s is not taking data; summaries that "
			  "cannot be written are skipped", fd == STDOUT_FILENO ? "output" : "error");
	}
	strbuf_free(&sb);
}

/*
 * The rule on slot was removed by a reload: what the kernel matched for it and nobody delivered is lost, counted with what removed
 * rules lost; those events still buffered are owed, and no new rule takes the
 * slot until they are out. Returns how many were owed.
 */
/* Events the kernel sent for slot that have not come out of the buffer; *st its figures. */
static uint64_t still_buffered(struct run *run, unsigned slot, struct loader_rule_stats *st)
{
	const struct events_slot *es = &run->ev.slot[slot];
	uint64_t out;

	memset(st, 0, sizeof(*st));
	loader_read_rule(&run->loader, slot, st);
	out = es->delivered + es->past_max + st->lost + st->suppressed;
	return st->matched > out ? st->matched - out : 0;
}

/* Route plan p's events to sinks, each stream rule's read from its own ring buffer. */
static int route_events(struct run *run, const struct plan *p, struct sink *const *sinks,
			char *err, size_t errlen)
{
	int fds[RT_MAX_RULES];
	unsigned i;

	for (i = 0; i < RT_MAX_RULES; i++)
		fds[i] = loader_ring_fd(&run->loader, i);
	return events_route(&run->ev, p, sinks, fds, err, errlen);
}

static uint64_t retire_slot(struct run *run, unsigned slot)
{
	struct loader_rule_stats st;
	uint64_t owed = still_buffered(run, slot, &st);

	/* Its figures leave the kernel with it: what it lost stays counted. */
	run->removed_lost += st.lost + owed + st.count_full + st.follow_full;
	run->removed_suppressed += st.suppressed;
	events_retire(&run->ev, slot, owed);
	loader_drop_ring(&run->loader, slot);
	loader_forget_slot(&run->loader, slot);
	return owed;
}

/*
 * Make plan p the kernel's rules; when that fails, put the running plan back.
 * 0; -EAGAIN when p failed and the running rules were restored; another -errno
 * when even they could not be: the kernel side is then in no known state.
 */
static int apply_plan(struct run *run, const struct plan *p, char *err)
{
	sigset_t held;
	int ret, back = 0;

	/* After --user, the kept capabilities only for as long as attaching takes. */
	if (run->dropped && (ret = privilege_raise()) != 0)
		log_debug("reload: cannot raise the kept capabilities: %s", strerror(-ret));
	hold_signals(&held);
	ret = loader_apply(&run->loader, p, err, ERRLEN);
	if (ret) {
		log_error("reload: %s", err);
		back = loader_revert(&run->loader, &run->plan, err, ERRLEN);
		if (!back && test_fault("reload-rollback")) {
			snprintf(err, ERRLEN, "injected fault (RULETRACE_TEST_FAULT)");
			back = -EIO;
		}
	}
	release_signals(&held);
	if (run->dropped)
		privilege_lower();
	if (back) {
		log_error("reload failed and the running rules could not be restored: %s; "
			  "stopping", err);
		return back;
	}
	return ret ? -EAGAIN : 0;
}

/*
 * What removed rules left in the event buffer goes to their outputs, for at most
 * SWAP_DRAIN_MS; then their slots retire. Returns the events they matched that
 * were neither delivered nor lost in the kernel: lost in the swap, counted.
 */
static uint64_t retire_slots(struct run *run, const struct plan *next)
{
	double end = mono_seconds() + SWAP_DRAIN_MS / 1000.0;
	struct loader_rule_stats st;
	uint64_t left, swap_lost = 0;
	size_t i;

	for (;;) {
		left = 0;
		for (i = 0; i < next->ngone; i++)
			left += still_buffered(run, next->gone[i], &st);
		if (!left || mono_seconds() >= end || events_poll(&run->ev, 0) < 0)
			break;
	}
	for (i = 0; i < next->ngone; i++)
		swap_lost += retire_slot(run, next->gone[i]);
	return swap_lost;
}

/* What from lost of the events of each rule of p that keeps its counts, to to. */
static void hand_on_lost_by_slot(const struct plan *p, struct sink *to, const struct sink *from)
{
	size_t i;

	for (i = 0; i < p->rules.nrules; i++)
		if (p->rule[i].change != PLAN_RULE_NEW && p->rule[i].change != PLAN_RULE_REPLACED)
			to->lost_by_slot[p->rule[i].slot % RT_MAX_RULES] +=
				from->lost_by_slot[p->rule[i].slot % RT_MAX_RULES];
}

/*
 * The running outputs that next does not keep: flushed (briefly), their losses
 * kept, their figures handed on to an output of the same name, then closed.
 */
static void release_outputs(struct run *run, const struct plan *plan, struct sink **sinks)
{
	const struct rules *next = &plan->rules;
	size_t i, j, nrun = run->plan.rules.noutputs;

	for (i = 0; i < nrun; i++) {
		struct sink *old = run->sinks[i];

		if (sink_in(old, sinks, next->noutputs))
			continue;
		sink_settle(old, INTERVAL_OUTPUT_MS);
		if (old->error)
			run->failed = true;
		for (j = 0; j < next->noutputs; j++)
			if (!strcmp(next->outputs[j].name, old->cfg->name))
				break;
		if (j == next->noutputs) {
			run->removed_lost += old->lost;
			continue;
		}
		sinks[j]->written += old->written;
		sinks[j]->lost += old->lost;
		sinks[j]->dropped += old->dropped;
		sinks[j]->failed_writes += old->failed_writes;
		hand_on_lost_by_slot(plan, sinks[j], old);
	}
	sink_close_all(run->sinks, nrun, sinks, next->noutputs);
}

/* The change a reload made, on stderr and in each output's records. */
static void report_reload(struct run *run, const struct plan *p, uint64_t swap_lost)
{
	char line[256];
	struct sink_reload r = {
		.line = line, .added = p->added, .removed = p->removed, .changed = p->changed,
		.counts_kept = p->counts_kept, .swap_lost = swap_lost,
	};
	size_t i;

	snprintf(line, sizeof(line), "reload: +%u -%u ~%u rules, counts kept for %u, "
		 "%llu events lost during the swap", p->added, p->removed, p->changed,
		 p->counts_kept, (unsigned long long)swap_lost);
	log_error("%s", line);
	for (i = 0; i < p->rules.noutputs; i++)
		sink_add_reload(run->sinks[i], &r);
}

/*
 * The applied plan next becomes the running one, with its outputs sinks: events
 * of new rules routed from the first, what removed rules left delivered or
 * counted, the outputs that go released, the change reported.
 */
static void swap(struct run *run, struct plan *next, struct sink **sinks)
{
	char err[256];
	uint64_t swap_lost;

	sink_commit_all(sinks, next->rules.noutputs, false);
	if (route_events(run, next, sinks, err, sizeof(err))) {
		/* The rule runs, its events are counted as lost when its ring fills. */
		log_error("reload: %s", err);
		run->failed = true;
	}
	swap_lost = retire_slots(run, next);
	release_outputs(run, next, sinks);
	sink_rebind(sinks, &next->rules);
	plan_free(&run->plan);
	run->plan = *next;
	run->sinks = sinks;
	if (run->reloads < ARRAY_SIZE(run->reload_at))
		run->reload_at[run->reloads] = mono_seconds() - run->start;
	run->reloads++;
	report_reload(run, &run->plan, swap_lost);
}

/*
 * SIGHUP: read the rule file again and, if it is valid and everything it names
 * can be opened and attached, make it the running rules: plan, outputs, kernel
 * (or roll back), swap. Otherwise nothing the run uses was touched, and the reason is logged.
 */
static void reload(struct run *run)
{
	char *err = xcalloc(1, ERRLEN);
	struct rules rules = { 0 };
	struct plan next = { 0 };
	struct sink **sinks = NULL;
	size_t nrun = run->plan.rules.noutputs;
	int ret;

	notify_reloading();
	if (load_rules(run->o, "reload: ", &rules))
		goto keep;
	if (plan_build(&next, &rules, &run->plan, events_busy_slots(&run->ev), &run->kernel, err,
		       ERRLEN)) {
		log_lines("reload: ", err);
		goto keep;
	}
	if (!run->cgroups && rules_need_cgroups(&next.rules)) {
		if (!(run->cgroups = cgroups_open(err, ERRLEN))) {
			log_error("reload: %s: %s", next.rules.path, err);
			goto keep;
		}
		run->loader.cgroups = run->ev.cgroups = run->cgroups;
	}
	if (sink_open_all(&next.rules, &run->outpol, run->sinks, nrun, &sinks, err, ERRLEN)) {
		log_error("reload: %s", err);
		goto keep;
	}
	if (check_distinct_files(run, &next.rules, sinks, err, ERRLEN)) {
		log_error("reload: %s", err);
		goto keep;
	}
	if ((ret = apply_plan(run, &next, err)) != 0) {
		if (ret != -EAGAIN) {
			run->failed = true;
			stop_count++;	/* the run cannot go on: stop as if signalled */
			sink_close_all(sinks, next.rules.noutputs, run->sinks, nrun);
			plan_free(&next);
			free(err);
			return;
		}
		goto keep;
	}

	swap(run, &next, sinks);
	log_error("reloaded %s: %zu rule%s", run->plan.rules.path, run->plan.rules.nrules,
		  run->plan.rules.nrules == 1 ? "" : "s");
	notify_ready("tracing %zu rule%s", run->plan.rules.nrules,
		     run->plan.rules.nrules == 1 ? "" : "s");
	free(err);
	return;
keep:
	if (sinks)
		sink_close_all(sinks, next.rules.noutputs, run->sinks, nrun);
	plan_free(&next);
	rules_free(&rules);
	log_error("reload failed: the running rules stay as they were");
	notify_ready("tracing %zu rule%s; the last reload failed", run->plan.rules.nrules,
		     run->plan.rules.nrules == 1 ? "" : "s");
	free(err);
}

/*
 * The outputs that rewrite their destination with the figures (prometheus) and
 * are due: one summary, collected now, for them all.
 */
static void refresh_outputs(struct run *run)
{
	collect(run);
	sink_refresh_all(run->sinks, run->plan.rules.noutputs, &run->sum, mono_seconds());
}

/*
 * Poll events until a signal, the deadline or max events; -errno on failure.
 * Outputs that are rewritten every interval are written first at once (at the
 * start, and after a reload that opened one), then when due.
 */
static int run_loop(struct run *run, double deadline, double interval)
{
	double next_interval = interval > 0 ? run->start + interval : 0;
	int ret;

	while (!stop_count && !events_done(&run->ev)) {
		double now = mono_seconds(), wake = deadline, due;
		int timeout = sink_backlog(run->sinks, run->plan.rules.noutputs) ?
			      BACKLOG_POLL_MS : POLL_MS;

		if (deadline > 0 && now >= deadline)
			break;
		if (sink_refresh_due(run->sinks, run->plan.rules.noutputs, &due)) {
			if (due <= now) {
				refresh_outputs(run);
				continue;
			}
			if (wake == 0 || due < wake)
				wake = due;
		}
		if (next_interval > 0 && (wake == 0 || next_interval < wake))
			wake = next_interval;
		if (wake > 0 && (wake - now) * 1000 < timeout)
			timeout = (int)((wake - now) * 1000) + 1;
		ret = events_poll(&run->ev, timeout);
		if (ret < 0) {
			log_error("read events: %s", strerror(-ret));
			return ret;
		}
		sink_flush_all(run->sinks, run->plan.rules.noutputs);
		if (reload_signal) {
			reload_signal = 0;
			reload(run);
		}
		if (next_interval > 0 && mono_seconds() >= next_interval) {
			print_interval(run);
			next_interval += interval;
		}
	}
	return 0;
}

static int write_summary_json(const struct run *run, const struct expect_report *expect,
			      int status)
{
	struct summary_json_run js = {
		.rules_path = run->plan.rules.path,
		.start = run->start_real,
		.exit_status = status,
		.max_events = run->ev.max_events,
		.past_max = run->ev.past_max,
		.expect = expect,
	};
	struct strbuf sb;
	int ret = 0;

	clock_gettime(CLOCK_REALTIME, &js.end);
	strbuf_init(&sb);
	summary_json_format(&sb, &run->sum, &js);
	if (run->summary_fd < 0) {
		if ((ret = write_bounded(STDOUT_FILENO, sb.buf, sb.len, STOP_OUTPUT_MS)) != 0)
			log_error("--summary-json -: %s", strerror(-ret));
	} else if ((ret = write_bounded(run->summary_fd, sb.buf, sb.len, STOP_OUTPUT_MS)) != 0 ||
		   (ret = fsync(run->summary_fd) ? -errno : 0) != 0) {
		log_error("--summary-json %s: %s", run->o->summary_json, strerror(-ret));
	}
	strbuf_free(&sb);
	return ret;
}

/* The start banner: how each probe is attached, and from which rules. */
static void log_attached(const struct run *run)
{
	if (run->loader.execve != PROBE_EXECVE_NONE)
		log_error("execve: %s", run->loader.execve_how);
	if (run->loader.sys_enter)
		log_error("sys_enter: raw_tracepoint");
	if (run->loader.follow)
		log_error("follow: raw_tracepoint sched_process_fork");
	if (run->dropped)
		log_error("running as %s (uid %u), no effective capabilities", run->user.name,
			  (unsigned)run->user.uid);
	log_error("%zu rule%s from %s, events via %s; stop with Ctrl-C",
		  run->plan.rules.nrules, run->plan.rules.nrules == 1 ? "" : "s",
		  run->plan.rules.path, run->plan.ringbuf ? "ring buffer" : "perf buffer");
	notify_ready("tracing %zu rule%s", run->plan.rules.nrules,
		     run->plan.rules.nrules == 1 ? "" : "s");
}

/*
 * Plan rules, open the outputs, load and apply, start consuming events: an exit
 * status when it fails. Nothing is truncated before the kernel side runs.
 */
static int start(struct run *run, struct rules *rules, char *err)
{
	const struct options *o = run->o;
	size_t nout;
	sigset_t held;
	int ret;

	/* Decide attach modes before anything is loaded (execve's even without an
	 * execve rule: a reload may bring one, and its program loads now). */
	probe_features(&run->kernel.feat);
	run->kernel.probed = true;
	run->kernel.perf_buffer = o->perf_buffer;
	run->kernel.buffer_size = o->buffer_size;
	if ((ret = plan_build(&run->plan, rules, NULL, 0, &run->kernel, err, ERRLEN)) != 0) {
		log_lines("", err);
		return ret == -ENOTSUP && run->plan.settings.execve_attach == RULES_ATTACH_AUTO ?
			EXIT_RUNTIME : EXIT_USAGE;
	}
	nout = run->plan.rules.noutputs;
	/* Events are labelled with their cgroup wherever there is cgroup v2; rules
	 * that filter or count by one need it. */
	run->cgroups = cgroups_open(err, ERRLEN);
	if (!run->cgroups && rules_need_cgroups(&run->plan.rules)) {
		log_error("%s: %s", run->plan.rules.path, err);
		return EXIT_USAGE;
	}
	/* Sinks open before attaching: a bad destination is a usage error, nothing traced. */
	if (sink_open_all(&run->plan.rules, &run->outpol, NULL, 0, &run->sinks, err, ERRLEN)) {
		log_error("%s", err);
		return EXIT_USAGE;
	}
	/* Opened now, while the privileges to create it are still ours. */
	if (o->summary_json && strcmp(o->summary_json, "-") &&
	    (run->summary_fd = outfile_open(o->summary_json, OUTFILE_APPEND, &run->outpol,
					    NULL, err, ERRLEN)) < 0) {
		log_error("--summary-json: %s", err);
		return EXIT_USAGE;
	}
	if (check_distinct_files(run, &run->plan.rules, run->sinks, err, ERRLEN)) {
		log_error("%s", err);
		return EXIT_USAGE;
	}
	hold_signals(&held);
	if ((ret = loader_open(&run->loader, &run->kernel.feat, &run->plan, err, ERRLEN)) == 0) {
		run->loader.cgroups = run->cgroups;
		ret = loader_apply(&run->loader, &run->plan, err, ERRLEN);
	}
	release_signals(&held);
	if (ret == -ENOTUNIQ) {	/* a container prefix naming two: the rule file's fault */
		log_error("%s: %s", run->plan.rules.path, err);
		return EXIT_USAGE;
	}
	if (ret) {
		log_error("%s%s", err, ret == -EPERM ?
			  " (ruletrace needs root, or CAP_BPF, CAP_PERFMON and CAP_DAC_READ_SEARCH;"
			  " before Linux 5.11 also CAP_SYS_RESOURCE or a larger ulimit -l)" : "");
		return EXIT_RUNTIME;
	}
	/* Attached: the files may change now (a failed start leaves them as they were). */
	sink_commit_all(run->sinks, nout, true);
	if (run->summary_fd >= 0 && ftruncate(run->summary_fd, 0)) {
		log_error("--summary-json %s: %s", o->summary_json, strerror(errno));
		return EXIT_RUNTIME;
	}
	if (events_open(&run->ev, loader_events_fd(&run->loader), &run->plan, err, ERRLEN)) {
		log_error("%s", err);
		return EXIT_RUNTIME;
	}
	run->ev.cgroups = run->cgroups;
	if (route_events(run, &run->plan, run->sinks, err, ERRLEN) ||
	    events_learn_cgroups(&run->ev, loader_births_fd(&run->loader), err, ERRLEN)) {
		log_error("%s", err);
		return EXIT_RUNTIME;
	}
	run->ev.interrupted = signal_pending;
	run->ev.max_events = o->max_events ? o->max_events : run->plan.rules.max_events;
	/* Everything needing privileges is done: the rest runs as --user. */
	if (o->user) {
		if (privilege_drop(&run->user, err, ERRLEN)) {
			log_error("%s", err);
			return EXIT_RUNTIME;
		}
		run->dropped = true;
	}
	log_attached(run);
	return EXIT_OK;
}

/*
 * Stop: no new events, then everything already buffered, then the counters, the
 * expectations judged on them, and the exit status: a runtime failure (1) before
 * a failed expectation (4) before a loss (3), which alone --allow-loss forgives.
 */
static int finish(struct run *run)
{
	size_t i, nout = run->plan.rules.noutputs;
	struct expect_report expect;
	int ret, status;

	notify_stopping();
	/* The stop is acted on: from here a further signal cuts the drain short. */
	stop_acked = stop_count;
	reload_signal = 0;
	run->ev.interrupted = stop_pending;
	loader_detach(&run->loader);
	if ((ret = events_drain(&run->ev, STOP_DRAIN_MS)) < 0) {
		log_error("drain events: %s", strerror(-ret));
		run->failed = true;
	}
	if (run->ev.malformed)
		log_error("%llu malformed events ignored", (unsigned long long)run->ev.malformed);
	if (run->ev.unread)
		log_error("%llu events still buffered after %d ms of delivering at stop: "
			  "counted as unread", (unsigned long long)run->ev.unread, STOP_DRAIN_MS);
	if (run->ev.perf_lost)
		log_debug("perf buffer reported %llu lost samples",
			  (unsigned long long)run->ev.perf_lost);
	collect(run);
	for (i = 0; i < nout; i++)
		if (!sink_refreshes(run->sinks[i]))
			sink_finish(run->sinks[i], &run->sum, STOP_OUTPUT_MS);
	/*
	 * The outputs' figures again: the summary records they wrote count too. The
	 * outputs that show the figures (prometheus) are written last, with these,
	 * and then count their own write.
	 */
	collect(run);
	for (i = 0; i < nout; i++) {
		if (!sink_refreshes(run->sinks[i]))
			continue;
		sink_finish(run->sinks[i], &run->sum, STOP_OUTPUT_MS);
		collect(run);
	}
	for (i = 0; i < nout; i++)
		if (run->sinks[i]->error)
			run->failed = true;
	expect_evaluate(&run->sum, &expect);
	print_summary(run, &expect, STOP_OUTPUT_MS);

	status = EXIT_OK;
	if (run->failed)
		status = EXIT_RUNTIME;
	else if (expect.failed)
		status = EXIT_EXPECT;
	else if (summary_lost(&run->sum) && !run->o->allow_loss)
		status = EXIT_LOST;
	/* A summary that did not reach its file is a runtime failure, over 4 and 3. */
	if (run->o->summary_json && write_summary_json(run, &expect, status))
		status = EXIT_RUNTIME;
	expect_free(&expect);
	return status;
}

static int trace(const struct options *o)
{
	struct run run = { .o = o, .summary_fd = -1 };
	char *err = xcalloc(1, ERRLEN);
	struct rules rules = { 0 };
	uint64_t duration_ms, interval_ms;
	int status;

	if (load_rules(o, "", &rules)) {
		free(err);
		return EXIT_USAGE;
	}
	if (o->user && privilege_lookup_user(o->user, &run.user, err, ERRLEN)) {
		log_error("%s", err);
		rules_free(&rules);
		free(err);
		return EXIT_USAGE;
	}
	privilege_outfile_policy(o->user ? &run.user : NULL, &run.outpol);
	status = start(&run, &rules, err);
	if (status == EXIT_OK) {
		duration_ms = o->duration_ms ? o->duration_ms : run.plan.rules.duration_ms;
		interval_ms = o->interval_ms ? o->interval_ms : run.plan.rules.interval_ms;
		clock_gettime(CLOCK_REALTIME, &run.start_real);
		run.start = mono_seconds();
		if (run_loop(&run, duration_ms ? run.start + (double)duration_ms / 1000.0 : 0,
			     (double)interval_ms / 1000.0))
			run.failed = true;
		status = finish(&run);
	}
	events_close(&run.ev);
	loader_stop(&run.loader);
	if (run.sinks)
		sink_close_all(run.sinks, run.plan.rules.noutputs, NULL, 0);
	if (run.summary_fd >= 0 && close(run.summary_fd) && status != EXIT_USAGE) {
		log_error("--summary-json %s: %s", o->summary_json, strerror(errno));
		status = EXIT_RUNTIME;
	}
	privilege_user_free(&run.user);
	cgroups_free(run.cgroups);
	loader_counters_free(&run.counters);
	summary_free(&run.sum);
	plan_free(&run.plan);
	rules_free(&rules);
	free(err);
	return status;
}

/* --explain: the plan for the rule file on this kernel; nothing is attached. */
static int explain(const struct options *o)
{
	struct explain_options eo = {
		.format = o->explain_format,
		.check = o->check,
		.perf_buffer = o->perf_buffer,
		.buffer_size = o->buffer_size,
	};
	struct rules r = { 0 };
	int ret;

	if (load_rules(o, "", &r))
		return EXIT_USAGE;
	ret = explain_run(&r, &eo);
	return !ret ? EXIT_OK : ret == -EINVAL ? EXIT_USAGE : EXIT_RUNTIME;
}

/* --check: warn about each output file a privileged start would refuse. */
static void check_outputs(const struct options *o, const struct rules *r)
{
	struct privilege_user u = { 0 };
	struct outfile_policy p;
	char err[1024];
	size_t i;

	if (o->user && privilege_lookup_user(o->user, &u, err, sizeof(err)))
		log_warn("%s", err);
	privilege_outfile_policy(&u, &p);
	p.check_owner = true;	/* as a privileged run would */
	for (i = 0; i < r->noutputs; i++)
		if (r->outputs[i].path && outfile_open(r->outputs[i].path, OUTFILE_CHECK_ONLY,
						       &p, NULL, err, sizeof(err)))
			log_warn("%s:%u:%u: output '%s': %s", r->path, r->outputs[i].mark.line,
				 r->outputs[i].mark.column, r->outputs[i].name, err);
	if (o->summary_json && strcmp(o->summary_json, "-") &&
	    outfile_open(o->summary_json, OUTFILE_CHECK_ONLY, &p, NULL, err, sizeof(err)))
		log_warn("--summary-json: %s", err);
	privilege_user_free(&u);
}

int main(int argc, char **argv)
{
	struct options o;
	struct rules r = { 0 };
	struct settings s;
	char err[512];

	install_signals();
	if (parse_options(argc, argv, &o))
		return EXIT_USAGE;
	log_set_verbose(o.verbose);
	libbpf_set_print(libbpf_log);
	notify_init(o.ready_fd);

	if (o.explain)
		return explain(&o);
	if (!o.check)
		return trace(&o);
	/* --check: everything a run would refuse before touching the kernel. */
	if (load_rules(&o, "", &r))
		return EXIT_USAGE;
	if (settings_build(&r, NULL, &s, err, sizeof(err))) {
		log_lines("", err);
		rules_free(&r);
		return EXIT_USAGE;
	}
	if (privilege_check_rules_file(&r, err, sizeof(err)))
		log_warn("%s", err);
	check_outputs(&o, &r);
	printf("%s: ok (%zu rule%s, %zu output%s)\n", r.path, r.nrules,
	       r.nrules == 1 ? "" : "s", r.noutputs, r.noutputs == 1 ? "" : "s");
	settings_free(&s);
	rules_free(&r);
	return EXIT_OK;
}
