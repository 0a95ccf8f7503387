// SPDX-License-Identifier: GPL-2.0-only
/*
 * ref.c - loads one reference program of ref.bpf.c (seed, floor_prog, comm_hash),
 * says "attached" on stderr, and runs until SIGINT or SIGTERM. For seed it reads
 * the perf buffer and counts by comm in user space, as the hello project's Go
 * loader did, and prints how many events it counted and how many were lost.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "ref.skel.h"

#define SLOTS 4096

static volatile sig_atomic_t stop;
static struct { char comm[16]; unsigned long long n; } table[SLOTS];
static unsigned long long counted, lost;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* The seed's counter[string(data)]++: a string-keyed hash table. */
static void on_event(void *ctx, int cpu, void *data, __u32 size)
{
	const char *comm = data;
	unsigned h = 5381, i;

	(void)ctx, (void)cpu, (void)size;
	for (i = 0; i < 16 && comm[i]; i++)
		h = h * 33 + (unsigned char)comm[i];
	for (i = 0; i < SLOTS; i++) {
		unsigned s = (h + i) % SLOTS;

		if (!table[s].n) {
			strncpy(table[s].comm, comm, 15);
		} else if (strncmp(table[s].comm, comm, 15)) {
			continue;
		}
		table[s].n++;
		counted++;
		return;
	}
}

static void on_lost(void *ctx, int cpu, __u64 n)
{
	(void)ctx, (void)cpu;
	lost += n;
}

int main(int argc, char **argv)
{
	struct perf_buffer *pb = NULL;
	struct bpf_program *prog;
	struct ref_bpf *skel;
	struct bpf_link *link;
	const char *mode = argc > 1 ? argv[1] : "";

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	skel = ref_bpf__open();
	if (!skel)
		return 1;
	bpf_object__for_each_program(prog, skel->obj)
		bpf_program__set_autoload(prog, !strcmp(bpf_program__name(prog), mode));
	if (ref_bpf__load(skel)) {
		fprintf(stderr, "ref: unknown mode '%s' or load failed\n", mode);
		return 1;
	}
	prog = bpf_object__find_program_by_name(skel->obj, mode);
	link = bpf_program__attach(prog);
	if (!link)
		return 1;
	if (!strcmp(mode, "seed"))
		pb = perf_buffer__new(bpf_map__fd(skel->maps.events), 1024, on_event, on_lost,
				      NULL, NULL);
	fprintf(stderr, "attached\n");
	while (!stop)
		if (pb)
			perf_buffer__poll(pb, 100);
		else
			pause();
	bpf_link__destroy(link);
	if (pb) {
		perf_buffer__consume(pb);
		printf("counted %llu lost %llu\n", counted, lost);
		perf_buffer__free(pb);
	}
	ref_bpf__destroy(skel);
	return 0;
}
