// SPDX-License-Identifier: GPL-2.0-only
/*
 * check_sink_format.c - CSV rows, JSON objects and syslog bodies of hostile events;
 * the argument walk and quoting every form shares; count rows of unnamed syscalls.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
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

/* The walk over ex as "arg|arg|...|", checking that index counts from 0. */
static void walk(struct strbuf *out)
{
	struct sink_argv a;
	__u32 want = 0;

	strbuf_reset(out);
	for (sink_argv_begin(&a, &ex); sink_argv_next(&a); want++) {
		ck_assert_uint_eq(a.index, want);
		strbuf_add(out, a.arg, a.len);
		strbuf_addc(out, '|');
	}
	ck_assert(!sink_argv_next(&a));
}

START_TEST(test_argv_none)
{
	struct strbuf w;

	strbuf_init(&w);
	/* argc 0: bytes in args are not arguments. */
	make_exec("c", "/x", ARGS("a\0b\0"), 0);
	walk(&w);
	ck_assert_uint_eq(w.len, 0);
	sink_format_argv(&sb, &ex);
	ck_assert_uint_eq(sb.len, 0);
	/* args_len 0: nothing was read, whatever argc says. */
	make_exec("c", "/x", ARGS("a\0b\0"), 2);
	ex.args_len = 0;
	walk(&w);
	ck_assert_uint_eq(w.len, 0);
	sink_format_json_event(&sb, &ev);
	ck_assert_ptr_nonnull(strstr(sb.buf, "\"argv\":[],\"argv_truncated\":false}"));
	strbuf_free(&w);
}
END_TEST

START_TEST(test_argv_empty_arg)
{
	struct strbuf w;

	strbuf_init(&w);
	make_exec("c", "/x", ARGS("a\0\0b c\0"), 3);
	walk(&w);
	ck_assert_str_eq(w.buf, "a||b c|");
	sink_format_argv(&sb, &ex);
	ck_assert_str_eq(sb.buf, "a \"\" \"b c\"");
	/* argc counts arguments: a NUL past the last is not one more. */
	make_exec("c", "/x", ARGS("a\0\0"), 1);
	walk(&w);
	ck_assert_str_eq(w.buf, "a|");
	strbuf_free(&w);
}
END_TEST

/* args_len ends inside an argument: it ends there too; argc beyond what was read is not. */
START_TEST(test_argv_cut)
{
	struct strbuf w;

	strbuf_init(&w);
	make_exec("c", "/x", ARGS("abc\0defgh"), 2);
	ex.args_len = 6;	/* the bytes past it are not read */
	walk(&w);
	ck_assert_str_eq(w.buf, "abc|de|");
	sink_format_argv(&sb, &ex);
	ck_assert_str_eq(sb.buf, "abc de");
	make_exec("c", "/x", ARGS("x\0y"), 5);
	walk(&w);
	ck_assert_str_eq(w.buf, "x|y|");
	strbuf_free(&w);
}
END_TEST

/* The truncation flag changes no argument; each form marks it its own way. */
START_TEST(test_argv_truncated)
{
	struct rules_output out = { 0 };
	struct sink s = { 0 };
	struct strbuf w, w2;

	strbuf_init(&w);
	strbuf_init(&w2);
	make_exec("c", "/x", ARGS("x\0a b\0"), 2);
	walk(&w);
	ex.flags = RT_EXEC_ARGS_TRUNCATED;
	walk(&w2);
	ck_assert_str_eq(w.buf, w2.buf);
	sink_format_argv(&sb, &ex);
	ck_assert_str_eq(sb.buf, "x \"a b\"");
	strbuf_reset(&sb);
	sink_format_json_event(&sb, &ev);
	ck_assert_ptr_nonnull(strstr(sb.buf, "\"argv\":[\"x\",\"a b\"],\"argv_truncated\":true}"));
	strbuf_reset(&sb);
	sink_format_kv_event(&sb, &ev);
	ck_assert_ptr_nonnull(strstr(sb.buf, " argv=\"x \\\"a b\\\"\" truncated=1 "));
	/* The text line: the same walk, each argument escaped on its own, then " ...". */
	s.cfg = &out;
	strbuf_init(&s.buf);
	ck_assert_int_eq(sink_stdout_ops.open(&s, NULL, 0), 0);
	ck_assert_int_eq(sink_stdout_ops.write_event(&s, &ev), 0);
	sink_stdout_ops.close(&s);
	ck_assert_ptr_nonnull(strstr(s.buf.buf, "FILENAME ARGS\n"));
	ck_assert_ptr_nonnull(strstr(s.buf.buf, " c                /x x \"a b\" ...\n"));
	strbuf_free(&s.buf);
	strbuf_free(&w);
	strbuf_free(&w2);
}
END_TEST

/* One argument: quoted when it would read as several or as none, bytes through esc. */
START_TEST(test_format_arg)
{
	sink_format_arg(&sb, "plain", 5, sink_format_raw);
	sink_format_arg(&sb, "", 0, sink_format_raw);
	sink_format_arg(&sb, "a\"b c\"", 6, sink_format_raw);
	ck_assert_str_eq(sb.buf, "plain\"\"\"a\\\"b c\\\"\"");
	strbuf_reset(&sb);
	/* Escaped around the quotes, never across them: \" stays one escape. */
	sink_format_arg(&sb, "\"\n\\", 3, escape_text);
	ck_assert_str_eq(sb.buf, "\"\\\"\\n\\\\\"");
}
END_TEST

/* A count key whose syscall has no name here: JSON says null and the number, CSV the number. */
START_TEST(test_count_unknown_syscall)
{
	struct rules_rule rule = { .name = "n", .mode = RULES_MODE_COUNT,
				   .group_by = RULES_GROUP_PID | RULES_GROUP_SYSCALL };
	struct summary_rule sr = { .rule = &rule };
	struct summary sum = { .rules = &sr, .nrules = 1 };
	char comm[RT_COMM_LEN] = { 0 };
	const char *row;

	summary_add_count(&sr, comm, 9, 99999, 4);
	sink_format_json_counts(&sb, &sr);
	ck_assert_str_eq(sb.buf,
			 "\"counts\":[{\"pid\":9,\"syscall\":null,\"nr\":99999,\"count\":4}]");
	strbuf_reset(&sb);
	sink_format_csv_summary(&sb, &sum, &sr);
	row = strstr(sb.buf, "\r\n");
	ck_assert_ptr_nonnull(row);
	ck_assert_ptr_nonnull(strstr(row, "Z,n,count,9,,,,,99999,,,,4,,\r\n"));
	free(sr.counts);
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
	tcase_add_test(tc, test_argv_none);
	tcase_add_test(tc, test_argv_empty_arg);
	tcase_add_test(tc, test_argv_cut);
	tcase_add_test(tc, test_argv_truncated);
	tcase_add_test(tc, test_format_arg);
	tcase_add_test(tc, test_count_unknown_syscall);
	suite_add_tcase(su, tc);
	return check_run(su);
}
