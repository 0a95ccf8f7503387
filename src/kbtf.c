// SPDX-License-Identifier: GPL-2.0-only
/*
 * kbtf.c - task_struct.pid, .tgid and .real_parent from the kernel's BTF,
 * in one pass over the strings and one or two over the types, 64 KiB at a time.
 * The format is the kernel's Documentation/bpf/btf.rst: a header, then type
 * records (each a btf_type and kind-specific data), then NUL-separated names.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/btf.h>

#include "kbtf.h"
#include "util.h"

#define CHUNK		65536
#define MAX_NAME_OFFS	8	/* copies of one name, should the strings not be deduplicated */
#define MAX_PENDING	64	/* anonymous struct/union members still to look into */
#define MAX_DEPTH	4	/* anonymous members nested this deep are searched */

#ifndef BTF_KIND_ENUM64
#define BTF_KIND_ENUM64 19
#endif

struct reader {
	int fd;
	off_t next;		/* file offset of the next read */
	off_t end;		/* end of the section being read */
	unsigned char buf[CHUNK];
	size_t off, len;
};

static void reader_start(struct reader *r, off_t start, off_t len)
{
	r->next = start;
	r->end = start + len;
	r->off = r->len = 0;
}

/* Point *p at the next n (<= CHUNK) bytes of the section; -EIO past its end. */
static int reader_take(struct reader *r, size_t n, const void **p)
{
	if (r->len - r->off < n) {
		size_t keep = r->len - r->off;
		ssize_t got;

		memmove(r->buf, r->buf + r->off, keep);
		r->off = 0;
		r->len = keep;
		while (r->len < n) {
			size_t want = sizeof(r->buf) - r->len;

			if ((off_t)want > r->end - r->next)
				want = (size_t)(r->end - r->next);
			if (want == 0)
				return -EIO;
			got = pread(r->fd, r->buf + r->len, want, r->next);
			if (got < 0 && errno == EINTR)
				continue;
			if (got <= 0)
				return got < 0 ? -errno : -EIO;
			r->len += (size_t)got;
			r->next += got;
		}
	}
	*p = r->buf + r->off;
	r->off += n;
	return 0;
}

struct names {
	const char *name;
	__u32 offs[MAX_NAME_OFFS];
	unsigned n;
};

enum { NAME_TASK, NAME_PID, NAME_TGID, NAME_PARENT, NAME_COUNT };

static bool names_has(const struct names *nm, __u32 off)
{
	unsigned i;

	for (i = 0; i < nm->n; i++)
		if (nm->offs[i] == off)
			return true;
	return false;
}

static void names_note(struct names *nm, const char *s, size_t len, __u32 off)
{
	int i;

	for (i = 0; i < NAME_COUNT; i++)
		if (len == strlen(nm[i].name) && !memcmp(s, nm[i].name, len) &&
		    nm[i].n < MAX_NAME_OFFS)
			nm[i].offs[nm[i].n++] = off;
}

/* Record where each wanted name starts in the string section, a chunk at a time. */
static int scan_strings(struct reader *r, const struct btf_header *h, struct names *nm)
{
	char carry[32];		/* a name cut by a chunk's end; longer ones match nothing */
	size_t ncarry = 0;
	__u32 start = 0, done = 0;

	while (done < h->str_len) {
		size_t n = h->str_len - done < sizeof(r->buf) ? h->str_len - done : sizeof(r->buf);
		const char *p = (const char *)r->buf, *end, *nul;
		ssize_t got = pread(r->fd, r->buf, n, (off_t)h->hdr_len + h->str_off + done);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return got < 0 ? -errno : -EIO;
		end = p + got;
		while ((nul = memchr(p, '\0', (size_t)(end - p))) != NULL) {
			size_t len = (size_t)(nul - p);

			if (ncarry) {
				if (ncarry + len <= sizeof(carry)) {
					memcpy(carry + ncarry, p, len);
					names_note(nm, carry, ncarry + len, start);
				}
				ncarry = 0;
			} else {
				names_note(nm, p, len, start);
			}
			start = done + (__u32)(nul - (const char *)r->buf) + 1;
			p = nul + 1;
		}
		if (p < end) {	/* the unfinished name continues in the next chunk */
			size_t len = (size_t)(end - p);

			if (ncarry + len <= sizeof(carry))
				memcpy(carry + ncarry, p, len);
			ncarry = ncarry + len <= sizeof(carry) ? ncarry + len : sizeof(carry) + 1;
		}
		done += (__u32)got;
	}
	return 0;
}

