// SPDX-License-Identifier: GPL-2.0-only
/*
 * check_kbtf.c - the streaming BTF scan against libbpf's own parser: on BTF the
 * test builds with libbpf (anonymous members, bitfields, decoys, big enums), on
 * this machine's kernel BTF when it has one, and on broken files.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/btf.h>

#include "kbtf.h"
#include "check_run.h"

static char path[] = "/tmp/check_kbtf.XXXXXX";

static void write_file(const void *data, size_t len)
{
	int fd = mkstemp(strcpy(path, "/tmp/check_kbtf.XXXXXX"));
	FILE *f;

	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void write_btf(struct btf *btf)
{
	__u32 len;
	const void *raw = btf__raw_data(btf, &len);

	ck_assert_ptr_nonnull(raw);
	write_file(raw, len);
}

static int scan(struct kbtf_task_offsets *o, char *err, size_t errlen)
{
	int ret = kbtf_task_offsets(path, o, err, errlen);

	unlink(path);
	return ret;
}

/* The oracle: libbpf's parser, members of anonymous members searched the same way. */
static long libbpf_offset(const struct btf *btf, __u32 id, const char *name, long base)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	const struct btf_member *m = btf_members(t);
	int i;

	for (i = 0; i < btf_vlen(t); i++, m++) {
		const char *n = btf__name_by_offset(btf, m->name_off);
		long bits = base + btf_member_bit_offset(t, i);

		if (n && !strcmp(n, name))
			return bits / 8;
		if (!m->name_off) {
			const struct btf_type *mt = btf__type_by_id(btf, m->type);
			long found;

			if ((btf_is_struct(mt) || btf_is_union(mt)) &&
			    (found = libbpf_offset(btf, m->type, name, bits)) >= 0)
				return found;
		}
	}
	return -1;
}

START_TEST(test_synthetic)
{
	struct btf *btf = btf__new_empty();
	struct kbtf_task_offsets o;
	char err[256];
	int i_int, i_ptr, i_fwd, i_anon, i_union, i_task;

	ck_assert_ptr_nonnull(btf);
	i_int = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	i_fwd = btf__add_fwd(btf, "task_struct", BTF_FWD_STRUCT);	/* a decoy: no members */
	i_ptr = btf__add_ptr(btf, i_fwd);
	/* A decoy struct with the same member names, before the real one. */
	btf__add_struct(btf, "signal_struct", 16);
	btf__add_field(btf, "pid", i_int, 0, 0);
	btf__add_field(btf, "tgid", i_int, 0, 0);
	btf__add_field(btf, "real_parent", i_ptr, 64, 0);
	/* A big enum: kind data far beyond one read chunk must be skipped right. */
	btf__add_enum(btf, "big", 4);
	for (int v = 0; v < 20000; v++) {
		char n[16];

		snprintf(n, sizeof(n), "E%d", v);
		btf__add_enum_value(btf, n, v);
	}
	/*
	 * task_struct { int flags:3 (bitfield); struct { int pad; union { long x; int tgid; }; };
	 * int pid; ptr real_parent; }
	 */
	i_union = btf__add_union(btf, NULL, 8);
	btf__add_field(btf, "x", i_int, 0, 0);
	btf__add_field(btf, "tgid", i_int, 0, 0);
	i_anon = btf__add_struct(btf, NULL, 16);
	btf__add_field(btf, "pad", i_int, 0, 0);
	btf__add_field(btf, NULL, i_union, 64, 0);
	i_task = btf__add_struct(btf, "task_struct", 1024);
	btf__add_field(btf, "flags", i_int, 0, 3);
	btf__add_field(btf, NULL, i_anon, 320, 0);
	btf__add_field(btf, "pid", i_int, 8 * 596, 0);
	btf__add_field(btf, "real_parent", i_ptr, 8 * 600, 0);
	write_btf(btf);
	ck_assert_int_eq(scan(&o, err, sizeof(err)), 0);
	ck_assert_uint_eq(o.pid, 596);
	ck_assert_uint_eq(o.tgid, 40 + 8);
	ck_assert_uint_eq(o.real_parent, 600);
	ck_assert_int_eq(libbpf_offset(btf, i_task, "pid", 0), 596);
	ck_assert_int_eq(libbpf_offset(btf, i_task, "tgid", 0), 48);
	ck_assert_int_eq(libbpf_offset(btf, i_task, "real_parent", 0), 600);
	btf__free(btf);
}
END_TEST

