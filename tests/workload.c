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
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void usage(void)
{
	fprintf(stderr, "usage: workload [--comm NAME] [--getppid N] [--getuid N] "
		"[--fork-names N] [--exec M] [-- PROG [ARG...]]\n");
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

int main(int argc, char **argv)
{
	const char *comm = NULL;
	char *default_argv[] = { "/bin/true", NULL };
	char **prog = default_argv;
	unsigned long ngetppid = 0, ngetuid = 0, nexec = 0, nforks = 0, i;
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
	for (i = 0; i < ngetppid; i++)
		syscall(SYS_getppid);
	for (i = 0; i < ngetuid; i++)
		syscall(SYS_getuid);
	for (i = 0; i < nexec; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("workload: fork");
			return 1;
		}
		if (pid == 0) {
			int null = open("/dev/null", O_WRONLY);

			if (null >= 0)
				dup2(null, STDOUT_FILENO);
			execv(prog[0], prog);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) == 127) {
			fprintf(stderr, "workload: %s did not run\n", prog[0]);
			return 1;
		}
	}
	/* N children, each under a name of its own: "rt-f<i>", one getppid, gone. */
	for (i = 0; i < nforks; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("workload: fork");
			return 1;
		}
		if (pid == 0) {
			char name[16];

			snprintf(name, sizeof(name), "rt-f%lu", i % 100000000000UL);
			prctl(PR_SET_NAME, name, 0, 0, 0);
			syscall(SYS_getppid);
			syscall(SYS_exit_group, 0);
		}
		if (waitpid(pid, &status, 0) < 0)
			return 1;
	}
	/* Straight to exit_group: no stdio flush or atexit syscalls to count. */
	syscall(SYS_exit_group, 0);
	return 0;
}
