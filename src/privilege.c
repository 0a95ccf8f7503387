// SPDX-License-Identifier: GPL-2.0-only
/*
 * privilege.c - least privilege. The rule file decides what a root process
 * loads into the kernel, so it must be as trustworthy as sshd_config; and once
 * everything is loaded and open, --user gives the rest of the run to an
 * ordinary user, as tcpdump -Z does.
 */
#define _GNU_SOURCE	/* setresuid, setresgid */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

#include "outfile.h"
#include "privilege.h"
#include "rules.h"
#include "util.h"

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

static int cap_get(uint64_t *eff, uint64_t *perm)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &hdr, d))
		return -errno;
	*eff = d[0].effective | (uint64_t)d[1].effective << 32;
	*perm = d[0].permitted | (uint64_t)d[1].permitted << 32;
	return 0;
}

static int cap_set(uint64_t eff, uint64_t perm)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = {
		{ (uint32_t)eff, (uint32_t)perm, 0 },
		{ (uint32_t)(eff >> 32), (uint32_t)(perm >> 32), 0 },
	};

	return syscall(SYS_capset, &hdr, d) ? -errno : 0;
}

bool privilege_is_privileged(void)
{
	uint64_t eff = 0, perm = 0;

	/* Permitted too: after --user the kept capabilities can still be raised. */
	return geteuid() == 0 || (cap_get(&eff, &perm) == 0 && (eff | perm) != 0);
}

bool privilege_can_load(void)
{
	uint64_t eff = 0, perm = 0;

	/* CAP_SYS_ADMIN: kernels before 5.8, which have no CAP_BPF. */
	return cap_get(&eff, &perm) == 0 &&
	       (eff & (1ULL << CAP_BPF | 1ULL << CAP_SYS_ADMIN)) != 0;
}

/* The real uid before privilege_drop, (uid_t)-1 until then. */
static uid_t start_uid = (uid_t)-1;

uid_t privilege_trusted_uid(void)
{
	/* After --user, getuid() is that user's: a reload must trust whom the start did. */
	return start_uid != (uid_t)-1 ? start_uid : getuid();
}

void privilege_outfile_policy(const struct privilege_user *u, struct outfile_policy *p)
{
	p->check_owner = privilege_is_privileged();
	p->trusted_uid = privilege_trusted_uid();
	p->has_user = u && u->name;
	p->user_uid = p->has_user ? u->uid : (uid_t)-1;
	p->user_gid = p->has_user ? u->gid : (gid_t)-1;
}

int privilege_dir_writable(const struct outfile_policy *p, const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) :
			    xstrdup(".");
	uid_t uid = 0;
	gid_t gid = 0;
	int ret = 0;

	/* Under the user's fs ids the kernel also sets aside the DAC capabilities. */
	if (p && p->has_user) {
		gid = (gid_t)setfsgid(p->user_gid);
		uid = (uid_t)setfsuid(p->user_uid);
	}
	if (faccessat(AT_FDCWD, dir, W_OK | X_OK, AT_EACCESS))
		ret = -errno;
	if (p && p->has_user) {
		setfsuid(uid);
		setfsgid(gid);
	}
	free(dir);
	return ret;
}

/* Who may change st besides its owner, or NULL when nobody may. */
static const char *writable_by_others(const struct stat *st)
{
	bool sticky_dir = S_ISDIR(st->st_mode) && (st->st_mode & S_ISVTX);

	if (st->st_uid != 0 && st->st_uid != privilege_trusted_uid())
		return "is owned by another user";
	if (sticky_dir)
		return NULL;	/* /tmp: others may add entries, not replace ours */
	if (st->st_mode & S_IWOTH)
		return "is writable by every user";
	if ((st->st_mode & S_IWGRP) && st->st_gid != 0)
		return "is writable by its group";
	return NULL;
}

