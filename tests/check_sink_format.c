// SPDX-License-Identifier: GPL-2.0-only
/* check_sink_format.c - CSV rows, JSON objects and syslog bodies of hostile events. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "sink_format.h"
#include "check_run.h"

static struct rt_exec_event ex;
static struct rt_syscall_event sy;
static struct sink_event ev;
static struct strbuf sb;

/* An exec event by comm with the given argv (NUL-separated in args). */
static void make_exec(const char *comm, const char *filename, const char *args, size_t len,
		      unsigned argc)
{
	memset(&ex, 0, sizeof(ex));
	ex.hdr.type = RT_EVENT_EXEC;
	ex.hdr.pid = ex.hdr.tid = 42;
	ex.hdr.uid = 1000;
	ex.ppid = 7;
	memcpy(ex.hdr.comm, comm, strnlen(comm, RT_COMM_LEN));
	strncpy(ex.filename, filename, RT_FILENAME_LEN - 1);
	memcpy(ex.args, args, len);
	ex.args_len = (unsigned)len;
	ex.argc = argc;
	memset(&ev, 0, sizeof(ev));
	ev.hdr = &ex.hdr;
	ev.exec = &ex;
	ev.rule = "r";
	ev.wall.tv_sec = 1764046747;	/* 2025-11-25T04:59:07Z */
	ev.wall.tv_nsec = 123456789;
	strbuf_reset(&sb);
}

#define ARGS(lit) lit, sizeof(lit)

static void setup(void)
{
	strbuf_init(&sb);
}

static void teardown(void)
{
	strbuf_free(&sb);
}

START_TEST(test_csv_hostile)
{
	make_exec("=a,\"b\"\n\x1b[1m%n", "/bin/echo",
		  ARGS("/bin/echo\0=1+2\0a,b\0q\"q\0line\nbreak\0\xff\xfe\0%n%s\0"), 8);
	sink_format_csv_event(&sb, &ev);
	ck_assert_str_eq(sb.buf,
		"2025-11-25T04:59:07.123456Z,r,exec,42,42,7,1000,"
		"\"'=a,\"\"b\"\"\n\\x1b[1m%n\",,/bin/echo,"
		"\"/bin/echo =1+2 a,b \"\"q\\\"\"q\"\" line\nbreak \\xff\\xfe %n%s \"\"\"\"\",0,,,0\r\n");
}
END_TEST

START_TEST(test_csv_empty_argv)
{
	make_exec("fifteen-bytes!!", "/x", "", 0, 0);
	ex.flags = RT_EXEC_ARGS_TRUNCATED;
	sink_format_csv_event(&sb, &ev);
	ck_assert_str_eq(sb.buf, "2025-11-25T04:59:07.123456Z,r,exec,42,42,7,1000,"
			 "fifteen-bytes!!,,/x,,1,,,0\r\n");
}
END_TEST

START_TEST(test_json_hostile)
{
	make_exec("=a,\"b\"\n\x1b[1m%n", "/bin/echo", ARGS("/bin/echo\0\xff\xfe\0\0"), 3);
	sink_format_json_event(&sb, &ev);
	ck_assert_str_eq(sb.buf,
		"{\"time\":\"2025-11-25T04:59:07.123456Z\",\"rule\":\"r\",\"event\":\"exec\","
		"\"pid\":42,\"tid\":42,\"ppid\":7,\"uid\":1000,"
		"\"comm\":\"=a,\\\"b\\\"\\n\\u001b[1m%n\",\"filename\":\"/bin/echo\","
		"\"filename_truncated\":false,"
		"\"argv\":[\"/bin/echo\",\"\\\\xff\\\\xfe\",\"\"],\"argv_truncated\":false}");
}
END_TEST

START_TEST(test_json_syscall)
{
	memset(&sy, 0, sizeof(sy));
	sy.hdr.type = RT_EVENT_SYSCALL;
	sy.hdr.pid = 5;
	sy.hdr.tid = 6;
	strcpy(sy.hdr.comm, "a\\b");
	sy.nr = 99999;
	memset(&ev, 0, sizeof(ev));
	ev.hdr = &sy.hdr;
	ev.sys = &sy;
	ev.rule = "s";
	sink_format_json_event(&sb, &ev);
	ck_assert_str_eq(sb.buf, "{\"time\":\"1970-01-01T00:00:00.000000Z\",\"rule\":\"s\","
			 "\"event\":\"syscall\",\"pid\":5,\"tid\":6,\"uid\":0,\"comm\":\"a\\\\b\","
			 "\"syscall\":null,\"nr\":99999}");
}
END_TEST

