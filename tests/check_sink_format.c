// SPDX-License-Identifier: GPL-2.0-only
/*
 * check_sink_format.c - exec records as the kernel sends them, viewed under a
 * rule's argument limit, in every form: the text line, the JSON object, the CSV
 * row and the syslog body, hostile bytes included; what is cut and how it is
 * counted; CSV rows all as wide as the header; count rows of unnamed syscalls.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "events.h"
#include "sink_format.h"
#include "check_run.h"

static struct rt_exec_event ex;
static struct sink_exec x;
static uint32_t max_shown;	/* the rule's max_argv_bytes */
static struct rt_syscall_event sy;
static struct sink_event ev;
static struct strbuf sb, want;

/* The header and the start of a text exec line, up to FILENAME: by the column widths. */
#define TEXT_HEAD "TIME         RULE             PID     PPID    UID    COMM             " \
	"PCOMM            RESULT  FILENAME ARGS\n"
#define TEXT_ROW(comm, pcomm, result) \
	"04:59:07.123 r                42      7       1000   " comm " " pcomm " " result " "
#define TEXT_OK TEXT_HEAD TEXT_ROW("c               ", "bash            ", "ok     ")
#define JSON_OK "{\"time\":\"2025-11-25T04:59:07.123456Z\",\"rule\":\"r\",\"event\":\"exec\"," \
	"\"pid\":42,\"tid\":42,\"ppid\":7,\"uid\":1000,\"comm\":\"c\",\"pcomm\":\"bash\"," \
	"\"result\":\"ok\","
#define CSV_EXEC "2025-11-25T04:59:07.123456Z,r,exec,42,42,7,1000,c,,"
#define KV_OK "rule=\"r\" event=exec pid=42 tid=42 ppid=7 uid=1000 comm=\"c\" pcomm=\"bash\" " \
	"result=ok "

/*
 * An exec record as the kernel sends it: by comm, child of "bash", running
 * filename with the argument area args (len bytes, NUL-separated), whole.
 */
static void make_exec(const char *comm, const char *filename, const char *args, size_t len,
		      unsigned argc)
{
	memset(&ex, 0, sizeof(ex));
	ex.hdr.type = RT_EVENT_EXEC;
	ex.hdr.pid = ex.hdr.tid = 42;
	ex.hdr.uid = 1000;
	ex.ppid = 7;
	memcpy(ex.hdr.comm, comm, strnlen(comm, RT_COMM_LEN));
	memcpy(ex.pcomm, "bash", 4);
	ex.filename_len = (__u32)strlen(filename) + 1;
	memcpy(ex.data, filename, ex.filename_len);
	memcpy(ex.data + ex.filename_len, args, len);
	ex.args_len = ex.args_total = (__u32)len;
	ex.argc = argc;
	max_shown = RT_ARGS_DEFAULT;
	memset(&ev, 0, sizeof(ev));
	ev.hdr = &ex.hdr;
	ev.rule = "r";
	ev.wall.tv_sec = 1764046747;	/* 2025-11-25T04:59:07Z */
	ev.wall.tv_nsec = 123456789;
	strbuf_reset(&sb);
}

#define ARGS(lit) lit, sizeof(lit)

/* View ex as its rule does, after whatever the test changed in it. */
static void show(void)
{
	events_exec_view(&x, &ex, max_shown);
	ev.exec = &x;
}

typedef void format_fn(struct strbuf *sb, const struct sink_event *ev);

static const char *format(format_fn *fn)
{
	if (ev.hdr == &ex.hdr)
		show();
	strbuf_reset(&sb);
	fn(&sb, &ev);
	return sb.buf;
}

#define JSON() format(sink_format_json_event)
#define CSV() format(sink_format_csv_event)
#define KV() format(sink_format_kv_event)

/* What the stdout sink's text format writes for ev first: the header, one line. */
static const char *text(void)
{
	struct rules_output out = { .format = RULES_FORMAT_TEXT };
	struct sink s = { .cfg = &out };

	show();
	strbuf_init(&s.buf);
	ck_assert_int_eq(sink_stdout_ops.open(&s, NULL, 0), 0);
	ck_assert_int_eq(sink_stdout_ops.write_event(&s, &ev), 0);
	sink_stdout_ops.close(&s);
	strbuf_reset(&sb);
	strbuf_add(&sb, s.buf.buf, s.buf.len);
	strbuf_free(&s.buf);
	return sb.buf;
}

static void setup(void)
{
	strbuf_init(&sb);
	strbuf_init(&want);
}

