// SPDX-License-Identifier: GPL-2.0-only
/*
 * check_kbtf.c - the streaming BTF scan against libbpf's own parser: on BTF the
 * test builds with libbpf (anonymous members, typedefs, bitfields, decoys, names
 * and records cut by the scan's 64 KiB chunks), on this machine's kernel BTF when
 * it has one, and on broken files, whose messages must say what is missing.
 */
#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/btf.h>

#include "kbtf.h"
#include "check_run.h"

#define CHUNK 65536	/* the scan's read size, where names and records are cut */

static char path[] = "/tmp/check_kbtf.XXXXXX";

/* The twelve offsets, kept apart from kbtf.c's own table so a slip there shows. */
static const struct field {
	const char *type, *member;
	size_t off;
} fields[] = {
	{ "task_struct", "pid", offsetof(struct kbtf_offsets, task_pid) },
	{ "task_struct", "tgid", offsetof(struct kbtf_offsets, task_tgid) },
	{ "task_struct", "real_parent", offsetof(struct kbtf_offsets, task_real_parent) },
	{ "task_struct", "comm", offsetof(struct kbtf_offsets, task_comm) },
	{ "task_struct", "mm", offsetof(struct kbtf_offsets, task_mm) },
	{ "task_struct", "pending", offsetof(struct kbtf_offsets, task_pending) },
	{ "task_struct", "signal", offsetof(struct kbtf_offsets, task_signal) },
	{ "signal_struct", "live", offsetof(struct kbtf_offsets, signal_live) },
	{ "mm_struct", "arg_start", offsetof(struct kbtf_offsets, mm_arg_start) },
	{ "mm_struct", "arg_end", offsetof(struct kbtf_offsets, mm_arg_end) },
	{ "linux_binprm", "filename", offsetof(struct kbtf_offsets, bprm_filename) },
	{ "linux_binprm", "argc", offsetof(struct kbtf_offsets, bprm_argc) },
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

static const struct field *field(const char *type, const char *member)
{
	unsigned i;

	for (i = 0; i < NFIELDS; i++)
		if (!strcmp(fields[i].type, type) && !strcmp(fields[i].member, member))
			return &fields[i];
	ck_abort_msg("no row for %s.%s", type, member);
	return NULL;
}

static uint32_t get(const struct kbtf_offsets *o, const struct field *f)
{
	uint32_t v;

	memcpy(&v, (const char *)o + f->off, sizeof(v));
	return v;
}

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

static void write_btf(const struct btf *btf)
{
	__u32 len;
	const void *raw = btf__raw_data(btf, &len);

	ck_assert_ptr_nonnull(raw);
	write_file(raw, len);
}

static int scan(struct kbtf_offsets *o, char *err, size_t errlen)
{
	int ret = kbtf_offsets(path, o, err, errlen);

	unlink(path);
	return ret;
}

/* A libbpf call that adds a type or a member must not fail: the test would mean nothing. */
static int ok(int ret)
{
	ck_assert_int_ge(ret, 0);
	return ret;
}

/* The oracle: libbpf's parser, anonymous members (through typedefs) searched as CO-RE does. */
static long member_bits(const struct btf *btf, __u32 id, const char *name, long base)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	const struct btf_member *m = btf_members(t);
	int i;

	for (i = 0; i < btf_vlen(t); i++, m++) {
		const char *n = btf__name_by_offset(btf, m->name_off);
		long bits = base + btf_member_bit_offset(t, i);

		if (n && !strcmp(n, name))
			return bits;
		if (!m->name_off) {
			__u32 mid = m->type;
			const struct btf_type *mt = btf__type_by_id(btf, mid);
			long found;

			while (btf_is_typedef(mt) || btf_is_mod(mt))
				mt = btf__type_by_id(btf, mid = mt->type);
			if ((btf_is_struct(mt) || btf_is_union(mt)) &&
			    (found = member_bits(btf, mid, name, bits)) >= 0)
				return found;
		}
	}
	return -1;
}

static long oracle(const struct btf *btf, const struct field *f)
{
	int id = btf__find_by_name_kind(btf, f->type, BTF_KIND_STRUCT);

	ck_assert_msg(id > 0, "libbpf finds no struct %s", f->type);
	return member_bits(btf, (__u32)id, f->member, 0);
}

/* Scan btf: every offset must be want's, and libbpf's. */
static void expect_offsets(const struct btf *btf, const struct kbtf_offsets *want)
{
	struct kbtf_offsets o;
	char err[256] = "";
	unsigned i;
	int ret;

	write_btf(btf);
	memset(&o, 0xff, sizeof(o));
	ret = scan(&o, err, sizeof(err));
	ck_assert_msg(ret == 0, "%d: %s", ret, err);
	for (i = 0; i < NFIELDS; i++) {
		const struct field *f = &fields[i];

		ck_assert_msg(get(&o, f) == get(want, f), "%s.%s at %u, not %u", f->type,
			      f->member, get(&o, f), get(want, f));
		ck_assert_msg(oracle(btf, f) == (long)get(want, f) * 8, "libbpf: %s.%s at bit %ld",
			      f->type, f->member, oracle(btf, f));
	}
}

