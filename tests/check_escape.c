// SPDX-License-Identifier: GPL-2.0-only
/* check_escape.c - hostile bytes through every escaper, exact output asserted. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "check_run.h"

typedef void (*escaper)(struct strbuf *, const char *, size_t);

static void expect(escaper fn, const char *in, size_t n, const char *want)
{
	struct strbuf sb;

	strbuf_init(&sb);
	fn(&sb, in, n);
	ck_assert_msg(sb.len == strlen(want) && !memcmp(sb.buf, want, sb.len),
		      "input %.*s: got [%s], want [%s]", (int)n, in, sb.buf, want);
	strbuf_free(&sb);
}

#define T(fn, lit, want) expect(fn, lit, sizeof(lit) - 1, want)

START_TEST(test_text)
{
	T(escape_text, "bash", "bash");
	T(escape_text, "", "");
	T(escape_text, "a,b\"c", "a,b\"c");
	T(escape_text, "line\nbreak\ttab\rcr", "line\\nbreak\\ttab\\rcr");
	T(escape_text, "\x1b[2Jclear", "\\x1b[2Jclear");
	T(escape_text, "back\\slash", "back\\\\slash");
	T(escape_text, "%n%s", "%n%s");
	T(escape_text, "nul\0in", "nul\\x00in");
	T(escape_text, "del\x7f", "del\\x7f");
	T(escape_text, "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80",
	  "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80");
	T(escape_text, "\xff", "\\xff");
	T(escape_text, "\xe2\x82", "\\xe2\\x82");			/* truncated */
	T(escape_text, "\xc0\xaf", "\\xc0\\xaf");			/* overlong */
	T(escape_text, "\xed\xa0\x80", "\\xed\\xa0\\x80");		/* surrogate */
	T(escape_text, "\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80");	/* > U+10FFFF */
	T(escape_text, "\xc2\x9b" "31m", "\\xc2\\x9b31m");		/* C1 CSI */
	T(escape_text, "fifteen-bytes!!", "fifteen-bytes!!");
}
END_TEST

START_TEST(test_json)
{
	T(escape_json, "plain", "plain");
	T(escape_json, "q\"b\\", "q\\\"b\\\\");
	T(escape_json, "\n\t\r\b\f", "\\n\\t\\r\\b\\f");
	T(escape_json, "\x1b[2J", "\\u001b[2J");
	T(escape_json, "\x7f", "\\u007f");
	T(escape_json, "nul\0", "nul\\u0000");
	T(escape_json, "\xff\xfe", "\\\\xff\\\\xfe");
	T(escape_json, "\xc2\x9b", "\\u009b");
	T(escape_json, "\xe2\x80\xa8", "\\u2028");
	T(escape_json, "\xc3\xa9\xf0\x9f\x98\x80", "\xc3\xa9\xf0\x9f\x98\x80");
	T(escape_json, "%n%s", "%n%s");
}
END_TEST

/*
 * A Prometheus label value: only \\ \" \n escaped, as the text format has it;
 * an invalid byte as the text \xNN, the value JSON's string decodes to.
 */
START_TEST(test_prom)
{
	T(escape_prom_label, "plain", "plain");
	T(escape_prom_label, "q\"b\\", "q\\\"b\\\\");
	T(escape_prom_label, "a\nb", "a\\nb");
	T(escape_prom_label, "p\"q\\r\ns\xff", "p\\\"q\\\\r\\ns\\\\xff");
	T(escape_prom_label, "\xff\xfe", "\\\\xff\\\\xfe");
	T(escape_prom_label, "\xe2\x82", "\\\\xe2\\\\x82");		/* truncated */
	T(escape_prom_label, "\xc0\xaf", "\\\\xc0\\\\xaf");		/* overlong */
	T(escape_prom_label, "\xed\xa0\x80", "\\\\xed\\\\xa0\\\\x80");	/* surrogate */
	/* The format takes any other UTF-8, controls included: the value is the comm. */
	T(escape_prom_label, "\t\r\x1b\x7f", "\t\r\x1b\x7f");
	T(escape_prom_label, "nul\0", "nul\\\\x00");
	T(escape_prom_label, "caf\xc3\xa9\xf0\x9f\x98\x80", "caf\xc3\xa9\xf0\x9f\x98\x80");
	T(escape_prom_label, "0123456789abcdef", "0123456789abcdef");
}
END_TEST

START_TEST(test_csv)
{
	T(escape_csv_field, "plain", "plain");
	T(escape_csv_field, "", "");
	T(escape_csv_field, "a,b", "\"a,b\"");
	T(escape_csv_field, "say \"hi\"", "\"say \"\"hi\"\"\"");
	T(escape_csv_field, "two\nlines", "\"two\nlines\"");
	T(escape_csv_field, "cr\rhere", "\"cr\rhere\"");
	T(escape_csv_field, "=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0");
	T(escape_csv_field, "+1", "'+1");
	T(escape_csv_field, "-2", "'-2");
	T(escape_csv_field, "@SUM(A1)", "'@SUM(A1)");
	T(escape_csv_field, "\tx", "'\tx");
	T(escape_csv_field, "\rx", "\"'\rx\"");
	T(escape_csv_field, "=a,\"b\"", "\"'=a,\"\"b\"\"\"");
	T(escape_csv_field, "esc\x1b[1m", "esc\\x1b[1m");
	T(escape_csv_field, "bad\xff", "bad\\xff");
	T(escape_csv_field, "back\\slash", "back\\slash");
	T(escape_csv_field, "%n%s", "%n%s");
	T(escape_csv_field, "\0=", "\\x00=");
}
END_TEST

START_TEST(test_syslog)
{
	T(escape_syslog_value, "bash", "\"bash\"");
	T(escape_syslog_value, "", "\"\"");
	T(escape_syslog_value, "x\" forged=\"1", "\"x\\\" forged=\\\"1\"");
	T(escape_syslog_value, "a]b", "\"a\\]b\"");
	T(escape_syslog_value, "new\nline", "\"new\\nline\"");
	T(escape_syslog_value, "\x1b[2J", "\"\\x1b[2J\"");
	T(escape_syslog_value, "%n%s", "\"%n%s\"");
	T(escape_syslog_value, "\\", "\"\\\\\"");
}
END_TEST

/* The longest argument list the kernel side can send, byte for byte. */
START_TEST(test_long)
{
	char in[1024];
	struct strbuf sb;

	memset(in, 'a', sizeof(in));
	strbuf_init(&sb);
	escape_text(&sb, in, sizeof(in));
	ck_assert_uint_eq(sb.len, sizeof(in));
	strbuf_reset(&sb);
	memset(in, '\x01', sizeof(in));
	escape_json(&sb, in, sizeof(in));
	ck_assert_uint_eq(sb.len, 6 * sizeof(in));
	strbuf_free(&sb);
	ck_assert_uint_eq(escape_comm_len("abc\0\0\0", 16), 3);
	ck_assert_uint_eq(escape_comm_len("0123456789abcdef", 16), 16);
}
END_TEST

int main(void)
{
	Suite *su = suite_create("escape");
	TCase *tc = tcase_create("escape");

	tcase_add_test(tc, test_text);
	tcase_add_test(tc, test_json);
	tcase_add_test(tc, test_prom);
	tcase_add_test(tc, test_csv);
	tcase_add_test(tc, test_syslog);
	tcase_add_test(tc, test_long);
	suite_add_tcase(su, tc);
	return check_run(su);
}