static void teardown(void)
{
	strbuf_free(&sb);
	strbuf_free(&want);
}

/* An exec in every form, nothing cut. */
START_TEST(test_exec_forms)
{
	make_exec("c", "/bin/ls", ARGS("ls\0-l"), 2);
	ck_assert_str_eq(text(), TEXT_OK "/bin/ls ls -l\n");
	ck_assert_str_eq(JSON(), JSON_OK "\"filename\":\"/bin/ls\",\"filename_truncated\":false,"
			 "\"argc\":2,\"argv\":[\"ls\",\"-l\"],\"argv_truncated\":false,"
			 "\"argv_cut\":null,\"argv_unread\":false}");
	ck_assert_str_eq(CSV(), CSV_EXEC "/bin/ls,ls -l,0,,,0,ok,bash,2,0,0\r\n");
	ck_assert_str_eq(KV(), KV_OK "filename=\"/bin/ls\" argc=2 argv=\"ls -l\" truncated=0 "
			 "filename_truncated=0 argv_cut_args=0 argv_cut_bytes=0");
}
END_TEST

/* A failed exec says why, by the errno's name; one libc has no name for by number. */
START_TEST(test_exec_failed)
{
	make_exec("c", "/nope", ARGS("nope"), 1);
	ex.result = -2;
	ck_assert_str_eq(text(), TEXT_HEAD TEXT_ROW("c               ", "bash            ",
						    "ENOENT ") "/nope nope\n");
	ck_assert_ptr_nonnull(strstr(JSON(), ",\"pcomm\":\"bash\",\"result\":\"ENOENT\","
				     "\"filename\":\"/nope\","));
	ck_assert_str_eq(CSV(), CSV_EXEC "/nope,nope,0,,,0,ENOENT,bash,1,0,0\r\n");
	ck_assert_ptr_nonnull(strstr(KV(), " pcomm=\"bash\" result=ENOENT filename=\"/nope\" "));
	ex.result = -4000;
	ck_assert_str_eq(text(), TEXT_HEAD TEXT_ROW("c               ", "bash            ",
						    "E4000  ") "/nope nope\n");
	ck_assert_ptr_nonnull(strstr(JSON(), ",\"result\":\"E4000\","));
	ck_assert_ptr_nonnull(strstr(CSV(), ",0,E4000,bash,1,0,0\r\n"));
	ck_assert_ptr_nonnull(strstr(KV(), " result=E4000 "));
	/* E2BIG, the longest name execve gives: it still fits RESULT's 7. */
	ex.result = -7;
	ck_assert_ptr_nonnull(strstr(text(), " bash             E2BIG   /nope nope\n"));
}
END_TEST

START_TEST(test_errno_name)
{
	char buf[ERRNO_NAME_LEN];

	ck_assert_str_eq(errno_name(2, buf), "ENOENT");
	ck_assert_str_eq(errno_name(13, buf), "EACCES");
	ck_assert_str_eq(errno_name(8, buf), "ENOEXEC");
	ck_assert_str_eq(errno_name(4000, buf), "E4000");
	ck_assert_str_eq(errno_name(-2147483647 - 1, buf), "E-2147483648");
}
END_TEST

/* No argument count limit: 200 of them, all shown. */
START_TEST(test_200_args)
{
	static char args[2048];
	size_t len = 0;
	unsigned i;

	for (i = 0; i < 200; i++)
		len += (size_t)sprintf(args + len, "a%u", i) + 1;
	make_exec("c", "/bin/echo", args, len, 200);
	strbuf_adds(&want, TEXT_OK "/bin/echo");
	for (i = 0; i < 200; i++)
		strbuf_addf(&want, " a%u", i);
	strbuf_addc(&want, '\n');
	ck_assert_str_eq(text(), want.buf);

	strbuf_reset(&want);
	strbuf_adds(&want, JSON_OK "\"filename\":\"/bin/echo\",\"filename_truncated\":false,"
		    "\"argc\":200,\"argv\":[");
	for (i = 0; i < 200; i++)
		strbuf_addf(&want, "%s\"a%u\"", i ? "," : "", i);
	strbuf_adds(&want, "],\"argv_truncated\":false,\"argv_cut\":null,\"argv_unread\":false}");
	ck_assert_str_eq(JSON(), want.buf);

	strbuf_reset(&want);
	strbuf_adds(&want, CSV_EXEC "/bin/echo,");
	for (i = 0; i < 200; i++)
		strbuf_addf(&want, "%sa%u", i ? " " : "", i);
	strbuf_adds(&want, ",0,,,0,ok,bash,200,0,0\r\n");
	ck_assert_str_eq(CSV(), want.buf);

	strbuf_reset(&want);
	strbuf_adds(&want, KV_OK "filename=\"/bin/echo\" argc=200 argv=\"");
	for (i = 0; i < 200; i++)
		strbuf_addf(&want, "%sa%u", i ? " " : "", i);
	strbuf_adds(&want, "\" truncated=0 filename_truncated=0 argv_cut_args=0 argv_cut_bytes=0");
	ck_assert_str_eq(KV(), want.buf);
}
END_TEST

