// SPDX-License-Identifier: GPL-2.0-only
/*
 * exec_attack.c - execs a hostile user makes, for the integration tests that check
 * what ruletrace reports of them. Usage: exec_attack COMM MODE [ARG]
 *
 * Renamed to COMM (prctl PR_SET_NAME), then, in each mode, one child or more
 * (forked from this process, so named COMM too) that exec in a way of its own.
 * For each, one line on stdout, the oracle the tests hold ruletrace to:
 *   MODE PID STATUS
 * PID the child's, STATUS its exit status (0: /bin/true ran) or -SIGNAL.
 *
 *   execveat        execveat(open("/bin"), "true", {"true", "via-execveat"}, env, 0)
 *   fexecve         fexecve(open("/bin/true"), {"true", "via-fexecve"}): glibc's
 *                   execveat(fd, "", ..., AT_EMPTY_PATH)
 *   execveat-fail-rel    execveat(7, "rt-nosuch", {"nx", "rel"}, env, 0), descriptor
 *                   7 the directory /bin: fails with ENOENT; the kernel names the
 *                   file /dev/fd/7/rt-nosuch
 *   execveat-fail-empty  execveat(8, "", {"nx", "empty"}, env, AT_EMPTY_PATH),
 *                   descriptor 8 /etc/passwd (not executable): fails with EACCES;
 *                   the kernel names the file /dev/fd/8
 *   int80           execve("/bin/true", {"true", "via-int80"}, NULL) through the
 *                   32-bit system call gate (int $0x80) of this 64-bit process;
 *                   exit 77 where there is no such gate (not x86-64)
 *   seccomp-denied  execve("/bin/true", {"true", "denied"}) under a seccomp filter
 *                   that fails execve with EPERM (the child exits with errno)
 *   failed-longarg  execve("/nonexistent/rt-longarg", {"nx", A, "tail"}, NULL): A is
 *                   ARG bytes of 'L' (default 10000); fails with ENOENT
 *   argv-null       execve("/nonexistent/rt-argv-null", NULL, NULL): no arguments at
 *                   all, which Linux allows; fails with ENOENT
 *   race            ARG rounds (default 300): a child with 4 threads, all calling
 *                   execve("/bin/true", {"true", "tid<TID>"}) at once; one wins, the
 *                   others are killed inside their execve, which never returns
 *   hold            execve("/bin/true", {"true", "held-argument"}) whose second
 *                   argument lies on a page the kernel must fault in through
 *                   userfaultfd: the child stays inside execve, between its entry and
 *                   its result, for ARG milliseconds (default 3000). "holding PID" is
 *                   printed (and flushed) once it is; exit 77 without userfaultfd
 *   leader-exit     a child whose main thread leaves (pthread_exit) while another
 *                   thread lives on; 300 ms later that thread execs /bin/true
 *                   {"true", "after-leader-exit"}: the process is alive throughout
 *   thread-exec     a child with two threads; the one that is not the main thread
 *                   execs /bin/sh -c "sleep 0.3; exec /bin/true second-exec": the
 *                   kernel ends the main thread (de_thread), the process goes on
 *                   as sh, forks sleep, then execs again
 *   rewrite         execve(ARG, {"orig-arg", P}, NULL), ARG an executable the kernel
 *                   opens and then refuses (ENOEXEC: not a program): P lies on a
 *                   userfaultfd page, and while the kernel waits for it, after it has
 *                   copied the file name and "orig-arg", another thread rewrites
 *                   both in the caller's memory: the name to "/bin/true", the
 *                   argument to "forgedXX". The kernel fails the exec of ARG; the
 *                   caller's memory names another. Exit 77 without userfaultfd
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void report(const char *mode, pid_t pid, int st)
{
	printf("%s %d %d\n", mode, (int)pid,
	       WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? -WTERMSIG(st) : -1000);
	fflush(stdout);
}

static long sys_execve(const char *f, char *const *a, char *const *e)
{
	return syscall(SYS_execve, f, a, e);
}

/* --- leader-exit --- */
static void *late_exec(void *unused)
{
	char *av[] = { "true", "after-leader-exit", NULL };

	(void)unused;
	usleep(300000);
	sys_execve("/bin/true", av, environ);
	_exit(errno & 0x7f);
}

