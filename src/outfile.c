// SPDX-License-Identifier: GPL-2.0-only
/*
 * outfile.c - open an output file: regular files only, no untrusted symbolic link
 * on the way, the ownership policy, created for the run's user, truncated only
 * after the checks. The path is walked one component at a time from "/" (or the
 * working directory) with O_PATH|O_NOFOLLOW, because O_NOFOLLOW guards only the
 * last component and fs.protected_symlinks may be off; RESOLVE_NO_SYMLINKS would
 * refuse root's own links such as /var/run -> /run, so links root or the run's
 * user own are followed by hand.
 */
#define _GNU_SOURCE	/* O_PATH */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outfile.h"
#include "util.h"

/* The walk so far: the directory reached, what is left to walk, for messages what was walked. */
struct walk {
	int dfd;
	char *todo;		/* owned; components separated by '/' */
	struct strbuf shown;
	unsigned links;
};

static uid_t policy_trusted(const struct outfile_policy *p)
{
	return p ? p->trusted_uid : geteuid();
}

static const char *type_name(mode_t m)
{
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISSOCK(m))
		return "a socket";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISBLK(m))
		return "a block device";
	if (S_ISDIR(m))
		return "a directory";
	return "not a regular file";
}

/* Who else may change an existing output file st, or NULL when nobody may. */
static const char *foreign(const struct stat *st, const struct outfile_policy *p)
{
	if (st->st_uid != 0 && st->st_uid != p->trusted_uid &&
	    !(p->has_user && st->st_uid == p->user_uid))
		return "is owned by another user";
	if (st->st_mode & S_IWOTH)
		return "is writable by every user";
	if ((st->st_mode & S_IWGRP) && st->st_gid != 0)
		return "is writable by its group";
	/* A hard link to a file elsewhere (fs.protected_hardlinks off) would be truncated. */
	if (st->st_nlink > 1)
		return "has more than one hard link";
	return NULL;
}

/* 0 when st may be written as an output under p; else -errno and the reason in err. */
static int check_file(const char *path, const struct stat *st, const struct outfile_policy *p,
		      char *err, size_t errlen)
{
	const char *why;

	if (S_ISLNK(st->st_mode)) {
		snprintf(err, errlen, "open %s: is a symbolic link (refused)", path);
		return -ELOOP;
	}
	if (!S_ISREG(st->st_mode)) {
		snprintf(err, errlen, "open %s: is %s, not a regular file (refused: opening "
			 "it could block or write somewhere else)", path, type_name(st->st_mode));
		return S_ISDIR(st->st_mode) ? -EISDIR : -EINVAL;
	}
	if (p && p->check_owner && (why = foreign(st, p)) != NULL) {
		snprintf(err, errlen, "open %s: %s (uid %u, mode %04o, %u links): a privileged "
			 "run refuses an output another user could read, swap or plant; remove "
			 "it, or chown root and chmod go-w it", path, why, (unsigned)st->st_uid,
			 (unsigned)(st->st_mode & 07777), (unsigned)st->st_nlink);
		return -EPERM;
	}
	return 0;
}