/*
 * 100 KiB of arguments: "prog", 99 of 1023 y's, one of 1018 z's (101 arguments,
 * 102400 bytes with their NULs). Under a limit of 8192 bytes: "prog" and 7 y's
 * whole (7173 bytes), 1019 bytes of the next, then the cut.
 */
#define BIG_ARGC 101
#define BIG_LEN 102400

static void make_big(void)
{
	static char args[BIG_LEN];
	size_t off = 5;
	unsigned i;

	memcpy(args, "prog", 5);
	for (i = 0; i < 99; i++, off += 1024) {
		memset(args + off, 'y', 1023);
		args[off + 1023] = '\0';
	}
	memset(args + off, 'z', 1018);
	args[off + 1018] = '\0';
	ck_assert_uint_eq(off + 1019, BIG_LEN);
	make_exec("c", "/bin/prog", args, BIG_LEN, BIG_ARGC);
}

/* n copies of c into want, through sep before each but the first. */
static void add_run(const char *sep, unsigned n, size_t len, char c, const char *quote)
{
	unsigned i;
	size_t j;

	for (i = 0; i < n; i++) {
		strbuf_adds(&want, sep);
		strbuf_adds(&want, quote);
		for (j = 0; j < len; j++)
			strbuf_addc(&want, c);
		strbuf_adds(&want, quote);
	}
}

START_TEST(test_100k_whole)
{
	make_big();
	max_shown = RT_ARGS_MAX;
	strbuf_adds(&want, TEXT_OK "/bin/prog prog");
	add_run(" ", 99, 1023, 'y', "");
	add_run(" ", 1, 1018, 'z', "");
	strbuf_addc(&want, '\n');
	ck_assert_str_eq(text(), want.buf);

	strbuf_reset(&want);
	strbuf_adds(&want, JSON_OK "\"filename\":\"/bin/prog\",\"filename_truncated\":false,"
		    "\"argc\":101,\"argv\":[\"prog\"");
	add_run(",", 99, 1023, 'y', "\"");
	add_run(",", 1, 1018, 'z', "\"");
	strbuf_adds(&want, "],\"argv_truncated\":false,\"argv_cut\":null,\"argv_unread\":false}");
	ck_assert_str_eq(JSON(), want.buf);

	ck_assert_ptr_nonnull(strstr(CSV(), "zzz,0,,,0,ok,bash,101,0,0\r\n"));
	ck_assert_uint_eq(x.args_len, BIG_LEN);
	ck_assert_uint_eq(x.args_shown, BIG_ARGC);
	ck_assert(!x.last_partial);
	ck_assert_ptr_nonnull(strstr(KV(), "zzz\" truncated=0 filename_truncated=0 "
				     "argv_cut_args=0 argv_cut_bytes=0"));
}
END_TEST

START_TEST(test_100k_cut)
{
	make_big();
	max_shown = 8192;
	strbuf_adds(&want, TEXT_OK "/bin/prog prog");
	add_run(" ", 7, 1023, 'y', "");
	add_run(" ", 1, 1019, 'y', "");
	strbuf_adds(&want, "... [cut: 93 args, 94208 bytes]\n");
	ck_assert_str_eq(text(), want.buf);

	strbuf_reset(&want);
	strbuf_adds(&want, JSON_OK "\"filename\":\"/bin/prog\",\"filename_truncated\":false,"
		    "\"argc\":101,\"argv\":[\"prog\"");
	add_run(",", 7, 1023, 'y', "\"");
	add_run(",", 1, 1019, 'y', "\"");
	strbuf_adds(&want, "],\"argv_truncated\":true,"
		    "\"argv_cut\":{\"args\":93,\"bytes\":94208,\"exact\":true},\"argv_unread\":false}");
	ck_assert_str_eq(JSON(), want.buf);

	strbuf_reset(&want);
	strbuf_adds(&want, CSV_EXEC "/bin/prog,prog");
	add_run(" ", 7, 1023, 'y', "");
	add_run(" ", 1, 1019, 'y', "");
	strbuf_adds(&want, "...,1,,,0,ok,bash,101,93,94208\r\n");
	ck_assert_str_eq(CSV(), want.buf);

	strbuf_reset(&want);
	strbuf_adds(&want, KV_OK "filename=\"/bin/prog\" argc=101 argv=\"prog");
	add_run(" ", 7, 1023, 'y', "");
	add_run(" ", 1, 1019, 'y', "");
	strbuf_adds(&want, "...\" truncated=1 filename_truncated=0 argv_cut_args=93 "
		    "argv_cut_bytes=94208");
	ck_assert_str_eq(KV(), want.buf);
}
END_TEST

