/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vmlinux_min.h - the few kernel types ruletrace.bpf.c reads, declared by hand.
 *
 * Not generated from any kernel, and no CO-RE relocation: one would make libbpf
 * parse all of the kernel's BTF at every start (about 10 ms and 11 MB more to
 * load, on 6.18). struct pt_regs is the architecture's fixed register frame;
 * task_struct, mm_struct and linux_binprm fields are reached through offsets user
 * space finds in the BTF (src/kbtf.c). Defining __VMLINUX_H__ tells
 * bpf_tracing.h to use the kernel's pt_regs field names (di, si, ...).
 */
#ifndef RULETRACE_VMLINUX_MIN_H
#define RULETRACE_VMLINUX_MIN_H

#define __VMLINUX_H__

#include <linux/types.h>
#include <linux/bpf.h>

#if defined(__TARGET_ARCH_x86)
struct pt_regs {
	unsigned long r15, r14, r13, r12, bp, bx, r11, r10, r9, r8;
	unsigned long ax, cx, dx, si, di, orig_ax, ip, cs, flags, sp, ss;
};
/* A syscall's first three arguments in the register frame it was entered with. */
#define RT_SYSCALL_ARG1(r) ((r)->di)
#define RT_SYSCALL_ARG2(r) ((r)->si)
#define RT_SYSCALL_ARG3(r) ((r)->dx)
#elif defined(__TARGET_ARCH_arm64)
/*
 * arm64's frame up to orig_x0, as arch/arm64/include/asm/ptrace.h has it since
 * 3.7 (the fields after it are not read). bpf_tracing.h reads a function's
 * arguments through struct user_pt_regs.
 */
struct user_pt_regs {
	__u64 regs[31];
	__u64 sp;
	__u64 pc;
	__u64 pstate;
};

struct pt_regs {
	union {
		struct user_pt_regs user_regs;
		struct {
			__u64 regs[31];
			__u64 sp;
			__u64 pc;
			__u64 pstate;
		};
	};
	__u64 orig_x0;
};
/*
 * The first argument is orig_x0: x0 is also where the result goes, and the kernel
 * keeps the argument aside for syscall restart.
 */
#define RT_SYSCALL_ARG1(r) ((r)->orig_x0)
#define RT_SYSCALL_ARG2(r) ((r)->regs[1])
#define RT_SYSCALL_ARG3(r) ((r)->regs[2])
#else
#error "ruletrace: add this architecture's struct pt_regs to bpf/vmlinux_min.h"
#endif


/*
 * Context of the syscalls:sys_enter_<name> tracepoints: the common trace header,
 * the syscall number, then the six arguments as unsigned longs. This layout is the
 * tracepoint's format file, stable since the syscall tracepoints appeared (2.6.33).
 */
struct rt_sys_enter_ctx {
	__u64 common;
	int syscall_nr;
	unsigned long args[6];
};

/* Context of the syscalls:sys_exit_<name> tracepoints: the header, the number, the result. */
struct rt_sys_exit_ctx {
	__u64 common;
	int syscall_nr;
	long ret;
};

#endif /* RULETRACE_VMLINUX_MIN_H */