/* A body whose data tries to close its quote and add a key of its own. */
START_TEST(test_kv_forgery)
{
	make_exec("x\" uid=0 y=\"", "/bin/sh", ARGS("sh\0-c\0evil\nFAKE: line\0"), 3);
	sink_format_kv_event(&sb, &ev);
	ck_assert_str_eq(sb.buf, "rule=\"r\" event=exec pid=42 tid=42 ppid=7 uid=1000 "
			 "comm=\"x\\\" uid=0 y=\\\"\" filename=\"/bin/sh\" "
			 "argv=\"sh -c \\\"evil\\nFAKE: line\\\"\" truncated=0 filename_truncated=0");
	ck_assert_ptr_null(strchr(sb.buf, '\n'));
}
END_TEST

/* The longest argv the kernel side sends: 1024 bytes of arguments. */
START_TEST(test_longest_argv)
{
	char args[RT_ARGS_LEN];
	unsigned i;

	for (i = 0; i < RT_ARGS_LEN; i++)
		args[i] = (i % 32 == 31) ? '\0' : 'a';
	make_exec("c", "/f", args, RT_ARGS_LEN, 32);
	sink_format_json_event(&sb, &ev);
	ck_assert_ptr_nonnull(strstr(sb.buf, "\"argv\":[\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\","));
	strbuf_reset(&sb);
	sink_format_argv(&sb, &ex);
	ck_assert_uint_eq(sb.len, 32 * 31 + 31);
	/* An args_len beyond the buffer is clamped, never read past. */
	ex.args_len = 100000;
	strbuf_reset(&sb);
	sink_format_argv(&sb, &ex);
	ck_assert_uint_eq(sb.len, 32 * 31 + 31);
}
END_TEST

/* A filename cut at 255 bytes is marked in every form; a whole one is not. */
START_TEST(test_filename_truncated)
{
	char name[RT_FILENAME_LEN];

	memset(name, 'd', sizeof(name) - 1);
	name[0] = '/';
	name[sizeof(name) - 1] = '\0';
	make_exec("c", name, ARGS("x\0"), 1);
	ex.flags = RT_EXEC_FILENAME_TRUNCATED;
	sink_format_json_event(&sb, &ev);
	ck_assert_ptr_nonnull(strstr(sb.buf, "dd\",\"filename_truncated\":true,\"argv\":[\"x\"]"));
	strbuf_reset(&sb);
	sink_format_csv_event(&sb, &ev);
	ck_assert_ptr_nonnull(strstr(sb.buf, "dd,x,0,,,1\r\n"));
	strbuf_reset(&sb);
	sink_format_kv_event(&sb, &ev);
	ck_assert_ptr_nonnull(strstr(sb.buf, "dd\" argv=\"x\" truncated=0 filename_truncated=1"));
	/* Both marks. */
	ex.flags = RT_EXEC_FILENAME_TRUNCATED | RT_EXEC_ARGS_TRUNCATED;
	strbuf_reset(&sb);
	sink_format_csv_event(&sb, &ev);
	ck_assert_ptr_nonnull(strstr(sb.buf, ",x,1,,,1\r\n"));
	/* A name that could not be read is not called cut. */
	ex.flags = RT_EXEC_FILENAME_FAULT;
	strbuf_reset(&sb);
	sink_format_json_event(&sb, &ev);
	ck_assert_ptr_nonnull(strstr(sb.buf, "\"filename\":null,\"filename_truncated\":false,"));
}
END_TEST

static size_t commas(const char *s, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		c += s[i] == ',';
	return c;
}

/* Every CSV event row has as many fields as the header. */
START_TEST(test_csv_columns)
{
	size_t header = commas(SINK_CSV_HEADER, strlen(SINK_CSV_HEADER));

	make_exec("c", "/x", ARGS("x\0"), 1);
	sink_format_csv_event(&sb, &ev);
	ck_assert_uint_eq(commas(sb.buf, sb.len), header);
	memset(&sy, 0, sizeof(sy));
	sy.hdr.type = RT_EVENT_SYSCALL;
	memset(&ev, 0, sizeof(ev));
	ev.hdr = &sy.hdr;
	ev.sys = &sy;
	ev.rule = "s";
	ev.syscall_name = "read";
	strbuf_reset(&sb);
	sink_format_csv_event(&sb, &ev);
	ck_assert_uint_eq(commas(sb.buf, sb.len), header);
}
END_TEST

int main(void)
{
	Suite *su = suite_create("sink_format");
	TCase *tc = tcase_create("formats");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_csv_hostile);
	tcase_add_test(tc, test_csv_empty_argv);
	tcase_add_test(tc, test_json_hostile);
	tcase_add_test(tc, test_json_syscall);
	tcase_add_test(tc, test_kv_forgery);
	tcase_add_test(tc, test_longest_argv);
	tcase_add_test(tc, test_filename_truncated);
	tcase_add_test(tc, test_csv_columns);
	suite_add_tcase(su, tc);
	return check_run(su);
}