/* Scan btf: it must fail with ret and "path: why", and leave out alone. */
static void expect_error(struct btf *btf, int ret, const char *why)
{
	struct kbtf_offsets o, before;
	char err[256] = "", want[300];

	write_btf(btf);
	snprintf(want, sizeof(want), "%s: %s", path, why);
	memset(&o, 0x5a, sizeof(o));
	before = o;
	ck_assert_int_eq(scan(&o, err, sizeof(err)), ret);
	ck_assert_str_eq(err, want);
	ck_assert_mem_eq(&o, &before, sizeof(o));
}

/* What base_btf() adds; T_NEXT is the first type after them. */
enum { T_INT = 1, T_LONG, T_PTR, T_CHAR, T_COMM, T_SIGPENDING, T_ATOMIC_S, T_ATOMIC, T_NEXT };

/* Add the base types to btf, which has none yet (strings it may have). */
static struct btf *add_base(struct btf *btf)
{
	ck_assert_ptr_nonnull(btf);
	ck_assert_int_eq(btf__add_int(btf, "int", 4, BTF_INT_SIGNED), T_INT);
	ck_assert_int_eq(btf__add_int(btf, "long unsigned int", 8, 0), T_LONG);
	ck_assert_int_eq(btf__add_ptr(btf, 0), T_PTR);
	ck_assert_int_eq(btf__add_int(btf, "char", 1, BTF_INT_SIGNED), T_CHAR);
	ck_assert_int_eq(btf__add_array(btf, T_INT, T_CHAR, 16), T_COMM);
	/* struct sigpending { struct list_head list; sigset_t signal; }, near enough */
	ck_assert_int_eq(btf__add_struct(btf, "sigpending", 24), T_SIGPENDING);
	ok(btf__add_field(btf, "next", T_PTR, 0, 0));
	ok(btf__add_field(btf, "prev", T_PTR, 64, 0));
	ok(btf__add_field(btf, "signal", T_LONG, 128, 0));	/* not task_struct's signal */
	/* typedef struct { int counter; } atomic_t; */
	ck_assert_int_eq(btf__add_struct(btf, NULL, 4), T_ATOMIC_S);
	ok(btf__add_field(btf, "counter", T_INT, 0, 0));
	ck_assert_int_eq(btf__add_typedef(btf, "atomic_t", T_ATOMIC_S), T_ATOMIC);
	return btf;
}

static struct btf *base_btf(void)
{
	return add_base(btf__new_empty());
}

/* The four structs as plain as they come, at these offsets. */
static const struct kbtf_offsets flat = {
	.task_pid = 8, .task_tgid = 12, .task_real_parent = 16, .task_comm = 24, .task_mm = 40,
	.task_pending = 48, .task_signal = 72, .signal_live = 4, .mm_arg_start = 16,
	.mm_arg_end = 24, .bprm_filename = 8, .bprm_argc = 16,
};

static void add_task(struct btf *btf)
{
	ok(btf__add_struct(btf, "task_struct", 80));
	ok(btf__add_field(btf, "pid", T_INT, 64, 0));
	ok(btf__add_field(btf, "tgid", T_INT, 96, 0));
	ok(btf__add_field(btf, "real_parent", T_PTR, 128, 0));
	ok(btf__add_field(btf, "comm", T_COMM, 192, 0));
	ok(btf__add_field(btf, "mm", T_PTR, 320, 0));
	ok(btf__add_field(btf, "pending", T_SIGPENDING, 384, 0));
	ok(btf__add_field(btf, "signal", T_PTR, 576, 0));
}

/* signal_struct { int sigcnt; atomic_t live; int nr_threads; }, as the kernel's begins */
static void add_signal(struct btf *btf)
{
	ok(btf__add_struct(btf, "signal_struct", 12));
	ok(btf__add_field(btf, "sigcnt", T_INT, 0, 0));
	ok(btf__add_field(btf, "live", T_ATOMIC, 32, 0));
	ok(btf__add_field(btf, "nr_threads", T_INT, 64, 0));
}

static void add_mm(struct btf *btf)
{
	ok(btf__add_struct(btf, "mm_struct", 32));
	ok(btf__add_field(btf, "mmap_base", T_LONG, 0, 0));
	ok(btf__add_field(btf, "arg_start", T_LONG, 128, 0));
	ok(btf__add_field(btf, "arg_end", T_LONG, 192, 0));
}

static void add_bprm(struct btf *btf)
{
	ok(btf__add_struct(btf, "linux_binprm", 24));
	ok(btf__add_field(btf, "filename", T_PTR, 64, 0));
	ok(btf__add_field(btf, "argc", T_INT, 128, 0));
}

static struct btf *flat_btf(void)
{
	struct btf *btf = base_btf();

	add_task(btf);
	add_signal(btf);
	add_mm(btf);
	add_bprm(btf);
	return btf;
}

START_TEST(test_flat)
{
	struct btf *btf = flat_btf();

	expect_offsets(btf, &flat);
	btf__free(btf);
}
END_TEST