static void *thread_exec(void *unused)
{
	char *av[] = { "sh", "-c", "sleep 0.3; exec /bin/true second-exec", NULL };

	(void)unused;
	sys_execve("/bin/sh", av, environ);
	_exit(errno & 0x7f);
}

/* The child of each one-shot mode: exec, and exit with errno if it returns. */
static void child(const char *mode, const char *arg)
{
	if (!strcmp(mode, "execveat")) {
		char *av[] = { "true", "via-execveat", NULL };
		int dir = open("/bin", O_PATH | O_DIRECTORY);

		syscall(SYS_execveat, dir, "true", av, environ, 0);
	} else if (!strcmp(mode, "execveat-fail-rel")) {
		char *av[] = { "nx", "rel", NULL };
		int dir = open("/bin", O_PATH | O_DIRECTORY);

		if (dir < 0 || dup2(dir, 7) != 7)
			_exit(3);
		syscall(SYS_execveat, 7, "rt-nosuch", av, environ, 0);
	} else if (!strcmp(mode, "execveat-fail-empty")) {
		char *av[] = { "nx", "empty", NULL };
		int fd = open("/etc/passwd", O_RDONLY);

		if (fd < 0 || dup2(fd, 8) != 8)
			_exit(3);
		syscall(SYS_execveat, 8, "", av, environ, AT_EMPTY_PATH);
	} else if (!strcmp(mode, "fexecve")) {
		char *av[] = { "true", "via-fexecve", NULL };
		int fd = open("/bin/true", O_RDONLY | O_CLOEXEC);

		fexecve(fd, av, environ);
	} else if (!strcmp(mode, "int80")) {
#ifdef __x86_64__
		/* The 32-bit ABI takes 32-bit pointers: everything below 4 GiB. */
		char *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
		unsigned int *av;
		long ret;

		if (m == MAP_FAILED)
			_exit(77);
		strcpy(m, "/bin/true");
		strcpy(m + 64, "true");
		strcpy(m + 128, "via-int80");
		av = (unsigned int *)(m + 256);
		av[0] = (unsigned int)(unsigned long)(m + 64);
		av[1] = (unsigned int)(unsigned long)(m + 128);
		av[2] = 0;
		__asm__ volatile("int $0x80"
				 : "=a"(ret)
				 : "a"(11 /* the i386 execve */), "b"((unsigned long)m),
				   "c"((unsigned long)av), "d"(0UL)
				 : "memory");
		if (ret == -38 /* ENOSYS: no 32-bit gate */)
			_exit(77);
		errno = (int)-ret;
#else
		_exit(77);
#endif
	} else if (!strcmp(mode, "seccomp-denied")) {
		struct sock_filter f[] = {
			BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
			BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_execve, 0, 1),
			BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
			BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		};
		struct sock_fprog prog = { .len = 4, .filter = f };
		char *av[] = { "true", "denied", NULL };

		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
		    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog))
			_exit(77);
		sys_execve("/bin/true", av, environ);
	} else if (!strcmp(mode, "failed-longarg")) {
		size_t n = arg ? strtoul(arg, NULL, 10) : 10000;
		char *a = malloc(n + 1);
		char *av[] = { "nx", a, "tail", NULL };

		memset(a, 'L', n);
		a[n] = '\0';
		sys_execve("/nonexistent/rt-longarg", av, NULL);
	} else if (!strcmp(mode, "leader-exit")) {
		pthread_t t;

		if (pthread_create(&t, NULL, late_exec, NULL))
			_exit(3);
		pthread_exit(NULL);
	} else if (!strcmp(mode, "thread-exec")) {
		pthread_t t;

		if (pthread_create(&t, NULL, thread_exec, NULL))
			_exit(3);
		for (;;)
			pause();
	} else if (!strcmp(mode, "argv-null")) {
		sys_execve("/nonexistent/rt-argv-null", NULL, NULL);
	} else {
		_exit(2);
	}
	_exit(errno & 0x7f);
}

/* --- race --- */
static pthread_barrier_t race_barrier;