/* Splice the target of the symbolic link fd (named name in the walk) in front of rest. */
static int follow(struct walk *w, int fd, const struct stat *st, const char *name,
		  const char *rest, const char *path, const struct outfile_policy *p,
		  char *err, size_t errlen)
{
	char target[PATH_MAX], *todo;
	ssize_t n;
	int root, e;

	if (st->st_uid != 0 && st->st_uid != policy_trusted(p)) {
		snprintf(err, errlen, "open %s: %s%s%s is a symbolic link owned by another user "
			 "(uid %u; only root's and uid %u's are followed): refused, it could "
			 "point the output at any file", path, w->shown.buf,
			 w->shown.len && w->shown.buf[w->shown.len - 1] != '/' ? "/" : "", name,
			 (unsigned)st->st_uid, (unsigned)policy_trusted(p));
		return -EPERM;
	}
	if (++w->links > OUTFILE_MAX_LINKS) {
		snprintf(err, errlen, "open %s: %s", path, strerror(ELOOP));
		return -ELOOP;
	}
	n = readlinkat(fd, "", target, sizeof(target));
	if (n < 0 || n == (ssize_t)sizeof(target) || n == 0) {
		e = n < 0 ? errno : n ? ENAMETOOLONG : ENOENT;
		snprintf(err, errlen, "open %s: read link %s: %s", path, name, strerror(e));
		return -e;
	}
	target[n] = '\0';
	if (target[0] == '/') {
		if ((root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
			e = errno;
			snprintf(err, errlen, "open %s: /: %s", path, strerror(e));
			return -e;
		}
		close(w->dfd);
		w->dfd = root;
		strbuf_reset(&w->shown);
	}
	todo = xmalloc(strlen(target) + strlen(rest) + 2);
	sprintf(todo, "%s/%s", target, rest);
	free(w->todo);
	w->todo = todo;
	return 0;
}

/*
 * Walk every directory of path; on success w->dfd is the last one and *last points
 * (into w->todo) at the final component, which is never followed.
 */
static int walk(struct walk *w, const char *path, const struct outfile_policy *p,
		char **last, char *err, size_t errlen)
{
	char *name, *end, *rest;
	struct stat st;
	int fd, e;

	w->dfd = open(path[0] == '/' ? "/" : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (w->dfd < 0) {
		e = errno;
		snprintf(err, errlen, "open %s: %s", path, strerror(e));
		return -e;
	}
	strbuf_adds(&w->shown, path[0] == '/' ? "/" : "");
	w->todo = xstrdup(path);
	name = w->todo;
	for (;;) {
		while (*name == '/')
			name++;
		end = name + strcspn(name, "/");
		for (rest = end; *rest == '/'; rest++)
			;
		if (!*rest) {
			*end = '\0';
			*last = name;
			return 0;
		}
		*end = '\0';
		if (!strcmp(name, ".")) {
			name = rest;
			continue;
		}
		fd = openat(w->dfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &st)) {
			e = errno;
			snprintf(err, errlen, "open %s: %s", path, strerror(e));
			if (fd >= 0)
				close(fd);
			return -e;
		}
		if (S_ISLNK(st.st_mode)) {
			e = follow(w, fd, &st, name, rest, path, p, err, errlen);
			close(fd);
			if (e)
				return e;
			name = w->todo;
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			close(fd);
			snprintf(err, errlen, "open %s: %s", path, strerror(ENOTDIR));
			return -ENOTDIR;
		}
		close(w->dfd);
		w->dfd = fd;
		if (w->shown.len && w->shown.buf[w->shown.len - 1] != '/')
			strbuf_addc(&w->shown, '/');
		strbuf_adds(&w->shown, name);
		name = rest;
	}
}

/* Open (or create) name in w->dfd without following it or waiting on it. */
static int open_final(struct walk *w, const char *name, const char *path, unsigned flags,
		      const struct outfile_policy *p, bool *empty, char *err, size_t errlen)
{
	int oflags = O_WRONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC | O_NONBLOCK;
	struct stat st;
	bool created;
	int fd, e, tries, ret;

	if (flags & OUTFILE_APPEND)
		oflags |= O_APPEND;
	for (tries = 0;; tries++) {
		/* Look before opening: a device or FIFO is never opened at all. */
		created = fstatat(w->dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0;
		if (created && errno != ENOENT) {
			e = errno;
			snprintf(err, errlen, "open %s: %s", path, strerror(e));
			return -e;
		}
		if (!created && (ret = check_file(path, &st, p, err, errlen)) != 0)
			return ret;
		if (flags & OUTFILE_CHECK_ONLY)
			return 0;
		fd = openat(w->dfd, name, oflags | (created ? O_CREAT | O_EXCL : 0), 0640);
		if (fd >= 0)
			break;
		e = errno;
		/* Created or removed since the look: look again, a few times. */
		if ((e == EEXIST || e == ENOENT) && tries < 3)
			continue;
		if (e == ELOOP)
			snprintf(err, errlen, "open %s: is a symbolic link (refused)", path);
		else if (e == ENXIO)	/* a FIFO without a reader put there since the look */
			snprintf(err, errlen, "open %s: not a regular file (refused)", path);
		else
			snprintf(err, errlen, "open %s: %s", path, strerror(e));
		return -e;
	}
	/* What was opened is what was checked: the name may have been swapped since. */
	if (fstat(fd, &st)) {
		ret = -errno;
		snprintf(err, errlen, "open %s: %s", path, strerror(-ret));
		goto fail;
	}
	if ((ret = check_file(path, &st, created ? NULL : p, err, errlen)) != 0)
		goto fail;
	if (fcntl(fd, F_SETFL, oflags & O_APPEND) ||
	    (created && p && p->has_user &&
	     (st.st_uid != p->user_uid || st.st_gid != p->user_gid) &&
	     fchown(fd, p->user_uid, p->user_gid)) ||
	    (!(flags & OUTFILE_APPEND) && st.st_size && ftruncate(fd, 0))) {
		ret = -errno;
		snprintf(err, errlen, "open %s: %s", path, strerror(-ret));
		goto fail;
	}
	*empty = !(flags & OUTFILE_APPEND) || st.st_size == 0;
	return fd;
fail:
	close(fd);
	if (created)	/* nothing of ours left behind */
		unlinkat(w->dfd, name, 0);
	return ret;
}

/*
 * Walk to path's last directory (w->dfd) and name its last component (*last, in
 * w->todo): neither empty nor a directory by its spelling ("x/", ".", "..").
 */
static int walk_to(struct walk *w, const char *path, const struct outfile_policy *p,
		   char **last, char *err, size_t errlen)
{
	size_t len = strlen(path);
	int ret;

	if (!len || path[len - 1] == '/') {
		snprintf(err, errlen, "open %s: %s", path, strerror(len ? EISDIR : ENOENT));
		return len ? -EISDIR : -ENOENT;
	}
	if ((ret = walk(w, path, p, last, err, errlen)) != 0)
		return ret;
	if (!strcmp(*last, ".") || !strcmp(*last, "..")) {
		snprintf(err, errlen, "open %s: %s", path, strerror(EISDIR));
		return -EISDIR;
	}
	return 0;
}

static void walk_free(struct walk *w)
{
	if (w->dfd >= 0)
		close(w->dfd);
	free(w->todo);
	strbuf_free(&w->shown);
}

int outfile_open(const char *path, unsigned flags, const struct outfile_policy *p,
		 bool *empty, char *err, size_t errlen)
{
	struct walk w = { .dfd = -1 };
	bool dummy;
	char *last = NULL;
	int ret;

	strbuf_init(&w.shown);
	if ((ret = walk_to(&w, path, p, &last, err, errlen)) == 0)
		ret = open_final(&w, last, path, flags, p, empty ? empty : &dummy, err, errlen);
	/* --check: what does not exist yet is created at start, not a problem now. */
	if ((flags & OUTFILE_CHECK_ONLY) && (ret == -ENOENT || ret == -EACCES))
		ret = 0;
	walk_free(&w);
	return ret;
}

int outfile_open_dir(const char *path, const struct outfile_policy *p, char **name,
		     char *err, size_t errlen)
{
	struct walk w = { .dfd = -1 };
	struct stat st;
	char *last = NULL;
	int ret;

	strbuf_init(&w.shown);
	if ((ret = walk_to(&w, path, p, &last, err, errlen)) != 0)
		goto out;
	if (fstatat(w.dfd, last, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if ((ret = check_file(path, &st, p, err, errlen)) != 0)
			goto out;
	} else if (errno != ENOENT) {
		ret = -errno;
		snprintf(err, errlen, "open %s: %s", path, strerror(-ret));
		goto out;
	}
	*name = xstrdup(last);
	ret = w.dfd;
	w.dfd = -1;
out:
	walk_free(&w);
	return ret;
}