/* Decoys of every name, a bitfield, nested anonymous members, a big enum. */
START_TEST(test_synthetic)
{
	static const struct kbtf_offsets want = {
		.task_pid = 596, .task_tgid = 40 + 8, .task_real_parent = 600, .task_comm = 608,
		.task_mm = 624, .task_pending = 640, .task_signal = 664, .signal_live = 8,
		.mm_arg_start = 8 + 296, .mm_arg_end = 8 + 304, .bprm_filename = 32,
		.bprm_argc = 20,
	};
	struct btf *btf = base_btf();
	int i_fwd, i_ptr, i_sig_ptr, i_anon, i_union, i_mm;

	i_fwd = ok(btf__add_fwd(btf, "task_struct", BTF_FWD_STRUCT));	/* no members */
	ok(btf__add_fwd(btf, "mm_struct", BTF_FWD_STRUCT));
	ok(btf__add_fwd(btf, "linux_binprm", BTF_FWD_STRUCT));
	i_ptr = ok(btf__add_ptr(btf, i_fwd));
	i_sig_ptr = ok(btf__add_ptr(btf, ok(btf__add_fwd(btf, "signal_struct", BTF_FWD_STRUCT))));
	/* A struct with every member name, before the real ones. */
	ok(btf__add_struct(btf, "sighand_struct", 72));
	ok(btf__add_field(btf, "pid", T_INT, 0, 0));
	ok(btf__add_field(btf, "tgid", T_INT, 32, 0));
	ok(btf__add_field(btf, "real_parent", i_ptr, 64, 0));
	ok(btf__add_field(btf, "comm", T_COMM, 128, 0));
	ok(btf__add_field(btf, "mm", T_PTR, 256, 0));
	ok(btf__add_field(btf, "arg_start", T_LONG, 320, 0));
	ok(btf__add_field(btf, "arg_end", T_LONG, 384, 0));
	ok(btf__add_field(btf, "filename", T_PTR, 448, 0));
	ok(btf__add_field(btf, "argc", T_INT, 0, 0));
	ok(btf__add_field(btf, "pending", T_SIGPENDING, 256, 0));
	ok(btf__add_field(btf, "signal", i_sig_ptr, 448, 0));
	ok(btf__add_field(btf, "live", T_ATOMIC, 512, 0));
	/* A big enum: kind data far beyond one read chunk must be skipped right. */
	ok(btf__add_enum(btf, "big", 4));
	for (int v = 0; v < 20000; v++) {
		char n[16];

		snprintf(n, sizeof(n), "E%d", v);
		ok(btf__add_enum_value(btf, n, v));
	}
	/*
	 * task_struct { int flags:3; struct { int pad; union { long x; int tgid; }; };
	 * int pid; ptr real_parent; char comm[16]; ptr mm; struct sigpending pending;
	 * struct signal_struct *signal; }, its anonymous types first
	 */
	i_union = ok(btf__add_union(btf, NULL, 8));
	ok(btf__add_field(btf, "x", T_LONG, 0, 0));
	ok(btf__add_field(btf, "tgid", T_INT, 0, 0));
	i_anon = ok(btf__add_struct(btf, NULL, 16));
	ok(btf__add_field(btf, "pad", T_INT, 0, 0));
	ok(btf__add_field(btf, NULL, i_union, 64, 0));
	ok(btf__add_struct(btf, "task_struct", 1024));
	ok(btf__add_field(btf, "flags", T_INT, 0, 3));
	ok(btf__add_field(btf, NULL, i_anon, 320, 0));
	ok(btf__add_field(btf, "pid", T_INT, 8 * 596, 0));
	ok(btf__add_field(btf, "real_parent", i_ptr, 8 * 600, 0));
	ok(btf__add_field(btf, "comm", T_COMM, 8 * 608, 0));
	ok(btf__add_field(btf, "mm", T_PTR, 8 * 624, 0));
	ok(btf__add_field(btf, "pending", T_SIGPENDING, 8 * 640, 0));
	ok(btf__add_field(btf, "signal", i_sig_ptr, 8 * 664, 0));
	/* mm_struct { long pad; struct { ... arg_start, arg_end ... }; }, anonymous type after */
	i_mm = ok(btf__add_struct(btf, "mm_struct", 512));
	ok(btf__add_field(btf, "pad", T_LONG, 0, 0));
	ok(btf__add_field(btf, NULL, i_mm + 1, 64, 0));
	ok(btf__add_struct(btf, NULL, 400));
	ok(btf__add_field(btf, "mmap_base", T_LONG, 0, 0));
	ok(btf__add_field(btf, "arg_start", T_LONG, 8 * 296, 0));
	ok(btf__add_field(btf, "arg_end", T_LONG, 8 * 304, 0));
	/* linux_binprm with a bitfield: every member offset has the bitfield flag's layout. */
	ok(btf__add_struct(btf, "linux_binprm", 64));
	ok(btf__add_field(btf, "vma", T_PTR, 0, 0));
	ok(btf__add_field(btf, "p", T_LONG, 64, 0));
	ok(btf__add_field(btf, "have_execfd", T_INT, 128, 1));
	ok(btf__add_field(btf, "argc", T_INT, 160, 0));
	ok(btf__add_field(btf, "envc", T_INT, 192, 0));
	ok(btf__add_field(btf, "filename", T_PTR, 256, 0));
	/* signal_struct last, with a member named as one of task_struct's: not that one */
	ok(btf__add_struct(btf, "signal_struct", 40));
	ok(btf__add_field(btf, "sigcnt", T_INT, 0, 0));
	ok(btf__add_field(btf, "nr_threads", T_INT, 32, 0));
	ok(btf__add_field(btf, "live", T_ATOMIC, 64, 0));
	ok(btf__add_field(btf, "pending", T_SIGPENDING, 128, 0));
	expect_offsets(btf, &want);
	btf__free(btf);
}
END_TEST