/* A limit that ends on an argument's NUL cuts none in two. */
START_TEST(test_cut_at_boundary)
{
	make_big();
	max_shown = 5 + 7 * 1024;
	ck_assert_ptr_nonnull(strstr(text(), "yyy [cut: 93 args, 95227 bytes]\n"));
	ck_assert_uint_eq(x.args_shown, 8);
	ck_assert(!x.last_partial);
	/* One byte short of it: the last one is partial though all its bytes show. */
	max_shown = 5 + 7 * 1024 - 1;
	ck_assert_ptr_nonnull(strstr(text(), "yyy... [cut: 94 args, 95228 bytes]\n"));
	ck_assert_uint_eq(x.args_shown, 8);
	ck_assert(x.last_partial);
}
END_TEST

/* A partial last argument: marked after its closing quote, counted as cut. */
START_TEST(test_partial_last_arg)
{
	make_exec("c", "/bin/ls", ARGS("ls\0hello world"), 2);
	max_shown = 9;	/* "ls\0hello " */
	ck_assert_str_eq(text(), TEXT_OK "/bin/ls ls \"hello \"... [cut: 1 args, 6 bytes]\n");
	ck_assert_ptr_nonnull(strstr(JSON(), "\"argc\":2,\"argv\":[\"ls\",\"hello \"],"
				     "\"argv_truncated\":true,\"argv_cut\":{\"args\":1,\"bytes\":6,"
				     "\"exact\":true},\"argv_unread\":false}"));
	ck_assert_str_eq(CSV(), CSV_EXEC "/bin/ls,\"ls \"\"hello \"\"...\",1,,,0,ok,bash,2,1,6\r\n");
	ck_assert_ptr_nonnull(strstr(KV(), " argc=2 argv=\"ls \\\"hello \\\"...\" truncated=1 "
				     "filename_truncated=0 argv_cut_args=1 argv_cut_bytes=6"));
	/* Nothing of the second but its first byte. */
	max_shown = 4;
	ck_assert_str_eq(text(), TEXT_OK "/bin/ls ls h... [cut: 1 args, 11 bytes]\n");
}
END_TEST

/*
 * A failed exec whose argv went on past what the kernel read: its figures are
 * lower bounds. Here the read stopped 6 bytes in, in the second argument.
 */
START_TEST(test_args_more)
{
	make_exec("c", "/x", ARGS("a\0bbbbb"), 2);
	ex.result = -7;
	ex.args_len = 6;
	ex.flags = RT_EXEC_ARGS_MORE;
	ck_assert_str_eq(text(), TEXT_HEAD TEXT_ROW("c               ", "bash            ",
						    "E2BIG  ")
			 "/x a bbbb... [cut: at least 1 args, 2 bytes]\n");
	ck_assert_ptr_nonnull(strstr(JSON(), ",\"result\":\"E2BIG\","));
	ck_assert_ptr_nonnull(strstr(JSON(), "\"argc\":2,\"argv\":[\"a\",\"bbbb\"],"
				     "\"argv_truncated\":true,\"argv_cut\":{\"args\":1,\"bytes\":2,"
				     "\"exact\":false},\"argv_unread\":false}"));
	ck_assert_str_eq(CSV(), CSV_EXEC "/x,a bbbb...,1,,,0,E2BIG,bash,2,1,2\r\n");
	ck_assert_ptr_nonnull(strstr(KV(), " argv=\"a bbbb...\" truncated=1 filename_truncated=0 "
				     "argv_cut_args=1 argv_cut_bytes=2"));
	/* Every argument read whole, but more of them: cut, by at least nothing known. */
	ex.args_len = ex.args_total = 8;
	ck_assert_str_eq(text(), TEXT_HEAD TEXT_ROW("c               ", "bash            ",
						    "E2BIG  ")
			 "/x a bbbbb [cut: at least 0 args, 0 bytes]\n");
	ck_assert_ptr_nonnull(strstr(JSON(), "\"argv_truncated\":true,\"argv_cut\":{\"args\":0,"
				     "\"bytes\":0,\"exact\":false}"));
	ck_assert_ptr_nonnull(strstr(CSV(), ",a bbbbb,1,,,0,E2BIG,bash,2,0,0\r\n"));
}
END_TEST

