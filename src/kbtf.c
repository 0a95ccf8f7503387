// SPDX-License-Identifier: GPL-2.0-only
/*
 * kbtf.c - the offsets of struct kbtf_offsets (members of task_struct,
 * signal_struct, mm_struct and linux_binprm) from the kernel's BTF: one pass over
 * the strings to learn where the wanted names are, then passes over the types,
 * each stopping once everything is found (on 6.18 one pass, done within the
 * first 70 KB of the 3.2 MB of types; another for each level of anonymous members
 * whose type comes before the struct holding them). At most 64 KiB a read (sysfs
 * hands out 4 KiB), and nothing kept but the numbers.
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
#define MAX_DEPTH	4	/* anonymous members (or typedefs) nested this deep are searched */

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

/* What to find: a member of a struct named in the kernel's BTF, and where its offset goes. */
struct field {
	const char *type;
	const char *member;
	size_t out;		/* offsetof(struct kbtf_offsets, ...), or of the cgroup one */
};

static const struct field fields[] = {
#define FIELD(type, member, out) { type, member, offsetof(struct kbtf_offsets, out) }
	FIELD("task_struct", "pid", task_pid),
	FIELD("task_struct", "tgid", task_tgid),
	FIELD("task_struct", "real_parent", task_real_parent),
	FIELD("task_struct", "comm", task_comm),
	FIELD("task_struct", "mm", task_mm),
	FIELD("task_struct", "pending", task_pending),
	FIELD("task_struct", "signal", task_signal),
	FIELD("signal_struct", "live", signal_live),
	FIELD("mm_struct", "arg_start", mm_arg_start),
	FIELD("mm_struct", "arg_end", mm_arg_end),
	FIELD("linux_binprm", "filename", bprm_filename),
	FIELD("linux_binprm", "argc", bprm_argc),
#undef FIELD
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))
_Static_assert(sizeof(struct kbtf_offsets) == NFIELDS * sizeof(uint32_t),
	       "every offset of struct kbtf_offsets has its row in fields[]");

static const struct field cgroup_fields[] = {
#define FIELD(type, member, out) { type, member, offsetof(struct kbtf_cgroup_offsets, out) }
	FIELD("cgroup", "kn", cgroup_kn),
	FIELD("cgroup", "root", cgroup_root),
	FIELD("cgroup_root", "hierarchy_id", root_hierarchy_id),
	FIELD("kernfs_node", "id", kn_id),
	FIELD("kernfs_node", "name", kn_name),
	FIELD("task_struct", "cgroups", task_cgroups),
	FIELD("css_set", "dfl_cgrp", cset_dfl_cgrp),
	FIELD("cgroup", "self", cgroup_self),
	FIELD("cgroup_subsys_state", "parent", css_parent),
#undef FIELD
};
#define NCGROUP_FIELDS (sizeof(cgroup_fields) / sizeof(cgroup_fields[0]))
_Static_assert(sizeof(struct kbtf_cgroup_offsets) == NCGROUP_FIELDS * sizeof(uint32_t),
	       "every offset of struct kbtf_cgroup_offsets has its row in cgroup_fields[]");

/* The most rows one table has. */
#define MAX_FIELDS 16
_Static_assert(NFIELDS <= MAX_FIELDS && NCGROUP_FIELDS <= MAX_FIELDS, "MAX_FIELDS");

/* Where one wanted name starts in the string section. */
struct name {
	const char *s;		/* NULL: not wanted */
	size_t len;		/* strlen(s), once: every string in the file is compared */
	__u32 offs[MAX_NAME_OFFS];
	unsigned n;
};

/*
 * A struct or union to search for the members of one wanted struct: the wanted
 * struct itself, found by name, or the type of an anonymous member inside it.
 */
struct pending {
	__u32 type_id;		/* 0: the wanted struct, by name */
	__u32 depth;		/* types looked through to get here from the wanted struct */
	unsigned root;		/* the first row of fields[] naming the wanted struct */
	__u64 base_bits;	/* where it sits inside the wanted struct */
};

struct search {
	const struct field *fields;	/* the table searched for */
	unsigned nfields;
	unsigned root[MAX_FIELDS];	/* per row: the first row naming the same struct */
	struct name type[MAX_FIELDS];	/* per root row: where the struct's name is */
	struct name member[MAX_FIELDS];	/* per row: where the member's name is */
	bool defined[MAX_FIELDS];	/* per root row: the struct, with members, seen */
	long long bits[MAX_FIELDS];	/* per row: the member's bit offset, -1 until found */
	unsigned missing;		/* rows not found yet */
	bool overflow;			/* an anonymous member not searched: no room */
	struct pending want[MAX_PENDING], next[MAX_PENDING];
	unsigned nwant, nnext;
};