/*
 * mm_struct with arg_start and arg_end under levels anonymous structs, each at
 * byte 8 of the one above; the types in nesting order (each anonymous type after
 * the struct it is in, as the scan meets it in the same pass), or innermost first
 * (one more pass over the types for each level).
 */
static void add_nested_mm(struct btf *btf, int levels, bool outer_first)
{
	int i, id = 0;

	if (outer_first) {
		int first = (int)btf__type_cnt(btf);

		for (i = 0; i < levels; i++) {
			ok(btf__add_struct(btf, i ? NULL : "mm_struct", 64));
			ok(btf__add_field(btf, "pad", T_LONG, 0, 0));
			ok(btf__add_field(btf, NULL, first + i + 1, 64, 0));
		}
	}
	id = ok(btf__add_struct(btf, levels ? NULL : "mm_struct", 64));
	ok(btf__add_field(btf, "arg_start", T_LONG, 0, 0));
	ok(btf__add_field(btf, "arg_end", T_LONG, 64, 0));
	if (!outer_first) {
		for (i = levels - 1; i >= 0; i--) {
			id = ok(btf__add_struct(btf, i ? NULL : "mm_struct", 64));
			ok(btf__add_field(btf, "pad", T_LONG, 0, 0));
			ok(btf__add_field(btf, NULL, id - 1, 64, 0));
		}
	}
}

/* mm_struct's fields inside an anonymous struct, as on 6.18, whichever comes first. */
START_TEST(test_anonymous)
{
	struct kbtf_offsets want = flat;
	int outer_first, levels;

	for (outer_first = 0; outer_first < 2; outer_first++) {
		for (levels = 1; levels <= 4; levels++) {
			struct btf *btf = base_btf();

			add_task(btf);
			add_signal(btf);
			add_nested_mm(btf, levels, outer_first);
			add_bprm(btf);
			want.mm_arg_start = 8 * (uint32_t)levels;
			want.mm_arg_end = 8 * (uint32_t)levels + 8;
			expect_offsets(btf, &want);
			btf__free(btf);
		}
	}
}
END_TEST

/* Nested five deep, past the scan's limit: not found, though libbpf would. */
START_TEST(test_too_deep)
{
	int outer_first;

	for (outer_first = 0; outer_first < 2; outer_first++) {
		struct btf *btf = base_btf();

		add_task(btf);
		add_signal(btf);
		add_nested_mm(btf, 5, outer_first);
		add_bprm(btf);
		ck_assert_int_eq(oracle(btf, field("mm_struct", "arg_start")), 5 * 64);
		expect_error(btf, -ENOENT, "mm_struct has no arg_start member");
		btf__free(btf);
	}
}
END_TEST

/*
 * One anonymous type in two wanted structs (deduplicated BTF shares it), and
 * anonymous members behind a typedef and a const, as -fms-extensions allows.
 */
START_TEST(test_anonymous_shared)
{
	static const struct kbtf_offsets want = {
		.task_pid = 8, .task_tgid = 12, .task_real_parent = 16 + 8, .task_comm = 16 + 16,
		.task_mm = 16, .task_pending = 24 + 24, .task_signal = 24 + 48, .signal_live = 4,
		.mm_arg_start = 8 + 8, .mm_arg_end = 24, .bprm_filename = 0, .bprm_argc = 16,
	};
	struct btf *btf = base_btf();
	int shared, ids, tdef, rest, cst;

	shared = ok(btf__add_struct(btf, NULL, 16));	/* { int argc; long arg_start; } */
	ok(btf__add_field(btf, "argc", T_INT, 0, 0));
	ok(btf__add_field(btf, "arg_start", T_LONG, 64, 0));
	ok(btf__add_struct(btf, "mm_struct", 32));
	ok(btf__add_field(btf, "x", T_LONG, 0, 0));
	ok(btf__add_field(btf, NULL, shared, 64, 0));
	ok(btf__add_field(btf, "arg_end", T_LONG, 192, 0));
	ok(btf__add_struct(btf, "linux_binprm", 32));
	ok(btf__add_field(btf, "filename", T_PTR, 0, 0));
	ok(btf__add_field(btf, NULL, shared, 128, 0));
	/*
	 * task_struct { ids_t; long mm;
	 * const struct { ptr real_parent; char comm[16]; struct sigpending pending;
	 * ptr signal; }; }
	 */
	ids = ok(btf__add_struct(btf, NULL, 8));
	ok(btf__add_field(btf, "pid", T_INT, 0, 0));
	ok(btf__add_field(btf, "tgid", T_INT, 32, 0));
	tdef = ok(btf__add_typedef(btf, "ids_t", ids));
	rest = ok(btf__add_struct(btf, NULL, 56));
	ok(btf__add_field(btf, "real_parent", T_PTR, 0, 0));
	ok(btf__add_field(btf, "comm", T_COMM, 64, 0));
	ok(btf__add_field(btf, "pending", T_SIGPENDING, 192, 0));
	ok(btf__add_field(btf, "signal", T_PTR, 384, 0));
	cst = ok(btf__add_const(btf, rest));
	ok(btf__add_struct(btf, "task_struct", 80));
	ok(btf__add_field(btf, NULL, tdef, 64, 0));
	ok(btf__add_field(btf, "mm", T_PTR, 128, 0));
	ok(btf__add_field(btf, NULL, cst, 192, 0));
	add_signal(btf);
	expect_offsets(btf, &want);
	btf__free(btf);
}
END_TEST