/* A file name or an argument list that could not be read. */
START_TEST(test_unreadable)
{
	make_exec("c", "", ARGS("x"), 1);
	ex.flags = RT_EXEC_FILENAME_FAULT;
	ck_assert_str_eq(text(), TEXT_OK "? x\n");
	ck_assert_ptr_nonnull(strstr(JSON(), ",\"filename\":null,\"filename_truncated\":false,"));
	ck_assert_str_eq(CSV(), CSV_EXEC ",x,0,,,0,ok,bash,1,0,0\r\n");
	ck_assert_ptr_nonnull(strstr(KV(), " filename=\"\" argc=1 argv=\"x\" "));
	/* Unread and "cut" both set: unread wins, the name is not called cut. */
	ex.flags = RT_EXEC_FILENAME_FAULT | RT_EXEC_FILENAME_TRUNCATED;
	ck_assert_str_eq(text(), TEXT_OK "? x\n");
	ck_assert_ptr_nonnull(strstr(JSON(), ",\"filename\":null,\"filename_truncated\":false,"));

	/* The new program's argument area could not be read: 3 arguments, 30 bytes. */
	make_exec("c", "/bin/x", "", 0, 3);
	ex.args_total = 30;
	ex.flags = RT_EXEC_ARGS_FAULT;
	ck_assert_str_eq(text(), TEXT_OK "/bin/x [cut: 3 args, 30 bytes] [argv unreadable]\n");
	ck_assert_ptr_nonnull(strstr(JSON(), "\"argc\":3,\"argv\":[],\"argv_truncated\":true,"
				     "\"argv_cut\":{\"args\":3,\"bytes\":30,\"exact\":true},"
				     "\"argv_unread\":true}"));
	ck_assert_str_eq(CSV(), CSV_EXEC "/bin/x,,1,,,0,ok,bash,3,3,30\r\n");
	ck_assert_ptr_nonnull(strstr(KV(), " argc=3 argv=\"\" truncated=1 filename_truncated=0 "
				     "argv_cut_args=3 argv_cut_bytes=30"));
	/* A failed exec whose argv[1] faulted: what was read, then the mark alone. */
	make_exec("c", "/bin/x", ARGS("x"), 1);
	ex.result = -14;
	ex.flags = RT_EXEC_ARGS_FAULT;
	ck_assert_str_eq(text(), TEXT_HEAD TEXT_ROW("c               ", "bash            ",
						    "EFAULT ") "/bin/x x [argv unreadable]\n");
	ck_assert_ptr_nonnull(strstr(JSON(), "\"argv\":[\"x\"],\"argv_truncated\":false,"
				     "\"argv_cut\":null,\"argv_unread\":true}"));
}
END_TEST

/* A file name cut at RT_FILENAME_LEN - 1 bytes is marked in every form; a whole one is not. */
START_TEST(test_filename_truncated)
{
	static char name[RT_FILENAME_LEN];

	memset(name, 'd', sizeof(name) - 1);
	name[0] = '/';
	make_exec("c", name, ARGS("x"), 1);
	ck_assert_ptr_nonnull(strstr(text(), "ddd x\n"));
	ck_assert_ptr_nonnull(strstr(JSON(), "dd\",\"filename_truncated\":false,"));
	ex.flags = RT_EXEC_FILENAME_TRUNCATED;
	ck_assert_ptr_nonnull(strstr(text(), "ddd... x\n"));
	ck_assert_ptr_nonnull(strstr(JSON(), "dd\",\"filename_truncated\":true,\"argc\":1,"
				     "\"argv\":[\"x\"]"));
	ck_assert_ptr_nonnull(strstr(CSV(), "dd,x,0,,,1,ok,bash,1,0,0\r\n"));
	ck_assert_ptr_nonnull(strstr(KV(), "dd\" argc=1 argv=\"x\" truncated=0 "
				     "filename_truncated=1 "));
	ck_assert_uint_eq(x.filename_len, RT_FILENAME_LEN - 1);
}
END_TEST

/*
 * Hostile bytes in comm, pcomm, file name and arguments: quotes, commas, newlines,
 * CR, an escape sequence, a backslash, bytes that are not UTF-8.
 */
