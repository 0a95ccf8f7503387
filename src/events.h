/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * events.h - the consumer of the kernel's event buffers (a ring buffer per stream
 * rule, read in turns; or per-CPU perf buffers shared by every rule on old
 * kernels): decode each event and hand it to the outputs of each rule that took it,
 * under that rule's name.
 */
#ifndef EVENTS_H
#define EVENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "cgroups.h"
#include "plan.h"
#include "ringbuf.h"
#include "sink.h"

struct perf_buffer;

/* Where the events of one kernel rule slot go, and what became of them. */
struct events_slot {
	const char *rule;		/* the rule on it; NULL: none */
	unsigned index;			/* which slot it is */
	uint32_t max_argv_bytes;	/* of an exec's argument area, the most its rule shows */
	struct sink *sinks[RULES_MAX_OUTPUTS];
	size_t nsinks;
	bool retired;			/* its rule was removed: events dropped, counted */
	uint64_t owed;			/* events it still had buffered when retired */
	uint64_t delivered;		/* events handed to the rule's sinks */
	uint64_t unread;		/* still buffered when the stop's drain time ran out */
	uint64_t past_max;		/* arrived after --max-events was met: not delivered */
	uint64_t retired_seen;		/* arrived after its rule was removed */
};

/*
 * Records each ring buffer may hand over in one turn of the consumer, before the
 * next ring's turn: no rule's buffer waits longer than every other taking this
 * many, however fast one of them fills.
 */
#define EVENTS_RING_TURN 256

/*
 * How long the consumer lets records gather after a pass that found some, before
 * the next: a ring of the default 1 MiB takes over 16000 syscall events, more
 * than 5 ms of the fastest flood.
 */
#define EVENTS_GATHER_US 1000

struct events {
	struct ringbuf ring[RT_MAX_RULES];	/* ring buffer runs: each stream rule's, by slot */
	bool rings;			/* events come through them (not perf buffers) */
	int epfd;			/* ... all of them, to wait on (when rings) */
	unsigned next_ring;		/* the slot whose turn comes first next pass */
	unsigned reading;		/* the slot whose ring is being read */
	bool busy;			/* the last pass found records: more are coming */
	struct cgroups *cgroups;	/* where cgroup ids are named; NULL: not at all */
	struct ringbuf births;		/* the cgroups made, named as they are made */
	/* The labels of the last cgroup id seen: most events come from where the last did. */
	struct {
		uint64_t id;		/* 0: none yet */
		bool known;		/* its path was found */
		char path[CGROUPS_PATH_MAX];
		char unit[CGROUPS_UNIT_MAX];
		char container[CGROUPS_CONTAINER_MAX];
		bool has_unit, has_container;
	} label;
	struct perf_buffer *pb;
	struct events_slot slot[RT_MAX_RULES];
	int64_t mono_to_real_ns;	/* CLOCK_REALTIME - CLOCK_MONOTONIC at start */
	uint64_t max_events;		/* stop delivering after this many; 0 = no limit */
	uint64_t delivered;		/* events handed to at least one sink */
	uint64_t execs;			/* exec events among them */
	uint64_t past_max;		/* events not delivered because max_events was met */
	uint64_t malformed;		/* events too short to decode */
	uint64_t perf_lost;		/* perf buffer: samples the kernel dropped */
	uint64_t unread;		/* left in the buffer at stop: counted, not delivered */
	bool (*interrupted)(void);	/* a signal wants the run loop: stop consuming */
	double slice_end;		/* consume until then, then give the loop a turn */
	unsigned slice_events;		/* events since the clock was last read */
	bool yielded;			/* the callback stopped the consumer */
	bool counting;			/* past the stop's drain time: count, do not deliver */
	/* A perf sample is only 4-byte aligned (it follows a u32 size): decoded from here. */
	__u64 aligned[(sizeof(struct rt_exec_event) + 7) / 8];
};

/*
 * Start consuming what plan p chose: ring buffers, one per stream rule, given by
 * events_route; or the per-CPU perf buffers of perf_fd. 0 or -errno with the
 * reason in err.
 */
int events_open(struct events *ev, int perf_fd, const struct plan *p, char *err,
		size_t errlen);

/*
 * Route by plan p: each of its rules' slots to the sinks of the rule's outputs
 * (sinks[i] for output i), and to be read from the ring buffer ring_fd[slot]
 * (ring buffer runs; -1: the slot's rule sends no events). A slot that p takes
 * anew starts its figures from 0. Slots of rules p does not have keep their
 * routes (and sinks, and rings) until events_retire: what was buffered under them
 * is still delivered. 0 or -errno with the reason in err (a ring not mapped).
 */
int events_route(struct events *ev, const struct plan *p, struct sink *const *sinks,
		 const int *ring_fd, char *err, size_t errlen);

/*
 * The rule on slot is gone: its sinks are no longer used. owed of its events
 * are still buffered (already counted as lost by the caller): they are taken
 * out of the buffer, not delivered, and the slot stays busy until they are.
 */
void events_retire(struct events *ev, unsigned slot, uint64_t owed);

/* A bit per slot that no new rule may take yet: a retired rule's events still owed. */
uint64_t events_busy_slots(const struct events *ev);

/* Whether max_events have been delivered: the run should end. */
bool events_done(const struct events *ev);

/*
 * At most this long consuming before the run loop gets a turn, however fast the
 * kernel produces: the bound on how late a signal, a deadline or a reload is seen.
 */
#define EVENTS_SLICE_MS 50

/*
 * Wait up to timeout_ms and deliver what arrived, for at most EVENTS_SLICE_MS or
 * until ev->interrupted() says a signal came; events consumed, or -errno.
 */
int events_poll(struct events *ev, int timeout_ms);

/*
 * After the probes are detached: deliver what is still buffered for at most
 * limit_ms (less if ev->interrupted() turns true), then count the rest per rule
 * slot as unread without delivering it. Events consumed, or -errno.
 */
int events_drain(struct events *ev, int limit_ms);

void events_close(struct events *ev);

/*
 * Fill x with exec event e as a rule showing at most max_argv_bytes of its
 * argument area sees it. e must be one events_deliver accepts (it checks the
 * sizes); x points into it. Exposed for the formatters' unit tests.
 */
void events_exec_view(struct sink_exec *x, const struct rt_exec_event *e,
		      uint32_t max_argv_bytes);

/*
 * Fill x with view from as it would be with at most max_argv_bytes of the
 * argument area: what events_exec_view gives for the same event under that
 * limit, when it is below from's own (else x is from). For an output that has
 * less room than the rule: the figures then count what it does not show too.
 */
void events_exec_narrow(struct sink_exec *x, const struct sink_exec *from,
			size_t max_argv_bytes);

/*
 * Learn the names of the cgroups made during the run from the kernel's ring
 * buffer map births_fd (-1: none), as they are made, ahead of their events.
 * 0 or -errno with the reason in err.
 */
int events_learn_cgroups(struct events *ev, int births_fd, char *err, size_t errlen);

/* Route one raw event to its sinks: exposed for unit tests. 0 or -EINVAL if malformed. */
int events_deliver(struct events *ev, const void *data, size_t size);

#endif /* EVENTS_H */