/* More anonymous members than the scan keeps in hand: the message says so. */
START_TEST(test_too_many_anonymous)
{
	struct btf *btf = base_btf();
	int first = (int)btf__type_cnt(btf), i;

	for (i = 0; i < 100; i++) {	/* before task_struct: all for the next pass */
		ok(btf__add_struct(btf, NULL, 4));
		ok(btf__add_field(btf, i == 99 ? "mm" : "pad", T_INT, 0, 0));
	}
	ok(btf__add_struct(btf, "task_struct", 1024));
	ok(btf__add_field(btf, "pid", T_INT, 64, 0));
	ok(btf__add_field(btf, "tgid", T_INT, 96, 0));
	ok(btf__add_field(btf, "real_parent", T_PTR, 128, 0));
	ok(btf__add_field(btf, "comm", T_COMM, 192, 0));
	for (i = 0; i < 100; i++)
		ok(btf__add_field(btf, NULL, first + i, 320 + 32 * (unsigned)i, 0));
	ok(btf__add_field(btf, "pending", T_SIGPENDING, 8 * 448, 0));
	ok(btf__add_field(btf, "signal", T_PTR, 8 * 472, 0));
	add_signal(btf);
	add_mm(btf);
	add_bprm(btf);
	ck_assert_int_eq(oracle(btf, field("task_struct", "mm")), 320 + 32 * 99);
	expect_error(btf, -ENOENT, "task_struct has no mm member"
		     " (too many anonymous members to search them all)");
	btf__free(btf);
}
END_TEST

/* The type of a member of struct type itself (not of an anonymous member), by libbpf. */
static __u32 direct_member_type(const struct btf *btf, const char *type, const char *member)
{
	int id = btf__find_by_name_kind(btf, type, BTF_KIND_STRUCT);
	const struct btf_type *t;
	const struct btf_member *m;
	int i;

	ck_assert_msg(id > 0, "libbpf finds no struct %s", type);
	t = btf__type_by_id(btf, (__u32)id);
	for (i = 0, m = btf_members(t); i < btf_vlen(t); i++, m++)
		if (!strcmp(btf__name_by_offset(btf, m->name_off), member))
			return m->type;
	ck_abort_msg("libbpf finds no %s.%s", type, member);
	return 0;
}

START_TEST(test_vmlinux)
{
	struct btf *btf = btf__parse(KBTF_VMLINUX, NULL);
	const struct btf_type *t;
	struct kbtf_offsets o;
	char err[256] = "";
	unsigned i;

	if (!btf)
		return;	/* no kernel BTF here: the synthetic cases still ran */
	ck_assert_msg(kbtf_offsets(KBTF_VMLINUX, &o, err, sizeof(err)) == 0, "%s", err);
	for (i = 0; i < NFIELDS; i++) {
		const struct field *f = &fields[i];
		long bits = oracle(btf, f);

		ck_assert_msg(bits >= 0, "libbpf finds no %s.%s", f->type, f->member);
		ck_assert_msg((long)get(&o, f) * 8 == bits, "%s.%s at %u, libbpf's at bit %ld",
			      f->type, f->member, get(&o, f), bits);
	}
	ck_assert_uint_ne(o.task_pid, o.task_tgid);
	ck_assert_uint_ne(o.mm_arg_start, o.mm_arg_end);
	/* What the programs read there: a pointer to signal_struct, and a 4-byte atomic_t. */
	t = btf__type_by_id(btf, direct_member_type(btf, "task_struct", "signal"));
	ck_assert_msg(btf_is_ptr(t), "task_struct.signal is not a pointer");
	ck_assert_str_eq(btf__name_by_offset(btf, btf__type_by_id(btf, t->type)->name_off),
			 "signal_struct");
	ck_assert_int_eq(btf__resolve_size(btf, direct_member_type(btf, "signal_struct", "live")),
			 4);
	btf__free(btf);
}
END_TEST

/* No linux_binprm: the name nowhere, or a declaration only, or not a struct. */
START_TEST(test_missing_struct)
{
	struct btf *btf = base_btf();

	add_task(btf);
	add_signal(btf);
	add_mm(btf);
	expect_error(btf, -ENOENT, "no struct linux_binprm");
	btf__free(btf);

	btf = base_btf();
	ok(btf__add_fwd(btf, "linux_binprm", BTF_FWD_STRUCT));
	ok(btf__add_struct(btf, "linux_binprm", 0));	/* defined empty */
	ok(btf__add_union(btf, "linux_binprm", 8));	/* a union is not it */
	ok(btf__add_field(btf, "filename", T_PTR, 0, 0));
	ok(btf__add_field(btf, "argc", T_INT, 0, 0));
	ok(btf__add_struct(btf, "other", 8));
	ok(btf__add_field(btf, "linux_binprm", T_PTR, 0, 0));
	add_task(btf);
	add_signal(btf);
	add_mm(btf);
	expect_error(btf, -ENOENT, "no struct linux_binprm");
	btf__free(btf);

	/* task_struct declared only, before the others: the first struct is named. */
	btf = base_btf();
	ok(btf__add_fwd(btf, "task_struct", BTF_FWD_STRUCT));
	add_signal(btf);
	add_mm(btf);
	add_bprm(btf);
	ok(btf__add_struct(btf, "decoy", 80));	/* every member, another name */
	ok(btf__add_field(btf, "pid", T_INT, 64, 0));
	ok(btf__add_field(btf, "tgid", T_INT, 96, 0));
	ok(btf__add_field(btf, "real_parent", T_PTR, 128, 0));
	ok(btf__add_field(btf, "comm", T_COMM, 192, 0));
	ok(btf__add_field(btf, "mm", T_PTR, 320, 0));
	ok(btf__add_field(btf, "pending", T_SIGPENDING, 384, 0));
	ok(btf__add_field(btf, "signal", T_PTR, 576, 0));
	expect_error(btf, -ENOENT, "no struct task_struct");
	btf__free(btf);

	/* signal_struct declared only (task_struct.signal points to it), live elsewhere */
	btf = base_btf();
	ok(btf__add_fwd(btf, "signal_struct", BTF_FWD_STRUCT));
	add_task(btf);
	add_mm(btf);
	add_bprm(btf);
	ok(btf__add_struct(btf, "sighand_struct", 8));
	ok(btf__add_field(btf, "live", T_ATOMIC, 32, 0));
	expect_error(btf, -ENOENT, "no struct signal_struct");
	btf__free(btf);
}
END_TEST