#define HOSTILE_COMM "=a,\"b\"\n\x1b[1m%n"
#define HOSTILE_PCOMM "p\"q,\r\xff\\"
#define HOSTILE_ARGS ARGS("/bin/echo\0=1+2\0a,b\0q\"q\0line\nbreak\0\xff\xfe\0%n%s\0")

static void make_hostile(void)
{
	make_exec(HOSTILE_COMM, "/bin/e\"ch o", HOSTILE_ARGS, 8);
	memcpy(ex.pcomm, HOSTILE_PCOMM, sizeof(HOSTILE_PCOMM));
}

START_TEST(test_hostile_text)
{
	make_hostile();
	ck_assert_str_eq(text(), TEXT_HEAD TEXT_ROW("=a,\"b\"\\n\\x1b[1m%n", "p\"q,\\r\\xff\\\\    ",
						    "ok     ")
			 "\"/bin/e\\\"ch o\" /bin/echo =1+2 a,b \"q\\\"q\" line\\nbreak \\xff\\xfe %n%s "
			 "\"\"\n");
}
END_TEST

START_TEST(test_hostile_json)
{
	make_hostile();
	ck_assert_str_eq(JSON(),
		"{\"time\":\"2025-11-25T04:59:07.123456Z\",\"rule\":\"r\",\"event\":\"exec\","
		"\"pid\":42,\"tid\":42,\"ppid\":7,\"uid\":1000,"
		"\"comm\":\"=a,\\\"b\\\"\\n\\u001b[1m%n\",\"pcomm\":\"p\\\"q,\\r\\\\xff\\\\\","
		"\"result\":\"ok\",\"filename\":\"/bin/e\\\"ch o\",\"filename_truncated\":false,"
		"\"argc\":8,\"argv\":[\"/bin/echo\",\"=1+2\",\"a,b\",\"q\\\"q\",\"line\\nbreak\","
		"\"\\\\xff\\\\xfe\",\"%n%s\",\"\"],\"argv_truncated\":false,\"argv_cut\":null,"
		"\"argv_unread\":false}");
}
END_TEST

START_TEST(test_hostile_csv)
{
	make_hostile();
	ck_assert_str_eq(CSV(),
		"2025-11-25T04:59:07.123456Z,r,exec,42,42,7,1000,"
		"\"'=a,\"\"b\"\"\n\\x1b[1m%n\",,\"/bin/e\"\"ch o\","
		"\"/bin/echo =1+2 a,b \"\"q\\\"\"q\"\" line\nbreak \\xff\\xfe %n%s \"\"\"\"\","
		"0,,,0,ok,\"p\"\"q,\r\\xff\\\",8,0,0\r\n");
}
END_TEST

/* A body whose data tries to close its quote and add a key of its own. */
START_TEST(test_hostile_kv)
{
	make_exec("x\" uid=0 y=\"", "/bin/sh", ARGS("sh\0-c\0evil\nFAKE: line]"), 3);
	memcpy(ex.pcomm, "p\" result=ok\n", 14);
	ck_assert_str_eq(KV(), "rule=\"r\" event=exec pid=42 tid=42 ppid=7 uid=1000 "
			 "comm=\"x\\\" uid=0 y=\\\"\" pcomm=\"p\\\" result=ok\\n\" result=ok "
			 "filename=\"/bin/sh\" argc=3 argv=\"sh -c \\\"evil\\nFAKE: line\\]\\\"\" "
			 "truncated=0 filename_truncated=0 argv_cut_args=0 argv_cut_bytes=0");
	ck_assert_ptr_null(strchr(sb.buf, '\n'));
	make_hostile();
	ck_assert_ptr_nonnull(strstr(KV(), " pcomm=\"p\\\"q,\\r\\xff\\\\\" result=ok "));
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
	ck_assert_str_eq(JSON(), "{\"time\":\"1970-01-01T00:00:00.000000Z\",\"rule\":\"s\","
			 "\"event\":\"syscall\",\"pid\":5,\"tid\":6,\"uid\":0,\"comm\":\"a\\\\b\","
			 "\"syscall\":null,\"nr\":99999}");
}
END_TEST

/* Fields of one RFC 4180 row (quoted commas and line breaks are not separators). */
static size_t csv_fields(const char *row)
{
	size_t n = 1;
	bool quoted = false;

	for (; *row && (quoted || (*row != '\r' && *row != '\n')); row++) {
		if (*row == '"')
			quoted = !quoted;
		else if (*row == ',' && !quoted)
			n++;
	}
	ck_assert_msg(!quoted && !strcmp(row, "\r\n"), "not one whole row: %s", row);
	return n;
}

