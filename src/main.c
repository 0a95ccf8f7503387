// SPDX-License-Identifier: GPL-2.0-only
/*
 * main.c - the command line, signals and the run loop; the only place that
 * chooses the exit status. The run reads straight through: rule file -> settings
 * -> probing -> sinks -> kernel -> events until stopped -> summary.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "config.h"
#include "default_rules.h"
#include "events.h"
#include "loader.h"
#include "probe.h"
#include "rules.h"
#include "settings.h"
#include "sink.h"
#include "summary.h"
#include "util.h"

/* Exit statuses, documented in ruletrace(8). */
enum {
	EXIT_OK = 0,
	EXIT_RUNTIME = 1,	/* load, attach or a sink failed */
	EXIT_USAGE = 2,		/* bad command line or rule file */
	EXIT_LOST = 3,		/* finished, but events were lost */
};

#define POLL_MS 100
#define ERRLEN 4096

struct options {
	const char *rules_path;		/* NULL: built-in default */
	bool check;
	bool allow_loss;
	bool perf_buffer;		/* the pre-5.8 event path, even on newer kernels */
	uint64_t duration_ms;		/* 0: from the rule file, else until signalled */
	int verbose;
};

static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
	stop_signal = sig;
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
		"  -d, --duration TIME    stop after TIME: 500ms, 30s, 2m, 1h (default: until\n"
		"                         SIGINT or SIGTERM, or the rule file's duration)\n"
		"      --allow-loss       exit 0 even when events were lost\n"
		"      --perf-buffer      carry events through a perf event array, as on\n"
		"                         kernels before 5.8, even where a ring buffer exists\n"
		"  -v, --verbose          show libbpf's log, the verifier's among it\n"
		"  -h, --help             show this help\n"
		"  -V, --version          show the version\n"
		"\n"
		"Exit status: 0 finished, 1 runtime failure, 2 usage or rule error,\n"
		"3 finished but events were lost.\n"
		"See ruletrace(8) and ruletrace-rules(5).\n");
}

