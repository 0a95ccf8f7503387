// SPDX-License-Identifier: GPL-2.0-only
/*
 * check_cgroups.c - the cgroup v2 module: the mount found in mountinfo text, ids
 * and paths on a plain directory tree (ids are then inode numbers, as on
 * cgroup2), the walk's order, the cache and its rescan limit, and the units and
 * containers read from realistic cgroup paths. The real hierarchy is looked at
 * too where one is mounted, read-only.
 */
#define _GNU_SOURCE	/* nftw, fmemopen */
#include <check.h>
#include <errno.h>
#include <ftw.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cgroups.h"
#include "check_run.h"

#define ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define ID2 "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
#define POD "pod6b1c0e9e-3f7a-4d2e-9a51-0c8d2f3b4a5e"

static char tree[64];
static char err[512];

static void mkdir_in(const char *rel)
{
	char path[CGROUPS_PATH_MAX];

	snprintf(path, sizeof(path), "%s%s", tree, rel);
	ck_assert_msg(mkdir(path, 0755) == 0, "mkdir %s: %s", path, strerror(errno));
}

static void rmdir_in(const char *rel)
{
	char path[CGROUPS_PATH_MAX];

	snprintf(path, sizeof(path), "%s%s", tree, rel);
	ck_assert_msg(rmdir(path) == 0, "rmdir %s: %s", path, strerror(errno));
}

