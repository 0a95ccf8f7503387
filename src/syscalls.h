/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * syscalls.h - syscall numbers and names of the architecture ruletrace was built
 * for (the table is generated from <sys/syscall.h> at build time).
 */
#ifndef SYSCALLS_H
#define SYSCALLS_H

#include <stddef.h>

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

#endif /* SYSCALLS_H */
