/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kbtf.h - the three task_struct field offsets the BPF programs need, read from
 * the kernel's BTF by a streaming scan.
 *
 * Why not CO-RE: a CO-RE relocation makes libbpf parse and index all of
 * /sys/kernel/btf/vmlinux (5.5 MB on 6.18) before loading, about 30 ms and 8 MB
 * of peak RSS, for three numbers. This scan reads the file in small chunks, keeps
 * nothing but those numbers, and hands them to the programs as read-only globals.
 */
#ifndef KBTF_H
#define KBTF_H

#include <stddef.h>
#include <stdint.h>

#define KBTF_VMLINUX "/sys/kernel/btf/vmlinux"

struct kbtf_task_offsets {
	uint32_t pid;		/* byte offset of task_struct.pid (the thread's id, a pid_t) */
	uint32_t tgid;		/* byte offset of task_struct.tgid (a 4-byte pid_t) */
	uint32_t real_parent;	/* byte offset of task_struct.real_parent (a pointer) */
};

/*
 * Find the offsets in the BTF file at path (members of anonymous structs and
 * unions inside task_struct included, as CO-RE would). 0, or -errno with the
 * reason in err.
 */
int kbtf_task_offsets(const char *path, struct kbtf_task_offsets *out, char *err,
		      size_t errlen);

#endif /* KBTF_H */
