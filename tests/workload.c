// SPDX-License-Identifier: GPL-2.0-only
/*
 * workload.c - a process whose syscalls and execs are known exactly, for the
 * integration tests to check ruletrace's figures against.
 *
 * After renaming itself (prctl PR_SET_NAME) it makes exactly N getppid calls, U
 * getuid calls and M fork+exec of PROG, then exit_group. Under the new name the
 * kernel therefore sees N getppid + U getuid + M (clone, wait4 pairs) + 1
 * exit_group from the parent; with --exec 0 that is exactly N + U + 1 syscalls,
 * which is what the tests assert.
 *
 * --children N --child-getppid K: N children, one after another, each making
 * exactly K getppid calls and exiting; each child's pid is printed on stdout.
 *
 * --rename-thread N --names A,B,...: a worker thread named A makes exactly N
 * getppid calls while the main thread renames it through
 * /proc/self/task/TID/comm, round the names, as fast as it can; the number of
 * renames is printed on stdout.
 *
 * --spread MS: the N getppid calls spread evenly over MS milliseconds, a
 * clock_nanosleep (not counted here) after each millisecond's share, so that a
 * test can signal ruletrace while the stream is still flowing.
 *
 * --rename-self N --getppid K: renamed in turn to COMM0, COMM1, ... COMM<N-1>
 * (COMM from --comm), K getppid calls under each name; then exit_group.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void usage(void)
{
	fprintf(stderr, "usage: workload [--comm NAME] [--getppid N] [--getuid N] "
		"[--fork-names N] [--exec M] [--children N --child-getppid K] "
		"[--rename-thread N --names A,B,...] [--spread MS] "
		"[--comm PREFIX --rename-self N] [-- PROG [ARG...]]\n");
	exit(2);
}

static unsigned long parse_count(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || end == s)
		usage();
	return v;
}

/*
 * Fork a child that runs child(arg, i) and never returns, and wait for it: its
 * pid with *status, or -1 (said). Exactly one clone and one wait4 in the parent.
 */
static pid_t fork_wait(void (*child)(void *arg, unsigned long i), void *arg, unsigned long i,
		       int *status)
{
	pid_t pid = fork();

	if (pid < 0) {
		perror("workload: fork");
		return -1;
	}
	if (pid == 0)
		child(arg, i);
	if (waitpid(pid, status, 0) < 0)
		return -1;
	return pid;
}

static void getppid_child(void *arg, unsigned long i)
{
	unsigned long j, k = *(const unsigned long *)arg;

	(void)i;
	for (j = 0; j < k; j++)
		syscall(SYS_getppid);
	syscall(SYS_exit_group, 0);
}

/* N children in turn, each K getppid calls then gone; their pids on stdout. */
static int children(unsigned long n, unsigned long k)
{
	unsigned long i;
	int status;
	pid_t pid;

	for (i = 0; i < n; i++) {
		if ((pid = fork_wait(getppid_child, &k, i, &status)) < 0)
			return 1;
		printf("%d\n", (int)pid);
	}
	return fflush(stdout) ? 1 : 0;
}

static void exec_child(void *arg, unsigned long i)
{
	char **prog = arg;
	int null = open("/dev/null", O_WRONLY);

	(void)i;
	if (null >= 0)
		dup2(null, STDOUT_FILENO);
	execv(prog[0], prog);
	_exit(127);
}

/* A child under a name of its own, "rt-f<i>": one getppid, gone. */
static void named_child(void *arg, unsigned long i)
{
	char name[16];

	(void)arg;
	snprintf(name, sizeof(name), "rt-f%lu", i % 100000000000UL);
	prctl(PR_SET_NAME, name, 0, 0, 0);
	syscall(SYS_getppid);
	syscall(SYS_exit_group, 0);
}

struct renamed {
	unsigned long calls;
	const char *first;
	atomic_int tid;		/* the worker's, once it has its first name */
	atomic_int done;
};

static void *rename_worker(void *arg)
{
	struct renamed *r = arg;
	unsigned long i;

	prctl(PR_SET_NAME, r->first, 0, 0, 0);
	atomic_store(&r->tid, (int)syscall(SYS_gettid));
	for (i = 0; i < r->calls; i++)
		syscall(SYS_getppid);
	atomic_store(&r->done, 1);
	return NULL;
}

/* A worker making n getppid calls, renamed by this thread round names meanwhile. */
static int rename_thread(unsigned long n, char *names)
{
	struct renamed r = { .calls = n };
	char *name[16], path[64], *save = NULL;
	unsigned long renames = 0;
	unsigned nnames = 0;
	pthread_t t;
	int fd, tid;

	for (char *p = strtok_r(names, ",", &save); p && nnames < 16;
	     p = strtok_r(NULL, ",", &save))
		name[nnames++] = p;
	if (!nnames)
		usage();
	r.first = name[0];
	if (pthread_create(&t, NULL, rename_worker, &r))
		return 1;
	while (!(tid = atomic_load(&r.tid)))
		;
	snprintf(path, sizeof(path), "/proc/self/task/%d/comm", tid);
	fd = open(path, O_WRONLY);
	if (fd < 0) {
		perror("workload: open comm");
		return 1;
	}
	while (!atomic_load(&r.done)) {
		const char *nm = name[++renames % nnames];

		if (write(fd, nm, strlen(nm)) < 0) {
			perror("workload: write comm");
			return 1;
		}
	}
	close(fd);
	pthread_join(t, NULL);
	printf("%lu\n", renames);
	return fflush(stdout) ? 1 : 0;
}

