// SPDX-License-Identifier: GPL-2.0-only
/*
 * cgroups.c - the cgroup v2 hierarchy from user space: its mount point (from
 * mountinfo, checked with fstatfs), ids (inode numbers) from paths, paths from
 * ids through a cache the tree walks fill, and the systemd unit and container
 * a path names, read from the shapes systemd, docker, the CRI runtimes, podman
 * and systemd-nspawn give their cgroups.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "cgroups.h"
#include "util.h"

#define MOUNTINFO		"/proc/self/mountinfo"
#define UNIFIED_MOUNT		"/sys/fs/cgroup"
#define CONTAINER_ID_LEN	64
/* A pruned cache may still hold this many removed cgroups beyond twice the live ones. */
#define CACHE_SLACK		1024

struct cg_entry {
	uint64_t id;		/* 0: an empty slot (no inode is 0) */
	unsigned gen;		/* the walk that last found it */
	char *path;
};

struct cgroups {
	char *root;
	int fd;			/* the mount point: lookups go beneath it, not by name */
	struct cg_entry *slots;	/* open addressing, linear probing */
	size_t cap;		/* a power of two, or 0 */
	size_t n;
	unsigned gen;		/* walks begun */
	bool walked;
	uint64_t walked_ns;	/* CLOCK_MONOTONIC when the last walk began */
	uint64_t newest;	/* the highest id known: cgroup ids only grow */
	/*
	 * Every id up to this one was found by a walk or is gone. Not newest: a walk
	 * that found a cgroup made meanwhile may have missed one made before it, in a
	 * directory it had read already.
	 */
	uint64_t settled;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
}

/* --- the mount --- */

/* mountinfo's octal escapes (\040 for a space, ...) undone in place. */
static void unescape_octal(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*w++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 3;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
}

/*
 * A line is "ID PARENT MAJ:MIN ROOT MOUNT_POINT OPTIONS [OPTIONAL...] - TYPE
 * SOURCE SUPER_OPTIONS". /sys/fs/cgroup may be mounted over: what is mounted
 * there last is what the path reaches.
 */
int cgroups_mount_point(FILE *mountinfo, char *out, size_t outlen)
{
	char *line = NULL, *first = NULL;
	bool unified = false;
	size_t cap = 0;
	int ret = -ENOENT;

	while (getline(&line, &cap, mountinfo) > 0) {
		char *save = NULL, *tok, *mnt = NULL, *type = NULL;
		bool sep = false;
		int i;

		for (i = 0, tok = strtok_r(line, " \n", &save); tok;
		     i++, tok = strtok_r(NULL, " \n", &save)) {
			if (i == 4)
				mnt = tok;
			else if (sep) {
				type = tok;
				break;
			} else if (i >= 6 && !strcmp(tok, "-"))
				sep = true;
		}
		if (!mnt || !type)
			continue;
		unescape_octal(mnt);
		if (!strcmp(mnt, UNIFIED_MOUNT))
			unified = !strcmp(type, "cgroup2");
		else if (!first && !strcmp(type, "cgroup2"))
			first = xstrdup(mnt);
	}
	if (unified || first) {
		const char *mp = unified ? UNIFIED_MOUNT : first;

		ret = strlen(mp) < outlen ? 0 : -ENAMETOOLONG;
		if (!ret)
			memcpy(out, mp, strlen(mp) + 1);
	}
	free(first);
	free(line);
	return ret;
}

struct cgroups *cgroups_open_at(const char *root, char *err, size_t errlen)
{
	struct cgroups *cg;
	struct stat st;
	size_t len = strlen(root);
	int fd, e;

	/* Without its trailing slashes, for cgroups_root's callers to join paths to. */
	while (len > 1 && root[len - 1] == '/')
		len--;
	if (len == 0 || len >= CGROUPS_PATH_MAX) {
		snprintf(err, errlen, "%s: %s", root, strerror(len ? ENAMETOOLONG : ENOENT));
		errno = len ? ENAMETOOLONG : ENOENT;
		return NULL;
	}
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		e = errno;
		snprintf(err, errlen, "%s: %s", root, strerror(e));
		if (fd >= 0)
			close(fd);
		errno = e;
		return NULL;
	}
	cg = xcalloc(1, sizeof(*cg));
	cg->root = xstrndup(root, len);
	cg->fd = fd;
	return cg;
}

