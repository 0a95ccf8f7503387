/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cgroups.h - the cgroup v2 hierarchy as user space sees it: where it is
 * mounted, a cgroup's id from its path and its path from its id (cached, for
 * labels), and what a path says about the systemd unit and the container it is
 * in. The kernel side matches ids; names and paths are resolved here.
 */
#ifndef CGROUPS_H
#define CGROUPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CGROUPS_PATH_MAX	4096
#define CGROUPS_UNIT_MAX	256	/* a systemd unit name, NUL included */
#define CGROUPS_CONTAINER_MAX	65	/* a 64-hex container id or an nspawn machine name,
					 * NUL included */
#define CGROUPS_RESCAN_MS	100	/* a cache miss walks the tree at most this often */

struct cgroups;		/* opaque: the mount and an id -> path cache */

/*
 * Find the cgroup v2 hierarchy: the unified one at /sys/fs/cgroup, or the hybrid
 * one (cgroup2 mounted elsewhere, e.g. /sys/fs/cgroup/unified beside the v1
 * controllers), from /proc/self/mountinfo, and check that what is mounted there is
 * cgroup2. NULL with errno and the reason in err.
 */
struct cgroups *cgroups_open(char *err, size_t errlen);

/*
 * The same, for a given mount point, which must be a directory and is not checked
 * to be cgroup2 (the tests use a plain directory tree). NULL with errno and err.
 */
struct cgroups *cgroups_open_at(const char *root, char *err, size_t errlen);

/*
 * The cgroup v2 mount point a mountinfo stream (proc(5)) names into out:
 * /sys/fs/cgroup if cgroup2 is what is mounted there last, else the first cgroup2
 * mount. 0, -ENOENT when there is none, -ENAMETOOLONG when it does not fit.
 */
int cgroups_mount_point(FILE *mountinfo, char *out, size_t outlen);

/* The mount point cg was opened at, without a trailing '/'. */
const char *cgroups_root(const struct cgroups *cg);

/*
 * The id of the cgroup at rel ("/" or "" for the root, "/a/b" or "a/b"): its
 * inode number, which is its cgroup id on 64-bit kernels. 0, or -EINVAL for a
 * "." or ".." component, -ENOTDIR, or another -errno of the lookup.
 */
int cgroups_id_of(const struct cgroups *cg, const char *rel, uint64_t *id);

/*
 * The path of cgroup id relative to the mount, with a leading '/'. From the cache;
 * a miss walks the tree again, at most once per CGROUPS_RESCAN_MS, so that a flood
 * of unknown ids cannot make every event walk it. NULL if still unknown (removed).
 * The string stays valid until cgroups_free or until a walk finds it gone and the
 * cache is pruned.
 */
const char *cgroups_path_of(struct cgroups *cg, uint64_t id);

/*
 * Call fn(ctx, rel, id) for every cgroup under the mount, the root first (rel
 * "/"), parents before children, siblings by name; fn may be NULL. Fills the cache.
 * Returns fn's first nonzero value (stopping there), else 0, else the first
 * -errno met reading a directory (a cgroup removed meanwhile is no error; the
 * others are walked all the same).
 */
int cgroups_walk(struct cgroups *cg, int (*fn)(void *ctx, const char *rel, uint64_t id),
		 void *ctx);

/* Close and free cg; NULL is fine. */
void cgroups_free(struct cgroups *cg);

/*
 * Whether name is a systemd unit processes run in: a name ending in ".service" or
 * ".scope" (a slice holds units, not processes; a timer's run in its service).
 */
bool cgroups_is_unit(const char *name);

/*
 * The systemd unit a cgroup path is in: its innermost component that
 * cgroups_is_unit and that fits out. false if none.
 */
bool cgroups_unit_of(const char *path, char out[CGROUPS_UNIT_MAX]);

/*
 * The container a cgroup path is in, from its innermost component that names one
 * (see cgroups_container_of_name), a machine-<name>.scope counting only under
 * machine.slice. false if none. Bytes are returned as they are: escaping them is
 * the sinks' job.
 */
bool cgroups_container_of(const char *path, char out[CGROUPS_CONTAINER_MAX]);

/*
 * The container one cgroup directory name names: the 64-hex id of
 * docker-<id>.scope (docker's systemd driver), cri-containerd-<id>.scope,
 * crio-<id>.scope (CRI runtimes under kubepods), libpod-<id>.scope (podman) or a
 * bare <id> (cgroupfs drivers: /docker/<id>, /kubepods/.../<id>); or the machine
 * name of machine-<name>.scope (systemd-nspawn, libvirt), systemd's \xNN escapes
 * undone. false for anything else.
 */
bool cgroups_container_of_name(const char *name, char out[CGROUPS_CONTAINER_MAX]);

/*
 * Whether container id (as cgroups_container_of gives it) is the rule's value
 * want: a prefix of a 64-hex id, or a machine name exactly.
 */
bool cgroups_container_match(const char *id, const char *want);

/* The kernel said cgroup id was made at path (from the mount's root): remember it. */
void cgroups_learn(struct cgroups *cg, uint64_t id, const char *path);

#endif /* CGROUPS_H */
