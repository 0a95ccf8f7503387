// SPDX-License-Identifier: GPL-2.0-only
/*
 * check_sink_format.c - exec records as the kernel sends them, viewed under a
 * rule's argument limit, in every form: the text line, the JSON object, the CSV
 * row and the syslog body, hostile bytes included; what is cut and how it is
 * counted; CSV rows all as wide as the header; each rule's summary record;
 * count rows of unnamed syscalls; syslog messages cut to fit an output's
 * max_message, and sent through a socket.
 */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

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
/* The cgroup, unit and container keys of an event with none of them. */
#define JSON_NO_LABELS "\"cgroup\":null,\"unit\":null,\"container\":null,"
#define JSON_OK "{\"time\":\"2025-11-25T04:59:07.123456Z\",\"rule\":\"r\",\"event\":\"exec\"," \
	"\"pid\":42,\"tid\":42,\"ppid\":7,\"uid\":1000,\"comm\":\"c\"," JSON_NO_LABELS \
	"\"pcomm\":\"bash\"," \
	"\"result\":\"ok\","
#define CSV_EXEC "2025-11-25T04:59:07.123456Z,r,exec,42,42,7,1000,c,,"
/* The cgroup, unit and container columns of an event with none of them, and the row's end. */
#define CSV_NO_LABELS ",,,\r\n"
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
	ck_assert_str_eq(CSV(), CSV_EXEC "/bin/ls,ls -l,0,,,0,ok,bash,2,0,0," CSV_NO_LABELS);
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
	ck_assert_str_eq(CSV(), CSV_EXEC "/nope,nope,0,,,0,ENOENT,bash,1,0,0," CSV_NO_LABELS);
	ck_assert_ptr_nonnull(strstr(KV(), " pcomm=\"bash\" result=ENOENT filename=\"/nope\" "));
	ex.result = -4000;
	ck_assert_str_eq(text(), TEXT_HEAD TEXT_ROW("c               ", "bash            ",
						    "E4000  ") "/nope nope\n");
	ck_assert_ptr_nonnull(strstr(JSON(), ",\"result\":\"E4000\","));
	ck_assert_ptr_nonnull(strstr(CSV(), ",0,E4000,bash,1,0,0," CSV_NO_LABELS));
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
	strbuf_adds(&want, ",0,,,0,ok,bash,200,0,0," CSV_NO_LABELS);
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

	ck_assert_ptr_nonnull(strstr(CSV(), "zzz,0,,,0,ok,bash,101,0,0," CSV_NO_LABELS));
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
	strbuf_adds(&want, "...,1,,,0,ok,bash,101,93,94208," CSV_NO_LABELS);
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
	ck_assert_str_eq(CSV(),
			 CSV_EXEC "/bin/ls,\"ls \"\"hello \"\"...\",1,,,0,ok,bash,2,1,6," CSV_NO_LABELS);
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
	ck_assert_str_eq(CSV(), CSV_EXEC "/x,a bbbb...,1,,,0,E2BIG,bash,2,1,2," CSV_NO_LABELS);
	ck_assert_ptr_nonnull(strstr(KV(), " argv=\"a bbbb...\" truncated=1 filename_truncated=0 "
				     "argv_cut_args=1 argv_cut_bytes=2"));
	/* Every argument read whole, but more of them: cut, by at least nothing known. */
	ex.args_len = ex.args_total = 8;
	ck_assert_str_eq(text(), TEXT_HEAD TEXT_ROW("c               ", "bash            ",
						    "E2BIG  ")
			 "/x a bbbbb [cut: at least 0 args, 0 bytes]\n");
	ck_assert_ptr_nonnull(strstr(JSON(), "\"argv_truncated\":true,\"argv_cut\":{\"args\":0,"
				     "\"bytes\":0,\"exact\":false}"));
	ck_assert_ptr_nonnull(strstr(CSV(), ",a bbbbb,1,,,0,E2BIG,bash,2,0,0," CSV_NO_LABELS));
}
END_TEST

