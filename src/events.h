/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * events.h - the consumer of the kernel's event buffer (ring buffer, or per-CPU
 * perf buffers on old kernels): decode each event and hand it to the sinks of
 * every rule that matched it, once per sink.
 */
#ifndef EVENTS_H
#define EVENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "rules.h"
#include "sink.h"
#include "summary.h"

struct ring_buffer;
struct perf_buffer;

struct events {
	struct ring_buffer *rb;
	struct perf_buffer *pb;
	const struct rules *rules;
	struct sink *sinks;		/* one per rules->outputs */
	struct summary *sum;		/* delivered counts land here */
	int rule_of_slot[RT_MAX_RULES];	/* kernel rule bit -> index in rules, or -1 */
	int64_t mono_to_real_ns;	/* CLOCK_REALTIME - CLOCK_MONOTONIC at start */
	uint64_t max_events;		/* stop delivering after this many; 0 = no limit */
	uint64_t delivered;		/* events handed to at least one sink */
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
 * Start consuming map_fd; buffer_size is the perf buffer's bytes per CPU (0: the
 * default) when it is not a ring buffer. 0 or -errno with the reason in err.
 */
int events_open(struct events *ev, int map_fd, bool ringbuf, uint32_t buffer_size,
		const struct rules *r, struct sink *sinks, struct summary *sum, char *err,
		size_t errlen);

/* Route events by the rules and sinks of a (re)loaded rule file. */
void events_set_rules(struct events *ev, const struct rules *r, struct sink *sinks,
		      struct summary *sum);

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
 * in summary_rule.unread without delivering it. Events consumed, or -errno.
 */
int events_drain(struct events *ev, int limit_ms);

void events_close(struct events *ev);

/* Route one raw event to its sinks: exposed for unit tests. 0 or -EINVAL if malformed. */
int events_deliver(struct events *ev, const void *data, size_t size);

#endif /* EVENTS_H */
