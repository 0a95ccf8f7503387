/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * outfile.h - open an output file (a csv or json output, --summary-json, the
 * directory of a prometheus output) the careful way a root process must:
 * regular files only, never waiting on the open, no symbolic link on the way
 * that an untrusted user owns, no existing file that another user controls,
 * created for the user the run becomes, and truncated only once every check has
 * passed.
 */
#ifndef OUTFILE_H
#define OUTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Whom an output path may belong to; filled once at start (privilege_outfile_policy). */
struct outfile_policy {
	bool check_owner;	/* a privileged run: refuse files others control */
	uid_t trusted_uid;	/* besides root: who started the run (its real uid) */
	bool has_user;		/* --user: files created are given to this user, */
	uid_t user_uid;		/* and files it owns are accepted */
	gid_t user_gid;
};

#define OUTFILE_APPEND		(1u << 0)	/* keep what is there; else truncate */
#define OUTFILE_CHECK_ONLY	(1u << 1)	/* --check: walk and stat, open nothing */

/* At most this many symbolic links are followed in one path, as the kernel's limit. */
#define OUTFILE_MAX_LINKS	40

/*
 * Open path for writing as flags say and policy p allows (NULL: trust root and
 * the effective user, no ownership checks). Returns an fd, blocking, close-on-exec,
 * and sets *empty when nothing is in the file; or -errno with "open PATH: why" in
 * err. With OUTFILE_CHECK_ONLY returns 0 when a start would accept the path (a file
 * or directory that does not exist yet included) and opens or creates nothing.
 */
int outfile_open(const char *path, unsigned flags, const struct outfile_policy *p,
		 bool *empty, char *err, size_t errlen);

/*
 * For a file replaced whole, by renaming a new one over it: walk to path's
 * directory as outfile_open does and look at what is there now under the last
 * component: nothing, or a regular file that outfile_open would take under
 * policy p. Returns an O_PATH descriptor of the directory, close-on-exec, and in
 * *name (to free) the last component; or -errno with "open PATH: why" in err.
 */
int outfile_open_dir(const char *path, const struct outfile_policy *p, char **name,
		     char *err, size_t errlen);

#endif /* OUTFILE_H */
