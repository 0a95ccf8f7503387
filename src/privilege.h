/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * privilege.h - least privilege: whether this process runs privileged, refusing
 * rule files that other users could change, and --user, which drops to an
 * unprivileged user once the kernel objects are loaded and the sinks are open.
 */
#ifndef PRIVILEGE_H
#define PRIVILEGE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct outfile_policy;
struct rules;

/* Root, or any capability it has or can raise: its rule file must be trustworthy. */
bool privilege_is_privileged(void);

/* Whether bpf(2) may create maps and load programs: CAP_BPF or CAP_SYS_ADMIN in effect. */
bool privilege_can_load(void);

/*
 * 0 when the rule file that r was read from can be changed only by its owner
 * (root or the real user the run started as, even after --user) and so can every directory above it (a sticky
 * directory such as /tmp counts as safe); otherwise -EPERM and the reason in err.
 * The built-in rules always pass.
 */
int privilege_check_rules_file(const struct rules *r, char *err, size_t errlen);

/* The user --user names, looked up before anything is attached. */
struct privilege_user {
	char *name;
	uid_t uid;
	gid_t gid;
};

int privilege_lookup_user(const char *name, struct privilege_user *u, char *err,
			  size_t errlen);
void privilege_user_free(struct privilege_user *u);

/* The real uid the run started as: the user trusted besides root, before and after --user. */
uid_t privilege_trusted_uid(void);

/*
 * Whom output files may belong to: checked when privileged, root and the trusted
 * uid trusted, and with --user (u->name set; u may be NULL) created for u.
 */
void privilege_outfile_policy(const struct privilege_user *u, struct outfile_policy *p);

/*
 * Whether the --user of policy p (none: the run itself) may reach the directory
 * of path and make files in it, by the kernel's own check (modes and ACLs of it
 * and of every directory above) under that user's file-system ids: 0, or -errno
 * (-EACCES, -EROFS).
 */
int privilege_dir_writable(const struct outfile_policy *p, const char *path);

/*
 * Become u: its uid and gid, no supplementary groups, no effective capabilities.
 * The capabilities a reload needs to attach probes (CAP_BPF, CAP_PERFMON,
 * CAP_DAC_READ_SEARCH; CAP_SYS_ADMIN on kernels without CAP_BPF) stay in the
 * permitted set only, for privilege_raise; every other one leaves the bounding set.
 */
int privilege_drop(const struct privilege_user *u, char *err, size_t errlen);

/* Around a reload's attach after privilege_drop: the kept capabilities in and out. */
int privilege_raise(void);
void privilege_lower(void);

#endif /* PRIVILEGE_H */
