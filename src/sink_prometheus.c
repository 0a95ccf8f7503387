// SPDX-License-Identifier: GPL-2.0-only
/*
 * sink_prometheus.c - the prometheus output: the run's figures (prom.c) written
 * whole, every interval and at exit, to a file for node_exporter's textfile
 * collector. Each write is a new file in the path's directory, under a name the
 * collector skips (it reads *.prom only), created exclusively, written, fsync'd
 * and renamed over the path: a reader finds the last file or the new one, never
 * part of one, and a write that fails removes what it made. The path is walked
 * afresh through outfile.c at every write, so a directory replaced meanwhile
 * is found again, and checked as at start.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "outfile.h"
#include "privilege.h"
#include "prom.h"
#include "sink.h"

#define PROM_FILE_MODE	0644	/* node_exporter runs as a user of its own */
#define PROM_TMP_TRIES	100	/* names taken by files another run left */

struct prom_state {
	char *name;		/* the path's last component */
	unsigned seq;		/* temporary files made: each one's name is new */
	struct strbuf text;	/* the figures, kept to reuse the buffer */
	dev_t dev;		/* the file this run last renamed in, once it has */
	ino_t ino;
	bool wrote;
	bool foreign_said;	/* another writer's file found there: said once */
};

static bool prom_has_suffix(const char *path)
{
	size_t n = strlen(path);

	return n >= 5 && !strcmp(path + n - 5, ".prom");
}

/*
 * Nothing is created at open, so a start that fails leaves the directory as it
 * was: the path is walked and looked at as a write will, and the first write
 * comes once the run has started.
 */
static int prom_open(struct sink *s, char *err, size_t errlen)
{
	struct prom_state *st;
	char *name = NULL;
	int dfd, ret;

	if ((dfd = outfile_open_dir(s->cfg->path, s->policy, &name, err, errlen)) < 0)
		return dfd;
	/* Every write makes a file there, as --user once running: refused now, not at each. */
	close(dfd);
	if ((ret = privilege_dir_writable(s->policy, s->cfg->path)) < 0) {
		snprintf(err, errlen, "open %s: %s cannot make files in its directory: %s",
			 s->cfg->path, s->policy && s->policy->has_user ? "the --user user" :
			 "this run", strerror(-ret));
		free(name);
		return ret;
	}
	if (!prom_has_suffix(s->cfg->path))
		log_warn("output '%s': %s does not end in .prom: node_exporter's textfile "
			 "collector reads only *.prom files", s->cfg->name, s->cfg->path);
	st = xcalloc(1, sizeof(*st));
	st->name = name;
	strbuf_init(&st->text);
	s->priv = st;
	return 0;
}

static int prom_write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		if (w == 0)
			return -EIO;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* A new file in dfd under a name of its own; its fd, or -errno. */
static int prom_create(struct prom_state *st, int dfd, char *tmp, size_t tmplen)
{
	int fd, tries;

	for (tries = 0; tries < PROM_TMP_TRIES; tries++) {
		snprintf(tmp, tmplen, ".ruletrace-%ld-%u.tmp", (long)getpid(), st->seq++);
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC |
			    O_NOCTTY, PROM_FILE_MODE);
		if (fd >= 0 || errno != EEXIST)
			return fd >= 0 ? fd : -errno;
	}
	return -EEXIST;
}

/*
 * Whether the file at the path is still the one this run last wrote. Another is
 * there when something else replaced it: most often a second run writing the
 * same path, whose figures and ours then take turns in the file, each turn a
 * counter reset to a scraper. Said once; the write goes on (the path is ours to
 * write), and a file removed meanwhile is no one's.
 */
static void prom_check_foreign(struct prom_state *st, int dfd, const char *output,
			       const char *path)
{
	struct stat sb;

	if (!st->wrote || st->foreign_said ||
	    fstatat(dfd, st->name, &sb, AT_SYMLINK_NOFOLLOW) ||
	    (sb.st_dev == st->dev && sb.st_ino == st->ino))
		return;
	st->foreign_said = true;
	log_warn("output '%s' (prometheus): %s was replaced since this run wrote it, by "
		 "another writer (another ruletrace writing the same file?): the figures "
		 "of both take turns in it", output, path);
}

/* The text into a new file in dfd, then renamed over name; nothing left behind on failure. */
static int prom_replace(struct prom_state *st, int dfd, const char *output, const char *path,
			char *err, size_t errlen)
{
	struct stat mine;
	char tmp[64];
	int fd, ret;

	if ((fd = prom_create(st, dfd, tmp, sizeof(tmp))) < 0) {
		snprintf(err, errlen, "create a file beside %s: %s", path, strerror(-fd));
		return fd;
	}
	/* The mode asked for, whatever the umask; on disk before it is renamed in. */
	ret = 0;
	if (fchmod(fd, PROM_FILE_MODE))
		ret = -errno;
	else if ((ret = prom_write_all(fd, st->text.buf, st->text.len)) == 0 && fsync(fd))
		ret = -errno;
	else if (fstat(fd, &mine))
		ret = -errno;
	if (close(fd) && !ret)
		ret = -errno;
	if (!ret)
		prom_check_foreign(st, dfd, output, path);
	if (!ret && renameat(dfd, tmp, dfd, st->name))
		ret = -errno;
	if (!ret) {
		st->dev = mine.st_dev;
		st->ino = mine.st_ino;
		st->wrote = true;
		return 0;
	}
	unlinkat(dfd, tmp, 0);
	snprintf(err, errlen, "write %s: %s", path, strerror(-ret));
	return ret;
}

static int prom_refresh(struct sink *s, const struct summary *sum, char *err, size_t errlen)
{
	struct prom_state *st = s->priv;
	char *name = NULL;
	int dfd, ret;

	strbuf_reset(&st->text);
	prom_format(&st->text, sum, s->index, s->written + 1);
	if ((dfd = outfile_open_dir(s->cfg->path, s->policy, &name, err, errlen)) < 0)
		return dfd;
	free(name);	/* the same last component as at open */
	ret = prom_replace(st, dfd, s->cfg->name, s->cfg->path, err, errlen);
	close(dfd);
	return ret;
}

/* The file when there is one; else its directory, and its name there. */
static int prom_file_id(struct sink *s, dev_t *dev, ino_t *ino, const char **name)
{
	struct prom_state *st = s->priv;
	char err[512], *last = NULL;
	struct stat sb;
	int dfd, ret = 0;

	if ((dfd = outfile_open_dir(s->cfg->path, s->policy, &last, err, sizeof(err))) < 0)
		return dfd;
	free(last);
	*name = NULL;
	if (fstatat(dfd, st->name, &sb, AT_SYMLINK_NOFOLLOW)) {
		*name = st->name;
		if (fstat(dfd, &sb))
			ret = -errno;
	}
	*dev = sb.st_dev;
	*ino = sb.st_ino;
	close(dfd);
	return ret;
}

static void prom_close(struct sink *s)
{
	struct prom_state *st = s->priv;

	if (!st)
		return;
	free(st->name);
	strbuf_free(&st->text);
	free(st);
	s->priv = NULL;
}

const struct sink_ops sink_prometheus_ops = {
	.type = "prometheus",
	.open = prom_open,
	.refresh = prom_refresh,
	.file_id = prom_file_id,
	.close = prom_close,
};