/* A file name or an argument list that could not be read. */
START_TEST(test_unreadable)
{
	make_exec("c", "", ARGS("x"), 1);
	ex.flags = RT_EXEC_FILENAME_FAULT;
	ck_assert_str_eq(text(), TEXT_OK "? x\n");
	ck_assert_ptr_nonnull(strstr(JSON(), ",\"filename\":null,\"filename_truncated\":false,"));
	ck_assert_str_eq(CSV(), CSV_EXEC ",x,0,,,0,ok,bash,1,0,0," CSV_NO_LABELS);
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
	ck_assert_str_eq(CSV(), CSV_EXEC "/bin/x,,1,,,0,ok,bash,3,3,30," CSV_NO_LABELS);
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
	ck_assert_ptr_nonnull(strstr(CSV(), "dd,x,0,,,1,ok,bash,1,0,0," CSV_NO_LABELS));
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
		"\"comm\":\"=a,\\\"b\\\"\\n\\u001b[1m%n\"," JSON_NO_LABELS
		"\"pcomm\":\"p\\\"q,\\r\\\\xff\\\\\","
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
		"0,,,0,ok,\"p\"\"q,\r\\xff\\\",8,0,0," CSV_NO_LABELS);
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

/*
 * The cgroup, unit and container labels: untrusted bytes, escaped like comm in
 * every form; after comm, in the last three columns of a CSV row.
 */
START_TEST(test_labels)
{
	make_exec("c", "/bin/ls", ARGS("ls\0-l"), 2);
	ev.cgroup = "/a\nb";
	ev.unit = "x.service";
	ev.container = "abc";
	ck_assert_ptr_nonnull(strstr(JSON(), ",\"comm\":\"c\",\"cgroup\":\"/a\\nb\","
				     "\"unit\":\"x.service\",\"container\":\"abc\","
				     "\"pcomm\":\"bash\","));
	ck_assert_str_eq(CSV(), CSV_EXEC "/bin/ls,ls -l,0,,,0,ok,bash,2,0,0,"
			 ",\"/a\nb\",x.service,abc\r\n");
	ck_assert_ptr_nonnull(strstr(KV(), " comm=\"c\" cgroup=\"/a\\nb\" unit=\"x.service\" "
				     "container=\"abc\" pcomm=\"bash\" "));
	ck_assert_ptr_null(strchr(sb.buf, '\n'));
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
			 JSON_NO_LABELS "\"syscall\":null,\"nr\":99999}");
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
			 "argv_cut_args,argv_cut_bytes,suppressed,cgroup,unit,container\r\n");
	width = csv_fields(SINK_CSV_HEADER);
	ck_assert_uint_eq(width, 24);

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
	ck_assert_str_eq(sb.buf,
			 "1970-01-01T00:00:00.000000Z,s,syscall,0,0,,0,,read,,,,,,,,,,,,"
			 CSV_NO_LABELS);
	ck_assert_uint_eq(csv_rows_as_wide(width), 1);

	summary_add_count(&sr[1], comm, 0, 0, 4);
	summary_add_count(&sr[1], comm2, 0, 1, 2);
	sr[0].delivered = 7;
	sr[0].lost = 1;
	sr[0].suppressed = 90;
	strbuf_reset(&sb);
	sink_format_csv_summary(&sb, &sum, &sr[0]);
	sink_format_csv_summary(&sb, &sum, &sr[1]);
	sink_format_csv_reload(&sb, &r);
	ck_assert_uint_eq(csv_rows_as_wide(width), 5);
	/* A stream rule's summary: delivered in count, lost in lost, suppressed last. */
	ck_assert_ptr_nonnull(strstr(sb.buf, "Z,st,summary,,,,,,,,,,7,1,,,,,,,90,,,\r\n"));
	ck_assert_ptr_nonnull(strstr(sb.buf, "Z,co,summary,,,,,,,,,,6,,,,,,,,,,,\r\n"));
	/* The report in the argv column, the events lost in the swap in the lost column. */
	ck_assert_ptr_nonnull(strstr(sb.buf, "Z,,reload,,,,,,,,\"reload: +1 -0 ~0 rules, a,b\","
				     ",,3,,,,,,,,,,\r\n"));
	free(sr[1].counts);
}
END_TEST