/* cgroups_open_at, and what is mounted at mp checked to be cgroup2 once it is open. */
static struct cgroups *open_checked(const char *mp, char *err, size_t errlen)
{
	struct cgroups *cg = cgroups_open_at(mp, err, errlen);
	struct statfs sfs;
	int e;

	if (!cg)
		return NULL;
	if (fstatfs(cg->fd, &sfs)) {
		e = errno;
		snprintf(err, errlen, "%s: %s", mp, strerror(e));
	} else if (sfs.f_type != CGROUP2_SUPER_MAGIC) {
		e = ENOENT;
		snprintf(err, errlen, "%s: not a cgroup v2 mount (another file system is mounted "
			 "over it)", mp);
	} else {
		return cg;
	}
	cgroups_free(cg);
	errno = e;
	return NULL;
}

/* Without /proc, the two places systemd mounts it are tried instead. */
struct cgroups *cgroups_open(char *err, size_t errlen)
{
	static const char *const guesses[] = { UNIFIED_MOUNT, UNIFIED_MOUNT "/unified" };
	char mp[CGROUPS_PATH_MAX];
	struct cgroups *cg;
	size_t i;
	FILE *f;
	int ret;

	if ((f = fopen(MOUNTINFO, "re"))) {
		ret = cgroups_mount_point(f, mp, sizeof(mp));
		fclose(f);
		if (!ret)
			return open_checked(mp, err, errlen);
		if (ret != -ENOENT) {
			snprintf(err, errlen, "%s: cgroup2 mount point: %s", MOUNTINFO,
				 strerror(-ret));
			errno = -ret;
			return NULL;
		}
	} else {
		for (i = 0; i < ARRAY_SIZE(guesses); i++)
			if ((cg = open_checked(guesses[i], err, errlen)))
				return cg;
	}
	snprintf(err, errlen, "no cgroup v2 hierarchy is mounted: a rule with cgroup, unit or "
		 "container filters or group_by needs one");
	errno = ENOENT;
	return NULL;
}

const char *cgroups_root(const struct cgroups *cg)
{
	return cg->root;
}

/* rel as a path beneath the mount's descriptor: "." for the root. */
static const char *beneath(const char *rel)
{
	while (*rel == '/')
		rel++;
	return *rel ? rel : ".";
}

/* Whether rel has a "." or ".." component, which could leave the mount or alias a cgroup. */
static bool has_dots(const char *rel)
{
	const char *p = rel;

	while (*p) {
		size_t n = strcspn(p, "/");

		if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return true;
		p += n;
		p += strspn(p, "/");
	}
	return false;
}

int cgroups_id_of(const struct cgroups *cg, const char *rel, uint64_t *id)
{
	struct stat st;

	if (has_dots(rel))
		return -EINVAL;
	if (fstatat(cg->fd, beneath(rel), &st, AT_SYMLINK_NOFOLLOW))
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	*id = (uint64_t)st.st_ino;
	return 0;
}

/* --- the id -> path cache --- */

static size_t slot_of(const struct cgroups *cg, uint64_t id)
{
	uint64_t h = id;

	/* Inode numbers come in runs: mixed, so that runs do not cluster. */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return (size_t)h & (cg->cap - 1);
}

/* The slot holding id, or the empty one where it would go; cg->cap must not be 0. */
static struct cg_entry *cache_find(const struct cgroups *cg, uint64_t id)
{
	size_t i = slot_of(cg, id);

	while (cg->slots[i].id && cg->slots[i].id != id)
		i = (i + 1) & (cg->cap - 1);
	return &cg->slots[i];
}

static const struct cg_entry *cache_get(const struct cgroups *cg, uint64_t id)
{
	const struct cg_entry *e;

	if (!id || !cg->cap)
		return NULL;
	e = cache_find(cg, id);
	return e->id ? e : NULL;
}