static int parse_options(int argc, char **argv, struct options *o)
{
	enum { OPT_ALLOW_LOSS = 256, OPT_PERF_BUFFER };
	static const struct option longopts[] = {
		{ "check", no_argument, NULL, 'c' },
		{ "duration", required_argument, NULL, 'd' },
		{ "allow-loss", no_argument, NULL, OPT_ALLOW_LOSS },
		{ "perf-buffer", no_argument, NULL, OPT_PERF_BUFFER },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	while ((c = getopt_long(argc, argv, "cd:vhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->check = true;
			break;
		case 'd':
			if (rules_parse_duration(optarg, &o->duration_ms)) {
				log_error("--duration: bad duration '%s' (use e.g. 500ms, 30s, "
					  "2m, 1h)", optarg);
				return -EINVAL;
			}
			break;
		case OPT_ALLOW_LOSS:
			o->allow_loss = true;
			break;
		case OPT_PERF_BUFFER:
			o->perf_buffer = true;
			break;
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

static int load_rules(const struct options *o, struct rules *r)
{
	char *err = xmalloc(ERRLEN);
	char *line, *save = NULL;
	int ret;

	err[0] = '\0';
	if (o->rules_path)
		ret = rules_load_file(o->rules_path, r, err, ERRLEN);
	else
		ret = rules_load_buffer(DEFAULT_RULES_NAME, default_rules_yaml,
					default_rules_yaml_len, r, err, ERRLEN);
	if (ret)
		for (line = strtok_r(err, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			log_error("%s", line);
	free(err);
	return ret;
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* A closed stdout is a sink failure to report, not a reason to die. */
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

static bool any_rule_on(const struct rules *r, enum rt_probe probe)
{
	size_t i;

	for (i = 0; i < r->nrules; i++)
		if (r->rules[i].probe == probe)
			return true;
	return false;
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Fill each rule's "how it is attached" for the summary. */
static void describe_attach(const struct rules *r, const struct loader *l,
			    struct summary *sum)
{
	size_t i;

	for (i = 0; i < r->nrules; i++) {
		struct summary_rule *sr = &sum->rules[i];

		if (r->rules[i].probe == RT_PROBE_EXECVE)
			snprintf(sr->attach, sizeof(sr->attach), "%s",
				 l->execve == PROBE_EXECVE_KPROBE ? "kprobe" : "tracepoint");
		else
			snprintf(sr->attach, sizeof(sr->attach), "raw_tracepoint");
	}
}

/* Poll events until a signal or the deadline; the run's own failures come back as -errno. */
static int run_loop(struct events *ev, struct sink *sinks, size_t nsinks, double deadline)
{
	int ret;

	while (!stop_signal) {
		int timeout = POLL_MS;

		if (deadline > 0) {
			double left = deadline - now_seconds();

			if (left <= 0)
				break;
			if (left * 1000 < timeout)
				timeout = (int)(left * 1000) + 1;
		}
		ret = events_poll(ev, timeout);
		if (ret < 0) {
			log_error("read events: %s", strerror(-ret));
			return ret;
		}
		sink_flush_all(sinks, nsinks);
	}
	return 0;
}

/* The text summary: on stdout, unless stdout carries JSON lines that it would spoil. */
static void print_summary(const struct rules *r, const struct summary *sum)
{
	int fd = STDOUT_FILENO;
	struct strbuf sb;
	ssize_t w;
	size_t i;

	for (i = 0; i < r->noutputs; i++)
		if (r->outputs[i].type == RULES_OUT_STDOUT &&
		    r->outputs[i].format == RULES_FORMAT_JSON)
			fd = STDERR_FILENO;
	strbuf_init(&sb);
	summary_format_text(sum, &sb);
	/* stdout may be the pipe that already failed: the summary is best effort there. */
	w = write(fd, sb.buf, sb.len);
	(void)w;
	strbuf_free(&sb);
}

static int trace(const struct options *o, const struct rules *r)
{
	char *err = xcalloc(1, ERRLEN);
	struct probe_features feat;
	enum probe_execve_mode execve = PROBE_EXECVE_NONE;
	struct settings settings;
	struct loader loader = { 0 };
	struct events ev = { 0 };
	struct summary sum;
	struct sink *sinks = NULL;
	double start, deadline;
	uint64_t duration_ms = o->duration_ms ? o->duration_ms : r->duration_ms;
	bool run_failed = false;
	size_t i;
	int status = EXIT_OK, ret;

	summary_init(&sum, r);
	if (settings_build(r, &settings, err, ERRLEN)) {
		log_error("%.*s", (int)strcspn(err, "\n"), err);
		status = EXIT_USAGE;
		goto out;
	}

	/* Decide attach modes before anything is loaded. */
	probe_features(&feat, any_rule_on(r, RT_PROBE_EXECVE));
	if (o->perf_buffer)
		feat.ringbuf = false;
	if (any_rule_on(r, RT_PROBE_EXECVE) &&
	    probe_choose_execve(&feat, settings.execve_attach, &execve, err, ERRLEN)) {
		log_error("%s", err);
		status = settings.execve_attach == RULES_ATTACH_AUTO ? EXIT_RUNTIME : EXIT_USAGE;
		goto out;
	}

	/* Sinks open before attaching: a bad destination is a usage error, nothing traced. */
	if (sink_open_all(r, &sinks, err, ERRLEN)) {
		log_error("%s", err);
		status = EXIT_USAGE;
		goto out;
	}

	install_signals();
	if ((ret = loader_start(&loader, &settings, &feat, execve,
				settings.execve_attach == RULES_ATTACH_AUTO, err, ERRLEN))) {
		log_error("%s%s", err, ret == -EPERM ?
			  " (ruletrace needs root, or CAP_BPF and CAP_PERFMON)" : "");
		status = EXIT_RUNTIME;
		goto out;
	}
	if (events_open(&ev, loader_events_fd(&loader), loader.ringbuf, r, sinks, &sum,
			err, ERRLEN)) {
		log_error("%s", err);
		status = EXIT_RUNTIME;
		goto out;
	}
	describe_attach(r, &loader, &sum);
	if (execve != PROBE_EXECVE_NONE)
		log_error("execve: %s", loader.execve_how);
	if (loader.sys_enter)
		log_error("sys_enter: raw_tracepoint");
	log_error("%zu rule%s from %s, events via %s; stop with Ctrl-C", r->nrules,
		  r->nrules == 1 ? "" : "s", r->path,
		  loader.ringbuf ? "ring buffer" : "perf buffer");

	start = now_seconds();
	deadline = duration_ms ? start + (double)duration_ms / 1000.0 : 0;
	if (run_loop(&ev, sinks, r->noutputs, deadline))
		run_failed = true;

	/* Stop: no new events, then everything already buffered, then the counters. */
	loader_detach(&loader);
	sum.run_seconds = now_seconds() - start;
	if ((ret = events_drain(&ev)) < 0) {
		log_error("drain events: %s", strerror(-ret));
		run_failed = true;
	}
	if ((ret = loader_read_counters(&loader, &sum)) != 0) {
		log_error("read counters: %s", strerror(-ret));
		run_failed = true;
	}
	if (ev.malformed)
		log_error("%llu malformed events ignored", (unsigned long long)ev.malformed);
	if (ev.perf_lost)
		log_debug("perf buffer reported %llu lost samples",
			  (unsigned long long)ev.perf_lost);
	summary_sort(&sum);
	for (i = 0; i < r->noutputs; i++)
		sink_finish(&sinks[i], &sum);
	for (i = 0; i < r->noutputs; i++) {
		sum.sinks[i].written = sinks[i].written;
		sum.sinks[i].lost = sinks[i].lost;
		sum.sinks[i].dropped = sinks[i].dropped;
		sum.sinks[i].error = sinks[i].error;
		if (sinks[i].error)
			run_failed = true;
	}
	print_summary(r, &sum);

	if (run_failed)
		status = EXIT_RUNTIME;
	else if (summary_lost(&sum) && !o->allow_loss)
		status = EXIT_LOST;
out:
	events_close(&ev);
	loader_stop(&loader);
	if (sinks)
		sink_close_all(sinks, r->noutputs);
	settings_free(&settings);
	summary_free(&sum);
	free(err);
	return status;
}

int main(int argc, char **argv)
{
	struct options o;
	struct rules r = { 0 };
	int status;

	if (parse_options(argc, argv, &o))
		return EXIT_USAGE;
	log_set_verbose(o.verbose);
	libbpf_set_print(libbpf_log);

	if (load_rules(&o, &r))
		return EXIT_USAGE;
	if (o.check) {
		struct settings settings;
		char err[1024];

		/* Also what only shows when the rules are encoded together. */
		if (settings_build(&r, &settings, err, sizeof(err))) {
			log_error("%.*s", (int)strcspn(err, "\n"), err);
			rules_free(&r);
			return EXIT_USAGE;
		}
		settings_free(&settings);
		printf("%s: ok (%zu rule%s, %zu output%s)\n", r.path, r.nrules,
		       r.nrules == 1 ? "" : "s", r.noutputs, r.noutputs == 1 ? "" : "s");
		rules_free(&r);
		return EXIT_OK;
	}
	status = trace(&o, &r);
	rules_free(&r);
	return status;
}