/* Only linux_binprm's own members count, not another struct's of the same name. */
START_TEST(test_missing_member)
{
	struct btf *btf = base_btf();
	int inner;

	/* argc nowhere in the strings */
	add_task(btf);
	add_signal(btf);
	add_mm(btf);
	ok(btf__add_struct(btf, "linux_binprm", 24));
	ok(btf__add_field(btf, "filename", T_PTR, 64, 0));
	expect_error(btf, -ENOENT, "linux_binprm has no argc member");
	btf__free(btf);

	/* argc in a decoy, in another wanted struct, and in a named member's struct */
	btf = base_btf();
	ok(btf__add_struct(btf, "decoy", 4));
	ok(btf__add_field(btf, "argc", T_INT, 0, 0));
	add_task(btf);
	add_signal(btf);
	ok(btf__add_struct(btf, "mm_struct", 32));
	ok(btf__add_field(btf, "argc", T_INT, 0, 0));
	ok(btf__add_field(btf, "arg_start", T_LONG, 128, 0));
	ok(btf__add_field(btf, "arg_end", T_LONG, 192, 0));
	inner = ok(btf__add_struct(btf, "inner", 4));
	ok(btf__add_field(btf, "argc", T_INT, 0, 0));
	ok(btf__add_struct(btf, "linux_binprm", 24));
	ok(btf__add_field(btf, "filename", T_PTR, 64, 0));
	ok(btf__add_field(btf, "named", inner, 128, 0));
	expect_error(btf, -ENOENT, "linux_binprm has no argc member");
	btf__free(btf);

	/* comm only in mm_struct's anonymous struct: not task_struct's */
	btf = base_btf();
	ok(btf__add_struct(btf, "task_struct", 80));
	ok(btf__add_field(btf, "pid", T_INT, 64, 0));
	ok(btf__add_field(btf, "tgid", T_INT, 96, 0));
	ok(btf__add_field(btf, "real_parent", T_PTR, 128, 0));
	ok(btf__add_field(btf, "mm", T_PTR, 320, 0));
	ok(btf__add_field(btf, "pending", T_SIGPENDING, 384, 0));
	ok(btf__add_field(btf, "signal", T_PTR, 576, 0));
	add_signal(btf);
	inner = ok(btf__add_struct(btf, NULL, 16));
	ok(btf__add_field(btf, "comm", T_COMM, 0, 0));
	ok(btf__add_struct(btf, "mm_struct", 48));
	ok(btf__add_field(btf, NULL, inner, 0, 0));
	ok(btf__add_field(btf, "arg_start", T_LONG, 128, 0));
	ok(btf__add_field(btf, "arg_end", T_LONG, 192, 0));
	add_bprm(btf);
	expect_error(btf, -ENOENT, "task_struct has no comm member");
	btf__free(btf);

	/*
	 * pending only as a decoy's, as signal_struct's (another wanted struct), and
	 * shared_pending: not task_struct's
	 */
	btf = base_btf();
	ok(btf__add_struct(btf, "sighand_struct", 24));
	ok(btf__add_field(btf, "pending", T_SIGPENDING, 0, 0));
	ok(btf__add_struct(btf, "signal_struct", 56));
	ok(btf__add_field(btf, "pending", T_SIGPENDING, 0, 0));
	ok(btf__add_field(btf, "shared_pending", T_SIGPENDING, 192, 0));
	ok(btf__add_field(btf, "live", T_ATOMIC, 384, 0));
	ok(btf__add_struct(btf, "task_struct", 80));
	ok(btf__add_field(btf, "pid", T_INT, 64, 0));
	ok(btf__add_field(btf, "tgid", T_INT, 96, 0));
	ok(btf__add_field(btf, "real_parent", T_PTR, 128, 0));
	ok(btf__add_field(btf, "comm", T_COMM, 192, 0));
	ok(btf__add_field(btf, "mm", T_PTR, 320, 0));
	ok(btf__add_field(btf, "shared_pending", T_SIGPENDING, 384, 0));
	ok(btf__add_field(btf, "signal", T_PTR, 576, 0));
	add_mm(btf);
	add_bprm(btf);
	ck_assert_int_eq(oracle(btf, field("task_struct", "pending")), -1);
	expect_error(btf, -ENOENT, "task_struct has no pending member");
	btf__free(btf);

	/* live nowhere in the strings */
	btf = base_btf();
	add_task(btf);
	ok(btf__add_struct(btf, "signal_struct", 8));
	ok(btf__add_field(btf, "sigcnt", T_INT, 0, 0));
	ok(btf__add_field(btf, "nr_threads", T_INT, 32, 0));
	add_mm(btf);
	add_bprm(btf);
	expect_error(btf, -ENOENT, "signal_struct has no live member");
	btf__free(btf);

	/*
	 * live in a decoy, in another wanted struct's anonymous member, and in a named
	 * member's struct: not signal_struct's
	 */
	btf = base_btf();
	ok(btf__add_struct(btf, "sighand_struct", 4));
	ok(btf__add_field(btf, "live", T_ATOMIC, 0, 0));
	inner = ok(btf__add_struct(btf, NULL, 4));
	ok(btf__add_field(btf, "live", T_ATOMIC, 0, 0));
	ok(btf__add_struct(btf, "task_struct", 88));
	ok(btf__add_field(btf, "pid", T_INT, 64, 0));
	ok(btf__add_field(btf, "tgid", T_INT, 96, 0));
	ok(btf__add_field(btf, "real_parent", T_PTR, 128, 0));
	ok(btf__add_field(btf, "comm", T_COMM, 192, 0));
	ok(btf__add_field(btf, "mm", T_PTR, 320, 0));
	ok(btf__add_field(btf, "pending", T_SIGPENDING, 384, 0));
	ok(btf__add_field(btf, "signal", T_PTR, 576, 0));
	ok(btf__add_field(btf, NULL, inner, 640, 0));
	inner = ok(btf__add_struct(btf, "signal_group", 4));
	ok(btf__add_field(btf, "live", T_ATOMIC, 0, 0));
	ok(btf__add_struct(btf, "signal_struct", 8));
	ok(btf__add_field(btf, "sigcnt", T_INT, 0, 0));
	ok(btf__add_field(btf, "group", inner, 32, 0));
	add_mm(btf);
	add_bprm(btf);
	ck_assert_int_eq(oracle(btf, field("signal_struct", "live")), -1);
	expect_error(btf, -ENOENT, "signal_struct has no live member");
	btf__free(btf);
}
END_TEST