/* Each CRLF-ended row of sb as wide as the header; how many rows there were. */
static size_t csv_rows_as_wide(size_t width)
{
	const char *row = sb.buf, *end;
	size_t rows = 0;
	bool quoted = false;

	while (*row) {
		for (end = row; *end && (quoted || *end != '\n'); end++)
			if (*end == '"')
				quoted = !quoted;
		ck_assert(*end == '\n' && end[-1] == '\r');
		{
			char *one = xstrndup(row, (size_t)(end + 1 - row));

			ck_assert_msg(csv_fields(one) == width, "%zu fields, not %zu: %s",
				      csv_fields(one), width, one);
			free(one);
		}
		rows++;
		row = end + 1;
	}
	return rows;
}

/* Every kind of CSV row has as many fields as the header. */
START_TEST(test_csv_columns)
{
	struct rules_rule stream = { .name = "st", .mode = RULES_MODE_STREAM };
	struct rules_rule count = { .name = "co", .mode = RULES_MODE_COUNT,
				    .group_by = RULES_GROUP_COMM | RULES_GROUP_SYSCALL };
	struct summary_rule sr[2] = { { .rule = &stream }, { .rule = &count } };
	struct summary sum = { .rules = sr, .nrules = 2 };
	struct sink_reload r = { .line = "reload: +1 -0 ~0 rules, a,b", .swap_lost = 3 };
	char comm[RT_COMM_LEN] = "x,\"y\"", comm2[RT_COMM_LEN] = "=z\n";
	size_t width;

	ck_assert_str_eq(SINK_CSV_HEADER, "time,rule,event,pid,tid,ppid,uid,comm,syscall,filename,"
			 "argv,truncated,count,lost,filename_truncated,result,pcomm,argc,"
			 "argv_cut_args,argv_cut_bytes\r\n");
	width = csv_fields(SINK_CSV_HEADER);
	ck_assert_uint_eq(width, 20);

	make_exec("c", "/x", ARGS("x"), 1);
	ck_assert_uint_eq(csv_fields(CSV()), width);
	make_hostile();
	ck_assert_uint_eq(csv_rows_as_wide(width), 0);	/* sb was reset: nothing yet */
	CSV();
	ck_assert_uint_eq(csv_rows_as_wide(width), 1);
	make_big();
	max_shown = 8192;
	CSV();
	ck_assert_uint_eq(csv_rows_as_wide(width), 1);

	memset(&sy, 0, sizeof(sy));
	sy.hdr.type = RT_EVENT_SYSCALL;
	memset(&ev, 0, sizeof(ev));
	ev.hdr = &sy.hdr;
	ev.sys = &sy;
	ev.rule = "s";
	ev.syscall_name = "read";
	CSV();
	ck_assert_str_eq(sb.buf, "1970-01-01T00:00:00.000000Z,s,syscall,0,0,,0,,read,,,,,,,,,,,\r\n");
	ck_assert_uint_eq(csv_rows_as_wide(width), 1);

	summary_add_count(&sr[1], comm, 0, 0, 4);
	summary_add_count(&sr[1], comm2, 0, 1, 2);
	strbuf_reset(&sb);
	sink_format_csv_summary(&sb, &sum, &sr[0]);
	sink_format_csv_summary(&sb, &sum, &sr[1]);
	sink_format_csv_reload(&sb, &r);
	ck_assert_uint_eq(csv_rows_as_wide(width), 5);
	/* The report in the argv column, the events lost in the swap in the lost column. */
	ck_assert_ptr_nonnull(strstr(sb.buf, "Z,,reload,,,,,,,,\"reload: +1 -0 ~0 rules, a,b\","
				     ",,3,,,,,,\r\n"));
	free(sr[1].counts);
}
END_TEST

/* The walk over x as "arg|arg|...|", checking that index counts from 0. */
static void walk(struct strbuf *out)
{
	struct sink_argv a;
	__u32 want_index = 0;

	show();
	strbuf_reset(out);
	for (sink_argv_begin(&a, &x); sink_argv_next(&a); want_index++) {
		ck_assert_uint_eq(a.index, want_index);
		strbuf_add(out, a.arg, a.len);
		strbuf_adds(out, a.partial ? "+|" : "|");
	}
	ck_assert(!sink_argv_next(&a));
	ck_assert_uint_eq(want_index, x.args_shown);
}

