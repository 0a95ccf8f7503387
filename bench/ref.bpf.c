// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * ref.bpf.c - the reference designs ruletrace is measured against, one program
 * each, all on the sys_enter raw tracepoint:
 *   seed:      the hello project's design: every syscall's 100-byte comm buffer
 *              sent through a perf event array, counted in user space;
 *   floor_prog: one per-CPU array increment, the least any counter can cost;
 *   comm_hash: the obvious design, a per-CPU hash keyed by the 16-byte comm.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(int));
	__uint(value_size, sizeof(__u32));
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} floor_count SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 10240);
	__type(key, char[16]);
	__type(value, __u64);
} comm_count SEC(".maps");

SEC("raw_tracepoint/sys_enter")
int seed(void *ctx)
{
	char data[100];

	bpf_get_current_comm(&data, 100);
	bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &data, 100);
	return 0;
}

SEC("raw_tracepoint/sys_enter")
int floor_prog(void *ctx)
{
	__u32 zero = 0;
	__u64 *v = bpf_map_lookup_elem(&floor_count, &zero);

	(void)ctx;
	if (v)
		(*v)++;
	return 0;
}

SEC("raw_tracepoint/sys_enter")
int comm_hash(void *ctx)
{
	char comm[16] = {};
	__u64 one = 1, *v;

	(void)ctx;
	bpf_get_current_comm(comm, sizeof(comm));
	v = bpf_map_lookup_elem(&comm_count, comm);
	if (v)
		(*v)++;
	else
		bpf_map_update_elem(&comm_count, comm, &one, BPF_NOEXIST);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