/* Bytes of kind-specific data after a btf_type; -1 for a kind this code does not know. */
static long extra_bytes(const struct btf_type *t)
{
	__u32 vlen = BTF_INFO_VLEN(t->info);

	switch (BTF_INFO_KIND(t->info)) {
	case BTF_KIND_INT:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
		return 4;
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return (long)vlen * sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return (long)vlen * sizeof(struct btf_enum);
	case BTF_KIND_FUNC_PROTO:
		return (long)vlen * sizeof(struct btf_param);
	case BTF_KIND_DATASEC:
		return (long)vlen * sizeof(struct btf_var_secinfo);
	case BTF_KIND_ENUM64:
		return (long)vlen * 12;
	case BTF_KIND_PTR:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		return 0;
	default:
		return -1;
	}
}

/* A struct or union to search: task_struct itself (by name) or an anonymous member. */
struct pending {
	__u32 type_id;		/* 0: task_struct, found by name */
	__u32 base_bits;	/* where it sits inside task_struct */
};

struct search {
	struct pending want[MAX_PENDING], next[MAX_PENDING];
	unsigned nwant, nnext;
	bool found_task;
	long pid_bits, tgid_bits, parent_bits;	/* -1 until found */
};

static int take_members(struct reader *r, const struct btf_type *t, const struct pending *p,
			const struct names *nm, struct search *s)
{
	bool bitfields = BTF_INFO_KFLAG(t->info);
	__u32 i, vlen = BTF_INFO_VLEN(t->info);
	const struct btf_member *m;
	int ret;

	for (i = 0; i < vlen; i++) {
		__u32 bits;

		if ((ret = reader_take(r, sizeof(*m), (const void **)&m)) != 0)
			return ret;
		bits = p->base_bits + (bitfields ? BTF_MEMBER_BIT_OFFSET(m->offset) : m->offset);
		if (names_has(&nm[NAME_PID], m->name_off) && s->pid_bits < 0)
			s->pid_bits = bits;
		else if (names_has(&nm[NAME_TGID], m->name_off) && s->tgid_bits < 0)
			s->tgid_bits = bits;
		else if (names_has(&nm[NAME_PARENT], m->name_off) && s->parent_bits < 0)
			s->parent_bits = bits;
		else if (m->name_off == 0 && s->nnext < MAX_PENDING)
			s->next[s->nnext++] = (struct pending){ m->type, bits };
	}
	return 0;
}

/* One pass over the types: search every struct or union s->want names. */
static int scan_types(struct reader *r, const struct btf_header *h, const struct names *nm,
		      struct search *s)
{
	__u32 id, pos = 0;
	const struct btf_type *t;
	long extra;
	unsigned i;
	int ret;

