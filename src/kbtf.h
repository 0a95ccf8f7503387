/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kbtf.h - the task_struct, signal_struct, mm_struct and linux_binprm field
 * offsets the BPF programs need, read from the kernel's BTF by a streaming scan.
 *
 * Why not CO-RE: a CO-RE relocation makes libbpf parse and index all of
 * /sys/kernel/btf/vmlinux (5.5 MB on 6.18) before loading, about 10 ms and 11 MB
 * more peak RSS on 6.18 for an object reading these fields, for twelve numbers.
 * This scan reads the strings (2.3 MB) and only as many of the types as it needs,
 * in chunks of at most 64 KiB, keeps nothing but those numbers (about 2 ms, and
 * no peak RSS to measure beyond its buffer), and hands them to the programs as
 * read-only globals.
 */
#ifndef KBTF_H
#define KBTF_H

#include <stddef.h>
#include <stdint.h>

#define KBTF_VMLINUX "/sys/kernel/btf/vmlinux"

/* Byte offsets of the kernel fields the BPF programs read, on this kernel. */
struct kbtf_offsets {
	uint32_t task_pid;		/* task_struct.pid: the thread's id, a pid_t */
	uint32_t task_tgid;		/* task_struct.tgid: a 4-byte pid_t */
	uint32_t task_real_parent;	/* task_struct.real_parent: a pointer */
	uint32_t task_comm;		/* task_struct.comm: char[16] */
	uint32_t task_mm;		/* task_struct.mm: a pointer */
	uint32_t task_pending;		/* task_struct.pending: a list_head, then a sigset */
	uint32_t task_signal;		/* task_struct.signal: a pointer */
	uint32_t signal_live;		/* signal_struct.live: the thread group's live
					 * threads, an atomic_t */
	uint32_t mm_arg_start;		/* mm_struct.arg_start: unsigned long */
	uint32_t mm_arg_end;		/* mm_struct.arg_end: unsigned long */
	uint32_t bprm_filename;		/* linux_binprm.filename: a pointer */
	uint32_t bprm_argc;		/* linux_binprm.argc: int */
};

/*
 * Find the offsets in the BTF file at path (members of anonymous structs and
 * unions inside each struct included, as CO-RE would). 0, or -errno with the
 * reason (naming the struct and member that was not found) in err.
 */
int kbtf_offsets(const char *path, struct kbtf_offsets *out, char *err, size_t errlen);

/* Where the cgroup structs keep what the cgroup_mkdir and cgroup_rmdir programs read. */
struct kbtf_cgroup_offsets {
	uint32_t cgroup_kn;		/* cgroup.kn: the kernfs_node of its directory */
	uint32_t cgroup_root;		/* cgroup.root: its hierarchy's cgroup_root */
	uint32_t root_hierarchy_id;	/* cgroup_root.hierarchy_id: int, 0 for cgroup v2 */
	uint32_t kn_id;			/* kernfs_node.id: u64, the cgroup's id (5.5+) */
	uint32_t kn_name;		/* kernfs_node.name: a pointer to its name */
	uint32_t task_cgroups;		/* task_struct.cgroups: its css_set */
	uint32_t cset_dfl_cgrp;		/* css_set.dfl_cgrp: its cgroup v2 */
	uint32_t cgroup_self;		/* cgroup.self: its own cgroup_subsys_state */
	uint32_t css_parent;		/* cgroup_subsys_state.parent: the parent's */
};

/* As kbtf_offsets, for struct kbtf_cgroup_offsets. */
int kbtf_cgroup_offsets(const char *path, struct kbtf_cgroup_offsets *out, char *err,
			size_t errlen);

#endif /* KBTF_H */