static void race_exec(void)
{
	char arg[32];
	char *av[] = { "true", arg, NULL };

	snprintf(arg, sizeof(arg), "tid%ld", (long)syscall(SYS_gettid));
	pthread_barrier_wait(&race_barrier);
	sys_execve("/bin/true", av, environ);
}

static void *race_thread(void *unused)
{
	(void)unused;
	race_exec();
	return NULL;
}

static int race(unsigned long rounds)
{
	unsigned long i;

	for (i = 0; i < rounds; i++) {
		pid_t pid = fork();
		int st;

		if (pid == 0) {
			pthread_t t;
			int k;

			pthread_barrier_init(&race_barrier, NULL, 4);
			for (k = 0; k < 3; k++)
				pthread_create(&t, NULL, race_thread, NULL);
			race_exec();
			_exit(1);
		}
		if (pid < 0 || waitpid(pid, &st, 0) < 0)
			return 1;
		report("race", pid, st);
	}
	return 0;
}

/* --- hold --- */
struct holder {
	int uffd;
	unsigned ms;
	char *name, *arg0;	/* rewrite: rewritten while the kernel waits */
};

static void *hold_handler(void *arg)
{
	static char src[4096] __attribute__((aligned(4096)));
	struct holder *h = arg;
	struct pollfd pfd = { .fd = h->uffd, .events = POLLIN };
	struct uffd_msg msg;
	struct uffdio_copy copy;

	if (poll(&pfd, 1, -1) != 1 || read(h->uffd, &msg, sizeof(msg)) != sizeof(msg))
		_exit(3);
	printf("holding %d\n", (int)getpid());
	fflush(stdout);
	if (h->name) {
		strcpy(h->name, "/bin/true");
		strcpy(h->arg0, "forgedXX");
	}
	usleep(h->ms * 1000u);
	strcpy(src, "held-argument");
	copy = (struct uffdio_copy){ .dst = msg.arg.pagefault.address & ~4095UL,
				     .src = (unsigned long)src, .len = 4096 };
	ioctl(h->uffd, UFFDIO_COPY, &copy);
	return NULL;
}

static int hold(unsigned ms, const char *rewrite)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		struct uffdio_api api = { .api = UFFD_API };
		struct uffdio_register reg;
		struct holder h = { .ms = ms };
		pthread_t t;
		char *page;

		h.uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC);
		if (h.uffd < 0 || ioctl(h.uffd, UFFDIO_API, &api))
			_exit(77);
		page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		reg = (struct uffdio_register){ .range = { (unsigned long)page, 4096 },
						.mode = UFFDIO_REGISTER_MODE_MISSING };
		if (page == MAP_FAILED || ioctl(h.uffd, UFFDIO_REGISTER, &reg))
			_exit(77);
		if (pthread_create(&t, NULL, hold_handler, &h))
			_exit(3);
		if (rewrite) {
			static char name[4096], arg0[16] = "orig-arg";
			char *av[] = { arg0, page, NULL };

			snprintf(name, sizeof(name), "%s", rewrite);
			h.name = name;
			h.arg0 = arg0;
			sys_execve(name, av, NULL);
		} else {
			char *av[] = { "true", page, NULL };

			sys_execve("/bin/true", av, environ);
		}
		_exit(errno & 0x7f);
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return 1;
	report(rewrite ? "rewrite" : "hold", pid, st);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode, *arg;
	pid_t pid;
	int st;

	if (argc < 3) {
		fprintf(stderr, "usage: exec_attack COMM MODE [ARG]\n");
		return 2;
	}
	prctl(PR_SET_NAME, argv[1], 0, 0, 0);
	mode = argv[2];
	arg = argc > 3 ? argv[3] : NULL;
	if (!strcmp(mode, "race"))
		return race(arg ? strtoul(arg, NULL, 10) : 300);
	if (!strcmp(mode, "hold"))
		return hold(arg ? (unsigned)strtoul(arg, NULL, 10) : 3000, NULL);
	if (!strcmp(mode, "rewrite"))
		return arg ? hold(200, arg) : 2;
	pid = fork();
	if (pid == 0)
		child(mode, arg);
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return 1;
	report(mode, pid, st);
	return 0;
}