/* Check every directory from dir up to "/"; dir is modified. */
static int check_dirs(char *dir, const char *file, char *err, size_t errlen)
{
	struct stat st;
	const char *why;
	char *slash;

	for (;;) {
		if (stat(dir[0] ? dir : "/", &st) == 0 &&
		    (why = writable_by_others(&st)) != NULL) {
			snprintf(err, errlen, "%s: directory %s %s (uid %u, mode %04o): it "
				 "could swap the rule file", file, dir[0] ? dir : "/", why,
				 (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
			return -EPERM;
		}
		if (!dir[0])
			return 0;
		slash = strrchr(dir, '/');
		if (!slash)
			return 0;
		*slash = '\0';
	}
}

int privilege_check_rules_file(const struct rules *r, char *err, size_t errlen)
{
	struct stat st = {
		.st_uid = r->file_uid, .st_gid = r->file_gid, .st_mode = r->file_mode,
	};
	char cwd[PATH_MAX], *path, *resolved, *slash;
	const char *why;
	int ret;

	if (!r->from_file)
		return 0;
	if ((why = writable_by_others(&st)) != NULL) {
		snprintf(err, errlen, "%s %s (uid %u, mode %04o): a privileged run refuses "
			 "it; chown root and chmod go-w it", r->path, why,
			 (unsigned)r->file_uid, (unsigned)(r->file_mode & 07777));
		return -EPERM;
	}
	/* The directories named on the way, then those of the file's real place. */
	if (r->path[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		cwd[0] = '\0';
	path = xcalloc(1, strlen(cwd) + strlen(r->path) + 2);
	sprintf(path, "%s%s%s", cwd, cwd[0] ? "/" : "", r->path);
	if ((slash = strrchr(path, '/')) != NULL)
		*slash = '\0';
	ret = check_dirs(path, r->path, err, errlen);
	free(path);
	if (ret || !(resolved = realpath(r->path, NULL)))
		return ret;
	if ((slash = strrchr(resolved, '/')) != NULL)
		*slash = '\0';
	ret = check_dirs(resolved, r->path, err, errlen);
	free(resolved);
	return ret;
}

int privilege_lookup_user(const char *name, struct privilege_user *u, char *err,
			  size_t errlen)
{
	struct passwd *pw;

	errno = 0;
	pw = getpwnam(name);
	if (!pw) {
		snprintf(err, errlen, "--user %s: %s", name,
			 errno ? strerror(errno) : "no such user");
		return -ENOENT;
	}
	u->name = xstrdup(pw->pw_name);
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	return 0;
}

void privilege_user_free(struct privilege_user *u)
{
	free(u->name);
	u->name = NULL;
}

static int last_cap(void)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "r");
	int last = CAP_LAST_CAP;

	if (f) {
		if (fscanf(f, "%d", &last) != 1 || last < 0 || last > 63)
			last = CAP_LAST_CAP;
		fclose(f);
	}
	return last;
}

/* What attaching a probe on reload needs: reading tracefs ids, perf events, BPF. */
static uint64_t reload_caps(int last)
{
	uint64_t keep = 1ULL << CAP_DAC_READ_SEARCH;

	if (last >= CAP_BPF)
		keep |= 1ULL << CAP_BPF | 1ULL << CAP_PERFMON;
	else
		keep |= 1ULL << CAP_SYS_ADMIN;	/* before 5.8 that was all there was */
	return keep;
}

int privilege_drop(const struct privilege_user *u, char *err, size_t errlen)
{
	uint64_t eff, perm, keep;
	int cap, last = last_cap(), ret;

	keep = reload_caps(last);
	/* The bounding set first, while CAP_SETPCAP is ours (if it ever was). */
	for (cap = 0; cap <= last; cap++) {
		if ((keep & (1ULL << cap)) || !prctl(PR_CAPBSET_READ, cap, 0, 0, 0))
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) && errno != EPERM) {
			ret = -errno;
			snprintf(err, errlen, "--user: drop capability %d: %s", cap,
				 strerror(errno));
			return ret;
		}
	}
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	start_uid = getuid();
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) ||
	    setgroups(1, &u->gid) || setresgid(u->gid, u->gid, u->gid) ||
	    setresuid(u->uid, u->uid, u->uid)) {
		ret = -errno;
		snprintf(err, errlen, "--user %s: cannot become uid %u gid %u: %s", u->name,
			 (unsigned)u->uid, (unsigned)u->gid, strerror(errno));
		return ret;
	}
	prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
	if ((ret = cap_get(&eff, &perm)) != 0 || (ret = cap_set(0, perm & keep)) != 0) {
		snprintf(err, errlen, "--user %s: set capabilities: %s", u->name,
			 strerror(-ret));
		return ret;
	}
	/* Belt and braces: the way back to root must be closed. */
	if (u->uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
		snprintf(err, errlen, "--user %s: could still become root", u->name);
		return -EPERM;
	}
	return 0;
}

int privilege_raise(void)
{
	uint64_t eff, perm;
	int ret;

	if ((ret = cap_get(&eff, &perm)) != 0)
		return ret;
	return cap_set(perm, perm);
}

void privilege_lower(void)
{
	uint64_t eff, perm;

	if (cap_get(&eff, &perm) == 0)
		cap_set(0, perm);
}