START_TEST(test_vmlinux)
{
	struct btf *btf = btf__parse(KBTF_VMLINUX, NULL);
	struct kbtf_task_offsets o;
	char err[256];
	int id;

	if (!btf)
		return;	/* no kernel BTF here: the synthetic cases still ran */
	id = btf__find_by_name_kind(btf, "task_struct", BTF_KIND_STRUCT);
	ck_assert_int_gt(id, 0);
	ck_assert_int_eq(kbtf_task_offsets(KBTF_VMLINUX, &o, err, sizeof(err)), 0);
	ck_assert_int_eq(o.pid, libbpf_offset(btf, (__u32)id, "pid", 0));
	ck_assert_int_ne(o.pid, o.tgid);
	ck_assert_int_eq(o.tgid, libbpf_offset(btf, (__u32)id, "tgid", 0));
	ck_assert_int_eq(o.real_parent, libbpf_offset(btf, (__u32)id, "real_parent", 0));
	btf__free(btf);
}
END_TEST

START_TEST(test_broken)
{
	struct btf *btf = btf__new_empty();
	struct kbtf_task_offsets o;
	char err[256];
	const void *raw;
	__u32 len;

	/* No task_struct at all. */
	btf__add_int(btf, "int", 4, 0);
	write_btf(btf);
	ck_assert_int_eq(scan(&o, err, sizeof(err)), -ENOENT);
	ck_assert_msg(strstr(err, "no task_struct"), "%s", err);

	/* A task_struct without pid, the name used by another struct only. */
	btf__free(btf);
	btf = btf__new_empty();
	btf__add_int(btf, "int", 4, 0);
	btf__add_struct(btf, "other", 4);
	btf__add_field(btf, "pid", 1, 0, 0);
	btf__add_struct(btf, "task_struct", 8);
	btf__add_field(btf, "tgid", 1, 0, 0);
	btf__add_field(btf, "real_parent", 1, 32, 0);
	write_btf(btf);
	ck_assert_int_eq(scan(&o, err, sizeof(err)), -ENOENT);
	ck_assert_msg(strstr(err, "has no pid, tgid or real_parent member"), "%s", err);
	btf__free(btf);
	btf = btf__new_empty();
	btf__add_int(btf, "int", 4, 0);

	/* Truncated in the middle of the types. */
	btf__add_struct(btf, "task_struct", 12);
	btf__add_field(btf, "pid", 1, 0, 0);
	btf__add_field(btf, "tgid", 1, 32, 0);
	btf__add_field(btf, "real_parent", 1, 64, 0);
	raw = btf__raw_data(btf, &len);
	write_file(raw, len - 30);
	ck_assert_int_ne(scan(&o, err, sizeof(err)), 0);

	/* Not BTF. */
	write_file("hello, world, not btf at all", 28);
	ck_assert_int_eq(scan(&o, err, sizeof(err)), -EPROTO);
	ck_assert_msg(strstr(err, "not BTF"), "%s", err);

	/* Missing file: the message names the kernel option. */
	ck_assert_int_eq(kbtf_task_offsets("/nonexistent/vmlinux", &o, err, sizeof(err)),
			 -ENOENT);
	ck_assert_msg(strstr(err, "CONFIG_DEBUG_INFO_BTF"), "%s", err);
	btf__free(btf);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("kbtf");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_synthetic);
	tcase_add_test(tc, test_vmlinux);
	tcase_add_test(tc, test_broken);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return check_run(s);
}