/* Move the entries to a table of cap slots; with prune, only those walk gen found. */
static void cache_rehash(struct cgroups *cg, size_t cap, bool prune, unsigned gen)
{
	struct cg_entry *old = cg->slots;
	size_t i, oldcap = cg->cap;

	cg->slots = xcalloc(cap, sizeof(*cg->slots));
	cg->cap = cap;
	cg->n = 0;
	for (i = 0; i < oldcap; i++) {
		if (!old[i].id)
			continue;
		if (prune && old[i].gen != gen) {
			free(old[i].path);
			continue;
		}
		*cache_find(cg, old[i].id) = old[i];
		cg->n++;
	}
	free(old);
}

static void cache_put(struct cgroups *cg, uint64_t id, const char *path, unsigned gen)
{
	struct cg_entry *e;

	if (!id)
		return;
	if ((cg->n + 1) * 2 > cg->cap)
		cache_rehash(cg, cg->cap ? cg->cap * 2 : 64, false, 0);
	e = cache_find(cg, id);
	if (!e->id) {
		e->id = id;
		e->path = xstrdup(path);
		cg->n++;
	} else if (strcmp(e->path, path)) {
		/* Renamed (not on cgroup2, which cannot rename) or, elsewhere, a reused inode. */
		free(e->path);
		e->path = xstrdup(path);
	}
	e->gen = gen;
}

/*
 * Removed cgroups are kept, so that counts read after a container exits can
 * still be labelled, until they outnumber the live ones (and some slack): a
 * host that starts and stops containers all day does not grow the cache forever.
 */
static void cache_prune(struct cgroups *cg, size_t live, unsigned gen)
{
	size_t cap = 64;

	if (cg->n <= 2 * live + CACHE_SLACK)
		return;
	while (cap < 2 * (live + 1))
		cap *= 2;
	cache_rehash(cg, cap, true, gen);
}

void cgroups_learn(struct cgroups *cg, uint64_t id, const char *path)
{
	/* As if the last walk found it: kept while it lives, and a while after. */
	cache_put(cg, id, path[0] ? path : "/", cg->gen);
}

const char *cgroups_path_of(struct cgroups *cg, uint64_t id)
{
	const struct cg_entry *e = cache_get(cg, id);

	if (e)
		return e->path;
	/*
	 * An id above the settled ones is a cgroup made since a walk began: worth a
	 * walk at once (events from a new container name it). Any other miss (a
	 * cgroup gone) walks at most once per CGROUPS_RESCAN_MS.
	 */
	if (!id || (id <= cg->settled && cg->walked &&
		    now_ns() - cg->walked_ns < CGROUPS_RESCAN_MS * 1000000ULL))
		return NULL;
	cgroups_walk(cg, NULL, NULL);
	e = cache_get(cg, id);
	/*
	 * Not found even so: gone, and so is every unknown id below it (made before
	 * it, so before this walk began). No walk again for them.
	 */
	if (!e && id > cg->settled)
		cg->settled = id;
	return e ? e->path : NULL;
}

/* --- the walk --- */

struct walk {
	char **stack;		/* paths still to visit, the next one last */
	size_t n;
	size_t cap;
	size_t found;
	unsigned gen;
	int err;		/* the first error reading a directory */
};

static void walk_push(struct walk *w, char *path)
{
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 64;
		w->stack = xreallocarray(w->stack, w->cap, sizeof(*w->stack));
	}
	w->stack[w->n++] = path;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* rel's subdirectories (its child cgroups), pushed so that they pop in name order. */
static int push_children(struct walk *w, const char *rel, DIR *d)
{
	char **names = NULL;
	size_t n = 0, cap = 0, i, rlen = strlen(rel);
	struct dirent *de;
	struct stat st;
	int ret = 0;

	for (;;) {
		errno = 0;
		if (!(de = readdir(d))) {
			ret = errno ? -errno : 0;
			break;
		}
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (de->d_type != DT_DIR &&
		    (de->d_type != DT_UNKNOWN ||
		     fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
		     !S_ISDIR(st.st_mode)))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			names = xreallocarray(names, cap, sizeof(*names));
		}
		names[n++] = xstrdup(de->d_name);
	}
	if (n)	/* qsort must not be handed NULL, even for nothing */
		qsort(names, n, sizeof(*names), cmp_names);
	for (i = n; i-- > 0;) {
		size_t len = strlen(names[i]);
		char *path;

		/* A path the kernel itself could not take: not one of ours to label. */
		if (rlen + 1 + len >= CGROUPS_PATH_MAX) {
			ret = ret ? ret : -ENAMETOOLONG;
			free(names[i]);
			continue;
		}
		path = xmalloc(rlen + 1 + len + 1);
		snprintf(path, rlen + 1 + len + 1, "%s/%s", rlen == 1 ? "" : rel, names[i]);
		walk_push(w, path);
		free(names[i]);
	}
	free(names);
	return ret;
}