	reader_start(r, (off_t)h->hdr_len + h->type_off, h->type_len);
	for (id = 1; pos < h->type_len; id++) {
		const struct pending *match = NULL;
		struct btf_type copy;
		__u32 kind;

		if ((ret = reader_take(r, sizeof(*t), (const void **)&t)) != 0)
			return ret;
		copy = *t;	/* the reader's buffer moves under the members */
		kind = BTF_INFO_KIND(copy.info);
		if ((extra = extra_bytes(&copy)) < 0)
			return -EPROTO;
		pos += sizeof(copy) + (__u32)extra;
		if (kind == BTF_KIND_STRUCT || kind == BTF_KIND_UNION) {
			for (i = 0; i < s->nwant && !match; i++) {
				if (s->want[i].type_id == id ||
				    (s->want[i].type_id == 0 && !s->found_task &&
				     kind == BTF_KIND_STRUCT && BTF_INFO_VLEN(copy.info) &&
				     names_has(&nm[NAME_TASK], copy.name_off)))
					match = &s->want[i];
			}
		}
		if (match) {
			if (match->type_id == 0)
				s->found_task = true;
			if ((ret = take_members(r, &copy, match, nm, s)) != 0)
				return ret;
			continue;
		}
		while (extra > 0) {	/* skip, at most a chunk at a time */
			const void *p;
			size_t n = extra > CHUNK ? CHUNK : (size_t)extra;

			if ((ret = reader_take(r, n, &p)) != 0)
				return ret;
			extra -= (long)n;
		}
	}
	return 0;
}

static int find_offsets(struct reader *r, const struct btf_header *h,
			struct kbtf_task_offsets *out, char *err, size_t errlen)
{
	struct names nm[NAME_COUNT] = {
		[NAME_TASK] = { .name = "task_struct" },
		[NAME_PID] = { .name = "pid" },
		[NAME_TGID] = { .name = "tgid" },
		[NAME_PARENT] = { .name = "real_parent" },
	};
	struct search s = { .nwant = 1, .pid_bits = -1, .tgid_bits = -1, .parent_bits = -1 };
	int depth, ret;

	if ((ret = scan_strings(r, h, nm)) != 0)
		return ret;
	if (!nm[NAME_TASK].n || !nm[NAME_PID].n || !nm[NAME_TGID].n || !nm[NAME_PARENT].n) {
		snprintf(err, errlen, "no task_struct, pid, tgid or real_parent among its names");
		return -ENOENT;
	}
	for (depth = 0; depth < MAX_DEPTH && s.nwant; depth++) {
		s.nnext = 0;
		if ((ret = scan_types(r, h, nm, &s)) != 0)
			return ret;
		if (s.pid_bits >= 0 && s.tgid_bits >= 0 && s.parent_bits >= 0)
			break;
		memcpy(s.want, s.next, sizeof(s.next[0]) * s.nnext);
		s.nwant = s.nnext;
	}
	if (!s.found_task || s.pid_bits < 0 || s.tgid_bits < 0 || s.parent_bits < 0) {
		snprintf(err, errlen, "struct task_struct %s", !s.found_task ? "not found" :
			 "has no pid, tgid or real_parent member");
		return -ENOENT;
	}
	if (s.pid_bits % 8 || s.tgid_bits % 8 || s.parent_bits % 8) {
		snprintf(err, errlen, "task_struct.pid, tgid or real_parent is not byte-aligned");
		return -EPROTO;
	}
	out->pid = (uint32_t)(s.pid_bits / 8);
	out->tgid = (uint32_t)(s.tgid_bits / 8);
	out->real_parent = (uint32_t)(s.parent_bits / 8);
	return 0;
}

int kbtf_task_offsets(const char *path, struct kbtf_task_offsets *out, char *err,
		      size_t errlen)
{
	struct reader *r = xcalloc(1, sizeof(*r));
	struct btf_header h;
	char why[160] = "";
	int ret;

	r->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s (the kernel needs CONFIG_DEBUG_INFO_BTF)", path,
			 strerror(-ret));
		free(r);
		return ret;
	}
	if (pread(r->fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h) || h.magic != BTF_MAGIC ||
	    h.hdr_len < sizeof(h)) {
		snprintf(why, sizeof(why), "not BTF in this machine's byte order");
		ret = -EPROTO;
	} else {
		ret = find_offsets(r, &h, out, why, sizeof(why));
	}
	if (ret) {
		if (!why[0])
			snprintf(why, sizeof(why), "%s", ret == -EPROTO ?
				 "a type kind this ruletrace does not know" :
				 ret == -EIO ? "truncated" : strerror(-ret));
		snprintf(err, errlen, "%s: %s", path, why);
	}
	close(r->fd);
	free(r);
	return ret;
}
