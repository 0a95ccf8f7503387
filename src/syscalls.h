/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * syscalls.h - syscall numbers and names of the architecture ruletrace was built
 * for (the table is generated from <sys/syscall.h> at build time).
 */
#ifndef SYSCALLS_H
#define SYSCALLS_H

#include <stddef.h>

/* The architecture the table is for, as uname -m names it. */
#if defined(__x86_64__)
#define SYSCALLS_ARCH "x86_64"
#elif defined(__aarch64__)
#define SYSCALLS_ARCH "aarch64"
#else
#define SYSCALLS_ARCH "this architecture"
#endif

struct syscall_entry {
	unsigned nr;
	const char *name;
};

/* Generated: sorted by number, one entry per number. */
extern const struct syscall_entry syscalls_table[];
extern const size_t syscalls_table_len;

/* The name of syscall nr, or NULL when this architecture has none by that number. */
const char *syscalls_name(unsigned long nr);

/* The number of the syscall called name: 0 and *nr set, or -ENOENT. */
int syscalls_number(const char *name, unsigned long *nr);

/* The old syscalls the generic table (arm64's) dropped, and what replaced each. */
struct syscall_dropped {
	const char *name, *instead;
};
extern const struct syscall_dropped syscalls_dropped[];
extern const size_t syscalls_dropped_len;

/*
 * For a name this architecture lacks that others have (open on arm64): the
 * syscall here that does its work (openat); else NULL.
 */
const char *syscalls_instead(const char *name);

#endif /* SYSCALLS_H */