static uint64_t ino_of(const char *rel)
{
	char path[CGROUPS_PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s%s", tree, rel);
	ck_assert_msg(lstat(path, &st) == 0, "%s: %s", path, strerror(errno));
	return (uint64_t)st.st_ino;
}

/* /a/b, /a/c, /d, and beside them what is no cgroup: a file and a symbolic link. */
static void setup(void)
{
	char path[CGROUPS_PATH_MAX];
	FILE *f;

	snprintf(tree, sizeof(tree), "/tmp/check_cgroups.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tree));
	mkdir_in("/a");
	mkdir_in("/a/c");
	mkdir_in("/a/b");
	mkdir_in("/d");
	snprintf(path, sizeof(path), "%s/a/cgroup.procs", tree);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fclose(f);
	snprintf(path, sizeof(path), "%s/link", tree);
	ck_assert_int_eq(symlink("a", path), 0);
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void teardown(void)
{
	nftw(tree, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* --- the mount --- */

static int mount_point(const char *text, char *out, size_t outlen)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int ret;

	ck_assert_ptr_nonnull(f);
	ret = cgroups_mount_point(f, out, outlen);
	fclose(f);
	return ret;
}

#define V1(n, c) n " 31 0:" n " / /sys/fs/cgroup/" c " rw,relatime - cgroup cgroup rw," c "\n"
#define TMPFS_SFC "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"

START_TEST(test_mount_point)
{
	static const struct {
		const char *text;
		const char *want;	/* NULL: none */
	} cases[] = {
		/* unified, as systemd mounts it */
		{ "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/vda rw\n"
		  "25 30 0:22 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 "
		  "cgroup2 rw,nsdelegate,memory_recursiveprot\n", "/sys/fs/cgroup" },
		/* hybrid: v1 controllers on a tmpfs, cgroup2 beside them */
		{ TMPFS_SFC V1("32", "cpu") V1("40", "memory")
		  "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n",
		  "/sys/fs/cgroup/unified" },
		/* legacy: v1 only */
		{ TMPFS_SFC V1("32", "cpu") V1("40", "memory"), NULL },
		/* /sys/fs/cgroup is preferred, wherever its line is */
		{ "50 1 0:40 / /mnt/cg rw - cgroup2 none rw\n"
		  "51 1 0:41 / /sys/fs/cgroup rw master:7 - cgroup2 cgroup2 rw\n",
		  "/sys/fs/cgroup" },
		/* else the first cgroup2 mount */
		{ "50 1 0:40 / /mnt/one rw - cgroup2 none rw\n"
		  "51 1 0:40 / /mnt/two rw - cgroup2 none rw\n", "/mnt/one" },
		/* cgroup2 at /sys/fs/cgroup mounted over by a tmpfs: the path reaches the tmpfs */
		{ "51 1 0:41 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n"
		  "52 51 0:42 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n"
		  "53 1 0:41 / /mnt/cg rw - cgroup2 cgroup2 rw\n", "/mnt/cg" },
		/* mountinfo's octal escapes, several optional fields */
		{ "60 1 0:43 / /mnt/my\\040cg\\134x rw shared:2 master:3 propagate_from:1 - "
		  "cgroup2 none rw\n", "/mnt/my cg\\x" },
		/* a type that only starts like cgroup2, a line cut short, nothing at all */
		{ "61 1 0:44 / /mnt/x rw - cgroup2x none rw\n61 1 0:44 / /mnt/y rw\n\n", NULL },
		{ "", NULL },
	};
	char out[CGROUPS_PATH_MAX];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int ret = mount_point(cases[i].text, out, sizeof(out));

		if (!cases[i].want) {
			ck_assert_msg(ret == -ENOENT, "case %zu: %d", i, ret);
			continue;
		}
		ck_assert_msg(ret == 0, "case %zu: %d", i, ret);
		ck_assert_str_eq(out, cases[i].want);
	}
	ck_assert_int_eq(mount_point(cases[0].text, out, 14), -ENAMETOOLONG);
	ck_assert_int_eq(mount_point(cases[0].text, out, 15), 0);
	ck_assert_str_eq(out, "/sys/fs/cgroup");
}
END_TEST

START_TEST(test_open_at)
{
	char path[CGROUPS_PATH_MAX];
	struct cgroups *cg;
	uint64_t id;

	snprintf(path, sizeof(path), "%s//", tree);
	ck_assert_ptr_nonnull(cg = cgroups_open_at(path, err, sizeof(err)));
	ck_assert_str_eq(cgroups_root(cg), tree);

	ck_assert_int_eq(cgroups_id_of(cg, "/", &id), 0);
	ck_assert_uint_eq(id, ino_of(""));
	id = 0;
	ck_assert_int_eq(cgroups_id_of(cg, "", &id), 0);
	ck_assert_uint_eq(id, ino_of(""));
	ck_assert_int_eq(cgroups_id_of(cg, "/a/b", &id), 0);
	ck_assert_uint_eq(id, ino_of("/a/b"));
	id = 0;
	ck_assert_int_eq(cgroups_id_of(cg, "a/b", &id), 0);
	ck_assert_uint_eq(id, ino_of("/a/b"));
	id = 0;
	ck_assert_int_eq(cgroups_id_of(cg, "/a/b/", &id), 0);
	ck_assert_uint_eq(id, ino_of("/a/b"));
	ck_assert_uint_ne(ino_of("/a/b"), ino_of("/a/c"));

	ck_assert_int_eq(cgroups_id_of(cg, "/nope", &id), -ENOENT);
	ck_assert_int_eq(cgroups_id_of(cg, "/a/cgroup.procs", &id), -ENOTDIR);
	ck_assert_int_eq(cgroups_id_of(cg, "/link", &id), -ENOTDIR);
	ck_assert_int_eq(cgroups_id_of(cg, "/a/../d", &id), -EINVAL);
	ck_assert_int_eq(cgroups_id_of(cg, "..", &id), -EINVAL);
	ck_assert_int_eq(cgroups_id_of(cg, "./a", &id), -EINVAL);
	ck_assert_int_eq(cgroups_id_of(cg, "/a/.", &id), -EINVAL);
	/* Names that only start with dots are names. */
	mkdir_in("/..x");
	ck_assert_int_eq(cgroups_id_of(cg, "/..x", &id), 0);
	ck_assert_uint_eq(id, ino_of("/..x"));
	cgroups_free(cg);
	cgroups_free(NULL);

	snprintf(path, sizeof(path), "%s/nope", tree);
	errno = 0;
	ck_assert_ptr_null(cgroups_open_at(path, err, sizeof(err)));
	ck_assert_int_eq(errno, ENOENT);
	snprintf(path, sizeof(path), "%s/nope: No such file or directory", tree);
	ck_assert_str_eq(err, path);
	snprintf(path, sizeof(path), "%s/a/cgroup.procs", tree);
	ck_assert_ptr_null(cgroups_open_at(path, err, sizeof(err)));
	ck_assert_int_eq(errno, ENOTDIR);
	ck_assert_ptr_null(cgroups_open_at("", err, sizeof(err)));
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

/* --- the walk and the cache --- */

struct seen {
	char rel[8][64];
	uint64_t id[8];
	size_t n;
	size_t stop_at;		/* answer 7 at this visit, counted from 1; 0: never */
};

static int record(void *ctx, const char *rel, uint64_t id)
{
	struct seen *s = ctx;

	ck_assert_uint_lt(s->n, 8);
	snprintf(s->rel[s->n], sizeof(s->rel[0]), "%s", rel);
	s->id[s->n] = id;
	return ++s->n == s->stop_at ? 7 : 0;
}

START_TEST(test_walk)
{
	static const char *const order[] = { "/", "/a", "/a/b", "/a/c", "/d" };
	struct seen s = { .n = 0 };
	struct cgroups *cg;
	size_t i;

	ck_assert_ptr_nonnull(cg = cgroups_open_at(tree, err, sizeof(err)));
	ck_assert_int_eq(cgroups_walk(cg, record, &s), 0);
	/* Parents first, siblings by name; the file and the link are no cgroups. */
	ck_assert_uint_eq(s.n, 5);
	for (i = 0; i < 5; i++) {
		ck_assert_str_eq(s.rel[i], order[i]);
		ck_assert_uint_eq(s.id[i], ino_of(i ? order[i] : ""));
	}
	/* The walk filled the cache: no file system needed to answer now. */
	rmdir_in("/a/c");
	ck_assert_str_eq(cgroups_path_of(cg, s.id[3]), "/a/c");
	ck_assert_str_eq(cgroups_path_of(cg, s.id[0]), "/");
	ck_assert_ptr_null(cgroups_path_of(cg, 0));

	/* fn's answer stops it. */
	memset(&s, 0, sizeof(s));
	s.stop_at = 3;
	ck_assert_int_eq(cgroups_walk(cg, record, &s), 7);
	ck_assert_uint_eq(s.n, 3);
	ck_assert_str_eq(s.rel[2], "/a/b");

	/* No fn: the cache only. */
	ck_assert_int_eq(cgroups_walk(cg, NULL, NULL), 0);
	cgroups_free(cg);
}
END_TEST

/*
 * A miss walks the tree again: at once for an id above every known one (a cgroup
 * made since), else not twice within CGROUPS_RESCAN_MS.
 */
START_TEST(test_rescan)
{
	struct cgroups *cg;
	uint64_t id, root = ino_of("");

	ck_assert_ptr_nonnull(cg = cgroups_open_at(tree, err, sizeof(err)));
	/* Never walked: the first lookup walks. */
	ck_assert_str_eq(cgroups_path_of(cg, ino_of("/a/b")), "/a/b");
	mkdir_in("/new");
	id = ino_of("/new");
	ck_assert_str_eq(cgroups_path_of(cg, id), "/new");	/* newer than all: at once */
	/* An unknown id below the newest (a cgroup gone unseen): one walk, then none
	 * for CGROUPS_RESCAN_MS, however often asked. */
	mkdir_in("/later");
	ck_assert_ptr_null(cgroups_path_of(cg, 1));
	ck_assert_str_eq(cgroups_path_of(cg, ino_of("/later")), "/later");
	/* A removed cgroup keeps its label: its counts may be read after it is gone. */
	rmdir_in("/new");
	ck_assert_int_eq(cgroups_walk(cg, NULL, NULL), 0);
	ck_assert_str_eq(cgroups_path_of(cg, id), "/new");
	ck_assert_str_eq(cgroups_path_of(cg, root), "/");
	/* An id that never was: NULL, however often asked. */
	ck_assert_ptr_null(cgroups_path_of(cg, UINT64_MAX));
	ck_assert_ptr_null(cgroups_path_of(cg, UINT64_MAX - 1));
	cgroups_free(cg);
}
END_TEST

/* Removed cgroups are dropped once they outnumber the live ones and the slack. */
START_TEST(test_prune)
{
	enum { N = 1200 };
	static uint64_t ids[N];
	struct cgroups *cg;
	char rel[32];
	size_t i, kept = 0;

	mkdir_in("/x");
	for (i = 0; i < N; i++) {
		snprintf(rel, sizeof(rel), "/x/d%zu", i);
		mkdir_in(rel);
		ids[i] = ino_of(rel);
	}
	ck_assert_ptr_nonnull(cg = cgroups_open_at(tree, err, sizeof(err)));
	ck_assert_int_eq(cgroups_walk(cg, NULL, NULL), 0);
	ck_assert_str_eq(cgroups_path_of(cg, ids[N - 1]), "/x/d1199");
	/* A few gone: kept. */
	for (i = 0; i < 10; i++) {
		snprintf(rel, sizeof(rel), "/x/d%zu", i);
		rmdir_in(rel);
	}
	ck_assert_int_eq(cgroups_walk(cg, NULL, NULL), 0);
	ck_assert_str_eq(cgroups_path_of(cg, ids[0]), "/x/d0");
	/* All gone: dropped, the live ones kept. */
	for (i = 10; i < N; i++) {
		snprintf(rel, sizeof(rel), "/x/d%zu", i);
		rmdir_in(rel);
	}
	ck_assert_int_eq(cgroups_walk(cg, NULL, NULL), 0);
	for (i = 0; i < N; i++)
		kept += cgroups_path_of(cg, ids[i]) != NULL;
	ck_assert_uint_eq(kept, 0);
	ck_assert_str_eq(cgroups_path_of(cg, ino_of("/x")), "/x");
	ck_assert_str_eq(cgroups_path_of(cg, ino_of("/a/b")), "/a/b");
	cgroups_free(cg);
}
END_TEST

/* Names are bytes: returned as they are, escaping them is the sinks' job. */
START_TEST(test_hostile_names)
{
	struct seen s = { .n = 0 };
	struct cgroups *cg;
	uint64_t id;

	rmdir_in("/a/b");
	rmdir_in("/a/c");
	rmdir_in("/d");
	mkdir_in("/a/x\ny");
	mkdir_in("/a/\x1b[31mred");
	ck_assert_ptr_nonnull(cg = cgroups_open_at(tree, err, sizeof(err)));
	ck_assert_int_eq(cgroups_walk(cg, record, &s), 0);
	ck_assert_uint_eq(s.n, 4);
	ck_assert_str_eq(s.rel[2], "/a/\x1b[31mred");
	ck_assert_str_eq(s.rel[3], "/a/x\ny");
	ck_assert_int_eq(cgroups_id_of(cg, "/a/x\ny", &id), 0);
	ck_assert_str_eq(cgroups_path_of(cg, id), "/a/x\ny");
	cgroups_free(cg);
}
END_TEST

static bool has_cgroup2(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "r");
	char *line = NULL;
	size_t cap = 0;
	bool found = false;

	if (!f)
		return false;
	while (!found && getline(&line, &cap, f) > 0)
		found = strstr(line, " - cgroup2 ") != NULL;
	free(line);
	fclose(f);
	return found;
}

/* This machine's hierarchy, read only: found, and our own cgroup in it. */
START_TEST(test_real_hierarchy)
{
	char *line = NULL, *own = NULL;
	struct cgroups *cg;
	struct statfs sfs;
	size_t cap = 0;
	uint64_t id;
	FILE *f;

	cg = cgroups_open(err, sizeof(err));
	if (!has_cgroup2()) {
		ck_assert_ptr_null(cg);
		ck_assert_str_eq(err, "no cgroup v2 hierarchy is mounted: a rule with cgroup, "
			      "unit or container filters or group_by needs one");
		return;
	}
	ck_assert_msg(cg != NULL, "%s", err);
	ck_assert_int_eq(statfs(cgroups_root(cg), &sfs), 0);
	ck_assert(sfs.f_type == CGROUP2_SUPER_MAGIC);
	ck_assert_int_eq(cgroups_id_of(cg, "/", &id), 0);
	ck_assert_str_eq(cgroups_path_of(cg, id), "/");
	/* "0::/path" in /proc/self/cgroup, relative to our cgroup namespace's root. */
	ck_assert_ptr_nonnull(f = fopen("/proc/self/cgroup", "r"));
	while (getline(&line, &cap, f) > 0)
		if (!strncmp(line, "0::", 3)) {
			line[strcspn(line, "\n")] = '\0';
			own = strdup(line + 3);
		}
	fclose(f);
	free(line);
	ck_assert_ptr_nonnull(own);
	if (cgroups_id_of(cg, own, &id) == 0)
		ck_assert_str_eq(cgroups_path_of(cg, id), own);
	free(own);
	cgroups_free(cg);
}
END_TEST

/* --- what a path names --- */

START_TEST(test_unit_of)
{
	static const struct {
		const char *path;
		const char *unit;	/* NULL: none */
	} cases[] = {
		{ "/system.slice/nginx.service", "nginx.service" },
		{ "/system.slice/backup.service", "backup.service" },
		{ "/system.slice/nginx.service/", "nginx.service" },
		{ "/system.slice/docker-" ID ".scope", "docker-" ID ".scope" },
		{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-" POD ".slice/"
		  "cri-containerd-" ID ".scope", "cri-containerd-" ID ".scope" },
		{ "/kubepods/besteffort/" POD "/" ID, NULL },
		{ "/machine.slice/libpod-" ID ".scope", "libpod-" ID ".scope" },
		{ "/machine.slice/machine-web\\x2d1.scope", "machine-web\\x2d1.scope" },
		{ "/user.slice/user-1000.slice/session-3.scope", "session-3.scope" },
		{ "/user.slice/user-1000.slice/user@1000.service/app.slice/"
		  "app-org.gnome.Terminal.slice/vte-spawn-1.scope", "vte-spawn-1.scope" },
		/* the innermost unit, not the last component: a delegated subtree */
		{ "/system.slice/foo.service/payload/leaf", "foo.service" },
		{ "/system.slice/x\x1b[2J.service", "x\x1b[2J.service" },
		{ "/", NULL },
		{ "", NULL },
		{ "/system.slice", NULL },
		{ "/init.scope", "init.scope" },
		{ "/system.slice/.service", NULL },
		{ "/system.slice/nginx.services", NULL },
		{ "/system.slice/backup.timer", NULL },
	};
	char out[CGROUPS_UNIT_MAX], path[1024], name[300];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(out, 'X', sizeof(out));
		if (!cases[i].unit) {
			ck_assert_msg(!cgroups_unit_of(cases[i].path, out), "%s", cases[i].path);
			continue;
		}
		ck_assert_msg(cgroups_unit_of(cases[i].path, out), "%s", cases[i].path);
		ck_assert_str_eq(out, cases[i].unit);
	}
	/* A name too long for systemd is no unit: the one around it is. */
	memset(name, 'n', sizeof(name));
	snprintf(name + 250, sizeof(name) - 250, ".service");
	snprintf(path, sizeof(path), "/system.slice/outer.service/%s", name);
	ck_assert(cgroups_unit_of(path, out));
	ck_assert_str_eq(out, "outer.service");
	name[255 - 8] = '\0';
	strcat(name, ".service");
	ck_assert_uint_eq(strlen(name), CGROUPS_UNIT_MAX - 1);
	snprintf(path, sizeof(path), "/system.slice/outer.service/%s", name);
	ck_assert(cgroups_unit_of(path, out));
	ck_assert_str_eq(out, name);

	ck_assert(cgroups_is_unit("a.service"));
	ck_assert(cgroups_is_unit("a.scope"));
	ck_assert(!cgroups_is_unit(".scope"));
	ck_assert(!cgroups_is_unit("a.slice"));
	ck_assert(!cgroups_is_unit("a.timer"));
	ck_assert(!cgroups_is_unit(""));
}
END_TEST

START_TEST(test_container_of)
{
	static const struct {
		const char *path;
		const char *container;	/* NULL: none */
	} cases[] = {
		{ "/system.slice/docker-" ID ".scope", ID },
		{ "/system.slice/docker-" ID ".scope/", ID },
		{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-" POD ".slice/"
		  "cri-containerd-" ID ".scope", ID },
		{ "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-" POD ".slice/"
		  "crio-" ID ".scope", ID },
		{ "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-" POD ".slice/"
		  "crio-conmon-" ID ".scope", NULL },
		{ "/kubepods/besteffort/" POD "/" ID, ID },
		{ "/kubepods/burstable/" POD, NULL },
		{ "/docker/" ID, ID },
		{ "/machine.slice/libpod-" ID ".scope", ID },
		{ "/machine.slice/libpod-" ID ".scope/container", ID },
		{ "/machine.slice/libpod-conmon-" ID ".scope", NULL },
		{ "/machine.slice/machine-web\\x2d1.scope", "web-1" },
		{ "/machine.slice/machine-web\\x2d1.scope/payload/system.slice/nginx.service",
		  "web-1" },
		{ "/machine.slice/machine-qemu\\x2d1\\x2dvm.scope/libvirt/emulator", "qemu-1-vm" },
		{ "/machine.slice/machine-sub.slice/machine-db.scope", "db" },
		/* a machine scope outside machine.slice is some other scope */
		{ "/system.slice/machine-web.scope", NULL },
		{ "/machine-web.scope", NULL },
		/* docker in docker: the innermost */
		{ "/system.slice/docker-" ID ".scope/docker/" ID2, ID2 },
		{ "/user.slice/user-1000.slice/session-3.scope", NULL },
		{ "/system.slice/nginx.service", NULL },
		{ "/", NULL },
		{ "", NULL },
		/* not quite ids */
		{ "/docker/0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
		  NULL },
		{ "/docker/" ID "0", NULL },
		{ "/docker/123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", NULL },
		{ "/system.slice/docker-" ID ".service", NULL },
		{ "/system.slice/podman-" ID ".scope", NULL },
		/* machine names: escapes undone, bytes kept, no NUL, at most 64 */
		{ "/machine.slice/machine-a\\x1bb.scope", "a\x1b" "b" },
		{ "/machine.slice/machine-evil\nname.scope", "evil\nname" },
		{ "/machine.slice/machine-a\\x2.scope", "a\\x2" },
		{ "/machine.slice/machine-a\\x00b.scope", NULL },
		{ "/machine.slice/machine-.scope", NULL },
		{ "/machine.slice/machine-"
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.scope",
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" },
		{ "/machine.slice/machine-"
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab.scope", NULL },
	};
	char out[CGROUPS_CONTAINER_MAX];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(out, 'X', sizeof(out));
		if (!cases[i].container) {
			ck_assert_msg(!cgroups_container_of(cases[i].path, out), "%s: %s",
				      cases[i].path, out);
			continue;
		}
		ck_assert_msg(cgroups_container_of(cases[i].path, out), "%s", cases[i].path);
		ck_assert_str_eq(out, cases[i].container);
	}
}
END_TEST

START_TEST(test_container_of_name)
{
	char out[CGROUPS_CONTAINER_MAX];

	ck_assert(cgroups_container_of_name("docker-" ID ".scope", out));
	ck_assert_str_eq(out, ID);
	ck_assert(cgroups_container_of_name("cri-containerd-" ID2 ".scope", out));
	ck_assert_str_eq(out, ID2);
	ck_assert(cgroups_container_of_name("crio-" ID ".scope", out));
	ck_assert_str_eq(out, ID);
	ck_assert(cgroups_container_of_name("libpod-" ID ".scope", out));
	ck_assert_str_eq(out, ID);
	ck_assert(cgroups_container_of_name(ID, out));
	ck_assert_str_eq(out, ID);
	/* By name alone a machine scope is taken: the path form checks its slice. */
	ck_assert(cgroups_container_of_name("machine-web\\x2d1.scope", out));
	ck_assert_str_eq(out, "web-1");
	strcpy(out, "untouched");
	ck_assert(!cgroups_container_of_name("nginx.service", out));
	ck_assert(!cgroups_container_of_name("docker-" ID ".scope/x", out));
	ck_assert(!cgroups_container_of_name("", out));
	ck_assert(!cgroups_container_of_name("kubepods-burstable-" POD ".slice", out));
	ck_assert_str_eq(out, "untouched");
}
END_TEST

START_TEST(test_container_match)
{
	ck_assert(cgroups_container_match(ID, ID));
	ck_assert(cgroups_container_match(ID, "0123456789ab"));
	ck_assert(cgroups_container_match(ID, "0"));
	ck_assert(!cgroups_container_match(ID, "123"));
	ck_assert(!cgroups_container_match(ID, ""));
	ck_assert(!cgroups_container_match(ID, ID "0"));
	ck_assert(!cgroups_container_match(ID, "0123-"));
	ck_assert(!cgroups_container_match(ID2, "0123"));
	/* Machine names match only whole, hex-looking ones too. */
	ck_assert(cgroups_container_match("web-1", "web-1"));
	ck_assert(!cgroups_container_match("web-1", "web"));
	ck_assert(cgroups_container_match("cafe", "cafe"));
	ck_assert(!cgroups_container_match("cafe", "caf"));
	ck_assert(!cgroups_container_match("web-1", ""));
}
END_TEST

int main(void)
{
	Suite *su = suite_create("cgroups");
	TCase *tree_tc = tcase_create("tree");
	TCase *names_tc = tcase_create("names");

	tcase_add_checked_fixture(tree_tc, setup, teardown);
	tcase_add_test(tree_tc, test_open_at);
	tcase_add_test(tree_tc, test_walk);
	tcase_add_test(tree_tc, test_rescan);
	tcase_add_test(tree_tc, test_prune);
	tcase_add_test(tree_tc, test_hostile_names);
	suite_add_tcase(su, tree_tc);
	tcase_add_test(names_tc, test_mount_point);
	tcase_add_test(names_tc, test_real_hierarchy);
	tcase_add_test(names_tc, test_unit_of);
	tcase_add_test(names_tc, test_container_of);
	tcase_add_test(names_tc, test_container_of_name);
	tcase_add_test(names_tc, test_container_match);
	suite_add_tcase(su, names_tc);
	return check_run(su);
}
