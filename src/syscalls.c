// SPDX-License-Identifier: GPL-2.0-only
/* syscalls.c - syscall number <-> name lookups over the generated table. */
#include <errno.h>
#include <string.h>

#include "syscalls.h"

const char *syscalls_name(unsigned long nr)
{
	size_t lo = 0, hi = syscalls_table_len;

	/*
	 * This runs once per streamed syscall event. The table has one entry a number,
	 * in order: where the numbers run from 0 with no gap up to nr (x86-64's first
	 * 335 do), entry nr is nr's.
	 */
	if (nr < syscalls_table_len && syscalls_table[nr].nr == nr)
		return syscalls_table[nr].name;
	/* Else a binary search: the table is sorted by number. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (syscalls_table[mid].nr == nr)
			return syscalls_table[mid].name;
		if (syscalls_table[mid].nr < nr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int syscalls_number(const char *name, unsigned long *nr)
{
	size_t i;

	/* Linear: only rule loading asks, a few times per rule. */
	for (i = 0; i < syscalls_table_len; i++) {
		if (!strcmp(syscalls_table[i].name, name)) {
			*nr = syscalls_table[i].nr;
			return 0;
		}
	}
	return -ENOENT;
}

/*
 * The syscalls older architectures kept and the generic table (arm64's, among
 * others) dropped for their general forms; x86-64 has both.
 */
const struct syscall_dropped syscalls_dropped[] = {
	{ "access", "faccessat" },	{ "alarm", "setitimer" },
	{ "chmod", "fchmodat" },	{ "chown", "fchownat" },
	{ "creat", "openat" },		{ "dup2", "dup3" },
	{ "epoll_create", "epoll_create1" }, { "epoll_wait", "epoll_pwait" },
	{ "eventfd", "eventfd2" },	{ "fork", "clone" },
	{ "futimesat", "utimensat" },	{ "getdents", "getdents64" },
	{ "getpgrp", "getpgid" },	{ "inotify_init", "inotify_init1" },
	{ "lchown", "fchownat" },	{ "link", "linkat" },
	{ "lstat", "newfstatat" },	{ "mkdir", "mkdirat" },
	{ "mknod", "mknodat" },		{ "open", "openat" },
	{ "pause", "ppoll" },		{ "pipe", "pipe2" },
	{ "poll", "ppoll" },		{ "readlink", "readlinkat" },
	{ "rename", "renameat" },	{ "rmdir", "unlinkat" },
	{ "select", "pselect6" },	{ "signalfd", "signalfd4" },
	{ "stat", "newfstatat" },	{ "symlink", "symlinkat" },
	{ "time", "clock_gettime" },	{ "unlink", "unlinkat" },
	{ "utime", "utimensat" },	{ "utimes", "utimensat" },
	{ "vfork", "clone" },
};
const size_t syscalls_dropped_len = sizeof(syscalls_dropped) / sizeof(syscalls_dropped[0]);

const char *syscalls_instead(const char *name)
{
	unsigned long nr;
	size_t i;

	for (i = 0; i < syscalls_dropped_len; i++)
		if (!strcmp(syscalls_dropped[i].name, name))
			return syscalls_number(syscalls_dropped[i].instead, &nr) ? NULL :
				syscalls_dropped[i].instead;
	return NULL;
}