/* The bitfield flag: offsets carry a bitfield size in the high byte, or are not whole bytes. */
START_TEST(test_bitfield)
{
	struct kbtf_offsets want = flat;
	struct btf *btf = base_btf();
	int anon;

	/* pid a 32-bit bitfield at byte 8: offset (32 << 24) | 64 in the file */
	ok(btf__add_struct(btf, "task_struct", 80));
	ok(btf__add_field(btf, "pid", T_INT, 64, 32));
	ok(btf__add_field(btf, "tgid", T_INT, 96, 0));
	ok(btf__add_field(btf, "real_parent", T_PTR, 128, 0));
	ok(btf__add_field(btf, "comm", T_COMM, 192, 0));
	ok(btf__add_field(btf, "mm", T_PTR, 320, 0));
	ok(btf__add_field(btf, "pending", T_SIGPENDING, 384, 0));
	ok(btf__add_field(btf, "signal", T_PTR, 576, 0));
	add_signal(btf);
	add_mm(btf);
	add_bprm(btf);
	ck_assert(btf_kflag(btf__type_by_id(btf, T_NEXT)));
	expect_offsets(btf, &want);
	btf__free(btf);

	btf = base_btf();
	ok(btf__add_struct(btf, "task_struct", 80));
	ok(btf__add_field(btf, "pid", T_INT, 64, 0));
	ok(btf__add_field(btf, "tgid", T_INT, 96, 0));
	ok(btf__add_field(btf, "real_parent", T_PTR, 128, 0));
	ok(btf__add_field(btf, "comm", T_INT, 196, 8));
	ok(btf__add_field(btf, "mm", T_PTR, 320, 0));
	ok(btf__add_field(btf, "pending", T_SIGPENDING, 384, 0));
	ok(btf__add_field(btf, "signal", T_PTR, 576, 0));
	add_signal(btf);
	add_mm(btf);
	add_bprm(btf);
	expect_error(btf, -EPROTO, "task_struct.comm is not byte-aligned (bit offset 196)");
	btf__free(btf);

	/* Inside an anonymous struct: the anonymous member's offset is added first. */
	btf = base_btf();
	add_task(btf);
	add_signal(btf);
	anon = ok(btf__add_struct(btf, NULL, 16));
	ok(btf__add_field(btf, "arg_start", T_LONG, 0, 0));
	ok(btf__add_field(btf, "arg_end", T_INT, 68, 4));
	ok(btf__add_struct(btf, "mm_struct", 48));
	ok(btf__add_field(btf, NULL, anon, 128, 0));
	add_bprm(btf);
	expect_error(btf, -EPROTO, "mm_struct.arg_end is not byte-aligned (bit offset 196)");
	btf__free(btf);
}
END_TEST

/* Add strings to btf until the next new one starts at off. */
static void strings_to(struct btf *btf, int off)
{
	int at = ok(btf__add_str(btf, "pad0")) + 5;
	char *fill;

	ck_assert_int_gt(off - at, 1);
	fill = malloc((size_t)(off - at));
	ck_assert_ptr_nonnull(fill);
	memset(fill, 'f', (size_t)(off - at - 1));
	fill[off - at - 1] = '\0';
	ck_assert_int_eq(ok(btf__add_str(btf, fill)) + (off - at), off);
	free(fill);
}