/* Record rel, hand it to fn, queue its children; fn's nonzero answer is returned. */
static int walk_one(struct cgroups *cg, struct walk *w, const char *rel,
		    int (*fn)(void *ctx, const char *rel, uint64_t id), void *ctx)
{
	struct stat st;
	DIR *d;
	int fd, ret;

	fd = openat(cg->fd, beneath(rel), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		/* Removed (or replaced) since its parent was read: not an error. */
		if (errno != ENOENT && errno != ENOTDIR && !w->err)
			w->err = -errno;
		if (fd >= 0)
			close(fd);
		return 0;
	}
	cache_put(cg, (uint64_t)st.st_ino, rel, w->gen);
	if ((uint64_t)st.st_ino > cg->newest)
		cg->newest = (uint64_t)st.st_ino;
	w->found++;
	if (fn && (ret = fn(ctx, rel, (uint64_t)st.st_ino))) {
		close(fd);
		return ret;
	}
	if (!(d = fdopendir(fd))) {
		if (!w->err)
			w->err = -errno;
		close(fd);
		return 0;
	}
	ret = push_children(w, rel, d);
	if (ret && !w->err)
		w->err = ret;
	closedir(d);
	return 0;
}

/* Depth first with a stack of paths, not recursion: one descriptor open at a time. */
int cgroups_walk(struct cgroups *cg, int (*fn)(void *ctx, const char *rel, uint64_t id),
		 void *ctx)
{
	struct walk w = { .gen = ++cg->gen };
	uint64_t before = cg->newest;	/* made before this walk: found by it, or gone */
	int ret = 0;

	cg->walked = true;
	cg->walked_ns = now_ns();
	walk_push(&w, xstrdup("/"));
	while (w.n) {
		char *rel = w.stack[--w.n];

		if (!ret)
			ret = walk_one(cg, &w, rel, fn, ctx);
		free(rel);
	}
	free(w.stack);
	if (!ret && before > cg->settled)
		cg->settled = before;
	/* Only a whole walk knows which cgroups are gone. */
	if (!ret && !w.err)
		cache_prune(cg, w.found, w.gen);
	return ret ? ret : w.err;
}

void cgroups_free(struct cgroups *cg)
{
	size_t i;

	if (!cg)
		return;
	for (i = 0; i < cg->cap; i++)
		free(cg->slots[i].path);
	free(cg->slots);
	free(cg->root);
	close(cg->fd);
	free(cg);
}

/* --- what a path names --- */

/* The components of a path from the innermost out. */
struct comp_iter {
	const char *path;
	size_t end;
};

static bool comp_prev(struct comp_iter *it, const char **s, size_t *len)
{
	size_t start;

	while (it->end && it->path[it->end - 1] == '/')
		it->end--;
	if (!it->end)
		return false;
	start = it->end;
	while (start && it->path[start - 1] != '/')
		start--;
	*s = it->path + start;
	*len = it->end - start;
	it->end = start;
	return true;
}

static bool has_suffix(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len > n && !memcmp(s + len - n, suffix, n);
}

static bool is_unit(const char *s, size_t len)
{
	return has_suffix(s, len, ".service") || has_suffix(s, len, ".scope");
}

bool cgroups_is_unit(const char *name)
{
	return is_unit(name, strlen(name));
}