/* n getppid calls, the i-th millisecond's share made by start + i ms. */
static void getppid_spread(unsigned long n, unsigned long ms)
{
	struct timespec start, until;
	unsigned long done = 0, tick, share;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (tick = 1; tick <= ms; tick++) {
		share = (unsigned long)((unsigned long long)n * tick / ms);
		for (; done < share; done++)
			syscall(SYS_getppid);
		until.tv_sec = start.tv_sec + (time_t)(tick / 1000);
		until.tv_nsec = start.tv_nsec + (long)(tick % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) == EINTR)
			;
	}
}

/* Named PREFIX0 ... PREFIX<n-1> in turn, k getppid calls under each name. */
static int rename_self(const char *prefix, unsigned long n, unsigned long k)
{
	char name[32];
	unsigned long i, j;

	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%s%lu", prefix, i);
		if (strlen(name) > 15) {
			fprintf(stderr, "workload: %s: longer than a comm\n", name);
			return 1;
		}
		if (prctl(PR_SET_NAME, name, 0, 0, 0)) {
			perror("workload: prctl");
			return 1;
		}
		for (j = 0; j < k; j++)
			syscall(SYS_getppid);
	}
	syscall(SYS_exit_group, 0);
	return 0;
}

int main(int argc, char **argv)
{
	const char *comm = NULL;
	char *default_argv[] = { "/bin/true", NULL };
	char **prog = default_argv;
	unsigned long ngetppid = 0, ngetuid = 0, nexec = 0, nforks = 0, i;
	unsigned long nchildren = 0, child_getppid = 0, rename_calls = 0;
	unsigned long spread_ms = 0, rename_self_n = 0;
	char *names = NULL;
	int a, status;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--comm") && a + 1 < argc)
			comm = argv[++a];
		else if (!strcmp(argv[a], "--getppid") && a + 1 < argc)
			ngetppid = parse_count(argv[++a]);
		else if (!strcmp(argv[a], "--getuid") && a + 1 < argc)
			ngetuid = parse_count(argv[++a]);
		else if (!strcmp(argv[a], "--fork-names") && a + 1 < argc)
			nforks = parse_count(argv[++a]);
		else if (!strcmp(argv[a], "--exec") && a + 1 < argc)
			nexec = parse_count(argv[++a]);
		else if (!strcmp(argv[a], "--children") && a + 1 < argc)
			nchildren = parse_count(argv[++a]);
		else if (!strcmp(argv[a], "--child-getppid") && a + 1 < argc)
			child_getppid = parse_count(argv[++a]);
		else if (!strcmp(argv[a], "--rename-thread") && a + 1 < argc)
			rename_calls = parse_count(argv[++a]);
		else if (!strcmp(argv[a], "--names") && a + 1 < argc)
			names = argv[++a];
		else if (!strcmp(argv[a], "--spread") && a + 1 < argc)
			spread_ms = parse_count(argv[++a]);
		else if (!strcmp(argv[a], "--rename-self") && a + 1 < argc)
			rename_self_n = parse_count(argv[++a]);
		else if (!strcmp(argv[a], "--") && a + 1 < argc) {
			prog = &argv[a + 1];
			break;
		} else
			usage();
	}

	if (comm && prctl(PR_SET_NAME, comm, 0, 0, 0)) {
		perror("workload: prctl");
		return 1;
	}
	if (nchildren)
		return children(nchildren, child_getppid);
	if (rename_calls && !names)
		usage();
	if (rename_calls)
		return rename_thread(rename_calls, names);
	if (rename_self_n && !comm)
		usage();
	if (rename_self_n)
		return rename_self(comm, rename_self_n, ngetppid);
	if (spread_ms)
		getppid_spread(ngetppid, spread_ms);
	else
		for (i = 0; i < ngetppid; i++)
			syscall(SYS_getppid);
	for (i = 0; i < ngetuid; i++)
		syscall(SYS_getuid);
	for (i = 0; i < nexec; i++) {
		if (fork_wait(exec_child, prog, i, &status) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) == 127) {
			fprintf(stderr, "workload: %s did not run\n", prog[0]);
			return 1;
		}
	}
	for (i = 0; i < nforks; i++)
		if (fork_wait(named_child, NULL, i, &status) < 0)
			return 1;
	/* Straight to exit_group: no stdio flush or atexit syscalls to count. */
	syscall(SYS_exit_group, 0);
	return 0;
}
