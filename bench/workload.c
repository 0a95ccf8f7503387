// SPDX-License-Identifier: GPL-2.0-only
/*
 * workload.c - the benchmark workloads, timing themselves:
 *   getppid N   W1: N calls of syscall(SYS_getppid);
 *   exec M      W2: M fork+exec of /bin/true, one after another;
 *   paced R S   R getppid calls a second for S seconds, a thousandth of R each
 *               millisecond (the streaming sweep's offered rate).
 * Prints "ns N" (the loop's wall time in nanoseconds) on stdout, and with paced
 * also "calls N".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long long n, i, t0;
	int status;

	if (argc < 3 || (n = atoll(argv[2])) <= 0 ||
	    argc != (strcmp(argv[1], "paced") ? 3 : 4)) {
		fprintf(stderr, "usage: bench-workload getppid N | exec M | paced RATE SECONDS\n");
		return 2;
	}
	prctl(PR_SET_NAME, "rt-bench", 0, 0, 0);
	t0 = now_ns();
	if (!strcmp(argv[1], "getppid")) {
		for (i = 0; i < n; i++)
			syscall(SYS_getppid);
	} else if (!strcmp(argv[1], "exec")) {
		for (i = 0; i < n; i++) {
			pid_t pid = fork();

			if (pid == 0) {
				execl("/bin/true", "true", (char *)NULL);
				_exit(127);
			}
			if (pid < 0 || waitpid(pid, &status, 0) < 0)
				return 1;
		}
	} else if (!strcmp(argv[1], "paced")) {
		long long per_ms = n / 1000, ms, total = atoll(argv[3]) * 1000, calls = 0;
		struct timespec tick;

		clock_gettime(CLOCK_MONOTONIC, &tick);
		for (ms = 0; ms < total; ms++) {
			for (i = 0; i < per_ms; i++)
				syscall(SYS_getppid);
			calls += per_ms;
			tick.tv_nsec += 1000000;
			if (tick.tv_nsec >= 1000000000) {
				tick.tv_sec++;
				tick.tv_nsec -= 1000000000;
			}
			clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &tick, NULL);
		}
		printf("calls %lld\n", calls);
	} else {
		return 2;
	}
	printf("ns %lld\n", now_ns() - t0);
	return 0;
}
