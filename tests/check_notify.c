// SPDX-License-Identifier: GPL-2.0-only
/*
 * check_notify.c - the sd_notify datagrams and the ready line, byte for byte,
 * received on a path socket and on an abstract one; --ready-fd's refusals.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "notify.h"
#include "check_run.h"

static char dir[64];

/* A datagram socket bound to name (a path, or '@' and an abstract name). */
static int listen_at(const char *name)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	size_t len = strlen(name);
	int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(s, 0);
	memcpy(a.sun_path, name, len);
	if (name[0] == '@')
		a.sun_path[0] = '\0';
	ck_assert_int_eq(bind(s, (struct sockaddr *)&a,
			      (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len)), 0);
	ck_assert_int_eq(setenv("NOTIFY_SOCKET", name, 1), 0);
	return s;
}

static void expect_msg(int s, const char *want)
{
	char buf[600];
	ssize_t n = recv(s, buf, sizeof(buf) - 1, MSG_DONTWAIT);

	ck_assert_int_ge(n, 0);
	buf[n] = '\0';
	ck_assert_str_eq(buf, want);
}

static unsigned long long mono_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000ULL + (unsigned long long)ts.tv_nsec / 1000;
}

/* The whole conversation of a run with one reload, as systemd receives it. */
static void conversation(const char *name)
{
	char want[256], line[64];
	unsigned long long before, after, at;
	int s = listen_at(name), p[2];
	char buf[600];
	ssize_t n;

	ck_assert_int_eq(pipe(p), 0);
	notify_init(p[1]);
	ck_assert_ptr_null(getenv("NOTIFY_SOCKET"));
	ck_assert_int_eq(fcntl(p[1], F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);

	notify_ready("tracing %d rules", 2);
	snprintf(want, sizeof(want), "READY=1\nSTATUS=tracing 2 rules\nMAINPID=%ld",
		 (long)getpid());
	expect_msg(s, want);
	snprintf(line, sizeof(line), "READY=1 MAINPID=%ld\n", (long)getpid());
	n = read(p[0], buf, sizeof(buf) - 1);
	ck_assert_int_eq(n, (ssize_t)strlen(line));
	buf[n] = '\0';
	ck_assert_str_eq(buf, line);
	ck_assert_int_eq(read(p[0], buf, sizeof(buf)), 0);	/* closed: EOF */

	before = mono_usec();
	notify_reloading();
	after = mono_usec();
	n = recv(s, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	ck_assert_int_eq(sscanf(buf, "RELOADING=1\nMONOTONIC_USEC=%llu", &at), 1);
	ck_assert_msg(at >= before && at <= after, "MONOTONIC_USEC %llu not in [%llu, %llu]",
		      at, before, after);

	/* After a reload the ready fd is not written again: it is closed. */
	notify_ready("tracing 1 rule; the last reload failed\nX=1");
	snprintf(want, sizeof(want),
		 "READY=1\nSTATUS=tracing 1 rule; the last reload failed X=1\nMAINPID=%ld",
		 (long)getpid());
	expect_msg(s, want);
	notify_stopping();
	expect_msg(s, "STOPPING=1");
	ck_assert_int_eq(recv(s, buf, sizeof(buf), MSG_DONTWAIT), -1);
	close(s);
	close(p[0]);
}

START_TEST(test_path_socket)
{
	char name[96];

	snprintf(name, sizeof(name), "%s/notify", dir);
	conversation(name);
	unlink(name);
}
END_TEST

START_TEST(test_abstract_socket)
{
	char name[64];

	snprintf(name, sizeof(name), "@ruletrace-check-notify-%ld", (long)getpid());
	conversation(name);
}
END_TEST

/* No socket, a socket nobody listens on, a relative name: the calls do nothing. */
START_TEST(test_nobody_listens)
{
	const char *names[] = { NULL, "/nonexistent/notify", "relative", "@" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (names[i])
			setenv("NOTIFY_SOCKET", names[i], 1);
		else
			unsetenv("NOTIFY_SOCKET");
		notify_init(-1);
		ck_assert_ptr_null(getenv("NOTIFY_SOCKET"));
		notify_ready("tracing");
		notify_reloading();
		notify_stopping();
	}
}
END_TEST

static void refused(const char *arg, const char *want)
{
	char err[128] = "";

	ck_assert_int_lt(notify_parse_ready_fd(arg, err, sizeof(err)), 0);
	ck_assert_str_eq(err, want);
}

START_TEST(test_parse_ready_fd)
{
	char arg[16], want[64], err[128];
	int p[2];

	ck_assert_int_eq(pipe(p), 0);
	refused("", "'' is not a file descriptor number");
	refused("x", "'x' is not a file descriptor number");
	refused("-1", "'-1' is not a file descriptor number");
	refused(" 3", "' 3' is not a file descriptor number");
	refused("3x", "'3x' is not a file descriptor number");
	refused("99999999999999999999", "'99999999999999999999' is not a file descriptor number");
	refused("0", "0 is standard input, which ruletrace keeps open");
	refused("1", "1 is standard output, which ruletrace keeps open");
	refused("2", "2 is standard error, which ruletrace keeps open");
	refused("1023", "1023: Bad file descriptor");
	snprintf(arg, sizeof(arg), "%d", p[0]);
	snprintf(want, sizeof(want), "%d is not open for writing", p[0]);
	refused(arg, want);
	snprintf(arg, sizeof(arg), "%d", p[1]);
	ck_assert_int_eq(notify_parse_ready_fd(arg, err, sizeof(err)), p[1]);
	close(p[0]);
	close(p[1]);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("notify");
	TCase *tc = tcase_create("notify");
	int ret;

	snprintf(dir, sizeof(dir), "/tmp/check_notify.XXXXXX");
	if (!mkdtemp(dir))
		return EXIT_FAILURE;
	tcase_add_test(tc, test_path_socket);
	tcase_add_test(tc, test_abstract_socket);
	tcase_add_test(tc, test_nobody_listens);
	tcase_add_test(tc, test_parse_ready_fd);
	suite_add_tcase(s, tc);
	ret = check_run(s);
	rmdir(dir);
	return ret;
}