static bool name_has(const struct name *nm, __u32 off)
{
	unsigned i;

	for (i = 0; i < nm->n; i++)
		if (nm->offs[i] == off)
			return true;
	return false;
}

static void name_note(struct name *nm, const char *s, size_t len, __u32 off)
{
	if (len == nm->len && nm->s && !memcmp(s, nm->s, len) && nm->n < MAX_NAME_OFFS)
		nm->offs[nm->n++] = off;
}

static void names_note(struct search *se, const char *s, size_t len, __u32 off)
{
	unsigned i;

	for (i = 0; i < se->nfields; i++) {
		name_note(&se->type[i], s, len, off);
		name_note(&se->member[i], s, len, off);
	}
}

/* Record where each wanted name starts in the string section, a chunk at a time. */
static int scan_strings(struct reader *r, const struct btf_header *h, struct search *se)
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
					names_note(se, carry, ncarry + len, start);
				}
				ncarry = 0;
			} else {
				names_note(se, p, len, start);
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

/* Search type_id for root's members too: later in this pass if it is still ahead. */
static void queue(struct search *s, __u32 id, const struct pending *from, __u32 type_id,
		  __u64 bits)
{
	struct pending p = { type_id, from->depth + 1, from->root, bits };
	unsigned i;

	for (i = 0; i < s->nfields; i++)
		if (s->root[i] == from->root && s->bits[i] < 0)
			break;
	if (i == s->nfields || p.depth > MAX_DEPTH || !type_id)
		return;		/* nothing left to find there, too deep, or void */
	if (type_id > id && s->nwant < MAX_PENDING)
		s->want[s->nwant++] = p;
	else if (s->nnext < MAX_PENDING)
		s->next[s->nnext++] = p;
	else
		s->overflow = true;
}

/* Read the members of type id, a struct or union, for every pending search hits names. */
static int take_members(struct reader *r, const struct btf_type *t, __u32 id,
			const unsigned *hits, unsigned nhits, struct search *s)
{
	bool bitfields = BTF_INFO_KFLAG(t->info);
	__u32 i, vlen = BTF_INFO_VLEN(t->info);
	const struct btf_member *m;
	unsigned h, f;
	int ret;

	for (i = 0; i < vlen; i++) {
		__u32 off;

		if ((ret = reader_take(r, sizeof(*m), (const void **)&m)) != 0)
			return ret;
		off = bitfields ? BTF_MEMBER_BIT_OFFSET(m->offset) : m->offset;
		for (h = 0; h < nhits; h++) {
			const struct pending *p = &s->want[hits[h]];
			__u64 bits = p->base_bits + off;

			if (!m->name_off) {
				queue(s, id, p, m->type, bits);
				continue;
			}
			/* Only a member of the wanted struct counts, "pid" is everywhere. */
			for (f = 0; f < s->nfields; f++) {
				if (s->root[f] == p->root && s->bits[f] < 0 &&
				    name_has(&s->member[f], m->name_off)) {
					s->bits[f] = (long long)bits;
					s->missing--;
				}
			}
		}
	}
	return 0;
}

/* Is type id, of this kind and header, what p searches? */
static bool wanted(const struct search *s, const struct pending *p, __u32 id, __u32 kind,
		   const struct btf_type *t)
{
	if (p->type_id)
		return p->type_id == id;
	/* The wanted struct by name: not a forward declaration (those have no members). */
	return kind == BTF_KIND_STRUCT && BTF_INFO_VLEN(t->info) && !s->defined[p->root] &&
	       name_has(&s->type[p->root], t->name_off);
}

/* One pass over the types: search every type s->want names, until nothing is missing. */
static int scan_types(struct reader *r, const struct btf_header *h, struct search *s)
{
	__u32 id, pos = 0;
	const struct btf_type *t;
	long extra;
	unsigned i;
	int ret;

	reader_start(r, (off_t)h->hdr_len + h->type_off, h->type_len);
	for (id = 1; pos < h->type_len && s->missing; id++) {
		unsigned hits[MAX_PENDING], nhits = 0;
		struct btf_type copy;
		__u32 kind;

		if ((ret = reader_take(r, sizeof(*t), (const void **)&t)) != 0)
			return ret;
		copy = *t;	/* the reader's buffer moves under the members */
		kind = BTF_INFO_KIND(copy.info);
		if ((extra = extra_bytes(&copy)) < 0)
			return -EPROTO;
		pos += sizeof(copy) + (__u32)extra;
		for (i = 0; i < s->nwant; i++)
			if (wanted(s, &s->want[i], id, kind, &copy))
				hits[nhits++] = i;
		if (nhits && (kind == BTF_KIND_STRUCT || kind == BTF_KIND_UNION)) {
			for (i = 0; i < nhits; i++)
				if (!s->want[hits[i]].type_id)
					s->defined[s->want[hits[i]].root] = true;
			if ((ret = take_members(r, &copy, id, hits, nhits, s)) != 0)
				return ret;
			continue;
		}
		/* An anonymous member's type behind a typedef or qualifier: look through. */
		if (nhits && (kind == BTF_KIND_TYPEDEF || kind == BTF_KIND_CONST ||
			      kind == BTF_KIND_VOLATILE || kind == BTF_KIND_RESTRICT ||
			      kind == BTF_KIND_TYPE_TAG)) {
			for (i = 0; i < nhits; i++) {
				const struct pending *w = &s->want[hits[i]];

				queue(s, id, w, copy.type, w->base_bits);
			}
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

/* Find the offsets of the n rows of fields into out, size bytes (all or nothing). */
static int find_offsets(struct reader *r, const struct btf_header *h,
			const struct field *fields, unsigned n, void *out, size_t size,
			char *err, size_t errlen)
{
	struct search *s = xcalloc(1, sizeof(*s));
	uint32_t found[MAX_FIELDS] = { 0 };
	unsigned i, j;
	int ret;

	s->fields = fields;
	s->nfields = n;
	for (i = 0; i < n; i++) {
		for (j = 0; strcmp(fields[j].type, fields[i].type); j++)
			;
		s->root[i] = j;
		s->bits[i] = -1;
		s->member[i].s = fields[i].member;
		s->member[i].len = strlen(fields[i].member);
		if (j == i) {
			s->type[i].s = fields[i].type;
			s->type[i].len = strlen(fields[i].type);
			s->want[s->nwant++] = (struct pending){ .root = i };
		}
	}
	s->missing = n;
	if ((ret = scan_strings(r, h, s)) != 0)
		goto out;
	/* A name that is nowhere in the strings needs no pass over the types. */
	ret = -ENOENT;
	for (i = 0; i < n; i++) {
		if (!s->type[s->root[i]].n) {
			snprintf(err, errlen, "no struct %s", fields[i].type);
			goto out;
		}
		if (!s->member[i].n) {
			snprintf(err, errlen, "%s has no %s member", fields[i].type,
				 fields[i].member);
			goto out;
		}
	}
	/*
	 * Each pass searches what the last one queued: anonymous members whose types
	 * came before their struct's. It ends, as each pending search is one type
	 * deeper than the one that queued it, and none is deeper than MAX_DEPTH.
	 */
	while (s->nwant && s->missing) {
		s->nnext = 0;
		if ((ret = scan_types(r, h, s)) != 0)
			goto out;
		memcpy(s->want, s->next, sizeof(s->next[0]) * s->nnext);
		s->nwant = s->nnext;
	}
	ret = -ENOENT;
	for (i = 0; i < n; i++) {
		const struct field *f = &fields[i];

		if (!s->defined[s->root[i]]) {	/* the name used, by a declaration maybe */
			snprintf(err, errlen, "no struct %s", f->type);
			goto out;
		}
		if (s->bits[i] < 0) {
			snprintf(err, errlen, "%s has no %s member%s", f->type, f->member,
				 s->overflow ?
				 " (too many anonymous members to search them all)" : "");
			goto out;
		}
		if (s->bits[i] % 8 || s->bits[i] / 8 > UINT32_MAX) {
			snprintf(err, errlen, "%s.%s is %s (bit offset %lld)", f->type, f->member,
				 s->bits[i] % 8 ? "not byte-aligned" : "beyond 4 GiB", s->bits[i]);
			ret = -EPROTO;
			goto out;
		}
		*(uint32_t *)((char *)found + f->out) = (uint32_t)(s->bits[i] / 8);
	}
	memcpy(out, found, size);
	ret = 0;
out:
	free(s);
	return ret;
}

/* Read the offsets of the n rows of fields from the BTF file at path into out. */
static int read_offsets(const char *path, const struct field *fields, unsigned n, void *out,
			size_t size, char *err, size_t errlen)
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
		ret = find_offsets(r, &h, fields, n, out, size, why, sizeof(why));
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

int kbtf_offsets(const char *path, struct kbtf_offsets *out, char *err, size_t errlen)
{
	return read_offsets(path, fields, NFIELDS, out, sizeof(*out), err, errlen);
}

int kbtf_cgroup_offsets(const char *path, struct kbtf_cgroup_offsets *out, char *err,
			size_t errlen)
{
	return read_offsets(path, cgroup_fields, NCGROUP_FIELDS, out, sizeof(*out), err, errlen);
}