/*
 * Each rule's summary record: a stream rule's figures add up, matched =
 * delivered + suppressed + lost + unread (+ past --max-events); a count rule's
 * as they were.
 */
START_TEST(test_summary_records)
{
	struct rules_rule stream = { .name = "st", .probe = RT_PROBE_EXECVE,
				     .mode = RULES_MODE_STREAM };
	struct rules_rule count = { .name = "co", .probe = RT_PROBE_SYS_ENTER,
				    .mode = RULES_MODE_COUNT, .group_by = RULES_GROUP_COMM };
	struct summary_rule sr[2] = {
		{ .rule = &stream, .attach = "tracepoint", .matched = 100, .delivered = 7,
		  .suppressed = 90, .lost = 2, .unread = 1 },
		{ .rule = &count, .attach = "raw_tracepoint", .count_full = 3 },
	};
	/* The run's count_map_full is every rule's: the record gives the rule's own. */
	struct summary sum = { .rules = sr, .nrules = 2, .run_seconds = 1.5,
			       .count_map_full = 5 };
	char comm[RT_COMM_LEN] = "sh";

	summary_add_count(&sr[1], comm, 0, 0, 4);
	sink_format_json_summary(&sb, &sum, &sr[0]);
	ck_assert_str_eq(sb.buf, "{\"event\":\"summary\",\"rule\":\"st\",\"probe\":\"execve\","
			 "\"mode\":\"stream\",\"attach\":\"tracepoint\",\"run_seconds\":1.500,"
			 "\"delivered\":7,\"lost\":2,\"matched\":100,\"suppressed\":90,"
			 "\"unread\":1}");
	strbuf_reset(&sb);
	sink_format_json_summary(&sb, &sum, &sr[1]);
	ck_assert_str_eq(sb.buf, "{\"event\":\"summary\",\"rule\":\"co\",\"probe\":\"sys_enter\","
			 "\"mode\":\"count\",\"attach\":\"raw_tracepoint\",\"run_seconds\":1.500,"
			 "\"counted\":4,\"counts\":[{\"comm\":\"sh\",\"count\":4}],"
			 "\"count_map_full\":3}");
	strbuf_reset(&sb);
	sink_format_kv_summary(&sb, &sum, &sr[0]);
	ck_assert_str_eq(sb.buf, "rule=\"st\" event=summary probe=execve mode=stream "
			 "run_seconds=1.500 delivered=7 lost=2 matched=100 suppressed=90 unread=1");
	strbuf_reset(&sb);
	sink_format_kv_summary(&sb, &sum, &sr[1]);
	ck_assert_str_eq(sb.buf, "rule=\"co\" event=summary probe=sys_enter mode=count "
			 "run_seconds=1.500 counted=4 comms=1");
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

/*
 * The syslog message as sink_format_kv_event_fit makes it to fit max bytes, after
 * HEAD (what sink_syslog.c writes first for ident ruletrace, pid 4242); how many
 * times it formatted the body.
 */
#define HEAD "<14>Nov 25 04:59:07 ruletrace[4242]: "
static unsigned fit_passes;

static const char *fit(size_t max)
{
	if (ev.hdr == &ex.hdr)
		show();
	strbuf_reset(&sb);
	strbuf_adds(&sb, HEAD);
	fit_passes = sink_format_kv_event_fit(&sb, &ev, max);
	return sb.buf;
}

/* The argv_cut_bytes a message says: with the rule's figures, the bytes it shows. */
static unsigned long cut_bytes(const char *msg)
{
	const char *p = strstr(msg, " argv_cut_bytes=");

	ck_assert_ptr_nonnull(p);
	return strtoul(p + strlen(" argv_cut_bytes="), NULL, 10);
}

/* A message that fits is the body as it is, formatted once. */
START_TEST(test_fit_short)
{
	make_exec("c", "/bin/ls", ARGS("ls\0-l"), 2);
	ck_assert_str_eq(fit(8192), HEAD KV_OK "filename=\"/bin/ls\" argc=2 argv=\"ls -l\" "
			 "truncated=0 filename_truncated=0 argv_cut_args=0 argv_cut_bytes=0");
	ck_assert_uint_eq(fit_passes, 1);
	/* To the byte. */
	ck_assert_uint_eq(sb.len, 223);
	fit(223);
	ck_assert_uint_eq(fit_passes, 1);
	/* A byte less: "-l" cut would be "ls -l..." or "ls -...", longer than "ls". */
	ck_assert_str_eq(fit(222), HEAD KV_OK "filename=\"/bin/ls\" argc=2 argv=\"ls\" "
			 "truncated=1 filename_truncated=0 argv_cut_args=1 argv_cut_bytes=3");
	ck_assert_uint_eq(sb.len, 220);
}
END_TEST

/*
 * The 100 KiB list shown whole by its rule, in 8192 bytes: 7962 bytes of it,
 * "prog", 7 y's whole and 789 bytes of the next, make the message 8192 bytes
 * long exactly; one byte more would make it 8193. What is not shown: 93
 * arguments (92 whole and the cut one), 102400 - 7962 bytes. In the default
 * 8096, 96 bytes fewer of the cut one.
 */
START_TEST(test_fit_8192)
{
	make_big();
	max_shown = RT_ARGS_MAX;
	strbuf_adds(&want, HEAD KV_OK "filename=\"/bin/prog\" argc=101 argv=\"prog");
	add_run(" ", 7, 1023, 'y', "");
	add_run(" ", 1, 789, 'y', "");
	strbuf_adds(&want, "...\" truncated=1 filename_truncated=0 argv_cut_args=93 "
		    "argv_cut_bytes=94438");
	ck_assert_str_eq(fit(8192), want.buf);
	ck_assert_uint_eq(sb.len, 8192);
	ck_assert_uint_le(fit_passes, 4);

	strbuf_reset(&want);
	strbuf_adds(&want, HEAD KV_OK "filename=\"/bin/prog\" argc=101 argv=\"prog");
	add_run(" ", 7, 1023, 'y', "");
	add_run(" ", 1, 693, 'y', "");
	strbuf_adds(&want, "...\" truncated=1 filename_truncated=0 argv_cut_args=93 "
		    "argv_cut_bytes=94534");
	ck_assert_str_eq(fit(RULES_DEFAULT_MESSAGE), want.buf);
	ck_assert_uint_eq(sb.len, 8096);
	ck_assert_uint_le(fit_passes, 4);

	/* A rule that shows less than fits: its own cut, the message as it is. */
	max_shown = 4000;
	ck_assert_uint_eq(cut_bytes(fit(8192)), 102400 - 4000);
	ck_assert_uint_eq(fit_passes, 1);
}
END_TEST

/*
 * Bytes that escape to 4 (\x01): "prog" and 30 arguments of 1000 of them. 1995
 * bytes fit, "prog", one whole and 989 bytes of the next: 8191 bytes, where one
 * more would be 8195.
 */
START_TEST(test_fit_hostile)
{
	static char args[5 + 30 * 1001];
	unsigned i;

	memcpy(args, "prog", 5);
	for (i = 0; i < 30; i++) {
		memset(args + 5 + i * 1001, '\x01', 1000);
		args[5 + i * 1001 + 1000] = '\0';
	}
	make_exec("c", "/bin/prog", args, sizeof(args), 31);
	strbuf_adds(&want, HEAD KV_OK "filename=\"/bin/prog\" argc=31 argv=\"prog ");
	for (i = 0; i < 1000 + 989; i++)
		strbuf_adds(&want, i == 1000 ? " \\x01" : "\\x01");
	strbuf_adds(&want, "...\" truncated=1 filename_truncated=0 argv_cut_args=29 "
		    "argv_cut_bytes=28040");
	ck_assert_str_eq(fit(8192), want.buf);
	ck_assert_uint_eq(sb.len, 8191);
	ck_assert_uint_le(fit_passes, 7);
	ck_assert_ptr_null(strchr(sb.buf, '\n'));
}
END_TEST

/*
 * Arguments that escape unevenly, the fit not quite monotonic: each message fits,
 * and showing any of the next 32 bytes too would not (a few more can make a
 * message shorter: KV_FIT_PENDING); a few formats each, more where most bytes
 * are parts of UTF-8 sequences. Every max from 1024 to 1124 puts the cut at each
 * place of the arguments.
 */
START_TEST(test_fit_uneven)
{
	static const char *const unit[] = {
		"",			/* "" and a space: 5 bytes for its NUL alone */
		"\"",			/* in quotes, escaped twice */
		"\xc3\xa9\xc3\xa9\xc3\xa9",	/* UTF-8: a cut inside shows \xc3 */
		"\xe2\x82\xac\xe2\x82\xac",
		"\xf0\x9f\x98\x80\xf0\x9f\x98\x80",
		"\x80\x80\xc2\x80",	/* continuation bytes alone; a C1 control */
		"a b",			/* quoted */
		"\xff\x01plain text",
		"plainplainplainplainplainplain",
	};
	static char args[32 * 1024];
	size_t len, u, max, n, shown, k, i;
	unsigned argc, most = 0;

	for (u = 0; u <= ARRAY_SIZE(unit); u++) {
		/* One kind of argument, then (u == ARRAY_SIZE) all of them in turn. */
		for (len = 0, argc = 0, k = 0; len + 64 < sizeof(args); argc++, k++) {
			const char *a = unit[u < ARRAY_SIZE(unit) ? u : k % ARRAY_SIZE(unit)];

			memcpy(args + len, a, strlen(a) + 1);
			len += strlen(a) + 1;
		}
		make_exec("c", "/x", args, len, argc);
		max_shown = RT_ARGS_MAX;
		for (i = 0; i <= 102; i++) {
			max = i <= 100 ? 1024 + i : i == 101 ? 8192 : 20000;
			fit(max);
			ck_assert_msg(sb.len <= max, "unit %zu: %zu > %zu", u, sb.len, max);
			most = fit_passes > most ? fit_passes : most;
			shown = len - cut_bytes(sb.buf);
			for (n = shown + 1; n <= shown + 32 && n <= len; n++) {
				struct sink_exec full = x, v;

				events_exec_narrow(&v, &full, n);
				ev.exec = &v;
				strbuf_reset(&sb);
				strbuf_adds(&sb, HEAD);
				sink_format_kv_event(&sb, &ev);
				ck_assert_msg(sb.len > max, "unit %zu, max %zu: %zu bytes shown, "
					      "%zu would fit", u, max, shown, n);
			}
		}
	}
	ck_assert_uint_le(most, 16);
}
END_TEST

/* A narrowed view is the view of the event under the lower limit. */
START_TEST(test_exec_narrow)
{
	static const unsigned flags[] = { 0, RT_EXEC_ARGS_MORE, RT_EXEC_ARGS_FAULT };
	struct sink_exec full, v, want_x;
	size_t f, n;

	for (f = 0; f < ARRAY_SIZE(flags); f++) {
		make_exec("c", "/x", ARGS("ab\0\0c d\0e"), 5);
		ex.flags = flags[f];
		ex.args_total = 40;
		events_exec_view(&full, &ex, RT_ARGS_MAX);
		for (n = 0; n <= sizeof("ab\0\0c d\0e") + 1; n++) {
			events_exec_narrow(&v, &full, n);
			events_exec_view(&want_x, &ex, (uint32_t)n);
			ck_assert_ptr_eq(v.args, want_x.args);
			ck_assert_uint_eq(v.args_len, want_x.args_len);
			ck_assert_uint_eq(v.args_shown, want_x.args_shown);
			ck_assert_int_eq(v.last_partial, want_x.last_partial);
			ck_assert_uint_eq(v.args_cut, want_x.args_cut);
			ck_assert_uint_eq(v.bytes_cut, want_x.bytes_cut);
			ck_assert_int_eq(v.exact, want_x.exact);
			ck_assert_int_eq(v.args_unread, want_x.args_unread);
			ck_assert_uint_eq(v.argc, 5);
			ck_assert_ptr_eq(v.filename, want_x.filename);
		}
	}
}
END_TEST

/*
 * max_message at its bounds. 1024: the longest everything else can be (a 48-byte
 * ident, a 64-byte rule name, comm and pcomm of 16 escaped bytes, the largest
 * numbers and the longest errno name) leaves room for part of a 4095-byte file
 * name of escaped bytes, cut and marked, and no argument; so does the default.
 * 256 KiB: 128 KiB of arguments that escape to 4 times as many are cut; of
 * plain ones none is.
 */
#define LONG_HEAD "<191>Nov 25 04:59:07 " \
	"identidentidentidentidentidentidentidentidentide[4194304]: "
#define BOUNDS_TAIL "\\xff\" argc=4294967295 argv=\"\" truncated=1 filename_truncated=1 " \
	"argv_cut_args=4294967295 argv_cut_bytes=4294967295"
START_TEST(test_fit_bounds)
{
	static char args[RT_ARGS_MAX], name[RT_FILENAME_LEN];
	static const char rule[] = "rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr"
				   "rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr";
	const char *p;
	size_t i;

	ck_assert_uint_eq(strlen(rule), RULES_NAME_MAX);
	memset(name, '\xff', sizeof(name) - 1);
	for (i = 0; i < sizeof(args); i++)
		args[i] = (i + 1) % 4096 ? '\x01' : '\0';
	make_exec("\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01", name,
		  args, sizeof(args), 0xffffffffu);
	memset(ex.pcomm, '\x01', RT_COMM_LEN);
	ex.hdr.pid = ex.hdr.tid = ex.hdr.uid = ex.ppid = 0xffffffffu;
	ex.result = -131;	/* ENOTRECOVERABLE */
	ex.args_total = 0xffffffffu;
	ex.flags = RT_EXEC_FILENAME_TRUNCATED;
	ev.rule = rule;
	max_shown = RT_ARGS_MAX;
	show();
	strbuf_reset(&sb);
	strbuf_adds(&sb, LONG_HEAD);
	sink_format_kv_event_fit(&sb, &ev, RULES_MIN_MESSAGE);
	ck_assert_uint_le(sb.len, RULES_MIN_MESSAGE);
	ck_assert_uint_ge(sb.len, RULES_MIN_MESSAGE - 3);	/* a name byte is 4 */
	ck_assert_ptr_nonnull(strstr(sb.buf, " result=ENOTRECOVERABLE filename=\"\\xff\\xff"));
	ck_assert_ptr_nonnull(p = strstr(sb.buf, BOUNDS_TAIL));
	ck_assert_str_eq(p, BOUNDS_TAIL);
	/* All but the name takes at most half of it: 128 bytes of it are shown. */
	ck_assert_uint_ge((size_t)(p + 4 - strstr(sb.buf, "filename=\"")) - 10, 4 * 128);
	/* The same at the default: 4095 bytes of name escape to 16380. */
	show();
	strbuf_reset(&sb);
	strbuf_adds(&sb, LONG_HEAD);
	sink_format_kv_event_fit(&sb, &ev, RULES_DEFAULT_MESSAGE);
	ck_assert_uint_le(sb.len, RULES_DEFAULT_MESSAGE);
	ck_assert_uint_ge(sb.len, RULES_DEFAULT_MESSAGE - 3);
	ck_assert_ptr_nonnull(p = strstr(sb.buf, BOUNDS_TAIL));
	ck_assert_str_eq(p, BOUNDS_TAIL);

	/* 256 KiB: plain arguments whole; \x01 ones cut, to within 3 bytes of it. */
	for (i = 0; i < sizeof(args); i++)
		args[i] = (i + 1) % 4096 ? 'a' : '\0';
	make_exec("c", "/bin/prog", args, sizeof(args), RT_ARGS_MAX / 4096);
	max_shown = RT_ARGS_MAX;
	fit(RULES_MAX_MESSAGE);
	ck_assert_uint_eq(fit_passes, 1);
	ck_assert_uint_eq(cut_bytes(sb.buf), 0);
	memset(args, '\x01', sizeof(args) - 1);
	make_exec("c", "/bin/prog", args, sizeof(args), 1);
	max_shown = RT_ARGS_MAX;
	fit(RULES_MAX_MESSAGE);
	ck_assert_uint_le(sb.len, RULES_MAX_MESSAGE);
	ck_assert_uint_ge(sb.len, RULES_MAX_MESSAGE - 3);
	ck_assert_uint_le(fit_passes, 4);
	ck_assert_ptr_nonnull(strstr(sb.buf, "\\x01...\" truncated=1 filename_truncated=0 "
				     "argv_cut_args=1 argv_cut_bytes="));
}
END_TEST

/* A datagram socket in a directory of its own, standing for the log daemon's. */
static char log_dir[] = "/tmp/check-syslog.XXXXXX";
static char log_path[sizeof(log_dir) + 8];

static int log_socket(void)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd;

	ck_assert_ptr_nonnull(mkdtemp(log_dir));
	snprintf(log_path, sizeof(log_path), "%s/log", log_dir);
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", log_path);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	return fd;
}