/* Every wanted name cut by the strings' first chunk's end, at every place. */
START_TEST(test_chunk_strings)
{
	unsigned i;

	for (i = 0; i < 2 * NFIELDS; i++) {
		const char *name = i % 2 ? fields[i / 2].member : fields[i / 2].type;
		int cut, len = (int)strlen(name);

		if (i % 2 == 0 && i && !strcmp(name, fields[i / 2 - 1].type))
			continue;	/* that struct's name was cut already */
		for (cut = 0; cut <= len + 1; cut++) {
			struct btf *btf = btf__new_empty();

			/* the name first: base_btf() has some ("signal" in sigpending) */
			ck_assert_ptr_nonnull(btf);
			strings_to(btf, CHUNK - cut);
			ck_assert_int_eq(ok(btf__add_str(btf, name)), CHUNK - cut);
			add_base(btf);
			add_task(btf);
			add_signal(btf);
			add_mm(btf);
			add_bprm(btf);
			expect_offsets(btf, &flat);
			btf__free(btf);
		}
	}
}
END_TEST

static __u32 types_len(struct btf *btf)
{
	__u32 len;
	const struct btf_header *h = btf__raw_data(btf, &len);

	ck_assert_ptr_nonnull(h);
	return h->type_len;
}

/* task_struct's record (a type, seven members) cut by the types' first chunk's end. */
START_TEST(test_chunk_types)
{
	int cut;

	for (cut = 0; cut <= 12 + 7 * 12; cut += 4) {
		struct btf *btf = base_btf();
		int rem = CHUNK - cut - (int)types_len(btf), v;

		if (rem % 8 == 0) {	/* an enum is 12 + 8n bytes */
			ok(btf__add_fwd(btf, "fill", BTF_FWD_STRUCT));
			rem -= 12;
		}
		ok(btf__add_enum(btf, "fill", 4));
		for (v = 0; v < (rem - 12) / 8; v++)
			ok(btf__add_enum_value(btf, "F", v));
		ck_assert_uint_eq(types_len(btf), CHUNK - cut);
		add_task(btf);
		add_signal(btf);
		add_mm(btf);
		add_bprm(btf);
		expect_offsets(btf, &flat);
		btf__free(btf);
	}
}
END_TEST

START_TEST(test_broken)
{
	struct btf *btf = flat_btf();
	struct kbtf_offsets o;
	char err[256];
	const struct btf_header *h;
	unsigned char *raw;
	__u32 len;

	/* Types after the strings (the header allows it), the file cut in the types. */
	h = btf__raw_data(btf, &len);
	raw = malloc(len);
	ck_assert_ptr_nonnull(raw);
	memcpy(raw, h, h->hdr_len);
	memcpy(raw + h->hdr_len, (const char *)h + h->hdr_len + h->str_off, h->str_len);
	memcpy(raw + h->hdr_len + h->str_len, (const char *)h + h->hdr_len + h->type_off,
	       h->type_len);
	((struct btf_header *)raw)->str_off = 0;
	((struct btf_header *)raw)->type_off = h->str_len;
	write_file(raw, len);
	ck_assert_msg(scan(&o, err, sizeof(err)) == 0, "%s", err);
	write_file(raw, len - 20);
	ck_assert_int_eq(scan(&o, err, sizeof(err)), -EIO);
	ck_assert_msg(strstr(err, ": truncated"), "%s", err);

	/* Cut in the strings. */
	write_file(h, len - 30);
	ck_assert_int_eq(scan(&o, err, sizeof(err)), -EIO);
	ck_assert_msg(strstr(err, ": truncated"), "%s", err);

	/* A kind this code does not know (the first type's). */
	memcpy(raw, h, len);
	((struct btf_type *)(raw + h->hdr_len + h->type_off))->info |= 0x1fU << 24;
	write_file(raw, len);
	ck_assert_int_eq(scan(&o, err, sizeof(err)), -EPROTO);
	ck_assert_msg(strstr(err, ": a type kind this ruletrace does not know"), "%s", err);
	free(raw);

	/* Not BTF. */
	write_file("hello, world, not btf at all", 28);
	ck_assert_int_eq(scan(&o, err, sizeof(err)), -EPROTO);
	ck_assert_msg(strstr(err, "not BTF"), "%s", err);

	/* Missing file: the message names the kernel option. */
	ck_assert_int_eq(kbtf_offsets("/nonexistent/vmlinux", &o, err, sizeof(err)), -ENOENT);
	ck_assert_msg(strstr(err, "CONFIG_DEBUG_INFO_BTF"), "%s", err);
	btf__free(btf);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("kbtf");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_flat);
	tcase_add_test(tc, test_synthetic);
	tcase_add_test(tc, test_anonymous);
	tcase_add_test(tc, test_too_deep);
	tcase_add_test(tc, test_anonymous_shared);
	tcase_add_test(tc, test_too_many_anonymous);
	tcase_add_test(tc, test_vmlinux);
	tcase_add_test(tc, test_missing_struct);
	tcase_add_test(tc, test_missing_member);
	tcase_add_test(tc, test_bitfield);
	tcase_add_test(tc, test_chunk_strings);
	tcase_add_test(tc, test_chunk_types);
	tcase_add_test(tc, test_broken);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return check_run(s);
}