/* A unit name too long for systemd is no unit: the search goes on outwards. */
bool cgroups_unit_of(const char *path, char out[CGROUPS_UNIT_MAX])
{
	struct comp_iter it = { path, strlen(path) };
	const char *s;
	size_t len;

	while (comp_prev(&it, &s, &len)) {
		if (is_unit(s, len) && len < CGROUPS_UNIT_MAX) {
			memcpy(out, s, len);
			out[len] = '\0';
			return true;
		}
	}
	return false;
}

static bool all_hex(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* Whether s is a whole container id: 64 lowercase hex digits, as the runtimes write them. */
static bool is_id(const char *s, size_t len)
{
	return len == CONTAINER_ID_LEN && all_hex(s, len);
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* systemd's unit name escapes (\x2d for '-', ...) undone; false if it does not fit or has NUL. */
static bool unescape_unit(const char *s, size_t len, char out[CGROUPS_CONTAINER_MAX])
{
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c == '\\' && i + 3 < len && s[i + 1] == 'x' && hex_value(s[i + 2]) >= 0 &&
		    hex_value(s[i + 3]) >= 0) {
			c = (char)(hex_value(s[i + 2]) << 4 | hex_value(s[i + 3]));
			i += 3;
		}
		if (c == '\0' || o == CGROUPS_CONTAINER_MAX - 1)
			return false;
		out[o++] = c;
	}
	out[o] = '\0';
	return o > 0;
}

/* Whether component s names a container, its id or name into out; *machine: by a machine scope. */
static bool name_container(const char *s, size_t len, char out[CGROUPS_CONTAINER_MAX],
			   bool *machine)
{
	static const char *const prefixes[] = { "docker-", "cri-containerd-", "crio-", "libpod-" };
	static const char scope[] = ".scope", mach[] = "machine-";
	size_t i, p;

	*machine = false;
	if (is_id(s, len)) {
		memcpy(out, s, len);
		out[len] = '\0';
		return true;
	}
	if (!has_suffix(s, len, scope))
		return false;
	len -= sizeof(scope) - 1;
	for (i = 0; i < ARRAY_SIZE(prefixes); i++) {
		p = strlen(prefixes[i]);
		if (len == p + CONTAINER_ID_LEN && !memcmp(s, prefixes[i], p) &&
		    is_id(s + p, len - p)) {
			memcpy(out, s + p, CONTAINER_ID_LEN);
			out[CONTAINER_ID_LEN] = '\0';
			return true;
		}
	}
	p = sizeof(mach) - 1;
	if (len > p && !memcmp(s, mach, p) && unescape_unit(s + p, len - p, out)) {
		*machine = true;
		return true;
	}
	return false;
}

bool cgroups_container_of_name(const char *name, char out[CGROUPS_CONTAINER_MAX])
{
	char buf[CGROUPS_CONTAINER_MAX];
	bool machine;

	if (!name_container(name, strlen(name), buf, &machine))
		return false;
	memcpy(out, buf, strlen(buf) + 1);
	return true;
}

/*
 * systemd-machined puts a machine's scope in machine.slice, or in a slice under it
 * (machine-<name>.slice); elsewhere machine-<name>.scope is some other scope's name.
 */
bool cgroups_container_of(const char *path, char out[CGROUPS_CONTAINER_MAX])
{
	struct comp_iter it = { path, strlen(path) };
	char buf[CGROUPS_CONTAINER_MAX];
	const char *s;
	size_t len;
	bool machine;

	while (comp_prev(&it, &s, &len)) {
		struct comp_iter up = it;
		const char *a;
		size_t alen;
		bool under = false;

		if (!name_container(s, len, buf, &machine))
			continue;
		while (machine && !under && comp_prev(&up, &a, &alen))
			under = alen == 13 && !memcmp(a, "machine.slice", 13);
		if (machine && !under)
			continue;
		memcpy(out, buf, strlen(buf) + 1);
		return true;
	}
	return false;
}

/*
 * An all-hex want is a prefix of a container id; a machine name, even an all-hex
 * one, matches only itself.
 */
bool cgroups_container_match(const char *id, const char *want)
{
	size_t n = strlen(want);

	if (!n)
		return false;
	if (is_id(id, strlen(id)) && n <= CONTAINER_ID_LEN && all_hex(want, n))
		return !strncmp(id, want, n);
	return !strcmp(id, want);
}