/* The next message on fd, NUL-ended in buf (of len + 1); its length. */
static size_t log_recv(int fd, char *buf, size_t len)
{
	ssize_t n = recv(fd, buf, len, MSG_DONTWAIT | MSG_TRUNC);

	ck_assert_int_ge(n, 0);
	ck_assert_int_le(n, (ssize_t)len);
	buf[n] = '\0';
	return (size_t)n;
}

/*
 * Through a socket: the message fits max_message, header included (here the
 * default: an output not made from a rule file has 0); one the socket refuses
 * as too long (a send buffer below max_message, as when net.core.wmem_max is) is
 * counted as dropped and lost, said once on standard error naming the output,
 * and the output goes on; a reload that raises max_message grows the buffer.
 */
START_TEST(test_syslog_sink)
{
	static char msg[RULES_MAX_MESSAGE + 1], args[20 * 1024];
	struct rules_output out = { .name = "ops", .type = RULES_OUT_SYSLOG, .ident = "rt",
				    .facility = LOG_USER, .priority = LOG_INFO,
				    .max_message = 0 /* the default */ };
	struct sink s = { .ops = &sink_syslog_ops, .cfg = &out, .fd = -1 }, *sp = &s;
	char err[256], log[sizeof(log_dir) + 8], said[512];
	int fd = log_socket(), one = 1, saved, logfd;
	size_t n;
	FILE *f;

	out.socket = log_path;
	strbuf_init(&s.buf);
	ck_assert_int_eq(sink_syslog_ops.open(&s, err, sizeof(err)), 0);
	make_big();
	max_shown = RT_ARGS_MAX;
	show();
	sink_write(&s, &ev);
	sink_flush_all(&sp, 1);	/* each message waits in the buffer until then */
	n = log_recv(fd, msg, sizeof(msg) - 1);
	ck_assert_uint_le(n, RULES_DEFAULT_MESSAGE);
	ck_assert_uint_ge(n, RULES_DEFAULT_MESSAGE - 3);
	ck_assert_int_eq(strncmp(msg, "<14>", 4), 0);
	ck_assert_ptr_nonnull(strstr(msg, " rt["));
	ck_assert_ptr_nonnull(strstr(msg, "]: rule=\"r\" event=exec "));
	ck_assert_ptr_nonnull(strstr(msg, "...\" truncated=1 filename_truncated=0 "
				     "argv_cut_args=93 argv_cut_bytes="));
	ck_assert_uint_eq(s.written, 1);

	/* Standard error to a file: what the output says. */
	snprintf(log, sizeof(log), "%s/err", log_dir);
	saved = dup(STDERR_FILENO);
	logfd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(logfd, 0);
	ck_assert_int_ge(dup2(logfd, STDERR_FILENO), 0);
	ck_assert_int_eq(setsockopt(s.fd, SOL_SOCKET, SO_SNDBUF, &one, sizeof(one)), 0);
	sink_write(&s, &ev);
	sink_write(&s, &ev);
	sink_flush_all(&sp, 1);
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(logfd);
	ck_assert_uint_eq(s.written, 1);
	ck_assert_uint_eq(s.dropped, 2);
	ck_assert_uint_eq(s.lost, 2);
	ck_assert_int_eq(s.error, 0);
	ck_assert_ptr_nonnull(f = fopen(log, "r"));
	ck_assert_ptr_nonnull(fgets(said, sizeof(said), f));
	fclose(f);
	strbuf_reset(&want);
	strbuf_addf(&want, "ruletrace: output 'ops' (syslog): socket %s refused a message of ",
		    log_path);
	ck_assert_msg(!strncmp(said, want.buf, want.len), "said: %s", said);
	ck_assert_ptr_nonnull(strstr(said, " bytes as too long (max_message 8096); such messages "
				     "are counted as lost: lower max_message, or raise "
				     "net.core.wmem_max\n"));
	/* A short one still goes. */
	make_exec("c", "/bin/ls", ARGS("ls\0-l"), 2);
	show();
	sink_write(&s, &ev);
	sink_flush_all(&sp, 1);
	ck_assert_uint_eq(s.written, 2);
	n = log_recv(fd, msg, sizeof(msg) - 1);
	ck_assert_ptr_nonnull(strstr(msg, " argv=\"ls -l\" truncated=0 "));

	/* Reloaded with room for 20 KiB of arguments: the socket is made to take it. */
	memset(args, 'a', sizeof(args));
	args[sizeof(args) - 1] = '\0';
	make_exec("c", "/bin/prog", args, sizeof(args), 1);
	max_shown = RT_ARGS_MAX;
	show();
	out.max_message = 64 * 1024;
	sink_write(&s, &ev);
	sink_flush_all(&sp, 1);
	ck_assert_uint_eq(s.written, 3);
	n = log_recv(fd, msg, sizeof(msg) - 1);
	ck_assert_uint_gt(n, sizeof(args));
	ck_assert_ptr_nonnull(strstr(msg, "aaa\" truncated=0 filename_truncated=0 "
				     "argv_cut_args=0 argv_cut_bytes=0"));

	sink_syslog_ops.close(&s);
	close(s.fd);
	strbuf_free(&s.buf);
	free(s.recs);
	close(fd);
	unlink(log_path);
	unlink(log);
	rmdir(log_dir);
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
	ck_assert_ptr_nonnull(strstr(row, "Z,n,count,9,,,,,99999,,,,4,,,,,,,,,,,\r\n"));
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
	tcase_add_test(tc, test_labels);
	tcase_add_test(tc, test_json_syscall);
	tcase_add_test(tc, test_csv_columns);
	tcase_add_test(tc, test_summary_records);
	tcase_add_test(tc, test_argv_none);
	tcase_add_test(tc, test_argv_empty_arg);
	tcase_add_test(tc, test_argv_cut);
	tcase_add_test(tc, test_format_arg);
	tcase_add_test(tc, test_count_unknown_syscall);
	tcase_add_test(tc, test_exec_narrow);
	tcase_add_test(tc, test_fit_short);
	tcase_add_test(tc, test_fit_8192);
	tcase_add_test(tc, test_fit_hostile);
	tcase_add_test(tc, test_fit_uneven);
	tcase_add_test(tc, test_fit_bounds);
	tcase_add_test(tc, test_syslog_sink);
	suite_add_tcase(su, tc);
	return check_run(su);
}