START_TEST(test_argv_none)
{
	struct strbuf w;

	strbuf_init(&w);
	/* argc 0: bytes in the area are not arguments. */
	make_exec("c", "/x", ARGS("a\0b"), 0);
	walk(&w);
	ck_assert_str_eq(w.buf, "");
	ck_assert_ptr_nonnull(strstr(JSON(), "\"argc\":0,\"argv\":[],"));
	/* Nothing in the area: no argument, however many argc says. */
	make_exec("c", "/x", "", 0, 2);
	walk(&w);
	ck_assert_str_eq(w.buf, "");
	ck_assert_ptr_nonnull(strstr(JSON(), "\"argc\":2,\"argv\":[],\"argv_truncated\":true,"
				     "\"argv_cut\":{\"args\":2,\"bytes\":0,\"exact\":true}"));
	strbuf_free(&w);
}
END_TEST

START_TEST(test_argv_empty_arg)
{
	struct strbuf w;

	strbuf_init(&w);
	make_exec("c", "/x", ARGS("a\0\0b c"), 3);
	walk(&w);
	ck_assert_str_eq(w.buf, "a||b c|");
	show();
	sink_format_argv(&sb, &x, sink_format_raw);
	ck_assert_str_eq(sb.buf, "a \"\" \"b c\"");
	/* argc counts arguments: a NUL past the last is not one more. */
	make_exec("c", "/x", ARGS("a\0"), 1);
	walk(&w);
	ck_assert_str_eq(w.buf, "a|");
	/* An empty argument whose NUL was not read: nothing of it to show, counted cut. */
	make_exec("c", "/x", ARGS("a\0"), 2);
	ex.args_len = 2;
	ex.args_total = 3;
	walk(&w);
	ck_assert_str_eq(w.buf, "a|");
	ck_assert_uint_eq(x.args_cut, 1);
	ck_assert_uint_eq(x.bytes_cut, 1);
	strbuf_free(&w);
}
END_TEST

/* The limit ends inside an argument: so does the walk, with it partial. */
START_TEST(test_argv_cut)
{
	struct strbuf w;

	strbuf_init(&w);
	make_exec("c", "/x", ARGS("abc\0defgh"), 2);
	max_shown = 6;
	walk(&w);
	ck_assert_str_eq(w.buf, "abc|de+|");
	show();
	sink_format_argv(&sb, &x, sink_format_raw);
	ck_assert_str_eq(sb.buf, "abc de...");
	/* The kernel's own read ended there: the same. */
	max_shown = RT_ARGS_DEFAULT;
	ex.args_len = 6;
	walk(&w);
	ck_assert_str_eq(w.buf, "abc|de+|");
	/* argc beyond the arguments read is not invented. */
	make_exec("c", "/x", ARGS("x\0y"), 5);
	walk(&w);
	ck_assert_str_eq(w.buf, "x|y|");
	ck_assert_uint_eq(x.args_cut, 3);
	strbuf_free(&w);
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
	ck_assert_ptr_nonnull(strstr(row, "Z,n,count,9,,,,,99999,,,,4,,,,,,,\r\n"));
	free(sr.counts);
}
END_TEST

int main(void)
{
	Suite *su = suite_create("sink_format");
	TCase *tc = tcase_create("formats");

	/* The text line's clock is local time. */
	setenv("TZ", "UTC", 1);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_exec_forms);
	tcase_add_test(tc, test_exec_failed);
	tcase_add_test(tc, test_errno_name);
	tcase_add_test(tc, test_200_args);
	tcase_add_test(tc, test_100k_whole);
	tcase_add_test(tc, test_100k_cut);
	tcase_add_test(tc, test_cut_at_boundary);
	tcase_add_test(tc, test_partial_last_arg);
	tcase_add_test(tc, test_args_more);
	tcase_add_test(tc, test_unreadable);
	tcase_add_test(tc, test_filename_truncated);
	tcase_add_test(tc, test_hostile_text);
	tcase_add_test(tc, test_hostile_json);
	tcase_add_test(tc, test_hostile_csv);
	tcase_add_test(tc, test_hostile_kv);
	tcase_add_test(tc, test_json_syscall);
	tcase_add_test(tc, test_csv_columns);
	tcase_add_test(tc, test_argv_none);
	tcase_add_test(tc, test_argv_empty_arg);
	tcase_add_test(tc, test_argv_cut);
	tcase_add_test(tc, test_format_arg);
	tcase_add_test(tc, test_count_unknown_syscall);
	suite_add_tcase(su, tc);
	return check_run(su);
}
